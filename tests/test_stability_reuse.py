"""Work done once per molecule or ring in the stability model (the batch path) gives what the work done per call gives.

The assessment finds each ring's rule hits and features once (:func:`ring_facts`), shares one kekulized copy of the
molecule among every product it draws, and keeps the pieces of a sanitized product without sanitizing each piece
again. Each of these shortcuts is compared here with the long way on molecules that exercise it (a 4,5-imine ring
giving two pieces, a 3-hydroxy ring, a defined C3 configuration whose epimer is drawn, explicit hydrogens).
"""

from __future__ import annotations

import pytest
from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

from reactivity.molecule import mol_from_smiles
from reactivity.perception import perceive
from reactivity.species import describe_species
from reactivity.stability import assess_rings, assess_stability
from reactivity.stability import pathways as P
from reactivity.stability.conditions import _assess_condition_rings
from reactivity.stability.model import ring_facts, ring_model
from reactivity.stability.rings import ring_features, ring_rule_hits

DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
OXAZEPAM = "O=C1Nc2ccc(Cl)cc2C(c2ccccc2)=NC1O"
S_TEMAZEPAM = "CN1C(=O)[C@@H](O)N=C(c2ccccc2)c2cc(Cl)ccc21"  # defined C3: the epimer is drawn
CLORAZEPATE = "OC(=O)C1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O"
OXAZOLAM = "CC1CN2CC(=O)Nc3ccc(Cl)cc3C2(c2ccccc2)O1"
S_ALKYL = "O=C1[C@H](C)N(CCN)CCCN1"  # saturated ring, defined C3, a free amine that reaches C2
MOLECULES = [DIAZEPAM, OXAZEPAM, S_TEMAZEPAM, CLORAZEPATE, OXAZOLAM, S_ALKYL]


def _variants(smiles: str) -> list[Chem.Mol]:
    return [mol_from_smiles(smiles), Chem.AddHs(mol_from_smiles(smiles))]


def _described(degradants) -> list[tuple]:
    return [(d.name, d.smiles, d.inchikey, d.formula, d.monoisotopic_mass, d.mz_mh, d.note) for d in degradants]


def _all_products(mol, ring, state, source):
    return [
        P.lactam_products(mol, ring, state, source),
        P.imine_open_products(mol, ring, source),
        P.epimer_products(mol, ring, "C3 epimer", source),
        P.contraction_products(mol, ring, state, source),
        P.decarboxylation_products(mol, ring, state, source),
        P.aminal_products(mol, ring, state, source),
        *[P.aminolysis_products(mol, ring, amine, source) for amine in state.reaching_amines],
    ]


@pytest.mark.parametrize("smiles", MOLECULES)
def test_one_kekulized_copy_shared_by_every_product_gives_the_products_drawn_alone(smiles):
    for mol in _variants(smiles):
        for ring in perceive(mol):
            state = ring_facts(mol, ring).state
            shared = P._ProductSource(mol)
            # drawn twice in a row from one source: no builder may leave an edit (e.g. the inverted C3) behind
            first = [_described(d) for d in _all_products(mol, ring, state, shared)]
            second = [_described(d) for d in _all_products(mol, ring, state, shared)]
            alone = [_described(d) for d in _all_products(mol, ring, state, None)]
            assert first == second == alone
            assert first[0], "lactam hydrolysis always has a product here"


def _c3_label(mol: Chem.Mol) -> list[str]:
    return [label for _, label in Chem.FindMolChiralCenters(mol, useLegacyImplementation=False)]


def test_the_epimer_inverts_c3_and_leaves_the_shared_copy_as_drawn():
    # (S)-3-methyl ring: C3 carries N4 > C2 > CH3 > H before and after the lactam opens (C2 becomes a carboxylic
    # acid), so the opened amino acid keeps the label S; the epimer is R
    mol = mol_from_smiles(S_ALKYL)
    assert _c3_label(mol) == ["S"]
    ring = perceive(mol)[0]
    state = ring_facts(mol, ring).state
    source = P._ProductSource(mol)
    epimer = P.epimer_products(mol, ring, "C3 epimer", source)
    lactam = P.lactam_products(mol, ring, state, source)
    assert [_c3_label(mol_from_smiles(d.smiles)) for d in epimer] == [["R"]]
    assert [d.smiles for d in lactam] == [Chem.MolToSmiles(mol_from_smiles("NCCCN(CCN)[C@@H](C)C(=O)O"))]
    assert [_c3_label(mol_from_smiles(d.smiles)) for d in lactam] == [["S"]]


@pytest.mark.parametrize("smiles", [DIAZEPAM, OXAZEPAM, S_TEMAZEPAM, CLORAZEPATE])
def test_pieces_of_a_sanitized_product_describe_as_the_pieces_sanitized_again(smiles):
    mol = mol_from_smiles(smiles)
    for ring in perceive(mol):
        editable = P._Editable(mol, ring)
        P._open_lactam(editable, ring)
        P._open_imine(editable, ring)
        pieces = editable.pieces()
        assert len(pieces) == 2
        again = Chem.GetMolFrags(editable.mol, asMols=True, sanitizeFrags=True)
        again = sorted(again, key=Chem.MolToSmiles)
        for (fragment, _, smiles_key), other in zip(pieces, again):
            assert smiles_key == Chem.MolToSmiles(other) == Chem.MolToSmiles(fragment)
            assert describe_species(fragment) == describe_species(other)
            assert rdMolDescriptors.CalcMolFormula(fragment) == rdMolDescriptors.CalcMolFormula(other)


@pytest.mark.parametrize("smiles", MOLECULES)
def test_ring_facts_found_once_give_the_ring_model_found_per_call(smiles):
    for mol in _variants(smiles):
        for index, ring in enumerate(perceive(mol)):
            for n4_pka in (None, 3.1, 8.4):
                facts = ring_facts(mol, ring, n4_pka)
                assert facts.features == ring_features(mol, ring)
                assert facts.hits == ring_rule_hits(mol, ring)
                for temperature in (25.0, 37.0, 80.0):
                    assert ring_model(mol, ring, index, temperature, n4_pka, 2.0, facts) == \
                        ring_model(mol, ring, index, temperature, n4_pka, 2.0)


@pytest.mark.parametrize("smiles", MOLECULES)
def test_presets_with_the_assessment_s_ring_facts_equal_presets_on_their_own(smiles):
    mol = mol_from_smiles(smiles)
    rings = perceive(mol)
    facts = [ring_facts(mol, ring, None) for ring in rings]
    for name in ("aqueous_acid_workup", "silica_methanol", "boc_deprotection", "reflux_methanol"):
        assert _assess_condition_rings(mol, rings, name, None, facts) == _assess_condition_rings(mol, rings, name, None)


def test_batch_call_equals_the_single_molecule_call():
    for smiles in MOLECULES:
        mol = mol_from_smiles(smiles)
        single = assess_stability(mol, 2.0, 37.0, 24.0, conditions=("silica_methanol",))
        batch = assess_rings(mol, perceive(mol), 2.0, 37.0, 24.0, conditions=("silica_methanol",))
        assert single.to_dict() == batch.to_dict()

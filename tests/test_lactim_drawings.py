"""A 1,4-diazepan-2-one drawn as its lactim tautomer (N1=C2-OH) is the lactam (one InChIKey for both drawings): every
reader hands it on as the lactam, with the same atoms in the same order, and every answer is the lactam drawing's. The
public functions read an RDKit molecule built in code the same way (as they read a salt drawn with covalent metal
bonds as the ionic salt).

Expected values are the lactam drawing's own answers (the point is that the drawing does not change them); the atom
that becomes N1 is read off the drawing by hand.
"""

from __future__ import annotations

import random

import pytest
from conftest import answer_summary
from rdkit import Chem

from reactivity import assess_stability, mol_from_smiles, perceive
from reactivity.basicity import predict_basicity
from reactivity.batch.annotate import AnnotateSettings, annotate_chunk
from reactivity.molecule import lactam_form

DELORAZEPAM = "O=C1CN=C(c2ccccc2Cl)c2cc(Cl)ccc2N1"
DELORAZEPAM_LACTIM = "OC1=Nc2ccc(Cl)cc2C(c2ccccc2Cl)=NC1"  # atom 0 is the oxygen, atom 2 the nitrogen N1
# a 1,4-benzodiazepine-2,5-dione with its 2-one drawn as the lactim (as several public records are)
DIONE_LACTIM = "CC(C)NC(=O)CCC1NC(=O)c2ccccc2N=C1O"
DIONE = "CC(C)NC(=O)CCC1NC(=O)c2ccccc2NC1=O"
# a 2,5-dione with its 5-one drawn as the lactim (five corpus hits are drawn so): N4 is an amide N-H, not an imine
DIONE_5_LACTIM = "CC1N=C(O)c2ccccc2NC1=O"
DIONE_5 = "CC1NC(=O)c2ccccc2NC1=O"


@pytest.mark.parametrize("lactim, lactam", [(DELORAZEPAM_LACTIM, DELORAZEPAM), (DIONE_LACTIM, DIONE),
                                           (DIONE_5_LACTIM, DIONE_5)])
def test_a_lactim_drawing_gets_the_answers_of_the_lactam(lactim, lactam):
    mol = mol_from_smiles(lactim)
    assert mol.GetNumAtoms() == Chem.MolFromSmiles(lactim).GetNumAtoms()
    assert Chem.MolToSmiles(mol) == Chem.MolToSmiles(Chem.MolFromSmiles(lactam))
    assert perceive(mol), "the lactim drawing is read as the ring"
    assert answer_summary(mol) == answer_summary(mol_from_smiles(lactam))
    assert any("lactim tautomer" in note for note in perceive(mol)[0].notes)
    assert not any("lactim" in note for note in perceive(mol_from_smiles(lactam))[0].notes)


def test_the_5_one_drawn_as_its_lactim_is_an_amide_n4():
    ring = perceive(mol_from_smiles(DIONE_5_LACTIM))[0]
    assert ring.n4_class == "amide" and ring.n4 == 2  # N4 as written in the SMILES (atom 2), now an amide N-H
    assert any("N4=C5-OH" in note for note in ring.notes)
    # an RDKit molecule built in code from the same drawing is read the same way (not as an N4=C5 imine)
    assert perceive(Chem.MolFromSmiles(DIONE_5_LACTIM)) == perceive(mol_from_smiles(DIONE_5_LACTIM))
    # both amides drawn as lactims
    both = mol_from_smiles("OC1=NC(C)C(O)=Nc2ccccc21")
    assert Chem.MolToSmiles(both) == Chem.MolToSmiles(Chem.MolFromSmiles(DIONE_5))
    assert len(perceive(both)[0].notes) == 2


def test_the_redrawn_ring_keeps_the_atoms_of_the_drawing():
    mol = mol_from_smiles(DELORAZEPAM_LACTIM)
    ring = perceive(mol)[0]
    assert (ring.o2, ring.c2, ring.n1) == (0, 1, 2)  # O, C2 and N1 as written in the SMILES
    assert mol.GetAtomWithIdx(2).GetTotalNumHs() == 1 and mol.GetAtomWithIdx(0).GetTotalNumHs() == 0
    for seed in (1, 2, 3):  # renumbered drawings: the same answers
        plain = Chem.MolFromSmiles(DELORAZEPAM_LACTIM)
        order = list(range(plain.GetNumAtoms()))
        random.Random(seed).shuffle(order)
        renumbered = Chem.MolToSmiles(Chem.RenumberAtoms(plain, order), canonical=False)
        assert answer_summary(mol_from_smiles(renumbered)) == answer_summary(mol_from_smiles(DELORAZEPAM))


def test_an_explicit_hydrogen_on_the_oxygen_moves_to_n1():
    with_h = Chem.AddHs(Chem.MolFromSmiles(DELORAZEPAM_LACTIM))
    hydrogen = next(nb.GetIdx() for nb in with_h.GetAtomWithIdx(0).GetNeighbors() if nb.GetAtomicNum() == 1)
    redrawn = lactam_form(with_h)
    assert redrawn.GetNumAtoms() == with_h.GetNumAtoms()
    assert [nb.GetIdx() for nb in redrawn.GetAtomWithIdx(hydrogen).GetNeighbors()] == [2]
    assert answer_summary(Chem.RemoveHs(redrawn)) == answer_summary(mol_from_smiles(DELORAZEPAM))


@pytest.mark.parametrize("smiles", [
    "COC1=NCCCNC1",  # a lactim ether: another compound (an imino ether), named as such
    "OC1=NCCCCC1",  # caprolactim: no 1,4-diazepine ring
    "Oc1ccccn1",  # 2-hydroxypyridine: a tautomer pair of its own, left as drawn
])
def test_other_lactims_are_left_as_drawn(smiles):
    mol = Chem.MolFromSmiles(smiles)
    assert lactam_form(mol) is mol


def test_an_sd_record_drawn_as_the_lactim_is_annotated_as_the_lactam():
    records = [Chem.MolToMolBlock(Chem.MolFromSmiles(s)).encode() + b"$$$$\n" for s in (DELORAZEPAM_LACTIM, DELORAZEPAM)]
    done = annotate_chunk(records, AnnotateSettings(stability=True, basicity=True), write_json=False)
    keys = ("RX_STATUS", "RX_N1_CLASS", "RX_N4_CLASS", "RX_STABLE_PH_WINDOW", "RX_DEGRADANTS", "RX_N4_PKA",
            "RX_HYDROLYSIS_RISK")
    lactim, lactam = ({k: r.tags.get(k) for k in keys} for r in done)
    assert lactim == lactam and lactim["RX_STATUS"] == "ok"
    assert done[0].tags["RX_N1_ATOM"] == "3"  # atom 3 of the record's own atom block (1-based): the drawn N1


# Public functions given an RDKit molecule built in code (Chem.MolFromSmiles, no project reader): the answers of the
# same drawing read by the project's readers. A covalent sodium salt (O-Na bond drawn) is the ionic salt.
COVALENT_SALT = "O=C1CN(CC(=O)O[Na])CCCN1"


def _publicanswer_summary(mol: Chem.Mol) -> tuple:
    from reactivity import assess_condition, depict, nitrosamine_risk, plan_derivatization, related_scaffolds
    from reactivity.basicity import predict_basicity_many

    stability = assess_stability(mol, ph=2.0, temperature_c=37.0)
    basicity = predict_basicity(mol, 7.4)
    silica = assess_condition(mol, "silica_methanol")
    plan = plan_derivatization(mol, "lactam_n_alkylation")
    nitroso = nitrosamine_risk(mol)
    return (
        perceive(mol), related_scaffolds(mol),
        stability.risk, round(stability.fraction_lost, 12),
        [(p.kind, sorted(d.smiles for d in p.degradants)) for p in stability.pathways],
        basicity.n4_pka, [(s.atom, s.pka) for s in basicity.sites],
        predict_basicity_many([mol])[0].n4_pka,
        (silica.chemical_risk, silica.material_loss_risk),
        (plan.outcome, plan.reacting_atoms, plan.product_smiles),
        [(p.site, p.atom) for p in nitroso.products + nitroso.dealkylation_products],
        "class='atom-2'" in depict(mol),
    )


@pytest.mark.parametrize("smiles", [DELORAZEPAM_LACTIM, DIONE_LACTIM, DIONE_5_LACTIM, COVALENT_SALT])
def test_a_molecule_built_in_code_gets_the_answers_of_the_read_drawing(smiles):
    built = Chem.MolFromSmiles(smiles)
    read = mol_from_smiles(smiles)
    assert _publicanswer_summary(built) == _publicanswer_summary(read)
    if smiles != COVALENT_SALT:
        assert perceive(built), "the lactim drawing is the ring"


def test_the_covalent_salt_is_the_ionic_salt_for_basicity():
    # the sodium glycinate side chain on N4: its carboxylate, not an ester-like O-Na, sits beside the amine
    ionic = "O=C1CN(CC(=O)[O-])CCCN1.[Na+]"
    assert predict_basicity(Chem.MolFromSmiles(COVALENT_SALT)).n4_pka == predict_basicity(mol_from_smiles(ionic)).n4_pka


def test_the_synthesis_advisor_reads_a_lactim_target_as_the_lactam():
    from reactivity import propose_disconnections

    built = propose_disconnections(Chem.MolFromSmiles(DELORAZEPAM_LACTIM))
    lactam = propose_disconnections(mol_from_smiles(DELORAZEPAM))
    assert (built.target, built.target_inchikey, built.target_class) == (lactam.target, lactam.target_inchikey,
                                                                         lactam.target_class)
    assert built.disconnections and [(d.id, d.forward_product) for d in built.disconnections] == [
        (d.id, d.forward_product) for d in lactam.disconnections]

"""A salt gives the same answers however it is drawn: ionic (``[O-].[K+]``), with covalent metal bonds (``O[K]``,
as some databases store it) or as the free acid or base where the chemistry is the same (degradants).

Expected values are the ionic drawing's own answers: the point is that the drawing does not change them.
"""

from __future__ import annotations

import pytest
from rdkit import Chem

from reactivity import assess_stability, mol_from_smiles, perceive
from reactivity.basicity import predict_basicity
from reactivity.batch.annotate import AnnotateSettings, annotate_chunk

# clorazepate potassium and a saturated ring's sodium carboxylate, drawn with covalent metal bonds and as ions
PAIRS = [
    ("[K]OC(=O)C1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O", "[O-]C(=O)C1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O.[K+]"),
    ("O=C1CN(CC(=O)O[Na])CCCN1", "O=C1CN(CC(=O)[O-])CCCN1.[Na+]"),
]


@pytest.mark.parametrize("covalent, ionic", PAIRS)
def test_a_covalently_drawn_salt_is_read_as_its_ions(covalent, ionic):
    mol = mol_from_smiles(covalent)
    assert mol.GetNumAtoms() == Chem.MolFromSmiles(covalent).GetNumAtoms()  # no atom added or removed
    assert Chem.MolToSmiles(mol) == Chem.MolToSmiles(mol_from_smiles(ionic))


@pytest.mark.parametrize("covalent, ionic", PAIRS)
def test_a_covalently_drawn_salt_gets_the_answers_of_the_ionic_drawing(covalent, ionic):
    a, b = mol_from_smiles(covalent), mol_from_smiles(ionic)
    assert [sorted(s.kind for s in r.competing_sites) for r in perceive(a)] == \
        [sorted(s.kind for s in r.competing_sites) for r in perceive(b)]
    assert predict_basicity(a, 7.4).n4_pka == pytest.approx(predict_basicity(b, 7.4).n4_pka)
    sa, sb = assess_stability(a, ph=2.0, temperature_c=37.0), assess_stability(b, ph=2.0, temperature_c=37.0)
    assert sa.stable_ph_window == sb.stable_ph_window and sa.fraction_lost == pytest.approx(sb.fraction_lost)
    assert [(p.kind, [d.smiles for d in p.degradants]) for p in sa.pathways] == \
        [(p.kind, [d.smiles for d in p.degradants]) for p in sb.pathways]


def test_an_sd_record_with_a_covalent_metal_bond_is_read_as_the_ions():
    # the batch reader (SD records) takes the same path as the single-molecule readers
    covalent, ionic = PAIRS[0]
    records = [Chem.MolToMolBlock(Chem.MolFromSmiles(s)).encode() + b"$$$$\n" for s in (covalent, ionic)]
    done = annotate_chunk(records, AnnotateSettings(stability=True, basicity=True), write_json=False)
    keys = ("RX_STABLE_PH_WINDOW", "RX_DEGRADANTS", "RX_N4_PKA", "RX_HYDROLYSIS_RISK")
    first, second = ({k: r.tags.get(k) for k in keys} for r in done)
    assert first == second and first["RX_STABLE_PH_WINDOW"]


def test_a_molecule_built_in_code_without_ring_information_is_answered_quietly(capfd):
    # RDKit's MetalDisconnector (and other edits made in code) return molecules without ring information: every
    # capability computes it on a copy instead of failing, and RDKit's log (a stack trace on stderr) stays quiet
    from rdkit.Chem.MolStandardize import rdMolStandardize

    from reactivity import assess_condition, nitrosamine_risk
    from reactivity.stability import nearest_references, ph_rate_profile

    bare = rdMolStandardize.MetalDisconnector().Disconnect(Chem.MolFromSmiles(PAIRS[1][0]))
    reference = mol_from_smiles(PAIRS[1][1])
    assert assess_stability(bare).stable_ph_window == assess_stability(reference).stable_ph_window
    assert assess_condition(bare, "silica_methanol").chemical_risk == assess_condition(reference, "silica_methanol").chemical_risk
    assert list(ph_rate_profile(bare)[1]) == list(ph_rate_profile(reference)[1])
    assert nearest_references(bare, 1)[0].name == nearest_references(reference, 1)[0].name
    assert len(perceive(bare)) == 1 and predict_basicity(bare, 7.4).n4_pka is not None
    nitrosamine_risk(bare)
    assert capfd.readouterr().err == ""


def test_a_molecule_without_atoms_or_with_a_dummy_atom_gets_answers_not_a_crash(capfd):
    # a molecule without atoms (Chem.Mol()) has no ring, no site and no basic centre; a dummy atom (an R group of a
    # library enumeration) in a 1,4-diazepan-5-one is a near miss: typed answers, and RDKit's log stays quiet
    from reactivity import ReactivityError, assess_condition, nitrosamine_risk, propose_disconnections, related_scaffolds

    empty = Chem.Mol()
    assert perceive(empty) == () and related_scaffolds(empty) == ()
    assert assess_stability(empty).risk == "not_applicable"
    assert assess_condition(empty, "silica_methanol").chemical_risk == "not_applicable"
    assert predict_basicity(empty).sites == () and predict_basicity(empty).n4_pka is None
    assert nitrosamine_risk(empty).products == ()
    dummy = Chem.MolFromSmiles("*C1CNC(=O)CCN1")
    with pytest.raises(ReactivityError, match="1,4-diazepan-5-one"):
        propose_disconnections(dummy)
    assert capfd.readouterr().err == ""


def test_a_protonated_n4_drawn_with_explicit_hydrogens_is_not_quaternary():
    # [NH2+] with its two H atoms drawn has four neighbours, two of them hydrogen: a protonated secondary amine, whose
    # proton comes off in base (the hydroxide term then is that of the free amine), not a permanent quaternary cation
    salt = "C[NH+](C)CCCN1C(=O)C[NH2+]C(c2ccccc2F)c2cc(Cl)ccc21.[Cl-].[Cl-]"
    implicit, explicit = Chem.MolFromSmiles(salt), Chem.AddHs(Chem.MolFromSmiles(salt))
    for ph in (2.0, 11.0):
        a, b = assess_stability(implicit, ph=ph), assess_stability(explicit, ph=ph)
        assert (a.stable_ph_window, a.fraction_lost) == (b.stable_ph_window, b.fraction_lost)
    quaternary = "C[N+]1(C)CC(=O)NCCC1.[Cl-]"  # a real quaternary N4 keeps its permanent charge either way
    a, b = assess_stability(Chem.MolFromSmiles(quaternary)), assess_stability(Chem.AddHs(Chem.MolFromSmiles(quaternary)))
    assert a.stable_ph_window == b.stable_ph_window and a.fraction_lost == b.fraction_lost


@pytest.mark.parametrize("salt", [
    "O=C1C[NH+](C)CCCN1.O=C([O-])C(F)(F)F",  # a TFA salt, as preparative HPLC gives it
    "O=C1CN(C)CCCN1.OC(=O)/C=C\\C(=O)O",  # a maleate drawn as the neutral acid beside the base
    "O=C1CN(C)CCCN1.OCC(O)C(O)C(O)C(O)CNC",  # a meglumine fragment beside it (a salt partner, not the molecule)
])
def test_counter_ions_bring_no_competing_sites(salt):
    # the acid's carboxylate, the maleate's Michael acceptor and the meglumine's amine and alcohols belong to the salt
    # partner: the ring's molecule (N4-methyl 1,4-diazepan-2-one) has no group beside its ring
    (ring,) = perceive(mol_from_smiles(salt))
    assert ring.competing_sites == ()


def test_each_ring_of_a_mixture_lists_the_groups_of_its_own_molecule():
    # two ring compounds in one record: an aminoethyl group on the first, a hydroxyethyl group on the second
    first, second = sorted(perceive(mol_from_smiles("O=C1CN(CCN)CCCN1.O=C1CN(CCO)CCCN1")), key=lambda r: r.n1)
    assert [site.kind for site in first.competing_sites] == ["primary_amine"]
    assert [site.kind for site in second.competing_sites] == ["alcohol"]

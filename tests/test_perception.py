"""Perception: exact indices and classes, worked out by hand from the SMILES atom order.

Each expected tuple is (N1, C2, O2, C3, N4, C5, C6, C7), counted from the SMILES as written
(atom 0 is the first atom of the string); comments give the atom order used.
"""

from __future__ import annotations

import pytest
from rdkit import Chem

import reactivity
from reactivity import MoleculeParseError, perceive, perceive_smiles, related_scaffolds


def indices(ring: reactivity.RingSites) -> tuple[int, ...]:
    return (ring.n1, ring.c2, ring.o2, ring.c3, ring.n4, ring.c5, ring.c6, ring.c7)


# (smiles, expected indices, ring_variant, n1_class, n4_class)
SATURATED = [
    # O0 C1 C2 N3 C4 C5 C6 N7
    ("O=C1CNCCCN1", (7, 1, 0, 2, 3, 4, 5, 6), "saturated", "nh", "secondary_amine"),
    # C0 N1 C2 C3 C4 N5 C6 C7 O8
    ("CN1CCCNCC1=O", (1, 7, 8, 6, 5, 4, 3, 2), "saturated", "n_alkyl", "secondary_amine"),
    # C0 N1 C2 C3 C4 N5 C6 O7 C8
    ("CN1CCCNC(=O)C1", (5, 6, 7, 8, 1, 2, 3, 4), "saturated", "nh", "tertiary_amine"),
    # C0 C1 O2 N3 C4 C5 C6 N7 C8 O9 C10
    ("CC(=O)N1CCCNC(=O)C1", (7, 8, 9, 10, 3, 4, 5, 6), "saturated", "nh", "amide"),
    # C0 C1 C2 C3 O4 C5 O6 N7 C8 C9 C10 N11 C12 O13 C14
    ("CC(C)(C)OC(=O)N1CCCNC(=O)C1", (11, 12, 13, 14, 7, 8, 9, 10), "saturated", "nh", "carbamate"),
    # C0 N1 C2 O3 N4 C5 C6 C7 N8 C9 O10 C11
    ("CNC(=O)N1CCCNC(=O)C1", (8, 9, 10, 11, 4, 5, 6, 7), "saturated", "nh", "urea"),
    # C0 S1 O2 O3 N4 C5 C6 C7 N8 C9 O10 C11
    ("CS(=O)(=O)N1CCCNC(=O)C1", (8, 9, 10, 11, 4, 5, 6, 7), "saturated", "nh", "sulfonamide"),
    # O0 C1 C2 N3 c4-c9 C10 C11 C12 N13
    ("O=C1CN(c2ccccc2)CCCN1", (13, 1, 0, 2, 3, 10, 11, 12), "saturated", "nh", "aryl_amine"),
    # O0 N1 N2 C3 C4 C5 N6 C7 O8 C9
    ("O=NN1CCCNC(=O)C1", (6, 7, 8, 9, 2, 3, 4, 5), "saturated", "nh", "n_nitroso"),
    # C0 N1 O2 C3 C4 C5 N6 C7 O8 C9
    ("C[N+]1([O-])CCCNC(=O)C1", (6, 7, 8, 9, 1, 3, 4, 5), "saturated", "nh", "n_oxide"),
    # C0 C1 O2 N3 C4 C5 C6 N7 C8 C9 O10
    ("CC(=O)N1CCCNCC1=O", (3, 9, 10, 8, 7, 6, 5, 4), "saturated", "n_acyl", "secondary_amine"),
    # C0 C1 C2 C3 O4 C5 O6 N7 C8 C9 C10 N11 C12 C13 O14 (Boc on N1)
    ("CC(C)(C)OC(=O)N7CCCNCC7=O", (7, 13, 14, 12, 11, 10, 9, 8), "saturated", "n_acyl", "secondary_amine"),
    # C0 S1 O2 O3 N4 C5 C6 C7 N8 C9 C10 O11
    ("CS(=O)(=O)N1CCCNCC1=O", (4, 10, 11, 9, 8, 7, 6, 5), "saturated", "n_sulfonyl", "secondary_amine"),
    # O0 C1 C2 N3 C4 C5 C6 N7 c8..c13
    ("O=C1CNCCCN1c1ccccc1", (7, 1, 0, 2, 3, 4, 5, 6), "saturated", "n_aryl", "secondary_amine"),
    # O0 C1 C2 C3 N4 C5 C6 O7 N8: a 2,7-dione, the C7 carbonyl makes N1 an imide nitrogen
    ("O=C1CCNCC(=O)N1", (8, 6, 7, 5, 4, 3, 2, 1), "saturated", "n_acyl", "secondary_amine"),
    # O0 C1 C2 N3 C4 O5 C6 C7 N8: a 2,5-dione, N4 acylated by the ring C5 carbonyl
    ("O=C1CNC(=O)CCN1", (8, 1, 0, 2, 3, 4, 6, 7), "saturated", "nh", "amide"),
    # C0 C1 N2 C3 C4 C5 N6 C7 O8 C9: N4 on a vinyl carbon (enamine) is not a plain amine
    ("C=CN1CCCNC(=O)C1", (6, 7, 8, 9, 2, 3, 4, 5), "saturated", "nh", "other"),
]


@pytest.mark.parametrize("smiles, expected, variant, n1_class, n4_class", SATURATED)
def test_saturated_rings_indices_and_classes(smiles, expected, variant, n1_class, n4_class):
    rings = perceive_smiles(smiles)
    assert len(rings) == 1
    ring = rings[0]
    assert indices(ring) == expected
    assert (ring.ring_variant, ring.n1_class, ring.n4_class) == (variant, n1_class, n4_class)


BENZODIAZEPINES = [
    # name, smiles, (N1, C2, O2, C3, N4, C5, C6, C7), n1_class, n4_class, c2_activation
    # diazepam: C0 N1 C2 O3 C4 N5 C6 c7-c12 c13 c14 c15 Cl16 c17 c18 c19
    ("diazepam", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", (1, 2, 3, 4, 5, 6, 13, 19), "n_alkyl", "imine", ("anilide",)),
    # nordazepam: O0 C1 C2 N3 C4 c5-c10 c11 c12 c13 Cl14 c15 c16 c17 N18
    ("nordazepam", "O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1", (18, 1, 0, 2, 3, 4, 11, 17), "nh", "imine", ("anilide",)),
    # oxazepam: O0 C1 N2 C3 c4-c9 c10 c11 c12 Cl13 c14 c15 c16 N17 C18 O19
    ("oxazepam", "OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O", (17, 18, 19, 1, 2, 3, 10, 16), "nh", "imine", ("anilide", "alpha_heteroatom")),
    # lorazepam: O0 C1 N2 C3 c4-c9 Cl10 c11 c12 c13 Cl14 c15 c16 c17 N18 C19 O20
    ("lorazepam", "OC1N=C(c2ccccc2Cl)c2cc(Cl)ccc2NC1=O", (18, 19, 20, 1, 2, 3, 11, 17), "nh", "imine", ("anilide", "alpha_heteroatom")),
    # temazepam: C0 N1 C2 O3 C4 O5 N6 C7 c8-c13 c14 c15 c16 Cl17 c18 c19 c20
    ("temazepam", "CN1C(=O)C(O)N=C(c2ccccc2)c2cc(Cl)ccc21", (1, 2, 3, 4, 6, 7, 14, 20), "n_alkyl", "imine", ("anilide", "alpha_heteroatom")),
    # nitrazepam: O0 C1 C2 N3 C4 c5-c10 c11 c12 c13 N14 O15 O16 c17 c18 c19 N20
    ("nitrazepam", "O=C1CN=C(c2ccccc2)c2cc([N+](=O)[O-])ccc2N1", (20, 1, 0, 2, 3, 4, 11, 19), "nh", "imine", ("anilide",)),
    # clonazepam: O0 C1 C2 N3 C4 c5-c10 Cl11 c12 c13 c14 N15 O16 O17 c18 c19 c20 N21
    ("clonazepam", "O=C1CN=C(c2ccccc2Cl)c2cc([N+](=O)[O-])ccc2N1", (21, 1, 0, 2, 3, 4, 12, 20), "nh", "imine", ("anilide",)),
    # flurazepam: C0 C1 N2 C3 C4 C5 C6 N7 C8 O9 C10 N11 C12 c13-c18 F19 c20 c21 c22 Cl23 c24 c25 c26
    ("flurazepam", "CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21", (7, 8, 9, 10, 11, 12, 20, 26), "n_alkyl", "imine", ("anilide",)),
    # demoxepam: O0 C1 C2 N3 O4 C5 c6-c11 c12 c13 c14 Cl15 c16 c17 c18 N19
    ("demoxepam", "O=C1C[N+]([O-])=C(c2ccccc2)c2cc(Cl)ccc2N1", (19, 1, 0, 2, 3, 5, 12, 18), "nh", "n_oxide", ("anilide",)),
    # 1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one: O0 C1 C2 N3 C4 c5 c6 c7 c8 c9 c10 N11
    ("tetrahydro-BZD-2-one", "O=C1CNCc2ccccc2N1", (11, 1, 0, 2, 3, 4, 5, 10), "nh", "secondary_amine", ("anilide",)),
    # 1,4-benzodiazepine-2,5-dione: O0 C1 C2 N3 C4 O5 c6 c7 c8 c9 c10 c11 N12
    ("BZD-2,5-dione", "O=C1CNC(=O)c2ccccc2N1", (12, 1, 0, 2, 3, 4, 6, 11), "nh", "amide", ("anilide",)),
]


@pytest.mark.parametrize("name, smiles, expected, n1_class, n4_class, activation", BENZODIAZEPINES)
def test_benzodiazepines(name, smiles, expected, n1_class, n4_class, activation):
    rings = perceive_smiles(smiles)
    assert len(rings) == 1, name
    ring = rings[0]
    assert indices(ring) == expected
    assert ring.ring_variant == "fused_aromatic"
    assert (ring.n1_class, ring.n4_class) == (n1_class, n4_class)
    assert ring.c2_activation == activation


def test_flurazepam_reports_its_diethylamino_group_as_competing_amine():
    ring = perceive_smiles("CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21")[0]
    amines = [s for s in ring.competing_sites if s.category == "nucleophile"]
    assert [(s.kind, s.key_atom) for s in amines] == [("tertiary_amine", 2)]


def test_oxazepam_c3_is_an_undefined_epimerizable_stereocentre():
    ring = perceive_smiles("OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O")[0]
    assert [(s.atom, s.position, s.label) for s in ring.stereocentres] == [(1, "C3", "undefined")]
    assert ring.c3_enolizable_h == 1
    assert ring.c3_epimerizable


@pytest.mark.parametrize(
    "smiles, label",
    [
        # C3 bears N4 > C2(O,O,N) > CH3 > H. Worked by hand from the SMILES chirality (see module docstring of
        # the test plan): C[C@H]1NCCCNC1=O is R; its mirror image C[C@@H]1NCCCNC1=O (the L-alanine-derived ring,
        # same priority pattern as L-alanine N > CO > CH3, which is S) is S.
        ("C[C@H]1NCCCNC1=O", "R"),
        ("C[C@@H]1NCCCNC1=O", "S"),
        ("CC1NCCCNC1=O", "undefined"),
    ],
)
def test_c3_cip_label(smiles, label):
    ring = perceive_smiles(smiles)[0]
    assert [(s.position, s.label) for s in ring.stereocentres] == [("C3", label)]
    assert ring.c3_epimerizable


def test_parent_has_no_stereocentre_and_two_enolizable_h():
    ring = perceive_smiles("O=C1CNCCCN1")[0]
    assert ring.stereocentres == ()
    assert ring.c3_enolizable_h == 2
    assert not ring.c3_epimerizable


def test_hcl_salt_is_classified_as_free_base_with_input_indices():
    # Cl0 O1 C2 C3 N4 C5 C6 C7 N8 (neutral HCl drawn as a fragment)
    ring = perceive_smiles("Cl.O=C1CNCCCN1")[0]
    assert indices(ring) == (8, 2, 1, 3, 4, 5, 6, 7)
    assert ring.n4_class == "secondary_amine" and ring.salt_form
    # Cl0 O1 C2 C3 N4 ... : protonated N4 with a chloride counter-ion
    ring = perceive_smiles("[Cl-].O=C1C[NH2+]CCCN1")[0]
    assert ring.n4 == 4 and ring.n4_class == "secondary_amine" and ring.salt_form
    assert any("free-base" in g.text for g in ring.guidance if g.site == "N4")


def test_hydrochloride_of_an_imine_n4_is_told_to_neutralize_not_to_free_base_for_reaction():
    # diazepam hydrochloride: the only base is the imine N4 (pKaH about 3.4), so the salt's solution is acidic and the
    # azomethine opens reversibly there; N4 is no nucleophile, so "free-base before using N4 as a nucleophile" (the
    # amine's line) would be beside the point
    ring = perceive_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21.Cl")[0]
    assert ring.n4_class == "imine" and ring.salt_form
    n4 = [g.text for g in ring.guidance if g.site == "N4"]
    assert any("acid-addition salt" in t and "opens reversibly" in t and "NaHCO3" in t for t in n4)
    assert not any("as a nucleophile;" in t for t in n4)


def test_free_base_is_not_a_salt():
    assert not perceive_smiles("O=C1CNCCCN1")[0].salt_form


def test_quaternary_salt_is_ammonium_not_free_based():
    # C0 N1 C2 C3 C4 C5 N6 C7 O8 C9 I10
    ring = perceive_smiles("C[N+]1(C)CCCNC(=O)C1.[I-]")[0]
    assert (ring.n1, ring.c2, ring.n4) == (6, 7, 1)
    assert ring.n4_class == "ammonium"
    assert not ring.salt_form  # documented: a permanent cation cannot be free-based
    assert any("permanent cation" in note for note in ring.notes)


def test_molfile_with_explicit_hydrogens_first_keeps_input_numbering():
    parent = Chem.AddHs(Chem.MolFromSmiles("O=C1CNCCCN1"))
    heavy = [a.GetIdx() for a in parent.GetAtoms() if a.GetAtomicNum() > 1]
    hydrogens = [a.GetIdx() for a in parent.GetAtoms() if a.GetAtomicNum() == 1]
    assert len(hydrogens) == 10  # C5H10N2O
    reordered = Chem.RenumberAtoms(parent, hydrogens + heavy)
    mol = reactivity.mol_from_molblock(Chem.MolToMolBlock(reordered))
    assert mol.GetNumAtoms() == 18
    ring = perceive(mol)[0]
    # heavy atom i of the parent sits at 10 + i
    assert indices(ring) == tuple(10 + i for i in (7, 1, 0, 2, 3, 4, 5, 6))
    assert ring.n4_class == "secondary_amine" and ring.n1_class == "nh"
    assert ring.c3_enolizable_h == 2


def test_protonated_molfile_with_explicit_hydrogens():
    mol = Chem.AddHs(Chem.MolFromSmiles("O=C1C[NH2+]CCCN1.[Cl-]"))
    ring = perceive(reactivity.mol_from_molblock(Chem.MolToMolBlock(mol)))[0]
    assert ring.n4 == 3 and ring.n4_class == "secondary_amine" and ring.salt_form


def test_two_rings_in_one_molecule_ordered_by_n1():
    # O0 C1 C2 N3 C4 C5 N6 C7 C8 C9 N10 C11 O12 C13 C14 C15 C16 N17
    rings = perceive_smiles("O=C1CN(CCN2CCCNC(=O)C2)CCCN1")
    assert [indices(r) for r in rings] == [(10, 11, 12, 13, 6, 7, 8, 9), (17, 1, 0, 2, 3, 14, 15, 16)]
    assert [r.n4_class for r in rings] == ["tertiary_amine", "tertiary_amine"]
    assert all(r.competing_sites == () for r in rings)  # each ring's N4 is not a competitor of the other


def test_symmetric_dione_reported_once_with_lower_n1():
    # O0 C1 N2 C3 C4 C5 N6 C7 O8: both orientations fit; N1 = 2 is the lower
    rings = perceive_smiles("O=C1NCCCNC1=O")
    assert len(rings) == 1
    assert indices(rings[0]) == (2, 1, 0, 7, 6, 5, 4, 3)
    assert rings[0].n4_class == "amide" and "alpha_carbonyl" in rings[0].c2_activation


def test_competing_groups_elsewhere():
    # ester on C3 (oxazepam acetate) is a competing labile acyl; the Boc on N4 is not (it is the N4 class)
    ring = perceive_smiles("CC(=O)OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O")[0]
    assert [(s.kind, s.key_atom) for s in ring.competing_sites] == [("ester", 1)]
    ring = perceive_smiles("CC(C)(C)OC(=O)N1CCCNC(=O)C1")[0]
    assert ring.competing_sites == ()
    # a primary amine on a side chain, and a methyl ester: C0 O1 C2 O3 C4 C5 N6 ... N13
    ring = perceive_smiles("COC(=O)CCN1CCCN(CCN)CC1=O")[0]
    kinds = {(s.kind, s.category) for s in ring.competing_sites}
    assert kinds == {("ester", "labile_acyl"), ("primary_amine", "nucleophile")}


def test_guidance_lines_carry_resolvable_references():
    ring = perceive_smiles("O=C1CNCCCN1")[0]
    sites = [g.site for g in ring.guidance]
    assert sites[:3] == ["N4", "N1", "N1"] and "C2" in sites
    n1_lines = " ".join(g.text for g in ring.guidance if g.site == "N1")
    assert "NaH" in n1_lines and "Protect N4" in n1_lines
    for line in ring.guidance:
        assert line.reference_ids
        for ref in line.reference_ids:
            assert reactivity.rules.reference(ref)


def test_boc_n4_guidance_says_deprotect_first():
    ring = perceive_smiles("CC(C)(C)OC(=O)N1CCCNC(=O)C1")[0]
    n4 = [g.text for g in ring.guidance if g.site == "N4"][0]
    assert "TFA" in n4


NEAR_MISSES = [
    ("O=C1CCNCCN1", "1,4-diazepan-5-one"),
    ("CN1C(=O)CC(=O)N(c2ccccc2)c2cc(Cl)ccc21", "1,4-diazepan-5-one"),  # clobazam
    ("FC(F)(F)CN1C(=S)CN=C(c2ccccc2F)c2cc(Cl)ccc21", "1,4-diazepine-2-thione"),  # quazepam
    ("CNC1=Nc2ccc(Cl)cc2C(c2ccccc2)=[N+]([O-])C1", "1,4-diazepine-2-amidine/2-imine"),  # chlordiazepoxide
    ("COC1=NCCCNC1", "1,4-diazepine-2-lactim ether (imino ether)"),
    # the lactam's sodium salt drawn as a lactim anion (O-): left as drawn and named as a drawing of the lactam (a
    # neutral lactim drawing is read as the lactam: tests/test_lactim_drawings.py)
    ("[O-]C1=NCCCNC1.[Na+]",
     "lactim tautomer of a 1,4-diazepan-2-one (the compound is the lactam: redraw C2 as C=O to annotate it)"),
    ("Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1)=NC2", "azolo-fused 1,4-benzodiazepine (no 2-one)"),  # alprazolam
    ("Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1Cl)=NC2", "azolo-fused 1,4-benzodiazepine (no 2-one)"),  # triazolam
    ("Cc1ncc2n1-c1ccc(Cl)cc1C(c1ccccc1F)=NC2", "azolo-fused 1,4-benzodiazepine (no 2-one)"),  # midazolam
    ("Clc1ccc2c(c1)C(c1ccccc1)=NCc1nncn1-2", "azolo-fused 1,4-benzodiazepine (no 2-one)"),  # estazolam
    ("CCOC(=O)c1ncn2c1CN(C)C(=O)c1cc(F)ccc1-2", "azolo-fused 1,4-benzodiazepine (no 2-one)"),  # flumazenil
    ("C1CNCCNC1", "1,4-diazepane (no lactam)"),  # homopiperazine
    ("Cc1ccc(-n2nccn2)c(C(=O)N2CCN(c3nc4cc(Cl)ccc4o3)CC[C@H]2C)c1", "1,4-diazepane (no lactam)"),  # suvorexant
    ("O=C1CCCCCN1", "azepan-2-one (caprolactam-type)"),
    ("O=C1CNCCN1", "piperazin-2-one"),
    ("O=C1NCCCCN1", "1,3-diazepan-2-one (cyclic urea)"),
    ("O=C1COCCCN1", "1,4-oxazepan-3-one"),
]


@pytest.mark.parametrize("smiles, name", NEAR_MISSES)
def test_near_misses_have_no_ring_and_the_right_name(smiles, name):
    mol = Chem.MolFromSmiles(smiles)
    assert perceive(mol) == ()
    assert related_scaffolds(mol)[0] == name


def test_flumazenil_is_also_named_a_diazepan_5_one():
    names = related_scaffolds(Chem.MolFromSmiles("CCOC(=O)c1ncn2c1CN(C)C(=O)c1cc(F)ccc1-2"))
    assert "1,4-diazepan-5-one" in names


def test_bad_input_raises_typed_one_line_errors():
    with pytest.raises(MoleculeParseError, match="SMILES Parse Error"):
        perceive_smiles("C1CC(")
    with pytest.raises(MoleculeParseError, match="explicit valence"):
        perceive_smiles("O=C1CN(C)(C)(C)CCCN1")
    with pytest.raises(MoleculeParseError):
        perceive(None)  # type: ignore[arg-type]


def test_seven_cycle_screen_flags_exactly_the_seven_membered_near_miss_rules():
    from reactivity.perception import needs_n_seven_cycle
    from reactivity.rules import load_site_rules

    flagged = {rule.id for rule in load_site_rules().related if needs_n_seven_cycle(rule)}
    all_ids = {rule.id for rule in load_site_rules().related}
    # read off site_rules.toml: every near-miss SMARTS is a seven-membered ring starting at [#7;...] except the
    # six-membered piperazin-2-one and aromatic pyrazin-2(1H)-one
    assert all_ids - flagged == {"near.piperazin_2_one", "near.pyrazin_2_one"}


@pytest.mark.parametrize(
    ("smiles", "name"),
    [
        ("O=c1cncc[nH]1", "pyrazin-2(1H)-one (aromatic six-membered ring)"),
        ("Oc1cnccn1", "pyrazin-2(1H)-one (aromatic six-membered ring)"),  # 2-hydroxypyrazine: its lactam
        ("O=c1cnc2ccccc2[nH]1", "pyrazin-2(1H)-one (aromatic six-membered ring)"),  # quinoxalin-2(1H)-one
        ("O=C1CNc2ccccc2N1", "piperazin-2-one"),  # 3,4-dihydroquinoxalin-2(1H)-one: sp3 C3, as in the 7-ring
        ("CC1NC(=O)C(C)NC1=O", "piperazin-2-one"),  # a diketopiperazine
    ],
)
def test_aromatic_pyrazinones_are_not_called_piperazinones(smiles, name):
    assert related_scaffolds(Chem.MolFromSmiles(smiles)) == (name,)


def test_seven_cycle_screen_sees_a_chordless_cycle_that_is_not_a_smallest_ring():
    # 1,5-diazabicyclo[3.2.1]octane, C0 N1 C2 C3 N4 C5 C6 C7: bonds C0-N1, N1-C2, C2-C3, C3-N4, N4-C0, N4-C5,
    # C5-C6, C6-C7, C7-N1. Smallest rings: C0-N1-C2-C3-N4 (5) and C0-N1-C7-C6-C5-N4 (6). The third cycle
    # N1-C2-C3-N4-C5-C6-C7 is a chordless seven-membered ring (N1 and N4 are joined only through C0, which is not on
    # it): a 1,4-diazepane that the SSSR does not list. The screen must not hide it.
    mol = Chem.MolFromSmiles("C1N2CCN1CCC2")
    assert sorted(len(ring) for ring in mol.GetRingInfo().AtomRings()) == [5, 6]
    assert related_scaffolds(mol) == ("1,4-diazepane (no lactam)",)
    # a piperazin-2-one has no seven-membered cycle but is still named by the unscreened rule
    assert related_scaffolds(Chem.MolFromSmiles("O=C1CNCCN1")) == ("piperazin-2-one",)


def test_a_perimeter_with_a_chord_is_not_named_either():
    # N1CCN2CCC12: a 5-ring fused to a 4-ring; its 7-atom perimeter N0-C1-C2-N3-C4-C5-C6 has the chord N3-C6
    mol = Chem.MolFromSmiles("N1CCN2CCC12")
    assert sorted(len(ring) for ring in mol.GetRingInfo().AtomRings()) == [4, 5]
    assert related_scaffolds(mol) == ()


# ------------------------------------------------------------------------------------------------ ring decisions
@pytest.mark.parametrize(
    "smiles",
    [
        # O0 C1 C2 N3 C4 C5 C6 N7: piperazin-2-one fused to a cyclopropane; the 7-atom perimeter
        # N7-C1(=O)-C2-N3-C4-C5-C6 matches N1..C7 but has the chord C4-C6
        "O=C1CNC2CC2N1",
        # O0 C1 C2 N3 C4 C5 C6 N7: imidazolidin-4-one fused to an azetidine; perimeter chord N3-C6
        "O=C1CN2CCC2N1",
    ],
)
def test_a_seven_atom_perimeter_with_a_chord_is_no_ring(smiles):
    mol = Chem.MolFromSmiles(smiles)
    assert mol.HasSubstructMatch(reactivity.rules.load_site_rules().core.pattern)  # the old, chord-blind pattern
    assert perceive(mol) == ()


def test_cyclopropane_fused_piperazinone_is_named_by_its_real_ring():
    assert related_scaffolds(Chem.MolFromSmiles("O=C1CNC2CC2N1")) == ("piperazin-2-one",)


def test_carbapenems_are_not_caprolactams():
    imipenem = "[H][C@]12CC(SCCNC=N)=C(C(=O)O)N1C(=O)[C@]2([H])[C@@H](C)O"
    parent = "O=C1CC2CC=CN12"  # 1-azabicyclo[3.2.0]hept-2-en-7-one: a 4-ring lactam, perimeter chord N1-C5
    for smiles in (imipenem, parent):
        assert related_scaffolds(Chem.MolFromSmiles(smiles)) == ()


def test_bridged_lactam_is_reported_once_with_a_note():
    # O0 C1 C2 N3 C4 C5 C6 N7 C8 C9 C10: N7 and N3 joined by C1-C2 (the lactam unit), C4-C5-C6 and C8-C9-C10.
    # The unit N7-C1(=O)-C2-N3 lies on two chordless seven-membered rings (via C4-C6 or via C10-C8).
    rings = perceive_smiles("O=C1CN2CCCN1CCC2")
    assert len(rings) == 1
    ring = rings[0]
    assert (ring.n1, ring.c2, ring.o2, ring.c3, ring.n4) == (7, 1, 0, 2, 3)
    assert {ring.c5, ring.c6, ring.c7} in ({4, 5, 6}, {10, 9, 8})
    assert (ring.n1_class, ring.n4_class) == ("n_alkyl", "tertiary_amine")
    assert any("bridged lactam" in note for note in ring.notes)
    assert not any("bridged" in note for note in perceive_smiles("O=C1CNCCCN1")[0].notes)


@pytest.mark.parametrize(
    "smiles, expected, n1_class, n4_class, activation",
    [
        # 1,4-benzodiazepine-2,3-dione, O0 C1 N2 c3..c8 C9 N10 C11 O12: the anilide N2 is N1 (IUPAC numbering)
        ("O=C1Nc2ccccc2CNC1=O", (2, 1, 0, 11, 10, 9, 8, 3), "nh", "amide", ("anilide", "alpha_carbonyl")),
        # the same molecule written from the other end, O0 C1 C2 O3 N4 c5..c10 C11 N12: the anilide N4 is N1
        ("O=C1C(=O)Nc2ccccc2CN1", (4, 2, 3, 1, 12, 11, 10, 5), "nh", "amide", ("anilide", "alpha_carbonyl")),
        # aliphatic 2,3-dione, C0 N1 C2 C3 C4 N5 C6 O7 C8 O9: the N-H (N5) is N1, the N-methyl (N1) is N4
        ("CN1CCCNC(=O)C1=O", (5, 6, 7, 8, 1, 2, 3, 4), "nh", "amide", ("alpha_carbonyl",)),
    ],
)
def test_unsymmetrical_diones_are_oriented_by_chemistry(smiles, expected, n1_class, n4_class, activation):
    rings = perceive_smiles(smiles)
    assert len(rings) == 1
    ring = rings[0]
    assert indices(ring) == expected
    assert (ring.n1_class, ring.n4_class, ring.c2_activation) == (n1_class, n4_class, activation)
    assert ring.n4_features == ("ring_carbonyl",)


# ------------------------------------------------------------------------------------------------ near-miss names
@pytest.mark.parametrize(
    "smiles, names",
    [
        ("O=C1CCNCCN1", ("1,4-diazepan-5-one",)),  # a lactam: not also a "1,4-diazepane (no lactam)"
        ("C1CNCCNC1", ("1,4-diazepane (no lactam)",)),  # homopiperazine
        ("CN1CCN=C(c2ccccc2)c2cc(Cl)ccc21", ("1,4-diazepine (no lactam)",)),  # medazepam: C=N and benzo
        ("CN1CCN(C2=Nc3cc(Cl)ccc3Nc3ccccc32)CC1", ("1,4-diazepine (no lactam)",)),  # clozapine (dibenzo)
        ("Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1)=NC2", ("azolo-fused 1,4-benzodiazepine (no 2-one)", "1,4-diazepine (no lactam)")),
        ("CSC1=Nc2ccc(Cl)cc2C(c2ccccc2)=NC1", ("1,4-diazepine-2-thiolactim ether", "1,4-diazepine (no lactam)")),
    ],
)
def test_near_miss_names_v2(smiles, names):
    mol = Chem.MolFromSmiles(smiles)
    assert perceive(mol) == ()
    assert related_scaffolds(mol) == names


# ------------------------------------------------------------------------------------------------ N4
def test_secondary_and_tertiary_anilino_n4():
    # O0 C1 C2 N3 c4..c9 C10 N11: N3 is bonded to the benzo ring and carries one H
    ring = perceive_smiles("O=C1CNc2ccccc2CN1")[0]
    assert (ring.n4, ring.n4_class, ring.n4_h_count, ring.n4_features) == (3, "aryl_amine", 1, ("secondary_anilino",))
    n4 = " ".join(g.text for g in ring.guidance if g.site == "N4")
    assert "Acylation" in n4 and "reductive alkylation" in n4 and "poor nucleophile" not in n4
    ring = perceive_smiles("O=C1CN(c2ccccc2)CCCN1")[0]
    assert (ring.n4_class, ring.n4_h_count, ring.n4_features) == ("aryl_amine", 0, ())
    assert "not acylated" in [g.text for g in ring.guidance if g.site == "N4"][0]


@pytest.mark.parametrize(
    "smiles, n4_class, features",
    [
        # cloxazolam: N4 in an oxazolidine, C5 (11b) carries N4, O and two aryls: an N,O-aminal
        ("O=C1CN2CCOC2(c2ccccc2Cl)c2cc(Cl)ccc2N1", "tertiary_amine", ("n_o_aminal",)),
        # ketazolam: the oxazinone N4 is acylated (exocyclic to the 7-ring) and part of the N,O-aminal
        ("CC1=CC(=O)N2CC(=O)N(C)c3ccc(Cl)cc3C2(O1)c1ccccc1", "amide", ("n_o_aminal",)),
        # imidazolidine-fused: C5 carries N4 and a second N
        ("O=C1CN2CCNC2CCN1", "tertiary_amine", ("n_n_aminal",)),
        # oxazepam: the O sits on C3 (a carbinolamide, c3_features), not an N4 aminal
        ("OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O", "imine", ()),
        # 2,5-dione and 1,4-benzodiazepine-2,5-dione: N4 acylated by the ring C5
        ("O=C1CNC(=O)CCN1", "amide", ("ring_carbonyl",)),
        ("O=C1CNC(=O)c2ccccc2N1", "amide", ("ring_carbonyl",)),
        # exocyclic acetyl: a removable acyl group, no ring carbonyl
        ("CC(=O)N1CCCNC(=O)C1", "amide", ()),
    ],
)
def test_n4_features(smiles, n4_class, features):
    ring = perceive_smiles(smiles)[0]
    assert (ring.n4_class, ring.n4_features) == (n4_class, features)


def test_n4_aminal_and_ring_carbonyl_guidance():
    cloxazolam = perceive_smiles("O=C1CN2CCOC2(c2ccccc2Cl)c2cc(Cl)ccc2N1")[0]
    assert any("N,O-aminal" in g.text and "aqueous acid" in g.text for g in cloxazolam.guidance if g.site == "N4")
    dione = perceive_smiles("O=C1CNC(=O)CCN1")[0]
    n4 = [g.text for g in dione.guidance if g.site == "N4"]
    assert len(n4) == 1 and "no acyl group to cleave" in n4[0]
    acetyl = perceive_smiles("CC(=O)N1CCCNC(=O)C1")[0]
    assert "remove the acyl group" in [g.text for g in acetyl.guidance if g.site == "N4"][0]


# ------------------------------------------------------------------------------------------------ N1 and C2
def test_n_acyl_azole_n1():
    # O0 C1 C2 N3 C4 C5 c6 c7 c8 c9 n10: the pyrrole N10 is N1, C2 is an N-acyl pyrrole carbonyl
    ring = perceive_smiles("O=C1CNCCc2cccn21")[0]
    assert (ring.n1, ring.c7) == (10, 6)
    assert "n_acyl_azole" in ring.c2_activation
    assert any("acyl-transfer agent" in g.text for g in ring.guidance if g.site == "C2")
    n1 = [g.text for g in ring.guidance if g.site == "N1"]
    assert len(n1) == 1 and "azole" in n1[0] and "aryl group" not in n1[0]


def test_n1_guidance_depends_on_acidity_and_substitution():
    nordazepam = perceive_smiles("O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1")[0]
    n1 = " ".join(g.text for g in nordazepam.guidance if g.site == "N1")
    assert "K2CO3" in n1 and "pKa about 11" in n1 and "O-alkylation" in n1 and "C3 alkylation" in n1
    parent = perceive_smiles("O=C1CNCCCN1")[0]
    n1 = " ".join(g.text for g in parent.guidance if g.site == "N1")
    assert "NaH" in n1 and "LDA" not in n1
    diazepam = perceive_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")[0]
    n1 = " ".join(g.text for g in diazepam.guidance)
    assert "NaH" not in n1 and "K2CO3" not in n1  # N1 is already alkylated: no N1 alkylation offered


def test_no_contradictions_inside_one_answer():
    for smiles in ("O=C1CNCCCN1", "C[C@H]1NCCCNC1=O", "O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1", "CC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O"):
        ring = perceive_smiles(smiles)[0]
        texts = [g.text for g in ring.guidance]
        assert not any("above about 10" in t for t in texts), smiles
        if ring.c3_epimerizable:
            # LDA and KHMDS appear only where they are warned against
            assert all("avoid" in t for t in texts if "LDA" in t or "KHMDS" in t), smiles
    ring = perceive_smiles("O=C1CNCCCN1")[0]
    n4 = [g.text for g in ring.guidance if g.site == "N4"][0]
    assert "reductive amination" in n4 and "pH about 5-7" in n4


# ------------------------------------------------------------------------------------------------ C3
@pytest.mark.parametrize(
    "smiles, features, word",
    [
        ("OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O", ("carbinolamide",), "ring-chain"),  # oxazepam
        ("CC(=O)OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O", ("carbinolamide",), "quinazoline"),  # oxazepam acetate
        ("CN1C(=O)C(NC(=O)c2cc3ccccc3[nH]2)N=C(c2ccccc2)c2ccccc21", ("amido",), "not a carbinolamide"),  # devazepide
        ("CN1C(=O)C(NC(=O)Nc2cccc(C)c2)N=C(c2ccccc2)c2ccccc21", ("ureido",), "not a carbinolamide"),
        ("OC(=O)C1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O", ("carboxylic_acid",), "decarboxylates"),  # clorazepic acid
        ("CCOC(=O)C1N=C(c2ccccc2F)c2cc(Cl)ccc2NC1=O", ("carboxylic_ester",), "decarboxylates"),  # ethyl loflazepate
    ],
)
def test_c3_features_and_their_guidance(smiles, features, word):
    ring = perceive_smiles(smiles)[0]
    assert ring.c3_features == features
    assert any(word in g.text for g in ring.guidance if g.site == "C3")


def test_c3_methylene_guidance():
    diazepam = perceive_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")[0]
    c3 = " ".join(g.text for g in diazepam.guidance if g.site == "C3")
    assert "N4-oxide" in c3 and "oxime" in c3 and diazepam.c3_features == ()
    parent = perceive_smiles("O=C1CNCCCN1")[0]
    c3 = " ".join(g.text for g in parent.guidance if g.site == "C3")
    assert "enolate" in c3 and "N4 protected" in c3


def test_deuterium_and_tritium_on_c3_count_as_exchangeable_h():
    assert perceive_smiles("[2H]C1([2H])NCCCNC1=O")[0].c3_enolizable_h == 2
    assert perceive_smiles("[3H]C1([2H])NCCCNC1=O")[0].c3_enolizable_h == 2
    # C3 with CH3 and D: same stereocentre as with H (D and H are both lowest CIP priority here), epimerizable
    deuterated = perceive_smiles("[2H][C@]1(C)NCCCNC1=O")[0]
    assert deuterated.c3_enolizable_h == 1 and deuterated.c3_epimerizable
    # the same molecule drawn with all hydrogens explicit
    explicit = perceive(Chem.AddHs(Chem.MolFromSmiles("[2H]C1([2H])NCCCNC1=O")))[0]
    assert explicit.c3_enolizable_h == 2 and explicit.n4_h_count == 1 and explicit.n4_class == "secondary_amine"


def test_n4_deuterium_counts_as_h():
    ring = perceive_smiles("O=C1CN([2H])CCCN1")[0]
    assert (ring.n4_class, ring.n4_h_count) == ("secondary_amine", 1)


# ------------------------------------------------------------------------------------------------ salts
def test_salt_line_follows_the_protonated_atom():
    # Cl0 O1 C2 C3 N4 ...: HCl drawn neutral, the only base is N4
    ring = perceive_smiles("Cl.O=C1CNCCCN1")[0]
    assert ring.salt_form and ring.protonated_atoms == (4,)
    assert any("free-base" in g.text for g in ring.guidance if g.site == "N4")
    # flurazepam hydrochloride, C0 C1 N2(H+) ...: the side-chain amine carries the proton, N4 is an imine
    ring = perceive_smiles("CC[NH+](CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21.[Cl-]")[0]
    assert ring.n4_class == "imine" and ring.salt_form and ring.protonated_atoms == (2,)
    n4 = [g.text for g in ring.guidance if g.site == "N4"]
    assert not any(t.startswith("N4 carries the proton") for t in n4)
    assert any("not on N4" in t for t in n4) and any("atom 2" in note for note in ring.notes)
    # the same with HCl drawn neutral: Cl0 C1 C2 N3: the most basic nitrogen (diethylamino) takes the proton
    ring = perceive_smiles("Cl.CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21")[0]
    assert ring.protonated_atoms == (3,)


def test_inner_salt_is_not_an_acid_addition_salt():
    # N4 protonated by the molecule's own carboxylic acid: a zwitterion, net charge 0
    ring = perceive_smiles("[O-]C(=O)CC[NH+]1CCCNC(=O)C1")[0]
    assert not ring.salt_form and ring.protonated_atoms == ()
    assert not any("free-base" in g.text for g in ring.guidance)


# ------------------------------------------------------------------------------------------------ competing sites
@pytest.mark.parametrize(
    "smiles, kinds",
    [
        ("NNC(=O)CN1CCCNCC1=O", {"hydrazide"}),
        ("CN(N)CCN1CCCNCC1=O", {"hydrazine"}),
        ("CONCCN1CCCNCC1=O", {"hydroxylamine"}),
        ("OC(=O)CCN1CCCNCC1=O", {"carboxylic_acid"}),
        ("OCCN1CCCNCC1=O", {"alcohol"}),
        ("Oc1ccc(CN2CCCNCC2=O)cc1", {"phenol"}),
        ("Brc1ccc(CN2CCCNCC2=O)cc1", {"aryl_halide"}),
        ("C1OC1CN1CCCNCC1=O", {"epoxide"}),
        ("C=CC(=O)N1CCCN(C)CC1=O", {"michael_acceptor"}),
        ("O=CCN1CCCNCC1=O", {"aldehyde"}),
        ("CC(=O)CCN1CCCNCC1=O", {"ketone"}),
        ("Cn1cnc(CN2CCCNCC2=O)c1", {"imidazole_n"}),
        ("c1ccc(CN2CCCNCC2=O)nc1", {"pyridine_n"}),
    ],
)
def test_new_competing_sites(smiles, kinds):
    ring = perceive_smiles(smiles)[0]
    assert {s.kind for s in ring.competing_sites} == kinds


def test_weaker_than_n4_depends_on_what_n4_is():
    # free secondary alkylamine N4: the aniline is the weaker nucleophile
    ring = perceive_smiles("Nc1ccc(CN2CCCNCC2=O)cc1")[0]
    (site,) = [s for s in ring.competing_sites if s.kind == "aryl_amine"]
    assert "weaker than N4" in site.note
    # imine N4 (a benzodiazepinone): the aniline elsewhere is what electrophiles find
    ring = perceive_smiles("Nc1ccc(CN2C(=O)CN=C(c3ccccc3)c3ccccc32)cc1")[0]
    assert ring.n4_class == "imine"
    (site,) = [s for s in ring.competing_sites if s.kind == "aryl_amine"]
    assert "weaker" not in site.note and "not N4" in site.note


def test_a_hydrazine_is_one_group_from_either_end():
    # N0 N1 C2 C3 N4 ...: H2N-NH-CH2-: both nitrogens carry H, one hydrazine
    ring = perceive_smiles("NNCCN1CCCNCC1=O")[0]
    assert [(s.kind, s.atoms) for s in ring.competing_sites] == [("hydrazine", (0, 1))]


@pytest.mark.parametrize(
    "smiles",
    [
        "O=C1Nc2ccccc2CNC1=O",  # benzo 2,3-dione
        "CN1CCCNC(=O)C1=O",  # aliphatic 2,3-dione
        "O=C1CN2CCCN1CCC2",  # bridged lactam
        "Cl.CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21",  # salt drawn with neutral HCl
        "[2H][C@]1(C)NCCCNC1=O",  # deuterated stereocentre
    ],
)
def test_targeted_random_renumbering(smiles):
    import random

    mol = Chem.MolFromSmiles(smiles)

    def answer(m, back):
        return [
            (back(r.n1), back(r.c2), back(r.c3), back(r.n4), frozenset(back(a) for a in r.ring_atoms), r.n1_class,
             r.n4_class, r.n4_features, r.c2_activation, r.c3_features, r.c3_enolizable_h, r.c3_epimerizable,
             tuple(back(a) for a in r.protonated_atoms), tuple((s.position, s.label) for s in r.stereocentres))
            for r in perceive(m)
        ]

    expected = answer(mol, lambda i: i)
    rng = random.Random(7)
    for _ in range(10):
        order = list(range(mol.GetNumAtoms()))
        rng.shuffle(order)
        got = answer(Chem.RenumberAtoms(mol, order), lambda i: order[i])
        if smiles == "O=C1CN2CCCN1CCC2":  # the two seven-membered rings are mirror images: compare the lactam unit
            got = [g[:4] + g[5:] for g in got]
            assert got == [e[:4] + e[5:] for e in expected]
        else:
            assert got == expected


def test_kekule_and_aromatic_drawings_agree():
    aromatic = perceive_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")[0]
    kekule = perceive_smiles("CN1C(=O)CN=C(C2=CC=CC=C2)C2=CC(Cl)=CC=C21")[0]
    assert indices(aromatic) == indices(kekule)
    assert (aromatic.ring_variant, aromatic.n4_class, aromatic.c2_activation, aromatic.guidance) == (
        kekule.ring_variant, kekule.n4_class, kekule.c2_activation, kekule.guidance)


def test_tertiary_n4_guidance_gives_a_moderate_base_not_a_trialkylamine():
    # 1,4-diazepan-2-one N4 sits two bonds from the ring carbonyl, like the amine of glycinamide (pKaH 7.95 against
    # 10.7 for ethylamine): an N4-methyl ring is about 7.5, an oxazolo-fused N,O-aminal N4 (ketazolam type) about 5
    # and an N4-(2,2,2-trifluoroethyl) ring about 2, so the line must not call every tertiary N4 simply "basic" and
    # must point to the predicted value.
    for smiles in ("CN1CCCNC(=O)C1", "O=C1CN(CC(F)(F)F)CCCN1", "O=C1CN2CCOC2(c2ccccc2Cl)c2cc(Cl)ccc2N1"):
        n4 = [g.text for g in perceive_smiles(smiles)[0].guidance if g.site == "N4"][0]
        assert n4.startswith("Tertiary amine: a moderate to weak base") and "predicted pKaH" in n4
        assert "not acylated" in n4

"""Benzodiazepin-2-ones by the Sternbach-type routes: nordazepam, diazepam, 3-substituted and reduced rings.

Structures worked out by hand: the aniline N of the 2-aminoaryl ketone becomes N1, the ester
carbonyl C2, the amino-ester alpha carbon C3, the amino N the imine N4, and the ketone carbon
C5 (Sternbach et al., J. Org. Chem. 1962, 27, 3788; Archer & Sternbach, Chem. Rev. 1968, 68, 747).
Masses hand-computed from IUPAC monoisotopic masses (C 12, H 1.00782503207, N 14.0030740048,
O 15.99491461956, Cl 34.96885268, Br 78.9183371) and the proton 1.007276466621.
"""

from __future__ import annotations

import random

import pytest
from rdkit import Chem

from reactivity.synthesis import UnsupportedBuildingBlockError, plan_route, plan_route_smiles

H, C, N, O, CL, BR = 1.00782503207, 12.0, 14.0030740048, 15.99491461956, 34.96885268, 78.9183371
PROTON = 1.007276466621
KETONE = "Nc1ccc(Cl)cc1C(=O)c1ccccc1"  # 2-amino-5-chlorobenzophenone
NORDAZEPAM = "O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1"
DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


def smiles_of(route, key):
    return sorted(c.smiles for c in route.side_products if c.key == key)


def test_aminobenzophenone_and_glycine_ester_hydrochloride_give_nordazepam_with_masses():
    route = plan_route_smiles(KETONE, "Cl.NCC(=O)OCC")
    product = route.product
    assert product.smiles == canon(NORDAZEPAM)
    assert product.scaffold == "1,3-dihydro-2H-1,4-benzodiazepin-2-one" and product.is_target_scaffold
    mass = 15 * C + 11 * H + CL + 2 * N + O  # C15H11ClN2O
    assert product.formula == "C15H11ClN2O"
    assert product.monoisotopic_mass == pytest.approx(mass, abs=1e-5)
    assert product.mz_mh == pytest.approx(mass + PROTON, abs=1e-5)
    assert "pyridine" in route.steps[0]
    assert sum("given as a salt" in w for w in route.warnings) == 1
    assert {"lit:sternbach1962", "lit:archer_sternbach1968"} <= set(route.references)


def test_glycine_ester_route_side_products():
    route = plan_route_smiles(KETONE, "NCC(=O)OCC")
    # uncyclized glycinamide: the ester acylated the aniline N but the NH2 has not condensed with the ketone
    (glycinamide,) = [c for c in route.side_products if c.key == "glycinamide"]
    assert glycinamide.smiles == canon("NCC(=O)Nc1ccc(Cl)cc1C(=O)c1ccccc1")
    assert glycinamide.monoisotopic_mass == pytest.approx(15 * C + 13 * H + CL + 2 * N + 2 * O, abs=1e-5)  # +H2O
    assert smiles_of(route, "reagent_dimer") == [canon("O=C1CNC(=O)CN1")]  # glycine anhydride


def test_n1_methylation_gives_diazepam_with_its_alkylation_side_products():
    route = plan_route_smiles(KETONE, "NCC(=O)OCC", n1_alkylating_agent="CI")
    assert route.product.smiles == canon(DIAZEPAM)
    mass = 16 * C + 13 * H + CL + 2 * N + O  # C16H13ClN2O
    assert route.product.monoisotopic_mass == pytest.approx(mass, abs=1e-5)
    assert route.product.mz_mh == pytest.approx(mass + PROTON, abs=1e-5)
    assert [c.smiles for c in route.intermediates] == [canon(NORDAZEPAM)]
    assert "N1-alkylation" in route.steps[-1]
    # ambident amide anion: O-methyl lactim ether; enolate: 3-methyl diazepam; both minor
    o_methyl = [c for c in route.side_products if c.key == "o_alkylation"]
    c_methyl = [c for c in route.side_products if c.key == "c3_alkylation"]
    assert [c.smiles for c in o_methyl] == [canon("COC1=Nc2ccc(Cl)cc2C(c2ccccc2)=NC1")]
    assert [c.smiles for c in c_methyl] == [canon("CC1N=C(c2ccccc2)c2cc(Cl)ccc2N(C)C1=O")]
    assert all(c.likelihood == "minor" and "minor:" in c.note for c in o_methyl + c_methyl)


def test_haloacetyl_halide_then_ammonia_route_with_haloacetamide_quinazoline_and_over_alkylation():
    route = plan_route_smiles(KETONE, "BrCC(=O)Br")
    assert route.product.smiles == canon(NORDAZEPAM)
    assert len(route.steps) == 3
    haloamide = canon("O=C(CBr)Nc1ccc(Cl)cc1C(=O)c1ccccc1")  # 2-(bromoacetamido)-5-chlorobenzophenone
    glycinamide = canon("NCC(=O)Nc1ccc(Cl)cc1C(=O)c1ccccc1")
    assert [c.smiles for c in route.intermediates] == [haloamide, glycinamide]
    (amide,) = [c for c in route.side_products if c.key == "haloacetamide"]
    assert amide.smiles == haloamide
    assert amide.monoisotopic_mass == pytest.approx(15 * C + 11 * H + BR + CL + N + 2 * O, abs=1e-5)
    # NH3 bridging the ketone and the amide C=O: 6-chloro-4-phenylquinazolines with the 2-CH2X / 2-CH2NH2 arm
    assert smiles_of(route, "quinazoline") == sorted(
        [canon("BrCc1nc(-c2ccccc2)c2cc(Cl)ccc2n1"), canon("NCc1nc(-c2ccccc2)c2cc(Cl)ccc2n1")]
    )
    # the glycinamide NH2 displaces the bromide of a second haloacetamide
    assert smiles_of(route, "ammonia_over_alkylation") == [
        canon("O=C(CNCC(=O)Nc1ccc(Cl)cc1C(=O)c1ccccc1)Nc1ccc(Cl)cc1C(=O)c1ccccc1")
    ]


def test_l_alanine_ester_gives_the_3s_methyl_ring_with_racemization_warning():
    # L-alanine ethyl ester is (S); no bond to the alpha carbon is made or broken and the CIP order
    # (N > C(=O) > CH3 > H) is the same in product and reagent, so C3 stays (S)
    route = plan_route_smiles(KETONE, "C[C@H](N)C(=O)OCC")
    mol = Chem.MolFromSmiles(route.product.smiles)
    assert route.product.smiles == canon("C[C@@H]1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O")
    centres = Chem.FindMolChiralCenters(mol)
    assert [label for _, label in centres] == ["S"]
    (enantiomer,) = [c for c in route.side_products if c.key == "c3_enantiomer"]
    assert [lab for _, lab in Chem.FindMolChiralCenters(Chem.MolFromSmiles(enantiomer.smiles))] == ["R"]
    assert any("racemization" in w and "lit:carlier2003" in w for w in route.warnings)


def test_imine_reduction_gives_the_tetrahydro_ring_and_n1_goes_first():
    route = plan_route_smiles(KETONE, "NCC(=O)OCC", reduce_imine=True)
    assert route.product.smiles == canon("O=C1CNC(c2ccccc2)c2cc(Cl)ccc2N1")
    assert route.product.scaffold == "1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one"
    assert smiles_of(route, "lactam_over_reduction") == [canon("Clc1ccc2c(c1)C(c1ccccc1)NCCN2")]
    assert any("C5 a stereocentre" in w for w in route.warnings)
    both = plan_route_smiles(KETONE, "NCC(=O)OCC", n1_alkylating_agent="CI", reduce_imine=True)
    assert both.product.smiles == canon("CN1C(=O)CNC(c2ccccc2)c2cc(Cl)ccc21")
    assert "N1-alkylation" in both.steps[1] and "reduction" in both.steps[2]


def test_n_methyl_aminoketone_gives_diazepam_directly():
    route = plan_route_smiles("CNc1ccc(Cl)cc1C(=O)c1ccccc1", "BrCC(=O)Br")
    assert route.product.smiles == canon(DIAZEPAM)
    assert not smiles_of(route, "quinazoline")  # an N-methyl anilide cannot close a neutral quinazoline


@pytest.mark.parametrize(
    "reagent,kwargs,fragment",
    [
        ("BrCC(=O)OCC", {}, "does not give a benzodiazepin-2-one"),
        ("CNCC(=O)OCC", {}, "primary NH2"),
        ("NCC(=O)OCC", {"n1_alkylating_agent": "CCO"}, "not an alkyl halide"),
    ],
)
def test_unsupported_combinations(reagent, kwargs, fragment):
    with pytest.raises(UnsupportedBuildingBlockError, match=fragment):
        plan_route_smiles(KETONE, reagent, **kwargs)


def test_follow_up_steps_need_the_benzodiazepinone_route():
    with pytest.raises(UnsupportedBuildingBlockError, match="follow-up steps"):
        plan_route_smiles("NCCCN", "BrCC(=O)OCC", reduce_imine=True)


@pytest.mark.parametrize("seed", [4, 5])
def test_atom_order_does_not_matter(seed):
    mol = Chem.MolFromSmiles(KETONE)
    order = list(range(mol.GetNumAtoms()))
    random.Random(seed).shuffle(order)
    route = plan_route(Chem.RenumberAtoms(mol, order), Chem.MolFromSmiles("NCC(=O)OCC"))
    assert route.product.smiles == canon(NORDAZEPAM)


def test_nitro_aminobenzophenone_gives_clonazepam():
    # charge-separated nitro group is a neutral molecule, not a salt
    route = plan_route_smiles("Nc1ccc([N+](=O)[O-])cc1C(=O)c1ccccc1Cl", "NCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CN=C(c2ccccc2Cl)c2cc([N+](=O)[O-])ccc2N1")
    assert not any("salt" in w for w in route.warnings)


# ------------------------------------------------------------------ the 3-hydroxy ring through the 4-oxide
# Oxazepam (Archer & Sternbach 1968; Childress & Gluckman 1964): ketone -> oxime; chloroacetyl chloride closes the
# 2-chloromethylquinazoline 3-oxide (the aniline N and the oxime N in the new ring, the acyl carbonyl between them);
# hydroxide expands it to the 4-oxide (the acyl carbon becomes C2=O, the chloromethyl carbon C3 on the N-oxide N);
# acetic anhydride moves the oxide oxygen to C3 as its acetate; hydrolysis frees the 3-OH.
OXAZEPAM = "O=C1Nc2ccc(Cl)cc2C(c2ccccc2)=NC1O"


def test_oxazepam_through_the_4_oxide_with_every_intermediate():
    route = plan_route_smiles(KETONE, "ClCC(=O)Cl", via_4_oxide=True)
    assert route.route == "benzodiazepinone_4_oxide"
    assert route.product.smiles == canon(OXAZEPAM)
    assert [c.smiles for c in route.intermediates] == [canon(s) for s in (
        "Nc1ccc(Cl)cc1C(=NO)c1ccccc1", "[O-][n+]1c(CCl)nc2ccc(Cl)cc2c1-c1ccccc1",
        "O=C1C[N+]([O-])=C(c2ccccc2)c2cc(Cl)ccc2N1", "CC(=O)OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O")]
    # C15H11ClN2O2: the 4-oxide and the product are isomers (the oxygen moves from N4 to C3)
    mass = 15 * C + 11 * H + CL + 2 * N + 2 * O
    assert route.product.formula == "C15H11ClN2O2" and abs(route.product.mz_mh - (mass + PROTON)) < 1e-4
    assert route.intermediates[2].formula == route.product.formula
    assert any("racemic" in w for w in route.warnings)


def test_lorazepam_route_names_the_ring_contraction_aldehyde_as_a_minor_side_product():
    # lorazepam in 0.1 M HCl gives 6-chloro-4-(2-chlorophenyl)quinazoline-2-carboxaldehyde (Archontaki et al. 1999)
    route = plan_route_smiles("Nc1ccc(Cl)cc1C(=O)c1ccccc1Cl", "ClCC(=O)Cl", via_4_oxide=True)
    assert route.product.smiles == canon("O=C1Nc2ccc(Cl)cc2C(c2ccccc2Cl)=NC1O")
    aldehyde = next(c for c in route.side_products if c.key == "quinazoline_carboxaldehyde")
    assert aldehyde.smiles == canon("O=Cc1nc(-c2ccccc2Cl)c2cc(Cl)ccc2n1") and aldehyde.likelihood == "minor"
    expected = {c.key for c in route.side_products if c.likelihood == "expected"}
    assert expected == {"quinazoline_n_oxide", "benzodiazepinone_4_oxide", "acetoxy_intermediate"}


@pytest.mark.parametrize(("amine", "reagent", "message"), [
    ("CNc1ccc(Cl)cc1C(=O)c1ccccc1", "ClCC(=O)Cl", "primary 2-aminoaryl ketone"),
    (KETONE, "NCC(=O)OCC", "haloacetyl halide"),
    ("NCCCN", "ClCC(=O)Cl", "2-aminoaryl ketone"),
])
def test_the_4_oxide_route_refuses_what_it_cannot_make(amine, reagent, message):
    with pytest.raises(UnsupportedBuildingBlockError, match=message):
        plan_route_smiles(amine, reagent, via_4_oxide=True)


def test_oxazepam_by_c3_acetoxylation_of_nordazepam():
    # Cepanec et al. 2006: iodine-catalysed acetoxylation of C3 (KOAc, K2S2O8), then selective saponification
    route = plan_route_smiles(KETONE, "NCC(=O)OCC", c3_oxygen="3-hydroxy")
    assert route.product.smiles == canon(OXAZEPAM)
    assert [c.smiles for c in route.intermediates] == [canon(NORDAZEPAM),
                                                       canon("CC(=O)OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O")]
    keys = {c.key for c in route.side_products}
    assert {"c3_unoxidized_ring", "acetoxy_intermediate", "quinazoline_carboxaldehyde"} <= keys
    assert "lit:cepanec2006" in route.references
    with pytest.raises(UnsupportedBuildingBlockError, match="azomethine"):
        plan_route_smiles(KETONE, "NCC(=O)OCC", c3_oxygen="3-hydroxy", reduce_imine=True)

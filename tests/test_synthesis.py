"""Synthesis advisor, forward and retro: products, side products, masses, regioselectivity.

Expected structures were worked out by hand from the mechanism (which N bonds to
which carbon) and DOMAIN.md section 2; expected masses are hand-computed from
IUPAC monoisotopic atomic masses (C 12, H 1.00782503207, N 14.0030740048,
O 15.99491461956, Br 78.9183371) and the proton mass 1.007276466621.
"""

from __future__ import annotations

import pytest
from rdkit import Chem
from rdkit.Chem import Descriptors

from reactivity.errors import MoleculeParseError, ReactivityError
from reactivity.synthesis import (
    UnsupportedBuildingBlockError,
    plan_route_smiles,
    propose_disconnections,
)

H, C, N, O, BR = 1.00782503207, 12.0, 14.0030740048, 15.99491461956, 78.9183371
PROTON = 1.007276466621


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


def smiles_of(route, key):
    return sorted(c.smiles for c in route.side_products if c.key == key)


# --- seed 000's route (DOMAIN.md section 2) -----------------------------------------


def test_seed_route_gives_the_5_one_not_the_2_one():
    route = plan_route_smiles("NCCN", "C=CC(=O)OC")
    assert route.product.smiles == canon("O=C1CCNCCN1")
    assert route.product.inchikey == "QPPLBCQXWDBQFS-UHFFFAOYSA-N"  # from the issue / DOMAIN.md section 2
    assert route.product.scaffold == "1,4-diazepan-5-one"
    assert route.product.is_target_scaffold is False
    warning = " ".join(route.warnings)
    assert "5-one, not the 2-one" in warning
    assert "Seed 000" in warning
    assert "docs:acrylate_route" in route.references


def test_seed_route_side_products_are_the_beta_alanine_ones():
    route = plan_route_smiles("NCCN", "C=CC(=O)OC")
    # two beta-alanine units: 1,4-bis(2-aminoethyl)-1,5-diazocane-2,6-dione, not a piperazinedione
    assert smiles_of(route, "cyclic_dimer") == [canon("NCCN1CCC(=O)N(CCN)CCC1=O")]
    assert [c.scaffold for c in route.side_products if c.key == "cyclic_dimer"] == ["1,5-diazocane-2,6-dione"]
    assert smiles_of(route, "amino_ester") == [canon("COC(=O)CCNCCN")]  # N-(2-aminoethyl)-beta-alanine methyl ester
    assert smiles_of(route, "double_adduct") == sorted(
        [canon("COC(=O)CCN(CCN)CCC(=O)OC"), canon("COC(=O)CCNCCNCCC(=O)OC")]
    )
    assert smiles_of(route, "bis_amide") == [canon("C=CC(=O)NCCNC(=O)C=C")]
    assert smiles_of(route, "hydrolysis_product") == [canon("NCCNCCC(=O)O")]
    assert smiles_of(route, "linear_dimer") == [canon("COC(=O)CCNCCNC(=O)CCNCCN")]
    assert smiles_of(route, "linear_trimer") == [canon("COC(=O)CCNCCNC(=O)CCNCCNC(=O)CCNCCN")]
    polymer = [c for c in route.side_products if c.key == "polyacrylate"]
    assert len(polymer) == 1 and polymer[0].mz_mh is None and "*" in polymer[0].smiles


# --- glycine-unit routes that do give the 2-one -------------------------------------


@pytest.mark.parametrize("reagent", ["BrCC(=O)OCC", "ClCC(=O)OCC"])
def test_haloacetate_and_1_3_diaminopropane_give_the_2_one_with_the_dkp(reagent):
    route = plan_route_smiles("NCCCN", reagent)
    assert route.product.smiles == canon("O=C1CNCCCN1")
    assert route.product.is_target_scaffold is True
    assert route.product.scaffold == "1,4-diazepan-2-one"
    assert not any("not a 1,4-diazepan-2-one" in w for w in route.warnings)
    dimers = [c for c in route.side_products if c.key == "cyclic_dimer"]
    assert [c.smiles for c in dimers] == [canon("NCCCN1CC(=O)N(CCCN)CC1=O")]
    assert dimers[0].scaffold == "piperazine-2,5-dione"
    assert smiles_of(route, "amino_ester") == [canon("CCOC(=O)CNCCCN")]
    assert smiles_of(route, "hydrolysis_product") == [canon("NCCCNCC(=O)O")]  # N-(3-aminopropyl)glycine
    assert not smiles_of(route, "polyacrylate")


def test_every_side_product_names_its_step_and_a_concentration_stoichiometry_or_temperature_factor():
    route = plan_route_smiles("NCCCN", "BrCC(=O)OCC")
    keys = {c.key for c in route.side_products}
    assert {"amino_ester", "double_adduct", "bis_amide", "cyclic_dimer", "linear_dimer", "linear_trimer",
            "hydrolysis_product"} <= keys
    factors = {c.key: {f.factor for f in c.favoured_by} for c in route.side_products}
    assert "concentration" in factors["cyclic_dimer"]
    assert "concentration" in factors["linear_dimer"]
    assert "stoichiometry" in factors["double_adduct"]
    assert "temperature" in factors["amino_ester"]
    for compound in route.side_products:
        assert compound.favoured_by, compound.key
        assert all(f.remedy for f in compound.favoured_by)


# --- masses -----------------------------------------------------------------------------


def test_masses_hand_computed():
    route = plan_route_smiles("NCCCN", "BrCC(=O)OCC")
    parent = 5 * C + 10 * H + 2 * N + O  # C5H10N2O
    assert route.product.formula == "C5H10N2O"
    assert route.product.monoisotopic_mass == pytest.approx(parent, abs=1e-5)
    assert route.product.monoisotopic_mass == pytest.approx(114.07931, abs=1e-5)
    assert route.product.mz_mh == pytest.approx(parent + PROTON, abs=1e-5)
    dimer = next(c for c in route.side_products if c.key == "cyclic_dimer")
    assert dimer.formula == "C10H20N4O2"
    assert dimer.monoisotopic_mass == pytest.approx(10 * C + 20 * H + 4 * N + 2 * O, abs=1e-5)
    salt = next(c for c in route.side_products if c.key == "hydrohalide_salt")
    assert salt.monoisotopic_mass == pytest.approx(3 * C + 11 * H + BR + 2 * N, abs=1e-5)
    # a salt is seen by MS as its free base: 1,3-diaminopropane C3H10N2 + H+
    assert salt.mz_mh == pytest.approx(3 * C + 10 * H + 2 * N + PROTON, abs=1e-5)


@pytest.mark.parametrize(
    "diamine,reagent",
    [("NCCN", "C=CC(=O)OC"), ("CC(C)(CN)CN", "BrCC(=O)OCC"), ("CNCCCN", "ClCC(=O)OCC"), ("CC(N)CC(C)N", "O=CC=O")],
)
def test_masses_agree_with_rdkit_exact_mass(diamine, reagent):
    route = plan_route_smiles(diamine, reagent)
    for compound in (route.product, *route.side_products):
        mol = Chem.MolFromSmiles(compound.smiles)
        if "*" in compound.smiles:
            continue
        assert compound.monoisotopic_mass == pytest.approx(Descriptors.ExactMolWt(mol), abs=1e-6)
        assert compound.inchikey == Chem.MolToInchiKey(mol)


# --- substituted diamines and regioselectivity ----------------------------------------


def test_2_2_dimethyl_diamine_gives_6_6_dimethyl_ring():
    route = plan_route_smiles("CC(C)(CN)CN", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCC(C)(C)CN1")  # gem-dimethyl on C6
    assert route.product.monoisotopic_mass == pytest.approx(7 * C + 14 * H + 2 * N + O, abs=1e-5)
    assert route.ring_isomers == ()
    assert route.regioselectivity.applies is False


def test_n_methyl_diamine_secondary_n_alkylates_first_giving_the_4_methyl_ring():
    route = plan_route_smiles("CNCCCN", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CN(C)CCCN1")  # 4-methyl: N-Me became N4
    assert [c.smiles for c in route.ring_isomers] == [canon("O=C1CNCCCN1C")]  # 1-methyl isomer
    regio = route.regioselectivity
    assert regio.applies and not regio.ambiguous
    assert "secondary" in regio.first_nitrogen
    assert "lit:mayr2007" in regio.reference_ids
    assert "assumption" in regio.basis
    # the tertiary N4 has no N-H left, so no diketopiperazine can form from this intermediate
    assert smiles_of(route, "cyclic_dimer") == []


def test_n_methyl_diamine_with_acrylate_gives_an_eight_membered_ring_and_warns():
    route = plan_route_smiles("CNCCCN", "C=CC(=O)OC")
    assert route.product.smiles == canon("O=C1CCN(C)CCCN1")
    assert route.product.is_target_scaffold is False
    assert any("retro-Michael" in w for w in route.warnings)


def test_branched_primary_amine_reacts_second():
    # 1,3-diaminobutane: the CH2-NH2 (unbranched) alkylates first and becomes N4; the CH(Me)-NH2 closes N1
    route = plan_route_smiles("NCCC(C)N", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCCC(C)N1")  # 7-methyl
    assert [c.smiles for c in route.ring_isomers] == [canon("O=C1CNC(C)CCN1")]  # 5-methyl


def test_benzylamine_n_alkylates_before_the_aniline_n():
    route = plan_route_smiles("NCc1ccccc1N", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCc2ccccc2N1")  # 1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one
    assert route.product.is_target_scaffold is True


# --- glyoxal and glycine esters --------------------------------------------------------


def test_glyoxal_and_2_4_diaminopentane_give_5_7_dimethyl_2_one():
    # J. Chem. Soc. C 1969, 2044 as cited in DOMAIN.md section 2
    route = plan_route_smiles("CC(N)CC(C)N", "O=CC=O")
    assert route.product.smiles == canon("O=C1CNC(C)CC(C)N1")
    assert route.product.is_target_scaffold is True
    assert "lit:jcsc1969" in route.references


def test_glyoxal_with_unsymmetric_diamine_is_ambiguous():
    route = plan_route_smiles("NCCC(C)N", "O=CC=O")
    assert route.regioselectivity.ambiguous is True
    products = {route.product.smiles, *(c.smiles for c in route.ring_isomers)}
    assert products == {canon("O=C1CNCCC(C)N1"), canon("O=C1CNC(C)CCN1")}
    assert any("ambiguous" in w for w in route.warnings)


def test_glycine_ester_acylates_but_cannot_close_the_ring():
    route = plan_route_smiles("NCCCN", "NCC(=O)OCC")
    assert route.product.smiles == canon("NCC(=O)NCCCN")
    assert route.product.is_target_scaffold is False
    assert any("No ring forms" in w for w in route.warnings)
    assert smiles_of(route, "reagent_dimer") == [canon("O=C1CNC(=O)CN1")]  # glycine DKP
    assert smiles_of(route, "bis_amide") == [canon("NCC(=O)NCCCNC(=O)CN")]


def test_haloacetate_with_ethylenediamine_gives_piperazinone_and_says_why():
    route = plan_route_smiles("NCCN", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCCN1")
    assert route.product.scaffold == "piperazin-2-one"
    assert any("1,3-diamine" in w for w in route.warnings)


# --- unsupported input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "diamine,reagent,fragment",
    [
        ("NCCCN", "CCO", "not a supported C2/C3 unit"),
        ("NCCNCCN", "BrCC(=O)OCC", "exactly two N-H amine nitrogens, found 3"),
        ("CCN", "BrCC(=O)OCC", "found 1"),
        ("NCCCN.Cl", "BrCC(=O)OCC", "not a salt"),
        ("NCCCN", "C=CC(=O)OCCOC(=O)C=C", "more than one reactive group"),
    ],
)
def test_unsupported_building_blocks_raise_typed_error(diamine, reagent, fragment):
    with pytest.raises(UnsupportedBuildingBlockError, match=fragment) as info:
        plan_route_smiles(diamine, reagent)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ReactivityError)


def test_bad_smiles_raises_parse_error():
    with pytest.raises(MoleculeParseError):
        plan_route_smiles("C1CC(", "BrCC(=O)OCC")


# --- retro ------------------------------------------------------------------------------


def test_retro_parent_gives_diaminopropane_plus_haloacetate_and_glyoxal():
    result = propose_disconnections(Chem.MolFromSmiles("O=C1CNCCCN1"))
    ids = [d.id for d in result.disconnections]
    assert ids == ["diamine_haloacetate", "diamine_glyoxal", "glycine_ester_c3_unit"]
    first = result.disconnections[0]
    assert [b.smiles for b in first.building_blocks] == [canon("NCCCN"), canon("BrCC(=O)OCC")]
    assert first.forward_check == "the forward route gives the target as the main product"
    glycine = result.disconnections[2]
    assert [b.smiles for b in glycine.building_blocks] == [canon("NCC(=O)OCC"), canon("NCCCBr")]


def test_retro_warns_when_the_diamine_closes_the_other_way():
    # 1-methyl-1,4-diazepan-2-one: from N-methyl-1,3-diaminopropane the N-Me alkylates first (rule) -> 4-methyl
    result = propose_disconnections(Chem.MolFromSmiles("CN1CCCNCC1=O"))
    first = result.disconnections[0]
    assert [b.smiles for b in first.building_blocks][0] == canon("CNCCCN")
    assert "minor ring isomer" in first.forward_check
    assert any("ambiguous" in w for w in first.warnings)
    assert first.forward_product == canon("O=C1CN(C)CCCN1")


def test_retro_4_methyl_target_is_the_favoured_isomer():
    result = propose_disconnections(Chem.MolFromSmiles("O=C1CN(C)CCCN1"))
    assert result.disconnections[0].forward_check == "the forward route gives the target as the main product"
    # N4 is tertiary: the glyoxal route (two NH2) is not offered
    assert "diamine_glyoxal" not in [d.id for d in result.disconnections]


def test_retro_c3_stereocentre_is_left_unassigned_in_the_haloester():
    result = propose_disconnections(Chem.MolFromSmiles("C[C@@H]1NCCCNC1=O"))
    ester = result.disconnections[0].building_blocks[1].smiles
    assert ester == canon("CCOC(=O)C(C)Br")
    assert any("SN2" in w for w in result.warnings)


@pytest.mark.parametrize(
    "target,fragment",
    [
        ("O=C1CCNCCN1", "not a 1,4-diazepan-2-one (it is 1,4-diazepan-5-one)"),
        ("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "N4 is imine"),  # diazepam
        ("CC(C)(C)OC(=O)N1CCCNC(=O)C1", "N4 is carbamate"),
        ("O=C1CNCCCN1.Cl", "not a salt"),
    ],
)
def test_retro_rejects_what_it_cannot_disconnect(target, fragment):
    with pytest.raises(UnsupportedBuildingBlockError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        propose_disconnections(Chem.MolFromSmiles(target))


def test_to_dict_has_the_issue_keys():
    data = plan_route_smiles("NCCCN", "BrCC(=O)OCC").to_dict()
    assert {"smiles", "inchikey", "scaffold", "is_target_scaffold"} <= set(data["product"])
    for side in data["side_products"]:
        assert {"name", "smiles", "inchikey", "formula", "monoisotopic_mass", "mz_mh", "favoured_by"} <= set(side)
    assert isinstance(data["warnings"], list) and isinstance(data["references"], list)

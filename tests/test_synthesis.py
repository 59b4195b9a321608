"""Synthesis advisor, diamine routes: products, protection, side products that really form, masses of one species.

Expected structures were worked out by hand from the mechanism (which N bonds to
which carbon; docs/chemistry.md#synthesis); expected masses are hand-computed from
IUPAC monoisotopic atomic masses (C 12, H 1.00782503207, N 14.0030740048,
O 15.99491461956, Br 78.9183371) and the proton mass 1.007276466621.
"""

from __future__ import annotations

import json
import random

import pytest
from rdkit import Chem
from rdkit.Chem import Descriptors

from reactivity.errors import MoleculeParseError, ReactivityError
from reactivity.synthesis import UnsupportedBuildingBlockError, plan_route, plan_route_smiles

H, C, N, O, BR = 1.00782503207, 12.0, 14.0030740048, 15.99491461956, 78.9183371
PROTON = 1.007276466621


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


def smiles_of(route, key):
    return sorted(c.smiles for c in route.side_products if c.key == key)


def renumbered(smiles: str, seed: int) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles)
    order = list(range(mol.GetNumAtoms()))
    random.Random(seed).shuffle(order)
    return Chem.RenumberAtoms(mol, order)


# --- ethylenediamine + methyl acrylate: the 5-one, with its warning once ----------------


def test_acrylate_route_gives_the_5_one_with_the_warning_exactly_once():
    route = plan_route_smiles("NCCN", "C=CC(=O)OC")
    assert route.product.smiles == canon("O=C1CCNCCN1")
    assert route.product.inchikey == "QPPLBCQXWDBQFS-UHFFFAOYSA-N"  # 1,4-diazepan-5-one
    assert route.product.scaffold == "1,4-diazepan-5-one"
    assert route.product.is_target_scaffold is False
    wrong = [w for w in route.warnings if "not a 1,4-diazepan-2-one" in w]
    assert len(wrong) == 1
    assert "beta-alanine" in wrong[0] and "docs:acrylate_route" in wrong[0]
    assert len(route.warnings) == len(set(route.warnings))
    assert "docs:acrylate_route" in route.references


def test_acrylate_route_side_products_are_the_beta_alanine_ones():
    route = plan_route_smiles("NCCN", "C=CC(=O)OC")
    # two beta-alanine units: 1,4-bis(2-aminoethyl)-1,5-diazocane-2,6-dione, not a piperazinedione
    assert smiles_of(route, "cyclic_dimer") == [canon("NCCN1CCC(=O)N(CCN)CCC1=O")]
    assert smiles_of(route, "amino_ester") == [canon("COC(=O)CCNCCN")]
    assert smiles_of(route, "double_adduct") == sorted(
        [canon("COC(=O)CCN(CCN)CCC(=O)OC"), canon("COC(=O)CCNCCNCCC(=O)OC")]
    )
    assert smiles_of(route, "hydrolysis_product") == [canon("NCCNCCC(=O)O")]
    assert smiles_of(route, "linear_dimer") == [canon("COC(=O)CCNCCNC(=O)CCNCCN")]


def test_polymer_repeat_unit_formula_excludes_attachment_points():
    route = plan_route_smiles("NCCN", "C=CC(=O)OC")
    (polymer,) = [c for c in route.side_products if c.key == "polyacrylate"]
    assert "*" in polymer.smiles and polymer.mz_mh is None
    assert polymer.formula == "C4H6O2"  # -CH2-CH(CO2Me)-: C4H6O2, the two * not counted
    assert polymer.monoisotopic_mass == pytest.approx(4 * C + 6 * H + 2 * O, abs=1e-5)
    assert "repeat unit" in polymer.species


# --- bis-amides demoted, over-alkylation kept ------------------------------------------


def test_bis_amide_is_minor_with_the_reason_on_alkylation_routes_but_expected_on_aminolysis():
    route = plan_route_smiles("NCCCN", "BrCC(=O)OCC")
    (bis,) = [c for c in route.side_products if c.key == "bis_amide"]
    assert bis.likelihood == "minor"
    assert "far faster" in bis.note  # SN2 / aza-Michael outrun ester aminolysis
    assert route.side_products[-1].likelihood == "minor"  # minor ones listed last
    glycine = plan_route_smiles("NCCCN", "NCC(=O)OCC")
    (gbis,) = [c for c in glycine.side_products if c.key == "bis_amide"]
    assert gbis.likelihood == "expected"  # aminolysis is the only reaction there
    assert gbis.smiles == canon("NCC(=O)NCCCNC(=O)CN")


def test_over_alkylation_of_the_primary_amine_is_listed():
    route = plan_route_smiles("NCCCN", "BrCC(=O)OCC")
    notes = {c.smiles: c.note for c in route.side_products if c.key == "double_adduct"}
    # ethyl bromoacetate twice on the same NH2 (the secondary amine formed first is still nucleophilic)
    assert "over-alkylation" in notes[canon("CCOC(=O)CN(CCCN)CC(=O)OCC")]


def test_no_aniline_alkylation_while_the_benzylic_amine_is_free():
    route = plan_route_smiles("NCc1ccccc1N", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCc2ccccc2N1")  # 1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one
    assert route.product.scaffold == "1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one"
    # the only double adduct: both glycine units on the benzylic N; none on the aniline N
    assert smiles_of(route, "double_adduct") == [canon("CCOC(=O)CN(CC(=O)OCC)Cc1ccccc1N")]


def test_haloacetate_route_never_speaks_of_the_aza_michael():
    route = plan_route_smiles("NCCC(C)N", "BrCC(=O)OCC")  # unsymmetric: the ring-isomer conditions are shown
    text = json.dumps(route.to_dict())
    assert "Michael" not in text
    acrylate = plan_route_smiles("NCCC(C)N", "C=CC(=O)OC")
    assert "retro-aza-Michael" in json.dumps(acrylate.to_dict())


def test_o_phenylenediamine_gives_quinoxalinone_and_benzimidazole():
    route = plan_route_smiles("Nc1ccccc1N", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNc2ccccc2N1")  # six-membered 3,4-dihydroquinoxalin-2(1H)-one
    assert route.product.is_target_scaffold is False
    # ester aminolysis at one aryl NH2 gives the o-aminoanilide, which closes to 2-(bromomethyl)benzimidazole
    assert smiles_of(route, "benzimidazole") == [canon("BrCc1nc2ccccc2[nH]1")]


# --- glyoxal: verified citation, its conditions, aminal and bis-imine --------------------


def test_glyoxal_route_cites_the_paper_states_its_conditions_and_lists_aminal_and_bis_imine():
    route = plan_route_smiles("CC(N)CC(C)N", "O=CC=O")
    assert route.product.smiles == canon("O=C1CNC(C)CC(C)N1")  # 5,7-dimethylhexahydro-1,4-diazepin-2-one
    assert "lit:jcsc1969" in route.references
    assert any("sulphite adduct" in w for w in route.warnings)
    assert smiles_of(route, "glyoxal_bis_imine") == [canon("CC(N)CC(C)N=CC=NC(C)CC(C)N")]
    assert smiles_of(route, "glyoxal_aminal") == [canon("CC1CC(C)NC(C2NC(C)CC(C)N2)N1")]


def test_glyoxal_with_unsymmetric_diamine_is_ambiguous():
    route = plan_route_smiles("NCCC(C)N", "O=CC=O")
    assert route.regioselectivity.ambiguous is True
    products = {route.product.smiles, *(c.smiles for c in route.ring_isomers)}
    assert products == {canon("O=C1CNCCC(C)N1"), canon("O=C1CNC(C)CCN1")}


# --- masses: one species each ------------------------------------------------------------


def test_masses_hand_computed_and_the_salt_is_described_as_one_species():
    route = plan_route_smiles("NCCCN", "BrCC(=O)OCC")
    parent = 5 * C + 10 * H + 2 * N + O  # C5H10N2O
    assert route.product.formula == "C5H10N2O"
    assert route.product.monoisotopic_mass == pytest.approx(parent, abs=1e-5)
    assert route.product.mz_mh == pytest.approx(parent + PROTON, abs=1e-5)
    dimer = next(c for c in route.side_products if c.key == "cyclic_dimer")
    assert dimer.formula == "C10H20N4O2"
    assert dimer.monoisotopic_mass == pytest.approx(10 * C + 20 * H + 4 * N + 2 * O, abs=1e-5)
    salt = next(c for c in route.side_products if c.key == "hydrohalide_salt")
    base = 3 * C + 10 * H + 2 * N  # 1,3-diaminopropane, C3H10N2
    assert salt.smiles == canon("NCCCN") and "Br" in salt.salt_smiles
    assert salt.formula == "C3H10N2"
    assert salt.monoisotopic_mass == pytest.approx(base, abs=1e-5)  # M and [M+H]+ of the same species
    assert salt.mz_mh == pytest.approx(base + PROTON, abs=1e-5)
    assert "free base" in salt.species


@pytest.mark.parametrize(
    "diamine,reagent",
    [("NCCN", "C=CC(=O)OC"), ("CC(C)(CN)CN", "BrCC(=O)OCC"), ("CNCCCN", "ClCC(=O)OCC"), ("CC(N)CC(C)N", "O=CC=O"),
     ("CC(C)(C)OC(=O)NCCCN", "BrCC(=O)OCC")],
)
def test_masses_agree_with_rdkit_exact_mass(diamine, reagent):
    route = plan_route_smiles(diamine, reagent)
    for compound in (route.product, *route.intermediates, *route.side_products):
        if "*" in compound.smiles:
            continue
        mol = Chem.MolFromSmiles(compound.smiles)
        assert compound.monoisotopic_mass == pytest.approx(Descriptors.ExactMolWt(mol), abs=1e-6)
        assert compound.inchikey == Chem.MolToInchiKey(mol)


# --- substituted diamines and regioselectivity --------------------------------------------


def test_n_methyl_diamine_secondary_n_alkylates_first_giving_the_4_methyl_ring():
    route = plan_route_smiles("CNCCCN", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CN(C)CCCN1")  # 4-methyl: N-Me became N4
    assert [c.smiles for c in route.ring_isomers] == [canon("O=C1CNCCCN1C")]
    regio = route.regioselectivity
    assert regio.applies and not regio.ambiguous and "secondary" in regio.first_nitrogen
    assert "assumption" in regio.basis


def test_branched_primary_amine_reacts_second():
    route = plan_route_smiles("NCCC(C)N", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCCC(C)N1")  # 7-methyl
    assert [c.smiles for c in route.ring_isomers] == [canon("O=C1CNC(C)CCN1")]  # 5-methyl


# --- mono-protected diamines ------------------------------------------------------------


def test_boc_diaminopropane_and_ethyl_bromoacetate_worked_by_hand():
    # BocNH-(CH2)3-NH2: the carbamate N-H is not alkylated without a strong base (Greene/Wuts), so the free NH2
    # takes the CH2CO2Et group and becomes N4: BocNH(CH2)3NH-CH2-CO2Et. Only after Boc removal can the
    # liberated NH2 reach the ester: it closes the lactam as N1 -> 1,4-diazepan-2-one.
    route = plan_route_smiles("CC(C)(C)OC(=O)NCCCN", "BrCC(=O)OCC")
    assert [c.smiles for c in route.intermediates] == [
        canon("CCOC(=O)CNCCCNC(=O)OC(C)(C)C"), canon("CCOC(=O)CNCCCN"),
    ]
    assert route.product.smiles == canon("O=C1CNCCCN1")
    assert len(route.steps) == 3 and "Boc removal" in route.steps[1] and "TFA" in route.steps[1]
    assert route.ring_isomers == ()
    assert "protection fixes the ring isomer" in route.regioselectivity.rule
    # over-alkylation can still happen at the free NH2, never at the carbamate N
    assert smiles_of(route, "double_adduct") == [canon("CCOC(=O)CN(CCCNC(=O)OC(C)(C)C)CC(=O)OCC")]
    assert smiles_of(route, "protected_intermediate") == [canon("CCOC(=O)CNCCCNC(=O)OC(C)(C)C")]


def test_protection_decides_the_ring_isomer_of_an_unsymmetric_diamine():
    # 1,3-diaminobutane, free: the CH2-NH2 alkylates first -> 7-methyl (test above).
    # Boc on the CH2 end leaves the CH(CH3)-NH2 free: it becomes N4, next to C5 -> 5-methyl.
    route = plan_route_smiles("CC(N)CCNC(=O)OC(C)(C)C", "BrCC(=O)OCC")
    assert route.product.smiles == canon("CC1CCNC(=O)CN1")  # 5-methyl-1,4-diazepan-2-one
    # Boc on the CH(CH3) end: the CH2-NH2 is N4 -> 7-methyl
    other = plan_route_smiles("CC(CCN)NC(=O)OC(C)(C)C", "BrCC(=O)OCC")
    assert other.product.smiles == canon("O=C1CNCCC(C)N1")


@pytest.mark.parametrize(
    "diamine,removal",
    [("O=C(NCCCN)OCc1ccccc1", "Cbz removal"), ("NCCCN(Cc1ccccc1)Cc1ccccc1", "debenzylation")],
)
def test_cbz_and_dibenzyl_protected_diamines(diamine, removal):
    route = plan_route_smiles(diamine, "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCCCN1")
    assert removal in route.steps[1] and "H2, Pd/C" in route.steps[1]


def test_mono_benzyl_diamine_is_not_blocked_and_the_advisor_says_so():
    route = plan_route_smiles("NCCCNCc1ccccc1", "BrCC(=O)OCC")
    # the secondary benzylamine is the more nucleophilic N (heuristic): it becomes N4 (4-benzyl)
    assert route.product.smiles == canon("O=C1CN(Cc2ccccc2)CCCN1")
    assert [c.smiles for c in route.ring_isomers] == [canon("O=C1CNCCCN1Cc1ccccc1")]
    assert any("not blocked" in w and "N4" in w for w in route.warnings)
    assert any("hydrogenolysis" in s for s in route.steps)


def test_glyoxal_needs_both_nitrogens_free():
    with pytest.raises(UnsupportedBuildingBlockError, match="both nitrogens free"):
        plan_route_smiles("CC(C)(C)OC(=O)NCCCN", "O=CC=O")


# --- input handling ---------------------------------------------------------------------


def test_a_salt_is_used_as_its_free_base_and_said_once():
    route = plan_route_smiles("NCCCN.Cl.Cl", "BrCC(=O)OCC")
    assert route.product.smiles == canon("O=C1CNCCCN1")
    assert sum("given as a salt" in w for w in route.warnings) == 1


@pytest.mark.parametrize(
    "diamine,reagent,fragment",
    [
        ("NCCCN", "CCO", "not a supported C2/C3 unit"),
        ("NCCNCCN", "BrCC(=O)OCC", "found 3 N-H amine"),
        ("CCN", "BrCC(=O)OCC", r"found 1 N-H amine nitrogen\(s\) and 0 protected"),
        ("NCCCN", "C=CC(=O)OCCOC(=O)C=C", "more than one reactive group"),
        ("NCCCN.CCO", "BrCC(=O)OCC", "not a mixture"),
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


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answers_do_not_depend_on_atom_order(seed):
    reference = plan_route_smiles("CC(N)CCNC(=O)OC(C)(C)C", "BrCC(=O)OCC").to_dict()
    shuffled = plan_route(renumbered("CC(N)CCNC(=O)OC(C)(C)C", seed), renumbered("BrCC(=O)OCC", seed + 10)).to_dict()
    assert shuffled["product"] == reference["product"]
    assert sorted(s["smiles"] for s in shuffled["side_products"]) == sorted(s["smiles"] for s in reference["side_products"])


def test_to_dict_keys():
    data = plan_route_smiles("NCCCN", "BrCC(=O)OCC").to_dict()
    assert {"smiles", "inchikey", "scaffold", "is_target_scaffold", "species"} <= set(data["product"])
    for side in data["side_products"]:
        assert {"name", "smiles", "inchikey", "formula", "monoisotopic_mass", "mz_mh", "favoured_by", "likelihood"} <= set(side)
    assert isinstance(data["warnings"], list) and isinstance(data["references"], list)


# --- amino-acid (peptidomimetic) route ---------------------------------------------------


def test_boc_aminopropanal_and_l_alanine_ester_give_the_3s_methyl_ring():
    # reductive amination: the alanine N becomes N4 on the aldehyde carbon (C5); Boc off; the freed NH2 closes
    # onto the ester as N1. No bond to the alpha carbon is made and its CIP order (N > C(=O) > CH3 > H) is kept: (3S).
    route = plan_route_smiles("CC(C)(C)OC(=O)NCCC=O", "C[C@H](N)C(=O)OC")
    assert [c.smiles for c in route.intermediates] == [
        canon("COC(=O)[C@H](C)NCCCNC(=O)OC(C)(C)C"), canon("COC(=O)[C@H](C)NCCCN"),
    ]
    assert route.product.smiles == canon("C[C@@H]1NCCCNC1=O")
    assert [lab for _, lab in Chem.FindMolChiralCenters(Chem.MolFromSmiles(route.product.smiles))] == ["S"]
    assert "NaBH(OAc)3" in route.steps[0] and "Boc removal" in route.steps[1]
    assert smiles_of(route, "reductive_dialkylation") == [canon("COC(=O)[C@H](C)N(CCCNC(=O)OC(C)(C)C)CCCNC(=O)OC(C)(C)C")]
    (alcohol,) = [c for c in route.side_products if c.key == "aldehyde_reduction"]
    assert alcohol.smiles == canon("CC(C)(C)OC(=O)NCCCO") and alcohol.likelihood == "minor"
    assert "lit:abdel_magid1996" in route.references


def test_boc_aminoacetaldehyde_gives_a_piperazinone_and_says_so():
    route = plan_route_smiles("CC(C)(C)OC(=O)NCC=O", "NCC(=O)OC")
    assert route.product.smiles == canon("O=C1CNCCN1")
    assert any("three carbons from the aldehyde" in w for w in route.warnings)


# --- haloacetyl halide + diamine: acylation first, the opposite ring isomer, bis-acylation expected ----------


def test_chloroacetyl_chloride_acylates_first_so_the_ring_isomer_is_reversed():
    # 1,3-diaminobutane: the CH2-NH2 (more nucleophilic) is acylated and becomes the amide N1; the CH(CH3)-NH2
    # then displaces the chloride (intramolecular SN2) as N4, next to C5 -> 5-methyl (the haloacetate ester gives 7-methyl)
    route = plan_route_smiles("NCCC(C)N", "ClCC(=O)Cl")
    assert route.product.smiles == canon("CC1CCNC(=O)CN1")
    assert [c.smiles for c in route.ring_isomers] == [canon("O=C1CNCCC(C)N1")]
    assert "acylated nitrogen becomes the lactam N1" in route.regioselectivity.rule
    # with an acyl halide both amines are acylated fast: the bis-amide is expected here, not demoted
    (bis,) = [c for c in route.side_products if c.key == "bis_amide"]
    assert bis.smiles == canon("CC(CCNC(=O)CCl)NC(=O)CCl") and bis.likelihood == "expected"
    assert smiles_of(route, "open_chain_haloacetamide") == [canon("CC(N)CCNC(=O)CCl")]
    assert smiles_of(route, "hydrolysis_product") == [canon("CC(CCN)NCC(=O)O")]  # opened at N1-C2


def test_chloroacetyl_chloride_with_o_phenylenediamine_gives_the_benzimidazole():
    route = plan_route_smiles("Nc1ccccc1N", "ClCC(=O)Cl")
    assert smiles_of(route, "benzimidazole") == [canon("ClCc1nc2ccccc2[nH]1")]  # 2-(chloromethyl)benzimidazole


def test_explicit_hydrogens_change_nothing():
    plain = plan_route_smiles("CC(N)CCNC(=O)OC(C)(C)C", "BrCC(=O)OCC").to_dict()
    with_h = plan_route(Chem.AddHs(Chem.MolFromSmiles("CC(N)CCNC(=O)OC(C)(C)C")), Chem.AddHs(Chem.MolFromSmiles("BrCC(=O)OCC")))
    assert with_h.to_dict() == plain

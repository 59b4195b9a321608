"""Nitrosamine risk: worked CPCA examples with a stated category, the 1,4-diazepan-2-one N4 cases worked by hand,
which nitrogens are (not) precursors, and independence from atom order, explicit H and salt form."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from rdkit import Chem

import reactivity
from reactivity import MoleculeParseError
from reactivity.nitrosamine import nitrosamine_risk, nitrosamine_risk_smiles
from reactivity.rules import load_references

DATA = Path(__file__).parent / "data"


def _examples() -> list[dict[str, str]]:
    with open(DATA / "nitrosamine_cpca_examples.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


EXAMPLES = _examples()


def _feature_ids(product) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.id for f in product.features}


# --- Worked examples with a category stated by a source (FDA tool README output; EMA Appendix 1 / FDA AI table) -----

def test_fixture_holds_every_worked_example() -> None:
    assert len(EXAMPLES) == 31
    assert all(row["category"].split()[0] in "12345" for row in EXAMPLES)


@pytest.mark.parametrize("row", EXAMPLES, ids=lambda r: r["name"][:40])
def test_worked_example_category_and_alpha_h(row: dict[str, str]) -> None:
    risk = nitrosamine_risk_smiles(row["smiles_of_nitrosamine"])
    present = [p for p in risk.products if p.site == "n_nitroso"]
    assert len(present) == 1, "each example carries exactly one N-nitroso group in CPCA scope"
    product = present[0]
    assert product.category == int(row["category"].split()[0])
    low, high = (int(v) for v in row["alpha_h_counts"].split(","))
    assert product.alpha_h_counts == (low, high)
    if row["potency_score"] != "NA":
        assert product.potency_score == int(row["potency_score"])
    else:
        assert product.potency_score is None and product.category == 5


def test_fda_tool_readme_feature_breakdown_of_pipecolic_acid() -> None:
    # README example 4: alpha-H (1,2) +3, carboxylic acid +3, 5/6-ring +2, the acid on the alpha-carbon not an EWG.
    (product,) = nitrosamine_risk_smiles("OC(=O)C1CCCCN1N=O").products
    assert {(f.id, f.score) for f in product.features} == {("cpca.carboxylic_acid", 3), ("cpca.ring_five_or_six", 2)}
    assert (product.alpha_h_score, product.potency_score, product.category) == (3, 8, 4)


def test_category_one_limits_differ_between_agencies() -> None:
    (product,) = nitrosamine_risk_smiles("CCN(CC)N=O").products  # NDEA-like: (2,2), no feature
    assert product.category == 1 and product.ai_ng_per_day == {"fda": 26.5, "ema": 18.0}
    (cat3,) = nitrosamine_risk_smiles("CN1CCN(N=O)CC1").products
    assert cat3.ai_ng_per_day == {"fda": 400.0, "ema": 400.0}


def test_varenicline_uses_the_smallest_ring_through_the_n() -> None:
    # The N sits in a bridged 6/7 system: the 6-ring counts (+2), category 3 (400 ng/day) as the agencies list it.
    (product,) = nitrosamine_risk_smiles("O=NN1CC2CC(C1)c1cc3nccnc3cc12").products
    assert "cpca.ring_five_or_six" in _feature_ids(product) and "cpca.ring_seven" not in _feature_ids(product)
    assert product.category == 3


def test_ethyl_note_is_raised_but_does_not_change_the_score() -> None:
    (product,) = nitrosamine_risk_smiles("CCN(N=O)c1ccccc1").products
    assert product.alpha_h_counts == (0, 2) and product.potency_score == 3 and product.category == 3
    assert any("ethyl" in note for note in product.notes)


# --- The 1,4-diazepan-2-one N4 worked by hand --------------------------------------------------------------------
#
# Rules used (CPCA, FDA guidance August 2023 / EMA Q&A Rev. 16; scores as in the FDA tool):
#   alpha-H score (2,2) = +1, (1,2) = +3; (1,1), (0,1), (0,0) or a tertiary alpha-carbon -> category 5;
#   N-nitroso in a 7-membered ring +1 (N4's smallest ring is the seven-membered lactam ring, also when benzo-fused);
#   EWG on one alpha-carbon +1: C3 carries C2(=O)-N1, an amide carbonyl (ketones/acids excluded), so every N4-nitroso
#     ring has it; carboxylic acid anywhere +3; aryl on an sp3 alpha-carbon -1 (C5 benzylic in the benzo-fused ring);
#   methyl on a branched beta-carbon -1 (C6-methyl: C5 is the alpha-C, C6-H carries the methyl; a 3-isopropyl's CH).
#   Score <= 1 -> 1, 2 -> 2, 3 -> 3, >= 4 -> 4.
HAND_WORKED = [
    # parent SMILES, hand-worked alpha-H, expected features, potency score, category, why
    ("O=C1CNCCCN1", (2, 2), {"cpca.ring_seven", "cpca.ewg_one_side"}, 3, 3,
     "parent ring: (2,2) +1, 7-ring +1, C3 amide EWG +1 = 3"),
    ("O=C1NCCCNC1C", (1, 2), {"cpca.ring_seven", "cpca.ewg_one_side"}, 5, 4,
     "3-methyl: C3-H (1,2) +3, 7-ring +1, EWG +1 = 5 (the methyl is on the alpha-carbon: no beta-methyl)"),
    ("O=C1CNC(C)CCN1", (1, 2), {"cpca.ring_seven", "cpca.ewg_one_side"}, 5, 4,
     "5-methyl: C5-H (1,2) +3, 7-ring +1, EWG +1 = 5"),
    ("O=C1CNCC(C)CN1", (2, 2), {"cpca.ring_seven", "cpca.ewg_one_side", "cpca.methyl_beta"}, 2, 2,
     "6-methyl: (2,2) +1, 7-ring +1, EWG +1, methyl on beta-carbon C6 -1 = 2"),
    ("O=C1NCCCNC1C(C)C", (1, 2), {"cpca.ring_seven", "cpca.ewg_one_side", "cpca.methyl_beta"}, 4, 4,
     "3-isopropyl: (1,2) +3, 7-ring +1, EWG +1, beta-methyl (the isopropyl CH) -1 = 4"),
    ("O=C1NCCCNC1C(=O)O", (1, 2), {"cpca.ring_seven", "cpca.ewg_one_side", "cpca.carboxylic_acid"}, 8, 4,
     "3-carboxylic acid: (1,2) +3, 7-ring +1, amide EWG +1 (the acid is not an EWG), acid +3 = 8"),
    ("O=C1NCCCNC1(C)C", (0, 2), {"cpca.tertiary_alpha_carbon", "cpca.ring_seven"}, None, 5,
     "3,3-dimethyl: C3 is a tertiary alpha-carbon -> category 5 (C3 has no H, so no EWG side either)"),
    ("O=C1NCCC(C)NC1C", (1, 1), None, None, 5,
     "3,5-dimethyl: alpha-H (1,1) -> category 5"),
    ("O=C1CNCc2ccccc2N1", (2, 2), {"cpca.ring_seven", "cpca.ewg_one_side", "cpca.aryl_alpha"}, 2, 2,
     "1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one: (2,2) +1, 7-ring +1, EWG +1, benzylic C5 aryl -1 = 2"),
    ("CN1C(=O)CNCc2ccccc21", (2, 2), {"cpca.ring_seven", "cpca.ewg_one_side", "cpca.aryl_alpha"}, 2, 2,
     "N1-methyl tetrahydrobenzodiazepinone: N1 alkylation keeps C2 an amide EWG: 2"),
    ("O=C1CNC(c2ccccc2)c2cc(Cl)ccc2N1", (1, 2), {"cpca.ring_seven", "cpca.ewg_one_side", "cpca.aryl_alpha"}, 4, 4,
     "7-chloro-5-phenyl-tetrahydro (4,5-dihydronordazepam): C5-H (1,2) +3, 7-ring +1, EWG +1, aryl -1 = 4"),
]


@pytest.mark.parametrize("case", HAND_WORKED, ids=lambda c: c[-1].split(":")[0])
def test_n4_nitroso_cases_worked_by_hand(case) -> None:  # type: ignore[no-untyped-def]
    smiles, alpha_h, features, score, category, _why = case
    risk = nitrosamine_risk_smiles(smiles)
    (product,) = risk.products
    ring = reactivity.perceive_smiles(smiles)[0]
    assert (product.site, product.atom, product.ring_position) == ("N4", ring.n4, "N4")
    assert product.alpha_h_counts == alpha_h
    if features is not None:
        assert _feature_ids(product) == features
    assert product.potency_score == score
    assert product.category == category
    assert risk.most_potent_category == category
    assert any((s.nitrogen_class, s.atom, s.ring_position) == ("amide", ring.n1, "N1") for s in risk.not_precursors), \
        "lactam N1 is not scored"


def test_n4_nitroso_already_present_is_assessed_directly() -> None:
    risk = nitrosamine_risk_smiles("O=C1CN(N=O)CCCN1")
    (product,) = risk.products
    assert (product.site, product.ring_position, product.atom, product.category) == ("n_nitroso", "N4", 3, 3)
    assert product.nitroso_smiles == Chem.MolToSmiles(Chem.MolFromSmiles("O=C1CN(N=O)CCCN1"))


def test_product_masses_come_from_the_shared_species_description() -> None:
    (product,) = nitrosamine_risk_smiles("O=C1CNCCCN1").products
    assert product.species.formula == "C5H9N3O2"
    # C5H9N3O2 monoisotopic 143.06948 (5 x 12 + 9 x 1.007825 + 3 x 14.003074 + 2 x 15.994915); + proton 1.007276
    assert product.species.monoisotopic_mass == pytest.approx(143.06948, abs=1e-4)
    assert product.species.mz_mh == pytest.approx(144.07676, abs=1e-4)
    assert product.to_dict()["mz_mh"] == pytest.approx(144.07676, abs=1e-4)


# --- Which nitrogens are precursors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("smiles", "n4_class"),
    [
        ("CC(=O)N1CCCNC(=O)C1", "amide"),
        ("CC(C)(C)OC(=O)N1CCCNC(=O)C1", "amide"),
        ("CS(=O)(=O)N1CCCNC(=O)C1", "sulfonamide"),
        ("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "imine"),
    ],
)
def test_amide_carbamate_sulfonamide_imine_n4_are_not_precursors(smiles: str, n4_class: str) -> None:
    risk = nitrosamine_risk_smiles(smiles)
    n4 = reactivity.perceive_smiles(smiles)[0].n4
    assert risk.products == () and risk.most_potent_category is None
    assert risk.dealkylation_products == ()
    assert [s.nitrogen_class for s in risk.not_precursors if s.atom == n4] == [n4_class]


def test_tertiary_n4_is_flagged_apart_as_a_dealkylative_precursor() -> None:
    smiles = "CN1CCCNC(=O)C1"  # N4-methyl
    risk = nitrosamine_risk_smiles(smiles)
    assert risk.products == () and risk.most_potent_category is None
    (product,) = risk.dealkylation_products
    assert (product.site, product.atom, product.precursor) == ("N4", 1, "tertiary_amine_dealkylation")
    assert product.lost_group_atoms == (0,)  # the N-methyl
    assert product.nitroso_smiles == Chem.MolToSmiles(Chem.MolFromSmiles("O=C1CN(N=O)CCCN1"))
    assert product.category == 3 and risk.most_potent_dealkylation_category == 3
    assert any("dealkylation" in note for note in product.notes)


def test_dimethylamine_dealkylation_gives_one_product() -> None:
    risk = nitrosamine_risk_smiles("CN(C)CCc1ccccc1")
    smiles = sorted(p.nitroso_smiles for p in risk.dealkylation_products)
    assert smiles == sorted({Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in ("CN(N=O)CCc1ccccc1", "CN(C)N=O")})


def test_two_secondary_amines_give_two_products_each_assessed() -> None:
    smiles = "CNCCN1CCCNCC1=O"  # N4 free, and a N-methylaminoethyl on N1
    risk = nitrosamine_risk_smiles(smiles)
    by_site = {p.site: p for p in risk.products}
    assert set(by_site) == {"N4", "amine"} and len(risk.products) == 2
    # side-chain N: CH3/CH2 alpha-H (2,3) +1, no ring, no chain of 5 on the methyl side -> 1 -> category 1
    assert (by_site["amine"].atom, by_site["amine"].alpha_h_counts, by_site["amine"].category) == (1, (2, 3), 1)
    # N4: (2,2) +1, 7-ring +1, C3 amide EWG +1 -> 3
    assert (by_site["N4"].potency_score, by_site["N4"].category) == (3, 3)
    assert risk.most_potent_category == 1


def test_primary_amine_aromatic_nh_and_indole_are_not_precursors() -> None:
    risk = nitrosamine_risk_smiles("NCCc1c[nH]c2ccccc12")  # tryptamine
    assert risk.products == ()
    assert sorted(s.nitrogen_class for s in risk.not_precursors) == ["aromatic", "primary_amine"]


def test_nitrosamide_and_aromatic_n_nitroso_are_out_of_scope() -> None:
    assert nitrosamine_risk_smiles("O=NN1CCCNCC1=O").products[0].site == "N4"  # only the free N4 is scored
    assert [s.nitrogen_class for s in nitrosamine_risk_smiles("O=NN1CCCNCC1=O").not_precursors] == ["nitrosamide"]
    assert nitrosamine_risk_smiles("O=Nn1ccc2ccccc21").products == ()


# --- Drawing independence ------------------------------------------------------------------------------------------

def _signature(risk) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted(
        (p.site, p.nitroso_smiles, p.alpha_h_counts, p.potency_score, p.category, tuple(sorted(_feature_ids(p))))
        for p in (*risk.products, *risk.dealkylation_products)
    )


@pytest.mark.parametrize(
    "smiles",
    ["CNCCN1CCCNCC1=O", "O=C1CNC(c2ccccc2)c2cc(Cl)ccc2N1", "CN1CCCNC(=O)C1", "O=NN1CC2CC(C1)c1cc3nccnc3cc12",
     "CCC(CO)N(N=O)CCNC(CC)CO", "O=C1NCCCNC1C(C)C"],
)
def test_result_does_not_depend_on_atom_order(smiles: str) -> None:
    mol = Chem.MolFromSmiles(smiles)
    reference = nitrosamine_risk(mol)
    rng = random.Random(11)
    for _ in range(5):
        order = list(range(mol.GetNumAtoms()))
        rng.shuffle(order)
        shuffled = Chem.RenumberAtoms(mol, order)
        risk = nitrosamine_risk(shuffled)
        assert _signature(risk) == _signature(reference)
        for product in risk.products:
            original = order[product.atom]  # new atom i is old atom order[i]
            assert original in {p.atom for p in reference.products}
        # the products come in the same order too: ring N4 first, then by category
        assert [(p.site, p.category, p.nitroso_smiles) for p in risk.products] == \
               [(p.site, p.category, p.nitroso_smiles) for p in reference.products]
        assert [order[p.atom] for p in risk.products] == [p.atom for p in reference.products]


def test_explicit_hydrogens_and_salt_forms_give_the_same_answer() -> None:
    base = nitrosamine_risk_smiles("O=C1CNCCCN1")
    with_h = nitrosamine_risk(Chem.AddHs(Chem.MolFromSmiles("O=C1CNCCCN1")))
    salt = nitrosamine_risk_smiles("O=C1C[NH2+]CCCN1.[Cl-]")
    assert _signature(with_h) == _signature(base) == _signature(salt)
    assert with_h.products[0].atom == base.products[0].atom == salt.products[0].atom == 3


def test_acid_of_a_counter_ion_does_not_count() -> None:
    (product,) = nitrosamine_risk_smiles("CN(C)N=O.OC(=O)C(O)C(O)C(=O)O").products
    assert "cpca.carboxylic_acid" not in _feature_ids(product) and product.category == 1


# --- Output contract ---------------------------------------------------------------------------------------------

def test_to_dict_states_screening_only_and_resolves_references() -> None:
    payload = nitrosamine_risk_smiles("O=C1CNCCCN1").to_dict()
    assert payload["screening_only"] is True and "screening only" in payload["note"]
    assert payload["most_potent_category"] == 3
    (product,) = payload["products"]
    assert set(product) >= {"site", "atom", "nitroso_smiles", "alpha_h_counts", "features", "potency_score", "category",
                            "ai_ng_per_day"}
    assert product["ai_ng_per_day"] == {"fda": 400.0, "ema": 400.0}
    assert all(set(f) >= {"name", "score", "atoms"} for f in product["features"])
    known = load_references()
    assert payload["references"] and all(known[ref] == text for ref, text in payload["references"].items())
    assert "Rev. 16" in payload["references"]["lit:ema_nitrosamine_qa"] and "7 July 2023" in payload["references"]["lit:ema_nitrosamine_qa"]
    assert "August 2023" in payload["references"]["lit:fda_ndsri_ai_2023"]
    assert "2024" in payload["references"]["lit:fda_nitrosamine_control_2024"]
    assert "Rev. 16" in payload["guidance_version"]


def test_not_a_molecule_is_a_typed_error() -> None:
    with pytest.raises(MoleculeParseError):
        nitrosamine_risk("O=C1CNCCCN1")  # type: ignore[arg-type]
    with pytest.raises(MoleculeParseError):
        nitrosamine_risk_smiles("C1CC(")


def test_rings_from_the_caller_give_the_same_answer() -> None:
    mol = Chem.MolFromSmiles("CNCCN1CCCNCC1=O")
    assert _signature(nitrosamine_risk(mol, reactivity.perceive(mol))) == _signature(nitrosamine_risk(mol))
    assert {p.site for p in nitrosamine_risk(mol, ()).products} == {"amine"}  # no ring given: no N4 label


def test_tertiary_n4_without_a_removable_group_is_reported() -> None:
    risk = nitrosamine_risk_smiles("O=C1CN(c2ccccc2)CCCN1")  # N4-phenyl: ring bonds and an aryl, nothing to lose
    assert risk.products == () and risk.dealkylation_products == ()
    assert [(s.atom, s.ring_position, s.nitrogen_class) for s in risk.not_precursors if s.atom == 3] == [(3, "N4", "tertiary_amine")]

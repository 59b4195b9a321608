"""Oximes, hydroxamic acids and acidic N-H groups compete with N4 for acylating and alkylating agents.

Open pKa values behind the rules (DataWarrior set, Sander et al. 2015 as processed by Baltruschat & Czodrowski 2020):
aldoximes 10.0-11.3, hydroxamic acids 7.7-9.9, about as acidic as phenols, which the planner already ranks beside
amines under K2CO3. Expected products are drawn by hand: the reagent's acyl or benzyl group on the named atom.
"""

from __future__ import annotations

import pytest
from rdkit import Chem

import reactivity as rx
from reactivity.molecule import mol_from_smiles


def _canonical(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


@pytest.mark.parametrize("smiles, kind", [
    ("O=C1CNCCCN1CC=NO", "oxime"),
    ("O=C1CNCCCN1CC(=O)NO", "hydroxamic_acid"),
    ("O=C1CNCCCN1Cc1nn[nH]n1", "acidic_nh"),
    ("O=C1CNCCCN1CCS(N)(=O)=O", "acidic_nh"),
])
def test_the_group_is_a_competing_nucleophile(smiles: str, kind: str) -> None:
    (ring,) = rx.perceive(mol_from_smiles(smiles))
    assert (kind, "nucleophile") in [(site.kind, site.category) for site in ring.competing_sites]


def test_pyrrole_and_indole_n_h_are_not_acidic_enough_for_carbonate() -> None:
    for smiles in ("O=C1CN(C)CCCN1Cc1ccc[nH]1", "O=C1CN(C)CCCN1Cc1c[nH]c2ccccc12"):
        plan = rx.plan_derivatization(mol_from_smiles(smiles), "n_alkylation", "BrCc1ccccc1")
        assert plan.outcome == "blocked", smiles  # N4 is tertiary; nothing else reacts with K2CO3


@pytest.mark.parametrize("smiles, rule, product", [
    ("O=C1CN(C)CCCN1CC=NO", "n_alkylation.oxime", "O=C1CN(C)CCCN1CC=NOCc1ccccc1"),
    ("O=C1CN(C)CCCN1CCS(N)(=O)=O", "n_alkylation.sulfonamide_nh", "O=C1CN(C)CCCN1CCS(=O)(=O)NCc1ccccc1"),
    ("O=C1CN(C)CCCN1Cc1nc[nH]n1", "n_alkylation.azole_nh", None),  # ring-N isomers: the site, not one product
])
def test_with_a_tertiary_n4_carbonate_and_benzyl_bromide_alkylate_the_acidic_group(
        smiles: str, rule: str, product: str | None) -> None:
    plan = rx.plan_derivatization(mol_from_smiles(smiles), "n_alkylation", "BrCc1ccccc1")
    assert [site.rule_id for site in plan.reacting_sites] == [rule]
    if product is not None:
        assert plan.product_smiles == _canonical(product)


def test_a_hydroxamic_acid_is_o_acylated_and_the_lossen_rearrangement_is_named() -> None:
    plan = rx.plan_derivatization(mol_from_smiles("O=C1CN(C)CCCN1CC(=O)NO"), "acylation", "CC(=O)Cl")
    assert plan.product_smiles == _canonical("CC(=O)ONC(=O)CN1CCCN(C)CC1=O")
    assert any("Lossen" in warning.text for warning in plan.warnings)
    beside_n4 = rx.plan_derivatization(mol_from_smiles("O=C1CNCCCN1CC(=O)NO"), "acylation", "CC(=O)Cl")
    assert beside_n4.outcome == "selective"
    assert [site.rule_id for site in beside_n4.minor_sites] == ["acylation.hydroxamic_acid"]


@pytest.mark.parametrize("smiles", [
    "CC(=O)N1CCCNC(=O)C1Cc1nc2ccccc2[nH]1",  # benzimidazol-2-yl
    "CC(=O)N1CCCNC(=O)C1Cc1ccc2[nH]cnc2c1",  # benzimidazol-5-yl
    "O=C1C=CC(=O)N(CN2CCCNC(=O)C2)N1",  # a pyridazinone-type ring N-H ("r6" in its rule)
])
def test_a_fused_or_ring_n_h_is_found_in_every_atom_order(smiles: str) -> None:
    """The ring-size primitives of these rules ("r5", "r6") need the smallest rings: ring information from a fast ring
    search may hold a fused bicycle's nine-membered envelope instead, depending on the atom order, and the N-H of a
    benzimidazole was then missed (the N-alkylation plan "blocked" although carbonate and benzyl bromide alkylate it)."""
    import random

    from conftest import random_renumberings

    plain = mol_from_smiles(smiles)
    expected = rx.plan_derivatization(plain, "n_alkylation", "BrCc1ccccc1")
    assert expected.outcome != "blocked"
    assert [site.rule_id for site in expected.reacting_sites + expected.minor_sites] != []
    for shuffled in random_renumberings(plain, random.Random(3), 12):
        plan = rx.plan_derivatization(shuffled, "n_alkylation", "BrCc1ccccc1")
        assert (plan.outcome, plan.product_smiles) == (expected.outcome, expected.product_smiles)


@pytest.mark.parametrize("smiles, isomers", [
    # a 5-substituted tetrazole: N1- and N2-benzyl tetrazoles (drawn by hand)
    ("O=C1CN(C)CCCN1Cc1nn[nH]n1", {"O=C1CN(C)CCCN1Cc1nnn(Cc2ccccc2)n1", "O=C1CN(C)CCCN1Cc1nnnn1Cc1ccccc1"}),
    # a 4(5)-substituted imidazole: the 1,4- and the 1,5-disubstituted imidazole
    ("O=C1CN(C)CCCN1Cc1c[nH]cn1", {"O=C1CN(C)CCCN1Cc1cn(Cc2ccccc2)cn1", "O=C1CN(C)CCCN1Cc1cncn1Cc1ccccc1"}),
    # a 5-substituted indazole: 1-benzyl-1H- and 2-benzyl-2H-indazole
    ("O=C1CN(C)CCCN1Cc1ccc2[nH]ncc2c1", {"O=C1CN(C)CCCN1Cc1ccc2c(cnn2Cc2ccccc2)c1",
                                          "O=C1CN(C)CCCN1Cc1ccc2nn(Cc3ccccc3)cc2c1"}),
])
def test_an_unsymmetrical_azole_gives_its_ring_n_isomers(smiles: str, isomers: set[str]) -> None:
    """The azolide anion is alkylated on each ring N (indazoles: Alam & Keating, Beilstein J. Org. Chem. 2021, 17,
    1939-1951): the plan draws one product, lists the others as side products and says so, with or without a reagent."""
    plan = rx.plan_derivatization(mol_from_smiles(smiles), "n_alkylation", "BrCc1ccccc1")
    assert {plan.product_smiles, *plan.side_products} == {_canonical(s) for s in isomers}
    assert "n_alkylation.azole_nh.ring_n_isomers" in [w.code for w in plan.warnings]
    bare = rx.plan_derivatization(mol_from_smiles(smiles), "n_alkylation")
    assert "n_alkylation.azole_nh.ring_n_isomers" in [w.code for w in bare.warnings]


def test_a_symmetrical_azole_gives_one_product() -> None:
    """A 2-substituted benzimidazole is alkylated on either ring N to the same molecule: no isomer warning."""
    plan = rx.plan_derivatization(mol_from_smiles("CC(=O)N1CCCNC(=O)C1Cc1nc2ccccc2[nH]1"), "n_alkylation",
                                  "BrCc1ccccc1")
    assert plan.product_smiles == _canonical("CC(=O)N1CCCNC(=O)C1Cc1nc2ccccc2n1Cc1ccccc1")
    assert plan.side_products == () and not [w for w in plan.warnings if w.code.endswith("ring_n_isomers")]


def test_an_azole_in_a_mixture_also_gives_its_ring_n_isomers() -> None:
    """A free N4-H and a tetrazole N-H share the tier under carbonate: the plan is a mixture, drawn at N4; both
    benzyl tetrazoles (N1 and N2, drawn by hand) are among the side products, with the isomer warning."""
    plan = rx.plan_derivatization(mol_from_smiles("O=C1CNCCCN1Cc1nn[nH]n1"), "n_alkylation", "BrCc1ccccc1")
    assert plan.outcome == "mixture"
    assert plan.product_smiles == _canonical("O=C1CN(Cc2ccccc2)CCCN1Cc1nn[nH]n1")
    assert {_canonical("O=C1CNCCCN1Cc1nnn(Cc2ccccc2)n1"), _canonical("O=C1CNCCCN1Cc1nnnn1Cc1ccccc1")} <= set(plan.side_products)
    assert "n_alkylation.azole_nh.ring_n_isomers" in [w.code for w in plan.warnings]


def test_the_ring_n_isomers_come_in_the_same_order_whatever_the_atom_order() -> None:
    """A 5-substituted benzotriazole has two other ring-N products; they were listed in the ring's atom order."""
    import random

    from conftest import random_renumberings

    plain = mol_from_smiles("O=C1CN(C)CCCN1Cc1ccc2[nH]nnc2c1")
    expected = rx.plan_derivatization(plain, "n_alkylation", "BrCc1ccccc1")
    assert len(expected.side_products) == 2
    for shuffled in random_renumberings(plain, random.Random(2), 12):
        plan = rx.plan_derivatization(shuffled, "n_alkylation", "BrCc1ccccc1")
        assert (plan.product_smiles, plan.side_products) == (expected.product_smiles, expected.side_products)

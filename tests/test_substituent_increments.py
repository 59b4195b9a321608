"""Substituent increments of the pKa model: an amine N carrying one strongly electron-withdrawing group the site model
cannot combine with its other neighbours is predicted as its alkyl analog plus the measured group difference.

Expected orderings come from measured pairs in the training table (ethylamine 10.79 / aminoacetonitrile 5.37 /
2,2,2-trifluoroethylamine 5.56; isopropylamine 10.64 / cyclopropylamine 8.93; (dimethylamino)acetonitrile 4.5 /
N,N-dimethylethylamine 10.05) and from the oxetane effect of Wuitschik et al. (J. Med. Chem. 2010, 53, 3227: about
-2.7 for an alpha-oxetane); never from the model's output.
"""

from __future__ import annotations

import random

import pytest
from rdkit import Chem

from conftest import check_drawing_independence
from reactivity.basicity import predict_basicity
from reactivity.basicity.increments import increment_rules, parse_increment_rules, site_increments
from reactivity.basicity.sites import find_basic_sites
from reactivity.errors import RuleDataError
from reactivity.molecule import mol_from_smiles

RING = "O=C1CN({})CCCN1"  # 1,4-diazepan-2-one with the group on N4


def _n4(substituent: str) -> float:
    result = predict_basicity(mol_from_smiles(RING.format(substituent)))
    assert result.n4_pka is not None
    return result.n4_pka


@pytest.mark.parametrize("rule", increment_rules(), ids=lambda r: r.id)
def test_increment_rule_examples(rule) -> None:  # type: ignore[no-untyped-def]
    for smiles in rule.must_match:
        mol = Chem.MolFromSmiles(smiles)
        assert any(rule.id == inc.rule.id for inc in site_increments(mol, find_basic_sites(mol)).values()), smiles
    for smiles in rule.must_not_match:
        mol = Chem.MolFromSmiles(smiles)
        assert not any(rule.id == inc.rule.id for inc in site_increments(mol, find_basic_sites(mol)).values()), smiles


def test_a_rule_without_an_edit_fails_at_load() -> None:
    entry = {"id": "x", "smarts": "[NX3]-[CH2]-C#N", "delta": -5.0, "band": 0.5, "labels": "", "rationale": "",
             "evidence": [], "references": [], "must_match": [], "must_not_match": []}
    with pytest.raises(RuleDataError, match="no edit"):
        parse_increment_rules({"rules_version": "t", "increment": [entry]})


@pytest.mark.parametrize(("group", "reference", "drop"), [
    ("CC#N", "C", 4.0),  # cyanomethyl vs methyl: -5.4 to -6.6 on simple amines
    ("CC(F)(F)F", "C", 3.5),  # trifluoroethyl vs methyl: -5.2 on the primary pair
    ("C2COC2", "C2CCC2", 2.0),  # oxetan-3-yl vs cyclobutyl: about -2.7
    ("C2CC2", "C(C)C", 1.0),  # cyclopropyl vs isopropyl: -1.7
    ("CC(N)=O", "CC", 2.0),  # carbamoylmethyl vs ethyl: -2.8 (41 amines, s.d. 0.29)
    ("CC(=O)OCC", "CC", 2.0),  # ethoxycarbonylmethyl vs ethyl: -3.1 (glycine esters)
    ("CC#C", "CC", 1.8),  # propargyl vs ethyl: -2.2 to -3.0
])
def test_an_electron_withdrawing_group_on_n4_lowers_its_pka_by_about_its_measured_effect(group, reference, drop) -> None:
    # the site model alone gave drops of 2.75, 1.2, 0.3, -0.6 (cyclopropyl above isopropyl), 0.97, 1.16 and 1.36
    assert _n4(group) < _n4(reference) - drop


def test_a_cyclopropyl_amine_is_less_basic_than_its_isopropyl_analog() -> None:
    # N,N-dimethylisopropylamine 10.3 (measured); a cyclopropyl group lowers basicity (cyclopropylamine 8.93 against
    # isopropylamine 10.64), so N,N-dimethylcyclopropylamine must come out below 10.3
    (site,) = predict_basicity(mol_from_smiles("CN(C)C1CC1")).sites
    assert site.pka < 10.3 - 0.8 and site.adjustments == ("cyclopropyl",)


def test_two_groups_on_one_nitrogen_get_no_increment() -> None:
    # ethylbis(cyanomethyl)amine is 3.98, hardly below (diethylamino)acetonitrile's 4.18: the effects do not add up
    mol = mol_from_smiles("CCN(CC#N)CC#N")
    (site,) = predict_basicity(mol).sites
    assert site.adjustments == () and site.band[0] <= 3.98 <= site.band[1]


def test_a_single_beta_fluorine_gets_no_increment() -> None:
    # measured 8.35 for this N-(2-fluoroethyl)benzomorphan: about 0.5 below its N-ethyl analog, not 1.9
    (site,) = [s for s in predict_basicity(mol_from_smiles("C[C@@H]1[C@@H]2Cc3ccc(O)cc3[C@@]1(C)CCN2CCF")).sites
               if s.kind == "base"]
    assert site.adjustments == () and site.band[0] <= 8.35 <= site.band[1]


def test_the_result_names_the_increment_and_widens_the_band() -> None:
    result = predict_basicity(mol_from_smiles(RING.format("CC(F)(F)F")))
    (site,) = result.sites
    assert site.adjustments == ("trifluoroethyl",) and site.source == "model"
    assert site.band[1] - site.band[0] >= 2 * 1.0  # at least the increment's own band
    assert any("substituent increments" in str(a) and "trifluoroethyl" in str(a) for a in result.assumptions)


@pytest.mark.parametrize("group", ["CC#N", "CC(F)(F)F", "C2COC2", "C2CC2"])
def test_increments_do_not_depend_on_the_drawing(group: str) -> None:
    check_drawing_independence(RING.format(group), random.Random(7), renumberings=3)


def test_the_amide_increment_reproduces_the_measured_amines_that_carry_it() -> None:
    # glycinamide-type amines of the training table (measured values): the analog-plus-increment value must stay close
    measured = {"NCC(N)=O": 8.05, "CCN(CC)CC(=O)Nc1c(C)cccc1C": 7.72, "CNCC(N)=O": 8.35,
                "O=C(CN1CCOCC1)NCc1ccccc1": 4.98, "Cc1cccc(C)c1NC(=O)CN(C)C": 7.36}
    errors = []
    for smiles, value in measured.items():
        (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "base"]
        assert site.adjustments == ("carbamoylmethyl",)
        errors.append(abs(site.pka - value))
    assert max(errors) < 0.9 and sum(errors) / len(errors) < 0.5

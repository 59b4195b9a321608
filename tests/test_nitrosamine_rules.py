"""Every rule of reactivity/nitrosamine/cpca_rules.toml against its own examples, and loud failure on defective rule data."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest
from rdkit import Chem

from reactivity import RuleDataError
from reactivity.molecule import free_base_view
from reactivity.nitrosamine import classify_nitrogens, load_cpca_rules, nitrosamine_risk_smiles
from reactivity.nitrosamine.rules import parse_cpca_rules

RULES = load_cpca_rules()


def _classes_of(smiles: str) -> set[str]:
    view = free_base_view(Chem.MolFromSmiles(smiles))
    return {cls.id for cls in classify_nitrogens(view.mol, RULES).values()}


@pytest.mark.parametrize("rule", RULES.nitrogen_classes, ids=lambda r: r.id)
def test_nitrogen_class_examples(rule) -> None:  # type: ignore[no-untyped-def]
    for smiles in rule.must_match:
        assert rule.id in _classes_of(smiles), f"{rule.id} should classify a nitrogen of {smiles}"
    for smiles in rule.must_not_match:
        assert rule.id not in _classes_of(smiles), f"{rule.id} should not classify any nitrogen of {smiles}"


def _features_of(smiles: str) -> set[str]:
    risk = nitrosamine_risk_smiles(smiles)
    return {f.id for p in risk.products if p.site == "n_nitroso" for f in p.features}


@pytest.mark.parametrize("rule", RULES.features, ids=lambda r: r.id)
def test_feature_examples_through_the_full_assessment(rule) -> None:  # type: ignore[no-untyped-def]
    for smiles in rule.must_match:
        assert rule.id in _features_of(smiles), f"{rule.id} should be found on {smiles}"
    for smiles in rule.must_not_match:
        assert rule.id not in _features_of(smiles), f"{rule.id} should not be found on {smiles}"


def _notes_of(smiles: str) -> set[str]:
    return {n for p in nitrosamine_risk_smiles(smiles).products if p.site == "n_nitroso" for n in p.notes}


@pytest.mark.parametrize("rule", RULES.notes, ids=lambda r: r.id)
def test_note_examples_through_the_full_assessment(rule) -> None:  # type: ignore[no-untyped-def]
    for smiles in rule.must_match:
        assert rule.text in _notes_of(smiles), f"{rule.id} should be raised on {smiles}"
    for smiles in rule.must_not_match:
        assert rule.text not in _notes_of(smiles), f"{rule.id} should not be raised on {smiles}"


@pytest.mark.parametrize("rule", RULES.side_patterns, ids=lambda r: r.id)
def test_side_pattern_examples(rule) -> None:  # type: ignore[no-untyped-def]
    for smiles in rule.must_match:
        assert Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), f"{rule.id} should match {smiles}"
    for smiles in rule.must_not_match:
        assert not Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), f"{rule.id} should not match {smiles}"


def test_tables_follow_the_sources() -> None:
    # FDA tool alpha-H table and category AIs (FDA / EMA); category 1 differs: 26.5 vs 18 ng/day.
    table = {row.counts: (row.score, row.gate) for row in RULES.alpha_h}
    assert table == {(0, 0): (5, True), (0, 1): (4, True), (1, 1): (4, True), (0, 2): (3, False), (0, 3): (2, False),
                     (1, 2): (3, False), (1, 3): (3, False), (2, 2): (1, False), (2, 3): (1, False), (3, 3): (1, False)}
    assert {c.category: (c.ai_fda, c.ai_ema) for c in RULES.categories} == {
        1: (26.5, 18.0), 2: (100.0, 100.0), 3: (400.0, 400.0), 4: (1500.0, 1500.0), 5: (1500.0, 1500.0)}
    assert [RULES.category_for_score(s).category for s in (-2, 0, 1, 2, 3, 4, 9)] == [1, 1, 1, 2, 3, 4, 4]
    scores = {f.id: f.score for f in RULES.features}
    assert scores == {
        "cpca.tertiary_alpha_carbon": 0, "cpca.carboxylic_acid": 3, "cpca.ring_pyrrolidine": 3,
        "cpca.ring_six_with_sulfur": 3, "cpca.ring_morpholine": 1, "cpca.ring_five_or_six": 2, "cpca.ring_seven": 1,
        "cpca.chains_both_sides": 1, "cpca.ewg_one_side": 1, "cpca.ewg_both_sides": 2, "cpca.beta_hydroxyl_one_side": 1,
        "cpca.beta_hydroxyl_both_sides": 2, "cpca.aryl_alpha": -1, "cpca.methyl_beta": -1}


def _raw_table() -> dict:
    text = resources.files("reactivity.nitrosamine").joinpath("cpca_rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_packaged_table_parses_to_the_loaded_rules() -> None:
    rebuilt = parse_cpca_rules(_raw_table())
    assert [f.id for f in rebuilt.features] == [f.id for f in RULES.features]
    assert rebuilt.guidance_version == RULES.guidance_version


@pytest.mark.parametrize(
    ("where", "key", "value", "message"),
    [
        ("feature", "smarts", ["[#7+-[#8-]"], "does not parse"),
        ("feature", "smarts", ["[#1]-[#7]"], "hydrogen written as an atom"),
        ("feature", "reference", ["lit:no_such_source"], "unknown reference ids"),
        ("feature", "evaluation", "somewhere", "evaluation must be one of"),
        ("nitrogen_class", "precursor", "maybe", "precursor must be one of"),
        ("nitrogen_class", "must_not_match", [], "needs must_match and must_not_match"),
    ],
)
def test_defective_rule_fails_loudly(where: str, key: str, value: object, message: str) -> None:
    table = copy.deepcopy(_raw_table())
    table[where][1][key] = value
    with pytest.raises(RuleDataError, match=message):
        parse_cpca_rules(table)


def test_missing_category_fails_loudly() -> None:
    table = copy.deepcopy(_raw_table())
    table["category"] = table["category"][:4]
    with pytest.raises(RuleDataError, match="categories must be exactly 1-5"):
        parse_cpca_rules(table)

"""The synthesis rule data: every SMARTS parses, every example behaves, defects fail loudly."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest
from rdkit import Chem

from reactivity.errors import RuleDataError
from reactivity.synthesis import _run, load_synthesis_rules, load_troubleshooting, parse_synthesis_rules

RULES = load_synthesis_rules()


def _table() -> dict:
    text = resources.files("reactivity").joinpath("data", "synthesis_reactions.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


PATTERN_RULES = [RULES.amine_nh, *RULES.reagent_classes, *RULES.amine_classes]


@pytest.mark.parametrize("rule", PATTERN_RULES, ids=lambda r: r.id)
def test_pattern_examples(rule):
    assert rule.must_match and rule.must_not_match
    for smiles in rule.must_match:
        assert Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), (rule.id, smiles)
    for smiles in rule.must_not_match:
        assert not Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), (rule.id, smiles)


@pytest.mark.parametrize("rule", list(RULES.reactions.values()), ids=lambda r: r.id)
def test_reaction_examples(rule):
    assert rule.what and rule.rationale and rule.reference
    for reactants, expected in rule.examples:
        products = {Chem.MolToSmiles(p) for p in _run(rule, tuple(Chem.MolFromSmiles(s) for s in reactants))}
        assert canon(expected) in products, (rule.id, reactants, products)


def test_amine_ranks_follow_the_stated_order():
    ranks = {r.id: r.rank for r in RULES.amine_classes}
    assert ranks["secondary_alkyl_unbranched"] > ranks["primary_alkyl_unbranched"] > ranks["primary_alkyl_branched"]
    assert ranks["primary_alkyl_branched"] > ranks["primary_alkyl_tertiary_carbon"] > ranks["aryl_amine"]


def test_no_hydrogen_atoms_in_any_smarts():
    for rule in [*PATTERN_RULES, *RULES.reactions.values()]:
        assert "[#1" not in rule.smarts and "[H]" not in rule.smarts


def _set(path, value):
    def mutate(table):
        node = table
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


@pytest.mark.parametrize(
    "mutate,message",
    [
        (_set(("reaction", 0, "smarts"), "[N:1].[C:2>>[N:1][C:2]"), "does not parse"),
        (_set(("reaction", 0, "smarts"), "[N:1].[#1:2]>>[N:1]"), "hydrogen written as an atom"),
        (_set(("reagent_class", 0, "smarts"), "[C;X3"), "does not parse"),
        (_set(("reaction", 0, "reference"), ["lit:nowhere"]), "unknown reference"),
        (_set(("side_product", "bis_amide", "favoured_by", 0, "factor"), "luck"), "unknown factor"),
        (_set(("reagent_class", 0, "first_step"), "teleportation"), "unknown reaction"),
        (_set(("reaction", 0, "example"), []), "no examples"),
    ],
)
def test_rule_defects_fail_loudly(mutate, message):
    table = copy.deepcopy(_table())
    mutate(table)
    with pytest.raises(RuleDataError, match=message):
        parse_synthesis_rules(table)


def test_troubleshooting_entries_link_only_known_side_products():
    keys = set(RULES.side_products) | {"product"}
    for entry in load_troubleshooting():
        assert entry["causes"] and entry["checks"] and entry["fixes"]
        for cause in entry["causes"]:
            assert set(cause["side_products"]) <= keys

"""The synthesis rule data: every SMARTS parses, every example behaves, defects fail loudly, texts speak chemistry."""

from __future__ import annotations

import copy
import re

import pytest
from rdkit import Chem

from reactivity.errors import RuleDataError
from reactivity.rules import load_references
from reactivity.synthesis import load_synthesis_rules, load_troubleshooting, parse_synthesis_rules, read_reactions_table
from reactivity.synthesis.chem import run

RULES = load_synthesis_rules()


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


PATTERN_RULES = [RULES.amine_nh, *RULES.reagent_classes, *RULES.amine_classes, *RULES.amine_components, *RULES.protecting_groups]


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
        products = {Chem.MolToSmiles(p) for p in run(rule, tuple(Chem.MolFromSmiles(s) for s in reactants))}
        assert canon(expected) in products, (rule.id, reactants, products)


@pytest.mark.parametrize("rule", list(RULES.reactions.values()), ids=lambda r: r.id)
def test_reaction_counter_examples(rule):
    # reactants whose chemistry rules the step out (no N-H, wrong ring size, wrong protecting group ...): no product
    assert rule.counter_examples
    for reactants, why in rule.counter_examples:
        mols = tuple(Chem.MolFromSmiles(s) for s in reactants)
        assert len(mols) == rule.reaction.GetNumReactantTemplates() and all(mols), (rule.id, reactants)
        products = [Chem.MolToSmiles(p) for p in run(rule, mols)]
        assert products == [], (rule.id, reactants, why, products)
        assert why.strip(), rule.id


def test_amine_ranks_follow_the_stated_order():
    ranks = {r.id: r.rank for r in RULES.amine_classes}
    assert ranks["secondary_alkyl_unbranched"] > ranks["primary_alkyl_unbranched"] > ranks["primary_alkyl_branched"]
    assert ranks["primary_alkyl_branched"] > ranks["primary_alkyl_tertiary_carbon"] > ranks["aryl_amine"]


def test_no_hydrogen_atoms_in_any_smarts():
    for rule in [*PATTERN_RULES, *RULES.reactions.values()]:
        assert "[#1" not in rule.smarts and "[H]" not in rule.smarts


def test_every_minor_side_product_says_when_it_forms():
    for info in RULES.side_products.values():
        assert info.conditions, info.key
        if info.likelihood == "minor":
            assert info.minor_because


def test_every_reference_id_is_known_and_literature_is_complete():
    known = load_references()
    used = {r for rule in [*PATTERN_RULES, *RULES.reactions.values()] for r in rule.reference}
    used |= {r for info in RULES.side_products.values() for r in info.reference}
    assert used <= set(known)
    for ref in used:
        if ref.startswith("lit:"):
            assert re.search(r"(19|20)\d\d", known[ref]), ref  # a year
            assert re.search(r"\d+-\d+|, \d{3,}", known[ref]), ref  # pages


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_user_facing_texts_speak_of_chemistry_not_of_source_documents():
    texts = list(_strings(read_reactions_table())) + [s for e in load_troubleshooting() for s in _strings(e)]
    for text in texts:
        assert not re.search(r"\bseeds?\b|\bissues?\b|DOMAIN|domain brief", text, re.IGNORECASE), text


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
        (_set(("side_product", "bis_amide", "minor_because"), ""), "needs minor_because"),
        (_set(("side_product", "bis_amide", "likelihood"), "sometimes"), "unknown likelihood"),
        (_set(("reagent_class", 0, "first_step"), "teleportation"), "unknown reaction"),
        (_set(("protecting_group", 0, "removal"), "magic"), "unknown reaction"),
        (_set(("reaction", 0, "example"), []), "no examples"),
        (_set(("reaction", 0, "counter_example"), []), "no counter-examples"),
    ],
)
def test_rule_defects_fail_loudly(mutate, message):
    table = copy.deepcopy(read_reactions_table())
    mutate(table)
    with pytest.raises(RuleDataError, match=message):
        parse_synthesis_rules(table)


def test_troubleshooting_entries_link_only_known_side_products():
    keys = set(RULES.side_products) | {"product"}
    for entry in load_troubleshooting():
        assert entry["causes"] and entry["checks"] and entry["fixes"]
        for cause in entry["causes"]:
            assert set(cause["side_products"]) <= keys

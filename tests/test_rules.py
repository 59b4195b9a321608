"""Every packaged rule's own examples, and loud failure on defective rule data."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest
from rdkit import Chem

from reactivity import RuleDataError, perceive_smiles
from reactivity.perception import _fires_at
from reactivity.rules import load_site_rules, parse_site_rules

RULES = load_site_rules()
WHOLE_MOLECULE_RULES = [RULES.core, *RULES.competing, *RULES.related]


def _site_atom(rule, smiles):
    ring = perceive_smiles(smiles)[0]
    atoms = {"N1": ring.n1, "N4": ring.n4, "C3": ring.c3}
    return atoms[rule.site], frozenset(ring.ring_atoms)


@pytest.mark.parametrize("rule", RULES.site_rules, ids=lambda r: r.id)
def test_site_rule_examples(rule):
    assert rule.must_match and rule.must_not_match
    for smiles in rule.must_match:
        mol = Chem.MolFromSmiles(smiles)
        atom, ring = _site_atom(rule, smiles)
        assert _fires_at(rule, mol, atom, ring), f"{rule.id} should fire on {smiles}"
    for smiles in rule.must_not_match:
        mol = Chem.MolFromSmiles(smiles)
        atom, ring = _site_atom(rule, smiles)
        assert not _fires_at(rule, mol, atom, ring), f"{rule.id} should not fire on {smiles}"


@pytest.mark.parametrize("rule", WHOLE_MOLECULE_RULES, ids=lambda r: r.id)
def test_whole_molecule_rule_examples(rule):
    assert rule.must_match and rule.must_not_match
    for smiles in rule.must_match:
        assert Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), f"{rule.id} should match {smiles}"
    for smiles in rule.must_not_match:
        assert not Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), f"{rule.id} should not match {smiles}"


def _raw_table():
    text = resources.files("reactivity").joinpath("data", "site_rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_packaged_table_parses_to_the_loaded_rules():
    rebuilt = parse_site_rules(_raw_table())
    assert [r.id for r in rebuilt.all_rules()] == [r.id for r in RULES.all_rules()]


def test_bad_smarts_fails_loudly_naming_the_rule():
    table = copy.deepcopy(_raw_table())
    table["site_rule"][0]["smarts"] = "[#7+-[#8-]"
    with pytest.raises(RuleDataError, match="n4.n_oxide: SMARTS does not parse"):
        parse_site_rules(table)


def test_explicit_hydrogen_in_smarts_is_refused():
    table = copy.deepcopy(_raw_table())
    table["competing"][0]["smarts"] = "[#7]-[#1]"
    with pytest.raises(RuleDataError, match="hydrogen written as an atom"):
        parse_site_rules(table)


def test_missing_rationale_and_unknown_reference_are_refused():
    table = copy.deepcopy(_raw_table())
    del table["site_rule"][0]["rationale"]
    with pytest.raises(RuleDataError, match="missing field 'rationale'"):
        parse_site_rules(table)
    table = copy.deepcopy(_raw_table())
    table["related_scaffold"][0]["reference"] = ["nowhere:1"]
    with pytest.raises(RuleDataError, match="unknown reference ids"):
        parse_site_rules(table)


def test_no_packaged_smarts_writes_hydrogen_atoms():
    for rule in RULES.all_rules():
        assert all(atom.GetAtomicNum() != 1 for atom in rule.pattern.GetAtoms()), rule.id

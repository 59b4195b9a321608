"""Every packaged rule's own examples, and loud failure on defective rule data."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest
from rdkit import Chem

from reactivity import RuleDataError, perceive_smiles
from reactivity.perception import fires_at
from reactivity.perception.scaffolds import _matches_rule, _rule_cycles
from reactivity.rules import load_site_rules, parse_site_rules

RULES = load_site_rules()
WHOLE_MOLECULE_RULES = [RULES.core, *RULES.competing]


def _site_atom(rule, smiles):
    ring = perceive_smiles(smiles)[0]
    atoms = {"N1": ring.n1, "N4": ring.n4, "C3": ring.c3}
    return atoms[rule.site], frozenset(ring.ring_atoms), ring.c3


@pytest.mark.parametrize("rule", RULES.site_rules, ids=lambda r: r.id)
def test_site_rule_examples(rule):
    assert rule.must_match and rule.must_not_match
    for smiles in rule.must_match:
        mol = Chem.MolFromSmiles(smiles)
        atom, ring, c3 = _site_atom(rule, smiles)
        assert fires_at(rule, mol, atom, ring, c3), f"{rule.id} should fire on {smiles}"
    for smiles in rule.must_not_match:
        mol = Chem.MolFromSmiles(smiles)
        atom, ring, c3 = _site_atom(rule, smiles)
        assert not fires_at(rule, mol, atom, ring, c3), f"{rule.id} should not fire on {smiles}"


@pytest.mark.parametrize("rule", WHOLE_MOLECULE_RULES, ids=lambda r: r.id)
def test_whole_molecule_rule_examples(rule):
    assert rule.must_match and rule.must_not_match
    for smiles in rule.must_match:
        assert Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), f"{rule.id} should match {smiles}"
    for smiles in rule.must_not_match:
        assert not Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.pattern), f"{rule.id} should not match {smiles}"


@pytest.mark.parametrize("rule, cycle", list(zip(RULES.related, _rule_cycles())), ids=lambda r: getattr(r, "id", ""))
def test_near_miss_rule_examples(rule, cycle):
    # near-miss rules match on chordless rings only, with the ring-bond condition of the rule (cycle_bonds)
    assert rule.must_match and rule.must_not_match and cycle
    for smiles in rule.must_match:
        assert _matches_rule(Chem.MolFromSmiles(smiles), rule, cycle), f"{rule.id} should match {smiles}"
    for smiles in rule.must_not_match:
        assert not _matches_rule(Chem.MolFromSmiles(smiles), rule, cycle), f"{rule.id} should not match {smiles}"


def _raw_table():
    text = resources.files("reactivity").joinpath("data", "site_rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_packaged_table_parses_to_the_loaded_rules():
    rebuilt = parse_site_rules(_raw_table())
    assert [r.id for r in rebuilt.all_rules()] == [r.id for r in RULES.all_rules()]


def test_unknown_choice_values_are_refused():
    table = copy.deepcopy(_raw_table())
    table["competing"][0]["strength"] = "mighty"
    with pytest.raises(RuleDataError, match="strength must be one of"):
        parse_site_rules(table)
    table = copy.deepcopy(_raw_table())
    table["related_scaffold"][0]["cycle_bonds"] = "double"
    with pytest.raises(RuleDataError, match="cycle_bonds must be one of"):
        parse_site_rules(table)


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


def test_every_class_and_feature_has_a_guidance_line():
    from typing import get_args

    from reactivity.rules import load_guidance
    from reactivity.sites import C2Activation, C3Feature, N1Class, N4Class

    table = load_guidance()
    for value in get_args(N4Class):
        assert ("N4", value) in table, value
    for value in get_args(N1Class):
        assert ("N1", "nh_anilide" if value == "nh" else value) in table, value
    for value in get_args(C2Activation):
        assert ("C2", value) in table, value
    for value in get_args(C3Feature):
        assert ("C3", "amido_or_ureido" if value in ("amido", "ureido") else value) in table, value
    extra = {("N4", k) for k in ("aryl_amine_secondary", "ring_carbonyl", "n_o_aminal", "n_n_aminal", "salt_form",
                                   "salt_elsewhere")}
    extra |= {("N1", k) for k in ("nh", "nh_epimerizable", "nh_anilide_epimerizable", "nh_with_free_n4", "azole")}
    extra |= {("C2", "plain")} | {("C3", k) for k in ("epimerizable", "methylene", "methylene_imine")}
    assert extra <= set(table)


def test_rule_values_are_the_documented_literals():
    from typing import get_args

    from reactivity.sites import C2Activation, C3Feature, N1Class, N4Class, N4Feature

    allowed = {"n1_class": N1Class, "n4_class": N4Class, "n4_features": N4Feature, "c2_activation": C2Activation,
               "c3_features": C3Feature}
    for rule in RULES.site_rules:
        assert rule.value in get_args(allowed[rule.labels]), rule.id

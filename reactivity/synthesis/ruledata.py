"""Loading ``reactions.toml`` and ``troubleshooting.toml`` (compiled once, failing loudly at load).

>>> {"imine_reduction", "n1_alkylation"} <= set(load_synthesis_rules().reactions)
True
>>> [e["id"] for e in load_troubleshooting()][:2]
['low_yield', 'viscous_oil']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdkit import Chem
from rdkit.Chem import AllChem
from rdkit.Chem.rdChemReactions import ChemicalReaction

from ..errors import RuleDataError
from ..molecule import quiet_rdkit
from ..rules import checked_references, compile_smarts, load_references, read_packaged_toml, require
from .results import Condition

__all__ = [
    "PatternRule",
    "ProtectingGroup",
    "ReactionRule",
    "SideProductInfo",
    "SynthesisRules",
    "load_synthesis_rules",
    "load_troubleshooting",
    "parse_synthesis_rules",
]

PACKAGE = "reactivity.synthesis"
REACTIONS_FILE = "reactions.toml"
TROUBLESHOOTING_FILE = "troubleshooting.toml"
FACTORS = ("concentration", "stoichiometry", "temperature", "addition_rate", "reaction_time", "water", "air", "reagent_choice")
LIKELIHOODS = ("expected", "minor")


@dataclass(frozen=True, slots=True)
class ReactionRule:
    """A reaction template of ``reactions.toml``."""

    id: str
    smarts: str
    reaction: ChemicalReaction
    what: str
    rationale: str
    reference: tuple[str, ...]
    scaffold: str
    examples: tuple[tuple[tuple[str, ...], str], ...]
    counter_examples: tuple[tuple[tuple[str, ...], str], ...]  # (reactants, why): no product may form


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A building-block class, amine class or amine component (SMARTS with examples)."""

    id: str
    smarts: str
    pattern: Chem.Mol
    what: str
    rationale: str
    reference: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    rank: int = 0
    unit: str = ""
    first_step: str = ""
    closure: str = ""
    cyclic_dimer: str = ""


@dataclass(frozen=True, slots=True)
class ProtectingGroup:
    """A protecting group on one nitrogen of a diamine and the template that removes it."""

    id: str
    name: str
    smarts: str
    pattern: Chem.Mol
    removal: str
    removal_conditions: str
    rationale: str
    reference: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SideProductInfo:
    """Name, likelihood and favouring conditions of a side-product key.

    ``conditions`` pairs each :class:`Condition` with the routes it applies to (empty: all).
    """

    key: str
    name: str
    likelihood: str
    likelihood_by_route: dict[str, str]
    minor_because: str
    reference: tuple[str, ...]
    conditions: tuple[tuple[Condition, tuple[str, ...]], ...]

    def favoured_by(self, route: str) -> tuple[Condition, ...]:
        """The conditions that apply on ``route``."""
        return tuple(c for c, routes in self.conditions if not routes or route in routes)

    def likelihood_on(self, route: str) -> str:
        """``expected`` or ``minor`` on ``route``."""
        return self.likelihood_by_route.get(route, self.likelihood)


@dataclass(frozen=True, slots=True)
class SynthesisRules:
    """Everything loaded from ``reactions.toml``."""

    version: str
    amine_nh: PatternRule
    reagent_classes: tuple[PatternRule, ...]
    amine_classes: tuple[PatternRule, ...]
    amine_components: tuple[PatternRule, ...]
    protecting_groups: tuple[ProtectingGroup, ...]
    reactions: dict[str, ReactionRule]
    side_products: dict[str, SideProductInfo]


def _refs(entry: dict[str, Any], where: str, known: dict[str, str]) -> tuple[str, ...]:
    return checked_references(require(entry, "reference", where), where, known)


def _pattern_rule(entry: dict[str, Any], kind: str, known: dict[str, str]) -> PatternRule:
    rule_id = str(entry.get("id", "<no id>"))
    where = f"{kind} {rule_id}"
    smarts = str(require(entry, "smarts", where))
    return PatternRule(
        id=rule_id,
        smarts=smarts,
        pattern=compile_smarts(smarts, rule_id),
        what=str(require(entry, "what", where)),
        rationale=str(require(entry, "rationale", where)),
        reference=_refs(entry, where, known),
        must_match=tuple(str(s) for s in require(entry, "must_match", where)),
        must_not_match=tuple(str(s) for s in require(entry, "must_not_match", where)),
        rank=int(entry.get("rank", 0)),
        unit=str(entry.get("unit", "")),
        first_step=str(entry.get("first_step", "")),
        closure=str(entry.get("closure", "")),
        cyclic_dimer=str(entry.get("cyclic_dimer", "")),
    )


def _protecting_group(entry: dict[str, Any], known: dict[str, str]) -> ProtectingGroup:
    rule_id = str(entry.get("id", "<no id>"))
    where = f"protecting_group {rule_id}"
    smarts = str(require(entry, "smarts", where))
    return ProtectingGroup(
        id=rule_id,
        name=str(require(entry, "name", where)),
        smarts=smarts,
        pattern=compile_smarts(smarts, rule_id),
        removal=str(require(entry, "removal", where)),
        removal_conditions=str(require(entry, "removal_conditions", where)),
        rationale=str(require(entry, "rationale", where)),
        reference=_refs(entry, where, known),
        must_match=tuple(str(s) for s in require(entry, "must_match", where)),
        must_not_match=tuple(str(s) for s in require(entry, "must_not_match", where)),
    )


def _reaction_rule(entry: dict[str, Any], amine_body: str, known: dict[str, str]) -> ReactionRule:
    rule_id = str(entry.get("id", "<no id>"))
    where = f"reaction {rule_id}"
    smarts = str(require(entry, "smarts", where)).replace("$amine", amine_body)
    if "[#1" in smarts or "[H]" in smarts or "[H:" in smarts:
        raise RuleDataError(f"{where}: hydrogen written as an atom in SMARTS; use H counts")
    with quiet_rdkit():
        try:
            reaction = AllChem.ReactionFromSmarts(smarts)
            reaction.Initialize()
        except Exception:  # RDKit raises ValueError or RuntimeError here
            raise RuleDataError(f"{where}: reaction SMARTS does not parse: {smarts!r}") from None
    examples = tuple(
        (tuple(str(s) for s in require(ex, "reactants", where)), str(require(ex, "product", where)))
        for ex in entry.get("example", [])
    )
    if not examples:
        raise RuleDataError(f"{where}: no examples")
    counter_examples = tuple(
        (tuple(str(s) for s in require(ex, "reactants", where)), str(require(ex, "why", where)))
        for ex in entry.get("counter_example", [])
    )
    if not counter_examples:
        raise RuleDataError(f"{where}: no counter-examples (reactants that must give no product)")
    return ReactionRule(
        id=rule_id,
        smarts=smarts,
        reaction=reaction,
        what=str(require(entry, "what", where)),
        rationale=str(require(entry, "rationale", where)),
        reference=_refs(entry, where, known),
        scaffold=str(entry.get("scaffold", "")),
        examples=examples,
        counter_examples=counter_examples,
    )


def _side_product(key: str, entry: dict[str, Any], known: dict[str, str]) -> SideProductInfo:
    where = f"side_product {key}"
    conditions = []
    for cond in require(entry, "favoured_by", where):
        factor = str(require(cond, "factor", where))
        if factor not in FACTORS:
            raise RuleDataError(f"{where}: unknown factor {factor!r}")
        condition = Condition(
            step=str(require(cond, "step", where)),
            factor=factor,
            favours=str(require(cond, "favours", where)),
            remedy=str(require(cond, "remedy", where)),
        )
        conditions.append((condition, tuple(str(r) for r in cond.get("routes", ()))))
    likelihood = str(entry.get("likelihood", "expected"))
    by_route = {str(k): str(v) for k, v in entry.get("likelihood_by_route", {}).items()}
    for value in (likelihood, *by_route.values()):
        if value not in LIKELIHOODS:
            raise RuleDataError(f"{where}: unknown likelihood {value!r}")
    minor_because = str(entry.get("minor_because", ""))
    if likelihood == "minor" and not minor_because:
        raise RuleDataError(f"{where}: a minor side product needs minor_because (say when it does form)")
    return SideProductInfo(
        key=key,
        name=str(require(entry, "name", where)),
        likelihood=likelihood,
        likelihood_by_route=by_route,
        minor_because=minor_because,
        reference=_refs(entry, where, known),
        conditions=tuple(conditions),
    )


def parse_synthesis_rules(table: dict[str, Any]) -> SynthesisRules:
    """Build the synthesis rules from a parsed TOML table (raises :class:`RuleDataError` on any defect)."""
    known = load_references()
    patterns = require(table, "patterns", "synthesis rules")
    amine_smarts = str(require(patterns, "amine_nh", "patterns"))
    if not amine_smarts.startswith("[") or not amine_smarts.endswith("]"):
        raise RuleDataError("patterns: amine_nh must be one bracket atom")
    amine = PatternRule(
        id="amine_nh",
        smarts=amine_smarts,
        pattern=compile_smarts(amine_smarts, "amine_nh"),
        what="nucleophilic N-H amine",
        rationale="one definition of the reacting amine, shared by every template",
        reference=(),
        must_match=tuple(str(s) for s in require(patterns, "amine_nh_must_match", "patterns")),
        must_not_match=tuple(str(s) for s in require(patterns, "amine_nh_must_not_match", "patterns")),
    )
    amine_body = amine_smarts[:-1]
    reactions: dict[str, ReactionRule] = {}
    for entry in table.get("reaction", []):
        rule = _reaction_rule(entry, amine_body, known)
        if rule.id in reactions:
            raise RuleDataError(f"reaction {rule.id}: duplicated id")
        reactions[rule.id] = rule
    reagents = tuple(_pattern_rule(e, "reagent_class", known) for e in table.get("reagent_class", []))
    for reagent in reagents:
        for step in (reagent.first_step, reagent.closure, reagent.cyclic_dimer):
            if step and step not in reactions:
                raise RuleDataError(f"reagent_class {reagent.id}: unknown reaction {step!r}")
    groups = tuple(_protecting_group(e, known) for e in table.get("protecting_group", []))
    for group in groups:
        if group.removal not in reactions:
            raise RuleDataError(f"protecting_group {group.id}: unknown reaction {group.removal!r}")
    side = {str(key): _side_product(str(key), entry, known) for key, entry in table.get("side_product", {}).items()}
    return SynthesisRules(
        version=str(table.get("rules_version", "")),
        amine_nh=amine,
        reagent_classes=reagents,
        amine_classes=tuple(_pattern_rule(e, "amine_class", known) for e in table.get("amine_class", [])),
        amine_components=tuple(_pattern_rule(e, "amine_component", known) for e in table.get("amine_component", [])),
        protecting_groups=groups,
        reactions=reactions,
        side_products=side,
    )


def read_reactions_table() -> dict[str, Any]:
    """The parsed ``reactions.toml`` (for tests that mutate it)."""
    return read_packaged_toml(REACTIONS_FILE, PACKAGE, "")


@lru_cache(maxsize=1)
def load_synthesis_rules() -> SynthesisRules:
    """The packaged synthesis rules (loaded and compiled once per process)."""
    return parse_synthesis_rules(read_reactions_table())


@lru_cache(maxsize=1)
def load_troubleshooting() -> tuple[dict[str, Any], ...]:
    """The troubleshooting entries, validated (side-product keys and reference ids must exist)."""
    rules = load_synthesis_rules()
    known = load_references()
    entries = tuple(read_packaged_toml(TROUBLESHOOTING_FILE, PACKAGE, "").get("symptom", []))
    seen: set[str] = set()
    for entry in entries:
        where = f"symptom {entry.get('id', '<no id>')}"
        for key in ("id", "symptom", "aliases", "source", "causes", "checks", "fixes", "notes"):
            require(entry, key, where)
        if entry["id"] in seen:
            raise RuleDataError(f"{where}: duplicated id")
        seen.add(entry["id"])
        refs = [*entry["source"], *(c["source"] for c in entry["causes"])]
        refs += [r for note in entry["notes"] for r in require(note, "references", where)]
        for ref in refs:
            if ref not in known:
                raise RuleDataError(f"{where}: unknown reference {ref!r}")
        for note in entry["notes"]:
            require(note, "text", where)
        for cause in entry["causes"]:
            for key in require(cause, "side_products", where):
                if key != "product" and key not in rules.side_products:
                    raise RuleDataError(f"{where}: unknown side product {key!r}")
    return entries

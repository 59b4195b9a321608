"""The packaged CPCA rule file (``cpca_rules.toml``), loaded, compiled and checked once.

>>> rules = load_cpca_rules()
>>> rules.category_for_score(3).category, rules.category_for_score(3).ai_ema
(3, 400.0)
>>> rules.alpha_h_row((2, 2)).score, rules.alpha_h_row((1, 1)).gate
(1, True)
>>> [c.value for c in rules.nitrogen_classes][:2]
['n_nitroso', 'n_nitroso_pyridone_type']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdkit import Chem

from ..errors import RuleDataError
from ..rules import compile_smarts, load_references, read_packaged_toml

RULES_FILE = "cpca_rules.toml"
PACKAGE = "reactivity.nitrosamine"

_PRECURSORS = ("secondary", "tertiary", "present", "none")
_KINDS = ("gate", "deactivating", "activating")
_EVALUATIONS = ("gate", "anchored", "molecule", "acyclic", "ring", "sides")


@dataclass(frozen=True, slots=True)
class NitrogenClass:
    """One nitrogen class: the first SMARTS atom is the classified nitrogen."""

    id: str
    value: str
    precursor: str
    priority: int
    smarts: str
    pattern: Chem.Mol
    rationale: str
    reference: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feature:
    """One CPCA feature (gate, deactivating or activating) with its score and how it is evaluated."""

    id: str
    name: str
    kind: str
    score: int
    evaluation: str
    smarts: tuple[str, ...]
    patterns: tuple[Chem.Mol, ...]
    rationale: str
    reference: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    ring_sizes: tuple[int, ...] = ()
    unless: tuple[str, ...] = ()
    group: str = ""
    sides_min: int = 0
    sides_max: int = 0


@dataclass(frozen=True, slots=True)
class SidePattern:
    """A per-alpha-carbon pattern of a side group (atom 0 the nitrosated N; the matched carbon bonded to it is the alpha-carbon)."""

    id: str
    group: str
    smarts: str
    pattern: Chem.Mol
    rationale: str
    reference: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlphaHRow:
    """Alpha-hydrogen counts (lower first) and their score; ``gate`` rows give category 5."""

    counts: tuple[int, int]
    score: int
    gate: bool


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """A potency category, the highest score that still falls in it, and its acceptable intakes (ng/day)."""

    category: int
    max_score: int
    ai_fda: float
    ai_ema: float
    rationale: str


@dataclass(frozen=True, slots=True)
class Note:
    """A caution raised on a product when its SMARTS matches at the nitrosated N (never changes the score)."""

    id: str
    smarts: str
    pattern: Chem.Mol
    text: str
    reference: tuple[str, ...]
    alpha_h: tuple[int, int] | None
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CpcaRules:
    """The whole rule file."""

    version: str
    guidance_version: str
    guidance_references: tuple[str, ...]
    screening_note: str
    categories: tuple[CategoryRow, ...]
    alpha_h: tuple[AlphaHRow, ...]
    nitrogen_classes: tuple[NitrogenClass, ...]
    features: tuple[Feature, ...]
    side_patterns: tuple[SidePattern, ...]
    notes: tuple[Note, ...]

    def alpha_h_row(self, counts: tuple[int, int]) -> AlphaHRow | None:
        """The row of the alpha-H table for these (sorted) counts, or None when off the table."""
        for row in self.alpha_h:
            if row.counts == counts:
                return row
        return None

    def category_for_score(self, score: int) -> CategoryRow:
        """The category of a potency score (categories 1-4; category 5 comes only from a gate)."""
        for row in sorted((r for r in self.categories if r.category != 5), key=lambda r: r.max_score):
            if score <= row.max_score:
                return row
        raise RuleDataError(f"cpca rules: no category for potency score {score}")

    def category(self, number: int) -> CategoryRow:
        """The row of category ``number`` (1-5)."""
        for row in self.categories:
            if row.category == number:
                return row
        raise RuleDataError(f"cpca rules: no category {number}")

    def side_patterns_of(self, group: str) -> tuple[SidePattern, ...]:
        """The side patterns of a group (``ewg`` or ``beta_hydroxyl``)."""
        return tuple(p for p in self.side_patterns if p.group == group)

    def all_reference_ids(self) -> tuple[str, ...]:
        """Every reference id used anywhere in the file, in first-use order."""
        ids: list[str] = list(self.guidance_references)
        for item in (*self.nitrogen_classes, *self.features, *self.side_patterns, *self.notes):
            ids.extend(item.reference)
        return tuple(dict.fromkeys(ids))


def _need(entry: dict[str, Any], key: str, rule_id: str) -> Any:
    if key not in entry:
        raise RuleDataError(f"rule {rule_id}: missing field {key!r}")
    return entry[key]


def _strings(entry: dict[str, Any], key: str, rule_id: str, required: bool = True) -> tuple[str, ...]:
    value = _need(entry, key, rule_id) if required else entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    return tuple(str(v) for v in value)


def _examples(entry: dict[str, Any], rule_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    must = _strings(entry, "must_match", rule_id)
    must_not = _strings(entry, "must_not_match", rule_id)
    if not must or not must_not:
        raise RuleDataError(f"rule {rule_id}: needs must_match and must_not_match examples")
    return must, must_not


def parse_cpca_rules(table: dict[str, Any]) -> CpcaRules:
    """Build the rules from a parsed TOML table (:class:`RuleDataError` on any defect)."""
    version = str(table.get("ruleset_version", ""))
    if not version:
        raise RuleDataError("cpca rules: missing ruleset_version")
    guidance = _need(table, "guidance", "guidance")
    categories = tuple(
        CategoryRow(int(c["category"]), int(c["max_score"]), float(c["ai_fda"]), float(c["ai_ema"]), str(c["rationale"]))
        for c in _need(table, "category", "category")
    )
    if sorted(c.category for c in categories) != [1, 2, 3, 4, 5]:
        raise RuleDataError("cpca rules: categories must be exactly 1-5")
    alpha_h = tuple(
        AlphaHRow((int(a["counts"][0]), int(a["counts"][1])), int(a["score"]), bool(a.get("gate", False)))
        for a in _need(table, "alpha_h", "alpha_h")
    )
    if any(row.counts[0] > row.counts[1] for row in alpha_h):
        raise RuleDataError("cpca rules: alpha_h counts must be written lower first")
    classes: list[NitrogenClass] = []
    for entry in table.get("nitrogen_class", []):
        rule_id = str(entry.get("id", "<no id>"))
        precursor = str(_need(entry, "precursor", rule_id))
        if precursor not in _PRECURSORS:
            raise RuleDataError(f"rule {rule_id}: precursor must be one of {_PRECURSORS}, got {precursor!r}")
        smarts = str(_need(entry, "smarts", rule_id))
        must, must_not = _examples(entry, rule_id)
        classes.append(NitrogenClass(
            id=rule_id, value=str(_need(entry, "value", rule_id)), precursor=precursor,
            priority=int(_need(entry, "priority", rule_id)), smarts=smarts, pattern=compile_smarts(smarts, rule_id),
            rationale=str(_need(entry, "rationale", rule_id)), reference=_strings(entry, "reference", rule_id),
            must_match=must, must_not_match=must_not,
        ))
    features: list[Feature] = []
    for entry in table.get("feature", []):
        rule_id = str(entry.get("id", "<no id>"))
        kind = str(_need(entry, "kind", rule_id))
        evaluation = str(_need(entry, "evaluation", rule_id))
        if kind not in _KINDS:
            raise RuleDataError(f"rule {rule_id}: kind must be one of {_KINDS}, got {kind!r}")
        if evaluation not in _EVALUATIONS:
            raise RuleDataError(f"rule {rule_id}: evaluation must be one of {_EVALUATIONS}, got {evaluation!r}")
        smarts = _strings(entry, "smarts", rule_id, required=evaluation not in ("ring", "sides"))
        must, must_not = _examples(entry, rule_id)
        ring_sizes = tuple(int(s) for s in entry.get("ring_sizes", []))
        if evaluation == "ring" and not ring_sizes:
            raise RuleDataError(f"rule {rule_id}: a ring feature needs ring_sizes")
        group = str(entry.get("group", ""))
        if evaluation == "sides" and not group:
            raise RuleDataError(f"rule {rule_id}: a sides feature needs a group")
        features.append(Feature(
            id=rule_id, name=str(_need(entry, "name", rule_id)), kind=kind, score=int(_need(entry, "score", rule_id)),
            evaluation=evaluation, smarts=smarts, patterns=tuple(compile_smarts(s, rule_id) for s in smarts),
            rationale=str(_need(entry, "rationale", rule_id)), reference=_strings(entry, "reference", rule_id),
            must_match=must, must_not_match=must_not, ring_sizes=ring_sizes,
            unless=_strings(entry, "unless", rule_id, required=False), group=group,
            sides_min=int(entry.get("sides_min", 0)), sides_max=int(entry.get("sides_max", 0)),
        ))
    sides: list[SidePattern] = []
    for entry in table.get("side_pattern", []):
        rule_id = str(entry.get("id", "<no id>"))
        smarts = str(_need(entry, "smarts", rule_id))
        must, must_not = _examples(entry, rule_id)
        sides.append(SidePattern(
            id=rule_id, group=str(_need(entry, "group", rule_id)), smarts=smarts, pattern=compile_smarts(smarts, rule_id),
            rationale=str(_need(entry, "rationale", rule_id)), reference=_strings(entry, "reference", rule_id),
            must_match=must, must_not_match=must_not,
        ))
    notes: list[Note] = []
    for entry in table.get("note", []):
        rule_id = str(entry.get("id", "<no id>"))
        smarts = str(_need(entry, "smarts", rule_id))
        alpha = entry.get("alpha_h")
        must, must_not = _examples(entry, rule_id)
        notes.append(Note(
            id=rule_id, smarts=smarts, pattern=compile_smarts(smarts, rule_id), text=str(_need(entry, "text", rule_id)),
            reference=_strings(entry, "reference", rule_id),
            alpha_h=(int(alpha[0]), int(alpha[1])) if alpha else None, must_match=must, must_not_match=must_not,
        ))
    rules = CpcaRules(
        version=version,
        guidance_version=str(_need(guidance, "version", "guidance")),
        guidance_references=_strings(guidance, "references", "guidance"),
        screening_note=str(_need(guidance, "screening_note", "guidance")),
        categories=categories,
        alpha_h=alpha_h,
        nitrogen_classes=tuple(sorted(classes, key=lambda c: c.priority)),
        features=tuple(features),
        side_patterns=tuple(sides),
        notes=tuple(notes),
    )
    ids = [r.id for r in (*rules.nitrogen_classes, *rules.features, *rules.side_patterns, *rules.notes)]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise RuleDataError(f"cpca rules: duplicated rule ids {duplicated}")
    feature_ids = {f.id for f in rules.features}
    for feature in rules.features:
        unknown = [u for u in feature.unless if u not in feature_ids]
        if unknown:
            raise RuleDataError(f"rule {feature.id}: 'unless' names unknown features {unknown}")
        if feature.evaluation == "sides" and not rules.side_patterns_of(feature.group):
            raise RuleDataError(f"rule {feature.id}: no side_pattern of group {feature.group!r}")
    known = load_references()
    unknown_refs = [ref for ref in rules.all_reference_ids() if ref not in known]
    if unknown_refs:
        raise RuleDataError(f"cpca rules: unknown reference ids {unknown_refs}")
    return rules


@lru_cache(maxsize=1)
def load_cpca_rules() -> CpcaRules:
    """The packaged CPCA rules (loaded and compiled once per process)."""
    return parse_cpca_rules(read_packaged_toml(RULES_FILE, PACKAGE, ""))

"""Loading the packaged rule files (SMARTS and guidance as data), once, failing loudly.

>>> rules = load_site_rules()
>>> rules.core.id
'core.diazepan_2_one'
>>> [r.value for r in rules.site_rules_for("n4_class")][:3]
['n_oxide', 'n_nitroso', 'ammonium']
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from rdkit import Chem

from . import tomlcache
from .errors import RuleDataError
from .molecule import all_substruct_matches

RULES_FILE = "site_rules.toml"
GUIDANCE_FILE = "guidance.toml"
REFERENCES_FILE = "references.toml"

SiteLabel = Literal["n1_class", "n4_class", "n4_features", "c2_activation", "c3_features"]
_SITE_OF_LABEL = {"n1_class": "N1", "n4_class": "N4", "n4_features": "N4", "c3_features": "C3"}


@dataclass(frozen=True, slots=True)
class SmartsRule:
    """One rule of ``site_rules.toml`` with its compiled SMARTS.

    ``site`` is the ring position the first SMARTS atom must sit on (site rules only);
    ``exocyclic_neighbor`` demands that the second SMARTS atom is outside the ring; ``second_atom`` = ``ring``
    that it is one of the ring's seven atoms, ``not_c3`` that it is not the ring's C3.
    ``strength`` (competing nucleophiles: ``strong``, ``moderate``, ``weak``) is compared with N4;
    ``cycle_bonds`` (near-miss rules: ``any``, ``single``, ``unsaturated``) restricts the bonds of the matched ring.
    ``screen`` is a recursion-free superset of the pattern (:func:`screen_smarts`): no screen match, no rule match.
    """

    id: str
    kind: str
    labels: str
    value: str
    priority: int
    smarts: str
    pattern: Chem.Mol
    rationale: str
    reference: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    site: str = ""
    exocyclic_neighbor: bool = False
    second_atom: str = "any"
    category: str = ""
    code: str = ""
    note: str = ""
    strength: str = ""
    cycle_bonds: str = "any"
    screen: Chem.Mol | None = None  # a recursion-free superset of the SMARTS (:func:`screen_smarts`); None without any


@dataclass(frozen=True, slots=True)
class SiteRuleSet:
    """All perception rules, ordered by priority within each group."""

    version: str
    core: SmartsRule
    site_rules: tuple[SmartsRule, ...]
    competing: tuple[SmartsRule, ...]
    related: tuple[SmartsRule, ...]
    _by_label: dict[str, tuple[SmartsRule, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[SmartsRule]] = {}
        for rule in self.site_rules:
            grouped.setdefault(rule.labels, []).append(rule)
        object.__setattr__(self, "_by_label", {label: tuple(group) for label, group in grouped.items()})

    def site_rules_for(self, label: str) -> tuple[SmartsRule, ...]:
        """Site rules that set ``label`` (``n1_class``, ``n4_class``, ``n4_features``, ``c2_activation`` or
        ``c3_features``), by priority."""
        return self._by_label.get(label, ())

    def all_rules(self) -> tuple[SmartsRule, ...]:
        """Every rule, core first."""
        return (self.core, *self.site_rules, *self.competing, *self.related)


def compile_smarts(smarts: str, rule_id: str) -> Chem.Mol:
    """Compile a SMARTS or raise :class:`RuleDataError` naming the rule.

    >>> compile_smarts("[#7;X3", "demo.bad")
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: rule demo.bad: SMARTS does not parse: '[#7;X3'
    >>> compile_smarts("[#1]-[#7]", "demo.h")
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: rule demo.h: hydrogen written as an atom in SMARTS '[#1]-[#7]'; use H counts
    """
    from .molecule import quiet_rdkit

    with quiet_rdkit():
        pattern = Chem.MolFromSmarts(smarts)
    if pattern is None:
        raise RuleDataError(f"rule {rule_id}: SMARTS does not parse: {smarts!r}")
    if any(atom.GetAtomicNum() == 1 for atom in pattern.GetAtoms()) or "[H]" in smarts:
        raise RuleDataError(f"rule {rule_id}: hydrogen written as an atom in SMARTS {smarts!r}; use H counts")
    return pattern


def recursion_free_smarts(smarts: str) -> str | None:
    """The SMARTS with every recursive primitive (``$(...)``, negated or not) replaced by "any atom", or None
    when it has none.

    The result matches wherever the rule matches (each atom query only loses conditions: recursive primitives
    are the costly part, RDKit runs each one over the whole molecule), so a molecule it does not match cannot
    match the rule: a cheap screen in front of the rule.

    >>> recursion_free_smarts("[OX2H1,OX1-;$(O-[CX3]=O)]")
    '[OX2H1,OX1-;*]'
    >>> recursion_free_smarts("[#7;!$([#7]-a);$([#7](-[#6]=O)-[SX4](=O)=O)]-[#6]")
    '[#7;*;*]-[#6]'
    >>> recursion_free_smarts("[nX2;+0;r6]") is None
    True
    """
    if "$(" not in smarts:
        return None
    out: list[str] = []
    i = 0
    while i < len(smarts):
        j = i
        while j < len(smarts) and smarts[j] == "!":
            j += 1
        if smarts.startswith("$(", j):
            depth, k = 0, j + 1
            while True:
                depth += {"(": 1, ")": -1}.get(smarts[k], 0)
                k += 1
                if depth == 0:
                    break
            out.append("*")
            i = k
        else:
            out.append(smarts[i])
            i += 1
    return "".join(out)


def _group_end(text: str, start: int) -> int:
    """Index of the bracket or parenthesis closing the one opened at ``start``."""
    close = {"[": "]", "(": ")"}[text[start]]
    depth = 0
    for k in range(start, len(text)):
        if text[k] == text[start]:
            depth += 1
        elif text[k] == close:
            depth -= 1
            if depth == 0:
                return k
    raise ValueError(f"unbalanced SMARTS: {text!r}")


def _top_level_terms(expression: str) -> list[str]:
    """The ``;``-separated terms of an atom expression (separators inside ``$(...)`` left alone)."""
    terms, depth, start = [], 0, 0
    for k, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            terms.append(expression[start:k])
            start = k + 1
    terms.append(expression[start:])
    return terms


_ORGANIC_ATOM = re.compile(r"Cl|Br|[BCNOSPFIcnops*]")


def screen_smarts(smarts: str) -> str | None:
    """A recursion-free SMARTS that matches wherever ``smarts`` matches (None: it has no recursion).

    A rule that is one atom with one positive recursive term ``$(X)`` among its ``;`` terms must root ``X``
    there, so the screen is ``X`` with its first atom also given the rule atom's other terms; otherwise it is
    :func:`recursion_free_smarts`.

    >>> screen_smarts("[OX2H1,OX1-;$(O-[SX4](=O)=O)]")
    '[O;OX2H1,OX1-]-[SX4](=O)=O'
    >>> screen_smarts("[#7;H1,H2,-1;!$([#7]-a);$([#7]-[SX4](=O)(=O)[#6])]")
    '[#7;#7;H1,H2,-1;*]-[SX4](=O)(=O)[#6]'
    >>> screen_smarts("[#7;H1,-1;r7;$([#7]-c)]-[#6;r7](=O)")
    '[#7;H1,-1;r7;*]-[#6;r7](=O)'
    """
    stripped = recursion_free_smarts(smarts)
    if stripped is None:
        return None
    if smarts.startswith("[") and _group_end(smarts, 0) == len(smarts) - 1:
        terms = _top_level_terms(smarts[1:-1])
        positive = [k for k, term in enumerate(terms) if term.startswith("$(") and _group_end(term, 1) == len(term) - 1]
        if len(positive) == 1:
            body = terms[positive[0]][2:-1]
            body = recursion_free_smarts(body) or body
            others = [recursion_free_smarts(term) or term for k, term in enumerate(terms) if k != positive[0]]
            if body.startswith("["):
                end = _group_end(body, 0)
                first, rest = body[1:end], body[end + 1:]
            else:
                match = _ORGANIC_ATOM.match(body)
                if match is None:
                    return stripped
                first, rest = match.group(0), body[match.end():]
            return "[" + ";".join([first, *others]) + "]" + rest
    return stripped


def compile_screen(smarts: str, rule_id: str) -> Chem.Mol | None:
    """The compiled :func:`screen_smarts` of a rule: None when the rule has no recursion (or no screen can be made;
    the rule is then searched for on every molecule). A molecule the screen does not match cannot match the rule.

    >>> compile_screen("[NX3;H2;!$(N-a)]", "demo.amine").GetNumAtoms(), compile_screen("[#7]-[#6]", "demo.plain")
    (1, None)
    """
    try:
        text = screen_smarts(smarts)
    except (ValueError, IndexError):  # unbalanced text: compile_smarts rejects the rule itself
        return None
    return None if text is None else compile_smarts(text, rule_id + " (screen)")


def could_match(mol: Chem.Mol, rule: Any) -> bool:
    """False when a rule's recursion-free ``screen`` (:func:`compile_screen`) shows it cannot match ``mol``; True
    otherwise, and for a rule without a screen.

    >>> amine = type("Rule", (), {"screen": compile_screen("[NX3;H2;!$(N-a)]", "demo.amine")})()
    >>> could_match(Chem.MolFromSmiles("CCO"), amine), could_match(Chem.MolFromSmiles("CCN"), amine)
    (False, True)
    """
    return rule.screen is None or mol.HasSubstructMatch(rule.screen)


def rule_matches(mol: Chem.Mol, rule: Any, uniquify: bool = False) -> tuple[tuple[int, ...], ...]:
    """Every match of a rule's ``pattern`` (all of them, not RDKit's first thousand), searched only when
    :func:`could_match`."""
    if not could_match(mol, rule):
        return ()
    return all_substruct_matches(mol, rule.pattern, uniquify=uniquify)


def read_packaged_toml(name: str, package: str = "reactivity", folder: str = "data") -> dict[str, Any]:
    """Parse a packaged TOML file (RuleDataError when it is missing or malformed).

    By default the file lives in ``reactivity/data``; a capability subpackage keeps its own
    rule files beside its code: ``read_packaged_toml("rules.toml", "reactivity.nitrosamine", "")``.
    """
    try:
        root = resources.files(package)
        text = (root.joinpath(folder, name) if folder else root.joinpath(name)).read_text(encoding="utf-8")
        return tomlcache.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleDataError(f"cannot read packaged rule file {name}: {exc}") from None


def require(entry: dict[str, Any], key: str, where: str) -> Any:
    """``entry[key]``, or :class:`RuleDataError` naming the rule (``where``) and the missing field.

    Every rule file of every capability reads its required fields through this function.

    >>> require({"id": "x"}, "smarts", "rule x")
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: rule x: missing field 'smarts'
    """
    if key not in entry:
        raise RuleDataError(f"{where}: missing field {key!r}")
    return entry[key]


def checked_references(refs: Any, where: str, known: dict[str, str] | None = None) -> tuple[str, ...]:
    """Reference ids as a tuple, or :class:`RuleDataError` when one does not resolve (``known``: the reference table).

    >>> checked_references(["docs:sites"], "rule x")
    ('docs:sites',)
    >>> checked_references(["lit:nowhere"], "rule x")
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: rule x: unknown reference ids ['lit:nowhere']
    """
    ids = tuple(str(r) for r in refs)
    table = load_references() if known is None else known
    unknown = [r for r in ids if r not in table]
    if unknown:
        raise RuleDataError(f"{where}: unknown reference ids {unknown}")
    return ids


def _require(entry: dict[str, Any], key: str, rule_id: str) -> Any:
    return require(entry, key, f"rule {rule_id}")


def _build_rule(entry: dict[str, Any], kind: str) -> SmartsRule:
    rule_id = str(entry.get("id", "<no id>"))
    smarts = str(_require(entry, "smarts", rule_id))
    labels = str(entry.get("labels", kind))
    site = str(entry.get("site", _SITE_OF_LABEL.get(labels, "")))
    if kind == "site" and site not in ("N1", "N4", "C3"):
        raise RuleDataError(f"rule {rule_id}: site rule needs a site (N1, N4 or C3), got {site!r}")
    value = str(entry.get("value", entry.get("kind", entry.get("name", ""))))
    if not value:
        raise RuleDataError(f"rule {rule_id}: no value/kind/name")
    return SmartsRule(
        id=rule_id,
        kind=kind,
        labels=labels,
        value=value,
        priority=int(entry.get("priority", 0)),
        smarts=smarts,
        pattern=compile_smarts(smarts, rule_id),
        screen=compile_screen(smarts, rule_id),
        rationale=str(_require(entry, "rationale", rule_id)),
        reference=tuple(str(r) for r in _require(entry, "reference", rule_id)),
        must_match=tuple(str(s) for s in _require(entry, "must_match", rule_id)),
        must_not_match=tuple(str(s) for s in _require(entry, "must_not_match", rule_id)),
        site=site,
        exocyclic_neighbor=bool(entry.get("exocyclic_neighbor", False)),
        second_atom=_choice(entry, "second_atom", ("any", "ring", "not_c3"), rule_id),
        category=str(entry.get("category", "")),
        code=str(entry.get("code", "")),
        note=str(entry.get("note", "")),
        strength=_choice(entry, "strength", ("", "strong", "moderate", "weak"), rule_id),
        cycle_bonds=_choice(entry, "cycle_bonds", ("any", "single", "unsaturated"), rule_id),
    )


def _choice(entry: dict[str, Any], key: str, allowed: tuple[str, ...], rule_id: str) -> str:
    value = str(entry.get(key, allowed[0]))
    if value not in allowed:
        raise RuleDataError(f"rule {rule_id}: {key} must be one of {list(allowed)}, got {value!r}")
    return value


def _ruleset_version_of(table: dict[str, Any]) -> str:
    version = str(table.get("ruleset_version", ""))
    if not version:
        raise RuleDataError("site rules: missing ruleset_version")
    return version


def read_ruleset_version() -> str:
    """The ``ruleset_version`` of the packaged perception rules, read without compiling them (no RDKit work).

    >>> read_ruleset_version() == load_site_rules().version
    True
    """
    return _ruleset_version_of(read_packaged_toml(RULES_FILE))


def parse_site_rules(table: dict[str, Any]) -> SiteRuleSet:
    """Build the rule set from a parsed TOML table (raises :class:`RuleDataError` on any defect)."""
    version = _ruleset_version_of(table)
    core = _build_rule(_require(table, "core", "core"), "core")
    site = tuple(sorted((_build_rule(e, "site") for e in table.get("site_rule", [])), key=lambda r: r.priority))
    competing = tuple(_build_rule(e, "competing") for e in table.get("competing", []))
    related = tuple(sorted((_build_rule(e, "related") for e in table.get("related_scaffold", [])), key=lambda r: r.priority))
    ids = [r.id for r in (core, *site, *competing, *related)]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise RuleDataError(f"site rules: duplicated rule ids {duplicated}")
    known = load_references()
    for rule in (core, *site, *competing, *related):
        unknown = [ref for ref in rule.reference if ref not in known]
        if unknown:
            raise RuleDataError(f"rule {rule.id}: unknown reference ids {unknown}")
    return SiteRuleSet(version=version, core=core, site_rules=site, competing=competing, related=related)


@lru_cache(maxsize=1)
def load_site_rules() -> SiteRuleSet:
    """The packaged perception rules (loaded and compiled once per process)."""
    return parse_site_rules(read_packaged_toml(RULES_FILE))


@lru_cache(maxsize=1)
def load_references() -> dict[str, str]:
    """Reference id -> citation text.

    >>> load_references()["docs:acrylate_route"].startswith("reactivity chemistry notes, docs/chemistry.md#acrylate-route")
    True
    """
    table = read_packaged_toml(REFERENCES_FILE).get("references", {})
    return {str(key): str(value["text"]) for key, value in table.items()}


@lru_cache(maxsize=1)
def load_guidance() -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(site, key) -> (text, reference ids), e.g. ``("N4", "secondary_amine")``."""
    table = read_packaged_toml(GUIDANCE_FILE)
    known = load_references()
    out: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    for site in ("N1", "N4", "C2", "C3"):
        for key, entry in table.get(site, {}).items():
            refs = tuple(str(r) for r in entry["references"])
            unknown = [r for r in refs if r not in known]
            if unknown:
                raise RuleDataError(f"guidance {site}.{key}: unknown reference ids {unknown}")
            out[(site, key)] = (str(entry["text"]), refs)
    return out


_REFERENCE_ID = re.compile(r"\b(?:lit|docs):[A-Za-z0-9_.-]*[A-Za-z0-9_]")


def cited_ids(text: str) -> tuple[str, ...]:
    """The reference ids a sentence names in the text (``lit:...``, ``docs:...``), once each, in order; unknown ones
    are left out.

    >>> cited_ids("made from the 4-oxide (lit:archer_sternbach1968; see docs:synthesis, lit:no_such_id)")
    ('lit:archer_sternbach1968', 'docs:synthesis')
    """
    known = load_references()
    return tuple(dict.fromkeys(found for found in _REFERENCE_ID.findall(text) if found in known))


def reference(reference_id: str) -> str:
    """Resolve a reference id to its citation text (KeyError when unknown).

    >>> reference("docs:site_faq").startswith("reactivity chemistry notes")
    True
    """
    return load_references()[reference_id]

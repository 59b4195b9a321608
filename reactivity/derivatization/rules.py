"""The derivatization rules (``reactions.toml``): loaded and compiled once, checked at load time.

>>> rules = load_reaction_rules()
>>> [r.id for r in rules.reactions][:3]
['acylation', 'sulfonylation', 'reductive_amination']
>>> rules.reaction("acylation").target, [g.id for g in rules.reaction("acylation").reagents][:2]
('N4', ['acyl_chloride', 'anhydride'])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from rdkit import Chem
from rdkit.Chem import rdChemReactions

from ..errors import ReactivityError, RuleDataError
from ..molecule import quiet_rdkit
from ..rules import checked_references, compile_smarts, load_references, read_packaged_toml, require

RULES_FILE = "reactions.toml"
PACKAGE = "reactivity.derivatization"

Position = Literal["N1", "N4", "C3", ""]
Severity = Literal["incompatible", "warning", "info"]
SEVERITIES = ("incompatible", "warning", "info")
POSITIONS = ("N1", "N4", "C3")
RING_FLAGS = ("c3_epimerizable", "c3_configuration_set", "c3_configuration_unset", "c3_two_h", "c3_has_h", "salt_form",
              "n1_anilide_h")
RING_FLAG_PREFIXES = ("c2_activation:", "n4_feature:", "c3_feature:")


class UnknownReactionError(ReactivityError):
    """A reaction class name is not one of the packaged classes."""


@dataclass(frozen=True, slots=True)
class ReagentType:
    """A reagent type of a reaction class: what the reagent must look like and the reaction SMARTS it enters."""

    id: str
    label: str
    smarts: str
    pattern: Chem.Mol
    reaction_smarts: str
    reaction: rdChemReactions.ChemicalReaction
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]

    @property
    def unimolecular(self) -> bool:
        """True when the reagent is not incorporated (the reaction has one reactant template, e.g. Boc removal)."""
        return self.reaction.GetNumReactantTemplates() == 1


@dataclass(frozen=True, slots=True)
class SiteRule:
    """A site that can react under a class, with its tier (lower reacts first) and the basis of the ranking."""

    id: str
    label: str
    position: str
    classes: tuple[str, ...]
    smarts: str
    pattern: Chem.Mol
    tier: int
    basis: str
    references: tuple[str, ...]
    protect: str
    warning: str
    reagents: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    competitor_only: bool = False
    #: an azole N-H: its anion is alkylated on each ring N; when those products differ, this warning and the other
    #: ring-N products are added to the plan (empty: not such a site)
    ring_n_isomer_warning: str = ""


@dataclass(frozen=True, slots=True)
class IncompatibilityRule:
    """Something the conditions destroy, or that reacts instead: a SMARTS and/or a ring flag, with a severity."""

    id: str
    label: str
    smarts: str
    pattern: Chem.Mol | None
    position: str
    ring_flag: str
    severity: str
    reagents: tuple[str, ...]
    text: str
    references: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    applies_to: str = "substrate"


@dataclass(frozen=True, slots=True)
class BlockedReason:
    """Why a ring target of a perception class cannot react."""

    text: str
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReactionClass:
    """One reaction class of ``reactions.toml``."""

    id: str
    label: str
    conditions: str
    target: str
    all_sites: bool
    stability_presets: tuple[str, ...]
    references: tuple[str, ...]
    reagents: tuple[ReagentType, ...]
    sites: tuple[SiteRule, ...]
    incompatibilities: tuple[IncompatibilityRule, ...]
    blocked: dict[str, BlockedReason]
    must_react: tuple[str, ...]
    must_not_react: tuple[str, ...]

    def reagent_type(self, reagent_id: str) -> ReagentType:
        """The reagent type with this id (KeyError when unknown)."""
        for reagent in self.reagents:
            if reagent.id == reagent_id:
                return reagent
        raise KeyError(reagent_id)


@dataclass(frozen=True, slots=True)
class ReactionRuleSet:
    """Every reaction class, the general blocked-target reasons and the rule set version."""

    version: str
    reactions: tuple[ReactionClass, ...]
    blocked: dict[str, dict[str, BlockedReason]]

    @property
    def names(self) -> tuple[str, ...]:
        """The reaction class ids, in file order."""
        return tuple(r.id for r in self.reactions)

    def reaction(self, name: str) -> ReactionClass:
        """The class called ``name`` (:class:`UnknownReactionError` otherwise).

        >>> load_reaction_rules().reaction("esterification")
        Traceback (most recent call last):
        ...
        reactivity.derivatization.rules.UnknownReactionError: unknown reaction class 'esterification'; known: acylation, sulfonylation, reductive_amination, n_alkylation, n_arylation, urea_formation, carbamate_formation, boc_deprotection, lactam_n_alkylation, c3_alkylation
        """
        for reaction in self.reactions:
            if reaction.id == name:
                return reaction
        raise UnknownReactionError(f"unknown reaction class {name!r}; known: {', '.join(self.names)}")

    def blocked_reason(self, reaction: ReactionClass, position: str, site_class: str) -> BlockedReason:
        """The reason a ring target of ``site_class`` cannot react (the class's own reason first)."""
        if site_class in reaction.blocked:
            return reaction.blocked[site_class]
        if "default" in reaction.blocked:
            return reaction.blocked["default"]
        table = self.blocked.get(position, {})
        return table.get(site_class) or table.get("other") or table.get("none") or BlockedReason(
            f"{position} offers no site for this reaction", ("docs:derivatization",)
        )




def _strings(entry: dict[str, Any], key: str, where: str, required: bool = True) -> tuple[str, ...]:
    value = require(entry, key, where) if required else entry.get(key, [])
    if not isinstance(value, list):
        raise RuleDataError(f"{where}: {key!r} must be a list")
    return tuple(str(v) for v in value)


def _check_refs(refs: tuple[str, ...], where: str, known: dict[str, str]) -> tuple[str, ...]:
    if not refs:
        raise RuleDataError(f"{where}: no reference ids")
    return checked_references(refs, where, known)


def compile_reaction(smarts: str, rule_id: str) -> rdChemReactions.ChemicalReaction:
    """Compile a reaction SMARTS (RuleDataError when it does not parse, has H atoms, or lacks map number 1).

    >>> compile_reaction("[#7:1].[C:2]Cl>>[*:1]-[C:2]", "demo").GetNumReactantTemplates()
    2
    >>> compile_reaction("[#7].[C:2]Cl>>[C:2]", "demo.bad")
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: rule demo.bad: the first reactant template needs the reacting atom as map number 1
    """
    if "[H" in smarts or "#1]" in smarts or "#1;" in smarts or "#1," in smarts:
        raise RuleDataError(f"rule {rule_id}: hydrogen written as an atom in reaction SMARTS {smarts!r}; use H counts")
    with quiet_rdkit():
        try:
            reaction = rdChemReactions.ReactionFromSmarts(smarts)
            if reaction is not None:
                reaction.Initialize()
        except Exception:  # noqa: BLE001 - RDKit raises ValueError or a C++ exception class
            reaction = None
    if reaction is None:
        raise RuleDataError(f"rule {rule_id}: reaction SMARTS does not parse: {smarts!r}")
    first = reaction.GetReactantTemplate(0)
    if not any(atom.GetAtomMapNum() == 1 for atom in first.GetAtoms()):
        raise RuleDataError(f"rule {rule_id}: the first reactant template needs the reacting atom as map number 1")
    if reaction.GetNumProductTemplates() != 1:
        raise RuleDataError(f"rule {rule_id}: the reaction must have exactly one product template")
    return reaction


def _ring_flag_ok(flag: str) -> bool:
    return not flag or flag in RING_FLAGS or (flag.startswith(RING_FLAG_PREFIXES) and flag.split(":", 1)[1] != "")


def _rule_smarts(item: dict[str, Any], where: str, groups: dict[str, str], required: bool = True) -> str:
    """A rule's SMARTS: its own ``smarts``, or the shared ``[groups]`` entry it names with ``group`` (one of the two).

    >>> _rule_smarts({"group": "thiol"}, "site x", {"thiol": "[SX2;H1]-[#6]"})
    '[SX2;H1]-[#6]'
    >>> _rule_smarts({"group": "thiol", "smarts": "[SH]"}, "site x", {"thiol": "[SX2;H1]-[#6]"})
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: site x: give smarts or group, not both
    """
    if "group" in item:
        if "smarts" in item:
            raise RuleDataError(f"{where}: give smarts or group, not both")
        name = str(item["group"])
        if name not in groups:
            raise RuleDataError(f"{where}: unknown group {name!r} (known: {', '.join(sorted(groups))})")
        return groups[name]
    return str(require(item, "smarts", where)) if required else str(item.get("smarts", ""))


def _parse_reaction(entry: dict[str, Any], known: dict[str, str], presets: tuple[str, ...],
                    groups: dict[str, str]) -> ReactionClass:
    rid = str(require(entry, "id", "reaction"))
    where = f"reaction {rid}"
    target = str(require(entry, "target", where))
    if target not in POSITIONS:
        raise RuleDataError(f"{where}: target must be one of {POSITIONS}, got {target!r}")
    stability_presets = _strings(entry, "stability_presets", where)
    unknown_presets = [p for p in stability_presets if p not in presets]
    if unknown_presets:
        raise RuleDataError(f"{where}: unknown stability presets {unknown_presets}")
    reagents = []
    for item in entry.get("reagent", []):
        gid = str(require(item, "id", where))
        wid = f"{rid}.{gid}"
        smarts = _rule_smarts(item, wid, groups)
        reaction_smarts = str(require(item, "reaction", wid))
        reagents.append(
            ReagentType(
                id=gid,
                label=str(require(item, "label", wid)),
                smarts=smarts,
                pattern=compile_smarts(smarts, wid),
                reaction_smarts=reaction_smarts,
                reaction=compile_reaction(reaction_smarts, wid),
                must_match=_strings(item, "must_match", wid),
                must_not_match=_strings(item, "must_not_match", wid),
            )
        )
    if not reagents:
        raise RuleDataError(f"{where}: no reagent types")
    reagent_ids = {g.id for g in reagents}
    sites = []
    for item in entry.get("site", []):
        sid = str(require(item, "id", where))
        position = str(item.get("position", ""))
        if position and position not in POSITIONS:
            raise RuleDataError(f"site {sid}: position must be one of {POSITIONS}, got {position!r}")
        limited = _strings(item, "reagents", sid, required=False)
        if set(limited) - reagent_ids:
            raise RuleDataError(f"site {sid}: unknown reagent types {sorted(set(limited) - reagent_ids)}")
        smarts = _rule_smarts(item, sid, groups)
        classes = _strings(item, "n4_class", sid, required=False) or _strings(item, "n1_class", sid, required=False)
        sites.append(
            SiteRule(
                id=sid,
                label=str(require(item, "label", sid)),
                position=position,
                classes=classes,
                smarts=smarts,
                pattern=compile_smarts(smarts, sid),
                tier=int(require(item, "tier", sid)),
                basis=str(require(item, "basis", sid)),
                references=_check_refs(_strings(item, "references", sid), f"site {sid}", known),
                protect=str(require(item, "protect", sid)),
                warning=str(item.get("warning", "")),
                reagents=limited,
                must_match=_strings(item, "must_match", sid),
                must_not_match=_strings(item, "must_not_match", sid),
                competitor_only=bool(item.get("competitor_only", False)),
                ring_n_isomer_warning=str(item.get("ring_n_isomer_warning", "")),
            )
        )
    if not any(s.position == target for s in sites) and target:
        raise RuleDataError(f"{where}: no site rule for its target {target}")
    incompatibilities = []
    for item in entry.get("incompatible", []):
        iid = str(require(item, "id", where))
        smarts = _rule_smarts(item, iid, groups, required=False)
        flag = str(item.get("ring_flag", ""))
        if not smarts and not flag:
            raise RuleDataError(f"incompatibility {iid}: needs smarts or ring_flag")
        if not _ring_flag_ok(flag):
            raise RuleDataError(f"incompatibility {iid}: unknown ring_flag {flag!r}")
        severity = str(require(item, "severity", iid))
        if severity not in SEVERITIES:
            raise RuleDataError(f"incompatibility {iid}: severity must be one of {SEVERITIES}")
        position = str(item.get("position", ""))
        if position and (position not in POSITIONS or not smarts):
            raise RuleDataError(f"incompatibility {iid}: position needs a SMARTS and one of {POSITIONS}")
        limited = _strings(item, "reagents", iid, required=False)
        if set(limited) - reagent_ids:
            raise RuleDataError(f"incompatibility {iid}: unknown reagent types {sorted(set(limited) - reagent_ids)}")
        applies_to = str(item.get("applies_to", "substrate"))
        if applies_to not in ("substrate", "reagent") or (applies_to == "reagent" and (not smarts or flag or position)):
            raise RuleDataError(f"incompatibility {iid}: applies_to is substrate or reagent (a reagent rule needs a SMARTS only)")
        incompatibilities.append(
            IncompatibilityRule(
                id=iid,
                label=str(require(item, "label", iid)),
                smarts=smarts,
                pattern=compile_smarts(smarts, iid) if smarts else None,
                position=position,
                ring_flag=flag,
                severity=severity,
                reagents=limited,
                text=str(require(item, "text", iid)),
                references=_check_refs(_strings(item, "references", iid), f"incompatibility {iid}", known),
                must_match=_strings(item, "must_match", iid),
                must_not_match=_strings(item, "must_not_match", iid),
                applies_to=applies_to,
            )
        )
    blocked = {
        str(key): BlockedReason(str(value["text"]), _check_refs(tuple(value["references"]), f"{where} blocked {key}", known))
        for key, value in entry.get("blocked", {}).items()
    }
    return ReactionClass(
        id=rid,
        label=str(require(entry, "label", where)),
        conditions=str(require(entry, "conditions", where)),
        target=target,
        all_sites=bool(entry.get("all_sites", False)),
        stability_presets=stability_presets,
        references=_check_refs(_strings(entry, "references", where), where, known),
        reagents=tuple(reagents),
        sites=tuple(sites),
        incompatibilities=tuple(incompatibilities),
        blocked=blocked,
        must_react=_strings(entry, "must_react", where),
        must_not_react=_strings(entry, "must_not_react", where),
    )


def parse_reaction_rules(table: dict[str, Any]) -> ReactionRuleSet:
    """Build the rule set from a parsed TOML table (:class:`RuleDataError` on any defect)."""
    from ..stability import CONDITION_NAMES

    version = str(table.get("ruleset_version", ""))
    if not version:
        raise RuleDataError("reaction rules: missing ruleset_version")
    known = load_references()
    groups = {str(name): str(smarts) for name, smarts in table.get("groups", {}).items()}
    reactions = tuple(_parse_reaction(e, known, tuple(CONDITION_NAMES), groups) for e in table.get("reaction", []))
    used = {str(item["group"]) for e in table.get("reaction", [])
            for kind in ("reagent", "site", "incompatible") for item in e.get(kind, []) if "group" in item}
    if set(groups) - used:
        raise RuleDataError(f"reaction rules: groups no rule uses: {sorted(set(groups) - used)}")
    ids = [r.id for r in reactions]
    rule_ids = [x.id for r in reactions for x in (*r.sites, *r.incompatibilities)]
    duplicated = sorted({i for i in ids + rule_ids if (ids + rule_ids).count(i) > 1})
    if duplicated:
        raise RuleDataError(f"reaction rules: duplicated ids {duplicated}")
    blocked = {
        str(position): {
            str(key): BlockedReason(str(v["text"]), _check_refs(tuple(v["references"]), f"blocked {position}.{key}", known))
            for key, v in reasons.items()
        }
        for position, reasons in table.get("blocked", {}).items()
    }
    return ReactionRuleSet(version=version, reactions=reactions, blocked=blocked)


@lru_cache(maxsize=1)
def load_reaction_rules() -> ReactionRuleSet:
    """The packaged derivatization rules (parsed and compiled once per process)."""
    return parse_reaction_rules(read_packaged_toml(RULES_FILE, PACKAGE, ""))


def reaction_names() -> tuple[str, ...]:
    """The names of the packaged reaction classes.

    >>> "boc_deprotection" in reaction_names()
    True
    """
    return load_reaction_rules().names


def chosen_reaction_names(names: Iterable[str]) -> tuple[str, ...]:
    """The reaction classes a user names, each once, in the order given: ``all`` stands for every packaged class (in
    the rule file's order), ``none`` for none. Raises :class:`UnknownReactionError` naming every unknown class.

    >>> chosen_reaction_names(["reductive_amination", "acylation", "acylation"])
    ('reductive_amination', 'acylation')
    >>> chosen_reaction_names(["all"]) == reaction_names(), chosen_reaction_names(["none"])
    (True, ())
    >>> chosen_reaction_names(["acylation", "esterification", "amidation"])
    Traceback (most recent call last):
    ...
    reactivity.derivatization.rules.UnknownReactionError: unknown reaction class(es) esterification, amidation (known: acylation, sulfonylation, reductive_amination, n_alkylation, n_arylation, urea_formation, carbamate_formation, boc_deprotection, lactam_n_alkylation, c3_alkylation)
    """
    chosen: list[str] = []
    for name in names:
        if name == "all":
            chosen.extend(reaction_names())
        elif name != "none":
            chosen.append(name)
    unknown = [name for name in dict.fromkeys(chosen) if name not in reaction_names()]
    if unknown:
        known = ", ".join(reaction_names())
        raise UnknownReactionError(f"unknown reaction class(es) {', '.join(unknown)} (known: {known})")
    return tuple(dict.fromkeys(chosen))

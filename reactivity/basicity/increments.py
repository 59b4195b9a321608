"""Substituent increments (``substituent_increments.toml``): an amine site carrying a group the site model cannot
combine with its other neighbours (trifluoroethyl, cyanomethyl, oxetan-3-yl, cyclopropyl, ...) is predicted as the
model's value for the analog with the plain alkyl group in its place, plus the measured difference between the two.

>>> from rdkit import Chem
>>> mol = Chem.MolFromSmiles("CN(C)CC(F)(F)F")
>>> edit = site_increments(mol, ((1, "aliphatic_amine"),))[1]
>>> Chem.MolToSmiles(edit.analog), edit.analog_atom, edit.rule.id, edit.rule.delta
('CCN(C)C', 1, 'trifluoroethyl', -5.2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdkit import Chem

from ..errors import RuleDataError
from ..molecule import quiet_rdkit
from ..rules import checked_references, compile_screen, compile_smarts, read_packaged_toml, require, rule_matches

INCREMENT_FILE = "substituent_increments.toml"

#: Site classes an increment may change (the amines whose substituents these rules describe).
INCREMENT_CLASSES = frozenset({"aliphatic_amine"})


@dataclass(frozen=True, slots=True)
class IncrementRule:
    """One substituent increment: the group's SMARTS (first atom: the amine N), how to make the analog and the
    measured pKa difference between the group and its alkyl counterpart."""

    id: str
    smarts: str
    pattern: Chem.Mol
    delete: tuple[int, ...]
    to_carbon: tuple[int, ...]
    break_bond: tuple[tuple[int, int], ...]
    delta: float
    band: float
    labels: str
    references: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    screen: Chem.Mol | None = None  # recursion-free superset of ``pattern`` (:func:`reactivity.rules.compile_screen`)


@dataclass(frozen=True, slots=True)
class SiteIncrement:
    """The analog of one site (a new molecule), the site's atom in it and the increment rule that made it."""

    analog: Chem.Mol
    analog_atom: int
    rule: IncrementRule


def _positions(entry: dict[str, Any], key: str, size: int, where: str) -> tuple[int, ...]:
    values = tuple(int(v) for v in entry.get(key, ()))
    if any(not 0 < v < size for v in values):
        raise RuleDataError(f"{where}: {key} names an atom outside the SMARTS (or the amine N itself)")
    return values


def parse_increment_rules(data: dict[str, Any]) -> tuple[IncrementRule, ...]:
    """The ``[[increment]]`` rules of a parsed rule file (RuleDataError when one is malformed).

    >>> parse_increment_rules({"rules_version": "x", "increment": [{"id": "bad", "smarts": "[N]-C", "delete": [5],
    ...     "delta": -1.0, "band": 0.5, "labels": "", "rationale": "", "evidence": [], "references": [],
    ...     "must_match": [], "must_not_match": []}]})
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: substituent_increments.toml bad: delete names an atom outside the SMARTS (or the amine N itself)
    """
    if not isinstance(data.get("rules_version"), str):
        raise RuleDataError(f"{INCREMENT_FILE}: missing rules_version")
    rules = []
    for entry in data.get("increment", []):
        rule_id = str(entry.get("id", "?"))
        where = f"{INCREMENT_FILE} {rule_id}"
        for key in ("delta", "band", "labels", "rationale", "evidence", "references", "must_match", "must_not_match"):
            require(entry, key, where)
        smarts = str(require(entry, "smarts", where))
        pattern = compile_smarts(smarts, where)
        size = pattern.GetNumAtoms()
        pairs = tuple((int(a), int(b)) for a, b in entry.get("break_bond", ()))
        if any(not (0 < a < size and 0 < b < size) or pattern.GetBondBetweenAtoms(a, b) is None for a, b in pairs):
            raise RuleDataError(f"{where}: break_bond names atoms of the SMARTS that are not bonded")
        rule = IncrementRule(
            id=rule_id, smarts=smarts, pattern=pattern, delete=_positions(entry, "delete", size, where),
            to_carbon=_positions(entry, "to_carbon", size, where), break_bond=pairs, delta=float(entry["delta"]),
            band=float(entry["band"]), labels=str(entry["labels"]),
            references=checked_references(entry["references"], where), must_match=tuple(entry["must_match"]),
            must_not_match=tuple(entry["must_not_match"]), screen=compile_screen(smarts, where),
        )
        if not (rule.delete or rule.to_carbon or rule.break_bond):
            raise RuleDataError(f"{where}: no edit (delete, to_carbon or break_bond) makes the analog")
        rules.append(rule)
    return tuple(rules)


@lru_cache(maxsize=1)
def increment_rules() -> tuple[IncrementRule, ...]:
    """The packaged substituent increments."""
    return parse_increment_rules(read_packaged_toml(INCREMENT_FILE, "reactivity.basicity", ""))


def _analog(mol: Chem.Mol, site: int, rule: IncrementRule, match: tuple[int, ...]) -> tuple[Chem.Mol, int]:
    """The molecule with the matched group replaced by its alkyl counterpart, and the site's index in it."""
    editable = Chem.RWMol(mol)
    for position in rule.to_carbon:
        atom = editable.GetAtomWithIdx(match[position])
        atom.SetAtomicNum(6)
        atom.SetFormalCharge(0)
        atom.SetNoImplicit(False)
        atom.SetNumExplicitHs(0)
        atom.SetIsAromatic(False)
    for a, b in rule.break_bond:
        editable.RemoveBond(match[a], match[b])
    deleted: set[int] = set()
    order = {atom: position for position, atom in enumerate(match)}
    for position in rule.delete:  # the atom and everything hanging on it, away from the amine
        root = match[position]
        # the matched atom it hangs from: its neighbour matched earliest (the SMARTS runs outwards from the amine N)
        parent = min((n.GetIdx() for n in mol.GetAtomWithIdx(root).GetNeighbors() if n.GetIdx() in order),
                     key=order.__getitem__)
        stack = [root]
        while stack:
            index = stack.pop()
            if index in deleted:
                continue
            if index == site:
                raise ValueError("the branch reaches the amine itself")
            deleted.add(index)
            stack.extend(n.GetIdx() for n in mol.GetAtomWithIdx(index).GetNeighbors() if n.GetIdx() != parent)
    for index in deleted:  # neighbours of removed atoms take hydrogens instead
        for neighbour in editable.GetAtomWithIdx(index).GetNeighbors():
            if neighbour.GetIdx() not in deleted:
                neighbour.SetNoImplicit(False)
                neighbour.SetNumExplicitHs(0)
    for index in sorted(deleted, reverse=True):
        editable.RemoveAtom(index)
    analog = editable.GetMol()
    Chem.SanitizeMol(analog)
    return analog, site - sum(1 for index in deleted if index < site)


def site_increments(mol: Chem.Mol, sites: Sequence[tuple[int, str]]) -> dict[int, SiteIncrement]:
    """For each model site (atom, class) of ``mol`` that carries exactly one group of an increment rule: its analog,
    the site's atom in the analog and the increment. A site with two or more such groups gets none (their effects
    do not add up in the measured data; the model's value stands).

    >>> from rdkit import Chem
    >>> site_increments(Chem.MolFromSmiles("CCN(CC#N)CC#N"), ((2, "aliphatic_amine"),))
    {}
    """
    candidates = {atom for atom, site_class in sites if site_class in INCREMENT_CLASSES}
    if not candidates:
        return {}
    found: dict[int, list[tuple[IncrementRule, tuple[int, ...]]]] = {}
    for rule in increment_rules():
        for match in rule_matches(mol, rule, uniquify=True):  # a CF3's fluorines match in any order: once
            if match[0] in candidates:
                found.setdefault(match[0], []).append((rule, match))
    out = {}
    for site, edits in found.items():
        if len(edits) == 1:
            (rule, match), = edits
            try:
                with quiet_rdkit():
                    analog, atom = _analog(mol, site, rule, match)
            except (ValueError, RuntimeError):  # an analog RDKit refuses (odd valences nearby): keep the model's value
                continue
            out[site] = SiteIncrement(analog, atom, rule)
    return out

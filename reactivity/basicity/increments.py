"""Substituent increments (``substituent_increments.toml``): an amine site carrying a group the site model cannot
combine with its other neighbours (trifluoroethyl, cyanomethyl, oxetan-3-yl, cyclopropyl, ...) is predicted as the
model's value for the analog with the plain alkyl group in its place, plus the measured difference between the two;
the ring N of a diazine carrying electron-withdrawing groups, or of a pyridine carrying two or more, as the model's
value for the ring without them plus each group's measured effect on pyridine at the same position.

>>> from rdkit import Chem
>>> mol = Chem.MolFromSmiles("CN(C)CC(F)(F)F")
>>> edit = site_increments(mol, ((1, "aliphatic_amine"),))[1]
>>> Chem.MolToSmiles(edit.analog), edit.analog_atom, edit.rules, edit.delta
('CCN(C)C', 1, ('trifluoroethyl',), -5.2)
>>> pyrazinamide = Chem.MolFromSmiles("NC(=O)c1cnccn1")  # atoms 5 and 8: the ring N meta and ortho to the amide
>>> edits = site_increments(pyrazinamide, ((5, "pyridine_like"), (8, "pyridine_like")))
>>> Chem.MolToSmiles(edits[8].analog), edits[8].rules, edits[8].delta, edits[5].delta
('c1cnccn1', ('azine_acyl',), -2.95, -1.99)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdkit import Chem

from ..errors import RuleDataError
from ..molecule import quiet_rdkit
from ..rules import checked_references, compile_screen, compile_smarts, read_packaged_toml, require, rule_matches
from ..tautomers import free_ring_nitrogen

INCREMENT_FILE = "substituent_increments.toml"

#: Site classes an increment may change (the amines whose substituents these rules describe).
INCREMENT_CLASSES = frozenset({"aliphatic_amine"})
#: Site classes a ring increment may change (the ring N of pyridines, diazines and triazines).
RING_INCREMENT_CLASSES = frozenset({"pyridine_like"})
_POSITIONS = ("ortho", "meta", "para")


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
class RingIncrementRule:
    """A group on a carbon of an azine ring (SMARTS, first atom bonded to the ring) and its measured effect on the
    ring N's pKaH at each position (``None``: not measured there, the group stays in the analog)."""

    id: str
    smarts: str
    pattern: Chem.Mol
    deltas: tuple[float | None, float | None, float | None]  # ortho, meta, para
    band: float
    labels: str
    references: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    #: applied also when it is the only group on a pyridine ring (no pyridine with this group is in the site model's
    #: training data, so the model's value for it is a guess)
    alone: bool = False


@dataclass(frozen=True, slots=True)
class SiteIncrement:
    """The analog of one site (a new molecule), the site's atom in it, the ids of the increments that made it, their
    summed pKa difference and the width they add to the band."""

    analog: Chem.Mol
    analog_atom: int
    rules: tuple[str, ...]
    delta: float
    band: float


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


def parse_ring_increment_rules(data: dict[str, Any]) -> tuple[RingIncrementRule, ...]:
    """The ``[[ring_increment]]`` rules of a parsed rule file (RuleDataError when one is malformed).

    >>> parse_ring_increment_rules({"ring_increment": [{"id": "bad", "smarts": "[Cl]", "band": 0.5, "labels": "",
    ...     "rationale": "", "evidence": [], "references": [], "must_match": [], "must_not_match": []}]})
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: substituent_increments.toml bad: no measured effect at any position (ortho, meta, para)
    """
    rules = []
    for entry in data.get("ring_increment", []):
        rule_id = str(entry.get("id", "?"))
        where = f"{INCREMENT_FILE} {rule_id}"
        for key in ("band", "labels", "rationale", "evidence", "references", "must_match", "must_not_match"):
            require(entry, key, where)
        deltas = tuple(None if entry.get(key) is None else float(entry[key]) for key in _POSITIONS)
        if all(d is None for d in deltas):
            raise RuleDataError(f"{where}: no measured effect at any position (ortho, meta, para)")
        smarts = str(require(entry, "smarts", where))
        rules.append(RingIncrementRule(
            id=rule_id, smarts=smarts, pattern=compile_smarts(smarts, where), deltas=deltas,  # type: ignore[arg-type]
            band=float(entry["band"]), labels=str(entry["labels"]),
            references=checked_references(entry["references"], where), must_match=tuple(entry["must_match"]),
            must_not_match=tuple(entry["must_not_match"]), alone=bool(entry.get("alone", False))))
    return tuple(rules)


@lru_cache(maxsize=1)
def _increment_file() -> dict[str, Any]:
    return read_packaged_toml(INCREMENT_FILE, "reactivity.basicity", "")


@lru_cache(maxsize=1)
def increment_rules() -> tuple[IncrementRule, ...]:
    """The packaged substituent increments of amine sites."""
    return parse_increment_rules(_increment_file())


@lru_cache(maxsize=1)
def ring_increment_rules() -> tuple[RingIncrementRule, ...]:
    """The packaged substituent increments of azine ring N sites."""
    return parse_ring_increment_rules(_increment_file())


@lru_cache(maxsize=1)
def ring_increment_ids() -> frozenset[str]:
    """The ids of :func:`ring_increment_rules` (a site's adjustments name them)."""
    return frozenset(rule.id for rule in ring_increment_rules())


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
        if not _collect_branch(mol, root, parent, {site}, deleted):
            raise ValueError("the branch reaches the amine itself")
    return _without(editable, deleted, site)


def _collect_branch(mol: Chem.Mol, root: int, parent: int, stop: set[int], deleted: set[int]) -> bool:
    """Add ``root`` and every atom reached from it without passing through ``parent`` to ``deleted``; False (and the
    analog is not to be made) when the walk reaches an atom of ``stop``."""
    stack = [root]
    while stack:
        index = stack.pop()
        if index in deleted:
            continue
        if index in stop:
            return False
        deleted.add(index)
        stack.extend(n.GetIdx() for n in mol.GetAtomWithIdx(index).GetNeighbors() if n.GetIdx() != parent)
    return True


def _without(editable: Chem.RWMol, deleted: set[int], site: int) -> tuple[Chem.Mol, int]:
    """The molecule with the ``deleted`` atoms removed (their remaining neighbours take hydrogens), sanitized (RDKit
    raises when it refuses it), and the site's index in it."""
    for index in deleted:
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
    """For each model site (atom, class) of ``mol`` predicted through an analog: the analog, the site's atom in it and
    the increments. An amine site carrying exactly one group of an increment rule gets it; one with two or more gets
    none (their effects do not add up in the measured data; the model's value stands). Azine ring N: see
    :func:`_ring_increment`.

    >>> from rdkit import Chem
    >>> site_increments(Chem.MolFromSmiles("CCN(CC#N)CC#N"), ((2, "aliphatic_amine"),))
    {}
    """
    out = _amine_increments(mol, {atom for atom, site_class in sites if site_class in INCREMENT_CLASSES})
    # ring N whose ring could qualify: two or more pyridine-type N, two or more substituted ring carbons, or one and a
    # group that counts alone somewhere in the molecule (the group searches run only then)
    rings = []
    alone_group: bool | None = None  # whether a group that counts alone is in the molecule (searched once, if asked)
    for atom, site_class in sites:
        found = _azine_ring(mol, atom) if site_class in RING_INCREMENT_CLASSES else None
        if found is None:
            continue
        substituted = len(_substituted_ring_atoms(mol, found[0]))
        if substituted == 1 and found[1] < 2 and alone_group is None:
            alone_group = any(rule.alone and mol.HasSubstructMatch(rule.pattern) for rule in ring_increment_rules())
        if found[1] >= 2 or substituted >= 2 or (substituted == 1 and alone_group):
            rings.append((atom, found))
    if rings:
        groups: dict[int, list[RingIncrementRule]] = {}
        for rule in ring_increment_rules():
            for match in mol.GetSubstructMatches(rule.pattern, uniquify=True):
                groups.setdefault(match[0], []).append(rule)
        for site, (ring, ring_n) in rings:
            increment = _ring_increment(mol, site, ring, ring_n, groups) if groups else None
            if increment is not None:
                out[site] = increment
    return out


def _amine_increments(mol: Chem.Mol, candidates: set[int]) -> dict[int, SiteIncrement]:
    if not candidates:
        return {}
    found: dict[int, list[tuple[IncrementRule, tuple[int, ...]]]] = {}
    for rule in increment_rules():
        seen: set[tuple[int, frozenset[int]]] = set()
        for match in rule_matches(mol, rule):
            # a CF3's fluorines match in any order: once per site and atom set; a symmetric group (the other N of a
            # piperazine) matches once from each of its two N, each then the site
            key = (match[0], frozenset(match))
            if match[0] in candidates and key not in seen:
                seen.add(key)
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
            out[site] = SiteIncrement(analog, atom, (rule.id,), rule.delta, rule.band)
    return out


def _azine_ring(mol: Chem.Mol, site: int) -> tuple[tuple[int, ...], int] | None:
    """The azine ring holding the site (its atoms in ring order) and its number of pyridine-type N (two-connected, no
    H); None when the site's six-membered aromatic ring is not a plain azine: a ring atom with an exocyclic double bond
    (pyridones, pyrimidinones, cytosines: the site model's training data hold them) or a charged ring atom (N-oxides,
    pyridinium)."""
    for ring in mol.GetRingInfo().AtomRings():
        if len(ring) != 6 or site not in ring:
            continue
        pyridine_n = 0
        for index in ring:
            atom = mol.GetAtomWithIdx(index)
            if not atom.GetIsAromatic() or atom.GetFormalCharge() != 0 or any(
                    bond.GetBondType() == Chem.BondType.DOUBLE and bond.GetOtherAtomIdx(index) not in ring
                    for bond in atom.GetBonds()):
                return None
            if free_ring_nitrogen(atom, 0):
                pyridine_n += 1
        return tuple(ring), pyridine_n
    return None


def _substituted_ring_atoms(mol: Chem.Mol, ring: tuple[int, ...]) -> list[int]:
    """The atoms of an azine ring (from :func:`_azine_ring`, so none is charged or N-substituted) bonded to an atom
    outside it: a substituent or a fused ring.

    >>> _substituted_ring_atoms(Chem.MolFromSmiles("Nc1ccncc1C(=O)O"), (1, 2, 3, 4, 5, 6))
    [1, 6]
    """
    return [index for index in ring if mol.GetAtomWithIdx(index).GetDegree() > 2]


def _chelating_partner(mol: Chem.Mol, site: int, ring: tuple[int, ...]) -> bool:
    """Whether the site N and a pyridine-type N of another ring are joined through two carbons, one in each ring
    (2,2'-bipyridine, 1,10-phenanthroline: the two N share the proton).

    >>> bipyridine = Chem.MolFromSmiles("c1ccc(-c2ccccn2)nc1")  # N9 in ring (4, ..., 9), N10 in the other ring
    >>> _chelating_partner(bipyridine, 9, (4, 5, 6, 7, 8, 9))
    True
    """
    for first in mol.GetAtomWithIdx(site).GetNeighbors():
        if first.GetAtomicNum() != 6 or first.GetIdx() not in ring:
            continue
        for second in first.GetNeighbors():
            if second.GetAtomicNum() != 6 or second.GetIdx() in ring:
                continue
            if any(n.GetIdx() not in ring and free_ring_nitrogen(n, 0) for n in second.GetNeighbors()):
                return True
    return False


def _ring_increment(mol: Chem.Mol, site: int, ring: tuple[int, ...], ring_n: int,
                    groups: dict[int, list[RingIncrementRule]]) -> SiteIncrement | None:
    """The increment of an azine ring N (its ring from :func:`_azine_ring`, with ``ring_n`` pyridine-type N) whose
    ring carries groups of ``groups`` (group atom -> the rules that match it; the first with a value at the group's
    position is used, so a measured rule and an estimate rule can share a group, each at its own positions): applied
    on a ring with two or more pyridine-type N and at least one group with a value at its position, or on a pyridine
    ring with one such group and anything else on its carbons (another substituent of any kind, a fused ring; a group
    whose rule counts ``alone`` needs nothing else); never next to a chelating partner N, nor when a group's branch
    comes back into the ring."""
    k = ring.index(site)
    placed = []  # (ring carbon, group atom, rule, delta)
    for j, ring_atom in enumerate(ring):
        atom = mol.GetAtomWithIdx(ring_atom)
        if atom.GetAtomicNum() != 6:
            continue
        position = min((j - k) % 6, (k - j) % 6) - 1  # 0 ortho, 1 meta, 2 para
        for neighbour in atom.GetNeighbors():
            if neighbour.GetIdx() in ring:
                continue
            rule = next((r for r in groups.get(neighbour.GetIdx(), ()) if r.deltas[position] is not None), None)
            if rule is not None:
                placed.append((ring_atom, neighbour.GetIdx(), rule, rule.deltas[position]))
    if not placed or _chelating_partner(mol, site, ring):
        return None
    if ring_n < 2 and len(placed) == 1:
        carbon, _, rule, _ = placed[0]
        if not rule.alone and _substituted_ring_atoms(mol, ring) == [carbon]:
            # one group and nothing else on a pyridine: the model has seen that pyridine (with anything else on the
            # ring, another substituent or a fused ring, the model would have to combine the two)
            return None
    deleted: set[int] = set()
    for ring_atom, root, _, _ in placed:  # each group with everything that hangs on it, away from the ring
        if not _collect_branch(mol, root, ring_atom, set(ring), deleted):
            return None  # the branch comes back into the ring
    try:
        with quiet_rdkit():
            analog, analog_site = _without(Chem.RWMol(mol), deleted, site)
    except (ValueError, RuntimeError):  # an analog RDKit refuses: keep the model's value
        return None
    return SiteIncrement(
        analog, analog_site, tuple(sorted({rule.id for _, _, rule, _ in placed})),
        math.fsum(delta for _, _, _, delta in placed), math.sqrt(math.fsum(rule.band ** 2 for _, _, rule, _ in placed)))

"""Which seven-atom cycles are 1,4-diazepan-2-one rings, and which way round they are numbered.

A core match is a real ring only when its seven atoms form a *chordless* cycle (no bond between two atoms that
are not neighbours in the cycle): the seven-atom perimeter of a cyclopropane-fused piperidinone is not a ring.
Rings are counted by their lactam unit (N1, C2, C3, N4); when one unit lies on several chordless seven-cycles
(a bridged bicycle) the ring is reported once. The reading direction of a 2,3-dione, where either amide N
could be N1, is decided by chemistry, never by atom order (see ``docs/chemistry.md#the-ring-and-its-numbering``).

>>> from reactivity.rules import load_site_rules
>>> perimeter = Chem.MolFromSmiles("O=C1CNC2CC2N1")   # piperazinone fused to cyclopropane (7-atom perimeter)
>>> [m for m in lactam_rings(perimeter, load_site_rules().core.pattern)]
[]
"""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem

from ..molecule import all_substruct_matches, canonical_ranks


@dataclass(frozen=True, slots=True)
class LactamRing:
    """One oriented ring: ``match`` is (N1, C2, O2, C3, N4, C5, C6, C7); ``bridged`` when its lactam unit lies on
    more than one chordless seven-membered cycle."""

    match: tuple[int, ...]
    bridged: bool


def is_chordless(mol: Chem.Mol, cycle: tuple[int, ...]) -> bool:
    """Does the cycle ``cycle`` (atoms in ring order) have no bond between two non-adjacent atoms?

    Checked pair by pair: no bond joins two atoms that are not neighbours on the cycle.

    >>> norcarane = Chem.MolFromSmiles("C1CC2CC2C1")   # bicyclo[4.1.0]heptane
    >>> is_chordless(norcarane, (0, 1, 2, 3, 4, 5)), is_chordless(norcarane, (0, 1, 2, 4, 5))
    (False, True)
    """
    size = len(cycle)
    return not any(  # every pair of atoms that are not neighbours on the cycle: no bond between them
        mol.GetBondBetweenAtoms(cycle[i], cycle[j]) is not None
        for i in range(size)
        for j in range(i + 2, size - (1 if i == 0 else 0))
    )


def _seven_cycle(match: tuple[int, ...]) -> tuple[int, ...]:
    return match[:2] + match[3:]  # drop O2: N1, C2, C3, N4, C5, C6, C7


def _orientation_key(mol: Chem.Mol, match: tuple[int, ...]) -> tuple:
    """Sort key of one reading of a ring from its chemistry: lower is preferred (documented order of rules)."""
    n1 = mol.GetAtomWithIdx(match[0])
    cycle = set(_seven_cycle(match))
    fused_aromatic = any(nb.GetIsAromatic() and nb.GetIdx() in cycle for nb in n1.GetNeighbors())
    any_aromatic = any(nb.GetIsAromatic() for nb in n1.GetNeighbors() if nb.GetIdx() != match[1])
    return (
        not fused_aromatic,  # 1. N1 on an aromatic atom of the ring (anilide N of a benzo-fused 2,3-dione) first
        not any_aromatic,  # ... then N1 on any aromatic atom
        n1.GetTotalNumHs() == 0,  # 2. the lactam N-H
        -n1.GetDegree(),  # 3. the more substituted N (a chemical, order-free property)
    )


def _best_reading(mol: Chem.Mol, matches: list[tuple[int, ...]], ranks: list[list[int]]) -> tuple[int, ...]:
    """The preferred reading of one lactam unit; canonical ranks (computed once, only on a tie) break ties."""
    keys = {match: _orientation_key(mol, match) for match in matches}
    best = min(keys.values())
    tied = [match for match in matches if keys[match] == best]
    if len(tied) == 1:
        return tied[0]
    if not ranks:
        ranks.append(canonical_ranks(mol))
    # 4. canonical ranks: independent of the drawing; 5. identical ranks (symmetric readings give identical
    # answers): the lower atom indices, for a stable output
    return min(tied, key=lambda m: (tuple(ranks[0][a] for a in _seven_cycle(m)), m))


def lactam_rings(mol: Chem.Mol, core: Chem.Mol) -> list[LactamRing]:
    """Every 1,4-diazepan-2-one ring of ``mol`` (chordless seven-cycles, one per lactam unit), sorted by N1.

    >>> mol = Chem.MolFromSmiles("O=C1NCCCNC1=O")   # symmetric 2,3-dione: one ring
    >>> core = Chem.MolFromSmarts("[#7;R]1~[#6;R](=[#8])~[#6;R]~[#7;R]~[#6;R]~[#6;R]~[#6;R]~1")
    >>> [r.match for r in lactam_rings(mol, core)]
    [(2, 1, 0, 7, 6, 5, 4, 3)]
    """
    by_unit: dict[frozenset[int], list[tuple[int, ...]]] = {}
    for match in all_substruct_matches(mol, core):
        if not is_chordless(mol, _seven_cycle(match)):
            continue
        unit = frozenset((match[0], match[1], match[3], match[4]))
        by_unit.setdefault(unit, []).append(match)
    if not by_unit:
        return []
    ranks: list[list[int]] = []  # filled on the first tie only (the ranking costs more than the rest)
    rings: list[LactamRing] = []
    for matches in by_unit.values():
        cycles = {frozenset(_seven_cycle(m)) for m in matches}
        rings.append(LactamRing(match=_best_reading(mol, matches, ranks), bridged=len(cycles) > 1))
    return sorted(rings, key=lambda r: r.match[0])


def query_cycle_atoms(query: Chem.Mol) -> tuple[int, ...]:
    """Query atom indices of the ring that holds the query's first atom (empty when there is none)."""
    query = Chem.Mol(query)
    query.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(query)
    for ring in query.GetRingInfo().AtomRings():
        if 0 in ring:
            return tuple(ring)
    return ()


def chordless_matches(mol: Chem.Mol, query: Chem.Mol, cycle_atoms: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Matches of ``query`` whose atoms on the query ring ``cycle_atoms`` form a chordless cycle of ``mol``."""
    if not cycle_atoms:
        return list(all_substruct_matches(mol, query, uniquify=True))
    return [
        match
        for match in all_substruct_matches(mol, query)
        if is_chordless(mol, tuple(match[i] for i in cycle_atoms))
    ]

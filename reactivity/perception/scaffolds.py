"""Near-miss naming: what a molecule without a 1,4-diazepan-2-one ring is instead.

Ring-shaped near-miss rules count only chordless cycles of the molecule, the same rule the ring itself obeys:
the seven-atom perimeter of a carbapenem (a beta-lactam fused to a five-membered ring) is no caprolactam.

>>> related_scaffolds(Chem.MolFromSmiles("Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1)=NC2"))   # alprazolam
('azolo-fused 1,4-benzodiazepine (no 2-one)', '1,4-diazepine (no lactam)')
>>> related_scaffolds(Chem.MolFromSmiles("O=C1CCNCCN1"))
('1,4-diazepan-5-one',)
>>> related_scaffolds(Chem.MolFromSmiles("O=C1CNCCCN1"))
()
"""

from __future__ import annotations

from functools import lru_cache

from rdkit import Chem

from ..molecule import as_read, with_ring_info
from ..rules import SmartsRule, compile_smarts, could_match, load_site_rules
from .rings import chordless_matches, lactam_rings, query_cycle_atoms


def _cycle_bonds_ok(mol: Chem.Mol, cycle: tuple[int, ...], wanted: str) -> bool:
    if wanted == "any":
        return True
    bonds = [mol.GetBondBetweenAtoms(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]
    saturated = all(b.GetBondType() == Chem.BondType.SINGLE and not b.GetIsAromatic() for b in bonds)
    return saturated if wanted == "single" else not saturated


@lru_cache(maxsize=1)
def _rule_cycles() -> tuple[tuple[int, ...], ...]:
    return tuple(query_cycle_atoms(r.pattern) for r in load_site_rules().related)  # ring order, as RDKit lists it


def _matches_rule(mol: Chem.Mol, rule: SmartsRule, cycle_atoms: tuple[int, ...]) -> bool:
    if not could_match(mol, rule) or not mol.HasSubstructMatch(rule.pattern):
        return False
    for match in chordless_matches(mol, rule.pattern, cycle_atoms):
        cycle = tuple(match[i] for i in cycle_atoms)
        if not cycle_atoms or _cycle_bonds_ok(mol, cycle, rule.cycle_bonds):
            return True
    return False


def related_scaffolds(mol: Chem.Mol, *, from_reader: bool = False) -> tuple[str, ...]:
    """Names of the near-miss scaffolds in a molecule that has no 1,4-diazepan-2-one ring, by priority.

    Returns ``()`` when the molecule does contain the ring (it is then not a near miss; a lactim drawing of the ring
    is read as the lactam, :func:`reactivity.molecule.as_read`). ``from_reader``: ``mol`` comes from the project's
    readers and is not read again.

    >>> related_scaffolds(Chem.MolFromSmiles("O=C1N2C(CC2)CC1"))   # azetidine-fused pyrrolidinone: 7-atom perimeter
    ()
    """
    rules = load_site_rules()
    mol = with_ring_info(mol) if from_reader else as_read(mol, "related_scaffolds()")
    if mol.HasSubstructMatch(rules.core.pattern) and lactam_rings(mol, rules.core.pattern):
        return ()
    names: list[str] = []
    has_n_seven_cycle: bool | None = None
    for rule, needs_seven_cycle, cycle_atoms in zip(rules.related, _related_rules_needing_n_seven_cycle(), _rule_cycles()):
        if needs_seven_cycle:
            if has_n_seven_cycle is None:
                has_n_seven_cycle = mol.HasSubstructMatch(_N_IN_SEVEN_CYCLE)
            if not has_n_seven_cycle:
                continue
        if rule.value not in names and _matches_rule(mol, rule, cycle_atoms):
            names.append(rule.value)
    return tuple(names)


# One search screens every near-miss rule whose matches put a nitrogen on a seven-membered cycle: a molecule
# without such a cycle cannot match them (most molecules with a ring N have none; piperidines and pyridines skip ten
# searches).
_N_IN_SEVEN_CYCLE = compile_smarts("[#7;R]1~[R]~[R]~[R]~[R]~[R]~[R]~1", "screen.n_in_seven_cycle")


# The ring and every near-miss rule match a cycle of seven atoms through a ring nitrogen, except the piperazin-2-one
# rule (six atoms). Both screens read only elements, ring membership and connectivity (any bond), which ring perception
# and aromaticity do not change: they give the same answer on a molecule only checked for valence and a Kekule
# structure (ring membership from ``Chem.FastFindRings``) as on the fully sanitized one.
_SCREENS = (
    _N_IN_SEVEN_CYCLE,
    compile_smarts("[#7;R]1~[#6;R](~[#8])~[#6;R]~[#7;R]~[#6;R]~[#6;R]~1", "screen.piperazin_2_one_any_bond"),
)


def may_hold_ring(mol: Chem.Mol) -> bool:
    """Can ``mol`` hold a 1,4-diazepan-2-one ring or a near-miss scaffold? False means neither :func:`perceive` nor
    :func:`related_scaffolds` can find anything in it.

    A screen, not an answer (``docs/chemistry.md#the-ring-and-its-numbering``): it needs ring membership only
    (``Chem.FastFindRings`` is enough) and gives the same answer before and after aromaticity perception, so a
    library reader can decide without a full sanitization.

    >>> may_hold_ring(Chem.MolFromSmiles("c1ccncc1")), may_hold_ring(Chem.MolFromSmiles("O=C1CNCCN1"))
    (False, True)
    >>> kekule = Chem.MolFromSmiles("CN1C(=O)CN=C(C2=CC=CC=C2)C2=CC(Cl)=CC=C21", sanitize=False)
    >>> Chem.FastFindRings(kekule); may_hold_ring(kekule)
    True
    """
    return any(mol.HasSubstructMatch(screen) for screen in _SCREENS)


def needs_n_seven_cycle(rule: SmartsRule) -> bool:
    """Does every match of ``rule`` put a nitrogen on a seven-membered cycle of the molecule?

    True when the pattern's first atom is a nitrogen (the SMARTS starts ``[#7;`` or ``[#7]``, so ``#7`` is a
    conjunct of the whole atom expression) and lies on a seven-membered cycle of the pattern itself: a match maps
    that cycle onto seven distinct bonded atoms of the molecule.

    >>> [needs_n_seven_cycle(r) for r in load_site_rules().related if r.id in ("near.diazepane", "near.piperazin_2_one")]
    [True, False]
    """
    query = Chem.Mol(rule.pattern)
    query.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(query)
    return rule.smarts.startswith(("[#7;", "[#7]")) and query.GetRingInfo().IsAtomInRingOfSize(0, 7)


@lru_cache(maxsize=1)
def _related_rules_needing_n_seven_cycle() -> tuple[bool, ...]:
    return tuple(needs_n_seven_cycle(rule) for rule in load_site_rules().related)


__all__ = ["may_hold_ring", "needs_n_seven_cycle", "related_scaffolds"]

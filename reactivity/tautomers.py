"""One drawing for the hydrogens that move between nitrogens: amidines, guanidines and prototropic azoles.

A hydrogen that can sit on either nitrogen of an amidine (``N=C-N``) or of an azole ring (imidazole, pyrazole,
triazoles, tetrazole, benzimidazole, indazole, purine) gives one compound two or more drawings: 4-methylimidazole
is ``Cc1c[nH]cn1`` or ``Cc1cnc[nH]1``. Both drawings have one InChI (its mobile-hydrogen layer), but not one canonical
SMILES, so a product's SMILES would follow the way the input was drawn. The functions here draw each such unit one
fixed way, decided by the structure alone:

- an amidine or guanidine (:func:`amidine_drawing`): the C=N on the nitrogen with the fewest heavy-atom neighbours,
  between equals the one bonded to an aromatic ring; for an amidine carbon in a ring, on a nitrogen without an
  aromatic neighbour, then on the ring nitrogen; an acyclic N-acyl amidine or guanidine with its C=N on the acylated
  nitrogen (the through-conjugated tautomer); between equals the nitrogen first in a canonical order that does not
  see where the hydrogens are (:func:`skeleton_ranks`). This is the convention of the open pKa data the site model
  was trained on (``reactivity.basicity.drawing``);
- an azole N-H (:func:`azole_hydrogen_drawing`): on the ring nitrogen with the most fused-ring neighbours (the
  benzenoid 1H-indazole and 1H-benzotriazole), between equals the first in the same hydrogen-blind canonical order.

These are drawing conventions, not claims about the tautomer that dominates in a given solvent (clonidine's is the
arylimino one, 5-substituted tetrazoles are mixtures of 1H and 2H). :func:`one_hydrogen_drawing` applies both; the
SMILES of every product the tool lists (degradants, N-nitroso products, derivatization products) are written from it
(:func:`reactivity.species.species_smiles`).
"""

from __future__ import annotations

from collections.abc import Callable

from rdkit import Chem

from .molecule import canonical_ranks, redrawn_or_none, shift_double_bond, with_ring_info
from .rules import compile_smarts

# C=N of an amidine carbon (not aromatic, not a carbonyl carbon, with a single-bonded N), in a ring or not
_AMIDINE_IMINE = compile_smarts("[NX2;+0;!a]=[CX3;!a]-[#7]", "tautomers.amidine_imine")


def _plain(atom: Chem.Atom, carbon: int) -> bool:
    """An uncharged, non-aromatic N whose other neighbours are carbon or hydrogen and carry no C=N, C=O, C=S or C#N
    (so not an acyl, sulfonyl, cyano, N-N or N-O nitrogen, nor part of a second amidine)."""
    if atom.GetFormalCharge() != 0 or atom.GetIsAromatic():
        return False
    for neighbour in atom.GetNeighbors():
        if neighbour.GetIdx() == carbon:
            continue
        if neighbour.GetAtomicNum() not in (1, 6):
            return False
        if any(bond.GetBondType() in (Chem.BondType.DOUBLE, Chem.BondType.TRIPLE)
               and bond.GetOtherAtom(neighbour).GetAtomicNum() in (7, 8, 16) for bond in neighbour.GetBonds()):
            return False
    return True


def _acylated(atom: Chem.Atom, carbon: int) -> bool:
    """An uncharged, non-aromatic N bonded, besides the amidine carbon, to one acyl or thioacyl carbon (C=O, C=S)
    and otherwise to carbon or hydrogen only."""
    if atom.GetAtomicNum() != 7 or atom.GetFormalCharge() != 0 or atom.GetIsAromatic():
        return False
    acyl = 0
    for neighbour in atom.GetNeighbors():
        if neighbour.GetIdx() == carbon:
            continue
        if neighbour.GetAtomicNum() != 6:
            return False
        if any(bond.GetBondType() == Chem.BondType.DOUBLE and bond.GetOtherAtom(neighbour).GetAtomicNum() in (8, 16)
               for bond in neighbour.GetBonds()):
            acyl += 1
    return acyl == 1


def _heavy_degree(atom: Chem.Atom) -> int:
    return sum(1 for neighbour in atom.GetNeighbors() if neighbour.GetAtomicNum() > 1)


def _on_aromatic(atom: Chem.Atom) -> bool:
    return any(neighbour.GetIsAromatic() for neighbour in atom.GetNeighbors())


def skeleton_ranks(mol: Chem.Mol) -> list[int]:
    """Canonical ranks of the heavy-atom graph with every bond single and no hydrogens: the same for every tautomer
    drawing of the molecule."""
    skeleton = Chem.RWMol(mol)
    for bond in skeleton.GetBonds():
        bond.SetBondType(Chem.BondType.SINGLE)
        bond.SetIsAromatic(False)
    for atom in skeleton.GetAtoms():
        atom.SetIsAromatic(False)
        atom.SetNumExplicitHs(0)
        atom.SetNoImplicit(True)
    skeleton.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(skeleton)
    return canonical_ranks(skeleton, chirality=False)


def _place_order(nitrogen: Chem.Atom, ring_carbon: bool, rank: int) -> tuple[int, int, int]:
    """Sort key of a nitrogen that may take an amidine's C=N, lowest first: for an acyclic amidine carbon the fewest
    heavy neighbours, then an aryl nitrogen; for a ring carbon a nitrogen without an aromatic neighbour, then a ring
    nitrogen; then the canonical rank."""
    if ring_carbon:
        return int(_on_aromatic(nitrogen)), int(not nitrogen.IsInRing()), rank
    return _heavy_degree(nitrogen), int(not _on_aromatic(nitrogen)), rank


def amidine_drawing(mol: Chem.Mol) -> tuple[Chem.Mol, tuple[int, ...]]:
    """``mol`` with each amidine or guanidine unit drawn one way (the module docstring gives the order), and the
    nitrogens that took the C=N; ``mol`` itself and ``()`` when nothing changes. Atom numbers keep their meaning.

    >>> from rdkit import Chem
    >>> redrawn, moved = amidine_drawing(Chem.MolFromSmiles("NC(N)=Nc1ccccc1"))  # phenylguanidine
    >>> Chem.MolToSmiles(redrawn), moved
    ('N=C(N)Nc1ccccc1', (0,))
    >>> amidine_drawing(Chem.MolFromSmiles("CN(C)C=Nc1ccccc1"))[1]  # no hydrogen to move
    ()
    >>> Chem.MolToSmiles(amidine_drawing(Chem.MolFromSmiles("Clc1cccc(Cl)c1N=C1NCCN1"))[0])  # clonidine
    'Clc1cccc(Cl)c1NC1=NCCN1'
    >>> Chem.MolToSmiles(amidine_drawing(Chem.MolFromSmiles("N=C(N)NC(=O)Cc1c(Cl)cccc1Cl"))[0])  # guanfacine
    'NC(N)=NC(=O)Cc1c(Cl)cccc1Cl'
    """
    if not mol.HasSubstructMatch(_AMIDINE_IMINE):
        return mol, ()
    current = mol
    moved: list[int] = []
    ranks: list[int] | None = None
    for imine, carbon in dict.fromkeys(match[:2] for match in mol.GetSubstructMatches(_AMIDINE_IMINE)):
        work_atom = current.GetAtomWithIdx(carbon)
        units = [imine] + [
            neighbour.GetIdx() for neighbour in work_atom.GetNeighbors()
            if neighbour.GetIdx() != imine and neighbour.GetAtomicNum() == 7
            and current.GetBondBetweenAtoms(carbon, neighbour.GetIdx()).GetBondType() == Chem.BondType.SINGLE
        ]
        if len(units) < 2:
            continue
        acylated = [index for index in units if _acylated(current.GetAtomWithIdx(index), carbon)]
        if not all(_plain(current.GetAtomWithIdx(index), carbon) for index in units if index not in acylated):
            continue
        if acylated:
            # an acyclic N-acyl amidine or guanidine: the C=N on the acylated nitrogen (the through-conjugated tautomer)
            if len(acylated) > 1 or acylated[0] == imine or work_atom.IsInRing() \
                    or not current.GetAtomWithIdx(acylated[0]).GetTotalNumHs():
                continue
            best = acylated[0]
        else:
            # where the C=N may go: the drawn imine N, or a single-bonded N with a hydrogen to give up
            places = [imine] + [index for index in units[1:] if current.GetAtomWithIdx(index).GetTotalNumHs() > 0]
            if len(places) < 2:
                continue
            if ranks is None:
                ranks = skeleton_ranks(mol)
            order = {index: _place_order(current.GetAtomWithIdx(index), work_atom.IsInRing(), ranks[index])
                     for index in places}
            best = min(places, key=lambda index: order[index])
            if best == imine or order[best] == order[imine]:
                continue
        work = Chem.RWMol(current)
        shift_double_bond(work, carbon, imine, best)
        edited = redrawn_or_none(work)
        if edited is None:  # a drawing RDKit will not take: the unit stays as drawn
            continue
        current = edited
        moved.append(best)
    return (current, tuple(moved)) if moved else (mol, ())


def fused_neighbours(atom: Chem.Atom, ring_info: Chem.RingInfo) -> int:
    """How many neighbours of ``atom`` lie in more than one ring (the fusion atoms next to it)."""
    return sum(1 for neighbour in atom.GetNeighbors() if ring_info.NumAtomRings(neighbour.GetIdx()) > 1)


# an aromatic N-H in a five-membered ring: the screen before any azole is looked at
_AZOLE_NH = compile_smarts("[nX3;H1;+0;r5]", "tautomers.azole_nh")
# any aromatic N-H or non-aromatic C=N-type nitrogen: one search, without ring information (fragments of a molecule
# carry none), that passes every molecule in which a hydrogen can move between nitrogens
_MOBILE_H_SCREEN = compile_smarts("[n&X3&H1&+0,N&X2&+0]", "tautomers.mobile_h_screen")


def free_ring_nitrogen(atom: Chem.Atom, hydrogens: int) -> bool:
    """An uncharged aromatic ring N with two heavy neighbours (no substituent) and ``hydrogens`` hydrogens."""
    return (atom.GetAtomicNum() == 7 and atom.GetIsAromatic() and atom.GetFormalCharge() == 0
            and atom.GetTotalNumHs() == hydrogens
            and sum(1 for neighbour in atom.GetNeighbors() if neighbour.GetAtomicNum() > 1) == 2)


def move_ring_hydrogen(work: Chem.RWMol, holder: int, target: int) -> None:
    """In place: the hydrogen of aromatic ring N-H ``holder`` moves to ring nitrogen ``target`` (an azole's other
    tautomer drawing); the caller sanitizes (:func:`reactivity.molecule.redrawn_or_none`)."""
    for index, hydrogens in ((holder, 0), (target, 1)):
        work.GetAtomWithIdx(index).SetNumExplicitHs(hydrogens)
        work.GetAtomWithIdx(index).SetNoImplicit(True)


def ring_hydrogen_placements(mol: Chem.Mol, holder: int) -> list[tuple[int, Chem.Mol]]:
    """The five-membered ring of aromatic N-H ``holder`` drawn with its hydrogen on each ring nitrogen that can take
    it, as (nitrogen, drawing) pairs, ``mol`` itself first (an azolide anion reacts at any of them); a drawing RDKit
    will not take is left out. Needs a molecule with its smallest rings perceived.

    >>> # 5-methyl-2H-tetrazole: the H on each of the four ring N (N1 and N4, N2 and N3 give the same molecule)
    >>> [(n, Chem.MolToSmiles(m)) for n, m in ring_hydrogen_placements(Chem.MolFromSmiles("Cc1nn[nH]n1"), 4)]
    [(4, 'Cc1nn[nH]n1'), (2, 'Cc1nnn[nH]1'), (3, 'Cc1nn[nH]n1'), (5, 'Cc1nnn[nH]1')]
    """
    ring = next((r for r in mol.GetRingInfo().AtomRings() if holder in r and len(r) == 5), ())
    placements = [(holder, mol)]
    for atom in ring:
        if atom != holder and free_ring_nitrogen(mol.GetAtomWithIdx(atom), 0):
            work = Chem.RWMol(mol)
            move_ring_hydrogen(work, holder, atom)
            drawn = redrawn_or_none(work)
            if drawn is not None:
                placements.append((atom, drawn))
    return placements


def azole_hydrogen_drawing(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` with the N-H of each azole ring (five aromatic ring atoms, carbon and nitrogen only, one N-H and at
    least one unsubstituted pyridine-type N) on the ring nitrogen with the most fused-ring neighbours, between equals
    the first in :func:`skeleton_ranks`; ``mol`` itself when nothing moves (an N-H already on one of the best
    nitrogens stays). Needs a sanitized molecule; a drawing RDKit will not take leaves the ring as drawn.

    >>> [Chem.MolToSmiles(azole_hydrogen_drawing(Chem.MolFromSmiles(s))) for s in ("Cc1c[nH]cn1", "Cc1cnc[nH]1")]
    ['Cc1c[nH]cn1', 'Cc1c[nH]cn1']
    >>> Chem.MolToSmiles(azole_hydrogen_drawing(Chem.MolFromSmiles("c1ccc2n[nH]cc2c1")))  # 2H-indazole drawing
    'c1ccc2[nH]ncc2c1'
    >>> Chem.MolToSmiles(azole_hydrogen_drawing(Chem.MolFromSmiles("c1ccc2[nH]ncc2c1")))  # 1H-indazole stays
    'c1ccc2[nH]ncc2c1'
    """
    return azole_hydrogen_moves(mol)[0]


def is_plain_1_2_3_triazole(mol: Chem.Mol, ring: tuple[int, ...]) -> bool:
    """Whether the five-membered aromatic ``ring`` is a 1,2,3-triazole (three ring N in a row) fused to no other
    ring: the azole :func:`azole_hydrogen_moves` is limited to where a caller wants no other ring touched."""
    ring_info = mol.GetRingInfo()
    nitrogens = [index for index in ring if mol.GetAtomWithIdx(index).GetAtomicNum() == 7]
    if len(nitrogens) != 3 or any(ring_info.NumAtomRings(index) > 1 for index in ring):
        return False
    carbons = [index for index in ring if index not in nitrogens]
    return mol.GetBondBetweenAtoms(*carbons) is not None  # the two carbons are bonded: the N are N1-N2-N3


def azole_hydrogen_moves(mol: Chem.Mol, only: Callable[[Chem.Mol, tuple[int, ...]], bool] | None = None
                         ) -> tuple[Chem.Mol, tuple[int, ...]]:
    """:func:`azole_hydrogen_drawing` and the ring nitrogens that took a hydrogen (``()`` when nothing moved);
    ``only``: the rings to look at (e.g. :func:`is_plain_1_2_3_triazole`), all azole rings when None.

    >>> drawn, moved = azole_hydrogen_moves(Chem.MolFromSmiles("Cc1cn[nH]n1"), only=is_plain_1_2_3_triazole)
    >>> Chem.MolToSmiles(drawn), moved
    ('Cc1c[nH]nn1', (3,))
    """
    if not mol.HasSubstructMatch(_AZOLE_NH):
        return mol, ()
    ring_info = mol.GetRingInfo()
    ranks: list[int] | None = None
    current = mol
    moved: list[int] = []
    for ring in ring_info.AtomRings():
        if len(ring) != 5:
            continue
        atoms = [current.GetAtomWithIdx(index) for index in ring]
        if not all(atom.GetIsAromatic() and atom.GetAtomicNum() in (6, 7) for atom in atoms):
            continue
        holders = [atom.GetIdx() for atom in atoms if free_ring_nitrogen(atom, 1)]
        places = holders + [atom.GetIdx() for atom in atoms if free_ring_nitrogen(atom, 0)]
        if len(holders) != 1 or len(places) < 2 or (only is not None and not only(mol, ring)):
            continue
        if ranks is None:
            ranks = skeleton_ranks(mol)
        key = {index: (-fused_neighbours(current.GetAtomWithIdx(index), ring_info), ranks[index]) for index in places}
        best = min(places, key=lambda index: key[index])
        holder = holders[0]
        if key[best] == key[holder]:
            continue
        work = Chem.RWMol(current)
        move_ring_hydrogen(work, holder, best)
        edited = redrawn_or_none(work)
        if edited is not None:
            current = edited
            moved.append(best)
    return current, tuple(moved)


def one_hydrogen_drawing(mol: Chem.Mol) -> Chem.Mol:
    """``mol`` with its amidines, guanidines and prototropic azoles drawn one way (:func:`amidine_drawing`, then
    :func:`azole_hydrogen_drawing`): two drawings of one compound give one molecule. Needs a molecule with its
    valences and aromaticity perceived (ring information is added when missing).

    >>> drawings = ("NCCc1c[nH]cn1", "NCCc1cnc[nH]1", "N=C(N)NCC1CC1", "NC(=N)NCC1CC1", "NC(N)=NCC1CC1")
    >>> sorted({Chem.MolToSmiles(one_hydrogen_drawing(Chem.MolFromSmiles(s))) for s in drawings})
    ['N=C(N)NCC1CC1', 'NCCc1c[nH]cn1']
    """
    if not mol.HasSubstructMatch(_MOBILE_H_SCREEN):
        return mol  # nothing can move (most products): no ring information needed, none computed
    return azole_hydrogen_drawing(amidine_drawing(with_ring_info(mol))[0])


__all__ = [
    "amidine_drawing", "azole_hydrogen_drawing", "azole_hydrogen_moves", "free_ring_nitrogen", "fused_neighbours",
    "is_plain_1_2_3_triazole", "move_ring_hydrogen", "one_hydrogen_drawing", "skeleton_ranks",
]

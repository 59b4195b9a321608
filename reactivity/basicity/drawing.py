"""Tautomer drawings the site model reads: one drawing of an amidine or guanidine, and both drawings of an azole
whose N-H can sit on either ring N.

An acyclic amidine (N=C-N) or guanidine with a hydrogen on a single-bonded nitrogen can be drawn with its C=N on
either nitrogen: N-phenylguanidine as ``N=C(N)Nc1ccccc1`` or ``NC(N)=Nc1ccccc1``. Both drawings are one compound
and protonate to one amidinium ion, but the site model, which describes the site by the atoms around the C=N
nitrogen, reads them as different sites: 10.8 and 8.3 for phenylguanidine (measured 10.79). So before any site is
looked for, each such unit is drawn the way the model's training data draw it: the C=N on the nitrogen with the
fewest heavy-atom neighbours (``HN=C``, as the open data draw guanidines and isothioureas), between equals the
nitrogen bonded to an aromatic ring (``C=N-Ar``, as they draw N-alkyl-N'-aryl formamidines), and between equals
still the nitrogen first in a canonical order that does not see where the hydrogens are. Every training molecule is
already drawn so (checked in the tests); that this convention, and not the compound's own tautomer preference, is the
right input for the model is an assumption the result states.

Imidazoles, pyrazoles and benzimidazoles are drawn both ways by the same data, so no single convention reproduces
them: :func:`azole_tautomer_drawings` gives the other drawings, the caller predicts every model site in each and takes
the mean (held-out comparison in ``models/MODEL.md``).

An amidine whose carbon is in a ring (imidazolines, oxazolines, tetrahydropyrimidines, 2-iminoindolines, clonidine,
chlordiazepoxide) can be drawn with its C=N in the ring or outside it: clonidine as ``Clc1cccc(Cl)c1NC1=NCCN1`` or
``Clc1cccc(Cl)c1N=C1NCCN1``, 9.7 and 6.9 before this step. The open data draw such units with the C=N on a nitrogen
that is not bonded to an aromatic ring (``c1ccc(NC2=NCCCO2)cc1``, but ``N=C1Cc2ccccc2N1``), and between two such
nitrogens on the ring nitrogen; so the C=N goes first to a nitrogen without an aromatic neighbour, then to a ring
nitrogen, then to the nitrogen first in the hydrogen-blind canonical order (every training molecule with such a unit
is drawn so: the tests check it). Again this is the model's convention, not a claim about the preferred tautomer
(clonidine's crystal and solution form is the arylimino one).

An acyclic amidine or guanidine with one acylated nitrogen (amiloride, guanfacine) takes its C=N on that nitrogen,
the through-conjugated tautomer that dominates for acylguanidines (Greenhill, Ismail, Edwards & Taylor, J. Chem.
Soc., Perkin Trans. 2 1985, 1255-1264) and the way such units are usually drawn. Ring ones (creatinine, the
pyrimidin-4(3H)-ones, whose N-H sits on the acylated nitrogen) and units with two acylated nitrogens or a nitrogen
bonded to a sulfonyl or other heteroatom group (N-sulfamoyl amidines, amidoximes) are left as drawn: the site rules
give none of them a value, so only the features of other sites can feel their drawing. The class rules
(``class_sites.toml``) see the molecule after this step, so a rule on an amidine is written for this drawing.
"""

from __future__ import annotations

from rdkit import Chem

from ..molecule import redrawn_or_none, shift_double_bond
from ..rules import compile_smarts

# C=N of an amidine carbon (not aromatic, not a carbonyl carbon, with a single-bonded N), in a ring or not
_AMIDINE_IMINE = compile_smarts("[NX2;+0;!a]=[CX3;!a]-[#7]", "basicity.amidine_imine")


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


def _skeleton_ranks(mol: Chem.Mol) -> list[int]:
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
    return list(Chem.CanonicalRankAtoms(skeleton, breakTies=False, includeChirality=False))


def _place_order(nitrogen: Chem.Atom, ring_carbon: bool, rank: int) -> tuple[int, int, int]:
    """Sort key of a nitrogen that may take an amidine's C=N, lowest first: for an acyclic amidine carbon the fewest
    heavy neighbours, then an aryl nitrogen; for a ring carbon a nitrogen without an aromatic neighbour, then a ring
    nitrogen; then the canonical rank."""
    if ring_carbon:
        return int(_on_aromatic(nitrogen)), int(not nitrogen.IsInRing()), rank
    return _heavy_degree(nitrogen), int(not _on_aromatic(nitrogen)), rank


def model_amidine_drawing(mol: Chem.Mol) -> tuple[Chem.Mol, tuple[int, ...]]:
    """``mol`` with each amidine or guanidine unit drawn as the site model reads it, and the nitrogens that
    took the C=N; ``mol`` itself and ``()`` when nothing changes. Atom numbers keep their meaning.

    >>> from rdkit import Chem
    >>> redrawn, moved = model_amidine_drawing(Chem.MolFromSmiles("NC(N)=Nc1ccccc1"))  # phenylguanidine
    >>> Chem.MolToSmiles(redrawn), moved
    ('N=C(N)Nc1ccccc1', (0,))
    >>> model_amidine_drawing(Chem.MolFromSmiles("CN(C)C=Nc1ccccc1"))[1]  # no hydrogen to move
    ()
    >>> Chem.MolToSmiles(model_amidine_drawing(Chem.MolFromSmiles("Clc1cccc(Cl)c1N=C1NCCN1"))[0])  # clonidine
    'Clc1cccc(Cl)c1NC1=NCCN1'
    >>> Chem.MolToSmiles(model_amidine_drawing(Chem.MolFromSmiles("N=C(N)NC(=O)Cc1c(Cl)cccc1Cl"))[0])  # guanfacine
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
                ranks = _skeleton_ranks(mol)
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


def _fused_neighbours(atom: Chem.Atom, ring_info: Chem.RingInfo) -> int:
    return sum(1 for neighbour in atom.GetNeighbors() if ring_info.NumAtomRings(neighbour.GetIdx()) > 1)


def azole_tautomer_partner(mol: Chem.Mol, atom: int) -> int | None:
    """For the pyridine-type N ``atom`` of an imidazole, pyrazole or benzimidazole whose other ring N carries the
    hydrogen, that other N (the basic site of the other tautomer drawing); None for any other site. Both drawings
    protonate to the same cation (the open training data draw such azoles both ways). Rings whose two N differ in the
    number of fused neighbours (indazoles: a benzenoid and a quinoid drawing) and azoles with three or more ring N are
    left out.

    >>> from rdkit import Chem
    >>> azole_tautomer_partner(Chem.MolFromSmiles("Cc1c[nH]cn1"), 5)  # 4-methylimidazole: N3 -> N1
    3
    """
    site = mol.GetAtomWithIdx(atom)
    if site.GetAtomicNum() != 7 or not site.GetIsAromatic() or site.GetFormalCharge() or site.GetTotalNumHs() \
            or site.GetDegree() != 2:
        return None
    ring_info = mol.GetRingInfo()
    for ring in ring_info.AtomRings():
        if len(ring) != 5 or atom not in ring or not all(mol.GetAtomWithIdx(a).GetIsAromatic() for a in ring):
            continue
        nitrogens = [a for a in ring if mol.GetAtomWithIdx(a).GetAtomicNum() == 7]
        if len(nitrogens) != 2 or any(mol.GetAtomWithIdx(a).GetAtomicNum() not in (6, 7) for a in ring):
            continue
        (other,) = [a for a in nitrogens if a != atom]
        holder = mol.GetAtomWithIdx(other)
        if holder.GetFormalCharge() or holder.GetTotalNumHs() != 1 or holder.GetDegree() != 2:
            continue
        if _fused_neighbours(site, ring_info) == _fused_neighbours(holder, ring_info):
            return other
    return None


#: At most this many prototropic azole rings are drawn both ways (2**n drawings of the molecule).
MAX_AZOLE_FLIPS = 3


def azole_tautomer_drawings(mol: Chem.Mol, sites: dict[int, int]) -> list[tuple[Chem.Mol, dict[int, int]]]:
    """The other tautomer drawings of ``mol`` for the azole sites ``sites`` (site N -> its partner N, from
    :func:`azole_tautomer_partner`): every combination of moving the hydrogens, each with the map from a site to its
    atom in that drawing. Empty when there is none or more than ``MAX_AZOLE_FLIPS`` rings (the value then depends on
    the drawing, as before; the caller says so).

    >>> from rdkit import Chem
    >>> [(Chem.MolToSmiles(m), moved) for m, moved in azole_tautomer_drawings(Chem.MolFromSmiles("Cc1c[nH]cn1"), {5: 3})]
    [('Cc1cnc[nH]1', {5: 3})]
    """
    flips = sorted(sites.items())
    if not flips or len(flips) > MAX_AZOLE_FLIPS:
        return []
    drawings = []
    for mask in range(1, 2 ** len(flips)):
        chosen = [flip for bit, flip in enumerate(flips) if mask >> bit & 1]
        work = Chem.RWMol(mol)
        for site, holder in chosen:
            for index, hydrogens in ((site, 1), (holder, 0)):
                work.GetAtomWithIdx(index).SetNumExplicitHs(hydrogens)
                work.GetAtomWithIdx(index).SetNoImplicit(True)
        drawn = redrawn_or_none(work)
        if drawn is None:  # no such drawing RDKit will take: averaged over the others
            continue
        drawings.append((drawn, dict(chosen)))
    return drawings

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

from ..molecule import redrawn_or_none
from ..tautomers import amidine_drawing, free_ring_nitrogen, fused_neighbours, move_ring_hydrogen

#: The drawing of amidines and guanidines the site model reads (:func:`reactivity.tautomers.amidine_drawing`, the
#: convention of its training data described above).
model_amidine_drawing = amidine_drawing


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
    if not free_ring_nitrogen(site, 0):
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
        if not free_ring_nitrogen(holder, 1):
            continue
        if fused_neighbours(site, ring_info) == fused_neighbours(holder, ring_info):
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
            move_ring_hydrogen(work, holder, site)
        drawn = redrawn_or_none(work)
        if drawn is None:  # no such drawing RDKit will take: averaged over the others
            continue
        drawings.append((drawn, dict(chosen)))
    return drawings

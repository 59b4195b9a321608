"""Site features of the pKaH model (feature version ``pka-site-features/6``) and the applicability similarity."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator, rdPartialCharges

from ..molecule import quiet_rdkit
from .distances import DistanceRows
from .sites import find_basic_sites, site_classes

FEATURE_VERSION = "pka-site-features/6"
#: Morgan environment used as model features (radius 1 counts, 128 bins).
FEATURE_MORGAN_RADIUS = 1
FEATURE_MORGAN_SIZE = 128
_DISTANCES = (1, 2, 3, 4)
#: Molecules up to this many atoms get RDKit's full distance matrix (fastest for drug-sized molecules).
FULL_MATRIX_ATOMS = 200
N_CATEGORIES = 15
#: The categories of feature versions 2-5 (the pyridine-type ring N counted with the other N), which the curation's
#: single-site checker keeps (``checker_layout=True``) so that the curated training table does not move with the
#: model's features.
N_CHECKER_CATEGORIES = 14
#: Attenuation per bond of the decayed category sums (the classic ~0.4 fall-off of inductive effects).
INDUCTIVE_DECAY = 0.4
#: The last N_ELECTRONIC columns of the core block (charges can be negative) are left out of the similarity.
N_ELECTRONIC = 8
#: Columns after the core block: the N's own ring and its alpha/beta atoms (:func:`_ring_and_alpha_features`),
#: then the highest and lowest Gasteiger charge of the alpha atoms (left out of the similarity).
N_RING_ALPHA = 11
N_ALPHA_CHARGES = 2

# ----------------------------------------------------------------------------- features


@lru_cache(maxsize=2)
def _morgan(radius: int, size: int) -> Any:
    return rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=size)


def _element_table(*elements: int) -> np.ndarray:
    table = np.zeros(128, dtype=bool)
    table[list(elements)] = True
    return table


_CARBONYL_PARTNER = _element_table(8, 16)
_HALOGEN_HEAVY = _element_table(17, 35, 53)
_P_OR_S = _element_table(15, 16)
_C_OR_N = _element_table(6, 7)


def _atom_categories(mol: Chem.Mol) -> np.ndarray:
    """Per-atom flags of the environment categories counted at each distance from a site.

    Built from the atomic numbers and the bond-order adjacency matrix, without iterating over bonds.

    >>> _atom_categories(Chem.MolFromSmiles("CC(=O)C#N"))[:, :2].tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    >>> _atom_categories(Chem.MolFromSmiles("Nc1ncccn1"))[:3, [6, 13, 14]].tolist()  # amino N, then two ring N
    [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return _atom_table(mol)[0]


def _atom_table(mol: Chem.Mol, checker_layout: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_atom_categories`, the atomic numbers and the aromatic flags of every atom (read once); with
    ``checker_layout``, the N_CHECKER_CATEGORIES columns of the curation's checker (no column of its own for the
    pyridine-type ring N)."""
    n = mol.GetNumAtoms()
    width = N_CHECKER_CATEGORIES if checker_layout else N_CATEGORIES
    if n == 0:
        return np.zeros((0, width), dtype=np.float32), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    atoms = [mol.GetAtomWithIdx(i) for i in range(n)]  # faster than iterating mol.GetAtoms()
    z = np.array([a.GetAtomicNum() for a in atoms], dtype=np.int64)
    z_table = np.minimum(z, 127)
    aromatic = np.array([a.GetIsAromatic() for a in atoms], dtype=bool)
    formal = np.array([a.GetFormalCharge() for a in atoms], dtype=np.int64)
    cationic = formal > 0
    orders = Chem.GetAdjacencyMatrix(mol, useBO=True)
    double, triple = orders == 2.0, orders == 3.0

    def partner(bonds: np.ndarray, table: np.ndarray) -> np.ndarray:
        return (bonds & table[z_table][None, :]).any(axis=1)

    carbon, no_double = z == 6, ~double.any(axis=1)
    # an sp3 amine N: no multiple bond and no aromatic, sp2 or sp neighbour (its lone pair is not conjugated). Kept
    # apart from the other N so that a remote amine is not read as the conjugated amino group of a
    # 4-aminopyridine, whose N lies as many bonds from the ring N as nicotine's pyrrolidine N does
    pi_atom = aromatic | double.any(axis=1) | triple.any(axis=1)
    sp3_amine = (z == 7) & ~pi_atom & ~((orders > 0) & pi_atom[None, :]).any(axis=1)
    flags = np.empty((n, width), dtype=np.float32)
    flags[:, 0] = carbon & partner(double, _CARBONYL_PARTNER)  # carbonyl / thiocarbonyl C
    flags[:, 1] = carbon & (triple & (z == 7)[None, :]).any(axis=1)  # nitrile C
    flags[:, 2] = _P_OR_S[z_table] & (double & (z == 8)[None, :]).any(axis=1)  # sulfonyl / sulfinyl / phosphoryl
    flags[:, 3] = z == 9
    flags[:, 4] = _HALOGEN_HEAVY[z_table]
    flags[:, 5] = (z == 8) & ~aromatic & no_double  # ether / hydroxyl O
    # a pyridine-type ring N (aromatic, two-connected, no H, uncharged: an aza acceptor that lowers basicity) is kept
    # apart from the other N, among them the conjugated amino N of an aminopyridine (a donor that raises it): up to
    # version 5 the second ring N of a bipyrazine counted like the 4-amino group of a 4-aminobipyridine, four bonds
    # from the site either way, and the bipyrazine came out at 7.3
    aza = np.zeros(n, dtype=bool)
    if not checker_layout:
        two_connected = (orders > 0).sum(axis=1) == 2
        for i in np.flatnonzero((z == 7) & aromatic & (formal == 0) & two_connected):
            aza[i] = atoms[i].GetTotalNumHs() == 0
        flags[:, 14] = aza  # pyridine-type ring N (azines, the N= of azoles)
    flags[:, 6] = (z == 7) & ~sp3_amine & ~aza  # N of an amide, aniline, azole N-H, nitrile, imine, nitro, ...
    flags[:, 7] = aromatic
    flags[:, 8] = carbon & ~aromatic & partner(double, _C_OR_N)  # C=C, C=N
    flags[:, 9] = carbon & (((orders > 0) & (z == 9)[None, :]).sum(axis=1) >= 2)  # CF2 / CF3 carbon
    flags[:, 10] = (z == 16) & no_double  # thioether / thiol S
    flags[:, 11] = carbon & (triple & carbon[None, :]).any(axis=1)  # alkyne C
    flags[:, 12] = cationic  # nitro N, N-oxide N, other cationic centre
    flags[:, 13] = sp3_amine  # amine N whose lone pair is not conjugated (alkyl amines, N-N and N-O single bonds)
    return flags, z, aromatic


def _gasteiger_charges(mol: Chem.Mol, atoms: Sequence[int] | None = None) -> np.ndarray:
    """Gasteiger partial charges of a copy of the molecule (0.0 where undefined); with ``atoms``, only those
    atoms' charges are read (the others are left 0.0: reading an atom property costs more than the charges).

    >>> charges = _gasteiger_charges(Chem.MolFromSmiles("CC(=O)O"))
    >>> bool(charges[2] < 0 < charges[1]), bool(_gasteiger_charges(Chem.MolFromSmiles("CC(=O)O"), [2])[2] == charges[2])
    (True, True)
    """
    work = Chem.Mol(mol, True)  # quick copy: atoms and bonds, no conformers or molecule properties
    with quiet_rdkit():
        rdPartialCharges.ComputeGasteigerCharges(work, nIter=12, throwOnParamFailure=False)
    indices = range(work.GetNumAtoms()) if atoms is None else atoms
    values = []
    for i in indices:
        try:  # one property call per atom (a HasProp check first would be a second one)
            values.append(work.GetAtomWithIdx(int(i)).GetDoubleProp("_GasteigerCharge"))
        except KeyError:
            values.append(0.0)
    # double precision: the sums taken from these charges are then the same in any atom order once rounded to the
    # single-precision feature (see site_features)
    read = np.nan_to_num(np.array(values, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    if atoms is None:
        return read
    out = np.zeros(work.GetNumAtoms(), dtype=np.float64)
    out[np.asarray(atoms, dtype=np.int64)] = read
    return out


def _smallest_ring_size(mol: Chem.Mol, atom: int, rings: Sequence[Sequence[int]] | None = None) -> int:
    """Size of the smallest ring holding ``atom`` (0: acyclic); ``rings``: ``mol``'s AtomRings(), when at hand."""
    sizes = [len(ring) for ring in (mol.GetRingInfo().AtomRings() if rings is None else rings) if atom in ring]
    return min(sizes) if sizes else 0


def _own_ring_block(mol: Chem.Mol, atom_index: int, k: int, rings: Sequence[Sequence[int]], categories: np.ndarray,
                    z: np.ndarray, aromatic: np.ndarray) -> list[int]:
    """The ring block of :func:`_ring_and_alpha_features` for ring ``k`` of ``rings`` holding ``atom_index``."""
    ring = rings[k]
    others = [i for i in ring if i != atom_index]
    ring_n = [i for i in others if z[i] == 7]
    acylated_n = sum(
        1 for i in ring_n if any(categories[nb.GetIdx(), 0] > 0 for nb in mol.GetAtomWithIdx(i).GetNeighbors())
    )
    return [
        sum(1 for i in others if z[i] not in (6, 7)),
        acylated_n,
        len(ring_n) - acylated_n,
        sum(1 for i in ring if aromatic[i]),
        sum(1 for j, other in enumerate(rings) if j != k and len(set(other) & set(ring)) >= 2),
        int(len(ring) == 3),
        int(len(ring) == 4),
    ]


def _ring_and_alpha_features(mol: Chem.Mol, atom_index: int, distance_row: np.ndarray, categories: np.ndarray,
                             rings: Sequence[Sequence[int]] | None = None,
                             elements: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The N's own ring and its alpha/beta neighbourhood (N_RING_ALPHA columns).

    Columns: sp2 and sp alpha atoms; heteroatoms two bonds out (on an alpha
    carbon, as in N-CH2-O or an aminal); for the
    smallest ring holding the N: its heteroatoms other than N (O, S, ...), its
    acylated N (amide, carbamate, urea N: the N1 of a 1,4-diazepan-2-one), its
    other N, its aromatic atoms, the rings fused to it (sharing a bond) and
    whether it is an aziridine or an azetidine (zeros for an acyclic N); sp3
    alpha carbons that carry a carbonyl carbon (the N-C-C(=O) unit of an
    alpha-amino amide or ketone). ``rings`` (AtomRings()) and ``elements`` (atomic numbers, aromatic flags of
    every atom, from :func:`_atom_table`) save reading them again when the caller has them.

    >>> mol = Chem.MolFromSmiles("O=C1CNCCCN1")
    >>> row = Chem.GetDistanceMatrix(mol)[3]
    >>> _ring_and_alpha_features(mol, 3, row, _atom_categories(mol)).tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    """
    atom = mol.GetAtomWithIdx(atom_index)
    neighbours = list(atom.GetNeighbors())
    sp2 = sum(1 for nb in neighbours if nb.GetHybridization() == Chem.HybridizationType.SP2)
    sp = sum(1 for nb in neighbours if nb.GetHybridization() == Chem.HybridizationType.SP)
    z, aromatic = elements if elements is not None else _atom_table(mol)[1:]
    beta_heteroatoms = int((z[distance_row == 2] != 6).sum())
    if rings is None:  # AtomRings() costs tens of microseconds: callers with several sites pass it in
        rings = mol.GetRingInfo().AtomRings()
    own = [k for k, ring in enumerate(rings) if atom_index in ring]
    ring_block = [0, 0, 0, 0, 0, 0, 0]
    if own:
        smallest = min(len(rings[k]) for k in own)
        # an N shared by two smallest rings (a ring-fusion N) takes the larger block, whichever ring RDKit lists first
        ring_block = max(_own_ring_block(mol, atom_index, k, rings, categories, z, aromatic)
                         for k in own if len(rings[k]) == smallest)
    acyl_alpha = sum(
        1
        for nb in neighbours
        if nb.GetAtomicNum() == 6 and not nb.GetIsAromatic()
        for nb2 in nb.GetNeighbors()
        if nb2.GetIdx() != atom_index and categories[nb2.GetIdx(), 0] > 0
    )
    return np.array([sp2, sp, beta_heteroatoms, *ring_block, acyl_alpha], dtype=np.float32)


def site_features(mol: Chem.Mol, sites: Sequence[tuple[int, str]], checker_layout: bool = False) -> np.ndarray:
    """Feature rows for the given (atom, class) sites of a prepared molecule.

    Columns: the Morgan count environment (radius 1, 128 bins) rooted at the
    nitrogen; one-hot site class; H count, heavy degree, ring count, smallest
    ring size, aromatic neighbours; counts of 15 electron-withdrawing or polar
    atom categories (sp3 amine N and pyridine-type ring N apart from the other N) at topological distances 1-4 and
    their sums attenuated by
    0.4 per bond; the distance (capped at 8) to the nearest carbonyl carbon,
    fluorine and nitrogen other than an sp3 amine N; the Gasteiger charge of the N and the summed
    charges one and two bonds out; H count and degree sum of the alpha atoms;
    heavy-atom counts one, two and three bonds out; the N's own ring and
    alpha/beta block of :func:`_ring_and_alpha_features`; the highest and
    lowest Gasteiger charge among the alpha atoms. ``checker_layout``: the 14 categories of versions 2-5 (the
    curation's single-site checker, whose assignments must not move with the model's features).

    >>> mol = Chem.MolFromSmiles("NCC(N)=O")
    >>> site_features(mol, find_basic_sites(mol)).shape
    (1, 238)
    """
    classes = site_classes()
    n_categories = N_CHECKER_CATEGORIES if checker_layout else N_CATEGORIES
    n_extra = len(classes) + 5 + n_categories * (len(_DISTANCES) + 1) + 3 + N_ELECTRONIC + N_RING_ALPHA + N_ALPHA_CHARGES
    if not sites:
        return np.zeros((0, FEATURE_MORGAN_SIZE + n_extra), dtype=np.float32)
    # RDKit's full matrix (kept on the molecule, read again by the titration) up to FULL_MATRIX_ATOMS atoms;
    # beyond, only the sites' rows (GetDistanceMatrix is cubic in the atom count). Same values either way.
    distance = Chem.GetDistanceMatrix(mol) if mol.GetNumAtoms() <= FULL_MATRIX_ATOMS else DistanceRows(mol)
    categories, elements, aromatic = _atom_table(mol, checker_layout)
    ring_info = mol.GetRingInfo()
    atom_rings = ring_info.AtomRings()
    # only the charges of the sites and the atoms one and two bonds out are used
    read = set()
    for atom_index, _ in sites:
        read.add(atom_index)
        read.update(np.flatnonzero((distance[atom_index] == 1) | (distance[atom_index] == 2)).tolist())
    charges = _gasteiger_charges(mol, sorted(read))
    rows = []
    for atom_index, site_class in sites:
        atom = mol.GetAtomWithIdx(atom_index)
        env = _morgan(FEATURE_MORGAN_RADIUS, FEATURE_MORGAN_SIZE).GetCountFingerprintAsNumPy(
            mol, fromAtoms=[atom_index]
        ).astype(np.float32)
        onehot = np.array([float(site_class == c) for c in classes], dtype=np.float32)
        local = np.array(
            [
                atom.GetTotalNumHs(),
                atom.GetDegree(),
                ring_info.NumAtomRings(atom_index),
                _smallest_ring_size(mol, atom_index, atom_rings),
                int(aromatic[distance[atom_index] == 1].sum()),  # aromatic neighbours
            ],
            dtype=np.float32,
        )
        d = distance[atom_index]
        at = [d == k for k in _DISTANCES]  # atoms 1, 2, 3 and 4 bonds out
        # category counts per shell: sums of 0/1 flags, exact in any order, so one product for the four shells
        shell_counts = (np.array(at, dtype=np.float32) @ categories).reshape(-1).astype(np.float32)
        # attenuated sums in double precision, rounded to single precision only at the end: a sum of the same terms
        # in another atom order (a renumbered drawing) then gives the same feature, which a tree split can see
        weight = np.where(d > 0, INDUCTIVE_DECAY ** (d - 1), 0.0)
        decayed = (weight @ categories.astype(np.float64)).astype(np.float32)
        nearest = []
        for columns in ((0,), (3,), (6, 14)):  # carbonyl C, F, N other than an sp3 amine N
            mask = (categories[:, [c for c in columns if c < n_categories]] > 0).any(axis=1)
            mask[atom_index] = False
            nearest.append(float(min(8.0, d[mask].min())) if mask.any() else 8.0)
        neighbours = list(atom.GetNeighbors())
        ring_alpha = _ring_and_alpha_features(mol, atom_index, d, categories, atom_rings, (elements, aromatic))
        alpha_charges = charges[at[0]]
        electronic = np.array(
            [
                charges[atom_index],
                alpha_charges.sum(),
                charges[at[1]].sum(),
                sum(nb.GetTotalNumHs() for nb in neighbours),  # H on alpha atoms (solvation / branching)
                sum(nb.GetDegree() for nb in neighbours),
                float(at[0].sum()),
                float(at[1].sum()),
                float(at[2].sum()),
            ],
            dtype=np.float32,
        )
        alpha_extremes = np.array(
            [alpha_charges.max(), alpha_charges.min()] if alpha_charges.size else [0.0, 0.0], dtype=np.float32
        )
        rows.append(
            np.concatenate(
                [env, onehot, local, shell_counts, decayed, np.array(nearest, dtype=np.float32), electronic,
                 ring_alpha, alpha_extremes]
            )
        )
    return np.vstack(rows)


def core_feature_width(features: np.ndarray) -> int:
    """Number of columns of the core block (everything before the ring/alpha block and the alpha charges)."""
    return features.shape[1] - N_RING_ALPHA - N_ALPHA_CHARGES


def core_features(features: np.ndarray) -> np.ndarray:
    """The core block of the site features (feature version 2 layout; the curation's site checker uses it)."""
    return features[:, : core_feature_width(features)]


def similarity_view(features: np.ndarray) -> np.ndarray:
    """The non-negative feature columns used for the applicability similarity (charges and counts left out).

    >>> mol = Chem.MolFromSmiles("NCC(N)=O")
    >>> similarity_view(site_features(mol, find_basic_sites(mol))).shape
    (1, 228)
    """
    core = core_feature_width(features)
    return np.hstack([features[:, : core - N_ELECTRONIC], features[:, core : core + N_RING_ALPHA]])


def minmax_similarity(query: np.ndarray, reference: np.ndarray, chunk: int = 32) -> np.ndarray:
    """Min/max (continuous Tanimoto) similarity of every row of ``query`` to every row of ``reference``.

    Both are non-negative feature matrices (the site features); 1.0 means an
    identical site description.

    >>> a = np.array([[1.0, 2.0, 0.0]])
    >>> b = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    >>> [[round(float(x), 2) for x in row] for row in minmax_similarity(a, b)]
    [[0.67, 0.0]]
    """
    query = np.asarray(query, dtype=np.float32)
    reference = np.asarray(reference, dtype=np.float32)
    reference_sums = reference.sum(axis=1)
    out = np.zeros((query.shape[0], reference.shape[0]), dtype=np.float32)
    for start in range(0, query.shape[0], chunk):
        q = query[start : start + chunk]
        # min(a, b) is 0 wherever every query row is 0 (the features are non-negative): sum the other columns only
        columns = np.flatnonzero(q.any(axis=0))
        low = np.minimum(q[:, None, columns], reference[None, :, columns]).sum(axis=2)
        # sum(max(a, b)) = sum(a) + sum(b) - sum(min(a, b)): one elementwise pass instead of two
        high = q.sum(axis=1)[:, None] + reference_sums[None, :] - low
        out[start : start + chunk] = np.where(high > 0, low / np.maximum(high, 1e-9), 1.0)
    return out

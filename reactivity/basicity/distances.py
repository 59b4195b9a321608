"""Topological distances from a few atoms, computed on demand (linear in the molecule's size per atom asked).

``Chem.GetDistanceMatrix`` computes every pair of atoms: its time grows with the
cube of the atom count and its memory with the square (a ring-bearing molecule
of 4,810 atoms took 148 s and 1 GB). The basicity features only need the rows
of the basic sites, so :class:`DistanceRows` computes those rows by a
breadth-first search over the bond graph (scipy's compiled shortest-path
routine, unit weights) when they are first read, with the same values as
RDKit's matrix: float64, 0 on the diagonal, ``1e8`` for atoms in another
fragment.

>>> from rdkit import Chem
>>> mol = Chem.MolFromSmiles("OCCN.C")
>>> rows = DistanceRows(mol)
>>> rows[3].tolist()
[3.0, 2.0, 1.0, 0.0, 100000000.0]
>>> import numpy as np
>>> bool((rows[np.ix_([0, 3], [3, 4])] == Chem.GetDistanceMatrix(mol)[np.ix_([0, 3], [3, 4])]).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rdkit import Chem

UNREACHABLE = 1e8  # RDKit's value for atoms in different fragments


class DistanceRows:
    """Rows of the topological distance matrix of ``mol``, computed only for the atoms asked for.

    Supports ``rows[i]`` (one row) and ``rows[np.ix_(a, b)]`` (a block), the two
    ways the basicity code reads ``Chem.GetDistanceMatrix``.
    """

    def __init__(self, mol: Chem.Mol):
        from scipy.sparse import csr_matrix

        self._n = mol.GetNumAtoms()
        begin = [b.GetBeginAtomIdx() for b in mol.GetBonds()]
        end = [b.GetEndAtomIdx() for b in mol.GetBonds()]
        ones = np.ones(2 * len(begin), dtype=np.int8)
        self._graph = csr_matrix((ones, (begin + end, end + begin)), shape=(self._n, self._n))
        self._rows: dict[int, np.ndarray] = {}

    def row(self, atom: int) -> np.ndarray:
        """Distances (in bonds) from ``atom`` to every atom."""
        atom = int(atom)
        cached = self._rows.get(atom)
        if cached is None:
            from scipy.sparse.csgraph import shortest_path

            cached = shortest_path(self._graph, method="D", unweighted=True, directed=False, indices=atom)
            cached[~np.isfinite(cached)] = UNREACHABLE
            self._rows[atom] = cached
        return cached

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, tuple):
            rows, columns = key
            block = np.stack([self.row(i) for i in np.asarray(rows).ravel()]) if np.size(rows) else np.zeros((0, self._n))
            return block[:, np.asarray(columns).ravel()]
        return self.row(key)

    def __len__(self) -> int:
        return self._n


__all__ = ["DistanceRows", "UNREACHABLE"]

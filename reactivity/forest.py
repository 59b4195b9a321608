"""A fitted regression forest as plain numpy arrays: prediction without importing scikit-learn.

``reactivity train`` fits scikit-learn trees and stores them in this form, so that annotating a library
loads a few megabytes of arrays instead of scikit-learn, SciPy and pandas (about 160 MB of resident memory
and a second of start-up per worker process). Predictions are those of the scikit-learn forest: features
are compared as float32, as scikit-learn's trees do, and the trees are averaged in the same order.

>>> import numpy as np
>>> left, right = np.array([1, -1, -1]), np.array([2, -1, -1])
>>> ensemble = TreeEnsemble(left, right, np.array([0, 0, 0]), np.array([0.5, 0.0, 0.0]),
...                         np.array([0.0, 1.0, 3.0]), np.array([0]))
>>> ensemble.predict(np.array([[0.2], [0.9]])).tolist()
[1.0, 3.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np


class TreeEnsemble:
    """Regression trees in flat arrays (all trees concatenated; ``roots`` are the tree start nodes).

    A leaf has ``left == -1``. Not frozen on purpose: tests wrap ``predict`` to count model calls.
    """

    def __init__(
        self,
        left: np.ndarray,
        right: np.ndarray,
        feature: np.ndarray,
        threshold: np.ndarray,
        value: np.ndarray,
        roots: np.ndarray,
    ) -> None:
        self.left = np.asarray(left, dtype=np.int32)
        self.right = np.asarray(right, dtype=np.int32)
        self.feature = np.asarray(feature, dtype=np.int32)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.value = np.asarray(value, dtype=np.float64)
        self.roots = np.asarray(roots, dtype=np.int32)

    @classmethod
    def from_sklearn(cls, forest: Any) -> TreeEnsemble:
        """Copy the trees of a fitted scikit-learn forest regressor (single output)."""
        lefts, rights, features, thresholds, values, roots = [], [], [], [], [], []
        offset = 0
        for estimator in forest.estimators_:
            tree = estimator.tree_
            is_leaf = tree.children_left < 0
            lefts.append(np.where(is_leaf, -1, tree.children_left + offset))
            rights.append(np.where(is_leaf, -1, tree.children_right + offset))
            features.append(np.where(is_leaf, 0, tree.feature))
            thresholds.append(tree.threshold)
            values.append(tree.value[:, 0, 0])
            roots.append(offset)
            offset += tree.node_count
        return cls(
            np.concatenate(lefts),
            np.concatenate(rights),
            np.concatenate(features),
            np.concatenate(thresholds),
            np.concatenate(values),
            np.array(roots),
        )

    @property
    def n_trees(self) -> int:
        """Number of trees."""
        return int(self.roots.size)

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Mean of the trees' leaf values for each row of ``features``."""
        x = np.asarray(features, dtype=np.float32).astype(np.float64)
        n_rows = x.shape[0]
        if n_rows == 0:
            return np.zeros(0)
        node = np.repeat(self.roots[:, None], n_rows, axis=1)  # (trees, rows)
        rows = np.broadcast_to(np.arange(n_rows), node.shape)
        while True:
            inner = self.left[node] >= 0
            if not inner.any():
                break
            at = node[inner]
            go_left = x[rows[inner], self.feature[at]] <= self.threshold[at]
            node[inner] = np.where(go_left, self.left[at], self.right[at])
        leaf_values = self.value[node]
        total = np.zeros(n_rows)
        for tree_values in leaf_values:  # tree by tree, as scikit-learn accumulates
            total += tree_values
        return total / self.n_trees

"""The packaged pKaH model: loading (hash-checked), bands and nearest training analogues."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import ModelIntegrityError
from ..forest import TreeEnsemble
from .features import FEATURE_VERSION
from .results import TrainingAnalogue

MODEL_ARTEFACT = "pka_model.npz"
#: The tree arrays of a :class:`TreeEnsemble`, stored as archive members ``tree_<name>``.
_TREE_ARRAYS = ("left", "right", "feature", "threshold", "value", "roots")
#: Members of the JSON part of the archive; sequences come back as tuples.
_META_KEYS = ("format", "feature_version", "train_names", "train_smiles", "train_pka", "band_edges",
              "band_halfwidths", "validation")

# ----------------------------------------------------------------------------- model


def pka_model_bytes(artefact: dict[str, Any]) -> bytes:
    """The pKa model as an array archive (:func:`reactivity.artefacts.array_archive_bytes`): tree and training-feature
    arrays as ``.npy`` members, names, SMILES, training pKa values, band tables and validation figures as JSON."""
    from ..artefacts import array_archive_bytes

    ensemble: TreeEnsemble = artefact["model"]
    arrays = {f"tree_{name}": getattr(ensemble, name) for name in _TREE_ARRAYS}
    arrays["train_features"] = artefact["train_features"]
    # stored, not compressed: inflating 11 MB of trees took about 20 ms of every start (the wheel compresses it anyway)
    return array_archive_bytes(arrays, {key: artefact[key] for key in _META_KEYS}, compress=False)


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def read_pka_model(data: bytes) -> dict[str, Any]:
    """A pKa model from the bytes of its array archive (no pickle): ``model`` (a :class:`TreeEnsemble`),
    ``train_features`` and the JSON fields (sequences as tuples). Raises :class:`ModelIntegrityError` when the
    archive is not one, lacks a part, or was built for other site features."""
    from ..artefacts import read_array_archive

    content = read_array_archive(data)
    meta = content["meta"]
    if not isinstance(meta, dict) or meta.get("feature_version") != FEATURE_VERSION:
        raise ModelIntegrityError(f"{MODEL_ARTEFACT}: built for other features; rebuild with 'reactivity train'")
    missing = [f"tree_{n}" for n in _TREE_ARRAYS if f"tree_{n}" not in content] + [
        k for k in _META_KEYS if k not in meta] + ([] if "train_features" in content else ["train_features"])
    if missing:
        raise ModelIntegrityError(f"{MODEL_ARTEFACT}: missing {', '.join(missing)}; rebuild with 'reactivity train'")
    model: dict[str, Any] = {key: _tuples(meta[key]) for key in _META_KEYS}
    model["model"] = TreeEnsemble(*(content[f"tree_{name}"] for name in _TREE_ARRAYS))
    model["train_features"] = content["train_features"]
    return model


@lru_cache(maxsize=None)
def load_pka_model() -> dict[str, Any]:
    """The packaged pKa model (SHA-256 checked before reading; no pickle, no joblib; loaded once per process)."""
    from ..artefacts import verified_artefact_bytes

    return read_pka_model(verified_artefact_bytes(MODEL_ARTEFACT))


def band_halfwidth(model: dict[str, Any], site_class: str, applicability: float) -> float:
    """Half-width of the prediction band for a site of a class and applicability (from cluster-CV errors)."""
    edges = model["band_edges"]
    table = model["band_halfwidths"]
    widths = table.get(site_class, table["*"])
    for edge, width in zip(edges, widths):
        if applicability < edge:
            return float(width)
    return float(widths[-1])


def nearest_training(model: dict[str, Any], sims: np.ndarray, k: int = 3) -> tuple[TrainingAnalogue, ...]:
    if sims.size > k:
        # the k best without sorting everything: keep every row at least as similar as the k-th best, then a
        # stable sort of those (ties stay in training-set order, as a full stable sort would give)
        threshold = np.partition(sims, sims.size - k)[sims.size - k]
        candidates = np.flatnonzero(sims >= threshold)
        order = candidates[np.argsort(-sims[candidates], kind="stable")[:k]]
    else:
        order = np.argsort(-sims, kind="stable")[:k]
    return tuple(
        TrainingAnalogue(
            name=str(model["train_names"][j]),
            smiles=str(model["train_smiles"][j]),
            pka=float(model["train_pka"][j]),
            similarity=round(float(sims[j]), 3),
        )
        for j in order
    )


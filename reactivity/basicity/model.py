"""The packaged pKaH model: loading (hash-checked), bands and nearest training analogues."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ModelIntegrityError
from ..forest import TreeEnsemble
from .features import FEATURE_VERSION
from .results import TrainingAnalogue

MODEL_ARTEFACT = "pka_model.joblib"

# ----------------------------------------------------------------------------- model


def load_pka_model() -> dict[str, Any]:
    """The packaged pKa model (SHA-256 checked before unpickling)."""
    from ..artefacts import load_artefact

    model = load_artefact(MODEL_ARTEFACT)
    if not isinstance(model, dict) or model.get("feature_version") != FEATURE_VERSION:
        raise ModelIntegrityError(f"{MODEL_ARTEFACT}: built for other features; rebuild with 'reactivity train'")
    if not isinstance(model.get("model"), TreeEnsemble):
        raise ModelIntegrityError(f"{MODEL_ARTEFACT}: not a reactivity tree ensemble; rebuild with 'reactivity train'")
    return model


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


"""Build the reference-panel nearest-neighbour model of the stability scorer, deterministically, from ``datasets/``.

The panel (``reactivity.datasets/reference_panel.csv``) holds the benzodiazepin-2-ones, lactams and amides of the
curated hydrolysis facts with their known qualitative behaviour. Each compound is a Morgan (radius 2, 2048 bits)
fingerprint; the closest references of a query are those of highest Tanimoto similarity
(:func:`reactivity.stability.nearest_references`), and a scikit-learn 1-nearest-neighbour classifier (Jaccard
distance = 1 - Tanimoto) of the bond/event that goes first gives the honest leave-one-out check recorded in the
artefact and in ``models/MODEL.md``. The artefact is an array archive (the fingerprints as a boolean array, the rest as
JSON; :func:`reactivity.artefacts.array_archive_bytes`): reading it needs neither scikit-learn nor a pickle.

>>> from reactivity.molecule import mol_from_smiles
>>> int(reference_fingerprint(mol_from_smiles("O=C1CNCCCN1")).sum()) > 0
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import pathlib
from importlib import resources
from typing import Any

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from .errors import RuleDataError
from .molecule import mol_from_smiles
from .stability._base import _ARTEFACT_NAME as ARTEFACT_NAME
from .stability.rings import FINGERPRINT_BITS, FINGERPRINT_RADIUS, reference_fingerprint, reference_model_bytes

ARTEFACT_FORMAT = 2
_PANEL_COLUMNS = ("ref_id", "name", "smiles", "contains_diazepan_2_one", "first_event", "profile_shape",
                  "known_behaviour", "fact_ids", "confidence")


def read_panel() -> list[dict[str, str]]:
    """The reference panel rows (``reactivity.datasets/reference_panel.csv``), validated."""
    text = resources.files("reactivity.datasets").joinpath("reference_panel.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or tuple(rows[0].keys()) != _PANEL_COLUMNS:
        raise RuleDataError(f"reference_panel.csv: expected columns {_PANEL_COLUMNS}")
    return rows


def _loo_accuracy(x: np.ndarray, labels: list[str]) -> tuple[float, int]:
    """Leave-one-out accuracy of a 1-NN (Jaccard) classifier over the rows whose label is known."""
    known = [i for i, label in enumerate(labels) if label != "not_reported"]
    hits = 0
    for i in known:
        train = [j for j in known if j != i]
        classifier = KNeighborsClassifier(n_neighbors=1, metric="jaccard", algorithm="brute")
        classifier.fit(x[train], [labels[j] for j in train])
        hits += int(classifier.predict(x[[i]])[0] == labels[i])
    return (hits / len(known) if known else 0.0), len(known)


def _majority_baseline(labels: list[str]) -> float:
    known = [label for label in labels if label != "not_reported"]
    if not known:
        return 0.0
    return max(known.count(label) for label in set(known)) / len(known)


def build_stability_model() -> dict[str, Any]:
    """The model as a plain dict of lists and one boolean fingerprint array (deterministic)."""
    rows = read_panel()
    mols = [mol_from_smiles(row["smiles"]) for row in rows]
    x = np.vstack([reference_fingerprint(m) for m in mols]).astype(bool)
    first_event = [row["first_event"] for row in rows]
    profile = [row["profile_shape"] for row in rows]
    loo_first, n_first = _loo_accuracy(x, first_event)
    loo_profile, n_profile = _loo_accuracy(x, profile)
    panel_text = "\n".join(",".join(row[c] for c in _PANEL_COLUMNS) for row in rows)
    return {
        "format": ARTEFACT_FORMAT,
        "fingerprint": {"kind": "morgan", "radius": FINGERPRINT_RADIUS, "n_bits": FINGERPRINT_BITS},
        "panel_sha256": hashlib.sha256(panel_text.encode("utf-8")).hexdigest(),
        "ref_ids": [row["ref_id"] for row in rows],
        "names": [row["name"] for row in rows],
        "smiles": [row["smiles"] for row in rows],
        "contains_diazepan_2_one": [row["contains_diazepan_2_one"] == "yes" for row in rows],
        "first_event": first_event,
        "profile_shape": profile,
        "known_behaviour": [row["known_behaviour"] for row in rows],
        "fact_ids": [row["fact_ids"].split(";") for row in rows],
        "confidence": [row["confidence"] for row in rows],
        "fingerprints": x,
        "validation": {
            "loo_first_event_accuracy": loo_first,
            "loo_first_event_n": n_first,
            "first_event_majority_baseline": _majority_baseline(first_event),
            "loo_profile_shape_accuracy": loo_profile,
            "loo_profile_shape_n": n_profile,
            "profile_shape_majority_baseline": _majority_baseline(profile),
        },
    }


def train_stability_model(output_dir: pathlib.Path) -> pathlib.Path:
    """Rebuild ``stability_model.npz`` in ``output_dir`` from the packaged datasets; returns its path.

    The bytes are identical for identical data and library versions (a test retrains and compares the hash).
    """
    output_dir = pathlib.Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / ARTEFACT_NAME
    path.write_bytes(reference_model_bytes(build_stability_model()))
    return path

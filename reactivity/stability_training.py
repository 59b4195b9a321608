"""Build the reference-panel nearest-neighbour model of the stability scorer, deterministically, from ``datasets/``.

The panel (``reactivity.datasets/reference_panel.csv``) holds the benzodiazepin-2-ones, lactams and amides of the
curated hydrolysis facts with their known qualitative behaviour. Each compound is a Morgan (radius 2, 2048 bits)
fingerprint; a scikit-learn ``NearestNeighbors`` (Jaccard distance = 1 - Tanimoto, brute force) returns the closest
references of a query, and a 1-nearest-neighbour classifier of the bond/event that goes first gives the honest
leave-one-out check recorded in the artefact and in ``models/MODEL.md``.

>>> from reactivity.molecule import mol_from_smiles
>>> int(reference_fingerprint(mol_from_smiles("O=C1CNCCCN1")).sum()) > 0
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import pathlib
import sys
from functools import lru_cache
from importlib import resources
from typing import Any

import joblib
import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from .errors import RuleDataError
from .molecule import mol_from_smiles, quiet_rdkit

ARTEFACT_NAME = "stability_model.joblib"
FINGERPRINT_RADIUS = 2
FINGERPRINT_BITS = 2048
ARTEFACT_FORMAT = 1
_PANEL_COLUMNS = ("ref_id", "name", "smiles", "contains_diazepan_2_one", "first_event", "profile_shape",
                  "known_behaviour", "fact_ids", "confidence")


@lru_cache(maxsize=1)
def _generator() -> Any:
    return rdFingerprintGenerator.GetMorganGenerator(radius=FINGERPRINT_RADIUS, fpSize=FINGERPRINT_BITS)


def reference_fingerprint(mol: Chem.Mol) -> np.ndarray:
    """Boolean Morgan fingerprint (radius 2, 2048 bits) of the heavy-atom molecule, as used by the panel model."""
    with quiet_rdkit():
        heavy = mol
        if any(atom.GetAtomicNum() == 1 for atom in mol.GetAtoms()):
            heavy = Chem.RemoveHs(mol, sanitize=False)
            heavy.UpdatePropertyCache(strict=False)
            Chem.FastFindRings(heavy)
        bits = _generator().GetFingerprintAsNumPy(heavy)
    return np.asarray(bits, dtype=bool)


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


def _interned(value: Any) -> Any:
    """Intern every string (in lists, dicts and estimator attributes) so that the pickle's sharing of equal strings,
    and therefore its bytes, does not depend on what else the process has done."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, list):
        return [_interned(item) for item in value]
    if isinstance(value, dict):
        return {_interned(k): _interned(v) for k, v in value.items()}
    if hasattr(value, "get_params") and hasattr(value, "__dict__"):
        state = {sys.intern(key): (_interned(item) if isinstance(item, (str, dict)) else item)
                 for key, item in vars(value).items()}
        vars(value).clear()
        vars(value).update(state)
    return value


def build_stability_model() -> dict[str, Any]:
    """The model as a plain dict of lists, arrays and fitted scikit-learn estimators (deterministic)."""
    rows = read_panel()
    mols = [mol_from_smiles(row["smiles"]) for row in rows]
    x = np.vstack([reference_fingerprint(m) for m in mols]).astype(bool)
    neighbours = NearestNeighbors(metric="jaccard", algorithm="brute").fit(x)
    first_event = [row["first_event"] for row in rows]
    profile = [row["profile_shape"] for row in rows]
    known = [i for i, label in enumerate(first_event) if label != "not_reported"]
    classifier = KNeighborsClassifier(n_neighbors=1, metric="jaccard", algorithm="brute")
    classifier.fit(x[known], [first_event[i] for i in known])
    loo_first, n_first = _loo_accuracy(x, first_event)
    loo_profile, n_profile = _loo_accuracy(x, profile)
    panel_text = "\n".join(",".join(row[c] for c in _PANEL_COLUMNS) for row in rows)
    return _interned({
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
        "neighbours": neighbours,
        "first_event_classifier": classifier,
        "validation": {
            "loo_first_event_accuracy": loo_first,
            "loo_first_event_n": n_first,
            "first_event_majority_baseline": _majority_baseline(first_event),
            "loo_profile_shape_accuracy": loo_profile,
            "loo_profile_shape_n": n_profile,
            "profile_shape_majority_baseline": _majority_baseline(profile),
        },
    })


def train_stability_model(output_dir: pathlib.Path) -> pathlib.Path:
    """Rebuild ``stability_model.joblib`` in ``output_dir`` from the packaged datasets; returns its path.

    The bytes are identical for identical data and library versions (a test retrains and compares the hash).
    """
    output_dir = pathlib.Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / ARTEFACT_NAME
    buffer = io.BytesIO()
    joblib.dump(build_stability_model(), buffer, compress=3)
    path.write_bytes(buffer.getvalue())
    return path

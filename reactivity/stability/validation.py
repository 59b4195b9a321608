"""Recompute the validation table ``datasets/stability_validation.csv``: every measured behaviour the model can be
held to, its prediction with the band, and whether the measurement falls inside the band.

Row kinds (``model_quantity``):

- ``open_fraction_eq``: equilibrium open fraction of the imine ring opening at ``ph`` (``imine_pkah`` column, or the
  class value when empty); the analogue's own ring need not be a 1,4-diazepan-2-one.
- ``relaxation_per_min``: rate of approach to the opening equilibrium (k_open + k_close) at ``ph``, ``temperature_c``.
- ``decarboxylation_half_life_min``: half-life of decarboxylation of the molecule's 3-carboxylic acid.
- ``decarboxylation_rate_ratio``: k(``ph``) / k(``ph_2``) of the decarboxylation.
- ``imine_opening_rate_ratio`` / ``lactam_rate_ratio``: k(``ph``) / k(``ph_2``) of the imine opening or the lactam term.
- ``opening_vs_lactam_rate_ratio``: approach to the opening equilibrium over the lactam rate (separation of the two
  kinetic phases) at ``ph``, ``temperature_c``.
- ``fraction_irreversibly_lost`` / ``fraction_lost``: :func:`assess_stability` over ``hours``.
- ``fraction_lost_difference``: fraction_lost at ``ph`` minus at ``ph_2``.
- ``amide_kh_per_m_s``: acid term of the first amide bond of the molecule (``amide_rate_laws``) at ``temperature_c``.
- ``amide_half_life_years``: half-life of the first amide bond at ``ph``, ``temperature_c``.
- ``amide_koh_ratio``: kOH of the molecule's first amide over kOH of ``smiles_2``'s.
- ``amide_ph_of_maximum_stability``: pH of the smallest k_obs (slowest bond governs nothing: the fastest bond
  at each pH) over 0-14.
- ``dominant_irreversible_pathway``: kind of the fastest irreversible pathway (categorical: in band when equal).
- ``degradant``: whether the measured product (``measured``, a SMILES) is among the predicted degradants.

Measured values are intervals ``[measured_low, measured_high]`` (an open side is empty). A row is *in band* when the
predicted band ``[predicted_low, predicted_high]`` overlaps the measured interval, and *central inside* when the
central prediction itself lies in it. ``calibration = yes`` marks rows whose measurement was used to set a model
number (in-sample); coverage is reported for all rows and for the independent rows apart.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from ._base import _DATASETS_PACKAGE, _model
from .pathways import RingState, decarboxylation_k, open_ratio, ring_kinetics
from .rate_laws import amide_rate_laws

VALIDATION_FILE = "stability_validation.csv"
INPUT_COLUMNS = ("validation_id", "compound", "smiles", "smiles_2", "model_quantity", "ph", "ph_2", "temperature_c",
                 "hours", "imine_pkah", "measured", "measured_low", "measured_high", "unit", "fact_ids", "citation",
                 "confidence", "calibration", "note")
OUTPUT_COLUMNS = ("predicted", "predicted_low", "predicted_high", "in_band", "central_inside")


@dataclass(frozen=True, slots=True)
class ValidationRow:
    """One recomputed row: the prediction, its band and the comparison with the measurement."""

    row: dict[str, str]
    predicted: float | str
    predicted_low: float | str
    predicted_high: float | str
    in_band: bool
    central_inside: bool

    @property
    def calibration(self) -> bool:
        """Whether the measurement was used to set a model number."""
        return self.row["calibration"] == "yes"

    def as_csv(self) -> dict[str, str]:
        """The row with the recomputed columns (numbers in 4 significant digits)."""
        return {**{k: self.row[k] for k in INPUT_COLUMNS}, "predicted": _fmt(self.predicted),
                "predicted_low": _fmt(self.predicted_low), "predicted_high": _fmt(self.predicted_high),
                "in_band": "yes" if self.in_band else "no", "central_inside": "yes" if self.central_inside else "no"}


def _fmt(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"


def read_validation_table() -> list[dict[str, str]]:
    """The packaged validation table (``reactivity.datasets/stability_validation.csv``)."""
    text = resources.files(_DATASETS_PACKAGE).joinpath(VALIDATION_FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _float(row: dict[str, str], key: str) -> float | None:
    value = row.get(key, "").strip()
    return float(value) if value else None


def _class_state(imine_pkah: float) -> RingState:
    return RingState(True, imine_pkah, None, None, None, (), False, False)


def _first_law(smiles: str, temperature_c: float) -> Any:
    from ..molecule import mol_from_smiles

    laws = amide_rate_laws(mol_from_smiles(smiles), temperature_c)
    return laws[0].rate_law


def _assess(row: dict[str, str], ph: float) -> Any:
    from ..molecule import mol_from_smiles
    from .assess import assess_stability

    return assess_stability(mol_from_smiles(row["smiles"]), ph=ph, temperature_c=float(row["temperature_c"]),
                            hours=float(row["hours"]))


def _ring_model(row: dict[str, str]) -> Any:
    from ..molecule import mol_from_smiles
    from ..perception import perceive
    from .model import ring_model

    mol = mol_from_smiles(row["smiles"])
    ring = perceive(mol)[0]
    return ring_model(mol, ring, 0, float(row["temperature_c"]), _float(row, "imine_pkah"))


def predict(row: dict[str, str]) -> tuple[float | str, float | str, float | str]:
    """Central prediction and band (low, high) of one validation row."""
    quantity = row["model_quantity"]
    ph = _float(row, "ph")
    temperature = _float(row, "temperature_c") or 25.0
    if quantity == "open_fraction_eq":
        pkah = _float(row, "imine_pkah") or float(_model()["imine"]["plain_pkah"])
        values = [open_ratio(ph, pkah, side) for side in (0, -1, 1)]
        central, low, high = (v / (1.0 + v) for v in values)
        return central, low, high
    if quantity == "relaxation_per_min":
        pkah = _float(row, "imine_pkah") or float(_model()["imine"]["plain_pkah"])
        law = _first_law("CNC(C)=O", temperature)
        kinetics = [ring_kinetics(law, _class_state(pkah), ph, temperature, side) for side in (0, -1, 1)]
        central, low, high = ((k.k_open + k.k_close) * 60.0 for k in kinetics)
        return central, low, high
    if quantity in ("decarboxylation_half_life_min", "decarboxylation_rate_ratio"):
        model = _ring_model(row)
        band = float(_model()["decarboxylation"]["band"])
        k = decarboxylation_k(model.state, ph, temperature)
        if quantity == "decarboxylation_rate_ratio":
            ratio = k / decarboxylation_k(model.state, _float(row, "ph_2"), temperature)
            return ratio, ratio, ratio
        half = math.log(2.0) / k / 60.0
        return half, half / band, half * band
    if quantity == "imine_opening_rate_ratio":
        pkah = _float(row, "imine_pkah") or float(_model()["imine"]["plain_pkah"])
        law = _first_law("CNC(C)=O", temperature)
        k1 = ring_kinetics(law, _class_state(pkah), ph, temperature).k_open
        k2 = ring_kinetics(law, _class_state(pkah), _float(row, "ph_2"), temperature).k_open
        return k1 / k2, k1 / k2, k1 / k2
    if quantity == "opening_vs_lactam_rate_ratio":
        model = _ring_model(row)
        kinetics = ring_kinetics(model.law, model.state, ph, temperature)
        ratio = (kinetics.k_open + kinetics.k_close) / model.law.k_obs(ph)
        low_k = ring_kinetics(model.law, model.state, ph, temperature, -1)
        high_k = ring_kinetics(model.law, model.state, ph, temperature, 1)
        band = model.law.band_factor
        return ratio, (low_k.k_open + low_k.k_close) / (model.law.k_obs(ph) * band), \
            (high_k.k_open + high_k.k_close) / (model.law.k_obs(ph) / band)
    if quantity == "lactam_rate_ratio":
        model = _ring_model(row)
        ratio = model.law.k_obs(ph) / model.law.k_obs(_float(row, "ph_2"))
        return ratio, ratio, ratio
    if quantity in ("fraction_irreversibly_lost", "fraction_lost"):
        result = _assess(row, ph)
        if quantity == "fraction_lost":
            return result.fraction_lost, result.fraction_lost_band[0], result.fraction_lost_band[1]
        low, high = result.fraction_irreversibly_lost_band
        return result.fraction_irreversibly_lost, low, high
    if quantity == "fraction_lost_difference":
        first, second = _assess(row, ph), _assess(row, _float(row, "ph_2"))
        central = first.fraction_lost - second.fraction_lost
        low = first.fraction_lost_band[0] - second.fraction_lost_band[0]
        high = first.fraction_lost_band[1] - second.fraction_lost_band[1]
        return central, min(low, central), max(high, central)
    if quantity == "amide_kh_per_m_s":
        law = _first_law(row["smiles"], temperature)
        return law.kh_per_m_s, law.kh_per_m_s / law.band_factor, law.kh_per_m_s * law.band_factor
    if quantity == "amide_half_life_years":
        law = _first_law(row["smiles"], temperature)
        years = math.log(2.0) / law.k_obs(ph) / 3.15576e7
        return years, years / law.band_factor, years * law.band_factor
    if quantity == "amide_koh_ratio":
        law, reference = _first_law(row["smiles"], temperature), _first_law(row["smiles_2"], temperature)
        ratio = law.koh_per_m_s / reference.koh_per_m_s
        band = math.sqrt(law.band_factor * reference.band_factor)
        return ratio, ratio / band, ratio * band
    if quantity == "amide_ph_of_maximum_stability":
        from ..molecule import mol_from_smiles

        grid = np.round(np.arange(0.0, 14.0001, 0.05), 2)
        laws = amide_rate_laws(mol_from_smiles(row["smiles"]), temperature)
        profile = np.max(np.vstack([item.rate_law.k_obs_profile(grid) for item in laws]), axis=0)
        best = float(grid[int(np.argmin(profile))])
        return best, best, best
    if quantity == "degradant":
        from ..molecule import mol_from_smiles
        from rdkit import Chem

        result = _assess(row, ph)
        wanted = Chem.MolToSmiles(mol_from_smiles(row["measured"]))
        found = wanted if any(d.smiles == wanted for d in result.degradants) else "not predicted"
        return found, found, found
    if quantity == "dominant_irreversible_pathway":
        result = _assess(row, ph)
        candidates = [p for p in result.pathways if not p.reversible and p.k_per_s is not None]
        kind = max(candidates, key=lambda p: p.k_per_s or 0.0).kind
        return kind, kind, kind
    raise ValueError(f"unknown model_quantity {quantity!r} in {VALIDATION_FILE}")


def validate_row(row: dict[str, str]) -> ValidationRow:
    """Recompute one row."""
    central, low, high = predict(row)
    if isinstance(central, str):
        expected = row["measured"].strip()
        if row["model_quantity"] == "degradant":
            from rdkit import Chem

            from ..molecule import mol_from_smiles

            expected = Chem.MolToSmiles(mol_from_smiles(expected))
        inside = central == expected
        return ValidationRow(row, central, low, high, inside, inside)
    measured_low = _float(row, "measured_low")
    measured_high = _float(row, "measured_high")
    lo = -math.inf if measured_low is None else measured_low
    hi = math.inf if measured_high is None else measured_high
    assert isinstance(low, float) and isinstance(high, float)
    in_band = low <= hi and high >= lo
    central_inside = lo <= central <= hi
    return ValidationRow(row, float(central), float(low), float(high), in_band, central_inside)


def validate() -> list[ValidationRow]:
    """Recompute every row of the packaged table."""
    return [validate_row(row) for row in read_validation_table()]


def coverage(rows: list[ValidationRow], calibration: bool | None = None) -> tuple[int, int, int]:
    """(in band, central inside, total) over the rows, optionally only calibration (True) or independent (False) rows."""
    chosen = [r for r in rows if calibration is None or r.calibration == calibration]
    return sum(r.in_band for r in chosen), sum(r.central_inside for r in chosen), len(chosen)


def table_text(rows: list[ValidationRow]) -> str:
    """The table as CSV text (input columns plus the recomputed ones), as packaged."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INPUT_COLUMNS + OUTPUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.as_csv())
    return buffer.getvalue()


def main() -> None:  # pragma: no cover - maintenance entry point
    """Rewrite ``datasets/stability_validation.csv`` with the recomputed columns and print the coverage
    (``python -m reactivity.stability.validation datasets/stability_validation.csv``)."""
    import sys

    rows = validate()
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8", newline="") as handle:
            handle.write(table_text(rows))
    for label, flag in (("all", None), ("independent", False), ("calibration", True)):
        in_band, central, total = coverage(rows, flag)
        print(f"{label}: {in_band}/{total} in band, {central}/{total} central estimate inside")


if __name__ == "__main__":  # pragma: no cover
    main()

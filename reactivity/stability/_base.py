"""Shared data loading, constants and small helpers of the stability model (no chemistry decisions here)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import numpy as np

from ..errors import RuleDataError
from ..rules import load_references, read_packaged_toml

RiskLevel = Literal["low", "moderate", "high", "not_applicable"]

from .presets import CONDITION_NAMES

_GAS_CONSTANT_KJ = 8.314462618e-3
_SECONDS_PER_HOUR = 3600.0
_RISK_ORDER: dict[str, int] = {"not_applicable": -1, "low": 0, "moderate": 1, "high": 2}
_BASIC_N4 = ("secondary_amine", "tertiary_amine", "ammonium")
_ACYLATED_N4 = ("amide", "carbamate", "urea", "sulfonamide")
_BASIC_COMPETING = ("primary_amine", "secondary_amine", "tertiary_amine", "amidine")
_REACHING_AMINES = ("primary_amine", "secondary_amine")
_DATASETS_PACKAGE = "reactivity.datasets"
_ARTEFACT_NAME = "stability_model.npz"


# ----------------------------------------------------------------------------------------------------- data loading
@lru_cache(maxsize=1)
def _model() -> dict[str, Any]:
    """The rate-model parameters, validated once per process."""
    data = read_packaged_toml("stability_model.toml")
    required = ("baseline", "activation_energy", "acid_saturation", "temperature", "risk", "stable_window", "n4",
                "applicability", "modifier", "intramolecular_aminolysis", "n1_ionization", "imine",
                "imine_ring_opening", "carbinolamide_ring_contraction", "decarboxylation", "aminal_ring_opening")
    missing = [key for key in required if key not in data]
    if missing:
        raise RuleDataError(f"stability_model.toml: missing section(s) {', '.join(missing)}")
    if "c3_imine_assumption" not in data["imine_ring_opening"]:
        raise RuleDataError("stability_model.toml: [imine_ring_opening] lacks 'c3_imine_assumption'")
    for modifier in data["modifier"]:
        for key in ("id", "applies", "kh", "k0", "koh", "band", "kind", "facts", "rationale"):
            if key not in modifier:
                raise RuleDataError(f"stability_model.toml: modifier {modifier.get('id', '?')} lacks {key!r}")
    table = data["temperature"]
    if len(table["pkw_table_c"]) != len(table["pkw_table"]):
        raise RuleDataError("stability_model.toml: pKw table columns differ in length")
    return data


@lru_cache(maxsize=1)
def _modifiers() -> dict[str, dict[str, Any]]:
    return {str(m["applies"]): m for m in _model()["modifier"]}


@lru_cache(maxsize=1)
def _conditions() -> dict[str, dict[str, Any]]:
    """The handling presets by name, validated against :data:`CONDITION_NAMES`."""
    data = read_packaged_toml("handling_conditions.toml")
    presets = {str(c["name"]): c for c in data.get("condition", [])}
    if tuple(presets) != CONDITION_NAMES:
        raise RuleDataError(f"handling_conditions.toml: presets {tuple(presets)} differ from CONDITION_NAMES")
    for name, preset in presets.items():
        for key in ("label", "material_loss", "sources", "parameters", "stage"):
            if key not in preset:
                raise RuleDataError(f"handling_conditions.toml: preset {name} lacks {key!r}")
        for stage in preset["stage"]:
            given = [key for key in ("ph", "acid_molar", "base_molar") if key in stage]
            if len(given) != 1:
                raise RuleDataError(f"handling_conditions.toml: a stage of {name} needs exactly one of ph/acid_molar/base_molar")
    return presets


@dataclass(frozen=True, slots=True)
class Reference:
    """A source a result relies on: a literature fact (``HF-###``) or a reference of the model file
    (``lit:*`` or ``docs:*``)."""

    id: str
    citation: str
    url: str = ""
    confidence: str = ""
    what: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"id": self.id, "citation": self.citation, "url": self.url, "confidence": self.confidence, "what": self.what}


@lru_cache(maxsize=1)
def _references() -> dict[str, Reference]:
    """Every citable source by id: the curated facts (``HF-###``) plus the project's reference table (``lit:*``, ``docs:*``)."""
    table: dict[str, Reference] = {}
    text = resources.files(_DATASETS_PACKAGE).joinpath("hydrolysis_facts.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        what = f"{row['compound']}: {row['quantity']} = {row['value']} {row['unit']}".strip()
        table[row["fact_id"]] = Reference(row["fact_id"], row["source_citation"], row["source_url"], row["confidence"], what)
    for ref_id, text in load_references().items():
        table[ref_id] = Reference(ref_id, text)
    return table


def resolve_references(ids: Iterable[str]) -> tuple[Reference, ...]:
    """Look up source ids (``HF-###``, ``lit:*`` or ``docs:*``), in first-seen order, raising on an unknown id.

    >>> resolve_references(["HF-057"])[0].what
    'PAGV: k_H = 1.60e-6 (+/- 1.04e-6) M-1 s-1'
    """
    return _resolve(tuple(ids))


@lru_cache(maxsize=1024)
def _resolve(ids: tuple[str, ...]) -> tuple[Reference, ...]:
    table = _references()
    out: list[Reference] = []
    seen: set[str] = set()
    for ref_id in ids:
        if ref_id in seen:
            continue
        if ref_id not in table:
            raise RuleDataError(f"unknown reference id {ref_id!r} in the stability data")
        seen.add(ref_id)
        out.append(table[ref_id])
    return tuple(out)


# ------------------------------------------------------------------------------------------------ water, Arrhenius
def pkw_at(temperature_c: float) -> float:
    """-log10 Kw of water at a temperature (linear interpolation of the Marshall & Franck table, 0-100 C).

    >>> round(pkw_at(25.0), 3), round(pkw_at(37.0), 2), round(pkw_at(100.0), 3)
    (13.995, 13.63, 12.265)
    """
    table = _model()["temperature"]
    return float(np.interp(temperature_c, table["pkw_table_c"], table["pkw_table"]))


def _arrhenius_factor(ea_kj_mol: float, temperature_c: float, reference_c: float) -> float:
    """k(T) / k(T_ref) for an activation energy."""
    t = temperature_c + 273.15
    t_ref = reference_c + 273.15
    return math.exp(-ea_kj_mol / _GAS_CONSTANT_KJ * (1.0 / t - 1.0 / t_ref))


def risk_level(fraction_lost: float) -> RiskLevel:
    """Risk level from the fraction of lactam lost (thresholds of ``stability_model.toml``: 1 % and 10 %).

    >>> risk_level(0.0099), risk_level(0.01), risk_level(0.1), risk_level(0.1001)
    ('low', 'moderate', 'moderate', 'high')
    """
    thresholds = _model()["risk"]
    if fraction_lost < thresholds["low_below"]:
        return "low"
    if fraction_lost <= thresholds["high_above"]:
        return "moderate"
    return "high"


def _worse(a: RiskLevel, b: RiskLevel) -> RiskLevel:
    return a if _RISK_ORDER[a] >= _RISK_ORDER[b] else b




# ------------------------------------------------------------------------------------------------ small helpers
def _fraction(k: float, hours: float) -> float:
    """Fraction lost by a first-order process of rate ``k`` (s-1) over ``hours``."""
    return float(-math.expm1(-k * hours * _SECONDS_PER_HOUR))


@lru_cache(maxsize=4)
def _cached_grid(low: float, high: float, step: float) -> np.ndarray:
    grid = np.round(np.arange(low, high + step / 2, step), 4)
    grid.setflags(write=False)
    return grid


def _window_grid() -> np.ndarray:
    settings = _model()["stable_window"]
    return _cached_grid(float(settings["ph_min"]), float(settings["ph_max"]), float(settings["ph_step"]))

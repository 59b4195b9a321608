"""pH stability and handling risk of 1,4-diazepan-2-one rings, grounded in the benzodiazepinone analogy.

For every ring perception finds, the lactam C2-N1 bond gets a pH-rate law

    k_obs = kH * a(H+) / (1 + a(H+)/Ka_O) + k0 + kOH * a(OH-)

built from the peptide-bond constants at 37 C (the only full amide pH-rate set available), multiplied by modifiers
for what perception reports (imide or anilide N1, heteroatom on C3, N4 state and its protonation at the pH), and
moved to the chosen temperature with Arrhenius terms and the temperature-dependent ion product of water. Each
number is a sourced literature value (``HF-###`` rows of ``reactivity.datasets/hydrolysis_facts.csv``) or a named
assumption (``reactivity/data/stability_model.toml``); every assumption used is listed in the result.

Other pathways are reported beside the lactam: the reversible opening of a benzodiazepine 4,5-imine (transient, not
loss), 3-hydroxy carbinolamide chemistry, C3 epimerization, intramolecular aminolysis by a free amine that can reach
C2, and hydrolysis of more labile groups elsewhere (perception's competing sites; categorical).

Definitions (documented in the result too):

- risk: ``low`` (< 1 % of the lactam lost over the duration), ``moderate`` (1-10 %), ``high`` (> 10 %), from the
  central estimate; ``not_applicable`` when the molecule has no 1,4-diazepan-2-one ring.
- stable pH window: the pH range (within 0-14) where at least 90 % of the lactam remains after the reference horizon
  of one year at the chosen temperature; ``None`` when no pH qualifies.

>>> from reactivity.molecule import mol_from_smiles
>>> law = baseline_rate_law(37.0)
>>> f"{law.k0_per_s:.3g} {law.kh_per_m_s:.3g} {law.koh_per_m_s:.3g}"
'9.05e-11 1.6e-06 1.11e-06'
>>> risk_level(0.005), risk_level(0.05), risk_level(0.5)
('low', 'moderate', 'high')
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import numpy as np
from rdkit import Chem

from .errors import ReactivityError, RuleDataError, UnknownConditionError
from .molecule import quiet_rdkit
from .rules import compile_smarts, read_packaged_toml
from .sites import RingSites

RiskLevel = Literal["low", "moderate", "high", "not_applicable"]

#: Names of the handling presets (``reactivity/data/handling_conditions.toml``), in the order they are reported.
CONDITION_NAMES: tuple[str, ...] = (
    "aqueous_acid_workup",
    "aqueous_base_workup",
    "bicarbonate_workup",
    "silica_methanol",
    "rp_hplc_tfa",
    "physiological",
    "boc_deprotection",
    "reflux_methanol",
)

_GAS_CONSTANT_KJ = 8.314462618e-3
_SECONDS_PER_HOUR = 3600.0
_RISK_ORDER: dict[str, int] = {"not_applicable": -1, "low": 0, "moderate": 1, "high": 2}
_BASIC_N4 = ("secondary_amine", "tertiary_amine", "ammonium")
_ACYLATED_N4 = ("amide", "carbamate", "urea", "sulfonamide")
_BASIC_COMPETING = ("primary_amine", "secondary_amine", "tertiary_amine", "amidine")
_REACHING_AMINES = ("primary_amine", "secondary_amine")
_PH_LIMITS = (-1.5, 15.5)
_T_LIMITS = (-20.0, 150.0)
_DATASETS_PACKAGE = "reactivity.datasets"
_ARTEFACT_NAME = "stability_model.joblib"


# ----------------------------------------------------------------------------------------------------- data loading
@lru_cache(maxsize=1)
def _model() -> dict[str, Any]:
    """The rate-model parameters, validated once per process."""
    data = read_packaged_toml("stability_model.toml")
    required = ("baseline", "activation_energy", "acid_saturation", "temperature", "risk", "stable_window", "n4",
                "applicability", "modifier", "intramolecular_aminolysis", "references")
    missing = [key for key in required if key not in data]
    if missing:
        raise RuleDataError(f"stability_model.toml: missing section(s) {', '.join(missing)}")
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
    """A source a result relies on: a literature fact (``HF-###``) or a reference of the model file (``ref:*``)."""

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
    """Every citable source by id: the curated facts plus the model file's references."""
    table: dict[str, Reference] = {}
    text = resources.files(_DATASETS_PACKAGE).joinpath("hydrolysis_facts.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        what = f"{row['compound']}: {row['quantity']} = {row['value']} {row['unit']}".strip()
        table[row["fact_id"]] = Reference(row["fact_id"], row["source_citation"], row["source_url"], row["confidence"], what)
    for ref_id, entry in _model()["references"].items():
        table[str(ref_id)] = Reference(str(ref_id), str(entry["text"]))
    return table


def resolve_references(ids: Iterable[str]) -> tuple[Reference, ...]:
    """Look up source ids (``HF-###`` or ``ref:*``), in first-seen order, raising on an unknown id.

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


# ------------------------------------------------------------------------------------------------------ rate laws
@dataclass(frozen=True, slots=True)
class RateLaw:
    """Pseudo-first-order rate law of one amide bond at one temperature.

    ``kh_per_m_s``, ``k0_per_s``, ``koh_per_m_s`` already include the pH-independent modifiers and the temperature;
    a basic N4 adds a pH-dependent factor through ``n4_pka`` (protonated fraction ``f``): kH x (1 + (kh_n4 - 1) f),
    kOH x (1 + (koh_n4 - 1) f). ``band_factor``: the estimate is uncertain within k / band ... k x band.
    """

    temperature_c: float
    kh_per_m_s: float
    k0_per_s: float
    koh_per_m_s: float
    pkw: float
    amide_o_pkah: float
    band_factor: float
    modifiers: tuple[str, ...]
    n4_pka: float | None = None
    n4_kh_factor: float = 1.0
    n4_koh_factor: float = 1.0
    n4_permanent_cation: bool = False

    def _n4_fraction(self, log_ah: np.ndarray) -> np.ndarray:
        if self.n4_permanent_cation:
            return np.ones_like(log_ah)
        if self.n4_pka is None:
            return np.zeros_like(log_ah)
        return 1.0 / (1.0 + 10.0 ** (-log_ah - self.n4_pka))

    def terms_at_log_ah(self, log_ah: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Acid, water and hydroxide contributions (s-1) at log10 a(H+) (``-pH``; may exceed 0 in strong acid)."""
        log_ah = np.asarray(log_ah, dtype=float)
        a_h = 10.0 ** log_ah
        a_oh = 10.0 ** (-self.pkw - log_ah)
        f = self._n4_fraction(log_ah)
        saturation = 1.0 / (1.0 + a_h * 10.0 ** self.amide_o_pkah)
        acid = self.kh_per_m_s * (1.0 + (self.n4_kh_factor - 1.0) * f) * a_h * saturation
        water = np.full_like(log_ah, self.k0_per_s)
        base = self.koh_per_m_s * (1.0 + (self.n4_koh_factor - 1.0) * f) * a_oh
        return acid, water, base

    def _scalar_terms(self, log_ah: float) -> tuple[float, float, float]:
        """:meth:`terms_at_log_ah` for one value, without numpy overhead (the batch path)."""
        a_h = 10.0 ** log_ah
        a_oh = 10.0 ** (-self.pkw - log_ah)
        if self.n4_permanent_cation:
            f = 1.0
        elif self.n4_pka is None:
            f = 0.0
        else:
            f = 1.0 / (1.0 + 10.0 ** (-log_ah - self.n4_pka))
        acid = self.kh_per_m_s * (1.0 + (self.n4_kh_factor - 1.0) * f) * a_h / (1.0 + a_h * 10.0 ** self.amide_o_pkah)
        base = self.koh_per_m_s * (1.0 + (self.n4_koh_factor - 1.0) * f) * a_oh
        return acid, self.k0_per_s, base

    def k_obs(self, ph: float) -> float:
        """k_obs (s-1) at a pH.

        >>> law = baseline_rate_law(37.0)
        >>> f"{law.k_obs(7.0):.3g}"
        '9.09e-11'
        """
        acid, water, base = self._scalar_terms(-ph)
        return acid + water + base

    def k_obs_profile(self, ph: np.ndarray) -> np.ndarray:
        """k_obs (s-1) over an array of pH values."""
        acid, water, base = self.terms_at_log_ah(-np.asarray(ph, dtype=float))
        return acid + water + base

    def ph_of_maximum_stability(self) -> float:
        """The pH of the smallest k_obs on a 0.01 grid over 0-14."""
        return _ph_of_maximum_stability(self)

    def dominant_term(self, ph: float) -> str:
        """Which term dominates at a pH: ``acid``, ``water`` or ``hydroxide``."""
        terms = self._scalar_terms(-ph)
        return ("acid", "water", "hydroxide")[terms.index(max(terms))]


@lru_cache(maxsize=4096)
def _ph_of_maximum_stability(law: RateLaw) -> float:
    grid = _cached_grid(0.0, 14.0, 0.01)
    return float(round(grid[int(np.argmin(law.k_obs_profile(grid)))], 2))


def _combined_band(bands: Iterable[float]) -> float:
    """Combine independent multiplicative bands: 10 ** sqrt(sum(log10(b)^2)).

    >>> round(_combined_band([10.0, 10.0]), 2)
    25.95
    """
    return float(10.0 ** math.sqrt(sum(math.log10(b) ** 2 for b in bands if b > 1.0)))


def _temperature_band(temperature_c: float) -> float:
    ea = _model()["activation_energy"]
    reference_c = _model()["baseline"]["reference_temperature_c"]
    return _arrhenius_factor(-ea["ea_uncertainty_kj_mol"], temperature_c, reference_c) if temperature_c > reference_c \
        else _arrhenius_factor(ea["ea_uncertainty_kj_mol"], temperature_c, reference_c)


def build_rate_law(features: Sequence[str], temperature_c: float, n4_pka: float | None = None,
                   n4_permanent_cation: bool = False, extra_band: float = 1.0) -> RateLaw:
    """A rate law from the baseline and the modifiers switched on by ``features`` (``applies`` values of the model file).

    ``n4_basic`` among the features turns on the N4-protonation modifier, scaled by the protonated fraction from
    ``n4_pka`` (or permanently on for a quaternary N4).

    >>> imide = build_rate_law(["ring_size_7", "imide"], 25.0)
    >>> alkyl = build_rate_law(["ring_size_7", "n1_alkyl"], 25.0)
    >>> imide.koh_per_m_s / alkyl.koh_per_m_s
    45000.0
    """
    return _build_rate_law(tuple(features), float(temperature_c), n4_pka, n4_permanent_cation, float(extra_band))


@lru_cache(maxsize=4096)
def _build_rate_law(features: tuple[str, ...], temperature_c: float, n4_pka: float | None,
                    n4_permanent_cation: bool, extra_band: float) -> RateLaw:
    model = _model()
    base = model["baseline"]
    ea = model["activation_energy"]
    modifiers = _modifiers()
    reference_c = base["reference_temperature_c"]
    kh = base["kh_per_m_s"] * _arrhenius_factor(ea["ea_kh_kj_mol"], temperature_c, reference_c)
    k0 = base["k0_per_s"] * _arrhenius_factor(ea["ea_k0_kj_mol"], temperature_c, reference_c)
    koh = base["koh_per_m_s"] * _arrhenius_factor(ea["ea_koh_kj_mol"], temperature_c, reference_c)
    bands = [base["band"], _temperature_band(temperature_c), extra_band]
    used: list[str] = []
    n4_kh = n4_koh = 1.0
    for feature in features:
        modifier = modifiers.get(feature)
        if modifier is None:
            raise RuleDataError(f"no stability modifier applies to feature {feature!r}")
        used.append(str(modifier["id"]))
        bands.append(float(modifier["band"]))
        if modifier.get("scaled_by") == "n4_protonated_fraction":
            n4_kh, n4_koh = float(modifier["kh"]), float(modifier["koh"])
            continue
        kh *= modifier["kh"]
        k0 *= modifier["k0"]
        koh *= modifier["koh"]
    basic = "n4_basic" in features
    return RateLaw(
        temperature_c=float(temperature_c), kh_per_m_s=kh, k0_per_s=k0, koh_per_m_s=koh, pkw=pkw_at(temperature_c),
        amide_o_pkah=float(model["acid_saturation"]["amide_o_pkah"]), band_factor=_combined_band(bands),
        modifiers=tuple(used), n4_pka=n4_pka if basic else None, n4_kh_factor=n4_kh if basic else 1.0,
        n4_koh_factor=n4_koh if basic else 1.0, n4_permanent_cation=basic and n4_permanent_cation,
    )


def baseline_rate_law(temperature_c: float = 37.0) -> RateLaw:
    """The unmodified acyclic secondary amide (peptide bond) at a temperature.

    >>> round(math.log(2) / baseline_rate_law(25.0).k_obs(7.0) / 3.15576e7)
    571
    """
    return build_rate_law((), temperature_c)


@dataclass(frozen=True, slots=True)
class AmideRateLaw:
    """The rate law of one C(=O)-N bond found by the amide rules (for molecules scored outside the ring model)."""

    carbonyl_atom: int
    nitrogen_atom: int
    features: tuple[str, ...]
    rate_law: RateLaw


@lru_cache(maxsize=1)
def _amide_rules() -> dict[str, Chem.Mol]:
    data = read_packaged_toml("stability_rules.toml")
    rules: dict[str, Chem.Mol] = {}
    for rule in data.get("rule", []):
        rules[str(rule["labels"])] = compile_smarts(str(rule["smarts"]), f"stability_rules.toml {rule['id']}")
    if "amide" not in rules:
        raise RuleDataError("stability_rules.toml: the 'amide' rule is missing")
    return rules


def amide_rate_laws(mol: Chem.Mol, temperature_c: float = 37.0) -> tuple[AmideRateLaw, ...]:
    """Rate laws of every carboxamide bond in a molecule (acyclic or any lactam), fastest at pH 7 first.

    Used for the amide anchor and for reference compounds that are not 1,4-diazepan-2-ones; ring size 4/5/6 and
    7+ modifiers apply to lactams. Imides are reported once per C(=O)-N bond.

    >>> from reactivity.molecule import mol_from_smiles
    >>> law = amide_rate_laws(mol_from_smiles("CNC(C)=O"), 37.0)[0]
    >>> law.features, f"{law.rate_law.kh_per_m_s:.3g}"
    ((), '1.6e-06')
    """
    rules = _amide_rules()
    labelled: dict[tuple[int, int], set[str]] = {}
    with quiet_rdkit():
        for match in mol.GetSubstructMatches(rules["amide"], uniquify=False):
            labelled.setdefault((match[0], match[2]), set())
        for label, pattern in rules.items():
            if label == "amide":
                continue
            for match in mol.GetSubstructMatches(pattern, uniquify=False):
                key = (match[0], match[2])
                if key in labelled:
                    labelled[key].add(label)
    ring_info = mol.GetRingInfo()
    out: list[AmideRateLaw] = []
    for (c_atom, n_atom), labels in labelled.items():
        features: list[str] = []
        bond = mol.GetBondBetweenAtoms(c_atom, n_atom)
        if bond is not None and bond.IsInRing():
            size = min(len(r) for r in ring_info.BondRings() if bond.GetIdx() in r)
            features.append(f"ring_size_{min(max(size, 4), 7)}")
        if "imide" in labels:
            features.append("imide")
        elif "n_sulfonyl" in labels:
            features.append("n_sulfonyl")
        else:
            if "anilide" in labels:
                features.append("anilide")
            if "n_alkyl" in labels:
                features.append("n1_alkyl")
        law = build_rate_law(features, temperature_c)
        out.append(AmideRateLaw(c_atom, n_atom, tuple(features), law))
    out.sort(key=lambda item: (-item.rate_law.k_obs(7.0), item.carbonyl_atom))
    return tuple(out)


# --------------------------------------------------------------------------------------------------- result types
@dataclass(frozen=True, slots=True)
class Pathway:
    """One degradation pathway of a ring (or of a group elsewhere in the molecule).

    ``kind``: ``lactam_hydrolysis`` | ``imine_opening`` | ``carbinolamide_ring_contraction`` | ``c3_racemization`` |
    ``c3_epimerization`` | ``intramolecular_aminolysis`` | ``competing_group_hydrolysis``. ``k_per_s`` is None for a
    categorical pathway (no rate data). ``site`` names the bond or atom in diazepanone locants (``C2-N1``) or, outside
    the ring, ``<kind>@<atom index>``.
    """

    kind: str
    reversible: bool
    site: str
    atoms: tuple[int, ...]
    ring_index: int | None
    k_per_s: float | None
    dominant: bool
    note: str
    reference_ids: tuple[str, ...]

    @property
    def half_life_h(self) -> float | None:
        """Half-life in hours (None when not quantified)."""
        if not self.k_per_s:
            return None
        return math.log(2.0) / self.k_per_s / _SECONDS_PER_HOUR

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "kind": self.kind, "reversible": self.reversible, "site": self.site, "atoms": list(self.atoms),
            "ring_index": self.ring_index, "k_per_s": self.k_per_s, "half_life_h": self.half_life_h,
            "quantified": self.k_per_s is not None, "dominant": self.dominant, "note": self.note,
            "reference_ids": list(self.reference_ids),
        }


@dataclass(frozen=True, slots=True)
class ReferenceMatch:
    """A reference compound of the analogy close to the query (Tanimoto on Morgan radius-2 bits)."""

    ref_id: str
    name: str
    smiles: str
    similarity: float
    first_event: str
    profile_shape: str
    known_behaviour: str
    fact_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"ref_id": self.ref_id, "name": self.name, "smiles": self.smiles, "similarity": round(self.similarity, 3),
                "first_event": self.first_event, "profile_shape": self.profile_shape,
                "known_behaviour": self.known_behaviour, "fact_ids": list(self.fact_ids)}


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage of a handling preset and the lactam loss it causes."""

    description: str
    ph: float
    temperature_c: float
    hours: float
    k_obs_per_s: float | None
    fraction_lost: float | None
    surrogate: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"description": self.description, "ph": round(self.ph, 3), "temperature_c": self.temperature_c,
                "hours": self.hours, "k_obs_per_s": self.k_obs_per_s, "fraction_lost": self.fraction_lost,
                "surrogate": self.surrogate}


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """Risk of one handling preset: chemical (ring and labile groups) and material loss (work-up, silica), apart."""

    name: str
    label: str
    chemical_risk: RiskLevel
    material_loss_risk: RiskLevel
    advice: tuple[str, ...]
    reasons: tuple[str, ...]
    fraction_lost: float | None
    stages: tuple[StageResult, ...]
    assumptions: tuple[str, ...]
    references: tuple[Reference, ...]
    parameters: str

    @property
    def worst_risk(self) -> RiskLevel:
        """The worse of the chemical and material-loss risks."""
        return _worse(self.chemical_risk, self.material_loss_risk)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name, "label": self.label, "chemical_risk": self.chemical_risk,
            "material_loss_risk": self.material_loss_risk, "advice": list(self.advice), "reasons": list(self.reasons),
            "fraction_lost": self.fraction_lost, "stages": [s.to_dict() for s in self.stages],
            "parameters": self.parameters, "assumptions": list(self.assumptions),
            "references": [r.to_dict() for r in self.references],
        }


@dataclass(frozen=True, slots=True)
class RingStability:
    """The lactam rate law of one ring and what drove it."""

    ring_index: int
    n1: int
    c2: int
    features: tuple[str, ...]
    rate_law: RateLaw
    k_obs_per_s: float
    n4_pka: float | None
    n4_pka_source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        law = self.rate_law
        return {"ring_index": self.ring_index, "n1_atom": self.n1, "c2_atom": self.c2, "modifiers": list(law.modifiers),
                "k_obs_per_s": self.k_obs_per_s, "kh_per_m_s": law.kh_per_m_s, "k0_per_s": law.k0_per_s,
                "koh_per_m_s": law.koh_per_m_s, "band_factor": round(law.band_factor, 2), "n4_pka": self.n4_pka,
                "n4_pka_source": self.n4_pka_source}


@dataclass(frozen=True, slots=True)
class StabilityResult:
    """Hydrolytic stability of a molecule's 1,4-diazepan-2-one ring(s) at one pH, temperature and duration.

    The headline numbers are those of the least stable ring. ``risk`` is ``not_applicable`` (and the numbers None)
    when the molecule has no ring.
    """

    ph: float
    temperature_c: float
    hours: float
    ring_count: int
    risk: RiskLevel
    risk_reasons: tuple[str, ...]
    k_obs_per_s: float | None
    k_band_per_s: tuple[float, float] | None
    band_factor: float | None
    half_life_h: float | None
    fraction_lost: float | None
    fraction_lost_band: tuple[float, float] | None
    dominant_term: str | None
    ph_of_maximum_stability: float | None
    stable_ph_window: tuple[float, float] | None
    reference_horizon_h: float
    pathways: tuple[Pathway, ...]
    rings: tuple[RingStability, ...]
    nearest_references: tuple[ReferenceMatch, ...]
    applicability: float | None
    applicability_level: str
    assumptions: tuple[str, ...]
    references: tuple[Reference, ...]
    warnings: tuple[str, ...]
    conditions: tuple[ConditionResult, ...] = field(default=())
    model_version: str = ""

    @property
    def stable_ph_window_text(self) -> str:
        """The window as ``4.0-8.0`` (``none`` when no pH qualifies, empty without a ring)."""
        if self.ring_count == 0:
            return ""
        if self.stable_ph_window is None:
            return "none"
        return f"{self.stable_ph_window[0]:.1f}-{self.stable_ph_window[1]:.1f}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (keys of the issue plus the supporting detail)."""
        return {
            "ph": self.ph, "temperature_c": self.temperature_c, "hours": self.hours, "ring_count": self.ring_count,
            "risk": self.risk, "risk_reasons": list(self.risk_reasons), "k_obs_per_s": self.k_obs_per_s,
            "k_band_per_s": list(self.k_band_per_s) if self.k_band_per_s else None, "band_factor": self.band_factor,
            "half_life_h": self.half_life_h, "fraction_lost": self.fraction_lost,
            "fraction_lost_band": list(self.fraction_lost_band) if self.fraction_lost_band else None,
            "dominant_term": self.dominant_term, "ph_of_maximum_stability": self.ph_of_maximum_stability,
            "stable_ph_window": list(self.stable_ph_window) if self.stable_ph_window else None,
            "reference_horizon_h": self.reference_horizon_h,
            "pathways": [p.to_dict() for p in self.pathways], "rings": [r.to_dict() for r in self.rings],
            "nearest_references": [m.to_dict() for m in self.nearest_references],
            "applicability": self.applicability, "applicability_level": self.applicability_level,
            "assumptions": list(self.assumptions), "references": [r.to_dict() for r in self.references],
            "warnings": list(self.warnings),
            "conditions": {c.name: c.to_dict() for c in self.conditions}, "model_version": self.model_version,
        }


# ------------------------------------------------------------------------------------------- ring classification
def _c3_carbinolamide_oxygen(mol: Chem.Mol, ring: RingSites) -> int | None:
    """The oxygen on C3 of a 3-hydroxy/3-acyloxy carbinolamide, or None."""
    for bond in mol.GetAtomWithIdx(ring.c3).GetBonds():
        neighbour = bond.GetOtherAtom(mol.GetAtomWithIdx(ring.c3))
        if (neighbour.GetAtomicNum() == 8 and bond.GetBondType() == Chem.BondType.SINGLE
                and neighbour.GetIdx() not in ring.ring_atoms):
            return neighbour.GetIdx()
    return None


def _n1_on_aromatic(mol: Chem.Mol, ring: RingSites) -> bool:
    return any(a.GetIsAromatic() and a.GetIdx() != ring.c2 for a in mol.GetAtomWithIdx(ring.n1).GetNeighbors())


def ring_features(mol: Chem.Mol, ring: RingSites) -> tuple[str, ...]:
    """The modifier features of a ring (``applies`` values of ``stability_model.toml``), from perception's classes."""
    features = ["ring_size_7"]
    activation = set(ring.c2_activation)
    if ring.n1_class == "n_acyl" or "imide" in activation:
        features.append("imide")
    elif ring.n1_class == "n_sulfonyl" or "n_sulfonyl" in activation:
        features.append("n_sulfonyl")
    else:
        if "anilide" in activation or ring.n1_class == "n_aryl" or _n1_on_aromatic(mol, ring):
            features.append("anilide")
        if ring.n1_class == "n_alkyl":
            features.append("n1_alkyl")
    if "alpha_heteroatom" in activation or _c3_carbinolamide_oxygen(mol, ring) is not None:
        features.append("alpha_heteroatom")
    if "alpha_carbonyl" in activation:
        features.append("alpha_carbonyl")
    if ring.n4_class in _BASIC_N4:
        features.append("n4_basic")
    elif ring.n4_class == "imine":
        features.append("n4_imine")
    elif ring.n4_class in _ACYLATED_N4:
        features.append("n4_acyl")
    return tuple(features)


def _n4_is_quaternary(mol: Chem.Mol, ring: RingSites) -> bool:
    atom = mol.GetAtomWithIdx(ring.n4)
    return atom.GetFormalCharge() > 0 and atom.GetTotalNumHs() == 0 and atom.GetDegree() == 4


def _n4_pka_for(ring: RingSites, given: float | None) -> tuple[float | None, str]:
    if ring.n4_class not in _BASIC_N4:
        return None, "not a basic amine"
    if given is not None:
        return float(given), "predicted (reactivity.basicity)"
    settings = _model()["n4"]
    low, high = settings["fallback_band"]
    return float(settings["fallback_pka"]), f"assumed (about 8, band {low:g}-{high:g}, from glycinamide/sarcosinamide/1-acetylpiperazine)"


# --------------------------------------------------------------------------------------------- reference panel NN
@lru_cache(maxsize=1)
def _reference_model() -> dict[str, Any]:
    """The packaged nearest-neighbour model (SHA-256 checked, loaded once per process)."""
    from .artefacts import load_artefact

    model = load_artefact(_ARTEFACT_NAME)
    packed = np.asarray(model["fingerprints"], dtype=bool)
    return {**model, "_dense": packed.astype(np.float32), "_counts": packed.sum(axis=1).astype(np.float32)}


def _match_from_row(model: dict[str, Any], index: int, similarity: float) -> ReferenceMatch:
    return ReferenceMatch(
        ref_id=model["ref_ids"][index], name=model["names"][index], smiles=model["smiles"][index],
        similarity=float(similarity), first_event=model["first_event"][index],
        profile_shape=model["profile_shape"][index], known_behaviour=model["known_behaviour"][index],
        fact_ids=tuple(model["fact_ids"][index]),
    )


def nearest_references(mol: Chem.Mol, k: int = 3) -> tuple[ReferenceMatch, ...]:
    """The ``k`` reference compounds most similar to a molecule (Tanimoto on the model's fingerprints).

    >>> from reactivity.molecule import mol_from_smiles
    >>> nearest_references(mol_from_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"), k=1)[0].name
    'diazepam'
    """
    from .stability_training import reference_fingerprint

    model = _reference_model()
    bits = reference_fingerprint(mol).astype(np.float32)
    common = model["_dense"] @ bits
    union = model["_counts"] + bits.sum() - common
    similarity = np.divide(common, union, out=np.zeros_like(common), where=union > 0)
    order = np.lexsort((np.arange(len(similarity)), -similarity))[:k]
    return tuple(_match_from_row(model, int(i), float(similarity[i])) for i in order)


def nearest_references_batch(mols: Sequence[Chem.Mol], k: int = 3) -> list[tuple[ReferenceMatch, ...]]:
    """:func:`nearest_references` for many molecules in one scikit-learn ``kneighbors`` call."""
    from .stability_training import reference_fingerprint

    if not mols:
        return []
    model = _reference_model()
    x = np.vstack([reference_fingerprint(m) for m in mols]).astype(bool)
    distances, indices = model["neighbours"].kneighbors(x, n_neighbors=min(k, len(model["ref_ids"])))
    return [tuple(_match_from_row(model, int(i), 1.0 - float(d)) for d, i in zip(row_d, row_i))
            for row_d, row_i in zip(distances, indices)]


def _applicability(matches: Sequence[ReferenceMatch]) -> tuple[float | None, str, float]:
    settings = _model()["applicability"]
    if not matches:
        return None, "unknown", 1.0
    best = matches[0].similarity
    if best > settings["in_domain_above"]:
        return best, "in_domain", 1.0
    if best > settings["borderline_above"]:
        return best, "borderline", float(settings["borderline_band"])
    return best, "out_of_domain", float(settings["out_of_domain_band"])


# ------------------------------------------------------------------------------------------------------ pathways
def _aminolysis_k(temperature_c: float, ph: Any) -> Any:
    """Intramolecular aminolysis rate (s-1; float or array like ``ph``) from the Gly-Gly-NHMe anchor, scaled by the
    free-amine fraction relative to the anchor pH and by the hydroxide-term activation energy."""
    anchor = _model()["intramolecular_aminolysis"]
    k_anchor = math.log(2.0) / (anchor["anchor_half_life_days"] * 86400.0)
    free = 1.0 / (1.0 + 10.0 ** (anchor["anchor_amine_pka"] - ph))
    free_anchor = 1.0 / (1.0 + 10.0 ** (anchor["anchor_amine_pka"] - anchor["anchor_ph"]))
    ea = _model()["activation_energy"]["ea_koh_kj_mol"]
    return k_anchor * free / free_anchor * _arrhenius_factor(ea, temperature_c, anchor["anchor_temperature_c"])


def _reaching_amines(mol: Chem.Mol, ring: RingSites) -> list[int]:
    """Free primary/secondary amines outside the ring that are 4-6 bonds from C2 (can attack it intramolecularly)."""
    settings = _model()["intramolecular_aminolysis"]
    hits: list[int] = []
    for site in ring.competing_sites:
        if site.category != "nucleophile" or site.kind not in _REACHING_AMINES:
            continue
        n_atom = site.key_atom
        if n_atom in ring.ring_atoms:
            continue
        path = Chem.GetShortestPath(mol, n_atom, ring.c2)
        bonds = len(path) - 1
        if settings["min_bonds"] <= bonds <= settings["max_bonds"]:
            hits.append(n_atom)
    return hits


def _ring_pathways(mol: Chem.Mol, index: int, ring: RingSites, law: RateLaw, ph: float,
                   temperature_c: float) -> tuple[list[Pathway], float]:
    """Pathways of one ring and the total irreversible lactam-loss rate (hydrolysis + aminolysis) at the pH."""
    pathways: list[Pathway] = []
    k_hydrolysis = law.k_obs(ph)
    term = law.dominant_term(ph)
    pathways.append(Pathway(
        "lactam_hydrolysis", False, "C2-N1", (ring.c2, ring.n1), index, k_hydrolysis, False,
        f"Irreversible ring opening at C2-N1 to the amino acid; {term} term dominates at pH {ph:g}.",
        ("HF-056", "HF-057", "HF-058"),
    ))
    k_total = k_hydrolysis
    for n_atom in _reaching_amines(mol, ring):
        k_amin = _aminolysis_k(temperature_c, ph)
        k_total += k_amin
        pathways.append(Pathway(
            "intramolecular_aminolysis", False, f"N{n_atom}->C2", (n_atom, ring.c2), index, k_amin, False,
            "A free amine within reach of C2 can open the lactam intramolecularly (diketopiperazine-type); rate "
            "from the Gly-Gly-NHMe anchor (assumption).", ("HF-055",),
        ))
    if ring.n4_class == "imine":
        pathways.append(Pathway(
            "imine_opening", True, "N4=C5", (ring.n4, ring.c5), index, None, ph < 7.0,
            "Reversible opening of the 4,5-azomethine (zero order in H+), the first event in water and acid for "
            "diazepam, nordazepam and nitrazepam; it recloses once the amine of the opened intermediate is "
            "deprotonated: transient, not loss (no rate constants available).",
            ("HF-001", "HF-002", "HF-003", "HF-008"),
        ))
    oxygen = _c3_carbinolamide_oxygen(mol, ring)
    if oxygen is not None:
        pathways.append(Pathway(
            "carbinolamide_ring_contraction", False, "C3", (ring.c3, oxygen), index, None, ph <= 3.0,
            "3-Hydroxy carbinolamide: in acid ring-contracts to a quinazoline-2-carboxaldehyde (lorazepam, 0.1 M HCl); "
            "no rate constants available.", ("HF-009",),
        ))
        pathways.append(Pathway(
            "c3_racemization", True, "C3", (ring.c3,), index, None, ph >= 7.5,
            "Base-catalysed C3 racemization by keto-enol tautomerism (pH 7.5-14 for 3-acyloxy oxazepam): loss of "
            "stereochemical purity, not of material; rate not available.", ("HF-023", "HF-024"),
        ))
    elif ring.c3_epimerizable:
        pathways.append(Pathway(
            "c3_epimerization", True, "C3", (ring.c3,), index, None, ph >= 7.5,
            "C3 stereocentre alpha to C2 and N4 can epimerize by enolization under basic conditions (by analogy "
            "with oxazepam; rate not available).", ("HF-023",),
        ))
    return pathways, k_total


def _competing_pathways(rings: Sequence[RingSites]) -> list[Pathway]:
    seen: set[tuple[str, int]] = set()
    out: list[Pathway] = []
    for ring in rings:
        for site in ring.competing_sites:
            if site.category != "labile_acyl" or (site.kind, site.key_atom) in seen:
                continue
            seen.add((site.kind, site.key_atom))
            out.append(Pathway(
                "competing_group_hydrolysis", False, f"{site.kind}@{site.key_atom}", tuple(site.atoms), None, None,
                False, f"{site.kind.replace('_', ' ')} elsewhere in the molecule hydrolyses faster than the "
                f"seven-membered lactam (categorical; no rate computed). {site.note}".strip(), (),
            ))
    return out


# ---------------------------------------------------------------------------------------------------- assessment
def check_conditions(ph: float, temperature_c: float, hours: float) -> None:
    """Raise :class:`ReactivityError` (one line) when a pH, temperature or duration is outside the model's range.

    >>> check_conditions(7.0, 25.0, 24.0)
    >>> check_conditions(7.0, 25.0, -1.0)
    Traceback (most recent call last):
    ...
    reactivity.errors.ReactivityError: duration must be a positive number of hours, got -1.0
    """
    if not (_PH_LIMITS[0] <= ph <= _PH_LIMITS[1]) or math.isnan(ph):
        raise ReactivityError(f"pH {ph} outside the supported range {_PH_LIMITS[0]} to {_PH_LIMITS[1]}")
    if not (_T_LIMITS[0] <= temperature_c <= _T_LIMITS[1]) or math.isnan(temperature_c):
        raise ReactivityError(f"temperature {temperature_c} C outside the supported range {_T_LIMITS[0]} to {_T_LIMITS[1]} C")
    if not hours > 0 or math.isinf(hours):
        raise ReactivityError(f"duration must be a positive number of hours, got {hours}")


def _irreversible_profile(mol: Chem.Mol, ring: RingSites, law: RateLaw, grid: np.ndarray,
                          temperature_c: float) -> np.ndarray:
    """Irreversible lactam loss (hydrolysis + intramolecular aminolysis) over a pH grid."""
    return law.k_obs_profile(grid) + len(_reaching_amines(mol, ring)) * _aminolysis_k(temperature_c, grid)


def _irreversible_k(mol: Chem.Mol, ring: RingSites, law: RateLaw, ph: float, temperature_c: float) -> float:
    """Irreversible lactam loss (hydrolysis + intramolecular aminolysis) at one pH."""
    return law.k_obs(ph) + len(_reaching_amines(mol, ring)) * _aminolysis_k(temperature_c, ph)


def stable_window(profile: np.ndarray, grid: np.ndarray, horizon_h: float, keep_fraction: float) -> tuple[float, float] | None:
    """The contiguous pH range around the profile minimum where ``keep_fraction`` survives ``horizon_h`` hours.

    >>> grid = np.arange(0.0, 14.01, 0.5)
    >>> stable_window(10.0 ** (np.abs(grid - 7.0) - 12.0), grid, 8766.0, 0.9)
    (3.5, 10.5)
    """
    threshold = -math.log(keep_fraction) / (horizon_h * _SECONDS_PER_HOUR)
    best = int(np.argmin(profile))
    if profile[best] > threshold:
        return None
    low = high = best
    while low > 0 and profile[low - 1] <= threshold:
        low -= 1
    while high < len(grid) - 1 and profile[high + 1] <= threshold:
        high += 1
    return float(round(grid[low], 2)), float(round(grid[high], 2))


def window_threshold_per_s() -> float:
    """The k_obs (s-1) at which exactly the keep fraction survives the reference horizon (stable-window edge).

    >>> f"{window_threshold_per_s():.3g}"
    '3.34e-09'
    """
    settings = _model()["stable_window"]
    return -math.log(float(settings["keep_fraction"])) / (float(settings["reference_horizon_h"]) * _SECONDS_PER_HOUR)


@lru_cache(maxsize=4096)
def _window_of(laws: tuple[RateLaw, ...], amines: tuple[int, ...], temperature_c: float) -> tuple[float, float] | None:
    """Stable window of rings given by their rate laws and counts of reaching amines (cached: batches repeat them)."""
    settings = _model()["stable_window"]
    grid = _window_grid()
    profile = np.max(np.vstack([law.k_obs_profile(grid) + n * _aminolysis_k(temperature_c, grid)
                                for law, n in zip(laws, amines)]), axis=0)
    return stable_window(profile, grid, float(settings["reference_horizon_h"]), float(settings["keep_fraction"]))


def _window_grid() -> np.ndarray:
    settings = _model()["stable_window"]
    return _cached_grid(float(settings["ph_min"]), float(settings["ph_max"]), float(settings["ph_step"]))


@lru_cache(maxsize=4)
def _cached_grid(low: float, high: float, step: float) -> np.ndarray:
    grid = np.round(np.arange(low, high + step / 2, step), 4)
    grid.setflags(write=False)
    return grid


def _fraction(k: float, hours: float) -> float:
    return float(-math.expm1(-k * hours * _SECONDS_PER_HOUR))


def _modifier_assumptions(law: RateLaw) -> list[str]:
    by_id = {str(m["id"]): m for m in _model()["modifier"]}
    out = []
    for modifier_id in law.modifiers:
        modifier = by_id[modifier_id]
        label = "assumption" if modifier["kind"] == "assumption" else "literature-derived"
        out.append(f"{modifier_id} ({label}, band x{modifier['band']:g}): {modifier['rationale']}")
    return out


def _general_assumptions() -> list[str]:
    model = _model()
    window = model["stable_window"]
    return [
        model["activation_energy"]["assumption"],
        model["acid_saturation"]["assumption"],
        "No benzodiazepinone rate constants or activation energies were available: every ring is scored from the "
        "peptide-bond pH-rate set at 37 C with the modifiers listed here.",
        f"Uncertainty bands of independent sources combine as 10^sqrt(sum(log10(band)^2)) (assumption). {model['risk']['rationale']}",
        f"Stable pH window: pH range where >= {window['keep_fraction'] * 100:g} % of the lactam remains after the "
        f"reference horizon of {window['reference_horizon_h']:g} h (one year) at the chosen temperature; central "
        "estimate, irreversible pathways only.",
    ]


def assess_rings(mol: Chem.Mol, rings: Sequence[RingSites], ph: float = 7.0, temperature_c: float = 25.0,
                 hours: float = 24.0, n4_pka: float | None = None, conditions: Sequence[str] = (),
                 with_references: bool = True) -> StabilityResult:
    """:func:`assess_stability` for rings already perceived (batch callers perceive once and pass them in)."""
    check_conditions(ph, temperature_c, hours)
    model = _model()
    window_settings = model["stable_window"]
    horizon_h = float(window_settings["reference_horizon_h"])
    matches = nearest_references(mol) if with_references else ()
    applicability, level, applicability_band = _applicability(matches)
    if not rings:
        return StabilityResult(
            ph=ph, temperature_c=temperature_c, hours=hours, ring_count=0, risk="not_applicable",
            risk_reasons=("no 1,4-diazepan-2-one ring in the molecule: nothing to score",),
            k_obs_per_s=None, k_band_per_s=None, band_factor=None, half_life_h=None, fraction_lost=None,
            fraction_lost_band=None, dominant_term=None, ph_of_maximum_stability=None, stable_ph_window=None,
            reference_horizon_h=horizon_h, pathways=(), rings=(), nearest_references=tuple(matches),
            applicability=applicability, applicability_level=level, assumptions=(), references=(),
            warnings=("no 1,4-diazepan-2-one ring",),
            conditions=tuple(_not_applicable_condition(name) for name in conditions),
            model_version=str(model["model_version"]),
        )
    ring_results: list[RingStability] = []
    pathways: list[Pathway] = []
    totals: list[float] = []
    laws: list[RateLaw] = []
    assumptions: list[str] = []
    reference_ids: list[str] = list(model["baseline"]["facts"]) + ["ref:pkw"]
    for index, ring in enumerate(rings):
        features = ring_features(mol, ring)
        pka, source = _n4_pka_for(ring, n4_pka)
        law = build_rate_law(features, temperature_c, pka, _n4_is_quaternary(mol, ring), applicability_band)
        ring_pathways, k_total = _ring_pathways(mol, index, ring, law, ph, temperature_c)
        pathways.extend(ring_pathways)
        totals.append(k_total)
        laws.append(law)
        ring_results.append(RingStability(index, ring.n1, ring.c2, features, law, k_total, pka, source))
        assumptions.extend(_modifier_assumptions(law))
        if source.startswith("assumed"):
            assumptions.append(model["n4"]["assumption"])
            reference_ids.extend(model["n4"]["facts"])
        if any(p.kind == "intramolecular_aminolysis" for p in ring_pathways):
            assumptions.append(model["intramolecular_aminolysis"]["assumption"])
        for modifier_id in law.modifiers:
            reference_ids.extend(next(m["facts"] for m in model["modifier"] if m["id"] == modifier_id))
        for pathway in ring_pathways:
            reference_ids.extend(pathway.reference_ids)
    pathways.extend(_competing_pathways(rings))
    worst = int(np.argmax(totals))
    k_obs = totals[worst]
    law = laws[worst]
    band = law.band_factor
    fraction = _fraction(k_obs, hours)
    fraction_band = (_fraction(k_obs / band, hours), _fraction(k_obs * band, hours))
    risk = risk_level(fraction)
    # the most important irreversible pathway is flagged dominant
    irreversible = [p for p in pathways if not p.reversible and p.k_per_s is not None]
    top = max(irreversible, key=lambda p: p.k_per_s or 0.0)
    pathways = [Pathway(p.kind, p.reversible, p.site, p.atoms, p.ring_index, p.k_per_s, p.dominant or p is top,
                        p.note, p.reference_ids) for p in pathways]
    reasons = [
        f"lactam (ring {worst}): {fraction * 100:.3g} % lost over {hours:g} h at pH {ph:g}, {temperature_c:g} C "
        f"(k_obs {k_obs:.3g} s-1, t1/2 {math.log(2) / k_obs / 3600:.3g} h; {law.dominant_term(ph)} term dominates)",
    ]
    upper = risk_level(fraction_band[1])
    if upper != risk:
        reasons.append(f"at the upper end of the x{band:.3g} band the loss would be {fraction_band[1] * 100:.3g} % ({upper})")
    reasons.append(f"modifiers: {', '.join(law.modifiers)}")
    warnings: list[str] = []
    for pathway in pathways:
        if pathway.k_per_s is None and pathway.kind != "competing_group_hydrolysis":
            reasons.append(f"{pathway.kind} possible at {pathway.site} (not quantified)")
        if pathway.kind == "competing_group_hydrolysis":
            warnings.append(f"labile group elsewhere: {pathway.site}")
        if pathway.kind == "intramolecular_aminolysis":
            warnings.append(f"free amine {pathway.site} can open the lactam intramolecularly")
    if level in ("borderline", "out_of_domain"):
        warnings.append(f"far from the reference compounds (best similarity {applicability:.2f}): band widened x{applicability_band:g}")
        assumptions.append(model["applicability"]["rationale"])
    amines = tuple(len(_reaching_amines(mol, ring)) for ring in rings)
    window = _window_of(tuple(laws), amines, float(temperature_c))
    assumptions = _general_assumptions() + assumptions
    condition_results = tuple(_assess_condition_rings(mol, rings, name, n4_pka) for name in conditions)
    return StabilityResult(
        ph=ph, temperature_c=temperature_c, hours=hours, ring_count=len(rings), risk=risk,
        risk_reasons=tuple(reasons), k_obs_per_s=k_obs, k_band_per_s=(k_obs / band, k_obs * band),
        band_factor=round(band, 3), half_life_h=math.log(2.0) / k_obs / _SECONDS_PER_HOUR, fraction_lost=fraction,
        fraction_lost_band=fraction_band, dominant_term=law.dominant_term(ph),
        ph_of_maximum_stability=law.ph_of_maximum_stability(), stable_ph_window=window,
        reference_horizon_h=horizon_h, pathways=tuple(pathways), rings=tuple(ring_results),
        nearest_references=tuple(matches), applicability=applicability, applicability_level=level,
        assumptions=tuple(dict.fromkeys(assumptions)), references=resolve_references(reference_ids),
        warnings=tuple(dict.fromkeys(warnings)), conditions=condition_results,
        model_version=str(model["model_version"]),
    )


def _perceive(mol: Chem.Mol) -> tuple[RingSites, ...]:
    from .perception import perceive

    return tuple(perceive(mol))


def assess_stability(mol: Chem.Mol, ph: float = 7.0, temperature_c: float = 25.0, hours: float = 24.0,
                     n4_pka: float | None = None, conditions: Sequence[str] = ()) -> StabilityResult:
    """Hydrolytic stability of every 1,4-diazepan-2-one ring in a molecule at a pH, temperature and duration.

    ``n4_pka``: the N4 pKaH from ``reactivity.basicity`` when known; otherwise a basic N4 is taken as about 8
    (an assumption, listed in the result). ``conditions``: handling presets to assess as well
    (:data:`CONDITION_NAMES`).

    >>> from reactivity.molecule import mol_from_smiles
    >>> result = assess_stability(mol_from_smiles("O=C1CNCCCN1"), ph=7.0, temperature_c=25.0, hours=24.0)
    >>> result.risk, result.stable_ph_window
    ('low', (1.85, 12.0))
    """
    return assess_rings(mol, _perceive(mol), ph, temperature_c, hours, n4_pka, conditions)


# ---------------------------------------------------------------------------------------------- handling presets
def _not_applicable_condition(name: str) -> ConditionResult:
    preset = _preset(name)
    return ConditionResult(name, str(preset["label"]), "not_applicable", "not_applicable", (),
                           ("no 1,4-diazepan-2-one ring in the molecule",), None, (), (), (), str(preset["parameters"]))


def _preset(name: str) -> dict[str, Any]:
    presets = _conditions()
    if name not in presets:
        raise UnknownConditionError(f"unknown condition {name!r}; known: {', '.join(CONDITION_NAMES)}")
    return presets[name]


def _stage_log_ah(stage: dict[str, Any]) -> float:
    if "ph" in stage:
        return -float(stage["ph"])
    if "acid_molar" in stage:
        return math.log10(float(stage["acid_molar"]))
    return -pkw_at(float(stage["temperature_c"])) - math.log10(float(stage["base_molar"]))


def _molecule_flags(mol: Chem.Mol, rings: Sequence[RingSites]) -> set[str]:
    flags: set[str] = set()
    for ring in rings:
        features = ring_features(mol, ring)
        if "imide" in features or "n_sulfonyl" in features:
            flags.add("activated_acyl")
        if ring.n4_class == "imine":
            flags.add("imine")
        if _c3_carbinolamide_oxygen(mol, ring) is not None:
            flags.add("carbinolamide")
        if any(site.category == "labile_acyl" for site in ring.competing_sites):
            flags.add("labile_competing_acyl")
        if _reaching_amines(mol, ring):
            flags.add("intramolecular_amine")
    return flags


def _material_loss(mechanism: str, preset: dict[str, Any], rings: Sequence[RingSites], mol: Chem.Mol,
                   n4_pka: float | None) -> tuple[RiskLevel, list[str], list[str]]:
    """Material-loss risk, reasons and advice of a preset (a basic N4 in water or on silica)."""
    basic = [ring for ring in rings if ring.n4_class in _BASIC_N4]
    other_bases = {site.key_atom for ring in rings for site in ring.competing_sites
                   if site.category == "nucleophile" and site.kind in _BASIC_COMPETING}
    advice = [str(preset["advice_material"])] if preset.get("advice_material") else []
    if mechanism == "none" or not basic:
        if mechanism == "silica_silanol" and other_bases:
            return "moderate", ["a basic amine elsewhere in the molecule binds to silanols"], advice
        return "low", ([] if basic or mechanism == "none" else ["N4 is not a basic amine"]), []
    pka, source = _n4_pka_for(basic[0], n4_pka)
    assert pka is not None
    if mechanism == "aqueous_partition":
        stage = preset["stage"][0]
        ph = -_stage_log_ah(stage)
        fraction = 1.0 if _n4_is_quaternary(mol, basic[0]) else 1.0 / (1.0 + 10.0 ** (ph - pka))
        level: RiskLevel = "high" if fraction >= 0.9 else "moderate" if fraction >= 0.1 else "low"
        reason = (f"N4 (pKaH {pka:.2f}, {source}) is {fraction * 100:.3g} % protonated at pH {ph:.2g}: "
                  f"{'stays in' if level == 'high' else 'partly partitions into' if level == 'moderate' else 'mostly leaves'} the water layer")
        return level, [reason], advice if level != "low" else []
    if mechanism == "silica_silanol":
        level = "high" if other_bases else "moderate"
        reason = f"basic free N4 ({basic[0].n4_class}, pKaH {pka:.2f}, {source}) binds to acidic silanols: streaking and loss"
        if other_bases:
            reason += "; a second basic amine elsewhere makes it worse"
        return level, [reason], advice
    if mechanism == "salt_isolation":
        return "low", [f"basic N4 (pKaH {pka:.2f}) is isolated as a salt of the acid"], advice
    raise RuleDataError(f"handling_conditions.toml: unknown material_loss mechanism {mechanism!r}")


def _assess_condition_rings(mol: Chem.Mol, rings: Sequence[RingSites], name: str,
                            n4_pka: float | None = None) -> ConditionResult:
    preset = _preset(name)
    if not rings:
        return _not_applicable_condition(name)
    stages: list[StageResult] = []
    k_time = 0.0
    assumptions: list[str] = []
    reference_ids: list[str] = list(preset["sources"])
    for stage in preset["stage"]:
        log_ah = _stage_log_ah(stage)
        temperature = float(stage["temperature_c"])
        hours = float(stage["hours"])
        k_values = []
        for ring in rings:
            pka, _ = _n4_pka_for(ring, n4_pka)
            law = build_rate_law(ring_features(mol, ring), temperature, pka, _n4_is_quaternary(mol, ring))
            k_values.append(_irreversible_k(mol, ring, law, -log_ah, temperature))
            assumptions.extend(_modifier_assumptions(law))
        k = max(k_values)
        k_time += k * hours * _SECONDS_PER_HOUR
        surrogate = bool(stage.get("surrogate", False))
        stages.append(StageResult(str(stage["description"]), -log_ah, temperature, hours, k, _fraction(k, hours), surrogate))
        if surrogate:
            assumptions.append(f"surrogate stage ({stage['description']}): {preset['parameters']}")
    fraction = float(-math.expm1(-k_time))
    chemical = risk_level(fraction)
    reasons = [f"lactam: {fraction * 100:.3g} % lost over the preset ({len(stages)} stage(s); central estimate)"]
    advice: list[str] = []
    flags = _molecule_flags(mol, rings)
    for rule in preset.get("categorical", []):
        if rule["when"] in flags:
            chemical = _worse(chemical, rule["risk"])
            reasons.append(f"{rule['when']}: {rule['reason']}")
            reference_ids.extend(rule.get("facts", []))
    material, material_reasons, material_advice = _material_loss(str(preset["material_loss"]), preset, rings, mol, n4_pka)
    reasons.extend(material_reasons)
    advice.extend(material_advice)
    if chemical != "low":
        advice.append("Chemical risk: shorten the exposure, keep it cold, or choose milder conditions (see reasons).")
    assumptions = [_model()["activation_energy"]["assumption"]] + assumptions
    return ConditionResult(
        name=name, label=str(preset["label"]), chemical_risk=chemical, material_loss_risk=material,
        advice=tuple(dict.fromkeys(advice)), reasons=tuple(reasons), fraction_lost=fraction, stages=tuple(stages),
        assumptions=tuple(dict.fromkeys(assumptions)), references=resolve_references(reference_ids),
        parameters=str(preset["parameters"]),
    )


def assess_condition(mol: Chem.Mol, name: str, n4_pka: float | None = None) -> ConditionResult:
    """Chemical and material-loss risk of one handling preset (:data:`CONDITION_NAMES`) for a molecule.

    >>> from reactivity.molecule import mol_from_smiles
    >>> silica = assess_condition(mol_from_smiles("O=C1CNCCCN1"), "silica_methanol")
    >>> silica.chemical_risk, silica.material_loss_risk, "Et3N" in silica.advice[0]
    ('low', 'moderate', True)
    """
    _preset(name)
    return _assess_condition_rings(mol, _perceive(mol), name, n4_pka)


def condition_label(name: str) -> str:
    """The human-readable label of a preset.

    >>> condition_label("physiological")
    'Physiological buffer: pH 7.4, 37 C, 24 h'
    """
    return str(_preset(name)["label"])


def ph_rate_profile(mol: Chem.Mol, temperature_c: float = 25.0, n4_pka: float | None = None,
                    ph_values: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """pH grid and k_obs (s-1, irreversible lactam loss of the least stable ring) for plotting a pH-rate profile.

    Raises :class:`ReactivityError` when the molecule has no 1,4-diazepan-2-one ring.
    """
    check_conditions(7.0, temperature_c, 1.0)
    rings = _perceive(mol)
    if not rings:
        raise ReactivityError("no 1,4-diazepan-2-one ring in the molecule: no pH-rate profile")
    grid = np.asarray(ph_values, dtype=float) if ph_values is not None else np.arange(0.0, 14.001, 0.05)
    profiles = []
    for ring in rings:
        pka, _ = _n4_pka_for(ring, n4_pka)
        law = build_rate_law(ring_features(mol, ring), temperature_c, pka, _n4_is_quaternary(mol, ring))
        profiles.append(_irreversible_profile(mol, ring, law, grid, temperature_c))
    return grid, np.max(np.vstack(profiles), axis=0)

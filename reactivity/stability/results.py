"""Result dataclasses of the stability model (frozen, with ``.to_dict()`` JSON forms)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from ..atomtext import LIBRARY_NUMBERING
from ..species import rounded_mass
from ._base import _SECONDS_PER_HOUR, Reference, RiskLevel, _worse
from .rate_laws import RateLaw


@dataclass(frozen=True, slots=True)
class Degradant:
    """A product of one pathway, with the masses an LC-MS chemist looks for (from ``reactivity.species``).

    ``smiles`` and ``inchikey`` may each be given as a function that computes it: it is then computed on first use
    and kept (batch annotation writes only names and masses and pays for neither; products of one pathway that share a
    formula are told apart by their SMILES).

    >>> d = Degradant("glycine", lambda: "NCC(=O)O", lambda: "DHMQDGOQFOQNFH-UHFFFAOYSA-N", "C2H5NO2", 75.03203, 76.03931)
    >>> d.smiles, d.inchikey, d == Degradant("glycine", "NCC(=O)O", "DHMQDGOQFOQNFH-UHFFFAOYSA-N", "C2H5NO2", 75.03203, 76.03931)
    ('NCC(=O)O', 'DHMQDGOQFOQNFH-UHFFFAOYSA-N', True)
    """

    name: str
    drawing: str | Callable[[], str] = field(repr=False, compare=False)
    key: str | None | Callable[[], str | None] = field(repr=False, compare=False)
    formula: str
    monoisotopic_mass: float
    mz_mh: float | None
    note: str = ""
    _computed: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _lazy(self, name: str, given: Any) -> Any:
        if name not in self._computed:
            self._computed[name] = given() if callable(given) else given
        return self._computed[name]

    @property
    def smiles(self) -> str:
        """The product's canonical SMILES."""
        return self._lazy("smiles", self.drawing)  # type: ignore[no-any-return]

    @property
    def inchikey(self) -> str | None:
        """The product's InChIKey (None when RDKit gives none)."""
        return self._lazy("inchikey", self.key)  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Degradant):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (f"Degradant(name={self.name!r}, smiles={self.smiles!r}, inchikey={self.inchikey!r}, formula={self.formula!r}, "
                f"monoisotopic_mass={self.monoisotopic_mass!r}, mz_mh={self.mz_mh!r}, note={self.note!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Degradant, self._values())

    def _values(self) -> tuple[Any, ...]:
        return (self.name, self.smiles, self.inchikey, self.formula, self.monoisotopic_mass, self.mz_mh, self.note)

    @property
    def tag_text(self) -> str:
        """``name@[M+H]+`` as written in ``RX_DEGRADANTS``."""
        return f"{self.name}@{self.mz_mh:.4f}" if self.mz_mh is not None else self.name

    def to_dict(self) -> dict[str, Any]:
        """JSON form (masses rounded to 5 decimals)."""
        return {"name": self.name, "smiles": self.smiles, "inchikey": self.inchikey, "formula": self.formula,
                "monoisotopic_mass": rounded_mass(self.monoisotopic_mass),
                "mz_mh": rounded_mass(self.mz_mh), "note": self.note}

# --------------------------------------------------------------------------------------------------- result types
@dataclass(frozen=True, slots=True)
class Pathway:
    """One degradation pathway of a ring (or of a group elsewhere in the molecule).

    ``kind``: ``lactam_hydrolysis`` | ``imine_ring_opening`` | ``carbinolamide_ring_contraction`` |
    ``c3_racemization`` | ``c3_epimerization`` | ``decarboxylation`` | ``aminal_ring_opening`` |
    ``intramolecular_aminolysis`` | ``competing_group_hydrolysis``. ``k_per_s`` is the rate at the pH and temperature
    (for ``imine_ring_opening`` the opening rate; None for a categorical pathway without rate data). ``site`` names
    the bond or atom in diazepanone locants (``C2-N1``) or, outside the ring, ``<kind>@<atom index>``.
    ``band_factor``: the rate is uncertain within k / band ... k x band. For a reversible opening,
    ``equilibrium_open_fraction`` is the fraction of the ring open at equilibrium at the pH and
    ``time_to_equilibrium_h`` the time to reach 95 % of it. ``degradants``: the products, with masses.
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
    band_factor: float | None = None
    equilibrium_open_fraction: float | None = None
    time_to_equilibrium_h: float | None = None
    degradants: tuple[Degradant, ...] = ()
    assumption: str = ""

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
            "band_factor": None if self.band_factor is None else round(self.band_factor, 3),
            "equilibrium_open_fraction": self.equilibrium_open_fraction,
            "time_to_equilibrium_h": self.time_to_equilibrium_h,
            "degradants": [d.to_dict() for d in self.degradants], "assumption": self.assumption,
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
    open_fraction: float | None = None

    @property
    def worst_risk(self) -> RiskLevel:
        """The worse of the chemical and material-loss risks."""
        return _worse(self.chemical_risk, self.material_loss_risk)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name, "label": self.label, "chemical_risk": self.chemical_risk,
            "material_loss_risk": self.material_loss_risk, "advice": list(self.advice), "reasons": list(self.reasons),
            "fraction_lost": self.fraction_lost, "open_fraction": self.open_fraction,
            "stages": [s.to_dict() for s in self.stages],
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
    imine_pkah: float | None = None
    imine_pkah_source: str = ""
    equilibrium_open_fraction: float | None = None
    fraction_lost: float | None = None
    fraction_irreversibly_lost: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        law = self.rate_law
        return {"ring_index": self.ring_index, "n1_atom": self.n1, "c2_atom": self.c2, "modifiers": list(law.modifiers),
                "k_obs_per_s": self.k_obs_per_s, "kh_per_m_s": law.kh_per_m_s, "k0_per_s": law.k0_per_s,
                "koh_per_m_s": law.koh_per_m_s, "band_factor": round(law.band_factor, 2), "n4_pka": self.n4_pka,
                "n4_pka_source": self.n4_pka_source, "n1_pka": law.n1_pka, "imine_pkah": self.imine_pkah,
                "imine_pkah_source": self.imine_pkah_source, "equilibrium_open_fraction": self.equilibrium_open_fraction,
                "fraction_lost": self.fraction_lost, "fraction_irreversibly_lost": self.fraction_irreversibly_lost}


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
    fraction_irreversibly_lost: float | None = None
    fraction_irreversibly_lost_band: tuple[float, float] | None = None
    assay_stable_ph_window: tuple[float, float] | None = None

    @property
    def stable_ph_window_text(self) -> str:
        """The window as ``4.0-8.0`` (``none`` when no pH qualifies, empty without a ring)."""
        if self.ring_count == 0:
            return ""
        if self.stable_ph_window is None:
            return "none"
        return f"{self.stable_ph_window[0]:.1f}-{self.stable_ph_window[1]:.1f}"

    @property
    def degradants(self) -> tuple[Degradant, ...]:
        """Every distinct degradant of every pathway (first-seen order, by SMILES)."""
        kept: list[Degradant] = []
        by_formula: dict[str, list[Degradant]] = {}
        for pathway in self.pathways:
            for degradant in pathway.degradants:
                # a SMILES is drawn only when two products share a formula (different formulas: different products)
                same_formula = by_formula.setdefault(degradant.formula, [])
                if all(other.smiles != degradant.smiles for other in same_formula):
                    same_formula.append(degradant)
                    kept.append(degradant)
        return tuple(kept)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the documented keys plus the supporting detail); atoms (``atoms`` fields and the atoms named in
        texts such as ``carbamate@15``) are numbered as ``atom_numbering`` says: 0-based indices of the input molecule."""
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
            "atom_numbering": LIBRARY_NUMBERING,
            "fraction_irreversibly_lost": self.fraction_irreversibly_lost,
            "fraction_irreversibly_lost_band": (list(self.fraction_irreversibly_lost_band)
                                                if self.fraction_irreversibly_lost_band else None),
            "assay_stable_ph_window": list(self.assay_stable_ph_window) if self.assay_stable_ph_window else None,
        }



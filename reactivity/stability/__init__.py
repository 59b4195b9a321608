"""pH stability, degradation pathways and handling risk of 1,4-diazepan-2-one rings (benzodiazepin-2-ones included).

One entry point, :func:`assess_stability` (and :func:`assess_rings` for rings already perceived). For every ring
the model lists its pathways, each with its own rate law k(pH, T), reversibility, band and degradants:

- ``lactam_hydrolysis`` (C2-N1): k_obs = kH a(H+)/(1 + a(H+)/Ka_O) + k0 + kOH a(OH-) from the peptide-bond
  constants at 37 C with modifiers (ring size, N1 activation, C3 substituent, N4 state, N1-H ionization);
- ``imine_ring_opening`` (N4=C5, reversible): opening through the protonated imine and its equilibrium open fraction;
- ``carbinolamide_ring_contraction`` (3-hydroxy rings, to the quinazoline-2-carboxaldehyde), ``c3_racemization``,
  ``c3_epimerization``, ``decarboxylation`` (3-carboxylic acids), ``aminal_ring_opening`` (N,O-aminal N4),
  ``intramolecular_aminolysis`` and ``competing_group_hydrolysis`` (labile groups elsewhere; categorical).

They are integrated over the requested time as a small linear kinetic scheme per ring: ``fraction_lost`` counts the
reversibly opened form as gone (what an assay sees), ``fraction_irreversibly_lost`` does not. Every number is a
sourced literature value (``HF-###`` rows of ``datasets/hydrolysis_facts.csv``) or a named assumption
(``reactivity/data/stability_model.toml``); every assumption used is listed in the result.

Definitions (documented in the result too):

- risk: ``low`` (< 1 % of the intact ring gone over the duration), ``moderate`` (1-10 %), ``high`` (> 10 %), from the
  central estimate; ``not_applicable`` when the molecule has no 1,4-diazepan-2-one ring.
- stable pH window: the pH range (within 0-14) where at least 90 % of the ring is not irreversibly lost after the
  reference horizon of one year at the chosen temperature; ``assay_stable_ph_window`` counts the open form as lost.

>>> law = baseline_rate_law(37.0)
>>> f"{law.k0_per_s:.3g} {law.kh_per_m_s:.3g} {law.koh_per_m_s:.3g}"
'9.05e-11 1.6e-06 1.11e-06'
>>> risk_level(0.005), risk_level(0.05), risk_level(0.5)
('low', 'moderate', 'high')
"""

from __future__ import annotations

from ._base import (
    CONDITION_NAMES,
    Reference,
    RiskLevel,
    check_conditions,
    pkw_at,
    resolve_references,
    risk_level,
)
from .assess import assess_rings, assess_stability, ph_rate_profile, stable_window, window_threshold_per_s
from .conditions import assess_condition, condition_label
from .pathways import RingKinetics, integrate_ring, open_ratio, ring_kinetics
from .rate_laws import AmideRateLaw, RateLaw, amide_rate_laws, baseline_rate_law, build_rate_law
from .results import (
    ConditionResult,
    Degradant,
    Pathway,
    ReferenceMatch,
    RingStability,
    StabilityResult,
    StageResult,
)
from .rings import nearest_references, nearest_references_batch, ring_features, ring_rules

__all__ = [
    "CONDITION_NAMES",
    "AmideRateLaw",
    "ConditionResult",
    "Degradant",
    "Pathway",
    "RateLaw",
    "Reference",
    "ReferenceMatch",
    "RingKinetics",
    "RingStability",
    "RiskLevel",
    "StabilityResult",
    "StageResult",
    "amide_rate_laws",
    "assess_condition",
    "assess_rings",
    "assess_stability",
    "baseline_rate_law",
    "build_rate_law",
    "check_conditions",
    "condition_label",
    "integrate_ring",
    "nearest_references",
    "nearest_references_batch",
    "open_ratio",
    "ph_rate_profile",
    "pkw_at",
    "resolve_references",
    "ring_features",
    "ring_kinetics",
    "ring_rules",
    "risk_level",
    "stable_window",
    "window_threshold_per_s",
]

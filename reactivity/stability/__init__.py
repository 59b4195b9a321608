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

>>> from reactivity.stability import baseline_rate_law, risk_level
>>> law = baseline_rate_law(37.0)
>>> f"{law.k0_per_s:.3g} {law.kh_per_m_s:.3g} {law.koh_per_m_s:.3g}"
'9.05e-11 1.6e-06 1.11e-06'
>>> risk_level(0.005), risk_level(0.05), risk_level(0.5)
('low', 'moderate', 'high')
"""

from __future__ import annotations

from .._lazy import lazy_names
from .presets import CONDITION_NAMES, check_conditions

# Every other name is imported when first used (PEP 562): the command line can check preset names and
# condition ranges without importing numpy and the model.
_LAZY: dict[str, str] = {
    "Reference": "_base", "RiskLevel": "_base", "pkw_at": "_base", "resolve_references": "_base", "risk_level": "_base",
    "assess_rings": "assess", "assess_stability": "assess", "ph_rate_profile": "assess", "stable_window": "assess",
    "window_threshold_per_s": "assess",
    "IonizableSites": "conditions", "assess_condition": "conditions", "condition_label": "conditions",
    "RingKinetics": "pathways", "integrate_ring": "pathways", "open_ratio": "pathways", "ring_kinetics": "pathways",
    "AmideRateLaw": "rate_laws", "RateLaw": "rate_laws", "amide_rate_laws": "rate_laws",
    "baseline_rate_law": "rate_laws", "build_rate_law": "rate_laws",
    "ConditionResult": "results", "Degradant": "results", "Pathway": "results", "ReferenceMatch": "results",
    "RingStability": "results", "StabilityResult": "results", "StageResult": "results",
    "nearest_references": "rings", "nearest_references_batch": "rings", "ring_features": "rings", "ring_rules": "rings",
}

__all__ = sorted(["CONDITION_NAMES", "check_conditions", *_LAZY])


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())

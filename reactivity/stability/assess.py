"""The entry point: :func:`assess_stability` integrates every ring's pathways at one pH, temperature and duration."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rdkit import Chem

from ..atomtext import AtomText, compose
from ..errors import ReactivityError
from ..molecule import as_read, canonical_ranks, with_ring_info
from ..sites import RingSites
from ._base import (
    _SECONDS_PER_HOUR,
    _model,
    _window_grid,
    resolve_references,
    risk_level,
)
from .conditions import IonizableSites, _assess_condition_rings, _not_applicable_condition, _perceive
from .model import RingModel, ring_facts, ring_model, ring_model_assumptions, ring_model_facts
from .pathways import (
    RingOutcome,
    _ProductSource,
    assay_from_irreversible,
    integrate_ring,
    irreversible_profile,
    labile_group_products,
    ring_pathways,
)
from .presets import check_conditions
from .rate_laws import RateLaw
from .results import Pathway, RingStability, StabilityResult
from .rings import _applicability, nearest_references


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


def _horizon_s() -> float:
    return float(_model()["stable_window"]["reference_horizon_h"]) * _SECONDS_PER_HOUR


@lru_cache(maxsize=4096)
def _windows_of(models: tuple[tuple[RateLaw, object], ...], temperature_c: float
                ) -> tuple[tuple[float, float] | None, tuple[float, float] | None, float]:
    """(irreversible window, assay window, pH of maximum stability) of rings given by (rate law, pathway state)."""
    settings = _model()["stable_window"]
    grid = _window_grid()
    horizon_h = float(settings["reference_horizon_h"])
    keep = float(settings["keep_fraction"])
    profiles = [irreversible_profile(law, state, grid, temperature_c) for law, state in models]  # type: ignore[arg-type]
    irreversible = np.max(np.vstack(profiles), axis=0)
    assay = np.max(np.vstack([assay_from_irreversible(profile, state, grid, _horizon_s())  # type: ignore[arg-type]
                              for profile, (_, state) in zip(profiles, models)]), axis=0)
    best = float(round(grid[int(np.argmin(irreversible))], 2))
    return stable_window(irreversible, grid, horizon_h, keep), stable_window(assay, grid, horizon_h, keep), best


def _general_assumptions() -> list[str]:
    model = _model()
    window = model["stable_window"]
    return [
        model["activation_energy"]["assumption"],
        model["acid_saturation"]["assumption"],
        "No rate constant of the amide (lactam) step of a 1,4-benzodiazepin-2-one was found: the lactam is scored from "
        "the peptide-bond pH-rate set at 37 C with the modifiers listed here; the other pathways carry their own sources.",
        "Pathways are integrated as a linear kinetic scheme per ring (intact ring <-> ring-opened imine form, both "
        "draining irreversibly); fraction_lost counts the open form as gone (what an assay sees), "
        "fraction_irreversibly_lost does not.",
        "Bands: each rate is moved to the low and high end of its own band together (independent sources combine as "
        f"10^sqrt(sum(log10(band)^2)) within a rate law; assumption). {model['risk']['rationale']}",
        f"Stable pH window: pH range where >= {window['keep_fraction'] * 100:g} % of the ring is not irreversibly lost "
        f"after the reference horizon of {window['reference_horizon_h']:g} h (one year) at the chosen temperature; "
        "assay stable pH window: the same with the reversibly opened form counted as lost (central estimates).",
    ]


def _apparent_k(fraction: float, seconds: float) -> float:
    return -math.log1p(-min(fraction, 1.0 - 1e-15)) / seconds


def assess_rings(mol: Chem.Mol, rings: Sequence[RingSites], ph: float = 7.0, temperature_c: float = 25.0,
                 hours: float = 24.0, n4_pka: float | None = None, conditions: Sequence[str] = (),
                 with_references: bool = True, with_products: bool = True,
                 ionizable: IonizableSites | None = None) -> StabilityResult:
    """:func:`assess_stability` for rings already perceived (batch callers perceive once and pass them in, and the
    molecule's ionizable sites when they have its basicity result: :meth:`IonizableSites.from_basicity`)."""
    check_conditions(ph, temperature_c, hours)
    mol = with_ring_info(mol)  # a molecule built in code may lack ring information (same atoms either way)
    model = _model()
    horizon_h = float(model["stable_window"]["reference_horizon_h"])
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
    seconds = hours * _SECONDS_PER_HOUR
    ring_models: list[RingModel] = []
    ring_results: list[RingStability] = []
    pathways: list[Pathway] = []
    outcomes = []
    assumptions: list[str] = []
    reference_ids: list[str] = list(model["baseline"]["facts"]) + ["lit:pkw_marshall_franck"]
    facts = [ring_facts(mol, ring, n4_pka) for ring in rings]  # once per ring, for every temperature below
    source = _ProductSource(mol)  # one kekulized copy for every product of every ring
    for index, ring in enumerate(rings):
        rm = ring_model(mol, ring, index, temperature_c, n4_pka, applicability_band, facts[index])
        ring_models.append(rm)
        outcome = integrate_ring(rm.law, rm.state, ph, temperature_c, hours)
        outcomes.append(outcome)
        ring_pathways_ = ring_pathways(mol, index, ring, rm.law, rm.state, ph, temperature_c, with_products,
                                       outcome.kinetics, source)
        pathways.extend(ring_pathways_)
        ring_results.append(RingStability(
            index, ring.n1, ring.c2, rm.features, rm.law, _apparent_k(outcome.fraction_lost, seconds), rm.n4_pka,
            rm.n4_pka_source, rm.state.imine_pkah, rm.imine_pkah_source,
            outcome.kinetics.equilibrium_open_fraction, outcome.fraction_lost, outcome.fraction_irreversibly_lost,
        ))
        assumptions.extend(ring_model_assumptions(rm))
        reference_ids.extend(ring_model_facts(rm))
        for pathway in ring_pathways_:
            reference_ids.extend(pathway.reference_ids)
    pathways.extend(_competing_pathways(mol, rings, with_products, source))
    worst = _headline_ring(mol, rings, outcomes)
    outcome = outcomes[worst]
    law = ring_models[worst].law
    fraction = outcome.fraction_lost
    k_obs = _apparent_k(fraction, seconds)
    if k_obs <= 0.0:
        k_obs = outcome.kinetics.k_closed_loss + outcome.kinetics.k_open
    k_low = max(_apparent_k(outcome.fraction_lost_band[0], seconds), 0.0) or k_obs / law.band_factor
    k_high = max(_apparent_k(outcome.fraction_lost_band[1], seconds), k_obs)
    band = math.sqrt(k_high / k_low) if k_low > 0 else law.band_factor
    risk = risk_level(fraction)
    pathways = _flag_dominant(pathways, worst, outcome.fraction_lost, outcome.fraction_irreversibly_lost)
    reasons = [
        f"ring {worst}: {fraction * 100:.3g} % of the intact ring gone after {hours:g} h at pH {ph + 0.0:g}, "
        f"{temperature_c:g} C ({outcome.fraction_irreversibly_lost * 100:.3g} % irreversibly; apparent k "
        f"{k_obs:.3g} s-1, t1/2 {math.log(2) / k_obs / 3600:.3g} h)",
        f"lactam C2-N1: k {law.k_obs(ph):.3g} s-1 ({law.dominant_term(ph)} term dominates)",
    ]
    open_fraction = outcome.kinetics.equilibrium_open_fraction
    if open_fraction is not None and open_fraction >= 0.001:
        reasons.append(f"imine ring opening: {open_fraction * 100:.3g} % open at equilibrium at pH {ph + 0.0:g} "
                       "(reversible; counted as lost by an assay)")
    upper = risk_level(outcome.fraction_lost_band[1])
    if upper != risk:
        reasons.append(f"at the upper end of the band the loss would be {outcome.fraction_lost_band[1] * 100:.3g} % ({upper})")
    reasons.append(f"modifiers: {', '.join(law.modifiers)}")
    warnings: list[str] = []
    for pathway in pathways:
        if pathway.k_per_s is None and pathway.kind not in ("competing_group_hydrolysis",):
            reasons.append(compose("{} possible at {} (not quantified)", pathway.kind, pathway.site))
        if pathway.kind == "competing_group_hydrolysis":
            warnings.append(compose("labile group elsewhere: {}", pathway.site))
        if pathway.kind == "intramolecular_aminolysis":
            warnings.append(compose("free {} can open the lactam intramolecularly", pathway.site))
    if ph >= 11.0 and any("benzo_nitro" in f.hits for f in facts):
        warnings.append("nitro-substituted benzo ring: fast degradation in base is reported for nitrazepam "
                        "(HF-109, low confidence) and is not captured by the rate law; expect more loss than predicted")
    aminal_settings = model["aminal_ring_opening"]
    if any(rm.state.n4_aminal is not None for rm in ring_models) and ph < float(aminal_settings["acid_below_ph"]):
        if risk == "low":
            risk = "moderate"
        reasons.append(f"aminal_ring_opening: an N,O-aminal N4 opens in acid below pH {aminal_settings['acid_below_ph']:g} "
                       "and the ring is then cleaved at the aminal carbon (categorical: risk at least moderate)")
    if level in ("borderline", "out_of_domain"):
        warnings.append(f"far from the reference compounds (best similarity {applicability:.2f}): band widened x{applicability_band:g}")
        assumptions.append(model["applicability"]["rationale"])
    window, assay_window, best_ph = _windows_of(tuple((rm.law, rm.state) for rm in ring_models), float(temperature_c))
    assumptions = _general_assumptions() + assumptions
    ionizable = ionizable or IonizableSites(mol)  # predicted once, if a preset needs them
    condition_results = tuple(_assess_condition_rings(mol, rings, name, n4_pka, facts, ionizable) for name in conditions)
    return StabilityResult(
        ph=ph, temperature_c=temperature_c, hours=hours, ring_count=len(rings), risk=risk,
        risk_reasons=tuple(reasons), k_obs_per_s=k_obs, k_band_per_s=(k_low, k_high),
        band_factor=round(band, 3), half_life_h=math.log(2.0) / k_obs / _SECONDS_PER_HOUR, fraction_lost=fraction,
        fraction_lost_band=outcome.fraction_lost_band, dominant_term=law.dominant_term(ph),
        ph_of_maximum_stability=best_ph, stable_ph_window=window,
        reference_horizon_h=horizon_h, pathways=tuple(pathways), rings=tuple(ring_results),
        nearest_references=tuple(matches), applicability=applicability, applicability_level=level,
        assumptions=tuple(dict.fromkeys(assumptions)), references=resolve_references(reference_ids),
        warnings=tuple(dict.fromkeys(warnings)), conditions=condition_results,
        model_version=str(model["model_version"]),
        fraction_irreversibly_lost=outcome.fraction_irreversibly_lost,
        fraction_irreversibly_lost_band=outcome.fraction_irreversibly_lost_band,
        assay_stable_ph_window=assay_window,
    )


def _headline_ring(mol: Chem.Mol, rings: Sequence[RingSites], outcomes: Sequence[RingOutcome]) -> int:
    """Index of the ring that loses most (then most irreversibly); between rings that lose exactly as much (two equal
    halves of a dimer) the one whose N1 comes first in canonical atom order, not in the drawing's."""
    def loss(i: int) -> tuple[float, float]:
        return outcomes[i].fraction_lost, outcomes[i].fraction_irreversibly_lost

    top = max(loss(i) for i in range(len(rings)))
    tied = [i for i in range(len(rings)) if loss(i) == top]
    if len(tied) == 1:
        return tied[0]
    ranks = canonical_ranks(mol, break_ties=True)
    return min(tied, key=lambda i: ranks[rings[i].n1])


def _flag_dominant(pathways: list[Pathway], ring_index: int, fraction_lost: float,
                   fraction_irreversibly_lost: float) -> list[Pathway]:
    """Flag as dominant the pathway of the headline ring that accounts for most of the intact ring gone at the end:
    the reversibly open form (imine opening) or an irreversible pathway's share of the irreversible loss (shared in
    proportion to the rates)."""
    from dataclasses import replace

    mine = [p for p in pathways if p.ring_index == ring_index and p.k_per_s is not None]
    irreversible = [p for p in mine if not p.reversible]
    total = sum(p.k_per_s or 0.0 for p in irreversible)
    contribution: dict[int, float] = {}
    for p in irreversible:
        contribution[id(p)] = (p.k_per_s or 0.0) / total * fraction_irreversibly_lost if total > 0 else 0.0
    for p in mine:
        if p.reversible:
            contribution[id(p)] = max(fraction_lost - fraction_irreversibly_lost, 0.0)
    if not contribution:
        return pathways
    top = max(mine, key=lambda p: contribution[id(p)])
    return [replace(p, dominant=True) if p is top else p for p in pathways]


def _competing_pathways(mol: Chem.Mol, rings: Sequence[RingSites], with_products: bool,
                        source: _ProductSource) -> list[Pathway]:
    seen: set[tuple[str, int]] = set()
    out: list[Pathway] = []
    for ring in rings:
        for site in ring.competing_sites:
            if site.category != "labile_acyl" or (site.kind, site.key_atom) in seen:
                continue
            seen.add((site.kind, site.key_atom))
            out.append(Pathway(
                "competing_group_hydrolysis", False, AtomText(site.kind + "@{0}", (site.key_atom,)), tuple(site.atoms), None, None,
                False, f"{site.kind.replace('_', ' ')} elsewhere in the molecule hydrolyses faster than the "
                f"seven-membered lactam (categorical; no rate computed). {site.note}".strip(), (),
                degradants=labile_group_products(mol, rings, site, source) if with_products else (),
            ))
    return out


def assess_stability(mol: Chem.Mol, ph: float = 7.0, temperature_c: float = 25.0, hours: float = 24.0,
                     n4_pka: float | None = None, conditions: Sequence[str] = ()) -> StabilityResult:
    """Stability of every 1,4-diazepan-2-one ring in a molecule at a pH, temperature and duration.

    ``n4_pka``: the N4 pKaH from ``reactivity.basicity`` when known (a basic amine N4, or a benzodiazepine imine N4);
    otherwise class values are used (an assumption, listed in the result). ``conditions``: handling presets to
    assess as well (:data:`CONDITION_NAMES`).

    >>> from reactivity.molecule import mol_from_smiles
    >>> result = assess_stability(mol_from_smiles("O=C1CNCCCN1"), ph=7.0, temperature_c=25.0, hours=24.0)
    >>> result.risk, result.stable_ph_window is not None
    ('low', True)
    """
    mol = as_read(mol, "assess_stability()")  # a lactim or covalent-salt drawing: the answers of the compound
    return assess_rings(mol, _perceive(mol), ph, temperature_c, hours, n4_pka, conditions)


def ph_rate_profile(mol: Chem.Mol, temperature_c: float = 25.0, n4_pka: float | None = None,
                    ph_values: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """pH grid and irreversible loss rate (s-1, least stable ring, imine opening equilibrated) for a pH-rate plot.

    Raises :class:`ReactivityError` when the molecule has no 1,4-diazepan-2-one ring.
    """
    check_conditions(7.0, temperature_c, 1.0)
    mol = as_read(mol, "ph_rate_profile()")
    rings = _perceive(mol)
    if not rings:
        raise ReactivityError("no 1,4-diazepan-2-one ring in the molecule: no pH-rate profile")
    grid = np.asarray(ph_values, dtype=float) if ph_values is not None else np.arange(0.0, 14.001, 0.05)
    profiles = []
    for index, ring in enumerate(rings):
        rm = ring_model(mol, ring, index, temperature_c, n4_pka)
        profiles.append(irreversible_profile(rm.law, rm.state, grid, temperature_c))
    return grid, np.max(np.vstack(profiles), axis=0)


"""One ring's model at one temperature: its lactam rate law, pKa values and pathway features (shared by the
assessment and the handling presets)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdkit import Chem

from ..sites import RingSites
from ._base import _model
from .pathways import RingState, ring_state
from .rate_laws import RateLaw, build_rate_law
from .rings import _n4_is_quaternary, _n4_pka_for, _ring_features, imine_pkah_for, ring_rule_hits


@dataclass(frozen=True, slots=True)
class RingModel:
    """Everything the pathways need about one ring at one temperature."""

    index: int
    ring: RingSites
    features: tuple[str, ...]
    law: RateLaw
    state: RingState
    n4_pka: float | None
    n4_pka_source: str
    imine_pkah_source: str


@dataclass(frozen=True, slots=True)
class RingFacts:
    """What the model knows about one ring of one molecule before a temperature is chosen (found once per ring and
    reused for every temperature: the assessment and each stage of the handling presets)."""

    hits: dict[str, tuple[int, ...]]
    features: tuple[str, ...]
    n4_pka: float | None
    n4_pka_source: str
    imine_pkah_source: str
    n4_quaternary: bool
    state: RingState


def ring_facts(mol: Chem.Mol, ring: RingSites, n4_pka: float | None = None) -> RingFacts:
    """The temperature-independent part of :func:`ring_model` (``n4_pka``: predicted N4 pKaH when known)."""
    hits = ring_rule_hits(mol, ring)
    features = _ring_features(mol, ring, hits)
    pka, source = _n4_pka_for(ring, n4_pka)
    imine_pkah, imine_source = imine_pkah_for(mol, ring, n4_pka, hits)
    return RingFacts(hits, features, pka, source, imine_source, _n4_is_quaternary(mol, ring),
                     ring_state(mol, ring, imine_pkah, hits))


def ring_model(mol: Chem.Mol, ring: RingSites, index: int, temperature_c: float, n4_pka: float | None = None,
               extra_band: float = 1.0, facts: RingFacts | None = None) -> RingModel:
    """Build the model of one ring (``n4_pka``: predicted N4 pKaH, amine or imine, when known; ``facts``: the ring's
    :func:`ring_facts` for the same ``n4_pka`` when already found)."""
    if facts is None:
        facts = ring_facts(mol, ring, n4_pka)
    law = build_rate_law(facts.features, temperature_c, facts.n4_pka, facts.n4_quaternary, extra_band)
    return RingModel(index, ring, facts.features, law, facts.state, facts.n4_pka, facts.n4_pka_source,
                     facts.imine_pkah_source)


@lru_cache(maxsize=1)
def _modifier_assumptions() -> dict[str, str]:
    """The assumption text of each modifier of the model file, by id (written once per process)."""
    out: dict[str, str] = {}
    for modifier in _model()["modifier"]:
        modifier_id = str(modifier["id"])
        label = "assumption" if modifier["kind"] == "assumption" else "literature-derived"
        out[modifier_id] = f"{modifier_id} ({label}, band x{modifier['band']:g}): {modifier['rationale']}"
    return out


@lru_cache(maxsize=1)
def _modifier_facts() -> dict[str, list[str]]:
    """The source ids of each modifier of the model file, by id (the first modifier of an id)."""
    out: dict[str, list[str]] = {}
    for modifier in _model()["modifier"]:
        out.setdefault(modifier["id"], modifier["facts"])
    return out


def ring_model_assumptions(model: RingModel) -> list[str]:
    """The assumptions one ring's model relies on (modifiers, N1 ionization, N4 pKa sources, pathways)."""
    data = _model()
    texts = _modifier_assumptions()
    out = [texts[modifier_id] for modifier_id in model.law.modifiers]
    if model.law.n1_pka is not None:
        out.append(str(data["n1_ionization"]["assumption"]))
    if model.n4_pka_source.startswith("assumed"):
        out.append(str(data["n4"]["assumption"]))
    if model.imine_pkah_source.startswith("assumed"):
        out.append(str(data["imine"]["assumption"]))
    if model.state.reaching_amines:
        out.append(str(data["intramolecular_aminolysis"]["assumption"]))
    if model.state.has_imine:
        out.append(str(data["imine_ring_opening"]["assumption"]))
        if model.state.imine_at_c3:
            out.append(str(data["imine_ring_opening"]["c3_imine_assumption"]))
        out.append("The ring-opened form's amide (N1-C2) is taken to hydrolyse at the ring lactam's rate (assumption).")
    if model.state.contracts:
        out.append(str(data["carbinolamide_ring_contraction"]["assumption"]))
    if model.state.c3_carboxyl is not None:
        out.append(str(data["decarboxylation"]["assumption"]))
    if model.state.n4_aminal is not None:
        out.append(str(data["aminal_ring_opening"]["assumption"]))
    return out


def ring_model_facts(model: RingModel) -> list[str]:
    """Source ids behind one ring's model."""
    data = _model()
    ids: list[str] = []
    facts = _modifier_facts()
    for modifier_id in model.law.modifiers:
        ids.extend(facts[modifier_id])
    if model.law.n1_pka is not None:
        ids.extend(data["n1_ionization"]["facts"])
    if model.n4_pka_source.startswith("assumed"):
        ids.extend(data["n4"]["facts"])
    if model.imine_pkah_source.startswith("assumed"):
        key = "carbinolamide_facts" if model.state.c3_oxygen is not None else "plain_facts"
        ids.extend(data["imine"][key])
    return ids

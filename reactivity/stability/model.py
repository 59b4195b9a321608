"""One ring's model at one temperature: its lactam rate law, pKa values and pathway features (shared by the
assessment and the handling presets)."""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem

from ..sites import RingSites
from ._base import _model
from .pathways import RingState, ring_state
from .rate_laws import RateLaw, build_rate_law
from .rings import _n4_is_quaternary, _n4_pka_for, imine_pkah_for, ring_features


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


def ring_model(mol: Chem.Mol, ring: RingSites, index: int, temperature_c: float, n4_pka: float | None = None,
               extra_band: float = 1.0) -> RingModel:
    """Build the model of one ring (``n4_pka``: predicted N4 pKaH, amine or imine, when known)."""
    features = ring_features(mol, ring)
    pka, source = _n4_pka_for(ring, n4_pka)
    imine_pkah, imine_source = imine_pkah_for(mol, ring, n4_pka)
    law = build_rate_law(features, temperature_c, pka, _n4_is_quaternary(mol, ring), extra_band)
    return RingModel(index, ring, features, law, ring_state(mol, ring, imine_pkah), pka, source, imine_source)


def ring_model_assumptions(model: RingModel) -> list[str]:
    """The assumptions one ring's model relies on (modifiers, N1 ionization, N4 pKa sources, pathways)."""
    data = _model()
    by_id = {str(m["id"]): m for m in data["modifier"]}
    out = []
    for modifier_id in model.law.modifiers:
        modifier = by_id[modifier_id]
        label = "assumption" if modifier["kind"] == "assumption" else "literature-derived"
        out.append(f"{modifier_id} ({label}, band x{modifier['band']:g}): {modifier['rationale']}")
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
    for modifier_id in model.law.modifiers:
        ids.extend(next(m["facts"] for m in data["modifier"] if m["id"] == modifier_id))
    if model.law.n1_pka is not None:
        ids.extend(data["n1_ionization"]["facts"])
    if model.n4_pka_source.startswith("assumed"):
        ids.extend(data["n4"]["facts"])
    if model.imine_pkah_source.startswith("assumed"):
        key = "carbinolamide_facts" if model.state.c3_oxygen is not None else "plain_facts"
        ids.extend(data["imine"][key])
    return ids

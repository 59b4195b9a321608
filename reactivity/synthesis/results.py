"""Result dataclasses and errors of the synthesis advisor (pure data, JSON-ready via ``to_dict``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ReactivityError
from ..species import rounded_mass

__all__ = [
    "BuildingBlock",
    "Cause",
    "Compound",
    "Condition",
    "Disconnection",
    "Regioselectivity",
    "RetroResult",
    "RouteResult",
    "SymptomMatch",
    "TroubleshootingAnswer",
    "UnknownSymptomError",
    "UnsupportedBuildingBlockError",
]


class UnsupportedBuildingBlockError(ReactivityError):
    """A building block is not one the synthesis advisor can handle (one-line reason)."""


class UnknownSymptomError(ReactivityError):
    """A troubleshooting symptom matches no entry of the knowledge base."""


@dataclass(frozen=True, slots=True)
class Condition:
    """Which step and condition favours a side product, and the remedy."""

    step: str
    factor: str
    favours: str
    remedy: str

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready dict."""
        return {"step": self.step, "factor": self.factor, "favours": self.favours, "remedy": self.remedy}


@dataclass(frozen=True, slots=True)
class Compound:
    """A product, intermediate or side product with what a chemist needs to look for it by MS.

    ``smiles``, ``formula``, ``monoisotopic_mass`` and ``mz_mh`` describe one species,
    named in ``species`` (see :func:`reactivity.species.describe_species`): for a salt
    the free base (``salt_smiles`` keeps the whole salt); for a polymer repeat unit the
    formula leaves the attachment points out and ``mz_mh`` is None (no single mass).
    ``likelihood`` is ``expected`` or ``minor`` (with the reason in ``note``).
    """

    key: str
    name: str
    smiles: str
    inchikey: str | None
    formula: str
    monoisotopic_mass: float
    mz_mh: float | None
    scaffold: str
    is_target_scaffold: bool
    step: str
    favoured_by: tuple[Condition, ...] = ()
    note: str = ""
    species: str = "neutral molecule as drawn"
    salt_smiles: str = ""
    likelihood: str = "expected"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (masses rounded to 5 decimals)."""
        return {
            "key": self.key,
            "name": self.name,
            "smiles": self.smiles,
            "inchikey": self.inchikey,
            "formula": self.formula,
            "monoisotopic_mass": rounded_mass(self.monoisotopic_mass),
            "mz_mh": rounded_mass(self.mz_mh),
            "species": self.species,
            "salt_smiles": self.salt_smiles or None,
            "scaffold": self.scaffold,
            "is_target_scaffold": self.is_target_scaffold,
            "step": self.step,
            "likelihood": self.likelihood,
            "favoured_by": [c.to_dict() for c in self.favoured_by],
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Regioselectivity:
    """Which nitrogen reacts first, and the rule behind the choice.

    ``applies`` is False when both nitrogens give the same product (symmetric
    diamine) or when the route fixes the ring atoms (protection, benzodiazepinone
    routes); ``ambiguous`` is True when two ring isomers are expected and no rule
    separates them.
    """

    applies: bool
    ambiguous: bool
    first_nitrogen: str
    rule: str
    basis: str
    reference_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "applies": self.applies,
            "ambiguous": self.ambiguous,
            "first_nitrogen": self.first_nitrogen,
            "rule": self.rule,
            "basis": self.basis,
            "references": list(self.reference_ids),
        }


@dataclass(frozen=True, slots=True)
class RouteResult:
    """The outcome of one route applied to an amine component and a C2/C3 reagent.

    ``steps`` are the operations in order (deprotection and follow-up steps included);
    ``intermediates`` the isolable compounds between them; ``product`` the last one.
    """

    route: str
    amine: str
    reagent: str
    steps: tuple[str, ...]
    intermediates: tuple[Compound, ...]
    product: Compound
    ring_isomers: tuple[Compound, ...]
    side_products: tuple[Compound, ...]
    regioselectivity: Regioselectivity
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    def compounds(self, key: str) -> tuple[Compound, ...]:
        """The computed compounds for a side-product key (``product`` gives the main product)."""
        if key == "product":
            return (self.product,)
        return tuple(c for c in self.side_products if c.key == key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``reactivity synth --json`` payload)."""
        return {
            "route": self.route,
            "amine": self.amine,
            "reagent": self.reagent,
            "steps": list(self.steps),
            "intermediates": [c.to_dict() for c in self.intermediates],
            "product": self.product.to_dict(),
            "ring_isomers": [c.to_dict() for c in self.ring_isomers],
            "side_products": [c.to_dict() for c in self.side_products],
            "regioselectivity": self.regioselectivity.to_dict(),
            "warnings": list(self.warnings),
            "references": list(self.references),
        }

    @property
    def diamine(self) -> str:
        """The amine component's SMILES (the diamine for the diamine routes)."""
        return self.amine


@dataclass(frozen=True, slots=True)
class BuildingBlock:
    """One building block of a disconnection."""

    role: str
    smiles: str
    description: str

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready dict."""
        return {"role": self.role, "smiles": self.smiles, "description": self.description}


@dataclass(frozen=True, slots=True)
class Disconnection:
    """A retrosynthetic proposal for the target with its forward check, rank and reasons.

    ``forward_product`` is what the forward advisor gives from the building blocks
    (None when the route is not simulated); ``reasons`` explain the rank.
    """

    id: str
    rank: int
    route: str
    bonds_broken: tuple[str, ...]
    building_blocks: tuple[BuildingBlock, ...]
    steps: tuple[str, ...]
    forward_check: str
    forward_product: str | None
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "id": self.id,
            "rank": self.rank,
            "route": self.route,
            "bonds_broken": list(self.bonds_broken),
            "building_blocks": [b.to_dict() for b in self.building_blocks],
            "steps": list(self.steps),
            "forward_check": self.forward_check,
            "forward_product": self.forward_product,
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "references": list(self.references),
        }


@dataclass(frozen=True, slots=True)
class RetroResult:
    """Ranked disconnections proposed for a target ring, or the reason none applies."""

    target: str
    target_inchikey: str | None
    target_class: str
    disconnections: tuple[Disconnection, ...]
    no_route_reason: str
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``reactivity synth --target --json`` payload)."""
        return {
            "target": self.target,
            "target_inchikey": self.target_inchikey,
            "target_class": self.target_class,
            "disconnections": [d.to_dict() for d in self.disconnections],
            "no_route_reason": self.no_route_reason or None,
            "warnings": list(self.warnings),
            "references": list(self.references),
        }


@dataclass(frozen=True, slots=True)
class Cause:
    """One likely cause of a symptom, with the culprits computed for the user's route."""

    cause: str
    source: str
    culprits: tuple[Compound, ...]
    not_formed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "cause": self.cause,
            "source": self.source,
            "culprits": [c.to_dict() for c in self.culprits],
            "not_formed_on_this_route": list(self.not_formed),
        }


@dataclass(frozen=True, slots=True)
class SymptomMatch:
    """A knowledge-base entry matched to a free-text symptom, with its score (0-1)."""

    symptom_id: str
    symptom: str
    score: float
    matched_on: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"symptom_id": self.symptom_id, "symptom": self.symptom, "score": round(self.score, 3),
                "matched_on": self.matched_on}


@dataclass(frozen=True, slots=True)
class TroubleshootingAnswer:
    """The knowledge-base entry for a symptom, linked to the computed side products."""

    query: str
    match: SymptomMatch
    other_matches: tuple[SymptomMatch, ...]
    source: tuple[str, ...]
    causes: tuple[Cause, ...]
    checks: tuple[str, ...]
    fixes: tuple[str, ...]
    notes: tuple[tuple[str, tuple[str, ...]], ...]
    route: RouteResult | None
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    @property
    def symptom_id(self) -> str:
        """The id of the matched entry."""
        return self.match.symptom_id

    @property
    def symptom(self) -> str:
        """The matched entry's wording."""
        return self.match.symptom

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``reactivity troubleshoot --json`` payload)."""
        return {
            "query": self.query,
            "symptom_id": self.symptom_id,
            "symptom": self.symptom,
            "match_score": round(self.match.score, 3),
            "matched_on": self.match.matched_on,
            "other_matches": [m.to_dict() for m in self.other_matches],
            "source": list(self.source),
            "causes": [c.to_dict() for c in self.causes],
            "checks": list(self.checks),
            "fixes": list(self.fixes),
            "notes": [{"text": text, "references": list(refs)} for text, refs in self.notes],
            "product": None if self.route is None else self.route.product.to_dict(),
            "warnings": list(self.warnings),
            "references": list(self.references),
        }

"""Frozen result types of the nitrosamine risk screen.

Atom indices are 0-based indices into the caller's own molecule (explicit hydrogens and
counter-ions included), as everywhere in this package; the N-nitroso atoms a product adds
have no index in the caller's molecule and are never listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..atomtext import LIBRARY_NUMBERING
from ..species import Species, rounded_mass

ATOM_NUMBERING = LIBRARY_NUMBERING  # the numbering of every library result (reactivity.atomtext)


@dataclass(frozen=True, slots=True)
class CpcaFeature:
    """One CPCA feature found on an N-nitroso product.

    ``kind`` is ``gate`` (category 5 whatever the score), ``deactivating`` (adds ``score``) or
    ``activating`` (``score`` is negative). ``atoms`` are the matched atoms of the input molecule,
    the N-N=O group itself left out.
    """

    id: str
    name: str
    kind: str
    score: int
    atoms: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"name": self.name, "id": self.id, "kind": self.kind, "score": self.score, "atoms": list(self.atoms)}


@dataclass(frozen=True, slots=True)
class NitrosoProduct:
    """One N-nitroso product (NDSRI) and its CPCA assessment.

    ``site``: ``N4`` (the ring amine N4 of a 1,4-diazepan-2-one ring), ``amine`` (any other nitrogen), or
    ``n_nitroso`` (an N-nitroso group already in the input). ``atom``: the nitrosated nitrogen (0-based).
    ``ring_position`` is ``N4`` when that nitrogen is a ring N4, whatever the site.
    ``potency_score`` is None when a gate (alpha-H pattern or tertiary alpha-carbon) sets category 5.
    ``lost_group_atoms``: for nitrosative dealkylation of a tertiary amine, the atoms of the alkyl group lost.
    """

    site: str
    atom: int
    ring_position: str | None
    precursor: str
    nitrogen_class: str
    nitroso_smiles: str
    species: Species
    alpha_h_counts: tuple[int, int]
    alpha_h_score: int
    features: tuple[CpcaFeature, ...]
    potency_score: int | None
    category: int
    category_basis: str
    ai_fda_ng_per_day: float
    ai_ema_ng_per_day: float
    notes: tuple[str, ...] = ()
    lost_group_atoms: tuple[int, ...] = ()

    @property
    def ai_ng_per_day(self) -> dict[str, float]:
        """Acceptable intake of the category under each agency, ng/day."""
        return {"fda": self.ai_fda_ng_per_day, "ema": self.ai_ema_ng_per_day}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (masses rounded to 5 decimals)."""
        out: dict[str, Any] = {
            "site": self.site,
            "atom": self.atom,
            "ring_position": self.ring_position,
            "precursor": self.precursor,
            "nitrogen_class": self.nitrogen_class,
            "nitroso_smiles": self.nitroso_smiles,
            "formula": self.species.formula,
            "inchikey": self.species.inchikey,
            "monoisotopic_mass": rounded_mass(self.species.monoisotopic_mass),
            "mz_mh": rounded_mass(self.species.mz_mh),
            "alpha_h_counts": list(self.alpha_h_counts),
            "alpha_h_score": self.alpha_h_score,
            "features": [f.to_dict() for f in self.features],
            "potency_score": self.potency_score,
            "category": self.category,
            "category_basis": self.category_basis,
            "ai_ng_per_day": self.ai_ng_per_day,
            "notes": list(self.notes),
        }
        if self.lost_group_atoms:
            out["lost_group_atoms"] = list(self.lost_group_atoms)
        return out


@dataclass(frozen=True, slots=True)
class NitrogenSite:
    """A nitrogen that is not a CPCA precursor, with its class (``amide``, ``imine``, ``aromatic`` ...).

    ``ring_position`` is ``N1`` or ``N4`` for a ring nitrogen of a 1,4-diazepan-2-one ring, else None.
    """

    atom: int
    ring_position: str | None
    nitrogen_class: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"atom": self.atom, "ring_position": self.ring_position, "nitrogen_class": self.nitrogen_class, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class NitrosamineRisk:
    """Every nitrosatable nitrogen of a molecule, its N-nitroso product and the product's CPCA category.

    ``products``: secondary amines (and 4-quinolone-type ring NH) nitrosated, plus N-nitroso groups already
    present. ``dealkylation_products``: tertiary amines, the lower-risk route (nitrosative dealkylation), kept
    apart. ``most_potent_category``: the lowest category number among ``products`` (None without any).
    """

    products: tuple[NitrosoProduct, ...]
    dealkylation_products: tuple[NitrosoProduct, ...]
    not_precursors: tuple[NitrogenSite, ...]
    most_potent_category: int | None
    guidance_version: str
    ruleset_version: str
    screening_note: str
    references: tuple[tuple[str, str], ...]

    @property
    def screening_only(self) -> bool:
        """Always True: the result is a structure-based screen, not a regulatory assessment."""
        return True

    @property
    def most_potent_dealkylation_category(self) -> int | None:
        """The lowest category among the dealkylation products (None without any)."""
        return min((p.category for p in self.dealkylation_products), default=None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "screening_only": True,
            "note": self.screening_note,
            "guidance_version": self.guidance_version,
            "ruleset_version": self.ruleset_version,
            "atom_numbering": ATOM_NUMBERING,
            "most_potent_category": self.most_potent_category,
            "products": [p.to_dict() for p in self.products],
            "most_potent_dealkylation_category": self.most_potent_dealkylation_category,
            "dealkylation_products": [p.to_dict() for p in self.dealkylation_products],
            "not_precursors": [s.to_dict() for s in self.not_precursors],
            "references": dict(self.references),
        }

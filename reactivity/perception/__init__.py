"""Site perception: every 1,4-diazepan-2-one ring of a molecule, its numbering and classified sites.

Entry function :func:`perceive` (RDKit mol in, a tuple of frozen :class:`RingSites` out);
:func:`related_scaffolds` names what a molecule without the ring is instead. Rules and guidance are data:
``reactivity/data/site_rules.toml`` and ``reactivity/data/guidance.toml``; the chemistry behind them is in
``docs/chemistry.md``.

>>> [r.n4_class for r in perceive_smiles("O=C1CNCCCN1")]
['secondary_amine']
"""

from __future__ import annotations

from .core import _fires_at, fires_at, perceive, perceive_smiles, perceive_with_view
from .rings import LactamRing, is_chordless, lactam_rings
from .scaffolds import may_hold_ring, needs_n_seven_cycle, related_scaffolds
from .sites import CompetingSite, Guidance, RingSites, Stereocentre

__all__ = [
    "CompetingSite",
    "Guidance",
    "LactamRing",
    "RingSites",
    "Stereocentre",
    "fires_at",
    "is_chordless",
    "lactam_rings",
    "may_hold_ring",
    "needs_n_seven_cycle",
    "perceive",
    "perceive_smiles",
    "perceive_with_view",
    "related_scaffolds",
]

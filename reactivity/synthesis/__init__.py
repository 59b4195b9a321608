"""Synthesis advisor: routes to 1,4-diazepan-2-ones and benzodiazepin-2-ones, their side products, retro, troubleshooting.

- Forward (:func:`plan_route`): a diamine (free or mono-protected: Boc, Cbz, Fmoc,
  N,N-dibenzyl) + a C2/C3 unit (haloacetate, acrylate, glycine ester, glyoxal), or a
  2-aminoaryl ketone + an alpha-amino ester or haloacetyl halide (Sternbach-type
  benzodiazepin-2-one synthesis, with optional N1-alkylation and imine reduction; with ``via_4_oxide`` the
  3-hydroxy ring through the quinazoline 3-oxide and the 4-oxide), or an
  N-protected 3-aminoaldehyde + an alpha-amino ester (amino-acid route: reductive amination,
  deprotection, lactamization).
  Products, intermediates and side products carry SMILES, InChIKey, formula,
  monoisotopic mass and [M+H]+ of one stated species (:func:`reactivity.species.describe_species`).
- Retro (:func:`propose_disconnections`): ranked proposals for saturated,
  tetrahydro-benzo, benzodiazepin-2-one and 2,5-dione targets, each checked forward,
  with reasons; or the reason why none applies.
- Troubleshooting (:func:`troubleshoot`): a free-text symptom matched with a score to
  ``troubleshooting.toml``, linked to the side products computed for the user's route.

Rule data: ``reactions.toml`` and ``troubleshooting.toml`` in this package.

>>> plan_route_smiles("NCCN", "C=CC(=O)OC").product.scaffold
'1,4-diazepan-5-one'
"""

from .chem import classify_reagent, free_base, ring_class
from .forward import plan_route, plan_route_smiles
from .results import (
    BuildingBlock,
    Cause,
    Compound,
    Condition,
    Disconnection,
    Regioselectivity,
    RetroResult,
    RouteResult,
    SymptomMatch,
    TroubleshootingAnswer,
    UnknownSymptomError,
    UnsupportedBuildingBlockError,
)
from .retro import propose_disconnections
from .ruledata import load_synthesis_rules, load_troubleshooting, parse_synthesis_rules, read_reactions_table
from .troubleshooting import match_symptom, troubleshoot

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
    "classify_reagent",
    "free_base",
    "load_synthesis_rules",
    "load_troubleshooting",
    "match_symptom",
    "parse_synthesis_rules",
    "plan_route",
    "plan_route_smiles",
    "propose_disconnections",
    "read_reactions_table",
    "ring_class",
    "troubleshoot",
]

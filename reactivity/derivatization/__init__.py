"""Derivatization planning: which site reacts with which reagent, what comes out, and what must happen first.

Entry points: :func:`plan_derivatization` (one molecule, one reaction class, optional reagent) and
:func:`enumerate_products` (molecules x reagents, streamed). Rules live in ``reactions.toml`` beside this code.

>>> from reactivity.molecule import mol_from_smiles
>>> plan_derivatization(mol_from_smiles("O=C1CNCCCN1"), "acylation", "CC(=O)Cl").outcome
'clean'
>>> "lactam_n_alkylation" in reaction_names()
True
"""

from .planner import (
    OUTCOMES,
    DerivatizationPlan,
    PlanWarning,
    ProductRecord,
    ReactingSite,
    ReagentMismatchError,
    classify_reagent,
    enumerate_products,
    plan_derivatization,
)
from .rules import UnknownReactionError, chosen_reaction_names, load_reaction_rules, reaction_names

__all__ = [
    "OUTCOMES",
    "DerivatizationPlan",
    "PlanWarning",
    "ProductRecord",
    "ReactingSite",
    "ReagentMismatchError",
    "UnknownReactionError",
    "chosen_reaction_names",
    "classify_reagent",
    "enumerate_products",
    "load_reaction_rules",
    "plan_derivatization",
    "reaction_names",
]

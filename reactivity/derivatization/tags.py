"""``annotate --reactions``: one ``RX_RXN_<CLASS>`` tag per requested reaction class (``outcome@atoms``).

Atom numbers are 1-based numbers of the record's own atom block, like ``RX_N4_ATOM``.

>>> from reactivity.molecule import mol_from_smiles
>>> tags, part = reaction_tags(mol_from_smiles("O=C1CNCCCN1"), ("acylation", "lactam_n_alkylation"), lambda i: i + 1)
>>> tags
{'RXN_ACYLATION': 'clean@4', 'RXN_LACTAM_N_ALKYLATION': 'needs_protection@8'}
>>> part["derivatization"]["lactam_n_alkylation"]["protection_plan"][0].startswith("1. protect ring N4")
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rdkit import Chem

from ..atomtext import numbered
from .planner import DerivatizationPlan, plan_derivatization


def reaction_tag(reaction: str) -> str:
    """The tag name (without prefix) of a reaction class.

    >>> reaction_tag("reductive_amination")
    'RXN_REDUCTIVE_AMINATION'
    """
    return "RXN_" + reaction.upper()


def plan_value(plan: DerivatizationPlan, number: Callable[[int], int]) -> str:
    """``outcome@atoms`` (atoms 1-based, comma-separated); just the outcome when no atom reacts."""
    atoms = ",".join(str(number(a)) for a in plan.reacting_atoms)
    return f"{plan.outcome}@{atoms}" if atoms else plan.outcome


def compact_plan(plan: DerivatizationPlan, number: Callable[[int], int]) -> dict[str, Any]:
    """The plan's decision in a few keys (atoms as 1-based record numbers, in the texts too), for per-record JSON."""
    return numbered({
        "outcome": plan.outcome,
        "reacting_atoms": [number(a) for a in plan.reacting_atoms],
        "minor_atoms": [number(s.atom) for s in plan.minor_sites],
        "rule": plan.rule,
        "reason": plan.reason,
        "protection_plan": list(plan.protection_plan),
        "warnings": [{"code": w.code, "severity": w.severity, "text": w.text} for w in plan.warnings],
        "reference_ids": list(plan.reference_ids),
    }, number)


def reaction_tags(mol: Chem.Mol, reactions: Sequence[str], number: Callable[[int], int]) -> tuple[dict[str, str], dict[str, Any]]:
    """Tags and the JSON part (``derivatization``: class -> compact plan) for the requested classes."""
    tags: dict[str, str] = {}
    part: dict[str, Any] = {}
    for reaction in reactions:
        plan = plan_derivatization(mol, reaction)
        tags[reaction_tag(reaction)] = plan_value(plan, number)
        part[reaction] = compact_plan(plan, number)
    return tags, {"derivatization": part}


__all__ = ["compact_plan", "plan_value", "reaction_tag", "reaction_tags"]

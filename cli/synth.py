"""``reactivity synth`` and ``reactivity troubleshoot``: route check, side products, retro disconnections, troubleshooting.

Exit codes: 0 success; 2 usage error, unreadable SMILES, unsupported building
block or unknown symptom (one-line message on stderr, no traceback).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Optional

import typer

from reactivity.errors import ReactivityError
from reactivity.molecule import mol_from_smiles

if TYPE_CHECKING:  # the synthesis module is imported by the commands that use it (faster start for the others)
    from reactivity.synthesis import Compound, RetroResult, RouteResult, TroubleshootingAnswer

from .app import app


def _fail(command: str, message: str) -> typer.Exit:
    sys.stderr.write(f"reactivity {command}: {message}\n")
    return typer.Exit(2)


def _mass_line(c: Compound) -> str:
    mz = "n/a (polymer)" if c.mz_mh is None else f"{c.mz_mh:.4f}"
    return f"{c.smiles}  {c.formula}  M {c.monoisotopic_mass:.4f}  [M+H]+ {mz}"


def _route_text(result: RouteResult) -> list[str]:
    p = result.product
    lines = [
        f"Route: {result.route}  ({result.diamine} + {result.reagent})",
        *[f"  step {i}: {step}" for i, step in enumerate(result.steps, 1)],
        f"Product: {p.scaffold}{'' if p.is_target_scaffold else '  (NOT the target 1,4-diazepan-2-one)'}",
        f"  {_mass_line(p)}",
        f"  InChIKey {p.inchikey}",
        f"Regioselectivity: {result.regioselectivity.rule}",
    ]
    if result.regioselectivity.applies:
        lines.append(f"  first nitrogen: {result.regioselectivity.first_nitrogen}")
        lines.append(f"  basis: {result.regioselectivity.basis}")
    lines.append("Side products:")
    for c in result.side_products:
        lines.append(f"  - {c.name}{f' [{c.note}]' if c.note else ''}")
        lines.append(f"    {_mass_line(c)}")
        for cond in c.favoured_by:
            lines.append(f"    favoured by ({cond.step}, {cond.factor}): {cond.favours} -> {cond.remedy}")
    lines += [f"WARNING: {w}" for w in result.warnings]
    lines.append(f"References: {', '.join(result.references)}")
    return lines


def _retro_text(result: RetroResult) -> list[str]:
    lines = [f"Target: {result.target}  (InChIKey {result.target_inchikey})"]
    for d in result.disconnections:
        lines.append(f"Disconnection {d.id}: break {', '.join(d.bonds_broken)}")
        for b in d.building_blocks:
            lines.append(f"  {b.role}: {b.smiles}  ({b.description})")
        lines.append(f"  forward check: {d.forward_check}")
        lines += [f"  WARNING: {w}" for w in d.warnings]
    lines += [f"WARNING: {w}" for w in result.warnings]
    lines.append(f"References: {', '.join(result.references)}")
    return lines


def _troubleshoot_text(answer: TroubleshootingAnswer) -> list[str]:
    lines = [f"Symptom: {answer.symptom}  [{answer.symptom_id}; source {', '.join(answer.source)}]", "Likely causes:"]
    for cause in answer.causes:
        lines.append(f"  - {cause.cause}  ({cause.source})")
        for c in cause.culprits:
            lines.append(f"      culprit: {c.name}{f' [{c.note}]' if c.note else ''}")
            lines.append(f"        {_mass_line(c)}")
        if cause.not_formed:
            lines.append(f"      not formed on this route: {', '.join(cause.not_formed)}")
    lines += ["Checks:", *[f"  - {c}" for c in answer.checks]]
    lines += ["Fixes:", *[f"  - {f}" for f in answer.fixes]]
    if answer.corrections:
        lines += ["Corrections to the source:", *[f"  - {c}" for c in answer.corrections]]
    lines += [f"WARNING: {w}" for w in answer.warnings]
    lines.append(f"References: {', '.join(answer.references)}")
    return lines


def _emit(payload: dict[str, Any], lines: list[str], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
    else:
        typer.echo("\n".join(lines))


@app.command("synth")
def synth(
    diamine: Optional[str] = typer.Option(None, "--diamine", help="Diamine SMILES (e.g. NCCCN)."),
    reagent: Optional[str] = typer.Option(None, "--reagent", help="C2/C3 unit SMILES: acrylate, haloacetate or glycine ester, glyoxal."),
    target: Optional[str] = typer.Option(None, "--target", help="A 1,4-diazepan-2-one to disconnect (retro direction)."),
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    """Check a diamine + C2/C3-unit route (product, side products with masses) or disconnect a target."""
    try:
        if target is not None:
            if diamine is not None or reagent is not None:
                raise _fail("synth", "give either --target or --diamine with --reagent, not both")
            from reactivity.synthesis import propose_disconnections

            retro = propose_disconnections(mol_from_smiles(target))
            _emit(retro.to_dict(), _retro_text(retro), as_json)
            return
        if diamine is None or reagent is None:
            raise _fail("synth", "give --diamine and --reagent (forward), or --target (retro)")
        from reactivity.synthesis import plan_route

        route = plan_route(mol_from_smiles(diamine), mol_from_smiles(reagent))
        _emit(route.to_dict(), _route_text(route), as_json)
    except ReactivityError as exc:
        raise _fail("synth", str(exc)) from None


@app.command("troubleshoot")
def troubleshoot_command(
    symptom: str = typer.Argument(..., help="The symptom, e.g. 'white precipitate' or 'viscous oil'."),
    diamine: Optional[str] = typer.Option(None, "--diamine", help="Diamine SMILES of the route."),
    reagent: Optional[str] = typer.Option(None, "--reagent", help="C2/C3 unit SMILES of the route."),
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    """Likely causes, checks and fixes for a synthesis symptom, with the culprits' structures and masses."""
    from reactivity.synthesis import troubleshoot

    try:
        answer = troubleshoot(
            symptom,
            None if diamine is None else mol_from_smiles(diamine),
            None if reagent is None else mol_from_smiles(reagent),
        )
    except ReactivityError as exc:
        raise _fail("troubleshoot", str(exc)) from None
    _emit(answer.to_dict(), _troubleshoot_text(answer), as_json)

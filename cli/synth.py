"""``reactivity synth`` and ``reactivity troubleshoot``: route check, side products, ranked retro proposals, troubleshooting.

Exit codes: 0 success (a retro target with no applicable route is an answer, with the
reason); 2 usage error, unreadable SMILES, unsupported building block or unknown
symptom (one-line message on stderr, no traceback).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Optional

import typer

from reactivity.errors import ReactivityError
from reactivity.molecule import mol_from_smiles

if TYPE_CHECKING:  # the synthesis package is imported by the commands that use it (faster start for the others)
    from reactivity.synthesis import Compound, RetroResult, RouteResult, TroubleshootingAnswer

from .app import app
from .common import (
    RecordFailure,
    assess_records,
    echo_json,
    exit_if_failures,
    read_molecules,
    record_header,
    record_payload,
    usage_error,
    wrap_text,
)


def _mass_line(c: Compound) -> str:
    mz = "n/a (polymer repeat unit)" if c.mz_mh is None else f"{c.mz_mh:.4f}"
    return f"{c.smiles}  {c.formula}  M {c.monoisotopic_mass:.4f}  [M+H]+ {mz}"


def _compound_lines(c: Compound, indent: str) -> list[str]:
    lines = [f"{indent}{_mass_line(c)}"]
    if c.species != "neutral molecule as drawn":
        lines.append(f"{indent}species: {c.species}" + (f"; salt {c.salt_smiles}" if c.salt_smiles else ""))
    return lines


def _route_text(result: RouteResult) -> list[str]:
    p = result.product
    lines = [
        f"Route: {result.route}  ({result.amine} + {result.reagent})",
        *[f"  step {i}: {step}" for i, step in enumerate(result.steps, 1)],
    ]
    for c in result.intermediates:
        lines.append(f"Intermediate ({c.step}): {c.name}")
        lines += _compound_lines(c, "  ")
    lines += [
        f"Product: {p.scaffold}{'' if p.is_target_scaffold else '  (NOT the target 1,4-diazepan-2-one)'}",
        *_compound_lines(p, "  "),
        f"  InChIKey {p.inchikey}",
        f"Regioselectivity: {result.regioselectivity.rule}",
    ]
    if result.regioselectivity.applies:
        lines.append(f"  first nitrogen: {result.regioselectivity.first_nitrogen}")
        lines.append(f"  basis: {result.regioselectivity.basis}")
    lines.append("Side products (expected first, then minor):")
    for c in result.side_products:
        lines.append(f"  - [{c.likelihood}] {c.name}{f' [{c.note}]' if c.note else ''}")
        lines += _compound_lines(c, "    ")
        for cond in c.favoured_by:
            lines.append(f"    favoured by ({cond.step}, {cond.factor}): {cond.favours} -> {cond.remedy}")
    lines += [f"WARNING: {w}" for w in result.warnings]
    lines.append(f"References: {', '.join(result.references)}")
    return lines


def _retro_text(result: RetroResult) -> list[str]:
    lines = [f"Target: {result.target}  ({result.target_class}; InChIKey {result.target_inchikey})"]
    if not result.disconnections:
        lines.append(f"No route proposed: {result.no_route_reason}")
    for d in result.disconnections:
        lines.append(f"#{d.rank} {d.id} ({d.route}): break {', '.join(d.bonds_broken)}")
        for b in d.building_blocks:
            lines.append(f"  {b.role}: {b.smiles}  ({b.description})")
        lines.append(f"  steps: {'; '.join(d.steps)}")
        lines.append(f"  forward check: {d.forward_check}")
        lines += [f"  reason: {r}" for r in d.reasons]
        lines += [f"  WARNING: {w}" for w in d.warnings]
    lines += [f"WARNING: {w}" for w in result.warnings]
    lines.append(f"References: {', '.join(result.references)}")
    return lines


def _troubleshoot_text(answer: TroubleshootingAnswer) -> list[str]:
    lines = [
        f"Symptom: {answer.symptom}  [{answer.symptom_id}; match score {answer.match.score:.2f} on '{answer.match.matched_on}']",
    ]
    if answer.other_matches:
        others = ", ".join(f"{m.symptom_id} ({m.score:.2f})" for m in answer.other_matches)
        lines.append(f"Also close: {others}")
    lines.append("Likely causes:")
    for cause in answer.causes:
        lines.append(f"  - {cause.cause}  ({cause.source})")
        for c in cause.culprits:
            lines.append(f"      culprit: {c.name}{f' [{c.note}]' if c.note else ''}")
            lines += _compound_lines(c, "        ")
        if cause.not_formed:
            lines.append(f"      not formed on this route: {', '.join(cause.not_formed)}")
    lines += ["Checks:", *[f"  - {c}" for c in answer.checks]]
    lines += ["Fixes:", *[f"  - {f}" for f in answer.fixes]]
    if answer.notes:
        lines += ["Chemistry notes:", *[f"  - {text} ({', '.join(refs)})" for text, refs in answer.notes]]
    lines += [f"WARNING: {w}" for w in answer.warnings]
    lines.append(f"References: {', '.join(answer.references)}")
    return lines


def _emit(payload: dict[str, Any], lines: list[str], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
    else:
        typer.echo(wrap_text("\n".join(lines)))


@app.command("synth")
def synth(
    amine: Optional[str] = typer.Option(
        None, "--amine", "--diamine",
        help="Amine component SMILES: a diamine (free, or mono-protected: Boc, Cbz, Fmoc, N,N-dibenzyl), a 2-aminoaryl ketone, or an N-protected aminoaldehyde (amino-acid route).",
    ),
    reagent: Optional[str] = typer.Option(
        None, "--reagent",
        help="C2/C3 unit SMILES: haloacetate or acrylate ester, glycine (alpha-amino) ester or its salt, glyoxal, haloacetyl halide.",
    ),
    target: Optional[str] = typer.Option(
        None, "--target",
        help="A 1,4-diazepan-2-one or benzodiazepin-2-one to disconnect (retro): SMILES, a molfile (.mol), an SD file (.sdf, one answer per record), a .smi/.csv/.tsv file (each optionally .gz), or - for standard input (format sniffed).",
    ),
    n1_alkylate: Optional[str] = typer.Option(None, "--n1-alkylate", help="Alkylating agent SMILES for N1 after the benzodiazepinone ring closure (e.g. CI)."),
    reduce_imine: bool = typer.Option(False, "--reduce-imine", help="Reduce the 4,5-azomethine last (1,3,4,5-tetrahydro ring)."),
    via_4_oxide: bool = typer.Option(False, "--via-4-oxide", help="With a 2-aminoaryl ketone and a haloacetyl halide: go through the oxime, the quinazoline 3-oxide and the 4-oxide to the 3-hydroxy ring (oxazepam type)."),
    c3_oxygen: Optional[str] = typer.Option(None, "--c3-oxygen", help="After the benzodiazepinone ring closure (and any N1-alkylation): acetoxylate C3 (acetoxy), then saponify (hydroxy), then exchange the 3-OH in acidic methanol or ethanol (methoxy, ethoxy)."),
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    """Check a route (product, intermediates, side products with masses) or propose ranked disconnections of a target."""
    try:
        if c3_oxygen is not None and c3_oxygen not in ("acetoxy", "hydroxy", "methoxy", "ethoxy"):
            raise usage_error(f"--c3-oxygen must be acetoxy, hydroxy, methoxy or ethoxy, got {c3_oxygen!r}", "synth")
        if target is not None:
            if (amine is not None or reagent is not None or n1_alkylate is not None or reduce_imine or via_4_oxide
                    or c3_oxygen is not None):
                raise usage_error("give either --target or --amine with --reagent, not both", "synth")
            from reactivity.synthesis import propose_disconnections

            records = read_molecules(target, command="synth", smiles_error="bad --target")
            answers = assess_records(records, lambda record: propose_disconnections(record.mol), target,
                                     command="synth", smiles_error="bad --target")
            if as_json:
                echo_json([record_payload(record, retro.to_dict()) for record, retro in answers])
            else:
                for record, retro in answers:
                    if len(answers) > 1:
                        typer.echo(wrap_text(("\n" if record.number > 1 else "")
                                             + record_header(record.name, record.number, len(answers))))
                    if isinstance(retro, RecordFailure):
                        typer.echo(wrap_text(f"error: {retro.message}"))
                    else:
                        _emit(retro.to_dict(), _retro_text(retro), False)
            exit_if_failures(answers)
            return
        if amine is None or reagent is None:
            raise usage_error("give --amine (or --diamine) and --reagent (forward), or --target (retro)", "synth")
        from reactivity.synthesis import plan_route

        route = plan_route(
            mol_from_smiles(amine), mol_from_smiles(reagent),
            n1_alkylating_agent=None if n1_alkylate is None else mol_from_smiles(n1_alkylate),
            reduce_imine=reduce_imine, via_4_oxide=via_4_oxide, c3_oxygen=None if c3_oxygen is None else f"3-{c3_oxygen}",
        )
        _emit(route.to_dict(), _route_text(route), as_json)
    except ReactivityError as exc:
        raise usage_error(str(exc), "synth") from None


@app.command("troubleshoot")
def troubleshoot_command(
    symptom: str = typer.Argument(..., help="The symptom in your words, e.g. 'my product stays in the water layer' or 'brown oil'."),
    amine: Optional[str] = typer.Option(None, "--amine", "--diamine", help="Amine component SMILES of the route."),
    reagent: Optional[str] = typer.Option(None, "--reagent", help="C2/C3 unit SMILES of the route."),
    via_4_oxide: bool = typer.Option(False, "--via-4-oxide", help="The route goes through the 4-oxide to the 3-hydroxy ring (as in 'synth --via-4-oxide')."),
    as_json: bool = typer.Option(False, "--json", help="Write JSON to stdout."),
) -> None:
    """Likely causes, checks and fixes for a synthesis symptom, with the culprits' structures and masses."""
    from reactivity.synthesis import troubleshoot

    try:
        answer = troubleshoot(
            symptom,
            None if amine is None else mol_from_smiles(amine),
            None if reagent is None else mol_from_smiles(reagent),
            via_4_oxide=via_4_oxide,
        )
    except ReactivityError as exc:
        raise usage_error(str(exc), "troubleshoot") from None
    _emit(answer.to_dict(), _troubleshoot_text(answer), as_json)

"""``reactivity explain``: a per-ring, per-site report of each molecule given (table, or ``--json``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from reactivity import ReactivityError, perceive, related_scaffolds
from reactivity.basicity import BasicityResult, check_basicity_conditions, predict_basicity
from reactivity.rules import load_references, load_site_rules

from .app import app
from .common import (
    TERMINAL_WIDTH,
    InputMolecule,
    RecordFailure,
    assess_records,
    echo_wrapped,
    fail,
    read_molecules,
    refuse_several,
    show_results,
)

if TYPE_CHECKING:  # rich is imported by the text output only (faster start for the other commands)
    from rich.console import Console

    from reactivity import RingSites


_AMINE_CLASSES = ("aliphatic_amine", "amidine")


def _nucleophile_ranking(basicity: BasicityResult) -> list[dict[str, object]]:
    """Basic amines ordered by their free-base fraction at the pH (the share that can attack an electrophile)."""
    rows = [
        {
            "atom": site.atom,
            "role": site.role,
            "site_class": site.site_class,
            "pka": round(site.pka, 2),
            "free_base_fraction": 1.0 - site.protonated_fraction,
        }
        for site in basicity.sites
        if site.site_class in _AMINE_CLASSES
    ]
    return sorted(rows, key=lambda row: -float(row["free_base_fraction"]))  # type: ignore[arg-type]


def _print_nucleophiles(console: Console, basicity: BasicityResult) -> None:
    from rich.table import Table

    ranking = _nucleophile_ranking(basicity)
    if not ranking:
        return
    table = Table(title=f"Amines at pH {basicity.ph:g}: free-base fraction (predicted pKaH)")
    for column in ("atom", "role", "pKaH", "free base"):
        table.add_column(column)
    for row in ranking:
        table.add_row(str(row["atom"]), str(row["role"]), f"{row['pka']:.2f}", f"{100 * float(row['free_base_fraction']):.2g} %")
    console.print(table)
    first = ranking[0]
    if len(ranking) > 1:
        console.print(
            f"An electrophile meets atom {first['atom']} ({first['role']}) as the free base most often at this pH; "
            "intrinsic nucleophilicity (steric bulk, primary vs secondary) is not modelled."
        )


def _write_depictions(mol, rings, svg: Path | None, png: Path | None) -> None:
    """``--svg`` / ``--png``: the molecule as given (atom order kept) with N1, C2, N4 and competing sites marked."""
    from reactivity.batch.writers import OutputError, write_output
    from reactivity.report import depict, depict_png

    try:  # as every output: a file replaced whole, a link or a pipe written through
        if svg is not None:
            write_output(str(svg), depict(mol, rings).encode("utf-8"))
        if png is not None:
            write_output(str(png), depict_png(mol, rings))
    except OutputError as exc:
        fail(f"cannot write the depiction: {exc}")
    except OSError as exc:
        fail(f"cannot write the depiction: {exc.filename}: {exc.strerror}")


def _derivatization_plans(mol, reactions: str | None) -> list:
    """``--reactions``: one derivatization plan per named class (exit 2 on an unknown class)."""
    if not reactions:
        return []
    from reactivity.derivatization import chosen_reaction_names, plan_derivatization

    try:
        names = chosen_reaction_names(name.strip() for name in reactions.split(",") if name.strip())
        return [plan_derivatization(mol, name) for name in names]
    except ReactivityError as exc:
        fail(str(exc))


def _print_plans(console: Console, plans: list) -> None:
    """One table per derivatization plan: outcome, reacting atoms, rule or reason, protection plan, warnings."""
    from rich.markup import escape
    from rich.table import Table

    for plan in plans:
        table = Table(title=f"Derivatization: {plan.reaction} -> {plan.outcome}", show_header=False)
        table.add_column("what", style="bold")
        table.add_column("detail", overflow="fold")
        table.add_row("conditions", escape(plan.conditions))
        sites = "; ".join(f"{s.label} (atom {s.atom})" for s in plan.reacting_sites) or "none"
        table.add_row("reacting site", escape(sites))
        if plan.minor_sites:
            table.add_row("minor / competing", escape("; ".join(f"{s.label} (atom {s.atom})" for s in plan.minor_sites)))
        if plan.rule:
            table.add_row("rule", escape(plan.rule))
        if plan.reason:
            table.add_row("reason", escape(plan.reason))
        for step in plan.protection_plan:
            table.add_row("plan", escape(step))
        for warning in plan.warnings:
            table.add_row(warning.severity, escape(f"{warning.text} [{', '.join(warning.reference_ids)}]"))
        for note in plan.notes:
            table.add_row("note", escape(note))
        console.print(table)


@app.command("explain")
def explain(
    molecule: str = typer.Argument(..., help="SMILES, a molfile (.mol) an SD file (.sdf, several records: one report each), a .smi/.csv/.tsv file (each optionally .gz), or - for standard input (format sniffed)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (a list when the input has several records)."),
    ph: float = typer.Option(7.4, "--ph", help="pH at which the amines' free-base fractions are compared."),
    svg: Path | None = typer.Option(None, "--svg", help="Also draw the molecule with its sites marked to this SVG file."),
    png: Path | None = typer.Option(None, "--png", help="Also draw the molecule with its sites marked to this PNG file."),
    reactions: str | None = typer.Option(None, "--reactions", help="Also plan these derivatization classes, comma-separated (e.g. acylation,lactam_n_alkylation), or 'all'."),
) -> None:
    """Which sites of each 1,4-diazepan-2-one ring react, and how (atom numbers are 0-based)."""
    try:
        check_basicity_conditions(ph, 25.0)
    except ReactivityError as exc:
        fail(str(exc))
    records = read_molecules(molecule)
    if svg is not None or png is not None:
        refuse_several(records, "--svg/--png", molecule)

    def assess(record: InputMolecule) -> tuple[Any, ...]:
        rings = perceive(record.mol)
        related = related_scaffolds(record.mol) if not rings else ()
        return rings, related, predict_basicity(record.mol, ph), _derivatization_plans(record.mol, reactions)

    reports = assess_records(records, assess, molecule)
    if (svg is not None or png is not None) and not isinstance(reports[0][1], RecordFailure):
        _write_depictions(records[0].mol, reports[0][1][0], svg, png)
    refs = load_references()
    show_results(reports, as_json, lambda report: _print_report(*report, refs),
                 to_json=lambda report: _json_report(molecule, *report, refs))


def _used_references(rings: tuple[RingSites, ...], plans: list) -> list[str]:
    return sorted({ref for ring in rings for g in ring.guidance for ref in g.reference_ids}
                  | {ref for plan in plans for ref in plan.reference_ids})


def _json_report(molecule: str, rings: tuple[RingSites, ...], related: tuple[str, ...], basicity: BasicityResult, plans: list, refs: dict[str, str]) -> dict[str, object]:
    payload: dict[str, object] = {
        "input": molecule,
        "ruleset_version": load_site_rules().version,
        "ring_count": len(rings),
        "rings": [ring.to_dict() for ring in rings],
        "related_scaffolds": list(related),
        "nucleophiles": _nucleophile_ranking(basicity),
        "basicity": basicity.to_dict(),
        "references": {ref: refs[ref] for ref in _used_references(rings, plans)},
    }
    if plans:
        payload["derivatization"] = {plan.reaction: plan.to_dict() for plan in plans}
    return payload


def _print_report(rings: tuple[RingSites, ...], related: tuple[str, ...], basicity: BasicityResult, plans: list, refs: dict[str, str]) -> None:
    """The human-readable report of one molecule, fitted to the terminal width."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=TERMINAL_WIDTH)
    if not rings:
        what = ", ".join(related) if related else "no related scaffold either"
        console.print(escape(f"No 1,4-diazepan-2-one ring. Related scaffold: {what}."))
        _print_plans(console, plans)
        return
    for number, ring in enumerate(rings, start=1):
        sites = Table(title=f"Ring {number} of {len(rings)}: {ring.ring_variant}" + (" (salt form)" if ring.salt_form else ""))
        for column in ("site", "atom", "class / facts", "guidance", "refs"):
            sites.add_column(column, overflow="fold")
        classes = {
            "N4": ", ".join((ring.n4_class, f"{ring.n4_h_count} N-H", *ring.n4_features)),
            "N1": ring.n1_class,
            "C2": ", ".join(ring.c2_activation) or "plain lactam",
            "C3": ", ".join(
                (f"{ring.c3_enolizable_h} exchangeable H", *ring.c3_features)
                + (("epimerizable stereocentre",) if ring.c3_epimerizable else ())
            ),
        }
        atoms = {"N4": ring.n4, "N1": ring.n1, "C2": ring.c2, "C3": ring.c3}
        for line in ring.guidance:
            sites.add_row(line.site, str(atoms[line.site]), classes[line.site], escape(line.text),
                          escape(", ".join(line.reference_ids)))
        console.print(sites)
        for centre in ring.stereocentres:
            console.print(f"  stereocentre {centre.position} (atom {centre.atom}): {centre.label}")
        for note in ring.notes:
            console.print(escape(f"  note: {note}"))
        if ring.n4_class == "secondary_amine":
            console.print(f"  note: N4 (atom {ring.n4}) is a nitrosamine precursor: 'reactivity nitrosamine' gives its N-nitroso product and CPCA category (screening only)")
    competing = rings[0].competing_sites
    if competing:
        versus = " (notes compare with ring 1's N4)" if len(rings) > 1 else ""
        table = Table(title=f"Competing sites elsewhere in the molecule{versus}")
        for column in ("kind", "category", "atoms", "note"):
            table.add_column(column, overflow="fold")
        for site in competing:
            table.add_row(site.kind, site.category, ",".join(map(str, site.atoms)), escape(site.note))
        console.print(table)
    _print_nucleophiles(console, basicity)
    _print_plans(console, plans)
    used = _used_references(rings, plans)
    if used:
        echo_wrapped("References:\n" + "\n".join(f"  [{ref}] {refs[ref]}" for ref in used))

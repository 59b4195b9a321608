"""``reactivity report``: one self-contained HTML page of a library (summary, filterable grid, detail views).

Exit codes: 0 success (unreadable records are listed in the page); 2 usage
error (missing input, unknown preset, missing output folder).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import fail, input_file_problem


def _example_library() -> str:
    from importlib.resources import files

    return str(files("reactivity").joinpath("data", "example_library.sdf"))


@app.command("report")
def report(
    inputs: Optional[list[str]] = typer.Argument(None, metavar="INPUT...", help="Inputs as for 'annotate' (SD, SMILES tables, '-'), or an SD file annotated earlier (its RX_JSON is read, not recomputed)."),
    output: str = typer.Option("report.html", "-o", "--output", help="The HTML file to write."),
    example: bool = typer.Option(False, "--example", help="Report on the small example library shipped with the package."),
    max_depictions: int = typer.Option(2000, "--max-depictions", min=0, help="Depictions embedded at most (records with a ring first); the rest are listed without one."),
    max_profiles: int = typer.Option(100, "--max-profiles", min=0, help="Distinct pH-rate profiles drawn at most (records with a ring, in input order; identical curves share one drawing; about 0.35 s each)."),
    ph: float = typer.Option(7.0, "--ph", help="pH of the scored condition."),
    temperature: float = typer.Option(25.0, "--temperature", help="Temperature of the scored condition, °C."),
    hours: float = typer.Option(24.0, "--hours", help="Duration of the scored condition, hours."),
    conditions: str = typer.Option("all", "--conditions", help="Handling presets to count, comma-separated, 'all' or 'none'."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=0, help="Worker processes for the annotation (0 = all cores)."),
    smiles_column: Optional[str] = typer.Option(None, "--smiles-column", help="SMILES column of table inputs (name or 1-based number)."),
    title: str = typer.Option("reactivity report", "--title", help="Title of the page."),
) -> None:
    """Write one self-contained HTML report (no network access needed or made) of the records' sites and risks."""
    from reactivity.batch.annotate import AnnotateSettings
    from reactivity.batch.writers import OutputError, target_kind, write_output
    from reactivity.errors import ReactivityError
    from reactivity.report.collect import iter_report_records
    from reactivity.report.html import ReportOptions, render_report
    from reactivity.stability.presets import check_conditions, preset_names

    names = list(inputs or [])
    if example:
        names.append(_example_library())
    if not names:
        fail("report: no INPUT given (a file, '-' for standard input, or --example)")
    for name in names:
        problem = None if name == "-" else input_file_problem(name)
        if problem is not None:
            fail(f"report: {problem}")
    target = Path(output)
    if target_kind(output) == "directory":
        fail(f"report: output {output} is a directory")
    if output != "-" and not target.parent.is_dir():
        fail(f"report: output directory {str(target.parent)!r} does not exist")
    try:
        presets = preset_names(conditions, default="all")
    except ReactivityError as exc:
        fail(f"report: {exc}")
    try:
        check_conditions(ph, temperature, hours)
    except ReactivityError as exc:
        fail(f"report: {exc}")
    settings = AnnotateSettings(ph=ph, temperature_c=temperature, hours=hours, conditions=presets, stability=True, basicity=True)
    options = ReportOptions(max_depictions=max_depictions, max_profiles=max_profiles, title=title,
                            inputs=tuple("example library" if example and n == names[-1] else Path(n).name for n in names))
    warnings: list[str] = []
    try:
        records = iter_report_records(names, settings, smiles_column=smiles_column, jobs=jobs, warnings=warnings)
        html, summary = render_report(records, options, warnings)
    except ReactivityError as exc:
        fail(f"report: {exc}")
    except OSError as exc:
        fail(f"report: {exc.filename or ''}: {exc.strerror or exc}")
    try:
        write_output(output, html.encode("utf-8"))  # a link or a pipe is written through, a file replaced whole
    except OutputError as exc:
        fail(f"report: output {exc}")
    except OSError as exc:
        fail(f"report: {output}: {exc.strerror or exc}")
    for warning in warnings:
        sys.stderr.write(f"reactivity report: warning: {warning}\n")
    sys.stderr.write(f"reactivity report: {summary.line()} -> {target}\n")

"""``reactivity derivatize``: plan a reaction class over a library, or enumerate its products with a reagent list.

Exit codes: 0 success (bad records and reagents are reported as error records, not fatal); 2 usage error
(unknown reaction class, missing or unreadable input or reagent file, unknown output format).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from reactivity.errors import ReactivityError

from .app import app
from .common import error_text, input_file_problem, usage_error


def _usage_error(message: str) -> typer.Exit:
    """:func:`usage_error` of this command."""
    return usage_error(message, "derivatize")


@app.command("derivatize")
def derivatize(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...", help="SD (.sdf/.sd/.mol, optionally .gz) or SMILES tables (.smi/.csv/.tsv); '-' reads SD from standard input."),
    reaction: str = typer.Option(..., "--reaction", "-r", help="Reaction class, e.g. acylation, reductive_amination, lactam_n_alkylation."),
    reagents: Optional[str] = typer.Option(None, "--reagents", help="Reagent list (SMILES table or SD file): one product record per input x reagent. Without it: one plan per input record."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Output file (.sdf, .csv, .jsonl, .parquet; format from the extension); default: SD to standard output."),
    fmt: Optional[str] = typer.Option(None, "--format", help="Output format: sdf|csv|jsonl|parquet (default: from the output extension)."),
    tag_prefix: str = typer.Option("RX_", "--tag-prefix", help="Prefix of the new SD tags / columns."),
    smiles_column: Optional[str] = typer.Option(None, "--smiles-column", help="SMILES column of table inputs (name or 1-based number)."),
    reagent_smiles_column: Optional[str] = typer.Option(None, "--reagent-smiles-column", help="SMILES column of a reagent table."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=0, help="Worker processes (0 = all cores); the output is the same for any number."),
    chunk_size: int = typer.Option(200, "--chunk-size", min=1, hidden=True, help="Input records per chunk."),
) -> None:
    """Which site of each molecule reacts under a reaction class, and (with --reagents) the products.

    Tags: RX_OUTCOME (clean, selective, mixture, needs_protection, blocked, incompatible), RX_REACTING_ATOMS
    (1-based atom numbers of the input record), RX_PRODUCT_SMILES, RX_WARNINGS, RX_PROTECTION_PLAN, RX_JSON.
    """
    from reactivity.batch.writers import format_for, open_sink
    from reactivity.derivatization import load_reaction_rules
    from reactivity.derivatization.stream import DerivatizeSettings, read_reagents, run_derivatize, tag_names

    try:
        load_reaction_rules().reaction(reaction)
    except ReactivityError as exc:
        raise _usage_error(str(exc)) from None
    for name in [*inputs, *([reagents] if reagents else [])]:
        problem = None if name == "-" else input_file_problem(name)
        if problem is not None:
            raise _usage_error(problem)
    if output not in (None, "-"):
        directory = Path(output).parent
        if not directory.is_dir() or not os.access(directory, os.W_OK):
            raise _usage_error(f"output directory {str(directory)!r} does not exist or is not writable")
    if not tag_prefix or any(c in tag_prefix for c in "<>\r\n\t "):
        raise _usage_error(f"--tag-prefix {tag_prefix!r} is not a valid tag name prefix")
    try:
        output_format = format_for(output, fmt)
        reagent_list = read_reagents(reagents, reagent_smiles_column) if reagents else None
    except (ValueError, ReactivityError) as exc:
        raise _usage_error(str(exc)) from None
    if output_format == "parquet" and output in (None, "-"):
        raise _usage_error("parquet output needs a file (-o FILE.parquet)")
    if reagent_list is not None and not reagent_list:
        raise _usage_error(f"{reagents}: no reagents found")
    settings = DerivatizeSettings(reaction, tag_prefix, output_format)
    sink = None
    try:
        sink = open_sink(output_format, output, tag_names(tag_prefix, reagent_list is not None))
        summary = run_derivatize(inputs, sink, settings, reagent_list, chunk_size, smiles_column, jobs)
        sink.commit()
        sink = None
    except KeyboardInterrupt:
        sys.stderr.write("reactivity derivatize: interrupted; no output written\n")
        raise typer.Exit(130) from None
    except (ReactivityError, OSError) as exc:
        raise _usage_error(error_text(exc)) from None
    finally:
        if sink is not None:
            sink.discard()
    for warning in summary.warnings:
        sys.stderr.write(f"reactivity derivatize: warning: {warning}\n")
    if reagent_list is not None:
        bad = [r for r in reagent_list if r.error]
        if bad:
            sys.stderr.write(f"reactivity derivatize: warning: {len(bad)} reagent(s) could not be read; their rows are error records\n")
    sys.stderr.write(f"reactivity derivatize: {summary.line()}\n")

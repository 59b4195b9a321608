"""``reactivity legend``: put the texts of a run's legend back into compact ``RX_JSON`` (lossless)."""

from __future__ import annotations

import re
from typing import Optional

import typer

from .app import app
from .common import fail


@app.command("legend")
def legend(
    input_file: str = typer.Argument(..., metavar="ANNOTATED.sdf", help="An SD file written by `reactivity annotate` with compact RX_JSON."),
    legend_file: Optional[str] = typer.Option(None, "--legend", help="The run's legend (default: ANNOTATED.sdf.legend.json)."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Where the SD file with full RX_JSON goes (default: standard output)."),
    tag_prefix: str = typer.Option("RX_", "--tag-prefix", help="Prefix of the annotation's tags."),
) -> None:
    """Expand compact RX_JSON with the run's legend; every other byte of the file is copied unchanged."""
    from reactivity.batch.legend import default_legend_path, expand_json, read_legend

    path = legend_file or default_legend_path(input_file)
    try:
        texts = read_legend(path)
        data = open(input_file, "rb").read()  # noqa: SIM115
    except (OSError, ValueError, KeyError) as exc:
        fail(f"legend: {exc}")
    item = re.compile(rb"(>[^\r\n]*<" + re.escape(tag_prefix.encode("ascii")) + rb"JSON>[^\r\n]*(?:\r\n|\r|\n))([^\r\n]*)")

    def replace(match: re.Match[bytes]) -> bytes:
        return match.group(1) + expand_json(match.group(2).decode("utf-8"), texts).encode("utf-8")

    try:
        expanded = item.sub(replace, data)
    except (KeyError, ValueError) as exc:
        fail(f"legend: {input_file}: {exc} (is {path} the legend of this run?)")
    from reactivity.batch.writers import OutputError, write_output

    try:
        write_output(output, expanded)  # standard output, a file replaced whole, a link or a pipe written through
    except OutputError as exc:
        fail(f"legend: output {exc}")
    except OSError as exc:
        fail(f"legend: {output}: {exc.strerror or exc}")

"""``reactivity annotate``: lossless, streaming, parallel annotation of SD files and SMILES tables.

Exit codes: 0 success (bad records are reported in the output, not fatal);
1 ``--fail-on-error`` and at least one record failed or an input ended early;
2 usage error (missing or unreadable input, unknown option, a numeric option out
of range or not finite, missing output directory, an output that is a directory,
``--errors`` equal to the output, a non-empty ``--output-dir`` without ``--overwrite``);
4 ``--engine dask`` and a worker runs another version of the tool, RDKit or the rule set than the client;
130 SIGINT; 143 SIGTERM.
"""

from __future__ import annotations

import math
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import typer

from reactivity.batch.annotate import (
    DEFAULT_MAX_ATOMS,
    AnnotateSettings,
    Summary,
    make_sources,
    run_annotation,
)
from reactivity.batch.records import MAX_RECORD_BYTES
from reactivity.batch.supervise import DEFAULT_RECORD_TIMEOUT
from reactivity import __version__
from reactivity.batch.legend import default_legend_path, write_legend
from reactivity.batch.tags import rules_digest, ruleset_version, tag_names
from reactivity.batch.writers import (
    OutputError,
    TableColumns,
    format_for,
    open_sink,
    run_metadata,
    same_target,
    scan_input_columns,
    target_kind,
)
from reactivity.errors import ReactivityError
from reactivity.errors import UnknownConditionError
from reactivity.stability.presets import preset_names

from .app import app
from .common import error_text, input_file_problem, usage_error


def _usage_error(message: str) -> typer.Exit:
    """:func:`usage_error` of this command."""
    return usage_error(message, "annotate")


def _check_inputs(inputs: list[str]) -> None:
    if inputs.count("-") > 1:
        raise _usage_error("standard input ('-') can be given only once")
    for name in inputs:
        if name == "-" or "://" in name:  # fsspec URLs are checked when opened
            continue
        problem = input_file_problem(name)
        if problem is not None:
            raise _usage_error(problem)


class _LegendCollector:
    """A sink wrapper that keeps the texts behind compact ``RX_JSON`` references while the chunks go by."""

    def __init__(self, sink: Any, texts: dict[str, Any]) -> None:
        self.sink, self.texts = sink, texts

    def write(self, chunk: Any, start_index: int) -> None:
        self.texts.update(getattr(chunk, "legend", {}) or {})
        self.sink.write(chunk, start_index)

    def __getattr__(self, name: str) -> Any:  # end_part of a sink that writes parts (--output-dir)
        return getattr(self.sink, name)


def _expand_globs(inputs: list[str]) -> list[str]:
    """Inputs with ``*``, ``?`` or ``[`` expanded (local paths, or fsspec URLs), sorted; a pattern matching nothing is an error."""
    out: list[str] = []
    for name in inputs:
        if name == "-" or not any(c in name for c in "*?["):
            out.append(name)
            continue
        if "://" in name:
            import fsspec

            fs, _, paths = fsspec.get_fs_token_paths(name)
            matches = [fs.unstrip_protocol(p) for p in sorted(paths)]
        else:
            import glob

            matches = sorted(glob.glob(name))
        if not matches:
            raise _usage_error(f"{name}: no file matches")
        out.extend(matches)
    return out


def _run_dask(sources: list[Any], sink: Any, settings: AnnotateSettings, jobs: int, chunk_size: int,
              smiles_column: Optional[str], scheduler: Optional[str], partition_bytes: int = 0,
              max_record_bytes: int = MAX_RECORD_BYTES) -> Summary:
    try:
        from reactivity.batch.dask_engine import DEFAULT_PARTITION_BYTES, VersionMismatch, local_client, run_dask
    except ImportError:
        raise _usage_error("--engine dask needs Dask: pip install 'dask[distributed]' fsspec") from None
    client = local_client(jobs or (os.cpu_count() or 1), scheduler)
    try:
        return run_dask(sources, sink, settings, client, chunk_size=chunk_size or 500, smiles_column=smiles_column,
                        partition_bytes=partition_bytes or DEFAULT_PARTITION_BYTES, max_record_bytes=max_record_bytes)
    except VersionMismatch as exc:
        sys.stderr.write(f"reactivity annotate: {exc}\n")
        raise typer.Exit(4) from None
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and not scheduler and not os.environ.get("DASK_SCHEDULER_ADDRESS"):
            cluster.close()


def _manifest_about(sources: list[Any], settings: AnnotateSettings, engine: str, jobs: int,
                    legend: Optional[str]) -> dict[str, Any]:
    """What ``manifest.json`` of ``--output-dir`` says besides the parts: inputs, versions, settings."""
    from dataclasses import asdict

    from reactivity.batch.dask_engine import versions

    settings_out = {k: v for k, v in asdict(replace(settings, table=None)).items() if k != "table"}
    return {"tool": "reactivity annotate", "inputs": [s.name for s in sources], "versions": versions(),
            "settings": {**settings_out, "engine": engine, "jobs": jobs},
            "legend": os.path.basename(legend) if legend else None}


def _table_columns(tags: tuple[str, ...], sources: list[Any], settings: AnnotateSettings, smiles_column: Optional[str],
                   limits: dict[str, Any], legend: Optional[str]) -> TableColumns:
    """The columns of a table output: the input columns of table inputs, ``source`` with several inputs, typed tags."""
    inputs = scan_input_columns(sources, settings.tag_prefix, smiles_column, header=limits["header"],
                                max_record_bytes=limits["max_record_bytes"])
    extra = {"legend": os.path.basename(legend)} if legend else {}
    return TableColumns(tags, settings.tag_prefix, inputs, source=len(sources) > 1,
                        about=run_metadata(settings, [s.name for s in sources], **extra))


def _check_output(target: Optional[str], label: str) -> None:
    if target in (None, "-"):
        return
    if target_kind(target) == "directory":
        raise _usage_error(f"{label} {target} is a directory")
    directory = Path(os.path.realpath(target)).parent
    if not directory.is_dir():
        raise _usage_error(f"{label} directory {str(directory)!r} does not exist")
    if not os.access(directory, os.W_OK):
        raise _usage_error(f"{label} directory {str(directory)!r} is not writable")


def _comma_list(value: Optional[str]) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def _reaction_classes(value: Optional[str]) -> tuple[str, ...]:
    """``--reactions a,b``: known derivatization classes, in the order given, ``all`` or ``none`` (exit 2 on an
    unknown one)."""
    names = _comma_list(value)
    if not names or names == ("none",):
        return ()  # the derivatization rules are loaded only when a class is asked for
    from reactivity.derivatization import chosen_reaction_names

    try:
        return chosen_reaction_names(names)
    except ReactivityError as exc:
        raise _usage_error(str(exc)) from None


def _check_condition(ph: float, temperature: float, hours: float) -> None:
    """Reject an impossible condition once, up front (exit 2), not once per record."""
    from reactivity.stability.presets import check_conditions

    try:
        check_conditions(ph, temperature, hours)
    except ReactivityError as exc:
        raise _usage_error(str(exc)) from None


def _example_library() -> Path:
    """The example SD file shipped inside the package (a real file in an installed wheel)."""
    from importlib.resources import files

    return Path(str(files("reactivity").joinpath("data", "example_library.sdf")))


class _Progress:
    """A rich progress bar on standard error (records/s; ETA when the input size is known)."""

    def __init__(self, total_bytes: Optional[int]):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        columns: list[Any] = [TextColumn("annotating"), TextColumn("{task.fields[records]} records"), TextColumn("{task.fields[rate]} rec/s")]
        if total_bytes:
            columns += [BarColumn(), TimeRemainingColumn()]
        columns.append(TimeElapsedColumn())
        self.progress = Progress(*columns, console=Console(file=sys.stderr), transient=True)
        self.task = self.progress.add_task("annotate", total=total_bytes, records=0, rate="-")

    def __enter__(self) -> "_Progress":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)  # type: ignore[arg-type]

    def update(self, summary: Summary, bytes_done: int) -> None:
        self.progress.update(self.task, completed=bytes_done, records=summary.records, rate=f"{summary.rate:.0f}")


_RECEIVED: dict[str, int] = {}


def _terminate(signum: int, frame: object) -> None:
    _RECEIVED["signal"] = signum
    raise KeyboardInterrupt


def _check_number(option: str, value: float, low: float, high: float) -> None:
    """A numeric option must be a finite number within ``[low, high]`` (NaN and infinities are refused)."""
    if not math.isfinite(value) or not low <= value <= high:
        raise _usage_error(f"{option} must be a number from {low:g} to {high:g} (got {value!r})")


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C (KeyboardInterrupt), so the temporary output is removed.

    The records are annotated in worker processes (RDKit never runs in this one during a run), so both
    signals act within a fraction of a second; the exit code is 128 + the signal number (130, 143).
    """
    _RECEIVED.clear()
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command("annotate")
def annotate(
    inputs: Optional[list[str]] = typer.Argument(None, metavar="INPUT...", help="SD (.sdf/.sd/.mol, optionally .gz) or SMILES tables (.smi/.smiles/.csv/.tsv); '-' reads SD from standard input."),
    example: bool = typer.Option(False, "--example", help="Annotate the small example library shipped with the package."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Output file (format from the extension); default: SD to standard output."),
    ph: float = typer.Option(7.0, "--ph", help="pH of the scored condition."),
    temperature: float = typer.Option(25.0, "--temperature", help="Temperature of the scored condition, °C."),
    hours: float = typer.Option(24.0, "--hours", help="Duration of the scored condition, hours."),
    conditions: Optional[str] = typer.Option(None, "--conditions", help="Handling presets to score, comma-separated (e.g. silica_methanol,aqueous_acid_workup), 'all' or 'none' (the default)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=0, help="Worker processes (0 = all cores)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="Output format: sdf|csv|jsonl|parquet (default: from the output extension)."),
    tag_prefix: str = typer.Option("RX_", "--tag-prefix", help="Prefix of the new SD tags / columns."),
    smiles_column: Optional[str] = typer.Option(None, "--smiles-column", help="SMILES column of table inputs (name or 1-based number); default: auto-detect."),
    errors: Optional[str] = typer.Option(None, "--errors", help="Also write the failed records, verbatim, to this file."),
    fail_on_error: bool = typer.Option(False, "--fail-on-error", help="Exit with code 1 when any record failed."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on standard error (only when it is a terminal)."),
    with_stability: bool = typer.Option(True, "--stability/--no-stability", help="Score hydrolysis and handling risk of each ring (RX_HYDROLYSIS_RISK ...)."),
    with_basicity: bool = typer.Option(True, "--basicity/--no-basicity", help="Predict the N4 pKaH of each ring (RX_N4_PKA ...)."),
    with_nitrosamine: bool = typer.Option(False, "--nitrosamine", help="Nitrosamine risk, CPCA, screening only (RX_NITROSAMINE_PRECURSOR, RX_NITROSAMINE_CATEGORY)."),
    reactions: Optional[str] = typer.Option(None, "--reactions", help="Derivatization plans, comma-separated classes (e.g. acylation,reductive_amination), 'all' or 'none' (the default): RX_RXN_<CLASS> = outcome@atoms."),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="Format of standard input and of inputs without a known extension: sdf|smi|csv|tsv (default: sniffed from the first bytes)."),
    header: Optional[bool] = typer.Option(None, "--header/--no-header", help="Whether the first row of a table is a header (default: when one of its cells is a known column name such as SMILES or Name)."),
    max_atoms: int = typer.Option(DEFAULT_MAX_ATOMS, "--max-atoms", min=0, help="Records with more atoms (as written) become error records without being parsed (0 = no limit)."),
    record_timeout: float = typer.Option(DEFAULT_RECORD_TIMEOUT, "--record-timeout", help="Seconds one record may take; a slower record becomes an error record (0 = no limit)."),
    max_record_mb: float = typer.Option(MAX_RECORD_BYTES / (1 << 20), "--max-record-mb", help="Largest record or table row read, in MB; a larger one becomes an error record."),
    chunk_size: int = typer.Option(0, "--chunk-size", min=0, hidden=True, help="Records per chunk (0 = automatic)."),
    json_detail: str = typer.Option("compact", "--json-detail", help="RX_JSON: compact (prose written once, in the legend file beside the output), full (every text in every record), or none (no RX_JSON)."),
    legend: Optional[str] = typer.Option(None, "--legend", help="Where the legend of compact RX_JSON goes (default: OUTPUT.legend.json; with output to standard output and no --legend, RX_JSON is full)."),
    engine: str = typer.Option("local", "--engine", help="local (worker processes on this machine) or dask (a Dask cluster: byte ranges of plain SD files on the workers, one ordered output)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address for --engine dask (default: DASK_SCHEDULER_ADDRESS, else a local cluster of --jobs workers)."),
    output_dir: Optional[str] = typer.Option(None, "--output-dir", help="Write one part file per partition (format from --format, default SD) into this directory, then manifest.json and _SUCCESS; instead of -o."),
    overwrite: bool = typer.Option(False, "--overwrite", help="With --output-dir: use a non-empty directory, removing the parts, manifest and marker of an earlier run first."),
    partition_bytes: int = typer.Option(0, "--partition-bytes", min=0, hidden=True, help="Bytes of SD text per partition (0 = automatic)."),
) -> None:
    """Annotate every record with its 1,4-diazepan-2-one sites; the original record text is kept byte for byte."""
    inputs = list(inputs or [])
    if example:
        inputs.append(str(_example_library()))
    if not inputs:
        raise _usage_error("no INPUT given (a file, '-' for standard input, or --example)")
    if json_detail not in ("compact", "full", "none"):
        raise _usage_error(f"--json-detail {json_detail!r}: choose compact, full or none")
    if output_dir is not None:
        if output is not None:
            raise _usage_error("give either -o/--output or --output-dir, not both")
        if output_dir in ("", "-"):
            raise _usage_error("--output-dir needs a directory name")
    elif overwrite:
        raise _usage_error("--overwrite goes with --output-dir")
    if json_detail == "compact" and legend is None and output_dir is not None:
        from reactivity.batch.parts import LEGEND

        legend = os.path.join(output_dir, LEGEND)
    if json_detail == "compact" and legend is None:
        if output in (None, "-"):
            json_detail = "full"  # standard output has no place for a legend file
        else:
            legend = default_legend_path(output)
    if engine not in ("local", "dask"):
        raise _usage_error(f"--engine {engine!r}: choose local or dask")
    inputs = _expand_globs(inputs)
    _check_inputs(inputs)
    _check_output(output, "output")
    _check_output(errors, "--errors")
    if errors is not None and same_target(output, errors):
        raise _usage_error(f"--errors {errors} is the same file as the output; give two different files")
    if not tag_prefix or not tag_prefix.isascii() or not tag_prefix.isprintable() or any(c in tag_prefix for c in "<> "):
        raise _usage_error(f"--tag-prefix {tag_prefix!r} is not a valid tag name prefix")
    for option, value in (("--ph", ph), ("--temperature", temperature), ("--hours", hours)):
        if not math.isfinite(value):
            raise _usage_error(f"{option} must be a finite number (got {value!r})")
    _check_condition(ph, temperature, hours)  # ranges (pH is used by basicity too)
    _check_number("--record-timeout", record_timeout, 0.0, 1e6)
    _check_number("--max-record-mb", max_record_mb, 0.001, 4096.0)
    try:
        output_format = format_for(output, fmt)
        sources = make_sources(inputs, input_format)
    except (ValueError, ReactivityError) as exc:
        raise _usage_error(str(exc)) from None
    if output_format == "parquet" and output in (None, "-") and output_dir is None:
        raise _usage_error("parquet output needs a file (-o FILE.parquet)")
    try:
        presets = preset_names(conditions)
    except UnknownConditionError as exc:
        raise _usage_error(str(exc)) from None
    has_stability, has_basicity = with_stability, with_basicity
    if presets and not has_stability:
        sys.stderr.write("reactivity annotate: warning: --conditions needs stability scoring (--no-stability given); ignored\n")
    reaction_classes = _reaction_classes(reactions)
    settings = AnnotateSettings(ph=ph, temperature_c=temperature, hours=hours, conditions=presets, tag_prefix=tag_prefix,
                                output_format=output_format, stability=has_stability, basicity=has_basicity,
                                nitrosamine=with_nitrosamine, reactions=reaction_classes)
    columns = tag_names(tag_prefix, presets, has_stability, has_basicity, nitrosamine=with_nitrosamine, reactions=reaction_classes)
    errors_is_table = errors is not None and errors.lower().removesuffix(".gz").endswith((".csv", ".tsv"))
    settings = replace(settings, max_atoms=max_atoms, neutralize_failed_rows=errors_is_table, json_detail=json_detail)
    if json_detail == "none":
        columns = tuple(c for c in columns if c != tag_prefix + "JSON")
    if json_detail == "compact" and legend is not None and not (output_dir is not None and os.path.dirname(legend) == output_dir):
        _check_output(legend, "--legend")
        if same_target(legend, output) or (errors is not None and same_target(legend, errors)):
            raise _usage_error(f"--legend {legend} is the same file as another output")
    limits: dict[str, Any] = {"record_timeout": record_timeout, "header": header,
                              "max_record_bytes": int(max_record_mb * (1 << 20)), "summary": Summary(),
                              "partition_bytes": partition_bytes}
    sink = None
    try:
        with _interruptible():
            legend_about: dict[str, Any] = {}
            if json_detail == "compact" and legend is not None:
                # read now, while the workers start: not after the last record
                legend_about = {"tool_version": __version__, "ruleset_version": ruleset_version(),
                                "rules_digest": rules_digest(),
                                "output": os.path.basename(output or (output_dir or "-").rstrip("/") or "-")}
            if output_format != "sdf":  # table outputs: typed values, the input columns, source, metadata
                columns = _table_columns(columns, sources, settings, smiles_column, limits,
                                         legend if json_detail == "compact" else None)
            if output_dir is not None:
                from reactivity.batch.parts import DirectorySink

                sink = DirectorySink(output_dir, output_format, columns, errors, overwrite)
            else:
                sink = open_sink(output_format, output, columns, errors)
            texts: dict[str, Any] = {}
            target = _LegendCollector(sink, texts)
            if engine == "dask":
                summary = _run_dask(sources, target, settings, jobs, chunk_size, smiles_column, scheduler,
                                    partition_bytes, limits["max_record_bytes"])
                limits["summary"] = summary
            elif progress and sys.stderr.isatty():
                total = sum(s.size or 0 for s in sources) if all(s.size for s in sources) else None
                with _Progress(total) as bar:
                    summary = run_annotation(sources, target, settings, jobs, chunk_size, smiles_column, bar.update, **limits)
            else:
                summary = run_annotation(sources, target, settings, jobs, chunk_size, smiles_column, **limits)
            if json_detail == "compact" and legend is not None:
                write_legend(legend, texts, legend_about)
            if output_dir is not None:
                sink.commit(_manifest_about(sources, settings, engine, jobs, legend if json_detail == "compact" else None))
            else:
                sink.commit()
            sink = None
    except KeyboardInterrupt:
        # Already stopping: a second Ctrl-C or SIGTERM must not cut the clean-up short.
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, signal.SIG_IGN)
        signum = _RECEIVED.get("signal", signal.SIGINT)
        done = sink.records_written if sink is not None else 0
        name = signal.Signals(signum).name
        if output_dir is not None:
            told = f"the parts written to {output_dir} were removed ({done} records had been annotated)"
        elif output in (None, "-"):
            told = f"at least {done} complete records were written to standard output before it"
        else:
            told = f"{output} was not written ({done} records had been annotated)"
        sys.stderr.write(f"reactivity annotate: interrupted by {name}; {told}\n")
        raise typer.Exit(128 + signum) from None
    except BrokenPipeError:
        # The reading end went away (e.g. `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except (ReactivityError, OSError, OutputError) as exc:
        raise _usage_error(error_text(exc)) from None
    finally:
        if sink is not None:
            sink.discard()
    for warning in summary.warnings:
        sys.stderr.write(f"reactivity annotate: warning: {warning}\n")
    if summary.worker_failures:
        sys.stderr.write(f"reactivity annotate: warning: {summary.worker_failures} worker process(es) crashed or were stopped "
                         "by the time limit; the records involved are error records, every other record was annotated\n")
    sys.stderr.write(f"reactivity annotate: {summary.line()}\n")
    if fail_on_error and (summary.errors or summary.truncated):
        if summary.truncated:
            sys.stderr.write("reactivity annotate: an input ended early (truncated or corrupt); --fail-on-error counts it as a failure\n")
        raise typer.Exit(1)

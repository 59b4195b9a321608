"""Small presentation helpers shared by the commands: one-line errors, exit codes, reading the molecule
argument of the single-molecule commands and wrapping terminal text to 80 columns."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import typer

if TYPE_CHECKING:
    from rdkit import Chem

EXIT_OK = 0
EXIT_RECORD_ERRORS = 1
EXIT_USAGE = 2

#: Columns of the human-readable (non-JSON) output.
TERMINAL_WIDTH = 80


def error_text(exc: BaseException) -> str:
    """One line for an error: ``FILE: reason`` for an operating-system error that names a file, else the message.

    >>> error_text(FileNotFoundError(2, "No such file or directory", "lib.sdf"))
    'lib.sdf: No such file or directory'
    """
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


def input_file_problem(name: str) -> str | None:
    """Why an input file name cannot be read (a folder, missing, unreadable), or None when it can.

    >>> input_file_problem("/")
    '/: a folder, not a molecule file'
    >>> input_file_problem("/no/such/lib.sdf")
    '/no/such/lib.sdf: no such file'
    >>> input_file_problem("  ")
    'empty input name: give a file, - for standard input, or (where the command takes one) a SMILES'
    """
    if not name.strip():
        return "empty input name: give a file, - for standard input, or (where the command takes one) a SMILES"
    path = Path(name)
    if path.is_dir():
        return f"{name}: a folder, not a molecule file"
    if not path.is_file():
        return f"{name}: no such file"
    if not os.access(path, os.R_OK):
        return f"{name}: not readable"
    return None


def usage_error(message: str, command: str = "", code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``reactivity: <message>`` (``reactivity COMMAND: <message>`` with ``command``) as one line on
    standard error and return the exit to raise with ``code`` (``raise usage_error(...)``)."""
    warn(message, command)
    return typer.Exit(code)


def warn(message: str, command: str = "") -> None:
    """Print ``reactivity: <message>`` (``reactivity COMMAND: <message>`` with ``command``) as one line on
    standard error, without stopping."""
    first_line = " ".join(str(message).split())
    typer.echo(f"reactivity{' ' + command if command else ''}: {first_line}", err=True)


def fail(message: str, code: int = EXIT_USAGE, command: str = "") -> NoReturn:
    """:func:`usage_error`, raised."""
    raise usage_error(message, command, code)


def wrap_line(line: str, width: int = TERMINAL_WIDTH) -> str:
    """One output line wrapped at word boundaries to ``width`` columns; continuation lines are indented two
    columns deeper than the line's own indentation. Words are never split (a single word longer than the width,
    such as a long SMILES, stays whole on its own line).

    >>> print(wrap_line("  - " + "word " * 20, width=30))
      - word word word word word
        word word word word word
        word word word word word
        word word word word word
    >>> wrap_line("CCCCCCCCCC", width=5)
    'CCCCCCCCCC'
    >>> wrap_line("")
    ''
    """
    stripped = line.lstrip(" ")
    if not stripped.strip():
        return ""
    indent = " " * (len(line) - len(stripped))
    return textwrap.fill(
        stripped.rstrip(),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def wrap_text(text: str, width: int = TERMINAL_WIDTH) -> str:
    """Every line of ``text`` wrapped with :func:`wrap_line` (blank lines kept).

    >>> wrap_text("a b c\\n\\nd", width=3)
    'a b\\n  c\\n\\nd'
    """
    return "\n".join(wrap_line(line, width) for line in text.split("\n"))


def echo_wrapped(text: str) -> None:
    """Print ``text`` on standard output wrapped to :data:`TERMINAL_WIDTH` columns."""
    typer.echo(wrap_text(text))


def _looks_like_a_file(source: str) -> bool:
    """Whether the molecule argument names a file: ``-`` (standard input), a molecule-file ending (``.gz`` allowed),
    or an existing file or folder. A SMILES longer than the file system's name limit is a SMILES, not an error.
    """
    from reactivity.batch.records import input_format

    if source == "-" or input_format(source) is not None:
        return True
    try:
        return Path(source).exists()
    except (OSError, ValueError):  # name too long, NUL byte: not a file name
        return False


def _record_title(block: str) -> str:
    """The first line of a molfile block (its name), stripped."""
    return block.split("\n", 1)[0].strip()


class InputMolecule(NamedTuple):
    """One molecule of a command's argument: its name, the parsed molecule, its 1-based record number in the
    input and whether it came from a file (then JSON results carry ``record`` and ``name``). A record of a file
    that cannot be read has no molecule and says why in ``error``."""

    name: str
    mol: Chem.Mol | None
    number: int = 1
    from_file: bool = False
    error: str | None = None


class RecordFailure(NamedTuple):
    """Why one record of an input file has no result: shown in the record's place in the output."""

    message: str

    def to_dict(self) -> dict[str, str]:
        return {"error": self.message}


def record_label(source: str, record: InputMolecule) -> str:
    """How messages name a record of the input: ``FILE: record N (NAME)``.

    >>> record_label("lib.smi", InputMolecule("aspirin", None, 3, True))
    'lib.smi: record 3 (aspirin)'
    >>> record_label("-", InputMolecule("x", None, 1, True))
    'standard input: record 1 (x)'
    """
    where = "standard input" if source == "-" else source
    return f"{where}: record {record.number} ({record.name})"


def assess_records(records: list[InputMolecule], assess: Callable[[InputMolecule], Any], source: str, *,
                   command: str = "", smiles_error: str = "bad molecule") -> list[tuple[InputMolecule, Any]]:
    """``assess(record)`` for every record, in input order. A record of a file that could not be read, or whose
    assessment raises a :class:`~reactivity.errors.ReactivityError`, gets a :class:`RecordFailure` in its place
    and one line on standard error (``reactivity: FILE: record N (NAME): reason``); the others are still
    answered. A molecule given as a SMILES argument that fails stops the command with exit code 2."""
    from reactivity.errors import MoleculeParseError, ReactivityError

    results: list[tuple[InputMolecule, Any]] = []
    for record in records:
        reason = record.error
        if reason is None:
            try:
                results.append((record, assess(record)))
                continue
            except ReactivityError as exc:
                if not record.from_file:
                    fail(f"{smiles_error}: {exc}" if isinstance(exc, MoleculeParseError) else str(exc), command=command)
                reason = str(exc)
        warn(f"{record_label(source, record)}: {reason}", command)
        results.append((record, RecordFailure(reason)))
    return results


def exit_if_failures(results: list[tuple[InputMolecule, Any]]) -> None:
    """Exit with code 1 after the output when a record had no result (each was reported on standard error)."""
    if any(isinstance(result, RecordFailure) for _, result in results):
        raise typer.Exit(EXIT_RECORD_ERRORS)


def read_molecules(source: str, *, command: str = "", smiles_error: str = "bad molecule") -> list[InputMolecule]:
    """The molecules of a single-molecule command's argument, as ``(name, mol, number, from_file)`` in input order.

    ``source`` is a SMILES, a molfile (``.mol``), an SD file (``.sdf``/``.sd``, one or more records), a SMILES
    file (``.smi``/``.smiles``, one SMILES per line, optionally followed by a name; ``#`` lines skipped) or a
    CSV/TSV table with a SMILES column, each optionally gzipped (``.sdf.gz``), or ``-`` for standard input. A file
    is read by the annotation's own reader (:mod:`reactivity.batch.records`: gzip found by its magic bytes,
    UTF-16 refused, SD records split at ``$$$$``, table columns detected); the format comes from the file name or,
    for standard input and unknown endings, is sniffed from the first bytes as ``reactivity annotate`` does (a
    molfile or SD text, a CSV/TSV table, else SMILES lines). Every record is read with :mod:`reactivity.molecule`'s
    quiet parsing; a record that cannot be read keeps its place with the reason in ``error`` (the commands report it
    with :func:`assess_records` and go on with the others). A bad SMILES argument stops the command with
    ``reactivity: <smiles_error>: reason`` and exit code 2 (``command`` goes after ``reactivity`` for commands that
    name themselves in their messages). A SMILES is named by itself; a record by its title line (or ``record N``
    when it has none).

    >>> [(record.name, record.mol.GetNumAtoms(), record.from_file) for record in read_molecules("O=C1CNCCCN1")]
    [('O=C1CNCCCN1', 8, False)]
    """
    from reactivity.errors import MoleculeParseError
    from reactivity.molecule import mol_from_smiles

    if not _looks_like_a_file(source):
        try:
            return [InputMolecule(source.strip(), mol_from_smiles(source))]
        except MoleculeParseError as exc:
            fail(f"{smiles_error}: {exc}", command=command)
    shown = "standard input" if source == "-" else source if len(source) <= 60 else source[:57] + "..."
    if source != "-":
        try:
            problem = input_file_problem(source)
            if problem is not None:
                fail(problem.replace(source, shown), command=command)
        except OSError as exc:  # name too long, permission denied, ...
            fail(f"cannot read {shown}: {exc.strerror or exc}", command=command)
    molecules = _read_file(source, shown, command)
    if not molecules:
        fail(f"no molecule in {shown}", command=command)
    return molecules


def _read_file(source: str, shown: str, command: str) -> list[InputMolecule]:
    """Every molecule of a file or of standard input (``-``), read with the annotation's reader."""
    from reactivity.batch.records import (
        InputError,
        OversizedRecord,
        input_format,
        iter_sd_records,
        open_input,
        peek_table,
        sniff_format,
    )
    from reactivity.errors import MoleculeParseError
    from reactivity.molecule import mol_from_molblock, mol_from_smiles

    where = "standard input" if source == "-" else source
    try:
        stream = open_input(source)
    except (InputError, OSError) as exc:
        fail(f"cannot read {shown}: {exc}" if isinstance(exc, OSError) else str(exc), command=command)
    warnings: list[str] = []
    try:
        fmt = (input_format(source) if source != "-" else None) or sniff_format(stream.head)  # type: ignore[attr-defined]
        if fmt == "sdf":
            records: list[bytes] = [r.raw for r in iter_sd_records(stream, warnings)]
        else:
            layout, rows = peek_table(stream, source, None, warnings, fmt=fmt)
            records = list(rows)
    except InputError as exc:
        fail(str(exc), command=command)
    finally:
        if source != "-":
            stream.close()
    broken = [w for w in warnings if w.startswith("input ends early")]
    if broken:  # a cut gzip stream: refuse rather than answer for part of the input
        fail(f"{where}: {broken[0]}", command=command)
    molecules: list[InputMolecule] = []
    number = 0
    for raw in records:
        if fmt == "sdf":
            text = raw.decode("utf-8", errors="replace")
            if not text.strip():
                continue
            number += 1
            name = _record_title(text) or f"record {number}"
        else:
            cells = layout.split(raw) if not isinstance(raw, OversizedRecord) else []
            text = cells[layout.smiles_index].strip() if layout.smiles_index < len(cells) else ""
            if fmt == "smi" and text.startswith("#"):
                continue  # a comment line of a SMILES file
            number += 1
            name = cells[layout.name_index].strip() if layout.name_index is not None and layout.name_index < len(cells) else ""
            name = name or text or f"record {number}"
        if isinstance(raw, OversizedRecord):
            molecules.append(InputMolecule(name, None, number, True, raw.reason))
            continue
        try:
            mol = mol_from_molblock(text) if fmt == "sdf" else mol_from_smiles(text)
        except MoleculeParseError as exc:
            molecules.append(InputMolecule(name, None, number, True, str(exc)))
            continue
        molecules.append(InputMolecule(name, mol, number, True))
    return molecules


def record_header(name: str, number: int, total: int) -> str:
    """The line introducing one record's text output when the input had several records.

    >>> record_header("diazepam", 2, 3)
    '== record 2 of 3: diazepam =='
    """
    return f"== record {number} of {total}: {name} =="


def record_payload(record: InputMolecule, payload: dict[str, Any]) -> dict[str, Any]:
    """A record's JSON result; a molecule read from a file is labelled with its record number and name first.

    >>> record_payload(InputMolecule("x", None), {"a": 1})
    {'a': 1}
    >>> record_payload(InputMolecule("x", None, 2, True), {"a": 1})
    {'record': 2, 'name': 'x', 'a': 1}
    """
    if not record.from_file:
        return payload
    return {"record": record.number, "name": record.name, **payload}


def echo_json(payloads: list[dict[str, Any]]) -> None:
    """One JSON object for one record (as for a single SMILES), a JSON list for several records."""
    import json

    typer.echo(json.dumps(payloads[0] if len(payloads) == 1 else payloads, indent=2))


def show_results(results: list[tuple[InputMolecule, Any]], as_json: bool, print_human: Callable[[Any], None],
                 to_json: Callable[[Any], dict[str, Any]] | None = None) -> None:
    """Every record's result: JSON (``to_json(result)``, by default ``result.to_dict()``, labelled by
    :func:`record_payload`), or the human text of each, under :func:`record_header` lines when there are several
    records. A :class:`RecordFailure` is shown as ``{"error": reason}`` (JSON) or ``error: reason`` in the record's
    place; then the command exits with code 1."""
    if as_json:
        echo_json([record_payload(record, result.to_dict() if to_json is None or isinstance(result, RecordFailure)
                                  else to_json(result)) for record, result in results])
    else:
        for record, result in results:
            if len(results) > 1:
                echo_wrapped(("\n" if record.number > 1 else "") + record_header(record.name, record.number, len(results)))
            if isinstance(result, RecordFailure):
                echo_wrapped(f"error: {result.message}")
            else:
                print_human(result)
    exit_if_failures(results)


def refuse_several(records: list[InputMolecule], option: str, source: str) -> None:
    """Exit 2 when an option that draws or writes one molecule (``--svg``, ``--plot``) meets several records."""
    if len(records) > 1:
        fail(f"{option} draws one molecule; {source} has {len(records)} records")

"""Small presentation helpers shared by the commands: one-line errors, exit codes, reading the molecule
argument of the single-molecule commands and wrapping terminal text to 80 columns."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import typer

if TYPE_CHECKING:
    from rdkit import Chem

EXIT_OK = 0
EXIT_RECORD_ERRORS = 1
EXIT_USAGE = 2

#: Columns of the human-readable (non-JSON) output.
TERMINAL_WIDTH = 80

#: File name endings read as molecule files by :func:`read_molecules` (anything else is a file only if it exists).
SD_SUFFIXES = (".sdf", ".sd", ".mol")
SMILES_SUFFIXES = (".smi", ".smiles")

_RECORD_END = re.compile(r"^\$\$\$\$[ \t]*\r?(?:\n|$)", re.MULTILINE)


def fail(message: str, code: int = EXIT_USAGE, command: str = "") -> NoReturn:
    """Print ``reactivity: <message>`` (``reactivity COMMAND: <message>`` with ``command``) as one line on
    standard error and exit with ``code``."""
    first_line = " ".join(str(message).split())
    typer.echo(f"reactivity{' ' + command if command else ''}: {first_line}", err=True)
    raise typer.Exit(code)


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
    """Whether the molecule argument names a file: a molecule-file ending, or an existing file or folder.

    A SMILES longer than the file system's name limit is a SMILES, not an error.
    """
    if source.lower().endswith(SD_SUFFIXES + SMILES_SUFFIXES):
        return True
    try:
        return Path(source).exists()
    except (OSError, ValueError):  # name too long, NUL byte: not a file name
        return False


def _sd_records(text: str) -> list[str]:
    """The molfile blocks of an SD text (records split at ``$$$$`` lines, blank trailing parts dropped)."""
    return [block for block in _RECORD_END.split(text) if block.strip()]


def _record_title(block: str) -> str:
    """The first line of a molfile block (its name), stripped."""
    return block.split("\n", 1)[0].strip()


class InputMolecule(NamedTuple):
    """One molecule of a command's argument: its name, the parsed molecule, its 1-based record number in the
    input and whether it came from a file (then JSON results carry ``record`` and ``name``)."""

    name: str
    mol: Chem.Mol
    number: int = 1
    from_file: bool = False


def read_molecules(source: str, *, command: str = "", smiles_error: str = "bad molecule") -> list[InputMolecule]:
    """The molecules of a single-molecule command's argument, as ``(name, mol, number, from_file)`` in input order.

    ``source`` is a SMILES, a molfile (``.mol``), an SD file (``.sdf``/``.sd``, one or more records) or a SMILES
    file (``.smi``/``.smiles``, one SMILES per line, optionally followed by a name). Every record is read with
    :mod:`reactivity.molecule`'s quiet parsing before any result is printed; a bad record stops the command with
    a one-line ``reactivity: FILE: record N (NAME): reason`` and exit code 2 (a bad SMILES argument:
    ``reactivity: <smiles_error>: reason``; ``command`` goes after ``reactivity`` for commands that name
    themselves in their messages). A SMILES is named by itself; a record by its title line (or ``record N`` when
    it has none).

    >>> [(record.name, record.mol.GetNumAtoms(), record.from_file) for record in read_molecules("O=C1CNCCCN1")]
    [('O=C1CNCCCN1', 8, False)]
    """
    from reactivity.errors import MoleculeParseError
    from reactivity.molecule import mol_from_molblock, mol_from_smiles

    if not _looks_like_a_file(source):
        try:
            return [InputMolecule(source.strip(), mol_from_smiles(source))]
        except MoleculeParseError as exc:
            fail(f"{smiles_error}: {exc}", command=command)
    path = Path(source)
    shown = source if len(source) <= 60 else source[:57] + "..."
    try:
        if path.is_dir():
            fail(f"{shown} is a folder, not a molecule file", command=command)
        if not path.is_file():
            fail(f"no such file: {shown}", command=command)
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:  # name too long, permission denied, ...
        fail(f"cannot read {shown}: {exc.strerror or exc}", command=command)
    molecules: list[InputMolecule] = []
    if path.suffix.lower() in SMILES_SUFFIXES:
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        for number, line in enumerate(lines, start=1):
            parts = line.split(maxsplit=1)
            name = parts[1] if len(parts) > 1 else parts[0]
            try:
                molecules.append(InputMolecule(name, mol_from_smiles(parts[0]), number, True))
            except MoleculeParseError as exc:
                fail(f"{source}: record {number} ({name}): {exc}", command=command)
    else:
        for number, block in enumerate(_sd_records(text), start=1):
            name = _record_title(block) or f"record {number}"
            try:
                molecules.append(InputMolecule(name, mol_from_molblock(block), number, True))
            except MoleculeParseError as exc:
                fail(f"{source}: record {number} ({name}): {exc}", command=command)
    if not molecules:
        fail(f"no molecule in {source}", command=command)
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


def refuse_several(records: list[InputMolecule], option: str, source: str) -> None:
    """Exit 2 when an option that draws or writes one molecule (``--svg``, ``--plot``) meets several records."""
    if len(records) > 1:
        fail(f"{option} draws one molecule; {source} has {len(records)} records")

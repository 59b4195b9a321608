"""Raw record splitting: SD files and SMILES tables, bytes in, bytes out.

An SD record is everything between two ``$$$$`` lines, kept as the exact
bytes that were read (CRLF, LF or CR-only line endings, non-UTF-8 bytes and
all). Nothing here decodes and re-encodes record text: the writer copies
these bytes unchanged.

>>> import io
>>> data = b"a\\n\\n\\n  0  0  0  0  0  0  0  0  0  0999 V2000\\nM  END\\n$$$$\\nb\\r\\nM  END\\r\\n"
>>> [r.raw for r in iter_sd_records(io.BytesIO(data))]
[b'a\\n\\n\\n  0  0  0  0  0  0  0  0  0  0999 V2000\\nM  END\\n', b'b\\r\\nM  END\\r\\n']
>>> [r.newline for r in iter_sd_records(io.BytesIO(data))]
[b'\\n', b'\\r\\n']
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from rdkit import Chem, rdBase

from ..errors import ReactivityError

SD_SUFFIXES = (".sdf", ".sd", ".mol")
TABLE_SUFFIXES = (".smi", ".smiles", ".csv", ".tsv")
BLOCK_SIZE = 1 << 20

_SMILES_HEADERS = ("smiles", "canonical_smiles", "isomeric_smiles", "smi", "canonicalsmiles", "structure", "mol_smiles")
_NAME_HEADERS = ("name", "id", "title", "compound_id", "molecule_name", "mol_id", "cid", "chembl_id", "identifier", "molname")


class InputError(ReactivityError):
    """An input cannot be read at all (missing file, no SMILES column, unknown type)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record exactly as read: ``raw`` bytes and the line ending it uses."""

    raw: bytes
    newline: bytes


@dataclass(frozen=True, slots=True)
class TableLayout:
    """How to read the rows of a SMILES table.

    ``delimiter`` is None for whitespace-separated ``.smi`` files.
    ``columns`` are the header names (or generated ``column_<n>`` names).
    """

    delimiter: str | None
    columns: tuple[str, ...]
    smiles_index: int
    name_index: int | None
    header: bytes = b""

    def split(self, row: bytes) -> list[str]:
        """Split one raw row into its cells (decoded as UTF-8, bad bytes replaced).

        >>> TableLayout(",", ("smiles", "name"), 0, 1).split(b'CCO,"ethanol, dry"\\n')
        ['CCO', 'ethanol, dry']
        >>> TableLayout(None, ("smiles", "name"), 0, 1).split(b"CCO  ethanol 96%\\n")
        ['CCO', 'ethanol 96%']
        """
        text = row.decode("utf-8", "replace").rstrip("\r\n")
        if self.delimiter is None:
            parts = text.split(None, 1)
            return [p.strip() for p in parts]
        return next(csv.reader([text], delimiter=self.delimiter), [])


@dataclass
class InputSource:
    """One input: a path (or ``-`` for standard input) and what kind of records it holds."""

    name: str
    kind: Literal["sd", "table"]
    size: int | None = None
    warnings: list[str] = field(default_factory=list)


def input_kind(name: str) -> Literal["sd", "table"]:
    """The record kind of an input from its file name (``.gz`` ignored); ``-`` is SD.

    >>> input_kind("lib.sdf.gz"), input_kind("hits.csv"), input_kind("-")
    ('sd', 'table', 'sd')
    """
    if name == "-":
        return "sd"
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith(SD_SUFFIXES):
        return "sd"
    if lower.endswith(TABLE_SUFFIXES):
        return "table"
    raise InputError(f"{name}: unknown input type (expected {', '.join(SD_SUFFIXES + TABLE_SUFFIXES)}, optionally .gz)")


def open_input(name: str) -> BinaryIO:
    """Open an input for binary reading, un-gzipping when the data start with the gzip magic bytes."""
    if name == "-":
        raw: BinaryIO = sys.stdin.buffer
    else:
        try:
            raw = open(name, "rb")
        except OSError as exc:
            raise InputError(f"{name}: {exc.strerror or exc}") from None
    peek = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if peek == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def read_blocks(stream: BinaryIO, warnings: list[str] | None = None, block_size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """Read a stream in blocks; a truncated or corrupt gzip stream ends the data with a warning.

    >>> list(read_blocks(io.BytesIO(b"abc"), block_size=2))
    [b'ab', b'c']
    """
    # read1 returns what one decompression step gives, so a truncated gzip stream
    # loses nothing before the point where it breaks.
    read = getattr(stream, "read1", stream.read)
    while True:
        try:
            block = read(block_size)
        except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
            if warnings is not None:
                warnings.append(f"input ends early ({type(exc).__name__}: {exc}); records up to that point were kept")
            return
        if not block:
            return
        yield block


def first_line_break(record: bytes) -> tuple[int, bytes]:
    """Position and bytes of the first line ending (CRLF, CR or LF); ``(-1, b"\\n")`` when there is none.

    Two ``bytes.find`` calls instead of a regular-expression search: this runs twice for every record.

    >>> first_line_break(b"a\\r\\nb"), first_line_break(b"ab\\rc\\n"), first_line_break(b"a\\nb\\r"), first_line_break(b"a")
    ((1, b'\\r\\n'), (2, b'\\r'), (1, b'\\n'), (-1, b'\\n'))
    """
    lf = record.find(b"\n")
    cr = record.find(b"\r", 0, lf) if lf >= 0 else record.find(b"\r")
    if cr >= 0:
        return cr, (b"\r\n" if cr + 1 == lf else b"\r")
    return lf, b"\n"


def newline_of(record: bytes) -> bytes:
    """The first line ending used in a record (LF when it has none).

    >>> newline_of(b"a\\r\\nb"), newline_of(b"a\\rb"), newline_of(b"a")
    (b'\\r\\n', b'\\r', b'\\n')
    """
    return first_line_break(record)[1]


def iter_sd_records(
    stream: BinaryIO, warnings: list[str] | None = None, block_size: int = BLOCK_SIZE
) -> Iterator[RawRecord]:
    """Split an SD stream into raw records (the bytes before each ``$$$$`` line).

    A record between two ``$$$$`` lines that holds only blank lines is still a
    record (an empty one); blank space after the last ``$$$$`` is not. A last
    record without ``$$$$`` is kept.

    >>> data = b"x\\rM  END\\r$$$$\\r\\r$$$$\\rlast\\n"
    >>> [r.raw for r in iter_sd_records(io.BytesIO(data), block_size=3)]
    [b'x\\rM  END\\r', b'\\r', b'last\\n']
    >>> [r.raw for r in iter_sd_records(io.BytesIO(b"a\\n$$$$\\n\\n \\n"))]
    [b'a\\n']
    """
    pending = b""
    blocks = read_blocks(stream, warnings, block_size)
    eof = False
    while not eof:
        block = next(blocks, None)
        if block is None:
            eof = True
            end = len(pending)
        else:
            pending += block
            # Only complete lines are searched; a CR at the very end may be half of a CRLF.
            end = max(pending.rfind(b"\n"), pending.rfind(b"\r", 0, len(pending) - 1)) + 1
            if end == 0:
                continue
        start = 0
        for record_end, next_start, terminator in _separators(pending, end):
            record = pending[start:record_end]
            yield RawRecord(record, newline_of(record) if record.strip() else (terminator or b"\n"))
            start = next_start
        pending = pending[start:]
    if pending.strip():
        yield RawRecord(pending, newline_of(pending))


def _separators(data: bytes, end: int) -> Iterator[tuple[int, int, bytes]]:
    """``(start, end, terminator)`` of each ``$$$$`` line in ``data[:end]``; ``data`` begins at a line start.

    >>> list(_separators(b"a\\n$$$$ \\r\\nx$$$$\\n$$$$", 19))
    [(2, 9, b'\\r\\n'), (15, 19, b'')]
    """
    position = data.find(b"$$$$", 0, end)
    while position >= 0:
        if position == 0 or data[position - 1] in (10, 13):
            cursor = position + 4
            while cursor < end and data[cursor] in (32, 9):
                cursor += 1
            if cursor >= end:
                yield position, end, b""
                return
            byte = data[cursor]
            if byte == 13:
                terminator = b"\r\n" if cursor + 1 < end and data[cursor + 1] == 10 else b"\r"
                yield position, cursor + len(terminator), terminator
                position = cursor + len(terminator)
            elif byte == 10:
                yield position, cursor + 1, b"\n"
                position = cursor + 1
            else:
                position = cursor
        else:
            position += 4
        position = data.find(b"$$$$", position, end)


def iter_table_rows(
    stream: BinaryIO, warnings: list[str] | None = None, block_size: int = BLOCK_SIZE
) -> Iterator[bytes]:
    """Split a table into raw rows (line ending included); a quoted cell may span lines.

    >>> list(iter_table_rows(io.BytesIO(b'a,b\\r\\n"x\\ny",1\\nlast')))
    [b'a,b\\r\\n', b'"x\\ny",1\\n', b'last']
    """
    pending = b""
    row = b""
    for block in read_blocks(stream, warnings, block_size):
        pending += block
        lines = pending.splitlines(keepends=True)
        # The last piece may be incomplete (or a lone CR before LF): keep it for the next block.
        pending = lines.pop() if lines else b""
        for line in lines:
            row += line
            if row.count(b'"') % 2 == 0:
                yield row
                row = b""
    row += pending
    if row:
        yield row


def _parses_as_smiles(text: str) -> bool:
    if not text or " " in text.strip():
        return False
    with rdBase.BlockLogs():
        return Chem.MolFromSmiles(text.strip(), sanitize=False) is not None


def detect_table_layout(name: str, head_rows: list[bytes], smiles_column: str | None = None) -> TableLayout:
    """Find the delimiter, the header, the SMILES column and the name column of a table.

    ``smiles_column`` (a header name or a 1-based number) overrides detection.

    >>> layout = detect_table_layout("x.csv", [b"ID,Canonical_SMILES\\n", b"a1,CCO\\n"])
    >>> layout.smiles_index, layout.name_index, layout.columns
    (1, 0, ('ID', 'Canonical_SMILES'))
    >>> detect_table_layout("x.smi", [b"c1ccccc1 benzene\\n"]).columns
    ('smiles', 'name')
    """
    lower = name.lower().removesuffix(".gz")
    if not head_rows:
        return TableLayout("," if lower.endswith(".csv") else None, ("smiles", "name"), 0, 1)
    delimiter: str | None
    if lower.endswith(".csv"):
        delimiter = ","
    elif lower.endswith(".tsv"):
        delimiter = "\t"
    else:
        first = head_rows[0].decode("utf-8", "replace")
        delimiter = "\t" if "\t" in first else ("," if "," in first and not lower.endswith((".smi", ".smiles")) else None)
    probe = TableLayout(delimiter, (), 0, None)
    rows = [probe.split(r) for r in head_rows if r.strip()]
    first_row = rows[0] if rows else []
    has_header = delimiter is not None and not lower.endswith((".smi", ".smiles"))
    if not has_header:
        # A .smi header line holds a word such as "smiles" where a structure should be.
        has_header = bool(first_row) and (
            first_row[0].strip().lower() in _SMILES_HEADERS or not _parses_as_smiles(first_row[0])
        ) and any(_parses_as_smiles(r[0]) for r in rows[1:] if r)
    if has_header:
        columns = tuple(c.strip() for c in first_row)
        data = rows[1:]
        header = head_rows[0]
    else:
        width = max((len(r) for r in rows), default=2)
        columns = ("smiles", "name") if delimiter is None else tuple(f"column_{i + 1}" for i in range(width))
        data = rows
        header = b""
    lowered = [c.lower() for c in columns]
    smiles_index: int | None = None
    if smiles_column is not None:
        if smiles_column.isdigit() and 1 <= int(smiles_column) <= len(columns):
            smiles_index = int(smiles_column) - 1
        elif smiles_column.lower() in lowered:
            smiles_index = lowered.index(smiles_column.lower())
        else:
            raise InputError(f"{name}: no column named {smiles_column!r} (columns: {', '.join(columns)})")
    else:
        for candidate in _SMILES_HEADERS:
            if candidate in lowered:
                smiles_index = lowered.index(candidate)
                break
        if smiles_index is None:
            smiles_index = next((i for i, c in enumerate(lowered) if "smiles" in c), None)
        if smiles_index is None and data:
            scores = [sum(_parses_as_smiles(r[i]) for r in data[:20] if i < len(r)) for i in range(len(columns))]
            best = max(range(len(columns)), key=lambda i: scores[i])
            if scores[best] * 2 > min(len(data), 20):
                smiles_index = best
        if smiles_index is None:
            raise InputError(f"{name}: no SMILES column found; name it with --smiles-column")
    name_index = next((lowered.index(c) for c in _NAME_HEADERS if c in lowered and lowered.index(c) != smiles_index), None)
    if name_index is None and delimiter is None and len(columns) > 1:
        name_index = 1 if smiles_index == 0 else 0
    return TableLayout(delimiter, columns, smiles_index, name_index, header)


def peek_table(stream: BinaryIO, name: str, smiles_column: str | None, warnings: list[str]) -> tuple[TableLayout, Iterator[bytes]]:
    """Detect a table's layout from its first rows; return it with an iterator over the data rows."""
    rows = iter_table_rows(stream, warnings)
    head: list[bytes] = []
    for row in rows:
        head.append(row)
        if len(head) >= 21:
            break
    layout = detect_table_layout(name, head, smiles_column)

    def data_rows() -> Iterator[bytes]:
        for i, row in enumerate(head):
            if i == 0 and layout.header:
                continue
            if row.strip():
                yield row
        for row in rows:
            if row.strip():
                yield row

    return layout, data_rows()


def input_size(name: str) -> int | None:
    """The byte size of a plain (not gzipped, not standard input) file, for progress ETA."""
    if name == "-" or name.lower().endswith(".gz"):
        return None
    try:
        return Path(name).stat().st_size
    except OSError:
        return None


__all__ = [
    "InputError",
    "InputSource",
    "RawRecord",
    "TableLayout",
    "detect_table_layout",
    "input_kind",
    "input_size",
    "iter_sd_records",
    "iter_table_rows",
    "open_input",
    "peek_table",
    "read_blocks",
]

# Keep io imported for the doctests above.
_ = io

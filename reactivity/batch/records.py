"""Raw record splitting: SD files and SMILES tables, bytes in, bytes out.

An SD record is everything between two ``$$$$`` lines, kept as the exact
bytes that were read (CRLF, LF or CR-only line endings, non-UTF-8 bytes and
all). Nothing here decodes and re-encodes record text: the writer copies
these bytes unchanged.

Splitting is linear in the input and memory stays bounded whatever the input
holds: a record (or table row) larger than ``max_bytes`` is not kept; it comes
out as an :class:`OversizedRecord` (a placeholder that the annotation turns
into an ``error`` record with the reason) and reading goes on after it.

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
import re
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
INPUT_FORMATS = ("sdf", "smi", "csv", "tsv")
BLOCK_SIZE = 1 << 20
#: Largest record (SD) or row (table) that is read, in bytes; a larger one becomes an error record.
MAX_RECORD_BYTES = 16 << 20
#: A quoted CSV cell may hold line breaks, but a row that runs over this many lines is taken as an
#: unclosed quote and read again line by line.
MAX_ROW_LINES = 1000

_SMILES_HEADERS = ("smiles", "canonical_smiles", "isomeric_smiles", "smi", "canonicalsmiles", "structure", "mol_smiles")
_NAME_HEADERS = ("name", "id", "title", "compound_id", "molecule_name", "mol_id", "cid", "chembl_id", "identifier", "molname")
#: Cell values that make a first row a header (case-insensitive): the names above and a few more column names.
_HEADER_WORDS = frozenset(
    _SMILES_HEADERS + _NAME_HEADERS
    + ("compound", "compound_name", "molecule", "mol", "cmpd", "cmpd_id", "regno", "inchikey", "inchi", "formula", "mw")
)

# The csv module refuses cells over 131,072 characters by default (long peptide or polymer SMILES).
csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES * 4))


class InputError(ReactivityError):
    """An input cannot be read at all (missing file, no SMILES column, unknown type, UTF-16 text)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record exactly as read: ``raw`` bytes and the line ending it uses."""

    raw: bytes
    newline: bytes


class OversizedRecord(bytes):
    """Stands for a record or row larger than the size limit, which was skipped without being kept.

    Its bytes are a placeholder (for SD input: the record's first line as title
    and an empty molblock; for a table row: an empty row); ``reason`` says why.
    It is a ``bytes`` so every consumer of raw records can pass it along.

    >>> record = OversizedRecord(b"big\\n", "record of 20000000 bytes")
    >>> record.reason, bytes(record)
    ('record of 20000000 bytes', b'big\\n')
    """

    reason: str

    def __new__(cls, value: bytes, reason: str) -> OversizedRecord:
        record = super().__new__(cls, value)
        record.reason = reason
        return record

    def __reduce__(self) -> tuple[type, tuple[bytes, str]]:
        return (OversizedRecord, (bytes(self), self.reason))


def _size_text(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{size} bytes"


_PLACEHOLDER = "{title}{nl}  reactivity{nl}{nl}  0  0  0  0  0  0  0  0  0  0999 V2000{nl}M  END{nl}"


def _oversized_sd(head: bytes, size: int, limit: int, m_end_lines: int) -> RawRecord:
    """The placeholder of an SD record over the limit: its title (first line) and an empty molblock."""
    end, newline = first_line_break(head)
    title = (head[:end] if end >= 0 else head[:80])[:200]
    if title.startswith(b"$$$$"):
        title = b" " + title
    reason = f"record of {_size_text(size)} is larger than the {_size_text(limit)} limit; not annotated and not copied"
    if m_end_lines > 1:
        reason += f" (it holds {m_end_lines} 'M  END' lines: concatenated molfiles without '$$$$' between them?)"
    value = _PLACEHOLDER.format(title=title.decode("latin-1"), nl=newline.decode()).encode("latin-1")
    return RawRecord(OversizedRecord(value, reason), newline)


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

        In a ``.smi`` row the SMILES ends at the first blank and the rest of the
        line is the name; quotes are ordinary characters there. Delimited rows
        are read by the csv parser (a quote opens a quoted cell only at the
        start of a cell, as in RFC 4180). A row the csv parser rejects raises
        :class:`csv.Error`.

        >>> TableLayout(",", ("smiles", "name"), 0, 1).split(b'CCO,"ethanol, dry"\\n')
        ['CCO', 'ethanol, dry']
        >>> TableLayout(None, ("smiles", "name"), 0, 1).split(b'CCO  5" tube, 96%\\n')
        ['CCO', '5" tube, 96%']
        >>> TableLayout(",", ("smiles", "name"), 0, 1).split(b'CCO,5" tube\\r\\n')
        ['CCO', '5" tube']
        """
        text = row.decode("utf-8", "replace")
        if text.endswith("\n"):
            text = text[:-2] if text.endswith("\r\n") else text[:-1]
        elif text.endswith("\r"):
            text = text[:-1]
        if self.delimiter is None:
            return [p.strip() for p in text.strip().split(None, 1)]
        if "\x00" in text:
            text = text.replace("\x00", "\ufffd")
        return next(csv.reader([text], delimiter=self.delimiter, strict=False), [])


@dataclass
class InputSource:
    """One input: a path (or ``-`` for standard input), what kind of records it holds and its format.

    ``format`` is ``sdf``, ``smi``, ``csv`` or ``tsv``; for standard input
    without ``--input-format`` it is None and sniffed from the first bytes.
    """

    name: str
    kind: Literal["sd", "table"]
    size: int | None = None
    warnings: list[str] = field(default_factory=list)
    format: str | None = None


def input_format(name: str) -> str | None:
    """The input format from a file name (``.gz`` ignored); None when the extension is not known.

    >>> input_format("lib.SDF.gz"), input_format("hits.smiles"), input_format("x.tsv"), input_format("x.txt")
    ('sdf', 'smi', 'tsv', None)
    """
    lower = name.lower().removesuffix(".gz")
    if lower.endswith(SD_SUFFIXES):
        return "sdf"
    if lower.endswith((".smi", ".smiles")):
        return "smi"
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".tsv"):
        return "tsv"
    return None


def input_kind(name: str) -> Literal["sd", "table"]:
    """The record kind of an input from its file name (``.gz`` ignored); ``-`` is SD.

    >>> input_kind("lib.sdf.gz"), input_kind("hits.csv"), input_kind("-")
    ('sd', 'table', 'sd')
    """
    if name == "-":
        return "sd"
    fmt = input_format(name)
    if fmt is None:
        raise InputError(f"{name}: unknown input type (expected {', '.join(SD_SUFFIXES + TABLE_SUFFIXES)}, optionally .gz; or give --input-format)")
    return "sd" if fmt == "sdf" else "table"


def sniff_format(head: bytes) -> str:
    """Guess the format of an input from its first bytes: SD, tab- or comma-separated table, or SMILES lines.

    SD when a molfile marker (``M  END``, ``V2000``, ``V3000``) or a ``$$$$``
    line appears; otherwise a table: ``tsv`` when the first line holds a tab,
    ``csv`` when it holds a comma, else ``smi``.

    >>> sniff_format(b"O=C1CNCCCN1 parent\\n"), sniff_format(b"smiles,name\\nCCO,e\\n"), sniff_format(b"a\\tb\\n")
    ('smi', 'csv', 'tsv')
    >>> sniff_format(b"x\\n  RDKit\\n\\n  1  0  0  0  0  0  0  0  0  0999 V2000\\n")
    'sdf'
    """
    if b"M  END" in head or b"V2000" in head or b"V3000" in head or re.search(rb"(^|[\r\n])\$\$\$\$", head):
        return "sdf"
    end = first_line_break(head)[0]
    first = head[:end] if end >= 0 else head
    if b"\t" in first:
        return "tsv"
    if b"," in first:
        return "csv"
    return "smi"


class _Prefixed(io.RawIOBase):
    """A binary stream that gives ``head`` first, then the rest of ``stream`` (after a look at the first bytes)."""

    def __init__(self, head: bytes, stream: BinaryIO, error: Exception | None = None):
        super().__init__()
        self._head = head
        self._first = head
        self._stream = stream
        self._error = error  # a broken stream found while reading the head: raised once the head has been read
        self.touched = False  # something was read (beyond a look at the head)
        self.at_eof = False  # the head holds the whole stream (known after :meth:`prefetch`)

    @property
    def head(self) -> bytes:
        """The first bytes of the stream (4 KB, or more after :meth:`prefetch`), read when it was opened."""
        return self._first

    def prefetch(self, size: int, lines: int) -> bytes:
        """Read more of the stream into the head, before anything is read: until it holds ``lines`` line feeds,
        ``size`` bytes or the whole stream. Returns the head; nothing is lost for the readers that follow.

        >>> stream = _Prefixed(b"a\\n", io.BytesIO(b"b\\nc\\nd\\n"))
        >>> stream.prefetch(4, 100), stream.at_eof, stream.read()
        (b'a\\nb\\n', False, b'a\\nb\\nc\\nd\\n')
        """
        if self.touched:
            raise ValueError("prefetch after a read")
        parts = [self._first]
        total, breaks = len(self._first), self._first.count(b"\n")
        read = getattr(self._stream, "read1", self._stream.read)
        while total < size and breaks < lines and self._error is None:
            try:
                block = read(min(BLOCK_SIZE, size - total))
            except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
                self._error = exc  # raised after the head, where read_blocks reports it
                break
            if not block:
                self.at_eof = True
                break
            parts.append(block)
            total += len(block)
            breaks += block.count(b"\n")
        self._first = self._head = b"".join(parts)
        return self._first

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        self.touched = True
        if self._head:
            if size < 0 or size >= len(self._head):
                data, self._head = self._head, b""
            else:
                data, self._head = self._head[:size], self._head[size:]
            return data
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        read = getattr(self._stream, "read1", self._stream.read)
        return read(size if size >= 0 else BLOCK_SIZE)

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        if size is None or size < 0:
            return self.read1(-1) + self._stream.read()
        return self.read1(size)

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._stream is not getattr(sys.stdin, "buffer", None):
            self._stream.close()
        super().close()


_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)", "UTF-32BE"),
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)", "UTF-32LE"),
    (b"\xfe\xff", "UTF-16 (big-endian)", "UTF-16BE"),
    (b"\xff\xfe", "UTF-16 (little-endian)", "UTF-16LE"),
)


def check_encoding(name: str, head: bytes) -> None:
    """Refuse UTF-16/UTF-32 text (byte-order mark, or every other byte zero) with a clear message.

    The records are copied byte for byte, so the text is not re-encoded here.

    >>> check_encoding("x.sdf", "caf\\u00e9\\n".encode("utf-16"))
    Traceback (most recent call last):
    ...
    reactivity.batch.records.InputError: x.sdf: the file is UTF-16 (little-endian) text; convert it to UTF-8 first (iconv -f UTF-16LE -t UTF-8 x.sdf > x-utf8.sdf)
    >>> check_encoding("x.sdf", b"plain\\n")
    """
    for bom, label, codec in _BOMS:
        if head.startswith(bom):
            break
    else:
        sample = head[:512]
        if len(sample) < 8 or sample.count(0) * 3 < len(sample):
            return
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        codec = "UTF-16LE" if odd > even else "UTF-16BE"
        label = f"{codec[:6]} without a byte-order mark"
    stem = name.removesuffix(".gz")
    suffix = Path(stem).suffix or ".txt"
    target = "-" if name == "-" else f"{stem[: len(stem) - len(suffix)]}-utf8{suffix}"
    source = "standard input" if name == "-" else name
    hint = f"iconv -f {codec} -t UTF-8 {name if name != '-' else ''}".rstrip() + (f" > {target}" if name != "-" else "")
    raise InputError(f"{source}: the file is {label} text; convert it to UTF-8 first ({hint})")


def open_binary(name: str) -> BinaryIO:
    """A local path or an fsspec URL (``s3://``, ``gs://``, ``memory://``, ...) opened for binary reading, seekable.

    Raises OSError (or ImportError for a URL without fsspec installed).
    """
    if "://" in name:
        import fsspec

        return fsspec.open(name, "rb").open()  # type: ignore[no-any-return]
    return open(name, "rb")  # noqa: SIM115


def open_input(name: str) -> BinaryIO:
    """Open an input for binary reading, un-gzipping when the data start with the gzip magic bytes.

    UTF-16 and UTF-32 text is refused with :class:`InputError` (see :func:`check_encoding`). Standard input
    opened once and only looked at (its head) is handed out again as it is, so a first look (the columns of a
    table output, :func:`reactivity.batch.writers.scan_input_columns`) loses nothing for the reader.
    """
    if name == "-":
        raw: BinaryIO = sys.stdin.buffer
        if _STDIN and _STDIN[0][0] is raw and not _STDIN[0][1].touched:
            return _STDIN.pop()[1]  # type: ignore[return-value]
    elif "://" in name:  # an fsspec URL (s3://, gs://, memory://, ...)
        try:
            raw = io.BufferedReader(open_binary(name))  # type: ignore[arg-type]
        except (ImportError, OSError, ValueError) as exc:
            raise InputError(f"{name}: {exc}") from None
    else:
        try:
            raw = open(name, "rb")
        except OSError as exc:
            raise InputError(f"{name}: {exc.strerror or exc}") from None
    peek = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    stream: BinaryIO = raw
    if peek == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
    head, error = _read_head(stream, 4096)  # a broken stream: what came before it, and the error for read_blocks
    try:
        check_encoding(name, head)
    except InputError:
        if name != "-":
            stream.close()
        raise
    opened = _Prefixed(head, stream, error)
    if name == "-":
        _STDIN[:] = [(raw, opened)]
    return opened  # type: ignore[return-value]


_STDIN: list[tuple[BinaryIO, _Prefixed]] = []  # standard input as last opened (see open_input)


def _read_head(stream: BinaryIO, size: int) -> tuple[bytes, Exception | None]:
    """Up to ``size`` first bytes of ``stream``, and the error that broke it off (a cut or corrupt gzip stream) or None:
    the bytes before a break are kept."""
    read = getattr(stream, "read1", stream.read)
    parts: list[bytes] = []
    total = 0
    while total < size:
        try:
            block = read(size - total)
        except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
            return b"".join(parts), exc
        if not block:
            break
        parts.append(block)
        total += len(block)
    return b"".join(parts), None


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


def m_end_lines(record: bytes) -> int:
    """How many ``M  END`` lines a record holds (more than one: concatenated molfiles).

    >>> m_end_lines(b"a\\nM  END\\nb\\nM  END\\n"), m_end_lines(b"x M  END\\n")
    (2, 0)
    """
    if b"M  END" not in record:
        return 0
    return record.count(b"\nM  END") + record.count(b"\rM  END") + record.startswith(b"M  END")


def holds_several_molfiles(record: bytes) -> bool:
    """Whether a record holds more than one ``M  END`` line (concatenated molfiles); a record with one or none is
    read once (a ``find`` from the start and an ``rfind`` from the end meet at its ``M  END``).

    >>> holds_several_molfiles(b"a\\nM  END\\nb\\nM  END\\n"), holds_several_molfiles(b"a\\nM  END\\n> x M  END\\n")
    (True, False)
    """
    return record.find(b"M  END") != record.rfind(b"M  END") and m_end_lines(record) > 1


@dataclass
class SplitReport:
    """What the SD splitter noticed (turned into run warnings by :func:`split_warnings`)."""

    several_molfiles: list[int] = field(default_factory=list)
    dollar_text: list[int] = field(default_factory=list)
    oversized: list[int] = field(default_factory=list)


#: "$$$$" and, when the rest of its line is blank (spaces, tabs), that line's ending (empty at the end of the input):
#: a separator when it starts a line. The literal start keeps the search as fast as ``bytes.find``.
_DOLLARS = re.compile(rb"\$\$\$\$(?:[ \t]*(\r\n|\r|\n|\Z))?")


def dollar_lines(buffer: bytes | bytearray, start: int = 0, end: int | None = None
                 ) -> Iterator[tuple[int, int, bytes | None]]:
    """``(position, end, line ending)`` of every line in ``buffer[start:end]`` that begins with ``$$$$``: a separator
    (line ending ``b""`` at the end of the text), or ``None`` when other text follows (``$$$$ junk``, record text).

    >>> list(dollar_lines(b"a\\n$$$$ \\r\\nx$$$$\\n$$$$ junk\\n$$$$"))
    [(2, 9, b'\\r\\n'), (15, 19, None), (25, 29, b'')]
    """
    for found in _DOLLARS.finditer(buffer, start, len(buffer) if end is None else end):
        position = found.start()
        if position and buffer[position - 1] not in (10, 13):
            continue  # not at the start of a line
        yield position, found.end(), found.group(1)


def _complete_end(buffer: bytearray, start: int) -> int:
    """End of the last complete line at or after ``start`` (a CR at the very end may be half of a CRLF)."""
    return max(buffer.rfind(b"\n", start), buffer.rfind(b"\r", start, len(buffer) - 1)) + 1


def iter_sd_records(
    stream: BinaryIO,
    warnings: list[str] | None = None,
    block_size: int = BLOCK_SIZE,
    max_bytes: int = MAX_RECORD_BYTES,
    report: SplitReport | None = None,
) -> Iterator[RawRecord]:
    """Split an SD stream into raw records (the bytes before each ``$$$$`` line).

    A separator is a line holding ``$$$$``, optionally followed by blanks. A
    record between two ``$$$$`` lines that holds only blank lines is still a
    record (an empty one); blank space after the last ``$$$$`` is not. A last
    record without ``$$$$`` is kept. Each byte is searched once (linear time);
    a record over ``max_bytes`` is skipped without being held in memory and
    comes out as an :class:`OversizedRecord` placeholder.

    A line that begins with ``$$$$`` and goes on with other text (``$$$$ junk``)
    is not a separator (RDKit would split there); records holding one, or
    holding several ``M  END`` lines (concatenated molfiles), are reported in
    ``warnings``.

    >>> data = b"x\\rM  END\\r$$$$\\r\\r$$$$\\rlast\\n"
    >>> [r.raw for r in iter_sd_records(io.BytesIO(data), block_size=3)]
    [b'x\\rM  END\\r', b'\\r', b'last\\n']
    >>> [r.raw for r in iter_sd_records(io.BytesIO(b"a\\n$$$$\\n\\n \\n"))]
    [b'a\\n']
    >>> [type(r.raw).__name__ for r in iter_sd_records(io.BytesIO(b"t\\n" + b"x" * 50 + b"\\n$$$$\\nb\\n"), max_bytes=20)]
    ['OversizedRecord', 'bytes']

    ``report`` (optional) receives what was noticed as record indices, for a caller that
    splits one file in byte ranges and numbers the records of the whole file itself.
    """
    report = SplitReport() if report is None else report
    buffer = bytearray()
    start = 0  # start of the current record in buffer (a line start)
    scan = 0  # bytes before this were searched for separators (a line start)
    skipped = 0  # bytes of the current record already dropped (over the limit)
    head = b""  # first bytes of a record over the limit
    m_ends = 0
    index = 0

    dollar_line = False  # the current record holds a line beginning with "$$$$" that is not a separator

    def emit(record_end: int, terminator: bytes) -> RawRecord:
        nonlocal skipped, head, m_ends, index, dollar_line
        if not skipped and record_end - start > max_bytes:
            head = bytes(buffer[start : start + 4096])
            skipped, m_ends = 0, 0
            size = record_end - start
            result = _oversized_sd(head, size, max_bytes, m_end_lines(bytes(buffer[start:record_end])))
            report.oversized.append(index)
            head = b""
        elif skipped:
            size = skipped + record_end - start
            m_ends_total = m_ends + m_end_lines(bytes(buffer[start:record_end]))
            result = _oversized_sd(head, size, max_bytes, m_ends_total)
            report.oversized.append(index)
            skipped, head, m_ends = 0, b"", 0
        else:
            record = bytes(buffer[start:record_end])
            blank = not record or record.isspace()  # isspace: the bytes strip() removes, without a copy
            result = RawRecord(record, (terminator or b"\n") if blank else newline_of(record))
            if holds_several_molfiles(record):
                report.several_molfiles.append(index)
            if dollar_line:
                report.dollar_text.append(index)
        dollar_line = False
        index += 1
        return result

    def separators(end: int, at_eof: bool) -> Iterator[RawRecord]:
        """Records ended by the separator lines in ``buffer[scan:end]`` (whole lines; at the end of the input the
        last line may have no line ending)."""
        nonlocal start, dollar_line
        for position, line_end, terminator in dollar_lines(buffer, scan, end):
            if terminator is None:  # "$$$$ junk": text of the record
                dollar_line = True
                continue
            if not terminator and not at_eof:
                continue  # a blank tail without a line ending ends a record only at the end of the input
            yield emit(position, terminator)
            start = line_end

    for block in read_blocks(stream, warnings, block_size):
        buffer += block
        end = max(_complete_end(buffer, scan), scan)
        yield from separators(end, False)
        scan = max(end, start)
        if scan - start + skipped > max_bytes:
            # Over the limit: keep the head for the placeholder, drop the rest, keep counting.
            if not skipped:
                head = bytes(buffer[start : start + 4096])
            m_ends += m_end_lines(bytes(buffer[start:scan]))
            skipped += scan - start
            del buffer[start:scan]
            scan = start
        if start > (1 << 16) and start * 2 > len(buffer):
            del buffer[:start]
            scan -= start
            start = 0
    yield from separators(len(buffer), True)
    if skipped or buffer[start:].strip():
        yield emit(len(buffer), b"")
    if warnings is not None:
        warnings.extend(split_warnings(report, max_bytes))


def split_sd_bytes(data: bytes, max_bytes: int = MAX_RECORD_BYTES, report: SplitReport | None = None) -> list[bytes]:
    """The raw records of SD text held in memory: exactly ``[r.raw for r in iter_sd_records(io.BytesIO(data))]``.

    One regular-expression pass over ``data`` with no block buffer, for a byte range that a worker has read whole
    (:func:`reactivity.batch.partition.read_range_records`). Input holding a record over ``max_bytes`` is split by
    :func:`iter_sd_records` itself (its placeholders). ``report`` receives what was noticed, as there.

    >>> split_sd_bytes(b"x\\rM  END\\r$$$$\\r\\r$$$$\\rlast\\n")
    [b'x\\rM  END\\r', b'\\r', b'last\\n']
    >>> report = SplitReport()
    >>> split_sd_bytes(b"a\\n$$$$ x\\nM  END\\nM  END\\n$$$$\\n\\n \\n", report=report), report.dollar_text
    ([b'a\\n$$$$ x\\nM  END\\nM  END\\n'], [0])
    """
    ends: list[tuple[int, int]] = []  # (end of the record, start of the next one)
    dollar_text: list[int] = []  # records holding a "$$$$ junk" line
    for position, line_end, terminator in dollar_lines(data):
        if terminator is None:  # "$$$$ junk": text of the record
            if not dollar_text or dollar_text[-1] != len(ends):
                dollar_text.append(len(ends))
            continue
        ends.append((position, line_end))
    start = ends[-1][1] if ends else 0
    oversized = len(data) - start > max_bytes  # the last record, or a blank tail (a placeholder there too)
    if data[start:].strip():
        ends.append((len(data), len(data)))
    starts = [0, *(after for _, after in ends)]
    records = [data[a:end] for a, (end, _) in zip(starts, ends)]
    if not oversized and not any(len(record) > max_bytes for record in records):
        report = SplitReport() if report is None else report
        report.several_molfiles.extend(k for k, record in enumerate(records) if holds_several_molfiles(record))
        report.dollar_text.extend(dollar_text)
        return records
    # a record (or a blank tail) over the size limit: the streaming splitter's placeholders
    return [r.raw for r in iter_sd_records(io.BytesIO(data), max_bytes=max_bytes, report=report)]


def _ordinals(indices: list[int]) -> str:
    shown = ", ".join(str(i + 1) for i in indices[:5])
    return shown + (f" and {len(indices) - 5} more" if len(indices) > 5 else "")


def split_warnings(report: SplitReport, max_bytes: int = MAX_RECORD_BYTES) -> list[str]:
    """Warnings about records of one SD input (record numbers 1-based within the input).

    >>> split_warnings(SplitReport(several_molfiles=[0, 3]))[0][:60]
    'records 1, 4 hold several molfiles (more than one "M  END" l'
    """
    out = []
    if report.several_molfiles:
        out.append(
            f"records {_ordinals(report.several_molfiles)} hold several molfiles (more than one \"M  END\" line and no "
            "\"$$$$\" between them); only the first molecule of each was annotated. Concatenated molfiles need a "
            "\"$$$$\" line after each \"M  END\" (e.g. sed 's/^M  END$/M  END\\n$$$$/')"
        )
    if report.dollar_text:
        out.append(
            f"records {_ordinals(report.dollar_text)} hold a line that begins with \"$$$$\" followed by other text; "
            "it is not taken as a record separator (RDKit's reader would split there)"
        )
    if report.oversized:
        out.append(
            f"records {_ordinals(report.oversized)} are larger than the {_size_text(max_bytes)} record limit; they are "
            "error records (title and an empty molblock), their text is not copied"
        )
    return out


# --------------------------------------------------------------------------- tables


def _row_ends_inside_quotes(line: bytes, delimiter: int, in_quotes: bool) -> bool:
    """Whether a delimited row is still inside a quoted cell at the end of ``line`` (RFC 4180 quoting).

    A quote opens a quoted cell only at the start of a cell (``5"`` is an ordinary
    character); inside, ``""`` is a quote.

    >>> _row_ends_inside_quotes(b'a,"x\\n', 44, False), _row_ends_inside_quotes(b'a,5" tube\\n', 44, False)
    (True, False)
    >>> _row_ends_inside_quotes(b'y"",z",b\\n', 44, True), _row_ends_inside_quotes(b'"a""b"\\n', 44, False)
    (False, False)
    """
    i = 0
    n = len(line)
    while i < n:
        if in_quotes:
            j = line.find(b'"', i)
            if j < 0:
                return True
            if j + 1 < n and line[j + 1] == 34:
                i = j + 2
                continue
            in_quotes = False
            i = j + 1
        elif line[i] == 34:
            in_quotes = True
            i += 1
        else:
            j = line.find(bytes([delimiter]), i)
            if j < 0:
                return False
            i = j + 1
    return in_quotes


def _iter_lines(
    stream: BinaryIO, warnings: list[str] | None, block_size: int, max_bytes: int
) -> Iterator[bytes]:
    """Lines with their endings (LF, CRLF or a lone CR); a line over ``max_bytes`` comes out as an OversizedRecord."""
    buffer = bytearray()
    skipped = 0
    for block in read_blocks(stream, warnings, block_size):
        buffer += block
        start = 0
        end = _complete_end(buffer, 0)
        while start < end:
            lf = buffer.find(b"\n", start, end)
            cr = buffer.find(b"\r", start, lf if lf >= 0 else end)
            if cr >= 0:
                stop = cr + 2 if cr + 1 < len(buffer) and buffer[cr + 1] == 10 else cr + 1
            else:
                stop = lf + 1
            if skipped:
                size = skipped + stop - start
                skipped = 0
                yield OversizedRecord(b"\n", f"row of {_size_text(size)} is larger than the {_size_text(max_bytes)} limit; not annotated and not copied")
            else:
                yield bytes(buffer[start:stop])
            start = stop
        del buffer[:start]
        if len(buffer) + skipped > max_bytes:
            skipped += len(buffer)
            del buffer[:]
    if skipped:
        yield OversizedRecord(b"\n", f"row of {_size_text(skipped + len(buffer))} is larger than the {_size_text(max_bytes)} limit; not annotated and not copied")
    elif buffer:
        yield bytes(buffer)


def iter_table_rows(
    stream: BinaryIO,
    warnings: list[str] | None = None,
    block_size: int = BLOCK_SIZE,
    delimiter: str | None = ",",
    max_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[bytes]:
    """Split a table into raw rows (line ending included).

    With a ``delimiter`` (CSV, TSV) a quoted cell may span lines; a row still
    open after :data:`MAX_ROW_LINES` lines or ``max_bytes`` is taken as an
    unclosed quote and its lines are read again as rows of their own (with a
    warning). Without one (``.smi``) every line is a row and quotes are
    ordinary characters.

    >>> list(iter_table_rows(io.BytesIO(b'a,b\\r\\n"x\\ny",1\\nlast')))
    [b'a,b\\r\\n', b'"x\\ny",1\\n', b'last']
    >>> list(iter_table_rows(io.BytesIO(b'C 5" long\\nCC 2"\\n'), delimiter=None))
    [b'C 5" long\\n', b'CC 2"\\n']
    """
    lines = _iter_lines(stream, warnings, block_size, max_bytes)
    if delimiter is None:
        yield from lines
        return
    code = ord(delimiter)
    pending: list[bytes] = []
    size = 0
    replay: list[bytes] = []

    def source() -> Iterator[bytes]:
        while True:
            if replay:
                yield replay.pop(0)
                continue
            line = next(lines, None)
            if line is None:
                return
            yield line

    in_quotes = False
    for line in source():
        if isinstance(line, OversizedRecord):
            if pending:
                replay.insert(0, line)
                yield from _flush_unclosed(pending, replay, warnings)
                pending, size, in_quotes = [], 0, False
                continue
            yield line
            continue
        if not pending and b'"' not in line:
            yield line
            continue
        pending.append(line)
        size += len(line)
        in_quotes = _row_ends_inside_quotes(line, code, in_quotes)
        if not in_quotes:
            yield b"".join(pending)
            pending, size = [], 0
        elif len(pending) > MAX_ROW_LINES or size > max_bytes:
            yield from _flush_unclosed(pending, replay, warnings)
            pending, size, in_quotes = [], 0, False
    if pending:
        if len(pending) > 1:
            replay_rest: list[bytes] = []
            yield from _flush_unclosed(pending, replay_rest, warnings)
            for line in replay_rest:
                yield line
        else:
            yield pending[0]


def _flush_unclosed(pending: list[bytes], replay: list[bytes], warnings: list[str] | None) -> Iterator[bytes]:
    """An unclosed quote: the first line is a row of its own, the others are read again."""
    if warnings is not None:
        warnings.append(f"a quoted cell opened on a row was not closed within {len(pending)} lines; those lines were read as separate rows")
    yield pending[0]
    replay[0:0] = pending[1:]


def _parses_as_smiles(text: str) -> bool:
    if not text or " " in text.strip():
        return False
    with rdBase.BlockLogs():
        return Chem.MolFromSmiles(text.strip(), sanitize=False) is not None


def _table_delimiter(fmt: str, first_row: bytes) -> str | None:
    if fmt == "csv":
        return ","
    if fmt == "tsv":
        return "\t"
    return None


def table_format(name: str, fmt: str | None = None) -> str:
    """``smi``, ``csv`` or ``tsv`` for a table input (``fmt`` wins over the file name).

    >>> table_format("x.smi.gz"), table_format("x.csv"), table_format("-", "tsv")
    ('smi', 'csv', 'tsv')
    """
    if fmt in ("smi", "csv", "tsv"):
        return fmt
    found = input_format(name)
    return found if found in ("smi", "csv", "tsv") else "smi"


def looks_like_header(cells: list[str]) -> bool:
    """The header rule: a first row is a header when one of its cells is a known column name.

    Known names (case-insensitive): a SMILES column (``smiles``, ``canonical_smiles``,
    ``isomeric_smiles``, ``smi``, ``structure``, ``mol_smiles`` or any name holding
    ``smiles``) or a name/identifier column (``name``, ``id``, ``title``, ``compound``,
    ``compound_id``, ``molecule``, ``mol_id``, ``cid``, ``chembl_id``, ...). Anything else
    is data, so a headerless table or a bad first SMILES never loses its first row
    (``--header``/``--no-header`` override the rule).

    >>> looks_like_header(["SMILES", "Name"]), looks_like_header(["C1CC(", "bad one"]), looks_like_header(["CCO", "id"])
    (True, False, True)
    """
    for cell in cells:
        word = cell.strip().lower()
        if word in _HEADER_WORDS or "smiles" in word:
            return True
    return False


def detect_table_layout(
    name: str,
    head_rows: list[bytes],
    smiles_column: str | None = None,
    *,
    header: bool | None = None,
    fmt: str | None = None,
) -> TableLayout:
    """Find the delimiter, the header, the SMILES column and the name column of a table.

    ``smiles_column`` (a header name or a 1-based number) overrides detection;
    ``header`` True/False overrides :func:`looks_like_header`; ``fmt``
    (``smi``/``csv``/``tsv``) overrides the file name.

    >>> layout = detect_table_layout("x.csv", [b"ID,Canonical_SMILES\\n", b"a1,CCO\\n"])
    >>> layout.smiles_index, layout.name_index, layout.columns
    (1, 0, ('ID', 'Canonical_SMILES'))
    >>> detect_table_layout("x.smi", [b"c1ccccc1 benzene\\n"]).columns
    ('smiles', 'name')
    >>> detect_table_layout("x.csv", [b"CCO,ethanol\\n", b"CCN,ethylamine\\n"]).header
    b''
    """
    fmt = table_format(name, fmt)
    rows_raw = [r for r in head_rows if r.strip() and not isinstance(r, OversizedRecord)]
    delimiter = _table_delimiter(fmt, rows_raw[0] if rows_raw else b"")
    if not rows_raw:
        return TableLayout(delimiter, ("smiles", "name"), 0, 1)
    probe = TableLayout(delimiter, (), 0, None)
    rows: list[list[str]] = []
    for raw in rows_raw:
        try:
            rows.append(probe.split(raw))
        except csv.Error:
            rows.append([])
    first_row = rows[0]
    has_header = looks_like_header(first_row) if header is None else header
    if header is None and smiles_column is not None and not smiles_column.isdigit():
        # --smiles-column NAME names a column of the first row: that row is the header.
        has_header = has_header or smiles_column.strip().lower() in (c.strip().lower() for c in first_row)
    if has_header:
        columns = tuple(c.strip() for c in first_row)
        data = rows[1:]
        header_bytes = rows_raw[0]
    else:
        width = max((len(r) for r in rows), default=2)
        columns = ("smiles", "name") if delimiter is None else tuple(f"column_{i + 1}" for i in range(width))
        data = rows
        header_bytes = b""
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
        if has_header:
            for candidate in _SMILES_HEADERS:
                if candidate in lowered:
                    smiles_index = lowered.index(candidate)
                    break
            if smiles_index is None:
                smiles_index = next((i for i, c in enumerate(lowered) if "smiles" in c), None)
        if smiles_index is None and delimiter is None:
            smiles_index = 0
        if smiles_index is None and data:
            scores = [sum(_parses_as_smiles(r[i]) for r in data[:20] if i < len(r)) for i in range(len(columns))]
            best = max(range(len(columns)), key=lambda i: scores[i])
            if scores[best] and scores[best] * 2 >= min(len(data), 20):
                smiles_index = best
        if smiles_index is None:
            raise InputError(f"{name}: no SMILES column found; name it with --smiles-column")
    name_index = next((lowered.index(c) for c in _NAME_HEADERS if c in lowered and lowered.index(c) != smiles_index), None)
    if name_index is None and has_header:
        name_index = next((lowered.index(c) for c in ("compound", "compound_name", "molecule", "cmpd", "cmpd_id", "regno") if c in lowered and lowered.index(c) != smiles_index), None)
    if name_index is None and (delimiter is None or not has_header) and len(columns) > 1:
        name_index = 1 if smiles_index == 0 else 0
    return TableLayout(delimiter, columns, smiles_index, name_index, header_bytes)


def peek_table(
    stream: BinaryIO,
    name: str,
    smiles_column: str | None,
    warnings: list[str],
    *,
    header: bool | None = None,
    fmt: str | None = None,
    max_bytes: int = MAX_RECORD_BYTES,
) -> tuple[TableLayout, Iterator[bytes]]:
    """Detect a table's layout from its first rows; return it with an iterator over the data rows.

    Blank rows are skipped; every other row is a record (a bad one becomes an ``error`` record).
    """
    fmt = table_format(name, fmt)
    rows = iter_table_rows(stream, warnings, delimiter=_table_delimiter(fmt, b""), max_bytes=max_bytes)
    head: list[bytes] = []
    for row in rows:
        head.append(row)
        if len(head) >= 21:
            break
    layout = detect_table_layout(name, head, smiles_column, header=header, fmt=fmt)
    if not layout.header and header is None:
        first = next((r for r in head if r.strip() and not isinstance(r, OversizedRecord)), b"")
        try:
            cells = TableLayout(layout.delimiter, (), 0, None).split(first) if first else []
        except csv.Error:
            cells = []
        if cells and len(head) > 1 and not any(_parses_as_smiles(c) for c in cells):
            warnings.append(
                "the first row has no known column name, so it is read as data (an error record if it is not a "
                "molecule); give --header if it is a header"
            )

    def data_rows() -> Iterator[bytes]:
        skipped_header = False
        for row in head:
            if layout.header and not skipped_header and row.strip() and not isinstance(row, OversizedRecord):
                skipped_header = True
                continue
            if isinstance(row, OversizedRecord) or row.strip():
                yield row
        for row in rows:
            if isinstance(row, OversizedRecord) or row.strip():
                yield row

    return layout, data_rows()


def input_size(name: str) -> int | None:
    """The byte size of a plain (not gzipped, not standard input) file, for progress ETA."""
    if name == "-" or name.lower().endswith(".gz"):
        return None
    try:
        if "://" in name:
            import fsspec

            return int(fsspec.open(name, "rb").fs.size(name))
        return Path(name).stat().st_size
    except OSError:
        return None


__all__ = [
    "INPUT_FORMATS",
    "InputError",
    "InputSource",
    "MAX_RECORD_BYTES",
    "OversizedRecord",
    "RawRecord",
    "TableLayout",
    "check_encoding",
    "detect_table_layout",
    "input_format",
    "input_kind",
    "input_size",
    "iter_sd_records",
    "iter_table_rows",
    "looks_like_header",
    "m_end_lines",
    "open_input",
    "peek_table",
    "read_blocks",
    "sniff_format",
]

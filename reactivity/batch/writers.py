"""Output: SD (original bytes + new data items), CSV, JSONL and Parquet, written atomically.

Every file output goes to a temporary file beside the target and is renamed
onto the target only when the run succeeds; an interrupted run removes the
temporary file and never leaves a partial file under the target name.

>>> from reactivity.batch.annotate import AnnotatedRecord
>>> rec = AnnotatedRecord(b"", b"x\\r\\nM  END\\r\\n", b"\\r\\n", "x", "", "no_scaffold", {"RX_STATUS": "no_scaffold"})
>>> render_sd([rec])
b'x\\r\\nM  END\\r\\n>  <RX_STATUS>\\r\\nno_scaffold\\r\\n\\r\\n$$$$\\r\\n'
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from .annotate import AnnotatedRecord, RenderedChunk

FORMATS = ("sdf", "csv", "jsonl", "parquet")
_EXTENSIONS = {".sdf": "sdf", ".sd": "sdf", ".mol": "sdf", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_for(path: str | None, explicit: str | None) -> str:
    """The output format: ``explicit`` if given, else from the extension (``.gz`` ignored), else SD.

    >>> format_for("out.csv", None), format_for("out.sdf.gz", None), format_for(None, None), format_for("x.txt", "jsonl")
    ('csv', 'sdf', 'sdf', 'jsonl')
    """
    if explicit:
        if explicit not in FORMATS:
            raise ValueError(f"unknown format {explicit!r} (choose from {', '.join(FORMATS)})")
        return explicit
    if path is None or path == "-":
        return "sdf"
    name = path.lower().removesuffix(".gz")
    for extension, fmt in _EXTENSIONS.items():
        if name.endswith(extension):
            return fmt
    if target_kind(path) == "device":  # /dev/null, a named pipe: SD like standard output
        return "sdf"
    raise ValueError(f"cannot tell the output format from {path!r}; use --format {'|'.join(FORMATS)}")


# --------------------------------------------------------------------------- rendering (runs in workers)


def _needs_blank_line(body: bytes, newline: bytes) -> bool:
    """Whether a blank line must separate the body's last data item from the new ones.

    >>> _needs_blank_line(b"M  END\\n", b"\\n"), _needs_blank_line(b"M  END\\n> <A>\\n1\\n", b"\\n")
    (False, True)
    """
    if not body or body.endswith(newline + newline) or body.endswith((b"\n\n", b"\r\r", b"\n\r\n")):
        return False
    cut = max(body.rfind(b"\n", 0, len(body) - 1), body.rfind(b"\r", 0, len(body) - 2))
    last = body[cut + 1 :]
    return bool(last.strip()) and not last.startswith(b"M  END")


def render_sd(records: Sequence[AnnotatedRecord]) -> bytes:
    """SD text of annotated records: each body byte for byte, then its new data items, then ``$$$$``.

    Data items use the record's own line ending; a line ending (and a blank
    line after a last data item) is added only when the body lacks it.
    """
    return render_sd_with_ends(records)[0]


def render_sd_with_ends(records: Sequence[AnnotatedRecord]) -> tuple[bytes, tuple[int, ...]]:
    """:func:`render_sd` and the offset just past each record (so a sink can count complete records written)."""
    ends: list[int] = []
    size = 0
    out: list[bytes] = []
    rendered: dict[tuple[int, bytes], bytes] = {}
    for record in records:
        nl = record.newline
        body = record.body
        out.append(body)
        if body and not body.endswith((b"\n", b"\r")):
            out.append(nl)
            body += nl
        blank = _needs_blank_line(body, nl)
        if blank:
            out.append(nl)
        key = (id(record.tags), nl)
        items = rendered.get(key)
        if items is None:
            items = rendered[key] = b"".join(
                b">  <" + name.encode("utf-8") + b">" + nl + value.encode("utf-8", "replace") + nl + nl
                for name, value in record.tags.items()
            ) + b"$$$$" + nl
        out.append(items)
        size += len(body) + (len(nl) if blank else 0) + len(items)
        ends.append(size)
    return b"".join(out), tuple(ends)


def render_rows(records: Sequence[AnnotatedRecord]) -> list[dict[str, Any]]:
    """One row per record: name, SMILES and tags (the writer adds the input index)."""
    return [{"name": r.name, "smiles": r.smiles, **r.tags} for r in records]


def neutralize_cell(value: str) -> str:
    """Stop a spreadsheet from executing a cell (``=``, ``+``, ``-``, ``@`` at the start) by quoting it with ``'``.

    >>> neutralize_cell("=HYPERLINK(1)"), neutralize_cell("-1.5"), neutralize_cell("CCO")
    ("'=HYPERLINK(1)", "'-1.5", 'CCO')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


# --------------------------------------------------------------------------- atomic files


class OutputError(ValueError):
    """An output target that cannot be written (a directory, a missing folder, the same file twice)."""


def target_kind(target: str | None) -> str:
    """What an output path points at: ``stdout``, ``new``, ``file``, ``device`` (character/block device, FIFO,
    socket: written straight through), or ``directory`` (refused). Symbolic links are followed.

    >>> target_kind("-"), target_kind(None), target_kind("/dev/null"), target_kind("/")
    ('stdout', 'stdout', 'device', 'directory')
    """
    if target in (None, "-"):
        return "stdout"
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return "new"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    return "device"


def same_target(first: str | None, second: str | None) -> bool:
    """Whether two output targets are the same file (symbolic links and relative paths resolved; ``-`` is stdout).

    >>> same_target("-", None), same_target("a.sdf", "./a.sdf"), same_target("a.sdf", "b.sdf")
    (True, True, False)
    """
    if target_kind(first) == "stdout" or target_kind(second) == "stdout":
        return target_kind(first) == target_kind(second)
    assert first is not None and second is not None
    return os.path.realpath(first) == os.path.realpath(second)


class AtomicFile:
    """An output file that is either complete or untouched.

    - a regular file (or a new name) is written beside the target under a
      temporary name and renamed onto it by :meth:`publish`; the result keeps
      the mode of the file it replaces. A symbolic link is resolved and its
      target replaced (the link stays a link).
    - a character or block device, a FIFO or a socket (``/dev/null``, a named
      pipe) is written straight through: it is opened, never replaced.
    - ``None`` or ``-`` writes to standard output.
    - a directory is refused with :class:`OutputError`.

    ``.gz`` targets are gzip-compressed. :meth:`commit` is :meth:`close`
    (flush everything; a full disk fails here) then :meth:`publish` (rename).
    """

    def __init__(self, target: str | None):
        kind = target_kind(target)
        self.kind = kind
        self.target = None if kind == "stdout" else Path(os.path.realpath(target))  # type: ignore[arg-type]
        self._temp: str | None = None
        self._closed = False
        self._raw: BinaryIO
        if kind == "directory":
            raise OutputError(f"{target} is a directory")
        if self.target is None:
            self._raw = sys.stdout.buffer
            self.stream: BinaryIO = self._raw
            return
        if kind == "device":
            self._raw = open(self.target, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in close()/discard()
        else:
            directory = self.target.parent
            fd, self._temp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=directory)
            if kind == "file":
                mode = stat.S_IMODE(os.stat(self.target).st_mode)
            else:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask  # mkstemp makes 0600; a new result is an ordinary file
            os.fchmod(fd, mode)
            self._raw = os.fdopen(fd, "wb", buffering=1 << 20)
        gz = self.target.name.endswith(".gz") or (target or "").endswith(".gz")
        self.stream = gzip.GzipFile(fileobj=self._raw, mode="wb", compresslevel=6) if gz else self._raw  # type: ignore[assignment]

    def close(self) -> None:
        """Flush and close everything (errors such as a full disk surface here, before any rename)."""
        if self._closed:
            return
        if self.target is None:
            self._raw.flush()
            self._closed = True
            return
        if self.stream is not self._raw:
            self.stream.close()
        self._raw.flush()
        if self._temp is not None:
            os.fsync(self._raw.fileno())
        self._raw.close()
        self._closed = True

    def publish(self) -> None:
        """Move the closed temporary file onto the target (nothing to do for devices and standard output)."""
        if self._temp is not None:
            assert self.target is not None
            os.replace(self._temp, self.target)
            self._temp = None

    def commit(self) -> None:
        """Flush, close and move the temporary file onto the target."""
        self.close()
        self.publish()

    def discard(self) -> None:
        """Close and delete the temporary file (the target is left untouched)."""
        if self.target is None:
            return
        try:
            if not self._closed:
                try:
                    if self.stream is not self._raw:
                        self.stream.close()
                finally:
                    self._raw.close()
                    self._closed = True
        except OSError:
            pass
        finally:
            if self._temp is not None:
                try:
                    os.unlink(self._temp)
                except FileNotFoundError:
                    pass
                self._temp = None


# --------------------------------------------------------------------------- sinks


class _BaseSink:
    def __init__(self, target: str | None, columns: Sequence[str], errors_target: str | None = None):
        self.columns = tuple(columns)
        self.records_written = 0  # records whose every byte has been handed to the output
        if errors_target and same_target(target, errors_target):
            raise OutputError(f"--errors {errors_target} is the same file as the output")
        self.file = AtomicFile(target)
        try:
            self.errors = AtomicFile(errors_target) if errors_target else None
        except BaseException:
            self.file.discard()
            raise
        self._errors_header = b""

    def write(self, chunk: RenderedChunk, start_index: int) -> None:
        """Write one rendered chunk (and its failed records to the errors file, under their table header)."""
        if self.errors is not None and chunk.failed:
            if chunk.header and chunk.header != self._errors_header:
                self.errors.stream.write(chunk.header)
                self._errors_header = chunk.header
            for raw in chunk.failed:
                self.errors.stream.write(raw)
        self._write(chunk, start_index)
        self.records_written = start_index + chunk.count

    def _write(self, chunk: RenderedChunk, start_index: int) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Write trailers (format specific)."""

    def commit(self) -> None:
        """Finish and close every output, then rename them onto their targets (none is renamed unless all closed)."""
        self._finish()
        self.file.close()
        if self.errors is not None:
            self.errors.close()
        self.file.publish()
        if self.errors is not None:
            self.errors.publish()

    def discard(self) -> None:
        """Drop every temporary output."""
        try:
            self.file.discard()
        finally:
            if self.errors is not None:
                self.errors.discard()

    def _table_rows(self, chunk: RenderedChunk, start_index: int) -> list[dict[str, Any]]:
        return [{"index": start_index + i, **row} for i, row in enumerate(chunk.rows)]


class SDSink(_BaseSink):
    """SD output: the rendered bytes of each chunk, in order."""

    def _write(self, chunk: RenderedChunk, start_index: int) -> None:
        stream = self.file.stream
        fd = -1
        if self.file.target is None and chunk.sd_ends:
            try:
                fd = stream.fileno()
            except (OSError, ValueError, AttributeError):
                fd = -1
        if fd < 0:
            stream.write(chunk.sd)
            return
        # Standard output: write with os.write and count the records whose last byte went out, so an
        # interrupted run can say how many complete records were written.
        stream.flush()
        view = memoryview(chunk.sd)
        ends = chunk.sd_ends
        done = 0
        position = 0
        while position < len(view):
            position += os.write(fd, view[position : position + (1 << 16)])
            while done < len(ends) and ends[done] <= position:
                done += 1
            self.records_written = start_index + done


class CSVSink(_BaseSink):
    """CSV: header ``index,name,smiles,<tags>``; cells a spreadsheet would execute are neutralized."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._text = io.TextIOWrapper(self.file.stream, encoding="utf-8", newline="", write_through=True)  # type: ignore[arg-type]
        self._csv = csv.writer(self._text, lineterminator="\n")
        self._csv.writerow(self.columns)

    def _write(self, chunk: RenderedChunk, start_index: int) -> None:
        for row in self._table_rows(chunk, start_index):
            self._csv.writerow(
                [str(row[c]) if c == "index" else neutralize_cell(str(row.get(c, ""))) for c in self.columns]
            )

    def _finish(self) -> None:
        self._text.flush()
        self._text.detach()

    def discard(self) -> None:
        try:
            self._text.detach()  # never let the wrapper close standard output
        except (ValueError, OSError):
            pass
        super().discard()


class JSONLSink(_BaseSink):
    """JSON Lines: one object per record with ``index``, ``name``, ``smiles`` and the tags."""

    def _write(self, chunk: RenderedChunk, start_index: int) -> None:
        lines = [json.dumps({c: row.get(c) for c in self.columns if c in row}, ensure_ascii=False) for row in self._table_rows(chunk, start_index)]
        if lines:
            self.file.stream.write(("\n".join(lines) + "\n").encode("utf-8"))


class ParquetSink(_BaseSink):
    """Parquet via pyarrow: ``index`` int64, every other column a string; one row group per batch of rows."""

    ROW_GROUP = 20000

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self._schema = pa.schema([(c, pa.int64() if c == "index" else pa.string()) for c in self.columns])
        self._writer = pq.ParquetWriter(self.file.stream, self._schema)
        self._pending: list[dict[str, Any]] = []

    def _write(self, chunk: RenderedChunk, start_index: int) -> None:
        self._pending.extend(self._table_rows(chunk, start_index))
        if len(self._pending) >= self.ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        columns = {c: [row.get(c) for row in self._pending] for c in self.columns}
        self._writer.write_table(self._pa.table(columns, schema=self._schema))
        self._pending = []

    def _finish(self) -> None:
        self._flush()
        self._writer.close()

    def discard(self) -> None:
        try:
            self._writer.close()
        except Exception:  # noqa: BLE001 - the file is being thrown away
            pass
        super().discard()


def open_sink(fmt: str, target: str | None, tag_columns: Sequence[str], errors_target: str | None = None) -> _BaseSink:
    """The sink for a format. Table formats get the columns ``index, name, smiles`` then ``tag_columns``."""
    if fmt == "sdf":
        return SDSink(target, (), errors_target)
    columns = ("index", "name", "smiles", *tag_columns)
    sink_type = {"csv": CSVSink, "jsonl": JSONLSink, "parquet": ParquetSink}[fmt]
    return sink_type(target, columns, errors_target)


__all__ = [
    "AtomicFile",
    "OutputError",
    "CSVSink",
    "FORMATS",
    "JSONLSink",
    "ParquetSink",
    "SDSink",
    "format_for",
    "neutralize_cell",
    "open_sink",
    "render_rows",
    "render_sd",
    "same_target",
    "target_kind",
]

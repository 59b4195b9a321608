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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from .annotate import AnnotatedRecord, AnnotateSettings, RenderedChunk
    from .records import InputSource, TableLayout

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


def render_rows(records: Sequence[AnnotatedRecord], settings: AnnotateSettings | None = None) -> list[dict[str, Any]]:
    """One row per record: name, SMILES and tags, as text (the writer adds the input index).

    With the run's ``settings``, a row also holds the input's name (``source``) and, for a
    table input, the row's own cells under their output names (:func:`input_column_names`).
    """
    if settings is None:
        return [{"name": r.name, "smiles": r.smiles, **r.tags} for r in records]
    names = input_column_names(settings.table, settings.tag_prefix)
    rows = []
    for r in records:
        row: dict[str, Any] = {"name": r.name, "smiles": r.smiles, "source": settings.source}
        if names:
            row.update((name, cell) for name, cell in zip(names, r.source_row) if name is not None)
        row.update(r.tags)
        rows.append(row)
    return rows


#: Columns every table output starts with (``source`` only when there are several inputs).
BASE_COLUMNS = ("index", "source", "name", "smiles")
INPUT_PREFIX = "input_"


def input_column_names(layout: TableLayout | None, tag_prefix: str) -> tuple[str | None, ...]:
    """The output name of each column of a table input (``None``: the column is left out).

    - a column whose name begins with the tag prefix (case as given) is an earlier annotation:
      left out, as SD output leaves out earlier data items with the prefix;
    - a column named like one of :data:`BASE_COLUMNS` or beginning with the prefix in another case
      (``SMILES``, ``Name``, ``rx_note``: case-insensitive, since SQL engines read Parquet column names
      so) gets ``input_`` in front; a name already taken gets ``_2``, ``_3``...; an empty name is
      ``column_<n>``;
    - a ``.smi`` file without a header has no columns of its own (its SMILES and name are the
      ``smiles`` and ``name`` columns).

    >>> from reactivity.batch.records import TableLayout
    >>> input_column_names(TableLayout(",", ("ID", "SMILES", "MW", "RX_STATUS", "mw", ""), 1, 0, b"h"), "RX_")
    ('ID', 'input_SMILES', 'MW', None, 'mw_2', 'column_6')
    >>> input_column_names(TableLayout(None, ("smiles", "name"), 0, 1), "RX_")
    ()
    """
    if layout is None or (layout.delimiter is None and not layout.header):
        return ()
    taken = set(BASE_COLUMNS)
    out: list[str | None] = []
    for number, column in enumerate(layout.columns, start=1):
        name = column or f"column_{number}"
        if name.startswith(tag_prefix):
            out.append(None)
            continue
        if name.lower() in BASE_COLUMNS or name.lower().startswith(tag_prefix.lower()):
            name = INPUT_PREFIX + name
        base, copy = name, 1
        while name.lower() in taken:
            copy += 1
            name = f"{base}_{copy}"
        taken.add(name.lower())
        out.append(name)
    return tuple(out)


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


def write_output(target: str | None, data: bytes) -> None:
    """Write ``data`` to an output path as every command writes its outputs (:class:`AtomicFile`): a regular file is
    replaced whole or not at all, a symbolic link is written through to its target, a device or named pipe is
    written straight to, ``-`` or None is standard output, a directory is refused (:class:`OutputError`).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "real.html").write_text("old")
    3
    >>> (folder / "link.html").symlink_to(folder / "real.html")
    >>> write_output(str(folder / "link.html"), b"new")
    >>> (folder / "link.html").is_symlink(), (folder / "real.html").read_text()
    (True, 'new')
    """
    output = AtomicFile(target)
    try:
        output.stream.write(data)
        output.commit()
    except BaseException:
        output.discard()
        raise


# --------------------------------------------------------------------------- table columns


@dataclass(frozen=True)
class TableColumns:
    """The columns of a table output (CSV, JSONL, Parquet) and how their values are written.

    :attr:`names`: ``index``, ``source`` (when several inputs are annotated into one output), ``name``,
    ``smiles``, the input columns of table inputs (:func:`scan_input_columns`), then the tags. With
    ``typed`` (``reactivity annotate``), JSONL and Parquet values have the types of
    :data:`reactivity.batch.frame.COLUMN_TYPES`, the schema :func:`reactivity.annotate_frame` uses; without
    it every value is the tag text. ``about`` (run settings and versions, :func:`run_metadata`) goes into
    the Parquet schema metadata.

    >>> TableColumns(("RX_STATUS",), inputs=("ID",), source=True).names
    ('index', 'source', 'name', 'smiles', 'ID', 'RX_STATUS')
    """

    tags: tuple[str, ...]
    tag_prefix: str = "RX_"
    inputs: tuple[str, ...] = ()
    source: bool = False
    typed: bool = True
    about: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Every column, in output order."""
        return ("index", *(("source",) if self.source else ()), "name", "smiles", *self.inputs, *self.tags)

    def kinds(self) -> dict[str, str]:
        """The type of every column (:data:`reactivity.batch.frame.COLUMN_TYPES` names; input columns are text).

        >>> TableColumns(("RX_STATUS", "RX_N4_ATOM")).kinds()["RX_N4_ATOM"]
        'list[int]'
        """
        from .frame import column_type

        kinds = {name: "str" for name in self.names}
        kinds["index"] = "int"
        if self.typed:
            for tag in self.tags:
                kinds[tag] = column_type(tag[len(self.tag_prefix):] if tag.startswith(self.tag_prefix) else tag)
        return kinds


def scan_input_columns(
    sources: Sequence[InputSource],
    tag_prefix: str,
    smiles_column: str | None = None,
    *,
    header: bool | None = None,
    max_record_bytes: int = 16 << 20,
) -> tuple[str, ...]:
    """The input columns of the table inputs, in input order (each name once), for the header of a table output.

    Each table input's layout is detected as the reader will detect it (its first rows); standard input is
    only looked at (its first megabyte at most, handed to the reader afterwards) and, without a format,
    sniffed here as the reader would.
    """
    from .records import open_input, peek_table, sniff_format

    seen: dict[str, None] = {}
    for source in sources:
        if source.kind != "table" and not (source.name == "-" and source.format is None):
            continue
        stream = open_input(source.name)
        try:
            rows: Any = stream
            if source.name == "-":
                if source.format is None:
                    source.format = sniff_format(getattr(stream, "head", b""))
                    source.kind = "sd" if source.format == "sdf" else "table"
                    if source.kind == "sd":
                        continue
                head = stream.prefetch(1 << 20, 200)  # type: ignore[attr-defined]
                if not stream.at_eof:  # type: ignore[attr-defined]
                    head = head[: max(head.rfind(b"\n"), head.rfind(b"\r")) + 1] or head
                rows = io.BytesIO(head)
            layout, _ = peek_table(rows, source.name, smiles_column, [], header=header, fmt=source.format,
                                   max_bytes=max_record_bytes)
        finally:
            if source.name != "-":
                stream.close()
        for name in input_column_names(layout, tag_prefix):
            if name is not None:
                seen.setdefault(name)
    return tuple(seen)


def run_metadata(settings: AnnotateSettings, inputs: Sequence[str], **extra: Any) -> dict[str, Any]:
    """Versions and run settings of an ``annotate`` run (the Parquet schema metadata, key ``reactivity``).

    >>> from reactivity.batch.annotate import AnnotateSettings
    >>> about = run_metadata(AnnotateSettings(ph=7.4, conditions=("silica_methanol",)), ["lib.sdf"])
    >>> about["tool"], about["settings"]["ph"], about["settings"]["conditions"], about["inputs"]
    ('reactivity', 7.4, ['silica_methanol'], ['lib.sdf'])
    """
    from .dask_engine import versions
    from .tags import SCHEMA_VERSION

    found = versions()
    return {
        "tool": "reactivity",
        "tool_version": found["reactivity"],
        "rdkit_version": found["rdkit"],
        "ruleset_version": found["ruleset"],
        "rules_digest": found["rules_digest"],
        "json_schema_version": SCHEMA_VERSION,
        "settings": {
            "ph": settings.ph, "temperature_c": settings.temperature_c, "hours": settings.hours,
            "conditions": list(settings.conditions), "stability": settings.stability, "basicity": settings.basicity,
            "nitrosamine": settings.nitrosamine, "reactions": list(settings.reactions),
            "json_detail": settings.json_detail, "tag_prefix": settings.tag_prefix, "max_atoms": settings.max_atoms,
        },
        "inputs": list(inputs),
        **extra,
    }


# --------------------------------------------------------------------------- sinks


def write_failed(errors: AtomicFile | None, chunk: RenderedChunk, header: bytes) -> bytes:
    """Write a chunk's failed records, verbatim, to the ``--errors`` file (under their table header when it differs
    from ``header``, the one written last); returns the header now in effect."""
    if errors is not None and chunk.failed:
        if chunk.header and chunk.header != header:
            errors.stream.write(chunk.header)
            header = chunk.header
        for raw in chunk.failed:
            errors.stream.write(raw)
    return header


class _BaseSink:
    def __init__(self, target: str | None, columns: Sequence[str], errors_target: str | None = None,
                 table: TableColumns | None = None):
        self.columns = tuple(columns)
        self.table = table
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
        self._errors_header = write_failed(self.errors, chunk, self._errors_header)
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

    def _typed_tags(self) -> dict[str, tuple[str, str]]:
        """Tag column -> (tag name without prefix, column type), for typed outputs (empty otherwise)."""
        if self.table is None or not self.table.typed:
            return {}
        kinds = self.table.kinds()
        prefix = self.table.tag_prefix
        return {tag: (tag[len(prefix):] if tag.startswith(prefix) else tag, kinds[tag]) for tag in self.table.tags}


class _TagParser:
    """Typed values of tag texts (:func:`reactivity.batch.frame.parse_tag`) for a sink; a value that does not parse
    stops the run (:class:`reactivity.batch.frame.TagValueError` naming the record and the column).

    Short texts recur (most records of a library share their tags), so their values are kept (a bounded cache).
    """

    CACHE_ENTRIES = 4096
    CACHE_TEXT = 1024

    def __init__(self, tags: dict[str, tuple[str, str]]):
        from .frame import TagValueError, parse_tag

        self.tags = tags
        self._parse, self._error = parse_tag, TagValueError
        self._cache: dict[tuple[str, str | None], Any] = {}

    def __call__(self, column: str, text: str | None, index: int) -> Any:
        key = (column, text)
        try:
            return self._cache[key]
        except KeyError:
            pass
        bare, kind = self.tags[column]
        try:
            value = self._parse(bare, text, kind)
        except self._error as exc:
            raise self._error(f"record {index}, column {column}: {exc}; the output was not written") from None
        if text is None or len(text) <= self.CACHE_TEXT:
            if len(self._cache) >= self.CACHE_ENTRIES:
                self._cache.clear()
            self._cache[key] = value
        return value


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
    """CSV: header ``index,[source,]name,smiles,<input columns>,<tags>``, every value as its tag text; cells a
    spreadsheet would execute are neutralized."""

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
    """JSON Lines: one object per record, the columns present in the record in column order (a tag is a key only
    when the record has it, as in SD output). Typed: numbers as numbers, lists as lists, ``RX_JSON`` as an object."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._tags = self._typed_tags()
        self._value = _TagParser(self._tags)
        # The JSON tag (the last column) is checked, then written as its text, not parsed and encoded again.
        last = self.columns[-1] if self.columns else ""
        self._raw_json = last if self._tags.get(last, ("", ""))[1] == "json" else ""

    def _write(self, chunk: RenderedChunk, start_index: int) -> None:
        lines = []
        tags, value_of, raw_json = self._tags, self._value, self._raw_json
        for row in self._table_rows(chunk, start_index):
            item: dict[str, Any] = {}
            for column in self.columns:
                if column in row and column != raw_json:
                    value = row[column]
                    item[column] = value if column not in tags else value_of(column, value, row["index"])
            text = row.get(raw_json) if raw_json else None
            if text is not None:
                parsed = value_of(raw_json, text, row["index"])  # a text that is not JSON stops the run
                if parsed is None or "\n" in text or "\r" in text:  # empty text, or not on one line: encoded here
                    item[raw_json], text = parsed, None
            line = json.dumps(item, ensure_ascii=False)
            if text is not None:
                line = f"{line[:-1]}, {json.dumps(raw_json)}: {text}}}"
            lines.append(line)
        if lines:
            self.file.stream.write(("\n".join(lines) + "\n").encode("utf-8"))


class ParquetSink(_BaseSink):
    """Parquet via pyarrow, one row group per batch of rows.

    Typed: Arrow types from :func:`reactivity.batch.frame.arrow_type` (``index`` int64, text columns string),
    each tag field's type name in its field metadata (``reactivity_type``), and the run's settings and versions
    (:func:`run_metadata`) as JSON under the schema metadata key ``reactivity``; pandas metadata makes
    ``pandas.read_parquet`` give the dtypes of :func:`reactivity.annotate_frame`. A missing value is null, a
    missing list an empty list. Untyped: ``index`` int64, every other column a string.
    """

    ROW_GROUP = 20000

    def __init__(self, *args: Any, **kwargs: Any):
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise OutputError("parquet output needs pyarrow (pip install pyarrow)") from None
        super().__init__(*args, **kwargs)
        self._pa = pa
        self._tags = self._typed_tags()
        self._value = _TagParser(self._tags)
        try:
            self._schema = self._make_schema() if self._tags else pa.schema(
                [(c, pa.int64() if c == "index" else pa.string()) for c in self.columns])
            self._writer = pq.ParquetWriter(self.file.stream, self._schema)
        except BaseException:
            super().discard()
            raise
        self._pending: list[dict[str, Any]] = []

    def _make_schema(self) -> Any:
        import pandas as pd

        from .frame import arrow_type, empty_tag_frame

        pa = self._pa
        assert self.table is not None
        kinds = self.table.kinds()
        fields = [pa.field(c, arrow_type(kinds[c]), metadata={"reactivity_type": kinds[c]} if c in self._tags else None)
                  for c in self.columns]
        template = empty_tag_frame(self.table.tags, self.table.tag_prefix)
        template.insert(0, "index", pd.Series([], dtype="int64"))
        pandas_meta = pa.Schema.from_pandas(template, preserve_index=False).metadata[b"pandas"]
        about = {**(self.table.about or {}), "columns": {c: kinds[c] for c in self.columns}}
        return pa.schema(fields, metadata={b"reactivity": json.dumps(about, ensure_ascii=False).encode("utf-8"),
                                           b"pandas": pandas_meta})

    def _write(self, chunk: RenderedChunk, start_index: int) -> None:
        self._pending.extend(self._table_rows(chunk, start_index))
        if len(self._pending) >= self.ROW_GROUP:
            self._flush()

    def _column(self, column: str, arrow: Any, rows: list[dict[str, Any]]) -> Any:
        pa = self._pa
        values = [row.get(column) for row in rows]
        typed = self._tags.get(column)
        if typed is None:
            return pa.array(values, type=arrow)
        kind = typed[1]
        value_of = self._value
        parsed = [value_of(column, value, row["index"]) for value, row in zip(values, rows)]
        if kind.startswith("category:"):
            categories = kind.split(":", 1)[1].split("|")
            codes = {name: code for code, name in enumerate(categories)}
            return pa.DictionaryArray.from_arrays(pa.array([None if v is None else codes[v] for v in parsed], pa.int8()),
                                                  pa.array(categories, pa.string()))
        if kind == "json":  # checked above; the text is kept as written in the SD tag (an empty one is null)
            return pa.array([None if p is None else v for p, v in zip(parsed, values)], type=arrow)
        return pa.array(parsed, type=arrow)

    def _flush(self) -> None:
        if not self._pending:
            return
        arrays = [self._column(f.name, f.type, self._pending) for f in self._schema]
        self._writer.write_table(self._pa.Table.from_arrays(arrays, schema=self._schema))
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


def open_sink(fmt: str, target: str | None, columns: TableColumns | Sequence[str], errors_target: str | None = None) -> _BaseSink:
    """The sink for a format.

    ``columns`` is a :class:`TableColumns` (``reactivity annotate``: typed values, input columns, ``source``,
    metadata) or a plain sequence of tag names (untyped text columns ``index, name, smiles`` then the tags).
    """
    table = columns if isinstance(columns, TableColumns) else TableColumns(tuple(columns), typed=False)
    if fmt == "sdf":
        return SDSink(target, (), errors_target, table)
    sink_type = {"csv": CSVSink, "jsonl": JSONLSink, "parquet": ParquetSink}[fmt]
    return sink_type(target, table.names, errors_target, table)


__all__ = [
    "AtomicFile",
    "BASE_COLUMNS",
    "OutputError",
    "CSVSink",
    "FORMATS",
    "JSONLSink",
    "ParquetSink",
    "SDSink",
    "TableColumns",
    "format_for",
    "input_column_names",
    "neutralize_cell",
    "open_sink",
    "render_rows",
    "render_sd",
    "run_metadata",
    "same_target",
    "scan_input_columns",
    "target_kind",
    "write_output",
]

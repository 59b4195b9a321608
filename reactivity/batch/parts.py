"""``annotate --output-dir DIR``: one part file per partition, a manifest, and a success marker written last.

A partition is the unit of work of the run: a byte range of a plain SD file
(:mod:`reactivity.batch.partition`), or a chunk of records of an input read by
one reader (a gzip file, standard input, a SMILES table). Each part is written
through :func:`reactivity.batch.writers.open_sink` in the requested format and
renamed into place when complete; the parts, in the order of their names, hold
every record once, in input order. Concatenated, SD parts are byte-identical to
the single output file of the same run.

``manifest.json`` lists the parts (name, input file, byte range, record counts per
status), the totals, the tool/RDKit/rule-set versions and the settings. ``_SUCCESS``
(empty) is written after the manifest: a reader that finds it knows the directory
is complete. A run that fails or is interrupted removes the parts it wrote.

An existing directory that is not empty is refused unless ``overwrite`` is given;
then only what an earlier run wrote (``part-*`` files, the manifest, the success
marker, the legend) is removed first, ``_SUCCESS`` before everything else.

>>> PartInfo("lib.sdf", 0, 4096).byte_range, PartInfo("lib.sdf.gz").byte_range
([0, 4096], None)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .writers import AtomicFile, OutputError, TableColumns, open_sink, write_failed

MANIFEST = "manifest.json"
SUCCESS = "_SUCCESS"
LEGEND = "legend.json"
MANIFEST_SCHEMA = "reactivity-annotate-parts/1"
_EXTENSIONS = {"sdf": "sdf", "csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}


@dataclass(frozen=True, slots=True)
class PartInfo:
    """Where one partition comes from: its input and, for a plain SD file, its byte range."""

    source: str
    start: int | None = None
    end: int | None = None

    @property
    def byte_range(self) -> list[int] | None:
        """``[start, end)`` in the input file, or None for records read by one reader."""
        return None if self.start is None or self.end is None else [self.start, self.end]


def check_output_dir(directory: str, overwrite: bool) -> None:
    """Refuse a directory that cannot take the parts (OutputError with a one-line reason).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = open(os.path.join(d, "x"), "w").close()
    ...     try:
    ...         check_output_dir(d, False)
    ...     except OutputError as exc:
    ...         print(str(exc).split(";")[0].endswith("is not empty"))
    True
    """
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise OutputError(f"--output-dir {directory} exists and is not a directory")
    if path.is_dir():
        if any(path.iterdir()) and not overwrite:
            raise OutputError(f"--output-dir {directory} is not empty; give --overwrite to replace the parts of an "
                              "earlier run, or choose a new directory")
        if not os.access(path, os.W_OK):
            raise OutputError(f"--output-dir {directory} is not writable")
    elif not path.parent.is_dir():
        raise OutputError(f"--output-dir parent directory {str(path.parent)!r} does not exist")


def _earlier_outputs(path: Path) -> list[Path]:
    """Files an earlier run wrote in ``path`` (the success marker first)."""
    names = [SUCCESS, MANIFEST, LEGEND]
    found = [path / n for n in names if (path / n).exists()]
    return found + sorted(p for p in path.glob("part-*") if p.is_file())


class DirectorySink:
    """A sink (``write`` / ``end_part`` / ``commit`` / ``discard``) that writes one part file per partition."""

    def __init__(self, directory: str, fmt: str, columns: Sequence[str], errors_target: str | None = None,
                 overwrite: bool = False) -> None:
        check_output_dir(directory, overwrite)
        self.directory = Path(directory)
        self.fmt = fmt
        self.columns = columns if isinstance(columns, TableColumns) else tuple(columns)  # typed table columns kept
        self.directory.mkdir(exist_ok=True)
        for old in _earlier_outputs(self.directory):
            old.unlink()
        self.errors = AtomicFile(errors_target) if errors_target else None
        self._errors_header = b""
        self.parts: list[dict[str, Any]] = []
        self.written: list[Path] = []
        self._sink: Any = None
        self._counts = {"records": 0, "ok": 0, "no_scaffold": 0, "error": 0}
        self._first = 0
        self.records_written = 0

    @property
    def legend_path(self) -> str:
        """Where the legend of compact ``RX_JSON`` goes."""
        return str(self.directory / LEGEND)

    def _part_name(self) -> str:
        return f"part-{len(self.parts):05d}.{_EXTENSIONS[self.fmt]}"

    def write(self, chunk: Any, start_index: int) -> None:
        """Add a rendered chunk to the current part (its failed records to the errors file)."""
        self._errors_header = write_failed(self.errors, chunk, self._errors_header)
        if self._sink is None:
            self._open(start_index)
        self._sink.write(chunk, start_index)
        for key, value in (("records", chunk.count), ("ok", chunk.ok), ("no_scaffold", chunk.no_scaffold),
                           ("error", chunk.errors)):
            self._counts[key] += value
        self.records_written = start_index + chunk.count

    def _open(self, start_index: int) -> None:
        self._sink = open_sink(self.fmt, str(self.directory / self._part_name()), self.columns)
        self._first = start_index

    def end_part(self, part: PartInfo) -> None:
        """Close the current part (an empty one when the partition held no record) and note it for the manifest."""
        if self._sink is None:
            self._open(self.records_written)
        name = self._part_name()
        self._sink.commit()
        self._sink = None
        self.written.append(self.directory / name)
        self.parts.append({"name": name, "input": part.source, "byte_range": part.byte_range,
                           "first_record": self._first, **self._counts})
        self._counts = {"records": 0, "ok": 0, "no_scaffold": 0, "error": 0}

    def commit(self, about: Mapping[str, Any] | None = None) -> None:
        """Write the errors file, then the manifest, then the success marker (last)."""
        if self._sink is not None:
            raise OutputError("internal error: a part was not closed")
        if self.errors is not None:
            self.errors.commit()
        totals = {key: sum(p[key] for p in self.parts) for key in ("records", "ok", "no_scaffold", "error")}
        manifest = {"schema": MANIFEST_SCHEMA, "format": self.fmt, **(about or {}), "totals": totals, "parts": self.parts}
        temporary = self.directory / f".{MANIFEST}.part{os.getpid()}"
        temporary.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, self.directory / MANIFEST)
        (self.directory / SUCCESS).write_bytes(b"")

    def discard(self) -> None:
        """Remove the parts this run wrote (and its temporary files); no manifest, no success marker."""
        if self._sink is not None:
            self._sink.discard()
            self._sink = None
        if self.errors is not None:
            self.errors.discard()
        for path in self.written:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        self.written = []


__all__ = ["LEGEND", "MANIFEST", "SUCCESS", "DirectorySink", "PartInfo", "check_output_dir"]

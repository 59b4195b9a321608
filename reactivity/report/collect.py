"""Records for the report: annotate inputs with the batch pipeline, or read an earlier annotation back.

The inputs are read exactly as ``reactivity annotate`` reads them
(:func:`reactivity.batch.annotate.iter_chunks`); records are annotated by
:func:`reactivity.batch.annotate.annotate_chunk`. An SD record that already
carries an ``RX_JSON`` data item is not annotated again: its items are read
back as they are (their scored condition is the one recorded).

>>> from rdkit import Chem
>>> block = Chem.MolToMolBlock(Chem.MolFromSmiles("CCO")) + ">  <RX_STATUS>\\nno_scaffold\\n\\n>  <RX_JSON>\\n{\\"status\\": \\"no_scaffold\\"}\\n\\n"
>>> data_items(block.encode(), "RX_")["RX_STATUS"]
'no_scaffold'
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..batch.annotate import AnnotateSettings, annotate_chunk, iter_chunks, make_sources, molblock_end, record_title

_ITEM_HEADER = re.compile(r"^>.*?<([^>]*)>")


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One record for the report.

    ``document`` is the parsed ``RX_JSON`` annotation; ``tags`` the ``RX_*``
    items; ``molblock`` the record's molblock text (atom order as in the
    input), used only for pictures; ``reused`` is True when the annotation was
    read from the input instead of computed.
    """

    index: int
    name: str
    status: str
    document: dict[str, Any]
    tags: dict[str, str]
    molblock: bytes
    reused: bool


def data_items(record: bytes, prefix: str) -> dict[str, str]:
    """The data items of an SD record whose names start with ``prefix`` (values joined by newlines)."""
    start = max(molblock_end(record), 0)
    items: dict[str, str] = {}
    name: str | None = None
    lines: list[str] = []
    for line in record[start:].decode("utf-8", "replace").splitlines():
        header = _ITEM_HEADER.match(line) if line.startswith(">") else None
        if header is not None:
            if name is not None:
                items[name] = "\n".join(lines)
            name, lines = (header.group(1) if header.group(1).startswith(prefix) else None), []
        elif name is not None:
            if line.strip():
                lines.append(line)
            else:
                items[name] = "\n".join(lines)
                name = None
    if name is not None:
        items[name] = "\n".join(lines)
    return items


def _molblock(record: bytes) -> bytes:
    end = molblock_end(record)
    return record[:end] if end >= 0 else b""


def _reused(index: int, raw: bytes, prefix: str, legend: dict[str, Any] | None = None) -> ReportRecord | None:
    """The record's own earlier annotation, or None when it has none (or an unreadable one)."""
    if f"<{prefix}JSON>".encode() not in raw:
        return None
    items = data_items(raw, prefix)
    try:
        document = json.loads(items.get(prefix + "JSON", ""))
    except ValueError:
        return None
    if not isinstance(document, dict) or "status" not in document:
        return None
    if document.get("json_detail") == "compact":
        if legend is None:
            return None  # its texts are in a legend we do not have: annotate the record again rather than show references
        from ..batch.legend import expand

        try:
            document = expand(document, legend)
        except KeyError:
            return None
        document.pop("json_detail", None)
    return ReportRecord(index, record_title(raw), str(document["status"]), document, items, _molblock(raw), True)


def _legend_beside(name: str) -> dict[str, Any] | None:
    """The legend that ``reactivity annotate`` wrote beside an annotated SD file (compact RX_JSON), if any."""
    from ..batch.legend import default_legend_path, read_legend

    path = default_legend_path(name)
    if name == "-" or not os.path.isfile(path):
        return None
    try:
        return read_legend(path)
    except (OSError, ValueError):
        return None


def report_records(batch: list[bytes], settings: AnnotateSettings, start: int,
                   legend: dict[str, Any] | None = None) -> list[ReportRecord]:
    """One chunk of raw records (indices from ``start``) as report records; pure, so worker processes can run it.

    ``legend``: the run's legend, to read compact ``RX_JSON`` back (without it such records are annotated again).
    """
    prefix = settings.tag_prefix
    found: list[ReportRecord | None] = [
        _reused(start + i, raw, prefix, legend) if settings.table is None else None for i, raw in enumerate(batch)
    ]
    todo = [raw for raw, record in zip(batch, found) if record is None]
    annotated = iter(annotate_chunk(todo, settings)) if todo else iter(())
    records: list[ReportRecord] = []
    for i, record in enumerate(found):
        if record is None:
            result = next(annotated)
            document = json.loads(result.tags.get(prefix + "JSON", "{}"))
            record = ReportRecord(start + i, result.name, result.status, document, result.tags, _molblock(result.body), False)
        records.append(record)
    return records


def iter_report_records(inputs: Sequence[str], settings: AnnotateSettings, chunk_size: int = 500,
                        smiles_column: str | None = None, jobs: int = 1,
                        warnings: list[str] | None = None) -> Iterator[ReportRecord]:
    """Every input record once, in input order, with its annotation (computed, or read back from ``RX_JSON``).

    ``jobs`` worker processes annotate chunks in parallel (0: all cores); the order is kept. Input warnings
    (a truncated gzip stream...) are appended to ``warnings`` as ``name: text`` once the inputs are read.
    """
    settings = replace(settings, output_format="sdf")  # SMILES rows then come with a molblock in SMILES atom order
    sources = make_sources(inputs)

    def numbered() -> Iterator[tuple[list[bytes], AnnotateSettings, int, dict[str, Any] | None]]:
        start = 0
        for source in sources:
            legend = _legend_beside(source.name)
            for batch, chunk_settings in iter_chunks([source], settings, chunk_size, smiles_column):
                yield batch, chunk_settings, start, legend
                start += len(batch)
        if warnings is not None:
            warnings.extend(f"{source.name}: {text}" for source in sources for text in source.warnings)

    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs == 1:
        chunks: Iterable[list[ReportRecord]] = (report_records(*work) for work in numbered())
    else:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs", batch_size=1)
        chunks = parallel(delayed(report_records)(*work) for work in numbered())
    for chunk in chunks:
        yield from chunk


__all__ = ["ReportRecord", "data_items", "iter_report_records", "report_records"]

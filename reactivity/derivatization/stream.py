"""Streaming derivatization of a library: records in, product (or plan) records out, in input order.

Reading and writing go through the batch layer (:mod:`reactivity.batch`): the same readers (SD, SMILES tables,
gzip, standard input), the same sinks (SD, CSV, JSONL, Parquet, written atomically) and the same contract: one
output record per input record x reagent, in input order; a record or reagent that cannot be read gives an
``error`` record, never a gap.

>>> from reactivity.molecule import mol_from_smiles
>>> from rdkit import Chem
>>> block = Chem.MolToMolBlock(mol_from_smiles("O=C1CNCCCN1")).encode()
>>> reagents = load_reagents_from_smiles([("AcCl", "CC(=O)Cl")])
>>> out = derivatize_chunk([block], DerivatizeSettings("acylation"), reagents, start=0)
>>> out[0].tags["RX_OUTCOME"], out[0].tags["RX_REACTING_ATOMS"], out[0].tags["RX_PRODUCT_SMILES"]
('clean', '4', 'CC(=O)N1CCCNC(=O)C1')
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rdkit import Chem, rdBase

from ..atomtext import numbered
from ..batch.annotate import (
    AnnotatedRecord,
    AnnotateSettings,
    RenderedChunk,
    iter_chunks,
    make_sources,
    parse_sd_record,
    record_title,
    strip_prefixed_items,
)
from ..batch.records import TableLayout, newline_of
from ..errors import ReactivityError
from ..molecule import mol_from_smiles
from .planner import DerivatizationPlan, ProductRecord, enumerate_products
from .rules import load_reaction_rules

PLAN_TAGS = ("STATUS", "ERROR", "REACTION", "OUTCOME", "REACTING_ATOMS", "MINOR_ATOMS", "RULE", "REASON",
             "PROTECTION_PLAN", "PRODUCT_SMILES", "WARNINGS", "JSON")
PRODUCT_TAGS = ("STATUS", "ERROR", "SOURCE_INDEX", "SOURCE_ID", "REAGENT_INDEX", "REAGENT_ID", "REAGENT_SMILES",
                "REACTION", "OUTCOME", "REACTING_ATOMS", "PRODUCT_SMILES", "PRODUCT_MZ_MH", "SIDE_PRODUCTS", "WARNINGS",
                "PROTECTION_PLAN", "REASON", "JSON")
_EMPTY_MOLBLOCK = "\n  reactivity\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n"


@dataclass(frozen=True)
class DerivatizeSettings:
    """What :func:`derivatize_chunk` needs besides the records (picklable)."""

    reaction: str
    tag_prefix: str = "RX_"
    output_format: str = "sdf"
    table: TableLayout | None = None

    @property
    def want_smiles(self) -> bool:
        """Table outputs carry a SMILES column."""
        return self.output_format != "sdf"


@dataclass(frozen=True, slots=True)
class Reagent:
    """One reagent of the list: its id (name), its SMILES text, and the molecule (None with ``error``)."""

    index: int
    id: str
    smiles: str
    mol: Chem.Mol | None
    error: str = ""

    @property
    def as_input(self) -> Chem.Mol | str | None:
        """What :func:`enumerate_products` gets: the molecule, or the unreadable SMILES (so its error is reported)."""
        return self.mol if self.mol is not None else (self.smiles or None)


def tag_names(prefix: str, with_reagents: bool) -> tuple[str, ...]:
    """The tags (table columns) written, prefixed, in order.

    >>> tag_names("RX_", True)[:4]
    ('RX_STATUS', 'RX_ERROR', 'RX_SOURCE_INDEX', 'RX_SOURCE_ID')
    """
    return tuple(prefix + t for t in (PRODUCT_TAGS if with_reagents else PLAN_TAGS))


def load_reagents_from_smiles(rows: Sequence[tuple[str, str]]) -> list[Reagent]:
    """Reagents from ``(id, SMILES)`` pairs; a SMILES that does not parse is kept with its error.

    >>> [(r.id, r.error) for r in load_reagents_from_smiles([("a", "CC(=O)Cl"), ("b", "C1CC(")])]
    [('a', ''), ('b', 'SMILES Parse Error: syntax error while parsing: C1CC(')]
    """
    out: list[Reagent] = []
    for index, (name, smiles) in enumerate(rows):
        try:
            out.append(Reagent(index, name or f"reagent_{index + 1}", smiles, mol_from_smiles(smiles)))
        except ReactivityError as exc:
            out.append(Reagent(index, name or f"reagent_{index + 1}", smiles, None, str(exc)))
    return out


def read_reagents(path: str, smiles_column: str | None = None) -> list[Reagent]:
    """Read a reagent list (SMILES table or SD file) with the batch readers; unreadable entries are kept."""
    sources = make_sources([path])
    reagents: list[Reagent] = []
    for batch, settings in iter_chunks(sources, AnnotateSettings(chemistry=False), 1000, smiles_column):
        for raw in batch:
            index = len(reagents)
            if settings.table is not None:
                cells = settings.table.split(raw)
                layout = settings.table
                smiles = cells[layout.smiles_index].strip() if layout.smiles_index < len(cells) else ""
                name = cells[layout.name_index].strip() if layout.name_index is not None and layout.name_index < len(cells) else ""
                try:
                    reagents.append(Reagent(index, name or f"reagent_{index + 1}", smiles, mol_from_smiles(smiles)))
                except ReactivityError as exc:
                    reagents.append(Reagent(index, name or f"reagent_{index + 1}", smiles, None, str(exc)))
            else:
                body = bytes(raw)
                with rdBase.BlockLogs():
                    mol, error, _ = parse_sd_record(body)
                name = record_title(body) or f"reagent_{index + 1}"
                smiles = Chem.MolToSmiles(Chem.RemoveHs(mol, sanitize=False)) if mol is not None else ""
                reagents.append(Reagent(index, name, smiles, mol, "" if mol is not None else (getattr(raw, "reason", "") or error)))
    return reagents


# ------------------------------------------------------------------------------------------------ per chunk


@dataclass(slots=True)
class _Input:
    index: int
    raw: bytes
    body: bytes
    newline: bytes
    name: str
    smiles: str
    mol: Chem.Mol | None
    error: str
    numbers: list[int] | None
    cells: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


def _read_input(raw: bytes, index: int, settings: DerivatizeSettings) -> _Input:
    if settings.table is not None:
        layout = settings.table
        cells = tuple(layout.split(raw))
        smiles = cells[layout.smiles_index].strip() if layout.smiles_index < len(cells) else ""
        name = cells[layout.name_index].strip() if layout.name_index is not None and layout.name_index < len(cells) else ""
        try:
            mol, error = mol_from_smiles(smiles), ""
        except ReactivityError as exc:
            mol, error = None, str(exc)
        return _Input(index, bytes(raw), b"", b"\n", name, smiles, mol, error or getattr(raw, "reason", ""), None,
                      cells, layout.columns)
    body = strip_prefixed_items(bytes(raw), settings.tag_prefix.encode("ascii"))
    mol, error, numbers = parse_sd_record(body)
    if getattr(raw, "reason", ""):
        mol, error = None, raw.reason  # type: ignore[attr-defined]
    return _Input(index, bytes(raw), body, newline_of(body), record_title(body), "", mol, error, numbers)


def _number(item: _Input) -> Callable[[int], int]:
    numbers = item.numbers
    return (lambda i: i + 1) if numbers is None else (lambda i: numbers[i])


def _atoms(plan: DerivatizationPlan, number: Callable[[int], int], minor: bool = False) -> str:
    sites = plan.minor_sites if minor else plan.reacting_sites
    return ",".join(str(number(s.atom)) for s in sites)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _product_json(plan: DerivatizationPlan, number: Callable[[int], int]) -> dict[str, Any]:
    """The per-product JSON: the compact plan (atoms 1-based) plus the product; the class text is left to the plan mode."""
    from .tags import compact_plan

    data = compact_plan(plan, number)
    data.update({"reaction": plan.reaction, "reagent_type": plan.reagent_type,
                 "product": plan.product.to_dict() if plan.product else None, "side_products": list(plan.side_products),
                 "atom_numbering": "1-based numbers of the input record's atoms", "ruleset_version": plan.ruleset_version})
    return data


def _plan_json(plan: DerivatizationPlan, number: Callable[[int], int]) -> dict[str, Any]:
    data = numbered(plan.to_dict(), number)  # the atoms named in the texts, as numbered in the record
    data["atom_numbering"] = ("atom fields: 0-based atom indices; reacting_atoms_numbered and the atoms named in the "
                              "texts: 1-based numbers of the input record's atoms")
    data["reacting_atoms_numbered"] = [number(a) for a in plan.reacting_atoms]
    return data


def _plan_tags(prefix: str, item: _Input, record: ProductRecord, reaction: str) -> dict[str, str]:
    tags: dict[str, str] = {"STATUS": record.status}
    if record.status == "error":
        tags["ERROR"] = _one_line(record.error)
        tags["REACTION"] = reaction
        return {prefix + k: v for k, v in tags.items()}
    plan = record.plan
    assert plan is not None
    number = _number(item)
    tags.update({
        "REACTION": reaction,
        "OUTCOME": plan.outcome,
        "REACTING_ATOMS": _atoms(plan, number),
        "MINOR_ATOMS": _atoms(plan, number, minor=True),
        "RULE": _one_line(numbered(plan.rule, number)),
        "REASON": _one_line(numbered(plan.reason, number)),
        "PROTECTION_PLAN": " | ".join(numbered(list(plan.protection_plan), number)),
        "PRODUCT_SMILES": plan.product_smiles or "",
        "WARNINGS": _one_line(plan.warning_text()),
        "JSON": json.dumps(_plan_json(plan, number), separators=(",", ":"), ensure_ascii=False),
    })
    return {prefix + k: v for k, v in tags.items() if v != "" or k in ("OUTCOME",)}


def _product_tags(prefix: str, item: _Input, reagent: Reagent, record: ProductRecord, reaction: str) -> dict[str, str]:
    tags: dict[str, str] = {
        "STATUS": record.status,
        "SOURCE_INDEX": str(item.index),
        "SOURCE_ID": _one_line(item.name),
        "REAGENT_INDEX": str(reagent.index),
        "REAGENT_ID": _one_line(reagent.id),
        "REAGENT_SMILES": reagent.smiles,
        "REACTION": reaction,
    }
    if record.status == "error":
        error = item.error if item.mol is None and item.error else record.error
        if reagent.error and item.mol is not None:
            error = f"reagent {reagent.id}: {reagent.error}"
        tags["ERROR"] = _one_line(error)
        return {prefix + k: v for k, v in tags.items() if v != ""}
    plan = record.plan
    assert plan is not None
    number = _number(item)
    tags.update({
        "OUTCOME": plan.outcome,
        "REACTING_ATOMS": _atoms(plan, number),
        "PRODUCT_SMILES": plan.product_smiles or "",
        "PRODUCT_MZ_MH": f"{plan.product.mz_mh:.4f}" if plan.product and plan.product.mz_mh else "",
        "SIDE_PRODUCTS": ";".join(plan.side_products),
        "WARNINGS": _one_line(plan.warning_text()),
        "PROTECTION_PLAN": " | ".join(numbered(list(plan.protection_plan), number)),
        "REASON": _one_line(numbered(plan.reason, number)),
        "JSON": json.dumps(_product_json(plan, number), separators=(",", ":"), ensure_ascii=False),
    })
    return {prefix + k: v for k, v in tags.items() if v != ""}


def _product_body(item: _Input, reagent: Reagent, record: ProductRecord) -> bytes:
    block = _EMPTY_MOLBLOCK
    smiles = record.plan.product_smiles if record.plan else None
    if smiles:
        try:
            block = Chem.MolToMolBlock(Chem.MolFromSmiles(smiles))
        except Exception:  # noqa: BLE001 - the tags still carry the SMILES
            block = _EMPTY_MOLBLOCK
    title = _one_line(f"{item.name or f'record_{item.index + 1}'} + {reagent.id}")
    return (title + block[block.find("\n"):]).encode("utf-8")


def _table_body(item: _Input) -> bytes:
    block = _EMPTY_MOLBLOCK
    if item.mol is not None:
        try:
            block = Chem.MolToMolBlock(item.mol)
        except Exception:  # noqa: BLE001
            block = _EMPTY_MOLBLOCK
    block = _one_line(item.name) + block[block.find("\n"):]
    items = "".join(f">  <{c or f'column_{i + 1}'}>\n{_one_line(v)}\n\n" for i, (c, v) in enumerate(zip(item.columns, item.cells)))
    return (block + items).encode("utf-8")


def _input_smiles(item: _Input) -> str:
    if item.smiles or item.mol is None:
        return item.smiles
    try:
        return Chem.MolToSmiles(Chem.RemoveHs(item.mol, sanitize=False))
    except Exception:  # noqa: BLE001 - convenience column
        return ""


def derivatize_chunk(
    raw_records: Sequence[bytes], settings: DerivatizeSettings, reagents: Sequence[Reagent] | None, start: int
) -> list[AnnotatedRecord]:
    """Plan (no reagents) or enumerate products (reagents) for a chunk of raw input records, in order.

    ``start`` is the input index of the first record (``RX_SOURCE_INDEX`` counts on across chunks).
    """
    prefix = settings.tag_prefix
    with rdBase.BlockLogs():
        items = [_read_input(raw, start + i, settings) for i, raw in enumerate(raw_records)]
        out: list[AnnotatedRecord] = []
        if reagents:
            records = enumerate_products((it.mol for it in items), settings.reaction, [r.as_input for r in reagents])
            for record in records:
                item = items[record.mol_index]
                reagent = reagents[record.reagent_index]
                tags = _product_tags(prefix, item, reagent, record, settings.reaction)
                smiles = record.plan.product_smiles or "" if record.plan else ""
                name = f"{item.name or f'record_{item.index + 1}'} + {reagent.id}"
                status = "ok" if record.status == "ok" else "error"
                out.append(AnnotatedRecord(item.raw, _product_body(item, reagent, record), b"\n", name, smiles, status, tags))  # type: ignore[arg-type]
        else:
            for item in items:
                record = _plan_record(item, settings.reaction)
                tags = _plan_tags(prefix, item, record, settings.reaction)
                body = _table_body(item) if settings.table is not None else item.body
                status = "ok" if record.status == "ok" else "error"
                smiles = _input_smiles(item) if settings.want_smiles else ""
                out.append(AnnotatedRecord(item.raw, body, item.newline, item.name, smiles, status, tags, item.cells))  # type: ignore[arg-type]
    return out


def _plan_record(item: _Input, reaction: str) -> ProductRecord:
    from .planner import plan_derivatization

    if item.mol is None:
        return ProductRecord(item.index, 0, "error", item.error or "molecule could not be read", None)
    try:
        return ProductRecord(item.index, 0, "ok", "", plan_derivatization(item.mol, reaction))
    except ReactivityError as exc:
        return ProductRecord(item.index, 0, "error", f"planning failed: {exc}", None)
    except Exception as exc:  # noqa: BLE001 - one bad molecule must not stop a library
        return ProductRecord(item.index, 0, "error", f"internal error in planning: {type(exc).__name__}: {exc}", None)


# ---------------------------------------------------------------------------------------------- orchestration


@dataclass
class DerivatizeSummary:
    """Counts and timing of one run."""

    inputs: int = 0
    records: int = 0
    errors: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    products: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary printed at the end.

        >>> DerivatizeSummary(2, 4, 1, {"clean": 3}, 3, 2.0).line()
        '2 input records -> 4 output records (3 products): clean 3, 1 error in 2.0 s'
        """
        from ..batch.annotate import counted

        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return (f"{counted(self.inputs, 'input record')} -> {counted(self.records, 'output record')} "
                f"({counted(self.products, 'product')}): "
                f"{counts + ', ' if counts else ''}{counted(self.errors, 'error')} in {self.seconds:.1f} s")


def derivatize_and_render(
    batch: list[bytes], settings: DerivatizeSettings, reagents: Sequence[Reagent] | None, start: int
) -> tuple[RenderedChunk, dict[str, int], int]:
    """Worker entry point: :func:`derivatize_chunk` plus rendering, outcome counts and the number of products."""
    from ..batch.writers import render_rows, render_sd

    records = derivatize_chunk(batch, settings, reagents, start)
    errors = sum(1 for r in records if r.status == "error")
    outcomes: dict[str, int] = {}
    products = 0
    for r in records:
        outcome = r.tags.get(settings.tag_prefix + "OUTCOME")
        if outcome:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        products += bool(r.tags.get(settings.tag_prefix + "PRODUCT_SMILES"))
    if settings.output_format == "sdf":
        sd, rows = render_sd(records), []
    else:
        sd, rows = b"", render_rows(records)
    rendered = RenderedChunk(count=len(records), ok=len(records) - errors, no_scaffold=0, errors=errors, sd=sd,
                             rows=rows, failed=[], bytes_in=sum(len(b) for b in batch))
    return rendered, outcomes, products


def run_derivatize(
    inputs: Sequence[str],
    sink: Any,
    settings: DerivatizeSettings,
    reagents: Sequence[Reagent] | None,
    chunk_size: int = 200,
    smiles_column: str | None = None,
    jobs: int = 1,
) -> DerivatizeSummary:
    """Stream every input through :func:`derivatize_chunk` into a batch-layer sink, in input order.

    ``jobs`` worker processes (1: this process; 0: all cores); the output is the same for any number.
    """
    load_reaction_rules().reaction(settings.reaction)  # unknown class: fail before reading anything
    sources = make_sources(inputs)
    summary = DerivatizeSummary()
    started = time.perf_counter()
    base = AnnotateSettings(chemistry=False, tag_prefix=settings.tag_prefix, output_format=settings.output_format)

    def chunks() -> Iterator[tuple[list[bytes], DerivatizeSettings, Sequence[Reagent] | None, int]]:
        first = 0
        for batch, batch_settings in iter_chunks(sources, base, chunk_size, smiles_column):
            yield batch, replace(settings, table=batch_settings.table), reagents, first
            first += len(batch)

    if jobs == 0:
        jobs = os.cpu_count() or 1
    results: Iterable[tuple[RenderedChunk, dict[str, int], int]]
    if jobs == 1:
        results = (derivatize_and_render(*chunk) for chunk in chunks())
    else:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs", batch_size=1)
        results = parallel(delayed(derivatize_and_render)(*chunk) for chunk in chunks())
    for rendered, outcomes, products in results:
        sink.write(rendered, summary.records)
        summary.records += rendered.count
        summary.errors += rendered.errors
        summary.products += products
        for outcome, count in outcomes.items():
            summary.outcomes[outcome] = summary.outcomes.get(outcome, 0) + count
    summary.inputs = summary.records // len(reagents) if reagents else summary.records  # one record per input x reagent
    summary.seconds = time.perf_counter() - started
    for source in sources:
        summary.warnings.extend(f"{source.name}: {w}" for w in source.warnings)
    return summary


__all__ = [
    "DerivatizeSettings",
    "DerivatizeSummary",
    "Reagent",
    "derivatize_and_render",
    "derivatize_chunk",
    "load_reagents_from_smiles",
    "read_reagents",
    "run_derivatize",
    "tag_names",
]

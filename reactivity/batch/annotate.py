"""Batch annotation: a pure per-chunk function plus streaming, ordered, optionally parallel orchestration.

:func:`annotate_chunk` turns a list of raw records (bytes) into annotated
records; it reads no files and keeps no state, so any backend (joblib here, a
cluster later) can run it. :func:`run_annotation` reads the inputs in bounded
chunks, annotates them (``jobs`` worker processes, input order kept) and hands
each finished chunk to a sink.

>>> from rdkit import Chem
>>> block = Chem.MolToMolBlock(Chem.MolFromSmiles("CCO")).encode()
>>> [r.status for r in annotate_chunk([block, b"junk\\n"], AnnotateSettings(chemistry=False))]
['no_scaffold', 'error']
"""

from __future__ import annotations

import csv
import io
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, Protocol

from rdkit import Chem, rdBase

from ..errors import ReactivityError
from ..molecule import FreeBaseView, _first_log_line, assign_stereo, mol_from_smiles, read_form, smiles_atom_count
from ..perception import perceive_with_view, related_scaffolds
from . import tags as T
from .records import (
    MAX_RECORD_BYTES,
    InputSource,
    OversizedRecord,
    TableLayout,
    first_line_break,
    input_size,
    iter_sd_records,
    newline_of,
    open_input,
    peek_table,
    sniff_format,
)

Status = Literal["ok", "no_scaffold", "error"]

#: Atoms per record (as written: explicit H counted, implicit H not) beyond which a record is not
#: parsed but becomes an ``error`` record; ``0`` means no limit. Perception and scoring time grow
#: faster than linearly with size, and RDKit's recursive writers crash on chains of tens of
#: thousands of atoms.
DEFAULT_MAX_ATOMS = 2000

_ITEM_NAME = re.compile(rb"<([^>]*)>")
_TIMESTAMP = re.compile(r"^\[\d\d:\d\d:\d\d\]\s*")


@dataclass(frozen=True)
class AnnotateSettings:
    """Everything :func:`annotate_chunk` needs besides the records (picklable)."""

    ph: float = 7.0
    temperature_c: float = 25.0
    hours: float = 24.0
    conditions: tuple[str, ...] = ()
    tag_prefix: str = "RX_"
    output_format: str = "sdf"
    table: TableLayout | None = None
    chemistry: bool = True
    max_atoms: int = DEFAULT_MAX_ATOMS
    neutralize_failed_rows: bool = False  # --errors FILE.csv: failed table rows get formula cells neutralized
    stability: bool = False
    basicity: bool = False
    nitrosamine: bool = False
    reactions: tuple[str, ...] = ()  # annotate --reactions: RX_RXN_<CLASS> (reactivity.derivatization)
    json_detail: str = "full"  # RX_JSON: full | compact (prose in the run's legend, reactivity.batch.legend) | none
    source: str = ""  # the input these records come from (the ``source`` column of a table output from several inputs)

    @property
    def want_smiles(self) -> bool:
        """Tables (CSV, JSONL, Parquet) carry the input SMILES; SD output does not need it."""
        return self.output_format != "sdf"


@dataclass(frozen=True, slots=True)
class AnnotatedRecord:
    """One record after annotation.

    ``raw`` is the record exactly as read; ``body`` is what the SD writer
    copies (``raw`` without data items already carrying the tag prefix, or a
    generated molblock for a SMILES-table row); ``tags`` are the new data
    items, prefixed, in output order.
    """

    raw: bytes
    body: bytes
    newline: bytes
    name: str
    smiles: str
    status: Status
    tags: dict[str, str]
    source_row: tuple[str, ...] = ()

    def with_tags(self, tags: dict[str, str]) -> AnnotatedRecord:
        """The same record with other tags (``dataclasses.replace`` without its per-call field lookup)."""
        return AnnotatedRecord(self.raw, self.body, self.newline, self.name, self.smiles, self.status, tags,
                               self.source_row)


# --------------------------------------------------------------------------- record text


def molblock_end(record: bytes) -> int:
    """Index just past the ``M  END`` line (its line ending included), or -1 when there is none.

    >>> molblock_end(b"t\\r\\nM  END\\r\\n> <A>"), molblock_end(b"M  END"), molblock_end(b"x M  END\\n")
    (11, 6, -1)
    """
    position = record.find(b"M  END")
    while position > 0 and record[position - 1] not in (10, 13):
        position = record.find(b"M  END", position + 6)
    if position < 0:
        return -1
    line_end = position + 6
    length = len(record)
    while line_end < length and record[line_end] not in (10, 13):
        line_end += 1
    if line_end < length:
        line_end += 2 if record[line_end] == 13 and line_end + 1 < length and record[line_end + 1] == 10 else 1
    return line_end


def strip_prefixed_items(record: bytes, prefix: bytes) -> bytes:
    """Remove data items whose name starts with ``prefix`` (an earlier annotation), keep every other byte.

    >>> strip_prefixed_items(b"M  END\\n>  <RX_STATUS>\\nok\\n\\n>  <ID>\\n7\\n\\n", b"RX_")
    b'M  END\\n>  <ID>\\n7\\n\\n'
    """
    if b"<" + prefix not in record:
        return record
    start = max(molblock_end(record), 0)
    kept: list[bytes] = []
    skipping = False
    for line in record[start:].splitlines(keepends=True):
        content = line.rstrip(b"\r\n")
        if content.startswith(b">"):
            name = _ITEM_NAME.search(content)
            skipping = bool(name and name.group(1).startswith(prefix))
            if not skipping:
                kept.append(line)
        elif skipping:
            if not content.strip():
                skipping = False
        else:
            kept.append(line)
    return record[:start] + b"".join(kept)


def record_title(record: bytes) -> str:
    """The record's first line (its name), decoded leniently.

    >>> record_title(b"diazepam\\r\\n  RDKit\\r\\n")
    'diazepam'
    """
    end = first_line_break(record)[0]
    line = record[:end] if end >= 0 else record
    return line.decode("utf-8", "replace").strip()


def v3000_atom_numbers(block: str) -> list[int] | None:
    """The atom numbers written in a V3000 atom block, in block order (None when absent).

    >>> v3000_atom_numbers("M  V30 BEGIN ATOM\\nM  V30 4 C 0 0 0 0\\nM  V30 9 O 0 0 0 0\\nM  V30 END ATOM\\n")
    [4, 9]
    """
    begin = block.find("M  V30 BEGIN ATOM")
    if begin < 0:
        return None
    numbers: list[int] = []
    continued = False
    for line in block[begin:].split("\n")[1:]:
        if line.startswith("M  V30 END ATOM"):
            break
        body = line[7:].strip() if line.startswith("M  V30") else ""
        if not continued and body:
            token = body.split(None, 1)[0]
            if not token.isdigit():
                return None
            numbers.append(int(token))
        continued = body.endswith("-")
    return numbers


def _first_line(text: str) -> str:
    """The first line of an RDKit message that gives a reason (timestamps and ``****`` banner lines skipped)."""
    return _first_log_line(text)


def _sanitize_reason(exc: Exception) -> str:
    message = _first_line(str(exc)) or type(exc).__name__
    return f"sanitize: {message[0].lower()}{message[1:]}"


_V30_COUNTS = re.compile(r"^M  V30 COUNTS\s+(\d+)\s+(\d+)", re.MULTILINE)


def check_counts(text: str, max_atoms: int = 0) -> str:
    """Why a molblock must not go to RDKit (empty string when it may): counts beyond its lines, or too many atoms.

    The counts line (V2000 line 4, or V3000 ``M  V30 COUNTS``) is checked
    against the lines the block really holds before RDKit allocates anything
    for it, and against ``max_atoms`` (0: no limit). ``text`` has LF line endings.

    >>> check_counts("x\\n\\n\\n  0  0  0  0  0  0  0  0  0  0999 V3000\\nM  V30 BEGIN CTAB\\nM  V30 COUNTS 400000000 0 0 0 0\\n")
    'the V3000 COUNTS line announces 400000000 atoms and 0 bonds but the molblock has only 6 lines'
    >>> check_counts("x\\n\\n\\n  3  2  0  0  0  0  0  0  0  0999 V2000\\n" + "a\\n" * 5 + "M  END\\n", max_atoms=2)
    'record has 3 atoms, more than the limit of 2 atoms per record (--max-atoms)'
    """
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    start = 0
    for _ in range(3):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    counts = text[start : text.find("\n", start) if text.find("\n", start) >= 0 else len(text)]
    atoms = bonds = -1
    if "V3000" in counts:
        found = _V30_COUNTS.search(text)
        if found is not None:
            atoms, bonds = int(found.group(1)), int(found.group(2))
            kind = "the V3000 COUNTS line"
    else:
        try:
            atoms, bonds = int(counts[0:3]), int(counts[3:6])
            kind = "the counts line"
        except ValueError:
            return ""
    if atoms < 0:
        return ""
    if atoms + bonds > lines:
        return f"{kind} announces {atoms} atoms and {bonds} bonds but the molblock has only {lines} lines"
    if max_atoms and atoms > max_atoms:
        return f"record has {atoms} atoms, more than the limit of {max_atoms} atoms per record (--max-atoms)"
    return ""


def parse_sd_record(body: bytes, max_atoms: int = 0, screen: Callable[[Chem.Mol], bool] | None = None
                    ) -> tuple[Chem.Mol | None, str, list[int] | None]:
    """Parse one SD record (explicit H atoms and atom order kept) into ``(mol, error, atom_numbers)``.

    Only the molblock (up to ``M  END``) goes to RDKit; data items are not
    parsed. ``atom_numbers`` is None when atom ``i`` is number ``i + 1``.
    A record that only fails because blank lines precede its title is read
    again without them.

    With ``screen`` (e.g. :func:`reactivity.perception.may_hold_ring`, which needs ring membership only) the
    molecule as read gets its rings from ``Chem.FastFindRings`` and meets the screen first: one it accepts is fully
    sanitized as without a screen; one it rejects only goes through the sanitization steps that can refuse a molecule
    (:data:`VALIDITY_CHECKS`, for the same error text) and a valid one gives ``(None, "", None)``.

    >>> mol, error, numbers = parse_sd_record(b"\\n  x\\n\\n  1  0  0  0  0  0  0  0  0  0999 V2000\\n"
    ...     b"    0.0000    0.0000    0.0000 N   0  0  0  0  0  5  0  0  0  0  0  0\\nM  END\\n")
    >>> mol is None, error
    (True, 'sanitize: explicit valence for atom # 0 N, 5, is greater than permitted')
    """
    if not body or body.isspace():  # (not body.strip(), without copying the record)
        return None, "empty record", None
    end = molblock_end(body)
    block = body[:end] if end >= 0 else body
    # RDKit gets ASCII only: a stray byte in a title or atom line becomes "?" (the output keeps the original bytes).
    text = (block if block.isascii() else block.translate(_ASCII_ONLY)).decode("ascii")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    refused = check_counts(text, max_atoms)
    if refused and "announces" in refused and text.startswith("\n"):
        # Blank lines before the title shift the counts line (such records are read again without them below).
        stripped = text.lstrip("\n")
        fourth = stripped.split("\n", 4)[3] if stripped.count("\n") >= 4 else ""
        if ("V2000" in fourth or "V3000" in fourth) and not check_counts(stripped, max_atoms):
            refused = ""
    if refused:
        return None, refused, None
    mol, error = _read_molblock(text)
    if mol is None and error and text.startswith("\n"):
        retry, _ = _read_molblock(text.lstrip("\n"))
        if retry is not None:
            mol, error = retry, ""
    if mol is None:
        return None, error, None
    try:
        if screen is not None:
            Chem.FastFindRings(mol)  # ring membership only; a full sanitization below replaces it by its own rings
            if not screen(mol):
                Chem.SanitizeMol(mol, VALIDITY_CHECKS)
                return None, "", None
        Chem.SanitizeMol(mol)
        # E/Z and tetrahedral stereo from the drawing (products made by editing the molecule keep it), covalent metal
        # bonds as ions, a lactim drawing of the ring as the lactam (same atoms)
        mol = read_form(assign_stereo(mol))
    except Exception as exc:  # RDKit raises several unrelated exception classes here
        return None, _sanitize_reason(exc), None
    numbers = v3000_atom_numbers(text) if "V3000" in text else None
    if numbers is not None and (len(numbers) != mol.GetNumAtoms() or numbers == list(range(1, len(numbers) + 1))):
        numbers = None
    return mol, "", numbers


#: The steps of RDKit's sanitization that can refuse a molecule, in the order ``SanitizeMol`` runs them (clean-up,
#: organometallic clean-up, valence, Kekule structure); ring perception, radicals, aromaticity, conjugation and
#: hybridization cannot. Checked on about 167,000 SD records (the test data, the public SD files of the evaluation
#: corpus and benchmark libraries made from them; 58 refused): with rings from ``FastFindRings`` and these steps the
#: same records fail with the same message as with a full sanitization, and a full sanitization after
#: ``FastFindRings`` gives the same molecule (bonds, aromaticity, rings) as one without it.
VALIDITY_CHECKS = (Chem.SanitizeFlags.SANITIZE_CLEANUP | Chem.SanitizeFlags.SANITIZE_CLEANUP_ORGANOMETALLICS
                   | Chem.SanitizeFlags.SANITIZE_PROPERTIES | Chem.SanitizeFlags.SANITIZE_KEKULIZE)

_GENERIC_READ_ERROR = "RDKit could not read the molblock"
_ASCII_ONLY = bytes(range(128)) + b"?" * 128


def _read_molblock(text: str) -> tuple[Chem.Mol | None, str]:
    try:
        mol = Chem.MolFromMolBlock(text, sanitize=False, removeHs=False, strictParsing=True)
    except Exception as exc:  # noqa: BLE001 - RDKit parse errors surface as several classes
        return None, _first_line(str(exc)) or type(exc).__name__
    if mol is not None:
        return mol, ""
    with rdBase.CaptureErrorLog() as capture:  # RDKit's log is captured only to hear why a read failed
        mol = Chem.MolFromMolBlock(text, sanitize=False, removeHs=False, strictParsing=True)
    if mol is None:
        try:
            return None, _first_line(capture.messages) or _GENERIC_READ_ERROR
        except UnicodeDecodeError:
            return None, _GENERIC_READ_ERROR
    return mol, ""


def diagnose_molblock(text: str) -> str:
    """Why RDKit rejects a molblock: parse it once more with RDKit's warning log routed into a string.

    The molfile parser reports most problems on RDKit's warning log, which
    :class:`rdkit.rdBase.CaptureErrorLog` does not see. This is only called for
    records that failed, outside any ``BlockLogs`` block; the log switches are
    restored afterwards and RDKit logging is left on its C++ streams.

    >>> switches = rdBase.LogStatus()
    >>> diagnose_molblock("x\\n\\n\\n  1  0  0  0  0  0  0  0  0  0999 V2000\\n    0.0 0.0 0.0 C   0  0\\n")
    "Atom line too short: '    0.0 0.0 0.0 C   0  0' on line 5"
    >>> rdBase.LogStatus() == switches
    True
    """
    states = dict(line.split(":", 1) for line in rdBase.LogStatus().splitlines() if ":" in line)
    buffer = io.StringIO()
    previous = sys.stderr
    rdBase.LogToPythonStderr()
    rdBase.EnableLog("rdApp.error")
    rdBase.EnableLog("rdApp.warning")
    sys.stderr = buffer
    try:
        Chem.MolFromMolBlock(text, sanitize=False, removeHs=False, strictParsing=True)
    except Exception as exc:  # noqa: BLE001 - any RDKit failure is a reason to report
        buffer.write(f"{exc}\n")
    finally:
        sys.stderr = previous
        rdBase.LogToCppStreams()
        for name, state in states.items():
            (rdBase.EnableLog if state.strip() == "enabled" else rdBase.DisableLog)(name.strip())
    return _first_line(buffer.getvalue()) or _GENERIC_READ_ERROR


# --------------------------------------------------------------------------- per-chunk work


@dataclass(slots=True)
class _Work:
    """A record in flight inside one chunk."""

    raw: bytes
    body: bytes
    newline: bytes
    name: str
    mol: Chem.Mol | None = None
    error: str = ""
    numbers: list[int] | None = None
    smiles: str = ""
    cells: tuple[str, ...] = ()
    rings: tuple[Any, ...] = ()
    view: FreeBaseView | None = None  # perception's free-base view, reused by basicity
    related: tuple[str, ...] = ()
    n4_pka: float | None = None
    basicity: Any = None  # the record's basicity result, reused by the stability presets
    sections: list[T.Section] = field(default_factory=list)


def _table_work(raw: bytes, layout: TableLayout, max_atoms: int = 0) -> _Work:
    if isinstance(raw, OversizedRecord):
        return _Work(raw, b"", b"\n", "", error=raw.reason)
    try:
        cells = tuple(layout.split(raw))
    except csv.Error as exc:
        return _Work(raw, b"", b"\n", "", error=f"row cannot be read as {'tab' if layout.delimiter == chr(9) else 'comma'}-separated values: {exc}")
    smiles = cells[layout.smiles_index].strip() if layout.smiles_index < len(cells) else ""
    name = cells[layout.name_index].strip() if layout.name_index is not None and layout.name_index < len(cells) else ""
    work = _Work(raw, b"", b"\n", name, smiles=smiles, cells=cells)
    if max_atoms and smiles_atom_count(smiles) > max_atoms:
        work.error = f"SMILES has {smiles_atom_count(smiles)} atoms, more than the limit of {max_atoms} atoms per record (--max-atoms)"
        return work
    try:
        work.mol = mol_from_smiles(smiles)
    except ReactivityError as exc:
        work.error = str(exc)
    return work


def _sd_work(raw: bytes, prefix: bytes, max_atoms: int = 0, screen: Callable[[Chem.Mol], bool] | None = None) -> _Work:
    body = strip_prefixed_items(raw, prefix)
    work = _Work(raw, body, newline_of(body), record_title(body))
    if isinstance(raw, OversizedRecord):
        work.error = raw.reason
        return work
    work.mol, work.error, work.numbers = parse_sd_record(body, max_atoms, screen)
    return work


def _screen_for(settings: AnnotateSettings) -> Callable[[Chem.Mol], bool] | None:
    """The ring screen of :func:`parse_sd_record` when nothing but ring-bearing and near-miss records needs the
    fully sanitized molecule: SD out (tables carry every record's SMILES), no ``--nitrosamine`` (it scores amines
    outside the ring too)."""
    if settings.chemistry and settings.output_format == "sdf" and not settings.nitrosamine:
        from ..perception import may_hold_ring

        return may_hold_ring
    return None


def _explain_read_failures(works: Sequence[_Work]) -> None:
    """Replace the generic read error by RDKit's own first message (after the quiet block)."""
    for work in works:
        if work.error == _GENERIC_READ_ERROR:
            end = molblock_end(work.body)
            text = (work.body[:end] if end >= 0 else work.body).translate(_ASCII_ONLY).decode("ascii")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            work.error = diagnose_molblock(text)


# Every near-miss rule of ``related_scaffolds`` needs a ring nitrogen (tested in
# tests/test_annotate.py), so molecules without one skip those searches.
_RING_NITROGEN = Chem.MolFromSmarts("[#7;R]")


def _perceive(work: _Work) -> None:
    try:
        work.rings, work.view = perceive_with_view(work.mol, from_reader=True)
        if not work.rings and work.mol.HasSubstructMatch(_RING_NITROGEN):
            work.related = tuple(related_scaffolds(work.mol, from_reader=True))
    except ReactivityError as exc:
        work.error = f"perception: {exc}"
    except Exception as exc:  # noqa: BLE001 - one bad molecule must not stop a library
        work.error = f"internal error in perception: {type(exc).__name__}: {T.one_line(str(exc))}"


def _number_function(numbers: list[int] | None) -> T.AtomNumber:
    if numbers is None:
        return lambda index: index + 1
    return lambda index: numbers[index]


def _add_basicity(hits: Sequence[_Work], settings: AnnotateSettings) -> None:
    """RX_N4_PKA and RX_N4_PROTONATED_FRACTION: one batched model call per chunk."""
    from .. import basicity
    from ..stability.conditions import partitions_into_water

    # logP (workup) only when a scored handling preset judges a loss to a water layer
    workup = settings.stability and partitions_into_water(settings.conditions)
    results = basicity.predict_basicity_many(
        [w.mol for w in hits], settings.ph, rings=[w.rings for w in hits], workup=workup,
        views=[w.view for w in hits], temperature_c=settings.temperature_c, from_reader=True,
    )
    for work, result in zip(hits, results):
        work.n4_pka = result.n4_pka
        work.basicity = result
        work.sections.append(T.basicity_tags(result, _number_function(work.numbers)))


def _add_stability(hits: Sequence[_Work], settings: AnnotateSettings) -> None:
    """RX_HYDROLYSIS_RISK, RX_STABLE_PH_WINDOW, RX_SILICA_MEOH_RISK, RX_RISK_<PRESET>, RX_WARNINGS.

    Uses the rings already perceived and the N4 pKa from basicity when known;
    the nearest-reference search is skipped (it costs more than the rest of
    the annotation of a record).
    """
    from .. import stability

    presets = tuple(dict.fromkeys((*settings.conditions, "silica_methanol")))
    for work in hits:
        try:
            result = stability.assess_rings(
                work.mol, work.rings, settings.ph, settings.temperature_c, settings.hours,
                n4_pka=work.n4_pka, conditions=presets, with_references=False,
                ionizable=None if work.basicity is None else stability.IonizableSites.from_basicity(work.mol, work.basicity),
            )
        except Exception as exc:  # noqa: BLE001 - one molecule's failure must not drop the others' scores
            work.sections.append(T.warning_tags(f"stability not scored: {type(exc).__name__}: {exc}"))
            continue
        work.sections.append(T.stability_tags(result, settings.conditions, _number_function(work.numbers)))


def _add_nitrosamine(works: Sequence[_Work], settings: AnnotateSettings) -> None:
    """RX_NITROSAMINE_PRECURSOR and RX_NITROSAMINE_CATEGORY (``--nitrosamine``; CPCA, screening only)."""
    from ..nitrosamine import nitrosamine_risk

    for work in works:
        try:
            result = nitrosamine_risk(work.mol, work.rings, from_reader=True)
        except Exception as exc:  # noqa: BLE001 - one molecule's failure must not drop the others' results
            work.sections.append(T.warning_tags(f"nitrosamine not scored: {type(exc).__name__}: {exc}"))
            continue
        work.sections.append(T.nitrosamine_tags(result, _number_function(work.numbers)))


def _add_derivatization(works: Sequence[_Work], settings: AnnotateSettings) -> None:
    """RX_RXN_<CLASS> = ``outcome@atoms`` per ``--reactions`` class (reactivity.derivatization)."""
    from ..derivatization.tags import reaction_tags

    for work in works:
        try:
            work.sections.append(reaction_tags(work.mol, settings.reactions, _number_function(work.numbers)))
        except Exception as exc:  # noqa: BLE001 - one molecule's failure must not drop the others' plans
            work.sections.append(T.warning_tags(f"derivatization not planned: {type(exc).__name__}: {exc}"))


def _add_extension(name: str, adder: Callable[[Sequence[_Work], AnnotateSettings], None], hits: Sequence[_Work], settings: AnnotateSettings) -> None:
    """Run one optional scorer on the chunk's hits; if it fails as a whole, record why and carry on."""
    if not hits:
        return
    try:
        adder(hits, settings)
    except Exception as exc:  # noqa: BLE001 - the core annotation stands without the extension
        for work in hits:
            work.sections.append(T.warning_tags(f"{name} not scored: {type(exc).__name__}: {exc}"))


def _numbering(settings: AnnotateSettings) -> dict[str, str]:
    """How atom numbers count, for the JSON tag (SD atom block, or SMILES order for table rows)."""
    if settings.table is not None:
        return {"atom_numbering": "1-based, in the order of the atoms in the input SMILES"}
    return {}


def _finish(work: _Work, settings: AnnotateSettings, context: dict[str, Any], shared: dict[tuple[str, ...], dict[str, str]],
            write_json: bool = True) -> AnnotatedRecord:
    prefix = settings.tag_prefix
    if not work.error and not work.rings and not work.sections:
        # Most records of a library: identical tags, built once per chunk (read-only, shared).
        tags = shared.get(work.related)
        if tags is None:
            sections = [T.related_scaffold_tags(work.related)] if work.related else []
            tags = shared[work.related] = T.assemble_tags(prefix, "no_scaffold", sections, 0, _numbering(settings),
                                                          write_json=write_json)
        return _record(work, settings, "no_scaffold", tags)
    if work.error:
        status: Status = "error"
        sections = [T.error_tags(work.error)]
        count = 0
    else:
        number = _number_function(work.numbers)
        status = "ok" if work.rings else "no_scaffold"
        count = len(work.rings)
        sections = [T.scaffold_tags(work.rings, number), T.competing_site_tags(work.rings, number)]
        if work.related:
            sections.append(T.related_scaffold_tags(work.related))
        sections.extend(work.sections)
    tags = T.assemble_tags(prefix, status, sections, count, {**_numbering(settings), **(context if status == "ok" else {})},
                           write_json=write_json)
    return _record(work, settings, status, tags)


def _record(work: _Work, settings: AnnotateSettings, status: Status, tags: dict[str, str]) -> AnnotatedRecord:
    smiles = work.smiles
    if settings.want_smiles and not smiles and work.mol is not None:
        try:
            smiles = Chem.MolToSmiles(Chem.RemoveHs(work.mol, sanitize=False))
        except Exception:  # noqa: BLE001 - SMILES is a convenience column
            smiles = ""
    body = work.body
    if settings.table is not None and settings.output_format == "sdf":
        body = _table_row_as_molblock(work, settings.table)
    return AnnotatedRecord(work.raw, body, work.newline, work.name, smiles, status, tags, work.cells)


_EMPTY_MOLBLOCK = "\n  reactivity\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n"


#: SMILES rows with more atoms get a molblock with zero coordinates and no stereo flags: computing a 2D
#: depiction takes seconds to minutes for large ring systems (the SMILES cell keeps the stereo).
DEPICT_MAX_ATOMS = 250


def _table_row_as_molblock(work: _Work, layout: TableLayout) -> bytes:
    """An SD record for a SMILES-table row: molblock (empty when unreadable) and the row's cells as data items."""
    block = _EMPTY_MOLBLOCK
    if work.mol is not None:
        try:
            if work.mol.GetNumAtoms() > DEPICT_MAX_ATOMS and not work.mol.GetNumConformers():
                flat = Chem.Mol(work.mol)
                flat.AddConformer(Chem.Conformer(flat.GetNumAtoms()), assignId=True)
                block = Chem.MolToMolBlock(flat, includeStereo=False)
            else:
                block = Chem.MolToMolBlock(work.mol)
        except Exception:  # noqa: BLE001
            block = _EMPTY_MOLBLOCK
    title = sd_line(work.name)
    block = title + block[block.find("\n") :]
    items = "".join(
        f">  <{column or f'column_{i + 1}'}>\n{sd_line(value)}\n\n"
        for i, (column, value) in enumerate(zip(layout.columns, work.cells))
    )
    return (block + items).encode("utf-8")


def sd_line(text: str) -> str:
    """A cell of a table row made safe as one SD line: line breaks (CR too) become blanks, and a line that would
    begin with ``$$$$`` (a record separator on re-reading) gets a leading blank.

    >>> sd_line("a\\rb"), sd_line("$$$$ x"), sd_line("ok")
    ('a b', ' $$$$ x', 'ok')
    """
    line = T.one_line(text)
    return " " + line if line.startswith("$$$$") else line


_HIT_BATCH = 64

#: Diazepam (a 1,4-benzodiazepin-2-one): one record that goes through every step of the annotation.
WARM_SMILES = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
#: A molecule without the ring (aspirin): what every record of a run goes through (reading, the ring screen, tags,
#: SD output), without perception.
WARM_SMILES_WITHOUT_RING = "CC(=O)Oc1ccccc1C(=O)O"


@lru_cache(maxsize=2)
def warm_record(smiles: str = WARM_SMILES) -> bytes:
    """The SD record of :data:`WARM_SMILES` or another SMILES (used to load rules and models before the records of a
    run need them)."""
    return Chem.MolToMolBlock(Chem.MolFromSmiles(smiles)).encode("ascii") + b"$$$$\n"


def warm_annotation(smiles: str = WARM_SMILES, settings: AnnotateSettings | None = None) -> None:
    """Annotate one record (:func:`warm_record` of ``smiles``; by default without the scorers, compact JSON) so that
    the rules and models it touches are compiled and loaded before the records of a run need them. Failures are
    ignored (warming is an optimisation only: the records then load what they need themselves)."""
    try:
        annotate_and_render([warm_record(smiles)], settings or AnnotateSettings(json_detail="compact"))
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        pass


@lru_cache(maxsize=1)
def _warm_perception() -> None:
    """Compile what a ring-bearing or near-miss record needs beyond reading (perception rules, site guidance, the
    tags and compact JSON of a ring) once per process.

    A supervised worker calls it before its first record that passes the ring screen, between two heartbeats, so the
    compiling never counts against a record's time limit; a library without the ring never pays for it.
    """
    warm_annotation()


@lru_cache(maxsize=8)
def _warm_scorers(stability: bool, basicity: bool, nitrosamine: bool, reactions: tuple[str, ...],
                  conditions: tuple[str, ...]) -> None:
    """Load the rules and models of the scorers a run asks for, once per process.

    A supervised worker calls it before its first batch of ring-bearing records, with a heartbeat after it, so the
    loading (about 0.3 s) never counts against a record's time limit; a library without the ring never pays for it.
    """
    warm_annotation(settings=AnnotateSettings(stability=stability, basicity=basicity, nitrosamine=nitrosamine,
                                              reactions=reactions, conditions=conditions))


def annotate_chunk(
    raw_records: list[bytes], settings: AnnotateSettings, progress: Callable[[int], None] | None = None,
    *, write_json: bool = True,
) -> list[AnnotatedRecord]:
    """Annotate a list of raw records (SD record bytes, or table rows when ``settings.table`` is set).

    Pure: same input, same output; no files, no global state. One record in,
    one record out, same order; a record that cannot be read is an ``error``
    record, never an exception. Molecules are released as soon as their record
    is finished (many live RDKit molecules slow everything down), and the
    scorers run on batches of at most 64 ring-bearing molecules.

    ``progress`` (optional) is called with the index of each record as its
    reading starts, and with ``-1`` before each step that works on several
    records at once (a supervisor uses it as a heartbeat). ``write_json=False``
    leaves ``RX_JSON`` unwritten (:class:`reactivity.batch.tags.PendingJson`) for
    a renderer that writes it compact or not at all.
    """
    prefix = settings.tag_prefix.encode("ascii")
    context: dict[str, Any] = {}
    if settings.stability or settings.basicity:
        context["scored_condition"] = {"ph": settings.ph, "temperature_c": settings.temperature_c, "hours": settings.hours}
    shared: dict[tuple[str, ...], dict[str, str]] = {}
    results: list[AnnotatedRecord | None] = [None] * len(raw_records)
    hits: list[tuple[int, _Work]] = []
    unread: list[tuple[int, _Work]] = []

    def finish_hits() -> None:
        if progress is not None:  # a supervised worker: load the scorers first, outside any record's time
            progress(-1)
            _warm_scorers(settings.stability, settings.basicity, settings.nitrosamine, settings.reactions,
                          settings.conditions)
            progress(-1)
        works = [work for _, work in hits]
        if settings.basicity:
            _add_extension("basicity", _add_basicity, works, settings)
        if settings.stability:
            if progress is not None:
                progress(-1)
            _add_extension("stability", _add_stability, works, settings)
        if settings.nitrosamine:
            _add_extension("nitrosamine", _add_nitrosamine, works, settings)
        if settings.reactions:
            _add_extension("derivatization", _add_derivatization, works, settings)
        for index, work in hits:
            results[index] = _finish(work, settings, context, shared, write_json)
        hits.clear()

    screen = _screen_for(settings)
    with rdBase.BlockLogs():
        for index, raw in enumerate(raw_records):
            if progress is not None:
                progress(index)
            work = (_table_work(raw, settings.table, settings.max_atoms) if settings.table is not None
                    else _sd_work(raw, prefix, settings.max_atoms, screen))
            if settings.chemistry and work.mol is not None and not work.error:
                if progress is not None and not _warm_perception.cache_info().currsize:
                    progress(-1)  # a supervised worker: compile perception first, outside any record's time
                    _warm_perception()
                    progress(-1)
                _perceive(work)
            if work.rings and not work.error:
                hits.append((index, work))
                if len(hits) >= _HIT_BATCH:
                    finish_hits()
            elif work.error == _GENERIC_READ_ERROR and settings.table is None:
                unread.append((index, work))
            else:
                if settings.nitrosamine and work.mol is not None and not work.error:  # amines outside the scaffold too
                    _add_extension("nitrosamine", _add_nitrosamine, [work], settings)
                results[index] = _finish(work, settings, context, shared, write_json)
        if hits:
            finish_hits()
    if progress is not None:
        progress(-1)
    # Outside the quiet block: ask RDKit once more why these records could not be read.
    _explain_read_failures([work for _, work in unread])
    for index, work in unread:
        results[index] = _finish(work, settings, context, shared, write_json)
    return results  # type: ignore[return-value]


# --------------------------------------------------------------------------- orchestration


@dataclass(frozen=True, slots=True)
class RenderedChunk:
    """A chunk ready for a sink: SD bytes or table rows, the failed records verbatim, and counts.

    ``header`` is the header line of a table input (written once above its failed rows in ``--errors``).
    """

    count: int
    ok: int
    no_scaffold: int
    errors: int
    sd: bytes
    rows: list[dict[str, Any]]
    failed: list[bytes]
    bytes_in: int
    header: bytes = b""
    sd_ends: tuple[int, ...] = ()  # offset just past each record in ``sd``
    legend: dict[str, Any] = field(default_factory=dict)  # texts behind the references of compact RX_JSON


def annotate_and_render(
    raw_records: list[bytes], settings: AnnotateSettings, progress: Callable[[int], None] | None = None
) -> RenderedChunk:
    """Worker entry point: :func:`annotate_chunk` plus rendering, so only compact results cross process boundaries."""
    records = annotate_chunk(raw_records, settings, progress, write_json=settings.json_detail == "full")
    if progress is not None:
        progress(-1)
    return _render(records, raw_records, settings)


def render_failed_records(raw_records: list[bytes], settings: AnnotateSettings, reason: str) -> RenderedChunk:
    """Error records for raw records that could not be annotated at all (a crashed or stalled worker).

    Runs no RDKit code: the records are only split into lines (SD) or cells (tables).

    >>> chunk = render_failed_records([b"x\\nM  END\\n"], AnnotateSettings(), "worker crashed")
    >>> chunk.errors, b"worker crashed" in chunk.sd
    (1, True)
    """
    prefix = settings.tag_prefix.encode("ascii")
    records = []
    for raw in raw_records:
        if settings.table is not None:
            try:
                cells = tuple(settings.table.split(raw))
            except csv.Error:
                cells = ()
            layout = settings.table
            smiles = cells[layout.smiles_index].strip() if layout.smiles_index < len(cells) else ""
            name = cells[layout.name_index].strip() if layout.name_index is not None and layout.name_index < len(cells) else ""
            work = _Work(raw, b"", b"\n", name, smiles=smiles, cells=cells, error=reason)
        else:
            body = strip_prefixed_items(raw, prefix)
            work = _Work(raw, body, newline_of(body), record_title(body), error=reason)
        records.append(_finish(work, settings, {}, {}))
    return _render(records, raw_records, settings)


def _json_detail(records: list[AnnotatedRecord], settings: AnnotateSettings, legend: dict[str, Any]) -> list[AnnotatedRecord]:
    """Records with ``RX_JSON`` made compact (texts into ``legend``) or dropped, as ``settings.json_detail`` asks."""
    if settings.json_detail == "full":
        return records
    from .legend import compact_json

    name = settings.tag_prefix + "JSON"
    out = []
    done: dict[int, dict[str, str]] = {}  # records without the ring share one tags dict (see _finish): done once
    for record in records:
        if name in record.tags:
            tags = done.get(id(record.tags))
            if tags is None:
                tags = dict(record.tags)
                if settings.json_detail == "none":
                    del tags[name]
                else:
                    tags[name] = compact_json(tags[name], legend)
                done[id(record.tags)] = tags
            record = record.with_tags(tags)
        out.append(record)
    return out


def _render(records: list[AnnotatedRecord], raw_records: list[bytes], settings: AnnotateSettings) -> RenderedChunk:
    from .writers import render_rows, render_sd_with_ends

    legend: dict[str, str] = {}
    records = _json_detail(records, settings, legend)
    statuses = [r.status for r in records]
    failed = [_failed_text(r, settings) for r in records if r.status == "error"]
    ends: tuple[int, ...] = ()
    if settings.output_format == "sdf":
        (sd, ends), rows = render_sd_with_ends(records), []
    else:
        sd, rows = b"", render_rows(records, settings)
    return RenderedChunk(
        len(records),
        statuses.count("ok"),
        statuses.count("no_scaffold"),
        statuses.count("error"),
        sd,
        rows,
        failed,
        sum(len(r) for r in raw_records) + (0 if settings.table is not None else 5 * len(raw_records)),
        settings.table.header if settings.table is not None else b"",
        ends,
        legend,
    )


def _failed_text(record: AnnotatedRecord, settings: AnnotateSettings) -> bytes:
    if settings.table is not None:
        if settings.neutralize_failed_rows and settings.table.delimiter is not None and record.source_row:
            from .writers import neutralize_cell

            line = io.StringIO()
            csv.writer(line, delimiter=settings.table.delimiter, lineterminator="\n").writerow(
                [neutralize_cell(cell) for cell in record.source_row])
            return line.getvalue().encode("utf-8")
        return record.raw if record.raw.endswith((b"\n", b"\r")) else record.raw + b"\n"
    raw = record.raw
    if raw and not raw.endswith((b"\n", b"\r")):
        raw += record.newline
    return raw + b"$$$$" + record.newline


class Sink(Protocol):
    """Where rendered chunks go (see :mod:`reactivity.batch.writers`)."""

    def write(self, chunk: RenderedChunk, start_index: int) -> None: ...


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is one (run summaries).

    >>> counted(1, "record"), counted(0, "error"), counted(3, "product")
    ('1 record', '0 errors', '3 products')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass
class Summary:
    """Counts and timing of one run."""

    records: int = 0
    ok: int = 0
    no_scaffold: int = 0
    errors: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False  # an input ended early (truncated or corrupt gzip stream)
    worker_failures: int = 0  # worker processes that crashed or were stopped by the time limit

    @property
    def rate(self) -> float:
        """Records per second."""
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """The one-line summary printed at the end of a run.

        >>> Summary(10, 2, 7, 1, 2.0).line()
        '10 records: 2 with scaffold, 7 no scaffold, 1 error in 2.0 s (5 records/s)'
        >>> Summary(1, 1, 0, 0, 0.5).line()
        '1 record: 1 with scaffold, 0 no scaffold, 0 errors in 0.5 s (2 records/s)'
        """
        return (
            f"{counted(self.records, 'record')}: {self.ok} with scaffold, {self.no_scaffold} no scaffold, "
            f"{counted(self.errors, 'error')} in {self.seconds:.1f} s ({self.rate:.0f} records/s)"
        )


#: A chunk is cut after this many bytes of records, so a few large records do not fill memory.
CHUNK_BYTES = 32 << 20


def _batched(items: Iterable[bytes], size: int, max_bytes: int = CHUNK_BYTES) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    total = 0
    for item in items:
        batch.append(item)
        total += len(item)
        if len(batch) >= size or total >= max_bytes:
            yield batch
            batch = []
            total = 0
    if batch:
        yield batch


def iter_chunks(
    sources: Sequence[InputSource],
    settings: AnnotateSettings,
    chunk_size: int,
    smiles_column: str | None = None,
    *,
    header: bool | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[tuple[list[bytes], AnnotateSettings]]:
    """Read the inputs in order as ``(raw_records, settings)`` chunks; a chunk never spans two inputs.

    A chunk holds at most ``chunk_size`` records and about :data:`CHUNK_BYTES` bytes. Standard input
    without a format is sniffed from its first bytes (:func:`reactivity.batch.records.sniff_format`).
    """
    for source in sources:
        stream = open_input(source.name)
        try:
            if source.format is None and source.name == "-":
                source.format = sniff_format(getattr(stream, "head", b""))
                source.kind = "sd" if source.format == "sdf" else "table"
            if source.kind == "sd":
                records: Iterable[bytes] = (
                    r.raw for r in iter_sd_records(stream, source.warnings, max_bytes=max_record_bytes)
                )
                chunk_settings = replace(settings, table=None, source=source.name)
            else:
                layout, records = peek_table(stream, source.name, smiles_column, source.warnings, header=header,
                                             fmt=source.format, max_bytes=max_record_bytes)
                chunk_settings = replace(settings, table=layout, source=source.name)
            for batch in _batched(records, chunk_size):
                yield batch, chunk_settings
        finally:
            if source.name != "-":
                stream.close()


def make_sources(names: Sequence[str], input_format: str | None = None) -> list[InputSource]:
    """Describe the inputs (kind, format, size) and fail early on an unknown type or UTF-16/32 text.

    The format comes from the file name; ``input_format`` (``sdf``, ``smi``,
    ``csv``, ``tsv``) is used for standard input and for names without a known
    extension. Standard input without ``input_format`` is sniffed when read.

    >>> make_sources(["-"])[0].kind, make_sources(["-"], "smi")[0].kind
    ('sd', 'table')
    """
    from .records import INPUT_FORMATS, InputError
    from .records import input_format as format_of_name

    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InputError(f"unknown input format {input_format!r} (choose from {', '.join(INPUT_FORMATS)})")
    sources = []
    for name in names:
        fmt = input_format if name == "-" else (format_of_name(name) or input_format)
        if fmt is None and name != "-":
            raise InputError(f"{name}: unknown input type (expected .sdf .sd .mol .smi .smiles .csv .tsv, optionally .gz; "
                             "or give --input-format)")
        if name != "-":
            open_input(name).close()  # refuses UTF-16/32 text before anything is written
        kind: Literal["sd", "table"] = "table" if fmt in ("smi", "csv", "tsv") else "sd"
        sources.append(InputSource(name, kind, input_size(name), format=fmt))
    return sources


def run_annotation(
    sources: Sequence[InputSource],
    sink: Sink,
    settings: AnnotateSettings,
    jobs: int = 1,
    chunk_size: int = 0,
    smiles_column: str | None = None,
    on_chunk: Callable[[Summary, int], None] | None = None,
    *,
    supervised: bool = True,
    record_timeout: float | None = None,
    header: bool | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    summary: Summary | None = None,
    partition_bytes: int = 0,
) -> Summary:
    """Annotate every input in order into ``sink``; memory stays bounded by a few chunks.

    ``jobs`` worker processes (0: all cores). With ``supervised`` (the
    default) the chunks run in supervised worker processes
    (:mod:`reactivity.batch.supervise`): a crash or a record over
    ``record_timeout`` seconds costs that record only. ``supervised=False``
    runs everything in this process (no protection; for embedding and tests).
    ``on_chunk`` is called after each chunk with the running summary and the
    input bytes done. ``summary`` (optional) is filled in as chunks are written, so a caller
    interrupted mid-run still knows how many records went out.

    Supervised runs with several jobs (or into a sink with parts, :class:`reactivity.batch.parts.DirectorySink`)
    cut plain SD files into byte ranges of about ``partition_bytes`` (0: automatic,
    :func:`reactivity.batch.partition.local_partition_bytes`) that each worker reads itself; gzip files, standard
    input and tables keep one reader. The output is the same byte for byte.
    """
    if jobs == 0:
        import os

        jobs = os.cpu_count() or 1
    if chunk_size <= 0:
        chunk_size = 500
    summary = Summary() if summary is None else summary
    started = time.perf_counter()
    from collections import deque

    parts: deque[Any] = deque()
    if not supervised:
        def in_process() -> Iterator[RenderedChunk]:
            for batch, chunk_settings, part in _work_items(sources, settings, chunk_size, smiles_column, header,
                                                           max_record_bytes, partition_bytes, False):
                parts.append(part)
                yield annotate_and_render(batch, chunk_settings)

        _consume(in_process(), sink, summary, started, on_chunk, parts=parts)
    else:
        from .partition import add_report
        from .supervise import DEFAULT_RECORD_TIMEOUT, Supervisor
        from .records import SplitReport, split_warnings

        timeout = DEFAULT_RECORD_TIMEOUT if record_timeout is None else record_timeout
        use_ranges = jobs > 1 or hasattr(sink, "end_part")
        reports: dict[int, tuple[int, SplitReport]] = {}

        def on_range(byte_range: Any, count: int, report: SplitReport) -> None:
            done, total = reports.get(byte_range.source_index, (0, SplitReport()))
            add_report(total, report, done)
            reports[byte_range.source_index] = (done + count, total)

        def work() -> Iterator[tuple[Any, AnnotateSettings]]:
            for payload, chunk_settings, part in _work_items(sources, settings, chunk_size, smiles_column, header,
                                                             max_record_bytes, partition_bytes, use_ranges):
                parts.append(part)
                yield payload, chunk_settings

        with Supervisor(jobs, timeout, warm=True) as supervisor:
            _consume(supervisor.run(work(), on_range), sink, summary, started, on_chunk, parts=parts)
            summary.worker_failures = supervisor.failures
        for index, (_, report) in sorted(reports.items()):
            sources[index].warnings.extend(split_warnings(report, max_record_bytes))
    summary.seconds = time.perf_counter() - started
    for source in sources:
        summary.warnings.extend(f"{source.name}: {w}" for w in source.warnings)
        summary.truncated = summary.truncated or any(w.startswith("input ends early") for w in source.warnings)
    return summary


def _work_items(sources: Sequence[InputSource], settings: AnnotateSettings, chunk_size: int, smiles_column: str | None,
                header: bool | None, max_record_bytes: int, partition_bytes: int, ranges: bool) -> Iterator[tuple[Any, AnnotateSettings, Any]]:
    """``(records or ByteRange, settings, PartInfo)`` for every unit of work of the inputs, in input order."""
    import os

    from .partition import ByteRange, is_plain_sd, local_partition_bytes, plan_file_ranges
    from .parts import PartInfo

    for index, source in enumerate(sources):
        if ranges and source.kind == "sd" and is_plain_sd(source.name):
            path = os.path.abspath(source.name)
            # A range is one chunk in its worker: at most CHUNK_BYTES, like the chunks of one reader.
            target = min(partition_bytes, CHUNK_BYTES) if partition_bytes > 0 else local_partition_bytes(os.path.getsize(path))
            sd_settings = replace(settings, table=None, source=source.name)
            for start, end in plan_file_ranges(path, target):
                yield ByteRange(path, start, end, max_record_bytes, index), sd_settings, PartInfo(source.name, start, end)
        else:
            for batch, chunk_settings in iter_chunks([source], settings, chunk_size, smiles_column, header=header,
                                                     max_record_bytes=max_record_bytes):
                yield batch, chunk_settings, PartInfo(source.name)


def _consume(results: Iterable[RenderedChunk], sink: Sink, summary: Summary, started: float,
             on_chunk: Callable[[Summary, int], None] | None, bytes_done: int = 0, parts: Any = None) -> int:
    """Write rendered chunks in order and count them into ``summary``; returns the input bytes done so far.

    ``parts`` (a deque of :class:`reactivity.batch.parts.PartInfo`, one per result) closes a part after each
    result in a sink that writes parts (``sink.end_part``).
    """
    end_part = getattr(sink, "end_part", None) if parts is not None else None
    for rendered in results:
        sink.write(rendered, summary.records)
        if parts is not None:
            part = parts.popleft()
            if end_part is not None:
                end_part(part)
        summary.records += rendered.count
        summary.ok += rendered.ok
        summary.no_scaffold += rendered.no_scaffold
        summary.errors += rendered.errors
        bytes_done += rendered.bytes_in
        summary.seconds = time.perf_counter() - started
        if on_chunk is not None:
            on_chunk(summary, bytes_done)
    return bytes_done


__all__ = [
    "AnnotateSettings",
    "AnnotatedRecord",
    "RenderedChunk",
    "Summary",
    "annotate_and_render",
    "annotate_chunk",
    "iter_chunks",
    "make_sources",
    "parse_sd_record",
    "render_failed_records",
    "run_annotation",
    "strip_prefixed_items",
]

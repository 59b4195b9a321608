"""The self-contained HTML report of an annotated library (Jinja2 template, inline SVG, a little plain JavaScript).

Everything the page shows is inside the one file: depictions and plots are
inline SVG, the records are a JSON data block, the script is inline and
allowed by its SHA-256 hash in a Content-Security-Policy that forbids every
network request (``default-src 'none'``). The page renders one page of cards
at a time, so a library of 50,000 records stays responsive; depictions and
pH-rate profiles are capped (hits first) to keep the file size bounded.

>>> from reactivity.report.html import intern_values
>>> table: dict[str, int] = {}
>>> intern_values({"a": "x" * 40, "b": "x" * 40}, table, 40)
{'a': '\\x010', 'b': '\\x010'}
>>> intern_values(0.123456, table)
0.1235
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from .. import __version__
from .collect import ReportRecord
from .depict import SITE_COLOURS, depict, marks_from_annotation

RISK_ORDER = {"": 0, "not_applicable": 0, "low": 1, "moderate": 2, "high": 3}
_INTERN_MIN = 30
_ERRORS_LISTED = 1000
_PROFILE_GRID_STEP = 0.1


@dataclass(frozen=True)
class ReportOptions:
    """What goes into the page: caps on pictures and plots, the title and the input names shown."""

    max_depictions: int = 2000
    max_profiles: int = 100
    title: str = "reactivity report"
    inputs: tuple[str, ...] = ()


@dataclass
class ReportSummary:
    """Counts of one report (also printed by the command)."""

    records: int = 0
    ok: int = 0
    no_scaffold: int = 0
    errors: int = 0
    reused: int = 0
    depictions: int = 0
    profiles: int = 0
    size_bytes: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        """One line for standard error.

        >>> ReportSummary(10, 2, 7, 1, 0, 9, 2, 2_500_000, 1.0).line()
        '10 records: 2 with scaffold, 7 no scaffold, 1 error; 9 depictions, 2 pH-rate profiles; 2.5 MB in 1.0 s'
        """
        from ..batch.annotate import counted

        return (f"{counted(self.records, 'record')}: {self.ok} with scaffold, {self.no_scaffold} no scaffold, "
                f"{counted(self.errors, 'error')}; {counted(self.depictions, 'depiction')}, "
                f"{counted(self.profiles, 'pH-rate profile')}; {_size_text(self.size_bytes)} in {self.seconds:.1f} s")


def _size_text(size: int) -> str:
    """``2.5 MB`` / ``840 kB``.

    >>> _size_text(840_000), _size_text(12_345_678)
    ('840 kB', '12.3 MB')
    """
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


# --------------------------------------------------------------------------- small pieces


def intern_values(value: Any, table: dict[str, int], minimum: int = _INTERN_MIN) -> Any:
    """Replace every string, list or dict whose JSON has ``>= minimum`` characters by ``"\\x01<n>"``.

    ``n`` indexes ``table`` (JSON text -> number); children are replaced first,
    so repeated guidance, reasons, assumptions or whole preset results are
    stored once however many records share them. Floats keep 4 significant digits.
    """
    if isinstance(value, float):
        return float(f"{value:.4g}") if math.isfinite(value) else None
    if isinstance(value, list):
        value = [intern_values(v, table, minimum) for v in value]
    elif isinstance(value, dict):
        value = {k: intern_values(v, table, minimum) for k, v in value.items()}
    elif not isinstance(value, str):
        return value
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if len(text) < minimum:
        return value
    return f"\x01{table.setdefault(text, len(table))}"


def pack(value: Any) -> str:
    """JSON, gzip-compressed (deterministic), base64: the page's data blocks (the script unpacks them in the browser).

    >>> unpack(pack({"a": [1, "é"]}))
    {'a': [1, 'é']}
    """
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def unpack(text: str) -> Any:
    """The value of a :func:`pack` block."""
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


def data_block(html: str, name: str) -> Any:
    """The unpacked value of the page's data block ``name`` (``rows``, ``details``, ``values`` or ``pictures``).

    Rows come back as the dicts the script builds (keys ``ROW_KEYS``); ``values`` as decoded JSON values.
    """
    match = re.search(rf'<script type="application/octet-stream" id="{name}">([^<]*)</script>', html)
    if match is None:
        raise KeyError(name)
    value = unpack(match.group(1))
    if name == "rows":
        return [dict(zip(ROW_KEYS, row)) for row in value]
    if name == "values":
        return [json.loads(text) for text in value]
    return value


_XML_PROLOG = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*|<metadata>.*?</metadata>\s*", re.S)
_DEFAULT_STYLE = re.compile(
    r";(?:fill-rule:evenodd|stroke-linecap:butt|stroke-linejoin:miter|stroke-opacity:1|fill-opacity:1|font-style:normal"
    r"|font-weight:normal|text-anchor:start)(?=[;'])"
)


def compact_svg(svg: str) -> str:
    """Inline-ready SVG: no XML prolog or comments, SVG-default style properties dropped, no newlines.

    >>> compact_svg("<?xml version='1.0'?>\\n<svg><!-- c -->\\n<path style='fill:none;fill-rule:evenodd;stroke:#000;stroke-opacity:1' />\\n</svg>")
    "<svg><path style='fill:none;stroke:#000' /></svg>"
    """
    svg = _XML_PROLOG.sub("", svg)
    svg = _DEFAULT_STYLE.sub("", svg)
    return svg.replace("\n", "")


def _index_of(molblock: bytes) -> tuple[Any, dict[int, int]]:
    """The record's molecule (atom order kept) and the map from its 1-based atom numbers to indices."""
    from ..batch.annotate import parse_sd_record
    from ..molecule import quiet_rdkit

    with quiet_rdkit():  # read a second time for the picture: what RDKit says was said in the annotation's pass
        mol, _error, numbers = parse_sd_record(molblock)
    if mol is None:
        return None, {}
    if numbers is None:
        return mol, {i + 1: i for i in range(mol.GetNumAtoms())}
    return mol, {number: i for i, number in enumerate(numbers)}


def _depiction(record: ReportRecord) -> str | None:
    mol, index_of = _index_of(record.molblock)
    if mol is None or mol.GetNumAtoms() == 0:
        return None
    try:
        svg = depict(mol, marks=marks_from_annotation(record.document, index_of), width=240, height=200, compact=True)
    except Exception:  # noqa: BLE001 - a picture that cannot be drawn leaves the card without one
        return None
    return compact_svg(svg)


def _matplotlib_svg(draw: Any) -> str:
    """Run ``draw(buffer)`` with text kept as SVG text (small files) and deterministic ids; return compact SVG."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "reactivity-report", "path.simplify": True}):
        draw(buffer)
    return compact_svg(buffer.getvalue())


def _profile(record: ReportRecord) -> tuple[Any, Any] | None:
    """The pH-rate profile of a hit: a key (what the drawing shows) and a function drawing it (matplotlib, SVG).

    The stable window is shaded and the uncertainty band drawn around the curve.
    """
    import numpy as np

    from ..plotting import plot_ph_rate_profile
    from ..stability import ph_rate_profile, window_threshold_per_s

    stability = record.document.get("stability") or {}
    condition = record.document.get("scored_condition") or {}
    k_obs, k_band = stability.get("k_obs_per_s"), stability.get("k_band_per_s")
    mol, _ = _index_of(record.molblock)
    if mol is None or not k_obs:
        return None
    temperature = float(condition.get("temperature_c", 25.0))
    n4_pka = (record.document.get("basicity") or {}).get("n4_pka")
    try:
        grid, k = ph_rate_profile(mol, temperature, n4_pka, np.arange(0.0, 14.0001, _PROFILE_GRID_STEP))
    except Exception:  # noqa: BLE001 - no plot rather than no report
        return None
    band = None
    if k_band and k_band[0] > 0:
        band = (k * (k_band[0] / k_obs), k * (k_band[1] / k_obs))
    window = tuple(stability.get("stable_ph_window") or ()) or None
    ph = condition.get("ph")
    chosen = ph if ph is not None and 0 <= ph <= 14 else None
    title = f"pH-rate profile at {temperature:g} °C (band: factor of the scored condition at every pH)"
    key = (tuple(np.round(np.log10(k), 3)), window, chosen, temperature,
           tuple(np.round(np.log10(k_band), 3)) if k_band else None, round(math.log10(k_obs), 3))
    return key, lambda: _matplotlib_svg(lambda buffer: plot_ph_rate_profile(
        grid, k, window, chosen, window_threshold_per_s(), title, buffer, band=band, file_format="svg"))


def _histogram(values: list[float], xlabel: str, colour: str, bins: Any = 20) -> str:
    def draw(buffer: io.StringIO) -> None:
        import matplotlib.pyplot as plt

        figure, axis = plt.subplots(figsize=(4.6, 2.5), dpi=100)
        try:
            axis.hist(values, bins=bins, color=colour, edgecolor="white")
            axis.set_xlabel(xlabel)
            axis.set_ylabel("records")
            axis.grid(True, alpha=0.3)
            figure.tight_layout()
            figure.savefig(buffer, format="svg")
        finally:
            plt.close(figure)

    return _matplotlib_svg(draw)


def _quantiles(values: list[float]) -> dict[str, float]:
    """Min, quartiles and max (linear interpolation).

    >>> _quantiles([1.0, 2.0, 3.0, 4.0, 5.0])
    {'n': 5, 'min': 1.0, 'q1': 2.0, 'median': 3.0, 'q3': 4.0, 'max': 5.0}
    """
    ordered = sorted(values)

    def at(fraction: float) -> float:
        position = fraction * (len(ordered) - 1)
        low = math.floor(position)
        high = min(low + 1, len(ordered) - 1)
        return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 2)

    return {"n": len(ordered), "min": at(0), "q1": at(0.25), "median": at(0.5), "q3": at(0.75), "max": at(1)}


# --------------------------------------------------------------------------- per record


def _preset_risks(document: Mapping[str, Any]) -> dict[str, str]:
    """Per handling preset, the worse of its chemical and material-loss risks (as ``RX_RISK_<PRESET>``)."""
    risks: dict[str, str] = {}
    for name, result in (document.get("conditions") or {}).items():
        levels = [result.get("chemical_risk", ""), result.get("material_loss_risk", "")]
        risks[name] = max(levels, key=lambda level: RISK_ORDER.get(level, 0))
    return risks


#: Field order of a row in the page (the script maps the arrays back to these keys).
ROW_KEYS = ("i", "n", "s", "c", "h", "x", "r", "p", "t", "w", "e", "m", "d", "q", "u")


def _row(record: ReportRecord, prefix: str = "RX_") -> dict[str, Any]:
    """The card of a record: compact keys (the page's script reads them)."""
    document = record.document
    rings = document.get("rings") or []
    stability = document.get("stability") or {}
    hydrolysis = str(stability.get("risk", "")) if stability.get("risk") != "not_applicable" else ""
    presets = _preset_risks(document)
    worst = max([hydrolysis, *presets.values()], key=lambda level: RISK_ORDER.get(level, 0)) if rings else ""
    pka = (document.get("basicity") or {}).get("n4_pka")
    half_life = stability.get("half_life_h")
    return {
        "i": record.index,
        "n": record.name,
        "s": record.status,
        "c": ",".join(dict.fromkeys(r.get("n4_class", "") for r in rings)),
        "h": hydrolysis,
        "x": worst,
        "r": {k: v for k, v in presets.items() if RISK_ORDER.get(v, 0) >= 2},
        "p": round(float(pka), 2) if pka is not None else None,
        "t": float(f"{half_life:.3g}") if isinstance(half_life, (int, float)) and math.isfinite(half_life) else None,
        "w": record.tags.get(prefix + "WARNINGS", ""),
        "e": document.get("error", record.tags.get(prefix + "ERROR", "")),
        "m": "; ".join(document.get("related_scaffolds") or []),
        "d": -1,
        "q": -1,
        "u": 1 if record.reused else 0,
    }


_DETAIL_DROP = ("schema_version", "tool", "tool_version", "ruleset_version", "rules_digest", "status", "atom_numbering")


def _detail(record: ReportRecord, prefix: str = "RX_") -> dict[str, Any]:
    """What the detail view of a hit shows: the annotation without its provenance header (shown once per page).

    Degradants listed only in the ``DEGRADANTS`` tag (``name@[M+H]+``) come along as ``degradant_tags``.
    """
    detail = {key: value for key, value in record.document.items() if key not in _DETAIL_DROP}
    listed = record.tags.get(prefix + "DEGRADANTS", "")
    if listed:
        detail["degradant_tags"] = [item.strip() for item in listed.split(";") if item.strip()]
    return detail


# --------------------------------------------------------------------------- the page


@dataclass
class _Collected:
    rows: list[dict[str, Any]] = field(default_factory=list)
    details: dict[int, Any] = field(default_factory=dict)
    pictures: list[str] = field(default_factory=list)
    values: dict[str, int] = field(default_factory=dict)
    profile_slots: dict[Any, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    near_miss: Counter[str] = field(default_factory=Counter)
    n4_classes: Counter[str] = field(default_factory=Counter)
    risk_counts: dict[str, Counter[str]] = field(default_factory=dict)
    pkas: list[float] = field(default_factory=list)
    half_lives: list[float] = field(default_factory=list)
    conditions: set[tuple[float, float, float]] = field(default_factory=set)
    provenance: dict[str, str] = field(default_factory=dict)
    ring_count: int = 0


def _count(collected: _Collected, record: ReportRecord, row: dict[str, Any]) -> None:
    document = record.document
    for name in document.get("related_scaffolds") or []:
        collected.near_miss[name] += 1
    if record.status == "error":
        if len(collected.errors) < _ERRORS_LISTED:
            collected.errors.append({"index": record.index, "name": record.name, "reason": row["e"] or "unknown error"})
        return
    if record.status != "ok":
        return
    rings = document.get("rings") or []
    collected.ring_count += len(rings)
    for ring in rings:
        collected.n4_classes[ring.get("n4_class", "")] += 1
    condition = document.get("scored_condition")
    if condition:
        collected.conditions.add((condition.get("ph"), condition.get("temperature_c"), condition.get("hours")))
    if row["h"]:
        collected.risk_counts.setdefault("hydrolysis at the scored condition", Counter())[row["h"]] += 1
    for name, level in _preset_risks(document).items():
        collected.risk_counts.setdefault(name, Counter())[level] += 1
    if row["p"] is not None:
        collected.pkas.append(row["p"])
    if row["t"] is not None and row["t"] > 0:
        collected.half_lives.append(math.log10(row["t"]))
    for key in ("tool_version", "ruleset_version", "rules_digest"):
        if key in document:
            collected.provenance.setdefault(key, str(document[key]))


def collect(records: Iterable[ReportRecord], options: ReportOptions, summary: ReportSummary) -> _Collected:
    """One pass over the records: rows, hit details, pictures (hits first, capped), profiles (capped), counts."""
    collected = _Collected()
    waiting: list[tuple[dict[str, Any], ReportRecord]] = []  # non-hits that may get a picture when hits leave room
    for record in records:
        row = _row(record)
        collected.rows.append(row)
        summary.records += 1
        summary.reused += record.reused
        if record.status == "ok":
            summary.ok += 1
            collected.details[record.index] = intern_values(_detail(record), collected.values)
            if options.max_profiles > 0:
                _add_profile(collected, row, record, summary, options.max_profiles)
            if summary.depictions < options.max_depictions:
                _add_picture(collected, row, record, summary)
        else:
            summary.no_scaffold += record.status == "no_scaffold"
            summary.errors += record.status == "error"
            if record.status != "error" and len(waiting) < options.max_depictions:
                waiting.append((row, record))
        _count(collected, record, row)
    for row, record in waiting:
        if summary.depictions >= options.max_depictions:
            break
        _add_picture(collected, row, record, summary)
    return collected


def _add_profile(collected: _Collected, row: dict[str, Any], record: ReportRecord, summary: ReportSummary,
                 limit: int) -> None:
    """Point at an identical profile drawn before (same curve, band, window and pH), or draw it while under ``limit``."""
    drawn = _profile(record)
    if drawn is None:
        return
    key, svg = drawn
    slot = collected.profile_slots.get(key)
    if slot is None:
        if summary.profiles >= limit:
            return
        slot = collected.profile_slots[key] = len(collected.pictures)
        collected.pictures.append(svg())
        summary.profiles += 1
    row["q"] = slot


def _add_picture(collected: _Collected, row: dict[str, Any], record: ReportRecord, summary: ReportSummary) -> None:
    svg = _depiction(record)
    if svg is not None:
        row["d"] = len(collected.pictures)
        collected.pictures.append(svg)
        summary.depictions += 1


def _template_text(name: str) -> str:
    return files("reactivity.report").joinpath(name).read_text(encoding="utf-8")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
            "font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
            "worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")


_SIZE_MARK = "@@REPORT_SIZE@@"


def render_report(records: Iterable[ReportRecord], options: ReportOptions = ReportOptions(),
                  warnings: list[str] | None = None) -> tuple[str, ReportSummary]:
    """The whole page as text, and its summary (counts, pictures, size).

    ``warnings`` (filled while ``records`` is read, e.g. by :func:`iter_report_records`) are shown in the summary.
    """
    from jinja2 import Environment, StrictUndefined

    started = time.perf_counter()
    summary = ReportSummary()
    collected = collect(records, options, summary)
    script = _template_text("report.js")
    hydrolysis_key = "hydrolysis at the scored condition"
    risk_rows = sorted(collected.risk_counts.items(), key=lambda item: (item[0] != hydrolysis_key, item[0]))
    environment = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    template = environment.from_string(_template_text("report.html.j2"))
    values = [text for text, _ in sorted(collected.values.items(), key=lambda item: item[1])]
    html = template.render(
        title=options.title,
        csp=_csp(script),
        css=_template_text("report.css"),
        script=script,
        version=__version__,
        provenance=collected.provenance,
        inputs=options.inputs,
        summary=summary,
        options=options,
        ring_count=collected.ring_count,
        conditions=sorted(collected.conditions, key=str),
        n4_classes=collected.n4_classes.most_common(),
        near_miss=collected.near_miss.most_common(),
        risk_rows=[(name, [counts.get(level, 0) for level in ("low", "moderate", "high")]) for name, counts in risk_rows],
        pka=_quantiles(collected.pkas) if collected.pkas else None,
        pka_histogram=_histogram(collected.pkas, "predicted N4 pKaH", SITE_COLOURS["N4"]) if collected.pkas else "",
        half_life_histogram=(_histogram(collected.half_lives, "log10 lactam half-life (h) at the scored condition",
                                        SITE_COLOURS["N1"]) if collected.half_lives else ""),
        errors=collected.errors,
        warnings=list(warnings or ()),
        errors_left_out=max(0, summary.errors - len(collected.errors)),
        colours=SITE_COLOURS,
        size_mark=_SIZE_MARK,
        rows_data=pack([[row[key] for key in ROW_KEYS] for row in collected.rows]),
        details_data=pack({str(k): v for k, v in collected.details.items()}),
        values_data=pack(values),
        pictures_data=pack(collected.pictures),
    )
    size = len(html.encode("utf-8"))
    html = html.replace(_SIZE_MARK, _size_text(size))
    summary.size_bytes = len(html.encode("utf-8"))
    summary.seconds = time.perf_counter() - started
    return html, summary


__all__ = ["ROW_KEYS", "ReportOptions", "ReportSummary", "compact_svg", "data_block", "intern_values", "pack", "render_report", "unpack"]

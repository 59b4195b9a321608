"""SD tags for one molecule: the chemistry results turned into ``RX_`` data items and ``RX_JSON``.

Each group of tags comes from one small function (rings, competing sites,
near misses, stability, basicity) that returns ``(tags, json_part)``;
:func:`assemble_tags` adds the prefix, the status and the one-line JSON.
Atom numbers in tags are 1-based numbers of the record's own atom block. The chemistry never writes an atom number
into a sentence: sentences naming atoms arrive as :class:`reactivity.atomtext.AtomText` (template and 0-based
indices) and are numbered here, once, with the record's numbering (:func:`reactivity.atomtext.numbered`).

>>> tags = assemble_tags("RX_", "no_scaffold", [related_scaffold_tags(("1,4-diazepan-5-one",))])
>>> tags["RX_STATUS"], tags["RX_SCAFFOLD_COUNT"], tags["RX_RELATED_SCAFFOLD"]
('no_scaffold', '0', '1,4-diazepan-5-one')
>>> import json; json.loads(tags["RX_JSON"])["related_scaffolds"]
['1,4-diazepan-5-one']
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from .. import __version__
from ..atomtext import numbered
from ..rules import read_ruleset_version
from ..sites import RingSites

SCHEMA_VERSION = "2"  # 2: RX_JSON may be compact ("json_detail": "compact", texts in the run's legend)
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
TOOL_NAME = "reactivity"

Section = tuple[dict[str, str], dict[str, Any]]
AtomNumber = Callable[[int], int]

CORE_TAGS = (
    "STATUS",
    "ERROR",
    "SCAFFOLD_COUNT",
    "N1_ATOM",
    "C2_ATOM",
    "N4_ATOM",
    "N1_CLASS",
    "N4_CLASS",
    "RING_VARIANT",
    "RELATED_SCAFFOLD",
    "COMPETING_SITES",
)
STABILITY_TAGS = ("HYDROLYSIS_RISK", "STABLE_PH_WINDOW", "SILICA_MEOH_RISK", "DEGRADANTS")
BASICITY_TAGS = ("N4_PKA", "N4_PROTONATED_FRACTION")
NITROSAMINE_TAGS = ("NITROSAMINE_PRECURSOR", "NITROSAMINE_CATEGORY")


#: The risks of a handling preset, as tag-name suffixes: the worse of the two (no suffix, the tag kept from earlier
#: versions), the chemical risk (ring and labile groups degraded) and the material-loss risk (compound left in the
#: water layer or stuck on silica).
PRESET_RISK_PARTS = ("", "chemical", "material_loss")


def preset_tag(preset: str, part: str = "") -> str:
    """The tag name (without prefix) of a handling preset's risk: ``part`` is ``""`` (the worse of the two),
    ``"chemical"`` or ``"material_loss"``.

    >>> preset_tag("silica_methanol")
    'RISK_SILICA_METHANOL'
    >>> preset_tag("aqueous_acid_workup", "chemical"), preset_tag("aqueous_acid_workup", "material_loss")
    ('RISK_AQUEOUS_ACID_WORKUP_CHEMICAL', 'RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS')
    """
    if part not in PRESET_RISK_PARTS:
        raise ValueError(f"unknown preset risk part {part!r}; known: {', '.join(repr(p) for p in PRESET_RISK_PARTS)}")
    name = "RISK_" + preset.upper().replace("-", "_")
    return name + "_" + part.upper() if part else name


def tag_names(prefix: str, conditions: Sequence[str] = (), stability: bool = False, basicity: bool = False,
              nitrosamine: bool = False, reactions: Sequence[str] = ()) -> tuple[str, ...]:
    """Every tag the annotation can write, prefixed, in output order (the table columns).

    >>> tag_names("RX_")[:3]
    ('RX_STATUS', 'RX_ERROR', 'RX_SCAFFOLD_COUNT')
    >>> tag_names("RX_", ("physiological",), stability=True, basicity=True)[-7:]
    ... # doctest: +NORMALIZE_WHITESPACE
    ('RX_N4_PKA', 'RX_N4_PROTONATED_FRACTION', 'RX_RISK_PHYSIOLOGICAL', 'RX_RISK_PHYSIOLOGICAL_CHEMICAL',
     'RX_RISK_PHYSIOLOGICAL_MATERIAL_LOSS', 'RX_WARNINGS', 'RX_JSON')

    ``SILICA_MEOH_RISK`` (deprecated) is a column only when ``silica_methanol`` is not a requested preset:
    its value is then in ``RISK_SILICA_METHANOL``, never under two names.

    >>> "RX_SILICA_MEOH_RISK" in tag_names("RX_", (), stability=True)
    True
    >>> "RX_SILICA_MEOH_RISK" in tag_names("RX_", ("silica_methanol",), stability=True)
    False
    """
    names = list(CORE_TAGS)
    if stability:
        names += [n for n in STABILITY_TAGS if n != "SILICA_MEOH_RISK" or "silica_methanol" not in conditions]
    if basicity:
        names += list(BASICITY_TAGS)
    if stability:
        names += [preset_tag(c, part) for c in dict.fromkeys(conditions) for part in PRESET_RISK_PARTS]
    if nitrosamine:
        names += list(NITROSAMINE_TAGS)
    names += ["RXN_" + r.upper() for r in reactions]  # annotate --reactions (reactivity.derivatization.tags)
    if stability or basicity or nitrosamine or reactions:
        names.append("WARNINGS")
    names.append("JSON")
    return tuple(prefix + n for n in names)


@lru_cache(maxsize=1)
def ruleset_version() -> str:
    """The version of the packaged site rules (``ruleset_version`` in ``data/site_rules.toml``), read without
    compiling the rules (the command process writes it in the legend and never searches a molecule).

    >>> from reactivity.rules import load_site_rules
    >>> ruleset_version() == load_site_rules().version
    True
    """
    return read_ruleset_version()


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A short SHA-256 over every packaged rule file (``*.toml`` in ``reactivity/data`` and in each capability
    subpackage) and the SHA-256 table of the model artefacts (``artefact_hashes.json``: the pKa site model and the
    stability reference panel), so any rule or model change shows.

    >>> len(rules_digest())
    12
    """
    digest = hashlib.sha256()
    root = resources.files("reactivity")
    folders = [root / "data", *(entry for entry in root.iterdir() if entry.is_dir() and entry.name not in ("data", "__pycache__"))]
    files = sorted(
        ((f"{folder.name}/{entry.name}", entry) for folder in folders for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda item: item[0],
    )
    for name, entry in files:
        digest.update(name.encode())
        digest.update(entry.read_bytes())
    digest.update(b"models/artefact_hashes.json")
    digest.update(resources.files("reactivity.models").joinpath("artefact_hashes.json").read_bytes())
    return digest.hexdigest()[:12]


def one_line(text: str) -> str:
    """Collapse a message onto one line (SD data values must not hold blank lines).

    >>> one_line("bad\\r\\n  atom  3\\n")
    'bad atom  3'
    """
    if "\n" not in text and "\r" not in text:
        return text.strip()  # the usual case, without the regular expression
    return _LINE_BREAKS.sub(" ", text).strip()


def error_tags(message: str) -> Section:
    """The error reason of a record RDKit could not read or sanitize.

    >>> error_tags("sanitize: bad valence")[0]
    {'ERROR': 'sanitize: bad valence'}
    """
    reason = one_line(message) or "unknown error"
    return {"ERROR": reason}, {"error": reason}


def scaffold_tags(rings: Sequence[RingSites], number: AtomNumber) -> Section:
    """Atom numbers and classes of each 1,4-diazepan-2-one ring (comma-separated, perception order)."""
    if not rings:
        return {}, {"rings": []}
    tags = {
        "N1_ATOM": ",".join(str(number(r.n1)) for r in rings),
        "C2_ATOM": ",".join(str(number(r.c2)) for r in rings),
        "N4_ATOM": ",".join(str(number(r.n4)) for r in rings),
        "N1_CLASS": ",".join(r.n1_class for r in rings),
        "N4_CLASS": ",".join(r.n4_class for r in rings),
        "RING_VARIANT": ",".join(r.ring_variant for r in rings),
    }
    payload = [
        {
            "atoms": {
                name: number(getattr(r, name.lower()))
                for name in ("N1", "C2", "O2", "C3", "N4", "C5", "C6", "C7")
            },
            "ring_variant": r.ring_variant,
            "n1_class": r.n1_class,
            "n4_class": r.n4_class,
            "salt_form": r.salt_form,
            "c2_activation": list(r.c2_activation),
            "c3_enolizable_h": r.c3_enolizable_h,
            "c3_epimerizable": r.c3_epimerizable,
            "n4_h_count": r.n4_h_count,
            "n4_features": list(r.n4_features),
            "c3_features": list(r.c3_features),
            "protonated_atoms": [number(a) for a in r.protonated_atoms],
            "stereocentres": [
                {"atom": number(s.atom), "position": s.position, "label": s.label} for s in r.stereocentres
            ],
            "guidance": [{"site": g.site, "text": g.text, "references": list(g.reference_ids)} for g in r.guidance],
            "notes": numbered(list(r.notes), number),
        }
        for r in rings
    ]
    return tags, {"rings": payload}


def competing_site_tags(rings: Sequence[RingSites], number: AtomNumber) -> Section:
    """Competing groups as ``code@atom`` (key atom, 1-based), ``;``-separated, each group once."""
    seen: dict[tuple[str, tuple[int, ...]], Any] = {}
    for ring in rings:
        for site in ring.competing_sites:
            seen.setdefault((site.code, site.atoms), site)
    if not seen:
        return {}, {}
    codes = ";".join(f"{s.code}@{number(s.key_atom)}" for s in seen.values())
    payload = [
        {
            "kind": s.kind,
            "category": s.category,
            "code": s.code,
            "atoms": [number(a) for a in s.atoms],
            "rule_id": s.rule_id,
            "note": s.note,
        }
        for s in seen.values()
    ]
    return {"COMPETING_SITES": codes}, {"competing_sites": payload}


def related_scaffold_tags(names: Iterable[str]) -> Section:
    """Known near misses of a record without the ring (e.g. ``1,4-diazepan-5-one``), ``;``-separated (names hold commas)."""
    found = list(names)
    if not found:
        return {}, {}
    return {"RELATED_SCAFFOLD": ";".join(found)}, {"related_scaffolds": found}


def stability_tags(result: Any, presets: Sequence[str], number: AtomNumber) -> Section:
    """Tags from ``reactivity.stability.assess_rings`` (a ``StabilityResult`` scored with the requested presets).

    ``RX_HYDROLYSIS_RISK`` is the risk at the scored pH/temperature/hours,
    ``RX_STABLE_PH_WINDOW`` the window as ``low-high`` (``none`` when no pH
    qualifies). For each requested preset: ``RX_RISK_<PRESET>_CHEMICAL`` (ring and
    labile groups degraded), ``RX_RISK_<PRESET>_MATERIAL_LOSS`` (compound left in the
    water layer or stuck on silica) and ``RX_RISK_<PRESET>``, the worse of the two.
    ``RX_SILICA_MEOH_RISK`` (deprecated: the worse of the two risks of the
    ``silica_methanol`` preset) is written only when that preset is not requested,
    so no value appears under two names. The JSON part is a compact summary that
    keeps every assumption text.
    """
    conditions = {c.name: c for c in result.conditions}
    tags: dict[str, str] = {"HYDROLYSIS_RISK": str(result.risk), "STABLE_PH_WINDOW": result.stable_ph_window_text or "none"}
    if "silica_methanol" in conditions and "silica_methanol" not in presets:
        tags["SILICA_MEOH_RISK"] = str(conditions["silica_methanol"].worst_risk)
    for name in presets:
        if name in conditions:
            condition = conditions[name]
            tags[preset_tag(name)] = str(condition.worst_risk)
            tags[preset_tag(name, "chemical")] = str(condition.chemical_risk)
            tags[preset_tag(name, "material_loss")] = str(condition.material_loss_risk)
    degradants = [d.tag_text for d in getattr(result, "degradants", ())
                  if d.mz_mh is not None and d.note != "same mass as the parent"]
    if degradants:
        # RX_DEGRADANTS: name@[M+H]+ of every pathway's products, ';'-separated (reactivity.stability)
        tags["DEGRADANTS"] = ";".join(one_line(text.replace(";", ",")) for text in degradants)
    if result.warnings:
        tags["WARNINGS"] = "; ".join(one_line(numbered(w, number)) for w in result.warnings)
    main_assumptions = list(result.assumptions)
    payload = {
        "stability": {
            "risk": result.risk,
            "risk_reasons": list(result.risk_reasons),
            "k_obs_per_s": result.k_obs_per_s,
            "k_band_per_s": list(result.k_band_per_s) if result.k_band_per_s else None,
            "half_life_h": result.half_life_h,
            "fraction_lost": result.fraction_lost,
            "fraction_lost_band": list(result.fraction_lost_band) if result.fraction_lost_band else None,
            "dominant_term": result.dominant_term,
            "stable_ph_window": list(result.stable_ph_window) if result.stable_ph_window else None,
            "fraction_irreversibly_lost": getattr(result, "fraction_irreversibly_lost", None),
            "assay_stable_ph_window": (list(result.assay_stable_ph_window)
                                       if getattr(result, "assay_stable_ph_window", None) else None),
            "pathways": [
                {
                    "kind": p.kind,
                    "reversible": p.reversible,
                    "site": p.site,
                    "atoms": [number(a) for a in p.atoms],
                    "k_per_s": p.k_per_s,
                    "dominant": p.dominant,
                }
                for p in result.pathways
            ],
            "nearest_references": "not computed in batch annotation (see `reactivity stability`)",
            "assumptions": main_assumptions,
            "reference_ids": [r.id for r in result.references],
            "warnings": list(result.warnings),
            "model_version": result.model_version,
        },
        "conditions": {
            c.name: {
                "chemical_risk": c.chemical_risk,
                "material_loss_risk": c.material_loss_risk,
                "fraction_lost": c.fraction_lost,
                "advice": list(c.advice),
                "reasons": list(c.reasons),
                "assumptions": [a for a in c.assumptions if a not in main_assumptions],
                "reference_ids": [r.id for r in c.references],
            }
            for c in result.conditions
        },
    }
    return tags, numbered(payload, number)


def basicity_tags(result: Any, number: AtomNumber) -> Section:
    """N4 pKaH and its protonated fraction at the scored pH (a ``reactivity.basicity.BasicityResult``).

    Both tags are left out when N4 gets no pKaH (amide, carbamate, ...; a basic amine or a
    benzodiazepinone imine N4 gets one); the JSON then says ``null`` and gives the N4 class.
    """
    tags: dict[str, str] = {}
    if result.n4_pka is not None:
        tags["N4_PKA"] = f"{result.n4_pka:.1f}"
    if result.n4_protonated_fraction is not None:
        tags["N4_PROTONATED_FRACTION"] = f"{result.n4_protonated_fraction:.2f}"
    payload = {
        "basicity": {
            "ph": result.ph,
            "n4_pka": result.n4_pka,
            "n4_pka_band": list(result.n4_pka_band) if result.n4_pka_band else None,
            "n4_protonated_fraction": result.n4_protonated_fraction,
            "n4_class": result.n4_class,
            "free_base_ph_99": result.free_base_ph_99,
            "sites": [
                {
                    "atom": number(site.atom),
                    "site_class": site.site_class,
                    "pka": site.pka,
                    "band": list(site.band),
                    "protonated_fraction": site.protonated_fraction,
                    "applicability": site.applicability,
                    "role": site.role,
                }
                for site in result.sites
            ],
            "uncovered_groups": [{"kind": group.kind, "labels": group.labels, "atoms": [number(a) for a in group.atoms]}
                                 for group in result.uncovered_groups],
            "assumptions": list(result.assumptions),
        }
    }
    return tags, numbered(payload, number)


def warning_tags(text: str) -> Section:
    """A one-line warning (several sections' warnings are joined with ``; ``).

    >>> warning_tags("basicity not scored: model missing")[0]
    {'WARNINGS': 'basicity not scored: model missing'}
    """
    return {"WARNINGS": one_line(text)}, {}


def assemble_tags(prefix: str, status: str, sections: Sequence[Section], scaffold_count: int = 0,
                  context: Mapping[str, Any] | None = None, *, write_json: bool = True) -> dict[str, str]:
    """Prefix the tag names, add status, ring count and the one-line ``JSON`` tag.

    Values are single lines; the JSON carries ``schema_version``, the tool
    version and the rule-set version. ``write_json=False`` leaves the ``JSON`` tag as a :class:`PendingJson` (the
    document, not yet written) for a renderer that writes another form of it (compact, or none).

    >>> tags = assemble_tags("X_", "error", [error_tags("bad\\nthing")])
    >>> list(tags)
    ['X_STATUS', 'X_ERROR', 'X_SCAFFOLD_COUNT', 'X_JSON']
    """
    merged: dict[str, str] = {"STATUS": status}
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": TOOL_NAME,
        "tool_version": __version__,
        "ruleset_version": ruleset_version(),
        "rules_digest": rules_digest(),
        "status": status,
        "scaffold_count": scaffold_count,
        "atom_numbering": "1-based, as in the record's atom block (explicit H included)",
    }
    if context:
        document.update(context)
    for tags, part in sections:
        for key, value in tags.items():
            value = one_line(value) if "\n" in value or "\r" in value else value
            merged[key] = merged[key] + "; " + value if key == "WARNINGS" and key in merged else value
        document.update(part)
    merged.setdefault("SCAFFOLD_COUNT", str(scaffold_count))
    ordered = {prefix + key: merged[key] for key in _ORDER if key in merged}
    ordered.update({prefix + key: value for key, value in merged.items() if key not in _ORDER_SET})
    if "WARNINGS" in merged:
        ordered[prefix + "WARNINGS"] = ordered.pop(prefix + "WARNINGS")
    ordered[prefix + "JSON"] = JsonTag(write_document(document), document) if write_json else PendingJson(document)  # type: ignore[assignment]
    return ordered


def write_document(document: Any) -> str:
    """The one-line JSON text of an ``RX_JSON`` document."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)


class PendingJson:
    """An ``RX_JSON`` document not written yet (:func:`assemble_tags` with ``write_json=False``); ``str()`` writes
    the full text.

    >>> str(PendingJson({"status": "ok"}))
    '{"status":"ok"}'
    """

    __slots__ = ("document",)

    def __init__(self, document: Any) -> None:
        self.document = document

    def __str__(self) -> str:
        return write_document(self.document)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PendingJson, (self.document,))


class JsonTag(str):
    """An ``RX_JSON`` value (the one-line JSON text) that keeps the document it was written from.

    In the text every sentence naming atoms is formatted once, with the record's numbering; the document still holds
    those sentences as :class:`~reactivity.atomtext.AtomText` (template and the record's atom numbers), so the
    compact form (:func:`reactivity.batch.legend.compact_json`) puts the template in the run's legend and keeps only
    the numbers in the record.

    >>> from reactivity.atomtext import AtomText
    >>> value = JsonTag('{"a":"atom 4"}', {"a": AtomText("atom {0}", (4,))})
    >>> value == '{"a":"atom 4"}', value.document["a"].template
    (True, 'atom {0}')
    """

    document: Any

    def __new__(cls, text: str, document: Any) -> JsonTag:
        self = super().__new__(cls, text)
        self.document = document
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (JsonTag, (str(self), self.document))


def nitrosamine_tags(result: Any, number: AtomNumber) -> Section:
    """``annotate --nitrosamine`` (a ``reactivity.nitrosamine.NitrosamineRisk``; CPCA, screening only).

    ``NITROSAMINE_PRECURSOR``: ``site@atom``, ``;``-separated, sites ``N4`` (ring amine N4), ``amine``, ``n_nitroso``
    (already present), ``tertiary_N4``/``tertiary_amine`` (dealkylative, lower risk); ``none`` without any.
    ``NITROSAMINE_CATEGORY``: the most potent category of the secondary-amine and present N-nitroso products, or ``none``.
    """
    from ..species import rounded_mass  # the nitrosamine screen's module (RDKit helpers) loads only when it is asked for

    sites = [f"{p.site}@{number(p.atom)}" for p in result.products]
    sites += [f"tertiary_{p.site}@{number(p.atom)}" for p in result.dealkylation_products]
    category = result.most_potent_category
    tags = {"NITROSAMINE_PRECURSOR": ";".join(dict.fromkeys(sites)) or "none",
            "NITROSAMINE_CATEGORY": "none" if category is None else str(category)}

    def product(p: Any) -> dict[str, Any]:
        return {"site": p.site, "atom": number(p.atom), "nitroso_smiles": p.nitroso_smiles,
                "mz_mh": rounded_mass(p.species.mz_mh), "alpha_h_counts": list(p.alpha_h_counts),
                "potency_score": p.potency_score, "category": p.category, "ai_ng_per_day": p.ai_ng_per_day}

    payload = {"nitrosamine": {
        "screening_only": True, "note": result.screening_note, "guidance_version": result.guidance_version,
        "most_potent_category": category, "products": [product(p) for p in result.products],
        "most_potent_dealkylation_category": result.most_potent_dealkylation_category,
        "dealkylation_products": [product(p) for p in result.dealkylation_products],
    }}
    return tags, payload


_ORDER = CORE_TAGS + STABILITY_TAGS + BASICITY_TAGS
_ORDER_SET = frozenset(_ORDER)

__all__ = [
    "SCHEMA_VERSION",
    "PendingJson",
    "assemble_tags",
    "basicity_tags",
    "competing_site_tags",
    "error_tags",
    "preset_tag",
    "related_scaffold_tags",
    "ruleset_version",
    "scaffold_tags",
    "stability_tags",
    "tag_names",
    "warning_tags",
]

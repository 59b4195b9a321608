"""Compact ``RX_JSON``: prose written once per run in a legend, not in every record.

A full annotation repeats the same sentences (assumptions, guidance, advice, reasons) and the
same lists of reference ids in every ring-bearing record. In a compact annotation every prose
string (a string value with a space in it and at least :data:`MIN_LENGTH` characters; SMILES,
InChIKeys, formulas, ids and numbers never qualify) and every list of strings of at least that
length in JSON is replaced by a reference ``§`` + the first 12 hex digits of the SHA-256 of its
JSON, and the value is kept once in the run's legend (a JSON file written beside the output).
:func:`expand` puts the values back: compact plus legend is lossless.

A sentence naming atoms (an :class:`~reactivity.atomtext.AtomText` of the record, see :func:`compact_json`) goes
to the legend as its template, with slots ``{0}``, ``{1}``...; the record keeps the reference followed by the
record's atom numbers in slot order, ``§0123456789ab[5,12]``, so a run's legend holds one text per template
whatever the atom numbers.

>>> legend = {}
>>> doc = {"smiles": "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "assumptions": ["the open form's amide hydrolyses at the lactam rate"]}
>>> small = compact(doc, legend)
>>> small["smiles"] == doc["smiles"], small["assumptions"][0].startswith("§"), len(legend)
(True, True, 1)
>>> expand(small, legend) == doc
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..atomtext import AtomText

MIN_LENGTH = 40
"""Shortest prose string replaced by a reference (shorter ones cost about as much as their reference)."""

MARK = "§"
LEGEND_SCHEMA = "reactivity-legend/2"  # 2: texts may be templates of sentences naming atoms (``§ref[5,12]``)
_READABLE_SCHEMAS = ("reactivity-legend/1", LEGEND_SCHEMA)


def reference_of(text: Any) -> str:
    """The legend reference of a text (or of a list of texts).

    >>> ref = reference_of("a sentence")
    >>> ref[0], len(ref), ref == reference_of("a sentence"), ref == reference_of("a sentence.")
    ('§', 13, True, False)
    """
    if isinstance(text, str):
        return _reference_of_text(text)
    return _reference_of_text(json.dumps(text, separators=(",", ":"), ensure_ascii=False))


@lru_cache(maxsize=8192)
def _reference_of_text(encoded: str) -> str:
    """The reference of a text (the same sentences recur in every ring-bearing record of a run)."""
    return MARK + hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:12]


def _is_prose(value: str) -> bool:
    return len(value) >= MIN_LENGTH and " " in value and not value.startswith(MARK)


@lru_cache(maxsize=4096)
def _list_reference(items: tuple[str, ...]) -> str:
    """The reference of a list of strings, or "" when its JSON is too short to be worth one."""
    encoded = json.dumps(list(items), separators=(",", ":"), ensure_ascii=False)
    return _reference_of_text(encoded) if len(encoded) >= MIN_LENGTH else ""


def _is_atom_reference(value: str) -> bool:
    return len(value) > 13 and value[13] == "[" and value.startswith(MARK)


def atom_reference(text: AtomText, legend: dict[str, Any]) -> str:
    """The compact form of a sentence naming atoms: its template goes to ``legend``, its atom numbers stay.

    >>> legend = {}
    >>> ref = atom_reference(AtomText("N4 (atom {0}) is carbamate: no pKaH predicted", (5,)), legend)
    >>> ref.endswith("[5]"), legend[ref[:13]], expand(ref, legend)
    (True, 'N4 (atom {0}) is carbamate: no pKaH predicted', 'N4 (atom 5) is carbamate: no pKaH predicted')
    """
    key = _reference_of_text(text.template)
    legend[key] = text.template
    return key + "[" + ",".join(str(a) for a in text.atoms) + "]"


def atom_texts(document: Any, found: dict[str, AtomText] | None = None) -> dict[str, AtomText]:
    """Every :class:`~reactivity.atomtext.AtomText` inside ``document``, by its text."""
    found = {} if found is None else found
    if isinstance(document, AtomText):
        found[str(document)] = document
    elif isinstance(document, dict):
        for value in document.values():
            atom_texts(value, found)
    elif isinstance(document, (list, tuple)):
        for value in document:
            atom_texts(value, found)
    return found


def compact(document: Any, legend: dict[str, Any], atoms: Mapping[str, AtomText] | None = None) -> Any:
    """``document`` with every prose string replaced by its reference; the texts are added to ``legend``.

    ``atoms`` maps the texts of sentences naming atoms to their :class:`~reactivity.atomtext.AtomText`: those
    become :func:`atom_reference` forms (a list holding one is never replaced as a whole).
    """
    if isinstance(document, str):
        if atoms and document in atoms and _is_prose(document):
            return atom_reference(atoms[document], legend)
        return _text_or_reference(document, legend)
    if isinstance(document, list):
        return _list_or_reference([compact(item, legend, atoms) for item in document], legend)
    if isinstance(document, dict):
        return {key: compact(value, legend, atoms) for key, value in document.items()}
    return document


def _list_or_reference(items: list[Any], legend: dict[str, Any]) -> Any:
    """A compacted list, or its reference when it holds only plain strings (no sentence naming atoms)."""
    if items and all(isinstance(item, str) and not _is_atom_reference(item) for item in items):
        return _plain_list_reference(items, legend)
    return items


def _plain_list_reference(items: list[str], legend: dict[str, Any]) -> Any:
    """The reference of a list of plain strings (its texts go to ``legend``), or the list when it is too short."""
    key = _list_reference(tuple(items))
    if key:
        legend[key] = items
        return key
    return items


_JSON_SCALARS = (str, int, float, type(None))


def _compact_written(document: Any, legend: dict[str, Any]) -> Any:
    """:func:`compact` of the document an ``RX_JSON`` text was written from (``json.dumps(..., default=str)``), giving
    what :func:`compact` gives on the parsed text: tuples are lists, an object JSON cannot encode is its ``str``, and
    a sentence naming atoms (an :class:`~reactivity.atomtext.AtomText`) is found as it is, without a search."""
    kind = type(document)  # the exact built-in types first (nearly every value), then the general cases
    if kind is dict:
        return _compact_written_dict(document, legend)
    if kind is list or kind is tuple:
        return _compact_written_list(document, legend)
    if kind is str:
        return _text_or_reference(document, legend)
    if kind is float or kind is int or kind is bool or document is None:
        return document
    if isinstance(document, str):
        if isinstance(document, AtomText) and _is_prose(document):
            return atom_reference(document, legend)
        return compact(str(document), legend)
    if isinstance(document, dict):
        return _compact_written_dict(document, legend)
    if isinstance(document, (list, tuple)):
        return _compact_written_list(document, legend)
    if isinstance(document, _JSON_SCALARS):
        return document
    return compact(str(document), legend)  # json.dumps(default=str) writes such an object as its str


def _text_or_reference(text: str, legend: dict[str, Any]) -> str:
    """A prose text's reference (the text goes to ``legend``), any other string as it is."""
    if not _is_prose(text):
        return text
    key = _reference_of_text(text)
    legend[key] = text
    return key


# The two walks below handle plain strings and numbers in line (most values of a document) and hand every other
# value to _compact_written: the same result with a third of the function calls.

def _compact_written_dict(document: Mapping[str, Any], legend: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in document.items():
        kind = type(value)
        if kind is str:
            out[key] = value if len(value) < MIN_LENGTH else _text_or_reference(value, legend)
        elif kind is float or kind is int or kind is bool or value is None:
            out[key] = value
        else:
            out[key] = _compact_written(value, legend)
    return out


def _compact_written_list(document: Any, legend: dict[str, Any]) -> Any:
    items = []
    plain = True  # only plain strings so far (no sentence naming atoms): the list may become one reference
    for value in document:
        kind = type(value)
        if kind is str:
            value = value if len(value) < MIN_LENGTH else _text_or_reference(value, legend)
            if plain and _is_atom_reference(value):
                plain = False
        elif kind is float or kind is int or kind is bool or value is None:
            plain = False
        else:
            value = _compact_written(value, legend)
            if plain and (not isinstance(value, str) or _is_atom_reference(value)):
                plain = False
        items.append(value)
    return _plain_list_reference(items, legend) if plain and items else items


def expand(document: Any, legend: Mapping[str, Any]) -> Any:
    """``document`` with every reference replaced by its text (KeyError names a reference the legend lacks)."""
    if isinstance(document, str):
        if document.startswith(MARK) and len(document) == 13:
            try:
                value = legend[document]
            except KeyError:
                raise KeyError(f"legend has no text for {document}") from None
            return expand(value, legend) if isinstance(value, list) else value
        if _is_atom_reference(document) and document.endswith("]"):
            try:
                template = legend[document[:13]]
            except KeyError:
                raise KeyError(f"legend has no text for {document[:13]}") from None
            return str(template).format(*document[14:-1].split(","))
        return document
    if isinstance(document, list):
        return [expand(item, legend) for item in document]
    if isinstance(document, dict):
        return {key: expand(value, legend) for key, value in document.items()}
    return document


def compact_json(text: str, legend: dict[str, Any]) -> str:
    """A one-line ``RX_JSON`` value made compact (``json_detail`` set to ``compact``).

    When ``text`` keeps the document it was written from (:class:`reactivity.batch.tags.JsonTag`, or the document
    not written yet, :class:`reactivity.batch.tags.PendingJson`), its sentences
    naming atoms go to the legend as templates (:func:`atom_reference`).
    """
    written_from = getattr(text, "document", None)
    if isinstance(written_from, dict):
        small = _compact_written(written_from, legend)  # no parse of the text, one walk
    else:
        small = compact(json.loads(text), legend)
    if isinstance(small, dict):
        small["json_detail"] = "compact"
    return json.dumps(small, separators=(",", ":"), ensure_ascii=False)


def expand_json(text: str, legend: Mapping[str, Any]) -> str:
    """The full ``RX_JSON`` value of a compact one (unchanged when it is not compact)."""
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("json_detail") != "compact":
        return text
    full = expand(document, legend)
    del full["json_detail"]
    return json.dumps(full, separators=(",", ":"), ensure_ascii=False)


def default_legend_path(output: str) -> str:
    """Where a run writes its legend: beside the output, ``OUTPUT.legend.json`` (``.gz`` kept off).

    >>> default_legend_path("out/lib.sdf.gz")
    'out/lib.sdf.legend.json'
    """
    return output.removesuffix(".gz") + ".legend.json"


def write_legend(path: str, texts: Mapping[str, Any], about: Mapping[str, Any]) -> None:
    """Write the legend as every output is written (:func:`reactivity.batch.writers.write_output`: a file replaced
    whole, a link or a pipe written through)."""
    from .writers import write_output

    payload = {"schema": LEGEND_SCHEMA, **about, "texts": dict(sorted(texts.items()))}
    write_output(path, (json.dumps(payload, ensure_ascii=False, indent=0) + "\n").encode("utf-8"))


def read_legend(path: str) -> dict[str, Any]:
    """The texts (and lists of texts) of a legend file (ValueError when it is not one)."""
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    if not isinstance(payload, dict) or payload.get("schema") not in _READABLE_SCHEMAS:
        raise ValueError(f"{path} is not a reactivity legend")
    return {str(k): v for k, v in payload["texts"].items()}

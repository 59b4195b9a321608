"""Compact ``RX_JSON``: prose written once per run in a legend, not in every record.

A full annotation repeats the same sentences (assumptions, guidance, advice, reasons) and the
same lists of reference ids in every ring-bearing record. In a compact annotation every prose
string (a string value with a space in it and at least :data:`MIN_LENGTH` characters; SMILES,
InChIKeys, formulas, ids and numbers never qualify) and every list of strings of at least that
length in JSON is replaced by a reference ``§`` + the first 12 hex digits of the SHA-256 of its
JSON, and the value is kept once in the run's legend (a JSON file written beside the output).
:func:`expand` puts the values back: compact plus legend is lossless.

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
import os
from collections.abc import Mapping
from typing import Any

MIN_LENGTH = 40
"""Shortest prose string replaced by a reference (shorter ones cost about as much as their reference)."""

MARK = "§"
LEGEND_SCHEMA = "reactivity-legend/1"


def reference_of(text: Any) -> str:
    """The legend reference of a text (or of a list of texts).

    >>> ref = reference_of("a sentence")
    >>> ref[0], len(ref), ref == reference_of("a sentence"), ref == reference_of("a sentence.")
    ('§', 13, True, False)
    """
    encoded = text if isinstance(text, str) else json.dumps(text, separators=(",", ":"), ensure_ascii=False)
    return MARK + hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:12]


def _is_prose(value: str) -> bool:
    return len(value) >= MIN_LENGTH and " " in value and not value.startswith(MARK)


def compact(document: Any, legend: dict[str, Any]) -> Any:
    """``document`` with every prose string replaced by its reference; the texts are added to ``legend``."""
    if isinstance(document, str):
        if _is_prose(document):
            key = reference_of(document)
            legend[key] = document
            return key
        return document
    if isinstance(document, list):
        items = [compact(item, legend) for item in document]
        if items and all(isinstance(item, str) for item in items):
            encoded = json.dumps(items, separators=(",", ":"), ensure_ascii=False)
            if len(encoded) >= MIN_LENGTH:
                key = reference_of(items)
                legend[key] = items
                return key
        return items
    if isinstance(document, dict):
        return {key: compact(value, legend) for key, value in document.items()}
    return document


def expand(document: Any, legend: Mapping[str, Any]) -> Any:
    """``document`` with every reference replaced by its text (KeyError names a reference the legend lacks)."""
    if isinstance(document, str):
        if document.startswith(MARK) and len(document) == 13:
            try:
                value = legend[document]
            except KeyError:
                raise KeyError(f"legend has no text for {document}") from None
            return expand(value, legend) if isinstance(value, list) else value
        return document
    if isinstance(document, list):
        return [expand(item, legend) for item in document]
    if isinstance(document, dict):
        return {key: expand(value, legend) for key, value in document.items()}
    return document


def compact_json(text: str, legend: dict[str, Any]) -> str:
    """A one-line ``RX_JSON`` value made compact (``json_detail`` set to ``compact``)."""
    document = json.loads(text)
    small = compact(document, legend)
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
    """Write the legend atomically (a temporary file beside it, then a rename)."""
    payload = {"schema": LEGEND_SCHEMA, **about, "texts": dict(sorted(texts.items()))}
    temporary = f"{path}.part{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=0)
        handle.write("\n")
    os.replace(temporary, path)


def read_legend(path: str) -> dict[str, Any]:
    """The texts (and lists of texts) of a legend file (ValueError when it is not one)."""
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    if not isinstance(payload, dict) or payload.get("schema") != LEGEND_SCHEMA:
        raise ValueError(f"{path} is not a reactivity legend")
    return {str(k): v for k, v in payload["texts"].items()}

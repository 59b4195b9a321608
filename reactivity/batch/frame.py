"""Annotation of a DataFrame: the same tags as ``reactivity annotate``, as typed columns.

:func:`annotate_frame` runs the batch layer's own per-chunk function on the molecules
of one column (SMILES, molblocks or RDKit molecules) and adds one column per tag, with
a fixed schema (:data:`COLUMN_TYPES`): integers, floats, categoricals for classes of
one value per record (status, risks), lists for values that hold one entry per ring or
per site, and the annotation JSON as a parsed object. The index and every input column
are kept; a row that cannot be read is marked ``error`` with its reason, never dropped.

>>> import pandas as pd
>>> frame = pd.DataFrame({"smiles": ["O=C1CNCCCN1", "CCO", "C1CC("]}, index=["parent", "ethanol", "bad"])
>>> out = annotate_frame(frame, smiles_col="smiles", stability=False, basicity=False)
>>> list(out["RX_STATUS"])
['ok', 'no_scaffold', 'error']
>>> out.loc["parent", "RX_N4_ATOM"], out.loc["parent", "RX_N4_CLASS"]
([4], ['secondary_amine'])
>>> str(out["RX_SCAFFOLD_COUNT"].dtype)
'Int64'

With Dask, the same function runs on every partition (``meta`` from
:func:`frame_meta`)::

    ddf.map_partitions(annotate_frame, smiles_col="smiles", meta=frame_meta(ddf._meta, ...))
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from rdkit import Chem

from ..errors import ReactivityError
from .annotate import AnnotateSettings, annotate_chunk
from .records import TableLayout
from .tags import tag_names

__all__ = ["COLUMN_TYPES", "TagValueError", "annotate_frame", "arrow_type", "column_type", "empty_tag_frame", "frame_meta",
           "parse_tag"]

# Tag name (without prefix) -> column type. Types:
#   "category:<a>|<b>|..."  one value per record from a closed set
#   "int", "float", "str"   one value per record (missing: <NA>)
#   "list[int]" / "list[float]" / "list[str]"   one entry per ring, site or item (missing: empty list)
#   "json"                  the annotation as a parsed object (dict)
_RISK = "category:low|moderate|high|not_applicable"
COLUMN_TYPES: dict[str, str] = {
    "STATUS": "category:ok|no_scaffold|error",
    "ERROR": "str",
    "SCAFFOLD_COUNT": "int",
    "N1_ATOM": "list[int]",
    "C2_ATOM": "list[int]",
    "N4_ATOM": "list[int]",
    "N1_CLASS": "list[str]",
    "N4_CLASS": "list[str]",
    "RING_VARIANT": "list[str]",
    "RELATED_SCAFFOLD": "list[str]",
    "COMPETING_SITES": "list[str]",
    "HYDROLYSIS_RISK": _RISK,
    "STABLE_PH_WINDOW": "str",
    "SILICA_MEOH_RISK": _RISK,  # deprecated: RISK_SILICA_METHANOL (+ _CHEMICAL, _MATERIAL_LOSS) with that preset
    "N4_PKA": "list[float]",
    "N4_PROTONATED_FRACTION": "list[float]",
    "WARNINGS": "list[str]",
    "DEGRADANTS": "list[str]",
    "JSON": "json",
}
# Separators of the list-valued tags in the SD/CSV text (names of near misses hold commas).
_SEPARATOR = {"RELATED_SCAFFOLD": ";", "COMPETING_SITES": ";", "WARNINGS": ";", "DEGRADANTS": ";"}


def column_type(tag: str) -> str:
    """The column type of a tag name without its prefix (see :data:`COLUMN_TYPES`).

    Handling-preset risks (``RISK_<PRESET>``, the worse of ``RISK_<PRESET>_CHEMICAL`` and
    ``RISK_<PRESET>_MATERIAL_LOSS``, and those two) are risk categoricals; any other tag a later
    version adds is text.

    >>> column_type("N4_ATOM"), column_type("RISK_SILICA_METHANOL"), column_type("SOMETHING_NEW")
    ('list[int]', 'category:low|moderate|high|not_applicable', 'str')
    >>> column_type("RISK_AQUEOUS_ACID_WORKUP_CHEMICAL") == column_type("RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS") == _RISK
    True
    """
    if tag in COLUMN_TYPES:
        return COLUMN_TYPES[tag]
    if tag.startswith("RISK_") or tag.endswith("_RISK"):
        return _RISK
    return "str"


class TagValueError(ReactivityError, ValueError):
    """A tag value that does not parse as its column's type (a bug in the writer of that tag, never hidden)."""


_INTEGER = re.compile(r"[+-]?[0-9]+")


def _item(tag: str, kind: str, text: str) -> int | float | str:
    try:
        if kind == "int" or kind == "list[int]":
            if not _INTEGER.fullmatch(text):
                raise ValueError(text)
            return int(text)
        if kind == "float" or kind == "list[float]":
            return float(text)
    except ValueError:
        raise TagValueError(f"tag {tag} holds {text!r}, which is not {'an integer' if 'int' in kind else 'a number'}") from None
    return text


def parse_tag(tag: str, text: str | None, kind: str | None = None) -> Any:
    """The typed value of a tag's text (tag name without prefix; ``kind`` defaults to :func:`column_type`).

    ``None`` is a missing value (``None``; an empty list for list types), and so is an empty text
    in a column that is not text. A text that does not parse as its type (an integer column
    holding ``"1.5"``, a risk holding ``"severe"``, JSON that is not JSON) raises
    :class:`TagValueError`: it is never turned into a missing value.

    >>> parse_tag("N4_ATOM", "4,12"), parse_tag("N4_PKA", "7.3"), parse_tag("SCAFFOLD_COUNT", "2")
    ([4, 12], [7.3], 2)
    >>> parse_tag("RELATED_SCAFFOLD", "1,4-diazepan-5-one;piperazin-2-one"), parse_tag("N4_ATOM", None)
    (['1,4-diazepan-5-one', 'piperazin-2-one'], [])
    >>> parse_tag("HYDROLYSIS_RISK", "severe")
    Traceback (most recent call last):
    ...
    reactivity.batch.frame.TagValueError: tag HYDROLYSIS_RISK holds 'severe', which is not one of low, moderate, high, not_applicable
    """
    kind = column_type(tag) if kind is None else kind
    if kind.startswith("list["):
        if not text:
            return []
        separator = _SEPARATOR.get(tag, ",")
        return [_item(tag, kind, part.strip()) for part in text.split(separator) if part.strip()]
    if text is None or (text == "" and kind != "str"):
        return None
    if kind.startswith("category:"):
        categories = kind.split(":", 1)[1].split("|")
        if text not in categories:
            raise TagValueError(f"tag {tag} holds {text!r}, which is not one of {', '.join(categories)}")
        return text
    if kind == "json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise TagValueError(f"tag {tag} does not hold JSON ({exc})") from None
    return _item(tag, kind, text)


def arrow_type(kind: str) -> Any:
    """The Arrow type of a column type (:data:`COLUMN_TYPES`), as written to Parquet.

    Categories are dictionary-encoded strings whose dictionary is the whole closed set, in
    order; ``json`` is Arrow's JSON extension type (Parquet's JSON logical type).

    >>> str(arrow_type("list[int]")), str(arrow_type("category:ok|error")), str(arrow_type("json"))
    ('list<item: int64>', 'dictionary<values=string, indices=int8, ordered=0>', 'extension<arrow.json>')
    """
    import pyarrow as pa

    if kind.startswith("category:"):
        return pa.dictionary(pa.int8(), pa.string())
    if kind.startswith("list["):
        return pa.list_({"list[int]": pa.int64(), "list[float]": pa.float64(), "list[str]": pa.string()}[kind])
    if kind == "json":
        return pa.json_(pa.string())
    return {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}[kind]


def _convert(tag: str, kind: str, values: list[str | None]) -> pd.Series:
    parsed = [parse_tag(tag, v, kind) for v in values]
    if kind.startswith("category:"):
        categories = kind.split(":", 1)[1].split("|")
        return pd.Series(pd.Categorical(parsed, categories=categories))
    if kind == "int":
        return pd.Series(parsed, dtype="Int64")
    if kind == "float":
        return pd.Series(parsed, dtype="Float64")
    if kind == "json" or kind.startswith("list["):
        return pd.Series(parsed, dtype=object)
    return pd.Series(parsed, dtype="string")


def empty_tag_frame(tag_columns: Sequence[str], tag_prefix: str = "RX_") -> pd.DataFrame:
    """An empty frame with the dtypes :func:`annotate_frame` gives these (prefixed) tag columns.

    >>> empty_tag_frame(("RX_STATUS", "RX_SCAFFOLD_COUNT")).dtypes.astype(str).tolist()
    ['category', 'Int64']
    """
    out = pd.DataFrame(index=pd.RangeIndex(0))
    for name in tag_columns:
        bare = name[len(tag_prefix):] if name.startswith(tag_prefix) else name
        out[name] = _convert(bare, column_type(bare), [])
    return out


_SMILES_ROW = TableLayout(None, ("smiles",), 0, None)


def _raw_records(df: pd.DataFrame, smiles_col: str | None, molblock_col: str | None, mol_col: str | None) -> tuple[list[bytes], bool]:
    """Raw records for the batch layer: SMILES rows (table mode) or molblocks (SD mode)."""
    chosen = [c for c in (smiles_col, molblock_col, mol_col) if c is not None]
    if len(chosen) != 1:
        raise ValueError("give exactly one of smiles_col, molblock_col, mol_col")
    column = chosen[0]
    if column not in df.columns:
        raise KeyError(f"no column {column!r} in the frame")
    if smiles_col is not None:
        # One SMILES per row; whitespace inside a cell would end the SMILES in a .smi row.
        return [("" if pd.isna(v) else str(v)).strip().replace("\n", " ").encode("utf-8") + b"\n" for v in df[column]], True
    if molblock_col is not None:
        return [("" if pd.isna(v) else str(v)).encode("utf-8") for v in df[column]], False
    raws = []
    for mol in df[column]:
        try:
            raws.append(Chem.MolToMolBlock(mol).encode("utf-8") if mol is not None else b"")
        except Exception:  # noqa: BLE001 - an unwritable molecule becomes an error record
            raws.append(b"")
    return raws, False


def _prefixed_columns(prefix: str, conditions: Sequence[str], stability: bool, basicity: bool) -> tuple[str, ...]:
    return tag_names(prefix, tuple(conditions), stability, basicity)


def frame_meta(
    df: pd.DataFrame, *, conditions: Sequence[str] = (), stability: bool = True, basicity: bool = True, tag_prefix: str = "RX_",
) -> pd.DataFrame:
    """An empty frame with the input's columns and the tag columns of :func:`annotate_frame` (Dask's ``meta``)."""
    out = df.iloc[:0].copy()
    for name in _prefixed_columns(tag_prefix, conditions, stability, basicity):
        out[name] = _convert(name[len(tag_prefix):], column_type(name[len(tag_prefix):]), []).set_axis(out.index)
    return out


def annotate_frame(
    df: pd.DataFrame,
    *,
    smiles_col: str | None = None,
    molblock_col: str | None = None,
    mol_col: str | None = None,
    ph: float = 7.0,
    temperature_c: float = 25.0,
    hours: float = 24.0,
    conditions: Sequence[str] = (),
    stability: bool = True,
    basicity: bool = True,
    tag_prefix: str = "RX_",
) -> pd.DataFrame:
    """Annotate the molecules of one column and return the frame with typed tag columns added.

    The defaults are those of ``reactivity annotate`` (pH 7, 25 C, 24 h, stability and basicity on).
    Atom numbers are 1-based: for SMILES in SMILES atom order, for molblocks and molecules in
    their atom order. Existing columns named like a tag are replaced.
    """
    from ..stability import CONDITION_NAMES, check_conditions

    check_conditions(float(ph), float(temperature_c), float(hours))
    unknown = [c for c in conditions if c not in CONDITION_NAMES]
    if unknown:
        raise ValueError(f"unknown handling presets {unknown}; known: {', '.join(CONDITION_NAMES)}")
    if conditions and not stability:
        raise ValueError("conditions need stability scoring (stability=True)")
    raws, is_table = _raw_records(df, smiles_col, molblock_col, mol_col)
    settings = AnnotateSettings(
        ph=float(ph), temperature_c=float(temperature_c), hours=float(hours), conditions=tuple(conditions),
        tag_prefix=tag_prefix, output_format="jsonl", table=_SMILES_ROW if is_table else None,
        stability=stability, basicity=basicity,
    )
    records = annotate_chunk(raws, settings) if raws else []
    names = _prefixed_columns(tag_prefix, conditions, stability, basicity)
    out = df.copy()
    for name in names:
        bare = name[len(tag_prefix):]
        values = [record.tags.get(name) for record in records]
        out[name] = _convert(bare, column_type(bare), values).set_axis(out.index)
    return out


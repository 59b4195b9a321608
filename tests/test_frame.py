"""`reactivity.annotate_frame`: the tags of `reactivity annotate` as typed DataFrame columns."""

from __future__ import annotations

import io
import json
import math
import re
from importlib import resources

import pandas as pd
import pytest
from rdkit import Chem
from typer.testing import CliRunner

import reactivity
from reactivity.batch.frame import column_type, frame_meta
from reactivity.batch.records import iter_sd_records
from reactivity.cli import app

EXAMPLE = resources.files("reactivity").joinpath("data", "example_library.sdf")


def _example_records() -> list[bytes]:
    return [r.raw for r in iter_sd_records(io.BytesIO(EXAMPLE.read_bytes()))]


def _as_text(tag: str, value: object) -> str | None:
    """Render a typed cell back to the text annotate writes (None when the tag is absent)."""
    kind = column_type(tag)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "json":
        return json.dumps(value, sort_keys=True)
    if kind.startswith("list["):
        if not value:
            return None
        separator = ";" if tag in ("RELATED_SCAFFOLD", "COMPETING_SITES", "DEGRADANTS") else ","
        return separator.join(str(v) for v in value)
    return str(value)


@pytest.fixture(scope="module")
def cli_rows(tmp_path_factory) -> list[dict]:
    """The RX_ tags (text) of each record of annotate's SD output."""
    out = tmp_path_factory.mktemp("frame") / "example.sdf"
    result = CliRunner().invoke(app, ["annotate", "--example", "-o", str(out), "--no-progress", "--json-detail", "full",
                                      "--conditions", "silica_methanol,aqueous_acid_workup"])
    assert result.exit_code == 0, result.stderr
    return [{m.group(1).decode(): m.group(2).decode() for m in re.finditer(rb">  <(RX_[A-Z0-9_]+)>\r?\n([^\r\n]*)", r.raw)}
            for r in iter_sd_records(io.BytesIO(out.read_bytes()))]


def test_annotate_frame_equals_annotate_on_the_example_library(cli_rows):
    records = _example_records()
    frame = pd.DataFrame({"molblock": [r.decode("utf-8", "replace") for r in records]},
                         index=[f"rec{i}" for i in range(len(records))])
    out = reactivity.annotate_frame(frame, molblock_col="molblock", conditions=("silica_methanol", "aqueous_acid_workup"))
    assert list(out.index) == list(frame.index)          # index kept, no row dropped
    assert list(out["molblock"]) == list(frame["molblock"])  # input column kept
    assert len(cli_rows) == len(out) == 14
    tags = [c for c in out.columns if c.startswith("RX_")]
    assert "RX_RISK_SILICA_METHANOL" in tags and "RX_N4_PKA" in tags
    compared = 0
    for (_, row), cli in zip(out.iterrows(), cli_rows):
        for tag in tags:
            bare = tag[3:]
            expected = cli.get(tag) or None
            if bare == "JSON" and expected is not None:
                expected = json.dumps(json.loads(expected) if isinstance(expected, str) else expected, sort_keys=True)
            got = _as_text(bare, row[tag])
            if got != expected and got is not None and expected is not None and column_type(bare) == "list[float]":
                # typed floats lose the tag's fixed decimals ("0.00" -> 0.0): compare the numbers
                assert [float(x) for x in got.split(",")] == [float(x) for x in expected.split(",")], (tag, row[tag])
            else:
                assert got == expected, (tag, row[tag], expected)
            compared += 1
    assert compared == 14 * len(tags)


def test_dtypes_are_real_types():
    frame = pd.DataFrame({"smi": ["O=C1CNCCCN1", "O=C1CN(C)CCCN1.Cl", "not a smiles", "CCO"]})
    out = reactivity.annotate_frame(frame, smiles_col="smi", conditions=("physiological",))
    assert str(out["RX_SCAFFOLD_COUNT"].dtype) == "Int64"
    assert isinstance(out["RX_STATUS"].dtype, pd.CategoricalDtype)
    assert list(out["RX_STATUS"]) == ["ok", "ok", "error", "no_scaffold"]
    assert isinstance(out["RX_HYDROLYSIS_RISK"].dtype, pd.CategoricalDtype)
    assert isinstance(out["RX_RISK_PHYSIOLOGICAL"].dtype, pd.CategoricalDtype)
    # O=C1CNCCCN1: O1 C2 C3 N4 ... N8 (1-based, SMILES order): N1 is atom 8, N4 atom 4
    assert out.loc[0, "RX_N1_ATOM"] == [8] and out.loc[0, "RX_N4_ATOM"] == [4]
    assert all(isinstance(x, float) for x in out.loc[0, "RX_N4_PKA"])
    # the bad SMILES row is marked with RDKit's reason, not dropped
    assert out.loc[2, "RX_ERROR"].startswith("SMILES Parse Error")
    assert out.loc[3, "RX_N4_ATOM"] == []
    assert isinstance(out.loc[0, "RX_JSON"], dict) and out.loc[0, "RX_JSON"]["status"] == "ok"


def test_mol_column_and_atom_order_of_the_molecule():
    # atoms C0 C1 C2 N3 C4(=O5) C6 N7: ring N3-C4(=O)-C6-N7-C0-C1-C2, drawn from the propylene bridge
    mol = Chem.MolFromSmiles("C1CCNC(=O)CN1")
    frame = pd.DataFrame({"mol": [mol, None]})
    out = reactivity.annotate_frame(frame, mol_col="mol", stability=False, basicity=False)
    assert list(out["RX_STATUS"]) == ["ok", "error"]
    # lactam N (bonded to the carbonyl C4) is N3, 1-based 4; the ring amine N7 is 1-based 8
    assert out.loc[0, "RX_N1_ATOM"] == [4] and out.loc[0, "RX_N4_ATOM"] == [8]


def test_bad_arguments_raise():
    frame = pd.DataFrame({"smi": ["CCO"]})
    with pytest.raises(ValueError):
        reactivity.annotate_frame(frame, smiles_col="smi", molblock_col="smi")
    with pytest.raises(ValueError):
        reactivity.annotate_frame(frame, smiles_col="smi", conditions=("no_such_preset",))
    with pytest.raises(KeyError):
        reactivity.annotate_frame(frame, smiles_col="missing")


def test_dask_dataframe_gives_the_same():
    dd = pytest.importorskip("dask.dataframe")
    import dask

    smiles = ["O=C1CNCCCN1", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "CCO", "C1CC(", "O=C1CN(C(=O)OC(C)(C)C)CCCN1"] * 3
    frame = pd.DataFrame({"smi": smiles, "id": range(len(smiles))})
    expected = reactivity.annotate_frame(frame, smiles_col="smi")
    ddf = dd.from_pandas(frame, npartitions=3)
    meta = frame_meta(frame)
    with dask.config.set(scheduler="synchronous"):
        got = ddf.map_partitions(reactivity.annotate_frame, smiles_col="smi", meta=meta).compute()
    assert list(got.columns) == list(expected.columns)
    for column in expected.columns:
        assert [_as_text(column[3:], v) if column.startswith("RX_") else v for v in got[column]] == \
               [_as_text(column[3:], v) if column.startswith("RX_") else v for v in expected[column]], column

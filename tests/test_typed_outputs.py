"""Typed table outputs of `reactivity annotate`: Parquet and JSONL values with real types, equal to the SD tags.

Expected values are read from the SD output of the same run (a small SD reader of its own here) or come from
chemistry; the typed files are never compared with a second run of the code that wrote them.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from rdkit import rdBase
from typer.testing import CliRunner

import reactivity
from reactivity.batch.annotate import RenderedChunk
from reactivity.batch.frame import TagValueError
from reactivity.batch.legend import read_legend
from reactivity.batch.writers import OutputError, TableColumns, open_sink
from reactivity.cli import app

runner = CliRunner()
EXAMPLE = str(resources.files("reactivity").joinpath("data", "example_library.sdf"))
RUN = ["--no-progress", "--conditions", "silica_methanol,aqueous_acid_workup", "--json-detail", "full"]

# The documented schema (README, "DataFrames and Dask"), written out by hand: Arrow type of every tag column.
DICT = "dictionary<values=string, indices=int8, ordered=0>"
DOCUMENTED = {
    "RX_STATUS": DICT, "RX_ERROR": "string", "RX_SCAFFOLD_COUNT": "int64",
    "RX_N1_ATOM": "list<element: int64>", "RX_C2_ATOM": "list<element: int64>", "RX_N4_ATOM": "list<element: int64>",
    "RX_N1_CLASS": "list<element: string>", "RX_N4_CLASS": "list<element: string>",
    "RX_RING_VARIANT": "list<element: string>", "RX_RELATED_SCAFFOLD": "list<element: string>",
    "RX_COMPETING_SITES": "list<element: string>", "RX_HYDROLYSIS_RISK": DICT, "RX_STABLE_PH_WINDOW": "string",
    "RX_DEGRADANTS": "list<element: string>", "RX_N4_PKA": "list<element: double>",
    "RX_N4_PROTONATED_FRACTION": "list<element: double>",
    "RX_RISK_SILICA_METHANOL": DICT, "RX_RISK_SILICA_METHANOL_CHEMICAL": DICT, "RX_RISK_SILICA_METHANOL_MATERIAL_LOSS": DICT,
    "RX_RISK_AQUEOUS_ACID_WORKUP": DICT, "RX_RISK_AQUEOUS_ACID_WORKUP_CHEMICAL": DICT,
    "RX_RISK_AQUEOUS_ACID_WORKUP_MATERIAL_LOSS": DICT,
    "RX_WARNINGS": "list<element: string>", "RX_JSON": "extension<arrow.json>",
}
RISKS = ["low", "moderate", "high", "not_applicable"]
SEMICOLON_LISTS = {"RX_RELATED_SCAFFOLD", "RX_COMPETING_SITES", "RX_WARNINGS", "RX_DEGRADANTS"}
_SEPARATOR_LINE = re.compile(rb"(?:^|(?<=[\r\n]))\$\$\$\$(?:\r\n|\n|\r)")
_ITEM = re.compile(rb">  <(RX_[A-Z0-9_]+)>(?:\r\n|\n|\r)([^\r\n]*)")


def read_sd_tags(path: Path) -> list[dict[str, str]]:
    """The RX_ data items of each record of an annotated SD file (records end at lines that are exactly $$$$)."""
    records = _SEPARATOR_LINE.split(path.read_bytes())
    assert records[-1] == b""
    return [{m.group(1).decode(): m.group(2).decode("utf-8") for m in _ITEM.finditer(r)} for r in records[:-1]]


def count_sd_records(path: str) -> int:
    """Records of an SD input: lines that are ``$$$$`` (blanks allowed after it), plus a last record without one."""
    data = Path(path).read_bytes()
    separators = len(re.findall(rb"(?:^|(?<=[\r\n]))\$\$\$\$[ \t]*(?:\r\n|\n|\r|$)", data))
    tail = re.split(rb"(?:^|(?<=[\r\n]))\$\$\$\$[ \t]*(?:\r\n|\n|\r|$)", data)[-1]
    return separators + (1 if tail.strip() else 0)


def _annotate(*args: str) -> None:
    result = runner.invoke(app, ["annotate", *args])
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory, data_dir) -> dict[str, dict[str, Path]]:
    """SD, Parquet and JSONL outputs of the same run on the example library and on the robustness slice."""
    folder = tmp_path_factory.mktemp("typed")
    out: dict[str, dict[str, Path]] = {}
    for label, source in (("example", EXAMPLE), ("robust", str(data_dir / "sd_robustness_slice.sdf"))):
        out[label] = {}
        for fmt in ("sdf", "parquet", "jsonl"):
            out[label][fmt] = folder / f"{label}.{fmt}"
            _annotate(source, "-o", str(out[label][fmt]), *RUN)
    return out


def _expected_value(tag: str, text: str | None, arrow: str):
    """What a typed column must hold for an SD tag text (absent tag: null, or an empty list)."""
    if arrow.startswith("list<"):
        if text is None:
            return []
        parts = [p.strip() for p in text.split(";" if tag in SEMICOLON_LISTS else ",")]
        return [int(p) for p in parts] if "int64" in arrow else [float(p) for p in parts] if "double" in arrow else parts
    if text is None:
        return None
    if arrow == "int64":
        return int(text)
    if arrow == "extension<arrow.json>":
        return json.loads(text)
    return text


@pytest.mark.parametrize("label", ["example", "robust"])
def test_parquet_values_equal_the_sd_tags(runs, label):
    sd = read_sd_tags(runs[label]["sdf"])
    table = pq.read_table(runs[label]["parquet"])
    rows = table.to_pylist()
    assert len(rows) == len(sd) == {"example": 14, "robust": 37}[label]  # nothing dropped
    statuses = [r["RX_STATUS"] for r in rows]
    assert statuses == [t["RX_STATUS"] for t in sd]
    assert "error" in statuses and "ok" in statuses  # error records are rows too
    assert [r["index"] for r in rows] == list(range(len(rows)))
    compared = 0
    for row, tags in zip(rows, sd):
        assert set(tags) <= set(DOCUMENTED)
        for tag, arrow in DOCUMENTED.items():
            if tag not in table.column_names:
                continue
            value = row[tag]
            if arrow == "extension<arrow.json>":
                value = json.loads(value)
            assert value == _expected_value(tag, tags.get(tag), arrow), (row["index"], tag)
            compared += 1
    assert compared >= len(rows) * 20
    errors = [r for r in rows if r["RX_STATUS"] == "error"]
    assert all(r["RX_ERROR"] and r["RX_SCAFFOLD_COUNT"] == 0 and r["RX_N4_ATOM"] == [] for r in errors)


def test_parquet_dtypes_follow_the_documented_schema_and_carry_the_run(runs):
    path = runs["example"]["parquet"]
    schema = pq.read_schema(path)
    assert schema.names[:3] == ["index", "name", "smiles"]  # one input: no source column
    assert str(schema.field("index").type) == "int64"
    assert str(schema.field("name").type) == str(schema.field("smiles").type) == "string"
    tags = [n for n in schema.names if n.startswith("RX_")]
    assert tags == [t for t in DOCUMENTED if t in tags] and set(tags) == set(DOCUMENTED)
    for tag in tags:
        assert str(schema.field(tag).type) == DOCUMENTED[tag], tag
        assert schema.field(tag).metadata[b"reactivity_type"]
    # a categorical's dictionary is the whole closed set, so every file has the same categories
    column = pq.read_table(path).column("RX_HYDROLYSIS_RISK")
    assert column.chunk(0).dictionary.to_pylist() == RISKS
    about = json.loads(schema.metadata[b"reactivity"])
    first_json = json.loads(read_sd_tags(runs["example"]["sdf"])[0]["RX_JSON"])
    assert about["tool"] == "reactivity" and about["tool_version"] == reactivity.__version__ == first_json["tool_version"]
    assert about["rdkit_version"] == rdBase.rdkitVersion
    assert about["ruleset_version"] == first_json["ruleset_version"]
    assert about["rules_digest"] == first_json["rules_digest"]
    assert about["settings"]["ph"] == 7.0 and about["settings"]["temperature_c"] == 25.0 and about["settings"]["hours"] == 24.0
    assert about["settings"]["conditions"] == ["silica_methanol", "aqueous_acid_workup"]
    assert about["settings"]["json_detail"] == "full" and about["settings"]["tag_prefix"] == "RX_"
    assert about["inputs"] == [EXAMPLE]
    assert about["columns"]["RX_N4_ATOM"] == "list[int]"


def test_annotate_frame_and_the_parquet_file_agree(runs):
    from reactivity.batch.records import iter_sd_records

    with open(EXAMPLE, "rb") as handle:
        blocks = [r.raw.decode("utf-8", "replace") for r in iter_sd_records(handle)]
    frame = reactivity.annotate_frame(pd.DataFrame({"molblock": blocks}), molblock_col="molblock",
                                      conditions=("silica_methanol", "aqueous_acid_workup"))
    read = pd.read_parquet(runs["example"]["parquet"])
    tags = [c for c in frame.columns if c.startswith("RX_")]
    assert tags == [c for c in read.columns if c.startswith("RX_")]
    for tag in tags:
        assert read[tag].dtype == frame[tag].dtype, (tag, read[tag].dtype, frame[tag].dtype)
    assert list(read["RX_STATUS"]) == list(frame["RX_STATUS"])
    assert [list(v) for v in read["RX_N4_ATOM"]] == list(frame["RX_N4_ATOM"])
    assert list(read["RX_SCAFFOLD_COUNT"]) == list(frame["RX_SCAFFOLD_COUNT"])


def test_jsonl_types_and_nested_json(runs):
    sd = read_sd_tags(runs["example"]["sdf"])
    rows = [json.loads(line) for line in runs["example"]["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(sd) == 14
    diazepam = rows[0]
    assert diazepam["name"] == "diazepam"
    # diazepam: one 1,4-benzodiazepin-2-one ring, N1 methylated lactam N, N4 the imine N
    assert diazepam["RX_SCAFFOLD_COUNT"] == 1 and diazepam["RX_N4_CLASS"] == ["imine"]
    assert diazepam["RX_N1_CLASS"] == ["n_alkyl"]
    assert isinstance(diazepam["RX_JSON"], dict) and diazepam["RX_JSON"]["status"] == "ok"
    for row, tags in zip(rows, sd):
        assert {k for k in row if k.startswith("RX_")} == set(tags)  # a key only where the SD record has the tag
        for tag, text in tags.items():
            value = row[tag]
            assert value == _expected_value(tag, text, DOCUMENTED[tag]), (row["index"], tag)
            if DOCUMENTED[tag] == "int64":
                assert type(value) is int
            if DOCUMENTED[tag] == "list<element: double>":
                assert all(type(v) is float for v in value)
            if DOCUMENTED[tag] == "extension<arrow.json>":
                assert isinstance(value, dict)


def test_jsonl_compact_json_is_the_compact_object_and_the_legend_resolves_it(tmp_path):
    out = tmp_path / "compact.jsonl"
    _annotate(EXAMPLE, "-o", str(out), "--no-progress")  # --json-detail compact is the default
    legend = read_legend(str(out) + ".legend.json")
    texts = legend.get("texts", legend)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    references: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith("§"):
            references.add(value.split("[", 1)[0])

    for row in rows:
        assert isinstance(row["RX_JSON"], dict)
        walk(row["RX_JSON"])
    assert references and references <= set(texts)


def test_table_inputs_keep_their_columns(tmp_path):
    table = tmp_path / "vendor.csv"
    table.write_text("ID,SMILES,MW,RX_STATUS,source,index\n"
                     "parent,O=C1CNCCCN1,114.10,stale,vendor A,7\n"
                     "broken,C1CC(,1.0,stale,vendor B,8\n"
                     "ethanol,CCO,46.07,stale,vendor C,9\n", encoding="utf-8")
    expected_inputs = ["ID", "input_SMILES", "MW", "input_source", "input_index"]
    outputs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
    for path in outputs.values():
        _annotate(str(table), "-o", str(path), "--no-progress", "--json-detail", "none")
    with outputs["csv"].open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        body = list(reader)
    assert header[:8] == ["index", "name", "smiles", *expected_inputs]
    assert header[8] == "RX_STATUS" and header.count("RX_STATUS") == 1  # the earlier annotation is replaced
    assert [r[:8] for r in body] == [
        ["0", "parent", "O=C1CNCCCN1", "parent", "O=C1CNCCCN1", "114.10", "vendor A", "7"],
        ["1", "broken", "C1CC(", "broken", "C1CC(", "1.0", "vendor B", "8"],
        ["2", "ethanol", "CCO", "ethanol", "CCO", "46.07", "vendor C", "9"],
    ]
    assert [r[8] for r in body] == ["ok", "error", "no_scaffold"]
    rows = [json.loads(line) for line in outputs["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert list(rows[0])[:8] == header[:8]
    assert rows[0]["MW"] == "114.10" and rows[1]["RX_STATUS"] == "error"  # input cells stay text
    parquet = pq.read_table(outputs["parquet"])
    assert parquet.column_names[:8] == header[:8]
    assert str(parquet.schema.field("MW").type) == "string"
    assert parquet.column("input_index").to_pylist() == ["7", "8", "9"]


def test_table_from_standard_input_keeps_its_columns(tmp_path):
    out = tmp_path / "stdin.jsonl"
    result = runner.invoke(app, ["annotate", "-", "-o", str(out), "--no-progress", "--json-detail", "none"],
                           input=b"smiles\tcatalogue\tnote\nO=C1CNCCCN1\tC-1\tring\nCCO\tC-2\tsolvent\n")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [list(r)[:6] for r in rows] == [["index", "name", "smiles", "input_smiles", "catalogue", "note"]] * 2
    assert [(r["catalogue"], r["note"], r["RX_STATUS"]) for r in rows] == [("C-1", "ring", "ok"), ("C-2", "solvent", "no_scaffold")]


def test_source_column_names_the_input_of_each_row(tmp_path, data_dir):
    second = str(data_dir / "sd_rdkit_good_bad_good_bad.sdf")
    counts = {EXAMPLE: count_sd_records(EXAMPLE), second: count_sd_records(second)}
    assert counts[EXAMPLE] == 14
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"two.{fmt}"
        _annotate(EXAMPLE, second, "-o", str(out), "--no-progress", "--no-stability", "--no-basicity")
        if fmt == "csv":
            with out.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            assert next(iter(rows[0])) == "index" and list(rows[0])[1] == "source"
        elif fmt == "jsonl":
            rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        else:
            rows = pq.read_table(out).to_pylist()
        sources = [r["source"] for r in rows]
        assert sources == [EXAMPLE] * counts[EXAMPLE] + [second] * counts[second], fmt
        assert [int(r["index"]) for r in rows] == list(range(len(rows)))


def _chunk(rows: list[dict]) -> RenderedChunk:
    return RenderedChunk(len(rows), 0, 0, 0, b"", rows, [], 0)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_tag_value_that_does_not_parse_stops_the_output(tmp_path, fmt):
    target = tmp_path / f"bad.{fmt}"
    columns = TableColumns(("RX_STATUS", "RX_SCAFFOLD_COUNT"))
    sink = open_sink(fmt, str(target), columns)
    good = {"name": "a", "smiles": "C", "RX_STATUS": "no_scaffold", "RX_SCAFFOLD_COUNT": "0"}
    bad = {"name": "b", "smiles": "C", "RX_STATUS": "ok", "RX_SCAFFOLD_COUNT": "1.5"}
    with pytest.raises(TagValueError, match=r"record 1, column RX_SCAFFOLD_COUNT: .*'1.5'.*not an integer"):
        sink.write(_chunk([good, bad]), 0)
        sink.commit()
    sink.discard()
    assert not target.exists() and list(tmp_path.iterdir()) == []
    sink = open_sink(fmt, str(target), columns)
    with pytest.raises(TagValueError, match="'severe', which is not one of ok, no_scaffold, error"):
        sink.write(_chunk([{**good, "RX_STATUS": "severe"}]), 0)
        sink.commit()
    sink.discard()


def test_untyped_sinks_of_other_commands_keep_text(tmp_path):
    target = tmp_path / "plain.jsonl"
    sink = open_sink("jsonl", str(target), ("RX_STATUS", "RX_SCAFFOLD_COUNT"))
    sink.write(_chunk([{"name": "a", "smiles": "C", "RX_STATUS": "anything", "RX_SCAFFOLD_COUNT": "2"}]), 0)
    sink.commit()
    assert json.loads(target.read_text()) == {"index": 0, "name": "a", "smiles": "C", "RX_STATUS": "anything",
                                              "RX_SCAFFOLD_COUNT": "2"}


def test_parquet_without_pyarrow_is_a_one_line_usage_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(OutputError, match="needs pyarrow"):
        open_sink("parquet", str(tmp_path / "x.parquet"), TableColumns(("RX_STATUS",)))
    result = runner.invoke(app, ["annotate", EXAMPLE, "-o", str(tmp_path / "y.parquet"), "--no-progress"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["reactivity annotate: parquet output needs pyarrow (pip install pyarrow)"]
    assert list(tmp_path.iterdir()) == []


def test_csv_of_one_sd_input_has_no_new_columns(tmp_path):
    out = tmp_path / "one.csv"
    _annotate(EXAMPLE, "-o", str(out), "--no-progress", "--no-stability", "--no-basicity", "--json-detail", "none")
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == ("index,name,smiles,RX_STATUS,RX_ERROR,RX_SCAFFOLD_COUNT,RX_N1_ATOM,RX_C2_ATOM,RX_N4_ATOM,"
                      "RX_N1_CLASS,RX_N4_CLASS,RX_RING_VARIANT,RX_RELATED_SCAFFOLD,RX_COMPETING_SITES")


def test_rules_digest_follows_rule_files_and_model_artefacts(tmp_path, monkeypatch):
    # the digest written in every RX_JSON changes with any packaged rule file (in reactivity/data or in a capability
    # subpackage, edited or added) and with the model artefacts' hash table, and with nothing else (code, docs):
    # measured on a copy of the package whose files are changed one at a time
    import shutil
    from importlib import resources

    from reactivity.batch import tags

    package = tmp_path / "reactivity"
    shutil.copytree(resources.files("reactivity"), package, ignore=shutil.ignore_patterns("__pycache__"))
    models = tmp_path / "models"
    shutil.copytree(resources.files("reactivity.models"), models)
    copy = type("Files", (), {"files": staticmethod(lambda name: models if name == "reactivity.models" else package)})
    original = tags.rules_digest()
    monkeypatch.setattr(tags, "resources", copy)
    digest = tags.rules_digest.__wrapped__  # computed afresh (the command caches it once per process)
    assert digest() == original  # the same files give the same digest

    def changed_by(path, text: bytes) -> bool:
        before_bytes = path.read_bytes() if path.exists() else None
        before = digest()
        path.write_bytes((before_bytes or b"") + text)
        after = digest()
        if before_bytes is None:
            path.unlink()
        else:
            path.write_bytes(before_bytes)
        assert digest() == before
        return after != before

    assert changed_by(package / "data" / "site_rules.toml", b"\n# a comment\n")
    assert changed_by(package / "basicity" / "class_sites.toml", b"\n")
    assert changed_by(package / "synthesis" / "reactions.toml", b"\n")
    assert changed_by(package / "nitrosamine" / "extra.toml", b"x = 1\n")  # a rule file added
    assert changed_by(models / "artefact_hashes.json", b" ")
    assert not changed_by(package / "batch" / "tags.py", b"\n# code\n")
    assert not changed_by(package / "data" / "notes.md", b"text\n")

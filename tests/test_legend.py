"""Compact RX_JSON: prose written once per run in a legend file, restored losslessly by `reactivity legend`."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from reactivity.batch.legend import compact, expand, read_legend, reference_of
from reactivity.cli import app

runner = CliRunner()
PRESETS = "silica_methanol,aqueous_acid_workup"


def _json_items(path) -> list[str]:
    return re.findall(r">  <RX_JSON>\n(.*)\n", path.read_bytes().decode("utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("legend")
    for detail in ("compact", "full", "none"):
        result = runner.invoke(app, ["annotate", "--example", "-o", str(folder / f"{detail}.sdf"), "--no-progress",
                                     "--conditions", PRESETS, "--json-detail", detail])
        assert result.exit_code == 0, result.stderr
    return folder


def test_compact_is_the_default_for_a_file_and_writes_the_legend_beside_it(runs, tmp_path):
    result = runner.invoke(app, ["annotate", "--example", "-o", str(tmp_path / "x.sdf"), "--no-progress", "--conditions", PRESETS])
    assert result.exit_code == 0
    assert (tmp_path / "x.sdf.legend.json").is_file()
    assert (tmp_path / "x.sdf").read_bytes() == (runs / "compact.sdf").read_bytes()
    document = json.loads(_json_items(tmp_path / "x.sdf")[0])
    assert document["json_detail"] == "compact" and document["schema_version"] == "2"


def test_compact_json_is_at_least_four_times_smaller_per_ring_bearing_record(runs):
    full, small = _json_items(runs / "full.sdf"), _json_items(runs / "compact.sdf")
    hits = [i for i, text in enumerate(full) if json.loads(text)["status"] == "ok"]
    assert len(hits) == 8  # the example library's ring-bearing records
    ratio = sum(len(full[i].encode()) for i in hits) / sum(len(small[i].encode()) for i in hits)
    assert ratio >= 4.0


def test_legend_command_restores_the_full_file_byte_for_byte(runs, tmp_path):
    out = tmp_path / "expanded.sdf"
    result = runner.invoke(app, ["legend", str(runs / "compact.sdf"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == (runs / "full.sdf").read_bytes()


def test_json_detail_none_writes_no_json_and_standard_output_stays_full(runs):
    assert "RX_JSON" not in (runs / "none.sdf").read_text()
    result = runner.invoke(app, ["annotate", "--example", "--no-progress"])
    assert result.exit_code == 0
    documents = [json.loads(t) for t in re.findall(r">  <RX_JSON>\n(.*)\n", result.stdout)]
    assert documents and all("json_detail" not in d for d in documents)


def test_a_legend_that_lacks_a_text_is_a_one_line_error(runs, tmp_path):
    legend = tmp_path / "empty.legend.json"
    legend.write_text(json.dumps({"schema": "reactivity-legend/1", "texts": {}}))
    result = runner.invoke(app, ["legend", str(runs / "compact.sdf"), "--legend", str(legend)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_prose_and_lists_of_texts_go_to_the_legend_smiles_and_numbers_stay():
    document = {
        "smiles": "O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1CCN(CC)CC",  # 41 characters, no space: not prose
        "k": 1.5e-7,
        "ids": ["lit:peptide_hydrolysis", "lit:bzd_azomethine", "docs:stability"],
        "short": ["a b"],
        "text": "protonated imine N4 stays in the acid layer",
    }
    legend: dict = {}
    small = compact(document, legend)
    assert small["smiles"] == document["smiles"] and small["k"] == 1.5e-7 and small["short"] == ["a b"]
    assert small["ids"] == reference_of(document["ids"]) and small["text"] == reference_of(document["text"])
    assert expand(small, legend) == document
    assert read_legend  # imported for the public API


def test_report_reads_a_compact_annotation_back_through_its_legend(runs, tmp_path):
    from reactivity.batch.annotate import AnnotateSettings
    from reactivity.report.collect import iter_report_records

    records = list(iter_report_records([str(runs / "compact.sdf")], AnnotateSettings()))
    hits = [r for r in records if r.status == "ok"]
    assert len(hits) == 8 and all(r.reused for r in records if r.status != "error")
    full = {r.index: r.document for r in iter_report_records([str(runs / "full.sdf")], AnnotateSettings())}
    assert all(r.document == full[r.index] for r in hits)


def test_compacting_the_written_document_equals_compacting_the_parsed_text():
    """The compact form is made from the document RX_JSON was written from (no parse); it must equal the compact
    form of the parsed text with its atom sentences found by a search, record for record, legend for legend."""
    from importlib import resources

    from reactivity.batch.annotate import AnnotateSettings, annotate_chunk
    from reactivity.batch.legend import atom_texts, compact_json
    from reactivity.batch.records import iter_sd_records

    example = resources.files("reactivity") / "data" / "example_library.sdf"
    with example.open("rb") as handle:
        raws = [record.raw for record in iter_sd_records(handle, [])]
    settings = AnnotateSettings(stability=True, basicity=True, conditions=("silica_methanol", "aqueous_acid_workup"))
    texts = [r.tags["RX_JSON"] for r in annotate_chunk(raws, settings) if "RX_JSON" in r.tags]
    assert any(getattr(text, "document", None) is not None for text in texts)
    for text in texts:
        by_document: dict = {}
        by_parsing: dict = {}
        small = compact_json(text, by_document)
        reference = compact(json.loads(text), by_parsing, atom_texts(getattr(text, "document", None)))
        if isinstance(reference, dict):
            reference["json_detail"] = "compact"
        assert small == json.dumps(reference, separators=(",", ":"), ensure_ascii=False)
        assert by_document == by_parsing

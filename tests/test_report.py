"""`reactivity report`: the page's content, its self-containment, caps, and reading an annotated SD file back.

Expected counts come from the example library's structures (tests/test_example.py lists them): 14 records,
8 with a 1,4-diazepan-2-one ring (diazepam, nordazepam, oxazepam, lorazepam, nitrazepam, flurazepam,
1,4-diazepan-2-one, its N4-Boc derivative), 5 without (clobazam, 1,4-diazepan-5-one, alprazolam,
caffeine, paracetamol) and 1 unreadable record (pentavalent N).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reactivity.batch.annotate import AnnotateSettings
from reactivity.cli import app
from reactivity.report import collect as collect_module
from reactivity.report.collect import data_items, iter_report_records
from reactivity.report.html import ROW_KEYS, ReportOptions, data_block, render_report

from test_depict import highlighted

runner = CliRunner()
HITS = ["diazepam", "nordazepam", "oxazepam", "lorazepam", "nitrazepam", "flurazepam dihydrochloride",
        "1,4-diazepan-2-one", "tert-butyl 3-oxo-1,4-diazepane-1-carboxylate"]


@pytest.fixture(scope="module")
def example_html(tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("report") / "example.html"
    result = runner.invoke(app, ["report", "--example", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "14 records: 8 with scaffold, 5 no scaffold, 1 error" in result.output
    return target.read_text(encoding="utf-8")


def _settings() -> AnnotateSettings:
    return AnnotateSettings(stability=True, basicity=True, conditions=("silica_methanol",))


def _example() -> str:
    from importlib.resources import files

    return str(files("reactivity").joinpath("data", "example_library.sdf"))


def test_rows_and_summary_of_the_example(example_html):
    rows = data_block(example_html, "rows")
    assert len(rows) == 14
    assert [r["n"] for r in rows if r["s"] == "ok"] == HITS
    assert sum(r["s"] == "error" for r in rows) == 1
    assert re.search(r'id="n-ok">8<', example_html) and re.search(r'id="n-errors">1<', example_html)
    # N4 classes by hand: six 4,5-imines, the free secondary amine, the Boc carbamate.
    assert {r["n"]: r["c"] for r in rows if r["s"] == "ok"}["1,4-diazepan-2-one"] == "secondary_amine"
    assert sum(r["c"] == "imine" for r in rows) == 6


def test_near_misses_risks_errors_and_histograms_are_shown(example_html):
    near = re.search(r'<table id="near-miss">(.*?)</table>', example_html, re.S).group(1)
    assert "1,4-diazepan-5-one" in near and "azolo-fused 1,4-benzodiazepine (no 2-one)" in near
    risks = re.search(r'<table id="risk-counts">(.*?)</table>', example_html, re.S).group(1)
    for preset in ("hydrolysis at the scored condition", "silica_methanol", "aqueous_acid_workup", "reflux_methanol"):
        assert preset in risks
    for row in re.findall(r"<tr><th>[^<]+</th>((?:<td>\d+</td>){3})</tr>", risks):
        assert sum(map(int, re.findall(r"\d+", row))) == 8  # every ring-bearing record counted once per row
    errors = re.search(r'<section id="errors">(.*?)</section>', example_html, re.S).group(1)
    assert "explicit valence for atom # 1 N, 5, is greater than permitted" in errors
    with_pka = sum(r["p"] is not None for r in data_block(example_html, "rows"))
    assert with_pka >= 1 and f"Predicted N4 pKaH ({with_pka} records with a predicted value)" in example_html
    assert example_html.count("<svg") >= 2  # the two histograms are inline SVG


def test_page_is_self_contained_with_a_strict_csp(example_html):
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', example_html).group(1)
    csp = csp.replace("&#39;", "'")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "font-src 'none'" in csp
    script = re.findall(r"<script>(.*?)</script>", example_html, re.S)
    assert len(script) == 1
    digest = base64.b64encode(hashlib.sha256(script[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    lowered = example_html.lower()
    for needle in ("<link", "<iframe", "<img", "<object", "@import", " src="):
        assert needle not in lowered
    assert set(re.findall(r"url\(([^)]*)\)", example_html)) <= {f"#{i}" for i in re.findall(r'id=\\?"([^"\\]+)', example_html)}
    for reference in re.findall(r'(?:xlink:)?href=\\?["\']([^"\'\\]*)', example_html):
        assert reference.startswith("#"), reference  # only references inside the page
    urls = set(re.findall(r"https?://[^\s\"'\\<>]+", example_html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.rdkit.org/xml"}


def test_stated_page_size_is_the_real_size(example_html):
    stated = re.search(r"page size (\d+) kB", example_html).group(1)
    assert abs(int(stated) * 1000 - len(example_html.encode())) <= 1000


def test_depictions_are_capped_hits_first_and_mark_the_record_atoms():
    html, summary = render_report(iter_report_records([_example()], _settings()),
                                  ReportOptions(max_depictions=3, max_profiles=2))
    rows = data_block(html, "rows")
    assert [r["n"] for r in rows if r["d"] >= 0] == HITS[:3]
    assert [r["n"] for r in rows if r["q"] >= 0] == HITS[:2]
    assert (summary.depictions, summary.profiles) == (3, 2)
    pictures = data_block(html, "pictures")
    # diazepam in the example file: atoms as in its own atom block (N1 = atom 2, C2 = 3, N4 = 6 counting from 1).
    diazepam = next(r for r in rows if r["n"] == "diazepam")
    assert highlighted(pictures[diazepam["d"]]) == {1: "N1", 2: "C2", 5: "N4"}
    assert "<svg" in pictures[diazepam["q"]] and "stable window" in pictures[diazepam["q"]]
    assert re.search(r"at most 3 depictions and\s+2 pH-rate profiles are embedded", html)


def test_annotated_sd_is_read_back_without_recomputing(tmp_path, monkeypatch):
    annotated = tmp_path / "annotated.sdf"
    result = runner.invoke(app, ["annotate", "--example", "-o", str(annotated), "--conditions", "silica_methanol"])
    assert result.exit_code == 0, result.output
    direct = data_block(render_report(iter_report_records([_example()], _settings()), ReportOptions(max_profiles=0))[0], "rows")

    def no_annotation(*args, **kwargs):
        raise AssertionError("annotated records must not be annotated again")

    monkeypatch.setattr(collect_module, "annotate_chunk", no_annotation)
    html, summary = render_report(iter_report_records([str(annotated)], _settings()), ReportOptions(max_profiles=0))
    again = data_block(html, "rows")
    assert summary.reused == 14 and all(r["u"] == 1 for r in again)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "u"} for r in rows]  # noqa: E731
    assert strip(again) == strip(direct)
    assert "annotation read from the input's RX_JSON (not recomputed)" in html


def test_smiles_table_input_depicts_in_smiles_atom_order(tmp_path):
    table = tmp_path / "hits.csv"
    table.write_text("name,smiles\ndiazepam,CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21\nbad,C1CC\nphenol,Oc1ccccc1\n")
    html, summary = render_report(iter_report_records([str(table)], _settings()), ReportOptions(max_profiles=0))
    rows = data_block(html, "rows")
    assert [(r["n"], r["s"]) for r in rows] == [("diazepam", "ok"), ("bad", "error"), ("phenol", "no_scaffold")]
    assert highlighted(data_block(html, "pictures")[rows[0]["d"]]) == {1: "N1", 2: "C2", 5: "N4"}


def test_hit_details_store_shared_text_once():
    html, _ = render_report(iter_report_records([_example()], _settings()), ReportOptions(max_profiles=0))
    details, values = data_block(html, "details"), data_block(html, "values")
    rows = data_block(html, "rows")
    assert set(details) == {str(r["i"]) for r in rows if r["s"] == "ok"}

    def resolve(value):
        if isinstance(value, str) and value.startswith("\x01"):
            return resolve(values[int(value[1:])])
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    diazepam = resolve(details["0"])
    assert diazepam["rings"][0]["n4_class"] == "imine" and "imine" in diazepam["rings"][0]["guidance"][0]["text"]
    texts = [json.dumps(v) for v in values]
    assert len(texts) == len(set(texts))  # each shared value once


def test_the_page_script_reads_rows_in_the_same_field_order():
    from importlib.resources import files

    script = files("reactivity.report").joinpath("report.js").read_text()
    keys = re.search(r"const KEYS = \[([^\]]*)\]", script).group(1)
    assert tuple(re.findall(r'"(\w)"', keys)) == ROW_KEYS


def test_data_items_of_an_sd_record():
    record = b"x\n\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n>  <ID>\n7\n\n> 1 <RX_STATUS>\nok\n\n>  <RX_JSON>\n{}\n"
    assert data_items(record, "RX_") == {"RX_STATUS": "ok", "RX_JSON": "{}"}


@pytest.mark.parametrize(
    "arguments, message",
    [
        ([], "no INPUT given"),
        (["missing.sdf"], "missing.sdf: no such file"),
        (["/"], "/: a folder, not a molecule file"),
        (["--example", "--conditions", "sunlight"], "unknown condition preset(s) sunlight"),
        (["--example", "-o", "no/such/folder/r.html"], "output directory"),
        (["--example", "--ph", "99"], "report:"),
    ],
)
def test_usage_errors_exit_2_with_one_line(arguments, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", *arguments])
    assert result.exit_code == 2
    assert message in result.output and result.output.startswith("reactivity: ")
    assert "Traceback" not in result.output
    assert not list(Path(tmp_path).glob("*.html"))


def test_parallel_annotation_gives_the_same_page_rows():
    one = list(iter_report_records([_example()], _settings(), chunk_size=4))
    two = list(iter_report_records([_example()], _settings(), chunk_size=4, jobs=2))
    assert [(r.index, r.name, r.status, r.document) for r in two] == [(r.index, r.name, r.status, r.document) for r in one]


def test_a_truncated_gzip_input_is_reported_with_a_warning(tmp_path):
    import gzip

    whole = gzip.compress(Path(_example()).read_bytes())
    broken = tmp_path / "cut.sdf.gz"
    broken.write_bytes(whole[: len(whole) // 2])
    target = tmp_path / "cut.html"
    result = runner.invoke(app, ["report", str(broken), "-o", str(target), "--max-profiles", "0"])
    assert result.exit_code == 0, result.output
    assert "reactivity report: warning: " in result.output
    page = target.read_text()
    assert '<p class="warn">warning: ' in page and 0 < len(data_block(page, "rows")) < 14


def test_identical_profiles_share_one_drawing(tmp_path):
    table = tmp_path / "twice.smi"
    table.write_text("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21 first\nCN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21 second\nO=C1CNCCCN1 other\n")
    html, summary = render_report(iter_report_records([str(table)], _settings()), ReportOptions(max_profiles=1))
    rows = data_block(html, "rows")
    assert summary.profiles == 1
    assert rows[0]["q"] >= 0 and rows[1]["q"] == rows[0]["q"]  # the same molecule: the same curve, drawn once
    assert rows[2]["q"] == -1  # a different curve beyond the limit of one drawing


def test_the_report_keeps_rdkit_quiet_when_it_reads_a_record_again_for_its_picture(tmp_path):
    """A molblock tagged 2D with a non-zero z coordinate makes RDKit print a warning on every read; the annotation's
    read captures it, and the picture's second read printed it to the terminal (once per record)."""
    import subprocess
    import sys

    from rdkit import Chem
    from rdkit.Chem import rdDepictor

    mol = Chem.MolFromSmiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")
    rdDepictor.Compute2DCoords(mol)
    lines = Chem.MolToMolBlock(mol).split("\n")
    assert lines[1].rstrip().endswith("2D")
    atom = lines[4]
    lines[4] = atom[:20] + "    0.5000" + atom[30:]  # z of the first atom
    (tmp_path / "tilted.sdf").write_text("\n".join(lines) + "$$$$\n", encoding="ascii")
    done = subprocess.run([sys.executable, "-m", "reactivity", "report", str(tmp_path / "tilted.sdf"),
                           "-o", str(tmp_path / "page.html")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == [done.stderr.strip()]  # the summary only
    assert "Z coordinate" not in done.stderr

"""`reactivity explain` through Typer's CliRunner and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from rdkit import Chem
from typer.testing import CliRunner

from reactivity.cli import app

runner = CliRunner()


def test_explain_json_for_flurazepam():
    result = runner.invoke(app, ["explain", "CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ring_count"] == 1
    ring = payload["rings"][0]
    assert (ring["n1"], ring["n4"], ring["n4_class"]) == (7, 11, "imine")
    assert [s["kind"] for s in ring["competing_sites"]] == ["tertiary_amine"]
    assert set(payload["references"]) >= {"docs:sites", "lit:bzd_azomethine"}


def test_explain_table_names_sites_and_guidance():
    result = runner.invoke(app, ["explain", "O=C1CNCCCN1"])
    assert result.exit_code == 0
    assert "secondary_amine" in result.stdout and "NaH" in result.stdout


def test_explain_near_miss_names_related_scaffold():
    result = runner.invoke(app, ["explain", "O=C1CCNCCN1", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ring_count"] == 0 and payload["related_scaffolds"][0] == "1,4-diazepan-5-one"


def test_explain_one_record_molfile(tmp_path):
    path = tmp_path / "one.mol"
    path.write_text(Chem.MolToMolBlock(Chem.MolFromSmiles("CN1CCCNC(=O)C1")), encoding="utf-8")
    result = runner.invoke(app, ["explain", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rings"][0]["n4_class"] == "tertiary_amine"


def test_explain_reports_every_record_of_a_multi_record_file(tmp_path):
    block = Chem.MolToMolBlock(Chem.MolFromSmiles("O=C1CNCCCN1"))
    path = tmp_path / "two.sdf"
    path.write_text(block + "$$$$\n" + block + "$$$$\n", encoding="utf-8")
    result = runner.invoke(app, ["explain", str(path)])
    assert result.exit_code == 0
    assert "record 1 of 2" in result.stdout and "record 2 of 2" in result.stdout


def test_bad_smiles_is_one_line_exit_2_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", "from reactivity.cli import main; main()", "explain", "C1CC("],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the source tree: its reactivity/ folder would shadow the installed package
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reactivity: bad molecule: SMILES Parse Error")
    assert "Traceback" not in proc.stderr


def test_explain_ranks_amines_by_free_base_fraction():
    # N1-(3-aminopropyl) parent: N4 (glycinamide-like, pKaH about 8) against a primary alkylamine (pKaH about 10.5):
    # at pH 7.4 far more of N4 is free base, so N4 comes first.
    result = runner.invoke(app, ["explain", "NCCCN1CCCNCC1=O", "--json", "--ph", "7.4"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    ranking = payload["nucleophiles"]
    assert [row["role"] for row in ranking] == ["n4", "competing"]
    assert ranking[0]["atom"] == payload["rings"][0]["n4"]
    assert ranking[0]["free_base_fraction"] > 10 * ranking[1]["free_base_fraction"]


def test_explain_json_carries_the_new_fields_and_complete_references():
    # cloxazolam: N4 in an N,O-aminal, C3-H2, anilide N1-H
    result = runner.invoke(app, ["explain", "O=C1CN2CCOC2(c2ccccc2Cl)c2cc(Cl)ccc2N1", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    ring = payload["rings"][0]
    assert (ring["n4_class"], ring["n4_h_count"], ring["n4_features"]) == ("tertiary_amine", 0, ["n_o_aminal"])
    assert ring["c3_features"] == [] and ring["c3_enolizable_h"] == 2 and ring["protonated_atoms"] == []
    for text in payload["references"].values():
        assert "seed" not in text.lower() and "domain brief" not in text.lower()


def test_explain_table_shows_features_and_salt_notes():
    result = runner.invoke(app, ["explain", "CC[NH+](CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21.[Cl-]"])
    assert result.exit_code == 0
    assert "(salt form)" in result.stdout and "not on N4" in result.stdout
    result = runner.invoke(app, ["explain", "O=C1CNc2ccccc2CN1"])
    assert result.exit_code == 0 and "secondary_anilino" in result.stdout


def test_explain_table_prints_reference_ids_literally():
    # "[docs:sites]" must not be swallowed as console markup
    result = runner.invoke(app, ["explain", "O=C1CNCCCN1"])
    assert result.exit_code == 0
    assert "[docs:sites]" in result.stdout and "[lit:pka_glycinamide]" in result.stdout

"""`reactivity stability` through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reactivity.cli import app

runner = CliRunner()


def test_json_output_for_the_parent_with_two_presets():
    result = runner.invoke(app, ["stability", "O=C1CNCCCN1", "--ph", "7", "--json",
                                 "--conditions", "silica_methanol", "--conditions", "aqueous_acid_workup"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["risk"] == "low" and payload["ring_count"] == 1
    assert set(payload["conditions"]) == {"silica_methanol", "aqueous_acid_workup"}
    assert payload["conditions"]["silica_methanol"]["material_loss_risk"] in ("moderate", "high")


def test_default_reports_every_preset_and_plain_text():
    result = runner.invoke(app, ["stability", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "--ph", "1"])
    assert result.exit_code == 0
    assert "imine_ring_opening at N4=C5 (reversible" in result.stdout
    assert "CNc1ccc(Cl)cc1C(=O)c1ccccc1" in result.stdout  # the hydrolysis product MACB with its masses
    assert "[M+H]+ 246.0680" in result.stdout
    assert result.stdout.count("[") >= 8  # one line per preset


def test_bad_smiles_gives_one_line_and_exit_2():
    result = runner.invoke(app, ["stability", "C1CC("])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unknown_preset_and_bad_plot_suffix_exit_2(tmp_path):
    assert runner.invoke(app, ["stability", "O=C1CNCCCN1", "--conditions", "sauna"]).exit_code == 2
    assert runner.invoke(app, ["stability", "O=C1CNCCCN1", "--plot", str(tmp_path / "x.pdf")]).exit_code == 2
    assert runner.invoke(app, ["stability", "O=C1CNCCCN1", "--ph", "30"]).exit_code == 2


def test_plot_writes_png_and_svg(tmp_path):
    png = tmp_path / "profile.png"
    svg = tmp_path / "profile.svg"
    assert runner.invoke(app, ["stability", "O=C1CNCCCN1", "--plot", str(png), "--conditions", "none"]).exit_code == 0
    assert runner.invoke(app, ["stability", "O=C1CNCCCN1", "--plot", str(svg), "--json"]).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text(encoding="utf-8")


def test_no_ring_json_and_no_plot(tmp_path):
    result = runner.invoke(app, ["stability", "CCO", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["risk"] == "not_applicable"
    assert runner.invoke(app, ["stability", "CCO", "--plot", str(tmp_path / "p.png")]).exit_code == 2


@pytest.mark.parametrize("option, value", [("--temperature", "nan"), ("--temperature", "inf"), ("--ph", "inf"),
                                           ("--ph", "-inf"), ("--ph", "nan"), ("--hours", "inf")])
def test_non_finite_conditions_give_one_line_and_exit_2(option, value):
    # the range check must come before any model sees the number: NaN once reached the basicity model (exit 3)
    result = runner.invoke(app, ["stability", "O=C1CNCCCN1", option, value])
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reactivity: ") and "Warning" not in result.stderr


def test_text_output_gives_the_reasons_each_preset_advice_points_to():
    # lormetazepam in 1 M NaOH: the 3-hydroxy carbinolamide racemizes (categorical), which makes the chemical risk
    # moderate; the advice says "see reasons", so the reasons are printed under the preset
    result = runner.invoke(app, ["stability", "CN1C(=O)C(O)N=C(c2ccccc2Cl)c2cc(Cl)ccc21",
                                 "--conditions", "aqueous_base_workup"])
    assert result.exit_code == 0
    block = result.stdout.split("[aqueous_base_workup]")[1]
    assert "reason: carbinolamide" in block and "see reasons" in block
    assert block.index("reason:") < block.index("advice:")

"""`reactivity pka` through Typer's CliRunner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from reactivity.cli import app

runner = CliRunner()


def test_json_for_the_parent_ring() -> None:
    result = runner.invoke(app, ["pka", "O=C1CNCCCN1", "--ph", "7.4", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert 7.0 <= payload["n4_pka"] <= 9.0
    low, high = payload["n4_pka_band"]
    assert low < payload["n4_pka"] < high
    # Henderson-Hasselbalch of the reported value at pH 7.4
    assert abs(payload["n4_protonated_fraction"] - 1 / (1 + 10 ** (7.4 - payload["n4_pka"]))) < 1e-3
    (site,) = payload["sites"]
    assert (site["atom"], site["role"]) == (3, "n4")
    assert site["nearest_training"] and 0.0 <= site["applicability"] <= 1.0


def test_json_without_ring_lists_every_basic_nitrogen() -> None:
    result = runner.invoke(app, ["pka", "CN1CCN(c2ccncc2)CC1", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["n4_pka"] is None and payload["n4_pka_band"] is None and payload["n4_protonated_fraction"] is None
    assert [(s["atom"], s["role"]) for s in payload["sites"]] == [(1, "competing"), (8, "competing")]


def test_imine_n4_json_has_null_pka() -> None:
    result = runner.invoke(app, ["pka", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["n4_class"] == "imine" and payload["n4_pka"] is None
    assert payload["free_base_ph_99"] is None


def test_plain_text_gives_the_extraction_ph() -> None:
    result = runner.invoke(app, ["pka", "O=C1CNCCCN1"])
    assert result.exit_code == 0
    assert "N4 (secondary_amine): pKaH" in result.stdout
    assert ">= 99 % free base from pH" in result.stdout
    assert "logD (estimate" in result.stdout


def test_bad_smiles_is_a_one_line_error_with_exit_code_2() -> None:
    result = runner.invoke(app, ["pka", "C1CC("])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "reactivity:" in result.stderr
    assert "Traceback" not in result.stderr

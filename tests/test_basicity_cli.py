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
    # most basic first: the 4-aminopyridine-type ring N (4-dimethylaminopyridine 9.6) before the N-methylpiperazine N
    assert [(s["atom"], s["role"]) for s in payload["sites"]] == [(8, "competing"), (1, "competing")]


def test_diazepam_imine_n4_gets_its_weak_pkah() -> None:
    # diazepam N4 (azomethine) pKaH about 3.4 (Prankerd 2007 compilation); within 1 unit required
    result = runner.invoke(app, ["pka", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["n4_class"] == "imine" and abs(payload["n4_pka"] - 3.4) <= 1.0
    (site,) = payload["sites"]
    assert site["role"] == "n4" and site["source"] == "class_rule" and site["kind"] == "base"
    # free base above about pH 5.4 (pKaH + 2), protonated in 1 M acid
    assert 4.0 < payload["free_base_ph_99"] < 6.5
    assert payload["macro_pkas"] == [{"pka": payload["n4_pka"], "type": "base", "atom": site["atom"]}]


def test_temperature_option_lowers_an_amine_pka() -> None:
    cold = json.loads(runner.invoke(app, ["pka", "C1CCNCC1", "--json"]).stdout)
    warm = json.loads(runner.invoke(app, ["pka", "C1CCNCC1", "--temperature", "37", "--json"]).stdout)
    assert warm["temperature_c"] == 37.0
    # Perrin 1964: -dpKa/dT = (pKa - 0.9)/T, about 0.035 per K for piperidine: >= 0.15 over 12 K
    assert cold["sites"][0]["pka"] - warm["sites"][0]["pka"] >= 0.15
    assert warm["sites"][0]["pka_25c"] == cold["sites"][0]["pka"]


def test_bad_temperature_is_a_usage_error() -> None:
    result = runner.invoke(app, ["pka", "C1CCNCC1", "--temperature", "nan"])
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_pka_and_explain_refuse_the_same_conditions_the_library_refuses_once_up_front() -> None:
    # one range for the command line and the library (pH -2 to 16, -20 to 150 C): the command used to refuse -15 C
    # that the library takes, and explain refused a bad pH once per record (exit 1) instead of once (exit 2)
    assert runner.invoke(app, ["pka", "C1CCNCC1", "--temperature", "-15"]).exit_code == 0
    for args in (["pka", "C1CCNCC1", "--temperature", "-25"], ["pka", "C1CCNCC1", "--ph", "17"],
                 ["explain", "CCO.O=C1CNCCCN1", "--ph", "-5"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, args


def test_plain_text_of_a_zwitterion_lists_acid_and_macro_pkas() -> None:
    result = runner.invoke(app, ["pka", "NCC(=O)O"])
    assert result.exit_code == 0
    assert "[acid, carboxylic_acid] pKa" in result.stdout
    assert "macro pKa (stepwise, lowest first)" in result.stdout


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


def test_text_says_which_analog_an_azine_ring_increment_uses() -> None:
    # pyrazinamide's ring N: the model's value for pyrazine plus the acyl group's measured effect on pyridine
    result = runner.invoke(app, ["pka", "NC(=O)c1cnccn1"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # the text is wrapped to the terminal width
    assert "substituent increment azine_acyl" in text and "an azine ring's groups by H" in text


def test_negative_bands_and_steps_outside_the_ph_range_of_water_are_said_plainly() -> None:
    # 1-methyl-5-phenyltetrazole: three ring N near pKaH -3.5; after the first, each further proton goes on a cation
    # of the same small ring, far below pH -2 (no aqueous measurement can see such a step)
    result = runner.invoke(app, ["pka", "Cn1nnnc1-c1ccccc1"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "(-4.50 to -2.50)" in text and "--2" not in text  # not "-4.50--2.50"
    assert "steps lie outside the pH range of water (-2 to 16)" in text
    pyridine = " ".join(runner.invoke(app, ["pka", "c1ccncc1"]).stdout.split())
    assert "outside the pH range of water" not in pyridine


def test_a_group_without_a_value_is_named_not_called_neutral() -> None:
    # demoxepam: its N1-H acid (4-imine analogues 10.5-11.6) has no value for the 4-oxide; the text says what it is
    result = runner.invoke(app, ["pka", "O=C1C[N+]([O-])=C(c2ccccc2)c2cc(Cl)ccc2N1"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "demoxepam type) (atom 19)" in text and "neutral at any work-up pH" not in text
    assert "neutral at any work-up pH" in runner.invoke(app, ["pka", "CC(C)=O"]).stdout

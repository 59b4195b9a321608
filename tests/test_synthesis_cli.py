"""`reactivity synth` and `reactivity troubleshoot`: JSON contract, exit codes, free-text symptoms, retro output."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from rdkit import Chem
from typer.testing import CliRunner

from reactivity.cli import app
from reactivity.synthesis import UnknownSymptomError, match_symptom, troubleshoot

runner = CliRunner()

# Symptoms as chemists report them (including the wording of a common troubleshooting table) -> entry
SYMPTOMS = [
    ("Low or No Product Formation", "low_yield"),
    ("Presence of a High Molecular Weight, Viscous Side Product", "viscous_oil"),
    ("Formation of a White Crystalline Precipitate", "white_precipitate"),
    ("Difficulty in Product Purification", "purification"),
    ("high-boiling, viscous oil", "viscous_oil"),
    ("My yield of 1,4-diazepan-2-one is consistently low", "low_yield"),
    ("Product Loss During Work-up", "workup_loss"),
    ("Incomplete Cyclization", "incomplete_cyclization"),
    ("my product stays in the water layer", "workup_loss"),
    ("two spots on TLC", "two_spots"),
    ("brown oil", "colored_crude"),
]


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


@pytest.mark.parametrize("symptom,entry_id", SYMPTOMS)
def test_free_text_symptoms_map_to_their_entry_with_a_score(symptom, entry_id):
    best = match_symptom(symptom)[0]
    assert best.symptom_id == entry_id
    assert 0.4 <= best.score <= 1.0


def test_troubleshoot_water_layer_cli_answers_with_the_work_up_loss_entry():
    result = runner.invoke(app, ["troubleshoot", "my product stays in the water layer", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["symptom_id"] == "workup_loss"
    assert payload["match_score"] >= 0.9
    assert any("pKaH about 8" in c["cause"] for c in payload["causes"])


def test_unknown_symptom_lists_the_known_ones():
    result = runner.invoke(app, ["troubleshoot", "blue smoke"])
    assert result.exit_code == 2
    assert "unknown symptom" in result.stderr and "workup_loss" in result.stderr and "two_spots" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with pytest.raises(UnknownSymptomError, match="known symptoms"):
        troubleshoot("the flask exploded")


@pytest.mark.parametrize("symptom,entry_id", SYMPTOMS[:8])
def test_every_symptom_answers_with_culprit_structure_and_mass(symptom, entry_id):
    answer = troubleshoot(symptom, Chem.MolFromSmiles("NCCCN"), Chem.MolFromSmiles("BrCC(=O)OCC"))
    assert answer.symptom_id == entry_id
    culprits = [c for cause in answer.causes for c in cause.culprits]
    assert culprits and answer.checks and answer.fixes
    for culprit in culprits:
        assert Chem.MolFromSmiles(culprit.smiles) is not None and culprit.monoisotopic_mass > 0


def test_white_precipitate_on_the_acrylate_route_states_the_chemistry():
    answer = troubleshoot("white crystalline precipitate", Chem.MolFromSmiles("NCCN"), Chem.MolFromSmiles("C=CC(=O)OC"))
    dimer = answer.causes[0].culprits[0]
    assert dimer.smiles == canon("NCCN1CCC(=O)N(CCN)CCC1=O")  # two beta-alanine units: 8-membered ring
    assert any("1,5-diazocane-2,6-dione" in text and "piperazine-2,5-dione" in text for text, _ in answer.notes)
    assert all(refs for _, refs in answer.notes)
    salt_cause = next(c for c in answer.causes if "Hydrohalide" in c.cause)
    assert salt_cause.culprits == () and salt_cause.not_formed == ("hydrohalide_salt",)
    # the route's wrong-ring warning is carried over once
    assert sum("not a 1,4-diazepan-2-one" in w for w in answer.warnings) == 1


def test_troubleshooting_a_benzodiazepinone_route():
    answer = troubleshoot("incomplete cyclization", Chem.MolFromSmiles("Nc1ccc(Cl)cc1C(=O)c1ccccc1"),
                          Chem.MolFromSmiles("NCC(=O)OCC"))
    culprits = [c.smiles for cause in answer.causes for c in cause.culprits]
    assert canon("NCC(=O)Nc1ccc(Cl)cc1C(=O)c1ccccc1") in culprits  # the uncyclized glycinamide


def test_synth_json_for_haloacetate_lists_the_dkp():
    result = runner.invoke(app, ["synth", "--diamine", "NCCCN", "--reagent", "ClCC(=O)OCC", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["product"]["scaffold"] == "1,4-diazepan-2-one"
    dkp = [s for s in payload["side_products"] if s["smiles"] == canon("NCCCN1CC(=O)N(CCCN)CC1=O")]
    assert len(dkp) == 1 and "piperazine-2,5-dione" in dkp[0]["name"]
    assert dkp[0]["mz_mh"] == pytest.approx(229.16590, abs=1e-4)  # C10H20N4O2 228.15863 + 1.00728, by hand


def test_synth_text_for_the_acrylate_route_warns_once():
    result = runner.invoke(app, ["synth", "--diamine", "NCCN", "--reagent", "C=CC(=O)OC"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # the text output is wrapped at 80 columns
    assert "NOT the target 1,4-diazepan-2-one" in text
    assert text.count("not a 1,4-diazepan-2-one") == 1
    assert "115.0866" in result.stdout  # [M+H]+ of C5H10N2O, by hand 114.07931 + 1.00728


def test_synth_sternbach_with_methylation_cli():
    result = runner.invoke(app, ["synth", "--amine", "Nc1ccc(Cl)cc1C(=O)c1ccccc1", "--reagent", "NCC(=O)OCC.Cl",
                                 "--n1-alkylate", "CI", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["product"]["smiles"] == canon("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")
    assert payload["intermediates"][0]["smiles"] == canon("O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1")


def test_synth_target_diazepam_text_ranks_the_sternbach_route():
    result = runner.invoke(app, ["synth", "--target", "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"])
    assert result.exit_code == 0
    first = next(line for line in result.stdout.splitlines() if line.startswith("#1 "))
    assert "benzodiazepinone_glycine_ester" in first


def test_synth_target_with_no_route_says_why_and_exits_0():
    result = runner.invoke(app, ["synth", "--target", "CC(C)OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O"])  # a 3-isopropoxy ring
    assert result.exit_code == 0
    assert "No route proposed: C3 carries oxygen" in result.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["synth", "--diamine", "NCCCN", "--reagent", "CCO"], "not a supported C2/C3 unit"),
        (["synth", "--diamine", "C1CC(", "--reagent", "BrCC(=O)OCC"], "SMILES Parse Error"),
        (["synth", "--diamine", "NCCCN"], "give --amine"),
        (["synth", "--target", "O=C1CCNCCN1"], "1,4-diazepan-5-one"),
        (["synth", "--target", "O=C1CNCCCN1", "--diamine", "NCCCN"], "either --target"),
        (["troubleshoot", "white precipitate", "--diamine", "NCCN"], "both --amine and --reagent"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["synth", "--diamine", "NCCN", "--reagent", "C=CC(=O)OC"],
        ["synth", "--target", "O=C1CNCCCN1"],
        ["troubleshoot", "white precipitate", "--diamine", "NCCN", "--reagent", "C=CC(=O)OC"],
        ["troubleshoot", "viscous oil"],
        ["troubleshoot", "low yield", "--json"],
    ],
)
def test_output_speaks_of_chemistry_not_of_source_documents(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert not re.search(r"\bseeds?\b|\bissues?\b|DOMAIN|domain brief", result.stdout, re.IGNORECASE)


def test_console_script_exit_code_in_a_real_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", "from reactivity.cli import main; main()", "synth", "--diamine", "NCCCN", "--reagent", "CCO"],
        capture_output=True, text=True, check=False,
        cwd=tmp_path,  # not the source tree: its reactivity/ folder would shadow the installed package
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("reactivity synth: ") and "Traceback" not in proc.stderr


@pytest.mark.parametrize("symptom, expected", [("", "empty symptom"), ("   ", "empty symptom"),
                                               ("q" * 5000, "unknown symptom 'qqq")])
def test_empty_or_huge_symptom_gives_one_short_line(symptom, expected):
    result = runner.invoke(app, ["troubleshoot", symptom])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert "q" * 100 not in lines[0]  # the symptom is shortened in the message, the known list stays
    assert "workup_loss" in lines[0]


def test_synth_via_4_oxide_gives_oxazepam_and_refuses_mixed_options():
    ketone = "Nc1ccc(Cl)cc1C(=O)c1ccccc1"
    result = runner.invoke(app, ["synth", "--amine", ketone, "--reagent", "ClCC(=O)Cl", "--via-4-oxide", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["product"]["smiles"] == Chem.MolToSmiles(Chem.MolFromSmiles("O=C1Nc2ccc(Cl)cc2C(c2ccccc2)=NC1O"))
    for extra in (["--n1-alkylate", "CI"], ["--target", "O=C1CNCCCN1"]):
        refused = runner.invoke(app, ["synth", "--amine", ketone, "--reagent", "ClCC(=O)Cl", "--via-4-oxide", *extra])
        assert refused.exit_code == 2 and len(refused.stderr.strip().splitlines()) == 1


def test_troubleshoot_on_the_4_oxide_route_names_the_same_mass_isomer():
    # the unrearranged 4-oxide (demoxepam) and oxazepam are both C15H11ClN2O2: [M+H]+ 287.0582 (hand arithmetic:
    # 15 x 12 + 11 x 1.00782503 + 34.96885268 + 2 x 14.00307400 + 2 x 15.99491462 + 1.00727647)
    result = runner.invoke(app, ["troubleshoot", "two peaks same mass", "--amine", "Nc1ccc(Cl)cc1C(=O)c1ccccc1",
                                 "--reagent", "ClCC(=O)Cl", "--via-4-oxide", "--json"])
    assert result.exit_code == 0
    culprits = [c for cause in json.loads(result.stdout)["causes"] for c in cause["culprits"]]
    oxide = next(c for c in culprits if c["key"] == "benzodiazepinone_4_oxide")
    assert oxide["smiles"] == Chem.MolToSmiles(Chem.MolFromSmiles("O=C1C[N+]([O-])=C(c2ccccc2)c2cc(Cl)ccc2N1"))
    assert abs(oxide["mz_mh"] - 287.0582) < 1e-3


def test_synth_c3_oxygen_acetoxylates_after_the_n1_alkylation_and_checks_its_value():
    # ketone + glycine ester -> nordazepam -> N1-methyl (diazepam) -> 3-acetate -> temazepam (Cepanec et al. 2006)
    args = ["synth", "--amine", "Nc1ccc(Cl)cc1C(=O)c1ccccc1", "--reagent", "NCC(=O)OCC", "--n1-alkylate", "CI"]
    result = runner.invoke(app, [*args, "--c3-oxygen", "hydroxy", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["product"]["smiles"] == Chem.MolToSmiles(
        Chem.MolFromSmiles("CN1C(=O)C(O)N=C(c2ccccc2)c2cc(Cl)ccc21"))
    refused = runner.invoke(app, [*args, "--c3-oxygen", "propoxy"])
    assert refused.exit_code == 2 and len(refused.stderr.strip().splitlines()) == 1


"""`reactivity synth` and `reactivity troubleshoot`: JSON contract, exit codes, seed 000's table covered."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rdkit import Chem
from typer.testing import CliRunner

from reactivity.cli import app
from reactivity.synthesis import UnknownSymptomError, troubleshoot

runner = CliRunner()

# The four "Problem" cells of seed 000's troubleshooting table, verbatim, and its FAQ symptoms (Q3, Q4).
SEED000_TABLE = [
    ("Low or No Product Formation", "low_yield"),
    ("Presence of a High Molecular Weight, Viscous Side Product", "viscous_oil"),
    ("Formation of a White Crystalline Precipitate", "white_precipitate"),
    ("Difficulty in Product Purification", "purification"),
]
SEED000_FAQ = [
    ("high-boiling, viscous oil", "viscous_oil"),
    ("My yield of 1,4-diazepan-2-one is consistently low", "low_yield"),
    ("Product Loss During Work-up", "workup_loss"),
    ("Incomplete Cyclization", "incomplete_cyclization"),
]


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


def test_synth_json_contract_for_the_seed_route():
    result = runner.invoke(app, ["synth", "--diamine", "NCCN", "--reagent", "C=CC(=O)OC", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    product = payload["product"]
    assert product["inchikey"] == "QPPLBCQXWDBQFS-UHFFFAOYSA-N"
    assert product["is_target_scaffold"] is False
    assert product["scaffold"] == "1,4-diazepan-5-one"
    assert any("5-one, not the 2-one" in w for w in payload["warnings"])
    for side in payload["side_products"]:
        assert {"name", "smiles", "inchikey", "formula", "monoisotopic_mass", "mz_mh", "favoured_by"} <= set(side)
    assert "docs:synthesis" in payload["references"] and "docs:acrylate_route" in payload["references"]


def test_synth_json_for_haloacetate_lists_the_dkp():
    result = runner.invoke(app, ["synth", "--diamine", "NCCCN", "--reagent", "ClCC(=O)OCC", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["product"]["scaffold"] == "1,4-diazepan-2-one" and payload["product"]["is_target_scaffold"] is True
    dkp = [s for s in payload["side_products"] if s["smiles"] == canon("NCCCN1CC(=O)N(CCCN)CC1=O")]
    assert len(dkp) == 1 and "piperazine-2,5-dione" in dkp[0]["name"]
    assert dkp[0]["mz_mh"] == pytest.approx(229.16590, abs=1e-4)  # C10H20N4O2 228.15863 + 1.00728, by hand


def test_synth_text_output_names_the_wrong_scaffold():
    result = runner.invoke(app, ["synth", "--diamine", "NCCN", "--reagent", "C=CC(=O)OC"])
    assert result.exit_code == 0
    assert "NOT the target 1,4-diazepan-2-one" in result.stdout
    assert "115.0866" in result.stdout  # [M+H]+ of C5H10N2O, by hand 114.07931 + 1.00728


def test_synth_target_json():
    result = runner.invoke(app, ["synth", "--target", "O=C1CNCCCN1", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    blocks = payload["disconnections"][0]["building_blocks"]
    assert [b["smiles"] for b in blocks] == [canon("NCCCN"), canon("BrCC(=O)OCC")]


@pytest.mark.parametrize(
    "args,message",
    [
        (["synth", "--diamine", "NCCCN", "--reagent", "CCO"], "not a supported C2/C3 unit"),
        (["synth", "--diamine", "C1CC(", "--reagent", "BrCC(=O)OCC"], "SMILES Parse Error"),
        (["synth", "--diamine", "NCCCN"], "give --diamine and --reagent"),
        (["synth", "--target", "O=C1CCNCCN1"], "1,4-diazepan-5-one"),
        (["synth", "--target", "O=C1CNCCCN1", "--diamine", "NCCCN"], "either --target"),
        (["troubleshoot", "blue smoke"], "unknown symptom"),
        (["troubleshoot", "white precipitate", "--diamine", "NCCN"], "both --diamine and --reagent"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("symptom,entry_id", SEED000_TABLE + SEED000_FAQ)
def test_every_seed000_symptom_answers_with_culprit_structure_and_mass(symptom, entry_id):
    answer = troubleshoot(symptom, Chem.MolFromSmiles("NCCCN"), Chem.MolFromSmiles("BrCC(=O)OCC"))
    assert answer.symptom_id == entry_id
    assert answer.checks and answer.fixes
    culprits = [c for cause in answer.causes for c in cause.culprits]
    assert culprits, symptom
    for culprit in culprits:
        assert Chem.MolFromSmiles(culprit.smiles) is not None and culprit.monoisotopic_mass > 0


def test_white_precipitate_on_the_acrylate_route_corrects_the_seed():
    answer = troubleshoot("white crystalline precipitate", Chem.MolFromSmiles("NCCN"), Chem.MolFromSmiles("C=CC(=O)OC"))
    dimer = answer.causes[0].culprits[0]
    assert dimer.smiles == canon("NCCN1CCC(=O)N(CCN)CCC1=O")  # two beta-alanine units: 8-membered ring
    assert any("1,5-diazocane-2,6-dione" in c and "piperazine-2,5-dione" in c for c in answer.corrections)
    # a haloacetate is not used, so no hydrohalide salt is expected on this route
    salt_cause = next(c for c in answer.causes if "Hydrohalide" in c.cause)
    assert salt_cause.culprits == () and salt_cause.not_formed == ("hydrohalide_salt",)


def test_viscous_oil_on_a_haloacetate_route_has_no_polyacrylate():
    answer = troubleshoot("viscous oil", Chem.MolFromSmiles("NCCCN"), Chem.MolFromSmiles("BrCC(=O)OCC"))
    polymer = answer.causes[0]
    assert polymer.not_formed == ("polyacrylate",) and polymer.culprits == ()
    names = {c.key for c in answer.causes[1].culprits}
    assert {"linear_dimer", "linear_trimer", "cyclic_dimer"} <= names
    assert any("N-(3-aminopropyl)glycine ester" in c for c in answer.corrections)


def test_low_yield_names_the_wrong_route_and_the_seed_error():
    answer = troubleshoot("Low or No Product Formation", Chem.MolFromSmiles("NCCN"), Chem.MolFromSmiles("C=CC(=O)OC"))
    first = answer.causes[0]
    assert first.culprits[0].inchikey == "QPPLBCQXWDBQFS-UHFFFAOYSA-N"
    assert any("1,4-diazepan-5-one" in c for c in answer.corrections)


def test_troubleshoot_without_building_blocks_still_answers():
    answer = troubleshoot("Difficulty in Product Purification")
    assert answer.symptom_id == "purification"
    assert all(cause.culprits == () for cause in answer.causes)
    assert any("--diamine" in w for w in answer.warnings)


def test_unknown_symptom_is_typed():
    with pytest.raises(UnknownSymptomError, match="known symptoms"):
        troubleshoot("the flask exploded")


def test_troubleshoot_cli_json():
    result = runner.invoke(
        app, ["troubleshoot", "white precipitate", "--diamine", "NCCCN", "--reagent", "BrCC(=O)OCC", "--json"]
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["symptom_id"] == "white_precipitate"
    first = payload["causes"][0]["culprits"][0]
    assert first["smiles"] == canon("NCCCN1CC(=O)N(CCCN)CC1=O") and first["mz_mh"] == pytest.approx(229.1659, abs=1e-4)


def test_console_script_exit_code_in_a_real_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", "from reactivity.cli import main; main()", "synth", "--diamine", "NCCCN", "--reagent", "CCO"],
        capture_output=True, text=True, check=False,
        cwd=tmp_path,  # not the source tree: its reactivity/ folder would shadow the installed package
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("reactivity synth: ") and "Traceback" not in proc.stderr

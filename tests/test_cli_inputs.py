"""The single-molecule commands read a SMILES, a molfile, an SD file or a SMILES file (one result per record),
print text that fits 80 columns without splitting words, and ``train`` never writes through a symbolic link.

Expected values are worked out by hand: atom indices follow the SMILES written into the test files (for
O=C1CNCCCN1: O0 C1 C2 N3 C4 C5 C6 N7, so the lactam N1 is atom 7, the carbonyl C2 atom 1 and the ring amine N4
atom 3; diazepam CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21: N1 atom 1, C2 atom 2, N4 atom 5).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from rdkit import Chem
from typer.testing import CliRunner

from reactivity.cli import app
from reactivity.cli.common import TERMINAL_WIDTH, read_molecules, wrap_line, wrap_text
from reactivity.rules import load_references

runner = CliRunner()

PARENT = "O=C1CNCCCN1"
DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
ETHANOL = "CCO"


def _sd_file(path: Path, entries: list[tuple[str, str]]) -> Path:
    """An SD file written by RDKit with one record per (SMILES, name), atom order as in the SMILES."""
    writer = Chem.SDWriter(str(path))
    for smiles, name in entries:
        mol = Chem.MolFromSmiles(smiles)
        mol.SetProp("_Name", name)
        mol.SetProp("source", "test")
        writer.write(mol)
    writer.close()
    return path


@pytest.fixture()
def three_records(tmp_path: Path) -> Path:
    return _sd_file(tmp_path / "three.sdf", [(PARENT, "parent"), (DIAZEPAM, "diazepam"), (ETHANOL, "ethanol")])


def _json(args: list[str]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- one reader for every command ----------------------------------------------------------------------------


def test_reader_names_records_by_title_and_number(tmp_path):
    path = _sd_file(tmp_path / "x.sdf", [(PARENT, "parent"), (ETHANOL, "")])
    records = read_molecules(str(path))
    assert [(r.name, r.number, r.from_file, r.mol.GetNumAtoms()) for r in records] == [
        ("parent", 1, True, 8), ("record 2", 2, True, 3)]
    smiles_file = tmp_path / "x.smi"
    smiles_file.write_text(f"{PARENT} parent\n\n{DIAZEPAM} diazepam\n", encoding="utf-8")
    assert [(r.name, r.mol.GetNumAtoms()) for r in read_molecules(str(smiles_file))] == [("parent", 8), ("diazepam", 20)]


def test_a_smiles_longer_than_a_file_name_is_read_as_a_smiles():
    # 300 characters: the file system refuses it as a name (ENAMETOOLONG); it is a C300 alkane, no ring
    payload = _json(["explain", "C" * 300, "--json"])
    assert payload["ring_count"] == 0


def test_explain_json_is_a_list_with_one_report_per_record(three_records):
    payload = _json(["explain", str(three_records), "--json"])
    assert isinstance(payload, list) and len(payload) == 3
    assert [(p["record"], p["name"], p["ring_count"]) for p in payload] == [(1, "parent", 1), (2, "diazepam", 1), (3, "ethanol", 0)]
    parent, diazepam = payload[0]["rings"][0], payload[1]["rings"][0]
    assert (parent["n1"], parent["c2"], parent["n4"], parent["n4_class"]) == (7, 1, 3, "secondary_amine")
    assert (diazepam["n1"], diazepam["c2"], diazepam["n4"], diazepam["n4_class"]) == (1, 2, 5, "imine")


def test_one_smiles_still_gives_one_object_and_one_record_file_too(tmp_path):
    assert isinstance(_json(["explain", PARENT, "--json"]), dict)
    one = tmp_path / "one.mol"
    one.write_text(Chem.MolToMolBlock(Chem.MolFromSmiles(PARENT)), encoding="utf-8")
    payload = _json(["pka", str(one), "--json"])
    assert isinstance(payload, dict) and payload["record"] == 1 and payload["n4_class"] == "secondary_amine"


def test_pka_and_stability_per_record_with_their_default_ph(three_records):
    pka = _json(["pka", str(three_records), "--json"])
    assert [p["name"] for p in pka] == ["parent", "diazepam", "ethanol"]
    assert {p["ph"] for p in pka} == {7.4}
    # N4 of the parent is an alpha-amido secondary amine (glycinamide 7.95, sarcosinamide 8.31): near 8
    assert 6.5 < pka[0]["n4_pka"] < 9.5
    # diazepam's N4 is the weakly basic imine (about 3.4); ethanol has no ring, so no N4 value
    assert pka[1]["n4_pka"] < 5 and pka[2]["n4_pka"] is None
    stability = _json(["stability", str(three_records), "--json", "--conditions", "none"])
    assert [s["ring_count"] for s in stability] == [1, 1, 0]
    assert {s["ph"] for s in stability} == {7.0}  # documented: the condition annotate scores by default


def test_nitrosamine_per_record(three_records):
    risks = _json(["nitrosamine", str(three_records), "--json"])
    assert len(risks) == 3
    parent = risks[0]["products"]
    # N4 (atom 3) is the only secondary amine; N-nitroso product C5H9N3O2:
    # 5*12 + 9*1.007825 + 3*14.003074 + 2*15.994915 = 143.06948, [M+H]+ 144.07675
    assert [(p["site"], p["atom"], p["formula"]) for p in parent] == [("N4", 3, "C5H9N3O2")]
    assert parent[0]["mz_mh"] == pytest.approx(144.07675, abs=2e-4)
    assert risks[2]["products"] == [] and risks[2]["most_potent_category"] is None


def test_synth_target_per_record(tmp_path):
    path = _sd_file(tmp_path / "targets.sdf", [(PARENT, "parent"), (DIAZEPAM, "diazepam")])
    answers = _json(["synth", "--target", str(path), "--json"])
    assert [a["name"] for a in answers] == ["parent", "diazepam"]
    assert [a["target_class"] for a in answers] == ["1,4-diazepan-2-one", "1,3-dihydro-2H-1,4-benzodiazepin-2-one"]


def test_text_output_has_a_header_per_record(tmp_path):
    path = tmp_path / "two.smi"
    path.write_text(f"{PARENT} parent\n{DIAZEPAM} diazepam\n", encoding="utf-8")
    for command in (["pka"], ["nitrosamine"], ["stability"], ["explain"], ["synth", "--target"]):
        result = runner.invoke(app, [*command, str(path)])
        assert result.exit_code == 0, (command, result.stderr)
        assert "record 1 of 2: parent" in result.stdout and "record 2 of 2: diazepam" in result.stdout


@pytest.mark.parametrize("command", [["explain"], ["stability"], ["pka"], ["nitrosamine"], ["synth", "--target"]])
def test_a_bad_record_is_reported_in_its_place_and_the_others_are_answered(tmp_path, command):
    good = Chem.MolToMolBlock(Chem.MolFromSmiles(PARENT))
    # a carbon with five bonds: read as a molfile, refused when sanitized
    bad = Chem.MolToMolBlock(Chem.MolFromSmiles("CC(C)(C)(C)C", sanitize=False))
    bad = "broken one" + bad[bad.index("\n"):]  # title line of the second record
    path = tmp_path / "bad.sdf"
    path.write_text(f"{good}$$$$\n{bad}$$$$\n{good}$$$$\n", encoding="utf-8")
    result = runner.invoke(app, [*command, str(path), "--json"])
    assert result.exit_code == 1  # some records have no result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "record 2 (broken one)" in lines[0] and "valence" in lines[0]
    payloads = json.loads(result.stdout)
    assert [p["record"] for p in payloads] == [1, 2, 3]
    assert "valence" in payloads[1]["error"] and set(payloads[1]) == {"record", "name", "error"}
    assert "error" not in payloads[0] and "error" not in payloads[2] and len(payloads[0]) > 3
    text = runner.invoke(app, [*command, str(path)])
    assert text.exit_code == 1
    block = text.stdout.split("record 2 of 3: broken one ==")[1].split("== record 3 of 3")[0]
    assert block.strip().startswith("error:") and "valence" in block


def test_a_bad_smiles_argument_is_still_a_usage_error():
    for command in (["explain"], ["stability"], ["pka"], ["nitrosamine"], ["synth", "--target"]):
        result = runner.invoke(app, [*command, "C1CC"])
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, command


@pytest.mark.parametrize("command", [["explain"], ["stability"], ["pka"], ["nitrosamine"], ["synth", "--target"]])
def test_a_folder_or_a_missing_file_is_a_usage_error(tmp_path, command):
    for source, words in ((str(tmp_path), "folder"), (str(tmp_path / "missing.sdf"), "no such file")):
        result = runner.invoke(app, [*command, source])
        assert result.exit_code == 2 and words in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["explain"], ["stability"], ["pka"], ["nitrosamine"], ["synth", "--target"],
                                     ["annotate"], ["report"]])
def test_an_empty_input_name_is_a_usage_error_that_says_so(tmp_path, command):
    # before, "" was read as the current folder ("': a folder, not a molecule file")
    extra = ["-o", str(tmp_path / "out.sdf")] if command == ["annotate"] else (
        ["-o", str(tmp_path / "out.html")] if command == ["report"] else [])
    result = runner.invoke(app, [*command, "", *extra])
    assert result.exit_code == 2 and "empty input name" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_svg_and_plot_refuse_several_records(three_records, tmp_path):
    result = runner.invoke(app, ["explain", str(three_records), "--svg", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "3 records" in result.stderr and not (tmp_path / "x.svg").exists()
    result = runner.invoke(app, ["stability", str(three_records), "--plot", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "3 records" in result.stderr and not (tmp_path / "x.png").exists()


# --- 80 columns, no split words ---------------------------------------------------------------------------------


def test_wrap_keeps_every_word_whole():
    text = "  - " + " ".join(f"word{i}" for i in range(60)) + " " + "C" * 100
    wrapped = wrap_line(text)
    assert wrapped.split() == text.split()  # same words in the same order, none cut
    lines = wrapped.splitlines()
    assert len(lines) > 3 and lines[0].startswith("  - word0") and lines[1].startswith("    word")
    assert all(len(line) <= TERMINAL_WIDTH or len(line.split()) == 1 for line in lines)
    assert "    " + "C" * 100 in lines  # a single word longer than the width stays whole, on its own line
    assert wrap_text("short\n\n  also short") == "short\n\n  also short"


@pytest.mark.parametrize("command", [["explain"], ["stability"], ["pka"], ["nitrosamine"], ["synth", "--target"]])
def test_text_output_fits_80_columns_and_keeps_references_whole(command):
    # flurazepam: a ring, a competing tertiary amine, many references and advice lines
    result = runner.invoke(app, [*command, "CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 5
    too_long = [line for line in lines if len(line) > TERMINAL_WIDTH and len(line.split()) > 1]
    assert too_long == []
    flat = " ".join(result.stdout.split())
    references = load_references()
    shown = [ref for ref in references if f"[{ref}] " in flat]
    for ref in shown:  # every reference printed with its text is printed in full, words intact
        assert f"[{ref}] " + " ".join(references[ref].split()) in flat


# --- train never writes through a symbolic link -----------------------------------------------------------------


@pytest.mark.parametrize("link_name", ["stability_model.npz", "artefact_hashes.json"])
def test_train_refuses_a_symlinked_output_file(tmp_path, link_name):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "models"
    out.mkdir()
    (out / link_name).symlink_to(victim)
    result = runner.invoke(app, ["train", "--only", "stability", "--output-dir", str(out)])
    assert result.exit_code == 2
    assert "symbolic link" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in out.iterdir()) == [link_name]  # nothing trained, nothing written


def test_train_without_scikit_learn_says_how_to_install_it(tmp_path, monkeypatch):
    # scikit-learn is the train extra: without it, one line naming the extra and exit 2, before anything is written
    monkeypatch.setitem(sys.modules, "sklearn", None)  # what a missing package looks like to import
    result = runner.invoke(app, ["train", "--only", "stability", "--output-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "reactivity[train]" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_train_writes_regular_files(tmp_path):
    result = runner.invoke(app, ["train", "--only", "stability", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    model, hashes = tmp_path / "stability_model.npz", tmp_path / "artefact_hashes.json"
    assert model.is_file() and not model.is_symlink() and hashes.is_file() and not hashes.is_symlink()
    assert list(json.loads(hashes.read_text(encoding="utf-8"))) == ["stability_model.npz"]
    assert not list(tmp_path.glob(".*.part"))

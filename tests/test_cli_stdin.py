"""``explain``, ``stability``, ``pka``, ``synth --target`` and ``nitrosamine`` read gzipped files and standard input
(``-``) with the annotation's reader, sniffing SMILES lines, a molfile, an SD text or a CSV/TSV table.

Every input is generated here; the molecules are the parent ring O=C1CNCCCN1 and diazepam.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from rdkit import Chem
from typer.testing import CliRunner

from reactivity.cli import app

runner = CliRunner()

PARENT = "O=C1CNCCCN1"
DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
COMMANDS = [["explain"], ["stability"], ["pka"], ["nitrosamine"], ["synth", "--target"]]


def _molblock(smiles: str, name: str) -> str:
    mol = Chem.MolFromSmiles(smiles)
    mol.SetProp("_Name", name)
    return Chem.MolToMolBlock(mol)


SD_TEXT = "".join(_molblock(s, n) + "$$$$\n" for s, n in ((PARENT, "parent"), (DIAZEPAM, "diazepam")))


def _run(args: list[str], data: bytes | None = None):
    result = runner.invoke(app, args, input=data)
    return result


def _payloads(args: list[str], data: bytes | None = None) -> list[dict]:
    result = _run([*args, "--json"], data)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    return document if isinstance(document, list) else [document]


def _without_labels(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in ("record", "name", "molecule", "input")}


@pytest.mark.parametrize("command", COMMANDS)
def test_gzipped_sd_file_and_sd_on_standard_input(command, tmp_path):
    path = tmp_path / "two.sdf.gz"
    path.write_bytes(gzip.compress(SD_TEXT.encode()))
    from_file = _payloads([*command, str(path)])
    from_stdin = _payloads([*command, "-"], SD_TEXT.encode())
    assert [(p["record"], p["name"]) for p in from_file] == [(1, "parent"), (2, "diazepam")]
    assert [(p["record"], p["name"]) for p in from_stdin] == [(1, "parent"), (2, "diazepam")]
    assert [_without_labels(p) for p in from_stdin] == [_without_labels(p) for p in from_file]
    # the same answer as for the SMILES given as an argument
    (single,) = _payloads([*command, DIAZEPAM])
    assert _without_labels(from_file[1]) == _without_labels(single)


@pytest.mark.parametrize("command", COMMANDS)
def test_smiles_molfile_and_table_on_standard_input(command):
    smiles_lines = _payloads([*command, "-"], f"{PARENT} parent\n{DIAZEPAM} diazepam\n".encode())
    assert [(p["record"], p["name"]) for p in smiles_lines] == [(1, "parent"), (2, "diazepam")]
    (molfile,) = _payloads([*command, "-"], _molblock(PARENT, "from a molfile").encode())
    assert (molfile["record"], molfile["name"]) == (1, "from a molfile")
    assert _without_labels(molfile) == _without_labels(smiles_lines[0])
    table = _payloads([*command, "-"], f"id,smiles\np1,{PARENT}\nd1,{DIAZEPAM}\n".encode())
    assert [(p["record"], p["name"]) for p in table] == [(1, "p1"), (2, "d1")]
    assert [_without_labels(p) for p in table] == [_without_labels(p) for p in smiles_lines]


def test_gzip_on_standard_input_is_found_by_its_magic_bytes():
    """A real process: its standard input can be peeked at (the test runner's cannot)."""
    done = subprocess.run([sys.executable, "-P", "-c", "from reactivity.cli import main; main()", "pka", "-", "--json"],
                          input=gzip.compress(SD_TEXT.encode()), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [(p["record"], p["name"]) for p in json.loads(done.stdout)] == [(1, "parent"), (2, "diazepam")]


def test_a_bare_smiles_on_standard_input_is_named_by_itself():
    (payload,) = _payloads(["pka", "-"], f"{PARENT}\n".encode())
    assert (payload["record"], payload["name"]) == (1, PARENT)


@pytest.mark.parametrize("command", [["pka"], ["explain"]])
def test_truncated_gzip_and_empty_input_are_one_line_usage_errors(command, tmp_path):
    data = gzip.compress((SD_TEXT * 50).encode())
    path = tmp_path / "cut.sdf.gz"
    path.write_bytes(data[: len(data) // 2])
    result = _run([*command, str(path)])
    assert result.exit_code == 2 and "ends early" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    result = _run([*command, "-"], b"")
    assert result.exit_code == 2 and "no molecule in standard input" in result.stderr


def test_a_bad_record_on_standard_input_names_it():
    bad = Chem.MolToMolBlock(Chem.MolFromSmiles("CC(C)(C)(C)C", sanitize=False))  # carbon with five bonds
    result = _run(["stability", "-"], (SD_TEXT + "five bonds" + bad[bad.index("\n"):] + "$$$$\n").encode())
    assert result.exit_code == 1  # the good records are answered, the bad one is reported in its place
    (line,) = result.stderr.strip().splitlines()
    assert "standard input: record 3 (five bonds)" in line and "valence" in line
    assert "record 3 of 3: five bonds ==\nerror:" in result.stdout


def test_utf16_input_is_refused_with_the_annotation_readers_message(tmp_path):
    path = tmp_path / "wide.smi"
    path.write_bytes(f"{PARENT} parent\n".encode("utf-16"))
    result = _run(["pka", str(path)])
    assert result.exit_code == 2 and "UTF-16" in result.stderr and len(result.stderr.strip().splitlines()) == 1

"""Output targets, exit codes and the edges of a pipeline (every test input is generated here)."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from importlib import resources
from pathlib import Path

import pytest
from rdkit import Chem

from reactivity.batch.records import iter_sd_records
from reactivity.batch.writers import AtomicFile, OutputError, same_target, target_kind
from reactivity.molecule import is_banner_line
from conftest import default_sigint, v3000_with_offset

CLI = [sys.executable, "-P", "-c", "from reactivity.cli import main; main()"]
FAST = ["--no-basicity", "--no-stability", "--no-progress"]
EXAMPLE = str(resources.files("reactivity").joinpath("data", "example_library.sdf"))


def _invoke(args: list[str]):
    """The command in this process (Typer's CliRunner): much cheaper than a subprocess."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from reactivity.cli import app

    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout_bytes, stderr=result.stderr_bytes)


def _run(args: list[str], **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", 120)
    return subprocess.run([*CLI, *args], **kwargs)


def _records(data: bytes) -> list[bytes]:
    return [r.raw for r in iter_sd_records(io.BytesIO(data))]


def _library(path: Path, count: int) -> Path:
    block = Chem.MolToMolBlock(Chem.MolFromSmiles("O=C1CNCCCN1"))
    path.write_text("".join(f"m{i}{block[block.find(chr(10)):]}$$$$\n" for i in range(count)))
    return path


# --------------------------------------------------------------------------- target kinds


def test_target_kinds(tmp_path):
    regular = tmp_path / "a.sdf"
    regular.write_text("x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.sdf"
    link.symlink_to(regular)
    assert [target_kind(str(p)) for p in (regular, fifo, link, tmp_path, tmp_path / "new.sdf")] == [
        "file", "device", "file", "directory", "new"]
    assert target_kind("-") == "stdout" and same_target(str(link), str(regular))


def test_regular_file_is_replaced_atomically_and_keeps_its_mode(tmp_path):
    target = tmp_path / "out.sdf"
    target.write_text("old\n")
    target.chmod(0o600)
    done = _invoke(["annotate", EXAMPLE, "-o", str(target), *FAST])
    assert done.returncode == 0, done.stderr
    assert len(_records(target.read_bytes())) == 14
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.part"))


def test_symlink_target_is_resolved_and_the_link_kept(tmp_path):
    real = tmp_path / "real.sdf"
    real.write_text("old\n")
    link = tmp_path / "link.sdf"
    link.symlink_to(real)
    done = _invoke(["annotate", EXAMPLE, "-o", str(link), *FAST])
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and len(_records(real.read_bytes())) == 14


def test_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.sdf"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = _invoke(["annotate", EXAMPLE, "-o", str(fifo), *FAST])
    reader.join(60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and len(_records(received[0])) == 14


def _other_writer(command: str, tmp_path: Path, target: Path) -> tuple[list[str], bytes]:
    """Arguments of a command other than annotate that writes a file, and the bytes its output starts with."""
    ring = tmp_path / "ring.smi"
    ring.write_text("O=C1CNCCCN1 ring\n")
    if command == "legend":
        annotated = tmp_path / "annotated.sdf"
        assert _invoke(["annotate", str(_library(tmp_path / "in.sdf", 2)), "-o", str(annotated), *FAST,
                        "--json-detail", "compact"]).returncode == 0
        return ["legend", str(annotated), "-o", str(target)], b"m0"
    return {
        "report": (["report", str(ring), "-o", str(target)], b"<!DOCTYPE html>"),
        "explain --svg": (["explain", "O=C1CNCCCN1", "--svg", str(target)], b"<?xml"),
        "stability --plot": (["stability", "O=C1CNCCCN1", "--plot", str(target)], b"<?xml"),
    }[command]


WRITERS = ["report", "legend", "explain --svg", "stability --plot"]


@pytest.mark.parametrize("command", WRITERS)
def test_every_command_writes_through_a_symlink_and_keeps_it(tmp_path, command):
    # report, legend, explain --svg and stability --plot wrote beside the target and renamed onto it: a link was
    # replaced by a file (the link's target kept its old text) and a named pipe by a file its reader never saw
    real = tmp_path / "real.svg"
    real.write_text("old\n")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    args, start = _other_writer(command, tmp_path, link)
    done = _invoke(args)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and real.read_bytes().startswith(start)


@pytest.mark.parametrize("command", WRITERS)
def test_every_command_writes_through_a_fifo(tmp_path, command):
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    args, start = _other_writer(command, tmp_path, fifo)
    done = _invoke(args)
    reader.join(60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and received[0].startswith(start)


@pytest.mark.parametrize("command", WRITERS)
def test_every_command_refuses_a_directory_output_in_one_line(tmp_path, command):
    target = tmp_path / "folder.svg"
    target.mkdir()
    args, _ = _other_writer(command, tmp_path, target)
    done = _invoke(args)
    assert done.returncode == 2 and b"is a directory" in done.stderr and b"Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_character_device_is_written_through_not_replaced(tmp_path):
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device, in a temporary folder
    done = _invoke(["annotate", EXAMPLE, "-o", str(device), *FAST])
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert not list(tmp_path.glob("*.part"))


def test_directory_target_is_refused(tmp_path):
    done = _invoke(["annotate", EXAMPLE, "-o", str(tmp_path), *FAST])
    assert done.returncode == 2 and b"is a directory" in done.stderr and b"Traceback" not in done.stderr
    with pytest.raises(OutputError):
        AtomicFile(str(tmp_path))
    done = _invoke(["annotate", EXAMPLE, "--errors", str(tmp_path), *FAST])
    assert done.returncode == 2 and b"is a directory" in done.stderr


def test_dash_is_standard_output():
    done = _invoke(["annotate", EXAMPLE, "-o", "-", *FAST])
    assert done.returncode == 0 and len(_records(done.stdout)) == 14


def test_output_and_errors_on_the_same_file_are_refused(tmp_path):
    target = tmp_path / "x.sdf"
    link = tmp_path / "y.sdf"
    link.symlink_to(target)
    for errors in (str(target), str(link)):
        done = _invoke(["annotate", EXAMPLE, "-o", str(target), "--errors", errors, *FAST])
        assert done.returncode == 2 and b"same file" in done.stderr
    assert not target.exists()


def test_full_disk_on_errors_leaves_the_output_untouched(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    target = tmp_path / "out.sdf"
    target.write_text("previous\n")
    done = _invoke(["annotate", EXAMPLE, "-o", str(target), "--errors", "/dev/full", *FAST])
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert target.read_text() == "previous\n" and not list(tmp_path.glob("*.part"))


def test_full_disk_with_csv_output_is_one_line(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    done = _invoke(["annotate", EXAMPLE, "-o", "/dev/full", "--format", "csv", *FAST])
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_input_as_output_keeps_every_record(tmp_path):
    library = _library(tmp_path / "lib.sdf", 30)
    done = _invoke(["annotate", str(library), "-o", str(library), *FAST])
    assert done.returncode == 0, done.stderr
    records = _records(library.read_bytes())
    assert len(records) == 30 and all(b"<RX_STATUS>" in r for r in records)


def test_concurrent_writers_leave_one_complete_output(tmp_path):
    small = _library(tmp_path / "small.sdf", 10)
    large = _library(tmp_path / "large.sdf", 400)
    target = tmp_path / "out.sdf"
    runs = [subprocess.Popen([*CLI, "annotate", str(src), "-o", str(target), *FAST],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for src in (large, small)]
    assert [p.wait(timeout=180) for p in runs] == [0, 0]
    count = len(_records(target.read_bytes()))
    assert count in (10, 400)
    assert not list(tmp_path.glob("*.part"))


# --------------------------------------------------------------------------- signals and exit codes


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_while_writing_to_standard_output_counts_the_records(tmp_path, signum):
    library = _library(tmp_path / "lib.sdf", 6000)
    process = subprocess.Popen([*CLI, "annotate", str(library), *FAST], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=default_sigint)
    first = process.stdout.read(4096)  # records are flowing
    assert first
    time.sleep(0.5)
    process.send_signal(signum)
    rest, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signum
    assert b"at least " in stderr, stderr
    written = int(stderr.split(b"at least ")[1].split()[0])
    complete = (first + rest).count(b"$$$$\n")
    assert 0 < written <= complete < 6000


def test_broken_pipe_is_quiet(tmp_path):
    library = _library(tmp_path / "lib.sdf", 3000)
    shell = f"{' '.join(map(repr, CLI))} annotate {library} --no-basicity --no-stability --no-progress | head -c 100"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell.replace("'", "'")], capture_output=True, timeout=120)
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr
    assert done.returncode == 0, done.stderr


def test_python_dash_m_and_short_help_and_hidden_train():
    done = subprocess.run([sys.executable, "-P", "-m", "reactivity", "-h"], capture_output=True, timeout=60)
    assert done.returncode == 0 and b"annotate" in done.stdout
    assert b" train " not in done.stdout


@pytest.mark.parametrize("option,value", [("--ph", "nan"), ("--temperature", "inf"), ("--hours", "nan"),
                                          ("--record-timeout", "nan"), ("--max-record-mb", "0")])
def test_numeric_options_are_validated(option, value):
    done = _invoke(["annotate", EXAMPLE, option, value, "--no-stability", "--no-basicity", "--no-progress"])
    assert done.returncode == 2 and b"Traceback" not in done.stderr and option.encode() in done.stderr


def test_non_ascii_tag_prefix_is_a_usage_error():
    done = _invoke(["annotate", EXAMPLE, "--tag-prefix", "RÉ_", *FAST])
    assert done.returncode == 2 and b"Traceback" not in done.stderr


def test_internal_error_is_one_line_with_exit_code_3(monkeypatch, capsys):
    import reactivity.cli.annotate as command
    from reactivity.cli import main

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(command, "run_annotation", boom)
    with pytest.raises(SystemExit) as exit_info:
        main(["annotate", EXAMPLE, *FAST])
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: simulated bug)" in err and len(err.strip().splitlines()) == 1


def test_truncated_input_fails_under_fail_on_error(tmp_path, data_dir):
    done = _run(["annotate", str(data_dir / "sd_rdkit_NCI_aids_few_truncated.sdf.gz"), "--fail-on-error", *FAST])
    assert done.returncode == 1 and b"ended early" in done.stderr


# --------------------------------------------------------------------------- real reasons


def test_error_reasons_are_never_banner_lines(data_dir):
    done = _invoke(["annotate", str(data_dir / "sd_robustness_slice.sdf"), *FAST])
    assert done.returncode == 0
    reasons = [r.split(b"<RX_ERROR>")[1].splitlines()[1].decode() for r in _records(done.stdout) if b"<RX_ERROR>" in r]
    assert reasons and not [r for r in reasons if is_banner_line(r) or not r.strip()]


def test_unknown_element_reports_rdkits_reason():
    block = Chem.MolToMolBlock(Chem.MolFromSmiles("CCN")).replace(" N ", " Nc", 1)
    done = _run(["annotate", "-", *FAST], input=(block + "$$$$\n").encode())
    assert b"Element 'Nc' not found" in done.stdout


# --------------------------------------------------------------------------- one numbering


def _atom_elements(block: str) -> dict[int, str]:
    """Atom number -> element symbol, read from the record's own atom block (V2000 or V3000)."""
    lines = block.splitlines()
    if "V3000" in lines[3]:
        elements = {}
        inside = False
        for line in lines:
            if line.startswith("M  V30 BEGIN ATOM"):
                inside = True
            elif line.startswith("M  V30 END ATOM"):
                break
            elif inside:
                number, element = line[7:].split()[:2]
                elements[int(number)] = element
        return elements
    count = int(lines[3][:3])
    return {i + 1: lines[4 + i][31:34].strip() for i in range(count)}


def _references(tags: dict[str, str]) -> list[tuple[str, int, str | None]]:
    """Every atom reference of a record's tags and JSON: (where, number, expected element or None)."""
    import json
    import re

    found: list[tuple[str, int, str | None]] = []
    for name in ("RX_N1_ATOM", "RX_C2_ATOM", "RX_N4_ATOM"):
        element = {"RX_N1_ATOM": "N", "RX_C2_ATOM": "C", "RX_N4_ATOM": "N"}[name]
        found += [(name, int(n), element) for n in tags.get(name, "").split(",") if n]
    for name, value in tags.items():
        if name == "RX_JSON":
            continue
        found += [(name, int(n), None) for n in re.findall(r"(?<=[A-Za-z_)\]])@(\d+)(?![\d.])", value)]
    document = json.loads(tags["RX_JSON"])
    for ring in document.get("rings", []):
        for position, number in ring["atoms"].items():
            if number is not None:
                found.append((f"rings.atoms.{position}", number, position[0] if position[0] in "NO" else "C"))
        found += [("rings.stereocentres", s["atom"], "C") for s in ring["stereocentres"]]
    for site in document.get("competing_sites", []):
        found += [("competing_sites.atoms", a, None) for a in site["atoms"]]
    for site in (document.get("basicity") or {}).get("sites", []):
        found.append(("basicity.sites.atom", site["atom"], None))
    for pathway in (document.get("stability") or {}).get("pathways", []):
        found += [("stability.pathways.atoms", a, None) for a in pathway["atoms"]]
    text = json.dumps(document)
    found += [("json text (atom N)", int(n), None) for n in re.findall(r"\(atom (\d+)[,)]", text)]
    found += [("json text code@atom", int(n), None) for n in re.findall(r"(?<=[A-Za-z_)\]])@(\d+)(?![\d.])", text)]
    return found


@pytest.mark.parametrize("form", ["explicit_h", "v3000_offset"])
def test_every_atom_reference_matches_the_atom_block(form):
    from reactivity.batch.annotate import AnnotateSettings, annotate_chunk

    # two 1,4-diazepan-2-one rings (one N4-Boc carbamate), a tertiary amine elsewhere
    mol = Chem.AddHs(Chem.MolFromSmiles("O=C1CN(C(=O)OC(C)(C)C)CCCN1CC1CN(C)CC(=O)NC1"))
    block = Chem.MolToMolBlock(mol) if form == "explicit_h" else v3000_with_offset(mol, 10)
    (record,) = annotate_chunk([block.encode()], AnnotateSettings(stability=True, basicity=True))
    assert record.status == "ok" and record.tags["RX_SCAFFOLD_COUNT"] == "2"
    elements = _atom_elements(block)
    references = _references(record.tags)
    assert len(references) > 20
    for where, number, element in references:
        assert number in elements, (where, number)
        if element is not None:
            assert elements[number] == element, (where, number, elements[number])
    # the N4 of the Boc ring is named in the basicity note with the record's own number
    n4_numbers = {int(n) for n in record.tags["RX_N4_ATOM"].split(",")}
    text_refs = {n for where, n, _ in references if where == "json text (atom N)"}
    assert text_refs and text_refs <= n4_numbers


def test_errors_csv_neutralizes_formula_cells(tmp_path):
    table = tmp_path / "in.csv"
    table.write_bytes(b"smiles,name\nCCO,ok\nC1CC(,=HYPERLINK(\"x\")\n")
    errors = tmp_path / "bad.csv"
    done = _invoke(["annotate", str(table), "-o", str(tmp_path / "o.csv"), "--errors", str(errors), *FAST])
    assert done.returncode == 0, done.stderr
    assert errors.read_bytes() == b"smiles,name\nC1CC(,\"'=HYPERLINK(\"\"x\"\")\"\n"


def test_a_path_the_file_system_refuses_is_a_usage_error():
    # a bare 300-character SMILES is read as a SMILES (tests/test_cli_inputs.py); a file name that long is refused
    done = _run(["explain", "x" * 300 + ".sdf"])
    assert done.returncode == 2 and b"Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_single_molecule_commands_refuse_huge_molecules():
    diamine = "N" + "C" * 8000 + "N"
    done = _run(["synth", "--diamine", diamine, "--reagent", "CCO"], timeout=60)
    assert done.returncode == 2 and b"8002 atoms" in done.stderr and b"Traceback" not in done.stderr

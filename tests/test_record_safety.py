"""No input, however large or odd, stalls, crashes or silently merges a run (generated inputs only).

SMILES tables with inch marks, headerless tables, bad first rows and huge cells; large molecules (atom
limit, time limit); a worker crash through the test hook; concatenated molfiles, UTF-16, absurd counts
lines, a gzip bomb; the orphan check after ``kill -9``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdkit import Chem

from conftest import default_sigint
from reactivity.batch.annotate import AnnotateSettings, annotate_chunk, check_counts, parse_sd_record
from reactivity.batch.records import (
    InputError,
    OversizedRecord,
    check_encoding,
    detect_table_layout,
    iter_sd_records,
    iter_table_rows,
    open_input,
    peek_table,
)
from reactivity.batch.supervise import TEST_HOOK_ENV

CLI = [sys.executable, "-P", "-c", "from reactivity.cli import main; main()"]
FAST = ["--no-basicity", "--no-stability", "--no-progress"]
PARENT = "O=C1CNCCCN1"  # 1,4-diazepan-2-one


def _invoke(args: list[str], *, input: bytes | None = None):
    """The command in this process (Typer's CliRunner; workers still run in their own processes)."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from reactivity.cli import app

    result = CliRunner().invoke(app, args, input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout_bytes, stderr=result.stderr_bytes)


def _run(args: list[str], *, input: bytes | None = None, env: dict[str, str] | None = None, timeout: float = 120):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*CLI, *args], input=input, capture_output=True, timeout=timeout, env=full_env)


def _sd_records(data: bytes) -> list[bytes]:
    return [r.raw for r in iter_sd_records(io.BytesIO(data))]


def _tag(record: bytes, name: str) -> str | None:
    marker = f"<{name}>".encode()
    at = record.find(marker)
    if at < 0:
        return None
    lines = record[at:].splitlines()
    return lines[1].decode()


def _molblock(smiles: str, name: str) -> str:
    mol = Chem.MolFromSmiles(smiles)
    mol.SetProp("_Name", name)
    if mol.GetNumAtoms() > 100:  # no 2D layout for big test molecules (it takes minutes), zero coordinates
        mol.AddConformer(Chem.Conformer(mol.GetNumAtoms()), assignId=True)
        return Chem.MolToMolBlock(mol, includeStereo=False)
    return Chem.MolToMolBlock(mol)


# --------------------------------------------------------------------------- SMILES tables


def _table_rows(name: str, data: bytes, header: bool | None = None) -> tuple[list[str], list[str]]:
    """(SMILES, name) of every data row after layout detection."""
    layout, rows = peek_table(io.BytesIO(data), name, None, [], header=header)
    cells = [layout.split(r) for r in rows]
    names = [c[layout.name_index] if layout.name_index is not None and layout.name_index < len(c) else "" for c in cells]
    return [c[layout.smiles_index] for c in cells], names


def test_inch_marks_in_smi_names_do_not_merge_rows():
    data = b'CCO 5" tube\nO=C1CNCCCN1 hit 2"\nCCN last\n'
    smiles, names = _table_rows("x.smi", data)
    assert smiles == ["CCO", PARENT, "CCN"]
    assert names == ['5" tube', 'hit 2"', "last"]


def test_inch_marks_in_csv_cells_are_ordinary_characters():
    data = b'smiles,name\nCCO,5" tube\nO=C1CNCCCN1,"quoted, with comma"\nCCN,last\n'
    smiles, names = _table_rows("x.csv", data)
    assert smiles == ["CCO", PARENT, "CCN"] and names == ['5" tube', "quoted, with comma", "last"]


def test_headerless_csv_keeps_its_first_row():
    smiles, _ = _table_rows("x.csv", b"O=C1CNCCCN1,first\nCCO,second\n")
    assert smiles == [PARENT, "CCO"]


def test_smi_with_a_bad_first_smiles_keeps_it_as_an_error_record():
    data = b"C1CC( broken\nO=C1CNCCCN1 parent\n"
    layout, rows = peek_table(io.BytesIO(data), "x.smi", None, [])
    rows = list(rows)
    assert layout.header == b"" and len(rows) == 2
    records = annotate_chunk(rows, AnnotateSettings(table=layout))
    assert [r.status for r in records] == ["error", "ok"]
    assert "C1CC(" in records[0].tags["RX_ERROR"]


def test_header_rule_and_its_overrides():
    assert detect_table_layout("x.csv", [b"Name,SMILES\n", b"a,CCO\n"]).header == b"Name,SMILES\n"
    assert detect_table_layout("x.csv", [b"label,what\n", b"CCO,a\n"]).header == b""  # unknown words: data
    assert detect_table_layout("x.csv", [b"label,what\n", b"CCO,a\n"], header=True).header == b"label,what\n"
    assert detect_table_layout("x.smi", [b"smiles name\n", b"CCO a\n"], header=False).header == b""


def test_a_200000_character_cell_is_read():
    long_smiles = "C" * 200_000
    data = f"smiles,name\n{long_smiles},polymer\nCCO,ethanol\n".encode()
    smiles, names = _table_rows("x.csv", data)
    assert len(smiles[0]) == 200_000 and names == ["polymer", "ethanol"]
    layout, rows = peek_table(io.BytesIO(data), "x.csv", None, [])
    records = annotate_chunk(list(rows), AnnotateSettings(table=layout))
    assert records[0].status == "error" and "--max-atoms" in records[0].tags["RX_ERROR"]
    assert records[1].status == "no_scaffold"


def test_a_row_the_csv_parser_rejects_is_an_error_record():
    layout, rows = peek_table(io.BytesIO(b"smiles,name\nCCO,a\n\"x\"\x00,b\n"), "x.csv", None, [])
    assert len(list(rows)) == 2


def test_unclosed_quote_does_not_swallow_the_rest_of_the_file():
    lines = [b'CCO,"never closed\n'] + [b"CCN,row%d\n" % i for i in range(1500)]
    warnings: list[str] = []
    rows = list(iter_table_rows(io.BytesIO(b"".join(lines)), warnings))
    assert len(rows) == 1501 and warnings


def test_separator_and_carriage_return_in_names_never_reach_an_sd_title(tmp_path):
    table = tmp_path / "in.csv"
    table.write_bytes(b'smiles,name\nO=C1CNCCCN1,"$$$$ evil"\nCCO,"a\rb"\nCCN,plain\n')
    out = tmp_path / "out.sdf"
    done = _invoke(["annotate", str(table), "-o", str(out), *FAST])
    assert done.returncode == 0, done.stderr
    records = _sd_records(out.read_bytes())
    assert len(records) == 3
    assert records[0].startswith(b" $$$$ evil\n") and records[1].startswith(b"a b\n")


def test_table_on_standard_input_is_sniffed():
    done = _invoke(["annotate", "-", "--format", "csv", *FAST], input=b"O=C1CNCCCN1 parent\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 2 and ",parent,O=C1CNCCCN1,ok," in lines[1]


# --------------------------------------------------------------------------- large molecules


def test_counts_line_is_checked_before_rdkit_sees_the_block():
    v3000 = ("x\n\n\n  0  0  0  0  0  0  0  0  0  0999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 400000000 0 0 0 0\n"
             "M  V30 BEGIN ATOM\nM  V30 END ATOM\nM  V30 END CTAB\nM  END\n")
    started = time.monotonic()
    mol, error, _ = parse_sd_record(v3000.encode())
    assert mol is None and "announces 400000000 atoms" in error and time.monotonic() - started < 1
    v2000 = "x\n\n\n999  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n"
    assert "announces 999 atoms" in check_counts(v2000)


def test_atom_limit_refuses_a_5000_atom_ring_with_a_reason():
    block = _molblock("O=C1CN(" + "C" * 5000 + ")CCCN1", "big")
    started = time.monotonic()
    (record,) = annotate_chunk([block.encode()], AnnotateSettings(stability=True, basicity=True))
    assert record.status == "error" and "5008 atoms" in record.tags["RX_ERROR"]
    assert "--max-atoms" in record.tags["RX_ERROR"] and time.monotonic() - started < 5
    untitled = _molblock("O=C1CN(" + "C" * 5000 + ")CCCN1", "")  # a blank title line (RDKit's default)
    (record,) = annotate_chunk([untitled.encode()], AnnotateSettings())
    assert record.status == "error" and "5008 atoms" in record.tags["RX_ERROR"]


def test_a_5000_atom_ring_without_the_limit_is_perceived_in_seconds():
    block = _molblock("O=C1CN(" + "C" * 5000 + ")CCCN1", "big")
    started = time.monotonic()
    (record,) = annotate_chunk([block.encode()], AnnotateSettings(max_atoms=0))
    assert record.status == "ok" and record.tags["RX_N4_ATOM"] == "4"  # O=C1CN(...): O 1, C 2, C 3, N 4
    assert time.monotonic() - started < 20


def test_many_identical_rings_are_all_classified():
    """More rule matches than RDKit's default cap of 1,000: no ring falls back to class 'other'."""
    smiles = "C" + "CC(N1CCCNC(=O)C1)" * 120
    (record,) = annotate_chunk([f"{smiles} poly\n".encode()], AnnotateSettings(
        table=detect_table_layout("x.smi", [b"CCO a\n"]), max_atoms=0))
    assert record.tags["RX_SCAFFOLD_COUNT"] == "120"
    assert set(record.tags["RX_N4_CLASS"].split(",")) == {"tertiary_amine"}
    assert set(record.tags["RX_N1_CLASS"].split(",")) == {"nh"}


# --------------------------------------------------------------------------- supervised workers


def _library(path: Path, count: int, marked: int, marker: str) -> None:
    with path.open("w") as handle:
        for i in range(count):
            smiles = PARENT if i % 2 == 0 else "CCO"
            handle.write(_molblock(smiles, f"{marker}{i}" if i == marked else f"m{i}") + "$$$$\n")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_worker_crash_costs_one_record(tmp_path, jobs, monkeypatch):
    source = tmp_path / "lib.sdf"
    _library(source, 60, 37, "CRASHME")
    out = tmp_path / "out.sdf"
    monkeypatch.setenv(TEST_HOOK_ENV, "crash:CRASHME")
    done = _invoke(["annotate", str(source), "-o", str(out), "--jobs", jobs, "--chunk-size", "25", *FAST])
    assert done.returncode == 0, done.stderr
    records = _sd_records(out.read_bytes())
    assert len(records) == 60
    statuses = [_tag(r, "RX_STATUS") for r in records]
    assert statuses[37] == "error" and "SIGSEGV" in _tag(records[37], "RX_ERROR")
    assert statuses[:37] + statuses[38:] == ["ok" if i % 2 == 0 else "no_scaffold" for i in range(60) if i != 37]
    original = _sd_records(source.read_bytes())
    assert all(r.startswith(o) for r, o in zip(records, original))  # every record intact, in order
    assert not list(tmp_path.glob("*.part"))


def test_a_record_over_the_time_limit_becomes_an_error_record(tmp_path, monkeypatch):
    source = tmp_path / "lib.sdf"
    _library(source, 12, 5, "HANG")
    out = tmp_path / "out.sdf"
    started = time.monotonic()
    monkeypatch.setenv(TEST_HOOK_ENV, "hang:HANG")
    done = _invoke(["annotate", str(source), "-o", str(out), "--record-timeout", "1.5", *FAST])
    assert done.returncode == 0, done.stderr
    records = _sd_records(out.read_bytes())
    assert len(records) == 12 and _tag(records[5], "RX_STATUS") == "error"
    assert "time limit of 1.5 s" in _tag(records[5], "RX_ERROR")
    assert [_tag(r, "RX_STATUS") for i, r in enumerate(records) if i != 5] == [
        "ok" if i % 2 == 0 else "no_scaffold" for i in range(12) if i != 5]
    assert time.monotonic() - started < 60


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_workers_die_with_the_parent_after_kill_9(tmp_path):
    source = tmp_path / "lib.sdf"
    _library(source, 8, 1, "HANG")
    process = subprocess.Popen([*CLI, "annotate", str(source), "-o", str(tmp_path / "o.sdf"), "--jobs", "2",
                                "--chunk-size", "1", *FAST], env={**os.environ, TEST_HOOK_ENV: "hang:HANG"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    # the resource tracker and the fork server, then a worker (which gets stuck in the HANG record): kill only once a
    # worker exists, or the test would not see whether a stuck worker outlives the command
    while time.monotonic() < deadline and len(workers) < 3:
        time.sleep(0.2)
        workers = _descendants(process.pid)
    assert len(workers) >= 3, f"no worker started: {sorted(workers)}"
    time.sleep(1.0)  # let the worker reach the HANG record
    workers = _descendants(process.pid)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)]


def test_a_worker_whose_command_is_already_gone_exits_without_taking_its_task():
    # The command died between forking the worker and the worker's request to die with its parent: the worker must
    # not start the task already waiting in its pipe (here one that would hang for an hour). Its parent (this test
    # process) is alive, as an adoptive subreaper would be, so a check for a parent pid of 1 would not see it.
    import multiprocessing

    from reactivity.batch.supervise import _worker_main

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    ours.send((1, [_molblock(PARENT, "HANG").encode() + b"$$$$\n"], AnnotateSettings(), "hang:HANG"))
    worker = context.Process(target=_worker_main, args=(theirs, context.Value("d", 0.0), context.Value("i", 0),
                                                         finished.pid))
    worker.start()
    worker.join(20)
    if worker.exitcode is None:
        worker.kill()
    assert worker.exitcode == 0


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signals_act_within_about_a_second_inside_a_heavy_record(tmp_path, signum):
    source = tmp_path / "lib.sdf"
    _library(source, 4, 0, "HANG")
    out = tmp_path / "out.sdf"
    process = subprocess.Popen([*CLI, "annotate", str(source), "-o", str(out), *FAST],
                               env={**os.environ, TEST_HOOK_ENV: "hang:HANG"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    deadline = time.monotonic() + 60
    # the run has begun (its signal handling is in place) once the temporary output exists beside the input
    while (not _descendants(process.pid) or len(list(tmp_path.iterdir())) < 2) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    sent = time.monotonic()
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - sent < 3
    assert process.returncode == 128 + signum, stderr
    assert b"interrupted by" in stderr and b"Traceback" not in stderr and not out.exists()


# --------------------------------------------------------------------------- bounded splitting


def test_concatenated_molfiles_are_reported():
    blocks = "".join(_molblock(PARENT, f"m{i}") for i in range(3)) + "$$$$\n"
    warnings: list[str] = []
    records = list(iter_sd_records(io.BytesIO(blocks.encode()), warnings))
    assert len(records) == 1
    assert any("several molfiles" in w for w in warnings)


def test_a_record_over_the_size_limit_is_an_error_record_and_reading_goes_on():
    big = ("big\n" + "x" * 300 + "\n") * 50
    data = (_molblock(PARENT, "first") + "$$$$\n" + big + "$$$$\n" + _molblock("CCO", "last") + "$$$$\n").encode()
    warnings: list[str] = []
    records = [r.raw for r in iter_sd_records(io.BytesIO(data), warnings, block_size=64, max_bytes=4096)]
    assert len(records) == 3 and isinstance(records[1], OversizedRecord) and records[1].startswith(b"big\n")
    assert not isinstance(records[2], OversizedRecord) and records[2].startswith(b"last")
    statuses = [r.status for r in annotate_chunk(records, AnnotateSettings())]
    assert statuses == ["ok", "error", "no_scaffold"]


def test_splitting_is_linear_without_separators():
    """20 MB without a single $$$$ line: one oversized record, read in well under the old quadratic time."""
    block = _molblock(PARENT, "m").encode()
    data = block * (20_000_000 // len(block))
    started = time.monotonic()
    records = list(iter_sd_records(io.BytesIO(data), [], max_bytes=1 << 20))
    assert len(records) == 1 and isinstance(records[0].raw, OversizedRecord)
    assert "M  END" in records[0].raw.reason and time.monotonic() - started < 10


def test_dollar_junk_line_is_not_a_separator_and_is_reported():
    data = (_molblock(PARENT, "a") + "$$$$ junk\n" + _molblock("CCO", "b") + "$$$$\n").encode()
    warnings: list[str] = []
    records = list(iter_sd_records(io.BytesIO(data), warnings))
    assert len(records) == 1
    assert any("begins with \"$$$$\"" in w for w in warnings)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_refused_with_a_clear_message(tmp_path, encoding):
    path = tmp_path / "lib.sdf"
    text = _molblock(PARENT, "m") + "$$$$\n"
    path.write_bytes(("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding))
    with pytest.raises(InputError, match="UTF-(16|32)"):
        open_input(str(path))
    done = _invoke(["annotate", str(path), *FAST])
    assert done.returncode == 2 and b"convert it to UTF-8" in done.stderr


def test_utf16_without_bom_is_refused():
    with pytest.raises(InputError, match="without a byte-order mark"):
        check_encoding("x.sdf", (_molblock(PARENT, "m") * 3).encode("utf-16-le"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_gzip_bomb_keeps_memory_flat(tmp_path):
    """200 MB of newlines in a 200 KB gzip file: one oversized record, bounded memory."""
    path = tmp_path / "bomb.sdf.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        chunk = b"\n" * (1 << 20)
        for _ in range(200):
            handle.write(chunk)
    assert path.stat().st_size < 1_000_000
    code = (
        "from reactivity.batch.records import iter_sd_records, open_input\n"
        "def peak():  # VmHWM: this process's own peak (ru_maxrss would include the forking parent's)\n"
        "    line = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "    return int(line.split()[1]) // 1024\n"
        "before = peak()\n"
        f"records = list(iter_sd_records(open_input({str(path)!r}), []))\n"
        "print(len(records), before, peak())\n"
    )
    done = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, timeout=120)
    count, before, after = map(int, done.stdout.split())
    # the 16 MB record limit bounds the buffer whatever the expansion (200 MB here)
    assert count == 1 and after - before < 120 and after < 500, done.stderr


def test_json_error_record_is_valid_json():
    (record,) = annotate_chunk([OversizedRecord(b"t\n\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n", "too big")],
                               AnnotateSettings())
    assert json.loads(record.tags["RX_JSON"])["error"] == "too big"

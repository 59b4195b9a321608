"""`reactivity annotate` through Typer's CliRunner and real subprocesses (pipes, exit codes, interruption)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reactivity.batch.records import iter_sd_records
from conftest import default_sigint
from reactivity.cli import app

runner = CliRunner()
EXAMPLE = str(resources.files("reactivity").joinpath("data", "example_library.sdf"))
FAST = ["--no-basicity", "--no-stability", "--no-progress"]
# -P: do not put the current directory on sys.path (in the source tree, its reactivity/ folder would shadow the
# installed package, whose reactivity.cli comes from cli/)
CLI = [sys.executable, "-P", "-c", "from reactivity.cli import main; main()"]


def _records(data: bytes) -> list[bytes]:
    return [r.raw for r in iter_sd_records(io.BytesIO(data))]


def test_annotate_file_to_file_and_summary(tmp_path):
    out = tmp_path / "out.sdf"
    result = runner.invoke(app, ["annotate", EXAMPLE, "-o", str(out), *FAST])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    # example library: 8 hits, 5 without the ring, 1 broken record (see its EXPECTED tags)
    assert "14 records: 8 with scaffold, 5 no scaffold, 1 error" in result.stderr
    assert len(_records(out.read_bytes())) == 14
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_sd_to_stdout_by_default():
    result = runner.invoke(app, ["annotate", EXAMPLE, *FAST])
    assert result.exit_code == 0
    records = _records(result.stdout_bytes)
    assert len(records) == 14 and all(b"<RX_STATUS>" in r for r in records)


def test_several_inputs_are_concatenated_in_order(tmp_path, data_dir):
    out = tmp_path / "out.sdf"
    result = runner.invoke(app, ["annotate", EXAMPLE, str(data_dir / "sd_rdkit_O2.sdf"), "-o", str(out), *FAST])
    assert result.exit_code == 0
    records = _records(out.read_bytes())
    assert len(records) == 16 and records[0].startswith(b"diazepam") and records[14].startswith(b"oxygen")


def test_fail_on_error_exit_code(tmp_path):
    assert runner.invoke(app, ["annotate", EXAMPLE, "-o", str(tmp_path / "a.sdf"), *FAST]).exit_code == 0
    result = runner.invoke(app, ["annotate", EXAMPLE, "-o", str(tmp_path / "b.sdf"), "--fail-on-error", *FAST])
    assert result.exit_code == 1 and (tmp_path / "b.sdf").exists()


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["annotate", "missing.sdf"], "missing.sdf: no such file"),
        (["annotate", "/"], "/: a folder, not a molecule file"),
        (["annotate", EXAMPLE, "-o", "/no/such/dir/out.sdf"], "does not exist"),
        (["annotate", EXAMPLE, "-o", "out.xyz"], "cannot tell the output format"),
        (["annotate", EXAMPLE, "--format", "xml"], "unknown format"),
        (["annotate", "notes.txt"], "unknown input type"),
        (["annotate", EXAMPLE, "--conditions", "boiling_lava"], "unknown condition preset"),
        (["annotate", EXAMPLE, "--ph", "20", "--no-basicity"], "outside the supported range"),
        (["annotate", EXAMPLE, "--hours", "-1", "--no-basicity"], "positive number of hours"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, arguments, message):
    Path(tmp_path / "notes.txt").write_text("x")
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, arguments)
    finally:
        os.chdir(previous)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_unknown_option_exits_2():
    assert runner.invoke(app, ["annotate", EXAMPLE, "--frobnicate"]).exit_code == 2


def test_errors_file_holds_failed_records_verbatim(tmp_path, data_dir):
    source = data_dir / "sd_rdkit_good_bad_good_bad.sdf"
    errors = tmp_path / "bad.sdf"
    result = runner.invoke(app, ["annotate", str(source), "-o", str(tmp_path / "o.sdf"), "--errors", str(errors), *FAST])
    assert result.exit_code == 0
    failed = _records(errors.read_bytes())
    originals = _records(source.read_bytes())
    assert failed == [originals[1], originals[3]]  # MANIFEST: records 2 and 4 fail (good_bad_good_bad)


def test_csv_output_columns_and_formula_neutralization(tmp_path):
    table = tmp_path / "in.csv"
    table.write_text('name,smiles\n"=HYPERLINK(""http://x"")",CCO\n+1,O=C1CNCCCN1\n')
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["annotate", str(table), "-o", str(out), *FAST])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(out.open(newline="")))
    assert [r["index"] for r in rows] == ["0", "1"]
    assert rows[0]["name"] == "'=HYPERLINK(\"http://x\")" and rows[1]["name"] == "'+1"
    assert (rows[0]["RX_STATUS"], rows[1]["RX_STATUS"]) == ("no_scaffold", "ok")
    assert rows[1]["smiles"] == "O=C1CNCCCN1" and rows[1]["RX_N4_ATOM"] == "4"
    assert json.loads(rows[1]["RX_JSON"])["status"] == "ok"


def test_jsonl_and_parquet_outputs(tmp_path):
    jsonl = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["annotate", EXAMPLE, "-o", str(jsonl), *FAST]).exit_code == 0
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [r["index"] for r in rows] == list(range(14)) and rows[0]["name"] == "diazepam"
    assert rows[0]["smiles"] == "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
    import pyarrow.parquet as pq

    parquet = tmp_path / "out.parquet"
    assert runner.invoke(app, ["annotate", EXAMPLE, "-o", str(parquet), *FAST]).exit_code == 0
    table = pq.read_table(parquet)
    assert table.num_rows == 14 and table.column("RX_STATUS").to_pylist()[-1] == "error"


def test_gzip_output(tmp_path, data_dir):
    import gzip

    out = tmp_path / "out.sdf.gz"
    assert runner.invoke(app, ["annotate", str(data_dir / "sd_rdkit_NCI_aids_few.sdf.gz"), "-o", str(out), *FAST]).exit_code == 0
    assert len(_records(gzip.decompress(out.read_bytes()))) == 16


# --------------------------------------------------------------------------- real subprocesses


def test_pipe_stdin_to_stdout_without_rdkit_noise(data_dir):
    source = (data_dir / "sd_robustness_slice.sdf").read_bytes()
    done = subprocess.run([*CLI, "annotate", "-", *FAST], input=source, capture_output=True, timeout=120)
    assert done.returncode == 0
    records = _records(done.stdout)
    assert len(records) == 37
    for original, annotated in zip(_records(source), records):
        assert annotated.startswith(original)
    # only our summary line: RDKit's own log lines (timestamped "[hh:mm:ss]") must not leak
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reactivity annotate: 37 records")


def test_subprocess_usage_error_exit_code():
    done = subprocess.run([*CLI, "annotate", "nope.sdf"], capture_output=True, timeout=60)
    assert done.returncode == 2 and b"Traceback" not in done.stderr


@pytest.mark.parametrize("signum,previous", [(signal.SIGINT, None), (signal.SIGTERM, None), (signal.SIGTERM, b"old\n")])
def test_interrupted_run_leaves_no_file_under_the_target_name(tmp_path, signum, previous):
    big = tmp_path / "big.sdf"
    example = Path(EXAMPLE).read_bytes()
    with big.open("wb") as handle:
        for _ in range(3000):  # 42,000 records: long enough to interrupt
            handle.write(example)
    target = tmp_path / "out.sdf"
    if previous is not None:
        target.write_bytes(previous)
    process = subprocess.Popen([*CLI, "annotate", str(big), "-o", str(target), "--no-progress", "--no-basicity"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "the run ended before it could be interrupted"
        time.sleep(0.05)
    time.sleep(0.3)
    # RDKit may swallow a SIGINT that lands inside one of its own Ctrl-C-aware calls: like a user, press again.
    for _ in range(40):
        process.send_signal(signum)
        try:
            _, stderr = process.communicate(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        process.kill()
        pytest.fail("the run did not stop on repeated signals")
    assert process.returncode == 128 + signum  # 130 for SIGINT, 143 for SIGTERM
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    # nothing under the target name (or the earlier file, untouched), and no temporary file left behind
    assert (target.read_bytes() if target.exists() else None) == previous
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_errors_file_of_a_table_keeps_its_header(tmp_path):
    table = tmp_path / "in.tsv"
    table.write_bytes(b"id\tsmiles\nm1\tCCO\nm2\tC1CC(\nm3\tN(C)(C)(C)(C)C\n")
    errors = tmp_path / "bad.tsv"
    result = runner.invoke(app, ["annotate", str(table), "-o", str(tmp_path / "o.csv"), "--errors", str(errors), *FAST])
    assert result.exit_code == 0
    assert errors.read_bytes() == b"id\tsmiles\nm2\tC1CC(\nm3\tN(C)(C)(C)(C)C\n"


def test_progress_bar_only_on_a_terminal(tmp_path):
    pty = pytest.importorskip("pty")
    big = tmp_path / "big.sdf"
    big.write_bytes(Path(EXAMPLE).read_bytes() * 200)  # 2,800 records: several chunks, so the bar is drawn
    outputs = {}
    for flag in ("--progress", "--no-progress"):
        master, slave = pty.openpty()
        process = subprocess.Popen([*CLI, "annotate", str(big), "-o", str(tmp_path / "o.sdf"), flag, "--no-basicity",
                                    "--no-stability"], stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        process.wait(timeout=60)
        os.close(master)
        outputs[flag] = b"".join(chunks).decode("utf-8", "replace")
    assert "annotating" in outputs["--progress"] and "rec/s" in outputs["--progress"]
    assert "annotating" not in outputs["--no-progress"]
    assert "2800 records" in outputs["--no-progress"]


def test_conditions_all_and_none_mean_what_they_mean_for_stability(tmp_path):
    # the same vocabulary as `reactivity stability` and `reactivity report`: all presets, or none
    from reactivity.stability.presets import CONDITION_NAMES

    out_all, out_none = tmp_path / "all.sdf", tmp_path / "none.sdf"
    assert runner.invoke(app, ["annotate", EXAMPLE, "-o", str(out_all), "--conditions", "all", "--no-basicity"]).exit_code == 0
    assert runner.invoke(app, ["annotate", EXAMPLE, "-o", str(out_none), "--conditions", "none", "--no-basicity"]).exit_code == 0
    text_all, text_none = out_all.read_text(), out_none.read_text()
    for name in CONDITION_NAMES:
        assert f"<RX_RISK_{name.upper()}>" in text_all and f"<RX_RISK_{name.upper()}>" not in text_none


def test_the_batch_json_names_an_ionizable_group_without_a_value(tmp_path):
    # demoxepam's N1-H (atom 20 counted from 1 in the SMILES below) is an acid with no value for the 4-oxide: the
    # basicity section lists it under uncovered_groups, with the batch output's 1-based atom number
    source = tmp_path / "in.smi"
    source.write_text("O=C1C[N+]([O-])=C(c2ccccc2)c2cc(Cl)ccc2N1 demoxepam\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", str(source), "-o", str(out), "--no-stability", "--no-progress",
                                 "--json-detail", "full"])
    assert result.exit_code == 0, result.stderr
    row = json.loads(out.read_text().splitlines()[0])
    data = row["RX_JSON"] if isinstance(row["RX_JSON"], dict) else json.loads(row["RX_JSON"])
    groups = data["basicity"]["uncovered_groups"]
    assert [(g["kind"], g["atoms"]) for g in groups] == [("acid", [20])]
    assert "demoxepam type" in groups[0]["labels"]

"""Local ``--jobs N`` on byte ranges of plain SD files, and ``--output-dir`` parts with their manifest.

Every comparison is against one supervised local job (``--jobs 1``, one reader): the
byte-range path must give the same output byte for byte, the same errors file, the same
counts and the same warnings (record numbers counted over the whole file).
"""

from __future__ import annotations

import glob
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from reactivity.batch.annotate import AnnotateSettings, make_sources, run_annotation
from reactivity.batch.parts import DirectorySink
from reactivity.batch.records import iter_sd_records
from reactivity.batch.tags import tag_names
from reactivity.batch.writers import open_sink

DATA = Path(__file__).parent / "data"
SD_FILES = sorted(glob.glob(str(DATA / "*.sdf")) + glob.glob(str(DATA / "*.sdf.gz")))
SETTINGS = AnnotateSettings(stability=True, basicity=True, conditions=("silica_methanol",))


def _columns(settings: AnnotateSettings) -> tuple[str, ...]:
    return tag_names(settings.tag_prefix, settings.conditions, settings.stability, settings.basicity)


def _run(paths: list[str], out: Path, jobs: int, settings: AnnotateSettings = SETTINGS, **options):
    sink = open_sink(settings.output_format, str(out), _columns(settings), str(out) + ".errors.sdf")
    summary = run_annotation(make_sources(paths), sink, settings, jobs=jobs, **options)
    sink.commit()
    return summary


def _facts(summary) -> tuple:
    return summary.records, summary.ok, summary.no_scaffold, summary.errors, summary.warnings, summary.truncated


def _records(path: Path) -> list[bytes]:
    with open(path, "rb") as handle:
        return [r.raw for r in iter_sd_records(handle)]


@pytest.mark.parametrize("path", SD_FILES, ids=[Path(p).name for p in SD_FILES])
def test_two_jobs_on_tiny_byte_ranges_equal_one_job(tmp_path, path):
    one = _run([path], tmp_path / "one.sdf", 1)
    two = _run([path], tmp_path / "two.sdf", 2, partition_bytes=600)
    assert (tmp_path / "two.sdf").read_bytes() == (tmp_path / "one.sdf").read_bytes()
    assert (tmp_path / "two.sdf.errors.sdf").read_bytes() == (tmp_path / "one.sdf.errors.sdf").read_bytes()
    assert _facts(two) == _facts(one)
    if not path.endswith(".gz"):  # gzip keeps its single reader; a plain file is really cut (several ranges)
        from reactivity.batch.partition import plan_file_ranges

        assert len(plan_file_ranges(path, 600)) > 1 or one.records <= 1 or Path(path).stat().st_size <= 600


def _mixed_file(tmp_path: Path) -> Path:
    """Records with LF, CRLF and CR-only endings, several warnings, an oversized record, and one table input."""
    good = (DATA / "sd_robustness_slice.sdf").read_bytes()
    records = _records(DATA / "sd_robustness_slice.sdf")
    parts = []
    for i, record in enumerate(records[:18]):
        ending = ("\n", "\r\n", "\r")[i % 3].encode()
        text = record.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", ending)
        if i == 5:
            text += b"$$$$ not a separator" + ending  # warning: a "$$$$" line with more text
        if i == 11:
            text += text  # warning: two molfiles without "$$$$" between them
        if i == 14:
            text = b"big" + ending + b"x" * 30000 + ending  # over the --max-record-mb limit below
        parts.append(text + b"$$$$" + ending)
    path = tmp_path / "mixed.sdf"
    path.write_bytes(b"".join(parts))
    assert good  # the source file is in tests/data
    return path


def test_warnings_and_limits_are_counted_over_the_whole_file(tmp_path):
    path = _mixed_file(tmp_path)
    table = tmp_path / "hits.smi"
    table.write_text("O=C1CNCCCN1 parent\nC1CC( bad\n")
    options = {"max_record_bytes": 25000}
    one = _run([str(table), str(path)], tmp_path / "one.sdf", 1, **options)
    two = _run([str(table), str(path)], tmp_path / "two.sdf", 2, partition_bytes=2500, **options)
    assert (tmp_path / "two.sdf").read_bytes() == (tmp_path / "one.sdf").read_bytes()
    assert (tmp_path / "two.sdf.errors.sdf").read_bytes() == (tmp_path / "one.sdf.errors.sdf").read_bytes()
    assert _facts(two) == _facts(one)
    text = " ".join(one.warnings)
    # record numbers over the whole file (1-based): 6 holds the "$$$$ ..." line, 12 two molfiles, 15 is too large
    assert "records 6 hold a line" in text and "records 12 hold several molfiles" in text and "records 15 are larger" in text


MARKER = "CRASH-THIS-WORKER"


def test_a_worker_that_dies_or_hangs_on_a_range_costs_that_record_only(tmp_path, monkeypatch):
    from reactivity.batch.supervise import TEST_HOOK_ENV

    records = [r if r.endswith(b"\n") else r + b"\n" for r in _records(DATA / "sd_robustness_slice.sdf")[:16]]
    records[6] += b">  <NOTE>\n" + MARKER.encode() + b"\n\n"  # a data item: the annotation does not read it
    records[12] += b">  <NOTE>\nHANG-HERE\n\n"
    records[7] += b"$$$$ not a separator\n"  # a warning in the range of the crash: counted after it too
    records[14] += b"$$$$ not a separator\n"
    data = b"".join(r + b"$$$$\n" for r in records)
    (tmp_path / "marked.sdf").write_bytes(data)
    plain = _run([str(tmp_path / "marked.sdf")], tmp_path / "plain_out.sdf", 1)  # no hook set: every record annotated
    assert "records 8, 15 hold a line" in " ".join(plain.warnings)
    expected = _records(tmp_path / "plain_out.sdf")

    monkeypatch.setenv(TEST_HOOK_ENV, "crash:" + MARKER)
    crashed = _run([str(tmp_path / "marked.sdf")], tmp_path / "crash_out.sdf", 2, partition_bytes=len(data) // 3)
    out = _records(tmp_path / "crash_out.sdf")
    assert crashed.records == len(out) == 16 and crashed.worker_failures >= 1
    assert crashed.warnings == plain.warnings
    assert b"<RX_STATUS>\nerror" in out[6] and b"killed by SIGSEGV" in out[6] and MARKER.encode() in out[6]
    assert [r for i, r in enumerate(out) if i != 6] == [r for i, r in enumerate(expected) if i != 6]

    monkeypatch.setenv(TEST_HOOK_ENV, "hang:HANG-HERE")
    hung = _run([str(tmp_path / "marked.sdf")], tmp_path / "hang_out.sdf", 2, partition_bytes=len(data) // 3,
                record_timeout=1.5)
    out = _records(tmp_path / "hang_out.sdf")
    assert hung.records == 16 and hung.worker_failures == 1 and hung.warnings == plain.warnings
    assert b"<RX_STATUS>\nerror" in out[12] and b"per-record time limit" in out[12]
    assert [r for i, r in enumerate(out) if i != 12] == [r for i, r in enumerate(expected) if i != 12]
    assert (tmp_path / "hang_out.sdf.errors.sdf").read_bytes().count(b"HANG-HERE") == 1


def _status_counts(records: list[bytes]) -> dict[str, int]:
    counts = {"ok": 0, "no_scaffold": 0, "error": 0}
    for record in records:
        for status in counts:
            if b"<RX_STATUS>\n" + status.encode() + b"\n" in record.replace(b"\r\n", b"\n").replace(b"\r", b"\n"):
                counts[status] += 1
    return counts


@pytest.mark.parametrize("jobs", [1, 2])
def test_output_dir_parts_concatenate_to_the_single_output_and_the_manifest_counts(tmp_path, jobs):
    sources = [str(_mixed_file(tmp_path)), str(DATA / "sd_rdkit_NCI_aids_few.sdf.gz")]
    one = _run(sources, tmp_path / "one.sdf", 1)
    sink = DirectorySink(str(tmp_path / "parts"), "sdf", _columns(SETTINGS), str(tmp_path / "errors.sdf"))
    summary = run_annotation(make_sources(sources), sink, SETTINGS, jobs=jobs, partition_bytes=2000, chunk_size=7)
    sink.commit({"settings": {"jobs": jobs}})
    directory = tmp_path / "parts"
    manifest = json.loads((directory / "manifest.json").read_text())
    names = [p["name"] for p in manifest["parts"]]
    assert sorted(p.name for p in directory.glob("part-*")) == names
    assert b"".join((directory / n).read_bytes() for n in names) == (tmp_path / "one.sdf").read_bytes()
    assert (tmp_path / "errors.sdf").read_bytes() == (tmp_path / "one.sdf.errors.sdf").read_bytes()
    assert (directory / "_SUCCESS").exists()
    # counts per part, checked against the statuses written in each part
    first = 0
    for part in manifest["parts"]:
        records = _records(directory / part["name"])
        assert part["records"] == len(records) and part["first_record"] == first
        assert {k: part[k] for k in ("ok", "no_scaffold", "error")} == _status_counts(records)
        first += len(records)
    assert manifest["totals"] == {"records": one.records, "ok": one.ok, "no_scaffold": one.no_scaffold, "error": one.errors}
    assert summary.records == one.records
    # the plain file's byte ranges cover it without gaps; the gzip file is read by one reader (no range)
    ranges = [p["byte_range"] for p in manifest["parts"] if p["input"] == sources[0]]
    assert ranges[0][0] == 0 and ranges[-1][1] == Path(sources[0]).stat().st_size and len(ranges) > 3
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert all(p["byte_range"] is None for p in manifest["parts"] if p["input"] == sources[1])


def _invoke(args: list[str]) -> SimpleNamespace:
    from typer.testing import CliRunner

    from reactivity.cli import app

    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stderr=result.stderr)


def test_cli_output_dir_csv_parts_manifest_and_refusal_to_clobber(tmp_path):
    source = str(DATA / "sd_robustness_slice.sdf")
    single = _invoke(["annotate", source, "-o", str(tmp_path / "one.csv"), "--no-progress"])
    assert single.returncode == 0, single.stderr
    directory = tmp_path / "out"
    done = _invoke(["annotate", source, "--output-dir", str(directory), "--format", "csv", "--jobs", "2",
                    "--partition-bytes", "3000", "--no-progress"])
    assert done.returncode == 0, done.stderr
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["format"] == "csv" and len(manifest["parts"]) > 1 and manifest["legend"] == "legend.json"
    assert set(manifest["versions"]) >= {"reactivity", "rdkit", "ruleset"} and manifest["settings"]["jobs"] == 2
    header, *rows = (tmp_path / "one.csv").read_text().splitlines()
    joined = []
    for part in manifest["parts"]:
        part_header, *part_rows = (directory / part["name"]).read_text().splitlines()
        assert part_header == header and len(part_rows) == part["records"]
        joined.extend(part_rows)
    assert joined == rows  # the index column counts over the whole run
    assert (directory / "legend.json").exists() and (directory / "_SUCCESS").exists()
    again = _invoke(["annotate", source, "--output-dir", str(directory), "--no-progress"])
    assert again.returncode == 2 and "not empty" in again.stderr and "--overwrite" in again.stderr
    (directory / "notes.txt").write_text("kept")
    replaced = _invoke(["annotate", source, "--output-dir", str(directory), "--overwrite", "--no-progress",
                        "--partition-bytes", "100000"])
    assert replaced.returncode == 0, replaced.stderr
    assert sorted(p.name for p in directory.iterdir()) == ["_SUCCESS", "legend.json", "manifest.json", "notes.txt",
                                                           "part-00000.sdf"]
    both = _invoke(["annotate", source, "-o", str(tmp_path / "x.sdf"), "--output-dir", str(directory)])
    assert both.returncode == 2 and "not both" in both.stderr


def test_a_failed_run_leaves_no_parts_and_no_success_marker(tmp_path):
    class Boom(Exception):
        pass

    sink = DirectorySink(str(tmp_path / "parts"), "sdf", ())

    def on_chunk(summary, done):  # noqa: ANN001
        if summary.records > 5:
            raise Boom

    with pytest.raises(Boom):
        run_annotation(make_sources([str(DATA / "sd_robustness_slice.sdf")]), sink, AnnotateSettings(), jobs=2,
                       partition_bytes=2000, on_chunk=on_chunk)
    sink.discard()
    assert list((tmp_path / "parts").iterdir()) == []

"""The Dask engine: byte ranges on a local cluster, output byte-identical to one local job, crash isolation."""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from reactivity.batch.annotate import AnnotateSettings, make_sources, run_annotation  # noqa: E402
from reactivity.batch.dask_engine import run_dask  # noqa: E402
from reactivity.batch.records import iter_sd_records  # noqa: E402
from reactivity.batch.tags import tag_names  # noqa: E402
from reactivity.batch.writers import open_sink  # noqa: E402

DATA = Path(__file__).parent / "data"
SD_FILES = sorted(glob.glob(str(DATA / "*.sdf")))
MARKER = b"CRASH-THIS-WORKER"


class CrashHook(distributed.WorkerPlugin):
    """Sets the supervisor's test hook in every worker (again after a restart): a record holding MARKER kills it."""

    name = "reactivity-test-crash-hook"

    def setup(self, worker):  # noqa: ANN001
        from reactivity.batch.supervise import TEST_HOOK_ENV

        os.environ[TEST_HOOK_ENV] = "crash:" + MARKER.decode()

    def teardown(self, worker):  # noqa: ANN001
        from reactivity.batch.supervise import TEST_HOOK_ENV

        os.environ.pop(TEST_HOOK_ENV, None)


@pytest.fixture(scope="module")
def client():
    import cloudpickle
    import dask

    from reactivity.batch.dask_engine import local_client

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with dask.config.set({}):  # local_client's settings stay inside this fixture
        c = local_client(2)
        yield c
        cluster = c.cluster
        c.close()
        cluster.close()


def _local(inputs, target, settings):
    sink = open_sink(settings.output_format, str(target), tag_names(settings.tag_prefix, settings.conditions, settings.stability, settings.basicity))
    summary = run_annotation(make_sources(inputs), sink, settings, jobs=1)
    sink.commit()
    return summary


def _dask(client, inputs, target, settings, partition_bytes):
    sink = open_sink(settings.output_format, str(target), tag_names(settings.tag_prefix, settings.conditions, settings.stability, settings.basicity))
    summary = run_dask(make_sources(inputs), sink, settings, client, partition_bytes=partition_bytes, chunk_size=7)
    sink.commit()
    return summary


@pytest.mark.parametrize("path", SD_FILES, ids=[Path(p).name for p in SD_FILES])
def test_every_sd_test_file_is_byte_identical_to_one_local_job(client, tmp_path, path):
    settings = AnnotateSettings(stability=True, basicity=True, conditions=("silica_methanol",))
    _local([path], tmp_path / "local.sdf", settings)
    summary = _dask(client, [path], tmp_path / "dask.sdf", settings, partition_bytes=1500)
    assert (tmp_path / "dask.sdf").read_bytes() == (tmp_path / "local.sdf").read_bytes()
    assert summary.records == len(list(iter_sd_records(open(path, "rb"))))


def test_several_inputs_tables_and_memory_urls(tmp_path):
    import fsspec

    data = (DATA / "sd_robustness_slice.sdf").read_bytes()
    with fsspec.open("memory://lib/robust.sdf", "wb") as handle:
        handle.write(data)
    (tmp_path / "robust.sdf").write_bytes(data)
    table = tmp_path / "hits.smi"
    table.write_text("O=C1CNCCCN1 parent\nCCO ethanol\nC1CC( bad\n")
    settings = AnnotateSettings(output_format="csv")
    _local([str(tmp_path / "robust.sdf"), str(table)], tmp_path / "local.csv", settings)
    # memory:// lives in one process: this test runs its workers as threads of this process
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    with distributed.Client(cluster) as client:
        summary = _dask(client, ["memory://lib/robust.sdf", str(table)], tmp_path / "dask.csv", settings, partition_bytes=4000)
    cluster.close()
    local = (tmp_path / "local.csv").read_text().splitlines()
    remote = (tmp_path / "dask.csv").read_text().splitlines()
    records = len(list(iter_sd_records(open(tmp_path / "robust.sdf", "rb")))) + 3  # the SD records and 3 table rows
    assert summary.records == records and summary.errors >= 1  # the bad SMILES row at least
    assert len(remote) == len(local) == records + 1  # one header line
    # identical rows (the SD file's name differs: memory:// URL against the local path, which CSV does not show)
    assert remote == local


def _plain(records, tmp_path):
    """The same records annotated by one local job without the hook (records that are errors anyway)."""
    path = tmp_path / "plain.sdf"
    path.write_bytes(b"".join(r.replace(MARKER + b"\n", b"") + (b"" if r.endswith((b"\n", b"\r")) else b"\n") + b"$$$$\n" for r in records))
    _local([str(path)], tmp_path / "plain_out.sdf", AnnotateSettings())
    return [r.raw for r in iter_sd_records(open(tmp_path / "plain_out.sdf", "rb"))]


def test_a_record_that_kills_its_worker_costs_that_record_only(client, tmp_path, monkeypatch):
    from reactivity.batch.supervise import TEST_HOOK_ENV

    monkeypatch.setenv(TEST_HOOK_ENV, "crash:" + MARKER.decode())  # the client's supervised local worker too
    client.register_plugin(CrashHook())
    try:
        records = [r.raw for r in iter_sd_records(open(DATA / "sd_robustness_slice.sdf", "rb"))][:12]
        records[7] = records[7].replace(b"\n", b"\n" + MARKER + b"\n", 1)  # title line 2 holds the marker
        data = b"".join(r + (b"" if r.endswith((b"\n", b"\r")) else b"\n") + b"$$$$\n" for r in records)
        path = tmp_path / "crash.sdf"
        path.write_bytes(data)
        settings = AnnotateSettings()
        summary = _dask(client, [str(path)], tmp_path / "out.sdf", settings, partition_bytes=len(data) // 2)
        out = [r.raw for r in iter_sd_records(open(tmp_path / "out.sdf", "rb"))]
        assert summary.records == len(out) == 12
        assert MARKER in out[7] and b"<RX_STATUS>\nerror" in out[7]
        assert sum(b"<RX_STATUS>\nerror" in rec for rec in out) == 1 + sum(b"<RX_STATUS>\nerror" in rec for rec in _plain(records, tmp_path))
        for i, rec in enumerate(out):
            assert rec.startswith(records[i].rstrip(b"\n")[:20])
    finally:
        client.unregister_worker_plugin(CrashHook.name)


def test_cli_engine_dask_equals_one_local_job_and_expands_globs(tmp_path):
    import subprocess

    for name in ("sd_rdkit_good_bad_good_bad.sdf", "sd_rdkit_esters_cr_only.sdf"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    cli = [sys.executable, "-P", "-c", "from reactivity.cli import main; main()", "annotate", "--no-progress"]
    local = subprocess.run([*cli, str(tmp_path / "sd_rdkit_esters_cr_only.sdf"), str(tmp_path / "sd_rdkit_good_bad_good_bad.sdf"),
                            "-o", str(tmp_path / "local.sdf")], capture_output=True, text=True, timeout=300)
    assert local.returncode == 0, local.stderr
    remote = subprocess.run([*cli, str(tmp_path / "sd_rdkit_*.sdf"), "-o", str(tmp_path / "dask.sdf"), "--engine", "dask", "--jobs", "2"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "DASK_SCHEDULER_ADDRESS": ""})
    assert remote.returncode == 0, remote.stderr
    assert (tmp_path / "dask.sdf").read_bytes() == (tmp_path / "local.sdf").read_bytes()
    assert "records:" in remote.stderr.splitlines()[-1]


class OtherVersion(distributed.WorkerPlugin):
    """Makes every worker report another tool version, as a worker with an older install would.

    Only the report is changed (``dask_engine.versions``, which the client runs on each worker by name): changing
    ``reactivity.__version__`` itself would leak into modules a worker imports meanwhile (``batch.tags`` binds it at
    import) and so into the records later tests annotate on the same workers."""

    name = "reactivity-test-other-version"

    def setup(self, worker):  # noqa: ANN001
        from reactivity.batch import dask_engine

        real = self.saved = dask_engine.versions
        dask_engine.versions = lambda: {**real(), "reactivity": "0.0.1-other"}

    def teardown(self, worker):  # noqa: ANN001
        from reactivity.batch import dask_engine

        dask_engine.versions = self.saved


def test_workers_with_another_version_are_refused_before_any_work(client, tmp_path):
    from reactivity.batch.dask_engine import VersionMismatch

    client.register_plugin(OtherVersion())
    try:
        sink = open_sink("sdf", str(tmp_path / "out.sdf"), ())
        with pytest.raises(VersionMismatch) as caught:
            run_dask(make_sources([str(DATA / "sd_rdkit_O2.sdf")]), sink, AnnotateSettings(), client)
        sink.discard()
    finally:
        client.unregister_worker_plugin(OtherVersion.name)
    message = str(caught.value)
    assert "\n" not in message and "reactivity 0.0.1-other" in message and "Dask worker tcp://" in message
    assert sink.records_written == 0 and not (tmp_path / "out.sdf").exists()
    import reactivity  # the workers' own version (written into every record) was never touched

    assert set(client.run(lambda: __import__("reactivity").__version__).values()) == {reactivity.__version__}


def test_cli_exits_4_with_one_line_on_a_version_mismatch(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import reactivity.batch.dask_engine as engine
    from reactivity.cli import app

    class FakeClient:
        def run(self, function):  # noqa: ANN001
            return {"tcp://10.1.2.3:4000": {**function(), "rdkit": "2020.09.1"}}

        def submit(self, *args, **kwargs):  # noqa: ANN002, ANN003
            raise AssertionError("no work may be sent to a worker that runs other versions")

        def close(self):
            pass

    monkeypatch.setattr(engine, "local_client", lambda workers, scheduler=None: FakeClient())
    result = CliRunner().invoke(app, ["annotate", str(DATA / "sd_rdkit_O2.sdf"), "-o", str(tmp_path / "out.sdf"),
                                      "--engine", "dask", "--no-progress"])
    assert result.exit_code == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "rdkit 2020.09.1" in lines[0] and lines[0].startswith("reactivity annotate: Dask worker")
    assert not (tmp_path / "out.sdf").exists()


def test_output_dir_parts_from_dask_partitions(client, tmp_path):
    import json

    from reactivity.batch.parts import DirectorySink

    path = str(DATA / "sd_robustness_slice.sdf")
    settings = AnnotateSettings()
    one = _local([path], tmp_path / "one.sdf", settings)
    sink = DirectorySink(str(tmp_path / "parts"), "sdf", ())
    summary = run_dask(make_sources([path]), sink, settings, client, partition_bytes=4000, chunk_size=3)
    sink.commit()
    manifest = json.loads((tmp_path / "parts" / "manifest.json").read_text())
    assert len(manifest["parts"]) > 2 and (tmp_path / "parts" / "_SUCCESS").exists()
    joined = b"".join((tmp_path / "parts" / p["name"]).read_bytes() for p in manifest["parts"])
    assert joined == (tmp_path / "one.sdf").read_bytes()
    assert [p["records"] for p in manifest["parts"]] == [len(list(iter_sd_records(open(tmp_path / "parts" / p["name"], "rb"))))
                                                         for p in manifest["parts"]]
    assert manifest["totals"]["records"] == summary.records == one.records
    assert manifest["totals"]["error"] == one.errors


def test_splitter_warnings_count_records_over_the_whole_file(client, tmp_path):
    records = [r.raw for r in iter_sd_records(open(DATA / "sd_robustness_slice.sdf", "rb"))][:14]
    records = [r if r.endswith(b"\n") else r + b"\n" for r in records]
    records[3] += b"$$$$ not a separator\n"  # the splitter warns about record 4 ...
    records[11] += records[11]  # ... and about record 12 (two molfiles, no "$$$$" between them)
    path = tmp_path / "warn.sdf"
    path.write_bytes(b"".join(r + b"$$$$\n" for r in records))
    local = _local([str(path)], tmp_path / "local.sdf", AnnotateSettings())
    remote = _dask(client, [str(path)], tmp_path / "dask.sdf", AnnotateSettings(), partition_bytes=3000)
    assert remote.warnings == local.warnings
    assert "records 4 hold a line" in " ".join(remote.warnings) and "records 12 hold several" in " ".join(remote.warnings)


def test_workers_that_cannot_report_versions_are_refused_with_one_line():
    from reactivity.batch.dask_engine import VersionMismatch, check_versions

    class NoPackage:
        def run(self, function):  # noqa: ANN001
            raise ModuleNotFoundError("No module named 'reactivity'\nTraceback lines")

    with pytest.raises(VersionMismatch) as caught:
        check_versions(NoPackage())
    assert "\n" not in str(caught.value) and "No module named 'reactivity'" in str(caught.value)

"""The Dask engine of ``reactivity annotate --engine dask``: partitions on workers, one ordered output.

- Plain SD files (local paths or fsspec URLs such as ``s3://``, ``gs://``, ``memory://``)
  are cut into byte ranges by :mod:`reactivity.batch.partition`; each worker opens the
  file, reads its own range, splits it into records and runs the same per-chunk function
  as a local run (:func:`reactivity.batch.annotate.annotate_and_render`). Compressed files,
  SMILES tables and standard input are read by the client and sent as record chunks.
- Only bytes and rendered rows cross process boundaries, never RDKit molecules.
- The client writes the results in input order through a bounded window of partitions in
  flight, into the same sink as a local run: the output is byte-identical to ``--jobs 1``.
- A partition whose worker dies (a crash inside RDKit's C++ code) is retried once by the
  scheduler; when it fails again the client runs it in a supervised local worker that
  isolates the record that crashes (:func:`isolate_locally`): that record becomes an
  ``error`` record with the reason, every other record is kept.
- Workers must run the same tool, RDKit and rule-set versions as the client
  (:func:`versions`, compared by :func:`check_versions` before any work is sent; a
  difference raises :class:`VersionMismatch`, exit code 4 on the command line).
- With a sink that writes parts (``--output-dir``, :class:`reactivity.batch.parts.DirectorySink`)
  each partition becomes one part file.

Start-up of a local cluster needs the ``if __name__ == "__main__":`` guard in scripts.
"""

from __future__ import annotations

import io
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .annotate import (
    AnnotateSettings,
    RenderedChunk,
    Sink,
    Summary,
    _consume,
    annotate_and_render,
    iter_chunks,
)
from ..errors import ReactivityError
from .records import MAX_RECORD_BYTES, InputSource, SplitReport, iter_sd_records, open_binary

DEFAULT_PARTITION_BYTES = 16 << 20
"""About 16 MB of SD text per partition (about 4,000-8,000 records)."""



@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: a byte range of an SD file, or a chunk of records read by the client."""

    source: str
    start: int = 0
    end: int = 0
    records: tuple[bytes, ...] | None = None
    max_record_bytes: int = MAX_RECORD_BYTES
    source_index: int = 0  # position of the input on the command line


class VersionMismatch(ReactivityError):
    """A Dask worker runs another version of the tool, RDKit or the rule set than the client."""


def check_versions(client: Any) -> dict[str, str]:
    """Compare :func:`versions` on every worker of ``client`` with this process; raise :class:`VersionMismatch`.

    The message is one line naming the first worker that differs and each value that differs.

    >>> class Fake:
    ...     def run(self, function):
    ...         return {"tcp://10.0.0.7:4000": {**versions(), "rdkit": "2019.03.1"}}
    >>> check_versions(Fake())
    Traceback (most recent call last):
    ...
    reactivity.batch.dask_engine.VersionMismatch: Dask worker tcp://10.0.0.7:4000 runs rdkit 2019.03.1, the client rdkit ...; install the same versions on the workers as on the client
    """
    mine = versions()
    try:
        reported = client.run(versions)
    except Exception as exc:  # noqa: BLE001 - e.g. a worker without the package: ModuleNotFoundError there
        reason = (str(exc).strip().splitlines() or [""])[0]
        raise VersionMismatch(f"the Dask workers could not report their versions ({type(exc).__name__}: {reason}); "
                              "install the same versions on the workers as on the client") from None
    for worker, theirs in sorted(reported.items()):
        if theirs != mine:
            keys = [k for k in mine if theirs.get(k) != mine[k]] + [k for k in theirs if k not in mine]
            there = ", ".join(f"{k} {theirs.get(k, 'missing')}" for k in keys)
            here = ", ".join(f"{k} {mine.get(k, 'missing')}" for k in keys)
            raise VersionMismatch(f"Dask worker {worker} runs {there}, the client {here}; "
                                  "install the same versions on the workers as on the client")
    return mine


def versions() -> dict[str, str]:
    """Tool, RDKit and rule-set versions of this process (client and workers must agree)."""
    from rdkit import rdBase

    from .. import __version__
    from .tags import rules_digest, ruleset_version

    return {"reactivity": __version__, "rdkit": rdBase.rdkitVersion, "ruleset": ruleset_version(), "rules_digest": rules_digest()}


def is_splittable(name: str) -> bool:
    """Plain SD files (not compressed by name or by their first bytes, not standard input) are cut into byte ranges."""
    lower = name.lower()
    if name == "-" or not lower.endswith((".sdf", ".sd", ".mol")) or lower.endswith(".gz"):
        return False
    try:
        with open_binary(name) as handle:
            return handle.read(2) != b"\x1f\x8b"
    except (OSError, ImportError, ValueError):
        return False


def _read_range(name: str, start: int, end: int) -> bytes:
    with open_binary(name) as handle:
        handle.seek(start)
        return handle.read(end - start)


def _range_records(partition: Partition, report: SplitReport | None = None) -> list[bytes]:
    if partition.records is not None:
        return list(partition.records)
    data = _read_range(partition.source, partition.start, partition.end)
    return [r.raw for r in iter_sd_records(io.BytesIO(data), max_bytes=partition.max_record_bytes, report=report)]


def run_partition(partition: Partition, settings: AnnotateSettings, chunk_size: int) -> list[RenderedChunk]:
    """Worker entry point: read the partition, annotate it in chunks, return the rendered chunks."""
    return run_partition_reported(partition, settings, chunk_size)[0]


def run_partition_reported(partition: Partition, settings: AnnotateSettings,
                           chunk_size: int) -> tuple[list[RenderedChunk], SplitReport | None]:
    """:func:`run_partition` plus what the SD splitter noticed in a byte range (record indices from its start)."""
    from .supervise import TEST_HOOK_ENV, _test_hook

    report = SplitReport() if partition.records is None else None
    records = _range_records(partition, report)
    hook = os.environ.get(TEST_HOOK_ENV, "")  # set by the tests only (see reactivity.batch.supervise)
    if hook:
        for record in records:
            _test_hook(hook, record)
    return [annotate_and_render(records[i : i + chunk_size], settings) for i in range(0, len(records), chunk_size)], report


def plan_partitions(sources: Sequence[InputSource], settings: AnnotateSettings, partition_bytes: int,
                    chunk_size: int, smiles_column: str | None,
                    max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[tuple[Partition, AnnotateSettings]]:
    """Partitions of every input, in input order."""
    from .partition import plan_file_ranges

    for index, source in enumerate(sources):
        if source.kind == "sd" and is_splittable(source.name):
            for start, end in plan_file_ranges(source.name, partition_bytes):
                yield (Partition(source.name, start, end, max_record_bytes=max_record_bytes, source_index=index),
                       replace(settings, table=None, source=source.name))
        else:
            for batch, chunk_settings in iter_chunks([source], settings, chunk_size, smiles_column,
                                                     max_record_bytes=max_record_bytes):
                yield Partition(source.name, records=tuple(batch)), chunk_settings


def _is_worker_death(exc: BaseException) -> bool:
    return type(exc).__name__ in ("KilledWorker", "CommClosedError")


def run_dask(
    sources: Sequence[InputSource],
    sink: Sink,
    settings: AnnotateSettings,
    client: Any,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    chunk_size: int = 500,
    smiles_column: str | None = None,
    window: int = 0,
    on_chunk: Callable[[Summary, int], None] | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Summary:
    """Annotate every input on the cluster of ``client``; results go to ``sink`` in input order.

    ``window`` partitions are in flight at most (default: twice the number of worker threads).
    Raises :class:`VersionMismatch` before any work is sent when a worker runs other versions.
    """
    from .partition import add_report
    from .parts import PartInfo
    from .records import split_warnings

    check_versions(client)
    reports: dict[int, tuple[int, SplitReport]] = {}  # input -> (records so far, what the splitter noticed)
    end_part = getattr(sink, "end_part", None)
    if window <= 0:
        window = 2 * max(1, sum(client.nthreads().values()))
    summary = Summary()
    started = time.perf_counter()
    pending: deque[tuple[Partition, AnnotateSettings, Any]] = deque()
    bytes_done = 0

    def write(chunks: list[RenderedChunk]) -> None:
        nonlocal bytes_done
        bytes_done = _consume(chunks, sink, summary, started, on_chunk, bytes_done)

    def drain_one() -> None:
        partition, part_settings, future = pending.popleft()
        try:
            chunks, report = future.result()
        except Exception as exc:  # noqa: BLE001 - only a dead worker is isolated; other errors propagate
            if not _is_worker_death(exc):
                raise
            report = SplitReport() if partition.records is None else None
            chunks = isolate_locally(_range_records(partition, report), part_settings, chunk_size)
        write(chunks)
        if report is not None:
            done, total = reports.get(partition.source_index, (0, SplitReport()))
            add_report(total, report, done)
            reports[partition.source_index] = (done + sum(c.count for c in chunks), total)
        if end_part is not None:
            ranged = partition.records is None
            end_part(PartInfo(partition.source, partition.start if ranged else None, partition.end if ranged else None))

    for partition, part_settings in plan_partitions(sources, settings, partition_bytes, chunk_size, smiles_column,
                                                    max_record_bytes):
        pending.append((partition, part_settings, client.submit(run_partition_reported, partition, part_settings, chunk_size, pure=False)))
        while len(pending) >= window:
            drain_one()
    while pending:
        drain_one()
    summary.seconds = time.perf_counter() - started
    for index, (_, report) in sorted(reports.items()):
        sources[index].warnings.extend(split_warnings(report, max_record_bytes))
    for source in sources:
        summary.warnings.extend(f"{source.name}: {w}" for w in source.warnings)
        summary.truncated = summary.truncated or any(w.startswith("input ends early") for w in source.warnings)
    return summary


def isolate_locally(records: list[bytes], settings: AnnotateSettings, chunk_size: int) -> list[RenderedChunk]:
    """Annotate a partition that killed its cluster worker twice in a supervised local worker process.

    The supervisor (:mod:`reactivity.batch.supervise`) runs the chunk again in parts until the
    record that crashes is alone; that record becomes an ``error`` record, every other one is
    annotated as usual. Doing this on the client, not on the cluster, costs the cluster no more
    worker restarts.
    """
    from .supervise import Supervisor

    with Supervisor(jobs=1) as supervisor:
        return list(supervisor.run((records[i : i + chunk_size], settings) for i in range(0, len(records), chunk_size)))


def local_client(workers: int, scheduler: str | None = None) -> Any:
    """A client on ``scheduler`` (or ``DASK_SCHEDULER_ADDRESS``), else on a new local cluster of ``workers`` processes.

    A crashed partition is retried once by the scheduler (``allowed-failures`` = 1) before it is bisected.
    """
    import dask
    from distributed import Client, LocalCluster

    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        return Client(address)
    # Workers (and the ones a nanny restarts after a crash) start with PYTHONSAFEPATH=1, so that a worker started
    # from a source checkout imports the installed package, not the checkout's reactivity/ folder.
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    dask.config.set({"distributed.scheduler.allowed-failures": 1,
                     "distributed.nanny.pre-spawn-environ": {**environ, "PYTHONSAFEPATH": "1"}})
    cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster)

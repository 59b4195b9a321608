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
  (:func:`versions`, checked before any work is sent).

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
from .records import InputSource, iter_sd_records, open_binary

DEFAULT_PARTITION_BYTES = 16 << 20
"""About 16 MB of SD text per partition (about 4,000-8,000 records)."""



@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: a byte range of an SD file, or a chunk of records read by the client."""

    source: str
    start: int = 0
    end: int = 0
    records: tuple[bytes, ...] | None = None


def versions() -> dict[str, str]:
    """Tool, RDKit and rule-set versions of this process (client and workers must agree)."""
    from rdkit import rdBase

    from .. import __version__
    from .tags import rules_digest, ruleset_version

    return {"reactivity": __version__, "rdkit": rdBase.rdkitVersion, "ruleset": ruleset_version(), "rules_digest": rules_digest()}


def is_splittable(name: str) -> bool:
    """Plain SD files (not compressed, not standard input) are cut into byte ranges."""
    lower = name.lower()
    return name != "-" and lower.endswith((".sdf", ".sd", ".mol")) and not lower.endswith(".gz")


def _read_range(name: str, start: int, end: int) -> bytes:
    with open_binary(name) as handle:
        handle.seek(start)
        return handle.read(end - start)


def _range_records(partition: Partition) -> list[bytes]:
    if partition.records is not None:
        return list(partition.records)
    data = _read_range(partition.source, partition.start, partition.end)
    return [r.raw for r in iter_sd_records(io.BytesIO(data))]


def run_partition(partition: Partition, settings: AnnotateSettings, chunk_size: int) -> list[RenderedChunk]:
    """Worker entry point: read the partition, annotate it in chunks, return the rendered chunks."""
    from .supervise import TEST_HOOK_ENV, _test_hook

    records = _range_records(partition)
    hook = os.environ.get(TEST_HOOK_ENV, "")  # set by the tests only (see reactivity.batch.supervise)
    if hook:
        for record in records:
            _test_hook(hook, record)
    return [annotate_and_render(records[i : i + chunk_size], settings) for i in range(0, len(records), chunk_size)] or []


def plan_partitions(sources: Sequence[InputSource], settings: AnnotateSettings, partition_bytes: int,
                    chunk_size: int, smiles_column: str | None) -> Iterator[tuple[Partition, AnnotateSettings]]:
    """Partitions of every input, in input order."""
    from .partition import plan_file_ranges

    for source in sources:
        if source.kind == "sd" and is_splittable(source.name):
            for start, end in plan_file_ranges(source.name, partition_bytes):
                yield Partition(source.name, start, end), replace(settings, table=None)
        else:
            for batch, chunk_settings in iter_chunks([source], settings, chunk_size, smiles_column):
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
) -> Summary:
    """Annotate every input on the cluster of ``client``; results go to ``sink`` in input order.

    ``window`` partitions are in flight at most (default: twice the number of worker threads).
    """
    mine = versions()
    for worker, theirs in client.run(versions).items():
        if theirs != mine:
            raise RuntimeError(f"worker {worker} runs {theirs}, the client {mine}: install the same versions everywhere")
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
            write(future.result())
        except Exception as exc:  # noqa: BLE001 - only a dead worker is isolated; other errors propagate
            if not _is_worker_death(exc):
                raise
            write(isolate_locally(_range_records(partition), part_settings, chunk_size))

    for partition, part_settings in plan_partitions(sources, settings, partition_bytes, chunk_size, smiles_column):
        pending.append((partition, part_settings, client.submit(run_partition, partition, part_settings, chunk_size, pure=False)))
        while len(pending) >= window:
            drain_one()
    while pending:
        drain_one()
    summary.seconds = time.perf_counter() - started
    for source in sources:
        summary.warnings.extend(f"{source.name}: {w}" for w in source.warnings)
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

"""Supervised worker processes: a crash or a stall inside RDKit costs one record, never the run.

Chunks of raw records are annotated in worker processes. The parent process
never runs RDKit on a record; it watches its workers:

- a worker that dies (a segmentation fault in C++ code, the kernel's OOM
  killer) or raises loses only the chunk it held. The chunk is run again in
  parts: the record the worker was reading when it failed on its own, the
  others around it (or, when the failure came in a step that works on several
  records at once, the two halves). A record that fails on its own becomes an
  ``error`` record with the reason; every other record is annotated as usual.
- a record that takes longer than ``record_timeout`` seconds (the worker
  reports each record it starts) gets its worker killed and becomes an
  ``error`` record; the rest of its chunk is run again.
- workers die with the parent: each asks the kernel for SIGKILL when its
  parent exits (``prctl(PR_SET_PDEATHSIG)``), and the fork server that starts
  them exits when the main process does; an idle worker also exits when its
  pipe closes.
- the parent waits on its workers in short steps, so Ctrl-C and SIGTERM act
  within a fraction of a second; the workers are then killed.

Results come back in input order whatever the number of workers.

A unit of work is either a list of raw records read by the parent (gzip files, standard
input, tables) or a :class:`~reactivity.batch.partition.ByteRange` of a plain SD file,
which the worker reads and splits itself: only the offsets cross the process boundary.
When a worker dies or stalls on a range, the parent reads that range and goes on as for
a list of records (same split, same record positions).

Workers are forked from a fork server that has imported the package and, when the parent
asks for it (:func:`warm_up`), compiled what every record needs, so no worker (nor one
started again after a crash) pays for that; the perception rules are compiled by a worker
before its first record that passes the ring screen, the scorers' rules and models before
its first batch of ring-bearing records.
"""

from __future__ import annotations

import collections
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .annotate import (
    WARM_SMILES_WITHOUT_RING,
    AnnotateSettings,
    RenderedChunk,
    annotate_and_render,
    render_failed_records,
    warm_annotation,
)
from .partition import ByteRange, read_range_records
from .records import SplitReport
from .workerstart import WARM_ENV, _context, _main_module_hidden

#: Default per-record time limit in seconds.
DEFAULT_RECORD_TIMEOUT = 60.0
#: Environment variable read by the *tests* only: ``crash:MARKER`` makes a worker die with SIGSEGV, and
#: ``hang:MARKER`` makes it sleep, when it starts a record whose bytes contain MARKER. It is passed to the
#: workers with each task; it is not an option of the command line and does nothing unless set.
TEST_HOOK_ENV = "REACTIVITY_TEST_WORKER_HOOK"

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.2


def warm_up() -> None:
    """Compile what every record of a run needs (reading, the ring screen, tags and SD output) by annotating one
    record without the ring (aspirin).

    Called in the fork server (module :mod:`reactivity.batch._preload`) before any worker is forked. What only
    ring-bearing and near-miss records need is loaded by each worker when it first meets one, in a step of its own
    between two heartbeats: the perception rules and site guidance before its first record that passes the ring
    screen, the scorers' rules and models (stability, basicity, nitrosamine, derivatization: numpy and the pKa model
    among them) before its first batch of ring-bearing records. A library without the ring never pays for them.
    Failures are ignored: a worker then loads what it needs itself.
    """
    warm_annotation(WARM_SMILES_WITHOUT_RING)


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux; silently skipped elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _gone(pid: int) -> bool:
    """Whether process ``pid`` (the command that started this worker) no longer exists.

    Checked once, after :func:`_die_with_parent`: if the command died before that, the fork server may already have
    exited and the kernel would never signal this worker. Asking about the command itself (signal 0) also works when
    an orphan is adopted by a subreaper rather than by init (containers, service managers), where looking for a parent
    pid of 1 would not.

    >>> _gone(os.getpid())
    False
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists but belongs to someone else (a reused pid): not ours to judge
        return False
    return False


def _release_fork_server() -> None:
    """Close this worker's copy of the fork server's keep-alive pipe.

    The fork server exits when every holder of that pipe has closed it, and CPython hands a copy to each process it
    forks (so that a child could ask for forks in turn; a worker never does). A worker that kept it would keep the
    server alive after the command is killed, and the server's life is what kills the worker (see
    :func:`_die_with_parent`): a worker stuck in a record would then outlive a ``kill -9`` of the command forever.
    """
    try:
        from multiprocessing import forkserver

        server = forkserver._forkserver  # CPython's module-level fork server handle (no public API for this)
        fd = getattr(server, "_forkserver_alive_fd", None)
        if fd is not None:
            server._forkserver_alive_fd = None
            os.close(fd)
    except (ImportError, AttributeError, OSError):
        pass


def _test_hook(hook: str, record: bytes) -> None:
    action, _, marker = hook.partition(":")
    if not marker or marker.encode() not in record:
        return
    if action == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
        time.sleep(5)
    elif action == "hang":
        time.sleep(3600)


def _worker_main(conn: Any, heartbeat: Any, position: Any, command_pid: int) -> None:
    """Worker loop: receive ``(task_id, records | ByteRange, settings, hook)``, send ``(task_id, RenderedChunk | None, error, report)``.

    ``report`` is what the SD splitter noticed in a byte range (None for a list of records).
    """
    _die_with_parent()
    _release_fork_server()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C reaches the whole process group
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _gone(command_pid):
        os._exit(0)  # the command died before this worker asked to die with its parent: nobody would kill it
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if message is None:
            os._exit(0)
        task_id, payload, settings, hook = message
        report: SplitReport | None = None
        if isinstance(payload, ByteRange):
            report = SplitReport()
            try:
                records = read_range_records(payload, report)
            except Exception as exc:  # noqa: BLE001 - the parent reads the range itself and reports the reason
                try:
                    conn.send((task_id, None, f"internal error: {type(exc).__name__}: {exc}", None))
                except (OSError, ValueError):
                    os._exit(1)
                continue
        else:
            records = payload

        def progress(index: int) -> None:
            position.value = index
            heartbeat.value = time.monotonic()
            if hook and index >= 0:
                _test_hook(hook, records[index])

        heartbeat.value = time.monotonic()
        position.value = -1
        try:
            result = annotate_and_render(records, settings, progress)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which isolates the record
            error = f"internal error: {type(exc).__name__}: {exc}"
            try:
                conn.send((task_id, None, error, None))
            except (OSError, ValueError):
                os._exit(1)
            continue
        try:
            conn.send((task_id, result, "", report))
        except (OSError, ValueError):
            os._exit(1)


@dataclass
class _Task:
    task_id: int
    chunk: int
    offset: int
    records: list[bytes] | ByteRange
    settings: AnnotateSettings


@dataclass
class _Chunk:
    records: list[bytes] | ByteRange
    settings: AnnotateSettings
    pieces: dict[int, RenderedChunk] = field(default_factory=dict)
    done: int = 0
    total: int | None = None  # records in the chunk (a byte range: known once read)
    report: SplitReport | None = None  # what the SD splitter noticed in a byte range
    byte_range: ByteRange | None = None  # the range (kept when the parent has read it after a failure)

    def __post_init__(self) -> None:
        if isinstance(self.records, ByteRange):
            self.byte_range = self.records
        else:
            self.total = len(self.records)


class _Worker:
    def __init__(self, warm: bool = False) -> None:
        context = _context()
        self.conn, child = context.Pipe(duplex=True)
        self.heartbeat = context.Value("d", time.monotonic(), lock=False)
        self.position = context.Value("i", -1, lock=False)
        self.process = context.Process(
            target=_worker_main, args=(child, self.heartbeat, self.position, os.getpid()), daemon=True
        )
        with _main_module_hidden(warm):
            self.process.start()
        child.close()
        self.task: _Task | None = None

    def send(self, task: _Task, hook: str) -> None:
        self.task = task
        self.heartbeat.value = time.monotonic()
        self.position.value = -1
        self.conn.send((task.task_id, task.records, task.settings, hook))

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, ValueError, AttributeError):
            pass
        self.process.join(2)
        try:
            self.conn.close()
        except OSError:
            pass

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(1)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def _death_reason(process: Any) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker process was killed by {name} while annotating this record (a crash inside RDKit or the system running out of memory)"
    return f"the worker process exited with code {code} while annotating this record"


def _merge(pieces: list[RenderedChunk]) -> RenderedChunk:
    if len(pieces) == 1:
        return pieces[0]
    return RenderedChunk(
        sum(p.count for p in pieces),
        sum(p.ok for p in pieces),
        sum(p.no_scaffold for p in pieces),
        sum(p.errors for p in pieces),
        b"".join(p.sd for p in pieces),
        [row for p in pieces for row in p.rows],
        [raw for p in pieces for raw in p.failed],
        sum(p.bytes_in for p in pieces),
        pieces[0].header,
        _shifted_ends(pieces),
        {key: text for p in pieces for key, text in p.legend.items()},
    )


def _shifted_ends(pieces: list[RenderedChunk]) -> tuple[int, ...]:
    ends: list[int] = []
    offset = 0
    for piece in pieces:
        ends.extend(offset + end for end in piece.sd_ends)
        offset += len(piece.sd)
    return tuple(ends)


class Supervisor:
    """Runs chunks in ``jobs`` supervised worker processes and yields their results in input order.

    Use as a context manager so the workers are always stopped (killed on an exception or interrupt).
    """

    def __init__(self, jobs: int = 1, record_timeout: float = DEFAULT_RECORD_TIMEOUT, hook: str | None = None,
                 warm: bool = False):
        self.warm = warm
        self.jobs = max(1, jobs)
        self.record_timeout = record_timeout if record_timeout and record_timeout > 0 else float("inf")
        self.hook = os.environ.get(TEST_HOOK_ENV, "") if hook is None else hook
        self.workers: list[_Worker] = []
        self.failures = 0

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        for worker in self.workers:
            if exc_type is None and worker.task is None:
                worker.stop()
            else:
                worker.kill()
        self.workers = []

    def run(self, chunks: Iterable[tuple[list[bytes] | ByteRange, AnnotateSettings]],
            on_range: Callable[[ByteRange, int, SplitReport], None] | None = None) -> Iterator[RenderedChunk]:
        """Annotate every chunk (a list of records or a byte range); yield one :class:`RenderedChunk` per chunk, in order.

        ``on_range(byte_range, records, report)`` is called just before a byte range's result is yielded, with its
        record count and what the SD splitter noticed in it.
        """
        source = iter(chunks)
        exhausted = False
        states: dict[int, _Chunk] = {}
        queue: collections.deque[_Task] = collections.deque()
        next_chunk = 0  # next chunk number to read
        next_out = 0  # next chunk number to yield
        task_ids = 0
        window = 2 * self.jobs + 1
        while True:
            while not exhausted and len(states) < window:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                records, settings = item
                states[next_chunk] = _Chunk(records, settings)
                task_ids += 1
                queue.append(_Task(task_ids, next_chunk, 0, records, settings))
                next_chunk += 1
            while next_out in states and states[next_out].done == states[next_out].total:
                state = states.pop(next_out)
                if on_range is not None and state.byte_range is not None:
                    on_range(state.byte_range, state.done, state.report or SplitReport())
                yield _merge([state.pieces[k] for k in sorted(state.pieces)]) if state.pieces else _empty(state)
                next_out += 1
            busy = [w for w in self.workers if w.task is not None]
            if exhausted and not states:
                return
            while queue and len(busy) < self.jobs:
                worker = next((w for w in self.workers if w.task is None), None)
                if worker is None:
                    worker = _Worker(self.warm)
                    self.workers.append(worker)
                worker.send(queue.popleft(), self.hook)
                busy.append(worker)
            if not busy:
                continue
            ready = multiprocessing.connection.wait(
                [w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=_POLL_SECONDS
            )
            now = time.monotonic()
            for worker in busy:
                task = worker.task
                assert task is not None
                if worker.conn in ready:
                    try:
                        task_id, result, error, report = worker.conn.recv()
                    except (EOFError, OSError):
                        self._failed(worker, task, queue, states, _death_reason_after(worker), timed_out=False)
                        continue
                    worker.task = None
                    if result is not None:
                        if isinstance(task.records, ByteRange):
                            state = states[task.chunk]
                            state.total, state.report = result.count, report
                        self._store(states, task, result)
                    else:
                        self._split(task, queue, states, error, worker_position=-1, timed_out=False)
                elif worker.process.sentinel in ready:
                    self._failed(worker, task, queue, states, _death_reason_after(worker), timed_out=False)
                elif now - worker.heartbeat.value > self.record_timeout:
                    reason = (f"annotation took longer than the per-record time limit of {self.record_timeout:g} s "
                              "(--record-timeout); not annotated")
                    self._failed(worker, task, queue, states, reason, timed_out=True)
            for worker in self.workers:  # the next chunk goes out before this process writes results and reads on
                if worker.task is None and queue:
                    worker.send(queue.popleft(), self.hook)

    def _failed(self, worker: _Worker, task: _Task, queue: collections.deque[_Task], states: dict[int, _Chunk],
                reason: str, timed_out: bool) -> None:
        position = worker.position.value
        worker.kill()
        self.workers.remove(worker)
        self.failures += 1
        self._split(task, queue, states, reason, position, timed_out)

    def _split(self, task: _Task, queue: collections.deque[_Task], states: dict[int, _Chunk], reason: str,
               worker_position: int, timed_out: bool) -> None:
        if isinstance(task.records, ByteRange):
            # Read the range here (splitting only, no RDKit) and go on as for a list of records.
            state = states[task.chunk]
            report = SplitReport()
            state.records = read_range_records(task.records, report)
            state.total, state.report = len(state.records), report
            task = _Task(task.task_id, task.chunk, 0, state.records, task.settings)
            if not task.records:
                return
        records = task.records
        if len(records) == 1:
            self._store(states, task, render_failed_records(records, task.settings, reason))
            return
        parts: list[tuple[int, list[bytes]]]
        if 0 <= worker_position < len(records):
            p = worker_position
            if timed_out:
                # Running it again would cost the full time limit once more.
                self._store(states, _Task(0, task.chunk, task.offset + p, [records[p]], task.settings),
                            render_failed_records([records[p]], task.settings, reason))
                parts = [(0, records[:p]), (p + 1, records[p + 1 :])]
            else:
                parts = [(0, records[:p]), (p, [records[p]]), (p + 1, records[p + 1 :])]
        else:
            half = len(records) // 2
            parts = [(0, records[:half]), (half, records[half:])]
        for offset, part in reversed(parts):
            if part:
                queue.appendleft(_Task(0, task.chunk, task.offset + offset, part, task.settings))

    @staticmethod
    def _store(states: dict[int, _Chunk], task: _Task, result: RenderedChunk) -> None:
        state = states[task.chunk]
        state.pieces[task.offset] = result
        state.done += result.count


def _death_reason_after(worker: _Worker) -> str:
    worker.process.join(1)
    return _death_reason(worker.process)


def _empty(state: _Chunk) -> RenderedChunk:
    return RenderedChunk(0, 0, 0, 0, b"", [], [], 0, state.settings.table.header if state.settings.table else b"")


__all__ = ["DEFAULT_RECORD_TIMEOUT", "Supervisor", "TEST_HOOK_ENV", "WARM_ENV", "warm_up"]

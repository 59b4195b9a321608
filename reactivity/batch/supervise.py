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
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .annotate import AnnotateSettings, RenderedChunk, annotate_and_render, render_failed_records

#: Default per-record time limit in seconds.
DEFAULT_RECORD_TIMEOUT = 60.0
#: Environment variable read by the *tests* only: ``crash:MARKER`` makes a worker die with SIGSEGV, and
#: ``hang:MARKER`` makes it sleep, when it starts a record whose bytes contain MARKER. It is passed to the
#: workers with each task; it is not an option of the command line and does nothing unless set.
TEST_HOOK_ENV = "REACTIVITY_TEST_WORKER_HOOK"

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.2


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux; silently skipped elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
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


def _worker_main(conn: Any, heartbeat: Any, position: Any, parent_pid: int) -> None:
    """Worker loop: receive ``(task_id, records, settings, hook)``, send ``(task_id, RenderedChunk | None, error)``."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C reaches the whole process group
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if os.getppid() == 1 and parent_pid != 1:
        os._exit(0)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if message is None:
            os._exit(0)
        task_id, records, settings, hook = message

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
                conn.send((task_id, None, error))
            except (OSError, ValueError):
                os._exit(1)
            continue
        try:
            conn.send((task_id, result, ""))
        except (OSError, ValueError):
            os._exit(1)


_CONTEXT: Any = None


def _context() -> Any:
    """A fork-server context (workers fork from a small single-threaded server that has the package loaded)."""
    global _CONTEXT
    if _CONTEXT is None:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["reactivity.batch.supervise", "reactivity.batch.writers"])
        else:  # pragma: no cover - not Linux
            context = multiprocessing.get_context("spawn")
        _CONTEXT = context
    return _CONTEXT


@dataclass
class _Task:
    task_id: int
    chunk: int
    offset: int
    records: list[bytes]
    settings: AnnotateSettings


@dataclass
class _Chunk:
    records: list[bytes]
    settings: AnnotateSettings
    pieces: dict[int, RenderedChunk] = field(default_factory=dict)
    done: int = 0


class _Worker:
    def __init__(self) -> None:
        context = _context()
        self.conn, child = context.Pipe(duplex=True)
        self.heartbeat = context.Value("d", time.monotonic(), lock=False)
        self.position = context.Value("i", -1, lock=False)
        self.process = context.Process(
            target=_worker_main, args=(child, self.heartbeat, self.position, os.getpid()), daemon=True
        )
        with _main_module_hidden():
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


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start workers without re-importing the caller's ``__main__`` (a script, ``<stdin>``): they need only this package.

    Workers also start with ``PYTHONSAFEPATH=1``: a worker interpreter started with ``-c`` would otherwise put the
    current directory first on ``sys.path``, and run from a source checkout its ``reactivity/`` folder would shadow
    the installed package (whose ``reactivity.models`` and ``reactivity.datasets`` live elsewhere in the tree).
    """
    main = sys.modules.get("__main__")
    saved_file = getattr(main, "__file__", None)
    saved_spec = getattr(main, "__spec__", None)
    saved_safe_path = os.environ.get("PYTHONSAFEPATH")
    try:
        if main is not None:
            if saved_file is not None:
                del main.__file__
            main.__spec__ = None
        os.environ["PYTHONSAFEPATH"] = "1"
        yield
    finally:
        if saved_safe_path is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = saved_safe_path
        if main is not None:
            if saved_file is not None:
                main.__file__ = saved_file
            main.__spec__ = saved_spec


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

    def __init__(self, jobs: int = 1, record_timeout: float = DEFAULT_RECORD_TIMEOUT, hook: str | None = None):
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

    def run(self, chunks: Iterable[tuple[list[bytes], AnnotateSettings]]) -> Iterator[RenderedChunk]:
        """Annotate every chunk; yield one :class:`RenderedChunk` per input chunk, in order."""
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
            while next_out in states and states[next_out].done == len(states[next_out].records):
                state = states.pop(next_out)
                yield _merge([state.pieces[k] for k in sorted(state.pieces)]) if state.pieces else _empty(state)
                next_out += 1
            busy = [w for w in self.workers if w.task is not None]
            if exhausted and not states:
                return
            while queue and len(busy) < self.jobs:
                worker = next((w for w in self.workers if w.task is None), None)
                if worker is None:
                    worker = _Worker()
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
                        task_id, result, error = worker.conn.recv()
                    except (EOFError, OSError):
                        self._failed(worker, task, queue, states, _death_reason_after(worker), timed_out=False)
                        continue
                    worker.task = None
                    if result is not None:
                        self._store(states, task, result)
                    else:
                        self._split(task, queue, states, error, worker_position=-1, timed_out=False)
                elif worker.process.sentinel in ready:
                    self._failed(worker, task, queue, states, _death_reason_after(worker), timed_out=False)
                elif now - worker.heartbeat.value > self.record_timeout:
                    reason = (f"annotation took longer than the per-record time limit of {self.record_timeout:g} s "
                              "(--record-timeout); not annotated")
                    self._failed(worker, task, queue, states, reason, timed_out=True)

    def _failed(self, worker: _Worker, task: _Task, queue: collections.deque[_Task], states: dict[int, _Chunk],
                reason: str, timed_out: bool) -> None:
        position = worker.position.value
        worker.kill()
        self.workers.remove(worker)
        self.failures += 1
        self._split(task, queue, states, reason, position, timed_out)

    def _split(self, task: _Task, queue: collections.deque[_Task], states: dict[int, _Chunk], reason: str,
               worker_position: int, timed_out: bool) -> None:
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


__all__ = ["DEFAULT_RECORD_TIMEOUT", "Supervisor", "TEST_HOOK_ENV"]

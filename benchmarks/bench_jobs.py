"""Records per second of ``reactivity annotate`` with ``--jobs 1`` and ``--jobs 2``, and their ratio. Asserts nothing.

For each hit fraction (default 0 % and 20 %) a library of ``--records`` records,
every record a different molecule (``distinct_library.py``; cached in
``--library-dir``), is annotated in the same run by:

- ``reactivity annotate LIB -o OUT --jobs 1``: one reader, one supervised worker;
- ``reactivity annotate LIB -o OUT --jobs 2``: the byte-range path (each worker
  reads its own ranges of the file, the parent joins the rendered parts in order).

The two commands alternate ``--repeat`` times; the table gives the fastest wall
time of each (least disturbed by other load), records/s, the ratio of the two,
and checks that both outputs are byte-identical. Wall time covers the whole
process (start-up, warm-up of rules and models, the run, the atomic rename).
The load average (``os.getloadavg``) is printed before and after: on a shared
machine the wall-time ratio is only meaningful when the cores were otherwise idle.

With ``psutil`` installed, the CPU seconds of every process of the run are also
sampled (the command, the fork server that warms rules and models, each worker;
``--cpu``): they depend less on other load than wall times, but not at all on it
(shared caches and cores of the host). ``cpu-bound estimate`` adds the CPU
of the command, of the fork server and of the busiest worker, i.e. it assumes
nothing overlaps but the workers; it is what the run would take on idle cores if
the command's own work (reading, joining) did not overlap with the workers, so it
is pessimistic for both and for ``--jobs 1`` more than for ``--jobs 2``.

``--join`` also measures, without RDKit, the two ways the parent can join the
parts: rendered bytes streamed back over the workers' pipes and written by the
parent (what ``annotate`` does), or part files written by the workers and copied
into the output with ``os.copy_file_range``.

Usage::

    python benchmarks/bench_jobs.py                      # 10,000 records, 0 % and 20 % hits
    python benchmarks/bench_jobs.py --records 50000 --repeat 3
    python benchmarks/bench_jobs.py --records 2000 --join
"""

from __future__ import annotations

import argparse
import filecmp
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distinct_library import ensure_library  # noqa: E402
from measure import run_measured  # noqa: E402

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "reactivity_bench_libraries"
DEFAULT_HITS_CSV = Path("/work/shared/corpus/hits_unique.csv")


def _cli() -> list[str]:
    candidate = Path(sys.executable).with_name("reactivity")
    return [str(candidate)] if candidate.exists() else [sys.executable, "-m", "reactivity.cli"]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def run_tree(argv: list[str]) -> tuple[int, float, dict[int, tuple[str, float]]]:
    """Run ``argv``; return (exit code, wall seconds, {pid: (role, CPU seconds)}) of it and its descendants.

    CPU times are sampled every 50 ms (a process's last few milliseconds before it exits can be missed).
    """
    import subprocess

    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(process.pid)
    seen: dict[int, tuple[str, float]] = {}
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            tree = []
        for member in tree:
            try:
                times = member.cpu_times()
                if member.pid not in seen:
                    # workers are forked by the fork server (same command line), which the command started
                    if member.pid == process.pid:
                        role = "command"
                    elif member.ppid() == process.pid:
                        role = "fork server" if "forkserver" in " ".join(member.cmdline()) else "helper"
                    else:
                        role = "worker"
                else:
                    role = seen[member.pid][0]
                seen[member.pid] = (role, times.user + times.system)
            except psutil.Error:
                pass
        time.sleep(0.05)
    return process.returncode, time.perf_counter() - started, seen


def _cpu_summary(seen: dict[int, tuple[str, float]]) -> tuple[str, float]:
    workers = sorted((cpu for role, cpu in seen.values() if role == "worker"), reverse=True)
    other = sum(cpu for role, cpu in seen.values() if role != "worker")
    command = sum(cpu for role, cpu in seen.values() if role == "command")
    server = sum(cpu for role, cpu in seen.values() if role == "fork server")
    text = (f"CPU s: command {command:.2f}, fork server (imports, warm-up) {server:.2f}, "
            f"workers {' + '.join(f'{w:.2f}' for w in workers)}")
    return text, other + (workers[0] if workers else 0.0)


def bench_library(library: Path, records: int, label: str, workdir: Path, repeat: int, extra: list[str],
                  cpu: bool) -> float:
    """Time --jobs 1 and --jobs 2 alternately; print the table row; return the ratio (jobs 1 time / jobs 2 time)."""
    best: dict[int, float] = {}
    estimates: dict[int, tuple[str, float]] = {}
    for _ in range(repeat):
        for jobs in (1, 2):
            out = workdir / f"out_{label}_{jobs}.sdf"
            argv = [*_cli(), "annotate", str(library), "-o", str(out), "--jobs", str(jobs), "--no-progress", *extra]
            if cpu:
                code, seconds, seen = run_tree(argv)
                text, estimate = _cpu_summary(seen)
                if jobs not in estimates or estimate < estimates[jobs][1]:
                    estimates[jobs] = (text, estimate)
            else:
                run = run_measured(argv)
                code, seconds = run.returncode, run.seconds
            if code != 0:
                raise SystemExit(f"annotate --jobs {jobs} failed (exit {code})")
            best[jobs] = min(best.get(jobs, float("inf")), seconds)
    same = filecmp.cmp(workdir / f"out_{label}_1.sdf", workdir / f"out_{label}_2.sdf", shallow=False)
    ratio = best[1] / best[2]
    print(f"[{label}] {records} records: --jobs 1 {best[1]:.2f} s ({records / best[1]:.0f} records/s), "
          f"--jobs 2 {best[2]:.2f} s ({records / best[2]:.0f} records/s), wall-time ratio {ratio:.2f}x, "
          f"outputs {'byte-identical' if same else 'DIFFERENT'}")
    if estimates:
        for jobs in (1, 2):
            print(f"[{label}]   --jobs {jobs}: {estimates[jobs][0]}; cpu-bound estimate {estimates[jobs][1]:.2f} s")
        print(f"[{label}]   cpu-bound estimate ratio {estimates[1][1] / estimates[2][1]:.2f}x")
    return ratio


# --------------------------------------------------------------------------- joining the parts (no RDKit)


def _send_parts(conn, data: bytes, part: int) -> None:  # noqa: ANN001
    for start in range(0, len(data), part):
        conn.send_bytes(data[start : start + part])
    conn.send_bytes(b"")
    conn.close()


def _write_parts(directory: str, data: bytes, part: int, done) -> None:  # noqa: ANN001
    for index, start in enumerate(range(0, len(data), part)):
        with open(os.path.join(directory, f"p{index:05d}"), "wb") as handle:
            handle.write(data[start : start + part])
        done.put(index)
    done.put(None)


def bench_join(sample: bytes, total_mb: int, part_mb: float) -> None:
    """Parent cost of joining ``total_mb`` MB of rendered SD in parts of ``part_mb`` MB, both ways."""
    data = (sample * (total_mb * (1 << 20) // max(1, len(sample)) + 1))[: total_mb << 20]
    part = int(part_mb * (1 << 20))
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="bench_join_") as temp:
        out = os.path.join(temp, "out.sdf")
        # (1) stream over a pipe, the parent writes
        receive, send = context.Pipe(duplex=False)
        worker = context.Process(target=_send_parts, args=(send, data, part))
        cpu, wall = time.process_time(), time.perf_counter()
        worker.start()
        send.close()
        with open(out, "wb", buffering=1 << 20) as handle:
            while True:
                block = receive.recv_bytes()
                if not block:
                    break
                handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
        worker.join()
        piped = (time.perf_counter() - wall, time.process_time() - cpu)
        os.unlink(out)
        # (2) part files written by the worker, copied in order with copy_file_range
        done = context.Queue()
        worker = context.Process(target=_write_parts, args=(temp, data, part, done))
        cpu, wall = time.process_time(), time.perf_counter()
        worker.start()
        with open(out, "wb") as handle:
            while True:
                index = done.get()
                if index is None:
                    break
                name = os.path.join(temp, f"p{index:05d}")
                with open(name, "rb") as source:
                    left = os.fstat(source.fileno()).st_size
                    while left > 0:
                        left -= os.copy_file_range(source.fileno(), handle.fileno(), left)
                os.unlink(name)
            os.fsync(handle.fileno())
        worker.join()
        copied = (time.perf_counter() - wall, time.process_time() - cpu)
    print(f"[join] {total_mb} MB in parts of {part_mb:g} MB: pipe + write {piped[0]:.2f} s wall, parent CPU {piped[1]:.2f} s; "
          f"part files + copy_file_range {copied[0]:.2f} s wall, parent CPU {copied[1]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--hit-fractions", type=float, nargs="+", default=[0.0, 0.2])
    parser.add_argument("--hits-csv", type=Path, default=DEFAULT_HITS_CSV)
    parser.add_argument("--library-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--repeat", type=int, default=2, help="alternating runs of each command; the fastest counts")
    parser.add_argument("--annotate-args", default="", help="extra options for reactivity annotate")
    parser.add_argument("--join", action="store_true", help="also measure the two ways of joining the parts")
    parser.add_argument("--join-mb", type=int, default=200)
    parser.add_argument("--cpu", action=argparse.BooleanOptionalAction, default=True,
                        help="sample the CPU seconds of every process (needs psutil)")
    args = parser.parse_args()
    if args.cpu:
        try:
            import psutil  # noqa: F401
        except ImportError:
            args.cpu = False
    hits_csv = args.hits_csv if args.hits_csv and args.hits_csv.is_file() else None
    print(f"before: {_load()}")
    with tempfile.TemporaryDirectory(prefix="bench_jobs_") as temp:
        for fraction in args.hit_fractions:
            library = ensure_library(args.library_dir, args.records, fraction, hits_csv)
            bench_library(library, args.records, f"{round(100 * fraction)} % hits", Path(temp), args.repeat,
                          args.annotate_args.split(), args.cpu)
        if args.join:
            sample = (Path(temp) / f"out_{round(100 * args.hit_fractions[-1])} % hits_1.sdf").read_bytes()
            for part_mb in (0.25, 4.0):
                bench_join(sample, args.join_mb, part_mb)
    print(f"after: {_load()}")


if __name__ == "__main__":
    main()

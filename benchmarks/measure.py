"""Wall time and peak resident memory of one command, as the benchmark scripts measure them.

The command runs under a small launcher process (``python -S``) that forks,
executes it and reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the peak
resident set of the command and of every process it waited for (worker
processes included), and not the memory of the (possibly large) process that
started the benchmark, which a forked child would otherwise inherit in its
high-water mark.

Usage::

    python benchmarks/measure.py -- reactivity annotate lib.sdf -o out.sdf --no-progress
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = """
import os, resource, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status = os.waitpid(pid, 0)
with open(sys.argv[1], "w") as handle:
    handle.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Measurement:
    """One run: exit code, wall seconds, peak RSS in MB (None if unknown), captured output."""

    returncode: int
    seconds: float
    peak_rss_mb: float | None
    stdout: str
    stderr: str

    def last_error_line(self) -> str:
        lines = self.stderr.strip().splitlines()
        return lines[-1][:200] if lines else "(no message)"


def run_measured(argv: list[str]) -> Measurement:
    """Run ``argv``; wall time from start to exit, peak RSS of it and its waited-for children."""
    with tempfile.TemporaryDirectory(prefix="measure_") as temp:
        rss_file = Path(temp) / "rss"
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            returncode = subprocess.call([sys.executable, "-S", "-c", LAUNCHER, str(rss_file), *argv], stdout=out, stderr=err)
            seconds = time.perf_counter() - started
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        rss = int(rss_file.read_text()) / 1024 if rss_file.is_file() else None
    return Measurement(returncode, seconds, rss, stdout, stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run (after --)")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    result = run_measured(command)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    rss = f"{result.peak_rss_mb:.0f} MB" if result.peak_rss_mb is not None else "unknown"
    print(f"exit {result.returncode}, {result.seconds:.3f} s, peak RSS {rss}", file=sys.stderr)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()

"""Records per second of ``reactivity annotate`` against the number of workers, local and Dask. Asserts nothing.

Builds (in a temporary directory, never committed) a mixed SD library with the library builder of
``bench_annotate.py`` (about 20 % ring-bearing records) and times, each in its own process:

- ``--jobs 1`` (one process, the reference),
- ``--jobs N`` (local supervised worker processes),
- ``--engine dask --jobs N`` (a local Dask cluster of N worker processes; byte ranges read by the workers).

The outputs of every run are compared byte for byte with the ``--jobs 1`` output.

On one 2-core machine this shows the overhead of each engine, not cluster scaling: the Dask engine removes the
single reader (each worker reads its own byte range), so on a real cluster its throughput grows with the number of
workers until the client's ordered writing (a copy of the rendered bytes) becomes the limit.

Usage::

    python benchmarks/bench_dask.py --records 20000 --jobs 2
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_annotate import DEFAULT_HITS_CSV, _hit_smiles, _non_hit_smiles, build_library  # noqa: E402

CLI = [sys.executable, "-P", "-c", "from reactivity.cli import main; main()", "annotate", "--no-progress"]


def _run(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([*CLI, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"annotate failed: {done.stderr.strip()}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--hit-fraction", type=float, default=0.2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lib = Path(folder) / "lib.sdf"
        build_library(lib, options.records, options.hit_fraction, _hit_smiles(DEFAULT_HITS_CSV), _non_hit_smiles())
        rows = []
        reference = Path(folder) / "one.sdf"
        seconds = _run([str(lib), "-o", str(reference)])
        rows.append(("--jobs 1", seconds, True))
        for label, extra in ((f"--jobs {options.jobs}", ["--jobs", str(options.jobs)]),
                             (f"--engine dask --jobs {options.jobs}", ["--engine", "dask", "--jobs", str(options.jobs)])):
            out = Path(folder) / "out.sdf"
            seconds = _run([str(lib), "-o", str(out), *extra])
            rows.append((label, seconds, out.read_bytes() == reference.read_bytes()))
        base = rows[0][1]
        print(f"{options.records} records, {options.hit_fraction:.0%} hits")
        print(f"{'run':32} {'seconds':>8} {'records/s':>10} {'speed-up':>9} identical")
        for label, seconds, same in rows:
            print(f"{label:32} {seconds:8.1f} {options.records / seconds:10.0f} {base / seconds:9.2f} {same}")


if __name__ == "__main__":
    main()

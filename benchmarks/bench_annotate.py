"""Speed and memory benchmark of ``reactivity annotate`` (issue 3). Measures; asserts nothing.

Builds (or takes from its cache directory, ``--library-dir``; never committed) a
mixed SD library of ``--records`` records (default 50,000; 20 %
1,4-diazepan-2-one hits, the rest molecules from the data sets shipped with
RDKit) and a 100 %-hit library, every record a different molecule (see
``distinct_library.py``: a library that repeats structures would flatter any
cache keyed by structure), then times in one run:

(a) a bare RDKit pass: ``ForwardSDMolSupplier`` (sanitize on), every molecule touched;
(b) ``reactivity annotate LIB -o OUT.sdf`` with one job;
(c) the same with ``--jobs 2``;
(d) for context, a naive script: read with RDKit, write every molecule with ``SDWriter``.

Each step runs in its own process; peak RSS is the largest resident set of
that process and of the worker processes it waited for (see ``measure.py``).
``bench_peers.py`` compares the same libraries with other tools.

Usage::

    python benchmarks/bench_annotate.py                 # 50,000 records
    python benchmarks/bench_annotate.py --records 5000  # quick look
    python benchmarks/bench_annotate.py --records 200000 --skip-full-hit
    python benchmarks/bench_annotate.py --annotate-args "--no-basicity --no-stability"   # sites only

Hit parents are the corpus hits in ``tests/data/``, a short built-in list of
public-domain benzodiazepin-2-ones and ``--hits-csv`` (a CSV with a ``smiles``
column; by default the shared corpus ``hits_unique.csv`` when present); the
library grows them into distinct variants by substitution.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from rdkit import rdBase

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distinct_library import count_distinct, distinct_pool, ensure_library, hit_parent_smiles, other_parent_smiles, write_library  # noqa: E402
from measure import run_measured  # noqa: E402

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "reactivity_bench_libraries"
DEFAULT_HITS_CSV = Path("/work/shared/corpus/hits_unique.csv")

BARE = """
import sys
from rdkit import Chem, rdBase
rdBase.DisableLog("rdApp.*")
n = 0
for mol in Chem.ForwardSDMolSupplier(sys.argv[1], sanitize=True):
    if mol is not None:
        n += mol.GetNumAtoms()
print(n)
"""

NAIVE = """
import sys
from rdkit import Chem, rdBase
rdBase.DisableLog("rdApp.*")
writer = Chem.SDWriter(sys.argv[2])
for mol in Chem.ForwardSDMolSupplier(sys.argv[1], sanitize=True):
    if mol is not None:
        mol.SetProp("RX_STATUS", "no_scaffold")
        writer.write(mol)
writer.close()
"""


def _hit_smiles(path: Path | None) -> list[str]:
    """Ring-bearing parent SMILES: those of ``tests/data``, the built-in ones and ``path`` (CSV) when it exists."""
    return hit_parent_smiles(path if path is not None and path.is_file() else None)


def _non_hit_smiles() -> list[str]:
    """Parent SMILES without the ring (RDKit's shipped data sets, near misses of ``tests/data``)."""
    return other_parent_smiles()


def build_library(path: Path, records: int, hit_fraction: float, hits: list[str], others: list[str], seed: int = 7) -> tuple[int, int]:
    """Write ``records`` SD records, all different molecules grown from the parent SMILES ``hits`` and
    ``others`` (exactly ``round(records * hit_fraction)`` hits, at random positions); return (records, hits)."""
    n_hits = round(records * hit_fraction)
    hit_pool = distinct_pool(hits, n_hits, True, seed) if n_hits else []
    other_pool = distinct_pool(others, records - n_hits, False, seed) if records > n_hits else []
    return write_library(path, hit_pool, other_pool, records, hit_fraction, seed)


def timed(command: list[str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of it and the workers it waited for)."""
    run = run_measured(command)
    if run.returncode != 0:
        raise SystemExit(f"failed ({run.returncode}): {' '.join(command)}\n{run.stderr}")
    return run.seconds, run.peak_rss_mb or 0.0


def bench(library: Path, workdir: Path, label: str, jobs: list[int], naive: bool, extra: list[str]) -> None:
    python = sys.executable
    cli = [python, "-m", "reactivity.cli"] if not _console_script() else [_console_script()]
    bare, bare_rss = timed([python, "-c", BARE, str(library)])
    print(f"[{label}] (a) bare ForwardSDMolSupplier: {bare:.2f} s, peak RSS {bare_rss:.0f} MB")
    single = None
    for n in jobs:
        out = workdir / f"out_{label}_{n}.sdf"
        seconds, rss = timed([*cli, "annotate", str(library), "-o", str(out), "--jobs", str(n), "--no-progress", *extra])
        speedup = f", speed-up vs the first run {single / seconds:.2f}x" if single else ""
        single = single or seconds
        print(f"[{label}] ({'b' if n == 1 else 'c'}) annotate --jobs {n}: {seconds:.2f} s, ratio to (a) {seconds / bare:.2f}"
              f"{speedup}, peak RSS {rss:.0f} MB")
    if naive:
        seconds, rss = timed([python, "-c", NAIVE, str(library), str(workdir / "naive.sdf")])
        print(f"[{label}] (d) naive read + SDWriter: {seconds:.2f} s, ratio to (a) {seconds / bare:.2f}, peak RSS {rss:.0f} MB")


def _console_script() -> str | None:
    candidate = Path(sys.executable).with_name("reactivity")
    return str(candidate) if candidate.exists() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--hit-fraction", type=float, default=0.2)
    parser.add_argument("--hits-csv", type=Path, default=DEFAULT_HITS_CSV)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--skip-full-hit", action="store_true", help="skip the 100 %%-hit library")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive SDWriter comparison")
    parser.add_argument("--library-dir", type=Path, default=DEFAULT_CACHE,
                        help=f"cache of the built libraries, reused by later runs (default {DEFAULT_CACHE})")
    parser.add_argument("--annotate-args", default="", help="extra options for reactivity annotate, e.g. '--no-basicity'")
    args = parser.parse_args()
    hits_csv = args.hits_csv if args.hits_csv is not None and args.hits_csv.is_file() else None
    print(f"rdkit {rdBase.rdkitVersion}, python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"libraries in {args.library_dir} (built when missing; hit parents: tests/data"
          f"{' + ' + str(hits_csv) if hits_csv else ''})")
    extra = args.annotate_args.split()
    if extra:
        print(f"annotate options: {' '.join(extra)}")
    with tempfile.TemporaryDirectory(prefix="bench_annotate_") as temp:
        workdir = Path(temp)
        runs = [("mixed", args.hit_fraction, not args.no_naive)]
        if not args.skip_full_hit and args.hit_fraction != 1.0:
            runs.append(("all-hits", 1.0, False))
        for label, fraction, naive in runs:
            library = ensure_library(args.library_dir, args.records, fraction, hits_csv)
            read, parsed, distinct = count_distinct(library)
            print(f"{label} library {library.name}: {read} records, {round(read * fraction)} hits ({100 * fraction:.0f} %), "
                  f"{distinct} distinct canonical SMILES, {library.stat().st_size / 1e6:.1f} MB")
            bench(library, workdir, label, args.jobs, naive, extra)

if __name__ == "__main__":
    main()

"""Speed and memory benchmark of ``reactivity annotate`` (issue 3). Measures; asserts nothing.

Builds, in a temporary directory (never committed), a mixed SD library of
``--records`` records (default 50,000; about 20 % 1,4-diazepan-2-one hits, the
rest drug-like molecules from RDKit's shipped NCI set) and a 100 %-hit library,
then times in one run:

(a) a bare RDKit pass: ``ForwardSDMolSupplier`` (sanitize on), every molecule touched;
(b) ``reactivity annotate LIB -o OUT.sdf`` with one job;
(c) the same with ``--jobs 2``;
(d) for context, a naive script: read with RDKit, write every molecule with ``SDWriter``.

Each step runs in its own process; peak RSS is the largest resident set of
that process and of the worker processes it waited for (``wait4``).

Usage::

    python benchmarks/bench_annotate.py                 # 50,000 records
    python benchmarks/bench_annotate.py --records 5000  # quick look
    python benchmarks/bench_annotate.py --records 200000 --skip-full-hit
    python benchmarks/bench_annotate.py --annotate-args "--no-basicity --no-stability"   # sites only

Hit structures come from ``--hits-csv`` (a CSV with a ``smiles`` column; by
default the shared corpus ``hits_unique.csv`` when present) or, failing that,
a short built-in list of public-domain benzodiazepin-2-ones.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdkit import Chem, RDConfig, rdBase
from rdkit.Chem import rdDepictor

BUILTIN_HITS = (
    "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21",  # diazepam
    "O=C1Nc2ccc(Cl)cc2C(c2ccccc2)=NC1O",  # oxazepam
    "O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1",  # nordazepam
    "O=C1CN=C(c2ccccc2F)c2cc(Cl)ccc2N1CCN(CC)CC",  # flurazepam
    "O=C1CN=C(c2ccccc2)c2cc([N+](=O)[O-])ccc2N1",  # nitrazepam
    "O=C1CNCCCN1",  # 1,4-diazepan-2-one
    "CC(C)(C)OC(=O)N1CCCNC(=O)C1",  # Boc-protected ring
    "CN1CCCN(C)C(=O)C1",
)
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


def _molblock(smiles: str) -> str | None:
    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            return None
        rdDepictor.Compute2DCoords(mol)
        return Chem.MolToMolBlock(mol)


def _hit_smiles(path: Path | None) -> list[str]:
    if path is not None and path.is_file():
        with path.open(newline="") as handle:
            found = [row["smiles"] for row in csv.DictReader(handle) if row.get("smiles")]
        if found:
            return found
    return list(BUILTIN_HITS)


def _non_hit_smiles() -> list[str]:
    path = Path(RDConfig.RDDataDir) / "NCI" / "first_5K.smi"
    return [line.split()[0] for line in path.read_text().splitlines() if line.strip()]


def build_library(path: Path, records: int, hit_fraction: float, hits: list[str], others: list[str], seed: int = 7) -> tuple[int, int]:
    """Write ``records`` SD records (hits mixed in at random positions); return (records, hit records)."""
    core = Chem.MolFromSmarts("[#7;R]1~[#6;R](=[#8])~[#6;R]~[#7;R]~[#6;R]~[#6;R]~[#6;R]~1")
    hit_blocks = [b for b in map(_molblock, hits) if b]
    other_blocks = []
    for smiles in others:
        block = _molblock(smiles)
        if block and not Chem.MolFromMolBlock(block).HasSubstructMatch(core):
            other_blocks.append(block)
    rng = random.Random(seed)
    hit_cycle, other_cycle = itertools.cycle(hit_blocks), itertools.cycle(other_blocks)
    n_hits = 0
    with path.open("w", newline="\n") as out:
        for i in range(records):
            is_hit = rng.random() < hit_fraction
            block = next(hit_cycle) if is_hit else next(other_cycle)
            n_hits += is_hit
            body = block[block.index("\n") :]
            out.write(f"LIB-{i + 1:07d}{body}>  <ID>\nLIB-{i + 1:07d}\n\n>  <SOURCE>\n{'hit' if is_hit else 'nci'}\n\n$$$$\n")
    return records, n_hits


def timed(command: list[str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, its own peak RSS in MB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr}")
    return seconds, usage.ru_maxrss / 1024


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
    parser.add_argument("--keep", type=Path, default=None, help="build the libraries in this directory and keep them")
    parser.add_argument("--annotate-args", default="", help="extra options for reactivity annotate, e.g. '--no-basicity'")
    args = parser.parse_args()
    hits, others = _hit_smiles(args.hits_csv), _non_hit_smiles()
    with tempfile.TemporaryDirectory(prefix="bench_annotate_") as temp:
        workdir = args.keep or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"rdkit {rdBase.rdkitVersion}, python {sys.version.split()[0]}, {os.cpu_count()} cores; {len(hits)} hit and {len(others)} NCI structures")
        mixed = workdir / "mixed.sdf"
        n, n_hits = build_library(mixed, args.records, args.hit_fraction, hits, others)
        print(f"mixed library: {n} records, {n_hits} hits ({100 * n_hits / n:.1f} %), {mixed.stat().st_size / 1e6:.1f} MB")
        extra = args.annotate_args.split()
        if extra:
            print(f"annotate options: {' '.join(extra)}")
        bench(mixed, workdir, "mixed", args.jobs, not args.no_naive, extra)
        if not args.skip_full_hit:
            full = workdir / "all_hits.sdf"
            n, n_hits = build_library(full, args.records, 1.0, hits, others)
            print(f"100 %-hit library: {n} records, {full.stat().st_size / 1e6:.1f} MB")
            bench(full, workdir, "all-hits", args.jobs, False, extra)


if __name__ == "__main__":
    main()

"""Where the time of a record goes: each capability of ``annotate`` in one process, beside RDKit's own read of the
same records. Measures; asserts nothing.

Reads the first ``--records`` SD records of a library (default: the 100 %-hit library of ``bench_annotate.py``'s
cache) into memory once, then times in turn, ``--repeat`` times, in one process and one thread (no worker process,
no file output, no start-up):

- ``bare``: RDKit ``ForwardSDMolSupplier`` (sanitize on) over the same bytes, every molecule touched;
- ``sites``: ``annotate_and_render`` with ``stability=False, basicity=False`` (reading, the ring screen, perception,
  tags, SD text, compact ``RX_JSON``);
- ``sites+basicity``, ``sites+stability``: one scorer added;
- ``full``: the default annotation (both scorers, compact ``RX_JSON``);
- ``full, full JSON``: the same with ``json_detail="full"``.

Each line gives the median and the minimum over the repeats in microseconds per record and the median's ratio to the
bare read of the same run; the differences between lines are what one capability costs (``sites+basicity`` minus
``sites`` is the basicity scorer with its tags and JSON). The figures are per record of one process: the command line
also has its start-up and, with ``--jobs 1``, a second process that splits the file and writes the output.

``--instructions`` counts machine instructions instead of seconds (``valgrind --tool=callgrind``, which must be
installed): each step runs in its own process once with one pass over the records and once with two, and the
difference divided by the number of records is what one record costs, without the start-up and without the noise of
a shared machine (a 5 % change shows; wall times of this kind of machine vary by 10-20 % from run to run). It ignores
what instructions do not show (cache misses, memory traffic).

Usage::

    python benchmarks/bench_breakdown.py                         # 2,000 records of the 100 %-hit library
    python benchmarks/bench_breakdown.py --library LIB.sdf --records 5000 --repeat 5
    python benchmarks/bench_breakdown.py --instructions --records 300 --steps sites full
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdkit import Chem, rdBase


def default_library() -> Path:
    """The 10,000-record 100 %-hit library of ``bench_annotate.py`` (imported only when no ``--library`` is named:
    RDKit modules loaded into the process change its instruction counts by several per cent)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from distinct_library import GENERATOR_VERSION

    return (Path(tempfile.gettempdir()) / "reactivity_bench_libraries"
            / f"distinct_v{GENERATOR_VERSION}_10000_hits_hits_unique100.sdf")


def read_records(path: Path, count: int) -> list[bytes]:
    """The first ``count`` SD records of ``path``, each ending with its ``$$$$`` line."""
    records: list[bytes] = []
    current: list[bytes] = []
    with open(path, "rb") as handle:
        for line in handle:
            current.append(line)
            if line.startswith(b"$$$$"):
                records.append(b"".join(current))
                current = []
                if len(records) == count:
                    break
    return records


def bare_read(records: list[bytes]) -> Callable[[], None]:
    """RDKit's read of the records (``ForwardSDMolSupplier``, sanitize on), every molecule touched."""
    data = b"".join(records)

    def run() -> None:
        atoms = 0
        for mol in Chem.ForwardSDMolSupplier(io.BytesIO(data), sanitize=True):
            if mol is not None:
                atoms += mol.GetNumAtoms()

    return run


def annotation(records: list[bytes], **settings: object) -> Callable[[], None]:
    """``annotate_and_render`` of the records with these settings (chunks of 500, as the command line sends them)."""
    from reactivity.batch.annotate import AnnotateSettings, annotate_and_render

    chosen = AnnotateSettings(**settings)  # type: ignore[arg-type]

    def run() -> None:
        for start in range(0, len(records), 500):
            annotate_and_render(records[start:start + 500], chosen)

    return run


def _steps(records: list[bytes]) -> dict[str, Callable[[], None]]:
    return {
        "bare": bare_read(records),
        "sites": annotation(records, stability=False, basicity=False, json_detail="compact"),
        "sites+basicity": annotation(records, stability=False, basicity=True, json_detail="compact"),
        "sites+stability": annotation(records, stability=True, basicity=False, json_detail="compact"),
        "full": annotation(records, stability=True, basicity=True, json_detail="compact"),
        "full, full JSON": annotation(records, stability=True, basicity=True, json_detail="full"),
    }


def _collected(args: argparse.Namespace, step: str, passes: int) -> int:
    """Instructions callgrind counts for a process that makes ``passes`` passes of ``step`` over the records."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
               "--library", str(args.library), "--records", str(args.records), "--only", step, "--passes", str(passes)]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or found is None:
        raise SystemExit(f"callgrind failed ({run.returncode}): {run.stderr.strip().splitlines()[-1:]}")
    return int(found.group(1))


def count_instructions(args: argparse.Namespace, names: list[str]) -> None:
    """Machine instructions per record of each step: (two passes - one pass) / records."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    per_record = {}
    for name in names:
        per_record[name] = (_collected(args, name, 2) - _collected(args, name, 1)) / args.records
    bare = per_record["bare"]
    print(f"{args.library.name}: {args.records} records, machine instructions per record (callgrind; two passes "
          f"minus one pass)")
    print("| step | million instructions per record | ratio to bare |")
    print("|---|---|---|")
    for name, count in per_record.items():
        print(f"| {name} | {count / 1e6:.3f} | {count / bare:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", type=Path, default=None)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--instructions", action="store_true", help="count machine instructions (valgrind)")
    parser.add_argument("--steps", nargs="+", help="only these steps (bare is always measured)")
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one step, for --instructions
    parser.add_argument("--passes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.library is None:
        args.library = default_library()
    if not args.library.is_file():
        raise SystemExit(f"no library at {args.library}: build one with benchmarks/bench_annotate.py or name one")
    rdBase.DisableLog("rdApp.*")
    records = read_records(args.library, args.records)
    steps = _steps(records)
    if args.steps:
        unknown = set(args.steps) - set(steps)
        if unknown:
            raise SystemExit(f"unknown steps {sorted(unknown)}; known: {', '.join(steps)}")
        steps = {name: step for name, step in steps.items() if name == "bare" or name in args.steps}
    if args.only is not None:  # one process of --instructions: warm up, then the passes
        step = steps[args.only]
        step()
        for _ in range(args.passes):
            step()
        return
    if args.instructions:
        count_instructions(args, list(steps))
        return
    for step in steps.values():  # warm-up: rules compiled, models loaded
        step()
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.repeat):
        for name, step in steps.items():  # in turn, so a slow spell of the machine touches every step
            started = time.perf_counter()
            step()
            seconds[name].append(time.perf_counter() - started)
    per_record = {name: [s / len(records) * 1e6 for s in values] for name, values in seconds.items()}
    bare = statistics.median(per_record["bare"])
    print(f"{args.library.name}: {len(records)} records, rdkit {rdBase.rdkitVersion}, python {sys.version.split()[0]}, "
          f"median and minimum of {args.repeat}")
    print("| step | us per record (median) | minimum | ratio to bare (median) |")
    print("|---|---|---|---|")
    for name, values in per_record.items():
        median = statistics.median(values)
        print(f"| {name} | {median:,.0f} | {min(values):,.0f} | {median / bare:.2f} |")


if __name__ == "__main__":
    main()

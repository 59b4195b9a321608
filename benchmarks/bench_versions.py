"""Two versions of the code, one run: machine instructions per ring-bearing record of this checkout against an
earlier commit. Measures; asserts nothing.

Wall-time ratios on a shared 2-core machine move by 10-20 % from run to run and by more between sessions, so a
change of a few per cent between versions only shows in counted instructions. This script puts the earlier commit
(``--base``, any git revision) in a temporary worktree and a temporary virtual environment (the same dependencies:
the environment sees this interpreter's site-packages through a ``.pth`` file; only the ``reactivity`` package is
installed, without dependencies), then runs ``bench_breakdown.py --instructions`` from this checkout for both
versions in turn, on the same records, and prints each step's count for both and their ratio. Run it from the
project's virtual environment (``.venv/bin/python``), which must hold this checkout's package (``pip install -e .``)
and valgrind on the machine; it takes about six minutes per version and step set at 200 records.

Usage::

    python benchmarks/bench_versions.py --base HEAD~3 --library /tmp/reactivity_bench_libraries/LIB.sdf
    python benchmarks/bench_versions.py --base a488040 --records 200 --steps sites full --repeat 2

Without ``--library`` the 10,000-record 100 %-hit library of ``bench_breakdown.py`` is used (built when missing).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def parse_counts(text: str) -> dict[str, float]:
    """Million instructions per record of each step, from the table ``bench_breakdown.py --instructions`` prints.

    >>> table = "| step | million instructions per record | ratio to bare |\\n|---|---|---|\\n"
    >>> parse_counts(table + "| bare | 1.254 | 1.00 |\\n| full | 12.190 | 9.72 |")
    {'bare': 1.254, 'full': 12.19}
    """
    counts = {}
    for line in text.splitlines():
        found = re.match(r"\|\s*([^|]+?)\s*\|\s*([0-9.]+)\s*\|\s*[0-9.]+\s*\|$", line.strip())
        if found:
            counts[found.group(1)] = float(found.group(2))
    return counts


def _run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-3:]
        raise SystemExit(f"{' '.join(command[:4])} ... failed ({done.returncode}): {' / '.join(tail)}")
    return done.stdout


def base_environment(revision: str, scratch: Path) -> Path:
    """A virtual environment holding ``reactivity`` as it was at ``revision``; returns its Python."""
    worktree = scratch / "base"
    _run(["git", "worktree", "add", "--detach", str(worktree), revision], REPO)
    _run([sys.executable, "-m", "venv", str(scratch / "venv")], scratch)
    python = scratch / "venv" / "bin" / "python"
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], scratch).strip()
    Path(purelib, "reactivity_bench_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(worktree)], scratch)
    return python


def count(python: Path, library: Path, records: int, steps: list[str], scratch: Path) -> dict[str, float]:
    """``bench_breakdown.py --instructions`` of this checkout, run by ``python`` from a neutral folder (so that the
    ``reactivity`` it imports is the one installed for that interpreter)."""
    command = [str(python), str(HERE / "bench_breakdown.py"), "--instructions", "--library", str(library),
               "--records", str(records), "--steps", *steps]
    return parse_counts(_run(command, scratch))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the earlier git revision (commit, tag, HEAD~N)")
    parser.add_argument("--library", type=Path, default=None)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--steps", nargs="+", default=["sites", "full"])
    parser.add_argument("--repeat", type=int, default=1, help="counts of each version, taken in turn")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (apt-get install valgrind)")
    if args.library is None:
        sys.path.insert(0, str(HERE))
        from distinct_library import ensure_library

        args.library = ensure_library(Path(tempfile.gettempdir()) / "reactivity_bench_libraries", 10000, 1.0)
    library = args.library.resolve()
    with tempfile.TemporaryDirectory(prefix="reactivity_versions_") as folder:
        scratch = Path(folder)
        try:
            base_python = base_environment(args.base, scratch)
            runs: dict[str, list[dict[str, float]]] = {"base": [], "this checkout": []}
            for _ in range(args.repeat):
                runs["base"].append(count(base_python, library, args.records, args.steps, scratch))
                runs["this checkout"].append(count(Path(sys.executable), library, args.records, args.steps, scratch))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(scratch / "base")], cwd=REPO,
                           capture_output=True, check=False)
    print(f"{library.name}: {args.records} records; base {args.base}; million instructions per record "
          f"(callgrind, {args.repeat} count(s) of each version, taken in turn)")
    print("| step | base | this checkout | ratio |")
    print("|---|---|---|---|")
    for step in ["bare", *args.steps]:
        old = [run[step] for run in runs["base"]]
        new = [run[step] for run in runs["this checkout"]]
        mean_old, mean_new = sum(old) / len(old), sum(new) / len(new)
        print(f"| {step} | {' / '.join(f'{v:.3f}' for v in old)} | {' / '.join(f'{v:.3f}' for v in new)} | "
              f"{mean_new / mean_old:.3f} |")


if __name__ == "__main__":
    main()

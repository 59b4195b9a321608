"""Start-up cost of ``reactivity annotate``: wall time of a process that annotates ONE record. Asserts nothing.

For a one-record input the wall time of the whole process is the time to the
first record (interpreter start, imports, rule compilation, model load, one
record, exit). Measured next to the interpreter alone and to
``python -c "import rdkit.Chem"``, the least any RDKit-based tool pays; each
command runs ``--repeat`` times (default 7) in rotation, and the table gives the
minimum (least disturbed by other load) and the median:

- ``python -c pass``;
- ``python -c "import rdkit.Chem"``;
- ``annotate`` on one benzodiazepin-2-one (diazepam) record, full annotation;
- ``annotate`` on the same record with ``--no-stability --no-basicity``;
- ``annotate`` on one record without the ring (aspirin).

Bytecode: an installed package runs from compiled ``.pyc`` files (pip writes them at install time). When the
environment sets ``PYTHONDONTWRITEBYTECODE`` (some containers and CI machines do), every process would compile
the package's sources again, which no installed copy pays; so by default the commands run with a private bytecode
cache (``PYTHONPYCACHEPREFIX`` in the temporary directory, filled by one untimed run of each command first).
``--as-environment`` measures with the environment as it is instead.

Output goes to an SD file in a temporary directory. ``--importtime`` also runs
the full annotation once under ``python -X importtime`` and lists the imports
with the largest cumulative time (where start-up goes).

Usage::

    python benchmarks/bench_startup.py
    python benchmarks/bench_startup.py --repeat 15 --importtime
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


def _write_one(path: Path, smiles: str, name: str) -> None:
    from rdkit import Chem
    from rdkit.Chem import rdDepictor

    mol = Chem.MolFromSmiles(smiles)
    rdDepictor.Compute2DCoords(mol)
    mol.SetProp("_Name", name)
    writer = Chem.SDWriter(str(path))
    writer.write(mol)
    writer.close()


def _reactivity() -> list[str]:
    candidate = Path(sys.executable).with_name("reactivity")
    return [str(candidate)] if candidate.exists() else [sys.executable, "-m", "reactivity"]


def _wall(command: list[str], env: dict[str, str] | None = None) -> float | None:
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["(no message)"]
        print(f"failed ({done.returncode}): {' '.join(command)}: {message[0][:200]}", file=sys.stderr)
        return None
    return seconds


def _importtime(command: list[str], top: int) -> None:
    """Run ``command`` (a console script or ``python -m``) under ``-X importtime``; print the slowest imports."""
    argv = [sys.executable, "-X", "importtime", *(command[1:] if command[0] == sys.executable else command)]
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
        rows.append((int(cumulative_us), int(self_us), name.rstrip()))
    indent = min((len(name) - len(name.lstrip()) for _, _, name in rows), default=0)
    top_level = [row for row in rows if len(row[2]) - len(row[2].lstrip()) == indent]
    print(f"\nslowest top-level imports (cumulative ms, self ms) under -X importtime, {len(rows)} imports in all, "
          "summed over every process of the run (the CLI and the worker processes it starts inherit -X importtime):")
    for cumulative, own, name in sorted(top_level, reverse=True)[:top]:
        print(f"  {cumulative / 1000:8.1f} {own / 1000:8.1f}  {name.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--importtime", action="store_true", help="list the slowest imports of the full annotation")
    parser.add_argument("--top", type=int, default=15, help="how many imports --importtime lists")
    parser.add_argument("--as-environment", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE if the environment sets it (every run compiles the sources)")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench_startup_") as temp:
        hit, other, out = Path(temp) / "diazepam.sdf", Path(temp) / "aspirin.sdf", str(Path(temp) / "out.sdf")
        _write_one(hit, DIAZEPAM, "diazepam")
        _write_one(other, ASPIRIN, "aspirin")
        annotate = [*_reactivity(), "annotate", "-o", out, "--no-progress"]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import rdkit.Chem'": [sys.executable, "-c", "import rdkit.Chem"],
            "annotate, 1 hit record": [*annotate, str(hit)],
            "annotate --no-stability --no-basicity, 1 hit record": [*annotate, "--no-stability", "--no-basicity", str(hit)],
            "annotate, 1 record without the ring": [*annotate, str(other)],
        }
        env = None
        if os.environ.get("PYTHONDONTWRITEBYTECODE") and not args.as_environment:
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env["PYTHONPYCACHEPREFIX"] = str(Path(temp) / "pycache")
            for command in commands.values():  # untimed: fills the bytecode cache
                _wall(command, env)
            print("PYTHONDONTWRITEBYTECODE is set here: measuring with a private bytecode cache, as an installed package "
                  "runs (--as-environment to keep it)")
        elif os.environ.get("PYTHONDONTWRITEBYTECODE"):
            print("PYTHONDONTWRITEBYTECODE is set and kept: every run compiles the package's sources")
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(args.repeat):
            for label, command in commands.items():
                seconds = _wall(command, env)
                if seconds is not None:
                    times[label].append(seconds)
        reference = min(times["python -c 'import rdkit.Chem'"], default=None)
        print("\n| command | min s | median s | min / min of import rdkit.Chem | runs |")
        print("|---|---|---|---|---|")
        for label, values in times.items():
            if not values:
                print(f"| {label} | - | - | - | 0 (failed) |")
                continue
            ratio = f"{min(values) / reference:.2f}" if reference else "-"
            print(f"| {label} | {min(values):.3f} | {statistics.median(values):.3f} | {ratio} | {len(values)} |")
        if args.importtime:
            _importtime([*annotate, str(hit)], args.top)


if __name__ == "__main__":
    main()

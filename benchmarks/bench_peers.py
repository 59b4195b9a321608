"""``reactivity annotate`` beside the tools a user would otherwise run, on the same file in the same run.

Measures; asserts nothing. For each library (distinct molecules, see
``distinct_library.py``; by default 0 %, 20 % and 100 % ring-bearing records)
every peer below reads the same SD file and writes an SD file, each in its own
process, one job, in turn; the table gives wall seconds, records per second,
the ratio to the bare pass of the same run and the peak resident set of that
process (see ``measure.py``):

- ``bare``: RDKit ``ForwardSDMolSupplier`` (sanitize on), read only; the reference;
- ``rdkit_sdwriter``: RDKit read + ``SDWriter`` of every parsed molecule with one tag;
- ``openbabel``: ``obabel -isdf IN -osdf -O OUT`` (the ``openbabel-wheel`` package);
- ``filtercatalog``: RDKit read, ``FilterCatalog`` PAINS (A, B, C) + Brenk
  ``GetMatches`` on each molecule, write with a tag naming the alerts;
- ``medchem``: RDKit read, ``medchem.structural.CommonAlertsFilters`` on chunks
  of 1,000 molecules with ``n_jobs=1``, write with a tag;
- ``reos_glaxo``: RDKit read, medchem's REOS property ranges (``rule_of_reos``) on each
  molecule and its Glaxo unwanted-group alerts (``CommonAlertsFilters(alerts_set=["Glaxo"])``, chunks of 1,000,
  ``n_jobs=1``), write with two tags;
- ``chembl_checker``: split the raw records, ``chembl_structure_pipeline.checker.check_molblock``
  on each molblock, write the record with a tag;
- ``annotate``: ``reactivity annotate IN -o OUT.sdf --jobs 1 --no-progress``;
- ``annotate_sites``: the same with ``--no-stability --no-basicity``;
- ``annotate_compact``: the same as ``annotate`` with ``--json-detail compact``,
  only when ``reactivity annotate --help`` offers that option.

A peer whose package is not installed is skipped with a message (install them
into the project's venv for benchmarking only, e.g.
``.venv/bin/pip install openbabel-wheel medchem chembl_structure_pipeline``;
they are not dependencies of the project). A peer that fails is reported and
the others still run. ``--repeat N`` runs the whole set N times in rotation and
reports the median of each peer (ratios from the medians).

Usage::

    python benchmarks/bench_peers.py                                   # 50,000 records, 0/20/100 % hits
    python benchmarks/bench_peers.py --records 5000 --hit-fractions 0.2
    python benchmarks/bench_peers.py --library my.sdf --peers bare annotate
    python benchmarks/bench_peers.py --records 10000 --json results.json

The machine's load average is printed first: figures from a loaded machine are
noisy, ratios within one run less so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from distinct_library import count_distinct, ensure_library  # noqa: E402
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
        n += 1
print("records", n)
"""

RDKIT_SDWRITER = """
import sys
from rdkit import Chem, rdBase
rdBase.DisableLog("rdApp.*")
n = 0
writer = Chem.SDWriter(sys.argv[2])
for mol in Chem.ForwardSDMolSupplier(sys.argv[1], sanitize=True):
    if mol is not None:
        mol.SetProp("STATUS", "read")
        writer.write(mol)
        n += 1
writer.close()
print("records", n)
"""

FILTERCATALOG = """
import sys
from rdkit import Chem, rdBase
from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams
rdBase.DisableLog("rdApp.*")
params = FilterCatalogParams()
params.AddCatalog(FilterCatalogParams.FilterCatalogs.PAINS)
params.AddCatalog(FilterCatalogParams.FilterCatalogs.BRENK)
catalog = FilterCatalog(params)
n = 0
writer = Chem.SDWriter(sys.argv[2])
for mol in Chem.ForwardSDMolSupplier(sys.argv[1], sanitize=True):
    if mol is not None:
        mol.SetProp("ALERTS", "; ".join(match.GetDescription() for match in catalog.GetMatches(mol)))
        writer.write(mol)
        n += 1
writer.close()
print("records", n)
"""

# argv: IN OUT ALERT_SETS ("default" or comma-separated medchem rule-set names) REOS ("reos" adds the REOS ranges)
MEDCHEM = """
import sys
from rdkit import Chem, rdBase
from medchem.structural import CommonAlertsFilters
rdBase.DisableLog("rdApp.*")
alerts = CommonAlertsFilters(alerts_set=None if sys.argv[3] == "default" else sys.argv[3].split(","))
if sys.argv[4] == "reos":
    from medchem.rules.basic_rules import rule_of_reos
writer = Chem.SDWriter(sys.argv[2])
n = 0
def flush(chunk):
    global n
    if not chunk:
        return
    frame = alerts(chunk, n_jobs=1, progress=False)
    for mol, reasons in zip(chunk, frame["reasons"]):
        if sys.argv[4] == "reos":
            mol.SetProp("REOS", "pass" if rule_of_reos(mol) else "fail")
        mol.SetProp("ALERTS", str(reasons or ""))
        writer.write(mol)
        n += 1
chunk = []
for mol in Chem.ForwardSDMolSupplier(sys.argv[1], sanitize=True):
    if mol is not None:
        chunk.append(mol)
        if len(chunk) == 1000:
            flush(chunk)
            chunk = []
flush(chunk)
writer.close()
print("records", n)
"""

CHEMBL_CHECKER = """
import sys
from rdkit import rdBase
from chembl_structure_pipeline import checker
rdBase.DisableLog("rdApp.*")
n = 0
with open(sys.argv[1]) as source, open(sys.argv[2], "w") as out:
    lines = []
    for line in source:
        if line.startswith("$$$$"):
            record = "".join(lines)
            end = record.find("M  END")
            molblock = record[: end + 6] if end >= 0 else record
            issues = checker.check_molblock(molblock)
            out.write(record + ">  <CHECKER>\\n" + "; ".join(f"{score} {text}" for score, text in issues) + "\\n\\n$$$$\\n")
            n += 1
            lines = []
        else:
            lines.append(line)
print("records", n)
"""


@dataclass
class Result:
    library: str
    peer: str
    seconds: float | None
    records: int | None
    peak_rss_mb: float | None
    note: str = ""


def _console_script(name: str) -> str | None:
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else None


def _reactivity() -> list[str]:
    script = _console_script("reactivity")
    return [script] if script else [sys.executable, "-m", "reactivity"]


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _annotate_offers(option: str) -> bool:
    try:
        done = subprocess.run([*_reactivity(), "annotate", "--help"], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "COLUMNS": "200"})
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in done.stdout


def peers(annotate_extra: list[str]) -> dict[str, tuple[list[str] | None, str]]:
    """Peer name -> (command with IN/OUT placeholders, or None when unavailable; reason when unavailable)."""
    python = sys.executable
    obabel = _console_script("obabel")
    annotate = [*_reactivity(), "annotate", "IN", "-o", "OUT", "--jobs", "1", "--no-progress", *annotate_extra]
    table: dict[str, tuple[list[str] | None, str]] = {
        "bare": ([python, "-c", BARE, "IN"], ""),
        "rdkit_sdwriter": ([python, "-c", RDKIT_SDWRITER, "IN", "OUT"], ""),
        "openbabel": (([obabel, "-isdf", "IN", "-osdf", "-O", "OUT"], "") if obabel and _has_module("openbabel")
                      else (None, "openbabel-wheel not installed")),
        "filtercatalog": ([python, "-c", FILTERCATALOG, "IN", "OUT"], ""),
        "medchem": (([python, "-c", MEDCHEM, "IN", "OUT", "default", "-"], "") if _has_module("medchem")
                    else (None, "medchem not installed")),
        "reos_glaxo": (([python, "-c", MEDCHEM, "IN", "OUT", "Glaxo", "reos"], "") if _has_module("medchem")
                       else (None, "medchem not installed")),
        "chembl_checker": (([python, "-c", CHEMBL_CHECKER, "IN", "OUT"], "") if _has_module("chembl_structure_pipeline")
                           else (None, "chembl_structure_pipeline not installed")),
        "annotate": (annotate, ""),
        "annotate_sites": ([*annotate, "--no-stability", "--no-basicity"], ""),
    }
    if _annotate_offers("--json-detail"):
        table["annotate_compact"] = ([*annotate, "--json-detail", "compact"], "")
    else:
        table["annotate_compact"] = (None, "reactivity annotate has no --json-detail option yet")
    return table


def _count_sd_records(path: Path) -> int | None:
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b"$$$$"))


def _timed_peer(name: str, command: list[str], library: Path, out: Path) -> Result:
    """Run one peer: wall seconds, records written (read, for ``bare``), peak RSS of the peer (MB)."""
    argv = [str(library) if a == "IN" else str(out) if a == "OUT" else a for a in command]
    out.unlink(missing_ok=True)
    run = run_measured(argv)
    if run.returncode:
        return Result(library.name, name, None, None, None, f"failed with exit code {run.returncode}: {run.last_error_line()}")
    records = next((int(line.split()[1]) for line in run.stdout.splitlines() if line.startswith("records ")), None)
    if records is None:
        records = _count_sd_records(out)
    return Result(library.name, name, run.seconds, records, run.peak_rss_mb)


def _median_result(results: list[Result]) -> Result:
    ok = [r for r in results if r.seconds is not None]
    if not ok:
        return results[0]
    seconds = statistics.median(r.seconds for r in ok)
    rss = max((r.peak_rss_mb for r in ok if r.peak_rss_mb is not None), default=None)
    note = f"median of {len(ok)}" if len(ok) > 1 else ""
    return Result(ok[0].library, ok[0].peer, seconds, ok[0].records, rss, note)


def _print_table(results: list[Result], n_records: int, label: str) -> None:
    bare = next((r.seconds for r in results if r.peer == "bare" and r.seconds), None)
    print(f"\n{label}")
    print("| peer | seconds | records/s | ratio to bare | peak RSS MB | records out | note |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        if r.seconds is None:
            print(f"| {r.peer} | - | - | - | - | - | {r.note} |")
            continue
        ratio = f"{r.seconds / bare:.2f}" if bare else "-"
        rss = f"{r.peak_rss_mb:.0f}" if r.peak_rss_mb is not None else "-"
        print(f"| {r.peer} | {r.seconds:.2f} | {n_records / r.seconds:,.0f} | {ratio} | {rss} | {r.records} | {r.note} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000, help="records per library (default 50,000)")
    parser.add_argument("--hit-fractions", type=float, nargs="+", default=[0.0, 0.2, 1.0])
    parser.add_argument("--library", type=Path, nargs="+", default=None, help="use these SD files instead of building libraries")
    parser.add_argument("--library-dir", type=Path, default=DEFAULT_CACHE, help=f"cache of built libraries (default {DEFAULT_CACHE})")
    parser.add_argument("--hits-csv", type=Path, default=DEFAULT_HITS_CSV,
                        help="extra ring-bearing parents for the libraries (CSV, smiles column; used when the file exists; "
                             f"default {DEFAULT_HITS_CSV})")
    parser.add_argument("--peers", nargs="+", default=None, help="run only these peers (bare is always run)")
    parser.add_argument("--repeat", type=int, default=1, help="run every peer this many times, report the median")
    parser.add_argument("--annotate-args", default="", help="extra options for every reactivity annotate run")
    parser.add_argument("--no-check-distinct", action="store_true", help="do not count the distinct structures of each library")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    args = parser.parse_args()

    load = os.getloadavg()
    from rdkit import rdBase

    print(f"rdkit {rdBase.rdkitVersion}, python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    table = peers(args.annotate_args.split())
    wanted = list(table) if args.peers is None else ["bare", *[p for p in args.peers if p != "bare"]]
    unknown = [p for p in wanted if p not in table]
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(unknown)}; known: {', '.join(table)}")
    for name in wanted:
        if table[name][0] is None:
            print(f"skipped {name}: {table[name][1]}")
    runnable = [name for name in wanted if table[name][0] is not None]

    if args.library:
        libraries = [(path, None) for path in args.library]
    else:
        hits_csv = args.hits_csv if args.hits_csv is not None and args.hits_csv.is_file() else None
        print(f"libraries in {args.library_dir} (built when missing; hit parents: tests/data"
              f"{' + ' + str(hits_csv) if hits_csv else ''}):")
        libraries = [(ensure_library(args.library_dir, args.records, f, hits_csv, log=print), f) for f in args.hit_fractions]

    everything: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench_peers_") as temp:
        for library, fraction in libraries:
            n_records = _count_sd_records(library) or 0
            if not args.no_check_distinct:
                read, parsed, distinct = count_distinct(library)
                print(f"{library.name}: {read} records, {parsed} parsed by RDKit, {distinct} distinct canonical SMILES")
            runs: dict[str, list[Result]] = {name: [] for name in runnable}
            for _ in range(args.repeat):
                for name in runnable:
                    runs[name].append(_timed_peer(name, table[name][0], library, Path(temp) / f"{name}.sdf"))
            results = [_median_result(runs[name]) for name in runnable]
            label = f"{library.name}: {n_records} records" + (f", {100 * fraction:.0f} % hits" if fraction is not None else "")
            _print_table(results, n_records, label)
            everything.extend(results)
    if args.json:
        args.json.write_text(json.dumps({"load_average": load, "results": [asdict(r) for r in everything]}, indent=1))


if __name__ == "__main__":
    main()

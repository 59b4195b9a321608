"""Perception cost, measured as ratios in one run (no absolute claims: shared, noisy machines).

(1) Rejection: perceive() on molecules without the ring versus one bare HasSubstructMatch of the core SMARTS
    on the same molecules (RDKit's shipped NCI first_5K set). A ratio near 1 means rejection costs one search.
(2) Hits: median wall time of perceive() per ring-bearing molecule (the shared corpus hits, or --smiles FILE),
    next to the median time of parsing the same SMILES, for scale.
(3) Corpus check: every hit has at least one ring, every near miss none (with --corpus DIR).

    python benchmarks/bench_perception.py --corpus ../shared/corpus
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from rdkit import Chem, RDConfig, RDLogger

import reactivity
from reactivity.rules import load_site_rules


def _nci_molecules(limit: int) -> list[Chem.Mol]:
    path = Path(RDConfig.RDDataDir) / "NCI" / "first_5K.smi"
    mols = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            mol = Chem.MolFromSmiles(line.split()[0]) if line.strip() else None
            if mol is not None:
                mols.append(mol)
            if len(mols) >= limit:
                break
    return mols


def _per_molecule_times(function, mols, repeats: int) -> list[float]:
    times = []
    for mol in mols:
        start = time.perf_counter()
        for _ in range(repeats):
            function(mol)
        times.append((time.perf_counter() - start) / repeats)
    return times


def main() -> None:
    RDLogger.DisableLog("rdApp.*")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    core = load_site_rules().core.pattern
    reactivity.perceive(Chem.MolFromSmiles("O=C1CNCCCN1"))  # load rules outside the timed region

    nci = [m for m in _nci_molecules(5000) if not m.HasSubstructMatch(core)]
    t_search = _per_molecule_times(lambda m: m.HasSubstructMatch(core), nci, args.repeats)
    t_reject = _per_molecule_times(reactivity.perceive, nci, args.repeats)
    print(f"rejection: {len(nci)} NCI molecules without the ring")
    print(f"  one core substructure search: total {sum(t_search) * 1e3:.1f} ms, median {statistics.median(t_search) * 1e6:.1f} us")
    print(f"  perceive():                   total {sum(t_reject) * 1e3:.1f} ms, median {statistics.median(t_reject) * 1e6:.1f} us")
    print(f"  ratio perceive / one search (totals): {sum(t_reject) / sum(t_search):.2f}")

    hits_file = args.corpus / "hits_unique.csv"
    if not hits_file.is_file():
        print(f"no corpus at {args.corpus}: skipping the hit timings")
        return
    with open(hits_file, newline="", encoding="utf-8") as handle:
        smiles = [row["smiles"] for row in csv.DictReader(handle)]
    hits = [Chem.MolFromSmiles(s) for s in smiles]
    t_parse = []
    for s in smiles:
        start = time.perf_counter()
        Chem.MolFromSmiles(s)
        t_parse.append(time.perf_counter() - start)
    t_hit = _per_molecule_times(reactivity.perceive, hits, args.repeats)
    without_ring = sum(1 for m in hits if not reactivity.perceive(m))
    print(f"hits: {len(hits)} corpus structures, {without_ring} without a ring")
    print(f"  perceive() median {statistics.median(t_hit) * 1e3:.3f} ms, p90 {sorted(t_hit)[int(0.9 * len(t_hit))] * 1e3:.3f} ms")
    print(f"  SMILES parse median {statistics.median(t_parse) * 1e3:.3f} ms (for scale)")

    near_file = args.corpus / "nearmiss.csv"
    with open(near_file, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with_ring = unnamed = 0
    for row in rows:
        mol = Chem.MolFromSmiles(row["smiles"])
        with_ring += bool(reactivity.perceive(mol))
        unnamed += not reactivity.related_scaffolds(mol)
    print(f"near misses: {len(rows)}, with a ring: {with_ring}, without a related-scaffold name: {unnamed}")


if __name__ == "__main__":
    main()

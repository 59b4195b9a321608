"""Derivatization planner throughput: plans per second and products per second (one short run).

(1) Plans: plan_derivatization(mol, reaction) without a reagent, for every molecule and each of the ten classes.
(2) Products: enumerate_products(molecules, "acylation", 20 acylating reagents), every (molecule, reagent) pair,
    product SMILES and its species description (formula, [M+H]+) included.

Molecules: 50 built-in ring-bearing molecules (five scaffolds x ten substituents), or the first N hits of the
shared corpus with --corpus DIR (hits_unique.csv).

    python benchmarks/bench_derivatize.py
    python benchmarks/bench_derivatize.py --corpus ../shared/corpus --limit 200
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from rdkit import Chem, RDLogger

from reactivity.derivatization import enumerate_products, plan_derivatization, reaction_names

SCAFFOLDS = ["O=C1CNCC({R})CN1", "O=C1CNC({R})CCN1", "O=C1C({R})NCCCN1", "O=C1CNCc2cc({R})ccc2N1", "O=C1CN(C{R})CCCN1"]
SUBSTITUENTS = ["C", "CC", "C(C)C", "c1ccccc1", "OC", "F", "CO", "C#N", "C(F)(F)F", "Cc1ccccc1"]
REAGENTS = [
    "CC(=O)Cl", "O=C(Cl)c1ccccc1", "CCC(=O)Cl", "O=C(Cl)C1CC1", "O=C(Cl)c1ccncc1", "CC(=O)OC(C)=O",
    "CC(=O)ON1C(=O)CCC1=O", "OC(=O)c1ccccc1", "CC(=O)O", "OC(=O)C1CCCCC1", "OC(=O)c1ccc(F)cc1",
    "OC(=O)Cc1ccccc1", "COCC(=O)O", "OC(=O)c1cccs1", "CC(C)C(=O)Cl", "O=C(Cl)c1ccc(Cl)cc1",
    "OC(=O)c1ccco1", "CC(C)(C)CC(=O)O", "OC(=O)C1CCOCC1", "O=C(O)c1ccc2ccccc2c1",
]


def _molecules(corpus: Path | None, limit: int) -> list[Chem.Mol]:
    if corpus is None:
        return [Chem.MolFromSmiles(s.format(R=r)) for s in SCAFFOLDS for r in SUBSTITUENTS][:limit]
    mols = []
    with open(corpus / "hits_unique.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            mol = Chem.MolFromSmiles(row["smiles"])
            if mol is not None:
                mols.append(mol)
            if len(mols) >= limit:
                break
    return mols


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="shared corpus folder (hits_unique.csv)")
    parser.add_argument("--limit", type=int, default=50, help="number of molecules")
    args = parser.parse_args()
    RDLogger.DisableLog("rdApp.*")
    mols = _molecules(args.corpus, args.limit)
    plan_derivatization(mols[0], "acylation", "CC(=O)Cl")  # load and compile the rules outside the timing

    started = time.perf_counter()
    plans = 0
    outcomes: dict[str, int] = {}
    for reaction in reaction_names():
        for mol in mols:
            outcome = plan_derivatization(mol, reaction).outcome
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            plans += 1
    plan_seconds = time.perf_counter() - started

    started = time.perf_counter()
    records = list(enumerate_products(mols, "acylation", REAGENTS))
    product_seconds = time.perf_counter() - started
    products = sum(1 for r in records if r.plan is not None and r.plan.product_smiles)

    print(f"molecules: {len(mols)} ({'corpus hits' if args.corpus else 'built-in set'})")
    print(f"plans: {plans} ({len(reaction_names())} classes x {len(mols)} molecules) in {plan_seconds:.2f} s "
          f"= {plans / plan_seconds:.0f} plans/s; outcomes {dict(sorted(outcomes.items()))}")
    print(f"enumeration: {len(records)} records ({len(mols)} x {len(REAGENTS)} reagents), {products} products "
          f"in {product_seconds:.2f} s = {len(records) / product_seconds:.0f} records/s, "
          f"{products / product_seconds:.0f} products/s")


if __name__ == "__main__":
    main()

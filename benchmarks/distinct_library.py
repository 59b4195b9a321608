"""Benchmark SD libraries in which every record is a DIFFERENT molecule. Measures nothing itself.

Why: a library that cycles a few thousand structures lets any cache keyed by
structure look like a large speed-up that no real collection would see. Every
library built here holds ``--records`` records with pairwise distinct canonical
SMILES (checked after writing, by reading the file back with RDKit).

Where the molecules come from (nothing large is stored in the repository; all
inputs ship with the RDKit wheel or sit in ``tests/data/``):

- molecules without the 1,4-diazepan-2-one ring ("others"): RDKit's
  ``Data/NCI/first_5K.smi``, ``Data/Pains/test_data/wehi_mols.csv`` and the
  small SMILES sets under ``Contrib/`` (``Fastcluster/cdk2.smi``,
  ``fraggle/data/ChEMBL_11265_actives.smi``, ``FreeWilson/data/CHEMBL2321810.smi``),
  plus the near misses of ``tests/data/corpus_nearmiss_slice.csv``;
- ring-bearing molecules ("hits"): the corpus hits of
  ``tests/data/corpus_hits_slice.csv``, a few public-domain benzodiazepin-2-ones
  and, optionally, ``--hits-csv`` (a CSV with a ``smiles`` column);
- both sets are grown by enumeration: RDKit reactions put one substituent
  (F, Cl, Br, CH3, OCH3, CF3, CN, OH, NH2, ethyl) on an aromatic C-H, a methyl or
  fluorine on a ring CH2, or a methyl on an N-H, applied breadth first (one,
  then two, then three substitutions) and taken round-robin over the parents so
  that the library stays diverse. A hit variant must still contain the ring
  (the core SMARTS below) and an "other" variant must not, in any drawing (a lactim
  drawing of the ring is neither: see ``OTHER_EXCLUDED_SMARTS``).

Records are written by RDKit's ``SDWriter`` with 2D coordinates, a title
``LIB-0000001`` ..., and tags ``ID`` and ``SOURCE`` (``hit``/``other``). Hits
sit at random positions (fixed seed); their number is exactly
``round(records * hit_fraction)``.

Usage::

    python benchmarks/distinct_library.py --records 50000 --hit-fraction 0.2 -o lib.sdf
    python benchmarks/distinct_library.py --records 2000 --hit-fraction 1.0 -o hits.sdf --check

Other scripts use :func:`ensure_library`, which caches the pools of SMILES and
the SD files in a directory (``--library-dir``) so that a rerun does not
enumerate again.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdkit import Chem, RDConfig, rdBase
from rdkit.Chem import AllChem, rdDepictor

GENERATOR_VERSION = 3
REPO = Path(__file__).resolve().parent.parent
CORE_SMARTS = "[#7;R]1~[#6;R](=[#8])~[#6;R]~[#7;R]~[#6;R]~[#6;R]~[#6;R]~1"
# An "other" must not hold the ring in any drawing the tool reads as the lactam either: a C2 with any bond to an
# exocyclic oxygen covers the lactim (2-hydroxy-imine) and imidate drawings. Version 2 let 19 lactim drawings of
# 1,4-benzodiazepine-2,5-diones into the 50,000-record "0 %" library, which the tool rightly annotates as rings.
OTHER_EXCLUDED_SMARTS = "[#7;R]1~[#6;R](~[#8;!R])~[#6;R]~[#7;R]~[#6;R]~[#6;R]~[#6;R]~1"
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
# One substituent per reaction; the mapped atom keeps its other bonds.
SUBSTITUTIONS = (
    *(f"[c;H1:1]>>[c:1]{group}" for group in ("F", "Cl", "C", "OC", "C(F)(F)F", "C#N", "Br", "O", "N", "CC")),
    "[C;R;H2;X4:1]>>[C:1]C",
    "[C;R;H2;X4:1]>>[C:1]F",
    "[N;H1;X3;!$(N-[#6]=[#7,#8,#16]);!$(N=*):1]>>[N:1]C",  # amine N-H (not amide, urea, amidine)
    "[N;H1;X3;$(N-C=O):1]>>[N:1]C",  # amide N-H
)
MAX_HEAVY_ATOMS = 70


def _rdkit_file(*parts: str) -> Path:
    return Path(RDConfig.RDDataDir if parts[0] == "Data" else RDConfig.RDContribDir).joinpath(*parts[1:])


def _smiles_column(path: Path, column: int, delimiter: str | None = None, skip_header: bool = False) -> list[str]:
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        lines = iter(handle)
        if skip_header:
            next(lines, None)
        for line in lines:
            if delimiter == ",":
                fields = next(csv.reader([line]), [])
            else:
                fields = line.split()
            if len(fields) > column and fields[column].strip():
                out.append(fields[column].strip())
    return out


def _csv_smiles(path: Path) -> list[str]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [row["smiles"] for row in csv.DictReader(handle) if row.get("smiles")]


def other_parent_smiles() -> list[str]:
    """Molecules without the ring: RDKit's shipped sets and the near misses in ``tests/data``."""
    return [
        *_smiles_column(_rdkit_file("Data", "NCI", "first_5K.smi"), 0),
        *_smiles_column(_rdkit_file("Data", "Pains", "test_data", "wehi_mols.csv"), 0, ","),
        *_smiles_column(_rdkit_file("Contrib", "Fastcluster", "cdk2.smi"), 1),
        *_smiles_column(_rdkit_file("Contrib", "fraggle", "data", "ChEMBL_11265_actives.smi"), 0),
        *_smiles_column(_rdkit_file("Contrib", "FreeWilson", "data", "CHEMBL2321810.smi"), 0),
        *_csv_smiles(REPO / "tests" / "data" / "corpus_nearmiss_slice.csv"),
    ]


def hit_parent_smiles(hits_csv: Path | None = None) -> list[str]:
    """Ring-bearing molecules: corpus hits in ``tests/data``, built-in examples, optional extra CSV."""
    extra = _csv_smiles(hits_csv) if hits_csv is not None else []
    return [*_csv_smiles(REPO / "tests" / "data" / "corpus_hits_slice.csv"), *BUILTIN_HITS, *extra]


def _canonical(mol: Chem.Mol) -> str | None:
    try:
        Chem.SanitizeMol(mol)
        return Chem.MolToSmiles(mol)
    except Exception:  # noqa: BLE001 - any failed product is simply not used
        return None


def _wanted(mol: Chem.Mol, want_core: bool, core: Chem.Mol, excluded: Chem.Mol) -> bool:
    """A hit holds the lactam core; an "other" holds no drawing of the ring (``OTHER_EXCLUDED_SMARTS``)."""
    return mol.HasSubstructMatch(core) if want_core else not mol.HasSubstructMatch(excluded)


def _variants(
    parent: Chem.Mol, reactions: list, want_core: bool, core: Chem.Mol, excluded: Chem.Mol, limit: int
) -> Iterator[str]:
    """Distinct canonical SMILES of ``parent`` and its substitution products, breadth first; expansion stops once about ``limit`` are known.

    The substitutions are tried in an order shuffled per molecule (seeded by its SMILES, so the result does
    not depend on the run) so that a small ``limit`` still gives varied substituents.
    """
    start = Chem.MolToSmiles(parent)
    seen = {start}
    queue = deque([start])
    while queue:
        smiles = queue.popleft()
        yield smiles
        if len(seen) >= limit:
            continue
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            continue
        order = list(reactions)
        random.Random(zlib.crc32(smiles.encode())).shuffle(order)
        for reaction in order:
            if len(seen) >= limit:
                break
            for (product,) in reaction.RunReactants((mol,)):
                if product.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS:
                    continue
                child = _canonical(product)
                if child is None or child in seen:
                    continue
                if not _wanted(product, want_core, core, excluded):
                    continue
                seen.add(child)
                queue.append(child)


def distinct_pool(parents: Iterable[str], size: int, want_core: bool, seed: int = 7) -> list[str]:
    """``size`` distinct canonical SMILES grown from ``parents`` (round-robin over parents, breadth first)."""
    core = Chem.MolFromSmarts(CORE_SMARTS)
    excluded = Chem.MolFromSmarts(OTHER_EXCLUDED_SMARTS)
    reactions = [AllChem.ReactionFromSmarts(smarts) for smarts in SUBSTITUTIONS]
    unique: dict[str, Chem.Mol] = {}
    with rdBase.BlockLogs():
        for smiles in parents:
            mol = Chem.MolFromSmiles(smiles)
            if mol is None or mol.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS or not _wanted(mol, want_core, core, excluded):
                continue
            unique.setdefault(Chem.MolToSmiles(mol), mol)
        if not unique:
            raise SystemExit("no usable parent molecule")
        order = list(unique.values())
        random.Random(seed).shuffle(order)
        per_parent = max(4, 3 * size // len(order) + 4)
        generators = deque(_variants(mol, reactions, want_core, core, excluded, per_parent) for mol in order)
        pool: dict[str, None] = {}
        while generators and len(pool) < size:
            generator = generators.popleft()
            for smiles in generator:
                if smiles not in pool:
                    pool[smiles] = None
                    generators.append(generator)
                    break
    if len(pool) < size:
        raise SystemExit(f"only {len(pool)} distinct {'hit' if want_core else 'other'} molecules could be made, {size} asked")
    return list(pool)


def write_library(path: Path, hits: list[str], others: list[str], records: int, hit_fraction: float, seed: int = 7) -> tuple[int, int]:
    """Write ``records`` SD records (exactly ``round(records * hit_fraction)`` hits); return (records, hits)."""
    n_hits = round(records * hit_fraction)
    if n_hits > len(hits) or records - n_hits > len(others):
        raise ValueError("pools too small for this library")
    kinds = [True] * n_hits + [False] * (records - n_hits)
    random.Random(seed).shuffle(kinds)
    hit_iter, other_iter = iter(hits[:n_hits]), iter(others[: records - n_hits])
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".part")
    with rdBase.BlockLogs():
        writer = Chem.SDWriter(str(temp))
        for i, is_hit in enumerate(kinds, start=1):
            mol = Chem.MolFromSmiles(next(hit_iter) if is_hit else next(other_iter))
            rdDepictor.Compute2DCoords(mol)
            mol.SetProp("_Name", f"LIB-{i:07d}")
            mol.SetProp("ID", f"LIB-{i:07d}")
            mol.SetProp("SOURCE", "hit" if is_hit else "other")
            writer.write(mol)
        writer.close()
    temp.replace(path)
    return records, n_hits


def count_distinct(path: Path) -> tuple[int, int, int]:
    """(records read, records parsed, distinct canonical SMILES) of an SD file, read back with RDKit."""
    records = parsed = 0
    seen: set[str] = set()
    with rdBase.BlockLogs():
        for mol in Chem.ForwardSDMolSupplier(str(path)):
            records += 1
            if mol is not None:
                parsed += 1
                seen.add(Chem.MolToSmiles(mol))
    return records, parsed, len(seen)


def _pool(cache: Path, name: str, size: int, parents: list[str], want_core: bool, log) -> list[str]:
    """A pool of at least ``size`` SMILES, cached as ``cache/name.smi`` (grown again if too small)."""
    path = cache / f"{name}.v{GENERATOR_VERSION}.smi"
    if path.is_file():
        cached = path.read_text().split()
        if len(cached) >= size:
            return cached[:size]
    started = time.perf_counter()
    pool = distinct_pool(parents, size, want_core)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(pool) + "\n")
    log(f"  {name}: {len(pool)} distinct SMILES enumerated in {time.perf_counter() - started:.1f} s")
    return pool


def ensure_library(cache: Path, records: int, hit_fraction: float, hits_csv: Path | None = None, log=print) -> Path:
    """Path of a cached distinct library (built when missing)."""
    hit_name = "hits" if hits_csv is None else f"hits_{hits_csv.stem}"
    path = cache / f"distinct_v{GENERATOR_VERSION}_{records}_{hit_name}{round(100 * hit_fraction)}.sdf"
    if path.is_file():
        return path
    n_hits = round(records * hit_fraction)
    hits = _pool(cache, hit_name, n_hits, hit_parent_smiles(hits_csv), True, log) if n_hits else []
    others = _pool(cache, "others", records - n_hits, other_parent_smiles(), False, log) if records > n_hits else []
    started = time.perf_counter()
    write_library(path, hits, others, records, hit_fraction)
    log(f"  wrote {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--hit-fraction", type=float, default=0.2)
    parser.add_argument("--hits-csv", type=Path, default=None, help="extra ring-bearing parents (CSV with a smiles column)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="SD file to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="read the file back and count distinct canonical SMILES")
    args = parser.parse_args()
    started = time.perf_counter()
    n_hits = round(args.records * args.hit_fraction)
    hits = distinct_pool(hit_parent_smiles(args.hits_csv), n_hits, True, args.seed) if n_hits else []
    others = distinct_pool(other_parent_smiles(), args.records - n_hits, False, args.seed) if args.records > n_hits else []
    write_library(args.output, hits, others, args.records, args.hit_fraction, args.seed)
    print(f"{args.output}: {args.records} records, {n_hits} hits, {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.check:
        records, parsed, distinct = count_distinct(args.output)
        print(f"read back: {records} records, {parsed} parsed, {distinct} distinct canonical SMILES", file=sys.stderr)


if __name__ == "__main__":
    main()

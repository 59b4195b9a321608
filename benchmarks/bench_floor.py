"""Lower bound of ``reactivity annotate`` in Python: the SMARTS work its tags need, and nothing else. Asserts nothing.

Issue 3 asks for (b)/(a) <= 1.3, where (a) is a bare RDKit pass over an SD
file and (b) is ``reactivity annotate``. This script measures, in one run and
on the same library as ``bench_annotate.py``, a *floor* script (f) that does
only what no implementation of the SD output contract can skip:

- split the file into raw records (the output must copy every record byte for byte);
- parse and sanitize each molblock (``RX_STATUS`` error/ok needs it);
- one core substructure search per molecule (ring or no ring);
- for each hit, one ``GetSubstructMatches`` call per packaged rule that a tag
  depends on (N1 and N4 classes, C2 activation, competing sites, basic sites
  and acidic groups for ``RX_N4_PKA``): no Python logic on the matches, no
  free-base view, no stereo, no pKa features or model, no stability, no JSON;
- for a molecule without the ring but with a ring nitrogen, the near-miss
  naming of ``RX_RELATED_SCAFFOLD`` (``related_scaffolds``, as ``annotate`` does);
- write each record with a constant tag block.

If (f)/(a) is already above the target, no Python implementation that keeps
these tags can meet it; the gap between (f) and (b) is what the rest of the
annotation (classification logic, pKa model, stability, JSON) costs.

Usage::

    python benchmarks/bench_floor.py                 # 50,000 records, 20 % hits
    python benchmarks/bench_floor.py --records 5000 --hit-fraction 0.0
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_annotate import BARE, DEFAULT_HITS_CSV, _hit_smiles, _non_hit_smiles, build_library, timed  # noqa: E402

FLOOR = """
import sys
from rdkit import Chem, rdBase
from reactivity.basicity import acid_rules, site_rules
from reactivity.batch.annotate import parse_sd_record
from reactivity.batch.records import iter_sd_records
from reactivity.perception import related_scaffolds
from reactivity.rules import load_site_rules

rules = load_site_rules()
core = rules.core.pattern
hit_patterns = [r.pattern for r in (*rules.site_rules, *rules.competing, *site_rules(), *acid_rules())]
ring_nitrogen = Chem.MolFromSmarts("[#7;R]")
TAGS = b">  <RX_STATUS>\\nok\\n\\n"
hits = 0
with open(sys.argv[1], "rb") as source, open(sys.argv[2], "wb") as out, rdBase.BlockLogs():
    for record in iter_sd_records(source):
        mol, error, _ = parse_sd_record(record.raw)
        if mol is not None and mol.HasSubstructMatch(core):
            hits += 1
            for pattern in hit_patterns:
                mol.GetSubstructMatches(pattern)
        elif mol is not None and mol.HasSubstructMatch(ring_nitrogen):
            related_scaffolds(mol)
        out.write(record.raw + TAGS + b"$$$$\\n")
print(hits, len(hit_patterns))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--hit-fraction", type=float, default=0.2)
    parser.add_argument("--hits-csv", type=Path, default=DEFAULT_HITS_CSV)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench_floor_") as temp:
        library = Path(temp) / "library.sdf"
        n, n_hits = build_library(library, args.records, args.hit_fraction, _hit_smiles(args.hits_csv), _non_hit_smiles())
        print(f"library: {n} records, {n_hits} hits ({100 * n_hits / n:.1f} %)")
        bare, _ = timed([python, "-c", BARE, str(library)])
        floor, _ = timed([python, "-c", FLOOR, str(library), str(Path(temp) / "floor.sdf")])
        print(f"(a) bare ForwardSDMolSupplier: {bare:.2f} s")
        print(f"(f) floor (split, parse, core search, rule searches on hits, copy): {floor:.2f} s, ratio to (a) {floor / bare:.2f}")


if __name__ == "__main__":
    main()

"""The benchmark library generator (benchmarks/distinct_library.py) makes distinct molecules of the asked kind.

No timing is asserted here: the benchmarks measure, the tests only check the apparatus.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
from rdkit import Chem

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def library_module():
    spec = importlib.util.spec_from_file_location("distinct_library", BENCHMARKS / "distinct_library.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("distinct_library", module)
    spec.loader.exec_module(module)
    return module


# 1,4-diazepan-2-one written by hand: N1-C2(=O)-C3-N4-C5-C6-C7 closed by ring bonds into a seven-membered cycle
# (any bond orders, so benzo-fused and unsaturated rings count).
RING = Chem.MolFromSmarts("[#7]1@[#6](=[#8])@[#6]@[#7]@[#6]@[#6]@[#6]@1")


def test_hit_variants_are_distinct_and_keep_the_ring(library_module):
    pool = library_module.distinct_pool(library_module.BUILTIN_HITS, 300, want_core=True)
    assert len(pool) == 300
    canonical = {Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in pool}
    assert len(canonical) == 300
    assert all(Chem.MolFromSmiles(s).HasSubstructMatch(RING) for s in pool)
    # eight parents cannot give 300 molecules without substituted variants
    assert len(set(pool) - {Chem.MolToSmiles(Chem.MolFromSmiles(s)) for s in library_module.BUILTIN_HITS}) >= 292


def test_other_variants_never_contain_the_ring(library_module):
    parents = ["c1ccccc1N", "O=C1CCCCN1", "CC(=O)Oc1ccccc1C(=O)O", "C1CCNCC1", "CN1CCCN(C)CC1"]  # no 2-one 1,4-diazepane
    pool = library_module.distinct_pool(parents, 120, want_core=False)
    assert len(set(pool)) == 120
    assert not any(Chem.MolFromSmiles(s).HasSubstructMatch(RING) for s in pool)


# The same ring drawn as its lactim (2-hydroxy-2,3-dihydro-imine), a drawing the tool reads as the lactam.
LACTIM_RING = Chem.MolFromSmarts("[#7]1@[#6](-[#8])@[#6]@[#7]@[#6]@[#6]@[#6]@1")


def test_other_variants_never_contain_the_ring_drawn_as_its_lactim(library_module):
    # a 1,4-benzodiazepine-2,5-dione drawn as its 2-lactim, beside parents without the ring
    parents = ["CC(C)CNC(=O)CC1NC(=O)c2ccccc2N=C1O", "c1ccccc1N", "O=C1CCCCN1"]
    pool = library_module.distinct_pool(parents, 60, want_core=False)
    assert len(pool) == 60
    assert not any(Chem.MolFromSmiles(s).HasSubstructMatch(LACTIM_RING) for s in pool)


def test_written_library_has_exact_hit_count_and_distinct_records(library_module, tmp_path):
    hits = library_module.distinct_pool(library_module.BUILTIN_HITS, 20, want_core=True)
    others = library_module.distinct_pool(["c1ccccc1O", "CCOC(=O)c1ccccc1", "C1CCOC1"], 80, want_core=False)
    path = tmp_path / "lib.sdf"
    assert library_module.write_library(path, hits, others, 100, 0.2) == (100, 20)
    mols = list(Chem.ForwardSDMolSupplier(str(path)))
    assert len(mols) == 100 and all(m is not None for m in mols)
    assert sum(m.GetProp("SOURCE") == "hit" for m in mols) == 20
    assert all(m.HasSubstructMatch(RING) == (m.GetProp("SOURCE") == "hit") for m in mols)
    assert library_module.count_distinct(path) == (100, 100, 100)
    # shuffled positions, not a block of hits at the start
    sources = [m.GetProp("SOURCE") for m in mols]
    assert sources[:20] != ["hit"] * 20


def test_substituted_variant_is_independent_of_parent_atom_order(library_module):
    parent = Chem.MolFromSmiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")
    order = list(range(parent.GetNumAtoms()))
    random.Random(3).shuffle(order)
    shuffled = Chem.MolToSmiles(Chem.RenumberAtoms(parent, order), canonical=False)
    a = library_module.distinct_pool([Chem.MolToSmiles(parent)], 40, want_core=True)
    b = library_module.distinct_pool([shuffled], 40, want_core=True)
    assert set(a) == set(b)

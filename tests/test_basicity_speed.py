"""The shortcuts of the basicity hot path give what the plain computation gives (value for value)."""

from __future__ import annotations

import math
import pickle
import random

import pytest
from rdkit import Chem

from reactivity.basicity import (
    TitratableSite, Titration, class_rules, predict_basicity, shortest_path_counts, site_rules,
)
from reactivity.basicity.titration import site_path_counts
from reactivity.rules import recursion_free_smarts
from reactivity.molecule import mol_from_smiles


def _one_ph_at_a_time(titration: Titration, target: float = 0.99) -> float | None:
    """The bisection of Titration.base_free_ph, one base_free_fraction call per step."""
    if not any(s.kind == "base" for s in (*titration.sites, *titration.independent)):
        return None
    if len(titration.sites) == 1 and not titration.independent and not titration.fixed_charge:
        return math.ceil((titration.sites[0].pka + math.log10(target / (1.0 - target))) * 100.0 - 1e-6) / 100.0
    low, high = -2.0, 16.0
    if titration.base_free_fraction(high) < target:
        return None
    for _ in range(24):
        mid = 0.5 * (low + high)
        if titration.base_free_fraction(mid) >= target:
            high = mid
        else:
            low = mid
    return math.ceil(high * 100.0 - 1e-6) / 100.0


def _random_titration(rng: random.Random) -> Titration:
    n = rng.choice([1, 2, 2, 3, 4, 5, 8, 13, 15])
    sites = [TitratableSite(i, rng.choice(["base", "base", "acid"]), round(rng.uniform(-1.0, 14.0), 2))
             for i in range(n)]
    distance = [[0 if i == j else rng.randint(1, 14) for j in range(n)] for i in range(n)]
    fixed = [(n + k, rng.choice([1, -1])) for k in range(rng.choice([0, 0, 0, 1, 2]))]
    fixed_distance = [[rng.randint(1, 9) for _ in fixed] for _ in range(n)] if fixed else None
    paths = [[rng.choice([1, 1, 2]) for _ in range(n)] for _ in range(n)]
    return Titration.build(sites, distance, fixed, fixed_distance, paths)


def test_free_base_ph_equals_the_one_ph_at_a_time_bisection() -> None:
    rng = random.Random(17)
    seen = 0
    for _ in range(400):
        titration = _random_titration(rng)
        expected = _one_ph_at_a_time(titration)
        assert titration.base_free_ph() == expected
        assert titration.base_free_ph(0.5) == _one_ph_at_a_time(titration, 0.5)
        seen += expected is not None
    assert seen > 100  # most of them do reach 99 % free base


def test_free_base_fractions_at_many_ph_equal_one_ph_at_a_time_bit_for_bit() -> None:
    rng = random.Random(29)
    for _ in range(300):
        titration = _random_titration(rng)
        phs = [rng.uniform(-2.0, 16.0) for _ in range(rng.choice([1, 15, 31, 32, 63]))]
        assert titration._base_free_fractions(phs) == [titration.base_free_fraction(ph) for ph in phs]


def test_recursion_free_screen_matches_every_must_match_example() -> None:
    rules = [(rule.id, rule.pattern, rule.screen, rule.must_match) for rule in class_rules()[0]]
    rules += [(rule.id, rule.pattern, rule.screen, rule.must_match) for rule in site_rules()]
    screened = 0
    for rule_id, pattern, screen, examples in rules:
        if screen is None:
            continue
        screened += 1
        for smiles in examples:
            mol = mol_from_smiles(smiles)
            assert mol.HasSubstructMatch(pattern), (rule_id, smiles)
            assert mol.HasSubstructMatch(screen), (rule_id, smiles)
    assert screened >= 10


@pytest.mark.parametrize("smarts", ["[$(C=O),#8]", "[N;!$(N-C=O);$(N-c)]-C", "[#7;!!$([#7]-a)]", "[$([$(C)-O])]"])
def test_recursion_free_smarts_never_loses_a_match(smarts: str) -> None:
    pattern, screen = Chem.MolFromSmarts(smarts), Chem.MolFromSmarts(recursion_free_smarts(smarts))
    for smiles in ("CC(=O)NC", "Nc1ccccc1C", "OCCO", "CN", "c1ccncc1"):
        mol = Chem.MolFromSmiles(smiles)
        assert not mol.HasSubstructMatch(pattern) or mol.HasSubstructMatch(screen)


def test_fields_computed_on_first_read_survive_pickling_and_equal_a_fresh_result() -> None:
    mol = mol_from_smiles("OC(=O)CN1CCN(C)CCC1=O.Cl")
    result = predict_basicity(mol, 7.0)
    copy = pickle.loads(pickle.dumps(result))
    assert copy.to_dict() == predict_basicity(mol, 7.0).to_dict() == result.to_dict()
    assert copy == result
    assert result.parent_smiles == Chem.MolToSmiles(Chem.MolFromSmiles("OC(=O)CN1CCN(C)CCC1=O"))
    assert result.counter_ions == ("Cl",)
    assert all(site.nearest_training for site in result.sites if site.source == "model")


@pytest.mark.parametrize("smiles", [
    "C1CNCCN1CCN", "C1CN2CCN1CC2", "c1ccc2c(c1)CCN(C)CC2", "OC(=O)C1CC2(CCN(C)CC2)CN1",
    "CN1CCN(CC1)c1ccc2c(c1)C(=NCC(=O)N2)c1ccccc1.NCCN", "C1CC2CCC1CC2N",
])
def test_site_path_counts_equal_the_all_atom_walk(smiles: str) -> None:
    mol = Chem.MolFromSmiles(smiles)
    distance = Chem.GetDistanceMatrix(mol)
    neighbours = [[nb.GetIdx() for nb in atom.GetNeighbors()] for atom in mol.GetAtoms()]
    rng = random.Random(3)
    for _ in range(20):
        atoms = sorted(rng.sample(range(mol.GetNumAtoms()), min(4, mol.GetNumAtoms())))
        expected = shortest_path_counts(distance, neighbours, atoms, atoms)
        assert (site_path_counts(distance, neighbours.__getitem__, atoms) == expected).all()


def test_parent_smiles_read_late_is_the_molecule_as_it_was_at_the_call() -> None:
    mol = mol_from_smiles("OC(=O)c1ccccc1N1CCNC(=O)CC1")
    result = predict_basicity(mol, 7.0)
    expected = Chem.MolToSmiles(Chem.MolFromSmiles("OC(=O)c1ccccc1N1CCNC(=O)CC1"))
    Chem.Kekulize(mol, clearAromaticFlags=True)  # the caller changes its molecule afterwards
    assert result.parent_smiles == expected

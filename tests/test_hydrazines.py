"""Alkylhydrazines as bases: class values, one site per hydrazine, and what stays uncovered.

Measured values are those of the open DataWarrior pKa set (Baltruschat & Czodrowski 2020), cited by record number.
"""

from __future__ import annotations

import random

import pytest

from conftest import check_drawing_independence
from reactivity.basicity import predict_basicity
from reactivity.molecule import mol_from_smiles


def _hydrazine_sites(smiles: str) -> list:
    return [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.site_class == "hydrazine"]


@pytest.mark.parametrize(("smiles", "measured"), [
    ("CNN", 7.87),  # methylhydrazine, record 4740 (30 C)
    ("CCN(CC)N", 7.63),  # 1,1-diethylhydrazine, record 7378 (27 C)
    ("NNCCc1ccccc1", 7.25),  # phenelzine, record 1501
    ("CCN(C)NC", 6.85),  # 1-ethyl-1,2-dimethylhydrazine, record 7376
    ("CN1CCCN1C", 6.67),  # 1,2-dimethylpyrazolidine, record 7793
    ("CCN(CC)N(CC)CC", 7.31),  # tetraethylhydrazine, record 1853
])
def test_one_site_per_hydrazine_whose_band_holds_the_measured_value(smiles: str, measured: float) -> None:
    (site,) = _hydrazine_sites(smiles)
    assert site.kind == "base" and site.source == "class_rule"
    assert site.band[0] <= measured <= site.band[1]


def test_the_site_is_the_nh2_and_its_partner_is_not_called_uncovered() -> None:
    result = predict_basicity(mol_from_smiles("CN(C)N"))  # 1,1-dimethylhydrazine: atom 3 is the NH2
    (site,) = result.sites
    assert site.atom == 3
    assert not any("neither the site model nor a class rule" in note for note in result.assumptions)


def test_with_a_second_amine_site_the_hydrazine_step_is_the_measured_one() -> None:
    # 4-hydrazino-1-methylpiperidine: steps 8.85 and 5.7 (records 3166, 3169); the hydrazine step is not in the
    # class value's evidence
    steps = sorted(m.pka for m in predict_basicity(mol_from_smiles("CN1CCC(NN)CC1")).macro_pkas)
    assert len(steps) == 2 and abs(steps[0] - 5.7) <= 0.5


@pytest.mark.parametrize("smiles", [
    "NNc1ccccc1",  # phenylhydrazine: aryl on N
    "C#CCNN",  # propargylhydrazine, 5.46 (record 7525): two units below the class
    "N#CCCNN",  # 3-hydrazinopropionitrile, 5.91 (record 7479)
    "CNNCc1ccccc1",  # procarbazine's hydrazine type: a benzylic carbon on N
    "CN1C2CCC(CC2)N1C",  # a bridged bicyclic hydrazine (6.9-9.5 in the set)
    "CC(=O)NN",  # a hydrazide
])
def test_hydrazines_outside_the_classes_are_named_without_a_value(smiles: str) -> None:
    result = predict_basicity(mol_from_smiles(smiles))
    assert not [s for s in result.sites if s.site_class == "hydrazine"]
    if smiles != "CC(=O)NN":
        assert any(note.startswith("hydrazine nitrogen") for note in result.assumptions), smiles


@pytest.mark.parametrize("smiles", ["CN(C)N(C)C", "CCNNCC", "CCN(C)NC", "CN1CCCN1C", "NNC1CCN(C)CC1"])
def test_answers_do_not_depend_on_the_drawing(smiles: str) -> None:
    check_drawing_independence(smiles, random.Random(3), renumberings=4)
    assert len(_hydrazine_sites(smiles)) == 1

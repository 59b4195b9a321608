"""An open-chain 1,3-dicarbonyl drawn as its enol gets the answers of its keto drawing in every capability.

Keto and enol are tautomers that interconvert in solution. Before, the enol drawing of
acetylacetone had one ketone instead of two among its competing sites, its degradant SMILES kept the enol, and the
acylation plan of an N4-tertiary ring acylated the enol O-H ("clean") where the keto drawing was "blocked".
Enols that dominate (teriflunomide's, with a cyano group on the alpha carbon; tenidap's and the oxicams', whose alpha
carbon is in a ring; a beta-keto aldehyde's) stay as drawn.
"""

from __future__ import annotations

import random

import pytest
from rdkit import Chem
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

from conftest import answer_summary, check_drawing_independence
from reactivity.molecule import dicarbonyl_keto_form, mol_from_smiles

PAIRS = [
    ("O=C1CN(CC(C(C)=O)C(C)=O)CCCN1", "O=C1CN(CC(C(C)=O)=C(C)O)CCCN1"),  # a 3-substituted pentane-2,4-dione
    ("O=C1CN(CCC(=O)CC(=O)OCC)CCCN1", "O=C1CN(CCC(O)=CC(=O)OCC)CCCN1"),  # a 3-keto ester
    ("O=C1CN(CC(=O)CC(C)=O)CCCN1", "O=C1CN(CC(=O)C=C(C)O)CCCN1"),  # the other enol of a 1,3-diketone
    ("CC(=O)CC(=O)Nc1ccc(CN2CCCNC(=O)C2)cc1", "CC(O)=CC(=O)Nc1ccc(CN2CCCNC(=O)C2)cc1"),  # an acetoacetanilide
]


@pytest.mark.parametrize("keto, enol", PAIRS)
def test_the_enol_drawing_gets_every_answer_of_the_keto_drawing(keto: str, enol: str) -> None:
    # one formula (standard InChI does not join keto and enol: they are tautomers that interconvert through carbon)
    assert CalcMolFormula(Chem.MolFromSmiles(keto)) == CalcMolFormula(Chem.MolFromSmiles(enol))
    assert answer_summary(mol_from_smiles(enol)) == answer_summary(mol_from_smiles(keto))


def test_the_keto_reading_ignores_atom_order_and_explicit_hydrogens() -> None:
    check_drawing_independence(PAIRS[1][1], random.Random(31), renumberings=2)


@pytest.mark.parametrize("smiles", [
    "CC(O)=C(C#N)C(=O)Nc1ccc(C(F)(F)F)cc1",  # teriflunomide: cyano on the alpha carbon
    "NC(=O)N1C(=O)C(=C(O)c2cccs2)c2cc(Cl)ccc21",  # tenidap: the alpha carbon is in a ring
    "CN1C(C(=O)Nc2ccccn2)=C(O)c2ccccc2S1(=O)=O",  # piroxicam: the enol carbon is in a ring
    "OC=CC(C)=O",  # a beta-keto aldehyde: H on the enol carbon
    "CC(O)=C(C(C)=O)C(C)=O",  # a triacylmethane: a second acyl group on the alpha carbon
    "COC(C)=CC(C)=O",  # an enol ether: no hydrogen to move
])
def test_dominant_enols_and_enol_ethers_stay_as_drawn(smiles: str) -> None:
    mol = Chem.MolFromSmiles(smiles)
    assert dicarbonyl_keto_form(mol) is mol


def test_the_pka_result_says_the_enol_was_read_as_the_keto_form() -> None:
    from reactivity.basicity import predict_basicity

    keto, enol = (predict_basicity(mol_from_smiles(s)) for s in ("CC(=O)CC(C)=O", "CC(O)=CC(C)=O"))
    assert [(s.site_class, s.pka) for s in enol.sites] == [(s.site_class, s.pka) for s in keto.sites]
    assert any("read as its keto form" in line for line in enol.assumptions)


@pytest.mark.parametrize("smiles", ["CC(C)(C)OC(=O)N1CC(CC(C(C)=O)C(C)=O)CNC(=O)C1",
                                    "CC(C)(C)OC(=O)N1CC(CC(C(C)=O)=C(C)O)CNC(=O)C1"])
def test_a_1_3_dicarbonyl_is_deprotonated_before_the_lactam_n_h(smiles: str) -> None:
    # acetylacetone's C-H (8.85 in the open DataWarrior set) is far more acidic than a lactam N-H: NaH takes it first
    # and its enolate is alkylated on carbon; before, the N1 alkylation plan of such a ring was "clean"
    import reactivity as rx

    mol = mol_from_smiles(smiles)
    (ring,) = rx.perceive(mol)
    assert "dicarbonyl_ch" in [site.kind for site in ring.competing_sites]
    plan = rx.plan_derivatization(mol, "lactam_n_alkylation")
    assert plan.outcome == "needs_protection"
    assert [site.rule_id for site in plan.minor_sites] == ["lactam_n_alkylation.dicarbonyl_ch"]

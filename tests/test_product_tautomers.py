"""Products are written with their mobile hydrogens drawn one way: two drawings of one input give one SMILES.

An azole N-H or an amidine's C=N can be drawn on either nitrogen; the InChIKey of both drawings is one, and so must be
the SMILES of the degradants, N-nitroso products and derivatization products the tool lists. Expected drawings were
worked out by hand from the convention of ``reactivity.tautomers`` (the N-H of a benzo-fused azole on the nitrogen next
to the fusion carbon; an amidine's C=N on the nitrogen with the fewest heavy neighbours).
"""

from __future__ import annotations

import random

import pytest
from rdkit import Chem

from conftest import answer_summary, random_renumberings
from reactivity.molecule import mol_from_smiles
from reactivity.species import species_smiles
from reactivity.tautomers import azole_hydrogen_drawing, one_hydrogen_drawing

# (drawing, other drawing) of one compound carrying the ring, with the unit on an N4 side chain
PAIRS = [
    ("O=C1CN(Cc2c[nH]cn2)CCCN1", "O=C1CN(Cc2cnc[nH]2)CCCN1"),  # 4(5)-substituted imidazole
    ("O=C1CN(Cc2cc[nH]n2)CCCN1", "O=C1CN(Cc2ccn[nH]2)CCCN1"),  # 3(5)-substituted pyrazole
    ("O=C1CN(Cc2nc3ccc(C)cc3[nH]2)CCCN1", "O=C1CN(Cc2[nH]c3ccc(C)cc3n2)CCCN1"),  # 5(6)-methylbenzimidazole
    ("O=C1CN(Cc2c[nH]nn2)CCCN1", "O=C1CN(Cc2cn[nH]n2)CCCN1"),  # 1H / 2H-1,2,3-triazole
    ("O=C1CN(CCc2ccccc2NC2=NCCN2)CCCN1", "O=C1CN(CCc2ccccc2N=C2NCCN2)CCCN1"),  # 2-arylamino-imidazoline
    ("O=C1CN(CC(=O)NC(N)=N)CCCN1", "O=C1CN(CC(=O)N=C(N)N)CCCN1"),  # an acylguanidine
]


@pytest.mark.parametrize("first, second", PAIRS)
def test_two_drawings_get_one_answer_and_one_degradant_smiles(first: str, second: str) -> None:
    a, b = mol_from_smiles(first), mol_from_smiles(second)
    assert Chem.MolToInchiKey(a) == Chem.MolToInchiKey(b)  # one compound
    # every capability: sites, stability at pH 2 and 37 C with its degradant SMILES, pKa values, nitrosamine
    # products, an acylation plan (the 1,2,3-triazole's pKa values differed by up to 0.6 between its drawings)
    assert answer_summary(a) == answer_summary(b)


def test_a_1_2_3_triazole_is_predicted_in_one_drawing_and_says_so() -> None:
    from reactivity.basicity import predict_basicity

    results = [predict_basicity(mol_from_smiles(s)) for s in PAIRS[3]]
    assert [s.pka for s in results[0].sites] == [s.pka for s in results[1].sites]
    assert sum("1,2,3-triazole N-H read on atom" in str(note) for note in results[1].assumptions) \
        + sum("1,2,3-triazole N-H read on atom" in str(note) for note in results[0].assumptions) == 1


def test_an_amidoxime_drawn_as_its_imino_hydroxylamine_gets_every_answer_of_the_amidoxime() -> None:
    amidoxime, imino = "O=C1CN(CC(N)=NO)CCCN1", "O=C1CN(CC(=N)NO)CCCN1"
    assert answer_summary(mol_from_smiles(imino)) == answer_summary(mol_from_smiles(amidoxime))
    import reactivity as rx

    kinds = [site.kind for site in rx.perceive(mol_from_smiles(imino))[0].competing_sites]
    assert "hydroxylamine" not in kinds  # the N-OH is an oxime's, not a hydroxylamine N-H


@pytest.mark.parametrize("drawings, expected", [
    (("c1ccc2[nH]ncc2c1", "c1ccc2n[nH]cc2c1"), "c1ccc2[nH]ncc2c1"),  # 1H-indazole, the benzenoid drawing
    (("c1ccc2[nH]nnc2c1", "c1ccc2n[nH]nc2c1"), "c1ccc2[nH]nnc2c1"),  # 1H-benzotriazole
    (("Cc1c[nH]cn1", "Cc1cnc[nH]1"), None),
    (("Cc1cc[nH]n1", "Cc1ccn[nH]1"), None),
    (("Cc1nn[nH]n1", "Cc1n[nH]nn1"), None),  # 5-methyltetrazole, 1H and 2H
    (("c1nc2[nH]cnc2c(N)n1", "c1nc2nc[nH]c2c(N)n1"), None),  # adenine, 9H and 7H
])
def test_every_drawing_of_an_azole_gives_one_molecule(drawings: tuple[str, ...], expected: str | None) -> None:
    found = {Chem.MolToSmiles(azole_hydrogen_drawing(Chem.MolFromSmiles(s))) for s in drawings}
    assert len(found) == 1
    if expected is not None:
        assert found == {expected}
    for smiles in drawings:  # and in any atom order
        for shuffled in random_renumberings(Chem.MolFromSmiles(smiles), random.Random(41), 3):
            assert Chem.MolToSmiles(one_hydrogen_drawing(shuffled)) in found


def test_a_substituted_or_charged_azole_is_left_as_drawn() -> None:
    for smiles in ("Cn1ccnc1", "c1c[nH+]c[nH]1", "c1ccc2[nH]ccc2c1"):  # N-methyl, imidazolium, indole: nothing moves
        mol = Chem.MolFromSmiles(smiles)
        assert azole_hydrogen_drawing(mol) is mol


def test_nitrosamine_products_of_two_drawings_have_one_smiles() -> None:
    import reactivity as rx

    a, b = (rx.nitrosamine_risk(mol_from_smiles(s)) for s in (
        "O=C1CNCCN(Cc2c[nH]cn2)C1", "O=C1CNCCN(Cc2cnc[nH]2)C1"))
    smiles_a = sorted(p.nitroso_smiles for p in a.products)
    assert smiles_a and smiles_a == sorted(p.nitroso_smiles for p in b.products)


def test_species_smiles_is_plain_canonical_smiles_when_nothing_can_move() -> None:
    for smiles in ("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "NCCCN(CC(=O)O)CC(=O)O", "c1ccncc1"):
        mol = Chem.MolFromSmiles(smiles)
        assert species_smiles(mol) == Chem.MolToSmiles(mol)

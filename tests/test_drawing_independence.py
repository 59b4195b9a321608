"""Every capability gives the same answer however a ring-bearing molecule is drawn: in another atom order, or with
its hydrogen atoms drawn explicitly. Checked on the committed corpus slice (real public structures, licences in the
CSV) and on two structures that once depended on the drawing (a pKa that moved with the atom order, a protonated N4
with explicit H taken for a quaternary ammonium).

Expected values are the answers of the plain drawing itself: the point is that the drawing does not change them.
Atom indices are left out of the comparison (they follow the drawing); classes, numbers and product SMILES are in.
"""

from __future__ import annotations

import csv
import random

import pytest

from conftest import check_drawing_independence

ONCE_DRAWING_DEPENDENT = [
    "O=C1CCC(C(=O)N2CC(=O)N(Cc3cccnc3)C[C@H](OCC3CC3)C2)=NN1",
    "C[NH+](C)CCCN1C(=O)C[NH2+]C(c2ccccc2F)c2cc(Cl)ccc21.[Cl-].[Cl-]",
]


def _hits(data_dir) -> list[str]:
    with open(data_dir / "corpus_hits_slice.csv", newline="", encoding="utf-8") as handle:
        return [row["smiles"] for row in csv.DictReader(handle)]


def test_corpus_slice_answers_do_not_depend_on_the_drawing(data_dir):
    rng = random.Random(3)
    for smiles in _hits(data_dir):
        check_drawing_independence(smiles, rng)


@pytest.mark.parametrize("smiles", ONCE_DRAWING_DEPENDENT)
def test_structures_that_once_depended_on_the_drawing(smiles):
    rng = random.Random(16)
    for _ in range(5):
        check_drawing_independence(smiles, rng)


def test_a_spiro_epoxide_on_c3_is_a_competing_site_in_every_atom_order():
    """RDKit returns one ordering of the epoxide's three atoms, keyed on C3 or on the other carbon depending on the
    atom order; C3 is part of the ring, the epoxide is an alkylating group all the same (an amine opens it)."""
    import reactivity as rx
    from conftest import random_renumberings
    from rdkit import Chem

    plain = Chem.MolFromSmiles("O=C1NCCCN(C)C12CO2")  # 3-spiro-oxirane of a 4-methyl-1,4-diazepan-2-one
    for mol in [plain, *random_renumberings(plain, random.Random(7), 12)]:
        (ring,) = rx.perceive(mol)
        assert [site.kind for site in ring.competing_sites] == ["epoxide"]


def test_which_sites_are_titrated_together_does_not_follow_the_atom_order():
    """Beyond twelve sites, those with pKa nearest 7 are coupled; several share a value (the class-rule carboxylic
    acids), and the tie was broken by atom index. Thymosin alpha-1 (N-acetyl, 28 residues, 14 sites) built from its
    sequence: the stepwise pKa values and site fractions must not move with the atom order."""
    from conftest import random_renumberings
    from rdkit import Chem
    from reactivity.basicity import predict_basicity

    peptide = Chem.RWMol(Chem.MolFromSequence("SDAAVDTSSEITTKDLKEKKEVVEEAEN"))
    assert peptide.GetAtomWithIdx(0).GetSymbol() == "N"  # the N-terminal nitrogen: acetylated below
    carbon, oxygen, methyl = (peptide.AddAtom(Chem.Atom(z)) for z in (6, 8, 6))
    peptide.AddBond(0, carbon, Chem.BondType.SINGLE)
    peptide.AddBond(carbon, oxygen, Chem.BondType.DOUBLE)
    peptide.AddBond(carbon, methyl, Chem.BondType.SINGLE)
    mol = Chem.MolFromSmiles(Chem.MolToSmiles(peptide))

    def answer(m: Chem.Mol) -> tuple:
        result = predict_basicity(m, 7.4)
        return ([step.pka for step in result.macro_pkas],
                sorted((s.site_class, s.pka, s.protonated_fraction) for s in result.sites))

    expected = answer(mol)
    assert len(expected[1]) > 12 and any("titrated together" in a for a in predict_basicity(mol, 7.4).assumptions)
    for shuffled in random_renumberings(mol, random.Random(2), 6):
        assert answer(shuffled) == expected


def test_two_equal_sites_name_the_two_stepwise_pka_values_alike_in_every_atom_order():
    """Two phenols with the same value share both stepwise steps equally; the step labels were the first site in atom
    order for both steps. Now the two steps name the two phenols, chosen by canonical rank (the same atoms in any
    atom order)."""
    from conftest import random_renumberings
    from rdkit import Chem
    from reactivity.basicity import predict_basicity

    plain = Chem.MolFromSmiles("O=C1CN(C(=O)Cc2ccc(O)cc2)CCCN1CCc1ccc(O)cc1")

    def answer(mol: Chem.Mol) -> list[tuple[float, int]]:
        ranks = list(Chem.CanonicalRankAtoms(mol))
        return [(step.pka, ranks[step.atom]) for step in predict_basicity(mol, 7.4).macro_pkas]

    expected = answer(plain)
    assert len({rank for _, rank in expected}) == 2  # one step per phenol
    for shuffled in random_renumberings(plain, random.Random(5), 10):
        assert answer(shuffled) == expected


def test_crippen_logp_does_not_round_with_the_atom_order():
    """RDKit's Crippen logP adds per-atom values given to four decimals; a sum ending in 5 at the fourth decimal
    rounded up or down (3.038 or 3.039 here) with the order of the atoms. The contributions are now summed exactly."""
    from conftest import random_renumberings
    from rdkit import Chem
    from rdkit.Chem import Crippen
    from reactivity.basicity import predict_basicity

    plain = Chem.MolFromSmiles("CCc1ccc2c(c1)C(c1ccccc1)=NCC(=O)N2")
    values = {predict_basicity(m, 7.4).logp_crippen for m in [plain, *random_renumberings(plain, random.Random(1), 20)]}
    assert len(values) == 1
    assert abs(values.pop() - Crippen.MolLogP(plain)) <= 0.001


def test_between_two_rings_that_degrade_alike_the_headline_ring_does_not_follow_the_atom_order():
    """Two diazepam halves joined by an amide lose the same fraction at pH 1.5; the ring named in the headline, and
    whose pathway is flagged dominant, was the first in atom order. It is the first in canonical order now."""
    import reactivity as rx
    from conftest import random_renumberings
    from rdkit import Chem

    plain = Chem.MolFromSmiles("CN1C(=O)CN=C(c2ccccc2)c2cc(C(=O)Nc3ccc4c(c3)C(c3ccccc3)=NCC(=O)N4C)ccc21")

    def answer(mol: Chem.Mol) -> list[tuple[int, str, bool]]:
        ranks = list(Chem.CanonicalRankAtoms(mol))
        result = rx.assess_stability(mol, ph=1.5, temperature_c=50.0).to_dict()
        n1_rank = {ring["ring_index"]: ranks[ring["n1_atom"]] for ring in result["rings"]}
        return sorted((n1_rank[p["ring_index"]], p["kind"], p["dominant"]) for p in result["pathways"])

    expected = answer(plain)
    assert sum(dominant for _, _, dominant in expected) == 1
    for shuffled in random_renumberings(plain, random.Random(3), 12):
        assert answer(shuffled) == expected


INNER_SALTS = [
    # (neutral drawing, the same molecule drawn as its zwitterion)
    ("O=C1CNCCCN1CC(=O)O", "O=C1C[NH2+]CCCN1CC(=O)[O-]"),  # N4-H amine and a carboxylic acid
    ("O=C1CNCCCN1CCc1ccc(O)cc1", "O=C1C[NH2+]CCCN1CCc1ccc([O-])cc1"),  # and a phenol
    ("O=C1CNCCCN1Cc1nn[nH]n1", "O=C1C[NH2+]CCCN1Cc1nn[n-]n1"),  # and a tetrazole
    ("O=C1CNCCCN1CCS(=O)(=O)O", "O=C1C[NH2+]CCCN1CCS(=O)(=O)[O-]"),  # and a sulfonic acid
]


@pytest.mark.parametrize("neutral, zwitterion", INNER_SALTS)
def test_an_inner_salt_drawn_as_its_zwitterion_gets_the_answers_of_the_neutral_drawing(neutral, zwitterion):
    """The free-base view neutralized the ammonium ion but left its partner anion charged: a phenolate was no
    competing site and the N4 acylation product was drawn as a carboxylate or phenolate anion."""
    from conftest import answer_summary
    from rdkit import Chem

    assert answer_summary(Chem.MolFromSmiles(zwitterion)) == answer_summary(Chem.MolFromSmiles(neutral))


def test_an_inner_salt_with_more_anions_than_protons_keeps_the_strongest_acid_charged():
    """One ammonium proton, a phenolate and a carboxylate: the proton goes back to the weaker acid (the phenolate,
    pKa about 10 against about 4), and the carboxylate stays an anion as drawn."""
    from rdkit import Chem
    from reactivity.molecule import free_base_view

    view = free_base_view(Chem.MolFromSmiles("[NH3+]CC(CC(=O)[O-])c1ccc([O-])cc1"))
    assert Chem.MolToSmiles(view.mol) == Chem.MolToSmiles(Chem.MolFromSmiles("NCC(CC(=O)[O-])c1ccc(O)cc1"))


def test_a_deuterium_on_nitrogen_is_read_as_the_exchangeable_hydrogen_it_is():
    """RemoveHs keeps isotopes, so an N-D amine looked like an N-substituted one: a lower pKa, no acylation product,
    and an N-nitroso product RDKit refused. Deuterium on N, O or S exchanges in any protic medium: read as H."""
    from conftest import answer_summary
    from rdkit import Chem

    assert answer_summary(Chem.MolFromSmiles("O=C1CN([2H])CCCN1C")) == answer_summary(Chem.MolFromSmiles("O=C1CNCCCN1C"))


def test_carbon_bound_deuterium_is_kept_and_counted_as_hydrogen_by_the_cpca():
    """A C3-D2 ring: the N-nitroso product keeps its label (another mass), and its alpha carbons count the deuterium
    atoms as hydrogens (CPCA category 3 as for the unlabelled ring: each alpha carbon a CH2), where they counted as
    none (category 4)."""
    import reactivity as rx
    from rdkit import Chem

    plain = rx.nitrosamine_risk(Chem.MolFromSmiles("O=C1CNCCCN1C")).products
    labelled = rx.nitrosamine_risk(Chem.MolFromSmiles("O=C1C([2H])([2H])NCCCN1C")).products
    assert [(p.alpha_h_counts, p.category) for p in labelled] == [(p.alpha_h_counts, p.category) for p in plain]
    assert [p.alpha_h_counts for p in plain] == [(2, 2)]
    assert "[2H]" in labelled[0].nitroso_smiles

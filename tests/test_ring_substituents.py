"""Ring substituents of phenols and aromatic carboxylic acids: each group adds the measured difference of its
monosubstituted parent at its position.

The corrections are read from ``class_sites.toml`` (DataWarrior values of monosubstituted phenols minus phenol's 9.94,
of monosubstituted benzoic acids minus benzoic acid's 4.18); the expected values below are the class values (phenol
9.9; carboxylic acid 4.6 with -0.4 on an aromatic ring) plus those differences, added by hand; the measured values
quoted for comparison are DataWarrior records that set no correction.
"""

from __future__ import annotations

import random

import pytest
from rdkit import Chem

from reactivity.basicity import class_rules, find_class_sites, predict_basicity
from reactivity.basicity.sites import ring_positions
from reactivity.molecule import mol_from_smiles

from conftest import random_renumberings


def _phenol(smiles: str) -> tuple[float, list[str]]:
    (match,) = [m for m in find_class_sites(Chem.MolFromSmiles(smiles)) if m.rule.id == "phenol"]
    return match.pka_25, [a.id for a in match.adjustments]


def test_every_ring_correction_names_its_position_and_a_two_atom_query() -> None:
    ring = [a for a in class_rules()[1] if a.position]
    assert len(ring) >= 40
    for adj in ring:
        prefix = {("phenol",): "phenol", ("carboxylic_acid",): "aryl_carboxyl", ("arenesulfonamide_nh",): "arenesulfonamide",
                  ("sulfonanilide_nh", "aryl_sulfonamide_nh"): "sulfonanilide", ("thiol",): "thiophenol",
                  ("pyridine_conjugated_imine",): "pyridine_conjugated",
                  ("dihydrobenzothiadiazine_n4",): "dihydrobenzothiadiazine_n4"}[adj.applies_to]
        assert adj.id.startswith(f"{prefix}_{adj.position}_")
        assert adj.pattern.GetNumAtoms() >= 2 and "record" in adj.rationale


@pytest.mark.parametrize(
    ("smiles", "expected", "corrections", "measured"),
    [
        # 2,6-dichlorophenol: 9.9 - 1.54 - 1.54 (2-chlorophenol 8.40); measured 6.80 (record 2817)
        ("Oc1c(Cl)cccc1Cl", 6.82, ["phenol_ortho_chloro", "phenol_ortho_chloro"], 6.80),
        # 2,4-dibromophenol: 9.9 - 1.54 (2-bromo 8.40) - 0.65 (4-bromo 9.29); measured 7.77 (record 2818)
        ("Oc1ccc(Br)cc1Br", 7.71, ["phenol_ortho_bromo", "phenol_para_bromo"], 7.77),
        # 2,6-dimethylphenol: 9.9 + 0.28 + 0.28 (2-methylphenol 10.22); measured 10.60 (record 2809)
        ("Cc1cccc(C)c1O", 10.46, ["phenol_ortho_alkyl", "phenol_ortho_alkyl"], 10.60),
    ],
)
def test_corrections_add_up(smiles: str, expected: float, corrections: list[str], measured: float) -> None:
    value, used = _phenol(smiles)
    assert value == pytest.approx(expected, abs=0.005)
    assert used == corrections
    assert abs(value - measured) < 0.2


def test_fused_ring_groups_count_and_fused_arenes_do_not() -> None:
    # 5-hydroxy-1-indanone: the ring carbonyl is para to the OH (4-hydroxyacetophenone 7.90, 4-hydroxybenzophenone
    # 8.01: mean 7.955, 1.985 below phenol's 9.94) and the ring CH2 meta (+0.07) -> 9.9 - 1.985 + 0.07
    assert _phenol("O=C1CCc2cc(O)ccc21") == (pytest.approx(7.985, abs=0.01), ["phenol_meta_alkyl", "phenol_para_acyl"])
    # estriol: ring A carries ring B's CH2 (C6) meta to the OH (+0.07, 3-methylphenol 10.01) and its junction CH (C9)
    # para (+0.28, 4-methylphenol 10.22); measured 10.8 (record 6416)
    estriol = "C[C@]12CC[C@@H]3c4ccc(O)cc4CC[C@H]3[C@@H]1C[C@@H](O)[C@@H]2O"
    assert _phenol(estriol) == (pytest.approx(10.25, abs=0.005), ["phenol_meta_alkyl", "phenol_para_alkyl"])
    # 2-naphthol: the second benzene ring is part of the arene, not a substituent
    assert _phenol("Oc1ccc2ccccc2c1") == (9.9, [])


def test_positions_of_the_ring() -> None:
    positions = ring_positions(Chem.MolFromSmiles("Oc1ccc(Cl)cc1"), 0)
    assert positions[4] == "para" and sorted(positions.values()).count("ortho") == 2
    assert ring_positions(Chem.MolFromSmiles("OCC"), 0) == {}


def test_first_matching_group_takes_a_substituent_once() -> None:
    # methyl 4-hydroxybenzoate: the ester, not also the acyl correction (both queries start c-C(=O))
    value, used = _phenol("COC(=O)c1ccc(O)cc1")
    assert used == ["phenol_para_ester"]


def test_answer_does_not_depend_on_atom_order() -> None:
    smiles = "O=Cc1cc([N+](=O)[O-])cc(Br)c1O"  # 3-bromo-5-nitrosalicylaldehyde
    mol = Chem.MolFromSmiles(smiles)
    expected = _phenol(smiles)
    for shuffled in random_renumberings(mol, random.Random(11), 8):
        (match,) = [m for m in find_class_sites(shuffled) if m.rule.id == "phenol"]
        assert (match.pka_25, [a.id for a in match.adjustments]) == expected


def test_the_pka_result_lists_the_corrections() -> None:
    result = predict_basicity(mol_from_smiles("Oc1c(Cl)cccc1Cl"))
    (site,) = [s for s in result.sites if s.kind == "acid"]
    assert site.adjustments == ("phenol_ortho_chloro", "phenol_ortho_chloro")
    assert site.band[0] <= 6.80 <= site.band[1]


def _acid(smiles: str) -> tuple[float, list[str]]:
    (match,) = [m for m in find_class_sites(Chem.MolFromSmiles(smiles)) if m.rule.id == "carboxylic_acid"]
    return match.pka_25, [a.id for a in match.adjustments]


def test_benzoic_acid_ring_corrections_add_up() -> None:
    # 2-chloro-4-nitrobenzoic acid: 4.6 - 0.4 - 1.23 (2-chlorobenzoic acid 2.95) - 0.75 (4-nitro 3.43) = 2.22;
    # measured 1.96 (record 3628)
    assert _acid("O=C(O)c1ccc([N+](=O)[O-])cc1Cl") == (
        pytest.approx(2.22, abs=0.005), ["carboxyl_aryl", "aryl_carboxyl_ortho_chloro", "aryl_carboxyl_para_nitro"])
    # 3,5-dinitrobenzoic acid: 4.2 - 0.71 - 0.71 (3-nitrobenzoic acid 3.47) = 2.78
    assert _acid("O=C(O)c1cc([N+](=O)[O-])cc([N+](=O)[O-])c1")[0] == pytest.approx(2.78, abs=0.005)
    # salicylic acid: 4.2 - 1.19 (its own carboxyl step, 2.99, record 1470, minus benzoic acid's 4.18): the hydroxy
    # group is a correction, the phenol O-H a second site
    assert _acid("OC(=O)c1ccccc1O") == (pytest.approx(3.01, abs=0.005), ["carboxyl_aryl", "aryl_carboxyl_ortho_hydroxy"])
    # the carboxylate drawing gets the same corrections
    assert _acid("[O-]C(=O)c1ccccc1Cl") == _acid("OC(=O)c1ccccc1Cl")


def test_a_ring_two_carbons_away_is_not_corrected() -> None:
    # 4-chlorophenylacetic acid: the ring is not bonded to the carboxyl carbon, so no ring corrections; only the
    # alpha-aryl correction (4.6 - 0.56)
    assert _acid("O=C(O)Cc1ccc(Cl)cc1") == (4.04, ["carboxyl_alpha_aryl"])


def _acid_site(smiles: str) -> tuple[str, float, tuple[str, ...]]:
    (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "acid"]
    return site.rule, site.pka, site.adjustments


def test_sulfonamides() -> None:
    # nimesulide: a sulfonanilide (8.2, N-phenylbenzenesulfonamide 8.22) with a para-nitro N-aryl ring (-1.59,
    # 4-nitro analogue 6.63): 6.61; the ortho phenoxy group has no correction
    assert _acid_site("CS(=O)(=O)Nc1ccc([N+](=O)[O-])cc1Oc1ccccc1") == ("sulfonanilide_nh", 6.61, ("sulfonanilide_para_nitro",))
    # sulfamerazine: 7.5 - 1.08 (sulfadiazine 6.42) + 0.26 (meta-methyl of the sulfonanilides) = 6.68; measured 6.59
    # (record 5690)
    rule, value, used = _acid_site("Cc1ccnc(NS(=O)(=O)c2ccc(N)cc2)n1")
    assert (rule, value) == ("aryl_sulfonamide_nh", 6.68) and set(used) == {"sulfonamide_n_pyrimidin_2_yl", "sulfonanilide_meta_alkyl"}
    # N-methyltrifluoromethanesulfonamide: 10.3 - 4.26 = 6.04; measured 7.56 (record 2684), inside the band of 2.0
    rule, value, used = _acid_site("CNS(=O)(=O)C(F)(F)F")
    assert (rule, value, used) == ("sulfonamide_nh", 6.04, ("sulfonamide_perfluoroalkyl",))
    # a primary benzenesulfonamide with a meta-chloro group: 9.7 - 0.66 (3-chlorobenzenesulfonamide 9.04)
    assert _acid_site("NS(=O)(=O)c1cccc(Cl)c1") == ("arenesulfonamide_nh", 9.04, ("arenesulfonamide_meta_chloro",))


def test_the_ring_on_the_site_comes_before_the_ring_one_atom_further() -> None:
    # 4-methyl-N-(4-nitrophenyl)benzenesulfonamide: the N-aryl ring's nitro counts, the S-aryl ring's methyl does not,
    # whatever the atom order
    mol = Chem.MolFromSmiles("Cc1ccc(S(=O)(=O)Nc2ccc([N+](=O)[O-])cc2)cc1")
    for shuffled in random_renumberings(mol, random.Random(5), 6):
        (match,) = find_class_sites(shuffled)
        assert [a.id for a in match.adjustments] == ["sulfonanilide_para_nitro"]


def test_thiols() -> None:
    # 3,4-dichlorothiophenol: 10.2 - 3.6 (thiophenol) - 0.61 (3-chloro, 5.76) - 0.55 (4-chloro, 5.82) = 5.44;
    # measured 5.48 (record 2752)
    rule, value, used = _acid_site("Sc1ccc(Cl)c(Cl)c1")
    assert (rule, value) == ("thiol", 5.44) and sorted(used) == ["thiol_aryl", "thiophenol_meta_chloro", "thiophenol_para_chloro"]
    # N-acetylcysteamine keeps the class value; a mercaptoacetamide is 2.18 lower
    assert _acid_site("CC(=O)NCCS") == ("thiol", 10.2, ())
    assert _acid_site("CNC(=O)CS") == ("thiol", 8.02, ("thiol_alpha_carbonyl",))

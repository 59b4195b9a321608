"""Ionizable sites beyond the amine model: weak bases, acids, macro pKa values, temperature, salts, permanent charges.

Expected values are literature values (cited in datasets/pka_literature.csv) or hand arithmetic, never model output.
"""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdkit import Chem

from conftest import check_drawing_independence
from reactivity import pka_training
from reactivity.basicity import (
    BasicSite,
    TitratableSite,
    Titration,
    class_rules,
    find_class_sites,
    interaction_pka_units,
    predict_basicity,
    predict_basicity_many,
    temperature_shift,
)
from reactivity.basicity.titration import INTERACTION_SCALE, ION_LOGP_DROP
from reactivity.molecule import mol_from_smiles

DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
NORDAZEPAM = "O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1"
FLURAZEPAM = "CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21"
HOMOPIPERAZINE = "C1CNCCNC1"


def _literature() -> pd.DataFrame:
    return pka_training.packaged_check_table("pka_literature.csv")


# ----------------------------------------------------------------------------- rule file


@pytest.mark.parametrize("rule", class_rules()[0], ids=lambda r: r.id)
def test_class_rule_examples(rule) -> None:  # type: ignore[no-untyped-def]
    for smiles in rule.must_match:
        mol = Chem.MolFromSmiles(smiles)
        assert any(m.rule.id == rule.id for m in find_class_sites(mol)), (rule.id, smiles)
    for smiles in rule.must_not_match:
        mol = Chem.MolFromSmiles(smiles)
        assert not any(m.rule.id == rule.id for m in find_class_sites(mol)), (rule.id, smiles)


@pytest.mark.parametrize("adjustment", class_rules()[1], ids=lambda a: a.id)
def test_adjustment_examples(adjustment) -> None:  # type: ignore[no-untyped-def]
    assert adjustment.must_match and adjustment.must_not_match
    for smiles in adjustment.must_match:
        matches = find_class_sites(Chem.MolFromSmiles(smiles))
        assert any(adjustment in m.adjustments for m in matches), (adjustment.id, smiles)
    for smiles in adjustment.must_not_match:
        matches = find_class_sites(Chem.MolFromSmiles(smiles))
        # a site of a class the correction applies to is there (the example is a near miss, not an empty test) ...
        assert any(m.rule.id in adjustment.applies_to for m in matches), (adjustment.id, smiles)
        # ... and it does not receive the correction
        assert not any(adjustment in m.adjustments for m in matches), (adjustment.id, smiles)


def test_adjustment_without_counter_examples_fails_at_load() -> None:
    from reactivity.basicity import parse_class_rules
    from reactivity.errors import RuleDataError

    site = ('[[class_site]]\nid="x"\nkind="acid"\nsite_class="y"\nsmarts="[OX2H1]"\npka=4.0\nband=1.0\n'
            'rationale=""\nreferences=[]\nmust_match=[]\nmust_not_match=[]\n')
    adjustment = ('[[adjustment]]\nid="a"\napplies_to=["x"]\nsmarts="[OX2H1]-c"\ndelta=-1.0\nrationale=""\n'
                  'references=[]\nmust_match=["Oc1ccccc1"]\n')
    with pytest.raises(RuleDataError, match="must_not_match"):
        parse_class_rules(site + adjustment, None)
    assert parse_class_rules(site + adjustment + 'must_not_match=["CO"]\n', None)[1][0].must_not_match == ("CO",)


def test_bad_class_rule_fails_at_load() -> None:
    from reactivity.basicity import parse_class_rules
    from reactivity.errors import RuleDataError

    good = ('[[class_site]]\nid="x"\nkind="acid"\nsite_class="y"\nsmarts="[OX2H1]"\npka=4.0\nband=1.0\n'
            'rationale=""\nreferences=["lit:perrin1981"]\nmust_match=[]\nmust_not_match=[]\n')
    assert parse_class_rules(good, frozenset({"lit:perrin1981"}))[0][0].pka == 4.0
    with pytest.raises(RuleDataError, match="unknown reference"):
        parse_class_rules(good, frozenset())
    with pytest.raises(RuleDataError, match="kind"):
        parse_class_rules(good.replace('kind="acid"', 'kind="salt"'), None)
    with pytest.raises(RuleDataError):
        parse_class_rules(good.replace("[OX2H1]", "[O"), None)


# ----------------------------------------------------------------------------- weak bases


def test_diazepam_imine_n4_within_one_unit_of_the_literature() -> None:
    result = predict_basicity(mol_from_smiles(DIAZEPAM))
    assert result.n4_class == "imine" and result.n4_site_class == "imine"
    assert abs(result.n4_pka - 3.4) <= 1.0  # about 3.4 (Prankerd 2007 compilation)
    assert result.n4_protonated_fraction < 0.01  # free base at pH 7.4
    # in 1 M acid (pH 0) the N4 is protonated: the compound goes into the acidic water layer
    acid = predict_basicity(mol_from_smiles(DIAZEPAM), ph=0.0)
    assert acid.n4_protonated_fraction > 0.99
    assert dict(acid.logd_curve)[0.0] < dict(acid.logd_curve)[7.0] - 3.0


@pytest.mark.parametrize(
    ("name", "smiles", "site_class", "measured"),
    [
        ("nortetrazepam", "O=C1CN=C(C2=CCCCC2)c2cc(Cl)ccc2N1", "imine", 4.30),
        ("oxazepam", "O=C1Nc2ccc(Cl)cc2C(c2ccccc2)=NC1O", "imine", 1.63),
        ("lorazepam", "O=C1Nc2ccc(Cl)cc2C(c2ccccc2Cl)=NC1O", "imine", 1.58),
        ("clonazepam", "O=C1CN=C(c2ccccc2Cl)c2cc([N+](=O)[O-])ccc2N1", "imine", 1.52),
        ("chlordiazepoxide", "CNC1=Nc2ccc(Cl)cc2C(c2ccccc2)=[N+]([O-])C1", "amidine_n_oxide", 4.62),
    ],
)
def test_benzodiazepine_weak_bases_fall_in_their_band(name: str, smiles: str, site_class: str, measured: float) -> None:
    (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "base"]
    assert site.site_class == site_class
    assert site.band[0] <= measured <= site.band[1], name


def test_bromazepam_pyridine_is_no_longer_too_basic() -> None:
    result = predict_basicity(mol_from_smiles("O=C1CN=C(c2ccccn2)c2cc(Br)ccc2N1"))
    pyridine = next(s for s in result.sites if s.site_class == "pyridine_conjugated")
    assert pyridine.source == "class_rule"
    first_base_step = max(step.pka for step in result.macro_pkas if step.type == "base")
    assert abs(first_base_step - 2.83) <= 1.0  # Pfendt et al. 2002: 2.83 (2.99 potentiometric)


@pytest.mark.parametrize("smiles", [
    "CN1CCC[C@H]1c1cccnc1",  # nicotine
    "CN(C)Cc1cccnc1",  # 3-(dimethylaminomethyl)pyridine
    "CCN(CC)CCc1ccccn1",  # 2-(2-diethylaminoethyl)pyridine
    "O=C1CN(Cc2cccnc2)CCCN1",  # a ring whose N4 carries a 3-pyridylmethyl group
])
def test_a_pyridine_beside_an_alkylamine_is_a_weak_base(smiles: str) -> None:
    """The pyridine N of a pyridine-amine is a pyridine: 3-alkylpyridines have pKaH 5.6-5.8 (3-picoline 5.68,
    3-ethylpyridine 5.7) and a remote neutral amine only lowers that a little (nicotine's pyridine step is 3.1, measured
    with the pyrrolidine protonated). Its micro value must stay far below a 4-aminopyridine's 9.17, whose amino N sits
    as many bonds from the ring N but is conjugated with it."""
    result = predict_basicity(mol_from_smiles(smiles))
    pyridine = next(s for s in result.sites if s.site_class == "pyridine_like")
    assert pyridine.pka < 7.0
    four_aminopyridine = predict_basicity(mol_from_smiles("Nc1ccncc1")).sites[0]
    assert four_aminopyridine.pka > 8.5


@pytest.mark.parametrize(("smiles", "measured"), [
    ("c1ccc(-n2cnnn2)cc1", -3.41),  # 1-phenyltetrazole (DataWarrior set)
    ("O=[N+]([O-])c1ccc(-n2cnnn2)cc1", -3.92),  # 1-(4-nitrophenyl)tetrazole
    ("Cn1nnnc1N", 1.82),  # 5-amino-1-methyltetrazole
    ("Nc1nnnn1-c1ccc([N+](=O)[O-])cc1", 0.34),  # 5-amino-1-(4-nitrophenyl)tetrazole
])
def test_an_n_substituted_tetrazole_is_a_very_weak_base(smiles: str, measured: float) -> None:
    """The measured values are first macroscopic steps of the whole ring: the first basic macro step must lie within
    the class band (1.0) of them; the site model put these rings at 2-3 like triazoles."""
    result = predict_basicity(mol_from_smiles(smiles))
    first = max(step.pka for step in result.macro_pkas if step.type == "base")
    assert abs(first - measured) <= 1.0
    assert {s.site_class for s in result.sites if s.kind == "base"} == {"tetrazole_ring_n"}


@pytest.mark.parametrize(("smiles", "measured"), [
    ("c1ncc2[nH]cnc2n1", 2.45),  # purine (DataWarrior set)
    ("Cn1cnc2cncnc21", 2.42),  # 9-methylpurine
    ("Nc1ncnc2[nH]cnc12", 4.2),  # adenine
    ("Nc1ncnc2c1ncn2C1CCCCC1", 4.19),  # 9-cyclohexyladenine
])
def test_purines_are_weak_bases(smiles: str, measured: float) -> None:
    """First macroscopic steps of the whole ring within the class band (1.0); the site model had put purine at 7."""
    result = predict_basicity(mol_from_smiles(smiles))
    first = max(step.pka for step in result.macro_pkas if step.type == "base")
    assert abs(first - measured) <= 1.0


@pytest.mark.parametrize(("smiles", "measured"), [
    ("Nc1ncc[nH]1", 8.46),  # 2-aminoimidazole (Storey, Sullivan, Moyer, J. Org. Chem. 1964, 29, 3118)
    ("Cn1ccnc1N", 8.65),  # 1-methyl-2-aminoimidazole
    ("Cc1nc(N)[nH]c1C", 9.21),  # 4,5-dimethyl-2-aminoimidazole
])
def test_a_2_aminoimidazole_is_a_stronger_base_than_imidazole(smiles: str, measured: float) -> None:
    """The amino group raises imidazole's 6.95 by 1.5-2.3 units (guanidine-like cation): the measured value lies in the
    band and the ring is mostly protonated at pH 7.4; the site model had put these at about 6, below imidazole."""
    result = predict_basicity(mol_from_smiles(smiles), ph=7.4)
    (site,) = [s for s in result.sites if s.kind == "base"]
    assert site.band[0] <= measured <= site.band[1]
    assert site.protonated_fraction > 0.8


@pytest.mark.parametrize(("smiles", "measured"), [
    ("Cn1cnc2c1c(=O)n(C)c(=O)n2C", 0.6),  # caffeine (commonly quoted)
    ("Cn1c(=O)c2[nH]cnc2n(C)c1=O", 0.7),  # theophylline (DataWarrior set)
    ("Cn1cnc2[nH]c(=O)[nH]c(=O)c21", 0.87),  # 7-methylxanthine
])
def test_a_xanthine_is_a_very_weak_base(smiles: str, measured: float) -> None:
    """Two ring carbonyls leave the imidazole N of a xanthine a base near 1, not 4 (the site model's value): still
    uncharged in a pH 2 wash."""
    result = predict_basicity(mol_from_smiles(smiles), ph=2.0)
    (site,) = [s for s in result.sites if s.kind == "base"]
    assert site.band[0] <= measured <= site.band[1]
    assert site.protonated_fraction < 0.1


@pytest.mark.parametrize(("smiles", "measured"), [
    ("O=c1cc[nH]c(=O)[nH]1", 9.45),  # uracil N3-H (textbook value)
    ("Cc1c[nH]c(=O)[nH]c1=O", 9.9),  # thymine
    ("Cn1cnc2c1c(=O)[nH]c(=O)n2C", 9.9),  # theobromine N1-H
    ("Cn1c(=O)c2[nH]cnc2n(C)c1=O", 8.64),  # theophylline N7-H (DataWarrior set, mean of five)
])
def test_aromatic_imide_and_xanthine_nh_are_reported_as_acids(smiles: str, measured: float) -> None:
    """RDKit draws uracils and xanthines with aromatic ring bonds; their N-H acids (pKa 8.6-9.9) must still be found,
    so that a hydroxide wash is seen to take them into water."""
    result = predict_basicity(mol_from_smiles(smiles))
    assert any(s.band[0] <= measured <= s.band[1] for s in result.acidic_sites), result.acidic_sites


@pytest.mark.parametrize(("pyridone", "hydroxypyridine", "base_measured"), [
    ("O=c1cccc[nH]1", "Oc1ccccn1", 0.75),  # 2-pyridone (DataWarrior set)
    ("O=c1cc[nH]cc1", "Oc1ccncc1", 4.04),  # 4-pyridone; its N-H acid 11.12
])
def test_a_pyridone_gives_the_same_answer_in_both_drawings(pyridone: str, hydroxypyridine: str, base_measured: float) -> None:
    """A hydroxypyridine drawing is the same compound as the pyridone (the lactam form dominates in water): same sites,
    same values, the measured basic value inside the band and an N-H acid near 11 (4-pyridone 11.12)."""
    drawn = [predict_basicity(mol_from_smiles(smiles)) for smiles in (pyridone, hydroxypyridine)]
    summaries = [sorted((s.kind, s.site_class, s.pka) for s in result.sites) for result in drawn]
    assert summaries[0] == summaries[1]
    (base,) = [s for s in drawn[0].sites if s.kind == "base"]
    (acid,) = [s for s in drawn[0].sites if s.kind == "acid"]
    assert base.band[0] <= base_measured <= base.band[1] and acid.band[0] <= 11.12 <= acid.band[1]


@pytest.mark.parametrize(("oxo", "hydroxy", "measured"), [
    ("O=c1ccnc[nH]1", "Oc1ccncn1", 8.59),  # pyrimidin-4(3H)-one, N-H acid (DataWarrior set)
    ("O=c1nccc[nH]1", "Oc1ncccn1", 9.17),  # pyrimidin-2(1H)-one
])
def test_a_pyrimidinone_nh_acid_is_found_in_both_drawings(oxo: str, hydroxy: str, measured: float) -> None:
    # the oxo drawing had no acid site and the hydroxy drawing a phenol (9.9 +/-3.6)
    for smiles in (oxo, hydroxy):
        (acid,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
        assert acid.site_class == "pyrimidinone_nh" and acid.band[0] <= measured <= acid.band[1], smiles


def test_a_2_aminobenzimidazole_keeps_its_own_value() -> None:
    # 2-aminobenzimidazole 7.5 (DataWarrior set): fused, outside the single-ring 2-aminoimidazole class
    (site,) = predict_basicity(mol_from_smiles("Nc1nc2ccccc2[nH]1")).sites
    assert site.source == "model" and 6.8 <= site.pka <= 8.2


@pytest.mark.parametrize("smiles", ["c1nc[nH]n1", "Cn1cncn1"])
def test_a_1_2_4_triazole_is_a_weak_base(smiles: str) -> None:
    # 1,2,4-triazole pKaH 2.2-2.5, 1-methyl-1,2,4-triazole 3.2 (Perrin's compilation); a triazole ring N never
    # reaches an amine's basicity
    result = predict_basicity(mol_from_smiles(smiles))
    assert max(s.pka for s in result.sites if s.kind == "base") < 5.0


# ----------------------------------------------------------------------------- acids


def test_nordazepam_anilide_n1h_is_an_acid_in_10_to_12() -> None:
    result = predict_basicity(mol_from_smiles(NORDAZEPAM))
    (acid,) = result.acidic_sites
    assert acid.site_class == "anilide_nh_bzd" and acid.role == "acid" and 10.0 <= acid.pka <= 12.0
    assert [step.type for step in result.macro_pkas] == ["base", "acid"]


def test_carboxylic_acid_is_reported_with_an_acidic_pka() -> None:
    result = predict_basicity(mol_from_smiles("CC(C)Cc1ccc(C(C)C(=O)O)cc1"), ph=7.4)  # ibuprofen, pKa about 4.4
    (acid,) = result.sites
    assert acid.kind == "acid" and acid.site_class == "carboxylic_acid" and 3.0 < acid.pka < 5.5
    assert result.macro_pkas[0].type == "acid"
    assert acid.protonated_fraction < 0.01  # carboxylate at pH 7.4
    curve = dict(result.logd_curve)
    # hand arithmetic: one acid, logD = logP + log10(f_HA + (1 - f_HA) 10^-3.5)
    f_ha = 1.0 / (1.0 + 10.0 ** (7.0 - acid.pka))
    assert curve[7.0] == pytest.approx(result.logp_crippen + math.log10(f_ha + (1 - f_ha) * 10 ** -ION_LOGP_DROP), abs=2e-3)
    assert curve[1.0] == pytest.approx(result.logp_crippen, abs=0.01)
    assert result.free_base_ph_99 is None


def test_tetrazole_is_an_acid_and_its_ring_n_not_a_base() -> None:
    result = predict_basicity(mol_from_smiles("Cc1nn[nH]n1"), ph=7.4)  # 5-methyltetrazole 5.5
    (site,) = result.sites
    assert site.kind == "acid" and site.site_class == "tetrazole" and site.band[0] <= 5.5 <= site.band[1]
    assert dict(result.net_charge_fractions)[-1] > 0.95


def test_zwitterion_charge_states_and_logd() -> None:
    result = predict_basicity(mol_from_smiles("NCCCC(=O)O"), ph=7.4)  # GABA: pKa 4.0 / 10.6
    kinds = sorted(s.kind for s in result.sites)
    assert kinds == ["acid", "base"]
    assert [step.type for step in result.macro_pkas] == ["acid", "base"]
    fractions = dict(result.net_charge_fractions)
    assert fractions[0] > 0.95 and result.uncharged_fraction < 0.01  # net neutral, but as the zwitterion
    curve = dict(result.logd_curve)
    # net-charge-aware: at no pH does logD reach the uncharged logP, and it is lowest where the ions dominate
    assert max(curve.values()) < result.logp_crippen - 2.0
    assert curve[0.0] < curve[7.0] + 0.01 and curve[14.0] < curve[7.0] + 0.01


# ----------------------------------------------------------------------------- macro pKa


def test_two_equal_independent_sites_split_by_log4() -> None:
    # no interaction (far apart): macro pKa = micro +/- log10(2) (statistical factor)
    titration = Titration.build([TitratableSite(0, "base", 9.0), TitratableSite(1, "base", 9.0)], [[0, 40], [40, 0]])
    low, high = (step.pka for step in titration.macro_steps())
    assert high == pytest.approx(9.0 + math.log10(2), abs=0.01) and low == pytest.approx(9.0 - math.log10(2), abs=0.01)


def test_interaction_adds_to_the_statistical_split() -> None:
    w = interaction_pka_units(3)
    titration = Titration.build([TitratableSite(0, "base", 9.0), TitratableSite(3, "base", 9.0)], [[0, 3], [3, 0]])
    low, high = (step.pka for step in titration.macro_steps())
    # two sites: pKa1 + pKa2 = 2 micro - W exactly (product of the two macro constants)
    assert low + high == pytest.approx(18.0 - w, abs=0.02)


def test_homopiperazine_second_pka_at_least_two_units_below_the_first() -> None:
    result = predict_basicity(mol_from_smiles(HOMOPIPERAZINE))
    first, second = sorted((s.pka for s in result.macro_pkas), reverse=True)
    assert first - second >= 2.0
    # measured 10.41 / 6.70 (20.2 C; Pagano et al. 1961)
    warm = predict_basicity(mol_from_smiles(HOMOPIPERAZINE), temperature_c=20.2)
    first, second = sorted((s.pka for s in warm.macro_pkas), reverse=True)
    assert abs(first - 10.41) <= 1.0 and abs(second - 6.70) <= 1.5


def test_piperazine_second_step_matches_hall() -> None:
    result = predict_basicity(mol_from_smiles("C1CNCCN1"))
    first, second = sorted((s.pka for s in result.macro_pkas), reverse=True)
    assert abs(first - 9.81) <= 0.6 and abs(second - 5.55) <= 0.8  # Hall, J. Am. Chem. Soc. 1956, 78, 2570


def test_flurazepam_species_come_from_its_macro_pkas() -> None:
    result = predict_basicity(mol_from_smiles(FLURAZEPAM), ph=7.4)
    bases = [s for s in result.sites if s.kind == "base"]
    assert {s.site_class for s in bases} == {"aliphatic_amine", "imine"}
    k2, k1 = (step.pka for step in result.macro_pkas)  # lowest first
    # diprotic base from its macro constants: [B] : [BH+] : [BH2 2+] = 1 : 10^(k1-pH) : 10^(k1+k2-2pH)
    terms = [1.0, 10 ** (k1 - 7.4), 10 ** (k1 + k2 - 14.8)]
    fractions = dict(result.net_charge_fractions)
    assert fractions[1] == pytest.approx(terms[1] / sum(terms), abs=2e-3)
    assert fractions.get(0, 0.0) == pytest.approx(terms[0] / sum(terms), abs=2e-3)
    # the free-base pH (99 %) follows the macro constants as well
    assert result.free_base_ph_99 == pytest.approx(k1 + 2.0, abs=0.05)


def test_stepwise_check_set_is_much_better_with_the_interaction() -> None:
    table = pka_training.packaged_check_table("pka_stepwise.csv")
    assert set(table["set"]) == {"polyamine", "amino_acid"} and (table["licence"] != "").all()
    with_w = pka_training.stepwise_check(table)
    without = pka_training.stepwise_check(table, interaction=False)
    second = with_w[(with_w["set"] == "polyamine") & (with_w["step"] == 2)]["error"].abs().mean()
    second_without = without[(without["set"] == "polyamine") & (without["step"] == 2)]["error"].abs().mean()
    assert second <= 0.7 and second_without >= 1.5
    amino = with_w[with_w["set"] == "amino_acid"]["error"].abs().mean()
    assert amino <= 0.6


# ----------------------------------------------------------------------------- temperature


def test_temperature_lowers_amine_pka_and_leaves_carboxylic_acids() -> None:
    cold = predict_basicity(mol_from_smiles("CCCCN"), temperature_c=25.0)
    warm = predict_basicity(mol_from_smiles("CCCCN"), temperature_c=37.0)
    assert cold.sites[0].pka - warm.sites[0].pka >= 0.15
    assert warm.temperature_c == 37.0 and warm.sites[0].pka_25c == cold.sites[0].pka
    assert temperature_shift("acid", "carboxylic_acid", 4.76, 37.0) == 4.76


def test_glycylglycine_temperature_drop_matches_smith_and_smith() -> None:
    # 8.252 (25 C) -> 7.948 (37.5 C): 0.304 (Smith & Smith, J. Biol. Chem. 1942, 146, 187)
    low = predict_basicity(mol_from_smiles("NCC(=O)NCC(=O)O"), temperature_c=25.0)
    high = predict_basicity(mol_from_smiles("NCC(=O)NCC(=O)O"), temperature_c=37.5)
    drop = max(s.pka for s in low.macro_pkas) - max(s.pka for s in high.macro_pkas)
    assert drop == pytest.approx(0.304, abs=0.06)


def test_batch_passes_the_temperature() -> None:
    mols = [mol_from_smiles(s) for s in (HOMOPIPERAZINE, DIAZEPAM, "CC(=O)O")]
    batch = predict_basicity_many(mols, 7.4, temperature_c=37.0)
    assert batch == [predict_basicity(m, 7.4, temperature_c=37.0) for m in mols]


# ----------------------------------------------------------------------------- permanent charges and salts


def test_quaternary_ammonium_is_permanently_charged() -> None:
    result = predict_basicity(mol_from_smiles("C[N+](C)(C)Cc1ccccc1.[Cl-]"))
    (charge,) = result.permanent_charges
    assert charge.charge == 1 and charge.site_class == "quaternary_ammonium"
    assert result.sites == () and result.free_base_ph_99 is None
    assert dict(result.net_charge_fractions) == {1: 1.0}
    curve = dict(result.logd_curve)
    assert all(v == pytest.approx(result.logp_crippen - ION_LOGP_DROP, abs=1e-3) for v in curve.values())
    assert result.counter_ions == ("[Cl-]",)


_CETIRIZINE_CORE = "CN1CCN(C(c2ccccc2)c2ccc(Cl)cc2)CC1"


@pytest.mark.parametrize(
    ("base", "salts"),
    [
        (
            _CETIRIZINE_CORE,
            (
                f"{_CETIRIZINE_CORE}.Cl",  # HCl
                f"{_CETIRIZINE_CORE}.Cl.Cl",  # 2 HCl
                f"{_CETIRIZINE_CORE}.OC(=O)C(F)(F)F",  # TFA
                f"{_CETIRIZINE_CORE}.{_CETIRIZINE_CORE}.OS(=O)(=O)O",  # 2:1 sulfate
            ),
        ),
        ("O=C1CNCCCN1", ("[Cl-].O=C1C[NH2+]CCCN1", "O=C([O-])C(F)(F)F.O=C1C[NH2+]CCCN1")),
        ("CC(C)Cc1ccc(C(C)C(=O)O)cc1", ("[Na+].CC(C)Cc1ccc(C(C)C(=O)[O-])cc1",)),
    ],
)
def test_salts_give_the_free_base_logp_and_sites(base: str, salts: tuple[str, ...]) -> None:
    reference = predict_basicity(mol_from_smiles(base))
    for smiles in salts:
        result = predict_basicity(mol_from_smiles(smiles))
        assert result.logp_crippen == reference.logp_crippen, smiles
        assert [(s.site_class, s.pka) for s in result.sites] == [(s.site_class, s.pka) for s in reference.sites]
        assert [m.pka for m in result.macro_pkas] == [m.pka for m in reference.macro_pkas]
        assert result.logd_curve == reference.logd_curve
        assert result.counter_ions and result.parent_smiles == reference.parent_smiles, smiles


# ----------------------------------------------------------------------------- drawing independence


@pytest.mark.parametrize("smiles", [FLURAZEPAM, NORDAZEPAM, "NCCCC(=O)O", HOMOPIPERAZINE + ".Cl.Cl"])
def test_answers_do_not_depend_on_atom_order(smiles: str) -> None:
    mol = mol_from_smiles(smiles)
    reference = predict_basicity(mol)
    rng = random.Random(11)
    for _ in range(3):
        order = list(range(mol.GetNumAtoms()))
        rng.shuffle(order)
        shuffled = Chem.RenumberAtoms(mol, order)
        result = predict_basicity(shuffled)
        # the same sites in the same order (N4, then bases from the most basic, then acids), not in atom order
        listed = [(s.site_class, s.role, s.pka) for s in result.sites]
        assert listed == [(s.site_class, s.role, s.pka) for s in reference.sites]
        assert [m.pka for m in result.macro_pkas] == [m.pka for m in reference.macro_pkas]
        # the atom of each step, up to symmetry (homopiperazine's two N are equivalent)
        ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False))
        assert [ranks[order[m.atom]] for m in result.macro_pkas] == [ranks[m.atom] for m in reference.macro_pkas]
        assert result.logd_curve == reference.logd_curve and result.n4_pka == reference.n4_pka


# the model's site features, bit for bit: a float sum taken in another atom order differs in its last bits, and a
# tree split can fall between the two values (such a molecule's pKa moved by 0.1 with the atom order); an N at the
# fusion of two rings of one size (here a piperidine and a morpholine) must not take whichever ring RDKit lists first
FEATURE_ORDER_CASES = [
    "O=C1CCC(C(=O)N2CC(=O)N(Cc3cccnc3)C[C@H](OCC3CC3)C2)=NN1",  # a corpus hit whose pKa moved with the atom order
    "CN1C(=O)CN(C)[C@H](c2ccccc2F)c2cc(Cl)ccc21",
    "C1CCN2CCOCC2C1",  # octahydropyrido[2,1-c][1,4]oxazine: the ring-fusion N
    FLURAZEPAM,
]


@pytest.mark.parametrize("smiles", FEATURE_ORDER_CASES)
def test_site_features_are_the_same_bits_in_any_atom_order(smiles: str) -> None:
    from reactivity.basicity import find_basic_sites, site_features

    mol = mol_from_smiles(smiles)
    sites = find_basic_sites(mol)
    assert sites
    reference = {atom: row for (atom, _), row in zip(sites, site_features(mol, sites))}
    rng = random.Random(5)
    for _ in range(10):
        order = list(range(mol.GetNumAtoms()))
        rng.shuffle(order)
        shuffled = Chem.RenumberAtoms(mol, order)  # new atom i is old atom order[i]
        found = find_basic_sites(shuffled)
        for (atom, _), row in zip(found, site_features(shuffled, found)):
            assert row.tobytes() == reference[order[atom]].tobytes(), (smiles, order[atom])
        assert sorted(s.pka for s in predict_basicity(shuffled).sites) == sorted(s.pka for s in predict_basicity(mol).sites)


# ----------------------------------------------------------------------------- data files


def test_literature_file_has_citations_confidence_and_checks_pass() -> None:
    table = _literature()
    assert {"citation", "confidence", "used_for", "licence_note"} <= set(table.columns)
    assert (table["citation"].str.len() > 20).all() and (table["confidence"] != "").all()
    checks = table[table["used_for"] == "check"]
    for _, row in checks.iterrows():
        if "anilide" in row["site"]:
            (site,) = predict_basicity(mol_from_smiles(row["smiles"])).acidic_sites
            assert site.band[0] <= float(row["value"]) <= site.band[1], row["compound"]


def test_acid_class_bands_cover_the_open_data() -> None:
    table = pka_training.packaged_check_table("pka_acid_check.csv")
    check = pka_training.acid_check(table)
    for site_class, group in check.groupby("site_class"):
        if len(group) >= 20:
            assert group["covered"].mean() >= 0.85, site_class


def test_interaction_parameters_are_the_reproducible_fit() -> None:
    from reactivity.basicity import titration

    fit = pka_training.fit_stepwise_interaction(pka_training.packaged_check_table("pka_stepwise.csv"))
    assert (fit["A"], fit["decay"], fit["path_factor"]) == (
        titration.INTERACTION_A, titration.INTERACTION_DECAY, titration.INTERACTION_PATH_FACTOR
    )
    assert fit["acid_scale"] == titration.INTERACTION_SCALE[("acid", "base")]
    assert fit["second_step_mae_cv"] <= 0.6 < 2.0 <= fit["second_step_mae_no_interaction"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["base", "acid"]), st.floats(-1.0, 13.0)), min_size=1, max_size=5),
    st.integers(2, 9),
)
def test_macro_constants_multiply_to_the_fully_protonated_state(sites, spacing) -> None:  # type: ignore[no-untyped-def]
    # the product of all stepwise constants is beta_N / beta_0 (the two ends of the binding polynomial): the fully
    # protonated state (bases +1, acids neutral) over the fully deprotonated one (bases neutral, acids -1), so
    # sum of macro pKa = sum of micro pKa - sum of base-base W + sum of acid-acid W (each scaled by its pair type)
    titratable = [TitratableSite(i, kind, round(pka, 2)) for i, (kind, pka) in enumerate(sites)]
    n = len(titratable)
    distances = [[abs(i - j) * spacing for j in range(n)] for i in range(n)]
    titration = Titration.build(titratable, distances)
    steps = titration.macro_steps()
    assert len(steps) == n
    bases = [i for i, s in enumerate(titratable) if s.kind == "base"]
    acids = [i for i, s in enumerate(titratable) if s.kind == "acid"]

    def pairs(group: list[int], kind: str) -> float:
        scale = INTERACTION_SCALE[(kind, kind)]
        return sum(scale * interaction_pka_units(abs(i - j) * spacing) for a, i in enumerate(group) for j in group[a + 1:])

    expected = sum(s.pka for s in titratable) - pairs(bases, "base") + pairs(acids, "acid")
    # each reported step is rounded to 0.01
    assert sum(s.pka for s in steps) == pytest.approx(expected, abs=0.006 * n + 1e-9)


@pytest.mark.parametrize("smiles, measured", [
    ("CC(=O)CC(=O)O", 3.09),  # acetoacetic acid, DataWarrior record 7636
    ("NC(=O)CC(=O)O", 3.61),  # malonamic acid, DataWarrior record 7749
])
def test_carbonyl_on_the_alpha_carbon_lowers_a_carboxylic_acid(smiles: str, measured: float) -> None:
    # in-sample for the correction (these rows set it); the class value alone (4.6) was 1.0-1.5 too high
    (site,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
    assert "carboxyl_alpha_carbonyl" in site.adjustments
    assert abs(site.pka - measured) < 0.6


def test_gem_dicarboxylic_acid_first_step_is_below_a_plain_carboxylic_acid() -> None:
    # cyclopentane-1,1-dicarboxylic acid 3.24 and 6.08 (DataWarrior records 4153, 4155): each carboxyl has the
    # other on its alpha carbon; the class value alone put the first step near 4.3
    steps = [step.pka for step in predict_basicity(mol_from_smiles("OC(=O)C1(C(=O)O)CCCC1")).macro_pkas]
    assert abs(steps[0] - 3.24) < 0.6 and steps[1] - steps[0] > 1.5


@pytest.mark.parametrize("smiles", [
    "CC(=O)CC(c1ccccc1)c1c(O)c2ccccc2oc1=O",  # warfarin, 4-hydroxycoumarin drawing
    "CC(=O)CC(c1ccccc1)C1C(=O)Oc2ccccc2C1=O",  # warfarin, keto drawing
])
def test_warfarin_is_a_vinylogous_acid_near_5_in_either_drawing(smiles: str) -> None:
    # out of sample: warfarin 5.03-5.06 (Stella, Mooney & Pipkin, J. Pharm. Sci. 1984, 73, 946-948); the enol drawing
    # was read as a phenol (9.9) and the keto drawing had no acid
    (site,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
    assert site.site_class == "vinylogous_acid" and site.band[0] <= 5.05 <= site.band[1] and abs(site.pka - 5.05) < 0.5


def test_ortho_acyl_phenols_stay_phenols() -> None:
    # juglone's peri O-H (8.7, DataWarrior record 3278) and salicylaldehyde (8.36) are phenols, not vinylogous acids
    for smiles in ("O=C1C=CC(=O)c2c(O)cccc21", "O=Cc1ccccc1O"):
        (site,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
        assert site.site_class == "phenol", smiles


@pytest.mark.parametrize("smiles, measured", [
    ("CN1C(C(=O)Nc2ccccn2)=C(O)c2ccccc2S1(=O)=O", 5.3),  # piroxicam (Celebier et al., Turk. J. Pharm. Sci. 2020)
    ("Cc1cnc(NC(=O)C2=C(O)c3ccccc3S(=O)(=O)N2C)s1", 4.03),  # meloxicam (Basat Dereli 2022)
])
def test_oxicam_enol_is_an_acid_near_5(smiles: str, measured: float) -> None:
    # in-sample (these set the class value): the enol is not aromatic, so it had no acid site at all before
    (site,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
    assert site.band[0] <= measured <= site.band[1]


@pytest.mark.parametrize(
    ("smiles", "rule", "value"),
    [
        # pioglitazone's thiazolidine-2,4-dione: mean of the nine thiazolidine- and oxazolidine-2,4-diones of the open
        # DataWarrior set (5.70-6.64; 55.76 / 9 = 6.20)
        ("CCc1ccc(CCOc2ccc(CC3SC(=O)NC3=O)cc2)nc1", "azolidinedione_nh", 6.2),
        # thalidomide's glutarimide: mean of glutarimide 11.43, two dihydrouracils 11.86 and 11.22, two glutarimide
        # antibiotics 11.2 (56.91 / 5 = 11.38); the phthalimide N carries no H
        ("O=C1CCC(N2C(=O)c3ccccc3C2=O)C(=O)N1", "glutarimide_nh", 11.4),
        # phenobarbital: each N-H of a 5,5-disubstituted barbiturate 8.3 (barbital 7.9 and pentobarbital 8.08, mean 7.99,
        # plus log10(2) for two equal sites)
        ("CCC1(c2ccccc2)C(=O)NC(=O)NC1=O", "barbiturate_nh", 8.3),
        # phenytoin: a hydantoin keeps the general imide value
        ("O=C1NC(=O)C(c2ccccc2)(c2ccccc2)N1", "imide_nh", 9.0),
    ],
)
def test_imide_subclasses(smiles: str, rule: str, value: float) -> None:
    acids = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "acid"]
    assert acids and all(s.rule == rule and s.pka == value for s in acids)


def test_a_barbiturate_first_step_is_the_measured_mean() -> None:
    # two equal N-H sites of 8.3: the first macro step is 8.3 - log10(2) = 8.0 (barbital 7.9, pentobarbital 8.08)
    steps = predict_basicity(mol_from_smiles("CCC1(CC)C(=O)NC(=O)NC1=O")).macro_pkas
    assert steps[0].type == "acid" and abs(steps[0].pka - (8.3 - math.log10(2))) < 0.02


def test_saccharin_is_a_much_stronger_acid_than_an_open_chain_acyl_sulfonamide() -> None:
    # saccharin 1.76 (18 C, open DataWarrior set, record 1225; the one value that sets its correction, so in-sample);
    # N-acetyl-p-toluenesulfonamide 4.80 (record 2258) keeps the class value 4.5
    (cyclic,) = [s for s in predict_basicity(mol_from_smiles("O=C1NS(=O)(=O)c2ccccc21")).sites if s.kind == "acid"]
    (open_chain,) = [s for s in predict_basicity(mol_from_smiles("CC(=O)NS(=O)(=O)c1ccc(C)cc1")).sites if s.kind == "acid"]
    assert cyclic.band[0] <= 1.76 <= cyclic.band[1] and "acyl_sulfonamide_saccharin" in cyclic.adjustments
    assert open_chain.band[0] <= 4.80 <= open_chain.band[1] and cyclic.pka < open_chain.pka - 2.0


@pytest.mark.parametrize(("smiles", "measured"), [
    ("CC(=O)CC(C)=O", 8.85),  # acetylacetone, DataWarrior record 7611 (not one of the nine that set the class value)
    ("CC(O)=CC(C)=O", 8.85),  # the same compound drawn as its enol
    ("CCOC(=O)CC(C)=O", 10.66),  # ethyl acetoacetate, record 2595 (sets the ester correction: in-sample)
    ("CCOC(=O)C(CC)C(C)=O", 12.74),  # ethyl 2-ethylacetoacetate, record 4071 (two corrections added: out of sample)
    ("CC(=O)CC(=O)C(F)(F)F", 6.09),  # 1,1,1-trifluoropentane-2,4-dione, record 1845 (in-sample)
])
def test_open_chain_1_3_dicarbonyls_are_c_h_acids(smiles: str, measured: float) -> None:
    (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "acid"]
    assert site.site_class == "dicarbonyl_ch" and site.band[0] <= measured <= site.band[1]


@pytest.mark.parametrize("smiles", ["CC(=O)CC(N)=O", "CC(=O)CC(=O)O", "CCOC(=O)CC(=O)OCC"])
def test_keto_amides_keto_acids_and_malonates_are_not_read_as_diketones(smiles: str) -> None:
    assert not [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.site_class == "dicarbonyl_ch"]


@pytest.mark.parametrize(("smiles", "measured", "correction", "within"), [
    # out of sample for their corrections (set by the unsubstituted acids); the aryl value alone is 4.2
    ("Cc1ccc(C(=O)O)s1", 3.76, "carboxyl_thiophen_2_yl", 0.5),  # 5-methylthiophene-2-, DataWarrior record 2798
    ("O=C(O)c1ccc(I)o1", 2.94, "carboxyl_furan_2_yl", 0.5),  # 5-iodofuran-2-carboxylic acid, record 2851
    ("Cc1c[nH]cc1C(=O)O", 5.65, "carboxyl_pyrrol_3_yl", 0.6),  # 4-methylpyrrole-3-carboxylic acid, record 3043
    ("Cc1cc(C(=O)O)c[nH]1", 5.35, "carboxyl_pyrrol_3_yl", 0.6),  # 5-methylpyrrole-3-carboxylic acid, record 3060
])
def test_a_five_membered_heteroaryl_acid_takes_its_ring_correction(smiles: str, measured: float, correction: str,
                                                                  within: float) -> None:
    # furan-2 and thiophene-2 acids are stronger than benzoic acid, pyrrole-3 acids weaker (the ring N gives C3 its
    # lone pair)
    (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "acid"]
    assert correction in site.adjustments and abs(site.pka - measured) < within
    assert site.band[0] <= measured <= site.band[1]


@pytest.mark.parametrize(("smiles", "measured"), [
    # in-sample (these eight acids set the 0.58); without it they came out 0.13-0.90 too strong
    ("Cc1cc[nH]c1C(=O)O", 5.1),  # 3-methylpyrrole-2-carboxylic acid, record 3053
    ("Cc1ccc(C(=O)O)[nH]1", 5.0),  # 5-methylpyrrole-2-, record 3051
    ("Cc1[nH]c2ccccc2c1C(=O)O", 5.89),  # 2-methylindole-3-, record 3374
])
def test_a_methyl_on_the_pyrrole_ring_weakens_its_carboxylic_acid(smiles: str, measured: float) -> None:
    (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "acid"]
    assert "carboxyl_pyrrole_ring_methyl" in site.adjustments and abs(site.pka - measured) < 0.35


def test_an_n_methyl_or_benzo_methyl_is_not_a_pyrrole_ring_methyl() -> None:
    for smiles in ("Cn1cccc1C(=O)O", "Cc1ccc2[nH]c(C(=O)O)cc2c1"):
        (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "acid"]
        assert "carboxyl_pyrrole_ring_methyl" not in site.adjustments, smiles


@pytest.mark.parametrize("smiles", [
    "OC(=O)c1ccoc1",  # furan-3-carboxylic acid 3.94 (record 52)
    "OC(=O)c1ccc[nH]1",  # pyrrole-2-carboxylic acid 4.35 (record 237)
])
def test_a_heteroaryl_acid_at_another_ring_position_keeps_the_aryl_value(smiles: str) -> None:
    (site,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.kind == "acid"]
    assert site.adjustments == ("carboxyl_aryl",)


@pytest.mark.parametrize("smiles, measured", [
    ("CC1C(=O)c2ccccc2C1=O", 6.17),  # 2-methylindane-1,3-dione, DataWarrior record 947
    ("CCC1C(=O)c2ccccc2C1=O", 6.5),  # 2-ethyl-, record 3254
    ("CC(C)C1C(=O)c2ccccc2C1=O", 7.4),  # 2-isopropyl-, record 2331
    ("O=C1c2ccccc2C(=O)C1Cc1ccccc1", 5.9),  # 2-benzyl-, record 5501
])
def test_an_indane_1_3_dione_is_a_c_h_acid_near_6_5(smiles: str, measured: float) -> None:
    # in-sample (these four values set the class value); before, no acid site at all
    (site,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
    assert site.rule == "indane_1_3_dione_ch" and site.band[0] <= measured <= site.band[1]


def test_an_indane_1_3_dione_drawn_as_its_enol_gets_the_same_acid() -> None:
    keto = predict_basicity(mol_from_smiles("CC1C(=O)c2ccccc2C1=O")).acidic_sites
    enol = predict_basicity(mol_from_smiles("CC1=C(O)c2ccccc2C1=O")).acidic_sites
    assert [(s.site_class, s.pka, s.atom) for s in keto] == [(s.site_class, s.pka, s.atom) for s in enol]


@pytest.mark.parametrize(("smiles", "measured"), [
    ("OC(=O)c1cccnn1", 3.0), ("OC(=O)c1ncccn1", 2.85), ("OC(=O)c1cnccn1", 2.7), ("OC(=O)c1ccnnc1", 2.8),
])
def test_a_diazine_carboxylic_acid_is_a_stronger_acid_than_benzoic_acid(smiles: str, measured: float) -> None:
    # open DataWarrior set (records 2927, 2929, 2931, 2935) against benzoic acid 4.20: the two ring N withdraw; the
    # aryl class value alone gave 4.2 for all four
    (acid,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
    assert acid.pka < 4.2 - 1.0 and acid.band[0] <= measured <= acid.band[1]


@pytest.mark.parametrize(("smiles", "measured"), [
    ("Nc1nc(N)nc(N)n1", 5.06),  # melamine (record 2987); the site model alone: 5.54
    ("CCNc1nc(Cl)nc(NC(C)C)n1", 1.61),  # atrazine (2259); the site model alone: 5.72
    ("Cc1nc(N)nc(N)n1", 4.59),  # 2,4-diamino-6-methyl-1,3,5-triazine (3142); model alone 6.21
    ("C=CCOc1nc(N)nc(N)n1", 3.43),  # 6-allyloxy-1,3,5-triazine-2,4-diamine (901); model alone 5.96
    ("CCN(CC)c1nc(N)nc(N(CC)CC)n1", 6.28),  # N,N,N',N'-tetraethylmelamine (6251), the highest of the class
])
def test_amino_triazines_take_their_first_proton_on_a_ring_n_near_the_measured_value(smiles: str,
                                                                                    measured: float) -> None:
    # three equivalent ring N titrate to a first step log10(3) above each N's own value
    result = predict_basicity(mol_from_smiles(smiles))
    sites = [s for s in result.sites if s.site_class == "triazine_ring_n"]
    assert len(sites) == 3
    first = max(step.pka for step in result.macro_pkas)
    assert abs(first - measured) < 1.0
    assert sites[0].band[0] + 0.48 <= measured <= sites[0].band[1] + 0.48


def test_a_triazine_with_one_amino_group_or_an_aryl_group_keeps_the_site_model() -> None:
    for smiles in ("Cc1nc(C)nc(N)n1", "Nc1nc(N)nc(-c2ccccc2)n1"):
        assert not [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.site_class == "triazine_ring_n"]


@pytest.mark.parametrize(("smiles", "measured", "correction"), [
    ("Nc1nnnn1CC(=O)O", 2.38, "carboxyl_alpha_tetrazolyl_n"),  # 5-aminotetrazol-1-ylacetic acid, record 1807
    ("CC1CCCC(C(=O)O)c2nnnn21", 3.3, "carboxyl_alpha_tetrazol_5_yl"),  # record 2366
    ("O=C(O)C1CCCCn2nnnc21", 3.4, "carboxyl_alpha_tetrazol_5_yl"),  # record 3293
])
def test_a_tetrazole_on_the_alpha_carbon_makes_a_stronger_acid(smiles: str, measured: float, correction: str) -> None:
    # out of sample for the corrections (set by the unbranched tetrazolylacetic acids); 4.6 and 4.04 before
    result = predict_basicity(mol_from_smiles(smiles))
    (acid,) = [s for s in result.sites if s.kind == "acid"]
    assert correction in acid.adjustments
    # (the aminotetrazole's ring N, pKaH 0.6, adds a step below 1 that the measurement does not report)
    step = min((step.pka for step in result.macro_pkas if step.type == "acid"), key=lambda pka: abs(pka - measured))
    assert abs(step - measured) < 0.4


def test_an_azol_1_ylacetic_acid_is_a_stronger_acid_than_acetic_acid() -> None:
    # pyrrol-1-ylacetic acid 3.30 (record 3050, in-sample); an imidazol-1-yl acid whose ring N is protonated near
    # pH 7 (record 5600, 2.0, out of sample) came out at 3.9 without the correction
    (pyrrolyl,) = predict_basicity(mol_from_smiles("OC(=O)Cn1cccc1")).acidic_sites
    assert abs(pyrrolyl.pka - 3.30) < 0.3
    steps = [s.pka for s in predict_basicity(mol_from_smiles("CC/C=C/Cc1nccn1[C@H](C(=O)O)C(C)(C)S")).macro_pkas]
    assert abs(steps[0] - 2.0) < 1.0


@pytest.mark.parametrize(("smiles", "measured"), [
    ("OC(=O)C(F)(F)F", 0.23),  # trifluoroacetic acid, DataWarrior record 7628 (sets the second and third halogen)
    ("N#CCC(=O)O", 2.46),  # cyanoacetic acid, record 7454
    ("ClCC(=O)O", 2.85),  # chloroacetic acid, record 7500
    ("CC(I)C(=O)O", 3.21),  # 2-iodopropanoic acid, record 7344 (out of sample)
])
def test_halogens_and_cyano_on_the_alpha_carbon_each_take_their_own_share(smiles: str, measured: float) -> None:
    # one alpha-heteroatom correction of -1.1 put all four at 3.5 (trifluoroacetic acid 3.3 units too weak)
    (site,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
    assert abs(site.pka - measured) < 0.35
    # a halogen one carbon further takes none of them
    (beta,) = predict_basicity(mol_from_smiles("ClCCC(=O)O")).acidic_sites
    assert not [a for a in beta.adjustments if a.startswith("carboxyl_alpha")]


def test_a_chromone_2_carboxylic_acid_is_a_strong_acid() -> None:
    # 4-oxopyran-2-carboxylic acid 1.50 (DataWarrior record 1368) sets the correction; cromoglicic acid's two
    # chromone-2-carboxylic acids take it (their aryl value alone was 4.2); a chromone-3-carboxylic acid does not
    steps = [s.pka for s in predict_basicity(mol_from_smiles(
        "O=C(O)c1cc(=O)c2c(OCC(O)COc3cccc4oc(C(=O)O)cc(=O)c34)cccc2o1")).macro_pkas]
    assert len(steps) == 2 and max(steps) < 2.5
    (c3,) = predict_basicity(mol_from_smiles("OC(=O)c1coc2ccccc2c1=O")).acidic_sites
    assert "carboxyl_pyran_4_one_2_yl" not in c3.adjustments


@pytest.mark.parametrize(("smiles", "measured"), [
    ("OC(=O)c1cccnc1", (4.83, 2.03)),  # nicotinic acid, DataWarrior records 3079, 3081 (in-sample)
    ("OC(=O)c1ccncc1", (4.90, 1.71)),  # isonicotinic acid, 3069, 3068 (in-sample)
    ("OC(=O)c1ccc2ncccc2c1", (4.82,)),  # quinoline-6-carboxylic acid, 3393 (no correction of its own)
    ("CCCCc1ccc(C(=O)O)nc1", (5.70,)),  # fusaric acid, 3660
    ("C[n+]1ccc(C(=O)O)cc1", (1.72,)),  # 1-methylpyridinium-4-carboxylic acid, 1708 (a permanent cation)
])
def test_pyridine_carboxylic_acids_are_zwitterions_with_the_measured_steps(smiles: str,
                                                                           measured: tuple[float, ...]) -> None:
    # before: nicotinic and isonicotinic acid 2.86/4.57 and 2.95/4.63 (the carboxyl kept benzoic acid's 4.2 and the
    # pyridinium-carboxylate pair the aliphatic interaction), the methylpyridinium acid 3.5
    steps = sorted((step.pka for step in predict_basicity(mol_from_smiles(smiles)).macro_pkas), reverse=True)
    for value, step in zip(measured, steps):
        assert abs(step - value) < 0.45


def test_a_carboxyl_on_a_pyridine_takes_its_ring_correction_by_position() -> None:
    # microconstants (hand arithmetic on DataWarrior records 3079/3081/1702 and 3068/3069/1695): with the ring N
    # free, nicotinic acid's carboxyl is 3.63 and isonicotinic acid's 3.23, against benzoic acid 4.20
    def carboxyl(smiles: str) -> BasicSite:
        (acid,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
        return acid

    assert abs(carboxyl("OC(=O)c1cccnc1").pka - 3.63) < 0.05
    assert abs(carboxyl("OC(=O)c1ccncc1").pka - 3.23) < 0.05
    assert not [a for a in carboxyl("OC(=O)c1ccccn1").adjustments if a.startswith("carboxyl_pyridin")]
    # a pyridine N-oxide takes no proton near the carboxyl: nicotinic acid N-oxide 2.95 (record 1795)
    assert abs(carboxyl("OC(=O)c1ccc[n+]([O-])c1").pka - 2.95) < 0.2


def test_only_a_conjugated_aromatic_ring_n_takes_the_larger_interaction() -> None:
    # the factor scales the carboxylate-ring cation interaction only when every bond between them is conjugated:
    # 3-(imidazol-4-yl)propanoic acid (records 1558/1555) keeps the aliphatic interaction, urocanic acid takes it
    from reactivity.basicity import titration as titration_module

    saturated = "OC(=O)CCc1c[nH]cn1"
    before = predict_basicity(mol_from_smiles(saturated)).macro_pkas
    saved = titration_module.CONJUGATED_RING_FACTOR
    try:
        titration_module.CONJUGATED_RING_FACTOR = 1.0
        plain = predict_basicity(mol_from_smiles(saturated)).macro_pkas
        urocanic_plain = predict_basicity(mol_from_smiles("OC(=O)/C=C/c1c[nH]cn1")).macro_pkas
    finally:
        titration_module.CONJUGATED_RING_FACTOR = saved
    assert [s.pka for s in before] == [s.pka for s in plain]
    urocanic = predict_basicity(mol_from_smiles("OC(=O)/C=C/c1c[nH]cn1")).macro_pkas
    assert min(s.pka for s in urocanic) < min(s.pka for s in urocanic_plain)
    assert max(s.pka for s in urocanic) > max(s.pka for s in urocanic_plain)


def test_conjugated_ring_factor_is_read_from_the_microconstants_and_holds_on_the_table() -> None:
    from reactivity.basicity import titration

    # nicotinic acid 2.03/4.83 with methyl nicotinate 3.23 (four bonds, one path), isonicotinic acid 1.71/4.90 with
    # methyl isonicotinate 3.38 (five bonds, two paths); DataWarrior records 3081/3079/1702, 3068/3069/1695.
    # Hand arithmetic: cation carboxyl -log10(10^-2.03 - 10^-3.23) = 2.06, free carboxyl 2.03 + 4.83 - 3.23 = 3.63,
    # interaction 1.57 against 0.65 x 4.2 exp(-2/2.2) = 1.10 (1.43); isonicotinic 1.51 against 1.05 (1.44)
    nicotinic = pka_training.zwitterion_microconstants(2.03, 4.83, 3.23)
    isonicotinic = pka_training.zwitterion_microconstants(1.71, 4.90, 3.38)
    assert [round(x, 2) for x in nicotinic] == [3.63, 2.06, 1.57]
    assert [round(x, 2) for x in isonicotinic] == [3.23, 1.72, 1.51]
    factors = (nicotinic[2] / (0.65 * interaction_pka_units(4)), isonicotinic[2] / (0.65 * interaction_pka_units(5, 2)))
    assert titration.CONJUGATED_RING_FACTOR == pytest.approx(round(sum(factors) / 2 / 0.05) * 0.05) == 1.45
    # the ring corrections are the same microconstants less benzoic acid's 4.20
    corrections = {a.id: a.delta for a in class_rules()[1]}
    assert corrections["carboxyl_pyridin_3_yl"] == round(nicotinic[0] - 4.2, 2)
    assert corrections["carboxyl_pyridin_4_yl"] == round(isonicotinic[0] - 4.2, 2)
    # on the other molecules of the table the factor lowers the error, near the best of a scan
    table = pka_training.packaged_check_table("pka_aromatic_zwitterions.csv")
    assert (table["licence"] != "").all() and table["records"].str.startswith("DataWarrior:").all()
    others = table[~table["name"].isin(["nicotinic acid", "isonicotinic acid"])]
    scan = pka_training.conjugated_ring_factor_scan(others, [1.0, 1.2, 1.45, 1.6, 1.8, 2.0])
    assert scan[1.45] < scan[1.0] - 0.2 and scan[1.45] <= min(scan.values()) + 0.05


def test_a_permanent_cation_across_a_ring_acts_through_both_paths() -> None:
    # the N-methylpiperazinium quaternary N and the ring's other N are joined by two three-bond paths, as the two
    # N of piperazine are: the amine's step is its micro value less the two-path interaction (4.0, hand arithmetic
    # from A = 4.2, L = 2.2, path factor 0.5), not the one-path 2.67
    result = predict_basicity(mol_from_smiles("C[N+]1(C)CCN(C)CC1"))
    (site,) = result.basic_sites
    (step,) = result.macro_pkas
    assert abs(site.pka - step.pka - interaction_pka_units(3, paths=2)) < 0.01


@pytest.mark.parametrize(("smiles", "measured"), [
    ("CCc1ccc(C(=O)O)nc1", 5.86),  # 5-ethylpicolinic acid, DataWarrior record 4485
    ("CCCCc1ccc(C(=O)O)nc1", 5.70),  # fusaric acid, 3660
    ("CCc1cnc(C(=O)O)cc1CC", 6.58),  # 4,5-diethylpicolinic acid, 3659
])
def test_alkyl_groups_raise_the_ring_n_of_a_2_acylpyridine_as_they_raise_pyridine(smiles: str, measured: float) -> None:
    # out of sample: the increments are pyridine's own (methyl- and ethylpyridines); without them the class value of
    # the 2-acylpyridine N ignored ring alkyls and these steps came out at 4.8-4.9 (5.4-5.5 with the zwitterion terms)
    steps = [step.pka for step in predict_basicity(mol_from_smiles(smiles)).macro_pkas]
    assert abs(max(steps) - measured) < 0.3
    # bromazepam's pyridine (no ring alkyl) keeps the class value it was set on
    bromazepam = predict_basicity(mol_from_smiles("O=C1CN=C(c2ccccn2)c2cc(Br)ccc2N1"))
    (pyridine,) = [s for s in bromazepam.sites if s.site_class == "pyridine_conjugated"]
    assert pyridine.pka == 2.9 and not pyridine.adjustments


@pytest.mark.parametrize(("smiles", "measured"), [
    ("Cc1nnc(NS(=O)(=O)c2ccc(N)cc2)s1", 5.46),  # sulfamethizole, DataWarrior record 6085
    ("Cc1noc(NS(=O)(=O)c2ccc(N)cc2)c1C", 4.16),  # sulfisoxazole, 5801
    ("Cc1nc(NS(=O)(=O)c2ccc(N)cc2)no1", 4.4),  # the 3-methyl-1,2,4-oxadiazol-5-yl sulfanilamide, 6097
])
def test_a_sulfonamide_on_an_o_or_s_azole_is_one_acid_step_near_5(smiles: str, measured: float) -> None:
    # in-sample (the six such values set the correction; each left out in turn: MAE 0.61); before, the N-H kept the
    # heteroaryl class value 7.5 and the site model put a ring N at 2-4, a zwitterion step near 4 that no
    # measurement shows
    result = predict_basicity(mol_from_smiles(smiles))
    steps = [s for s in result.macro_pkas if 2.5 < s.pka < 10.0]
    assert len(steps) == 1 and steps[0].type == "acid" and abs(steps[0].pka - measured) < 0.9
    assert all(s.pka < 0.0 for s in result.sites if s.site_class == "azole_weak")
    # a thiazol-2-yl sulfonamide (sulfathiazole 7.25, record 5169) takes neither rule
    sulfathiazole = predict_basicity(mol_from_smiles("Nc1ccc(S(=O)(=O)Nc2nccs2)cc1"))
    (acid,) = sulfathiazole.acidic_sites
    assert abs(acid.pka - 7.25) < 0.01 and "sulfonamide_n_o_s_azolyl" not in acid.adjustments



@pytest.mark.parametrize(("smiles", "measured"), [
    ("Nc1ccc(S(=O)(=O)Nc2cnc(Cl)nc2)cc1", 5.8),  # 2-chloropyrimidin-5-yl, DataWarrior record 5688 (7.19 before)
    ("Nc1ccc(S(=O)(=O)Nc2ccc(N)nc2)cc1", 8.82),  # 6-aminopyridin-3-yl, record 5692 (7.5 before)
])
def test_the_n_heteroaryl_ring_sets_the_sulfonamide_n_h_out_of_sample(smiles: str, measured: float) -> None:
    # the pyrimidin-5-yl and pyridin-3-yl corrections were read on the parent sulfanilamides (6.62 and 7.89, records
    # 6095, 6205); these two substituted ones were not used
    (acid,) = predict_basicity(mol_from_smiles(smiles)).acidic_sites
    assert abs(acid.pka - measured) < 1.0 and acid.adjustments[0].startswith("sulfonamide_n_pyri")


def test_a_benzenesulfonyl_group_without_a_para_donor_makes_a_stronger_n_h_acid_than_a_sulfanilyl_one() -> None:
    # six measured pairs set -1.01 (each left out in turn: MAE 0.48); the sulfanilamides keep the ring values
    def n_h(smiles: str) -> tuple[float, tuple[str, ...]]:
        (acid,) = [s for s in predict_basicity(mol_from_smiles(smiles)).sites if s.site_class == "sulfonamide_n_aryl"]
        return acid.pka, acid.adjustments
    plain, used = n_h("O=S(=O)(Nc1ncccn1)c1ccccc1")  # 5.91, record 5171
    assert abs(plain - 5.91) < 0.6 and "sulfonamide_n_heteroaryl_s_aryl_no_donor" in used
    sulfadiazine, used = n_h("Nc1ccc(S(=O)(=O)Nc2ncccn2)cc1")  # 6.42, record 6089
    assert abs(sulfadiazine - 6.42) < 0.01 and "sulfonamide_n_heteroaryl_s_aryl_no_donor" not in used
    hydroxy, used = n_h("O=S(=O)(Nc1ncccn1)c1ccc(O)cc1")  # 6.37, record 6217: a para OH keeps the class value
    assert abs(hydroxy - 6.37) < 0.2 and "sulfonamide_n_heteroaryl_s_aryl_no_donor" not in used

@pytest.mark.parametrize("smiles", [
    "OC(=O)c1cccnc1", "C[n+]1ccc(C(=O)O)cc1", "CCc1ccc(C(=O)O)nc1", "Nc1ccncc1C(=O)O", "OC(=O)/C=C/c1c[nH]cn1",
    "Cc1nnc(NS(=O)(=O)c2ccc(N)cc2)s1", "C[N+]1(C)CCN(C)CC1", "Nc1ccc(S(=O)(=O)Nc2ccncn2)cc1",
    "CC(=O)Nc1ccc(S(=O)(=O)Nc2nccs2)cc1",
])
def test_the_zwitterion_terms_and_the_new_corrections_do_not_depend_on_the_drawing(smiles: str) -> None:
    check_drawing_independence(smiles, random.Random(5), renumberings=3)


def test_the_conjugated_ring_factor_is_named_among_the_assumptions_where_it_is_used() -> None:
    def notes(smiles: str) -> list[str]:
        return [str(a) for a in predict_basicity(mol_from_smiles(smiles)).assumptions if "conjugated bonds" in str(a)]

    (note,) = notes("OC(=O)c1cccnc1")  # nicotinic acid: the carboxyl O (atom 0) and the ring N (atom 7)
    assert "atom(s) 0, 7" in note and "1.45 times" in note
    assert notes("OC(=O)Cc1cccnc1") == []  # a CH2 between them: the aliphatic interaction, nothing to name


@pytest.mark.parametrize(("smiles", "measured"), [
    ("CC(=O)Nc1nnc(S(N)(=O)=O)s1", 7.48),  # acetazolamide, DataWarrior record 3545
    ("CC(=O)/N=c1\\sc(S(N)(=O)=O)nn1C", 7.3),  # methazolamide, record 2130
    ("NS(=O)(=O)c1nccs1", 8.25),  # thiazole-2-sulfonamide, record 2944
])
def test_an_azole_2_sulfonamide_is_one_acid_step_near_7_5_with_no_ring_n_base_step(smiles: str,
                                                                                  measured: float) -> None:
    # in-sample (ten measured values set the class value and the thiadiazole correction); before, the NH2 took the
    # alkanesulfonamide value 10.3 and the site model put a ring N base step at 3.6-5.2 that no titration shows
    result = predict_basicity(mol_from_smiles(smiles))
    steps = [s for s in result.macro_pkas if 1.0 < s.pka < 12.0]
    assert len(steps) == 1 and steps[0].type == "acid" and abs(steps[0].pka - measured) < 0.5
    assert all(s.pka < 1.0 for s in result.sites if s.site_class == "azole_weak")


@pytest.mark.parametrize("smiles", ["CC(=O)Nc1nnc(S(N)(=O)=O)s1", "CC(=O)/N=c1\\sc(S(N)(=O)=O)nn1C"])
def test_the_azole_sulfonamide_rules_do_not_depend_on_the_drawing(smiles: str) -> None:
    check_drawing_independence(smiles, random.Random(13), renumberings=3)


def test_the_n_h_of_a_benzothiadiazine_dioxide_is_one_acid_whichever_n_carries_the_hydrogen() -> None:
    # diazoxide 8.62 (DataWarrior record 2432, in-sample), drawn with the H on N4 and on N2: before, one drawing
    # took the alkanesulfonamide value 10.3 and the other had no site at all
    n4_h = predict_basicity(mol_from_smiles("CC1=NS(=O)(=O)c2cc(Cl)ccc2N1"))
    n2_h = predict_basicity(mol_from_smiles("CC1=Nc2ccc(Cl)cc2S(=O)(=O)N1"))
    assert [(s.pka, s.type) for s in n4_h.macro_pkas] == [(s.pka, s.type) for s in n2_h.macro_pkas] == [(8.62, "acid")]
    # chlorothiazide, out of sample (6.7, record 6188): the 3-unsubstituted correction from the pyrido pairs; its
    # 7-sulfamoyl group is not corrected for, so it stays 1.2 above, inside the band (9.6 before)
    drawings = ("NS(=O)(=O)c1cc2c(cc1Cl)N=CNS2(=O)=O", "NS(=O)(=O)c1cc2c(cc1Cl)NC=NS2(=O)=O")
    first = [predict_basicity(mol_from_smiles(s)).macro_pkas[0] for s in drawings]
    assert first[0].pka == first[1].pka and abs(first[0].pka - 6.7) < 1.5 and first[0].type == "acid"


def test_the_anilino_n_of_a_thiazide_is_no_base_at_work_up_ph() -> None:
    # hydrochlorothiazide: 2-aminobenzenesulfonamide 1.0 (record 4346) with the para sulfamoyl (sulfanilamide 2.11,
    # record 4344) and the meta chlorine (3-chloroaniline 3.59, record 223) against aniline 4.6 (record 7846): -2.3;
    # the site model read 4.4, a base step no titration of a thiazide shows
    result = predict_basicity(mol_from_smiles("NS(=O)(=O)c1cc2c(cc1Cl)NCNS2(=O)=O"))
    (n4,) = [s for s in result.sites if s.kind == "base"]
    assert n4.rule == "dihydrobenzothiadiazine_n4" and abs(n4.pka - (1.0 + 0.2 - 2.49 - 1.01)) < 0.01
    assert not [s for s in result.macro_pkas if s.type == "base" and s.pka > 0.0]


@pytest.mark.parametrize("smiles", ["NS(=O)(=O)c1cc2c(cc1Cl)N=CNS2(=O)=O", "NS(=O)(=O)c1cc2c(cc1Cl)NCNS2(=O)=O",
                                    "CC1=Nc2ccc(Cl)cc2S(=O)(=O)N1"])
def test_the_thiazide_rules_do_not_depend_on_the_drawing(smiles: str) -> None:
    check_drawing_independence(smiles, random.Random(17), renumberings=3)


@pytest.mark.parametrize(("smiles", "measured"), [
    ("O=C(O)c1cnc(Cl)s1", 3.0),  # 2-chlorothiazole-5-carboxylic acid, DataWarrior record 3087
    ("Cc1ncsc1C(=O)O", 3.54),  # 4-methylthiazole-5-carboxylic acid, record 3092
    ("O=C(O)c1csc(Br)n1", 3.28),  # 2-bromothiazole-4-carboxylic acid, record 3090
    ("Cc1cnc(C(=O)O)s1", 3.03),  # 5-methylthiazole-2-carboxylic acid, record 3095
])
def test_a_thiazolecarboxylic_acid_is_a_carboxyl_step_near_3_and_no_base_above_it(smiles: str,
                                                                                 measured: float) -> None:
    # out of sample (the three corrections were read on the parent acids, records 260, 262, 263); before, the
    # carboxyl kept the aryl 4.2 and the site model's ring N at 2.1-2.8 sat just below it
    result = predict_basicity(mol_from_smiles(smiles))
    (acid,) = [s for s in result.macro_pkas if s.type == "acid"]
    assert abs(acid.pka - measured) < 0.6
    assert all(s.pka < 1.5 for s in result.macro_pkas if s.type == "base")


def test_febuxostat_is_one_carboxyl_step_with_its_thiazole_n_no_base() -> None:
    result = predict_basicity(mol_from_smiles("CC(C)COc1ccc(-c2nc(C)c(C(=O)O)s2)cc1C#N"))
    (ring_n,) = [s for s in result.sites if s.site_class == "azole_weak"]
    assert ring_n.rule == "carboxy_thiazole_ring_n" and ring_n.pka < 1.5
    # 2-aminothiazoles keep the site model (ethyl 2-aminothiazole-5-carboxylate 3.04, record 4342, training data)
    amino = predict_basicity(mol_from_smiles("CCOC(=O)c1cnc(N)s1"))
    assert abs(max(s.pka for s in amino.macro_pkas) - 3.04) < 0.3


@pytest.mark.parametrize("smiles", ["O=C(O)c1cscn1", "CC(C)COc1ccc(-c2nc(C)c(C(=O)O)s2)cc1C#N"])
def test_the_thiazole_acid_rules_do_not_depend_on_the_drawing(smiles: str) -> None:
    check_drawing_independence(smiles, random.Random(23), renumberings=3)

"""Derivatization planner: rule data (every example), the acceptance cases worked out by hand, enumeration, invariance.

Expected values below were worked out by hand from the structures (atom indices counted in the SMILES as written,
products drawn by hand and compared after canonicalization), not copied from the planner's output.
"""

from __future__ import annotations

import json
import random

import pytest
from rdkit import Chem

import reactivity
from reactivity.derivatization import (
    OUTCOMES,
    ReagentMismatchError,
    UnknownReactionError,
    enumerate_products,
    load_reaction_rules,
    plan_derivatization,
    reaction_names,
)
from reactivity.derivatization.planner import _analyse
from reactivity.derivatization.rules import parse_reaction_rules
from reactivity.errors import MoleculeParseError, RuleDataError
from reactivity.molecule import mol_from_smiles
from reactivity.rules import load_references, read_packaged_toml

RULES = load_reaction_rules()


def canon(smiles: str) -> str:
    return Chem.MolToSmiles(Chem.MolFromSmiles(smiles))


def plan(smiles: str, reaction: str, reagent: str | None = None):
    return plan_derivatization(mol_from_smiles(smiles), reaction, reagent)


# ------------------------------------------------------------------------------------------------- rule data


def test_all_ten_classes_are_present():
    assert set(reaction_names()) == {
        "acylation", "sulfonylation", "reductive_amination", "n_alkylation", "n_arylation", "urea_formation",
        "carbamate_formation", "boc_deprotection", "lactam_n_alkylation", "c3_alkylation",
    }


REAGENT_EXAMPLES = [
    (r.id, g.id, smiles, expected)
    for r in RULES.reactions
    for g in r.reagents
    for smiles, expected in [(s, True) for s in g.must_match] + [(s, False) for s in g.must_not_match]
]


@pytest.mark.parametrize("reaction,reagent_type,smiles,expected", REAGENT_EXAMPLES)
def test_reagent_type_examples(reaction, reagent_type, smiles, expected):
    kind = RULES.reaction(reaction).reagent_type(reagent_type)
    assert mol_from_smiles(smiles).HasSubstructMatch(kind.pattern) is expected


SITE_EXAMPLES = [
    (r.id, s.id, smiles, expected)
    for r in RULES.reactions
    for s in r.sites
    for smiles, expected in [(x, True) for x in s.must_match] + [(x, False) for x in s.must_not_match]
]


@pytest.mark.parametrize("reaction,rule_id,smiles,expected", SITE_EXAMPLES)
def test_site_rule_examples(reaction, rule_id, smiles, expected):
    analysis = _analyse(mol_from_smiles(smiles), RULES.reaction(reaction))
    assert any(c.site.rule_id == rule_id for c in analysis.candidates) is expected


INCOMPATIBLE_EXAMPLES = [
    (r.id, i.id, smiles, expected)
    for r in RULES.reactions
    for i in r.incompatibilities
    for smiles, expected in [(x, True) for x in i.must_match] + [(x, False) for x in i.must_not_match]
]


@pytest.mark.parametrize("reaction,rule_id,smiles,expected", INCOMPATIBLE_EXAMPLES)
def test_incompatibility_examples(reaction, rule_id, smiles, expected):
    rule = next(i for i in RULES.reaction(reaction).incompatibilities if i.id == rule_id)
    if rule.applies_to == "reagent":  # examples are reagents
        assert mol_from_smiles(smiles).HasSubstructMatch(rule.pattern) is expected
        return
    analysis = _analyse(mol_from_smiles(smiles), RULES.reaction(reaction))
    assert any(f.rule.id == rule_id for f in analysis.findings) is expected


REACT_EXAMPLES = [
    (r.id, smiles, expected)
    for r in RULES.reactions
    for smiles, expected in [(x, True) for x in r.must_react] + [(x, False) for x in r.must_not_react]
]


@pytest.mark.parametrize("reaction,smiles,reacts", REACT_EXAMPLES)
def test_reaction_examples(reaction, smiles, reacts):
    assert (plan(smiles, reaction).outcome != "blocked") is reacts


def test_every_rule_has_examples_and_resolvable_references():
    known = load_references()
    for reaction in RULES.reactions:
        assert reaction.must_react and reaction.must_not_react, reaction.id
        for rule in (*reaction.sites, *reaction.incompatibilities):
            assert rule.must_match and rule.must_not_match, rule.id
            assert all(ref in known for ref in rule.references), rule.id
        for reagent in reaction.reagents:
            assert reagent.must_match and reagent.must_not_match, reagent.id
    for position in RULES.blocked.values():
        for reason in position.values():
            assert all(ref in known for ref in reason.references)


def test_user_facing_text_has_no_internal_words():
    raw = json.dumps(read_packaged_toml("reactions.toml", "reactivity.derivatization", "")).lower()
    for word in ("seed", "issue", "domain brief"):
        assert word not in raw


def _table():
    return read_packaged_toml("reactions.toml", "reactivity.derivatization", "")


def test_bad_smarts_fails_at_load():
    table = _table()
    table["reaction"][0]["site"][0]["smarts"] = "[NX3;"
    with pytest.raises(RuleDataError, match="does not parse"):
        parse_reaction_rules(table)


def test_shared_groups_are_checked_at_load():
    # a rule names a shared [groups] SMARTS instead of repeating it: an unknown name, a rule with both, a group no rule
    # uses and a group whose SMARTS does not parse all fail when the file is read
    table = _table()
    site = next(s for r in table["reaction"] for s in r["site"] if "group" in s)
    name = site["group"]
    for change, message in ((lambda t, s: s.update(group="no_such_group"), "unknown group"),
                            (lambda t, s: s.update(smarts="[NX3]"), "not both"),
                            (lambda t, s: t["groups"].update(spare="[NX3]"), "no rule uses"),
                            (lambda t, s: t["groups"].update({name: "[NX3;"}), "does not parse")):
        table = _table()
        site = next(s for r in table["reaction"] for s in r["site"] if s.get("group") == name)
        change(table, site)
        with pytest.raises(RuleDataError, match=message):
            parse_reaction_rules(table)


def test_explicit_hydrogen_in_reaction_smarts_fails_at_load():
    table = _table()
    table["reaction"][0]["reagent"][0]["reaction"] = "[N:1][H].[C:2](=[O:3])Cl>>[N:1][C:2]=[O:3]"
    with pytest.raises(RuleDataError, match="hydrogen"):
        parse_reaction_rules(table)


def test_unknown_reference_fails_at_load():
    table = _table()
    table["reaction"][1]["incompatible"][0]["references"] = ["lit:nowhere"]
    with pytest.raises(RuleDataError, match="unknown reference"):
        parse_reaction_rules(table)


# ------------------------------------------------------------------------------------------- acceptance cases


def test_parent_ring_with_acid_chloride_is_clean_n4_acylation():
    # O=C1CNCCCN1: O0 C1 C2 N3 C4 C5 C6 N7 -> N4 is atom 3
    result = plan("O=C1CNCCCN1", "acylation", "CC(=O)Cl")
    assert result.outcome == "clean"
    assert result.reacting_atoms == (3,)
    assert result.reacting_sites[0].position == "N4"
    assert result.product_smiles == canon("CC(=O)N1CC(=O)NCCC1")
    assert result.reagent_type == "acyl_chloride"
    assert result.product.formula == "C7H12N2O2"  # C5H10N2O + C2H2O
    assert abs(result.product.mz_mh - 157.0972) < 1e-3  # 156.0899 + 1.0073


def test_ring_with_primary_amine_is_a_mixture_with_rule_and_protection_plan():
    # NCCC1CNCC(=O)NC1: primary amine N0; ring N4 is N5 (between C4 and C6)
    result = plan("NCCC1CNCC(=O)NC1", "acylation", "CC(=O)Cl")
    assert result.outcome in ("mixture", "selective")
    assert set(result.reacting_atoms) == {0, 5}
    assert "primary alkylamine" in result.rule and "ring N4" in result.rule
    assert result.protection_plan and "atom 0" in result.protection_plan[0]
    assert "Boc" in result.protection_plan[0]
    assert "lit:mayr2007" in result.reference_ids
    # the main product is the N4 amide (what the protection plan delivers); the amine amide is a side product
    assert result.product_smiles == canon("NCCC1CN(C(C)=O)CC(=O)NC1")
    assert canon("CC(=O)NCCC1CNCC(=O)NC1") in result.side_products


def test_aniline_elsewhere_loses_to_n4_selective():
    # Nc1ccc(CC2CNCC(=O)NC2)cc1: aniline N0, ring N4 is atom 8
    result = plan("Nc1ccc(CC2CNCC(=O)NC2)cc1", "acylation", "CC(=O)Cl")
    assert result.outcome == "selective"
    assert result.reacting_atoms == (8,)
    assert [s.atom for s in result.minor_sites] == [0]
    assert "aniline" in result.rule


def test_reductive_amination_on_imine_n4_is_blocked_with_reason():
    result = plan("O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1", "reductive_amination", "O=Cc1ccccc1")  # nordazepam
    assert result.outcome == "blocked"
    assert result.reacting_atoms == () and result.product_smiles is None
    assert "imine" in result.reason
    assert "reduced first" in result.reason and "secondary amine" in result.reason
    assert "lit:borch1971" in result.reference_ids


def test_n4_boc_ring_with_nah_and_methyl_iodide_gives_n1_product():
    # CC(C)(C)OC(=O)N1CCCNC(=O)C1: lactam N1 is atom 11
    result = plan("CC(C)(C)OC(=O)N1CCCNC(=O)C1", "lactam_n_alkylation", "CI")
    assert result.outcome == "clean"
    assert result.reacting_atoms == (11,)
    assert result.product_smiles == canon("CN1CCCN(C(=O)OC(C)(C)C)CC1=O")
    assert not any(w.severity == "incompatible" for w in result.warnings)


def test_n4_boc_ring_with_c3_stereocentre_warns_of_epimerization():
    # C[C@H]1N(Boc)CCCNC1=O: C3 is atom 1, lactam N1 atom 13
    result = plan("C[C@H]1N(C(=O)OC(C)(C)C)CCCNC1=O", "lactam_n_alkylation", "CI")
    assert result.outcome == "incompatible"
    assert result.reacting_atoms == (13,)
    epimerization = [w for w in result.warnings if w.code == "lactam_n_alkylation.c3_epimerization"]
    assert epimerization and epimerization[0].atoms == (1,) and "epimerize" in epimerization[0].text
    # the configuration at C3 is carried into the drawn product
    assert result.product_smiles == canon("C[C@H]1N(C(=O)OC(C)(C)C)CCCN(C)C1=O")



def test_a_c3_stereocentre_drawn_without_configuration_only_warns_under_strong_base():
    # the same ring drawn flat (a racemate, or the configuration not stated): epimerization changes nothing for a
    # racemate, so the plan warns instead of refusing; N1 (atom 13 of this SMILES, counted by hand) still reacts
    result = plan("CC1N(C(=O)OC(C)(C)C)CCCNC1=O", "lactam_n_alkylation", "CI")
    assert result.outcome != "incompatible" and result.reacting_atoms == (13,)
    codes = {w.code: w.severity for w in result.warnings}
    assert codes.get("lactam_n_alkylation.c3_epimerization_unstated") == "warning"
    assert "lactam_n_alkylation.c3_epimerization" not in codes

def test_n4_boc_ring_with_anilide_n1_offers_the_carbonate_alternative():
    # 4-Boc-1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one: N1 (anilide) is atom 15
    result = plan("CC(C)(C)OC(=O)N1Cc2ccccc2NC(=O)C1", "lactam_n_alkylation", "BrCc1ccccc1")
    assert result.reacting_atoms == (15,)
    alternative = [w for w in result.warnings if w.code == "lactam_n_alkylation.carbonate_alternative"]
    assert alternative and "K2CO3 or Cs2CO3" in alternative[0].text
    aliphatic = plan("CC(C)(C)OC(=O)N1CCCNC(=O)C1", "lactam_n_alkylation", "CI")
    assert not any(w.code == "lactam_n_alkylation.carbonate_alternative" for w in aliphatic.warnings)


def test_free_n4_must_be_protected_before_n1_alkylation():
    result = plan("O=C1CNCCCN1", "lactam_n_alkylation", "CI")
    assert result.outcome == "needs_protection"
    assert result.reacting_atoms == (7,)
    assert "Boc" in result.protection_plan[0] and "atom 3" in result.protection_plan[0]
    assert len(result.protection_plan) == 3


def test_aryl_chloride_under_buchwald_warns_of_self_coupling():
    # O=C1CNCc2cc(Cl)ccc2N1: the C-Cl aromatic carbon is atom 7
    result = plan("O=C1CNCc2cc(Cl)ccc2N1", "n_arylation", "Brc1ccccc1")
    assert result.outcome == "incompatible"
    warning = next(w for w in result.warnings if w.code == "n_arylation.self_coupling")
    assert warning.severity == "incompatible" and warning.atoms == (7,)
    assert "self-coupling" in warning.text
    assert result.reacting_atoms == (3,)
    # SNAr with an activated reagent does not use Pd: no self-coupling
    snar = plan("O=C1CNCc2cc(Cl)ccc2N1", "n_arylation", "Fc1ccc([N+](=O)[O-])cc1")
    assert not any(w.code == "n_arylation.self_coupling" for w in snar.warnings)
    # without a reagent the warning is still given, as a warning
    generic = plan("O=C1CNCc2cc(Cl)ccc2N1", "n_arylation")
    assert any(w.code == "n_arylation.self_coupling" and w.severity == "warning" for w in generic.warnings)


def test_carboxylic_acid_under_amide_coupling_warns_of_self_acylation():
    result = plan("OC(=O)CC1CNCC(=O)NC1", "acylation", "OC(=O)c1ccccc1")
    assert result.outcome == "incompatible"
    warning = next(w for w in result.warnings if w.code == "acylation.self_acylation")
    assert warning.atoms == (1,)  # the acid's carbonyl carbon
    assert "oligomers" in warning.text
    with_chloride = plan("OC(=O)CC1CNCC(=O)NC1", "acylation", "O=C(Cl)c1ccccc1")
    assert with_chloride.outcome == "clean"
    assert any(w.code == "acylation.acid_with_acyl_chloride" for w in with_chloride.warnings)


def test_activated_lactam_under_aqueous_base_is_incompatible_by_the_stability_model():
    # N1-acetyl (imide) ring: kOH about 0.025 M-1 s-1 for an N-acyl lactam, 1 M NaOH, 30 min -> essentially all lost
    result = plan("CC(=O)N1CCCNCC1=O", "carbamate_formation", "ClC(=O)OCc1ccccc1")
    assert result.outcome == "incompatible"
    assert any(w.code == "stability.aqueous_base_workup" and w.severity == "incompatible" for w in result.warnings)


def test_boc_deprotection_removes_every_boc_and_flags_t_butyl_ester():
    result = plan("CC(C)(C)OC(=O)NCCC1CN(C(=O)OC(C)(C)C)CC(=O)NC1", "boc_deprotection", "OC(=O)C(F)(F)F")
    assert result.outcome == "clean"
    assert set(result.reacting_atoms) == {7, 12}
    assert result.product_smiles == canon("NCCC1CNCC(=O)NC1")
    every = next(w for w in result.warnings if w.code == "boc_deprotection.every_site")
    assert set(every.atoms) == {7, 12}
    diazepam = plan("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "boc_deprotection")
    assert diazepam.outcome == "blocked" and "no Boc group" in diazepam.reason
    ester = plan("O=C1NCCCN(C(=O)OC(C)(C)C)C1CC(=O)OC(C)(C)C", "boc_deprotection")
    assert any(w.code == "boc_deprotection.acid_labile" for w in ester.warnings)


def test_reductive_amination_with_primary_amine_warns_of_dialkylation():
    result = plan("NCCC1CNCC(=O)NC1", "reductive_amination", "O=Cc1ccccc1")
    assert result.outcome == "mixture"
    assert any(w.code == "reductive_amination.primary_amine.warning" for w in result.warnings)


def test_c3_alkylation_needs_n1_protection_and_warns_of_dialkylation():
    nordazepam = plan("O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1", "c3_alkylation", "CI")
    assert nordazepam.outcome == "needs_protection"
    assert nordazepam.reacting_atoms == (2,)
    assert "ring N1" in nordazepam.protection_plan[0]
    diazepam = plan("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21", "c3_alkylation", "CI")
    assert diazepam.outcome == "clean"
    assert diazepam.product_smiles == canon("CN1C(=O)C(C)N=C(c2ccccc2)c2cc(Cl)ccc21")
    assert any(w.code == "c3_alkylation.dialkylation" for w in diazepam.warnings)


def test_salt_input_reacts_as_its_free_base_with_a_note():
    result = plan("O=C1C[NH2+]CCCN1.[Cl-]", "acylation", "CC(=O)Cl")
    assert result.outcome == "clean" and result.reacting_atoms == (3,)
    assert result.product_smiles == canon("CC(=O)N1CC(=O)NCCC1")
    assert any(w.code == "acylation.salt" for w in result.warnings)


def test_errors():
    mol = mol_from_smiles("O=C1CNCCCN1")
    with pytest.raises(UnknownReactionError):
        plan_derivatization(mol, "esterification")
    with pytest.raises(ReagentMismatchError, match="does not fit acylation"):
        plan_derivatization(mol, "acylation", "CCO")
    with pytest.raises(MoleculeParseError):
        plan_derivatization("O=C1CNCCCN1", "acylation")  # type: ignore[arg-type]
    with pytest.raises(MoleculeParseError):
        plan_derivatization(mol, "acylation", "C1CC(")


def test_plan_is_frozen_json_ready_and_public():
    result = reactivity.plan_derivatization(mol_from_smiles("NCCC1CNCC(=O)NC1"), "acylation", "CC(=O)Cl")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["outcome"] in OUTCOMES
    assert data["reacting_sites"][0]["basis"]
    with pytest.raises(Exception):
        result.outcome = "clean"  # type: ignore[misc]
    known = load_references()
    assert all(ref in known for ref in result.reference_ids)


# ----------------------------------------------------------------------------------------- invariance


INVARIANCE_CASES = [
    ("NCCC1CNCC(=O)NC1", "acylation", "CC(=O)Cl"),
    ("C[C@H]1N(C(=O)OC(C)(C)C)CCCNC1=O", "lactam_n_alkylation", "CI"),
    ("O=C1CNCc2cc(Cl)ccc2N1", "n_arylation", "Brc1ccccc1"),
    ("CC(C)(C)OC(=O)NCCC1CN(C(=O)OC(C)(C)C)CC(=O)NC1", "boc_deprotection", None),
    ("O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1", "c3_alkylation", "CI"),
    ("Nc1ccc(CC2CNCC(=O)NC2)cc1", "reductive_amination", "CC(C)=O"),
    ("CNC(=O)c1cc2n(n1)CCCN(Cc1ccccc1)C2=O", "acylation", "CC(=O)Cl"),  # ring SMARTS on a renumbered copy
    ("CC(=O)NC1CCNCC1CC1NC(=O)c2ccccc2NC1=O", "n_arylation", "Brc1ccccc1"),  # ties broken the same way
]


@pytest.mark.parametrize("smiles,reaction,reagent", INVARIANCE_CASES)
def test_answers_do_not_depend_on_atom_order_or_explicit_h(smiles, reaction, reagent):
    mol = mol_from_smiles(smiles)
    reference = plan_derivatization(mol, reaction, reagent)
    rng = random.Random(20261129)
    for _ in range(5):
        order = list(range(mol.GetNumAtoms()))
        rng.shuffle(order)
        shuffled = Chem.RenumberAtoms(mol, order)
        result = plan_derivatization(shuffled, reaction, reagent)
        assert result.outcome == reference.outcome
        assert sorted(order[a] for a in result.reacting_atoms) == sorted(reference.reacting_atoms)
        assert result.product_smiles == reference.product_smiles
        assert sorted(w.code for w in result.warnings) == sorted(w.code for w in reference.warnings)
    with_h = plan_derivatization(Chem.AddHs(mol), reaction, reagent)
    assert with_h.outcome == reference.outcome
    assert with_h.reacting_atoms == reference.reacting_atoms  # AddHs appends H atoms after the heavy atoms
    assert with_h.product_smiles == reference.product_smiles


# ---------------------------------------------------------------------------------------------- enumeration


SCAFFOLDS = ["O=C1CNCC({R})CN1", "O=C1CNC({R})CCN1", "O=C1C({R})NCCCN1", "O=C1CNCc2cc({R})ccc2N1", "O=C1CN(C{R})CCCN1"]
SUBSTITUENTS = ["C", "CC", "C(C)C", "c1ccccc1", "OC", "F", "CO", "C#N", "C(F)(F)F", "Cc1ccccc1"]
ACYL_REAGENTS = [
    "CC(=O)Cl", "O=C(Cl)c1ccccc1", "CCC(=O)Cl", "O=C(Cl)C1CC1", "O=C(Cl)c1ccncc1", "CC(=O)OC(C)=O",
    "CC(=O)ON1C(=O)CCC1=O", "OC(=O)c1ccccc1", "CC(=O)O", "OC(=O)C1CCCCC1", "OC(=O)c1ccc(F)cc1",
    "OC(=O)Cc1ccccc1", "COCC(=O)O", "OC(=O)c1cccs1", "CC(C)C(=O)Cl", "O=C(Cl)c1ccc(Cl)cc1",
    "OC(=O)c1ccco1", "CC(C)(C)CC(=O)O", "OC(=O)C1CCOCC1",
]


def test_enumeration_of_50_molecules_by_20_reagents():
    mols = [mol_from_smiles(s.format(R=r)) for s in SCAFFOLDS for r in SUBSTITUENTS]
    reagents = ACYL_REAGENTS[:10] + ["CCO"] + ACYL_REAGENTS[10:]  # reagent 10 does not fit acylation
    assert len(mols) == 50 and len(reagents) == 20
    records = list(enumerate_products(iter(mols), "acylation", reagents))
    assert len(records) == 1000
    assert [(r.mol_index, r.reagent_index) for r in records] == [(m, g) for m in range(50) for g in range(20)]
    misfits = [r for r in records if r.reagent_index == 10]
    assert all(r.status == "error" and "does not fit acylation" in r.error for r in misfits)
    ok = [r for r in records if r.status == "ok"]
    assert len(ok) == 950
    products = [r.plan.product_smiles for r in ok if r.plan.product_smiles]
    # the four N4-H scaffolds react (40 molecules x 19 reagents); the N4-alkyl rings (last scaffold) have no N-H,
    # except that N4-CH2CH2OH (molecule 46) is O-acylated by the 7 acid chlorides and acetic anhydride
    assert len(products) == 40 * 19 + 8
    assert all(r.plan.outcome == "blocked" for r in ok if r.mol_index >= 40 and r.mol_index != 46)
    hydroxyethyl = [r.plan for r in ok if r.mol_index == 46]
    assert sum(p.outcome == "clean" for p in hydroxyethyl) == 8
    assert all(p.reacting_sites[0].rule_id == "acylation.alcohol" for p in hydroxyethyl if p.outcome == "clean")
    for smiles in products:
        assert Chem.MolFromSmiles(smiles) is not None


def test_enumeration_reports_unreadable_molecules_and_reagents():
    records = list(enumerate_products([None, mol_from_smiles("O=C1CNCCCN1")], "sulfonylation", [None, "CS(=O)(=O)Cl"]))
    assert [r.status for r in records] == ["error", "error", "error", "ok"]
    assert records[3].plan.product_smiles == canon("CS(=O)(=O)N1CC(=O)NCCC1")


def test_competitors_alone_do_not_make_a_reaction():
    # 3,3-disubstituted benzodiazepine-2,5-dione: C3 has no H; only N1-H would be deprotonated and alkylated
    result = plan("CC1(c2ccccc2)NC(=O)c2ccccc2NC1=O", "c3_alkylation", "CI")
    assert result.outcome == "blocked"
    assert "C3 carries no hydrogen" in result.reason and "ring N1" in result.reason
    assert [s.position for s in result.minor_sites] == ["N1"]


def test_more_acidic_sulfonamide_nh_goes_before_the_lactam_n1():
    # sulfonamide N-H (pKa about 10) is deprotonated and alkylated before the lactam N1-H under NaH
    result = plan("CNS(=O)(=O)CCN1CCCNC(=O)C1", "lactam_n_alkylation", "CI")
    assert result.outcome == "needs_protection"
    # C0 N1(sulfonamide) S2 O3 O4 C5 C6 N7(ring N4) C8 C9 C10 N11(lactam N1) C12(=O13) C14
    assert result.reacting_atoms == (11,)
    assert "atom 1)" in result.protection_plan[0]


def test_ester_under_aqueous_hydroxide_is_incompatible_through_the_stability_model():
    # Schotten-Baumann carbamate formation uses aqueous NaOH: an ethyl ester elsewhere is saponified
    result = plan("CCOC(=O)CC1CNCC(=O)NC1", "carbamate_formation", "ClC(=O)OCc1ccccc1")
    assert result.outcome == "incompatible"
    warning = next(w for w in result.warnings if w.code == "stability.aqueous_base_workup")
    assert "Ester" in warning.text
    # the same ester survives an anhydrous acylation with a bicarbonate work-up
    assert plan("CCOC(=O)CC1CNCC(=O)NC1", "acylation", "CC(=O)Cl").outcome == "clean"


def test_unprotected_amino_acid_reagent_is_incompatible():
    result = plan("O=C1CNCCCN1", "acylation", "NCC(=O)O")  # glycine under HATU coupling
    assert result.outcome == "incompatible"
    assert any(w.code == "acylation.reagent_free_amine" for w in result.warnings)
    assert result.product_smiles == canon("NCC(=O)N1CC(=O)NCCC1")  # what the coupling at N4 would give
    assert plan("O=C1CNCCCN1", "acylation", "CC(C)(C)OC(=O)NCC(=O)O").outcome == "clean"  # Boc-glycine


@pytest.mark.parametrize("reaction, reagent, expected", [
    # 2-hydroxyethyl on N1, N4 an imine: the O-H is the only site. Products drawn by hand: the alcohol adds to the
    # isocyanate (methyl carbamate, a urethane) or takes the carbamoyl group (dimethyl carbamate); a chloroformate
    # or Boc2O gives a carbonate.
    ("urea_formation", "CN=C=O", "CNC(=O)OCCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21"),
    ("urea_formation", "CN(C)C(=O)Cl", "CN(C)C(=O)OCCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21"),
    ("carbamate_formation", "COC(=O)Cl", "COC(=O)OCCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21"),
    ("carbamate_formation", "CC(C)(C)OC(=O)OC(=O)OC(C)(C)C", "CC(C)(C)OC(=O)OCCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21"),
])
def test_an_alcohol_site_gets_its_carbamate_or_carbonate_drawn(reaction, reagent, expected):
    plan = plan_derivatization(mol_from_smiles("O=C1CN=C(c2ccccc2F)c2cc(Cl)ccc2N1CCO"), reaction, reagent)
    assert plan.reacting_atoms == (22,)  # the hydroxyl O, the last atom of the SMILES as written (0-based 22)
    assert plan.product_smiles == Chem.MolToSmiles(Chem.MolFromSmiles(expected))
    assert any(w.code.endswith(".warning") for w in plan.warnings)


@pytest.mark.parametrize("record", [
    "O=C1CNCCCN1.OCC(O)C(O)C(O)C(O)CNC",  # a meglumine fragment in the record: its N-methylamine is no competitor
    "O=C1CNCCCN1.CCO",  # an ethanol solvate: its O-H is no competitor
])
def test_other_fragments_of_the_record_do_not_compete(record):
    # the free N4 of 1,4-diazepan-2-one is the one amine of the ring's molecule: acetyl chloride acylates it cleanly
    plan = plan_derivatization(mol_from_smiles(record), "acylation", "CC(=O)Cl")
    assert (plan.outcome, plan.product_smiles) == ("clean", "CC(=O)N1CCCNC(=O)C1")


# a malonate C-H (dimethyl malonate 13.0 in water, Bunting et al. 1995) against N1-H: more acidic than an aliphatic
# lactam N-H (about 16), less than a benzodiazepinone anilide N1-H (10.5-11.7), far more than an ester or lactam alpha-CH
MALONATE_ALIPHATIC_LACTAM = "O=C1CN(C(=O)OC(C)(C)C)CC(CC(C(=O)OCC)C(=O)OCC)CN1"
MALONATE_ANILIDE = "CCOC(=O)C(Cc1ccc2c(c1)C(c1ccccc1)=NCC(=O)N2)C(=O)OCC"


def test_a_malonate_goes_before_an_aliphatic_lactam_n_h_under_nah() -> None:
    plan = plan_derivatization(mol_from_smiles(MALONATE_ALIPHATIC_LACTAM), "lactam_n_alkylation")
    assert plan.outcome == "needs_protection"
    assert [s.rule_id for s in plan.minor_sites] == ["lactam_n_alkylation.malonate_ch"]


def test_a_malonate_competes_with_an_anilide_n1_h_and_goes_before_c3() -> None:
    assert plan_derivatization(mol_from_smiles(MALONATE_ANILIDE), "lactam_n_alkylation").outcome == "mixture"
    c3 = plan_derivatization(mol_from_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(CC(C(=O)OC)C(=O)OC)ccc21"), "c3_alkylation")
    assert c3.outcome == "needs_protection"
    assert "lactam_n_alkylation" not in c3.reason and "malonate" in c3.reason


@pytest.mark.parametrize(("smiles", "outcome"), [
    ("CCOC(=O)C1N=C(c2ccccc2F)c2cc(Cl)ccc2NC1=O", "mixture"),  # ethyl loflazepate: anilide N1-H, about 11
    ("CCOC(=O)C1N(C(=O)OC(C)(C)C)CCCNC1=O", "needs_protection"),  # aliphatic lactam N1-H, about 16
    ("CCOC(=O)C1(C)N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O", "clean"),  # no C3-H left
])
def test_a_3_ester_c3_h_is_a_malonate_type_competitor_of_n1_alkylation(smiles: str, outcome: str) -> None:
    # C3 between the lactam C=O and a 3-ester is malonate-like (malonamide 12.5, dimethyl malonate 13.0 in water):
    # behind an anilide N1-H in acidity but alkylated beside it under carbonate, ahead of an aliphatic lactam N1-H
    plan = plan_derivatization(mol_from_smiles(smiles), "lactam_n_alkylation")
    assert plan.outcome == outcome
    if outcome == "needs_protection":
        assert [s.rule_id for s in plan.minor_sites] == ["lactam_n_alkylation.c3_acyl_ch"]


# imide N-H acidity (open DataWarrior set, the pKa tool's class values): about 9 (succinimide 9.6), glutarimides 11.4;
# an anilide N1-H 10.5-11.7, an aliphatic lactam N-H about 16
@pytest.mark.parametrize(("smiles", "carbon"), [(MALONATE_ALIPHATIC_LACTAM, 14), (MALONATE_ANILIDE, 5),
                                               ("O=C1CN(C(=O)OC(C)(C)C)CC(CC2C(=O)OC(C)(C)OC2=O)CN1", 14)])
def test_perception_names_the_malonate_c_h_the_planner_warns_of(smiles: str, carbon: int) -> None:
    # the competing groups of a ring and the planner's competitors agree: the central C-H of a malonate (the atom
    # counted by hand from the SMILES) is listed, once, as a carbon acid and nucleophile
    from reactivity import perceive

    (ring,) = perceive(mol_from_smiles(smiles))
    malonates = [site for site in ring.competing_sites if site.kind == "malonate_ch"]
    assert [site.atoms[0] for site in malonates] == [carbon]
    assert malonates[0].category == "nucleophile"


def test_an_imide_n_h_goes_before_a_lactam_n1_and_a_glutarimide_shares_the_anilide_tier() -> None:
    boc_ring = "O=C1CN(C(=O)OC(C)(C)C)CC(CC2CC(=O)NC2=O)CN1"
    succinimide = plan_derivatization(mol_from_smiles(boc_ring), "lactam_n_alkylation")
    assert succinimide.outcome == "needs_protection"
    assert [s.rule_id for s in succinimide.minor_sites] == ["lactam_n_alkylation.imide_nh"]
    anilide_ring = "O=C1CN=C(c2ccccc2)c2cc(CC3CCC(=O)NC3=O)ccc2N1"
    glutarimide = plan_derivatization(mol_from_smiles(anilide_ring), "lactam_n_alkylation")
    assert glutarimide.outcome == "mixture"


def test_an_imide_n_h_competes_with_n4_under_carbonate() -> None:
    plan = plan_derivatization(mol_from_smiles("O=C1CNCCC(CC2CC(=O)NC2=O)N1"), "n_alkylation")
    assert plan.outcome == "mixture"


def test_a_cyclic_malonate_c_h_goes_first_under_nah_and_competes_under_carbonate() -> None:
    # Meldrum's acid 5.15 (open DataWarrior set): far more acidic than a lactam N-H, about a phenol's rate under K2CO3
    lactam = plan_derivatization(mol_from_smiles("O=C1CN(C(=O)OC(C)(C)C)CC(CC2C(=O)OC(C)(C)OC2=O)CN1"),
                                 "lactam_n_alkylation")
    assert lactam.outcome == "needs_protection"
    assert [s.rule_id for s in lactam.minor_sites] == ["lactam_n_alkylation.cyclic_malonate_ch"]
    assert plan_derivatization(mol_from_smiles("O=C1CNCCC(CC2C(=O)OC(C)(C)OC2=O)N1"), "n_alkylation").outcome == "mixture"

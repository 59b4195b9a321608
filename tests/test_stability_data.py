"""The stability scorer's packaged data: rule examples, sources, presets, reference panel and the retrained artefact."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tomllib
from importlib import resources

import pytest
from rdkit import Chem

from reactivity import perceive
from reactivity.artefacts import verified_artefact_bytes
from reactivity.stability.rings import read_reference_model
from reactivity.molecule import mol_from_smiles
from reactivity.stability import CONDITION_NAMES, resolve_references
from reactivity.stability_training import ARTEFACT_NAME, train_stability_model


def _toml(name: str) -> dict:
    return tomllib.loads(resources.files("reactivity").joinpath("data", name).read_text(encoding="utf-8"))


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("reactivity.datasets").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


RULES = _toml("stability_rules.toml")["rule"]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule["id"])
def test_rule_examples(rule):
    pattern = Chem.MolFromSmarts(rule["smarts"])
    assert pattern is not None
    assert "[H]" not in rule["smarts"] and "#1" not in rule["smarts"]
    for smiles in rule["must_match"]:
        assert mol_from_smiles(smiles).HasSubstructMatch(pattern), smiles
    for smiles in rule["must_not_match"]:
        assert not mol_from_smiles(smiles).HasSubstructMatch(pattern), smiles
    resolve_references(rule["reference"])


def test_every_fact_has_citation_and_confidence():
    rows = _csv("hydrolysis_facts.csv")
    assert len({row["fact_id"] for row in rows}) == len(rows)
    for row in rows:
        assert row["source_citation"].strip() and row["confidence"].strip() and row["used_for"].strip(), row["fact_id"]


def test_every_source_id_in_the_data_resolves():
    model = _toml("stability_model.toml")
    ids: list[str] = list(model["baseline"]["facts"]) + list(model["n4"]["facts"])
    for modifier in model["modifier"]:
        ids.extend(modifier["facts"])
        assert modifier["kind"] in ("literature", "assumption")
        assert modifier["rationale"].strip()
    for preset in _toml("handling_conditions.toml")["condition"]:
        ids.extend(preset["sources"])
        for rule in preset.get("categorical", []):
            ids.extend(rule["facts"])
    for row in _csv("reference_panel.csv"):
        ids.extend(row["fact_ids"].split(";"))
    assert len(resolve_references(ids)) == len(set(ids))


def test_presets_match_condition_names_and_document_parameters():
    presets = _toml("handling_conditions.toml")["condition"]
    assert tuple(p["name"] for p in presets) == CONDITION_NAMES
    for preset in presets:
        assert preset["parameters"].strip() and preset["sources"]
        for stage in preset["stage"]:
            assert 0 < stage["hours"] <= 48 and -20 <= stage["temperature_c"] <= 150
    # the fixed parameters
    by_name = {p["name"]: p for p in presets}
    assert by_name["aqueous_acid_workup"]["stage"][0] == {
        "description": "contact with 1 M aqueous HCl", "acid_molar": 1.0, "temperature_c": 25.0, "hours": 0.5}
    assert by_name["physiological"]["stage"][0]["ph"] == 7.4 and by_name["physiological"]["stage"][0]["hours"] == 24.0
    assert by_name["bicarbonate_workup"]["stage"][0]["ph"] == 8.3


@pytest.mark.parametrize("row", _csv("reference_panel.csv"), ids=lambda row: row["ref_id"])
def test_panel_ring_flag_agrees_with_perception(row):
    has_ring = len(perceive(mol_from_smiles(row["smiles"]))) > 0
    assert has_ring == (row["contains_diazepan_2_one"] == "yes")


def test_retraining_reproduces_the_packaged_artefact(tmp_path):
    path = train_stability_model(tmp_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    recorded = json.loads(resources.files("reactivity.models").joinpath("artefact_hashes.json").read_text())
    assert digest == recorded[ARTEFACT_NAME]
    assert path.read_bytes() == resources.files("reactivity.models").joinpath(ARTEFACT_NAME).read_bytes()


def test_model_card_reports_the_artefacts_validation():
    model = read_reference_model(verified_artefact_bytes(ARTEFACT_NAME))
    card = resources.files("reactivity.models").joinpath("MODEL.md").read_text(encoding="utf-8")
    section = card[card.index("## Stability model"):]
    validation = model["validation"]
    assert f"{validation['loo_first_event_accuracy']:.2f}" in section
    assert f"{validation['first_event_majority_baseline']:.2f}" in section
    assert len(model["ref_ids"]) == len(_csv("reference_panel.csv"))


def test_no_fact_rests_on_a_non_redistributable_licence():
    # CC BY-NC (and BY-SA) cannot be redistributed under this project's terms: the pKa rows cite the original papers
    for name in ("hydrolysis_facts.csv", "stability_validation.csv"):
        for row in _csv(name):
            text = " ".join(row.values())
            assert "BY-NC" not in text and "BY-SA" not in text, (name, row)
    primary = {"HF-037": "Trans. Faraday Soc. 1956, 52, 1117", "HF-040": "Trans. Faraday Soc. 1959, 55, 1982",
               "HF-039": "Biochemistry 1966", "HF-043": "J. Am. Chem. Soc. 1956, 78, 2570",
               "HF-046": "J. Biol. Chem. 1942, 146, 187", "HF-048": "J. Am. Chem. Soc. 1955, 77, 6194"}
    rows = {row["fact_id"]: row for row in _csv("hydrolysis_facts.csv")}
    for fact_id, citation in primary.items():
        assert citation in rows[fact_id]["source_citation"], fact_id


def test_data_text_cites_nothing_users_lack():
    forbidden = re.compile(r"\bseeds?\b|\bissues?\b|domain brief|DOMAIN\.md|shared literature", re.IGNORECASE)
    for name in ("hydrolysis_facts.csv", "stability_validation.csv", "reference_panel.csv"):
        for row in _csv(name):
            for key, value in row.items():
                assert not forbidden.search(value or ""), (name, row.get("fact_id") or row, key)


def test_rate_and_pka_rows_used_by_the_model_name_their_authors():
    # these rows reach users through `reactivity stability --json` (references); each names its authors
    authors = {"HF-056": "Smith RM, Hansen DE", "HF-057": "Smith RM, Hansen DE", "HF-058": "Smith RM, Hansen DE",
               "HF-059": "Smith RM, Hansen DE", "HF-060": "Smith RM, Hansen DE",
               "HF-028": "Heidary Shayesteh T, Radmehr M", "HF-029": "Heidary Shayesteh T, Radmehr M",
               "HF-030": "Heidary Shayesteh T, Radmehr M", "HF-036": "Barrett J, Smyth WF, Davidson IE",
               "HF-072": "Goolcharran C, Borchardt RT", "HF-078": "Leung K, Nielsen IMB, Criscenti LJ"}
    rows = {row["fact_id"]: row for row in _csv("hydrolysis_facts.csv")}
    for fact_id, names in authors.items():
        assert rows[fact_id]["source_citation"].startswith(names), fact_id

"""The validation table of the stability model (datasets/stability_validation.csv) is current, and its coverage is
what the model card and the README report."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from reactivity.stability.validation import INPUT_COLUMNS, OUTPUT_COLUMNS, coverage, read_validation_table, table_text, validate
from reactivity.stability import resolve_references


@pytest.fixture(scope="module")
def rows():
    return validate()


def test_table_is_recomputed_and_current(rows):
    packaged = resources.files("reactivity.datasets").joinpath("stability_validation.csv").read_text(encoding="utf-8")
    assert packaged == table_text(rows), "run: python -m reactivity.stability.validation datasets/stability_validation.csv"


def test_every_row_has_source_confidence_and_a_measurement():
    table = read_validation_table()
    assert tuple(table[0]) == INPUT_COLUMNS + OUTPUT_COLUMNS
    assert len({row["validation_id"] for row in table}) == len(table)
    for row in table:
        assert row["citation"].strip() and row["confidence"].strip() and row["measured"].strip(), row["validation_id"]
        assert row["calibration"] in ("yes", "no")
        resolve_references(row["fact_ids"].split(";"))


def test_coverage_of_the_bands(rows):
    in_band, _, total = coverage(rows)
    assert total >= 30
    assert in_band / total >= 0.8
    independent_in_band, _, independent = coverage(rows, calibration=False)
    assert independent >= 10 and independent_in_band / independent >= 0.8


def test_model_card_and_readme_report_the_measured_coverage(rows):
    card = resources.files("reactivity.models").joinpath("MODEL.md").read_text(encoding="utf-8")
    for label, flag in (("all rows", None), ("independent rows", False)):
        in_band, central, total = coverage(rows, flag)
        assert f"{in_band}/{total}" in card and f"{central}/{total}" in card, label
    misses = [r.row["validation_id"] for r in rows if not r.in_band]
    for validation_id in misses:
        assert validation_id in card
    assert re.search(r"Validation table", card)

"""Every reference id a user can meet resolves to a readable source; user-facing text cites nothing users lack.

Ids are collected from every TOML file shipped under ``reactivity/`` (any ``reference``/``references`` value,
and any string that is itself an id such as ``docs:sites``) and from the packaged datasets' CSV cells. A
``docs:`` id must point at an anchor that exists in ``docs/chemistry.md``; a literature id must read as a
citation (a year, and a DOI, ISBN, URL or volume and pages).
"""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import pytest

from reactivity.rules import load_references, read_packaged_toml

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reactivity"
DOCS = ROOT / "docs" / "chemistry.md"
ID = re.compile(r"^(docs|lit):[A-Za-z0-9_.\-]+$")
# words that point at material users do not have (the sources the project was specified from)
FORBIDDEN = re.compile(r"\bseeds?\b|\bissues?\b|domain brief|DOMAIN\.md", re.IGNORECASE)


def _toml_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.toml") if "__pycache__" not in p.parts)


def _walk(value, key: str = ""):
    """Yield (key, string) for every string in a parsed TOML value, with the nearest enclosing key."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    elif isinstance(value, str):
        yield key, value


def _ids_used() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in _toml_files():
        if path.name == "references.toml":
            continue
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        for key, text in _walk(table):
            # a reference field holds ids (no spaces); free-text citations in such fields are not ids
            if (key in ("reference", "references", "reference_ids") and not re.search(r"\s", text)) or ID.match(text):
                used.setdefault(text, set()).add(str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "datasets").glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    for part in re.split(r"[;,]\s*", cell):
                        if ID.match(part.strip()):
                            used.setdefault(part.strip(), set()).add(str(path.relative_to(ROOT)))
    return used


def _anchors() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    explicit = set(re.findall(r'<a id="([^"]+)"></a>', text))
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in text.splitlines()
        if line.startswith("#")
    }
    return explicit | headings


def test_ids_are_collected_from_rules_and_data():
    used = _ids_used()
    # the perception rules and guidance use these; a collector that found nothing would make the test vacuous
    assert {"docs:ring", "docs:sites", "lit:bzd_azomethine"} <= set(used)


def _fact_ids() -> set[str]:
    with open(ROOT / "datasets" / "hydrolysis_facts.csv", newline="", encoding="utf-8") as handle:
        return {row["fact_id"] for row in csv.DictReader(handle) if row["source_citation"].strip()}


def test_every_used_reference_id_resolves():
    known = set(load_references()) | _fact_ids()
    unknown = {ref: sorted(files) for ref, files in _ids_used().items() if ref not in known}
    assert unknown == {}


def test_project_ids_point_at_existing_sections_of_the_chemistry_notes():
    anchors = _anchors()
    table = read_packaged_toml("references.toml")["references"]
    for ref, entry in table.items():
        if entry["kind"] != "project":
            continue
        assert ref.startswith("docs:"), ref
        match = re.search(r"docs/chemistry\.md#([a-z0-9-]+)", entry["text"])
        assert match, f"{ref} does not name a section of docs/chemistry.md"
        assert match.group(1) in anchors, f"{ref}: no anchor #{match.group(1)} in docs/chemistry.md"


def test_the_seven_perception_anchors_are_explicit():
    text = DOCS.read_text(encoding="utf-8")
    for anchor in ("the-ring-and-its-numbering", "acrylate-route", "sites", "stability", "stereochemistry",
                   "synthesis", "site-selectivity"):
        assert f'<a id="{anchor}"></a>' in text, anchor


def test_literature_entries_read_as_citations():
    table = read_packaged_toml("references.toml")["references"]
    for ref, entry in table.items():
        assert entry["kind"] in ("project", "literature"), ref
        if entry["kind"] != "literature":
            continue
        text = entry["text"]
        assert re.search(r"\b(1[89]|20)\d\d\b", text), f"{ref}: no year"
        locator = re.search(r"DOI|doi\.org|ISBN|https?://|\b\d+(\(\d+(-\d+)?\))?, (pp?\. )?\d+(-\d+)?\b", text)
        assert locator, f"{ref}: no DOI, ISBN, URL or volume and pages"


def test_user_facing_data_text_cites_nothing_users_lack():
    offenders = []
    for path in _toml_files():
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        for key, text in _walk(table):
            if FORBIDDEN.search(text):
                offenders.append(f"{path.relative_to(ROOT)} [{key}]: {text[:80]}")
    assert offenders == []


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*.md")), ids=lambda page: page.name)
def test_project_notes_cite_nothing_users_lack(page):
    offenders = [line for line in page.read_text(encoding="utf-8").splitlines() if FORBIDDEN.search(line)]
    assert offenders == []


@pytest.mark.parametrize("word", ["seed", "Seed 000", "the issue", "domain brief", "DOMAIN.md section 2"])
def test_forbidden_pattern_catches_the_words(word):
    assert FORBIDDEN.search(f"as the {word} says")


def test_forbidden_pattern_spares_ordinary_words():
    assert not FORBIDDEN.search("guidance issued 4 August 2023; tissue; seeded crystallization")


def test_readme_user_sections_cite_nothing_users_lack():
    # the performance section at the end speaks to developers (benchmark targets); every section before it is
    # what a user reads to run the tool
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    user_part = text.split("\n## Performance", 1)[0]
    offenders = [line for line in user_part.splitlines() if FORBIDDEN.search(line)]
    assert offenders == []

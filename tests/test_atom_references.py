"""Sentences that name atoms carry the atoms as fields (reactivity.atomtext.AtomText), numbered once at output.

The library's results read in 0-based RDKit indices; ``reactivity annotate`` writes the same sentences with the
record's own atom numbers (1-based atom block, or a V3000 record's own numbers), and its compact RX_JSON keeps one
template per sentence in the legend and the numbers in the record. Every molecule is generated here.
"""

from __future__ import annotations

import json
import re

import pytest
from rdkit import Chem

from reactivity.atomtext import LIBRARY_NUMBERING, AtomText, compose, numbered
from reactivity.batch.annotate import AnnotateSettings, annotate_chunk
from reactivity.batch.legend import atom_texts, compact_json, expand_json
from conftest import v3000_with_offset

# Each molecule makes the library write at least one sentence naming atoms (checked below).
MOLECULES = {
    # two rings; N4 of one ring is a Boc carbamate: "N4 (atom k) is carbamate: no pKaH predicted ..."
    "two_rings_boc": "O=C1CN(C(=O)OC(C)(C)C)CCCN1CC1CN(C)CC(=O)NC1",
    # protonated amine away from the ring: "acid-addition salt: the proton sits on atom k, not on N4"
    "salt_elsewhere": "O=C1CN(C(C)=O)CCCN1CCC[NH+](C)C.[Cl-]",
    # a primary amine within reach of C2: pathway site "amine@k->C2", protection plans naming two atoms
    "reaching_amine": "NCCC1CNCC(=O)NC1",
    # a quaternary ammonium: "permanent cation(s) at atom(s) k: ..."
    "quaternary": "O=C1CNCCCN1CC[N+](C)(C)C.[Cl-]",
    # an ester elsewhere: "labile group elsewhere: ester@k"
    "ester_elsewhere": "O=C1CNCCCN1CC(=O)OC",
}
REACTIONS = ("acylation", "lactam_n_alkylation", "reductive_amination")
SETTINGS = AnnotateSettings(stability=True, basicity=True, nitrosamine=True, reactions=REACTIONS)
OFFSET = 10  # V3000 records numbered from 11: a 0-based index is never its atom's number


def _annotated(smiles: str, form: str):
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    block = Chem.MolToMolBlock(mol) if form == "explicit_h" else v3000_with_offset(mol, OFFSET)
    (record,) = annotate_chunk([block.encode()], SETTINGS)
    assert record.status == "ok", record.tags.get("RX_ERROR")
    offset = 1 if form == "explicit_h" else OFFSET + 1
    return mol, record, offset


def _library_atom_texts(mol: Chem.Mol) -> dict[str, AtomText]:
    """Every sentence naming atoms in the library's own results for ``mol`` (0-based)."""
    from reactivity import perceive
    from reactivity.basicity import predict_basicity
    from reactivity.derivatization import plan_derivatization
    from reactivity.stability import assess_rings

    rings = perceive(mol)
    found: dict[str, AtomText] = {}
    documents = [ring.to_dict() for ring in rings]
    documents.append(predict_basicity(mol, 7.4).to_dict())
    documents.append(assess_rings(mol, rings, 7.4, 25.0, 24.0, conditions=("silica_methanol",), with_references=False).to_dict())
    documents += [plan_derivatization(mol, reaction).to_dict() for reaction in REACTIONS]
    for document in documents:
        assert document["atom_numbering"] == LIBRARY_NUMBERING
        atom_texts(document, found)
    return found


_REFERENCE_PATTERNS = (r"\(atom (\d+)[,)]", r"\batom(?:s|\(s\))? (\d+)(?:, \d+)*", r"(?<=[A-Za-z_])@(\d+)(?![\d.])")


def _numbers_named_in_text(text: str) -> set[int]:
    """Every atom number a sentence names, read the way a user would read the text."""
    numbers: set[int] = set()
    for pattern in _REFERENCE_PATTERNS:
        for match in re.finditer(pattern, text):
            numbers.update(int(n) for n in re.findall(r"\d+", match.group(0)))
    return numbers


def _leaks(record_tags: dict[str, str], library: dict[str, AtomText], offset: int) -> list[str]:
    """What is wrong with the atom numbers in a record's sentences (empty when nothing is)."""
    problems = []
    full = str(record_tags["RX_JSON"])
    warnings = record_tags.get("RX_WARNINGS", "")
    for text in library.values():
        raw = str(text)
        in_record = str(text.numbered(lambda index: index + offset))
        if raw in full or raw in warnings:
            problems.append(f"0-based sentence in the record: {raw!r}")
        if in_record not in full:
            problems.append(f"sentence missing with the record's numbers: {in_record!r}")
    expected = {a + offset for text in library.values() for a in text.atoms}
    document = json.loads(full)
    for value in [warnings, *(_strings(document))]:
        stray = _numbers_named_in_text(value) - expected
        if stray:
            problems.append(f"numbers {sorted(stray)} not named by any sentence of the library in {value!r}")
    return problems


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value] if " " in value or "@" in value or "->" in value else []
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@pytest.mark.parametrize("form", ["explicit_h", "v3000_offset"])
@pytest.mark.parametrize("name", sorted(MOLECULES))
def test_every_sentence_names_atoms_with_the_records_own_numbers(name, form):
    mol, record, offset = _annotated(MOLECULES[name], form)
    library = _library_atom_texts(mol)
    assert library, "the molecule must make the library name atoms in a sentence"
    assert _leaks(record.tags, library, offset) == []


def test_the_check_fails_on_a_raw_zero_based_number():
    """The check above catches a sentence written with 0-based indices (a bug the structure prevents)."""
    mol, record, offset = _annotated(MOLECULES["salt_elsewhere"], "v3000_offset")
    library = _library_atom_texts(mol)
    text = next(t for t in library.values() if t.template.startswith("acid-addition salt"))
    tags = dict(record.tags)
    tags["RX_JSON"] = str(tags["RX_JSON"]).replace(str(text.numbered(lambda i: i + offset)), str(text))
    assert any("0-based sentence" in p for p in _leaks(tags, library, offset))
    tags = dict(record.tags)
    tags["RX_WARNINGS"] = "free amine@3->C2 can open the lactam intramolecularly"  # not any sentence's atom
    assert any("not named by any sentence" in p for p in _leaks(tags, library, offset))


def test_library_results_read_in_zero_based_indices():
    from reactivity.basicity import predict_basicity

    mol = Chem.MolFromSmiles(MOLECULES["two_rings_boc"])
    result = predict_basicity(mol, 7.4)
    (note,) = [a for a in result.assumptions if isinstance(a, AtomText)]
    (n4,) = note.atoms
    assert mol.GetAtomWithIdx(n4).GetSymbol() == "N" and str(note) == f"N4 (atom {n4}) is carbamate: no pKaH predicted for this class"
    assert json.loads(json.dumps(result.to_dict()))["assumptions"] == [str(a) for a in result.assumptions]


def test_compact_json_keeps_templates_in_the_legend_and_numbers_in_the_record():
    legend: dict = {}
    records = []
    for form in ("explicit_h", "v3000_offset"):
        for smiles in MOLECULES.values():
            records.append(_annotated(smiles, form)[1])
    small = [compact_json(r.tags["RX_JSON"], legend) for r in records]
    templates = [t for t in legend.values() if isinstance(t, str) and "{0}" in t]
    assert templates and all(not re.search(r"\(atom \d|@\d|atom \d", t) for t in legend.values() if isinstance(t, str))
    # the same sentence in both forms: one template, two sets of numbers in the records
    assert sum(1 for t in templates if t.startswith("acid-addition salt")) == 1
    assert any(re.search(r'"§[0-9a-f]{12}\[\d+(,\d+)*\]"', s) for s in small)
    for record, text in zip(records, small):
        assert expand_json(text, legend) == str(record.tags["RX_JSON"])


def test_compose_keeps_atoms_and_literal_braces():
    text = compose("{} in {{braces}} at {}", "x", AtomText("atom {0} and {1}", (2, 3)))
    assert str(text) == "x in {braces} at atom 2 and 3"
    assert str(text.numbered(lambda i: i * 10)) == "x in {braces} at atom 20 and 30"


def test_derivatize_plan_tags_name_atoms_with_the_records_numbers(tmp_path):
    from typer.testing import CliRunner

    from reactivity.cli import app
    from reactivity.derivatization import plan_derivatization

    mol = Chem.AddHs(Chem.MolFromSmiles(MOLECULES["reaching_amine"]))
    plan = plan_derivatization(mol, "lactam_n_alkylation")
    assert plan.outcome == "needs_protection" and plan.protection_plan
    source = tmp_path / "in.sdf"
    source.write_text(v3000_with_offset(mol, OFFSET) + "$$$$\n")
    out = tmp_path / "plans.sdf"
    result = CliRunner().invoke(app, ["derivatize", str(source), "--reaction", "lactam_n_alkylation", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    tags = dict(re.findall(r">  <(RX_[A-Z_]+)>\n(.*)\n", out.read_text()))
    def record(index: int) -> int:
        return index + OFFSET + 1

    assert any(isinstance(step, AtomText) for step in plan.protection_plan) and isinstance(plan.reason, AtomText)
    renumbered = [str(numbered(step, record)) for step in plan.protection_plan]
    assert tags["RX_PROTECTION_PLAN"] == " | ".join(renumbered) != " | ".join(plan.protection_plan)
    assert tags["RX_REASON"] == str(plan.reason.numbered(record)) != str(plan.reason)
    document = json.loads(tags["RX_JSON"])
    assert document["protection_plan"] == renumbered


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sentences_follow_a_random_renumbering(seed):
    """Same templates whatever the atom order; each named atom is the same atom after renumbering."""
    import random

    mol = Chem.AddHs(Chem.MolFromSmiles(MOLECULES["salt_elsewhere"]))
    order = list(range(mol.GetNumAtoms()))
    random.Random(seed).shuffle(order)
    shuffled = Chem.RenumberAtoms(mol, order)  # new index i is old atom order[i]
    before = {t.template: t.atoms for t in _library_atom_texts(mol).values()}
    after = {t.template: t.atoms for t in _library_atom_texts(shuffled).values()}
    assert set(before) == set(after) and before
    for template, atoms in after.items():
        assert tuple(order[a] for a in atoms) == before[template], template

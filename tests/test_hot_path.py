"""The lean per-record path of ``annotate``: no work whose result is not written, and a console script that imports
only the command it runs. Behaviour only; timings are measured by ``benchmarks/``, never asserted here."""

from __future__ import annotations

import pickle
import subprocess
import sys

from rdkit import Chem

from reactivity.perception import perceive
from reactivity.species import describe_species
from reactivity.stability import assess_rings
from reactivity.stability.results import Degradant

DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"
# InChIKey of glycine (PubChem CID 750), written out by hand from the public record.
GLYCINE_KEY = "DHMQDGOQFOQNFH-UHFFFAOYSA-N"


def test_inchikey_can_be_left_out_and_everything_else_is_the_same():
    mol = Chem.MolFromSmiles("NCC(=O)O")
    full, light = describe_species(mol), describe_species(mol, with_inchikey=False)
    assert full.inchikey == GLYCINE_KEY and light.inchikey is None
    assert (light.smiles, light.formula, light.monoisotopic_mass, light.mz_mh) == (
        full.smiles, full.formula, full.monoisotopic_mass, full.mz_mh)


def test_degradant_inchikey_is_computed_on_first_read_only():
    calls = []

    def key() -> str:
        calls.append(1)
        return GLYCINE_KEY

    degradant = Degradant("amino acid", "NCC(=O)O", key, "C2H5NO2", 75.032028, 76.039304)
    assert degradant.tag_text == "amino acid@76.0393" and not calls  # what batch annotation writes: no key needed
    assert degradant.inchikey == GLYCINE_KEY and degradant.inchikey == GLYCINE_KEY
    assert len(calls) == 1
    eager = Degradant("amino acid", "NCC(=O)O", GLYCINE_KEY, "C2H5NO2", 75.032028, 76.039304)
    assert degradant == eager and hash(degradant) == hash(eager)
    assert degradant.to_dict() == eager.to_dict() and degradant.to_dict()["inchikey"] == GLYCINE_KEY
    assert pickle.loads(pickle.dumps(degradant)) == eager
    assert "inchikey='DHMQDGOQFOQNFH-UHFFFAOYSA-N'" in repr(degradant)


def test_stability_degradants_carry_the_keys_of_their_structures():
    mol = Chem.MolFromSmiles(DIAZEPAM)
    result = assess_rings(mol, perceive(mol), with_references=False)
    assert result.degradants
    for degradant in result.degradants:
        # the lazily computed key is the key of the product's own structure
        assert degradant.inchikey == Chem.MolToInchiKey(Chem.MolFromSmiles(degradant.smiles))


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from reactivity.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return set(result.stderr.split())


def test_the_console_script_imports_only_the_command_it_runs():
    modules = _modules_after(["annotate", "--help"])
    assert "reactivity.cli.annotate" in modules
    assert not {"reactivity.cli.explain", "reactivity.cli.synth", "reactivity.cli.report"} & modules


def test_help_without_a_command_lists_every_command():
    from reactivity.cli import app

    names = {command.name for command in app.registered_commands}
    assert {"annotate", "explain", "synth", "troubleshoot", "stability", "pka", "nitrosamine", "report",
            "derivatize", "legend"} <= names
    modules = _modules_after(["--help"])
    assert {"reactivity.cli.annotate", "reactivity.cli.explain", "reactivity.cli.legend"} <= modules


# --------------------------------------------------------------------------- validity without full sanitization

import csv  # noqa: E402
import gzip  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from reactivity.batch.annotate import AnnotateSettings, annotate_and_render, annotate_chunk, parse_sd_record  # noqa: E402
from reactivity.batch.legend import compact_json  # noqa: E402
from reactivity.perception import may_hold_ring, related_scaffolds  # noqa: E402
from reactivity.rules import load_site_rules, screen_smarts  # noqa: E402

DATA = Path(__file__).parent / "data"


def _slice_smiles() -> list[str]:
    out = []
    for name in ("corpus_hits_slice.csv", "corpus_nearmiss_slice.csv"):
        with open(DATA / name, newline="") as handle:
            out += [row["smiles"] for row in csv.DictReader(handle)]
    return out


def _as_read(smiles: str, kekulize: bool) -> Chem.Mol:
    """What the screen sees in ``parse_sd_record``: the molblock as read (Kekule or aromatic bonds as drawn, nothing
    perceived) with ring membership from FastFindRings."""
    block = Chem.MolToMolBlock(Chem.MolFromSmiles(smiles), kekulize=kekulize)
    raw = Chem.MolFromMolBlock(block, sanitize=False, removeHs=False)
    Chem.FastFindRings(raw)
    return raw


def test_the_ring_screen_passes_every_ring_and_near_miss_in_both_forms():
    rules = load_site_rules()
    examples = list(rules.core.must_match) + [s for r in rules.related for s in r.must_match] + _slice_smiles()
    found = 0
    for smiles in examples:
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            continue
        if perceive(mol) or related_scaffolds(mol):
            found += 1
            assert may_hold_ring(mol), smiles
            assert may_hold_ring(_as_read(smiles, kekulize=True)), smiles
            assert may_hold_ring(_as_read(smiles, kekulize=False)), smiles
    assert found > 100  # the slices are mostly rings and near misses


@pytest.mark.parametrize("smiles", ["c1ccncc1", "CC(=O)Oc1ccccc1C(=O)O", "C1CCNCC1", "O=C1CCCN1", "c1ccc2[nH]ccc2c1"])
def test_the_ring_screen_rejects_molecules_without_a_six_or_seven_membered_nitrogen_cycle(smiles):
    # pyridine, aspirin, piperidine (no carbonyl next to N), pyrrolidinone (five-membered), indole
    assert not may_hold_ring(Chem.MolFromSmiles(smiles))


def _sd_bodies() -> list[bytes]:
    bodies = []
    for path in sorted(DATA.glob("sd_*.sdf")) + sorted(DATA.glob("sd_*.sdf.gz")):
        try:
            data = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
        except EOFError:
            continue
        bodies += [part for part in data.split(b"$$$$") if part.strip()]
    return bodies


def test_a_screened_parse_gives_the_same_errors_and_the_same_molecules():
    compared = screened_out = 0
    for body in _sd_bodies():
        full, error, numbers = parse_sd_record(body)
        mol, screened_error, screened_numbers = parse_sd_record(body, screen=may_hold_ring)
        assert screened_error == error
        if full is None:
            assert mol is None
            continue
        compared += 1
        if mol is None:  # screened out: valid, and nothing to find in it
            screened_out += 1
            assert not perceive(full) and not related_scaffolds(full)
        else:
            assert Chem.MolToMolBlock(mol) == Chem.MolToMolBlock(full) and screened_numbers == numbers
            assert mol.GetRingInfo().AtomRings() == full.GetRingInfo().AtomRings()
            assert [b.GetIsAromatic() for b in mol.GetBonds()] == [b.GetIsAromatic() for b in full.GetBonds()]
    assert compared > 50 and screened_out > 10


def test_a_molecule_that_fails_valence_is_an_error_with_or_without_the_screen():
    # C#O drawn with a triple bond and no charges: oxygen with valence 3 is refused by RDKit
    body = (b"\n  x\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n"
            b"    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
            b"    1.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n  1  2  3  0\nM  END\n")
    plain = parse_sd_record(body)
    screened = parse_sd_record(body, screen=may_hold_ring)
    assert plain[0] is None and screened[0] is None
    assert plain[1] == screened[1] and plain[1].startswith("sanitize: explicit valence")


def test_screens_of_recursive_rules_drop_only_recursive_conjuncts_and_match_every_example():
    assert screen_smarts("[NX3;H1;!$(N-a)]-[#6]") == "[NX3;H1;*]-[#6]"  # a recursive condition becomes "any atom"
    assert screen_smarts("[$(C=O),$(C=S)]") == "[*,*]"  # an either-or of recursive parts: any atom
    assert screen_smarts("[#7]-[#6]=[#8]") is None  # no recursion: nothing to screen
    rules = load_site_rules()
    with_screen = [r for r in rules.competing + rules.site_rules + rules.related if r.screen is not None]
    assert len(with_screen) >= 10
    molecules = [Chem.MolFromSmiles(s) for s in _slice_smiles()]
    for rule in with_screen:
        for smiles in rule.must_match:
            assert Chem.MolFromSmiles(smiles).HasSubstructMatch(rule.screen), (rule.id, smiles)
        for mol in molecules:  # a rule match is always a screen match
            if mol is not None and mol.HasSubstructMatch(rule.pattern):
                assert mol.HasSubstructMatch(rule.screen), rule.id


def test_compact_json_is_the_same_whether_or_not_the_full_text_was_written():
    blocks = [Chem.MolToMolBlock(Chem.MolFromSmiles(s)).encode() for s in _slice_smiles()[:25]]
    settings = AnnotateSettings(stability=True, basicity=True, json_detail="compact")
    written = annotate_chunk(blocks, settings)
    pending = annotate_chunk(blocks, settings, write_json=False)
    legend_a: dict = {}
    legend_b: dict = {}
    for a, b in zip(written, pending):
        assert isinstance(a.tags["RX_JSON"], str) and not isinstance(b.tags["RX_JSON"], str)
        assert str(b.tags["RX_JSON"]) == a.tags["RX_JSON"]
        assert compact_json(a.tags["RX_JSON"], legend_a) == compact_json(b.tags["RX_JSON"], legend_b)
    assert legend_a == legend_b
    rendered = annotate_and_render(blocks, settings)
    assert rendered.sd.count(b"$$$$") == len(blocks) and b'"json_detail":"compact"' in rendered.sd

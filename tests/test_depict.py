"""Depictions: the highlighted atoms of the SVG are the ring's N1, C2, N4 (C3, competing sites), in the input's own atom order.

Expected atom indices are read off the SMILES by hand (atom i is the i-th atom written), not from perception's output.
"""

from __future__ import annotations

import random
import re
import struct

import pytest
from rdkit import Chem
from typer.testing import CliRunner

import reactivity
from reactivity import mol_from_molblock, mol_from_smiles
from reactivity.batch.annotate import AnnotateSettings, annotate_chunk, parse_sd_record
from reactivity.cli import app
from reactivity.report import SITE_COLOURS, depict, depict_png, marks_from_annotation, marks_from_rings

DIAZEPAM = "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"  # N1 = 1, C2 = 2, C3 = 4, N4 = 5
OXAZEPAM = "OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O"  # N1 = 17, C2 = 18, C3 = 1 (carries the OH), N4 = 2
FLURAZEPAM = "CCN(CC)CCN1C(=O)CN=C(c2ccccc2F)c2cc(Cl)ccc21"  # diethylamino N (atom 2) competes with N4

_ELLIPSE = re.compile(r"<ellipse [^>]*class='atom-(\d+)'[^>]*style='fill:#([0-9A-Fa-f]{6})")


def _role_of(hex_colour: str) -> str:
    """The role whose Okabe-Ito colour is nearest (RDKit rounds the channels by one unit at most)."""
    rgb = [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)]

    def distance(reference: str) -> int:
        ref = [int(reference[1:][i : i + 2], 16) for i in (0, 2, 4)]
        return sum(abs(a - b) for a, b in zip(rgb, ref))

    role = min(SITE_COLOURS, key=lambda name: distance(SITE_COLOURS[name]))
    assert distance(SITE_COLOURS[role]) <= 6, hex_colour
    return role


def highlighted(svg: str) -> dict[int, str]:
    """Atom index -> role, from the SVG's highlight ellipses and their classes."""
    return {int(atom): _role_of(colour) for atom, colour in _ELLIPSE.findall(svg)}


def test_diazepam_marks_n1_c2_n4_only():
    svg = depict(mol_from_smiles(DIAZEPAM))
    assert highlighted(svg) == {1: "N1", 2: "C2", 5: "N4"}


def test_oxazepam_marks_c3_bearing_the_hydroxy():
    # The 3-OH itself (atom 0) is a competing nucleophile: with an imine N4 it is what acylating agents find.
    assert highlighted(depict(mol_from_smiles(OXAZEPAM))) == {17: "N1", 18: "C2", 1: "C3", 2: "N4", 0: "competing"}


def test_competing_amine_gets_its_own_colour():
    assert highlighted(depict(mol_from_smiles(FLURAZEPAM))) == {7: "N1", 8: "C2", 11: "N4", 2: "competing"}


def _hydrogens_first_molblock(smiles: str) -> tuple[str, int]:
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    hydrogens = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 1]
    heavy = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() != 1]
    return Chem.MolToMolBlock(Chem.RenumberAtoms(mol, hydrogens + heavy)), len(hydrogens)


def test_molfile_with_explicit_hydrogens_listed_first():
    block, n_h = _hydrogens_first_molblock(DIAZEPAM)
    mol = mol_from_molblock(block)
    assert mol.GetAtomWithIdx(0).GetAtomicNum() == 1
    expected = {n_h + 1: "N1", n_h + 2: "C2", n_h + 5: "N4"}
    assert highlighted(depict(mol)) == expected
    # The same atoms when the marks come back from the record's RX_JSON (1-based record numbers).
    record = annotate_chunk([block.encode()], AnnotateSettings(chemistry=True))[0]
    document = __import__("json").loads(record.tags["RX_JSON"])
    parsed, _error, numbers = parse_sd_record(block.encode())
    assert numbers is None
    marks = marks_from_annotation(document, {i + 1: i for i in range(parsed.GetNumAtoms())})
    assert highlighted(depict(parsed, marks=marks)) == expected


def test_v3000_atom_numbers_map_back_to_indices():
    document = {"rings": [{"atoms": {"N1": 20, "C2": 30, "N4": 60, "C3": 50}, "c3_epimerizable": False, "c2_activation": []}]}
    index_of = {10 * (i + 1): i for i in range(8)}
    assert [(m.atom, m.role) for m in marks_from_annotation(document, index_of)] == [(1, "N1"), (2, "C2"), (5, "N4")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_marks_follow_random_renumbering(seed):
    base = mol_from_smiles(FLURAZEPAM)
    order = list(range(base.GetNumAtoms()))
    random.Random(seed).shuffle(order)
    shuffled = Chem.RenumberAtoms(base, order)
    new_index = {old: new for new, old in enumerate(order)}
    expected = {new_index[old]: role for old, role in {7: "N1", 8: "C2", 11: "N4", 2: "competing"}.items()}
    assert highlighted(depict(shuffled)) == expected


def test_several_rings_are_labelled_with_their_ring_number():
    mol = mol_from_smiles("O=C1CNCCCN1CCCN1CCCNCC1=O")  # ring 1: N1 7, C2 1, N4 3; ring 2: N1 11, C2 17, N4 15
    marks = marks_from_rings(reactivity.perceive(mol))
    assert {(m.atom, m.label) for m in marks} == {(7, "1:N1"), (1, "1:C2"), (3, "1:N4"), (11, "2:N1"), (17, "2:C2"), (15, "2:N4")}
    svg = depict(mol, compact=True)
    notes = "".join(re.findall(r"<text [^>]*class='note'[^>]*>([^<]*)</text>", svg))
    for label in ("1:N1", "2:N1", "1:N4", "2:N4"):
        assert label in notes


def test_legend_names_only_the_roles_drawn_and_no_ring_draws_no_mark():
    svg = depict(mol_from_smiles(DIAZEPAM), compact=True)
    legend = "".join(re.findall(r"<text [^>]*>([^<]*)</text>", svg))
    assert "N1 lactam N" in legend and "competing site" not in legend
    plain = depict(mol_from_smiles("c1ccccc1O"), compact=True)
    assert "<ellipse" not in plain and "lactam" not in plain


def test_png_through_cairo_has_the_requested_size():
    png = depict_png(mol_from_smiles(DIAZEPAM), width=400, height=320)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (400, 320)


def test_public_api_exports_depict():
    assert reactivity.depict is depict and "depict" in reactivity.__all__


def test_explain_writes_svg_and_png(tmp_path):
    svg, png = tmp_path / "d.svg", tmp_path / "d.png"
    result = CliRunner().invoke(app, ["explain", DIAZEPAM, "--svg", str(svg), "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert highlighted(svg.read_text()) == {1: "N1", 2: "C2", 5: "N4"}
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_explain_depiction_into_missing_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["explain", DIAZEPAM, "--svg", str(tmp_path / "nope" / "d.svg")])
    assert result.exit_code == 2
    assert "reactivity: cannot write the depiction" in result.output

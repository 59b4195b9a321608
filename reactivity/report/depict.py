"""Depictions with the ring sites marked: RDKit ``rdMolDraw2D`` on the molecule as given.

The drawing keeps the caller's atom order (explicit hydrogens and counter-ions
included), so the atom numbers of ``RX_*`` tags, of ``perceive()`` and of the
SVG's ``atom-<index>`` classes all name the same atoms. N1, C2 and N4 (and C3
when it matters: an epimerizable stereocentre, or a heteroatom or carbonyl on
it) get a highlight in a colour of the Okabe-Ito palette, which stays
distinguishable for the common colour-vision deficiencies (Okabe & Ito,
"Color Universal Design", 2002, https://jfly.uni-koeln.de/color/), a short
atom label (``N1``, ``C2``, ``N4``; ``2:N4`` for ring 2 when there are
several rings) and a small legend.

>>> from reactivity import mol_from_smiles
>>> svg = depict(mol_from_smiles("O=C1CNCCCN1"))
>>> svg.startswith("<?xml") and "class='atom-3'" in svg
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rdkit import Chem
from rdkit.Chem import rdDepictor
from rdkit.Chem.Draw import rdMolDraw2D
from rdkit.Geometry import Point2D

from ..molecule import as_read
from ..sites import RingSites

Role = Literal["N1", "C2", "C3", "N4", "competing"]

#: Okabe-Ito colours (hex) per marked role.
SITE_COLOURS: dict[str, str] = {
    "N1": "#0072B2",  # blue
    "C2": "#D55E00",  # vermillion
    "N4": "#009E73",  # bluish green
    "C3": "#E69F00",  # orange
    "competing": "#CC79A7",  # reddish purple
}

_LEGEND_TEXT: dict[str, str] = {
    "N1": "N1 lactam N",
    "C2": "C2 carbonyl",
    "N4": "N4 ring N",
    "C3": "C3 alpha-C",
    "competing": "competing site",
}

_SHORT_LEGEND_TEXT: dict[str, str] = {"N1": "N1", "C2": "C2", "N4": "N4", "C3": "C3", "competing": "comp."}

_HIGHLIGHT_ALPHA = 0.45
_LEGEND_HEIGHT = 22


@dataclass(frozen=True, slots=True)
class SiteMark:
    """One marked atom: 0-based index into the drawn molecule, its role and its label (``N4``, ``2:N4``, ``ester``)."""

    atom: int
    role: Role
    label: str


def _rgba(hex_colour: str, alpha: float) -> tuple[float, float, float, float]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16) / 255.0, int(value[2:4], 16) / 255.0, int(value[4:6], 16) / 255.0, alpha)


def c3_matters(ring: Mapping[str, Any] | RingSites) -> bool:
    """C3 is marked when it can epimerize or carries a heteroatom/carbonyl (activated C2).

    >>> c3_matters({"c3_epimerizable": False, "c2_activation": ["alpha_heteroatom"]})
    True
    """
    if isinstance(ring, RingSites):
        epimerizable, activation = ring.c3_epimerizable, ring.c2_activation
    else:
        epimerizable, activation = bool(ring.get("c3_epimerizable")), tuple(ring.get("c2_activation") or ())
    return epimerizable or any(a in ("alpha_heteroatom", "alpha_carbonyl") for a in activation)


def marks_from_rings(rings: Sequence[RingSites]) -> list[SiteMark]:
    """The marks of perceived rings (and of the competing sites of the molecule), atom indices as given.

    >>> from reactivity import perceive_smiles
    >>> [(m.atom, m.label) for m in marks_from_rings(perceive_smiles("O=C1CNCCCN1"))]
    [(7, 'N1'), (1, 'C2'), (3, 'N4')]
    """
    several = len(rings) > 1
    marks: list[SiteMark] = []
    for number, ring in enumerate(rings, start=1):
        sites: list[tuple[Role, int]] = [("N1", ring.n1), ("C2", ring.c2), ("N4", ring.n4)]
        if c3_matters(ring):
            sites.append(("C3", ring.c3))
        marks.extend(SiteMark(atom, role, f"{number}:{role}" if several else role) for role, atom in sites)
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for ring in rings:
        for site in ring.competing_sites:
            if (site.code, site.atoms) not in seen:
                seen.add((site.code, site.atoms))
                marks.append(SiteMark(site.key_atom, "competing", site.code))
    return marks


def marks_from_annotation(document: Mapping[str, Any], index_of: Mapping[int, int]) -> list[SiteMark]:
    """The marks of an ``RX_JSON`` annotation; ``index_of`` maps its 1-based record atom numbers to atom indices.

    >>> doc = {"rings": [{"atoms": {"N1": 8, "C2": 2, "N4": 4, "C3": 3}, "c3_epimerizable": False, "c2_activation": []}]}
    >>> [(m.atom, m.role) for m in marks_from_annotation(doc, {n: n - 1 for n in range(1, 9)})]
    [(7, 'N1'), (1, 'C2'), (3, 'N4')]
    """
    rings = document.get("rings") or []
    several = len(rings) > 1
    marks: list[SiteMark] = []
    for number, ring in enumerate(rings, start=1):
        atoms = ring.get("atoms", {})
        roles: list[Role] = ["N1", "C2", "N4"] + (["C3"] if c3_matters(ring) else [])
        for role in roles:
            if atoms.get(role) in index_of:
                marks.append(SiteMark(index_of[atoms[role]], role, f"{number}:{role}" if several else role))
    for site in document.get("competing_sites") or []:
        atoms = site.get("atoms") or []
        if atoms and atoms[0] in index_of:
            marks.append(SiteMark(index_of[atoms[0]], "competing", str(site.get("code", "competing"))))
    return marks


def _drawable(mol: Chem.Mol) -> Chem.Mol:
    """A copy with 2D coordinates (kept when the input has them), atoms in the input's order."""
    copy = Chem.Mol(mol)
    for atom in copy.GetAtoms():
        atom.ClearProp("atomNote") if atom.HasProp("atomNote") else None
    if copy.GetNumConformers() == 0 or copy.GetConformer().Is3D():
        rdDepictor.Compute2DCoords(copy)
    return copy


def _draw(drawer: Any, mol: Chem.Mol, marks: Sequence[SiteMark], width: int, height: int, legend: bool) -> None:
    copy = _drawable(mol)
    notes: dict[int, list[str]] = {}
    colours: dict[int, tuple[float, float, float, float]] = {}
    for mark in marks:
        if mark.atom >= copy.GetNumAtoms():
            continue
        notes.setdefault(mark.atom, []).append(mark.label)
        colours.setdefault(mark.atom, _rgba(SITE_COLOURS[mark.role], _HIGHLIGHT_ALPHA))  # first role wins the colour
    for atom, labels in notes.items():
        copy.GetAtomWithIdx(atom).SetProp("atomNote", ",".join(dict.fromkeys(labels)))
    options = drawer.drawOptions()
    options.annotationFontScale = 0.75
    options.clearBackground = True
    options.fixedBondLength = 28.0
    radii = {atom: 0.45 for atom in colours}
    drawer.DrawMolecule(copy, highlightAtoms=list(colours), highlightAtomColors=colours, highlightBonds=[],
                        highlightAtomRadii=radii)
    if legend:
        roles = [role for role in SITE_COLOURS if any(m.role == role for m in marks)]
        _draw_legend(drawer, roles, width, height)
    drawer.FinishDrawing()


def _draw_legend(drawer: Any, roles: Iterable[str], width: int, height: int) -> None:
    """Coloured squares and short names along the bottom strip (raw pixel coordinates)."""
    items = list(roles)
    if not items:
        return
    drawer.SetFontSize(11)
    slot = width / len(items)
    names = _LEGEND_TEXT if slot >= 90 else _SHORT_LEGEND_TEXT  # a narrow picture gets the short names
    y = height - _LEGEND_HEIGHT / 2
    for position, role in enumerate(items):
        x = position * slot + 6
        drawer.SetFillPolys(True)
        drawer.SetColour(_rgba(SITE_COLOURS[role], 1.0))
        drawer.DrawRect(Point2D(x, y - 5), Point2D(x + 10, y + 5), rawCoords=True)
        drawer.SetColour((0.1, 0.1, 0.1))
        drawer.DrawString(names[role], Point2D(x + 17, y), align=1, rawCoords=True)


def _marks(mol: Chem.Mol, rings: Sequence[RingSites] | None, marks: Sequence[SiteMark] | None) -> Sequence[SiteMark]:
    if marks is not None:
        return marks
    if rings is None:  # mol is read already (depict, depict_png)
        from ..perception import perceive_with_view

        rings = perceive_with_view(mol, from_reader=True)[0]
    return marks_from_rings(rings)


def depict(mol: Chem.Mol, rings: Sequence[RingSites] | None = None, *, width: int = 360, height: int = 300,
           legend: bool = True, marks: Sequence[SiteMark] | None = None, compact: bool = False) -> str:
    """SVG text of ``mol`` with its ring sites marked (``rings``: perceived when not given).

    Atom ``i`` of ``mol`` is drawn with the SVG class ``atom-i``; highlighted
    atoms are ``<ellipse class='atom-i'>`` filled with the role's colour
    (:data:`SITE_COLOURS`). ``marks`` overrides what is marked (e.g. marks read
    back from an annotated SD file with :func:`marks_from_annotation`). ``compact`` writes text as SVG
    ``<text>`` (the viewer's sans-serif font) instead of outlined glyphs: a file about half the size.

    >>> from reactivity import mol_from_smiles
    >>> svg = depict(mol_from_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"))   # diazepam: N1, C2, N4 = 1, 2, 5
    >>> [c for c in ("ellipse cx", "class='atom-1'", "class='atom-5'") if c in svg] == ["ellipse cx", "class='atom-1'", "class='atom-5'"]
    True

    The molecule is drawn as the file readers read it (:func:`reactivity.molecule.as_read`): a ring drawn as its
    lactim is drawn as the lactam whose sites are marked.
    """
    mol = as_read(mol, "depict()")
    chosen = _marks(mol, rings, marks)
    band = _LEGEND_HEIGHT if legend and chosen else 0
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height, width, height - band, noFreetype=compact)
    _draw(drawer, mol, chosen, width, height, legend)
    return drawer.GetDrawingText()


def depict_png(mol: Chem.Mol, rings: Sequence[RingSites] | None = None, *, width: int = 360, height: int = 300,
               legend: bool = True, marks: Sequence[SiteMark] | None = None) -> bytes:
    """PNG bytes of the same drawing as :func:`depict` (RDKit's Cairo drawer).

    >>> from reactivity import mol_from_smiles
    >>> depict_png(mol_from_smiles("O=C1CNCCCN1"))[:4]
    b'\\x89PNG'
    """
    mol = as_read(mol, "depict_png()")
    chosen = _marks(mol, rings, marks)
    band = _LEGEND_HEIGHT if legend and chosen else 0
    drawer = rdMolDraw2D.MolDraw2DCairo(width, height, width, height - band)
    _draw(drawer, mol, chosen, width, height, legend)
    return drawer.GetDrawingText()


__all__ = ["SITE_COLOURS", "SiteMark", "c3_matters", "depict", "depict_png", "marks_from_annotation", "marks_from_rings"]

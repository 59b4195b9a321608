"""Frozen result types of site perception.

Atom indices are always 0-based indices into the caller's own molecule
(explicit hydrogens and counter-ions included): perception never renumbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..atomtext import LIBRARY_NUMBERING

RingVariant = Literal["saturated", "fused_aromatic", "unsaturated"]
N1Class = Literal["nh", "n_alkyl", "n_aryl", "n_acyl", "n_sulfonyl", "other"]
N4Class = Literal[
    "secondary_amine",
    "tertiary_amine",
    "aryl_amine",
    "amide",
    "carbamate",
    "urea",
    "sulfonamide",
    "imine",
    "n_oxide",
    "n_nitroso",
    "ammonium",
    "aromatic",
    "other",
]
SiteName = Literal["N1", "C2", "C3", "N4"]
N4Feature = Literal["n_o_aminal", "n_n_aminal", "ring_carbonyl", "secondary_anilino"]
C2Activation = Literal["imide", "n_sulfonyl", "n_acyl_azole", "anilide", "alpha_heteroatom", "alpha_carbonyl"]
C3Feature = Literal[
    "carbinolamide", "amido", "ureido", "amino", "carboxylic_acid", "carboxylic_ester", "other_heteroatom"
]
CompetingCategory = Literal["nucleophile", "labile_acyl", "electrophile"]


@dataclass(frozen=True, slots=True)
class Stereocentre:
    """A tetrahedral stereocentre on a ring atom.

    ``position`` is the diazepanone locant (``C3``, ``C5``, ``C6``, ``C7``);
    ``label`` is the CIP label ``R``/``S``, or ``undefined`` when the input
    leaves the configuration unassigned.
    """

    atom: int
    position: str
    label: str


@dataclass(frozen=True, slots=True)
class Guidance:
    """A short, human-readable advice line for one site, with the ids of its sources.

    Reference ids resolve through :func:`reactivity.references.reference`.
    """

    site: SiteName
    text: str
    reference_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompetingSite:
    """A group outside the diazepanone ring(s) that competes with them.

    ``category`` is ``nucleophile`` (a group that competes with N4 for an
    electrophile), ``labile_acyl`` (a group that hydrolyses faster than the
    seven-membered lactam) or ``electrophile`` (a group that the molecule's own
    amines attack: epoxide, Michael acceptor, aldehyde or ketone, an aryl halide
    under Pd catalysis, a carboxylic acid once activated). ``atoms`` are the
    matched atoms, the key atom first (the nitrogen of an amine, the carbonyl
    carbon of an acyl group). ``note`` compares the group with this ring's N4.
    """

    kind: str
    category: CompetingCategory
    atoms: tuple[int, ...]
    note: str
    rule_id: str
    code: str

    @property
    def key_atom(self) -> int:
        """The atom that reacts (amine N, acyl C, epoxide C ...)."""
        return self.atoms[0]


@dataclass(frozen=True, slots=True)
class RingSites:
    """One 1,4-diazepan-2-one ring with its classified sites.

    Numbering: N1-C2(=O2)-C3-N4-C5-C6-C7, closing back to N1. In a
    1,3-dihydro-1,4-benzodiazepin-2-one, C6 and C7 are the benzo fusion atoms
    (C5a and C9a in benzodiazepine numbering).

    ``n4_h_count`` is the number of H (D and T included) on N4 in the free base;
    ``n4_features`` and ``c3_features`` refine the classes (see the README table);
    ``protonated_atoms`` are the input atoms that carry the proton of an
    acid-addition salt (drawn as N+, or assigned to the most basic nitrogen
    when the acid is drawn as a separate neutral fragment).
    """

    n1: int
    c2: int
    o2: int
    c3: int
    n4: int
    c5: int
    c6: int
    c7: int
    ring_variant: RingVariant
    n1_class: N1Class
    n4_class: N4Class
    salt_form: bool
    stereocentres: tuple[Stereocentre, ...]
    c2_activation: tuple[str, ...]
    c3_enolizable_h: int
    c3_epimerizable: bool
    n4_h_count: int
    n4_features: tuple[str, ...]
    c3_features: tuple[str, ...]
    protonated_atoms: tuple[int, ...]
    competing_sites: tuple[CompetingSite, ...]
    guidance: tuple[Guidance, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ring_atoms(self) -> tuple[int, int, int, int, int, int, int]:
        """The seven ring atoms in ring order N1, C2, C3, N4, C5, C6, C7."""
        return (self.n1, self.c2, self.c3, self.n4, self.c5, self.c6, self.c7)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field and ``atom_numbering``: atoms (``n1``... fields and the atoms named in
        ``notes``) are 0-based indices of the input molecule.

        >>> from reactivity import perceive_smiles
        >>> d = perceive_smiles("O=C1CNCCCN1")[0].to_dict()
        >>> d["n4"], d["n4_class"], d["guidance"][0]["site"], d["atom_numbering"].startswith("0-based")
        (3, 'secondary_amine', 'N4', True)
        """
        return {**asdict(self), "atom_numbering": LIBRARY_NUMBERING}

    def locant_of(self, atom: int) -> str | None:
        """The diazepanone locant of an atom index (``O2`` for the carbonyl O), or None.

        >>> from reactivity import perceive_smiles
        >>> ring = perceive_smiles("O=C1CNCCCN1")[0]
        >>> ring.locant_of(ring.n4)
        'N4'
        """
        names = ("N1", "C2", "O2", "C3", "N4", "C5", "C6", "C7")
        indices = (self.n1, self.c2, self.o2, self.c3, self.n4, self.c5, self.c6, self.c7)
        for name, index in zip(names, indices):
            if index == atom:
                return name
        return None

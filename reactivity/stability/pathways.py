"""The pathway model of one ring: rate laws of every pathway, the linear kinetics that integrates them, and the
degradants each pathway gives.

Species of one ring (a small linear ODE system, solved exactly with a matrix exponential):

- ``C``: the intact ring (what an HPLC assay counts as the compound);
- ``O``: the imine ring-opened amino-ketone (4,5-azomethine hydrolysed; reversible, recloses when its amine is
  deprotonated; only rings with a 4,5-imine have it);
- irreversible products (lactam hydrolysis, intramolecular aminolysis, decarboxylation of a 3-carboxylic acid,
  ring contraction of a 3-hydroxy ring, amide hydrolysis of the open form).

::

    dC/dt = -(k_lactam + k_decarboxylation + k_open) C + k_close O
    dO/dt =  k_open C - (k_close + k_open_loss) O

``fraction_lost = 1 - C(t)`` (the open form counts as gone for the assay) and ``fraction_irreversibly_lost =
1 - C(t) - O(t)``.

Fast 1:1 opening equilibrium, only the closed ring draining at 1e-6 s-1: the pair decays at 0.5e-6 s-1, so after
1e6 s each holds exp(-0.5) / 2 = 0.303.

>>> kin = RingKinetics(1e-6, 0.0, 1e-3, 1e-3, 0.0, 0.0, 1.0)
>>> closed, opened = kin.integrate(1e6)
>>> round(closed, 3), round(opened, 3)
(0.303, 0.303)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np
from rdkit import Chem, rdBase

from ..atomtext import AtomText
from ..equilibria import protonated_fraction
from ..molecule import free_base_view, recount_hydrogens
from ..sites import CompetingSite, RingSites
from ..species import (describe_smiles, describe_species, described_form, has_charge, neutral_form, species_masses,
                       species_smiles)
from ._base import _REACHING_AMINES, _SECONDS_PER_HOUR, _arrhenius_factor, _model
from .rate_laws import RateLaw, _combined_band
from .results import Degradant, Pathway
from .rings import ring_rule_hits

_EQUILIBRIUM_FRACTION = 0.95


# ------------------------------------------------------------------------------------------------------ kinetics
@dataclass(frozen=True, slots=True)
class RingKinetics:
    """First-order rate constants (s-1) of one ring at one pH and temperature.

    ``open_ratio``: the equilibrium ratio open/closed of the imine ring opening (None without a 4,5-imine).
    """

    k_lactam: float
    k_decarboxylation: float
    k_open: float
    k_close: float
    k_open_loss: float
    k_contraction: float
    open_ratio: float | None

    @property
    def k_closed_loss(self) -> float:
        """Irreversible loss of the intact ring itself (s-1)."""
        return self.k_lactam + self.k_decarboxylation

    @property
    def equilibrium_open_fraction(self) -> float | None:
        """Fraction of the ring open at the opening equilibrium (None without an imine)."""
        if self.open_ratio is None:
            return None
        return self.open_ratio / (1.0 + self.open_ratio)

    @property
    def time_to_equilibrium_h(self) -> float | None:
        """Hours to reach 95 % of the opening equilibrium (None without an imine)."""
        relaxation = self.k_open + self.k_close
        if self.open_ratio is None or relaxation <= 0.0:
            return None
        return -math.log(1.0 - _EQUILIBRIUM_FRACTION) / relaxation / _SECONDS_PER_HOUR

    def propagate(self, closed: float, opened: float, seconds: float) -> tuple[float, float]:
        """Fractions ``(closed, open)`` after ``seconds`` from a starting state (exact solution of the 2x2 system)."""
        return _propagate(-(self.k_closed_loss + self.k_open), self.k_close, self.k_open,
                          -(self.k_close + self.k_open_loss), closed, opened, seconds)

    def integrate(self, seconds: float) -> tuple[float, float]:
        """Fractions ``(closed, open)`` left after ``seconds``, starting from the intact ring."""
        return self.propagate(1.0, 0.0, seconds)

    def long_time_irreversible_k(self) -> float:
        """Irreversible loss rate (s-1) once the opening has equilibrated (pre-equilibrium; the stable window)."""
        if self.open_ratio is None:
            return self.k_closed_loss
        ratio = self.open_ratio
        return (self.k_closed_loss + ratio * self.k_open_loss) / (1.0 + ratio)


def _propagate(a: float, b: float, c: float, d: float, x: float, y: float, t: float) -> tuple[float, float]:
    """exp(M t) (x, y) for M = [[a, b], [c, d]] with b, c >= 0 (real eigenvalues), in closed form:
    exp(M t) = e^(s t) [cosh(q t) I + sinh(q t) / q (M - s I)], s = (a + d) / 2, q = sqrt(((a - d) / 2)^2 + b c),
    written with expm1 so that it stays exact when q t is small.

    >>> [round(v, 6) for v in _propagate(-1.0, 0.0, 0.0, -2.0, 1.0, 1.0, 1.0)]
    [0.367879, 0.135335]
    """
    s = 0.5 * (a + d)
    q = math.sqrt(max(0.25 * (a - d) ** 2 + b * c, 0.0))
    fast = math.exp((s - q) * t)  # e^(lambda_2 t), the faster-decaying mode (lambda_2 = s - q <= s + q <= 0)
    if 2.0 * q * t < 1.0:  # close eigenvalues: e^(2 q t) - 1 without cancellation
        grow = math.expm1(2.0 * q * t)
        cosh_part = fast * (1.0 + 0.5 * grow)
        sinh_part = fast * (0.5 * grow / q) if q > 0 else fast * t
    else:
        slow = math.exp((s + q) * t)
        cosh_part = 0.5 * (slow + fast)
        sinh_part = 0.5 * (slow - fast) / q
    new_x = cosh_part * x + sinh_part * ((a - s) * x + b * y)
    new_y = cosh_part * y + sinh_part * (c * x + (d - s) * y)
    return float(min(max(new_x, 0.0), 1.0)), float(min(max(new_y, 0.0), 1.0))


@dataclass(frozen=True, slots=True)
class RingState:
    """What the pathway model knows about one ring before any pH is chosen (features and pKa values)."""

    has_imine: bool
    imine_pkah: float | None
    c3_oxygen: int | None
    c3_carboxyl: tuple[int, ...] | None
    n4_aminal: tuple[int, ...] | None
    reaching_amines: tuple[int, ...]
    n1_nh_aromatic: bool
    imine_at_c3: bool  # the imine is drawn as C3=N4 (a 3,4-imine), not as the 4,5-azomethine N4=C5

    @property
    def contracts(self) -> bool:
        """3-Hydroxy ring with a 4,5-imine and a free anilide N1-H: ring contraction to the quinazoline is possible
        (an N1-substituted ring cannot give the neutral quinazoline; it is reported without a rate)."""
        return self.has_imine and self.c3_oxygen is not None and self.n1_nh_aromatic


def ring_state(mol: Chem.Mol, ring: RingSites, imine_pkah: float | None,
               hits: dict[str, tuple[int, ...]] | None = None) -> RingState:
    """Collect the ring features the pathways need (ring-feature rules of ``ring_rules.toml``; ``hits``: the ring's
    :func:`ring_rule_hits` when known)."""
    if hits is None:
        hits = ring_rule_hits(mol, ring)
    c3_oxygen = hits.get("c3_oxygen")  # the 3-hydroxy/3-acyloxy carbinolamide check, once per ring
    return RingState(
        has_imine=ring.n4_class == "imine",
        imine_pkah=imine_pkah,
        c3_oxygen=c3_oxygen[1] if c3_oxygen else None,
        c3_carboxyl=hits.get("c3_carboxylic_acid"),
        n4_aminal=hits.get("n4_aminal"),
        reaching_amines=tuple(reaching_amines(mol, ring)),
        n1_nh_aromatic="n1_anilide_nh" in hits,
        imine_at_c3=ring.n4_class == "imine" and _double_bond(mol, ring.n4, ring.c3),
    )


def _double_bond(mol: Chem.Mol, a: int, b: int) -> bool:
    bond = mol.GetBondBetweenAtoms(a, b)
    return bond is not None and bond.GetBondType() == Chem.BondType.DOUBLE


def _scale(band: float, side: int) -> float:
    """Multiplier of a rate for the central estimate (0), the low (-1) or the high (+1) end of its band."""
    return band ** side


def open_ratio(ph: float | np.ndarray, imine_pkah: float, side: int = 0) -> Any:
    """Equilibrium ratio open/closed of the imine ring opening at a pH (thermodynamic cycle of the model file).

    >>> round(float(open_ratio(1.0, 3.5)), 3), float(open_ratio(7.0, 3.5)) < 1e-3
    (0.498, True)
    """
    settings = _model()["imine_ring_opening"]
    acid_ratio = float(settings["acid_open_ratio"]) * _scale(float(settings["acid_open_ratio_band"]), side)
    amine_pka = float(settings["open_amine_pka"])
    ph = np.asarray(ph, dtype=float)
    ratio = (acid_ratio * (1.0 + 10.0 ** (amine_pka - ph)) / (1.0 + 10.0 ** (imine_pkah - ph))
             * 10.0 ** (imine_pkah - amine_pka))
    return ratio if ratio.ndim else float(ratio)


def ring_kinetics(law: RateLaw, state: RingState, ph: float, temperature_c: float, side: int = 0) -> RingKinetics:
    """Rate constants of one ring at a pH and temperature; ``side`` -1/0/+1 for the low end, centre, high end."""
    model = _model()
    lactam_band = law.band_factor
    k_lactam = lactam = law.k_obs(ph) * _scale(lactam_band, side)
    if state.reaching_amines:
        amin_band = float(model["intramolecular_aminolysis"]["band"])
        k_lactam += len(state.reaching_amines) * aminolysis_k(temperature_c, ph) * _scale(amin_band, side)
    k_decarb = 0.0
    if state.c3_carboxyl is not None:
        k_decarb = decarboxylation_k(state, ph, temperature_c) * _scale(float(model["decarboxylation"]["band"]), side)
    if not state.has_imine or state.imine_pkah is None:
        return RingKinetics(k_lactam, k_decarb, 0.0, 0.0, 0.0, 0.0, None)
    settings = model["imine_ring_opening"]
    ratio = open_ratio(ph, state.imine_pkah, side)
    acid_ratio = float(settings["acid_open_ratio"]) * _scale(float(settings["acid_open_ratio_band"]), side)
    relaxation = (float(settings["relaxation_per_s"]) * _scale(float(settings["relaxation_band"]), side)
                  * _arrhenius_factor(float(settings["ea_kj_mol"]), temperature_c,
                                      float(settings["relaxation_temperature_c"])))
    protonated = protonated_fraction(state.imine_pkah, ph)
    k_open = relaxation * acid_ratio / (1.0 + acid_ratio) * protonated
    k_close = k_open / ratio if ratio > 0 else 0.0
    k_contraction = 0.0
    if state.contracts:
        contraction = model["carbinolamide_ring_contraction"]
        k_contraction = (float(contraction["k_from_open_per_s"]) * _scale(float(contraction["band"]), side)
                         * _arrhenius_factor(float(contraction["ea_kj_mol"]), temperature_c,
                                             float(contraction["reference_temperature_c"])))
    # the open form's amide (N1-C2, now an acyclic anilide) is taken to hydrolyse at the lactam's rate (assumption)
    k_open_loss = lactam + k_contraction
    return RingKinetics(k_lactam, k_decarb, k_open, k_close, k_open_loss, k_contraction, float(ratio))


def decarboxylation_k(state: RingState, ph: float, temperature_c: float) -> float:
    """Decarboxylation of a 3-carboxylic acid (s-1): the N4-protonated species' rate x its fraction at the pH."""
    settings = _model()["decarboxylation"]
    pkah = state.imine_pkah if state.imine_pkah is not None else float(_model()["imine"]["plain_pkah"])
    protonated = protonated_fraction(pkah, ph)
    return (float(settings["k_protonated_per_s"]) * protonated
            * _arrhenius_factor(float(settings["ea_kj_mol"]), temperature_c, float(settings["reference_temperature_c"])))


def aminolysis_k(temperature_c: float, ph: Any) -> Any:
    """Intramolecular aminolysis rate (s-1; float or array like ``ph``) from the Gly-Gly-NHMe anchor, scaled by the
    free-amine fraction relative to the anchor pH and by the hydroxide-term activation energy."""
    anchor = _model()["intramolecular_aminolysis"]
    k_anchor = math.log(2.0) / (anchor["anchor_half_life_days"] * 86400.0)
    free = 1.0 / (1.0 + 10.0 ** (anchor["anchor_amine_pka"] - ph))
    free_anchor = 1.0 / (1.0 + 10.0 ** (anchor["anchor_amine_pka"] - anchor["anchor_ph"]))
    ea = _model()["activation_energy"]["ea_koh_kj_mol"]
    return k_anchor * free / free_anchor * _arrhenius_factor(ea, temperature_c, anchor["anchor_temperature_c"])


def reaching_amines(mol: Chem.Mol, ring: RingSites) -> list[int]:
    """Free primary/secondary amines outside the ring that are 4-6 bonds from C2 (can attack it intramolecularly)."""
    settings = _model()["intramolecular_aminolysis"]
    hits: list[int] = []
    for site in ring.competing_sites:
        if site.category != "nucleophile" or site.kind not in _REACHING_AMINES:
            continue
        n_atom = site.key_atom
        if n_atom in ring.ring_atoms:
            continue
        path = Chem.GetShortestPath(mol, n_atom, ring.c2)
        bonds = len(path) - 1
        if settings["min_bonds"] <= bonds <= settings["max_bonds"]:
            hits.append(n_atom)
    return hits


@dataclass(frozen=True, slots=True)
class RingOutcome:
    """The integrated kinetics of one ring over a duration: central estimate and band."""

    kinetics: RingKinetics
    fraction_lost: float
    fraction_irreversibly_lost: float
    fraction_lost_band: tuple[float, float]
    fraction_irreversibly_lost_band: tuple[float, float]


def integrate_ring(law: RateLaw, state: RingState, ph: float, temperature_c: float, hours: float) -> RingOutcome:
    """Integrate the ring's pathways over ``hours`` at the low end, centre and high end of the bands."""
    seconds = hours * _SECONDS_PER_HOUR
    results = []
    for side in (-1, 0, 1):
        kinetics = ring_kinetics(law, state, ph, temperature_c, side)
        closed, opened = kinetics.integrate(seconds)
        results.append((kinetics, 1.0 - closed, 1.0 - closed - opened))
    (_, lost_low, irr_low), (central, lost, irr), (_, lost_high, irr_high) = results
    return RingOutcome(central, lost, max(irr, 0.0), (min(lost_low, lost), max(lost_high, lost)),
                       (max(min(irr_low, irr), 0.0), max(irr_high, irr)))


def imine_equilibrium_profile(grid: np.ndarray, imine_pkah: float) -> np.ndarray:
    """Equilibrium open fraction over a pH grid (for the assay window)."""
    ratio = np.asarray(open_ratio(grid, imine_pkah), dtype=float)
    return ratio / (1.0 + ratio)


def irreversible_profile(law: RateLaw, state: RingState, grid: np.ndarray, temperature_c: float) -> np.ndarray:
    """Irreversible loss rate (s-1) over a pH grid once the imine opening has equilibrated (central estimate)."""
    model = _model()
    grid = np.asarray(grid, dtype=float)
    lactam = law.k_obs_profile(grid)
    closed = lactam + len(state.reaching_amines) * aminolysis_k(temperature_c, grid)
    if state.c3_carboxyl is not None:
        settings = model["decarboxylation"]
        pkah = state.imine_pkah if state.imine_pkah is not None else float(model["imine"]["plain_pkah"])
        closed = closed + (float(settings["k_protonated_per_s"]) / (1.0 + 10.0 ** (grid - pkah))
                           * _arrhenius_factor(float(settings["ea_kj_mol"]), temperature_c,
                                               float(settings["reference_temperature_c"])))
    if not state.has_imine or state.imine_pkah is None:
        return closed
    opened = lactam
    if state.contracts:
        settings = model["carbinolamide_ring_contraction"]
        opened = opened + float(settings["k_from_open_per_s"]) * _arrhenius_factor(
            float(settings["ea_kj_mol"]), temperature_c, float(settings["reference_temperature_c"]))
    ratio = np.asarray(open_ratio(grid, state.imine_pkah), dtype=float)
    return (closed + ratio * opened) / (1.0 + ratio)


def assay_profile(law: RateLaw, state: RingState, grid: np.ndarray, temperature_c: float, horizon_s: float) -> np.ndarray:
    """Effective loss rate (s-1) seen by an assay over a horizon: irreversible loss plus the open form at equilibrium,
    expressed as the first-order rate that leaves the same intact fraction after ``horizon_s``."""
    return assay_from_irreversible(irreversible_profile(law, state, grid, temperature_c), state, grid, horizon_s)


def assay_from_irreversible(profile: np.ndarray, state: RingState, grid: np.ndarray, horizon_s: float) -> np.ndarray:
    """:func:`assay_profile` from the ring's :func:`irreversible_profile` over the same grid, already computed."""
    if not state.has_imine or state.imine_pkah is None:
        return profile
    open_fraction = imine_equilibrium_profile(np.asarray(grid, dtype=float), state.imine_pkah)
    return profile - np.log1p(-np.minimum(open_fraction, 1.0 - 1e-15)) / horizon_s


# ---------------------------------------------------------------------------------------------------- degradants
_LOCANTS = ("n1", "c2", "c3", "n4", "c5")
_ALL_LOCANTS = frozenset(_LOCANTS)


class _ProductSource:
    """The kekulized, hydrogen-free copy of a molecule that every product of every ring is drawn from, made on first
    use (each :class:`_Editable` copies it; a failure to make it is raised again on each use, and that product is left
    out). ``index`` maps the input's atom indices to the copy's."""

    __slots__ = ("source", "_copy")

    def __init__(self, mol: Chem.Mol) -> None:
        self.source = mol
        self._copy: tuple[Chem.Mol, Any] | None = None

    def kekulized(self) -> tuple[Chem.Mol, Any]:
        """``(kekulized copy, index)``: the free base (protonated nitrogens neutralized, as a salt's products are those
        of the free base) without hydrogen atoms."""
        if self._copy is None:
            with rdBase.BlockLogs():
                view = free_base_view(self.source)
                heavy = view.mol  # a copy of the input
                index: Any = view.original_index
                if index != tuple(range(len(index))):  # hydrogen atoms removed: the input's indices are mapped
                    index = {original: working for working, original in enumerate(index)}
                Chem.Kekulize(heavy, clearAromaticFlags=True)
            self._copy = (heavy, index)
        return self._copy


def _source_of(mol: Chem.Mol, source: _ProductSource | None) -> _ProductSource:
    return source if source is not None and source.source is mol else _ProductSource(mol)


def _double_bonded_to(atom: Chem.Atom, elements: tuple[int, ...]) -> bool:
    """Whether an atom carries a double bond to one of ``elements`` (atomic numbers): ``(8, 16)`` finds acyl,
    thioacyl, sulfonyl and phosphoryl atoms."""
    return any(bond.GetBondType() == Chem.BondType.DOUBLE and bond.GetOtherAtom(atom).GetAtomicNum() in elements
               for bond in atom.GetBonds())


def _is_carbonyl_carbon(atom: Chem.Atom) -> bool:
    """Whether an atom is a carbon with a C=O double bond."""
    return atom.GetAtomicNum() == 6 and _double_bonded_to(atom, (8,))


def _is_acyloxy(oxygen: Chem.Atom, attached_to: int) -> bool:
    """Whether an oxygen's other neighbour (not ``attached_to``) is a carbonyl carbon: an ester, carbonate or
    carbamate oxygen."""
    return any(nb.GetIdx() != attached_to and _is_carbonyl_carbon(nb) for nb in oxygen.GetNeighbors())


class _Editable:
    """A kekulized, hydrogen-free editable copy of a molecule whose atoms are addressed by their original indices
    (explicit hydrogens and their numbering do not change the products). Edits remove and add bonds and add atoms
    (appended), never remove one: the ring's atoms keep their indices through every edit."""

    def __init__(self, mol: Chem.Mol, ring: RingSites, source: _ProductSource | None = None) -> None:
        kekulized, self.index = _source_of(mol, source).kekulized()
        self.mol = Chem.RWMol(kekulized)
        self.locants = tuple((name, self.index[getattr(ring, name)]) for name in _LOCANTS)
        self.ring_atoms = frozenset(self.index[original] for original in ring.ring_atoms)

    def double_bonded(self, a: int, b: int) -> bool:
        """Whether atoms ``a`` and ``b`` (original indices) share a double bond in the kekulized copy."""
        return _double_bond(self.mol, self.index[a], self.index[b])

    def _touch(self, index: int) -> None:
        """Let RDKit recompute the implicit hydrogens of an edited atom."""
        recount_hydrogens(self.mol.GetAtomWithIdx(index))

    def remove_bond(self, a: int, b: int) -> None:
        self.mol.RemoveBond(self.index[a], self.index[b])
        self._touch(self.index[a])
        self._touch(self.index[b])

    def add_bond(self, a: int, b: int, order: Chem.BondType) -> None:
        self.mol.AddBond(self.index[a], self.index[b], order)
        self._touch(self.index[a])
        self._touch(self.index[b])

    def add_oxygen(self, atom: int, order: Chem.BondType) -> None:
        oxygen = self.mol.AddAtom(Chem.Atom(8))
        self.mol.AddBond(self.index[atom], oxygen, order)
        self._touch(self.index[atom])

    def collapse_c3_carbinolamine(self, ring: RingSites) -> str | None:
        """After the lactam is opened, a C3 that carries an OH and the amine N4 is a carbinolamine (hemiaminal): it
        falls apart to the aldehyde (C3=O, the glyoxylic acid unit) and N4's amine. A C3 acyloxy group (the ester of a
        3-hydroxy ring, e.g. oxazepam acetate) makes it an N,O-acetal whose carboxylate is an even better leaving
        group: the same aldehyde and amine form, and the acyl part leaves as its carboxylic acid. Returns which it was
        (``hydroxy`` or ``acyloxy``), None when nothing collapsed. An acyl or sulfonyl N4 (a carbinolamide, far slower
        to fall apart) is left as it is."""
        c3 = self.mol.GetAtomWithIdx(self.index[ring.c3])
        n4 = self.mol.GetAtomWithIdx(self.index[ring.n4])
        if self.mol.GetBondBetweenAtoms(c3.GetIdx(), n4.GetIdx()) is None or n4.GetFormalCharge() != 0:
            return None
        oxygen = next((nb for nb in c3.GetNeighbors() if nb.GetAtomicNum() == 8 and nb.GetFormalCharge() == 0
                       and self.mol.GetBondBetweenAtoms(c3.GetIdx(), nb.GetIdx()).GetBondType() == Chem.BondType.SINGLE
                       and (nb.GetDegree() == 1 or _is_acyloxy(nb, c3.GetIdx()))), None)
        if oxygen is None:
            return None
        for neighbour in n4.GetNeighbors():
            if neighbour.GetIdx() == c3.GetIdx():
                continue
            if _double_bonded_to(neighbour, (8, 16)):
                return None  # N4 is an amide, carbamate, urea or sulfonamide nitrogen
        self.mol.RemoveBond(c3.GetIdx(), n4.GetIdx())
        if oxygen.GetDegree() == 1:
            kind = "hydroxy"
            self.mol.GetBondBetweenAtoms(c3.GetIdx(), oxygen.GetIdx()).SetBondType(Chem.BondType.DOUBLE)
        else:
            kind = "acyloxy"
            self.mol.RemoveBond(c3.GetIdx(), oxygen.GetIdx())  # the acyl part keeps this oxygen: a carboxylic acid
            self.mol.AddBond(c3.GetIdx(), self.mol.AddAtom(Chem.Atom(8)), Chem.BondType.DOUBLE)
        for index in (c3.GetIdx(), n4.GetIdx(), oxygen.GetIdx()):
            self._touch(index)
        return kind

    def pieces(self) -> list[tuple[Chem.Mol, frozenset[str], str | None]]:
        """Sanitized fragments that hold ring atoms (salts, water and leaving acids dropped), in canonical-SMILES
        order (the order of the products must not follow the input's atom order), each with the ring locants it
        holds and, when there are several, its canonical SMILES (the sort key)."""
        with rdBase.BlockLogs():
            mol = self.mol  # edited in place: this editable copy is used once
            atom_sets = Chem.GetMolFrags(mol)
            if len(atom_sets) == 1 and not has_charge(mol):
                # One uncharged piece (most ring openings of a fused ring): the molecule itself, with its hydrogen
                # counts and valences checked, which is all its formula and masses need; it is fully sanitized
                # (aromaticity) only when its SMILES is drawn (:func:`_drawn_smiles`). Sanitizing the kekulized,
                # valence-checked structure cannot fail otherwise.
                mol.UpdatePropertyCache(strict=True)
                return [(mol, _ALL_LOCANTS, None)]
            Chem.SanitizeMol(mol)
            if len(atom_sets) == 1:
                return [(mol, _ALL_LOCANTS, None)]
            mapping: list[tuple[int, ...]] = []
            # The pieces of the sanitized molecule keep its aromaticity, valences and rings (each ring lies in one
            # piece): sanitizing each piece again would give the same pieces.
            fragments = Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=False, fragsMolAtomMapping=mapping)
            # neutral pieces (an acid anion of a salt takes up its proton): the sort key is the listed product's SMILES
            kept = [(neutral_form(fragment), atoms) for fragment, atoms in zip(fragments, mapping)
                    if not self.ring_atoms.isdisjoint(atoms)]
            if len(kept) < 2:
                return [(fragment, self._locants_in(atoms), None) for fragment, atoms in kept]
            keyed = [(species_smiles(fragment), fragment, atoms) for fragment, atoms in kept]
            keyed.sort(key=lambda item: item[0])
            return [(fragment, self._locants_in(atoms), smiles) for smiles, fragment, atoms in keyed]

    def _locants_in(self, atoms: Sequence[int]) -> frozenset[str]:
        held = set(atoms)
        return frozenset(name for name, index in self.locants if index in held)


def _degradant(name: str, mol: Chem.Mol, note: str = "", smiles: str | None = None) -> Degradant:
    """A product (one fragment, from :meth:`_Editable.pieces`) described as ``reactivity.species`` describes every
    species (``smiles``: its canonical SMILES when already known). The SMILES and InChIKey are drawn when first read:
    batch annotation writes names and masses only."""
    with rdBase.BlockLogs():
        species, smiles, _ = described_form(mol, smiles, one_fragment=True)
        masses = species_masses(species)
    drawing: str | Callable[[], str] = smiles if smiles is not None else partial(_drawn_smiles, species)
    return Degradant(name, drawing, partial(_inchikey_of, species), masses.formula, masses.monoisotopic_mass,
                     masses.mz_mh, note)


def _sanitized(product: Chem.Mol) -> Chem.Mol:
    """A product from :meth:`_Editable.pieces`, sanitized in place (aromaticity; it may have been left unsanitized)."""
    with rdBase.BlockLogs():
        Chem.SanitizeMol(product)
    return product


def _drawn_smiles(product: Chem.Mol) -> str:
    """Canonical SMILES of a product from :meth:`_Editable.pieces` (mobile hydrogens drawn one way)."""
    return species_smiles(_sanitized(product))


def _degradants(name: str, pieces: Sequence[tuple[Chem.Mol, frozenset[str], str | None]], note: str = ""
                ) -> tuple[Degradant, ...]:
    """One :func:`_degradant` of the same name for each piece of :meth:`_Editable.pieces`."""
    return tuple(_degradant(name, fragment, note, smiles) for fragment, _, smiles in pieces)


def _inchikey_of(product: Chem.Mol) -> str | None:
    return describe_species(_sanitized(product)).inchikey


@lru_cache(maxsize=16)
def _described(smiles: str) -> Any:
    """``reactivity.species.describe_species`` of a fixed small product given as SMILES (carbon dioxide)."""
    return describe_smiles(smiles)


def _smiles_degradant(name: str, smiles: str, note: str = "", protonates: bool = True) -> Degradant:
    species = _described(smiles)
    return Degradant(name, species.smiles, species.inchikey, species.formula, species.monoisotopic_mass,
                     species.mz_mh if protonates else None, note)


def _open_lactam(editable: _Editable, ring: RingSites) -> None:
    editable.remove_bond(ring.c2, ring.n1)
    editable.add_oxygen(ring.c2, Chem.BondType.SINGLE)


def _open_imine(editable: _Editable, ring: RingSites) -> int:
    """Hydrolyse the ring's imine: its carbon takes the oxygen and N4 becomes a primary amine. The imine is the
    4,5-azomethine N4=C5, or C3=N4 when the ring is drawn so (a 3,4-imine); water adds, nothing is oxidized.
    Returns the imine carbon (C5 or C3)."""
    carbon = ring.c3 if editable.double_bonded(ring.n4, ring.c3) else ring.c5
    editable.remove_bond(ring.n4, carbon)
    editable.add_oxygen(carbon, Chem.BondType.DOUBLE)
    return carbon


def _c5_carbonyl_name(mol: Chem.Mol, ring: RingSites) -> str:
    """What C5 becomes when a 4,5-azomethine is hydrolysed: a ketone (C5 carries a substituent, e.g. the
    5-phenyl of diazepam) or an aldehyde (C5-H), on an aryl ring fused at C6-C7 (a benzodiazepinone's benzo ring,
    whose amine is N1: ``2-aminoaryl``) or on a chain.

    >>> from reactivity.molecule import mol_from_smiles
    >>> from reactivity.perception import perceive
    >>> [_c5_carbonyl_name(m, perceive(m)[0]) for m in map(mol_from_smiles, ("O=C1CN=C(c2ccccc2)c2ccccc2N1",
    ...  "O=C1CN=Cc2ccccc2N1", "O=C1CN=C(C)CCN1"))]
    ['2-aminoaryl ketone', '2-aminoaryl aldehyde', 'amino ketone']
    """
    fused_aryl = mol.GetAtomWithIdx(ring.c6).GetIsAromatic() and mol.GetAtomWithIdx(ring.c7).GetIsAromatic()
    return ("2-aminoaryl " if fused_aryl else "amino ") + _carbonyl_kind(mol, ring.c5)


def _carbonyl_kind(mol: Chem.Mol, carbon: int) -> str:
    """What an imine carbon becomes when the imine is hydrolysed: an ``aldehyde`` when it carries an H (D, T
    counted), else a ``ketone``."""
    return "aldehyde" if mol.GetAtomWithIdx(carbon).GetTotalNumHs(includeNeighbors=True) else "ketone"


def _fragment_names(pieces: Sequence[tuple[Chem.Mol, frozenset[str], str | None]], names: dict[str, str]
                    ) -> list[Degradant]:
    """Name fragments by the ring locant they carry (``names``: locant -> name)."""
    out: list[Degradant] = []
    for fragment, locants, smiles in pieces:
        name = next((names[key] for key in names if key in locants), "ring-opened product")
        out.append(_degradant(name, fragment, "", smiles))
    return out


def lactam_products(mol: Chem.Mol, ring: RingSites, state: RingState,
                    source: _ProductSource | None = None) -> tuple[Degradant, ...]:
    """Products of lactam hydrolysis; for a 4,5-imine ring, after the imine is hydrolysed too (the final products).

    >>> from reactivity.molecule import mol_from_smiles
    >>> from reactivity.perception import perceive
    >>> mol = mol_from_smiles("O=C1CNCCCN1")
    >>> ring = perceive(mol)[0]
    >>> [d.smiles for d in lactam_products(mol, ring, ring_state(mol, ring, None))]
    ['NCCCNCC(=O)O']
    """
    try:
        editable = _Editable(mol, ring, source)
        _open_lactam(editable, ring)
        if state.has_imine:
            _open_imine(editable, ring)
        collapsed = editable.collapse_c3_carbinolamine(ring)
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001 - a product that cannot be drawn is left out, the pathway stays
        return ()
    if collapsed:
        # the 3-hydroxy amino acid is a carbinolamine (a 3-acyloxy one an N,O-acetal): glyoxylic acid (C2, C3) and
        # N4's amine; free ammonia (N4 of an imine ring) is not reported as a degradant (not seen by LC-MS)
        pieces = [piece for piece in pieces if piece[0].GetNumAtoms() > 1]
        why = ("the 3-hydroxy amino acid is a carbinolamine" if collapsed == "hydroxy"
               else "the 3-acyloxy amino acid is an N,O-acetal: it loses the carboxylic acid")
        return tuple(_fragment_names(pieces, {
            "c5": f"{_c5_carbonyl_name(mol, ring)} (after amide and imine hydrolysis)" if state.has_imine
            else "diamine (after amide hydrolysis; C3 left as glyoxylic acid)",
            "c2": f"glyoxylic acid ({why} and releases N4 as its amine)"}))
    if state.has_imine and state.imine_at_c3:
        # the C3=N4 imine hydrolysed: N4 stays on C5 as an amine, C3 becomes the ketone of a 2-oxo acid
        return tuple(_fragment_names(pieces, {"c5": "diamine (N1 and N4; after amide and 3,4-imine hydrolysis)",
                                              "c2": "2-oxo acid (C2-C3 unit)"}))
    if state.has_imine:
        return tuple(_fragment_names(pieces, {"c5": f"{_c5_carbonyl_name(mol, ring)} (after amide and imine hydrolysis)",
                                              "c2": "amino acid (C2-C3-N4 unit)"}))
    return tuple(_fragment_names(pieces, {"c2": "ring-opened amino acid"}))


def imine_open_products(mol: Chem.Mol, ring: RingSites, source: _ProductSource | None = None) -> tuple[Degradant, ...]:
    """The ring-opened amino-ketone of an imine ring (reversible: recloses when its amine is deprotonated); an
    amino-aldehyde when the imine carbon carries an H."""
    try:
        editable = _Editable(mol, ring, source)
        carbon = _open_imine(editable, ring)
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001
        return ()
    return _degradants(f"ring-opened amino-{_carbonyl_kind(mol, carbon)} (reversible)", pieces)


def contraction_products(mol: Chem.Mol, ring: RingSites, state: RingState,
                         source: _ProductSource | None = None) -> tuple[Degradant, ...]:
    """The quinazoline-2-carboxaldehyde of a 3-hydroxy ring (N1 must carry an H to end up in the quinazoline)."""
    if state.c3_oxygen is None or not state.has_imine:
        return ()
    try:
        editable = _Editable(mol, ring, source)
        editable.remove_bond(ring.c3, state.c3_oxygen)
        editable.remove_bond(ring.n1, ring.c2)
        editable.add_bond(ring.n1, ring.c3, Chem.BondType.DOUBLE)
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001 - an N1-substituted ring gives no neutral quinazoline
        return ()
    return _degradants("quinazoline-2-carboxaldehyde (ring contraction)", pieces)


def decarboxylation_products(mol: Chem.Mol, ring: RingSites, state: RingState,
                             source: _ProductSource | None = None) -> tuple[Degradant, ...]:
    """The 3-H ring and CO2 of a 3-carboxylic acid."""
    if state.c3_carboxyl is None:
        return ()
    out = list(_c3_decarboxylated(mol, ring, state.c3_carboxyl[1], source, "3-H ring (decarboxylated)"))
    out.append(_smiles_degradant("carbon dioxide", "O=C=O", "a gas, not seen by LC-MS; listed for the mass balance",
                                 protonates=False))
    return tuple(out)


def aminal_products(mol: Chem.Mol, ring: RingSites, state: RingState,
                    source: _ProductSource | None = None) -> tuple[Degradant, ...]:
    """The amino-ketone left when an N,O-aminal N4 is cleaved at C5 (after the acid opening)."""
    if state.n4_aminal is None:
        return ()
    oxygen = state.n4_aminal[2]
    try:
        editable = _Editable(mol, ring, source)
        editable.remove_bond(ring.n4, ring.c5)
        editable.remove_bond(ring.c5, oxygen)
        editable.add_oxygen(ring.c5, Chem.BondType.DOUBLE)
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001
        return ()
    return _degradants("amino-ketone after cleavage at the aminal carbon", pieces)


def aminolysis_products(mol: Chem.Mol, ring: RingSites, amine: int,
                        source: _ProductSource | None = None) -> tuple[Degradant, ...]:
    """The transamidated isomer formed when a free amine opens the lactam intramolecularly."""
    try:
        editable = _Editable(mol, ring, source)
        editable.remove_bond(ring.c2, ring.n1)
        editable.add_bond(ring.c2, amine, Chem.BondType.SINGLE)
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001
        return ()
    return _degradants("ring-opened isomer (intramolecular aminolysis; same mass)", pieces)


# Labile acyl groups whose hydrolysis breaks the bond between the acyl carbon (the site's first atom) and the leaving
# atom (its third: the ester or anhydride oxygen, the thioester sulfur, the halogen, the beta-lactam, azole or
# carbamate nitrogen); a carbamate's carbonic half-ester then loses CO2, leaving the amine and the alcohol (the same
# parts as a Boc group's loss of isobutylene and CO2 in acid). An imide can open at either acyl carbon: its products
# are not drawn.
_ONE_BOND_HYDROLYSES = frozenset({"ester", "thioester", "anhydride", "acyl_halide", "beta_lactam", "activated_amide",
                                  "carbamate"})


def labile_group_products(mol: Chem.Mol, rings: Sequence[RingSites], site: CompetingSite,
                          source: _ProductSource | None = None) -> tuple[Degradant, ...]:
    """The part(s) carrying a 1,4-diazepan-2-one ring after a labile acyl group elsewhere is hydrolysed (the acyl
    carbon takes OH, the leaving group its H; a part without the ring, e.g. the acid of a 3-acyloxy ester, is left
    out like water and salts). Empty for an imide (either carbonyl can open).

    >>> from reactivity.molecule import mol_from_smiles
    >>> from reactivity.perception import perceive
    >>> mol = mol_from_smiles("CC(=O)OC1N=C(c2ccccc2)c2cc(Cl)ccc2NC1=O")  # oxazepam acetate
    >>> rings = perceive(mol)
    >>> [d.smiles for d in labile_group_products(mol, rings, rings[0].competing_sites[0])]
    ['O=C1Nc2ccc(Cl)cc2C(c2ccccc2)=NC1O']
    """
    if site.kind not in _ONE_BOND_HYDROLYSES or not rings:
        return ()
    try:
        editable = _Editable(mol, rings[0], source)
        editable.ring_atoms = frozenset(editable.index[atom] for ring in rings for atom in ring.ring_atoms)
        editable.remove_bond(site.atoms[0], site.atoms[2])
        editable.add_oxygen(site.atoms[0], Chem.BondType.SINGLE)
        decarboxylated = _decarboxylate_carbamic_acids(editable, site.atoms[0], site.atoms[2])
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001 - a product that cannot be drawn is left out, the pathway stays
        return ()
    then = ", then decarboxylated" if decarboxylated else ""
    out = _degradants(f"{site.kind.replace('_', ' ')} hydrolysed{then} (the part that carries the ring)", pieces)
    return out + _c3_ester_decarboxylation(mol, rings, site, source)


def _c3_ester_decarboxylation(mol: Chem.Mol, rings: Sequence[RingSites], site: CompetingSite,
                              source: _ProductSource | None) -> tuple[Degradant, ...]:
    """The 3-H ring that a ring's 3-carboxylic ester (loflazepate type) gives once hydrolysed: the 3-carboxylic acid
    set free decarboxylates as clorazepate does (a follow-on product, listed after the acid)."""
    if site.kind != "ester":
        return ()
    acyl = mol.GetAtomWithIdx(site.atoms[0])
    ring = next((r for r in rings if any(nb.GetIdx() == r.c3 for nb in acyl.GetNeighbors())), None)
    if ring is None:
        return ()
    # the ester group leaves as CO2 and its alcohol (neither listed)
    return _c3_decarboxylated(mol, ring, site.atoms[0], source,
                              "3-H ring (3-carboxylic ester hydrolysed, then decarboxylated)",
                              "follow-on product: the 3-carboxylic acid decarboxylates as clorazepate does")


def _c3_decarboxylated(mol: Chem.Mol, ring: RingSites, carboxyl_carbon: int, source: _ProductSource | None,
                       name: str, note: str = "") -> tuple[Degradant, ...]:
    """The 3-H ring left when the C3-carboxyl bond breaks (the carboxyl part is not listed); empty when it cannot be
    drawn."""
    try:
        editable = _Editable(mol, ring, source)
        editable.remove_bond(ring.c3, carboxyl_carbon)
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001 - a product that cannot be drawn is left out
        return ()
    return _degradants(name, pieces, note)


def _decarboxylate_carbamic_acids(editable: _Editable, acyl_carbon: int, leaving_atom: int) -> bool:
    """A carboxylic acid set free by the hydrolysis that is a carbamic acid or a carbonic half-ester (from a carbamoyl
    chloride or imidazole, a chloroformate, a carbonic anhydride) loses CO2 at once, leaving the amine or alcohol.
    The acids looked at: the acyl carbon's, and that of a leaving carboxylate (an anhydride's other half).
    Returns whether one did."""
    mol = editable.mol
    carbons = [editable.index[acyl_carbon]]
    leaving = mol.GetAtomWithIdx(editable.index[leaving_atom])
    if leaving.GetAtomicNum() == 8:
        carbons.extend(nb.GetIdx() for nb in leaving.GetNeighbors() if _is_carbonyl_carbon(nb))
    done = False
    for index in carbons:
        carbon = mol.GetAtomWithIdx(index)
        oxygens = sum(1 for nb in carbon.GetNeighbors() if nb.GetAtomicNum() == 8 and nb.GetDegree() == 1)
        if oxygens < 2:
            continue  # not a free acid (C(=O)OH with both oxygens terminal)
        for bond in carbon.GetBonds():
            other = bond.GetOtherAtom(carbon)
            if bond.GetBondType() == Chem.BondType.SINGLE and (
                    other.GetAtomicNum() == 7 or (other.GetAtomicNum() == 8 and other.GetDegree() > 1)):
                mol.RemoveBond(index, other.GetIdx())
                editable._touch(other.GetIdx())
                done = True
                break
    return done


def _invert(atom: Chem.Atom) -> None:
    if atom.GetChiralTag() == Chem.ChiralType.CHI_TETRAHEDRAL_CW:
        atom.SetChiralTag(Chem.ChiralType.CHI_TETRAHEDRAL_CCW)
    elif atom.GetChiralTag() == Chem.ChiralType.CHI_TETRAHEDRAL_CCW:
        atom.SetChiralTag(Chem.ChiralType.CHI_TETRAHEDRAL_CW)


def epimer_products(mol: Chem.Mol, ring: RingSites, name: str, source: _ProductSource | None = None
                    ) -> tuple[Degradant, ...]:
    """The C3 epimer (or enantiomer) of the molecule: same mass, separated only by a chiral or diastereomer method.
    Only drawn when C3's configuration is defined (otherwise it is the same structure as the input)."""
    if mol.GetAtomWithIdx(ring.c3).GetChiralTag() not in (Chem.ChiralType.CHI_TETRAHEDRAL_CW,
                                                          Chem.ChiralType.CHI_TETRAHEDRAL_CCW):
        return ()
    try:
        # C3 inverted on the editable copy of the shared kekulized molecule (removing explicit hydrogens adjusts a
        # chiral tag for the new neighbour order, and inverting before or after that gives the same structure)
        editable = _Editable(mol, ring, source)
        _invert(editable.mol.GetAtomWithIdx(editable.index[ring.c3]))
        pieces = editable.pieces()
    except Exception:  # noqa: BLE001
        return ()
    return _degradants(name, pieces, "same mass as the parent")


# ---------------------------------------------------------------------------------------------- pathway listing
def ring_pathways(mol: Chem.Mol, index: int, ring: RingSites, law: RateLaw, state: RingState, ph: float,
                  temperature_c: float, with_products: bool = True, kinetics: RingKinetics | None = None,
                  source: _ProductSource | None = None) -> list[Pathway]:
    """Every pathway of one ring at a pH and temperature, with rates, bands and (optionally) degradants.

    ``kinetics``: the ring's central :func:`ring_kinetics` at this pH and temperature when already computed;
    ``source``: the molecule's product source shared by its rings (both computed here when not given).
    """
    model = _model()
    if kinetics is None:
        kinetics = ring_kinetics(law, state, ph, temperature_c)
    source = _source_of(mol, source)
    pathways: list[Pathway] = []
    k_hydrolysis = law.k_obs(ph)
    term = law.dominant_term(ph)
    pathways.append(Pathway(
        "lactam_hydrolysis", False, "C2-N1", (ring.c2, ring.n1), index, k_hydrolysis, False,
        f"Irreversible ring opening at C2-N1 to the amino acid; {term} term dominates at pH {ph + 0.0:g}."
        + (" The 3,4-imine hydrolyses too: the final products are the diamine (N1, C5, N4) and the 2-oxo acid."
           if state.imine_at_c3 else
           f" For a 4,5-imine ring the final products are the {_c5_carbonyl_name(mol, ring)} and the amino acid."
           if state.has_imine else ""),
        ("HF-056", "HF-057", "HF-058", "HF-001", "HF-012") if state.has_imine else ("HF-056", "HF-057", "HF-058"),
        band_factor=law.band_factor, degradants=lactam_products(mol, ring, state, source) if with_products else (),
    ))
    for n_atom in state.reaching_amines:
        k_amin = float(aminolysis_k(temperature_c, ph))
        pathways.append(Pathway(
            "intramolecular_aminolysis", False, AtomText("amine@{0}->C2", (n_atom,)), (n_atom, ring.c2), index, k_amin, False,
            "A free amine within reach of C2 can open the lactam intramolecularly (diketopiperazine-type); rate "
            "from the Gly-Gly-NHMe anchor (assumption).", ("HF-055",),
            band_factor=float(model["intramolecular_aminolysis"]["band"]),
            degradants=aminolysis_products(mol, ring, n_atom, source) if with_products else (),
            assumption=str(model["intramolecular_aminolysis"]["assumption"]),
        ))
    if state.has_imine and kinetics.open_ratio is not None:
        settings = model["imine_ring_opening"]
        fraction = kinetics.equilibrium_open_fraction
        assert fraction is not None
        imine = ("C3=N4", (ring.c3, ring.n4), "3,4-imine") if state.imine_at_c3 else \
            ("N4=C5", (ring.n4, ring.c5), "4,5-azomethine")
        pathways.append(Pathway(
            "imine_ring_opening", True, imine[0], imine[1], index, kinetics.k_open, False,
            f"Reversible hydrolysis of the {imine[2]} through the protonated imine (N4 pKaH {state.imine_pkah:.2f}): "
            f"at pH {ph + 0.0:g} {fraction * 100:.3g} % of the ring is open at equilibrium, reached (95 %) in "
            f"{kinetics.time_to_equilibrium_h:.3g} h. The open amino-ketone is what an assay sees as loss; it recloses "
            "when its amine is deprotonated (neutralisation).",
            tuple(settings["facts"]),
            band_factor=_combined_band([float(settings["relaxation_band"]), float(settings["acid_open_ratio_band"])]),
            equilibrium_open_fraction=fraction, time_to_equilibrium_h=kinetics.time_to_equilibrium_h,
            degradants=imine_open_products(mol, ring, source) if with_products else (),
            assumption=str(settings["assumption"]) + (" " + str(settings["c3_imine_assumption"]) if state.imine_at_c3 else ""),
        ))
    if state.c3_oxygen is not None:
        settings = model["carbinolamide_ring_contraction"]
        fraction = kinetics.equilibrium_open_fraction or 0.0
        k_eff = kinetics.k_contraction * fraction if state.contracts else None
        pathways.append(Pathway(
            "carbinolamide_ring_contraction", False, "C3", (ring.c3, state.c3_oxygen), index, k_eff, False,
            "3-Hydroxy carbinolamide: in acid the ring-opened form ring-contracts irreversibly to a "
            "quinazoline-2-carboxaldehyde (lorazepam in 0.1 M HCl); rate = contraction of the open form x its "
            "equilibrium fraction (order-of-magnitude assumption)." if state.contracts else
            "3-Hydroxy carbinolamide without a 4,5-imine or without a free N1-H: no neutral quinazoline can form; "
            "other acid products are possible; not quantified.",
            tuple(settings["facts"]), band_factor=float(settings["band"]) if state.contracts else None,
            degradants=contraction_products(mol, ring, state, source) if with_products else (),
            assumption=str(settings["assumption"]) if state.contracts else "",
        ))
        pathways.append(Pathway(
            "c3_racemization", True, "C3", (ring.c3,), index, None, False,
            "C3 racemizes by ring-chain tautomerism / enolization: fast near neutral pH (optically active oxazepam "
            "cannot be isolated) and base-catalysed above pH 7.5; loss of stereochemical purity, not of material; "
            "rate not available.", ("HF-023", "HF-024", "HF-110"),
            degradants=epimer_products(mol, ring, "C3 enantiomer/epimer", source) if with_products else (),
        ))
    elif ring.c3_epimerizable:
        pathways.append(Pathway(
            "c3_epimerization", True, "C3", (ring.c3,), index, None, False,
            "C3 stereocentre alpha to C2 and N4 can epimerize by enolization under basic conditions (by analogy "
            "with oxazepam; rate not available).", ("HF-023",),
            degradants=epimer_products(mol, ring, "C3 epimer", source) if with_products else (),
        ))
    if state.c3_carboxyl is not None:
        settings = model["decarboxylation"]
        pathways.append(Pathway(
            "decarboxylation", False, "C3-COOH", (ring.c3, state.c3_carboxyl[1]), index, kinetics.k_decarboxylation,
            False, "3-Carboxylic acid loses CO2 to the 3-H ring through the N4-protonated species (a prodrug's "
            "activation in gastric acid); slower as the pH rises.", tuple(settings["facts"]),
            band_factor=float(settings["band"]),
            degradants=decarboxylation_products(mol, ring, state, source) if with_products else (),
            assumption=str(settings["assumption"]),
        ))
    if state.n4_aminal is not None:
        settings = model["aminal_ring_opening"]
        pathways.append(Pathway(
            "aminal_ring_opening", True, "N4-C5", (ring.n4, ring.c5, state.n4_aminal[2]), index, None, False,
            "N,O-aminal N4: the oxazolidine/oxazine opens at C5 in acid (fast, reversible acid-base equilibrium), and "
            "the diazepine is then cleaved irreversibly at C5 (pH-independent in acid, hydroxide-catalysed in base); "
            "no rate constants available.", tuple(settings["facts"]),
            degradants=aminal_products(mol, ring, state, source) if with_products else (), assumption=str(settings["assumption"]),
        ))
    return pathways

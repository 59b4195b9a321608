"""Macro-species of a polyprotic molecule: microstates, stepwise (macro) pKa values, charge states, logD.

Every ionizable site has a micro pKa: the value it would have with every other
site in its uncharged form (the site-level predictions). A microstate is one
choice of protonated / deprotonated form per site; its weight is

    log10 K_s = sum of the micro pKa of its protonated sites - sum over pairs of charged sites of q_i q_j W_ij

where q is +1 for a protonated base, -1 for a deprotonated acid (and the charge
of a permanent cation or anion), and ``W_ij`` (pKa units) is the electrostatic
interaction of two charges ``d`` bonds apart (:func:`interaction_pka_units`,
fitted on measured stepwise pKa values of diamines: ``models/MODEL.md``). Like
charges push each other's pKa apart; opposite charges (zwitterions) pull them
together. The binding polynomial over all microstates gives the macro pKa values
(the ones a titration measures), the distribution of net charges at any pH, the
uncharged fraction and the logD.

>>> t = Titration.build([TitratableSite(0, "base", 10.0), TitratableSite(3, "base", 10.0)], [[0, 3], [3, 0]])
>>> [round(step.pka, 2) for step in t.macro_steps()]
[7.03, 10.3]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ..equilibria import protonated_fraction

#: pH grid of the logD curve.
LOGD_PH_GRID = tuple(float(x) for x in range(0, 15))
#: The pH range the tool works in (the free-base search, the conditions it accepts): the pH scale of water; a stepwise
#: pKa outside it orders sites but no aqueous titration shows it.
PH_SCALE = (-2.0, 16.0)
#: Electrostatic interaction of two charges ``d`` bonds apart, in pKa units: A * exp(-(d - 2) / L), d >= 2.
#: Fitted on measured stepwise pKa values of aliphatic diamines by reactivity.pka_training.fit_stepwise_interaction
#: (datasets/pka_stepwise.csv; models/MODEL.md, "Macro pKa").
INTERACTION_A = 4.2
INTERACTION_DECAY = 2.2
#: Extra interaction per additional shortest path (the two N-C-C-N paths of a piperazine).
INTERACTION_PATH_FACTOR = 0.5
#: Scale of the interaction when a charged acid site is involved (charge spread over the carboxylate /
#: sulfonate / tetrazolide atoms), per pair type; fitted like the diamines (models/MODEL.md).
INTERACTION_SCALE = {("base", "base"): 1.0, ("acid", "base"): 0.65, ("base", "acid"): 0.65, ("acid", "acid"): 0.65}
#: Further scale of the interaction of a carboxylic acid with an aromatic ring N cation (a pyridinium or imidazolium
#: site, or a permanent N-alkylpyridinium) when every bond between them is conjugated: the ring cation spreads its
#: charge onto the ring carbons, nearer the carboxylate than the N the bond count starts from. Read from the
#: microconstants of nicotinic and isonicotinic acid (reactivity.pka_training.zwitterion_microconstants: 1.43, 1.44)
#: and checked on datasets/pka_aromatic_zwitterions.csv (models/MODEL.md, "Aromatic zwitterions").
CONJUGATED_RING_FACTOR = 1.45
#: Interaction (pKa units) of the two N-H acids of one ring urea or thiourea unit (a barbiturate's or a
#: 2-thiobarbiturate's N1-H and N3-H, two bonds apart through the C=O or C=S they share), in place of the acid-acid
#: value at two bonds (0.65 * 4.2 = 2.73): the anion's charge sits on that shared unit. Five 2-thiobarbiturates of
#: the open DataWarrior set have their second step 4.76 +/- 0.13 above the first (records 4646/4648, 4873/4874,
#: 5706/5713, 5707/5714, 6107/6112), which is this interaction plus 2 log10(2) for two equal sites
#: (models/MODEL.md, "Macro pKa"); that the O barbiturates share it is an assumption.
RING_UREA_PAIR_INTERACTION = 4.16
#: Two charges further apart than this (bonds) do not interact.
INTERACTION_MAX_DISTANCE = 12
#: logP(neutral) - logP(ion) of an ionized species (ion-pair partitioning into octanol, 0.15 M KCl: the
#: "diff 3-4" rule of thumb, Avdeef 2012); used for every charged species and the zwitterions.
ION_LOGP_DROP = 3.5
#: At most this many sites are titrated together (2**12 microstates); further sites are titrated independently.
MAX_COUPLED_SITES = 12
#: Bisection levels of :meth:`Titration.base_free_ph` evaluated in its first numpy pass (2**3 - 1 pH values).
_BISECTION_LEVELS = 3


def interaction_pka_units(distance: float, paths: int = 1) -> float:
    """Electrostatic pKa shift between two unit charges ``distance`` bonds apart, joined by ``paths`` shortest
    paths (0 beyond the cut-off).

    >>> round(interaction_pka_units(3), 2), round(interaction_pka_units(3, paths=2), 2), round(interaction_pka_units(7), 2)
    (2.67, 4.0, 0.43)
    """
    if distance <= 0 or distance > INTERACTION_MAX_DISTANCE:
        return 0.0
    base = INTERACTION_A * math.exp(-(max(distance, 2.0) - 2.0) / INTERACTION_DECAY)
    return base * (1.0 + INTERACTION_PATH_FACTOR * (max(int(paths), 1) - 1))


def shortest_path_counts(distance: np.ndarray, neighbours: Sequence[Sequence[int]], sources: Sequence[int],
                         targets: Sequence[int]) -> np.ndarray:
    """Number of distinct shortest bond paths from each source atom to each target atom (1 for the same atom, a
    bonded pair or atoms in different fragments): :func:`site_path_counts` of each pair.

    >>> from rdkit import Chem
    >>> mol = Chem.MolFromSmiles("C1CNCCN1")
    >>> nbrs = [[n.GetIdx() for n in a.GetNeighbors()] for a in mol.GetAtoms()]
    >>> shortest_path_counts(Chem.GetDistanceMatrix(mol), nbrs, [2], [5]).tolist()
    [[2]]
    """
    out = np.ones((len(sources), len(targets)), dtype=np.int64)
    for i, source in enumerate(sources):
        for j, target in enumerate(targets):
            out[i, j] = site_path_counts(distance, neighbours.__getitem__, [source, target])[0, 1]
    return out


def site_path_counts(distance: np.ndarray, neighbours_of: Callable[[int], Sequence[int]],
                     atoms: Sequence[int]) -> np.ndarray:
    """Number of distinct shortest bond paths between every pair of ``atoms`` (1 for the same atom, a bonded pair or
    atoms in different fragments), walking only the atoms that lie on a shortest path between each pair;
    ``neighbours_of(atom)`` gives an atom's neighbours.

    >>> from rdkit import Chem
    >>> mol = Chem.MolFromSmiles("C1CNCCN1CCN")
    >>> nbrs = lambda i: [n.GetIdx() for n in mol.GetAtomWithIdx(i).GetNeighbors()]
    >>> site_path_counts(Chem.GetDistanceMatrix(mol), nbrs, [2, 5, 8]).tolist()
    [[1, 2, 2], [2, 1, 1], [2, 1, 1]]
    """
    n = len(atoms)
    out = np.ones((n, n), dtype=np.int64)
    for i in range(n):
        source = atoms[i]
        row = distance[source]
        bonds_from = row.tolist()  # Python floats: the same values, cheaper to index one by one
        for j in range(i + 1, n):
            target = atoms[j]
            bonds = bonds_from[target]
            if bonds <= 1 or bonds >= 1e6:  # bonded (one path), the same atom or another fragment: 1
                continue
            # atoms on a shortest source-target path; every shortest path to one of them runs through such atoms
            between = np.flatnonzero(row + distance[target] == bonds).tolist()
            between.sort(key=bonds_from.__getitem__)
            counts = {source: 1}
            for atom in between:
                if atom != source:
                    before = bonds_from[atom] - 1
                    counts[atom] = sum(counts.get(nb, 0) for nb in neighbours_of(atom) if bonds_from[nb] == before)
            out[i, j] = out[j, i] = max(counts.get(target, 1), 1)
    return out


@lru_cache(maxsize=256)
def _microstates(bases: tuple[bool, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Protonation (bool and float) and charge of every site in every microstate, for sites that are bases (True)
    or acids, in state order (bit i of the state number: site i protonated). Read-only: shared by titrations.

    >>> protonated, _, charges = _microstates((True, False))
    >>> protonated.tolist(), charges.tolist()
    ([[False, False], [True, False], [False, True], [True, True]], [[0, -1], [1, -1], [0, 0], [1, 0]])
    """
    n = len(bases)
    states = np.arange(2**n, dtype=np.int64)
    protonated = ((states[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)
    is_base = np.array(bases, dtype=bool)
    charges = np.where(is_base[None, :], protonated.astype(int), protonated.astype(int) - 1)
    as_float = protonated.astype(float)
    for array in (protonated, as_float, charges):
        array.setflags(write=False)
    return protonated, as_float, charges


@dataclass(frozen=True, slots=True)
class TitratableSite:
    """One ionizable site: atom index, ``kind`` ("base": pKa of its conjugate acid; "acid") and its micro pKa."""

    atom: int
    kind: str
    pka: float


@dataclass(frozen=True, slots=True)
class MacroStep:
    """One stepwise (macroscopic) dissociation: its pKa, whether it is mainly a base or an acid site losing the
    proton, and that site's atom (the site whose protonation changes most across the step)."""

    pka: float
    type: str
    atom: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ``{"pka", "type", "atom"}``."""
        return {"pka": self.pka, "type": self.type, "atom": self.atom}


def _logsumexp10(values: np.ndarray) -> float:
    top = float(values.max())
    return top + math.log10(float(np.power(10.0, values - top).sum()))


@dataclass(frozen=True)
class Titration:
    """All microstates of a set of coupled sites (plus fixed charges), with their log10 weights at pH 0."""

    sites: tuple[TitratableSite, ...]
    fixed_charge: int
    protonated: np.ndarray  # (states, sites) bool
    charges: np.ndarray  # (states, sites) int
    log_k: np.ndarray  # (states,)
    independent: tuple[TitratableSite, ...]  # sites beyond MAX_COUPLED_SITES, titrated alone
    #: canonical atom ranks of ``sites`` (asked for only when two sites tie), so that ties do not follow the drawing
    site_ranks: Callable[[], Sequence[int]] | None = None

    @classmethod
    def build(
        cls,
        sites: Sequence[TitratableSite],
        distances: Sequence[Sequence[float]] | np.ndarray,
        fixed: Sequence[tuple[int, int]] = (),
        fixed_distances: Sequence[Sequence[float]] | np.ndarray | None = None,
        paths: Sequence[Sequence[int]] | np.ndarray | None = None,
        ranks: Callable[[], Sequence[int]] | None = None,
        conjugated: np.ndarray | None = None,
        fixed_conjugated: np.ndarray | None = None,
        fixed_paths: np.ndarray | None = None,
        pair_interactions: np.ndarray | None = None,
    ) -> Titration:
        """Microstates of ``sites``; ``distances[i][j]``: bonds between sites i and j; ``fixed``: (index, charge)
        of permanent charges with ``fixed_distances[i][f]`` bonds from site i (order of ``fixed``); ``paths[i][j]``:
        number of shortest paths between sites i and j (1 when not given). ``ranks``: gives the sites' canonical atom
        ranks, asked for only to break a tie (the site order when not given): beyond ``MAX_COUPLED_SITES`` sites
        those with pKa nearest 7 are coupled, the lower rank first between sites equally near; and see
        :meth:`macro_steps`. ``conjugated[i][j]`` (``fixed_conjugated[i][f]``): the pair's interaction takes
        ``CONJUGATED_RING_FACTOR`` (a carboxylic acid and an aromatic ring N cation joined by conjugated bonds);
        ``fixed_paths[i][f]``: shortest paths between site i and permanent charge f (1 when not given).
        ``pair_interactions[i][j]``: when above 0, the interaction of sites i and j in pKa units, in place of the one
        computed from their distance (:data:`RING_UREA_PAIR_INTERACTION`)."""
        sites = list(sites)
        distance = np.asarray(distances, dtype=float).reshape(len(sites), len(sites)) if sites else np.zeros((0, 0))
        multiplicity = np.ones_like(distance) if paths is None else np.asarray(paths, dtype=float).reshape(distance.shape)
        independent: list[TitratableSite] = []
        kept_ranks = ranks
        if len(sites) > MAX_COUPLED_SITES:
            tie = range(len(sites)) if ranks is None else ranks()
            order = sorted(range(len(sites)), key=lambda i: (abs(sites[i].pka - 7.0), tie[i], i))
            keep = sorted(order[:MAX_COUPLED_SITES])
            kept_ranks = None if ranks is None else (lambda: [tie[i] for i in keep])
            independent = [sites[i] for i in sorted(order[MAX_COUPLED_SITES:])]
            distance = distance[np.ix_(keep, keep)]
            multiplicity = multiplicity[np.ix_(keep, keep)]
            if conjugated is not None:
                conjugated = np.asarray(conjugated)[np.ix_(keep, keep)]
            if fixed_distances is not None:
                fixed_distances = np.asarray(fixed_distances, dtype=float)[keep]
            if fixed_conjugated is not None:
                fixed_conjugated = np.asarray(fixed_conjugated)[keep]
            if fixed_paths is not None:
                fixed_paths = np.asarray(fixed_paths)[keep]
            if pair_interactions is not None:
                pair_interactions = np.asarray(pair_interactions)[np.ix_(keep, keep)]
            sites = [sites[i] for i in keep]
        n = len(sites)
        protonated, protonated_float, charges = _microstates(tuple(s.kind == "base" for s in sites))
        pkas = np.array([s.pka for s in sites], dtype=float)
        w = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                if pair_interactions is not None and pair_interactions[i][j] > 0:  # a measured pair value
                    w[i, j] = w[j, i] = float(pair_interactions[i][j])
                    continue
                scale = INTERACTION_SCALE[(sites[i].kind, sites[j].kind)]
                if conjugated is not None and conjugated[i][j]:
                    scale *= CONJUGATED_RING_FACTOR
                w[i, j] = w[j, i] = scale * interaction_pka_units(distance[i, j], int(multiplicity[i, j]))
        log_k = protonated_float @ pkas - 0.5 * np.einsum("si,ij,sj->s", charges, w, charges)
        fixed_total = sum(charge for _, charge in fixed)
        if fixed and n:
            fd = np.asarray(fixed_distances, dtype=float).reshape(n, len(fixed))
            fc = (np.zeros(fd.shape, dtype=bool) if fixed_conjugated is None
                  else np.asarray(fixed_conjugated, dtype=bool).reshape(fd.shape))
            fp = np.ones(fd.shape) if fixed_paths is None else np.asarray(fixed_paths, dtype=float).reshape(fd.shape)
            wf = np.array([[INTERACTION_SCALE[(s.kind, "base")] * interaction_pka_units(d, int(m))
                            * (CONJUGATED_RING_FACTOR if flag else 1.0) for d, m, flag in zip(row, counts, flags)]
                           for s, row, counts, flags in zip(sites, fd, fp, fc)])
            wf = wf * np.array([c for _, c in fixed])[None, :]
            log_k = log_k - charges @ wf.sum(axis=1)
        return cls(tuple(sites), int(fixed_total), protonated, charges, log_k, tuple(independent), kept_ranks)

    def _log_weights(self, ph: float) -> np.ndarray:
        log_w = self.log_k - self.protonated.sum(axis=1) * ph
        return log_w - _logsumexp10(log_w)

    def state_fractions(self, ph: float) -> np.ndarray:
        """Fraction of each coupled microstate at ``ph``."""
        return np.power(10.0, self._log_weights(ph))

    def site_protonation(self, ph: float) -> dict[int, float]:
        """Fraction of each site (atom -> fraction) in its protonated form at ``ph``.

        >>> t = Titration.build([TitratableSite(5, "acid", 4.0)], [[0]])
        >>> round(t.site_protonation(4.0)[5], 3)
        0.5
        """
        fractions = self.state_fractions(ph)
        out = {site.atom: float(fractions @ self.protonated[:, i]) for i, site in enumerate(self.sites)}
        for site in self.independent:
            out[site.atom] = 1.0 / (1.0 + 10.0 ** (ph - site.pka))
        return out

    def _independent_uncharged(self, ph: float) -> float:
        fraction = 1.0
        for site in self.independent:
            protonated = 1.0 / (1.0 + 10.0 ** (ph - site.pka))
            fraction *= (1.0 - protonated) if site.kind == "base" else protonated
        return fraction

    def uncharged_fraction(self, ph: float) -> float:
        """Fraction of molecules with no charged group at all (the species that partitions as a neutral).

        >>> t = Titration.build([TitratableSite(0, "base", 9.0), TitratableSite(4, "acid", 3.0)], [[0, 4], [4, 0]])
        >>> t.uncharged_fraction(6.0) < 0.01
        True
        """
        if self.fixed_charge:
            return 0.0
        fractions = self.state_fractions(ph)
        neutral = ~(self.charges != 0).any(axis=1)
        return float(fractions[neutral].sum()) * self._independent_uncharged(ph)

    def base_free_fraction(self, ph: float) -> float:
        """Fraction of molecules with no protonated base (the free base of a work-up)."""
        fractions = self.state_fractions(ph)
        base_cols = np.array([s.kind == "base" for s in self.sites], dtype=bool)
        free = ~(self.protonated[:, base_cols]).any(axis=1) if base_cols.any() else np.ones(len(fractions), bool)
        fraction = float(fractions[free].sum())
        for site in self.independent:
            if site.kind == "base":
                fraction *= 1.0 - 1.0 / (1.0 + 10.0 ** (ph - site.pka))
        return fraction

    def net_charge_fractions(self, ph: float) -> dict[int, float]:
        """Fraction of molecules per net charge at ``ph`` (coupled sites; independent sites folded in)."""
        fractions = self.state_fractions(ph)
        net = self.charges.sum(axis=1) + self.fixed_charge
        out: dict[int, float] = {}
        for charge, fraction in zip(net.tolist(), fractions.tolist()):
            out[charge] = out.get(charge, 0.0) + fraction
        for site in self.independent:
            protonated = 1.0 / (1.0 + 10.0 ** (ph - site.pka))
            charged = protonated if site.kind == "base" else 1.0 - protonated
            step = 1 if site.kind == "base" else -1
            shifted: dict[int, float] = {}
            for charge, fraction in out.items():
                shifted[charge + step] = shifted.get(charge + step, 0.0) + fraction * charged
                shifted[charge] = shifted.get(charge, 0.0) + fraction * (1.0 - charged)
            out = shifted
        return {charge: out[charge] for charge in sorted(out)}

    def mean_charge(self, ph: float) -> float:
        """Average net charge at ``ph``."""
        return sum(charge * fraction for charge, fraction in self.net_charge_fractions(ph).items())

    def logd(self, logp: float, ph: float) -> float:
        """logD: every species partitions with logP(neutral) - ION_LOGP_DROP if it carries any charge
        (ions and zwitterions alike), logP if it has none.

        >>> t = Titration.build([TitratableSite(0, "base", 8.0)], [[0]])
        >>> round(t.logd(1.0, 8.0), 3), round(t.logd(1.0, 1.0), 2)
        (0.699, -2.5)
        """
        return logd_from_uncharged(logp, self.uncharged_fraction(ph))

    def macro_steps(self) -> tuple[MacroStep, ...]:
        """Stepwise (macro) pKa values, lowest first (the order a titration with base meets them); each step is
        labelled with the site whose protonation changes most across it. Between sites that change equally (two
        equal phenols share both steps), one not named by an earlier step first, then the lowest canonical rank. Below:
        two equal acids nine bonds apart, 10.0 - log 2 and 10.0 + log 2 + 0.13 (the dianion's repulsion).

        >>> pair = Titration.build([TitratableSite(3, "acid", 10.0), TitratableSite(9, "acid", 10.0)], [[0, 9], [9, 0]])
        >>> [(step.pka, step.atom) for step in pair.macro_steps()]
        [(9.7, 9), (10.41, 3)]

        The two N-H of a 2-thiobarbiturate (7.4 each, two bonds apart), with the interaction read from measured pairs
        in place of the one computed from the distance: 7.4 - log 2 and 7.4 + 4.16 + log 2.

        >>> w = RING_UREA_PAIR_INTERACTION
        >>> urea = Titration.build([TitratableSite(1, "acid", 7.4), TitratableSite(3, "acid", 7.4)], [[0, 2], [2, 0]],
        ...                        pair_interactions=np.array([[0.0, w], [w, 0.0]]))
        >>> [step.pka for step in urea.macro_steps()]
        [7.1, 11.86]
        """
        n_protons = self.protonated.sum(axis=1)
        steps: list[MacroStep] = []
        levels = sorted(set(n_protons.tolist()))
        log_beta: dict[int, float] = {}
        occupancy: dict[int, np.ndarray] = {}
        for level in levels:
            mask = n_protons == level
            log_beta[level] = _logsumexp10(self.log_k[mask])
            weights = np.power(10.0, self.log_k[mask] - log_beta[level])
            occupancy[level] = weights @ self.protonated[mask].astype(float)
        named: set[int] = set()
        for level in levels[1:]:
            pka = log_beta[level] - log_beta[level - 1]
            change = occupancy[level] - occupancy[level - 1]
            tied = [int(k) for k in np.flatnonzero(change >= change.max() - 1e-9)]
            if len(tied) > 1:
                tied = [k for k in tied if self.sites[k].atom not in named] or tied
                ranks = self.site_ranks() if self.site_ranks is not None else range(len(self.sites))
                tied.sort(key=lambda k: (ranks[k], k))
            site = self.sites[tied[0]]
            named.add(site.atom)
            steps.append(MacroStep(round(float(pka), 2) + 0.0, site.kind, site.atom))
        steps.extend(MacroStep(round(site.pka, 2), site.kind, site.atom) for site in self.independent)
        return tuple(sorted(steps, key=lambda step: (step.pka, step.atom)))

    def base_free_ph(self, target: float = 0.99) -> float | None:
        """Lowest pH (to 0.01, within -2..16) at which at least ``target`` of the molecules carry no protonated
        base; None without a base or when never reached."""
        if not any(s.kind == "base" for s in (*self.sites, *self.independent)):
            return None
        if len(self.sites) == 1 and not self.independent and not self.fixed_charge:
            # one base alone: closed form pKa + log10(target / (1 - target)), i.e. pKa + 2.0 for 99 %
            return math.ceil((self.sites[0].pka + math.log10(target / (1.0 - target))) * 100.0 - 1e-6) / 100.0
        # The bisection below (24 steps: 18 / 2**24 is far below the 0.01 reported) takes the same steps, on the same
        # pH values, as one base_free_fraction call per step would; it only evaluates several pH values per numpy
        # pass. First pass: every pH the first levels could test. Next passes: the path the steps would take if the
        # crossing were where the log-odds of the fractions at the interval's ends put it, checked step by step.
        low, high = PH_SCALE
        at_low: float | None = None  # fractions at low and high, when evaluated
        mids = self._bisection_tree(low, high, _BISECTION_LEVELS)
        fractions = self._base_free_fractions([high, *mids])
        if fractions[0] < target:
            return None
        at_high = fractions[0]
        node, steps = 0, 24
        while node < len(mids):  # the first levels' steps: every midpoint they test was evaluated
            if fractions[node + 1] >= target:
                high, at_high, node = mids[node], fractions[node + 1], 2 * node + 1
            else:
                low, at_low, node = mids[node], fractions[node + 1], 2 * node + 2
            steps -= 1
        while steps:
            crossing = _log_odds_crossing(low, at_low, high, at_high, target)
            path: list[float] = []
            lo, hi = low, high
            for _ in range(steps):
                mid = 0.5 * (lo + hi)
                path.append(mid)
                if mid >= crossing:
                    hi = mid
                else:
                    lo = mid
            for mid, fraction in zip(path, self._base_free_fractions(path)):
                steps -= 1
                if fraction >= target:
                    high, at_high = mid, fraction
                else:
                    low, at_low = mid, fraction
                if (fraction >= target) != (mid >= crossing):
                    break  # the path guessed turns the other way here: guess again from this interval
        return math.ceil(high * 100.0 - 1e-6) / 100.0

    @staticmethod
    def _bisection_tree(low: float, high: float, depth: int) -> list[float]:
        """Every midpoint the first ``depth`` bisection levels of (low, high) could test, level by level (node k's
        children are 2k + 1, taken when its midpoint becomes the new high, and 2k + 2).

        >>> Titration._bisection_tree(0.0, 8.0, 2)
        [4.0, 2.0, 6.0]
        """
        tree = [(low, high)]
        mids: list[float] = []
        for node in range((1 << depth) - 1):
            lo, hi = tree[node]
            mid = 0.5 * (lo + hi)
            mids.append(mid)
            tree.extend(((lo, mid), (mid, hi)))
        return mids

    @cached_property
    def _free_base_layout(self) -> tuple[np.ndarray, np.ndarray | None, tuple[TitratableSite, ...]]:
        """Protons per microstate, the microstates with no protonated base (None: all) and the independent bases."""
        base_cols = np.array([s.kind == "base" for s in self.sites], dtype=bool)
        free = ~(self.protonated[:, base_cols]).any(axis=1) if base_cols.any() else None
        return self.protonated.sum(axis=1), free, tuple(s for s in self.independent if s.kind == "base")

    def _base_free_fractions(self, phs: Sequence[float]) -> list[float]:
        """:meth:`base_free_fraction` at several pH values in one pass (the same arithmetic, value for value)."""
        protons, free, bases = self._free_base_layout
        ph = np.array(phs, dtype=float)
        log_w = self.log_k[None, :] - protons[None, :] * ph[:, None]
        top = log_w.max(axis=1)
        sums = np.power(10.0, log_w - top[:, None]).sum(axis=1)
        total = np.array([t + math.log10(x) for t, x in zip(top.tolist(), sums.tolist())])
        fractions = np.power(10.0, log_w - total[:, None])
        # row sums of a C-ordered array, as the one-pH sums (a column selection comes out Fortran-ordered, and numpy
        # would then add the values in another order)
        chosen = fractions if free is None else np.ascontiguousarray(fractions[:, free])
        out = chosen.sum(axis=1).tolist()
        if bases:
            for i, value in enumerate(phs):
                fraction = out[i]
                for site in bases:
                    fraction *= 1.0 - 1.0 / (1.0 + 10.0 ** (value - site.pka))
                out[i] = fraction
        return out


def _log_odds_crossing(low: float, at_low: float | None, high: float, at_high: float, target: float) -> float:
    """Where the free-base fraction reaches ``target`` between two evaluated pH values, interpolating its log-odds
    (linear in pH for one base); the interval's middle when that cannot be done. Only a guess: the bisection
    checks every step it takes on it.

    >>> round(_log_odds_crossing(8.0, 0.5, 12.0, 1.0 - 1e-4, 0.99), 2)
    10.0
    """
    def log_odds(fraction: float) -> float | None:
        return math.log10(fraction) - math.log10(1.0 - fraction) if 0.0 < fraction < 1.0 else None

    ends = None if at_low is None else (log_odds(at_low), log_odds(at_high))
    aim = log_odds(target)
    if ends is None or ends[0] is None or ends[1] is None or aim is None or ends[0] == ends[1]:
        return 0.5 * (low + high)
    return low + (aim - ends[0]) * (high - low) / (ends[1] - ends[0])


def temperature_shift(kind: str, site_class: str, pka_25: float, temperature_c: float,
                      coefficients: dict[str, float] | None = None) -> float:
    """pKa at ``temperature_c`` from the 25 C value, by class (see :data:`TEMPERATURE_RULES`).

    Nitrogen bases follow Perrin's relation -dpKa/dT = (pKa - 0.9) / T (T in K); acids use a class slope.

    >>> round(temperature_shift("base", "aliphatic_amine", 10.0, 37.0) - 10.0, 3)
    -0.366
    >>> temperature_shift("acid", "carboxylic_acid", 4.76, 37.0)
    4.76
    """
    delta = float(temperature_c) - 25.0
    if delta == 0.0:
        return pka_25
    if kind == "base":
        slope = -(pka_25 - PERRIN_OFFSET) / 298.15
        slope = min(slope, 0.0)
    else:
        table = ACID_TEMPERATURE_SLOPES if coefficients is None else coefficients
        slope = table.get(site_class, table["*"])
    return pka_25 + slope * delta


#: Perrin's relation for nitrogen bases: -dpKa/dT = (pKa - 0.9)/T (Perrin, Aust. J. Chem. 1964, 17, 484).
PERRIN_OFFSET = 0.9
#: dpKa/dT (per K) of acid classes: carboxylic acids ~0 (acetic acid ionization enthalpy about -0.4 kJ/mol,
#: Goldberg et al. 2002); phenols and N-H / O-H acids about -0.012 (ionization enthalpy about 20-25 kJ/mol).
ACID_TEMPERATURE_SLOPES = {
    "carboxylic_acid": 0.0,
    "sulfonic_acid": 0.0,
    "phosphonic_acid": 0.0,
    "*": -0.012,
}
TEMPERATURE_RULES = (
    "nitrogen bases: -dpKa/dT = (pKa - 0.9) / T (Perrin 1964)",
    "carboxylic, sulfonic, phosphonic acids: dpKa/dT ~ 0",
    "phenols, N-H and other O-H acids: dpKa/dT = -0.012 per K",
)


# ----------------------------------------------------------------------------- independent-site helpers


def logd_from_uncharged(logp: float, uncharged: float) -> float:
    """logD from the logP of the uncharged form and its fraction: every charged species (ions and zwitterions alike)
    partitions ``ION_LOGP_DROP`` log units below it.

    >>> round(logd_from_uncharged(1.0, 0.5), 3), round(logd_from_uncharged(1.0, 0.0), 2)
    (0.699, -2.5)
    """
    return logp + math.log10(uncharged + (1.0 - uncharged) * 10.0 ** (-ION_LOGP_DROP))


def neutral_fraction(pkas: Iterable[float], ph: float) -> float:
    """Fraction of the molecule with no protonated site, treating the sites as independent.

    >>> round(neutral_fraction([8.0], 10.0), 4)
    0.9901
    >>> neutral_fraction([], 1.0)
    1.0
    """
    fraction = 1.0
    for pka in pkas:
        fraction *= 1.0 - protonated_fraction(pka, ph)
    return fraction


def free_base_ph(pkas: Sequence[float], target: float = 0.99) -> float | None:
    """Lowest pH (to 0.01) at which the neutral fraction reaches ``target``; None without sites.

    For one site this is pKa + log10(target / (1 - target)), i.e. pKa + 2.0 for 99 %.

    >>> free_base_ph([8.0])
    10.0
    """
    if not pkas:
        return None
    if len(pkas) == 1:  # closed form: pKa + log10(target / (1 - target))
        return math.ceil((pkas[0] + math.log10(target / (1.0 - target))) * 100.0 - 1e-6) / 100.0
    low, high = min(pkas) - 5.0, max(pkas) + 10.0
    for _ in range(60):
        mid = 0.5 * (low + high)
        if neutral_fraction(pkas, mid) >= target:
            high = mid
        else:
            low = mid
    return math.ceil(high * 100.0 - 1e-6) / 100.0


def logd_curve(logp: float, pkas: Sequence[float], grid: Sequence[float] = LOGD_PH_GRID) -> tuple[tuple[float, float], ...]:
    """Estimated logD at each pH of a base with independent sites of pKaH ``pkas``, by the model of the basicity
    results (:func:`logd_from_uncharged`: charged species ``ION_LOGP_DROP`` log units below the neutral form).

    >>> logd_curve(1.0, [8.0], grid=(8.0, 0.0))
    ((8.0, 0.699), (0.0, -2.5))
    """
    return tuple((float(ph), round(logd_from_uncharged(logp, neutral_fraction(pkas, ph)), 3) + 0.0) for ph in grid)


"""Rate laws of the lactam C2-N1 bond: k_obs(pH, T) = acid + water + hydroxide terms with the modifiers.

>>> law = baseline_rate_law(37.0)
>>> f"{law.k0_per_s:.3g} {law.kh_per_m_s:.3g} {law.koh_per_m_s:.3g}"
'9.05e-11 1.6e-06 1.11e-06'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rdkit import Chem

from ..equilibria import protonated_fraction
from ..errors import RuleDataError
from ..molecule import quiet_rdkit
from ..rules import compile_smarts, read_packaged_toml
from ._base import _arrhenius_factor, _cached_grid, _model, _modifiers, pkw_at

# ------------------------------------------------------------------------------------------------------ rate laws
@dataclass(frozen=True, slots=True)
class RateLaw:
    """Pseudo-first-order rate law of one amide bond at one temperature.

    ``kh_per_m_s``, ``k0_per_s``, ``koh_per_m_s`` already include the pH-independent modifiers and the temperature;
    a basic N4 adds a pH-dependent factor through ``n4_pka`` (protonated fraction ``f``): kH x (1 + (kh_n4 - 1) f),
    kOH x (1 + (koh_n4 - 1) f). An acidic anilide N1-H (``n1_pka``) multiplies the hydroxide term by its neutral
    fraction 1 / (1 + 10^(pH - pKa)): the N1 anion does not take up hydroxide, so the term levels off above the pKa.
    ``band_factor``: the estimate is uncertain within k / band ... k x band.
    """

    temperature_c: float
    kh_per_m_s: float
    k0_per_s: float
    koh_per_m_s: float
    pkw: float
    amide_o_pkah: float
    band_factor: float
    modifiers: tuple[str, ...]
    n4_pka: float | None = None
    n4_kh_factor: float = 1.0
    n4_koh_factor: float = 1.0
    n4_permanent_cation: bool = False
    n1_pka: float | None = None

    def _n4_fraction(self, log_ah: np.ndarray) -> np.ndarray:
        if self.n4_permanent_cation:
            return np.ones_like(log_ah)
        if self.n4_pka is None:
            return np.zeros_like(log_ah)
        return protonated_fraction(self.n4_pka, -log_ah)

    def terms_at_log_ah(self, log_ah: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Acid, water and hydroxide contributions (s-1) at log10 a(H+) (``-pH``; may exceed 0 in strong acid)."""
        log_ah = np.asarray(log_ah, dtype=float)
        a_h = 10.0 ** log_ah
        a_oh = 10.0 ** (-self.pkw - log_ah)
        f = self._n4_fraction(log_ah)
        saturation = 1.0 / (1.0 + a_h * 10.0 ** self.amide_o_pkah)
        acid = self.kh_per_m_s * (1.0 + (self.n4_kh_factor - 1.0) * f) * a_h * saturation
        water = np.full_like(log_ah, self.k0_per_s)
        base = self.koh_per_m_s * (1.0 + (self.n4_koh_factor - 1.0) * f) * a_oh
        if self.n1_pka is not None:
            base = base / (1.0 + 10.0 ** (-log_ah - self.n1_pka))
        return acid, water, base

    def _scalar_terms(self, log_ah: float) -> tuple[float, float, float]:
        """:meth:`terms_at_log_ah` for one value, without numpy overhead (the batch path)."""
        a_h = 10.0 ** log_ah
        a_oh = 10.0 ** (-self.pkw - log_ah)
        if self.n4_permanent_cation:
            f = 1.0
        elif self.n4_pka is None:
            f = 0.0
        else:
            f = protonated_fraction(self.n4_pka, -log_ah)
        acid = self.kh_per_m_s * (1.0 + (self.n4_kh_factor - 1.0) * f) * a_h / (1.0 + a_h * 10.0 ** self.amide_o_pkah)
        base = self.koh_per_m_s * (1.0 + (self.n4_koh_factor - 1.0) * f) * a_oh
        if self.n1_pka is not None:
            base = base / (1.0 + 10.0 ** (-log_ah - self.n1_pka))
        return acid, self.k0_per_s, base

    def k_obs(self, ph: float) -> float:
        """k_obs (s-1) at a pH.

        >>> law = baseline_rate_law(37.0)
        >>> f"{law.k_obs(7.0):.3g}"
        '9.09e-11'
        """
        acid, water, base = self._scalar_terms(-ph)
        return acid + water + base

    def k_obs_profile(self, ph: np.ndarray) -> np.ndarray:
        """k_obs (s-1) over an array of pH values."""
        acid, water, base = self.terms_at_log_ah(-np.asarray(ph, dtype=float))
        return acid + water + base

    def ph_of_maximum_stability(self) -> float:
        """The pH of the smallest k_obs on a 0.01 grid over 0-14."""
        return _ph_of_maximum_stability(self)

    def dominant_term(self, ph: float) -> str:
        """Which term dominates at a pH: ``acid``, ``water`` or ``hydroxide``."""
        terms = self._scalar_terms(-ph)
        return ("acid", "water", "hydroxide")[terms.index(max(terms))]


@lru_cache(maxsize=4096)
def _ph_of_maximum_stability(law: RateLaw) -> float:
    grid = _cached_grid(0.0, 14.0, 0.01)
    return float(round(grid[int(np.argmin(law.k_obs_profile(grid)))], 2))


def _combined_band(bands: Iterable[float]) -> float:
    """Combine independent multiplicative bands: 10 ** sqrt(sum(log10(b)^2)).

    >>> round(_combined_band([10.0, 10.0]), 2)
    25.95
    """
    return float(10.0 ** math.sqrt(sum(math.log10(b) ** 2 for b in bands if b > 1.0)))


def _temperature_band(temperature_c: float) -> float:
    ea = _model()["activation_energy"]
    reference_c = _model()["baseline"]["reference_temperature_c"]
    return _arrhenius_factor(-ea["ea_uncertainty_kj_mol"], temperature_c, reference_c) if temperature_c > reference_c \
        else _arrhenius_factor(ea["ea_uncertainty_kj_mol"], temperature_c, reference_c)


def build_rate_law(features: Sequence[str], temperature_c: float, n4_pka: float | None = None,
                   n4_permanent_cation: bool = False, extra_band: float = 1.0) -> RateLaw:
    """A rate law from the baseline and the modifiers switched on by ``features`` (``applies`` values of the model file).

    ``n4_basic`` among the features turns on the N4-protonation modifier, scaled by the protonated fraction from
    ``n4_pka`` (or permanently on for a quaternary N4).

    >>> imide = build_rate_law(["ring_size_7", "imide"], 25.0)
    >>> alkyl = build_rate_law(["ring_size_7", "n1_alkyl"], 25.0)
    >>> imide.koh_per_m_s / alkyl.koh_per_m_s
    45000.0

    ``n1_anilide_nh`` among the features turns on the N1-H ionization of the hydroxide term (pKa of the model file).

    >>> nh = build_rate_law(["ring_size_7", "anilide", "n1_anilide_nh"], 25.0)
    >>> round(nh.k_obs(14.0) / nh.k_obs(12.5), 2) < 10
    True
    """
    return _build_rate_law(tuple(features), float(temperature_c), n4_pka, n4_permanent_cation, float(extra_band))


@lru_cache(maxsize=4096)
def _build_rate_law(features: tuple[str, ...], temperature_c: float, n4_pka: float | None,
                    n4_permanent_cation: bool, extra_band: float) -> RateLaw:
    model = _model()
    base = model["baseline"]
    ea = model["activation_energy"]
    modifiers = _modifiers()
    reference_c = base["reference_temperature_c"]
    kh = base["kh_per_m_s"] * _arrhenius_factor(ea["ea_kh_kj_mol"], temperature_c, reference_c)
    k0 = base["k0_per_s"] * _arrhenius_factor(ea["ea_k0_kj_mol"], temperature_c, reference_c)
    koh = base["koh_per_m_s"] * _arrhenius_factor(ea["ea_koh_kj_mol"], temperature_c, reference_c)
    bands = [base["band"], _temperature_band(temperature_c), extra_band]
    used: list[str] = []
    n4_kh = n4_koh = 1.0
    n1_pka: float | None = None
    for feature in features:
        if feature == "n1_anilide_nh":
            n1_pka = float(model["n1_ionization"]["pka"])
            continue
        modifier = modifiers.get(feature)
        if modifier is None:
            raise RuleDataError(f"no stability modifier applies to feature {feature!r}")
        used.append(str(modifier["id"]))
        bands.append(float(modifier["band"]))
        if modifier.get("scaled_by") == "n4_protonated_fraction":
            n4_kh, n4_koh = float(modifier["kh"]), float(modifier["koh"])
            continue
        kh *= modifier["kh"]
        k0 *= modifier["k0"]
        koh *= modifier["koh"]
    basic = "n4_basic" in features
    return RateLaw(
        temperature_c=float(temperature_c), kh_per_m_s=kh, k0_per_s=k0, koh_per_m_s=koh, pkw=pkw_at(temperature_c),
        amide_o_pkah=float(model["acid_saturation"]["amide_o_pkah"]), band_factor=_combined_band(bands),
        modifiers=tuple(used), n4_pka=n4_pka if basic else None, n4_kh_factor=n4_kh if basic else 1.0,
        n4_koh_factor=n4_koh if basic else 1.0, n4_permanent_cation=basic and n4_permanent_cation, n1_pka=n1_pka,
    )


def baseline_rate_law(temperature_c: float = 37.0) -> RateLaw:
    """The unmodified acyclic secondary amide (peptide bond) at a temperature.

    >>> round(math.log(2) / baseline_rate_law(25.0).k_obs(7.0) / 3.15576e7)
    571
    """
    return build_rate_law((), temperature_c)


@dataclass(frozen=True, slots=True)
class AmideRateLaw:
    """The rate law of one C(=O)-N bond found by the amide rules (for molecules scored outside the ring model)."""

    carbonyl_atom: int
    nitrogen_atom: int
    features: tuple[str, ...]
    rate_law: RateLaw


@lru_cache(maxsize=1)
def _amide_rules() -> dict[str, Chem.Mol]:
    data = read_packaged_toml("stability_rules.toml")
    rules: dict[str, Chem.Mol] = {}
    for rule in data.get("rule", []):
        rules[str(rule["labels"])] = compile_smarts(str(rule["smarts"]), f"stability_rules.toml {rule['id']}")
    if "amide" not in rules:
        raise RuleDataError("stability_rules.toml: the 'amide' rule is missing")
    return rules


def amide_rate_laws(mol: Chem.Mol, temperature_c: float = 37.0) -> tuple[AmideRateLaw, ...]:
    """Rate laws of every carboxamide bond in a molecule (acyclic or any lactam), fastest at pH 7 first.

    Used for the amide anchor and for reference compounds that are not 1,4-diazepan-2-ones; ring size 4/5/6 and
    7+ modifiers apply to lactams. Imides are reported once per C(=O)-N bond.

    >>> from reactivity.molecule import mol_from_smiles
    >>> law = amide_rate_laws(mol_from_smiles("CNC(C)=O"), 37.0)[0]
    >>> law.features, f"{law.rate_law.kh_per_m_s:.3g}"
    ((), '1.6e-06')
    """
    rules = _amide_rules()
    labelled: dict[tuple[int, int], set[str]] = {}
    with quiet_rdkit():
        for match in mol.GetSubstructMatches(rules["amide"], uniquify=False):
            labelled.setdefault((match[0], match[2]), set())
        for label, pattern in rules.items():
            if label == "amide":
                continue
            for match in mol.GetSubstructMatches(pattern, uniquify=False):
                key = (match[0], match[2])
                if key in labelled:
                    labelled[key].add(label)
    ring_info = mol.GetRingInfo()
    out: list[AmideRateLaw] = []
    for (c_atom, n_atom), labels in labelled.items():
        features: list[str] = []
        bond = mol.GetBondBetweenAtoms(c_atom, n_atom)
        if bond is not None and bond.IsInRing():
            size = min(len(r) for r in ring_info.BondRings() if bond.GetIdx() in r)
            features.append(f"ring_size_{min(max(size, 4), 7)}")
        if "imide" in labels:
            features.append("imide")
        elif "n_sulfonyl" in labels:
            features.append("n_sulfonyl")
        else:
            if "anilide" in labels:
                features.append("anilide")
            if "n_alkyl" in labels:
                features.append("n1_alkyl")
        law = build_rate_law(features, temperature_c)
        out.append(AmideRateLaw(c_atom, n_atom, tuple(features), law))
    out.sort(key=lambda item: (-item.rate_law.k_obs(7.0), item.carbonyl_atom))
    return tuple(out)



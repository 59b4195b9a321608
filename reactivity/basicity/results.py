"""Result dataclasses of the basicity model (sites, macro pKa values, the molecule-level result)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..atomtext import LIBRARY_NUMBERING
from .titration import MacroStep

_NO_DEFAULT = object()


class Deferred:
    """A field value computed on first read (a batch annotation never reads some fields, e.g. the nearest
    training sites, the parent SMILES or the macro pKa values, and skips their cost).

    >>> site = BasicSite(0, "aliphatic_amine", 9.0, (8.0, 10.0), 0.98, 0.9, "n4", Deferred(lambda: ()))
    >>> site.nearest_training
    ()
    """

    __slots__ = ("compute",)

    def __init__(self, compute: Any) -> None:
        self.compute = compute


class _LazyField:
    """A dataclass field that stores its value, or a :class:`Deferred` computed (once) when first read."""

    def __init__(self, default: Any = _NO_DEFAULT) -> None:
        self._default = default
        self._key = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._key = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:  # the class-level read dataclasses use to find the default
            if self._default is _NO_DEFAULT:
                raise AttributeError(self._key[1:])
            return self._default
        value = obj.__dict__[self._key]
        if type(value) is Deferred:
            value = value.compute()
            obj.__dict__[self._key] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self._key] = value


def _resolved_state(obj: Any) -> dict[str, Any]:
    """Instance state with every deferred value computed (for pickling: the closures do not pickle)."""
    state = dict(obj.__dict__)
    for key, value in state.items():
        if type(value) is Deferred:
            state[key] = value.compute()
    return state


@dataclass(frozen=True, slots=True)
class TrainingAnalogue:
    """A training site close to a predicted one: its name, SMILES, measured pKa and similarity."""

    name: str
    smiles: str
    pka: float
    similarity: float


@dataclass(frozen=True)
class BasicSite:
    """One ionizable site with its predicted pKa (a base's conjugate-acid pKa, or an acid's pKa).

    ``atom`` is the 0-based index in the caller's molecule; ``pka`` and ``band``
    (low, high) are at the requested temperature, ``pka_25c`` at 25 C;
    ``protonated_fraction`` the fraction of this site in its protonated form at
    the requested pH, from the coupled titration of all sites (equal to
    Henderson-Hasselbalch for a single site); ``applicability`` the min/max
    similarity (0..1) of the site's feature vector to that of the nearest
    training site (model sites; 0.0 for class-rule sites); ``role`` is ``n4``,
    ``competing`` (another base) or ``acid``; ``kind`` ``base`` or ``acid``;
    ``source`` ``model`` (site-level regressor) or ``class_rule`` (``rule``: its
    id in ``class_sites.toml``, ``adjustments``: the corrections applied); a
    model site with ``adjustments`` was predicted through a substituent
    increment (``substituent_increments.toml``: the alkyl analog's value plus
    the measured group difference; ``applicability`` and ``nearest_training``
    are then the analog's).
    """

    atom: int
    site_class: str
    pka: float
    band: tuple[float, float]
    protonated_fraction: float
    applicability: float
    role: str
    nearest_training: tuple[TrainingAnalogue, ...] = _LazyField()  # type: ignore[assignment]
    kind: str = "base"
    pka_25c: float | None = None
    source: str = "model"
    rule: str = ""
    adjustments: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of the site."""
        return {
            "atom": self.atom,
            "role": self.role,
            "kind": self.kind,
            "site_class": self.site_class,
            "pka": self.pka,
            "pka_25c": self.pka_25c if self.pka_25c is not None else self.pka,
            "band": list(self.band),
            "protonated_fraction": self.protonated_fraction,
            "source": self.source,
            "rule": self.rule or None,
            "adjustments": list(self.adjustments),
            "applicability": self.applicability,
            "nearest_training": [
                {"name": n.name, "smiles": n.smiles, "pka": n.pka, "similarity": n.similarity}
                for n in self.nearest_training
            ],
        }

    def __getstate__(self) -> dict[str, Any]:
        return _resolved_state(self)


@dataclass(frozen=True, slots=True)
class PermanentCharge:
    """A permanently charged atom (quaternary ammonium, N-alkyl azinium): charged at every pH."""

    atom: int
    charge: int
    site_class: str


@dataclass(frozen=True, slots=True)
class UncoveredGroup:
    """An ionizable group (``kind`` base or acid) that no class rule and no site model predicts: named, no value.

    ``atoms`` are the site atoms of the input molecule; ``labels`` says what the group is.
    """

    kind: str
    labels: str
    atoms: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of the group."""
        return {"kind": self.kind, "labels": self.labels, "atoms": list(self.atoms)}


@dataclass(frozen=True)
class BasicityResult:
    """Ionization of one molecule at one pH and temperature.

    ``n4_pka`` is the (micro) pKaH of the first 1,4-diazepan-2-one ring's N4
    when it is a basic amine or a benzodiazepinone imine, else None.
    ``sites`` lists the ring's N4 first, then the other bases from the most
    basic down, then the acids from the most acidic up (not in atom order).
    ``macro_pkas``: stepwise pKa values of the whole molecule, lowest first, from
    the coupled titration of every site (electrostatic interaction included).
    ``logd_curve`` holds (pH, estimated logD) pairs; ``free_base_ph_99`` is the
    lowest pH at which at least 99 % of the molecules carry no protonated base
    (None when it has no basic site or never gets there). ``uncharged_fraction``
    and ``net_charge_fractions`` are at ``ph``. ``counter_ions`` lists the
    fragments stripped before logP and site finding. ``uncovered_groups``
    names the ionizable groups that get no value (they are not in ``sites``
    nor in the titration). ``assumptions`` lists every modelling choice behind
    the numbers, for display next to them.
    """

    ph: float
    n4_pka: float | None
    n4_pka_band: tuple[float, float] | None
    n4_protonated_fraction: float | None
    n4_class: str | None
    sites: tuple[BasicSite, ...]
    logp_crippen: float | None
    logd_curve: tuple[tuple[float, float], ...]
    free_base_ph_99: float | None
    assumptions: tuple[str, ...]
    temperature_c: float = 25.0
    macro_pkas: tuple[MacroStep, ...] = _LazyField(())  # type: ignore[assignment]
    permanent_charges: tuple[PermanentCharge, ...] = ()
    uncharged_fraction: float | None = _LazyField(None)  # type: ignore[assignment]
    net_charge_fractions: tuple[tuple[int, float], ...] = _LazyField(())  # type: ignore[assignment]
    counter_ions: tuple[str, ...] = ()
    parent_smiles: str = _LazyField("")  # type: ignore[assignment]
    n4_site_class: str | None = field(default=None)
    uncovered_groups: tuple[UncoveredGroup, ...] = ()

    @property
    def n4_free_base_fraction(self) -> float | None:
        """Fraction of N4 that is the free (nucleophilic) amine at ``ph``."""
        return None if self.n4_protonated_fraction is None else round(1.0 - self.n4_protonated_fraction, 4)

    @property
    def basic_sites(self) -> tuple[BasicSite, ...]:
        """The base sites only."""
        return tuple(site for site in self.sites if site.kind == "base")

    @property
    def acidic_sites(self) -> tuple[BasicSite, ...]:
        """The acid sites only."""
        return tuple(site for site in self.sites if site.kind == "acid")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``reactivity pka --json`` output).

        >>> from reactivity.molecule import mol_from_smiles
        >>> from reactivity.basicity import predict_basicity
        >>> data = predict_basicity(mol_from_smiles("CC(N)=O")).to_dict()
        >>> data["n4_pka"], data["sites"], data["macro_pkas"], data["logd_is_estimate"]
        (None, [], [], True)

        Atoms (``atom`` fields and the atoms named in ``assumptions``) are numbered as ``atom_numbering`` says:
        0-based indices of the input molecule.
        """
        return {
            "atom_numbering": LIBRARY_NUMBERING,
            "ph": self.ph,
            "temperature_c": self.temperature_c,
            "n4_class": self.n4_class,
            "n4_site_class": self.n4_site_class,
            "n4_pka": self.n4_pka,
            "n4_pka_band": list(self.n4_pka_band) if self.n4_pka_band is not None else None,
            "n4_protonated_fraction": self.n4_protonated_fraction,
            "n4_free_base_fraction": self.n4_free_base_fraction,
            "sites": [site.to_dict() for site in self.sites],
            "macro_pkas": [step.to_dict() for step in self.macro_pkas],
            "permanent_charges": [
                {"atom": p.atom, "charge": p.charge, "site_class": p.site_class} for p in self.permanent_charges
            ],
            "uncharged_fraction": self.uncharged_fraction,
            "net_charge_fractions": [{"charge": c, "fraction": f} for c, f in self.net_charge_fractions],
            "parent_smiles": self.parent_smiles,
            "counter_ions": list(self.counter_ions),
            "logp_crippen": self.logp_crippen,
            "logd_is_estimate": True,
            "logd_curve": [{"ph": ph, "logd": logd} for ph, logd in self.logd_curve],
            "free_base_ph_99": self.free_base_ph_99,
            "uncovered_groups": [group.to_dict() for group in self.uncovered_groups],
            "assumptions": list(self.assumptions),
        }

    def __getstate__(self) -> dict[str, Any]:
        return _resolved_state(self)

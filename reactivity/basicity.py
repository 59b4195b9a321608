"""Basicity of nitrogen sites: the conjugate-acid pKa of N4 and of competing bases, and work-up advice.

A site-level regressor (trained on open experimental aqueous pKa data, see
``models/MODEL.md``) predicts the pKaH of every basic nitrogen in the
molecule. The N4 of each 1,4-diazepan-2-one ring is tagged from
:func:`reactivity.perceive`; only amine N4 (secondary, tertiary, aryl) gets a
pKa. From the pKa values the module derives the protonated fraction at a pH,
an estimated logD curve and the pH needed to have the compound >= 99 % free base.

>>> from reactivity.molecule import mol_from_smiles
>>> result = predict_basicity(mol_from_smiles("O=C1CNCCCN1"), ph=7.4)
>>> 7.0 < result.n4_pka < 9.0
True
>>> [site.role for site in result.sites]
['n4']
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from rdkit import Chem
from rdkit.Chem import Crippen, rdFingerprintGenerator, rdPartialCharges

from .errors import ModelIntegrityError, RuleDataError
from .forest import TreeEnsemble
from .molecule import FreeBaseView, free_base_view, quiet_rdkit
from .rules import compile_smarts

MODEL_ARTEFACT = "pka_model.joblib"
FEATURE_VERSION = "pka-site-features/3"
#: N4 classes (from perception) that are basic amines and get a pKa.
BASIC_N4_CLASSES = frozenset({"secondary_amine", "tertiary_amine", "aryl_amine"})
#: Sites whose nearest training site is less similar than this are flagged in the assumptions.
LOW_APPLICABILITY = 0.6
#: pH grid of the logD curve.
LOGD_PH_GRID = tuple(float(x) for x in range(0, 15))
#: Morgan environment used as model features (radius 1 counts, 128 bins).
FEATURE_MORGAN_RADIUS = 1
FEATURE_MORGAN_SIZE = 128
_DISTANCES = (1, 2, 3, 4)
N_CATEGORIES = 13
#: Attenuation per bond of the decayed category sums (the classic ~0.4 fall-off of inductive effects).
INDUCTIVE_DECAY = 0.4
#: The last N_ELECTRONIC columns of the core block (charges can be negative) are left out of the similarity.
N_ELECTRONIC = 8
#: Columns after the core block: the N's own ring and its alpha/beta atoms (:func:`_ring_and_alpha_features`),
#: then the highest and lowest Gasteiger charge of the alpha atoms (left out of the similarity).
N_RING_ALPHA = 11
N_ALPHA_CHARGES = 2


# ----------------------------------------------------------------------------- result types


@dataclass(frozen=True, slots=True)
class TrainingAnalogue:
    """A training site close to a predicted one: its name, SMILES, measured pKa and similarity."""

    name: str
    smiles: str
    pka: float
    similarity: float


@dataclass(frozen=True, slots=True)
class BasicSite:
    """One basic nitrogen with its predicted conjugate-acid pKa.

    ``atom`` is the 0-based index in the caller's molecule; ``band`` the
    (low, high) prediction interval; ``protonated_fraction`` the fraction of
    this site protonated at the requested pH (single-site Henderson-Hasselbalch);
    ``applicability`` the min/max similarity (0..1) of the site's feature vector
    to that of the nearest training site; ``role`` is ``n4`` or ``competing``.
    """

    atom: int
    site_class: str
    pka: float
    band: tuple[float, float]
    protonated_fraction: float
    applicability: float
    role: str
    nearest_training: tuple[TrainingAnalogue, ...]


@dataclass(frozen=True, slots=True)
class BasicityResult:
    """Basicity of one molecule at one pH.

    ``n4_pka`` is None when the molecule has no 1,4-diazepan-2-one ring or its
    first ring's N4 is not a basic amine (imine, amide, carbamate, ...).
    ``logd_curve`` holds (pH, estimated logD) pairs; ``free_base_ph_99`` is the
    lowest pH at which the compound is at least 99 % free base (None when it
    has no basic site). ``assumptions`` lists every modelling choice behind the
    numbers, for display next to them.
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

    @property
    def n4_free_base_fraction(self) -> float | None:
        """Fraction of N4 that is the free (nucleophilic) amine at ``ph``."""
        return None if self.n4_protonated_fraction is None else round(1.0 - self.n4_protonated_fraction, 4)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``reactivity pka --json`` output).

        >>> from reactivity.molecule import mol_from_smiles
        >>> data = predict_basicity(mol_from_smiles("CC(N)=O")).to_dict()
        >>> data["n4_pka"], data["sites"], data["logd_is_estimate"]
        (None, [], True)
        """
        return {
            "ph": self.ph,
            "n4_class": self.n4_class,
            "n4_pka": self.n4_pka,
            "n4_pka_band": list(self.n4_pka_band) if self.n4_pka_band is not None else None,
            "n4_protonated_fraction": self.n4_protonated_fraction,
            "n4_free_base_fraction": self.n4_free_base_fraction,
            "sites": [
                {
                    "atom": site.atom,
                    "role": site.role,
                    "site_class": site.site_class,
                    "pka": site.pka,
                    "band": list(site.band),
                    "protonated_fraction": site.protonated_fraction,
                    "applicability": site.applicability,
                    "nearest_training": [
                        {"name": n.name, "smiles": n.smiles, "pka": n.pka, "similarity": n.similarity}
                        for n in site.nearest_training
                    ],
                }
                for site in self.sites
            ],
            "logp_crippen": self.logp_crippen,
            "logd_is_estimate": True,
            "logd_curve": [{"ph": ph, "logd": logd} for ph, logd in self.logd_curve],
            "free_base_ph_99": self.free_base_ph_99,
            "assumptions": list(self.assumptions),
        }


# ----------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class SiteRule:
    """A SMARTS rule that labels its first atom as a basic nitrogen of ``site_class``."""

    id: str
    site_class: str
    tier: int
    smarts: str
    pattern: Chem.Mol
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AcidRule:
    """A SMARTS rule for an ionizable acidic group (used by curation and in the assumptions)."""

    id: str
    smarts: str
    pattern: Chem.Mol
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


def _field(entry: dict[str, Any], key: str, rule_id: str) -> Any:
    if key not in entry:
        raise RuleDataError(f"basic_sites.toml rule {rule_id!r}: missing field {key!r}")
    return entry[key]


def _common_rule_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """The fields every rule has (documentation fields checked, SMARTS compiled)."""
    rule_id = str(entry.get("id", "?"))
    for key in ("labels", "rationale", "reference"):
        _field(entry, key, rule_id)
    smarts = str(_field(entry, "smarts", rule_id))
    return {
        "id": rule_id,
        "smarts": smarts,
        "pattern": compile_smarts(smarts, f"basic_sites.toml {rule_id}"),
        "must_match": tuple(_field(entry, "must_match", rule_id)),
        "must_not_match": tuple(_field(entry, "must_not_match", rule_id)),
    }


def parse_site_rules(text: str) -> tuple[tuple[SiteRule, ...], tuple[AcidRule, ...]]:
    """Parse the TOML text of a basic-site rule file.

    >>> parse_site_rules('[[site]]\\nid="x"\\nsite_class="y"\\ntier=1\\nsmarts="[N"\\n'
    ...     'labels=""\\nrationale=""\\nreference=""\\nmust_match=[]\\nmust_not_match=[]')
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: rule basic_sites.toml x: SMARTS does not parse: '[N'
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleDataError(f"basic_sites.toml: {exc}") from None
    sites = [
        SiteRule(
            site_class=str(_field(entry, "site_class", str(entry.get("id", "?")))),
            tier=int(_field(entry, "tier", str(entry.get("id", "?")))),
            **_common_rule_fields(entry),
        )
        for entry in data.get("site", [])
    ]
    acids = [AcidRule(**_common_rule_fields(entry)) for entry in data.get("acid_group", [])]
    if not sites:
        raise RuleDataError("basic_sites.toml: no [[site]] rules")
    return tuple(sites), tuple(acids)


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[SiteRule, ...], tuple[AcidRule, ...]]:
    text = resources.files("reactivity").joinpath("data/basic_sites.toml").read_text(encoding="utf-8")
    return parse_site_rules(text)


def site_rules() -> tuple[SiteRule, ...]:
    """The packaged basic-site rules, in matching order.

    >>> [rule.site_class for rule in site_rules()][:3]
    ['amidine', 'aliphatic_amine', 'aryl_amine']
    """
    return _rules()[0]


def acid_rules() -> tuple[AcidRule, ...]:
    """The packaged acidic-group rules."""
    return _rules()[1]


def site_classes() -> tuple[str, ...]:
    """All site classes, in rule order (the one-hot order of the model features)."""
    seen: list[str] = []
    for rule in site_rules():
        if rule.site_class not in seen:
            seen.append(rule.site_class)
    return tuple(seen)


# ----------------------------------------------------------------------------- site finding


def find_basic_sites(mol: Chem.Mol) -> tuple[tuple[int, str], ...]:
    """(atom index, site class) of every basic nitrogen, atoms in increasing index order.

    Works on the given molecule as it is (call :func:`reactivity.molecule.free_base_view` first
    for salts or molecules with explicit hydrogens).

    >>> find_basic_sites(Chem.MolFromSmiles("CC(=O)N1CCNCC1"))
    ((6, 'aliphatic_amine'),)
    >>> find_basic_sites(Chem.MolFromSmiles("CN1CCN(c2ccncc2)CC1"))
    ((1, 'aliphatic_amine'), (8, 'pyridine_like'))
    """
    found: dict[int, str] = {}
    for rule in site_rules():
        for match in mol.GetSubstructMatches(rule.pattern, uniquify=False):
            found.setdefault(match[0], rule.site_class)
    return tuple(sorted(found.items()))


def site_tiers() -> dict[str, int]:
    """Coarse basicity tier of each site class (0 strongest), from the rule file."""
    return {rule.site_class: rule.tier for rule in site_rules()}


def acid_groups(mol: Chem.Mol) -> tuple[str, ...]:
    """Ids of the ionizable acidic groups present (rule ids from basic_sites.toml).

    >>> acid_groups(Chem.MolFromSmiles("NCC(=O)O"))
    ('carboxylic_acid',)
    """
    return tuple(rule.id for rule in acid_rules() if mol.HasSubstructMatch(rule.pattern))


# ----------------------------------------------------------------------------- features


@lru_cache(maxsize=2)
def _morgan(radius: int, size: int) -> Any:
    return rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=size)


def _element_table(*elements: int) -> np.ndarray:
    table = np.zeros(128, dtype=bool)
    table[list(elements)] = True
    return table


_CARBONYL_PARTNER = _element_table(8, 16)
_HALOGEN_HEAVY = _element_table(17, 35, 53)
_P_OR_S = _element_table(15, 16)
_C_OR_N = _element_table(6, 7)


def _atom_categories(mol: Chem.Mol) -> np.ndarray:
    """Per-atom flags of the environment categories counted at each distance from a site.

    Built from the atomic numbers and the bond-order adjacency matrix, without iterating over bonds.

    >>> _atom_categories(Chem.MolFromSmiles("CC(=O)C#N"))[:, :2].tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    """
    n = mol.GetNumAtoms()
    if n == 0:
        return np.zeros((0, N_CATEGORIES), dtype=np.float32)
    atoms = [mol.GetAtomWithIdx(i) for i in range(n)]  # faster than iterating mol.GetAtoms()
    z = np.array([a.GetAtomicNum() for a in atoms], dtype=np.int64)
    z_table = np.minimum(z, 127)
    aromatic = np.array([a.GetIsAromatic() for a in atoms], dtype=bool)
    cationic = np.array([a.GetFormalCharge() > 0 for a in atoms], dtype=bool)
    orders = Chem.GetAdjacencyMatrix(mol, useBO=True)
    double, triple = orders == 2.0, orders == 3.0

    def partner(bonds: np.ndarray, table: np.ndarray) -> np.ndarray:
        return (bonds & table[z_table][None, :]).any(axis=1)

    carbon, no_double = z == 6, ~double.any(axis=1)
    flags = np.empty((n, N_CATEGORIES), dtype=np.float32)
    flags[:, 0] = carbon & partner(double, _CARBONYL_PARTNER)  # carbonyl / thiocarbonyl C
    flags[:, 1] = carbon & (triple & (z == 7)[None, :]).any(axis=1)  # nitrile C
    flags[:, 2] = _P_OR_S[z_table] & (double & (z == 8)[None, :]).any(axis=1)  # sulfonyl / sulfinyl / phosphoryl
    flags[:, 3] = z == 9
    flags[:, 4] = _HALOGEN_HEAVY[z_table]
    flags[:, 5] = (z == 8) & ~aromatic & no_double  # ether / hydroxyl O
    flags[:, 6] = z == 7
    flags[:, 7] = aromatic
    flags[:, 8] = carbon & ~aromatic & partner(double, _C_OR_N)  # C=C, C=N
    flags[:, 9] = carbon & (((orders > 0) & (z == 9)[None, :]).sum(axis=1) >= 2)  # CF2 / CF3 carbon
    flags[:, 10] = (z == 16) & no_double  # thioether / thiol S
    flags[:, 11] = carbon & (triple & carbon[None, :]).any(axis=1)  # alkyne C
    flags[:, 12] = cationic  # nitro N, N-oxide N, other cationic centre
    return flags


def _gasteiger_charges(mol: Chem.Mol) -> np.ndarray:
    """Gasteiger partial charges of a copy of the molecule (0.0 where undefined)."""
    work = Chem.Mol(mol)
    with quiet_rdkit():
        rdPartialCharges.ComputeGasteigerCharges(work, nIter=12, throwOnParamFailure=False)
    atoms = (work.GetAtomWithIdx(i) for i in range(work.GetNumAtoms()))  # faster than iterating GetAtoms()
    values = [atom.GetDoubleProp("_GasteigerCharge") if atom.HasProp("_GasteigerCharge") else 0.0 for atom in atoms]
    return np.nan_to_num(np.array(values, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)


def _smallest_ring_size(mol: Chem.Mol, atom: int) -> int:
    sizes = [len(ring) for ring in mol.GetRingInfo().AtomRings() if atom in ring]
    return min(sizes) if sizes else 0


def _ring_and_alpha_features(mol: Chem.Mol, atom_index: int, distance_row: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """The N's own ring and its alpha/beta neighbourhood (N_RING_ALPHA columns).

    Columns: sp2 and sp alpha atoms; heteroatoms two bonds out (on an alpha
    carbon, as in N-CH2-O or an aminal); for the
    smallest ring holding the N: its heteroatoms other than N (O, S, ...), its
    acylated N (amide, carbamate, urea N: the N1 of a 1,4-diazepan-2-one), its
    other N, its aromatic atoms, the rings fused to it (sharing a bond) and
    whether it is an aziridine or an azetidine (zeros for an acyclic N); sp3
    alpha carbons that carry a carbonyl carbon (the N-C-C(=O) unit of an
    alpha-amino amide or ketone).

    >>> mol = Chem.MolFromSmiles("O=C1CNCCCN1")
    >>> row = Chem.GetDistanceMatrix(mol)[3]
    >>> _ring_and_alpha_features(mol, 3, row, _atom_categories(mol)).tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    """
    atom = mol.GetAtomWithIdx(atom_index)
    neighbours = list(atom.GetNeighbors())
    sp2 = sum(1 for nb in neighbours if nb.GetHybridization() == Chem.HybridizationType.SP2)
    sp = sum(1 for nb in neighbours if nb.GetHybridization() == Chem.HybridizationType.SP)
    beta_heteroatoms = sum(
        1 for i in np.flatnonzero(distance_row == 2) if mol.GetAtomWithIdx(int(i)).GetAtomicNum() != 6
    )
    rings = mol.GetRingInfo().AtomRings()
    own = [k for k, ring in enumerate(rings) if atom_index in ring]
    ring_block = [0, 0, 0, 0, 0, 0, 0]
    if own:
        k = min(own, key=lambda j: len(rings[j]))
        ring = rings[k]
        ring_heteroatoms = [mol.GetAtomWithIdx(i) for i in ring if i != atom_index]
        ring_n = [a for a in ring_heteroatoms if a.GetAtomicNum() == 7]
        acylated_n = sum(1 for a in ring_n if any(categories[nb.GetIdx(), 0] > 0 for nb in a.GetNeighbors()))
        ring_block = [
            sum(1 for a in ring_heteroatoms if a.GetAtomicNum() not in (6, 7)),
            acylated_n,
            len(ring_n) - acylated_n,
            sum(1 for i in ring if mol.GetAtomWithIdx(i).GetIsAromatic()),
            sum(1 for j, other in enumerate(rings) if j != k and len(set(other) & set(ring)) >= 2),
            int(len(ring) == 3),
            int(len(ring) == 4),
        ]
    acyl_alpha = sum(
        1
        for nb in neighbours
        if nb.GetAtomicNum() == 6 and not nb.GetIsAromatic()
        for nb2 in nb.GetNeighbors()
        if nb2.GetIdx() != atom_index and categories[nb2.GetIdx(), 0] > 0
    )
    return np.array([sp2, sp, beta_heteroatoms, *ring_block, acyl_alpha], dtype=np.float32)


def site_features(mol: Chem.Mol, sites: Sequence[tuple[int, str]]) -> np.ndarray:
    """Feature rows for the given (atom, class) sites of a prepared molecule.

    Columns: the Morgan count environment (radius 1, 128 bins) rooted at the
    nitrogen; one-hot site class; H count, heavy degree, ring count, smallest
    ring size, aromatic neighbours; counts of 13 electron-withdrawing or polar
    atom categories at topological distances 1-4 and their sums attenuated by
    0.4 per bond; the distance (capped at 8) to the nearest carbonyl carbon,
    fluorine and other nitrogen; the Gasteiger charge of the N and the summed
    charges one and two bonds out; H count and degree sum of the alpha atoms;
    heavy-atom counts one, two and three bonds out; the N's own ring and
    alpha/beta block of :func:`_ring_and_alpha_features`; the highest and
    lowest Gasteiger charge among the alpha atoms.

    >>> mol = Chem.MolFromSmiles("NCC(N)=O")
    >>> site_features(mol, find_basic_sites(mol)).shape
    (1, 228)
    """
    classes = site_classes()
    n_extra = len(classes) + 5 + N_CATEGORIES * (len(_DISTANCES) + 1) + 3 + N_ELECTRONIC + N_RING_ALPHA + N_ALPHA_CHARGES
    if not sites:
        return np.zeros((0, FEATURE_MORGAN_SIZE + n_extra), dtype=np.float32)
    distance = Chem.GetDistanceMatrix(mol)
    categories = _atom_categories(mol)
    ring_info = mol.GetRingInfo()
    charges = _gasteiger_charges(mol)
    rows = []
    for atom_index, site_class in sites:
        atom = mol.GetAtomWithIdx(atom_index)
        env = _morgan(FEATURE_MORGAN_RADIUS, FEATURE_MORGAN_SIZE).GetCountFingerprintAsNumPy(
            mol, fromAtoms=[atom_index]
        ).astype(np.float32)
        onehot = np.array([float(site_class == c) for c in classes], dtype=np.float32)
        local = np.array(
            [
                atom.GetTotalNumHs(),
                atom.GetDegree(),
                ring_info.NumAtomRings(atom_index),
                _smallest_ring_size(mol, atom_index),
                sum(1 for nb in atom.GetNeighbors() if nb.GetIsAromatic()),
            ],
            dtype=np.float32,
        )
        d = distance[atom_index]
        shells = [categories[d == k].sum(axis=0) for k in _DISTANCES]
        shell_counts = np.concatenate(shells).astype(np.float32)
        weight = np.where(d > 0, INDUCTIVE_DECAY ** (d - 1), 0.0).astype(np.float32)
        decayed = (categories * weight[:, None]).sum(axis=0).astype(np.float32)
        nearest = []
        for column in (0, 3, 6):
            mask = categories[:, column] > 0
            mask[atom_index] = False
            nearest.append(float(min(8.0, d[mask].min())) if mask.any() else 8.0)
        neighbours = list(atom.GetNeighbors())
        ring_alpha = _ring_and_alpha_features(mol, atom_index, d, categories)
        alpha_charges = charges[d == 1]
        electronic = np.array(
            [
                charges[atom_index],
                charges[d == 1].sum(),
                charges[d == 2].sum(),
                sum(nb.GetTotalNumHs() for nb in neighbours),  # H on alpha atoms (solvation / branching)
                sum(nb.GetDegree() for nb in neighbours),
                float((d == 1).sum()),
                float((d == 2).sum()),
                float((d == 3).sum()),
            ],
            dtype=np.float32,
        )
        alpha_extremes = np.array(
            [alpha_charges.max(), alpha_charges.min()] if alpha_charges.size else [0.0, 0.0], dtype=np.float32
        )
        rows.append(
            np.concatenate(
                [env, onehot, local, shell_counts, decayed, np.array(nearest, dtype=np.float32), electronic,
                 ring_alpha, alpha_extremes]
            )
        )
    return np.vstack(rows)


def core_feature_width(features: np.ndarray) -> int:
    """Number of columns of the core block (everything before the ring/alpha block and the alpha charges)."""
    return features.shape[1] - N_RING_ALPHA - N_ALPHA_CHARGES


def core_features(features: np.ndarray) -> np.ndarray:
    """The core block of the site features (feature version 2 layout; the curation's site checker uses it)."""
    return features[:, : core_feature_width(features)]


def similarity_view(features: np.ndarray) -> np.ndarray:
    """The non-negative feature columns used for the applicability similarity (charges and counts left out).

    >>> mol = Chem.MolFromSmiles("NCC(N)=O")
    >>> similarity_view(site_features(mol, find_basic_sites(mol))).shape
    (1, 218)
    """
    core = core_feature_width(features)
    return np.hstack([features[:, : core - N_ELECTRONIC], features[:, core : core + N_RING_ALPHA]])


def minmax_similarity(query: np.ndarray, reference: np.ndarray, chunk: int = 32) -> np.ndarray:
    """Min/max (continuous Tanimoto) similarity of every row of ``query`` to every row of ``reference``.

    Both are non-negative feature matrices (the site features); 1.0 means an
    identical site description.

    >>> a = np.array([[1.0, 2.0, 0.0]])
    >>> b = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    >>> [[round(float(x), 2) for x in row] for row in minmax_similarity(a, b)]
    [[0.67, 0.0]]
    """
    query = np.asarray(query, dtype=np.float32)
    reference = np.asarray(reference, dtype=np.float32)
    reference_sums = reference.sum(axis=1)
    out = np.zeros((query.shape[0], reference.shape[0]), dtype=np.float32)
    for start in range(0, query.shape[0], chunk):
        q = query[start : start + chunk]
        # min(a, b) is 0 wherever every query row is 0 (the features are non-negative): sum the other columns only
        columns = np.flatnonzero(q.any(axis=0))
        low = np.minimum(q[:, None, columns], reference[None, :, columns]).sum(axis=2)
        # sum(max(a, b)) = sum(a) + sum(b) - sum(min(a, b)): one elementwise pass instead of two
        high = q.sum(axis=1)[:, None] + reference_sums[None, :] - low
        out[start : start + chunk] = np.where(high > 0, low / np.maximum(high, 1e-9), 1.0)
    return out


# ----------------------------------------------------------------------------- model


def load_pka_model() -> dict[str, Any]:
    """The packaged pKa model (SHA-256 checked before unpickling)."""
    from .artefacts import load_artefact

    model = load_artefact(MODEL_ARTEFACT)
    if not isinstance(model, dict) or model.get("feature_version") != FEATURE_VERSION:
        raise ModelIntegrityError(f"{MODEL_ARTEFACT}: built for other features; rebuild with 'reactivity train'")
    if not isinstance(model.get("model"), TreeEnsemble):
        raise ModelIntegrityError(f"{MODEL_ARTEFACT}: not a reactivity tree ensemble; rebuild with 'reactivity train'")
    return model


def band_halfwidth(model: dict[str, Any], site_class: str, applicability: float) -> float:
    """Half-width of the prediction band for a site of a class and applicability (from cluster-CV errors)."""
    edges = model["band_edges"]
    table = model["band_halfwidths"]
    widths = table.get(site_class, table["*"])
    for edge, width in zip(edges, widths):
        if applicability < edge:
            return float(width)
    return float(widths[-1])


def protonated_fraction(pka: float, ph: float) -> float:
    """Fraction of a single basic site protonated at a pH (Henderson-Hasselbalch).

    >>> round(protonated_fraction(8.0, 8.0), 3)
    0.5
    >>> round(protonated_fraction(10.0, 7.4), 4)
    0.9975
    """
    return 1.0 / (1.0 + 10.0 ** (ph - pka))


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
    """Estimated logD at each pH: logP + log10(neutral fraction) (only the neutral form partitions).

    >>> logd_curve(1.0, [8.0], grid=(8.0,))
    ((8.0, 0.699),)
    """
    curve = []
    for ph in grid:
        # log10 of the neutral fraction, summed in log space so that it never underflows to -inf
        log_neutral = -sum(math.log10(1.0 + 10.0 ** min(pka - ph, 300.0)) for pka in pkas)
        curve.append((float(ph), round(logp + log_neutral, 3) + 0.0))  # + 0.0 turns -0.0 into 0.0
    return tuple(curve)


_ASSUMPTIONS_BASE = (
    "pKa values are model estimates (site-level regressor trained on experimental aqueous pKa data at about 25 C, "
    "see models/MODEL.md); the band is the 90 % interval of cluster-cross-validated errors at that applicability",
    "logD is an estimate: RDKit Crippen logP of the neutral form plus log10 of the neutral fraction; "
    "ions are assumed not to partition into the organic layer",
    "several basic sites are treated as independent (neutral fraction = product over sites); this ignores the "
    "lowering of the second pKa by the first protonation, so it overstates ionization at low pH but the "
    ">=99 % free-base pH is governed by the most basic site",
)


@dataclass(frozen=True, slots=True)
class _Job:
    prepared: FreeBaseView
    sites: tuple[tuple[int, str], ...]
    n4_roles: dict[int, str]  # working index -> n4_class, for ring N4 atoms
    first_n4: tuple[int, str] | None  # (working index or -1, n4_class) of the first ring
    notes: tuple[str, ...]


def _perceive_rings(mol: Chem.Mol) -> tuple[Any, ...]:
    from .perception import perceive  # imported here: perception imports nothing from this module, but keep it lazy

    return tuple(perceive(mol))


def _plan(mol: Chem.Mol, rings: Sequence[Any] | None = None, view: FreeBaseView | None = None) -> _Job:
    prepared = view if view is not None else free_base_view(mol)
    sites = list(find_basic_sites(prepared.mol))
    if rings is None:
        rings = _perceive_rings(mol)
    n4_roles: dict[int, str] = {}
    first: tuple[int, str] | None = None
    notes: list[str] = []
    site_atoms = {atom for atom, _ in sites}
    for ring in rings:
        work = prepared.working_index(ring.n4)
        work_index = -1 if work is None else work
        if first is None:
            first = (work_index, ring.n4_class)
        if ring.n4_class in BASIC_N4_CLASSES and work is not None:
            n4_roles[work] = ring.n4_class
            if work not in site_atoms:
                # N4 perceived as a basic amine but not found by the site rules: use the amine class.
                site_class = "aryl_amine" if ring.n4_class == "aryl_amine" else "aliphatic_amine"
                sites.append((work, site_class))
                site_atoms.add(work)
                notes.append(f"N4 (atom {ring.n4}) classified by perception as {ring.n4_class}; predicted as {site_class}")
        elif work is not None and work in site_atoms:
            sites = [(a, c) for a, c in sites if a != work]
            site_atoms.discard(work)
            notes.append(f"N4 (atom {ring.n4}) is {ring.n4_class}: not a basic amine, no pKa")
        elif ring.n4_class not in BASIC_N4_CLASSES:
            notes.append(f"N4 (atom {ring.n4}) is {ring.n4_class}: not a basic amine, no pKa")
    return _Job(prepared, tuple(sorted(sites)), n4_roles, first, tuple(notes))


def _nearest(model: dict[str, Any], sims: np.ndarray, k: int = 3) -> tuple[TrainingAnalogue, ...]:
    if sims.size > k:
        # the k best without sorting everything: keep every row at least as similar as the k-th best, then a
        # stable sort of those (ties stay in training-set order, as a full stable sort would give)
        threshold = np.partition(sims, sims.size - k)[sims.size - k]
        candidates = np.flatnonzero(sims >= threshold)
        order = candidates[np.argsort(-sims[candidates], kind="stable")[:k]]
    else:
        order = np.argsort(-sims, kind="stable")[:k]
    return tuple(
        TrainingAnalogue(
            name=str(model["train_names"][j]),
            smiles=str(model["train_smiles"][j]),
            pka=float(model["train_pka"][j]),
            similarity=round(float(sims[j]), 3),
        )
        for j in order
    )


def predict_basicity_many(
    mols: Sequence[Chem.Mol],
    ph: float = 7.4,
    rings: Sequence[Sequence[Any]] | None = None,
    workup: bool = True,
    views: Sequence[FreeBaseView | None] | None = None,
) -> list[BasicityResult]:
    """Basicity of many molecules, with one model call for all sites of all molecules.

    ``rings``: the molecules' :func:`reactivity.perceive` results, when the caller has them already (saves a
    second perception); ``views``: the free-base views perception worked on
    (:func:`reactivity.perception.perceive_with_view`; None entries are rebuilt). ``workup=False`` skips the
    Crippen logP and the logD curve (``logp_crippen`` None, ``logd_curve`` empty), which a batch annotation does
    not report; the free-base pH is still given.

    >>> from reactivity.molecule import mol_from_smiles
    >>> results = predict_basicity_many([mol_from_smiles("C1CCNCC1"), mol_from_smiles("CC(N)=O")])
    >>> len(results[0].sites), len(results[1].sites), results[1].free_base_ph_99 is None
    (1, 0, True)
    """
    model = load_pka_model()
    if rings is not None and len(rings) != len(mols):
        raise ValueError("rings must give one perception result per molecule")
    if views is not None and len(views) != len(mols):
        raise ValueError("views must give one free-base view (or None) per molecule")
    jobs = [
        _plan(mol, None if rings is None else rings[i], None if views is None else views[i])
        for i, mol in enumerate(mols)
    ]
    blocks = [site_features(job.prepared.mol, job.sites) for job in jobs]
    all_features = np.vstack(blocks) if blocks else np.zeros((0, 1))
    if all_features.shape[0]:
        predictions = model["model"].predict(all_features)
        similarity = minmax_similarity(similarity_view(all_features), model["train_features"])
    else:
        predictions = np.zeros(0)
        similarity = np.zeros((0, 0))
    results = []
    row = 0
    for mol, job in zip(mols, jobs):
        sites = []
        for atom, site_class in job.sites:
            pka = round(float(predictions[row]), 2)
            sims = similarity[row]
            applicability = round(float(sims.max()), 3) if sims.size else 0.0
            half = band_halfwidth(model, site_class, applicability)
            sites.append(
                BasicSite(
                    atom=job.prepared.original_index[atom],
                    site_class=site_class,
                    pka=pka,
                    band=(round(pka - half, 2), round(pka + half, 2)),
                    protonated_fraction=round(protonated_fraction(pka, ph), 4),
                    applicability=applicability,
                    role="n4" if atom in job.n4_roles else "competing",
                    nearest_training=_nearest(model, sims),
                )
            )
            row += 1
        results.append(_assemble(mol, job, tuple(sites), ph, workup))
    return results


def predict_basicity(mol: Chem.Mol, ph: float = 7.4) -> BasicityResult:
    """Basicity of one molecule: N4 pKa of the first ring, every basic site, logD curve, free-base pH.

    >>> from reactivity.molecule import mol_from_smiles
    >>> result = predict_basicity(mol_from_smiles("C1CCNCC1"), ph=7.4)
    >>> result.n4_pka is None, 10.5 < result.sites[0].pka < 11.8
    (True, True)
    """
    return predict_basicity_many([mol], ph)[0]


def _assemble(mol: Chem.Mol, job: _Job, sites: tuple[BasicSite, ...], ph: float, workup: bool = True) -> BasicityResult:
    n4_pka = n4_band = n4_fraction = None
    n4_class = None
    if job.first_n4 is not None:
        work, n4_class = job.first_n4
        if work >= 0 and n4_class in BASIC_N4_CLASSES:
            original = job.prepared.original_index[work]
            for site in sites:
                if site.atom == original:
                    n4_pka, n4_band, n4_fraction = site.pka, site.band, site.protonated_fraction
    logp: float | None = None
    if workup:
        with quiet_rdkit():
            logp = float(Crippen.MolLogP(job.prepared.mol))
    pkas = [site.pka for site in sites]
    assumptions = list(_ASSUMPTIONS_BASE)
    assumptions.extend(job.notes)
    acids = acid_groups(job.prepared.mol)
    if acids:
        assumptions.append(
            "acidic group(s) present (" + ", ".join(acids) + "): their ionization is NOT included in logD "
            "or the free-base pH; the compound may be a zwitterion and the advice does not hold"
        )
    if any(site.applicability < LOW_APPLICABILITY for site in sites):
        assumptions.append(
            f"at least one site is far from the training data (applicability < {LOW_APPLICABILITY}): its band is wide"
        )
    free_base = free_base_ph(pkas)
    if free_base is not None:
        strongest = max(sites, key=lambda s: s.pka)
        upper = free_base_ph([s.band[1] if s is strongest else s.pka for s in sites])
        assumptions.append(
            f"free-base pH {free_base:.2f} uses the central pKa; at the upper band of the most basic site it is {upper:.2f}"
        )
    else:
        assumptions.append("no basic nitrogen found: the compound is neutral at any work-up pH (acids not considered)")
    return BasicityResult(
        ph=float(ph),
        n4_pka=n4_pka,
        n4_pka_band=n4_band,
        n4_protonated_fraction=n4_fraction,
        n4_class=n4_class,
        sites=sites,
        logp_crippen=None if logp is None else round(logp, 3) + 0.0,
        logd_curve=() if logp is None else logd_curve(logp, pkas),
        free_base_ph_99=free_base,
        assumptions=tuple(assumptions),
    )

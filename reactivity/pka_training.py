"""Curation of the open pKa data and training of the site-level pKaH model (deterministic).

``curate_pka_sources(pka_dir)`` turns the raw files (DataWarrior SD file via
Baltruschat & Czodrowski, and the fluoriclogppka amine table) into the
curated site table shipped as ``datasets/pka_training.csv``;
``train_pka_model(output_dir)`` rebuilds ``pka_model.npz`` from that table.
Both are pure functions of their inputs (fixed seeds, sorted rows).

>>> names_for("C1CCNCC1")
'piperidine'
"""

from __future__ import annotations

import gzip
import io
import math
import pathlib
import re
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator
from rdkit.Chem.MolStandardize import rdMolStandardize
from rdkit.ML.Cluster import Butina

from .basicity import (
    FEATURE_VERSION,
    MODEL_ARTEFACT,
    acid_groups,
    core_features,
    find_basic_sites,
    site_features,
    site_tiers,
    minmax_similarity,
    similarity_view,
)
from .basicity.model import pka_model_bytes
from .errors import ReactivityError
from .forest import TreeEnsemble
from .molecule import azine_lactam_form, canonical_ranks, quiet_rdkit

DATAWARRIOR_FILES = ("baltruschat_datawarrior.sdf.gz", "baltruschat_datawarrior.sdf")
FLUORICLOGPPKA_FILE = "fluoriclogppka_pKa_starting_data_2024.01.25.csv"
DATAWARRIOR_LICENCE = "MIT (Multiprotic-pKa-Processing, (c) 2020 Marcel Baltruschat); CC BY 4.0 (Baltruschat & Czodrowski)"
DATAWARRIOR_REFERENCE = "doi:10.12688/f1000research.22090.2; doi:10.1021/ci500588j"
FLUORICLOGPPKA_LICENCE = "MIT ((c) 2024 blackthorn.ai)"
#: Temperatures kept (deg C); rows with no temperature are kept with lower confidence.
TEMPERATURE_RANGE = (20.0, 30.0)
#: Single-site molecules whose duplicate values spread more than this are dropped as inconsistent.
MAX_SPREAD = 1.0
#: Values within this of the highest value of a multi-site molecule count as the same (first) step.
FIRST_STEP_WINDOW = 0.5
#: Tier gap needed between the assigned site and every other site of a multi-site molecule.
MIN_TIER_GAP = 2
#: Lead (pKa units) the model-assigned site needs over the next site of a multi-site molecule.
MODEL_MARGIN = 1.5
#: Rows tagged "acidic" above this are taken to be N-H / C-H acid values, not amine pKaH values.
MAX_ACIDIC_TAG_VALUE = 12.0
#: A base drawn already protonated at a nitrogen: the record is the step of a further site (the species that takes
#: up the next proton), e.g. 4-(pyrrolidin-1-yl)pyridinium at -0.53, the dication step, not the pyridine's 9.6.
_PROTONATED_NITROGEN = Chem.MolFromSmarts("[#7+;!H0]")
#: A later basic step named by the source's own type field (b2, b3, ...), e.g. 4-(dimethylamino)pyridine's b2 -7.78.
_LATER_BASIC_STEP = re.compile(r"^b[2-9]")
#: X-H groups that can lose a proton below pH 12: when a molecule has one, a value the source tags "acidic" is
#: believed (an X-H acid value, not a pKaH) and dropped. Amine and amide N-H cannot, so glycinamide's "acidic" 8.05
#: (its amine's pKaH) is still used. Azole and azine N-H (acylpyrazoles 9-12, 1,2,4-triazoles about 10, nitro- and
#: sulfonylimidazoles), boronic acid B-OH, hydrates (gem-diols), C-H between two carbonyls, thioamide and thiourea
#: N-H, phosphoramide and sulfinamide N-H, and the N-H of an N-amino azole or azine (4-amino-1,2,4-triazole: the
#: source has its pKaH 2.53 typed basic and an "acidic" 11.75; its 3,5-dialkyl analogues only "acidic" 9.8, which no
#: triazole ring N reaches as a base).
_WEAK_ACID_SMARTS = (
    "[nH]",
    "[NX3;!H0]-[n]",
    "[B][OX2H1]",
    "[CX4]([OX2H1])[OX2H1]",
    "[CX4;H1,H2]([CX3]=[OX1])[CX3]=[OX1]",
    "[NX3;!H0]-[CX3]=[SX1]",
    "[NX3;!H0]-[P,S]=[OX1]",
    "[NX3;!H0]-[#6]=[#7]-[SX4](=[OX1])=[OX1]",  # amidine N-H acidified through its C=N (1,2,4-thiadiazine 1,1-dioxides)
)
_WEAK_ACIDS = tuple(Chem.MolFromSmarts(smarts) for smarts in _WEAK_ACID_SMARTS)


def has_weak_acid(mol: Chem.Mol) -> bool:
    """Whether a molecule has an X-H group that can lose a proton below pH 12 (see ``_WEAK_ACID_SMARTS``).

    >>> [has_weak_acid(Chem.MolFromSmiles(s)) for s in ("CC(=O)c1cc[nH]n1", "NCC(N)=O", "OB(O)c1ccccc1", "Nn1cnnc1")]
    [True, False, True, True]
    >>> has_weak_acid(Chem.MolFromSmiles("CC1=NS(=O)(=O)c2cccnc2N1"))  # a pyrido-1,2,4-thiadiazine 1,1-dioxide
    True
    """
    return any(mol.HasSubstructMatch(pattern) for pattern in _WEAK_ACIDS)


def _tagged(record: RawRecord, kind: str) -> bool:
    """Whether the source tags the record's value ``kind`` ("acidic" or "basic"; the tag's first field)."""
    return record.tag.startswith(kind)


def acid_steps_beside_basic_values(group: list[RawRecord]) -> list[RawRecord]:
    """The records of one molecule whose values are tagged "acidic" and lie more than ``MAX_SPREAD`` from every value
    tagged "basic": where the source measured and typed both kinds for one molecule, such a value is the molecule's acid
    step, not its pKaH (an adenine N-oxide: basic 2.4 and acidic 11.0). An "acidic" value next to a "basic" one stays:
    it is the same step typed twice (glycinamide).

    >>> from rdkit import Chem
    >>> def rec(value, tag):
    ...     return RawRecord("DataWarrior", "1", Chem.MolFromSmiles("N"), value, 25.0, tag, "", "")
    >>> [r.pka for r in acid_steps_beside_basic_values([rec(2.4, "basic:b1:"), rec(11.0, "acidic:a1:")])]
    [11.0]
    >>> acid_steps_beside_basic_values([rec(7.95, "basic:b1:"), rec(8.05, "acidic:a1:")])
    []
    """
    basic = [r.pka for r in group if _tagged(r, "basic")]
    if not basic:
        return []
    return [r for r in group if _tagged(r, "acidic") and min(abs(r.pka - b) for b in basic) > MAX_SPREAD]


RANDOM_STATE = 20261121
CV_FOLDS = 5
#: Butina clustering distance (1 - Tanimoto, Morgan radius 2 of the whole molecule) for the cluster split.
CLUSTER_DISTANCE = 0.6
#: Applicability (min/max similarity to the nearest training site) bin edges of the bands.
BAND_EDGES = (0.6, 0.75, 0.9, 1.01)
BAND_QUANTILE = 0.9
TABLE_COLUMNS = (
    "name", "smiles", "site_atom", "site_class", "pka", "n_values", "pka_spread", "temp_c",
    "confidence", "assignment", "source", "records", "reference", "licence",
)

# Common names of some reference compounds (keyed by canonical SMILES), to name nearest analogues.
_COMMON_NAMES = {
    "C1CCNCC1": "piperidine",
    "C1CCNC1": "pyrrolidine",
    "C1COCCN1": "morpholine",
    "C1CNCCN1": "piperazine",
    "CN1CCNCC1": "1-methylpiperazine",
    "CC(=O)N1CCNCC1": "1-acetylpiperazine",
    "NCC(N)=O": "glycinamide",
    "CNCC(N)=O": "sarcosinamide",
    "CCNCC": "diethylamine",
    "CCN(CC)CC": "triethylamine",
    "CN1CCCCC1": "1-methylpiperidine",
    "CN1CCOCC1": "4-methylmorpholine",
    "FC1(F)CCNCC1": "4,4-difluoropiperidine",
    "c1ccncc1": "pyridine",
    "c1c[nH]cn1": "imidazole",
    "Nc1ccccc1": "aniline",
    "N=C(N)N": "guanidine",
}


def names_for(smiles: str) -> str | None:
    """Common name of a canonical SMILES when it is a known reference compound."""
    return _COMMON_NAMES.get(smiles)


# ----------------------------------------------------------------------------- reading raw files


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One measured pKa value from a raw source file, before curation."""

    source: str
    record_id: str
    mol: Chem.Mol
    pka: float
    temp_c: float | None
    tag: str
    reference: str
    licence: str


def _float_or_none(text: Any) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_datawarrior(path: pathlib.Path) -> Iterator[RawRecord]:
    """Records of the DataWarrior SD file (plain or gzipped); unreadable structures are skipped."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    with quiet_rdkit():
        supplier = Chem.ForwardSDMolSupplier(io.BytesIO(raw))
        mols = [m for m in supplier]
    for mol in mols:
        if mol is None or not mol.HasProp("pKa"):
            continue
        pka = _float_or_none(mol.GetProp("pKa"))
        if pka is None:
            continue
        props = {key: mol.GetProp(key) for key in mol.GetPropNames()}
        yield RawRecord(
            source="DataWarrior",
            record_id=str(props.get("Row-ID", mol.GetProp("_Name") if mol.HasProp("_Name") else "")),
            mol=mol,
            pka=pka,
            temp_c=_float_or_none(props.get("temp", "")),
            tag=f"{props.get('basicOrAcidic', '')}:{props.get('type', '')}:{props.get('method', '')}",
            reference=DATAWARRIOR_REFERENCE,
            licence=DATAWARRIOR_LICENCE,
        )


def read_fluoriclogppka(path: pathlib.Path) -> Iterator[RawRecord]:
    """Amine rows of the fluoriclogppka table (acids and the junk header row skipped)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    for index, row in table.iterrows():
        if row.get("Amine or acid", "") != "Amine":
            continue
        pka = _float_or_none(row.get("pKa", ""))
        with quiet_rdkit():
            mol = Chem.MolFromSmiles(row.get("Smiles", ""))
        if mol is None or pka is None:
            continue
        yield RawRecord(
            source="fluoriclogppka",
            record_id=str(row.iloc[0]).strip() or str(index),  # the file's own (unnamed) row number
            mol=mol,
            pka=pka,
            temp_c=None,
            tag=f"basic:{row.get('identificator', '')}",
            reference=f"doi:{row.get('Reference', '').strip()}",
            licence=FLUORICLOGPPKA_LICENCE,
        )


def neutral_parent(mol: Chem.Mol) -> Chem.Mol | None:
    """Largest organic fragment, neutralized; None when a permanent cation or anion remains.

    >>> Chem.MolToSmiles(neutral_parent(Chem.MolFromSmiles("C1CC[NH2+]CC1.[Cl-]")))
    'C1CCNCC1'
    >>> neutral_parent(Chem.MolFromSmiles("C[N+](C)(C)C.[Cl-]")) is None
    True
    """
    with quiet_rdkit():
        try:
            parent = rdMolStandardize.LargestFragmentChooser(preferOrganic=True).choose(mol)
            parent = rdMolStandardize.Uncharger().uncharge(parent)
            smiles = Chem.MolToSmiles(parent)
            parent = Chem.MolFromSmiles(smiles)
        except Exception:  # RDKit raises several exception types on odd structures
            return None
    if parent is None:
        return None
    if Chem.GetFormalCharge(parent) != 0:
        return None
    for atom in parent.GetAtoms():
        if atom.GetFormalCharge() > 0 and not any(nb.GetFormalCharge() < 0 for nb in atom.GetNeighbors()):
            return None
    return parent


# ----------------------------------------------------------------------------- curation


def _temperature_ok(temp: float | None) -> bool:
    return temp is None or TEMPERATURE_RANGE[0] <= temp <= TEMPERATURE_RANGE[1]


def _assign(mol: Chem.Mol, values: list[float]) -> tuple[int, str, float, list[float], str] | str:
    """Rule-based site assignment: (atom, class, pKa, values used, note), or the reason it is undecided.

    Undecided multi-site molecules (``"tie: ..."``) get a second chance in
    :func:`_assign_by_model`; other reasons drop the molecule.
    """
    sites = find_basic_sites(mol)
    if not sites:
        return "no basic nitrogen site"
    if len(sites) == 1:
        atom, site_class = sites[0]
        return atom, site_class, float(statistics.median(values)), values, "single basic site"
    tiers = site_tiers()
    best = min(tiers[c] for _, c in sites)
    top = [(a, c) for a, c in sites if tiers[c] == best]
    ranks = canonical_ranks(mol)
    if len({ranks[a] for a, _ in top}) > 1:
        return "tie: several non-equivalent sites of the same tier"
    if any(tiers[c] - best < MIN_TIER_GAP for a, c in sites if (a, c) not in top):
        return "tie: another site of similar basicity"
    atom, site_class = min(top)
    first = [v for v in values if v >= max(values) - FIRST_STEP_WINDOW]
    note = "first macroscopic pKa assigned to the only strongest site (rule tiers; checked by the site model)"
    if len(top) > 1:
        note = (f"first macroscopic pKa of {len(top)} equivalent sites (includes statistical factor "
                f"log10({len(top)}); checked by the site model)")
    return atom, site_class, float(statistics.median(first)), first, note


def _assign_by_model(
    model: Any, mol: Chem.Mol, values: list[float], current: tuple[int, str, float, list[float], str] | None
) -> tuple[int, str, float, list[float], str] | str:
    """Check (or make) the assignment of a multi-site molecule's first pKa with a single-site model.

    The first (highest) measured value goes to the site the model predicts
    most basic, only when that site leads the next one by ``MODEL_MARGIN``
    (symmetry-equivalent sites count once) and the value is closer to its
    prediction than to any other site's; otherwise the molecule is dropped
    (the value may be a later protonation step or belong to another site).
    """
    sites = find_basic_sites(mol)
    ranks = canonical_ranks(mol)
    unique: dict[int, tuple[int, str]] = {}
    for atom, site_class in sites:
        unique.setdefault(ranks[atom], (atom, site_class))
    chosen = sorted(unique.values())
    predicted = model.predict(core_features(site_features(mol, chosen, checker_layout=True)))
    order = np.argsort(-predicted, kind="stable")
    first = [v for v in values if v >= max(values) - FIRST_STEP_WINDOW]
    value = float(statistics.median(first))
    best = int(order[0])
    if len(chosen) > 1 and predicted[best] - predicted[int(order[1])] < MODEL_MARGIN:
        return "ambiguous: sites predicted within 1.5 units of each other"
    if any(abs(value - predicted[j]) < abs(value - predicted[best]) for j in range(len(chosen)) if j != best):
        return "ambiguous: value matches a weaker site (later protonation step?)"
    atom, site_class = chosen[best]
    if current is not None:
        if current[0] != atom and ranks[current[0]] != ranks[atom]:
            return "ambiguous: rule and model assign different sites"
        return current
    n_equiv = sum(1 for a, _ in sites if ranks[a] == ranks[atom])
    note = "first macroscopic pKa assigned to the site the single-site model predicts most basic"
    if n_equiv > 1:
        note += f" ({n_equiv} equivalent sites; includes statistical factor log10({n_equiv}))"
    return atom, site_class, value, first, note


def _table_row(smiles: str, group: list[RawRecord], outcome: tuple[int, str, float, list[float], str]) -> dict[str, Any]:
    atom, site_class, pka, used, note = outcome
    spread = max(used) - min(used)
    temps = sorted({r.temp_c for r in group if r.temp_c is not None})
    used_records = [r for r in group if r.pka in used]
    if spread <= 0.3 and temps and note == "single basic site":
        confidence = "high"
    elif spread <= 0.5:
        confidence = "medium"
    else:
        confidence = "low"
    return {
        "name": names_for(smiles) or f"{used_records[0].source} record {used_records[0].record_id}",
        "smiles": smiles,
        "site_atom": atom,
        "site_class": site_class,
        "pka": round(pka, 2),
        "n_values": len(used),
        "pka_spread": round(spread, 2),
        "temp_c": ";".join(f"{t:g}" for t in temps),
        "confidence": confidence,
        "assignment": note,
        "source": ";".join(sorted({r.source for r in used_records})),
        "records": ";".join(sorted(f"{r.source}:{r.record_id}" for r in used_records)),
        "reference": ";".join(sorted({r.reference for r in used_records})),
        "licence": ";".join(sorted({r.licence for r in used_records})),
    }


def curate_records(records: Iterable[RawRecord]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Curate raw records into one row per molecule (site, pKa), with a count of dropped molecules by reason.

    Pass 1 keeps single-site molecules; a model fitted on them then checks
    every rule-assigned multi-site molecule and assigns the undecided ones
    (see :func:`_assign_by_model`).
    """
    groups: dict[str, list[RawRecord]] = {}
    dropped: dict[str, int] = {}

    def drop(reason: str) -> None:
        dropped[reason] = dropped.get(reason, 0) + 1

    for record in records:
        if not _temperature_ok(record.temp_c):
            drop("value: temperature outside 20-30 C")
            continue
        if _tagged(record, "acidic") and record.pka > MAX_ACIDIC_TAG_VALUE:
            drop("value: tagged acidic and above 12 (an N-H or C-H acid)")
            continue
        # the DataWarrior tag is "basicOrAcidic:type:method" (the other source has no step type)
        if record.source == "DataWarrior" and _LATER_BASIC_STEP.match(record.tag.split(":")[1]):
            drop("value: typed by the source as a second or later basic step")
            continue
        if record.mol.HasSubstructMatch(_PROTONATED_NITROGEN):
            drop("value: drawn as an N-protonated cation (the step of a further site)")
            continue
        parent = neutral_parent(record.mol)
        if parent is None:
            drop("value: permanent charge or unreadable structure")
            continue
        if _tagged(record, "acidic") and has_weak_acid(parent):
            drop("value: tagged acidic in a molecule with an X-H acid (azole N-H, B-OH, ...)")
            continue
        groups.setdefault(Chem.MolToSmiles(parent), []).append(record)
    for smiles in sorted(groups):
        acid_steps = acid_steps_beside_basic_values(groups[smiles])
        for _ in acid_steps:
            drop("value: tagged acidic, far from the same molecule's values tagged basic (its acid step)")
        groups[smiles] = [r for r in groups[smiles] if not any(r is step for step in acid_steps)]
    single: dict[str, dict[str, Any]] = {}
    pending: list[tuple[str, Chem.Mol, tuple[int, str, float, list[float], str] | None]] = []
    for smiles in sorted(groups):
        values = [r.pka for r in groups[smiles]]
        with quiet_rdkit():
            mol = Chem.MolFromSmiles(smiles)
        if acid_groups(mol):
            drop("molecule: ionizable acidic group (zwitterion or acid)")
            continue
        outcome = _assign(mol, values)
        if isinstance(outcome, str) and not outcome.startswith("tie"):
            drop("molecule: " + outcome)
        elif isinstance(outcome, tuple) and outcome[4] == "single basic site":
            if max(values) - min(values) > MAX_SPREAD:
                drop("molecule: duplicate values disagree by more than 1.0")
            else:
                single[smiles] = _table_row(smiles, groups[smiles], outcome)
        else:
            pending.append((smiles, mol, outcome if isinstance(outcome, tuple) else None))
    first_pass = pd.DataFrame(list(single.values()), columns=list(TABLE_COLUMNS))
    rows = dict(single)
    if pending and len(first_pass) >= 10:
        checker = _new_regressor(max_features=CHECKER_MAX_FEATURES).fit(
            core_features(featurize_table(first_pass, checker_layout=True)), first_pass["pka"].to_numpy(dtype=float))
        for smiles, mol, current in pending:
            values = [r.pka for r in groups[smiles]]
            checked = _assign_by_model(checker, mol, values, current)
            if isinstance(checked, str):
                drop("molecule: " + checked)
            elif max(checked[3]) - min(checked[3]) > MAX_SPREAD:
                drop("molecule: duplicate values disagree by more than 1.0")
            else:
                rows[smiles] = _table_row(smiles, groups[smiles], checked)
    else:
        for _ in pending:
            drop("molecule: multi-site, no single-site data to check the assignment")
    table = pd.DataFrame([rows[s] for s in sorted(rows)], columns=list(TABLE_COLUMNS))
    return table, dropped


def curate_pka_sources(pka_dir: pathlib.Path) -> pd.DataFrame:
    """The curated site table from the raw files in ``pka_dir`` (see ``datasets/PKA_README.md``).

    Steps: keep 20-30 C (or unstated) values; largest fragment, neutralized;
    merge identical parents; drop molecules with ionizable acids; find basic
    sites by rule; a single-site molecule takes the median of its values, a
    multi-site molecule keeps its first (highest) pKa only when one site (or a
    set of symmetry-equivalent sites) is clearly the strongest; drop the rest.
    """
    pka_dir = pathlib.Path(pka_dir)
    records: list[RawRecord] = []
    found = False
    for name in DATAWARRIOR_FILES:
        if (pka_dir / name).is_file():
            records.extend(read_datawarrior(pka_dir / name))
            found = True
            break
    if (pka_dir / FLUORICLOGPPKA_FILE).is_file():
        records.extend(read_fluoriclogppka(pka_dir / FLUORICLOGPPKA_FILE))
        found = True
    if not found:
        raise ReactivityError(f"no pKa source files found in {pka_dir}")
    table, _ = curate_records(records)
    return table


# ----------------------------------------------------------------------------- training


def packaged_training_table() -> pd.DataFrame:
    """The curated table shipped in ``reactivity.datasets``."""
    text = resources.files("reactivity.datasets").joinpath("pka_training.csv").read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), keep_default_na=False)


def featurize_table(table: pd.DataFrame, checker_layout: bool = False) -> np.ndarray:
    """Feature matrix of the table's sites, in row order (``checker_layout``: the curation checker's columns, see
    :data:`reactivity.basicity.features.N_CHECKER_CATEGORIES`)."""
    blocks = []
    for smiles, atom, site_class in zip(table["smiles"], table["site_atom"], table["site_class"]):
        with quiet_rdkit():
            mol = Chem.MolFromSmiles(smiles)
        blocks.append(site_features(mol, [(int(atom), str(site_class))], checker_layout))
    return np.vstack(blocks)


#: Fraction of the feature columns each split of the site regressor draws from (0.5 beat 0.3 in cluster CV).
MAX_FEATURES = 0.5
#: The same for the single-site checker of the curation. The checker keeps its original settings and the core
#: (version 2) feature columns, so that improving the model's features does not change the curated table.
CHECKER_MAX_FEATURES = 0.3


def _new_regressor(n_estimators: int = 100, max_features: float = MAX_FEATURES) -> Any:
    """The site regressor (extremely randomized trees; fixed seed, so fits are reproducible)."""
    from sklearn.ensemble import ExtraTreesRegressor

    return ExtraTreesRegressor(
        n_estimators=n_estimators, min_samples_leaf=1, max_features=max_features, n_jobs=2, random_state=RANDOM_STATE
    )


def cluster_labels(smiles: Iterable[str], distance: float = CLUSTER_DISTANCE) -> np.ndarray:
    """Butina cluster id of each molecule (Morgan radius 2, 2,048 bits, Tanimoto distance cutoff).

    >>> cluster_labels(["CCN", "CCCN", "c1ccccc1"], 0.9).tolist()
    [0, 0, 1]
    """
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    fps = [generator.GetFingerprint(Chem.MolFromSmiles(s)) for s in smiles]
    dists: list[float] = []
    for i in range(1, len(fps)):
        sims = DataStructs.BulkTanimotoSimilarity(fps[i], fps[:i])
        dists.extend(1.0 - s for s in sims)
    clusters = Butina.ClusterData(dists, len(fps), distance, isDistData=True, reordering=True)
    labels = np.zeros(len(fps), dtype=int)
    for cluster_id, members in enumerate(sorted(clusters, key=lambda c: min(c))):
        labels[list(members)] = cluster_id
    return labels


def cluster_folds(labels: np.ndarray, folds: int = CV_FOLDS) -> np.ndarray:
    """Assign whole clusters to folds, largest clusters first, to the currently smallest fold (deterministic)."""
    sizes = np.bincount(labels)
    order = sorted(range(len(sizes)), key=lambda c: (-sizes[c], c))
    fold_of_cluster = np.zeros(len(sizes), dtype=int)
    load = [0] * folds
    for cluster in order:
        target = min(range(folds), key=lambda f: (load[f], f))
        fold_of_cluster[cluster] = target
        load[target] += sizes[cluster]
    return fold_of_cluster[labels]


def random_cluster_folds(labels: np.ndarray, seed: int, folds: int = CV_FOLDS) -> np.ndarray:
    """Assign whole clusters to folds at random (``numpy`` seed), each cluster to one fold: the other splits of
    the same clusters that show how much one split's figures move.

    >>> folds = random_cluster_folds(np.array([0, 0, 1, 2, 2]), seed=0, folds=2)
    >>> bool(folds[0] == folds[1] and folds[3] == folds[4])
    True
    """
    fold_of_cluster = np.random.default_rng(seed).integers(0, folds, size=int(labels.max()) + 1)
    return fold_of_cluster[labels]


def cross_validate(table: pd.DataFrame, features: np.ndarray, fold: np.ndarray | None = None) -> pd.DataFrame:
    """Out-of-fold predictions and applicability under the cluster split (``fold``: another assignment of the
    rows to folds, such as :func:`random_cluster_folds`)."""
    labels = cluster_labels(table["smiles"])
    if fold is None:
        fold = cluster_folds(labels)
    y = table["pka"].to_numpy(dtype=float)
    predicted = np.zeros(len(y))
    applicability = np.zeros(len(y))
    for k in range(CV_FOLDS):
        test = fold == k
        model = _new_regressor().fit(features[~test], y[~test])
        predicted[test] = model.predict(features[test])
        view = similarity_view(features)
        applicability[test] = minmax_similarity(view[test], view[~test]).max(axis=1)
    return pd.DataFrame(
        {"smiles": table["smiles"], "site_class": table["site_class"], "pka": y, "predicted": predicted,
         "applicability": applicability, "cluster": labels, "fold": fold}
    )


def band_halfwidths(oof: pd.DataFrame) -> dict[str, tuple[float, ...]]:
    """Per site class, the 90 % quantile of the absolute CV error in each applicability bin.

    Bins with fewer than 20 sites take the class-wide quantile (or the global
    one for classes with fewer than 20 sites); bands are at least 0.3 wide and
    never wider for more similar sites.
    """
    errors = (oof["predicted"] - oof["pka"]).abs().to_numpy()
    app = oof["applicability"].to_numpy()
    classes = oof["site_class"].to_numpy()
    overall = float(np.quantile(errors, BAND_QUANTILE))
    table: dict[str, tuple[float, ...]] = {}
    for site_class in sorted(set(classes)):
        in_class = classes == site_class
        class_q = float(np.quantile(errors[in_class], BAND_QUANTILE)) if in_class.sum() >= 20 else overall
        widths = []
        low = 0.0
        for edge in BAND_EDGES:
            mask = in_class & (app >= low) & (app < edge)
            widths.append(float(np.quantile(errors[mask], BAND_QUANTILE)) if mask.sum() >= 20 else class_q)
            low = edge
        for i in range(1, len(widths)):  # more similar data never gives a wider band
            widths[i] = min(widths[i], widths[i - 1])
        table[site_class] = tuple(round(max(0.3, w), 2) for w in widths)
    table["*"] = (round(overall, 2),) * len(BAND_EDGES)
    return table


def metrics(oof: pd.DataFrame, mask: np.ndarray | None = None) -> dict[str, float]:
    """MAE, RMSE and count of out-of-fold predictions (optionally on a subset)."""
    frame = oof if mask is None else oof[mask]
    err = frame["predicted"].to_numpy() - frame["pka"].to_numpy()
    return {
        "n": int(len(err)),
        "mae": round(float(np.abs(err).mean()), 3) if len(err) else float("nan"),
        "rmse": round(float(np.sqrt((err**2).mean())), 3) if len(err) else float("nan"),
    }


ALPHA_AMINO_AMIDE = Chem.MolFromSmarts("[NX3;!$(N-C=O)]-[CX4]-C(=O)-[#7]")


def alpha_amino_amide_mask(table: pd.DataFrame) -> np.ndarray:
    """Rows whose site is the amine N of an N-C-C(=O)N unit (the N4 analogues)."""
    out = []
    for smiles, atom in zip(table["smiles"], table["site_atom"]):
        mol = Chem.MolFromSmiles(smiles)
        out.append(any(m[0] == int(atom) for m in mol.GetSubstructMatches(ALPHA_AMINO_AMIDE)))
    return np.array(out, dtype=bool)


def build_model(table: pd.DataFrame, with_validation: bool = True) -> dict[str, Any]:
    """Fit the final model on the whole table; calibrate the bands by cluster cross-validation."""
    table = table.reset_index(drop=True)
    features = featurize_table(table)
    y = table["pka"].to_numpy(dtype=float)
    model = TreeEnsemble.from_sklearn(_new_regressor().fit(features, y))
    artefact: dict[str, Any] = {
        "format": "reactivity-pka-model/2",
        "feature_version": FEATURE_VERSION,
        "model": model,
        "train_features": similarity_view(features).astype(np.float32),
        "train_names": tuple(str(n) for n in table["name"]),
        "train_smiles": tuple(str(s) for s in table["smiles"]),
        "train_pka": tuple(float(v) for v in y),
        "band_edges": BAND_EDGES,
        "band_halfwidths": {"*": (3.0,) * len(BAND_EDGES)},
        "validation": {},
    }
    if with_validation:
        oof = cross_validate(table, features)
        aliphatic = (oof["site_class"] == "aliphatic_amine").to_numpy()
        artefact["band_halfwidths"] = band_halfwidths(oof)
        artefact["validation"] = {
            "split": f"Butina clusters (Morgan r2, distance {CLUSTER_DISTANCE}), {CV_FOLDS} folds",
            "overall": metrics(oof),
            "aliphatic_amine": metrics(oof, aliphatic),
            "alpha_amino_amide": metrics(oof, alpha_amino_amide_mask(table)),
            "by_class": {c: metrics(oof, (oof["site_class"] == c).to_numpy()) for c in sorted(set(oof["site_class"]))},
        }
    return artefact


def train_pka_model(output_dir: pathlib.Path, source_dir: pathlib.Path | None = None) -> pathlib.Path:
    """Train the pKa model and write ``pka_model.npz`` into ``output_dir``; return its path.

    With ``source_dir`` None the packaged curated table is used (deterministic
    rebuild); otherwise the raw files in ``source_dir`` are curated first and
    the curated table is written next to the model as ``pka_training.csv``, with the two check tables of the
    basicity titration and acid rules (``pka_stepwise.csv``, ``pka_acid_check.csv``).
    """
    output_dir = pathlib.Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    if source_dir is None:
        table = packaged_training_table()
    else:
        table = curate_pka_sources(pathlib.Path(source_dir))
        table.to_csv(output_dir / "pka_training.csv", index=False, lineterminator="\n")
        write_check_sets(pathlib.Path(source_dir), output_dir)
    artefact = build_model(table)
    path = output_dir / MODEL_ARTEFACT
    path.write_bytes(pka_model_bytes(artefact))
    return path


def holdout_prediction(
    table: pd.DataFrame, targets: dict[str, float], similarity: float = 0.4, site_similarity: float | None = None
) -> pd.DataFrame:
    """Remove target molecules and their near-duplicates, retrain on the rest, and predict the targets.

    Near-duplicates: whole-molecule Morgan r2 Tanimoto >= ``similarity``, and,
    when ``site_similarity`` is given, every training site whose feature
    vector has a min/max similarity >= ``site_similarity`` to the target's
    most basic site (a much harsher hold-out). ``targets`` maps SMILES to the
    literature value quoted for comparison. The reported prediction is the
    most basic site of the target.
    """
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    fps = [generator.GetFingerprint(Chem.MolFromSmiles(s)) for s in table["smiles"]]
    features = featurize_table(table)
    keep = np.ones(len(table), dtype=bool)
    removed: dict[str, int] = {}
    for smiles in targets:
        mol = Chem.MolFromSmiles(smiles)
        sims = np.array(DataStructs.BulkTanimotoSimilarity(generator.GetFingerprint(mol), fps))
        near = (sims >= similarity) | (table["smiles"].to_numpy() == Chem.CanonSmiles(smiles))
        if site_similarity is not None:
            target_features = similarity_view(site_features(mol, find_basic_sites(mol)))
            site_sims = minmax_similarity(target_features, similarity_view(features)).max(axis=0)
            near |= site_sims >= site_similarity
        removed[smiles] = int(near.sum())
        keep &= ~near
    model = _new_regressor().fit(features[keep], table["pka"].to_numpy(dtype=float)[keep])
    rows = []
    for smiles, literature in targets.items():
        mol = Chem.MolFromSmiles(smiles)
        strongest = max(model.predict(site_features(mol, find_basic_sites(mol))))
        rows.append({"smiles": smiles, "literature": literature, "predicted": round(float(strongest), 2),
                     "removed_from_training": removed[smiles], "training_rows_left": int(keep.sum())})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- check sets (stepwise pKa, acids)

#: Values of one molecule closer than this are taken as one dissociation step (duplicates of a measurement).
STEP_GAP = 0.3
STEPWISE_COLUMNS = ("name", "smiles", "set", "n_sites", "measured_pkas", "temp_c", "confidence", "source", "records",
                    "reference", "licence")
ACID_CHECK_COLUMNS = ("name", "smiles", "site_atom", "site_class", "pka", "n_values", "temp_c", "confidence", "source",
                      "records", "reference", "licence")


def _steps(values: list[float]) -> list[float]:
    """Measured values grouped into dissociation steps (median of each group), highest first.

    >>> _steps([9.93, 5.81, 9.9])
    [9.91, 5.81]
    """
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= STEP_GAP:
            groups[-1].append(value)
        else:
            groups.append([value])
    return sorted((round(statistics.median(g), 2) for g in groups), reverse=True)


def curate_check_sets(records: Iterable[RawRecord]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two validation tables from raw DataWarrior records (never used for training):

    - stepwise: molecules whose only ionizable sites are 2-6 aliphatic amines (``polyamine``), or one aliphatic
      amine and one carboxylic acid (``amino_acid``), with as many measured steps as sites;
    - acids: molecules with exactly one acidic class-rule site and no basic site, one step.
    """
    from .basicity import find_class_sites

    grouped: dict[str, list[RawRecord]] = {}
    for record in records:
        if record.source != "DataWarrior" or not _temperature_ok(record.temp_c):
            continue
        parent = neutral_parent(record.mol)
        if parent is None:
            continue
        # a hydroxypyridine-type drawing is read as its lactam, as the predictions read it (one compound, one group)
        grouped.setdefault(Chem.MolToSmiles(azine_lactam_form(parent)), []).append(record)
    stepwise, acids = [], []
    for smiles in sorted(grouped):
        group = grouped[smiles]
        mol = Chem.MolFromSmiles(smiles)
        if mol is None:
            continue
        bases = find_basic_sites(mol)
        classes = find_class_sites(mol)
        steps = _steps([r.pka for r in group])
        temps = sorted({r.temp_c for r in group if r.temp_c is not None})
        common = {
            "name": f"DataWarrior record {min(group, key=lambda r: r.record_id).record_id}",
            "smiles": smiles,
            "temp_c": ";".join(f"{t:g}" for t in temps),
            "source": "DataWarrior",
            "records": ";".join(sorted(f"DataWarrior:{r.record_id}" for r in group)),
            "reference": DATAWARRIOR_REFERENCE,
            "licence": DATAWARRIOR_LICENCE,
        }
        kinds = [m.rule.site_class for m in classes]
        if not classes and 2 <= len(bases) <= 6 and all(c == "aliphatic_amine" for _, c in bases):
            if len(steps) == len(bases):
                stepwise.append({**common, "set": "polyamine", "n_sites": len(bases),
                                 "measured_pkas": ";".join(f"{v:g}" for v in steps),
                                 "confidence": "high" if temps else "medium"})
        elif len(bases) == 1 and bases[0][1] == "aliphatic_amine" and kinds == ["carboxylic_acid"]:
            if len(steps) == 2:
                stepwise.append({**common, "set": "amino_acid", "n_sites": 2,
                                 "measured_pkas": ";".join(f"{v:g}" for v in steps),
                                 "confidence": "high" if temps else "medium"})
        elif not bases and len(classes) == 1 and classes[0].rule.kind == "acid" and len(steps) == 1:
            acids.append({**common, "site_atom": classes[0].atom, "site_class": classes[0].rule.site_class,
                          "pka": steps[0], "n_values": len(group), "confidence": "high" if temps else "medium"})
    return (pd.DataFrame(stepwise, columns=list(STEPWISE_COLUMNS)),
            pd.DataFrame(acids, columns=list(ACID_CHECK_COLUMNS)))


def write_check_sets(pka_dir: pathlib.Path, output_dir: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """Curate the check tables from the DataWarrior file in ``pka_dir`` and write them into ``output_dir``."""
    records: list[RawRecord] = []
    for name in DATAWARRIOR_FILES:
        if (pka_dir / name).is_file():
            records.extend(read_datawarrior(pka_dir / name))
            break
    stepwise, acids = curate_check_sets(records)
    paths = (output_dir / "pka_stepwise.csv", output_dir / "pka_acid_check.csv")
    stepwise.to_csv(paths[0], index=False, lineterminator="\n")
    acids.to_csv(paths[1], index=False, lineterminator="\n")
    return paths


def packaged_check_table(name: str) -> pd.DataFrame:
    """A check table shipped in ``reactivity.datasets`` (``pka_stepwise.csv``, ``pka_acid_check.csv``)."""
    text = resources.files("reactivity.datasets").joinpath(name).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), keep_default_na=False)


def stepwise_check(table: pd.DataFrame, interaction: bool = True) -> pd.DataFrame:
    """Predicted vs measured stepwise pKa values of the stepwise table (one row per step, highest step first).

    ``interaction=False`` titrates the same site predictions as independent sites (the previous behaviour), for
    comparison.
    """
    return _steps_with(table, "INTERACTION_A", None if interaction else 0.0)


def _steps_with(table: pd.DataFrame, constant: str, value: float | None) -> pd.DataFrame:
    """:func:`_paired_steps` of a check table's molecules, predicted with the titration's ``constant`` set to ``value``
    for the call (the shipped value when None)."""
    from .basicity import predict_basicity_many, titration

    mols = [Chem.MolFromSmiles(s) for s in table["smiles"]]
    saved = getattr(titration, constant)
    try:
        setattr(titration, constant, saved if value is None else value)
        return _paired_steps(table, predict_basicity_many(mols, rings=[()] * len(mols), workup=False))
    finally:
        setattr(titration, constant, saved)


def _paired_steps(table: pd.DataFrame, results: Sequence[Any]) -> pd.DataFrame:
    """One row per measured step of each molecule (``measured_pkas``: highest first), paired with the predicted
    stepwise values in the same order, highest first."""
    rows = []
    for (_, row), result in zip(table.iterrows(), results):
        measured = [float(v) for v in str(row["measured_pkas"]).split(";")]
        predicted = sorted((step.pka for step in result.macro_pkas), reverse=True)
        for k, (m, p) in enumerate(zip(measured, predicted), start=1):
            rows.append({"name": row["name"], "smiles": row["smiles"], "set": row.get("set", ""), "step": k,
                         "measured": m, "predicted": p, "error": round(p - m, 2)})
    return pd.DataFrame(rows)


def zwitterion_microconstants(first: float, second: float, ring_n: float) -> tuple[float, float, float]:
    """The carboxyl's micro pKa with the ring N free and with it protonated, and their difference (the charge
    interaction), of a pyridinecarboxylic acid from its two stepwise values and the ring N value of the uncharged acid
    (``ring_n``; its methyl ester's, an assumption: an ester and a carboxyl withdraw alike). Thermodynamic cycle:
    K1 = k(COOH, ring NH+) + k(ring NH+, COOH); K1 K2 = k(ring NH+, COOH) k(COOH, ring N).

    >>> [round(x, 2) for x in zwitterion_microconstants(2.03, 4.83, 3.23)]  # nicotinic acid, methyl nicotinate
    [3.63, 2.06, 1.57]
    """
    cation_carboxyl = -math.log10(10 ** -first - 10 ** -ring_n)
    free_carboxyl = first + second - ring_n
    return free_carboxyl, cation_carboxyl, free_carboxyl - cation_carboxyl


def conjugated_ring_factor_scan(table: pd.DataFrame, factors: Sequence[float]) -> dict[float, float]:
    """Mean absolute error over every measured step of ``pka_aromatic_zwitterions.csv`` (a carboxylic acid and a
    pyridine or imidazole ring N joined by conjugated bonds) for each value of the titration's
    ``CONJUGATED_RING_FACTOR`` (steps paired highest first)."""
    errors = {factor: _steps_with(table, "CONJUGATED_RING_FACTOR", factor)["error"] for factor in factors}
    return {factor: round(float(error.abs().mean()), 3) for factor, error in errors.items()}


def acid_check(table: pd.DataFrame) -> pd.DataFrame:
    """Class-rule pKa vs measured value of the acid check table, with whether the band covers it."""
    from .basicity import find_class_sites

    rows = []
    for _, row in table.iterrows():
        mol = Chem.MolFromSmiles(row["smiles"])
        match = next(m for m in find_class_sites(mol) if m.atom == int(row["site_atom"]))
        error = round(match.pka_25 - float(row["pka"]), 2)
        rows.append({"smiles": row["smiles"], "site_class": match.rule.site_class, "measured": float(row["pka"]),
                     "predicted": match.pka_25, "error": error, "covered": abs(error) <= match.rule.band + 1e-9})
    return pd.DataFrame(rows)


def _two_site_inputs(table: pd.DataFrame) -> pd.DataFrame:
    """Micro pKa (site model or class rule, 25 C), bond distance and shortest-path count of the two-site rows."""
    from .basicity import find_basic_sites, find_class_sites, load_pka_model, shortest_path_counts

    model = load_pka_model()
    rows = []
    for _, row in table[table["n_sites"] == 2].iterrows():
        mol = Chem.MolFromSmiles(row["smiles"])
        bases = find_basic_sites(mol)
        acids = [m for m in find_class_sites(mol) if m.rule.kind == "acid"]
        predicted = model["model"].predict(site_features(mol, bases))
        atoms = [a for a, _ in bases] + [m.atom for m in acids]
        micro = [float(p) for p in predicted] + [m.pka_25 for m in acids]
        distance = Chem.GetDistanceMatrix(mol)
        neighbours = [[nb.GetIdx() for nb in atom.GetNeighbors()] for atom in mol.GetAtoms()]
        paths = shortest_path_counts(distance, neighbours, atoms[:1], atoms[1:])
        measured = sorted((float(v) for v in str(row["measured_pkas"]).split(";")), reverse=True)
        rows.append({"set": row["set"], "p1": micro[0], "p2": micro[1], "d": float(distance[atoms[0], atoms[1]]),
                     "m": float(paths[0, 0]), "high": measured[0], "low": measured[1]})
    return pd.DataFrame(rows)


def fit_stepwise_interaction(table: pd.DataFrame, folds: int = 5) -> dict[str, Any]:
    """Grid fit of the titration's interaction W(d, m) = A exp(-(d - 2)/L) (1 + c (m - 1)) on the two-amine rows
    of the stepwise table (second-step MAE), then of the acid scale on the amino-acid rows; with a ``folds``-fold
    cross-validated second-step MAE of the diamine fit (fixed seed). Closed two-site formulas:
    diamine pKa_low = p1 + p2 - W - log10(10^p1 + 10^p2); amino acid pKa_high = log10(10^pa + 10^(pb + s W)).
    """
    data = _two_site_inputs(table)
    diamines = data[data["set"] == "polyamine"]
    amino = data[data["set"] == "amino_acid"]
    a_grid, l_grid, c_grid = np.arange(1.0, 6.01, 0.1), np.arange(0.5, 4.01, 0.1), np.arange(0.0, 1.01, 0.1)
    grid = np.array([(a, l, c) for a in a_grid for l in l_grid for c in c_grid])

    def diamine_errors(rows: pd.DataFrame) -> np.ndarray:
        d = np.maximum(rows["d"].to_numpy(), 2.0)
        w = (grid[:, 0:1] * np.exp(-(d[None, :] - 2.0) / grid[:, 1:2])
             * (1.0 + grid[:, 2:3] * (rows["m"].to_numpy()[None, :] - 1.0)))
        p1, p2 = rows["p1"].to_numpy(), rows["p2"].to_numpy()
        high = np.logaddexp(p1 * math.log(10), p2 * math.log(10)) / math.log(10)
        low = p1[None, :] + p2[None, :] - w - high[None, :]
        return np.abs(low - rows["low"].to_numpy()[None, :])

    errors = diamine_errors(diamines)
    best = int(np.argmin(errors.mean(axis=1)))
    a, l, c = (round(float(x), 2) for x in grid[best])
    rng = np.random.default_rng(RANDOM_STATE)
    order = rng.permutation(len(diamines))
    cv_errors = []
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        pick = int(np.argmin(errors[:, train].mean(axis=1)))
        cv_errors.extend(errors[pick, test].tolist())
    scales = np.arange(0.0, 1.51, 0.05)
    d = np.maximum(amino["d"].to_numpy(), 2.0)
    w = a * np.exp(-(d - 2.0) / l) * (1.0 + c * (amino["m"].to_numpy() - 1.0))
    pb, pa = amino["p1"].to_numpy(), amino["p2"].to_numpy()
    scale_errors = []
    for s in scales:
        high = np.logaddexp(pa * math.log(10), (pb + s * w) * math.log(10)) / math.log(10)
        low = pa + pb - high
        scale_errors.append(float(np.mean(np.abs(high - amino["high"]) + np.abs(low - amino["low"])) / 2.0))
    s_best = round(float(scales[int(np.argmin(scale_errors))]), 2)
    return {
        "A": a, "decay": l, "path_factor": c, "acid_scale": s_best,
        "n_diamines": len(diamines), "n_amino_acids": len(amino),
        "second_step_mae": round(float(errors[best].mean()), 3),
        "second_step_mae_cv": round(float(np.mean(cv_errors)), 3),
        "second_step_mae_no_interaction": round(float(np.abs(
            (diamines["p1"] + diamines["p2"] - np.logaddexp(diamines["p1"] * math.log(10), diamines["p2"] * math.log(10))
             / math.log(10)) - diamines["low"]).mean()), 3),
        "amino_acid_mae": round(min(scale_errors), 3),
    }

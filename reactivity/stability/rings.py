"""What the stability model needs to know about a ring: modifier features, ring-feature rules, N4 state, and the
reference compounds nearest to the molecule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rdkit import Chem, rdBase

from ..errors import RuleDataError
from ..molecule import quiet_rdkit, with_ring_info
from ..rules import compile_smarts, read_packaged_toml
from ..sites import RingSites
from ._base import _ACYLATED_N4, _ARTEFACT_NAME, _BASIC_N4, _model, resolve_references
from .results import ReferenceMatch

_ANCHORS = ("n1", "c2", "c3", "n4", "c5", "c6", "c7")


@dataclass(frozen=True, slots=True)
class RingRule:
    """One ring-feature SMARTS of ``ring_rules.toml`` with the ring locants its first atoms must be."""

    id: str
    feature: str
    pattern: Chem.Mol
    anchor: tuple[str, ...]
    rationale: str
    references: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


@lru_cache(maxsize=1)
def ring_rules() -> tuple[RingRule, ...]:
    """The ring-feature rules (compiled once; a bad SMARTS, anchor or reference fails here with RuleDataError)."""
    data = read_packaged_toml("ring_rules.toml", "reactivity.stability", "")
    out: list[RingRule] = []
    for entry in data.get("rule", []):
        for key in ("id", "feature", "smarts", "anchor", "rationale", "references", "must_match", "must_not_match"):
            if key not in entry:
                raise RuleDataError(f"ring_rules.toml: rule {entry.get('id', '?')} lacks {key!r}")
        anchor = tuple(str(a) for a in entry["anchor"])
        if not anchor or any(a and a not in _ANCHORS for a in anchor):
            raise RuleDataError(f"ring_rules.toml: rule {entry['id']} has a bad anchor {anchor}")
        resolve_references(entry["references"])
        out.append(RingRule(str(entry["id"]), str(entry["feature"]), compile_smarts(str(entry["smarts"]), str(entry["id"])),
                            anchor, str(entry["rationale"]), tuple(entry["references"]), tuple(entry["must_match"]),
                            tuple(entry["must_not_match"])))
    return tuple(out)


_HIT_CACHE: dict[tuple[int, tuple[int, ...]], tuple[Chem.Mol, dict[str, tuple[int, ...]]]] = {}


def ring_rule_hits(mol: Chem.Mol, ring: RingSites) -> dict[str, tuple[int, ...]]:
    """Ring features found by the rules for this ring: feature -> the matched atoms (first match, in atom order).

    A match counts only when its anchored atoms are this ring's own locants, so a 3-hydroxy group on another ring
    of the molecule does not make this ring a carbinolamide. Results are remembered for the molecule object at hand
    (one assessment asks several times).
    """
    key = (id(mol), ring.ring_atoms)
    cached = _HIT_CACHE.get(key)
    if cached is not None and cached[0] is mol:
        return dict(cached[1])
    hits = _ring_rule_hits(mol, ring)
    if len(_HIT_CACHE) > 256:
        _HIT_CACHE.clear()
    _HIT_CACHE[key] = (mol, hits)
    return dict(hits)


@lru_cache(maxsize=1)
def _anchored_rules() -> tuple[tuple[RingRule, tuple[tuple[int, str], ...]], ...]:
    """Each rule with its anchored positions: (SMARTS atom position, ring locant), found once."""
    return tuple((rule, tuple((i, name) for i, name in enumerate(rule.anchor) if name)) for rule in ring_rules())


def _ring_rule_hits(mol: Chem.Mol, ring: RingSites) -> dict[str, tuple[int, ...]]:
    hits: dict[str, tuple[int, ...]] = {}
    with rdBase.BlockLogs():  # RDKit's log silenced (nothing of it is reported here)
        for rule, anchored in _anchored_rules():
            if rule.feature in hits:  # an earlier rule found this feature: the first one is kept
                continue
            wanted = [(i, getattr(ring, name)) for i, name in anchored]
            matches = sorted(m for m in mol.GetSubstructMatches(rule.pattern, uniquify=False)
                             if all(m[i] == atom for i, atom in wanted))
            if matches:
                hits[rule.feature] = tuple(matches[0])
    return hits


def rule_matches_smiles(rule: RingRule, smiles: str) -> bool:
    """Whether a rule fires on any ring of a SMILES (used by the tests of the rule examples)."""
    from ..molecule import mol_from_smiles
    from ..perception import perceive

    mol = mol_from_smiles(smiles)
    return any(rule.feature in ring_rule_hits(mol, ring) for ring in perceive(mol))


# ------------------------------------------------------------------------------------------- ring classification
def _n1_on_aromatic(mol: Chem.Mol, ring: RingSites) -> bool:
    return any(a.GetIsAromatic() and a.GetIdx() != ring.c2 for a in mol.GetAtomWithIdx(ring.n1).GetNeighbors())


def ring_features(mol: Chem.Mol, ring: RingSites) -> tuple[str, ...]:
    """The modifier features of a ring (``applies`` values of ``stability_model.toml``), from perception's classes."""
    return _ring_features(mol, ring, ring_rule_hits(mol, ring))


def _ring_features(mol: Chem.Mol, ring: RingSites, hits: dict[str, tuple[int, ...]]) -> tuple[str, ...]:
    """:func:`ring_features` from the ring's :func:`ring_rule_hits`."""
    features = ["ring_size_7"]
    activation = set(ring.c2_activation)
    if ring.n1_class == "n_acyl" or "imide" in activation:
        features.append("imide")
    elif ring.n1_class == "n_sulfonyl" or "n_sulfonyl" in activation:
        features.append("n_sulfonyl")
    else:
        if "anilide" in activation or ring.n1_class == "n_aryl" or _n1_on_aromatic(mol, ring):
            features.append("anilide")
        if ring.n1_class == "n_alkyl":
            features.append("n1_alkyl")
    if "alpha_heteroatom" in activation or "c3_oxygen" in hits:  # a 3-hydroxy/3-acyloxy carbinolamide
        features.append("alpha_heteroatom")
    if "alpha_carbonyl" in activation:
        features.append("alpha_carbonyl")
    if "anilide" in features and "n1_anilide_nh" in hits:
        features.append("n1_anilide_nh")
    if ring.n4_class in _BASIC_N4:
        features.append("n4_basic")
    elif ring.n4_class == "imine":
        features.append("n4_imine")
    elif ring.n4_class in _ACYLATED_N4:
        features.append("n4_acyl")
    return tuple(features)


def _n4_is_quaternary(mol: Chem.Mol, ring: RingSites) -> bool:
    """Whether N4 is a quaternary ammonium: a cation with four heavy-atom neighbours (hydrogen atoms drawn explicitly
    are not substituents: an explicit-H drawing of a protonated N4 is not quaternary)."""
    atom = mol.GetAtomWithIdx(ring.n4)
    # a nitrogen cation with four heavy-atom neighbours has no hydrogen left: the neighbours say it all
    return atom.GetFormalCharge() > 0 and sum(1 for neighbour in atom.GetNeighbors() if neighbour.GetAtomicNum() > 1) == 4


def _n4_pka_for(ring: RingSites, given: float | None) -> tuple[float | None, str]:
    if ring.n4_class not in _BASIC_N4:
        return None, "not a basic amine"
    if given is not None:
        return float(given), "predicted (reactivity.basicity)"
    settings = _model()["n4"]
    low, high = settings["fallback_band"]
    return float(settings["fallback_pka"]), f"assumed (about 8, band {low:g}-{high:g}, from glycinamide/sarcosinamide/1-acetylpiperazine)"


# --------------------------------------------------------------------------------------------- reference panel NN
#: The reference-panel fingerprint: Morgan, radius 2, 2,048 bits, of the heavy-atom molecule.
FINGERPRINT_RADIUS = 2
FINGERPRINT_BITS = 2048


@lru_cache(maxsize=1)
def _generator() -> Any:
    from rdkit.Chem import rdFingerprintGenerator

    return rdFingerprintGenerator.GetMorganGenerator(radius=FINGERPRINT_RADIUS, fpSize=FINGERPRINT_BITS)


def reference_fingerprint(mol: Chem.Mol) -> np.ndarray:
    """Boolean Morgan fingerprint (radius 2, 2048 bits) of the heavy-atom molecule, as used by the panel model.

    >>> from reactivity.molecule import mol_from_smiles
    >>> int(reference_fingerprint(mol_from_smiles("O=C1CNCCCN1")).sum()) > 0
    True
    """
    with quiet_rdkit():
        heavy = mol
        if any(atom.GetAtomicNum() == 1 for atom in mol.GetAtoms()):
            heavy = Chem.RemoveHs(mol, sanitize=False)
            heavy.UpdatePropertyCache(strict=False)
            Chem.FastFindRings(heavy)
        bits = _generator().GetFingerprintAsNumPy(heavy)
    return np.asarray(bits, dtype=bool)


def reference_model_bytes(model: dict[str, Any]) -> bytes:
    """The reference-panel model as an array archive (:func:`reactivity.artefacts.array_archive_bytes`): the
    ``fingerprints`` array as a ``.npy`` member, every other field as JSON (read back by :func:`read_reference_model`)."""
    from ..artefacts import array_archive_bytes

    meta = {key: value for key, value in model.items() if key != "fingerprints"}
    return array_archive_bytes({"fingerprints": model["fingerprints"]}, meta)


def read_reference_model(data: bytes) -> dict[str, Any]:
    """The reference-panel model from the bytes of its array archive (no pickle): ``fingerprints`` (one boolean row
    per reference compound) and the JSON fields (names, SMILES, known behaviour, fact ids, validation)."""
    from ..artefacts import read_array_archive
    from ..errors import ModelIntegrityError

    content = read_array_archive(data)
    meta = content["meta"]
    if "fingerprints" not in content or not isinstance(meta, dict) or "ref_ids" not in meta:
        raise ModelIntegrityError(f"{_ARTEFACT_NAME}: not a reference-panel model; rebuild with 'reactivity train'")
    return {**meta, "fingerprints": content["fingerprints"]}


@lru_cache(maxsize=1)
def _reference_model() -> dict[str, Any]:
    """The packaged nearest-neighbour model (SHA-256 checked, loaded once per process)."""
    from ..artefacts import verified_artefact_bytes

    model = read_reference_model(verified_artefact_bytes(_ARTEFACT_NAME))
    packed = np.asarray(model["fingerprints"], dtype=bool)
    return {**model, "_dense": packed.astype(np.float32), "_counts": packed.sum(axis=1).astype(np.float32)}


def _match_from_row(model: dict[str, Any], index: int, similarity: float) -> ReferenceMatch:
    return ReferenceMatch(
        ref_id=model["ref_ids"][index], name=model["names"][index], smiles=model["smiles"][index],
        similarity=float(similarity), first_event=model["first_event"][index],
        profile_shape=model["profile_shape"][index], known_behaviour=model["known_behaviour"][index],
        fact_ids=tuple(model["fact_ids"][index]),
    )


def nearest_references(mol: Chem.Mol, k: int = 3) -> tuple[ReferenceMatch, ...]:
    """The ``k`` reference compounds most similar to a molecule (Tanimoto on the model's fingerprints; ties in
    panel order).

    >>> from reactivity.molecule import mol_from_smiles
    >>> nearest_references(mol_from_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"), k=1)[0].name
    'diazepam'
    """
    return nearest_references_batch([mol], k)[0]


def nearest_references_batch(mols: Sequence[Chem.Mol], k: int = 3) -> list[tuple[ReferenceMatch, ...]]:
    """:func:`nearest_references` for many molecules (one matrix product)."""
    if not mols:
        return []
    model = _reference_model()
    bits = np.vstack([reference_fingerprint(with_ring_info(m)) for m in mols]).astype(np.float32)
    common = bits @ model["_dense"].T
    union = model["_counts"][None, :] + bits.sum(axis=1)[:, None] - common
    similarity = np.divide(common, union, out=np.zeros_like(common), where=union > 0)
    panel_order = np.arange(similarity.shape[1])
    out = []
    for row in similarity:
        order = np.lexsort((panel_order, -row))[:k]
        out.append(tuple(_match_from_row(model, int(i), float(row[i])) for i in order))
    return out


def _applicability(matches: Sequence[ReferenceMatch]) -> tuple[float | None, str, float]:
    settings = _model()["applicability"]
    if not matches:
        return None, "unknown", 1.0
    best = matches[0].similarity
    if best > settings["in_domain_above"]:
        return best, "in_domain", 1.0
    if best > settings["borderline_above"]:
        return best, "borderline", float(settings["borderline_band"])
    return best, "out_of_domain", float(settings["out_of_domain_band"])




def imine_pkah_for(mol: Chem.Mol, ring: RingSites, given: float | None,
                   hits: dict[str, tuple[int, ...]] | None = None) -> tuple[float | None, str]:
    """pKaH of an imine N4 (4,5-azomethine): the predicted value when given, else the class value of the model file.

    Returns ``(None, reason)`` when N4 is not an imine. ``hits``: the ring's :func:`ring_rule_hits` when known.
    """
    if ring.n4_class != "imine":
        return None, "not an imine"
    if given is not None:
        return float(given), "predicted (reactivity.basicity)"
    settings = _model()["imine"]
    if "c3_oxygen" in (ring_rule_hits(mol, ring) if hits is None else hits):
        low, high = settings["carbinolamide_band"]
        return float(settings["carbinolamide_pkah"]), f"assumed (3-hydroxy ring class value, band {low:g}-{high:g})"
    low, high = settings["plain_band"]
    if not _is_benzodiazepine_imine(mol, ring.n4):
        return float(settings["plain_pkah"]), (
            f"assumed (no measured value for this imine: N4=C5 without the 5-aryl or 5-alkenyl benzodiazepine "
            f"conjugation; the benzodiazepine imine class value {float(settings['plain_pkah']):g} stands in, and a less "
            f"conjugated imine is likely more basic, so the true value may lie above the class band {low:g}-{high:g})")
    return float(settings["plain_pkah"]), f"assumed (benzodiazepine imine class value, band {low:g}-{high:g})"


def _is_benzodiazepine_imine(mol: Chem.Mol, n4: int) -> bool:
    """Whether the imine N4 is of the measured class: C5 on the fused arene and bonded to an aryl or alkenyl group
    (the ``bzd_imine_n4`` class rule of the pKa model)."""
    from ..basicity.sites import find_class_sites

    return any(match.rule.id == "bzd_imine_n4" for match in find_class_sites(mol, frozenset((n4,))))

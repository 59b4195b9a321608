"""Basic-site and acidic-group rules (``reactivity/data/basic_sites.toml``) and the site finder."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rdkit import Chem

from .. import tomlcache
from ..errors import RuleDataError
from ..molecule import canonical_ranks
from ..rules import checked_references, compile_screen, compile_smarts, require, rule_matches

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
    screen: Chem.Mol | None = None  # recursion-free superset of ``pattern`` (:func:`reactivity.rules.screen_smarts`)


@dataclass(frozen=True, slots=True)
class AcidRule:
    """A SMARTS rule for an ionizable acidic group (used by curation and in the assumptions)."""

    id: str
    smarts: str
    pattern: Chem.Mol
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]


def _field(entry: dict[str, Any], key: str, rule_id: str) -> Any:
    return require(entry, key, f"basic_sites.toml rule {rule_id!r}")


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
    data = _rule_file_data(text)
    sites = [
        SiteRule(
            site_class=str(_field(entry, "site_class", str(entry.get("id", "?")))),
            tier=int(_field(entry, "tier", str(entry.get("id", "?")))),
            **fields,
            screen=compile_screen(fields["smarts"], f"basic_sites.toml {entry.get('id', '?')}"),
        )
        for entry in data.get("site", [])
        for fields in (_common_rule_fields(entry),)
    ]
    acids = [AcidRule(**_common_rule_fields(entry)) for entry in data.get("acid_group", [])]
    if not sites:
        raise RuleDataError("basic_sites.toml: no [[site]] rules")
    if not isinstance(data.get("rules_version"), str):
        raise RuleDataError("basic_sites.toml: missing rules_version")
    return tuple(sites), tuple(acids)


def _rule_file_text() -> str:
    return resources.files("reactivity").joinpath("data/basic_sites.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _rule_file_data(text: str) -> dict[str, Any]:
    """The parsed TOML of a basic-site rule file (parsed once for the site, acid and uncovered-base rules; callers
    only read it)."""
    try:
        return tomlcache.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleDataError(f"basic_sites.toml: {exc}") from None


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[SiteRule, ...], tuple[AcidRule, ...]]:
    return parse_site_rules(_rule_file_text())


def site_rules() -> tuple[SiteRule, ...]:
    """The packaged basic-site rules, in matching order.

    >>> [rule.site_class for rule in site_rules()][:3]
    ['amidine', 'aliphatic_amine', 'aryl_amine']
    """
    return _rules()[0]


def acid_rules() -> tuple[AcidRule, ...]:
    """The packaged acidic-group rules."""
    return _rules()[1]


@lru_cache(maxsize=1)
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
        for match in rule_matches(mol, rule):
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


def n_hydroxyl_oxygens(mol: Chem.Mol) -> tuple[int, ...]:
    """The oxygens of every O-H on a nitrogen (oximes, hydroxylamines, hydroxamic acids, N-hydroxy amidines: the
    ``oxime_or_hydroxamic`` acid group of basic_sites.toml), in increasing order.

    >>> n_hydroxyl_oxygens(Chem.MolFromSmiles("CC=NO")), n_hydroxyl_oxygens(Chem.MolFromSmiles("CCO"))
    ((3,), ())
    """
    return tuple(sorted({match[0] for rule in _acid_rules_by_id().get("oxime_or_hydroxamic", ())
                         for match in mol.GetSubstructMatches(rule.pattern)}))


@lru_cache(maxsize=1)
def _acid_rules_by_id() -> dict[str, tuple[AcidRule, ...]]:
    table: dict[str, tuple[AcidRule, ...]] = {}
    for rule in acid_rules():
        table[rule.id] = (*table.get(rule.id, ()), rule)
    return table


@dataclass(frozen=True, slots=True)
class UncoveredGroupRule(AcidRule):
    """An ionizable group that neither the site model nor a class rule predicts (the first SMARTS atom is the site;
    the fields of :class:`AcidRule`); ``labels`` names it in the assumption that says so. The ``[[uncovered_base]]``
    rules name basic nitrogens, the ``[[uncovered_acid]]`` rules acidic groups."""

    labels: str = ""
    screen: Chem.Mol | None = None


#: The former name of :class:`UncoveredGroupRule` (it also holds the acid rules), kept for code that imports it.
UncoveredBaseRule = UncoveredGroupRule

UNCOVERED_SECTIONS = {"base": "uncovered_base", "acid": "uncovered_acid"}


def parse_uncovered_rules(text: str, kind: str = "base") -> tuple[UncoveredGroupRule, ...]:
    """The ``[[uncovered_base]]`` (``kind`` base) or ``[[uncovered_acid]]`` (``kind`` acid) rules of a basic-site rule
    file's TOML text (RuleDataError when one is malformed)."""
    data = _rule_file_data(text)
    return tuple(
        UncoveredGroupRule(labels=str(entry["labels"]), **fields,
                          screen=compile_screen(fields["smarts"], f"basic_sites.toml {fields['id']}"))
        for entry in data.get(UNCOVERED_SECTIONS[kind], [])
        for fields in (_common_rule_fields(entry),)
    )


@lru_cache(maxsize=2)
def uncovered_rules(kind: str) -> tuple[UncoveredGroupRule, ...]:
    """The packaged ``[[uncovered_base]]`` (``kind`` base) or ``[[uncovered_acid]]`` (``kind`` acid) rules."""
    return parse_uncovered_rules(_rule_file_text(), kind)


def uncovered_base_rules() -> tuple[UncoveredGroupRule, ...]:
    """The packaged ``[[uncovered_base]]`` rules."""
    return uncovered_rules("base")


def uncovered_groups(mol: Chem.Mol, kind: str = "base") -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(labels, site atoms) of every basic (``kind`` base) or acidic (``kind`` acid) group of ``mol`` that no site
    rule or class rule predicts.

    >>> uncovered_groups(Chem.MolFromSmiles("CC1=NCCC1"))[0][1]
    (2,)
    >>> uncovered_groups(Chem.MolFromSmiles("O=C1C[N+]([O-])=C(c2ccccc2)c2cc(Cl)ccc2N1"), "acid")[0][1]
    (19,)
    """
    found = []
    for rule in uncovered_rules(kind):
        atoms = tuple(sorted({match[0] for match in rule_matches(mol, rule)}))
        if atoms:
            found.append((rule.labels, atoms))
    return tuple(found)


def uncovered_bases(mol: Chem.Mol) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(labels, nitrogen atoms) of every basic group of ``mol`` that no site rule or class rule predicts.

    >>> uncovered_bases(Chem.MolFromSmiles("CC1=NCCC1"))[0][1]
    (2,)
    >>> uncovered_bases(Chem.MolFromSmiles("CC(=N)N"))
    ()
    """
    return uncovered_groups(mol, "base")


# ----------------------------------------------------------------------------- class rules (no model)

CLASS_SITE_FILE = "class_sites.toml"
SITE_KINDS = ("base", "acid", "permanent_cation")


@dataclass(frozen=True, slots=True)
class ClassSite:
    """An ionizable site predicted by a class rule (weak bases the model does not cover, acids, permanent cations)."""

    id: str
    kind: str
    site_class: str
    pattern: Chem.Mol
    pka: float
    band: float
    overrides_model: bool
    rationale: str
    references: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    screen: Chem.Mol | None = None  # recursion-free superset of ``pattern`` (:func:`reactivity.rules.screen_smarts`)
    #: the atoms of a match form one ionizable group (a hydrazine's two N): one site per group, and the group's other
    #: atoms are spoken for (no "uncovered base" note for them)
    one_site_per_group: bool = False


RING_POSITIONS = ("ortho", "meta", "para")


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A correction added to the class value of a site.

    Without a ``position``: added once when ``pattern`` (first atom = the site) matches. With a ``position``
    (ortho, meta or para): a ring substituent, added once for every group ``pattern`` finds at that position of the
    six-membered aromatic ring of :func:`ring_positions` (first atom = the ring atom, second = the group's
    atom bonded to it, outside that ring; a group may belong to a fused ring: the CH2 groups of a tetralin, the
    carbonyl of an indanone); each group takes the first such correction in file order.
    """

    id: str
    applies_to: tuple[str, ...]
    pattern: Chem.Mol
    delta: float
    rationale: str
    references: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    position: str = ""


@dataclass(frozen=True, slots=True)
class ClassMatch:
    """A class-rule site found in a molecule: its atom, rule, 25 C pKa and the corrections applied."""

    atom: int
    rule: ClassSite
    pka_25: float
    adjustments: tuple[Adjustment, ...]
    group: tuple[int, ...] = ()  # the group's atoms, for a rule with ``one_site_per_group``


def parse_class_rules(text: str, known_references: frozenset[str] | None = None) -> tuple[tuple[ClassSite, ...], tuple[Adjustment, ...]]:
    """Parse the class-rule TOML; unknown reference ids, kinds or classes fail here (RuleDataError).

    >>> parse_class_rules('[[class_site]]\\nid="x"\\nkind="neither"\\n')
    Traceback (most recent call last):
    ...
    reactivity.errors.RuleDataError: class_sites.toml rule 'x': missing field 'site_class'
    """
    try:
        data = tomlcache.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleDataError(f"{CLASS_SITE_FILE}: {exc}") from None

    def get(entry: dict[str, Any], key: str) -> Any:
        return require(entry, key, f"{CLASS_SITE_FILE} rule {entry.get('id', '?')!r}")

    def refs(entry: dict[str, Any]) -> tuple[str, ...]:
        ids = get(entry, "references")
        if known_references is None:
            return tuple(str(r) for r in ids)
        return checked_references(ids, f"{CLASS_SITE_FILE} rule {entry.get('id')!r}", known_references)

    sites = []
    for entry in data.get("class_site", []):
        rule_id = str(get(entry, "id"))
        kind = str(get(entry, "kind"))
        site_class = str(get(entry, "site_class"))
        if kind not in SITE_KINDS:
            raise RuleDataError(f"{CLASS_SITE_FILE} rule {rule_id!r}: kind must be one of {SITE_KINDS}, got {kind!r}")
        sites.append(
            ClassSite(
                id=rule_id, kind=kind, site_class=site_class,
                pattern=compile_smarts(str(get(entry, "smarts")), f"{CLASS_SITE_FILE} {rule_id}"),
                pka=float(get(entry, "pka")), band=float(get(entry, "band")),
                overrides_model=bool(entry.get("overrides_model", False)), rationale=str(get(entry, "rationale")),
                references=refs(entry), must_match=tuple(get(entry, "must_match")),
                must_not_match=tuple(get(entry, "must_not_match")), screen=compile_screen(str(get(entry, "smarts")), f"{CLASS_SITE_FILE} {rule_id}"),
                one_site_per_group=bool(entry.get("one_site_per_group", False)),
            )
        )
    ids = {site.id for site in sites}
    adjustments = []
    ring_groups: dict[str, Chem.Mol] = {}
    for entry in data.get("adjustment", []):
        rule_id = str(get(entry, "id"))
        applies = tuple(str(x) for x in get(entry, "applies_to"))
        if not set(applies) <= ids:
            raise RuleDataError(f"{CLASS_SITE_FILE} adjustment {rule_id!r}: unknown classes {sorted(set(applies) - ids)}")
        position = str(entry.get("position", ""))
        if position and position not in RING_POSITIONS:
            raise RuleDataError(f"{CLASS_SITE_FILE} adjustment {rule_id!r}: position must be one of {RING_POSITIONS}, got {position!r}")
        smarts = str(get(entry, "smarts"))
        if position and smarts in ring_groups:  # one query per group: its ortho, meta and para corrections share it
            pattern = ring_groups[smarts]
        else:
            pattern = compile_smarts(smarts, f"{CLASS_SITE_FILE} {rule_id}")
            if position:
                ring_groups[smarts] = pattern
        if position and pattern.GetNumAtoms() < 2:
            raise RuleDataError(f"{CLASS_SITE_FILE} adjustment {rule_id!r}: a ring substituent needs the ring atom and the group's first atom")
        adjustments.append(
            Adjustment(
                id=rule_id, applies_to=applies, pattern=pattern,
                delta=float(get(entry, "delta")), rationale=str(get(entry, "rationale")), references=refs(entry),
                must_match=tuple(get(entry, "must_match")), must_not_match=tuple(get(entry, "must_not_match")),
                position=position,
            )
        )
    return tuple(sites), tuple(adjustments)


@lru_cache(maxsize=1)
def class_rules() -> tuple[tuple[ClassSite, ...], tuple[Adjustment, ...]]:
    """The packaged class rules and corrections (reference ids checked against the reference list).

    >>> sorted({rule.kind for rule in class_rules()[0]})
    ['acid', 'base', 'permanent_cation']
    """
    from ..rules import load_references

    text = resources.files("reactivity.basicity").joinpath(CLASS_SITE_FILE).read_text(encoding="utf-8")
    return parse_class_rules(text, frozenset(load_references()))


@lru_cache(maxsize=1)
def _corrections_by_rule() -> dict[str, tuple[tuple[Adjustment, ...], tuple[Adjustment, ...]]]:
    """For each class rule id: its plain corrections and its ring-substituent corrections, in file order (looked up
    once, not searched for among all corrections at every site)."""
    plain: dict[str, list[Adjustment]] = {}
    ring: dict[str, list[Adjustment]] = {}
    for adj in class_rules()[1]:
        for rule_id in adj.applies_to:
            (ring if adj.position else plain).setdefault(rule_id, []).append(adj)
    return {rule_id: (tuple(plain.get(rule_id, ())), tuple(ring.get(rule_id, ()))) for rule_id in {*plain, *ring}}


def find_class_sites(mol: Chem.Mol, atoms: frozenset[int] | None = None) -> tuple[ClassMatch, ...]:
    """Class-rule sites of a prepared molecule (first matching rule per atom), atoms in increasing order;
    ``atoms`` limits the search to those atoms (the parent fragment of a salt).

    >>> [(m.atom, m.rule.site_class, m.pka_25) for m in find_class_sites(Chem.MolFromSmiles("OC(=O)c1ccccc1"))]
    [(0, 'carboxylic_acid', 4.2)]
    """
    rules = class_rules()[0]
    corrections = _corrections_by_rule()
    found: dict[int, ClassSite] = {}
    groups: dict[int, tuple[int, ...]] = {}
    for rule in rules:
        matches = rule_matches(mol, rule)
        if rule.one_site_per_group and matches:
            matches = _one_site_per_group(mol, matches)
        for match in matches:
            if (atoms is None or match[0] in atoms) and match[0] not in found:
                found[match[0]] = rule
                if rule.one_site_per_group:
                    groups[match[0]] = tuple(sorted(match))
    out = []
    for atom in sorted(found):
        rule = found[atom]
        plain, ring_groups = corrections.get(rule.id, ((), ()))
        used = tuple(adj for adj in plain
                     if any(m[0] == atom for m in mol.GetSubstructMatches(adj.pattern, uniquify=False)))
        if ring_groups:
            used += ring_substituents(mol, atom, ring_groups)
        out.append(ClassMatch(atom, rule, round(rule.pka + sum(a.delta for a in used), 2) + 0.0, used,
                              groups.get(atom, ())))
    return tuple(out)


def _one_site_per_group(mol: Chem.Mol, matches: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """One match per atom set: when a group matches with either of two atoms as the site (1,2-dimethylhydrazine), the
    one of highest canonical rank, which does not depend on the atom order (two such atoms are symmetry-equivalent or
    told apart by the canonical ranking, never by their numbers).

    >>> mol = Chem.MolFromSmiles("CNNC")
    >>> len(_one_site_per_group(mol, ((1, 2), (2, 1))))
    1
    """
    ranks: list[int] | None = None
    best: dict[frozenset[int], tuple[int, ...]] = {}
    for match in matches:
        key = frozenset(match)
        if key not in best:
            best[key] = match
            continue
        if ranks is None:
            ranks = canonical_ranks(mol, break_ties=True)
        if ranks[match[0]] > ranks[best[key][0]]:
            best[key] = match
    return tuple(best.values())


def ring_positions(mol: Chem.Mol, site: int) -> dict[int, str]:
    """The atoms of the six-membered aromatic ring that carries the site's neighbour (a phenol O's ring carbon, the
    ipso atom) and their positions, by atom index; when no neighbour is in a ring, the ring bonded to a neighbour (a
    benzoic acid's carboxyl carbon, a benzenesulfonamide's sulfur); when the site is itself an atom of one such ring
    (a pyridine N), that ring, with the site as ipso. Empty when there is no such ring.

    >>> ring_positions(Chem.MolFromSmiles("Oc1ccccc1"), 0)
    {1: 'ipso', 2: 'ortho', 3: 'meta', 4: 'para', 5: 'meta', 6: 'ortho'}
    >>> ring_positions(Chem.MolFromSmiles("OC(=O)c1ccccc1"), 0)[6]
    'para'
    >>> ring_positions(Chem.MolFromSmiles("CC(=O)c1ccc(C)cn1"), 8)[5]  # a ring N site: its own ring
    'meta'
    """
    rings = [ring for ring in mol.GetRingInfo().AtomRings()
             if len(ring) == 6 and all(mol.GetAtomWithIdx(a).GetIsAromatic() for a in ring)]
    # a site that is a ring atom itself (a pyridine N) counts the positions from itself
    found = [(site, ring) for ring in rings if site in ring]
    if len(found) != 1:
        neighbours = mol.GetAtomWithIdx(site).GetNeighbors()
        # a ring on the site's own neighbour comes first (the N-aryl ring of a sulfonanilide, not its S-aryl ring)
        candidates = [a.GetIdx() for a in neighbours if a.IsInRing()] or [
            b.GetIdx() for a in neighbours if not a.IsInRing() for b in a.GetNeighbors() if b.GetIdx() != site]
        found = [(anchor, ring) for anchor in candidates for ring in rings if anchor in ring]
    if len({anchor for anchor, _ in found}) != 1:  # none, or two rings to choose from: no positions (drawing-blind)
        return {}
    anchor, ring = found[0]
    start = ring.index(anchor)
    names = ("ipso", "ortho", "meta", "para", "meta", "ortho")
    return {ring[(start + k) % 6]: names[k] for k in range(6)}


def ring_substituents(mol: Chem.Mol, site: int, groups: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    """The ring-substituent corrections of a site: one per group found (see :class:`Adjustment`), ortho before meta
    before para, by id within a position (so the list does not depend on the atom order).

    >>> phenol = tuple(a for a in class_rules()[1] if a.applies_to == ("phenol",) and a.position)
    >>> [a.id for a in ring_substituents(Chem.MolFromSmiles("Oc1c(Cl)cc(C)cc1Cl"), 0, phenol)]
    ['phenol_ortho_chloro', 'phenol_ortho_chloro', 'phenol_para_alkyl']
    """
    positions = ring_positions(mol, site)
    if not positions:
        return ()
    taken: dict[int, Adjustment] = {}  # group atom -> its correction
    found: dict[int, tuple[tuple[int, ...], ...]] = {}  # the corrections of one group share its query
    for adj in groups:
        key = id(adj.pattern)
        if key not in found:
            found[key] = mol.GetSubstructMatches(adj.pattern, uniquify=False)
        for match in found[key]:
            ring_atom, group_atom = match[0], match[1]
            if positions.get(ring_atom) == adj.position and group_atom not in positions and group_atom not in taken:
                taken[group_atom] = adj
    return tuple(sorted(taken.values(), key=lambda adj: (RING_POSITIONS.index(adj.position), adj.id)))

"""Nitrosatable nitrogens, their N-nitroso products, and the CPCA category of each product.

>>> risk = nitrosamine_risk(Chem.MolFromSmiles("O=C1CNCCCN1"))   # 1,4-diazepan-2-one
>>> [(p.site, p.atom, p.nitroso_smiles, p.alpha_h_counts, p.potency_score, p.category) for p in risk.products]
[('N4', 3, 'O=NN1CCCNC(=O)C1', (2, 2), 3, 3)]
>>> risk.products[0].ai_ng_per_day
{'fda': 400.0, 'ema': 400.0}
>>> [(s.atom, s.nitrogen_class) for s in risk.not_precursors]
[(7, 'amide')]
>>> nitrosamine_risk(Chem.MolFromSmiles("CCN(CC)N=O")).most_potent_category   # NDEA
1
"""

from __future__ import annotations

from collections.abc import Sequence

from rdkit import Chem

from ..errors import MoleculeParseError
from ..molecule import as_read, free_base_view, quiet_rdkit
from ..rules import load_references
from ..sites import RingSites
from ..species import describe_species, species_smiles
from .results import CpcaFeature, NitrogenSite, NitrosamineRisk, NitrosoProduct
from .rules import CpcaRules, Feature, NitrogenClass, load_cpca_rules

_SOURCE = "_rx_nitrosamine_src"


def classify_nitrogens(mol: Chem.Mol, rules: CpcaRules | None = None) -> dict[int, NitrogenClass]:
    """Atom index -> nitrogen class (first class by priority) for every classified nitrogen of ``mol``.

    ``mol`` is taken as it is (no free-basing): callers pass a free-base view without H atoms.

    >>> {i: c.value for i, c in classify_nitrogens(Chem.MolFromSmiles("CNCCN(C)C")).items()}
    {1: 'secondary_amine', 4: 'tertiary_amine'}
    """
    rules = rules or load_cpca_rules()
    out: dict[int, NitrogenClass] = {}
    for cls in rules.nitrogen_classes:
        for match in mol.GetSubstructMatches(cls.pattern, uniquify=False):
            out.setdefault(match[0], cls)
    return dict(sorted(out.items()))


def _tag_sources(mol: Chem.Mol, source_of: dict[int, int]) -> Chem.RWMol:
    editable = Chem.RWMol(mol)
    for atom in editable.GetAtoms():
        if atom.GetIdx() in source_of:
            atom.SetIntProp(_SOURCE, source_of[atom.GetIdx()])
    return editable


def _fragment_of(editable: Chem.RWMol, atom_index: int) -> tuple[Chem.Mol, int]:
    """The connected fragment holding ``atom_index`` (sanitized), and the atom's index in it."""
    marker = "_rx_keep"
    editable.GetAtomWithIdx(atom_index).SetBoolProp(marker, True)
    fragments = Chem.GetMolFrags(editable, asMols=False, sanitizeFrags=False)
    keep = next(f for f in fragments if atom_index in f)
    for index in sorted((a.GetIdx() for a in editable.GetAtoms() if a.GetIdx() not in keep), reverse=True):
        editable.RemoveAtom(index)
    mol = editable.GetMol()
    with quiet_rdkit():
        try:
            Chem.SanitizeMol(mol)
        except Exception as exc:  # RDKit raises several unrelated exception classes here
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MoleculeParseError(f"nitrosamine: the N-nitroso product cannot be sanitized: {reason}") from None
    site = next(a.GetIdx() for a in mol.GetAtoms() if a.HasProp(marker))
    return mol, site


def _add_nitroso(editable: Chem.RWMol, nitrogen: int) -> None:
    atom = editable.GetAtomWithIdx(nitrogen)
    atom.SetNumExplicitHs(0)
    atom.SetNoImplicit(False)
    atom.SetFormalCharge(0)
    n_index = editable.AddAtom(Chem.Atom(7))
    o_index = editable.AddAtom(Chem.Atom(8))
    editable.AddBond(nitrogen, n_index, Chem.BondType.SINGLE)
    editable.AddBond(n_index, o_index, Chem.BondType.DOUBLE)


def _source(mol: Chem.Mol, index: int) -> int | None:
    atom = mol.GetAtomWithIdx(index)
    return atom.GetIntProp(_SOURCE) if atom.HasProp(_SOURCE) else None


def _nitroso_group(mol: Chem.Mol, site: int) -> set[int]:
    group = {site}
    for neighbour in mol.GetAtomWithIdx(site).GetNeighbors():
        if neighbour.GetAtomicNum() == 7 and any(
            b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(neighbour).GetAtomicNum() == 8
            for b in neighbour.GetBonds()
        ):
            group.add(neighbour.GetIdx())
            group.update(n.GetIdx() for n in neighbour.GetNeighbors() if n.GetAtomicNum() == 8)
    return group


def _anchored_matches(mol: Chem.Mol, pattern: Chem.Mol, site: int) -> list[tuple[int, ...]]:
    return [m for m in mol.GetSubstructMatches(pattern, uniquify=False, maxMatches=10000) if m[0] == site]


def _smallest_ring_through(mol: Chem.Mol, site: int) -> tuple[int, tuple[int, ...]]:
    """Size and atoms of the smallest ring through the site's ring bonds (0, () when acyclic)."""
    info = mol.GetRingInfo()
    best: tuple[int, tuple[int, ...]] = (0, ())
    for ring in info.AtomRings():
        if site in ring and (best[0] == 0 or len(ring) < best[0]):
            best = (len(ring), tuple(ring))
    sizes = [info.MinBondRingSize(b.GetIdx()) for b in mol.GetAtomWithIdx(site).GetBonds() if b.IsInRing()]
    if sizes and min(sizes) != best[0]:  # a smaller ring outside the SSSR atom rings: trust the bond sizes
        best = (min(sizes), best[1])
    return best


def _feature_atoms(mol: Chem.Mol, matches: list[tuple[int, ...]], skip: set[int]) -> tuple[int, ...]:
    atoms = {_source(mol, i) for m in matches for i in m if i not in skip}
    return tuple(sorted(a for a in atoms if a is not None))


def _evaluate(feature: Feature, mol: Chem.Mol, site: int, rules: CpcaRules, fired: set[str],
              skip: set[int]) -> CpcaFeature | None:
    matches: list[tuple[int, ...]] = []
    if feature.evaluation in ("gate", "anchored", "acyclic"):
        if feature.evaluation == "acyclic" and mol.GetAtomWithIdx(site).IsInRing():
            return None
        for pattern in feature.patterns:
            matches.extend(_anchored_matches(mol, pattern, site))
    elif feature.evaluation == "molecule":
        for pattern in feature.patterns:
            matches.extend(mol.GetSubstructMatches(pattern))
    elif feature.evaluation == "ring":
        size, ring_atoms = _smallest_ring_through(mol, site)
        if size not in feature.ring_sizes or any(u in fired for u in feature.unless):
            return None
        if feature.patterns:
            for pattern in feature.patterns:
                matches.extend(_anchored_matches(mol, pattern, site))
        else:
            matches = [ring_atoms]
    elif feature.evaluation == "sides":
        alpha_hit: set[int] = set()
        for side in rules.side_patterns_of(feature.group):
            for match in _anchored_matches(mol, side.pattern, site):
                alpha_hit.update(i for i in match[1:] if mol.GetAtomWithIdx(i).GetAtomicNum() == 6
                                 and mol.GetBondBetweenAtoms(site, i) is not None)
                matches.append(match)
        if not feature.sides_min <= len(alpha_hit) <= feature.sides_max:
            return None
    if not matches:
        return None
    return CpcaFeature(feature.id, feature.name, feature.kind, feature.score, _feature_atoms(mol, matches, skip))


def _assess(product: Chem.Mol, site: int, rules: CpcaRules, *, site_label: str, atom: int,
            ring_position: str | None, precursor: str, nitrogen_class: str,
            extra_notes: tuple[str, ...] = (), lost_group: tuple[int, ...] = ()) -> NitrosoProduct:
    alpha = [n for n in product.GetAtomWithIdx(site).GetNeighbors() if n.GetAtomicNum() == 6]
    # deuterium and tritium drawn as atoms count as hydrogens (a conservative reading: the CPCA counts hydrogens)
    counts_list = sorted(n.GetTotalNumHs(includeNeighbors=True) for n in alpha)
    if len(counts_list) != 2:
        raise MoleculeParseError(f"nitrosamine: the nitrogen at 0-based atom index {atom} does not carry two carbon substituents")
    counts = (counts_list[0], counts_list[1])
    row = rules.alpha_h_row(counts)
    if row is None:
        raise MoleculeParseError(f"nitrosamine: alpha-H counts {counts} are off the CPCA table")
    skip = _nitroso_group(product, site)
    fired: set[str] = set()
    found: list[CpcaFeature] = []
    for feature in rules.features:
        result = _evaluate(feature, product, site, rules, fired, skip)
        if result is not None:
            fired.add(feature.id)
            found.append(result)
    gates = [f for f in found if f.kind == "gate"]
    if row.gate or gates:
        basis = f"gate: alpha-H ({counts[0]},{counts[1]})" if row.gate else "gate: " + ", ".join(f.name.lower() for f in gates)
        category_row, score = rules.category(5), None
    else:
        score = row.score + sum(f.score for f in found)
        category_row, basis = rules.category_for_score(score), "potency score"
    notes = list(extra_notes)
    for note in rules.notes:
        if note.alpha_h is not None and note.alpha_h != counts:
            continue
        if _anchored_matches(product, note.pattern, site):
            notes.append(note.text)
    with quiet_rdkit():
        species = describe_species(product)
        smiles = species_smiles(product)
    return NitrosoProduct(
        site=site_label, atom=atom, ring_position=ring_position, precursor=precursor, nitrogen_class=nitrogen_class,
        nitroso_smiles=smiles, species=species, alpha_h_counts=counts, alpha_h_score=row.score,
        features=tuple(found), potency_score=score, category=category_row.category, category_basis=basis,
        ai_fda_ng_per_day=category_row.ai_fda, ai_ema_ng_per_day=category_row.ai_ema,
        notes=tuple(notes), lost_group_atoms=lost_group,
    )


_DEALKYLATION_NOTE = (
    "formed only by nitrosative dealkylation of the tertiary amine (loss of the group in lost_group_atoms as "
    "its aldehyde or ketone): much slower than nitrosation of a secondary amine"
)


_NO_DEALKYLATION = (
    "tertiary amine whose substituents are all ring members, aryl groups or carbons without H: no N-nitroso product "
    "by loss of an exocyclic alkyl group (ring-opening dealkylation is not enumerated)"
)


def _dealkylations(work: Chem.Mol, nitrogen: int, source_of: dict[int, int]) -> list[tuple[Chem.Mol, int, tuple[int, ...]]]:
    """Each N-nitroso product of losing one exocyclic sp3 C-H bearing substituent from a tertiary amine."""
    out: list[tuple[Chem.Mol, int, tuple[int, ...]]] = []
    seen: set[str] = set()
    for bond in work.GetAtomWithIdx(nitrogen).GetBonds():
        carbon = bond.GetOtherAtom(work.GetAtomWithIdx(nitrogen))
        if bond.IsInRing() or carbon.GetAtomicNum() != 6 or carbon.GetIsAromatic():
            continue
        if carbon.GetHybridization() != Chem.HybridizationType.SP3 or carbon.GetTotalNumHs(includeNeighbors=True) == 0:
            continue
        editable = _tag_sources(work, source_of)
        editable.RemoveBond(nitrogen, carbon.GetIdx())
        lost_fragment = next(f for f in Chem.GetMolFrags(editable, asMols=False, sanitizeFrags=False) if carbon.GetIdx() in f)
        if nitrogen in lost_fragment:  # the substituent is also attached elsewhere: no cleavage product
            continue
        _add_nitroso(editable, nitrogen)
        product, site = _fragment_of(editable, nitrogen)
        smiles = species_smiles(product)
        if smiles in seen:
            continue
        seen.add(smiles)
        out.append((product, site, tuple(sorted(source_of[i] for i in lost_fragment if i in source_of))))
    return out


def nitrosamine_risk(mol: Chem.Mol, rings: Sequence[RingSites] | None = None, *,
                     from_reader: bool = False) -> NitrosamineRisk:
    """Screen ``mol`` for nitrosamine risk: every nitrosatable nitrogen, its N-nitroso product, and the product's
    CPCA potency category with the acceptable intake under each agency (screening only).

    Salts are free-based and counter-ions ignored; explicit hydrogens are allowed. Atom indices are 0-based
    into ``mol``. ``rings``: the result of ``reactivity.perceive(mol)`` when the caller already has it (batch
    annotation), to know which nitrogens are ring N4/N1 without perceiving again. The molecule is read as the file
    readers read it (:func:`reactivity.molecule.as_read`) unless ``from_reader`` says it comes from them already.
    See the module docstring.
    """
    if not from_reader:
        mol = as_read(mol, "nitrosamine_risk()")
    from ..perception import perceive_with_view

    rules = load_cpca_rules()
    view = free_base_view(mol)  # mol has its ring information (as_read, or a reader's sanitization)
    work = view.mol
    Chem.GetSymmSSSR(work)
    source_of = {i: view.input_index(i) for i in range(work.GetNumAtoms())}
    if rings is None:
        rings = perceive_with_view(mol, from_reader=True)[0]
    n4_atoms = {ring.n4 for ring in rings}
    n1_atoms = {ring.n1 for ring in rings}
    products: list[NitrosoProduct] = []
    dealkylated: list[NitrosoProduct] = []
    others: list[NitrogenSite] = []
    for nitrogen, cls in classify_nitrogens(work, rules).items():
        atom = source_of[nitrogen]
        ring_position = "N4" if atom in n4_atoms else None
        label = "N4" if ring_position else "amine"
        if cls.precursor in ("present", "secondary"):
            editable = _tag_sources(work, source_of)
            if cls.precursor == "secondary":
                _add_nitroso(editable, nitrogen)
            product, site = _fragment_of(editable, nitrogen)
            products.append(_assess(
                product, site, rules, site_label="n_nitroso" if cls.precursor == "present" else label, atom=atom,
                ring_position=ring_position, precursor="n_nitroso_present" if cls.precursor == "present" else cls.value,
                nitrogen_class=cls.value,
            ))
        elif cls.precursor == "tertiary":
            cleavages = _dealkylations(work, nitrogen, source_of)
            if not cleavages:
                others.append(NitrogenSite(atom=atom, ring_position=ring_position, nitrogen_class=cls.value,
                                           reason=_NO_DEALKYLATION))
            for product, site, lost in cleavages:
                dealkylated.append(_assess(
                    product, site, rules, site_label=label, atom=atom, ring_position=ring_position,
                    precursor="tertiary_amine_dealkylation", nitrogen_class=cls.value,
                    extra_notes=(_DEALKYLATION_NOTE,), lost_group=lost,
                ))
        else:
            position = ring_position or ("N1" if atom in n1_atoms else None)
            others.append(NitrogenSite(atom=atom, ring_position=position, nitrogen_class=cls.value, reason=cls.rationale))
    known = load_references()
    # Order by chemistry, not by atom index: ring N4 first, then the most potent category, then the product SMILES.
    products.sort(key=lambda p: (p.site != "N4", p.category, p.nitroso_smiles))
    dealkylated.sort(key=lambda p: (p.site != "N4", p.category, p.nitroso_smiles))
    others.sort(key=lambda o: (o.ring_position is None, o.ring_position or "", o.nitrogen_class))
    return NitrosamineRisk(
        products=tuple(products),
        dealkylation_products=tuple(dealkylated),
        not_precursors=tuple(others),
        most_potent_category=min((p.category for p in products), default=None),
        guidance_version=rules.guidance_version,
        ruleset_version=rules.version,
        screening_note=rules.screening_note,
        references=tuple((ref, known[ref]) for ref in rules.guidance_references),
    )


def nitrosamine_risk_smiles(smiles: str) -> NitrosamineRisk:
    """:func:`nitrosamine_risk` of a SMILES (one-line :class:`MoleculeParseError` when it is bad).

    >>> nitrosamine_risk_smiles("CN(N=O)c1ccccc1").products[0].category   # NMPA
    2
    """
    from ..molecule import mol_from_smiles

    return nitrosamine_risk(mol_from_smiles(smiles))

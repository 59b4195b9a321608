"""Site perception: find every 1,4-diazepan-2-one ring and classify its sites.

All classification is done by the rules in ``data/site_rules.toml``, on a
free-base view of the molecule (protonated nitrogens neutralized, explicit
hydrogen atoms removed); every index reported refers to the caller's own
molecule.

>>> rings = perceive_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")   # diazepam
>>> ring = rings[0]
>>> (ring.n1, ring.c2, ring.o2, ring.c3, ring.n4, ring.c5)
(1, 2, 3, 4, 5, 6)
>>> (ring.ring_variant, ring.n1_class, ring.n4_class, ring.c2_activation)
('fused_aromatic', 'n_alkyl', 'imine', ('anilide',))
>>> related_scaffolds(Chem.MolFromSmiles("O=C1CCNCCN1"))
('1,4-diazepan-5-one', '1,4-diazepane (no lactam)')
"""

from __future__ import annotations

from functools import lru_cache

from rdkit import Chem

from .errors import MoleculeParseError
from .molecule import FreeBaseView, free_base_view, mol_from_smiles, quiet_rdkit
from .rules import SmartsRule, SiteRuleSet, compile_smarts, load_guidance, load_site_rules
from .sites import CompetingSite, Guidance, RingSites, Stereocentre

_ACID_FRAGMENT = Chem.MolFromSmarts("[$([CX3](=O)[OX2;H1]),$([SX4](=O)(=O)[OX2;H1]),$([PX4](=O)[OX2;H1]),$([F,Cl,Br,I;H1])]")
_STEREO_POSITIONS = ("C3", "C5", "C6", "C7")


def _ring_matches(mol: Chem.Mol, rules: SiteRuleSet) -> list[tuple[int, ...]]:
    """One core match per distinct ring (by its seven atoms), the orientation with the lower N1, sorted by N1."""
    best: dict[frozenset[int], tuple[int, ...]] = {}
    for match in mol.GetSubstructMatches(rules.core.pattern, uniquify=False, maxMatches=10000):
        ring = frozenset(match[:2] + match[3:])
        if ring not in best or match[0] < best[ring][0]:
            best[ring] = match
    return sorted(best.values(), key=lambda m: m[0])


def _fires_at(rule: SmartsRule, mol: Chem.Mol, site_atom: int, ring_atoms: frozenset[int]) -> bool:
    """Does ``rule`` match with its first atom on ``site_atom`` (and, if asked, an exocyclic second atom)?"""
    for match in mol.GetSubstructMatches(rule.pattern, uniquify=False, maxMatches=1000):
        if match[0] != site_atom:
            continue
        if rule.exocyclic_neighbor and match[1] in ring_atoms:
            continue
        return True
    return False


def _first_class(rules: tuple[SmartsRule, ...], mol: Chem.Mol, site_atom: int, ring_atoms: frozenset[int]) -> str:
    for rule in rules:
        if _fires_at(rule, mol, site_atom, ring_atoms):
            return rule.value
    return "other"


def _ring_variant(mol: Chem.Mol, match: tuple[int, ...]) -> str:
    ring = match[:2] + match[3:]  # drop O2: N1, C2, C3, N4, C5, C6, C7
    bonds = [mol.GetBondBetweenAtoms(ring[i], ring[(i + 1) % 7]) for i in range(7)]
    if any(bond.GetIsAromatic() for bond in bonds):
        return "fused_aromatic"
    if any(bond.GetBondType() != Chem.BondType.SINGLE for bond in bonds):
        return "unsaturated"
    return "saturated"


def _stereocentres(mol: Chem.Mol, positions: dict[str, int]) -> dict[int, str]:
    """Work-mol index -> ``R``/``S``/``undefined`` for tetrahedral stereocentres among ``positions``."""
    # a ring CH2, an sp2 or aromatic atom cannot be a tetrahedral stereocentre: skip the search when no candidate
    wanted = {
        idx
        for idx in positions.values()
        if mol.GetAtomWithIdx(idx).GetHybridization() == Chem.HybridizationType.SP3
        and mol.GetAtomWithIdx(idx).GetTotalNumHs() < 2
    }
    if not wanted:
        return {}
    # FindPotentialStereo directly, then CIP labels for the wanted atoms only (FindMolChiralCenters would label
    # every stereo atom and bond of the molecule)
    with quiet_rdkit():
        potential = Chem.FindPotentialStereo(mol)
    specified = {
        info.centeredOn: info.specified == Chem.StereoSpecified.Specified
        for info in potential
        if info.type == Chem.StereoType.Atom_Tetrahedral and info.centeredOn in wanted
    }
    found = {idx: "undefined" for idx in specified}
    assigned = [idx for idx, is_specified in specified.items() if is_specified]
    if assigned:
        with quiet_rdkit():
            Chem.rdCIPLabeler.AssignCIPLabels(mol, atomsToLabel=assigned)
        for idx in assigned:
            atom = mol.GetAtomWithIdx(idx)
            found[idx] = atom.GetProp("_CIPCode") if atom.HasProp("_CIPCode") else "undefined"
    return found


def _competing_sites(view: FreeBaseView, rules: SiteRuleSet, rings: list[tuple[int, ...]]) -> tuple[CompetingSite, ...]:
    mol = view.mol
    ring_nitrogens = {m[0] for m in rings} | {m[4] for m in rings}
    ring_core = {atom for m in rings for atom in m}
    taken: set[int] = set()
    sites: list[CompetingSite] = []
    for rule in rules.competing:
        for match in mol.GetSubstructMatches(rule.pattern):
            key = match[0]
            if key in taken or key in ring_core:
                continue
            if rule.category == "labile_acyl" and ring_nitrogens.intersection(match):
                continue
            taken.add(key)
            sites.append(
                CompetingSite(
                    kind=rule.value,
                    category="nucleophile" if rule.category == "nucleophile" else "labile_acyl",
                    atoms=tuple(view.input_index(a) for a in match),
                    note=rule.note,
                    rule_id=rule.id,
                    code=rule.code,
                )
            )
    return tuple(sorted(sites, key=lambda s: s.atoms[0]))


def _is_salt_form(view: FreeBaseView, ring_atom: int) -> bool:
    """Acid-addition salt: a protonated N was neutralized, or another fragment is an acid (HCl, a carboxylic acid ...)."""
    if view.protonated_n_neutralized:
        return True
    fragments = Chem.GetMolFrags(view.mol, asMols=False, sanitizeFrags=False)
    if len(fragments) < 2:
        return False
    acid_atoms = {match[0] for match in view.mol.GetSubstructMatches(_ACID_FRAGMENT)}
    return any(ring_atom not in frag and acid_atoms.intersection(frag) for frag in fragments)


def _guidance(n1_class: str, n4_class: str, salt_form: bool, activation: tuple[str, ...], c3_epimerizable: bool) -> tuple[Guidance, ...]:
    table = load_guidance()
    lines: list[Guidance] = []

    def add(site: str, key: str) -> None:
        text, refs = table[(site, key)]
        lines.append(Guidance(site=site, text=text, reference_ids=refs))  # type: ignore[arg-type]

    add("N4", n4_class)
    if salt_form:
        add("N4", "salt_form")
    add("N1", n1_class)
    if n1_class == "nh" and n4_class == "secondary_amine":
        add("N1", "nh_with_free_n4")
    for reason in activation or ("plain",):
        add("C2", reason)
    if c3_epimerizable:
        add("C3", "epimerizable")
    return tuple(lines)


def _notes(mol: Chem.Mol, ring: tuple[int, ...], ring_variant: str, n1_class: str, n4_class: str) -> tuple[str, ...]:
    n1, _c2, _o2, _c3, n4, _c5, _c6, c7 = ring
    ring_atoms = set(ring[:2] + ring[3:])
    notes: list[str] = []
    if all(mol.GetAtomWithIdx(a).GetIsAromatic() for a in ring_atoms):
        notes.append("RDKit perceives the seven-membered ring itself as aromatic; classes are read from the drawn bonds")
    if mol.GetRingInfo().NumAtomRings(n4) > 1:
        notes.append("N4 is shared with a fused ring (e.g. an oxazolo- or pyrrolo-fused benzodiazepine)")
    if n4_class == "ammonium":
        notes.append("permanent cation: any counter-ion is a salt partner that cannot be removed by free-basing")
    if ring_variant == "fused_aromatic" and mol.GetAtomWithIdx(c7).GetIsAromatic() and n1_class not in ("nh",):
        notes.append("benzo-fused ring with an N1 substituent: slowed ring flip, conformational (M/P) chirality possible")
    return tuple(notes)


def perceive(mol: Chem.Mol) -> tuple[RingSites, ...]:
    """Every 1,4-diazepan-2-one ring of ``mol`` with its classified sites, ordered by N1 index.

    A molecule without the ring costs one substructure search and returns ``()``.

    >>> perceive(Chem.MolFromSmiles("c1ccccc1"))
    ()
    >>> [r.n4_class for r in perceive(Chem.MolFromSmiles("O=C1C[NH2+]CCCN1.[Cl-]"))]
    ['secondary_amine']
    """
    return perceive_with_view(mol)[0]


def perceive_with_view(mol: Chem.Mol) -> tuple[tuple[RingSites, ...], FreeBaseView | None]:
    """:func:`perceive`, plus the free-base view it classified (None without a ring), for callers that reuse it.

    >>> rings, view = perceive_with_view(Chem.MolFromSmiles("O=C1C[NH2+]CCCN1.[Cl-]"))
    >>> Chem.MolToSmiles(view.mol), view.protonated_n_neutralized
    ('O=C1CNCCCN1.[Cl-]', True)
    """
    if not isinstance(mol, Chem.Mol):
        raise MoleculeParseError(f"perceive() needs an RDKit molecule, got {type(mol).__name__}")
    rules = load_site_rules()
    if not mol.HasSubstructMatch(rules.core.pattern):
        return (), None
    view = free_base_view(mol)
    work = view.mol
    rings = _ring_matches(work, rules)
    competing = _competing_sites(view, rules, rings)
    n1_rules = rules.site_rules_for("n1_class")
    n4_rules = rules.site_rules_for("n4_class")
    activation_rules = rules.site_rules_for("c2_activation")
    results: list[RingSites] = []
    for ring in rings:
        n1, c2, o2, c3, n4, c5, c6, c7 = ring
        ring_atoms = frozenset((n1, c2, c3, n4, c5, c6, c7))
        site_atom = {"N1": n1, "N4": n4, "C3": c3}
        n1_class = _first_class(n1_rules, work, n1, ring_atoms)
        n4_class = _first_class(n4_rules, work, n4, ring_atoms)
        activation = tuple(
            dict.fromkeys(r.value for r in activation_rules if _fires_at(r, work, site_atom[r.site], ring_atoms))
        )
        positions = {"C3": c3, "C5": c5, "C6": c6, "C7": c7}
        centres = _stereocentres(work, positions)
        stereo = tuple(
            Stereocentre(atom=view.input_index(positions[p]), position=p, label=centres[positions[p]])
            for p in _STEREO_POSITIONS
            if positions[p] in centres
        )
        c3_atom = work.GetAtomWithIdx(c3)
        enolizable = c3_atom.GetTotalNumHs() if c3_atom.GetHybridization() == Chem.HybridizationType.SP3 else 0
        epimerizable = c3 in centres and enolizable > 0
        salt_form = _is_salt_form(view, n1)
        variant = _ring_variant(work, ring)
        results.append(
            RingSites(
                n1=view.input_index(n1),
                c2=view.input_index(c2),
                o2=view.input_index(o2),
                c3=view.input_index(c3),
                n4=view.input_index(n4),
                c5=view.input_index(c5),
                c6=view.input_index(c6),
                c7=view.input_index(c7),
                ring_variant=variant,  # type: ignore[arg-type]
                n1_class=n1_class,  # type: ignore[arg-type]
                n4_class=n4_class,  # type: ignore[arg-type]
                salt_form=salt_form,
                stereocentres=stereo,
                c2_activation=activation,
                c3_enolizable_h=enolizable,
                c3_epimerizable=epimerizable,
                competing_sites=competing,
                guidance=_guidance(n1_class, n4_class, salt_form, activation, epimerizable),
                notes=_notes(work, ring, variant, n1_class, n4_class),
            )
        )
    return tuple(sorted(results, key=lambda r: r.n1)), view


def perceive_smiles(smiles: str) -> tuple[RingSites, ...]:
    """Parse a SMILES (one-line :class:`MoleculeParseError` when it is bad) and perceive it.

    >>> [r.n4_class for r in perceive_smiles("CC(C)(C)OC(=O)N1CCCNC(=O)C1")]
    ['carbamate']
    """
    return perceive(mol_from_smiles(smiles))


def related_scaffolds(mol: Chem.Mol) -> tuple[str, ...]:
    """Names of the near-miss scaffolds in a molecule that has no 1,4-diazepan-2-one ring, by priority.

    Returns ``()`` when the molecule does contain the ring (it is then not a near miss).

    >>> related_scaffolds(Chem.MolFromSmiles("Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1)=NC2"))   # alprazolam
    ('azolo-fused 1,4-benzodiazepine (no 2-one)', '1,4-diazepane (no lactam)')
    >>> related_scaffolds(Chem.MolFromSmiles("O=C1CNCCCN1"))
    ()
    """
    if not isinstance(mol, Chem.Mol):
        raise MoleculeParseError(f"related_scaffolds() needs an RDKit molecule, got {type(mol).__name__}")
    rules = load_site_rules()
    if mol.HasSubstructMatch(rules.core.pattern):
        return ()
    names: list[str] = []
    has_n_seven_cycle: bool | None = None
    for rule, needs_seven_cycle in zip(rules.related, _related_rules_needing_n_seven_cycle()):
        if needs_seven_cycle:
            if has_n_seven_cycle is None:
                has_n_seven_cycle = mol.HasSubstructMatch(_N_IN_SEVEN_CYCLE)
            if not has_n_seven_cycle:
                continue
        if mol.HasSubstructMatch(rule.pattern):
            names.append(rule.value)
    return tuple(names)


# One search screens every near-miss rule whose matches put a nitrogen on a seven-membered cycle: a molecule
# without such a cycle cannot match them (most molecules with a ring N have none; piperidines and pyridines skip ten
# searches).
_N_IN_SEVEN_CYCLE = compile_smarts("[#7;R]1~[R]~[R]~[R]~[R]~[R]~[R]~1", "screen.n_in_seven_cycle")


def needs_n_seven_cycle(rule: SmartsRule) -> bool:
    """Does every match of ``rule`` put a nitrogen on a seven-membered cycle of the molecule?

    True when the pattern's first atom is a nitrogen (the SMARTS starts ``[#7;`` or ``[#7]``, so ``#7`` is a
    conjunct of the whole atom expression) and lies on a seven-membered cycle of the pattern itself: a match maps
    that cycle onto seven distinct bonded atoms of the molecule.

    >>> [needs_n_seven_cycle(r) for r in load_site_rules().related if r.id in ("near.diazepane", "near.piperazin_2_one")]
    [True, False]
    """
    query = Chem.Mol(rule.pattern)
    query.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(query)
    return rule.smarts.startswith(("[#7;", "[#7]")) and query.GetRingInfo().IsAtomInRingOfSize(0, 7)


@lru_cache(maxsize=1)
def _related_rules_needing_n_seven_cycle() -> tuple[bool, ...]:
    return tuple(needs_n_seven_cycle(rule) for rule in load_site_rules().related)

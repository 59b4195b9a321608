"""Site perception: find every 1,4-diazepan-2-one ring and classify its sites.

All classification is done by the rules in ``data/site_rules.toml``, on a free-base view of the molecule
(protonated nitrogens neutralized, hydrogen atoms, deuterium and tritium included, folded into H counts);
every index reported refers to the caller's own molecule.

>>> rings = perceive_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21")   # diazepam
>>> ring = rings[0]
>>> (ring.n1, ring.c2, ring.o2, ring.c3, ring.n4, ring.c5)
(1, 2, 3, 4, 5, 6)
>>> (ring.ring_variant, ring.n1_class, ring.n4_class, ring.c2_activation)
('fused_aromatic', 'n_alkyl', 'imine', ('anilide',))
>>> (ring.n4_h_count, ring.n4_features, ring.c3_features, ring.c3_enolizable_h)
(0, (), (), 2)
"""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem

from ..atomtext import atom_list, compose
from ..errors import MoleculeParseError
from ..molecule import (LACTIM_REDRAWN, FreeBaseView, as_read, fragments_holding, free_base_view, mol_from_smiles,
                        quiet_rdkit, with_ring_info)
from ..rules import SmartsRule, SiteRuleSet, load_guidance, load_site_rules, rule_matches
from .rings import LactamRing, canonical_ranks, lactam_rings
from .sites import CompetingSite, Guidance, RingSites, Stereocentre

_ACID_FRAGMENT = Chem.MolFromSmarts(
    "[$([CX3](=O)[OX2;H1]),$([SX4](=O)(=O)[OX2;H1]),$([PX4](=O)[OX2;H1]),$([F,Cl,Br,I;H1]),$([NX3+](=O)([O-])[OX2;H1])]"
)
_STEREO_POSITIONS = ("C3", "C5", "C6", "C7")
_ORIGINAL = "_perception_view_index"

# Ordinal basicity used only to decide where the proton of an acid drawn as a neutral fragment sits
# (guanidine > amidine > aliphatic amine > ring N4 amine (beta-carbonyl, pKaH about 8) > imidazole > anilines > imine).
_BASICITY_RANK = {
    "guanidine": 7,
    "amidine": 6,
    "primary_amine": 5,
    "secondary_amine": 5,
    "tertiary_amine": 5,
    "n4_amine": 4,
    "imidazole_n": 3,
    "pyridine_n": 2,
    "aryl_amine": 2,
    "n4_aryl_amine": 2,
    "n4_imine": 1,
}


@dataclass(frozen=True, slots=True)
class _Work:
    """The classified molecule: the free-base view without isotopic hydrogen atoms, and the way back."""

    view: FreeBaseView
    mol: Chem.Mol
    view_index: tuple[int, ...]
    protonated: frozenset[int]  # work indices of nitrogens that were drawn protonated (N+ with H)

    def input_index(self, working: int) -> int:
        return self.view.input_index(self.view_index[working])


def _work_molecule(mol: Chem.Mol, view: FreeBaseView) -> _Work:
    """Fold D and T atoms into H counts (a C3-D is as exchangeable as a C3-H) and record the drawn protons."""
    work = view.mol
    # (atoms that are not heavy are H, D, T or dummy atoms: the atom-by-atom look only when there are any)
    has_isotopic_h = work.GetNumAtoms() != work.GetNumHeavyAtoms() and any(
        atom.GetAtomicNum() == 1 for atom in work.GetAtoms())
    if has_isotopic_h:
        tagged = Chem.RWMol(work)
        for atom in tagged.GetAtoms():
            atom.SetIntProp(_ORIGINAL, atom.GetIdx())
        params = Chem.RemoveHsParameters()
        params.removeIsotopes = True
        params.removeDefiningBondStereo = True
        with quiet_rdkit():
            work = Chem.RemoveHs(tagged, params, sanitize=True)
        view_index = tuple(atom.GetIntProp(_ORIGINAL) for atom in work.GetAtoms())
    else:
        view_index = tuple(range(work.GetNumAtoms()))
    protonated = set()
    if view.protonated_n_neutralized:
        for idx, v in enumerate(view_index):
            original = mol.GetAtomWithIdx(view.input_index(v))
            neutralized = work.GetAtomWithIdx(idx).GetFormalCharge() == 0
            if original.GetAtomicNum() == 7 and original.GetFormalCharge() == 1 and neutralized:
                protonated.add(idx)
    return _Work(view=view, mol=work, view_index=view_index, protonated=frozenset(protonated))


def _second_atom_allowed(rule: SmartsRule, neighbor: int, ring_atoms: frozenset[int], c3: int | None) -> bool:
    if rule.exocyclic_neighbor and neighbor in ring_atoms:
        return False
    if rule.second_atom == "ring" and neighbor not in ring_atoms:
        return False
    return not (rule.second_atom == "not_c3" and neighbor == c3)


def fires_at(rule: SmartsRule, mol: Chem.Mol, site_atom: int, ring_atoms: frozenset[int], c3: int | None = None,
             cache: dict[str, tuple[tuple[int, ...], ...]] | None = None) -> bool:
    """Does ``rule`` match with its first atom on ``site_atom`` (and its second atom where the rule asks)?

    ``ring_atoms`` are the ring's seven atoms, ``c3`` its C3 (needed by ``second_atom = "not_c3"`` rules).
    ``cache`` (SMARTS -> matches, for one molecule) lets rules with the same SMARTS and several rings share a search.

    >>> rule = [r for r in load_site_rules().site_rules if r.id == "n1.alkyl"][0]
    >>> mol = Chem.MolFromSmiles("CN1CCCNCC1=O")
    >>> fires_at(rule, mol, 1, frozenset((1, 2, 3, 4, 5, 6, 7)))
    True
    """
    if cache is None:
        matches = rule_matches(mol, rule)
    else:
        if rule.smarts not in cache:
            cache[rule.smarts] = rule_matches(mol, rule)
        matches = cache[rule.smarts]
    for match in matches:
        if match[0] == site_atom and (len(match) < 2 or _second_atom_allowed(rule, match[1], ring_atoms, c3)):
            return True
    return False


_fires_at = fires_at  # the name the rule-example tests have always used


def _first_class(rules: tuple[SmartsRule, ...], mol: Chem.Mol, site_atom: int, ring_atoms: frozenset[int],
                 cache: dict[str, tuple[tuple[int, ...], ...]]) -> str:
    for rule in rules:
        if fires_at(rule, mol, site_atom, ring_atoms, cache=cache):
            return rule.value
    return "other"


def _all_values(rules: tuple[SmartsRule, ...], mol: Chem.Mol, site_atom: int, ring_atoms: frozenset[int],
                c3: int, cache: dict[str, tuple[tuple[int, ...], ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.value for r in rules if fires_at(r, mol, site_atom, ring_atoms, c3, cache)))


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
    wanted = {
        idx
        for idx in positions.values()
        if mol.GetAtomWithIdx(idx).GetHybridization() == Chem.HybridizationType.SP3
        and mol.GetAtomWithIdx(idx).GetTotalNumHs() < 2
    }
    if not wanted:
        return {}
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


# ------------------------------------------------------------------------------------------------ competing sites
@dataclass(frozen=True, slots=True)
class _Found:
    rule: SmartsRule
    atoms: tuple[int, ...]  # work indices, key atom first


def _find_competing(work: _Work, rules: SiteRuleSet, rings: list[LactamRing],
                    fragments: tuple[tuple[int, ...], ...]) -> list[_Found]:
    """Competing sites of the fragments that hold a ring (``fragments``: the work molecule's fragments)."""
    mol = work.mol
    ring_nitrogens = {r.match[0] for r in rings} | {r.match[4] for r in rings}
    ring_core = {atom for r in rings for atom in r.match}
    # a salt's counter-ions and a solvate's solvent are not part of the molecule whose sites are reported
    inside = fragments_holding(fragments, {r.match[0] for r in rings})
    taken: set[int] = set()
    found: list[tuple[int, int, _Found]] = []  # (rule position, input atom number, group)
    def refused(key: int) -> bool:
        return key in taken or key in ring_core or (inside is not None and key not in inside)

    for position, rule in enumerate(rules.competing):
        groups: set[frozenset[int]] = set()  # H2N-NH-R matches from either end: one group
        orderings: tuple[tuple[int, ...], ...] | None = None
        for match in rule_matches(mol, rule, uniquify=True):
            atoms = frozenset(match)
            if atoms in groups:
                continue
            if refused(match[0]):
                # RDKit keeps one ordering of each atom set, and which one follows the atom order: a spiro epoxide
                # on C3 may come back keyed on C3 (refused) or on its other carbon. Look at every ordering.
                if orderings is None:
                    orderings = rule_matches(mol, rule)
                match = next((m for m in orderings if frozenset(m) == atoms and not refused(m[0])), ())
                if not match:
                    continue
            if rule.category == "labile_acyl" and ring_nitrogens.intersection(match):
                continue
            taken.add(match[0])
            groups.add(atoms)
            found.append((position, work.input_index(match[0]), _Found(rule, tuple(match))))
    # found in the rule file's order (nucleophiles from the strongest, acylating groups, electrophiles), which is how
    # they are listed whatever the atom numbering; the atom number only orders the groups of one rule
    return [f for _, _, f in sorted(found, key=lambda item: item[:2])]


def _n4_strength(n4_class: str, n4_h: int) -> str:
    """How N4 itself competes for an electrophile: ``strong`` (alkylamine N-H), ``weak`` (anilino N-H),
    ``tertiary`` (alkylated, not acylated) or ``none`` (imine, amide, carbamate ... not a nucleophile)."""
    if n4_class == "secondary_amine":
        return "strong"
    if n4_class == "aryl_amine" and n4_h > 0:
        return "weak"
    if n4_class == "tertiary_amine":
        return "tertiary"
    return "none"


def _versus_n4(strength: str, n4_class: str, n4: str) -> str:
    """One sentence comparing a competing nucleophile of ``strength`` with this ring's N4 (state ``n4``)."""
    if n4 == "none":
        return f"N4 is not a nucleophile here ({n4_class}): this group, not N4, is what electrophiles find"
    if n4 == "tertiary":
        if strength in ("strong", "moderate"):
            return "N4 is a tertiary amine (no N-H): this group is what acylating and sulfonylating agents find"
        return "N4 is a tertiary amine (no N-H): with acyl or sulfonyl chlorides this group reacts instead"
    if n4 == "weak":  # secondary anilino N4
        return {
            "strong": "a stronger nucleophile than the anilino N4: it reacts first",
            "moderate": "about as nucleophilic as the anilino N4: expect mixtures",
            "weak": "weaker than the anilino N4, but acylated by acyl chlorides and anhydrides",
        }[strength]
    return {  # free secondary alkylamine N4
        "strong": "competes with N4 on comparable terms: protect one of them",
        "moderate": "weaker than N4, but acylated by acyl chlorides and anhydrides",
        "weak": "much weaker than N4; reacts with acyl and sulfonyl chlorides once N4 is capped or used up",
    }[strength]


def _competing_sites(work: _Work, found: list[_Found], n4_class: str, n4_h: int) -> tuple[CompetingSite, ...]:
    n4 = _n4_strength(n4_class, n4_h)
    sites = []
    for item in found:
        note = item.rule.note
        if item.rule.category == "nucleophile" and item.rule.strength:
            note = f"{note}; {_versus_n4(item.rule.strength, n4_class, n4)}"
        sites.append(
            CompetingSite(
                kind=item.rule.value,
                category=item.rule.category,  # type: ignore[arg-type]
                atoms=tuple(work.input_index(a) for a in item.atoms),
                note=note,
                rule_id=item.rule.id,
                code=item.rule.code,
            )
        )
    return tuple(sites)


# ------------------------------------------------------------------------------------------------ salts
def _fragment_of(fragments: tuple[tuple[int, ...], ...], atom: int) -> tuple[int, ...]:
    return next(frag for frag in fragments if atom in frag)


def _own_molecule(found: list[_Found], fragments: tuple[tuple[int, ...], ...], n1: int) -> list[_Found]:
    """The competing sites in the fragment of the ring whose N1 is ``n1`` (all of them for a one-fragment record)."""
    if len(fragments) == 1:
        return found
    own = set(_fragment_of(fragments, n1))
    return [item for item in found if item.atoms[0] in own]


def _salt_protons(mol: Chem.Mol, work: _Work, rings: list[LactamRing], found: list[_Found],
                  n4_classes: dict[int, str], fragments: tuple[tuple[int, ...], ...]) -> tuple[bool, frozenset[int]]:
    """(is an acid-addition salt, work indices of the nitrogens carrying the acid's protons).

    A nitrogen drawn protonated counts when its own fragment is a cation (the counter-ion is elsewhere); in an
    inner salt (zwitterion) the anion is in the same fragment, and that is no acid-addition salt. An acid drawn
    as a separate neutral fragment (HCl, a carboxylic acid) protonates the most basic nitrogen(s) of the base.
    """
    if not work.protonated and len(fragments) == 1 and rings:
        return False, frozenset()  # one fragment holding the ring: no acid beside it, no proton drawn
    input_fragments = Chem.GetMolFrags(mol, asMols=False, sanitizeFrags=False)
    protons: set[int] = set()
    for idx in work.protonated:
        frag = _fragment_of(input_fragments, work.input_index(idx))
        if sum(mol.GetAtomWithIdx(a).GetFormalCharge() for a in frag) > 0:
            protons.add(idx)
    ring_atoms = {r.match[0] for r in rings}
    acid_atoms = {match[0] for match in work.mol.GetSubstructMatches(_ACID_FRAGMENT)}
    acids = [
        frag
        for frag in fragments
        if not ring_atoms.intersection(frag)
        and acid_atoms.intersection(frag)
        and sum(work.mol.GetAtomWithIdx(a).GetFormalCharge() for a in frag) == 0
        and not any(work.mol.GetAtomWithIdx(a).GetAtomicNum() == 7 and not work.mol.GetAtomWithIdx(a).GetIsAromatic()
                    and a not in acid_atoms for a in frag)
    ]
    if acids and not protons:
        candidates: list[tuple[int, int]] = []
        for item in found:
            rank = _BASICITY_RANK.get(item.rule.value)
            if rank is not None:
                candidates.append((rank, item.atoms[0]))
        for ring in rings:
            n4 = ring.match[4]
            n4_class = n4_classes[n4]
            key = {"secondary_amine": "n4_amine", "tertiary_amine": "n4_amine", "aryl_amine": "n4_aryl_amine",
                   "imine": "n4_imine"}.get(n4_class)
            if key:
                candidates.append((_BASICITY_RANK[key], n4))
        # one proton per acid fragment, to the most basic sites (ties: the canonical rank, not the atom order)
        ranks = canonical_ranks(work.mol, break_ties=True)
        ranked = sorted(candidates, key=lambda c: (-c[0], ranks[c[1]]))
        protons.update(atom for _rank, atom in ranked[: len(acids)])
    return bool(protons) or bool(acids), frozenset(protons)


# ------------------------------------------------------------------------------------------------ guidance
def _guidance(ring: dict[str, object]) -> tuple[Guidance, ...]:
    table = load_guidance()
    lines: list[Guidance] = []

    def add(site: str, key: str) -> None:
        text, refs = table[(site, key)]
        lines.append(Guidance(site=site, text=text, reference_ids=refs))  # type: ignore[arg-type]

    n1_class = str(ring["n1_class"])
    n4_class = str(ring["n4_class"])
    n4_features: tuple[str, ...] = ring["n4_features"]  # type: ignore[assignment]
    c3_features: tuple[str, ...] = ring["c3_features"]  # type: ignore[assignment]
    activation: tuple[str, ...] = ring["c2_activation"]  # type: ignore[assignment]
    epimerizable = bool(ring["epimerizable"])
    enolizable = int(ring["enolizable"])  # type: ignore[arg-type]

    # N4
    if n4_class == "aryl_amine" and "secondary_anilino" in n4_features:
        add("N4", "aryl_amine_secondary")
    elif n4_class == "amide" and "ring_carbonyl" in n4_features:
        add("N4", "ring_carbonyl")
    else:
        add("N4", n4_class)
    if "n_o_aminal" in n4_features:
        add("N4", "n_o_aminal")
    if "n_n_aminal" in n4_features:
        add("N4", "n_n_aminal")
    if ring["n4_protonated"]:
        add("N4", "salt_form_imine" if n4_class == "imine" else "salt_form")
    elif ring["salt_form"] and ring["protonated_elsewhere"]:
        add("N4", "salt_elsewhere")
    # N1
    if "n_acyl_azole" in activation:
        add("N1", "azole")
    elif n1_class == "nh":
        anilide = "anilide" in activation
        if epimerizable:
            add("N1", "nh_anilide_epimerizable" if anilide else "nh_epimerizable")
        else:
            add("N1", "nh_anilide" if anilide else "nh")
        if ring["n4_competes"]:
            add("N1", "nh_with_free_n4")
    else:
        add("N1", n1_class)
    # C2
    for reason in activation or ("plain",):
        if reason == "alpha_heteroatom" and c3_features:
            continue  # the C3 lines say what the heteroatom does
        add("C2", reason)
    # C3
    for feature in c3_features:
        add("C3", "amido_or_ureido" if feature in ("amido", "ureido") else feature)
    if epimerizable and "carbinolamide" not in c3_features:
        add("C3", "epimerizable")
    if enolizable == 2 and not c3_features:
        add("C3", "methylene_imine" if n4_class in ("imine", "n_oxide") else "methylene")
    return tuple(lines)


def _notes(mol: Chem.Mol, lactam: LactamRing, ring_variant: str, n1_class: str, n4_class: str,
           protonated_elsewhere: tuple[int, ...]) -> tuple[str, ...]:
    ring = lactam.match
    n4, c7 = ring[4], ring[7]
    ring_atoms = set(ring[:2] + ring[3:])
    notes: list[str] = []
    if all(mol.GetAtomWithIdx(a).GetIsAromatic() for a in ring_atoms):
        notes.append("RDKit perceives the seven-membered ring itself as aromatic; classes are read from the drawn bonds")
    if lactam.bridged:
        notes.append("bridged lactam: the N1-C2-C3-N4 unit lies on more than one seven-membered ring; "
                     "reported once, with one of its chordless seven-membered rings")
    if mol.GetRingInfo().NumAtomRings(n4) > 1:
        notes.append("N4 is shared with a fused ring (e.g. an oxazolo- or pyrrolo-fused benzodiazepine)")
    if n4_class == "ammonium":
        notes.append("permanent cation: any counter-ion is a salt partner that cannot be removed by free-basing")
    if protonated_elsewhere:
        notes.append(compose("acid-addition salt: the proton sits on atom {}, not on N4", atom_list(protonated_elsewhere)))
    if ring_variant == "fused_aromatic" and mol.GetAtomWithIdx(c7).GetIsAromatic() and n1_class not in ("nh",):
        notes.append("benzo-fused ring with an N1 substituent: slowed ring flip, conformational (M/P) chirality possible")
    return tuple(notes)


def _lactim_notes(mol: Chem.Mol, n1: int, n4: int) -> tuple[str, ...]:
    """The notes of a ring the reader redrew from a lactim drawing (:func:`reactivity.molecule.lactam_form`)."""
    if not mol.HasProp(LACTIM_REDRAWN):
        return ()
    redrawn = mol.GetProp(LACTIM_REDRAWN).split(",")
    notes = []
    if str(n1) in redrawn:
        notes.append("drawn as the lactim tautomer (N1=C2-OH): annotated as the lactam (N1H-C2=O), the compound it is "
                     "(one InChIKey for both drawings)")
    if str(n4) in redrawn:
        notes.append("the 5-one drawn as its lactim tautomer (N4=C5-OH): annotated as the amide (N4H-C5=O), the "
                     "compound it is (one InChIKey for both drawings)")
    return tuple(notes)


def _h_on(mol: Chem.Mol, atom: int) -> int:
    return mol.GetAtomWithIdx(atom).GetTotalNumHs()


def perceive(mol: Chem.Mol) -> tuple[RingSites, ...]:
    """Every 1,4-diazepan-2-one ring of ``mol`` with its classified sites, ordered by N1 index.

    A molecule without the ring costs one substructure search and returns ``()``.

    The molecule is read as the file readers read it (:func:`reactivity.molecule.as_read`): a ring drawn as its
    lactim tautomer is the lactam, a salt drawn with covalent metal bonds is the ionic salt.

    >>> perceive(Chem.MolFromSmiles("c1ccccc1"))
    ()
    >>> [r.n4_class for r in perceive(Chem.MolFromSmiles("O=C1C[NH2+]CCCN1.[Cl-]"))]
    ['secondary_amine']
    >>> [r.n4_class for r in perceive(Chem.MolFromSmiles("OC1=NCCCNC1"))]  # the lactim drawing of the lactam
    ['secondary_amine']
    """
    return perceive_with_view(mol)[0]


# The ring's seven atoms with any C2-O bond: every molecule whose read form (reactivity.molecule.read_form: a lactim
# redrawn as the lactam, metal bonds as ions) has the ring matches this as drawn, so a molecule built in code that
# does not match is not read again.
_RING_IN_ANY_DRAWING = Chem.MolFromSmarts("[#7;R]1~[#6;R](~[#8])~[#6;R]~[#7;R]~[#6;R]~[#6;R]~[#6;R]~1")


def perceive_with_view(mol: Chem.Mol, *, from_reader: bool = False) -> tuple[tuple[RingSites, ...], FreeBaseView | None]:
    """:func:`perceive`, plus the free-base view it classified (None without a ring), for callers that reuse it.

    ``from_reader``: ``mol`` comes from the project's readers (:func:`reactivity.molecule.read_form` done), so it is
    not read again (batch annotation).

    >>> rings, view = perceive_with_view(Chem.MolFromSmiles("O=C1C[NH2+]CCCN1.[Cl-]"))
    >>> Chem.MolToSmiles(view.mol), view.protonated_n_neutralized
    ('O=C1CNCCCN1.[Cl-]', True)
    """
    if not isinstance(mol, Chem.Mol):
        raise MoleculeParseError(f"perceive() needs an RDKit molecule, got {type(mol).__name__}")
    rules = load_site_rules()
    mol = with_ring_info(mol)
    if not from_reader:
        if not mol.HasSubstructMatch(_RING_IN_ANY_DRAWING):
            return (), None  # a molecule without the ring still costs one search
        mol = as_read(mol, "perceive()")
    if not mol.HasSubstructMatch(rules.core.pattern):
        return (), None
    view = free_base_view(mol)
    work = _work_molecule(mol, view)
    wmol = work.mol
    rings = lactam_rings(wmol, rules.core.pattern)
    if not rings:
        return (), None
    fragments = Chem.GetMolFrags(wmol, asMols=False, sanitizeFrags=False)
    found = _find_competing(work, rules, rings, fragments)
    n1_rules = rules.site_rules_for("n1_class")
    n4_rules = rules.site_rules_for("n4_class")
    n4_feature_rules = rules.site_rules_for("n4_features")
    activation_rules = rules.site_rules_for("c2_activation")
    c3_rules = rules.site_rules_for("c3_features")
    cache: dict[str, tuple[tuple[int, ...], ...]] = {}  # SMARTS -> matches on this molecule
    classes: list[tuple[LactamRing, frozenset[int], str, str]] = []
    for lactam in rings:
        n1, c2, _o2, c3, n4, c5, c6, c7 = lactam.match
        ring_atoms = frozenset((n1, c2, c3, n4, c5, c6, c7))
        classes.append((lactam, ring_atoms, _first_class(n1_rules, wmol, n1, ring_atoms, cache),
                        _first_class(n4_rules, wmol, n4, ring_atoms, cache)))
    salt_form, protons = _salt_protons(mol, work, rings, found, {lac.match[4]: n4c for lac, _r, _n1c, n4c in classes},
                                       fragments)
    results: list[RingSites] = []
    for lactam, ring_atoms, n1_class, n4_class in classes:
        n1, c2, o2, c3, n4, c5, c6, c7 = lactam.match
        site_atom = {"N1": n1, "N4": n4, "C3": c3}
        activation = tuple(
            dict.fromkeys(
                r.value for r in activation_rules if fires_at(r, wmol, site_atom[r.site], ring_atoms, c3, cache)
            )
        )
        n4_h = _h_on(wmol, n4)
        n4_features = _all_values(n4_feature_rules, wmol, n4, ring_atoms, c3, cache)
        if n4_class == "aryl_amine" and n4_h == 1:
            n4_features = (*n4_features, "secondary_anilino")
        c3_features = _all_values(c3_rules, wmol, c3, ring_atoms, c3, cache)
        positions = {"C3": c3, "C5": c5, "C6": c6, "C7": c7}
        centres = _stereocentres(wmol, positions)
        stereo = tuple(
            Stereocentre(atom=work.input_index(positions[p]), position=p, label=centres[positions[p]])
            for p in _STEREO_POSITIONS
            if positions[p] in centres
        )
        c3_atom = wmol.GetAtomWithIdx(c3)
        enolizable = c3_atom.GetTotalNumHs() if c3_atom.GetHybridization() == Chem.HybridizationType.SP3 else 0
        epimerizable = c3 in centres and enolizable > 0
        variant = _ring_variant(wmol, lactam.match)
        n4_protonated = n4 in protons
        elsewhere = tuple(sorted(work.input_index(a) for a in protons if a not in ring_atoms))
        n4_competes = n4_h > 0 and (n4_class == "secondary_amine" or "secondary_anilino" in n4_features)
        facts = {
            "n1_class": n1_class, "n4_class": n4_class, "n4_features": n4_features, "c3_features": c3_features,
            "c2_activation": activation, "epimerizable": epimerizable, "enolizable": enolizable,
            "n4_protonated": n4_protonated, "salt_form": salt_form, "n4_competes": n4_competes,
            "protonated_elsewhere": elsewhere,
        }
        results.append(
            RingSites(
                n1=work.input_index(n1),
                c2=work.input_index(c2),
                o2=work.input_index(o2),
                c3=work.input_index(c3),
                n4=work.input_index(n4),
                c5=work.input_index(c5),
                c6=work.input_index(c6),
                c7=work.input_index(c7),
                ring_variant=variant,  # type: ignore[arg-type]
                n1_class=n1_class,  # type: ignore[arg-type]
                n4_class=n4_class,  # type: ignore[arg-type]
                salt_form=salt_form,
                stereocentres=stereo,
                c2_activation=activation,
                c3_enolizable_h=enolizable,
                c3_epimerizable=epimerizable,
                n4_h_count=n4_h,
                n4_features=n4_features,
                c3_features=c3_features,
                protonated_atoms=tuple(sorted(work.input_index(a) for a in protons)),
                competing_sites=_competing_sites(work, _own_molecule(found, fragments, n1), n4_class, n4_h),
                guidance=_guidance(facts),
                notes=_notes(wmol, lactam, variant, n1_class, n4_class, elsewhere if not n4_protonated else ())
                + _lactim_notes(mol, work.input_index(n1), work.input_index(n4)),
            )
        )
    return tuple(sorted(results, key=lambda r: r.n1)), view


def perceive_smiles(smiles: str) -> tuple[RingSites, ...]:
    """Parse a SMILES (one-line :class:`MoleculeParseError` when it is bad) and perceive it.

    >>> [r.n4_class for r in perceive_smiles("CC(C)(C)OC(=O)N1CCCNC(=O)C1")]
    ['carbamate']
    """
    return perceive_with_view(mol_from_smiles(smiles), from_reader=True)[0]  # the reader gives the read form

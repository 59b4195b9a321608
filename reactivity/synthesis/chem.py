"""Shared chemistry helpers of the synthesis advisor: running templates, naming rings, describing compounds."""

from __future__ import annotations

from rdkit import Chem
from rdkit.Chem.MolStandardize import rdMolStandardize

from ..molecule import quiet_rdkit
from ..perception import perceive, related_scaffolds
from ..species import describe_species
from .results import Compound, Condition, UnsupportedBuildingBlockError
from .ruledata import PatternRule, ReactionRule, SynthesisRules, load_synthesis_rules

TARGET_SCAFFOLD = "1,4-diazepan-2-one"
LABEL = 900  # isotope labels 901, 902 tag a diamine's two nitrogens while a route runs
_LACTAM = Chem.MolFromSmarts("[#7;R]-[#6;R]=[#8]")
_C5_CARBONYL = Chem.MolFromSmarts("[#6;R](=[#8])")


def clean(mol: Chem.Mol) -> Chem.Mol:
    """A sanitized copy without the temporary nitrogen labels and reaction bookkeeping."""
    out = Chem.Mol(mol)
    for atom in out.GetAtoms():
        if atom.GetIsotope() > LABEL:
            atom.SetIsotope(0)
        for prop in ("old_mapno", "react_atom_idx", "react_idx"):
            if atom.HasProp(prop):
                atom.ClearProp(prop)
    with quiet_rdkit():
        Chem.SanitizeMol(out)
    return out


def key_of(mol: Chem.Mol) -> str:
    """Canonical SMILES without labels (identity of a compound)."""
    return Chem.MolToSmiles(clean(mol))


def ring_class(mol: Chem.Mol) -> tuple[str, bool]:
    """The ring class of a product: a named 1,4-diazepan-2-one class, a named near miss, or a ring-size description.

    >>> ring_class(Chem.MolFromSmiles("O=C1CCNCCCN1"))
    ('8-membered lactam', False)
    >>> ring_class(Chem.MolFromSmiles("O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1"))
    ('1,3-dihydro-2H-1,4-benzodiazepin-2-one', True)
    >>> ring_class(Chem.MolFromSmiles("CN1CC(=O)NCCC1=O"))
    ('1,4-diazepane-2,5-dione', True)
    >>> ring_class(Chem.MolFromSmiles("NCCCNC(=O)CN"))
    ('open chain (no ring)', False)
    """
    with quiet_rdkit():
        rings = perceive(mol)
        names = () if rings else related_scaffolds(mol)
    if rings:
        ring = rings[0]
        c5 = mol.GetAtomWithIdx(ring.c5)
        dione = ring.n4_class == "amide" and any(
            b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(c5).GetAtomicNum() == 8 for b in c5.GetBonds())
        if ring.ring_variant == "fused_aromatic":
            if ring.n4_class == "imine":
                return "1,3-dihydro-2H-1,4-benzodiazepin-2-one", True
            if dione:
                return "1,4-benzodiazepine-2,5-dione", True
            if ring.n4_class in ("secondary_amine", "tertiary_amine"):
                return "1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one", True
        elif dione:
            return "1,4-diazepane-2,5-dione", True
        return TARGET_SCAFFOLD, True
    if names:
        return names[0], False
    info = mol.GetRingInfo()
    if info.NumRings() == 0:
        return "open chain (no ring)", False
    sizes = sorted(
        {len(r) for r in info.AtomRings() for n, c, _ in mol.GetSubstructMatches(_LACTAM) if n in r and c in r}
    )
    if sizes:
        return f"{sizes[0]}-membered lactam", False
    return "no lactam ring", False


def make_compound(
    mol: Chem.Mol, key: str, name: str, step: str, favoured_by: tuple[Condition, ...] = (), note: str = "",
    scaffold: str = "", likelihood: str = "expected",
) -> Compound:
    """A :class:`Compound` whose SMILES, formula and masses come from :func:`describe_species` (one species)."""
    cleaned = clean(mol)
    species = describe_species(cleaned)
    if species.is_repeat_unit:
        what = "polymer repeat unit: the formula and mass exclude the attachment points (*); a polymer has no single [M+H]+"
    elif species.salt_smiles:
        what = "free base of the salt (M and [M+H]+ are of this base, the ion the spectrometer sees; salt_smiles is the whole salt)"
    else:
        what = "neutral molecule as drawn"
    described = Chem.MolFromSmiles(species.smiles) if not species.is_repeat_unit else cleaned
    ring, is_target = ring_class(described if described is not None else cleaned)
    return Compound(
        key=key,
        name=name,
        smiles=species.smiles,
        inchikey=species.inchikey,
        formula=species.formula,
        monoisotopic_mass=species.monoisotopic_mass,
        mz_mh=species.mz_mh,
        scaffold=scaffold or ring,
        is_target_scaffold=is_target,
        step=step,
        favoured_by=favoured_by,
        note=note,
        species=what,
        salt_smiles=species.salt_smiles,
        likelihood=likelihood,
    )


def side_compound(
    rules: SynthesisRules, route: str, key: str, mol: Chem.Mol, step: str, note: str = "", scaffold: str = "",
    name: str = "",
) -> Compound:
    """A side product described by its ``[side_product.KEY]`` entry (conditions filtered for ``route``)."""
    info = rules.side_products[key]
    likelihood = info.likelihood_on(route)
    if likelihood == "minor":
        note = f"{note}; minor: {info.minor_because}" if note else f"minor: {info.minor_because}"
    return make_compound(mol, key, name or info.name, step, info.favoured_by(route), note, scaffold, likelihood)


def run(rule: ReactionRule, reactants: tuple[Chem.Mol, ...]) -> list[Chem.Mol]:
    """All sanitizable, distinct products of a template (labels and mapping properties kept)."""
    with quiet_rdkit():
        outcomes = rule.reaction.RunReactants(reactants)
    seen: dict[str, Chem.Mol] = {}
    for outcome in outcomes:
        product = Chem.Mol(outcome[0])
        try:
            with quiet_rdkit():
                Chem.SanitizeMol(product)
        except Exception:  # an impossible valence or aromaticity: not a product
            continue
        seen.setdefault(Chem.MolToSmiles(product), product)
    return list(seen.values())


def run_clean(rule: ReactionRule, reactants: tuple[Chem.Mol, ...]) -> list[Chem.Mol]:
    """:func:`run` with the products cleaned (for chaining steps without bookkeeping)."""
    return [clean(p) for p in run(rule, reactants)]


def mapped(product: Chem.Mol, mapno: int, reactant: int = 0) -> Chem.Atom | None:
    """The product atom that template map number ``mapno`` of reactant ``reactant`` became."""
    for atom in product.GetAtoms():
        if (
            atom.HasProp("old_mapno")
            and atom.GetIntProp("old_mapno") == mapno
            and atom.GetIntProp("react_idx") == reactant
        ):
            return atom
    return None


def labelled(mol: Chem.Mol, label: int) -> Chem.Atom | None:
    """The atom carrying isotope ``label``."""
    return next((a for a in mol.GetAtoms() if a.GetIsotope() == label), None)


def free_base(mol: Chem.Mol, what: str) -> tuple[Chem.Mol, str]:
    """The neutral organic component of a building block, and a note when a salt was given.

    >>> base, note = free_base(Chem.MolFromSmiles("Cl.NCC(=O)OCC"), "reagent")
    >>> Chem.MolToSmiles(base), note.split(":")[0]
    ('CCOC(=O)CN', 'reagent given as a salt')
    """
    with quiet_rdkit():
        mol = Chem.RemoveHs(mol)  # explicit H atoms drawn in the input change nothing
    fragments = Chem.GetMolFrags(mol, asMols=True)
    organic = [f for f in fragments if any(a.GetAtomicNum() == 6 for a in f.GetAtoms())]
    if len(organic) != 1:
        raise UnsupportedBuildingBlockError(f"{what}: give one compound (free base or a simple salt), not a mixture")
    base = organic[0]
    note = ""
    if len(fragments) > 1 or not is_neutral(base):
        with quiet_rdkit():
            base = rdMolStandardize.Uncharger().uncharge(base)
            Chem.SanitizeMol(base)
        if not is_neutral(base):
            raise UnsupportedBuildingBlockError(f"{what}: give the neutral free base, not a permanently charged form")
        note = (
            f"{what} given as a salt: the route uses the free base {Chem.MolToSmiles(base)}"
            " (liberated in situ by the base of the first step)"
        )
    return base, note


def is_neutral(mol: Chem.Mol) -> bool:
    """No charges, or only charge-separated pairs on neighbouring atoms (nitro groups, N-oxides)."""
    return all(
        any(nb.GetFormalCharge() == -atom.GetFormalCharge() for nb in atom.GetNeighbors())
        for atom in mol.GetAtoms() if atom.GetFormalCharge()
    )


def amine_nitrogens(mol: Chem.Mol) -> tuple[int, ...]:
    """Indices of the nucleophilic N-H amine nitrogens."""
    pattern = load_synthesis_rules().amine_nh.pattern
    return tuple(sorted({m[0] for m in mol.GetSubstructMatches(pattern)}))


def amine_class(mol: Chem.Mol, atom: int) -> PatternRule | None:
    """The first amine class (nucleophilicity rank) that the nitrogen ``atom`` matches."""
    for rule in load_synthesis_rules().amine_classes:
        if any(m[0] == atom for m in mol.GetSubstructMatches(rule.pattern)):
            return rule
    return None


def classify_reagent(reagent: Chem.Mol) -> PatternRule:
    """The building-block class of a C2/C3 reagent, or :class:`UnsupportedBuildingBlockError`.

    >>> classify_reagent(Chem.MolFromSmiles("ClCC(=O)OCC")).id
    'haloacetate_ester'
    >>> classify_reagent(Chem.MolFromSmiles("CCO"))
    Traceback (most recent call last):
    ...
    reactivity.synthesis.results.UnsupportedBuildingBlockError: reagent CCO: not a supported C2/C3 unit (supported: acrylate_ester, haloacetate_ester, glycine_ester, glyoxal, haloacetyl_halide)
    """
    classes = load_synthesis_rules().reagent_classes
    hits = [(rule, len(reagent.GetSubstructMatches(rule.pattern))) for rule in classes]
    hits = [(rule, n) for rule, n in hits if n]
    smiles = Chem.MolToSmiles(reagent)
    if not hits:
        supported = ", ".join(rule.id for rule in classes)
        raise UnsupportedBuildingBlockError(f"reagent {smiles}: not a supported C2/C3 unit (supported: {supported})")
    if len(hits) > 1 or hits[0][1] > 1:
        names = ", ".join(rule.id for rule, _ in hits)
        raise UnsupportedBuildingBlockError(f"reagent {smiles}: more than one reactive group ({names}); give a reagent with one")
    return hits[0][0]


def amine_component(mol: Chem.Mol) -> PatternRule | None:
    """The non-diamine amine component class (2-aminoaryl ketone) the molecule belongs to, if any."""
    for rule in load_synthesis_rules().amine_components:
        if mol.HasSubstructMatch(rule.pattern):
            return rule
    return None

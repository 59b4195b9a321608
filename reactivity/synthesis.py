"""Synthesis advisor: apply a diamine + C2/C3-unit route, name what it gives, list its side products.

Forward direction (:func:`plan_route`): the route's steps are RDKit reaction
SMARTS from ``data/synthesis_reactions.toml`` applied to the user's own
building blocks. The main product is named by perception (a 1,4-diazepan-2-one
or a near miss such as 1,4-diazepan-5-one), with a warning when it is not the
target ring; each side product carries SMILES, InChIKey, formula, monoisotopic
mass, [M+H]+ m/z and the step/condition that favours it.

Retro direction (:func:`propose_disconnections`): the 1,3-diamine + two-carbon
unit disconnections of a 1,4-diazepan-2-one, each checked by running the
forward route again.

Troubleshooting (:func:`troubleshoot`): the knowledge base of
``data/troubleshooting.toml`` (seed 000's table, corrected), linked to the
side products computed for the user's building blocks.

>>> route = plan_route_smiles("NCCN", "C=CC(=O)OC")        # seed 000's route
>>> route.product.smiles, route.product.scaffold, route.product.is_target_scaffold
('O=C1CCNCCN1', '1,4-diazepan-5-one', False)
>>> route = plan_route_smiles("NCCCN", "BrCC(=O)OCC")
>>> route.product.scaffold, round(route.product.mz_mh, 4)
('1,4-diazepan-2-one', 115.0866)
>>> [c.smiles for c in route.side_products if c.key == "cyclic_dimer"]
['NCCCN1CC(=O)N(CCCN)CC1=O']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdkit import Chem
from rdkit.Chem import AllChem, rdMolDescriptors
from rdkit.Chem.rdChemReactions import ChemicalReaction

from .errors import ReactivityError, RuleDataError
from .molecule import mol_from_smiles, quiet_rdkit
from .perception import perceive, related_scaffolds
from .rules import compile_smarts, load_references, read_packaged_toml

__all__ = [
    "BuildingBlock",
    "Cause",
    "Compound",
    "Condition",
    "Disconnection",
    "Regioselectivity",
    "RetroResult",
    "RouteResult",
    "TroubleshootingAnswer",
    "UnknownSymptomError",
    "UnsupportedBuildingBlockError",
    "load_synthesis_rules",
    "load_troubleshooting",
    "plan_route",
    "plan_route_smiles",
    "propose_disconnections",
    "troubleshoot",
]

REACTIONS_FILE = "synthesis_reactions.toml"
TROUBLESHOOTING_FILE = "troubleshooting.toml"
TARGET_SCAFFOLD = "1,4-diazepan-2-one"
#: Proton mass in u (CODATA 2018), added to M for the [M+H]+ m/z.
PROTON_MASS = 1.007276466621
_LABEL = 900  # isotope labels 901, 902 tag the diamine's two nitrogens while the route runs
_LACTAM = Chem.MolFromSmarts("[#7;R]-[#6;R]=[#8]")  # ring amide, to describe a non-target ring by its size
_ETHYL_ESTER = Chem.MolFromSmarts("C(=O)OCC")  # the ester cap added by the retro disconnections
_FACTORS = ("concentration", "stoichiometry", "temperature", "addition_rate", "reaction_time", "water", "air")


class UnsupportedBuildingBlockError(ReactivityError):
    """A building block is not one the synthesis advisor can handle (one-line reason)."""


class UnknownSymptomError(ReactivityError):
    """A troubleshooting symptom matches no entry of the knowledge base."""


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Condition:
    """Which step and condition favours a side product, and the remedy."""

    step: str
    factor: str
    favours: str
    remedy: str

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready dict."""
        return {"step": self.step, "factor": self.factor, "favours": self.favours, "remedy": self.remedy}


@dataclass(frozen=True, slots=True)
class Compound:
    """A product or side product with what a chemist needs to look for it by MS.

    ``mz_mh`` is None for a polymer repeat unit (no single mass); for a salt it is
    the [M+H]+ of the organic free base, which is what the spectrometer sees.
    """

    key: str
    name: str
    smiles: str
    inchikey: str | None
    formula: str
    monoisotopic_mass: float
    mz_mh: float | None
    scaffold: str
    is_target_scaffold: bool
    step: str
    favoured_by: tuple[Condition, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (masses rounded to 5 decimals)."""
        return {
            "key": self.key,
            "name": self.name,
            "smiles": self.smiles,
            "inchikey": self.inchikey,
            "formula": self.formula,
            "monoisotopic_mass": round(self.monoisotopic_mass, 5),
            "mz_mh": None if self.mz_mh is None else round(self.mz_mh, 5),
            "scaffold": self.scaffold,
            "is_target_scaffold": self.is_target_scaffold,
            "step": self.step,
            "favoured_by": [c.to_dict() for c in self.favoured_by],
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Regioselectivity:
    """Which nitrogen of the diamine reacts first, and the rule behind the choice.

    ``applies`` is False when both nitrogens give the same product (symmetric
    diamine); ``ambiguous`` is True when they give different products and no rule
    separates them (both isomers are then expected).
    """

    applies: bool
    ambiguous: bool
    first_nitrogen: str
    rule: str
    basis: str
    reference_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "applies": self.applies,
            "ambiguous": self.ambiguous,
            "first_nitrogen": self.first_nitrogen,
            "rule": self.rule,
            "basis": self.basis,
            "references": list(self.reference_ids),
        }


@dataclass(frozen=True, slots=True)
class RouteResult:
    """The outcome of one route applied to one diamine and one C2/C3 reagent."""

    route: str
    diamine: str
    reagent: str
    steps: tuple[str, ...]
    product: Compound
    ring_isomers: tuple[Compound, ...]
    side_products: tuple[Compound, ...]
    regioselectivity: Regioselectivity
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    def compounds(self, key: str) -> tuple[Compound, ...]:
        """The computed compounds for a side-product key (``product`` gives the main product)."""
        if key == "product":
            return (self.product,)
        return tuple(c for c in self.side_products if c.key == key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``reactivity synth --json`` payload)."""
        return {
            "route": self.route,
            "diamine": self.diamine,
            "reagent": self.reagent,
            "steps": list(self.steps),
            "product": self.product.to_dict(),
            "ring_isomers": [c.to_dict() for c in self.ring_isomers],
            "side_products": [c.to_dict() for c in self.side_products],
            "regioselectivity": self.regioselectivity.to_dict(),
            "warnings": list(self.warnings),
            "references": list(self.references),
        }


@dataclass(frozen=True, slots=True)
class BuildingBlock:
    """One building block of a disconnection."""

    role: str
    smiles: str
    description: str

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready dict."""
        return {"role": self.role, "smiles": self.smiles, "description": self.description}


@dataclass(frozen=True, slots=True)
class Disconnection:
    """A retrosynthetic disconnection of the target ring with its forward check."""

    id: str
    bonds_broken: tuple[str, ...]
    building_blocks: tuple[BuildingBlock, ...]
    forward_check: str
    forward_product: str | None
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "id": self.id,
            "bonds_broken": list(self.bonds_broken),
            "building_blocks": [b.to_dict() for b in self.building_blocks],
            "forward_check": self.forward_check,
            "forward_product": self.forward_product,
            "warnings": list(self.warnings),
            "references": list(self.references),
        }


@dataclass(frozen=True, slots=True)
class RetroResult:
    """Disconnections proposed for a 1,4-diazepan-2-one target."""

    target: str
    target_inchikey: str | None
    disconnections: tuple[Disconnection, ...]
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``reactivity synth --target --json`` payload)."""
        return {
            "target": self.target,
            "target_inchikey": self.target_inchikey,
            "disconnections": [d.to_dict() for d in self.disconnections],
            "warnings": list(self.warnings),
            "references": list(self.references),
        }


@dataclass(frozen=True, slots=True)
class Cause:
    """One likely cause of a symptom, with the culprits computed for the user's route."""

    cause: str
    source: str
    culprits: tuple[Compound, ...]
    not_formed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "cause": self.cause,
            "source": self.source,
            "culprits": [c.to_dict() for c in self.culprits],
            "not_formed_on_this_route": list(self.not_formed),
        }


@dataclass(frozen=True, slots=True)
class TroubleshootingAnswer:
    """The knowledge-base entry for a symptom, linked to the computed side products."""

    symptom_id: str
    symptom: str
    source: tuple[str, ...]
    causes: tuple[Cause, ...]
    checks: tuple[str, ...]
    fixes: tuple[str, ...]
    corrections: tuple[str, ...]
    route: RouteResult | None
    warnings: tuple[str, ...]
    references: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``reactivity troubleshoot --json`` payload)."""
        return {
            "symptom_id": self.symptom_id,
            "symptom": self.symptom,
            "source": list(self.source),
            "causes": [c.to_dict() for c in self.causes],
            "checks": list(self.checks),
            "fixes": list(self.fixes),
            "corrections": list(self.corrections),
            "product": None if self.route is None else self.route.product.to_dict(),
            "warnings": list(self.warnings),
            "references": list(self.references),
        }


# ----------------------------------------------------------------------------- rule data


@dataclass(frozen=True, slots=True)
class ReactionRule:
    """A reaction template of ``synthesis_reactions.toml``."""

    id: str
    smarts: str
    reaction: ChemicalReaction
    what: str
    rationale: str
    reference: tuple[str, ...]
    scaffold: str
    examples: tuple[tuple[tuple[str, ...], str], ...]


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A building-block class or an amine class (SMARTS with examples)."""

    id: str
    smarts: str
    pattern: Chem.Mol
    what: str
    rationale: str
    reference: tuple[str, ...]
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    rank: int = 0
    unit: str = ""
    first_step: str = ""
    closure: str = ""
    cyclic_dimer: str = ""


@dataclass(frozen=True, slots=True)
class SideProductInfo:
    """Name and favouring conditions of a side-product key."""

    key: str
    name: str
    reference: tuple[str, ...]
    favoured_by: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class SynthesisRules:
    """Everything loaded from ``synthesis_reactions.toml``."""

    amine_nh: PatternRule
    reagent_classes: tuple[PatternRule, ...]
    amine_classes: tuple[PatternRule, ...]
    reactions: dict[str, ReactionRule]
    side_products: dict[str, SideProductInfo]
    references: dict[str, str]


def _field(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise RuleDataError(f"{where}: missing field {key!r}")
    return entry[key]


def _refs(entry: dict[str, Any], where: str, known: dict[str, str]) -> tuple[str, ...]:
    refs = tuple(str(r) for r in _field(entry, "reference", where))
    unknown = [r for r in refs if r not in known]
    if unknown:
        raise RuleDataError(f"{where}: unknown reference ids {unknown}")
    return refs


def _pattern_rule(entry: dict[str, Any], kind: str, known: dict[str, str]) -> PatternRule:
    rule_id = str(entry.get("id", "<no id>"))
    where = f"{kind} {rule_id}"
    smarts = str(_field(entry, "smarts", where))
    return PatternRule(
        id=rule_id,
        smarts=smarts,
        pattern=compile_smarts(smarts, rule_id),
        what=str(_field(entry, "what", where)),
        rationale=str(_field(entry, "rationale", where)),
        reference=_refs(entry, where, known),
        must_match=tuple(str(s) for s in _field(entry, "must_match", where)),
        must_not_match=tuple(str(s) for s in _field(entry, "must_not_match", where)),
        rank=int(entry.get("rank", 0)),
        unit=str(entry.get("unit", "")),
        first_step=str(entry.get("first_step", "")),
        closure=str(entry.get("closure", "")),
        cyclic_dimer=str(entry.get("cyclic_dimer", "")),
    )


def _reaction_rule(entry: dict[str, Any], amine_body: str, known: dict[str, str]) -> ReactionRule:
    rule_id = str(entry.get("id", "<no id>"))
    where = f"reaction {rule_id}"
    smarts = str(_field(entry, "smarts", where)).replace("$amine", amine_body)
    if "[#1" in smarts or "[H]" in smarts:
        raise RuleDataError(f"{where}: hydrogen written as an atom in SMARTS; use H counts")
    with quiet_rdkit():
        try:
            reaction = AllChem.ReactionFromSmarts(smarts)
            reaction.Initialize()
        except Exception:  # RDKit raises ValueError or RuntimeError here
            raise RuleDataError(f"{where}: reaction SMARTS does not parse: {smarts!r}") from None
    examples = tuple(
        (tuple(str(s) for s in _field(ex, "reactants", where)), str(_field(ex, "product", where)))
        for ex in entry.get("example", [])
    )
    if not examples:
        raise RuleDataError(f"{where}: no examples")
    return ReactionRule(
        id=rule_id,
        smarts=smarts,
        reaction=reaction,
        what=str(_field(entry, "what", where)),
        rationale=str(_field(entry, "rationale", where)),
        reference=_refs(entry, where, known),
        scaffold=str(entry.get("scaffold", "")),
        examples=examples,
    )


def parse_synthesis_rules(table: dict[str, Any]) -> SynthesisRules:
    """Build the synthesis rules from a parsed TOML table (raises :class:`RuleDataError` on any defect)."""
    own_refs = {str(k): str(v["text"]) for k, v in table.get("references", {}).items()}
    known = {**load_references(), **own_refs}
    patterns = _field(table, "patterns", "synthesis rules")
    amine_smarts = str(_field(patterns, "amine_nh", "patterns"))
    amine = PatternRule(
        id="amine_nh",
        smarts=amine_smarts,
        pattern=compile_smarts(amine_smarts, "amine_nh"),
        what="nucleophilic N-H amine",
        rationale="one definition of the reacting amine, shared by every template",
        reference=(),
        must_match=tuple(str(s) for s in _field(patterns, "amine_nh_must_match", "patterns")),
        must_not_match=tuple(str(s) for s in _field(patterns, "amine_nh_must_not_match", "patterns")),
    )
    if not amine_smarts.startswith("[") or not amine_smarts.endswith("]"):
        raise RuleDataError("patterns: amine_nh must be one bracket atom")
    amine_body = amine_smarts[:-1]
    reactions: dict[str, ReactionRule] = {}
    for entry in table.get("reaction", []):
        rule = _reaction_rule(entry, amine_body, known)
        if rule.id in reactions:
            raise RuleDataError(f"reaction {rule.id}: duplicated id")
        reactions[rule.id] = rule
    reagents = tuple(_pattern_rule(e, "reagent_class", known) for e in table.get("reagent_class", []))
    for reagent in reagents:
        for step in (reagent.first_step, reagent.closure, reagent.cyclic_dimer):
            if step and step not in reactions:
                raise RuleDataError(f"reagent_class {reagent.id}: unknown reaction {step!r}")
    amines = tuple(_pattern_rule(e, "amine_class", known) for e in table.get("amine_class", []))
    side: dict[str, SideProductInfo] = {}
    for key, entry in table.get("side_product", {}).items():
        where = f"side_product {key}"
        conditions = []
        for cond in _field(entry, "favoured_by", where):
            factor = str(_field(cond, "factor", where))
            if factor not in _FACTORS:
                raise RuleDataError(f"{where}: unknown factor {factor!r}")
            conditions.append(
                Condition(
                    step=str(_field(cond, "step", where)),
                    factor=factor,
                    favours=str(_field(cond, "favours", where)),
                    remedy=str(_field(cond, "remedy", where)),
                )
            )
        side[str(key)] = SideProductInfo(
            key=str(key), name=str(_field(entry, "name", where)), reference=_refs(entry, where, known),
            favoured_by=tuple(conditions),
        )
    return SynthesisRules(
        amine_nh=amine,
        reagent_classes=reagents,
        amine_classes=amines,
        reactions=reactions,
        side_products=side,
        references=own_refs,
    )


@lru_cache(maxsize=1)
def load_synthesis_rules() -> SynthesisRules:
    """The packaged synthesis rules (loaded and compiled once per process).

    >>> sorted(load_synthesis_rules().reactions)[:3]
    ['aza_michael', 'co2_uptake', 'dimer_beta_alanine_unit']
    """
    return parse_synthesis_rules(read_packaged_toml(REACTIONS_FILE))


@lru_cache(maxsize=1)
def load_troubleshooting() -> tuple[dict[str, Any], ...]:
    """The troubleshooting entries, validated (side-product keys and sources must exist).

    >>> [e["id"] for e in load_troubleshooting()][:2]
    ['low_yield', 'viscous_oil']
    """
    rules = load_synthesis_rules()
    known = {**load_references(), **rules.references}
    entries = tuple(read_packaged_toml(TROUBLESHOOTING_FILE).get("symptom", []))
    for entry in entries:
        where = f"symptom {entry.get('id', '<no id>')}"
        for key in ("id", "symptom", "aliases", "source", "causes", "checks", "fixes", "corrections"):
            _field(entry, key, where)
        for ref in [*entry["source"], *(c["source"] for c in entry["causes"])]:
            if ref not in known:
                raise RuleDataError(f"{where}: unknown source {ref!r}")
        for cause in entry["causes"]:
            for key in _field(cause, "side_products", where):
                if key != "product" and key not in rules.side_products:
                    raise RuleDataError(f"{where}: unknown side product {key!r}")
    return entries


# ----------------------------------------------------------------------------- helpers


def _clean(mol: Chem.Mol) -> Chem.Mol:
    """A sanitized copy without the temporary nitrogen labels and reaction bookkeeping."""
    out = Chem.Mol(mol)
    for atom in out.GetAtoms():
        if atom.GetIsotope() > _LABEL:
            atom.SetIsotope(0)
    with quiet_rdkit():
        Chem.SanitizeMol(out)
    return out


def _key(mol: Chem.Mol) -> str:
    return Chem.MolToSmiles(_clean(mol))


def _scaffold_of(mol: Chem.Mol) -> tuple[str, bool]:
    """The ring class of a product: 1,4-diazepan-2-one, a named near miss, or a ring-size description.

    >>> _scaffold_of(Chem.MolFromSmiles("O=C1CCNCCCN1"))
    ('8-membered lactam', False)
    >>> _scaffold_of(Chem.MolFromSmiles("NCCCNC(=O)CN"))
    ('open chain (no ring)', False)
    """
    with quiet_rdkit():
        if perceive(mol):
            return TARGET_SCAFFOLD, True
        names = related_scaffolds(mol)
    if names:
        return names[0], False
    rings = mol.GetRingInfo()
    if rings.NumRings() == 0:
        return "open chain (no ring)", False
    sizes = sorted(
        {len(ring) for ring in rings.AtomRings() for n, c, _ in mol.GetSubstructMatches(_LACTAM) if n in ring and c in ring}
    )
    if sizes:
        return f"{sizes[0]}-membered lactam", False
    return "no lactam ring", False


def _compound(
    mol: Chem.Mol, key: str, name: str, step: str, favoured_by: tuple[Condition, ...] = (), note: str = "",
    scaffold: str = "",
) -> Compound:
    clean = _clean(mol)
    polymer = any(atom.GetAtomicNum() == 0 for atom in clean.GetAtoms())
    with quiet_rdkit():
        inchikey = None if polymer else (Chem.MolToInchiKey(clean) or None)
    mass = rdMolDescriptors.CalcExactMolWt(clean)
    fragments = Chem.GetMolFrags(clean, asMols=True)
    if polymer:
        mz: float | None = None
    elif len(fragments) > 1:  # a salt: the spectrometer sees the organic base
        base = max(fragments, key=lambda f: f.GetNumHeavyAtoms())
        mz = rdMolDescriptors.CalcExactMolWt(base) + PROTON_MASS
    else:
        mz = mass + PROTON_MASS
    ring_class, is_target = _scaffold_of(clean)
    return Compound(
        key=key,
        name=name,
        smiles=Chem.MolToSmiles(clean),
        inchikey=inchikey,
        formula=rdMolDescriptors.CalcMolFormula(clean),
        monoisotopic_mass=mass,
        mz_mh=mz,
        scaffold=scaffold or ring_class,
        is_target_scaffold=is_target,
        step=step,
        favoured_by=favoured_by,
        note=note,
    )


def _run(rule: ReactionRule, reactants: tuple[Chem.Mol, ...]) -> list[Chem.Mol]:
    """All sanitizable, distinct products of a template (labels kept)."""
    with quiet_rdkit():
        outcomes = rule.reaction.RunReactants(reactants)
    seen: dict[str, Chem.Mol] = {}
    for outcome in outcomes:
        product = Chem.Mol(outcome[0])
        try:
            with quiet_rdkit():
                Chem.SanitizeMol(product)
        except Exception:  # an impossible valence: not a product
            continue
        seen.setdefault(Chem.MolToSmiles(product), product)
    return list(seen.values())


def _mapped(product: Chem.Mol, mapno: int, reactant: int = 0) -> Chem.Atom | None:
    """The product atom that template map number ``mapno`` of reactant ``reactant`` became."""
    for atom in product.GetAtoms():
        if (
            atom.HasProp("old_mapno")
            and atom.GetIntProp("old_mapno") == mapno
            and atom.GetIntProp("react_idx") == reactant
        ):
            return atom
    return None


def _labelled(mol: Chem.Mol, label: int) -> Chem.Atom | None:
    return next((a for a in mol.GetAtoms() if a.GetIsotope() == label), None)


def _single_molecule(mol: Chem.Mol, what: str) -> None:
    if len(Chem.GetMolFrags(mol)) != 1:
        raise UnsupportedBuildingBlockError(f"{what}: give one neutral molecule (free base), not a salt or mixture")
    if any(atom.GetFormalCharge() for atom in mol.GetAtoms()):
        raise UnsupportedBuildingBlockError(f"{what}: give the neutral free base, not a charged form")


def _amine_nitrogens(mol: Chem.Mol) -> tuple[int, ...]:
    pattern = load_synthesis_rules().amine_nh.pattern
    return tuple(sorted({m[0] for m in mol.GetSubstructMatches(pattern)}))


def _amine_class(mol: Chem.Mol, atom: int) -> PatternRule | None:
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
    reactivity.synthesis.UnsupportedBuildingBlockError: --reagent CCO: not a supported C2/C3 unit (supported: acrylate_ester, haloacetate_ester, glycine_ester, glyoxal)
    """
    classes = load_synthesis_rules().reagent_classes
    hits = [(rule, len(reagent.GetSubstructMatches(rule.pattern))) for rule in classes]
    hits = [(rule, n) for rule, n in hits if n]
    smiles = Chem.MolToSmiles(reagent)
    if not hits:
        supported = ", ".join(rule.id for rule in classes)
        raise UnsupportedBuildingBlockError(f"--reagent {smiles}: not a supported C2/C3 unit (supported: {supported})")
    if len(hits) > 1 or hits[0][1] > 1:
        names = ", ".join(rule.id for rule, _ in hits)
        raise UnsupportedBuildingBlockError(f"--reagent {smiles}: more than one reactive group ({names}); give a reagent with one")
    return hits[0][0]


# ----------------------------------------------------------------------------- forward


@dataclass(frozen=True, slots=True)
class _Ring:
    """A ring product with the atoms of its new lactam bond (for ring-opening)."""

    mol: Chem.Mol
    amide_n: int
    amide_c: int


def _ring_from_closure(rule: ReactionRule, adduct: Chem.Mol, closing_label: int) -> _Ring | None:
    """Intramolecular lactamization of a labelled adduct by its other nitrogen (rings of 5 or more atoms)."""
    for product in _run(rule, (adduct,)):
        n_atom, c_atom = _mapped(product, 1), _mapped(product, 2)
        if n_atom is None or c_atom is None or n_atom.GetIsotope() != closing_label:
            continue
        path = Chem.GetShortestPath(adduct, n_atom.GetIntProp("react_atom_idx"), c_atom.GetIntProp("react_atom_idx"))
        if len(path) >= 5:
            return _Ring(product, n_atom.GetIdx(), c_atom.GetIdx())
    return None


def _open_ring(ring: _Ring) -> Chem.Mol:
    """Hydrolyse the ring's lactam bond: the ring-opened amino acid."""
    rw = Chem.RWMol(ring.mol)
    rw.RemoveBond(ring.amide_n, ring.amide_c)
    oxygen = rw.AddAtom(Chem.Atom(8))
    rw.AddBond(ring.amide_c, oxygen, Chem.BondType.SINGLE)
    out = rw.GetMol()
    for atom in out.GetAtoms():
        atom.SetNoImplicit(False)
        atom.SetNumExplicitHs(0)
    with quiet_rdkit():
        Chem.SanitizeMol(out)
    return out


def _describe_nitrogen(mol: Chem.Mol, atom: int) -> str:
    rule = _amine_class(mol, atom)
    return f"the nitrogen at atom {atom + 1} of the diamine SMILES ({rule.what if rule else 'unclassified amine'})"


def _regioselectivity(
    diamine: Chem.Mol, nitrogens: tuple[int, ...], outcome: dict[int, str], route: PatternRule
) -> tuple[Regioselectivity, int]:
    """Pick the nitrogen that reacts first; returns the rule statement and the chosen label."""
    labels = sorted(outcome)
    if len(set(outcome.values())) <= 1:
        statement = "both nitrogens give the same product (symmetric diamine): no regiochemistry to decide"
        return Regioselectivity(False, False, "either", statement, "symmetry", ()), labels[0]
    by_label = {_LABEL + 1 + k: atom for k, atom in enumerate(nitrogens)}
    if route.first_step in ("n_alkylation", "aza_michael"):
        ranks = {label: (_amine_class(diamine, by_label[label]) or _DUMMY_CLASS).rank for label in labels}
        best = max(ranks.values())
        winners = [label for label in labels if ranks[label] == best]
        if len(winners) == 1:
            winner = winners[0]
            cls = _amine_class(diamine, by_label[winner])
            rule = (
                "the more nucleophilic nitrogen adds first: unbranched secondary alkylamine > unbranched primary "
                "> alpha-branched primary or secondary > tert-alkyl primary > aryl amine; the first nitrogen becomes N4 "
                "(ring amine) and the other closes the lactam as N1"
            )
            basis = (
                f"{cls.rationale if cls else ''} Ordinal heuristic (assumption), not measured rates for this diamine; "
                "the other isomer is expected as a minor product and is listed."
            ).strip()
            refs = cls.reference if cls else ("lit:mayr2007",)
            return Regioselectivity(True, False, _describe_nitrogen(diamine, by_label[winner]), rule, basis, refs), winner
        rule = "both nitrogens fall in the same nucleophilicity class: no rule separates them"
    elif route.first_step == "glyoxal_lactam":
        rule = "no regioselectivity rule for the glyoxal route: either nitrogen can become the amide N1"
    else:
        rule = "no regioselectivity rule for ester aminolysis by an unsymmetric diamine"
    winner = min(labels, key=lambda label: outcome[label])
    basis = "both ring isomers are expected; the one shown as product is the first by canonical SMILES (arbitrary)"
    return Regioselectivity(True, True, "ambiguous", rule, basis, ("lit:mayr2007",)), winner


_DUMMY_CLASS = PatternRule("none", "", Chem.Mol(), "", "", (), (), (), rank=-1)


def _side(rules: SynthesisRules, key: str, mol: Chem.Mol, step: str, note: str = "", scaffold: str = "", name: str = "") -> Compound:
    info = rules.side_products[key]
    return _compound(mol, key, name or info.name, step, info.favoured_by, note, scaffold)


def _n_units(diamine: Chem.Mol, nitrogens: tuple[int, ...], product: Chem.Mol) -> list[int]:
    """How many new heavy-atom substituents each labelled diamine nitrogen carries in ``product``."""
    gained = []
    for k, atom in enumerate(nitrogens):
        label = _labelled(product, _LABEL + 1 + k)
        before = diamine.GetAtomWithIdx(atom).GetDegree()
        gained.append(0 if label is None else label.GetDegree() - before)
    return gained


def plan_route(diamine: Chem.Mol, reagent: Chem.Mol) -> RouteResult:
    """Apply the route implied by the reagent's class to a diamine; name the product and side products.

    Raises :class:`UnsupportedBuildingBlockError` when either building block is
    outside what the advisor handles.

    >>> route = plan_route(Chem.MolFromSmiles("CNCCCN"), Chem.MolFromSmiles("BrCC(=O)OCC"))
    >>> route.product.smiles, [c.smiles for c in route.ring_isomers]
    ('CN1CCCNC(=O)C1', ['CN1CCCNCC1=O'])
    """
    rules = load_synthesis_rules()
    _single_molecule(diamine, "--diamine")
    _single_molecule(reagent, "--reagent")
    route = classify_reagent(reagent)
    nitrogens = _amine_nitrogens(diamine)
    diamine_smiles = Chem.MolToSmiles(diamine)
    if len(nitrogens) != 2:
        raise UnsupportedBuildingBlockError(
            f"--diamine {diamine_smiles}: expected exactly two N-H amine nitrogens, found {len(nitrogens)}"
        )
    labelled = Chem.Mol(diamine)
    for k, atom in enumerate(nitrogens):
        labelled.GetAtomWithIdx(atom).SetIsotope(_LABEL + 1 + k)
    first = rules.reactions[route.first_step]
    refs: list[str] = [*route.reference, *first.reference]
    steps = [first.what]
    warnings: list[str] = []

    # first step: which nitrogen reacted (label) -> adduct, ring
    adducts: dict[int, Chem.Mol] = {}
    rings: dict[int, _Ring] = {}
    if route.first_step == "glyoxal_lactam":
        for product in _run(first, (labelled, reagent)):
            n4, n1, c2 = _mapped(product, 1), _mapped(product, 2), _mapped(product, 4, reactant=1)
            if n4 is not None and n1 is not None and c2 is not None:
                rings.setdefault(n4.GetIsotope(), _Ring(product, n1.GetIdx(), c2.GetIdx()))
    else:
        for product in _run(first, (labelled, reagent)):
            n_atom = _mapped(product, 1)
            if n_atom is not None and n_atom.GetIsotope() > _LABEL:
                adducts.setdefault(n_atom.GetIsotope(), product)
        if route.closure:
            closure = rules.reactions[route.closure]
            steps.append(closure.what)
            refs.extend(closure.reference)
            for label, adduct in adducts.items():
                other = (_LABEL + 1) if label == _LABEL + 2 else (_LABEL + 2)
                ring = _ring_from_closure(closure, adduct, other)
                if ring is not None:
                    rings[label] = ring
    if not adducts and not rings:
        raise UnsupportedBuildingBlockError(
            f"--diamine {diamine_smiles} with --reagent {Chem.MolToSmiles(reagent)}: the {route.id} route gives no product"
        )

    outcome = {label: _key(r.mol) for label, r in rings.items()} or {label: _key(m) for label, m in adducts.items()}
    regio, first_label = _regioselectivity(diamine, nitrogens, outcome, route)
    if regio.applies:
        refs.extend(regio.reference_ids)
        if regio.ambiguous:
            warnings.append(f"Ring closure is ambiguous for this unsymmetric diamine: {regio.rule}; {regio.basis}.")
        else:
            warnings.append(f"Unsymmetric diamine: {regio.first_nitrogen} is predicted to react first; {regio.rule}.")
        if route.first_step == "aza_michael":
            warnings.append("The aza-Michael addition is reversible on heating (retro-Michael), which erodes this selectivity.")

    # main product
    ring = rings.get(first_label)
    adduct = adducts.get(first_label)
    if ring is not None:
        product = _compound(ring.mol, "product", "main product", "ring closure")
    else:
        assert adduct is not None
        product = _compound(adduct, "product", "main product (no ring closure)", "first step")
        warnings.append(
            f"No ring forms on this route: {route.rationale}" if route.first_step == "ester_aminolysis"
            else "The adduct cannot close a lactam ring of five or more atoms."
        )
    if not product.is_target_scaffold:
        warnings.append(_wrong_scaffold_warning(product, route))
        refs.append("docs:acrylate_route")

    side: list[Compound] = []
    isomers = tuple(
        _side(rules, "ring_isomer", r.mol, "ring closure", note=f"formed when {_describe_nitrogen(diamine, nitrogens[label - _LABEL - 1])} reacts first")
        for label, r in sorted(rings.items())
        if label != first_label and _key(r.mol) != _key(rings[first_label].mol)
    ) if ring is not None else ()
    side.extend(isomers)
    side.extend(_ester_route_side_products(rules, route, labelled, reagent, nitrogens, adducts, first_label, diamine))
    if ring is not None:
        side.append(_side(rules, "hydrolysis_product", _open_ring(ring), "work-up / storage",
                          note="ring-opened at the lactam bond (C2-N1); same as hydrolysis of the amino ester"))
    side.extend(_common_side_products(rules, route, labelled, reagent))
    for compound in side:
        refs.extend(rules.side_products[compound.key].reference)
    unique: dict[tuple[str, str], Compound] = {}
    for compound in side:
        unique.setdefault((compound.key, compound.smiles), compound)
    return RouteResult(
        route=route.id,
        diamine=diamine_smiles,
        reagent=Chem.MolToSmiles(reagent),
        steps=tuple(steps),
        product=product,
        ring_isomers=isomers,
        side_products=tuple(unique.values()),
        regioselectivity=regio,
        warnings=tuple(dict.fromkeys(warnings)),
        references=tuple(dict.fromkeys(refs)),
    )


def _wrong_scaffold_warning(product: Compound, route: PatternRule) -> str:
    what = "an open-chain product" if product.scaffold.startswith("open chain") else product.scaffold
    text = f"This route gives {what} ({product.smiles}), not a 1,4-diazepan-2-one."
    if product.scaffold == "1,4-diazepan-5-one":
        text += (
            " It gives the 5-one, not the 2-one: the amine that adds to the acrylate ends up two carbons from the"
            " carbonyl (a beta-alanine unit) and the new amide N sits on the ethylene bridge. Seed 000 claims this"
            " route gives 1,4-diazepan-2-one; it does not (DOMAIN.md section 2)."
        )
    if route.unit == "beta_alanine":
        text += (
            " An acrylate supplies a beta-alanine (C3) unit; a 1,4-diazepan-2-one needs a glycine (C2) unit joined to"
            " a 1,3-diamine: use a haloacetate ester (N-alkylation, then lactamization) or glyoxal."
        )
    elif route.unit == "glycine" and product.scaffold != "open chain (no ring)":
        text += " A glycine unit gives a 1,4-diazepan-2-one only with a 1,3-diamine (three carbons between the nitrogens)."
    return text


def _ester_route_side_products(
    rules: SynthesisRules, route: PatternRule, labelled: Chem.Mol, reagent: Chem.Mol,
    nitrogens: tuple[int, ...], adducts: dict[int, Chem.Mol], first_label: int, diamine: Chem.Mol,
) -> list[Compound]:
    """Side products of the ester routes (amino ester, double adduct, bis-amide, dimers, oligomers)."""
    out: list[Compound] = []
    first = rules.reactions[route.first_step]
    aminolysis = rules.reactions["ester_aminolysis"]
    if route.first_step == "glyoxal_lactam":
        return out
    adduct = adducts.get(first_label)
    if adduct is None:
        return out
    if route.closure:
        out.append(_side(rules, "amino_ester", adduct, "first step"))
    for mono in adducts.values() if route.closure else ():
        for double in _run(first, (mono, reagent)):
            gained = _n_units(diamine, nitrogens, double)
            kind = "N,N-bis (both on one nitrogen)" if max(gained) >= 2 else "N,N'-bis (one on each nitrogen)"
            out.append(_side(rules, "double_adduct", double, "first step", note=kind))
    for mono in _run(aminolysis, (labelled, reagent)):
        for bis in _run(aminolysis, (mono, reagent)):
            if all(g == 1 for g in _n_units(diamine, nitrogens, bis)):
                out.append(_side(rules, "bis_amide", bis, "first step"))
    if route.cyclic_dimer and route.closure:
        dimer_rule = rules.reactions[route.cyclic_dimer]
        for dimer in _run(dimer_rule, (adduct, adduct)):
            out.append(_side(rules, "cyclic_dimer", dimer, "ring closure", scaffold=dimer_rule.scaffold,
                             name=f"head-to-tail cyclic dimer ({dimer_rule.scaffold})"))
    if route.closure:
        closing = (_LABEL + 1) if first_label == _LABEL + 2 else (_LABEL + 2)
        dimers = [d for d in _run(aminolysis, (adduct, adduct)) if (_mapped(d, 1) or _DUMMY_ATOM).GetIsotope() == closing]
        for dimer in dimers:
            out.append(_side(rules, "linear_dimer", dimer, "ring closure"))
            for trimer in _run(aminolysis, (dimer, adduct)):
                if (_mapped(trimer, 1) or _DUMMY_ATOM).GetIsotope() == closing:
                    out.append(_side(rules, "linear_trimer", trimer, "ring closure"))
    return out


_DUMMY_ATOM = Chem.Atom(0)


def _common_side_products(rules: SynthesisRules, route: PatternRule, labelled: Chem.Mol, reagent: Chem.Mol) -> list[Compound]:
    """Reagent-derived and reagent-quality side products (polyacrylate, CO2 adduct, HX salt, reagent dimer)."""
    out: list[Compound] = []
    if route.id == "acrylate_ester":
        for unit in _run(rules.reactions["polymer_repeat_unit"], (reagent,)):
            out.append(_side(rules, "polyacrylate", unit, "first step",
                             note="repeat unit only: a polymer has no single mass ([M+H]+ not given)"))
    if route.id == "glycine_ester":
        dimer_rule = rules.reactions["dimer_glycine_unit"]
        for dimer in _run(dimer_rule, (reagent, reagent)):
            out.append(_side(rules, "reagent_dimer", dimer, "storage / first step", scaffold=dimer_rule.scaffold,
                             name=f"glycine ester self-condensation: {dimer_rule.scaffold}"))
    if route.id == "haloacetate_ester":
        halogen = next(a.GetSymbol() for a in reagent.GetAtoms() if a.GetSymbol() in ("Cl", "Br", "I"))
        salt = Chem.MolFromSmiles(f"{Chem.MolToSmiles(_clean(labelled))}.{halogen}")
        out.append(_side(rules, "hydrohalide_salt", salt, "first step",
                         name=f"diamine hydro{ {'Cl': 'chloride', 'Br': 'bromide', 'I': 'iodide'}[halogen] } salt",
                         note="mono-salt shown; m/z is the free diamine's [M+H]+"))
    carbamates = _run(rules.reactions["co2_uptake"], (labelled,))
    if carbamates:
        out.append(_side(rules, "diamine_carbamate", carbamates[0], "reagents",
                         note="shown as the carbamic acid; isolated as the ammonium carbamate salt"))
    return out


def plan_route_smiles(diamine: str, reagent: str) -> RouteResult:
    """:func:`plan_route` from SMILES (raises :class:`~reactivity.errors.MoleculeParseError` on bad SMILES).

    >>> plan_route_smiles("CC(N)CC(C)N", "O=CC=O").product.smiles
    'CC1CC(C)NC(=O)CN1'
    """
    return plan_route(mol_from_smiles(diamine), mol_from_smiles(reagent))


# ----------------------------------------------------------------------------- retro


def _fragments_after(target: Chem.Mol, cut: tuple[tuple[int, int], ...], caps: dict[int, str]) -> tuple[Chem.Mol, ...]:
    """Break bonds and cap atoms (``caps``: atom -> SMILES-like group ``OCC`` or ``Br``); return the fragments."""
    rw = Chem.RWMol(Chem.RemoveHs(target))
    for a, b in cut:
        rw.RemoveBond(a, b)
    for atom, group in caps.items():
        if group == "Br":  # SN2 at this carbon inverts it: leave its configuration unassigned
            rw.GetAtomWithIdx(atom).SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
            new = rw.AddAtom(Chem.Atom(35))
            rw.AddBond(atom, new, Chem.BondType.SINGLE)
        else:  # ethyl ester oxygen
            o = rw.AddAtom(Chem.Atom(8))
            c1 = rw.AddAtom(Chem.Atom(6))
            c2 = rw.AddAtom(Chem.Atom(6))
            rw.AddBond(atom, o, Chem.BondType.SINGLE)
            rw.AddBond(o, c1, Chem.BondType.SINGLE)
            rw.AddBond(c1, c2, Chem.BondType.SINGLE)
    mol = rw.GetMol()
    for atom in mol.GetAtoms():
        if atom.GetIsAromatic():
            continue
        atom.SetNoImplicit(False)
        atom.SetNumExplicitHs(0)
    with quiet_rdkit():
        Chem.SanitizeMol(mol)
        return tuple(Chem.GetMolFrags(mol, asMols=True))


def _forward_check(diamine: Chem.Mol, reagent: Chem.Mol, target_key: str) -> tuple[str, str | None, list[str]]:
    """Run the forward route and compare its products with the target (InChIKey connectivity block)."""
    try:
        route = plan_route(diamine, reagent)
    except ReactivityError as exc:
        return f"forward route not simulated: {exc}", None, []
    main = (route.product.inchikey or "")[:14]
    warnings: list[str] = []
    if main == target_key:
        verdict = "the forward route gives the target as the main product"
        if route.regioselectivity.ambiguous:
            verdict = "the forward route gives the target, but only as one of two ring isomers"
            warnings.append(f"Ring closure is ambiguous: {route.regioselectivity.rule}.")
    elif any((c.inchikey or "")[:14] == target_key for c in route.ring_isomers):
        verdict = "the forward route gives the target only as the minor ring isomer"
        warnings.append(
            f"Ring closure ambiguous for this diamine: {route.regioselectivity.first_nitrogen} is predicted to react"
            f" first, giving {route.product.smiles} instead; protect the nitrogen that must become N1, or alkylate"
            " the N4 nitrogen first."
        )
    else:
        verdict = f"the forward route gives {route.product.smiles}, not the target"
        warnings.append(verdict)
    return verdict, route.product.smiles, warnings


def propose_disconnections(target: Chem.Mol) -> RetroResult:
    """1,3-diamine + two-carbon-unit disconnections of a 1,4-diazepan-2-one, each checked forward.

    >>> result = propose_disconnections(Chem.MolFromSmiles("O=C1CNCCCN1"))
    >>> [(d.id, [b.smiles for b in d.building_blocks]) for d in result.disconnections][:2]
    [('diamine_haloacetate', ['NCCCN', 'CCOC(=O)CBr']), ('diamine_glyoxal', ['NCCCN', 'O=CC=O'])]
    """
    _single_molecule(target, "--target")
    with quiet_rdkit():
        rings = perceive(target)
        names = () if rings else related_scaffolds(target)
    smiles = Chem.MolToSmiles(target)
    if not rings:
        found = f" (it is {names[0]})" if names else ""
        raise UnsupportedBuildingBlockError(f"--target {smiles}: not a 1,4-diazepan-2-one{found}")
    ring = rings[0]
    warnings: list[str] = []
    if len(rings) > 1:
        warnings.append(f"{len(rings)} diazepan-2-one rings found; only the first is disconnected.")
    if ring.n4_class not in ("secondary_amine", "tertiary_amine", "aryl_amine"):
        raise UnsupportedBuildingBlockError(
            f"--target {smiles}: N4 is {ring.n4_class}, not an amine; the 1,3-diamine + C2-unit disconnection does not apply"
        )
    if ring.n1_class not in ("nh", "n_alkyl", "n_aryl"):
        raise UnsupportedBuildingBlockError(
            f"--target {smiles}: N1 is {ring.n1_class}; the 1,3-diamine + C2-unit disconnection needs an N1-H, N1-alkyl or N1-aryl lactam"
        )
    key = (Chem.MolToInchiKey(target) or "")[:14]
    refs = ["docs:acrylate_route"]
    if any(s.position == "C3" for s in ring.stereocentres):
        warnings.append(
            "C3 is a stereocentre: N-alkylation is SN2 at C3 (inversion), so the haloester's C3 configuration is left"
            " unassigned here (use the enantiomer that gives the target after inversion), and C3 epimerizes under base"
            " (DOMAIN.md sections 3 and 5)."
        )
        refs.append("docs:stereochemistry")
    out: list[Disconnection] = []

    frags = _fragments_after(target, ((ring.n1, ring.c2), (ring.c3, ring.n4)), {ring.c2: "OCC", ring.c3: "Br"})
    if len(frags) != 2:
        warnings.append("The ring is bridged or fused across the disconnected bonds; no two-component disconnection.")
        return RetroResult(smiles, Chem.MolToInchiKey(target) or None, (), tuple(warnings), tuple(refs))
    reagent = next(f for f in frags if any(a.GetSymbol() == "Br" for a in f.GetAtoms()) and f.HasSubstructMatch(_ETHYL_ESTER))
    diamine = next(f for f in frags if f is not reagent)
    verdict, fwd, fwarn = _forward_check(diamine, reagent, key)
    out.append(Disconnection(
        id="diamine_haloacetate",
        bonds_broken=("N1-C2 (lactamization)", "C3-N4 (N-alkylation)"),
        building_blocks=(
            BuildingBlock("diamine", Chem.MolToSmiles(diamine), "1,3-diamine: supplies N1, C7, C6, C5, N4"),
            BuildingBlock("C2 unit", Chem.MolToSmiles(reagent), "alpha-bromo ester (chloro- or iodo- work too): supplies C2, C3"),
        ),
        forward_check=verdict, forward_product=fwd, warnings=tuple(fwarn), references=("docs:acrylate_route", "lit:mayr2007"),
    ))
    c3_h = target.GetAtomWithIdx(ring.c3).GetTotalNumHs()
    if c3_h == 2 and ring.n1_class == "nh" and ring.n4_class == "secondary_amine":
        glyoxal = Chem.MolFromSmiles("O=CC=O")
        verdict, fwd, fwarn = _forward_check(diamine, glyoxal, key)
        out.append(Disconnection(
            id="diamine_glyoxal",
            bonds_broken=("N1-C2", "C3-N4 (condensation with internal redox)"),
            building_blocks=(
                BuildingBlock("diamine", Chem.MolToSmiles(diamine), "1,3-diamine with two NH2 groups"),
                BuildingBlock("C2 unit", "O=CC=O", "glyoxal"),
            ),
            forward_check=verdict, forward_product=fwd, warnings=tuple(fwarn), references=("docs:acrylate_route", "lit:jcsc1969"),
        ))
    frags = _fragments_after(target, ((ring.n1, ring.c2), (ring.n4, ring.c5)), {ring.c2: "OCC", ring.c5: "Br"})
    if any(s.position == "C5" for s in ring.stereocentres):
        warnings.append("C5 is a stereocentre: in the glycine-ester disconnection it is the SN2 carbon (inversion); its configuration is left unassigned there.")
    if len(frags) == 2:
        glycine = next(f for f in frags if f.HasSubstructMatch(_ETHYL_ESTER))
        three = next(f for f in frags if f is not glycine)
        out.append(Disconnection(
            id="glycine_ester_c3_unit",
            bonds_broken=("N1-C2 (lactamization)", "N4-C5 (N-alkylation of the glycine N)"),
            building_blocks=(
                BuildingBlock("C2 unit", Chem.MolToSmiles(glycine), "glycine ester: supplies N4, C3, C2"),
                BuildingBlock("C3 unit", Chem.MolToSmiles(three), "3-halopropylamine: supplies C5, C6, C7, N1"),
            ),
            forward_check="not simulated (the forward advisor takes a diamine)",
            forward_product=None,
            warnings=(
                "The 3-halopropylamine's own amine must be protected (or used as its salt): as a free base it"
                " self-alkylates; glycine esters also self-condense to piperazine-2,5-dione.",
            ),
            references=("docs:acrylate_route", "lit:dkp_aminolysis"),
        ))
    refs.extend(ref for d in out for ref in d.references)
    return RetroResult(smiles, Chem.MolToInchiKey(target) or None, tuple(out), tuple(warnings), tuple(dict.fromkeys(refs)))


# ----------------------------------------------------------------------------- troubleshooting

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"a", "an", "the", "of", "in", "my", "is", "and", "or", "i", "see", "after", "during", "with", "to", "product", "formation", "presence"})


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower().replace("-", ""))) - _STOP


def match_symptom(symptom: str) -> dict[str, Any]:
    """The knowledge-base entry that best matches a symptom (id, wording or alias).

    >>> match_symptom("Formation of a White Crystalline Precipitate")["id"]
    'white_precipitate'
    >>> match_symptom("viscous oil")["id"]
    'viscous_oil'
    """
    entries = load_troubleshooting()
    wanted = symptom.strip().lower()
    for entry in entries:
        names = [entry["id"], entry["symptom"], *entry["aliases"]]
        if any(wanted == str(n).lower() for n in names):
            return entry
    query = _words(symptom)
    best, best_score = None, 0.0
    for entry in entries:
        for name in [entry["id"].replace("_", " "), entry["symptom"], *entry["aliases"]]:
            words = _words(str(name))
            if not words or not query:
                continue
            common = len(words & query)
            score = common / len(words) + common / len(query)
            if common and score > best_score:
                best, best_score = entry, score
    if best is None or best_score < 0.5:
        known = ", ".join(e["id"] for e in entries)
        raise UnknownSymptomError(f"unknown symptom {symptom!r}; known symptoms: {known}")
    return best


def troubleshoot(symptom: str, diamine: Chem.Mol | None = None, reagent: Chem.Mol | None = None) -> TroubleshootingAnswer:
    """Answer a symptom from the knowledge base; with building blocks, show each culprit's structure and mass.

    >>> answer = troubleshoot("white precipitate", Chem.MolFromSmiles("NCCN"), Chem.MolFromSmiles("C=CC(=O)OC"))
    >>> answer.causes[0].culprits[0].name
    'head-to-tail cyclic dimer (1,5-diazocane-2,6-dione)'
    """
    entry = match_symptom(symptom)
    if (diamine is None) != (reagent is None):
        raise UnsupportedBuildingBlockError("give both --diamine and --reagent, or neither")
    route = None if diamine is None or reagent is None else plan_route(diamine, reagent)
    causes = []
    refs: list[str] = list(entry["source"])
    for cause in entry["causes"]:
        keys = tuple(cause["side_products"])
        culprits: list[Compound] = []
        missing: list[str] = []
        if route is not None:
            for key in keys:
                found = route.compounds(key)
                culprits.extend(found)
                if not found:
                    missing.append(key)
        causes.append(Cause(str(cause["cause"]), str(cause["source"]), tuple(culprits), tuple(missing)))
        refs.append(str(cause["source"]))
    warnings: list[str] = []
    if route is None:
        warnings.append("No building blocks given: pass --diamine and --reagent to see each culprit's structure and mass.")
    else:
        warnings.extend(route.warnings)
        refs.extend(route.references)
    return TroubleshootingAnswer(
        symptom_id=str(entry["id"]),
        symptom=str(entry["symptom"]),
        source=tuple(entry["source"]),
        causes=tuple(causes),
        checks=tuple(entry["checks"]),
        fixes=tuple(entry["fixes"]),
        corrections=tuple(entry["corrections"]),
        route=route,
        warnings=tuple(warnings),
        references=tuple(dict.fromkeys(refs)),
    )

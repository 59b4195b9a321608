"""The derivatization planner: which site reacts with which reagent, what comes out, and what must happen first.

Every decision comes from ``reactions.toml``: the sites a reaction class can use, ranked in tiers (lower reacts
first; equal tiers mean no rule decides), the reagent types with their reaction SMARTS, and the
incompatibilities of the conditions. Atom indices are 0-based indices into the caller's molecule (explicit H and
counter-ions included), like perception's.

>>> from reactivity.molecule import mol_from_smiles
>>> plan = plan_derivatization(mol_from_smiles("O=C1CNCCCN1"), "acylation", "CC(=O)Cl")
>>> plan.outcome, plan.reacting_atoms, plan.product_smiles
('clean', (3,), 'CC(=O)N1CCCNC(=O)C1')
>>> plan_derivatization(mol_from_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"), "reductive_amination").outcome
'blocked'
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rdkit import Chem

from ..atomtext import LIBRARY_NUMBERING, AtomText, compose, join
from ..errors import MoleculeParseError, ReactivityError
from ..molecule import (FreeBaseView, as_read, canonical_ranks, fragments_holding, free_base_view, mol_from_smiles,
                        quiet_rdkit, redrawn_or_none, with_ring_info)
from ..sites import RingSites
from ..species import Species, describe_species, species_smiles
from ..tautomers import ring_hydrogen_placements
from .rules import (
    IncompatibilityRule,
    ReactionClass,
    ReagentType,
    SiteRule,
    load_reaction_rules,
)

Outcome = Literal["clean", "selective", "mixture", "needs_protection", "blocked", "incompatible"]
OUTCOMES: tuple[str, ...] = ("clean", "selective", "mixture", "needs_protection", "blocked", "incompatible")


class ReagentMismatchError(ReactivityError):
    """A reagent does not fit the reaction class (it matches none of the class's reagent types)."""


# ----------------------------------------------------------------------------------------------- result types


@dataclass(frozen=True, slots=True)
class ReactingSite:
    """A site that can react under the class: the reacting atom (caller's index), where it is, and its rank."""

    atom: int
    position: str
    ring_index: int | None
    rule_id: str
    label: str
    tier: int
    basis: str
    reference_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "atom": self.atom, "position": self.position or None, "ring_index": self.ring_index, "rule_id": self.rule_id,
            "label": self.label, "tier": self.tier, "basis": self.basis, "reference_ids": list(self.reference_ids),
        }


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """What the conditions destroy or what else reacts: ``severity`` is ``incompatible``, ``warning`` or ``info``."""

    code: str
    severity: str
    text: str
    atoms: tuple[int, ...]
    reference_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"code": self.code, "severity": self.severity, "text": self.text, "atoms": list(self.atoms),
                "reference_ids": list(self.reference_ids)}


@dataclass(frozen=True, slots=True)
class DerivatizationPlan:
    """The answer for one molecule, one reaction class and (optionally) one reagent.

    ``outcome``: ``clean`` (one site reacts), ``selective`` (several can, one wins by the stated ``rule``; the
    others are ``minor_sites``), ``mixture`` (no rule decides), ``needs_protection`` (another site reacts before
    the intended ring site: ``protection_plan`` gives the steps), ``blocked`` (no site: ``reason``), or
    ``incompatible`` (the conditions destroy something or something else reacts instead: the ``incompatible``
    warnings; the reacting site and product are still given). ``reacting_atoms`` are the caller's atom indices.
    ``product_smiles`` is the expected product with the given reagent (after the protection plan when one is
    needed); ``side_products`` are the products at the other candidate sites.
    """

    reaction: str
    reaction_label: str
    conditions: str
    outcome: Outcome
    reacting_atoms: tuple[int, ...]
    reacting_sites: tuple[ReactingSite, ...]
    minor_sites: tuple[ReactingSite, ...]
    candidate_sites: tuple[ReactingSite, ...]
    rule: str
    reason: str
    protection_plan: tuple[str, ...]
    reagent_smiles: str | None
    reagent_type: str | None
    product_smiles: str | None
    product: Species | None
    side_products: tuple[str, ...]
    warnings: tuple[PlanWarning, ...]
    reference_ids: tuple[str, ...]
    ruleset_version: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field.

        >>> from reactivity.molecule import mol_from_smiles
        >>> d = plan_derivatization(mol_from_smiles("O=C1CNCCCN1"), "sulfonylation").to_dict()
        >>> d["outcome"], d["reacting_atoms"], d["reacting_sites"][0]["position"]
        ('clean', [3], 'N4')

        Atoms (``atom`` fields and the atoms named in ``rule``, ``reason`` and ``protection_plan``) are numbered as
        ``atom_numbering`` says: 0-based indices of the input molecule.
        """
        return {
            "atom_numbering": LIBRARY_NUMBERING,
            "reaction": self.reaction, "reaction_label": self.reaction_label, "conditions": self.conditions,
            "outcome": self.outcome, "reacting_atoms": list(self.reacting_atoms),
            "reacting_sites": [s.to_dict() for s in self.reacting_sites],
            "minor_sites": [s.to_dict() for s in self.minor_sites],
            "candidate_sites": [s.to_dict() for s in self.candidate_sites],
            "rule": self.rule, "reason": self.reason, "protection_plan": list(self.protection_plan),
            "reagent_smiles": self.reagent_smiles, "reagent_type": self.reagent_type,
            "product_smiles": self.product_smiles,
            "product": self.product.to_dict() if self.product else None, "side_products": list(self.side_products),
            "warnings": [w.to_dict() for w in self.warnings], "reference_ids": list(self.reference_ids),
            "ruleset_version": self.ruleset_version, "notes": list(self.notes),
        }

    def warning_text(self) -> str:
        """The warnings as one line, ``severity: text`` joined by ``; `` (for SD tags and tables)."""
        return "; ".join(f"{w.severity}: {w.text}" for w in self.warnings)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One (molecule, reagent) pair of an enumeration: the plan, or the error that stopped it."""

    mol_index: int
    reagent_index: int
    status: Literal["ok", "error"]
    error: str
    plan: DerivatizationPlan | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"mol_index": self.mol_index, "reagent_index": self.reagent_index, "status": self.status,
                "error": self.error, "plan": self.plan.to_dict() if self.plan else None}


# -------------------------------------------------------------------------------------------- molecule analysis


@dataclass(frozen=True, slots=True)
class _Candidate:
    work_atom: int
    site: ReactingSite
    rule: SiteRule
    rank: int  # canonical rank of the atom: orders ties the same way whatever the input atom order


@dataclass(frozen=True, slots=True)
class _Finding:
    rule: IncompatibilityRule
    atoms: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Analysis:
    """Everything about one molecule under one class that does not depend on the reagent."""

    reaction: ReactionClass
    work: Chem.Mol
    view: FreeBaseView
    rings: tuple[RingSites, ...]
    candidates: tuple[_Candidate, ...]
    findings: tuple[_Finding, ...]
    mol: Chem.Mol
    blocked: tuple[tuple[str, tuple[str, ...]], ...]
    notes: tuple[str, ...]
    cache: dict[str, Any] = field(default_factory=dict)

    def stability(self) -> tuple[PlanWarning, ...]:
        """The stability model's verdicts for the class's presets (computed once, only when a plan needs them)."""
        if "stability" not in self.cache:
            self.cache["stability"] = _stability_warnings(self.mol, self.reaction, self.rings)
        return self.cache["stability"]


def _perceive(mol: Chem.Mol) -> tuple[tuple[RingSites, ...], FreeBaseView]:
    from .. import perception

    rings, view = perception.perceive_with_view(mol, from_reader=True)  # the entries below read the molecule
    return tuple(rings), (view if view is not None else free_base_view(mol))


def _normalized(mol: Chem.Mol) -> Chem.Mol:
    """A copy whose neutral non-aromatic atoms carry implicit H only (reaction products then get their H right)."""
    work = Chem.RWMol(mol)
    changed = False
    for atom in work.GetAtoms():
        if atom.GetNumExplicitHs() and not atom.GetIsAromatic() and atom.GetFormalCharge() == 0 and not atom.GetNumRadicalElectrons():
            atom.SetNumExplicitHs(0)
            atom.SetNoImplicit(False)
            changed = True
    if not changed:
        # Chem.RenumberAtoms output lacks ring information; it must be the smallest rings (Chem.FastFindRings may
        # record a fused bicycle's envelope, and an "r5" site rule then misses a benzimidazole N-H in some atom orders)
        return with_ring_info(Chem.Mol(mol))
    out = work.GetMol()
    with quiet_rdkit():
        Chem.SanitizeMol(out)
    return out


def _ring_flag(ring: RingSites, flag: str) -> bool:
    if flag == "c3_epimerizable":
        return bool(ring.c3_epimerizable)
    if flag in ("c3_configuration_set", "c3_configuration_unset"):
        # an epimerizable C3 drawn with its configuration (R or S) or without it (a racemate, or not stated)
        label = next((centre.label for centre in ring.stereocentres if centre.position == "C3"), "undefined")
        return bool(ring.c3_epimerizable) and ((label in ("R", "S")) == (flag == "c3_configuration_set"))
    if flag == "c3_two_h":
        return ring.c3_enolizable_h >= 2
    if flag == "c3_has_h":
        return ring.c3_enolizable_h >= 1
    if flag == "salt_form":
        return bool(ring.salt_form)
    if flag == "n1_anilide_h":
        return ring.n1_class == "nh" and "anilide" in ring.c2_activation
    name, _, value = flag.partition(":")
    field_name = {"c2_activation": "c2_activation", "n4_feature": "n4_features", "c3_feature": "c3_features"}[name]
    return value in tuple(getattr(ring, field_name, ()) or ())


def _flag_atoms(ring: RingSites, flag: str) -> tuple[int, ...]:
    if flag.startswith(("c3_", "c3_feature")):
        return (ring.c3,)
    if flag.startswith(("n1_", "c2_activation")):
        return (ring.n1,)
    if flag == "salt_form":
        return tuple(getattr(ring, "protonated_atoms", ()) or ()) or (ring.n4,)
    return (ring.n4,)


def _position_atom(ring: RingSites, position: str) -> int:
    return {"N1": ring.n1, "N4": ring.n4, "C3": ring.c3}[position]


def _ring_class(ring: RingSites, position: str) -> str:
    if position == "N4":
        return ring.n4_class
    if position == "N1":
        return ring.n1_class
    return "none"


def _anchored(pattern: Chem.Mol, mol: Chem.Mol, atom: int) -> bool:
    return any(match[0] == atom for match in mol.GetSubstructMatches(pattern, uniquify=False, maxMatches=1000))


def _analyse(mol: Chem.Mol, reaction: ReactionClass) -> _Analysis:
    rings, view = _perceive(mol)
    work = _normalized(view.mol)
    working = {atom: view.working_index(atom) for ring in rings for atom in (ring.n1, ring.c2, ring.o2, ring.c3, ring.n4)}
    lactam_units = {w for w in working.values() if w is not None}
    # the ring's molecule, without a salt's counter-ion or a solvent: other fragments neither compete nor interfere
    ring_molecules = fragments_holding(Chem.GetMolFrags(work, asMols=False, sanitizeFrags=False), lactam_units)
    ranks = canonical_ranks(work, break_ties=True)
    claimed: set[int] = set()
    candidates: list[_Candidate] = []
    for rule in reaction.sites:
        if rule.position:
            for index, ring in enumerate(rings):
                atom = working.get(_position_atom(ring, rule.position))
                if atom is None or atom in claimed:
                    continue
                if rule.classes and _ring_class(ring, rule.position) not in rule.classes:
                    continue
                if not _anchored(rule.pattern, work, atom):
                    continue
                claimed.add(atom)
                candidates.append(_candidate(rule, atom, view, rule.position, index, ranks[atom]))
        else:
            for match in work.GetSubstructMatches(rule.pattern):
                atom = match[0]
                if atom in lactam_units or atom in claimed or (ring_molecules is not None and atom not in ring_molecules):
                    continue
                claimed.add(atom)
                candidates.append(_candidate(rule, atom, view, "", None, ranks[atom]))
    findings: list[_Finding] = []
    for rule in reaction.incompatibilities:
        if rule.applies_to == "reagent":
            continue  # checked against the reagent in _decide
        atoms: list[int] = []
        if rule.ring_flag:
            for ring in rings:
                if _ring_flag(ring, rule.ring_flag):
                    atoms.extend(_flag_atoms(ring, rule.ring_flag))
            if not atoms:
                continue
        if rule.pattern is not None:
            if rule.position:
                anchors = {working.get(_position_atom(ring, rule.position)) for ring in rings}
                hits = [m[0] for m in work.GetSubstructMatches(rule.pattern, uniquify=False) if m[0] in anchors]
            else:
                hits = [m[0] for m in work.GetSubstructMatches(rule.pattern)
                        if ring_molecules is None or m[0] in ring_molecules]
            if not hits:
                continue
            if not rule.ring_flag:
                atoms = [view.input_index(a) for a in dict.fromkeys(hits)]
        findings.append(_Finding(rule, tuple(dict.fromkeys(atoms))))
    blocked: list[tuple[str, tuple[str, ...]]] = []
    rules = load_reaction_rules()
    targets = {c.site.ring_index for c in candidates if c.site.position == reaction.target}
    for index, ring in enumerate(rings):
        if index in targets:
            continue
        reason = rules.blocked_reason(reaction, reaction.target, _ring_class(ring, reaction.target))
        text = reason.text if len(rings) == 1 else f"ring {index + 1}: {reason.text}"
        blocked.append((text, reason.references))
    notes = () if rings else ("no 1,4-diazepan-2-one ring in the molecule: only the sites elsewhere were considered",)
    return _Analysis(reaction, work, view, rings, tuple(candidates), tuple(findings), mol, tuple(blocked), notes)


def _candidate(rule: SiteRule, atom: int, view: FreeBaseView, position: str, ring_index: int | None, rank: int) -> _Candidate:
    site = ReactingSite(
        atom=view.input_index(atom), position=position, ring_index=ring_index, rule_id=rule.id, label=rule.label,
        tier=rule.tier, basis=rule.basis, reference_ids=rule.references,
    )
    return _Candidate(atom, site, rule, rank)


def _stability_warnings(mol: Chem.Mol, reaction: ReactionClass, rings: tuple[RingSites, ...]) -> tuple[PlanWarning, ...]:
    """The stability model's verdict on the class's handling presets (only for molecules that carry the ring)."""
    if not rings or not reaction.stability_presets:
        return ()
    out: list[PlanWarning] = []
    key = _smiles(mol)
    for preset in reaction.stability_presets:
        verdict = _condition_verdict(mol, key, preset)
        if verdict is None:
            continue
        severity, text = verdict
        out.append(PlanWarning(f"stability.{preset}", severity, text, tuple(r.n1 for r in rings), ("docs:stability",)))
    return tuple(out)


_VERDICTS: OrderedDict[tuple[str, str], tuple[str, str] | None] = OrderedDict()


def _condition_verdict(mol: Chem.Mol, key: str, preset: str) -> tuple[str, str] | None:
    """(severity, text) of one handling preset for a molecule, cached by canonical SMILES (several classes share presets)."""
    from .. import assess_condition  # the stability model's public entry point

    cached = _VERDICTS.get((key, preset), _MISSING)
    if cached is not _MISSING:
        _VERDICTS.move_to_end((key, preset))
        return cached  # type: ignore[return-value]
    try:
        result = assess_condition(mol, preset)
        severity = {"high": "incompatible", "moderate": "warning"}.get(result.chemical_risk)
        # the verdict is cached by canonical SMILES, so no reason that names atoms of this drawing goes into it (those
        # are the material-loss reasons, which a chemical-risk verdict does not need)
        why = "; ".join(r for r in result.reasons if not isinstance(r, AtomText)) or \
            "lactam loss predicted by the stability model"
        verdict = None if severity is None else (severity, f"{result.label}: chemical risk {result.chemical_risk} ({why})")
    except ReactivityError as exc:  # the model refused the molecule: say so, do not guess
        verdict = ("info", f"stability under {preset} not assessed: {exc}")
    _VERDICTS[(key, preset)] = verdict
    if len(_VERDICTS) > 4096:
        _VERDICTS.popitem(last=False)
    return verdict


_MISSING = object()


# -------------------------------------------------------------------------------------------------- reagents


def _as_mol(reagent: Chem.Mol | str) -> Chem.Mol:
    if isinstance(reagent, Chem.Mol):
        return as_read(reagent, "reagent")
    if isinstance(reagent, str):
        return mol_from_smiles(reagent)
    raise MoleculeParseError(f"reagent must be an RDKit molecule or a SMILES string, got {type(reagent).__name__}")


@dataclass(frozen=True, slots=True)
class _Reagent:
    mol: Chem.Mol
    smiles: str
    kind: ReagentType
    groups: int


def classify_reagent(reaction: str | ReactionClass, reagent: Chem.Mol | str) -> tuple[str, int]:
    """The reagent type id a reagent has under a class, and how many reactive groups of that class it carries.

    >>> classify_reagent("acylation", "OC(=O)c1ccccc1")
    ('carboxylic_acid', 1)
    >>> classify_reagent("acylation", "CCO")
    Traceback (most recent call last):
    ...
    reactivity.derivatization.planner.ReagentMismatchError: reagent CCO does not fit acylation: it is none of acid chloride, carboxylic anhydride, activated ester (NHS, pentafluorophenyl, 4-nitrophenyl), carboxylic acid (with HATU, EDC/HOBt or a similar coupling reagent)
    """
    cls = reaction if isinstance(reaction, ReactionClass) else load_reaction_rules().reaction(reaction)
    found = _classify(cls, _as_mol(reagent))
    return found.kind.id, found.groups


def _classify(reaction: ReactionClass, reagent: Chem.Mol) -> _Reagent:
    work = _normalized(Chem.RemoveHs(reagent, sanitize=False) if reagent.GetNumAtoms() != reagent.GetNumHeavyAtoms() else reagent)
    with quiet_rdkit():
        smiles = Chem.MolToSmiles(work)
    kind: ReagentType | None = None
    keys: set[int] = set()
    for reagent_type in reaction.reagents:
        matches = work.GetSubstructMatches(reagent_type.pattern)
        if matches and kind is None:
            kind = reagent_type
        keys.update(m[0] for m in matches)
    if kind is None:
        labels = ", ".join(g.label for g in reaction.reagents)
        raise ReagentMismatchError(f"reagent {smiles} does not fit {reaction.id}: it is none of {labels}")
    groups = len(keys)
    if groups > 1:  # symmetry-equivalent groups (Ac2O, Boc2O, a symmetric bis-electrophile's halves) count once
        ranks = canonical_ranks(work)
        groups = len({ranks[k] for k in keys})
    return _Reagent(work, smiles, kind, groups)


# ---------------------------------------------------------------------------------------------------- products


def _run(reaction: ReagentType, work: Chem.Mol, reagent: Chem.Mol | None, site: int | None) -> list[Chem.Mol]:
    """Products of the reaction SMARTS whose mapped atom 1 is ``site`` (any site when None), sanitized, one fragment."""
    reactants = (work,) if reaction.unimolecular else (work, reagent)
    out: list[Chem.Mol] = []
    with quiet_rdkit():
        results = reaction.reaction.RunReactants(reactants, 200)
    for products in results:
        product = products[0]
        anchor = None
        for atom in product.GetAtoms():
            if atom.HasProp("old_mapno") and atom.GetIntProp("old_mapno") == 1 and (
                not atom.HasProp("react_idx") or atom.GetIntProp("react_idx") == 0
            ):
                anchor = atom
                break
        if anchor is None or (site is not None and anchor.GetIntProp("react_atom_idx") != site):
            continue
        try:
            with quiet_rdkit():
                Chem.SanitizeMol(product)
        except Exception:  # noqa: BLE001 - an impossible product is skipped, the caller reports none
            continue
        fragments = Chem.GetMolFrags(product, asMols=False, sanitizeFrags=False)
        keep = next(f for f in fragments if anchor.GetIdx() in f)
        if len(fragments) > 1:
            editable = Chem.RWMol(product)
            for index in sorted(set(range(product.GetNumAtoms())) - set(keep), reverse=True):
                editable.RemoveAtom(index)
            product = editable.GetMol()
            with quiet_rdkit():
                Chem.SanitizeMol(product)
        out.append(product)
    return out


def _smiles(mol: Chem.Mol) -> str:
    """Canonical SMILES with mobile hydrogens drawn one way (:func:`reactivity.species.species_smiles`)."""
    with quiet_rdkit():
        return species_smiles(mol)


def _product_at(analysis: _Analysis, reagent: _Reagent | None, kind: ReagentType, site: int) -> tuple[Chem.Mol | None, int]:
    products = _run(kind, analysis.work, reagent.mol if reagent else None, site)
    unique = {_smiles(p): p for p in products}
    if not unique:
        return None, 0
    first = sorted(unique)[0]
    return unique[first], len(unique)


def _n_methyl_smiles(drawing: Chem.Mol, nitrogen: int) -> str | None:
    """SMILES of ``drawing`` with a methyl group in place of the hydrogen of ring N-H ``nitrogen`` (a probe that tells
    ring-N isomers apart without a reagent)."""
    probe = Chem.RWMol(drawing)
    probe.GetAtomWithIdx(nitrogen).SetNumExplicitHs(0)
    probe.GetAtomWithIdx(nitrogen).SetNoImplicit(True)
    probe.AddBond(nitrogen, probe.AddAtom(Chem.Atom(6)), Chem.BondType.SINGLE)
    drawn = redrawn_or_none(probe)
    return None if drawn is None else _smiles(drawn)


def _ring_n_isomers(analysis: _Analysis, site: _Candidate, kind: ReagentType | None,
                    reagent: _Reagent | None) -> tuple[bool, list[str]]:
    """Whether alkylation of the azole N-H ``site`` on its ring's other nitrogens gives other products (told apart
    with an N-methyl probe), and those products with this reagent (SMILES in SMILES order, not in the ring's atom
    order; none without a reagent)."""
    drawings = ring_hydrogen_placements(analysis.work, site.work_atom)
    if len({_n_methyl_smiles(drawing, atom) for atom, drawing in drawings} - {None}) < 2:
        return False, []
    if kind is None or reagent is None:
        return True, []
    found = (sorted({_smiles(p) for p in _run(kind, drawing, reagent.mol, atom)}) for atom, drawing in drawings[1:])
    return True, sorted({products[0] for products in found if products})


def _product_all(analysis: _Analysis, kind: ReagentType, reagent: _Reagent | None) -> Chem.Mol | None:
    """Apply the reaction until no site is left (e.g. every Boc group removed)."""
    current = analysis.work
    changed = False
    for _ in range(12):
        products = _run(kind, current, reagent.mol if reagent else None, None)
        if not products:
            break
        current = products[0]
        changed = True
    return current if changed else None


# ------------------------------------------------------------------------------------------------- decisions


_SEVERITY_ORDER = {"incompatible": 0, "warning": 1, "info": 2}


def _applies(limited: tuple[str, ...], kind: ReagentType | None) -> bool:
    return not limited or kind is None or kind.id in limited


def _warnings(analysis: _Analysis, kind: ReagentType | None, reacting: Sequence[_Candidate], blocked: bool) -> list[PlanWarning]:
    reaction = analysis.reaction
    out: list[PlanWarning] = []
    for finding in analysis.findings:
        rule = finding.rule
        if not _applies(rule.reagents, kind):
            continue
        severity, text = rule.severity, rule.text
        if kind is None and rule.reagents:
            labels = " or ".join(reaction.reagent_type(r).label for r in rule.reagents)
            severity = "warning" if severity == "incompatible" else severity
            text = f"with {labels}: {text}"
        out.append(PlanWarning(rule.id, severity, text, finding.atoms, rule.references))
    for candidate in reacting:
        if candidate.rule.warning:
            out.append(PlanWarning(f"{candidate.rule.id}.warning", "warning", candidate.rule.warning,
                                   (candidate.site.atom,), candidate.rule.references))
    if not blocked:  # a reaction that does not run puts nothing at risk
        out.extend(analysis.stability())
    return sorted(out, key=lambda w: _SEVERITY_ORDER[w.severity])


def _protection_steps(reaction: ReactionClass, competitors: Sequence[_Candidate], target: _Candidate) -> tuple[str, ...]:
    steps = [compose("{}. protect {}: {}", number, _named(c), c.rule.protect) for number, c in enumerate(competitors, start=1)]
    n = len(steps)
    steps.append(compose("{}. {} at {}: {}", n + 1, reaction.label.split(" (")[0], _named(target), reaction.conditions))
    steps.append(f"{n + 2}. remove the protecting group(s) of step{'s' if n > 1 else ''} 1{f'-{n}' if n > 1 else ''} as stated there")
    return tuple(steps)


def _named(candidate: _Candidate, tier: bool = False) -> str:
    """A site as ``label (atom N)`` (or ``label (atom N, tier T)``), its atom kept as a field (an AtomText)."""
    atom = AtomText("{0}", (candidate.site.atom,))
    if tier:
        return compose("{} (atom {}, tier {})", candidate.site.label, atom, candidate.site.tier)
    return compose("{} (atom {})", candidate.site.label, atom)


def _rule_text(winner: _Candidate, others: Sequence[_Candidate]) -> str:
    names = join(", ", (_named(c, tier=True) for c in others))
    return compose("{} reacts before {}: {}", _named(winner, tier=True), names, winner.rule.basis)


@dataclass(slots=True)
class _Choice:
    """Which sites react and why, before warnings and products."""

    outcome: str
    reacting: list[_Candidate] = field(default_factory=list)
    minor: list[_Candidate] = field(default_factory=list)
    main: _Candidate | None = None
    rule: str = ""
    reason: str = ""
    steps: tuple[str, ...] = ()
    warnings: list[PlanWarning] = field(default_factory=list)


def _choose(analysis: _Analysis, by_rank: list[_Candidate]) -> _Choice:
    """Apply the tiers: blocked, every site (all_sites classes), needs_protection, mixture, selective or clean."""
    reaction = analysis.reaction
    if not any(not c.rule.competitor_only for c in by_rank):
        texts = [t for t, _ in analysis.blocked] or [f"no site in the molecule reacts under {reaction.id.replace('_', ' ')}"]
        if by_rank:
            texts.append(compose("Under these conditions only other groups would react: {}.", join(", ", map(_named, by_rank))))
        return _Choice("blocked", minor=by_rank, reason=join(" ", texts))
    if reaction.all_sites:
        choice = _Choice("clean", reacting=by_rank, main=by_rank[0])
        if len(by_rank) > 1:
            choice.rule = compose("every site reacts under these conditions: {}", join(", ", map(_named, by_rank)))
            choice.warnings.append(PlanWarning(
                f"{reaction.id}.every_site", "warning",
                f"all {len(by_rank)} sites react under these conditions, not only {by_rank[0].site.label}; carry the ones "
                "that must survive with a group the conditions leave alone",
                tuple(c.site.atom for c in by_rank), tuple(dict.fromkeys(r for c in by_rank for r in c.site.reference_ids)),
            ))
        return choice
    best = by_rank[0].site.tier
    top = [c for c in by_rank if c.site.tier == best]
    targets = [c for c in by_rank if c.site.position == reaction.target]
    if targets and targets[0].site.tier > best:
        main = targets[0]
        competitors = [c for c in by_rank if c.site.tier <= main.site.tier and c is not main]
        return _Choice(
            "needs_protection", reacting=[main], minor=competitors, main=main,
            rule=_rule_text(competitors[0], [main]),
            reason=compose("{} reacts before {}: protect it first", _named(competitors[0]), main.site.label),
            steps=_protection_steps(reaction, competitors, main),
        )
    if len(top) > 1:
        main = next((c for c in top if c.site.position == reaction.target), top[0])
        names = join(", ", map(_named, top))
        return _Choice(
            "mixture", reacting=top, minor=[c for c in by_rank if c not in top], main=main,
            rule=compose("no rule decides between {} (all tier {}): {}", names, best, " ".join(dict.fromkeys(c.rule.basis for c in top))),
            reason="several sites react at comparable rates",
            steps=_protection_steps(reaction, [c for c in top if c is not main], main) if main.site.position == reaction.target else (),
        )
    if len(by_rank) > 1:
        return _Choice("selective", reacting=[by_rank[0]], minor=by_rank[1:], main=by_rank[0],
                       rule=_rule_text(by_rank[0], by_rank[1:]))
    return _Choice("clean", reacting=[by_rank[0]], main=by_rank[0])


def _reagent_warnings(reaction: ReactionClass, kind: ReagentType | None, reagent: _Reagent | None) -> list[PlanWarning]:
    """Rules checked on the reagent itself (its own free amine ...) and a reagent with several reactive groups."""
    if reagent is None:
        return []
    out = [
        PlanWarning(rule.id, rule.severity, rule.text, (), rule.references)
        for rule in reaction.incompatibilities
        if rule.applies_to == "reagent" and _applies(rule.reagents, kind) and reagent.mol.HasSubstructMatch(rule.pattern)
    ]
    if reagent.groups > 1:
        out.append(PlanWarning(
            "reagent.polyfunctional", "warning",
            f"the reagent carries {reagent.groups} reactive groups of this class: cross-linking or double reaction is possible",
            (), ("docs:derivatization",),
        ))
    return out


def _products(analysis: _Analysis, choice: _Choice, kind: ReagentType | None, reagent: _Reagent | None,
              notes: list[str]) -> tuple[Chem.Mol | None, list[str]]:
    """The product at the main site (every site for all_sites classes) and the products at the other sites."""
    reaction = analysis.reaction
    product_kind = kind or (reaction.reagents[0] if reaction.reagents[0].unimolecular else None)
    if choice.main is None or product_kind is None or (reagent is None and not product_kind.unimolecular):
        return None, []
    if reaction.all_sites:
        mol, count = _product_all(analysis, product_kind, reagent), 1
    else:
        mol, count = _product_at(analysis, reagent, product_kind, choice.main.work_atom)
    if mol is None:
        notes.append("no product could be built for the reacting site with this reagent")
    elif count > 1:
        notes.append(f"the reagent reacts through {count} different groups; the first product is shown")
    side: list[str] = []
    if not reaction.all_sites:
        for other in [c for c in (*choice.reacting, *choice.minor) if c is not choice.main][:6]:
            side_mol, _ = _product_at(analysis, reagent, product_kind, other.work_atom)
            if side_mol is not None:
                side.append(_smiles(side_mol))
    return mol, side


def _decide(analysis: _Analysis, kind: ReagentType | None, reagent: _Reagent | None) -> DerivatizationPlan:
    reaction = analysis.reaction
    candidates = [c for c in analysis.candidates if _applies(c.rule.reagents, kind)]
    by_rank = sorted(candidates, key=lambda c: (c.site.tier, c.site.position != reaction.target, c.rank))
    choice = _choose(analysis, by_rank)
    blocked = choice.outcome == "blocked"
    warnings = choice.warnings + _warnings(analysis, kind, choice.reacting, blocked) + _reagent_warnings(reaction, kind, reagent)
    warnings.sort(key=lambda w: _SEVERITY_ORDER[w.severity])
    outcome, reason = choice.outcome, choice.reason
    if not blocked and any(w.severity == "incompatible" for w in warnings):
        outcome = "incompatible"
        reason = next(w.text for w in warnings if w.severity == "incompatible")
    refs: list[str] = list(reaction.references)
    if blocked:
        refs.extend(r for _, refs_ in analysis.blocked for r in refs_)
    refs.extend(r for c in (*choice.reacting, *choice.minor) for r in c.site.reference_ids)
    refs.extend(r for w in warnings for r in w.reference_ids)
    notes = list(analysis.notes)
    mol, side = _products(analysis, choice, kind, reagent, notes)
    product_smiles = _smiles(mol) if mol is not None else None
    for site in [] if blocked else [c for c in choice.reacting if c.rule.ring_n_isomer_warning]:
        # an azole N-H that reacts (the main site, or one of a mixture): its other ring-N products and a warning
        differ, isomers = _ring_n_isomers(analysis, site, kind, reagent)
        if differ:
            side = (isomers + side) if site is choice.main else (side + isomers)
            warnings.append(PlanWarning(f"{site.rule.id}.ring_n_isomers", "warning", site.rule.ring_n_isomer_warning,
                                        (site.site.atom,), site.rule.references))
            warnings.sort(key=lambda w: _SEVERITY_ORDER[w.severity])
    notes.extend(t for t, _ in analysis.blocked if t not in reason)
    return DerivatizationPlan(
        reaction=reaction.id,
        reaction_label=reaction.label,
        conditions=reaction.conditions,
        outcome=outcome,  # type: ignore[arg-type]
        reacting_atoms=tuple(c.site.atom for c in choice.reacting),
        reacting_sites=tuple(c.site for c in choice.reacting),
        minor_sites=tuple(c.site for c in choice.minor),
        candidate_sites=tuple(c.site for c in by_rank),
        rule=choice.rule,
        reason=reason,
        protection_plan=choice.steps,
        reagent_smiles=reagent.smiles if reagent else None,
        reagent_type=kind.id if kind else None,
        product_smiles=product_smiles,
        product=describe_species(mol) if mol is not None else None,
        side_products=tuple(dict.fromkeys(s for s in side if s != product_smiles)),
        warnings=tuple(warnings),
        reference_ids=tuple(dict.fromkeys(refs)),
        ruleset_version=load_reaction_rules().version,
        notes=tuple(dict.fromkeys(notes)),
    )


# --------------------------------------------------------------------------------------------------- entries


def plan_derivatization(mol: Chem.Mol, reaction: str, reagent: Chem.Mol | str | None = None) -> DerivatizationPlan:
    """Plan one reaction class on one molecule, with an optional reagent (RDKit molecule or SMILES).

    Without a reagent the plan covers every reagent type of the class (a rule limited to some reagent types is
    reported as a warning) and gives no product, except for classes whose reagent is not incorporated
    (``boc_deprotection``). Raises :class:`~reactivity.derivatization.rules.UnknownReactionError` for an unknown
    class and :class:`ReagentMismatchError` for a reagent that does not fit it.

    >>> from reactivity.molecule import mol_from_smiles
    >>> plan = plan_derivatization(mol_from_smiles("CC(C)(C)OC(=O)N1CCCNC(=O)C1"), "boc_deprotection")
    >>> plan.outcome, plan.product_smiles
    ('clean', 'O=C1CNCCCN1')
    """
    mol = as_read(mol, "plan_derivatization()")  # a lactim or covalent-salt drawing: the compound's plan
    cls = load_reaction_rules().reaction(reaction)
    found = _classify(cls, _as_mol(reagent)) if reagent is not None else None
    analysis = _analyse(mol, cls)
    return _decide(analysis, found.kind if found else None, found)


def enumerate_products(
    mols: Iterable[Chem.Mol | None], reaction: str, reagents: Sequence[Chem.Mol | str | None]
) -> Iterator[ProductRecord]:
    """Stream one :class:`ProductRecord` per (molecule, reagent) pair, molecules in input order, reagents inside.

    A molecule that is None (unreadable), a reagent that does not parse or does not fit the class, or a
    molecule the planner fails on gives an ``error`` record for that pair: nothing is dropped. Each molecule is
    analysed once; each reagent is classified once.

    >>> from reactivity.molecule import mol_from_smiles
    >>> records = list(enumerate_products([mol_from_smiles("O=C1CNCCCN1"), None], "acylation", ["CC(=O)Cl", "CCO"]))
    >>> [(r.mol_index, r.reagent_index, r.status) for r in records]
    [(0, 0, 'ok'), (0, 1, 'error'), (1, 0, 'error'), (1, 1, 'error')]
    >>> records[0].plan.product_smiles, records[1].error.split(":")[0]
    ('CC(=O)N1CCCNC(=O)C1', 'reagent CCO does not fit acylation')
    """
    cls = load_reaction_rules().reaction(reaction)
    classified: list[_Reagent | str] = []
    for reagent in reagents:
        try:
            if reagent is None:
                raise MoleculeParseError("reagent could not be read")
            classified.append(_classify(cls, _as_mol(reagent)))
        except ReactivityError as exc:
            classified.append(str(exc))
    for mol_index, mol in enumerate(mols):
        analysis: _Analysis | None = None
        error = ""
        if mol is None:
            error = "molecule could not be read"
        else:
            try:
                analysis = _analyse(as_read(mol, "enumerate_products()"), cls)
            except ReactivityError as exc:
                error = f"planning failed: {exc}"
            except Exception as exc:  # noqa: BLE001 - one bad molecule must not stop a library
                error = f"internal error in planning: {type(exc).__name__}: {exc}"
        for reagent_index, found in enumerate(classified):
            if analysis is None:
                yield ProductRecord(mol_index, reagent_index, "error", error, None)
            elif isinstance(found, str):
                yield ProductRecord(mol_index, reagent_index, "error", found, None)
            else:
                try:
                    plan = _decide(analysis, found.kind, found)
                except Exception as exc:  # noqa: BLE001 - report the pair, keep going
                    yield ProductRecord(mol_index, reagent_index, "error", f"internal error in planning: {type(exc).__name__}: {exc}", None)
                    continue
                yield ProductRecord(mol_index, reagent_index, "ok", "", plan)


__all__ = [
    "DerivatizationPlan",
    "OUTCOMES",
    "PlanWarning",
    "ProductRecord",
    "ReactingSite",
    "ReagentMismatchError",
    "classify_reagent",
    "enumerate_products",
    "plan_derivatization",
]

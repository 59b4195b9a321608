"""Retro direction: ranked disconnections for every ring class the advisor has routes for.

Classes: saturated (and other N4-amine) 1,4-diazepan-2-ones, 1,3,4,5-tetrahydro-1,4-
benzodiazepin-2-ones, 1,3-dihydro-1,4-benzodiazepin-2-ones (4,5-azomethine),
1,4-benzodiazepine-2,5-diones and N4-substituted 1,4-diazepane-2,5-diones. Every proposal
that the forward advisor can simulate is checked by running it forward and comparing the
product with the target (InChIKey connectivity block); proposals are ranked by that check,
by literature precedent, by stereochemical fit and by the number of steps, and each carries
its reasons. When no disconnection applies the result says why.

>>> result = propose_disconnections(Chem.MolFromSmiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"))  # diazepam
>>> first = result.disconnections[0]
>>> first.route, [b.smiles for b in first.building_blocks]
('benzodiazepinone_glycine_ester', ['Nc1ccc(Cl)cc1C(=O)c1ccccc1', 'CCOC(=O)CN', 'CI'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdkit import Chem

from ..errors import ReactivityError
from ..molecule import as_read, canonical_ranks, quiet_rdkit
from ..perception import perceive, perceive_with_view, related_scaffolds
from ..rules import cited_ids
from ..sites import RingSites
from .chem import free_base, is_neutral, run_clean
from .benzo import plan_4_oxide_route
from .forward import plan_route
from .results import BuildingBlock, Disconnection, RetroResult, RouteResult, UnsupportedBuildingBlockError
from .ruledata import load_synthesis_rules

__all__ = ["propose_disconnections"]

_ETHYL_ESTER = Chem.MolFromSmarts("C(=O)OCC")
_LEAVING_ALKYL = {"C": "CI", "CC": "CCI", "C=CC": "C=CCBr", "c1ccccc1C": "BrCc1ccccc1", "CC1CC1": "BrCC1CC1",
                  "FC(F)(F)C": "FC(F)(F)CI"}


@dataclass
class _Proposal:
    id: str
    route: str
    bonds: tuple[str, ...]
    blocks: tuple[BuildingBlock, ...]
    steps: tuple[str, ...]
    verdict: str
    forward: str | None
    ok: bool
    score: float
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)
    references: tuple[str, ...] = ()


class _TargetKey(str):
    """An InChIKey that also knows whether its molecule has stereocentres or double-bond geometry set."""

    stereo_set: bool

    def __new__(cls, key: str, stereo_set: bool) -> _TargetKey:
        made = super().__new__(cls, key)
        made.stereo_set = stereo_set
        return made


def _has_stereo(smiles: str) -> bool:
    """Whether a canonical SMILES sets a stereocentre or a double-bond geometry (RDKit writes only valid ones)."""
    return any(mark in smiles for mark in ("@", "/", "\\"))


def _key(mol: Chem.Mol) -> _TargetKey:
    """The target's InChIKey: the forward check compares the connectivity block, and the stereo block when set."""
    with quiet_rdkit():
        return _TargetKey(Chem.MolToInchiKey(mol) or "", _has_stereo(Chem.MolToSmiles(mol)))


def _smiles(mol: Chem.Mol) -> str:
    return Chem.MolToSmiles(mol)


def _cut(target: Chem.Mol, bonds: tuple[tuple[int, int], ...], caps: dict[int, str], marks: dict[int, int]) -> tuple[Chem.Mol, ...]:
    """Break bonds, cap atoms and return the fragments; ``marks`` (atom -> map number) survive as map numbers.

    Caps: ``OCC`` ethyl ester oxygen, ``OH`` acid oxygen, ``Br`` bromide, ``=O`` carbonyl oxygen.
    """
    rw = Chem.RWMol(Chem.RemoveHs(target))
    for atom, number in marks.items():
        rw.GetAtomWithIdx(atom).SetAtomMapNum(number)
    for a, b in bonds:
        rw.RemoveBond(a, b)
    for atom, group in caps.items():
        if group == "Br":  # SN2 at this carbon inverts it: leave its configuration unassigned
            rw.GetAtomWithIdx(atom).SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
            rw.AddBond(atom, rw.AddAtom(Chem.Atom(35)), Chem.BondType.SINGLE)
        elif group == "=O":
            rw.GetAtomWithIdx(atom).SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
            rw.AddBond(atom, rw.AddAtom(Chem.Atom(8)), Chem.BondType.DOUBLE)
        elif group == "OH":
            rw.AddBond(atom, rw.AddAtom(Chem.Atom(8)), Chem.BondType.SINGLE)
        else:
            o, c1, c2 = rw.AddAtom(Chem.Atom(8)), rw.AddAtom(Chem.Atom(6)), rw.AddAtom(Chem.Atom(6))
            rw.AddBond(atom, o, Chem.BondType.SINGLE)
            rw.AddBond(o, c1, Chem.BondType.SINGLE)
            rw.AddBond(c1, c2, Chem.BondType.SINGLE)
    mol = rw.GetMol()
    for atom in mol.GetAtoms():
        if atom.GetIsAromatic():
            continue
        atom.SetNoImplicit(False)
        atom.SetNumExplicitHs(0)
    try:
        with quiet_rdkit():
            Chem.SanitizeMol(mol)
            return tuple(Chem.GetMolFrags(mol, asMols=True))
    except Exception:  # the cut leaves an impossible structure (e.g. an aromatic ring atom capped): no disconnection
        return ()


def _holding(frags: tuple[Chem.Mol, ...], number: int) -> tuple[Chem.Mol, Chem.Mol]:
    """(the fragment with map number ``number``, the other one) of a two-fragment cut."""
    first = next(f for f in frags if _marked(f, number) is not None)
    return first, next(f for f in frags if f is not first)


def _marked(mol: Chem.Mol, number: int) -> int | None:
    return next((a.GetIdx() for a in mol.GetAtoms() if a.GetAtomMapNum() == number), None)


def _unmarked(mol: Chem.Mol) -> Chem.Mol:
    out = Chem.Mol(mol)
    for atom in out.GetAtoms():
        atom.SetAtomMapNum(0)
    with quiet_rdkit():
        Chem.SanitizeMol(out)
        return Chem.MolFromSmiles(Chem.MolToSmiles(out))


def _forward(target_key: str, amine: Chem.Mol, reagent: Chem.Mol, **options: object) -> tuple[str, str | None, bool, list[str]]:
    """Run the forward advisor; (verdict, forward product, gives target as main product, warnings)."""
    return _judged(target_key, lambda: plan_route(amine, reagent, **options))  # type: ignore[arg-type]


def _judged(target_key: str, plan: Callable[[], RouteResult]) -> tuple[str, str | None, bool, list[str]]:
    """Run one forward route (``plan``) and compare its product with the target: (verdict, forward product, gives the
    target as the main product, warnings)."""
    try:
        route = plan()
    except ReactivityError as exc:
        return f"forward route not simulated: {exc}", None, False, []
    main = (route.product.inchikey or "")[:14]
    warnings: list[str] = []
    full = route.product.inchikey or ""
    if main == target_key[:14] and getattr(target_key, "stereo_set", False) and not _has_stereo(route.product.smiles):
        verdict = (f"the forward route gives {route.product.smiles}: the target's constitution with its stereocentres not "
                   "set (a racemate or a mixture of stereoisomers); resolve it, or set them from a chiral building block")
        return verdict, route.product.smiles, False, [verdict]
    if main == target_key[:14] and len(target_key) > 14 and full != target_key and full[15:25] != "UHFFFAOYSA":
        verdict = f"the forward route gives {route.product.smiles}: the target's constitution but another stereoisomer"
        return verdict, route.product.smiles, False, [verdict]
    if main == target_key[:14]:
        if route.regioselectivity.ambiguous:
            warnings.append(f"Ring closure is ambiguous: {route.regioselectivity.rule}.")
            return "the forward route gives the target, but only as one of two ring isomers", route.product.smiles, False, warnings
        return "the forward route gives the target as the main product", route.product.smiles, True, warnings
    if any((c.inchikey or "")[:14] == target_key[:14] for c in route.ring_isomers):
        warnings.append(
            f"Ring closure for this diamine: {route.regioselectivity.first_nitrogen} is predicted to react first, giving"
            f" {route.product.smiles} instead; protect the nitrogen that must become N1 (see the protected-diamine proposal)."
        )
        return "the forward route gives the target only as the minor ring isomer", route.product.smiles, False, warnings
    verdict = f"the forward route gives {route.product.smiles}, not the target"
    return verdict, route.product.smiles, False, [verdict]


def _boc_on(mol: Chem.Mol, atom: int) -> Chem.Mol:
    rw = Chem.RWMol(mol)
    carbonyl = rw.AddAtom(Chem.Atom(6))
    rw.AddBond(atom, carbonyl, Chem.BondType.SINGLE)
    rw.AddBond(carbonyl, rw.AddAtom(Chem.Atom(8)), Chem.BondType.DOUBLE)
    oxygen = rw.AddAtom(Chem.Atom(8))
    rw.AddBond(carbonyl, oxygen, Chem.BondType.SINGLE)
    quaternary = rw.AddAtom(Chem.Atom(6))
    rw.AddBond(oxygen, quaternary, Chem.BondType.SINGLE)
    for _ in range(3):
        rw.AddBond(quaternary, rw.AddAtom(Chem.Atom(6)), Chem.BondType.SINGLE)
    out = rw.GetMol()
    out.GetAtomWithIdx(atom).SetNumExplicitHs(0)
    out.GetAtomWithIdx(atom).SetNoImplicit(False)
    with quiet_rdkit():
        Chem.SanitizeMol(out)
    return out


# ------------------------------------------------------------------------------- N4-amine rings


def _diamine_proposals(target: Chem.Mol, ring: RingSites, key: str, c3_stereo: bool) -> list[_Proposal]:
    out: list[_Proposal] = []
    frags = _cut(target, ((ring.n1, ring.c2), (ring.c3, ring.n4)), {ring.c2: "OCC", ring.c3: "Br"},
                 {ring.n1: 1, ring.n4: 4, ring.c2: 2})
    if len(frags) != 2:
        return out
    reagent, marked_diamine = _holding(frags, 2)
    n1_atom = _marked(marked_diamine, 1)
    diamine, reagent = _unmarked(marked_diamine), _unmarked(reagent)
    verdict, fwd, ok, fwarn = _forward(key, diamine, reagent)
    reasons = ["N-alkylation of a 1,3-diamine by a haloacetate ester, then lactamization: the standard glycine-unit route (docs:synthesis)"]
    score = 3.0 if ok else 1.0
    if ok:
        reasons.append("checked forward: gives the target as the main product")
    else:
        reasons.append(f"checked forward: {verdict}")
    if c3_stereo:
        reasons.append("C3 stereocentre: needs the enantiopure alpha-bromo ester of the opposite configuration (SN2 inverts), and base epimerizes C3")
        score -= 1.0
    out.append(_Proposal(
        "diamine_haloacetate", "haloacetate_ester", ("N1-C2 (lactamization)", "C3-N4 (N-alkylation)"),
        (BuildingBlock("diamine", _smiles(diamine), "1,3-diamine: supplies N1, C7, C6, C5, N4"),
         BuildingBlock("C2 unit", _smiles(reagent), "alpha-bromo ester (chloro- or iodo- work too): supplies C2, C3")),
        ("N-alkylation (first nitrogen becomes N4)", "lactamization under dilution"),
        verdict, fwd, ok, score - 0.2 * 2, reasons, fwarn, ("docs:synthesis", "docs:acrylate_route", "lit:mayr2007"),
    ))
    acyl_halide = _acyl_chloride_from(reagent)
    if acyl_halide is not None:
        verdict, fwd, aok, awarn = _forward(key, diamine, acyl_halide)
        areasons = [
            "haloacetyl halide: the more nucleophilic N is acylated first and becomes N1, the other closes the ring by"
            " intramolecular SN2 as N4 (the opposite ring isomer to the haloacetate-ester route)",
            "checked forward: gives the target as the main product" if aok else f"checked forward: {verdict}",
            "acyl halides acylate both amines fast: bis-acylation competes (slow addition to excess diamine, cold)",
        ]
        out.append(_Proposal(
            "diamine_haloacetyl_halide", "haloacetyl_halide", ("N1-C2 (N-acylation)", "C3-N4 (intramolecular N-alkylation)"),
            (BuildingBlock("diamine", _smiles(diamine), "1,3-diamine: the acylated N becomes N1"),
             BuildingBlock("C2 unit", _smiles(acyl_halide), "haloacetyl chloride: supplies C2, C3")),
            ("N-acylation (cold, base)", "intramolecular N-alkylation (base, dilution)"),
            verdict, fwd, aok, (3.0 if aok else 1.0) - 0.3 - 0.2 * 2, areasons, awarn,
            ("docs:synthesis", "lit:valeur_bradley2009", "lit:mayr2007"),
        ))
    if not ok and n1_atom is not None and diamine.GetNumAtoms() == marked_diamine.GetNumAtoms():
        protected = _boc_on(_unmarked_keep(marked_diamine), n1_atom)
        verdict, fwd, pok, pwarn = _forward(key, protected, reagent)
        preasons = ["mono-Boc on the nitrogen that must become N1: only the free amine is alkylated (it becomes N4), so the protection fixes the ring isomer"]
        preasons.append("checked forward: gives the target as the main product" if pok else f"checked forward: {verdict}")
        out.append(_Proposal(
            "protected_diamine_haloacetate", "haloacetate_ester",
            ("N1-C2 (lactamization after Boc removal)", "C3-N4 (N-alkylation of the free amine)"),
            (BuildingBlock("protected diamine", _smiles(protected), "mono-Boc 1,3-diamine: Boc on the future N1"),
             BuildingBlock("C2 unit", _smiles(reagent), "alpha-bromo ester")),
            ("N-alkylation of the free amine", "Boc removal (TFA or HCl)", "lactamization under dilution"),
            verdict, fwd, pok, (3.0 if pok else 1.0) + 0.5 - 0.2 * 3, preasons, pwarn, ("docs:synthesis", "docs:site_faq"),
        ))
    c3_h = target.GetAtomWithIdx(ring.c3).GetTotalNumHs()
    if c3_h == 2 and ring.n1_class == "nh" and ring.n4_class == "secondary_amine" and ring.ring_variant == "saturated":
        glyoxal = Chem.MolFromSmiles("O=CC=O")
        verdict, fwd, gok, gwarn = _forward(key, diamine, glyoxal)
        greasons = ["glyoxal (as its sodium hydrogen sulphite adduct) with the diamine dihydrochloride: one reported example, 5,7-dimethylhexahydro-1,4-diazepin-2-one (lit:jcsc1969)"]
        greasons.append("checked forward: gives the target as the main product" if gok else f"checked forward: {verdict}")
        greasons.append("free glyoxal under alkaline conditions gave complex products (aminals, bis-imines): ranked below the haloacetate route")
        out.append(_Proposal(
            "diamine_glyoxal", "glyoxal", ("N1-C2", "C3-N4 (condensation with internal redox)"),
            (BuildingBlock("diamine", _smiles(diamine), "1,3-diamine with two NH2 groups (as the dihydrochloride)"),
             BuildingBlock("C2 unit", "O=CC=O", "glyoxal (as the sodium hydrogen sulphite adduct)")),
            ("condensation of the diamine salt with the glyoxal sulphite adduct",),
            verdict, fwd, gok, (2.0 if gok else 0.5) - 0.2, greasons, gwarn, ("lit:jcsc1969", "lit:willer1985"),
        ))
    if ring.n4_class in ("secondary_amine", "tertiary_amine") and ring.n1_class in ("nh", "n_alkyl"):
        out.extend(_amino_acid_proposal(target, ring, c3_stereo))
    return out


def _acyl_chloride_from(ester: Chem.Mol) -> Chem.Mol | None:
    """Br-CHR-CO2Et -> Cl-CHR-COCl (the haloacetyl chloride with the same carbon skeleton)."""
    pattern = Chem.MolFromSmarts("Br-[CX4]-C(=O)-O-[CH2]-[CH3]")
    match = ester.GetSubstructMatch(pattern)
    if not match:
        return None
    bromine, _, _, _, oxygen, ch2, ch3 = match
    rw = Chem.RWMol(ester)
    rw.GetAtomWithIdx(bromine).SetAtomicNum(17)
    rw.GetAtomWithIdx(oxygen).SetAtomicNum(17)
    rw.RemoveBond(oxygen, ch2)
    for idx in sorted((ch3, ch2), reverse=True):
        rw.RemoveAtom(idx)
    mol = rw.GetMol()
    try:
        with quiet_rdkit():
            Chem.SanitizeMol(mol)
    except Exception:  # not a simple ester after all
        return None
    return Chem.MolFromSmiles(Chem.MolToSmiles(mol))


def _unmarked_keep(mol: Chem.Mol) -> Chem.Mol:
    """A copy without map numbers that keeps atom order (indices stay valid)."""
    out = Chem.Mol(mol)
    for atom in out.GetAtoms():
        atom.SetAtomMapNum(0)
    return out


def _amino_acid_proposal(target: Chem.Mol, ring: RingSites, c3_stereo: bool) -> list[_Proposal]:
    """Alpha-amino ester + N-Boc-3-aminoaldehyde: reductive amination, Boc removal, lactamization."""
    c5 = target.GetAtomWithIdx(ring.c5)
    if ring.ring_variant != "saturated" or c5.GetTotalNumHs() == 0:
        return []
    frags = _cut(target, ((ring.n1, ring.c2), (ring.n4, ring.c5)), {ring.c2: "OCC", ring.c5: "=O"}, {ring.n1: 1, ring.c2: 2})
    if len(frags) != 2:
        return []
    ester, aldehyde = _holding(frags, 2)
    n1_atom = _marked(aldehyde, 1)
    if n1_atom is None:
        return []
    aldehyde = _boc_on(_unmarked_keep(aldehyde), n1_atom)
    ester = _unmarked(ester)
    key = _key(target)
    verdict, fwd, ok, fwarn = _forward(key, aldehyde, ester)
    reasons = [
        "peptidomimetic route: reductive amination of an N-Boc-3-aminoaldehyde with an alpha-amino ester (NaBH(OAc)3,"
        " lit:abdel_magid1996), Boc removal, lactamization; the amino acid supplies N4, C3 (with its side chain) and C2",
        "checked forward: gives the target as the main product" if ok else f"checked forward: {verdict}",
        "the N-Boc-3-aminoaldehyde is less stable and less common than a 1,3-diamine (a penalty in the ranking)",
    ]
    score = (2.5 if ok else 0.5) - 0.2 * 3
    if c3_stereo:
        reasons.append("C3 stereocentre comes from the chiral pool (the amino acid) with no bond made to it; the lactamization base can epimerize C3")
        score += 2.0
    return [_Proposal(
        "amino_acid_reductive_amination", "amino_acid", ("N1-C2 (lactamization)", "N4-C5 (reductive amination)"),
        (BuildingBlock("amino ester", _smiles(ester), "alpha-amino ester: supplies N4, C3, C2"),
         BuildingBlock("aldehyde", _smiles(aldehyde), "N-Boc-3-aminoaldehyde: supplies C5, C6, C7, N1")),
        ("reductive amination (NaBH(OAc)3, DCE or THF)", "Boc removal (TFA or HCl)", "lactamization (base, dilution)"),
        verdict, fwd, ok, score, reasons,
        ["The aldehyde is unstable on storage (self-condensation): make it just before use.", *fwarn],
        ("lit:abdel_magid1996", "docs:stereochemistry"),
    )]


# ------------------------------------------------------------------------------- benzodiazepin-2-ones


def _alkyl_agent(target: Chem.Mol, n1: int, ring_atoms: set[int]) -> Chem.Mol | None:
    """An alkylating agent for the N1 substituent (alkyl iodide/bromide), or None when N1 has none or it is not alkyl."""
    atom = target.GetAtomWithIdx(n1)
    subs = [nb.GetIdx() for nb in atom.GetNeighbors() if nb.GetIdx() not in ring_atoms]
    if not subs:
        return None
    sub = target.GetAtomWithIdx(subs[0])
    if sub.GetAtomicNum() != 6 or sub.GetIsAromatic() or sub.GetHybridization() != Chem.HybridizationType.SP3:
        return None
    rw = Chem.RWMol(Chem.RemoveHs(target))
    rw.RemoveBond(n1, subs[0])
    rw.AddBond(subs[0], rw.AddAtom(Chem.Atom(53)), Chem.BondType.SINGLE)
    mol = rw.GetMol()
    for a in mol.GetAtoms():
        if not a.GetIsAromatic():
            a.SetNoImplicit(False)
            a.SetNumExplicitHs(0)
    with quiet_rdkit():
        Chem.SanitizeMol(mol)
    frags = Chem.GetMolFrags(mol, asMols=True)
    agent = next((f for f in frags if any(a.GetAtomicNum() == 53 for a in f.GetAtoms())), None)
    return None if agent is None or agent.GetNumAtoms() > 12 else Chem.MolFromSmiles(Chem.MolToSmiles(agent))


def _with_n1_h(target: Chem.Mol, n1: int, ring_atoms: set[int]) -> Chem.Mol:
    rw = Chem.RWMol(Chem.RemoveHs(target))
    subs = [nb.GetIdx() for nb in rw.GetAtomWithIdx(n1).GetNeighbors() if nb.GetIdx() not in ring_atoms]
    rw.RemoveBond(n1, subs[0])
    mol = rw.GetMol()
    mol.GetAtomWithIdx(n1).SetNoImplicit(False)
    mol.GetAtomWithIdx(n1).SetNumExplicitHs(0)
    with quiet_rdkit():
        Chem.SanitizeMol(mol)
    frags = Chem.GetMolFrags(mol, asMols=True, fragsMolAtomMapping=(mapping := []))
    for frag, atoms in zip(frags, mapping):
        if n1 in atoms:
            return Chem.MolFromSmiles(Chem.MolToSmiles(frag))
    raise UnsupportedBuildingBlockError("N1 substituent could not be removed")


def _sternbach_pieces(mol: Chem.Mol, ring: RingSites) -> tuple[Chem.Mol, Chem.Mol] | None:
    """A benzodiazepin-2-one cut at N1-C2 and N4=C5: (the amino ester that holds C2, C3 and N4, the 2-aminoaryl ketone
    that holds N1, the benzo ring and C5), or None when the cut does not give two pieces (a bridged ring)."""
    frags = _cut(mol, ((ring.n1, ring.c2), (ring.n4, ring.c5)), {ring.c2: "OCC", ring.c5: "=O"}, {ring.c2: 2})
    if len(frags) != 2:
        return None
    ester, ketone = _holding(frags, 2)
    return _unmarked(ester), _unmarked(ketone)


def _sternbach_proposals(target_imine: Chem.Mol, key: str, reduce: bool, extra_steps: int = 0,
                         c3_oxygen: str | None = None) -> list[_Proposal]:
    """Aminoketone + glycine ester / haloacetyl halide (+ N1-alkylation, + imine reduction, + C3 acetoxylation and
    hydrolysis: ``c3_oxygen``), checked forward against ``key`` (the target, which ``target_imine`` is, or is the
    3-unsubstituted parent of)."""
    with quiet_rdkit():
        rings = perceive(target_imine)
    if not rings:
        return []
    ring = rings[0]
    ring_atoms = set(ring.ring_atoms)
    out: list[_Proposal] = []
    c3 = target_imine.GetAtomWithIdx(ring.c3)
    if any(nb.GetAtomicNum() in (7, 8, 16) and nb.GetIdx() not in ring_atoms for nb in c3.GetNeighbors()):
        return []  # 3-hetero-substituted: no stable amino ester; handled by the caller's reason
    agent = _alkyl_agent(target_imine, ring.n1, ring_atoms) if ring.n1_class == "n_alkyl" else None
    n1_free = _with_n1_h(target_imine, ring.n1, ring_atoms) if agent is not None else target_imine
    with quiet_rdkit():
        free_ring = perceive(n1_free)[0]
    pieces = _sternbach_pieces(n1_free, free_ring)
    if pieces is None:
        return []
    ester, ketone = pieces
    halide = _haloacetyl_from(ester)
    direct_ketone = None
    if agent is not None and (direct := _sternbach_pieces(target_imine, ring)) is not None:
        direct_ketone = direct[1]
    refs: tuple[str, ...] = ("lit:sternbach1962", "lit:archer_sternbach1968")
    options: dict[str, object] = {"reduce_imine": reduce}
    if agent is not None:
        options["n1_alkylating_agent"] = agent
    tail = (["N1-alkylation"] if agent is not None else []) + (["imine reduction"] if reduce else [])
    if c3_oxygen is not None:
        options["c3_oxygen"] = c3_oxygen
        tail += ["C3 acetoxylation"] + (["acetate hydrolysis"] if c3_oxygen != "3-acetoxy" else [])
        tail += ["alcoholysis"] if c3_oxygen in ("3-methoxy", "3-ethoxy") else []
        refs += ("lit:cepanec2006", "lit:oxazepam_racemization")
        refs += ("lit:yang1996_alcoholysis",) if c3_oxygen in ("3-methoxy", "3-ethoxy") else ()
    candidates = [
        ("sternbach_glycine_ester", "benzodiazepinone_glycine_ester", ketone, ester,
         "glycine (alpha-amino) ester hydrochloride in pyridine at reflux: one-pot anilide + azomethine", 3.0 + 1.0,
         ["2-aminoaryl ketone + amino ester condensation"] + tail),
    ]
    if halide is not None:
        candidates.append(("sternbach_haloacetyl", "benzodiazepinone_haloacetyl_halide", ketone, halide,
                           "haloacetyl halide, then ammonia, then ring closure to the azomethine (three operations)", 3.0 + 0.6,
                           ["N-haloacetylation", "ammonia", "ring closure"] + tail))
    for pid, route, amine, reagent, what, base, steps in candidates:
        verdict, fwd, ok, fwarn = _forward(key, amine, reagent, **options)
        reasons = [f"Sternbach-type route: {what} (lit:sternbach1962; lit:archer_sternbach1968)"]
        reasons.append("checked forward: gives the target as the main product" if ok else f"checked forward: {verdict}")
        if agent is not None:
            reasons.append(f"N1 substituent introduced by N1-alkylation with {_smiles(agent)} (base: NaH or NaOMe)"
                           + (", before the C3 acetoxylation" if c3_oxygen else ""))
        if c3_oxygen is not None:
            reasons.append("C3 acetoxylated by iodine catalysis (KOAc, K2S2O8)"
                           + (", then the acetate saponified" if c3_oxygen != "3-acetoxy" else "")
                           + (" and the 3-OH exchanged in the dry alcohol with acid (lit:yang1996_alcoholysis)"
                              if c3_oxygen in ("3-methoxy", "3-ethoxy") else "")
                           + ": the route of oxazepam and lorazepam (lit:cepanec2006)"
                           + ("; shown on N1-H rings, on an N1-alkyl ring an assumption" if agent is not None else "")
                           + "; C3 comes out racemic and racemizes in water (lit:oxazepam_racemization)")
        unit = ("alpha-amino ester (as its hydrochloride): supplies C2, C3 and N4" if route.endswith("glycine_ester")
                else "haloacetyl halide: supplies C2 and C3; ammonia supplies N4")
        blocks = [BuildingBlock("2-aminoaryl ketone", _smiles(amine), "supplies N1, the benzo ring and C5"),
                  BuildingBlock("C2 unit", _smiles(reagent), unit)]
        if agent is not None:
            blocks.append(BuildingBlock("N1 alkylating agent", _smiles(agent), "alkyl halide for N1"))
        score = (base if ok else 0.5) - 0.2 * (len(steps) + extra_steps)
        out.append(_Proposal(pid, route, ("N1-C2 (anilide)", "N4=C5 (azomethine)"), tuple(blocks), tuple(steps),
                             verdict, fwd, ok, score, reasons, fwarn, refs))
    if agent is not None and direct_ketone is not None and c3_oxygen is None:
        verdict, fwd, ok, fwarn = _forward(key, direct_ketone, halide or ester, reduce_imine=reduce)
        reasons = ["the N-alkyl 2-aminoaryl ketone carries N1's substituent from the start (no N1-alkylation step, no C3/O-alkylation side products)"]
        reasons.append("checked forward: gives the target as the main product" if ok else f"checked forward: {verdict}")
        reasons.append("N-alkyl anilines acylate more slowly; the haloacetyl halide is the usual partner (lit:archer_sternbach1968)")
        score = (3.0 + 0.8 if ok else 0.5) - 0.2 * (3 + (1 if reduce else 0) + extra_steps)
        out.append(_Proposal(
            "sternbach_n_alkyl_ketone", "benzodiazepinone_haloacetyl_halide" if halide is not None else "benzodiazepinone_glycine_ester",
            ("N1-C2 (anilide)", "N4=C5 (azomethine)"),
            (BuildingBlock("N-alkyl 2-aminoaryl ketone", _smiles(direct_ketone), "supplies N1 with its substituent, the benzo ring and C5"),
             BuildingBlock("C2 unit", _smiles(halide or ester), "haloacetyl halide: supplies C2 and C3; ammonia supplies N4"
                           if halide is not None else "alpha-amino ester: supplies C2, C3 and N4")),
            ("N-haloacetylation", "ammonia", "ring closure") + (("imine reduction",) if reduce else ()),
            verdict, fwd, ok, score, reasons, fwarn, refs,
        ))
    return out


_C3_ACETATE = Chem.MolFromSmarts("[OX2](-[CX3](=[OX1])-[CH3])")
#: the 3-ethers the advisor makes from the 3-hydroxy ring by alcoholysis (lit:yang1996_alcoholysis); O is the first atom
_C3_ETHERS = (("3-methoxy", Chem.MolFromSmarts("[OX2]-[CH3]")), ("3-ethoxy", Chem.MolFromSmarts("[OX2]-[CH2]-[CH3]")))
_FOUR_OXIDE_STEPS = ("oxime formation", "chloroacetylation and quinazoline 3-oxide closure", "ring expansion (hydroxide)",
                     "acetic anhydride rearrangement")


def _c3_oxygen_group(target: Chem.Mol, ring: RingSites) -> tuple[str, int]:
    """The oxygen group on a C3 that also carries one H (``3-hydroxy``, ``3-acetoxy``, ``3-methoxy``, ``3-ethoxy``)
    and the oxygen's atom index; ("", -1) for any other C3."""
    c3 = target.GetAtomWithIdx(ring.c3)
    outside = [nb for nb in c3.GetNeighbors() if nb.GetIdx() not in set(ring.ring_atoms)]
    if c3.GetTotalNumHs() != 1 or len(outside) != 1 or outside[0].GetAtomicNum() != 8:
        return "", -1
    oxygen = outside[0].GetIdx()
    if outside[0].GetTotalNumHs() == 1:
        return "3-hydroxy", oxygen
    for name, pattern in (("3-acetoxy", _C3_ACETATE), *_C3_ETHERS):
        if any(match[0] == oxygen for match in target.GetSubstructMatches(pattern)):
            return name, oxygen
    return "", -1


def _four_oxide_product(target: Chem.Mol, ring: RingSites) -> str:
    """What the 4-oxide route would have to stop at to give the target (``4-oxide``, ``3-acetoxy``, ``3-hydroxy``),
    or "" when it cannot give it (N1 substituted, C3 substituted, another group on the 3-oxygen)."""
    ring_atoms = set(ring.ring_atoms)
    c3 = target.GetAtomWithIdx(ring.c3)
    c5_outside = [nb for nb in target.GetAtomWithIdx(ring.c5).GetNeighbors() if nb.GetIdx() not in ring_atoms]
    if ring.n1_class != "nh" or ring.ring_variant != "fused_aromatic":
        return ""
    if len(c5_outside) != 1 or c5_outside[0].GetAtomicNum() != 6:
        return ""  # C5 must be the ketone carbon: one carbon substituent (aryl, alkenyl), no heteroatom (an amidine)
    if ring.n4_class == "n_oxide":
        return "4-oxide" if c3.GetTotalNumHs() == 2 else ""
    group = _c3_oxygen_group(target, ring)[0]
    return group if group in ("3-hydroxy", "3-acetoxy") else ""


def _four_oxide_proposals(target: Chem.Mol, ring: RingSites, key: str) -> list[_Proposal]:
    """A benzodiazepin-2-one 4-oxide, or a 3-hydroxy or 3-acetoxy ring, with N1-H through the quinazoline 3-oxide and
    the 4-oxide (checked forward); [] for the rings the route cannot give (:func:`_four_oxide_product`)."""
    product = _four_oxide_product(target, ring)
    if not product:
        return []
    pieces = _sternbach_pieces(target, ring)
    if pieces is None:
        return []
    ketone = pieces[1]
    halide = Chem.MolFromSmiles("ClCC(=O)Cl")
    verdict, fwd, ok, fwarn = _judged(key, lambda: plan_4_oxide_route(ketone, halide, product=product))
    oxide = product == "4-oxide"
    refs = ("lit:archer_sternbach1968", "lit:childress1964") + (() if oxide else ("lit:oxazepam_racemization",))
    what = ("" if oxide else ", and acetic anhydride moves the N-oxide oxygen to C3 as its acetate"
            + (", which mild hydrolysis frees" if product == "3-hydroxy" else ""))
    reasons = ["4-oxide route: the ketone's oxime and chloroacetyl chloride close a 2-chloromethylquinazoline 3-oxide,"
               " hydroxide expands it to the benzodiazepin-2-one 4-oxide" + what
               + " (lit:archer_sternbach1968; lit:childress1964)",
               "checked forward: gives the target as the main product" if ok else f"checked forward: {verdict}"]
    if not oxide:
        reasons.append("C3 comes out racemic, and a 3-hydroxy or 3-acyloxy ring racemizes in water near neutral pH: one"
                       " enantiomer cannot be kept (lit:oxazepam_racemization)")
    blocks = (BuildingBlock("2-aminoaryl ketone", _smiles(ketone), "supplies N1, the benzo ring and C5"),
              BuildingBlock("C2 unit", _smiles(halide), "chloroacetyl chloride: supplies C2 and C3"),
              BuildingBlock("N4 unit", "NO", "hydroxylamine: its N becomes N4 and its O the 4-oxide's oxygen"
                            + ("" if oxide else ", moved to C3")))
    if not oxide:
        blocks += (BuildingBlock("rearrangement reagent", "CC(=O)OC(C)=O", "acetic anhydride: the 3-acetate"),)
    steps = _FOUR_OXIDE_STEPS[: 3 if oxide else 4] + (("acetate hydrolysis",) if product == "3-hydroxy" else ())
    score = (3.0 if ok else 0.5) - 0.2 * len(steps)
    return [_Proposal("sternbach_4_oxide", "benzodiazepinone_4_oxide", ("N1-C2 (anilide)", "N4=C5 (azomethine)"),
                      blocks, steps, verdict, fwd, ok, score, reasons, fwarn, refs)]


def _acetoxylation_proposals(target: Chem.Mol, ring: RingSites, key: str) -> list[_Proposal]:
    """A 3-hydroxy or 3-acetoxy benzodiazepin-2-one (N1-H or N1-alkyl): the Sternbach routes to its 3-unsubstituted
    parent, then C3 acetoxylation (and hydrolysis), checked forward (lit:cepanec2006); [] for other rings."""
    product, oxygen = _c3_oxygen_group(target, ring)
    if ring.n1_class not in ("nh", "n_alkyl") or not product:
        return []
    parent = Chem.RWMol(target)
    parent.RemoveBond(ring.c3, oxygen)
    drop = next(f for f in Chem.GetMolFrags(parent, asMols=False, sanitizeFrags=False) if oxygen in f)
    for index in sorted(drop, reverse=True):
        parent.RemoveAtom(index)
    c3_left = parent.GetAtomWithIdx(ring.c3 - sum(1 for i in drop if i < ring.c3))
    c3_left.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    c3_left.SetNumExplicitHs(0)  # a C3 drawn [C@H] keeps no explicit H: its two H come back as implicit ones
    c3_left.SetNoImplicit(False)
    with quiet_rdkit():
        try:
            Chem.SanitizeMol(parent)
        except Exception:  # noqa: BLE001 - RDKit raises several classes; no parent, no proposal
            return []
    proposals = _sternbach_proposals(parent.GetMol(), key, reduce=False, c3_oxygen=product)
    for proposal in proposals:
        proposal.id = f"{proposal.id}_then_c3_acetoxylation"
    return proposals


def _haloacetyl_from(ester: Chem.Mol) -> Chem.Mol | None:
    """The haloacetyl bromide matching an amino ester's carbon skeleton (H2N-CHR-CO2Et -> Br-CHR-COBr)."""
    pattern = Chem.MolFromSmarts("[NX3;H2]-[CX4]-C(=O)-O-[CH2]-[CH3]")
    match = ester.GetSubstructMatch(pattern)
    if not match:
        return None
    rw = Chem.RWMol(ester)
    n, _, _, _, oxygen, ch2, ch3 = match
    rw.GetAtomWithIdx(n).SetAtomicNum(35)
    rw.GetAtomWithIdx(oxygen).SetAtomicNum(35)
    rw.RemoveBond(oxygen, ch2)
    for idx in sorted((ch3, ch2), reverse=True):
        rw.RemoveAtom(idx)
    mol = rw.GetMol()
    for atom in mol.GetAtoms():
        atom.SetNoImplicit(False)
        atom.SetNumExplicitHs(0)
        atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    with quiet_rdkit():
        Chem.SanitizeMol(mol)
    return Chem.MolFromSmiles(Chem.MolToSmiles(mol))


def _imine_precursor(target: Chem.Mol, ring: RingSites) -> Chem.Mol | None:
    """The 4,5-azomethine whose reduction gives this 4,5-dihydro target (N4-H and C5-H needed)."""
    n4, c5 = target.GetAtomWithIdx(ring.n4), target.GetAtomWithIdx(ring.c5)
    if n4.GetTotalNumHs() != 1 or c5.GetTotalNumHs() != 1:
        return None  # C5H2 would need a 2-aminobenzaldehyde (self-condenses); N4-R has no neutral imine
    if not any(nb.GetIsAromatic() for nb in c5.GetNeighbors()):
        return None
    rw = Chem.RWMol(Chem.RemoveHs(target))
    rw.GetBondBetweenAtoms(ring.n4, ring.c5).SetBondType(Chem.BondType.DOUBLE)
    mol = rw.GetMol()
    for idx in (ring.n4, ring.c5):
        atom = mol.GetAtomWithIdx(idx)
        atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
        atom.SetNoImplicit(False)
        atom.SetNumExplicitHs(0)
    try:
        with quiet_rdkit():
            Chem.SanitizeMol(mol)
    except Exception:  # the imine is not a valid structure here
        return None
    return Chem.MolFromSmiles(Chem.MolToSmiles(mol))


# ------------------------------------------------------------------------------- 2,5-diones


@dataclass
class _DilactamCut:
    """A 2,5-dione cut at both amides (N1-C2 and N4-C5) into the amino ester (N4, C3, C2, as its ethyl ester) and the
    amino acid (N1 ... C5), with the ring-closing template run on the two pieces."""

    ester: Chem.Mol
    acid: Chem.Mol
    acid_marked: Chem.Mol  # the acid as cut (atom indices of the cut, map numbers still on)
    n1: int  # N1's index in ``acid_marked``
    ok: bool
    forward: str | None
    verdict: str


def _dilactam_cut(target: Chem.Mol, ring: RingSites, key: str, reaction_id: str) -> _DilactamCut | None:
    """Cut a 2,5-dione into its two amino acids and check them with ``reaction_id`` (None: the cut gives no two
    pieces, or N1 is not in the acid piece)."""
    frags = _cut(target, ((ring.n1, ring.c2), (ring.n4, ring.c5)), {ring.c2: "OCC", ring.c5: "OH"},
                 {ring.c2: 2, ring.n1: 1})
    if len(frags) != 2:
        return None
    ester_part, acid_part = _holding(frags, 2)
    n1 = _marked(acid_part, 1)
    if n1 is None:
        return None
    ester, acid = _unmarked(ester_part), _unmarked(acid_part)
    products = run_clean(load_synthesis_rules().reactions[reaction_id], (acid, ester))
    ok = any(_key(p) == key for p in products)
    forward = _smiles(products[0]) if products else None
    verdict = ("the template gives the target" if ok else
               f"the template gives {forward}, not the target" if forward else "the template gives no product")
    return _DilactamCut(ester, acid, acid_part, n1, ok, forward, verdict)


def _dione_proposals(target: Chem.Mol, ring: RingSites, key: str, c3_stereo: bool) -> list[_Proposal]:
    cut = _dilactam_cut(target, ring, key, "benzodiazepinedione_closure")
    if cut is None:
        return []
    ester, acid, ok, forward, verdict = cut.ester, cut.acid, cut.ok, cut.forward, cut.verdict
    reasons = [
        "anthranilic acid (or its isatoic anhydride) + alpha-amino ester: N4-C5 amide, then lactamization of the aniline N onto the ester (lit:boojamra1997)",
        "checked with the ring-closing template (amide coupling and lactamization as one step; side products not simulated)",
    ]
    if c3_stereo:
        reasons.append("C3 stereocentre from the amino ester: Boojamra et al. report racemizing and non-racemizing conditions; avoid strong base at the lactamization")
    return [_Proposal(
        "anthranilic_acid_amino_ester", "benzodiazepinedione", ("N1-C2 (lactamization)", "N4-C5 (amide coupling)"),
        (BuildingBlock("anthranilic acid", _smiles(acid), "supplies N1, the benzo ring and C5 (isatoic anhydride is the activated form)"),
         BuildingBlock("amino ester", _smiles(ester), "alpha-amino ester: supplies N4, C3, C2")),
        ("amide coupling at the amino ester N (or isatoic anhydride, CO2 lost)", "lactamization (heat or base)"),
        verdict, forward, ok, (3.5 if ok else 0.5) - 0.4, reasons,
        ["C3 configuration can erode under the basic lactamization conditions." ] if c3_stereo else [],
        ("lit:boojamra1997",),
    )]


def _dipeptide_dione_proposals(target: Chem.Mol, ring: RingSites, key: str) -> list[_Proposal]:
    """A 1,4-diazepane-2,5-dione without a benzo ring: N-Boc beta-amino acid (N1, C7, C6, C5) + N-substituted
    alpha-amino ester (N4, C3, C2), closed head to tail at N1/C2 (lit:vanberkom2005). Only for an N4-substituted
    ring: the linear dipeptide then holds the tertiary C5-N4 amide that the published closures needed."""
    cut = _dilactam_cut(target, ring, key, "dipeptide_dione_closure")
    if cut is None or cut.forward is None:  # no saturated beta-amino acid chain: no template product, no proposal
        return []
    ester, ok, forward, verdict = cut.ester, cut.ok, cut.forward, cut.verdict
    protected = _unmarked(_boc_on(cut.acid_marked, cut.n1))
    reasons = [
        "N-Boc beta-amino acid + N-substituted alpha-amino ester: amide coupling at the amino ester's secondary N (the"
        " tertiary C5-N4 amide), Boc removal, then head-to-tail lactamization of the freed N1 onto the C2 ester"
        " (lit:vanberkom2005)",
        "the published closures were made at N1/C2 (closing N4 onto C5 failed) and needed the N,N-disubstituted backbone"
        " amide that N4's substituent provides here (lit:vanberkom2005; one series of 6-spiro rings: a precedent for"
        " the ring closure, not for these building blocks)",
        "checked with the ring-closing template (coupling, deprotection and lactamization as one step; side products"
        " not simulated)",
    ]
    warnings = ["Run the lactamization dilute: the free N1 of one dipeptide can also attack the ester of another"
                " (linear and cyclic oligomers)."]
    return [_Proposal(
        "beta_amino_acid_amino_ester", "diazepanedione", ("N1-C2 (lactamization)", "N4-C5 (amide coupling)"),
        (BuildingBlock("N-Boc beta-amino acid", _smiles(protected),
                       "supplies N1 (Boc-protected until the ring closure), C7, C6 and C5 (its carboxyl)"),
         BuildingBlock("N-substituted amino ester", _smiles(ester),
                       "secondary alpha-amino ester: supplies N4 with its substituent, C3 and C2")),
        ("amide coupling of the N-Boc beta-amino acid with the amino ester's secondary N",
         "Boc removal (acidolysis)", "head-to-tail lactamization of N1 onto the C2 ester (dilute)"),
        verdict, forward, ok, (3.0 if ok else 0.5) - 0.4, reasons, warnings, ("lit:vanberkom2005",),
    )]


# ------------------------------------------------------------------------------- N4 substituent last


def _n4_group_last(target: Chem.Mol, ring: RingSites, what: str) -> tuple[list[_Proposal], str]:
    """Proposals for the N4-H ring (recursively), with the N4 acyl/sulfonyl/carbamoyl group put on last.

    Returns the proposals and, when there are none, why the N4-H ring itself has no route.
    """
    ring_atoms = set(ring.ring_atoms)
    outside = [nb.GetIdx() for nb in target.GetAtomWithIdx(ring.n4).GetNeighbors() if nb.GetIdx() not in ring_atoms]
    if len(outside) != 1 or target.GetAtomWithIdx(outside[0]).GetAtomicNum() not in (6, 16):
        return [], ""
    group = outside[0]
    rw = Chem.RWMol(Chem.RemoveHs(target))
    rw.RemoveBond(ring.n4, group)
    rw.AddBond(group, rw.AddAtom(Chem.Atom(17)), Chem.BondType.SINGLE)
    mol = rw.GetMol()
    for atom in mol.GetAtoms():
        if not atom.GetIsAromatic():
            atom.SetNoImplicit(False)
            atom.SetNumExplicitHs(0)
    try:
        with quiet_rdkit():
            Chem.SanitizeMol(mol)
    except Exception:  # the group cannot be written as a chloride
        return [], ""
    mapping: list[tuple[int, ...]] = []
    frags = Chem.GetMolFrags(mol, asMols=True, fragsMolAtomMapping=mapping)
    if len(frags) != 2:
        return [], ""
    core_frag = next(f for f, atoms in zip(frags, mapping) if ring.n4 in atoms)
    agent_frag = next(f for f in frags if f is not core_frag)
    core, agent = Chem.MolFromSmiles(Chem.MolToSmiles(core_frag)), Chem.MolFromSmiles(Chem.MolToSmiles(agent_frag))
    if core is None or agent is None:
        return [], ""
    inner = propose_disconnections(core)
    out = []
    for d in inner.disconnections:
        out.append(_Proposal(
            f"{d.id}_then_n4_{what.split()[0]}", d.route, d.bonds_broken,
            (*d.building_blocks, BuildingBlock("N4 reagent", _smiles(agent),
                                               "chloride of the N4 group (or its anhydride, e.g. Boc2O for Boc)")),
            (*d.steps, f"N4 {what} last"),
            f"N4-H ring: {d.forward_check}; the final N4 {what} is not simulated", d.forward_product, False,
            -d.rank - 0.5,
            [*d.reasons, "N4 substituent put on last: in the N4-H ring N4 is the most nucleophilic site (docs:site_faq)"],
            list(d.warnings), (*d.references, "docs:site_faq"),
        ))
    return out, inner.no_route_reason


# ------------------------------------------------------------------------------- entry point

_NO_ROUTE = {
    "carbamate": "N4 is a carbamate (protected amine): make the ring of the free amine and put the protecting group on last",
    "urea": "N4 is part of a urea: make the N4-H ring first, then form the urea",
    "sulfonamide": "N4 is a sulfonamide: make the N4-H ring first, then sulfonylate N4",
    "n_oxide": ("N4 is an N-oxide: the advisor makes benzodiazepin-2-one 4-oxides with N1-H and an unsubstituted C3"
                " through the quinazoline 3-oxide (lit:archer_sternbach1968), not this one"),
    "n_nitroso": "N4 is N-nitroso: no synthesis is proposed for N-nitroso compounds",
}


#: How an azole-2-carboxamide lactam (N4 and C3 in a five-membered aromatic ring) is made, and what the first step gives.
_AZOLE_CARBOXAMIDE_LACTAM = (
    "N4 and C3 belong to an azole whose carbon carries the lactam carbonyl (a tetrahydropyrazolo[1,5-a][1,4]diazepin-4-one,"
    " a pyrrolo[1,2-a][1,4]diazepin-1-one, a diazepino[1,2-a]indol-1-one or a benzimidazole analogue): the advisor's"
    " two-component routes do not build it."
    " Such rings are made from the azole-2-carboxylate ester (pyrazole-5-carboxylate): the ring N next to the ester is"
    " alkylated with a three-carbon unit (epichlorohydrin with NaH in DMF gives the 1-(oxiranylmethyl) ester), then the"
    " amine that becomes N1 opens the epoxide and closes the lactam, giving the 6-hydroxy ring (lit:dzedulionyte2022,"
    " for pyrazole, indole and benzimidazole esters; a pyrrole-2-carboxylate is the indole case without the benzo ring)."
    " A 3(5)-substituted pyrazole ester is alkylated on both ring N: the 3-carboxylate isomer, which cannot close the"
    " ring, forms beside the wanted 5-carboxylate for several substituents, so check the regiochemistry (NMR) before"
    " the amine step. A ring without the 6-hydroxy group needs another three-carbon unit, which that route does not cover"
)


def _azole_carboxamide_lactam(target: Chem.Mol, ring: RingSites) -> bool:
    """Whether the ring's C3-N4 bond lies in a five-membered aromatic ring and C3 is an aromatic carbon (the lactam
    carbonyl on an azole carbon next to the azole N that is N4).

    >>> from reactivity.perception import perceive
    >>> mol = Chem.MolFromSmiles("CCN1CCCn2nc(C)cc2C1=O")
    >>> _azole_carboxamide_lactam(mol, perceive(mol)[0])
    True
    """
    bond = target.GetBondBetweenAtoms(ring.c3, ring.n4)
    if bond is None or not bond.GetIsAromatic() or not target.GetAtomWithIdx(ring.c3).GetIsAromatic():
        return False
    return target.GetRingInfo().IsBondInRingOfSize(bond.GetIdx(), 5)


def propose_disconnections(target: Chem.Mol) -> RetroResult:
    """Ranked disconnections of a 1,4-diazepan-2-one target (any class the advisor knows), each checked forward.

    A salt is disconnected as its free base (said in the warnings). Raises
    :class:`UnsupportedBuildingBlockError` when the target is a mixture or contains no
    1,4-diazepan-2-one ring; returns a result with ``no_route_reason`` when the ring is
    there but no disconnection applies. The target is read as the file readers read it
    (:func:`reactivity.molecule.as_read`: a ring drawn as its lactim is the lactam).
    """
    salt_note = ""
    target = as_read(target, "propose_disconnections()")
    with quiet_rdkit():
        target = Chem.RemoveHs(target)
    if len(Chem.GetMolFrags(target)) != 1 or not is_neutral(target):  # N-oxides, nitro groups stay as drawn
        target, salt_note = free_base(target, "target")
    # atoms in canonical order: with two rings, the one disconnected (and every tie below) must not follow the drawing
    ranks = canonical_ranks(target, break_ties=True)
    target = Chem.RenumberAtoms(target, sorted(range(target.GetNumAtoms()), key=ranks.__getitem__))
    with quiet_rdkit():  # target is read (as_read) and at most free-based since: not read again
        rings = perceive_with_view(target, from_reader=True)[0]
        names = () if rings else related_scaffolds(target, from_reader=True)
    smiles = _smiles(target)
    if not rings:
        found = f" (it is {names[0]})" if names else ""
        raise UnsupportedBuildingBlockError(f"target {smiles}: not a 1,4-diazepan-2-one{found}")
    ring = rings[0]
    key = _key(target)
    inchikey = str(key) or None
    warnings: list[str] = [salt_note] if salt_note else []
    if len(rings) > 1:
        warnings.append(f"{len(rings)} diazepan-2-one rings found; only one is disconnected (the first in canonical atom "
                        "order; the others are taken as drawn).")
    c3_stereo = any(s.position == "C3" for s in ring.stereocentres)
    c5_stereo = any(s.position == "C5" for s in ring.stereocentres)
    from .chem import ring_class

    target_class, _ = ring_class(target)
    proposals: list[_Proposal] = []
    reason = ""
    if ring.n1_class in ("n_acyl", "n_sulfonyl"):
        reason = f"N1 is {ring.n1_class.replace('n_', 'N-')}: make the N1-H ring first, then acylate or sulfonylate N1"
    elif ring.n1_class == "other":
        reason = ("N1 is part of a fused ring or carries an unusual group: the two-component routes of the advisor"
                  " (diamine + C2 unit, aminoketone + glycine unit, anthranilic acid + amino ester) do not build it")
    elif ring.n4_class == "imine":
        n4_c5 = target.GetBondBetweenAtoms(ring.n4, ring.c5)
        c5 = target.GetAtomWithIdx(ring.c5)
        if (n4_c5 is None or n4_c5.GetBondType() != Chem.BondType.DOUBLE or c5.GetIsAromatic()
                or not any(nb.GetIsAromatic() for nb in c5.GetNeighbors()) or ring.ring_variant != "fused_aromatic"):
            reason = ("N4 is an imine but not the N4=C5 azomethine of a 5-aryl benzodiazepin-2-one: the Sternbach-type route"
                      " needs a 2-aminoaryl ketone (aryl ketone carbon at C5, benzo-fused N1)")
        else:
            proposals = _sternbach_proposals(target, key, reduce=False)
            c3_oxygen = any(nb.GetAtomicNum() == 8 and nb.GetIdx() not in ring.ring_atoms
                            for nb in target.GetAtomWithIdx(ring.c3).GetNeighbors())
            if not proposals and not c3_oxygen:
                reason = ("C3 carries nitrogen or sulfur (3-amino type): no stable alpha-amino ester supplies it. A"
                          " 3-amino ring is made on the finished ring from its C3 oxime, reduced mildly as the"
                          " O-(ethylcarbamoyl) oxime with hydrogen on palladium at room temperature"
                          " (lit:bourrain1994); 3-acylamino and 3-ureido rings are then made from the 3-amine. The"
                          " advisor does not simulate these steps")
            elif not proposals:
                proposals = _acetoxylation_proposals(target, ring, key) + _four_oxide_proposals(target, ring, key)
            if not proposals and c3_oxygen:
                reason = ("C3 carries oxygen (3-hydroxy, oxazepam type): no stable alpha-amino ester supplies it."
                          " 3-Hydroxy and 3-acetoxy rings are made by acetoxylating C3 of the 3-unsubstituted ring"
                          " (iodine, KOAc, K2S2O8; lit:cepanec2006) or through the 4-oxide: the 2-aminoaryl ketone's"
                          " oxime and chloroacetyl chloride give a 2-chloromethylquinazoline 3-oxide, which hydroxide"
                          " expands to the 1,3-dihydro-1,4-benzodiazepin-2-one 4-oxide (demoxepam type); acetic"
                          " anhydride rearranges the 4-oxide to the 3-acetoxy ring, and mild hydrolysis gives the"
                          " 3-hydroxy ring (lit:archer_sternbach1968; lit:childress1964). The advisor simulates these"
                          " routes for a 3-hydroxy, 3-acetoxy, 3-methoxy or 3-ethoxy ring with N1-H or an N1-alkyl"
                          " group only (another group on the 3-oxygen, a carbamate or a larger ether, would need"
                          " steps it does not model); the"
                          " 3-hydroxy stereocentre comes out racemic and racemizes in water"
                          " (lit:oxazepam_racemization)")
    elif ring.n4_class in ("secondary_amine", "tertiary_amine", "aryl_amine"):
        proposals = _diamine_proposals(target, ring, key, c3_stereo)
        if ring.ring_variant == "fused_aromatic":
            precursor = _imine_precursor(target, ring)
            if precursor is not None:
                reduce_props = _sternbach_proposals(precursor, key, reduce=True)
                for p in reduce_props:
                    p.id = f"{p.id}_then_reduction"
                    p.reasons.append("the azomethine is reduced last (NaBH3CN/AcOH or hydrogenation; LiAlH4 would also reduce the lactam, lit:childress1964)")
                    p.references = (*p.references, "lit:childress1964")
                    if c5_stereo:
                        p.reasons.append("C5 becomes a stereocentre in the reduction: racemic (or a diastereomer mixture) unless the reduction is asymmetric")
                        p.score -= 0.5
                proposals.extend(reduce_props)
            elif ring.n4_class == "tertiary_amine":
                warnings.append("No imine-reduction route: N4 carries a substituent (reduce the N4-H ring, then alkylate N4 by reductive amination).")
            else:
                warnings.append("No imine-reduction route: C5 carries no substituent, so the azomethine would come from a"
                                " 2-aminobenzaldehyde, which self-condenses; the diamine route is the practical one.")
        if not proposals:
            reason = "the ring is bridged or fused across the bonds a two-component disconnection breaks"
    elif ring.n4_class == "amide":
        c5 = target.GetAtomWithIdx(ring.c5)
        c5_carbonyl = any(b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(c5).GetAtomicNum() == 8 for b in c5.GetBonds())
        c3 = target.GetAtomWithIdx(ring.c3)
        c3_carbonyl = any(b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(c3).GetAtomicNum() == 8 for b in c3.GetBonds())
        if c3_carbonyl:
            reason = ("C3 is a carbonyl (a 2,3-dione, N4 is part of an oxamide): such rings come from a 1,3-diamine and an"
                      " oxalate diester, which the advisor does not model")
        elif c5_carbonyl and ring.ring_variant == "fused_aromatic":
            proposals = _dione_proposals(target, ring, key, c3_stereo)
            if not proposals:
                reason = "the 2,5-dione is bridged or fused across the bonds the disconnection breaks"
        elif c5_carbonyl:
            n4_substituted = target.GetAtomWithIdx(ring.n4).GetTotalNumHs() == 0
            if n4_substituted:
                proposals = _dipeptide_dione_proposals(target, ring, key)
            if not proposals:
                reason = ("N4 is acylated by the ring C5 carbonyl (a 2,5-dione without a benzo ring): the anthranilic"
                          " acid + amino ester route does not apply. Such dilactams come from a linear dipeptide of a"
                          " beta-amino acid (C5-C7, N1) and an alpha-amino acid (C2, C3, N4) closed head to tail; the"
                          " closure that worked is N1 onto the C2 ester, not N4 onto C5, and only with a tertiary amide"
                          " in the precursor's backbone, that is an N4-substituted ring (lit:vanberkom2005). " + (
                              "This ring's C5-C7 unit is not a saturated beta-amino acid chain, or the ring is bridged"
                              " or fused across the two amide bonds: the advisor does not model its closure"
                              if n4_substituted else
                              "This ring has N4-H, so its dipeptide would hold a secondary amide: no route is"
                              " proposed"))
        else:
            proposals, inner_reason = _n4_group_last(target, ring, "acylation")
            if not proposals:
                reason = "N4 is acylated by an exocyclic acyl group: make the N4-H ring first, then acylate N4" + (
                    f"; the N4-H ring itself has no route: {inner_reason}" if inner_reason else "")
    elif ring.n4_class in ("carbamate", "sulfonamide", "urea"):
        what = {"carbamate": "carbamoylation (protection)", "sulfonamide": "sulfonylation", "urea": "urea formation"}
        proposals, inner_reason = _n4_group_last(target, ring, what[ring.n4_class])
        if not proposals:
            reason = _NO_ROUTE[ring.n4_class] + (f"; the N4-H ring itself has no route: {inner_reason}" if inner_reason else "")
    elif ring.n4_class == "n_oxide" and (proposals := _four_oxide_proposals(target, ring, key)):
        pass  # a benzodiazepin-2-one 4-oxide (demoxepam type): the first part of the 4-oxide route
    elif ring.n4_class == "aromatic" and _azole_carboxamide_lactam(target, ring):
        reason = _AZOLE_CARBOXAMIDE_LACTAM
    else:
        reason = _NO_ROUTE.get(
            ring.n4_class,
            f"N4 is {ring.n4_class} (for example part of a fused azole): the advisor's routes need N4 as an amine,"
            " an imine or the amide of a 2,5-dione",
        )
    if c3_stereo and proposals:
        warnings.append(
            "C3 is a stereocentre: it sits alpha to the lactam C=O and next to N4, so base epimerizes it; choose the route"
            " that sets it last or from the chiral pool (docs:stereochemistry)."
        )
    proposals.sort(key=lambda p: (-p.score, p.id))
    disconnections = tuple(
        Disconnection(
            id=p.id, rank=k + 1, route=p.route, bonds_broken=p.bonds, building_blocks=p.blocks, steps=p.steps,
            forward_check=p.verdict, forward_product=p.forward, reasons=tuple(p.reasons),
            warnings=tuple(dict.fromkeys(p.warnings)), references=p.references,
        )
        for k, p in enumerate(proposals)
    )
    refs = ["docs:synthesis", *(r for d in disconnections for r in d.references)]
    if not disconnections:
        refs.extend(cited_ids(reason))
    if c3_stereo:
        refs.append("docs:stereochemistry")
    return RetroResult(
        target=smiles, target_inchikey=inchikey, target_class=target_class, disconnections=disconnections,
        no_route_reason=reason if not disconnections else "", warnings=tuple(dict.fromkeys(warnings)),
        references=tuple(dict.fromkeys(refs)),
    )

"""Forward routes from a diamine (free or mono-protected) and a C2/C3 unit.

The route's steps are RDKit reaction templates from ``reactions.toml`` applied to the
user's own building blocks. The diamine's two nitrogens carry temporary isotope labels
so that every product says which nitrogen became N1 and which N4.

>>> route = plan_diamine_route(Chem.MolFromSmiles("NCCN"), Chem.MolFromSmiles("C=CC(=O)OC"))
>>> route.product.smiles, route.product.scaffold, route.product.is_target_scaffold
('O=C1CCNCCN1', '1,4-diazepan-5-one', False)
>>> route = plan_diamine_route(Chem.MolFromSmiles("CC(C)(C)OC(=O)NCCCN"), Chem.MolFromSmiles("BrCC(=O)OCC"))
>>> route.product.smiles, [c.smiles for c in route.intermediates]
('O=C1CNCCCN1', ['CCOC(=O)CNCCCNC(=O)OC(C)(C)C', 'CCOC(=O)CNCCCN'])
"""

from __future__ import annotations

from dataclasses import dataclass

from rdkit import Chem

from .chem import (
    LABEL,
    amine_class,
    amine_nitrogens,
    classify_reagent,
    clean,
    key_of,
    labelled,
    make_compound,
    mapped,
    run,
    side_compound,
)
from .results import Compound, Regioselectivity, RouteResult, UnsupportedBuildingBlockError
from .ruledata import PatternRule, ProtectingGroup, ReactionRule, SynthesisRules, load_synthesis_rules

__all__ = ["plan_diamine_route"]

_FREE, _OTHER = LABEL + 1, LABEL + 2
_DUMMY_ATOM = Chem.Atom(0)
_DUMMY_CLASS = PatternRule("none", "", Chem.Mol(), "", "", (), (), (), rank=-1)
_BENZYL_NH = Chem.MolFromSmarts("[NX3;H1;!$(N-a)]-[CH2]-c1ccccc1")


@dataclass(frozen=True, slots=True)
class _Ring:
    """A ring product with the atoms of its new lactam bond (for ring-opening)."""

    mol: Chem.Mol
    amide_n: int
    amide_c: int


def _ring_from_closure(rule: ReactionRule, adduct: Chem.Mol, closing_label: int) -> _Ring | None:
    """Intramolecular lactamization of a labelled adduct by its other nitrogen (rings of 5 or more atoms)."""
    for product in run(rule, (adduct,)):
        n_atom, c_atom = mapped(product, 1), mapped(product, 2)
        if n_atom is None or c_atom is None or n_atom.GetIsotope() != closing_label:
            continue
        path = Chem.GetShortestPath(adduct, n_atom.GetIntProp("react_atom_idx"), c_atom.GetIntProp("react_atom_idx"))
        if len(path) >= 5:
            return _Ring(product, n_atom.GetIdx(), c_atom.GetIdx())
    return None


_RING_LACTAM = Chem.MolFromSmarts("[NX3;R]-[CX3;R]=O")


def _open_lactam(mol: Chem.Mol) -> Chem.Mol | None:
    """Hydrolyse the (first) ring lactam bond of a product whose new ring bond was not the amide."""
    for n_atom, c_atom, _ in mol.GetSubstructMatches(_RING_LACTAM):
        if mol.GetBondBetweenAtoms(n_atom, c_atom).IsInRing():
            return _open_ring(_Ring(mol, n_atom, c_atom))
    return None


def _open_ring(ring: _Ring) -> Chem.Mol:
    """Hydrolyse the ring's lactam bond: the ring-opened amino acid."""
    rw = Chem.RWMol(ring.mol)
    rw.RemoveBond(ring.amide_n, ring.amide_c)
    oxygen = rw.AddAtom(Chem.Atom(8))
    rw.AddBond(ring.amide_c, oxygen, Chem.BondType.SINGLE)
    out = rw.GetMol()
    for atom in out.GetAtoms():
        if not atom.GetIsAromatic():
            atom.SetNoImplicit(False)
            atom.SetNumExplicitHs(0)
    return clean(out)


def _describe_nitrogen(mol: Chem.Mol, atom: int) -> str:
    rule = amine_class(mol, atom)
    return f"the nitrogen at atom {atom + 1} of the diamine SMILES ({rule.what if rule else 'unclassified amine'})"


def _regioselectivity(
    diamine: Chem.Mol, nitrogens: tuple[int, ...], outcome: dict[int, str], route: PatternRule
) -> tuple[Regioselectivity, int]:
    """Pick the nitrogen that reacts first; returns the rule statement and the chosen label."""
    labels = sorted(outcome)
    if len(set(outcome.values())) <= 1:
        statement = "both nitrogens give the same product (symmetric diamine): no regiochemistry to decide"
        return Regioselectivity(False, False, "either", statement, "symmetry", ()), labels[0]
    by_label = {LABEL + 1 + k: atom for k, atom in enumerate(nitrogens)}
    if route.first_step in ("n_alkylation", "aza_michael", "n_acylation"):
        ranks = {label: (amine_class(diamine, by_label[label]) or _DUMMY_CLASS).rank for label in labels}
        best = max(ranks.values())
        winners = [label for label in labels if ranks[label] == best]
        if len(winners) == 1:
            winner = winners[0]
            cls = amine_class(diamine, by_label[winner])
            order = ("unbranched secondary alkylamine > unbranched primary > alpha-branched primary or secondary"
                     " > tert-alkyl primary > aryl amine")
            rule = (
                f"the more nucleophilic nitrogen is acylated first: {order}; the acylated nitrogen becomes the lactam N1"
                " and the other closes the ring by SN2 as N4 (the opposite isomer to the haloacetate-ester route)"
                if route.first_step == "n_acylation" else
                f"the more nucleophilic nitrogen adds first: {order}; the first nitrogen becomes N4 (ring amine) and"
                " the other closes the lactam as N1"
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


def _n_units(diamine: Chem.Mol, nitrogens: dict[int, int], product: Chem.Mol) -> dict[int, int]:
    """How many new heavy-atom substituents each labelled diamine nitrogen carries in ``product``."""
    gained = {}
    for label, atom in nitrogens.items():
        found = labelled(product, label)
        before = diamine.GetAtomWithIdx(atom).GetDegree()
        gained[label] = 0 if found is None else found.GetDegree() - before
    return gained


def _wrong_scaffold_warning(product: Compound, route: PatternRule) -> str:
    what = "an open-chain product" if product.scaffold.startswith("open chain") else product.scaffold
    text = f"This route gives {what} ({product.smiles}), not a 1,4-diazepan-2-one."
    if product.scaffold == "1,4-diazepan-5-one":
        text += (
            " The amine that adds to the acrylate ends up two carbons from the carbonyl (a beta-alanine unit) and the"
            " new amide N sits on the ethylene bridge (docs:acrylate_route)."
        )
    if route.unit == "beta_alanine":
        text += (
            " An acrylate supplies a beta-alanine (C3) unit; a 1,4-diazepan-2-one needs a glycine (C2) unit joined to"
            " a 1,3-diamine: use a haloacetate ester (N-alkylation, then lactamization) or glyoxal."
        )
    elif route.unit == "glycine" and product.scaffold != "open chain (no ring)":
        text += " A glycine unit gives a 1,4-diazepan-2-one only with a 1,3-diamine (three carbons between the nitrogens)."
    return text


def _protection(diamine: Chem.Mol, rules: SynthesisRules) -> list[tuple[ProtectingGroup, int]]:
    found = []
    for group in rules.protecting_groups:
        for match in diamine.GetSubstructMatches(group.pattern):
            found.append((group, match[0]))
    return found


def _deprotect(mol: Chem.Mol, group: ProtectingGroup, rules: SynthesisRules) -> Chem.Mol | None:
    """Remove the protecting group (all its copies: both benzyls of a dibenzylamine)."""
    removal = rules.reactions[group.removal]
    current = mol
    for _ in range(4):
        if not current.HasSubstructMatch(group.pattern) and not (
            group.id == "dibenzyl" and current.HasSubstructMatch(_BENZYL_ON_LABEL)
        ):
            return current
        products = run(removal, (current,))
        if not products:
            return None
        current = products[0]
        for atom in current.GetAtoms():
            for prop in ("old_mapno", "react_atom_idx", "react_idx"):
                if atom.HasProp(prop):
                    atom.ClearProp(prop)
    return current


_BENZYL_ON_LABEL = Chem.MolFromSmarts(f"[{_OTHER}N]-[CH2]-c1ccccc1")


def plan_diamine_route(diamine: Chem.Mol, reagent: Chem.Mol, notes: tuple[str, ...] = ()) -> RouteResult:
    """Apply the route implied by the reagent's class to a free or mono-protected diamine.

    ``notes`` are warnings from input handling (a salt given) to carry into the result.

    >>> route = plan_diamine_route(Chem.MolFromSmiles("CNCCCN"), Chem.MolFromSmiles("BrCC(=O)OCC"))
    >>> route.product.smiles, [c.smiles for c in route.ring_isomers]
    ('CN1CCCNC(=O)C1', ['CN1CCCNCC1=O'])
    """
    rules = load_synthesis_rules()
    route = classify_reagent(reagent)
    nitrogens = amine_nitrogens(diamine)
    protected = _protection(diamine, rules)
    smiles = Chem.MolToSmiles(diamine)
    if len(nitrogens) == 2 and not protected:
        return _free_diamine_route(rules, route, diamine, reagent, nitrogens, notes)
    if len(nitrogens) == 1 and len(protected) == 1:
        if route.first_step == "glyoxal_lactam":
            raise UnsupportedBuildingBlockError(
                f"amine {smiles}: the glyoxal route needs both nitrogens free (it condenses with both at once)"
            )
        return _protected_route(rules, route, diamine, reagent, nitrogens[0], protected[0], notes)
    names = ", ".join(g.name for g in rules.protecting_groups)
    raise UnsupportedBuildingBlockError(
        f"amine {smiles}: expected two N-H amine nitrogens, or one free amine and one protected nitrogen"
        f" ({names}); found {len(nitrogens)} N-H amine nitrogen(s) and {len(protected)} protected"
    )


def _first_step_adducts(first: ReactionRule, labelled_mol: Chem.Mol, reagent: Chem.Mol) -> dict[int, Chem.Mol]:
    adducts: dict[int, Chem.Mol] = {}
    for product in run(first, (labelled_mol, reagent)):
        n_atom = mapped(product, 1)
        if n_atom is not None and n_atom.GetIsotope() > LABEL:
            adducts.setdefault(n_atom.GetIsotope(), product)
    return adducts


def _free_diamine_route(
    rules: SynthesisRules, route: PatternRule, diamine: Chem.Mol, reagent: Chem.Mol,
    nitrogens: tuple[int, ...], notes: tuple[str, ...],
) -> RouteResult:
    labelled_mol = Chem.Mol(diamine)
    for k, atom in enumerate(nitrogens):
        labelled_mol.GetAtomWithIdx(atom).SetIsotope(LABEL + 1 + k)
    first = rules.reactions[route.first_step]
    refs: list[str] = [*route.reference, *first.reference]
    steps = [first.what]
    warnings: list[str] = list(notes)

    adducts: dict[int, Chem.Mol] = {}
    rings: dict[int, _Ring] = {}
    if route.first_step == "glyoxal_lactam":
        for product in run(first, (labelled_mol, reagent)):
            n4, n1, c2 = mapped(product, 1), mapped(product, 2), mapped(product, 4, reactant=1)
            if n4 is not None and n1 is not None and c2 is not None:
                rings.setdefault(n4.GetIsotope(), _Ring(product, n1.GetIdx(), c2.GetIdx()))
        warnings.append(
            "Glyoxal route: the cited preparation (5,7-dimethylhexahydro-1,4-diazepin-2-one) used the glyoxal sodium"
            " hydrogen sulphite adduct and the diamine dihydrochloride; free glyoxal with 1,3-diamines under alkaline"
            " conditions gave complex products (aminals, bis-imines; listed) (lit:jcsc1969)."
        )
    else:
        adducts = _first_step_adducts(first, labelled_mol, reagent)
        if route.closure:
            closure = rules.reactions[route.closure]
            steps.append(closure.what)
            refs.extend(closure.reference)
            for label, adduct in adducts.items():
                other = _OTHER if label == _FREE else _FREE
                ring = _ring_from_closure(closure, adduct, other)
                if ring is not None:
                    rings[label] = ring
    if not adducts and not rings:
        raise UnsupportedBuildingBlockError(
            f"amine {Chem.MolToSmiles(diamine)} with reagent {Chem.MolToSmiles(reagent)}: the {route.id} route gives no product"
        )

    outcome = {label: key_of(r.mol) for label, r in rings.items()} or {label: key_of(m) for label, m in adducts.items()}
    regio, first_label = _regioselectivity(diamine, nitrogens, outcome, route)
    if regio.applies:
        refs.extend(regio.reference_ids)
        if regio.ambiguous:
            warnings.append(f"Ring closure is ambiguous for this unsymmetric diamine: {regio.rule}; {regio.basis}.")
        else:
            warnings.append(f"Unsymmetric diamine: {regio.first_nitrogen} is predicted to react first; {regio.rule}.")
        if route.first_step == "aza_michael":
            warnings.append("The aza-Michael addition is reversible on heating (retro-Michael), which erodes this selectivity.")
    by_label = {LABEL + 1 + k: atom for k, atom in enumerate(nitrogens)}
    benzyl = [label for label, atom in by_label.items() if any(m[0] == atom for m in diamine.GetSubstructMatches(_BENZYL_NH))]
    if benzyl:
        where = "N4" if benzyl[0] == first_label else "N1"
        warnings.append(
            f"The N-benzyl nitrogen is not blocked: it reacts as a secondary amine and ends up as {where} (N-benzyl);"
            " remove the benzyl group afterwards by hydrogenolysis (H2, Pd/C) if the N-H ring is wanted. To fix the"
            " ring isomer, protect as a carbamate (Boc, Cbz) instead."
        )
        steps.append("optional: N-debenzylation by hydrogenolysis (H2, Pd/C)")

    ring = rings.get(first_label)
    adduct = adducts.get(first_label)
    intermediates: list[Compound] = []
    if adduct is not None and route.closure:
        intermediates.append(make_compound(adduct, "intermediate", "first-step adduct (amino ester)", "first step"))
    if ring is not None:
        product = make_compound(ring.mol, "product", "main product", "ring closure")
    else:
        assert adduct is not None
        product = make_compound(adduct, "product", "main product (no ring closure)", "first step")
        warnings.append(
            f"No ring forms on this route: {route.rationale}" if route.first_step == "ester_aminolysis"
            else "The adduct cannot close a lactam ring of five or more atoms."
        )
    if not product.is_target_scaffold:
        warnings.append(_wrong_scaffold_warning(product, route))
        refs.append("docs:acrylate_route")

    side: list[Compound] = []
    isomers = tuple(
        side_compound(rules, route.id, "ring_isomer", r.mol, "ring closure",
                      note=f"formed when {_describe_nitrogen(diamine, by_label[label])} reacts first")
        for label, r in sorted(rings.items())
        if label != first_label and key_of(r.mol) != key_of(rings[first_label].mol)
    ) if ring is not None else ()
    side.extend(isomers)
    side.extend(_ester_route_side_products(rules, route, labelled_mol, reagent, by_label, adducts, first_label, diamine))
    if ring is not None:
        opened = _open_lactam(ring.mol) if route.first_step == "n_acylation" else _open_ring(ring)
        if opened is not None:
            side.append(side_compound(rules, route.id, "hydrolysis_product", opened, "work-up / storage",
                                      note="ring-opened at the lactam bond (C2-N1)"))
    side.extend(_common_side_products(rules, route, labelled_mol, reagent))
    return assemble_result(rules, route, diamine, reagent, steps, intermediates, product, isomers, side, regio, warnings, refs)


def _protected_route(
    rules: SynthesisRules, route: PatternRule, diamine: Chem.Mol, reagent: Chem.Mol, free: int,
    protected: tuple[ProtectingGroup, int], notes: tuple[str, ...],
) -> RouteResult:
    group, protected_n = protected
    labelled_mol = Chem.Mol(diamine)
    labelled_mol.GetAtomWithIdx(free).SetIsotope(_FREE)
    labelled_mol.GetAtomWithIdx(protected_n).SetIsotope(_OTHER)
    first = rules.reactions[route.first_step]
    removal = rules.reactions[group.removal]
    refs: list[str] = [*route.reference, *first.reference, *group.reference, *removal.reference]
    warnings: list[str] = list(notes)
    adducts = _first_step_adducts(first, labelled_mol, reagent)
    adduct = adducts.get(_FREE)
    if adduct is None:
        raise UnsupportedBuildingBlockError(
            f"amine {Chem.MolToSmiles(diamine)} with reagent {Chem.MolToSmiles(reagent)}: the {route.id} route gives no product"
        )
    steps = [f"{first.what} (at the free amine only; the {group.name} nitrogen does not react)",
             f"{removal.what}: {group.removal_conditions}"]
    deprotected = _deprotect(adduct, group, rules)
    if deprotected is None:
        raise UnsupportedBuildingBlockError(f"amine {Chem.MolToSmiles(diamine)}: the {group.name} group could not be removed")
    intermediates = [
        make_compound(adduct, "intermediate", f"first-step adduct ({group.name} still on)", "first step"),
        make_compound(deprotected, "intermediate", "amino ester after deprotection", "deprotection"),
    ]
    ring = None
    if route.closure:
        closure = rules.reactions[route.closure]
        steps.append(closure.what + " (free-base the ammonium salt first)")
        refs.extend(closure.reference)
        ring = _ring_from_closure(closure, deprotected, _OTHER)
    regio = Regioselectivity(
        True, False,
        f"the free amine ({_describe_nitrogen(diamine, free)})",
        f"protection fixes the ring isomer: only the free amine reacts in the first step and becomes N4; the {group.name}"
        " nitrogen closes the lactam as N1 after deprotection",
        group.rationale,
        group.reference,
    )
    if ring is not None:
        product = make_compound(ring.mol, "product", "main product", "ring closure")
    else:
        product = make_compound(deprotected, "product", "main product (no ring closure)", "deprotection")
        warnings.append(
            f"No ring forms on this route: {route.rationale}" if route.first_step == "ester_aminolysis"
            else "The deprotected adduct cannot close a lactam ring of five or more atoms."
        )
    if not product.is_target_scaffold:
        warnings.append(_wrong_scaffold_warning(product, route))
        refs.append("docs:acrylate_route")
    side: list[Compound] = [
        side_compound(rules, route.id, "protected_intermediate", adduct, "deprotection"),
    ]
    if route.closure:
        side.append(side_compound(rules, route.id, "amino_ester", deprotected, "ring closure"))
    for double in run(first, (adduct, reagent)):
        gained = _n_units(diamine, {_FREE: free, _OTHER: protected_n}, double)
        if gained[_FREE] >= 2:
            side.append(side_compound(rules, route.id, "double_adduct", double, "first step",
                                      note="over-alkylation: both units on the free amine (the protected N cannot react)"))
    if route.closure and ring is not None:
        side.extend(_oligomers(rules, route, deprotected, _OTHER))
        side.append(side_compound(rules, route.id, "hydrolysis_product", _open_ring(ring), "work-up / storage",
                                  note="ring-opened at the lactam bond (C2-N1); same as hydrolysis of the amino ester"))
    side.extend(_common_side_products(rules, route, labelled_mol, reagent))
    return assemble_result(rules, route, diamine, reagent, steps, intermediates, product, (), side, regio, warnings, refs)


def assemble_result(
    rules: SynthesisRules, route: PatternRule, amine: Chem.Mol, reagent: Chem.Mol, steps: list[str],
    intermediates: list[Compound], product: Compound, isomers: tuple[Compound, ...], side: list[Compound],
    regio: Regioselectivity, warnings: list[str], refs: list[str], route_id: str = "",
) -> RouteResult:
    """Assemble a :class:`RouteResult`: side products unique, expected ones first; warnings and references once."""
    for compound in side:
        refs.extend(rules.side_products[compound.key].reference)
    unique: dict[tuple[str, str], Compound] = {}
    for compound in side:
        if compound.smiles != product.smiles:
            unique.setdefault((compound.key, compound.smiles), compound)
    ordered = sorted(unique.values(), key=lambda c: c.likelihood != "expected")
    return RouteResult(
        route=route_id or route.id,
        amine=Chem.MolToSmiles(amine),
        reagent=Chem.MolToSmiles(reagent),
        steps=tuple(steps),
        intermediates=tuple(intermediates),
        product=product,
        ring_isomers=isomers,
        side_products=tuple(ordered),
        regioselectivity=regio,
        warnings=tuple(dict.fromkeys(warnings)),
        references=tuple(dict.fromkeys(refs)),
    )


def _oligomers(rules: SynthesisRules, route: PatternRule, adduct: Chem.Mol, closing: int) -> list[Compound]:
    """Cyclic dimer and linear dimer/trimer of the amino ester (intermolecular aminolysis by the closing N)."""
    out: list[Compound] = []
    aminolysis = rules.reactions["ester_aminolysis"]
    if route.cyclic_dimer:
        dimer_rule = rules.reactions[route.cyclic_dimer]
        for dimer in run(dimer_rule, (adduct, adduct)):
            out.append(side_compound(rules, route.id, "cyclic_dimer", dimer, "ring closure", scaffold=dimer_rule.scaffold,
                                     name=f"head-to-tail cyclic dimer ({dimer_rule.scaffold})"))
    dimers = [d for d in run(aminolysis, (adduct, adduct)) if (mapped(d, 1) or _DUMMY_ATOM).GetIsotope() == closing]
    for dimer in dimers:
        out.append(side_compound(rules, route.id, "linear_dimer", dimer, "ring closure"))
        for trimer in run(aminolysis, (dimer, adduct)):
            if (mapped(trimer, 1) or _DUMMY_ATOM).GetIsotope() == closing:
                out.append(side_compound(rules, route.id, "linear_trimer", trimer, "ring closure"))
    return out


def _ester_route_side_products(
    rules: SynthesisRules, route: PatternRule, labelled_mol: Chem.Mol, reagent: Chem.Mol,
    by_label: dict[int, int], adducts: dict[int, Chem.Mol], first_label: int, diamine: Chem.Mol,
) -> list[Compound]:
    """Side products of the ester routes (amino ester, over-alkylation, bis-amide, dimers, benzimidazole)."""
    out: list[Compound] = []
    first = rules.reactions[route.first_step]
    aminolysis = rules.reactions["ester_aminolysis"]
    if route.first_step == "glyoxal_lactam":
        for key, rule_id, step in (("glyoxal_bis_imine", "glyoxal_bis_imine", "first step"),
                                   ("glyoxal_aminal", "glyoxal_aminal", "first step")):
            for mol in run(rules.reactions[rule_id], (labelled_mol, labelled_mol, reagent)):
                out.append(side_compound(rules, route.id, key, mol, step))
        return out
    adduct = adducts.get(first_label)
    if adduct is None:
        return out
    acylation = route.first_step == "n_acylation"
    if route.closure:
        out.append(side_compound(rules, route.id, "open_chain_haloacetamide" if acylation else "amino_ester", adduct,
                                 "first step"))
    aryl = {label for label, atom in by_label.items() if (amine_class(diamine, atom) or _DUMMY_CLASS).id == "aryl_amine"}
    has_alkyl_amine = len(aryl) < len(by_label)
    for mono in adducts.values() if route.closure else ():
        for double in run(first, (mono, reagent)):
            gained = _n_units(diamine, by_label, double)
            if has_alkyl_amine and any(gained[label] for label in aryl):
                continue  # an aniline N is not alkylated while an alkylamine N-H is still free
            if acylation:
                out.append(side_compound(rules, route.id, "bis_amide", double, "first step",
                                         note="N,N'-bis(haloacetyl): acyl halides acylate both amines fast"))
                continue
            kind = ("over-alkylation: both units on one nitrogen" if max(gained.values()) >= 2
                    else "one unit on each nitrogen")
            out.append(side_compound(rules, route.id, "double_adduct", double, "first step", note=kind))
    for mono in adducts.values() if acylation else ():
        for benzimidazole in run(rules.reactions["benzimidazole_closure"], (mono,)):
            out.append(side_compound(rules, route.id, "benzimidazole", benzimidazole, "first step / ring closure",
                                     note="from the o-aminoanilide formed by acylation at one aryl NH2"))
    for mono in run(aminolysis, (labelled_mol, reagent)):
        for bis in run(aminolysis, (mono, reagent)):
            if all(g == 1 for g in _n_units(diamine, by_label, bis).values()):
                out.append(side_compound(rules, route.id, "bis_amide", bis, "first step"))
        for benzimidazole in run(rules.reactions["benzimidazole_closure"], (mono,)):
            out.append(side_compound(rules, route.id, "benzimidazole", benzimidazole, "first step / ring closure",
                                     note="from the o-aminoanilide formed by ester aminolysis at one aryl NH2"))
    if route.closure and not acylation:
        closing = _OTHER if first_label == _FREE else _FREE
        out.extend(_oligomers(rules, route, adduct, closing))
    return out


def _common_side_products(rules: SynthesisRules, route: PatternRule, labelled_mol: Chem.Mol, reagent: Chem.Mol) -> list[Compound]:
    """Reagent-derived and reagent-quality side products (polyacrylate, CO2 adduct, HX salt, reagent dimer)."""
    out: list[Compound] = []
    if route.id == "acrylate_ester":
        for unit in run(rules.reactions["polymer_repeat_unit"], (reagent,)):
            out.append(side_compound(rules, route.id, "polyacrylate", unit, "first step"))
    if route.id == "glycine_ester":
        dimer_rule = rules.reactions["dimer_glycine_unit"]
        for dimer in run(dimer_rule, (reagent, reagent)):
            out.append(side_compound(rules, route.id, "reagent_dimer", dimer, "storage / first step", scaffold=dimer_rule.scaffold,
                                     name=f"glycine ester self-condensation: {dimer_rule.scaffold}"))
    if route.id in ("haloacetate_ester", "haloacetyl_halide"):
        halogen = next(a.GetSymbol() for a in reagent.GetAtoms() if a.GetSymbol() in ("Cl", "Br", "I"))
        salt = Chem.MolFromSmiles(f"{Chem.MolToSmiles(clean(labelled_mol))}.{halogen}")
        name = {"Cl": "chloride", "Br": "bromide", "I": "iodide"}[halogen]
        out.append(side_compound(rules, route.id, "hydrohalide_salt", salt, "first step",
                                 name=f"diamine hydro{name} salt (mono-salt)"))
    carbamates = run(rules.reactions["co2_uptake"], (labelled_mol,))
    if carbamates:
        out.append(side_compound(rules, route.id, "diamine_carbamate", carbamates[0], "reagents",
                                 note="shown as the carbamic acid; isolated as the ammonium carbamate salt"))
    return out

"""1,3-Dihydro-1,4-benzodiazepin-2-ones from 2-aminoaryl ketones (Sternbach-type), and their follow-up steps.

Two ways in (lit:sternbach1962, lit:archer_sternbach1968):

- glycine (or alpha-amino) ester, as its hydrochloride, in pyridine at reflux: the
  aniline N becomes N1, the ester carbonyl C2, the amino-ester alpha carbon C3, its
  N the imine N4 and the ketone carbon C5;
- haloacetyl halide (N-acylation), then ammonia (glycinamide), then ring closure to
  the 4,5-azomethine.

Follow-up steps: N1-alkylation (nordazepam -> diazepam) and reduction of the
azomethine to the 1,3,4,5-tetrahydro ring (N1 first: a free N4 amine would take the
alkyl group).

>>> route = plan_benzodiazepinone_route(Chem.MolFromSmiles("Nc1ccc(Cl)cc1C(=O)c1ccccc1"), Chem.MolFromSmiles("NCC(=O)OCC"))
>>> route.product.smiles, route.product.scaffold
('O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1', '1,3-dihydro-2H-1,4-benzodiazepin-2-one')
"""

from __future__ import annotations

from rdkit import Chem

from ..molecule import quiet_rdkit
from .chem import classify_reagent, clean, make_compound, run_clean, side_compound
from .results import Compound, Regioselectivity, RouteResult, UnsupportedBuildingBlockError
from .routes import assemble_result
from .ruledata import ReactionRule, SynthesisRules, load_synthesis_rules

__all__ = ["plan_benzodiazepinone_route", "plan_4_oxide_route"]

_C3 = Chem.MolFromSmarts("[CX4;R](-[CX3;R](=O)-[#7;R])-[#7;R]=[#6;R]")  # C3 of a 4,5-azomethine ring
_C5_REDUCED = Chem.MolFromSmarts("[CX4;R;H1](-c)(-[#7;R;H1])")
_ROUTE_REFS = ("lit:sternbach1962", "lit:archer_sternbach1968")


def _one(rule: ReactionRule, reactants: tuple[Chem.Mol, ...], what: str) -> Chem.Mol:
    products = run_clean(rule, reactants)
    if not products:
        raise UnsupportedBuildingBlockError(what)
    return products[0]


def _c3_stereo(mol: Chem.Mol) -> int | None:
    """Index of a C3 with an assigned configuration, else None."""
    for match in mol.GetSubstructMatches(_C3):
        atom = mol.GetAtomWithIdx(match[0])
        if atom.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED:
            return match[0]
    return None


def _inverted(mol: Chem.Mol, atom: int) -> Chem.Mol:
    out = Chem.Mol(mol)
    out.GetAtomWithIdx(atom).InvertChirality()
    with quiet_rdkit():
        Chem.AssignStereochemistry(out, cleanIt=True, force=True)
    return out


def _c3_is_stereocentre(mol: Chem.Mol) -> bool:
    with quiet_rdkit():
        centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
    c3 = {m[0] for m in mol.GetSubstructMatches(_C3)}
    return any(idx in c3 for idx, _ in centres)


def plan_benzodiazepinone_route(
    ketone: Chem.Mol, reagent: Chem.Mol, notes: tuple[str, ...] = (),
    n1_alkylating_agent: Chem.Mol | None = None, reduce_imine: bool = False, c3_oxygen: str | None = None,
) -> RouteResult:
    """The Sternbach-type route from a 2-aminoaryl ketone, with optional N1-alkylation, imine reduction, or C3
    acetoxylation (``c3_oxygen`` ``3-acetoxy``; ``3-hydroxy`` adds the hydrolysis: lit:cepanec2006).

    >>> r = plan_benzodiazepinone_route(Chem.MolFromSmiles("Nc1ccc(Cl)cc1C(=O)c1ccccc1"),
    ...     Chem.MolFromSmiles("NCC(=O)OCC"), n1_alkylating_agent=Chem.MolFromSmiles("CI"))
    >>> r.product.smiles, [c.smiles for c in r.intermediates]
    ('CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21', ['O=C1CN=C(c2ccccc2)c2cc(Cl)ccc2N1'])
    """
    rules = load_synthesis_rules()
    route = classify_reagent(reagent)
    ketone_smiles, reagent_smiles = Chem.MolToSmiles(ketone), Chem.MolToSmiles(reagent)
    warnings: list[str] = list(notes)
    refs: list[str] = list(_ROUTE_REFS)
    side: list[Compound] = []
    intermediates: list[Compound] = []
    route_id = f"benzodiazepinone_{route.id}"
    if route.id == "glycine_ester":
        condensation = rules.reactions["sternbach_condensation"]
        ring = _one(condensation, (ketone, reagent),
                    f"reagent {reagent_smiles}: the amino ester's N must be a primary NH2 to become the imine N4"
                    " (an N-substituted amino ester cannot form the neutral 4,5-azomethine)")
        steps = [f"{condensation.what}"]
        refs.extend(condensation.reference)
        for open_chain in run_clean(rules.reactions["aminoketone_glycinamide"], (ketone, reagent)):
            side.append(side_compound(rules, route_id, "glycinamide", open_chain, "ring closure",
                                      note="aminolysis without imine formation; also the azomethine-opened form of the product in aqueous acid"))
        for dimer in run_clean(rules.reactions["dimer_glycine_unit"], (reagent, reagent)):
            side.append(side_compound(rules, route_id, "reagent_dimer", dimer, "storage / first step",
                                      scaffold="piperazine-2,5-dione", name="amino ester self-condensation: piperazine-2,5-dione"))
    elif route.id == "haloacetyl_halide":
        acylation = rules.reactions["haloacetylation"]
        amination = rules.reactions["haloacetamide_amination"]
        closure = rules.reactions["glycinamide_cyclization"]
        haloamide = _one(acylation, (ketone, reagent), f"amine {ketone_smiles}: the aniline N could not be acylated")
        glycinamide = _one(amination, (haloamide,), "the haloacetamide has no displaceable halide")
        ring = _one(closure, (glycinamide,), "the glycinamide cannot close to the azomethine")
        steps = [acylation.what, amination.what, closure.what]
        refs.extend([*acylation.reference, *amination.reference, *closure.reference])
        intermediates += [
            make_compound(haloamide, "intermediate", "2-(haloacetamido)aryl ketone", "N-acylation"),
            make_compound(glycinamide, "intermediate", "2-(aminoacetamido)aryl ketone (glycinamide)", "amination"),
        ]
        side.append(side_compound(rules, route_id, "haloacetamide", haloamide, "amination"))
        side.append(side_compound(rules, route_id, "glycinamide", glycinamide, "ring closure",
                                  note="also the azomethine-opened form of the product in aqueous acid"))
        for dimer in run_clean(rules.reactions["ammonia_over_alkylation"], (glycinamide, haloamide)):
            side.append(side_compound(rules, route_id, "ammonia_over_alkylation", dimer, "amination"))
        for source in (haloamide, glycinamide):
            for quinazoline in run_clean(rules.reactions["quinazoline_closure"], (source,)):
                side.append(side_compound(rules, route_id, "quinazoline", quinazoline, "amination"))
        if _c3_is_stereocentre(ring):
            warnings.append(
                "C3 is a stereocentre made by SN2 of ammonia at the alpha-halo carbon: the product is racemic unless an"
                " enantiopure halide is used, and even then C3 racemizes easily (lit:carlier2003)."
            )
    else:
        raise UnsupportedBuildingBlockError(
            f"reagent {reagent_smiles}: with a 2-aminoaryl ketone use an alpha-amino ester (condensation in pyridine)"
            " or a haloacetyl halide (then ammonia); a haloacetate ester, acrylate or glyoxal does not give a"
            " benzodiazepin-2-one"
        )

    stereo = _c3_stereo(ring)
    if stereo is not None:
        side.append(side_compound(rules, route_id, "c3_enantiomer", _inverted(ring, stereo), "ring closure"))
        warnings.append(
            "C3 comes from the amino acid's alpha carbon: the condensation makes no bond to it, so its configuration is"
            " kept (as drawn), but C3-H is acidic (alpha to the lactam C=O, next to the imine N): expect partial"
            " racemization in hot pyridine and under the base of an N1-alkylation; check the ee (lit:carlier2003;"
            " lit:boojamra1997)."
        )
        refs += ["lit:carlier2003", "lit:boojamra1997", "docs:stereochemistry"]
    elif route.id == "glycine_ester" and _c3_is_stereocentre(ring):
        warnings.append(
            "C3 is a stereocentre whose configuration was not given: draw the amino ester with its configuration"
            " (L-amino acids give the (S) product as drawn) or expect the racemate."
        )

    final = ring
    if n1_alkylating_agent is not None:
        agent = clean(n1_alkylating_agent)
        alkylation = rules.reactions["n1_alkylation"]
        products = run_clean(alkylation, (final, agent))
        if not products:
            raise UnsupportedBuildingBlockError(
                f"--n1-alkylate {Chem.MolToSmiles(agent)}: N1 already carries a substituent, or the agent is not an"
                " alkyl halide or sulfate"
            )
        intermediates.append(make_compound(final, "intermediate", "N1-H benzodiazepin-2-one", "ring closure"))
        steps.append(alkylation.what)
        refs.extend(alkylation.reference)
        for o_alkyl in run_clean(rules.reactions["o_alkylation"], (final, agent)):
            side.append(side_compound(rules, route_id, "o_alkylation", o_alkyl, "N1-alkylation"))
        final = products[0]
        for c_alkyl in run_clean(rules.reactions["c3_alkylation"], (final, agent)):
            side.append(side_compound(rules, route_id, "c3_alkylation", c_alkyl, "N1-alkylation"))
        if stereo is not None and _c3_stereo(final) is not None:
            c3 = _c3_stereo(final)
            assert c3 is not None
            side.append(side_compound(rules, route_id, "c3_enantiomer", _inverted(final, c3), "N1-alkylation"))
    if c3_oxygen is not None:
        final = _c3_oxygenated(rules, route_id, final, c3_oxygen, n1_alkylating_agent is not None, reduce_imine,
                               steps, intermediates, side, warnings, refs)
    if reduce_imine:
        reduction = rules.reactions["imine_reduction"]
        products = run_clean(reduction, (final,))
        if not products:
            raise UnsupportedBuildingBlockError("--reduce-imine: the product has no 4,5-azomethine to reduce")
        intermediates.append(make_compound(final, "intermediate", "benzodiazepin-2-one before reduction", "previous step"))
        steps.append(reduction.what + (" (after the N1-alkylation: a free N4 amine would be alkylated first)"
                                       if n1_alkylating_agent is not None else ""))
        refs.extend(reduction.reference)
        reduced = products[0]
        for over in run_clean(rules.reactions["lactam_over_reduction"], (reduced,)):
            side.append(side_compound(rules, route_id, "lactam_over_reduction", over, "imine reduction"))
        if reduced.HasSubstructMatch(_C5_REDUCED):
            if _c3_stereo(reduced) is not None:
                for isomer in _c5_diastereomers(reduced):
                    side.append(side_compound(rules, route_id, "c5_epimer", isomer, "imine reduction"))
            else:
                warnings.append("The reduction makes C5 a stereocentre: an achiral reductant gives the racemate.")
        final = reduced

    last = ("imine reduction" if reduce_imine else {"3-acetoxy": "C3 acetoxylation", "3-hydroxy": "acetate hydrolysis",
                                                    "3-methoxy": "alcoholysis", "3-ethoxy": "alcoholysis"}.get(
        c3_oxygen or "", "N1-alkylation" if n1_alkylating_agent is not None else "ring closure"))
    product = make_compound(final, "product", "main product", last)
    regio = Regioselectivity(
        False, False, "fixed by the route",
        "the route fixes the ring atoms: the aniline N becomes N1, the ketone carbon C5, and the "
        + ("amino ester N" if route.id == "glycine_ester" else "ammonia N") + " the imine N4",
        "no choice between nitrogens", (),
    )
    return assemble_result(rules, route, ketone, reagent, steps, intermediates, product, (), side, regio, warnings, refs,
                           route_id=route_id)


def _c3_oxygenated(rules: SynthesisRules, route_id: str, ring: Chem.Mol, c3_oxygen: str, n1_alkylated: bool,
                  reduce_imine: bool, steps: list[str], intermediates: list[Compound], side: list[Compound],
                  warnings: list[str], refs: list[str]) -> Chem.Mol:
    """The ring acetoxylated at C3 and, for ``3-hydroxy``, saponified (lit:cepanec2006); the steps, intermediates,
    side products, warnings and references are added to the route's lists."""
    if c3_oxygen not in C3_OXYGEN_GROUPS:
        raise ValueError(f"c3_oxygen must be one of {tuple(C3_OXYGEN_GROUPS)}, got {c3_oxygen!r}")
    if reduce_imine:
        raise UnsupportedBuildingBlockError("C3 acetoxylation needs the 4,5-azomethine: it cannot follow an imine reduction")
    acetoxylation = rules.reactions["c3_acetoxylation"]
    acetate = _one(acetoxylation, (ring,), "C3 acetoxylation: the ring has no C3H2 next to the 4,5-azomethine")
    intermediates.append(make_compound(ring, "intermediate", "3-unsubstituted benzodiazepin-2-one", "ring closure"))
    side.append(side_compound(rules, route_id, "c3_unoxidized_ring", ring, "C3 acetoxylation"))
    steps.append(acetoxylation.what)
    refs.extend([*acetoxylation.reference, "lit:oxazepam_racemization", "docs:stereochemistry"])
    if n1_alkylated:
        warnings.append("The C3 acetoxylation was shown on N1-H rings (oxazepam, lorazepam: lit:cepanec2006); on an"
                        " N1-alkyl ring it is an assumption.")
    warnings.append(_racemic_c3("acetoxylation"))
    if c3_oxygen == "3-acetoxy":
        return acetate
    hydroxy, hydrolysis = _saponified(rules, route_id, acetate, "C3 acetoxylation", steps, intermediates, side)
    refs.extend(hydrolysis.reference)
    alcohol = C3_OXYGEN_GROUPS[c3_oxygen]
    if not alcohol:
        return hydroxy
    alcoholysis = rules.reactions["c3_alcoholysis"]
    ether = _one(alcoholysis, (hydroxy, Chem.MolFromSmiles(alcohol)), "the 3-hydroxy ring does not exchange its OH")
    intermediates.append(make_compound(hydroxy, "intermediate", "3-hydroxy ring", "acetate hydrolysis"))
    side.append(side_compound(rules, route_id, "hydroxy_unexchanged", hydroxy, "alcoholysis"))
    steps.append(f"{alcoholysis.what}: {alcohol}")
    refs.extend(alcoholysis.reference)
    return ether


def _saponified(rules: SynthesisRules, route_id: str, acetate: Chem.Mol, made_by: str, steps: list[str],
                intermediates: list[Compound], side: list[Compound]) -> tuple[Chem.Mol, ReactionRule]:
    """The 3-hydroxy ring from its 3-acetate (made in the step ``made_by``), and the hydrolysis rule; the step, the
    acetate as intermediate and as side product, and the ring-contraction aldehyde of an acidic work-up are added to
    the route's lists."""
    hydrolysis = rules.reactions["acetate_hydrolysis"]
    hydroxy = _one(hydrolysis, (acetate,), "the 3-acetate does not sit on the ring's C3")
    intermediates.append(make_compound(acetate, "intermediate", "3-acetoxy ring", made_by))
    side.append(side_compound(rules, route_id, "acetoxy_intermediate", acetate, "acetate hydrolysis"))
    steps.append(hydrolysis.what)
    for aldehyde in run_clean(rules.reactions["hydroxy_ring_contraction"], (hydroxy,)):
        side.append(side_compound(rules, route_id, "quinazoline_carboxaldehyde", aldehyde, "work-up"))
    return hydroxy, hydrolysis


def _racemic_c3(step: str) -> str:
    """The warning of every route that makes C3 an oxygen-bearing stereocentre."""
    return (f"C3 becomes a stereocentre in the {step}: the product is racemic, and a 3-hydroxy or 3-acyloxy ring"
            " racemizes in water near neutral pH as well (lit:oxazepam_racemization).")


#: What ``c3_oxygen`` can put on C3, and the alcohol of the last step for the ethers (lit:yang1996_alcoholysis).
C3_OXYGEN_GROUPS = {"3-acetoxy": "", "3-hydroxy": "", "3-methoxy": "CO", "3-ethoxy": "CCO"}

FOUR_OXIDE_PRODUCTS = ("4-oxide", "3-acetoxy", "3-hydroxy")


def plan_4_oxide_route(ketone: Chem.Mol, reagent: Chem.Mol, notes: tuple[str, ...] = (),
                       product: str = "3-hydroxy") -> RouteResult:
    """The 3-hydroxy (oxazepam-type) ring through the 4-oxide: the 2-aminoaryl ketone's oxime and a haloacetyl halide
    give a 2-halomethylquinazoline 3-oxide, hydroxide expands it to the benzodiazepin-2-one 4-oxide, acetic anhydride
    rearranges that to the 3-acetoxy ring, and mild hydrolysis gives the 3-hydroxy ring (lit:archer_sternbach1968;
    lit:childress1964). ``product`` says where the route stops: ``4-oxide`` (demoxepam type), ``3-acetoxy`` or
    ``3-hydroxy``.

    >>> route = plan_4_oxide_route(Chem.MolFromSmiles("Nc1ccc(Cl)cc1C(=O)c1ccccc1"), Chem.MolFromSmiles("ClCC(=O)Cl"))
    >>> route.product.smiles, [c.name for c in route.intermediates][1:3]
    ('O=C1Nc2ccc(Cl)cc2C(c2ccccc2)=NC1O', ['2-halomethylquinazoline 3-oxide', 'benzodiazepin-2-one 4-oxide'])
    """
    rules = load_synthesis_rules()
    route = classify_reagent(reagent)
    ketone_smiles, reagent_smiles = Chem.MolToSmiles(ketone), Chem.MolToSmiles(reagent)
    if route.id != "haloacetyl_halide":
        raise UnsupportedBuildingBlockError(
            f"reagent {reagent_smiles}: the 4-oxide route needs a haloacetyl halide (chloroacetyl chloride), which"
            " closes the quinazoline 3-oxide"
        )
    if product not in FOUR_OXIDE_PRODUCTS:
        raise ValueError(f"product must be one of {FOUR_OXIDE_PRODUCTS}, got {product!r}")
    route_id = "benzodiazepinone_4_oxide"
    names = ("ketone_oxime", "quinazoline_n_oxide_closure", "quinazoline_n_oxide_expansion", "n_oxide_acetoxylation")
    oxime_rule, closure, expansion, rearrangement = (rules.reactions[name] for name in names)
    oxime = _one(oxime_rule, (ketone,), f"amine {ketone_smiles}: the 4-oxide route needs a primary 2-aminoaryl"
                 " ketone (its NH2 becomes N1 through the quinazoline)")
    n_oxide = _one(closure, (oxime, reagent), f"amine {ketone_smiles}: the oxime does not close to a quinazoline 3-oxide"
                   " with this halide")
    expanded = _one(expansion, (n_oxide,), "the quinazoline 3-oxide has no halomethyl group to expand the ring with")
    steps = [oxime_rule.what, closure.what, expansion.what]
    rules_used = [oxime_rule, closure, expansion]
    intermediates = [
        make_compound(oxime, "intermediate", "2-aminoaryl ketone oxime", "oxime formation"),
        make_compound(n_oxide, "intermediate", "2-halomethylquinazoline 3-oxide", "quinazoline closure"),
    ]
    side = [side_compound(rules, route_id, "quinazoline_n_oxide", n_oxide, "ring expansion")]
    final, last = expanded, "ring expansion"
    if product != "4-oxide":
        acetate = _one(rearrangement, (expanded,), "the 4-oxide has no C3H2 for the acetic anhydride rearrangement")
        steps.append(rearrangement.what)
        rules_used.append(rearrangement)
        intermediates.append(make_compound(expanded, "intermediate", "benzodiazepin-2-one 4-oxide", "ring expansion"))
        side.append(side_compound(rules, route_id, "benzodiazepinone_4_oxide", expanded, "acetic anhydride rearrangement"))
        final, last = acetate, "acetic anhydride rearrangement"
    if product == "3-hydroxy":
        final, hydrolysis = _saponified(rules, route_id, acetate, "acetic anhydride rearrangement", steps,
                                        intermediates, side)
        rules_used.append(hydrolysis)
        last = "acetate hydrolysis"
    warnings = [*notes] + ([] if product == "4-oxide" else [_racemic_c3("rearrangement")])
    refs = ["lit:archer_sternbach1968", "lit:childress1964",
            *(() if product == "4-oxide" else ("lit:oxazepam_racemization", "docs:stereochemistry")),
            *(r for rule in rules_used for r in rule.reference)]
    main = make_compound(final, "product", "main product", last)
    regio = Regioselectivity(
        False, False, "fixed by the route",
        "the route fixes the ring atoms: the aniline N becomes N1, the oxime N the N-oxide N4, the ketone carbon C5,"
        " the halide's carbonyl C2 and its halomethyl carbon C3",
        "no choice between nitrogens", (),
    )
    return assemble_result(rules, route, ketone, reagent, steps, intermediates, main, (), side, regio, warnings, refs,
                           route_id=route_id)


def _c5_diastereomers(mol: Chem.Mol) -> list[Chem.Mol]:
    """Both C5 configurations of a reduced ring whose C3 is assigned."""
    out = []
    for match in mol.GetSubstructMatches(_C5_REDUCED):
        for tag in (Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW):
            isomer = Chem.Mol(mol)
            isomer.GetAtomWithIdx(match[0]).SetChiralTag(tag)
            with quiet_rdkit():
                Chem.AssignStereochemistry(isomer, cleanIt=True, force=True)
            out.append(isomer)
    return out

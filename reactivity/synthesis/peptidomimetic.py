"""The amino-acid (peptidomimetic) route: N-protected aminoaldehyde + alpha-amino ester.

Reductive amination joins the amino ester N (N4) to the aldehyde carbon (C5); the
protecting group comes off and the liberated nitrogen (N1) closes the lactam on the
ester (C2). The amino acid's alpha carbon becomes C3 with its side chain and
configuration (no bond to it is made), which is why this route suits C3-substituted,
enantiopure rings (lit:abdel_magid1996 for the reductive amination).

>>> route = plan_amino_acid_route(Chem.MolFromSmiles("CC(C)(C)OC(=O)NCCC=O"), Chem.MolFromSmiles("C[C@H](N)C(=O)OC"))
>>> route.product.smiles, route.steps[1].split(":")[0]
('C[C@@H]1NCCCNC1=O', 'Boc removal (acidolysis')
"""

from __future__ import annotations

from rdkit import Chem

from .chem import LABEL, classify_reagent, make_compound, run, side_compound
from .results import Compound, Regioselectivity, RouteResult, UnsupportedBuildingBlockError
from .routes import _deprotect, _oligomers, _open_ring, _protection, _ring_from_closure, assemble_result
from .ruledata import load_synthesis_rules

__all__ = ["plan_amino_acid_route"]

_CLOSING = LABEL + 2
_STEREO_C3 = Chem.MolFromSmarts("[CX4;R](-[#7;R])-[CX3;R](=O)-[#7;R]")


def plan_amino_acid_route(aldehyde: Chem.Mol, reagent: Chem.Mol, notes: tuple[str, ...] = ()) -> RouteResult:
    """Reductive amination, deprotection and lactamization; products, intermediates and side products."""
    rules = load_synthesis_rules()
    route = classify_reagent(reagent)
    smiles = Chem.MolToSmiles(aldehyde)
    if route.id != "glycine_ester":
        raise UnsupportedBuildingBlockError(
            f"reagent {Chem.MolToSmiles(reagent)}: an N-protected aminoaldehyde takes an alpha-amino ester"
            " (reductive amination, deprotection, lactamization)"
        )
    protected = _protection(aldehyde, rules)
    if len(protected) != 1:
        raise UnsupportedBuildingBlockError(
            f"amine {smiles}: the aldehyde must carry exactly one protected nitrogen (Boc, Cbz, Fmoc, N,N-dibenzyl)"
            f" to become N1; found {len(protected)}"
        )
    group, nitrogen = protected[0]
    labelled = Chem.Mol(aldehyde)
    labelled.GetAtomWithIdx(nitrogen).SetIsotope(_CLOSING)
    amination = rules.reactions["reductive_amination"]
    removal = rules.reactions[group.removal]
    closure = rules.reactions["lactamization"]
    adducts = run(amination, (labelled, reagent))
    if not adducts:
        raise UnsupportedBuildingBlockError(f"amine {smiles} with reagent {Chem.MolToSmiles(reagent)}: no reductive amination product")
    adduct = adducts[0]
    deprotected = _deprotect(adduct, group, rules)
    if deprotected is None:
        raise UnsupportedBuildingBlockError(f"amine {smiles}: the {group.name} group could not be removed")
    ring = _ring_from_closure(closure, deprotected, _CLOSING)
    steps = [amination.what, f"{removal.what}: {group.removal_conditions}", closure.what + " (free-base, dilute)"]
    refs = [*amination.reference, *group.reference, *removal.reference, *closure.reference]
    warnings = list(notes)
    intermediates = [
        make_compound(adduct, "intermediate", f"reductive amination product ({group.name} still on)", "reductive amination"),
        make_compound(deprotected, "intermediate", "amino ester after deprotection", "deprotection"),
    ]
    if ring is None:
        product = make_compound(deprotected, "product", "main product (no ring closure)", "deprotection")
        warnings.append("The deprotected amino ester cannot close a lactam ring of five or more atoms.")
    else:
        product = make_compound(ring.mol, "product", "main product", "ring closure")
    if not product.is_target_scaffold:
        warnings.append(
            f"This route gives {product.scaffold} ({product.smiles}), not a 1,4-diazepan-2-one: the protected nitrogen"
            " must sit three carbons from the aldehyde carbon (an N-protected 3-aminopropanal) for the seven-membered ring."
        )
    route_id = "amino_acid"
    side: list[Compound] = [side_compound(rules, route_id, "protected_intermediate", adduct, "deprotection")]
    side.append(side_compound(rules, route_id, "amino_ester", deprotected, "ring closure"))
    for double in run(rules.reactions["reductive_dialkylation"], (labelled, adduct)):
        side.append(side_compound(rules, route_id, "reductive_dialkylation", double, "reductive amination"))
    for alcohol in run(rules.reactions["aldehyde_reduction"], (aldehyde,)):
        side.append(side_compound(rules, route_id, "aldehyde_reduction", alcohol, "reductive amination"))
    for dimer in run(rules.reactions["dimer_glycine_unit"], (reagent, reagent)):
        side.append(side_compound(rules, route_id, "reagent_dimer", dimer, "reductive amination",
                                  scaffold="piperazine-2,5-dione", name="amino ester self-condensation: piperazine-2,5-dione"))
    if ring is not None:
        side.extend(_oligomers(rules, route, deprotected, _CLOSING))
        side.append(side_compound(rules, route_id, "hydrolysis_product", _open_ring(ring), "work-up / storage"))
        final = Chem.MolFromSmiles(product.smiles)
        for match in final.GetSubstructMatches(_STEREO_C3):
            atom = final.GetAtomWithIdx(match[0])
            if atom.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED:
                flipped = Chem.Mol(final)
                flipped.GetAtomWithIdx(match[0]).InvertChirality()
                side.append(side_compound(rules, route_id, "c3_enantiomer", flipped, "ring closure"))
                warnings.append(
                    "C3 keeps the amino acid's configuration (no bond to it is made), but it is alpha to the lactam C=O:"
                    " base and heat during the ring closure can epimerize it; check the ee (docs:stereochemistry)."
                )
                refs.append("docs:stereochemistry")
    regio = Regioselectivity(
        False, False, "fixed by the route",
        f"the route fixes the ring atoms: the amino ester N becomes N4, the aldehyde carbon C5, the {group.name} nitrogen N1",
        "no choice between nitrogens", (),
    )
    return assemble_result(rules, route, aldehyde, reagent, steps, intermediates, product, (), side, regio, warnings, refs,
                           route_id=route_id)

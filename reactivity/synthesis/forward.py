"""The forward entry point: pick the route from the building blocks and run it.

>>> route = plan_route_smiles("NCCN", "C=CC(=O)OC")        # the acrylate route
>>> route.product.smiles, route.product.scaffold, route.product.is_target_scaffold
('O=C1CCNCCN1', '1,4-diazepan-5-one', False)
>>> route = plan_route_smiles("NCCCN", "BrCC(=O)OCC")
>>> route.product.scaffold, round(route.product.mz_mh, 4)
('1,4-diazepan-2-one', 115.0866)
>>> [c.smiles for c in route.side_products if c.key == "cyclic_dimer"]
['NCCCN1CC(=O)N(CCCN)CC1=O']
>>> plan_route_smiles("Nc1ccc(Cl)cc1C(=O)c1ccccc1", "Cl.NCC(=O)OCC", n1_alkylating_agent="CI").product.smiles
'CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21'
"""

from __future__ import annotations

from rdkit import Chem

from ..molecule import as_read, mol_from_smiles
from .benzo import plan_4_oxide_route, plan_benzodiazepinone_route
from .chem import amine_component, free_base
from .peptidomimetic import plan_amino_acid_route
from .results import RouteResult, UnsupportedBuildingBlockError
from .routes import plan_diamine_route

__all__ = ["plan_route", "plan_route_smiles"]


def plan_route(
    amine: Chem.Mol, reagent: Chem.Mol, *, n1_alkylating_agent: Chem.Mol | None = None, reduce_imine: bool = False,
    via_4_oxide: bool = False, c3_oxygen: str | None = None,
) -> RouteResult:
    """Apply the route implied by the building blocks; name the product, intermediates and side products.

    ``amine`` is a diamine (free, or with one nitrogen protected by Boc, Cbz, Fmoc or
    two benzyl groups), a 2-aminoaryl ketone or an N-protected aminoaldehyde (amino-acid route); ``reagent`` the C2/C3 unit (acrylate,
    haloacetate or amino ester, glyoxal, haloacetyl halide). Salts are accepted and
    used as their free base (said in the warnings). ``n1_alkylating_agent`` and
    ``reduce_imine`` add the follow-up steps of the benzodiazepin-2-one route; ``via_4_oxide`` takes a
    2-aminoaryl ketone and a haloacetyl halide through the 4-oxide to the 3-hydroxy ring (oxazepam type);
    ``c3_oxygen`` (``3-acetoxy`` or ``3-hydroxy``) acetoxylates C3 of the benzodiazepin-2-one (and saponifies it).
    Raises :class:`UnsupportedBuildingBlockError` when a building block is outside
    what the advisor handles. Each molecule is read as the file readers read it
    (:func:`reactivity.molecule.as_read`).
    """
    amine = as_read(amine, "plan_route()")
    reagent = as_read(reagent, "plan_route()")
    if n1_alkylating_agent is not None:
        n1_alkylating_agent = as_read(n1_alkylating_agent, "plan_route()")
    amine, amine_note = free_base(amine, "amine")
    reagent, reagent_note = free_base(reagent, "reagent")
    notes = tuple(n for n in (amine_note, reagent_note) if n)
    component = amine_component(amine)
    if via_4_oxide:
        if (component is None or component.id != "aminoaryl_ketone" or n1_alkylating_agent is not None or reduce_imine
                or c3_oxygen is not None):
            raise UnsupportedBuildingBlockError(
                "the 4-oxide route takes a 2-aminoaryl ketone and a haloacetyl halide, without N1-alkylation, imine"
                " reduction or C3 acetoxylation"
            )
        return plan_4_oxide_route(amine, reagent, notes)
    if component is not None and component.id == "aminoaryl_ketone":
        return plan_benzodiazepinone_route(amine, reagent, notes, n1_alkylating_agent, reduce_imine, c3_oxygen)
    if n1_alkylating_agent is None and not reduce_imine and component is not None and component.id == "protected_aminoaldehyde":
        return plan_amino_acid_route(amine, reagent, notes)
    if n1_alkylating_agent is not None or reduce_imine or c3_oxygen is not None:
        raise UnsupportedBuildingBlockError(
            "N1-alkylation, imine reduction and C3 acetoxylation are follow-up steps of the benzodiazepin-2-one route"
            " (give a 2-aminoaryl ketone as the amine)"
        )
    return plan_diamine_route(amine, reagent, notes)


def plan_route_smiles(
    amine: str, reagent: str, *, n1_alkylating_agent: str | None = None, reduce_imine: bool = False,
    via_4_oxide: bool = False, c3_oxygen: str | None = None,
) -> RouteResult:
    """:func:`plan_route` from SMILES (raises :class:`~reactivity.errors.MoleculeParseError` on bad SMILES).

    >>> plan_route_smiles("CC(N)CC(C)N", "O=CC=O").product.smiles
    'CC1CC(C)NC(=O)CN1'
    """
    agent = None if n1_alkylating_agent is None else mol_from_smiles(n1_alkylating_agent)
    return plan_route(mol_from_smiles(amine), mol_from_smiles(reagent), n1_alkylating_agent=agent, reduce_imine=reduce_imine,
                      via_4_oxide=via_4_oxide, c3_oxygen=c3_oxygen)

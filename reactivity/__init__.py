"""reactivity: what reacts where, and what survives, in 1,4-diazepan-2-one rings.

>>> from reactivity import perceive_smiles
>>> ring = perceive_smiles("O=C1CNCCCN1")[0]
>>> (ring.n1, ring.c2, ring.n4, ring.n4_class)
(7, 1, 3, 'secondary_amine')
"""

from ._version import __version__
from .errors import (
    ModelIntegrityError,
    MoleculeParseError,
    ReactivityError,
    RuleDataError,
    UnknownConditionError,
)
from .molecule import mol_from_molblock, mol_from_smiles
from .derivatization import DerivatizationPlan, enumerate_products, plan_derivatization
from .perception import perceive, perceive_smiles, related_scaffolds
from .nitrosamine import NitrosamineRisk, NitrosoProduct, nitrosamine_risk
from .report import depict, depict_png
from .sites import CompetingSite, Guidance, RingSites, Stereocentre
from .stability import CONDITION_NAMES, assess_condition, assess_stability
from .basicity import BasicityResult, predict_basicity, predict_basicity_many
from .synthesis import plan_route, plan_route_smiles, propose_disconnections, troubleshoot

__all__ = [
    "BasicityResult",
    "predict_basicity",
    "predict_basicity_many",
    "plan_route",
    "plan_route_smiles",
    "propose_disconnections",
    "troubleshoot",
    "DerivatizationPlan",
    "enumerate_products",
    "plan_derivatization",
    "NitrosamineRisk",
    "NitrosoProduct",
    "nitrosamine_risk",
    "depict",
    "depict_png",
    "annotate_frame",
    "__version__",
    "CONDITION_NAMES",
    "assess_condition",
    "assess_stability",
    "CompetingSite",
    "Guidance",
    "ModelIntegrityError",
    "MoleculeParseError",
    "ReactivityError",
    "RingSites",
    "RuleDataError",
    "Stereocentre",
    "UnknownConditionError",
    "mol_from_molblock",
    "mol_from_smiles",
    "perceive",
    "perceive_smiles",
    "related_scaffolds",
]


def __getattr__(name: str) -> object:
    """Lazy public names: ``annotate_frame`` imports pandas only when it is used."""
    if name == "annotate_frame":
        from .batch.frame import annotate_frame

        return annotate_frame
    raise AttributeError(f"module 'reactivity' has no attribute {name!r}")

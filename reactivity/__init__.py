"""reactivity: what reacts where, and what survives, in 1,4-diazepan-2-one rings.

>>> from reactivity import perceive_smiles
>>> ring = perceive_smiles("O=C1CNCCCN1")[0]
>>> (ring.n1, ring.c2, ring.n4, ring.n4_class)
(7, 1, 3, 'secondary_amine')
"""

from ._lazy import lazy_names
from ._version import __version__
from .errors import (
    ModelIntegrityError,
    MoleculeParseError,
    ReactivityError,
    RuleDataError,
    UnknownConditionError,
)

# Every capability is imported when first used (PEP 562), so a command pays only for what it runs.
_LAZY = {
    "DerivatizationPlan": "derivatization", "enumerate_products": "derivatization", "plan_derivatization": "derivatization",
    "perceive": "perception", "perceive_smiles": "perception", "related_scaffolds": "perception",
    "NitrosamineRisk": "nitrosamine", "NitrosoProduct": "nitrosamine", "nitrosamine_risk": "nitrosamine",
    "depict": "report", "depict_png": "report",
    "CompetingSite": "sites", "Guidance": "sites", "RingSites": "sites", "Stereocentre": "sites",
    "CONDITION_NAMES": "stability", "assess_condition": "stability", "assess_stability": "stability",
    "BasicityResult": "basicity", "predict_basicity": "basicity", "predict_basicity_many": "basicity",
    "plan_route": "synthesis", "plan_route_smiles": "synthesis", "propose_disconnections": "synthesis",
    "troubleshoot": "synthesis",
    "annotate_frame": "batch.frame",
    "AtomText": "atomtext", "LIBRARY_NUMBERING": "atomtext",
    "mol_from_molblock": "molecule", "mol_from_smiles": "molecule",
}

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
    "AtomText",
    "LIBRARY_NUMBERING",
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


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())

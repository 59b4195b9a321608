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
from .perception import perceive, perceive_smiles, related_scaffolds
from .sites import CompetingSite, Guidance, RingSites, Stereocentre
from .stability import CONDITION_NAMES, assess_condition, assess_stability

__all__ = [
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

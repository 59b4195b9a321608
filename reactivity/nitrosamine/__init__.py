"""Nitrosamine risk screening: nitrosatable nitrogens, their N-nitroso products (NDSRIs) and each product's
potency category under the Carcinogenic Potency Categorization Approach (CPCA) of the FDA and EMA.

Screening only: a category predicted from the structure, not a regulatory assessment.

>>> from reactivity.nitrosamine import nitrosamine_risk_smiles
>>> risk = nitrosamine_risk_smiles("O=C1CNCc2ccccc2N1")   # 1,3,4,5-tetrahydro-1,4-benzodiazepin-2-one
>>> [(p.site, p.category, p.ai_ng_per_day["fda"]) for p in risk.products]
[('N4', 2, 100.0)]
"""

from .assess import classify_nitrogens, nitrosamine_risk, nitrosamine_risk_smiles
from .results import CpcaFeature, NitrogenSite, NitrosamineRisk, NitrosoProduct
from .rules import CpcaRules, load_cpca_rules

__all__ = [
    "CpcaFeature",
    "CpcaRules",
    "NitrogenSite",
    "NitrosamineRisk",
    "NitrosoProduct",
    "classify_nitrogens",
    "load_cpca_rules",
    "nitrosamine_risk",
    "nitrosamine_risk_smiles",
]

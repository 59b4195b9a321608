"""Ionization of a molecule: the pKaH of N4 and of every other base, acidic sites, macro pKa values, work-up advice.

A site-level regressor (trained on open experimental aqueous pKa data, see
``models/MODEL.md``) predicts the pKaH of every amine, aniline, amidine,
pyridine and azole nitrogen; class rules (``class_sites.toml``) give the
benzodiazepinone imine N4, conjugated pyridines, the acids (carboxylic acids,
the anilide N1-H of benzodiazepin-2-ones, phenols, sulfonamides, tetrazoles,
imides ...) and permanent cations. The N4 of each 1,4-diazepan-2-one ring is
tagged from :func:`reactivity.perceive`. A coupled titration of all sites
(:mod:`reactivity.basicity.titration`) gives the stepwise (macro) pKa values,
the charge states at a pH, an estimated logD curve and the pH needed to have
the compound >= 99 % free base, at the temperature asked.

>>> from reactivity.molecule import mol_from_smiles
>>> result = predict_basicity(mol_from_smiles("O=C1CNCCCN1"), ph=7.4)
>>> 7.0 < result.n4_pka < 9.0
True
>>> [site.role for site in result.sites]
['n4']
>>> diazepam = predict_basicity(mol_from_smiles("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"))
>>> diazepam.n4_class, diazepam.n4_pka
('imine', 3.4)
"""

from __future__ import annotations

from .features import (
    FEATURE_MORGAN_RADIUS,
    FEATURE_MORGAN_SIZE,
    FEATURE_VERSION,
    INDUCTIVE_DECAY,
    N_ALPHA_CHARGES,
    N_CATEGORIES,
    N_ELECTRONIC,
    N_RING_ALPHA,
    _atom_categories,
    _gasteiger_charges,
    _ring_and_alpha_features,
    core_feature_width,
    core_features,
    minmax_similarity,
    similarity_view,
    site_features,
)
from .model import MODEL_ARTEFACT, band_halfwidth, load_pka_model, nearest_training
from .predict import BASIC_N4_CLASSES, LOW_APPLICABILITY, check_basicity_conditions, predict_basicity, predict_basicity_many
from .results import BasicityResult, BasicSite, PermanentCharge, TrainingAnalogue, UncoveredGroup
from .sites import (
    AcidRule,
    Adjustment,
    ClassMatch,
    ClassSite,
    SiteRule,
    UncoveredBaseRule,
    UncoveredGroupRule,
    acid_groups,
    acid_rules,
    class_rules,
    find_basic_sites,
    find_class_sites,
    parse_class_rules,
    parse_site_rules,
    site_classes,
    site_rules,
    site_tiers,
    uncovered_base_rules,
    uncovered_bases,
    uncovered_groups,
    uncovered_rules,
)
from .titration import (
    LOGD_PH_GRID,
    PH_SCALE,
    MacroStep,
    TitratableSite,
    Titration,
    free_base_ph,
    interaction_pka_units,
    shortest_path_counts,
    logd_curve,
    neutral_fraction,
    protonated_fraction,
    temperature_shift,
)

__all__ = [
    "BASIC_N4_CLASSES", "FEATURE_VERSION", "LOGD_PH_GRID", "LOW_APPLICABILITY", "MODEL_ARTEFACT", "PH_SCALE",
    "AcidRule", "Adjustment", "BasicSite", "BasicityResult", "ClassMatch", "ClassSite", "MacroStep",
    "PermanentCharge", "SiteRule", "TitratableSite", "Titration", "TrainingAnalogue", "UncoveredBaseRule",
    "UncoveredGroupRule",
    "acid_groups", "acid_rules", "band_halfwidth", "check_basicity_conditions", "class_rules", "core_feature_width",
    "core_features",
    "find_basic_sites", "find_class_sites", "free_base_ph", "interaction_pka_units", "load_pka_model",
    "logd_curve", "minmax_similarity", "nearest_training", "neutral_fraction", "parse_class_rules",
    "parse_site_rules", "predict_basicity", "predict_basicity_many", "protonated_fraction", "shortest_path_counts",
    "similarity_view",
    "site_classes", "site_features", "site_rules", "site_tiers", "temperature_shift", "uncovered_base_rules",
    "uncovered_bases", "uncovered_groups", "uncovered_rules", "UncoveredGroup",
]

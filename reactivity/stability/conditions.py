"""Handling presets (``handling_conditions.toml``): the ring's pathways integrated over each preset's stages, the
categorical risks without rate data, and material loss (a protonated N4 in the water layer, a basic N4 on silica)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rdkit import Chem

from ..atomtext import atom_list, compose
from ..equilibria import protonated_fraction
from ..errors import ReactivityError, RuleDataError, UnknownConditionError
from ..molecule import as_read
from ..sites import RingSites
from ._base import (
    _BASIC_COMPETING,
    _BASIC_N4,
    _SECONDS_PER_HOUR,
    CONDITION_NAMES,
    RiskLevel,
    _conditions,
    _model,
    _worse,
    pkw_at,
    resolve_references,
    risk_level,
)
from .model import RingFacts, ring_facts, ring_model, ring_model_assumptions
from .pathways import ring_kinetics
from .results import ConditionResult, StageResult
from .rings import _n4_is_quaternary, _n4_pka_for, imine_pkah_for


def _perceive(mol: Chem.Mol) -> tuple[RingSites, ...]:
    """The rings of a molecule its caller has already read (:func:`reactivity.molecule.as_read`)."""
    from ..perception import perceive_with_view

    return tuple(perceive_with_view(mol, from_reader=True)[0])


# ---------------------------------------------------------------------------------------------- handling presets
def _not_applicable_condition(name: str) -> ConditionResult:
    preset = _preset(name)
    return ConditionResult(name, str(preset["label"]), "not_applicable", "not_applicable", (),
                           ("no 1,4-diazepan-2-one ring in the molecule",), None, (), (), (), str(preset["parameters"]))


def _preset(name: str) -> dict[str, Any]:
    presets = _conditions()
    if name not in presets:
        raise UnknownConditionError(f"unknown condition {name!r}; known: {', '.join(CONDITION_NAMES)}")
    return presets[name]


def partitions_into_water(names: Sequence[str]) -> bool:
    """Whether any of the presets ``names`` judges a loss to a water layer (``material_loss = "aqueous_partition"``),
    the only use of the compound's logP here: a caller that has no such preset need not predict it.

    >>> partitions_into_water(["silica_methanol"]), partitions_into_water(["silica_methanol", "bicarbonate_workup"])
    (False, True)
    """
    return any(_preset(name)["material_loss"] == "aqueous_partition" for name in names)


def _stage_log_ah(stage: dict[str, Any]) -> float:
    if "ph" in stage:
        return -float(stage["ph"])
    if "acid_molar" in stage:
        return math.log10(float(stage["acid_molar"]))
    return -pkw_at(float(stage["temperature_c"])) - math.log10(float(stage["base_molar"]))


def _acyl_azole_flag(mol: Chem.Mol, ring: RingSites) -> str:
    """``acyl_azole`` when N1's aromatic five-membered ring holds another nitrogen (an N-acyl imidazole, pyrazole or
    triazole: the azole anion is a good leaving group), ``acyl_pyrrole`` when it does not (N-acyl pyrrole or indole:
    cleaved by hydroxide and alkoxide, otherwise far more robust)."""
    rings = mol.GetRingInfo().AtomRings()
    azole = next((r for r in rings if len(r) == 5 and ring.n1 in r
                  and all(mol.GetAtomWithIdx(a).GetIsAromatic() for a in r)), ())
    others = sum(1 for a in azole if a != ring.n1 and mol.GetAtomWithIdx(a).GetAtomicNum() == 7)
    return "acyl_azole" if others else "acyl_pyrrole"


def _molecule_flags(mol: Chem.Mol, rings: Sequence[RingSites], facts: Sequence[RingFacts]) -> set[str]:
    """Flags of the categorical rules, from the rings and their :func:`ring_facts`."""
    flags: set[str] = set()
    for ring, fact in zip(rings, facts):
        features, hits = fact.features, fact.hits
        if "imide" in features or "n_sulfonyl" in features:
            flags.add("activated_acyl")
        if "n_acyl_azole" in ring.c2_activation:
            flags.add(_acyl_azole_flag(mol, ring))
        if ring.n4_class == "imine":
            flags.add("imine")
        if "c3_oxygen" in hits:  # a 3-hydroxy/3-acyloxy carbinolamide
            flags.add("carbinolamide")
        if any(site.category == "labile_acyl" for site in ring.competing_sites):
            flags.add("labile_competing_acyl")
        if "n4_aminal" in hits:
            flags.add("aminal")
        if "c3_carboxylic_acid" in hits:
            flags.add("carboxylic_acid")
        if any(site.category == "nucleophile" and site.kind in ("primary_amine", "secondary_amine")
               for site in ring.competing_sites) and fact.state.reaching_amines:
            flags.add("intramolecular_amine")
    return flags


def _partition_base(mol: Chem.Mol, rings: Sequence[RingSites], n4_pka: float | None) -> tuple[RingSites, float, str, str] | None:
    """The most basic N4 that can be protonated in an acidic water layer: a basic amine, or an imine N4 (pKaH about
    1.5-4.5: protonated in 1 M HCl, so it too pulls the compound into the acid layer)."""
    best: tuple[RingSites, float, str, str] | None = None
    for ring in rings:
        if ring.n4_class in _BASIC_N4:
            pka, source = _n4_pka_for(ring, n4_pka)
            kind = "amine"
        elif ring.n4_class == "imine":
            pka, source = imine_pkah_for(mol, ring, n4_pka)
            kind = "imine"
        else:
            continue
        if pka is not None and (best is None or pka > best[1]):
            best = (ring, pka, source, kind)
    return best


def _partition_level(fraction: float) -> RiskLevel:
    """Material loss to a water layer from the fraction of the compound that is charged at its pH."""
    return "high" if fraction >= 0.9 else "moderate" if fraction >= 0.1 else "low"


class IonizableSites:
    """The ionizable sites of one molecule from ``reactivity.basicity`` (kind, site class, atom, pKa at 25 C) and its
    Crippen logP: predicted once, when a preset first needs them, and shared by every preset of the molecule; or
    taken from a basicity result the caller already has (its logP is None unless it was asked for with
    ``workup=True``)."""

    def __init__(self, mol: Chem.Mol, result: Any = None) -> None:
        self._mol = mol
        if result is not None:
            self.__dict__["found"] = self._read(result)

    @classmethod
    def from_basicity(cls, mol: Chem.Mol, result: Any) -> "IonizableSites":
        """The sites of a ``reactivity.basicity`` result of ``mol``."""
        return cls(mol, result)

    @staticmethod
    def _read(result: Any) -> tuple[tuple[tuple[str, str, int, float], ...], float | None]:
        return tuple((site.kind, site.site_class, site.atom, site.pka_25c) for site in result.sites), result.logp_crippen

    @cached_property
    def found(self) -> tuple[tuple[tuple[str, str, int, float], ...], float | None] | None:
        """(sites, logP), or None when the basicity model is not available."""
        try:
            from ..basicity import predict_basicity_many

            return self._read(predict_basicity_many([self._mol], 7.0, from_reader=True)[0])
        except (ImportError, TypeError, ValueError, ReactivityError):
            return None


def _partition_words(level: RiskLevel) -> str:
    """What a compound does with the water layer of a wash at a material-loss level."""
    return {"high": "stays in", "moderate": "partly partitions into"}.get(level, "mostly leaves")


@dataclass(frozen=True)
class _Charges:
    """The ionization of a molecule at the pH of a preset's first stage (each site by its pKa at 25 C, taken as
    independent of the others: an assumption)."""

    ph: float  # of the preset's first stage
    neutral_besides_n4: float  # fraction with no charged site other than a ring N4
    neutral_n4: float  # fraction whose ring N4 sites (as the basicity model lists them) are uncharged
    logp: float | None  # Crippen logP of the neutral parent
    charged_sites: list[tuple[str, str, int, float]]  # sites other than N4 charged in >= 10 %: (kind, class, atom, fraction)

    @property
    def whole_share(self) -> tuple[float, float | None]:
        """:meth:`water_share` of the compound with every site, N4 included, as the basicity model has them."""
        return self.water_share(self.neutral_besides_n4 * self.neutral_n4)

    def water_share(self, neutral: float) -> tuple[float, float | None]:
        """(share of the compound an equal volume of water holds, estimated logD) for a compound ``neutral``
        (fraction) uncharged: ``logd_from_uncharged`` (charged species ``ION_LOGP_DROP`` log units less lipophilic);
        without a logP, the charged fraction and None."""
        from ..basicity.titration import logd_from_uncharged

        if self.logp is None:
            return 1.0 - neutral, None
        logd = logd_from_uncharged(self.logp, neutral)
        return 1.0 / (1.0 + 10.0 ** logd), logd


def _charges(rings: Sequence[RingSites], preset: dict[str, Any], ionizable: IonizableSites) -> _Charges | None:
    """:class:`_Charges` at the pH of the preset's first stage; None when the basicity model is not available."""
    if ionizable.found is None:
        return None
    sites, logp = ionizable.found
    ph = -_stage_log_ah(preset["stage"][0])
    n4_atoms = {ring.n4 for ring in rings}
    neutral_others, neutral_n4 = 1.0, 1.0
    charged_sites = []
    for kind, site_class, atom, pka in sites:
        protonated = protonated_fraction(pka, ph)
        charged = protonated if kind == "base" else 1.0 - protonated
        if atom in n4_atoms:
            neutral_n4 *= 1.0 - charged
            continue
        neutral_others *= 1.0 - charged
        if charged >= 0.1:
            charged_sites.append((kind, site_class, atom, charged))
    return _Charges(ph, neutral_others, neutral_n4, logp, charged_sites)


def _share_words(share: float, logd: float | None) -> str:
    """The logD clause of a partition reason (empty without a logD)."""
    from ..basicity.titration import ION_LOGP_DROP

    if logd is None:
        return ""
    return (f" (estimated logD {logd:.2g}, assuming independent sites, Crippen logP and charged species "
            f"{ION_LOGP_DROP:g} log units less lipophilic: about {share * 100:.3g} % in an equal volume of water)")


def _partition_elsewhere(level: RiskLevel, reasons: list[str], advice: list[str], preset: dict[str, Any],
                         charges: _Charges | None) -> tuple[RiskLevel, list[str], list[str]]:
    """The material loss of an aqueous wash raised by groups other than N4 that are charged at the wash's pH (a
    protonated amine, pyridine or amidine elsewhere in acid, an ionized acid in base), judged by the share of the
    compound an equal volume of water holds at the compound's estimated logD there: 1 / (1 + 10**logD) >= 90 %
    high, 10-90 % moderate (assumptions: equal volumes, sites ionized independently by their pKa at 25 C, Crippen
    logP, ions 3.5 log units less lipophilic). A lipophilic compound with a weakly basic pyridine stays in the organic
    layer; a polar one does not."""
    if charges is None or not charges.charged_sites:
        return level, reasons, advice
    in_water, logd = charges.whole_share
    whole = _partition_level(in_water)
    if _worse(level, whole) == level:
        return level, reasons, advice
    charged = 1.0 - charges.neutral_besides_n4 * charges.neutral_n4
    ph = charges.ph
    sites = charges.charged_sites
    named = [compose("{} at atom {} ({} % " + ("protonated" if kind == "base" else "ionized") + ")", site_class,
                     atom_list((atom,)), f"{fraction * 100:.3g}")
             for kind, site_class, atom, fraction in sorted(sites, key=lambda item: -item[3])]
    reason = compose("at pH {} {} % of the compound is charged, by groups other than N4: {}{}: it "
                     + _partition_words(whole) + " the water layer",
                     f"{ph + 0.0:.2g}", f"{charged * 100:.3g}", compose(", ".join(["{}"] * len(named)), *named),
                     _share_words(in_water, logd))
    extra = [str(preset[key]) for key, kind in (("advice_charged_base", "base"), ("advice_charged_acid", "acid"))
             if preset.get(key) and any(site[0] == kind for site in sites)]
    return whole, [*reasons, reason], [*advice, *extra]


def _material_loss(mechanism: str, preset: dict[str, Any], rings: Sequence[RingSites], mol: Chem.Mol,
                   n4_pka: float | None, ionizable: IonizableSites | None = None) -> tuple[RiskLevel, list[str], list[str]]:
    """Material-loss risk, reasons and advice of a preset (a charged compound in water, a basic N4 on silica);
    ``ionizable``: the molecule's sites when another preset has predicted them already."""
    if mechanism != "aqueous_partition":
        return _n4_material_loss(mechanism, preset, rings, mol, n4_pka, None)
    charges = _charges(rings, preset, ionizable or IonizableSites(mol))
    level, reasons, advice = _n4_material_loss(mechanism, preset, rings, mol, n4_pka, charges)
    return _partition_polar(*_partition_elsewhere(level, reasons, advice, preset, charges), preset, charges)


def _partition_polar(level: RiskLevel, reasons: list[str], advice: list[str], preset: dict[str, Any],
                     charges: _Charges | None) -> tuple[RiskLevel, list[str], list[str]]:
    """The material loss of an aqueous wash of a compound that is polar whatever its charge: the share an equal
    volume of water holds at its estimated logD (all sites ionized by their pKa at the wash's pH), when that is a worse
    loss than the charged groups have given (a neutral ring with logP below about 1 partitions into water too)."""
    if charges is None or charges.logp is None:
        return level, reasons, advice
    share, logd = charges.whole_share
    whole = _partition_level(share)
    if _worse(level, whole) == level:
        return level, reasons, advice
    reason = (f"a polar compound: at pH {charges.ph + 0.0:.2g}{_share_words(share, logd)} it {_partition_words(whole)} the "
              "water layer")
    return whole, [*reasons, reason], [*advice, *([str(preset["advice_polar"])] if preset.get("advice_polar") else [])]


def _n4_water_share(fraction: float, charges: _Charges | None) -> tuple[float, float | None]:
    """(share of the compound in an equal volume of water, estimated logD) when a ring N4 is ``fraction`` protonated
    at a wash's pH: the whole molecule's logD (N4 by the pKa the reason quotes, the other sites as the basicity model
    has them), so that a lipophilic compound or a weak base whose neutral form still partitions is not said to stay in
    the water; the protonated fraction itself without a logP."""
    if charges is None:
        return fraction, None
    return charges.water_share(charges.neutral_besides_n4 * (1.0 - fraction))


def _n4_material_loss(mechanism: str, preset: dict[str, Any], rings: Sequence[RingSites], mol: Chem.Mol,
                      n4_pka: float | None, charges: _Charges | None) -> tuple[RiskLevel, list[str], list[str]]:
    """Material-loss risk, reasons and advice from the ring N4 alone (a basic N4 in water or on silica); ``charges``:
    the molecule's ionization at an aqueous wash's pH (None elsewhere or without the basicity model)."""
    basic = [ring for ring in rings if ring.n4_class in _BASIC_N4]
    if mechanism == "aqueous_partition" and not basic:
        base = _partition_base(mol, rings, n4_pka)
        if base is not None:
            ring, pka, source, _ = base
            ph = -_stage_log_ah(preset["stage"][0])
            fraction = protonated_fraction(pka, ph)
            share, logd = _n4_water_share(fraction, charges)
            level = _partition_level(share)
            reason = (f"imine N4 (pKaH {pka:.2f}, {source}) is {fraction * 100:.3g} % protonated at pH {ph + 0.0:.2g}"
                      f"{_share_words(share, logd)}: {_partition_words(level)} the water layer")
            advice_imine = [str(preset["advice_imine"])] if preset.get("advice_imine") and level != "low" else []
            return level, [reason], advice_imine
    other_bases = {site.key_atom for ring in rings for site in ring.competing_sites
                   if site.category == "nucleophile" and site.kind in _BASIC_COMPETING}
    advice = [str(preset["advice_material"])] if preset.get("advice_material") else []
    if mechanism == "none" or not basic:
        if mechanism == "silica_silanol" and other_bases:
            return "moderate", ["a basic amine elsewhere in the molecule binds to silanols"], advice
        if mechanism == "salt_isolation" and other_bases:
            return "low", ["a basic amine elsewhere in the molecule is isolated as a salt of the acid"], advice
        return "low", ([] if basic or mechanism == "none" else ["N4 is not a basic amine"]), []
    pka, source = _n4_pka_for(basic[0], n4_pka)
    assert pka is not None
    if mechanism == "aqueous_partition":
        stage = preset["stage"][0]
        ph = -_stage_log_ah(stage)
        quaternary = _n4_is_quaternary(mol, basic[0])
        fraction = 1.0 if quaternary else protonated_fraction(pka, ph)
        share, logd = (fraction, None) if quaternary else _n4_water_share(fraction, charges)
        level = _partition_level(share)
        reason = (f"N4 (pKaH {pka:.2f}, {source}) is {fraction * 100:.3g} % protonated at pH {ph + 0.0:.2g}"
                  f"{_share_words(share, logd)}: {_partition_words(level)} the water layer")
        return level, [reason], advice if level != "low" else []
    if mechanism == "silica_silanol":
        level = "high" if other_bases else "moderate"
        reason = f"basic free N4 ({basic[0].n4_class}, pKaH {pka:.2f}, {source}) binds to acidic silanols: streaking and loss"
        if other_bases:
            reason += "; a second basic amine elsewhere makes it worse"
        return level, [reason], advice
    if mechanism == "salt_isolation":
        return "low", [f"basic N4 (pKaH {pka:.2f}) is isolated as a salt of the acid"], advice
    raise RuleDataError(f"handling_conditions.toml: unknown material_loss mechanism {mechanism!r}")


def _assess_condition_rings(mol: Chem.Mol, rings: Sequence[RingSites], name: str,
                            n4_pka: float | None = None, facts: Sequence[RingFacts] | None = None,
                            ionizable: IonizableSites | None = None) -> ConditionResult:
    """One preset for rings already perceived (``facts``: their :func:`ring_facts` for the same ``n4_pka`` when
    already found; ``ionizable``: the molecule's ionizable sites, shared by the presets of one molecule)."""
    preset = _preset(name)
    if not rings:
        return _not_applicable_condition(name)
    if facts is None:
        facts = [ring_facts(mol, ring, n4_pka) for ring in rings]
    stages: list[StageResult] = []
    assumptions: list[str] = []
    reference_ids: list[str] = list(preset["sources"])
    states = [(1.0, 0.0) for _ in rings]
    for stage in preset["stage"]:
        log_ah = _stage_log_ah(stage)
        temperature = float(stage["temperature_c"])
        hours = float(stage["hours"])
        k_values = []
        for index, ring in enumerate(rings):
            model = ring_model(mol, ring, index, temperature, n4_pka, facts=facts[index])
            kinetics = ring_kinetics(model.law, model.state, -log_ah, temperature)
            states[index] = kinetics.propagate(states[index][0], states[index][1], hours * _SECONDS_PER_HOUR)
            k_values.append(kinetics.long_time_irreversible_k())
            assumptions.extend(ring_model_assumptions(model))
        k = max(k_values)
        irreversible = max(1.0 - float(v[0]) - float(v[1]) for v in states)
        surrogate = bool(stage.get("surrogate", False))
        stages.append(StageResult(str(stage["description"]), -log_ah, temperature, hours, k, irreversible, surrogate))
        if surrogate:
            assumptions.append(f"surrogate stage ({stage['description']}): {preset['parameters']}")
    fraction = float(min(max(max(1.0 - float(v[0]) - float(v[1]) for v in states), 0.0), 1.0))
    open_fraction = float(max(float(v[1]) for v in states))
    chemical = risk_level(fraction)
    reasons = [f"ring: {fraction * 100:.3g} % irreversibly lost over the preset ({len(stages)} stage(s); central estimate)"]
    if open_fraction >= 0.001:
        reasons.append(f"imine ring opening: {open_fraction * 100:.3g} % of the ring is open at the end of the preset "
                       "(reversible: recloses on neutralisation, but an assay or a separation sees it as another species)")
        if open_fraction >= 0.1:
            chemical = _worse(chemical, "moderate")
    advice: list[str] = []
    flags = _molecule_flags(mol, rings, facts)
    for rule in preset.get("categorical", []):
        if rule["when"] in flags:
            chemical = _worse(chemical, rule["risk"])
            reasons.append(f"{rule['when']}: {rule['reason']}")
            reference_ids.extend(rule.get("facts", []))
    material, material_reasons, material_advice = _material_loss(str(preset["material_loss"]), preset, rings, mol, n4_pka,
                                                                 ionizable)
    reasons.extend(material_reasons)
    advice.extend(material_advice)
    if chemical != "low":
        advice.append("Chemical risk: shorten the exposure, keep it cold, or choose milder conditions (see reasons).")
    assumptions = [_model()["activation_energy"]["assumption"]] + assumptions
    return ConditionResult(
        name=name, label=str(preset["label"]), chemical_risk=chemical, material_loss_risk=material,
        advice=tuple(dict.fromkeys(advice)), reasons=tuple(reasons), fraction_lost=fraction, stages=tuple(stages),
        open_fraction=open_fraction,
        assumptions=tuple(dict.fromkeys(assumptions)), references=resolve_references(reference_ids),
        parameters=str(preset["parameters"]),
    )


def assess_condition(mol: Chem.Mol, name: str, n4_pka: float | None = None) -> ConditionResult:
    """Chemical and material-loss risk of one handling preset (:data:`CONDITION_NAMES`) for a molecule.

    Without ``n4_pka`` the N4 pKaH (amine or imine) is predicted by ``reactivity.basicity`` at the preset's pH and
    temperature when that model is available.

    >>> from reactivity.molecule import mol_from_smiles
    >>> silica = assess_condition(mol_from_smiles("O=C1CNCCCN1"), "silica_methanol")
    >>> silica.chemical_risk, silica.material_loss_risk, "Et3N" in silica.advice[0]
    ('low', 'moderate', True)
    """
    preset = _preset(name)
    mol = as_read(mol, "assess_condition()")  # ring information; a lactim or covalent-salt drawing as the compound
    rings = _perceive(mol)
    if n4_pka is None and rings:
        n4_pka = _predicted_n4_pka(mol, preset)
    return _assess_condition_rings(mol, rings, name, n4_pka)


def _predicted_n4_pka(mol: Chem.Mol, preset: dict[str, Any]) -> float | None:
    """N4 pKaH (amine or imine) from ``reactivity.basicity`` at the pH and temperature of the preset's first stage,
    or None when the basicity model is not available (the class values of the model file are used then)."""
    stage = preset["stage"][0]
    try:
        from ..basicity import predict_basicity_many

        return predict_basicity_many([mol], -_stage_log_ah(stage), temperature_c=float(stage["temperature_c"]),
                                     from_reader=True)[0].n4_pka
    except (ImportError, TypeError, ValueError, ReactivityError):
        return None


def condition_label(name: str) -> str:
    """The human-readable label of a preset.

    >>> condition_label("physiological")
    'Physiological buffer: pH 7.4, 37 C, 24 h'
    """
    return str(_preset(name)["label"])



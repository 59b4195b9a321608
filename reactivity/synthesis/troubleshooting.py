"""Troubleshooting: a free-text symptom matched (with a score) to the knowledge base, linked to computed side products.

>>> match_symptom("my product stays in the water layer")[0].symptom_id
'workup_loss'
>>> round(match_symptom("brown oil")[0].score, 2)
1.0
"""

from __future__ import annotations

import re
from typing import Any

from rdkit import Chem

from .forward import plan_route
from .results import Cause, Compound, SymptomMatch, TroubleshootingAnswer, UnknownSymptomError, UnsupportedBuildingBlockError
from .ruledata import load_troubleshooting

__all__ = ["match_symptom", "troubleshoot"]

#: Below this score a symptom is "not understood" (the error lists the known symptoms).
MIN_SCORE = 0.4
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({
    "a", "an", "the", "of", "in", "my", "is", "are", "and", "or", "i", "see", "after", "during", "with", "to", "on",
    "product", "formation", "presence", "it", "its", "there", "get", "got", "have", "has", "from", "at", "all",
})
_SYNONYMS = {
    "water": "aqueous", "phase": "layer", "layers": "layer", "solid": "precipitate", "crystal": "crystalline",
    "workup": "work", "dark": "brown", "black": "brown", "sticky": "gum", "gummy": "gum", "tarry": "tar",
    "peak": "spot", "yields": "yield",
}


def _stem(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + repl
    return word


def _words(text: str) -> frozenset[str]:
    tokens = _WORD.findall(text.lower().replace("-", ""))
    return frozenset(_SYNONYMS.get(_stem(t), _stem(_SYNONYMS.get(t, t))) for t in tokens if t not in _STOP)


def _score(query: str, name: str) -> float:
    q, n = _words(query), _words(name)
    if not q or not n:
        return 0.0
    if q == n:
        return 1.0
    dice = 2 * len(q & n) / (len(q) + len(n))
    if n <= q and len(n) >= 2:  # every word of a multi-word alias is in the query
        dice = max(dice, 0.9)
    return dice


def match_symptom(symptom: str) -> tuple[SymptomMatch, ...]:
    """Knowledge-base entries ranked by how well they match a free-text symptom (best first, score >= 0.3).

    Raises :class:`UnknownSymptomError` listing the known symptoms when the best score is below
    :data:`MIN_SCORE`.

    >>> [m.symptom_id for m in match_symptom("Formation of a White Crystalline Precipitate")][:1]
    ['white_precipitate']
    """
    entries = load_troubleshooting()
    if not symptom.strip():
        known = "; ".join(f"{e['id']} ({e['symptom']})" for e in entries)
        raise UnknownSymptomError(f"empty symptom: describe what you see; known symptoms: {known}")
    ranked: list[SymptomMatch] = []
    for entry in entries:
        names = [entry["id"].replace("_", " "), entry["symptom"], *entry["aliases"]]
        best = max(names, key=lambda n: _score(symptom, str(n)))
        ranked.append(SymptomMatch(str(entry["id"]), str(entry["symptom"]), _score(symptom, str(best)), str(best)))
    ranked.sort(key=lambda m: (-m.score, m.symptom_id))
    if not ranked or ranked[0].score < MIN_SCORE:
        known = "; ".join(f"{e['id']} ({e['symptom']})" for e in entries)
        shown = symptom if len(symptom) <= 80 else symptom[:77] + "..."
        raise UnknownSymptomError(f"unknown symptom {shown!r}; known symptoms: {known}")
    return tuple(m for m in ranked if m.score >= 0.3)


def _entry(symptom_id: str) -> dict[str, Any]:
    return next(e for e in load_troubleshooting() if e["id"] == symptom_id)


def troubleshoot(
    symptom: str, amine: Chem.Mol | None = None, reagent: Chem.Mol | None = None, via_4_oxide: bool = False,
) -> TroubleshootingAnswer:
    """Answer a free-text symptom; with building blocks, show each culprit's structure and mass (``via_4_oxide``:
    the route through the 4-oxide to the 3-hydroxy ring, :func:`reactivity.synthesis.plan_route`).

    >>> answer = troubleshoot("white precipitate", Chem.MolFromSmiles("NCCN"), Chem.MolFromSmiles("C=CC(=O)OC"))
    >>> answer.causes[0].culprits[0].name
    'head-to-tail cyclic dimer (1,5-diazocane-2,6-dione)'
    """
    matches = match_symptom(symptom)
    entry = _entry(matches[0].symptom_id)
    if (amine is None) != (reagent is None):
        raise UnsupportedBuildingBlockError("give both --amine and --reagent, or neither")
    route = None if amine is None or reagent is None else plan_route(amine, reagent, via_4_oxide=via_4_oxide)
    causes = []
    refs: list[str] = list(entry["source"])
    for cause in entry["causes"]:
        keys = tuple(cause["side_products"])
        culprits: list[Compound] = []
        missing: list[str] = []
        if route is not None:
            for key in keys:
                found = route.compounds(key)
                culprits.extend(found)
                if not found:
                    missing.append(key)
        causes.append(Cause(str(cause["cause"]), str(cause["source"]), tuple(culprits), tuple(missing)))
        refs.append(str(cause["source"]))
    notes = tuple((str(n["text"]), tuple(str(r) for r in n["references"])) for n in entry["notes"])
    refs.extend(r for _, rs in notes for r in rs)
    warnings: list[str] = []
    if route is None:
        warnings.append("No building blocks given: pass --amine and --reagent to see each culprit's structure and mass.")
    else:
        warnings.extend(route.warnings)
        refs.extend(route.references)
    return TroubleshootingAnswer(
        query=symptom,
        match=matches[0],
        other_matches=matches[1:4],
        source=tuple(entry["source"]),
        causes=tuple(causes),
        checks=tuple(entry["checks"]),
        fixes=tuple(entry["fixes"]),
        notes=notes,
        route=route,
        warnings=tuple(dict.fromkeys(warnings)),
        references=tuple(dict.fromkeys(refs)),
    )

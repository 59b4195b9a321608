"""``reactivity pka``: pKa of N4 and of every other ionizable site, macro pKa values, charge state, work-up advice."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from reactivity.errors import ReactivityError

from .app import app
from .common import assess_records, echo_wrapped, fail, read_molecules, show_results

if TYPE_CHECKING:  # the model is imported inside the command (faster start for the other commands)
    from reactivity.basicity import BasicityResult

#: pH values of the logD curve shown in the human-readable output.
_SHOWN_PH = (2.0, 7.0, 10.0, 12.0)


def _fraction(value: float) -> str:
    return f"{value * 100:.3g} %"


def _span(low: float, high: float) -> str:
    """A band as text: ``4.10-5.70``, or ``-4.50 to -2.50`` when a bound is negative (no double minus).

    >>> _span(4.1, 5.7), _span(-4.5, -2.5), _span(-0.5, 1.5)
    ('4.10-5.70', '-4.50 to -2.50', '-0.50 to 1.50')
    """
    return f"{low:.2f} to {high:.2f}" if min(low, high) < 0 else f"{low:.2f}-{high:.2f}"


@app.command("pka")
def pka(
    smiles: str = typer.Argument(..., help="SMILES (salts accepted: counter-ions are stripped), a molfile (.mol), an SD file (.sdf, one result per record), a .smi/.csv/.tsv file (each optionally .gz), or - for standard input (format sniffed)."),
    ph: float = typer.Option(7.4, "--ph", help="pH at which protonated fractions and charge states are reported."),
    temperature: float = typer.Option(25.0, "--temperature", help="Temperature in deg C (pKa values are moved from 25 C)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on standard output (a list for several records)."),
) -> None:
    """Predicted pKa of N4 and of every basic and acidic site, stepwise macro pKa values, logD, free-base pH (atom numbers are 0-based)."""
    from reactivity.basicity import check_basicity_conditions, predict_basicity

    try:
        check_basicity_conditions(ph, temperature)
    except ReactivityError as exc:
        fail(str(exc))

    records = read_molecules(smiles)
    results = assess_records(records, lambda record: predict_basicity(record.mol, ph=ph, temperature_c=temperature), smiles)
    show_results(results, as_json, _print_human)


def _print_human(result: BasicityResult) -> None:
    """The human-readable basicity report of one molecule, wrapped to the terminal width."""
    from reactivity.basicity import PH_SCALE

    echo = echo_wrapped
    at = f"{result.temperature_c:g} C"
    if result.n4_pka is not None and result.n4_pka_band is not None and result.n4_protonated_fraction is not None:
        low, high = result.n4_pka_band
        echo(f"N4 ({result.n4_class}): pKaH {result.n4_pka:.2f} (band {_span(low, high)}) at {at}; "
             f"{_fraction(result.n4_protonated_fraction)} protonated at pH {result.ph:g}")
    elif result.n4_class is not None:
        echo(f"N4 is {result.n4_class}: no pKaH predicted for this class")
    else:
        echo("no 1,4-diazepan-2-one ring: N4 pKaH not applicable")
    if result.counter_ions:
        echo(f"salt: counter-ion(s) {', '.join(result.counter_ions)} stripped; parent {result.parent_smiles}")
    if result.sites:
        echo(f"ionizable sites (micro pKa at {at}):")
    for site in result.sites:
        label = "pKaH" if site.kind == "base" else "pKa"
        origin = (f"applicability {site.applicability:.2f}; nearest: "
                  + "; ".join(f"{n.name} ({n.smiles}) {n.pka:.2f}" for n in site.nearest_training[:2])
                  if site.source == "model" else f"class rule {site.rule}")
        if site.source == "model" and site.adjustments:
            origin = (f"substituent increment {', '.join(site.adjustments)}: the model's value for the analog (an "
                      f"amine's group replaced by its alkyl counterpart, an azine ring's groups by H) plus the group "
                      f"difference read from measured values (a Hammett estimate for a rule named *_estimate); "
                      f"analog's {origin}")
        echo(f"  atom {site.atom} [{site.role}, {site.site_class}] {label} {site.pka:.2f} "
             f"({_span(*site.band)}), {_fraction(site.protonated_fraction)} protonated; {origin}")
    for charge in result.permanent_charges:
        echo(f"  atom {charge.atom} [{charge.site_class}] permanent charge {charge.charge:+d} at every pH")
    if result.macro_pkas:
        echo("macro pKa (stepwise, lowest first): "
             + ", ".join(f"{step.pka:.2f} ({step.type}, atom {step.atom})" for step in result.macro_pkas))
        low, high = PH_SCALE
        outside = sum(not low <= step.pka <= high for step in result.macro_pkas)
        if outside:
            which = "1 of these steps lies" if outside == 1 else f"{outside} of these steps lie"
            echo(f"  {which} outside the pH range of water ({low:g} to {high:g}): such a step gives the order in "
                 "which the sites take or lose protons, but no titration in water shows it")
    if result.net_charge_fractions:
        echo(f"at pH {result.ph:g}: " + ", ".join(f"charge {c:+d}: {_fraction(f)}" for c, f in result.net_charge_fractions)
             + f"; uncharged {_fraction(result.uncharged_fraction or 0.0)}")
    if result.free_base_ph_99 is not None:
        echo(f">= 99 % free base from pH {result.free_base_ph_99:.2f} (basify to at least this before extracting)")
    elif result.basic_sites:
        echo(f"never >= 99 % free base between pH {PH_SCALE[0]:g} and {PH_SCALE[1]:g}")
    elif result.permanent_charges:
        echo("permanently charged: stays in the water layer at any work-up pH (unless extracted as an ion pair)")
    elif result.acidic_sites:
        echo("no basic site: acidify below the lowest acidic pKa to extract the neutral acid")
    elif result.uncovered_groups:
        echo("no site with a predicted value; ionizable without one: "
             + "; ".join(f"{g.labels} (atom {', '.join(map(str, g.atoms))})" for g in result.uncovered_groups))
    else:
        echo("no ionizable site: neutral at any work-up pH")
    curve = dict(result.logd_curve)
    shown = ", ".join(f"pH {p:g}: {curve[p]:.2f}" for p in _SHOWN_PH if p in curve)
    echo(f"logD (estimate; Crippen logP {result.logp_crippen:.2f}): {shown}")
    echo(f"{len(result.assumptions)} assumptions behind these numbers (--json lists them)")

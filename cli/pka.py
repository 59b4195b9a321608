"""``reactivity pka``: conjugate-acid pKa of N4 and of every other basic nitrogen, with work-up advice."""

from __future__ import annotations

import json
import math

import typer

from reactivity.errors import ReactivityError
from reactivity.molecule import mol_from_smiles

from .app import app
from .common import fail

#: pH values of the logD curve shown in the human-readable output.
_SHOWN_PH = (2.0, 7.0, 10.0, 12.0)


def _fraction(value: float) -> str:
    return f"{value * 100:.3g} %"


@app.command("pka")
def pka(
    smiles: str = typer.Argument(..., help="SMILES of the molecule."),
    ph: float = typer.Option(7.4, "--ph", help="pH at which protonated fractions are reported."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on standard output."),
) -> None:
    """Predicted pKaH of N4 and competing basic nitrogens, protonated fractions, logD estimate, free-base pH."""
    if not math.isfinite(ph):
        fail(f"--ph must be a finite number, got {ph}")
    try:
        from reactivity.basicity import predict_basicity

        result = predict_basicity(mol_from_smiles(smiles), ph=ph)
    except ReactivityError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    echo = typer.echo
    if result.n4_pka is not None and result.n4_pka_band is not None and result.n4_protonated_fraction is not None:
        low, high = result.n4_pka_band
        echo(f"N4 ({result.n4_class}): pKaH {result.n4_pka:.2f} (band {low:.2f}-{high:.2f}); "
             f"{_fraction(result.n4_protonated_fraction)} protonated at pH {result.ph:g}")
    elif result.n4_class is not None:
        echo(f"N4 is {result.n4_class}: not a basic amine, no pKaH")
    else:
        echo("no 1,4-diazepan-2-one ring: N4 pKaH not applicable")
    if result.sites:
        echo("basic nitrogens:")
    for site in result.sites:
        nearest = "; ".join(f"{n.name} ({n.smiles}) {n.pka:.2f}" for n in site.nearest_training[:2])
        echo(f"  atom {site.atom} [{site.role}, {site.site_class}] pKaH {site.pka:.2f} "
             f"({site.band[0]:.2f}-{site.band[1]:.2f}), {_fraction(site.protonated_fraction)} protonated, "
             f"applicability {site.applicability:.2f}; nearest: {nearest}")
    if result.free_base_ph_99 is None:
        echo("no basic nitrogen: neutral at any work-up pH")
    else:
        echo(f">= 99 % free base from pH {result.free_base_ph_99:.2f} (basify to at least this before extracting)")
    curve = dict(result.logd_curve)
    shown = ", ".join(f"pH {p:g}: {curve[p]:.2f}" for p in _SHOWN_PH if p in curve)
    echo(f"logD (estimate; Crippen logP {result.logp_crippen:.2f}): {shown}")
    echo(f"{len(result.assumptions)} assumptions behind these numbers (--json lists them)")

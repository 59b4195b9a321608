"""``reactivity stability``: hydrolysis risk, stable pH window and handling presets of one molecule."""

from __future__ import annotations

import io
from pathlib import Path

import typer

from reactivity.errors import ReactivityError
from reactivity.stability import (
    CONDITION_NAMES,
    StabilityResult,
    assess_stability,
    check_conditions,
    ph_rate_profile,
    window_threshold_per_s,
)
from reactivity.stability.presets import preset_names

from .app import app
from .common import InputMolecule, assess_records, echo_wrapped, fail, read_molecules, refuse_several, show_results


def _n4_pka(mol, ph: float, temperature_c: float) -> float | None:
    """The N4 pKaH (basic amine or imine) predicted by the basicity model at the temperature, or None."""
    try:
        from reactivity.basicity import predict_basicity
    except ImportError:
        return None
    try:
        return predict_basicity(mol, ph, temperature_c=temperature_c).n4_pka
    except TypeError:  # a basicity model without temperature support
        return predict_basicity(mol, ph).n4_pka
    except ReactivityError:
        return None


def _window(window: tuple[float, float] | None) -> str:
    return "none" if window is None else f"{window[0]:.1f}-{window[1]:.1f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.3g} %"


def _print_human(result: StabilityResult) -> None:
    echo = echo_wrapped
    echo(f"1,4-diazepan-2-one rings: {result.ring_count}")
    if result.ring_count == 0:
        echo("risk: not_applicable (no ring to score)")
    else:
        assert result.k_obs_per_s is not None and result.k_band_per_s is not None and result.half_life_h is not None
        echo(f"pH {result.ph:g}, {result.temperature_c:g} C, {result.hours:g} h: risk {result.risk.upper()}"
             f" ({_percent(result.fraction_lost)} of the intact ring gone, {_percent(result.fraction_irreversibly_lost)}"
             f" irreversibly; band {_percent(result.fraction_lost_band[0])}"
             f" to {_percent(result.fraction_lost_band[1])})" if result.fraction_lost_band else "")
        echo(f"apparent k_obs {result.k_obs_per_s:.3g} s-1 over the duration (x{result.band_factor:.3g} band: {result.k_band_per_s[0]:.2g}-"
             f"{result.k_band_per_s[1]:.2g}), half-life {result.half_life_h:.3g} h ({result.half_life_h / 8766:.3g} y);"
             f" {result.dominant_term} term dominates")
        echo(f"pH of maximum stability {result.ph_of_maximum_stability}; stable window (>= 90 % kept over "
             f"{result.reference_horizon_h:g} h at {result.temperature_c:g} C): {result.stable_ph_window_text}"
             f"; assay stable window (open form counted as lost): {_window(result.assay_stable_ph_window)}")
        echo("pathways:")
        for pathway in result.pathways:
            rate = f"k {pathway.k_per_s:.3g} s-1" if pathway.k_per_s is not None else "not quantified"
            flags = ("reversible" if pathway.reversible else "irreversible") + (", dominant" if pathway.dominant else "")
            extra = ""
            if pathway.equilibrium_open_fraction is not None:
                extra = (f"; {pathway.equilibrium_open_fraction * 100:.3g} % open at equilibrium, reached in "
                         f"{pathway.time_to_equilibrium_h:.2g} h")
            echo(f"  - {pathway.kind} at {pathway.site} ({flags}; {rate}{extra})")
            for degradant in pathway.degradants:
                mz = f"[M+H]+ {degradant.mz_mh:.4f}" if degradant.mz_mh is not None else "no [M+H]+"
                echo(f"      {degradant.name}: {degradant.smiles} {degradant.formula} {mz}")
        echo("reasons:")
        for reason in result.risk_reasons:
            echo(f"  - {reason}")
    if result.nearest_references:
        near = ", ".join(f"{m.name} ({m.similarity:.2f})" for m in result.nearest_references)
        echo(f"nearest references: {near}; applicability {result.applicability_level}")
    for condition in result.conditions:
        echo(f"[{condition.name}] chemical {condition.chemical_risk}, material loss {condition.material_loss_risk}")
        for line in condition.reasons:  # what the advice's "see reasons" points to
            echo(f"    reason: {line}")
        for line in condition.advice:
            echo(f"    advice: {line}")
    for warning in result.warnings:
        echo(f"warning: {warning}")
    if result.assumptions:
        echo(f"{len(result.assumptions)} assumptions and {len(result.references)} sources behind these numbers (--json lists them)")


@app.command("stability")
def stability(
    smiles: str = typer.Argument(..., help="SMILES, a molfile (.mol) an SD file (.sdf, several records: one result each), a .smi/.csv/.tsv file (each optionally .gz), or - for standard input (format sniffed)."),
    ph: float = typer.Option(7.0, "--ph", help="pH of the aqueous medium (negative for strong acid); 7.0 like annotate's scored condition."),
    temperature: float = typer.Option(25.0, "--temperature", help="Temperature in C."),
    hours: float = typer.Option(24.0, "--hours", help="Duration in hours."),
    conditions: list[str] = typer.Option(
        None, "--conditions", help=f"Handling presets (comma-separated or repeated; 'all' or 'none'): {', '.join(CONDITION_NAMES)}."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on standard output (a list for several records)."),
    plot: Path | None = typer.Option(None, "--plot", help="Draw the pH-rate profile to FILE.png or FILE.svg."),
) -> None:
    """Hydrolysis risk of the 1,4-diazepan-2-one ring(s), stable pH window and handling presets (atom numbers are 0-based)."""
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        fail(f"--plot needs a .png or .svg file name, got {plot.name}")
    try:
        names = preset_names(conditions, default="all")
    except ReactivityError as exc:
        fail(str(exc))
    try:
        # the range check runs before the basicity model sees the numbers (NaN or inf would reach it otherwise)
        check_conditions(ph, temperature, hours)
    except ReactivityError as exc:
        fail(str(exc))
    records = read_molecules(smiles)
    if plot is not None:
        refuse_several(records, "--plot", smiles)

    def assess(record: InputMolecule) -> StabilityResult:
        mol = record.mol
        n4_pka = _n4_pka(mol, ph, temperature)
        result = assess_stability(mol, ph=ph, temperature_c=temperature, hours=hours, n4_pka=n4_pka, conditions=names)
        if plot is not None:
            if result.ring_count == 0:
                fail("no 1,4-diazepan-2-one ring in the molecule: nothing to plot")
            from reactivity.plotting import plot_ph_rate_profile

            grid, k = ph_rate_profile(mol, temperature, n4_pka)
            title = f"{record.name}  ({temperature:g} C)" if len(record.name) <= 60 else f"pH-rate profile ({temperature:g} C)"
            from reactivity.batch.writers import OutputError, write_output

            figure = io.BytesIO()  # the suffix was checked above
            plot_ph_rate_profile(grid, k, result.stable_ph_window, ph if 0 <= ph <= 14 else None,
                                 window_threshold_per_s(), title, figure, file_format=plot.suffix.lower()[1:])
            try:  # as every output: a file replaced whole, a link or a pipe written through
                write_output(str(plot), figure.getvalue())
            except OutputError as exc:
                fail(f"cannot write the plot: {exc}")
            except OSError as exc:
                fail(f"cannot write {plot}: {exc.strerror or exc}")
        return result

    show_results(assess_records(records, assess, smiles), as_json, _print_human)

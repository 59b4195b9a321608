"""``reactivity nitrosamine``: nitrosatable nitrogens, their N-nitroso products and the CPCA category (screening only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import app
from .common import assess_records, echo_wrapped, read_molecules, show_results

if TYPE_CHECKING:  # the chemistry is imported inside the command (faster start for the other commands)
    from reactivity.nitrosamine import NitrosamineRisk, NitrosoProduct


def _ng(value: float) -> str:
    return f"{value:g} ng/day"


def _product_lines(product: NitrosoProduct, number: int) -> list[str]:
    where = "ring N4" if product.ring_position == "N4" else "nitrogen"
    origin = {
        "n_nitroso_present": "N-nitroso group already present",
        "tertiary_amine_dealkylation": "tertiary amine, nitrosative dealkylation",
    }.get(product.precursor, product.precursor.replace("_", " "))
    mass = "" if product.species.mz_mh is None else f", [M+H]+ {product.species.mz_mh:.4f}"
    lines = [
        f"{number}. {product.site} ({where}, atom {product.atom}; {origin})",
        f"   N-nitroso product: {product.nitroso_smiles}  {product.species.formula}{mass}",
        f"   alpha-H ({product.alpha_h_counts[0]},{product.alpha_h_counts[1]}): {product.alpha_h_score:+d}",
    ]
    if product.lost_group_atoms:
        lines.insert(2, f"   lost group: atoms {', '.join(map(str, product.lost_group_atoms))}")
    for feature in product.features:
        score = "category 5 gate" if feature.kind == "gate" else f"{feature.score:+d}"
        atoms = f" (atoms {', '.join(map(str, feature.atoms))})" if feature.atoms else ""
        lines.append(f"   {feature.name}: {score}{atoms}")
    if product.potency_score is None:
        lines.append(f"   category {product.category} ({product.category_basis})")
    else:
        lines.append(f"   potency score {product.potency_score} -> category {product.category}")
    lines.append(f"   acceptable intake: FDA {_ng(product.ai_fda_ng_per_day)}, EMA {_ng(product.ai_ema_ng_per_day)}")
    lines.extend(f"   note: {note}" for note in product.notes)
    return lines


@app.command("nitrosamine")
def nitrosamine(
    smiles: str = typer.Argument(..., help="SMILES (a salt is free-based; an N-nitroso group is assessed as it is), a molfile (.mol), an SD file (.sdf, one result per record), a .smi/.csv/.tsv file (each optionally .gz), or - for standard input (format sniffed)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on standard output (a list for several records)."),
) -> None:
    """Nitrosamine risk (screening only): each nitrosatable nitrogen, its N-nitroso product and the product's CPCA category (atoms 0-based)."""
    from reactivity.nitrosamine import nitrosamine_risk

    records = read_molecules(smiles, smiles_error="bad SMILES")
    results = assess_records(records, lambda record: nitrosamine_risk(record.mol), smiles, smiles_error="bad SMILES")
    show_results(results, as_json, _print_human)


def _print_human(risk: NitrosamineRisk) -> None:
    """The human-readable nitrosamine report of one molecule, wrapped to the terminal width."""
    echo = echo_wrapped
    echo(f"Nitrosamine risk, {risk.screening_note}. Atom numbers are 0-based.")
    if risk.most_potent_category is None:
        echo("No secondary amine and no N-nitroso group in CPCA scope: no N-nitroso product to categorize.")
    else:
        worst = min(risk.products, key=lambda p: p.category)
        echo(f"Most potent category: {risk.most_potent_category} (FDA {_ng(worst.ai_fda_ng_per_day)}, "
             f"EMA {_ng(worst.ai_ema_ng_per_day)}) over {len(risk.products)} product(s).")
    for number, product in enumerate(risk.products, start=1):
        echo("\n".join(_product_lines(product, number)))
    if risk.dealkylation_products:
        echo(f"Tertiary amines (lower-risk precursors, by nitrosative dealkylation; most potent category "
             f"{risk.most_potent_dealkylation_category}):")
        for number, product in enumerate(risk.dealkylation_products, start=1):
            echo("\n".join(_product_lines(product, number)))
    for site in risk.not_precursors:
        where = f"{site.ring_position} (atom {site.atom})" if site.ring_position else f"atom {site.atom}"
        echo(f"Not a precursor: {where}, {site.nitrogen_class}")
    echo(f"Rules {risk.ruleset_version}: {risk.guidance_version}.")
    echo("References:")
    for ref, text in risk.references:
        echo(f"  [{ref}] {text}")

"""``reactivity explain``: a per-ring, per-site report of one molecule (table, or ``--json``)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from reactivity import MoleculeParseError, ReactivityError, perceive, related_scaffolds
from reactivity.molecule import mol_from_molblock, mol_from_smiles
from reactivity.rules import load_references, load_site_rules

from .app import app
from .common import fail


def _read_one_molecule(source: str):
    """SMILES text, or a one-record .mol/.sdf/.smi file."""
    path = Path(source)
    if path.suffix.lower() in (".mol", ".sdf", ".sd", ".smi", ".smiles") or path.is_file():
        if not path.is_file():
            fail(f"no such file: {source}")
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() in (".smi", ".smiles"):
            lines = [line for line in text.splitlines() if line.strip()]
            if len(lines) != 1:
                fail(f"{source}: explain takes one record, found {len(lines)}; use 'reactivity annotate' for files")
            return mol_from_smiles(lines[0])
        records = [r for r in text.split("$$$$") if r.strip()]
        if len(records) != 1:
            fail(f"{source}: explain takes one record, found {len(records)}; use 'reactivity annotate' for files")
        return mol_from_molblock(records[0])
    return mol_from_smiles(source)


@app.command("explain")
def explain(
    molecule: str = typer.Argument(..., help="SMILES, or a file holding one record (.mol, .sdf, .smi)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Which sites of each 1,4-diazepan-2-one ring react, and how (atom numbers are 0-based)."""
    try:
        mol = _read_one_molecule(molecule)
        rings = perceive(mol)
        related = related_scaffolds(mol) if not rings else ()
    except MoleculeParseError as exc:
        fail(f"bad molecule: {exc}")
    except ReactivityError as exc:
        fail(str(exc))
    refs = load_references()
    used = sorted({ref for ring in rings for g in ring.guidance for ref in g.reference_ids})
    if as_json:
        payload = {
            "input": molecule,
            "ruleset_version": load_site_rules().version,
            "ring_count": len(rings),
            "rings": [ring.to_dict() for ring in rings],
            "related_scaffolds": list(related),
            "references": {ref: refs[ref] for ref in used},
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    console = Console()
    if not rings:
        what = ", ".join(related) if related else "no related scaffold either"
        console.print(f"No 1,4-diazepan-2-one ring. Related scaffold: {what}.")
        return
    for number, ring in enumerate(rings, start=1):
        sites = Table(title=f"Ring {number} of {len(rings)}: {ring.ring_variant}" + (" (salt form)" if ring.salt_form else ""))
        for column in ("site", "atom", "class / facts", "guidance", "refs"):
            sites.add_column(column, overflow="fold")
        classes = {
            "N4": ring.n4_class,
            "N1": ring.n1_class,
            "C2": ", ".join(ring.c2_activation) or "plain lactam",
            "C3": f"{ring.c3_enolizable_h} enolizable H" + (", epimerizable stereocentre" if ring.c3_epimerizable else ""),
        }
        atoms = {"N4": ring.n4, "N1": ring.n1, "C2": ring.c2, "C3": ring.c3}
        for line in ring.guidance:
            sites.add_row(line.site, str(atoms[line.site]), classes[line.site], line.text, ", ".join(line.reference_ids))
        console.print(sites)
        for centre in ring.stereocentres:
            console.print(f"  stereocentre {centre.position} (atom {centre.atom}): {centre.label}")
        for note in ring.notes:
            console.print(f"  note: {note}")
    competing = rings[0].competing_sites
    if competing:
        table = Table(title="Competing sites elsewhere in the molecule")
        for column in ("kind", "category", "atoms", "note"):
            table.add_column(column, overflow="fold")
        for site in competing:
            table.add_row(site.kind, site.category, ",".join(map(str, site.atoms)), site.note)
        console.print(table)
    console.print("References: " + "; ".join(f"[{ref}] {refs[ref]}" for ref in used), soft_wrap=True)

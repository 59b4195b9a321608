"""``reactivity train``: rebuild the model artefacts deterministically from the packaged datasets."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from reactivity.artefacts import HASHES_FILE, sha256_of_bytes

from .app import app
from .common import fail

MODELS = ("pka", "stability")


def _train_one(name: str, output_dir: Path, pka_source: Path | None) -> Path:
    if name == "pka":
        from reactivity.pka_training import train_pka_model

        return train_pka_model(output_dir, pka_source)
    from reactivity.stability_training import train_stability_model

    return train_stability_model(output_dir)


@app.command("train", hidden=True)  # a maintainer command: rebuilds the packaged model artefacts
def train(
    output_dir: Path = typer.Option(Path("models"), "--output-dir", help="Where to write the artefacts and their hashes."),
    only: list[str] = typer.Option(list(MODELS), "--only", help="Train only these models (pka, stability)."),
    pka_source: Path | None = typer.Option(
        None, "--pka-source", help="Re-curate the pKa table from the raw open data in this folder instead of the packaged one."
    ),
) -> None:
    """Rebuild model artefacts and record their SHA-256 in artefact_hashes.json beside them."""
    unknown = sorted(set(only) - set(MODELS))
    if unknown:
        fail(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    if not output_dir.is_dir():
        fail(f"output folder does not exist: {output_dir}")
    if pka_source is not None and not pka_source.is_dir():
        fail(f"pKa source folder does not exist: {pka_source}")
    hashes_path = output_dir / HASHES_FILE
    hashes = json.loads(hashes_path.read_text(encoding="utf-8")) if hashes_path.is_file() else {}
    for name in only:
        artefact = _train_one(name, output_dir, pka_source)
        digest = sha256_of_bytes(artefact.read_bytes())
        hashes[artefact.name] = digest
        typer.echo(f"{artefact.name}  sha256 {digest}")
    hashes_path.write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n", encoding="utf-8")

"""``reactivity train``: rebuild the model artefacts deterministically from the packaged datasets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from reactivity.artefacts import HASHES_FILE, sha256_of_bytes

from .app import app
from .common import fail

MODELS = ("pka", "stability")


def _files_written(only: list[str], pka_source: Path | None) -> list[str]:
    """Names of every file ``train`` writes into the output folder for these models."""
    names = [HASHES_FILE]
    if "pka" in only:
        from reactivity.basicity.model import MODEL_ARTEFACT

        names.append(MODEL_ARTEFACT)
        if pka_source is not None:
            names += ["pka_training.csv", "pka_stepwise.csv", "pka_acid_check.csv"]
    if "stability" in only:
        from reactivity.stability_training import ARTEFACT_NAME

        names.append(ARTEFACT_NAME)
    return names


def _require_scikit_learn() -> None:
    """Exit 2 when scikit-learn, which only training needs (the ``train`` extra), is not installed."""
    from importlib import import_module

    try:
        import_module("sklearn")
    except ImportError:
        fail("reactivity train needs scikit-learn, which annotation does not: pip install 'reactivity[train]'")


def _refuse_links(output_dir: Path, names: list[str]) -> None:
    """Exit 2 before any training when a file to be written is a symbolic link or not a regular file: writing
    would follow the link and overwrite whatever file it points to."""
    for name in names:
        path = output_dir / name
        if path.is_symlink():
            fail(f"{path} is a symbolic link; remove it (train writes real files and never follows links)")
        if path.exists() and not path.is_file():
            fail(f"{path} exists and is not a regular file")


def _write_hashes(path: Path, hashes: dict[str, str]) -> None:
    """Write the hash table through a temporary file and a rename: the rename replaces a link, never its target."""
    temporary = path.with_name(f".{path.name}.part")
    temporary.unlink(missing_ok=True)
    temporary.write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _train_one(name: str, output_dir: Path, pka_source: Path | None) -> Path:
    if name == "pka":
        from reactivity.pka_training import train_pka_model

        return train_pka_model(output_dir, pka_source)
    from reactivity.stability_training import train_stability_model

    return train_stability_model(output_dir)


@app.command("train", hidden=True)  # a maintainer command: rebuilds the packaged model artefacts
def train(
    output_dir: Path = typer.Option(
        Path("models"), "--output-dir",
        help="Where to write the artefacts and their hashes (a symbolic link in place of an artefact is refused).",
    ),
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
    _require_scikit_learn()
    _refuse_links(output_dir, _files_written(only, pka_source))
    hashes_path = output_dir / HASHES_FILE
    hashes = json.loads(hashes_path.read_text(encoding="utf-8")) if hashes_path.is_file() else {}
    for name in only:
        artefact = _train_one(name, output_dir, pka_source)
        digest = sha256_of_bytes(artefact.read_bytes())
        hashes[artefact.name] = digest
        typer.echo(f"{artefact.name}  sha256 {digest}")
    _write_hashes(hashes_path, hashes)

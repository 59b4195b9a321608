"""Small presentation helpers shared by the commands: one-line errors and exit codes."""

from __future__ import annotations

from typing import NoReturn

import typer

EXIT_OK = 0
EXIT_RECORD_ERRORS = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``reactivity: <message>`` as one line on standard error and exit with ``code``."""
    first_line = " ".join(str(message).split())
    typer.echo(f"reactivity: {first_line}", err=True)
    raise typer.Exit(code)

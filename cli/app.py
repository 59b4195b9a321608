"""The Typer application and its command registry.

Exit codes (all commands): 0 success; 1 ``--fail-on-error`` with failed
records; 2 usage error or unreadable input (one-line message, no traceback).
"""

from __future__ import annotations

import sys

import typer

from reactivity import __version__

app = typer.Typer(
    name="reactivity",
    help="Sites, stability, basicity and synthesis checks for 1,4-diazepan-2-one rings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"reactivity {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
) -> None:
    """Sites, stability, basicity and synthesis checks for 1,4-diazepan-2-one rings."""


# Each command lives in its own module and registers itself on ``app`` on import.
from . import explain  # noqa: E402,F401
from . import synth  # noqa: E402,F401
from . import train  # noqa: E402,F401
from . import annotate  # noqa: E402,F401
from . import stability  # noqa: E402,F401
from . import pka  # noqa: E402,F401
from . import nitrosamine  # noqa: E402,F401
from . import report  # noqa: E402,F401
from . import derivatize  # noqa: E402,F401


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("reactivity: interrupted\n")
        sys.exit(130)

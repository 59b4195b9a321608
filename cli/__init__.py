"""The ``reactivity`` command line (Typer): argument parsing, presentation, exit codes; no chemistry.

``app`` (the Typer application with every command registered) is built when first asked for: the console
script (``main``) registers only the command it runs, and imports Typer only after it has started the
workers' fork server for ``annotate`` (start-up time).
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (see :func:`reactivity.cli.app.main`): every outcome is an exit code and at most
    one line on standard error."""
    if argv is None and sys.argv[1:2] == ["annotate"]:
        from reactivity.batch.workerstart import start_early

        start_early()  # the fork server imports and warms up on the other core while this process imports Typer
    from .app import main as run

    _unshadow()
    run(argv)


def _unshadow() -> None:
    """Importing the submodule ``app`` binds it as this package's attribute ``app``; the name means the Typer
    application (:func:`__getattr__`)."""
    import types

    if isinstance(globals().get("app"), types.ModuleType):
        del globals()["app"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from importlib import import_module

        module = import_module(".app", __name__)
        module.register_commands()
        globals()["app"] = module.app
        return module.app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

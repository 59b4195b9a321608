"""The ``reactivity`` command line (Typer): argument parsing, presentation, exit codes; no chemistry.

``app`` (the Typer application with every command registered) is built when first asked for: the console
script (``main``) registers only the command it runs.
"""

from typing import Any

from . import app as _app_module
from .app import main

del app  # the submodule: ``reactivity.cli.app`` below is the Typer application with every command

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":
        _app_module.register_commands()
        return _app_module.app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

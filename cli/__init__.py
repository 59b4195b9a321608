"""The ``reactivity`` command line (Typer): argument parsing, presentation, exit codes; no chemistry."""

from .app import app, main

__all__ = ["app", "main"]

"""The Typer application and its command registry.

Exit codes (all commands): 0 success (also when the reader of standard output
goes away, as with ``| head``); 1 ``--fail-on-error`` with failed records; 2
usage error or unreadable input (one-line message, no traceback); 3 internal
error (a bug: one line on standard error, the traceback with
``REACTIVITY_TRACEBACK=1``); 130 interrupted by Ctrl-C (SIGINT); 143 stopped by
SIGTERM.
"""

from __future__ import annotations

import os
import sys

import typer

from reactivity import __version__

app = typer.Typer(
    name="reactivity",
    help="Sites, stability, basicity and synthesis checks for 1,4-diazepan-2-one rings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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


# Each command lives in its own module and registers itself on ``app`` when that module is imported. The
# console script imports only the module of the command it runs (start-up time: a command does not pay for
# the imports of the others); help, an unknown command and ``reactivity.cli.app`` import them all, in this order
# (the order of the help listing).
COMMAND_MODULES: dict[str, str] = {
    "explain": "explain",
    "synth": "synth",
    "troubleshoot": "synth",
    "train": "train",
    "annotate": "annotate",
    "stability": "stability",
    "pka": "pka",
    "nitrosamine": "nitrosamine",
    "report": "report",
    "derivatize": "derivatize",
    "legend": "legend",
}


def register_commands(command: str | None = None) -> None:
    """Import the module of ``command`` (every command module when None or unknown) so it registers itself."""
    from importlib import import_module

    known = COMMAND_MODULES.get(command or "")
    for module in [known] if known else dict.fromkeys(COMMAND_MODULES.values()):
        import_module(f".{module}", __package__)


def _command_of(argv: list[str]) -> str | None:
    """The command named first on the command line, or None (no command, or an option before it: ``-h annotate``
    shows the help of the whole application, which lists every command)."""
    return argv[0] if argv and not argv[0].startswith("-") else None


EXIT_INTERNAL = 3
SINGLE_MOLECULE_MAX_ATOMS = 2000


def _quiet_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot fail on a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every outcome is an exit code and at most one line on standard error."""
    command = _command_of(sys.argv[1:] if argv is None else list(argv))
    import reactivity.molecule

    # Single-molecule commands refuse huge molecules (minutes of work or a crash inside RDKit); annotate has
    # its own per-record --max-atoms.
    reactivity.molecule.SINGLE_MOLECULE_MAX_ATOMS = SINGLE_MOLECULE_MAX_ATOMS
    register_commands(command)
    try:
        code = app(args=argv, prog_name="reactivity", standalone_mode=False)
    except KeyboardInterrupt:
        sys.stderr.write("reactivity: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)
    except SystemExit:
        raise
    except OSError as exc:
        # A file-system error that reached the top is about a path the user gave (missing, too long, no space).
        name = str(exc.filename or "")
        name = name if len(name) <= 60 else name[:57] + "..."
        sys.stderr.write(f"reactivity: {name + ': ' if name else ''}{exc.strerror or exc}\n")
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        # Typer's (vendored) click exceptions: usage errors show themselves, Abort is a Ctrl-C at a prompt.
        if type(exc).__name__ == "Abort":
            sys.stderr.write("reactivity: interrupted\n")
            sys.exit(130)
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("REACTIVITY_TRACEBACK"):
            raise
        message = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        sys.stderr.write(f"reactivity: internal error ({message}); please report it (REACTIVITY_TRACEBACK=1 shows where)\n")
        sys.exit(EXIT_INTERNAL)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)

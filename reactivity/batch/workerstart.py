"""Starting the fork server of the supervised workers (light: imports neither RDKit nor the annotation code).

Workers are forked from a fork server that imports the package and warms rules and models up
(:mod:`reactivity.batch._preload`) before it forks anyone. :func:`start_early` launches that
server at once, so that its imports and warm-up run on another core while the command line
still imports its own modules; the first worker then starts without waiting for them.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

#: Set by the parent before the fork server starts: JSON of the settings to warm up with
#: (see :func:`reactivity.batch.supervise.warm_up`).
WARM_ENV = "REACTIVITY_WORKER_WARM"
#: What the fork server imports before it forks the first worker.
PRELOAD = ("reactivity.batch.supervise", "reactivity.batch.writers", "reactivity.batch._preload")
#: The warm-up of a default ``reactivity annotate`` run (stability and basicity scored, SD output).
DEFAULT_WARM = json.dumps({"stability": True, "basicity": True, "nitrosamine": False, "reactions": [], "conditions": [],
                           "json_detail": "compact", "output_format": "sdf"})

_CONTEXT: Any = None


def _context() -> Any:
    """A fork-server context (workers fork from a small single-threaded server that has the package loaded)."""
    global _CONTEXT
    if _CONTEXT is None:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(list(PRELOAD))
        else:  # pragma: no cover - not Linux
            context = multiprocessing.get_context("spawn")
        _CONTEXT = context
    return _CONTEXT


@contextlib.contextmanager
def _main_module_hidden(warm: str = "") -> Iterator[None]:
    """Start workers without re-importing the caller's ``__main__`` (a script, ``<stdin>``): they need only this package.

    Workers also start with ``PYTHONSAFEPATH=1``: a worker interpreter started with ``-c`` would otherwise put the
    current directory first on ``sys.path``, and run from a source checkout its ``reactivity/`` folder would shadow
    the installed package (whose ``reactivity.models`` and ``reactivity.datasets`` live elsewhere in the tree).
    ``warm`` (settings JSON, see :func:`reactivity.batch.supervise.warm_up`) is handed to the fork server when this
    start launches it.
    """
    main = sys.modules.get("__main__")
    saved_file = getattr(main, "__file__", None)
    saved_spec = getattr(main, "__spec__", None)
    saved_safe_path = os.environ.get("PYTHONSAFEPATH")
    saved_warm = os.environ.get(WARM_ENV)
    try:
        if warm:
            os.environ[WARM_ENV] = warm
        if main is not None:
            if saved_file is not None:
                del main.__file__
            main.__spec__ = None
        os.environ["PYTHONSAFEPATH"] = "1"
        yield
    finally:
        if saved_warm is None:
            os.environ.pop(WARM_ENV, None)
        else:
            os.environ[WARM_ENV] = saved_warm
        if saved_safe_path is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = saved_safe_path
        if main is not None:
            if saved_file is not None:
                main.__file__ = saved_file
            main.__spec__ = saved_spec


def warm_for(options: Sequence[str]) -> str:
    """The warm-up settings for an ``annotate`` command line: the default run's, without stability or basicity when
    the options switch them off (a sites-only run then loads neither numpy nor the pKa model), with the handling
    presets, derivatization classes and nitrosamine screen the options ask for (their rules are then loaded before
    the first record, not on it). Read from the words of the command line before it is parsed: a wrong guess (an
    unknown preset) only leaves that part to the first chunk, never changes an answer.

    >>> json.loads(warm_for(["lib.sdf", "--no-basicity"]))["basicity"], json.loads(warm_for(["lib.sdf"]))["basicity"]
    (False, True)
    >>> warm = json.loads(warm_for(["lib.sdf", "--conditions=silica_methanol", "--reactions", "acylation", "--nitrosamine"]))
    >>> warm["conditions"], warm["reactions"], warm["nitrosamine"]
    (['silica_methanol'], ['acylation'], True)
    """
    warm = json.loads(DEFAULT_WARM)
    warm["stability"] = "--no-stability" not in options
    warm["basicity"] = "--no-basicity" not in options
    warm["nitrosamine"] = "--nitrosamine" in options
    for name in ("conditions", "reactions"):
        value = _option_value(options, "--" + name)
        warm[name] = [part.strip() for part in value.split(",") if part.strip()] if value else []
    return json.dumps(warm)


def _option_value(options: Sequence[str], name: str) -> str:
    """The value of the last ``name VALUE`` or ``name=VALUE`` among ``options`` ("" when absent)."""
    value = ""
    for index, word in enumerate(options):
        if word == name and index + 1 < len(options):
            value = options[index + 1]
        elif word.startswith(name + "="):
            value = word[len(name) + 1:]
    return value


def start_early(argv: Sequence[str] | None = None) -> bool:
    """Launch the worker fork server now when ``argv`` is a local ``annotate`` run (not help, not Dask); True if started.

    Does nothing for any other command line (another command, ``--help``, ``--engine dask``, a test runner's
    arguments), and never fails: a server that cannot start early is started later by the first worker.

    >>> start_early(["pytest", "-q"]), start_early(["reactivity", "annotate", "--help"])
    (False, False)
    """
    args = list(sys.argv if argv is None else argv)
    if len(args) < 2 or args[1] != "annotate" or any(a in ("-h", "--help", "dask", "--engine=dask") for a in args[2:]):
        return False
    context = _context()
    if getattr(context, "_name", "") != "forkserver":
        return False
    try:
        from multiprocessing import forkserver

        with _main_module_hidden(warm_for(args[2:])):
            forkserver.ensure_running()
    except Exception:  # noqa: BLE001 - an optimisation only
        return False
    return True


__all__ = ["DEFAULT_WARM", "PRELOAD", "WARM_ENV", "start_early", "warm_for"]

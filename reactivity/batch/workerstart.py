"""Starting the fork server of the supervised workers (light: imports neither RDKit nor the annotation code).

Workers are forked from a fork server that imports the package and compiles what every record
needs (:mod:`reactivity.batch._preload`) before it forks anyone. :func:`start_early` launches that
server at once, so that its imports and warm-up run on another core while the command line
still imports its own modules; the first worker then starts without waiting for them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

#: Set by the parent before the fork server starts ("1"): the server then warms up (see
#: :func:`reactivity.batch.supervise.warm_up`).
WARM_ENV = "REACTIVITY_WORKER_WARM"
#: What the fork server imports before it forks the first worker.
PRELOAD = ("reactivity.batch.supervise", "reactivity.batch.writers", "reactivity.batch._preload")

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
def _main_module_hidden(warm: bool = False) -> Iterator[None]:
    """Start workers without re-importing the caller's ``__main__`` (a script, ``<stdin>``): they need only this package.

    Workers also start with ``PYTHONSAFEPATH=1``: a worker interpreter started with ``-c`` would otherwise put the
    current directory first on ``sys.path``, and run from a source checkout its ``reactivity/`` folder would shadow
    the installed package (whose ``reactivity.models`` and ``reactivity.datasets`` live elsewhere in the tree).
    ``warm`` (warm up, see :func:`reactivity.batch.supervise.warm_up`) is handed to the fork server when this start
    launches it.
    """
    main = sys.modules.get("__main__")
    saved_file = getattr(main, "__file__", None)
    saved_spec = getattr(main, "__spec__", None)
    saved_safe_path = os.environ.get("PYTHONSAFEPATH")
    saved_warm = os.environ.get(WARM_ENV)
    try:
        if warm:
            os.environ[WARM_ENV] = "1"
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

        with _main_module_hidden(warm=True):
            forkserver.ensure_running()
    except Exception:  # noqa: BLE001 - an optimisation only
        return False
    return True


__all__ = ["PRELOAD", "WARM_ENV", "start_early"]

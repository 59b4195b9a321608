"""Parsing the packaged rule files, with a cache of the parsed data across runs.

Python's own TOML parser is written in Python: the rule files of a full annotation (about 0.4 MB) take some 50 ms to
parse, a tenth of the start-up of a one-record run. :func:`loads` keeps what it parsed in a cache folder, keyed by
the SHA-256 of the exact text (and the Python version and data format), so a later process of the same user reads
the same data back in a few milliseconds (files owned by another user are ignored); any other text (an edited rule
file, another version of the package) has another key and is parsed afresh. The cache holds data only
(dictionaries, lists, strings, numbers, booleans, written with :mod:`marshal`), never code, and it is written as
every output of the package is (a temporary file renamed onto its name), so a reader never sees half a file.

Where it lives: the folder named by the environment variable ``REACTIVITY_CACHE_DIR`` (set it to an empty string to
turn the cache off), else ``$XDG_CACHE_HOME/reactivity/toml``, else ``~/.cache/reactivity/toml``. A cache that cannot
be read or written (a read-only home, a full disk, a damaged file) only costs the parse: the answers never depend on
it. Details and measurements: ``docs/performance.md``.

>>> loads('rules_version = "demo"\\n[[rule]]\\nid = "x"\\n')
{'rules_version': 'demo', 'rule': [{'id': 'x'}]}
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

#: Environment variable naming the cache folder (an empty value turns the cache off).
CACHE_ENV = "REACTIVITY_CACHE_DIR"
_FORMAT = f"reactivity-toml-cache/1 python {sys.version_info[0]}.{sys.version_info[1]} marshal {marshal.version}"


def cache_dir() -> Path | None:
    """The folder of the parse cache, or None when it is turned off (``REACTIVITY_CACHE_DIR=""``) or no home
    folder is known."""
    named = os.environ.get(CACHE_ENV)
    if named is not None:
        return Path(named) if named.strip() else None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base:
        return Path(base) / "reactivity" / "toml"
    try:
        return Path.home() / ".cache" / "reactivity" / "toml"
    except RuntimeError:  # no home folder can be determined
        return None


def cache_key(text: str) -> str:
    """The name under which the data parsed from ``text`` is kept: SHA-256 of the text and the data format.

    >>> len(cache_key("a = 1")), cache_key("a = 1") == cache_key("a = 2")
    (64, False)
    """
    digest = hashlib.sha256(_FORMAT.encode("ascii"))
    digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, read from the cache when this exact text was parsed before (and stored after a parse).

    Raises :class:`tomllib.TOMLDecodeError` like ``tomllib.loads`` (a malformed text is never cached).
    """
    folder = cache_dir()
    path = None if folder is None else folder / f"{cache_key(text)}.marshal"
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    data = tomllib.loads(text)
    if path is not None:
        _write(path, data)
    return data


def _read(path: Path) -> dict[str, Any] | None:
    """The cached data, or None when the file is absent, unreadable, damaged or not the reader's own (a file another
    user put into a shared cache folder is never trusted: its rules could differ from the text they are filed under)."""
    try:
        with open(path, "rb") as stream:
            if hasattr(os, "getuid") and os.fstat(stream.fileno()).st_uid != os.getuid():
                return None
            data = marshal.loads(stream.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _write(path: Path, data: dict[str, Any]) -> None:
    """Store ``data`` under ``path`` as every output of the package is written (``write_output``: a temporary file
    renamed onto the name); nothing happens when it cannot be stored."""
    try:
        payload = marshal.dumps(data)  # ValueError for values marshal cannot hold (TOML dates and times)
    except ValueError:
        return
    from .batch.writers import write_output  # only on a cache miss: not part of a warm start

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_output(str(path), payload)
    except (OSError, ValueError):  # ValueError: write_output's OutputError (a folder in the way)
        pass


__all__ = ["CACHE_ENV", "cache_dir", "cache_key", "loads"]

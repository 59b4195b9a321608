"""Names of a package imported on first use (PEP 562), so that a command pays only for what it runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, where: Mapping[str, str], namespace: dict[str, Any]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for a package whose public ``name`` lives in submodule ``where[name]``.

    A name is imported from ``package + "." + where[name]`` when first asked for and kept in ``namespace`` (the
    package's globals), so later reads do not come back here.

    >>> namespace = {}
    >>> getter, listing = lazy_names("reactivity", {"AtomText": "atomtext"}, namespace)
    >>> getter("AtomText").__name__, "AtomText" in namespace, listing()
    ('AtomText', True, ['AtomText'])
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__

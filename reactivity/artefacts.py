"""Loading the packaged model artefacts, with a SHA-256 check before unpickling.

Only files shipped inside ``reactivity.models`` can be loaded, by name: a
pickle is never read from a path a user gives. The expected hashes are
recorded here, in the package, and updated by ``reactivity train``.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

import joblib

from .errors import ModelIntegrityError

MODELS_PACKAGE = "reactivity.models"
HASHES_FILE = "artefact_hashes.json"


def sha256_of_bytes(data: bytes) -> str:
    """Hex SHA-256 of a byte string.

    >>> sha256_of_bytes(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


def expected_hashes() -> dict[str, str]:
    """The recorded SHA-256 of every packaged artefact, by file name."""
    text = resources.files(MODELS_PACKAGE).joinpath(HASHES_FILE).read_text(encoding="utf-8")
    table = json.loads(text)
    return {str(k): str(v) for k, v in table.items()}


def verified_artefact_bytes(name: str, expected: dict[str, str] | None = None) -> bytes:
    """Read a packaged artefact and check it against its recorded SHA-256.

    Raises :class:`ModelIntegrityError` when the name is not recorded, the
    file is missing, or the hash differs.

    >>> verified_artefact_bytes("../../etc/passwd")
    Traceback (most recent call last):
    ...
    reactivity.errors.ModelIntegrityError: no recorded hash for artefact '../../etc/passwd'
    """
    table = expected if expected is not None else expected_hashes()
    if name not in table or "/" in name or "\\" in name:
        raise ModelIntegrityError(f"no recorded hash for artefact {name!r}")
    resource = resources.files(MODELS_PACKAGE).joinpath(name)
    if not resource.is_file():
        raise ModelIntegrityError(f"artefact {name!r} is missing from the package")
    data = resource.read_bytes()
    actual = sha256_of_bytes(data)
    if actual != table[name]:
        raise ModelIntegrityError(
            f"artefact {name!r} has SHA-256 {actual[:12]}..., expected {table[name][:12]}...; "
            "refusing to unpickle it (rebuild with 'reactivity train')"
        )
    return data


@lru_cache(maxsize=None)
def load_artefact(name: str) -> Any:
    """Load a packaged joblib artefact after its SHA-256 check (cached per process)."""
    import io

    data = verified_artefact_bytes(name)
    return joblib.load(io.BytesIO(data))

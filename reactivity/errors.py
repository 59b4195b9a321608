"""Typed exceptions raised by the chemistry layer.

The batch layer catches :class:`ReactivityError` per record and writes its
message into the record's error field; the CLI maps it to an exit code.
"""

from __future__ import annotations


class ReactivityError(Exception):
    """Base class of every error this package raises on purpose."""


class MoleculeParseError(ReactivityError):
    """A SMILES string or molblock could not be read or sanitized.

    The message is one line and names the problem, e.g.
    ``sanitize: explicit valence for atom # 3 N, 4, is greater than permitted``.
    """


class RuleDataError(ReactivityError):
    """A packaged rule file is malformed (bad SMARTS, missing field, failing example)."""


class ModelIntegrityError(ReactivityError):
    """A packaged model artefact is missing or its SHA-256 does not match the recorded value."""


class UnknownConditionError(ReactivityError):
    """A handling-condition preset name is not known."""

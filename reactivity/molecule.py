"""Reading molecules quietly: RDKit's log goes into the exception, never to the terminal.

>>> mol = mol_from_smiles("O=C1CNCCCN1")
>>> mol.GetNumAtoms()
8
>>> mol_from_smiles("C1CC(")
Traceback (most recent call last):
...
reactivity.errors.MoleculeParseError: SMILES Parse Error: syntax error while parsing: C1CC(
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rdkit import Chem, rdBase

from .errors import MoleculeParseError

T = TypeVar("T")

_TIMESTAMP = re.compile(r"^\[\d\d:\d\d:\d\d\]\s*")


def _first_log_line(text: str) -> str:
    """The first meaningful line of an RDKit log text, without its timestamp.

    >>> _first_log_line("[19:38:28] SMILES Parse Error: bad\\n[19:38:28] more")
    'SMILES Parse Error: bad'
    """
    for line in text.splitlines():
        line = _TIMESTAMP.sub("", line).strip()
        if line:
            return line
    return ""


@contextmanager
def quiet_rdkit() -> Iterator[list[str]]:
    """Silence RDKit's warning and info logs and collect its error log lines.

    The yielded list is filled with the captured error-log lines (timestamps
    removed) when the block exits.

    >>> with quiet_rdkit() as messages:
    ...     _ = Chem.MolFromSmiles("C1CC(")
    >>> messages[0]
    'SMILES Parse Error: syntax error while parsing: C1CC('
    """
    messages: list[str] = []
    with rdBase.BlockLogs():
        capture = rdBase.CaptureErrorLog()
        capture.__enter__()
        try:
            yield messages
        finally:
            capture.__exit__(None, None, None)
            for line in capture.messages.splitlines():
                line = _TIMESTAMP.sub("", line).strip()
                if line:
                    messages.append(line)


def _sanitize_or_raise(mol: Chem.Mol) -> Chem.Mol:
    """Sanitize in place; turn RDKit's exception into a one-line :class:`MoleculeParseError`."""
    try:
        Chem.SanitizeMol(mol)
    except Exception as exc:  # RDKit raises several unrelated exception classes here
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MoleculeParseError(f"sanitize: {message[0].lower()}{message[1:]}") from None
    return mol


def _parse(reader: Callable[[], Chem.Mol | None], what: str) -> Chem.Mol:
    with quiet_rdkit() as messages:
        mol = reader()
    if mol is None:
        reason = messages[0] if messages else f"RDKit could not read the {what}"
        raise MoleculeParseError(reason)
    with quiet_rdkit():
        return _sanitize_or_raise(mol)


def mol_from_smiles(smiles: str) -> Chem.Mol:
    """Parse and sanitize a SMILES string, raising :class:`MoleculeParseError` with a one-line reason.

    >>> mol_from_smiles("CN(C)(C)(C)C")
    Traceback (most recent call last):
    ...
    reactivity.errors.MoleculeParseError: sanitize: explicit valence for atom # 1 N, 5, is greater than permitted
    >>> mol_from_smiles("")
    Traceback (most recent call last):
    ...
    reactivity.errors.MoleculeParseError: empty SMILES
    """
    if not isinstance(smiles, str) or not smiles.strip():
        raise MoleculeParseError("empty SMILES")
    text = smiles.strip().split()[0]
    return _parse(lambda: Chem.MolFromSmiles(text, sanitize=False), "SMILES")


def mol_from_molblock(molblock: str) -> Chem.Mol:
    """Parse and sanitize a molfile block, keeping explicit hydrogen atoms and the atom order.

    >>> block = Chem.MolToMolBlock(Chem.MolFromSmiles("O=C1CNCCCN1"))
    >>> mol_from_molblock(block).GetNumAtoms()
    8
    """
    return _parse(
        lambda: Chem.MolFromMolBlock(molblock, sanitize=False, removeHs=False, strictParsing=True),
        "molblock",
    )

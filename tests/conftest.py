"""Shared test helpers. Tests read only their own fixtures in tests/data (each with its licence lines)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdkit import Chem

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of committed test fixtures."""
    return DATA


def v3000_with_offset(mol: Chem.Mol, offset: int) -> str:
    """A V3000 molblock whose atoms are numbered ``offset + 1``, ``offset + 2``... (bonds renumbered to match): a
    record whose own atom numbers are not the 1-based positions (``from conftest import v3000_with_offset``)."""
    out, section = [], ""
    for line in Chem.MolToV3KMolBlock(mol).splitlines():
        if line.startswith("M  V30 BEGIN "):
            section = line.split()[-1]
        elif line.startswith("M  V30 END "):
            section = ""
        elif section == "ATOM":
            line = re.sub(r"^M  V30 (\d+)", lambda m: f"M  V30 {int(m.group(1)) + offset}", line)
        elif section == "BOND":
            parts = line.split()
            parts[4], parts[5] = str(int(parts[4]) + offset), str(int(parts[5]) + offset)
            line = "M  V30 " + " ".join(parts[2:])
        out.append(line)
    return "\n".join(out) + "\n"

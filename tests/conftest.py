"""Shared test helpers. Tests read only their own fixtures in tests/data (each with its licence lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of committed test fixtures."""
    return DATA

"""Shared test helpers. Tests never read ../shared: fixtures live in tests/data with their licences."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of committed test fixtures."""
    return DATA

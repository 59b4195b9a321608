"""Result types of site perception (kept importable here; they live in :mod:`reactivity.perception.sites`)."""

from __future__ import annotations

from .perception.sites import (
    C2Activation,
    C3Feature,
    CompetingCategory,
    CompetingSite,
    Guidance,
    N1Class,
    N4Class,
    N4Feature,
    RingSites,
    RingVariant,
    SiteName,
    Stereocentre,
)

__all__ = [
    "C2Activation",
    "C3Feature",
    "CompetingCategory",
    "CompetingSite",
    "Guidance",
    "N1Class",
    "N4Class",
    "N4Feature",
    "RingSites",
    "RingVariant",
    "SiteName",
    "Stereocentre",
]

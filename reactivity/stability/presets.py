"""Names of the handling presets and the pH, temperature and duration ranges of the stability model.

Light on purpose (no numpy, no RDKit): the command line checks its options with these before any chemistry
is imported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..errors import ReactivityError, UnknownConditionError

#: Names of the handling presets (``reactivity/data/handling_conditions.toml``), in the order they are reported.
CONDITION_NAMES: tuple[str, ...] = (
    "aqueous_acid_workup",
    "aqueous_base_workup",
    "bicarbonate_workup",
    "silica_methanol",
    "rp_hplc_tfa",
    "physiological",
    "boc_deprotection",
    "reflux_methanol",
)


def preset_names(values: str | Sequence[str] | None, default: str = "none") -> tuple[str, ...]:
    """Handling preset names from ``--conditions`` values (comma-separated and/or repeated; ``all`` or ``none``;
    ``default`` when none is given), in the order given, each once. Raises :class:`UnknownConditionError` naming
    the unknown ones.

    >>> preset_names("silica_methanol, physiological,silica_methanol")
    ('silica_methanol', 'physiological')
    >>> preset_names(None, default="all") == CONDITION_NAMES, preset_names(["none"])
    (True, ())
    >>> preset_names("boiling_lava")
    Traceback (most recent call last):
    ...
    reactivity.errors.UnknownConditionError: unknown condition preset(s) boiling_lava (known: aqueous_acid_workup, aqueous_base_workup, bicarbonate_workup, silica_methanol, rp_hplc_tfa, physiological, boc_deprotection, reflux_methanol, all, none)
    """
    given = [values] if isinstance(values, str) else list(values or [])
    names = [part.strip() for value in (given or [default]) for part in value.split(",") if part.strip()]
    if names == ["none"]:
        return ()
    if "all" in names:
        return CONDITION_NAMES
    unknown = [name for name in dict.fromkeys(names) if name not in CONDITION_NAMES]
    if unknown:
        raise UnknownConditionError(f"unknown condition preset(s) {', '.join(unknown)} "
                                    f"(known: {', '.join(CONDITION_NAMES)}, all, none)")
    return tuple(dict.fromkeys(names))


_PH_LIMITS = (-1.5, 15.5)
_T_LIMITS = (-20.0, 150.0)


def check_conditions(ph: float, temperature_c: float, hours: float) -> None:
    """Raise :class:`ReactivityError` (one line) when a pH, temperature or duration is outside the model's range.

    >>> check_conditions(7.0, 25.0, 24.0)
    >>> check_conditions(7.0, 25.0, -1.0)
    Traceback (most recent call last):
    ...
    reactivity.errors.ReactivityError: duration must be a positive number of hours, got -1.0
    """
    if not (_PH_LIMITS[0] <= ph <= _PH_LIMITS[1]) or math.isnan(ph):
        raise ReactivityError(f"pH {ph} outside the supported range {_PH_LIMITS[0]} to {_PH_LIMITS[1]}")
    if not (_T_LIMITS[0] <= temperature_c <= _T_LIMITS[1]) or math.isnan(temperature_c):
        raise ReactivityError(f"temperature {temperature_c} C outside the supported range {_T_LIMITS[0]} to {_T_LIMITS[1]} C")
    if not hours > 0 or math.isinf(hours):
        raise ReactivityError(f"duration must be a positive number of hours, got {hours}")

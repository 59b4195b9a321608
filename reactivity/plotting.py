"""Drawing helpers (matplotlib, Agg backend): no chemistry here, only arrays in and a file out.

>>> import numpy as np, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "p.svg"
>>> ph = np.linspace(0, 14, 29)
>>> plot_ph_rate_profile(ph, 1e-10 * (1 + 10 ** (3 - ph) + 10 ** (ph - 11)), (3.0, 11.0), 7.0, 1e-9, "t", path).suffix
'.svg'
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Sequence
from typing import IO

import numpy as np

SUPPORTED_SUFFIXES = (".png", ".svg")


def plot_ph_rate_profile(ph: Sequence[float] | np.ndarray, k_per_s: Sequence[float] | np.ndarray,
                         window: tuple[float, float] | None, chosen_ph: float | None, threshold_per_s: float | None,
                         title: str, path: pathlib.Path | IO[bytes] | IO[str],
                         band: tuple[Sequence[float] | np.ndarray, Sequence[float] | np.ndarray] | None = None,
                         file_format: str | None = None) -> pathlib.Path | IO[bytes] | IO[str]:
    """Plot log k_obs against pH (half-life on the right axis), shade the stable window, mark the chosen pH.

    ``path`` must end in ``.png`` or ``.svg``; the figure is written there and the path returned. An open
    file (``io.StringIO`` for SVG text) works too, with ``file_format``. ``band`` (lower and upper k_obs
    arrays) is drawn as a shaded uncertainty band around the curve.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    if file_format is None:
        path = pathlib.Path(path)  # type: ignore[arg-type]
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise ValueError(f"plot file must end in .png or .svg, got {path.name!r}")
        file_format = path.suffix.lower().lstrip(".")
    ph_values = np.asarray(ph, dtype=float)
    log_k = np.log10(np.asarray(k_per_s, dtype=float))
    figure, axis = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    try:
        axis.plot(ph_values, log_k, color="#1f4e79", linewidth=2.0, label="k_obs (lactam loss)")
        if band is not None:
            axis.fill_between(ph_values, np.log10(np.asarray(band[0], dtype=float)), np.log10(np.asarray(band[1], dtype=float)),
                              color="#1f4e79", alpha=0.15, linewidth=0, label="uncertainty band")
        if window is not None:
            axis.axvspan(window[0], window[1], color="#8fd18f", alpha=0.35, label=f"stable window {window[0]:.1f}-{window[1]:.1f}")
        if threshold_per_s is not None and threshold_per_s > 0:
            axis.axhline(math.log10(threshold_per_s), color="#555555", linestyle=":", linewidth=1.0,
                         label="90 % kept over the reference horizon")
        if chosen_ph is not None:
            axis.axvline(chosen_ph, color="#c0392b", linestyle="--", linewidth=1.2, label=f"chosen pH {chosen_ph:g}")
        axis.set_xlabel("pH")
        axis.set_ylabel("log10 k_obs (s$^{-1}$)")
        axis.set_xlim(float(ph_values.min()), float(ph_values.max()))
        axis.set_title(title, fontsize=10)
        axis.grid(True, alpha=0.3)
        right = axis.twinx()
        low, high = axis.get_ylim()
        right.set_ylim(low, high)
        ticks = [t for t in axis.get_yticks() if low <= t <= high]
        right.set_yticks(ticks)
        right.set_yticklabels([_half_life_label(10.0 ** -t) for t in ticks])
        right.set_ylabel("half-life")
        axis.legend(loc="upper center", fontsize=8)
        figure.tight_layout()
        figure.savefig(path, format=file_format)
    finally:
        plt.close(figure)
    return path


def _half_life_label(inverse_k: float) -> str:
    """Half-life text for 1/k seconds.

    >>> _half_life_label(1e10)
    '220 y'
    """
    seconds = math.log(2.0) * inverse_k
    for unit, size in (("y", 3.15576e7), ("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{_short(seconds / size)} {unit}"
    return f"{_short(seconds)} s"


def _short(value: float) -> str:
    """Two significant figures, without exponent notation below 10^5.

    >>> _short(219.6), _short(3.14159), _short(0.5)
    ('220', '3.1', '0.5')
    """
    if value >= 10.0:
        return f"{float(f'{value:.2g}'):.0f}"
    return f"{value:.2g}"

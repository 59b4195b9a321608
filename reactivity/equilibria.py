"""Acid-base equilibria shared by the capabilities: the one formula for a site's protonated fraction.

Light on purpose (no RDKit, no numpy import): the stability scorer and the pKa tool both use it, and neither loads
the other for it.
"""

from __future__ import annotations

from typing import Any


def protonated_fraction(pka: Any, ph: Any) -> Any:
    """Fraction of a single site in its protonated form at a pH (Henderson-Hasselbalch): a base's conjugate acid, or
    an acid's neutral form. Floats or numpy arrays (broadcast), as given.

    >>> round(protonated_fraction(8.0, 8.0), 3)
    0.5
    >>> round(protonated_fraction(10.0, 7.4), 4)
    0.9975
    >>> import numpy as np
    >>> protonated_fraction(4.0, np.array([3.0, 5.0])).round(4).tolist()
    [0.9091, 0.0909]
    """
    return 1.0 / (1.0 + 10.0 ** (ph - pka))


__all__ = ["protonated_fraction"]

"""Diminishing returns: the value of lifting the deprived of one village and dimension.

The value is a concave piecewise-linear function of the lift L (deprived units lifted,
weighted by programme depth) against the deprived D of the village and dimension. The
share reached s = L / D is cut at doubling breakpoints b = 1/16, 1/8, 1/4, 1/2::

    F(L; D) = sum_k m_k * g_k,    g_k = the part of L in segment k (deprived units),
    segment 0 is [0, D/16], segment k = 1..3 is [D * b_(k-1), D * b_k], segment 4 is
    [D/2, open);    m_k = 2 ** (-beta * k)        (value per deprived unit, unitless)

so every doubling of the share reached is worth 2 ** -beta times the one before. beta = 0
gives F(L; D) = L: the pure efficiency objective, every deprived unit alike. beta = 0.5:
the units beyond half of a village's deprived are worth a quarter of the first sixteenth;
beta = 1: every doubling of the share reached adds the same value (a logarithmic curve).
Because the slopes fall, a maximising solver fills the segments in order, so the
function stays linear for it. Doubling breakpoints make the curve bite at the shares a
district budget actually reaches (a few per cent to a half of a village's deprived);
finer pieces below 1/16 made the plans slower to prove without changing them much.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

BREAKS = (1 / 16, 1 / 8, 1 / 4, 1 / 2)
"""The shares reached at which the value per deprived unit falls."""
SEGMENTS = len(BREAKS) + 1
"""K: the number of linear pieces."""


def slopes(strength: float) -> tuple[float, ...]:
    """m_k = 2 ** (-strength * k) for k = 0 .. K-1 (value per deprived unit)."""
    return tuple(2.0 ** (-strength * k) for k in range(SEGMENTS))


def widths(deprived: float) -> tuple[float, ...]:
    """The segments' widths in deprived units: D * (b_k - b_(k-1)), the last one open."""
    edges = (0.0, *BREAKS)
    return (*(deprived * (b - a) for a, b in itertools.pairwise(edges)), np.inf)


def value(lifted, deprived, strength: float):
    """F(L; D) (weighted deprived units), elementwise for arrays."""
    if isinstance(lifted, float | int) and isinstance(deprived, float | int):
        return _value(float(lifted), float(deprived), strength)
    lifted = np.asarray(lifted, dtype=float)
    if not strength:
        return lifted
    deprived = np.asarray(deprived, dtype=float)
    total = np.zeros(np.broadcast(lifted, deprived).shape)
    edges = (0.0, *BREAKS, np.inf)
    for k, m in enumerate(slopes(strength)):
        low = deprived * edges[k]
        high = deprived * edges[k + 1] if k < SEGMENTS - 1 else np.inf
        total = total + m * np.clip(lifted, low, high) - m * low
    return total


def _value(lifted: float, deprived: float, strength: float) -> float:
    """F(L; D) for one village and dimension (the same sum, without numpy: the quick
    plans ask for it thousands of times)."""
    if not strength:
        return lifted
    total, low = 0.0, 0.0
    for k, edge in enumerate((*BREAKS, math.inf)):
        high = deprived * edge if k < SEGMENTS - 1 else math.inf
        if lifted <= low:
            break
        total += 2.0 ** (-strength * k) * (min(lifted, high) - low)
        low = high
    return total

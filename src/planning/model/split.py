"""The envelope split across districts by marginal value (pembagian pagu antar kabupaten).

Each district d has a budget curve: at budgets b_d,0 < b_d,1 < ... < b_d,K (juta Rp, its
own pagu times the curve's factors, the first the district's floor and the last its cap)
the value v_d,k of a plan that keeps every rule (weighted deprived units reached). The
split maximises the sum of the districts' values on the *upper concave hull* of their
curves, subject to the envelope E::

    max  sum_d V_d(b_d)   s.t.  sum_d b_d = E,  floor_d <= b_d <= cap_d

With concave V_d this is solved exactly by handing out the envelope in segments of the
hulls in the order of their slopes (value per juta, highest first): every district starts
at its floor, and the rest E - sum_d floor_d goes to the steepest segment left, whole
segments while they fit, the last one in part. At the split, every district's marginal
value is at least the *water level* (the slope of the last segment taken) and no segment
left is steeper: no juta moved from one district to another raises the sum on the hulls.

Ties are broken by district code, then segment, so the split is the same on any machine.
A curve point whose value lies below the hull is a point where the quick plan was poor
(not a real dip); the district's own plan within its share is made by the MIP later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

#: a segment shorter than this (juta Rp) is not a segment
TINY = 1e-9


class SplitError(ValueError):
    """The envelope cannot be split: ``key`` names the message, ``params`` its values."""

    def __init__(self, key: str, **params: object):
        self.key, self.params = key, params
        super().__init__(f"{key}: {params}")


@dataclass(frozen=True)
class Split:
    """Each district's share of the envelope (juta Rp), its marginal value at the share
    (value of one more juta: the slope of the hull going up from it), the water level and
    what could not be handed out (the envelope above the sum of the caps)."""

    shares: dict[str, float]
    marginal: dict[str, float]
    level: float
    left: float
    hull_value: dict[str, float]
    """V_d(b_d): the hull's value at each share (weighted deprived units)."""


def upper_hull(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The upper concave hull of the points (budget, value), sorted by budget; the first
    and the last point are always on it. Monotone chain: a point stays when the slope
    into it is above the slope out of it."""
    hull: list[tuple[float, float]] = []
    for b, v in sorted(points):
        if hull and abs(b - hull[-1][0]) <= TINY:
            if v > hull[-1][1]:
                hull.pop()
            else:
                continue
        while len(hull) >= 2:
            (b0, v0), (b1, v1) = hull[-2], hull[-1]
            if (v1 - v0) * (b - b1) <= (v - v1) * (b1 - b0):  # slope into b1 <= out of it
                hull.pop()
            else:
                break
        hull.append((b, v))
    return hull


def hull_value(hull: Sequence[tuple[float, float]], budget: float) -> float:
    """The hull's value at ``budget`` (linear between its points; the end values outside)."""
    if budget <= hull[0][0]:
        return hull[0][1]
    for (b0, v0), (b1, v1) in pairwise(hull):
        if budget <= b1 + TINY:
            return v0 + (v1 - v0) * (budget - b0) / (b1 - b0)
    return hull[-1][1]


def next_slope(hull: Sequence[tuple[float, float]], budget: float) -> float:
    """The value of one more juta at ``budget`` on the hull (the slope of the segment
    going up from it); 0 at the cap."""
    for (b0, v0), (b1, v1) in pairwise(hull):
        if b0 - TINY <= budget < b1 - TINY:
            return (v1 - v0) / (b1 - b0)
    return 0.0


def split_envelope(curves: Mapping[str, Sequence[tuple[float, float]]],
                   envelope: float) -> Split:
    """The split of ``envelope`` (juta Rp) across the districts of ``curves`` (district ->
    points (budget, value), the first its floor, the last its cap). Raises
    :class:`SplitError` when the floors alone need more than the envelope."""
    hulls = {d: upper_hull(points) for d, points in sorted(curves.items()) if points}
    shares = {d: hull[0][0] for d, hull in hulls.items()}
    floors = sum(shares.values())
    if floors > envelope + 1e-6:
        raise SplitError("region.envelope_below_floors", envelope=envelope, floors=floors)
    segments = []
    for d, hull in hulls.items():
        for k, ((b0, v0), (b1, v1)) in enumerate(pairwise(hull)):
            if b1 - b0 > TINY:
                segments.append((-(v1 - v0) / (b1 - b0), d, k, b1 - b0))
    segments.sort()
    left, level = envelope - floors, 0.0
    for negative, d, _k, length in segments:
        if left <= TINY:
            break
        take = min(length, left)
        shares[d] += take
        left -= take
        level = -negative
    marginal = {d: next_slope(hull, shares[d]) for d, hull in hulls.items()}
    return Split(shares=shares, marginal=marginal, level=level, left=max(left, 0.0),
                 hull_value={d: hull_value(hulls[d], shares[d]) for d in hulls})

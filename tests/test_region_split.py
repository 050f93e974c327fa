"""The envelope split across districts (planning.model.split), against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planning.model.split import SplitError, hull_value, split_envelope, upper_hull


def _concave_check(hull):
    slopes = [(v1 - v0) / (b1 - b0) for (b0, v0), (b1, v1) in itertools.pairwise(hull)]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(slopes))


@pytest.mark.parametrize("seed", range(20))
def test_hull_is_concave_and_covers_every_point(seed):
    rng = np.random.default_rng(seed)
    budgets = np.sort(rng.choice(np.arange(0, 40), size=rng.integers(2, 9), replace=False))
    points = [(float(b), float(v)) for b, v in zip(budgets, rng.uniform(0, 50, len(budgets)),
                                                   strict=True)]
    hull = upper_hull(points)
    _concave_check(hull)
    assert hull[0][0] == points[0][0] and hull[-1][0] == points[-1][0]
    assert set(hull) <= set(points)
    for b, v in points:  # every point on or below the hull
        assert v <= hull_value(hull, b) + 1e-9


def _random_curves(rng, districts: int):
    curves = {}
    for d in range(districts):
        floor = int(rng.integers(1, 4))
        steps = rng.integers(1, 4, size=int(rng.integers(1, 4)))
        budgets = np.concatenate([[floor], floor + np.cumsum(steps)])
        values = np.cumsum(rng.uniform(0, 10, len(budgets)))  # any shape: the hull decides
        curves[f"d{d}"] = [(float(b), float(v)) for b, v in zip(budgets, values, strict=True)]
    return curves


def _brute_force(curves, envelope: int) -> float:
    """The best sum of hull values over every split of the envelope in whole units."""
    hulls = {d: upper_hull(p) for d, p in curves.items()}
    ranges = [range(int(h[0][0]), int(h[-1][0]) + 1) for h in hulls.values()]
    best = -np.inf
    for budgets in itertools.product(*ranges):
        if sum(budgets) == envelope:
            best = max(best, sum(hull_value(h, b) for h, b in zip(hulls.values(), budgets,
                                                                   strict=True)))
    return best


@pytest.mark.parametrize("seed", range(30))
def test_split_is_the_best_split_on_the_hulls(seed):
    rng = np.random.default_rng(1000 + seed)
    curves = _random_curves(rng, int(rng.integers(2, 5)))
    floors = sum(p[0][0] for p in curves.values())
    caps = sum(p[-1][0] for p in curves.values())
    envelope = int(rng.integers(floors, caps + 1))
    split = split_envelope(curves, envelope)
    assert sum(split.shares.values()) == pytest.approx(envelope)
    assert split.left == pytest.approx(0.0)
    for d, points in curves.items():
        assert points[0][0] - 1e-9 <= split.shares[d] <= points[-1][0] + 1e-9
    total = sum(split.hull_value.values())
    assert total == pytest.approx(_brute_force(curves, envelope), abs=1e-7)


@pytest.mark.parametrize("seed", range(10))
def test_no_juta_moved_between_districts_raises_the_value(seed):
    """The optimality condition: the value of one more juta in any district (right slope)
    is at most the value of the last juta of any other district (left slope)."""
    rng = np.random.default_rng(2000 + seed)
    curves = _random_curves(rng, 4)
    floors = sum(p[0][0] for p in curves.values())
    caps = sum(p[-1][0] for p in curves.values())
    split = split_envelope(curves, (floors + caps) / 2)
    eps = 1e-3
    for i, j in itertools.permutations(curves, 2):
        hi, hj = upper_hull(curves[i]), upper_hull(curves[j])
        if split.shares[j] - eps < hj[0][0] or split.shares[i] + eps > hi[-1][0]:
            continue
        moved = (hull_value(hi, split.shares[i] + eps) - hull_value(hi, split.shares[i])
                 + hull_value(hj, split.shares[j] - eps) - hull_value(hj, split.shares[j]))
        assert moved <= 1e-9


def test_envelope_above_the_caps_is_left_and_below_the_floors_refused():
    curves = {"a": [(10.0, 5.0), (20.0, 9.0)], "b": [(5.0, 1.0), (10.0, 4.0)]}
    split = split_envelope(curves, 40.0)
    assert split.shares == {"a": 20.0, "b": 10.0}
    assert split.left == pytest.approx(10.0)
    with pytest.raises(SplitError) as error:
        split_envelope(curves, 14.0)
    assert error.value.key == "region.envelope_below_floors"
    assert error.value.params["floors"] == pytest.approx(15.0)


def test_split_does_not_depend_on_the_order_of_the_districts():
    curves = {"b": [(0.0, 0.0), (10.0, 10.0)], "a": [(0.0, 0.0), (10.0, 10.0)],
              "c": [(0.0, 0.0), (10.0, 10.0)]}
    one = split_envelope(curves, 15.0)
    two = split_envelope(dict(reversed(list(curves.items()))), 15.0)
    assert one.shares == two.shares
    assert one.shares == {"a": 10.0, "b": 5.0, "c": 0.0}  # equal slopes: by code

"""The balance floors' targets, computed once for the model, the checks, the quick plans
and the presolve checks, so they all agree (docs/model.md, "Balance floors").

* dimension floor: lifted_d >= s_d * D_d^elig, where D_d^elig is the deprived of
  dimension d in the plan's villages that have at least one eligible programme of d
  (deprived units: households, children or persons);
* absorption floor: spend_a >= min(s * B_a * c, A_a) (juta Rp), where A_a is the most the
  agency's eligible programmes can add up to without passing its pagu B_a (the unit
  bounds, need caps, fixed costs and capacities kept; the other rules not), and
  c = min(1, C / sum_a B_a) when a district ceiling C cuts the money (every agency's
  target in proportion), else 1;
* village package: spend_v >= P (juta Rp) for every village of the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.model.instance import Instance

GRID = 100
"""Money is added up in steps of 1/GRID juta Rp (Rp 10,000) to find A_a."""


@dataclass(frozen=True)
class DimensionFloor:
    dimension: str
    share: float
    deprived: float
    """D_d^elig (deprived units)."""

    @property
    def target(self) -> float:
        return self.share * self.deprived


@dataclass(frozen=True)
class AbsorptionFloor:
    agency: str
    share: float
    pagu: float
    limit: float
    """A_a: the most its programmes can add up to within the pagu (juta Rp)."""
    cut: float = 1.0
    """c: the district ceiling's cut of all the pagu (1 without a ceiling below it)."""

    @property
    def target(self) -> float:
        return min(self.share * self.pagu * self.cut, self.limit)

    @property
    def limited(self) -> bool:
        """Whether the agency cannot absorb the full share (its programmes' costs)."""
        return self.limit < self.share * self.pagu * self.cut - 1e-9


def dimension_floors(instance: Instance) -> list[DimensionFloor]:
    """The dimension floors that apply: a share > 0 and an eligible programme; D_d^elig
    sums the deprived of the villages with an eligible pair of d."""
    rules = instance.settings.rules
    deprived = instance.deprived
    shares = {d: rules.dimension_floor(d) for d in deprived["dimension"].drop_duplicates()}
    if not any(share > 0 for share in shares.values()):
        return []
    eligible = pd.MultiIndex.from_frame(
        instance.pairs[["dimension", "village"]].drop_duplicates())
    inside = pd.MultiIndex.from_frame(deprived[["dimension", "village"]]).isin(eligible)
    total = deprived["deprived"][inside].groupby(deprived["dimension"][inside]).sum()
    served = set(eligible.get_level_values(0))
    return [DimensionFloor(d, share, float(total.get(d, 0.0)))
            for d, share in shares.items() if share > 0 and d in served]


def absorption_floors(instance: Instance) -> list[AbsorptionFloor]:
    """The absorption floor of every agency with a pagu > 0 (none when off)."""
    share = instance.settings.rules.agency_min_absorption
    if not share:
        return []
    total, ceiling = float(instance.pagu.sum()), instance.ceiling
    cut = min(1.0, ceiling / total) if ceiling is not None and total > 0 else 1.0
    return [AbsorptionFloor(a, float(share), float(b), absorption_limit(
        instance, a, enough=float(share) * float(b) * cut), cut)
        for a, b in instance.pagu.items() if b > 0]


def absorption_limit(instance: Instance, agency: str, enough: float | None = None) -> float:
    """A_a = max { spend of a plan of the agency's eligible pairs <= B_a } (juta Rp): a
    bounded knapsack over the pairs, each run with 0 or lo..hi units, and (with the
    capacity rule on) each programme in at most max_villages villages, solved exactly on
    a grid of 1/GRID juta Rp with bitsets (bit s set: spend s/GRID is reachable; a
    programme with a capacity keeps one bitset per number of villages it runs in). Costs
    are rounded up to the grid (a combination that fits on the grid fits the pagu), and
    the most that rounding can have added (units x rounding, over every pair) is taken
    off the result, so A_a is never above what a plan can really spend; with costs on
    the grid (whole Rp 10,000) A_a is exact. ``enough`` (juta Rp): stop as soon as a
    spend of at least that much is reachable (then A_a >= enough is all that matters)."""
    budget = float(instance.pagu[agency])
    key = ("absorption_limit", agency, budget, enough, instance.settings.rules.capacity)
    cache = instance.cache
    if key in cache:
        return cache[key]
    top = math.floor(budget * GRID + 1e-6)
    stop = top if enough is None else min(top, math.ceil(enough * GRID - 1e-6))
    capacity = instance.programs.set_index("code")["max_villages"]
    pairs = instance.pairs[instance.pairs["agency"] == agency]
    if enough is not None:
        found = _enough_witness(instance, pairs, capacity, top, stop, enough)
        if found is not None:
            cache[key] = found
            return found
    mask = (1 << (top + 1)) - 1
    reachable, rounding = 1, 0.0
    unit_grid, fixed_grid, slack = _grid_costs(pairs)
    pairs = pairs.assign(unit_grid=unit_grid, fixed_grid=fixed_grid, slack=slack)
    for program, rows in pairs.groupby("program", sort=True):
        steps = []
        for pair in rows.itertuples(index=False):
            unit, fixed = int(pair.unit_grid), int(pair.fixed_grid)
            rounding += pair.slack
            steps.append([n * unit + fixed for n in range(int(pair.lo), int(pair.hi) + 1)
                          if n * unit + fixed <= top])
        limit = capacity.get(program)
        if (not instance.settings.rules.capacity or limit is None or limit != limit
                or len(steps) <= limit):
            for shifts in steps:
                reachable = (reachable | _shifted(reachable, shifts)) & mask
        else:  # layers[k]: reachable with p in exactly k villages so far
            layers = [reachable] + [0] * int(limit)
            for shifts in steps:
                for k in range(int(limit), 0, -1):
                    if layers[k - 1]:
                        layers[k] = (layers[k] | _shifted(layers[k - 1], shifts)) & mask
            reachable = 0
            for layer in layers:
                reachable |= layer
        if reachable >> stop:
            break  # enough (or the whole pagu) can be spent
    off = rounding if rounding > 1e-6 else 0.0
    cache[key] = max(0.0, (reachable.bit_length() - 1 - off) / GRID)
    return cache[key]


def _enough_witness(instance: Instance, pairs, capacity, top: int, stop: int,
                    enough: float) -> float | None:
    """A quick proof that A_a >= ``enough``: one plan of the agency's pairs (each at the
    most units between lo and hi that still fit, programmes in at most max_villages
    villages) whose spend on the grid of 1/GRID juta Rp, with every cost rounded up to
    the grid as the knapsack rounds it, is within the pagu and, less the most that
    rounding can have added over every pair (the knapsack's own deduction), at least
    ``enough``. That spend less the deduction (juta Rp) is returned, or None when this
    plan falls short (the exact knapsack then decides). The plan is one of the
    combinations the knapsack adds up, so the knapsack's A_a is at least as large, and
    the floor's target min(s x B_a x c, A_a) is the same either way."""
    units, fixed, slack = _grid_costs(pairs)
    off = float(slack.sum())
    off = off if off > 1e-6 else 0.0
    check_capacity = instance.settings.rules.capacity
    used: dict[str, int] = {}
    spent = 0
    for program, unit, fix, lo, hi in zip(pairs["program"], units.astype(int).tolist(),
                                          fixed.astype(int).tolist(),
                                          pairs["lo"].astype(int).tolist(),
                                          pairs["hi"].astype(int).tolist(), strict=True):
        limit = capacity.get(program)
        if (check_capacity and limit is not None and limit == limit
                and used.get(program, 0) >= limit):
            continue
        room = top - spent - fix
        n = min(hi, room // unit) if unit > 0 else (hi if room >= 0 else lo - 1)
        if n < lo or room < 0:
            continue
        spent += n * unit + fix
        used[program] = used.get(program, 0) + 1
        if spent - off >= stop and (spent - off) / GRID >= enough:
            return (spent - off) / GRID
    return None


def _grid_costs(pairs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair: its unit and fixed cost rounded up to the grid (steps of 1/GRID juta
    Rp), and the most that rounding adds to a run of it, hi units:
    max(0, (unit' - unit) x hi + fixed' - fixed) (grid steps)."""
    unit_cost = pairs["unit_cost"].to_numpy(dtype=float) * GRID
    fixed_cost = pairs["fixed_cost"].to_numpy(dtype=float) * GRID
    units = np.ceil(unit_cost - 1e-6)
    fixed = np.ceil(fixed_cost - 1e-6)
    slack = np.maximum(0.0, (units - unit_cost) * pairs["hi"].to_numpy(dtype=float)
                       + fixed - fixed_cost)
    return units, fixed, slack


def _shifted(bits: int, shifts: list[int]) -> int:
    """The union of ``bits`` moved up by each of ``shifts`` (sums s + shift)."""
    out = 0
    for shift in shifts:
        out |= bits << shift
    return out


def village_package(instance: Instance) -> float:
    """P (juta Rp), 0 when off."""
    return float(instance.settings.rules.village_min_package or 0.0)

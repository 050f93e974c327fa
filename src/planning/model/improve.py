"""Improving a plan by small exchanges (perbaikan lokal): a local search on its units.

A re-plan after a change (:func:`planning.model.kept.replan`) first solves the MIP to a
looser gap (a certified plan fast), then again to the scenario's gap. The second solve is
slow where HiGHS needs one of its sub-MIPs to find a better plan; started from a better
plan it stops sooner (measured in bench/README.md, ``bench_analysis.py`` part (a)).
:func:`improve_plan` gives it that plan: from the first plan, it takes, one at a time,
the move that raises the plan's value most among

* **add**: one more unit of a programme already running in a village, or the programme
  opened in a village at its minimum units, paid from money the agency has left;
* **exchange**: that, together with one unit fewer of another pair, or that pair closed,
  of the same agency (the money moves) or of the same village (the village keeps its
  package);

with the partners a move needs under the ``requires`` and ``excludes`` rules opened or
closed with it. Moves are ranked by an estimate of their gain; the first
:data:`TRIES` are valued exactly, and the first that raises the value and keeps every
rule is taken. The search stops when no move does, or after :data:`MAX_MOVES` moves.

Every number is the model's own arithmetic (:mod:`planning.model.evaluate`): the same
synergy bonuses, depth order, saturation and diminishing returns, in numpy over the
instance's pairs (:meth:`LocalSearch.value` equals :func:`planning.model.evaluate`'s
objective; tested). Every rule is checked on each move taken (:meth:`LocalSearch.broken`,
the rules of :mod:`planning.model.check` on arrays) and the final plan once more by
:func:`planning.model.check_plan`. The search is deterministic: no random numbers, ties
broken by the pairs' order.

Only instances of at most :data:`MAX_PAIRS` pairs are searched (the exchanges are all
pairs of pairs of one agency or one village, so their number grows with the square of an
agency's pairs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.model import floors, returns
from planning.model.instance import Instance
from planning.model.rules import check_plan

#: moves taken at most
MAX_MOVES = 500
#: moves valued exactly per step, best estimated gain first
TRIES = 30
#: the largest instance searched (pairs); beyond it :func:`improve_plan` returns None.
#: The baseline's 27 focus villages have 571 pairs (a search from a re-plan's first plan:
#: 10-140 ms); all 148 villages of Buleleng have 3,150 pairs and 1.2 million exchanges,
#: where a search from the greedy plan took 14.5 s: not searched
MAX_PAIRS = 1500
#: tolerance of the rule checks (juta Rp, deprived units), as :mod:`planning.model.check`
TOL = 1e-6


@dataclass(frozen=True)
class Effect:
    """What units u do: the objective (weighted deprived units), and per (village,
    dimension) cell the lift (deprived units, weighted by depth) and the deprived units
    removed; per pair its synergy bonus (unitless)."""

    objective: float
    lifted: np.ndarray
    removed: np.ndarray
    bonus: np.ndarray


def _codes(values, order: list) -> np.ndarray:
    index = {v: i for i, v in enumerate(order)}
    return np.array([index[v] for v in values], dtype=int)


class LocalSearch:
    """The instance's pairs as arrays, for exact values and rule checks of many plans.

    A plan is a vector u of units, one entry per row of ``instance.pairs``."""

    def __init__(self, instance: Instance):
        pairs = instance.pairs.reset_index(drop=True)
        rules = instance.settings.rules
        self.n = len(pairs)
        self.keys = list(zip(pairs["village"], pairs["program"], strict=True))
        self.key_row = {key: i for i, key in enumerate(self.keys)}
        villages = list(instance.villages["code"])
        agencies = list(instance.pagu.index) + sorted(set(pairs["agency"])
                                                      - set(instance.pagu.index))
        programs = sorted(set(pairs["program"]))
        kecamatan = sorted(set(instance.villages["kecamatan_code"]))
        self.village = _codes(pairs["village"], villages)
        self.agency = _codes(pairs["agency"], agencies)
        self.program = _codes(pairs["program"], programs)
        self.kecamatan = _codes(pairs["kecamatan_code"], kecamatan)
        self.sizes = (len(villages), len(agencies), len(programs), len(kecamatan))
        self._cells(instance, pairs, villages)
        self.lo = pairs["lo"].to_numpy(dtype=int)
        self.hi = pairs["hi"].to_numpy(dtype=int)
        self.unit_cost = pairs["unit_cost"].to_numpy(dtype=float)
        self.fixed_cost = pairs["fixed_cost"].to_numpy(dtype=float)
        self.reach = pairs["reach"].to_numpy(dtype=float)
        self.depth = pairs["depth"].to_numpy(dtype=float)
        self.strength = rules.diminishing_returns
        self.saturation = rules.saturation
        self._links(instance, villages)
        self._locks(instance)
        self._limits(instance, agencies, programs)

    # -- set-up ----------------------------------------------------------------------
    def _cells(self, instance: Instance, pairs: pd.DataFrame, villages: list) -> None:
        """The (village, dimension) cells: deprived D, weight w_v x omega_d, and the
        pairs in the order evaluate takes them (per cell the deepest first, then the
        programme code)."""
        deprived = instance.deprived.reset_index(drop=True)
        cell_of = {key: i for i, key in enumerate(zip(deprived["village"],
                                                      deprived["dimension"], strict=True))}
        self.cell = np.array([cell_of[key] for key in zip(pairs["village"],
                                                          pairs["dimension"], strict=True)],
                             dtype=int)
        self.n_cells = len(deprived)
        self.deprived = deprived["deprived"].to_numpy(dtype=float)
        weight = instance.villages.set_index("code")["weight"]
        self.cell_weight = (deprived["village"].map(weight).to_numpy(dtype=float)
                            * deprived["omega"].to_numpy(dtype=float))
        dimensions = sorted(set(deprived["dimension"]))
        self.dimensions = dimensions
        self.cell_dimension = _codes(deprived["dimension"], dimensions)
        order = pd.DataFrame({"cell": self.cell, "neg": -pairs["depth"].to_numpy(dtype=float),
                              "program": pairs["program"]}).sort_values(
            ["cell", "neg", "program"], kind="stable").index.to_numpy()
        self.order = order
        ordered = self.cell[order]
        first = np.r_[True, ordered[1:] != ordered[:-1]] if len(order) else np.zeros(0, bool)
        self.cell_start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))

    def _links(self, instance: Instance, villages: list) -> None:
        """Synergy, requires and excludes rules as pairs of pair rows per village; a
        programme that requires one not eligible in the village cannot run there."""
        def rows(a: str, b: str):
            for v in villages:
                if (v, a) in self.key_row and (v, b) in self.key_row:
                    yield self.key_row[(v, a)], self.key_row[(v, b)]
        syn = [(i, j, bonus) for a, b, bonus in instance.synergies for i, j in rows(a, b)]
        self.syn_a = np.array([s[0] for s in syn], dtype=int)
        self.syn_b = np.array([s[1] for s in syn], dtype=int)
        self.syn_bonus = np.array([s[2] for s in syn], dtype=float)
        req = [ij for a, b in instance.requires for ij in rows(a, b)]
        self.req_a = np.array([r[0] for r in req], dtype=int)
        self.req_b = np.array([r[1] for r in req], dtype=int)
        exc = [ij for a, b in instance.excludes for ij in rows(a, b)]
        self.exc_a = np.array([e[0] for e in exc], dtype=int)
        self.exc_b = np.array([e[1] for e in exc], dtype=int)
        self.orphan = np.zeros(self.n, dtype=bool)
        for a, b in instance.requires:
            for v in villages:
                if (v, a) in self.key_row and (v, b) not in self.key_row:
                    self.orphan[self.key_row[(v, a)]] = True

    def _locks(self, instance: Instance) -> None:
        """Per pair the fewest and most units the locks allow (0 .. hi without one)."""
        self.least = np.zeros(self.n, dtype=int)
        self.most = self.hi.copy()
        for lock in instance.locks:
            i = self.key_row.get((lock.village, lock.program))
            if i is None:
                continue
            if lock.state == "out" or lock.units == 0:
                self.most[i] = 0
            elif lock.units is None:
                self.least[i] = max(self.least[i], self.lo[i], 1)
            else:
                self.least[i] = self.most[i] = lock.units

    def _limits(self, instance: Instance, agencies: list, programs: list) -> None:
        """Pagu B_a and absorption targets A_a (juta Rp), capacity K_p (villages), the
        package, shares, coverage, ceiling and dimension floors of the rules."""
        rules = instance.settings.rules
        self.pagu = np.array([float(instance.pagu[a]) if rules.budget_limits
                              and a in instance.pagu.index else math.inf for a in agencies])
        self.absorption = np.zeros(len(agencies))
        for floor in floors.absorption_floors(instance):
            self.absorption[agencies.index(floor.agency)] = max(floor.target, 0.0)
        limit = instance.programs.set_index("code")["max_villages"]
        self.capacity = np.array([float(limit[p]) if rules.capacity and p in limit.index
                                  and pd.notna(limit[p]) else math.inf for p in programs])
        self.package = floors.village_package(instance)
        self.min_share = rules.kecamatan_min_share or 0.0
        self.max_share = rules.village_max_share or 0.0
        self.coverage = rules.min_programs_per_village
        self.ceiling = instance.ceiling if instance.ceiling is not None else math.inf
        self.dimension_floor = np.zeros(len(self.dimensions))
        for floor in floors.dimension_floors(instance):
            self.dimension_floor[self.dimensions.index(floor.dimension)] = floor.target

    # -- plans as vectors --------------------------------------------------------------
    def units(self, plan: pd.DataFrame) -> np.ndarray:
        """A plan (village, program, units) as the vector u (KeyError: a pair that is
        not eligible)."""
        u = np.zeros(self.n, dtype=int)
        for v, p, k in zip(plan["village"], plan["program"], plan["units"], strict=True):
            if k:
                u[self.key_row[(v, p)]] = int(k)
        return u

    def plan(self, u: np.ndarray) -> pd.DataFrame:
        """The vector u as a plan (village, program, units), units > 0, sorted."""
        rows = [(*self.keys[i], int(u[i])) for i in np.flatnonzero(u)]
        return pd.DataFrame(rows, columns=["village", "program", "units"]).sort_values(
            ["village", "program"], kind="stable").reset_index(drop=True)

    def spend(self, u: np.ndarray) -> np.ndarray:
        """c_p x[p,v] + f_p y[p,v] per pair (juta Rp)."""
        return self.unit_cost * u + self.fixed_cost * (u > 0)

    # -- the model's arithmetic ------------------------------------------------------
    def bonus(self, u: np.ndarray) -> np.ndarray:
        """Per pair the sum of the synergy bonuses whose partner runs in its village."""
        bonus = np.zeros(self.n)
        if len(self.syn_a):
            runs = u > 0
            both = (runs[self.syn_a] & runs[self.syn_b]) * self.syn_bonus
            np.add.at(bonus, self.syn_a, both)
            np.add.at(bonus, self.syn_b, np.where(self.syn_a != self.syn_b, both, 0.0))
        return bonus

    def value(self, u: np.ndarray) -> Effect:
        """The objective sum_cells w_v omega_d F(L; D) of u, as
        :func:`planning.model.evaluate.evaluate` computes it: reach r x u x (1 + bonus)
        per pair; per cell the pairs in depth order take it until D is used up (with
        saturation); L = sum of taken x depth."""
        bonus = self.bonus(u)
        reached = (self.reach * u * (1.0 + bonus))[self.order]
        before = np.cumsum(reached) - reached
        before = before - before[self.cell_start] if len(before) else before
        ordered = self.cell[self.order]
        taken = np.clip(self.deprived[ordered] - before, 0.0, reached) if self.saturation \
            else reached
        lifted = np.bincount(ordered, taken * self.depth[self.order], minlength=self.n_cells)
        removed = np.bincount(ordered, taken, minlength=self.n_cells)
        worth = returns.value(lifted, self.deprived, self.strength)
        return Effect(float((self.cell_weight * worth).sum()), lifted, removed, bonus)

    # -- the rules -------------------------------------------------------------------
    def broken(self, u: np.ndarray, removed: np.ndarray | None = None) -> str | None:
        """The first rule u breaks (its name in :mod:`planning.model.rules`), None when it
        keeps every one; the same formulas as :mod:`planning.model.check`."""
        n_v, n_a, n_p, n_k = self.sizes
        runs = u > 0
        if np.any(runs & ((u < self.lo) | (u > self.hi))):
            return "units"
        if np.any(u < self.least) or np.any(u > self.most):
            return "lock"
        if np.any(runs & self.orphan):
            return "requires"
        spend = self.spend(u)
        by_agency = np.bincount(self.agency, spend, minlength=n_a)
        if np.any(by_agency > self.pagu + TOL):
            return "pagu"
        if np.any(by_agency < self.absorption - TOL):
            return "absorption"
        total = float(spend.sum())
        if total > self.ceiling + TOL:
            return "ceiling"
        by_village = np.bincount(self.village, spend, minlength=n_v)
        if self.max_share and np.any(by_village > self.max_share * total + TOL):
            return "village_share"
        if self.package and np.any(by_village < self.package - TOL):
            return "village_package"
        if self.min_share and np.any(np.bincount(self.kecamatan, spend, minlength=n_k)
                                     < self.min_share * total - TOL):
            return "kecamatan_share"
        if self.coverage and np.any(np.bincount(self.village, runs, minlength=n_v)
                                    < self.coverage):
            return "coverage"
        if np.any(np.bincount(self.program, runs, minlength=n_p) > self.capacity):
            return "capacity"
        if len(self.req_a) and np.any(runs[self.req_a] & ~runs[self.req_b]):
            return "requires"
        if len(self.exc_a) and np.any(runs[self.exc_a] & runs[self.exc_b]):
            return "excludes"
        if self.dimension_floor.any():
            removed = self.value(u).removed if removed is None else removed
            got = np.bincount(self.cell_dimension, removed, minlength=len(self.dimensions))
            if np.any(got < self.dimension_floor - TOL):
                return "dimension_floor"
        return None

    def with_partners(self, u: np.ndarray, opened: int) -> None:
        """In place: the partners of a move under requires and excludes. The pair
        ``opened`` (-1: none) brings the programme it requires (at its minimum units);
        a programme whose required partner closed closes; of two excluded programmes
        the one not just opened closes."""
        for _ in range(3):
            runs = u > 0
            changed = False
            if len(self.req_a):
                missing = runs[self.req_a] & ~runs[self.req_b]
                for a, b in zip(self.req_a[missing], self.req_b[missing], strict=True):
                    if a == opened:
                        u[b] = max(self.lo[b], 1, self.least[b])
                    else:
                        u[a] = 0
                    changed = True
            if len(self.exc_a):
                both = runs[self.exc_a] & runs[self.exc_b]
                for a, b in zip(self.exc_a[both], self.exc_b[both], strict=True):
                    u[b if a == opened else a] = 0
                    changed = True
            if not changed:
                return

    # -- the search ------------------------------------------------------------------
    def exchanges(self) -> tuple[np.ndarray, np.ndarray]:
        """Every ordered pair (i, j), i != j, of pairs of the same agency or the same
        village: i gains units, j gives them up."""
        if not hasattr(self, "_exchanges"):
            gain, give = [], []
            for group in (self.agency, self.village):
                for g in np.unique(group):
                    rows = np.flatnonzero(group == g)
                    a, b = np.meshgrid(rows, rows, indexing="ij")
                    keep = a != b
                    gain.append(a[keep])
                    give.append(b[keep])
            gain_all = np.concatenate(gain) if gain else np.zeros(0, dtype=int)
            give_all = np.concatenate(give) if give else np.zeros(0, dtype=int)
            _, first = np.unique(gain_all * self.n + give_all, return_index=True)
            self._exchanges = (gain_all[first], give_all[first])
        return self._exchanges

    def candidates(self, u: np.ndarray, effect: Effect) -> tuple[np.ndarray, ...]:
        """The moves worth valuing from u, by estimated gain (best first): arrays of
        the pair that gains, the pair that gives (-1: none) and the units it gives.
        The estimate is the change of F in the moved pairs' cells alone (no synergy or
        depth-order effects); the money, share, package, coverage and capacity rules
        are screened here, every rule is checked exactly when a move is valued."""
        n_v, n_a, n_p, n_k = self.sizes
        runs = u > 0
        spend = self.spend(u)
        by_agency = np.bincount(self.agency, spend, minlength=n_a)
        room = self.pagu - by_agency
        above_floor = by_agency - self.absorption
        total = float(spend.sum())
        by_village = np.bincount(self.village, spend, minlength=n_v)
        by_kecamatan = np.bincount(self.kecamatan, spend, minlength=n_k)
        opened_count = np.bincount(self.village, runs, minlength=n_v)
        in_villages = np.bincount(self.program, runs, minlength=n_p)
        step = np.where(runs, 1, np.maximum(self.lo, 1))
        can_add = (u + step <= np.minimum(self.hi, self.most)) & ~self.orphan
        opening = ~runs
        cost_add = self.unit_cost * step + self.fixed_cost * opening
        per_unit = self.reach * (1.0 + effect.bonus)
        cell = self.cell
        deprived = self.deprived[cell]
        reached = per_unit * step
        if self.saturation:
            reached = np.minimum(reached, np.maximum(deprived - effect.removed[cell], 0.0))
        lift = effect.lifted[cell]
        now = returns.value(lift, deprived, self.strength)
        gain = self.cell_weight[cell] * (
            returns.value(lift + self.depth * reached, deprived, self.strength) - now)
        ok = (can_add & (cost_add <= room[self.agency] + TOL)
              & (total + cost_add <= self.ceiling + TOL) & (gain > 1e-9)
              & (~opening | (in_villages[self.program] + 1 <= self.capacity[self.program])))
        if self.max_share:
            ok &= by_village[self.village] + cost_add <= \
                self.max_share * (total + cost_add) + TOL
        found = [(gain[ok], np.flatnonzero(ok), np.full(int(ok.sum()), -1),
                  np.zeros(int(ok.sum()), dtype=int))]
        gain_i, give_j = self.exchanges()
        same_agency = self.agency[gain_i] == self.agency[give_j]
        same_village = self.village[gain_i] == self.village[give_j]
        one_fewer = np.where((u - 1 >= self.lo) & (u - 1 >= self.least), 1, 0)
        all_of_it = np.where(runs & (self.least == 0), u, 0)
        for given in (one_fewer, all_of_it):
            closing = (given > 0) & (given == u)
            freed = self.unit_cost * given + self.fixed_cost * closing
            lost = np.minimum(per_unit * given, effect.removed[cell])
            loss = self.cell_weight[cell] * (now - returns.value(
                np.maximum(lift - self.depth * lost, 0.0), deprived, self.strength))
            paid, back = cost_add[gain_i], freed[give_j]
            net = paid - back
            a_in, a_out = self.agency[gain_i], self.agency[give_j]
            keep = can_add[gain_i] & (given[give_j] > 0)
            keep &= np.where(same_agency,
                             (net <= room[a_in] + TOL) & (-net <= above_floor[a_in] + TOL),
                             (paid <= room[a_in] + TOL) & (back <= above_floor[a_out] + TOL))
            after = total + net
            keep &= after <= self.ceiling + TOL
            v_in, v_out = self.village[gain_i], self.village[give_j]
            if self.max_share:
                keep &= by_village[v_in] + paid - back * same_village <= \
                    self.max_share * after + TOL
            if self.package:
                keep &= by_village[v_out] - back + paid * same_village >= self.package - TOL
            if self.min_share:
                same_kecamatan = self.kecamatan[gain_i] == self.kecamatan[give_j]
                keep &= by_kecamatan[self.kecamatan[give_j]] - back + paid * same_kecamatan \
                    >= self.min_share * after - TOL
            if self.coverage:
                keep &= ~closing[give_j] | (opened_count[v_out] - 1
                                            + (opening[gain_i] & same_village)
                                            >= self.coverage)
            same_program = self.program[gain_i] == self.program[give_j]
            keep &= ~opening[gain_i] | (in_villages[self.program[gain_i]] + 1
                                        - (closing[give_j] & same_program)
                                        <= self.capacity[self.program[gain_i]])
            score = gain[gain_i] - loss[give_j]
            keep &= score > 1e-9
            pick = np.flatnonzero(keep)
            found.append((score[pick], gain_i[pick], give_j[pick], given[give_j[pick]]))
        score, gains, gives, units = (np.concatenate(part) for part in zip(*found, strict=True))
        best = np.argsort(-score, kind="stable")[:TRIES]
        return gains[best], gives[best], units[best], step

    def improve(self, u: np.ndarray) -> tuple[np.ndarray, float]:
        """From a plan u that keeps every rule, the plan the moves lead to and its
        objective (never below u's)."""
        u = u.copy()
        effect = self.value(u)
        for _ in range(MAX_MOVES):
            gains, gives, units, step = self.candidates(u, effect)
            for i, j, k in zip(gains, gives, units, strict=True):
                moved = u.copy()
                moved[i] += step[i]
                if j >= 0:
                    moved[j] -= k
                self.with_partners(moved, int(i))
                after = self.value(moved)
                if after.objective <= effect.objective + 1e-7:
                    continue
                if self.broken(moved, after.removed) is None:
                    u, effect = moved, after
                    break
            else:
                break
        return u, effect.objective


def improve_plan(instance: Instance, plan: pd.DataFrame) -> pd.DataFrame | None:
    """A better plan than ``plan`` (village, program, units) found by
    :class:`LocalSearch`, keeping every rule (checked again by
    :func:`planning.model.check_plan`); None when there is none, when ``plan`` breaks a
    rule, or when the instance is larger than :data:`MAX_PAIRS` pairs."""
    if len(instance.pairs) > MAX_PAIRS or plan is None or plan.empty:
        return None
    try:
        search = LocalSearch(instance)
        start = search.units(plan)
    except KeyError:  # a pair or cell the instance's tables do not have: no search
        return None
    if search.broken(start) is not None:
        return None
    before = search.value(start).objective
    better, objective = search.improve(start)
    if objective <= before + 1e-7:
        return None
    found = search.plan(better)
    return None if check_plan(instance, found) else found

"""Two plans made without the optimiser, on the same instance, for comparison:

* **equal split**: each agency divides its pagu equally over the plan's villages and, in
  each village, spends its slice on its own eligible programmes in catalogue order (first
  the minimum units of each, then one more unit of each in turn) — how a budget is often
  shared today;
* **greedy by cost-effectiveness**: locks first, then the cheapest way to give every
  village its minimum number of programmes, then repeatedly the move (open a programme,
  or add units to it) with the most weighted deprivations removed per juta Rp, until no
  move fits any budget. Fast (milliseconds at 27 villages) and usually within a few
  per cent of the optimum; it is also the MIP's warm start when it satisfies every rule.

Both honour eligibility, unit bounds, need caps, budgets, the district ceiling, capacity,
excludes and requires; neither guarantees the share rules (see :func:`plan_violations`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from planning.model import floors, returns
from planning.model.evaluate import units_frame
from planning.model.instance import Instance

EPS = 1e-9


@dataclass
class _State:
    """Mutable bookkeeping of a plan being built pair by pair."""

    instance: Instance
    units: dict[tuple[str, str], int] = field(default_factory=dict)
    left: dict[str, float] = field(default_factory=dict)
    ceiling_left: float = math.inf
    open_count: dict[str, int] = field(default_factory=dict)
    room: dict[tuple[str, str], float] = field(default_factory=dict)
    blocked: set[tuple[str, str]] = field(default_factory=set)
    spend_anyway: bool = False
    """While reaching a floor: moves that add nothing to the objective still count."""
    allowance: Callable[[], float] | None = None
    """While reaching a money floor: a function giving the juta Rp still needed; a move
    buys no more units than that needs."""

    def __post_init__(self) -> None:
        inst = self.instance
        self.pairs = {(p.village, p.program): p for p in inst.pairs.itertuples(index=False)}
        rules = inst.settings.rules
        self.left = {a: (float(b) if rules.budget_limits else math.inf)
                     for a, b in inst.pagu.items()}
        self.ceiling_left = inst.ceiling if inst.ceiling is not None else math.inf
        cap = inst.programs.set_index("code")["max_villages"]
        self.capacity = {p: (math.inf if (not rules.capacity or pd.isna(k)) else int(k))
                         for p, k in cap.items()}
        self.room = {(r.village, r.dimension): (r.deprived if rules.saturation else math.inf)
                     for r in inst.deprived.itertuples(index=False)}
        self.deprived = {(r.village, r.dimension): r.deprived
                         for r in inst.deprived.itertuples(index=False)}
        self.lifted = dict.fromkeys(self.deprived, 0.0)
        weight = inst.villages.set_index("code")["weight"]
        self.factor = {(r.village, r.dimension): float(weight[r.village]) * r.omega
                       for r in inst.deprived.itertuples(index=False)}
        self.strength = rules.diminishing_returns
        self.spent = dict.fromkeys(inst.villages["code"], 0.0)
        self.agency_spent = dict.fromkeys(inst.pagu.index, 0.0)
        self.village_cap = village_cap(inst)
        self.share = rules.village_max_share if not math.isinf(self.village_cap) else None
        """s_max when the village cap grows with the plan (a finite lower bound is known)."""
        self.total = 0.0
        """What the plan spends so far (juta Rp)."""
        self.requires = {}
        for a, b in inst.requires:
            self.requires.setdefault(a, []).append(b)
        self.excludes = {}
        for a, b in inst.excludes:
            self.excludes.setdefault(a, []).append(b)
            self.excludes.setdefault(b, []).append(a)
        for lock in inst.locks:
            if lock.state == "out" or lock.units == 0:
                self.blocked.add((lock.village, lock.program))

    def cap(self) -> float:
        """The most one village may receive now (juta Rp): s_max x the larger of
        :func:`village_cap`'s lower bound of the plan's total spending and what the plan
        spends already. A plan only grows while it is built, so its final total is at
        least today's, and a village kept within s_max x today's total keeps the village
        share rule at the end. (The one step that takes units off, :func:`_make_room`,
        can lower the total; every quick plan is checked against every rule before use.)"""
        if not self.share:
            return self.village_cap
        return max(self.village_cap, self.share * self.total)

    def cap_needed(self, key) -> float | None:
        """The village cap (juta Rp) at which the next step of ``key`` (its minimum units
        with the fixed cost, or one more unit) would fit, when the village cap is what
        stops it now and its agency could pay for it; None otherwise."""
        if not self.share:
            return None
        pair = self.pairs[key]
        have = self.units.get(key, 0)
        if have >= pair.hi or (have == 0 and not self.can_open(key)):
            return None
        cost = pair.unit_cost if have else pair.unit_cost * pair.lo + pair.fixed_cost
        if cost > self.afford(pair.agency) + EPS:
            return None
        need = self.spent[pair.village] + cost
        return need if need > self.cap() + EPS else None

    def is_open(self, key) -> bool:
        return self.units.get(key, 0) > 0

    def can_open(self, key) -> bool:
        v, p = key
        if key not in self.pairs or key in self.blocked or self.is_open(key):
            return False
        if self.open_count.get(p, 0) >= self.capacity[p]:
            return False
        return not any(self.is_open((v, q)) for q in self.excludes.get(p, []))

    def afford(self, agency: str) -> float:
        return min(self.left[agency], self.ceiling_left)

    def add(self, key, n: int) -> None:
        """Add n units to the pair (opening it if needed); pays and uses saturation room."""
        pair = self.pairs[key]
        cost = pair.unit_cost * n + (pair.fixed_cost if not self.is_open(key) else 0.0)
        if not self.is_open(key):
            self.open_count[pair.program] = self.open_count.get(pair.program, 0) + 1
        self.units[key] = self.units.get(key, 0) + n
        self.left[pair.agency] -= cost
        self.ceiling_left -= cost
        self.spent[pair.village] += cost
        self.total += cost
        self.agency_spent[pair.agency] = self.agency_spent.get(pair.agency, 0.0) + cost
        cell = (pair.village, pair.dimension)
        self.lifted[cell] += pair.depth * min(pair.reach * n, max(self.room[cell], 0.0))
        self.room[cell] -= pair.reach * n

    def to_next_break(self, pair, first: int) -> int | float:
        """With diminishing returns: the units after ``first`` ones that take the lift
        of the pair's village and dimension to the next breakpoint of the value (at least
        1), so a move is priced at one slope; unlimited without diminishing returns."""
        if not self.strength or not pair.reach:
            return math.inf
        cell = (pair.village, pair.dimension)
        per_unit = pair.depth * pair.reach
        lifted = self.lifted[cell] + per_unit * first
        for edge in returns.BREAKS:
            end = self.deprived[cell] * edge
            if end > lifted + EPS:
                return max(1, math.ceil((end - lifted) / per_unit - EPS))
        return math.inf

    def remove(self, key, n: int) -> None:
        """Take n units off an open pair (keeping at least its minimum units): refunds
        its money and gives back its room (the lift is reduced by what the units add)."""
        pair = self.pairs[key]
        cell = (pair.village, pair.dimension)
        cost = pair.unit_cost * n
        self.units[key] -= n
        self.left[pair.agency] += cost
        self.ceiling_left += cost
        self.spent[pair.village] -= cost
        self.total -= cost
        self.agency_spent[pair.agency] -= cost
        removed = max(self.deprived[cell] - max(self.room[cell], 0.0), 0.0)
        self.room[cell] += pair.reach * n
        self.lifted[cell] = max(0.0, self.lifted[cell]
                                - pair.depth * min(pair.reach * n, removed))

    def gain(self, key, n: int) -> float:
        """The objective's gain from n more units of ``key``: w_v * omega_d *
        (F(L + depth * h) - F(L)), h = the deprived units they lift (saturation kept)."""
        pair = self.pairs[key]
        cell = (pair.village, pair.dimension)
        lifted = pair.depth * min(pair.reach * n, max(self.room[cell], 0.0))
        if not lifted:
            return 0.0
        before = self.lifted[cell]
        return self.factor[cell] * float(
            returns.value(before + lifted, self.deprived[cell], self.strength)
            - returns.value(before, self.deprived[cell], self.strength))

    def bundle(self, key) -> list[tuple[tuple[str, str], int]] | None:
        """The pairs to open together with ``key`` (its required partners), or None."""
        v, p = key
        out = [(key, self.pairs[key].lo)]
        for q in self.requires.get(p, []):
            other = (v, q)
            if self.is_open(other):
                continue
            if not self.can_open(other):
                return None
            out.append((other, self.pairs[other].lo))
        return out

    def cost_fits(self, items) -> bool:
        per_agency: dict[str, float] = {}
        per_village: dict[str, float] = {}
        total = 0.0
        for key, n in items:
            pair = self.pairs[key]
            c = pair.unit_cost * n + (0.0 if self.is_open(key) else pair.fixed_cost)
            per_agency[pair.agency] = per_agency.get(pair.agency, 0.0) + c
            per_village[pair.village] = per_village.get(pair.village, 0.0) + c
            total += c
        return all(c <= self.left[a] + EPS for a, c in per_agency.items()) and \
            total <= self.ceiling_left + EPS and all(
                self.spent[v] + c <= self.cap() + EPS for v, c in per_village.items())

    def move(self, key) -> tuple[float, float, list] | None:
        """The best chunk for ``key`` now: (gain, cost, items) or None if nothing fits."""
        pair = self.pairs[key]
        have = self.units.get(key, 0)
        if have == 0:
            items = self.bundle(key) if self.can_open(key) else None
            if items is None or not self.cost_fits(items):
                return None
            base_cost = sum(self.pairs[k].unit_cost * n + self.pairs[k].fixed_cost
                            for k, n in items)
            start = pair.lo
        else:
            items, base_cost, start = [], 0.0, have
        more = pair.hi - start
        room = max(self.room[(pair.village, pair.dimension)] - pair.reach * (
            start - have), 0.0)
        useful = math.ceil(room / pair.reach - EPS) if pair.reach else 0
        useful = min(useful, self.to_next_break(pair, start - have))
        if useful == 0 and self.allowance is not None:
            # a money floor (a village's package, an agency's absorption) counts money,
            # not the deprived reached: where the room is used up, units still count
            # towards it (an absorption target of all an agency can spend can need
            # units that reach no one more)
            useful = more
        money = min(self.afford(pair.agency),
                    self.cap() - self.spent[pair.village]) - base_cost
        affordable = math.floor((money + EPS) / pair.unit_cost) if pair.unit_cost else more
        if self.allowance is not None:
            wanted = self.allowance() - base_cost
            more = min(more, max(0, math.ceil(wanted / pair.unit_cost - EPS))
                       if pair.unit_cost else more)
        extra = max(0, min(more, useful, affordable))
        if have and extra == 0:
            return None
        if extra:
            items = [*items, (key, extra)] if items else [(key, extra)]
        items = _merge(items)
        gain = sum(self.gain(k, n) for k, n in items)
        cost = base_cost + pair.unit_cost * extra
        if gain <= EPS:
            if not self.spend_anyway or cost <= EPS:
                return None
            gain = EPS * cost  # a floor needs the money spent: useless moves last
        return gain, cost, items

    def apply(self, items) -> None:
        for key, n in items:
            self.add(key, n)


def _merge(items) -> list[tuple[tuple[str, str], int]]:
    merged: dict[tuple[str, str], int] = {}
    for key, n in items:
        merged[key] = merged.get(key, 0) + n
    return list(merged.items())


def _apply_locks(state: _State) -> None:
    for lock in state.instance.locks:
        key = (lock.village, lock.program)
        if lock.state == "out" or lock.units == 0 or key not in state.pairs:
            continue
        n = lock.units if lock.units is not None else state.pairs[key].lo
        have = state.units.get(key, 0)
        if n > have:
            state.add(key, n - have)


def _cover(state: _State) -> None:
    """Give each village its minimum number of programmes, cheapest effective first."""
    need = state.instance.settings.rules.min_programs_per_village
    villages = state.instance.villages.sort_values(["weight", "code"], ascending=[False, True])
    by_village: dict[str, list] = {}
    for key in state.pairs:
        by_village.setdefault(key[0], []).append(key)
    for v in villages["code"]:
        while sum(state.is_open(k) for k in by_village.get(v, [])) < need:
            best = None
            for key in sorted(by_village.get(v, [])):
                items = state.bundle(key) if state.can_open(key) else None
                if items is None or not state.cost_fits(items):
                    continue
                cost = sum(state.pairs[k].unit_cost * n + state.pairs[k].fixed_cost
                           for k, n in items)
                gain = sum(state.gain(k, n) for k, n in items)
                rank = (cost - gain * 1e-6, key)  # cheapest; more gain breaks cost ties
                if best is None or rank < best[0]:
                    best = (rank, items)
            if best is None:
                break
            state.apply(best[1])


def _fill(state: _State, only=None, enough=None) -> None:
    """Repeatedly the move with the most weighted deprivations removed per juta Rp
    (a lazy priority queue: ratios only fall as budgets and saturation room shrink),
    among the pairs ``only`` (all by default), until ``enough()`` or nothing fits. A pair
    that only the village cap stops waits (``parked``) until the cap has grown enough."""
    keys = sorted(only if only is not None else state.pairs)
    order = {key: i for i, key in enumerate(keys)}
    heap = []
    parked = []  # (the village cap it needs, order, key): back in the queue when it grows

    def park(key) -> None:
        need = state.cap_needed(key)
        if need is not None:
            heapq.heappush(parked, (need, order[key], key))

    def queue(key) -> None:
        found = state.move(key)
        if found:
            heapq.heappush(heap, (-found[0] / max(found[1], EPS), order[key], key))
        else:
            park(key)

    for key in keys:
        queue(key)
    while heap:
        _neg, i, key = heapq.heappop(heap)
        found = state.move(key)
        if not found:
            park(key)
            continue
        ratio = found[0] / max(found[1], EPS)
        if heap and ratio < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-ratio, i, key))  # stale: re-queue with today's ratio
            continue
        state.apply(found[2])
        if enough is not None and enough():
            return
        for touched, _n in found[2]:
            if touched in order:
                queue(touched)
        cap = state.cap()
        while parked and parked[0][0] <= cap + EPS:
            queue(heapq.heappop(parked)[2])


def _kecamatan_floor(state: _State) -> None:
    """Spend in every kecamatan at least s_min x (all the money there is): enough for the
    kecamatan share rule whatever the final total, so the plan can keep it."""
    inst = state.instance
    share = inst.settings.rules.kecamatan_min_share
    money = float(inst.pagu.sum()) if inst.settings.rules.budget_limits else math.inf
    if inst.ceiling is not None:
        money = min(money, inst.ceiling)
    if not share or math.isinf(money):
        return
    by_kec = _keys_by(state, "kecamatan_code")
    target = share * money

    units = state.units
    for kec in sorted(by_kec):
        keys = by_kec[kec]
        costs = [(k, state.pairs[k].unit_cost, state.pairs[k].fixed_cost) for k in keys]

        def spent(costs=costs) -> float:
            """The kecamatan's spend (juta Rp), added up in the order of its pairs."""
            total = 0
            for k, unit, fixed in costs:
                n = units.get(k, 0)
                if n > 0:
                    total += unit * n + fixed
            return total

        if spent() < target - EPS:
            _fill(state, only=keys, enough=lambda spent=spent: spent() >= target - EPS)


def village_cap(instance: Instance) -> float:
    """The most one village may receive in a quick plan (juta Rp): s_max x a lower bound
    of the plan's total spending (the absorption floors, or P per village), so the final
    plan keeps the village share rule; infinite when the rule is off or no bound is
    known."""
    share = instance.settings.rules.village_max_share
    if not share:
        return math.inf
    least = max(sum(f.target for f in floors.absorption_floors(instance)),
                floors.village_package(instance) * len(instance.villages))
    return share * least if least > 0 else math.inf


def _keys_by(state: _State, column: str) -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list] = {}
    for key, pair in state.pairs.items():
        groups.setdefault(getattr(pair, column), []).append(key)
    return groups


def _package_and_dimension_floors(state: _State) -> None:
    """Reach the balance floors of villages and dimensions (docs/model.md): each
    village's package, then each dimension's share of its deprived, filling only the
    pairs of that village or dimension, best value per juta Rp first. Before the
    kecamatan shares, which may otherwise spend a dimension's only agencies."""
    inst = state.instance
    state.spend_anyway = True
    package = floors.village_package(inst)
    if package:
        for v, keys in sorted(_keys_by(state, "village").items()):
            state.allowance = lambda v=v: package - state.spent[v]
            _fill(state, only=keys, enough=lambda v=v: state.spent[v] >= package - EPS)
        state.allowance = None
    by_dimension = _keys_by(state, "dimension")
    for floor in floors.dimension_floors(inst):
        cells = [(c, state.deprived[c]) for c in state.room if c[1] == floor.dimension]

        def removed(cells=cells) -> float:
            """Deprived units of the dimension removed, added up in the order of its
            cells."""
            room, total = state.room, 0
            for c, deprived in cells:
                left = room[c]
                total += deprived - max(left, 0.0)
            return total

        if removed() < floor.target - EPS:
            _fill(state, only=by_dimension.get(floor.dimension, []),
                  enough=lambda removed=removed, floor=floor: removed() >= floor.target - EPS)
    state.spend_anyway = False


def _absorption_floors(state: _State) -> None:
    """Reach each agency's absorption floor, filling only its own pairs (after the
    kecamatan shares, whose spending counts towards it)."""
    inst = state.instance
    state.spend_anyway = True
    by_agency = _keys_by(state, "agency")
    for floor in floors.absorption_floors(inst):
        a = floor.agency
        if state.agency_spent.get(a, 0.0) < floor.target - EPS:
            state.allowance = lambda a=a, floor=floor: floor.target - state.agency_spent[a]
            _fill(state, only=by_agency.get(a, []),
                  enough=lambda a=a, floor=floor: state.agency_spent[a] >= floor.target - EPS)
        if state.agency_spent.get(a, 0.0) < floor.target - EPS:
            _make_room(state, by_agency.get(a, []), floor.target)
    state.spend_anyway, state.allowance = False, None


def _make_room(state: _State, keys: list, target: float) -> None:
    """An agency left short of its absorption target because its last pagu is smaller
    than any programme it could still open: take a few units off one of its open
    multi-unit programmes so that the cheapest such opening fits and reaches the target
    (the first that works, in pair order)."""
    agency = state.pairs[keys[0]].agency if keys else None
    for key in sorted(keys):
        items = state.bundle(key) if state.can_open(key) else None
        if not items or len(items) > 1:
            continue
        pair = state.pairs[key]
        cost = pair.unit_cost * pair.lo + pair.fixed_cost
        short = cost - state.afford(agency)
        if short <= EPS or state.agency_spent[agency] - short + cost < target - EPS:
            continue
        for other in sorted(k for k in keys if state.is_open(k)):
            spare = state.pairs[other]
            n = math.ceil(short / spare.unit_cost - EPS) if spare.unit_cost else 0
            if n and state.units[other] - n >= spare.lo:
                state.remove(other, n)
                if state.cost_fits(items):
                    state.apply(items)
                    return
                state.add(other, n)


def greedy_plan(instance: Instance) -> pd.DataFrame:
    """The greedy cost-effectiveness plan (village, program, units), deterministic."""
    state = _State(instance)
    _apply_locks(state)
    _cover(state)
    _package_and_dimension_floors(state)
    _kecamatan_floor(state)
    _absorption_floors(state)
    _fill(state)
    return units_frame(state.units)


def rounded_plan(instance: Instance, relaxed: dict[tuple[str, str], float]) -> pd.DataFrame:
    """A plan from the LP relaxation's units: locks first; then each programme the LP
    runs with at least its minimum units, rounded down, most valuable first, where budgets
    and rules allow; then coverage; then the greedy fill of what money is left."""
    state = _State(instance)
    _apply_locks(state)
    value = {key: pair.value for key, pair in state.pairs.items()}
    wanted = sorted(((key, units) for key, units in relaxed.items()
                     if key in state.pairs and units > 1e-6),
                    key=lambda item: (-item[1] * value[item[0]], item[0]))
    for key, units in wanted:
        pair = state.pairs[key]
        n = min(pair.hi, math.floor(units + 1e-6))
        if state.is_open(key) or n < pair.lo:
            continue
        items = state.bundle(key) if state.can_open(key) else None
        if items is None:
            continue
        items = [(key, n), *items[1:]]
        if state.cost_fits(items):
            state.apply(items)
    _cover(state)
    _package_and_dimension_floors(state)
    _kecamatan_floor(state)
    _absorption_floors(state)
    _fill(state)
    return units_frame(state.units)


def equal_split_plan(instance: Instance) -> pd.DataFrame:
    """Each agency's pagu split equally over the villages, spent programme by programme."""
    state = _State(instance)
    villages = list(instance.villages["code"])
    by_agency: dict[str, list[str]] = {}
    for prog in instance.programs.itertuples(index=False):
        by_agency.setdefault(prog.agency, []).append(prog.code)
    for agency, budget in instance.pagu.items():
        slice_ = float(budget) / max(len(villages), 1)
        for v in villages:
            left = min(slice_, state.left[agency])
            keys = [(v, p) for p in by_agency.get(agency, []) if (v, p) in state.pairs]
            for key in keys:  # minimum units of each programme, in catalogue order
                pair = state.pairs[key]
                cost = pair.fixed_cost + pair.unit_cost * pair.lo
                if state.can_open(key) and cost <= left + EPS and \
                        cost <= state.ceiling_left + EPS and all(
                        state.is_open((v, q)) for q in state.requires.get(key[1], [])):
                    state.add(key, pair.lo)
                    left -= cost
            grew = True
            while grew:  # then one more unit of each, in turn
                grew = False
                for key in keys:
                    pair = state.pairs[key]
                    if state.is_open(key) and state.units[key] < pair.hi and \
                            pair.unit_cost <= left + EPS and \
                            pair.unit_cost <= state.ceiling_left + EPS:
                        state.add(key, 1)
                        left -= pair.unit_cost
                        grew = True
    return units_frame(state.units)

"""What it would take for an item left at zero to enter the plan ("why not",
:mod:`planning.analysis.rakor.why`), found by re-planning on the kept model of a
:class:`~planning.analysis.rakor.why_search.Session`.

The smallest change at which the item enters a re-plan, by bisection on a grid (1 % of
cost, Rp 10 juta of pagu, 0.1 of weight): a programme's cost cut (its coefficients in
every money row), its agency's extra pagu (the absorption target follows, as in a
scenario with that pagu), a dimension's weight (the objective's coefficients). Each probe
is a re-plan from the base plan: quick probes solve the neighbourhood alone (the pairs of
the programme's agency and dimension free, the rest as in the base plan), whole probes
re-plan the whole MIP to the scenario's gap from it (deterministic: gaps and node limits,
no clock); :func:`search` rests every answer on whole probes. An item enters when a plan
with it is as good as the best plan without it: ties are broken in its favour
(:func:`favoured`). The search keeps the bracketing smaller change at which the item did
not enter. Every change is undone after its probe (coefficients and objective costs from
the values saved before, row bounds from the PuLP model).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.analysis.rakor.why_search import Session, nodes_at_most, rows_changed
from planning.model import floors as model_floors
from planning.model.evaluate import start_values
from planning.model.extract import model_units
from planning.model.kept import NEIGHBOURHOOD_NODES, neighbourhood, replan

#: rules whose rows add up money (juta Rp): a cost cut changes their coefficients
MONEY_RULES = frozenset({"pagu", "ceiling", "total", "kecamatan_share", "village_share",
                         "village_package", "absorption"})
#: search grids: cost cut in per cent, extra pagu in juta Rp, dimension weight
COST_STEP, PAGU_STEP, WEIGHT_STEP = 1.0, 10.0, 0.1
WEIGHT_MAX = 10.0
#: objective bonus per village of a programme whose entry is probed (ties in its favour)
FAVOUR = 1e-4


@dataclass(frozen=True)
class Threshold:
    """The smallest change on the grid at which the item entered (None: not even at
    ``limit``) and the largest smaller one at which it did not; ``probes``: re-plans."""

    found: float | None
    not_at: float
    limit: float
    probes: int
    plan: pd.DataFrame | None = dataclasses.field(default=None, compare=False, repr=False)
    """The whole re-plan at ``found`` (village, program, units), the item in it."""


def bisect(enters: Callable[[float], bool], limit: float, step: float, start: float = 0.0,
           top_known: bool = False) -> Threshold:
    """Bisection on the grid start, start + step, ..., limit for the smallest change at
    which ``enters`` holds; at ``start`` it is taken not to (0: no change, the item is at
    zero); ``top_known``: ``enters(limit)`` is known to hold."""
    low, top = round(start / step), round(limit / step)
    probes = 0
    if not top_known:
        probes += 1
        if top <= low or not enters(top * step):
            return Threshold(None, round(top * step, 6), round(top * step, 6), probes)
    high = top  # enters(high); not at low
    while high - low > 1:
        mid = (low + high) // 2
        probes += 1
        if enters(mid * step):
            high = mid
        else:
            low = mid
    return Threshold(round(high * step, 6), round(low * step, 6), round(top * step, 6), probes)


def search(quick: Callable[[float], bool], full: Callable[[float], bool], limit: float,
           step: float) -> Threshold:
    """The threshold of ``full`` (a whole re-plan) found with few of its probes: bisection
    with ``quick`` (the neighbourhood alone), then ``full`` at the bracket found (and at
    ``limit`` when ``quick`` never held); where ``full`` disagrees, :func:`gallop` with
    ``full`` from the bracket on the side it points to. The answer always rests on
    ``full``: it holds at ``found`` and not at ``not_at``."""
    first = bisect(quick, limit, step)
    if first.found is None:
        done = bisect(full, limit, step)
        return dataclasses.replace(done, probes=first.probes + done.probes)
    up = not full(first.found)
    if not up and (first.not_at <= 0 or not full(first.not_at)):
        return dataclasses.replace(first, probes=first.probes + 1 + (first.not_at > 0))
    done = gallop(full, first.found if up else first.not_at, up, limit, step)
    return dataclasses.replace(done, probes=first.probes + 2 - up + done.probes)


def gallop(full: Callable[[float], bool], start: float, up: bool, limit: float,
           step: float) -> Threshold:
    """From ``start``, where ``full`` is known not to hold (``up``) or to hold (down),
    steps of 1, 2, 4, ... grid steps in that direction until the answer turns (or the
    grid ends), then bisection between the last two points."""
    top = round(limit / step)
    here, jump, probes = round(start / step), 1, 0
    while True:
        there = min(top, here + jump) if up else max(1, here - jump)
        if there == here:  # the grid ends: never up to the limit, or from the first step
            if up:
                return Threshold(None, round(top * step, 6), round(top * step, 6), probes)
            return Threshold(round(step, 6), 0.0, round(top * step, 6), probes)
        probes += 1
        if full(there * step) == up:
            break
        here, jump = there, jump * 2
    low, high = (here, there) if up else (there, here)
    done = bisect(full, high * step, step, start=low * step, top_known=True)
    return dataclasses.replace(done, limit=round(top * step, 6), probes=probes + done.probes)


def _full(s: Session, free: Callable[[str, str], bool]) -> pd.DataFrame | None:
    """A whole re-plan from the base plan, the ``free`` pairs solved anew first."""
    with nodes_at_most(s):
        return replan(s.kept, s.base, hold="fix", free=free, quick_gap=0.0).units


def _quick(s: Session, free: Callable[[str, str], bool]) -> pd.DataFrame | None:
    """The neighbourhood alone: the base plan's choices fixed outside ``free``."""
    if s.start is None:
        s.start = start_values(s.instance, s.base)
    near = s.kept.solve(start=s.start, nodes=NEIGHBOURHOOD_NODES, presolve=True,
                        bounds=neighbourhood(s.kept, s.base, "fix", free))
    return model_units(s.kept.m) if near.is_plan else None


def _programme_free(s: Session, program: str) -> Callable[[str, str], bool]:
    """The pairs a change of ``program`` concerns: those of its agency (their money) and
    of its dimension (they share the village's deprived and its diminishing returns)."""
    catalogue = s.instance.programs.set_index("code")
    agency, dimension = catalogue["agency"], catalogue["dimension"]
    mine = set(catalogue.index[(agency == agency[program]) | (dimension == dimension[program])])
    return lambda v, p: p in mine


@contextmanager
def cost_cut(s: Session, program: str, pct: float) -> Iterator[None]:
    """The programme's unit and fixed cost cut by ``pct`` per cent in every money row
    (coefficient c_p x (1 - pct/100) of x[p,v], f_p x (1 - pct/100) of y[p,v]), and its
    agency's absorption target recomputed when its programmes' costs limit it."""
    m, kept, factor = s.kept.m, s.kept, 1.0 - pct / 100.0
    changes = []
    columns = {kept.column[var.name]: var for table in (m.x, m.y)
               for key, var in table.items() if key[1] == program}
    for name, row in m.rows.items():
        if row.rule not in MONEY_RULES:
            continue
        expr = m.constraints[name].expr
        for col, var in columns.items():
            coef = expr.get(var)
            if coef:
                changes.append((kept.row[name], col, float(coef)))
    for r, c, coef in changes:
        kept.h.changeCoeff(r, c, coef * factor)
    rows = _absorption_with_cut(s, program, factor)
    try:
        with rows_changed(s, rows):
            yield
    finally:
        for r, c, coef in changes:
            kept.h.changeCoeff(r, c, coef)


def _absorption_with_cut(s: Session, program: str, factor: float) -> dict:
    """{absorption_a: (target, inf)} when the agency's target is its limit A_a (which
    depends on the costs), recomputed with the cut costs; else nothing."""
    inst = s.instance
    agency = inst.programs.set_index("code").at[program, "agency"]
    floors = {f.agency: f for f in model_floors.absorption_floors(inst)}
    floor = floors.get(agency)
    if floor is None or not floor.limited or f"absorption_{agency}" not in s.kept.row:
        return {}
    changed = dataclasses.replace(
        inst, programs=_cut(inst.programs, "code", program, factor),
        pairs=_cut(inst.pairs, "program", program, factor), cache={})
    target = {f.agency: f.target for f in model_floors.absorption_floors(changed)}[agency]
    return {f"absorption_{agency}": (target, s.kept.inf)}


def _cut(frame: pd.DataFrame, column: str, program: str, factor: float) -> pd.DataFrame:
    """``frame`` with the unit and fixed cost of ``program`` times ``factor``."""
    mine = frame[column] == program
    return frame.assign(unit_cost=frame["unit_cost"].where(~mine, frame["unit_cost"] * factor),
                        fixed_cost=frame["fixed_cost"].where(~mine,
                                                             frame["fixed_cost"] * factor))


@contextmanager
def favoured(s: Session, programs: set[str]) -> Iterator[None]:
    """Ties broken in favour of ``programs``: each village a programme runs in adds
    :data:`FAVOUR` to the objective (weighted deprived units; far below any gap, above
    HiGHS's absolute gap 1e-6), so a plan with it that is as good as the best without it
    is the one found."""
    m, kept = s.kept.m, s.kept
    columns = [kept.column[var.name] for key, var in m.y.items() if key[1] in programs]
    index = np.array(columns, dtype=np.int32)
    base = -np.array([float(m.prob.objective.get(kept.variables[c], 0.0)) for c in columns])
    kept.h.changeColsCost(len(index), index, base - FAVOUR)
    try:
        yield
    finally:
        kept.h.changeColsCost(len(index), index, base)


def _probes(s: Session, change, programs: set[str], free) -> tuple[Callable, Callable, dict]:
    """(quick, full, plans): whether one of ``programs`` runs after ``change(value)`` (a
    context manager), ties in their favour; ``plans``: the full re-plans by value."""
    plans: dict[float, pd.DataFrame | None] = {}

    def probe(plan: Callable, keep: bool) -> Callable[[float], bool]:
        def enters(value: float) -> bool:
            with change(value), favoured(s, programs):
                units = plan(s, free)
            if keep:
                plans[value] = units
            return units is not None and bool(units["program"].isin(programs).any())
        return enters
    return probe(_quick, False), probe(_full, True), plans


def _found(s: Session, change, programs: set[str], free, limit: float,
           step: float) -> Threshold:
    quick, full, plans = _probes(s, change, programs, free)
    done = search(quick, full, limit, step)
    return dataclasses.replace(done, plan=plans.get(done.found))


def cost_threshold(s: Session, program: str) -> Threshold:
    """The cost cut (per cent, step :data:`COST_STEP`, up to 100: free) at which
    ``program`` enters the plan."""
    return _found(s, lambda pct: cost_cut(s, program, pct), {program},
                  _programme_free(s, program), 100.0, COST_STEP)


def pagu_limit(s: Session, program: str) -> float:
    """The largest extra pagu searched (juta Rp): the agency's pagu (twice the money),
    at least the programme's smallest package f_p + c_p lo_p, on the Rp 10 juta grid."""
    inst = s.instance
    agency = inst.programs.set_index("code").at[program, "agency"]
    pairs = inst.pairs[inst.pairs["program"] == program]
    smallest = float((pairs["fixed_cost"] + pairs["unit_cost"] * pairs["lo"]).min()) \
        if len(pairs) else 0.0
    return PAGU_STEP * float(np.ceil(max(float(inst.pagu[agency]), smallest) / PAGU_STEP))


@contextmanager
def extra_pagu(s: Session, agency: str, extra: float) -> Iterator[None]:
    """The agency's pagu raised by ``extra`` (juta Rp), its absorption target with it
    (:meth:`Planner.set_budgets`), as a scenario with that pagu would have them."""
    pagu = float(s.instance.pagu[agency])
    s.kept.sync(s.planner.set_budgets({agency: pagu + extra}, check=False))
    try:
        yield
    finally:
        s.kept.sync(s.planner.set_budgets({agency: pagu}, check=False))


def pagu_threshold(s: Session, program: str) -> Threshold:
    """The extra pagu of the programme's agency (juta Rp, step :data:`PAGU_STEP`, up to
    :func:`pagu_limit`) at which ``program`` enters the plan."""
    agency = s.instance.programs.set_index("code").at[program, "agency"]
    return _found(s, lambda extra: extra_pagu(s, agency, extra), {program},
                  _programme_free(s, program), pagu_limit(s, program), PAGU_STEP)


@contextmanager
def dimension_weight(s: Session, dimension: str, weight: float) -> Iterator[None]:
    """The objective coefficients of ``dimension`` scaled from its weight omega_d to
    ``weight`` (the kept model holds the negated costs of the maximisation)."""
    m, kept = s.kept.m, s.kept
    omega = float(s.instance.settings.rules.dimension_weights.get(dimension, 1.0))
    mine = {var.name for key, var in m.r.items() if key[1] == dimension}
    mine |= {var.name for key, var in m.g.items() if key[1] == dimension}
    of = s.instance.programs.set_index("code")["dimension"]
    mine |= {var.name for key, var in m.q.items() if of[key[1]] == dimension}
    saved = [(kept.column[var.name], float(coef)) for var, coef in m.prob.objective.items()
             if var.name in mine]
    for col, coef in saved:
        kept.h.changeColCost(col, -coef * weight / omega)
    try:
        yield
    finally:
        for col, coef in saved:
            kept.h.changeColCost(col, -coef)


def weight_threshold(s: Session, dimension: str) -> Threshold:
    """The weight of ``dimension`` (step :data:`WEIGHT_STEP`, up to :data:`WEIGHT_MAX`) at
    which the plan lifts someone in it; searched as the increase over its weight."""
    omega = float(s.instance.settings.rules.dimension_weights.get(dimension, 1.0))
    of = s.instance.programs.set_index("code")["dimension"]
    if omega <= 0:
        return Threshold(None, 0.0, 0.0, 0)

    mine = set(of[of == dimension].index)
    found = _found(s, lambda increase: dimension_weight(s, dimension, omega + increase), mine,
                   lambda v, p: of[p] == dimension, WEIGHT_MAX - omega, WEIGHT_STEP)
    shift = lambda x: None if x is None else round(omega + x, 6)  # noqa: E731
    return dataclasses.replace(found, found=shift(found.found), not_at=shift(found.not_at),
                               limit=shift(found.limit))

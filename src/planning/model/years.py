"""Multi-year plans: the five-year RPJMD as one model over its budget years, each year's
RKPD a slice of it (docs/multi-year.md).

One PuLP problem holds one copy of the one-year model per year (its variables and rows
named with ``_t<year>``), built by the same rule functions, plus the rules that link the
years:

* works of more than one year: units in work x[p,v,t] = sum of the starts s[p,v,tau] of
  the last n_p years (:func:`add_continuation`); each year of work costs 1/n_p of the
  work and reaches 1/n_p of its beneficiaries (:func:`year_instance`);
* the deprived stock: households reached leave it (:func:`add_stock`);
* the need cap over the years (:func:`add_need_over_years`);
* enforced RPJMD targets (:func:`add_targets`);
* the objective: each year's results, earlier years worth more (:func:`set_years_objective`).

Every year's focus villages come from the same selection rule on the deprivations left
at its start (:func:`plan_years`, with :func:`planning.scoring.years.rescore`); a plan
recorded as delivered (``history``) is fixed and its started works are continued.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from planning.config.model import Horizon, ModelSettings
from planning.model import build, returns
from planning.model.build import EQ, GE, LE, Model
from planning.model.evaluate import evaluate
from planning.model.instance import Instance, ModelError, build_instance, need_cap
from planning.model.presolve import PresolveError, lock_checks
from planning.model.progress import stage
from planning.model.rules import add_rules
from planning.model.solve import SolveReport, relative_gap, solve_model

log = logging.getLogger(__name__)

#: how many times at most the plan is re-solved because a year's focus villages changed
MAX_REFOCUS = 10
#: the share of the scaled gap target a step after the first aims at (see _step_settings)
STEP_MARGIN = 0.9


# --- coefficients ---------------------------------------------------------------------

def year_weights(years: list[int], discount: float) -> dict[int, float]:
    """delta_t = (1 + rho) ** -(t - t_1) (unitless): what a result of year t is worth
    against one of the first year; rho = ``discount``."""
    return {t: (1.0 + discount) ** -(t - years[0]) for t in years}


def durations(programs: pd.DataFrame) -> pd.Series:
    """n_p: whole budget years a work of programme p takes (``duration`` of programs.csv;
    1 where blank or absent), by programme code."""
    if "duration" not in programs:
        return pd.Series(1, index=programs["code"], dtype=int)
    values = pd.to_numeric(programs["duration"], errors="coerce").fillna(1)
    return pd.Series(values.astype(int).clip(lower=1).to_numpy(), index=programs["code"])


def inflow(horizon: Horizon, deprived: pd.DataFrame) -> pd.Series:
    """i[d,v] = inflow_pct_d / 100 x D[d,v] (deprived units newly deprived at the start of
    every year after the first), by (village, dimension)."""
    pct = deprived["dimension"].map(lambda d: float(horizon.inflow_pct.get(d, 0.0)))
    return pd.Series((pct / 100.0 * deprived["deprived"]).to_numpy(),
                     index=pd.MultiIndex.from_frame(deprived[["village", "dimension"]]))


def year_instance(base: Instance, year_settings: ModelSettings, focus: list[str],
                  carry: set[tuple[str, str]], duration: pd.Series,
                  weight: pd.Series) -> Instance:
    """The instance of one year: the pairs of its focus villages, and of the other villages
    only the works they continue (``carry``); the horizon's village weights w_v; for a
    work of n_p years, unit and fixed cost and reach per year of work divided by n_p
    (juta Rp per unit and year; deprived units per unit and year)."""
    pairs = base.pairs
    keys = list(zip(pairs["village"], pairs["program"], strict=True))
    keep = np.array([v in focus or (v, p) in carry for v, p in keys], dtype=bool)
    pairs = pairs[keep].reset_index(drop=True).copy()
    n = pairs["program"].map(duration).astype(float).to_numpy()
    for column in ("unit_cost", "fixed_cost", "reach", "value"):
        pairs[column] = pairs[column].to_numpy(dtype=float) / n
    old = pairs["village"].map(base.villages.set_index("code")["weight"]).to_numpy()
    new = pairs["village"].map(weight).to_numpy()
    pairs["value"] = pairs["value"] * new / old
    present = set(focus) | set(pairs["village"])
    villages = base.villages[base.villages["code"].isin(focus)].assign(
        weight=lambda f: f["code"].map(weight).to_numpy()).reset_index(drop=True)
    deprived = base.deprived[base.deprived["village"].isin(present)].reset_index(drop=True)
    return dataclasses.replace(base, villages=villages, pairs=pairs, deprived=deprived,
                               pagu=pd.Series(year_settings.pagu, dtype=float).reindex(
                                   base.pagu.index).fillna(0.0),
                               locks=list(year_settings.locks), settings=year_settings,
                               cache={})


# --- the model ------------------------------------------------------------------------

@dataclass
class YearsModel:
    """One PuLP problem for every planned year: the one-year model of each year
    (``years``), the starts of works of more than one year, and the linking rows."""

    prob: pulp.LpProblem
    years: dict[int, Model]
    duration: pd.Series
    deprived: pd.DataFrame
    """village, dimension, deprived (D at the start of the first planned year), omega."""
    history: HistoryState
    horizon: Horizon
    weight: pd.Series
    start_stock: pd.Series
    """D[d,v] at the start of the horizon (deprived units), by (village, dimension): the
    scale of the diminishing-returns value."""
    starts: dict[tuple[str, str, int], pulp.LpVariable | None] = field(default_factory=dict)
    """s[p,v,t] by (village, program, year); None where the start is the units x (a
    one-year programme)."""
    constraints: dict[str, pulp.LpConstraint] = field(default_factory=dict)
    build_seconds: float = 0.0

    @property
    def planned(self) -> list[int]:
        return sorted(self.years)

    def constrain(self, name: str, terms, sense: int, rhs: float) -> None:
        coef: dict[pulp.LpVariable, float] = {}
        for var, value in terms:
            coef[var] = coef.get(var, 0.0) + value
        row = pulp.LpConstraint(pulp.LpAffineExpression(list(coef.items())), sense, name, rhs)
        self.prob.addConstraint(row)
        self.constraints[name] = row

    def start(self, v: str, p: str, t: int):
        """The units started in year t as terms: s[p,v,t], or x[p,v,t] for a one-year
        programme; [] when p cannot start in v that year."""
        key = (v, p, t)
        if key not in self.starts:
            return []
        var = self.starts[key]
        return [(var if var is not None else self.years[t].x[(v, p)], 1.0)]


@dataclass(frozen=True)
class HistoryState:
    """What recorded years leave to the planned ones."""

    years: tuple[int, ...] = ()
    units: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["year", "village", "program", "started", "units"]))
    """year, village, program, started, units (delivered in work) of the recorded years."""
    reached: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """Deprived units reached in the recorded years, by (village, dimension)."""
    lifted: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """Their lift (depth-weighted), by (village, dimension)."""

    @functools.cached_property
    def _starts(self) -> dict[tuple[str, str], list[tuple[int, int]]]:
        """(village, program) -> [(year, units started)] of the recorded rows."""
        out: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for year, v, p, started in zip(self.units["year"], self.units["village"],
                                       self.units["program"], self.units["started"],
                                       strict=True):
            out.setdefault((str(v), str(p)), []).append((int(year), int(started)))
        return out

    def committed(self, v: str, p: str, t: int, n: int) -> int:
        """Units of works started in recorded years still in work in year t."""
        if n <= 1:
            return 0
        return sum(started for year, started in self._starts.get((v, p), ())
                   if year > t - n)

    def used(self, v: str, p: str) -> int:
        """Units started in the recorded years (against the need cap)."""
        return sum(started for _year, started in self._starts.get((v, p), ()))


def add_continuation(ym: YearsModel) -> None:
    """x[p,v,t] - sum_{tau = t-n_p+1 .. t} s[p,v,tau] = c[p,v,t]  (units), for every
    programme p with n_p > 1 years and every year t where v may have it in work; c the
    units of works started in recorded years and still in work (commitments). A work
    started is continued to its end: its units stay in work for n_p years."""
    for t, m in ym.years.items():
        for (v, p), x in m.x.items():
            n = int(ym.duration[p])
            if n <= 1:
                continue
            terms = [(x, 1.0)]
            for tau in range(t - n + 1, t + 1):
                terms += [(var, -coef) for var, coef in ym.start(v, p, tau)]
            ym.constrain(f"continue_{p}_{v}_t{t}", terms, EQ,
                         float(ym.history.committed(v, p, t, n)))


def add_need_over_years(ym: YearsModel, instance: Instance, caps: pd.Series) -> None:
    """sum_t s[p,v,t] <= ceil(need[v,p] / h_p) - units started in recorded years
    (units), per village and programme, with the need cap on: the years together serve
    the need once."""
    if not instance.settings.rules.need_cap:
        return
    keys = sorted({(v, p) for (v, p, _t) in ym.starts})
    for v, p in keys:
        terms = [term for t in ym.planned for term in ym.start(v, p, t)]
        cap = float(caps.get((v, p), 0.0)) - ym.history.used(v, p)
        ym.constrain(f"need_years_{p}_{v}", terms, LE, max(cap, 0.0))


def add_stock(ym: YearsModel) -> None:
    """sum_{tau <= t} r[d,v,tau] <= D[d,v] + (t - t_0) x i[d,v]  (deprived units), per
    village, dimension and planned year t: the deprived reached in the planned years up
    to t, at most the stock at the start of the first planned year t_0 (the starting
    stock with the inflow and less what recorded years reached) plus the inflow i of
    each later year. Households reached leave the stock."""
    if not ym.years[ym.planned[0]].instance.settings.rules.saturation:
        return
    flow = inflow(ym.horizon, ym.deprived)
    first = ym.planned[0]
    for row in ym.deprived.itertuples(index=False):
        cell = (row.village, row.dimension)
        terms: list = []
        for t in ym.planned:
            r = ym.years[t].r.get(cell)
            if r is not None:
                terms.append((r, 1.0))
            if not terms:
                continue
            ym.constrain(f"stock_{row.dimension}_{row.village}_t{t}", list(terms), LE,
                         float(row.deprived) + (t - first) * float(flow.get(cell, 0.0)))


def add_targets(ym: YearsModel) -> None:
    """sum_{v, t <= by} r[d,v,t] >= goal_d - reached in recorded years  (deprived units),
    for every enforced target of removed deprivations."""
    for i, target in enumerate(ym.horizon.targets):
        if not target.enforce:
            continue
        done = float(ym.history.reached[ym.history.reached.index.get_level_values(1)
                                        == target.dimension].sum()) \
            if not ym.history.reached.empty else 0.0
        terms = [(r, 1.0) for t in ym.planned if t <= target.by
                 for (v, d), r in ym.years[t].r.items() if d == target.dimension]
        ym.constrain(f"target_{i}_{target.dimension}", terms, GE, float(target.removed) - done)


def set_years_objective(ym: YearsModel) -> None:
    """max sum_t delta_t sum_{v,d} w_v omega_d F(L[d,v,t]; D[d,v])  (weighted deprived
    units): each planned year's lift valued as a one-year plan values it, a year earlier
    worth (1 + rho) times as much (delta_t, :func:`year_weights`). L[d,v,t] is the lift
    of year t (:func:`planning.model.build.add_depth`), F the diminishing-returns value
    (:mod:`planning.model.returns`) on the starting stock D[d,v]: per year, segments
    g[d,v,k,t] with sum_k g <= L[d,v,t] (rows ``returns_..._t<year>``). With one year
    this is the one-year model's objective."""
    delta = year_weights(ym.horizon.years, ym.horizon.discount)
    strength = ym.years[ym.planned[0]].instance.settings.rules.diminishing_returns
    terms: list = []
    for t, m in ym.years.items():
        lifts = build._lifts(m)
        for row in ym.deprived.itertuples(index=False):
            cell = (row.village, row.dimension)
            lift = lifts.get(cell)
            if not row.omega or not lift:
                continue
            factor = float(ym.weight[row.village]) * row.omega * delta[t]
            if not strength:
                terms += [(var, factor * c) for var, c in lift]
                continue
            terms += build.value_segments(m, row.village, row.dimension, lift,
                                       float(ym.start_stock.get(cell, 0.0)), factor,
                                       strength)
    ym.prob.setObjective(pulp.LpAffineExpression(terms))


# --- planning -------------------------------------------------------------------------

@dataclass(frozen=True)
class YearPlan:
    """A multi-year plan (see the module docstring and docs/multi-year.md)."""

    years: list[int]
    planned: list[int]
    report: SolveReport
    settings: ModelSettings
    instances: dict[int, Instance]
    units: pd.DataFrame
    """year, village, program, agency, dimension, kecamatan_code, units (in work that
    year), started, duration, cost (juta Rp paid that year), reach (deprived units reached
    that year), recorded (delivered history, not planned)."""
    removed: pd.DataFrame
    """year, village, dimension, deprived_start, reached, removed, lift, deprived_end."""
    spend: pd.DataFrame
    """year, agency, pagu, spent, committed (paid for works started in earlier years), left."""
    focus: pd.DataFrame
    """year, code, name, kecamatan_code, kecamatan, poverty_index, rank_in_kecamatan,
    selected, change ('stays', 'enters', 'graduates' or '' in the first year)."""
    targets: pd.DataFrame
    """target, kind, dimension, by, goal, year, achieved, share, met."""
    history: pd.DataFrame
    objective_recomputed: float
    refocused: list[int] = field(default_factory=list)
    """The years whose focus villages changed the plan (each re-solved with the years
    before it kept)."""
    steps: list[SolveReport] = field(default_factory=list)
    """The report of every solve: the whole horizon first, then from each year in
    ``refocused`` on (``report`` is the last one's, over the whole horizon: the plan's
    value, the last step's bound with the kept years' value, and as gap the largest of
    every step's gap over the whole horizon)."""
    step_gaps: list[float] = field(default_factory=list)
    """Each step's certified gap over the whole horizon: (bound - plan) / (K + bound), K
    the value of the years it kept."""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def is_plan(self) -> bool:
        return self.report.is_plan


def _horizon_weights(base: Instance) -> pd.Series:
    """w_v over every village the horizon may plan (the year-one rule of
    :func:`planning.model.instance.priority_weights`)."""
    return base.villages.set_index("code")["weight"]


def _year_settings(settings: ModelSettings, year: int, first_planned: int,
                   villages: list[str]) -> ModelSettings:
    horizon = settings.horizon
    return settings.model_copy(update={
        "horizon": None, "villages": sorted(villages),
        "pagu": {a: float(by[year]) for a, by in horizon.pagu.items()},
        "locks": list(settings.locks) if year == first_planned else []})


def _history_state(history: pd.DataFrame | None, years: list[int]) -> pd.DataFrame:
    if history is None or len(history) == 0:
        return pd.DataFrame(columns=["year", "village", "program", "started", "units"])
    recorded = sorted(int(y) for y in history["year"].unique())
    if recorded != years[:len(recorded)]:
        raise ModelError("years.history_not_first", recorded=", ".join(map(str, recorded)),
                         years=", ".join(map(str, years)))
    if len(recorded) >= len(years):
        raise ModelError("years.history_all", years=", ".join(map(str, years)))
    out = history[["year", "village", "program", "started", "units"]].copy()
    out["year"] = out["year"].astype(int)
    return out.reset_index(drop=True)


def plan_years(ds, scores, settings: ModelSettings, scoring=None,
               history: pd.DataFrame | None = None,
               focus_guess: Mapping[int, Sequence[str]] | None = None) -> YearPlan:
    """Plan every year of ``settings.horizon`` (the years after the ``history``'s recorded
    ones) in one model. ``scores``: the first year's village scores (a ScoreResult or its
    table); ``scoring``: the scenario's scoring settings, with which every later year is
    re-scored on the deprivations left (when ``horizon.rescore``); ``history``: the rows
    of recorded years (year, village, program, started, units delivered in work);
    ``focus_guess``: year -> focus village codes of the plan made before the years were
    recorded (optional; :func:`previous_focus`, or the workbook's hidden focus record):
    with re-scoring, the first guess for the years after the first planned one, which
    saves the re-solves where the recorded years left them as planned (if that first step
    has no plan, the guess is dropped). Only a guess: the plan is still the fixed point
    of the same rule, checked year by year."""
    horizon = settings.horizon
    if horizon is None:
        raise ModelError("years.no_horizon")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    table = getattr(scores, "table", scores)
    years = list(horizon.years)
    recorded = _history_state(history, years)
    done = sorted(set(recorded["year"].astype(int)))
    planned = [t for t in years if t not in done]
    first_focus = sorted(table.loc[table["selected"].astype(bool), "code"].astype(str))
    everyone = sorted(table["code"].astype(str))
    # the base instance over every village, for the coefficients
    base = build_instance(ds, table, settings.model_copy(update={
        "horizon": None, "villages": everyone if horizon.rescore else first_focus}))
    first_base = build_instance(ds, table, settings.model_copy(update={
        "horizon": None, "villages": first_focus}))
    weight = _village_weights(base, first_base)
    duration = durations(base.programs)
    caps = _need_caps(base, ds)
    timings["instance"] = time.perf_counter() - t0

    focus = {years[0]: list(first_focus)}
    guessed = bool(focus_guess) and horizon.rescore
    if guessed:
        known = set(everyone)
        guess = {int(t): [str(v) for v in codes] for t, codes in focus_guess.items()}
        focus.update({t: sorted(v for v in guess[t] if v in known) for t in planned[1:]
                      if t in guess})
    scored = {years[0]: table}
    kept = recorded
    kept_value = whole = 0.0
    steps: list[SolveReport] = []
    step_gaps: list[float] = []
    refocused: list[int] = []
    while True:
        state = _recorded_state(base, kept, duration, weight, settings, years)
        planned = [t for t in years if t not in state.history.years]
        if horizon.rescore:  # the focus of recorded years and of the first planned one
            for t in (*state.history.years[1:], planned[0]):
                if t != years[0] and t not in scored:
                    focus[t], scored[t] = _refocus(ds, scoring, state.left_at(t))
        for t in years[1:]:  # without re-scoring, or before a better guess: the year before's
            if t not in focus:
                focus[t] = focus[t - 1]
        ym, report = _solve(base, _step_settings(settings, whole, kept_value), focus,
                            planned, duration, weight, caps, state, timings, kept_value)
        if guessed and not report.is_plan:  # the plan before's focus villages do not fit:
            for t in planned[1:]:            # the year before's, as without it
                focus[t] = focus[t - 1]
            guessed = False
            continue
        guessed = False
        steps.append(report)
        if not report.is_plan:
            _locks_said(ym.years[planned[0]].instance)
            raise YearsNoPlan(report, refocused)
        whole = kept_value + float(report.objective or 0.0)
        step_gaps.append(_whole_gap(report, kept_value))
        changed = None
        lefts = _lefts_after(ym, state) if horizon.rescore else {}
        implied = {t: _refocus(ds, scoring, lefts[t]) for t in planned[1:] if t in lefts}
        for t, (new, table_t) in implied.items():
            scored[t] = table_t
            if changed is None and new != focus[t]:
                changed = t
            if changed is not None:  # the next guess: what this plan implies
                focus[t] = new
        if changed is None or len(refocused) >= MAX_REFOCUS:
            break
        refocused.append(changed)
        kept_years = [t for t in planned if t < changed]
        kept = pd.concat([kept, _plan_rows(ym, kept_years)], ignore_index=True)
        kept_value += _value_of(ym, kept_years)
    timings["total"] = time.perf_counter() - t0
    return _extract(ds, ym, steps, step_gaps, settings, base, kept, set(done), state, focus, scored,
                    years, refocused, timings)


def _locks_said(first: Instance) -> None:
    """Where the horizon has no plan, the locks (which apply to the first planned year,
    ``first``) are checked as a one-year plan checks them; a lock that cannot hold is
    said (PresolveError) rather than the horizon's general advice. Costs are per year of
    work, as the year's instance holds them."""
    errors = [f for f in lock_checks(first) if f.severity == "error"]
    if errors:
        raise PresolveError(errors)


def previous_focus(plan: YearPlan) -> dict[int, list[str]]:
    """The focus villages of every year of ``plan`` (its focus table's ``selected`` rows),
    sorted by code: the guess :func:`plan_years` starts a re-plan's later years from."""
    selected = plan.focus[plan.focus["selected"].astype(bool)]
    return {int(t): sorted(rows["code"].astype(str)) for t, rows in selected.groupby("year")}


def _step_settings(settings: ModelSettings, whole: float, kept: float) -> ModelSettings:
    """The solver settings of a step after the first: the gap target (and the largest gap
    accepted) scaled so that the step may leave the same absolute gap as the whole
    horizon's target allows: g' = 0.9 x g x O / (O - K), O the whole horizon's value in
    the step before and K the value of the years kept (capped at 0.5 and 0.9); the margin
    0.9 keeps the step's gap over the whole horizon (:func:`_whole_gap`, whose bound may
    be above O - K) within g."""
    if not kept or whole <= kept:
        return settings
    scale = STEP_MARGIN * whole / (whole - kept)
    solver = settings.solver
    gap = min(solver.gap * scale, 0.5)
    return settings.model_copy(update={"solver": solver.model_copy(update={
        "gap": gap, "max_gap": max(gap, min(solver.max_gap * scale, 0.9))})})


def _value_of(ym: YearsModel, years: list[int]) -> float:
    """The objective's part of ``years`` in the solution of ``ym``: sum_t delta_t
    sum_{v,d} w_v omega_d F(L[d,v,t]) (weighted deprived units), from the model's own
    variables (:func:`set_years_objective`)."""
    total = 0.0
    for name, coef in ym.prob.objective.items():
        year = int(name.name.rsplit("_t", 1)[1]) if "_t" in name.name else None
        if year in years:
            total += coef * float(name.varValue or 0.0)
    return total


def _plan_rows(ym: YearsModel, years: list[int]) -> pd.DataFrame:
    """year, village, program, started, units of the solution's ``years``: kept as they
    are (like recorded years) while later years are planned again."""
    rows = []
    for t in years:
        for r in _units_of(ym, t).itertuples(index=False):
            started = round(sum(var.varValue or 0.0 for var, _ in ym.start(r.village,
                                                                          r.program, t)))
            rows.append((t, r.village, r.program, int(started), int(r.units)))
    return pd.DataFrame(rows, columns=["year", "village", "program", "started", "units"])


class YearsNoPlan(ModelError):
    """The multi-year model has no plan (its report says why)."""

    def __init__(self, report: SolveReport, refocused: list[int]):
        self.report = report
        self.refocused = refocused
        super().__init__("years.infeasible" if report.status == "infeasible"
                         else "years.no_plan", status=report.status,
                         detail=report.message or "-")


def _village_weights(base: Instance, first: Instance) -> pd.Series:
    """w_v of the first year's rule over the first year's focus villages, extended to
    every other village by the same formula (clipped to [1, 1 + strength])."""
    rules = first.settings.rules
    pov = base.villages.set_index("code")["poverty_index"]
    focus_pov = first.villages.set_index("code")["poverty_index"]
    if not rules.priority_weights or focus_pov.max() == focus_pov.min():
        return pd.Series(1.0, index=pov.index)
    scaled = (pov - focus_pov.min()) / (focus_pov.max() - focus_pov.min())
    return 1.0 + rules.priority_strength * scaled.clip(0.0, 1.0)


def _need_caps(base: Instance, ds) -> pd.Series:
    """ceil(need[v,p] / h_p) per (village, program) of the base instance (units)."""
    ind = ds.indicators.assign(code=ds.indicators["code"].astype(str)).set_index("code")
    prog = base.programs.set_index("code")
    need = [float(ind.at[v, prog.at[p, "need_indicator"]])
            for v, p in zip(base.pairs["village"], base.pairs["program"], strict=True)]
    per_unit = base.pairs["program"].map(prog["beneficiaries_per_unit"]).to_numpy(float)
    caps = need_cap(np.array(need), per_unit)
    return pd.Series(caps, index=pd.MultiIndex.from_frame(base.pairs[["village", "program"]]))


@dataclass(frozen=True)
class _State:
    """The stock and history at the start of the first planned year."""

    history: HistoryState
    deprived: pd.DataFrame
    """village, dimension, deprived (at the start of the first planned year), omega."""
    start_stock: pd.Series
    """D at the start of the horizon, by (village, dimension)."""
    flow: pd.Series
    stocks: dict[int, pd.Series]
    """The stock at the start of each recorded year and of the first planned one."""

    def left_at(self, year: int) -> pd.DataFrame:
        """village, dimension, deprived: left at the start of ``year`` (a recorded year
        or the first planned one)."""
        return self.stocks[year].rename("deprived").reset_index()


def _recorded_state(base: Instance, recorded: pd.DataFrame, duration: pd.Series,
                    weight: pd.Series, settings: ModelSettings, years: list[int]) -> _State:
    """Evaluate the recorded years (reach, lift) and the stock they leave: the stock at
    the start of year t is the starting stock, plus the inflow of every year after the
    first up to t, less what earlier years removed."""
    horizon = settings.horizon
    flow = inflow(horizon, base.deprived)
    start = base.deprived.set_index(["village", "dimension"])["deprived"].astype(float)
    stock = start.copy()
    reached_total = pd.Series(0.0, index=stock.index)
    lifted_total = pd.Series(0.0, index=stock.index)
    done = sorted(set(recorded["year"].astype(int)))
    stocks: dict[int, pd.Series] = {}
    for t in done:
        if t > years[0]:
            stock = stock + flow
        stocks[t] = stock
        ev = evaluate(_with_stock(_recorded_instance(base, settings, recorded, t, duration,
                                                     weight), stock),
                      recorded.loc[recorded["year"] == t, ["village", "program", "units"]])
        got = ev.removed.set_index(["village", "dimension"])
        reached = got["removed"].reindex(stock.index, fill_value=0.0)
        stock = stock - reached
        reached_total = reached_total + reached
        lifted_total = lifted_total + got["lifted"].reindex(stock.index, fill_value=0.0)
    if done:
        stock = stock + flow  # the first planned year's inflow
    planned_first = next(t for t in years if t not in done)
    stocks[planned_first] = stock
    state = HistoryState(years=tuple(done), units=recorded,
                         reached=reached_total[reached_total > 0],
                         lifted=lifted_total[lifted_total > 0])
    deprived = base.deprived.copy()
    deprived["deprived"] = stock.reindex(pd.MultiIndex.from_frame(
        deprived[["village", "dimension"]])).to_numpy()
    return _State(history=state, deprived=deprived, start_stock=start, flow=flow,
                  stocks=stocks)


def _recorded_instance(base: Instance, settings: ModelSettings, recorded: pd.DataFrame,
                       year: int, duration: pd.Series, weight: pd.Series) -> Instance:
    """The instance of a recorded year: the pairs of the villages with recorded rows."""
    villages = sorted(recorded.loc[recorded["year"] == year, "village"].unique())
    return year_instance(base, _year_settings(settings, year, -1, villages), villages,
                         set(), duration, weight)


def _with_stock(inst: Instance, stock: pd.Series) -> Instance:
    """``inst`` with its deprived set to ``stock`` (by village, dimension)."""
    deprived = inst.deprived.copy()
    deprived["deprived"] = stock.reindex(pd.MultiIndex.from_frame(
        deprived[["village", "dimension"]])).fillna(0.0).to_numpy()
    return dataclasses.replace(inst, deprived=deprived, cache={})


def _carry(focus: dict[int, list[str]], planned: list[int], duration: pd.Series,
           base: Instance, history: HistoryState) -> dict[int, set[tuple[str, str]]]:
    """Per planned year, the (village, programme) works of more than one year that may
    be in work there outside the year's focus villages: started in an earlier year's
    focus, or committed by the history."""
    long = {p for p, n in duration.items() if n > 1}
    pairs = [(v, p) for v, p in zip(base.pairs["village"], base.pairs["program"],
                                    strict=True) if p in long]
    last = planned[-1]
    out: dict[int, set[tuple[str, str]]] = {}
    for t in planned:
        keep = set()
        for v, p in pairs:
            n = int(duration[p])
            started_here = any(v in focus[tau] and tau + n - 1 <= last
                               for tau in range(t - n + 1, t) if tau in planned)
            if started_here or history.committed(v, p, t, n) > 0:
                keep.add((v, p))
        out[t] = keep
    return out


def _solve(base, settings, focus, planned, duration, weight, caps, state: _State,
           timings: dict, kept: float = 0.0) -> tuple[YearsModel, SolveReport]:
    """Build the model of the ``planned`` years for the focus villages ``focus`` after
    the years ``state`` holds, and solve it with the scenario's solver settings; the
    progress record tells its gap over the whole horizon (``kept``: the value of the
    years kept, :func:`_whole_gap`)."""
    with stage("years", years=len(planned)) as found:
        t0 = time.perf_counter()
        ym = build_years(base, settings, focus, planned, duration, weight, caps, state)
        timings["build"] = timings.get("build", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        report = solve_model(ym, settings.solver, start=None)
        timings["solve"] = timings.get("solve", 0.0) + time.perf_counter() - t0
        found.update(status=report.status, gap=_whole_gap(report, kept)
                     if report.is_plan else report.gap)
    return ym, report


def build_years(base: Instance, settings: ModelSettings, focus: dict[int, list[str]],
                planned: list[int], duration: pd.Series, weight: pd.Series,
                caps: pd.Series, state: _State) -> YearsModel:
    """The multi-year model: each planned year's one-year rules (in the registry's order,
    saturation replaced by the stock over the years), the starts, the linking rules and
    the objective."""
    start = time.perf_counter()
    prob = pulp.LpProblem("years", pulp.LpMaximize)
    carry = _carry(focus, planned, duration, base, state.history)
    models: dict[int, Model] = {}
    for t in planned:
        ys = _year_settings(settings, t, planned[0], focus[t])
        inst = year_instance(base, ys, focus[t], carry[t], duration, weight)
        m = Model(instance=inst, prob=prob, tag=f"_t{t}")
        add_rules(m, skip=("saturation",))  # the stock over the years instead
        models[t] = m
    ym = YearsModel(prob=prob, years=models, duration=duration, deprived=state.deprived,
                    history=state.history, horizon=settings.horizon, weight=weight,
                    start_stock=state.start_stock)
    last = planned[-1]
    for t, m in models.items():
        pairs = m.instance.pairs
        his = dict(zip(zip(pairs["village"], pairs["program"], strict=True), pairs["hi"],
                       strict=True))
        chosen = set(focus[t])
        for v, p in m.x:
            n = int(duration[p])
            if v not in chosen or t + n - 1 > last:
                continue
            if n <= 1:
                ym.starts[(v, p, t)] = None
            else:
                hi = int(his[(v, p)])
                ym.starts[(v, p, t)] = prob.add_variable(f"start_{p}_{v}_t{t}", lowBound=0,
                                                         upBound=hi, cat=pulp.LpInteger)
    for t, m in models.items():  # a one-year programme runs only where it can start
        for (v, p), x in m.x.items():
            if int(duration[p]) <= 1 and (v, p, t) not in ym.starts:
                x.upBound = 0
    add_continuation(ym)
    add_need_over_years(ym, base, caps)
    add_stock(ym)
    add_targets(ym)
    set_years_objective(ym)
    ym.build_seconds = time.perf_counter() - start
    return ym


def _units_of(ym: YearsModel, t: int) -> pd.DataFrame:
    rows = [(v, p, round(x.varValue or 0.0)) for (v, p), x in ym.years[t].x.items()]
    frame = pd.DataFrame(rows, columns=["village", "program", "units"])
    return frame[frame["units"] > 0].reset_index(drop=True)


def _lefts_after(ym: YearsModel, state: _State) -> dict[int, pd.DataFrame]:
    """Per planned year after the first: the deprived left at its start under the
    current solution (village, dimension, deprived)."""
    stock = state.deprived.set_index(["village", "dimension"])["deprived"].astype(float)
    out: dict[int, pd.DataFrame] = {}
    for t, following in zip(ym.planned, ym.planned[1:], strict=False):
        if t > ym.planned[0]:
            stock = stock + state.flow
        inst = _with_stock(ym.years[t].instance, stock)
        ev = evaluate(inst, _units_of(ym, t))
        stock = stock - ev.removed.set_index(["village", "dimension"])["removed"].reindex(
            stock.index, fill_value=0.0)
        out[following] = (stock + state.flow).clip(lower=0.0).rename("deprived").reset_index()
    return out


def _refocus(ds, scoring, left: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The focus villages of a year by the first year's rule on the deprived ``left``
    (:func:`planning.scoring.years.rescore`), and the year's score table."""
    from planning.scoring.years import rescore

    new = rescore(ds, scoring, left).table
    return sorted(new.loc[new["selected"].astype(bool), "code"].astype(str)), new


# --- the plan's tables -----------------------------------------------------------------

def _whole_gap(report: SolveReport, kept: float) -> float:
    """A step's certified gap over the whole horizon: (bound - plan) / (K + bound), K the
    value of the years it keeps from the steps before (weighted deprived units)."""
    if report.bound is None or report.objective is None:
        return math.inf
    return max(0.0, report.bound - report.objective) / max(kept + report.bound, 1e-9)


def _extract(ds, ym: YearsModel, steps: list[SolveReport], step_gaps: list[float],
             settings: ModelSettings,
             base: Instance, kept: pd.DataFrame, delivered: set[int], state: _State,
             focus: dict, scored: dict, years: list[int], refocused: list[int],
             timings: dict) -> YearPlan:
    """The plan's tables over every year: the recorded (``delivered``) years and the years
    kept from earlier steps as in ``kept``, the others from the solved model ``ym``; the
    report over the whole horizon (the kept years' value added to the last solve's
    objective and bound)."""
    horizon = settings.horizon
    units_rows, removed_rows = [], []
    delta = year_weights(years, horizon.discount)
    stock = state.start_stock.astype(float).copy()
    flow = state.flow
    instances: dict[int, Instance] = {}
    weight = ym.weight
    objective = kept_value = 0.0
    strength = settings.rules.diminishing_returns
    omega = base.deprived.set_index(["village", "dimension"])["omega"].reindex(stock.index)
    w = pd.Series(stock.index.get_level_values(0), index=stock.index).map(weight)
    scale = state.start_stock.reindex(stock.index).to_numpy(dtype=float)
    recorded = kept
    for t in years:
        if t > years[0]:
            stock = stock + flow
        if t in ym.years:
            inst = ym.years[t].instance
            units = _units_of(ym, t)
            started = {(v, p): round(sum(var.varValue or 0.0 for var, _ in
                                             ym.start(v, p, t)))
                       for (v, p) in zip(units["village"], units["program"], strict=True)}
            is_recorded = False
        else:
            rows = recorded[recorded["year"] == t]
            inst = _recorded_instance(base, settings, recorded, t, ym.duration, weight)
            units = rows[["village", "program", "units"]].copy()
            started = {(r.village, r.program): int(r.started)
                       for r in rows.itertuples(index=False)}
            is_recorded = t in delivered
        instances[t] = inst
        ev = evaluate(_with_stock(inst, stock), units)
        for r in ev.plan.itertuples(index=False):
            units_rows.append({
                "year": t, "village": r.village, "program": r.program, "agency": r.agency,
                "dimension": r.dimension, "kecamatan_code": r.kecamatan_code,
                "units": int(r.units), "started": started.get((r.village, r.program), 0),
                "duration": int(ym.duration[r.program]), "cost": float(r.cost),
                "reach": float(r.reached), "recorded": is_recorded})
        got = ev.removed.set_index(["village", "dimension"])
        removed = got["removed"].reindex(stock.index, fill_value=0.0)
        lift = got["lifted"].reindex(stock.index, fill_value=0.0)
        reached = got["reached"].reindex(stock.index, fill_value=0.0)
        for (v, d), before in stock.items():
            if removed[(v, d)] > 0 or reached[(v, d)] > 0:
                removed_rows.append({"year": t, "village": v, "dimension": d,
                                     "deprived_start": float(before),
                                     "reached": float(reached[(v, d)]),
                                     "removed": float(removed[(v, d)]),
                                     "lift": float(lift[(v, d)]),
                                     "deprived_end": float(before - removed[(v, d)])})
        stock = stock - removed
        if t not in delivered:
            value = delta[t] * float((w * omega * returns.value(
                lift.to_numpy(), scale, strength)).sum())
            objective += value
            kept_value += value if t not in ym.years else 0.0
    units = pd.DataFrame(units_rows, columns=[
        "year", "village", "program", "agency", "dimension", "kecamatan_code", "units",
        "started", "duration", "cost", "reach", "recorded"])
    removed = pd.DataFrame(removed_rows, columns=[
        "year", "village", "dimension", "deprived_start", "reached", "removed", "lift",
        "deprived_end"])
    last = steps[-1]
    bound = kept_value + last.bound if last.bound is not None else None
    # every year's decisions were made within the largest step's gap of the best plan
    # given the years before them; the last step's bound holds its own years
    gap = max([relative_gap(objective, bound) or 0.0, *step_gaps[:-1]])
    report = dataclasses.replace(last, objective=objective, bound=bound, gap=gap,
                                 status="optimal" if gap <= settings.solver.gap + 1e-9
                                 else "feasible",
                                 gap_target=settings.solver.gap,
                                 max_gap=settings.solver.max_gap)
    return YearPlan(years=years, planned=[t for t in years if t not in delivered],
                    report=report, settings=settings, instances=instances, units=units,
                    removed=removed, spend=_spend_table(units, horizon, years),
                    focus=_focus_table(focus, scored, years),
                    targets=target_progress(horizon, removed, poverty_base(ds)),
                    history=kept[kept["year"].isin(delivered)].reset_index(drop=True),
                    objective_recomputed=objective, refocused=refocused, steps=steps,
                    step_gaps=step_gaps,
                    timings=timings)


def _spend_table(units: pd.DataFrame, horizon: Horizon, years: list[int]) -> pd.DataFrame:
    rows = []
    for t in years:
        here = units[units["year"] == t]
        for agency, by in sorted(horizon.pagu.items()):
            mine = here[here["agency"] == agency]
            committed = mine[(mine["duration"] > 1) & (mine["started"] < mine["units"])]
            share = (committed["units"] - committed["started"]) / committed["units"]
            spent = float(mine["cost"].sum())
            rows.append({"year": t, "agency": agency, "pagu": float(by[t]), "spent": spent,
                         "committed": float((committed["cost"] * share).sum()),
                         "left": float(by[t]) - spent})
    return pd.DataFrame(rows, columns=["year", "agency", "pagu", "spent", "committed", "left"])


def _focus_table(focus: dict, scored: dict, years: list[int]) -> pd.DataFrame:
    """Per year, its focus villages and those that left them: year, code, name,
    kecamatan, poverty index and rank in the kecamatan (before and after the year's
    re-scoring), selected, change ('' in the first year; then 'stays', 'enters' or
    'graduates', :func:`planning.scoring.years.focus_changes`)."""
    from planning.scoring.years import focus_changes

    frames = []
    before = None
    for t in years:
        table = scored.get(t, scored[years[0]])
        now = table.assign(code=table["code"].astype(str))
        now = now.assign(selected=now["code"].isin(focus[t]))
        if before is None:
            rows = focus_changes(now, now)
            rows["change"] = ""
            rows = rows[rows["selected"]]
        else:
            rows = focus_changes(before, now)
            rows = rows[rows["change"] != ""]
        frames.append(rows.assign(year=t))
        before = now
    out = pd.concat(frames, ignore_index=True)
    return out[["year", *[c for c in out.columns if c != "year"]]]


@dataclass(frozen=True)
class PovertyBase:
    """What the district poverty rate of a multi-year plan starts from: poor people P and
    population N (sums of ``poor_people`` and ``population`` over every village), and
    k = P / (poor households of the income dimension's count indicator), persons per poor
    household."""

    poor: float
    population: float
    per_household: float
    dimension: str = "income"

    def rate(self, households_removed: float) -> float:
        """100 x (P - k x households lifted out of income poverty) / N  (per cent): the
        plan's contribution alone, everything else in the district unchanged."""
        return 100.0 * (self.poor - self.per_household * households_removed) / self.population


def poverty_base(ds, dimension: str = "income") -> PovertyBase | None:
    """The :class:`PovertyBase` of a data set (None without the indicators it needs)."""
    ind = ds.indicators
    dims = ds.dimensions.set_index("group")
    if dimension not in dims.index or not {"poor_people", "population"} <= set(ind):
        return None
    households = float(ind[dims.at[dimension, "count_indicator"]].sum())
    poor, population = float(ind["poor_people"].sum()), float(ind["population"].sum())
    if households <= 0 or population <= 0:
        return None
    return PovertyBase(poor=poor, population=population, per_household=poor / households,
                       dimension=dimension)


def target_progress(horizon: Horizon, removed: pd.DataFrame,
                    poverty: PovertyBase | None) -> pd.DataFrame:
    """Per target and year, what the plan (recorded years included) has achieved by the
    end of that year: deprived units removed in the target's dimension since the start of
    the horizon (cumulative), or the district poverty rate (:meth:`PovertyBase.rate`);
    ``share`` the part of the way to the goal (removed: achieved / goal; poverty rate:
    (start - rate) / (start - goal)); ``met`` whether the goal is reached by that year
    (only in years up to ``by``)."""
    rows = []
    for i, target in enumerate(horizon.targets):
        dimension = target.dimension if target.poverty_rate is None else (
            poverty.dimension if poverty is not None else None)
        if dimension is None:
            continue
        done = 0.0
        for t in horizon.years:
            done += float(removed.loc[(removed["year"] == t) & (
                removed["dimension"] == dimension), "removed"].sum())
            if target.poverty_rate is None:
                goal, achieved = float(target.removed), done
                share = achieved / goal if goal else 1.0
                met = achieved >= goal - 1e-6
                kind = "removed"
            else:
                goal, achieved = float(target.poverty_rate), poverty.rate(done)
                start = poverty.rate(0.0)
                share = (start - achieved) / (start - goal) if start > goal else 1.0
                met = achieved <= goal + 1e-9
                kind = "poverty_rate"
            rows.append({"target": i, "kind": kind, "dimension": dimension,
                         "by": target.by, "goal": goal, "year": t, "achieved": achieved,
                         "share": share, "met": bool(met and t <= target.by)})
    return pd.DataFrame(rows, columns=["target", "kind", "dimension", "by", "goal", "year",
                                       "achieved", "share", "met"])

"""Budget curves and the marginal value of each pagu (kurva anggaran, nilai marjinal pagu).

**The district curve.** Every agency's pagu P_a scaled together by a factor f (the
budget B(f) = f x sum_a P_a, juta Rp = million Rupiah); at each f the plan is made again
in the kept model (:mod:`planning.model.kept`), started from the plan of the neighbouring
point: going up from f = 1 (the given plan) a plan that keeps at least every unit of the
point below (``extend``), going down one cut out of the point above (``shrink``); when no
such plan exists (an absorption floor or the minimum package can ask for other unit
counts) the programme choices only (``extend_choices`` / ``shrink_choices``), each
solved to :data:`NEAR_GAP`. The neighbourhood's plan then starts the whole MIP, solved to
the scenario's gap or a node limit (:data:`CURVE_NODES`, the root by default: the
certified gap is reported as found). The down branch and the up branch are two
independent chains of re-plans (each point starts from its neighbour's plan, so a chain
runs in one task); with a runner (:class:`planning.analysis.workers.Runner`) the chains of
every curve and the marginal value of each agency are tasks on Dask, each building its own
planner and kept model; every solve is stopped by gaps and node limits, never the clock,
and starts from a cleared solver, so the points do not depend on where they ran.

**Monotone where the model says so.** Going up, the extended plan is a plan of the point
above, so its objective is never below the point below's. After both branches, a pass
over the points in ascending order: where the plan of point k keeps every rule at point
k+1 (:func:`planning.model.check_plan` on that point's instance) and is better than k+1's
plan, point k+1 takes it; its gap is recomputed against k+1's own bound. A drop that
remains is one where the plan below breaks a rule above (the absorption floors rise with
the pagu).

**Agency curves.** The same for one agency's pagu, the others fixed.

**The marginal value of a pagu.** For agency a, its pagu + s (s = Rp 100 juta): the best
plan that extends today's plan (every unit of today kept, solved within that
neighbourhood; where there is none, today's choices kept, then only a's choices free),
objective z_a, and the proven bound b_a of the whole model with the larger pagu. With
today's plan z_0 (weighted deprived units)::

    gain_low  = z_a - z_0      what the next s juta buy on top of today's plan (at least)
    gain_high = b_a - z_0      no plan with the larger pagu is better than today's by more

and the units changed (village, program, units, cost in juta Rp): what the money buys. The
LP dual of the row ``pagu_a`` in the LP relaxation with every programme choice fixed as
today's (HiGHS minimises the negated objective, so the value of one more juta is minus
the row dual), times s: ``lp_dual``, a quick indication only (it ignores that a new
programme choice costs its fixed cost, and the absorption floor that rises with the pagu).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from planning.model import Planner, check_plan, evaluate
from planning.model.extract import model_units
from planning.model.kept import NEIGHBOURHOOD_NODES, KeptModel, Replan, neighbourhood, replan
from planning.model.solve import classify, relative_gap

#: the district curve's factors of today's pagu: 50 % to 150 % in steps of 2 %
CURVE_FACTORS = np.linspace(0.5, 1.5, 51)
#: an agency curve's factors: 50 % to 150 % in steps of 10 %
AGENCY_FACTORS = np.round(np.linspace(0.5, 1.5, 11), 10)
#: node limit of the whole MIP at a curve point (1: the root, whose cuts give the bound)
CURVE_NODES = 1
#: node limits of the further tries at a point whose plan is poor or missing (with
#: HiGHS's heuristics: the root's sub-MIPs, then a search)
FALLBACK_NODES = (1, 200)
#: the gap a curve point's neighbourhood is solved to (small: presolve removes the held
#: columns, and the neighbourhood's plan is the point's plan unless the whole MIP finds
#: a better one)
NEAR_GAP = 0.002
#: the extra pagu of a marginal value (juta Rp)
MARGINAL_STEP = 100.0
#: neighbourhoods tried in turn going up and going down
UP = ("extend", "extend_choices")
DOWN = ("shrink", "shrink_choices")


@dataclass(frozen=True)
class CurvePoint:
    """One point of a curve: the factor, the budgets, and the plan made there (None when
    there is none); objective and bound in weighted deprived units."""

    factor: float
    pagu: dict[str, float]
    status: str
    source: str
    units: pd.DataFrame | None
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    agency: str | None = None


def scaled_pagu(pagu: pd.Series, factor: float, agency: str | None = None) -> dict[str, float]:
    """Every agency's pagu times ``factor`` (juta Rp), or only ``agency``'s."""
    if agency is None:
        return {a: float(v) * factor for a, v in pagu.items()}
    return {agency: float(pagu[agency]) * factor}


def solve_point(planner: Planner, kept: KeptModel, pagu: dict[str, float], factor: float,
                previous: pd.DataFrame, holds: Sequence[str],
                free: Callable[[str, str], bool] | None = None, nodes: int = CURVE_NODES,
                agency: str | None = None) -> CurvePoint:
    """The plan at new ``pagu`` from the neighbouring point's plan ``previous``: its
    neighbourhoods ``holds`` in turn (to :data:`NEAR_GAP`), then the whole MIP without
    HiGHS's root heuristics to the scenario's gap or ``nodes``. A point left without a
    plan, or with a gap above the scenario's ``max_gap``, is solved again with the
    heuristics, to each node limit of :data:`FALLBACK_NODES` in turn (deterministic: node
    limits, no clock)."""
    t0 = time.perf_counter()
    kept.sync(planner.set_budgets(pagu, check=False))
    gap = kept.solver.gap
    run = replan(kept, previous, hold=tuple(holds), free=free, gap=gap, quick_gap=gap,
                 nodes=nodes, heuristics=0.0, near_gap=NEAR_GAP)
    for limit in FALLBACK_NODES:
        if not _poor(run, kept.solver.max_gap):
            break
        again = replan(kept, previous, hold=tuple(holds), free=free, gap=gap, quick_gap=gap,
                       nodes=max(nodes, limit), near_gap=NEAR_GAP)
        if again.is_plan and (not run.is_plan
                              or again.report.objective >= run.report.objective - 1e-9):
            run = again
    report = run.report
    ok = run.is_plan
    return CurvePoint(factor=float(factor), pagu=dict(planner.instance.pagu.astype(float)),
                      status=str(report.status), source=run.source if ok else "none",
                      units=run.units if ok else None,
                      objective=report.objective if ok else None,
                      bound=report.bound if ok else None, gap=report.gap if ok else None,
                      seconds=time.perf_counter() - t0, agency=agency)


def _poor(run: Replan, max_gap: float) -> bool:
    if run.report.status == "infeasible":
        return False
    return not run.is_plan or run.report.gap is None or run.report.gap > max_gap


def branch(planner: Planner, kept: KeptModel, base_pagu: pd.Series, factors: Sequence[float],
           start: pd.DataFrame, holds: Sequence[str], agency: str | None = None,
           free: Callable[[str, str], bool] | None = None,
           nodes: int = CURVE_NODES) -> list[CurvePoint]:
    """The points of ``factors`` in the given order (away from f = 1), each from the last
    plan found before it (``start`` for the first)."""
    points, previous = [], start
    for factor in factors:
        point = solve_point(planner, kept, scaled_pagu(base_pagu, factor, agency), factor,
                            previous, holds, free, nodes, agency)
        points.append(point)
        if point.units is not None:
            previous = point.units
    return points


def monotone_pass(planner: Planner, points: list[CurvePoint]) -> list[CurvePoint]:
    """Points in ascending factor; point k+1 takes point k's plan where that plan keeps
    every rule at k+1 (``check_plan`` on k+1's instance) and is better; the gap is then
    recomputed against k+1's bound (source ``below``)."""
    points = sorted(points, key=lambda p: p.factor)
    for k in range(len(points) - 1):
        low, high = points[k], points[k + 1]
        if low.units is None or (high.objective is not None
                                 and low.objective <= high.objective + 1e-9):
            continue
        planner.set_budgets(high.pagu, check=False)
        if check_plan(planner.instance, low.units):
            continue
        gap = relative_gap(low.objective, high.bound)
        status = classify(low.objective, high.bound, planner.settings.solver.gap) \
            if high.bound is not None else "feasible"
        points[k + 1] = replace(high, units=low.units, objective=low.objective, gap=gap,
                                status=status, source="below")
    return points


def _base_point(planner: Planner, base: pd.DataFrame | Replan,
                agency: str | None = None) -> CurvePoint:
    """The point at f = 1: today's plan (with its report when ``base`` is a re-plan)."""
    units = base.units if isinstance(base, Replan) else base
    objective = evaluate(planner.instance, units).objective
    report = base.report if isinstance(base, Replan) else None
    return CurvePoint(factor=1.0, pagu=dict(planner.instance.pagu.astype(float)),
                      status=str(report.status) if report else "given", source="base",
                      units=units, objective=objective,
                      bound=report.bound if report else None,
                      gap=report.gap if report else None, seconds=0.0, agency=agency)


@dataclass(frozen=True)
class Chain:
    """One branch of one curve: ``factors`` in the order they are solved (away from
    f = 1), for the district (``agency`` None) or one agency; ``up``: extending."""

    agency: str | None
    factors: tuple[float, ...]
    up: bool


@dataclass(frozen=True)
class Inputs:
    """What a task of the curves needs to build its own planner and kept model: the data
    set, the scores and the settings (``ds``, ``scores``, ``settings`` of
    :class:`planning.model.Planner`), today's pagu and plan (``start``), and for the
    marginal values today's objective and the ``step``."""

    ds: object
    scores: object
    settings: object
    pagu: dict[str, float]
    start: pd.DataFrame
    nodes: int = CURVE_NODES
    today: float = 0.0
    step: float = MARGINAL_STEP


def _chains(factors: Sequence[float], agency: str | None) -> list[Chain]:
    """The down branch (descending from 1) and the up branch (ascending) of one curve."""
    factors = [float(f) for f in factors]
    downs = sorted((f for f in factors if f < 1.0 - 1e-9), reverse=True)
    ups = sorted(f for f in factors if f > 1.0 + 1e-9)
    return [Chain(agency, tuple(downs), False), Chain(agency, tuple(ups), True)]


def _task(planner: Planner, kept: KeptModel, task: Chain | str, inputs: Inputs):
    """One task on the given planner and kept model: a chain's points, or (an agency's
    code) that agency's marginal value; the pagu are today's again at the end."""
    try:
        if isinstance(task, Chain):
            free = None if task.agency is None else _of_agency(planner, task.agency)
            holds = UP if task.up else DOWN
            if task.agency is not None:
                holds = (*holds, "fix")
            return branch(planner, kept, pd.Series(inputs.pagu, dtype=float), task.factors,
                          inputs.start, holds, task.agency, free, inputs.nodes)
        return _one_more(planner, kept, inputs.start, task, float(inputs.pagu[task]),
                         inputs.step, inputs.today)
    finally:
        kept.sync(planner.set_budgets(dict(inputs.pagu), check=False))


def curve_task(task: Chain | str, inputs: Inputs):
    """A task of the curves on a Dask worker (:func:`run_tasks`): its own planner and kept
    model of ``inputs``, at today's pagu, then :func:`_task`."""
    planner = Planner(inputs.ds, inputs.scores, inputs.settings)
    kept = KeptModel(planner.model, inputs.settings.solver)
    kept.sync(planner.set_budgets(dict(inputs.pagu), check=False))
    return _task(planner, kept, task, inputs)


def run_tasks(planner: Planner, kept: KeptModel, tasks: list, inputs: Inputs,
              runner=None) -> list:
    """Every task's result, in task order: with ``runner`` (a
    :class:`planning.analysis.workers.Runner`; ``inputs`` must then carry the data set,
    scores and settings) as tasks on Dask, a task that failed on every try solved here
    again; without, one after the other on ``planner`` and ``kept``."""
    if runner is None or not tasks:
        return [_task(planner, kept, task, inputs) for task in tasks]
    outcome = runner(curve_task, tasks, inputs, label="curves")
    return [result if result is not None else _task(planner, kept, task, inputs)
            for task, result in zip(tasks, outcome.results, strict=True)]


def _inputs(planner: Planner, base: pd.DataFrame | Replan, nodes: int,
            inputs: Inputs | None) -> Inputs:
    start = base.units if isinstance(base, Replan) else base
    if start is None:
        raise ValueError("a budget curve starts from today's plan, and there is none")
    pagu = dict(planner.instance.pagu.astype(float))
    if inputs is None:
        return Inputs(None, None, planner.settings, pagu, start, nodes)
    return replace(inputs, pagu=pagu, start=start, nodes=nodes)


def _curve(planner: Planner, base: pd.DataFrame | Replan, factors: Sequence[float],
           chains: list[list[CurvePoint]], agency: str | None) -> list[CurvePoint]:
    """One curve from its two chains' points (and today's plan at f = 1), ascending,
    after the monotone pass; the planner's pagu are today's again at the end."""
    base_pagu = dict(planner.instance.pagu.astype(float))
    points = [p for chain in chains for p in chain]
    try:
        if any(math.isclose(f, 1.0) for f in factors):
            points.append(_base_point(planner, base, agency))
        return monotone_pass(planner, points)
    finally:
        planner.set_budgets(base_pagu, check=False)


def curve_points(planner: Planner, kept: KeptModel, base: pd.DataFrame | Replan,
                 factors: Sequence[float], agency: str | None = None,
                 nodes: int = CURVE_NODES, runner=None,
                 inputs: Inputs | None = None) -> list[CurvePoint]:
    """Every point of one curve (the district's, or ``agency``'s alone), ascending, after
    the monotone pass; the planner's and kept model's pagu are today's again at the end.
    ``runner`` and ``inputs``: the two chains as tasks on Dask (:func:`run_tasks`)."""
    shared = _inputs(planner, base, nodes, inputs)
    chains = run_tasks(planner, kept, _chains(factors, agency), shared, runner)
    return _curve(planner, base, factors, chains, agency)


def _of_agency(planner: Planner, agency: str) -> Callable[[str, str], bool]:
    mine = set(planner.instance.programs.loc[
        planner.instance.programs["agency"] == agency, "code"])
    return lambda _village, program: program in mine


def curve_table(planner: Planner, points: list[CurvePoint]) -> pd.DataFrame:
    """One row per point: factor, budget (all pagu, juta Rp), objective, bound, gap,
    status, source, removed_total and removed_<dimension> (deprived units removed, each
    in its own unit, from :func:`planning.model.evaluate`), spent (juta Rp), seconds; and
    agency with agency_pagu for an agency curve. A point without a plan has NaN."""
    dims = list(planner.instance.deprived["dimension"].drop_duplicates())
    rows = []
    for p in points:
        row = {"factor": p.factor, "budget": float(sum(p.pagu.values())),
               "objective": _nan(p.objective), "bound": _nan(p.bound), "gap": _nan(p.gap),
               "status": p.status, "source": p.source}
        if p.agency is not None:
            row = {"agency": p.agency, "agency_pagu": p.pagu[p.agency], **row}
        row.update(_effects(planner, p.units, dims))
        row["seconds"] = p.seconds
        rows.append(row)
    return pd.DataFrame(rows)


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _effects(planner: Planner, units: pd.DataFrame | None, dims: list[str]) -> dict:
    """removed_total, removed_<dimension> and spent of a plan (NaN without one); the
    evaluation does not depend on the pagu, so any instance of the planner measures it."""
    if units is None:
        return {"removed_total": float("nan"), **{f"removed_{d}": float("nan") for d in dims},
                "spent": float("nan")}
    ev = evaluate(planner.instance, units)
    by_dim = ev.removed.groupby("dimension")["removed"].sum()
    return {"removed_total": ev.removed_total,
            **{f"removed_{d}": float(by_dim.get(d, 0.0)) for d in dims},
            "spent": float(ev.plan["cost"].sum())}


def district_curve(planner: Planner, kept: KeptModel, base_units: pd.DataFrame | Replan,
                   factors: Sequence[float] = CURVE_FACTORS, nodes: int = CURVE_NODES,
                   runner=None, inputs: Inputs | None = None) -> pd.DataFrame:
    """The district budget curve: every pagu scaled together by each factor (see the
    module docstring); columns of :func:`curve_table`."""
    return curve_table(planner, curve_points(planner, kept, base_units, factors, nodes=nodes,
                                             runner=runner, inputs=inputs))


def agency_curves(planner: Planner, kept: KeptModel, base_units: pd.DataFrame | Replan,
                  factors: Sequence[float] = AGENCY_FACTORS,
                  agencies: Sequence[str] | None = None, nodes: int = CURVE_NODES,
                  runner=None, inputs: Inputs | None = None) -> pd.DataFrame:
    """One curve per agency (``agencies``, default all), its pagu scaled, the others
    today's; neighbourhoods extend / shrink, then the agency's pairs free with every
    other choice fixed. Columns of :func:`curve_table` with agency and agency_pagu. With
    ``runner`` the two chains of every agency are tasks of one run on Dask."""
    names = list(planner.instance.pagu.index) if agencies is None else list(agencies)
    shared = _inputs(planner, base_units, nodes, inputs)
    tasks = [c for a in names for c in _chains(factors, a)]
    chains = run_tasks(planner, kept, tasks, shared, runner)
    tables = [curve_table(planner, _curve(planner, base_units, factors,
                                          chains[2 * i:2 * i + 2], a))
              for i, a in enumerate(names)]
    return pd.concat(tables, ignore_index=True)


def budget_answers(planner: Planner, kept: KeptModel, base: Replan, runner=None,
                   inputs: Inputs | None = None,
                   ) -> tuple[pd.DataFrame, pd.DataFrame, Marginal]:
    """The district curve, every agency's curve and the marginal values of today's plan
    ``base`` at the default factors and step, their tasks (two chains per curve, one per
    agency's marginal value) in one run (:func:`run_tasks`; with ``runner`` on Dask)."""
    shared = _inputs(planner, base, CURVE_NODES, inputs)
    shared = replace(shared, today=evaluate(planner.instance, shared.start).objective)
    agencies = list(shared.pagu)
    tasks = [*_chains(CURVE_FACTORS, None),
             *(c for a in agencies for c in _chains(AGENCY_FACTORS, a)), *agencies]
    duals = lp_duals(kept, shared.start, shared.step)
    done = run_tasks(planner, kept, tasks, shared, runner)
    district = curve_table(planner, _curve(planner, base, CURVE_FACTORS, done[:2], None))
    tables = [curve_table(planner, _curve(planner, base, AGENCY_FACTORS,
                                          done[2 + 2 * i:4 + 2 * i], a))
              for i, a in enumerate(agencies)]
    marginal = marginal_table(agencies, done[2 + 2 * len(agencies):], duals)
    return district, pd.concat(tables, ignore_index=True), marginal


def drops(table: pd.DataFrame, tol: float = 1e-9) -> int:
    """How many points (ascending factor) have a lower objective than the point before."""
    values = table.sort_values("factor")["objective"].dropna().to_numpy()
    return int((np.diff(values) < -tol).sum())


# -- the marginal value of each pagu ---------------------------------------------------
@dataclass(frozen=True)
class Marginal:
    """The marginal value of every agency's pagu.

    ``table``: agency, pagu, pagu_new (juta Rp), status (of the extended plan),
    neighbourhood (``extend``; where no plan keeps every unit of today: ``extend_choices``,
    today's choices kept, or ``fix``, only the agency's choices free), objective (today's
    plan), objective_extended, gain_low, bound_new, gain_high (weighted deprived units per
    ``step`` juta; see the module docstring), spent_extra (juta Rp: what the changed units
    cost), lp_dual (per ``step`` juta, an indication only).
    ``purchases``: agency (whose pagu rose), village, program, program_agency, units
    (added; negative: cut), cost (juta Rp)."""

    table: pd.DataFrame
    purchases: pd.DataFrame


def added_units(instance, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The units ``after`` changes against ``before`` per (village, program): units added
    (negative: cut, where only the programme choices were kept) and their cost (juta Rp:
    unit cost x units, plus the fixed cost where a pair comes or goes)."""
    old = evaluate(instance, before).plan.set_index(["village", "program"])
    new = evaluate(instance, after).plan.set_index(["village", "program"])
    keys = new.index.union(old.index)
    units = new["units"].reindex(keys, fill_value=0) - old["units"].reindex(keys, fill_value=0)
    cost = new["cost"].reindex(keys, fill_value=0.0) - old["cost"].reindex(keys, fill_value=0.0)
    agency = new["agency"].reindex(keys).fillna(old["agency"].reindex(keys))
    out = pd.DataFrame({"program_agency": agency, "units": units, "cost": cost})
    out = out[(out["units"] != 0) | (out["cost"].abs() > 1e-9)].reset_index()
    return out[["village", "program", "program_agency", "units", "cost"]]


def lp_duals(kept: KeptModel, units: pd.DataFrame, step: float = MARGINAL_STEP) -> pd.Series:
    """The value of ``step`` more juta of each agency's pagu in the LP relaxation with
    every programme choice fixed as in ``units``: minus the dual of row ``pagu_<agency>``
    (HiGHS minimises the negated objective) times ``step``; NaN without an LP optimum."""
    agencies = list(kept.m.instance.pagu.index)
    report = kept.solve(relax=True, bounds=neighbourhood(kept, units, "fix"))
    dual = kept.row_dual
    if report.status != "optimal" or dual is None:
        return pd.Series(float("nan"), index=agencies)
    return pd.Series([-float(dual[kept.row[f"pagu_{a}"]]) * step
                      if f"pagu_{a}" in kept.row else float("nan") for a in agencies],
                     index=agencies)


def marginal_values(planner: Planner, kept: KeptModel, base_units: pd.DataFrame,
                    step: float = MARGINAL_STEP, runner=None,
                    inputs: Inputs | None = None) -> Marginal:
    """For every agency: its pagu + ``step`` juta, the best plan extending today's
    ``base_units`` (within that neighbourhood, gap 0 or its node limit), the proven bound
    of the whole model (its root, from that plan), and what the added units buy; with
    ``runner`` one task per agency on Dask (:func:`run_tasks`)."""
    if base_units is None:
        raise ValueError("a marginal value extends today's plan, and there is none")
    shared = replace(_inputs(planner, base_units, CURVE_NODES, inputs), step=step,
                     today=evaluate(planner.instance, base_units).objective)
    duals = lp_duals(kept, base_units, step)
    agencies = list(shared.pagu)
    return marginal_table(agencies, run_tasks(planner, kept, agencies, shared, runner), duals)


def marginal_table(agencies: list[str], answers: list, duals: pd.Series) -> Marginal:
    """The :class:`Marginal` of the agencies' answers (:func:`_one_more`) and LP duals."""
    rows, bought = [], []
    for agency, (row, added) in zip(agencies, answers, strict=True):
        rows.append({**row, "lp_dual": float(duals[agency])})
        if added is not None:
            bought.append(added.assign(agency=agency))
    columns = ["agency", "village", "program", "program_agency", "units", "cost"]
    purchases = pd.concat(bought, ignore_index=True)[columns] if bought else \
        pd.DataFrame(columns=columns)
    return Marginal(pd.DataFrame(rows), purchases)


def _one_more(planner: Planner, kept: KeptModel, base_units: pd.DataFrame, agency: str,
              pagu: float, step: float, today: float) -> tuple[dict, pd.DataFrame | None]:
    """One agency's row of :func:`marginal_values` and its purchases."""
    kept.sync(planner.set_budgets({agency: pagu + step}, check=False))
    free = _of_agency(planner, agency)
    for hold in (*UP, "fix"):
        near = kept.solve(gap=0.0, nodes=NEIGHBOURHOOD_NODES, presolve=True,
                          bounds=neighbourhood(kept, base_units, hold, free))
        if near.is_plan:
            break
    row = {"agency": agency, "pagu": pagu, "pagu_new": pagu + step,
           "status": str(near.status), "neighbourhood": hold if near.is_plan else "none",
           "objective": today}
    if not near.is_plan:
        return {**row, "objective_extended": float("nan"), "gain_low": float("nan"),
                "bound_new": float("nan"), "gain_high": float("nan"),
                "spent_extra": float("nan")}, None
    units = model_units(kept.m)
    start = {v.name: float(v.varValue or 0.0) for v in kept.variables}
    whole = kept.solve(start=start, nodes=CURVE_NODES, heuristics=0.0)
    bound = whole.bound if whole.bound is not None else float("nan")
    added = added_units(planner.instance, base_units, units)
    return {**row, "objective_extended": near.objective, "gain_low": near.objective - today,
            "bound_new": bound, "gain_high": bound - today,
            "spent_extra": float(added["cost"].sum())}, added


# -- in the planner's words -------------------------------------------------------------
def curve_lines(table: pd.DataFrame, lang: str = "id") -> list[str]:
    """The district curve in the planner's words, one line per point, and its drops."""
    from planning import i18n
    from planning.i18n.glossary import coded

    lines = [i18n.text("analyse.curve.title", lang)]
    for row in table.sort_values("factor").itertuples(index=False):
        where = {"factor": i18n.number(100 * row.factor, lang),
                 "budget": i18n.number(row.budget, lang)}
        if np.isnan(row.objective):
            lines.append("  " + i18n.text("analyse.curve.no_plan", lang, **where,
                                          status=coded("solve", row.status, lang)))
            continue
        lines.append("  " + i18n.text(
            "analyse.curve.point", lang, **where, objective=i18n.number(row.objective, lang, 1),
            gap=i18n.number(100 * row.gap, lang, 2) if not np.isnan(row.gap) else "-",
            removed=i18n.number(row.removed_total, lang), spent=i18n.number(row.spent, lang)))
    lines.append(i18n.text("analyse.curve.drops", lang, count=drops(table)))
    return lines


def marginal_lines(instance, marginal: Marginal, lang: str = "id",
                   step: float = MARGINAL_STEP, shown: int = 3) -> list[str]:
    """The marginal values in the planner's words: per agency the gain (at least - at
    most), the LP dual, and the ``shown`` largest purchases by cost; ``instance``: the
    plan's model instance (its names of villages and programmes)."""
    from planning import i18n
    from planning.i18n.glossary import coded

    villages = instance.labels.get("village", {})
    programs = instance.programs.set_index("code")[f"name_{lang}"]
    lines = [i18n.text("analyse.marginal.title", lang, step=i18n.number(step, lang))]
    for row in marginal.table.itertuples(index=False):
        dual = i18n.number(row.lp_dual, lang, 1) if not np.isnan(row.lp_dual) else "-"
        if np.isnan(row.gain_low):
            lines.append("  " + i18n.text("analyse.marginal.no_plan", lang, agency=row.agency,
                                          pagu=i18n.number(row.pagu_new, lang),
                                          status=coded("solve", row.status, lang),
                                          dual=dual))
            continue
        bought = marginal.purchases[marginal.purchases["agency"] == row.agency]
        added = bought[bought["cost"] > 0]
        items = "; ".join(i18n.counted(
            "analyse.marginal.item", int(b.units), lang,
            program=programs.get(b.program, b.program),
            village=villages.get(b.village, b.village), cost=i18n.number(b.cost, lang, 1))
            for b in added.sort_values("cost", ascending=False).head(shown).itertuples())
        cuts = -float(bought.loc[bought["cost"] < 0, "cost"].sum())
        if cuts > 0:  # what the new plan takes away is part of what the money buys
            items += "; " + i18n.text("analyse.marginal.cuts", lang,
                                      cost=i18n.number(cuts, lang, 1))
        lines.append("  " + i18n.text(
            "analyse.marginal.value", lang, agency=row.agency, step=i18n.number(step, lang),
            low=i18n.number(row.gain_low, lang, 1), high=i18n.number(row.gain_high, lang, 1),
            dual=dual, items=items or "-"))
    return lines

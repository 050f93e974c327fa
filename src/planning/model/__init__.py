"""The allocation model: which programmes of which agency go to which village, how many
units, within every pagu, to remove as many weighted deprivations as possible.

Public steps, usable one by one (a notebook can stop anywhere and look):

1. :func:`build_instance`: every coefficient, from the data set, scores and settings;
2. :func:`presolve`: checks a planner can fix before any solving;
3. :func:`build_model`: the PuLP model, one function per rule (``custom`` rules too);
4. :func:`solve_model`: a named solver, its status, objective, bound, gap and runtime;
5. :func:`extract`: the result tables, only from a solve that proved its gap target;

and :func:`allocate`, which strings them together with the greedy warm start, the
baselines and, when no plan exists, the explanation of which rules conflict.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from planning.model import messages as _messages  # noqa: F401  (registers messages)
from planning.model.build import Model, build_model
from planning.model.evaluate import Evaluation, evaluate, start_values
from planning.model.explain import Explanation, explain_infeasible
from planning.model.extract import (
    agency_table,
    baseline_table,
    dimension_table,
    kecamatan_table,
    model_units,
    plan_table,
    village_table,
)
from planning.model.feasibility import plan_violations
from planning.model.heuristics import equal_split_plan, greedy_plan
from planning.model.instance import Instance, ModelError, build_instance
from planning.model.presolve import Finding, PresolveError, presolve
from planning.model.settings import Lock, ModelSettings, Rules, Solver
from planning.model.solve import SolveReport, available_solvers, relative_gap, solve_model

__all__ = [
    "Allocation", "Explanation", "Finding", "Instance", "Lock", "Model", "ModelError",
    "ModelSettings", "PresolveError", "Rules", "SolveReport", "Solver", "Tables", "allocate",
    "available_solvers", "build_instance", "build_model", "equal_split_plan", "evaluate",
    "explain_infeasible", "extract", "greedy_plan", "plan_violations", "presolve",
    "solve_model",
]


@dataclass(frozen=True)
class Tables:
    plan: pd.DataFrame
    agencies: pd.DataFrame
    kecamatan: pd.DataFrame
    villages: pd.DataFrame
    dimensions: pd.DataFrame
    baselines: pd.DataFrame
    totals: dict


@dataclass(frozen=True)
class Allocation:
    instance: Instance
    report: SolveReport
    warnings: list[Finding]
    greedy: pd.DataFrame
    greedy_objective: float
    lp_bound: float | None
    timings: dict[str, float]
    tables: Tables | None = None
    explanation: Explanation | None = None
    model: Model | None = field(default=None, repr=False)

    @property
    def is_plan(self) -> bool:
        return self.report.is_plan and self.tables is not None

    @property
    def greedy_gap(self) -> float | None:
        """Certified gap of the greedy plan against the LP relaxation's bound."""
        return relative_gap(self.greedy_objective, self.lp_bound)


def extract(m: Model, report: SolveReport, baselines: dict[str, pd.DataFrame] | None = None,
            lang: str = "id") -> Tables:
    """The result tables of a solved model; refuses anything that is not a proven plan."""
    if not report.is_plan:
        raise ModelError("model.not_a_plan", status=report.status,
                         detail=report.message or "-")
    instance = m.instance
    units = model_units(m)
    ev: Evaluation = evaluate(instance, units)
    plans = {"optimal": units, **(baselines or {})}
    dims = dimension_table(ev)
    totals = {
        "status": report.status, "objective": report.objective, "bound": report.bound,
        "gap": report.gap, "objective_recomputed": ev.objective,
        "deprivations_removed": ev.removed_total,
        "deprivations_before": float(ev.removed["deprived"].sum()),
        "removed_by_dimension": dict(zip(dims["dimension"], dims["removed"], strict=True)),
        "cost": float(ev.plan["cost"].sum()), "pagu": float(instance.pagu.sum()),
        "villages": len(instance.villages),
        "villages_served": int(ev.plan["village"].nunique()),
        "programs_used": int(ev.plan["program"].nunique()),
        "rows": len(ev.plan),
    }
    return Tables(plan=plan_table(ev, instance, lang), agencies=agency_table(ev, instance),
                  kecamatan=kecamatan_table(ev, instance), villages=village_table(ev, instance),
                  dimensions=dims,
                  baselines=baseline_table(instance, plans, plan_violations), totals=totals)


def allocate(ds, scores, settings: ModelSettings | None = None, custom=(),
             lang: str = "id") -> Allocation:
    """Build, check, solve and extract, for the data set ``ds`` and the village scores
    (a ScoreResult or its table). Raises ModelError / PresolveError on bad input; an
    infeasible scenario returns an Allocation with an explanation and no tables."""
    settings = settings or ModelSettings()
    table = getattr(scores, "table", scores)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    instance = build_instance(ds, table, settings)
    warnings = presolve(instance)
    timings["instance"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    greedy = greedy_plan(instance)
    greedy_ok = not plan_violations(instance, greedy)
    greedy_objective = evaluate(instance, greedy).objective if greedy_ok else float("nan")
    timings["greedy"] = time.perf_counter() - t0
    m = build_model(instance, custom)
    timings["build"] = m.build_seconds
    lp = solve_model(m, settings.solver, relax=True)
    timings["lp"] = lp.runtime
    lp_bound = lp.objective if lp.status == "optimal" else None
    start = start_values(instance, greedy) if greedy_ok else None
    report = solve_model(m, settings.solver, start=start)
    timings["solve"] = report.runtime
    if report.status == "infeasible":
        return Allocation(instance, report, warnings, greedy, greedy_objective, lp_bound,
                          timings, explanation=explain_infeasible(instance, settings.solver),
                          model=m)
    tables = None
    if report.is_plan:
        baselines = {"greedy": greedy, "equal_split": equal_split_plan(instance)}
        tables = extract(m, report, baselines, lang)
    return Allocation(instance, report, warnings, greedy, greedy_objective, lp_bound, timings,
                      tables=tables, model=m)

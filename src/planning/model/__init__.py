"""The allocation model: which programmes of which agency go to which village, how many
units, within every pagu, to remove as many weighted deprivations as possible.

Public steps, usable one by one (a notebook can stop anywhere and look):

1. :func:`build_instance`: every coefficient, from the data set, scores and settings;
2. :func:`presolve`: checks a planner can fix before any solving;
3. :func:`build_model`: the PuLP model, one function per rule of the registry
   :data:`RULES` (``custom`` rules too); :func:`check_plan` checks a plan against each;
4. :func:`solve_model`: a named solver, its status, objective, bound, gap and runtime;
5. :func:`extract`: the result tables, only from a plan: one that proved the gap target,
   or (:func:`best_found`) the best plan found when a limit stopped the solver first;

and :func:`allocate`, which strings them together with the greedy warm start, the
baselines and, when no plan exists, the explanation of which rules conflict.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import pandas as pd

from planning.config.model import Lock, ModelSettings, Rules, Solver
from planning.model.best import best_found, load_values
from planning.model.build import Model
from planning.model.check import Breach
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
from planning.model.floors import absorption_floors
from planning.model.heuristics import equal_split_plan, greedy_plan, rounded_plan
from planning.model.instance import Instance, ModelError, build_instance
from planning.model.presolve import Finding, PresolveError, presolve
from planning.model.progress import stage
from planning.model.rules import RULES, Rule, build_model, check_plan
from planning.model.solve import SolveReport, available_solvers, relative_gap, solve_model

__all__ = [
    "RULES", "Allocation", "Breach", "Explanation", "Finding", "Instance", "Lock", "Model",
    "ModelError", "ModelSettings", "Planner", "PresolveError", "QuickPlan", "Rule", "Rules",
    "SolveReport", "Solver", "Tables", "allocate", "available_solvers", "best_found",
    "build_instance", "build_model", "check_plan", "equal_split_plan", "evaluate",
    "explain_infeasible", "extract", "greedy_plan", "plan_violations", "presolve",
    "quick_plan", "solve_model",
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
    quick: pd.DataFrame | None = None
    """The best plan found without the MIP (greedy, or the rounded LP relaxation) that
    keeps every rule: the warm start, certified within ``quick_gap`` of the LP bound."""
    quick_objective: float | None = None
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

    @property
    def quick_gap(self) -> float | None:
        """Certified gap of the quick plan (no MIP) against the LP relaxation's bound."""
        return relative_gap(self.quick_objective, self.lp_bound)


def extract(m: Model, report: SolveReport,
            baselines: dict[str, pd.DataFrame] | None = None) -> Tables:
    """The result tables of a solved model; refuses anything that is not a plan (proven,
    or the best found with a certified gap)."""
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
    return Tables(plan=plan_table(ev, instance), agencies=agency_table(ev, instance),
                  kecamatan=kecamatan_table(ev, instance), villages=village_table(ev, instance),
                  dimensions=dims,
                  baselines=baseline_table(instance, plans, plan_violations), totals=totals)


def allocate(ds, scores, settings: ModelSettings | None = None, custom=()) -> Allocation:
    """Build, check, solve and extract, for the data set ``ds`` and the village scores
    (a ScoreResult or its table). Raises ModelError / PresolveError on bad input; an
    infeasible scenario returns an Allocation with an explanation and no tables."""
    return Planner(ds, scores, settings, custom).plan()


class Planner:
    """A built model kept between solves, for interactive re-planning: change a pagu or
    the district ceiling and only that row of the model changes; the quick plan with its
    certified gap comes back in a fraction of a second, the MIP plan after it."""

    def __init__(self, ds, scores, settings: ModelSettings | None = None, custom=()):
        self.settings = settings or ModelSettings()
        self.timings: dict[str, float] = {}
        t0 = time.perf_counter()
        self.instance = build_instance(ds, getattr(scores, "table", scores), self.settings)
        self.warnings = presolve(self.instance)
        self.timings["instance"] = time.perf_counter() - t0
        self.model = build_model(self.instance, custom)
        self.timings["build"] = self.model.build_seconds
        self._kept = None

    def set_pagu(self, agency: str, value: float, check: bool = True) -> None:
        """A new pagu for ``agency`` (juta Rp): changes one bound of the built model (and
        the agency's absorption target). ``check=False`` leaves the presolve checks to
        :meth:`check`, after several changes."""
        self.set_budgets({agency: value}, check)

    def set_budgets(self, pagu: dict[str, float], check: bool = True) -> list[str]:
        """New pagu for several agencies at once (juta Rp); returns the names of the
        model rows that changed (pagu and absorption rows)."""
        for agency, value in pagu.items():
            if agency not in self.instance.pagu.index:
                raise ModelError("model.unknown_agency", codes=agency,
                                 known=", ".join(self.instance.pagu.index))
            if value < 0:
                raise ModelError("model.negative_pagu", agency=agency, value=value)
        new = self.instance.pagu.copy()
        for agency, value in pagu.items():
            new[agency] = float(value)
            self.model.set_rhs(f"pagu_{agency}", float(value))
        settings = self.settings.model_copy(update={"pagu": {
            **self.settings.pagu, **{a: float(v) for a, v in pagu.items()}}})
        changed = [f"pagu_{a}" for a in pagu]
        changed += self._absorption(dataclasses.replace(self.instance, settings=settings,
                                                        pagu=new))
        self._update(settings, check, pagu=new)  # model and instance agree even if checks fail
        return changed

    def set_ceiling(self, value: float, check: bool = True) -> None:
        """A new district ceiling (juta Rp) for a model built with one."""
        if "district_ceiling" not in self.model.rows:
            raise ModelError("model.no_ceiling")
        rules = self.settings.rules.model_copy(update={"district_ceiling": float(value)})
        settings = self.settings.model_copy(update={"rules": rules})
        self.model.set_rhs("district_ceiling", float(value))
        self._absorption(dataclasses.replace(self.instance, settings=settings))
        self._update(settings, check)

    def _absorption(self, changed: Instance) -> list[str]:
        """The absorption rows' targets for the changed pagu or ceiling (each follows its
        agency's pagu and the ceiling's cut; an agency without a row keeps none); returns
        the rows' names."""
        targets = {f.agency: f.target for f in absorption_floors(changed)}
        rows = [f"absorption_{a}" for a in changed.pagu.index
                if f"absorption_{a}" in self.model.constraints]
        for row in rows:
            self.model.set_rhs(row, targets.get(row.removeprefix("absorption_"), 0.0))
        return rows

    def _update(self, settings: ModelSettings, check: bool = True, **changes) -> None:
        self.settings = settings
        self.instance = dataclasses.replace(self.instance, settings=settings, **changes)
        self.model.instance = self.instance
        if check:
            self.check()

    def check(self) -> None:
        """The presolve checks of the current instance (raises PresolveError)."""
        self.warnings = presolve(self.instance)

    def quick(self, kept: bool = False) -> tuple[QuickPlan, SolveReport]:
        """The quick plan and the LP relaxation's report (its objective is the bound).
        ``kept``: the LP relaxation on the kept HiGHS model in this process (handed over
        once, only its row bounds copied again: for many LPs of one model after budget
        changes, as a region's curve makes), instead of a fresh hand-over to a watched
        solver process each time."""
        solver = self.settings.solver
        quick = quick_plan(self.instance)
        if kept:
            from planning.model.kept import KeptModel

            if self._kept is None:
                self._kept = KeptModel(self.model, solver)
            else:
                self._kept.sync()
            lp = self._kept.solve(relax=True)
        else:
            lp = solve_model(self.model, solver, relax=True)
        self.timings["greedy"], self.timings["lp"] = quick.seconds, lp.runtime
        if lp.status == "optimal":
            t0 = time.perf_counter()
            relaxed = {k: float(v.varValue or 0.0) for k, v in self.model.x.items()}
            quick = quick_plan(self.instance, relaxed, greedy=quick)
            self.timings["rounding"] = time.perf_counter() - t0
        return quick, lp

    def plan(self, quick: tuple[QuickPlan, SolveReport] | None = None) -> Allocation:
        """Quick plan and bound (or ``quick``, the result of :meth:`quick` just before,
        nothing changed since), then the MIP from that warm start, then the tables."""
        if quick is None:
            with stage("quick") as found:
                quick = self.quick()
                found.update(villages=len(self.instance.villages), gap=relative_gap(
                    quick[0].best_objective,
                    quick[1].objective if quick[1].status == "optimal" else None))
        quick, lp = quick
        lp_bound = lp.objective if lp.status == "optimal" else None
        start = start_values(self.instance, quick.best) if quick.best is not None else None
        with stage("mip") as found:
            report = solve_model(self.model, self.settings.solver, start=start)
            self.timings["solve"] = report.runtime
            report = best_found(self.model, report, quick.best, quick.best_objective,
                                lp_bound)
            found.update(status=report.status, gap=report.gap)
        common = {"instance": self.instance, "report": report, "warnings": self.warnings,
                  "greedy": quick.greedy, "greedy_objective": quick.greedy_objective,
                  "lp_bound": lp_bound, "timings": dict(self.timings), "quick": quick.best,
                  "quick_objective": quick.best_objective, "model": self.model}
        if report.status == "infeasible":
            return Allocation(**common, explanation=explain_infeasible(
                self.instance, self.settings.solver))
        tables = None
        if report.is_plan:
            baselines = {"greedy": quick.greedy,
                         "equal_split": equal_split_plan(self.instance)}
            tables = extract(self.model, report, baselines)
        return Allocation(**common, tables=tables)


    def kept_plan(self, previous: pd.DataFrame | None = None, free=None,
                  on_first=None) -> Allocation:
        """The plan of the current settings re-planned on the kept HiGHS model
        (:mod:`planning.model.kept`: the model handed to HiGHS once, only changed rows
        synced): from ``previous`` (village, program, units; its neighbourhood with the
        choices of the pairs ``free`` does not accept held), to a certified 2 %
        (``on_first(units, report, seconds)`` is called with it) and on to the gap target.
        The Allocation's ``quick`` is that first certified plan."""
        from planning.model.kept import KeptModel, replan

        t0 = time.perf_counter()
        if self._kept is None:
            self._kept = KeptModel(self.model, self.settings.solver)
        else:
            self._kept.sync()
        r = replan(self._kept, previous, hold="fix" if previous is not None and free
                   else None, free=free)
        if on_first is not None and r.quick_units is not None:
            on_first(r.quick_units, r.quick, r.quick_seconds)
        self.timings.update({"quick": r.quick_seconds, "solve": r.seconds,
                             "replan": time.perf_counter() - t0})
        report, greedy = r.report, greedy_plan(self.instance)
        ok = not plan_violations(self.instance, greedy)
        common = {"instance": self.instance, "report": report, "warnings": self.warnings,
                  "greedy": greedy, "greedy_objective": evaluate(self.instance, greedy).objective
                  if ok else float("nan"), "lp_bound": None, "timings": dict(self.timings),
                  "quick": r.quick_units, "quick_objective": r.quick.objective,
                  "model": self.model}
        if report.status == "infeasible":
            return Allocation(**common, explanation=explain_infeasible(
                self.instance, self.settings.solver))
        tables = None
        if report.is_plan:
            if r.units is not None:
                load_values(self.model, start_values(self.instance, r.units))
            tables = extract(self.model, report, {
                "greedy": greedy, "equal_split": equal_split_plan(self.instance)})
        return Allocation(**common, tables=tables)


@dataclass(frozen=True)
class QuickPlan:
    greedy: pd.DataFrame
    greedy_objective: float
    """NaN when the greedy plan breaks a rule (a share rule it does not steer by)."""
    best: pd.DataFrame | None
    best_objective: float | None
    seconds: float


#: the shares of the LP relaxation's units the rounded plan is tried with, in turn, until
#: one keeps every rule: rounding the LP's own units down can spend an agency's whole
#: pagu before the floors (a village's minimum package, a kecamatan's share) are reached,
#: and a slightly smaller start leaves the money for them (at 716 villages the LP's own
#: units broke 53 floors; 99 % of them kept every rule and beat the greedy plan by 7 %)
ROUNDING_SCALES = (1.0, 0.99, 0.97, 0.94, 0.9)
#: the rules (plan-check names) a smaller share of the LP's units helps a rounded plan
#: keep, because it leaves money for their floors; past any other broken rule the next
#: shares are not tried (an agency's absorption wants more spending, not less; a
#: dimension's floor was kept by a smaller share in 2 of 7 districts of the province
#: benchmark, at the cost of every retry in the others)
ROUNDING_CAN_FIX = frozenset({"village_package", "kecamatan_share"})


def quick_plan(instance: Instance, relaxed: dict | None = None,
               greedy: QuickPlan | None = None) -> QuickPlan:
    """The plans made without the MIP: greedy, and (given the LP relaxation's units) the
    rounded LP plan: of the LP's units, or, while it breaks only rules of
    :data:`ROUNDING_CAN_FIX`, of the next share of them in :data:`ROUNDING_SCALES`, until
    one keeps every rule; ``best`` is the better of the two that keeps every rule, or
    None."""
    t0 = time.perf_counter()
    if greedy is None:
        plan = greedy_plan(instance)
        ok = not plan_violations(instance, plan)
        objective = evaluate(instance, plan).objective if ok else float("nan")
        greedy = QuickPlan(plan, objective, plan if ok else None,
                           objective if ok else None, 0.0)
    best, best_objective = greedy.best, greedy.best_objective
    if relaxed is not None:
        for factor in ROUNDING_SCALES:
            rounded = rounded_plan(instance, relaxed if factor == 1 else
                                   {key: units * factor for key, units in relaxed.items()})
            broken = {rule for rule, _subject, _amount in plan_violations(instance, rounded)}
            if broken - ROUNDING_CAN_FIX:
                break
            if broken:
                continue
            value = evaluate(instance, rounded).objective
            if best_objective is None or value > best_objective + 1e-9:
                best, best_objective = rounded, value
            break
    return QuickPlan(greedy.greedy, greedy.greedy_objective, best, best_objective,
                     greedy.seconds + time.perf_counter() - t0)

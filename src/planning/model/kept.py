"""A built model kept in HiGHS between solves, for the many re-plans of an analysis.

:func:`planning.model.solve_model` hands the PuLP model to HiGHS anew at every solve, in
a forked, watched process: right for one run, but an analysis re-plans the same model
tens of times with one bound or right-hand side changed (a budget curve, the price of a
rule, the entry threshold of a programme). :class:`KeptModel` hands the PuLP model (PuLP
stays the modelling layer) to one HiGHS object in this process once; afterwards only the
changed row bounds (:meth:`KeptModel.sync`) and the fixed columns of a solve change.

Every solve starts from a cleared solver (no basis or cuts of an earlier solve), on one
thread with the scenario's seed, and stops on its gap target or node limit: the same
model, start and options give the same plan whatever was solved before. HiGHS's own
wall-clock limit is the safety net (in this process there is no watchdog).

:func:`replan` is the re-plan after a change: the previous plan where it still keeps every
rule, its neighbourhood (the previous plan's programme choices fixed outside the changed
agencies, the rest solved), then the whole MIP from the better of them, first to a
``quick_gap`` (a certified plan fast), then to the scenario's gap from that plan
improved by a local search (:mod:`planning.model.improve`); a plan left above the gap (a
node limit) is improved the same way and certified again against the solve's bound.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pulp

from planning.config.model import Solver
from planning.model.best import load_values
from planning.model.build import Model
from planning.model.evaluate import start_values
from planning.model.extract import model_units
from planning.model.improve import improve_plan
from planning.model.rules import check_plan
from planning.model.solve import (
    SolveReport,
    _quiet_banner,
    _status,
    _stopped_by,
    classify,
    relative_gap,
    reset_highs_threads,
    solver_version,
)

#: the certified gap the first plan of a re-plan is solved to (then the scenario's gap)
QUICK_GAP = 0.02
#: node limit of a neighbourhood solve (most choices fixed: a small MIP)
NEIGHBOURHOOD_NODES = 200
#: HiGHS's primal heuristics that run as sub-MIPs or searches at the root, whatever the
#: heuristic effort; ``heuristics=0`` switches them off (a bound from a given start)
ROOT_HEURISTICS = ("mip_heuristic_run_rins", "mip_heuristic_run_rens",
                   "mip_heuristic_run_feasibility_jump", "mip_heuristic_run_root_reduced_cost")


class KeptModel:
    """The PuLP model ``m`` handed to one HiGHS object, kept for many solves."""

    def __init__(self, m: Model, solver: Solver | None = None):
        import highspy

        self.m = m
        self.solver = solver or Solver()
        _quiet_banner()
        reset_highs_threads()
        t0 = time.perf_counter()
        api = pulp.HiGHS(msg=False)
        api.createAndConfigureSolver(m.prob)
        api.buildSolverModel(m.prob)
        self.h = m.prob.solverModel
        self.variables = m.prob.variables()
        self.column = {var.name: i for i, var in enumerate(self.variables)}
        self.row = {name: c.index for name, c in m.constraints.items()}
        lp = self.h.getLp()
        self.col_lower = np.array(lp.col_lower_, dtype=float)
        self.col_upper = np.array(lp.col_upper_, dtype=float)
        self.inf = highspy.kHighsInf
        self.row_dual: np.ndarray | None = None
        """The row duals of the last LP relaxation solved (HiGHS's sign: of the negated,
        minimised objective), None after any other solve."""
        self.handover_seconds = time.perf_counter() - t0
        self._set_options(self.solver.gap, self.solver.node_limit, None)

    # -- changes ---------------------------------------------------------------------
    def sync(self, names: Iterable[str] | None = None) -> None:
        """Copy the bounds of the named rows (default: every row) from the PuLP model,
        after their right-hand sides changed there (``Model.set_rhs``)."""
        names = list(self.row) if names is None else list(names)
        if not names:
            return
        index = np.array([self.row[n] for n in names], dtype=np.int32)
        lower, upper = [], []
        for n in names:
            c = self.m.constraints[n]
            lb, ub = c.getLb(), c.getUb()
            lower.append(-self.inf if lb is None else lb)
            upper.append(self.inf if ub is None else ub)
        self.h.changeRowsBounds(len(index), index, np.array(lower), np.array(upper))

    def column_of(self, var: pulp.LpVariable) -> int:
        return self.column[var.name]

    def keeps_rows(self, values: dict[str, float], tol: float = 1e-6) -> bool:
        """Whether a plan's variable values (by PuLP name, missing ones 0) keep every
        column bound and row of the model as it stands (rows synced), to ``tol``."""
        x = np.array([float(values.get(v.name, 0.0)) for v in self.variables])
        if np.any(x < self.col_lower - tol) or np.any(x > self.col_upper + tol):
            return False
        lp = self.h.getLp()
        matrix = lp.a_matrix_
        start = np.asarray(matrix.start_, dtype=np.int64)
        if matrix.format_ != type(matrix.format_).kColwise or len(start) != len(x) + 1:
            return False
        column = np.repeat(np.arange(len(x)), np.diff(start))
        activity = np.bincount(np.asarray(matrix.index_, dtype=np.int64),
                               np.asarray(matrix.value_, dtype=float) * x[column],
                               minlength=lp.num_row_)
        return bool(np.all(activity >= np.asarray(lp.row_lower_) - tol)
                    and np.all(activity <= np.asarray(lp.row_upper_) + tol))

    # -- solving ---------------------------------------------------------------------
    def _set_options(self, gap: float, nodes: int, heuristics: float | None,
                     presolve: bool | None = None) -> None:
        s = self.solver
        presolve = s.presolve if presolve is None else presolve
        options = {"output_flag": bool(s.log), "mip_rel_gap": float(gap),
                   "mip_abs_gap": 1e-6, "threads": int(s.threads),
                   "random_seed": int(s.seed), "time_limit": float(s.time_limit),
                   "mip_max_nodes": int(nodes),
                   "presolve": "on" if presolve else "off",
                   "mip_heuristic_effort": float(s.heuristic_effort if heuristics is None
                                                 else heuristics),
                   "mip_lifting_for_probing": int(s.lifting_for_probing)}
        options.update({key: heuristics != 0 for key in ROOT_HEURISTICS})
        for key, value in options.items():
            self.h.setOptionValue(key, value)

    def solve(self, start: dict[str, float] | None = None, gap: float | None = None,
              nodes: int | None = None, bounds: dict[int, tuple[float, float]] | None = None,
              relax: bool = False, heuristics: float | None = None,
              presolve: bool | None = None) -> SolveReport:
        """Solve the kept model from a cleared solver; ``start``: a plan's variable values
        (by PuLP name) tried first; ``bounds``: column -> (lower, upper) for this solve
        only; ``relax``: the LP relaxation; ``heuristics``: HiGHS's heuristic effort (0: no
        primal heuristics at all, not even the root's sub-MIPs: the bound, and plans only
        from ``start`` and the search); ``presolve``: HiGHS's presolve (default: the
        scenario's; on pays where ``bounds`` hold most columns, which it removes). The PuLP
        variables receive the solution."""
        import highspy

        gap = self.solver.gap if gap is None else gap
        nodes = self.solver.node_limit if nodes is None else nodes
        self._set_options(gap, nodes, heuristics, presolve)
        self.row_dual = None
        t0 = time.perf_counter()
        self.h.clearSolver()
        held = sorted(bounds or {})
        if held:
            index = np.array(held, dtype=np.int32)
            self.h.changeColsBounds(len(index), index,
                                    np.array([bounds[c][0] for c in held], dtype=float),
                                    np.array([bounds[c][1] for c in held], dtype=float))
        integer = None
        if relax:
            integer = [i for i, v in enumerate(self.variables) if v.cat == pulp.LpInteger]
            index = np.array(integer, dtype=np.int32)
            self.h.changeColsIntegrality(len(index), index, np.array(
                [highspy.HighsVarType.kContinuous] * len(index)))
        if start and not relax:
            solution = self.h.getSolution()
            solution.col_value = [float(start.get(v.name, 0.0)) for v in self.variables]
            solution.value_valid = True
            self.h.setSolution(solution)
        try:
            self.h.run()
            info = self.h.getInfo()
            model_status = self.h.modelStatusToString(self.h.getModelStatus())
            found = info.primal_solution_status == 2
            solution = self.h.getSolution()
            values = list(solution.col_value) if found else None
            self.row_dual = np.array(solution.row_dual, dtype=float) if relax and found \
                and solution.dual_valid else None
        finally:
            if held:
                index = np.array(held, dtype=np.int32)
                self.h.changeColsBounds(len(index), index, self.col_lower[index],
                                        self.col_upper[index])
            if integer is not None:
                index = np.array(integer, dtype=np.int32)
                self.h.changeColsIntegrality(len(index), index, np.array(
                    [highspy.HighsVarType.kInteger] * len(index)))
        runtime = time.perf_counter() - t0
        objective = -float(info.objective_function_value) if found else None
        if relax:
            bound = objective
        else:
            raw = info.mip_dual_bound
            bound = -float(raw) if raw is not None and abs(raw) < 1e30 else None
        status = _kept_status(model_status, objective, bound, gap)
        if values is not None and status not in ("infeasible", "unbounded", "error"):
            for var, value in zip(self.variables, values, strict=True):
                var.varValue = value
        else:
            objective, bound = None, None
        return SolveReport(status=status, objective=objective, bound=bound,
                           gap=relative_gap(objective, bound), runtime=runtime,
                           solver="highs", solver_version=solver_version("highs"),
                           gap_target=gap, time_limit=self.solver.time_limit,
                           node_limit=nodes, warm_start=bool(start), message=model_status,
                           time_limited="time limit" in model_status.lower(),
                           stopped_by=_stopped_by(model_status, status),
                           max_gap=self.solver.max_gap)


def _kept_status(model_status: str, objective, bound, gap: float) -> str:
    """The status of a kept solve, as :func:`planning.model.solve_model` reads HiGHS's
    (an "optimal" run without a plan is an error)."""
    status = _status(model_status, objective, bound, gap)
    return "error" if status == "optimal" and objective is None else status


@dataclass(frozen=True)
class Replan:
    """A re-plan: the plan (village, program, units), the certified report of the
    scenario's gap, and the first certified plan's report and seconds."""

    units: pd.DataFrame | None
    report: SolveReport
    quick: SolveReport
    quick_seconds: float
    seconds: float
    source: str
    """Where the final plan came from: ``previous``, ``neighbourhood``, ``mip`` or
    ``improved`` (the solve's plan, left above the gap, improved by the local search)."""
    quick_units: pd.DataFrame | None = None
    """The first certified plan (the plan of ``quick``)."""

    @property
    def is_plan(self) -> bool:
        return self.units is not None and self.report.is_plan


def neighbourhood(kept: KeptModel, previous: pd.DataFrame, hold: str,
                  free: Callable[[str, str], bool] | None = None) -> dict[int, tuple]:
    """Column bounds that keep a solve near ``previous`` (village, program, units):

    * ``fix``: every programme choice y of a pair that ``free`` does not accept as in
      ``previous`` (the changed agency's pairs are solved anew);
    * ``extend``: every choice and unit count of ``previous`` at least as in it (a plan
      that adds to ``previous``: for more money, never less than before);
    * ``shrink``: at most as in ``previous`` (a plan cut out of it: for less money);
    * ``extend_choices`` / ``shrink_choices``: the same for the programme choices only,
      their unit counts free (when no plan extends or shrinks ``previous`` unit by unit:
      an absorption floor or a minimum package can ask for other unit counts)."""
    chosen = dict(zip(zip(previous["village"], previous["program"], strict=True),
                      previous["units"].astype(float), strict=True))
    out: dict[int, tuple] = {}
    m = kept.m
    hold_y = hold.removesuffix("_choices")
    for key, var in m.y.items():
        col = kept.column[var.name]
        lo, up = kept.col_lower[col], kept.col_upper[col]
        on = 1.0 if key in chosen else 0.0
        if hold_y == "fix":
            if free is None or not free(*key):
                out[col] = (on, on)
        elif hold_y == "extend":
            out[col] = (max(lo, on), up)
        elif hold_y == "shrink":
            out[col] = (lo, min(up, on))
        else:
            raise ValueError(f"unknown neighbourhood {hold}")
    if hold in ("extend", "shrink"):
        for key, var in m.x.items():
            col = kept.column[var.name]
            lo, up = kept.col_lower[col], kept.col_upper[col]
            n = chosen.get(key, 0.0)
            out[col] = (max(lo, n), up) if hold == "extend" else (lo, min(up, n))
    return out


def replan(kept: KeptModel, previous: pd.DataFrame | None = None,
           hold: str | tuple[str, ...] | None = None,
           free: Callable[[str, str], bool] | None = None, gap: float | None = None,
           quick_gap: float = QUICK_GAP, nodes: int | None = None,
           heuristics: float | None = None, near_gap: float | None = None,
           bounds: dict[int, tuple[float, float]] | None = None,
           presolve: bool = True) -> Replan:
    """Re-plan the kept model after a change (its rows already synced).

    ``previous``: the plan before the change (village, program, units); kept as the start
    when it still keeps every rule. ``hold`` (with ``previous``): a :func:`neighbourhood`
    solved first (``fix`` with ``free``: the pairs the change concerns; several: tried in
    turn until one has a plan). Then the whole MIP from the best start, to ``quick_gap``
    and on to ``gap`` (one solve when ``quick_gap <= gap``), the second solve started from
    the first plan improved by :func:`improved_start`; a plan that ends above ``gap`` is
    improved the same way, its gap taken against the solve's bound; ``nodes`` and
    ``heuristics``:
    its node limit (default the scenario's) and heuristic effort (see
    :meth:`KeptModel.solve`); ``near_gap``: the neighbourhoods' gap (default the first
    solve's, ``max(quick_gap, gap)``: the neighbourhood only gives the start of the first
    certified plan, and solving it closer costs more than it saves there; measured in
    bench/README.md, bench_analysis.py part (a)).
    ``bounds``: column -> (lower, upper) held in every solve of this re-plan (over the
    neighbourhood's), e.g. a village's columns at 0; ``previous`` is then only a start
    when it keeps them too. ``presolve``: HiGHS's presolve in the neighbourhood solve (it
    pays when the neighbourhood holds most columns; with many agencies free it can cost
    more)."""
    held = dict(bounds or {})
    t0 = time.perf_counter()
    instance = kept.m.instance
    gap = kept.solver.gap if gap is None else gap
    start, start_value, source = None, -math.inf, "mip"
    if previous is not None and len(previous) and not check_plan(instance, previous):
        values = start_values(instance, previous)
        if _within(kept, values, held):
            start, start_value, source = values, _value(kept, values), "previous"
    holds = () if previous is None or hold is None else \
        (hold,) if isinstance(hold, str) else tuple(hold)
    for one in holds:
        near = kept.solve(start=start, gap=max(quick_gap, gap) if near_gap is None
                          else near_gap,
                          nodes=NEIGHBOURHOOD_NODES, presolve=presolve,
                          bounds={**neighbourhood(kept, previous, one, free), **held})
        if near.is_plan and near.objective > start_value + 1e-9:
            start = {v.name: float(v.varValue or 0.0) for v in kept.variables}
            start_value, source = near.objective, "neighbourhood"
        if near.is_plan:
            break
    first = kept.solve(start=start, gap=max(quick_gap, gap), nodes=nodes,
                       heuristics=heuristics, bounds=held)
    quick_seconds = time.perf_counter() - t0
    report, units = first, model_units(kept.m) if first.is_plan else None
    quick_units = units
    if quick_gap > gap and first.is_plan and first.gap is not None and \
            first.gap > gap + 1e-12:
        start = {v.name: float(v.varValue or 0.0) for v in kept.variables}
        better = improved_start(kept, first.objective, held)
        second = kept.solve(start=better or start, gap=gap, nodes=nodes,
                            heuristics=heuristics, bounds=held)
        bound = _tighter(first.bound, second.bound)
        if second.is_plan and second.objective >= first.objective - 1e-9:
            report, units = dataclasses.replace(second, bound=bound, gap=relative_gap(
                second.objective, bound), status=classify(second.objective, bound, gap)), \
                model_units(kept.m)
        else:  # the first plan stays, certified by the tighter bound
            load_values(kept.m, start)
            report = dataclasses.replace(first, gap_target=gap, bound=bound,
                                         gap=relative_gap(first.objective, bound),
                                         status=classify(first.objective, bound, gap))
    if report.is_plan and report.objective > start_value + 1e-9:
        source = "mip"
    if report.is_plan and report.gap is not None and report.gap > gap + 1e-12:
        better = improved_start(kept, report.objective, held)
        if better is not None:  # a plan left above the gap (a node limit): improved
            load_values(kept.m, better)
            value = _value(kept, better)
            units, source = model_units(kept.m), "improved"
            report = dataclasses.replace(report, objective=value,
                                         gap=relative_gap(value, report.bound),
                                         status=classify(value, report.bound, gap))
    if report.gap_target != gap:  # the first solve's plan already within the gap: the
        report = dataclasses.replace(report, gap_target=gap)  # re-plan's target, not 2 %
    return Replan(units, report, first, quick_seconds, time.perf_counter() - t0, source,
                  quick_units)


def improved_start(kept: KeptModel, objective: float,
                   bounds: dict[int, tuple[float, float]]) -> dict[str, float] | None:
    """The variable values of a better plan than the kept model's current solution
    (worth ``objective``), found by :func:`planning.model.improve.improve_plan`, when
    it keeps the held column ``bounds`` and every row of the model; else None. The start
    of a re-plan's second solve: from a better plan HiGHS needs fewer of its sub-MIPs
    (bench/README.md, ``bench_analysis.py`` part (a))."""
    instance = kept.m.instance
    better = improve_plan(instance, model_units(kept.m))
    if better is None:
        return None
    values = start_values(instance, better)
    if _value(kept, values) <= objective + 1e-9 or not _within(kept, values, bounds) \
            or not kept.keeps_rows(values):
        return None
    return values


def _within(kept: KeptModel, values: dict[str, float],
            bounds: dict[int, tuple[float, float]]) -> bool:
    """Whether a plan's variable values keep the held column bounds (to 1e-9)."""
    return all(lo - 1e-9 <= values.get(kept.variables[col].name, 0.0) <= up + 1e-9
               for col, (lo, up) in bounds.items())


def _tighter(a: float | None, b: float | None) -> float | None:
    values = [x for x in (a, b) if x is not None]
    return min(values) if values else None


def _value(kept: KeptModel, values: dict[str, float]) -> float:
    """The objective of a plan's variable values (the model's objective, by name)."""
    return float(sum(coef * values.get(var.name, 0.0)
                     for var, coef in kept.m.prob.objective.items()))

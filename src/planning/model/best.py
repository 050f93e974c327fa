"""The plan a run keeps when a limit stops the solver before it proves the gap target.

A run never ends with less than the quick plan (greedy or rounded LP, which keeps every
rule): when the node limit, the wall-clock safety net or the watchdog stops the MIP, or
the MIP fails, the better of the MIP's best plan and the quick plan is kept, with its gap
certified against the tighter of the MIP's bound and the LP relaxation's bound. Such a
plan has status ``feasible``: the best plan found, not proven optimal.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from planning.model.build import Model
from planning.model.evaluate import start_values
from planning.model.solve import SolveReport, classify, relative_gap

#: objective values closer than this count as equal (the MIP's plan is kept on a tie)
TIE = 1e-9


def best_found(m: Model, report: SolveReport, quick: pd.DataFrame | None,
               quick_objective: float | None, lp_bound: float | None) -> SolveReport:
    """The report of the plan to keep (see the module docstring); when the quick plan is
    better than what the MIP found, its values are loaded into ``m``'s variables so the
    result tables show it. A proven, infeasible or unbounded report is returned as is."""
    if report.status in ("optimal", "infeasible", "unbounded"):
        return report
    bounds = [b for b in (report.bound, lp_bound) if b is not None]
    bound = min(bounds) if bounds else None
    use_quick = quick is not None and quick_objective is not None and (
        report.objective is None or quick_objective > report.objective + TIE)
    if not use_quick and report.objective is None:
        return report  # no plan at all: neither the MIP nor the quick plan
    objective = quick_objective if use_quick else report.objective
    if use_quick:
        load_values(m, start_values(m.instance, quick))
    return dataclasses.replace(
        report, status=classify(objective, bound, report.gap_target), objective=objective,
        bound=bound, gap=relative_gap(objective, bound),
        source="quick" if use_quick else "mip")


def load_values(m: Model, values: dict[str, float]) -> None:
    """Set every variable of ``m`` to ``values`` (by PuLP name; 0 where absent)."""
    for var in m.prob.variables():
        var.varValue = float(values.get(var.name, 0.0))

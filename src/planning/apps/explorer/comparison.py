"""The plan on show and its difference from the baseline (the opened scenario's own plan):
spending per agency, and whether a change in the objective is within what the two plans'
certified gaps allow."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planning.model import Allocation, evaluate


@dataclass(frozen=True)
class PlanShown:
    """The plan on show: the MIP plan when the solver proved one, else the quick plan."""

    source: str
    """``mip`` (a proven plan), ``incumbent`` (the MIP's best plan when a limit stopped
    it, with its certified gap) or ``quick``."""
    plan: pd.DataFrame
    """One row per village and programme: units, agency, cost (juta Rp)."""
    pagu: pd.Series
    spending: pd.Series
    """Spending per agency (juta Rp), every agency (0 where it spends nothing)."""
    removed: float
    before: float
    objective: float | None = None
    """The plan's objective (weighted deprivations removed)."""
    slack: float | None = None
    """Certified distance to the optimum: proven bound minus objective (None: unknown)."""

    @classmethod
    def of_allocation(cls, allocation: Allocation) -> PlanShown:
        t, pagu, report = allocation.tables, allocation.instance.pagu, allocation.report
        source = "mip" if report.proven else (
            "quick" if report.source == "quick" else "incumbent")
        return cls(source, t.plan, pagu, _by_agency(t.plan, pagu),
                   float(t.totals["deprivations_removed"]),
                   float(t.totals["deprivations_before"]), report.objective,
                   _slack(report.objective, report.bound))

    @classmethod
    def of_units(cls, instance, units: pd.DataFrame, source: str = "quick",
                 bound: float | None = None) -> PlanShown:
        ev = evaluate(instance, units)
        return cls(source, ev.plan, instance.pagu, _by_agency(ev.plan, instance.pagu),
                   ev.removed_total, float(ev.removed["deprived"].sum()), ev.objective,
                   _slack(ev.objective, bound))


def _slack(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective)


def within_tolerance(base: PlanShown, now: PlanShown) -> bool:
    """Whether the change in the objective between two plans is smaller than what their
    certified gaps allow: |objective_now - objective_base| <= slack_base + slack_now
    (slack = proven bound - objective). Such a difference may be the solver's choice among
    nearly equal plans, not an effect of the change."""
    if None in (base.objective, now.objective, base.slack, now.slack):
        return False
    return abs(now.objective - base.objective) <= base.slack + now.slack + 1e-9


def _by_agency(plan: pd.DataFrame, pagu: pd.Series) -> pd.Series:
    return plan.groupby("agency")["cost"].sum().reindex(pagu.index, fill_value=0.0).astype(
        float)


def difference(base: PlanShown, now: PlanShown, names: dict[str, str]) -> pd.DataFrame:
    """Per agency: pagu and spending in the baseline and now, and the change (juta Rp)."""
    agencies = now.pagu.index
    out = pd.DataFrame({
        "agency": agencies, "agency_name": [names.get(a, a) for a in agencies],
        "pagu_baseline": base.pagu.reindex(agencies).to_numpy(dtype=float),
        "pagu": now.pagu.to_numpy(dtype=float),
        "spending_baseline": base.spending.reindex(agencies, fill_value=0.0).to_numpy(),
        "spending": now.spending.to_numpy()})
    out["spending_change"] = out["spending"] - out["spending_baseline"]
    return out



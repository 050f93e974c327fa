"""The price of balance (issue 13): what a plan's balance settings cost against the pure
efficiency plan on the same data.

A *balanced* plan is one made with any balance setting on (:mod:`planning.model.balance`:
diminishing returns, the floors per dimension, agency and village, the cap on one
village's share); its *efficiency counterpart* is the same scenario with all of them off
(``allocate(ds, scores, efficiency_settings(settings))``). :func:`price_of_balance` reads
both finished :class:`~planning.model.Allocation` objects and gives a :class:`Price`:
codes and numbers only (language-neutral), built on the equity measures of each plan
(:func:`planning.analysis.equity.equity`), nothing recomputed from the model.

Units: deprivations in the unit of their dimension (households, children, persons; the
``unit`` of :attr:`Equity.dimensions <planning.analysis.equity.Equity.dimensions>`);
money in juta Rp; shares 0-1. A sum over dimensions adds different units and is called
*deprivations (mixed units)*, never households. Formulas: ``docs/equity.md``, "The price
of balance", and each docstring here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from planning.analysis.equity import Equity, equity
from planning.model import Allocation
from planning.model.balance import balance_settings

#: the state of a price: computed, the scenario has no balance setting, or the
#: efficiency counterpart has no plan (infeasible, or the solver stopped without one)
STATES = ("computed", "not_balanced", "no_efficiency_plan")


@dataclass(frozen=True)
class PlanFigures:
    """The headline figures of one plan, for setting two plans side by side."""

    status: str
    """The solver's status (``allocation.report.status``)."""
    objective: float | None
    """The objective value (weighted deprivations removed)."""
    gap: float | None
    """The certified gap (0-1): (bound - objective) / objective, ``report.gap``."""
    spending: float
    """All spending, juta Rp (``tables.totals['cost']``)."""
    largest_village: str | None
    """The village with the largest share of all spending (:attr:`Equity.largest_village`)."""
    largest_share: float
    """Its share of all spending (0-1)."""
    token_villages: int
    """Villages served with a token package only
    (:func:`~planning.analysis.equity.token_villages`)."""
    unused_programs: int
    """Programmes of the catalogue that run nowhere."""
    lowest_agency: str | None
    """The agency that spends the smallest share of its pagu (lowest code on a tie)."""
    lowest_absorption: float | None
    """That share, used / pagu (0-1, ``tables.agencies.share_used``); None without pagu."""


@dataclass(frozen=True)
class Price:
    """The price of balance of one run (see :func:`price_of_balance`)."""

    state: str
    """One of :data:`STATES`."""
    settings: Mapping[str, object] = field(default_factory=dict)
    """The balance settings that are on, by name
    (:func:`~planning.model.balance.balance_settings`)."""
    balanced: PlanFigures | None = None
    """The run's own plan (balanced when ``settings`` is not empty)."""
    efficient: PlanFigures | None = None
    """The pure efficiency plan; None when it has no plan or was not made."""
    efficient_status: str | None = None
    """The efficiency plan's solver status (also when it has no plan); None when not made."""
    dimensions: pd.DataFrame | None = None
    """Per dimension: dimension, unit, deprived, removed_efficient, removed_balanced,
    change (:func:`dimension_price`); None unless computed."""
    change_total: float | None = None
    """Sum of ``change`` over the dimensions: deprivations (mixed units), never
    households; None unless computed."""

    @property
    def computed(self) -> bool:
        return self.state == "computed"


def _number(value: object) -> float | None:
    """A finite float, else None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def lowest_absorption(agencies: pd.DataFrame) -> tuple[str | None, float | None]:
    """The agency with the lowest ``share_used`` = used / pagu (0-1) and that share, lowest
    code on a tie; agencies without pagu (share NaN) are left out; (None, None) if none."""
    known = agencies[agencies["share_used"].notna()]
    if known.empty:
        return None, None
    low = known.sort_values(["share_used", "agency"], kind="stable").iloc[0]
    return str(low["agency"]), float(low["share_used"])


def plan_figures(allocation: Allocation, eq: Equity) -> PlanFigures:
    """The headline figures of a plan from its report, tables and equity measures."""
    report, tables = allocation.report, allocation.tables
    agency, share = lowest_absorption(tables.agencies)
    return PlanFigures(
        status=str(report.status), objective=_number(report.objective),
        gap=_number(report.gap), spending=float(tables.totals["cost"]),
        largest_village=eq.largest_village, largest_share=float(eq.largest_share),
        token_villages=len(eq.token_villages), unused_programs=len(eq.unused_programs),
        lowest_agency=agency, lowest_absorption=share)


def dimension_price(balanced: Equity, efficient: Equity) -> pd.DataFrame:
    """Per dimension, in the dimension's own unit (the balanced plan's order)::

        change = removed_balanced - removed_efficient

    negative: deprived units balance gives up in that dimension; positive: units it buys.
    ``deprived`` is of the plan's villages (the same in both plans: same data and
    villages)."""
    mine = balanced.dimensions[["dimension", "unit", "deprived", "removed"]].rename(
        columns={"removed": "removed_balanced"})
    other = efficient.dimensions.set_index("dimension")["removed"]
    out = mine.assign(removed_efficient=mine["dimension"].map(other).fillna(0.0))
    out["change"] = out["removed_balanced"] - out["removed_efficient"]
    return out[["dimension", "unit", "deprived", "removed_efficient", "removed_balanced",
                "change"]].reset_index(drop=True)


def price_of_balance(balanced: Allocation, efficient: Allocation | None, *,
                     units: Mapping[str, str] | None = None,
                     balanced_equity: Equity | None = None,
                     efficient_status: str | None = None) -> Price:
    """The price of the balance settings of ``balanced`` (a plan) against ``efficient``,
    its pure efficiency counterpart on the same data::

        change[d]    = removed_balanced[d] - removed_efficient[d]   (unit of d)
        change_total = sum over d of change[d]                       (deprivations, mixed units)

    with both plans' status, objective, certified gap, spending, largest village share,
    token villages, unused programmes and lowest agency absorption (:class:`PlanFigures`).

    The state is ``not_balanced`` when ``balanced`` has no balance setting on (its plan
    is the pure efficiency plan), ``no_efficiency_plan`` when ``efficient`` is None or
    holds no plan (``efficient_status``, or its report's status, says why), else
    ``computed``. ``units``: dimension -> unit code
    (:func:`~planning.analysis.equity.dimension_units`); ``balanced_equity``: the
    balanced plan's equity measures when already computed."""
    if balanced.tables is None:
        raise ValueError("the price of balance needs a balanced allocation with a plan")
    settings = balance_settings(balanced.instance.settings.rules)
    mine = balanced_equity if balanced_equity is not None else equity(balanced, units)
    figures = plan_figures(balanced, mine)
    if not settings:
        return Price(state="not_balanced", balanced=figures)
    if efficient is not None:
        efficient_status = str(efficient.report.status)
    if efficient is None or not efficient.is_plan:
        return Price(state="no_efficiency_plan", settings=settings, balanced=figures,
                     efficient_status=efficient_status)
    other = equity(efficient, units)
    dims = dimension_price(mine, other)
    return Price(state="computed", settings=settings, balanced=figures,
                 efficient=plan_figures(efficient, other), efficient_status=efficient_status,
                 dimensions=dims, change_total=float(dims["change"].sum()))

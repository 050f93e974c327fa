"""Answers for the coordination meeting (Rakor, issue 14): what each rule of a scenario
costs, the budget curves with the marginal value of each pagu, and why and why not per
village.

* :mod:`planning.analysis.rakor.rule_prices`: re-plan without each rule the scenario uses
  and report what the rule costs, as an interval from both plans' certified gaps;
* :mod:`planning.analysis.rakor.curves`: deprivations removed against the budget (the
  district's and each agency's), and what the next Rp 100 juta of each pagu buys;
* :mod:`planning.analysis.rakor.why`: a paragraph and a table row per village: its
  scores, what it received and which rules bind there, what the plan loses without it,
  and what it would take for an item left at zero to enter.

:func:`analyse` runs the chosen analyses of one plan and keeps their tables in an
:class:`Analysis`, which the report layer writes into the results folder and workbook.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

#: the analyses, in the order they run and are written
ANALYSES = ("prices", "curves", "why")


@dataclass
class Analysis:
    """The tables of the analyses that ran (None: not asked for). Money in juta Rp,
    objective values in weighted deprived units, deprivations in each dimension's own
    unit (see each module)."""

    lang: str = "id"
    prices: pd.DataFrame | None = None
    """One row per rule (:func:`~planning.analysis.rakor.rule_prices.price_table`)."""
    district: pd.DataFrame | None = None
    """The district budget curve, one row per budget factor."""
    agencies: pd.DataFrame | None = None
    """One curve per agency (the others fixed), one row per agency and factor."""
    marginal: pd.DataFrame | None = None
    """The marginal value of each agency's pagu (per Rp 100 juta), with the LP dual."""
    purchases: pd.DataFrame | None = None
    """What the next Rp 100 juta of each agency buys: agency, village, program, units,
    cost."""
    villages: pd.DataFrame | None = None
    """Why and why not, one row per village (with its paragraph)."""
    entries: pd.DataFrame | None = None
    """Items left at zero and what it would take for each to enter (with a paragraph)."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds per analysis (timing.json only: not reproducible)."""

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table that exists, by its file name in the results folder."""
        named = {"analysis_rule_prices.csv": self.prices,
                 "analysis_budget_curve.csv": self.district,
                 "analysis_agency_curves.csv": self.agencies,
                 "analysis_marginal_value.csv": self.marginal,
                 "analysis_next_money.csv": self.purchases,
                 "analysis_why_villages.csv": self.villages,
                 "analysis_why_entries.csv": self.entries}
        return {name: table for name, table in named.items() if table is not None}


def analyse(ds, scores, settings, base, which: tuple[str, ...] = ANALYSES,
            lang: str = "id", rules: list[str] | None = None) -> Analysis:
    """The analyses named in ``which`` (:data:`ANALYSES`) of the plan ``base`` (an
    Allocation with a plan) made from ``ds``, ``scores`` and ``settings``; ``rules``: price
    only these rules (names of :data:`~planning.analysis.rakor.rule_prices.RULES_OFF`)."""
    unknown = set(which) - set(ANALYSES)
    if unknown:
        raise ValueError(f"unknown analyses {sorted(unknown)}; known: {', '.join(ANALYSES)}")
    if not base.is_plan:
        raise ValueError("the analyses need a plan")
    out = Analysis(lang=lang)
    if "prices" in which:
        from planning.analysis.rakor.rule_prices import price_table, rule_prices

        t0 = time.perf_counter()
        out.prices = price_table(rule_prices(ds, scores, settings, base=base, only=rules))
        out.seconds["prices"] = time.perf_counter() - t0
    if "curves" in which:
        t0 = time.perf_counter()
        out.district, out.agencies, out.marginal, out.purchases = budget_curves(
            ds, scores, settings, base)
        out.seconds["curves"] = time.perf_counter() - t0
    if "why" in which:
        from planning.analysis.rakor.why import explain_villages

        t0 = time.perf_counter()
        why = explain_villages((ds, scores, settings), base, lang)
        out.villages, out.entries = why.villages, why.entries
        out.seconds["why"] = time.perf_counter() - t0
    return out


def budget_curves(ds, scores, settings, base) -> tuple[pd.DataFrame, ...]:
    """The district curve, the agency curves, the marginal values and what the next money
    buys (:mod:`planning.analysis.rakor.curves`), from the plan ``base`` (an Allocation)
    on one kept model of ``settings``."""
    from planning.analysis.rakor.curves import agency_curves, district_curve, marginal_values
    from planning.model import Planner
    from planning.model.kept import KeptModel, Replan

    planner = Planner(ds, scores, settings)
    kept = KeptModel(planner.model, settings.solver)
    units = base.tables.plan[["village", "program", "units"]]
    today = Replan(units, base.report, base.report, 0.0, 0.0, "base")
    district = district_curve(planner, kept, today)
    agencies = agency_curves(planner, kept, today)
    marginal = marginal_values(planner, kept, units)
    clock = ["seconds"]  # wall clock: not in the tables, which a re-run must repeat
    return (district.drop(columns=clock, errors="ignore"),
            agencies.drop(columns=clock, errors="ignore"), marginal.table, marginal.purchases)

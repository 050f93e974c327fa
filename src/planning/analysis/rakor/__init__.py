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
from typing import Any

import pandas as pd

#: the analyses, in the order they run and are written
ANALYSES = ("prices", "curves", "why")
#: the analyses of many plans (issue 15), run when asked for by their counts
MANY = ("alternatives", "robustness")


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
    alternatives: Any = None
    """The near-optimal alternatives
    (:class:`~planning.analysis.alternatives.Alternatives`), or None."""
    robustness: Any = None
    """The robustness over draws of the uncertain inputs
    (:class:`~planning.analysis.robustness.summary.Robustness`), or None."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds per analysis (timing.json only: not reproducible)."""
    workers: dict = field(default_factory=dict)
    """How the robustness draws ran (:class:`~planning.analysis.workers.Outcome`):
    ``workers``, ``address``, ``retried`` and ``failed`` draws (timing.json and the
    console: which worker ran what is not part of the answer)."""
    runs: dict = field(default_factory=dict)
    """How the price of each rule (``prices``) and the budget curves (``curves``) ran on
    Dask, as :attr:`workers` (empty: in this process)."""

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table that exists, by its file name in the results folder."""
        named = {"analysis_rule_prices.csv": self.prices,
                 "analysis_budget_curve.csv": self.district,
                 "analysis_agency_curves.csv": self.agencies,
                 "analysis_marginal_value.csv": self.marginal,
                 "analysis_next_money.csv": self.purchases,
                 "analysis_why_villages.csv": self.villages,
                 "analysis_why_entries.csv": self.entries}
        if self.alternatives is not None:
            named.update(alternative_tables(self.alternatives))
        if self.robustness is not None:
            named.update(robustness_tables(self.robustness))
        return {name: table for name, table in named.items() if table is not None}


def alternative_tables(alts) -> dict[str, pd.DataFrame]:
    """The alternatives' CSV files: one row per alternative, the differences per agency,
    the changed choices, the core, and every plan (rank 0: the best plan)."""
    from planning.analysis.alternatives import choices_table, differences_table, summary_table

    plans = [alts.best.assign(rank=0)] + [a.units.assign(rank=a.rank)
                                          for a in alts.alternatives]
    plans = pd.concat(plans, ignore_index=True)
    return {"analysis_alternatives.csv": summary_table(alts).drop(columns=CLOCK,
                                                                  errors="ignore"),
            "analysis_alternatives_agencies.csv": differences_table(alts),
            "analysis_alternatives_choices.csv": choices_table(alts),
            "analysis_alternatives_core.csv": alts.core,
            "analysis_alternatives_plans.csv": plans[["rank", "village", "program", "units"]]}


def robustness_tables(rob) -> dict[str, pd.DataFrame]:
    """The robustness CSV files: per village, per village and programme, the sensitivity
    per factor and per group, every draw and the draws without a plan."""
    return {"analysis_robustness_villages.csv": rob.villages,
            "analysis_robustness_programmes.csv": rob.pairs,
            "analysis_robustness_sensitivity.csv": rob.sensitivity,
            "analysis_robustness_groups.csv": rob.groups,
            "analysis_robustness_draws.csv": rob.draws.drop(columns=CLOCK, errors="ignore"),
            "analysis_robustness_no_plan.csv": rob.no_plan}


#: wall-clock columns, left out of the tables that a re-run must repeat
CLOCK = ["seconds"]


def analyse(ds, scores, settings, base, which: tuple[str, ...] = ANALYSES,
            lang: str = "id", rules: list[str] | None = None,
            many: Many | None = None) -> Analysis:
    """The analyses named in ``which`` (:data:`ANALYSES`) of the plan ``base`` (an
    Allocation with a plan) made from ``ds``, ``scores`` and ``settings``; ``rules``: price
    only these rules (names of :data:`~planning.analysis.rakor.rule_prices.RULES_OFF`);
    ``many``: the alternatives and robustness draws, when its counts ask for them."""
    unknown = set(which) - set(ANALYSES)
    if unknown:
        raise ValueError(f"unknown analyses {sorted(unknown)}; known: {', '.join(ANALYSES)}")
    if not base.is_plan:
        raise ValueError("the analyses need a plan")
    out = Analysis(lang=lang)
    runner = dask_runner(many)
    if "prices" in which:
        from planning.analysis.rakor.rule_prices import price_table, rule_prices

        t0 = time.perf_counter()
        out.prices = price_table(rule_prices(ds, scores, settings, base=base, only=rules,
                                             runner=runner))
        out.seconds["prices"] = time.perf_counter() - t0
    if "curves" in which:
        t0 = time.perf_counter()
        out.district, out.agencies, out.marginal, out.purchases = budget_curves(
            ds, scores, settings, base, runner)
        out.seconds["curves"] = time.perf_counter() - t0
    if runner is not None:
        out.runs = dict(runner.runs)
    if "why" in which:
        from planning.analysis.rakor.why import explain_villages

        t0 = time.perf_counter()
        why = explain_villages((ds, scores, settings), base, lang)
        out.villages, out.entries = why.villages, why.entries
        out.seconds["why"] = time.perf_counter() - t0
    if many is not None:
        run_many_plans(out, ds, scores, settings, base, many)
    return out


@dataclass(frozen=True)
class Many:
    """The analyses of many plans and where they run (the scenario's ``analysis:``
    section, :class:`planning.config.scenario.AnalysisSettings`, or the command line)."""

    alternatives: int = 0
    """K alternatives (0: none)."""
    share: float = 0.02
    distance: int | None = None
    robustness: int = 0
    """N draws (0: none)."""
    seed: int = 2020
    scoring: Any = None
    """The scenario's scoring settings (the draws re-score with them)."""
    scheduler: str | None = None
    workers: int | None = None
    progress: bool = True


def dask_runner(many: Many | None):
    """The :class:`~planning.analysis.workers.Runner` of ``many``'s workers and scheduler
    for the price of each rule and the budget curves; None (in this process, one re-plan
    after the other) without ``many`` or with ``workers=0`` and no scheduler."""
    from planning.analysis.workers import Runner

    if many is None or (many.scheduler is None and many.workers == 0):
        return None
    return Runner(workers=many.workers, scheduler=many.scheduler, progress=many.progress)


def run_many_plans(out: Analysis, ds, scores, settings, base, many: Many) -> None:
    """Add the alternatives and the robustness of ``base`` to ``out``: the alternatives in
    this process (each one cuts off the ones before, so they run in turn), the draws on
    Dask (:func:`planning.analysis.workers.run_many`, seeded per draw: the same answer
    with any number of workers)."""
    if many.alternatives > 0:
        from planning.analysis.alternatives import near_optimal

        t0 = time.perf_counter()
        out.alternatives = near_optimal(ds, scores, settings, base, k=many.alternatives,
                                        share=many.share, distance=many.distance)
        out.seconds["alternatives"] = time.perf_counter() - t0
    if many.robustness > 0:
        from planning.analysis.robustness import robustness

        if many.scoring is None:
            raise ValueError("the robustness draws need the scenario's scoring settings")
        t0 = time.perf_counter()
        runner = _Runner(many)
        out.robustness = robustness(ds, many.scoring, settings, base, n=many.robustness,
                                    seed=many.seed, runner=runner, progress=many.progress)
        out.workers = runner.record
        out.seconds["robustness"] = time.perf_counter() - t0


class _Runner:
    """Runs the draws on Dask (:class:`~planning.analysis.workers.Runner`) and keeps how
    they ran; a draw that failed on every try (its worker kept dying, or it raised)
    becomes a draw without a plan that says so."""

    def __init__(self, many: Many):
        self.many = many
        self.record: dict = {}

    def __call__(self, fn, tasks, shared):
        from planning.analysis.robustness import failed_draw
        from planning.analysis.workers import Runner

        runner = Runner(workers=self.many.workers, scheduler=self.many.scheduler,
                        progress=self.many.progress)
        outcome = runner(fn, tasks, shared, label="robustness")
        self.record = runner.runs["robustness"]
        return [result if result is not None else failed_draw(shared, task,
                                                              outcome.failed.get(i, "-"))
                for i, (task, result) in enumerate(zip(tasks, outcome.results, strict=True))]


def budget_curves(ds, scores, settings, base, runner=None) -> tuple[pd.DataFrame, ...]:
    """The district curve, the agency curves, the marginal values and what the next money
    buys (:mod:`planning.analysis.rakor.curves`), from the plan ``base`` (an Allocation)
    on one kept model of ``settings``; ``runner`` (a
    :class:`~planning.analysis.workers.Runner`): their chains and agencies as tasks on
    Dask, each task on its own planner and kept model."""
    from planning.analysis.rakor.curves import Inputs, budget_answers
    from planning.model import Planner
    from planning.model.kept import KeptModel, Replan

    planner = Planner(ds, scores, settings)
    kept = KeptModel(planner.model, settings.solver)
    units = base.tables.plan[["village", "program", "units"]]
    today = Replan(units, base.report, base.report, 0.0, 0.0, "base")
    district, agencies, marginal = budget_answers(
        planner, kept, today, runner, Inputs(ds, scores, settings, {}, units))
    clock = ["seconds"]  # wall clock: not in the tables, which a re-run must repeat
    return (district.drop(columns=clock, errors="ignore"),
            agencies.drop(columns=clock, errors="ignore"), marginal.table, marginal.purchases)

"""One robustness draw, re-scored and re-planned: :func:`one_draw`, a module-level
function of a task ``(seed, index)`` and the shared :class:`Inputs`, so that it runs
unchanged in this process or on Dask workers (``fn(task, shared)``).

It returns small tables only (:class:`DrawResult`). A draw without a plan (the rules
cannot all hold, a presolve check or the scoring refuses the drawn data, the solver
stops before any plan) is returned with its reason in both languages, never dropped;
errors of the planning package are caught per draw, programming errors are not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from planning.analysis.robustness.draws import Ranges, draw_inputs
from planning.config.model import ModelSettings, Solver
from planning.config.scoring import ScoringSettings
from planning.data import DataSet
from planning.i18n import LANGUAGES, text
from planning.model import ModelError, Planner, PresolveError, evaluate, explain_infeasible
from planning.model.kept import KeptModel, replan
from planning.scoring import ScoringError, score

#: the plan columns a draw keeps
PLAN_COLUMNS = ["village", "program", "units", "cost"]


@dataclass(frozen=True)
class Inputs:
    """What every draw shares: the data set, the scenario's scoring and model settings,
    the ranges, and the solver of the draws (None: the scenario's own)."""

    dataset: DataSet
    scoring_settings: ScoringSettings
    model_settings: ModelSettings
    ranges: Ranges = field(default_factory=Ranges)
    solver: Solver | None = None

    def settings_for_draws(self, drawn: ModelSettings) -> ModelSettings:
        return drawn if self.solver is None else drawn.model_copy(
            update={"solver": self.solver})


@dataclass(frozen=True)
class DrawResult:
    """The outcome of one draw."""

    seed: int
    index: int
    factors: pd.DataFrame
    """The factors drawn (group, name, factor; see :class:`~.draws.Drawn`)."""
    focus: tuple[str, ...] | None
    """The focus villages of the re-scored data set (None: the scoring failed)."""
    plan: pd.DataFrame | None
    """village, program, units, cost (juta Rp) of the plan; None without a plan."""
    status: str
    """The solver's status, or ``scoring_error`` / ``model_error`` / ``presolve_error``."""
    objective: float | None = None
    gap: float | None = None
    reason: dict[str, str] | None = None
    """Why there is no plan, per language (``id``, ``en``); None with a plan."""
    rules: tuple[str, ...] = ()
    """The rules in conflict, when the draw's rules cannot all hold."""
    seconds: float = 0.0

    @property
    def is_plan(self) -> bool:
        return self.plan is not None


def _texts(render) -> dict[str, str]:
    return {lang: render(lang) for lang in LANGUAGES}


def one_draw(task: tuple[int, int], shared: Inputs) -> DrawResult:
    """Draw ``task = (seed, index)`` of ``shared``, re-score (the focus villages may
    change), re-plan with the draw's settings (``villages: focus`` takes the new focus
    villages, as the pipeline does), and keep the small tables."""
    t0 = time.perf_counter()
    seed, index = int(task[0]), int(task[1])
    drawn = draw_inputs(shared.dataset, shared.scoring_settings, shared.model_settings,
                        seed, index, shared.ranges)
    common = {"seed": seed, "index": index, "factors": drawn.factors}

    def failed(status: str, focus, reason: dict[str, str]) -> DrawResult:
        return DrawResult(**common, focus=focus, plan=None, status=status, reason=reason,
                          seconds=time.perf_counter() - t0)

    try:
        scores = score(drawn.dataset, drawn.scoring_settings, lean=True)
    except ScoringError as exc:
        return failed("scoring_error", None, _texts(exc.render))
    table = scores.table
    focus = tuple(sorted(table.loc[table["selected"].astype(bool), "code"].astype(str)))
    settings = shared.settings_for_draws(drawn.model_settings)
    try:
        planner = Planner(drawn.dataset, scores, settings)
    except PresolveError as exc:
        return failed("presolve_error", focus, _texts(exc.render))
    except ModelError as exc:
        return failed("model_error", focus, _texts(exc.render))
    # the plan, lean: the kept model solved in this process to the draws' gap (no greedy
    # plan, LP rounding or baselines: a draw keeps only its plan)
    run = replan(KeptModel(planner.model, settings.solver), gap=settings.solver.gap,
                 quick_gap=settings.solver.gap)
    report = run.report
    if not run.is_plan:
        if report.status == "infeasible":
            exp, inst = explain_infeasible(planner.instance, settings.solver), planner.instance
            reason = _texts(lambda lang: exp.render(inst, lang))
            rules = tuple(exp.conflicting_rules)
        else:
            reason = _texts(lambda lang: text("robustness.no_plan_status", lang,
                                              status=report.status,
                                              detail=report.message or "-"))
            rules = ()
        return DrawResult(**common, focus=focus, plan=None, status=report.status,
                          objective=report.objective, gap=report.gap, reason=reason,
                          rules=rules, seconds=time.perf_counter() - t0)
    plan = evaluate(planner.instance, run.units).plan[PLAN_COLUMNS].copy()
    plan = plan[plan["units"] > 0].reset_index(drop=True)
    return DrawResult(**common, focus=focus, plan=plan, status=report.status,
                      objective=report.objective, gap=report.gap,
                      seconds=time.perf_counter() - t0)

def failed_draw(shared: Inputs, task: tuple[int, int], error: str) -> DrawResult:
    """The record of draw ``task`` when it could not be run at all (its worker died on
    every try, or it raised): a draw without a plan whose reason says so (status
    ``worker_error``), never one dropped in silence."""
    seed, index = int(task[0]), int(task[1])
    drawn = draw_inputs(shared.dataset, shared.scoring_settings, shared.model_settings,
                        seed, index, shared.ranges)
    return DrawResult(seed=seed, index=index, factors=drawn.factors, focus=None, plan=None,
                      status="worker_error", reason=_texts(lambda lang: text(
                          "robustness.worker_error", lang, error=error)))

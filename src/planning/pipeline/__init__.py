"""The main job: take a data set through every stage (load and check, score the villages
and pick the focus villages, allocate the agencies' programmes, figures, maps and the
workbook) and write a results folder (atomically) a planner and a reviewer can read.

In three steps, each usable on its own (a notebook keeps the result in memory)::

    prepared = prepare("scenarios/baseline.yaml", out_dir="results/baseline")
    result = execute(prepared)      # NoPlan when there is no plan
    result.summary, result.figures(), result.workbook_bytes(), result.files()
    result.write()                  # atomically, never over the run's inputs

A scenario with a ``horizon:`` section gives a multi-year
:class:`~planning.pipeline.years.YearsResult` instead; :func:`replan` re-plans its
remaining years after a year recorded in its workbook.

:func:`run_scenario` and :func:`run` do all three. The scoring job (``planning score``)
has the same shape: :func:`prepare_scores`, :func:`execute`, ``files()``, ``write()``.
"""

from planning.pipeline.plan_summary import (
    NoPlan,
    allocation_summary,
    equity_summary,
    price_summary,
)
from planning.pipeline.preparing import Prepared, prepare, prepare_data
from planning.pipeline.provenance import provenance, scenario_record, versions
from planning.pipeline.result import WORKBOOK, Result
from planning.pipeline.running import analyse_scenario, execute, run, run_scenario
from planning.pipeline.scores import PreparedScores, ScoresResult, prepare_scores
from planning.pipeline.years import ReplanError, YearsResult, replan, replan_folder

#: the former name of :class:`Result`
RunResult = Result

__all__ = ["WORKBOOK", "NoPlan", "Prepared", "PreparedScores", "ReplanError", "Result",
           "RunResult", "ScoresResult", "YearsResult", "allocation_summary",
           "analyse_scenario", "equity_summary", "execute", "prepare", "prepare_data",
           "prepare_scores", "price_summary", "provenance", "replan", "replan_folder", "run",
           "run_scenario", "scenario_record", "versions"]

"""Benchmark: multi-year plans (issue 17) on the shipped scenario's own settings.

Not a test: it prints a table and asserts nothing about speed. Every number comes from
``scenarios/rpjmd-2026-2030.yaml`` as shipped (5 years, 27 focus villages a year,
re-scored every year, gap 1 %, the solver's heuristic effort 0.3):

* ``plan``: ``plan_years`` over 2026-2030: the instance, the builds and solves of every
  step (the whole horizon, then again from each year whose focus villages changed), the
  status and the certified gap over the whole horizon;
* ``replan``: 2026 recorded as delivered except its three costliest works (not done) and
  one work half done, then 2027-2030 re-planned (``plan_years(history=...)``), as
  ``planning replan`` does after the workbook is read, with the plan's focus villages
  of 2028-2030 as the first guess (``focus_guess=``; ``--no-previous``: without them, the
  first guess the year before's focus villages, for comparison).

Each is run ``--repeat`` times (default 3); the table gives the best and the median wall
time, the solver's share, the steps and the load average before and after. Every run
gives the same plan (the solver stops on its gap target or node limit, one thread, fixed
seed), which the script checks.

    .venv/bin/python bench/bench_years.py              # about 4-6 minutes
    .venv/bin/python bench/bench_years.py --repeat 1
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time
from pathlib import Path

from planning.model.years import plan_years, previous_focus
from planning.pipeline import prepare

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "rpjmd-2026-2030.yaml"


def _load() -> str:
    with contextlib.suppress(OSError):
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    return "?"


def recorded_first_year(plan):
    """2026 as delivered, but for its three costliest works (not done) and the next one
    (half done): the history ``planning replan`` reads from the workbook."""
    first = plan.units[plan.units["year"] == plan.years[0]]
    history = first[["year", "village", "program", "started", "units"]].copy()
    order = first.sort_values(["cost", "village", "program"],
                              ascending=[False, True, True]).index
    history.loc[order[:3], ["started", "units"]] = 0
    half = int(history.at[order[3], "units"]) // 2
    history.loc[order[3], ["started", "units"]] = half
    return history[history["units"] > 0]


def timed(name: str, run) -> dict:
    before = _load()
    t0 = time.perf_counter()
    plan = run()
    seconds = time.perf_counter() - t0
    return {"name": name, "seconds": seconds, "solve": plan.timings.get("solve", 0.0),
            "build": plan.timings.get("build", 0.0), "steps": len(plan.steps),
            "status": plan.report.status, "gap": plan.report.gap,
            "objective": plan.report.objective, "load": f"{before} -> {_load()}",
            "plan": plan}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-rescore", action="store_true",
                        help="for comparison only: the focus villages of the first year kept "
                             "every year (one solve); the shipped scenario re-scores")
    parser.add_argument("--no-previous", action="store_true",
                        help="for comparison only: the re-plan without the plan's focus "
                             "villages as its first guess")
    args = parser.parse_args()
    prepared = prepare(SCENARIO)
    ds, scores, settings = prepared.dataset, prepared.scores, prepared.settings
    if args.no_rescore:
        settings = settings.model_copy(update={"horizon": settings.horizon.model_copy(
            update={"rescore": False})})
    scoring = prepared.loaded.scenario.scoring
    runs: dict[str, list[dict]] = {"plan": [], "replan": []}
    for _ in range(args.repeat):
        first = timed("plan", lambda: plan_years(ds, scores, settings, scoring))
        runs["plan"].append(first)
        history = recorded_first_year(first["plan"])
        warm = {} if args.no_previous else {
            "focus_guess": previous_focus(first["plan"])}
        runs["replan"].append(timed("replan", lambda h=history, w=warm: plan_years(
            ds, scores, settings, scoring, history=h, **w)))
    print(f"scenario {SCENARIO.name}: years {settings.horizon.years}, gap target "
          f"{settings.solver.gap:.2%}, heuristic effort {settings.solver.heuristic_effort}, "
          f"{os.cpu_count()} cores")
    print(f"{'run':8} {'best s':>7} {'median s':>9} {'solve s':>8} {'build s':>8} "
          f"{'steps':>5} {'status':>8} {'gap':>7}  load before -> after")
    for name, rows in runs.items():
        seconds = [r["seconds"] for r in rows]
        last = rows[-1]
        same = len({round(r["objective"], 6) for r in rows}) == 1
        print(f"{name:8} {min(seconds):7.1f} {statistics.median(seconds):9.1f} "
              f"{statistics.median(r['solve'] for r in rows):8.1f} "
              f"{statistics.median(r['build'] for r in rows):8.1f} {last['steps']:5d} "
              f"{last['status']:>8} {last['gap']:7.2%}  {last['load']}"
              + ("" if same else "  (PLANS DIFFER BETWEEN RUNS)"))
    for name in runs:
        last = runs[name][-1]["plan"]
        print(f"\nsteps of the last {name} (solver seconds, gap over the whole horizon):",
              [(round(r.runtime, 1), f"{g:.2%}") for r, g in zip(last.steps, last.step_gaps,
                                                                 strict=True)],
              "focus villages changed in:", last.refocused)
    plan = runs["plan"][-1]["plan"]
    print(f"re-scored every year: {settings.horizon.rescore}")
    print("\nprogress toward the targets at the end of each year:")
    print(plan.targets.pivot(index=["target", "kind", "dimension", "goal"], columns="year",
                             values="achieved").round(2).to_string())


if __name__ == "__main__":
    main()

"""Benchmark: one large district, every village in the plan, with the baseline's rules.

Not a test: it prints a table and asserts nothing about speed. For each size (default
5,000 villages; ``--sizes 716,5000,20000``) a *generated* data set
(:func:`planning.data.synth.scaled_dataset`, seeded) is planned with a copy of
``scenarios/baseline.yaml`` whose ``data:`` points at it and ``villages: all``; every
agency's pagu is scaled to the size as bench/bench_model.py does (pagu x n / 27).

Per size it reports the seconds (wall clock, from the start of the instance) of each
step (instance + presolve checks, model build, greedy, LP bound, rounding), to the quick
plan (with its certified gap against the LP bound), to a certified gap of 3 % and to the
scenario's gap target (1 %; the MIP's own progress reports, warm-started from the quick
plan), the final status and gap, the model's variables and rows, and the peak resident
memory of the main process and of the solver's forked child process. Each size runs in
its own Python process, so each peak is that size's own. The machine's load
(``os.getloadavg()``) is printed before and after each size.

    .venv/bin/python bench/bench_district.py                       # 5,000 villages
    .venv/bin/python bench/bench_district.py --sizes 716,5000,20000
    .venv/bin/python bench/bench_district.py --time-limit 120      # MIP safety net (s)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FOCUS = 27
GAPS = (0.03, 0.01)


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


class _Progress(logging.Handler):
    """Records (seconds since ``start``, certified gap) of every MIP progress report."""

    def __init__(self, start: float):
        super().__init__(logging.DEBUG)
        self.start, self.events = start, []

    def emit(self, record: logging.LogRecord) -> None:
        found = getattr(record, "solver", None)
        if found and found.get("gap") is not None:
            self.events.append((time.perf_counter() - self.start, float(found["gap"])))


def one(size: int, workdir: Path, time_limit: float | None) -> dict:
    """Plan one generated district of ``size`` villages; the measured numbers."""
    from planning.data.synth import scaled_dataset
    from planning.model import Planner, relative_gap
    from planning.model import solve as solve_mod
    from planning.pipeline.preparing import prepare

    folder = scaled_dataset(workdir / f"generated_{size}", size)
    scenario = yaml.safe_load((ROOT / "scenarios" / "baseline.yaml").read_text())
    scenario.update(name=f"district-{size}", data=str(folder), villages="all")
    path = workdir / f"district_{size}.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    prep = prepare(path, check_out=False)
    ds = prep.dataset
    pagu = {a: float(p) * size / FOCUS
            for a, p in zip(ds.agencies["code"], ds.agencies["pagu"], strict=True)}
    settings = prep.settings.model_copy(update={"pagu": pagu})
    if time_limit is not None:
        settings = settings.model_copy(update={"solver": settings.solver.model_copy(
            update={"time_limit": time_limit})})

    t0 = time.perf_counter()
    progress = _Progress(t0)
    logger = logging.getLogger("planning.model.solve")
    logger.addHandler(progress)
    logger.setLevel(logging.DEBUG)
    planner = Planner(ds, prep.scores, settings)
    quick, lp = planner.quick()
    quick_seconds = time.perf_counter() - t0
    quick_peak = solve_mod.LAST_PEAK_MIB
    bound = lp.objective if lp.status == "optimal" else None
    quick_gap = relative_gap(quick.best_objective, bound)
    allocation = planner.plan((quick, lp))
    total = time.perf_counter() - t0
    logger.removeHandler(progress)
    report = allocation.report

    def reached(gap: float) -> float | None:
        if quick_gap is not None and quick_gap <= gap + 1e-12:
            return quick_seconds
        return next((t for t, g in progress.events if g <= gap + 1e-12), None)

    prob = planner.model.prob
    return {
        "villages": size, "pairs": len(planner.instance.pairs),
        "variables": len(prob.variables()), "rows": len(prob.constraints),
        "timings": {k: round(v, 2) for k, v in planner.timings.items()},
        "quick_seconds": quick_seconds, "quick_gap": quick_gap,
        "to_gap": {f"{g:g}": reached(g) for g in GAPS},
        "seconds": total, "status": report.status, "gap": report.gap,
        "objective": report.objective, "stopped_by": report.stopped_by,
        "peak_main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "peak_solver_mib": max(p for p in (quick_peak, solve_mod.LAST_PEAK_MIB, 0.0)
                               if p is not None),
        "memory_limit_gb": settings.solver.memory_limit_gb,
    }


def fmt(value, digits: int = 1, pct: bool = False) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f} %" if pct else f"{value:,.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000", help="villages, comma-separated")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="the MIP's time limit (s); default the scenario's")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:  # one size, in its own process; prints one JSON line
        print(json.dumps(one(args.one, Path(args.workdir), args.time_limit)), flush=True)
        return

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_model import machine_line

    print(f"{machine_line()}; {load()}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"\n{size:,} villages, all in the plan [{load()}]", flush=True)
            command = [sys.executable, __file__, "--one", str(size), "--workdir", tmp]
            if args.time_limit is not None:
                command += ["--time-limit", str(args.time_limit)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"  failed:\n{done.stderr[-3000:]}", flush=True)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"  {json.dumps(row)}\n  [{load()}]", flush=True)
    print("\n| villages | pairs | vars / rows | instance + checks | build | greedy | LP "
          "| rounding | quick plan (gap) | to 3 % | to 1 % | end: status, gap, s "
          "| peak main / solver MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = r["timings"]
        print(f"| {r['villages']:,} | {r['pairs']:,} | {r['variables']:,} / {r['rows']:,} "
              f"| {fmt(t.get('instance'))} | {fmt(t.get('build'))} | {fmt(t.get('greedy'))} "
              f"| {fmt(t.get('lp'))} | {fmt(t.get('rounding'))} "
              f"| {fmt(r['quick_seconds'])} s ({fmt(r['quick_gap'], 2, True)}) "
              f"| {fmt(r['to_gap']['0.03'])} | {fmt(r['to_gap']['0.01'])} "
              f"| {r['status']}, {fmt(r['gap'], 2, True)}, {fmt(r['seconds'])} "
              f"| {fmt(r['peak_main_mib'], 0)} / {fmt(r['peak_solver_mib'], 0)} |")


if __name__ == "__main__":
    main()

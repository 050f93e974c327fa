"""Benchmark: the allocation model at 27, 148, 716 and 5,000 villages, HiGHS and CBC.

Not a test: it prints tables and asserts nothing about speed. Sizes:

* ``27``: the focus villages of the shipped Buleleng data set (``villages="focus"``);
* ``148``: every Buleleng village (``villages="all"``);
* any other number: a *generated* data set of that many villages
  (:func:`planning.data.synth.scaled_dataset`, seeded), ``villages="all"``.

Every agency's pagu is scaled to the size: pagu x n / 27. Per size and solver it reports
the instance (+ presolve checks), build, greedy and LP-bound times, the greedy plan's
certified gap against the LP bound, and one warm-started MIP run: the time to the first
feasible plan, to the first plan better than greedy, to 1 % and to 0.1 % of the proven
bound, the final status, gap and objective, and the margin of the MIP plan over greedy.
For the 27 focus villages it also times a re-plan after one budget change (PERKIMTA pagu
+20 %). See ``bench/README.md`` for how each number is measured.

    .venv/bin/python bench/bench_model.py            # full run, 5-7 minutes on 2 cores
    .venv/bin/python bench/bench_model.py --quick    # 27 and 148 villages, short limits
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import math
import os
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pulp

from planning.data import load_dataset
from planning.data.synth import scaled_dataset
from planning.model import (
    ModelSettings,
    Solver,
    build_instance,
    build_model,
    evaluate,
    greedy_plan,
    plan_violations,
    presolve,
    quick_plan,
    solve_model,
)
from planning.model import solve as solve_mod
from planning.model.evaluate import start_values
from planning.model.extract import model_units
from planning.model.solve import cbc_path, relative_gap
from planning.scoring import score_villages

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "buleleng"
FOCUS = 27
REPLAN_AGENCY, REPLAN_FACTOR = "PERKIMTA", 1.2
CBC_MAX_SIZE = 716  # CBC is run up to this size only
GAPS = (0.03, 0.01, 0.001)  # time to each proven gap


# --- tracing the solvers ---------------------------------------------------------------

@dataclass
class Trace:
    """What one solve did, on the wall clock from the call of ``solve_model``."""

    start: float = 0.0
    maximise: bool = True
    events: list[tuple[float, float | None, float | None]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    log: str = ""

    def add(self, objective: float | None, bound: float | None,
            at: float | None = None) -> None:
        t = (time.perf_counter() - self.start) if at is None else at
        self.events.append((t, objective, bound))

    def first(self, test) -> float | None:
        for t, obj, bound in self.events:
            if test(obj, bound):
                return t
        return None

    def time_to_gap(self, gap: float) -> float | None:
        return self.first(lambda o, b: o is not None and b is not None
                          and (relative_gap(o, b) or 0.0) <= gap + 1e-12)


TRACE: Trace | None = None


def _finite(value: float) -> float | None:
    return value if value is not None and math.isfinite(value) and abs(value) < 1e30 else None


class TracingHiGHS(solve_mod._HiGHS):
    """The project's HiGHS wrapper plus timers around PuLP's phases and a MIP callback
    that records (time, incumbent, bound) each time HiGHS logs, improves or polls."""

    def buildSolverModel(self, lp):
        t0 = time.perf_counter()
        super().buildSolverModel(lp)
        if TRACE is not None:
            TRACE.phases["transfer"] = time.perf_counter() - t0

    def callSolver(self, lp):
        trace = TRACE
        if trace is not None and self.mip and lp.isMIP():
            sign = -1.0 if trace.maximise else 1.0  # PuLP hands HiGHS a minimisation

            def record(event) -> None:
                out = event.data_out
                primal, dual = _finite(out.mip_primal_bound), _finite(out.mip_dual_bound)
                last = trace.events[-1] if trace.events else None
                obj = sign * primal if primal is not None else None
                bound = sign * dual if dual is not None else None
                if last is None or (last[1], last[2]) != (obj, bound):
                    trace.add(obj, bound)

            h = lp.solverModel
            h.cbMipImprovingSolution += record
            h.cbMipLogging += record
            h.cbMipInterrupt += record
        t0 = time.perf_counter()
        super().callSolver(lp)
        if trace is not None:
            trace.phases["run"] = time.perf_counter() - t0

    def findSolutionValues(self, lp):
        t0 = time.perf_counter()
        out = super().findSolutionValues(lp)
        if TRACE is not None:
            TRACE.phases["read_back"] = time.perf_counter() - t0
        return out


solve_mod._HiGHS = TracingHiGHS  # solve_model builds this class; only timers are added
solve_mod.ISOLATE_HIGHS = False  # the trace callbacks must run in this process


class _KeepLogDir:
    """Stands in for the ``tempfile`` module inside planning.model.solve while CBC runs, so
    that CBC's log survives the call and its timeline can be read."""

    def __init__(self, path: Path):
        self.path = path

    def TemporaryDirectory(self):  # mimics the tempfile function
        return contextlib.nullcontext(str(self.path))


_CBC_SOLUTION = re.compile(r"Integer solution of (\S+) found .*?\(([\d.]+) seconds\)")
_CBC_NODE = re.compile(r"best solution, best possible (\S+) \(([\d.]+) seconds\)")
_CBC_EXIT_GAP = re.compile(r"Exiting as integer gap of (\S+)")
_CBC_TOTAL = re.compile(r"Total time \(CPU seconds\):\s+\S+\s+\(Wallclock seconds\):\s+(\S+)")


def traced_solve(m, solver: Solver, start=None, relax: bool = False):
    """solve_model with a Trace: HiGHS through its callback, CBC from its log."""
    global TRACE
    trace = Trace(maximise=m.prob.sense == pulp.LpMaximize)
    TRACE = trace
    try:
        if solver.name == "cbc":
            with tempfile.TemporaryDirectory() as tmp:
                saved = solve_mod.tempfile
                solve_mod.tempfile = _KeepLogDir(Path(tmp))
                try:
                    trace.start = time.perf_counter()
                    report = solve_model(m, solver, start=start, relax=relax)
                finally:
                    solve_mod.tempfile = saved
                log = Path(tmp) / "cbc.log"
                trace.log = log.read_text(errors="replace") if log.exists() else ""
            _cbc_timeline(trace, report.runtime)
        else:
            trace.start = time.perf_counter()
            report = solve_model(m, solver, start=start, relax=relax)
    finally:
        TRACE = None
    if report.objective is not None:
        trace.add(report.objective, report.bound, at=report.runtime)
    return report, trace


def _cbc_timeline(trace: Trace, wall: float) -> None:
    """Events from CBC's log. CBC prints its own clock; PuLP's MPS writing and reading
    come on top, so every time gets the whole overhead added (an upper estimate)."""
    total = _CBC_TOTAL.search(trace.log)
    cbc_wall = float(total.group(1)) if total else wall
    overhead = max(0.0, wall - cbc_wall)
    trace.phases["transfer"] = overhead
    trace.phases["run"] = cbc_wall
    incumbent = None
    events = []
    for match in _CBC_SOLUTION.finditer(trace.log):
        incumbent = max(incumbent or 0.0, abs(float(match.group(1))))
        events.append((float(match.group(2)), incumbent, None))
    for match in _CBC_NODE.finditer(trace.log):
        events.append((float(match.group(2)), None, abs(float(match.group(1)))))
    best, bound = None, None
    for t, obj, b in sorted(events, key=lambda e: e[0]):
        best = obj if obj is not None else best
        bound = b if b is not None else bound
        trace.add(best, bound, at=overhead + t)


# --- one size --------------------------------------------------------------------------

@dataclass
class Prepared:
    size: str
    ds: object
    table: object
    settings: ModelSettings
    scoring_s: float
    data_s: float


def prepare(size: int, workdir: Path) -> Prepared:
    t0 = time.perf_counter()
    if size in (FOCUS, 148):
        folder, villages = DATA, "focus" if size == FOCUS else "all"
    else:
        folder, villages = scaled_dataset(workdir / f"generated_{size}", size), "all"
    ds = load_dataset(folder)
    data_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = score_villages(ds, draws=0).table
    scoring_s = time.perf_counter() - t0
    n = int(table["selected"].sum()) if villages == "focus" else len(table)
    pagu = {a: float(p) * n / FOCUS
            for a, p in zip(ds.agencies["code"], ds.agencies["pagu"], strict=True)}
    settings = ModelSettings(villages=villages, pagu=pagu)
    label = f"{n}" + (" focus" if villages == "focus" else "") + \
        (" (generated)" if folder != DATA else "")
    return Prepared(label, ds, table, settings, scoring_s, data_s)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run_size(prep: Prepared, solvers: list[str], limits: dict[str, float]) -> tuple[list, dict]:
    inst, inst_s = timed(lambda: build_instance(prep.ds, prep.table, prep.settings))
    _warnings, presolve_s = timed(lambda: presolve(inst))
    greedy, greedy_s = timed(lambda: greedy_plan(inst))
    greedy_ok = not plan_violations(inst, greedy)
    greedy_obj = evaluate(inst, greedy).objective
    m = build_model(inst)
    common = {
        "size": prep.size, "pairs": len(inst.pairs), "vars": len(m.prob.variables()),
        "rows": len(m.prob.constraints), "instance_s": inst_s + presolve_s,
        "build_instance_s": inst_s, "presolve_s": presolve_s,
        "build_s": m.build_seconds, "greedy_s": greedy_s, "greedy_obj": greedy_obj,
        "greedy_ok": greedy_ok, "scoring_s": prep.scoring_s,
        "data_s": prep.data_s,
    }
    rows, models = [], {}
    for name in solvers:
        limit = limits[name]
        solver = Solver(name=name, gap=GAPS[-1], time_limit=limit)
        lp, lp_trace = traced_solve(m, solver, relax=True)
        lp_bound = lp.objective if lp.status == "optimal" else None
        relaxed = {k: float(v.varValue or 0.0) for k, v in m.x.items()}
        quick, rounding_s = timed(lambda relaxed=relaxed: quick_plan(inst, relaxed))
        start, start_s = timed(lambda quick=quick: start_values(inst, quick.best)
                               if quick.best is not None else None)
        row = dict(common, solver=name, time_limit=limit, lp_s=lp.runtime, lp_bound=lp_bound,
                   lp_transfer_s=lp_trace.phases.get("transfer"),
                   lp_run_s=lp_trace.phases.get("run"),
                   greedy_gap=relative_gap(greedy_obj, lp_bound),
                   quick_s=rounding_s, start_s=start_s, quick_obj=quick.best_objective,
                   quick_gap=relative_gap(quick.best_objective, lp_bound))
        if name == "highs":
            rep, trace = traced_solve(m, solver, start=start)
            row["t_gap"] = {g: trace.time_to_gap(g) for g in GAPS}
        else:
            # CBC: one run per gap target (each stops when it proves its gap).
            row["t_gap"] = {}
            for g in GAPS:
                rep, trace = traced_solve(m, solver.model_copy(update={"gap": g}), start=start)
                row["t_gap"][g] = rep.runtime if rep.proven else None
        message = rep.message
        exit_gap = _CBC_EXIT_GAP.search(trace.log) if name == "cbc" else None
        if exit_gap and rep.objective:
            # CBC 2.10 can print "Optimal solution found" without a bound after stopping on
            # its gap; the report then shows gap 0. The log says what was proven.
            proven = float(exit_gap.group(1)) / abs(rep.objective)
            message += f" (log: stopped at gap {100 * proven:.2f} %)"
        first = trace.first(lambda o, b: o is not None)
        better = trace.first(lambda o, b: o is not None and o > greedy_obj * (1 + 1e-9) + 1e-9)
        first_bound = trace.first(lambda o, b: b is not None)
        row.update(first_s=first, better_s=better, first_bound_s=first_bound,
                   mip_transfer_s=trace.phases.get("transfer"),
                   mip_run_s=trace.phases.get("run"), status=rep.status,
                   objective=rep.objective, bound=rep.bound, gap=rep.gap, runtime=rep.runtime,
                   message=message,
                   version=rep.solver_version if name == "highs" else _cbc_version(trace.log),
                   margin=(rep.objective - greedy_obj) / greedy_obj
                   if rep.objective is not None and greedy_obj else None)
        rows.append(row)
        models[name] = (inst, m, model_units(m))  # the plan this solver ended with
    return rows, models


def _cbc_version(log: str) -> str:
    found = re.search(r"Version:\s*(\S+)", log)
    return found.group(1) if found else "cbc"


# --- re-plan after one budget change ---------------------------------------------------

def replan(prep: Prepared, solver_name: str, inst, m, before, repeats: int,
           limit: float) -> dict:
    """PERKIMTA pagu +20 % on the 27 focus villages: (a) greedy + LP bound, either from
    scratch (public API: instance, greedy, build, LP) or on the kept model (instance copy
    with the new pagu, the pagu row's right-hand side changed in place, greedy, LP);
    (b) then the MIP to 1 %, warm-started from the better of the new greedy plan and the
    plan before the change (still feasible: the budget only grew)."""
    new_pagu = dict(prep.settings.pagu)
    new_pagu[REPLAN_AGENCY] = new_pagu[REPLAN_AGENCY] * REPLAN_FACTOR
    settings = prep.settings.model_copy(update={"pagu": new_pagu})
    solver = Solver(name=solver_name, gap=0.01, time_limit=limit)
    out: dict[str, list] = {k: [] for k in ("scratch", "kept", "mip", "gap_a", "gap_b",
                                            "status", "obj", "greedy_obj", "lp_bound")}
    for _ in range(repeats):
        t0 = time.perf_counter()
        inst2 = build_instance(prep.ds, prep.table, settings)
        presolve(inst2)
        g2 = greedy_plan(inst2)
        g2_obj = evaluate(inst2, g2).objective
        m2 = build_model(inst2)
        lp2 = solve_model(m2, solver, relax=True)
        out["scratch"].append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        inst3 = dataclasses.replace(inst, pagu=inst2.pagu, settings=settings)
        m.instance = inst3
        m.set_rhs(f"pagu_{REPLAN_AGENCY}", float(inst3.pagu[REPLAN_AGENCY]))
        lp3 = solve_model(m, solver, relax=True)
        q3 = quick_plan(inst3, {k: float(v.varValue or 0.0) for k, v in m.x.items()})
        g3_obj = q3.greedy_objective
        kept = time.perf_counter() - t0
        out["kept"].append(kept)
        out["gap_a"].append(relative_gap(q3.best_objective, lp3.objective))
        out["greedy_obj"].append(g3_obj)
        out["lp_bound"].append(lp3.objective)
        assert abs(g2_obj - g3_obj) < 1e-6 and abs(lp2.objective - lp3.objective) < 1e-6

        t0 = time.perf_counter()
        prev_obj = evaluate(inst3, before).objective
        plan = before if prev_obj > q3.best_objective else q3.best
        rep = solve_model(m, solver, start=start_values(inst3, plan))
        out["mip"].append(time.perf_counter() - t0)
        out["gap_b"].append(rep.gap)
        out["status"].append(rep.status)
        out["obj"].append(rep.objective)
        out["start"] = "plan before the change" if plan is before else "new quick plan"
        # put the model back as it was for the next repeat
        m.instance = inst
        m.set_rhs(f"pagu_{REPLAN_AGENCY}", float(inst.pagu[REPLAN_AGENCY]))
    return out


# --- output ----------------------------------------------------------------------------

def fmt(value, digits: int = 2, pct: bool = False, missing: str = "—") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    if pct:
        return f"{100 * value:.2f} %"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def secs(value) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def print_tables(rows: list[dict], replans: dict, machine: str) -> None:
    print(f"\n{machine}\n")
    print("Time (seconds, wall clock). 'first plan' .. '0.1 %' count from the call of the "
          "warm-started MIP solve; 'to 1 %, all in' adds instance, greedy, build, warm-start "
          "values and LP bound before it (what allocate() does). '—': not reached within the "
          "limit.\n")
    head = ["villages", "solver", "instance", "build", "greedy", "LP bound", "LP rounding",
            "first plan",
            "beats greedy", *[f"{100 * g:g} %" for g in GAPS], "to 1 %, all in", "limit"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        before = r["instance_s"] + r["greedy_s"] + r["build_s"] + r["start_s"] + r["lp_s"] \
            + r["quick_s"]
        to1 = r["t_gap"].get(0.01)
        cells = [r["size"], r["solver"], secs(r["instance_s"]), secs(r["build_s"]),
                 secs(r["greedy_s"]), secs(r["lp_s"]), secs(r["quick_s"]), secs(r["first_s"]),
                 secs(r["better_s"]),
                 *[secs(r["t_gap"][g]) for g in GAPS],
                 secs(before + to1) if to1 is not None else "—", f"{r['time_limit']:.0f}"]
        print("| " + " | ".join(str(c) for c in cells) + " |")

    print("\nPlans (objective: weighted deprivations removed; gaps against the proven bound; "
          "'solver says' is the solver's own final status)\n")
    head = ["villages", "solver", "pairs", "greedy obj", "LP bound", "greedy gap (certified)",
            "quick plan gap (certified)", "MIP objective", "MIP bound", "final gap", "status",
            "solver says", "MIP vs greedy"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["size"], r["solver"], f"{r['pairs']:,}", fmt(r["greedy_obj"], 0),
                 fmt(r["lp_bound"], 0), fmt(r["greedy_gap"], pct=True),
                 fmt(r["quick_gap"], pct=True), fmt(r["objective"], 0),
                 fmt(r["bound"], 0), fmt(r["gap"], pct=True), r["status"], r["message"],
                 fmt(r["margin"], pct=True)]
        print("| " + " | ".join(str(c) for c in cells) + " |")

    print("\nWhere the time goes (seconds): PuLP hands the model to the solver anew on "
          "every solve ('transfer': HiGHS addCol/addRow calls, or CBC's MPS file)\n")
    head = ["villages", "solver", "vars", "rows", "load data", "scoring", "build_instance",
            "presolve checks", "greedy", "build (PuLP)", "warm-start values", "LP transfer",
            "LP solver", "MIP transfer", "MIP first bound", "MIP solver"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [r["size"], r["solver"], f"{r['vars']:,}", f"{r['rows']:,}", secs(r["data_s"]),
                 secs(r["scoring_s"]), secs(r["build_instance_s"]), secs(r["presolve_s"]),
                 secs(r["greedy_s"]), secs(r["build_s"]), secs(r["start_s"]),
                 secs(r["lp_transfer_s"]), secs(r["lp_run_s"]), secs(r["mip_transfer_s"]),
                 secs(r["first_bound_s"]), secs(r["mip_run_s"])]
        print("| " + " | ".join(str(c) for c in cells) + " |")

    if replans:
        print(f"\nRe-plan of the {FOCUS} focus villages after {REPLAN_AGENCY} pagu "
              f"x{REPLAN_FACTOR} (median [min-max] of the repeats, seconds)\n")
        head = ["solver", "repeats", "(a) from scratch", "(a) kept PuLP model",
                "quick plan gap (a)",
                "(b) MIP to 1 %, after (a)", "(b) total, kept PuLP model", "(b) status",
                "(b) gap", "(b) vs greedy", "(b) warm start"]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for name, o in replans.items():
            total = [a + b for a, b in zip(o["kept"], o["mip"], strict=True)]
            margin = (o["obj"][0] - o["greedy_obj"][0]) / o["greedy_obj"][0] \
                if o["obj"][0] is not None else None
            cells = [name, len(o["kept"]), _spread(o["scratch"]), _spread(o["kept"]),
                     fmt(o["gap_a"][0], pct=True), _spread(o["mip"]), _spread(total),
                     "/".join(sorted(set(o["status"]))), fmt(o["gap_b"][0], pct=True),
                     fmt(margin, pct=True), o["start"]]
            print("| " + " | ".join(str(c) for c in cells) + " |")


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def _load() -> str:
    with contextlib.suppress(OSError):
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    return "?"


def machine_line() -> str:
    def version(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "?"

    mem = ""
    with contextlib.suppress(OSError, ValueError):
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB"
    return (f"{dt.date.today().isoformat()}, {platform.machine()} {os.cpu_count()} cores{mem}, "
            f"Python {platform.python_version()}, PuLP {version('pulp')}, highspy "
            f"{version('highspy')}, pandas {version('pandas')}, numpy {version('numpy')}, "
            f"CBC {'(PuLP bundled)' if cbc_path() else 'not available'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="27 and 148 villages, 20 s limits, 3 re-plan repeats")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated village counts (default 27,148,716,5000)")
    parser.add_argument("--solvers", default=None,
                        help="comma-separated: highs,cbc (default: those installed)")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per MIP solve (default 120; 60 up to 148 villages "
                             "and for CBC at 716)")
    parser.add_argument("--repeats", type=int, default=None, help="re-plan repeats (5)")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in (args.sizes or ("27,148" if args.quick else "27,148,716,5000"))
             .split(",")]
    solvers = (args.solvers.split(",") if args.solvers else
               ["highs"] + (["cbc"] if cbc_path() else []))
    cap = args.time_limit or (20.0 if args.quick else 120.0)
    repeats = args.repeats or (3 if args.quick else 5)
    machine = machine_line()
    load_start = _load()
    print(f"{machine}; load average {load_start}", flush=True)
    rows, replans = [], {}
    wall = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            here = [s for s in solvers if s != "cbc" or size <= CBC_MAX_SIZE]
            limits = {s: min(cap, 60.0 if (size <= 148 or s == "cbc") else 120.0)
                      for s in here}
            if args.time_limit:
                limits = {s: args.time_limit for s in here}
            t0 = time.perf_counter()
            prep = prepare(size, Path(tmp))
            size_rows, models = run_size(prep, here, limits)
            rows.extend(size_rows)
            for r in size_rows:
                print(f"  {r['size']:>18} {r['solver']:<5} greedy gap "
                      f"{fmt(r['greedy_gap'], pct=True)}, 1 % at {secs(r['t_gap'][0.01])} s, "
                      f"final {r['status']} gap {fmt(r['gap'], pct=True)}", flush=True)
            if size == FOCUS:
                for name, (inst, m, before) in models.items():
                    replans[name] = replan(prep, name, inst, m, before, repeats,
                                           min(cap, 60.0))
            print(f"  size {size} done in {time.perf_counter() - t0:.1f} s", flush=True)
    print_tables(rows, replans, machine)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"\nTotal {time.perf_counter() - wall:.0f} s; peak memory {peak:.1f} GiB; "
          f"load average at start {load_start}, at end {_load()} (other work on the machine "
          "slows every number)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

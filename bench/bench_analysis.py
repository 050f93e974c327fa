"""Benchmark: re-plans, budget curves and marginal values on the shipped baseline (issue 14).

Not a test: it prints numbers and asserts nothing. On ``scenarios/baseline.yaml`` (27 focus
villages, balanced settings, gap 1 %), all in one process with the kept model
(:mod:`planning.model.kept`):

(a) 20 random single pagu changes (seeded; one agency, factor 0.5-1.5 of today's pagu),
    each re-planned from today's plan with that agency's choices free: seconds to the
    first certified plan (``Replan.quick_seconds`` plus the pagu change and the row sync,
    measured from outside), its certified gap, and seconds to the plan within the
    scenario's gap (median and p90);
(b) the district budget curve (51 points, 50-150 % of every pagu): total seconds, points
    without a plan, drops (a point below the one before), the certified gaps;
(c) the marginal value of every agency's pagu (+Rp 100 juta);
(d) with ``--agency-curves``: every agency's curve (11 points each);
(e) the price of every rule of the scenario (:mod:`planning.analysis.rakor.rule_prices`,
    from the scenario's own plan made by ``allocate``);
(f) why and why not (:func:`planning.analysis.rakor.why.explain_villages`): the 27 focus
    villages and the candidates of their kecamatan, then the entry thresholds;
(g) with ``--floor F1,F2,...``: what the curve's points cost HiGHS even when their plans
    are known. At each factor every pagu is scaled, the best plan HiGHS finds within
    ``--floor-nodes`` nodes and 0.3 % (the "known" plan; its seconds are not counted) is
    given as the start of a fresh solve to the scenario's gap: the seconds of that solve
    are the least a point within the gap costs with HiGHS's bound, whatever finds the
    plans (the lower limit of part (b)'s time).

The machine's load (``os.getloadavg()``) is printed before and after each part: on a
busy machine the seconds are pessimistic.

    .venv/bin/python bench/bench_analysis.py
    .venv/bin/python bench/bench_analysis.py --points 51 --workers 2 --nodes 1

``--workers N``: the chains of the curves, the marginal values and the rule prices as
tasks on a local Dask cluster of N worker processes
(:class:`planning.analysis.workers.Runner`); 0 (default): one after the other here.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from planning.analysis.rakor.curves import (
    CURVE_NODES,
    Inputs,
    agency_curves,
    district_curve,
    drops,
    marginal_values,
)
from planning.analysis.workers import Runner
from planning.model import Planner
from planning.model.kept import KeptModel, replan
from planning.pipeline.preparing import prepare


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def quantiles(values, label: str, unit: str = "s") -> str:
    v = np.asarray(values, dtype=float)
    return (f"{label}: median {np.median(v):.3f} {unit}, p90 {np.quantile(v, 0.9):.3f} {unit}, "
            f"max {v.max():.3f} {unit}")


def single_changes(planner: Planner, kept: KeptModel, base, n: int = 20, seed: int = 2020):
    """(a): n random single pagu changes, each from today's plan."""
    rng = np.random.default_rng(seed)
    today = planner.instance.pagu.astype(float).copy()
    programs = planner.instance.programs
    rows = []
    for _ in range(n):
        agency = str(rng.choice(today.index))
        factor = float(rng.uniform(0.5, 1.5))
        mine = set(programs.loc[programs["agency"] == agency, "code"])
        t0 = time.perf_counter()
        kept.sync(planner.set_budgets({agency: today[agency] * factor}, check=False))
        outside = time.perf_counter() - t0
        run = replan(kept, base.units, hold="fix", free=lambda _v, p, mine=mine: p in mine)
        total = time.perf_counter() - t0
        rows.append({"agency": agency, "factor": factor, "status": run.report.status,
                     "quick_seconds": outside + run.quick_seconds,
                     "quick_gap": run.quick.gap, "seconds": total, "gap": run.report.gap,
                     "source": run.source})
        kept.sync(planner.set_budgets({agency: today[agency]}, check=False))
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    parser.add_argument("--points", type=int, default=51)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--nodes", type=int, default=CURVE_NODES)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--agency-curves", action="store_true")
    parser.add_argument("--skip", default="", help="parts to skip, e.g. 'a,c'")
    parser.add_argument("--floor", default="", help="part (g): factors, e.g. '0.6,1.2'")
    parser.add_argument("--floor-nodes", type=int, default=3000)
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)

    print(f"cores {os.cpu_count()}, {load()}")
    prep = prepare(args.scenario, check_out=False)
    t0 = time.perf_counter()
    planner = Planner(prep.dataset, prep.scores, prep.settings)
    kept = KeptModel(planner.model, planner.settings.solver)
    base = replan(kept)
    runner = Runner(workers=args.workers) if args.workers else None
    inputs = Inputs(prep.dataset, prep.scores, prep.settings, {}, base.units)
    print(f"today's plan: {base.report.status}, objective {base.report.objective:.2f}, "
          f"gap {base.report.gap:.4f}, {time.perf_counter() - t0:.2f} s (build, hand-over, "
          "solve)")

    if "a" not in skip:
        print(f"\n(a) {args.changes} random single pagu changes [{load()}]")
        table = single_changes(planner, kept, base, args.changes)
        print(quantiles(table["quick_seconds"], "  first certified plan"))
        print(quantiles(100 * table["quick_gap"], "  its certified gap", "%"))
        print(quantiles(table["seconds"], "  plan within the scenario's gap"))
        print(quantiles(100 * table["gap"], "  its certified gap", "%"))
        print(f"  statuses: {table['status'].value_counts().to_dict()}  [{load()}]")

    if "b" not in skip:
        print(f"\n(b) district curve, {args.points} points, {args.workers} worker(s), "
              f"node limit {args.nodes} [{load()}]")
        t0 = time.perf_counter()
        curve = district_curve(planner, kept, base, np.linspace(0.5, 1.5, args.points),
                               nodes=args.nodes, runner=runner, inputs=inputs)
        seconds = time.perf_counter() - t0
        planned = curve.dropna(subset=["objective"])
        print(f"  total {seconds:.1f} s; points without a plan {len(curve) - len(planned)} "
              f"(factors {list(curve.loc[curve['objective'].isna(), 'factor'].round(2))}); "
              f"drops {drops(curve)}")
        print(quantiles(100 * planned["gap"], "  certified gap", "%"))
        print(quantiles(curve["seconds"], "  seconds per point (in its process)"))
        print(f"  statuses {curve['status'].value_counts().to_dict()}, sources "
              f"{curve['source'].value_counts().to_dict()}  [{load()}]")
        print(curve[["factor", "budget", "objective", "bound", "gap", "status", "source",
                     "removed_total", "spent", "seconds"]].round(4).to_string(index=False))

    if "c" not in skip:
        print(f"\n(c) marginal value of each pagu (+Rp 100 juta) [{load()}]")
        t0 = time.perf_counter()
        marginal = marginal_values(planner, kept, base.units, runner=runner, inputs=inputs)
        print(f"  {time.perf_counter() - t0:.1f} s for {len(marginal.table)} agencies "
              f"[{load()}]")
        print(marginal.table.round(3).to_string(index=False))
        print(f"  purchases: {len(marginal.purchases)} rows")

    if args.agency_curves:
        print(f"\n(d) agency curves [{load()}]")
        t0 = time.perf_counter()
        curves = agency_curves(planner, kept, base, nodes=args.nodes, runner=runner,
                               inputs=inputs)
        print(f"  {time.perf_counter() - t0:.1f} s, drops per agency "
              f"{ {a: drops(t) for a, t in curves.groupby('agency')} } [{load()}]")
        print(quantiles(100 * curves["gap"].dropna(), "  certified gap", "%"))

    if "e" not in skip or "f" not in skip:
        from planning.model import allocate

        plan = allocate(prep.dataset, prep.scores, prep.settings)
    if "e" not in skip:
        from planning.analysis.rakor.rule_prices import rule_prices

        print(f"\n(e) the price of every rule [{load()}]")
        t0 = time.perf_counter()
        prices = rule_prices(prep.dataset, prep.scores, prep.settings, base=plan,
                             runner=runner)
        print(f"  {time.perf_counter() - t0:.1f} s for {len(prices)} rules [{load()}]")
        for p in prices:
            print(f"  {p.rule:16s} {p.status:9s} {p.low_pct or 0:.2f}-{p.high_pct or 0:.2f} %")
    if "f" not in skip:
        from planning.analysis.rakor.why import explain_villages

        print(f"\n(f) why and why not [{load()}]")
        why = explain_villages(prep, plan)
        print(f"  seconds {({k: round(v, 1) for k, v in why.seconds.items()})}: "
              f"{int(why.villages['in_plan'].sum())} villages in the plan, "
              f"{len(why.villages)} rows, {len(why.entries)} items at zero [{load()}]")

    if args.floor:
        print(f"\n(g) certifying curve points from known plans [{load()}]")
        base_pagu = pd.Series(dict(planner.instance.pagu.astype(float)))
        rows = [certify_known(planner, kept, base_pagu, float(f), args.floor_nodes)
                for f in args.floor.split(",")]
        table = pd.DataFrame(rows)
        print(table.round(4).to_string(index=False))
        done = table.dropna(subset=["certify_s"])
        print(f"  certifying from the known plan: {done['certify_s'].sum():.2f} s for "
              f"{len(done)} points, {done['certify_s'].mean():.3f} s a point; "
              f"{int((done['gap'] <= planner.settings.solver.gap + 1e-12).sum())} within "
              f"the gap [{load()}]")


def certify_known(planner: Planner, kept: KeptModel, base_pagu: pd.Series, factor: float,
                  nodes: int) -> dict:
    """Part (g) at one factor: the best plan within ``nodes`` nodes (to 0.3 %), then a
    fresh solve to the scenario's gap started from it (seconds, gap, nodes)."""
    from planning.analysis.rakor.curves import scaled_pagu

    kept.sync(planner.set_budgets(scaled_pagu(base_pagu, factor), check=False))
    try:
        known = kept.solve(gap=0.003, nodes=nodes)
        row = {"factor": factor, "known": known.objective, "known_bound": known.bound,
               "known_s": known.runtime, "certify_s": None, "gap": None, "at_root": None}
        if not known.is_plan:
            return row
        start = {v.name: float(v.varValue or 0.0) for v in kept.variables}
        certified = kept.solve(start=start)
        root = kept.solve(start=start, nodes=1)
        row.update(certify_s=certified.runtime, gap=certified.gap,
                   at_root=bool(root.gap is not None and certified.gap is not None
                                and root.gap <= certified.gap + 1e-12))
        return row
    finally:
        kept.sync(planner.set_budgets(dict(base_pagu), check=False))


if __name__ == "__main__":
    main()

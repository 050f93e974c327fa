"""Benchmark: the alternatives and the robustness draws on the shipped baseline (issue 15).

Not a test: it prints numbers and asserts nothing. On ``scenarios/baseline.yaml`` (27 focus
villages, balanced settings, gap 1 %; the draws at :data:`DRAW_GAP`):

(a) the near-optimal alternatives (K = 5, share 2 %, the default D): seconds, how many
    were found, each one's value against the best plan, its distance and gap;
(b) N robustness draws (default 200) on a local Dask cluster of each number of worker
    processes in ``--workers`` (default "1,2"): seconds, seconds per draw, the speed-up
    over the first, and whether the summaries are the same (they must be).

The machine's load (``os.getloadavg()``) is printed before and after each part.

    .venv/bin/python bench/bench_many.py
    .venv/bin/python bench/bench_many.py --draws 40 --workers 2 --skip a
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd

from planning.analysis.alternatives import near_optimal
from planning.analysis.rakor import Analysis, Many, run_many_plans
from planning.analysis.robustness import DRAW_GAP
from planning.model import allocate
from planning.pipeline.preparing import prepare


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--skip", default="")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    print(f"cores {os.cpu_count()}, {load()}")
    prep = prepare(args.scenario, check_out=False)
    base = allocate(prep.dataset, prep.scores, prep.settings)
    print(f"best plan: objective {base.report.objective:.2f}, gap {base.report.gap:.4f}")

    if "a" not in skip:
        print(f"\n(a) alternatives, K = {args.k} [{load()}]")
        t0 = time.perf_counter()
        alts = near_optimal(prep.dataset, prep.scores, prep.settings, base, k=args.k)
        print(f"  {time.perf_counter() - t0:.1f} s; found {len(alts.alternatives)}, D "
              f"{alts.distance}, stopped: {alts.stopped}; core {len(alts.core)} choices, "
              f"{alts.core_share:.1%} of the spending [{load()}]")
        for a in alts.alternatives:
            print(f"  #{a.rank}: {a.objective:.2f} ({-a.share_below_best:+.2%} against the "
                  f"best), distance {a.distance_to_best}, gap {a.gap:.4f}, {a.seconds:.1f} s")

    if "b" not in skip:
        first, summaries = None, {}
        for workers in [int(w) for w in args.workers.split(",")]:
            print(f"\n(b) {args.draws} robustness draws (gap {DRAW_GAP:.0%}), {workers} "
                  f"worker process(es) [{load()}]")
            out = Analysis()
            many = Many(robustness=args.draws, scoring=prep.loaded.scenario.scoring,
                        workers=workers, progress=False)
            t0 = time.perf_counter()
            run_many_plans(out, prep.dataset, prep.scores, prep.settings, base, many)
            seconds = time.perf_counter() - t0
            first = first or seconds
            rob = out.robustness
            summaries[workers] = rob.pairs
            print(f"  {seconds:.1f} s ({seconds / args.draws:.2f} s per draw), speed-up "
                  f"{first / seconds:.2f}; {rob.n_plans} of {rob.n} draws with a plan; "
                  f"robust share {rob.robust_share:.1%}; retried {out.workers['retried']}, "
                  f"failed {list(out.workers['failed'])} [{load()}]")
        tables = list(summaries.values())
        same = all(t.equals(tables[0]) for t in tables[1:])
        print(f"  the same summary with every number of workers: {same}")
        pd.set_option("display.width", 160)
        print(rob.groups.to_string(index=False))


if __name__ == "__main__":
    main()

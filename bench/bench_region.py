"""Benchmark: a province and the country planned in two levels (issue 18).

Not a test: it prints a table and asserts nothing about speed. The settings are the
shipped scenarios' own (``scenarios/provinsi-bali.yaml``: 716 villages, each district to
1 %; ``scenarios/nasional.yaml``: about 83,700 villages in 514 districts, each district to
2.5 %), their regions generated as the scenarios say (seeded; into a temporary folder).
Per case and number of local Dask workers it gives:

* the time to generate the region (not part of the plan's time);
* the plan's wall time: curves, split, plans (``execute_region``: the cluster's start
  included), and writing the results folder;
* the combined plan's certified gap (the sum of the districts' bounds), districts planned;
* the peak memory (RSS) of this process and of any worker process, sampled every 0.2 s
  (psutil), and the largest district task's time;
* an estimate for a 32-worker cluster: the measured task times of each batch scheduled
  longest first onto 32 workers (the makespan), plus the split and this machine's
  overheads (cluster start, sending the tasks) as measured with 2 workers.

    .venv/bin/python bench/bench_region.py                      # the province, 1 and 2 workers
    .venv/bin/python bench/bench_region.py --national           # and the country, 2 workers
    .venv/bin/python bench/bench_region.py --national --national-workers 1,2
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

from planning.config.scenario import load_scenario
from planning.data.synth_region import generate_region
from planning.pipeline.region import execute_region, prepare_region

ROOT = Path(__file__).resolve().parents[1]
PROVINCE = ROOT / "scenarios" / "provinsi-bali.yaml"
NATIONAL = ROOT / "scenarios" / "nasional.yaml"


def _load() -> str:
    with contextlib.suppress(OSError):
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    return "?"


class PeakMemory:
    """The largest resident set of this process and of any of its descendants (the
    Dask workers and their solver children), sampled every ``every`` seconds."""

    def __init__(self, every: float = 0.2):
        self.every, self.main, self.child = every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                self.main = max(self.main, me.memory_info().rss)
                for child in me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        self.child = max(self.child, child.memory_info().rss)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def makespan(seconds: list[float], workers: int) -> float:
    """Longest-first list scheduling of the task times onto ``workers`` workers."""
    loads = [0.0] * workers
    heapq.heapify(loads)
    for s in sorted(seconds, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + s)
    return max(loads)


def case(scenario: Path, folder: Path, workers: int, out: Path) -> dict:
    """One planned region: times, gap, memory, task times."""
    prepared = prepare_region(scenario, out, workers=workers, progress=False)
    t0 = time.perf_counter()
    with PeakMemory() as peak:
        result = execute_region(prepared)
        planned = time.perf_counter() - t0
        result.write(out)
    total = time.perf_counter() - t0
    districts = result.plan.districts
    curves = districts["seconds_curve"].dropna().tolist()
    plans = districts["seconds_plan"].dropna().tolist()
    seconds = result.plan.seconds
    overhead = (seconds["curves"] - makespan(curves, max(workers, 1))
                + seconds["plans"] - makespan(plans, max(workers, 1)))
    t = result.summary["totals"]
    return {"workers": workers, "plan": planned, "written": total, "curves": seconds["curves"],
            "plans": seconds["plans"], "gap": t["gap"], "planned": t["districts_planned"],
            "districts": t["districts"], "villages": t["villages"],
            "main_gib": peak.main / 2**30, "child_gib": peak.child / 2**30,
            "largest_task": max(curves + plans), "task_sum": sum(curves) + sum(plans),
            "estimate_32": makespan(curves, 32) + makespan(plans, 32) + seconds["split"]
            + max(overhead, 0.0), "overhead": overhead}


def generated(scenario: Path, work: Path) -> tuple[Path, Path, float]:
    """The scenario's region generated into ``work`` and a copy of the scenario that
    points at it; the seconds the generation took."""
    sc = load_scenario(scenario).scenario
    how = sc.region.generate
    folder = work / sc.name
    t0 = time.perf_counter()
    generate_region(folder, how.level, how.villages, how.seed)
    seconds = time.perf_counter() - t0
    copy = work / f"{sc.name}.yaml"
    copy.write_text(f"name: {sc.name}\nbase: {scenario}\nregion:\n  folder: {folder}\n"
                    "  generate: null\n")
    return folder, copy, seconds


def report(name: str, generate_seconds: float, rows: list[dict]) -> None:
    print(f"\n### {name} (generated in {generate_seconds:.1f} s)\n")
    print("| workers | districts (planned) | villages | curves s | plans s | plan s | "
          "with files s | certified gap | peak RSS main / worker GiB | largest task s | "
          "estimate 32 workers s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['districts']} ({r['planned']}) | {r['villages']:,} | "
              f"{r['curves']:.1f} | {r['plans']:.1f} | {r['plan']:.1f} | {r['written']:.1f} | "
              f"{100 * r['gap']:.2f} % | {r['main_gib']:.2f} / {r['child_gib']:.2f} | "
              f"{r['largest_task']:.1f} | {r['estimate_32']:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="province: worker counts")
    parser.add_argument("--national", action="store_true", help="also the country")
    parser.add_argument("--national-workers", default="2", help="country: worker counts")
    parser.add_argument("--no-province", action="store_true")
    args = parser.parse_args(argv)
    print(f"cores {os.cpu_count()}, load average before: {_load()}")
    with tempfile.TemporaryDirectory(prefix="bench-region-") as tmp:
        work = Path(tmp)
        cases = [] if args.no_province else [("province", PROVINCE, args.workers)]
        if args.national:
            cases.append(("national", NATIONAL, args.national_workers))
        for name, scenario, counts in cases:
            folder, copy, gen = generated(scenario, work)
            rows = []
            for n in (int(x) for x in counts.split(",")):
                rows.append(case(copy, folder, n, work / f"out-{name}-{n}"))
                print(f"  {name}, {n} workers: {rows[-1]['plan']:.1f} s, load {_load()}",
                      flush=True)
            report(f"{name}: {scenario.name}", gen, rows)
    print(f"\nload average after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

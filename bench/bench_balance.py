"""Benchmark: the balanced plans of issue 13 on the shipped scenarios' own settings.

Not a test: it prints tables and asserts nothing about speed. Every number comes from the
settings of a shipped scenario file, never from easier ones:

* ``27``: ``scenarios/baseline.yaml`` as shipped (27 focus villages, balanced settings,
  gap 1 %), and its pure efficiency counterpart (``efficiency_settings``, the same as
  ``scenarios/efisiensi-murni.yaml``): the two solves every ``planning run`` of the
  baseline makes;
* ``148 scaled``: the baseline's settings on all 148 villages with every pagu x 148 / 27
  (the convention of ``bench_model.py``: the same money per village), and its efficiency
  counterpart;
* ``semua-desa``: ``scenarios/semua-desa.yaml`` as shipped (148 villages, Rp 9 miliar).

Per plan: the time of ``allocate`` (instance and presolve checks, build, quick plan, LP
bound, MIP, tables) with its parts, the solver's status and certified gap, the quick
plan's certified gap (against the LP bound; "-" when no quick plan keeps every rule), and
the load average before and after. Then, side by side for the 27 focus villages, what the
closing note of issue 13 asks for: deprivations removed per dimension (each in its own
unit), the largest village share, token-only villages, programmes unused, absorption per
agency and solve times.

    .venv/bin/python bench/bench_balance.py            # all three, about 2-4 minutes
    .venv/bin/python bench/bench_balance.py --only 27  # the baseline pair only
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from planning.analysis.equity import dimension_units, equity
from planning.model import allocate
from planning.model.balance import efficiency_settings
from planning.pipeline import prepare

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def _load() -> str:
    with contextlib.suppress(OSError):
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    return "?"


def _pct(value) -> str:
    return "-" if value is None or value != value else f"{100 * value:.2f} %"


def timed_plan(name: str, ds, scores, settings) -> dict:
    """One ``allocate`` with its times, status, gaps and equity measures."""
    before = _load()
    t0 = time.perf_counter()
    allocation = allocate(ds, scores, settings)
    seconds = time.perf_counter() - t0
    row = {"name": name, "seconds": seconds, "timings": allocation.timings,
           "status": allocation.report.status, "gap": allocation.report.gap,
           "quick_gap": allocation.quick_gap, "load": f"{before} -> {_load()}",
           "allocation": allocation}
    if allocation.is_plan:
        row["equity"] = equity(allocation, dimension_units(ds))
    print(f"  {name:<28} {seconds:6.2f} s  {row['status']:<9} gap {_pct(row['gap'])}, "
          f"quick plan {_pct(row['quick_gap'])}, load {row['load']}", flush=True)
    return row


def pairs(only: str | None, tmp: Path) -> list[tuple[str, dict, dict]]:
    """(label, balanced row, efficiency row or None) for each benchmarked case."""
    out = []
    if only in (None, "27"):
        prep = prepare(SCENARIOS / "baseline.yaml", tmp / "baseline")
        args = (prep.dataset, prep.scores)
        out.append(("27 focus (baseline.yaml)",
                    timed_plan("27 balanced", *args, prep.settings),
                    timed_plan("27 efficiency", *args, efficiency_settings(prep.settings))))
    if only in (None, "148"):
        prep = prepare(SCENARIOS / "baseline.yaml", tmp / "scaled")
        agencies = prep.dataset.agencies
        pagu = {a: float(p) * 148 / 27 for a, p in zip(agencies["code"], agencies["pagu"],
                                                        strict=True)}
        settings = prep.settings.model_copy(update={"villages": "all", "pagu": pagu})
        args = (prep.dataset, prep.scores)
        out.append(("148 scaled pagu (baseline settings)",
                    timed_plan("148 balanced", *args, settings),
                    timed_plan("148 efficiency", *args, efficiency_settings(settings))))
    if only in (None, "semua-desa"):
        prep = prepare(SCENARIOS / "semua-desa.yaml", tmp / "semua")
        args = (prep.dataset, prep.scores)
        out.append(("148 semua-desa.yaml",
                    timed_plan("semua-desa balanced", *args, prep.settings),
                    timed_plan("semua-desa efficiency", *args,
                               efficiency_settings(prep.settings))))
    return out


def print_times(cases) -> None:
    print("\n| case | plan | allocate (s) | instance+presolve | build | quick plan | LP "
          "bound | MIP | status | certified gap | quick plan gap | load before -> after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, *rows in cases:
        for row in rows:
            t = row["timings"]
            quick = t.get("greedy", 0.0) + t.get("rounding", 0.0)
            print(f"| {label} | {row['name']} | {row['seconds']:.2f} | "
                  f"{t.get('instance', 0):.2f} | {t.get('build', 0):.2f} | {quick:.2f} | "
                  f"{t.get('lp', 0):.2f} | {t.get('solve', 0):.2f} | {row['status']} | "
                  f"{_pct(row['gap'])} | {_pct(row['quick_gap'])} | {row['load']} |")


def print_side_by_side(label: str, balanced: dict, efficient: dict) -> None:
    """The closing note's table: both plans' equity measures, dimension by dimension."""
    if "equity" not in balanced or "equity" not in efficient:
        print(f"\n{label}: no side-by-side (a plan is missing)")
        return
    eb, ee = balanced["equity"], efficient["equity"]
    db, de = eb.dimensions.set_index("dimension"), ee.dimensions.set_index("dimension")
    print(f"\n{label}: efficiency vs balanced\n")
    print("| measure | efficiency | balanced | change |")
    print("|---|---|---|---|")
    for d in de.index:
        unit = de.at[d, "unit"]
        e, b = de.at[d, "removed"], db.at[d, "removed"]
        print(f"| removed: {d} ({unit}) | {e:.0f} of {de.at[d, 'deprived']:.0f} | {b:.0f} "
              f"| {b - e:+.0f} |")
    top = [eq.villages.sort_values(["share_of_spending", "village"],
                                   ascending=[False, True]).iloc[0] for eq in (ee, eb)]
    print("| largest village share | " + " | ".join(
        f"{t['village']} {100 * t['share_of_spending']:.1f} %" for t in top) + " | |")
    print(f"| token-only villages | {len(ee.token_villages)} | {len(eb.token_villages)} | "
          f"{len(eb.token_villages) - len(ee.token_villages):+d} |")
    print(f"| programmes unused | {len(ee.unused_programs)} | {len(eb.unused_programs)} | "
          f"{len(eb.unused_programs) - len(ee.unused_programs):+d} |")
    ab = balanced["allocation"].tables.agencies.set_index("agency")["share_used"]
    ae = efficient["allocation"].tables.agencies.set_index("agency")["share_used"]
    for agency in ae.index:
        print(f"| absorption {agency} | {100 * ae[agency]:.1f} % | {100 * ab[agency]:.1f} % "
              f"| {100 * (ab[agency] - ae[agency]):+.1f} pt |")
    print(f"| Gini of spending per deprivation | {ee.gini:.3f} | {eb.gini:.3f} | "
          f"{eb.gini - ee.gini:+.3f} |")
    print(f"| allocate time (s) | {efficient['seconds']:.2f} | {balanced['seconds']:.2f} | |")
    print(f"| certified gap | {_pct(efficient['gap'])} | {_pct(balanced['gap'])} | |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["27", "148", "semua-desa"], default=None)
    args = parser.parse_args(argv)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load average "
          f"{_load()} at start", flush=True)
    wall = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        cases = pairs(args.only, Path(tmp))
    print_times(cases)
    for label, balanced, efficient in cases:
        print_side_by_side(label, balanced, efficient)
    print(f"\nTotal {time.perf_counter() - wall:.0f} s; load average at end {_load()} "
          "(other work on the machine slows every number)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

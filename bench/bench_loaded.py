"""Same inputs, same plan, on a slow machine: every shipped scenario is run once on an
idle machine and once while CPU-bound processes keep every core busy, and the two results
folders are compared file by file (timing.json, the only file with wall-clock times, is
left out). Prints each scenario's wall-clock times, solver status, nodes limit and whether
the files are byte-identical; exits 1 if any file differs.

    .venv/bin/python bench/bench_loaded.py              # all scenarios, 2 burners
    .venv/bin/python bench/bench_loaded.py --burners 4 baseline perumahan-dulu
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planning.config.scenario import is_region_scenario

ROOT = Path(__file__).resolve().parents[1]
PLANNING = Path(sys.executable).with_name("planning")


def burn(stop) -> None:
    """Keep one core busy until ``stop`` is set."""
    x = 0
    while not stop.is_set():
        for i in range(100_000):
            x ^= i


def run(scenario: Path, out: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([str(PLANNING), "run", str(scenario), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{scenario.name}: exit {done.returncode}\n{done.stderr}")
    return time.perf_counter() - t0


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != "timing.json"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenario names (default: all shipped)")
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    scenarios = [ROOT / "scenarios" / f"{n}.yaml" for n in args.names] or [
        s for s in sorted((ROOT / "scenarios").glob("*.yaml")) if not is_region_scenario(s)]
    print(f"cores {os.cpu_count()}, load average before: {os.getloadavg()}")
    work = Path(tempfile.mkdtemp(prefix="bench-loaded-"))
    idle = {s.stem: run(s, work / "idle" / s.stem) for s in scenarios}
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    burners = [ctx.Process(target=burn, args=(stop,)) for _ in range(args.burners)]
    for b in burners:
        b.start()
    try:
        time.sleep(2)
        print(f"{args.burners} CPU-bound processes running; load average {os.getloadavg()}")
        busy = {s.stem: run(s, work / "busy" / s.stem) for s in scenarios}
        load = os.getloadavg()
    finally:
        stop.set()
        for b in burners:
            b.join()
    print(f"load average at the end of the busy runs: {load}")
    print(f"{'scenario':<18} {'idle s':>7} {'busy s':>7}  status    gap      nodes  files")
    differ = 0
    for s in scenarios:
        a, b = files(work / "idle" / s.stem), files(work / "busy" / s.stem)
        same = a == b
        differ += not same
        summary = json.loads(a["summary.json"])["allocation"]
        detail = "identical" if same else "DIFFER: " + ", ".join(
            sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
        print(f"{s.stem:<18} {idle[s.stem]:7.1f} {busy[s.stem]:7.1f}  "
              f"{summary['status']:<9} {100 * summary['gap']:.3f} %  "
              f"{summary['node_limit']:>5}  {len(a)} {detail}")
    print(f"results in {work}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

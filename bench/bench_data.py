"""Benchmark: loading and validating a data set, and generating the synthetic indicators.

Not a test: it prints timings (best and median of several runs) for the shipped Buleleng
data and for a generated district of 716 villages (the size of Bali province).

    make bench      # or: .venv/bin/python bench/bench_data.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from planning.data import load_dataset
from planning.data.synth import run as synth_run

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "buleleng"


def timed(fn, repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def print_table(rows: list[tuple[str, float, float]]) -> None:
    """The timings as an aligned table: benchmark, best and median seconds."""
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  best (s)  median (s)")
    for name, best, median in rows:
        print(f"{name:<{width}}  {best:8.3f}  {median:10.3f}")


def scaled_copy(target: Path, factor: int) -> Path:
    """The Buleleng data set with every village repeated ``factor`` times (new codes)."""
    shutil.copytree(DATA, target)
    villages = pd.read_csv(DATA / "villages.csv", dtype=str, keep_default_na=False)
    indicators = pd.read_csv(DATA / "indicators.csv", dtype=str, keep_default_na=False)
    copies_v, copies_i = [], []
    for k in range(factor):
        suffix = lambda code, k=k: code[:-4] + f"{int(code[-4:]) + 100 * k:04d}"  # noqa: E731
        copies_v.append(villages.assign(code=villages["code"].map(suffix)))
        copies_i.append(indicators.assign(code=indicators["code"].map(suffix)))
    pd.concat(copies_v).to_csv(target / "villages.csv", index=False)
    pd.concat(copies_i).to_csv(target / "indicators.csv", index=False)
    kec = pd.read_csv(DATA / "kecamatan.csv", dtype=str, keep_default_na=False)
    kec["n_desa"] = (kec["n_desa"].astype(int) * factor).astype(str)
    kec["n_kelurahan"] = (kec["n_kelurahan"].astype(int) * factor).astype(str)
    kec.to_csv(target / "kecamatan.csv", index=False)
    return target


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        best, median = timed(lambda: load_dataset(DATA))
        rows.append(("load + validate, Buleleng (148 villages)", best, median))
        big = scaled_copy(Path(tmp) / "big", 5)
        n = len(load_dataset(big).villages)
        best, median = timed(lambda: load_dataset(big))
        rows.append((f"load + validate, generated ({n} villages)", best, median))
        out = Path(tmp) / "synth"
        best, median = timed(lambda: synth_run(DATA, out))
        rows.append(("synthetic indicators, Buleleng", best, median))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

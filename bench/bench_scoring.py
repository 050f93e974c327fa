"""Benchmark: scoring every village, with the stability draws, and the `planning score` report.

Not a test: it prints timings (best and median of 5 runs) for the shipped Buleleng data
(148 villages, 1,000 stability draws) and for a generated district of 740 villages (the
Buleleng villages repeated five times, see bench_data.scaled_copy).

    make bench      # or: .venv/bin/python bench/bench_scoring.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench_data import DATA, print_table, scaled_copy, timed

from planning.config.scoring import resolve
from planning.data import load_dataset
from planning.report.scoring import score_report
from planning.scoring import score_villages


def main() -> int:
    rows = []
    ds = load_dataset(DATA)
    best, median = timed(lambda: score_villages(ds, draws=1000))
    rows.append(("score 148 villages, 1,000 stability draws", best, median))
    best, median = timed(lambda: score_villages(ds, draws=0))
    rows.append(("score 148 villages, no stability draws", best, median))
    resolved = resolve(data=DATA)
    best, median = timed(lambda: score_report(ds, resolved, "en").files())
    rows.append(("planning score files (scores, 2020 comparison, report)", best, median))
    with tempfile.TemporaryDirectory() as tmp:
        big = load_dataset(scaled_copy(Path(tmp) / "big", 5))
        n = len(big.villages)
        best, median = timed(lambda: score_villages(big, draws=1000))
        rows.append((f"score {n} villages (generated), 1,000 draws", best, median))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

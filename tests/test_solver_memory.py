"""The solver's process has a memory limit (Solver.memory_limit_gb, applied in the forked
HiGHS process): a solve that needs more ends with a message in both languages (what
happened, what to do), not a traceback; a limit the solve fits in changes nothing."""

from __future__ import annotations

import os

import pytest

from planning.model import ModelSettings, Planner, Solver
from planning.model import solve as solve_mod

pytestmark = pytest.mark.skipif(os.name != "posix" or not solve_mod.ISOLATE_HIGHS,
                                reason="the limit applies to the forked solver process")


TINY = """
import json
from planning.data import load_dataset
from planning.model import ModelError, ModelSettings, Planner, Solver
from planning.scoring import score_villages
ds = load_dataset({data!r})
planner = Planner(ds, score_villages(ds, draws=0),
                  ModelSettings(solver=Solver(gap=0.01, memory_limit_gb=0.0001)))
try:
    _quick, lp = planner.quick()
    print(json.dumps({{"lp": [lp.status, lp.message]}}))
except ModelError as exc:
    print(json.dumps({{"key": exc.key, "villages": exc.params["villages"],
                       "n": len(planner.instance.villages),
                       "en": exc.render("en"), "id": exc.render("id")}}))
"""


def test_a_tiny_memory_limit_gives_the_message_not_a_crash():
    """In a fresh interpreter: the limit counts from the fork, and a process that has run
    many solves before may hold enough freed heap for a small LP to fit in it."""
    import json
    import subprocess
    import sys

    from .conftest import DATA

    out = subprocess.run([sys.executable, "-c", TINY.format(data=str(DATA))],
                         capture_output=True, text=True, check=True, timeout=600)
    said = json.loads(out.stdout.strip().splitlines()[-1])
    assert "lp" not in said, f"the LP ended {said.get('lp')} in 0.0001 GiB"
    assert said["key"] == "model.out_of_memory"
    assert said["villages"] == said["n"]
    english, bahasa = said["en"], said["id"]
    assert "ran out of memory" in english and "0.0001 GiB" in english
    assert "fewer villages" in english and "memory_limit_gb" in english
    assert "kehabisan memori" in bahasa and "lebih sedikit desa" in bahasa
    assert "memory_limit_gb" in bahasa


def test_a_limit_the_solve_fits_in_changes_nothing(ds, scores):
    limited = Planner(ds, scores, ModelSettings(solver=Solver(memory_limit_gb=64))).plan()
    free = Planner(ds, scores, ModelSettings(solver=Solver(memory_limit_gb=None))).plan()
    assert limited.is_plan and free.is_plan
    assert limited.report.objective == free.report.objective
    assert limited.tables.plan.equals(free.tables.plan)
    assert solve_mod.LAST_PEAK_MIB is not None and solve_mod.LAST_PEAK_MIB > 0


def test_near_the_limit_means_within_a_quarter_of_the_allowance_and_16_mib():
    mib, gib = 2**20, 2**30
    assert solve_mod.near_limit(1000 * mib, 0.0001, used=999 * mib)
    assert solve_mod.near_limit(10 * gib, 4, used=10 * gib - 900 * mib)   # < 1 GiB left
    assert not solve_mod.near_limit(10 * gib, 4, used=10 * gib - 1100 * mib)
    assert solve_mod.near_limit(10 * gib, 0.01, used=10 * gib - 15 * mib)  # < 16 MiB left
    assert not solve_mod.near_limit(10 * gib, 0.01, used=10 * gib - 17 * mib)
    assert not solve_mod.near_limit(None, 4, used=0)
    assert not solve_mod.near_limit(10 * gib, None, used=10 * gib)


class _SaysSolveError(solve_mod._HiGHS):
    """A HiGHS run that fails the way HiGHS reports a failed allocation it caught itself:
    no exception, only the model status "Solve error"."""

    def actualSolve(self, lp, **_):
        self.info = {"model_status": "Solve error"}
        return 0


def test_a_failed_run_near_the_memory_limit_is_reported_as_out_of_memory(ds, scores):
    """HiGHS catches some failed allocations and ends with "Solve error": near the limit
    that is running out of memory (the message that says what to do), far from it an
    error like any other."""
    model = Planner(ds, scores).model
    kind, _ = solve_mod._run_highs_guarded(model, _SaysSolveError(), 60, memory_gb=0.0001)
    assert kind == "memory"
    kind, info = solve_mod._run_highs_guarded(model, _SaysSolveError(), 60, memory_gb=64)
    assert kind == "ok" and info["model_status"] == "Solve error"

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
    planner.quick()
    print(json.dumps(None))
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
    assert said is not None, "the solve fitted in 0.0001 GiB"
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

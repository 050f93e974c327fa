"""The solver's process has a memory limit (Solver.memory_limit_gb, applied in the forked
HiGHS process): a solve that needs more ends with a message in both languages (what
happened, what to do), not a traceback; a limit the solve fits in changes nothing."""

from __future__ import annotations

import os

import pytest

from planning.model import ModelError, ModelSettings, Planner, Solver
from planning.model import solve as solve_mod

pytestmark = pytest.mark.skipif(os.name != "posix" or not solve_mod.ISOLATE_HIGHS,
                                reason="the limit applies to the forked solver process")


def test_a_tiny_memory_limit_gives_the_message_not_a_crash(ds, scores):
    settings = ModelSettings(solver=Solver(gap=0.01, memory_limit_gb=0.0001))
    planner = Planner(ds, scores, settings)
    with pytest.raises(ModelError) as caught:
        planner.quick()
    exc = caught.value
    assert exc.key == "model.out_of_memory"
    assert exc.params["villages"] == len(planner.instance.villages)
    english, bahasa = exc.render("en"), exc.render("id")
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

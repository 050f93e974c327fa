"""The kept model (planning.model.kept): solves in one HiGHS object that only changes in
place must give what a fresh model gives, checked against exhaustive enumeration on tiny
instances and against the independent recomputation on the shipped data."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from planning.model import Planner, build_model, check_plan, evaluate
from planning.model.kept import KeptModel, neighbourhood, replan
from tests.test_model_tiny import brute_force, enumerate_plans, tiny_instance

TINY = [(seed, 3, 3) for seed in range(4)] + [(seed, 4, 4) for seed in range(4, 7)]


def _with_pagu(inst, pagu: pd.Series):
    return dataclasses.replace(inst, pagu=pagu, settings=inst.settings.model_copy(
        update={"pagu": pagu.to_dict()}))


@pytest.mark.parametrize(("seed", "n_v", "n_p"), TINY)
def test_a_kept_model_with_a_changed_pagu_finds_the_enumerated_best(seed, n_v, n_p):
    inst = tiny_instance(seed, n_v, n_p)
    m = build_model(inst)
    kept = KeptModel(m, inst.settings.solver)
    first = kept.solve()
    assert first.objective == pytest.approx(brute_force(inst), abs=1e-6)
    for factor in (0.6, 1.4, 1.0):  # change the pagu in place, then back
        pagu = (inst.pagu * factor).round(1)
        changed = _with_pagu(inst, pagu)
        for agency, value in pagu.items():
            m.set_rhs(f"pagu_{agency}", float(value))
        m.instance = changed
        kept.sync([f"pagu_{a}" for a in pagu.index])
        report = kept.solve()
        best = brute_force(changed)
        if best is None:
            assert report.status == "infeasible"
            continue
        assert report.objective == pytest.approx(best, abs=1e-6)
        plan = replan(kept).units
        assert evaluate(changed, plan).objective == pytest.approx(best, abs=1e-6)
        assert check_plan(changed, plan) == []


@pytest.mark.parametrize(("seed", "n_v", "n_p"), TINY[:4])
def test_an_extended_plan_keeps_everything_the_previous_plan_had(seed, n_v, n_p):
    inst = tiny_instance(seed, n_v, n_p)
    m = build_model(inst)
    kept = KeptModel(m, inst.settings.solver)
    before = replan(kept)
    if not before.is_plan:  # then there is none at all
        assert brute_force(inst) is None
        return
    pagu = (inst.pagu * 1.5).round(1)
    for agency, value in pagu.items():
        m.set_rhs(f"pagu_{agency}", float(value))
    m.instance = _with_pagu(inst, pagu)
    kept.sync()
    report = kept.solve(bounds=neighbourhood(kept, before.units, "extend"))
    from planning.model.extract import model_units

    after = model_units(m).set_index(["village", "program"])["units"]
    for row in before.units.itertuples(index=False):
        assert after.get((row.village, row.program), 0) >= row.units
    assert report.objective >= before.report.objective - 1e-9
    # the best plan that extends the previous one, by enumeration
    found = enumerate_plans(m.instance)
    keys = list(zip(m.instance.pairs["village"], m.instance.pairs["program"], strict=True))
    old = before.units.set_index(["village", "program"])["units"]
    extends = found["ok"].copy()
    for i, key in enumerate(keys):
        extends &= found["units"][:, i] >= old.get(key, 0)
    assert report.objective == pytest.approx(float(found["objective"][extends].max()),
                                             abs=1e-6)


@pytest.fixture(scope="module")
def baseline():
    from planning.pipeline.preparing import prepare

    return prepare("scenarios/baseline.yaml", check_out=False)


def test_a_replan_after_a_pagu_change_keeps_every_rule_and_repeats_exactly(baseline):
    """The same change re-planned twice, with other solves between, gives the same plan;
    the plan keeps every rule of the changed scenario (checked by the independent
    recomputation) and its certified gap meets the scenario's target."""
    from tests.model_checker import recompute

    planner = Planner(baseline.dataset, baseline.scores, baseline.settings)
    kept = KeptModel(planner.model, planner.settings.solver)
    base = replan(kept)
    assert base.report.gap <= baseline.settings.solver.gap + 1e-9
    agency = "PUTR"
    value = float(planner.instance.pagu[agency]) * 0.7
    runs = []
    for _ in range(2):
        kept.sync(planner.set_budgets({agency: value}, check=False))
        runs.append(replan(kept, base.units, hold="fix",
                           free=lambda v, p: planner.instance.programs.set_index("code").at[
                               p, "agency"] == agency))
        kept.sync(planner.set_budgets({agency: float(baseline.settings.pagu[agency])},
                                      check=False))
        replan(kept)  # something else solved between the two runs
    first, second = runs
    pd.testing.assert_frame_equal(first.units, second.units)
    assert first.report.gap <= baseline.settings.solver.gap + 1e-9
    assert first.quick.gap <= 0.02 + 1e-9
    settings = baseline.settings.model_copy(update={"pagu": {**baseline.settings.pagu,
                                                             agency: value}})
    plan = evaluate(planner.instance, first.units).plan  # any instance: units and cost
    checked = recompute(baseline.data_dir, baseline.scores.table, settings, plan)
    assert checked["violations"] == []
    assert checked["objective"] == pytest.approx(first.report.objective, rel=1e-9)
    spent = plan.loc[plan["agency"] == agency, "cost"].sum()
    assert spent <= value + 1e-6


def test_the_kept_lp_relaxation_gives_the_watched_solvers_bound(baseline):
    """``Planner.quick(kept=True)`` (the LP on the kept model in this process, as a region's
    curve makes it) gives the bound of a fresh hand-over to the watched solver process,
    at today's pagu and after every pagu is changed, and its quick plan keeps every rule."""
    planner = Planner(baseline.dataset, baseline.scores, baseline.settings)
    today = {a: float(v) for a, v in baseline.settings.pagu.items()}
    for factor in (1.0, 0.7, 1.3):
        planner.set_budgets({a: v * factor for a, v in today.items()}, check=False)
        quick_kept, lp_kept = planner.quick(kept=True)
        _, lp_fresh = planner.quick()
        assert lp_kept.status == lp_fresh.status == "optimal"
        assert lp_kept.objective == pytest.approx(lp_fresh.objective, rel=1e-7)
        assert quick_kept.best is not None
        assert not check_plan(planner.instance, quick_kept.best)
        assert quick_kept.best_objective <= lp_kept.objective + 1e-6


@pytest.mark.parametrize(("seed", "n_v", "n_p"), TINY[:3])
def test_lifting_and_heuristic_effort_reach_highs_on_both_paths_and_the_best_is_kept(
        seed, n_v, n_p, monkeypatch):
    """``solver.lifting_for_probing`` (HiGHS's ``mip_lifting_for_probing``) and
    ``solver.heuristic_effort`` (``mip_heuristic_effort``) are handed to HiGHS by the kept
    model and by ``solve_model``, and with them both still find the enumerated best plan;
    a caller's own effort (``heuristics=``) still overrides the scenario's."""
    from planning.model import solve as solve_mod

    inst = tiny_instance(seed, n_v, n_p)
    solver = inst.settings.solver.model_copy(update={"lifting_for_probing": 1,
                                                     "heuristic_effort": 0.3})
    inst = dataclasses.replace(inst, settings=inst.settings.model_copy(
        update={"solver": solver}))
    best = brute_force(inst)
    kept = KeptModel(build_model(inst), solver)
    report = kept.solve()

    def option(name):
        value = kept.h.getOptionValue(name)
        return value[1] if isinstance(value, tuple) else value

    assert option("mip_lifting_for_probing") == 1
    assert option("mip_heuristic_effort") == pytest.approx(0.3)
    assert report.objective == pytest.approx(best, abs=1e-6)
    kept.solve(heuristics=0.1)
    assert option("mip_heuristic_effort") == pytest.approx(0.1)

    seen = []

    class Spy(solve_mod._HiGHS):
        def __init__(self, *args, **kwargs):
            seen.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(solve_mod, "_HiGHS", Spy)
    fresh = solve_mod.solve_model(build_model(inst), solver)
    assert seen and all(k["mip_lifting_for_probing"] == 1 for k in seen)
    assert all(k["mip_heuristic_effort"] == pytest.approx(0.3) for k in seen)
    assert fresh.objective == pytest.approx(best, abs=1e-6)

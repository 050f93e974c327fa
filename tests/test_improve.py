"""The local search on a plan (:mod:`planning.model.improve`) against exhaustive
enumeration on tiny instances (its value and its rule check for every combination of
units, its moves never leaving the plans that keep every rule), against the plan checker
on the shipped scenarios, and in the re-plan after a pagu change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planning.model import Planner, check_plan, evaluate
from planning.model.improve import LocalSearch, improve_plan
from planning.model.kept import KeptModel, improved_start, replan, start_values
from planning.pipeline.preparing import prepare

from .conftest import DATA, ROOT
from .model_checker import recompute
from .test_model_tiny import BALANCED, CASES, balanced_instance, enumerate_plans, tiny_instance

TINY = [("plain", case) for case in CASES] + [("balanced", case) for case in BALANCED]


def _instance(kind: str, case: tuple):
    return tiny_instance(*case) if kind == "plain" else balanced_instance(*case)


@pytest.mark.parametrize(("kind", "case"), TINY)
def test_value_and_rules_agree_with_enumeration_on_every_plan(kind, case):
    """For every combination of units of a tiny instance: the search's value is the
    enumeration's objective (written from the documented formulas), and it finds a rule
    broken exactly where the enumeration's rules do."""
    inst = _instance(kind, case)
    found = enumerate_plans(inst)
    search = LocalSearch(inst)
    for row, units in enumerate(found["units"].astype(int)):
        effect = search.value(units)
        assert effect.objective == pytest.approx(found["objective"][row], rel=1e-9,
                                                  abs=1e-9)
        assert (search.broken(units) is None) == bool(found["ok"][row]), units


@pytest.mark.parametrize(("kind", "case"), TINY)
def test_the_search_only_climbs_and_keeps_every_rule(kind, case):
    """From every plan that keeps every rule the search ends at one that does too (by the
    enumeration), never worth less than the start and never more than the best."""
    inst = _instance(kind, case)
    found = enumerate_plans(inst)
    ok = np.flatnonzero(found["ok"])
    if not len(ok):  # no plan keeps every rule (the test above checks it)
        return
    best = found["objective"][ok].max()
    rows = {tuple(u): i for i, u in enumerate(found["units"].astype(int))}
    search = LocalSearch(inst)
    for row in ok:
        start = found["units"][row].astype(int)
        end, value = search.improve(start)
        end_row = rows[tuple(end)]
        assert found["ok"][end_row]
        assert value == pytest.approx(found["objective"][end_row], rel=1e-9, abs=1e-9)
        assert found["objective"][row] - 1e-9 <= value <= best + 1e-9


def test_the_search_is_not_idle_on_tiny_instances():
    """Across the tiny instances the search often climbs from a plan that keeps every
    rule, and often reaches the enumerated best: the test above is not vacuous."""
    climbed = reached = starts = 0
    for kind, case in TINY:
        inst = _instance(kind, case)
        found = enumerate_plans(inst)
        ok = np.flatnonzero(found["ok"])
        if not len(ok):
            continue
        best = found["objective"][ok].max()
        search = LocalSearch(inst)
        for row in ok[:: max(1, len(ok) // 20)]:
            starts += 1
            _, value = search.improve(found["units"][row].astype(int))
            climbed += value > found["objective"][row] + 1e-9
            reached += value >= best - 1e-9
    assert starts > 200
    assert climbed > starts // 4
    assert reached > starts // 10


def test_improve_plan_returns_none_when_nothing_is_better():
    """From the enumerated best plan there is nothing better: no plan is returned."""
    for case in CASES:
        inst = tiny_instance(*case)
        found = enumerate_plans(inst)
        ok = np.flatnonzero(found["ok"])
        if len(ok) > 10:
            break
    best = found["units"][ok[np.argmax(found["objective"][ok])]].astype(int)
    search = LocalSearch(inst)
    assert improve_plan(inst, search.plan(best)) is None


@pytest.fixture(scope="module")
def baseline():
    prep = prepare(ROOT / "scenarios" / "baseline.yaml", check_out=False)
    planner = Planner(prep.dataset, prep.scores, prep.settings)
    kept = KeptModel(planner.model, planner.settings.solver)
    return prep, planner, kept, replan(kept)


@pytest.mark.parametrize("name", ["baseline", "kunci-politik"])
def test_rules_agree_with_the_plan_checker_near_a_shipped_plan(name):
    """Plans a few moves from a shipped scenario's greedy plan (locks included in
    kunci-politik): the search names a rule broken exactly when the plan checker finds
    one, a rule the checker names too, and its value is evaluate's."""
    from planning.model import build_instance, greedy_plan

    prep = prepare(ROOT / "scenarios" / f"{name}.yaml", check_out=False)
    inst = build_instance(prep.dataset, prep.scores.table, prep.settings)
    search = LocalSearch(inst)
    start = search.units(greedy_plan(inst))
    rng = np.random.default_rng(7)
    kept_rules = 0
    for _ in range(150):
        u = start.copy()
        for i in rng.integers(search.n, size=int(rng.integers(1, 4))):
            step = rng.choice([-1, 1]) if u[i] else max(search.lo[i], 1)
            u[i] = max(0, u[i] + step) if rng.random() < 0.8 else 0
        plan = search.plan(u)
        named = {b.rule for b in check_plan(inst, plan)}
        mine = search.broken(u)
        assert (mine is None) == (not named)
        assert mine is None or mine in named
        kept_rules += mine is None
        assert search.value(u).objective == pytest.approx(evaluate(inst, plan).objective,
                                                          rel=1e-9)
    assert 0 < kept_rules < 150


def test_improve_plan_raises_the_greedy_plan_of_the_baseline_as_a_reviewer_checks():
    """The greedy plan of the shipped baseline, improved: the independent checker (pandas
    over the data set's files) finds no rule broken and a higher objective; the same
    plan on a second run."""
    from planning.model import build_instance, greedy_plan

    prep = prepare(ROOT / "scenarios" / "baseline.yaml", check_out=False)
    scores = prep.scores.table
    inst = build_instance(prep.dataset, scores, prep.settings)
    greedy = greedy_plan(inst)
    better = improve_plan(inst, greedy)
    assert better is not None
    before = recompute(DATA, scores, prep.settings, greedy)
    after = recompute(DATA, scores, prep.settings, better)
    assert after["violations"] == []
    assert after["objective"] > before["objective"] * 1.02
    pd.testing.assert_frame_equal(better, improve_plan(inst, greedy))


def test_keeps_rows_reads_the_model_as_it_stands(baseline):
    """The kept model's row check: the plan's own values keep every row; one unit more
    than a lowered pagu allows, or a unit above a column's bound, does not."""
    _prep, planner, kept, base = baseline
    values = start_values(planner.instance, base.units)
    assert kept.keeps_rows(values)
    spend = evaluate(planner.instance, base.units).spend_by_agency
    agency = str(spend.idxmax())
    today = float(planner.instance.pagu[agency])
    kept.sync(planner.set_budgets({agency: float(spend[agency]) - 1.0}, check=False))
    try:
        assert not kept.keeps_rows(values)
    finally:
        kept.sync(planner.set_budgets({agency: today}, check=False))
    assert kept.keeps_rows(values)
    x = next(iter(planner.model.x.values()))
    assert not kept.keeps_rows({**values, x.name: kept.col_upper[kept.column[x.name]] + 1})


def test_the_improved_start_is_a_better_plan_the_model_accepts(baseline):
    """From the greedy plan loaded into the kept model: the improved start is worth more
    (the model's objective), keeps every row of the model and every rule, and keeps
    columns held at 0 (a village left out) when they are held."""
    from planning.model import greedy_plan
    from planning.model.best import load_values
    from planning.model.kept import _value

    _prep, planner, kept, base = baseline
    inst = planner.instance
    greedy = start_values(inst, greedy_plan(inst))
    load_values(kept.m, greedy)
    try:
        worth = _value(kept, greedy)
        better = improved_start(kept, worth, {})
        assert better is not None and _value(kept, better) > worth
        assert kept.keeps_rows(better)
        plan = pd.DataFrame([(v, p, round(better[x.name])) for (v, p), x
                             in planner.model.x.items() if better.get(x.name, 0) > 0.5],
                            columns=["village", "program", "units"])
        assert check_plan(inst, plan) == []
        # a held column the improvement would move: the start is refused
        moved = [x for x in planner.model.x.values()
                 if better.get(x.name, 0.0) != greedy.get(x.name, 0.0)]
        col = kept.column[moved[0].name]
        held = {col: (greedy.get(moved[0].name, 0.0),) * 2}
        assert improved_start(kept, worth, held) is None
    finally:
        load_values(kept.m, start_values(inst, base.units))


def test_a_replan_after_a_pagu_change_ends_within_the_gap_from_the_improved_start(baseline):
    """A pagu change whose first certified plan is above the scenario's gap (DP2KBP3A's
    pagu x 1.25): the second solve, started from the improved plan, ends within the gap
    with a plan that keeps every rule, and the same plan on a second run."""
    _prep, planner, kept, base = baseline
    today = float(planner.instance.pagu["DP2KBP3A"])
    programs = planner.instance.programs
    mine = set(programs.loc[programs["agency"] == "DP2KBP3A", "code"])
    gap = planner.settings.solver.gap
    kept.sync(planner.set_budgets({"DP2KBP3A": today * 1.25}, check=False))
    try:
        runs = [replan(kept, base.units, hold="fix", free=lambda _v, p: p in mine)
                for _ in range(2)]
        assert runs[0].quick.gap > gap  # the path with the second solve
        assert runs[0].report.gap <= gap + 1e-9
        assert check_plan(planner.instance, runs[0].units) == []
    finally:
        kept.sync(planner.set_budgets({"DP2KBP3A": today}, check=False))
    pd.testing.assert_frame_equal(runs[0].units, runs[1].units)


def test_a_curve_point_the_root_leaves_above_the_gap_is_improved_and_certified_again(
        baseline, monkeypatch):
    """A budget-curve point (all pagu x 1.04 from the plan at x 1.02, as the curve's
    chain goes; solved to the root): the root's plan is above the 1 % gap, the local
    search improves it (source ``improved``), and the point reports the improved plan's
    own value (evaluate), a gap against the same bound, and a smaller gap than without the
    search; every rule kept."""
    import planning.model.kept as kept_module
    from planning.analysis.rakor.curves import UP, scaled_pagu, solve_point

    _prep, planner, kept, base = baseline
    today = planner.instance.pagu.astype(float).copy()
    try:
        below = solve_point(planner, kept, scaled_pagu(today, 1.02), 1.02, base.units, UP)
        with monkeypatch.context() as m:
            m.setattr(kept_module, "improved_start", lambda *_a, **_k: None)
            plain = solve_point(planner, kept, scaled_pagu(today, 1.04), 1.04, below.units,
                                UP)
        point = solve_point(planner, kept, scaled_pagu(today, 1.04), 1.04, below.units, UP)
        assert check_plan(planner.instance, point.units) == []
        worth = evaluate(planner.instance, point.units).objective
    finally:
        kept.sync(planner.set_budgets({a: float(v) for a, v in today.items()}, check=False))
    assert plain.gap > planner.settings.solver.gap
    assert point.source == "improved"
    assert point.objective == pytest.approx(worth, rel=1e-9)
    assert point.bound == pytest.approx(plain.bound, rel=1e-9)
    assert point.gap == pytest.approx((point.bound - worth) / point.bound, rel=1e-9)
    assert point.gap < plain.gap


def test_an_instance_above_the_size_limit_is_not_searched(monkeypatch):
    """Above MAX_PAIRS pairs the search is skipped (the exchanges grow with the square of
    an agency's pairs): the same greedy plan it improves at the limit gives None above."""
    import planning.model.improve as improve
    from planning.model import build_instance, greedy_plan

    prep = prepare(ROOT / "scenarios" / "baseline.yaml", check_out=False)
    inst = build_instance(prep.dataset, prep.scores.table, prep.settings)
    greedy = greedy_plan(inst)
    monkeypatch.setattr(improve, "MAX_PAIRS", len(inst.pairs))
    assert improve_plan(inst, greedy) is not None
    monkeypatch.setattr(improve, "MAX_PAIRS", len(inst.pairs) - 1)
    assert improve_plan(inst, greedy) is None

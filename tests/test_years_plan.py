"""The shipped multi-year scenario (scenarios/rpjmd-2026-2030.yaml) planned and checked
independently (tests/years_checker.py: pandas over the plan's rows and the data set's
CSV files), then re-planned after a recorded first year with works not done (also from
the plan made before, ``focus_guess``)."""

from __future__ import annotations

import pandas as pd
import pytest

from planning.model.years import plan_years, previous_focus
from tests.years_checker import breaches


@pytest.fixture(scope="module")
def shipped(rpjmd_run):
    return rpjmd_run.prepared, rpjmd_run.plan


def _check(prepared, plan) -> list[str]:
    horizon = prepared.settings.horizon
    return breaches(plan.units, plan.removed, plan.focus, prepared.dataset.path,
                    horizon.pagu, horizon.inflow_pct)


def test_every_year_keeps_its_pagu_and_works_continue(shipped):
    prepared, plan = shipped
    assert plan.report.is_plan and plan.report.gap <= prepared.settings.solver.gap + 1e-9
    assert plan.years == [2026, 2027, 2028, 2029, 2030]
    assert _check(prepared, plan) == []
    # works of two years exist, and each started one runs its second year
    long = plan.units[plan.units["duration"] > 1]
    assert (long["started"] > 0).any()
    # the objective recomputed from the rows equals the solver's
    assert plan.objective_recomputed == pytest.approx(plan.report.objective, rel=1e-6)
    # progress toward every target, every year
    assert set(plan.targets["year"]) == set(plan.years)
    assert len(plan.targets) == len(prepared.settings.horizon.targets) * len(plan.years)


def test_focus_villages_follow_the_deprivations_left(shipped):
    _prepared, plan = shipped
    focus = plan.focus
    per_year = focus[focus["selected"]].groupby("year")["code"].count()
    assert (per_year == 27).all()  # the same rule every year: 3 per kecamatan
    moved = focus[focus["change"].isin(["enters", "graduates"])]
    assert len(moved) > 0 and set(moved["year"]) <= set(plan.years[1:])
    # a village graduates only where another of its kecamatan enters
    for (_year, _kec), rows in moved.groupby(["year", "kecamatan_code"]):
        assert (rows["change"] == "enters").sum() == (rows["change"] == "graduates").sum()


def test_replan_after_a_recorded_year_keeps_history_and_commitments(shipped):
    prepared, plan = shipped
    first = plan.units[plan.units["year"] == 2026]
    history = first[["year", "village", "program", "started", "units"]].copy()
    # the three costliest works of 2026 not done, one partly done
    order = first.sort_values(["cost", "village", "program"], ascending=[False, True, True])
    not_done = order.index[:3]
    history.loc[not_done, ["started", "units"]] = 0
    partly = order.index[3]
    if history.at[partly, "units"] > 1:
        half = int(history.at[partly, "units"]) // 2
        history.loc[partly, ["units", "started"]] = half
    again = plan_years(prepared.dataset, prepared.scores, prepared.settings,
                       prepared.loaded.scenario.scoring, history=history)
    assert again.planned == [2027, 2028, 2029, 2030]
    kept = again.units[again.units["year"] == 2026].set_index(["village", "program"])
    wanted = history[history["units"] > 0].set_index(["village", "program"])
    assert kept["units"].to_dict() == wanted["units"].to_dict()
    assert kept["recorded"].all()
    # works of two years started in 2026 continue in 2027 with their units
    long = wanted[wanted.index.get_level_values(1).map(
        prepared.dataset.programs.set_index("code")["duration"]) > 1]
    later = again.units[again.units["year"] == 2027].set_index(["village", "program"])
    for key, row in long.iterrows():
        assert later.at[key, "units"] >= row["started"]
    assert _check(prepared, again) == []


def test_replan_from_the_plan_before_keeps_every_rule_and_repeats(shipped):
    """A re-plan given the plan made before (its focus villages) starts its later years from
    that plan's focus villages: its plan keeps every rule (the independent checker), the
    recorded year as recorded, every year's focus villages by the same rule, and a second
    run gives the same plan."""
    prepared, plan = shipped
    first = plan.units[plan.units["year"] == 2026]
    history = first[["year", "village", "program", "started", "units"]].copy()
    order = first.sort_values(["cost", "village", "program"], ascending=[False, True, True])
    history.loc[order.index[:3], ["started", "units"]] = 0  # not done
    history = history[history["units"] > 0]
    runs = [plan_years(prepared.dataset, prepared.scores, prepared.settings,
                       prepared.loaded.scenario.scoring, history=history,
                       focus_guess=previous_focus(plan))
            for _ in range(2)]
    again = runs[0]
    assert again.planned == [2027, 2028, 2029, 2030]
    assert again.report.is_plan and again.report.gap <= prepared.settings.solver.gap + 1e-9
    assert _check(prepared, again) == []
    kept = again.units[again.units["year"] == 2026].set_index(["village", "program"])
    assert kept["units"].to_dict() == history.set_index(["village", "program"])[
        "units"].to_dict()
    focus = again.focus[again.focus["selected"]]
    assert (focus.groupby("year")["code"].count() == 27).all()
    assert (focus.groupby(["year", "kecamatan_code"])["code"].count() == 3).all()
    # the same plan on a second run: rows, focus villages and objective
    pd.testing.assert_frame_equal(runs[0].units, runs[1].units)
    pd.testing.assert_frame_equal(runs[0].focus, runs[1].focus)
    assert runs[0].report.objective == runs[1].report.objective


def test_previous_focus_is_the_plans_selected_villages(shipped):
    _prepared, plan = shipped
    guess = previous_focus(plan)
    assert sorted(guess) == plan.years
    for t, codes in guess.items():
        rows = plan.focus[(plan.focus["year"] == t) & plan.focus["selected"]]
        assert codes == sorted(rows["code"].astype(str)) and len(codes) == 27


def test_a_guess_whose_first_step_has_no_plan_is_dropped(shipped):
    """A re-plan given focus villages that cannot hold the rules (one village a year: the
    village share cap of 8 % cannot hold when one village takes all the money) drops the
    guess after the first step and plans as without it: the same plan."""
    prepared, plan = shipped
    first = plan.units[plan.units["year"] == 2026]
    history = first[["year", "village", "program", "started", "units"]].copy()
    one = sorted(first["village"].astype(str))[0]
    args = (prepared.dataset, prepared.scores, prepared.settings,
            prepared.loaded.scenario.scoring)
    guessed = plan_years(*args, history=history,
                         focus_guess={t: [one] for t in plan.years[1:]})
    plain = plan_years(*args, history=history)
    assert guessed.report.is_plan and _check(prepared, guessed) == []
    pd.testing.assert_frame_equal(guessed.units, plain.units)
    pd.testing.assert_frame_equal(guessed.focus, plain.focus)
    assert guessed.report.objective == plain.report.objective

"""The allocation model on the shipped Buleleng data, checked by an independent
recomputation (tests/model_checker.py) rather than by the model's own numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planning.model import (
    Lock,
    ModelError,
    ModelSettings,
    Rules,
    Solver,
    allocate,
    available_solvers,
    build_instance,
    build_model,
    extract,
    solve_model,
)
from planning.model.build import LE
from planning.report.folder import csv_bytes
from tests.model_checker import recompute


@pytest.fixture(scope="module")
def baseline(ds, scores):
    return allocate(ds, scores)


def check(ds, scores, settings, allocation):
    assert allocation.is_plan, allocation.report
    plan = allocation.tables.plan
    result = recompute(ds.path, scores, settings, plan)
    assert result["violations"] == []
    assert result["objective"] == pytest.approx(allocation.report.objective, rel=1e-6)
    return result


def test_baseline_plan_keeps_every_rule(ds, scores, baseline):
    result = check(ds, scores, ModelSettings(), baseline)
    report = baseline.report
    assert report.status == "optimal" and report.gap <= report.gap_target + 1e-9
    assert report.objective <= report.bound + 1e-6
    assert report.solver == "highs" and report.solver_version
    # every focus village gets at least one programme, and money is actually spent
    focus = scores.loc[scores["selected"], "code"]
    assert set(baseline.tables.plan["village"]) == set(focus)
    assert result["total"] > 0.9 * ds.agencies["pagu"].sum()


def test_unit_weights_make_the_objective_the_count_of_deprivations_removed(ds, scores):
    settings = ModelSettings(rules=Rules(priority_weights=False, effectiveness=False,
                                         synergy=False))
    allocation = allocate(ds, scores, settings)
    result = check(ds, scores, settings, allocation)
    plan = allocation.tables.plan
    # by hand: households reached = beneficiaries_per_unit * units, capped per dimension
    programs = ds.programs.set_index("code")
    reached = (plan["program"].map(programs["beneficiaries_per_unit"]) * plan["units"]
               ).groupby([plan["village"], plan["dimension"]]).sum()
    counts = ds.dimensions.set_index("group")["count_indicator"]
    indicators = ds.indicators.set_index("code")
    by_hand = sum(min(value, indicators.at[v, counts[d]]) for (v, d), value in
                  reached.items())
    assert allocation.report.objective == pytest.approx(by_hand, rel=1e-6)
    assert allocation.tables.totals["deprivations_removed"] == pytest.approx(by_hand)
    assert result["removed"] == pytest.approx(by_hand)


def test_result_tables_add_up(ds, baseline):
    t = baseline.tables
    plan = t.plan
    assert (plan["cost"] == plan["unit_cost"] * plan["units"] + plan["fixed_cost"]).all()
    used = plan.groupby("agency")["cost"].sum()
    agencies = t.agencies.set_index("agency")
    assert np.allclose(agencies["used"], used.reindex(agencies.index, fill_value=0))
    pagu = ds.agencies.set_index("code")["pagu"]
    assert np.allclose(agencies["pagu"], pagu.reindex(agencies.index))
    assert np.allclose(agencies["share_used"], agencies["used"] / agencies["pagu"])
    kec = t.kecamatan.set_index("kecamatan_code")["cost"]
    by_kec = plan.groupby("kecamatan_code")["cost"].sum()
    assert np.allclose(kec, by_kec.reindex(kec.index, fill_value=0))
    villages = t.villages.set_index("village")
    assert np.allclose(villages["cost"], plan.groupby("village")["cost"].sum().reindex(
        villages.index, fill_value=0))
    for d in ds.dimensions["group"]:
        assert ((villages[f"after_{d}"] - (villages[f"deprived_{d}"] - villages[
            f"removed_{d}"])).abs() < 1e-9).all()
        assert (villages[f"after_{d}"] >= -1e-9).all()
    assert t.totals["cost"] == pytest.approx(plan["cost"].sum())
    assert t.totals["deprivations_removed"] == pytest.approx(t.dimensions["removed"].sum())
    assert list(plan.columns[:5]) == ["village", "village_name", "kecamatan_code",
                                      "kecamatan", "program"]


def test_baselines_are_measured_and_beaten(ds, scores, baseline):
    b = baseline.tables.baselines.set_index("plan")
    assert list(b.index) == ["optimal", "greedy", "equal_split"]
    # the greedy plan keeps every rule here, so it is the warm start: never better
    assert b.at["greedy", "rules_broken"] == 0
    assert b.at["optimal", "objective"] >= b.at["greedy", "objective"] - 1e-6
    assert b.at["optimal", "objective"] > b.at["equal_split", "objective"]
    # the baselines' numbers are recomputed independently from their plans
    from planning.model.heuristics import equal_split_plan, greedy_plan

    for name, make in (("greedy", greedy_plan), ("equal_split", equal_split_plan)):
        units = make(baseline.instance)
        result = recompute(ds.path, scores, ModelSettings(), units)
        assert result["objective"] == pytest.approx(b.at[name, "objective"], rel=1e-9)
        spend = result["spend"]
        assert (spend <= ds.agencies.set_index("code")["pagu"].reindex(spend.index)
                + 1e-6).all()
    assert baseline.greedy_gap is not None and 0 <= baseline.greedy_gap < 0.2
    assert baseline.lp_bound >= baseline.report.bound - 1e-6


def test_same_inputs_same_plan_same_order(ds, scores, baseline):
    again = allocate(ds, scores)
    for name in ("plan", "agencies", "kecamatan", "villages", "baselines"):
        assert csv_bytes(getattr(again.tables, name)) == csv_bytes(
            getattr(baseline.tables, name)), name


def test_more_pagu_never_lowers_the_bound(ds, scores, baseline):
    richer = ModelSettings(pagu={"PERKIMTA": 1500 * 1.5, "PUTR": 2400 * 1.2})
    allocation = allocate(ds, scores, richer)
    check(ds, scores, richer, allocation)
    assert allocation.report.bound >= baseline.report.objective - 1e-6
    assert allocation.tables.totals["cost"] <= 9000 + 750 + 480 + 1e-6


def test_locks_and_switches_are_honoured(ds, scores, baseline):
    plan = baseline.tables.plan
    used = plan.iloc[0]
    unused_village = sorted(set(plan["village"]) - set(plan.loc[
        plan["program"] == "DINKES-POSYANDU", "village"]))[0]
    locks = [Lock(village=used["village"], program=used["program"], state="out"),
             Lock(village=unused_village, program="DINKES-POSYANDU", units=2)]
    settings = ModelSettings(locks=locks, rules=Rules(min_programs_per_village=2,
                                                      village_max_share=0.1,
                                                      kecamatan_min_share=0.05,
                                                      district_ceiling=8500),
                             solver=Solver(gap=0.01))
    allocation = allocate(ds, scores, settings)
    check(ds, scores, settings, allocation)
    out = allocation.tables.plan
    assert not ((out["village"] == used["village"]) & (out["program"] == used["program"])).any()
    row = out[(out["village"] == unused_village) & (out["program"] == "DINKES-POSYANDU")]
    assert row["units"].tolist() == [2]
    assert out.groupby("village")["program"].nunique().min() >= 2


FEASIBLE_GENERATED = [0, 1, 2, 3]
"""Which of the four seeded scenarios below have a plan (computed once: all four do).
A change of the model, the generator or the data that makes one infeasible fails the
test instead of letting it skip the checker."""


def test_generated_scenarios_pass_the_independent_checker(ds, scores):
    rng = np.random.default_rng(7)
    codes = scores["code"].tolist()
    planned, infeasible = [], []
    for i in range(4):
        villages = sorted(rng.choice(codes, size=int(rng.integers(8, 30)), replace=False))
        pagu = {a: float(round(p * rng.uniform(0.3, 1.5), 1))
                for a, p in ds.agencies.set_index("code")["pagu"].items()}
        rules = Rules(min_programs_per_village=int(rng.integers(0, 3)),
                      village_max_share=[None, 0.2][i % 2],
                      kecamatan_min_share=[None, 0.02][i // 2],
                      dimension_weights={"housing": float(rng.uniform(0.5, 3))},
                      effectiveness_floor=float(rng.uniform(0, 1)),
                      priority_strength=float(rng.uniform(0, 3)))
        settings = ModelSettings(villages=list(villages), pagu=pagu, rules=rules,
                                 solver=Solver(gap=0.02))
        allocation = allocate(ds, scores, settings)
        if allocation.report.status == "infeasible":
            assert not allocation.is_plan and allocation.tables is None
            assert allocation.explanation.conflicting_rules, i
            infeasible.append(i)
            continue
        check(ds, scores, settings, allocation)
        assert allocation.tables.plan["units"].sum() > 0, i
        planned.append(i)
    assert planned == FEASIBLE_GENERATED
    assert infeasible == sorted(set(range(4)) - set(FEASIBLE_GENERATED))


def test_readable_names_and_custom_rule(ds, scores):
    instance = build_instance(ds, scores)
    village = instance.villages["code"].iloc[0]

    def at_most_four_rtlh(m):
        keys = [k for k in m.x if k[1] == "PKM-RTLH"]
        m.constrain("custom_rtlh_total", [(m.x[k], 1) for k in keys], LE, 4, "custom")

    m = build_model(instance, custom=[at_most_four_rtlh])
    assert {"pagu_PERKIMTA", f"units_max_PKM-RTLH_{village}", f"coverage_{village}",
            f"saturation_housing_{village}", "custom_rtlh_total"} <= set(m.rows)
    assert m.rows["pagu_PERKIMTA"].agency == "PERKIMTA"
    report = solve_model(m)
    tables = extract(m, report)
    assert tables.plan.loc[tables.plan["program"] == "PKM-RTLH", "units"].sum() <= 4
    unconstrained = allocate(ds, scores).tables.plan
    assert unconstrained.loc[unconstrained["program"] == "PKM-RTLH", "units"].sum() > 4


@pytest.mark.skipif("cbc" not in available_solvers(), reason="CBC is not installed")
def test_highs_and_cbc_agree_within_their_gaps(ds, scores, baseline):
    settings = ModelSettings(solver=Solver(name="cbc"))
    cbc = allocate(ds, scores, settings)
    check(ds, scores, settings, cbc)
    h, c = baseline.report, cbc.report
    assert c.solver == "cbc" and c.status == "optimal"
    assert c.objective <= h.bound + 1e-6 and h.objective <= c.bound + 1e-6
    assert abs(h.objective - c.objective) <= max(h.gap_target, c.gap_target) * max(
        h.bound, c.bound)


def test_the_model_plan_is_language_neutral_and_the_report_names_programmes(ds, scores):
    """The model's tables carry codes, never a language; the report layer adds the
    programme's name in the run's language right after its code."""
    from planning.report.labels import named_plan

    instance = build_instance(ds, scores)
    m = build_model(instance)
    plan = extract(m, solve_model(m)).plan
    assert "program_name" not in plan.columns
    names = ds.programs.set_index("code")
    for lang, column in (("en", "name_en"), ("id", "name_id")):
        named = named_plan(plan, ds.programs, lang)
        assert (named["program_name"] == named["program"].map(names[column])).all()
        assert list(named.columns) == [*plan.columns[:5], "program_name", *plan.columns[5:]]
        pd.testing.assert_frame_equal(named.drop(columns="program_name"), plan)


def test_replanning_a_kept_model_after_a_budget_change(ds, scores):
    from planning.model import Planner

    planner = Planner(ds, scores)
    first = planner.plan()
    planner.set_pagu("PERKIMTA", 1800)
    assert planner.model.rows["pagu_PERKIMTA"].rhs == 1800
    again = planner.plan()
    settings = ModelSettings(pagu={"PERKIMTA": 1800})
    fresh = allocate(ds, scores, settings)
    check(ds, scores, settings, again)
    assert csv_bytes(again.tables.plan) == csv_bytes(fresh.tables.plan)
    assert again.tables.agencies.set_index("agency").at["PERKIMTA", "pagu"] == 1800
    assert again.report.bound >= first.report.objective - 1e-6
    # the quick plan keeps every rule and its certified gap is honest
    quick = recompute(ds.path, scores, settings, again.quick)
    assert quick["violations"] == []
    assert quick["objective"] == pytest.approx(again.quick_objective, rel=1e-9)
    assert again.quick_objective <= again.lp_bound + 1e-6
    assert again.quick_gap == pytest.approx(1 - again.quick_objective / again.lp_bound)
    assert again.quick_objective >= again.greedy_objective - 1e-9
    with pytest.raises(ModelError, match="cannot be negative"):
        planner.set_pagu("PUTR", -5)
    with pytest.raises(ModelError, match="unknown agencies"):
        planner.set_pagu("NOPE", 5)


def test_wildly_different_magnitudes_are_warned_about(ds, scores):
    from planning.model import presolve

    warnings = presolve(build_instance(ds, scores, ModelSettings(pagu={"PUTR": 5e8})))
    assert "presolve.magnitudes" in {w.key for w in warnings}
    assert "juta" in warnings[-1].render("id")


def test_the_quick_plan_keeps_the_kecamatan_share(ds, scores):
    settings = ModelSettings(rules=Rules(kecamatan_min_share=0.05))
    allocation = allocate(ds, scores, settings)
    assert allocation.quick is not None and allocation.report.warm_start
    quick = recompute(ds.path, scores, settings, allocation.quick)
    assert quick["violations"] == []
    assert allocation.quick_gap == pytest.approx(
        1 - allocation.quick_objective / allocation.lp_bound)

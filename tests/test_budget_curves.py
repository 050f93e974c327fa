"""Budget curves and the marginal value of each pagu (issue 14,
planning.analysis.rakor.curves), checked by independent recomputation: every point's plan
is recomputed from the data set's CSV files with the point's pagu (tests/model_checker.py),
the curve is monotone wherever the plan below keeps every rule above (recomputed), the
marginal purchases fit in the extra pagu and keep every rule, and the LP dual is the slope
of the LP relaxation (finite differences on tiny instances)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from planning.analysis.rakor.curves import (
    Inputs,
    agency_curves,
    curve_points,
    curve_table,
    drops,
    lp_duals,
    marginal_values,
)
from planning.analysis.workers import Runner
from planning.config.model import ModelSettings, Rules, Solver
from planning.model import Planner, build_model, evaluate
from planning.model.kept import KeptModel, neighbourhood, replan

from .conftest import DATA
from .model_checker import recompute
from .test_model_tiny import tiny_instance

FACTORS = [0.6, 0.8, 1.0, 1.2, 1.4]


def small_settings(scores) -> ModelSettings:
    """Six focus villages of three kecamatan, with the share, package and absorption
    rules (so that some neighbourhoods have no plan and the fallbacks run)."""
    focus = scores[scores["selected"].astype(bool)].sort_values("code")
    villages = list(focus.groupby("kecamatan_code")["code"].apply(
        lambda c: sorted(c)[:2]).explode())[:6]
    return ModelSettings(villages=villages, rules=Rules(
        min_programs_per_village=2, kecamatan_min_share=0.3, village_max_share=0.25,
        village_min_package=50, agency_min_absorption=0.5), solver=Solver(gap=0.01))


@pytest.fixture(scope="module")
def small(ds, scores):
    settings = small_settings(scores)
    planner = Planner(ds, scores, settings)
    kept = KeptModel(planner.model, planner.settings.solver)
    base = replan(kept)
    assert base.is_plan
    points = curve_points(planner, kept, base, FACTORS)
    return settings, planner, kept, base, points


@pytest.fixture(scope="module")
def today(ds, scores):
    return Planner(ds, scores, small_settings(scores)).instance.pagu


def _with_pagu(settings: ModelSettings, pagu: dict[str, float]) -> ModelSettings:
    return settings.model_copy(update={"pagu": dict(pagu)})


def test_every_point_recomputes_to_its_objective_and_keeps_every_rule(scores, small, today):
    settings, _planner, _kept, _base, points = small
    assert [p.factor for p in points] == FACTORS
    planned = [p for p in points if p.units is not None]
    assert len(planned) >= 4  # not vacuous
    for point in planned:
        checked = recompute(DATA, scores, _with_pagu(settings, point.pagu), point.units)
        assert checked["violations"] == [], point.factor
        assert checked["objective"] == pytest.approx(point.objective, rel=1e-9)
        assert checked["total"] <= sum(point.pagu.values()) + 1e-6
        assert point.bound >= point.objective - 1e-6
        assert point.gap == pytest.approx((point.bound - point.objective) / point.bound,
                                          abs=1e-9)
    for point in points:  # the factor scales every pagu of the scenario
        for agency, value in point.pagu.items():
            assert value == pytest.approx(point.factor * today[agency])


def test_the_curve_never_drops_below_a_plan_that_still_fits(scores, small):
    """Wherever the plan of a point keeps every rule at the next point up (recomputed with
    that point's pagu), the next point's objective is at least that plan's."""
    settings, _planner, _kept, _base, points = small
    compared = 0
    for low, high in itertools.pairwise(points):
        if low.units is None:
            continue
        above = recompute(DATA, scores, _with_pagu(settings, high.pagu), low.units)
        if above["violations"]:
            continue
        compared += 1
        assert high.objective is not None
        assert high.objective >= above["objective"] - 1e-6, (low.factor, high.factor)
    assert compared >= 2  # not vacuous


def test_the_table_has_the_points_and_nan_where_there_is_no_plan(small):
    _cfg, planner, _kept, _base, points = small
    table = curve_table(planner, points)
    dims = list(planner.instance.deprived["dimension"].drop_duplicates())
    assert {"factor", "budget", "objective", "bound", "gap", "status", "source",
            "removed_total", "spent", *[f"removed_{d}" for d in dims]} <= set(table)
    for point, row in zip(points, table.itertuples(index=False), strict=True):
        assert row.budget == pytest.approx(sum(point.pagu.values()))
        if point.units is None:
            assert np.isnan(row.objective) and np.isnan(row.spent)
        else:
            ev = evaluate(planner.instance, point.units)
            assert row.removed_total == pytest.approx(ev.removed_total)
            assert row.spent == pytest.approx(float(ev.plan["cost"].sum()))
            assert sum(getattr(row, f"removed_{d}") for d in dims) == pytest.approx(
                row.removed_total)
    assert drops(table.assign(objective=[1.0, 3.0, 2.0, np.nan, 4.0])) == 1


def test_the_planner_and_kept_model_get_todays_pagu_back(small, today):
    _cfg, planner, kept, base, _points = small
    pd.testing.assert_series_equal(planner.instance.pagu, today)
    for agency, value in today.items():
        assert kept.m.constraints[f"pagu_{agency}"].getUb() == pytest.approx(value)
    again = replan(kept)
    assert again.report.objective == pytest.approx(base.report.objective, rel=1e-9)


def _same_points(these, those):
    assert [p.factor for p in these] == [p.factor for p in those]
    for a, b in zip(these, those, strict=True):
        assert (a.status, a.source, a.objective, a.bound, a.gap, a.pagu) == \
            (b.status, b.source, b.objective, b.bound, b.gap, b.pagu)
        assert (a.units is None) == (b.units is None)
        if a.units is not None:
            pd.testing.assert_frame_equal(a.units.reset_index(drop=True),
                                          b.units.reset_index(drop=True))


@pytest.mark.parametrize("workers", [1, 2])
def test_the_chains_on_dask_workers_give_the_points_made_here(ds, scores, small, workers):
    """Each chain on a worker builds its own planner and kept model: the same points,
    with one worker and with two, as made here one chain after the other."""
    settings, planner, kept, base, points = small
    runner = Runner(workers=workers, progress=False)
    there = curve_points(planner, kept, base, FACTORS, runner=runner,
                         inputs=Inputs(ds, scores, settings, {}, base.units))
    _same_points(there, points)
    assert runner.runs["curves"]["workers"] == workers
    assert runner.runs["curves"]["failed"] == {}


def test_an_agency_curve_moves_only_that_pagu(small):
    _cfg, planner, kept, base, _points = small
    agency = str(planner.instance.pagu.idxmax())
    today = planner.instance.pagu.copy()
    table = agency_curves(planner, kept, base, factors=[0.8, 1.0, 1.2], agencies=[agency])
    assert list(table["agency"]) == [agency] * 3
    assert list(table["agency_pagu"]) == pytest.approx([0.8 * today[agency], today[agency],
                                                        1.2 * today[agency]])
    others = today.drop(agency).sum()
    assert list(table["budget"] - table["agency_pagu"]) == pytest.approx([others] * 3)
    assert drops(table) == 0 or table["objective"].isna().any()


# -- the marginal value of each pagu --------------------------------------------------
def _apply(base: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    units = base.set_index(["village", "program"])["units"].astype(int)
    for row in changes.itertuples(index=False):
        units[(row.village, row.program)] = units.get((row.village, row.program), 0) + \
            int(row.units)
    out = units[units > 0].rename("units").reset_index()
    return out


@pytest.fixture(scope="module")
def marginal(small):
    _cfg, planner, kept, base, _points = small
    return marginal_values(planner, kept, base.units, step=100.0)


def test_the_next_money_buys_what_fits_in_it_and_keeps_every_rule(scores, small, marginal):
    settings, planner, _kept, base, _points = small
    today = recompute(DATA, scores, settings, base.units)
    assert today["violations"] == []
    table = marginal.table.set_index("agency")
    assert set(table.index) == set(planner.instance.pagu.index)
    bought = 0
    for agency, row in table.iterrows():
        if row["status"] not in ("optimal", "feasible"):
            continue
        pagu = {**{a: float(v) for a, v in planner.instance.pagu.items()},
                agency: row["pagu"] + 100.0}
        changes = marginal.purchases[marginal.purchases["agency"] == agency]
        plan = _apply(base.units, changes)
        checked = recompute(DATA, scores, _with_pagu(settings, pagu), plan)
        assert checked["violations"] == [], agency
        assert checked["spend"].get(agency, 0.0) <= row["pagu"] + 100.0 + 1e-6
        assert checked["objective"] - today["objective"] == pytest.approx(
            row["gain_low"], abs=1e-6)
        assert changes["cost"].sum() == pytest.approx(row["spent_extra"])
        assert row["gain_high"] >= row["gain_low"] - 1e-6
        bought += row["gain_low"] > 1e-6
    assert bought >= 2  # not vacuous


def test_the_marginal_values_on_two_workers_are_those_made_here(ds, scores, small,
                                                               marginal):
    settings, planner, kept, base, _points = small
    runner = Runner(workers=2, progress=False)
    there = marginal_values(planner, kept, base.units, step=100.0, runner=runner,
                            inputs=Inputs(ds, scores, settings, {}, base.units))
    assert there.table.to_csv() == marginal.table.to_csv()
    assert there.purchases.to_csv() == marginal.purchases.to_csv()


def test_the_lp_dual_has_the_sign_and_size_of_more_money(marginal):
    """A positive marginal value where more money buys something: the LP's is not below
    zero for any agency (more pagu never hurts the relaxation)."""
    duals = marginal.table["lp_dual"].dropna()
    assert (duals >= -1e-9).all()
    assert (duals > 1e-6).any()


# -- the LP dual against finite differences on tiny instances ----------------------------
def _relaxed(kept: KeptModel, fixed: dict) -> float:
    report = kept.solve(relax=True, bounds=fixed)
    assert report.status == "optimal"
    return float(report.objective)


#: tiny instances with a plan (seed, villages, programmes); in the last three (and 5, 3,
#: 3) the pagu binds in the relaxation
PLANNED = [(0, 3, 3), (2, 3, 3), (3, 3, 3), (5, 3, 3), (3, 4, 4), (5, 4, 4), (6, 4, 4)]


@pytest.mark.parametrize(("seed", "n_v", "n_p"), PLANNED)
def test_the_lp_dual_is_the_slope_of_the_relaxation(seed, n_v, n_p):
    inst = tiny_instance(seed, n_v, n_p)
    m = build_model(inst)
    kept = KeptModel(m, inst.settings.solver)
    plan = replan(kept)
    assert plan.is_plan
    duals = lp_duals(kept, plan.units, step=1.0)
    fixed = neighbourhood(kept, plan.units, "fix")
    delta = 1e-3
    for agency, dual in duals.items():
        row = f"pagu_{agency}"
        pagu = float(inst.pagu[agency])
        values = {}
        for shift in (-delta, 0.0, delta):
            m.set_rhs(row, pagu + shift)
            kept.sync([row])
            values[shift] = _relaxed(kept, fixed)
        m.set_rhs(row, pagu)
        kept.sync([row])
        left = (values[0.0] - values[-delta]) / delta   # the LP value is concave in
        right = (values[delta] - values[0.0]) / delta   # the right-hand side
        assert right - 1e-6 <= dual <= left + 1e-6, (agency, left, dual, right)


def test_the_lp_dual_slopes_are_not_all_zero():
    seen = []
    for seed, n_v, n_p in PLANNED:
        inst = tiny_instance(seed, n_v, n_p)
        kept = KeptModel(build_model(inst), inst.settings.solver)
        seen += list(lp_duals(kept, replan(kept).units, step=1.0))
    assert sum(d > 1e-6 for d in seen) >= 4


@pytest.mark.parametrize(("lang", "words"), [
    ("id", ("Kurva anggaran", "% pagu (Rp ", "tidak ada rencana", "Nilai marjinal pagu",
            "+Rp 100 juta menambah nilai tujuan", " unit ")),
    ("en", ("budget curve", "% of the pagu (Rp ", "no plan", "Marginal value of each pagu",
            "+Rp 100 juta add", " of ")),
])
def test_the_curve_and_the_marginal_values_in_the_planners_words(small, marginal, lang,
                                                                  words):
    from planning.analysis.rakor.curves import curve_lines, marginal_lines

    _cfg, planner, _kept, _base, points = small
    table = curve_table(planner, points)
    table.loc[0, ["objective", "gap"]] = np.nan  # a point without a plan, as at 50 %
    text = "\n".join(curve_lines(table, lang) + marginal_lines(planner.instance, marginal, lang))
    for word in words:
        assert word in text, word
    assert "{" not in text
    assert len(curve_lines(table, lang)) == len(table) + 2
    gains = marginal.table.dropna(subset=["gain_low"])
    assert len(marginal_lines(planner.instance, marginal, lang)) == len(marginal.table) + 1
    row = gains.iloc[0]
    from planning import i18n

    assert i18n.number(row["gain_low"], lang, 1) in text


def test_the_monotone_pass_gives_a_point_the_better_plan_below_only_where_it_fits(
        scores, small, today):
    """Point 1.2 made (on purpose) with the worse plan of point 0.8: it takes today's plan
    (point 1.0), which fits at 1.2; a point 0.9 after today's keeps its own plan, because
    today's plan breaks its pagu (recomputed)."""
    from planning.analysis.rakor.curves import CurvePoint, monotone_pass

    settings, planner, _kept, base, points = small
    worse = next(p for p in points if p.factor == 0.8)
    z0 = base.report.objective

    def point(factor, units, objective, bound):
        return CurvePoint(factor, {a: factor * float(v) for a, v in today.items()},
                          "optimal", "neighbourhood", units, objective, bound,
                          (bound - objective) / bound, 0.0)

    bound = z0 * 1.5
    mended = monotone_pass(planner, [point(1.2, worse.units, worse.objective, bound),
                                            point(1.0, base.units, z0, z0 * 1.01)])
    assert [p.factor for p in mended] == [1.0, 1.2]
    assert mended[1].source == "below"
    pd.testing.assert_frame_equal(mended[1].units, base.units)
    assert mended[1].gap == pytest.approx((bound - z0) / bound)
    assert recompute(DATA, scores, _with_pagu(settings, mended[1].pagu),
                     base.units)["violations"] == []
    # below today's pagu, today's plan breaks a rule: the point keeps its plan
    assert recompute(DATA, scores, _with_pagu(settings, {a: 0.9 * float(v) for a, v in
                                                         today.items()}),
                     base.units)["violations"]
    kept_own = monotone_pass(planner, [point(0.5, base.units, z0, z0 * 1.01),
                                              point(0.9, worse.units, worse.objective,
                                                    bound)])
    assert kept_own[1].source == "neighbourhood"
    pd.testing.assert_frame_equal(kept_own[1].units, worse.units)
    planner.set_budgets(dict(today), check=False)


def test_without_todays_plan_there_is_no_curve_and_no_marginal_value(small):
    _cfg, planner, kept, _base, _points = small
    with pytest.raises(ValueError, match="today's plan"):
        curve_points(planner, kept, None, FACTORS)
    with pytest.raises(ValueError, match="today's plan"):
        marginal_values(planner, kept, None)


def test_what_the_next_money_buys_counts_units_in_words_and_tells_the_cuts():
    """The console said "1 units of Cattle grant" and never the cuts the new plan makes
    elsewhere (Rp 482 juta of DISPAR's next Rp 100 juta were cuts)."""
    from types import SimpleNamespace

    from planning.analysis.rakor.curves import Marginal, marginal_lines

    instance = SimpleNamespace(labels={"village": {"V1": "Desa Satu", "V2": "Desa Dua"}},
                               programs=pd.DataFrame({"code": ["P1", "P2"],
                                                      "name_en": ["Cattle grant", "Repair"],
                                                      "name_id": ["Sapi", "Rehab"]}))
    table = pd.DataFrame({"agency": ["A"], "pagu_new": [1100.0], "status": ["optimal"],
                          "lp_dual": [1.5], "gain_low": [3.0], "gain_high": [4.0]})
    purchases = pd.DataFrame({"agency": ["A", "A", "A"], "village": ["V1", "V2", "V2"],
                              "program": ["P1", "P2", "P1"], "program_agency": ["A"] * 3,
                              "units": [1, 4, -2], "cost": [150.0, 40.0, -90.0]})
    line = marginal_lines(instance, Marginal(table, purchases), "en")[1]
    assert "1 unit of Cattle grant in Desa Satu (Rp 150.0 juta)" in line
    assert "4 units of Repair in Desa Dua (Rp 40.0 juta)" in line
    assert "and cuts elsewhere of Rp 90.0 juta" in line and "-2" not in line

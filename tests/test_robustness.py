"""Robustness through the optimiser (issue 15): the draws are pure functions of (seed,
index), only synthetic indicators move and within their noise, the summary equals an
independent recomputation, draws without a plan are counted with their reason, a small
real run on the shipped baseline, and the sheet, heatmap and map."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from planning.analysis.robustness import (
    ALWAYS,
    OFTEN,
    DrawResult,
    Inputs,
    Ranges,
    draw_inputs,
    noise_of,
    one_draw,
    robustness,
    summarise,
)
from planning.model import allocate
from planning.pipeline.preparing import prepare

from .conftest import ROOT


@pytest.fixture(scope="module")
def prep():
    return prepare(ROOT / "scenarios" / "baseline.yaml", check_out=False)


@pytest.fixture(scope="module")
def scoring(prep):
    return prep.loaded.scenario.scoring


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.factors, b.factors)
    pd.testing.assert_frame_equal(a.dataset.indicators, b.dataset.indicators)
    pd.testing.assert_frame_equal(a.dataset.programs, b.dataset.programs)
    assert a.model_settings == b.model_settings


def test_a_draw_depends_on_seed_and_index_only(prep, scoring):
    ds, settings = prep.dataset, prep.settings
    alone = draw_inputs(ds, scoring, settings, 2020, 3)
    for i in (5, 0, 1):
        draw_inputs(ds, scoring, settings, 2020, i)
    _same(alone, draw_inputs(ds, scoring, settings, 2020, 3))
    other = draw_inputs(ds, scoring, settings, 2020, 4)
    assert not alone.factors["factor"].equals(other.factors["factor"])
    assert not alone.dataset.indicators.equals(other.dataset.indicators)
    assert not draw_inputs(ds, scoring, settings, 2021, 3).factors.equals(alone.factors)
    assert alone.scoring_settings == scoring  # the scoring keeps its own draws and seed


def test_weights_costs_and_reach_move_within_their_ranges(prep, scoring):
    ds, settings = prep.dataset, prep.settings
    for i in range(5):
        d = draw_inputs(ds, scoring, settings, 7, i)
        weights = d.model_settings.rules.dimension_weights
        assert set(weights) == set(ds.dimensions["group"])
        for dim, w in weights.items():
            base = settings.rules.dimension_weights.get(dim, 1.0)
            assert 0.75 * base <= w <= 1.25 * base
        before, after = ds.programs.set_index("code"), d.dataset.programs.set_index("code")
        f_cost = after["unit_cost"] / before["unit_cost"]
        f_ben = after["beneficiaries_per_unit"] / before["beneficiaries_per_unit"]
        assert f_cost.between(0.8, 1.2).all() and f_ben.between(0.8, 1.2).all()
        np.testing.assert_allclose(after["fixed_cost"], before["fixed_cost"] * f_cost)
        # everything else of the model settings is the scenario's
        assert d.model_settings.model_copy(update={"rules": settings.rules}) == settings
    narrow = draw_inputs(ds, scoring, settings, 7, 0, Ranges(program_ranges={"PKM-RTLH": 0}))
    assert narrow.dataset.programs.set_index("code").at["PKM-RTLH", "unit_cost"] == \
        ds.programs.set_index("code").at["PKM-RTLH", "unit_cost"]


def test_only_synthetic_indicators_move_within_their_noise(prep, scoring):
    ds = prep.dataset
    meta = ds.indicator_metadata.copy()
    meta.loc[meta["indicator"] == "hh_rtlh", "status"] = "real"  # a real count stays
    ds = dataclasses.replace(ds, indicator_metadata=meta)
    noise = noise_of(ds)
    assert "hh_rtlh" not in noise and "market_distance_km" not in noise
    assert noise["hh_no_safe_water"] == 0.35 and noise["population"] == 0.10
    before = ds.indicators.set_index("code")
    m = meta.set_index("indicator")
    for i in range(6):
        after = draw_inputs(ds, scoring, prep.settings, 11, i).dataset.indicators
        after = after.set_index("code")
        for col in before.columns:
            old, new = before[col], after[col]
            if col not in noise:
                pd.testing.assert_series_equal(old, new)
                continue
            s = noise[col]
            assert (new >= 0).all()
            if (old == old.round()).all():
                assert (new == new.round()).all(), col  # counts stay whole
            den = m.at[col, "denominator"]
            capped = after[den] if isinstance(den, str) and m.at[den, "unit"] == \
                m.at[col, "unit"] else pd.Series(np.inf, index=new.index)
            assert (new <= capped).all(), col
            low = np.minimum(old * (1 - s) - 0.5 - 1e-9, capped)
            assert (new >= low).all() and (new <= old * (1 + s) + 0.5 + 1e-9).all(), col
        assert after["hh_no_safe_water"].ne(before["hh_no_safe_water"]).any()


# --- the summary, against an independent recomputation --------------------------------

def _result(i, focus, rows, status="optimal"):
    plan = None if rows is None else pd.DataFrame(
        rows, columns=["village", "program", "units", "cost"])
    factors = pd.DataFrame({"group": ["weights", "costs"], "name": ["housing", "P1"],
                            "factor": [1 + 0.02 * i, 1 - 0.01 * i]})
    reason = None if rows is not None else {"id": "tidak ada", "en": "none"}
    return DrawResult(seed=1, index=i, factors=factors, focus=tuple(focus), plan=plan,
                      status=status, objective=None if rows is None else 10.0 + i,
                      gap=0.01, reason=reason)


def test_the_summary_equals_an_independent_recomputation():
    base = pd.DataFrame({"village": ["A", "A", "B", "C"], "program": ["P1", "P2", "P1", "P3"],
                         "units": [1, 2, 3, 1], "cost": [100.0, 50.0, 30.0, 20.0]})
    rng = np.random.default_rng(5)
    draws = []
    for i in range(10):  # ten draws with a plan: A-P1 in 9 (always), A-P2 in 5 (often)
        rows = []
        if i < 9:
            rows.append(("A", "P1", 1, 90.0 + i))
        if i < 5:
            rows.append(("A", "P2", 2, 40.0 + rng.integers(0, 20)))
        if i < 4:
            rows.append(("B", "P1", 1, 25.0))  # sometimes
        rows.append(("D", "P4", 1, 10.0 * (i + 1)))  # a choice the base plan lacks
        draws.append(_result(i, ["A", "B", "D"] if i % 2 else ["A", "B", "C"], rows))
    draws.append(_result(10, ["A", "C"], None, status="infeasible"))
    villages = pd.DataFrame({"code": list("ABCD"), "name": ["a", "b", "c", "d"],
                             "kecamatan": ["k"] * 4})
    rob = summarise(base, ["A", "B", "C"], draws[::-1], villages)  # any order

    planned = [d for d in draws if d.plan is not None]
    rows = pd.concat([d.plan.assign(draw=d.index) for d in planned])
    freq = rows.groupby(["village", "program"]).size() / len(planned)
    got = rob.pairs.set_index(["village", "program"])
    for key, value in freq.items():
        assert got.at[key, "frequency"] == pytest.approx(value)
    assert got.at[("C", "P3"), "frequency"] == 0 and got.at[("C", "P3"), "class"] == "never"
    expected = {("A", "P1"): "always", ("A", "P2"): "often", ("B", "P1"): "sometimes",
                ("D", "P4"): "always"}
    assert {k: got.at[k, "class"] for k in expected} == expected
    assert ALWAYS == 0.9 and OFTEN == 0.5
    money = rows.groupby(["village", "draw"])["cost"].sum().unstack().reindex(
        columns=[d.index for d in planned]).fillna(0.0)
    v = rob.villages.set_index("code")
    for code in money.index:
        assert v.at[code, "money_min"] == pytest.approx(money.loc[code].min())
        assert v.at[code, "money_median"] == pytest.approx(money.loc[code].median())
        assert v.at[code, "money_max"] == pytest.approx(money.loc[code].max())
    assert v.at["C", "money_max"] == 0 and v.at["A", "money_base"] == 150
    assert rob.robust_share == pytest.approx(100.0 / 200.0)  # only A-P1 stands
    assert v.at["A", "robust_share"] == pytest.approx(100 / 150)
    focus = pd.Series([c for d in draws for c in d.focus]).value_counts() / len(draws)
    for code, share in focus.items():
        assert v.at[code, "focus_share"] == pytest.approx(share)
    assert rob.n == 11 and rob.n_plans == 10
    assert rob.no_plan["index"].tolist() == [10] and rob.no_plan["reason_en"][0] == "none"
    kept = [base.loc[base.set_index(["village", "program"]).index.isin(
        d.plan.set_index(["village", "program"]).index), "cost"].sum() for d in planned]
    np.testing.assert_allclose(rob.draws.dropna(subset=["distance"])["distance"],
                               [1 - k / 200 for k in kept])
    assert set(rob.groups["group"]) == {"weights", "costs"}
    assert rob.sensitivity["rho"].between(-1, 1).all()


# --- real draws ------------------------------------------------------------------------

def test_a_draw_without_a_plan_is_counted_with_its_reason(prep, scoring):
    tiny = prep.settings.model_copy(update={"pagu": dict.fromkeys(prep.settings.pagu, 1.0)})
    shared = Inputs(prep.dataset, scoring, tiny)
    result = one_draw((2020, 0), shared)
    assert result.plan is None and result.status != "optimal"
    assert result.reason["id"] and result.reason["en"] and result.focus
    base = allocate(prep.dataset, prep.scores, prep.settings)
    rob = summarise(base.tables.plan, base.instance.villages["code"], [result],
                    prep.dataset.villages)
    assert rob.n == 1 and rob.n_plans == 0 and len(rob.no_plan) == 1
    assert rob.no_plan["reason_en"][0] == result.reason["en"]
    assert np.isnan(rob.robust_share)


@pytest.fixture(scope="module")
def small_run(prep, scoring):
    base = allocate(prep.dataset, prep.scores, prep.settings)
    rob = robustness(prep.dataset, scoring, prep.settings, base, n=3, progress=False)
    return base, rob


def test_a_small_run_on_the_shipped_baseline(prep, scoring, small_run):
    base, rob = small_run
    assert rob.n == 3 and rob.n_plans + len(rob.no_plan) == 3 and len(rob.draws) == 3
    assert rob.pairs["frequency"].between(0, 1).all()
    assert rob.villages["focus_share"].between(0, 1).all()
    focus = rob.villages[rob.villages["base_focus"]]
    assert len(focus) == 27 and focus["focus_share"].mean() > 0.6
    assert 0 <= rob.robust_share <= 1
    assert rob.solver == {"gap": 0.02, "node_limit": 5000, "scenario_gap": 0.01}
    assert rob.draws["gap"].max() <= 0.02
    assert (rob.villages["money_min"] <= rob.villages["money_median"]).all()
    assert (rob.villages["money_median"] <= rob.villages["money_max"]).all()
    assert rob.pairs.loc[rob.pairs["in_base"], "base_cost"].sum() == pytest.approx(
        base.tables.plan["cost"].sum())

    def backwards(fn, tasks, shared):  # a runner finishing the draws in reverse order
        done = {task: fn(task, shared) for task in reversed(tasks)}
        return [done[task] for task in tasks]

    again = robustness(prep.dataset, scoring, prep.settings, base, n=3, runner=backwards,
                       progress=False)
    pd.testing.assert_frame_equal(again.pairs, rob.pairs)
    pd.testing.assert_frame_equal(again.villages, rob.villages)


def test_the_sheet_heatmap_and_map(prep, small_run, tmp_path):
    from planning.report.robustness import (
        robustness_frames,
        robustness_heatmap_png,
        robustness_map_png,
        write_robustness_sheet,
    )
    from planning.report.workbook import _Book

    _, rob = small_run
    png = robustness_heatmap_png(rob, "en")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    frames = robustness_frames(rob, "id")
    assert set(frames) == {"villages", "pairs", "groups", "sensitivity", "no_plan"}
    assert set(frames["pairs"]["Kelas"]) <= {"selalu", "sering", "kadang-kadang", "tidak pernah"}
    book = _Book("id", datetime(2026, 1, 1, tzinfo=UTC), "test")
    write_robustness_sheet(book, rob, png)
    path = tmp_path / "ketahanan.xlsx"
    path.write_bytes(book.close())
    wb = openpyxl.load_workbook(path)
    ws = wb["Ketahanan"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert any(isinstance(c, str) and c.startswith("Bagian belanja") for c in cells)
    assert "Bagian undian" in cells and "Kelas" in cells
    assert any(isinstance(c, str) and "selisih 2" in c for c in cells)  # the draws' gap
    assert len(ws._images) == 1
    shown = robustness_map_png(rob, prep.dataset.villages, "id")
    assert shown[:8] == b"\x89PNG\r\n\x1a\n"
    assert io.BytesIO(shown).getbuffer().nbytes > 10_000


def test_a_draw_travels_to_a_worker_process(prep, scoring):
    """Dask ships ``one_draw``, the task and the shared inputs by pickling them."""
    import pickle

    shared = Inputs(prep.dataset, scoring, prep.settings)
    fn, back = pickle.loads(pickle.dumps((one_draw, shared)))
    assert fn is one_draw
    _same(draw_inputs(back.dataset, back.scoring_settings, back.model_settings, 1, 2),
          draw_inputs(prep.dataset, scoring, prep.settings, 1, 2))

"""The explorer's engine without widgets: re-planning from plain control values, the
difference from the baseline recomputed independently from the two plan tables, saving,
and running the controls' values through the pipeline."""

from __future__ import annotations

import pandas as pd
import pytest

from planning.apps.explorer import Controls, Engine
from planning.config.scenario import load_scenario
from planning.pipeline import execute, prepare

from .conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(BASELINE, lang="en")


def by_agency(plan: pd.DataFrame, agencies) -> pd.Series:
    """Spending per agency from a plan table, every agency (0 where nothing)."""
    return plan.groupby("agency")["cost"].sum().reindex(agencies, fill_value=0.0)


def test_the_baseline_is_the_scenarios_own_plan(engine):
    assert engine.baseline is engine.current and engine.summary["removed_change"] == 0
    own = execute(prepare(BASELINE, check_out=False)).allocation.tables.plan
    agencies = list(engine.agency_pagu)
    pd.testing.assert_series_equal(by_agency(engine.baseline.plan, agencies),
                                   by_agency(own, agencies), check_names=False)
    assert (engine.difference["spending_change"] == 0).all()


def test_a_pagu_change_replans_and_the_difference_is_recomputed(engine):
    engine.controls.pagu["PUTR"] = 1200.0
    summary = engine.replan()
    assert summary["source"] == "mip" and engine.allocation.is_plan
    assert engine.planner.settings.pagu["PUTR"] == 1200.0
    agencies = list(engine.agency_pagu)
    before = by_agency(engine.baseline.plan, agencies)
    now = by_agency(engine.current.plan, agencies)
    assert now["PUTR"] <= 1200 + 1e-6
    d = engine.difference.set_index("agency")
    assert d["spending_baseline"].to_numpy() == pytest.approx(before.to_numpy())
    assert d["spending"].to_numpy() == pytest.approx(now.to_numpy())
    assert d["spending_change"].to_numpy() == pytest.approx((now - before).to_numpy())
    assert d.loc["PUTR", "pagu"] == 1200 and d.loc["PUTR", "pagu_baseline"] == 2400
    assert summary["spending_change"] == pytest.approx(float((now - before).sum()))
    assert "Deprivations removed" in engine.text


def test_the_controls_values_run_through_the_pipeline(engine, tmp_path):
    engine.controls.pagu["PUTR"] = 1200.0
    result = engine.run()
    scenario = result.summary["scenario"]
    assert scenario["edited_in"] == "explorer" and scenario["data"] == "data/buleleng"
    assert scenario["settings"]["budgets"]["agencies"]["PUTR"]["pagu"] == 1200
    assert result.summary["input_sha256"] == result.provenance["input_sha256"]
    spent = result.allocation.tables.plan.groupby("agency")["cost"].sum()
    assert spent["PUTR"] <= 1200 + 1e-6
    exported = engine.export(tmp_path / "export")
    assert exported is not None and engine.notice.ok
    assert (tmp_path / "export" / "allocation_plan.xlsx").is_file()


def test_bad_locks_say_which_line(engine, tmp_path):
    engine.controls.locks = "51.08.09.2005 NOPE"
    summary = engine.replan()
    assert summary["status"] == "locks" and engine.tone == "bad"
    assert any("line 1" in line for line in engine.lock_lines)
    assert engine.save_scenario(tmp_path / "bad.yaml") is None and not engine.notice.ok


def test_reset_and_save(engine, tmp_path):
    engine.reset()
    assert engine.controls == Controls.of(engine.start_settings)
    assert engine.settings == engine.start_settings
    engine.controls.pagu["DKPP"] = 800.0
    saved = engine.save_scenario(tmp_path / "dkpp.yaml")
    assert saved is not None and engine.notice.ok
    again = load_scenario(saved).scenario.model_settings(engine.agency_pagu)
    assert again == engine.settings and again.pagu["DKPP"] == 800


def test_saving_never_overwrites_a_file_the_explorer_did_not_write(engine, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\n# the planner's own notes\n", encoding="utf-8")
    engine.controls.pagu["DKPP"] = 700.0
    assert engine.save_scenario(mine) is None and not engine.notice.ok
    assert mine.read_text(encoding="utf-8") == "name: mine\n# the planner's own notes\n"
    assert any("not written by the explorer" in line for line in engine.notice.lines)
    # a scenario the explorer saved may be saved again, and nothing is left half-written
    saved = tmp_path / "saved.yaml"
    assert engine.save_scenario(saved) == saved
    engine.controls.pagu["DKPP"] = 650.0
    assert engine.save_scenario(saved) == saved
    assert load_scenario(saved).scenario.model_settings(engine.agency_pagu).pagu["DKPP"] == 650
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml", "saved.yaml"]

"""The price of each rule (issue 14, planning.analysis.rakor.rule_prices): on a small
plan solved exactly (gap 0) the interval closes to one number, which must equal the
difference of the two plans' objectives recomputed independently from their exported
tables (tests/model_checker.py); a rule with a price above zero must be broken by the
plan made without it; and `planning analyse` says it in the planner's words."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from planning.analysis.rakor.rule_prices import price_interval, price_table, rule_prices
from planning.analysis.workers import Runner
from planning.apps.cli import app
from planning.config.model import ModelSettings, Rules, Solver
from planning.model import allocate

from .conftest import DATA, ROOT
from .model_checker import recompute

#: the checker's message of each rule's breach
BROKEN = {"coverage": "coverage:", "kecamatan_share": "kecamatan share short",
          "village_share": "village share exceeded"}


def test_the_interval_comes_from_both_gaps():
    """With the rule: objective 90, bound 100; without: 95 .. 120. The best plans lie in
    [90, 100] and [95, 120], so the price lies in [0, 30] (never below 0)."""
    assert price_interval(90.0, 100.0, 95.0, 120.0) == (0.0, 30.0)
    assert price_interval(90.0, 91.0, 95.0, 96.0) == (4.0, 6.0)


@pytest.fixture(scope="module")
def small(ds, scores):
    """Six focus villages of three kecamatan, solved exactly, with the three rules."""
    focus = scores[scores["selected"].astype(bool)].sort_values("code")
    villages = list(focus.groupby("kecamatan_code")["code"].apply(
        lambda c: sorted(c)[:2]).explode())[:6]
    settings = ModelSettings(villages=villages, rules=Rules(
        min_programs_per_village=2, kecamatan_min_share=0.3, village_max_share=0.25),
        solver=Solver(gap=0.0))
    return settings, rule_prices(ds, scores, settings)


def test_every_rule_of_the_scenario_is_priced(small):
    _settings, prices = small
    names = [p.rule for p in prices]
    assert {"coverage", "kecamatan_share", "village_share"} <= set(names)
    table = price_table(prices)
    assert list(table["rule"]) == names
    assert (table["status"] == "optimal").all()


@pytest.mark.parametrize("workers", [1, 2])
def test_the_prices_on_dask_workers_are_those_made_here(ds, scores, small, workers):
    """One task per rule, each re-planned on a worker: the same table, byte for byte."""
    settings, prices = small
    runner = Runner(workers=workers, progress=False)
    there = rule_prices(ds, scores, settings, runner=runner)
    assert price_table(there).to_csv() == price_table(prices).to_csv()
    assert runner.runs["prices"]["workers"] == workers
    assert runner.runs["prices"]["failed"] == {}


def test_an_exact_price_is_the_difference_of_the_recomputed_objectives(ds, scores, small):
    settings, prices = small
    base = allocate(ds, scores, settings)
    with_rule = recompute(DATA, scores, settings, base.tables.plan)
    assert with_rule["violations"] == []
    for price in prices:
        if price.rule not in BROKEN:
            continue
        off = settings.model_copy(update={"rules": settings.rules.model_copy(update={
            "coverage": {"min_programs_per_village": 0},
            "kecamatan_share": {"kecamatan_min_share": None},
            "village_share": {"village_max_share": None}}[price.rule])})
        other = allocate(ds, scores, off)
        without = recompute(DATA, scores, off, other.tables.plan)
        difference = without["objective"] - with_rule["objective"]
        assert difference >= -1e-6  # dropping a rule never makes the best plan worse
        assert price.low == pytest.approx(difference, abs=1e-4)
        assert price.high == pytest.approx(difference, abs=1e-4)
        broken = any(v.startswith(BROKEN[price.rule]) for v in recompute(
            DATA, scores, settings, other.tables.plan)["violations"])
        # a rule that costs something binds: the plan without it breaks it
        assert broken or difference < 1e-6, price.rule
    assert any(p.low > 1e-6 for p in prices if p.rule in BROKEN)  # not vacuous


@pytest.mark.parametrize(("lang", "words"), [
    ("id", ("Harga aturan", "bagian minimum kecamatan: biaya ", "% dari nilai tujuan",
            "rumah tangga")),
    ("en", ("Price of each rule", "minimum kecamatan share: costs ", "% of the objective",
            "households"))])
def test_analyse_says_the_price_in_the_planners_words(tmp_path, scores, lang, words):
    focus = sorted(scores.loc[scores["selected"].astype(bool), "code"])[:6]
    scenario = yaml.safe_load((ROOT / "scenarios" / "efisiensi-murni.yaml").read_text())
    scenario.update({"base": str(ROOT / "scenarios" / "baseline.yaml"), "villages": focus,
                     "solver": {"gap": 0.0}})
    scenario["rules"]["kecamatan_min_share"] = 0.2
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), "--only", "prices", "--rule",
                                    "kecamatan_share", "--lang", lang, "--out", str(out)])
    assert done.exit_code == 0, done.output
    for word in words:
        assert word in done.output
    written = pd.read_csv(out / "analysis_rule_prices.csv")
    assert list(written["rule"]) == ["kecamatan_share"]
    assert not (out / "analysis_budget_curve.csv").exists()  # only the analysis asked for

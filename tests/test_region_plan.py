"""The two-level plan of a region (issue 18): a small generated province planned by
``planning region`` on a real two-worker local Dask cluster, checked by recomputing from
the results folder's tables with pandas, and compared with one worker."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from planning.analysis.region import DistrictProblems, plan_region
from planning.analysis.workers import Runner
from planning.apps.cli import app
from planning.config.scenario import load_scenario
from planning.data import load_dataset
from planning.data.synth_region import generate_province
from planning.model import Planner, check_plan
from planning.scoring import score

from .conftest import ROOT

#: a province small enough for the tests: 3 districts (one kota), 12 kecamatan
SMALL = {"n_villages": 110, "n_districts": 3, "n_kota": 1, "n_kecamatan": 12}


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def scenario_text(folder, top: str = "", **region) -> str:
    extra = "".join(f"  {k}: {v}\n" for k, v in region.items())
    return (f"name: kecil\nbase: {ROOT / 'scenarios' / 'provinsi-bali.yaml'}\n"
            f"region:\n  folder: {folder}\n  generate: null\n{extra}"
            "analysis: {workers: 2}\n" + top)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    folder = generate_province(root / "kecil", seed=7, **SMALL)
    path = root / "kecil.yaml"
    path.write_text(scenario_text(folder))
    return folder, path


@pytest.fixture(scope="module")
def written(province, tmp_path_factory):
    """``planning region`` on two local workers: the results folder and the output."""
    _, scenario = province
    out = tmp_path_factory.mktemp("out") / "kecil"
    result = invoke("region", scenario, "--out", out, "--workers", 2, "--lang", "en")
    assert result.exit_code == 0, result.output
    return out, result.output


def read(out, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, dtype={"code": str, "district": str, "province_code": str,
                                          "village": str, "kecamatan_code": str})


def test_every_district_is_planned_within_its_share(province, written):
    folder, _ = province
    out, _ = written
    districts = read(out, "region_districts.csv")
    plan = read(out, "region_plan.csv")
    assert len(districts) == 3 and districts["status"].isin(["optimal", "gap_limit"]).all()
    for row in districts.itertuples():
        rows = plan[plan["district"] == row.code]
        assert rows["cost"].sum() == pytest.approx(row.cost)
        # each agency within its own pagu times the district's factor (agencies.csv)
        agencies = pd.read_csv(folder / "districts" / row.code / "agencies.csv")
        pagu = agencies.set_index("code")["pagu"] * row.factor
        spent = rows.groupby("agency")["cost"].sum()
        assert (spent <= pagu.reindex(spent.index) + 1e-6).all()
        assert row.cost <= row.share + 1e-6
        assert row.floor - 1e-6 <= row.share <= row.cap + 1e-6
        # the district's own file holds the same rows
        own = read(out, f"districts/{row.code}/allocation_plan.csv")
        assert own["cost"].sum() == pytest.approx(row.cost)
        assert set(own["village"]) <= set(pd.read_csv(
            folder / "districts" / row.code / "villages.csv", dtype=str)["code"])


def test_the_combined_gap_is_the_sum_of_the_bounds(written):
    out, output = written
    districts = read(out, "region_districts.csv")
    summary = json.loads((out / "summary.json").read_text())
    totals = summary["totals"]
    value, bound = districts["objective"].sum(), districts["bound"].sum()
    assert totals["value"] == pytest.approx(value, rel=1e-6)
    assert totals["bound"] == pytest.approx(bound, rel=1e-6)
    assert totals["gap"] == pytest.approx((bound - value) / bound, abs=1e-5)  # CSV digits
    assert totals["gap"] <= 0.01 + 1e-9  # each district to 1 %, so their sum too
    assert totals["allocated"] + totals["not_allocated"] == pytest.approx(totals["envelope"])
    assert districts["share"].sum() == pytest.approx(totals["allocated"])
    assert totals["envelope"] == pytest.approx(districts["pagu_own"].sum())
    assert "Combined plan: 3 of 3 districts" in output
    assert "SYNTHETIC" in summary["data_status"]
    assert (districts["data_status"].str.contains("SYNTHETIC")).all()
    provinces = read(out, "region_provinces.csv")
    assert provinces["cost"].sum() == pytest.approx(districts["cost"].sum())


def test_each_district_plan_keeps_every_rule_at_its_share(province, written):
    """The rule check of the reviewer's re-run, on each district's own instance at its
    share: nothing the solver says is trusted."""
    folder, scenario = province
    out, _ = written
    sc = load_scenario(scenario).scenario
    districts = read(out, "region_districts.csv")
    plan = read(out, "region_plan.csv")
    from planning.data import load_dataset

    for row in districts.itertuples():
        ds = load_dataset(folder / "districts" / row.code)
        settings = sc.model_settings(ds.agencies.set_index("code")["pagu"].to_dict())
        settings = settings.model_copy(update={"pagu": {
            a: round(v * row.factor, 6) for a, v in settings.pagu.items()}})
        planner = Planner(ds, score(ds, sc.scoring), settings)
        units = plan.loc[plan["district"] == row.code, ["village", "program", "units"]]
        assert check_plan(planner.instance, units) == [], row.code


def test_the_split_follows_the_marginal_values(written):
    """On each district's LP curve (its points on the upper hull): the value of the next
    juta of a district below its cap is at most the water level at which the last juta
    went, and the value of the last juta of a district above its floor at least that:
    no juta moved between districts raises the sum."""
    out, _ = written
    districts = read(out, "region_districts.csv")
    level = json.loads((out / "summary.json").read_text())["totals"]["water_level"]
    curves = read(out, "region_curves.csv")
    for row in districts.itertuples():
        hull = curves[(curves["district"] == row.code) & curves["on_hull"]].sort_values(
            "budget")
        b, v = hull["budget"].to_numpy(), hull["bound"].to_numpy()
        slopes = (v[1:] - v[:-1]) / (b[1:] - b[:-1])
        assert (slopes[1:] <= slopes[:-1] + 1e-9).all()  # concave
        for k, slope in enumerate(slopes):
            if b[k] >= row.share - 1e-6 and row.share < row.cap - 1e-6:
                assert slope <= level + 1e-9  # going up from the share
            if b[k + 1] <= row.share + 1e-6 and row.share > row.floor + 1e-6:
                assert slope >= level - 1e-9  # what the share already bought


def test_two_workers_give_what_one_worker_gives(province, written, tmp_path):
    _, scenario = province
    out2, _ = written
    out1 = tmp_path / "one"
    result = invoke("region", scenario, "--out", out1, "--workers", 1, "--lang", "en", "-q")
    assert result.exit_code == 0, result.output
    for name in ("region_districts.csv", "region_plan.csv", "region_curves.csv"):
        one, two = read(out1, name), read(out2, name)
        drop = [c for c in one.columns if c.startswith("seconds")]
        pd.testing.assert_frame_equal(one.drop(columns=drop), two.drop(columns=drop))
    timing = json.loads((out2 / "timing.json").read_text())
    assert timing["workers"]["plans"]["workers"] == 2
    assert json.loads((out1 / "timing.json").read_text())["workers"]["plans"]["workers"] == 1


def test_a_district_with_bad_data_stops_the_run_naming_its_folder(province, tmp_path):
    """A wrong table in one district is bad input, as for ``planning run``: no region plan
    (the others are not planned under a smaller envelope), the district's code, folder,
    file and column named, exit code 1, nothing written."""
    folder, _ = province
    broken = tmp_path / "rusak"
    shutil.copytree(folder, broken)
    first = sorted(p.name for p in (broken / "districts").iterdir())[0]
    agencies = broken / "districts" / first / "agencies.csv"
    frame = pd.read_csv(agencies, dtype=str, keep_default_na=False)
    frame.loc[0, "pagu"] = "-5"
    frame.to_csv(agencies, index=False)
    sc = load_scenario(_scenario(tmp_path, broken)).scenario
    table = pd.read_csv(broken / "districts.csv", dtype=str)
    runner = Runner(workers=0, progress=False)
    with pytest.raises(DistrictProblems) as caught:
        plan_region(table, broken, sc, runner=runner)
    assert set(caught.value.problems) == {first}
    # the curves stopped at the refused district; the others were only checked
    assert runner.runs["checks"]["failed"] == {} and "plans" not in runner.runs
    said = caught.value.render("en")
    assert f"District {first} (folder districts/{first})" in said
    assert "agencies.csv" in said and "pagu" in said and "no region plan was made" in said
    assert f"Kabupaten {first} (folder districts/{first})" in caught.value.render("id")
    out = tmp_path / "out"
    result = invoke("region", _scenario(tmp_path, broken), "--out", out, "--workers", 0,
                    "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "agencies.csv" in result.output
    assert not out.exists()


def test_every_refused_district_is_named_before_the_curves_go_on(province, tmp_path):
    """Two districts with bad data, on two worker processes: the first refusal stops the
    curves (the country's take minutes), the districts not yet drawn are only checked,
    and both bad districts are named, as on one process."""
    folder, _ = province
    broken = tmp_path / "rusak2"
    shutil.copytree(folder, broken)
    codes = sorted(p.name for p in (broken / "districts").iterdir())
    for code, column in ((codes[0], "pagu"), (codes[-1], "code")):
        agencies = broken / "districts" / code / "agencies.csv"
        frame = pd.read_csv(agencies, dtype=str, keep_default_na=False)
        frame = frame.rename(columns={"code": "kode"}) if column == "code" else frame
        if column == "pagu":
            frame.loc[0, "pagu"] = "-5"
        frame.to_csv(agencies, index=False)
    sc = load_scenario(_scenario(tmp_path, broken)).scenario
    table = pd.read_csv(broken / "districts.csv", dtype=str)
    for workers in (0, 2):
        runner = Runner(workers=workers, progress=False)
        with pytest.raises(DistrictProblems) as caught:
            plan_region(table, broken, sc, runner=runner)
        assert set(caught.value.problems) == {codes[0], codes[-1]}, workers
        said = caught.value.render("en")
        assert "pagu" in said and "kode" in said
        assert "plans" not in runner.runs


def _not_in_focus(folder, sc, code: str) -> str:
    """A village of district ``code`` that the scenario's scoring does not pick."""
    ds = load_dataset(folder / "districts" / code)
    table = score(ds, sc.scoring, lean=True).table
    return str(table.loc[~table["selected"].astype(bool), "code"].iloc[0])


def test_locks_apply_to_their_own_district(province, written, tmp_path):
    """A lock names one district's village: that district keeps it, the others plan as
    before. A lock that keeps a district from any plan leaves it out, said, and the run
    ends with exit code 3 (written for inspection); when no district has a plan the run
    stops with each district's reason, nothing written."""
    folder, _ = province
    out0, _ = written
    plan0 = read(out0, "region_plan.csv")
    codes = sorted(plan0["district"].unique())
    first = plan0[plan0["district"] == codes[0]].iloc[0]
    locked = (f"locks:\n  - {{village: '{first['village']}', program: {first['program']}, "
              "state: out}\n")
    scenario = tmp_path / "lock.yaml"
    scenario.write_text(scenario_text(folder, top=locked))
    out = tmp_path / "lock"
    result = invoke("region", scenario, "--out", out, "--workers", 0, "--lang", "en", "-q")
    assert result.exit_code == 0, result.output
    plan = read(out, "region_plan.csv")
    assert sorted(plan["district"].unique()) == codes
    assert not ((plan["village"] == first["village"])
                & (plan["program"] == first["program"])).any()
    # a lock on a village outside the plan: that district has no plan, the others do
    sc = load_scenario(scenario).scenario
    outside = {c: _not_in_focus(folder, sc, c) for c in codes}
    force = lambda cs: "locks:\n" + "".join(  # noqa: E731
        f"  - {{village: '{outside[c]}', program: {first['program']}, state: in}}\n"
        for c in cs)
    scenario.write_text(scenario_text(folder, top=force(codes[:1])))
    result = invoke("region", scenario, "--out", out, "--workers", 0, "--lang", "en", "-q")
    assert result.exit_code == 3, result.output
    assert f"1 district(s) without a plan ({codes[0]}" in result.output
    assert sorted(read(out, "region_plan.csv")["district"].unique()) == codes[1:]
    scenario.write_text(scenario_text(folder, top=force(codes)))
    result = invoke("region", scenario, "--out", tmp_path / "none", "--workers", 0,
                    "--lang", "en")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "No district has a plan" in result.output
    assert all(f"District {c} (folder districts/{c})" in result.output for c in codes)
    assert outside[codes[-1]] in result.output
    assert not (tmp_path / "none").exists()


def test_a_lock_of_no_district_and_a_list_of_villages_are_refused(province, tmp_path):
    folder, _ = province
    scenario = tmp_path / "bad.yaml"
    for top, said in (
            ("locks:\n  - {village: '51.99.01.2001', program: X, state: in}\n",
             "locks[0].village 51.99.01.2001: no district of this region holds that village"),
            ("villages: ['51.01.01.2001']\n", "'villages' is a list of villages")):
        scenario.write_text(scenario_text(folder, top=top))
        out = tmp_path / "out"
        result = invoke("region", scenario, "--out", out, "--workers", 0, "--lang", "en")
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert said in result.output and "bad.yaml" in result.output
        assert not out.exists()


def _scenario(tmp_path, folder, **region):
    path = tmp_path / "s.yaml"
    path.write_text(scenario_text(folder, **region))
    return path


def test_an_envelope_below_the_floors_is_refused_and_nothing_written(province, tmp_path):
    folder, _ = province
    scenario = _scenario(tmp_path, folder, envelope=10)
    out = tmp_path / "out"
    result = invoke("region", scenario, "--out", out, "--workers", 0, "--lang", "en")
    assert result.exit_code == 1
    assert "the envelope of Rp 10 juta is below the districts' floors" in result.output
    assert "region.floor_pct" in result.output
    assert not out.exists()
    # the amounts with the separators of the language: 1,234 in English, 1.234 in Bahasa
    floors = re.search(r"floors \(Rp ([\d,]+) juta in all\)", result.output)
    assert floors and "," in floors[1], result.output
    said = invoke("region", scenario, "--out", out, "--workers", 0, "--lang", "id").output
    assert f"(Rp {floors[1].replace(',', '.')} juta)" in said, said


def test_planning_run_refuses_a_region_scenario(province, tmp_path):
    _, scenario = province
    result = invoke("run", scenario, "--out", tmp_path / "x", "--lang", "en")
    assert result.exit_code == 1
    assert "is a region scenario" in result.output and "planning region" in result.output
    assert not (tmp_path / "x").exists()


def test_a_scenario_without_a_region_section_is_refused(tmp_path):
    result = invoke("region", ROOT / "scenarios" / "baseline.yaml", "--out", tmp_path / "x",
                    "--lang", "en")
    assert result.exit_code == 1
    assert "has no region: section" in result.output


def test_the_results_folder_is_not_written_over_a_foreign_folder(province, tmp_path):
    _, scenario = province
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = invoke("region", scenario, "--out", mine, "--workers", 0, "--lang", "en")
    assert result.exit_code == 1
    assert (mine / "notes.txt").read_text() == "keep me"


def test_a_district_without_a_plan_at_its_share_gets_its_floor_raised(tmp_path):
    """Seed 7's three districts: at the first split two of them have no whole-unit plan
    at their shares (the LP had one); their floors rise to the next curve point, the
    envelope is split again, and every district ends with a plan within its share."""
    folder = generate_province(tmp_path / "p", seed=7, n_villages=110, n_districts=3)
    sc = load_scenario(_scenario(tmp_path, folder)).scenario
    table = pd.read_csv(folder / "districts.csv", dtype=str)
    plan = plan_region(table, folder, sc, runner=Runner(workers=0, progress=False))
    rows = plan.districts
    assert rows["floor_raised"].any()
    assert plan.problems == {} and plan.totals["districts_planned"] == 3
    curves = plan.curves
    for row in rows[rows["floor_raised"]].itertuples():
        budgets = curves.loc[(curves["district"] == row.code) & curves["bound"].notna(),
                             "budget"]
        assert row.floor in set(budgets) and row.floor > budgets.min()
        assert row.share >= row.floor - 1e-6
    assert rows["share"].sum() == pytest.approx(plan.envelope)
    assert (rows["cost"] <= rows["share"] + 1e-6).all()
    assert any(label.startswith("plans-") for label in plan.runs)


def test_a_programming_error_is_not_taken_for_a_districts_problem(province, monkeypatch):
    """A district's data or rules problem is reported in the planner's words; a bug (here a
    plain ValueError from inside the task) must surface as a failed task, not be written
    up as that district's problem."""
    import planning.analysis.region as region
    from planning.config.scoring import ScoringError

    folder, scenario = province
    sc = load_scenario(scenario).scenario
    first = sorted(p.name for p in (folder / "districts").iterdir())[0]
    task = region.DistrictTask(code=first, folder=str(folder / "districts" / first))
    shared = region.Shared(scenario=sc, factors=(1.0,))

    def bug(*_args):
        raise ValueError("a bug, not the data")

    monkeypatch.setattr(region, "_district", bug)
    with pytest.raises(ValueError, match="a bug"):
        region.curve_task(task, shared)
    with pytest.raises(ValueError, match="a bug"):
        region.plan_task(task, shared)

    def refused(*_args):
        raise ScoringError("scoring.clusters", "clusters", k=99, high=9)

    monkeypatch.setattr(region, "_district", refused)
    curve = region.curve_task(task, shared)
    assert curve.problem is not None and "99" in curve.problem["en"]

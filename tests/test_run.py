"""The main job: a real run on the shipped data, reproducible and atomic."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.pipeline import run
from planning.report import folder as outputs

from .conftest import DATA, edit


def test_run_writes_the_data_summary(tmp_path):
    result = CliRunner().invoke(app, ["run", "--data", str(DATA), "--out",
                                      str(tmp_path / "baseline")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "baseline"
    assert str(out.resolve()) in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["headline"]["villages"] == 148
    assert "SYNTHETIC" in summary["data_status"]
    assert set(summary["input_sha256"]) >= {"villages.csv", "indicators.csv", "programs.csv"}
    kec = pd.read_csv(out / "data_kecamatan.csv", dtype={"kecamatan_code": str})
    # independent recomputation from the input tables
    ind = pd.read_csv(DATA / "indicators.csv", dtype={"code": str})
    vil = pd.read_csv(DATA / "villages.csv", dtype={"code": str, "kecamatan_code": str})
    merged = ind.merge(vil, on="code")
    expected = merged.groupby("kecamatan_code")["hh_rtlh"].sum()
    got = kec.set_index("kecamatan_code")["hh_rtlh"]
    assert (got[expected.index] == expected).all()
    assert got["51.08"] == expected.sum()
    assert kec["data_status"].str.contains("SINTETIS").all()
    agencies = pd.read_csv(out / "data_agencies.csv")
    assert agencies["pagu"].sum() == pytest.approx(9000)


def snapshot(folder) -> dict[str, bytes]:
    """Every file under ``folder`` (figures/ included) by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_same_inputs_same_files(tmp_path):
    first = run(DATA, tmp_path / "a").out_dir
    second = run(DATA, tmp_path / "b").out_dir
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*")
                           if p.is_file())
    assert {"allocation_plan.csv", "timing.json", "rencana_alokasi.xlsx",
            "figures/plan_vs_baselines.png"} <= set(names)
    for name in names:
        if name != "timing.json":  # wall-clock seconds, kept apart for this reason
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_bad_data_leaves_previous_results_intact(tmp_path, data_copy):
    out = tmp_path / "res"
    run(data_copy, out)
    before = snapshot(out)
    edit(data_copy, "agencies.csv", 2, "pagu", "-1")
    result = CliRunner().invoke(app, ["run", "--data", str(data_copy), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert snapshot(out) == before


def test_interrupted_write_leaves_previous_results_intact(tmp_path, monkeypatch):
    out = tmp_path / "res"
    run(DATA, out)
    before = snapshot(out)
    calls = {"n": 0}
    real_fsync = outputs.os.fsync

    def failing_fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the planner pressed Ctrl-C mid-write
        real_fsync(fd)

    monkeypatch.setattr(outputs.os, "fsync", failing_fsync)
    with pytest.raises(KeyboardInterrupt):
        run(DATA, out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["res"], "no staging folder left behind"


def test_run_writes_village_scores_with_the_focus_villages(tmp_path):
    out = run(DATA, tmp_path / "r").out_dir
    scores = pd.read_csv(out / "village_scores.csv", dtype={"code": str})
    assert len(scores) == 148 and scores["selected"].sum() == 27
    assert scores["data_status"].str.contains("SINTETIS").all()
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary["focus_villages"]) == sorted(scores.loc[scores["selected"], "code"])


def test_run_writes_a_plan_a_reviewer_can_recompute(tmp_path):
    from planning.model import ModelSettings

    from .model_checker import recompute

    out = run(DATA, tmp_path / "r").out_dir
    plan = pd.read_csv(out / "allocation_plan.csv", dtype={"village": str})
    scores = pd.read_csv(out / "village_scores.csv", dtype={"code": str,
                                                             "kecamatan_code": str})
    summary = json.loads((out / "summary.json").read_text())["allocation"]
    checked = recompute(DATA, scores, ModelSettings(), plan)
    assert checked["violations"] == []
    assert checked["objective"] == pytest.approx(summary["objective"], rel=1e-6)
    agencies = pd.read_csv(out / "allocation_agencies.csv")
    assert agencies.set_index("agency")["used"].to_dict() == pytest.approx(
        plan.groupby("agency")["cost"].sum().reindex(agencies["agency"], fill_value=0)
        .to_dict())
    assert summary["status"] == "optimal" and summary["gap"] <= summary["gap_target"]
    assert plan["data_status"].str.contains("SINTETIS").all()
    baselines = pd.read_csv(out / "allocation_baselines.csv").set_index("plan")
    assert baselines.at["optimal", "removed"] >= baselines.at["greedy", "removed"] - 1e-6


def test_a_scenario_without_a_plan_writes_nothing(tmp_path):
    from planning.model import ModelSettings, Rules
    from planning.pipeline import NoPlan

    out = tmp_path / "res"
    run(DATA, out)
    before = snapshot(out)
    broke = ModelSettings(pagu={"DKPP": 2000, **{a: 0 for a in (
        "PERKIMTA", "PUTR", "DISTAN", "DISDAGPERINKOP", "DPMD", "DINKES", "DP2KBP3A",
        "DINSOS", "DISPAR", "CSR")}}, rules=Rules(min_programs_per_village=3))
    with pytest.raises(NoPlan) as caught:
        run(DATA, out, broke)
    assert "pagu" in caught.value.render("id") and "short by" in caught.value.render("en")
    assert snapshot(out) == before


def test_run_command_prints_the_plan_summary(tmp_path):
    result = CliRunner().invoke(app, ["run", "--out", str(tmp_path / "r"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "status optimal" in result.output
    assert "Deprivations removed" in result.output and "PERKIMTA" in result.output


def test_a_boundary_file_gives_polygon_maps_and_a_geopackage(tmp_path):
    import geopandas

    from .conftest import ROOT, SHARED

    boundary = SHARED / "buleleng_desa.geojson"
    if not boundary.exists():
        pytest.skip("no boundary file in ../shared")
    result = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / "baseline.yaml"),
                                      "--out", str(tmp_path / "r"), "--boundary",
                                      str(boundary)])
    assert result.exit_code == 0, result.output
    layer = geopandas.read_file(tmp_path / "r" / "figures" / "map_plan.gpkg")
    plan = pd.read_csv(tmp_path / "r" / "allocation_plan.csv", dtype={"village": str})
    spent = plan.groupby("village")["cost"].sum()
    got = layer.set_index("code")["cost"].dropna()
    assert set(got.index) == set(spent.index)
    assert got.reindex(spent.index).to_numpy() == pytest.approx(spent.to_numpy())
    assert layer.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_a_bad_boundary_file_is_reported(tmp_path):
    from .conftest import ROOT

    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    result = CliRunner().invoke(app, ["run", str(ROOT / "scenarios" / "baseline.yaml"),
                                      "--out", str(tmp_path / "r"), "--boundary", str(bad),
                                      "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "bad.geojson" in result.output
    assert not (tmp_path / "r").exists()


def test_a_scenario_gives_the_same_files_from_any_working_directory(tmp_path, monkeypatch):
    from planning.pipeline import run_scenario

    from .conftest import NOTEBOOKS, ROOT

    first = run_scenario(ROOT / "scenarios" / "kunci-politik.yaml", tmp_path / "a").out_dir
    monkeypatch.chdir(NOTEBOOKS)  # as a notebook runs it
    second = run_scenario("../scenarios/kunci-politik.yaml", tmp_path / "b").out_dir
    for name in ("summary.json", "allocation_plan.csv", "rencana_alokasi.xlsx"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    summary = json.loads((first / "summary.json").read_text())
    assert summary["scenario"]["file"] == "scenarios/kunci-politik.yaml"
    assert summary["dataset"] == "data/buleleng"

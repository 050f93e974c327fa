"""`planning analyse` with the alternatives and the robustness draws (issue 15), as a
planner runs it: the scenario's ``analysis:`` section or the command line's options, the
draws on a real local Dask cluster; the tables checked by recomputation from the written
files, the same answer with two worker processes and with one, bad settings refused with
nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from planning.apps.cli import app

from .conftest import ROOT

ROBUSTNESS = ["analysis_robustness_villages.csv", "analysis_robustness_programmes.csv",
              "analysis_robustness_sensitivity.csv", "analysis_robustness_groups.csv",
              "analysis_robustness_draws.csv", "analysis_robustness_no_plan.csv"]
ALTERNATIVES = ["analysis_alternatives.csv", "analysis_alternatives_agencies.csv",
                "analysis_alternatives_choices.csv", "analysis_alternatives_core.csv",
                "analysis_alternatives_plans.csv"]


def _scenario(tmp, scores, **analysis) -> object:
    focus = sorted(scores.loc[scores["selected"].astype(bool), "code"])[:6]
    scenario = {"base": str(ROOT / "scenarios" / "efisiensi-murni.yaml"), "name": "kecil",
                "villages": focus, "data": str(ROOT / "data" / "buleleng"),
                "rules": {"kecamatan_min_share": 0.2, "village_max_share": 0.3},
                "analysis": analysis}
    path = tmp / "kecil.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory, scores):
    """The scenario's analysis section asks for 2 alternatives and 4 draws on 2 workers;
    run once so, and once with the command line's --workers 1 over it."""
    tmp = tmp_path_factory.mktemp("many")
    path = _scenario(tmp, scores, alternatives=2, robustness=4, workers=2)
    outs, outputs = [], []
    for extra in ([], ["--workers", "1"]):
        out = tmp / f"out{len(outs)}"
        done = CliRunner().invoke(app, ["analyse", str(path), "--only", "alternatives",
                                        "--only", "robustness", "--out", str(out), *extra])
        assert done.exit_code == 0, done.output
        outs.append(out)
        outputs.append(done.output)
    return outs, outputs


def test_the_tables_sheets_figures_and_console_lines_are_written(runs):
    (out, _), (said, _) = runs
    for name in ALTERNATIVES + ROBUSTNESS:
        assert (out / name).is_file(), name
    for name in ("analysis_robustness.png", "map_robustness.png"):
        data = (out / "figures" / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, name
    book = openpyxl.load_workbook(out / "rencana_alokasi.xlsx")
    assert {"Alternatif", "Ketahanan"} <= set(book.sheetnames)
    texts = [c for row in book["Ketahanan"].iter_rows(values_only=True) for c in row if c]
    assert any("4 undian" in str(c) for c in texts)
    assert any(str(c).startswith("Alternatif 1") for row in book["Alternatif"].iter_rows(
        values_only=True) for c in row if c)
    assert "Alternatif 1:" in said and "Ketahanan rencana: 4 undian" in said
    assert "Proses pekerja: 2" in said
    assert not (out / "analysis_rule_prices.csv").exists(), "--only left the others out"


def test_the_alternatives_differ_as_promised_recomputed_from_the_files(runs):
    out = runs[0][0]
    plans = pd.read_csv(out / "analysis_alternatives_plans.csv", dtype={"village": str})
    summary = pd.read_csv(out / "analysis_alternatives.csv")
    core = pd.read_csv(out / "analysis_alternatives_core.csv", dtype={"village": str})
    chosen = {rank: set(zip(g["village"], g["program"], strict=True))
              for rank, g in plans[plans["units"] > 0].groupby("rank")}
    assert set(chosen) == {0, *summary["rank"]} and len(summary) >= 1
    distance = int(summary["distance"].iloc[0])
    assert distance >= 3
    ranks = sorted(chosen)
    for i in ranks[1:]:
        for j in ranks[:i]:
            gap = len(chosen[i] ^ chosen[j])
            assert gap >= distance, (i, j, gap)
    common = set.intersection(*chosen.values())
    assert set(zip(core["village"], core["program"], strict=True)) == common
    floor = summary["objective"].min()
    assert (summary["share_below_best"] <= 0.02 + 1e-9).all() and floor > 0


def test_the_draws_give_the_same_answer_with_two_workers_and_with_one(runs):
    (two, one), (_, said_one) = runs
    assert "Proses pekerja: 1" in said_one
    for name in ROBUSTNESS + ALTERNATIVES:
        assert (two / name).read_bytes() == (one / name).read_bytes(), name
    draws = pd.read_csv(two / "analysis_robustness_draws.csv")
    assert list(draws["index"]) == [0, 1, 2, 3] and "seconds" not in draws


def test_a_bad_analysis_setting_names_the_file_and_key_and_writes_nothing(tmp_path, scores):
    path = _scenario(tmp_path, scores, alternatives=-1)
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), "--out", str(out)])
    assert done.exit_code == 1
    assert "kecil.yaml" in done.output and "analysis.alternatives" in done.output
    assert not out.exists()


def test_an_unreachable_scheduler_is_named_and_nothing_is_written(tmp_path, scores,
                                                                 monkeypatch):
    from planning.analysis import workers

    monkeypatch.setattr(workers, "CONNECT_TIMEOUT", 2.0)
    path = _scenario(tmp_path, scores)
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), "--only", "robustness",
                                    "--robustness", "2", "--scheduler", "tcp://127.0.0.1:1",
                                    "--out", str(out)])
    assert done.exit_code == 1, done.output
    assert "tcp://127.0.0.1:1" in done.output
    assert not out.exists()


def test_an_alternative_taken_as_the_plan_runs_with_its_choices_and_compares(
        runs, tmp_path, monkeypatch):
    out = runs[0][0]
    plans = pd.read_csv(out / "analysis_alternatives_plans.csv", dtype={"village": str})
    wanted = plans[(plans["rank"] == 1) & (plans["units"] > 0)]
    scenario = tmp_path / "alternatif-1.yaml"
    source = ["--scenario", str(out.parent / "kecil.yaml")]
    # from a folder outside the project, without --scenario: the scenario summary.json
    # records (relative to its project folder) is found above the results folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    done = CliRunner().invoke(app, ["adopt", str(out), "1", "--out", str(scenario)])
    assert done.exit_code == 0, done.output
    assert "planning run" in done.output and scenario.is_file()
    tree = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    assert (scenario.parent / tree["base"]).resolve() == (out.parent / "kecil.yaml").resolve()
    # written into another folder than its base: the data set relative to its project
    assert not Path(tree["data"]).is_absolute()
    assert (scenario.parent.parent / tree["data"]).resolve() == \
        (ROOT / "data" / "buleleng").resolve()
    again = CliRunner().invoke(app, ["adopt", str(out), "1", "--out", str(scenario), *source])
    assert again.exit_code == 1 and "tidak ditimpa" in again.output
    missing = CliRunner().invoke(app, ["adopt", str(out), "9", "--out", str(tmp_path / "x.yaml"),
                                       *source])
    assert missing.exit_code == 1 and "1, 2" in missing.output
    assert not (tmp_path / "x.yaml").exists()
    # a folder that is not there; another scenario than the results'; the results moved
    # away from their project: each said as it is, with what to do, nothing written
    other = tmp_path / "lain.yaml"
    other.write_text(f"name: lain\nbase: {out.parent / 'kecil.yaml'}\n")
    moved = tmp_path / "pindah" / "hasil"
    shutil.copytree(out, moved)
    summary = json.loads((moved / "summary.json").read_text(encoding="utf-8"))
    summary["scenario"]["file"] = "scenarios/tidak-ada.yaml"
    (moved / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    for args, said in (
            ([str(tmp_path / "tiada"), "1"], "does not exist"),
            ([str(out), "1", "--scenario", str(other)],
             "is the scenario 'lain', but"),
            ([str(moved), "1"], "scenarios/tidak-ada.yaml (as summary.json or the Meta "
                                "sheet records), but that file is not found")):
        refused = CliRunner().invoke(app, ["adopt", *args, "--out", str(tmp_path / "y.yaml"),
                                           "--lang", "en"])
        assert refused.exit_code == 1 and said in refused.output, refused.output
        assert "Traceback" not in refused.output and "results/<" not in refused.output
        assert not (tmp_path / "y.yaml").exists()
    ran = tmp_path / "ran"
    done = CliRunner().invoke(app, ["run", str(scenario), "--out", str(ran)])
    assert done.exit_code == 0, done.output
    plan = pd.read_csv(ran / "allocation_plan.csv", dtype={"village": str})
    plan = plan[plan["units"] > 0]
    assert set(zip(plan["village"], plan["program"], strict=True)) == set(
        zip(wanted["village"], wanted["program"], strict=True))
    compared = CliRunner().invoke(app, ["compare", str(out), str(ran), "--out",
                                        str(tmp_path / "cmp")])
    assert compared.exit_code == 0, compared.output


def _damaged(out: Path, tmp_path: Path, name: str, damage) -> Path:
    folder = tmp_path / name
    shutil.copytree(out, folder)
    damage(folder)
    return folder


def _cut(folder: Path) -> None:
    """The plans file cut inside rank 1, at a row boundary: every row it still has is
    well formed, but alternative 1 has lost most of its choices."""
    path = folder / "analysis_alternatives_plans.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("1,"))
    path.write_text("".join(lines[:first + 3]), encoding="utf-8")


def _edit(file: str, old: str, new: str, count: int = 1):
    def damage(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, count),
                        encoding="utf-8")
    return damage


@pytest.mark.parametrize(("damage", "said"), [
    (_cut, "does not hold alternative 1 whole"),
    (lambda f: (f / "analysis_alternatives_plans.csv").write_text(""), "cannot be read"),
    (_edit("analysis_alternatives_plans.csv", "rank,", "peringkat,"),
     "lacks the columns rank"),
    (lambda f: (f / "summary.json").write_bytes((f / "summary.json").read_bytes()[:300]),
     "summary.json in results folder"),
    (_edit("summary.json", '"scenario"', '"skenario"'), "key 'scenario.file'"),
])
def test_adopting_from_a_damaged_results_folder_is_refused_naming_the_file(
        runs, tmp_path, damage, said):
    """adopt read the alternatives' files blindly: a plans file cut short at a row gave a
    scenario with most of the alternative locked out; other damage gave tracebacks."""
    out = runs[0][0]
    folder = _damaged(out, tmp_path, "rusak", damage)
    target = tmp_path / "alt.yaml"
    done = CliRunner().invoke(app, ["adopt", str(folder), "1", "--out", str(target),
                                    "--scenario", str(out.parent / "kecil.yaml"),
                                    "--lang", "en"])
    assert done.exit_code == 1 and said in done.output, done.output
    assert "Traceback" not in done.output and not target.exists()


def test_a_units_cell_that_is_no_number_is_named_by_row_and_column(runs, tmp_path):
    out = runs[0][0]
    plans = pd.read_csv(out / "analysis_alternatives_plans.csv", dtype=str,
                        keep_default_na=False)
    plans.loc[4, "units"] = "abc"
    folder = _damaged(out, tmp_path, "abc", lambda f: plans.to_csv(
        f / "analysis_alternatives_plans.csv", index=False))
    done = CliRunner().invoke(app, ["adopt", str(folder), "1", "--out",
                                    str(tmp_path / "a.yaml"), "--lang", "en"])
    assert done.exit_code == 1, done.output
    assert "row 6, column 'units': value 'abc' is not a whole number" in done.output


def test_adopt_refuses_a_changed_scenario_and_a_name_that_is_no_folder(runs, tmp_path):
    """The alternative was found under the scenario as it was: a scenario edited since
    (same name) is refused naming the keys changed; a --name that cannot name a results
    folder is refused before anything is written."""
    out = runs[0][0]
    source = yaml.safe_load((out.parent / "kecil.yaml").read_text(encoding="utf-8"))
    source["rules"]["village_max_share"] = 0.25
    edited = tmp_path / "kecil.yaml"
    edited.write_text(yaml.safe_dump(source), encoding="utf-8")
    target = tmp_path / "alt.yaml"
    done = CliRunner().invoke(app, ["adopt", str(out), "1", "--out", str(target),
                                    "--scenario", str(edited), "--lang", "en"])
    assert done.exit_code == 1 and "has changed since the results" in done.output
    assert "rules.village_max_share" in done.output and not target.exists()
    done = CliRunner().invoke(app, ["adopt", str(out), "1", "--out", str(target),
                                    "--scenario", str(out.parent / "kecil.yaml"),
                                    "--name", "../../lari", "--lang", "en"])
    assert done.exit_code == 2 and "cannot be a scenario's name" in done.output, done.output
    assert not target.exists()


def test_the_run_records_the_analysis_settings_it_used(scores, tmp_path):
    """summary.json recorded the scenario's analysis section whatever the command line
    said (``--robustness 3 --seed 7`` was recorded as 0 draws, seed 2020): a reviewer
    re-running from the record could not get the same Ketahanan sheet."""
    path = _scenario(tmp_path, scores, workers=0)
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), "--only", "robustness",
                                    "--robustness", "3", "--seed", "7", "--out", str(out)])
    assert done.exit_code == 0, done.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    used = summary["scenario"]["settings"]["analysis"]
    assert (used["robustness"], used["seed"], used["alternatives"]) == (3, 7, 0)
    draws = pd.read_csv(out / "analysis_robustness_draws.csv")
    assert len(draws) == 3 and set(draws["seed"]) == {7}


def test_adopt_says_what_to_do_for_a_folder_of_another_kind_and_a_file_no_yaml(runs,
                                                                                 tmp_path):
    from planning.report.folder import write_folder

    out = runs[0][0]
    done = CliRunner().invoke(app, ["adopt", str(out), "1", "--out", str(tmp_path / "a.txt"),
                                    "--lang", "en"])
    assert done.exit_code == 2 and "give a name ending in .yaml" in done.output
    assert not (tmp_path / "a.txt").exists()
    compared = write_folder(tmp_path / "banding", {"compare_summary.json": b"{}"},
                            kind="compare")
    done = CliRunner().invoke(app, ["adopt", str(compared), "1", "--out",
                                    str(tmp_path / "a.yaml"), "--lang", "en"])
    assert done.exit_code == 1, done.output
    # analyse refuses a comparison's folder: the advice names a new one instead
    assert "--alternatives 5 --out results/<name>" in done.output, done.output

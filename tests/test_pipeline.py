"""The run object: prepare -> execute -> Result, its files in memory and on disk, and the
one provenance record that summary.json and the workbook share."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from planning.pipeline import (
    Prepared,
    Result,
    execute,
    prepare,
    prepare_scores,
    run_scenario,
)
from planning.pipeline.provenance import SOLVER_KEYS
from planning.report.folder import MARKER, ResultsFolderError

from .conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Prepared:
    return prepare(BASELINE, tmp_path_factory.mktemp("run") / "baseline")


@pytest.fixture(scope="module")
def result(prepared) -> Result:
    return execute(prepared)


def on_disk(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}


def test_prepare_resolves_the_scenario_without_solving(prepared):
    assert prepared.lang == "id" and prepared.out_dir.name == "baseline"
    assert prepared.scenario["file"] == "scenarios/baseline.yaml"
    assert prepared.scenario["data"] == "data/buleleng"
    assert prepared.settings.pagu["PUTR"] == pytest.approx(2400)
    assert prepared.edits is None
    assert (ROOT / "data" / "buleleng").resolve() in {p.resolve() for p in prepared.protect}


def test_files_are_what_write_puts_on_disk(result, prepared):
    files = result.files()
    assert result.out_dir is None
    written = result.write()
    assert written == prepared.out_dir and result.out_dir == prepared.out_dir
    assert on_disk(written) == files
    assert result.workbook_path == written / "rencana_alokasi.xlsx"


def test_files_in_memory(result):
    files = result.files()
    assert {f"figures/{name}" for name in result.figures()} == {
        n for n in files if n.startswith("figures/") and n.endswith(".png")}
    assert all(files[f"figures/{name}"] == png for name, png in result.figures().items())
    assert files[result.workbook_name] == result.workbook_bytes()
    assert json.loads(files["summary.json"]) == json.loads(json.dumps(result.summary))
    tables = result.tables()
    assert set(tables) == {n for n in files if n.endswith(".csv")}
    assert tables["allocation_plan.csv"]["cost"].sum() == pytest.approx(
        result.summary["allocation"]["spending_total"])


def test_two_executes_of_one_prepared_run_give_the_same_files(prepared, result):
    again = execute(prepared)
    first, second = result.files(), again.files()
    assert set(first) == set(second)
    assert [n for n in first if first[n] != second[n]] in ([], ["timing.json"])


def test_provenance_of_summary_json_is_the_workbooks(result):
    summary = json.loads(result.files()["summary.json"])
    book = openpyxl.load_workbook(io.BytesIO(result.workbook_bytes()))
    meta = {}
    for section, key, value in book["Meta"].iter_rows(min_row=5, max_col=3,
                                                      values_only=True):
        meta.setdefault(section, {})[key] = value
    assert meta["input_sha256"] == summary["input_sha256"]
    assert meta["versions"] == summary["versions"]
    assert meta["provenance"]["dataset"] == summary["dataset"] == "data/buleleng"
    plan = summary["allocation"]
    assert set(meta["solver"]) == set(SOLVER_KEYS)
    for key in SOLVER_KEYS:
        want = plan[key]
        if isinstance(want, bool):
            want = "true" if want else "false"
        assert meta["solver"][key] == (pytest.approx(want) if isinstance(want, float)
                                       else want), key
    assert result.provenance["solver"]["status"] == plan["status"]


def test_a_wrong_out_is_refused_before_any_work(tmp_path, monkeypatch):
    import planning.pipeline.preparing as preparing

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("not ours")

    def no_loading(*args, **kwargs):
        raise AssertionError("the data set was loaded before the results folder was checked")

    monkeypatch.setattr(preparing, "load_dataset", no_loading)
    with pytest.raises(ResultsFolderError):
        prepare(BASELINE, theirs)
    assert (theirs / "notes.txt").read_text() == "not ours"


def test_run_scenario_is_prepare_execute_write(tmp_path, result):
    again = run_scenario(BASELINE, tmp_path / "out")
    assert isinstance(again, Result) and again.out_dir == tmp_path / "out"
    assert again.summary["focus_villages"] == result.summary["focus_villages"]
    assert again.allocation.is_plan and again.dataset.path == result.dataset.path
    mine, theirs = on_disk(tmp_path / "out"), result.files()
    assert {n for n in mine if mine[n] != theirs[n]} <= {"timing.json"}


def test_the_scoring_job_has_the_same_shape(tmp_path):
    from planning.config.options import resolve

    job = prepare_scores(resolve(None, ROOT / "data" / "buleleng", {}), "en",
                         tmp_path / "scores")
    scored = execute(job)
    files = scored.files()
    assert set(files) == {"village_scores.csv", "focus_2020_comparison.csv",
                          "scores_summary.json", "score_report.md"}
    written = scored.write()
    assert written == (tmp_path / "scores").resolve()
    assert on_disk(written) == files

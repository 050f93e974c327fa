"""The reviewer's re-run (planning.apps.review and notebook 05), on a copy of the project with
two scenarios (baseline and kunci-politik, which has locks) to keep the time down."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from planning.apps.review import CHECKS, YEAR_CHECKS, check_results, compare_hashes, rerun_all

from .conftest import DATA, ROOT, run_notebook

PAIR = ("baseline", "kunci-politik")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder with scenarios/ (two of the shipped ones) and data/buleleng."""
    root = tmp_path_factory.mktemp("project")
    (root / "scenarios").mkdir()
    for name in PAIR:
        shutil.copy(ROOT / "scenarios" / f"{name}.yaml", root / "scenarios")
    shutil.copytree(DATA, root / "data" / "buleleng")
    return root


@pytest.fixture(scope="module")
def first(project, tmp_path_factory):
    """Both scenarios re-run twice, with no earlier results."""
    return rerun_all(project / "scenarios", project / "results",
                     work_dir=tmp_path_factory.mktemp("work"), twice=True)


def earlier_results(review, target: Path) -> Path:
    """The fresh folders of ``review`` copied as a results folder (results/<scenario>)."""
    for row in review.rows:
        shutil.copytree(row.folder, target / row.scenario)
    return target


def raise_units(folder: Path, program: str, by: int = 1) -> None:
    """Raise the units (only) of the first plan row of ``program``, as a hand edit would."""
    path = folder / "allocation_plan.csv"
    plan = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = plan.index[plan["program"] == program][0]
    plan.loc[row, "units"] = str(int(plan.loc[row, "units"]) + by)
    plan.to_csv(path, index=False, lineterminator="\n")


def test_honest_results_pass_every_check(first):
    assert [r.scenario for r in first.rows] == list(PAIR)
    for row in first.rows:
        assert row.error is None
        assert row.passed == list(CHECKS), row.reasons("en")
        assert row.status == "checked" and row.earlier is None
    assert first.ok and not first.reproduced
    table = first.table("en")
    assert list(table["scenario"]) == list(PAIR)
    assert (table["checks passed"] == f"{len(CHECKS)} of {len(CHECKS)}").all()
    assert (table["compared with"] == "no earlier results to compare").all()
    verdict = first.verdict("en")
    assert "no earlier results to compare" in verdict and "NOT" not in verdict
    assert "tidak ada hasil sebelumnya untuk dibandingkan" in first.verdict()
    assert "skenario" in first.table().columns


def test_a_second_run_gives_identical_hashes(first):
    for row in first.rows:
        second = row.second
        assert second is not None and second.same, second
        assert {"allocation_plan.csv", "summary.json", "rencana_alokasi.xlsx",
                "figures/plan_vs_baselines.png"} <= set(second.compared)
        assert "timing.json" not in second.compared
        assert second.identical == second.compared
    assert "identical (" in first.table("en")["second run"].iloc[0]


def test_the_locks_are_checked_against_the_scenario(first, tmp_path):
    row = next(r for r in first.rows if r.scenario == "kunci-politik")
    folder = shutil.copytree(row.folder, tmp_path / "tampered")
    path = folder / "allocation_plan.csv"
    plan = pd.read_csv(path, dtype=str, keep_default_na=False)
    locked = (plan["village"] == "51.08.03.2005") & (plan["program"] == "PKM-RTLH")
    assert plan.loc[locked, "units"].tolist() == ["10"]
    plan[~locked].to_csv(path, index=False, lineterminator="\n")
    found = check_results(folder, row.file, data=DATA)
    assert [f.render("en") for f in found["locks"]] == [
        "lock PKM-RTLH in 51.08.03.2005 not honoured: 0 units, 10 locked"]


@pytest.mark.parametrize(("column", "check"), [("units", "units"), ("cost", "cost"),
                                               ("households_reached", "reach")])
def test_a_tampered_csv_fails_the_independent_checks(first, tmp_path, column, check):
    row = first.rows[0]
    folder = shutil.copytree(row.folder, tmp_path / "tampered")
    path = folder / "allocation_plan.csv"
    plan = pd.read_csv(path, dtype=str, keep_default_na=False)
    # a row at its upper bound: min(max_units, ceil(need / beneficiaries per unit))
    programs = pd.read_csv(DATA / "programs.csv").set_index("code")
    needs = pd.read_csv(DATA / "indicators.csv", dtype={"code": str}).set_index("code")
    hi = [min(int(programs.at[p, "max_units"]), math.ceil(
        needs.at[v, programs.at[p, "need_indicator"]]
        / programs.at[p, "beneficiaries_per_unit"] - 1e-9))
        for v, p in zip(plan["village"], plan["program"], strict=True)]
    biggest = next(i for i, (n, h) in enumerate(zip(plan["units"].astype(int), hi,
                                                    strict=True)) if n == h)
    plan.loc[biggest, column] = str(float(plan.loc[biggest, column]) + 1)
    plan.to_csv(path, index=False, lineterminator="\n")
    found = check_results(folder, row.file, data=DATA)
    assert found[check], found
    assert plan.loc[biggest, "program"] in " ".join(f.render("en") for f in found[check])
    untouched = {"locks", "coverage"}
    assert not any(found[name] for name in untouched)


def test_a_wrong_objective_in_the_summary_is_caught(first, tmp_path):
    row = first.rows[0]
    folder = shutil.copytree(row.folder, tmp_path / "tampered")
    summary = json.loads((folder / "summary.json").read_text())
    summary["allocation"]["objective"] *= 1 + 1e-5
    (folder / "summary.json").write_text(json.dumps(summary))
    found = check_results(folder, row.file, data=DATA)
    assert [name for name, f in found.items() if f] == ["objective"]
    assert "relative difference" in found["objective"][0].render("en")


def test_matching_earlier_results_reproduce_and_a_tampered_one_is_named(first, project,
                                                                        tmp_path):
    results = earlier_results(first, tmp_path / "results")
    raise_units(results / "kunci-politik", "PKM-RTLH")
    review = rerun_all(project / "scenarios", results, work_dir=tmp_path / "work", lang="en")
    rows = {r.scenario: r for r in review.rows}
    assert rows["baseline"].status == "reproduced"
    assert rows["baseline"].earlier.identical == rows["baseline"].earlier.compared
    assert rows["kunci-politik"].status == "differs"
    assert rows["kunci-politik"].earlier.changed == ("allocation_plan.csv",)
    verdict = review.verdict()
    assert verdict.startswith("The results do NOT reproduce: kunci-politik")
    assert "content differs in allocation_plan.csv" in verdict and "baseline" not in verdict
    assert review.verdict("id").startswith("Hasil TIDAK dapat direproduksi: kunci-politik")
    table = review.table()
    assert table.set_index("scenario").loc["kunci-politik", "differing files"] == \
        "content differs in allocation_plan.csv"


def test_missing_and_extra_files_count_as_differing(first, tmp_path):
    folder = first.rows[0].folder
    other = shutil.copytree(folder, tmp_path / "other")
    (other / "summary.json").unlink()
    (other / "notes.txt").write_text("x")
    comparison = compare_hashes(folder, other)
    assert comparison.missing == ("summary.json",) and comparison.extra == ("notes.txt",)
    assert not comparison.same
    assert comparison.describe("en") == "missing there: summary.json; only there: notes.txt"


def test_notebook_05_says_the_results_reproduce(first, project, tmp_path):
    results = earlier_results(first, tmp_path / "results")
    executed = run_notebook("05_reviewer_rerun.ipynb", tmp_path,
                            scenario_dir=str(project / "scenarios"), results_dir=str(results),
                            work_dir=str(tmp_path / "work"), lang="en")
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", [])
                      if o.get("name") == "stdout")
    assert printed.startswith("The results reproduce: 2 scenarios"), printed


def test_a_scenario_that_does_not_run_is_named(tmp_path):
    (tmp_path / "scenarios").mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", tmp_path / "scenarios")
    (tmp_path / "scenarios" / "rusak.yaml").write_text(
        "name: rusak\nbudgets: {agencies: {NOPE: {pagu: 1}}}\n")
    shutil.copytree(DATA, tmp_path / "data" / "buleleng")
    review = rerun_all(tmp_path / "scenarios", tmp_path / "results",
                       work_dir=tmp_path / "work", only=["rusak"])
    (row,) = review.rows
    assert row.status == "error" and not review.ok
    assert review.verdict("en").startswith("The results do NOT reproduce: rusak did not run (")
    assert "NOPE" in review.verdict("en") and "NOPE" in review.table("en").iloc[0, 3]


# --- a multi-year scenario -----------------------------------------------------------------
#: the shipped RPJMD scenario over two years (2026-2027), to keep the re-runs short
TWO_YEARS = "rpjmd-dua-tahun"


@pytest.fixture(scope="module")
def years_project(tmp_path_factory) -> Path:
    """A project folder whose scenarios/ holds one two-year scenario, based on the shipped
    RPJMD scenario and the baseline (kept in bases/, so that they are not re-run)."""
    root = tmp_path_factory.mktemp("years-project")
    for folder in ("scenarios", "bases"):
        (root / folder).mkdir()
    for name in ("baseline", "rpjmd-2026-2030"):
        shutil.copy(ROOT / "scenarios" / f"{name}.yaml", root / "bases")
    base = (root / "bases" / "rpjmd-2026-2030.yaml").as_posix()
    (root / "scenarios" / f"{TWO_YEARS}.yaml").write_text(
        f"name: {TWO_YEARS}\nbase: {base}\nhorizon:\n  end: 2027\n  targets: []\n",
        encoding="utf-8")
    shutil.copytree(DATA, root / "data" / "buleleng")
    return root


@pytest.fixture(scope="module")
def years_review(years_project, tmp_path_factory):
    """The two-year scenario re-run twice, with no earlier results."""
    return rerun_all(years_project / "scenarios", years_project / "results",
                     work_dir=tmp_path_factory.mktemp("years-work"), twice=True,
                     progress=False)


def test_a_multi_year_plan_passes_every_check_of_every_year(years_review):
    (row,) = years_review.rows
    assert row.error is None and row.multi_year
    assert row.passed == list(YEAR_CHECKS), row.reasons("en")
    assert (row.folder / "years" / "units.csv").is_file()
    assert row.second is not None and row.second.same, row.second
    assert {"years/units.csv", "years/spend.csv", "summary.json",
            "rencana_multi_tahun.xlsx"} <= set(row.second.compared)
    assert "timing.json" not in row.second.compared
    verdict = years_review.verdict("en")
    assert "Multi-year scenarios (rpjmd-dua-tahun) were checked for every year: agency " \
           "pagu each year, works of several years continued" in verdict
    assert "Skenario multi-tahun (rpjmd-dua-tahun) diperiksa untuk setiap tahun" in \
        years_review.verdict()


def test_the_independent_year_checks_agree_with_the_plan_files(years_review):
    """The reviewer's own numbers, recomputed here from the files another way: per year
    and agency the spending of units.csv's rows, (c x + f) / n, within spend.csv's pagu,
    which is the first year's pagu grown by 5 % a year."""
    (row,) = years_review.rows
    units = pd.read_csv(row.folder / "years" / "units.csv", dtype={"village": str})
    spend = pd.read_csv(row.folder / "years" / "spend.csv").set_index(["year", "agency"])
    programs = pd.read_csv(DATA / "programs.csv").set_index("code")
    agencies = pd.read_csv(DATA / "agencies.csv").set_index("code")
    n = units["program"].map(programs["duration"].fillna(1))
    cost = (units["program"].map(programs["unit_cost"]) * units["units"]
            + units["program"].map(programs["fixed_cost"])) / n
    used = cost.groupby([units["year"], units["agency"]]).sum()
    for (year, agency), value in used.items():
        pagu = round(float(agencies.at[agency, "pagu"]) * 1.05 ** (year - 2026), 6)
        assert spend.at[(year, agency), "pagu"] == pytest.approx(pagu)
        assert value <= pagu + 1e-6


@pytest.mark.parametrize(("file", "change", "check"), [
    ("units.csv", "units", "year_works"),
    ("units.csv", "cost", "year_pagu"),
    ("removed.csv", "removed", "year_stock"),
    ("units.csv", "started", "year_need"),
])
def test_a_tampered_year_file_fails_its_check(years_review, tmp_path, file, change, check):
    (row,) = years_review.rows
    folder = shutil.copytree(row.folder, tmp_path / "tampered")
    path = folder / "years" / file
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if change == "removed":  # more removed than the deprived at the year's start
        at = table.index[table["year"] == "2027"][0]
        table.loc[at, "removed"] = str(float(table.loc[at, "deprived_start"]) + 5)
    elif change == "started":  # a start beyond the need over the years
        at = table.index[table["duration"] == "1"][0]
        programs = pd.read_csv(DATA / "programs.csv").set_index("code")
        needs = pd.read_csv(DATA / "indicators.csv", dtype={"code": str}).set_index("code")
        program, village = table.loc[at, "program"], table.loc[at, "village"]
        cap = math.ceil(needs.at[village, programs.at[program, "need_indicator"]]
                        / programs.at[program, "beneficiaries_per_unit"] - 1e-9)
        table.loc[at, ["started", "units"]] = str(cap + 1)
    else:
        at = table.index[table["duration"] == "2"][0]
        table.loc[at, change] = str(float(table.loc[at, change]) + 1)
    table.to_csv(path, index=False, lineterminator="\n")
    found = check_results(folder, row.file, data=DATA)
    assert found[check], found
    if change != "removed":
        assert table.loc[at, "program"] in " ".join(f.render("en") for f in found[check])
    assert [f.render("id") for f in found[check]]


def test_notebook_05_reproduces_a_multi_year_scenario(years_review, years_project,
                                                      tmp_path):
    results = earlier_results(years_review, tmp_path / "results")
    scenarios = years_project / "scenarios"
    executed = run_notebook("05_reviewer_rerun.ipynb", tmp_path,
                            scenario_dir=str(scenarios), results_dir=str(results),
                            work_dir=str(tmp_path / "work"), lang="en")
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", [])
                      if o.get("name") == "stdout")
    assert printed.startswith("The results reproduce: 1 scenarios"), printed
    assert "Multi-year scenarios (rpjmd-dua-tahun) were checked for every year" in printed

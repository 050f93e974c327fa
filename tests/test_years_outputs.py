"""The outputs of a multi-year plan (issue 17) and the re-plan after a recorded year.

End to end on the shipped scenario ``rpjmd-2026-2030`` with the real
:func:`planning.model.years.plan_years`: every year's spending per agency recomputed
with pandas from the units and programs.csv (the CSV files and the workbook) and checked
against the year's pagu; every sheet and figure there; the re-plan after recording the
first year with some works not done and one partly done: the history kept exactly, the
works started continued, every remaining year within its pagu.

The round trip's problems are checked on a small workbook written from a hand-built
plan-shaped fixture (formatting only: the reader does not depend on the model).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.i18n.glossary import term
from planning.model.solve import SolveReport
from planning.report.roundtrip import RoundTripError
from planning.report.years import (
    RKPD_HEADERS,
    STATUS_CHOICES,
    year_sheet,
    years_workbook_bytes,
)
from planning.report.years_roundtrip import delivered_started, read_recorded_year

from .conftest import DATA, ROOT

SCENARIO = ROOT / "scenarios" / "rpjmd-2026-2030.yaml"
HEADER = 6
"""The row of an RKPD sheet's header: the banner (rows 1-3), the note (4), an empty row."""
TOL = 1e-6


# --- a plan-shaped fixture for the reader's messages ----------------------------------------
def fake_plan(ds, recorded: tuple[int, ...] = ()):
    """Three years, three works a year (one of two years), as YearPlan's tables;
    ``recorded``: the years shown as delivered history."""
    villages = ds.villages.iloc[:3]
    programs = ds.programs.set_index("code")
    long_p, one_p = programs.index[0], programs.index[1]
    rows = []
    for year in (2026, 2027, 2028):
        for (_, v), program, units, started, n in (
                ((0, villages.iloc[0]), long_p, 3, 3 if year == 2026 else 0, 2),
                ((1, villages.iloc[1]), one_p, 2, 2, 1),
                ((2, villages.iloc[2]), one_p, 4, 4, 1)):
            rows.append({"year": year, "village": v["code"], "program": program,
                         "agency": programs.at[program, "agency"],
                         "dimension": programs.at[program, "dimension"],
                         "kecamatan_code": v["kecamatan_code"], "units": units,
                         "started": started, "duration": n, "cost": 10.0, "reach": 2.0,
                         "recorded": year in recorded})
    units = pd.DataFrame(rows)
    spend = units.groupby(["year", "agency"], as_index=False)["cost"].sum().rename(
        columns={"cost": "spent"}).assign(pagu=100.0, committed=0.0)
    spend["left"] = spend["pagu"] - spend["spent"]
    focus = pd.DataFrame([{"year": y, "code": c, "name": c, "kecamatan_code": "x",
                           "kecamatan": "X", "poverty_index": 0.5, "rank_in_kecamatan": 1,
                           "selected": True, "change": "" if y == 2026 else "stays"}
                          for y in (2026, 2027, 2028) for c in villages["code"]])
    targets = pd.DataFrame(columns=["target", "kind", "dimension", "by", "goal", "year",
                                    "achieved", "share", "met"])
    removed = pd.DataFrame(columns=["year", "village", "dimension", "deprived_start",
                                    "reached", "removed", "lift", "deprived_end"])
    report = SolveReport(status="optimal", objective=1.0, bound=1.0, gap=0.0, runtime=0.1,
                         solver="HiGHS", solver_version="-", gap_target=0.01, time_limit=60)
    return SimpleNamespace(years=[2026, 2027, 2028], report=report, units=units, spend=spend,
                           removed=removed, focus=focus, targets=targets,
                           history=units.iloc[:0])


@pytest.fixture(scope="module")
def small_book(tmp_path_factory, ds) -> Path:
    path = tmp_path_factory.mktemp("small") / "rencana_multi_tahun.xlsx"
    path.write_bytes(years_workbook_bytes(fake_plan(ds), ds, scenario={"name": "kecil"},
                                          provenance={}))
    return path


def edited(source: Path, target: Path, change, sheet: str = "RKPD 2026") -> Path:
    book = load_workbook(source)
    change(book[sheet] if sheet in book.sheetnames else book, book)
    book.save(target)
    return target


def all_done(ws, book=None) -> None:
    for row in range(HEADER + 1, HEADER + 4):
        ws.cell(row, 13).value = "selesai"


def with_(*changes):
    def change(ws, book):
        all_done(ws)
        for c in changes:
            c(ws, book)
    return change


def cell(row: int, column: int, value):
    def change(ws, book):
        ws.cell(row, column).value = value
    return change


def test_the_rkpd_sheet_has_the_two_columns_to_fill_and_its_drop_down(small_book):
    book = load_workbook(small_book)
    ws = book["RKPD 2026"]
    header = [c.value for c in ws[HEADER]]
    assert header == RKPD_HEADERS["id"]
    assert header[-2:] == ["Realisasi (unit)", "Status"]
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"selesai,sebagian,tidak"'
    assert str(lists[0].sqref) == f"M{HEADER + 1}:M{HEADER + 3}"
    # Realisasi: a whole number from 0 to the row's own units in work (column G, the row
    # relative: Excel moves the reference down the range)
    (whole,) = [v for v in ws.data_validations.dataValidation if v.type == "whole"]
    assert str(whole.sqref) == f"L{HEADER + 1}:L{HEADER + 3}"
    assert whole.operator in (None, "between")  # "between" is the file's default
    assert (whole.formula1, whole.formula2) == ("0", f"$G{HEADER + 1}")
    assert book["_rkpd"].sheet_state == "hidden"


def test_done_partly_and_not_done_become_the_history(small_book, tmp_path):
    def change(ws, book):
        ws.cell(HEADER + 1, 13).value = "sebagian"   # the two-year work: 2 of 3 units
        ws.cell(HEADER + 1, 12).value = 2
        ws.cell(HEADER + 2, 13).value = "tidak"
        ws.cell(HEADER + 3, 13).value = "Selesai"    # any case
    got = read_recorded_year(edited(small_book, tmp_path / "e.xlsx", change), 2026)
    assert got.history.columns.tolist() == ["year", "village", "program", "started", "units"]
    assert got.history["units"].tolist() == [2, 0, 4]
    assert got.history["started"].tolist() == [2, 0, 4]
    assert got.rows["status"].tolist() == ["partly", "not_done", "done"]
    assert (got.history["year"] == 2026).all()


def test_an_empty_row_inside_the_table_is_read_past(small_book, tmp_path):
    """A planner who inserts an empty row among the works (to separate agencies, say) has
    deleted nothing: the rows after it are read, not reported as deleted rows."""
    def change(ws, book):
        all_done(ws)
        ws.cell(HEADER + 2, 13).value = "tidak"
        ws.insert_rows(HEADER + 2)
    got = read_recorded_year(edited(small_book, tmp_path / "e.xlsx", change), 2026)
    assert got.rows["status"].tolist() == ["done", "not_done", "done"]
    assert got.rows["row"].tolist() == [HEADER + 1, HEADER + 3, HEADER + 4]


def test_the_started_units_of_a_partly_delivered_row_by_brute_force():
    """delivered_started against enumerating which units were delivered: the units of
    works started earlier first."""
    for planned in range(0, 6):
        for started in range(0, planned + 1):
            for delivered in range(0, planned + 1):
                earlier = planned - started
                units = ["e"] * earlier + ["s"] * started  # earlier works first
                assert delivered_started(planned, started, delivered) == \
                    units[:delivered].count("s")


def not_multi_year(path: Path, ds) -> None:
    book = Workbook()
    book.active.title = "Alokasi"
    book.create_sheet("_plan")
    book.save(path)


#: (id, how to make the workbook, year, key, sheet, row, column, letter, Bahasa Indonesia
#: words, English words)
CASES = [
    ("blank status", with_(cell(HEADER + 2, 13, None)), 2026, "replan.no_status",
     "RKPD 2026", HEADER + 2, "Status", "M", "Status kosong", "Status is blank"),
    ("unknown status", with_(cell(HEADER + 2, 13, "hampir")), 2026, "replan.bad_status",
     "RKPD 2026", HEADER + 2, "Status", "M", "'hampir' bukan status",
     "'hampir' is not a known status"),
    ("partly above planned", with_(cell(HEADER + 1, 13, "sebagian"),
                                   cell(HEADER + 1, 12, 5)), 2026, "replan.bad_realised",
     "RKPD 2026", HEADER + 1, "Realisasi (unit)", "L", "dari 0 sampai 3",
     "from 0 to 3"),
    ("partly not whole", with_(cell(HEADER + 1, 13, "sebagian"),
                               cell(HEADER + 1, 12, 1.5)), 2026, "replan.bad_realised",
     "RKPD 2026", HEADER + 1, "Realisasi (unit)", "L", "'1.5' bukan bilangan bulat",
     "'1.5' is not a whole number"),
    ("partly without units", with_(cell(HEADER + 1, 13, "sebagian")), 2026,
     "replan.partly_without_units", "RKPD 2026", HEADER + 1, "Realisasi (unit)", "L",
     "sebagian tanpa Realisasi", "partly without Delivered"),
    ("done with other units", with_(cell(HEADER + 1, 12, 1)), 2026, "replan.done_differs",
     "RKPD 2026", HEADER + 1, "Realisasi (unit)", "L", "bukan 3 unit", "not the 3 units"),
    ("not done with units", with_(cell(HEADER + 1, 13, "tidak"), cell(HEADER + 1, 12, 2)),
     2026, "replan.not_done_with_units", "RKPD 2026", HEADER + 1, "Realisasi (unit)", "L",
     "status tidak tetapi Realisasi 2", "status not done but Delivered 2"),
    ("formula", with_(cell(HEADER + 3, 13, '=IF(1,"selesai","")')), 2026,
     "roundtrip.formula", "RKPD 2026", HEADER + 3, "Status", "M", "berisi rumus",
     "holds a formula"),
    ("row added", with_(cell(HEADER + 2, 4, "PKM-RTLH")), 2026, "replan.unknown_row",
     "RKPD 2026", HEADER + 2, "kode_program", "D", "tidak direncanakan tahun ini",
     "is not planned this year"),
    ("unknown village", with_(cell(HEADER + 2, 1, "51.08.99.9999")), 2026,
     "replan.unknown_village", "RKPD 2026", HEADER + 2, "kode_desa", "A",
     "desa 51.08.99.9999 tidak punya pekerjaan", "village 51.08.99.9999 has no work planned"),
    ("planned units edited", with_(cell(HEADER + 2, 7, 10)), 2026, "replan.planned_changed",
     "RKPD 2026", HEADER + 2, "unit dikerjakan", "G", "nilai '10' bukan yang direncanakan",
     "value '10' is not what was planned"),
    ("units started cleared", with_(cell(HEADER + 1, 8, None)), 2026,
     "replan.planned_changed", "RKPD 2026", HEADER + 1, "unit dimulai", "H",
     "kolom ini milik rencana", "this column is the plan's"),
    ("row deleted", with_(lambda ws, book: ws.delete_rows(HEADER + 3)), 2026,
     "replan.row_missing", "RKPD 2026", None, None, None, "Jangan hapus baris",
     "Do not delete rows"),
    ("row below the total", with_(cell(HEADER + 6, 1, "51.08.01.2001"),
                                  cell(HEADER + 6, 13, "selesai")), 2026,
     "replan.below_total", "RKPD 2026", HEADER + 6, None, None,
     f"di bawah baris JUMLAH (baris {HEADER + 4}) tidak dibaca",
     f"below the total row (row {HEADER + 4}) is not read"),
    ("header renamed", with_(cell(HEADER, 13, "Keadaan")), 2026, "replan.no_columns",
     "RKPD 2026", HEADER, None, None, "Status / Status", "Status / Status"),
    ("year not in the workbook", all_done, 2031, "replan.no_year", None, None, None, None,
     "tahun 2031 tidak ada", "year 2031 is not in this workbook"),
    ("a year before not recorded", all_done, 2027, "replan.record_first", None, None, None,
     None, "mulai dengan --year 2026", "first --year 2026"),
    ("sheet renamed", lambda ws, book: setattr(book["RKPD 2026"], "title", "RKPD-2026"), 2026,
     "replan.no_sheet", None, None, None, None, "'RKPD 2026' tidak ada",
     "sheet 'RKPD 2026' is missing"),
    ("hidden sheet changed", lambda ws, book: setattr(book["_rkpd"].cell(2, 4), "value",
                                                      "tiga"), 2026,
     "replan.record_changed", "_rkpd", 2, None, "D", "lembar tersembunyi _rkpd",
     "hidden sheet _rkpd"),
    ("hidden programme code changed", lambda ws, book: setattr(book["_rkpd"].cell(2, 3),
                                                               "value", "ZZZ"), 2026,
     "replan.record_edited", "_rkpd", None, None, None, "Jangan sunting _rkpd",
     "no longer as planning wrote it"),
    ("hidden row deleted", lambda ws, book: book["_rkpd"].delete_rows(3), 2026,
     "replan.record_edited", "_rkpd", None, None, None, "_rkpd tidak lagi seperti",
     "Do not edit _rkpd"),
]


@pytest.mark.parametrize(("make", "year", "key", "sheet", "row", "column", "letter",
                          "words_id", "words_en"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_problem_of_a_recorded_year_names_where_in_both_languages(
        small_book, tmp_path, make, year, key, sheet, row, column, letter, words_id,
        words_en):
    path = edited(small_book, tmp_path / "catat.xlsx", make)
    with pytest.raises(RoundTripError) as caught:
        read_recorded_year(path, year)
    found = [p for p in caught.value.problems if p.key == key]
    assert len(found) == 1, caught.value.render("en")
    where = found[0].where
    assert (where.file, where.sheet, where.row, where.letter) == ("catat.xlsx", sheet, row,
                                                                 letter)
    for lang, words in (("id", words_id), ("en", words_en)):
        message = found[0].message(lang)
        assert message.startswith("[GALAT] catat.xlsx" if lang == "id"
                                  else "[ERROR] catat.xlsx"), message
        if sheet is not None:
            assert f"'{sheet}'" in message
        if row is not None:
            assert (f"baris {row}" if lang == "id" else f"row {row}") in message
        if column is not None:
            assert f"'{column}' ({letter})" in message, message
        assert words in message, message


def test_a_file_that_is_not_a_workbook_gets_the_replans_advice(small_book, tmp_path):
    """A results folder's summary.json or a truncated workbook given to the re-plan: it
    says what the re-plan needs (the multi-year workbook, Status on its RKPD sheet), not
    the one-year plan's edit-the-Allocation-sheet advice."""
    json_file = tmp_path / "summary.json"
    json_file.write_text('{"stage": "years"}')
    cut = tmp_path / "terpotong.xlsx"
    cut.write_bytes(small_book.read_bytes()[:4000])
    for path in (json_file, cut):
        with pytest.raises(RoundTripError) as caught:
            read_recorded_year(path, 2026)
        (problem,) = caught.value.problems
        assert problem.key == "replan.not_multi_year", caught.value.render("en")
        said = caught.value.render("en")
        assert "RKPD <year>" in said and "Allocation sheet" not in said, said


def test_a_deleted_year_sheet_is_not_matched_to_another_year(small_book, tmp_path):
    path = edited(small_book, tmp_path / "tanpa.xlsx",
                  lambda ws, book: book.remove(book["RKPD 2026"]))
    with pytest.raises(RoundTripError) as caught:
        read_recorded_year(path, 2026)
    said = caught.value.render("en")
    assert "sheet 'RKPD 2026' is missing" in said
    assert "RKPD 2027" not in said and "RKPD 2028" not in said, said


def test_every_blank_status_is_reported_at_once(small_book, tmp_path):
    path = edited(small_book, tmp_path / "kosong.xlsx", lambda ws, book: None)
    with pytest.raises(RoundTripError) as caught:
        read_recorded_year(path, 2026)
    assert [p.where.row for p in caught.value.problems] == [HEADER + 1, HEADER + 2,
                                                             HEADER + 3]


def test_a_recorded_year_and_the_last_year_cannot_be_recorded_again(ds, tmp_path):
    path = tmp_path / "replan.xlsx"
    path.write_bytes(years_workbook_bytes(fake_plan(ds, recorded=(2026,)), ds,
                                          scenario={"name": "x"}, provenance={}))
    book = load_workbook(path)
    assert book["RKPD 2026"].cell(HEADER + 1, 13).value == STATUS_CHOICES["id"][0]
    for year, key in ((2026, "replan.already_recorded"), (2028, "replan.record_first")):
        with pytest.raises(RoundTripError) as caught:
            read_recorded_year(path, year)
        assert [p.key for p in caught.value.problems] == [key]
    # 2027 is next: its rows come after the recorded 2026 rows in the history
    done = edited(path, tmp_path / "2027.xlsx", all_done, sheet="RKPD 2027")
    got = read_recorded_year(done, 2027)
    assert got.history["year"].tolist() == [2026] * 3 + [2027] * 3
    # the two-year work started in 2026 is in work in 2027 without a new start
    assert got.history["started"].tolist() == [3, 2, 4, 0, 2, 4]
    # with 2026 and 2027 recorded, 2028 is the last year: nothing is left to re-plan
    both = tmp_path / "both.xlsx"
    both.write_bytes(years_workbook_bytes(fake_plan(ds, recorded=(2026, 2027)), ds,
                                          scenario={"name": "x"}, provenance={}))
    with pytest.raises(RoundTripError) as caught:
        read_recorded_year(both, 2028)
    assert [p.key for p in caught.value.problems] == ["replan.nothing_left"]
    assert "2028 adalah tahun terakhir" in caught.value.render("id")


def test_a_one_year_workbook_and_a_text_file_are_refused(ds, tmp_path):
    one = tmp_path / "rencana_alokasi.xlsx"
    not_multi_year(one, ds)
    with pytest.raises(RoundTripError) as caught:
        read_recorded_year(one, 2026)
    assert caught.value.problems[0].key == "replan.not_multi_year"
    assert "planning run --locks" in caught.value.render("en")
    assert "buku kerja satu tahun" in caught.value.render("id")
    text = tmp_path / "catatan.xlsx"
    text.write_text("kode_desa,status\n", encoding="utf-8")
    with pytest.raises(RoundTripError) as caught:
        read_recorded_year(text, 2026)
    assert caught.value.problems[0].key == "replan.not_multi_year"
    assert "RKPD <year>" in caught.value.render("en")


# --- end to end on the shipped scenario -------------------------------------------------------
def programs_csv() -> pd.DataFrame:
    programs = pd.read_csv(DATA / "programs.csv", dtype={"code": str})
    if "duration" not in programs:
        programs["duration"] = 1
    programs["duration"] = programs["duration"].fillna(1).astype(int)
    return programs.set_index("code")


def recomputed_spending(units: pd.DataFrame) -> pd.DataFrame:
    """Per year and agency, the money paid that year, from the units in work and the
    catalogue: (unit_cost x units + fixed_cost [units > 0]) / duration per row."""
    programs = programs_csv()
    u = units[units["units"] > 0]
    cost = (u["program"].map(programs["unit_cost"]) * u["units"]
            + u["program"].map(programs["fixed_cost"])) / u["program"].map(
        programs["duration"])
    return u.assign(agency=u["program"].map(programs["agency"]), cost=cost).groupby(
        ["year", "agency"])["cost"].sum()


def year_pagu(scenario: Path) -> dict[tuple[int, str], float]:
    """Every agency's pagu per year from the scenario file and agencies.csv, computed
    here from the horizon's rule: pagu_first x (1 + g/100) ** (year - first)."""
    import yaml

    raw = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    horizon = raw["horizon"]
    agencies = pd.read_csv(DATA / "agencies.csv").set_index("code")["pagu"].astype(float)
    first = dict(agencies)
    first.update({k: float(v) for k, v in (raw.get("budgets", {}) or {}).get(
        "pagu", {}).items()} if isinstance(raw.get("budgets"), dict) else {})
    out = {}
    for agency, base in first.items():
        own = (horizon.get("agencies") or {}).get(agency, {})
        for year in range(horizon["start"], horizon["end"] + 1):
            if "pagu" in own:
                out[(year, agency)] = float(own["pagu"][year])
            else:
                g = float(own.get("growth_pct", horizon.get("growth_pct", 0.0)))
                out[(year, agency)] = round(base * (1 + g / 100) ** (year - horizon["start"]),
                                            6)
    return out


@pytest.fixture(scope="module")
def first_run(rpjmd_run):
    return rpjmd_run


def test_every_years_spending_recomputed_from_units_and_programs_within_its_pagu(first_run):
    out = first_run.out_dir
    units = pd.read_csv(out / "years" / "units.csv", dtype={"village": str})
    spend = pd.read_csv(out / "years" / "spend.csv").set_index(["year", "agency"])
    mine = recomputed_spending(units)
    pagu = first_run.plan.settings.horizon.pagu
    for (year, agency), row in spend.iterrows():
        got = float(mine.get((year, agency), 0.0))
        assert row["spent"] == pytest.approx(got, rel=1e-5, abs=0.05), (year, agency)
        assert got <= float(pagu[agency][year]) + TOL, (year, agency, got)
        assert row["pagu"] == pytest.approx(float(pagu[agency][year]), rel=1e-5)
    # the pagu per year from the scenario's own rule, independently
    for (year, agency), value in year_pagu(SCENARIO).items():
        if agency in pagu:
            assert float(pagu[agency][year]) == pytest.approx(value, rel=1e-9)
    # the workbook: each agency's Renja sheet holds the same money per year
    book = load_workbook(out / "rencana_multi_tahun.xlsx", read_only=True)
    for agency in sorted(set(units["agency"])):
        rows = list(book[f"Renja {agency}"].iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if r and r[0] == "kode program")
        header = rows[header_at]
        total = next(r for r in rows[header_at + 1:] if r and r[0] == "JUMLAH")
        for year in first_run.plan.years:
            col = header.index(f"biaya {year} (juta Rp)")
            assert float(total[col] or 0) == pytest.approx(
                float(mine.get((year, agency), 0.0)), rel=1e-6, abs=1e-6)
    # each RKPD sheet's rows: this year's cost per work, as recomputed
    programs = programs_csv()
    for year in first_run.plan.years:
        rows = list(book[year_sheet(year)].iter_rows(min_row=HEADER, values_only=True))
        frame = pd.DataFrame(rows[1:], columns=rows[0])
        frame = frame[frame["kode_desa"].notna() & (frame["kode_desa"] != "JUMLAH")]
        frame = frame[frame["kode_program"].notna()]
        want = (frame["kode_program"].map(programs["unit_cost"]) * frame["unit dikerjakan"]
                + frame["kode_program"].map(programs["fixed_cost"])) / frame[
            "kode_program"].map(programs["duration"])
        assert np.allclose(frame["biaya tahun ini (juta Rp)"].astype(float), want)
        here = units[(units["year"] == year) & (units["units"] > 0)]
        assert len(frame) == len(here)


def test_the_workbook_has_every_sheet_and_the_results_folder_every_file(first_run):
    out = first_run.out_dir
    plan = first_run.plan
    book = load_workbook(out / "rencana_multi_tahun.xlsx", read_only=True)
    agencies = sorted(set(plan.spend["agency"]))
    assert book.sheetnames == ["Ringkasan", *(f"RKPD {y}" for y in plan.years),
                               *(f"Renja {a}" for a in agencies), "Target RPJMD",
                               "Desa Fokus per Tahun", "Meta", "_rkpd", "_fokus"]
    for name in book.sheetnames[:-2]:
        first = next(book[name].iter_rows(max_row=1, values_only=True))
        assert "SINTETIS" in str(first[0]), name
    for name in ("units", "spend", "removed", "focus", "targets", "agency_programs"):
        assert (out / "years" / f"{name}.csv").is_file(), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    block = summary["years"]
    assert block["years"] == list(range(2026, 2031))
    assert block["status"] in ("optimal", "feasible")
    shown = [row for row in book["Ringkasan"].iter_rows(values_only=True)
             if row and row[0] == "status"]
    assert [row[1] for row in shown] == [term(f"solve.{block['status']}", "id")]
    assert block["gap"] is not None and block["bound"] is not None
    assert block["objective"] == pytest.approx(plan.report.objective)
    assert [y["year"] for y in block["per_year"]] == block["years"]
    assert summary["input_sha256"] and summary["versions"]["planning"]
    targets = pd.read_csv(out / "years" / "targets.csv")
    assert len(targets) and set(targets["year"]) <= set(block["years"])


def test_the_figures_are_real_pngs_with_content(first_run):
    import matplotlib.image

    for name in ("rpjmd_progress.png", "spending_per_year.png"):
        data = (first_run.out_dir / "figures" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
        assert pixels.shape[0] >= 800 and pixels.shape[1] >= 1200
        assert float(pixels[..., :3].std()) > 0.05, name  # not a blank canvas


# --- the re-plan --------------------------------------------------------------------------
def mark_first_year(workbook: Path, target: Path, year: int) -> pd.DataFrame:
    """Record ``year`` as a planner would: every row done, but three not done (one a work
    of more than one year, when there is one) and one partly done (a work of more than
    one year with 2 units or more). Returns what was recorded (village, program, planned,
    started, delivered)."""
    book = load_workbook(workbook)
    ws = book[year_sheet(year)]
    header = [c.value for c in ws[HEADER]]
    col = {name: header.index(name) + 1 for name in header}
    rows = []
    for r in range(HEADER + 1, ws.max_row + 1):
        code = ws.cell(r, col["kode_desa"]).value
        if not code or code == "JUMLAH" or ws.cell(r, col["kode_program"]).value is None:
            break
        rows.append({"row": r, "village": code, "program": ws.cell(r, col["kode_program"]).value,
                     "planned": ws.cell(r, col["unit dikerjakan"]).value,
                     "started": ws.cell(r, col["unit dimulai"]).value,
                     "duration": ws.cell(r, col["lama (tahun)"]).value})
    frame = pd.DataFrame(rows)
    long = frame[(frame["duration"] > 1) & (frame["planned"] >= 2)]
    partly = long.index[0] if len(long) else frame.index[0]
    others = [i for i in frame.index if i != partly]
    long_rest = [i for i in others if frame.at[i, "duration"] > 1]
    not_done = (long_rest[:1] + [i for i in others if i not in long_rest[:1]])[:3]
    frame["delivered"] = frame["planned"]
    frame.loc[not_done, "delivered"] = 0
    frame.loc[partly, "delivered"] = frame.at[partly, "planned"] - 1
    for i, r in frame.iterrows():
        status = "sebagian" if i == partly else "tidak" if i in not_done else "selesai"
        ws.cell(r["row"], col["Status"]).value = status
        if i == partly:
            ws.cell(r["row"], col["Realisasi (unit)"]).value = int(r["delivered"])
    book.save(target)
    frame["status"] = ["partly" if i == partly else "not_done" if i in not_done else "done"
                       for i in frame.index]
    return frame


@pytest.fixture(scope="module")
def replanned(first_run, tmp_path_factory):
    out = first_run.out_dir
    first = first_run.plan.years[0]
    recorded = mark_first_year(out / "rencana_multi_tahun.xlsx",
                               out / "rencana_multi_tahun_realisasi.xlsx", first)
    cwd = Path.cwd()
    result = CliRunner().invoke(app, ["replan", str(out / "rencana_multi_tahun_realisasi.xlsx"),
                                      "--year", str(first)])
    assert cwd == Path.cwd()
    assert result.exit_code == 0, result.output
    folder = out.with_name(f"{out.name}-replan-{first + 1}")
    return SimpleNamespace(folder=folder, recorded=recorded, output=result.output,
                           first=first)


def test_the_replan_keeps_the_recorded_year_exactly(replanned):
    units = pd.read_csv(replanned.folder / "years" / "units.csv", dtype={"village": str})
    history = units[units["recorded"].astype(bool)]
    assert set(history["year"]) == {replanned.first}
    rec = replanned.recorded
    delivered = rec[rec["delivered"] > 0].set_index(["village", "program"])["delivered"]
    got = history.set_index(["village", "program"])["units"]
    assert got.sort_index().to_dict() == delivered.sort_index().astype(int).to_dict()
    # the history file: every recorded row, with its units delivered and started
    kept = pd.read_csv(replanned.folder / "years" / "history.csv", dtype={"village": str})
    kept = kept.set_index(["village", "program"]).sort_index()
    want = rec.set_index(["village", "program"]).sort_index()
    assert kept["units"].to_dict() == want["delivered"].astype(int).to_dict()
    started = {k: max(0, min(int(s), int(d) - (int(p) - int(s))))
               for k, p, s, d in zip(want.index, want["planned"], want["started"],
                                     want["delivered"], strict=True)}
    assert kept["started"].to_dict() == started
    summary = json.loads((replanned.folder / "summary.json").read_text(encoding="utf-8"))
    block = summary["replan"]
    assert (block["done"], block["partly"], block["not_done"]) == (
        int((rec["status"] == "done").sum()), 1, 3)
    assert summary["years"]["recorded_years"] == [replanned.first]
    assert "Tahun 2026 tercatat" in replanned.output


def test_the_started_works_continue_and_works_not_done_do_not(replanned):
    """For a programme of n years, the units in work in year t = the units started in
    the last n years (the recorded year's starts are the history's): checked on the
    re-plan's units per work."""
    units = pd.read_csv(replanned.folder / "years" / "units.csv", dtype={"village": str})
    programs = programs_csv()
    rec = replanned.recorded.set_index(["village", "program"])
    history = pd.read_csv(replanned.folder / "years" / "history.csv",
                          dtype={"village": str}).set_index(["village", "program"])
    started = units.pivot_table(index=["village", "program"], columns="year",
                                values="started", aggfunc="sum", fill_value=0)
    in_work = units.pivot_table(index=["village", "program"], columns="year",
                                values="units", aggfunc="sum", fill_value=0)
    years = sorted(set(units["year"]))
    for (village, program) in in_work.index:
        n = int(programs.at[program, "duration"])
        for t in years[1:]:
            starts = sum(int(started.at[(village, program), tau])
                         for tau in range(t - n + 1, t + 1) if tau in started.columns)
            assert int(in_work.at[(village, program), t]) == starts, (village, program, t)
    long = [k for k in history.index if int(programs.at[k[1], "duration"]) > 1]
    continued = [k for k in long if int(history.at[k, "started"]) > 0]
    assert continued, "no work of more than one year was started in the recorded year"
    second = years[1]
    for key in continued:
        assert int(in_work.at[key, second]) >= int(history.at[key, "started"]), key
    for key in [k for k in long if rec.at[k, "status"] == "not_done"]:
        held = int(in_work.at[key, second]) if key in in_work.index else 0
        new = int(started.at[key, second]) if key in started.index else 0
        assert held == new, key  # nothing carried over from a work not done


def test_every_remaining_year_respects_its_pagu(replanned, first_run):
    units = pd.read_csv(replanned.folder / "years" / "units.csv", dtype={"village": str})
    spend = recomputed_spending(units)
    pagu = first_run.plan.settings.horizon.pagu
    for (year, agency), used in spend.items():
        if year == replanned.first:
            continue  # recorded: what was delivered, not planned
        assert used <= float(pagu[agency][year]) + TOL, (year, agency, used)


def test_replan_errors_write_nothing(first_run, tmp_path):
    out = first_run.out_dir
    blank = tmp_path / "kosong.xlsx"
    shutil.copy(out / "rencana_multi_tahun.xlsx", blank)
    target = tmp_path / "never"
    done = CliRunner().invoke(app, ["replan", str(blank), "--year", "2026", "--out",
                                    str(target), "--scenario", str(SCENARIO)])
    assert done.exit_code == 1
    assert "lembar 'RKPD 2026', baris 7, kolom 'Status' (M)" in done.output
    assert not target.exists()
    one_year = tmp_path / "rencana_alokasi.xlsx"
    not_multi_year(one_year, None)
    done = CliRunner().invoke(app, ["replan", str(one_year), "--year", "2026", "--lang", "en",
                                    "--scenario", str(SCENARIO), "--out", str(target)])
    assert done.exit_code == 1 and "planning run --locks" in done.output
    assert not target.exists()
    # the workbook alone, away from its project and results folder, read from elsewhere:
    # the scenario its Meta sheet records is not found; say so and how to give it
    alone = tmp_path / "sendiri" / "rencana_multi_tahun.xlsx"
    alone.parent.mkdir()
    shutil.copy(out / "rencana_multi_tahun.xlsx", alone)
    here = Path.cwd()
    try:
        os.chdir(alone.parent)
        done = CliRunner().invoke(app, ["replan", str(alone), "--year", "2026", "--lang", "en",
                                        "--out", str(target)])
    finally:
        os.chdir(here)
    assert done.exit_code == 1 and "Traceback" not in done.output, done.output
    assert "rpjmd-2026-2030.yaml (as summary.json or the Meta sheet records)" in done.output
    assert "--scenario FILE" in done.output
    assert not target.exists()
    # a file that is no workbook at all (a spreadsheet saved as ODF), away from any
    # results folder: told as such at once, not first as a scenario nobody recorded
    ods = tmp_path / "lain" / "rencana.ods"
    ods.parent.mkdir()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    done = CliRunner().invoke(app, ["replan", str(ods), "--year", "2026", "--lang", "en",
                                    "--out", str(target)])
    assert done.exit_code == 1 and "Traceback" not in done.output, done.output
    assert "not the workbook of a multi-year plan" in done.output, done.output
    assert "--scenario" not in done.output, done.output
    assert not target.exists()


def test_the_english_workbook_is_read_back_with_its_own_words(ds, tmp_path):
    path = tmp_path / "multi_year_plan.xlsx"
    path.write_bytes(years_workbook_bytes(fake_plan(ds), ds, scenario={"name": "x"},
                                          provenance={}, lang="en"))
    book = load_workbook(path)
    ws = book["RKPD 2026"]
    assert [c.value for c in ws[HEADER]] == RKPD_HEADERS["en"]
    assert "Target RPJMD" not in book.sheetnames and "RPJMD Targets" in book.sheetnames
    for row, status in zip(range(HEADER + 1, HEADER + 4), STATUS_CHOICES["en"], strict=True):
        ws.cell(row, 13).value = status
    ws.cell(HEADER + 2, 12).value = 1
    book.save(path)
    got = read_recorded_year(path, 2026)
    assert got.rows["status"].tolist() == ["done", "partly", "not_done"]
    assert got.history["units"].tolist() == [3, 1, 0]


def test_the_workbook_keeps_each_years_focus_for_the_replans_first_guess(replanned,
                                                                       first_run, tmp_path):
    """The edited workbook's hidden focus record gives back each year's focus villages of
    the plan (read with the recorded year, the re-plan's first guess); a workbook without
    it, or with it damaged, is still read and only loses the guess."""
    plan = first_run.plan
    edited = first_run.out_dir / "rencana_multi_tahun_realisasi.xlsx"
    got = read_recorded_year(edited, replanned.first)
    selected = plan.focus[plan.focus["selected"].astype(bool)]
    want = {int(t): sorted(rows["code"].astype(str)) for t, rows in selected.groupby("year")}
    assert got.focus == want
    for damage in ("delete", "header"):
        book = load_workbook(edited)
        if damage == "delete":
            del book["_fokus"]
        else:
            book["_fokus"]["A1"].value = "tahun?"
        other = tmp_path / f"{damage}.xlsx"
        book.save(other)
        again = read_recorded_year(other, replanned.first)
        assert again.focus is None
        pd.testing.assert_frame_equal(again.history, got.history)


def test_a_replan_on_changed_data_is_refused_naming_the_files(first_run, tmp_path):
    """A unit cost raised after the plan was made: the recorded year used to be costed
    again from it (a recorded agency over its pagu, without a word). Refused, naming
    programs.csv; nothing written."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    programs = pd.read_csv(data / "programs.csv", dtype=str, keep_default_na=False)
    programs.loc[programs["code"] == "PUTR-PAMSIMAS", "unit_cost"] = "600"
    programs.to_csv(data / "programs.csv", index=False)
    scenario = tmp_path / "rpjmd.yaml"
    scenario.write_text(f"base: {SCENARIO}\nname: rpjmd-2026-2030\ndata: {data}\n",
                        encoding="utf-8")
    def every_row_done(ws, book):
        for row in range(HEADER + 1, ws.max_row + 1):
            if ws.cell(row, 1).value not in (None, "JUMLAH"):
                ws.cell(row, 13).value = "selesai"

    book = tmp_path / "catat.xlsx"
    edited(first_run.out_dir / "rencana_multi_tahun.xlsx", book, every_row_done)
    target = tmp_path / "never"
    done = CliRunner().invoke(app, ["replan", str(book), "--year", "2026", "--scenario",
                                    str(scenario), "--out", str(target), "--lang", "en"])
    assert done.exit_code == 1 and "Traceback" not in done.output, done.output
    assert "The data set has changed since the plan in workbook catat.xlsx was made: " \
        "programs.csv no longer read the same" in done.output
    assert not target.exists()


def test_the_replans_workbook_shows_the_recorded_year_as_recorded(replanned):
    """The re-plan's workbook used to show the recorded year with every row 'selesai' and
    the rows not done left out: the sheet taken to the next meeting said every work was
    finished. Each row the planner recorded is there, with its planned units, Realisasi
    and Status as recorded (checked against what the test wrote), and not editable."""
    rec = replanned.recorded.set_index(["village", "program"])
    book = load_workbook(replanned.folder / "rencana_multi_tahun.xlsx")
    ws = book[f"RKPD {replanned.first}"]
    rows = {}
    for r in range(HEADER + 1, ws.max_row + 1):
        values = [c.value for c in ws[r]]
        if values[0] in (None, "JUMLAH"):
            continue
        rows[(values[0], values[3])] = values
    assert set(rows) == set(rec.index)
    words = {"done": "selesai", "partly": "sebagian", "not_done": "tidak"}
    for key, values in rows.items():
        assert values[6] == int(rec.at[key, "planned"]), key
        assert values[11] == int(rec.at[key, "delivered"]), key
        assert values[12] == words[rec.at[key, "status"]], key
    assert sum(v[12] == "tidak" for v in rows.values()) == 3
    assert not ws.data_validations.dataValidation  # recorded: nothing to fill in
    assert book["_realisasi"].sheet_state == "hidden"


def test_a_change_to_an_already_recorded_year_is_told_not_ignored(replanned, tmp_path):
    """Recording the next year from the re-plan's workbook: a Realisasi or Status changed
    on the year recorded before used to be ignored without a word."""
    first, second = replanned.first, replanned.first + 1
    source = replanned.folder / "rencana_multi_tahun.xlsx"

    def next_year_done(book) -> None:
        nxt = book[f"RKPD {second}"]
        for r in range(HEADER + 1, nxt.max_row + 1):
            if nxt.cell(r, 1).value not in (None, "JUMLAH"):
                nxt.cell(r, 13).value = "selesai"

    def changed(ws, book):
        next_year_done(book)
        ws.cell(HEADER + 1, 12).value = 0
        ws.cell(HEADER + 1, 13).value = "tidak"

    path = edited(source, tmp_path / "ubah.xlsx", changed, sheet=f"RKPD {first}")
    with pytest.raises(RoundTripError) as caught:
        read_recorded_year(path, second)
    keys = [(p.key, p.where.row) for p in caught.value.problems]
    assert keys == [("replan.recorded_year_changed", HEADER + 1)] * 2, keys
    said = caught.value.render("en")
    assert f"sheet 'RKPD {first}', row {HEADER + 1}" in said
    assert f"year {first} is recorded already" in said
    # as recorded, the next year is read, and the recorded years travel on
    plain = edited(source, tmp_path / "tetap.xlsx", lambda ws, book: next_year_done(book))
    got = read_recorded_year(plain, second)
    assert sorted(set(got.realised["year"])) == [first, second]
    assert len(got.realised[got.realised["year"] == first]) == len(replanned.recorded)


def test_the_replan_writes_the_recorded_year_as_recorded_in_a_csv_too(replanned):
    realised = pd.read_csv(replanned.folder / "years" / "realised.csv",
                           dtype={"village": str})
    rec = replanned.recorded.set_index(["village", "program"]).sort_index()
    got = realised.set_index(["village", "program"]).sort_index()
    assert got["status"].to_dict() == rec["status"].to_dict()
    assert got["delivered"].to_dict() == rec["delivered"].astype(int).to_dict()
    assert (realised["year"] == replanned.first).all()
    assert realised["data_status"].str.contains("SINTETIS").all()

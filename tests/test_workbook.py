"""The planners' workbook, opened with openpyxl and checked sheet by sheet against the
allocation tables it was built from."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from planning.i18n.glossary import coded, term
from planning.model import allocate
from planning.pipeline import allocation_summary, versions
from planning.report.workbook import (
    ALLOCATION_COLUMNS,
    ALLOCATION_HEADERS,
    ALLOCATION_SHEET,
    _valid_sheet_name,
    workbook_bytes,
)
from planning.scoring import score_villages

from .conftest import ROOT

SCENARIO = {"name": "baseline", "budgets": {"ceiling": 9000, "percent": {"PUTR": 20}},
            "locks": ["51.08.01.2001:PUTR-PAMSIMAS"], "solver": {"gap": 0.002}}


@pytest.fixture(scope="module")
def allocation(ds, scores):
    return allocate(ds, scores)


def build(ds, scores, allocation, **kw) -> bytes:
    provenance = {"input_sha256": ds.file_hashes, "versions": versions(),
                  "dataset": "data/buleleng"}
    kw.setdefault("day", date(2026, 12, 2))
    return workbook_bytes(ds=ds, scores=scores, allocation=allocation,
                          summary=allocation_summary(allocation), scenario=SCENARIO,
                          provenance=provenance, **kw)


def load(data: bytes, formulas: bool = False) -> openpyxl.Workbook:
    """The workbook as Excel shows it before recalculating (the cached values of its
    formulas), or with ``formulas`` their text."""
    return openpyxl.load_workbook(io.BytesIO(data), data_only=not formulas)


HEADER = 4
"""The row of the Alokasi header, under the banner (rows 1-2) and an empty row."""


@pytest.fixture(scope="module")
def raw(ds, scores, allocation) -> bytes:
    return build(ds, scores, allocation)


@pytest.fixture(scope="module")
def book(raw) -> openpyxl.Workbook:
    return load(raw)


def header_row(ws, first: str) -> int:
    """The row (1-based) whose first cell is ``first``."""
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 1).value == first:
            return row
    raise AssertionError(f"no row starting with {first!r} in {ws.title}")


def read(ws, first: str) -> tuple[pd.DataFrame, dict | None]:
    """The table whose header starts with ``first``, and its total row (if any)."""
    top = header_row(ws, first)
    names = [c.value for c in ws[top] if c.value is not None]
    rows, row = [], top + 1
    while row <= ws.max_row and ws.cell(row, 1).value not in (None, "JUMLAH", "TOTAL"):
        rows.append([ws.cell(row, c).value for c in range(1, len(names) + 1)])
        row += 1
    total = None
    if row <= ws.max_row and ws.cell(row, 1).value in ("JUMLAH", "TOTAL"):
        total = {n: ws.cell(row, c).value for c, n in enumerate(names, start=1)}
    return pd.DataFrame(rows, columns=names), total


def test_sheets_in_bahasa_indonesia(book, allocation):
    agencies = sorted(allocation.tables.agencies["agency"])
    assert book.sheetnames == ["Ringkasan", *agencies, "Per Kecamatan", "Per Desa",
                               "Pemerataan", "Harga pemerataan", "Alokasi", "Skor Desa",
                               "Input & Asumsi", "Meta", "_plan", "_lists"]
    assert book["_plan"].sheet_state == book["_lists"].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in book.sheetnames[:-2])


def test_sheets_and_headers_in_english(ds, scores, allocation):
    book = load(build(ds, scores, allocation, lang="en"))
    assert book.sheetnames[0] == "Summary"
    assert book.sheetnames[-9:] == ["By Village", "Equity", "Price of balance", "Allocation",
                                    "Village Scores", "Inputs & Assumptions", "Meta", "_plan",
                                    "_lists"]
    assert "By Kecamatan" in book.sheetnames
    ws = book["Allocation"]
    assert [c.value for c in ws[HEADER]] == [
        "village_code", "village", "kecamatan", "program_code", "programme", "agency",
        "units", "cost (Rp million)", "households reached", "lock"]
    rules = {r.formula1: r for r in ws.data_validations.dataValidation}
    assert str(rules['"yes,no"'].sqref).startswith("J5:")
    assert "SYNTHETIC" in book["Summary"]["A1"].value
    assert book["Summary"]["A2"].value.startswith("Scenario: baseline · run date: ")


def test_allocation_sheet_is_the_plan(book, allocation):
    plan = allocation.tables.plan
    ws = book["Alokasi"]
    # the exact layout the round-trip reader relies on
    assert [c.value for c in ws[HEADER]] == [
        "kode_desa", "desa", "kecamatan", "kode_program", "program", "lembaga", "unit",
        "biaya (juta Rp)", "penerima manfaat", "kunci"]
    assert ALLOCATION_SHEET == {"id": "Alokasi", "en": "Allocation"}
    assert len(ALLOCATION_COLUMNS) == len(ALLOCATION_HEADERS["id"]) == 10
    assert ws.max_row == len(plan) + HEADER
    rows = list(ws.iter_rows(min_row=HEADER + 1, values_only=True))
    assert [(r[0], r[3]) for r in rows] == list(zip(plan["village"], plan["program"],
                                                    strict=True))
    assert [r[5] for r in rows] == plan["agency"].tolist()
    assert [r[6] for r in rows] == plan["units"].tolist()
    assert sum(r[7] for r in rows) == pytest.approx(plan["cost"].sum())
    assert [r[7] for r in rows] == pytest.approx(plan["cost"].tolist())
    assert [r[8] for r in rows] == pytest.approx(plan["households_reached"].tolist())
    assert all(r[9] is None for r in rows)  # lock: empty, for the planner to fill
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == f"A4:J{len(plan) + HEADER}"
    rules = {str(r.sqref).split(":")[0]: r for r in ws.data_validations.dataValidation}
    assert set(rules) == {"A5", "D5", "G5", "J5"}
    assert rules["J5"].type == "list" and rules["J5"].formula1 == '"ya,tidak"'
    assert rules["G5"].type == "whole" and rules["G5"].operator == "greaterThanOrEqual"
    assert rules["G5"].formula1 == "0" and rules["G5"].errorStyle in (None, "stop")
    villages = sorted(set(plan["village"]))
    assert rules["A5"].formula1 == f"_lists!$A$2:$A${len(villages) + 1}"
    assert [c.value for c in book["_lists"]["A"][1:] if c.value] == villages
    assert rules["D5"].formula1 == f"_lists!$B$2:$B${len(allocation.instance.programs) + 1}"
    note = ws["J4"].comment.text
    assert "ya" in note and "unit" in note and "Hapus" in note
    assert "unit × biaya satuan + biaya tetap" in ws["H4"].comment.text
    assert ws["H5"].number_format == "#,##0.0"


def test_the_round_trip_reader_reads_the_allocation_sheet(raw, allocation, tmp_path):
    from planning.report.roundtrip import read_edited

    path = tmp_path / "plan.xlsx"
    path.write_bytes(raw)
    edited, original, name = read_edited(path)
    plan = allocation.tables.plan
    assert name == "Alokasi"
    assert edited["village_code"].tolist() == plan["village"].tolist()
    assert edited["program_code"].tolist() == plan["program"].tolist()
    assert edited["units"].tolist() == plan["units"].tolist()
    assert edited["lock"].isna().all()
    assert edited["row"].tolist() == list(range(HEADER + 1, len(plan) + HEADER + 1))
    assert original.values.tolist() == plan[["village", "program", "units"]].values.tolist()


def test_agency_sheets_add_up_to_what_each_agency_used(book, allocation):
    plan = allocation.tables.plan
    for agency in allocation.tables.agencies.itertuples():
        ws = book[agency.agency]
        table, total = read(ws, "kode desa")
        mine = plan[plan["agency"] == agency.agency]
        assert len(table) == len(mine), agency.agency
        assert table["kode program"].tolist() == mine["program"].tolist()
        assert total["biaya (juta Rp)"] == pytest.approx(agency.used)
        assert table["biaya (juta Rp)"].sum() == pytest.approx(agency.used)
        assert total["porsi pagu lembaga"] == pytest.approx(agency.used / agency.pagu)
        assert ws["B5"].value == pytest.approx(agency.pagu)
        assert ws["B6"].value == pytest.approx(agency.used)
        assert ws["B7"].value == pytest.approx(agency.pagu - agency.used)
        assert ws.freeze_panes == "A11"
        assert ws.auto_filter.ref.startswith("A10:")


def test_village_sheet_has_deprivations_before_removed_after(book, allocation):
    villages = allocation.tables.villages
    table, total = read(book["Per Desa"], "kode desa")
    assert table["kode desa"].tolist() == villages["village"].tolist()
    labels = allocation.instance.labels["dimension_id"]
    for dim in allocation.tables.dimensions["dimension"]:
        for stage, word in (("deprived", "sebelum"), ("removed", "teratasi"),
                            ("after", "sesudah")):
            header = f"{labels[dim]}: {word}"
            assert table[header].tolist() == pytest.approx(
                villages[f"{stage}_{dim}"].tolist()), header
            assert total[header] == pytest.approx(villages[f"{stage}_{dim}"].sum())
    assert table["deprivasi sesudah"].tolist() == pytest.approx(
        (villages["deprived_total"] - villages["removed_total"]).tolist())
    assert total["biaya (juta Rp)"] == pytest.approx(allocation.tables.totals["cost"])
    assert book["Per Desa"].freeze_panes == "A5"


def test_kecamatan_sheet_matches_the_kecamatan_table(book, allocation):
    kec = allocation.tables.kecamatan
    table, total = read(book["Per Kecamatan"], "kode kecamatan")
    assert table["kode kecamatan"].tolist() == kec["kecamatan_code"].tolist()
    assert table["biaya (juta Rp)"].tolist() == pytest.approx(kec["cost"].tolist())
    assert table["deprivasi teratasi"].tolist() == pytest.approx(kec["removed_total"].tolist())
    assert total["biaya (juta Rp)"] == pytest.approx(kec["cost"].sum())
    assert total["jumlah desa"] == len(allocation.tables.villages)
    assert book["Per Kecamatan"].auto_filter.ref == f"A4:J{len(kec) + 4}"


def test_summary_sheet(book, allocation):
    ws = book["Ringkasan"]
    t = allocation.tables
    pairs = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    assert pairs["status"] == term(f"solve.{allocation.report.status}", "id")
    assert pairs["selisih ke batas"] == pytest.approx(allocation.report.gap)
    assert pairs["deprivasi teratasi"] == pytest.approx(t.totals["deprivations_removed"])
    assert "SINTETIS" in ws["A1"].value
    assert ws.freeze_panes == "A5"
    dims, dims_total = read(ws, "dimensi")
    assert dims["teratasi"].tolist() == pytest.approx(t.dimensions["removed"].tolist())
    assert dims_total["sebelum"] == pytest.approx(t.totals["deprivations_before"])
    spend, spend_total = read(ws, "lembaga")
    assert spend["lembaga"].tolist() == t.agencies["agency"].tolist()
    assert spend["terpakai (juta Rp)"].tolist() == pytest.approx(t.agencies["used"].tolist())
    assert spend_total["pagu (juta Rp)"] == pytest.approx(t.totals["pagu"])
    plans, _ = read(ws, "rencana")
    assert plans["rencana"].tolist() == ["optimum (rencana ini)", "serakah",
                                         "bagi rata"]
    assert plans["teratasi"].tolist() == pytest.approx(t.baselines["removed"].tolist())
    greedy = t.baselines.set_index("plan").loc["greedy"]
    assert plans.loc[1, "optimum mengatasi lebih banyak"] == pytest.approx(
        t.totals["deprivations_removed"] - greedy["removed"])


def test_score_sheet(book, scores):
    ws = book["Skor Desa"]
    table, _ = read(ws, "kode desa")
    assert table["kode desa"].tolist() == scores["code"].tolist()
    assert (table["desa fokus"] == "ya").sum() == scores["selected"].sum()
    assert table["tipologi"].tolist() == scores["typology_id"].tolist()
    assert table["peringkat di kecamatan"].tolist() == scores["rank_in_kecamatan"].tolist()
    assert table["potensi: Pertanian pangan"].tolist() == pytest.approx(
        scores["potential_agriculture"].tolist())
    assert ws.auto_filter.ref is not None and ws.freeze_panes == "A5"


def test_inputs_sheet_marks_costs_budgets_and_indicators(book, ds):
    ws = book["Input & Asumsi"]
    catalogue, _ = read(ws, "kode program")
    programs = ds.programs
    assert catalogue["kode program"].tolist() == programs["code"].tolist()
    assert catalogue["biaya per unit (juta Rp)"].tolist() == pytest.approx(
        programs["unit_cost"].tolist())
    assert catalogue["status biaya"].tolist() == [coded("status", s, "id")
                                                  for s in programs["cost_status"]]
    budgets, total = read(ws, "lembaga")
    status = ds.agencies.set_index("code")["pagu_status"]
    assert budgets["status pagu"].tolist() == [coded("status", s, "id")
                                               for s in status[budgets["lembaga"]]]
    assert total["pagu (juta Rp)"] == pytest.approx(ds.agencies["pagu"].sum())
    indicators, _ = read(ws, "indikator")
    assert indicators["status"].tolist() == [coded("status", s, "id")
                                             for s in ds.indicator_metadata["status"]]
    assert (indicators["status"] == "sintetis").sum() == len(ds.synthetic_indicators())
    assert ws.auto_filter.ref.startswith("A5:")


def test_meta_sheet_holds_scenario_hashes_and_versions(book, ds):
    rows = {(s, k): v for s, k, v in book["Meta"].iter_rows(min_row=5, max_col=3,
                                                               values_only=True)}
    for name, digest in ds.file_hashes.items():
        assert rows[("input_sha256", name)] == digest
    assert rows[("scenario", "name")] == "baseline"
    assert rows[("scenario", "budgets.ceiling")] == 9000
    assert rows[("scenario", "budgets.percent.PUTR")] == 20
    assert rows[("scenario", "locks")] == '["51.08.01.2001:PUTR-PAMSIMAS"]'
    assert rows[("versions", "pandas")] == pd.__version__
    assert rows[("provenance", "dataset")] == "data/buleleng"
    assert rows[("workbook", "run_date")] == "2026-12-02"
    assert book["Meta"].freeze_panes == "A5" and book["Meta"].auto_filter.ref


def test_money_columns_say_juta_and_use_a_thousands_separator(book):
    ws = book["Per Kecamatan"]
    header = [c.value for c in ws[4]]
    col = header.index("biaya (juta Rp)") + 1
    assert ws.cell(5, col).number_format == "#,##0.0"
    widths = [ws.column_dimensions[letter].width for letter in "ABCDE"]
    assert all(w and w >= 8 for w in widths)


def test_moved_sheet_is_written_as_given(ds, scores, allocation):
    moved = pd.DataFrame({"village": ["51.08.01.2001", "51.08.02.2012"],
                          "program": ["PUTR-PAMSIMAS", "=CSR-AIR"],
                          "units_before": [1, 0], "units_after": [0, 40],
                          "cost_change": [-400.0, 140.0]})
    book = load(build(ds, scores, allocation, moved=moved))
    assert book.sheetnames[1] == "Perubahan"
    ws = book["Perubahan"]
    assert [c.value for c in ws[4] if c.value] == moved.columns.tolist()
    rows = list(ws.iter_rows(min_row=5, max_col=len(moved.columns), values_only=True))
    assert rows == list(moved.itertuples(index=False, name=None))
    assert ws["B6"].data_type == "s"
    assert "SINTETIS" in ws["A1"].value and ws["A2"].value.startswith("Skenario: baseline")


def test_without_a_run_date_no_clock_is_in_the_file(ds, scores, allocation, monkeypatch):
    """No run date given (no ``day``, no SOURCE_DATE_EPOCH): the banner names the
    scenario alone, the printed footer the date of printing (a field the spreadsheet
    fills), and the bytes do not depend on the day; SOURCE_DATE_EPOCH names the day."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = build(ds, scores, allocation, day=None)
    book = load(data)
    assert book["Alokasi"]["A2"].value == "Skenario: baseline · uang dalam juta Rp"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        footer = re.search(rb"<oddFooter>(.*?)</oddFooter>",
                           archive.read("xl/worksheets/sheet1.xml"))[1].decode()
    assert "dicetak &amp;D" in footer and "halaman &amp;P dari &amp;N" in footer
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 1 January 2026, UTC
    dated = load(build(ds, scores, allocation, day=None))
    assert dated["Alokasi"]["A2"].value == (
        "Skenario: baseline · tanggal perhitungan: 1 Januari 2026 · uang dalam juta Rp")
    rows = {(s, k): v for s, k, v in dated["Meta"].iter_rows(min_row=5, max_col=3,
                                                               values_only=True)}
    assert rows[("workbook", "run_date")] == "2026-01-01"


def test_same_inputs_same_bytes(raw, ds, scores, allocation):
    assert build(ds, scores, allocation) == raw
    other = build(ds, scores, allocation, created=datetime(2021, 6, 1))
    assert other != raw  # the creation time is the only clock in the file


TRICKY = {"village": "=1+2", "village2": "@SUM(A1:A9)", "program": "+62 sambungan air",
          "program2": "-5 rumah", "agency": "=HYPERLINK(\"http://x\")"}


def test_names_that_look_like_formulas_stay_text(ds):
    scores0 = score_villages(ds, draws=0).table
    focus = scores0.loc[scores0["selected"], "code"].tolist()
    villages = ds.villages.copy()
    villages.loc[villages["code"] == focus[0], "name"] = TRICKY["village"]
    villages.loc[villages["code"] == focus[1], "name"] = TRICKY["village2"]
    programs = ds.programs.copy()
    programs.loc[programs["code"] == "CSR-AIR", "name_id"] = TRICKY["program"]
    programs.loc[programs["code"] == "PKM-RUSAK-SEDANG", "name_id"] = TRICKY["program2"]
    agencies = ds.agencies.copy()
    agencies.loc[agencies["code"] == "CSR", "short_name"] = TRICKY["agency"]
    agencies.loc[agencies["code"] == "CSR", "name"] = TRICKY["agency"]
    tricky = dataclasses.replace(ds, villages=villages, programs=programs, agencies=agencies)
    scores = score_villages(tricky, draws=0).table
    allocation = allocate(tricky, scores)
    plan = allocation.tables.plan
    assert {"CSR-AIR", "PKM-RUSAK-SEDANG"} <= set(plan["program"])
    assert {focus[0], focus[1]} <= set(plan["village"])
    data = build(tricky, scores, allocation)
    book = load(data)
    found: dict[str, set[str]] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in TRICKY.values():
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    found.setdefault(cell.value, set()).add(ws.title)
    assert found[TRICKY["village"]] >= {"Alokasi", "Per Desa", "Skor Desa", "CSR"}
    assert found[TRICKY["village2"]] >= {"Alokasi", "Per Desa", "Skor Desa"}
    assert found[TRICKY["program"]] >= {"Alokasi", "CSR", "Input & Asumsi"}
    assert found[TRICKY["program2"]] >= {"Alokasi", "PERKIMTA", "Input & Asumsi"}
    assert "Ringkasan" in found[TRICKY["agency"]]
    assert book["CSR"]["A4"].value == f"CSR: {TRICKY['agency']}"
    # the only formulas are the derived money columns: none holds a name
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                for formula in re.findall(rb"<f>(.*?)</f>", archive.read(name)):
                    assert re.fullmatch(rb"(IF|SUMIF|SUM|VLOOKUP|FALSE|'[^']*'|Alokasi|"
                                        rb'[$A-Z]+\d*|[\d.]+|[!:,()*+/=-]|&gt;|"\w+"|'
                                        rb"\$[A-Z]+)*", formula), (name, formula)


def test_agency_codes_become_valid_unique_sheet_names():
    assert _valid_sheet_name("DINAS/PU:[A]", set()) == "DINAS_PU__A_"
    assert _valid_sheet_name("META", {"meta"}) == "META (2)"
    assert _valid_sheet_name("meta", {"meta", "meta (2)"}) == "meta (3)"
    long = _valid_sheet_name("X" * 40, {"x" * 31})
    assert len(long) == 31 and long.endswith(" (2)")
    assert _valid_sheet_name("'quoted'", set()) == "quoted"


SOFFICE = shutil.which("soffice")
# LibreOffice's CSV export filter: comma, double quotes, UTF-8, from line 1, raw values
# (not as shown), no formulas, every sheet (-1) to its own <name>-<sheet>.csv (LO >= 7.2).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _csv_rows(path) -> list[list[str]]:
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _section(rows: list[list[str]], title: str) -> list[list[str]]:
    """The rows of the Ringkasan table under the line ``title`` (header included), up to
    the next empty line."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == title) + 1
    out = []
    for row in rows[start:]:
        if not any(row):
            break
        out.append(row)
    return out


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                    "`make system-deps` installs libreoffice-calc-nogui as root on Debian")
def test_libreoffice_opens_the_run_workbook(tmp_path):
    """LibreOffice opens the workbook of a real run without an error (a repair prompt
    would make a headless conversion fail) and reads back, sheet by sheet, the values of
    the run's CSV files: the Alokasi sheet row by row against allocation_plan.csv, the
    Ringkasan totals and per-agency table against the plan and summary.json."""
    import json

    from planning.pipeline import run_scenario

    out = run_scenario(ROOT / "scenarios" / "baseline.yaml", tmp_path / "r").out_dir
    workbook = out / "rencana_alokasi.xlsx"
    target = tmp_path / "csv"
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: no clash with other runs
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", CSV_FILTER, "--outdir", str(target),
                           str(workbook)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    sheets = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    assert {"Ringkasan", "Alokasi", "CSR", "PUTR"} <= set(sheets)
    files = {sheet: target / f"rencana_alokasi-{sheet}.csv" for sheet in sheets}
    missing = [sheet for sheet, path in files.items() if not path.is_file()]
    assert not missing, (f"LibreOffice wrote no CSV for {missing} (a LibreOffice older "
                         f"than 7.2 exports the first sheet only): {sorted(target.iterdir())}"
                         f"\n{done.stdout}")

    plan = pd.read_csv(out / "allocation_plan.csv", dtype={"village": str,
                                                          "kecamatan_code": str})
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))["allocation"]

    # Alokasi: one row per plan row, same order and values
    alokasi = pd.read_csv(files["Alokasi"], dtype=str, keep_default_na=False, skiprows=3)
    assert alokasi.columns.tolist() == [
        "kode_desa", "desa", "kecamatan", "kode_program", "program", "lembaga", "unit",
        "biaya (juta Rp)", "penerima manfaat", "kunci"]
    assert len(alokasi) == len(plan) > 0
    for sheet_column, csv_column in [("kode_desa", "village"), ("desa", "village_name"),
                                     ("kecamatan", "kecamatan"), ("kode_program", "program"),
                                     ("program", "program_name"), ("lembaga", "agency")]:
        assert alokasi[sheet_column].tolist() == plan[csv_column].astype(str).tolist(), \
            sheet_column
    assert alokasi["unit"].astype(int).tolist() == plan["units"].tolist()
    for sheet_column, csv_column in [("biaya (juta Rp)", "cost"),
                                     ("penerima manfaat", "households_reached")]:
        assert alokasi[sheet_column].astype(float).tolist() == pytest.approx(
            plan[csv_column].tolist(), rel=1e-5), sheet_column  # the CSV has %.6g

    # Ringkasan: status, totals and the per-agency table
    rows = _csv_rows(files["Ringkasan"])
    assert "SINTETIS" in rows[0][0] and rows[1][0].startswith("Skenario: baseline")
    assert rows[3][0].startswith("Rencana alokasi program")
    facts = {row[0]: row[1] for row in rows if len(row) > 1 and row[0]}
    assert summary["status"] == "optimal"  # the CSV's code, the sheet's word for it
    assert facts["status"] == term("solve.optimal", "id") == "dalam target selisih"
    assert float(facts["belanja (juta Rp)"]) == pytest.approx(plan["cost"].sum())
    assert float(facts["deprivasi teratasi"]) == pytest.approx(
        summary["deprivations_removed"])
    assert float(facts["nilai tujuan (deprivasi teratasi, berbobot)"]) == pytest.approx(
        summary["objective"])
    agencies = _section(rows, "Belanja dan pagu per lembaga")
    assert agencies[0][:4] == ["lembaga", "nama lembaga", "pagu (juta Rp)",
                               "terpakai (juta Rp)"]
    *body, total = agencies[1:]
    used = plan.groupby("agency")["cost"].sum()
    pagu = pd.read_csv(out / "data_agencies.csv").set_index("code")["pagu"]
    assert [row[0] for row in body] == sorted(pagu.index)
    for row in body:
        assert float(row[2]) == pytest.approx(pagu[row[0]]), row
        assert float(row[3]) == pytest.approx(used.get(row[0], 0.0)), row
        assert float(row[4]) == pytest.approx(pagu[row[0]] - used.get(row[0], 0.0)), row
    assert total[0] == "JUMLAH"
    assert float(total[3]) == pytest.approx(plan["cost"].sum())

    # each agency's sheet: its rows are the plan's rows of that agency, and their total
    for agency in pagu.index:
        agency_rows = _csv_rows(files[agency])
        assert "SINTETIS" in agency_rows[0][0] and agency_rows[3][0].startswith(f"{agency}: ")
        header = agency_rows.index(next(r for r in agency_rows if r[:1] == ["kode desa"]))
        assert agency_rows[header][3] == "kode program"
        assert agency_rows[header][7:9] == ["jumlah unit", "biaya (juta Rp)"]
        (last,) = [i for i, row in enumerate(agency_rows) if row[:1] == ["JUMLAH"]]
        drawn = sorted((r[0], r[3], int(r[7]), round(float(r[8]), 4))
                       for r in agency_rows[header + 1:last])
        mine = plan[plan["agency"] == agency]
        assert drawn == sorted(zip(mine["village"], mine["program"], mine["units"],
                                   mine["cost"].round(4), strict=True)), agency
        assert float(agency_rows[last][8]) == pytest.approx(used.get(agency, 0.0)), agency

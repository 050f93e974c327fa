"""A corpus of damaged workbooks handed back with ``--locks``, each made from the workbook of
a good run (the session fixture ``good_run``) as a planner or a stray tool would damage it.

For every one, as a planner would type it: ``planning run scenarios/baseline.yaml --locks
EDITED.xlsx --out RESULTS`` exits with 1, prints no traceback, and names on one line the
file and the sheet, row and column (or says that the file is not a workbook written by
planning); the results folder of the earlier good run is left exactly as it was. A sample
is checked in English too, and 50,000 bad rows print a capped list.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from planning.i18n import MAX_LINES, text
from planning.report.labels import ALLOCATION_COLUMNS, ALLOCATION_HEADERS

from .conftest import ROOT
from .corpus import assert_clear_failure, assert_named_on_one_line, cli, folder_state

BASELINE = ROOT / "scenarios" / "baseline.yaml"
NOT_OURS = {"id": "bukan buku kerja yang ditulis oleh planning",
            "en": "not a workbook written by planning"}

Maker = Callable[[Path, Path], None]
"""Makes a damaged workbook at its second argument from the good one at its first."""


def book_edit(change: Callable) -> Maker:
    """The good workbook with ``change(book)`` applied in openpyxl, saved."""
    def make(source: Path, target: Path) -> None:
        book = load_workbook(source)
        change(book)
        book.save(target)
    return make


def set_cell(sheet: str, ref: str, value: object) -> Maker:
    return book_edit(lambda book: setattr(book[sheet][ref], "value", value))


def merged(cells: str, value: object) -> Maker:
    def change(book) -> None:
        ws = book["Alokasi"]
        ws[cells.split(":")[0]].value = value
        ws.merge_cells(cells)
    return book_edit(change)


def raw(data: bytes | Callable[[bytes], bytes]) -> Maker:
    """A file of the given bytes (or of a function of the good workbook's bytes)."""
    def make(source: Path, target: Path) -> None:
        target.write_bytes(data(source.read_bytes()) if callable(data) else data)
    return make


def zipped(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def foreign(source: Path, target: Path) -> None:
    """An xlsx that planning did not write."""
    book = Workbook()
    book.active.append(["kode_desa", "unit"])
    book.save(target)


def folder(source: Path, target: Path) -> None:
    target.mkdir()


# (case id, maker, sheet or None, spreadsheet row or None, column or None, more words);
# a column is a key of ALLOCATION_COLUMNS (named in the message's language) or as found
CORPUS = [
    # sheets
    ("Alokasi sheet deleted", book_edit(lambda b: b.remove(b["Alokasi"])), None, None, None,
     ["Alokasi/Allocation"]),
    ("hidden _plan sheet deleted", book_edit(lambda b: b.remove(b["_plan"])), None, None,
     None, ["'_plan'"]),
    ("Alokasi sheet renamed", book_edit(lambda b: setattr(b["Alokasi"], "title",
                                                          "Alokasi (2)")),
     None, None, None, ["Alokasi/Allocation", "'Alokasi (2)'"]),
    ("column added to _plan", set_cell("_plan", "D1", "catatan"), "_plan", 1, None,
     ["catatan"]),
    ("text in _plan units", set_cell("_plan", "C3", "lima"), "_plan", 3, "units", ["lima"]),
    ("value beside the _plan table", set_cell("_plan", "E6", 7), "_plan", 6, "E", []),
    ("units changed in _plan", set_cell("_plan", "C2", 999), "_plan", None, None,
     [{"id": "tidak lagi seperti yang ditulis planning", "en": "no longer as planning wrote"}]),
    ("rows deleted from _plan", book_edit(lambda b: b["_plan"].delete_rows(3, 3)), "_plan",
     None, None, [{"id": "Jangan sunting _plan", "en": "Do not edit _plan"}]),
    # columns of the Alokasi sheet
    ("units column deleted", book_edit(lambda b: b["Alokasi"].delete_cols(7)), "Alokasi", 4,
     None, []),
    ("column added", set_cell("Alokasi", "K4", "catatan"), "Alokasi", 4, "catatan", ["(K)"]),
    ("values without a header", set_cell("Alokasi", "L7", "periksa"), "Alokasi", None, "L",
     [" 7"]),
    ("header renamed", set_cell("Alokasi", "G4", "unit2"), "Alokasi", 4, "unit2", ["'unit'"]),
    ("header repeated", set_cell("Alokasi", "H4", "kunci"), "Alokasi", 4, "lock", ["H, J"]),
    ("header row cleared", book_edit(lambda b: [setattr(c, "value", None)
                                                for c in b["Alokasi"][4]]),
     "Alokasi", 1, None, []),
    # cells
    ("text in units", set_cell("Alokasi", "G5", "lima"), "Alokasi", 5, "units", ["lima"]),
    ("fraction in units", set_cell("Alokasi", "G6", 2.5), "Alokasi", 6, "units", ["2.5"]),
    ("negative units", set_cell("Alokasi", "G7", -3), "Alokasi", 7, "units", ["-3"]),
    ("huge units", set_cell("Alokasi", "G8", 1e300), "Alokasi", 8, "units", ["1e+300"]),
    ("formula in units", set_cell("Alokasi", "G9", "=G7*2"), "Alokasi", 9, "units",
     ["=G7*2"]),
    ("units cleared", set_cell("Alokasi", "G10", None), "Alokasi", 10, "units", []),
    ("lock neither yes nor no", set_cell("Alokasi", "J5", "mungkin"), "Alokasi", 5, "lock",
     ["mungkin"]),
    ("village code 5,000 characters long", set_cell("Alokasi", "A6", "X" * 5000),
     "Alokasi", 6, "village_code", ["X" * 20 + "…"]),
    ("blank row inserted", book_edit(lambda b: b["Alokasi"].insert_rows(8)), "Alokasi", 8,
     None, []),
    ("merged lock cells", merged("J5:J8", "ya"), "Alokasi", 5, None, ["J5:J8"]),
    ("every row deleted", book_edit(lambda b: b["Alokasi"].delete_rows(5, 10_000)), "Alokasi",
     None, None, []),
    # files that are not a workbook written by planning
    ("empty file", raw(b""), None, None, None, [NOT_OURS]),
    ("CSV renamed .xlsx", raw(b"kode_desa,unit\n51.08.01.2001,3\n"), None, None, None,
     [NOT_OURS, "CSV"]),
    ("zip archive renamed .xlsx", raw(zipped({"notes.txt": "rapat"})), None, None, None,
     [NOT_OURS, "zip"]),
    ("Word document renamed .xlsx", raw(zipped({"[Content_Types].xml": "<Types/>",
                                                "word/document.xml": "<w:document/>"})),
     None, None, None, [NOT_OURS]),
    ("password-protected file", raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)), None,
     None, None, [NOT_OURS]),
    ("truncated workbook", raw(lambda good: good[:len(good) // 2]), None, None, None,
     [NOT_OURS]),
    ("workbook not written by planning", foreign, None, None, None, [NOT_OURS]),
    ("folder named .xlsx", folder, None, None, None, [NOT_OURS]),
]
#: cases also checked with --lang en
SAMPLE_EN = ["Alokasi sheet deleted", "text in _plan units", "header renamed",
             "formula in units", "merged lock cells", "CSV renamed .xlsx",
             "password-protected file", "blank row inserted"]
BY_ID = {case[0]: case[1:] for case in CORPUS}


def test_corpus_is_large_and_distinct():
    assert len(CORPUS) >= 15
    assert len(BY_ID) == len(CORPUS)


def column_name(sheet: str | None, column: str, lang: str) -> str:
    if sheet != "_plan" and column in ALLOCATION_COLUMNS:
        return ALLOCATION_HEADERS[lang][ALLOCATION_COLUMNS.index(column)]
    return column


def parts_of(file: str, sheet, row, column, words, lang: str) -> list[str]:
    """What one message line must hold: the file, the sheet, row and column, the words."""
    parts = [file]
    if sheet is not None:
        parts.append(text("where.sheet", lang, sheet=sheet))
    if row is not None:
        parts.append(text("where.row", lang, row=row))
    if column is not None:
        parts.append(text("where.column", lang, column=column_name(sheet, column, lang)))
    return parts + [w[lang] if isinstance(w, dict) else w for w in words]


def check_case(case_id: str, lang: str, good_run, results: Path, tmp_path: Path) -> str:
    make, sheet, row, column, words = BY_ID[case_id]
    edited = tmp_path / "edits" / "rencana_alokasi_edit.xlsx"
    edited.parent.mkdir()
    make(good_run / "rencana_alokasi.xlsx", edited)
    before = folder_state(results)
    code, output = cli("run", BASELINE, "--locks", edited, "--out", results, "--lang", lang)
    parts = parts_of(edited.name, sheet, row, column, words, lang)
    assert_clear_failure(code, output, *parts)
    assert_named_on_one_line(output, parts)
    assert folder_state(results) == before
    return output


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_damaged_workbook_is_a_clear_failure(case_id, good_run, results, tmp_path):
    check_case(case_id, "id", good_run, results, tmp_path)


@pytest.mark.parametrize("case_id", SAMPLE_EN)
def test_damaged_workbook_in_english(case_id, good_run, results, tmp_path):
    check_case(case_id, "en", good_run, results, tmp_path)


def test_a_long_value_is_abridged(good_run, results, tmp_path):
    output = check_case("village code 5,000 characters long", "id", good_run, results,
                        tmp_path)
    assert "X" * 100 not in output


def test_fifty_thousand_bad_rows_print_a_capped_list(good_run, results, tmp_path):
    book = load_workbook(good_run / "rencana_alokasi.xlsx")
    ws = book["Alokasi"]
    first = ws.max_row + 1
    for n in range(50_000):
        ws.append([f"51.08.99.{n:05d}", "x", "x", "PKM-RTLH", "x", "PERKIMTA", 1])
    edited = tmp_path / "edits" / "panjang.xlsx"
    edited.parent.mkdir()
    book.save(edited)
    before = folder_state(results)
    code, output = cli("run", BASELINE, "--locks", edited, "--out", results)
    assert_clear_failure(code, output, "panjang.xlsx", text("where.row", "id", row=first))
    assert output.count("[GALAT]") == MAX_LINES
    assert text("report.more", "id", n=50_000 - MAX_LINES) in output
    assert len(output.splitlines()) < MAX_LINES + 5
    assert folder_state(results) == before


def test_a_workbook_of_another_scenario_is_named_as_such(good_run, results, tmp_path):
    """Edits made on another scenario's plan (its Meta sheet names that scenario): one
    message naming both scenarios and what to do, not a row error per village."""
    book = load_workbook(good_run / "rencana_alokasi.xlsx")
    meta = book["Meta"]
    row = next(r for r in meta.iter_rows() if (r[0].value, r[1].value) ==
               ("scenario", "settings.name"))
    row[2].value = "pertanian-dulu"
    edited = tmp_path / "edits" / "lain.xlsx"
    edited.parent.mkdir()
    book.save(edited)
    before = folder_state(results)
    code, output = cli("run", BASELINE, "--locks", edited, "--out", results, "--lang", "en")
    assert_clear_failure(code, output, "lain.xlsx", "'Meta'",
                         "written for the scenario 'pertanian-dulu', not 'baseline'",
                         "planning run scenarios/pertanian-dulu.yaml --locks")
    assert output.count("[ERROR]") == 1, output
    assert folder_state(results) == before

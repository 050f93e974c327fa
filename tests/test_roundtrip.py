"""The spreadsheet round trip, end to end: run a scenario, edit the Alokasi sheet of its
workbook as a planner would (lock a row, change units, delete a row), run again with
--locks, and check the edits held, the rest was re-planned and what moved is listed."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.config.scenario import load_scenario
from planning.model import Lock, build_instance
from planning.pipeline import run_scenario
from planning.report import roundtrip
from planning.report.labels import ALLOCATION_COLUMNS, ALLOCATION_HEADERS
from planning.report.roundtrip import RoundTripError, edits_as_locks

from .conftest import ROOT
from .model_checker import recompute

SCENARIO = ROOT / "scenarios" / "baseline.yaml"
HEADER = 4
"""The row of the Alokasi header, under the banner."""


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    return run_scenario(SCENARIO, tmp_path_factory.mktemp("rt") / "first")


def sheet_frame(ws) -> tuple[list[str], list[list]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def edit(first, target, change):
    """Copy the workbook, let ``change(ws, header)`` edit its Alokasi sheet, save."""
    book = load_workbook(first.out_dir / "rencana_alokasi.xlsx")
    ws = book["Alokasi"]
    header = [c.value for c in ws[HEADER]]
    change(ws, header)
    book.save(target)
    return target


def col(header, name) -> int:
    return header.index(name) + 1


def test_edits_become_locks_and_the_rest_is_replanned(first, tmp_path, ds):
    plan = first.allocation.tables.plan
    programs = ds.programs.set_index("code")
    keep = plan.iloc[0]
    lower = plan[(plan["units"] > plan["program"].map(programs["min_units"]))].iloc[1]
    drop = plan.iloc[-1]
    chosen = {(keep["village"], keep["program"]), (lower["village"], lower["program"]),
              (drop["village"], drop["program"])}
    assert len(chosen) == 3
    new_units = int(programs.at[lower["program"], "min_units"])

    def change(ws, header):
        for row in range(ws.max_row, HEADER, -1):
            key = (ws.cell(row, col(header, "kode_desa")).value,
                   ws.cell(row, col(header, "kode_program")).value)
            if key == (keep["village"], keep["program"]):
                ws.cell(row, col(header, "kunci")).value = "ya"
            elif key == (lower["village"], lower["program"]):
                ws.cell(row, col(header, "unit")).value = new_units
            elif key == (drop["village"], drop["program"]):
                ws.delete_rows(row)

    edited = edit(first, tmp_path / "edited.xlsx", change)
    result = CliRunner().invoke(app, ["run", str(SCENARIO), "--out", str(tmp_path / "second"),
                                      "--locks", str(edited)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "second"
    new = pd.read_csv(out / "allocation_plan.csv", dtype={"village": str}).set_index(
        ["village", "program"])
    assert new.at[(keep["village"], keep["program"]), "units"] == keep["units"]
    assert new.at[(lower["village"], lower["program"]), "units"] == new_units
    assert (drop["village"], drop["program"]) not in new.index
    # the new plan keeps every rule, with the edits as locks (checked independently)
    locks = [Lock(village=keep["village"], program=keep["program"], units=int(keep["units"])),
             Lock(village=lower["village"], program=lower["program"], units=new_units),
             Lock(village=drop["village"], program=drop["program"], state="out")]
    settings = load_scenario(SCENARIO).scenario.model_settings(
        ds.agencies.set_index("code")["pagu"].to_dict())
    settings = settings.model_copy(update={"locks": locks})
    scores = pd.read_csv(out / "village_scores.csv", dtype={"code": str,
                                                             "kecamatan_code": str})
    checked = recompute(ds.path, scores, settings, new.reset_index())
    assert checked["violations"] == []
    # what moved: a table and a sheet of the new workbook
    moved = pd.read_csv(out / "moved.csv", dtype={"village": str}).set_index(
        ["village", "program"])
    assert moved.at[(keep["village"], keep["program"]), "action"] == "locked"
    assert moved.at[(lower["village"], lower["program"]), "action"] == "changed"
    assert moved.at[(drop["village"], drop["program"]), "action"] == "removed"
    assert moved.at[(drop["village"], drop["program"]), "units_after"] == 0
    book = load_workbook(out / "rencana_alokasi.xlsx", read_only=True)
    assert "Perubahan" in book.sheetnames
    _, rows = sheet_frame(book["Perubahan"])
    assert len(rows) >= len(moved)
    # re-optimised rows that moved are listed too, with the direction
    free = moved[moved["action"] == "free"]
    assert set(free["result"]) <= {"up", "down"}


def test_bad_edits_are_reported_per_row(first, tmp_path, ds):
    scores = pd.read_csv(first.out_dir / "village_scores.csv",
                         dtype={"code": str, "kecamatan_code": str})
    instance = build_instance(ds, scores)
    rtlh = instance.pairs[instance.pairs["program"] == "PKM-RTLH"].sort_values(
        "hi", ascending=False)

    def change(ws, header):
        ws.cell(5, col(header, "kode_desa")).value = "51.08.99.9999"
        ws.cell(6, col(header, "unit")).value = "banyak"
        ws.cell(7, col(header, "unit")).value = 10_000
        row = ws.max_row + 1
        for r in rtlh.itertuples():
            ws.cell(row, col(header, "kode_desa")).value = r.village
            ws.cell(row, col(header, "kode_program")).value = "PKM-RTLH"
            ws.cell(row, col(header, "unit")).value = int(r.hi)
            ws.cell(row, col(header, "kunci")).value = "ya"
            row += 1

    edited = edit(first, tmp_path / "bad.xlsx", change)
    with pytest.raises(RoundTripError) as caught:
        run_scenario(SCENARIO, tmp_path / "never", edited=edited)
    text = caught.value.render("id")
    assert "baris 5" in text and "kode_desa" in text and "51.08.99.9999" in text
    assert "baris 6" in text and "banyak" in text
    assert "baris 7" in text and "10000" in text
    assert "PERKIMTA" in text and "pagu" in text
    english = caught.value.render("en")
    assert "row 5" in english and "village_code" in english
    assert not (tmp_path / "never").exists()
    result = CliRunner().invoke(app, ["run", str(SCENARIO), "--out", str(tmp_path / "never"),
                                      "--locks", str(edited), "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "row 6" in result.output


def test_a_file_that_is_not_a_workbook(first, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(RoundTripError, match="xlsx"):
        run_scenario(SCENARIO, tmp_path / "x", edited=fake)
    with pytest.raises(RoundTripError, match="not found"):
        run_scenario(SCENARIO, tmp_path / "x", edited=tmp_path / "missing.xlsx")


# --- issue 11: every problem of an edited workbook, named in both languages ------------

@dataclass(frozen=True)
class Context:
    """What the cases below edit against: the run's scores, settings, and the instance's
    villages and (village, programme) pairs with their unit bounds."""

    scores: pd.DataFrame
    settings: object
    plan_villages: frozenset
    pairs: pd.DataFrame

    def outside(self, ds) -> str:
        """A village of the data set that is not one of the plan's."""
        return sorted(set(ds.villages["code"]) - self.plan_villages)[0]

    def ineligible(self, ds, village: str) -> str:
        """A programme that cannot run in ``village``."""
        eligible = set(self.pairs.loc[self.pairs["village"] == village, "program"])
        return sorted(set(ds.programs["code"]) - eligible)[0]


@pytest.fixture(scope="module")
def context(first, ds) -> Context:
    scores = pd.read_csv(first.out_dir / "village_scores.csv",
                         dtype={"code": str, "kecamatan_code": str})
    settings = load_scenario(SCENARIO).scenario.model_settings(
        ds.agencies.set_index("code")["pagu"].to_dict())
    instance = build_instance(ds, scores, settings)
    return Context(scores, settings, frozenset(instance.villages["code"]), instance.pairs)


def sheet_edit(change):
    """A maker: the run's workbook with ``change(book, ds, context)`` applied, saved."""
    def make(source: Path, target: Path, ds, context: Context) -> None:
        book = load_workbook(source)
        change(book, ds, context)
        book.save(target)
    return make


def put(sheet: str, ref: str, value):
    return sheet_edit(lambda book, ds, ctx: setattr(book[sheet][ref], "value", value))


def meta_scenario(name: str):
    """A maker: the run's workbook whose Meta sheet names the scenario ``name``."""
    def change(book, ds, context) -> None:
        row = next(r for r in book["Meta"].iter_rows()
                   if (r[0].value, r[1].value) == ("scenario", "settings.name"))
        row[2].value = name
    return sheet_edit(change)


def file_bytes(data):
    """A maker: a file of the given bytes (or of a function of the workbook's bytes)."""
    def make(source: Path, target: Path, ds, context: Context) -> None:
        target.write_bytes(data(source.read_bytes()) if callable(data) else data)
    return make


def zipped(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def nothing(source: Path, target: Path, ds, context: Context) -> None:
    """No workbook at all at the target path."""


def directory(source: Path, target: Path, ds, context: Context) -> None:
    target.mkdir()


def not_from_planning(source: Path, target: Path, ds, context: Context) -> None:
    book = Workbook()
    book.active.append(["kode_desa", "unit"])
    book.save(target)


def merge(book, ds, ctx) -> None:
    book["Alokasi"]["J5"].value = "ya"
    book["Alokasi"].merge_cells("J5:J8")


def outside_village(book, ds, ctx) -> None:
    book["Alokasi"]["A5"].value = ctx.outside(ds)


def ineligible_programme(book, ds, ctx) -> None:
    ws = book["Alokasi"]
    ws["D5"].value = ctx.ineligible(ds, ws["A5"].value)


def row_repeated(book, ds, ctx) -> None:
    ws = book["Alokasi"]
    for cell in ws[6]:
        cell.value = ws.cell(5, cell.column).value


def every_housing_row_locked_at_most(book, ds, ctx) -> None:
    """Every village of the plan gets the most PKM-RTLH units it can take, locked."""
    ws = book["Alokasi"]
    header = [c.value for c in ws[HEADER]]
    rows = {(ws.cell(r, 1).value, ws.cell(r, 4).value): r
            for r in range(HEADER + 1, ws.max_row + 1)}
    for pair in ctx.pairs[ctx.pairs["program"] == "PKM-RTLH"].itertuples():
        row = rows.get((pair.village, pair.program), ws.max_row + 1)
        ws.cell(row, col(header, "kode_desa")).value = pair.village
        ws.cell(row, col(header, "kode_program")).value = pair.program
        ws.cell(row, col(header, "unit")).value = int(pair.hi)
        ws.cell(row, col(header, "kunci")).value = "ya"


def refuse_to_open(monkeypatch, path: Path) -> None:
    """The system refuses to open the workbook (simulated: the tests may run as root)."""
    opener = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == path.name:
            raise PermissionError(13, "Permission denied", str(self))
        return opener(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)


def few_rows_allowed(monkeypatch, path: Path) -> None:
    """At most 5 rows below the header (instead of 100,000: the real limit would take a
    workbook of 100,001 rows)."""
    monkeypatch.setattr(roundtrip, "MAX_ROWS", 5)


NOT_OURS = ("Pakai buku kerja dari folder hasil planning run",
            "Use the workbook from the results folder of planning run")
#: (case id, maker, patch or None, key, sheet, row, column, letter, words in Bahasa
#: Indonesia, words in English); column: a key of ALLOCATION_COLUMNS (shown as the
#: header in the message's language) or as found; words: text or a tuple of texts
ROUNDTRIP_CASES = [
    # the file
    ("no workbook", nothing, None, "roundtrip.no_file", None, None, None, None,
     "buku kerja tidak ditemukan. Periksa jalurnya", "workbook not found. Check the path"),
    ("workbook that cannot be opened", file_bytes(lambda good: good), refuse_to_open,
     "roundtrip.unreadable", None, None, None, None,
     "buku kerja tidak dapat dibuka (Permission denied). Tutup buku kerja itu di Excel jika "
     "masih terbuka",
     "the workbook cannot be opened (Permission denied). Close it in Excel if it is still "
     "open"),
    ("folder named .xlsx", directory, None, "roundtrip.not_planning", None, None, None, None,
     ("ini folder atau perangkat, bukan berkas", NOT_OURS[0]),
     ("it is a folder or a device, not a file", NOT_OURS[1])),
    ("empty file", file_bytes(b""), None, "roundtrip.not_planning", None, None, None, None,
     ("(berkasnya kosong)", NOT_OURS[0]), ("(the file is empty)", NOT_OURS[1])),
    ("CSV renamed .xlsx", file_bytes(b"kode_desa,unit\n51.08.01.2001,3\n"), None,
     "roundtrip.not_planning", None, None, None, None,
     ("berkas teks atau berkas lain, misalnya CSV yang diberi nama .xlsx", NOT_OURS[0]),
     ("a text or other file, for example a CSV renamed to .xlsx", NOT_OURS[1])),
    ("password-protected file", file_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)),
     None, "roundtrip.not_planning", None, None, None, None,
     ("berkas berkata sandi atau berkas .xls lama; buka di Excel dan hapus kata sandinya",
      NOT_OURS[0]),
     ("a password-protected or old .xls file; open it in Excel and remove the password",
      NOT_OURS[1])),
    ("zip archive renamed .xlsx", file_bytes(zipped({"catatan.txt": "rapat"})), None,
     "roundtrip.not_planning", None, None, None, None,
     ("arsip zip atau dokumen Office lain, bukan buku kerja xlsx", NOT_OURS[0]),
     ("a zip archive or another Office document, not an xlsx workbook", NOT_OURS[1])),
    ("truncated workbook", file_bytes(lambda good: good[:len(good) // 2]), None,
     "roundtrip.not_planning", None, None, None, None,
     ("berkas xlsx rusak atau tidak lengkap", NOT_OURS[0]),
     ("the xlsx file is damaged or incomplete", NOT_OURS[1])),
    ("workbook not written by planning", not_from_planning, None, "roundtrip.not_planning",
     None, None, None, None,
     ("tidak ada lembar Alokasi maupun lembar tersembunyi _plan", NOT_OURS[0]),
     ("it has neither an Alokasi/Allocation sheet nor the hidden sheet _plan",
      NOT_OURS[1])),
    ("zip bomb", file_bytes(lambda good: zipped({"[Content_Types].xml": "<Types/>",
                                                 "xl/workbook.xml": "<workbook/>",
                                                 "xl/media/big.bin": bytes(101 * 2**20)})),
     None, "roundtrip.not_planning", None, None, None, None,
     ("isinya lebih dari 100 MB setelah dibuka", NOT_OURS[0]),
     ("it unpacks to more than 100 MB", NOT_OURS[1])),
    # the sheets
    ("Alokasi sheet renamed", sheet_edit(lambda b, ds, ctx: setattr(b["Alokasi"], "title",
                                                                   "Alokasi (2)")),
     None, "roundtrip.no_sheet", None, None, None, None,
     ("lembar 'Alokasi/Allocation' tidak ada. Mungkin maksudnya 'Alokasi (2)'?",
      "jangan ganti nama atau hapus lembarnya"),
     ("sheet 'Alokasi/Allocation' is missing. Did you mean 'Alokasi (2)'?",
      "do not rename or delete its sheets")),
    ("hidden _plan sheet deleted", sheet_edit(lambda b, ds, ctx: b.remove(b["_plan"])), None,
     "roundtrip.no_plan_sheet", None, None, None, None,
     ("lembar tersembunyi '_plan'", "Ambil lagi buku kerja dari folder hasil"),
     ("the hidden sheet '_plan'", "Take the workbook from the results folder again")),
    ("column added to _plan", put("_plan", "D1", "catatan"), None, "roundtrip.plan_header",
     "_plan", 1, None, None,
     ("seharusnya village, program, units, bukan village, program, units, catatan",
      "Jangan sunting lembar _plan"),
     ("should be village, program, units, not village, program, units, catatan",
      "Do not edit _plan")),
    ("text in _plan units", put("_plan", "C3", "lima"), None, "roundtrip.plan_changed",
     "_plan", 3, "units", "C",
     ("nilai 'lima' bukan yang ditulis planning", "Jangan sunting lembar _plan"),
     ("value 'lima' is not what planning wrote", "Do not edit _plan")),
    ("units changed in _plan", put("_plan", "C2", 999), None, "roundtrip.plan_edited",
     "_plan", None, None, None,
     ("lembar tersembunyi _plan tidak lagi seperti yang ditulis planning",
      "Jangan sunting _plan"),
     ("the hidden sheet _plan is no longer as planning wrote it", "Do not edit _plan")),
    ("workbook of another scenario", meta_scenario("pertanian-dulu"), None,
     "roundtrip.other_scenario", "Meta", None, None, None,
     ("ditulis untuk skenario 'pertanian-dulu', bukan 'baseline'",
      "planning run scenarios/pertanian-dulu.yaml --locks"),
     ("written for the scenario 'pertanian-dulu', not 'baseline'",
      "planning run scenarios/pertanian-dulu.yaml --locks")),
    ("_plan from other data", put("_plan", "A2", "51.08.99.9999"), None,
     "roundtrip.plan_other_data", "_plan", 2, "village", None,
     ("kode '51.08.99.9999' tidak ada di data set ini",
      "Gunakan buku kerja dari perhitungan dengan data skenario ini"),
     ("code '51.08.99.9999' is not in this data set",
      "Use a workbook from a run on this scenario's data")),
    # the layout of the Alokasi sheet
    ("column added", put("Alokasi", "K4", "catatan"), None, "roundtrip.unknown_column",
     "Alokasi", 4, "catatan", "K",
     ("kolom 'catatan' bukan kolom lembar ini.",
      "Kembalikan nama judulnya, atau hapus kolom ini"),
     ("column 'catatan' is not a column of this sheet.",
      "Restore its header, or delete the column")),
    ("header repeated", put("Alokasi", "H4", "kunci"), None, "roundtrip.duplicate_column",
     "Alokasi", 4, "lock", "J",
     "'kunci' muncul lebih dari sekali (kolom H, J). Simpan satu saja",
     "'kunci' appears more than once (columns H, J). Keep only one"),
    ("units column deleted", sheet_edit(lambda b, ds, ctx: b["Alokasi"].delete_cols(7)), None,
     "roundtrip.no_columns", "Alokasi", 4, None, None,
     "kolom unit tidak ditemukan di baris judul. Biarkan baris judul di tempatnya",
     "columns units are not in the header row. Keep the header row where it is"),
    ("values without a header", put("Alokasi", "L7", "periksa"), None,
     "roundtrip.no_header", "Alokasi", None, None, "L",
     "berisi nilai (mulai baris 7) tetapi tidak punya judul. Hapus nilainya",
     "holds values (from row 7) but has no header. Delete the values"),
    ("merged lock cells", sheet_edit(merge), None, "roundtrip.merged", "Alokasi", 5, None,
     None, "sel J5:J8 digabung (merge). Pisahkan selnya (unmerge)",
     "cells J5:J8 are merged. Unmerge them"),
    ("blank row inserted", sheet_edit(lambda b, ds, ctx: b["Alokasi"].insert_rows(8)), None,
     "roundtrip.blank_row", "Alokasi", 8, None, None,
     "baris kosong di tengah tabel. Hapus baris itu",
     "an empty row inside the table. Delete the row"),
    ("every row deleted", sheet_edit(lambda b, ds, ctx: b["Alokasi"].delete_rows(5, 10_000)),
     None, "roundtrip.no_rows", "Alokasi", None, None, None,
     "tidak berisi baris rencana. Ambil lagi buku kerja dari folder hasil",
     "holds no rows of the plan. Take the workbook from the results folder again"),
    ("more rows than any plan", file_bytes(lambda good: good), few_rows_allowed,
     "roundtrip.too_many_rows", "Alokasi", None, None, None,
     "berisi lebih dari 5 baris, jauh melebihi rencana mana pun. Gunakan buku kerja",
     "holds more than 5 rows, far more than any plan. Use the workbook"),
    # the cells of the Alokasi sheet
    ("formula in units", put("Alokasi", "G9", "=G7*2"), None, "roundtrip.formula", "Alokasi",
     9, "units", "G", "sel berisi rumus (=G7*2). Ketik nilainya langsung",
     "the cell holds a formula (=G7*2). Type the value itself"),
    ("units cleared", put("Alokasi", "G10", None), None, "roundtrip.empty_cell", "Alokasi", 10,
     "units", "G", "sel kosong. Isi sel ini atau hapus barisnya",
     "the cell is empty. Fill it in or delete the row"),
    ("lock neither yes nor no", put("Alokasi", "J5", "mungkin"), None, "roundtrip.bad_lock",
     "Alokasi", 5, "lock", "J", "'mungkin' bukan ya atau tidak. Ketik ya untuk mengunci",
     "'mungkin' is not yes or no. Type yes to lock this row"),
    ("unknown village", put("Alokasi", "A5", "51.08.99.9999"), None,
     "roundtrip.unknown_village", "Alokasi", 5, "village_code", "A",
     "kode desa '51.08.99.9999' tidak ada di villages.csv. Salin kode dari lembar Skor Desa",
     "village code '51.08.99.9999' is not in villages.csv. Copy the code from the Village "
     "Scores sheet"),
    ("village outside the plan", sheet_edit(outside_village), None,
     "roundtrip.village_not_in_plan", "Alokasi", 5, "village_code", "A",
     ("desa 51.08.01.2002 bukan desa rencana skenario ini", "(force_in) atau hapus baris ini"),
     ("village 51.08.01.2002 is not in this scenario's plan",
      "(force_in) or delete this row")),
    ("unknown programme", put("Alokasi", "D5", "NOPE"), None, "roundtrip.unknown_program",
     "Alokasi", 5, "program_code", "D",
     "kode program 'NOPE' tidak ada di programs.csv. Salin kode dari lembar Input & Asumsi",
     "programme code 'NOPE' is not in programs.csv. Copy the code from the Inputs & "
     "Assumptions sheet"),
    ("text in units", put("Alokasi", "G5", "lima"), None, "roundtrip.bad_units", "Alokasi", 5,
     "units", "G", "unit 'lima' bukan bilangan bulat >= 0. Tulis jumlah unit utuh",
     "units 'lima' is not a whole number >= 0. Write whole units"),
    ("programme that cannot run there", sheet_edit(ineligible_programme), None,
     "roundtrip.not_eligible", "Alokasi", 5, "program_code", "D",
     "program DISTAN-CENGKEH tidak layak di desa 51.08.01.2001 (potensi atau kebutuhan "
     "terlalu kecil). Hapus baris ini",
     "programme DISTAN-CENGKEH cannot run in village 51.08.01.2001 (potential or need too "
     "low). Delete this row"),
    ("units above the village's bound", put("Alokasi", "G7", 10_000), None,
     "roundtrip.units_out_of_bounds", "Alokasi", 7, "units", "G",
     ("10000 unit di luar batas ", "unit untuk desa ini. Ubah jumlah unitnya"),
     ("10000 units is outside the ", "units allowed in this village. Change the units")),
    ("row repeated", sheet_edit(row_repeated), None, "roundtrip.duplicate_row", "Alokasi", 6,
     "program_code", "D", "sudah ada di baris 5. Simpan satu baris saja",
     "is already in row 5. Keep one row"),
    ("locks above the pagu", sheet_edit(every_housing_row_locked_at_most), None,
     "roundtrip.breaks_pagu", "Alokasi", None, "units", "G",
     ("baris yang dikunci atau diubah untuk PERKIMTA (baris ", " dan 7 baris lain)",
      "melebihi pagu Rp 1.500 juta", "Kurangi unit atau lepaskan kunci"),
     ("rows locked or changed for PERKIMTA (rows ", " and 7 more rows)",
      "above its pagu of Rp 1,500 million", "Lower the units or release locks")),
]
ROUNDTRIP_WHERE = {"id": ("lembar", "baris", "kolom"), "en": ("sheet", "row", "column")}


def expected_where(file: str, sheet, row, column, letter, lang: str) -> str:
    """How the message must begin: file, sheet, row, column (header in ``lang``) with its
    letter; written out here rather than with the code under test."""
    sheet_word, row_word, column_word = ROUNDTRIP_WHERE[lang]
    parts = [file]
    if sheet is not None:
        parts.append(f"{sheet_word} '{sheet}'")
    if row is not None:
        parts.append(f"{row_word} {row}")
    name = column
    if sheet != "_plan" and column in ALLOCATION_COLUMNS:
        name = ALLOCATION_HEADERS[lang][ALLOCATION_COLUMNS.index(column)]
    if name is not None:
        parts.append(f"{column_word} '{name}'" + (f" ({letter})" if letter else ""))
    elif letter is not None:
        parts.append(f"{column_word} '{letter}'")
    return ", ".join(parts)


@pytest.mark.parametrize(
    ("make", "patch", "key", "sheet", "row", "column", "letter", "words_id", "words_en"),
    [c[1:] for c in ROUNDTRIP_CASES], ids=[c[0] for c in ROUNDTRIP_CASES])
def test_each_round_trip_problem_names_sheet_row_and_column_in_both_languages(
        first, ds, context, tmp_path, monkeypatch, make, patch, key, sheet, row, column,
        letter, words_id, words_en):
    edited = tmp_path / "edits" / "rencana_alokasi_edit.xlsx"
    edited.parent.mkdir()
    make(first.out_dir / "rencana_alokasi.xlsx", edited, ds, context)
    if patch is not None:
        patch(monkeypatch, edited)
    with pytest.raises(RoundTripError) as caught:
        edits_as_locks(edited, context.settings, ds, context.scores, scenario="baseline")
    problems = caught.value.problems
    matches = [p for p in problems if (p.key, p.where.file, p.where.sheet, p.where.row,
                                       p.where.column, p.where.letter) == (
        key, edited.name, sheet, row, column, letter)]
    assert len(matches) == 1, caught.value.render("en")
    for lang, words in (("id", words_id), ("en", words_en)):
        message = matches[0].message(lang)
        label = "GALAT" if lang == "id" else "ERROR"
        start = f"[{label}] " + expected_where(edited.name, sheet, row, column, letter, lang)
        assert message.startswith(start + ": "), message
        for part in (words,) if isinstance(words, str) else words:
            assert part in message, message
        assert message in caught.value.render(lang).splitlines()


def test_a_row_added_and_units_set_to_zero(first, ds, context, tmp_path):
    """Issue 11: a row added to the Alokasi sheet puts that programme in with its units, and
    units set to 0 take a programme out; both are listed in moved.csv. Checked on the new
    run's CSV files, read with pandas."""
    plan = pd.read_csv(first.out_dir / "allocation_plan.csv", dtype={"village": str})
    in_plan = set(zip(plan["village"], plan["program"], strict=True))
    ruled = set(ds.rules["program_a"]) | set(ds.rules["program_b"])
    costs = ds.programs.set_index("code")
    pairs = context.pairs[~context.pairs["program"].isin(ruled)]
    pairs = pairs[[(v, p) not in in_plan
                   for v, p in zip(pairs["village"], pairs["program"], strict=True)]]
    pairs = pairs.assign(cost=pairs["lo"] * pairs["program"].map(costs["unit_cost"])
                         + pairs["program"].map(costs["fixed_cost"]))
    added = pairs.sort_values(["cost", "village", "program"]).iloc[0]
    added_units = int(added["lo"])
    zero = plan[~plan["program"].isin(ruled)].iloc[0]
    assert (zero["village"], zero["program"]) != (added["village"], added["program"])

    def change(ws, header):
        for row in range(HEADER + 1, ws.max_row + 1):
            if (ws.cell(row, col(header, "kode_desa")).value,
                    ws.cell(row, col(header, "kode_program")).value) == (
                    zero["village"], zero["program"]):
                ws.cell(row, col(header, "unit")).value = 0
        row = ws.max_row + 1
        ws.cell(row, col(header, "kode_desa")).value = added["village"]
        ws.cell(row, col(header, "kode_program")).value = added["program"]
        ws.cell(row, col(header, "unit")).value = added_units

    edited = edit(first, tmp_path / "edited.xlsx", change)
    run_scenario(SCENARIO, tmp_path / "second", edited=edited)
    out = tmp_path / "second"
    new = pd.read_csv(out / "allocation_plan.csv", dtype={"village": str}).set_index(
        ["village", "program"])
    assert new.at[(added["village"], added["program"]), "units"] == added_units
    assert (zero["village"], zero["program"]) not in new.index
    moved = pd.read_csv(out / "moved.csv", dtype={"village": str}).set_index(
        ["village", "program"])
    row = moved.loc[(added["village"], added["program"])]
    assert (row["action"], row["units_before"], row["units_edited"], row["units_after"]) == (
        "added", 0, added_units, added_units)
    row = moved.loc[(zero["village"], zero["program"])]
    assert (row["action"], row["units_before"], row["units_edited"], row["units_after"]) == (
        "changed", int(zero["units"]), 0, 0)


def test_the_hidden_rows_digest_reads_numpy_cells_as_the_workbook_does():
    """The digest is taken of rows built from pandas (numpy scalars: ``np.str_`` codes,
    ``np.int64`` units) when written and of openpyxl's Python values when read: both
    must give the same digest, and a changed unit a different one."""
    import numpy as np

    written = [(np.str_("5108012001"), np.str_("PUTR-PAMSIMAS"), np.int64(3), np.float64(2.0),
                np.bool_(True))]
    read = [("5108012001", "PUTR-PAMSIMAS", 3, 2, True)]
    assert roundtrip.rows_digest(written) == roundtrip.rows_digest(read)
    assert roundtrip.rows_digest(read) != roundtrip.rows_digest(
        [("5108012001", "PUTR-PAMSIMAS", 4, 2, True)])
    # a code that looks like a number is still a code: kept as written
    assert roundtrip.rows_digest([(np.str_("007"),)]) == roundtrip.rows_digest([("007",)])

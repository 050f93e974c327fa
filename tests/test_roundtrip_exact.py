"""The spreadsheet round trip on workbooks made here with openpyxl (no planning run): every
edit and every damage must give exactly the expected locks, table of edits, or messages
naming file, sheet, row and column, in both languages. Written to kill the mutants of
planning.report.roundtrip (docs/testing.md); test_roundtrip runs the real workbook end to end."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from planning.model import Lock, ModelSettings, build_instance
from planning.report.roundtrip import (
    MAX_ROWS,
    MAX_UNITS,
    MAX_UNPACKED,
    NEEDED,
    NO,
    PLAN_COLUMNS,
    PLAN_SHEET,
    YES,
    EditProblem,
    Formula,
    Headers,
    RoundTripError,
    Rows,
    Where,
    _edits,
    _first_row,
    _kind,
    _letter,
    _plan_row,
    _text,
    _whole,
    edits_as_locks,
    moved_table,
    read_edited,
)

ID_HEADERS = ["kode_desa", "desa", "kecamatan", "kode_program", "program", "lembaga", "unit",
              "biaya (juta Rp)", "penerima manfaat", "kunci"]
EN_HEADERS = ["village_code", "village", "kecamatan", "program_code", "programme", "agency",
              "units", "cost (Rp million)", "households reached", "lock"]


def book(path, rows, plan, headers=ID_HEADERS, sheet="Alokasi", plan_header=PLAN_COLUMNS,
         extra=None):
    """An xlsx like the one planning writes: the allocation sheet with ``rows`` (dicts by
    the English header keys) and the hidden plan sheet with ``plan`` rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    keys = ["village_code", "village", "kecamatan", "program_code", "program", "agency",
            "units", "cost", "reached", "lock"]
    for r in rows:
        if r is None:
            ws.append([])
            continue
        ws.append([r.get(k) for k in keys][:len(headers)] + list(r.get("more", [])))
    hidden = wb.create_sheet(PLAN_SHEET)
    if plan_header is not None:
        hidden.append(list(plan_header))
    for r in plan:
        hidden.append(list(r))
    hidden.sheet_state = "hidden"
    if extra:
        extra(wb)
    wb.save(path)
    return path


def row(v, p, units, lock=None, **more):
    return {"village_code": v, "program_code": p, "units": units, "lock": lock, **more}


def messages(error: RoundTripError, lang="en"):
    return [p.message(lang) for p in error.problems]


# --- cell values ----------------------------------------------------------------------------
def test_constants():
    assert {"ya", "yes", "y", "kunci", "lock", "locked", "1", "true", "x"} == YES
    assert {"", "tidak", "t", "no", "n", "0", "false", "-"} == NO
    assert (PLAN_SHEET, PLAN_COLUMNS) == ("_plan", ("village", "program", "units"))
    assert NEEDED == ("village_code", "program_code", "units", "lock")
    assert (MAX_UNPACKED, MAX_ROWS, MAX_UNITS) == (100 * 2**20, 100_000, 10**9)


def test_text_and_whole():
    assert [_text(v) for v in (None, True, False, 5.0, 5.5, " ab ", 7)] == [
        "", "true", "false", "5", "5.5", "ab", "7"]
    assert [_whole(v) for v in (3, 3.0, " 4 ", "4.0", 0, "0")] == [3, 3, 4, 4, 0, 0]
    assert [_whole(v) for v in (None, True, Formula("=1"), -1, 2.5, "x", float("inf"),
                                float("nan"), "1e400", [1], 10**400)] == [None] * 11


def test_letters_and_ranges():
    assert [_letter(i) for i in (0, 9, 25, 26)] == ["A", "J", "Z", "AA"]
    assert _first_row("J12:J15") == 12 and _first_row("AB3") == 3 and _first_row("A:B") is None
    assert str(Formula("=SUM(A1)")) == "=SUM(A1)"


def test_where_render():
    where = Where("e.xlsx", "Alokasi", 4, "units", "G")
    assert where.render("en") == "e.xlsx, sheet 'Alokasi', row 4, column 'units' (G)"
    assert where.render("id") == "e.xlsx, lembar 'Alokasi', baris 4, kolom 'unit' (G)"
    assert Where("e.xlsx", PLAN_SHEET, 2, "units", "C").render("id") == \
        "e.xlsx, lembar '_plan', baris 2, kolom 'units' (C)"
    assert Where("e.xlsx", "Alokasi", None, None, "K").render("en") == \
        "e.xlsx, sheet 'Alokasi', column 'K'"
    assert Where("e.xlsx", None, 1, "mine").render("en") == "e.xlsx, row 1, column 'mine'"
    assert Where("e.xlsx").render("en") == "e.xlsx"
    moved = where.at(7)
    assert (moved.file, moved.sheet, moved.row, moved.column, moved.letter) == \
        ("e.xlsx", "Alokasi", 7, None, None)
    assert Headers(("units", "lock")).render("id") == "unit, kunci"
    assert Headers(("village_code",)).render("en") == "village_code"


def test_error_render_caps_the_lines():
    problems = [EditProblem(Where("e.xlsx", "Alokasi", n), "roundtrip.blank_row")
                for n in range(2, 60)]
    error = RoundTripError(problems)
    lines = error.render("en").split("\n")
    assert lines[0] == ("[ERROR] e.xlsx, sheet 'Alokasi', row 2: an empty row inside the "
                        "table. Delete the row (to take a programme out, delete its whole "
                        "row) or fill it in again.")
    assert str(error) == error.render("en")
    assert len(lines) < len(problems)
    assert error.render().startswith("[GALAT] e.xlsx, lembar 'Alokasi', baris 2: baris "
                                     "kosong di tengah tabel.")


# --- the file -------------------------------------------------------------------------------
@pytest.mark.parametrize(("content", "en"), [
    (b"", "the file is empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a password-protected or old .xls file; open it "
                                              "in Excel and remove the password"),
    (b"code,units\n1,2\n", "a text or other file, for example a CSV renamed to .xlsx"),
    (b"PK\x03\x04broken", "the xlsx file is damaged or incomplete"),
])
def test_not_a_workbook(tmp_path, content, en):
    path = tmp_path / "e.xlsx"
    path.write_bytes(content)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        f"[ERROR] e.xlsx: this is not a workbook written by planning ({en}). Use the workbook "
        "from the results folder of planning run (rencana_alokasi.xlsx or "
        "allocation_plan.xlsx), edit only its Allocation sheet and save it as an Excel "
        "workbook (.xlsx)."]


def test_kinds(tmp_path):
    assert _kind(tmp_path).key == "roundtrip.kind.folder"
    plain = tmp_path / "z.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    assert _kind(plain).key == "roundtrip.kind.zip"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
    assert _kind(plain).key == "roundtrip.kind.zip"
    good = book(tmp_path / "g.xlsx", [], [])
    assert _kind(good) is None
    with pytest.raises(RoundTripError) as caught:
        read_edited(tmp_path / "none.xlsx")
    assert messages(caught.value) == ["[ERROR] none.xlsx: workbook not found. Check the path."]
    assert messages(caught.value, "id") == [
        "[GALAT] none.xlsx: buku kerja tidak ditemukan. Periksa jalurnya."]


def test_too_big(tmp_path, monkeypatch):
    import planning.report.roundtrip as rt

    good = book(tmp_path / "g.xlsx", [], [])
    size = sum(i.file_size for i in zipfile.ZipFile(good).infolist())
    monkeypatch.setattr(rt, "MAX_UNPACKED", size)
    assert _kind(good) is None
    monkeypatch.setattr(rt, "MAX_UNPACKED", size - 1)
    kind = _kind(good)
    assert kind.key == "roundtrip.kind.too_big"
    assert dict(kind.params) == {"limit": (size - 1) // 2**20}
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/media/zeros.bin", b"0" * (5 * 2**20))
    monkeypatch.setattr(rt, "MAX_UNPACKED", 4 * 2**20)
    assert dict(_kind(big).params) == {"limit": 4}
    with pytest.raises(RoundTripError) as caught:
        read_edited(big)
    assert messages(caught.value) == [
        "[ERROR] big.xlsx: this is not a workbook written by planning (it unpacks to more "
        "than 4 MB). Use the workbook from the results folder of planning run "
        "(rencana_alokasi.xlsx or allocation_plan.xlsx), edit only its Allocation sheet and "
        "save it as an Excel workbook (.xlsx)."]


def test_sheets_missing(tmp_path):
    path = book(tmp_path / "e.xlsx", [], [], sheet="Alokasi2",
                extra=lambda wb: wb.remove(wb[PLAN_SHEET]))
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx: this is not a workbook written by planning (it has neither an "
        "Alokasi/Allocation sheet nor the hidden sheet _plan). Use the workbook from the "
        "results folder of planning run (rencana_alokasi.xlsx or allocation_plan.xlsx), edit "
        "only its Allocation sheet and save it as an Excel workbook (.xlsx)."]
    path = book(tmp_path / "f.xlsx", [], [], sheet="Alokasi2")
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] f.xlsx: sheet 'Alokasi/Allocation' is missing. Did you mean 'Alokasi2'? Use "
        "a workbook written by planning run and do not rename or delete its sheets."]

    def rename_plan(wb):
        wb[PLAN_SHEET].title = "plan"

    path = book(tmp_path / "g.xlsx", [], [], extra=rename_plan)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value, "id") == [
        "[GALAT] g.xlsx: lembar tersembunyi '_plan' (rencana seperti yang ditulis) tidak ada, "
        "sehingga suntingan tidak dapat dikenali. Mungkin maksudnya 'plan'? Ambil lagi buku "
        "kerja dari folder hasil dan ulangi suntingan di lembar Alokasi."]

    def other_plan(wb):
        wb[PLAN_SHEET].title = "zzzz"

    path = book(tmp_path / "h.xlsx", [], [], sheet="Sheet", extra=other_plan)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert [p.key for p in caught.value.problems] == ["roundtrip.not_planning"]


def test_english_sheet_is_read(tmp_path):
    path = book(tmp_path / "e.xlsx", [row("V1", "P1", 2, "yes")], [("V1", "P1", 2)],
                headers=EN_HEADERS, sheet="Allocation")
    rows, plan, sheet = read_edited(path)
    assert sheet == "Allocation"
    assert rows[["village_code", "program_code", "units", "lock", "row"]].values.tolist() == [
        ["V1", "P1", 2, "yes", 2]]
    assert plan.values.tolist() == [["V1", "P1", 2]]
    assert plan.index.tolist() == [2]


# --- the layout -----------------------------------------------------------------------------
def test_header_problems(tmp_path):
    headers = [*ID_HEADERS[:6], "unti", "biaya (juta Rp)", "kode_desa", "kunci"]
    path = book(tmp_path / "e.xlsx", [row("V1", "P1", 2)], [("V1", "P1", 2)], headers=headers)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet 'Alokasi', row 1, column 'unti' (G): column 'unti' is not a "
        "column of this sheet. Did you mean 'unit'? Restore its header, or delete the column "
        "(notes can go in another sheet).",
        "[ERROR] e.xlsx, sheet 'Alokasi', row 1, column 'village_code' (I): column "
        "'kode_desa' appears more than once (columns A, I). Keep only one.",
        "[ERROR] e.xlsx, sheet 'Alokasi', row 1: columns units are not in the header row. "
        "Keep the header row where it is and do not rename or delete its cells.",
    ]
    assert messages(caught.value, "id")[2] == (
        "[GALAT] e.xlsx, lembar 'Alokasi', baris 1: kolom unit tidak ditemukan di baris "
        "judul. Biarkan baris judul di tempatnya dan jangan ganti nama atau hapus sel "
        "judulnya.")


def test_unknown_header_without_a_guess_and_trailing_blank_headers(tmp_path):
    headers = [*ID_HEADERS, "qqqqqqqq", None, None]
    path = book(tmp_path / "e.xlsx", [row("V1", "P1", 2)], [("V1", "P1", 2)], headers=headers)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet 'Alokasi', row 1, column 'qqqqqqqq' (K): column 'qqqqqqqq' is "
        "not a column of this sheet. Restore its header, or delete the column (notes can go "
        "in another sheet)."]


def test_rows_problems(tmp_path):
    rows = [row("V1", "P1", 2), None, None, row("V2", "P1", 1, more=[None, "note"]),
            row("V3", "P1", 1, more=[None, "again", "x"])]
    path = book(tmp_path / "e.xlsx", rows, [("V1", "P1", 2)])
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet 'Alokasi', row 3: an empty row inside the table. Delete the "
        "row (to take a programme out, delete its whole row) or fill it in again.",
        "[ERROR] e.xlsx, sheet 'Alokasi', row 4: an empty row inside the table. Delete the "
        "row (to take a programme out, delete its whole row) or fill it in again.",
        "[ERROR] e.xlsx, sheet 'Alokasi', column 'L': this column holds values (from row 5) "
        "but has no header. Delete the values or move them to another sheet.",
        "[ERROR] e.xlsx, sheet 'Alokasi', column 'M': this column holds values (from row 6) "
        "but has no header. Delete the values or move them to another sheet.",
    ]


def test_no_rows_and_too_many(tmp_path, monkeypatch):
    import planning.report.roundtrip as rt

    path = book(tmp_path / "e.xlsx", [], [])
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet 'Alokasi': the sheet holds no rows of the plan. Take the "
        "workbook from the results folder again; to take a programme out, delete only its "
        "row."]
    path = book(tmp_path / "f.xlsx", [row("V1", "P1", 1)] * 3, [])
    monkeypatch.setattr(rt, "MAX_ROWS", 2)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] f.xlsx, sheet 'Alokasi': the sheet holds more than 2 rows, far more than "
        "any plan. Use the workbook from the results folder of planning run."]
    monkeypatch.setattr(rt, "MAX_ROWS", 3)
    rows, _, _ = read_edited(path)
    assert rows["row"].tolist() == [2, 3, 4]


def test_merged_cells(tmp_path):
    def merge(wb):
        wb["Alokasi"].merge_cells("J2:J3")
        wb[PLAN_SHEET].merge_cells("A3:B3")

    path = book(tmp_path / "e.xlsx", [row("V1", "P1", 2, "ya"), row("V2", "P1", 1)],
                [("V1", "P1", 2), ("V2", "P1", 1)], extra=merge)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet 'Alokasi', row 2: cells J2:J3 are merged. Unmerge them and "
        "fill in the value in every row.",
        "[ERROR] e.xlsx, sheet '_plan', row 3: cells A3:B3 are merged. Unmerge them and fill "
        "in the value in every row.",
        "[ERROR] e.xlsx, sheet '_plan', row 3, column 'program' (B): value 'None' is not "
        "what planning wrote in the hidden sheet _plan. Do not edit _plan: take the workbook "
        "from the results folder again and redo the edits in its Allocation sheet.",
    ]


def test_plan_sheet(tmp_path):
    path = book(tmp_path / "e.xlsx", [row("V1", "P1", 2)], [("V1", "P1", 2)],
                plan_header=("village", "programme", "units"))
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet '_plan', row 1: the header of the hidden sheet _plan should "
        "be village, program, units, not village, programme, units. Do not edit _plan: take "
        "the workbook from the results folder again and redo the edits in its Allocation "
        "sheet."]
    plan = [("V1", "P1", 2), (), ("V2", 5, 1), ("V3", "P1", 1.5), ("V1", "P1", 3),
            ("V4", "P2", 1, "x"), ("V5", "P2", "=1+1"), (None, "P2", 1), ("V6", "P3", 10**9),
            ("V7", "P3", 10**9 + 1)]
    path = book(tmp_path / "f.xlsx", [row("V1", "P1", 2)], plan)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert [(p.where.row, p.where.column, p.where.letter, dict(p.params)["value"])
            for p in caught.value.problems] == [
        (4, "program", "B", 5), (5, "units", "C", 1.5), (6, "program", "B", "P1"),
        (7, None, "D", "x"), (8, "units", "C", Formula("=1+1")), (9, "village", "A", None),
        (11, "units", "C", 10**9 + 1)]
    assert messages(caught.value)[0] == (
        "[ERROR] f.xlsx, sheet '_plan', row 4, column 'program' (B): value '5' is not what "
        "planning wrote in the hidden sheet _plan. Do not edit _plan: take the workbook "
        "from the results folder again and redo the edits in its Allocation sheet.")


def test_plan_row():
    assert _plan_row(["V", "P", 2], set()) is None
    assert _plan_row(["V", "P", 2, None], set()) is None
    assert _plan_row(["V", "P", 2], {("V", "P")}) == (1, "P")
    assert _plan_row(["V", "P", 2, None, "z"], set()) == (4, "z")
    assert _plan_row([1, "P", 2], set()) == (0, 1)


# --- the edits ------------------------------------------------------------------------------
def test_edits_table():
    before = {("V1", "P1"): 2, ("V1", "P2"): 3, ("V2", "P1"): 1, ("V3", "P1"): 4}
    wanted = {("V1", "P1"): (2, 2), ("V1", "P2"): (5, 3), ("V3", "P1"): (4, 5),
              ("V4", "P1"): (1, 6)}
    got = _edits(before, wanted, {("V3", "P1")})
    assert got.values.tolist() == [
        ["V1", "P1", 2, 2, "free"], ["V1", "P2", 3, 5, "changed"],
        ["V2", "P1", 1, 0, "removed"], ["V3", "P1", 4, 4, "locked"],
        ["V4", "P1", 0, 1, "added"]]
    assert list(got.columns) == ["village", "program", "units_before", "units_edited",
                                 "action"]


def test_moved_table():
    edits = pd.DataFrame([("V1", "P1", 2, 2, "free"), ("V1", "P2", 3, 5, "changed"),
                          ("V2", "P1", 1, 0, "removed"), ("V3", "P1", 2, 2, "free"),
                          ("V4", "P1", 3, 3, "free")],
                         columns=["village", "program", "units_before", "units_edited",
                                  "action"])
    plan = pd.DataFrame([("V1", "P1", 2), ("V1", "P2", 5), ("V3", "P1", 4), ("V5", "P2", 1),
                         ("V4", "P1", 1)], columns=["village", "program", "units"])
    got = moved_table(edits, plan)
    assert list(got.columns) == ["village", "program", "units_before", "units_edited",
                                 "units_after", "action", "result"]
    assert got.drop(columns="units_edited").values.tolist() == [
        ["V1", "P2", 3, 5, "changed", "kept"], ["V2", "P1", 1, 0, "removed", "kept"],
        ["V3", "P1", 2, 4, "free", "up"], ["V4", "P1", 3, 1, "free", "down"],
        ["V5", "P2", 0, 1, "free", "up"]]
    assert got["units_edited"].tolist()[:4] == [5, 0, 2, 3]
    assert pd.isna(got["units_edited"].iloc[4])


@pytest.fixture(scope="module")
def setting(ds, scores):
    settings = ModelSettings()
    inst = build_instance(ds, scores, settings)
    pairs = inst.pairs.set_index(["village", "program"])
    plan_villages = list(inst.villages["code"])
    other = sorted(set(ds.villages["code"]) - set(plan_villages))[0]
    # pairs with room between lo and hi, and a pair that cannot run
    roomy = pairs[pairs["hi"] > pairs["lo"]].sort_index()
    eligible = set(pairs.index)
    blocked = next((v, p) for v in plan_villages for p in ds.programs["code"]
                   if (v, p) not in eligible)
    return settings, inst, pairs, roomy, other, blocked


def test_edits_become_locks(tmp_path, ds, scores, setting):
    settings, _, _, roomy, _, _ = setting
    (v1, p1), (v2, p2), (v3, p3), (v4, p4), (v5, p5) = list(roomy.index[:5])
    lo1, hi1 = int(roomy.at[(v1, p1), "lo"]), int(roomy.at[(v1, p1), "hi"])
    plan = [(v1, p1, lo1), (v2, p2, int(roomy.at[(v2, p2), "lo"])),
            (v3, p3, int(roomy.at[(v3, p3), "lo"])), (v4, p4, int(roomy.at[(v4, p4), "lo"]))]
    rows = [row(v1, p1, hi1),                                  # changed
            row(v2, p2, float(roomy.at[(v2, p2), "lo"]), "Ya"),  # locked
            row(v3, p3, str(int(roomy.at[(v3, p3), "lo"])), "tidak"),  # free
            # v4 p4 deleted: removed
            row(v5, p5, int(roomy.at[(v5, p5), "lo"]), None)]   # added
    path = book(tmp_path / "e.xlsx", rows, plan)
    kept = Lock(village=v3, program=p3, state="out")
    replaced = Lock(village=v1, program=p1, state="out")
    new, edits = edits_as_locks(path, settings.model_copy(update={"locks": [kept, replaced]}),
                                ds, scores)
    assert edits.values.tolist() == sorted([
        [v1, p1, lo1, hi1, "changed"], [v2, p2, plan[1][2], plan[1][2], "locked"],
        [v3, p3, plan[2][2], plan[2][2], "free"], [v4, p4, plan[3][2], 0, "removed"],
        [v5, p5, 0, int(roomy.at[(v5, p5), "lo"]), "added"]])
    expected = {kept,
                Lock(village=v1, program=p1, units=hi1),
                Lock(village=v2, program=p2, units=plan[1][2]),
                Lock(village=v4, program=p4, state="out"),
                Lock(village=v5, program=p5, units=int(roomy.at[(v5, p5), "lo"]))}
    assert set(new.locks) == expected and len(new.locks) == len(expected)
    assert new.locks[0] == kept
    assert new.rules == settings.rules


def test_zero_units_take_a_programme_out(tmp_path, ds, scores, setting):
    settings, _, _, roomy, _, _ = setting
    (v1, p1) = roomy.index[0]
    path = book(tmp_path / "e.xlsx", [row(v1, p1, 0)], [(v1, p1, int(roomy.at[(v1, p1),
                                                                              "lo"]))])
    new, edits = edits_as_locks(path, settings, ds, scores)
    assert edits["action"].tolist() == ["changed"]
    assert new.locks == [Lock(village=v1, program=p1, state="out")]


def test_every_bad_row_is_named(tmp_path, ds, scores, setting):
    settings, _, _, roomy, other, blocked = setting
    (v1, p1), (v2, p2) = roomy.index[:2]
    lo, hi = int(roomy.at[(v1, p1), "lo"]), int(roomy.at[(v1, p1), "hi"])
    rows = [
        row(v1, p1, 1),                         # 2 formula (written below)
        row(None, p1, 1),                       # 3 empty village
        row("99.99.99.9999", p1, 1),            # 4 unknown village
        row(other, p1, 1),                      # 5 village not in plan
        row(v1, None, 1),                       # 6 empty program
        row(v1, "NOPE", 1),                     # 7 unknown program
        row(v1, p1, None),                      # 8 empty units
        row(v1, p1, 1.5),                       # 9 bad units
        row(blocked[0], blocked[1], 1),         # 10 not eligible
        row(v1, p1, hi + 1),                    # 11 out of bounds
        row(v2, p2, int(roomy.at[(v2, p2), "lo"]), "maybe"),  # 12 bad lock
        row(v1, p1, lo),                        # 13 good
        row(v1, p1, lo),                        # 14 duplicate
        row(blocked[0], blocked[1], 0),         # 15 fine: 0 where it cannot run
    ]

    def formula(wb):
        wb["Alokasi"]["G2"] = "=1+1"

    path = book(tmp_path / "e.xlsx", rows, [(v1, p1, lo)], extra=formula)
    with pytest.raises(RoundTripError) as caught:
        edits_as_locks(path, settings, ds, scores)
    at = "[ERROR] e.xlsx, sheet 'Alokasi', row"
    assert messages(caught.value) == [
        f"{at} 2, column 'units' (G): the cell holds a formula (=1+1). Type the value itself "
        "(for example 5), not a formula.",
        f"{at} 3, column 'village_code' (A): the cell is empty. Fill it in or delete the "
        "row.",
        f"{at} 4, column 'village_code' (A): village code '99.99.99.9999' is not in "
        "villages.csv. Copy the code from the Village Scores sheet.",
        f"{at} 5, column 'village_code' (A): village {other} is not in this scenario's plan. "
        "Add it to the focus villages (force_in) or delete this row.",
        f"{at} 6, column 'program_code' (D): the cell is empty. Fill it in or delete the "
        "row.",
        f"{at} 7, column 'program_code' (D): programme code 'NOPE' is not in programs.csv. "
        "Copy the code from the Inputs & Assumptions sheet.",
        f"{at} 8, column 'units' (G): the cell is empty. Fill it in or delete the row.",
        f"{at} 9, column 'units' (G): units '1.5' is not a whole number >= 0. Write whole "
        "units (0 = take it out).",
        f"{at} 10, column 'program_code' (D): programme {blocked[1]} cannot run in village "
        f"{blocked[0]} (potential or need too low). Delete this row.",
        f"{at} 11, column 'units' (G): {hi + 1} units is outside the {lo}-{hi} units allowed "
        "in this village. Change the units.",
        f"{at} 12, column 'lock' (J): 'maybe' is not yes or no. Type yes to lock this row, "
        "or leave it empty.",
        f"{at} 14, column 'program_code' (D): programme {p1} in village {v1} is already in "
        "row 13. Keep one row.",
    ]
    assert messages(caught.value, "id")[11] == (
        f"[GALAT] e.xlsx, lembar 'Alokasi', baris 14, kolom 'kode_program' (D): program {p1} "
        f"di desa {v1} sudah ada di baris 13. Simpan satu baris saja.")


def test_plan_from_other_data(tmp_path, ds, scores, setting):
    settings, _, _, roomy, _, _ = setting
    v1, p1 = roomy.index[0]
    lo = int(roomy.at[(v1, p1), "lo"])
    path = book(tmp_path / "e.xlsx", [row(v1, p1, lo)], [(v1, p1, lo), ("X1", "Y1", 1)])
    with pytest.raises(RoundTripError) as caught:
        edits_as_locks(path, settings, ds, scores)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet '_plan', row 3, column 'village': code 'X1' is not in this "
        "data set: the workbook was written from other data. Use a workbook from a run on "
        "this scenario's data.",
        "[ERROR] e.xlsx, sheet '_plan', row 3, column 'program': code 'Y1' is not in this "
        "data set: the workbook was written from other data. Use a workbook from a run on "
        "this scenario's data."]


def test_locks_that_break_a_pagu(tmp_path, ds, scores, setting):
    settings, inst, pairs, _, _, _ = setting
    programs = ds.programs.set_index("code")
    agency = inst.pagu.idxmin()
    mine = pairs[pairs["agency"] == agency].sort_index()
    rows, cost, n = [], 0.0, 2
    for (v, p), r in mine.iterrows():
        units = int(r["hi"])
        rows.append(row(v, p, units, "ya"))
        cost += programs.at[p, "unit_cost"] * units + programs.at[p, "fixed_cost"]
        n += 1
        if cost > inst.pagu[agency]:
            break
    assert cost > inst.pagu[agency]
    path = book(tmp_path / "e.xlsx", rows, [])
    with pytest.raises(RoundTripError) as caught:
        edits_as_locks(path, settings, ds, scores)
    listed = ", ".join(str(r) for r in range(2, n))
    assert messages(caught.value) == [
        f"[ERROR] e.xlsx, sheet 'Alokasi', column 'units' (G): rows locked or changed for "
        f"{agency} (rows {listed}) cost Rp {round(cost, 1):g} million, above its pagu of Rp "
        f"{round(float(inst.pagu[agency]), 1):g} million. Lower the units or release locks."]
    # the same rows without the last one fit
    path = book(tmp_path / "f.xlsx", rows[:-1], [])
    new, _ = edits_as_locks(path, settings, ds, scores)
    assert len(new.locks) == len(rows) - 1


def test_rows_list_the_first_twenty_then_count_the_rest():
    twenty = tuple(range(2, 22))
    assert Rows(twenty).render("en") == ", ".join(str(r) for r in twenty)
    assert Rows((*twenty, 22)).render("en") == ", ".join(
        str(r) for r in twenty) + " and 1 more rows"
    assert Rows((*twenty, 22, 23)).render("id") == ", ".join(
        str(r) for r in twenty) + " dan 2 baris lain"


def test_a_pagu_counts_fixed_costs_and_nothing_for_a_programme_taken_out(tmp_path, ds, scores,
                                                                         setting):
    """The cost of locked and changed rows is unit cost x units + fixed cost per running
    programme (juta Rp), and 0 for a row set to 0 units (the programme taken out)."""
    settings, inst, pairs, _, _, _ = setting
    programs = ds.programs.set_index("code")
    fixed = pairs.index.get_level_values("program").map(programs["fixed_cost"])
    with_fixed = pairs[fixed.to_numpy() > 0].sort_index()
    agency = with_fixed["agency"].value_counts().index[0]
    mine = with_fixed[with_fixed["agency"] == agency]
    (v0, p0) = mine.index[0]
    rows, cost = [row(v0, p0, 0)], 0.0                 # row 2: taken out, costs nothing
    for (v, p), r in mine.iloc[1:].iterrows():
        units = int(r["hi"])
        rows.append(row(v, p, units, "ya"))
        cost += programs.at[p, "unit_cost"] * units + programs.at[p, "fixed_cost"]
        if cost > inst.pagu[agency]:
            break
    assert cost > inst.pagu[agency] and len(rows) > 2
    path = book(tmp_path / "e.xlsx", rows, [(v0, p0, int(pairs.at[(v0, p0), "lo"]) or 1)])
    with pytest.raises(RoundTripError) as caught:
        edits_as_locks(path, settings, ds, scores)
    (message,) = messages(caught.value)
    assert f"cost Rp {round(cost, 1):g} million" in message, message
    assert f"rows {', '.join(str(r) for r in range(2, len(rows) + 2))})" in message


@pytest.mark.parametrize(("unit_cost", "cost_shown", "pagu_shown"), [
    ("3.02", "{c:.0f}", "{p:.1f}"),    # cost 2 x 3.02 = 6.04 (+ fixed): a whole; pagu x.54
    ("3.27", "{c:.1f}", "{p:.0f}"),    # cost 6.54 (+ fixed): one decimal; pagu x.04: whole
])
def test_a_pagu_broken_by_half_a_million_shows_amounts_to_one_decimal(
        tmp_path, data_copy, unit_cost, cost_shown, pagu_shown):
    """Locked rows that cost 0.5 juta Rp more than the pagu are refused, and the message
    gives both amounts rounded to 0.1 juta Rp (a whole number without decimals)."""
    from planning.data import load_dataset
    from planning.scoring import score_villages

    from .conftest import read, write

    programs = read(data_copy, "programs.csv")
    first = programs.index[programs["fixed_cost"].astype(float) % 1 == 0][0]
    programs.loc[first, "unit_cost"] = unit_cost
    write(data_copy, "programs.csv", programs)
    program, agency = programs.at[first, "code"], programs.at[first, "agency"]
    ds = load_dataset(data_copy)
    scores = score_villages(ds, draws=0).table
    pairs = build_instance(ds, scores, ModelSettings()).pairs
    mine = pairs[(pairs["program"] == program) & (pairs["hi"] >= 2)].sort_values("village")
    village = mine["village"].iloc[0]
    cost = 2 * float(unit_cost) + float(programs.at[first, "fixed_cost"])
    pagu = cost - 0.5
    settings = ModelSettings(pagu={**ds.agencies.set_index("code")["pagu"].to_dict(),
                                   agency: pagu})
    path = book(tmp_path / "e.xlsx", [row(village, program, 2, "ya")], [])
    with pytest.raises(RoundTripError) as caught:
        edits_as_locks(path, settings, ds, scores)
    (message,) = messages(caught.value)
    c, p = round(cost, 1), round(pagu, 1)
    assert f"cost Rp {cost_shown.format(c=c)} million" in message, message
    assert f"pagu of Rp {pagu_shown.format(p=p)} million" in message, message


def test_a_real_workbook_is_read_in_process_and_a_merge_in_it_is_named(good_run, tmp_path):
    """The workbook planning writes (xlsxwriter: relative part names in its relationships,
    unlike the test workbooks above) is read back whole, and a merged range added to its
    Alokasi sheet is named by its cells."""
    import re

    source = next(good_run.glob("*.xlsx"))
    edits, plan, sheet = read_edited(source)
    assert sheet == "Alokasi" and len(edits) == len(plan) > 0
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    book_xml = parts["xl/workbook.xml"].decode()
    rid = re.search(r'<sheet name="Alokasi" sheetId="\d+" r:id="(rId\d+)"', book_xml)[1]
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"',
                       rels)
    part = "xl/" + (target[1] or target[2])
    assert not (target[1] or target[2]).startswith("/")  # relative, as xlsxwriter writes
    xml = parts[part].decode()
    banner = re.search(r'<mergeCells count="1">(<mergeCell ref="A1:\w+1"/>)</mergeCells>',
                       xml)  # the banner above the header is merged, and read past
    assert banner, "the Alokasi banner is one merged range"
    merge = f'<mergeCells count="2">{banner[1]}<mergeCell ref="J6:J7"/></mergeCells>'
    parts[part] = xml.replace(banner[0], merge, 1).encode()
    edited = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(RoundTripError) as caught:
        read_edited(edited)
    assert messages(caught.value)[0] == (
        "[ERROR] merged.xlsx, sheet 'Alokasi', row 6: cells J6:J7 are merged. Unmerge them "
        "and fill in the value in every row.")


def test_an_array_formula_and_a_blank_text_cell(tmp_path):
    """A cell holding only spaces is read as empty; an array formula is read as its formula
    text (which the edits then refuse as a formula)."""
    from openpyxl.worksheet.formula import ArrayFormula

    def array(wb):
        wb["Alokasi"]["G3"] = ArrayFormula("G3", "=SUM(1,2)")

    path = book(tmp_path / "e.xlsx", [row("V1", "P1", "   "), row("V2", "P1", 1)],
                [("V1", "P1", 2), ("V2", "P1", 1)], extra=array)
    edits, _, _ = read_edited(path)
    assert edits["units"].tolist() == [None, Formula("=SUM(1,2)")]


def test_a_blank_header_cell_between_columns_is_skipped(tmp_path):
    """A blank column inserted by the planner (header cell empty) does not hide the
    columns after it."""
    def insert(wb):
        wb["Alokasi"].insert_cols(2)

    path = book(tmp_path / "e.xlsx", [row("V1", "P1", 2, "ya")], [("V1", "P1", 2)],
                extra=insert)
    edits, _, _ = read_edited(path)
    assert edits[["village_code", "program_code", "units", "lock"]].values.tolist() == [
        ["V1", "P1", 2, "ya"]]


def test_an_empty_allocation_sheet_names_the_missing_columns(tmp_path):
    def empty(wb):
        ws = wb["Alokasi"]
        ws.delete_rows(1, ws.max_row)

    path = book(tmp_path / "e.xlsx", [row("V1", "P1", 2)], [("V1", "P1", 2)], extra=empty)
    with pytest.raises(RoundTripError) as caught:
        read_edited(path)
    assert messages(caught.value) == [
        "[ERROR] e.xlsx, sheet 'Alokasi', row 1: columns village_code, program_code, units, "
        "lock are not in the header row. Keep the header row where it is and do not rename "
        "or delete its cells."]

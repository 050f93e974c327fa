"""Recording a budget year in the multi-year workbook as a planner does
(:func:`planning.report.years_roundtrip.record_year`, used by notebook 07): the Status and
Realisasi cells written as a planner types them, read back by the round trip
(``planning replan``), the workbook as written left alone, and every bad request named
by file, sheet and row with nothing saved.

On a small workbook written from the plan-shaped fixture of tests/test_years_outputs.py:
three works in 2026 (rows 7-9): a two-year work of 3 units in village 0, one-year works
of 2 units in village 1 and of 4 units in village 2.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planning.report.roundtrip import RoundTripError
from planning.report.years import STATUS_CHOICES, years_workbook_bytes
from planning.report.years_roundtrip import read_recorded_year, record_year

from .test_years_outputs import HEADER, fake_plan

REALISED, STATUS = 12, 13
"""The columns L and M of an RKPD sheet."""


def written(ds, folder: Path, lang: str = "id", recorded: tuple[int, ...] = ()) -> Path:
    plan = fake_plan(ds, recorded=recorded)
    path = folder / ("rencana_multi_tahun.xlsx" if lang == "id" else "multi_year_plan.xlsx")
    path.write_bytes(years_workbook_bytes(plan, ds, scenario={"name": "kecil"},
                                          provenance={}, lang=lang))
    return path


def works(ds) -> list[tuple[str, str]]:
    """(village, programme) of the three 2026 rows, in sheet order."""
    units = fake_plan(ds).units
    first = units[units["year"] == 2026]
    return list(zip(first["village"], first["program"], strict=True))


def cells(path: Path, sheet: str = "RKPD 2026") -> list[tuple[object, object]]:
    ws = load_workbook(path)[sheet]
    return [(ws.cell(row, REALISED).value, ws.cell(row, STATUS).value)
            for row in range(HEADER + 1, HEADER + 4)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_not_done_partly_and_done_written_as_a_planner_types_them(ds, tmp_path):
    path = written(ds, tmp_path)
    before = digest(path)
    long_work, short_work, _ = works(ds)
    saved = record_year(path, 2026, not_done=[short_work], partly={long_work: 2})
    assert saved == tmp_path / "rencana_multi_tahun_realisasi_2026.xlsx"
    assert digest(path) == before, "the workbook as written stays as it was"
    assert cells(saved) == [(2, "sebagian"), (None, "tidak"), (None, "selesai")]
    got = read_recorded_year(saved, 2026)
    assert got.rows["status"].tolist() == ["partly", "not_done", "done"]
    assert got.history["units"].tolist() == [2, 0, 4]
    assert got.history["started"].tolist() == [2, 0, 4]
    assert not list(tmp_path.glob("*.tmp*")) and len(list(tmp_path.iterdir())) == 2


def test_every_row_done_by_default_and_the_english_words_in_an_english_workbook(ds,
                                                                                tmp_path):
    path = written(ds, tmp_path, lang="en")
    target = tmp_path / "recorded.xlsx"
    assert record_year(path, 2026, out=target) == target
    assert cells(target) == [(None, STATUS_CHOICES["en"][0])] * 3
    long_work = works(ds)[0]
    record_year(path, 2026, partly={long_work: 0}, not_done=[works(ds)[2]], out=target)
    assert cells(target) == [(0, "partly"), (None, "done"), (None, "not done")]
    got = read_recorded_year(target, 2026)
    assert got.history["units"].tolist() == [0, 2, 0]


def test_the_next_year_after_a_recorded_one(ds, tmp_path):
    path = written(ds, tmp_path, recorded=(2026,))
    saved = record_year(path, 2027, not_done=[works(ds)[1]])
    assert cells(saved, "RKPD 2027") == [(None, "selesai"), (None, "tidak"),
                                         (None, "selesai")]
    assert read_recorded_year(saved, 2027).history["year"].tolist() == [2026] * 3 + [2027] * 3


@pytest.mark.parametrize(("recorded", "year", "not_done", "partly", "key", "row", "said"), [
    ((), 2026, [("51.99.99.9999", "X-PROG")], {}, "replan.unknown_row", None,
     "program X-PROG di desa 51.99.99.9999 tidak direncanakan tahun ini"),
    ((), 2026, [], {0: 4}, "replan.bad_realised", HEADER + 1,
     "Realisasi '4' bukan bilangan bulat dari 0 sampai 3"),
    ((), 2026, [], {0: 1.5}, "replan.bad_realised", HEADER + 1,
     "'1.5' bukan bilangan bulat"),
    ((), 2027, [], {}, "replan.record_first", None, "2026"),
    ((2026,), 2026, [], {}, "replan.already_recorded", None, "2026"),
    ((2026, 2027), 2028, [], {}, "replan.nothing_left", None, "2028 adalah tahun terakhir"),
], ids=["unknown work", "more than planned", "not whole", "a year too early",
        "already recorded", "last year"])
def test_a_bad_request_names_where_and_saves_nothing(ds, tmp_path, recorded, year, not_done,
                                                     partly, key, row, said):
    path = written(ds, tmp_path, recorded=recorded)
    before = digest(path)
    partly = {works(ds)[i]: units for i, units in partly.items()}
    target = tmp_path / "recorded.xlsx"
    with pytest.raises(RoundTripError) as caught:
        record_year(path, year, not_done=not_done, partly=partly, out=target)
    (problem,) = caught.value.problems
    assert problem.key == key
    assert problem.where.file == path.name and problem.where.row == row
    assert said in caught.value.render("id")
    assert not target.exists() and digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]

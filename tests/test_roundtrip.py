"""The spreadsheet round trip, end to end: run a scenario, edit the Alokasi sheet of its
workbook as a planner would (lock a row, change units, delete a row), run again with
--locks, and check the edits held, the rest was re-planned and what moved is listed."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from planning.cli import app
from planning.model import Lock, build_instance
from planning.roundtrip import RoundTripError
from planning.run import run_scenario
from planning.scenario import load_scenario

from .conftest import ROOT
from .model_checker import recompute

SCENARIO = ROOT / "scenarios" / "baseline.yaml"


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
    header = [c.value for c in ws[1]]
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
        for row in range(ws.max_row, 1, -1):
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
        ws.cell(2, col(header, "kode_desa")).value = "51.08.99.9999"
        ws.cell(3, col(header, "unit")).value = "banyak"
        ws.cell(4, col(header, "unit")).value = 10_000
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
    assert "baris 2" in text and "kode_desa" in text and "51.08.99.9999" in text
    assert "baris 3" in text and "banyak" in text
    assert "baris 4" in text and "10000" in text
    assert "PERKIMTA" in text and "pagu" in text
    english = caught.value.render("en")
    assert "row 2" in english and "village_code" in english
    assert not (tmp_path / "never").exists()
    result = CliRunner().invoke(app, ["run", str(SCENARIO), "--out", str(tmp_path / "never"),
                                      "--locks", str(edited), "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "row 3" in result.output


def test_a_file_that_is_not_a_workbook(first, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(RoundTripError, match="xlsx"):
        run_scenario(SCENARIO, tmp_path / "x", edited=fake)
    with pytest.raises(RoundTripError, match="not found"):
        run_scenario(SCENARIO, tmp_path / "x", edited=tmp_path / "missing.xlsx")

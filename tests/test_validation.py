"""Malformed data sets: every problem is found at once and named in planner's words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planning.cli import app
from planning.data import DataError, load_dataset, validate_dataset

from .conftest import DATA, ROOT, edit, read, write


def drop_column(file: str, column: str):
    def mutate(folder: Path) -> None:
        frame = read(folder, file)
        write(folder, file, frame.drop(columns=column))
    return mutate


def rename_column(file: str, old: str, new: str):
    def mutate(folder: Path) -> None:
        write(folder, file, read(folder, file).rename(columns={old: new}))
    return mutate


def set_cell(file: str, row: int, column: str, value: str):
    def mutate(folder: Path) -> None:
        edit(folder, file, row, column, value)
    return mutate


def copy_row(file: str, row: int):
    def mutate(folder: Path) -> None:
        frame = read(folder, file)
        write(folder, file, pd.concat([frame, frame.iloc[[row - 2]]], ignore_index=True))
    return mutate


def delete_row(file: str, row: int):
    def mutate(folder: Path) -> None:
        frame = read(folder, file)
        write(folder, file, frame.drop(index=row - 2))
    return mutate


def empty_rows(file: str):
    def mutate(folder: Path) -> None:
        frame = read(folder, file)
        write(folder, file, frame.iloc[0:0])
    return mutate


def remove_file(file: str):
    def mutate(folder: Path) -> None:
        (folder / file).unlink()
    return mutate


def garble(file: str):
    def mutate(folder: Path) -> None:
        (folder / file).write_bytes(b"\xff\xfe\x00bad\x00,\x81\n")
    return mutate


# (case id, mutation, file, message key, spreadsheet row or None, column or None)
CASES = [
    ("missing file", remove_file("programs.csv"), "programs.csv", "missing_file", None, None),
    ("unreadable file", garble("agencies.csv"), "agencies.csv", "unreadable", None, None),
    ("wrong column name", rename_column("programs.csv", "unit_cost", "unitcost"),
     "programs.csv", "missing_column", None, "unit_cost"),
    ("missing column", drop_column("villages.csv", "kecamatan_code"), "villages.csv",
     "missing_column", None, "kecamatan_code"),
    ("non-numeric value", set_cell("indicators.csv", 5, "hh_rtlh", "dua puluh"),
     "indicators.csv", "not_a_number", 5, "hh_rtlh"),
    ("thousands separator", set_cell("agencies.csv", 3, "pagu", "2.400,5"), "agencies.csv",
     "not_a_number", 3, "pagu"),
    ("negative budget", set_cell("agencies.csv", 2, "pagu", "-1500"), "agencies.csv",
     "negative", 2, "pagu"),
    ("negative unit cost", set_cell("programs.csv", 4, "unit_cost", "-5"), "programs.csv",
     "negative", 4, "unit_cost"),
    ("zero beneficiaries", set_cell("programs.csv", 4, "beneficiaries_per_unit", "0"),
     "programs.csv", "not_positive", 4, "beneficiaries_per_unit"),
    ("duplicate village code", copy_row("villages.csv", 7), "villages.csv", "duplicate", 7,
     "code"),
    ("duplicate program code", set_cell("programs.csv", 3, "code", "PKM-RTLH"),
     "programs.csv", "duplicate", 2, "code"),
    ("malformed village code", set_cell("villages.csv", 4, "code", "51.8.1.2003"),
     "villages.csv", "bad_format", 4, "code"),
    ("unknown village in indicators", set_cell("indicators.csv", 6, "code", "51.08.01.2099"),
     "indicators.csv", "unknown_village", 6, "code"),
    ("village without indicators", delete_row("indicators.csv", 10), "indicators.csv",
     "missing_village_row", None, "code"),
    ("unknown kecamatan", set_cell("villages.csv", 3, "kecamatan_code", "51.08.10"),
     "villages.csv", "unknown_kecamatan", 3, "kecamatan_code"),
    ("program of unknown agency", set_cell("programs.csv", 5, "agency", "PUTRX"),
     "programs.csv", "unknown_agency", 5, "agency"),
    ("unknown need indicator", set_cell("programs.csv", 6, "need_indicator", "hh_rtl"),
     "programs.csv", "unknown_indicator", 6, "need_indicator"),
    ("unknown dimension", set_cell("programs.csv", 6, "dimension", "housing-water"),
     "programs.csv", "unknown_dimension", 6, "dimension"),
    ("unknown sector", set_cell("programs.csv", 8, "sector", "mining"), "programs.csv",
     "unknown_sector", 8, "sector"),
    ("bounds min > max", set_cell("programs.csv", 2, "min_units", "30"), "programs.csv",
     "bounds_inverted", 2, "min_units"),
    ("fractional unit bound", set_cell("programs.csv", 2, "max_units", "2.5"),
     "programs.csv", "not_an_integer", 2, "max_units"),
    ("potential above 1", set_cell("programs.csv", 8, "min_potential", "30"), "programs.csv",
     "out_of_range", 8, "min_potential"),
    ("empty catalogue", empty_rows("programs.csv"), "programs.csv", "empty_catalogue", None,
     None),
    ("village type", set_cell("villages.csv", 2, "type", "kota"), "villages.csv",
     "not_allowed", 2, "type"),
    ("coastal flag", set_cell("villages.csv", 2, "coastal", "ya"), "villages.csv",
     "not_a_number", 2, "coastal"),
    ("latitude outside Indonesia", set_cell("villages.csv", 2, "lat", "48.1"), "villages.csv",
     "out_of_range", 2, "lat"),
    ("empty required value", set_cell("programs.csv", 3, "name_id", ""), "programs.csv",
     "empty_value", 3, "name_id"),
    ("undocumented indicator", delete_row("indicator_metadata.csv", 7),
     "indicator_metadata.csv", "missing_metadata", None, "indicator"),
    ("status neither real nor synthetic", set_cell("indicator_metadata.csv", 7, "status",
                                                   "guess"),
     "indicator_metadata.csv", "not_allowed", 7, "status"),
    ("count above its base", set_cell("indicators.csv", 2, "hh_rtlh", "999999"),
     "indicators.csv", "count_exceeds_base", 2, "hh_rtlh"),
    ("rule with unknown program", set_cell("rules.csv", 2, "program_b", "NOPE"), "rules.csv",
     "unknown_program", 2, "program_b"),
    ("rule with itself", set_cell("rules.csv", 3, "program_b", "PUTR-SANIMAS"), "rules.csv",
     "self_rule", 3, "program_b"),
    ("kecamatan counts disagree", set_cell("kecamatan.csv", 2, "n_desa", "15"),
     "kecamatan.csv", "count_mismatch", 2, "n_desa"),
    ("dimension without count", set_cell("groups.csv", 2, "count_indicator", "rtlh"),
     "groups.csv", "unknown_indicator", 2, "count_indicator"),
]


@pytest.mark.parametrize(("mutate", "file", "key", "row", "column"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_malformed_data_set_is_named_precisely(data_copy, mutate, file, key, row, column):
    mutate(data_copy)
    report, _ = validate_dataset(data_copy)
    assert not report.ok
    found = [(p.file, p.key, p.row, p.column) for p in report.errors]
    assert (file, key, row, column) in found, "\n".join(report.lines("en"))
    with pytest.raises(DataError):
        load_dataset(data_copy)


@pytest.mark.parametrize(("mutate", "file", "key", "row", "column"),
                         [c[1:] for c in CASES[:20]], ids=[c[0] for c in CASES[:20]])
def test_cli_exits_non_zero_with_the_message_and_no_traceback(data_copy, mutate, file, key,
                                                             row, column):
    mutate(data_copy)
    result = CliRunner().invoke(app, ["validate", str(data_copy), "--lang", "en"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert file in result.output
    if row is not None:
        assert f"row {row}" in result.output
    if column is not None:
        assert f"'{column}'" in result.output


def test_all_problems_are_reported_at_once(data_copy):
    for mutate in (set_cell("agencies.csv", 2, "pagu", "-1"),
                   set_cell("programs.csv", 5, "agency", "NOPE"),
                   set_cell("indicators.csv", 3, "households", "x"),
                   drop_column("villages.csv", "lat")):
        mutate(data_copy)
    report, _ = validate_dataset(data_copy)
    keys = {(p.file, p.key) for p in report.errors}
    assert {("agencies.csv", "negative"), ("programs.csv", "unknown_agency"),
            ("indicators.csv", "not_a_number"), ("villages.csv", "missing_column")} <= keys


def test_messages_in_both_languages(data_copy):
    set_cell("agencies.csv", 2, "pagu", "-1500")(data_copy)
    report, _ = validate_dataset(data_copy)
    [error] = report.errors
    assert error.message("id") == (
        "[GALAT] agencies.csv, baris 2, kolom 'pagu': nilai -1500 negatif. "
        "Gunakan angka nol atau lebih.")
    assert error.message("en") == (
        "[ERROR] agencies.csv, row 2, column 'pagu': value -1500 is negative. "
        "Use zero or more.")


def test_did_you_mean_for_a_misspelt_column(data_copy):
    rename_column("programs.csv", "unit_cost", "unit_costs")(data_copy)
    report, _ = validate_dataset(data_copy)
    assert "Did you mean 'unit_costs'?" in "\n".join(report.lines("en"))


def test_agency_without_programs_is_a_warning_only(data_copy):
    frame = read(data_copy, "agencies.csv")
    extra = frame.iloc[[0]].assign(code="BAPPEDA", short_name="Bappeda", pagu="0")
    write(data_copy, "agencies.csv", pd.concat([frame, extra], ignore_index=True))
    report, _ = validate_dataset(data_copy)
    assert report.ok
    assert [p.key for p in report.warnings] == ["agency_without_programs"]


def test_validate_command_passes_on_shipped_data():
    result = CliRunner().invoke(app, ["validate", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "148 desa/kelurahan di 9 kecamatan" in result.output
    assert "SINTETIS" in result.output


def test_installed_command_reports_without_traceback(data_copy):
    set_cell("programs.csv", 5, "agency", "PUTRX")(data_copy)
    done = subprocess.run([sys.executable, "-m", "planning.cli", "validate", str(data_copy)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert "lembaga 'PUTRX' tidak ada di agencies.csv" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_missing_folder_and_bad_language():
    result = CliRunner().invoke(app, ["validate", "no/such/folder"])
    assert result.exit_code == 1 and "tidak ditemukan" in result.output
    result = CliRunner().invoke(app, ["validate", str(DATA), "--lang", "fr"])
    assert result.exit_code == 2 and "use one of: id, en" in result.output

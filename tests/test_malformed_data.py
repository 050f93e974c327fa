"""A corpus of malformed data sets, each one small edit of the shipped data.

For every one, as a planner would type them: ``planning validate FOLDER`` and ``planning
run scenarios/baseline.yaml --data FOLDER --out RESULTS`` exit with 1, print no
traceback, and name the file and the row and column (or the file alone where the whole
file is wrong) on one line; the results folder of an earlier good run is left exactly as
it was. A sample is checked in English too.
"""

from __future__ import annotations

import pytest

from planning.i18n import text

from .conftest import ROOT
from .corpus import assert_clear_failure, assert_named_on_one_line, cli, folder_state
from .test_validation import (
    add_column,
    copy_row,
    drop_column,
    folder_instead,
    header_only,
    latin1_cell,
    on_line,
    open_quote,
    remove_file,
    rename_column,
    set_cell,
    utf16,
    with_separator,
    write_bytes,
)

BASELINE = ROOT / "scenarios" / "baseline.yaml"

# (case id, mutation, file, spreadsheet row or None, column or None)
CORPUS = [
    # file level
    ("required file missing", remove_file("agencies.csv"), "agencies.csv", None, None),
    ("data file is a folder", folder_instead("villages.csv"), "villages.csv", None, None),
    ("reference file is a folder", folder_instead("focus_villages_2020.csv"),
     "focus_villages_2020.csv", None, None),
    ("empty file", write_bytes("kecamatan.csv", b""), "kecamatan.csv", 1, None),
    ("empty reference file", write_bytes("poverty_series.csv", b"\n\n"),
     "poverty_series.csv", 1, None),
    ("header only", header_only("villages.csv"), "villages.csv", None, None),
    ("UTF-16 with byte-order mark", utf16("groups.csv"), "groups.csv", 1, None),
    ("semicolon separator", with_separator("indicators.csv", ";"), "indicators.csv", 1, None),
    ("semicolons and byte-order mark (Excel, Indonesian locale)",
     with_separator("programs.csv", ";", bom=True), "programs.csv", 1, None),
    ("semicolon separator in a reference file", with_separator("calibration.csv", ";"),
     "calibration.csv", 1, None),
    ("tab separator", with_separator("agencies.csv", "\t"), "agencies.csv", 1, None),
    # header
    ("wrong column name", rename_column("programs.csv", "unit_cost", "biaya_unit"),
     "programs.csv", None, "unit_cost"),
    ("misspelt column in a reference file", rename_column("poverty_series.csv", "pct_poor",
                                                          "pct poor"),
     "poverty_series.csv", None, "pct_poor"),
    ("repeated column", rename_column("villages.csv", "name_variants", "area_km2"),
     "villages.csv", 1, "area_km2"),
    ("repeated column in indicators", rename_column("indicators.csv", "micro_enterprises",
                                                    "hh_rtlh"),
     "indicators.csv", 1, "hh_rtlh"),
    ("unnamed column with values", add_column("groups.csv", "", 3, "x"), "groups.csv", 3,
     None),
    # encoding and quoting, in each kind of file
    ("Latin-1 byte in villages", latin1_cell("villages.csv", 7, "name"), "villages.csv", 7,
     "name"),
    ("Latin-1 byte in programmes", latin1_cell("programs.csv", 9, "name_id"), "programs.csv",
     9, "name_id"),
    ("Latin-1 byte in the 2020 focus list", latin1_cell("focus_villages_2020.csv", 5,
                                                        "name_in_source"),
     "focus_villages_2020.csv", 5, "name_in_source"),
    ("Latin-1 byte in the district facts", latin1_cell("district_facts.csv", 10, "source"),
     "district_facts.csv", 10, "source"),
    ("unterminated quote in villages", open_quote("villages.csv", 8, "name"), "villages.csv",
     8, "name"),
    ("unterminated quote in indicators", open_quote("indicators.csv", 12, "hh_rtlh"),
     "indicators.csv", 12, "hh_rtlh"),
    ("unterminated quote in agencies", open_quote("agencies.csv", 4, "short_name"),
     "agencies.csv", 4, "short_name"),
    ("unterminated quote in the metadata", open_quote("indicator_metadata.csv", 3, "unit"),
     "indicator_metadata.csv", 3, "unit"),
    ("unterminated quote in the calibration", open_quote("calibration.csv", 4, "kecamatan"),
     "calibration.csv", 4, "kecamatan"),
    ("unterminated quote in the poverty series", open_quote("poverty_series.csv", 6, "area"),
     "poverty_series.csv", 6, "area"),
    ("unterminated quote in the 2020 focus list", open_quote("focus_villages_2020.csv", 9,
                                                             "status"),
     "focus_villages_2020.csv", 9, "status"),
    ("text after a closing quote", on_line("rules.csv", 3, b",PUTR-SEPTIK,",
                                           b',"PUTR"-SEPTIK,'),
     "rules.csv", 3, "program_b"),
    ("row with a value too many", on_line("kecamatan.csv", 4, b",", b",,"), "kecamatan.csv",
     4, None),
    # numbers
    ("negative pagu", set_cell("agencies.csv", 5, "pagu", "-650"), "agencies.csv", 5, "pagu"),
    ("pagu 1e309", set_cell("agencies.csv", 3, "pagu", "1e309"), "agencies.csv", 3, "pagu"),
    ("pagu inf", set_cell("agencies.csv", 6, "pagu", "inf"), "agencies.csv", 6, "pagu"),
    ("unit cost nan", set_cell("programs.csv", 10, "unit_cost", "nan"), "programs.csv", 10,
     "unit_cost"),
    ("pagu in Rupiah, not juta Rp", set_cell("agencies.csv", 2, "pagu", "1500000000"),
     "agencies.csv", 2, "pagu"),
    ("absurd fixed cost", set_cell("programs.csv", 6, "fixed_cost", "1e15"), "programs.csv",
     6, "fixed_cost"),
    ("households 1e300", set_cell("indicators.csv", 3, "households", "1e300"),
     "indicators.csv", 3, "households"),
    ("households above population", set_cell("indicators.csv", 4, "households", "20000"),
     "indicators.csv", 4, "households"),
    ("deprived households above households", set_cell("indicators.csv", 5, "hh_poor_dtks",
                                                      "99999"),
     "indicators.csv", 5, "hh_poor_dtks"),
    ("absurd population", set_cell("indicators.csv", 6, "population", "7e15"),
     "indicators.csv", 6, "population"),
    ("absurd unit bound", set_cell("programs.csv", 2, "max_units", "1e300"), "programs.csv",
     2, "max_units"),
    ("infinite latitude", set_cell("villages.csv", 9, "lat", "-inf"), "villages.csv", 9,
     "lat"),
    ("kecamatan count 1e309", set_cell("kecamatan.csv", 3, "n_desa", "1e309"),
     "kecamatan.csv", 3, "n_desa"),
    ("poverty rate above 100 %", set_cell("poverty_series.csv", 4, "pct_poor", "536"),
     "poverty_series.csv", 4, "pct_poor"),
    ("synergy bonus above 100 %", set_cell("rules.csv", 6, "bonus", "10"), "rules.csv", 6,
     "bonus"),
    ("percentage fact above 100", set_cell("district_facts.csv", 19, "value", "898"),
     "district_facts.csv", 19, "value"),
    ("calibration target not a number", set_cell("calibration.csv", 5, "population_target",
                                                 "84.121 jiwa"),
     "calibration.csv", 5, "population_target"),
    ("fact year not whole", set_cell("district_facts.csv", 6, "year", "2010.5"),
     "district_facts.csv", 6, "year"),
    # codes
    ("unknown village code", set_cell("indicators.csv", 7, "code", "51.08.01.2099"),
     "indicators.csv", 7, "code"),
    ("bad village code format", set_cell("villages.csv", 10, "code", "51.8.1.2009"),
     "villages.csv", 10, "code"),
    ("unknown agency", set_cell("programs.csv", 11, "agency", "DISTANN"), "programs.csv", 11,
     "agency"),
    ("unknown 2020 focus village", set_cell("focus_villages_2020.csv", 6, "code",
                                            "51.08.05.2099"),
     "focus_villages_2020.csv", 6, "code"),
    ("bad calibration code format", set_cell("calibration.csv", 7, "kecamatan_code",
                                             "51-08-06"),
     "calibration.csv", 7, "kecamatan_code"),
    ("2020 focus village listed twice", copy_row("focus_villages_2020.csv", 3),
     "focus_villages_2020.csv", 3, "code"),
    ("reference column dropped", drop_column("district_facts.csv", "metric"),
     "district_facts.csv", None, "metric"),
]
#: cases also checked with --lang en
SAMPLE_EN = ["data file is a folder", "semicolon separator", "repeated column",
             "Latin-1 byte in the 2020 focus list", "unterminated quote in the calibration",
             "pagu 1e309", "households 1e300", "households above population",
             "pagu in Rupiah, not juta Rp", "synergy bonus above 100 %",
             "unknown 2020 focus village", "UTF-16 with byte-order mark"]
BY_ID = {case[0]: case[1:] for case in CORPUS}


def test_corpus_is_large_and_distinct():
    assert len(CORPUS) >= 35
    assert len(BY_ID) == len(CORPUS)


def where(file: str, row: int | None, column: str | None, lang: str) -> list[str]:
    """The parts one message line must hold: the file, the row, the column."""
    parts = [file]
    if row is not None:
        parts.append(text("where.row", lang, row=row))
    if column is not None:
        parts.append(text("where.column", lang, column=column))
    return parts


def check_case(case_id: str, lang: str, data_copy, results) -> None:
    mutate, file, row, column = BY_ID[case_id]
    mutate(data_copy)
    parts = where(file, row, column, lang)
    code, output = cli("validate", data_copy, "--lang", lang)
    assert_clear_failure(code, output, *parts)
    assert_named_on_one_line(output, parts)

    before = folder_state(results)
    code, output = cli("run", BASELINE, "--data", data_copy, "--out", results, "--lang", lang)
    assert_clear_failure(code, output, *parts)
    assert_named_on_one_line(output, parts)
    assert folder_state(results) == before


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_malformed_data_is_named_and_changes_nothing(case_id, data_copy, results):
    check_case(case_id, "id", data_copy, results)


@pytest.mark.parametrize("case_id", SAMPLE_EN)
def test_malformed_data_in_english(case_id, data_copy, results):
    check_case(case_id, "en", data_copy, results)

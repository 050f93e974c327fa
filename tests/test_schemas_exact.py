"""The declared schemas, limits and loader, value by value: one row of a shipped table
with one cell changed goes through the loader's table validation, and the problems must be
exactly those data/README.md promises (file, spreadsheet row, column, message in both
languages). Written to kill the mutants of planning.data.schemas, limits and loading
(docs/testing.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planning.data import limits
from planning.data.loading import (
    EXACT_INTEGER,
    REFERENCE_FILES,
    check_folder,
    failure_problem,
    load_dataset,
    not_finite,
    validate_dataset,
    validate_table,
)
from planning.data.problems import Report
from planning.data.reading import read_table
from planning.data.schemas import TABLES

from .conftest import DATA, edit

SPECS = {spec.file: spec for spec in TABLES}
NaN = np.nan


def first_row(file: str, rows: int = 1) -> pd.DataFrame:
    spec = SPECS[file]
    frame, found = read_table(DATA / file, spec.expected_columns())
    assert found == []
    return frame.iloc[:rows].copy()


def check(file: str, column: str, value, rows: int = 1):
    frame = first_row(file, rows)
    frame[column] = frame[column].astype(object)
    frame.iloc[0, frame.columns.get_loc(column)] = value
    report = Report()
    typed = validate_table(SPECS[file], frame, report)
    return typed, report.problems


def found(file, column, value):
    _, problems = check(file, column, value)
    return [(p.key, p.row, p.column, dict(p.params)) for p in problems]


# value accepted: the table validates (None = a blank cell)
ACCEPTED = [
    ("villages.csv", "lat", "-11.5"), ("villages.csv", "lat", "6.5"),
    ("villages.csv", "lon", "94"), ("villages.csv", "lon", "141.5"),
    ("villages.csv", "bps_code", NaN), ("villages.csv", "name_variants", NaN),
    ("villages.csv", "coastal", "0"), ("villages.csv", "type", "kelurahan"),
    ("villages.csv", "area_km2", "0.01"),
    ("kecamatan.csv", "n_dusun_2016", NaN), ("kecamatan.csv", "lat", NaN),
    ("kecamatan.csv", "n_desa", "0"), ("kecamatan.csv", "bps_code", NaN),
    ("kecamatan.csv", "clove_area_ha_2017", "0"),
    ("indicator_metadata.csv", "group", NaN), ("indicator_metadata.csv", "denominator", NaN),
    ("indicator_metadata.csv", "direction", "-1"), ("indicator_metadata.csv", "kind", "base"),
    ("indicator_metadata.csv", "status", "assumption"),
    ("groups.csv", "count_indicator", NaN), ("groups.csv", "kind", "sector"),
    ("agencies.csv", "pagu", "0"), ("agencies.csv", "funding", NaN),
    ("agencies.csv", "note", NaN), ("agencies.csv", "source_url", NaN),
    ("agencies.csv", "code", "A-1_B"), ("agencies.csv", "pagu_status", "derived"),
    ("programs.csv", "sector", NaN), ("programs.csv", "min_potential", NaN),
    ("programs.csv", "min_potential", "1"), ("programs.csv", "max_villages", NaN),
    ("programs.csv", "max_villages", "1"), ("programs.csv", "cost_source", NaN),
    ("programs.csv", "assumptions", NaN), ("programs.csv", "min_units", "0"),
    ("programs.csv", "cost_status", "assumption"), ("programs.csv", "unit_cost", "0.01"),
    ("rules.csv", "bonus", NaN), ("rules.csv", "bonus", "1"), ("rules.csv", "bonus", "0"),
    ("rules.csv", "rule", "excludes"), ("rules.csv", "reason_id", NaN),
    ("rules.csv", "reason_en", NaN), ("groups.csv", "description", NaN),
    ("focus_villages_2020.csv", "name_kemendagri", NaN),
    ("focus_villages_2020.csv", "evidence", NaN), ("poverty_series.csv", "note", NaN),
    ("kecamatan.csv", "n_lingkungan_2016", NaN), ("kecamatan.csv", "n_desa_adat_2016", NaN),
    ("kecamatan.csv", "population_dukcapil_2024s2", NaN),
    ("kecamatan.csv", "population_dukcapil_2025s1", NaN),
    ("kecamatan.csv", "n_poor_villages_2012", NaN),
    ("kecamatan.csv", "clove_area_ha_2017", NaN), ("kecamatan.csv", "n_coastal_villages", NaN),
    ("kecamatan.csv", "lon", NaN), ("agencies.csv", "funding", NaN),
    ("focus_villages_2020.csv", "code", NaN),
    ("focus_villages_2020.csv", "name_in_source", NaN),
    ("district_facts.csv", "value", "-5"), ("district_facts.csv", "year", NaN),
    ("district_facts.csv", "year", "2100"), ("district_facts.csv", "note", NaN),
    ("poverty_series.csv", "pct_poor", NaN), ("poverty_series.csv", "pct_poor", "100"),
    ("poverty_series.csv", "n_poor", NaN), ("poverty_series.csv", "period", NaN),
    ("poverty_series.csv", "year", "1900"),
    ("calibration.csv", "kecamatan_code", "51.08"), ("calibration.csv", "clove_ha_target",
                                                      "0"),
]


@pytest.mark.parametrize(("file", "column", "value"), ACCEPTED)
def test_accepted(file, column, value):
    typed, problems = check(file, column, value)
    assert problems == []
    assert typed is not None and len(typed) == 1


VILLAGE_FORMAT = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
KEC_FORMAT = r"^\d{2}\.\d{2}\.\d{2}$"
CODE_FORMAT = r"^[A-Z0-9][A-Z0-9_-]*$"
STATUS = "real, derived, synthetic, assumption"

REFUSED = [
    ("villages.csv", "code", "51.08.01.201",
     ("bad_format", {"value": "51.08.01.201", "pattern": VILLAGE_FORMAT,
                     "example": "51.08.01.2001"})),
    ("villages.csv", "kecamatan_code", "51.8.01",
     ("bad_format", {"value": "51.8.01", "pattern": KEC_FORMAT, "example": "51.08.01"})),
    ("villages.csv", "type", "kota", ("not_allowed", {"value": "kota",
                                                      "allowed": "desa, kelurahan"})),
    ("villages.csv", "lat", "-11.6", ("out_of_range", {"value": "-11.6", "low": -11.5,
                                                       "high": 6.5})),
    ("villages.csv", "lat", "6.6", ("out_of_range", {"value": "6.6", "low": -11.5,
                                                     "high": 6.5})),
    ("villages.csv", "lon", "93.9", ("out_of_range", {"value": "93.9", "low": 94.0,
                                                      "high": 141.5})),
    ("villages.csv", "lon", "141.6", ("out_of_range", {"value": "141.6", "low": 94.0,
                                                       "high": 141.5})),
    ("villages.csv", "area_km2", "0", ("not_positive", {"value": "0"})),
    ("villages.csv", "coastal", "2", ("not_allowed", {"value": 2.0, "allowed": "0, 1"})),
    ("villages.csv", "name", NaN, ("empty_value", {})),
    ("villages.csv", "kecamatan", NaN, ("empty_value", {})),
    ("villages.csv", "lat", "north", ("not_a_number", {"value": "north"})),
    ("villages.csv", "lat", "inf", ("not_finite", {"value": "inf"})),
    ("kecamatan.csv", "code", "51.08.1", ("bad_format", {
        "value": "51.08.1", "pattern": KEC_FORMAT, "example": "51.08.01"})),
    ("kecamatan.csv", "n_desa", "1.5", ("not_an_integer", {"value": "1.5"})),
    ("kecamatan.csv", "n_kelurahan", "-1", ("negative", {"value": "-1"})),
    ("kecamatan.csv", "area_km2", "0", ("not_positive", {"value": "0"})),
    ("kecamatan.csv", "n_dusun_2016", "-2", ("negative", {"value": "-2"})),
    ("kecamatan.csv", "lon", "150", ("out_of_range", {"value": "150", "low": 94.0,
                                                      "high": 141.5})),
    ("kecamatan.csv", "name", NaN, ("empty_value", {})),
    ("indicators.csv", "population", "-1", ("negative", {"value": "-1"})),
    ("indicators.csv", "households", "many", ("not_a_number", {"value": "many"})),
    ("indicators.csv", "code", "5108012001", ("bad_format", {
        "value": "5108012001", "pattern": VILLAGE_FORMAT, "example": "51.08.01.2001"})),
    ("indicator_metadata.csv", "kind", "other", ("not_allowed", {
        "value": "other", "allowed": "base, deprivation, potential"})),
    ("indicator_metadata.csv", "direction", "2", ("not_allowed", {"value": 2.0,
                                                                   "allowed": "1, -1"})),
    ("indicator_metadata.csv", "status", "guess", ("not_allowed", {"value": "guess",
                                                                    "allowed": STATUS})),
    ("indicator_metadata.csv", "unit", NaN, ("empty_value", {})),
    ("indicator_metadata.csv", "label_id", NaN, ("empty_value", {})),
    ("indicator_metadata.csv", "label_en", NaN, ("empty_value", {})),
    ("indicator_metadata.csv", "source", NaN, ("empty_value", {})),
    ("groups.csv", "kind", "area", ("not_allowed", {"value": "area",
                                                    "allowed": "dimension, sector"})),
    ("groups.csv", "label_en", NaN, ("empty_value", {})),
    ("agencies.csv", "code", "dinas pu", ("bad_format", {
        "value": "dinas pu", "pattern": CODE_FORMAT, "example": "PUTR-PAMSIMAS"})),
    ("agencies.csv", "pagu", "-1", ("negative", {"value": "-1"})),
    ("agencies.csv", "pagu_status", "x", ("not_allowed", {"value": "x", "allowed": STATUS})),
    ("agencies.csv", "short_name", NaN, ("empty_value", {})),
    ("programs.csv", "beneficiaries_per_unit", "0", ("not_positive", {"value": "0"})),
    ("programs.csv", "unit_cost", "0", ("not_positive", {"value": "0"})),
    ("programs.csv", "min_units", "-1", ("negative", {"value": "-1"})),
    ("programs.csv", "max_units", "0", ("out_of_range", {"value": "0", "low": 1,
                                                         "high": "∞"})),
    ("programs.csv", "max_units", "2.5", ("not_an_integer", {"value": "2.5"})),
    ("programs.csv", "min_potential", "1.1", ("out_of_range", {"value": "1.1", "low": 0,
                                                               "high": 1})),
    ("programs.csv", "max_villages", "0", ("out_of_range", {"value": "0", "low": 1,
                                                            "high": "∞"})),
    ("programs.csv", "max_villages", "1.5", ("not_an_integer", {"value": "1.5"})),
    ("programs.csv", "cost_status", "synthetic", ("not_allowed", {
        "value": "synthetic", "allowed": "real, derived, assumption"})),
    ("programs.csv", "fixed_cost", "-3", ("negative", {"value": "-3"})),
    ("programs.csv", "need_indicator", NaN, ("empty_value", {})),
    ("programs.csv", "unit_en", NaN, ("empty_value", {})),
    ("rules.csv", "rule", "needs", ("not_allowed", {"value": "needs",
                                                    "allowed": "requires, excludes, synergy"})),
    ("rules.csv", "bonus", "1.5", ("out_of_range", {"value": "1.5", "low": 0, "high": 1})),
    ("rules.csv", "status", "x", ("not_allowed", {"value": "x", "allowed": STATUS})),
    ("rules.csv", "program_b", NaN, ("empty_value", {})),
    ("focus_villages_2020.csv", "code", "51.08", ("bad_format", {
        "value": "51.08", "pattern": VILLAGE_FORMAT, "example": "51.08.01.2001"})),
    ("focus_villages_2020.csv", "status", NaN, ("empty_value", {})),
    ("district_facts.csv", "year", "1899", ("out_of_range", {"value": "1899", "low": 1900,
                                                             "high": 2100})),
    ("district_facts.csv", "year", "2020.5", ("not_an_integer", {"value": "2020.5"})),
    ("district_facts.csv", "metric", NaN, ("empty_value", {})),
    ("poverty_series.csv", "pct_poor", "101", ("out_of_range", {
        "value": "101", "low": 0, "high": 100})),
    ("poverty_series.csv", "n_poor", "1.5", ("not_an_integer", {"value": "1.5"})),
    ("poverty_series.csv", "n_poor", "-1", ("negative", {"value": "-1"})),
    ("poverty_series.csv", "year", NaN, ("empty_value", {})),
    ("poverty_series.csv", "year", "2101", ("out_of_range", {"value": "2101", "low": 1900,
                                                             "high": 2100})),
    ("calibration.csv", "kecamatan_code", "51", ("bad_format", {
        "value": "51", "pattern": r"^\d{2}\.\d{2}(\.\d{2})?$",
        "example": "51.08.01 (kecamatan), 51.08 (kabupaten)"})),
    ("calibration.csv", "population_target", "1.5", ("not_an_integer", {"value": "1.5"})),
    ("calibration.csv", "clove_ha_target", "-1", ("negative", {"value": "-1"})),
]


@pytest.mark.parametrize(("file", "column", "value", "expected"), REFUSED)
def test_refused(file, column, value, expected):
    key, params = expected
    assert found(file, column, value) == [(key, 2, column, params)]
    typed, _ = check(file, column, value)
    assert typed is None


def test_messages_in_both_languages():
    _, problems = check("villages.csv", "lat", "-11.6")
    assert problems[0].message("en") == (
        "[ERROR] villages.csv, row 2, column 'lat': value -11.6 is outside the range -11.5 "
        "to 6.5. Correct the value.")
    assert problems[0].message("id") == (
        "[GALAT] villages.csv, baris 2, kolom 'lat': nilai -11.6 di luar rentang -11.5 "
        "sampai 6.5. Perbaiki nilainya.")
    _, problems = check("agencies.csv", "code", "dinas pu")
    assert problems[0].message("en") == (
        "[ERROR] agencies.csv, row 2, column 'code': value 'dinas pu' does not match the "
        r"format ^[A-Z0-9][A-Z0-9_-]*$. A correct example: PUTR-PAMSIMAS.")
    _, problems = check("programs.csv", "max_units", "0")
    assert problems[0].message("id") == (
        "[GALAT] programs.csv, baris 2, kolom 'max_units': nilai 0 di luar rentang 1 sampai "
        "∞. Perbaiki nilainya.")


def test_a_missing_column_with_a_hint():
    frame = first_row("groups.csv").rename(columns={"label_en": "label_eng"})
    report = Report()
    assert validate_table(SPECS["groups.csv"], frame, report) is None
    assert [p.message("en") for p in report.problems] == [
        "[ERROR] groups.csv, column 'label_en': required column is missing. Did you mean "
        "'label_eng'? Add this column (see data/README.md)."]
    assert [p.message("id") for p in report.problems] == [
        "[GALAT] groups.csv, kolom 'label_en': kolom wajib tidak ada. Mungkin maksudnya "
        "'label_eng'? Tambahkan kolom ini (lihat data/README.md)."]
    frame = first_row("groups.csv").drop(columns="label_en")
    report = Report()
    validate_table(SPECS["groups.csv"], frame, report)
    assert [(p.key, p.column, dict(p.params)) for p in report.problems] == [
        ("missing_column", "label_en", {"guess": "label_id"})]


def test_duplicates_and_nonfinite_are_named_once():
    frame = first_row("villages.csv", 3)
    frame.iloc[2, frame.columns.get_loc("code")] = frame.iloc[0]["code"]
    frame.iloc[1, frame.columns.get_loc("lat")] = "nan"
    report = Report()
    assert validate_table(SPECS["villages.csv"], frame, report) is None
    code = frame.iloc[0]["code"]
    assert [(p.key, p.row, p.column, dict(p.params)) for p in report.problems] == [
        ("not_finite", 3, "lat", {"value": "nan"}),
        ("duplicate", 2, "code", {"value": code, "rows": "2, 4"})]
    assert report.problems[1].message("en") == (
        f"[ERROR] villages.csv, row 2, column 'code': code '{code}' appears more than once "
        "(rows 2, 4). Every code must be unique.")


def test_empty_tables():
    for file, refused in (("villages.csv", True), ("programs.csv", False),
                          ("rules.csv", False), ("calibration.csv", False)):
        frame = first_row(file).iloc[0:0]
        report = Report()
        typed = validate_table(SPECS[file], frame, report)
        if refused:
            assert typed is None
            assert [p.message("en") for p in report.problems] == [
                f"[ERROR] {file}: the table is empty. Add at least one data row."]
        else:
            assert report.problems == [] and typed is not None and typed.empty


def test_integer_columns_are_stored_as_int64():
    frame = first_row("programs.csv", 2)
    typed = validate_table(SPECS["programs.csv"], frame, Report())
    assert str(typed["min_units"].dtype) == "int64"
    assert str(typed["max_units"].dtype) == "int64"
    assert str(typed["unit_cost"].dtype) == "float64"
    assert str(validate_table(SPECS["villages.csv"], first_row("villages.csv"),
                              Report())["coastal"].dtype) == "int64"
    big = first_row("programs.csv")
    big["max_units"] = str(2 ** 53)
    assert str(validate_table(SPECS["programs.csv"], big, Report())["max_units"].dtype) \
        == "float64"
    assert EXACT_INTEGER == 2 ** 53


def test_not_finite():
    assert [not_finite(v) for v in ("inf", "-inf", "nan", "1e309", "1", NaN, "x", None)] == [
        True, True, True, True, False, False, False, False]


def test_table_specs():
    assert [(s.name, s.file, s.required, s.key, s.integers, s.reference) for s in TABLES] == [
        ("villages", "villages.csv", True, "code", ("coastal",), False),
        ("kecamatan", "kecamatan.csv", True, "code", ("n_desa", "n_kelurahan"), False),
        ("indicators", "indicators.csv", True, "code", (), False),
        ("indicator_metadata", "indicator_metadata.csv", True, "indicator", ("direction",),
         False),
        ("groups", "groups.csv", True, "group", (), False),
        ("agencies", "agencies.csv", True, "code", (), False),
        ("programs", "programs.csv", True, "code", ("min_units", "max_units"), False),
        ("rules", "rules.csv", False, None, (), False),
        ("focus_villages_2020", "focus_villages_2020.csv", False, "code", (), True),
        ("district_facts", "district_facts.csv", False, None, (), True),
        ("poverty_series", "poverty_series.csv", False, None, (), True),
        ("calibration", "calibration.csv", False, "kecamatan_code", (), True),
    ]
    assert REFERENCE_FILES == ("focus_villages_2020.csv", "district_facts.csv",
                               "poverty_series.csv", "calibration.csv")
    assert SPECS["villages.csv"].expected_columns() == [
        "code", "name", "kecamatan_code", "kecamatan", "type", "lat", "lon", "area_km2",
        "coastal"]
    assert SPECS["indicators.csv"].expected_columns() == ["code", "population", "households"]
    assert SPECS["indicators.csv"].numeric_columns(["code", "x", "households"]) == [
        "households", "x"]
    assert SPECS["villages.csv"].numeric_columns(["code", "lat", "coastal", "bps_code"]) == [
        "lat", "coastal"]


# --- limits ---------------------------------------------------------------------------------
def limit_problems(check, **tables):
    return [(p.file, p.key, p.row, p.column, p.severity) for p in check(tables)]


def frame(rows):
    return pd.DataFrame(rows, dtype=object)


def test_limit_values():
    assert (limits.BUDGET.high, limits.BUDGET.unit) == (10_000_000, " juta Rp")
    assert limits.VILLAGE_COUNT.high == 1_000_000 and limits.VILLAGE_COUNT.unit == ""
    assert limits.PEOPLE.high == 300_000_000
    assert limits.VILLAGES.high == 100_000 and limits.UNITS.high == 100_000
    assert (limits.AREA_KM2.high, limits.AREA_KM2.unit) == (50_000, " km²")
    assert (limits.AREA_HA.high, limits.AREA_HA.unit) == (5_000_000, " ha")
    assert (limits.DISTANCE.high, limits.DISTANCE.unit) == (1_000, " km")
    assert (limits.PERCENT.high, limits.PERCENT.unit) == (100, " %")
    assert limits.ANY.high == 1_000_000_000


def test_above_limit_message():
    agencies = frame([{"code": "A", "pagu": "10000000"}, {"code": "B", "pagu": "1e7"},
                      {"code": "C", "pagu": "10000001"}])
    got = list(limits.check_columns({"agencies": agencies}))
    assert [p.message("en") for p in got] == [
        "[ERROR] agencies.csv, row 4, column 'pagu': value 10000001 is above the plausible "
        "limit of 10,000,000 juta Rp: more than a kabupaten's whole yearly budget (APBD); "
        "money is written in juta Rp (1500 = Rp 1.5 billion). Check the number and its unit "
        "(the limits: data/README.md)."]
    assert [p.message("id") for p in got] == [
        "[GALAT] agencies.csv, baris 4, kolom 'pagu': nilai 10000001 melampaui batas wajar "
        "10.000.000 juta Rp: lebih dari seluruh APBD setahun sebuah kabupaten; uang ditulis "
        "dalam juta Rp (1500 = Rp 1,5 miliar). Periksa angka dan satuannya (batas-batas: "
        "data/README.md)."]


@pytest.mark.parametrize(("file", "table", "column", "limit"), [
    ("villages.csv", "villages", "area_km2", 50_000),
    ("kecamatan.csv", "kecamatan", "area_km2", 50_000),
    ("kecamatan.csv", "kecamatan", "n_desa", 100_000),
    ("kecamatan.csv", "kecamatan", "n_kelurahan", 100_000),
    ("kecamatan.csv", "kecamatan", "n_dusun_2016", 100_000),
    ("kecamatan.csv", "kecamatan", "n_lingkungan_2016", 100_000),
    ("kecamatan.csv", "kecamatan", "n_desa_adat_2016", 100_000),
    ("kecamatan.csv", "kecamatan", "n_poor_villages_2012", 100_000),
    ("kecamatan.csv", "kecamatan", "n_coastal_villages", 100_000),
    ("kecamatan.csv", "kecamatan", "population_dukcapil_2024s2", 300_000_000),
    ("kecamatan.csv", "kecamatan", "population_dukcapil_2025s1", 300_000_000),
    ("kecamatan.csv", "kecamatan", "clove_area_ha_2017", 5_000_000),
    ("agencies.csv", "agencies", "pagu", 10_000_000),
    ("programs.csv", "programs", "unit_cost", 10_000_000),
    ("programs.csv", "programs", "fixed_cost", 10_000_000),
    ("programs.csv", "programs", "beneficiaries_per_unit", 1_000_000),
    ("programs.csv", "programs", "min_units", 100_000),
    ("programs.csv", "programs", "max_units", 100_000),
    ("programs.csv", "programs", "max_villages", 100_000),
    ("calibration.csv", "calibration", "population_target", 300_000_000),
    ("calibration.csv", "calibration", "poor_people_target", 300_000_000),
    ("calibration.csv", "calibration", "clove_ha_target", 5_000_000),
    ("poverty_series.csv", "poverty_series", "n_poor", 300_000_000),
])
def test_column_limits(file, table, column, limit):
    values = frame([{column: str(limit)}, {column: str(limit + 1)}, {column: "x"}])
    assert limit_problems(limits.check_columns, **{table: values}) == [
        (file, "above_limit", 3, column, "error")]


def test_indicator_limits_by_unit():
    meta = frame([{"indicator": n, "unit": u} for n, u in [
        ("pct", "percent of households"), ("land", "ha"), ("dist", "km to town"),
        ("kids", "children"), ("odd", "widgets"), ("population", "percent"),
        ("sq", "km2"), ("sq2", "km²"), ("pc", "%"), ("heads", "head"), ("n", "count")]])
    rows = {"code": ["V1", "V2"], "pct": ["100", "101"], "land": ["5000000", "5000001"],
            "dist": ["1000", "1001"], "kids": ["1000000", "1000001"],
            "odd": ["1000000000", "1000000001"], "population": ["1000000", "1000001"],
            "sq": ["50000", "50001"], "sq2": ["50000", "50001"], "pc": ["100", "100.5"],
            "heads": ["1000000", "1000001"], "n": ["1000000", "1000001"],
            "households": ["1000000", "1000001"]}
    indicators = pd.DataFrame(rows, dtype=object)
    got = limit_problems(limits.check_indicators, indicators=indicators,
                         indicator_metadata=meta)
    assert got == [("indicators.csv", "above_limit", 3, name, "error")
                   for name in rows if name != "code"]
    assert list(limits.check_indicators({})) == []


def test_fact_limits():
    facts = frame([{"value": "101", "unit": "percent"}, {"value": "150", "unit": "%"},
                   {"value": "250", "unit": "people"}, {"value": "100", "unit": "Percent"}])
    assert limit_problems(limits.check_facts, district_facts=facts) == [
        ("district_facts.csv", "above_limit", 2, "value", "error"),
        ("district_facts.csv", "above_limit", 3, "value", "error")]
    assert list(limits.check_facts({"district_facts": facts.drop(columns="unit")})) == []


def test_area_warning():
    villages = frame([{"code": "V1", "area_km2": "2"}, {"code": "V2", "area_km2": "x"}])
    indicators = frame([{"code": "V1", "rice": "201", "shops": "900"},
                        {"code": "V2", "rice": "5", "shops": "1"},
                        {"code": "V1", "rice": "200", "shops": "1"}])
    meta = frame([{"indicator": "rice", "unit": "ha of rice"},
                  {"indicator": "shops", "unit": "count"}])
    got = list(limits.check_area({"villages": villages, "indicators": indicators,
                                  "indicator_metadata": meta}))
    assert [p.message("en") for p in got] == [
        "[WARNING] indicators.csv, row 2, column 'rice': 201 ha is more than the village's "
        "whole area (200 ha from area_km2 in villages.csv). The area is approximate, so this "
        "can happen; check the number."]
    assert got[0].severity == "warning"
    assert list(limits.check_area({"villages": villages, "indicators": indicators})) == []
    assert list(limits.check_area({"indicators": indicators})) == []
    assert list(limits.check_area({"villages": villages.drop(columns="area_km2"),
                                   "indicators": indicators,
                                   "indicator_metadata": meta})) == []
    assert list(limits.check_area({"villages": villages,
                                   "indicators": indicators.drop(columns="code"),
                                   "indicator_metadata": meta})) == []


def test_program_cost_warning():
    programs = frame([
        {"agency": "A", "unit_cost": "10", "fixed_cost": "5", "min_units": "2"},
        {"agency": "A", "unit_cost": "10", "fixed_cost": "6", "min_units": "2"},
        {"agency": "B", "unit_cost": "1", "fixed_cost": "0", "min_units": "1"}])
    agencies = frame([{"code": "A", "pagu": "25"}, {"code": "B", "pagu": "x"}])
    got = list(limits.check_program_cost({"programs": programs, "agencies": agencies}))
    assert [(p.row, p.column, p.severity, dict(p.params)) for p in got] == [
        (3, "unit_cost", "warning", {"cost": "26", "agency": "A", "pagu": "25"})]
    assert got[0].message("en") == (
        "[WARNING] programs.csv, row 3, column 'unit_cost': the smallest run of this "
        "programme (fixed_cost + min_units x unit_cost = Rp 26 juta) costs more than the "
        "pagu of A (Rp 25 juta), so it can never be chosen. Check the costs or raise the "
        "pagu.")
    assert list(limits.check_program_cost({"programs": programs})) == []
    assert list(limits.check_program_cost({"programs": programs,
                                           "agencies": agencies.drop(columns="pagu")})) == []
    assert list(limits.check_program_cost({"programs": programs.drop(columns="min_units"),
                                           "agencies": agencies})) == []


def test_limit_checks_in_order():
    assert (limits.check_columns, limits.check_indicators,
                                   limits.check_facts, limits.check_area,
                                   limits.check_program_cost) == limits.LIMIT_CHECKS


# --- the folder -----------------------------------------------------------------------------
def test_folder_level_problems(tmp_path):
    report, typed = validate_dataset(tmp_path / "nowhere")
    assert [p.message("en") for p in report.problems] == [
        f"[ERROR] {tmp_path / 'nowhere'}: data folder not found. Check the path (for "
        "example: data/buleleng)."]
    assert typed == {}
    (tmp_path / "villages.csv").write_text("code\n")
    report, _ = validate_dataset(tmp_path)
    missing = [p for p in report.problems if p.key == "missing_file"]
    assert [p.file for p in missing] == ["kecamatan.csv", "indicators.csv",
                                         "indicator_metadata.csv", "groups.csv",
                                         "agencies.csv", "programs.csv"]
    assert missing[0].message("en") == ("[ERROR] kecamatan.csv: required file is missing. "
                                        "Add kecamatan.csv to the data folder (see "
                                        "data/README.md).")


def test_shipped_data_loads_with_its_types(data_copy):
    report, _raw, typed = check_folder(data_copy)
    assert report.ok
    assert set(typed) == {spec.name for spec in TABLES}
    ds = load_dataset(data_copy)
    assert list(ds.villages["code"]) == sorted(ds.villages["code"])
    assert ds.villages.index.tolist() == list(range(len(ds.villages)))
    assert set(ds.reference) == set(REFERENCE_FILES)
    assert ds.reference["calibration.csv"].isna().sum().sum() == 0
    assert sorted(ds.file_hashes) == sorted(p.name for p in data_copy.glob("*.csv"))
    assert ds.path == data_copy
    assert set(ds.dimensions["kind"]) == {"dimension"}
    assert set(ds.sectors["kind"]) == {"sector"}
    assert ds.synthetic_indicators() == ds.indicator_metadata.loc[
        ds.indicator_metadata["status"] == "synthetic", "indicator"].tolist()


def test_load_without_rules_and_with_an_error(data_copy):
    (data_copy / "rules.csv").unlink()
    ds = load_dataset(data_copy)
    assert list(ds.rules.columns) == ["rule", "program_a", "program_b", "bonus", "status"]
    assert ds.rules.empty
    edit(data_copy, "villages.csv", 2, "lat", "-12")
    from planning.data import DataError
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    assert [p.message("en") for p in caught.value.report.problems] == [
        "[ERROR] villages.csv, row 2, column 'lat': value -12 is outside the range -11.5 to "
        "6.5. Correct the value."]
    assert caught.value.folder == str(data_copy)
    assert str(data_copy) in str(caught.value).splitlines()[-1]


def test_the_data_set_keeps_every_row_in_plain_tables(data_copy):
    """Each table of the loaded data set holds the file's rows (sorted by code where it has
    one) on a plain 0..n-1 index, with the file's columns and nothing added."""
    ds = load_dataset(data_copy)
    for name, key in (("villages", "code"), ("kecamatan", "code"), ("indicators", "code"),
                      ("agencies", None), ("programs", None), ("groups", None),
                      ("indicator_metadata", None), ("rules", None)):
        frame = getattr(ds, name)
        raw = pd.read_csv(data_copy / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(frame.index) == list(range(len(raw))), name
        assert list(frame.columns) == list(raw.columns), name
        shown = raw.sort_values(key, kind="stable") if key else raw
        assert frame.iloc[:, 0].astype(str).tolist() == shown.iloc[:, 0].tolist(), name


def test_a_failed_check_of_another_kind_names_the_check():
    """A pandera check the loader has no special message for (none of the shipped schemas
    has one today) is reported as a value not allowed, naming the check."""
    spec = next(t for t in TABLES if t.file == "villages.csv")
    row = {"check": "str_length(1, 5)", "column": "name", "index": 3,
           "failure_case": "Kalibukbuk Baru"}
    found = failure_problem(spec, spec.schema, pd.DataFrame(), row)
    assert (found.file, found.key, found.row, found.column) == (
        "villages.csv", "not_allowed", 5, "name")
    assert dict(found.params) == {"value": "Kalibukbuk Baru", "allowed": "str_length(1, 5)"}
    assert "str_length(1, 5)" in found.message("en")


#: the columns each file may leave out (written out here, not read from the schemas)
OPTIONAL_COLUMNS = {
    "villages.csv": ["bps_code", "name_variants"],
    "kecamatan.csv": ["bps_code", "n_dusun_2016", "n_lingkungan_2016", "n_desa_adat_2016",
                      "population_dukcapil_2024s2", "population_dukcapil_2025s1",
                      "n_poor_villages_2012", "clove_area_ha_2017", "n_coastal_villages",
                      "lat", "lon"],
    "groups.csv": ["description"],
    "agencies.csv": ["funding", "note", "source_url"],
    "rules.csv": ["reason_id", "reason_en"],
    "focus_villages_2020.csv": ["name_in_source", "name_kemendagri", "evidence"],
    "district_facts.csv": ["note"],
    "poverty_series.csv": ["period", "note"],
}


def test_every_optional_column_may_be_left_out(data_copy):
    """A data set whose files leave out every optional column loads without a problem."""
    from .conftest import read, write

    for file, columns in OPTIONAL_COLUMNS.items():
        frame = read(data_copy, file)
        write(data_copy, file, frame.drop(columns=[c for c in columns if c in frame]))
    report, _ = validate_dataset(data_copy)
    assert [p.message("en") for p in report.errors] == []
    load_dataset(data_copy)


#: (file, column) that must hold whole numbers (written out here)
WHOLE_COLUMNS = [("kecamatan.csv", "n_desa"), ("kecamatan.csv", "n_kelurahan"),
                 ("district_facts.csv", "year"), ("poverty_series.csv", "year"),
                 ("poverty_series.csv", "n_poor"), ("calibration.csv", "population_target"),
                 ("calibration.csv", "poor_people_target")]


@pytest.mark.parametrize(("file", "column"), WHOLE_COLUMNS)
def test_whole_number_columns_refuse_a_fraction(data_copy, file, column):
    frame = pd.read_csv(data_copy / file, dtype=str, keep_default_na=False)
    row = next(i for i, v in enumerate(frame[column]) if v.strip()) + 2
    value = str(float(frame.at[row - 2, column]) + 0.5)
    edit(data_copy, file, row, column, value)
    report, _ = validate_dataset(data_copy)
    found = [(p.file, p.key, p.row, p.column) for p in report.errors]
    assert found == [(file, "not_an_integer", row, column)], found


def test_a_column_of_the_planners_own_is_accepted(data_copy):
    """A column the data set does not know (a planner's notes) is kept out of the checks,
    in every table."""
    from .conftest import read, write

    for file in ("villages.csv", "kecamatan.csv", "agencies.csv", "programs.csv",
                 "groups.csv", "indicator_metadata.csv", "rules.csv", "calibration.csv"):
        frame = read(data_copy, file)
        write(data_copy, file, frame.assign(catatan_saya="cek lagi"))
    report, _ = validate_dataset(data_copy)
    assert [p.message("en") for p in report.errors] == []


@pytest.mark.parametrize("column", OPTIONAL_COLUMNS["kecamatan.csv"][1:])
def test_optional_numbers_of_kecamatan_are_still_checked(data_copy, column):
    value = "7" if column == "lat" else ("150" if column == "lon" else "banyak")
    frame = pd.read_csv(data_copy / "kecamatan.csv", dtype=str, keep_default_na=False)
    if column not in frame:
        frame[column] = ""
        frame.to_csv(data_copy / "kecamatan.csv", index=False, lineterminator="\n")
    edit(data_copy, "kecamatan.csv", 2, column, value)
    report, _ = validate_dataset(data_copy)
    found = [(p.file, p.key, p.row, p.column) for p in report.errors]
    key = "out_of_range" if column in ("lat", "lon") else "not_a_number"
    assert (("kecamatan.csv", key, 2, column)) in found, found

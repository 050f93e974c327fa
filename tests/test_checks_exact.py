"""Data validation, rule by rule, on small hand-made tables: each check is called directly
and must name exactly the file, spreadsheet row (header = row 1) and column, with the
exact message in both languages. Written to kill the mutants of planning.data.checks,
reading, limits, schemas and loading (docs/testing.md)."""

from __future__ import annotations

import codecs

import numpy as np
import pandas as pd
import pytest

from planning.data import checks, limits, reading
from planning.data.checks import (
    check_agencies,
    check_counts,
    check_groups,
    check_indicators,
    check_metadata,
    check_programs,
    check_reference,
    check_rules,
    check_villages,
    count_pairs,
    indicator_units,
    line,
    listing,
    numbers,
    unit_word,
)
from planning.data.reading import (
    column_letter,
    decode,
    open_quote,
    parse,
    read_table,
)

NaN = np.nan


def table(rows: list[dict], first: int = 2) -> pd.DataFrame:
    """A table as read: text values, blanks missing, index = spreadsheet row - 2."""
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = range(first - 2, first - 2 + len(rows))
    return frame


def said(problems, lang: str = "en") -> list[str]:
    return [p.message(lang) for p in problems]


# --- helpers ----------------------------------------------------------------------------
def test_line_listing_numbers():
    assert line(0) == 2 and line(np.int64(5)) == 7
    assert listing(["b", "a", NaN, "a", 3]) == "3, a, b"
    values = [f"v{i:02d}" for i in range(15)]
    assert listing(values) == ", ".join(values[:12]) + ", … (+3)"
    assert listing(values, limit=15) == ", ".join(values)
    assert listing(values[:12]) == ", ".join(values[:12])
    assert listing(values[:13], limit=12).endswith("v11, … (+1)")
    got = numbers(pd.Series(["1.5", "x", None, "inf", "-inf", "nan", "2"]))
    assert got.iloc[0] == 1.5 and got.iloc[6] == 2.0
    assert got.iloc[1:6].isna().all()


def test_unit_word_and_units():
    assert unit_word("Percent of area") == "percent"
    assert unit_word("  households ") == "households"
    assert unit_word(NaN) == "" and unit_word("   ") == ""
    meta = table([{"indicator": "a", "unit": "Persons (count)"},
                  {"indicator": "b", "unit": NaN}])
    assert indicator_units({"indicator_metadata": meta}) == {"a": "persons", "b": ""}
    assert indicator_units({}) == {}
    assert indicator_units({"indicator_metadata": meta.drop(columns="unit")}) == {}


# --- villages -----------------------------------------------------------------------------
KEC = table([{"code": "51.08.01", "name": "Gerokgak", "n_desa": "2", "n_kelurahan": "1"},
             {"code": "51.08.02", "name": "Seririt", "n_desa": "1", "n_kelurahan": "0"}])


def test_villages_unknown_kecamatan_and_code_prefix():
    villages = table([
        {"code": "51.08.01.2001", "kecamatan_code": "51.08.01", "type": "desa"},
        {"code": "51.08.02.2001", "kecamatan_code": "51.08.01", "type": "desa"},
        {"code": "51.08.01.1001", "kecamatan_code": "51.08.01", "type": "kelurahan"},
        {"code": "51.08.09.2001", "kecamatan_code": "51.08.09", "type": "desa"},
        {"code": "51.08.021", "kecamatan_code": "51.08.02", "type": "desa"},
        {"code": "51.08.02.2002", "kecamatan_code": NaN, "type": "desa"},
    ])
    got = list(check_villages({"kecamatan": KEC, "villages": villages}))
    assert said(got) == [
        "[ERROR] villages.csv, row 5, column 'kecamatan_code': kecamatan '51.08.09' is not in "
        "kecamatan.csv. Use a code from kecamatan.csv (51.08.01, 51.08.02).",
        "[ERROR] villages.csv, row 3, column 'code': village code '51.08.02.2001' does not "
        "start with its kecamatan code '51.08.01'. Check the village's Kemendagri code or its "
        "kecamatan.",
        "[ERROR] villages.csv, row 6, column 'code': village code '51.08.021' does not start "
        "with its kecamatan code '51.08.02'. Check the village's Kemendagri code or its "
        "kecamatan.",
    ]
    assert said(got, "id")[1] == ("[GALAT] villages.csv, baris 3, kolom 'code': kode desa "
                                  "'51.08.02.2001' tidak diawali kode kecamatannya "
                                  "'51.08.01'. Periksa kode Kemendagri desa atau "
                                  "kecamatannya.")


def test_villages_counts_both_kinds_and_blank_counts():
    villages = table([
        {"code": "51.08.01.2001", "kecamatan_code": "51.08.01", "type": "desa"},
        {"code": "51.08.01.2002", "kecamatan_code": "51.08.01", "type": "desa"},
        {"code": "51.08.02.2001", "kecamatan_code": "51.08.02", "type": "kelurahan"},
    ])
    kec = KEC.copy()
    kec.loc[0, "n_kelurahan"] = "x"  # not a number: the schema reports it, not this check
    got = list(check_villages({"kecamatan": kec, "villages": villages}))
    assert [(p.file, p.key, p.row, p.column, dict(p.params)) for p in got] == [
        ("kecamatan.csv", "count_mismatch", 3, "n_desa",
         {"expected": 1, "found": 0, "what": "desa"}),
        ("kecamatan.csv", "count_mismatch", 3, "n_kelurahan",
         {"expected": 0, "found": 1, "what": "kelurahan"}),
    ]
    assert said(got, "id")[0] == ("[GALAT] kecamatan.csv, baris 3, kolom 'n_desa': "
                                  "kecamatan.csv mencatat 1 desa, tetapi villages.csv berisi "
                                  "0. Samakan kedua berkas.")
    assert list(check_villages({"kecamatan": kec, "villages": villages.drop(
        columns="type")})) == []


def test_villages_skipped_without_kecamatan_or_villages():
    villages = table([{"code": "X", "kecamatan_code": "51.08.09"}])
    assert list(check_villages({"villages": villages})) == []
    assert list(check_villages({"kecamatan": KEC.iloc[0:0], "villages": villages})) == []
    empty = table([]).reindex(columns=["code", "kecamatan_code"])
    assert list(check_villages({"kecamatan": KEC, "villages": empty})) == []
    only = list(check_villages({"kecamatan": KEC,
                                "villages": villages.drop(columns="code")}))
    assert [(p.key, p.row) for p in only] == [("unknown_kecamatan", 2)]
    assert list(check_villages({"kecamatan": KEC})) == []


# --- indicators ---------------------------------------------------------------------------
def test_indicators_one_row_per_village():
    villages = table([{"code": "V1", "name": "Satu"}, {"code": "V2", "name": "Dua"},
                      {"code": "V3", "name": "Tiga"}])
    indicators = table([{"code": "V2"}, {"code": "V9"}, {"code": NaN}])
    got = list(check_indicators({"villages": villages, "indicators": indicators}))
    assert said(got) == [
        "[ERROR] indicators.csv, row 3, column 'code': village code 'V9' is not in "
        "villages.csv. Use a Kemendagri code from villages.csv, or delete this row.",
        "[ERROR] indicators.csv, column 'code': village 'V1' (Satu) has no indicator row. "
        "Add one row for every village in villages.csv.",
        "[ERROR] indicators.csv, column 'code': village 'V3' (Tiga) has no indicator row. "
        "Add one row for every village in villages.csv.",
    ]
    assert said(got, "id")[1] == ("[GALAT] indicators.csv, kolom 'code': desa 'V1' (Satu) "
                                  "tidak punya baris indikator. Tambahkan satu baris untuk "
                                  "setiap desa di villages.csv.")
    nameless = list(check_indicators({"villages": villages.drop(columns="name"),
                                      "indicators": indicators}))
    assert dict(nameless[1].params)["name"] == "V1"
    assert list(check_indicators({"villages": villages})) == []
    assert list(check_indicators({"indicators": indicators})) == []
    assert list(check_indicators({"villages": villages.iloc[0:0],
                                  "indicators": indicators})) == []
    assert list(check_indicators({"villages": villages.drop(columns="code"),
                                  "indicators": indicators})) == []


# --- metadata and groups ------------------------------------------------------------------
GROUPS = table([
    {"group": "health", "kind": "dimension", "count_indicator": "sick"},
    {"group": "work", "kind": "dimension", "count_indicator": NaN},
    {"group": "farm", "kind": "sector", "count_indicator": NaN},
    {"group": "edu", "kind": "dimension", "count_indicator": "nope"},
])


def test_metadata():
    indicators = table([{"code": "V1", "sick": "1", "households": "5", "fields": "2"}])
    meta = table([
        {"indicator": "sick", "kind": "deprivation", "group": "health",
         "denominator": "households"},
        {"indicator": "fields", "kind": "potential", "group": "health",
         "denominator": "area_km2"},
        {"indicator": "ghost", "kind": "deprivation", "group": NaN, "denominator": "people"},
        {"indicator": "households", "kind": "context", "group": "whatever",
         "denominator": NaN},
    ])
    got = list(check_metadata({"indicators": indicators, "indicator_metadata": meta,
                               "groups": GROUPS}))
    assert said(got) == [
        "[ERROR] indicator_metadata.csv, row 3, column 'group': group 'health' is not a "
        "sector in groups.csv. Use one of: farm.",
        "[ERROR] indicator_metadata.csv, row 4, column 'indicator': indicator 'ghost' is "
        "described, but is not a column of indicators.csv. Add the column or delete this "
        "row.",
        "[ERROR] indicator_metadata.csv, row 4, column 'group': an indicator of kind "
        "'deprivation' needs a group. Fill in the group column.",
        "[ERROR] indicator_metadata.csv, row 4, column 'denominator': denominator 'people' "
        "is neither a column of indicators.csv nor area_km2. Use one of: area_km2, fields, "
        "households, sick.",
    ]
    assert said(got, "id")[0] == ("[GALAT] indicator_metadata.csv, baris 3, kolom 'group': "
                                  "kelompok 'health' tidak ada di groups.csv sebagai sector. "
                                  "Gunakan salah satu: farm.")
    undescribed = list(check_metadata({"indicators": indicators,
                                       "indicator_metadata": meta.iloc[[0, 1]]}))
    assert said(undescribed) == [
        "[ERROR] indicator_metadata.csv, column 'indicator': indicator 'households' is not "
        "described in indicator_metadata.csv. Add a row with its label, group, direction, "
        "unit, source and status (real/synthetic)."]
    # without groups.csv the groups are not checked; without indicators.csv the columns
    assert [p.key for p in check_metadata({"indicator_metadata": meta})] == []
    assert list(check_metadata({"indicators": indicators})) == []


def test_groups():
    indicators = table([{"code": "V1", "sick": "1"}])
    got = list(check_groups({"groups": GROUPS, "indicators": indicators}))
    assert said(got) == [
        "[ERROR] groups.csv, row 3, column 'count_indicator': dimension 'work' has no count "
        "indicator. Fill in the indicators.csv column that counts the households or people "
        "deprived in it.",
        "[ERROR] groups.csv, row 5, column 'count_indicator': indicator 'nope' is not in "
        "indicators.csv. Use one of its columns: sick.",
    ]
    assert said(got, "id")[1] == ("[GALAT] groups.csv, baris 5, kolom 'count_indicator': "
                                  "indikator 'nope' tidak ada di indicators.csv. Gunakan "
                                  "salah satu kolomnya: sick.")
    assert [p.key for p in check_groups({"groups": GROUPS})] == ["missing_count_indicator"]
    assert list(check_groups({"groups": GROUPS.drop(columns="count_indicator")})) == []


# --- counts ---------------------------------------------------------------------------------
def test_count_pairs():
    meta = table([
        {"indicator": "poor_hh", "kind": "deprivation", "denominator": "households",
         "unit": "households"},
        {"indicator": "kids", "kind": "deprivation", "denominator": NaN, "unit": "children"},
        # a denominator other than the base of its unit: only the denominator route adds it
        {"indicator": "stunted", "kind": "deprivation", "denominator": "children_under5",
         "unit": "children"},
        {"indicator": "shops", "kind": "potential", "denominator": "area_km2",
         "unit": "count"},
        {"indicator": "population", "kind": "context", "denominator": NaN,
         "unit": "persons"},
    ])
    assert count_pairs({"indicator_metadata": meta}) == [
        ("households", "population"), ("poor_people", "population"),
        ("poor_hh", "households"), ("stunted", "children_under5"), ("kids", "population"),
        ("stunted", "population")]
    assert count_pairs({}) == [("households", "population"), ("poor_people", "population")]


def test_counts_exceeding_their_base():
    indicators = table([
        {"households": "10", "population": "8", "poor_people": "9", "poor_hh": "11"},
        {"households": "5", "population": "20", "poor_people": "20", "poor_hh": "5"},
        {"households": "x", "population": "-1", "poor_people": "3", "poor_hh": "4"},
    ])
    meta = table([{"indicator": "poor_hh", "kind": "deprivation",
                   "denominator": "households", "unit": "households"}])
    calibration = table([{"poor_people_target": "7", "population_target": "6"},
                         {"poor_people_target": "6", "population_target": "6"}])
    got = list(check_counts({"indicators": indicators, "indicator_metadata": meta,
                             "calibration": calibration}))
    assert said(got) == [
        "[ERROR] indicators.csv, row 2, column 'households': households (10) exceeds "
        "population (8) in the same row. A count cannot exceed what it counts within; check "
        "both numbers.",
        "[ERROR] indicators.csv, row 2, column 'poor_people': poor_people (9) exceeds "
        "population (8) in the same row. A count cannot exceed what it counts within; check "
        "both numbers.",
        "[ERROR] indicators.csv, row 2, column 'poor_hh': poor_hh (11) exceeds households "
        "(10) in the same row. A count cannot exceed what it counts within; check both "
        "numbers.",
        "[ERROR] calibration.csv, row 2, column 'poor_people_target': poor_people_target (7) "
        "exceeds population_target (6) in the same row. A count cannot exceed what it "
        "counts within; check both numbers.",
    ]
    assert said(got, "id")[0] == ("[GALAT] indicators.csv, baris 2, kolom 'households': "
                                  "households (10) melebihi population (8) di baris yang "
                                  "sama. Sebuah hitungan tidak boleh melebihi yang "
                                  "dihitungnya; periksa kedua angka.")
    # a count over two bases is named once, for the first
    twice = list(checks.exceeding("f.csv", indicators, [("poor_hh", "households"),
                                                        ("poor_hh", "population")]))
    assert [(p.row, p.column, dict(p.params)["base"]) for p in twice] == [
        (2, "poor_hh", "households")]
    zero = table([{"a": "1", "b": "0"}])
    assert [p.row for p in checks.exceeding("f.csv", zero, [("a", "b")])] == [2]
    assert list(checks.exceeding("f.csv", zero, [("a", "c"), ("c", "b")])) == []
    assert list(check_counts({})) == []


# --- programmes, agencies, rules ------------------------------------------------------------
def test_programs():
    programs = table([
        {"code": "P1", "agency": "A1", "dimension": "health", "sector": NaN,
         "need_indicator": "sick", "min_units": "3", "max_units": "2", "min_potential": "0.5"},
        {"code": "P2", "agency": "A9", "dimension": "farm", "sector": "health",
         "need_indicator": "zz", "min_units": "1", "max_units": "1", "min_potential": NaN},
        {"code": "P3", "agency": NaN, "dimension": "work", "sector": "farm",
         "need_indicator": NaN, "min_units": "x", "max_units": "1", "min_potential": "0.1"},
    ])
    tables = {"programs": programs, "agencies": table([{"code": "A1"}, {"code": "A2"}]),
              "groups": GROUPS, "indicators": table([{"code": "V1", "sick": "1"}])}
    got = list(check_programs(tables))
    assert said(got) == [
        "[ERROR] programs.csv, row 3, column 'agency': agency 'A9' is not in agencies.csv. "
        "Use a code from agencies.csv (A1, A2) or add the agency.",
        "[ERROR] programs.csv, row 3, column 'dimension': dimension 'farm' is not in "
        "groups.csv. Use one of: edu, health, work.",
        "[ERROR] programs.csv, row 3, column 'sector': sector 'health' is not in groups.csv. "
        "Use one of: farm, or leave it empty.",
        "[ERROR] programs.csv, row 3, column 'need_indicator': indicator 'zz' is not in "
        "indicators.csv. Use one of its columns: sick.",
        "[ERROR] programs.csv, row 2, column 'min_units': min_units (3) is larger than "
        "max_units (2). Swap or correct the bounds.",
        "[ERROR] programs.csv, row 2, column 'min_potential': min_potential is set but the "
        "sector is empty. Set a sector or clear min_potential.",
    ]
    assert said(got, "id")[4] == ("[GALAT] programs.csv, baris 2, kolom 'min_units': "
                                  "min_units (3) lebih besar dari max_units (2). Tukar atau "
                                  "perbaiki batasnya.")
    # without agencies.csv, groups.csv or indicators the references are not checked
    assert [p.key for p in check_programs({"programs": programs})] == [
        "bounds_inverted", "potential_without_sector"]
    assert [p.key for p in check_programs({"programs": programs.drop(
        columns="min_potential")})] == ["bounds_inverted"]
    assert said(check_programs({"programs": programs.iloc[0:0]})) == [
        "[ERROR] programs.csv: the programme catalogue is empty: there is nothing to "
        "allocate. Add programmes to programs.csv."]
    assert list(check_programs({})) == []


def test_agencies_without_programmes_are_a_warning():
    agencies = table([{"code": "A1"}, {"code": "A2"}, {"code": NaN}])
    programs = table([{"agency": "A1"}, {"agency": NaN}])
    got = list(check_agencies({"agencies": agencies, "programs": programs}))
    assert said(got) == ["[WARNING] agencies.csv, row 3, column 'code': agency 'A2' has a "
                         "budget but no programmes; its budget will stay unused."]
    assert said(got, "id") == ["[PERINGATAN] agencies.csv, baris 3, kolom 'code': lembaga "
                               "'A2' punya pagu tetapi tidak punya program; pagunya tidak "
                               "akan terpakai."]
    assert got[0].severity == "warning"
    assert list(check_agencies({"agencies": agencies})) == []
    assert list(check_agencies({"agencies": agencies,
                                "programs": programs.drop(columns="agency")})) == []
    assert list(check_agencies({"agencies": agencies.drop(columns="code"),
                                "programs": programs})) == []


def test_rules():
    rules = table([
        {"rule": "synergy", "program_a": "P1", "program_b": "P2", "bonus": NaN},
        {"rule": "requires", "program_a": "P1", "program_b": "P1", "bonus": NaN},
        {"rule": "excludes", "program_a": "P9", "program_b": "P8", "bonus": NaN},
        {"rule": "synergy", "program_a": NaN, "program_b": NaN, "bonus": "0.1"},
    ])
    programs = table([{"code": "P1"}, {"code": "P2"}])
    got = list(check_rules({"rules": rules, "programs": programs}))
    assert said(got) == [
        "[ERROR] rules.csv, row 4, column 'program_a': programme 'P9' is not in "
        "programs.csv. Use a code from programs.csv.",
        "[ERROR] rules.csv, row 4, column 'program_b': programme 'P8' is not in "
        "programs.csv. Use a code from programs.csv.",
        "[ERROR] rules.csv, row 2, column 'bonus': a synergy rule needs a bonus (for example "
        "0.10 = 10 %). Fill in the bonus column.",
        "[ERROR] rules.csv, row 3, column 'program_b': the rule links programme 'P1' with "
        "itself. Choose two different programmes.",
    ]
    assert said(got, "id")[3] == ("[GALAT] rules.csv, baris 3, kolom 'program_b': aturan "
                                  "menghubungkan program 'P1' dengan dirinya sendiri. Pilih "
                                  "dua program yang berbeda.")
    assert [p.key for p in check_rules({"rules": rules})] == [
        "synergy_without_bonus", "self_rule"]
    assert list(check_rules({"rules": rules.drop(columns="program_b")})) == []
    assert list(check_rules({})) == []


def test_reference_files():
    villages = table([{"code": "V1"}, {"code": "V2"}])
    focus = table([{"code": "V1", "kecamatan": "Gerokgak"},
                   {"code": "V7", "kecamatan": "Nowhere"}])
    calibration = table([{"kecamatan_code": "51.08.01"}, {"kecamatan_code": "51.08"},
                         {"kecamatan_code": "51.09"}])
    got = list(check_reference({"villages": villages, "focus_villages_2020": focus,
                                "kecamatan": KEC, "calibration": calibration}))
    assert said(got) == [
        "[ERROR] focus_villages_2020.csv, row 3, column 'code': village code 'V7' is not in "
        "villages.csv. Use a Kemendagri code from villages.csv, or delete this row.",
        "[ERROR] focus_villages_2020.csv, row 3, column 'kecamatan': kecamatan 'Nowhere' is "
        "not a name in kecamatan.csv. Use one of: Gerokgak, Seririt.",
        "[ERROR] calibration.csv, row 4, column 'kecamatan_code': kecamatan '51.09' is not "
        "in kecamatan.csv. Use a code from kecamatan.csv (51.08, 51.08.01, 51.08.02).",
    ]
    assert said(got, "id")[1] == ("[GALAT] focus_villages_2020.csv, baris 3, kolom "
                                  "'kecamatan': kecamatan 'Nowhere' bukan nama di "
                                  "kecamatan.csv. Gunakan salah satu: Gerokgak, Seririt.")
    assert list(check_reference({"focus_villages_2020": focus})) == []
    assert [p.key for p in check_reference({"villages": villages, "kecamatan": KEC,
                                            "calibration": calibration})] == [
        "unknown_kecamatan"]


def test_cross_table_checks_in_order():
    assert (
        check_villages, check_indicators, check_metadata, check_groups, check_counts,
        check_programs, check_agencies, check_rules, check_reference) == checks.CROSS_TABLE_CHECKS
    assert checks.WITHIN_ROW == {
        "indicators": (("households", "population"), ("poor_people", "population")),
        "calibration": (("poor_people_target", "population_target"),)}
    assert checks.UNIT_BASES == {"households": "households", "persons": "population",
                                 "children": "population"}


# --- reading ------------------------------------------------------------------------------
def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_clean_and_blank():
    assert reading.clean(" \ufeff a b \ufeff ") == "a b"
    assert reading.blank(["", " ", "\ufeff"]) is True
    assert reading.blank(["", "x"]) is False


def test_decode():
    assert decode("f.csv", codecs.BOM_UTF8 + b"a,b\n") == ("a,b\n", [])
    text, found = decode("f.csv", codecs.BOM_UTF16_LE + "a".encode("utf-16-le"))
    assert text is None
    assert (found[0].key, found[0].row) == ("utf16", 1)
    assert decode("f.csv", codecs.BOM_UTF16_BE + b"\x00a")[1][0].key == "utf16"
    text, found = decode("f.csv", b"code,name\nV1,ok\nV2,Caf\xe9\n")
    assert text is None
    assert [(p.key, p.row, p.column, dict(p.params)) for p in found] == [
        ("not_utf8", 3, "name", {"byte": "0xE9"})]
    _, found = decode("f.csv", b"code,name\nV1,ok,\xe9\n")
    assert (found[0].row, found[0].column) == (2, None)
    _, found = decode("f.csv", b"co\xe9de,name\n")
    assert (found[0].row, found[0].column) == (1, None)


def test_parse_and_open_quote():
    assert parse("f.csv", 'a,b\n1,"x,y"\n') == ([["a", "b"], ["1", "x,y"]], [])
    records, found = parse("f.csv", 'a,b,c\n1,2,3\n4,"oops,5\n')
    assert records is None
    assert [(p.key, p.row, p.column) for p in found] == [("bad_csv_row", 3, "b")]
    records, found = parse("f.csv", 'a,b\n1,"x"y\n')
    assert records is None
    assert [(p.key, p.row, p.column) for p in found] == [("bad_csv_row", 2, "b")]
    assert open_quote('1,"x"y') == 1
    assert open_quote('"a""b",c,"d') == 2
    assert open_quote('1,2,3\n') is None
    assert open_quote('1,"ok"\n4') is None
    assert open_quote('1,2') is None
    assert open_quote('') is None
    assert open_quote('"a"') is None
    assert open_quote('"",2') is None          # an empty quoted value
    assert open_quote('1,"a""",2') is None     # a doubled quote before the closing one
    assert open_quote('1,"a""') == 1           # ... and without the closing one


def write(tmp_path, text: str | bytes, name: str = "t.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_read_table(tmp_path):
    frame, found = read_table(write(tmp_path, "\n a ,b,\n\n1, 2 ,\n3,,\n"), ["a", "b"])
    assert found == []
    assert list(frame.columns) == ["a", "b"]
    assert list(frame.index) == [2, 3]  # blank line 3 skipped: rows 4 and 5
    assert frame.loc[2].tolist() == ["1", "2"]
    assert frame.at[3, "a"] == "3" and pd.isna(frame.at[3, "b"])
    frame, found = read_table(write(tmp_path, "a,a,b,,c\n1,2,3,,4\n5,6,7,8\n"), [])
    assert [(p.key, p.row, p.column, dict(p.params)) for p in found] == [
        ("repeated_column", 1, "a", {"letters": "A, B", "n": 2}),
        ("field_count", 3, None, {"expected": 5, "found": 4}),
        ("unnamed_column", 3, None, {"letter": "D"}),
    ]
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame.loc[0].tolist() == ["1", "3", "4"]
    _, found = read_table(write(tmp_path, "a,b\n1,2,3\n4,5, \n"), [])
    assert [(p.key, p.row, dict(p.params)) for p in found] == [
        ("field_count", 2, {"expected": 2, "found": 3})]


@pytest.mark.parametrize(("text", "key", "params"), [
    ("a;b\n1;2\n", "wrong_separator", {"separator": "';'"}),
    ("a\tb\n1\t2\n", "wrong_separator", {"separator": "tab"}),
    ("a|b\n1|2\n", "wrong_separator", {"separator": "'|'"}),
    ("\n \n,,\n", "empty_file", {}),
])
def test_read_table_refusals(tmp_path, text, key, params):
    frame, found = read_table(write(tmp_path, text), ["a", "b"])
    assert frame is None
    assert [(p.key, p.file, dict(p.params)) for p in found] == [(key, "t.csv", params)]
    assert found[0].row == 1


def test_read_table_other_separator_with_a_known_column_is_read(tmp_path):
    frame, found = read_table(write(tmp_path, "a,b;c\n1,2\n"), ["a", "b"])
    assert found == [] and list(frame.columns) == ["a", "b;c"]


def test_read_table_folder_and_bad_bytes(tmp_path):
    (tmp_path / "d.csv").mkdir()
    assert [(p.key, p.file) for p in read_table(tmp_path / "d.csv", [])[1]] == [
        ("not_a_file", "d.csv")]
    frame, found = read_table(write(tmp_path, b"a\n\xff\n"), [])
    assert frame is None and found[0].key == "not_utf8"
    frame, found = read_table(write(tmp_path, 'a\n"x\n'), [])
    assert frame is None and found[0].key == "bad_csv_row"


# --- limits ---------------------------------------------------------------------------------
def test_limit_checks():
    assert {name for name in dir(limits) if name.startswith("check_")} >= {
        "check_columns", "check_indicators", "check_facts", "check_area",
        "check_program_cost"}

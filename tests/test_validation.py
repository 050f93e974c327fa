"""Malformed data sets: every problem is found at once and named in planner's words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planning.apps.cli import app
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


def on_line(file: str, row: int, old: bytes, new: bytes):
    """Replace the first ``old`` of one physical line (the shipped files have one record
    per line, so line = spreadsheet row) by ``new``, byte for byte."""
    def mutate(folder: Path) -> None:
        path = folder / file
        lines = path.read_bytes().split(b"\n")
        assert old in lines[row - 1], (file, row, old)
        lines[row - 1] = lines[row - 1].replace(old, new, 1)
        path.write_bytes(b"\n".join(lines))
    return mutate


def latin1_cell(file: str, row: int, column: str):
    """Put an 'é' saved as Windows-1252/Latin-1 (byte 0xE9) into one cell."""
    def mutate(folder: Path) -> None:
        frame = read(folder, file)
        frame.loc[row - 2, column] = f"{frame.loc[row - 2, column]}é"
        write(folder, file, frame)
        path = folder / file
        path.write_bytes(path.read_bytes().replace("é".encode(), b"\xe9"))
    return mutate


def open_quote(file: str, row: int, column: str):
    """Start one cell with a double quote that is never closed."""
    return set_raw(file, row, column, lambda value: f'"{value}')


def set_raw(file: str, row: int, column: str, change):
    """Rewrite one cell's text exactly as given (no CSV quoting of the new text)."""
    def mutate(folder: Path) -> None:
        path = folder / file
        lines = path.read_text(encoding="utf-8").split("\n")
        header = lines[0].split(",")
        cells = lines[row - 1].split(",")
        assert len(cells) == len(header), (file, row, "row holds quoted commas")
        position = header.index(column)
        cells[position] = change(cells[position])
        lines[row - 1] = ",".join(cells)
        path.write_text("\n".join(lines), encoding="utf-8")
    return mutate


def with_separator(file: str, separator: str, bom: bool = False):
    """Save the file with another column separator (Excel in an Indonesian locale)."""
    def mutate(folder: Path) -> None:
        read(folder, file).to_csv(folder / file, index=False, sep=separator,
                                  encoding="utf-8-sig" if bom else "utf-8")
    return mutate


def utf16(file: str):
    """Save the file as UTF-16 with a byte-order mark (Excel's 'Unicode Text')."""
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return mutate


def folder_instead(file: str):
    def mutate(folder: Path) -> None:
        (folder / file).unlink()
        (folder / file).mkdir()
        (folder / file / "inside.csv").write_text("code\n", encoding="utf-8")
    return mutate


def write_bytes(file: str, data: bytes):
    def mutate(folder: Path) -> None:
        (folder / file).write_bytes(data)
    return mutate


def header_only(file: str):
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n",
                        encoding="utf-8")
    return mutate


def add_column(file: str, name: str, row: int, value: str):
    """A new column ``name`` (blank but for one row); a blank name leaves it unnamed."""
    def mutate(folder: Path) -> None:
        path = folder / file
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        lines = [f"{text}," + (name if i == 0 else value if i == row - 1 else "")
                 for i, text in enumerate(lines)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return mutate


# (case id, mutation, file, message key, spreadsheet row or None, column or None)
CASES = [
    ("missing file", remove_file("programs.csv"), "programs.csv", "missing_file", None, None),
    ("unreadable file", garble("agencies.csv"), "agencies.csv", "utf16", 1, None),
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
     "not_positive", 4, "unit_cost"),
    ("free unit", set_cell("programs.csv", 4, "unit_cost", "0"), "programs.csv",
     "not_positive", 4, "unit_cost"),
    ("missing unit limit", drop_column("programs.csv", "max_units"), "programs.csv",
     "missing_column", None, "max_units"),
    ("renamed unit minimum", rename_column("programs.csv", "min_units", "min_unit"),
     "programs.csv", "missing_column", None, "min_units"),
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
    done = subprocess.run([sys.executable, "-m", "planning.apps.cli", "validate", str(data_copy)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert "lembaga 'PUTRX' tidak ada di agencies.csv" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_missing_folder_and_bad_language():
    result = CliRunner().invoke(app, ["validate", "no/such/folder"])
    assert result.exit_code == 1 and "tidak ditemukan" in result.output
    result = CliRunner().invoke(app, ["validate", str(DATA), "--lang", "fr"])
    assert result.exit_code == 2 and "use one of: id, en" in result.output


# --- the checks of malformed files, implausible values and reference files ---------------

# (case id, mutation, file, key, row, column, words in Bahasa Indonesia, words in English)
NEW_CHECKS = [
    ("latin-1 byte", latin1_cell("villages.csv", 5, "name"), "villages.csv", "not_utf8", 5,
     "name", "byte 0xE9 bukan UTF-8", "byte 0xE9 is not UTF-8"),
    ("latin-1 byte in a reference file", latin1_cell("focus_villages_2020.csv", 4, "evidence"),
     "focus_villages_2020.csv", "not_utf8", 4, "evidence", "CSV UTF-8", "UTF-8 CSV"),
    ("quote never closed", open_quote("villages.csv", 6, "kecamatan"), "villages.csv",
     "bad_csv_row", 6, "kecamatan", "tanda kutip", "never closed"),
    ("quote never closed in a reference file", open_quote("calibration.csv", 3, "kecamatan"),
     "calibration.csv", "bad_csv_row", 3, "kecamatan", "tanda kutip", "never closed"),
    ("UTF-16 file", utf16("groups.csv"), "groups.csv", "utf16", 1, None, "UTF-16",
     "UTF-16"),
    ("semicolon separator", with_separator("villages.csv", ";"), "villages.csv",
     "wrong_separator", 1, None, "memakai ';' sebagai pemisah kolom",
     "uses ';' as the column separator"),
    ("tab separator", with_separator("district_facts.csv", "\t"), "district_facts.csv",
     "wrong_separator", 1, None, "memakai tab", "uses tab"),
    ("repeated column", rename_column("villages.csv", "name_variants", "lat"), "villages.csv",
     "repeated_column", 1, "lat", "muncul 2 kali di baris judul (kolom G, K)",
     "appears 2 times in the header row (columns G, K)"),
    ("unnamed column with values", add_column("agencies.csv", "", 4, "1200"), "agencies.csv",
     "unnamed_column", 4, None, "kolom I berisi nilai", "column I holds values"),
    ("row with a value too many", on_line("programs.csv", 5, b",", b",,"), "programs.csv",
     "field_count", 5, None, "berisi 22 nilai, padahal baris judul punya 21 kolom",
     "has 22 values but the header row has 21 columns"),
    ("data file is a folder", folder_instead("villages.csv"), "villages.csv", "not_a_file",
     None, None, "adalah folder, bukan berkas", "is a folder, not a file"),
    ("empty file", write_bytes("kecamatan.csv", b""), "kecamatan.csv", "empty_file", 1, None,
     "tidak ada baris judul", "has no header row"),
    ("pagu 1e309", set_cell("agencies.csv", 3, "pagu", "1e309"), "agencies.csv", "not_finite",
     3, "pagu", "'1e309' bukan angka yang terhingga", "'1e309' is not a finite number"),
    ("nan in an optional column", set_cell("programs.csv", 8, "min_potential", "nan"),
     "programs.csv", "not_finite", 8, "min_potential", "terhingga", "finite"),
    ("infinite latitude", set_cell("villages.csv", 4, "lat", "-inf"), "villages.csv",
     "not_finite", 4, "lat", "terhingga", "finite"),
    ("pagu in Rupiah", set_cell("agencies.csv", 2, "pagu", "1500000000"), "agencies.csv",
     "above_limit", 2, "pagu", "batas wajar 10.000.000 juta Rp",
     "plausible limit of 10,000,000 juta Rp"),
    ("unit cost in Rupiah", set_cell("programs.csv", 3, "unit_cost", "10000000.5"),
     "programs.csv", "above_limit", 3, "unit_cost",
     "lebih dari seluruh APBD setahun sebuah kabupaten; uang ditulis dalam juta Rp (1500 = "
     "Rp 1,5 miliar)",
     "more than a kabupaten's whole yearly budget (APBD); money is written in juta Rp "
     "(1500 = Rp 1.5 billion)"),
    ("absurd population", set_cell("indicators.csv", 3, "population", "1e300"),
     "indicators.csv", "above_limit", 3, "population", "batas wajar 1.000.000",
     "plausible limit of 1,000,000"),
    ("absurd reach per unit", set_cell("programs.csv", 6, "beneficiaries_per_unit", "2e6"),
     "programs.csv", "above_limit", 6, "beneficiaries_per_unit",
     "lebih banyak dari yang ada di desa mana pun; tulis angka satu desa, bukan kecamatan "
     "atau kabupaten",
     "more than any village has; write the figure of one village, not of a kecamatan or "
     "the district"),
    ("absurd programme depth", set_cell("programs.csv", 3, "depth", "50"), "programs.csv",
     "above_limit", 3, "depth",
     "kedalaman program adalah nilai per penerima relatif terhadap program acuan (1); "
     "lebih dari 10 kali tidak masuk akal",
     "a programme's depth is its value per beneficiary relative to the reference "
     "programme (1); more than 10 times is not plausible"),
    ("programme depth zero", set_cell("programs.csv", 4, "depth", "0"), "programs.csv",
     "not_positive", 4, "depth", "nilai 0 harus lebih besar dari nol",
     "value 0 must be greater than zero"),
    ("programme duration zero", set_cell("programs.csv", 4, "duration", "0"), "programs.csv",
     "bad_duration", 4, "duration",
     "durasi '0' tidak dapat dipakai: durasi adalah jumlah tahun anggaran satu pekerjaan, "
     "bilangan bulat 1 atau lebih (kosong: 1)",
     "duration '0' cannot be used: the duration is the number of budget years one work "
     "takes, a whole number of 1 or more (blank: 1)"),
    ("programme duration a fraction", set_cell("programs.csv", 5, "duration", "1.5"),
     "programs.csv", "bad_duration", 5, "duration", "durasi '1.5' tidak dapat dipakai",
     "duration '1.5' cannot be used"),
    ("absurd programme duration", set_cell("programs.csv", 3, "duration", "50"),
     "programs.csv", "above_limit", 3, "duration",
     "durasi adalah jumlah tahun anggaran satu pekerjaan; rencana tahunan jamak paling "
     "panjang 10 tahun",
     "the duration is the budget years one work takes; a multi-year plan spans at most 10 "
     "years"),
    ("absurd unit bound", set_cell("programs.csv", 2, "max_units", "1e300"), "programs.csv",
     "above_limit", 2, "max_units", "batas wajar 100.000", "plausible limit of 100,000"),
    ("absurd village area", set_cell("villages.csv", 2, "area_km2", "1000000"),
     "villages.csv", "above_limit", 2, "area_km2",
     "50.000 km²: lebih luas dari kabupaten terbesar di Indonesia (Merauke, sekitar "
     "46.800 km²)",
     "50,000 km²: larger than the largest kabupaten of Indonesia (Merauke, about "
     "46,800 km²)"),
    ("absurd distance", set_cell("indicators.csv", 2, "market_distance_km", "5000"),
     "indicators.csv", "above_limit", 2, "market_distance_km",
     "1.000 km: lebih jauh dari jarak dua tempat mana pun di satu kabupaten",
     "1,000 km: farther than any two places of one district"),
    ("percentage above 100 in the facts", set_cell("district_facts.csv", 18, "value", "3765"),
     "district_facts.csv", "above_limit", 18, "value", "persentase paling besar 100",
     "a percentage is at most 100"),
    ("absurd kecamatan population", set_cell("kecamatan.csv", 2, "population_dukcapil_2025s1",
                                             "1e12"),
     "kecamatan.csv", "above_limit", 2, "population_dukcapil_2025s1",
     "lebih banyak dari seluruh penduduk Indonesia",
     "more people than live in Indonesia"),
    ("households above population", set_cell("indicators.csv", 3, "households", "8000"),
     "indicators.csv", "count_exceeds_base", 3, "households",
     "households (8000) melebihi population (7060)",
     "households (8000) exceeds population (7060)"),
    ("fishing households above households", set_cell("indicators.csv", 2,
                                                     "fishing_households", "5100"),
     "indicators.csv", "count_exceeds_base", 2, "fishing_households",
     "melebihi households (2407)", "exceeds households (2407)"),
    ("calibration poor above population", set_cell("calibration.csv", 3, "poor_people_target",
                                                   "94930"),
     "calibration.csv", "count_exceeds_base", 3, "poor_people_target",
     "melebihi population_target", "exceeds population_target"),
    ("synergy bonus above 100 %", set_cell("rules.csv", 5, "bonus", "1.5"), "rules.csv",
     "out_of_range", 5, "bonus", "rentang 0 sampai 1", "range 0 to 1"),
    ("poverty rate above 100 %", set_cell("poverty_series.csv", 2, "pct_poor", "150"),
     "poverty_series.csv", "out_of_range", 2, "pct_poor", "rentang 0 sampai 100",
     "range 0 to 100"),
    ("year out of range", set_cell("poverty_series.csv", 5, "year", "20199"),
     "poverty_series.csv", "out_of_range", 5, "year", "1900 sampai 2100", "1900 to 2100"),
    ("reference value not a number", set_cell("poverty_series.csv", 3, "n_poor", "banyak"),
     "poverty_series.csv", "not_a_number", 3, "n_poor", "bukan angka", "not a number"),
    ("reference column missing", drop_column("district_facts.csv", "value"),
     "district_facts.csv", "missing_column", None, "value", "kolom wajib tidak ada",
     "required column is missing"),
    ("2020 village code unknown", set_cell("focus_villages_2020.csv", 2, "code",
                                           "51.08.04.2099"),
     "focus_villages_2020.csv", "unknown_village", 2, "code", "tidak ada di villages.csv",
     "is not in villages.csv"),
    ("2020 village code malformed", set_cell("focus_villages_2020.csv", 3, "code",
                                             "51.8.4.2009"),
     "focus_villages_2020.csv", "bad_format", 3, "code", "51.08.01.2001", "51.08.01.2001"),
    ("2020 village listed twice", copy_row("focus_villages_2020.csv", 2),
     "focus_villages_2020.csv", "duplicate", 2, "code", "lebih dari sekali",
     "more than once"),
    ("2020 kecamatan unknown", set_cell("focus_villages_2020.csv", 2, "kecamatan", "Banjr"),
     "focus_villages_2020.csv", "unknown_kecamatan_name", 2, "kecamatan",
     "bukan nama di kecamatan.csv", "not a name in kecamatan.csv"),
    ("calibration kecamatan unknown", set_cell("calibration.csv", 3, "kecamatan_code",
                                               "51.08.12"),
     "calibration.csv", "unknown_kecamatan", 3, "kecamatan_code", "51.08, 51.08.01",
     "51.08, 51.08.01"),
    ("farm land above the village area", set_cell("indicators.csv", 2, "rice_irrigated_ha",
                                                  "20000"),
     "indicators.csv", "area_exceeds_village", 2, "rice_irrigated_ha", "11265 ha",
     "11265 ha"),
    ("programme dearer than its pagu", set_cell("programs.csv", 4, "unit_cost", "4000"),
     "programs.csv", "program_above_pagu", 4, "unit_cost", "pagu PUTR (Rp 2400 juta)",
     "pagu of PUTR (Rp 2400 juta)"),
]


def both(*mutations):
    """Several mutations, one after the other."""
    def mutate(folder: Path) -> None:
        for change in mutations:
            change(folder)
    return mutate


def add_agency(code: str):
    """One more agency (a copy of the first with another code and a pagu of 0)."""
    def mutate(folder: Path) -> None:
        frame = read(folder, "agencies.csv")
        extra = frame.iloc[[0]].assign(code=code, short_name=code.title(), pagu="0")
        write(folder, "agencies.csv", pd.concat([frame, extra], ignore_index=True))
    return mutate


# issue 11: every other problem the data validation can report, in the same form
MORE_CHECKS = [
    # files and tables
    ("required file missing", remove_file("programs.csv"), "programs.csv", "missing_file",
     None, None, "Tambahkan programs.csv ke folder data", "Add programs.csv to the data folder"),
    ("table with a header only", header_only("villages.csv"), "villages.csv", "empty_table",
     None, None, "tabel kosong. Isi paling sedikit satu baris data",
     "the table is empty. Add at least one data row"),
    ("programme catalogue empty", header_only("programs.csv"), "programs.csv",
     "empty_catalogue", None, None, "Tambahkan program ke programs.csv",
     "Add programmes to programs.csv"),
    # one table at a time
    ("fractional unit bound", set_cell("programs.csv", 2, "max_units", "2.5"), "programs.csv",
     "not_an_integer", 2, "max_units", "'2.5' bukan bilangan bulat. Tulis bilangan bulat",
     "'2.5' is not a whole number. Write a whole number"),
    ("empty required value", set_cell("programs.csv", 3, "name_id", ""), "programs.csv",
     "empty_value", 3, "name_id", "nilai kosong. Isi nilai ini",
     "value is empty. Fill in this value"),
    ("value not allowed", set_cell("villages.csv", 2, "type", "kota"), "villages.csv",
     "not_allowed", 2, "type", "'kota' tidak dikenal. Gunakan salah satu: desa, kelurahan",
     "'kota' is not recognised. Use one of: desa, kelurahan"),
    ("negative pagu", set_cell("agencies.csv", 2, "pagu", "-1500"), "agencies.csv",
     "negative", 2, "pagu", "-1500 negatif. Gunakan angka nol atau lebih",
     "-1500 is negative. Use zero or more"),
    ("zero beneficiaries", set_cell("programs.csv", 4, "beneficiaries_per_unit", "0"),
     "programs.csv", "not_positive", 4, "beneficiaries_per_unit",
     "nilai 0 harus lebih besar dari nol. Gunakan angka di atas nol",
     "value 0 must be greater than zero. Use a number above zero"),
    # across tables
    ("kecamatan counts disagree", set_cell("kecamatan.csv", 2, "n_desa", "15"),
     "kecamatan.csv", "count_mismatch", 2, "n_desa",
     "mencatat 15 desa, tetapi villages.csv berisi 14. Samakan kedua berkas",
     "records 15 desa, but villages.csv has 14. Make the two files agree"),
    ("village code of another kecamatan", set_cell("villages.csv", 2, "code", "51.08.02.2999"),
     "villages.csv", "code_kecamatan_mismatch", 2, "code",
     "'51.08.02.2999' tidak diawali kode kecamatannya '51.08.01'. Periksa kode Kemendagri",
     "'51.08.02.2999' does not start with its kecamatan code '51.08.01'. Check the "
     "village's Kemendagri code"),
    ("village without indicators", delete_row("indicators.csv", 10), "indicators.csv",
     "missing_village_row", None, "code",
     "desa '51.08.01.2009' (Gerokgak) tidak punya baris indikator. Tambahkan satu baris",
     "village '51.08.01.2009' (Gerokgak) has no indicator row. Add one row"),
    ("undocumented indicator", delete_row("indicator_metadata.csv", 7),
     "indicator_metadata.csv", "missing_metadata", None, "indicator",
     "'hh_rtlh' tidak dijelaskan di indicator_metadata.csv. Tambahkan baris",
     "'hh_rtlh' is not described in indicator_metadata.csv. Add a row"),
    ("metadata of a column that is gone", drop_column("indicators.csv", "coffee_ha"),
     "indicator_metadata.csv", "metadata_without_column", 16, "indicator",
     "'coffee_ha' dijelaskan, tetapi tidak ada sebagai kolom di indicators.csv. Tambahkan "
     "kolomnya atau hapus baris ini",
     "'coffee_ha' is described, but is not a column of indicators.csv. Add the column or "
     "delete this row"),
    ("deprivation without a group", set_cell("indicator_metadata.csv", 7, "group", ""),
     "indicator_metadata.csv", "missing_group", 7, "group",
     "jenis 'deprivation' harus punya kelompok. Isi kolom group",
     "kind 'deprivation' needs a group. Fill in the group column"),
    ("deprivation of an unknown group", set_cell("indicator_metadata.csv", 7, "group",
                                                 "housingx"),
     "indicator_metadata.csv", "unknown_group", 7, "group",
     "'housingx' tidak ada di groups.csv sebagai dimension. Gunakan salah satu: employment",
     "'housingx' is not a dimension in groups.csv. Use one of: employment"),
    ("unknown denominator", set_cell("indicator_metadata.csv", 7, "denominator",
                                     "householdz"),
     "indicator_metadata.csv", "unknown_denominator", 7, "denominator",
     "'householdz' bukan kolom indicators.csv maupun area_km2. Gunakan salah satu: area_km2",
     "'householdz' is neither a column of indicators.csv nor area_km2. Use one of: area_km2"),
    ("dimension without a count", set_cell("groups.csv", 2, "count_indicator", ""),
     "groups.csv", "missing_count_indicator", 2, "count_indicator",
     "dimensi 'housing' tidak punya indikator hitungan (count_indicator). Isi dengan kolom",
     "dimension 'housing' has no count indicator. Fill in the indicators.csv column"),
    ("dimension counted by an unknown indicator", set_cell("groups.csv", 2,
                                                           "count_indicator", "rtlh"),
     "groups.csv", "unknown_indicator", 2, "count_indicator",
     "'rtlh' tidak ada di indicators.csv. Gunakan salah satu kolomnya: cattle_head",
     "'rtlh' is not in indicators.csv. Use one of its columns: cattle_head"),
    ("need indicator unknown", set_cell("programs.csv", 6, "need_indicator", "hh_rtl"),
     "programs.csv", "unknown_indicator", 6, "need_indicator",
     "'hh_rtl' tidak ada di indicators.csv. Gunakan salah satu kolomnya",
     "'hh_rtl' is not in indicators.csv. Use one of its columns"),
    ("programme of an unknown agency", set_cell("programs.csv", 5, "agency", "PUTRX"),
     "programs.csv", "unknown_agency", 5, "agency",
     "lembaga 'PUTRX' tidak ada di agencies.csv. Gunakan kode dari agencies.csv (CSR",
     "agency 'PUTRX' is not in agencies.csv. Use a code from agencies.csv (CSR"),
    ("programme of an unknown dimension", set_cell("programs.csv", 6, "dimension",
                                                   "housing-water"),
     "programs.csv", "unknown_dimension", 6, "dimension",
     "dimensi 'housing-water' tidak ada di groups.csv. Gunakan salah satu: employment",
     "dimension 'housing-water' is not in groups.csv. Use one of: employment"),
    ("programme of an unknown sector", set_cell("programs.csv", 8, "sector", "mining"),
     "programs.csv", "unknown_sector", 8, "sector",
     "sektor 'mining' tidak ada di groups.csv. Gunakan salah satu: agriculture",
     "sector 'mining' is not in groups.csv. Use one of: agriculture"),
    ("unit bounds inverted", set_cell("programs.csv", 2, "min_units", "30"), "programs.csv",
     "bounds_inverted", 2, "min_units",
     "min_units (30) lebih besar dari max_units (25). Tukar atau perbaiki batasnya",
     "min_units (30) is larger than max_units (25). Swap or correct the bounds"),
    ("minimum potential without a sector", set_cell("programs.csv", 8, "sector", ""),
     "programs.csv", "potential_without_sector", 8, "min_potential",
     "min_potential diisi tetapi sektor kosong. Isi sektor atau kosongkan min_potential",
     "min_potential is set but the sector is empty. Set a sector or clear min_potential"),
    ("agency without programmes", add_agency("BAPPEDA"), "agencies.csv",
     "agency_without_programs", 13, "code",
     "lembaga 'BAPPEDA' punya pagu tetapi tidak punya program; pagunya tidak akan terpakai",
     "agency 'BAPPEDA' has a budget but no programmes; its budget will stay unused"),
    ("rule with an unknown programme", set_cell("rules.csv", 2, "program_b", "NOPE"),
     "rules.csv", "unknown_program", 2, "program_b",
     "program 'NOPE' tidak ada di programs.csv. Gunakan kode dari programs.csv",
     "programme 'NOPE' is not in programs.csv. Use a code from programs.csv"),
    ("rule with itself", set_cell("rules.csv", 3, "program_b", "PUTR-SANIMAS"), "rules.csv",
     "self_rule", 3, "program_b",
     "'PUTR-SANIMAS' dengan dirinya sendiri. Pilih dua program yang berbeda",
     "'PUTR-SANIMAS' with itself. Choose two different programmes"),
    ("synergy without a bonus", set_cell("rules.csv", 5, "bonus", ""), "rules.csv",
     "synergy_without_bonus", 5, "bonus",
     "aturan synergy butuh bonus (contoh 0.10 = 10 %). Isi kolom bonus",
     "a synergy rule needs a bonus (for example 0.10 = 10 %). Fill in the bonus column"),
    # the plausibility limits not named above (each limit's reason is its own message)
    ("more hamlets than Indonesia has villages", set_cell("kecamatan.csv", 2, "n_dusun_2016",
                                                          "200000"),
     "kecamatan.csv", "above_limit", 2, "n_dusun_2016",
     "batas wajar 100.000: lebih banyak dari seluruh desa dan kelurahan Indonesia (sekitar "
     "84.000)",
     "plausible limit of 100,000: more than all the desa and kelurahan of Indonesia (about "
     "84,000)"),
    ("indicator of another unit above any plausible value",
     both(set_cell("indicator_metadata.csv", 20, "unit", "score"),
          set_cell("indicators.csv", 2, "tourism_attractions", "2e9")),
     "indicators.csv", "above_limit", 2, "tourism_attractions",
     "batas wajar 1.000.000.000: tidak masuk akal untuk angka satu desa. Periksa angka",
     "plausible limit of 1,000,000,000: not a plausible figure for one village. Check the "
     "number"),
    ("more units than one village could use", set_cell("programs.csv", 2, "max_units",
                                                       "1e300"),
     "programs.csv", "above_limit", 2, "max_units",
     "lebih banyak unit satu program daripada yang mungkin dipakai di satu desa",
     "more units of one programme than one village could use"),
]
#: every case of the table below: each key the data validation can report (the guard in
#: test_messages_covered.py checks that none is missing)
CHECKS = NEW_CHECKS + MORE_CHECKS
WHERE = {"id": ("baris", "kolom"), "en": ("row", "column")}


@pytest.mark.parametrize(("mutate", "file", "key", "row", "column", "words_id", "words_en"),
                         [c[1:] for c in CHECKS], ids=[c[0] for c in CHECKS])
def test_each_new_check_names_file_row_and_column_in_both_languages(
        data_copy, mutate, file, key, row, column, words_id, words_en):
    """The message names the file, then the row and the column where there is one (and
    none where there is none), then what is wrong and what to do, in both languages."""
    mutate(data_copy)
    report, _ = validate_dataset(data_copy)
    matches = [p for p in report.problems if (p.file, p.key, p.row, p.column) == (
        file, key, row, column)]
    assert len(matches) == 1, "\n".join(report.lines("en", limit=None))
    found = matches[0]
    for lang, words in (("id", words_id), ("en", words_en)):
        message = found.message(lang)
        row_word, column_word = WHERE[lang]
        where = [file] + ([f"{row_word} {row}"] if row is not None else []) + (
            [f"{column_word} '{column}'"] if column is not None else [])
        assert message.split("] ", 1)[1].startswith(", ".join(where) + ": "), message
        assert words in message, message
    if found.severity == "error":
        with pytest.raises(DataError):
            load_dataset(data_copy)
    else:
        assert report.ok and load_dataset(data_copy).warnings


def test_missing_folder_is_named_in_both_languages(tmp_path):
    folder = tmp_path / "no_such_data"
    report, _ = validate_dataset(folder)
    [found] = report.errors
    assert (found.file, found.key, found.row, found.column) == (
        str(folder), "missing_folder", None, None)
    assert found.message("id") == (
        f"[GALAT] {folder}: folder data tidak ditemukan. Periksa jalurnya (contoh: "
        "data/buleleng).")
    assert found.message("en") == (
        f"[ERROR] {folder}: data folder not found. Check the path (for example: "
        "data/buleleng).")


def test_unreadable_file_is_named_in_both_languages(data_copy, monkeypatch):
    """A file the system refuses to read (here: permission denied, simulated because the
    tests may run as root) is named, with the system's reason; nothing raises."""
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "agencies.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report, _ = validate_dataset(data_copy)
    [found] = [p for p in report.errors if p.file == "agencies.csv"]
    assert (found.key, found.row, found.column) == ("unreadable", None, None)
    assert found.message("id") == (
        "[GALAT] agencies.csv: berkas tidak dapat dibaca (Permission denied). Periksa izin "
        "berkas, tutup program lain yang memakainya, atau salin ulang berkasnya.")
    assert found.message("en") == (
        "[ERROR] agencies.csv: the file cannot be read (Permission denied). Check the file's "
        "permissions, close other programs using it, or copy the file again.")
    with pytest.raises(DataError):
        load_dataset(data_copy)


#: keys tested by a test of their own rather than by the table above (key -> test)
DEDICATED = {
    "missing_folder": "test_missing_folder_is_named_in_both_languages",
    "unreadable": "test_unreadable_file_is_named_in_both_languages",
}


def test_new_messages_in_both_languages(data_copy):
    latin1_cell("villages.csv", 5, "name")(data_copy)
    set_cell("agencies.csv", 2, "pagu", "1500000000")(data_copy)
    report, _ = validate_dataset(data_copy)
    assert [p.message("id") for p in report.errors] == [
        "[GALAT] agencies.csv, baris 2, kolom 'pagu': nilai 1500000000 melampaui batas wajar "
        "10.000.000 juta Rp: lebih dari seluruh APBD setahun sebuah kabupaten; uang ditulis "
        "dalam juta Rp (1500 = Rp 1,5 miliar). Periksa angka dan satuannya (batas-batas: "
        "data/README.md).",
        "[GALAT] villages.csv, baris 5, kolom 'name': byte 0xE9 bukan UTF-8: berkas disimpan "
        "sebagai ANSI/Windows-1252 (misalnya huruf 'é' atau tanda kutip miring). Simpan ulang "
        "sebagai CSV UTF-8: di Excel Simpan Sebagai -> 'CSV UTF-8 (Comma delimited)'; di "
        "LibreOffice Simpan Sebagai -> Teks CSV dengan set karakter 'Unicode (UTF-8)'."]
    assert report.errors[0].message("en") == (
        "[ERROR] agencies.csv, row 2, column 'pagu': value 1500000000 is above the plausible "
        "limit of 10,000,000 juta Rp: more than a kabupaten's whole yearly budget (APBD); "
        "money is written in juta Rp (1500 = Rp 1.5 billion). Check the number and its unit "
        "(the limits: data/README.md).")


def test_a_non_finite_value_is_reported_once(data_copy):
    set_cell("programs.csv", 2, "max_units", "inf")(data_copy)
    set_cell("kecamatan.csv", 3, "n_desa", "1e309")(data_copy)
    report, _ = validate_dataset(data_copy)
    assert [(p.file, p.key, p.row, p.column) for p in report.errors] == [
        ("kecamatan.csv", "not_finite", 3, "n_desa"),
        ("programs.csv", "not_finite", 2, "max_units")]


def test_semicolons_saved_by_excel_with_a_byte_order_mark(data_copy):
    with_separator("programs.csv", ";", bom=True)(data_copy)
    report, _ = validate_dataset(data_copy)
    assert [(p.file, p.key) for p in report.errors] == [("programs.csv", "wrong_separator")]


def test_byte_order_mark_line_ends_and_blank_rows_are_accepted(data_copy):
    path = data_copy / "villages.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(3, ",,,,,,,,,,")  # a blank spreadsheet row 4
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    report, _ = validate_dataset(data_copy)
    assert report.ok, "\n".join(report.lines("en"))
    edit_text = path.read_bytes().replace(b",112.65,", b",-1,")  # still row 2
    path.write_bytes(edit_text.replace(b"51.08.01.2004,", b"51.8.01.2004,"))  # row 5 + 1
    report, _ = validate_dataset(data_copy)
    assert {(p.row, p.column) for p in report.errors} >= {(2, "area_km2"), (6, "code")}


def test_reference_files_are_kept_as_text(ds):
    assert sorted(ds.reference) == sorted(["focus_villages_2020.csv", "district_facts.csv",
                                          "poverty_series.csv", "calibration.csv"])
    for name, frame in ds.reference.items():
        expected = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(frame, expected.apply(lambda s: s.str.strip()),
                                      check_dtype=False)


def test_reference_files_stay_optional(data_copy):
    for name in ("focus_villages_2020.csv", "district_facts.csv", "poverty_series.csv",
                 "calibration.csv"):
        (data_copy / name).unlink()
    header_only("rules.csv")(data_copy)
    assert load_dataset(data_copy).reference == {}


def test_shipped_data_has_no_problem_at_all():
    report, _ = validate_dataset(DATA)
    assert report.problems == []


def test_long_reports_print_the_first_forty_and_count_the_rest():
    from planning.data import Report
    from planning.data.problems import problem

    report = Report()
    report.extend(problem("indicators.csv", "negative", row, "households", value=-1)
                  for row in range(2, 50_002))
    for lang, more in (("id", "... dan 49960 masalah lain"),
                       ("en", "... and 49960 more problems")):
        lines = report.lines(lang)
        assert len(lines) == 41 and lines[-1].startswith(more)
        assert len(report.lines(lang, limit=None)) == 50_000
        rendered = DataError("data/x", report).render(lang).splitlines()
        assert len(rendered) == 42 and rendered[-2].startswith(more)


def many_unknown_villages(folder: Path, n: int = 50_000) -> None:
    """indicators.csv with ``n`` more rows, each of a village that does not exist."""
    frame = read(folder, "indicators.csv")
    extra = frame.iloc[[0] * n].assign(code=[f"51.08.{k // 9000 + 1:02d}.{k % 9000 + 1000:04d}"
                                             for k in range(n)])
    write(folder, "indicators.csv", pd.concat([frame, extra], ignore_index=True))


def test_fifty_thousand_problems_print_forty_lines(data_copy, tmp_path):
    many_unknown_villages(data_copy)
    out = tmp_path / "results"
    for args in (["validate", str(data_copy), "--lang", "en"],
                 ["run", str(ROOT / "scenarios" / "baseline.yaml"), "--data", str(data_copy),
                  "--out", str(out), "--lang", "en"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert sum(line.startswith("[ERROR]") for line in lines) == 40, args
        assert any(line.startswith("... and 500") and "more problems" in line
                   for line in lines), result.output
        assert len(lines) < 50
    assert not out.exists()

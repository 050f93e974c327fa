"""Generated provinces and countries (issue 18): sizes, code shapes, same seed same bytes,
every district a valid data set, and the region checks naming district, file, row, column."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.data import DataError, load_dataset, validate_dataset
from planning.data.region import is_region, load_region, validate_region
from planning.data.synth_region import (
    MANIFEST,
    PROVINCE_CODES,
    GenerateError,
    NotGenerated,
    generate_country,
    generate_province,
)

from .conftest import DATA, read, write

VILLAGE = re.compile(r"^(\d{2}\.\d{2}\.\d{2})\.(\d{4})$")
SMALL = {"n_villages": 60, "n_districts": 3, "n_kota": 1}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return generate_province(tmp_path_factory.mktemp("small") / "region", seed=5, **SMALL)


@pytest.fixture(scope="module")
def bali(tmp_path_factory) -> Path:
    return generate_province(tmp_path_factory.mktemp("bali") / "region")


@pytest.fixture
def small_copy(small, tmp_path) -> Path:
    target = tmp_path / "region"
    shutil.copytree(small, target)
    return target


def villages_of(region: Path) -> pd.DataFrame:
    """Every district's villages.csv, with the district code and its type."""
    index = read(region, "districts.csv")
    frames = [read(region / row.folder, "villages.csv").assign(district=row.code,
                                                                 district_type=row.type)
              for row in index.itertuples()]
    return pd.concat(frames, ignore_index=True)


def index_folder(region: Path) -> str:
    """The folder of the region's first district."""
    return read(region, "districts.csv")["folder"].iloc[0]


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_bali_like_province_has_the_stated_sizes_and_code_shapes(bali):
    meta = read(bali, "region.csv").iloc[0]
    assert (meta["code"], meta["level"], meta["status"]) == ("51", "province", "synthetic")
    index = read(bali, "districts.csv")
    assert index["code"].tolist() == [f"51.0{i}" for i in range(1, 9)] + ["51.71"]
    assert index["type"].tolist() == ["kabupaten"] * 8 + ["kota"]
    assert (index["province_code"] == "51").all()
    assert all("Sintetis" in name for name in index["name"])
    assert index["n_kecamatan"].astype(int).sum() == 57
    assert index["n_villages"].astype(int).sum() == 716
    vil = villages_of(bali)
    assert len(vil) == 716 and vil["code"].is_unique
    assert (vil["type"] == "kelurahan").sum() == 80 and (vil["type"] == "desa").sum() == 636
    parts = vil["code"].str.extract(VILLAGE)
    assert parts.notna().all().all()
    assert (parts[0] == vil["kecamatan_code"]).all()
    assert vil.apply(lambda r: r["code"].startswith(r["district"] + "."), axis=1).all()
    number = parts[1].astype(int)
    kel = vil["type"] == "kelurahan"
    assert number[kel].between(1001, 1999).all() and number[~kel].between(2001, 9999).all()
    # numbered from 1001 / 2001 without gaps within each kecamatan and type
    first = vil.assign(n=number).groupby(["kecamatan_code", "type"])["n"].agg(["min", "count",
                                                                               "max"])
    base = first.index.get_level_values("type").map({"kelurahan": 1001, "desa": 2001})
    assert (first["min"] == base).all() and (first["max"] - first["min"] + 1 ==
                                              first["count"]).all()
    # a kota is mostly kelurahan, a kabupaten mostly desa
    share = kel.groupby(vil["district_type"]).mean()
    assert share["kota"] > 0.5 > share["kabupaten"]
    assert vil["name"].str.contains("Sintetis").all()
    # recounted independently: n_villages, n_kecamatan and pagu of the index
    for row in index.itertuples():
        folder = bali / row.folder
        kec = read(folder, "kecamatan.csv")
        assert int(row.n_kecamatan) == len(kec)
        assert int(row.n_villages) == len(read(folder, "villages.csv"))
        assert int(row.pagu) == read(folder, "agencies.csv")["pagu"].astype(int).sum()
        assert kec["code"].str.fullmatch(rf"{re.escape(row.code)}\.\d{{2}}").all()
        assert "NOT A REAL DISTRICT" in (folder / "GENERATED.txt").read_text()
        assert not (folder / "focus_villages_2020.csv").exists()
    assert "NOT A REAL REGION" in (bali / "GENERATED.txt").read_text()


def test_every_table_says_it_is_synthetic(bali):
    folder = bali / "districts" / "51.01"
    assert (read(folder, "indicator_metadata.csv")["status"] == "synthetic").all()
    agencies = read(folder, "agencies.csv")
    assert (agencies["pagu_status"] == "synthetic").all()
    assert agencies["note"].str.contains("synthetic").all()


def test_every_district_validates_and_loads(bali):
    region = load_region(bali)
    assert region.meta["level"] == "province" and len(region.districts) == 9
    for code in region.codes:
        report, _ = validate_dataset(region.folder(code))
        assert report.ok, (code, report.lines("en"))
        ds = load_dataset(region.folder(code))
        assert ds.villages["code"].str.startswith(code + ".").all()
        # the pagu is never below the smallest run of a programme of the agency
        runs = ds.programs["fixed_cost"] + ds.programs["min_units"] * ds.programs["unit_cost"]
        dearest = runs.groupby(ds.programs["agency"]).max()
        pagu = ds.agencies.set_index("code")["pagu"]
        assert (pagu[dearest.index] >= dearest).all()
    result = validate_region(bali)
    assert result.ok and len(result.districts) == 9
    assert sum(d.villages for d in result.districts) == 716


def test_districts_differ_in_poverty(bali):
    rates = {}
    for row in read(bali, "districts.csv").itertuples():
        ind = read(bali / row.folder, "indicators.csv")
        rates[row.code] = ind["poor_people"].astype(float).sum() / ind["population"].astype(
            float).sum()
    assert max(rates.values()) > 1.3 * min(rates.values())


def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path):
    again = generate_province(tmp_path / "again", seed=5, **SMALL)
    assert files_of(again) == files_of(small)
    other = generate_province(tmp_path / "other", seed=6, **SMALL)
    first, second = files_of(small), files_of(other)
    assert first["districts/51.01/indicators.csv"] != second["districts/51.01/indicators.csv"]


def test_small_country_spans_the_real_province_codes(tmp_path):
    region = generate_country(tmp_path / "id", seed=3, n_villages=1_200)
    index = read(region, "districts.csv")
    assert read(region, "provinces.csv")["code"].tolist() == list(PROVINCE_CODES)
    assert set(index["province_code"]) == set(PROVINCE_CODES)
    assert index["code"].str.fullmatch(r"\d{2}\.\d{2}").all()
    numbers = index["code"].str[3:].astype(int)
    kota = index["type"] == "kota"
    assert numbers[kota].between(71, 99).all() and numbers[~kota].between(1, 69).all()
    assert index["n_villages"].astype(int).sum() == 1_200
    loaded = load_region(region)
    assert loaded.meta["code"] == "00" and loaded.meta["level"] == "country"
    for code in loaded.codes[:3]:
        load_dataset(loaded.folder(code))


def test_impossible_sizes_are_refused_in_both_languages(tmp_path):
    with pytest.raises(GenerateError) as caught:
        generate_province(tmp_path / "x", n_villages=2, n_districts=3)
    assert caught.value.key == "generate.bad_sizes"
    assert "3 kabupaten/kota" in caught.value.render("id")
    assert "3 districts" in caught.value.render("en")
    assert not (tmp_path / "x").exists()
    with pytest.raises(GenerateError) as caught:  # a country of fewer districts than provinces
        generate_country(tmp_path / "x", n_villages=1000, n_districts=2)
    assert caught.value.key == "generate.too_few_districts"
    assert "--districts 2: this region needs at least 38 districts" in caught.value.render("en")
    assert "--districts 38" in caught.value.render("id")
    assert not (tmp_path / "x").exists()
    done = CliRunner().invoke(app, ["generate", "province", str(tmp_path / "x"),
                                    "--villages", "-5"])
    assert done.exit_code == 2 and "--villages" in done.output
    assert not (tmp_path / "x").exists()


def test_a_foreign_folder_is_never_overwritten(small, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(NotGenerated) as caught:
        generate_province(foreign, seed=5, **SMALL)
    assert "tidak ditimpa" in caught.value.render("id")
    assert "not overwritten" in caught.value.render("en")
    assert (foreign / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    data = tmp_path / "buleleng"  # a real district data set is not a generated region
    shutil.copytree(DATA, data)
    with pytest.raises(NotGenerated):
        generate_province(data, seed=5, **SMALL)
    assert files_of(data) == files_of(DATA)
    # an earlier generated region is replaced; an empty folder is filled
    earlier = tmp_path / "earlier"
    shutil.copytree(small, earlier)
    generate_province(earlier, seed=6, **SMALL)
    assert files_of(earlier) != files_of(small)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left
    # ... but not when someone added files or folders to it: refused, naming them
    (earlier / "survei.csv").write_text("mine")
    (earlier / index_folder(earlier) / "catatan").mkdir()
    kept = files_of(earlier)
    with pytest.raises(NotGenerated) as caught:
        generate_province(earlier, seed=7, **SMALL)
    said = caught.value.render("en")
    assert "survei.csv" in said and f"{index_folder(earlier)}/catatan/" in said
    assert files_of(earlier) == kept and (earlier / index_folder(earlier) / "catatan").is_dir()
    # a generated region without its list of files is not replaced either
    (earlier / "survei.csv").unlink()
    (earlier / index_folder(earlier) / "catatan").rmdir()
    (earlier / MANIFEST).unlink()
    with pytest.raises(NotGenerated):
        generate_province(earlier, seed=7, **SMALL)
    (tmp_path / "empty").mkdir()
    assert is_region(generate_province(tmp_path / "empty", seed=5, **SMALL))
    assert not is_region(DATA)


# --- the region checks ------------------------------------------------------------------


def wrong_folder(region: Path) -> None:
    edit_index(region, 3, "folder", "districts/51.09")


def duplicate_code(region: Path) -> None:
    shutil.copytree(region / "districts" / "51.01", region / "districts" / "copy")
    index = read(region, "districts.csv")
    extra = index.iloc[[0]].assign(folder="districts/copy")
    write(region, "districts.csv", pd.concat([index, extra], ignore_index=True))


def village_outside(region: Path) -> None:
    folder = region / "districts" / "51.02"
    for file in ("villages.csv", "indicators.csv"):
        frame = read(folder, file)
        frame.loc[0, "code"] = "51.01.01.2001"  # a village of district 51.01
        write(folder, file, frame)


def pagu_sum(region: Path) -> None:
    index = read(region, "districts.csv")
    edit_index(region, 2, "pagu", str(int(index.loc[0, "pagu"]) + 250))


def village_count(region: Path) -> None:
    index = read(region, "districts.csv")
    edit_index(region, 3, "n_villages", str(int(index.loc[1, "n_villages"]) + 1))


def kota_number(region: Path) -> None:
    edit_index(region, 2, "type", "kota")


def unknown_province(region: Path) -> None:
    edit_index(region, 4, "province_code", "52")


def edit_index(region: Path, row: int, column: str, value: str) -> None:
    frame = read(region, "districts.csv")
    frame.loc[row - 2, column] = value
    write(region, "districts.csv", frame)


#: (name, edit, key, file, row, column, district, words id, words en)
CASES = [
    ("wrong folder", wrong_folder, "region.missing_folder", "districts.csv", 3, "folder",
     "51.02", ["tidak ditemukan", "districts/51.09"], ["not found", "districts/51.09"]),
    ("duplicate code", duplicate_code, "duplicate", "districts.csv", 2, "code", "51.01",
     ["lebih dari sekali", "2, 5"], ["more than once", "2, 5"]),
    ("village twice", duplicate_code, "region.village_in_two",
     "districts/copy/villages.csv", 2, "code", "51.01",
     ["juga di kabupaten/kota 51.01", "districts/51.01/villages.csv"],
     ["also in district 51.01", "districts/51.01/villages.csv"]),
    ("village outside", village_outside, "region.village_outside",
     "districts/51.02/villages.csv", 2, "code", "51.02",
     ["51.01.01.2001", "tidak diawali"], ["51.01.01.2001", "does not start"]),
    ("village in two districts", village_outside, "region.village_in_two",
     "districts/51.02/villages.csv", 2, "code", "51.02",
     ["51.01.01.2001", "satu kabupaten/kota"], ["51.01.01.2001", "one district only"]),
    ("pagu sum", pagu_sum, "region.pagu_disagrees", "districts.csv", 2, "pagu", "51.01",
     ["pagu", "agencies.csv"], ["pagu", "agencies.csv"]),
    ("village count", village_count, "region.villages_disagree", "districts.csv", 3,
     "n_villages", "51.02", ["desa/kelurahan", "villages.csv"], ["villages", "villages.csv"]),
    ("kota numbered like a kabupaten", kota_number, "region.district_number",
     "districts.csv", 2, "code", "51.01", ["kota", "71..99"], ["kota", "71..99"]),
    ("unknown province", unknown_province, "region.unknown_province", "districts.csv", 4,
     "province_code", "51.71", ["'52'", "provinces.csv"], ["'52'", "provinces.csv"]),
]


@pytest.mark.parametrize(("name", "change", "key", "file", "row", "column", "district",
                          "words_id", "words_en"), CASES, ids=[c[0] for c in CASES])
def test_region_check_names_district_file_row_column(small_copy, name, change, key, file,
                                                     row, column, district, words_id,
                                                     words_en):
    change(small_copy)
    result = validate_region(small_copy)
    assert not result.ok
    found = [p for p in result.report.errors if p.key == key and p.file == file]
    assert found, [(p.key, p.file, p.row, p.column) for p in result.report.errors]
    item = found[0]
    assert (item.row, item.column) == (row, column)
    for lang, words, where in (("id", words_id, ("baris", "kolom")),
                               ("en", words_en, ("row", "column"))):
        said = item.message(lang)
        assert said.startswith(f"[{'GALAT' if lang == 'id' else 'ERROR'}] {file}, "
                               f"{where[0]} {row}, {where[1]} '{column}': "), said
        assert district in said, said
        for word in words:
            assert word in said, (word, said)
    if key in INDEX_KEYS:  # the index alone is wrong: load_region refuses it too
        with pytest.raises(DataError) as refused:
            load_region(small_copy)
        assert item in refused.value.report.errors


#: problems of the index alone (load_region finds them without reading the districts)
INDEX_KEYS = {"region.missing_folder", "duplicate", "region.district_number",
              "region.unknown_province"}


# --- the command line -------------------------------------------------------------------


def test_planning_validate_on_a_good_and_a_bad_region(small, small_copy):
    good = CliRunner().invoke(app, ["validate", str(small), "--lang", "en"])
    assert good.exit_code == 0, good.output
    lines = good.output.strip().splitlines()
    for code in ("51.01", "51.02", "51.71"):
        assert any(line.startswith(f"{code} ") and "valid" in line for line in lines)
    assert "Region valid" in good.output and "60 villages in 5 kecamatan" in good.output
    pagu_sum(small_copy)
    bad = CliRunner().invoke(app, ["validate", str(small_copy)])
    assert bad.exit_code == 1
    assert "[GALAT] districts.csv, baris 2, kolom 'pagu': kabupaten/kota 51.01" in bad.output
    assert "Wilayah tidak valid" in bad.output and "1 dari 3 kabupaten/kota" in bad.output


def test_planning_generate_writes_and_refuses(tmp_path):
    out = tmp_path / "prov"
    done = CliRunner().invoke(app, ["generate", "province", str(out), "--villages", "40",
                                    "--districts", "2", "--seed", "9", "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "2 districts in 1 provinces" in done.output and "40 villages" in done.output
    assert validate_region(out).ok
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.csv").write_text("x\n")
    refused = CliRunner().invoke(app, ["generate", "province", str(tmp_path / "mine")])
    assert refused.exit_code == 1
    assert "tidak ditimpa" in refused.output
    assert (tmp_path / "mine" / "a.csv").read_text() == "x\n"


def test_a_district_folders_own_problems_name_the_file_inside_the_region(small_copy):
    folder = small_copy / "districts" / "51.02"
    frame = read(folder, "villages.csv")
    frame.loc[1, "area_km2"] = "-3"
    write(folder, "villages.csv", frame)
    result = validate_region(small_copy)
    assert [d.code for d in result.districts if not d.ok] == ["51.02"]
    item = next(p for p in result.report.errors if p.key == "not_positive")
    assert (item.file, item.row, item.column) == ("districts/51.02/villages.csv", 3,
                                                  "area_km2")
    assert item.message("en").startswith(
        "[ERROR] districts/51.02/villages.csv, row 3, column 'area_km2': ")
    assert "51.02 Kabupaten Sintetis 51.02: 1 galat" in result.districts[1].line("id")


def test_a_missing_index_column_is_named_and_load_region_refuses(small_copy):
    frame = read(small_copy, "districts.csv").drop(columns=["pagu"])
    write(small_copy, "districts.csv", frame)
    with pytest.raises(DataError) as refused:
        load_region(small_copy)
    said = refused.value.render("en")
    assert "districts.csv, column 'pagu'" in said and "missing" in said.lower()

"""The shipped Buleleng data set: complete, real where it says so, and valid."""

from __future__ import annotations

import pandas as pd
import pytest

from planning.data import load_dataset, validate_dataset

from .conftest import DATA, SHARED


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


def test_shipped_data_set_is_valid():
    report, _ = validate_dataset(DATA)
    assert report.ok, "\n".join(report.lines("en"))


def test_all_real_villages_and_kecamatan(ds):
    v = ds.villages
    assert len(v) == 148 and v["code"].is_unique
    assert (v["type"] == "desa").sum() == 129 and (v["type"] == "kelurahan").sum() == 19
    assert len(ds.kecamatan) == 9
    counts = v.groupby("kecamatan")["code"].size().to_dict()
    assert counts == {"Gerokgak": 14, "Seririt": 21, "Busungbiu": 15, "Banjar": 17,
                      "Sukasada": 15, "Buleleng": 29, "Sawan": 14, "Kubutambahan": 13,
                      "Tejakula": 10}
    # Kemendagri rule: digit 9 of the code is 1 for a kelurahan and 2 for a desa.
    digit = v["code"].str.replace(".", "", regex=False).str[6]
    assert ((digit == "1") == (v["type"] == "kelurahan")).all()
    assert v["coastal"].sum() == 52
    assert v["name"].duplicated().any(), "names repeat (two Kayuputih): code is the key"


@pytest.mark.skipif(not SHARED.exists(), reason="research folder ../shared not present")
def test_villages_match_the_researched_source(ds):
    src = pd.read_csv(SHARED / "villages.csv", dtype={"code": str, "kecamatan_code": str})
    merged = ds.villages.merge(src, on="code", suffixes=("", "_src"), validate="one_to_one")
    assert len(merged) == 148
    assert (merged["name"] == merged["name_src"]).all()
    assert (merged["lat"] - merged["lat_src"]).abs().max() < 1e-9
    assert (merged["area_km2"] - merged["area_km2_geom"]).abs().max() < 1e-9
    assert (merged["coastal"] == merged["coastal_geom"]).all()


def test_catalogue_size_and_budget(ds):
    p, a = ds.programs, ds.agencies
    assert len(p) >= 25 and p["agency"].nunique() >= 8
    assert set(p["agency"]) <= set(a["code"])
    assert a["pagu"].sum() == pytest.approx(9000.0)  # Rp 9 miliar, the 2020 programme
    needed = {"PKM-RTLH", "PUTR-PAMSIMAS", "PUTR-SANIMAS", "PUTR-SEPTIK", "PUTR-IRIGASI",
              "DISTAN-SIMANTRI", "DISTAN-SAPI", "DISTAN-CENGKEH", "DKPP-JUKUNG",
              "DKPP-BIBIT", "DAG-UMKM", "DPMD-BUMDES", "DINKES-PMT", "DP2KB-TPK", "CSR-BEDAH"}
    assert needed <= set(p["code"])


def test_every_program_number_has_a_source_or_an_assumption(ds):
    p = ds.programs
    sourced = p["cost_status"].isin(["real", "derived"])
    assert p.loc[sourced, "cost_source"].notna().all()
    assert p["assumptions"].notna().all()


def test_real_costs_match_the_researched_unit_costs(ds):
    costs = ds.programs.set_index("code")["unit_cost"]
    assert costs["PKM-RTLH"] == 20  # Rp 20 juta per house, 2023
    assert costs["PUTR-PAMSIMAS"] == 400  # about Rp 400 juta per desa
    assert costs["PUTR-SEPTIK"] == 5  # Rp 5 juta per KK, DAK 2020
    assert costs["DISTAN-SIMANTRI"] == 225
    assert costs["DKPP-JUKUNG"] == pytest.approx(103.49)


def test_every_indicator_is_described_and_marked(ds):
    meta = ds.indicator_metadata.set_index("indicator")
    columns = [c for c in ds.indicators.columns if c != "code"]
    assert sorted(meta.index) == sorted(columns)
    assert set(meta["status"]) <= {"real", "derived", "synthetic"}
    synthetic = set(ds.synthetic_indicators())
    for name in ("hh_rtlh", "hh_no_safe_water", "hh_no_sanitation", "hh_poor_dtks",
                 "children_stunted", "people_no_steady_work", "rice_irrigated_ha",
                 "dryland_farm_ha", "clove_ha", "coffee_ha", "cattle_head",
                 "fishing_households", "tourism_attractions", "population"):
        assert name in synthetic
    assert meta.loc["market_distance_km", "status"] == "derived"
    assert meta["label_id"].notna().all() and meta["label_en"].notna().all()


def test_every_dimension_has_a_count_indicator(ds):
    dims = ds.dimensions
    assert set(dims["group"]) >= {"housing", "water", "sanitation", "income", "health",
                                  "employment"}
    assert set(dims["count_indicator"]) <= set(ds.indicators.columns)
    sectors = set(ds.sectors["group"])
    assert sectors >= {"agriculture", "plantation", "livestock", "fisheries", "tourism",
                       "trade"}


def test_readme_marks_synthetic_columns(ds):
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    for name in ds.synthetic_indicators():
        assert f"`{name}`" in readme, f"{name} is not documented in data/README.md"
    assert "synthetic" in readme.lower()


def test_every_file_and_column_is_documented():
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    for path in sorted(DATA.glob("*.csv")):
        assert f"`{path.name}`" in readme, f"{path.name} missing from data/README.md"
        header = pd.read_csv(path, nrows=0).columns
        for col in header:
            assert f"`{col}`" in readme, f"{path.name}:{col} missing from data/README.md"


def test_no_boundary_polygons_are_committed():
    assert not list(DATA.parent.rglob("*.geojson"))

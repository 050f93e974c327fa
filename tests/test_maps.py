"""Maps: village layers (points or boundary polygons), kecamatan outlines, clear errors for
bad boundary files, reproducible PNGs and a GeoPackage layer QGIS can open.

Tests that need the village and kecamatan boundary files of ``../shared`` skip when it
is absent; the files are read in place, never copied.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import geopandas
import matplotlib
import pandas as pd
import pyogrio
import pytest
import shapely

from planning.maps import (
    MapError,
    is_polygon_layer,
    kecamatan_outlines,
    map_figure,
    map_png,
    plan_geopackage,
    plan_map_files,
    village_layer,
)
from tests.conftest import DATA, SHARED

PNG = b"\x89PNG\r\n\x1a\n"
DESA = SHARED / "buleleng_desa.geojson"
KECAMATAN = SHARED / "buleleng_kecamatan.geojson"
needs_shared = pytest.mark.skipif(not DESA.is_file() or not KECAMATAN.is_file(),
                                  reason=f"boundary files not found in {SHARED}")


@pytest.fixture(scope="module")
def villages() -> pd.DataFrame:
    return pd.read_csv(DATA / "villages.csv", dtype={"code": str, "kecamatan_code": str,
                                                     "bps_code": str})


@pytest.fixture(scope="module")
def values(villages) -> pd.DataFrame:
    """A value for every village but the first, and a column the layer already has."""
    rest = villages.iloc[1:]
    return pd.DataFrame({"code": rest["code"], "score": range(len(rest)),
                         "name": "ignored"})


@pytest.fixture(scope="module")
def points(villages, values):
    return village_layer(villages, values)


@pytest.fixture(scope="module")
def polygons(villages, values):
    if not DESA.is_file():
        pytest.skip(f"boundary file not found: {DESA}")
    return village_layer(villages, values, boundary=DESA)


def feature_file(path: Path, features: list[dict]) -> Path:
    """A small GeoJSON file of ``features`` (property dict, (lon, lat) square centre)."""
    def square(lon, lat, r=0.01):
        ring = [[lon - r, lat - r], [lon + r, lat - r], [lon + r, lat + r],
                [lon - r, lat + r], [lon - r, lat - r]]
        return {"type": "Polygon", "coordinates": [ring]}

    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": square(*centre)}
        for props, centre in features]}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


# --- layers ---------------------------------------------------------------------------

def test_point_layer_from_villages_csv(villages, points):
    assert len(points) == 148
    assert points.crs == "EPSG:4326"
    assert set(points.geom_type) == {"Point"} and not is_polygon_layer(points)
    assert points["code"].tolist() == villages["code"].tolist()
    assert points.geometry.x.tolist() == villages["lon"].tolist()
    assert points["score"].isna().tolist() == [True] + [False] * 147
    assert points.loc[1, "score"] == 0
    assert "name_x" not in points and points["name"].tolist() == villages["name"].tolist()


@needs_shared
def test_polygon_layer_from_the_boundary_file(villages, polygons):
    assert len(polygons) == 148
    assert polygons.crs == "EPSG:4326"
    assert is_polygon_layer(polygons) and polygons.geometry.notna().all()
    assert polygons["code"].tolist() == villages["code"].tolist()
    assert polygons.loc[1, "score"] == 0
    # the polygon of each village holds (or nearly holds) its centre from villages.csv
    centres = shapely.points(villages["lon"], villages["lat"])  # degrees are fine here
    assert (shapely.distance(polygons.geometry.to_numpy(), centres) < 0.01).mean() > 0.9


def test_villages_the_boundary_lacks_keep_their_row(tmp_path, villages):
    two = villages.iloc[:2]
    path = feature_file(tmp_path / "two.geojson",
                        [({"code": c}, (lon, lat)) for c, lon, lat in
                         zip(two["code"], two["lon"], two["lat"], strict=True)])
    layer = village_layer(villages, boundary=path)
    assert len(layer) == 148 and layer.geometry.notna().sum() == 2
    fig = map_figure(layer, "type", title="t", legend="l", categorical=True, lang="en")
    assert "146 villages without a polygon" in fig.texts[-1].get_text()


# --- kecamatan outlines ---------------------------------------------------------------

@needs_shared
def test_kecamatan_outlines_dissolved_and_from_the_file(polygons, points):
    dissolved = kecamatan_outlines(polygons)
    from_file = kecamatan_outlines(polygons, KECAMATAN)
    over_points = kecamatan_outlines(points, KECAMATAN)
    for outlines in (dissolved, from_file, over_points):
        assert len(outlines) == 9 and is_polygon_layer(outlines)
        assert outlines["kecamatan_code"].tolist() == sorted(polygons["kecamatan_code"].unique())
        assert outlines.crs == "EPSG:4326"
    assert "Gerokgak" in dissolved["kecamatan"].tolist()


def test_no_outlines_for_points_without_a_kecamatan_file(points):
    assert kecamatan_outlines(points) is None


# --- bad boundary files ---------------------------------------------------------------

def bad_files(folder: Path) -> dict[str, Path]:
    garbage = folder / "garbage.geojson"
    garbage.write_text("not a map {", encoding="utf-8")
    return {
        "missing": folder / "nowhere.geojson",
        "garbage": garbage,
        "no_code": feature_file(folder / "kode.json", [({"kode": "51.08.01.2001"},
                                                        (115.0, -8.2))]),
        "no_match": feature_file(folder / "other.geojson", [({"code": "99.99.99.9999"},
                                                             (115.0, -8.2))]),
    }


@pytest.mark.parametrize("case", ["missing", "garbage", "no_code", "no_match"])
def test_a_bad_boundary_file_is_named_in_both_languages(tmp_path, villages, case):
    path = bad_files(tmp_path)[case]
    with pytest.raises(MapError) as caught:
        village_layer(villages, boundary=path)
    error = caught.value
    assert isinstance(error, ValueError) and str(error) == error.render("en")
    indonesian, english = error.render("id"), error.render("en")
    assert indonesian != english
    for message in (indonesian, english):
        assert path.as_posix() in message
    assert {"missing": "not found", "garbage": "cannot be read", "no_code": "'code'",
            "no_match": "99.99.99.9999"}[case] in english
    assert {"missing": "tidak ditemukan", "garbage": "tidak dapat dibaca",
            "no_code": "'code'", "no_match": "tidak ada kode"}[case] in indonesian


def test_points_are_not_a_boundary(tmp_path, villages):
    path = tmp_path / "points.geojson"
    village_layer(villages).to_file(path, driver="GeoJSON")
    with pytest.raises(MapError, match="holds no polygons") as caught:
        village_layer(villages, boundary=path)
    assert "tidak berisi poligon" in caught.value.render("id")


def test_a_bad_kecamatan_file_is_a_map_error(tmp_path, points):
    path = bad_files(tmp_path)["no_match"]
    with pytest.raises(MapError, match="kecamatan_code"):
        kecamatan_outlines(points, path)


# --- PNG --------------------------------------------------------------------------------

def test_point_map_png_is_reproducible(points):
    def draw():
        return map_png(map_figure(points, "score", title="Skor", legend="skor",
                                  note="Data: SINTETIS"))

    first = draw()
    assert first.startswith(PNG) and 10_000 < len(first) < 1_000_000
    assert draw() == first
    if "matplotlib.pyplot" in sys.modules:
        assert not matplotlib.pyplot.get_fignums()


@needs_shared
def test_polygon_map_png_is_reproducible(polygons):
    outlines = kecamatan_outlines(polygons)

    def draw(lang):
        return map_png(map_figure(polygons, "score", title="Skor", legend="skor",
                                  lang=lang, outlines=outlines, note="Data: SINTETIS"))

    first = draw("id")
    assert first.startswith(PNG)
    assert draw("id") == first
    assert draw("en") != first  # the "no data" key is in the map's language


# --- GeoPackage -------------------------------------------------------------------------

@needs_shared
def test_geopackage_reads_back(tmp_path, polygons):
    path = plan_geopackage(polygons, tmp_path / "out" / "rencana.gpkg")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["rencana"]
    back = geopandas.read_file(path, layer="rencana")
    assert back["code"].tolist() == polygons["code"].tolist()
    assert set(back.geom_type) <= {"Polygon", "MultiPolygon"}
    assert back.crs == "EPSG:4326"
    assert back["score"].isna().sum() == 1
    first = path.read_bytes()
    plan_geopackage(polygons, path)  # replaces it, byte for byte
    assert path.read_bytes() == first
    assert [p.name for p in path.parent.iterdir()] == ["rencana.gpkg"]


def test_geopackage_of_points_in_english(tmp_path, points):
    path = plan_geopackage(points, tmp_path / "plan.gpkg", lang="en")
    back = geopandas.read_file(path, layer="plan")
    assert set(back.geom_type) == {"Point"} and len(back) == 148


# --- the maps of a run ------------------------------------------------------------------

def fake_run(villages):
    """The parts of a DataSet and an Allocation the maps read."""
    plan = villages.iloc[[0, 5, 40]][["code", "name"]].rename(columns={"code": "village"})
    plan = plan.assign(programs=[3, 1, 0], cost=[900.0, 150.0, 0.0],
                       share_of_spending=[0.86, 0.14, 0.0], deprived_total=[10.0, 5, 2],
                       removed_total=[4.0, 1, 0])
    focus = villages.iloc[[0, 5, 40]][["code"]].assign(poverty_index=[0.7, 0.5, 0.4])
    allocation = SimpleNamespace(tables=SimpleNamespace(villages=plan),
                                 instance=SimpleNamespace(villages=focus))
    scores = villages[["code"]].assign(poverty_index=[i / 148 for i in range(148)])
    return SimpleNamespace(villages=villages), allocation, scores


def test_plan_maps_without_boundary(villages):
    ds, allocation, scores = fake_run(villages)
    files = plan_map_files(ds, allocation, scores=scores, lang="en")
    assert set(files) == {"map_plan.png", "map_poverty.png"}
    assert all(png.startswith(PNG) for png in files.values())
    assert plan_map_files(ds, allocation, scores=scores, lang="en") == files
    focus_only = plan_map_files(ds, allocation, lang="en")
    assert focus_only["map_poverty.png"] != files["map_poverty.png"]


@needs_shared
def test_plan_maps_with_boundary(villages):
    ds, allocation, scores = fake_run(villages)
    files = plan_map_files(ds, allocation, scores=scores, boundary=DESA,
                           boundary_kecamatan=KECAMATAN, note="Data: SINTETIS")
    assert set(files) == {"map_plan.png", "map_poverty.png", "map_plan.gpkg"}
    again = plan_map_files(ds, allocation, scores=scores, boundary=DESA,
                           boundary_kecamatan=KECAMATAN, note="Data: SINTETIS")
    assert again == files
    assert files["map_plan.gpkg"].startswith(b"SQLite format 3\x00")


def test_plan_maps_of_a_real_allocation(tmp_path, ds, scores):
    from planning.model import allocate

    allocation = allocate(ds, scores)
    boundary = DESA if DESA.is_file() else None
    files = plan_map_files(ds, allocation, scores=scores, boundary=boundary)
    assert {"map_plan.png", "map_poverty.png"} <= set(files)
    if boundary is not None:
        path = tmp_path / "map_plan.gpkg"
        path.write_bytes(files["map_plan.gpkg"])
        layer = geopandas.read_file(path, layer="rencana")
        planned = allocation.tables.villages["village"]
        assert layer.loc[layer["code"].isin(planned), "cost"].notna().all()
        assert layer.loc[~layer["code"].isin(planned), "cost"].isna().all()
        assert layer["poverty_index"].notna().all()

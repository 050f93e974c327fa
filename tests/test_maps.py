"""Maps: village layers (points or boundary polygons), kecamatan outlines, clear errors for
bad boundary files, reproducible PNGs that draw what they should, and a GeoPackage layer
QGIS can open.

The polygon tests run twice: on boundary files the tests make at run time (Voronoi cells
of the village centres of villages.csv, clipped to their slightly buffered convex hull,
and the kecamatan dissolved from them; written to a temporary folder, never to the
repository), so that every checkout runs them, and on the real village and kecamatan
boundary files of ``../shared`` (read in place, never copied), which skip when absent.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import geopandas
import matplotlib
import pandas as pd
import pyogrio
import pytest
import shapely

from planning.report import maps
from planning.report.maps import (
    MapError,
    is_polygon_layer,
    kecamatan_outlines,
    map_figure,
    map_png,
    plan_geopackage,
    plan_map_files,
    village_layer,
)
from tests.conftest import DATA, ROOT, SHARED

PNG = b"\x89PNG\r\n\x1a\n"
DESA = SHARED / "buleleng_desa.geojson"
KECAMATAN = SHARED / "buleleng_kecamatan.geojson"
LANGS = ("id", "en")
NO_DATA = {"id": "tidak ada data", "en": "no data"}
NO_PLAN = {"id": "tidak ada program", "en": "nothing planned"}
DOTS = {"id": "Titik = pusat desa (villages.csv); beri berkas batas desa untuk peta wilayah.",
        "en": "Dots = village centres (villages.csv); give a village boundary file for an "
              "area map."}
PLAN_TITLE = {"id": "Rencana alokasi: belanja program per desa",
              "en": "Allocation plan: programme spending by village"}
POVERTY_TITLE = {"id": "Indeks kemiskinan per desa", "en": "Poverty index by village"}
COST = {"id": "biaya (juta Rp)", "en": "cost (Rp million)"}
POVERTY = {"id": "indeks kemiskinan", "en": "poverty index"}


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


def voronoi_boundaries(villages: pd.DataFrame, folder: Path) -> tuple[Path, Path]:
    """A village boundary file (GeoJSON, one polygon per village with its ``code``: the
    Voronoi cell of its centre, clipped to the convex hull of all centres buffered by
    0.02 degrees) and a kecamatan file (``code`` = kecamatan code, the cells dissolved)."""
    centres = shapely.points(villages["lon"], villages["lat"])
    hull = shapely.convex_hull(shapely.multipoints(centres)).buffer(0.02)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(centres),
                                                       extend_to=hull, ordered=True))
    cells = shapely.intersection(cells, hull)
    desa = geopandas.GeoDataFrame({"code": villages["code"],
                                   "kecamatan_code": villages["kecamatan_code"]},
                                  geometry=cells, crs="EPSG:4326")
    kecamatan = (desa[["kecamatan_code", "geometry"]].dissolve(by="kecamatan_code")
                 .reset_index().rename(columns={"kecamatan_code": "code"}))
    desa_path, kecamatan_path = folder / "desa.geojson", folder / "kecamatan.geojson"
    desa[["code", "geometry"]].to_file(desa_path, driver="GeoJSON", engine="pyogrio")
    kecamatan.to_file(kecamatan_path, driver="GeoJSON", engine="pyogrio")
    return desa_path, kecamatan_path


@pytest.fixture(scope="module")
def made(tmp_path_factory, villages) -> tuple[Path, Path]:
    return voronoi_boundaries(villages, tmp_path_factory.mktemp("boundary"))


@pytest.fixture(scope="module", params=["made", "shared"])
def boundary(request, made) -> SimpleNamespace:
    """The village (``desa``) and kecamatan boundary files: made by the tests, or the
    real ones of ../shared (skipped where they are absent)."""
    if request.param == "shared":
        if not DESA.is_file() or not KECAMATAN.is_file():
            pytest.skip(f"real boundary files not found in {SHARED}")
        return SimpleNamespace(kind="shared", desa=DESA, kecamatan=KECAMATAN)
    return SimpleNamespace(kind="made", desa=made[0], kecamatan=made[1])


@pytest.fixture(scope="module")
def polygons(villages, values, boundary):
    return village_layer(villages, values, boundary=boundary.desa)


def parts(geometries) -> int:
    return int(shapely.get_num_geometries(
        geopandas.GeoSeries(geometries).to_numpy()).sum())


def drawn_map(fig) -> SimpleNamespace:
    """What a map figure shows: its title, the polygons (paths) or dots of the values and
    of the missing ones, the outline segments and names, the colour bar label, the keys
    of the legend and the small print."""
    fig.canvas.draw()
    ax, *bars = fig.axes
    areas = [c for c in ax.collections if type(c).__name__ == "_GeoPandasPolyCollection"]
    dots = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
    lines = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
    legend = ax.get_legend()
    return SimpleNamespace(
        title=ax.get_title(loc="left"),
        areas=[len(c.get_paths()) for c in areas],
        dots=[len(c.get_offsets()) for c in dots],
        outline_segments=sum(len(c.get_segments()) for c in lines),
        names=sorted(t.get_text() for t in ax.texts),
        colorbar=[bar.get_xlabel() for bar in bars],
        legend=[t.get_text() for t in legend.get_texts()] if legend else [],
        legend_title=legend.get_title().get_text() if legend else "",
        note=[t.get_text() for t in fig.texts],
    )


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


def test_the_made_boundary_files(villages, made):
    desa_path, kecamatan_path = made
    assert ROOT not in desa_path.parents  # made at run time, outside the repository
    desa = geopandas.read_file(desa_path)
    kecamatan = geopandas.read_file(kecamatan_path)
    assert desa["code"].tolist() == villages["code"].tolist()
    assert set(desa.geom_type) == {"Polygon"} and desa.is_valid.all()
    centres = shapely.points(villages["lon"], villages["lat"])
    assert shapely.contains(desa.geometry.to_numpy(), centres).all()
    # cells that tile the area: no overlaps, no gaps
    union = shapely.union_all(desa.geometry.to_numpy())
    assert shapely.area(desa.geometry.to_numpy()).sum() == pytest.approx(union.area, rel=1e-9)
    assert union.geom_type == "Polygon" and not union.interiors
    assert sorted(kecamatan["code"]) == sorted(villages["kecamatan_code"].unique())
    assert len(kecamatan) == 9 and kecamatan.is_valid.all()
    assert shapely.area(kecamatan.geometry.to_numpy()).sum() == pytest.approx(union.area,
                                                                            rel=1e-6)


def test_polygon_layer_from_the_boundary_file(villages, polygons, boundary):
    assert len(polygons) == 148
    assert polygons.crs == "EPSG:4326"
    assert is_polygon_layer(polygons) and polygons.geometry.notna().all()
    assert polygons["code"].tolist() == villages["code"].tolist()
    assert polygons.loc[1, "score"] == 0
    assert pd.isna(polygons.loc[0, "score"])
    # the polygon of each village holds (or nearly holds) its centre from villages.csv
    centres = shapely.points(villages["lon"], villages["lat"])  # degrees are fine here
    distance = shapely.distance(polygons.geometry.to_numpy(), centres)
    assert (distance < 0.01).mean() > 0.9
    if boundary.kind == "made":
        assert (distance == 0).all()


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

def test_kecamatan_outlines_dissolved_and_from_the_file(villages, polygons, points, boundary):
    dissolved = kecamatan_outlines(polygons)
    from_file = kecamatan_outlines(polygons, boundary.kecamatan)
    over_points = kecamatan_outlines(points, boundary.kecamatan)
    names = villages.drop_duplicates("kecamatan_code").sort_values("kecamatan_code")
    for outlines in (dissolved, from_file, over_points):
        assert len(outlines) == 9 and is_polygon_layer(outlines)
        assert outlines["kecamatan_code"].tolist() == sorted(polygons["kecamatan_code"].unique())
        assert outlines["kecamatan"].tolist() == names["kecamatan"].tolist()
        assert outlines.crs == "EPSG:4326"
    assert "Gerokgak" in dissolved["kecamatan"].tolist()
    # each dissolved kecamatan covers (nearly all of) its villages
    for row in dissolved.itertuples():
        mine = polygons[polygons["kecamatan_code"] == row.kecamatan_code].geometry
        covered = shapely.intersection(mine.to_numpy(), row.geometry)
        assert shapely.area(covered).sum() == pytest.approx(
            shapely.area(mine.to_numpy()).sum(), rel=1e-3)


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


@pytest.mark.parametrize("lang", LANGS)
def test_point_map_draws_dots_title_legend_and_note(points, lang):
    shown = drawn_map(map_figure(points, "score", title="Skor", legend="skor", lang=lang,
                                 note="Data: SINTETIS"))
    assert shown.title == "Skor"
    assert shown.areas == [] and shown.outline_segments == 0 and shown.names == []
    assert shown.dots == [147, 1]  # the villages with a score, then the one without
    assert shown.colorbar == ["skor"]
    assert shown.legend[-1] == NO_DATA[lang]
    assert shown.note == [f"Data: SINTETIS\n{DOTS[lang]}"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_point_map_has_a_size_key(points, lang):
    """The dots grow with the value (areas 15 to 150 points² from the lowest to the
    highest score); the key shows round values within that range at their sizes."""
    fig = map_figure(points, "score", title="Skor", legend="skor", lang=lang)
    shown = drawn_map(fig)
    assert shown.legend_title == {"id": "ukuran titik: skor", "en": "dot size: skor"}[lang]
    keys = shown.legend[:-1]
    assert len(keys) >= 2
    values = [float(k.replace(".", "").replace(",", ".")) if lang == "id"
              else float(k.replace(",", "")) for k in keys]
    low, high = points["score"].min(), points["score"].max()  # 0 and 146
    assert values == sorted(values) and low <= values[0] and values[-1] <= high
    handles = fig.axes[0].get_legend().legend_handles[:-1]
    expected = [(15 + 135 * (v - low) / (high - low)) ** 0.5 for v in values]
    assert [h.get_markersize() for h in handles] == pytest.approx(expected)
    dots = next(c for c in fig.axes[0].collections
                if isinstance(c, matplotlib.collections.PathCollection))
    assert dots.get_sizes().min() == pytest.approx(15)
    assert dots.get_sizes().max() == pytest.approx(150)


def label_boxes(fig):
    """Village name -> its display box, for the names written beside villages (not the
    kecamatan names, which are bold)."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    return {t.get_text(): Text.get_window_extent(t, renderer) for t in fig.axes[0].texts
            if t.get_fontweight() != "bold"}  # the text, without its leader line


def overlap(a, b) -> float:
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(
        0.0, min(a.y1, b.y1) - max(a.y0, b.y0))


def assert_focus_named_clear(layer, scores, outlines) -> None:
    """The 27 focus villages of the shipped data set named on the map: each name once,
    inside the map's frame, no two names overlapping, and none over a kecamatan name."""
    focus = layer["code"].isin(scores.loc[scores["selected"], "code"])
    assert focus.sum() == 27
    fig = map_figure(layer, "score", title="Skor", legend="skor", outlines=outlines,
                     labels=focus)
    map_png(fig)  # drawn as in the file
    boxes = label_boxes(fig)
    assert sorted(boxes) == sorted(layer.loc[focus, "name"])
    frame = fig.axes[0].bbox
    names = list(boxes.values())
    for i, box in enumerate(names):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, "inside the map"
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, "inside the map"
        assert all(overlap(box, other) == 0 for other in names[i + 1:])
    renderer = fig.canvas.get_renderer()
    kecamatan = [t.get_window_extent(renderer) for t in fig.axes[0].texts
                 if t.get_fontweight() == "bold"]
    assert len(kecamatan) == (0 if outlines is None else len(outlines))
    assert all(overlap(a, b) == 0 for a in names for b in kecamatan)


def test_focus_villages_named_clear_of_each_other_on_a_point_map(points, scores):
    assert_focus_named_clear(points, scores, None)


def test_focus_villages_named_clear_of_each_other_on_a_polygon_map(polygons, scores):
    assert_focus_named_clear(polygons, scores, kecamatan_outlines(polygons))


def test_a_categorical_map_has_a_key(polygons):
    shown = drawn_map(map_figure(polygons, "type", title="Jenis", legend="jenis",
                                 categorical=True))
    assert shown.legend_title == "jenis"
    assert shown.legend == sorted(polygons["type"].unique())
    assert shown.colorbar == []
    # one set of polygons per category: 129 desa, 19 kelurahan
    assert sorted(shown.areas) == sorted(polygons["type"].value_counts()) == [19, 129]


def test_polygon_map_png_is_reproducible(polygons):
    outlines = kecamatan_outlines(polygons)

    def draw(lang):
        return map_png(map_figure(polygons, "score", title="Skor", legend="skor",
                                  lang=lang, outlines=outlines, note="Data: SINTETIS"))

    first = draw("id")
    assert first.startswith(PNG)
    assert draw("id") == first
    assert draw("en") != first  # the "no data" key is in the map's language


@pytest.mark.parametrize("lang", LANGS)
def test_polygon_map_draws_areas_outlines_title_legend_and_note(villages, polygons, lang):
    outlines = kecamatan_outlines(polygons)
    shown = drawn_map(map_figure(polygons, "score", title="Skor", legend="skor",
                                 lang=lang, outlines=outlines, note="Data: SINTETIS"))
    assert shown.title == "Skor"
    assert shown.dots == []
    assert shown.areas == [147, 1]  # one polygon per village with a score, one without
    assert shown.outline_segments == parts(outlines.boundary)
    assert shown.names == sorted(villages["kecamatan"].unique())
    assert shown.colorbar == ["skor"]
    assert shown.legend == [NO_DATA[lang]]
    assert shown.note == ["Data: SINTETIS"]  # no dots line: these are areas
    without = drawn_map(map_figure(polygons, "score", title="Skor", legend="skor",
                                   lang=lang))
    assert without.names == [] and without.outline_segments == 0


# --- GeoPackage -------------------------------------------------------------------------

def test_geopackage_reads_back(tmp_path, polygons):
    path = plan_geopackage(polygons, tmp_path / "out" / "rencana.gpkg")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["rencana"]
    back = geopandas.read_file(path, layer="rencana")
    assert back["code"].tolist() == polygons["code"].tolist()
    assert set(back.geom_type) <= {"Polygon", "MultiPolygon"}
    assert back.crs == "EPSG:4326"
    assert back["score"].isna().sum() == 1
    assert back["score"].tolist()[1:] == polygons["score"].tolist()[1:]
    assert back.geometry.geom_equals(polygons.geometry).all()  # a Polygon may come back
    # as a MultiPolygon of one part
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
    """The parts of a DataSet and an Allocation the maps read: three villages in the
    plan (two spend, one at 0), two programmes."""
    plan = villages.iloc[[0, 5, 40]][["code", "name"]].rename(columns={"code": "village"})
    plan = plan.assign(programs=[3, 1, 0], cost=[900.0, 150.0, 0.0],
                       share_of_spending=[0.86, 0.14, 0.0], deprived_total=[10.0, 5, 2],
                       removed_total=[4.0, 1, 0])
    focus = villages.iloc[[0, 5, 40]][["code"]].assign(poverty_index=[0.7, 0.5, 0.4])
    codes = villages["code"]
    items = pd.DataFrame({"village": [codes[0], codes[0], codes[5], codes[40]],
                          "program": ["P1", "P2", "P1", "P2"], "agency": ["A", "B", "A", "B"],
                          "units": [2, 1, 1, 0], "cost": [600.0, 300.0, 150.0, 0.0]})
    programs = pd.DataFrame({"code": ["P1", "P2"], "name_id": ["Bedah rumah", "Jamban"],
                             "name_en": ["House repair", "Latrines"]})
    allocation = SimpleNamespace(tables=SimpleNamespace(villages=plan, plan=items),
                                 instance=SimpleNamespace(villages=focus))
    scores = villages[["code"]].assign(poverty_index=[i / 148 for i in range(148)])
    return SimpleNamespace(villages=villages, programs=programs), allocation, scores


@pytest.fixture
def captured(monkeypatch) -> list:
    """The Figures plan_map_files renders, in order (map_plan, then map_poverty)."""
    figures = []
    real = maps.map_png
    monkeypatch.setattr(maps, "map_png", lambda fig: figures.append(fig) or real(fig))
    return figures


@pytest.mark.parametrize("lang", LANGS)
def test_plan_maps_without_boundary(villages, captured, lang):
    ds, allocation, scores = fake_run(villages)
    files = plan_map_files(ds, allocation, scores=scores, lang=lang)
    assert set(files) == {"map_plan.png", "map_poverty.png", "map_plan.html",
                          "map_plan.gpkg"}
    assert all(files[name].startswith(PNG) for name in ("map_plan.png", "map_poverty.png"))
    plan, poverty = (drawn_map(fig) for fig in captured)
    assert plan_map_files(ds, allocation, scores=scores, lang=lang) == files
    assert (plan.title, poverty.title) == (PLAN_TITLE[lang], POVERTY_TITLE[lang])
    assert plan.areas == poverty.areas == []
    assert plan.dots == [2, 146]  # two villages spend, the one at 0 joins the rest
    assert plan.legend[-1] == NO_PLAN[lang] and plan.colorbar == [COST[lang]]
    assert plan.legend_title == {"id": "ukuran titik: ", "en": "dot size: "}[lang] + COST[
        lang]
    assert poverty.dots == [148] and NO_PLAN[lang] not in poverty.legend
    assert poverty.colorbar == [POVERTY[lang]]
    focus = sorted(villages["name"].iloc[[0, 5, 40]])
    assert plan.names == poverty.names == focus  # the plan's villages, named
    synthetic = {"id": "Data: indikator per desa SINTETIS (lihat data/README.md)",
                 "en": "Data: SYNTHETIC per-village indicators (see data/README.md)"}[lang]
    assert plan.note == poverty.note == [f"{synthetic}\n{DOTS[lang]}"]
    captured.clear()
    focus_only = plan_map_files(ds, allocation, lang=lang)
    captured.clear()
    assert focus_only["map_poverty.png"] != files["map_poverty.png"]
    plan_map_files(ds, allocation, lang=lang)
    assert drawn_map(captured[1]).dots == [3, 145]


@pytest.mark.parametrize("lang", LANGS)
def test_plan_maps_with_boundary(tmp_path, villages, boundary, captured, lang):
    ds, allocation, scores = fake_run(villages)
    files = plan_map_files(ds, allocation, scores=scores, boundary=boundary.desa,
                           boundary_kecamatan=boundary.kecamatan, note="Data: SINTETIS",
                           lang=lang)
    assert set(files) == {"map_plan.png", "map_poverty.png", "map_plan.html",
                          "map_plan.gpkg"}
    plan, poverty = (drawn_map(fig) for fig in captured)
    again = plan_map_files(ds, allocation, scores=scores, boundary=boundary.desa,
                           boundary_kecamatan=boundary.kecamatan, note="Data: SINTETIS",
                           lang=lang)
    assert again == files
    assert files["map_plan.gpkg"].startswith(b"SQLite format 3\x00")
    kecamatan = sorted(villages["kecamatan"].unique())
    assert (plan.title, poverty.title) == (PLAN_TITLE[lang], POVERTY_TITLE[lang])
    assert plan.dots == poverty.dots == []
    assert plan.areas == [2, 146] and poverty.areas == [148]
    assert plan.legend == [NO_PLAN[lang]] and poverty.legend == []  # no size key
    assert (plan.colorbar, poverty.colorbar) == ([COST[lang]], [POVERTY[lang]])
    named = sorted([*kecamatan, *villages["name"].iloc[[0, 5, 40]]])
    assert plan.names == poverty.names == named
    outlines = kecamatan_outlines(village_layer(villages), boundary.kecamatan)
    assert plan.outline_segments == poverty.outline_segments == parts(outlines.boundary)
    assert plan.note == poverty.note == ["Data: SINTETIS"]
    # the GeoPackage: the plan layer, one polygon row per village
    path = tmp_path / "map_plan.gpkg"
    path.write_bytes(files["map_plan.gpkg"])
    layer = {"id": "rencana", "en": "plan"}[lang]
    assert [name for name, _ in pyogrio.list_layers(path)] == [layer]
    back = geopandas.read_file(path, layer=layer)
    assert back["code"].tolist() == villages["code"].tolist()
    assert set(back.geom_type) <= {"Polygon", "MultiPolygon"} and back.geometry.notna().all()
    cost = back.set_index("code")["cost"]
    assert cost.notna().sum() == 3
    assert cost[villages["code"].iloc[[0, 5, 40]]].tolist() == [900.0, 150.0, 0.0]
    assert set(back["data_status"]) == {"Data: SINTETIS"}
    assert back["poverty_index"].tolist() == pytest.approx(scores["poverty_index"].tolist())


def test_plan_maps_of_a_real_allocation(tmp_path, ds, scores, boundary, captured):
    from planning.model import allocate

    allocation = allocate(ds, scores)
    files = plan_map_files(ds, allocation, scores=scores, boundary=boundary.desa)
    assert set(files) == {"map_plan.png", "map_poverty.png", "map_plan.html",
                          "map_plan.gpkg"}
    planned = allocation.tables.villages
    spending = planned.loc[planned["cost"] > 0, "village"]
    plan, poverty = (drawn_map(fig) for fig in captured)
    assert plan.areas == [len(spending), 148 - len(spending)] and poverty.areas == [148]
    assert len(spending) == 27
    named = [*ds.villages["kecamatan"].unique(),
             *ds.villages.loc[ds.villages["code"].isin(planned["village"]), "name"]]
    assert plan.names == poverty.names == sorted(named)
    path = tmp_path / "map_plan.gpkg"
    path.write_bytes(files["map_plan.gpkg"])
    layer = geopandas.read_file(path, layer="rencana")
    assert len(layer) == 148 and layer.geometry.notna().all()
    assert layer.loc[layer["code"].isin(planned["village"]), "cost"].notna().all()
    assert layer.loc[~layer["code"].isin(planned["village"]), "cost"].isna().all()
    assert layer["cost"].sum() == pytest.approx(allocation.tables.plan["cost"].sum())
    assert layer["poverty_index"].notna().all()
    # the interactive map: village polygons and the kecamatan outlines as their own layer
    page = files["map_plan.html"].decode()
    assert '"type": "Polygon"' in page or '"type": "MultiPolygon"' in page
    assert '"type": "Point"' not in page
    assert "batas kecamatan" in page
    assert all(f'"kecamatan": "{name}"' in page for name in ds.villages["kecamatan"])
    assert len(popups(page)) == 148



# --- the interactive map and the GeoPackage of a real plan --------------------------------

@pytest.fixture(scope="module")
def real_plan(ds, scores):
    from planning.model import allocate

    return allocate(ds, scores)


def popups(page: str) -> dict[str, str]:
    """Village code -> the HTML of its popup, read from the GeoJSON in the page."""
    found = {}
    for literal in re.findall(r'"popup": ("(?:[^"\\]|\\.)*")', page):
        shown = json.loads(literal)
        found[re.search(r"\((\d\d\.\d\d\.\d\d\.\d{4})\)", shown).group(1)] = shown
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_the_interactive_map_names_every_village_and_pops_up_its_plan(
        ds, scores, real_plan, lang):
    """map_plan.html: a Leaflet map; every village's name as its tooltip and a popup,
    the focus villages' names written on the map; each popup says the village's
    kecamatan, whether it is a focus village and its programmes with units and money,
    recomputed here from programs.csv and the plan's units."""
    files = plan_map_files(ds, real_plan, scores=scores, lang=lang)
    page = files["map_plan.html"].decode("utf-8")
    assert files == plan_map_files(ds, real_plan, scores=scores, lang=lang), "same bytes"
    assert "L.map(" in page and "leaflet" in page
    assert "https://tile.openstreetmap.org/" in page  # the planner's browser loads it
    shown = popups(page)
    assert set(shown) == set(ds.villages["code"])
    icons = "".join(json.loads(literal) for literal in re.findall(
        r'L\.divIcon\(\{\s*"html": ("(?:[^"\\]|\\.)*")', page))
    programs = pd.read_csv(DATA / "programs.csv").set_index("code")
    plan = real_plan.tables.plan[["village", "program", "units"]]
    plan = plan[plan["units"] > 0].assign(
        cost=lambda t: t["units"] * t["program"].map(programs["unit_cost"])
        + t["program"].map(programs["fixed_cost"]))
    focus = set(plan["village"])
    assert len(focus) == 27
    words = {"id": ("desa fokus", "bukan desa fokus", "juta"),
             "en": ("focus village", "not a focus village", "million")}[lang]
    for _, village in ds.villages.iterrows():
        popup = shown[village["code"]]
        assert f"<b>{village['name']}</b>" in popup and village["kecamatan"] in popup
        if village["code"] in focus:
            assert f"<i>{words[0]}</i>" in popup
            mine = plan[plan["village"] == village["code"]]
            for _, item in mine.iterrows():
                name = programs.at[item["program"], f"name_{lang}"]
                assert name in popup, (village["name"], name)
            total = mine["cost"].sum()
            amount = f"{total:,.0f}" if float(total).is_integer() else f"{total:,.1f}"
            if lang == "id":
                amount = amount.translate(str.maketrans(",.", ".,"))
            assert f"<b>Rp {amount} {words[2]}</b>" in popup, village["name"]
            # the name written on the map (a Leaflet divIcon), not only in the popup
            assert f">{village['name']}</span>" in icons
        else:
            assert f"<i>{words[1]}</i>" in popup
    assert "SINTETIS" in page or "SYNTHETIC" in page


def test_the_interactive_map_needs_no_basemap(ds, real_plan):
    from planning.report.maps import plan_web_map, web_map_html

    page = web_map_html(plan_web_map(ds, real_plan, tiles=None)).decode()
    assert "openstreetmap" not in page and "L.map(" in page


def test_the_geopackage_of_a_run_without_boundary_has_points_and_the_plan_money(
        tmp_path, ds, scores, real_plan):
    """Without a boundary file the plan's GeoPackage has a point per village at its
    centre from villages.csv, the money of the plan per village (recomputed from
    programs.csv) and the data status."""
    files = plan_map_files(ds, real_plan, scores=scores, lang="en")
    path = tmp_path / "map_plan.gpkg"
    path.write_bytes(files["map_plan.gpkg"])
    layer = geopandas.read_file(path, layer="plan")
    villages = pd.read_csv(DATA / "villages.csv", dtype={"code": str})
    assert layer["code"].tolist() == villages["code"].tolist()
    assert set(layer.geom_type) == {"Point"}
    assert layer.geometry.x.tolist() == pytest.approx(villages["lon"].tolist())
    assert layer.geometry.y.tolist() == pytest.approx(villages["lat"].tolist())
    programs = pd.read_csv(DATA / "programs.csv").set_index("code")
    plan = real_plan.tables.plan
    plan = plan[plan["units"] > 0]
    money = (plan["units"] * plan["program"].map(programs["unit_cost"])
             + plan["program"].map(programs["fixed_cost"])).groupby(plan["village"]).sum()
    got = layer.set_index("code")["cost"].dropna()
    assert set(got.index) == set(money.index) and len(got) == 27
    assert got[money.index].tolist() == pytest.approx(money.tolist())
    assert layer["focus"].sum() == 27
    assert set(layer["data_status"]) == {
        "Data: SYNTHETIC per-village indicators (see data/README.md)"}

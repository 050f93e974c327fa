"""Maps of the villages: the plan and the poverty index, as PNG and as a GeoPackage layer.

A *village layer* is a GeoDataFrame (EPSG:4326) with one row per village of
``villages.csv``. With a boundary file (GeoJSON, GeoPackage, shapefile: anything GDAL
reads, with a ``code`` property holding the village code) its geometry is the village
polygons; without one it is the village centres from the ``lat``/``lon`` columns, drawn
as dots. Kecamatan outlines come from a kecamatan boundary file or are dissolved from the
village polygons.

Figures use matplotlib's object API on the Agg canvas (no pyplot state) at a fixed size
and resolution, so the same inputs give byte-identical PNG files. GeoPackages are written
with a fixed modification date for the same reason.

A boundary file that is missing, unreadable, not polygons, without a ``code`` property or
matching none of the codes raises :class:`MapError`, whose :meth:`MapError.render` says in
Bahasa Indonesia or English which file and what to do.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import pyogrio
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke

from planning.i18n import DEFAULT_LANGUAGE, check_language, text
from planning.report.figures import DARK, DPI, GREY, plan_title, png_bytes
from planning.report.labels import column as header
from planning.report.labels import words

__all__ = ["MapError", "is_polygon_layer", "kecamatan_outlines", "map_figure", "map_png",
           "plan_geopackage", "plan_layer", "plan_map_files", "read_boundary",
           "village_layer"]

CRS = "EPSG:4326"
BASE = ["code", "name", "kecamatan_code", "kecamatan", "type"]
"""The villages.csv columns every layer carries."""
POLYGONS = frozenset({"Polygon", "MultiPolygon"})
WIDTH = 10.0
"""Figure width (inches); the height follows the layer's extent, see :func:`_size`."""
CMAP = "YlOrRd"
MISSING = "#D9D9D9"
LAYER = {"id": "rencana", "en": "plan"}
"""The GeoPackage layer name, per language."""
FIXED_DATE = "2000-01-01T00:00:00.000Z"
"""The GeoPackage ``last_change`` date (GDAL's OGR_CURRENT_DATE), for identical files."""



class MapError(ValueError):
    """A boundary file cannot be used; the message names the file and what to do.
    ``str()`` is the English text, :meth:`render` gives either language."""

    def __init__(self, key: str, file: str | Path, /, **params: object):
        self.key = key
        self.file = Path(file)
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return text(self.key, lang, file=self.file.as_posix(), **self.params)


def _examples(codes: Iterable[str]) -> str:
    shown = sorted(set(codes))[:3]
    return ", ".join(shown) if shown else "-"


def read_boundary(path: str | Path, codes: Iterable[str], table: str) -> geopandas.GeoDataFrame:
    """The polygons (columns ``code``, ``geometry``; EPSG:4326, one row per code) of the
    boundary file ``path`` whose ``code`` property is one of ``codes``. ``table`` names
    where ``codes`` come from, for the messages. A file without a CRS is taken as
    EPSG:4326 (as GeoJSON always is). Raises MapError."""
    path, wanted = Path(path), [str(c) for c in codes]
    if not path.is_file():
        raise MapError("boundary.missing", path)
    try:
        frame = geopandas.read_file(path, engine="pyogrio")
    except Exception as exc:  # GDAL, pyogrio and geopandas raise many unrelated types
        raise MapError("boundary.unreadable", path, detail=str(exc).split(";")[0]) from None
    if not isinstance(frame, geopandas.GeoDataFrame):
        raise MapError("boundary.unreadable", path, detail="no geometry")
    if "code" not in frame.columns:
        found = ", ".join(c for c in frame.columns if c != frame.geometry.name) or "-"
        raise MapError("boundary.no_code", path, found=found, table=table,
                       example=_examples(wanted))
    types = set(frame.geom_type.dropna())
    if types and not types <= POLYGONS:
        raise MapError("boundary.not_polygons", path, found=", ".join(sorted(types)))
    frame = frame.set_crs(CRS) if frame.crs is None else frame.to_crs(CRS)
    frame = geopandas.GeoDataFrame({"code": frame["code"].astype(str).str.strip(),
                                    "geometry": frame.geometry}, crs=CRS)
    matched = frame[frame["code"].isin(wanted)]
    if matched.empty:
        raise MapError("boundary.no_match", path, table=table,
                       theirs=_examples(frame["code"]), ours=_examples(wanted))
    if matched["code"].duplicated().any():  # one area split over several features
        matched = matched.dissolve(by="code").reset_index()
    return matched.reset_index(drop=True)


def village_layer(villages: pd.DataFrame, values: pd.DataFrame | None = None,
                  boundary: str | Path | None = None) -> geopandas.GeoDataFrame:
    """One row per village of ``villages`` (villages.csv as loaded: code, name,
    kecamatan_code, kecamatan, type, lat, lon), in its order, in EPSG:4326.

    ``values``: a table with a ``code`` column (one row per village at most) whose other
    columns are joined on ``code``; columns the layer already has are not taken again,
    villages missing from ``values`` get NaN. ``boundary``: a village boundary file (see
    :func:`read_boundary`); the geometry is then the village polygons (None for a village
    the file lacks, listed under the map), otherwise the village centres as points.
    """
    table = villages[BASE].reset_index(drop=True)
    if values is not None:
        extra = [c for c in values.columns if c not in BASE]
        table = table.merge(values[["code", *extra]], on="code", how="left",
                            validate="one_to_one")
    if boundary is None:
        points = geopandas.points_from_xy(villages["lon"], villages["lat"], crs=CRS)
        return geopandas.GeoDataFrame(table, geometry=points, crs=CRS)
    shapes = read_boundary(boundary, table["code"], "villages.csv (code)")
    return geopandas.GeoDataFrame(table.merge(shapes, on="code", how="left"),
                                  geometry="geometry", crs=CRS)


def is_polygon_layer(layer: geopandas.GeoDataFrame) -> bool:
    """True when the layer's geometries (ignoring missing ones) are polygons."""
    types = set(layer.geom_type.dropna())
    return bool(types) and types <= POLYGONS


def kecamatan_outlines(layer: geopandas.GeoDataFrame,
                       boundary_kecamatan: str | Path | None = None
                       ) -> geopandas.GeoDataFrame | None:
    """The kecamatan polygons (kecamatan_code, kecamatan, geometry) of the layer's
    kecamatan: from the kecamatan boundary file when given (its ``code`` property is the
    kecamatan code; this works for point layers too), else dissolved from the layer's
    village polygons; None for a point layer without a kecamatan file. Names are those of
    villages.csv. Raises MapError for an unusable kecamatan file."""
    names = layer[["kecamatan_code", "kecamatan"]].drop_duplicates("kecamatan_code")
    if boundary_kecamatan is not None:
        shapes = read_boundary(boundary_kecamatan, names["kecamatan_code"],
                               "villages.csv (kecamatan_code)")
        merged = names.merge(shapes.rename(columns={"code": "kecamatan_code"}),
                             on="kecamatan_code")
        return geopandas.GeoDataFrame(merged, geometry="geometry", crs=CRS)
    if not is_polygon_layer(layer):
        return None
    polygons = layer.loc[layer.geometry.notna(), ["kecamatan_code", "geometry"]]
    dissolved = polygons.dissolve(by="kecamatan_code").reset_index()
    dissolved["geometry"] = [_without_gaps(shape) for shape in dissolved.geometry]
    merged = names.merge(dissolved, on="kecamatan_code")
    return geopandas.GeoDataFrame(merged, geometry="geometry", crs=CRS)


def _without_gaps(shape, share: float = 0.01):
    """``shape`` without the holes smaller than ``share`` of its part: the slivers left
    between village polygons that do not quite touch (a real enclave is larger)."""
    parts = []
    for part in getattr(shape, "geoms", [shape]):
        least = share * shapely.Polygon(part.exterior).area
        parts.append(shapely.Polygon(part.exterior, [
            ring for ring in part.interiors if shapely.Polygon(ring).area >= least]))
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _sizes(values: pd.Series) -> np.ndarray:
    """Dot areas (points²) from 15 to 150 growing with ``values`` (NaN stays NaN)."""
    numbers = values.astype(float)
    low, high = numbers.min(), numbers.max()
    share = (numbers - low) / (high - low) if high > low else numbers * 0 + 0.5
    return (15 + 135 * share).to_numpy()


def _draw_values(ax, layer: geopandas.GeoDataFrame, column: str, legend: str,
                 missing: str, categorical: bool) -> None:
    """The choropleth (polygons) or the coloured, sized dots (points), with its legend:
    a colour bar for numbers, a key for categories; missing values in grey."""
    polygons = is_polygon_layer(layer)
    if polygons:
        style = {"edgecolor": "white", "linewidth": 0.3, "zorder": 1}
        empty = {"color": MISSING, "edgecolor": "white", "linewidth": 0.3, "label": missing}
        handle = Patch(facecolor=MISSING, edgecolor="white", label=missing)
    else:
        sizes = 40.0 if categorical else _sizes(layer[column])
        style = {"markersize": sizes, "edgecolor": DARK, "linewidth": 0.4, "zorder": 3}
        empty = {"color": MISSING, "edgecolor": GREY, "markersize": 10, "label": missing,
                 "zorder": 2}
        handle = Line2D([], [], marker="o", linestyle="", markerfacecolor=MISSING,
                        markeredgecolor=GREY, label=missing)
    if categorical:
        keys = {"title": legend, "loc": "lower left", "fontsize": 8, "title_fontsize": 9,
                "frameon": False}
    else:
        keys = {"label": legend, "orientation": "horizontal", "shrink": 0.45,
                "pad": 0.01, "aspect": 35}
    layer.plot(ax=ax, column=column, cmap="tab10" if categorical else CMAP,
               categorical=categorical, legend=True, legend_kwds=keys,
               missing_kwds=empty, **style)
    if not categorical and layer[column].isna().any():
        ax.legend(handles=[handle], loc="lower left", fontsize=8, frameon=False)


def _label_points(areas: geopandas.GeoDataFrame) -> np.ndarray:
    """Where to write each area's name: its centroid when that lies inside it, else a
    point surely inside. (Shapely directly: in degrees is fine for placing a label.)"""
    shapes = areas.geometry.to_numpy()
    centres = shapely.centroid(shapes)
    return np.where(shapely.within(centres, shapes), centres,
                    shapely.point_on_surface(shapes))


def _draw_outlines(ax, outlines: geopandas.GeoDataFrame) -> None:
    """Kecamatan borders, each labelled with its name."""
    outlines.boundary.plot(ax=ax, color=DARK, linewidth=0.9, zorder=2)
    halo = [withStroke(linewidth=2.5, foreground="white")]
    for name, point in zip(outlines["kecamatan"], _label_points(outlines), strict=True):
        ax.annotate(name, (point.x, point.y), ha="center", va="center", fontsize=7.5,
                    color=DARK, fontweight="bold", path_effects=halo, zorder=4)


def _size(layer: geopandas.GeoDataFrame) -> tuple[float, float]:
    """Figure size (inches): :data:`WIDTH` wide, as tall as the layer's extent needs
    (in EPSG:4326 a degree of longitude is cos(latitude) degrees of latitude long) plus
    room for the title, the colour bar and the small print; 3 to 10 inches of map."""
    west, south, east, north = layer.total_bounds
    across = max(east - west, 1e-6) * np.cos(np.radians((north + south) / 2))
    return WIDTH, round(float(np.clip(0.8 * WIDTH * (north - south) / across, 3, 10)) + 1.5, 1)


def _footer(layer: geopandas.GeoDataFrame, note: str | None, lang: str) -> str:
    """The small print: the data note, what the dots are, villages without a polygon."""
    lines = [note] if note else []
    if not is_polygon_layer(layer):
        lines.append(text("map.dots", lang))
    lacking = layer.loc[layer.geometry.isna(), "code"].tolist()
    if lacking:
        codes = ", ".join(lacking[:5]) + (", …" if len(lacking) > 5 else "")
        lines.append(text("map.unmatched", lang, n=len(lacking), codes=codes))
    return "\n".join(lines)


def map_figure(layer: geopandas.GeoDataFrame, column: str, *, title: str, legend: str,
               lang: str = DEFAULT_LANGUAGE, outlines: geopandas.GeoDataFrame | None = None,
               note: str | None = None, categorical: bool = False,
               missing: str | None = None) -> Figure:
    """A map of ``column`` of ``layer``: a choropleth for a polygon layer, coloured and
    sized dots for a point layer; ``outlines`` (see :func:`kecamatan_outlines`) drawn and
    named when given. ``title`` goes above the map, ``legend`` on the colour bar (or the
    key of a ``categorical`` column), ``missing`` (default "no data") labels villages
    without a value, ``note`` (e.g. the SYNTHETIC data note) goes in small print below.
    A Figure on the Agg canvas; pass it to :func:`map_png` for the file."""
    fig = Figure(figsize=_size(layer), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    drawn = layer[layer.geometry.notna()]
    _draw_values(ax, drawn, column, legend, missing or text("map.no_data", lang),
                 categorical)
    if outlines is not None:
        _draw_outlines(ax, outlines)
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=13)
    fig.text(0.01, 0.005, _footer(layer, note, lang), fontsize=7, color="#C00000",
             ha="left", va="bottom")
    fig.get_layout_engine().set(h_pad=0.3)
    return fig


def map_png(fig: Figure) -> bytes:
    """The map as PNG bytes: fixed size and resolution, no "Software" metadata, so the
    same map gives the same bytes."""
    return png_bytes(fig)


@contextlib.contextmanager
def _fixed_gpkg_date() -> Iterator[None]:
    """GDAL stamps GeoPackages with the current time; pin it (and restore it after)."""
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def _write_gpkg(layer: geopandas.GeoDataFrame, path: Path, lang: str) -> None:
    with _fixed_gpkg_date():
        layer.to_file(path, driver="GPKG", layer=LAYER[check_language(lang)], index=False,
                      engine="pyogrio")


def plan_geopackage(layer: geopandas.GeoDataFrame, path: str | Path,
                    lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write ``layer`` to the GeoPackage ``path`` (replaced if it exists) as the layer
    "rencana" (``lang="id"``) or "plan" (``"en"``), for QGIS. Meant for polygon layers;
    a point layer is written too (as points). Villages without a polygon keep their row
    with an empty geometry. Atomic: written to a temporary file in the same folder, then
    renamed; the file is byte-identical for the same layer. Returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as tmp:
        staging = Path(tmp) / path.name
        _write_gpkg(layer, staging, lang)
        staging.replace(path)
    return path


def geopackage_bytes(layer: geopandas.GeoDataFrame, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The GeoPackage :func:`plan_geopackage` writes, as bytes (for a results folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layer.gpkg"
        _write_gpkg(layer, path, lang)
        return path.read_bytes()


PLAN_COLUMNS = ["programs", "cost", "share_of_spending", "deprived_total", "removed_total"]
"""The allocation.tables.villages columns a plan layer carries."""


def plan_layer(ds, allocation, scores: pd.DataFrame | None = None,
               boundary: str | Path | None = None) -> geopandas.GeoDataFrame:
    """Every village of ``ds`` with its poverty index (``poverty_index`` and, if present,
    ``selected`` from ``scores``, e.g. ``score_villages(ds).table``; without ``scores``
    from the allocation, i.e. for the focus villages only) and its part of the plan
    (:data:`PLAN_COLUMNS`; NaN where nothing is planned)."""
    if scores is not None:
        poverty = scores[[c for c in ("code", "poverty_index", "selected") if c in scores]]
    else:
        poverty = allocation.instance.villages[["code", "poverty_index"]]
    plan = allocation.tables.villages.rename(columns={"village": "code"})
    values = poverty.merge(plan[["code", *PLAN_COLUMNS]], on="code", how="outer")
    return village_layer(ds.villages, values, boundary)


def plan_map_files(ds, allocation, *, scores: pd.DataFrame | None = None,
                   boundary: str | Path | None = None,
                   boundary_kecamatan: str | Path | None = None,
                   lang: str = DEFAULT_LANGUAGE, note: str | None = None) -> dict[str, bytes]:
    """The maps of a run, file name -> bytes: ``map_plan.png`` (spending per village;
    villages where nothing is planned in grey), ``map_poverty.png`` (the poverty index of
    every village when ``scores`` is given, else of the focus villages) and, when a
    village ``boundary`` file is given, ``map_plan.gpkg`` (the plan layer of
    :func:`plan_layer` plus ``data_status``, for QGIS).

    ``ds``: the DataSet; ``allocation``: an Allocation holding a plan; ``scores``: a
    table with ``code`` and ``poverty_index`` for every village; ``boundary`` /
    ``boundary_kecamatan``: village / kecamatan boundary files (without ``boundary`` the
    maps show dots at the village centres); ``note``: the data-status line under each map
    (default: the SYNTHETIC note). Raises MapError for an unusable boundary file.
    """
    if allocation.tables is None:
        raise ValueError("the allocation holds no plan; there is nothing to map")
    layer = plan_layer(ds, allocation, scores, boundary)
    outlines = kecamatan_outlines(layer, boundary_kecamatan)
    line = note if note is not None else words("fig.synthetic", lang)
    spent = layer.assign(cost=layer["cost"].where(layer["cost"] > 0))
    files = {
        "map_plan.png": map_png(map_figure(
            spent, "cost", title=plan_title(text("map.title.plan", lang), allocation, lang),
            legend=header("cost", lang),
            lang=lang, outlines=outlines, note=line, missing=text("map.no_plan", lang))),
        "map_poverty.png": map_png(map_figure(
            layer, "poverty_index", title=text("map.title.poverty", lang),
            legend=header("poverty_index", lang), lang=lang, outlines=outlines, note=line)),
    }
    if boundary is not None:
        files["map_plan.gpkg"] = geopackage_bytes(layer.assign(data_status=line), lang)
    return files

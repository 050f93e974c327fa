"""Maps of the villages: the plan and the poverty index as PNG (focus villages named),
the plan as an interactive HTML map (folium) and as a GeoPackage layer.

A *village layer* is a GeoDataFrame (EPSG:4326) with one row per village of
``villages.csv``. With a boundary file (GeoJSON, GeoPackage, shapefile: anything GDAL
reads, with a ``code`` property holding the village code) its geometry is the village
polygons; without one it is the village centres from the ``lat``/``lon`` columns, drawn
as dots. Kecamatan outlines come from a kecamatan boundary file or are dissolved from the
village polygons.

Figures use matplotlib's object API on the Agg canvas (no pyplot state) at a fixed size
and resolution, so the same inputs give byte-identical PNG files; they are
:class:`~planning.report.figures.Chart` objects, which a notebook shows as images.
GeoPackages are written with a fixed modification date, and the random element ids of
the interactive map are renumbered, for the same reason.

A boundary file that is missing, unreadable, not polygons, without a ``code`` property or
matching none of the codes raises :class:`MapError`, whose :meth:`MapError.render` says in
Bahasa Indonesia or English which file and what to do.
"""

from __future__ import annotations

import contextlib
import html
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import pyogrio
import shapely
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke
from matplotlib.text import Text

from planning.i18n import DEFAULT_LANGUAGE, check_language, number, text
from planning.report.figures import DARK, GREY, Chart, new_chart, plan_title, png_bytes
from planning.report.labels import column as header
from planning.report.labels import named_plan, words

__all__ = ["MapError", "is_polygon_layer", "kecamatan_outlines", "map_figure", "map_png",
           "plan_geopackage", "plan_layer", "plan_map_files", "plan_web_map",
           "read_boundary", "village_layer", "web_map", "web_map_html"]

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


SMALLEST, LARGEST = 15.0, 150.0
"""Dot areas (points²) of the smallest and the largest value of a point map."""


def _sizes(values: pd.Series) -> np.ndarray:
    """Dot areas (points²) from :data:`SMALLEST` to :data:`LARGEST` growing with
    ``values`` (NaN stays NaN)."""
    numbers = values.astype(float)
    return _area(numbers, numbers.min(), numbers.max()).to_numpy()


def _area(numbers, low: float, high: float):
    share = (numbers - low) / (high - low) if high > low else numbers * 0 + 0.5
    return SMALLEST + (LARGEST - SMALLEST) * share


def _size_keys(values: pd.Series, lang: str) -> list[Line2D]:
    """The size legend of a point map: two to four round values within the range of
    ``values``, each a dot of the area it is drawn with, labelled in ``lang``."""
    from matplotlib.ticker import MaxNLocator

    numbers = values.astype(float).dropna()
    if numbers.empty:
        return []
    low, high = float(numbers.min()), float(numbers.max())
    steps = [v for v in MaxNLocator(4).tick_values(low, high) if low <= v <= high]
    shown = steps if len(steps) >= 2 else [low, high] if high > low else [low]
    digits = 0 if high - low >= 10 else 2
    return [Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                   markeredgecolor=DARK, markersize=float(np.sqrt(_area(v, low, high))),
                   label=number(v, lang, digits)) for v in shown]


def _draw_values(ax, layer: geopandas.GeoDataFrame, column: str, legend: str,
                 missing: str, categorical: bool, lang: str = DEFAULT_LANGUAGE) -> None:
    """The choropleth (polygons) or the coloured, sized dots (points), with its legend:
    a colour bar for numbers, a key for categories; missing values in grey; on a point
    map of numbers also a size key (the dot sizes of a few round values)."""
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
    if categorical:
        return
    keys = [handle] if layer[column].isna().any() else []
    sizes = [] if polygons else _size_keys(layer[column], lang)
    if keys or sizes:
        ax.legend(handles=[*sizes, *keys], loc="lower left", fontsize=8, frameon=False,
                  title=text("map.size_key", lang, legend=legend) if sizes else None,
                  title_fontsize=8,
                  labelspacing=1.0 if sizes else 0.5)


def _label_points(areas: geopandas.GeoDataFrame) -> np.ndarray:
    """Where to write each area's name: its centroid when that lies inside it, else a
    point surely inside. (Shapely directly: in degrees is fine for placing a label.)"""
    shapes = areas.geometry.to_numpy()
    centres = shapely.centroid(shapes)
    return np.where(shapely.within(centres, shapes), centres,
                    shapely.point_on_surface(shapes))


def _draw_outlines(ax, outlines: geopandas.GeoDataFrame) -> list:
    """Kecamatan borders, each labelled with its name; returns the name labels."""
    outlines.boundary.plot(ax=ax, color=DARK, linewidth=0.9, zorder=2)
    halo = [withStroke(linewidth=2.5, foreground="white")]
    return [ax.annotate(name, (point.x, point.y), ha="center", va="center", fontsize=7.5,
                        color=DARK, fontweight="bold", path_effects=halo, zorder=4)
            for name, point in zip(outlines["kecamatan"], _label_points(outlines),
                                   strict=True)]


#: where a village's name may go: the direction from its dot (or label point) and the
#: alignment that keeps the text on that side; tried in this order, first at the dot's
#: edge, then further out, 7 points at a time (five times)
SIDES = [((1, 0), "left", "center"), ((-1, 0), "right", "center"),
         ((0, 1), "center", "bottom"), ((0, -1), "center", "top"),
         ((1, 1), "left", "bottom"), ((-1, 1), "right", "bottom"),
         ((1, -1), "left", "top"), ((-1, -1), "right", "top")]


def _dot_boxes(fig: Figure, ax) -> tuple[list, dict]:
    """The display boxes of every dot on the map, and each dot's radius in points by
    its data position (to keep a name off its own dot)."""
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import Bbox

    boxes, radius = [], {}
    scale = fig.dpi / 72
    for dots in (c for c in ax.collections if isinstance(c, PathCollection)):
        offsets = dots.get_offsets()
        areas = np.broadcast_to(dots.get_sizes(), (len(offsets),)) if len(
            dots.get_sizes()) else np.zeros(len(offsets))
        shown = dots.get_offset_transform().transform(offsets)
        for (x, y), (dx, dy), area in zip(offsets, shown, areas, strict=True):
            half = float(np.sqrt(area)) / 2
            radius[(round(float(x), 9), round(float(y), 9))] = half
            boxes.append(Bbox.from_extents(dx - half * scale, dy - half * scale,
                                           dx + half * scale, dy + half * scale))
    return boxes, radius


def _label_villages(fig: Figure, ax, layer: geopandas.GeoDataFrame, labelled: pd.Series,
                    keep_clear: list) -> list:
    """The names of the villages where ``labelled`` is true, each beside its dot (or
    its polygon's label point) on the first side of :data:`SIDES` where it overlaps no
    dot, no name placed before it, no kecamatan name (``keep_clear``), no legend or
    colour bar, inside the map's frame; where every side is taken, the side with the least overlap,
    a name over another name or off the map counting far more than one over a dot. A
    name put further out than the first ring gets a thin grey line to its village.
    Names are placed in the order of the layer, after the layout is settled, and do not
    move it."""
    chosen = layer[labelled.reindex(layer.index, fill_value=False).astype(bool)
                   & layer.geometry.notna()]
    if chosen.empty:
        return []
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    dots, radius = _dot_boxes(fig, ax)
    taken = [a.get_window_extent(renderer) for a in keep_clear]
    taken += [legend.get_window_extent(renderer) for legend in
              (ax.get_legend(), *fig.legends) if legend is not None]
    taken += [other.get_tightbbox(renderer) for other in fig.axes if other is not ax]
    halo = [withStroke(linewidth=2.0, foreground="white")]
    names = []
    for name, point in zip(chosen["name"], _label_points(chosen), strict=True):
        gap = radius.get((round(point.x, 9), round(point.y, 9)), 0.0) + 2.0
        label = ax.annotate(name, (point.x, point.y), xytext=(gap, 0),
                            textcoords="offset points", fontsize=6.5, color="black",
                            path_effects=halo, zorder=5,
                            arrowprops={"arrowstyle": "-", "color": GREY, "lw": 0.5,
                                        "shrinkA": 1, "shrinkB": gap})
        label.set_in_layout(False)
        best = None
        for far in gap + np.arange(6) * 7.0:
            for (dx, dy), ha, va in SIDES:
                offset = (dx * far * (0.75 if dy else 1), dy * far * (0.75 if dx else 1))
                label.set(position=offset, ha=ha, va=va)
                label.update_positions(renderer)  # the text alone, not its line
                box = Text.get_window_extent(label, renderer).padded(0.5 * fig.dpi / 72)
                clash = (sum(_overlap(box, other) for other in dots)  # over a dot
                         + 20 * sum(_overlap(box, other) for other in taken)  # a name
                         + 50 * (box.width * box.height - _overlap(box, ax.bbox)))
                if best is None or clash < best[0]:
                    best = (clash, offset, ha, va, box)
                if clash == 0:
                    break
            if best[0] == 0:
                break
        _, offset, ha, va, box = best
        label.set(position=offset, ha=ha, va=va)
        label.arrow_patch.set_visible(max(map(abs, offset)) > gap + 1)  # a leader line
        taken.append(box)
        names.append(label)
    return names


def _overlap(a, b) -> float:
    """The area two display boxes share."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


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
               missing: str | None = None, labels: pd.Series | None = None) -> Chart:
    """A map of ``column`` of ``layer``: a choropleth for a polygon layer, coloured and
    sized dots for a point layer (with a size key); ``outlines`` (see
    :func:`kecamatan_outlines`) drawn and named when given. ``title`` goes above the
    map, ``legend`` on the colour bar (or the key of a ``categorical`` column),
    ``missing`` (default "no data") labels villages without a value, ``note`` (e.g. the
    SYNTHETIC data note) goes in small print below. ``labels``: a boolean Series on the
    layer's index; the villages where it is true (e.g. the focus villages) get their
    name beside them, placed clear of each other. A :class:`Chart` (shown as an image
    in a notebook); pass it to :func:`map_png` for the file."""
    fig = new_chart(_size(layer))
    ax = fig.add_subplot()
    drawn = layer[layer.geometry.notna()]
    _draw_values(ax, drawn, column, legend, missing or text("map.no_data", lang),
                 categorical, lang)
    names = _draw_outlines(ax, outlines) if outlines is not None else []
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=13)
    fig.text(0.01, 0.005, _footer(layer, note, lang), fontsize=7, color="#C00000",
             ha="left", va="bottom")
    fig.get_layout_engine().set(h_pad=0.3)
    if labels is not None:
        _label_villages(fig, ax, layer, labels, names)
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
    from the allocation, i.e. for the focus villages only), ``focus`` (true for the
    villages of the plan: the allocation's focus villages) and its part of the plan
    (:data:`PLAN_COLUMNS`; NaN where nothing is planned)."""
    if scores is not None:
        poverty = scores[[c for c in ("code", "poverty_index", "selected") if c in scores]]
    else:
        poverty = allocation.instance.villages[["code", "poverty_index"]]
    plan = allocation.tables.villages.rename(columns={"village": "code"})
    values = poverty.merge(plan[["code", *PLAN_COLUMNS]], on="code", how="outer")
    values.insert(1, "focus", values["code"].isin(plan["code"]))
    return village_layer(ds.villages, values, boundary)


# --- the interactive map (HTML) ---------------------------------------------------------

TILES = "OpenStreetMap"
"""The basemap of the interactive map: loaded by the planner's browser when the page is
opened (never while the map is made); None for a map without a basemap."""
SIMPLIFY = 0.0002
"""Village and kecamatan polygons of the interactive map are simplified to this many
degrees (about 20 m), which keeps the file small; the GeoPackage keeps them exact."""
_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


def _rp(value: float, lang: str) -> str:
    return text("map.popup.rp", lang, amount=number(value, lang, 1 if value % 1 else 0))


def _popup(village: pd.Series, items: pd.DataFrame, lang: str, note: str) -> str:
    """The popup of one village (HTML): its name and code, kecamatan, whether it is a
    focus village, its poverty index and the plan's programmes there (name, units,
    money), then the data note."""
    esc = html.escape
    focus = text("map.popup.focus" if village["focus"] else "map.popup.not_focus", lang)
    lines = [f"<b>{esc(village['name'])}</b> ({esc(village['code'])})",
             f"{esc(header('kecamatan', lang))}: {esc(village['kecamatan'])}",
             f"<i>{esc(focus)}</i>"]
    if pd.notna(village.get("poverty_index")):
        lines.append(f"{esc(header('poverty_index', lang))}: "
                     f"{number(village['poverty_index'], lang, 3)}")
    if items.empty:
        lines.append(esc(text("map.popup.nothing", lang)))
    else:
        rows = "".join(
            f"<tr><td>{esc(str(r.program_name))} ({esc(r.agency)})</td>"
            f"<td style='text-align:right'>{number(r.units, lang, 0)}</td>"
            f"<td style='text-align:right'>{esc(_rp(r.cost, lang))}</td></tr>"
            for r in items.itertuples())
        total = esc(_rp(items["cost"].sum(), lang))
        lines.append(
            "<table style='font-size:11px'><tr>"
            f"<th style='text-align:left'>{esc(header('program', lang))}</th>"
            f"<th>{esc(header('units', lang))}</th><th></th></tr>{rows}"
            f"<tr><td><b>{esc(text('map.popup.total', lang))}</b></td><td></td>"
            f"<td style='text-align:right'><b>{total}</b></td></tr></table>")
    lines.append(f"<small style='color:#C00000'>{esc(note)}</small>")
    return "<br>".join(lines)


def _web_shapes(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    if is_polygon_layer(frame):
        frame = frame.assign(geometry=frame.geometry.simplify(SIMPLIFY,
                                                              preserve_topology=True))
    return frame


def web_map(layer: geopandas.GeoDataFrame, plan: pd.DataFrame, *,
            outlines: geopandas.GeoDataFrame | None = None, title: str, legend: str,
            lang: str = DEFAULT_LANGUAGE, note: str = "", tiles: str | None = TILES):
    """The interactive map of a plan (a folium Map, made with geopandas' ``explore``):
    every village of ``layer`` (a :func:`plan_layer`: polygons or dots) coloured by its
    ``cost``, grey where nothing is planned, its name as a tooltip and, on a click, a
    popup with its kecamatan, whether it is a focus village, its poverty index and its
    programmes from ``plan`` (the plan table with ``program_name`` in ``lang``: units
    and money); the focus villages' names written on the map; the kecamatan
    ``outlines`` when given; a layer switch. ``tiles``: the basemap (None: none). In a
    notebook the Map shows itself; :func:`web_map_html` gives the file."""
    import folium

    lang = check_language(lang)
    items = plan[plan["units"] > 0].groupby("village", sort=False)
    empty = plan.iloc[0:0]
    popups = [_popup(row, items.get_group(row["code"]) if row["code"] in items.groups
                     else empty, lang, note) for _, row in layer.iterrows()]
    shown = _web_shapes(layer[layer.geometry.notna()].assign(
        popup=[p for p, ok in zip(popups, layer.geometry.notna(), strict=True) if ok]))
    shown = shown[["code", "name", "kecamatan", "cost", "popup", "geometry"]]
    shown = shown.assign(cost=shown["cost"].where(shown["cost"] > 0))
    names = {"name": header("name", lang), "kecamatan": header("kecamatan", lang)}
    fmap = folium.Map(tiles=tiles, control_scale=True)
    style = ({"weight": 0.6, "color": "white", "fillOpacity": 0.75}
             if is_polygon_layer(shown) else {"weight": 1, "color": DARK, "fillOpacity": 0.9})
    shown.explore(m=fmap, column="cost", cmap=CMAP, name=text("map.layer.villages", lang),
                  tooltip=["name", "kecamatan"], tooltip_kwds={"aliases": [
                      names["name"], names["kecamatan"]]},
                  popup=["popup"], popup_kwds={"labels": False, "max_width": 420},
                  marker_type="circle_marker", marker_kwds={"radius": 6},
                  style_kwds=style, legend=True, legend_kwds={"caption": legend},
                  missing_kwds={"color": MISSING, "fillColor": MISSING,
                                "label": text("map.no_plan", lang)})
    if outlines is not None:
        _web_shapes(outlines[["kecamatan", "geometry"]]).explore(
            m=fmap, name=text("map.layer.kecamatan", lang), tooltip=["kecamatan"],
            tooltip_kwds={"aliases": [names["kecamatan"]]}, popup=False,
            style_kwds={"fill": False, "color": DARK, "weight": 2})
    focus = layer[layer["focus"].astype(bool) & layer.geometry.notna()]
    labels = folium.FeatureGroup(name=text("map.layer.names", lang))
    for name, point in zip(focus["name"], _label_points(focus), strict=True):
        folium.Marker([point.y, point.x], icon=folium.DivIcon(
            icon_size=(150, 16), icon_anchor=(-8, 8), class_name="planning-name",
            html=f"<span style='font-size:11px;font-weight:bold;color:#1F1F1F;"
                 f"text-shadow:0 0 3px white,0 0 3px white'>{html.escape(name)}</span>"),
        ).add_to(labels)
    labels.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    heading = html.escape(title) + (f"<br><small style='color:#C00000'>{html.escape(note)}"
                                    f"</small>" if note else "")
    fmap.get_root().html.add_child(folium.Element(
        "<div style='position:fixed;top:10px;left:60px;z-index:1000;background:white;"
        f"padding:4px 8px;font-family:sans-serif;font-size:14px'>{heading}</div>"))
    west, south, east, north = layer.total_bounds
    fmap.fit_bounds([[float(south), float(west)], [float(north), float(east)]])
    return fmap


def web_map_html(fmap) -> bytes:
    """The interactive map as one HTML file (UTF-8). folium names every element with a
    random 32-digit id; they are renumbered in order of appearance, so the same map
    gives the same bytes. The page loads Leaflet and the basemap from the internet when
    it is opened."""
    page = fmap.get_root().render()
    ids: dict[str, str] = {}
    page = _ID.sub(lambda m: ids.setdefault(m.group(0), f"{len(ids) + 1:032x}"), page)
    return page.encode("utf-8")


def _plan_web_map(ds, allocation, layer, outlines, title: str, note: str, lang: str,
                  tiles: str | None):
    named = named_plan(allocation.tables.plan, ds.programs, lang)
    return web_map(layer, named, outlines=outlines, title=title.replace("\n", " "),
                   legend=header("cost", lang), lang=lang, note=note, tiles=tiles)


def plan_web_map(ds, allocation, *, scores: pd.DataFrame | None = None,
                 boundary: str | Path | None = None,
                 boundary_kecamatan: str | Path | None = None,
                 lang: str = DEFAULT_LANGUAGE, note: str | None = None,
                 tiles: str | None = TILES):
    """The interactive map of a run's plan (a folium Map, see :func:`web_map`), with
    the arguments of :func:`plan_map_files`: what ``map_plan.html`` holds; a notebook
    shows it."""
    if allocation.tables is None:
        raise ValueError("the allocation holds no plan; there is nothing to map")
    layer = plan_layer(ds, allocation, scores, boundary)
    outlines = kecamatan_outlines(layer, boundary_kecamatan)
    line = note if note is not None else words("fig.synthetic", lang)
    title = plan_title(text("map.title.plan", lang), allocation, lang)
    return _plan_web_map(ds, allocation, layer, outlines, title, line, lang, tiles)


def plan_map_files(ds, allocation, *, scores: pd.DataFrame | None = None,
                   boundary: str | Path | None = None,
                   boundary_kecamatan: str | Path | None = None,
                   lang: str = DEFAULT_LANGUAGE, note: str | None = None,
                   tiles: str | None = TILES) -> dict[str, bytes]:
    """The maps of a run, file name -> bytes: ``map_plan.png`` (spending per village;
    villages where nothing is planned in grey), ``map_poverty.png`` (the poverty index of
    every village when ``scores`` is given, else of the focus villages), both with the
    focus villages named; ``map_plan.html`` (the interactive map of :func:`web_map`,
    with the basemap ``tiles``) and ``map_plan.gpkg`` (the plan layer of
    :func:`plan_layer` plus ``data_status``, for QGIS: polygons with a boundary file,
    points at the village centres without).

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
    title = plan_title(text("map.title.plan", lang), allocation, lang)
    files = {
        "map_plan.png": map_png(map_figure(
            spent, "cost", title=title, legend=header("cost", lang), lang=lang,
            outlines=outlines, note=line, missing=text("map.no_plan", lang),
            labels=layer["focus"])),
        "map_poverty.png": map_png(map_figure(
            layer, "poverty_index", title=text("map.title.poverty", lang),
            legend=header("poverty_index", lang), lang=lang, outlines=outlines, note=line,
            labels=layer["focus"])),
    }
    if getattr(allocation.tables, "plan", None) is not None:
        files["map_plan.html"] = web_map_html(_plan_web_map(
            ds, allocation, layer, outlines, title, line, lang, tiles))
    files["map_plan.gpkg"] = geopackage_bytes(layer.assign(data_status=line), lang)
    return files

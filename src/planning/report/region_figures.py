"""The figures of a region's two-level plan (PNG):

* ``region_split.png``: per district its own pagu and its share of the envelope, with
  its floor and cap marked, sorted by share (more than :data:`MAX_BARS` districts: summed
  per province);
* ``region_curves.png``: each district's budget curve, the LP relaxation's bound and the
  quick plans' values against the budget, its share marked (small multiples up to
  :data:`MAX_PANELS` districts; more: the marginal value at the share against the
  spending per poor person, one point per district);
* ``region_equity.png``: the spending per poor person per district, sorted, with the
  region's average (more than :data:`MAX_BARS` districts: the Lorenz curve of spending
  across poor people, district by district).

Drawn as :mod:`planning.report.figures` draws: :class:`~planning.report.figures.Chart`
on the Agg canvas at a fixed size and 200 dpi, the data note in red under the plot, so
the same plan gives byte-identical files and a notebook shows each as its image.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from planning.i18n import number, percent, text
from planning.report.figures import DARK, GREY, LIGHT, new_chart, png_bytes
from planning.report.labels import words

__all__ = ["MAX_BARS", "MAX_PANELS", "REGION_FIGURES", "SIZES", "region_figure_files",
           "region_figure_objects"]

#: the most districts drawn one bar each (more: summed per province, or a Lorenz curve)
MAX_BARS = 40
#: the most districts drawn one panel each (more: one scatter of all)
MAX_PANELS = 12
#: figure size in inches per file (at 200 dpi: 1800 x 1200 pixels, 2000 x 1400)
SIZES = {"region_split.png": (9.0, 6.0), "region_curves.png": (10.0, 7.0),
         "region_equity.png": (9.0, 6.0)}
REGION_FIGURES = tuple(SIZES)
RED = "#C00000"


def _finish(fig: Figure, title: str, note: str, ax=None) -> Figure:
    if ax is not None:
        ax.set_title(title, fontsize=12, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
    else:
        fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    fig.text(0.01, 0.005, note, fontsize=8, color=RED, ha="left", va="bottom")
    fig.get_layout_engine().set(h_pad=0.25)
    return fig


def _money(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda v, _: number(v, lang, 0))


def _districts(plan) -> pd.DataFrame:
    rows = plan.districts.copy()
    rows["code"] = rows["code"].astype(str)
    for key in ("pagu_own", "share", "floor", "cap", "marginal_value", "cost", "poor_people",
                "spending_per_poor_person", "objective", "bound"):
        rows[key] = pd.to_numeric(rows.get(key), errors="coerce")
    if "name" not in rows:
        rows["name"] = rows["code"]
    if "province_code" not in rows:
        rows["province_code"] = rows["code"].str.split(".").str[0]
    rows["province_code"] = rows["province_code"].astype(str)
    return rows


def _title(key: str, plan, lang: str) -> str:
    """The figure's title, with the combined plan's certified gap on a second line."""
    gap = (plan.totals or {}).get("gap")
    title = text(key, lang)
    if gap is None:
        return title
    return f"{title}\n{text('region.fig.gap_title', lang, gap=percent(gap, lang, 2))}"


#: the longest axis label (characters); a longer one ends in "…" so that a reader sees it
#: was shortened (the tables carry the whole name)
LABEL_CHARS = 28


def _label(code: str, name: object) -> str:
    """``code name``, shortened to :data:`LABEL_CHARS` with a closing ellipsis."""
    name = str(name) if isinstance(name, str) and name and name != code else ""
    label = f"{code} {name}".strip()
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _split(plan, lang: str, note: str) -> Figure:
    """Per district (or province) its own pagu (light bar) and its share (dark bar), the
    floor and the cap as marks on the share's line, sorted by share."""
    rows = _districts(plan)
    by_province = len(rows) > MAX_BARS
    if by_province:
        rows = rows.groupby("province_code", sort=True)[
            ["pagu_own", "share", "floor", "cap"]].sum(min_count=1).reset_index()
        rows["label"] = rows["province_code"]
    else:
        rows["label"] = [_label(c, n) for c, n in zip(rows["code"], rows["name"], strict=True)]
    rows = rows.sort_values(["share", "label"], ascending=[True, False], kind="stable",
                            na_position="first").reset_index(drop=True)
    fig = new_chart(SIZES["region_split.png"])
    ax = fig.add_subplot()
    at = np.arange(len(rows))
    size = 7 if len(rows) > 20 else 9
    ax.barh(at + 0.2, rows["pagu_own"].fillna(0.0), height=0.4, color=LIGHT,
            label=text("region.fig.own", lang))
    ax.barh(at - 0.2, rows["share"].fillna(0.0), height=0.4, color=DARK,
            label=text("region.fig.share", lang))
    ok = rows["floor"].notna() & rows["cap"].notna()
    ax.hlines(at[ok] - 0.2, rows.loc[ok, "floor"], rows.loc[ok, "cap"], colors=GREY,
              linewidth=1.0, zorder=3)
    ax.scatter(pd.concat([rows.loc[ok, "floor"], rows.loc[ok, "cap"]]),
               np.concatenate([at[ok] - 0.2, at[ok] - 0.2]), marker="|", s=120, color=RED,
               zorder=4, label=text("region.fig.floor_cap", lang))
    for y, share in zip(at, rows["share"], strict=True):
        if share != share:
            ax.annotate(text("region.fig.no_plan", lang), (0, y - 0.2), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=size - 1,
                        color=RED)
    ax.set_yticks(at, rows["label"].tolist(), fontsize=size)
    ax.xaxis.set_major_formatter(_money(lang))
    ax.set_xlabel(words("fig.money", lang))
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    key = "region.fig.split_province" if by_province else "region.fig.split"
    return _finish(fig, _title(key, plan, lang), note, ax)


def _curves(plan, lang: str, note: str) -> Figure:
    """Small multiples: per district its LP bound and quick-plan values against the
    budget, the share as a vertical line; more than :data:`MAX_PANELS` districts: the
    marginal value at the share against the spending per poor person."""
    rows = _districts(plan)
    fig = new_chart(SIZES["region_curves.png"])
    if len(rows) > MAX_PANELS:
        ax = fig.add_subplot()
        ok = rows["marginal_value"].notna() & rows["spending_per_poor_person"].notna()
        ax.scatter(rows.loc[ok, "spending_per_poor_person"], rows.loc[ok, "marginal_value"],
                   s=18, color=DARK, alpha=0.8)
        level = (plan.totals or {}).get("water_level")
        if level is not None:
            ax.axhline(level, color=RED, linestyle="--", linewidth=1,
                       label=text("region.label.water_level", lang))
            ax.legend(loc="upper right", frameon=False, fontsize=8)
        ax.set_xlabel(text("region.column.spending_per_poor_person", lang))
        ax.set_ylabel(text("region.column.marginal_value", lang))
        return _finish(fig, _title("region.fig.marginal", plan, lang), note, ax)
    curves = plan.curves.copy()
    curves["district"] = curves["district"].astype(str)
    n = max(len(rows), 1)
    ncols = 1 if n == 1 else 2 if n <= 4 else 3 if n <= 9 else 4
    nrows = -(-n // ncols)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(rows):
            ax.set_visible(False)
            continue
        row = rows.iloc[i]
        points = curves[curves["district"] == row["code"]].sort_values("budget")
        ax.plot(points["budget"], pd.to_numeric(points["bound"], errors="coerce"),
                color=DARK, marker="o", markersize=3, linewidth=1.4,
                label=text("region.fig.lp", lang))
        ax.plot(points["budget"], pd.to_numeric(points["value"], errors="coerce"),
                color=GREY, marker="s", markersize=3, linewidth=1.0, linestyle="--",
                label=text("region.fig.quick", lang))
        if row["share"] == row["share"]:
            ax.axvline(row["share"], color=RED, linewidth=1,
                       label=text("region.fig.share", lang))
        ax.set_title(_label(row["code"], row["name"]), fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_formatter(_money(lang))
        ax.yaxis.set_major_formatter(_money(lang))
        ax.spines[["top", "right"]].set_visible(False)
        if i % ncols == 0:
            ax.set_ylabel(text("region.fig.value_axis", lang), fontsize=8)
        if i >= len(rows) - ncols:
            ax.set_xlabel(words("fig.money", lang), fontsize=8)
        if i == 0:
            fig.legend(*ax.get_legend_handles_labels(), loc="upper right", ncol=3,
                       frameon=False, fontsize=8)
    return _finish(fig, _title("region.fig.curves", plan, lang), note)


def _equity(plan, lang: str, note: str) -> Figure:
    """Spending per poor person per district, sorted, with the region's average (the
    total spending over the poor people of the districts with a plan); more than
    :data:`MAX_BARS` districts: the Lorenz curve."""
    rows = _districts(plan)
    rows = rows[rows["spending_per_poor_person"].notna()]
    fig = new_chart(SIZES["region_equity.png"])
    ax = fig.add_subplot()
    poor = float(rows["poor_people"].sum())
    mean = float(rows["cost"].sum()) / poor if poor else None
    if len(rows) > MAX_BARS:
        order = rows.sort_values(["spending_per_poor_person", "code"], kind="stable")
        x = np.concatenate([[0.0], order["poor_people"].cumsum() / poor])
        y = np.concatenate([[0.0], order["cost"].cumsum() / float(order["cost"].sum())])
        ax.plot(x, y, color=DARK, linewidth=1.6)
        ax.plot([0, 1], [0, 1], color=GREY, linestyle="--", linewidth=1,
                label=text("region.fig.equality", lang))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(text("region.fig.poor_share", lang))
        ax.set_ylabel(text("region.fig.spending_share", lang))
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        return _finish(fig, _title("region.fig.lorenz", plan, lang), note, ax)
    rows = rows.sort_values(["spending_per_poor_person", "code"], kind="stable")
    labels = [_label(c, n) for c, n in zip(rows["code"], rows["name"], strict=True)]
    at = np.arange(len(rows))
    size = 7 if len(rows) > 20 else 9
    bars = ax.barh(at, rows["spending_per_poor_person"], color=DARK, height=0.6)
    ax.bar_label(bars, labels=[number(v, lang, 3) for v in rows["spending_per_poor_person"]],
                 padding=3, fontsize=size - 1)
    if mean is not None:
        ax.axvline(mean, color=RED, linestyle="--", linewidth=1,
                   label=text("region.fig.mean", lang, value=number(mean, lang, 3)))
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set_yticks(at, labels, fontsize=size)
    ax.margins(x=0.12)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang, 2)))
    ax.set_xlabel(text("region.column.spending_per_poor_person", lang))
    return _finish(fig, _title("region.fig.equity", plan, lang), note, ax)


def region_figure_objects(plan, lang: str = "id", note: str | None = None) -> dict[str, Figure]:
    """The figures of a :class:`~planning.analysis.region.RegionPlan` as Charts, file
    name -> Figure (``note``: the data-status line under each; default: the synthetic
    note)."""
    line = note if note is not None else words("fig.synthetic", lang)
    return {"region_split.png": _split(plan, lang, line),
            "region_curves.png": _curves(plan, lang, line),
            "region_equity.png": _equity(plan, lang, line)}


def region_figure_files(plan, lang: str = "id", note: str | None = None) -> dict[str, bytes]:
    """The figures of :func:`region_figure_objects` as PNG bytes, file name -> bytes."""
    return {name: png_bytes(fig)
            for name, fig in region_figure_objects(plan, lang, note).items()}

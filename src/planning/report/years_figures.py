"""The figures of a multi-year plan (PNG, in ``figures/``): progress toward each RPJMD
target per year with the target line (``rpjmd_progress.png``), and the spending of each
agency per year, stacked, against the year's total pagu (``spending_per_year.png``).

Drawn as :mod:`planning.report.figures` draws: :class:`~planning.report.figures.Chart`
on the Agg canvas, fixed size and resolution, the data note in red under the plot, so the
same plan gives byte-identical files and a notebook shows each as its image.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from planning.data import DataSet
from planning.i18n import number, text
from planning.report.figures import DARK, GREY, SIZE, new_chart, plan_title, png_bytes
from planning.report.labels import words

__all__ = ["YEAR_FIGURES", "years_figure_files", "years_figure_objects"]

#: file name -> the title's message key
YEAR_FIGURES = {"rpjmd_progress.png": "rkpd.fig.progress",
                "spending_per_year.png": "rkpd.fig.spending"}
#: agency colours, in order (matplotlib's tab20, readable in print)
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
           "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"]


def _finish(fig: Figure, ax, title: str, note: str) -> Figure:
    ax.set_title(title, fontsize=12, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.005, note, fontsize=8, color="#C00000", ha="left", va="bottom")
    fig.get_layout_engine().set(h_pad=0.25)
    return fig


def _progress(plan, ds: DataSet, lang: str, note: str) -> Figure:
    """Per target, what is achieved by the end of each year as a share of its goal (a
    line with the value at each point), the target line at 100 % and the target's year
    marked."""
    from planning.report.years import target_label

    fig = new_chart(SIZE)
    ax = fig.add_subplot()
    targets = plan.targets
    years = [int(y) for y in plan.years]
    dims = ds.dimensions.set_index("group")[f"label_{lang}"].to_dict()
    if targets.empty:
        ax.text(0.5, 0.5, text("rkpd.no_targets", lang), ha="center", va="center",
                transform=ax.transAxes, wrap=True)
        ax.set_xticks(years)
    for i, (_, rows) in enumerate(targets.groupby("target", sort=True)):
        rows = rows.sort_values("year")
        first = rows.iloc[0]
        colour = PALETTE[i % len(PALETTE)]
        share = rows["share"].astype(float) * 100.0
        at_by = share[rows["year"].astype(int) == int(first.by)]
        label = target_label(first, lang, dims)
        if len(at_by) and at_by.iloc[0] == at_by.iloc[0]:
            label = f"{label} ({number(float(at_by.iloc[0]), lang, 0)} %)"
        ax.plot(rows["year"].astype(int), share, marker="o", color=colour, label=label)
        for year, value in zip(rows["year"].astype(int), share, strict=True):
            if value == value and targets["target"].nunique() <= 2:
                ax.annotate(number(value, lang, 0) + " %", (year, value),
                            textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=7, color=colour)
        ax.axvline(int(first.by), color=colour, linestyle=":", linewidth=1)
    ax.axhline(100.0, color=DARK, linestyle="--", linewidth=1.2,
               label=text("rkpd.fig.target_line", lang))
    ax.set_xticks(years)
    ax.set_xlabel(text("rkpd.column.year", lang))
    ax.set_ylabel(text("rkpd.fig.progress_axis", lang))
    top = float((targets["share"].astype(float) * 100.0).max()) if not targets.empty else 0.0
    ax.set_ylim(0, max(115.0, (top if top == top else 0.0) + 15.0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=7,
              frameon=False)
    return _finish(fig, ax, plan_title(text("rkpd.fig.progress", lang), plan, lang), note)


def _spending(plan, lang: str, note: str) -> Figure:
    """Each year's spending per agency, stacked (juta Rp), with the year's total pagu as
    a marker."""
    fig = new_chart(SIZE)
    ax = fig.add_subplot()
    spend = plan.spend
    years = [int(y) for y in plan.years]
    table = spend.pivot_table(index="year", columns="agency", values="spent",
                              aggfunc="sum").reindex(years).fillna(0.0)
    bottom = pd.Series(0.0, index=table.index)
    for i, agency in enumerate(table.columns):
        ax.bar(years, table[agency], bottom=bottom, color=PALETTE[i % len(PALETTE)],
               label=str(agency), width=0.6)
        bottom = bottom + table[agency]
    pagu = spend.groupby("year")["pagu"].sum().reindex(years)
    ax.hlines(pagu, [y - 0.38 for y in years], [y + 0.38 for y in years], colors=GREY,
              linewidth=2.5, label=words("fig.pagu", lang))
    for year, used, limit in zip(years, bottom, pagu, strict=True):
        ax.annotate(number(float(used), lang, 0), (year, max(float(used), float(limit))),
                    textcoords="offset points", xytext=(0, 4), ha="center", fontsize=7)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang, 0)))
    ax.set_xticks(years)
    ax.set_xlabel(text("rkpd.column.year", lang))
    ax.set_ylabel(words("fig.money", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return _finish(fig, ax, plan_title(text("rkpd.fig.spending", lang), plan, lang), note)


def years_figure_objects(plan, ds: DataSet, lang: str = "id",
                         note: str | None = None) -> dict[str, Figure]:
    """The figures of a :class:`~planning.model.years.YearPlan` as Charts, file name ->
    Figure (``note``: the data-status line under each; default: the synthetic note)."""
    line = note if note is not None else words("fig.synthetic", lang)
    return {"rpjmd_progress.png": _progress(plan, ds, lang, line),
            "spending_per_year.png": _spending(plan, lang, line)}


def years_figure_files(plan, ds: DataSet, lang: str = "id",
                       note: str | None = None) -> dict[str, bytes]:
    """The figures of :func:`years_figure_objects` as PNG bytes, file name -> bytes."""
    return {name: png_bytes(fig)
            for name, fig in years_figure_objects(plan, ds, lang, note).items()}

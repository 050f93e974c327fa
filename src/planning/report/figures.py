"""The figures of a results folder (PNG): spending against pagu per agency, spending per
kecamatan, deprivations before and after per dimension, and the plan against the greedy
and equal-split baselines.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state), at a
fixed size and print resolution (:data:`DPI`) and without the "Software" metadata, so the
same allocation gives byte-identical files. Every figure is a :class:`Chart`: a Figure
that shows itself as an image when it is the last line of a notebook cell (a bare
Figure without pyplot shows only ``<Figure size … with 2 Axes>``).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from planning.i18n import number
from planning.report.labels import words

__all__ = ["FIGURES", "Chart", "figure_files", "figure_objects", "new_chart", "png_bytes"]

SIZE = (8.0, 4.8)
#: characters of a title line (a plan's gap note is wrapped to it)
TITLE_WIDTH = 56
#: the resolution of every PNG file (print quality); PNGs carry it in their pHYs chunk,
#: so a spreadsheet or word processor places them at their size in inches
DPI = 200
#: pixels per inch of a figure shown in a notebook (its PNG at :data:`DPI`, displayed at
#: this width, so it is sharp on high-resolution screens and as large as before)
SCREEN_DPI = 100
DARK = "#1F4E79"
LIGHT = "#BDD7EE"
GREY = "#A6A6A6"


class Chart(Figure):
    """A matplotlib Figure on the Agg canvas that a notebook shows as its PNG (the bytes
    of :func:`png_bytes`, the same as the file), without pyplot or an inline backend."""

    def _repr_png_(self) -> tuple[bytes, dict]:
        return png_bytes(self), {"width": round(self.get_figwidth() * SCREEN_DPI)}


def new_chart(size: tuple[float, float], **kwargs) -> Chart:
    """An empty :class:`Chart` of ``size`` inches at :data:`DPI` with constrained layout,
    on its own Agg canvas (no pyplot state)."""
    fig = Chart(figsize=size, dpi=DPI, layout="constrained", **kwargs)
    FigureCanvasAgg(fig)
    return fig


def _png(draw: Callable[[Axes], None], title: str, note: str) -> bytes:
    return png_bytes(_figure(draw, title, note))


def _figure(draw: Callable[[Axes], None], title: str, note: str) -> Chart:
    fig = new_chart(SIZE)
    ax = fig.add_subplot()
    draw(ax)
    ax.set_title(title, fontsize=12, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.005, note, fontsize=8, color="#C00000", ha="left", va="bottom")
    fig.get_layout_engine().set(h_pad=0.25)
    return fig


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as PNG at :data:`DPI` without the "Software" metadata: byte-identical
    files for the same figure (also used by :mod:`planning.report.maps`)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _label_bars(ax: Axes, bars, values, lang: str) -> None:
    """Each bar's value, with one decimal only where it has one (after rounding to one:
    2321.99997 shows as 2,322, not 2,322.0)."""
    shown = [round(float(v), 1) for v in values]
    labels = [number(v, lang, 0 if v.is_integer() else 1) for v in shown]
    ax.bar_label(bars, labels=labels, padding=3, fontsize=8)


def _finish_horizontal(ax: Axes, bars, values, lang: str, axis: str,
                       legend: bool = True) -> None:
    """Value labels, the x axis label and the legend of a horizontal bar chart: right of
    the plot at its top, clear of the bars and of the title above the plot (however long
    the title is)."""
    _label_bars(ax, bars, values, lang)
    ax.set_xlabel(words(axis, lang))
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    ax.margins(x=0.12)
    ax.tick_params(labelsize=8)


def _spending_by_agency(allocation, lang: str) -> Callable[[Axes], None]:
    agencies = allocation.tables.agencies.sort_values("agency", ascending=False,
                                                      kind="stable")

    def draw(ax: Axes) -> None:
        names = agencies["agency"].tolist()
        ax.barh(names, agencies["pagu"], color=LIGHT, label=words("fig.pagu", lang))
        bars = ax.barh(names, agencies["used"], height=0.5, color=DARK,
                       label=words("fig.used", lang))
        _finish_horizontal(ax, bars, agencies["used"], lang, "fig.money")

    return draw


def _spending_by_kecamatan(allocation, lang: str) -> Callable[[Axes], None]:
    kec = allocation.tables.kecamatan.sort_values("kecamatan_code", ascending=False,
                                                  kind="stable")

    def draw(ax: Axes) -> None:
        bars = ax.barh(kec["kecamatan"].tolist(), kec["cost"], color=DARK)
        _finish_horizontal(ax, bars, kec["cost"], lang, "fig.money", legend=False)

    return draw


def _deprivations(allocation, lang: str) -> Callable[[Axes], None]:
    dims = allocation.tables.dimensions.iloc[::-1]
    labels = allocation.instance.labels.get(f"dimension_{lang}", {})

    def draw(ax: Axes) -> None:
        names = [labels.get(d, d) for d in dims["dimension"]]
        rows = range(len(names))
        ax.barh([r + 0.2 for r in rows], dims["deprived"], height=0.4, color=GREY,
                label=words("fig.before", lang))
        bars = ax.barh([r - 0.2 for r in rows], dims["after"], height=0.4, color=DARK,
                       label=words("fig.after", lang))
        ax.set_yticks(list(rows), names)
        _finish_horizontal(ax, bars, dims["after"], lang, "fig.count")

    return draw


def _baselines(allocation, lang: str) -> Callable[[Axes], None]:
    base = allocation.tables.baselines

    def draw(ax: Axes) -> None:
        names = [words(f"plan.{p}", lang) if p in ("optimal", "greedy", "equal_split") else p
                 for p in base["plan"]]
        colors = [DARK if p == "optimal" else GREY for p in base["plan"]]
        bars = ax.bar(names, base["removed"], color=colors, width=0.6)
        _label_bars(ax, bars, base["removed"].round(1), lang)
        ax.set_ylabel(words("fig.removed", lang))
        ax.margins(y=0.12)

    return draw


FIGURES = {
    "spending_by_agency.png": (_spending_by_agency, "fig.spending_by_agency"),
    "spending_by_kecamatan.png": (_spending_by_kecamatan, "fig.spending_by_kecamatan"),
    "deprivations_before_after.png": (_deprivations, "fig.deprivations"),
    "plan_vs_baselines.png": (_baselines, "fig.baselines"),
}


def figure_files(allocation, lang: str = "id", *, boundary=None,
                 note: str | None = None) -> dict[str, bytes]:
    """The PNG figures of ``allocation`` (an Allocation holding a plan), file name ->
    bytes, with titles and labels in ``lang``: :func:`figure_objects` rendered by
    :func:`png_bytes`.

    ``note`` is the data-status line printed under every figure; by default it says the
    per-village indicators are SYNTHETIC (the allocation does not know its data set, so
    pass e.g. ``planning.data.summary.synthetic_note(ds, lang)`` for real data).
    ``boundary`` (village polygons for maps) is accepted and not used yet.
    """
    del boundary  # maps come later
    return {name: _png(*parts) for name, parts in _parts(allocation, lang, note).items()}


def figure_objects(allocation, lang: str = "id", *, note: str | None = None) -> dict[str, Figure]:
    """The figures of :func:`figure_files` as matplotlib Figures (on the Agg canvas, no
    pyplot state), file name -> Figure: what is drawn, for tests and notebooks."""
    return {name: _figure(*parts) for name, parts in _parts(allocation, lang, note).items()}


def _parts(allocation, lang: str, note: str | None) -> dict[str, tuple]:
    """File name -> (draw, title, note) of each figure."""
    if allocation.tables is None:
        raise ValueError("the allocation holds no plan; there is nothing to draw")
    line = note if note is not None else words("fig.synthetic", lang)
    return {name: (make(allocation, lang), plan_title(words(title, lang), allocation, lang),
                   line)
            for name, (make, title) in FIGURES.items()}


def plan_title(title: str, allocation, lang: str) -> str:
    """A figure's title, with a second line saying so when the plan is not proven optimal
    (the best plan found and its certified gap)."""
    from planning.report.labels import plan_label

    report = getattr(allocation, "report", None)
    label = plan_label(report, lang, reason=False) if report is not None else ""
    if not label:
        return title
    return "\n".join([title, *textwrap.wrap(label[:1].upper() + label[1:], TITLE_WIDTH)])

"""The robustness of a plan for the planners (issue 15): the tables of the sheet
``Ketahanan`` (:func:`robustness_frames`, :func:`write_robustness_sheet`), the village x
programme frequency heatmap (:func:`robustness_heatmap_png`) and the map of how much of
each village's money stands (:func:`robustness_map_png`), from a
:class:`~planning.analysis.robustness.Robustness`.

Headers and labels come from the catalogue (``robustness.*``, else ``column.*``) in the
planners' language.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap

from planning import i18n
from planning.analysis.robustness import ALWAYS, CLASSES, OFTEN, Robustness
from planning.i18n.glossary import term
from planning.report.analysis import header
from planning.report.figures import new_chart, png_bytes

#: the sheet's tables: frame key -> its columns in order
COLUMNS = {
    "villages": ["code", "name", "kecamatan", "base_focus", "focus_share", "money_base",
                 "money_min", "money_median", "money_max", "robust_money", "robust_share"],
    "pairs": ["village", "name", "program", "in_base", "base_units", "base_cost", "draws",
              "frequency", "class"],
    "sensitivity": ["rank", "group", "name", "rho"],
    "groups": ["rank", "group", "factors", "mean_abs_rho", "top_factor", "top_rho"],
    "no_plan": ["index", "seed", "status", "rules", "reason"],
}
#: number formats (workbook kinds) of the columns that are not plain numbers or text
KINDS = {"focus_share": "share", "robust_share": "share", "frequency": "share",
         "money_base": "money", "money_min": "money", "money_median": "money",
         "money_max": "money", "robust_money": "money", "base_cost": "money",
         "rho": "index", "mean_abs_rho": "index", "top_rho": "index", "base_focus": "flag",
         "in_base": "flag", "base_units": "int", "draws": "int", "factors": "int",
         "rank": "int", "index": "int", "seed": "int"}
#: the heatmap's colours per class, most robust first (always, often, sometimes, never)
CLASS_COLOURS = ("#1F4E79", "#5B9BD5", "#BDD7EE", "#F2F2F2")


def _header(key: str, lang: str) -> str:
    own = f"robustness.column.{key}"
    return i18n.text(own, lang) if own in i18n.MESSAGES else header(key, lang)


def class_label(code: str | None, lang: str) -> str:
    """The robustness class ``code`` in the glossary's words ("selalu", "kadang-kadang")."""
    return term(f"frequency.{code}", lang) if code else ""


def group_label(group: str, lang: str) -> str:
    return i18n.text(f"robustness.group.{group}", lang)


def robustness_frames(rob: Robustness, lang: str) -> dict[str, pd.DataFrame]:
    """The sheet's tables with translated headers and labels: ``villages`` (per village),
    ``pairs`` (village x programme, with the class), ``groups`` and ``sensitivity`` (the
    ranking), ``no_plan`` (the draws without a plan, with their reason in ``lang``)."""
    lang = i18n.check_language(lang)
    pairs = rob.pairs.assign(**{"class": [class_label(c, lang) for c in rob.pairs["class"]]})
    groups = rob.groups.assign(group=[group_label(g, lang) for g in rob.groups["group"]])
    sens = rob.sensitivity.assign(group=[group_label(g, lang)
                                         for g in rob.sensitivity["group"]])
    no_plan = rob.no_plan.assign(reason=rob.no_plan[f"reason_{lang}"])
    frames = {"villages": rob.villages, "pairs": pairs, "groups": groups,
              "sensitivity": sens, "no_plan": no_plan}
    return {key: frame[COLUMNS[key]].rename(columns={c: _header(c, lang)
                                                     for c in COLUMNS[key]})
            for key, frame in frames.items()}


def _spec(columns: list[str], lang: str) -> list[tuple[str, str, str]]:
    return [(c, _header(c, lang), KINDS.get(c, "text" if c in (
        "code", "name", "kecamatan", "village", "program", "group", "class", "status",
        "rules", "reason", "top_factor") else "num")) for c in columns]


def frequency_matrix(rob: Robustness) -> pd.DataFrame:
    """Village (rows, base plan's villages first) x programme (columns) frequencies."""
    pairs = rob.pairs
    matrix = pairs.pivot_table(index="village", columns="program", values="frequency",
                               aggfunc="first").fillna(0.0)
    base_villages = rob.villages.sort_values(["base_focus", "money_base"],
                                             ascending=False)["code"]
    order = [v for v in base_villages if v in matrix.index]
    return matrix.loc[order, sorted(matrix.columns)]


def robustness_heatmap_png(rob: Robustness, lang: str, note: str = "") -> bytes:
    """The village x programme frequency heatmap as PNG bytes: each cell coloured by its
    class (colour bar with the four classes), a dot where the base plan has the choice."""
    lang = i18n.check_language(lang)
    matrix = frequency_matrix(rob)
    rows, cols = matrix.shape
    fig = new_chart((max(8.0, 0.28 * cols + 3), max(4.8, 0.18 * rows + 2.5)))
    ax = fig.add_subplot()
    # class boundaries: never (0), sometimes (0, 0.5), often [0.5, 0.9), always [0.9, 1]
    cmap = ListedColormap(list(CLASS_COLOURS[::-1]))
    norm = BoundaryNorm([-0.5, 1e-9, OFTEN, ALWAYS, 1.0001], cmap.N)
    image = ax.imshow(matrix.to_numpy(float) if rows and cols else np.zeros((1, 1)),
                      cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    names = rob.villages.set_index("code")["name"]
    ax.set_yticks(range(rows), [f"{names.get(v, v)}" for v in matrix.index], fontsize=6)
    ax.set_xticks(range(cols), list(matrix.columns), rotation=90, fontsize=6)
    base = rob.pairs[rob.pairs["in_base"]]
    ys = [matrix.index.get_loc(v) for v in base["village"] if v in matrix.index]
    xs = [matrix.columns.get_loc(p) for v, p in zip(base["village"], base["program"],
                                                      strict=True) if v in matrix.index]
    ax.scatter(xs, ys, s=6, color="#C00000", label=i18n.text("robustness.fig.base", lang))
    ax.set_xlabel(i18n.text("robustness.fig.programs", lang))
    ax.set_ylabel(i18n.text("robustness.fig.villages", lang))
    bar = fig.colorbar(image, ax=ax, ticks=[-0.25, 0.25, 0.7, 0.95], shrink=0.6)
    bar.ax.set_yticklabels([class_label(c, lang) for c in CLASSES[::-1]], fontsize=8)
    bar.set_label(i18n.text("robustness.fig.scale", lang))
    fig.legend(loc="lower right", fontsize=7, frameon=False)  # the note: lower left
    ax.set_title(i18n.text("robustness.fig.title", lang, plans=rob.n_plans), fontsize=11,
                 loc="left")
    if note:
        fig.text(0.01, 0.005, note, fontsize=7, color="#C00000", ha="left", va="bottom")
    return png_bytes(fig)


def robustness_map_png(rob: Robustness, villages: pd.DataFrame, lang: str, *,
                       boundary: str | Path | None = None,
                       boundary_kecamatan: str | Path | None = None,
                       note: str | None = None) -> bytes:
    """The map of each village's robust share of its base money (villages outside the
    base plan in grey), the base plan's focus villages named: polygons with a
    ``boundary`` file, dots at the village centres otherwise. ``villages``: the data
    set's villages table."""
    from planning.report.maps import kecamatan_outlines, map_figure, map_png, village_layer

    layer = village_layer(villages, rob.villages[["code", "robust_share"]], boundary)
    focus = rob.villages.loc[rob.villages["base_focus"].astype(bool), "code"]
    outlines = kecamatan_outlines(layer, boundary_kecamatan)
    return map_png(map_figure(layer, "robust_share",
                              title=i18n.text("robustness.map.title", lang),
                              legend=_header("robust_share", lang), lang=lang,
                              outlines=outlines, note=note,
                              missing=i18n.text("map.no_plan", lang),
                              labels=layer["code"].isin(focus)))


def write_robustness_sheet(book, rob: Robustness, figure: bytes | None = None) -> None:
    """The sheet ``Ketahanan`` of the planners' workbook (``book``: the workbook module's
    ``_Book``): the summary line, the tables of :func:`robustness_frames` and the
    heatmap (PNG bytes) beside the village table."""
    lang = book.lang
    name = i18n.text("robustness.sheet", lang)
    ws = book.add(name)
    row = book.heading_row(ws, book.top, i18n.text("robustness.heading", lang, n=rob.n,
                                                   plans=rob.n_plans), book.title)
    row = book.paragraph(ws, row, i18n.text("robustness.note", lang))
    share = "-" if np.isnan(rob.robust_share) else i18n.percent(rob.robust_share, lang)
    row = book.paragraph(ws, row, i18n.text("robustness.robust_share", lang, share=share))
    if rob.solver and rob.solver["gap"] != rob.solver.get("scenario_gap"):
        book.paragraph(ws, row, i18n.text(
            "robustness.solver_note", lang, gap=i18n.percent(rob.solver["gap"], lang),
            scenario_gap=i18n.percent(rob.solver.get("scenario_gap", 0.0), lang),
            nodes=rob.solver["node_limit"]))
        row += 1
    frames = {"pairs": rob.pairs.assign(**{"class": [class_label(c, lang)
                                                     for c in rob.pairs["class"]]}),
              "groups": rob.groups.assign(group=[group_label(g, lang)
                                                 for g in rob.groups["group"]]),
              "sensitivity": rob.sensitivity.assign(group=[group_label(g, lang) for g in
                                                           rob.sensitivity["group"]]),
              "no_plan": rob.no_plan.assign(reason=rob.no_plan[f"reason_{lang}"]),
              "villages": rob.villages}
    threshold = "-" if np.isnan(rob.threshold) else i18n.number(rob.threshold, lang, 2)
    titles = {"villages": i18n.text("robustness.villages", lang),
              "pairs": i18n.text("robustness.pairs", lang),
              "groups": i18n.text("robustness.sensitivity", lang, threshold=threshold),
              "sensitivity": None,
              "no_plan": i18n.text("robustness.no_plan", lang, count=len(rob.no_plan))}
    row += 1
    first = row
    for key in ("villages", "pairs", "groups", "sensitivity", "no_plan"):
        if titles[key]:
            row = book.heading_row(ws, row, titles[key])
        if key == "no_plan" and frames[key].empty:
            continue
        row = book.table(ws, frames[key], _spec(COLUMNS[key], lang), row=row, freeze=False,
                         autofilter=False) + 1
    if figure:
        ws.insert_image(first, len(COLUMNS["villages"]) + 1, "robustness.png",
                        {"image_data": io.BytesIO(figure), "x_scale": 0.8, "y_scale": 0.8})


def summary_lines(rob: Robustness, workers: dict | None, lang: str) -> list[str]:
    """The console's account of the robustness: the draws and plans, the robust share of
    the spending, the assumption group that moves the plan most, and how the draws ran
    (worker processes, draws run again, draws that failed)."""
    lang = i18n.check_language(lang)
    share = "-" if np.isnan(rob.robust_share) else i18n.percent(rob.robust_share, lang)
    lines = [i18n.text("robustness.heading", lang, n=rob.n, plans=rob.n_plans),
             "  " + i18n.text("robustness.robust_share", lang, share=share)]
    if len(rob.groups):
        top = rob.groups.sort_values("rank").iloc[0]
        lines.append("  " + i18n.text("robustness.top_group", lang,
                                      group=group_label(top["group"], lang),
                                      rho=i18n.number(top["mean_abs_rho"], lang, 2)))
    if len(rob.no_plan):
        lines.append("  " + i18n.text("robustness.no_plan", lang, count=len(rob.no_plan)))
    if workers:
        lines.append("  " + i18n.text(
            "robustness.workers", lang, workers=workers.get("workers", 0),
            retried=", ".join(str(i) for i in workers.get("retried", [])) or "-",
            failed=", ".join(str(i) for i in workers.get("failed", {})) or "-"))
    return lines

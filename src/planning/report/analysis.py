"""The analyses for the coordination meeting in the results folder: their figures (PNG)
and their workbook sheets (``Harga Aturan``, ``Kurva Anggaran``, ``Mengapa``), from an
:class:`~planning.analysis.rakor.Analysis`.

Column headers and labels come from the catalogue (``column.*``, ``label.analysis.*``) in
the run's language; a column without a catalogue header keeps its own name. The same
analysis gives byte-identical files (figures as in :mod:`planning.report.figures`).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from planning import i18n
from planning.analysis.rakor import Analysis
from planning.i18n.glossary import coded
from planning.report.figures import DARK, GREY, LIGHT, _figure, png_bytes
from planning.report.labels import column, sheet, words

#: figure file -> (the Analysis table it draws, its title key)
FIGURE_FILES = {
    "analysis_rule_prices.png": ("prices", "fig.analysis.rule_prices"),
    "analysis_budget_curve.png": ("district", "fig.analysis.budget_curve"),
    "analysis_agency_curves.png": ("agencies", "fig.analysis.agency_curves"),
    "analysis_marginal_value.png": ("marginal", "fig.analysis.marginal_value"),
}


def rule_label(rule: str, lang: str) -> str:
    key = f"rule.{rule}"
    return i18n.text(key, lang) if key in i18n.MESSAGES else rule


def _draw_prices(table: pd.DataFrame, lang: str) -> Callable[[Axes], None]:
    rows = table.dropna(subset=["price_low_pct"]).iloc[::-1]

    def draw(ax: Axes) -> None:
        names = [rule_label(r, lang) for r in rows["rule"]]
        low, high = rows["price_low_pct"].to_numpy(float), rows["price_high_pct"].to_numpy(float)
        ax.barh(names, high - low, left=low, color=LIGHT, label=words(
            "fig.analysis.interval", lang))
        ax.scatter(low, names, color=DARK, zorder=3, s=12)
        ax.scatter(high, names, color=DARK, zorder=3, s=12)
        for y, (lo, hi) in enumerate(zip(low, high, strict=True)):
            ax.annotate(f"{i18n.number(lo, lang, 1)}–{i18n.number(hi, lang, 1)}",
                        (hi, y), xytext=(4, -3), textcoords="offset points", fontsize=8)
        ax.set_xlabel(words("fig.analysis.price_axis", lang))
        ax.margins(x=0.2)
        ax.tick_params(labelsize=8)

    return draw


def _draw_district(table: pd.DataFrame, lang: str) -> Callable[[Axes], None]:
    def draw(ax: Axes) -> None:
        ok = table["objective"].notna()
        ax.plot(table.loc[ok, "budget"], table.loc[ok, "objective"], color=DARK,
                marker="o", markersize=3, label=words("fig.analysis.plan", lang))
        if "bound" in table:
            ax.fill_between(table.loc[ok, "budget"], table.loc[ok, "objective"],
                            table.loc[ok, "bound"], color=LIGHT,
                            label=words("fig.analysis.bound", lang))
        today = table.loc[np.isclose(table["factor"], 1.0), "budget"]
        if len(today):
            ax.axvline(float(today.iloc[0]), color=GREY, linestyle="--",
                       label=words("fig.analysis.today", lang))
        ax.set_xlabel(words("fig.analysis.budget_axis", lang))
        ax.set_ylabel(words("fig.analysis.objective_axis", lang))
        ax.legend(loc="lower right", frameon=False, fontsize=8)

    return draw


def _draw_agencies(table: pd.DataFrame, lang: str) -> Callable[[Axes], None]:
    def draw(ax: Axes) -> None:
        from matplotlib import colormaps

        colours = colormaps["tab20"].colors
        styles = ("-", "--", ":")
        for k, (agency, rows) in enumerate(table.groupby("agency", sort=True)):
            ok = rows["objective"].notna()
            ax.plot(100 * rows.loc[ok, "factor"], rows.loc[ok, "objective"], marker="o",
                    markersize=2, linewidth=1.2, label=str(agency),
                    color=colours[(2 * k) % 20 + (k // 10) % 2], linestyle=styles[k % 3])
        ax.axvline(100.0, color=GREY, linestyle="--")
        ax.set_xlabel(words("fig.analysis.factor_axis", lang))
        ax.set_ylabel(words("fig.analysis.objective_axis", lang))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)

    return draw


def _draw_marginal(table: pd.DataFrame, lang: str) -> Callable[[Axes], None]:
    rows = table.iloc[::-1]

    def draw(ax: Axes) -> None:
        names = rows["agency"].astype(str).tolist()
        low = rows["gain_low"].to_numpy(float)
        bars = ax.barh(names, low, color=DARK, label=words("fig.analysis.gain_low", lang))
        if "gain_high" in rows:
            high = rows["gain_high"].to_numpy(float)
            ax.errorbar(high, names, fmt="|", color=GREY, markersize=10,
                        label=words("fig.analysis.gain_high", lang))
        if "lp_dual" in rows:
            ax.scatter(rows["lp_dual"].to_numpy(float), names, marker="x", color="#C00000",
                       zorder=3, label=words("fig.analysis.lp_dual", lang))
        ax.bar_label(bars, labels=[i18n.number(v, lang, 1) for v in low], padding=3,
                     fontsize=8)
        ax.set_xlabel(words("fig.analysis.marginal_axis", lang))
        ax.legend(loc="lower right", frameon=True, fontsize=8)
        ax.margins(x=0.15)
        ax.tick_params(labelsize=8)

    return draw


DRAW = {"prices": _draw_prices, "district": _draw_district, "agencies": _draw_agencies,
        "marginal": _draw_marginal}


def analysis_figures(analysis: Analysis, note: str) -> dict:
    """The analysis's charts as matplotlib Figures, file name -> Figure (only those whose
    table exists and has rows)."""
    lang = analysis.lang
    out = {}
    for name, (part, title) in FIGURE_FILES.items():
        table = getattr(analysis, part)
        if table is None or table.empty:
            continue
        out[name] = _figure(DRAW[part](table, lang), words(title, lang), note)
    return out


def agency_curve_png(table: pd.DataFrame, lang: str, note: str) -> bytes:
    """The budget curve of the agencies in ``table`` (an agency curve table) as PNG."""
    agencies = ", ".join(sorted(table["agency"].astype(str).unique()))
    title = words("fig.analysis.agency_curves", lang) + ": " + agencies
    return png_bytes(_figure(_draw_agencies(table, lang), title, note))


def analysis_figure_files(analysis: Analysis, note: str) -> dict[str, bytes]:
    """:func:`analysis_figures` as PNG bytes."""
    return {name: png_bytes(fig) for name, fig in analysis_figures(analysis, note).items()}


# --- the workbook sheets ------------------------------------------------------------------
#: the columns of the Mengapa sheet (the CSV file has them all), paragraph last
WHY_COLUMNS = ["code", "name", "kecamatan", "focus", "in_plan", "poverty_index",
               "potential_index", "rank_in_kecamatan", "received_cost", "binding_rules",
               "loss_low_pct", "loss_high_pct", "paragraph"]
ENTRY_COLUMNS = ["kind", "code", "name", "agency", "cost_cut_pct", "not_at_cost_cut_pct",
                 "extra_pagu", "not_at_extra_pagu", "weight", "not_at_weight", "paragraph"]

#: binding-rule codes of the why analysis that are parts of a rule of the registry
RULE_OF = {"max_units": "units", "need_cap": "units"}


def binding_label(binding: object, lang: str) -> str:
    """The rules that bind at a village ((rule, subject, value, limit) tuples of the why
    analysis) in ``lang``: "pagu lembaga: DINKES, batas unit dan kebutuhan: DISTAN-HORTI"."""
    if not isinstance(binding, list | tuple):
        return ""
    return ", ".join(f"{rule_label(RULE_OF.get(rule, rule), lang)}: {subject}"
                     for rule, subject, *_ in binding)


def _entry_reason(reason: object, lang: str) -> object:
    key = f"equity.reason.{reason}"
    return i18n.text(key, lang) if key in i18n.MESSAGES else reason


def header(key: str, lang: str) -> str:
    """The catalogue's header of column ``key``, or ``key`` itself."""
    return column(key, lang) if f"column.{key}" in i18n.MESSAGES else key


#: number formats of the analysis columns that are not plain numbers (see workbook.py)
KINDS = {"factor": "share", "poverty_index": "index", "potential_index": "index",
         "focus_threshold": "index"}


def _kind(name: str, series: pd.Series) -> str:
    if name in KINDS:
        return KINDS[name]
    if name.endswith("gap"):
        return "gap"
    if pd.api.types.is_bool_dtype(series):
        return "flag"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_numeric_dtype(series):
        return "num"
    return "text"


def spec_of(frame: pd.DataFrame, lang: str, headers: dict[str, str] | None = None) -> list:
    """A workbook table layout for every column of ``frame``."""
    headers = headers or {}
    return [(c, headers.get(c) or header(c, lang), _kind(c, frame[c])) for c in frame.columns]


#: the code columns of the analysis tables written in the planners' words on the sheets
#: (a solve's status, where a curve point's plan came from, what a marginal value kept of
#: today's plan; the CSV files keep the codes), by their glossary family
CODED_COLUMNS = {"status": "solve", "source": "curve_source",
                 "neighbourhood": "neighbourhood"}


def in_words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with the values of its :data:`CODED_COLUMNS` as the glossary's terms."""
    return frame.assign(**{c: [coded(family, v, lang) for v in frame[c]]
                           for c, family in CODED_COLUMNS.items() if c in frame})


def _dimension_headers(frame: pd.DataFrame, dims: dict[str, str], prefix: str) -> dict:
    return {c: f"{prefix} {dims.get(c.split('_', 1)[1], c.split('_', 1)[1])}"
            for c in frame.columns if c.startswith(("change_", "removed_"))
            and c.split("_", 1)[1] in dims}


def write_sheets(book, analysis: Analysis, dims: dict[str, str], figures: dict[str, bytes]
                 ) -> None:
    """The analysis sheets of the planners' workbook (``book``: the workbook module's
    ``_Book``): Harga Aturan, Kurva Anggaran and Mengapa, each only when its analysis
    ran; the figures (PNG bytes by file name) are placed beside their tables."""
    lang = book.lang
    if analysis.prices is not None:
        frame = in_words(analysis.prices, lang).assign(
            rule=[rule_label(r, lang) for r in analysis.prices["rule"]])
        ws = book.add(sheet("rule_prices", lang))
        row = book.heading_row(ws, book.top, sheet("rule_prices", lang), book.title)
        book.paragraph(ws, row, words("analysis.prices_note", lang))
        book.table(ws, frame, spec_of(frame, lang, _dimension_headers(
            frame, dims, words("analysis.change", lang))), row=row + 2)
        _image(ws, figures.get("analysis_rule_prices.png"), row + 4 + len(frame), 0)
        book.width(ws, 0, 30)
    if analysis.district is not None:
        ws = book.add(sheet("budget_curves", lang))
        row = book.heading_row(ws, book.top, sheet("budget_curves", lang), book.title)
        book.paragraph(ws, row, words("analysis.curves_note", lang))
        row += 2
        for title, frame in (("analysis.district_curve", analysis.district),
                             ("analysis.marginal", analysis.marginal),
                             ("analysis.next_money", analysis.purchases),
                             ("analysis.agency_curves", analysis.agencies)):
            if frame is None:
                continue
            frame = in_words(frame, lang)
            row = book.heading_row(ws, row, words(title, lang))
            row = book.table(ws, frame, spec_of(frame, lang, _dimension_headers(
                frame, dims, words("analysis.removed", lang))), row=row, freeze=False,
                autofilter=False)
        for name in ("analysis_budget_curve.png", "analysis_marginal_value.png",
                     "analysis_agency_curves.png"):
            if _image(ws, figures.get(name), row, 0):
                row += 26
    if analysis.villages is not None:
        ws = book.add(sheet("why", lang))
        row = book.heading_row(ws, book.top, sheet("why", lang), book.title)
        villages = analysis.villages[[c for c in WHY_COLUMNS if c in analysis.villages]]
        if "binding" in analysis.villages and "binding_rules" in villages:
            villages = villages.assign(binding_rules=[
                binding_label(b, lang) for b in analysis.villages["binding"]])
        book.repeat[ws.name] = row + 1  # its header on every printed page
        row = book.table(ws, villages, spec_of(villages, lang), row=row + 1, freeze=False,
                         autofilter=True)
        if analysis.entries is not None and len(analysis.entries):
            entries = analysis.entries[[c for c in ENTRY_COLUMNS if c in analysis.entries]]
            entries = entries.assign(**{
                c: entries[c].map(lambda v, c=c: coded("entry", v, lang) if c == "kind"
                                  else _entry_reason(v, lang))
                for c in ("kind", "reason") if c in entries})
            row = book.heading_row(ws, row, words("analysis.entries", lang))
            book.table(ws, entries, spec_of(entries, lang), row=row, freeze=False,
                       autofilter=False)
        col = list(villages.columns).index("paragraph") if "paragraph" in villages else None
        if col is not None:  # the paragraphs wrapped in a wide column
            book.column(ws, col, 100, book.wrap)


def agency_section(book, ws, row: int, analysis: Analysis, agency: str) -> int:
    """The analyses' rows about ``agency`` on its own sheet, from ``row``: its marginal
    value, what its next Rp 100 juta buys, its curve and its programmes left at zero with
    what it would take for each to enter. Returns the next free row."""
    lang = book.lang
    parts = (("analysis.marginal", analysis.marginal), ("analysis.next_money", analysis.purchases),
             ("analysis.agency_curves", analysis.agencies), ("analysis.entries", analysis.entries))
    for title, frame in parts:
        if frame is None or "agency" not in frame or not (frame["agency"] == agency).any():
            continue
        rows = in_words(frame[frame["agency"] == agency].drop(columns="agency"), lang)
        row = book.heading_row(ws, row, words(title, lang))
        row = book.table(ws, rows, spec_of(rows, lang), row=row, freeze=False,
                         autofilter=False)
    return row


def _image(ws, data: bytes | None, row: int, col: int) -> bool:
    if not data:
        return False
    ws.insert_image(row, col, "figure.png", {"image_data": io.BytesIO(data),
                                             "x_scale": 0.8, "y_scale": 0.8})
    return True

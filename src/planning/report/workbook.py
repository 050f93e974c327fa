"""The planners' workbook (xlsx): a summary, one sheet per agency, per kecamatan, per
village, the equity of the plan (each dimension in its own unit), the price of balance
(this plan against the pure efficiency plan), the long allocation
table (with an editable lock column, read back by the round trip), the village scores,
the inputs and assumptions, and the provenance.

Every visible sheet opens with a banner (:data:`TOP` rows): the data note (SYNTHETIC
indicators) and the scenario's name with the run date; its print setup (A4, landscape
where wide, fit to the page width, the table header repeated on every page) prints the
short data note, the sheet, the scenario, the run date and "halaman x dari y" in its page
header and footer.

Built in memory with xlsxwriter. Every piece of text is written with ``write_string`` and
the workbook is opened with ``strings_to_formulas``/``strings_to_numbers``/
``strings_to_urls`` off, so a name such as ``=1+1`` or ``@SUM(A1)`` stays text. The only
formulas are the derived money columns, written by :meth:`_Book.formula` with their value
cached: the Alokasi cost (units x unit cost + fixed cost from the catalogue on the inputs
sheet), the agency sheets' units, costs and totals (from the Alokasi rows) and the money
used and left per agency (SUMIF over the Alokasi sheet), so that Excel and LibreOffice
recompute them when a planner changes units. Money is in juta Rp (millions of rupiah) as
in the data. The same inputs give a byte-identical file: the creation time is fixed
(``created``), the run date is given (:func:`run_date`), and xlsxwriter stamps every part
of the zip archive with the same date.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from planning.analysis.equity import Equity, dimension_units
from planning.analysis.equity import equity as equity_of
from planning.analysis.price import PlanFigures, Price, price_of_balance
from planning.data import DataSet
from planning.data.summary import synthetic_note
from planning.i18n import LOCALES, abridge, number, text
from planning.i18n.glossary import coded, known
from planning.report.labels import (
    ALLOCATION_COLUMNS,
    ALLOCATION_HEADERS,
    ALLOCATION_SHEET,
    LOCK_CHOICES,
    column,
    sheet,
    sheet_keys,
    words,
)
from planning.report.roundtrip import PLAN_COLUMNS, PLAN_DIGEST, PLAN_SHEET, rows_digest

__all__ = ["ALLOCATION_COLUMNS", "ALLOCATION_HEADERS", "ALLOCATION_SHEET", "CREATED",
           "LISTS_SHEET", "TOP", "Stamp", "long_date", "print_setup", "run_date",
           "workbook_bytes"]

CREATED = datetime(2020, 1, 1)
"""The creation time written into every workbook, fixed so that a re-run gives the same
bytes (xlsxwriter would otherwise stamp the current time)."""

OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
           "strings_to_urls": False}

NUMBER_FORMATS = {
    "text": None,
    "flag": None,
    "general": None,
    "int": "#,##0",
    "num": "#,##0.0",
    "money": "#,##0.0",
    "price": "#,##0.0##",
    "share": "0.0%",
    "gap": "0.00%",
    "index": "0.000",
}
MAX_WIDTH = 50
BLUE = "#DDEBF7"
EDITABLE = "#FFF2CC"
TOP = 3
"""The first row (0-based) of a visible sheet's own content: the banner takes rows 0
(the data note) and 1 (scenario and run date), row 2 is empty."""
PAGE = {"portrait": (102.0, 690.0), "landscape": (149.0, 470.0)}
"""What one A4 page holds in each orientation, within the margins, page header and footer:
characters of column width at 100 % and points of row height."""
A4 = 9
"""xlsxwriter's paper code of A4."""
LEGIBLE = 0.5
"""The smallest print scale (fit to the page width) a sheet is printed at by choice of
orientation: below it (5 points for a 10-point font) the orientation that shrinks
the sheet less is taken, whatever the pages."""
LISTS_SHEET = "_lists"
"""The hidden sheet of the drop-down lists (village codes of the plan, programme codes)."""
LAST_ROW = 1_048_575
"""The last row (0-based) of a sheet: validations reach it, for rows a planner adds."""


def run_date(environ: Mapping[str, str] | None = None) -> date | None:
    """The date of the run shown on every sheet: the day of ``SOURCE_DATE_EPOCH`` (seconds
    since 1970, the reproducible-builds convention) when it is set; None otherwise (no
    clock in the file: the same inputs give the same bytes on any day, and the printed
    pages carry the date they are printed on)."""
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return None


def long_date(day: date, lang: str) -> str:
    """``day`` as the planner reads it: "2 Desember 2026" / "December 2, 2026"."""
    from babel.dates import format_date

    return format_date(day, "long", locale=LOCALES[lang])


@dataclass(frozen=True)
class Stamp:
    """What every visible sheet shows at its top and prints in its page header and
    footer: the data note (``warning``, and ``mark``, its short form), the scenario's
    name and the run date as text."""

    warning: str
    mark: str
    scenario: str
    day: str | None

    def line(self, lang: str) -> str:
        if self.day is None:
            return text("book.banner.undated", lang, name=self.scenario)
        return text("book.banner", lang, name=self.scenario, date=self.day)


def _hf(value: str, limit: int = 80) -> str:
    """Text for a page header or footer: abridged, ``&`` doubled (a control character
    there)."""
    return abridge(value, limit).replace("&", "&&")


def _quoted(name: str) -> str:
    """A sheet name as a formula reference: 'Input & Asumsi'."""
    return "'" + name.replace("'", "''") + "'"

Spec = list[tuple[str, str, str]]
"""A table layout: (column of the frame, header, kind) per column, kind in NUMBER_FORMATS."""


#: the robustness heatmap's file, placed on the Ketahanan sheet
ROBUSTNESS_FIGURE = "analysis_robustness.png"


def _spec(lang: str, *columns: tuple[str, str]) -> Spec:
    return [(key, column(key, lang), kind) for key, kind in columns]


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value)) or (isinstance(value, float) and not math.isfinite(value))
    except (TypeError, ValueError):
        return False


class _Book:
    """One workbook being written: its formats, sheet names and column widths."""

    def __init__(self, lang: str, created: datetime, note: str, stamp: Stamp | None = None):
        self.lang = lang
        self.stamp = stamp or Stamp(warning=note, mark=note, scenario="-", day=None)
        self.top = TOP
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, OPTIONS)
        self.wb.set_properties({"title": words("title", lang), "author": "planning",
                                "comments": note, "created": created})
        add = self.wb.add_format
        self.formats = {kind: add({"num_format": f} if f else {})
                        for kind, f in NUMBER_FORMATS.items()}
        self.bold = {kind: add({"bold": True, "top": 1, **({"num_format": f} if f else {})})
                     for kind, f in NUMBER_FORMATS.items()}
        self.editable = {kind: add({"bg_color": EDITABLE, **({"num_format": f} if f else {})})
                         for kind, f in NUMBER_FORMATS.items()}
        self.header = add({"bold": True, "bg_color": BLUE, "border": 1, "text_wrap": True,
                           "valign": "top"})
        self.title = add({"bold": True, "font_size": 14})
        self.heading = add({"bold": True, "font_size": 12})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.warning = add({"bold": True, "font_color": "#C00000", "text_wrap": True,
                            "valign": "top"})
        self.stamp_format = add({"italic": True, "font_color": "#404040"})
        self.widths: dict[str, dict[int, float]] = {}
        self.fixed: dict[str, dict[int, tuple[float, object]]] = {}
        self.paragraphs: dict[str, list[tuple[int, str, object]]] = {}
        self.repeat: dict[str, int] = {}
        self.plain: set[str] = set()
        self.sheets: list[Worksheet] = []
        self.reserved = {sheet(key, lang).lower() for key in sheet_keys()}
        self.reserved |= {ALLOCATION_SHEET[lang].lower(), PLAN_SHEET, LISTS_SHEET}

    # --- sheets -----------------------------------------------------------------------
    def add(self, name: str, *, reserved: bool = True, banner: bool = True) -> Worksheet:
        """A new sheet; names that are not ours (agency codes) are made valid and unique.
        A sheet with ``banner`` (every visible one) gets the banner rows above :data:`TOP`
        and the print setup when the book is closed."""
        if not reserved:
            name = _valid_sheet_name(name, self.reserved | {s.name.lower() for s in self.sheets})
        ws = self.wb.add_worksheet(name)
        self.sheets.append(ws)
        self.widths[ws.name] = {}
        self.fixed[ws.name] = {}
        self.paragraphs[ws.name] = []
        if not banner:
            self.plain.add(ws.name)
        return ws

    def width(self, ws: Worksheet, col: int, chars: float) -> None:
        known = self.widths[ws.name]
        known[col] = max(known.get(col, 0), min(chars, MAX_WIDTH))

    def column(self, ws: Worksheet, col: int, chars: float, fmt=None) -> None:
        """Column ``col`` of ``ws`` exactly ``chars`` wide (with ``fmt``, e.g. wrapped
        text), whatever its cells hold."""
        self.fixed[ws.name][col] = (chars, fmt)

    def paragraph(self, ws: Worksheet, row: int, value: str, fmt=None) -> int:
        """A sentence or paragraph on its own row, wrapped across the sheet's columns (as
        wide as its tables) so that it prints whole; return the next row."""
        self.paragraphs[ws.name].append((row, value, fmt or self.wrap))
        return row + 1

    def _widths(self, ws: Worksheet) -> dict[int, float]:
        widths = {col: max(chars + 2, 8) for col, chars in self.widths[ws.name].items()}
        widths.update({col: chars for col, (chars, _) in self.fixed[ws.name].items()})
        return widths

    def _spread(self, ws: Worksheet, row: int, last: int, value: str, fmt,
                widths: dict[int, float]) -> None:
        """``value`` wrapped over columns 0..``last`` of ``row``, the row as high as its
        lines."""
        chars = sum(widths.get(col, 8.43) for col in range(last + 1))
        lines = max(1, math.ceil(len(value) * 1.15 / max(chars, 1.0)))
        if last > 0:
            ws.merge_range(row, 0, row, last, "", fmt)
        ws.write_string(row, 0, value, fmt)
        ws.set_row(row, 15.0 * lines + 2)

    def _print_setup(self, ws: Worksheet, chars: float) -> None:
        """A4 in the orientation that prints the sheet on fewer pages (:func:`_orientation`),
        fit to the page width, the table header repeated on every page, and the page
        header (sheet, data note) and footer (scenario, run date, "halaman x dari y")."""
        print_setup(ws, chars, mark=self.stamp.mark, footer=self.stamp.line(self.lang),
                    lang=self.lang, repeat=self.repeat.get(ws.name),
                    dated=self.stamp.day is not None)

    def close(self) -> bytes:
        for ws in self.sheets:
            widths = self._widths(ws)
            for col, chars in sorted(widths.items()):
                fmt = self.fixed[ws.name].get(col, (None, None))[1]
                ws.set_column(col, col, chars, fmt)
            if ws.name in self.plain:
                continue
            last = max(max(widths, default=0), 5)
            for row, value, fmt in self.paragraphs[ws.name]:
                self._spread(ws, row, last, value, fmt, widths)
            self._spread(ws, 0, last, self.stamp.warning, self.warning, widths)
            ws.write_string(1, 0, self.stamp.line(self.lang), self.stamp_format)
            self._print_setup(ws, sum(widths.get(col, 8.43) for col in range(last + 1)))
        self.wb.close()
        return self.buffer.getvalue()

    # --- cells --------------------------------------------------------------------------
    def cell(self, ws: Worksheet, row: int, col: int, value: object, kind: str,
             style: str = "plain") -> None:
        fmt = {"plain": self.formats, "total": self.bold, "edit": self.editable}[style][kind]
        if _missing(value):
            if style != "plain":
                ws.write_blank(row, col, None, fmt)
            return
        if kind == "flag":
            text = words("yes" if bool(value) else "no", self.lang)
            ws.write_string(row, col, text, fmt)
            self.width(ws, col, len(text))
        elif kind == "text" or isinstance(value, str):
            text = str(value)
            ws.write_string(row, col, text, fmt)
            self.width(ws, col, len(text))
        elif isinstance(value, bool):
            ws.write_string(row, col, "true" if value else "false", fmt)
        else:
            number = float(value)
            ws.write_number(row, col, number, fmt)
            shown = f"{number:,.0f}" if kind == "int" else f"{number:,.2f}"
            self.width(ws, col, len(shown) + (2 if kind in ("share", "gap") else 0))

    def heading_row(self, ws: Worksheet, row: int, text: str, fmt=None) -> int:
        ws.write_string(row, 0, text, fmt or self.heading)
        return row + 1

    def table(self, ws: Worksheet, frame: pd.DataFrame, spec: Spec, *, row: int = 0,
              total: Mapping[str, object] | None = None, freeze: bool = True,
              autofilter: bool = True, editable: frozenset[str] = frozenset()) -> int:
        """Write ``frame`` as a table with a header row at ``row`` (and a total row under
        it when ``total`` maps columns to their totals); return the next free row."""
        for col, (_, header, _) in enumerate(spec):
            ws.write_string(row, col, header, self.header)
            self.width(ws, col, min(len(header), 18))
        records = frame[[key for key, _, _ in spec]].itertuples(index=False, name=None)
        last = row
        for last, values in enumerate(records, start=row + 1):
            for col, ((key, _, kind), value) in enumerate(zip(spec, values, strict=True)):
                self.cell(ws, last, col, value, kind, "edit" if key in editable else "plain")
        if freeze:
            ws.freeze_panes(row + 1, 0)
            self.repeat.setdefault(ws.name, row)
        if autofilter:
            ws.autofilter(row, 0, max(last, row), len(spec) - 1)
        if total is not None:
            last += 1
            self.cell(ws, last, 0, words("total", self.lang), "text", "total")
            for col, (key, _, kind) in enumerate(spec[1:], start=1):
                self.cell(ws, last, col, total.get(key), kind, "total")
        return last + 2

    def formula(self, ws: Worksheet, row: int, col: int, formula: str, value: object,
                kind: str, style: str = "plain") -> None:
        """A formula with its value cached (what Excel shows before it recalculates)."""
        fmt = {"plain": self.formats, "total": self.bold, "edit": self.editable}[style][kind]
        cached = 0.0 if _missing(value) else float(value)
        ws.write_formula(row, col, formula, fmt, cached)
        shown = f"{cached:,.0f}" if kind == "int" else f"{cached:,.2f}"
        self.width(ws, col, len(shown) + (2 if kind in ("share", "gap") else 0))

    def pairs(self, ws: Worksheet, row: int, items: list[tuple[str, object, str]]) -> int:
        """Label/value rows; return the next free row."""
        for at, (label, value, kind) in enumerate(items, start=row):
            ws.write_string(at, 0, label)
            self.cell(ws, at, 1, value, kind)
        return row + len(items) + 1


def print_setup(ws: Worksheet, chars: float, *, mark: str, footer: str, lang: str,
                repeat: int | None = None, dated: bool = True) -> None:
    """A4 in the orientation that prints ``ws`` (``chars`` characters wide) on fewer
    pages (:func:`_orientation`), fit to the page width, row ``repeat`` (a table header)
    repeated on every page, the sheet's name and ``mark`` (the data note, red) in the
    page header, ``footer`` (scenario, run date) and "halaman x dari y" in the footer,
    and the date of printing unless ``dated`` (``footer`` names the run date)."""
    ws.set_paper(A4)
    if _orientation(ws, chars) == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    ws.fit_to_pages(1, 0)
    if repeat is not None:
        ws.repeat_rows(repeat)
    ws.set_header(f'&L&A&R&"-,Bold"&KC00000{_hf(mark)}', {"margin": 0.3})
    page = text("book.page", lang, page="&P", pages="&N")
    printed = "" if dated else " · " + text("book.printed", lang, date="&D")
    ws.set_footer(f"&L{_hf(footer, 120)}{printed}&R{page}", {"margin": 0.3})


def _orientation(ws: Worksheet, chars: float) -> str:
    """The orientation in which ``ws`` (``chars`` characters wide) prints on fewer pages
    when fit to the page width (:data:`PAGE`), among those that keep it legible (shrunk
    to no less than :data:`LEGIBLE`); on a tie the one that shrinks it less. A sheet too
    wide to stay legible either way (a wide table of curves) prints in the orientation
    that shrinks it less, whatever the pages: fewer pages of unreadable print help
    nobody."""
    rows = ws.dim_rowmax + 1 if ws.dim_rowmax is not None else 0
    sizes = getattr(ws, "row_sizes", {})
    points = 15.0 * (rows - len(sizes)) + sum(0.75 * size[0] for size in sizes.values())

    def fit(orientation: str) -> tuple[float, int, float]:
        wide, tall = PAGE[orientation]
        scale = min(1.0, wide / max(chars, 1.0))
        return -min(scale, LEGIBLE), math.ceil(points * scale / tall), -scale

    return min(("portrait", "landscape"), key=fit)


def _valid_sheet_name(name: str, taken: set[str]) -> str:
    """``name`` as an Excel sheet name: no []:*?/\\, no apostrophe at either end, at most
    31 characters, unique (case-insensitively) among ``taken``."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name))
    clean = clean[:31].strip().strip("'").strip() or "Sheet"
    candidate, n = clean, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = clean[:31 - len(suffix)] + suffix
    return candidate


def _sums(frame: pd.DataFrame, columns: list[str]) -> dict[str, float]:
    return {c: float(frame[c].sum()) for c in columns}


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# --- the data behind the sheets ---------------------------------------------------------
def _plan(allocation, lang: str) -> pd.DataFrame:
    """The plan with programme names, units and dimensions in ``lang``."""
    plan = allocation.tables.plan
    programs = allocation.instance.programs.set_index("code")
    dims = allocation.instance.labels.get(f"dimension_{lang}", {})
    out = plan.copy()
    out["program_label"] = plan["program"].map(programs[f"name_{lang}"])
    out["unit"] = plan["program"].map(programs[f"unit_{lang}"])
    out["dimension_label"] = plan["dimension"].map(lambda d: dims.get(d, d))
    return out


def _data_note(ds: DataSet, lang: str) -> str:
    synthetic = ds.synthetic_indicators()
    if not synthetic:
        return words("real", lang)
    return words("synthetic", lang, n=len(synthetic), m=len(ds.indicator_metadata))


# --- the sheets ---------------------------------------------------------------------------
def _summary_sheet(book: _Book, ds: DataSet, allocation, summary: dict) -> None:
    lang = book.lang
    t = allocation.tables
    ws = book.add(sheet("summary", lang))
    ws.write_string(TOP, 0, words("title", lang), book.title)
    ws.freeze_panes(TOP + 1, 0)
    before = summary.get("deprivations_before")
    removed = summary.get("deprivations_removed")
    solver = " ".join(str(summary[k]) for k in ("solver", "solver_version") if summary.get(k))
    first = book.heading_row(ws, TOP + 2, words("block.solve", lang))
    row = book.pairs(ws, first, [
        (words("status", lang), coded("solve", summary.get("status"), lang), "text"),
        (words("plan_label", lang), summary.get("label") or words("proven", lang), "text"),
        (words("node_limit", lang), summary.get("node_limit"), "general"),
        (words("max_gap", lang), summary.get("max_gap"), "gap"),
        (words("solver", lang), solver, "text"),
        (words("objective", lang), summary.get("objective"), "num"),
        (words("bound", lang), summary.get("bound"), "num"),
        (words("gap", lang), summary.get("gap"), "gap"),
        (words("gap_target", lang), summary.get("gap_target"), "gap"),
        (words("time_limit", lang), summary.get("time_limit"), "general"),
        (words("stopped_by_time_limit", lang), summary.get("stopped_by_time_limit"), "flag"),
        (words("deprivations_before", lang), before, "num"),
        (words("deprivations_removed", lang), removed, "num"),
        (words("share_removed", lang), _share(removed or 0.0, before or 0.0), "share"),
        (words("spending_total", lang), summary.get("spending_total"), "money"),
        (words("pagu_total", lang), summary.get("pagu_total"), "money"),
    ])
    book.width(ws, 0, 40)
    spending = first + 14  # the spending row of the pairs above: the plan's cost, summed
    book.formula(ws, spending, 1, f"SUM({_allocation_column('cost', lang)})",
                 summary.get("spending_total"), "money")

    dims = allocation.instance.labels.get(f"dimension_{lang}", {})
    frame = t.dimensions.assign(
        dimension=t.dimensions["dimension"].map(lambda d: dims.get(d, d)),
        before=t.dimensions["deprived"],
        share_removed=t.dimensions["removed"] / t.dimensions["deprived"].where(
            t.dimensions["deprived"] > 0))
    total = _sums(frame, ["before", "removed", "after"])
    total["share_removed"] = _share(total["removed"], total["before"])
    row = book.heading_row(ws, row, words("block.dimensions", lang))
    row = book.table(ws, frame, _spec(lang, ("dimension", "text"), ("before", "num"),
                                      ("removed", "num"), ("after", "num"),
                                      ("share_removed", "share")),
                     row=row, total=total, freeze=False, autofilter=False)

    agencies = t.agencies.assign(left=t.agencies["pagu"] - t.agencies["used"])
    total = _sums(agencies, ["pagu", "used", "left"])
    total["share_used"] = _share(total["used"], total["pagu"])
    row = book.heading_row(ws, row, words("block.spending", lang))
    top = row
    row = book.table(ws, agencies, _spec(lang, ("agency", "text"), ("agency_name", "text"),
                                         ("pagu", "money"), ("used", "money"),
                                         ("left", "money"), ("share_used", "share")),
                     row=row, total=total, freeze=False, autofilter=False)
    _used_formulas(book, ws, agencies, top, total)

    base = t.baselines.assign(
        plan=[words(f"plan.{p}", lang) if f"plan.{p}" in _PLAN_KEYS else p
              for p in t.baselines["plan"]],
        objective_gain=t.baselines["objective_gain_pct"] / 100.0)
    row = book.heading_row(ws, row, words("block.baselines", lang))
    row = book.table(ws, base, _spec(lang, ("plan", "text"), ("cost", "money"),
                                     ("removed", "num"), ("objective", "num"),
                                     ("rules_broken", "int"), ("removed_gain_over", "num"),
                                     ("objective_gain", "share")),
                     row=row, freeze=False, autofilter=False)
    gains = t.baselines.set_index("plan")["removed_gain_over"]
    if {"greedy", "equal_split"} <= set(gains.index):
        book.paragraph(ws, row, words("margin", lang,
                                      greedy=number(gains["greedy"], lang, 1),
                                      equal=number(gains["equal_split"], lang, 1)))
        row += 2
    warnings = summary.get("warnings") or []
    if warnings:
        row = book.heading_row(ws, row, words("block.warnings", lang))
        for at, message in enumerate(warnings, start=row):
            book.paragraph(ws, at, str(message))


def _allocation_column(key: str, lang: str) -> str:
    """The whole column ``key`` of the Alokasi sheet as a reference: Alokasi!$H:$H."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(ALLOCATION_COLUMNS.index(key) + 1)
    return f"{_quoted(ALLOCATION_SHEET[lang])}!${letter}:${letter}"


def _used_formulas(book: _Book, ws: Worksheet, agencies: pd.DataFrame, top: int,
                   total: Mapping[str, object]) -> None:
    """The per-agency table of the summary sheet (header at ``top``: agency, name, pagu,
    used, left, share used, then the total row) with formulas: used = the agency's
    Alokasi costs (SUMIF), left = pagu - used, share = used / pagu, totals = SUM."""
    lang = book.lang
    agency, cost = _allocation_column("agency", lang), _allocation_column("cost", lang)
    first, last = top + 2, top + 1 + len(agencies)  # spreadsheet rows (1-based)
    for at, rec in enumerate(agencies.itertuples(index=False), start=top + 1):
        r = at + 1
        book.formula(ws, at, 3, f"SUMIF({agency},A{r},{cost})", rec.used, "money")
        book.formula(ws, at, 4, f"C{r}-D{r}", rec.left, "money")
        book.formula(ws, at, 5, f"IF(C{r}>0,D{r}/C{r},0)", rec.share_used, "share")
    at = top + 1 + len(agencies)
    for col, key in ((2, "pagu"), (3, "used"), (4, "left")):
        letter = "CDE"[col - 2]
        book.formula(ws, at, col, f"SUM({letter}{first}:{letter}{last})", total.get(key),
                     "money", "total")
    book.formula(ws, at, 5, f"IF(C{at + 1}>0,D{at + 1}/C{at + 1},0)",
                 total.get("share_used"), "share", "total")


_PLAN_KEYS = {"plan.optimal", "plan.greedy", "plan.equal_split"}


def _agency_sheets(book: _Book, ds: DataSet, allocation, plan: pd.DataFrame,
                   analysis=None) -> None:
    lang = book.lang
    names = ds.agencies.set_index("code")["name"]
    spec = _spec(lang, ("village_code", "text"), ("village", "text"), ("kecamatan", "text"),
                 ("program_code", "text"), ("program", "text"), ("dimension", "text"),
                 ("unit", "text"), ("units", "int"), ("cost", "money"),
                 ("share_of_pagu", "share"), ("households_reached", "num"))
    cost = _allocation_column("cost", lang)
    agency_column = _allocation_column("agency", lang)
    alokasi = _quoted(ALLOCATION_SHEET[lang])
    for agency in allocation.tables.agencies.itertuples(index=False):
        mask = (plan["agency"] == agency.agency).to_numpy()
        rows = plan[mask]
        frame = pd.DataFrame({
            "village_code": rows["village"], "village": rows["village_name"],
            "kecamatan": rows["kecamatan"], "program_code": rows["program"],
            "program": rows["program_label"], "dimension": rows["dimension_label"],
            "unit": rows["unit"], "units": rows["units"], "cost": rows["cost"],
            "share_of_pagu": rows["cost"] / agency.pagu if agency.pagu else float("nan"),
            "households_reached": rows["households_reached"]})
        ws = book.add(agency.agency, reserved=False)
        full = names.get(agency.agency, agency.agency_name)
        ws.write_string(TOP, 0, f"{agency.agency}: {full}", book.title)
        book.pairs(ws, TOP + 1, [
            (words("agency.pagu", lang), agency.pagu, "money"),
            (words("agency.used", lang), agency.used, "money"),
            (text("book.left", lang), agency.pagu - agency.used, "money"),
            (words("agency.share", lang), agency.share_used, "share")])
        pagu_cell = f"$B${TOP + 2}"
        code = agency.agency.replace('"', '""')
        book.formula(ws, TOP + 2, 1, f'SUMIF({agency_column},"{code}",{cost})', agency.used,
                     "money")
        book.formula(ws, TOP + 3, 1, f"B{TOP + 2}-B{TOP + 3}", agency.pagu - agency.used,
                     "money")
        book.formula(ws, TOP + 4, 1, f"IF(B{TOP + 2}>0,B{TOP + 3}/B{TOP + 2},0)",
                     agency.share_used, "share")
        book.width(ws, 0, 16)
        total = _sums(frame, ["cost", "share_of_pagu", "households_reached"])
        top = TOP + 6
        row = book.table(ws, frame, spec, row=top, total=total)
        # units and cost follow the Alokasi rows; shares and the totals follow them
        for at, (source, rec) in enumerate(zip(mask.nonzero()[0],
                                               frame.itertuples(index=False), strict=True),
                                           start=top + 1):
            r, s = at + 1, TOP + 2 + int(source)
            book.formula(ws, at, 7, f"{alokasi}!G{s}", rec.units, "int")
            book.formula(ws, at, 8, f"{alokasi}!H{s}", rec.cost, "money")
            book.formula(ws, at, 9, f"IF({pagu_cell}>0,I{r}/{pagu_cell},0)",
                         rec.share_of_pagu, "share")
        end = top + 1 + len(frame)
        if len(frame):
            book.formula(ws, end, 8, f"SUM(I{top + 2}:I{end})", total["cost"], "money",
                         "total")
            book.formula(ws, end, 9, f"SUM(J{top + 2}:J{end})", total["share_of_pagu"],
                         "share", "total")
        if analysis is not None:
            from planning.report.analysis import agency_section

            agency_section(book, ws, row + 1, analysis, agency.agency)


def _kecamatan_sheet(book: _Book, allocation) -> None:
    lang = book.lang
    kec = allocation.tables.kecamatan
    frame = kec.assign(after_total=kec["deprived_total"] - kec["removed_total"],
                       share_removed=kec["removed_total"] / kec["deprived_total"].where(
                           kec["deprived_total"] > 0))
    total = _sums(frame, ["villages", "programs", "cost", "share_of_spending",
                          "deprived_total", "removed_total", "after_total"])
    total["share_removed"] = _share(total["removed_total"], total["deprived_total"])
    spec = _spec(lang, ("kecamatan_code", "text"), ("kecamatan", "text"), ("villages", "int"),
                 ("programs", "int"), ("cost", "money"), ("share_of_spending", "share"),
                 ("deprived_total", "num"), ("removed_total", "num"), ("after_total", "num"),
                 ("share_removed", "share"))
    ws = book.add(sheet("kecamatan", lang))
    book.table(ws, frame, spec, row=TOP, total=total)
    _spending_formulas(book, ws, frame, "kecamatan", "B", 4, total)


def _spending_formulas(book: _Book, ws: Worksheet, frame: pd.DataFrame, by: str,
                       name: str, col: int, total: Mapping[str, object]) -> None:
    """The cost and share-of-spending columns (``col``, ``col + 1``) of a table written at
    ``TOP`` with one row per ``frame`` row and a total row, as formulas: cost = the Alokasi
    costs of the rows whose column ``by`` holds this row's column ``name`` (SUMIF), share
    = cost / the total cost, totals = SUM; so a planner's edit of units shows here."""
    from openpyxl.utils import get_column_letter

    key, cost = _allocation_column(by, book.lang), _allocation_column("cost", book.lang)
    c, first = get_column_letter(col + 1), TOP + 2
    end = TOP + 1 + len(frame)  # the total row (0-based); its spreadsheet row is end + 1
    for at, (cost_value, share) in enumerate(zip(frame["cost"], frame["share_of_spending"],
                                                 strict=True), start=TOP + 1):
        r = at + 1
        book.formula(ws, at, col, f"SUMIF({key},{name}{r},{cost})", cost_value, "money")
        book.formula(ws, at, col + 1, f"IF(${c}${end + 1}>0,{c}{r}/${c}${end + 1},0)", share,
                     "share")
    book.formula(ws, end, col, f"SUM({c}{first}:{c}{end})", total.get("cost"), "money",
                 "total")
    book.formula(ws, end, col + 1, f"IF({c}{end + 1}>0,1,0)", total.get("share_of_spending"),
                 "share", "total")


def _village_sheet(book: _Book, allocation) -> None:
    lang = book.lang
    villages = allocation.tables.villages
    dims = allocation.tables.dimensions["dimension"].tolist()
    labels = allocation.instance.labels.get(f"dimension_{lang}", {})
    frame = villages.rename(columns={"village": "village_code", "name": "village"}).assign(
        after_total=villages["deprived_total"] - villages["removed_total"])
    spec = _spec(lang, ("village_code", "text"), ("village", "text"),
                 ("kecamatan_code", "text"), ("kecamatan", "text"), ("poverty_index", "index"),
                 ("weight", "index"), ("programs", "int"), ("cost", "money"),
                 ("share_of_spending", "share"))
    counts = []
    for d in dims:
        for stage, key in (("deprived", "before"), ("removed", "removed"), ("after", "after")):
            name = f"{stage}_{d}"
            counts.append(name)
            spec.append((name, f"{labels.get(d, d)}: {column(key, lang)}", "num"))
    spec += _spec(lang, ("deprived_total", "num"), ("removed_total", "num"),
                  ("after_total", "num"))
    total = _sums(frame, ["programs", "cost", "share_of_spending", *counts,
                          "deprived_total", "removed_total", "after_total"])
    ws = book.add(sheet("villages", lang))
    book.table(ws, frame, spec, row=TOP, total=total)
    _spending_formulas(book, ws, frame, "village_code", "A", 7, total)


def _reason(key: object, lang: str) -> str | None:
    """The label of an equity reason key (``equity.reason.<key>``); None for none."""
    return None if _missing(key) else text(f"equity.reason.{key}", lang)


def _unit(key: object, lang: str) -> str | None:
    """The word of a unit code (``equity.unit.<unit>``); None for none."""
    return None if _missing(key) or not key else text(f"equity.unit.{key}", lang)


def _equity_sheet(book: _Book, allocation, eq: Equity) -> None:
    """The equity of the plan (:mod:`planning.analysis.equity`, docs/equity.md): per
    dimension in its own unit (no total: households, children and persons are not added),
    the spread of spending, per kecamatan, per kecamatan and dimension, per village
    (spending per deprivation) and the programmes left unused with their reason."""
    lang = book.lang
    ws = book.add(sheet("equity", lang))
    dims = allocation.instance.labels.get(f"dimension_{lang}", {})
    dim_label = lambda d: dims.get(d, d)  # noqa: E731
    frame = _labelled(eq.dimensions, dims, lang).assign(
        reason=eq.dimensions["reason"].map(lambda r: _reason(r, lang)))
    row = book.heading_row(ws, TOP, words("block.equity_dimensions", lang))
    row = book.table(ws, frame, _spec(
        lang, ("dimension", "text"), ("unit", "text"), ("deprived", "num"),
        ("removed", "num"), ("share_removed", "share"), ("villages", "int"),
        ("villages_reached", "int"), ("reason", "text")),
        row=row, freeze=False, autofilter=False)

    row = book.heading_row(ws, row, words("block.equity_spread", lang))
    row = book.pairs(ws, row, [
        (words("gini", lang), eq.gini, "index"),
        (words("theil", lang), eq.theil, "index"),
        (words("largest_village", lang), eq.largest_village, "text"),
        (words("largest_share", lang), eq.largest_share, "share"),
        (words("token_villages", lang), ", ".join(eq.token_villages) or "-", "text"),
    ])

    kec_names = allocation.tables.kecamatan.set_index("kecamatan_code")["kecamatan"]
    kec = eq.kecamatan.assign(kecamatan=eq.kecamatan["kecamatan_code"].map(kec_names))
    row = book.heading_row(ws, row, words("block.equity_kecamatan", lang))
    row = book.table(ws, kec, _spec(
        lang, ("kecamatan_code", "text"), ("kecamatan", "text"), ("villages", "int"),
        ("deprived", "num"), ("removed", "num"), ("share_removed", "share"),
        ("cost", "money"), ("share_of_spending", "share")),
        row=row, freeze=False, autofilter=False)

    kd = _labelled(eq.kecamatan_dimensions, dims, lang)
    row = book.heading_row(ws, row, words("block.equity_kecamatan_dimensions", lang))
    row = book.table(ws, kd, _spec(
        lang, ("kecamatan_code", "text"), ("dimension", "text"), ("unit", "text"),
        ("deprived", "num"), ("removed", "num"), ("share_removed", "share")),
        row=row, freeze=False, autofilter=False)

    names = allocation.tables.villages.set_index("village")["name"]
    villages = eq.villages.rename(columns={"village": "village_code"}).assign(
        village=eq.villages["village"].map(names))
    row = book.heading_row(ws, row, words("block.equity_villages", lang))
    row = book.table(ws, villages, _spec(
        lang, ("village_code", "text"), ("village", "text"), ("kecamatan_code", "text"),
        ("programs", "int"), ("cost", "money"), ("share_of_spending", "share"),
        ("deprived", "num"), ("removed", "num"), ("cost_per_deprived", "price"),
        ("token", "flag"), ("served", "flag")),
        row=row, freeze=False, autofilter=False)

    programs = allocation.instance.programs.set_index("code")[f"name_{lang}"]
    unused = eq.unused_programs.rename(columns={"program": "program_code"}).assign(
        program=eq.unused_programs["program"].map(programs),
        dimension=eq.unused_programs["dimension"].map(dim_label),
        reason=eq.unused_programs["reason"].map(lambda r: _reason(r, lang)))
    row = book.heading_row(ws, row, words("block.equity_unused", lang))
    book.table(ws, unused, _spec(
        lang, ("program_code", "text"), ("program", "text"), ("agency", "text"),
        ("dimension", "text"), ("eligible_villages", "int"), ("smallest_package", "money"),
        ("cost_per_deprived", "price"), ("reason", "text"), ("alternative", "text")),
        row=row, freeze=False, autofilter=False)
    book.width(ws, 0, 24)


#: the rows of the price sheet's side-by-side table: PlanFigures field and number kind
PRICE_FIGURES = (("status", "text"), ("objective", "num"), ("gap", "gap"),
                 ("spending", "money"), ("largest_village", "text"),
                 ("largest_share", "share"), ("token_villages", "int"),
                 ("unused_programs", "int"), ("lowest_agency", "text"),
                 ("lowest_absorption", "share"))


def _labelled(frame: pd.DataFrame, dims: Mapping[str, str], lang: str) -> pd.DataFrame:
    """``frame`` with its dimension codes and unit codes as the planner reads them."""
    return frame.assign(dimension=frame["dimension"].map(lambda d: dims.get(d, d)),
                        unit=frame["unit"].map(lambda u: _unit(u, lang)))


def _setting_value(value: object) -> object:
    """A balance setting's value for its cell: the number, or "code: value" pairs (text)
    for one value per dimension."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return value


def _plans_rows(book: _Book, ws: Worksheet, row: int, balanced: PlanFigures,
                efficient: PlanFigures | None, comparable: bool = True) -> int:
    """Both plans' figures side by side, one row per :data:`PRICE_FIGURES`, with
    change = this plan - efficiency plan for the numbers; return the next free row. No
    change for the certified gaps (a difference of two gaps means nothing) nor, unless
    ``comparable``, for the objectives (diminishing returns change the objective itself,
    docs/equity.md)."""
    lang = book.lang
    for col, key in enumerate(("measure", "efficient_plan", "balanced_plan", "change")):
        ws.write_string(row, col, column(key, lang), book.header)
        book.width(ws, col, min(len(column(key, lang)), 18))
    for at, (name, kind) in enumerate(PRICE_FIGURES, start=row + 1):
        book.cell(ws, at, 0, text(f"price.figure.{name}", lang), "text")
        mine = getattr(balanced, name)
        other = None if efficient is None else getattr(efficient, name)
        book.cell(ws, at, 1, other, kind)
        book.cell(ws, at, 2, mine, kind)
        if kind != "text" and not _missing(mine) and not _missing(other) and \
                name != "gap" and (comparable or name != "objective"):
            book.cell(ws, at, 3, float(mine) - float(other), kind)
    return row + len(PRICE_FIGURES) + 2


def _price_sheet(book: _Book, allocation, price: Price) -> None:
    """The price of balance (:mod:`planning.analysis.price`, docs/equity.md): what the
    state is in words, the balance settings on, per dimension in its own unit the
    deprivations removed by both plans and change = this plan - efficiency plan (then
    their sum, labelled deprivations of mixed units), and both plans' figures side by
    side. A plan that is not balanced, or whose efficiency plan has none, gets the note
    alone (and its own figures)."""
    lang = book.lang
    ws = book.add(sheet("price", lang))
    row = book.heading_row(ws, TOP, sheet("price", lang), book.title)
    book.paragraph(ws, row, text(f"price.note.{price.state}", lang,
                                 status=price.efficient_status or "-"))
    row += 2
    if price.settings:
        row = book.heading_row(ws, row, words("block.price_settings", lang))
        settings = pd.DataFrame({
            "setting": [text(f"price.setting.{k}", lang) for k in price.settings],
            "value": [_setting_value(v) for v in price.settings.values()]})
        row = book.table(ws, settings, _spec(lang, ("setting", "text"), ("value", "general")),
                         row=row, freeze=False, autofilter=False)
    if price.dimensions is not None:
        frame = _labelled(price.dimensions,
                          allocation.instance.labels.get(f"dimension_{lang}", {}), lang)
        row = book.heading_row(ws, row, words("block.price_dimensions", lang))
        row = book.table(ws, frame, _spec(
            lang, ("dimension", "text"), ("unit", "text"), ("deprived", "num"),
            ("removed_efficient", "num"), ("removed_balanced", "num"), ("change", "num")),
            row=row, freeze=False, autofilter=False)
        row = book.pairs(ws, row - 1, [(text("price.total", lang), price.change_total,
                                        "num")])
    row = book.heading_row(ws, row, words("block.price_plans", lang))
    _plans_rows(book, ws, row, price.balanced, price.efficient,
                comparable="diminishing_returns" not in price.settings)
    book.width(ws, 0, 30)


def _allocation_sheet(book: _Book, plan: pd.DataFrame, programs: pd.DataFrame) -> None:
    """The long plan table the round trip reads back: exactly ALLOCATION_COLUMNS, header
    at row :data:`TOP` (under the banner), one row per (village, programme) below it, an
    empty lock column. The cost is a formula (units x unit cost + fixed cost, both looked
    up in the catalogue on the inputs sheet: ``programs`` in its order there); village
    and programme codes get drop-down lists, units whole numbers >= 0."""
    lang = book.lang
    frame = pd.DataFrame({
        "village_code": plan["village"], "village": plan["village_name"],
        "kecamatan": plan["kecamatan"], "program_code": plan["program"],
        "program": plan["program_label"], "agency": plan["agency"], "units": plan["units"],
        "cost": plan["cost"], "households_reached": plan["households_reached"],
        "lock": None})
    kinds = ["text", "text", "text", "text", "text", "text", "int", "money", "num", "text"]
    spec = list(zip(ALLOCATION_COLUMNS, ALLOCATION_HEADERS[lang], kinds, strict=True))
    ws = book.add(ALLOCATION_SHEET[lang])
    book.table(ws, frame, spec, row=TOP, editable=frozenset({"units", "lock"}))
    inputs = _quoted(sheet("inputs", lang))
    first, last = TOP + 3, TOP + 2 + len(programs)  # catalogue rows on the inputs sheet
    table = f"{inputs}!$A${first}:$H${last}"
    for at, value in enumerate(frame["cost"], start=TOP + 1):
        r = at + 1
        book.formula(ws, at, ALLOCATION_COLUMNS.index("cost"),
                     f"IF(G{r}>0,G{r}*VLOOKUP(D{r},{table},7,FALSE)"
                     f"+VLOOKUP(D{r},{table},8,FALSE),0)", value, "money")
    ws.write_comment(TOP, ALLOCATION_COLUMNS.index("cost"),
                     text("book.cost.note", lang, sheet=sheet("inputs", lang)),
                     {"author": "planning", "x_scale": 2.5, "y_scale": 2.0})
    lock = ALLOCATION_COLUMNS.index("lock")
    book.width(ws, lock, 10)
    ws.data_validation(TOP + 1, lock, LAST_ROW, lock, {
        "validate": "list", "source": LOCK_CHOICES[lang], "ignore_blank": True,
        "input_title": words("lock.title", lang), "input_message": words("lock.prompt", lang),
        "error_type": "warning", "error_message": words("lock.error", lang)})
    ws.write_comment(TOP, lock, words("lock.note", lang),
                     {"author": "planning", "x_scale": 2.5, "y_scale": 2.5})
    units = ALLOCATION_COLUMNS.index("units")
    ws.data_validation(TOP + 1, units, LAST_ROW, units, {
        "validate": "integer", "criteria": ">=", "value": 0, "ignore_blank": True,
        "input_title": text("book.units.title", lang),
        "input_message": text("book.units.prompt", lang),
        "error_type": "stop", "error_message": text("book.units.error", lang)})
    villages = plan["village"].drop_duplicates().sort_values()
    for key, count, message in (
            ("village_code", len(villages), text("book.village.error", lang)),
            ("program_code", len(programs),
             text("book.program.error", lang, sheet=sheet("inputs", lang)))):
        col = ALLOCATION_COLUMNS.index(key)
        letter = "AB"[key == "program_code"]
        ws.data_validation(TOP + 1, col, LAST_ROW, col, {
            "validate": "list", "source": f"={LISTS_SHEET}!${letter}$2:${letter}${count + 1}",
            "ignore_blank": True, "error_type": "warning", "error_message": message})


def _lists_sheet(book: _Book, plan: pd.DataFrame, programs: pd.DataFrame) -> None:
    """The drop-down lists of the Alokasi sheet, in a hidden sheet: the plan's village
    codes (column A) and the programme codes of the catalogue (column B)."""
    ws = book.add(LISTS_SHEET, banner=False)
    ws.write_string(0, 0, "village_code")
    ws.write_string(0, 1, "program_code")
    villages = plan["village"].drop_duplicates().sort_values()
    for at, code in enumerate(villages, start=1):
        ws.write_string(at, 0, str(code))
    for at, code in enumerate(programs["code"], start=1):
        ws.write_string(at, 1, str(code))
    ws.hide()


def _plan_sheet(book: _Book, plan: pd.DataFrame) -> None:
    """The plan as written, in a hidden sheet: the round trip compares the edited
    Alokasi sheet with it to tell deleted and changed rows."""
    ws = book.add(PLAN_SHEET, banner=False)
    frame = plan[list(PLAN_COLUMNS)]
    book.table(ws, frame, [(key, key, "text" if key != "units" else "int")
                           for key in frame.columns], freeze=False, autofilter=False)
    ws.hide()


def _score_sheet(book: _Book, ds: DataSet, scores: pd.DataFrame) -> None:
    lang = book.lang
    frame = scores.rename(columns={"code": "village_code", "name": "village",
                                   f"typology_{lang}": "typology_label"})
    wanted = [("village_code", "text"), ("village", "text"), ("kecamatan_code", "text"),
              ("kecamatan", "text"), ("type", "text"), ("poverty_index", "index"),
              ("potential_index", "index"), ("rank_in_kecamatan", "int"),
              ("priority", "num"), ("selected", "flag"), ("margin", "num"),
              ("typology_label", "text"), ("reason", "text"),
              ("selection_frequency", "share"), ("stability", "text"),
              ("in_2020_list", "flag")]
    spec = [(key, column("typology" if key == "typology_label" else key, lang), kind)
            for key, kind in wanted if key in frame.columns]
    sectors = ds.sectors.set_index("group")[f"label_{lang}"]
    for key in frame.columns:
        group = key.removeprefix("potential_")
        if group != key and key != "potential_index":
            spec.append((key, f"{column('potential', lang)}: {sectors.get(group, group)}",
                         "index"))
    book.table(book.add(sheet("scores", lang)), frame, spec, row=TOP)


def _inputs_sheet(book: _Book, ds: DataSet, allocation) -> None:
    lang = book.lang
    ws = book.add(sheet("inputs", lang))
    dims = allocation.instance.labels.get(f"dimension_{lang}", {})
    programs = allocation.instance.programs
    names = ds.indicator_metadata.set_index("indicator")[f"label_{lang}"].to_dict()
    catalogue = programs.rename(columns={"code": "program_code", f"name_{lang}": "program",
                                         f"unit_{lang}": "unit"}).assign(
        dimension=programs["dimension"].map(lambda d: dims.get(d, d)),
        sector=_words(programs["sector"], "sector", lang),
        need_indicator=programs["need_indicator"].map(lambda i: names.get(i, i)),
        cost_status=_words(programs["cost_status"], "status", lang))
    row = book.heading_row(ws, TOP, words("block.catalogue", lang))
    row = book.table(ws, catalogue, _spec(
        lang, ("program_code", "text"), ("program", "text"), ("agency", "text"),
        ("dimension", "text"), ("sector", "text"), ("unit", "text"), ("unit_cost", "price"),
        ("fixed_cost", "price"), ("beneficiaries_per_unit", "general"),
        ("min_units", "int"), ("max_units", "int"), ("max_villages", "int"),
        ("need_indicator", "text"), ("cost_status", "text"), ("cost_source", "text"),
        ("assumptions", "text")), row=row)

    data = ds.agencies.set_index("code")
    used = allocation.tables.agencies
    budgets = pd.DataFrame({
        "agency": used["agency"], "agency_name": used["agency"].map(data["name"]),
        "pagu": used["pagu"], "pagu_data": used["agency"].map(data["pagu"]),
        "pagu_status": _words(used["agency"].map(data["pagu_status"]), "status", lang),
        "funding": used["agency"].map(data["funding"]),
        "note": used["agency"].map(data["note"]),
        "source_url": used["agency"].map(data["source_url"])})
    row = book.heading_row(ws, row, words("block.budgets", lang))
    row = book.table(ws, budgets, _spec(
        lang, ("agency", "text"), ("agency_name", "text"), ("pagu", "money"),
        ("pagu_data", "money"), ("pagu_status", "text"), ("funding", "text"),
        ("note", "text"), ("source_url", "text")),
        row=row, total=_sums(budgets, ["pagu", "pagu_data"]), freeze=False, autofilter=False)

    meta = ds.indicator_metadata.rename(columns={f"label_{lang}": "name"})
    meta = meta.assign(kind=_words(meta["kind"], "kind", lang),
                       group=_words(meta["group"], "dimension", lang).where(
                           meta["group"].map(lambda g: known("dimension", g)),
                           _words(meta["group"], "sector", lang)),
                       unit=_words(meta["unit"], "unit", lang),
                       status=_words(meta["status"], "status", lang))
    row = book.heading_row(ws, row, words("block.indicators", lang))
    book.table(ws, meta, _spec(lang, ("indicator", "text"), ("name", "text"),
                               ("kind", "text"), ("group", "text"), ("unit", "text"),
                               ("status", "text"), ("source", "text")),
               row=row, freeze=False, autofilter=False)


def _words(values: pd.Series, family: str, lang: str) -> pd.Series:
    """A column of codes (``agriculture``, ``assumption``) in the glossary's words."""
    return values.map(lambda code: code if _missing(code) else coded(family, code, lang))


def _flatten(prefix: str, value: object) -> Iterator[tuple[str, object]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), item)
    else:
        yield prefix, value


def _meta_rows(ds: DataSet, scenario: dict, provenance: dict, lang: str,
               day: date | None, hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """The Meta sheet's rows: the scenario as run, the provenance, the workbook's language,
    date and data status, and the digest of ``hidden`` (the rows of the hidden plan sheet
    the round trip reads, :func:`~planning.report.roundtrip.rows_digest`)."""
    rows = [("scenario", key, value) for key, value in _flatten("", scenario)]
    for top, value in provenance.items():
        if isinstance(value, Mapping):
            rows += [(str(top), key, item) for key, item in _flatten("", value)]
        else:
            rows.append(("provenance", str(top), value))
    rows += [(words("block.workbook", "en"), "language", lang),
             (words("block.workbook", "en"), "run_date", day and day.isoformat()),
             (words("block.workbook", "en"), "data_status", synthetic_note(ds, "en")),
             (words("block.workbook", "en"), "synthetic_indicators",
              ds.synthetic_indicators())]
    if hidden is not None:
        rows.append((words("block.workbook", "en"), PLAN_DIGEST,
                     rows_digest(hidden.itertuples(index=False, name=None))))
    plain = [(section, key, _plain(value)) for section, key, value in rows]
    return pd.DataFrame(plain, columns=["section", "key", "value"])


def _plain(value: object) -> object:
    """A value for one Meta cell: numbers stay numbers, lists become JSON text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) or value is None:
        return value
    if hasattr(value, "item"):
        return _plain(value.item())
    if isinstance(value, list | tuple | set):
        items = sorted(value, key=str) if isinstance(value, set) else list(value)
        return json.dumps(items, ensure_ascii=False, default=str)
    return str(value)


def _meta_sheet(book: _Book, frame: pd.DataFrame) -> None:
    lang = book.lang
    spec = _spec(lang, ("section", "text"), ("key", "text"), ("value", "general"))
    book.table(book.add(sheet("meta", lang)), frame, spec, row=TOP)


def _moved_sheet(book: _Book, moved: pd.DataFrame) -> None:
    spec: Spec = []
    for key in moved.columns:
        dtype = moved[key].dtype
        if pd.api.types.is_bool_dtype(dtype):
            kind = "flag"
        elif pd.api.types.is_integer_dtype(dtype):
            kind = "int"
        elif pd.api.types.is_numeric_dtype(dtype):
            kind = "num"
        else:
            kind = "text"
        spec.append((key, str(key), kind))
    book.table(book.add(sheet("moved", book.lang)), moved, spec, row=TOP)


def workbook_bytes(*, ds: DataSet, scores: pd.DataFrame, allocation, summary: dict,
                   scenario: dict, provenance: dict, lang: str = "id",
                   moved: pd.DataFrame | None = None,
                   created: datetime = CREATED, equity: Equity | None = None,
                   price: Price | None = None, analysis=None,
                   figures: Mapping[str, bytes] | None = None,
                   day: date | None = None) -> bytes:
    """The planners' workbook as xlsx bytes.

    ``scores`` is the village score table (``ScoreResult.table``), ``allocation`` an
    :class:`~planning.model.Allocation` holding a plan, ``summary`` its
    :func:`planning.pipeline.allocation_summary`, ``scenario`` the scenario as run (plain
    dict) and ``provenance`` anything a reviewer needs to trace the numbers (input
    hashes, versions; nested dicts become one row per entry). ``moved`` (the round trip's
    table of what moved) adds a sheet as is. ``equity``: the plan's
    :class:`~planning.analysis.equity.Equity` (the pipeline's ``Result.equity``); without
    it the measures are computed here from ``allocation`` and ``ds``. ``price``: the
    run's :class:`~planning.analysis.price.Price` (``Result.price``); without it the price
    sheet knows this plan only (a balanced plan's price reads as not computed). ``day``:
    the run date every sheet shows (default :func:`run_date`; without one the sheets show
    none and the printed pages the date of printing). Same arguments, same bytes.
    """
    if allocation.tables is None:
        raise ValueError("the allocation holds no plan; there is nothing to write")
    measures = equity if equity is not None else equity_of(allocation, dimension_units(ds))
    if price is None:
        price = price_of_balance(allocation, None, balanced_equity=measures)
    day = run_date() if day is None else day
    stamp = Stamp(warning=_data_note(ds, lang), mark=synthetic_note(ds, lang),
                  scenario=scenario_name(scenario),
                  day=None if day is None else long_date(day, lang))
    book = _Book(lang, created, synthetic_note(ds, lang), stamp)
    plan = _plan(allocation, lang)
    _summary_sheet(book, ds, allocation, summary)
    if moved is not None:
        _moved_sheet(book, moved)
    _agency_sheets(book, ds, allocation, plan, analysis)
    _kecamatan_sheet(book, allocation)
    _village_sheet(book, allocation)
    _equity_sheet(book, allocation, measures)
    _price_sheet(book, allocation, price)
    if analysis is not None:
        from planning.report.analysis import write_sheets

        write_sheets(book, analysis, allocation.instance.labels.get(f"dimension_{lang}", {}),
                     dict(figures or {}))
        if analysis.alternatives is not None:
            from planning.report.alternatives import write_alternatives_sheet

            write_alternatives_sheet(book, analysis.alternatives)
        if analysis.robustness is not None:
            from planning.report.robustness import write_robustness_sheet

            write_robustness_sheet(book, analysis.robustness,
                                   (figures or {}).get(ROBUSTNESS_FIGURE))
    _allocation_sheet(book, plan, allocation.instance.programs)
    _score_sheet(book, ds, scores)
    _inputs_sheet(book, ds, allocation)
    _meta_sheet(book, _meta_rows(ds, scenario, provenance, lang, day,
                                 plan[list(PLAN_COLUMNS)]))
    _plan_sheet(book, plan)
    _lists_sheet(book, plan, allocation.instance.programs)
    return book.close()


def scenario_name(scenario: Mapping) -> str:
    """The scenario's name as the banner shows it: its ``name`` (at the top or in the
    ``settings`` of a scenario record), else its file's stem, else "-"."""
    settings = scenario.get("settings")
    for found in (scenario.get("name"),
                  settings.get("name") if isinstance(settings, Mapping) else None):
        if isinstance(found, str) and found.strip():
            return found.strip()
    file = scenario.get("file")
    if isinstance(file, str) and file:
        return file.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".yaml")
    return "-"

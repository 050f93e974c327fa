"""The comparison of two plans as people read it: the console summary, the CSV and JSON
files and the workbook (the differences themselves: :mod:`planning.analysis.compare`)."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd

from planning import i18n
from planning.analysis.compare import (
    CREATED,
    EPS,
    FILES,
    MONEY,
    SUMMARY_FILE,
    TOP,
    WORKBOOK_FILE,
    Comparison,
    SheetTable,
    six_decimals,
)
from planning.data.summary import note_in
from planning.i18n.glossary import coded
from planning.report.folder import csv_bytes, json_bytes

# --- console summary -------------------------------------------------------------------

def _largest(frame: pd.DataFrame, code: str, column: str) -> pd.DataFrame:
    """The ``TOP`` rows with the largest absolute ``column``, ties by code."""
    moved = frame[frame[column].abs() > EPS]
    order = moved.assign(_size=-moved[column].abs()).sort_values(
        ["_size", code], kind="stable")
    return order.head(TOP)


def summary_lines(cmp: Comparison, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """A short console summary: objective and deprivations removed in A and B, spending,
    villages gained and lost, and the largest Rupiah moves per agency and kecamatan."""
    lang = i18n.check_language(lang)
    a, b = cmp.labels
    t = cmp.totals

    def num(value: float, decimals: int = 1) -> str:
        return i18n.number(value, lang, decimals)

    def pair(key: str, values: dict, **extra: object) -> str:
        return i18n.text(key, lang, a=a, b=b, va=num(values["a"]), vb=num(values["b"]),
                         change=i18n.signed(values["change"], lang), **extra)

    lines = [i18n.text("compare.heading", lang, a=a, b=b, folder_a=cmp.folders[0].as_posix(),
                       folder_b=cmp.folders[1].as_posix())]
    if t["same_input_data"]:
        lines.append(i18n.text("compare.same_data", lang))
    else:
        lines.append(i18n.text("compare.other_data", lang,
                               files=", ".join(t["input_files_differing"])))
    lines.append(pair("compare.objective", t["objective"]))
    lines.append(pair("compare.removed", t["deprivations_removed"]))
    lines.append(i18n.text("compare.by_dimension", lang, items=", ".join(
        f"{coded('dimension', d, lang)} {i18n.signed(v['change'], lang)}"
        for d, v in t["removed_by_dimension"].items())))
    lines.append(pair("compare.spending", t["spending"], pa=num(t["pagu"]["a"]),
                      pb=num(t["pagu"]["b"])))
    lines.append(i18n.text("compare.village_counts", lang, gained=t["villages_gained"],
                           lost=t["villages_lost"], kept=t["villages_kept"],
                           programs=t["program_rows_changed"]))
    if cmp.identical:
        lines.append(i18n.text("compare.no_difference", lang, a=a, b=b))
        return lines
    top = _largest(cmp.agencies, "agency", "moved")
    if len(top):
        lines.append(i18n.text("compare.top_agencies", lang, a=a, b=b))
        for row in top.itertuples(index=False):
            villages = i18n.text("compare.agency_villages", lang, gained=row.gained,
                                 lost=row.lost)
            lines.append(f"  {row.agency:<16} {i18n.signed(row.moved, lang):>9}  ({villages})")
    top = _largest(cmp.kecamatan, "kecamatan_code", "spending_change")
    if len(top):
        lines.append(i18n.text("compare.top_kecamatan", lang, a=a, b=b))
        for row in top.itertuples(index=False):
            place = f"{row.kecamatan_code} {row.kecamatan}"
            lines.append(f"  {place:<25} {i18n.signed(row.spending_change, lang):>9}")
    return lines


# --- files and workbook ----------------------------------------------------------------

def comparison_files(cmp: Comparison, lang: str = i18n.DEFAULT_LANGUAGE,
                     workbook: bool = False) -> dict[str, bytes]:
    """The comparison as files (name -> bytes) for :func:`planning.report.folder.write_folder`:
    the four CSV tables (codes and English column names, money in juta Rp) and
    ``compare_summary.json`` (totals, moves per agency and kecamatan, the villages gained
    and lost per agency, and the console summary in ``lang``); with ``workbook`` also
    ``compare.xlsx``."""
    lang = i18n.check_language(lang)
    status = data_status(cmp, lang)
    files = {name: csv_bytes(getattr(cmp, table).assign(data_status=status))
             for table, name in FILES.items()}
    files[SUMMARY_FILE] = json_bytes({**_summary_payload(cmp, lang), "data_status": status})
    if workbook:
        files[WORKBOOK_FILE] = comparison_workbook_bytes(cmp, lang)
    return files


def data_status(cmp: Comparison, lang: str = "en") -> str:
    """The data-status note of the two runs (e.g. SYNTHETIC per-village indicators), from
    their summary.json, in ``lang``, so that every export of a comparison says what the
    data are."""
    notes = []
    for folder in cmp.folders:
        path = Path(folder) / "summary.json"
        try:
            note = json.loads(path.read_text(encoding="utf-8")).get("data_status", "")
        except (OSError, ValueError):
            note = ""
        note = note_in(note, lang) if note else note
        if note and note not in notes:
            notes.append(note)
    return " / ".join(notes)


def _summary_payload(cmp: Comparison, lang: str) -> dict:
    v = cmp.villages

    def codes(status: str) -> dict[str, list[str]]:
        rows = v[v["status"] == status]
        return {agency: group["village"].tolist()
                for agency, group in rows.groupby("agency", sort=True)}

    def moves(frame: pd.DataFrame, code: str, column: str) -> dict[str, float]:
        rows = frame[frame[column].abs() > EPS]
        return {k: six_decimals(x) for k, x in zip(rows[code], rows[column], strict=True)}

    return {
        "labels": {"a": cmp.labels[0], "b": cmp.labels[1]},
        "folders": {"a": cmp.folders[0].as_posix(), "b": cmp.folders[1].as_posix()},
        "totals": cmp.totals,
        "rupiah_moved_by_agency": moves(cmp.agencies, "agency", "moved"),
        "rupiah_moved_by_kecamatan": moves(cmp.kecamatan, "kecamatan_code",
                                           "spending_change"),
        "villages_gained": codes("gained"),
        "villages_lost": codes("lost"),
        "money_unit": "juta Rp (million rupiah)",
        "language": lang,
        "summary": summary_lines(cmp, lang),
    }


def sheet_name(lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The comparison sheet's name: "Perbandingan" / "Comparison"."""
    return i18n.text("compare.sheet.summary", lang)


def _summary_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    t = cmp.totals

    def row(key: str, values: dict | None = None, change: object = None, **params) -> list:
        label = i18n.text(f"compare.measure.{key}", lang, **params)
        if values is None:
            return [label, None, None, change]
        return [label, values["a"], values["b"], values["change"]]

    rows = [row("objective", t["objective"]), row("removed", t["deprivations_removed"])]
    rows += [row("removed_dimension", values, dimension=coded("dimension", d, lang))
             for d, values in t["removed_by_dimension"].items()]
    rows += [row("spending", t["spending"]), row("pagu", t["pagu"]),
             row("agency_villages", t["agency_villages"]),
             row("gained", change=t["villages_gained"]), row("lost", change=t["villages_lost"]),
             row("program_rows", change=t["program_rows_changed"]),
             row("same_data", change=i18n.text("yes" if t["same_input_data"] else "no", lang))]
    return pd.DataFrame(rows, columns=["measure", "a", "b", "change"], dtype=object)


_MONEY_MEASURES = ("spending", "pagu")


def comparison_tables(cmp: Comparison, lang: str = i18n.DEFAULT_LANGUAGE) -> list[SheetTable]:
    """The comparison's tables with localized headers and values, one per sheet:
    summary ("Perbandingan" / "Comparison"), agencies, kecamatan, villages, programmes."""
    lang = i18n.check_language(lang)
    a, b = cmp.labels
    yes_no = {True: i18n.text("yes", lang), False: i18n.text("no", lang)}

    def localize(name: str, frame: pd.DataFrame,
                 money_rows: frozenset[int] = frozenset()) -> SheetTable:
        frame = frame.copy()
        for column in ("in_a", "in_b"):
            if column in frame:
                frame[column] = frame[column].map(yes_no)
        if "status" in frame:
            frame["status"] = [i18n.text(f"compare.status.{s}", lang) for s in frame["status"]]
        headers = {c: i18n.text(f"compare.col.{c}", lang, a=a, b=b) for c in frame.columns}
        return SheetTable(name=i18n.text(f"compare.sheet.{name}", lang),
                          frame=frame.rename(columns=headers),
                          money=frozenset(headers[c] for c in frame.columns if c in MONEY),
                          money_rows=money_rows)

    summary = _summary_frame(cmp, lang)
    money = {i18n.text(f"compare.measure.{m}", lang) for m in _MONEY_MEASURES}
    money_rows = frozenset(i for i, m in enumerate(summary["measure"]) if m in money)
    return [localize("summary", summary, money_rows),
            localize("agencies", cmp.agencies), localize("kecamatan", cmp.kecamatan),
            localize("villages", cmp.villages), localize("programs", cmp.programs)]


def _plain(value: object) -> object:
    """A cell value as a plain Python value; None for a missing one."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def comparison_sheet_rows(cmp: Comparison, lang: str = i18n.DEFAULT_LANGUAGE) -> list[list]:
    """Every table of :func:`comparison_tables` stacked for one sheet (see
    :func:`sheet_name`): per table a title row, a header row, its rows and a blank row.
    Values are plain Python (str, int, float, None); money is in juta Rp."""
    rows: list[list] = []
    for table in comparison_tables(cmp, lang):
        rows.append([table.name])
        rows.append(list(table.frame.columns))
        rows += [[_plain(v) for v in values]
                 for values in table.frame.itertuples(index=False, name=None)]
        rows.append([])
    return rows


JUTA_FORMAT = "#,##0.0"
WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"


def comparison_workbook_bytes(cmp: Comparison, lang: str = i18n.DEFAULT_LANGUAGE,
                              day=None) -> bytes:
    """A small xlsx of the comparison: one sheet per table of :func:`comparison_tables`,
    each under the banner of the planners' workbook (the two results' data status; the
    labels and the date, ``day``, default :func:`~planning.report.workbook.run_date`;
    without one the printed pages carry the date of printing),
    header row frozen and repeated on every printed page, filters, money in juta Rp, the
    print setup of the planners' workbook; text never becomes a formula; the same
    comparison gives the same bytes."""
    import xlsxwriter

    from planning.report.workbook import TOP, long_date, print_setup, run_date

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False,
                                        "strings_to_numbers": False})
    book.set_properties({"title": sheet_name(lang), "created": CREATED})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                              "bottom": 1})
    formats = {name: book.add_format({"num_format": pattern}) for name, pattern in
               (("juta", JUTA_FORMAT), ("whole", WHOLE_FORMAT), ("decimal", DECIMAL_FORMAT))}
    warning = book.add_format({"bold": True, "font_color": "#C00000", "text_wrap": True,
                               "valign": "top"})
    stamp_format = book.add_format({"italic": True, "font_color": "#404040"})
    status = data_status(cmp, lang) or "-"
    note = i18n.text("book.compare.note", lang, status=status)
    day = run_date() if day is None else day
    line = (i18n.text("book.banner.undated", lang, name=" / ".join(cmp.labels))
            if day is None else
            i18n.text("book.banner", lang, name=" / ".join(cmp.labels),
                      date=long_date(day, lang)))
    for table in comparison_tables(cmp, lang):
        sheet = book.add_worksheet(table.name)
        columns = list(table.frame.columns)
        sheet.write_row(TOP, 0, columns, header)
        widths = [min(max(len(str(c)) // 2, 8), 40) for c in columns]
        for r, values in enumerate(table.frame.itertuples(index=False, name=None),
                                   start=TOP + 1):
            for c, value in enumerate(values):
                value = _plain(value)
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                    widths[c] = min(max(widths[c], len(value) + 1), 40)
                    continue
                kind = ("juta" if columns[c] in table.money or r - 1 in table.money_rows
                        else "whole" if float(value).is_integer() else "decimal")
                sheet.write_number(r, c, float(value), formats[kind])
                widths[c] = max(widths[c], 12)
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        last = max(len(columns) - 1, 5)
        sheet.merge_range(0, 0, 0, last, "", warning)
        sheet.write_string(0, 0, note, warning)
        sheet.write_string(1, 0, line, stamp_format)
        sheet.freeze_panes(TOP + 1, 0)
        sheet.autofilter(TOP, 0, TOP + len(table.frame), len(columns) - 1)
        print_setup(sheet, sum(widths), mark=status, footer=line, lang=lang, repeat=TOP,
                    dated=day is not None)
    book.close()
    return buffer.getvalue()

"""The round trip of a multi-year plan: after a budget year, the planner records on the
sheet "RKPD <year>" of the multi-year workbook what was really delivered, and
``planning replan WORKBOOK --year YEAR`` re-plans the remaining years around it.

Per row (a work in progress that year), the two columns the planner fills:

* ``Status`` selesai / done: the planned units were delivered;
* ``Status`` sebagian / partly: ``Realisasi (unit)`` units were delivered (a whole number
  from 0 to the planned units);
* ``Status`` tidak / not done: nothing was delivered (0 units);
* a blank status: not recorded, an error (every row of the year is recorded).

The result is the history table of the multi-year model (:func:`read_recorded_year`):
``year, village, program, started, units`` for the years recorded before (kept in the
workbook's hidden sheet ``_rkpd``) and the year read. ``units`` are the units delivered
in work; ``started`` the units of that work started that year, which the remaining years
must continue (commitments). A row can hold units of a work started earlier (still in
work) and units started this year; what was delivered counts first for the work started
earlier: started = max(0, min(planned started, delivered - (planned units - planned
started))).

The planned units are read from the hidden sheet, not from the visible cells; every
problem (the workbook is not a multi-year one, a year not in it or not next to record, a
missing or renamed sheet or column, a blank or unknown status, a Realisasi that is not a
whole number within 0..planned, a row added or deleted, a changed hidden sheet) is named
by file, sheet, row and column, all at once, with the helpers and messages of
:mod:`planning.report.roundtrip`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from planning.data.problems import Phrase
from planning.i18n import DEFAULT_LANGUAGE
from planning.report.labels import words
from planning.report.roundtrip import (
    HEADER_ROWS,
    MAX_ROWS,
    EditProblem,
    Formula,
    RoundTripError,
    Where,
    _header,
    _letter,
    _merged_problems,
    _open,
    _problem,
    _refuse,
    _rows,
    _text,
    _value,
    _whole,
    digest_changed,
    meta_values,
)
from planning.report.years import (
    FOCUS_RECORD_SHEET,
    REALISED_COLUMNS,
    REALISED_SHEET,
    RECORD_COLUMNS,
    RECORD_SHEET,
    RKPD_COLUMNS,
    RKPD_HEADERS,
    STATUS_CHOICES,
    STATUS_CODES,
    year_sheet,
)

__all__ = ["HISTORY_COLUMNS", "RecordedYear", "read_recorded_year", "record_year",
           "workbook_years"]

HISTORY_COLUMNS = ["year", "village", "program", "started", "units"]
#: what a Status cell may say, in either language (lower case) -> status code
STATUS_WORDS = {choice: code for choices in STATUS_CHOICES.values()
                for choice, code in zip(choices, STATUS_CODES, strict=True)}
STATUS_WORDS |= {"not_done": "not_done", "not": "not_done", "no": "not_done"}
_HEADERS = {h.lower(): key for headers in RKPD_HEADERS.values()
            for h, key in zip(headers, RKPD_COLUMNS, strict=True)}
#: the RKPD columns the reader needs
NEEDED = ("village_code", "program_code", "realised", "status")
_TOTALS = {words("total", lang).lower() for lang in ("id", "en")}


@dataclass(frozen=True)
class RecordedYear:
    """What was read: the year recorded, every row of it with its status, and the history
    table for :func:`planning.model.years.plan_years`."""

    year: int
    years: list[int]
    """Every year of the workbook's plan."""
    rows: pd.DataFrame
    """village, program, planned, started_planned, status, delivered, started, row."""
    history: pd.DataFrame
    """year, village, program, started, units: the years recorded before and this one."""
    focus: dict[int, list[str]] | None = None
    """Each year's focus villages as the workbook's plan had them (its hidden focus
    record), the first guess of the re-plan's later years; None where the workbook has
    none (an older one) or it cannot be read (the re-plan then guesses without it)."""
    realised: pd.DataFrame | None = None
    """Every recorded year as the planner recorded it (:data:`REALISED_COLUMNS`: the
    years recorded before, from the workbook's hidden sheet where it has one, and this
    one), for the re-plan's workbook."""


def _records(ws, where: Where) -> tuple[pd.DataFrame, list[EditProblem]]:
    """The hidden plan (RECORD_COLUMNS) and every sign that it was changed."""
    header = [_text(v) for v in _header(ws)]
    empty = pd.DataFrame(columns=list(RECORD_COLUMNS))
    if header != list(RECORD_COLUMNS):
        return empty, [_problem(where.at(1), "replan.record_header",
                                expected=", ".join(RECORD_COLUMNS), found=", ".join(header))]
    records, problems = [], []
    for number, values in _rows(ws):
        if values is None:
            continue
        values = values + [None] * (len(RECORD_COLUMNS) - len(values))
        year, village, program, units, started, recorded = values[:len(RECORD_COLUMNS)]
        bad = next(((i, v) for i, v in ((1, village), (2, program)) if not isinstance(v, str)),
                   None)
        for i, value in ((0, year), (3, units), (4, started), (5, recorded)):
            if bad is None and (_whole(value) is None or (i == 5 and _whole(value) > 1)):
                bad = (i, value)
        if bad is None and _whole(started) > _whole(units):
            bad = (4, started)
        if bad is not None:
            index, value = bad
            problems.append(_problem(where.at(number, RECORD_COLUMNS[index], _letter(index)),
                                     "replan.record_changed", value=value))
            continue
        records.append({"year": _whole(year), "village": village, "program": program,
                        "units": _whole(units), "started": _whole(started),
                        "recorded": bool(_whole(recorded)), "row": number})
    frame = pd.DataFrame(records) if records else empty.assign(row=[])
    if records and frame.duplicated(["year", "village", "program"]).any():
        dup = frame[frame.duplicated(["year", "village", "program"])].iloc[0]
        problems.append(_problem(where.at(int(dup["row"]), "program", _letter(2)),
                                 "replan.record_changed", value=dup["program"]))
    return frame, problems


def workbook_years(path: str | Path) -> list[int]:
    """The years of the multi-year workbook at ``path`` (from its hidden sheet); a
    RoundTripError when it is not one."""
    _, records, _ = _book(path)
    return sorted(int(y) for y in set(records["year"]))


def _book(path: str | Path):
    """The open workbook, its hidden plan and where it is; a RoundTripError for a file
    that is not a multi-year workbook or whose hidden sheet was changed."""
    path = Path(path)
    where = Where(path.name)
    try:
        book = _open(path, where)
    except RoundTripError as error:  # not a workbook: say what a re-plan needs
        (problem,) = error.problems
        if problem.key != "roundtrip.not_planning":
            raise
        raise _refuse(where, "replan.not_multi_year", **dict(problem.params)) from None
    names = book.sheetnames
    if RECORD_SHEET not in names:
        book.close()
        one_year = any(s in names for s in ("Alokasi", "Allocation", "_plan"))
        raise _refuse(where, "replan.not_multi_year",
                      what=Phrase("replan.kind.one_year" if one_year
                                  else "replan.kind.other"))
    at = replace(where, sheet=RECORD_SHEET)
    try:
        book[RECORD_SHEET].reset_dimensions()
        records, problems = _records(book[RECORD_SHEET], at)
    except Exception:  # damaged XML: never a traceback
        book.close()
        raise _refuse(at, "replan.not_multi_year",
                      what=Phrase("roundtrip.kind.damaged")) from None
    if not problems and digest_changed(meta_values(book), (
            (r.year, r.village, r.program, r.units, r.started, int(r.recorded))
            for r in records.itertuples(index=False))):
        problems = [_problem(at, "replan.record_edited")]
    if problems:
        book.close()
        raise RoundTripError(problems)
    if records.empty:
        book.close()
        raise _refuse(at, "replan.record_empty")
    return book, records, where


def _check_year(year: int, years: list[int], records: pd.DataFrame, where: Where) -> None:
    """A RoundTripError unless ``year`` is the next year to record: in the workbook, not
    recorded yet, every year before it recorded, and a year after it left to plan."""
    shown = ", ".join(map(str, years))
    if year not in years:
        raise _refuse(where, "replan.no_year", year=year, years=shown)
    done = sorted(int(y) for y in set(records.loc[records["recorded"], "year"]))
    if year in done:
        raise _refuse(where, "replan.already_recorded", year=year,
                      next=next((y for y in years if y not in done), "-"))
    missing = [y for y in years if y < year and y not in done]
    if missing:
        raise _refuse(where, "replan.record_first", year=year, first=missing[0])
    if year == years[-1]:
        raise _refuse(where, "replan.nothing_left", year=year)


def _header_row(ws) -> tuple[int, list[object]]:
    """The row of the RKPD header (the first of the top rows naming a code column) and
    its values."""
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=HEADER_ROWS), start=1):
        values = [_value(c) for c in cells]
        if any(_HEADERS.get(_text(v).lower()) in ("village_code", "program_code")
               for v in values):
            while values and values[-1] is None:
                values.pop()
            return number, values
    return 1, _header(ws)


def _columns(header: list[object], where: Where, top: int
             ) -> tuple[dict[str, int], list[EditProblem]]:
    """Column key -> position, and the problems: needed columns missing, repeated."""
    found: dict[str, int] = {}
    problems = []
    for index, value in enumerate(header):
        key = _HEADERS.get(_text(value).lower())
        if key is None:
            continue
        if key in found and key in NEEDED:
            problems.append(_problem(where.at(top, _text(value), _letter(index)),
                                     "roundtrip.duplicate_column", name=_text(value),
                                     letters=f"{_letter(found[key])}, {_letter(index)}"))
            continue
        found.setdefault(key, index)
    absent = [k for k in NEEDED if k not in found]
    if absent:
        names = ", ".join(RKPD_HEADERS[DEFAULT_LANGUAGE][RKPD_COLUMNS.index(k)] + " / "
                          + RKPD_HEADERS["en"][RKPD_COLUMNS.index(k)] for k in absent)
        problems.append(_problem(where.at(top), "replan.no_columns", columns=names))
    return found, problems


def _sheet_rows(ws, where: Where
                ) -> tuple[list[dict], dict[str, str], list[EditProblem], int]:
    """The rows of an RKPD sheet down to its total row (empty rows among them skipped):
    codes, Realisasi and Status with their spreadsheet row; the letters of its columns;
    the problems of its layout (a row written below the total row included); its header
    row."""
    top, header = _header_row(ws)
    columns, problems = _columns(header, where, top)
    letters = {key: _letter(i) for key, i in columns.items()}
    headers = {key: _text(header[i]) for key, i in columns.items()}
    if problems:
        return [], letters | {f"header:{k}": v for k, v in headers.items()}, problems, top
    rows, total = [], None
    for number, values in _rows(ws, top + 1):
        if number > MAX_ROWS + top:
            problems.append(_problem(where, "roundtrip.too_many_rows", limit=MAX_ROWS))
            break
        if values is None:
            continue  # an empty row inside the table changes nothing
        if total is not None:  # below the total row: never read, so never silently lost
            problems.append(_problem(where.at(number), "replan.below_total", total=total))
            continue
        first = _text(values[columns["village_code"]] if columns["village_code"] <
                      len(values) else None).lower()
        if first in _TOTALS:
            total = number
            continue
        rows.append({**{key: values[i] if i < len(values) else None
                        for key, i in columns.items()}, "row": number})
    return rows, letters | {f"header:{k}": v for k, v in headers.items()}, problems, top


def _sheet_of(book, records: pd.DataFrame, where: Where, year: int) -> str:
    """The name of the sheet "RKPD <year>" of ``book``, after checking that ``year`` is
    the next one to record (:func:`_check_year`); a missing sheet is refused with the
    closest sheet name."""
    years = sorted(int(y) for y in set(records["year"]))
    _check_year(int(year), years, records, where)
    name = year_sheet(year)
    if name not in book.sheetnames:  # the closest name that is not another year's sheet
        others = {year_sheet(y) for y in years}
        close = difflib.get_close_matches(
            name, [s for s in book.sheetnames if s not in others], n=1)
        raise _refuse(where, "replan.no_sheet", sheet=name, guess=close[0] if close else "")
    return name


def read_recorded_year(path: str | Path, year: int) -> RecordedYear:
    """What was delivered in ``year``, read from the sheet "RKPD <year>" of the edited
    multi-year workbook at ``path`` (see the module), with the years recorded before it:
    the history table for :func:`planning.model.years.plan_years`. Raises RoundTripError
    listing every problem found."""
    book, records, where = _book(path)
    try:
        name = _sheet_of(book, records, where, year)
        at = replace(where, sheet=name)
        try:
            book[name].reset_dimensions()
            rows, letters, problems, top = _sheet_rows(book[name], at)
        except RoundTripError:
            raise
        except Exception:
            raise _refuse(at, "replan.not_multi_year",
                          what=Phrase("roundtrip.kind.damaged")) from None
        focus = _focus_record(book)
        before = _realised_record(book)
        problems += _recorded_changes(book, before, where)
    finally:
        book.close()
    problems = _merged_problems(Path(path), at, top) + problems
    if problems:
        raise RoundTripError(problems)
    planned = records[(records["year"] == year)].set_index(["village", "program"])
    checked, problems = _statuses(rows, planned, at, letters)
    if problems:
        raise RoundTripError(problems)
    earlier = records[records["recorded"] & (records["year"] < year)]
    history = pd.concat([
        earlier.rename(columns={})[HISTORY_COLUMNS],
        checked.assign(year=int(year), units=checked["delivered"])[HISTORY_COLUMNS]],
        ignore_index=True)
    history["year"] = history["year"].astype(int)
    for key in ("started", "units"):
        history[key] = history[key].astype(int)
    years = sorted(int(y) for y in set(records["year"]))
    this = checked.assign(year=int(year))[list(REALISED_COLUMNS)]
    realised = this if before is None else pd.concat(
        [before[before["year"] < int(year)], this], ignore_index=True)
    return RecordedYear(year=int(year), years=years, rows=checked, history=history,
                        focus=focus, realised=realised)


def _realised_record(book) -> pd.DataFrame | None:
    """The hidden record of the years recorded before (:data:`REALISED_SHEET`), or None:
    absent (a plan's first workbook, an older one) or not as written (it only shows the
    recorded years as recorded, so it is never an error)."""
    if REALISED_SHEET not in book.sheetnames:
        return None
    try:
        ws = book[REALISED_SHEET]
        ws.reset_dimensions()
        rows = list(ws.iter_rows(values_only=True))
        if [_text(v) for v in rows[0][:len(REALISED_COLUMNS)]] != list(REALISED_COLUMNS):
            return None
        frame = pd.DataFrame([r[:len(REALISED_COLUMNS)] for r in rows[1:]
                              if any(v is not None for v in r)], columns=REALISED_COLUMNS)
        for key in ("year", "planned", "started_planned", "delivered"):
            frame[key] = frame[key].astype(int)
        for key in ("village", "program", "status"):
            frame[key] = frame[key].astype(str)
    except Exception:  # damaged or edited: the recorded years are shown as delivered
        return None
    return frame


def _recorded_changes(book, before: pd.DataFrame | None, where: Where
                      ) -> list[EditProblem]:
    """Cells of an already recorded year's RKPD sheet (Realisasi, Status) that no longer
    say what was recorded (``before``): a correction there would not be read, so it is
    told, never silently ignored."""
    if before is None:
        return []
    problems = []
    for year, rows in before.groupby("year"):
        name = year_sheet(int(year))
        if name not in book.sheetnames:
            continue
        at = replace(where, sheet=name)
        try:
            book[name].reset_dimensions()
            found, letters, layout, _top = _sheet_rows(book[name], at)
        except Exception:
            continue
        if layout:
            continue
        kept = {(r.village, r.program): r for r in rows.itertuples(index=False)}
        for rec in found:
            pair = (_text(rec.get("village_code")), _text(rec.get("program_code")))
            if pair not in kept:
                continue
            was = kept[pair]
            for key, now, then in (
                    ("realised", _whole(rec.get("realised")), int(was.delivered)),
                    ("status", STATUS_WORDS.get(_text(rec.get("status")).lower()),
                     was.status)):
                if now != then:
                    problems.append(_problem(
                        at.at(rec["row"], letters.get(f"header:{key}", key),
                              letters.get(key)), "replan.recorded_year_changed",
                        year=int(year), value=_text(rec.get(key)) or "-"))
    return problems


def _focus_record(book) -> dict[int, list[str]] | None:
    """The hidden focus record (year, village) of an open workbook, or None: absent, or
    not as written (it is only the re-plan's first guess, so it is never an error)."""
    if FOCUS_RECORD_SHEET not in book.sheetnames:
        return None
    try:
        ws = book[FOCUS_RECORD_SHEET]
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        if [_text(v) for v in next(rows)[:2]] != ["year", "village"]:
            return None
        focus: dict[int, list[str]] = {}
        for year, village, *_ in rows:
            if year is None and village is None:
                continue
            focus.setdefault(int(year), []).append(_text(village))
    except Exception:  # damaged or edited: no guess, never a traceback
        return None
    return {t: sorted(codes) for t, codes in sorted(focus.items())} or None


def _statuses(rows: list[dict], planned: pd.DataFrame, at: Where,
              letters: dict[str, str]) -> tuple[pd.DataFrame, list[EditProblem]]:
    """Each row's status and units delivered, checked against the hidden plan; every row
    of the year's plan must be there once."""

    def where(row: int | None, key: str) -> Where:
        return at.at(row, letters.get(f"header:{key}", key), letters.get(key))

    problems: list[EditProblem] = []
    out, seen = [], {}
    villages = set(planned.index.get_level_values(0))
    for rec in rows:
        formula = next((key for key in NEEDED if isinstance(rec[key], Formula)), None)
        if formula in ("village_code", "program_code"):
            problems.append(_problem(where(rec["row"], formula), "roundtrip.formula",
                                     value=rec[formula]))
            continue
        village, program = _text(rec["village_code"]), _text(rec["program_code"])
        pair = (village, program)
        if village not in villages:
            problems.append(_problem(where(rec["row"], "village_code"),
                                     "replan.unknown_village", village=village or "-"))
            continue
        if pair not in planned.index:
            problems.append(_problem(where(rec["row"], "program_code"), "replan.unknown_row",
                                     village=village or "-", program=program or "-"))
            continue
        if pair in seen:
            problems.append(_problem(where(rec["row"], "program_code"),
                                     "roundtrip.duplicate_row", program=program,
                                     village=village, first=seen[pair]))
            continue
        seen[pair] = rec["row"]
        if formula is not None:
            problems.append(_problem(where(rec["row"], formula), "roundtrip.formula",
                                     value=rec[formula]))
            continue
        units = int(planned.at[pair, "units"])
        fixed = _fixed_changed(rec, {"units": units,
                                     "started": int(planned.at[pair, "started"])}, where)
        if fixed is not None:
            problems.append(fixed)
            continue
        found = _status(rec, units, where)
        if isinstance(found, EditProblem):
            problems.append(found)
            continue
        status, delivered = found
        started = int(planned.at[pair, "started"])
        out.append({"village": village, "program": program, "planned": units,
                    "started_planned": started, "status": status, "delivered": delivered,
                    "started": delivered_started(units, started, delivered),
                    "row": rec["row"]})
    missing = [pair for pair in planned.index if pair not in seen]
    for village, program in missing:
        problems.append(_problem(at, "replan.row_missing", village=village, program=program))
    frame = pd.DataFrame(out, columns=["village", "program", "planned", "started_planned",
                                       "status", "delivered", "started", "row"])
    return frame, problems


def _fixed_changed(rec: dict, planned: dict[str, int], where) -> EditProblem | None:
    """The problem of a row whose planned units (``units``, ``started``: the plan's, not
    for editing) were changed on the sheet, or None: what was delivered goes into
    Realisasi with its Status, so that no edit is silently ignored."""
    for key, value in planned.items():
        if key in rec and _whole(rec[key]) != value:
            return _problem(where(rec["row"], key), "replan.planned_changed",
                            value=_text(rec[key]) or "-", planned=value)
    return None


def delivered_started(planned: int, started: int, delivered: int) -> int:
    """Units started in the year of a row that delivered ``delivered`` of its
    ``planned`` units in work, ``started`` of them planned to start that year: what was
    delivered counts first for the works started earlier (planned - started units),
    the rest for the works started this year:
    max(0, min(started, delivered - (planned - started)))."""
    return max(0, min(started, delivered - (planned - started)))


def _status(rec: dict, planned: int, where) -> EditProblem | tuple[str, int]:
    """(status code, units delivered) of one row, or its problem."""
    row = rec["row"]
    said = _text(rec["status"]).lower()
    if not said:
        return _problem(where(row, "status"), "replan.no_status")
    status = STATUS_WORDS.get(said)
    if status is None:
        return _problem(where(row, "status"), "replan.bad_status", value=rec["status"])
    given = rec["realised"]
    number = None if given is None else _whole(given)
    if given is not None and (number is None or number > planned):
        return _problem(where(row, "realised"), "replan.bad_realised", value=given,
                        planned=planned)
    if status == "partly":
        if given is None:
            return _problem(where(row, "realised"), "replan.partly_without_units",
                            planned=planned)
        return status, number
    if status == "done":
        if number is not None and number != planned:
            return _problem(where(row, "realised"), "replan.done_differs", value=given,
                            planned=planned)
        return status, planned
    if number:
        return _problem(where(row, "realised"), "replan.not_done_with_units", value=given)
    return status, 0


# --- recording a year, as a planner does in the spreadsheet -------------------------------
def record_year(path: str | Path, year: int, *, not_done=(), partly=None,
                out: str | Path | None = None) -> Path:
    """Record ``year`` on the sheet "RKPD <year>" of the multi-year workbook at ``path``
    as a planner does after the budget year, and save the workbook to ``out`` (default:
    beside it, ``<name>_realisasi_<year>.xlsx``; the workbook as written stays as it
    was). Returns the path saved, for ``planning replan`` /
    :func:`planning.pipeline.years.replan`.

    ``not_done``: the works (village code, programme code) delivered nothing, Status
    ``tidak`` / ``not done``; ``partly``: {(village code, programme code): units
    delivered}, Status ``sebagian`` / ``partly`` with the units in Realisasi; every other
    row of the year ``selesai`` / ``done`` (the planned units). The status words are the
    sheet's language (its header). The year must be the next to record (see
    :func:`read_recorded_year`); a work not on the sheet, or units delivered that are not
    a whole number from 0 to the units in work, is a RoundTripError naming the file,
    sheet and row, and nothing is saved. The file is written atomically (a temporary
    file beside it, then renamed)."""
    import os
    import tempfile

    from openpyxl import load_workbook

    path = Path(path)
    book, records, where = _book(path)
    try:
        name = _sheet_of(book, records, where, year)
    finally:
        book.close()
    at = replace(where, sheet=name)
    book = load_workbook(path)
    ws = book[name]
    rows, letters, problems, top = _sheet_rows(ws, at)
    if problems:
        raise RoundTripError(problems)
    lang = "en" if _text(ws[f"{letters['realised']}{top}"].value) == RKPD_HEADERS["en"][
        RKPD_COLUMNS.index("realised")] else DEFAULT_LANGUAGE
    done, some, nothing = STATUS_CHOICES[lang]
    planned = records[records["year"] == int(year)].set_index(["village", "program"])["units"]
    at_row = {(_text(r["village_code"]), _text(r["program_code"])): r["row"] for r in rows}
    partly = {(str(v), str(p)): units for (v, p), units in dict(partly or {}).items()}
    not_done = {(str(v), str(p)) for v, p in not_done}
    problems = [_problem(at, "replan.unknown_row", village=v, program=p)
                for v, p in sorted(not_done | set(partly)) if (v, p) not in at_row]
    for pair, units in sorted(partly.items()):
        limit = int(planned.get(pair, 0))
        if pair in at_row and (_whole(units) is None or _whole(units) > limit):
            problems.append(_problem(at.at(at_row[pair], letters["header:realised"],
                                           letters["realised"]),
                                     "replan.bad_realised", value=units, planned=limit))
    if problems:
        raise RoundTripError(problems)
    for pair, row in at_row.items():
        status = nothing if pair in not_done else some if pair in partly else done
        ws[f"{letters['status']}{row}"].value = status
        ws[f"{letters['realised']}{row}"].value = _whole(partly[pair]) if pair in partly \
            else None
    target = Path(out) if out is not None else path.with_name(
        f"{path.stem}_realisasi_{int(year)}{path.suffix}")
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=target.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, target)
    finally:
        book.close()
        if os.path.exists(temporary):
            os.remove(temporary)
    return target

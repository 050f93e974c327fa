"""The spreadsheet round trip: a planner edits the Alokasi sheet of a workbook written by
``planning run`` and hands it back with ``planning run SCENARIO --locks EDITED.xlsx``.

What an edit means (compared with the plan the workbook was written with, kept in its
hidden sheet ``_plan``):

* ``ya`` / ``yes`` in the lock column: keep this row, with the units it now shows
  (``tidak`` / ``no`` or an empty cell: leave it free);
* units changed: fix them (0 takes the programme out of that village);
* a row deleted: take that programme out of that village (an emptied row left in the
  table is reported: delete it or fill it in);
* a row added (village and programme codes, units): put it in with those units;
* every other row is free, and the optimiser re-plans it.

Every edit is checked before solving (unknown codes, empty cells, formulas, units that are
not whole numbers or outside the bounds for that village, lock values other than yes/no,
locks that together break a pagu), each problem named by sheet, row and column, all at
once. So is the workbook itself: a file that is not an xlsx at all (empty, text, a zip, a
password-protected file), one not written by planning, a missing or renamed sheet,
missing, unknown or repeated columns, merged cells, a changed hidden sheet ``_plan``.
The workbook is read in openpyxl's streaming mode and refused when it unpacks to more than
:data:`MAX_UNPACKED` bytes or holds more than :data:`MAX_ROWS` rows.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
import warnings
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from planning.data.problems import Amount, Phrase, with_hint
from planning.i18n import DEFAULT_LANGUAGE, abridge, capped, shown, text
from planning.model import Lock, ModelSettings, build_instance
from planning.report.labels import ALLOCATION_COLUMNS, ALLOCATION_HEADERS, ALLOCATION_SHEET

YES = {"ya", "y", "yes", "kunci", "lock", "locked", "1", "true", "x"}
NO = {"", "tidak", "t", "no", "n", "0", "false", "-"}
PLAN_SHEET = "_plan"
PLAN_COLUMNS = ("village", "program", "units")
NEEDED = ("village_code", "program_code", "units", "lock")
"""The Alokasi columns the round trip reads; the others are for reading only."""
MAX_UNPACKED = 100 * 2**20
"""Bytes an edited workbook may unpack to (a plan of 50,000 rows unpacks to about 20 MB)."""
MAX_ROWS = 100_000
"""Rows of the Alokasi sheet read at most, below its header (a plan has at most villages x
programmes rows: 4,440 in Buleleng)."""
HEADER_ROWS = 10
"""Rows at the top of the Alokasi sheet searched for its header row: the workbook writes
a banner above it (the header in row 4); older workbooks have it in row 1."""
ROWS_SHOWN = 20
"""Rows listed in one message before the rest are counted."""
MAX_UNITS = 10**9
"""Units at most in the hidden plan sheet."""

_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADERS = {h: key for headers in ALLOCATION_HEADERS.values()
            for h, key in zip(headers, ALLOCATION_COLUMNS, strict=True)}
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")


# --- problems ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Where:
    """Where a problem is: the file, and the sheet, row and column when known. ``column``
    is a key of ALLOCATION_COLUMNS (shown as the header in the message's language) or a
    header as found; ``letter`` the spreadsheet column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    letter: str | None = None

    def at(self, row: int | None = None, column: str | None = None,
           letter: str | None = None) -> Where:
        """The same file and sheet, at another row and column."""
        return replace(self, row=row, column=column, letter=letter)

    def render(self, lang: str) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(text("where.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(text("where.row", lang, row=self.row))
        name = self.column
        if name in ALLOCATION_COLUMNS and self.sheet != PLAN_SHEET:
            name = ALLOCATION_HEADERS[lang][ALLOCATION_COLUMNS.index(name)]
        if name or self.letter:
            column = text("where.column", lang, column=abridge(name or self.letter))
            parts.append(f"{column} ({self.letter})" if name and self.letter else column)
        return ", ".join(parts)


@dataclass(frozen=True)
class Rows:
    """Spreadsheet rows named in a message: the first :data:`ROWS_SHOWN`, then how many
    more."""

    rows: tuple[int, ...]

    def render(self, lang: str) -> str:
        shown_rows = ", ".join(str(r) for r in self.rows[:ROWS_SHOWN])
        more = len(self.rows) - ROWS_SHOWN
        if more <= 0:
            return shown_rows
        return shown_rows + Phrase("roundtrip.more_rows", (("n", more),)).render(lang)


@dataclass(frozen=True)
class Headers:
    """Allocation columns, named in the message's language."""

    keys: tuple[str, ...]

    def render(self, lang: str) -> str:
        return ", ".join(ALLOCATION_HEADERS[lang][ALLOCATION_COLUMNS.index(k)]
                         for k in self.keys)


@dataclass(frozen=True)
class EditProblem:
    """One thing wrong in an edited workbook: where, the message key and its values."""

    where: Where
    key: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message: values a user gave abridged, those the program made (phrases,
        amounts, row lists) rendered whole in ``lang``."""
        given = {k: v for k, v in self.params if not hasattr(v, "render")}
        made = {k: v.render(lang) for k, v in self.params if hasattr(v, "render")}
        body = text(self.key, lang, **with_hint({**shown(given), **made}, lang))
        return f"[{text('severity.error', lang)}] {self.where.render(lang)}: {body}"


class RoundTripError(Exception):
    """An edited workbook that cannot be used, with every problem found."""

    def __init__(self, problems: list[EditProblem]):
        self.problems = problems
        super().__init__(self.render("en"))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Every problem, one a line; past :data:`planning.i18n.MAX_LINES` the rest are
        counted, not listed."""
        return "\n".join(capped([p.message(lang) for p in self.problems], lang))


def _problem(where: Where, key: str, **params) -> EditProblem:
    """A problem at ``where``; ``params`` fill the message ``key``."""
    return EditProblem(where, key, tuple(sorted(params.items())))


def _refuse(where: Where, key: str, **params) -> RoundTripError:
    """An error with one problem, for a workbook that cannot be read any further."""
    return RoundTripError([_problem(where, key, **params)])


# --- cell values --------------------------------------------------------------------------
@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula (its text): the round trip takes typed values only."""

    text: str

    def __str__(self) -> str:
        return self.text


def _value(cell) -> object:
    """A cell's value, a :class:`Formula` for a formula; None for an empty string."""
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(getattr(value, "text", value)))
    return None if isinstance(value, str) and not value.strip() else value


def _text(value: object) -> str:
    """A cell value as trimmed text: whole floats without ".0", booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _whole(value: object) -> int | None:
    """A cell value as a whole number >= 0 (a number, or text such as "5"); None if it is
    not one."""
    if isinstance(value, bool | Formula) or value is None:
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        return None
    return int(number)


def _letter(index: int) -> str:
    """The spreadsheet letter of the 0-based column ``index`` (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --- the file -------------------------------------------------------------------------------
def _kind(path: Path) -> Phrase | None:
    """Why the file at ``path`` is not an xlsx workbook, judged from its bytes and its zip
    directory before any parsing; None when it may be one."""
    if not path.is_file():
        return Phrase("roundtrip.kind.folder")
    with path.open("rb") as handle:
        head = handle.read(len(_OLE))
    if not head:
        return Phrase("roundtrip.kind.empty")
    if head.startswith(_OLE):
        return Phrase("roundtrip.kind.encrypted")
    if not head.startswith(_ZIP):
        return Phrase("roundtrip.kind.text")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return Phrase("roundtrip.kind.damaged")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return Phrase("roundtrip.kind.zip")
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        return Phrase("roundtrip.kind.too_big", (("limit", MAX_UNPACKED // 2**20),))
    return None


def _open(path: Path, where: Where):
    """The workbook at ``path`` in openpyxl's streaming (read-only) mode, formulas kept as
    formulas; a RoundTripError saying why when it is not an xlsx workbook."""
    from openpyxl import load_workbook

    if not path.exists():
        raise _refuse(where, "roundtrip.no_file")
    try:
        kind = _kind(path)
        if kind is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions
                return load_workbook(path, read_only=True, data_only=False)
    except OSError as exc:
        raise _refuse(where, "roundtrip.unreadable",
                      detail=exc.strerror or type(exc).__name__) from None
    except Exception:  # anything openpyxl finds damaged: say so, never a traceback
        kind = Phrase("roundtrip.kind.damaged")
    raise _refuse(where, "roundtrip.not_planning", what=kind)


def _merged(path: Path, sheet: str) -> list[str]:
    """The merged cell ranges (such as "J2:J5") of ``sheet`` in the xlsx at ``path``, read
    from the sheet's XML: openpyxl's streaming mode does not report them."""
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        rid = next(s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet")
                   if s.get("name") == sheet)
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return [ref.decode() for ref in _MERGE.findall(archive.read(part))]


def _merged_problems(path: Path, where: Where, top: int = 1) -> list[EditProblem]:
    """One problem per merged range of the sheet at ``where`` that reaches row ``top``
    (its header) or below: the banner above the header is merged."""
    try:
        ranges = _merged(path, where.sheet)
    except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile):
        return [_problem(where, "roundtrip.not_planning",
                         what=Phrase("roundtrip.kind.damaged"))]
    return [_problem(where.at(_first_row(cells)), "roundtrip.merged", cells=cells)
            for cells in ranges if (_last_row(cells) or top) >= top]


def _first_row(cells: str) -> int | None:
    """The first row of a cell range such as "J2:J5"."""
    found = re.search(r"\d+", cells)
    return int(found.group()) if found else None


def _last_row(cells: str) -> int | None:
    """The last row of a cell range such as "J2:J5"."""
    found = re.findall(r"\d+", cells)
    return int(found[-1]) if found else None


# --- the sheets ---------------------------------------------------------------------------
def _sheets(book, where: Where) -> str:
    """The name of the allocation sheet; a RoundTripError when it or ``_plan`` is
    missing (with the closest sheet name as a hint: a renamed sheet)."""
    names = book.sheetnames
    found = next((s for s in ALLOCATION_SHEET.values() if s in names), None)
    if found is None and PLAN_SHEET not in names:
        raise _refuse(where, "roundtrip.not_planning", what=Phrase("roundtrip.kind.sheets"))
    problems = []
    if found is None:
        wanted = "/".join(ALLOCATION_SHEET.values())
        close = [m for s in ALLOCATION_SHEET.values()
                 for m in difflib.get_close_matches(s, names, n=1)]
        problems.append(_problem(where, "roundtrip.no_sheet", sheet=wanted,
                                 guess=close[0] if close else ""))
    if PLAN_SHEET not in names:
        close = difflib.get_close_matches(PLAN_SHEET, names, n=1)
        problems.append(_problem(where, "roundtrip.no_plan_sheet",
                                 guess=close[0] if close else ""))
    if problems:
        raise RoundTripError(problems)
    return found


def _rows(ws, start: int = 2):
    """(row number, values) of the rows of ``ws`` from row ``start`` down to the last one
    that holds anything; values is None for an empty row among them."""
    empty: list[int] = []
    for number, cells in enumerate(ws.iter_rows(min_row=start), start=start):
        values = [_value(c) for c in cells]
        if all(v is None for v in values):
            empty.append(number)
            continue
        yield from ((blank, None) for blank in empty)
        empty.clear()
        yield number, values


def _header(ws, row: int = 1) -> list[object]:
    """The values of row ``row``, without empty cells at its end."""
    values = [_value(c) for c in next(ws.iter_rows(min_row=row, max_row=row), ())]
    while values and values[-1] is None:
        values.pop()
    return values


def _header_row(ws) -> int:
    """The row of the Alokasi header: the first of the top :data:`HEADER_ROWS` rows that
    names a needed column (the codes, units or lock, in either language); row 1 when none
    does (the header's problems are then reported there)."""
    needed = {h for h, key in _HEADERS.items() if key in NEEDED}
    for number, cells in enumerate(ws.iter_rows(max_row=HEADER_ROWS), start=1):
        if any(_text(_value(c)) in needed for c in cells):
            return number
    return 1


def _columns(header: list[object], where: Where, top: int = 1
             ) -> tuple[dict[int, str], list[EditProblem]]:
    """The Alokasi columns found (position -> key of ALLOCATION_COLUMNS) and the problems
    of the header row: unknown and repeated headers, missing needed columns."""
    columns: dict[int, str] = {}
    problems = []
    for index, value in enumerate(header):
        name = _text(value)
        if not name:
            continue
        key = _HEADERS.get(name)
        if key is None:
            close = difflib.get_close_matches(name, list(_HEADERS), n=1)
            problems.append(_problem(where.at(top, name, _letter(index)),
                                     "roundtrip.unknown_column", name=name,
                                     guess=close[0] if close else ""))
        elif key in columns.values():
            letters = [_letter(i) for i, k in columns.items() if k == key] + [_letter(index)]
            problems.append(_problem(where.at(top, key, _letter(index)),
                                     "roundtrip.duplicate_column", name=name,
                                     letters=", ".join(letters)))
        else:
            columns[index] = key
    absent = tuple(k for k in NEEDED if k not in columns.values())
    if absent:
        problems.append(_problem(where.at(top), "roundtrip.no_columns",
                                 columns=Headers(absent)))
    return columns, problems


@dataclass(frozen=True)
class Edited:
    """What was read from an edited workbook."""

    where: Where
    """The file and its allocation sheet."""
    rows: pd.DataFrame
    """The allocation rows (ALLOCATION_COLUMNS) with their spreadsheet ``row``."""
    letters: dict[str, str]
    """Column key -> spreadsheet letter."""
    plan: pd.DataFrame
    """The plan as written (hidden sheet): village, program, units; index: sheet row."""
    problems: list[EditProblem]
    scenario: str | None = None
    """The name of the scenario the workbook was written from (its Meta sheet), if any."""

    def at(self, row: int | None, column: str) -> Where:
        return self.where.at(row, column, self.letters.get(column))


def _allocation(ws, where: Where
                ) -> tuple[pd.DataFrame, dict[str, str], list[EditProblem], int]:
    """The rows of the allocation sheet, the letters of its columns, the problems of its
    layout (header, values without a header, too many rows, no rows) and its header row.
    The rows above the header (the banner) are not read."""
    top = _header_row(ws)
    header = _header(ws, top)
    columns, problems = _columns(header, where, top)
    letters = {key: _letter(i) for i, key in columns.items()}
    frame_columns = [*ALLOCATION_COLUMNS, "row"]
    if any(k not in columns.values() for k in NEEDED):
        return pd.DataFrame(columns=frame_columns), letters, problems, top
    named = {i for i, value in enumerate(header) if _text(value)}
    records, flagged = [], set()
    for number, values in _rows(ws, top + 1):
        if number > MAX_ROWS + top:
            problems.append(_problem(where, "roundtrip.too_many_rows", limit=MAX_ROWS))
            break
        if values is None:
            problems.append(_problem(where.at(number), "roundtrip.blank_row"))
            continue
        for index in {i for i, v in enumerate(values) if v is not None} - named - flagged:
            flagged.add(index)
            problems.append(_problem(where.at(None, None, _letter(index)),
                                     "roundtrip.no_header", row=number))
        records.append({**{key: values[i] if i < len(values) else None
                           for i, key in columns.items()}, "row": number})
    if not records and not problems:
        problems.append(_problem(where, "roundtrip.no_rows"))
    return (pd.DataFrame(records, columns=frame_columns, dtype=object), letters, problems,
            top)


def _plan(ws, where: Where) -> tuple[pd.DataFrame, list[EditProblem]]:
    """The plan as written, from the hidden sheet, and every sign that it was changed."""
    header = [_text(v) for v in _header(ws)]
    empty = pd.DataFrame(columns=list(PLAN_COLUMNS))
    if header != list(PLAN_COLUMNS):
        return empty, [_problem(where.at(1), "roundtrip.plan_header",
                                expected=", ".join(PLAN_COLUMNS), found=", ".join(header))]
    records, problems, seen = {}, [], set()
    for number, values in _rows(ws):
        if values is None:
            continue  # an empty row changes nothing
        values = values + [None] * (len(PLAN_COLUMNS) - len(values))
        bad = _plan_row(values, seen)
        if bad is not None:
            index, value = bad
            column = PLAN_COLUMNS[index] if index < len(PLAN_COLUMNS) else None
            problems.append(_problem(where.at(number, column, _letter(index)),
                                     "roundtrip.plan_changed", value=value))
            continue
        village, program, units = values[:len(PLAN_COLUMNS)]
        seen.add((village, program))
        records[number] = (village, program, _whole(units))
    frame = pd.DataFrame.from_dict(records, orient="index", columns=list(PLAN_COLUMNS))
    return (frame if records else empty), problems


def _plan_row(values: list[object], seen: set) -> tuple[int, object] | None:
    """(column position, value) of the first cell of a hidden-plan row (``values``, at
    least three) that planning did not write: no code, a formula, units that are not
    whole, a repeated pair, an extra cell. None for a good row."""
    for index, value in enumerate(values[:2]):
        if not isinstance(value, str):
            return index, value
    units = _whole(values[2])
    if units is None or units > MAX_UNITS:
        return 2, values[2]
    if (values[0], values[1]) in seen:
        return 1, values[1]
    extra = next((i for i, v in enumerate(values) if i >= len(PLAN_COLUMNS) and
                  v is not None), None)
    return None if extra is None else (extra, values[extra])


def _read(path: str | Path) -> Edited:
    """Everything read from the edited workbook at ``path``, with the problems found in
    its layout; a RoundTripError at once when it cannot be read at all."""
    path = Path(path)
    where = Where(path.name)
    book = _open(path, where)
    try:
        sheet = _sheets(book, where)
        at_sheet, at_plan = replace(where, sheet=sheet), replace(where, sheet=PLAN_SHEET)
        at = at_sheet
        try:
            book[sheet].reset_dimensions()  # every row, whatever size the sheet claims
            rows, letters, found, top = _allocation(book[sheet], at_sheet)
            at = at_plan
            book[PLAN_SHEET].reset_dimensions()
            plan, in_plan = _plan(book[PLAN_SHEET], at_plan)
        except Exception:  # damaged XML, a number openpyxl cannot convert: never a traceback
            raise _refuse(at, "roundtrip.not_planning",
                          what=Phrase("roundtrip.kind.damaged")) from None
        merged = _merged_problems(path, at_sheet, top) + _merged_problems(path, at_plan)
        meta = meta_values(book)
    finally:
        book.close()
    if not in_plan and digest_changed(meta, plan.itertuples(index=False, name=None)):
        in_plan = [_problem(at_plan, "roundtrip.plan_edited")]
    return Edited(at_sheet, rows, letters, plan, merged + found + in_plan,
                  meta.get(SCENARIO_NAME))


#: the Meta sheet and the row that names the scenario a workbook was written from
META_SHEET, SCENARIO_NAME = "Meta", ("scenario", "settings.name")
#: the key of the Meta row that holds :func:`rows_digest` of the hidden plan sheet
PLAN_DIGEST = "plan_sha256"


def rows_digest(rows) -> str:
    """SHA-256 of a hidden sheet's rows (tuples of codes and whole numbers), in order: the
    workbook's Meta sheet keeps it, so that a changed hidden sheet is told, not taken for
    the plan the edits were made on. A whole number counts the same as int, float or bool."""
    def cell(value) -> str:
        if isinstance(value, str):
            return str(value)
        if isinstance(value, bool):
            return str(int(value))
        if isinstance(value, int | float) or hasattr(value, "item"):
            number = float(value)
            return str(int(number)) if number.is_integer() else repr(number)
        return str(value)
    text = "".join("\t".join(cell(v) for v in row) + "\n" for row in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest_changed(meta: dict[tuple[str, str], str], rows) -> bool:
    """Whether the Meta sheet (``meta``, :func:`meta_values`) keeps a digest of a hidden
    sheet and ``rows``, as read, no longer match it."""
    kept = next((v for (_, key), v in meta.items() if key == PLAN_DIGEST), None)
    return kept is not None and kept != rows_digest(rows)


def meta_values(book) -> dict[tuple[str, str], str]:
    """(section, key) -> value of the open workbook's Meta sheet; empty without one or
    when it cannot be read (its values only guard against a workbook of another scenario
    or a changed hidden sheet, never a traceback)."""
    if META_SHEET not in book.sheetnames:
        return {}
    try:
        return {(str(r[0]), str(r[1])): str(r[2])
                for r in book[META_SHEET].iter_rows(values_only=True)
                if len(r) > 2 and r[0] is not None and r[1] is not None and r[2]}
    except Exception:
        return {}


def read_edited(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The edited Alokasi rows (with their spreadsheet row numbers) and the original plan
    from the hidden sheet; the name of the allocation sheet found. Raises RoundTripError
    for a workbook whose layout was damaged."""
    edited = _read(path)
    if edited.problems:
        raise RoundTripError(edited.problems)
    return edited.rows, edited.plan, edited.where.sheet


# --- the edits ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Known:
    """What the edits are checked against: the data set's codes and the plan's pairs."""

    villages: set[str]
    in_plan: set[str]
    programs: pd.DataFrame
    pairs: pd.DataFrame


def _check_row(rec, edited: Edited, known: _Known) -> EditProblem | tuple[str, str, int, bool]:
    """The first problem of one Alokasi row, or its (village, program, units, locked)."""
    for column in NEEDED:
        value = getattr(rec, column)
        if isinstance(value, Formula):
            return _problem(edited.at(rec.row, column), "roundtrip.formula", value=value)
    v, p = _text(rec.village_code), _text(rec.program_code)
    checks = [
        ("village_code", not v, "roundtrip.empty_cell", {}),
        ("village_code", v not in known.villages, "roundtrip.unknown_village", {"value": v}),
        ("village_code", v not in known.in_plan, "roundtrip.village_not_in_plan",
         {"value": v}),
        ("program_code", not p, "roundtrip.empty_cell", {}),
        ("program_code", p not in known.programs.index, "roundtrip.unknown_program",
         {"value": p}),
        ("units", rec.units is None, "roundtrip.empty_cell", {}),
    ]
    for column, failed, key, params in checks:
        if failed:
            return _problem(edited.at(rec.row, column), key, **params)
    number = _whole(rec.units)
    if number is None:
        return _problem(edited.at(rec.row, "units"), "roundtrip.bad_units", value=rec.units)
    if number > 0:
        if (v, p) not in known.pairs.index:
            return _problem(edited.at(rec.row, "program_code"), "roundtrip.not_eligible",
                            program=p, village=v)
        lo, hi = (int(known.pairs.at[(v, p), k]) for k in ("lo", "hi"))
        if not lo <= number <= hi:
            return _problem(edited.at(rec.row, "units"), "roundtrip.units_out_of_bounds",
                            units=rec.units, lo=lo, hi=hi)
    lock = _text(rec.lock).lower()
    if lock not in YES | NO:
        return _problem(edited.at(rec.row, "lock"), "roundtrip.bad_lock", value=rec.lock)
    return v, p, number, lock in YES


def _plan_codes(edited: Edited, known: _Known) -> list[EditProblem]:
    """Codes in the hidden plan that the data set does not know: a workbook written from
    other data."""
    where = replace(edited.where, sheet=PLAN_SHEET)
    problems = []
    for row, village, program in zip(edited.plan.index, edited.plan["village"],
                                     edited.plan["program"], strict=True):
        for column, value, codes in (("village", village, known.villages),
                                     ("program", program, known.programs.index)):
            if value not in codes:
                problems.append(_problem(where.at(row, column), "roundtrip.plan_other_data",
                                         value=value))
    return problems


def _edits(before: dict, wanted: dict, locked: set) -> pd.DataFrame:
    """The table of edits: every pair of the plan before or of the sheet, with its units
    before and as edited, and the planner's action."""
    rows = []
    for key in sorted(set(before) | set(wanted)):
        old = before.get(key, 0)
        new = wanted[key][0] if key in wanted else 0
        if key not in wanted:
            action = "removed"
        elif key not in before:
            action = "added"
        elif new != old:
            action = "changed"
        elif key in locked:
            action = "locked"
        else:
            action = "free"
        rows.append((key[0], key[1], old, new, action))
    return pd.DataFrame(rows, columns=["village", "program", "units_before", "units_edited",
                                       "action"])


def _pagu_problems(fixed: pd.DataFrame, wanted: dict, known: _Known, instance,
                   edited: Edited) -> list[EditProblem]:
    """One problem per agency whose locked or changed rows together cost more than its
    pagu, naming those rows."""
    programs = known.programs
    cost = fixed.assign(
        agency=fixed["program"].map(programs["agency"]),
        cost=[(programs.at[p, "unit_cost"] * n + programs.at[p, "fixed_cost"]) if n else 0.0
              for p, n in zip(fixed["program"], fixed["units_edited"], strict=True)])
    problems = []
    for agency, group in cost.groupby("agency"):
        used, limit = float(group["cost"].sum()), float(instance.pagu.get(agency, 0.0))
        if used > limit + 1e-6:
            rows = sorted(wanted[k][1] for k in zip(group["village"], group["program"],
                                                     strict=True) if k in wanted)
            problems.append(_problem(edited.at(None, "units"), "roundtrip.breaks_pagu",
                                     agency=agency, cost=Amount(round(used, 1)),
                                     pagu=Amount(round(limit, 1)), rows=Rows(tuple(rows))))
    return problems


def _locks(settings: ModelSettings, fixed: pd.DataFrame, pairs: pd.DataFrame) -> list[Lock]:
    """The scenario's locks, with one lock per edit in their place: the edited units, or
    out for 0 (where the programme could run at all)."""
    edited = set(zip(fixed["village"], fixed["program"], strict=True))
    locks = [lk for lk in settings.locks if (lk.village, lk.program) not in edited]
    for r in fixed.itertuples(index=False):
        if r.units_edited:
            locks.append(Lock(village=r.village, program=r.program, units=int(r.units_edited)))
        elif (r.village, r.program) in pairs.index:
            locks.append(Lock(village=r.village, program=r.program, state="out"))
    return locks


def edits_as_locks(path: str | Path, settings: ModelSettings, ds, scores,
                   lang: str = DEFAULT_LANGUAGE, scenario: str | None = None
                   ) -> tuple[ModelSettings, pd.DataFrame]:
    """The scenario's settings plus one lock per edit, and the table of edits (village,
    program, units_before, units_edited, action). Raises RoundTripError listing every
    problem found (the workbook's layout, every row, the pagu); at once when the workbook
    was written from another scenario than ``scenario`` (its name; its Meta sheet says),
    whose plan the edits were made on."""
    edited = _read(path)
    if scenario is not None and edited.scenario is not None and edited.scenario != scenario:
        raise _refuse(replace(edited.where, sheet=META_SHEET), "roundtrip.other_scenario",
                      found=edited.scenario, scenario=scenario)
    table = getattr(scores, "table", scores)
    instance = build_instance(ds, table, settings)
    known = _Known(villages=set(ds.villages["code"]), in_plan=set(instance.villages["code"]),
                   programs=ds.programs.set_index("code"),
                   pairs=instance.pairs.set_index(["village", "program"]))
    problems = edited.problems + _plan_codes(edited, known)
    wanted: dict[tuple[str, str], tuple[int, int]] = {}  # key -> (units, sheet row)
    locked: set[tuple[str, str]] = set()
    for rec in edited.rows.itertuples(index=False):
        checked = _check_row(rec, edited, known)
        if isinstance(checked, EditProblem):
            problems.append(checked)
            continue
        v, p, number, lock = checked
        if (v, p) in wanted:
            problems.append(_problem(edited.at(rec.row, "program_code"),
                                     "roundtrip.duplicate_row", program=p, village=v,
                                     first=wanted[(v, p)][1]))
            continue
        wanted[(v, p)] = (number, rec.row)
        if lock:
            locked.add((v, p))
    before = {(str(v), str(p)): int(n) for v, p, n in edited.plan.itertuples(index=False)}
    edits = _edits(before, wanted, locked)
    fixed = edits[edits["action"] != "free"]
    problems += _pagu_problems(fixed, wanted, known, instance, edited)
    if problems:
        raise RoundTripError(problems)
    locks = _locks(settings, fixed, known.pairs)
    return settings.model_copy(update={"locks": locks}), edits


def moved_table(edits: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """What moved: for every pair in the plan before, the edits or the new plan, its units
    before, as edited, and after re-optimising, with the planner's action."""
    after = {(v, p): int(n) for v, p, n in zip(plan["village"], plan["program"],
                                               plan["units"], strict=True)}
    rows = []
    index = {(r.village, r.program): r for r in edits.itertuples(index=False)}
    for key in sorted(set(index) | set(after)):
        r = index.get(key)
        before = int(r.units_before) if r is not None else 0
        edited = int(r.units_edited) if r is not None else None
        action = r.action if r is not None else "free"
        now = after.get(key, 0)
        if action == "free" and now == before:
            continue
        rows.append((key[0], key[1], before, edited, now, action,
                     "kept" if action != "free" else ("up" if now > before else "down")))
    return pd.DataFrame(rows, columns=["village", "program", "units_before", "units_edited",
                                       "units_after", "action", "result"])

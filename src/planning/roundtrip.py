"""The spreadsheet round trip: a planner edits the Alokasi sheet of a workbook written by
``planning run`` and hands it back with ``planning run SCENARIO --locks EDITED.xlsx``.

What an edit means (compared with the plan the workbook was written with, kept in its
hidden sheet ``_plan``):

* ``ya`` / ``yes`` in the lock column: keep this row, with the units it now shows;
* units changed: fix them (0 takes the programme out of that village);
* a row deleted: take that programme out of that village;
* a row added (village and programme codes, units): put it in with those units;
* every other row is free, and the optimiser re-plans it.

Every edit is checked before solving (unknown codes, units that are not whole numbers or
outside the bounds for that village, locks that together break a pagu), each problem
named by sheet, row and column, all at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planning.i18n import DEFAULT_LANGUAGE, text
from planning.model import Lock, ModelSettings, build_instance

YES = {"ya", "y", "yes", "kunci", "lock", "locked", "1", "true", "x"}
PLAN_SHEET = "_plan"


@dataclass(frozen=True)
class EditProblem:
    file: str
    sheet: str
    row: int | None
    column: str | None
    key: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        where = [self.file, self.sheet]
        if self.row is not None:
            where.append(text("where.row", lang, row=self.row))
        if self.column is not None:
            from planning.workbook import ALLOCATION_COLUMNS, ALLOCATION_HEADERS

            column = self.column
            if column in ALLOCATION_COLUMNS:
                column = ALLOCATION_HEADERS[lang][ALLOCATION_COLUMNS.index(column)]
            where.append(text("where.column", lang, column=column))
        label = text("severity.error", lang)
        return f"[{label}] {', '.join(where)}: {text(self.key, lang, **dict(self.params))}"


class RoundTripError(Exception):
    def __init__(self, problems: list[EditProblem]):
        self.problems = problems
        super().__init__(self.render("en"))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return "\n".join(p.message(lang) for p in self.problems)


def _problem(file, sheet, row, column, key, **params) -> EditProblem:
    return EditProblem(file, sheet, row, column, key, tuple(sorted(params.items())))


def read_edited(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The edited Alokasi rows (with their spreadsheet row numbers) and the original plan
    from the hidden sheet; the name of the allocation sheet found."""
    from openpyxl import load_workbook

    from planning.workbook import ALLOCATION_COLUMNS, ALLOCATION_HEADERS, ALLOCATION_SHEET

    path = Path(path)
    name = path.name
    if not path.is_file():
        raise RoundTripError([_problem(name, "-", None, None, "roundtrip.no_file")])
    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # any unreadable file: say so, never a traceback
        raise RoundTripError([_problem(name, "-", None, None, "roundtrip.unreadable",
                                       detail=type(exc).__name__)]) from None
    sheet_name = next((s for s in ALLOCATION_SHEET.values() if s in book.sheetnames), None)
    if sheet_name is None or PLAN_SHEET not in book.sheetnames:
        missing = (sheet_name is None and "/".join(ALLOCATION_SHEET.values())) or PLAN_SHEET
        raise RoundTripError([_problem(name, missing, None, None, "roundtrip.no_sheet",
                                       sheet=missing)])
    rows = list(book[sheet_name].iter_rows(values_only=True))
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else [])]
    lookup = {}
    for headers in ALLOCATION_HEADERS.values():
        lookup.update({h: key for h, key in zip(headers, ALLOCATION_COLUMNS, strict=True)})
    columns = [lookup.get(h) for h in header]
    needed = ["village_code", "program_code", "units", "lock"]
    absent = [k for k in needed if k not in columns]
    if absent:
        raise RoundTripError([_problem(name, sheet_name, 1, None, "roundtrip.no_columns",
                                       columns=", ".join(absent))])
    records = []
    for number, values in enumerate(rows[1:], start=2):
        record = {k: v for k, v in zip(columns, values, strict=False) if k}
        if all(v in (None, "") for v in record.values()):
            continue
        record["row"] = number
        records.append(record)
    edited = pd.DataFrame(records, columns=[*ALLOCATION_COLUMNS, "row"])
    plan_rows = list(book[PLAN_SHEET].iter_rows(values_only=True))
    original = pd.DataFrame(plan_rows[1:], columns=["village", "program", "units"])
    book.close()
    return edited, original, sheet_name


def edits_as_locks(path: str | Path, settings: ModelSettings, ds, scores,
                   lang: str = DEFAULT_LANGUAGE) -> tuple[ModelSettings, pd.DataFrame]:
    """The scenario's settings plus one lock per edit, and the table of edits (village,
    program, units_before, units_edited, action). Raises RoundTripError listing every
    problem found."""
    name = Path(path).name
    edited, original, sheet = read_edited(path)
    table = getattr(scores, "table", scores)
    instance = build_instance(ds, table, settings)
    pairs = instance.pairs.set_index(["village", "program"])
    villages = set(ds.villages["code"])
    programs = ds.programs.set_index("code")
    in_plan = set(instance.villages["code"])
    problems: list[EditProblem] = []
    wanted: dict[tuple[str, str], tuple[int, int]] = {}  # key -> (units, sheet row)
    locked: set[tuple[str, str]] = set()
    for rec in edited.itertuples(index=False):
        v = "" if rec.village_code is None else str(rec.village_code).strip()
        p = "" if rec.program_code is None else str(rec.program_code).strip()
        where = (name, sheet, rec.row)
        if v not in villages:
            problems.append(_problem(*where, "village_code", "roundtrip.unknown_village",
                                     value=v))
            continue
        if v not in in_plan:
            problems.append(_problem(*where, "village_code", "roundtrip.village_not_in_plan",
                                     value=v))
            continue
        if p not in programs.index:
            problems.append(_problem(*where, "program_code", "roundtrip.unknown_program",
                                     value=p))
            continue
        units = rec.units
        try:
            number = float(units)
        except (TypeError, ValueError):
            number = float("nan")
        if not math.isfinite(number) or number != int(number) or number < 0:
            problems.append(_problem(*where, "units", "roundtrip.bad_units", value=units))
            continue
        number = int(number)
        if number > 0:
            if (v, p) not in pairs.index:
                problems.append(_problem(*where, "program_code", "roundtrip.not_eligible",
                                         program=p, village=v))
                continue
            lo, hi = int(pairs.at[(v, p), "lo"]), int(pairs.at[(v, p), "hi"])
            if not lo <= number <= hi:
                problems.append(_problem(*where, "units", "roundtrip.units_out_of_bounds",
                                         units=number, lo=lo, hi=hi))
                continue
        if (v, p) in wanted:
            problems.append(_problem(*where, "program_code", "roundtrip.duplicate_row",
                                     program=p, village=v, first=wanted[(v, p)][1]))
            continue
        wanted[(v, p)] = (number, rec.row)
        if str(rec.lock or "").strip().lower() in YES:
            locked.add((v, p))
    before = {(str(r.village), str(r.program)): int(r.units)
              for r in original.itertuples(index=False)}
    rows = []
    for key in sorted(set(before) | set(wanted)):
        old = before.get(key, 0)
        new, _row = wanted.get(key, (0, None))
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
        rows.append((key[0], key[1], old, new if key in wanted else 0, action))
    edits = pd.DataFrame(rows, columns=["village", "program", "units_before", "units_edited",
                                        "action"])
    fixed = edits[edits["action"] != "free"]
    cost = fixed.assign(
        agency=fixed["program"].map(programs["agency"]),
        cost=[(programs.at[p, "unit_cost"] * n + programs.at[p, "fixed_cost"]) if n else 0.0
              for p, n in zip(fixed["program"], fixed["units_edited"], strict=True)])
    for agency, used in cost.groupby("agency")["cost"].sum().items():
        limit = instance.pagu.get(agency, 0.0)
        if used > limit + 1e-6:
            rows_of = sorted(wanted[(v, p)][1] for v, p in zip(
                cost.loc[cost["agency"] == agency, "village"],
                cost.loc[cost["agency"] == agency, "program"], strict=True)
                if (v, p) in wanted)
            problems.append(_problem(name, sheet, None, "units", "roundtrip.breaks_pagu",
                                     agency=agency, cost=round(float(used), 1),
                                     pagu=round(float(limit), 1),
                                     rows=", ".join(str(r) for r in rows_of)))
    if problems:
        raise RoundTripError(problems)
    locks = [lk for lk in settings.locks
             if (lk.village, lk.program) not in set(zip(fixed["village"], fixed["program"],
                                                        strict=True))]
    for r in fixed.itertuples(index=False):
        if r.units_edited == 0:
            locks.append(Lock(village=r.village, program=r.program, state="out"))
        else:
            locks.append(Lock(village=r.village, program=r.program, units=int(r.units_edited)))
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

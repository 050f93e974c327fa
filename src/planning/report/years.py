"""What a planner reads from a multi-year plan (RPJMD -> each year's RKPD): the tables of
the results folder (``years/*.csv``), summary.json's ``years`` block and the multi-year
workbook.

The workbook (xlsxwriter, the same banner, print setup and cell styles as
:mod:`planning.report.workbook`) holds:

* **Ringkasan** (summary): the solve (status, objective, bound, certified gap), one row
  per year (pagu, spending, paid for works started earlier, left, focus villages, how
  many enter and graduate, recorded or planned) and the RPJMD targets at their year;
* **RKPD <year>**, one per year: what is in work that year, per village and programme
  (units in work, units started, duration, this year's cost, deprived units reached),
  with two columns the planner fills after the year, ``Realisasi (unit)`` and
  ``Status`` (selesai / sebagian / tidak, a drop-down), read back by
  :mod:`planning.report.years_roundtrip` for ``planning replan``;
* **Renja <agency>**, one per agency: its programme x year matrix (units in work and
  cost per year, the pagu, spending and what is left per year): what goes into the
  agency's Renstra and each year's Renja;
* **Target RPJMD**: progress toward each target per year;
* **Desa Fokus per Tahun**: the focus villages of each year, which enter and which
  graduate, and why;
* **Harga Aturan** (``planning analyse`` only): the price of each rule over the whole
  horizon (:mod:`planning.analysis.rakor.year_prices`), as the one-year sheet;
* **Meta** (the scenario and provenance) and a hidden sheet ``_rkpd`` (the plan as
  written: the round trip compares the RKPD sheets with it).

Money is in juta Rp per budget year: a work of ``duration`` n years pays 1/n of its cost
in each of its years (docs/multi-year.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from planning.data import DataSet
from planning.data.summary import synthetic_note
from planning.i18n import MESSAGES, number, text
from planning.i18n.glossary import coded
from planning.report.labels import column, plan_label, sheet, words
from planning.report.workbook import (
    CREATED,
    TOP,
    Stamp,
    _Book,
    _data_note,
    _meta_rows,
    _meta_sheet,
    long_date,
    run_date,
    scenario_name,
)

__all__ = ["CSV_FOLDER", "FOCUS_RECORD_SHEET", "REALISED_COLUMNS", "REALISED_SHEET",
           "RECORD_SHEET", "RKPD_COLUMNS", "RKPD_HEADERS",
           "STATUS_CHOICES", "agency_programs", "focus_table", "target_label", "year_sheet",
           "years_block", "years_tables", "years_workbook_bytes"]

#: the folder of the multi-year tables in a results folder
CSV_FOLDER = "years/"
#: the hidden sheet of the plan as written (year, village, program, units, started,
#: recorded): the round trip reads the planned units from it
RECORD_SHEET = "_rkpd"
#: the hidden sheet of each year's focus villages as planned (year, village): the first
#: guess of a re-plan's later years (planning.model.years.plan_years, ``focus_guess``)
FOCUS_RECORD_SHEET = "_fokus"
RECORD_COLUMNS = ("year", "village", "program", "units", "started", "recorded")
REALISED_SHEET = "_realisasi"
"""The hidden sheet of the recorded years as the planner recorded them (a re-plan's
workbook): year, village, program, units planned and started as planned, status code,
units delivered; the RKPD sheets of recorded years are shown from it."""
REALISED_COLUMNS = ("year", "village", "program", "planned", "started_planned", "status",
                    "delivered")

# --- the RKPD sheets: the round-trip reader depends on this exact layout ---------------
RKPD_COLUMNS = ["village_code", "village", "kecamatan", "program_code", "program", "agency",
                "units", "started", "duration", "cost", "reached", "realised", "status"]
RKPD_HEADERS = {
    "id": ["kode_desa", "desa", "kecamatan", "kode_program", "program", "lembaga",
           "unit dikerjakan", "unit dimulai", "lama (tahun)", "biaya tahun ini (juta Rp)",
           "deprivasi terjangkau", "Realisasi (unit)", "Status"],
    "en": ["village_code", "village", "kecamatan", "programme_code", "programme", "agency",
           "units in work", "units started", "duration (years)",
           "cost this year (Rp million)", "deprived reached", "Delivered (units)", "Status"],
}
#: what the planner records per row after the year: done (the planned units), partly
#: (the number in Realisasi), not done (0)
STATUS_CHOICES = {"id": ["selesai", "sebagian", "tidak"], "en": ["done", "partly", "not done"]}
STATUS_CODES = ("done", "partly", "not_done")


def year_sheet(year: int) -> str:
    """The name of year ``year``'s sheet, the same in both languages (the RKPD is the
    document's name): "RKPD 2026"."""
    return f"RKPD {int(year)}"


def agency_sheet(agency: str) -> str:
    """The name of an agency's programme x year sheet: "Renja PUTR"."""
    return f"Renja {agency}"


# --- the tables --------------------------------------------------------------------------
def _names(ds: DataSet, lang: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    villages = ds.villages.set_index("code")
    programs = ds.programs.set_index("code")
    return villages["name"], programs[f"name_{lang}"], programs[f"unit_{lang}"]


def _kecamatan_names(ds: DataSet) -> pd.Series:
    kec = ds.kecamatan
    key = "code" if "code" in kec.columns else kec.columns[0]
    name = "name" if "name" in kec.columns else kec.columns[1]
    return kec.set_index(key)[name]


def agency_programs(plan) -> pd.DataFrame:
    """The programme x year matrix of every agency, long: one row per agency, programme
    and year with the units in work, the units started, the villages and the cost that
    year (juta Rp); what goes into each agency's Renstra and Renja."""
    units = plan.units
    if units.empty:
        return pd.DataFrame(columns=["agency", "program", "year", "villages", "units",
                                     "started", "cost"])
    grouped = units[units["units"] > 0].groupby(["agency", "program", "year"], sort=True)
    frame = grouped.agg(villages=("village", "nunique"), units=("units", "sum"),
                        started=("started", "sum"), cost=("cost", "sum")).reset_index()
    return frame


def _reason(value: object, lang: str) -> str:
    """A focus reason as the planner reads it: a catalogue key (with its parameters as
    ``key|name=value|...``) rendered in ``lang``; any other text as it is."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    if isinstance(value, Mapping):
        params = dict(value)
        key = str(params.pop("key", ""))
        return text(key, lang, **params) if key in MESSAGES else str(value)
    raw = str(value)
    key, *parts = raw.split("|")
    if key in MESSAGES:
        params = dict(p.split("=", 1) for p in parts if "=" in p)
        try:
            return text(key, lang, **params)
        except (KeyError, IndexError, ValueError):
            return raw
    return raw


def _why(row, lang: str) -> str:
    """Why a village is a focus village of its year, enters or graduates: its change in
    the words of :func:`planning.scoring.years.change_reason` (the poverty index before
    and after the year's re-scoring, the rank in its kecamatan now) where the index
    before is known; else its poverty index and rank on the deprivations left at the
    start of the year."""
    rank = getattr(row, "rank_in_kecamatan", None)
    index = getattr(row, "poverty_index", None)
    change = row.change if isinstance(row.change, str) and row.change else "first"
    before = getattr(row, "poverty_index_before", None)
    if change != "first" and before is not None and before == before:
        from planning.scoring.years import change_reason

        return change_reason(pd.Series(row._asdict()), lang)
    return text(f"rkpd.reason.{change}", lang,
                rank="-" if rank is None or rank != rank else number(float(rank), lang, 0),
                index="-" if index is None or index != index else number(float(index), lang, 2),
                year=int(row.year))


def focus_table(plan, lang: str) -> pd.DataFrame:
    """The focus villages of each year, with the villages that graduate (leave the
    focus) that year: year, code, name, kecamatan, poverty index, rank in the kecamatan,
    focus (bool), change (stays / enters / graduates; '' in the first year) and the reason
    in ``lang``."""
    focus = plan.focus
    shown = focus[focus["selected"].astype(bool) | (focus["change"] == "graduates")].copy()
    given = shown["reason"] if "reason" in shown else pd.Series("", index=shown.index)
    shown["reason"] = [_reason(r, lang) or _why(row, lang)
                       for r, row in zip(given, shown.itertuples(index=False), strict=True)]
    return shown.sort_values(["year", "kecamatan_code", "code"], kind="stable").reset_index(
        drop=True)


def target_label(row, lang: str, dims: Mapping[str, str]) -> str:
    """One RPJMD target in words: "Pendapatan: 600 teratasi pada 2030" / "Angka
    kemiskinan 4,5 % pada 2030"."""
    if row.kind == "poverty_rate":
        return text("rkpd.target.poverty_rate", lang, goal=number(row.goal, lang, 1),
                    by=int(row.by))
    return text("rkpd.target.removed", lang, dimension=dims.get(row.dimension, row.dimension),
                goal=number(row.goal, lang, 0), by=int(row.by))


def _dims(ds: DataSet, lang: str) -> dict[str, str]:
    return ds.dimensions.set_index("group")[f"label_{lang}"].to_dict()


def years_tables(plan, ds: DataSet, lang: str) -> dict[str, pd.DataFrame]:
    """Every CSV file of the multi-year plan (``years/<name>.csv``) as a table: the units
    per year, village and programme (with the programme's name in ``lang``), the
    spending per agency and year, the deprivations removed per year, village and
    dimension, the focus villages per year, the targets per year, the agencies'
    programme x year matrices and the recorded history. Each with the data status."""
    note = synthetic_note(ds, lang)
    _, programs, _ = _names(ds, lang)
    units = plan.units.copy()
    units.insert(units.columns.get_loc("program") + 1, "program_name",
                 units["program"].map(programs))
    tables = {
        "units.csv": units,
        "spend.csv": plan.spend,
        "removed.csv": plan.removed,
        "focus.csv": focus_table(plan, lang),
        "targets.csv": plan.targets,
        "agency_programs.csv": agency_programs(plan),
    }
    history = getattr(plan, "history", None)
    if history is not None and len(history):
        tables["history.csv"] = history
    return {CSV_FOLDER + name: frame.assign(data_status=note) for name, frame in tables.items()}


def _number(value) -> float | None:
    import math

    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def years_block(plan, lang: str = "id") -> dict:
    """summary.json's ``years`` block: the solve (status, objective, bound, certified
    gap, whether proven, the plan's label in ``lang``), then per year its pagu, spending,
    money paid for works started earlier, money left, focus villages and how many enter
    and graduate, and whether the year is recorded history; and each target per year
    (goal, achieved, share, met at its year). Numbers a reviewer recomputes from the CSV
    files."""
    report = plan.report
    spend = plan.spend.groupby("year")[["pagu", "spent", "committed", "left"]].sum()
    focus = plan.focus
    recorded = set(plan.units.loc[plan.units["recorded"].astype(bool), "year"]) \
        if "recorded" in plan.units else set()
    per_year = []
    for year in plan.years:
        f = focus[focus["year"] == year]
        row = spend.loc[year] if year in spend.index else None
        per_year.append({
            "year": int(year),
            "pagu": None if row is None else float(row["pagu"]),
            "spent": None if row is None else float(row["spent"]),
            "committed": None if row is None else float(row["committed"]),
            "left": None if row is None else float(row["left"]),
            "focus_villages": int(f["selected"].astype(bool).sum()),
            "enters": int((f["change"] == "enters").sum()),
            "graduates": int((f["change"] == "graduates").sum()),
            "recorded": int(year) in {int(y) for y in recorded},
            "removed": float(plan.removed.loc[plan.removed["year"] == year, "removed"].sum()),
        })
    targets = [
        {"target": int(r.target), "kind": str(r.kind),
         "dimension": None if not isinstance(r.dimension, str) else r.dimension,
         "by": int(r.by), "goal": float(r.goal), "year": int(r.year),
         "achieved": _number(r.achieved), "share": _number(r.share), "met": bool(r.met)}
        for r in plan.targets.itertuples(index=False)]
    return {
        "status": report.status, "objective": _number(report.objective),
        "bound": _number(report.bound), "gap": _number(report.gap),
        "gap_target": _number(getattr(report, "gap_target", None)),
        "proven_optimal": report.status == "optimal",
        "accepted": bool(getattr(report, "accepted", report.status == "optimal")),
        "stopped_by": getattr(report, "stopped_by", None),
        "label": plan_label(report, lang),
        "years": [int(y) for y in plan.years],
        "recorded_years": sorted(int(y) for y in recorded),
        "per_year": per_year,
        "targets": targets,
    }


# --- the workbook ------------------------------------------------------------------------
def _summary_sheet(book: _Book, plan, block: dict, ds: DataSet) -> None:
    lang = book.lang
    ws = book.add(sheet("summary", lang))
    years = block["years"]
    ws.write_string(TOP, 0, text("rkpd.title", lang, first=years[0], last=years[-1]),
                    book.title)
    ws.freeze_panes(TOP + 1, 0)
    row = book.heading_row(ws, TOP + 2, words("block.solve", lang))
    row = book.pairs(ws, row, [
        (words("status", lang), coded("solve", block["status"], lang), "text"),
        (words("plan_label", lang), block["label"] or words("proven", lang), "text"),
        (words("objective", lang), block["objective"], "num"),
        (words("bound", lang), block["bound"], "num"),
        (words("gap", lang), block["gap"], "gap"),
        (words("gap_target", lang), block["gap_target"], "gap"),
    ])
    book.width(ws, 0, 30)
    frame = pd.DataFrame(block["per_year"])
    frame["share_used"] = frame["spent"] / frame["pagu"].where(frame["pagu"] > 0)
    frame["recorded"] = frame["recorded"].map(
        lambda r: text("rkpd.recorded" if r else "rkpd.planned", lang))
    spec = [("year", text("rkpd.column.year", lang), "general"),
            ("pagu", column("pagu", lang), "money"),
            ("spent", column("spent", lang), "money"),
            ("committed", text("rkpd.column.committed", lang), "money"),
            ("left", column("left", lang), "money"),
            ("share_used", column("share_used", lang), "share"),
            ("removed", column("removed_total", lang), "num"),
            ("focus_villages", text("rkpd.column.focus", lang), "int"),
            ("enters", text("rkpd.column.enters", lang), "int"),
            ("graduates", text("rkpd.column.graduates", lang), "int"),
            ("recorded", text("rkpd.column.recorded", lang), "text")]
    row = book.heading_row(ws, row, text("rkpd.block.per_year", lang))
    total = {k: float(frame[k].sum()) for k in ("pagu", "spent", "committed", "left",
                                                 "removed")}
    total["share_used"] = total["spent"] / total["pagu"] if total["pagu"] else None
    row = book.table(ws, frame, spec, row=row, total=total, freeze=False, autofilter=False)
    if len(plan.targets):
        dims = _dims(ds, lang)
        at_by = plan.targets[plan.targets["year"] == plan.targets["by"]]
        frame = at_by.assign(
            target=[target_label(r, lang, dims) for r in at_by.itertuples(index=False)],
            met=at_by["met"].astype(bool))
        row = book.heading_row(ws, row, text("rkpd.block.targets", lang))
        book.table(ws, frame, [
            ("target", text("rkpd.column.target", lang), "text"),
            ("goal", text("rkpd.column.goal", lang), "num"),
            ("achieved", text("rkpd.column.achieved", lang), "num"),
            ("share", text("rkpd.column.progress", lang), "share"),
            ("met", text("rkpd.column.met", lang), "flag")],
            row=row, freeze=False, autofilter=False)


def _recorded_rows(plan, ds: DataSet, realised: pd.DataFrame, year: int) -> pd.DataFrame:
    """A recorded year's rows as the planner recorded them (``realised``: the rows of
    :data:`REALISED_COLUMNS`), every row planned that year, those not done included:
    units and units started as planned, and from the plan's history the cost and reach
    of what was delivered (0 where nothing was)."""
    from planning.model.years import durations

    mine = realised[realised["year"].astype(int) == year]
    units = plan.units[(plan.units["year"] == year)].drop_duplicates(
        ["village", "program"]).set_index(["village", "program"])
    agency = ds.programs.set_index("code")["agency"]
    pairs = list(zip(mine["village"], mine["program"], strict=True))

    def done(column: str) -> list[float]:
        return [float(units.at[pair, column]) if pair in units.index else 0.0
                for pair in pairs]

    return pd.DataFrame({
        "village": mine["village"].to_numpy(), "program": mine["program"].to_numpy(),
        "kecamatan_code": mine["village"].map(
            ds.villages.set_index("code")["kecamatan_code"]).to_numpy(),
        "agency": mine["program"].map(agency).to_numpy(),
        "units": mine["planned"].astype(int).to_numpy(),
        "started": mine["started_planned"].astype(int).to_numpy(),
        "duration": mine["program"].map(durations(ds.programs)).fillna(1).astype(int)
        .to_numpy(),
        "cost": done("cost"), "reach": done("reach"),
        "delivered": mine["delivered"].astype(int).to_numpy(),
        "status": mine["status"].to_numpy(), "recorded": True,
    }).sort_values(["village", "program"], kind="stable")


def _year_rows(plan, ds: DataSet, year: int, lang: str,
               realised: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of one year's RKPD sheet: every work in progress that year; a year the
    planner recorded (in ``realised``) as recorded, its Realisasi and Status as given."""
    villages, programs, _ = _names(ds, lang)
    kec = _kecamatan_names(ds)
    if realised is not None and (realised["year"].astype(int) == year).any():
        rows = _recorded_rows(plan, ds, realised, year)
        words = dict(zip(STATUS_CODES, STATUS_CHOICES[lang], strict=True))
        recorded = pd.Series(True, index=rows.index)
        given = [int(d) for d in rows["delivered"]]
        status = [words.get(str(c), str(c)) for c in rows["status"]]
    else:
        units = plan.units
        rows = units[(units["year"] == year) & (units["units"] > 0)].sort_values(
            ["village", "program"], kind="stable")
        recorded = rows["recorded"].astype(bool) if "recorded" in rows else \
            pd.Series(False, index=rows.index)
        given = [int(u) if r else None for u, r in zip(rows["units"], recorded, strict=True)]
        status = [STATUS_CHOICES[lang][0] if r else None for r in recorded]
    return pd.DataFrame({
        "village_code": rows["village"].to_numpy(),
        "village": rows["village"].map(villages).to_numpy(),
        "kecamatan": rows["kecamatan_code"].map(kec).to_numpy(),
        "program_code": rows["program"].to_numpy(),
        "program": rows["program"].map(programs).to_numpy(),
        "agency": rows["agency"].to_numpy(),
        "units": rows["units"].astype(int).to_numpy(),
        "started": rows["started"].astype(int).to_numpy(),
        "duration": rows["duration"].astype(int).to_numpy(),
        "cost": rows["cost"].to_numpy(),
        "reached": rows["reach"].to_numpy(),
        "realised": given,
        "status": status,
        "recorded": recorded.to_numpy(),
    })


def _year_sheet(book: _Book, plan, ds: DataSet, year: int,
                realised: pd.DataFrame | None = None) -> None:
    """One year's RKPD sheet: the works in progress that year, then the two columns the
    planner fills after the year (editable, Status as a drop-down); a recorded year as
    recorded (``realised``), not editable."""
    lang = book.lang
    frame = _year_rows(plan, ds, year, lang, realised)
    ws = book.add(year_sheet(year))
    kinds = ["text", "text", "text", "text", "text", "text", "int", "int", "int", "money",
             "num", "int", "text"]
    spec = list(zip(RKPD_COLUMNS, RKPD_HEADERS[lang], kinds, strict=True))
    recorded = bool(frame["recorded"].all()) and len(frame) > 0
    total = {"cost": float(frame["cost"].sum()), "reached": float(frame["reached"].sum()),
             "units": float(frame["units"].sum()), "started": float(frame["started"].sum())}
    note = text("rkpd.sheet.recorded_note" if recorded else "rkpd.sheet.note", lang,
                year=year)
    book.paragraph(ws, TOP, note)
    top = TOP + 2
    book.table(ws, frame, spec, row=top, total=total,
               editable=frozenset() if recorded else frozenset({"realised", "status"}))
    status = RKPD_COLUMNS.index("status")
    realised = RKPD_COLUMNS.index("realised")
    last = top + len(frame)
    book.width(ws, status, 12)
    book.width(ws, realised, 12)
    if len(frame) and not recorded:
        ws.data_validation(top + 1, status, last, status, {
            "validate": "list", "source": STATUS_CHOICES[lang], "ignore_blank": True,
            "input_title": text("rkpd.status.title", lang),
            "input_message": text("rkpd.status.prompt", lang),
            "error_type": "stop", "error_message": text("rkpd.status.error", lang)})
        units = xl_rowcol_to_cell(top + 1, RKPD_COLUMNS.index("units"), col_abs=True)
        ws.data_validation(top + 1, realised, last, realised, {  # 0 to the row's units
            "validate": "integer", "criteria": "between", "minimum": 0,
            "maximum": f"={units}", "ignore_blank": True,
            "input_title": text("rkpd.realised.title", lang),
            "input_message": text("rkpd.realised.prompt", lang),
            "error_type": "stop", "error_message": text("rkpd.realised.error", lang)})
    ws.write_comment(top, status, note, {"author": "planning", "x_scale": 2.5,
                                         "y_scale": 2.5})


def _agency_sheets(book: _Book, plan, ds: DataSet) -> None:
    """One programme x year sheet per agency: per programme its units in work and cost
    in each year and the total cost; under it the agency's pagu, spending and money left
    per year."""
    lang = book.lang
    _, programs, unit = _names(ds, lang)
    matrix = agency_programs(plan)
    spend = plan.spend
    names = ds.agencies.set_index("code")["name"]
    years = list(plan.years)
    for agency in sorted(set(spend["agency"])):
        rows = matrix[matrix["agency"] == agency]
        ws = book.add(agency_sheet(agency), reserved=False)
        ws.write_string(TOP, 0, f"{agency}: {names.get(agency, agency)}", book.title)
        wide = pd.DataFrame({"program_code": sorted(set(rows["program"]))})
        wide["program"] = wide["program_code"].map(programs)
        wide["unit"] = wide["program_code"].map(unit)
        spec = [("program_code", column("program_code", lang), "text"),
                ("program", column("program", lang), "text"),
                ("unit", column("unit", lang), "text")]
        total: dict[str, object] = {}
        for year in years:
            got = rows[rows["year"] == year].set_index("program")
            wide[f"units_{year}"] = wide["program_code"].map(got["units"]).fillna(0)
            wide[f"cost_{year}"] = wide["program_code"].map(got["cost"]).fillna(0.0)
            spec += [(f"units_{year}", text("rkpd.column.units_in", lang, year=year), "int"),
                     (f"cost_{year}", text("rkpd.column.cost_in", lang, year=year),
                      "money")]
            total[f"cost_{year}"] = float(wide[f"cost_{year}"].sum())
        wide["cost_total"] = wide[[f"cost_{y}" for y in years]].sum(axis=1)
        spec.append(("cost_total", text("rkpd.column.cost_total", lang), "money"))
        total["cost_total"] = float(wide["cost_total"].sum())
        row = book.table(ws, wide, spec, row=TOP + 2, total=total)
        money = spend[spend["agency"] == agency].sort_values("year")
        money = money.assign(share_used=money["spent"] / money["pagu"].where(money["pagu"] > 0))
        row = book.heading_row(ws, row, text("rkpd.block.agency_money", lang))
        book.table(ws, money, [
            ("year", text("rkpd.column.year", lang), "general"),
            ("pagu", column("pagu", lang), "money"),
            ("spent", column("spent", lang), "money"),
            ("committed", text("rkpd.column.committed", lang), "money"),
            ("left", column("left", lang), "money"),
            ("share_used", column("share_used", lang), "share")],
            row=row, freeze=False, autofilter=False)


def _targets_sheet(book: _Book, plan, ds: DataSet) -> None:
    """Progress toward each RPJMD target per year."""
    lang = book.lang
    ws = book.add(text("rkpd.sheet.targets", lang))
    targets = plan.targets
    if targets.empty:
        book.paragraph(ws, TOP, text("rkpd.no_targets", lang))
        return
    dims = _dims(ds, lang)
    frame = targets.assign(
        target_text=[target_label(r, lang, dims) for r in targets.itertuples(index=False)],
        met=targets["met"].astype(bool))
    book.table(ws, frame, [
        ("target_text", text("rkpd.column.target", lang), "text"),
        ("year", text("rkpd.column.year", lang), "general"),
        ("goal", text("rkpd.column.goal", lang), "num"),
        ("achieved", text("rkpd.column.achieved", lang), "num"),
        ("share", text("rkpd.column.progress", lang), "share"),
        ("met", text("rkpd.column.met", lang), "flag")], row=TOP)


def _focus_sheet(book: _Book, plan, ds: DataSet) -> None:
    """The focus villages per year, with those that enter and graduate and why."""
    lang = book.lang
    frame = focus_table(plan, lang)
    kec = _kecamatan_names(ds)
    frame = frame.assign(
        kecamatan=frame["kecamatan_code"].map(kec) if "kecamatan" not in frame else
        frame["kecamatan"],
        change=frame["change"].map(lambda c: text(f"rkpd.change.{c}", lang) if c else ""),
        selected=frame["selected"].astype(bool))
    ws = book.add(text("rkpd.sheet.focus", lang))
    book.table(ws, frame, [
        ("year", text("rkpd.column.year", lang), "general"),
        ("code", column("village_code", lang), "text"),
        ("name", column("village", lang), "text"),
        ("kecamatan", column("kecamatan", lang), "text"),
        ("poverty_index", column("poverty_index", lang), "index"),
        ("rank_in_kecamatan", column("rank_in_kecamatan", lang), "int"),
        ("selected", column("selected", lang), "flag"),
        ("change", text("rkpd.column.change", lang), "text"),
        ("reason", column("reason", lang), "text")], row=TOP)


def _record_sheet(book: _Book, plan) -> None:
    """The plan as written, hidden: year, village, program, units in work, units
    started, recorded (1: delivered history)."""
    ws = book.add(RECORD_SHEET, banner=False)
    book.table(ws, record_frame(plan), [(key, key, "text" if key in ("village", "program")
                                         else "int") for key in RECORD_COLUMNS],
               freeze=False, autofilter=False)
    ws.hide()


def record_frame(plan) -> pd.DataFrame:
    """The rows of the hidden record sheet (RECORD_COLUMNS), in their order."""
    units = plan.units[plan.units["units"] > 0].sort_values(["year", "village", "program"],
                                                            kind="stable")
    return pd.DataFrame({
        "year": units["year"].astype(int), "village": units["village"],
        "program": units["program"], "units": units["units"].astype(int),
        "started": units["started"].astype(int),
        "recorded": units["recorded"].astype(bool).astype(int) if "recorded" in units
        else 0})[list(RECORD_COLUMNS)]


def _realised_sheet(book: _Book, realised: pd.DataFrame) -> None:
    """The recorded years as recorded, hidden (:data:`REALISED_COLUMNS`)."""
    ws = book.add(REALISED_SHEET, banner=False)
    frame = realised[list(REALISED_COLUMNS)].sort_values(["year", "village", "program"],
                                                         kind="stable")
    book.table(ws, frame, [(key, key, "text" if key in ("village", "program", "status")
                            else "int") for key in REALISED_COLUMNS],
               freeze=False, autofilter=False)
    ws.hide()


def _focus_record_sheet(book: _Book, plan) -> None:
    """Each year's focus villages as planned, hidden: year, village (code), as
    :func:`planning.model.years.previous_focus` gives them."""
    from planning.model.years import previous_focus

    ws = book.add(FOCUS_RECORD_SHEET, banner=False)
    frame = pd.DataFrame([(t, v) for t, codes in sorted(previous_focus(plan).items())
                          for v in codes], columns=["year", "village"])
    book.table(ws, frame, [("year", "year", "int"), ("village", "village", "text")],
               freeze=False, autofilter=False)
    ws.hide()


def years_workbook_bytes(plan, ds: DataSet, *, scenario: dict, provenance: dict,
                         lang: str = "id", block: dict | None = None,
                         created: datetime = CREATED, day: date | None = None,
                         analysis=None, figures: Mapping[str, bytes] | None = None,
                         realised: pd.DataFrame | None = None) -> bytes:
    """The multi-year workbook as xlsx bytes (see the module). ``plan``: a
    :class:`~planning.model.years.YearPlan`; ``scenario`` and ``provenance`` as for
    :func:`planning.report.workbook.workbook_bytes`; ``block``: summary.json's ``years``
    block (default :func:`years_block`); ``analysis``: the
    :class:`~planning.analysis.rakor.Analysis` of the plan (its Harga Aturan sheet) and
    ``figures`` its PNG bytes by file name, or None; ``realised``: the recorded years as
    the planner recorded them (:data:`REALISED_COLUMNS`; a re-plan's), shown on their RKPD
    sheets and kept in the hidden sheet :data:`REALISED_SHEET`. Same arguments, same
    bytes."""
    block = block if block is not None else years_block(plan, lang)
    day = run_date() if day is None else day
    stamp = Stamp(warning=_data_note(ds, lang), mark=synthetic_note(ds, lang),
                  scenario=scenario_name(scenario),
                  day=None if day is None else long_date(day, lang))
    book = _Book(lang, created, synthetic_note(ds, lang), stamp)
    book.reserved |= {RECORD_SHEET, FOCUS_RECORD_SHEET, REALISED_SHEET,
                      *(year_sheet(y).lower() for y in plan.years),
                      text("rkpd.sheet.targets", lang).lower(),
                      text("rkpd.sheet.focus", lang).lower()}
    _summary_sheet(book, plan, block, ds)
    for year in plan.years:
        _year_sheet(book, plan, ds, int(year), realised)
    _agency_sheets(book, plan, ds)
    _targets_sheet(book, plan, ds)
    _focus_sheet(book, plan, ds)
    if analysis is not None:
        from planning.report.analysis import write_sheets

        write_sheets(book, analysis, _dims(ds, lang), dict(figures or {}))
    _meta_sheet(book, _meta_rows(ds, scenario, provenance, lang, day, record_frame(plan)))
    _record_sheet(book, plan)
    _focus_record_sheet(book, plan)
    if realised is not None and len(realised):
        _realised_sheet(book, realised)
    return book.close()

"""What a planner reads from the two-level plan of a region (a province or the country,
:mod:`planning.analysis.region`): the tables per district and per province and the
region's workbook.

The workbook (xlsxwriter, the same banner, print setup and cell styles as
:mod:`planning.report.workbook`; every sheet opens with the data note) holds:

* **Ringkasan** (summary): the envelope, what is allocated and what is not, the combined
  plan's value, the sum of the districts' proven bounds and the certified gap
  (1 - value / bound), the water level (the marginal value of the split), the districts
  planned and those without a plan with the reason, the deprivations before and removed,
  and the equity across districts (the Gini of spending per poor person, its lowest and
  highest);
* **Kabupaten** (districts): one row per district: its own pagu, floor, cap, share,
  factor and marginal value at the share, its plan's value, bound, gap and status, its
  spending, deprivations and spending per poor person, or why it has no plan;
* **Provinsi** (provinces): the same summed per province, the gap recomputed from the
  sums;
* **Kurva** (curves): every district's curve points (factor, budget, the quick plan's
  value, the LP relaxation's bound, whether the point is on the concave hull);
* **Alokasi** (allocation): every district's plan rows;
* **Meta**: the data's status, the region, the scenario as run and the versions.

The figures are drawn by :mod:`planning.report.region_figures` (re-exported here:
:func:`region_figure_files`, :func:`region_figure_objects`).

Money is in juta Rp. The same plan gives the same bytes (the creation time is fixed).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd

from planning.i18n import text
from planning.model import relative_gap
from planning.report.labels import ALLOCATION_SHEET, column, named_plan, sheet, words
from planning.report.region_figures import region_figure_files, region_figure_objects
from planning.report.workbook import (
    CREATED,
    TOP,
    Spec,
    Stamp,
    _Book,
    _flatten,
    _plain,
    long_date,
    run_date,
    scenario_name,
)

__all__ = ["ALLOCATION_SPEC", "DISTRICT_SPEC", "PROVINCE_SPEC", "allocation_table",
           "district_table", "district_view", "province_table", "province_view",
           "region_figure_files", "region_figure_objects", "region_sheets",
           "region_workbook_bytes", "summary_blocks", "summary_view"]

#: the sums of the province sheet (districts' columns summed per province)
SUMMED = ["n_villages", "villages_in_plan", "poor_people", "pagu_own", "floor", "cap", "share",
          "objective", "bound", "cost", "deprivations_before", "deprivations_removed"]

#: (column of the district table, header key, kind); ``region.column.*`` keys start with
#: ``region.``, the others are ``column.*`` keys
DISTRICT_SPEC = [
    ("code", "region.column.district_code", "text"),
    ("name", "region.column.district", "text"),
    ("province_code", "region.column.province_code", "text"),
    ("type", "type", "text"),
    ("n_villages", "villages", "int"),
    ("villages_in_plan", "region.column.villages_in_plan", "int"),
    ("poor_people", "region.column.poor_people", "int"),
    ("pagu_own", "region.column.pagu_own", "money"),
    ("floor", "region.column.floor", "money"),
    ("cap", "region.column.cap", "money"),
    ("share", "region.column.share", "money"),
    ("factor", "factor", "index"),
    ("marginal_value", "region.column.marginal_value", "index"),
    ("objective", "objective", "num"),
    ("bound", "bound", "num"),
    ("gap", "gap", "gap"),
    ("status", "status", "text"),
    ("cost", "spent", "money"),
    ("deprivations_before", "deprived_total", "num"),
    ("deprivations_removed", "removed_total", "num"),
    ("spending_per_poor_person", "region.column.spending_per_poor_person", "price"),
    ("problem", "region.column.problem", "text"),
]
PROVINCE_SPEC = [
    ("province_code", "region.column.province_code", "text"),
    ("province", "region.column.province", "text"),
    ("districts", "region.column.districts", "int"),
    ("districts_planned", "region.column.districts_planned", "int"),
    *[(key, header, kind) for key, header, kind in DISTRICT_SPEC
      if key in SUMMED and key not in ("floor", "cap")],
    ("gap", "gap", "gap"),
    ("spending_per_poor_person", "region.column.spending_per_poor_person", "price"),
]
CURVE_SPEC = [
    ("district", "region.column.district_code", "text"),
    ("name", "region.column.district", "text"),
    ("factor", "factor", "index"),
    ("budget", "budget", "money"),
    ("value", "region.column.quick_value", "num"),
    ("bound", "region.column.lp_bound", "num"),
    ("on_hull", "region.column.on_hull", "flag"),
]
ALLOCATION_SPEC = [
    ("district", "region.column.district_code", "text"),
    ("village", "village_code", "text"),
    ("village_name", "village", "text"),
    ("kecamatan", "kecamatan", "text"),
    ("program", "program_code", "text"),
    ("program_name", "program", "text"),
    ("agency", "agency", "text"),
    ("units", "units", "int"),
    ("cost", "cost", "money"),
    ("households_reached", "households_reached", "num"),
]


def header(key: str, lang: str) -> str:
    """A column header: a ``region.*`` key as it is, else a ``column.*`` key."""
    return text(key, lang) if key.startswith("region.") else column(key, lang)


def _spec(spec: list[tuple[str, str, str]], lang: str) -> Spec:
    return [(key, header(name, lang), kind) for key, name, kind in spec]


def _problem(row: Mapping, lang: str) -> str | None:
    value = row.get(f"problem_{lang}")
    return value if isinstance(value, str) and value else None


# --- the tables --------------------------------------------------------------------------
def district_table(plan, lang: str = "id") -> pd.DataFrame:
    """One row per district (the columns of :data:`DISTRICT_SPEC`), sorted by code, with
    why a district has no plan in ``lang`` (``problem``)."""
    rows = plan.districts.sort_values("code", kind="stable").reset_index(drop=True).copy()
    for key, _, _ in DISTRICT_SPEC:
        if key not in rows.columns and key != "problem":
            rows[key] = None
    numeric = [key for key, _, kind in DISTRICT_SPEC if kind not in ("text", "flag")]
    rows[numeric] = rows[numeric].apply(pd.to_numeric, errors="coerce")
    rows["code"] = rows["code"].astype(str)
    rows["province_code"] = rows["province_code"].astype(str)
    rows["problem"] = [_problem(r, lang) for r in rows.to_dict("records")]
    return rows


def _numbers(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame[keys].apply(pd.to_numeric, errors="coerce")


def province_table(plan, lang: str = "id",
                   names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The districts summed per province (:data:`SUMMED`; the value, bound, spending,
    deprivations and poor people of the districts with a plan), the gap recomputed from
    the sums (1 - value / bound) and the spending per poor person (spending / poor people
    of the districts with a plan). ``names``: province code -> name."""
    rows = district_table(plan, lang)
    nums = _numbers(rows, SUMMED)
    planned = nums["objective"].notna()
    for key in ("objective", "bound", "cost", "deprivations_before", "deprivations_removed"):
        nums[key] = nums[key].where(planned)
    nums["poor_planned"] = nums["poor_people"].where(planned)
    nums["province_code"] = rows["province_code"]
    nums["planned"] = planned.astype(int)
    grouped = nums.groupby("province_code", sort=True)
    out = grouped[[*SUMMED, "poor_planned"]].sum(min_count=1)
    out["districts"] = grouped.size()
    out["districts_planned"] = grouped["planned"].sum()
    out = out.reset_index()
    out["gap"] = [relative_gap(v, b) if v == v and b == b else None
                  for v, b in zip(out["objective"], out["bound"], strict=True)]
    out["spending_per_poor_person"] = out["cost"] / out["poor_planned"].where(
        out["poor_planned"] > 0)
    names = dict(names or {})
    out["province"] = out["province_code"].map(lambda c: names.get(str(c)))
    return out


def allocation_table(plan, lang: str = "id") -> pd.DataFrame:
    """Every district's plan rows (:data:`ALLOCATION_SPEC`'s columns), by district, with
    each programme's name in ``lang``."""
    table = plan.plan
    if table.empty:
        return pd.DataFrame(columns=[key for key, _, _ in ALLOCATION_SPEC])
    return named_plan(table.reset_index(drop=True), plan.programs, lang)


def curve_table(plan) -> pd.DataFrame:
    """The curve points with the district's name."""
    names = plan.districts.assign(code=plan.districts["code"].astype(str)).set_index(
        "code")["name"] if "name" in plan.districts else pd.Series(dtype=str)
    curves = plan.curves.copy()
    curves["district"] = curves["district"].astype(str)
    curves["name"] = curves["district"].map(names)
    return curves


def _province_names(summary: Mapping) -> dict[str, str]:
    """Province code -> name from ``summary["provinces"]`` (a mapping, or records with
    ``code`` and ``name`` as provinces.csv)."""
    given = summary.get("provinces")
    if isinstance(given, Mapping):
        return {str(k): str(v) for k, v in given.items()}
    if isinstance(given, pd.DataFrame):
        given = given.to_dict("records")
    if isinstance(given, list):
        return {str(r["code"]): str(r["name"]) for r in given
                if isinstance(r, Mapping) and "code" in r and "name" in r}
    return {}


def region_sheets(plan, summary: Mapping | None = None,
                  lang: str = "id") -> dict[str, pd.DataFrame]:
    """The tables of the workbook's table sheets, by sheet key: ``districts``,
    ``provinces``, ``curves``, ``allocation`` (language-neutral column names)."""
    summary = summary or {}
    return {"districts": district_table(plan, lang),
            "provinces": province_table(plan, lang, _province_names(summary)),
            "curves": curve_table(plan),
            "allocation": allocation_table(plan, lang)}


def _view(frame: pd.DataFrame, spec: list[tuple[str, str, str]], lang: str) -> pd.DataFrame:
    keys = [key for key, _, _ in spec if key in frame.columns]
    if "problem" in keys and frame["problem"].isna().all():
        keys.remove("problem")
    out = frame[keys].copy()
    out.columns = [header(name, lang) for key, name, _ in spec if key in keys]
    return out.set_index(out.columns[0])


def district_view(plan, lang: str = "id") -> pd.DataFrame:
    """The district sheet's table as a planner reads it in a notebook: the columns of
    :data:`DISTRICT_SPEC` with their headers in ``lang``, indexed by the district's code
    (the reason column only when some district has no plan)."""
    return _view(district_table(plan, lang), DISTRICT_SPEC, lang)


def province_view(plan, lang: str = "id",
                  names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The province sheet's table with its headers in ``lang``, indexed by province code."""
    return _view(province_table(plan, lang, names), PROVINCE_SPEC, lang)


# --- the workbook ------------------------------------------------------------------------
def _totals(plan) -> dict:
    return dict(plan.totals or {})


def _region_name(summary: Mapping) -> str:
    region = summary.get("region")
    if isinstance(region, Mapping) and region.get("name"):
        return str(region["name"])
    return scenario_name(summary.get("scenario") or summary)


def summary_blocks(plan, lang: str = "id") -> list[tuple[str, list[tuple[str, object, str]]]]:
    """The summary's blocks as (heading, [(label, value, kind), ...]) in ``lang``: the
    split (envelope, own pagu, allocated, not allocated, water level), the combined plan
    (value, sum of bounds, certified gap, largest district gap, spending), the districts
    (how many, planned, without a plan, villages in the plans), the deprivations (before,
    removed, share) and the equity across districts (Gini, lowest and highest spending per
    poor person). ``kind`` is the cell format (:data:`planning.report.workbook.NUMBER_FORMATS`)."""
    t = _totals(plan)
    planned = pd.to_numeric(plan.districts["objective"], errors="coerce").notna()
    before, removed = t.get("deprivations_before"), t.get("deprivations_removed")
    return [
        (text("region.block.split", lang), [
            (text("region.label.envelope", lang), t.get("envelope", plan.envelope), "money"),
            (text("region.label.pagu_own_total", lang), t.get("pagu_own_total"), "money"),
            (text("region.label.allocated", lang), t.get("allocated"), "money"),
            (text("region.label.not_allocated", lang), t.get("not_allocated"), "money"),
            (text("region.label.water_level", lang), t.get("water_level"), "index")]),
        (text("region.block.result", lang), [
            (text("region.label.value", lang), t.get("value"), "num"),
            (text("region.label.bound", lang), t.get("bound"), "num"),
            (column("gap", lang), t.get("gap"), "gap"),
            (text("region.label.largest_gap", lang), t.get("largest_gap"), "gap"),
            (column("spent", lang), t.get("cost"), "money")]),
        (text("region.block.districts", lang), [
            (text("region.label.districts", lang), t.get("districts", len(planned)), "int"),
            (text("region.label.planned", lang), int(planned.sum()), "int"),
            (text("region.label.without_plan", lang), int((~planned).sum()), "int"),
            (text("region.column.villages_in_plan", lang), t.get("villages"), "int")]),
        (text("region.block.deprivations", lang), [
            (column("deprived_total", lang), before, "num"),
            (column("removed_total", lang), removed, "num"),
            (column("share_removed", lang),
             removed / before if before and removed is not None else None, "share")]),
        (text("region.block.equity", lang), [
            (text("region.label.gini", lang), t.get("spending_per_poor_person_gini"), "index"),
            (text("region.label.spending_min", lang), t.get("spending_per_poor_person_min"),
             "price"),
            (text("region.label.spending_max", lang), t.get("spending_per_poor_person_max"),
             "price")]),
    ]


def summary_view(plan, lang: str = "id") -> pd.Series:
    """The summary's numbers as a planner reads them in a notebook: one Series indexed by
    (block, label) in ``lang``."""
    items = {(heading, label): value for heading, rows in summary_blocks(plan, lang)
             for label, value, _ in rows}
    return pd.Series(items, name=column("value", lang), dtype=object)


def _summary_sheet(book: _Book, plan, summary: Mapping, districts: pd.DataFrame) -> None:
    lang = book.lang
    ws = book.add(sheet("summary", lang))
    ws.write_string(TOP, 0, text("region.title", lang, name=_region_name(summary)),
                    book.title)
    ws.freeze_panes(TOP + 1, 0)
    row = TOP + 2
    for at, (heading, rows) in enumerate(summary_blocks(plan, lang)):
        row = book.heading_row(ws, row, heading)
        row = book.pairs(ws, row, rows)
        if at == 1:  # under the combined plan: what its gap means
            row = book.paragraph(ws, row - 1, text("region.label.gap_note", lang)) + 1
    book.width(ws, 0, 45)
    without = districts[districts["objective"].isna()]
    row = book.heading_row(ws, row, text("region.block.without_plan", lang))
    if without.empty:
        book.paragraph(ws, row, text("region.label.all_planned", lang))
        return
    book.table(ws, without, _spec([DISTRICT_SPEC[0], DISTRICT_SPEC[1],
                                   ("status", "status", "text"),
                                   ("problem", "region.column.problem", "text")], lang),
               row=row, freeze=False, autofilter=False)


def _district_total(frame: pd.DataFrame) -> dict:
    nums = _numbers(frame, SUMMED)
    planned = nums["objective"].notna()
    total = {k: float(nums[k].sum()) for k in SUMMED}
    for key in ("objective", "bound", "cost", "deprivations_before", "deprivations_removed"):
        total[key] = float(nums.loc[planned, key].sum())
    total["gap"] = relative_gap(total["objective"], total["bound"]) if planned.any() else None
    poor = float(nums.loc[planned, "poor_people"].sum())
    total["spending_per_poor_person"] = total["cost"] / poor if poor else None
    return total


def _meta_frame(plan, summary: Mapping, lang: str, note: str,
                day: date | None) -> pd.DataFrame:
    """The Meta rows (section, key, value): the data's status, the region, the scenario
    as run, the versions and provenance, the runs, the workbook's language and date."""
    rows: list[tuple[str, str, object]] = [("data", "data_status", note)]
    region = summary.get("region")
    if isinstance(region, Mapping):
        rows += [("region", k, v) for k, v in _flatten("", region)]
    generated = summary.get("generated")
    if generated:
        rows.append(("data", "generated", generated))
    scenario = summary.get("scenario")
    if isinstance(scenario, Mapping):
        rows += [("scenario", k, v) for k, v in _flatten("", scenario)]
    for top in ("provenance", "versions"):
        value = summary.get(top)
        if isinstance(value, Mapping):
            rows += [(top, k, v) for k, v in _flatten("", value)]
    rows += [("runs", k, v) for k, v in _flatten("", dict(plan.runs or {}))]
    rows += [("seconds", k, round(float(v), 3)) for k, v in sorted((plan.seconds or {}).items())]
    rows += [(words("block.workbook", "en"), "language", lang),
             (words("block.workbook", "en"), "run_date", day and day.isoformat())]
    return pd.DataFrame([(s, k, _plain(v)) for s, k, v in rows],
                        columns=["section", "key", "value"])


def region_workbook_bytes(plan, summary: Mapping, lang: str = "id", note: str = "", *,
                          created: datetime = CREATED, day: date | None = None) -> bytes:
    """The region's workbook as xlsx bytes (see the module). ``plan``: a
    :class:`~planning.analysis.region.RegionPlan`; ``summary``: what the run knows beside
    the plan, all optional: ``scenario`` (the scenario as run, a plain dict), ``region``
    (region.csv's row: code, name, level, status, seed), ``provinces`` (code -> name, or
    provinces.csv's records), ``generated`` (GENERATED.txt's first line),
    ``provenance`` and ``versions`` (dicts); ``note``: the data's status (the synthetic
    note) shown on every sheet. Same arguments, same bytes."""
    summary = dict(summary or {})
    day = run_date() if day is None else day
    note = note or "-"
    stamp = Stamp(warning=note, mark=note,
                  scenario=scenario_name(summary.get("scenario") or summary),
                  day=None if day is None else long_date(day, lang))
    book = _Book(lang, created, note, stamp)
    tables = region_sheets(plan, summary, lang)
    districts = tables["districts"]
    _summary_sheet(book, plan, summary, districts)

    ws = book.add(text("region.sheet.districts", lang))
    book.table(ws, districts, _spec(DISTRICT_SPEC, lang), row=TOP,
               total=_district_total(districts))

    provinces = tables["provinces"]
    ws = book.add(text("region.sheet.provinces", lang))
    total = _district_total(districts)
    total.update(districts=len(districts),
                 districts_planned=int(districts["objective"].notna().sum()))
    book.table(ws, provinces, _spec(PROVINCE_SPEC, lang), row=TOP, total=total)

    ws = book.add(text("region.sheet.curves", lang))
    book.table(ws, tables["curves"], _spec(CURVE_SPEC, lang), row=TOP)

    ws = book.add(ALLOCATION_SHEET[lang])
    allocation = tables["allocation"]
    book.table(ws, allocation, _spec(ALLOCATION_SPEC, lang), row=TOP, total={
        "cost": float(allocation["cost"].sum()) if len(allocation) else 0.0,
        "households_reached": float(allocation["households_reached"].sum())
        if len(allocation) else 0.0})

    meta = _meta_frame(plan, summary, lang, note, day)
    book.table(book.add(sheet("meta", lang)), meta,
               [("section", column("section", lang), "text"),
                ("key", column("key", lang), "text"),
                ("value", column("value", lang), "general")], row=TOP)
    return book.close()


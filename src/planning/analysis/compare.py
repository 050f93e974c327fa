"""Compare two results folders: what moved between plan A and plan B.

Only the files of the two folders are read (``allocation_plan.csv``,
``allocation_agencies.csv``, ``allocation_kecamatan.csv`` and ``summary.json``), so a
reviewer can compare any two runs, from any machine, without the data set.

The comparison, always B against A (change = B - A, money in juta Rp):

- ``villages``: per agency and village, whether the agency works there in A and in B
  (a plan row with units > 0), the status ``gained`` / ``lost`` / ``kept`` and the cost;
- ``agencies``: per agency, pagu and spending in A and B, the Rupiah moved and the number
  of villages gained and lost;
- ``kecamatan``: spending per kecamatan in A and B;
- ``programs``: per village and programme, units and cost in A and B, only where they
  differ;
- ``totals``: objective, deprivations removed (also per dimension), spending, pagu,
  counts, and whether both plans were made from the same input data (SHA-256 of every
  input file, from ``summary.json``).

Spending is summed from the plan rows, so the four tables always agree with each other.
Tables are sorted by their codes; every output is byte-identical on repeat.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from planning import i18n

PLAN = "allocation_plan.csv"
AGENCIES = "allocation_agencies.csv"
KECAMATAN = "allocation_kecamatan.csv"
SUMMARY = "summary.json"
FILES = {
    "villages": "compare_villages.csv",
    "agencies": "compare_agencies.csv",
    "kecamatan": "compare_kecamatan.csv",
    "programs": "compare_programs.csv",
}
SUMMARY_FILE = "compare_summary.json"
WORKBOOK_FILE = "compare.xlsx"
CREATED = datetime(2020, 1, 1)
"""The workbook's fixed creation date: the same comparison gives the same bytes."""
TOP = 5
"""How many of the largest Rupiah moves the console summary lists."""
EPS = 1e-9

# (text columns, number columns) each results file must have
_COLUMNS = {
    PLAN: (("village", "village_name", "kecamatan_code", "kecamatan", "program",
            "program_name", "agency"), ("units", "cost")),
    AGENCIES: (("agency", "agency_name"), ("pagu",)),
    KECAMATAN: (("kecamatan_code", "kecamatan"), ()),
}



MONEY = frozenset({"cost_a", "cost_b", "cost_change", "pagu_a", "pagu_b", "spending_a",
                   "spending_b", "spending_change", "moved"})
"""Columns in juta Rp."""


class CompareError(ValueError):
    """A results folder cannot be compared; the message names the folder, the file and
    what to do. ``str()`` is the English text, :meth:`render` gives either language."""

    def __init__(self, message: str, folder: Path, file: str = "", /, **params: object):
        self.message = message
        self.folder = Path(folder)
        self.file = file
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        params = dict(self.params)
        if "kind" in params:  # a word of the message's own language
            params["kind"] = i18n.text(f"compare.kind.{params['kind']}", lang)
        return i18n.text(self.message, lang, folder=self.folder.as_posix(), file=self.file,
                         **params)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Plan B against plan A; see the module docstring for the tables."""

    labels: tuple[str, str]
    folders: tuple[Path, Path]
    villages: pd.DataFrame
    agencies: pd.DataFrame
    kecamatan: pd.DataFrame
    programs: pd.DataFrame
    totals: dict

    @property
    def identical(self) -> bool:
        """True when the two plans hold the same units everywhere."""
        return self.programs.empty


@dataclass(frozen=True)
class SheetTable:
    """One table with localized headers, as it goes on a workbook sheet."""

    name: str
    frame: pd.DataFrame
    money: frozenset[str]
    """Headers of the columns in juta Rp."""
    money_rows: frozenset[int] = frozenset()
    """Positions (0-based) of the rows in juta Rp, where the rows hold different things."""


@dataclass(frozen=True, eq=False)
class _Results:
    """What one results folder holds, as far as the comparison needs it."""

    folder: Path
    plan: pd.DataFrame
    agencies: pd.DataFrame
    kecamatan: pd.DataFrame
    allocation: dict
    input_sha256: dict
    plan_sha256: str


# --- reading ---------------------------------------------------------------------------

def _read_table(folder: Path, name: str) -> pd.DataFrame:
    text_columns, number_columns = _COLUMNS[name]
    path = folder / name
    if not path.is_file():
        raise CompareError("compare.missing_file", folder, name)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            OSError) as exc:
        raise CompareError("compare.unreadable", folder, name, detail=_detail(exc)) from exc
    missing = [c for c in (*text_columns, *number_columns) if c not in frame.columns]
    if missing:
        raise CompareError("compare.missing_column", folder, name, columns=", ".join(missing))
    frame = frame[[*text_columns, *number_columns]].copy()
    for column in number_columns:
        values = pd.to_numeric(frame[column], errors="coerce").astype(float)
        bad = ~np.isfinite(values.to_numpy())
        if bad.any():
            row = int(bad.argmax())
            raise CompareError("compare.not_a_number", folder, name, row=row + 2,
                               column=column, value=frame[column].iloc[row])
        frame[column] = values
    return frame


def _detail(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _read_summary(folder: Path) -> tuple[dict, dict]:
    path = folder / SUMMARY
    if not path.is_file():
        raise CompareError("compare.missing_file", folder, SUMMARY)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, OSError) as exc:
        raise CompareError("compare.unreadable", folder, SUMMARY, detail=_detail(exc)) from exc

    def bad(key: str, kind: str) -> CompareError:
        return CompareError("compare.bad_key", folder, SUMMARY, name=key, kind=kind)

    if not isinstance(payload, dict):
        raise bad("allocation", "object")
    allocation, hashes = payload.get("allocation"), payload.get("input_sha256")
    if not isinstance(allocation, dict):
        raise bad("allocation", "object")
    if not isinstance(hashes, dict) or not all(isinstance(v, str) for v in hashes.values()):
        raise bad("input_sha256", "object")
    for key in ("objective", "deprivations_removed"):
        if not _is_number(allocation.get(key)):
            raise bad(f"allocation.{key}", "number")
    by_dimension = allocation.get("removed_by_dimension")
    if not isinstance(by_dimension, dict) or not all(
            _is_number(v) for v in by_dimension.values()):
        raise bad("allocation.removed_by_dimension", "object")
    return allocation, hashes


def _check_spending(folder: Path, plan: pd.DataFrame, allocation: dict) -> None:
    """CompareError when the plan's rows do not add up, per agency, to the spending
    summary.json records (``allocation.spending_by_agency``; within 0.05 juta Rp): rows
    lost from the plan file (cut at a row, deleted) are told, not compared as a plan."""
    recorded = allocation.get("spending_by_agency")
    if not isinstance(recorded, dict) or not all(_is_number(v) for v in recorded.values()):
        return  # an older summary without it: nothing to check against
    found = plan.groupby("agency")["cost"].sum()
    for agency in sorted(set(recorded) | set(found.index)):
        have, want = float(found.get(agency, 0.0)), float(recorded.get(agency, 0.0))
        if abs(have - want) > 0.05:
            raise CompareError("compare.plan_short", folder, PLAN, agency=agency,
                               plan=f"{have:,.1f}", summary=f"{want:,.1f}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(
        value)


def _read_results(folder: Path) -> _Results:
    folder = Path(folder)
    if not folder.is_dir():
        raise CompareError("compare.no_folder", folder)
    plan = _read_table(folder, PLAN)
    agencies = _read_table(folder, AGENCIES)
    kecamatan = _read_table(folder, KECAMATAN)
    allocation, hashes = _read_summary(folder)
    _check_spending(folder, plan, allocation)
    return _Results(folder=folder, plan=plan, agencies=agencies, kecamatan=kecamatan,
                    allocation=allocation, input_sha256=hashes,
                    plan_sha256=hashlib.sha256((folder / PLAN).read_bytes()).hexdigest())


# --- comparing -------------------------------------------------------------------------

def compare_folders(a: str | Path, b: str | Path,
                    labels: tuple[str, str] = ("A", "B")) -> Comparison:
    """Plan B (folder ``b``) against plan A (folder ``a``). Raises :class:`CompareError`
    when a folder or one of its files is missing or malformed."""
    ra, rb = _read_results(Path(a)), _read_results(Path(b))
    villages = _village_table(ra, rb)
    programs = _program_table(ra, rb)
    return Comparison(
        labels=(str(labels[0]), str(labels[1])), folders=(ra.folder, rb.folder),
        villages=villages, agencies=_agency_table(ra, rb, villages),
        kecamatan=_kecamatan_table(ra, rb), programs=programs,
        totals=_totals(ra, rb, villages, programs))


def _sums(plan: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return plan.groupby(keys, as_index=False, sort=True)[["units", "cost"]].sum()


def _side_by_side(a: pd.DataFrame, b: pd.DataFrame, keys: list[str],
                  values: list[str]) -> pd.DataFrame:
    """A's and B's ``values`` next to each other (suffixes _a and _b; absent = 0), one row
    per key in either, sorted by the keys."""
    merged = a[keys + values].merge(b[keys + values], on=keys, how="outer",
                                    suffixes=("_a", "_b"))
    for column in values:
        for side in ("_a", "_b"):
            merged[column + side] = merged[column + side].fillna(0.0).astype(float)
    return merged.sort_values(keys, kind="stable", ignore_index=True)


def _lookup(frames: list[pd.DataFrame], key: str, columns: list[str]) -> pd.DataFrame:
    """Names for codes, from the first frame that has the code (A before B)."""
    both = pd.concat([f[[key, *columns]] for f in frames], ignore_index=True)
    return both.drop_duplicates(key, keep="first")


def _change(frame: pd.DataFrame, name: str, a: str, b: str) -> pd.DataFrame:
    return frame.assign(**{name: (frame[b] - frame[a]).round(6)})


def _village_table(ra: _Results, rb: _Results) -> pd.DataFrame:
    keys = ["agency", "village"]
    pairs = _side_by_side(_sums(ra.plan, keys), _sums(rb.plan, keys), keys, ["units", "cost"])
    pairs["in_a"] = pairs["units_a"] > EPS
    pairs["in_b"] = pairs["units_b"] > EPS
    pairs = pairs[pairs["in_a"] | pairs["in_b"]]
    pairs["status"] = np.where(pairs["in_a"] & pairs["in_b"], "kept",
                               np.where(pairs["in_b"], "gained", "lost"))
    pairs = _change(pairs, "cost_change", "cost_a", "cost_b")
    places = _lookup([ra.plan, rb.plan], "village",
                     ["village_name", "kecamatan_code", "kecamatan"])
    names = _lookup([ra.agencies, rb.agencies], "agency", ["agency_name"])
    table = pairs.merge(names, on="agency", how="left").merge(places, on="village", how="left")
    columns = ["agency", "agency_name", "village", "village_name", "kecamatan_code",
               "kecamatan", "in_a", "in_b", "status", "cost_a", "cost_b", "cost_change"]
    return table[columns].fillna({"agency_name": ""}).reset_index(drop=True)


def _agency_table(ra: _Results, rb: _Results, villages: pd.DataFrame) -> pd.DataFrame:
    keys = ["agency"]
    pagu = _side_by_side(ra.agencies, rb.agencies, keys, ["pagu"])
    spending = _side_by_side(_sums(ra.plan, keys), _sums(rb.plan, keys), keys, ["cost"])
    spending = spending.rename(columns={"cost_a": "spending_a", "cost_b": "spending_b"})
    counts = villages.assign(gained=villages["status"] == "gained",
                             lost=villages["status"] == "lost").groupby("agency")[
        ["in_a", "in_b", "gained", "lost"]].sum().rename(
        columns={"in_a": "villages_a", "in_b": "villages_b"}).reset_index()
    table = pagu.merge(spending, on=keys, how="outer").merge(counts, on=keys, how="left")
    table = _change(table, "moved", "spending_a", "spending_b")
    table = table.merge(_lookup([ra.agencies, rb.agencies], "agency", ["agency_name"]),
                        on="agency", how="left")
    numbers = ["pagu_a", "pagu_b", "spending_a", "spending_b", "moved"]
    table[numbers] = table[numbers].fillna(0.0)
    whole = ["villages_a", "villages_b", "gained", "lost"]
    table[whole] = table[whole].fillna(0).astype(int)
    columns = ["agency", "agency_name", "pagu_a", "pagu_b", "spending_a", "spending_b",
               "moved", "villages_a", "villages_b", "gained", "lost"]
    return (table[columns].fillna({"agency_name": ""})
            .sort_values("agency", kind="stable", ignore_index=True))


def _kecamatan_table(ra: _Results, rb: _Results) -> pd.DataFrame:
    keys = ["kecamatan_code"]
    spending = _side_by_side(_sums(ra.plan, keys), _sums(rb.plan, keys), keys, ["cost"])
    spending = spending.rename(columns={"cost_a": "spending_a", "cost_b": "spending_b"})
    names = _lookup([ra.kecamatan, rb.kecamatan, ra.plan, rb.plan], "kecamatan_code",
                    ["kecamatan"])
    table = names.merge(spending, on=keys, how="left")
    table[["spending_a", "spending_b"]] = table[["spending_a", "spending_b"]].fillna(0.0)
    table = _change(table, "spending_change", "spending_a", "spending_b")
    return table.sort_values(keys, kind="stable", ignore_index=True)


def _program_table(ra: _Results, rb: _Results) -> pd.DataFrame:
    keys = ["village", "program"]
    rows = _side_by_side(_sums(ra.plan, keys), _sums(rb.plan, keys), keys, ["units", "cost"])
    rows = _change(_change(rows, "units_change", "units_a", "units_b"),
                   "cost_change", "cost_a", "cost_b")
    rows = rows[(rows["units_change"].abs() > EPS) | (rows["cost_change"].abs() > EPS)]
    places = _lookup([ra.plan, rb.plan], "village",
                     ["village_name", "kecamatan_code", "kecamatan"])
    programs = _lookup([ra.plan, rb.plan], "program", ["program_name", "agency"])
    table = rows.merge(places, on="village", how="left").merge(programs, on="program",
                                                               how="left")
    columns = ["village", "village_name", "kecamatan_code", "kecamatan", "agency", "program",
               "program_name", "units_a", "units_b", "units_change", "cost_a", "cost_b",
               "cost_change"]
    return table[columns].sort_values(keys, kind="stable", ignore_index=True)


def six_decimals(value: float) -> float:
    return round(float(value), 6)


def _pair(a: float, b: float) -> dict:
    return {"a": six_decimals(a), "b": six_decimals(b), "change": six_decimals(b - a)}


def _totals(ra: _Results, rb: _Results, villages: pd.DataFrame,
            programs: pd.DataFrame) -> dict:
    alloc_a, alloc_b = ra.allocation, rb.allocation
    dims_a, dims_b = alloc_a["removed_by_dimension"], alloc_b["removed_by_dimension"]
    hashes_a, hashes_b = ra.input_sha256, rb.input_sha256
    differing = sorted(f for f in set(hashes_a) | set(hashes_b)
                       if hashes_a.get(f) != hashes_b.get(f))
    status = villages["status"]
    return {
        "status": {"a": alloc_a.get("status"), "b": alloc_b.get("status")},
        "objective": _pair(alloc_a["objective"], alloc_b["objective"]),
        "deprivations_removed": _pair(alloc_a["deprivations_removed"],
                                      alloc_b["deprivations_removed"]),
        "removed_by_dimension": {d: _pair(dims_a.get(d, 0.0), dims_b.get(d, 0.0))
                                 for d in sorted(set(dims_a) | set(dims_b))},
        "spending": _pair(ra.plan["cost"].sum(), rb.plan["cost"].sum()),
        "pagu": _pair(ra.agencies["pagu"].sum(), rb.agencies["pagu"].sum()),
        "agency_villages": {"a": int(villages["in_a"].sum()), "b": int(villages["in_b"].sum()),
                            "change": int(villages["in_b"].sum() - villages["in_a"].sum())},
        "villages_gained": int((status == "gained").sum()),
        "villages_lost": int((status == "lost").sum()),
        "villages_kept": int((status == "kept").sum()),
        "program_rows_changed": len(programs),
        "same_input_data": not differing,
        "input_files_differing": differing,
        "plan_sha256": {"a": ra.plan_sha256, "b": rb.plan_sha256},
    }

"""Load a data set folder into typed tables, reporting every problem at once."""

from __future__ import annotations

import difflib
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from planning.data.checks import CROSS_TABLE_CHECKS, line
from planning.data.limits import LIMIT_CHECKS
from planning.data.problems import DataError, Problem, Report, problem
from planning.data.reading import read_table
from planning.data.schemas import (
    CODE_EXAMPLES,
    DURATION_COLUMN,
    TABLES,
    TableSpec,
)

#: optional files read for reports and checks, not by the model (validated all the same)
REFERENCE_FILES = tuple(spec.file for spec in TABLES if spec.reference)
#: the largest whole number a float holds exactly: integer columns are stored as int64
#: only below it (the plausibility limits report larger values)
EXACT_INTEGER = 2 ** 53
DEFAULT_DURATION = 1
"""A programme's duration (budget years one work takes) where programs.csv leaves it
blank or has no ``duration`` column."""


@dataclass(frozen=True)
class DataSet:
    """A validated data set: one typed table per file, plus provenance."""

    path: Path
    villages: pd.DataFrame
    kecamatan: pd.DataFrame
    indicators: pd.DataFrame
    indicator_metadata: pd.DataFrame
    groups: pd.DataFrame
    agencies: pd.DataFrame
    programs: pd.DataFrame
    rules: pd.DataFrame
    reference: dict[str, pd.DataFrame] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    @property
    def dimensions(self) -> pd.DataFrame:
        return self.groups[self.groups["kind"] == "dimension"].reset_index(drop=True)

    @property
    def sectors(self) -> pd.DataFrame:
        return self.groups[self.groups["kind"] == "sector"].reset_index(drop=True)

    def synthetic_indicators(self) -> list[str]:
        meta = self.indicator_metadata
        return meta.loc[meta["status"] == "synthetic", "indicator"].tolist()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path, report: Report, expected: list[str] = ()) -> pd.DataFrame | None:
    """Read a CSV as text (blank cells as missing); add every problem of the file to
    ``report`` (see :mod:`planning.data.reading`); None if it cannot be read."""
    frame, found = read_table(path, list(expected))
    report.extend(found)
    return frame


def check_statistics(schema: pa.DataFrameSchema, column: str, prefix: str) -> dict:
    col = schema.columns.get(column)
    for check in getattr(col, "checks", []):
        if check.name and prefix.startswith(check.name):
            return dict(check.statistics or {})
    return {}


def failure_problem(spec: TableSpec, schema, frame, row) -> Problem | None:
    """Translate one pandera failure case into a planner's message (None to skip)."""
    check = str(row["check"])
    col = row["column"] if isinstance(row["column"], str) else None
    index = row["index"]
    at = line(index) if index is not None and pd.notna(index) else None
    value = row["failure_case"]
    file = spec.file
    if check == "column_in_dataframe":
        guess = difflib.get_close_matches(str(value), list(frame.columns), n=1, cutoff=0.6)
        return problem(file, "missing_column", None, str(value), guess=guess[0] if guess else "")
    if at is None:
        return None  # a follow-on failure of a value that did not parse
    if check.startswith("coerce_dtype") or check.startswith("dtype("):
        return problem(file, "not_a_number", at, col, value=value)
    if check == "not_nullable":
        return problem(file, "empty_value", at, col)
    if col == DURATION_COLUMN:  # whole years, at least one: one message says both
        return problem(file, "bad_duration", at, col, value=_plain(value))
    if check.startswith("str_matches"):
        pattern = check_statistics(schema, col, "str_matches").get("pattern", "")
        pattern = getattr(pattern, "pattern", pattern)
        return problem(file, "bad_format", at, col, value=value, pattern=pattern,
                       example=CODE_EXAMPLES.get(pattern, "-"))
    if check.startswith("isin"):
        allowed = check_statistics(schema, col, "isin").get("allowed_values", [])
        shown = ", ".join(str(int(a)) if isinstance(a, float) else str(a) for a in allowed)
        return problem(file, "not_allowed", at, col, value=value, allowed=shown)
    if check.startswith("whole_number"):
        return problem(file, "not_an_integer", at, col, value=_plain(value))
    if check.startswith("greater_than_or_equal_to"):
        low = check_statistics(schema, col, "greater_than_or_equal_to").get("min_value", 0)
        if low == 0:
            return problem(file, "negative", at, col, value=_plain(value))
        return problem(file, "out_of_range", at, col, value=_plain(value), low=low, high="∞")
    if check.startswith("greater_than"):
        return problem(file, "not_positive", at, col, value=_plain(value))
    if check.startswith("in_range"):
        stats = check_statistics(schema, col, "in_range")
        return problem(file, "out_of_range", at, col, value=_plain(value),
                       low=stats.get("min_value"), high=stats.get("max_value"))
    return problem(file, "not_allowed", at, col, value=value, allowed=check)


def _plain(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:g}"


def not_finite(value) -> bool:
    """True for a cell that reads as inf or nan (``inf``, ``nan``, ``1e309``)."""
    if pd.isna(value):
        return False
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def nonfinite_problems(spec: TableSpec, frame: pd.DataFrame) -> list[Problem]:
    """One error per numeric cell that reads as infinite or not-a-number."""
    out = []
    for col in spec.numeric_columns(list(frame.columns)):
        for index in frame.index[frame[col].map(not_finite).astype(bool)]:
            out.append(problem(spec.file, "not_finite", line(index), col,
                               value=frame.at[index, col]))
    return out


def duplicate_problems(spec: TableSpec, frame: pd.DataFrame) -> list[Problem]:
    """One message per duplicated key, listing all its rows."""
    if spec.key is None or spec.key not in frame.columns:
        return []
    keys = frame[spec.key]
    dup = keys[keys.duplicated(keep=False) & keys.notna()]
    out = []
    for value, group in dup.groupby(dup, sort=True):
        rows = ", ".join(str(line(i)) for i in group.index)
        out.append(problem(spec.file, "duplicate", line(group.index[0]), spec.key,
                           value=value, rows=rows))
    return out


def validate_table(spec: TableSpec, frame: pd.DataFrame,
                   report: Report) -> pd.DataFrame | None:
    """Check one table against its schema; return it typed, or None if it has errors."""
    if frame.empty and not (spec.name in ("programs", "rules") or spec.reference):
        report.add(problem(spec.file, "empty_table"))
        return None
    found = nonfinite_problems(spec, frame) + duplicate_problems(spec, frame)
    named = {(p.row, p.column) for p in found}
    schema = spec.schema(list(frame.columns))
    try:
        typed = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        typed = None
        for case in err.failure_cases.to_dict("records"):
            if case["check"] == "field_uniqueness":
                continue
            failure = failure_problem(spec, schema, frame, case)
            if failure is not None and (failure.row, failure.column) not in named:
                found.append(failure)
    report.extend(found)
    if typed is None or found:
        return None
    for col in spec.integers:
        values = typed[col] if col in typed.columns else None
        if values is not None and values.notna().all() and values.abs().lt(EXACT_INTEGER).all():
            typed[col] = values.astype("int64")
    return typed


def read_tables(folder: Path, report: Report) -> dict[str, pd.DataFrame]:
    """Read every table of the folder as text, noting missing and unreadable files."""
    raw: dict[str, pd.DataFrame] = {}
    for spec in TABLES:
        path = folder / spec.file
        if not path.exists():
            if spec.required:
                report.add(problem(spec.file, "missing_file"))
            continue
        frame = read_csv(path, report, spec.expected_columns())
        if frame is not None:
            raw[spec.name] = frame
    return raw


def check_folder(folder: Path) -> tuple[Report, dict[str, pd.DataFrame],
                                        dict[str, pd.DataFrame]]:
    """The report, the tables as read (text) and the tables that passed their schema."""
    report = Report()
    if not folder.is_dir():
        report.add(problem(str(folder), "missing_folder"))
        return report, {}, {}
    raw = read_tables(folder, report)
    typed: dict[str, pd.DataFrame] = {}
    for spec in TABLES:
        if spec.name in raw:
            table = validate_table(spec, raw[spec.name], report)
            if table is not None:
                typed[spec.name] = table
    for check in CROSS_TABLE_CHECKS + LIMIT_CHECKS:
        report.extend(check(raw))
    return report, raw, typed


def validate_dataset(folder: str | Path) -> tuple[Report, dict[str, pd.DataFrame]]:
    """Check a data set folder; return the report and the tables that passed their schema."""
    report, _, typed = check_folder(Path(folder))
    return report, typed


def load_dataset(folder: str | Path) -> DataSet:
    """Load and validate a data set folder; raise :class:`DataError` listing every error."""
    folder = Path(folder)
    report, raw, typed = check_folder(folder)
    if not report.ok:
        raise DataError(str(folder), report)
    rules = typed.get("rules")
    if rules is None:
        rules = pd.DataFrame(columns=["rule", "program_a", "program_b", "bonus", "status"])
    files = sorted(p for p in folder.glob("*.csv") if p.is_file())
    reference = {spec.file: raw[spec.name].fillna("").reset_index(drop=True)
                 for spec in TABLES if spec.reference and spec.name in raw}
    return DataSet(
        path=folder,
        villages=_sorted(typed["villages"], "code"),
        kecamatan=_sorted(typed["kecamatan"], "code"),
        indicators=_sorted(typed["indicators"], "code"),
        indicator_metadata=typed["indicator_metadata"].reset_index(drop=True),
        groups=typed["groups"].reset_index(drop=True),
        agencies=typed["agencies"].reset_index(drop=True),
        programs=with_duration(typed["programs"]).reset_index(drop=True),
        rules=rules.reset_index(drop=True),
        reference=reference,
        file_hashes={p.name: sha256(p) for p in files},
        warnings=tuple(report.warnings),
    )


def with_duration(programs: pd.DataFrame) -> pd.DataFrame:
    """``programs`` with a whole-number ``duration`` column (budget years one work takes):
    as given, :data:`DEFAULT_DURATION` where blank or where the column is absent."""
    given = programs["duration"] if "duration" in programs.columns else pd.Series(
        float("nan"), index=programs.index)
    return programs.assign(duration=given.fillna(DEFAULT_DURATION).astype("int64"))


def _sorted(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


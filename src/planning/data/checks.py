"""Cross-table rules of a data set: keys that must exist elsewhere, counts that must agree.

Every function takes the tables as read (strings where a value did not parse), yields
:class:`~planning.data.problems.Problem` objects and never raises on bad values, so that a
planner sees every problem of every file at once.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from planning.data.problems import Problem, problem

Tables = dict[str, pd.DataFrame]


def line(index: int) -> int:
    """Spreadsheet row of a data row (the header is row 1)."""
    return int(index) + 2


def listing(values, limit: int = 12) -> str:
    values = sorted({str(v) for v in values if pd.notna(v)})
    more = f", … (+{len(values) - limit})" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


def column(tables: Tables, table: str, name: str) -> pd.Series:
    frame = tables.get(table)
    if frame is None or name not in frame.columns:
        return pd.Series(dtype=object)
    return frame[name]


def numbers(series: pd.Series) -> pd.Series:
    """Values as floats; text, blanks, inf and nan as missing (the schemas report them)."""
    values = pd.to_numeric(series, errors="coerce")
    return values.where(np.isfinite(values))


def references(tables: Tables, table: str, col: str, target: set, key: str,
               file: str, allowed: str, optional: bool = False) -> Iterator[Problem]:
    """Each value of ``table.col`` must be in ``target`` (blank allowed when optional)."""
    for index, value in column(tables, table, col).items():
        if pd.isna(value):
            continue
        if str(value) not in target:
            yield problem(file, key, line(index), col, value=value, allowed=allowed)


def check_villages(tables: Tables) -> Iterator[Problem]:
    """Villages belong to known kecamatan; codes start with the kecamatan code;
    kecamatan.csv counts of desa and kelurahan agree with villages.csv."""
    kec_codes = set(column(tables, "kecamatan", "code").dropna().astype(str))
    if not kec_codes:
        return
    yield from references(tables, "villages", "kecamatan_code", kec_codes, "unknown_kecamatan",
                          "villages.csv", listing(kec_codes))
    villages = tables.get("villages")
    if villages is None or villages.empty or not {"code", "kecamatan_code"} <= set(
            villages.columns):
        return  # an empty villages.csv is reported as such, not once per kecamatan
    for index, row in villages.iterrows():
        code, kec = str(row["code"]), str(row["kecamatan_code"])
        if kec in kec_codes and not code.startswith(kec + "."):
            yield problem("villages.csv", "code_kecamatan_mismatch", line(index), "code",
                          value=code, kecamatan=kec)
    if "type" not in villages.columns:
        return
    kecamatan = tables["kecamatan"]
    for index, row in kecamatan.iterrows():
        here = villages[villages["kecamatan_code"].astype(str) == str(row["code"])]
        for kind, col in (("desa", "n_desa"), ("kelurahan", "n_kelurahan")):
            expected = numbers(pd.Series([row.get(col)])).iloc[0]
            found = int((here["type"] == kind).sum())
            if pd.notna(expected) and int(expected) != found:
                yield problem("kecamatan.csv", "count_mismatch", line(index), col,
                              expected=int(expected), found=found, what=kind)


def check_indicators(tables: Tables) -> Iterator[Problem]:
    """One indicator row per village, and nothing else."""
    villages = tables.get("villages")
    if villages is None or villages.empty or "code" not in villages.columns \
            or tables.get("indicators") is None:
        return
    known = set(villages["code"].dropna().astype(str))
    codes = column(tables, "indicators", "code")
    yield from references(tables, "indicators", "code", known, "unknown_village",
                          "indicators.csv", "")
    present = set(codes.dropna().astype(str))
    names = dict(zip(villages["code"].astype(str), villages.get("name", villages["code"]),
                     strict=True))
    for code in sorted(known - present):
        yield problem("indicators.csv", "missing_village_row", None, "code", value=code,
                      name=names.get(code, ""))


def indicator_columns(tables: Tables) -> list[str]:
    frame = tables.get("indicators")
    return [] if frame is None else [c for c in frame.columns if c != "code"]


def check_metadata(tables: Tables) -> Iterator[Problem]:
    """Every indicator column is described once; groups, kinds and denominators exist."""
    meta = tables.get("indicator_metadata")
    cols = indicator_columns(tables)
    if meta is None or "indicator" not in meta.columns:
        return
    described = set(meta["indicator"].dropna().astype(str))
    for name in cols:
        if name not in described:
            yield problem("indicator_metadata.csv", "missing_metadata", None, "indicator",
                          value=name)
    groups = tables.get("groups")
    kinds = {}
    if groups is not None and {"group", "kind"} <= set(groups.columns):
        kinds = dict(zip(groups["group"].astype(str), groups["kind"].astype(str), strict=True))
    wanted = {"deprivation": "dimension", "potential": "sector"}
    denominators = set(cols) | {"area_km2"}
    for index, row in meta.iterrows():
        name = str(row["indicator"])
        if tables.get("indicators") is not None and name not in cols:
            yield problem("indicator_metadata.csv", "metadata_without_column", line(index),
                          "indicator", value=name)
        kind, group = row.get("kind"), row.get("group")
        if kind in wanted and kinds:
            if pd.isna(group):
                yield problem("indicator_metadata.csv", "missing_group", line(index), "group",
                              kind=kind)
            elif kinds.get(str(group)) != wanted[kind]:
                allowed = listing(g for g, k in kinds.items() if k == wanted[kind])
                yield problem("indicator_metadata.csv", "unknown_group", line(index), "group",
                              value=group, kind=wanted[kind], allowed=allowed)
        denominator = row.get("denominator")
        if pd.notna(denominator) and cols and str(denominator) not in denominators:
            yield problem("indicator_metadata.csv", "unknown_denominator", line(index),
                          "denominator", value=denominator, allowed=listing(denominators))


def check_groups(tables: Tables) -> Iterator[Problem]:
    """Each poverty dimension names the indicator that counts its deprived units."""
    groups = tables.get("groups")
    cols = indicator_columns(tables)
    if groups is None or not {"group", "kind", "count_indicator"} <= set(groups.columns):
        return
    for index, row in groups.iterrows():
        if row["kind"] != "dimension":
            continue
        if pd.isna(row["count_indicator"]):
            yield problem("groups.csv", "missing_count_indicator", line(index),
                          "count_indicator", value=row["group"])
        elif cols and str(row["count_indicator"]) not in cols:
            yield problem("groups.csv", "unknown_indicator", line(index), "count_indicator",
                          value=row["count_indicator"], allowed=listing(cols))


#: counts that never exceed another count of the same row: table -> (count, base) pairs
WITHIN_ROW = {
    "indicators": (("households", "population"), ("poor_people", "population")),
    "calibration": (("poor_people_target", "population_target"),),
}
#: an indicators.csv column counted in this unit never exceeds this column of its village
UNIT_BASES = {"households": "households", "persons": "population", "children": "population"}


def unit_word(unit) -> str:
    """The first word of a unit, lower case ("percent of area" -> "percent"; blank -> "")."""
    words = "" if pd.isna(unit) else str(unit).strip().lower()
    return words.split()[0] if words else ""


def indicator_units(tables: Tables) -> dict[str, str]:
    """The unit word (see :func:`unit_word`) of each indicator in indicator_metadata.csv."""
    meta = tables.get("indicator_metadata")
    if meta is None or not {"indicator", "unit"} <= set(meta.columns):
        return {}
    return {str(k): unit_word(u) for k, u in zip(meta["indicator"], meta["unit"],
                                                 strict=True)}


def count_pairs(tables: Tables) -> list[tuple[str, str]]:
    """(count, base) pairs of indicators.csv: the fixed pairs of :data:`WITHIN_ROW`, a
    deprivation count within its denominator, every count of households within the
    households and of persons or children within the population."""
    pairs = list(WITHIN_ROW["indicators"])
    meta = tables.get("indicator_metadata")
    if meta is not None and {"indicator", "kind", "denominator"} <= set(meta.columns):
        deprived = meta[(meta["kind"] == "deprivation") & meta["denominator"].notna()]
        pairs += zip(deprived["indicator"].astype(str), deprived["denominator"].astype(str),
                     strict=True)
    pairs += [(name, UNIT_BASES[unit]) for name, unit in indicator_units(tables).items()
              if unit in UNIT_BASES]
    return [(count, base) for count, base in dict.fromkeys(pairs) if count != base]


def exceeding(file: str, frame: pd.DataFrame, pairs) -> Iterator[Problem]:
    """One error per cell of a count above its base in the same row (the first base it
    exceeds)."""
    named: set[tuple[int, str]] = set()
    for count, base in pairs:
        if count not in frame.columns or base not in frame.columns:
            continue
        denominator = numbers(frame[base])
        over = (numbers(frame[count]) > denominator) & (denominator >= 0)
        for index in frame.index[over.fillna(False)]:
            if (index, count) in named:
                continue
            named.add((index, count))
            yield problem(file, "count_exceeds_base", line(index), count, value=count,
                          count_value=frame.at[index, count], base=base,
                          base_value=frame.at[index, base])


def check_counts(tables: Tables) -> Iterator[Problem]:
    """A count never exceeds what it counts within: deprivations their denominator,
    households the population, poor people the population (see :func:`count_pairs`),
    the calibration's poor people its population."""
    frame = tables.get("indicators")
    if frame is not None:
        yield from exceeding("indicators.csv", frame, count_pairs(tables))
    calibration = tables.get("calibration")
    if calibration is not None:
        yield from exceeding("calibration.csv", calibration, WITHIN_ROW["calibration"])


def check_programs(tables: Tables) -> Iterator[Problem]:
    """Programmes belong to known agencies, dimensions, sectors and need indicators;
    their unit bounds are in order; the catalogue is not empty."""
    programs = tables.get("programs")
    if programs is None:
        return
    if programs.empty:
        yield problem("programs.csv", "empty_catalogue")
        return
    agencies = set(column(tables, "agencies", "code").dropna().astype(str))
    groups = tables.get("groups")
    dims, sectors = set(), set()
    if groups is not None and {"group", "kind"} <= set(groups.columns):
        dims = set(groups.loc[groups["kind"] == "dimension", "group"].astype(str))
        sectors = set(groups.loc[groups["kind"] == "sector", "group"].astype(str))
    file = "programs.csv"
    if tables.get("agencies") is not None:
        yield from references(tables, "programs", "agency", agencies, "unknown_agency", file,
                              listing(agencies))
    if dims:
        yield from references(tables, "programs", "dimension", dims, "unknown_dimension", file,
                              listing(dims))
        yield from references(tables, "programs", "sector", sectors, "unknown_sector", file,
                              listing(sectors))
    cols = indicator_columns(tables)
    if cols:
        yield from references(tables, "programs", "need_indicator", set(cols),
                              "unknown_indicator", file, listing(cols))
    low, high = numbers(column(tables, "programs", "min_units")), numbers(
        column(tables, "programs", "max_units"))
    inverted = (low > high) if {"min_units", "max_units"} <= set(programs.columns) else \
        pd.Series(False, index=programs.index)  # a missing column: the schema says so
    for index in programs.index[inverted.reindex(programs.index, fill_value=False)]:
        yield problem(file, "bounds_inverted", line(index), "min_units",
                      low=programs.at[index, "min_units"], high=programs.at[index, "max_units"])
    if {"min_potential", "sector"} <= set(programs.columns):
        lonely = programs["min_potential"].notna() & programs["sector"].isna()
        for index in programs.index[lonely]:
            yield problem(file, "potential_without_sector", line(index), "min_potential")


def check_agencies(tables: Tables) -> Iterator[Problem]:
    """An agency without programmes is allowed, but its budget would stay unused."""
    agencies, programs = tables.get("agencies"), tables.get("programs")
    if agencies is None or programs is None or "agency" not in programs.columns:
        return
    owners = set(programs["agency"].dropna().astype(str))
    for index, code in agencies.get("code", pd.Series(dtype=object)).items():
        if pd.notna(code) and str(code) not in owners:
            yield problem("agencies.csv", "agency_without_programs", line(index), "code",
                          severity="warning", value=code)


def check_rules(tables: Tables) -> Iterator[Problem]:
    """Rules link two different, known programmes; synergies carry a bonus."""
    rules = tables.get("rules")
    if rules is None:
        return
    programs = set(column(tables, "programs", "code").dropna().astype(str))
    if programs:  # an unreadable programs.csv is reported as such, not once per rule
        for col in ("program_a", "program_b"):
            yield from references(tables, "rules", col, programs, "unknown_program",
                                  "rules.csv", "")
    if not {"program_a", "program_b"} <= set(rules.columns):
        return
    for index, row in rules.iterrows():
        if pd.notna(row["program_a"]) and row["program_a"] == row["program_b"]:
            yield problem("rules.csv", "self_rule", line(index), "program_b",
                          value=row["program_a"])
        if row.get("rule") == "synergy" and pd.isna(row.get("bonus")):
            yield problem("rules.csv", "synergy_without_bonus", line(index), "bonus")


def check_reference(tables: Tables) -> Iterator[Problem]:
    """The reference files name known villages and kecamatan: the 2020 focus villages by
    village code and kecamatan name, the calibration by kecamatan or district code."""
    codes = set(column(tables, "villages", "code").dropna().astype(str))
    if codes and tables.get("focus_villages_2020") is not None:
        yield from references(tables, "focus_villages_2020", "code", codes,
                              "unknown_village", "focus_villages_2020.csv", "")
    names = set(column(tables, "kecamatan", "name").dropna().astype(str))
    if names:
        yield from references(tables, "focus_villages_2020", "kecamatan", names,
                              "unknown_kecamatan_name", "focus_villages_2020.csv",
                              listing(names))
    kecamatan = set(column(tables, "kecamatan", "code").dropna().astype(str))
    if kecamatan:
        areas = kecamatan | {code.rsplit(".", 1)[0] for code in kecamatan}
        yield from references(tables, "calibration", "kecamatan_code", areas,
                              "unknown_kecamatan", "calibration.csv", listing(areas))


CROSS_TABLE_CHECKS = (
    check_villages,
    check_indicators,
    check_metadata,
    check_groups,
    check_counts,
    check_programs,
    check_agencies,
    check_rules,
    check_reference,
)

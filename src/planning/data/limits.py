"""Plausibility limits: every number of a data set must be one a district could have.

The schemas check types, signs and fixed ranges; these checks catch values that parse
but cannot be right (1e300 households, a pagu typed in Rupiah instead of juta Rp, a
percentage above 100), each named by file, row and column with the limit and why, so
that a typo never silently changes a plan. ``data/README.md`` lists the same limits.
Values above a limit are errors; :func:`check_area` warns where a value is odd but
possible.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from planning.data.checks import Tables, indicator_units, line, numbers, unit_word
from planning.data.problems import Amount, Phrase, Problem, problem
from planning.data.schemas import TABLES


@dataclass(frozen=True)
class Limit:
    """The largest plausible value of a column, its unit as shown, and why (a message)."""

    high: float
    why: str
    unit: str = ""


#: juta Rp (Rp 10 triliun): more than a kabupaten's whole yearly budget (APBD)
BUDGET = Limit(10_000_000, "limit.budget", " juta Rp")
#: people, households, children, animals or things counted in one village
VILLAGE_COUNT = Limit(1_000_000, "limit.village_count")
#: people in a kecamatan, a district or a province (more than live in Indonesia)
PEOPLE = Limit(300_000_000, "limit.people")
#: villages, hamlets (Indonesia has about 84,000 desa and kelurahan)
VILLAGES = Limit(100_000, "limit.villages")
#: units of one programme in one village
UNITS = Limit(100_000, "limit.units")
#: larger than the largest kabupaten (Merauke, about 46,800 km²)
AREA_KM2 = Limit(50_000, "limit.area", " km²")
AREA_HA = Limit(5_000_000, "limit.area", " ha")
#: farther than any two places of one district
DISTANCE = Limit(1_000, "limit.distance", " km")
PERCENT = Limit(100, "limit.percent", " %")
#: a programme's depth: value per beneficiary relative to the reference programme (1)
DEPTH = Limit(10, "limit.depth")
#: budget years one work of a programme takes: at most a multi-year plan's longest horizon
DURATION = Limit(10, "limit.duration")
#: anything else in one village (an indicator of a unit not listed in INDICATOR_UNITS)
ANY = Limit(1_000_000_000, "limit.any")

#: limits of the fixed columns: file -> column -> limit
COLUMN_LIMITS: dict[str, dict[str, Limit]] = {
    "villages.csv": {"area_km2": AREA_KM2},
    "kecamatan.csv": {
        "area_km2": AREA_KM2, "n_desa": VILLAGES, "n_kelurahan": VILLAGES,
        "n_dusun_2016": VILLAGES, "n_lingkungan_2016": VILLAGES,
        "n_desa_adat_2016": VILLAGES, "n_poor_villages_2012": VILLAGES,
        "n_coastal_villages": VILLAGES, "population_dukcapil_2024s2": PEOPLE,
        "population_dukcapil_2025s1": PEOPLE, "clove_area_ha_2017": AREA_HA},
    "agencies.csv": {"pagu": BUDGET},
    "programs.csv": {
        "unit_cost": BUDGET, "fixed_cost": BUDGET, "beneficiaries_per_unit": VILLAGE_COUNT,
        "min_units": UNITS, "max_units": UNITS, "max_villages": VILLAGES,
        "depth": DEPTH, "duration": DURATION},
    "calibration.csv": {"population_target": PEOPLE, "poor_people_target": PEOPLE,
                        "clove_ha_target": AREA_HA},
    "poverty_series.csv": {"n_poor": PEOPLE},
}
#: limits of indicators.csv columns by the first word of their unit in the metadata
#: (see :func:`planning.data.checks.unit_word`)
INDICATOR_UNITS: dict[str, Limit] = {
    "persons": VILLAGE_COUNT, "households": VILLAGE_COUNT, "children": VILLAGE_COUNT,
    "head": VILLAGE_COUNT, "count": VILLAGE_COUNT, "ha": AREA_HA, "km²": AREA_KM2,
    "km2": AREA_KM2, "km": DISTANCE, "percent": PERCENT, "%": PERCENT,
}
#: indicators counted in people or households whatever their stated unit
COUNTED = ("population", "households")
#: limits of district_facts.csv values by the first word of their unit
FACT_UNITS: dict[str, Limit] = {"percent": PERCENT, "%": PERCENT}


def above(file: str, frame: pd.DataFrame, name: str, limit: Limit,
          rows: pd.Index | None = None) -> Iterator[Problem]:
    """One error per value of ``frame[name]`` (in ``rows``, default all) above ``limit``."""
    values = numbers(frame[name])
    over = values > limit.high
    if rows is not None:
        over &= values.index.isin(rows)
    for index in frame.index[over]:
        yield problem(file, "above_limit", line(index), name, value=frame.at[index, name],
                      limit=Amount(limit.high), unit=limit.unit, why=Phrase(limit.why))


def check_columns(tables: Tables) -> Iterator[Problem]:
    """Every fixed column with a limit in :data:`COLUMN_LIMITS`."""
    files = {spec.file: tables.get(spec.name) for spec in TABLES}
    for file, limits in COLUMN_LIMITS.items():
        frame = files.get(file)
        for name, limit in limits.items():
            if frame is not None and name in frame.columns:
                yield from above(file, frame, name, limit)


def check_indicators(tables: Tables) -> Iterator[Problem]:
    """Every indicators.csv column against the limit of its unit (:data:`ANY` for a unit
    not listed; people and households are always counts of one village)."""
    frame = tables.get("indicators")
    if frame is None:
        return
    units = indicator_units(tables)
    for name in frame.columns:
        if name == "code":
            continue
        limit = VILLAGE_COUNT if name in COUNTED else INDICATOR_UNITS.get(
            units.get(name, ""), ANY)
        yield from above("indicators.csv", frame, name, limit)


def check_facts(tables: Tables) -> Iterator[Problem]:
    """district_facts.csv values whose unit has a limit (percentages)."""
    frame = tables.get("district_facts")
    if frame is None or not {"value", "unit"} <= set(frame.columns):
        return
    words = frame["unit"].map(unit_word)
    for word, limit in FACT_UNITS.items():
        yield from above("district_facts.csv", frame, "value", limit,
                         frame.index[words == word])


def check_area(tables: Tables) -> Iterator[Problem]:
    """Warn where a village has more hectares of something than its whole area
    (``area_km2`` × 100): odd, but the polygon area is approximate."""
    frame, villages = tables.get("indicators"), tables.get("villages")
    if frame is None or villages is None or not {"code", "area_km2"} <= set(villages.columns) \
            or "code" not in frame.columns:
        return
    area = numbers(villages.drop_duplicates("code").set_index("code")["area_km2"]) * 100
    village_area = frame["code"].map(area)
    for name, unit in indicator_units(tables).items():
        if unit != "ha" or name not in frame.columns:
            continue
        over = numbers(frame[name]) > village_area
        for index in frame.index[over.fillna(False)]:
            yield problem("indicators.csv", "area_exceeds_village", line(index), name,
                          severity="warning", value=frame.at[index, name],
                          area=f"{village_area[index]:g}")


def check_program_cost(tables: Tables) -> Iterator[Problem]:
    """Warn where the smallest run of a programme (fixed cost + min_units × unit cost)
    costs more than its agency's pagu: it can never be chosen."""
    programs, agencies = tables.get("programs"), tables.get("agencies")
    needed = {"agency", "unit_cost", "fixed_cost", "min_units"}
    if programs is None or agencies is None or not needed <= set(programs.columns) \
            or not {"code", "pagu"} <= set(agencies.columns):
        return
    pagu = numbers(agencies.drop_duplicates("code").set_index("code")["pagu"])
    smallest = numbers(programs["fixed_cost"]) + numbers(programs["min_units"]) * numbers(
        programs["unit_cost"])
    budget = programs["agency"].map(pagu)
    for index in programs.index[(smallest > budget).fillna(False)]:
        yield problem("programs.csv", "program_above_pagu", line(index), "unit_cost",
                      severity="warning", cost=f"{smallest[index]:g}",
                      agency=programs.at[index, "agency"], pagu=f"{budget[index]:g}")


LIMIT_CHECKS = (check_columns, check_indicators, check_facts, check_area, check_program_cost)

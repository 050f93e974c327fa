"""Declared schemas (pandera) of every table of a data set folder.

Each table is one CSV file; ``data/README.md`` documents the same columns for planners.
Schemas check one table at a time (types, ranges, allowed values, unique keys);
cross-table rules live in :mod:`planning.data.checks`, plausible upper limits in
:mod:`planning.data.limits`, and what can go wrong in the file itself (encoding,
separator, header, quotes) in :mod:`planning.data.reading`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

VILLAGE_CODE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
KECAMATAN_CODE = r"^\d{2}\.\d{2}\.\d{2}$"
AREA_CODE = r"^\d{2}\.\d{2}(\.\d{2})?$"  # a kecamatan, or the district (51.08)
PROGRAM_CODE = r"^[A-Z0-9][A-Z0-9_-]*$"
CODE_EXAMPLES = {
    VILLAGE_CODE: "51.08.01.2001",
    KECAMATAN_CODE: "51.08.01",
    AREA_CODE: "51.08.01 (kecamatan), 51.08 (kabupaten)",
    PROGRAM_CODE: "PUTR-PAMSIMAS",
}
#: years a reference figure can be about
YEARS = (1900, 2100)
STATUS = ["real", "derived", "synthetic", "assumption"]
COST_STATUS = ["real", "derived", "assumption"]
INDICATOR_KINDS = ["base", "deprivation", "potential"]
GROUP_KINDS = ["dimension", "sector"]
RULE_KINDS = ["requires", "excludes", "synergy"]
REQUIRED_INDICATORS = ["population", "households"]


def text_col(*checks: pa.Check, required: bool = True, nullable: bool = False,
             unique: bool = False) -> pa.Column:
    return pa.Column(str, list(checks), required=required, nullable=nullable, unique=unique)


def code_col(pattern: str, unique: bool = False, nullable: bool = False) -> pa.Column:
    return text_col(pa.Check.str_matches(pattern), unique=unique, nullable=nullable)


WHOLE_NUMBER = "whole_number"
DURATION_COLUMN = "duration"
"""programs.csv's optional column of the budget years one work takes (see the loader)."""


def whole_number() -> pa.Check:
    """Element-wise: the value is a whole number (3 and 3.0 pass, 1.5 fails)."""
    return pa.Check(lambda s: s % 1 == 0, element_wise=False, name=WHOLE_NUMBER,
                    ignore_na=True)


def choice_col(allowed: list, numeric: bool = False, nullable: bool = False) -> pa.Column:
    """A column whose values must be one of ``allowed`` (numbers read as floats)."""
    return pa.Column(float if numeric else str, pa.Check.isin(allowed), nullable=nullable)


def number_col(low: float | None = 0, high: float | None = None, *, whole: bool = False,
               required: bool = True, nullable: bool = False,
               strictly_positive: bool = False) -> pa.Column:
    """A numeric column read as float; ``whole`` adds a whole-number check (the loader
    then stores it as an integer column). The loader also rejects inf and nan in every
    numeric column; plausible upper limits live in :mod:`planning.data.limits`."""
    checks = [whole_number()] if whole else []
    if strictly_positive:
        checks.append(pa.Check.gt(0))
    elif low is not None and high is not None:
        checks.append(pa.Check.in_range(low, high))
    elif low is not None:
        checks.append(pa.Check.ge(low))
    return pa.Column(float, checks, required=required, nullable=nullable)


def villages_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "code": code_col(VILLAGE_CODE, unique=True),
        "name": text_col(),
        "kecamatan_code": code_col(KECAMATAN_CODE),
        "kecamatan": text_col(),
        "type": choice_col(["desa", "kelurahan"]),
        "bps_code": text_col(required=False, nullable=True),
        "lat": number_col(-11.5, 6.5),
        "lon": number_col(94.0, 141.5),
        "area_km2": number_col(strictly_positive=True),
        "coastal": choice_col([0, 1], numeric=True),
        "name_variants": text_col(required=False, nullable=True),
    }, coerce=True, strict=False)


def kecamatan_schema(columns=None) -> pa.DataFrameSchema:
    optional = {name: number_col(required=False, nullable=True) for name in (
        "n_dusun_2016", "n_lingkungan_2016", "n_desa_adat_2016",
        "population_dukcapil_2024s2", "population_dukcapil_2025s1", "n_poor_villages_2012",
        "clove_area_ha_2017", "n_coastal_villages")}
    return pa.DataFrameSchema({
        "code": code_col(KECAMATAN_CODE, unique=True),
        "bps_code": text_col(required=False, nullable=True),
        "name": text_col(),
        "n_desa": number_col(whole=True),
        "n_kelurahan": number_col(whole=True),
        "area_km2": number_col(strictly_positive=True),
        **optional,
        "lat": number_col(-11.5, 6.5, required=False, nullable=True),
        "lon": number_col(94.0, 141.5, required=False, nullable=True),
    }, coerce=True, strict=False)


def indicators_schema(columns=None) -> pa.DataFrameSchema:
    """Village code plus any number of indicator columns, all numbers >= 0."""
    names = [c for c in (columns or []) if c != "code"]
    spec = {"code": code_col(VILLAGE_CODE, unique=True)}
    for name in dict.fromkeys(REQUIRED_INDICATORS + names):
        spec[name] = number_col()
    return pa.DataFrameSchema(spec, coerce=True, strict=False)


def indicator_metadata_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "indicator": text_col(unique=True),
        "label_id": text_col(),
        "label_en": text_col(),
        "kind": choice_col(INDICATOR_KINDS),
        "group": text_col(nullable=True),
        "direction": choice_col([1, -1], numeric=True),
        "unit": text_col(),
        "denominator": text_col(nullable=True),
        "status": choice_col(STATUS),
        "source": text_col(),
    }, coerce=True, strict=False)


def groups_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "group": text_col(unique=True),
        "kind": choice_col(GROUP_KINDS),
        "label_id": text_col(),
        "label_en": text_col(),
        "count_indicator": text_col(nullable=True),
        "description": text_col(required=False, nullable=True),
    }, coerce=True, strict=False)


def agencies_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "code": code_col(PROGRAM_CODE, unique=True),
        "name": text_col(),
        "short_name": text_col(),
        "funding": text_col(required=False, nullable=True),
        "pagu": number_col(),
        "pagu_status": choice_col(STATUS),
        "note": text_col(required=False, nullable=True),
        "source_url": text_col(required=False, nullable=True),
    }, coerce=True, strict=False)


def programs_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "code": code_col(PROGRAM_CODE, unique=True),
        "name_id": text_col(),
        "name_en": text_col(),
        "agency": text_col(),
        "dimension": text_col(),
        "sector": text_col(nullable=True),
        "unit_id": text_col(),
        "unit_en": text_col(),
        # every unit costs something: a free unit would be bought up to max_units
        "unit_cost": number_col(strictly_positive=True),
        "fixed_cost": number_col(),
        "beneficiaries_per_unit": number_col(strictly_positive=True),
        "min_units": number_col(whole=True),
        "max_units": number_col(1, None, whole=True),
        "need_indicator": text_col(),
        "min_potential": number_col(0, 1, nullable=True),
        "max_villages": number_col(1, None, whole=True, nullable=True),
        # value per beneficiary relative to 1 (a rebuilt house); blank or absent: 1
        "depth": number_col(strictly_positive=True, required=False, nullable=True),
        # whole budget years one work takes (a water system built over two years), >= 1;
        # blank or absent: 1 (the loader fills it)
        DURATION_COLUMN: number_col(1, None, whole=True, required=False, nullable=True),
        "cost_status": choice_col(COST_STATUS),
        "cost_source": text_col(nullable=True),
        "assumptions": text_col(nullable=True),
    }, coerce=True, strict=False)


def rules_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "rule": choice_col(RULE_KINDS),
        "program_a": text_col(),
        "program_b": text_col(),
        "bonus": number_col(0, 1, nullable=True),  # a share: 0.10 = 10 %, at most 100 %
        "reason_id": text_col(required=False, nullable=True),
        "reason_en": text_col(required=False, nullable=True),
        "status": choice_col(STATUS),
    }, coerce=True, strict=False)


def focus_villages_2020_schema(columns=None) -> pa.DataFrameSchema:
    """The real 2020 focus villages; ``code`` is blank where the village is not known."""
    return pa.DataFrameSchema({
        "kecamatan": text_col(),
        "name_in_source": text_col(required=False, nullable=True),
        "code": code_col(VILLAGE_CODE, nullable=True),
        "name_kemendagri": text_col(required=False, nullable=True),
        "status": text_col(),
        "evidence": text_col(required=False, nullable=True),
    }, coerce=True, strict=False)


def district_facts_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "metric": text_col(),
        "value": number_col(None),  # a growth rate may be negative
        "unit": text_col(),
        "year": number_col(*YEARS, whole=True, nullable=True),
        "source": text_col(),
        "note": text_col(required=False, nullable=True),
    }, coerce=True, strict=False)


def poverty_series_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "area": text_col(),
        "year": number_col(*YEARS, whole=True),
        "period": text_col(required=False, nullable=True),
        "pct_poor": number_col(0, 100, nullable=True),
        "n_poor": number_col(whole=True, nullable=True),
        "source": text_col(),
        "note": text_col(required=False, nullable=True),
    }, coerce=True, strict=False)


def calibration_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "kecamatan_code": code_col(AREA_CODE, unique=True),
        "kecamatan": text_col(),
        "population_target": number_col(whole=True),
        "poor_people_target": number_col(whole=True),
        "clove_ha_target": number_col(),
    }, coerce=True, strict=False)


@dataclass(frozen=True)
class TableSpec:
    """A table of the data set: its file, whether it must exist, and its schema.
    ``reference``: read for reports and checks, not by the model (kept as text)."""

    name: str
    file: str
    required: bool
    schema: object  # callable(columns) -> pa.DataFrameSchema
    key: str | None = None
    integers: tuple[str, ...] = ()  # stored as int64 once valid
    reference: bool = False

    def expected_columns(self) -> list[str]:
        """The columns the file must have."""
        return [name for name, col in self.schema(None).columns.items() if col.required]

    def numeric_columns(self, columns: list[str]) -> list[str]:
        """The columns of a table with these ``columns`` that must hold numbers."""
        schema = self.schema(columns)
        return [name for name, col in schema.columns.items()
                if name in columns and str(col.dtype).startswith("float")]


TABLES: tuple[TableSpec, ...] = (
    TableSpec("villages", "villages.csv", True, villages_schema, "code", ("coastal",)),
    TableSpec("kecamatan", "kecamatan.csv", True, kecamatan_schema, "code",
              ("n_desa", "n_kelurahan")),
    TableSpec("indicators", "indicators.csv", True, indicators_schema, "code"),
    TableSpec("indicator_metadata", "indicator_metadata.csv", True, indicator_metadata_schema,
              "indicator", ("direction",)),
    TableSpec("groups", "groups.csv", True, groups_schema, "group"),
    TableSpec("agencies", "agencies.csv", True, agencies_schema, "code"),
    TableSpec("programs", "programs.csv", True, programs_schema, "code",
              ("min_units", "max_units")),
    TableSpec("rules", "rules.csv", False, rules_schema),
    TableSpec("focus_villages_2020", "focus_villages_2020.csv", False,
              focus_villages_2020_schema, "code", reference=True),
    TableSpec("district_facts", "district_facts.csv", False, district_facts_schema,
              reference=True),
    TableSpec("poverty_series", "poverty_series.csv", False, poverty_series_schema,
              reference=True),
    TableSpec("calibration", "calibration.csv", False, calibration_schema, "kecamatan_code",
              reference=True),
)

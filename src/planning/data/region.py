"""A region folder (a province or the country): many district data sets plus index tables.

Layout (``docs/region-data.md``)::

    <region>/region.csv         one row: code, name, level (province|country), status, seed
    <region>/provinces.csv      code (2 digits), name
    <region>/districts.csv      code (pp.dd), name, type (kabupaten|kota), province_code,
                                folder, n_kecamatan, n_villages, pagu (juta Rp)
    <region>/districts/<pp.dd>/ an ordinary district data set (like data/buleleng)

:func:`load_region` reads and checks the index; :func:`validate_region` also checks every
district folder with :func:`planning.data.validate_dataset` and that the index agrees with
the folders. Problems are the same :class:`~planning.data.problems.Problem` objects as a
district's; a district folder's problems name the file inside the region
(``districts/51.02/villages.csv``), so every line says the district, file, row and column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd
import pandera.pandas as pa

from planning.data.checks import line, listing, numbers
from planning.data.loading import check_folder, read_csv, validate_table
from planning.data.problems import Amount, DataError, Problem, Report, problem
from planning.data.schemas import STATUS, TableSpec, choice_col, code_col, number_col, text_col
from planning.i18n import DEFAULT_LANGUAGE, MAX_LINES, number, text

DISTRICT_CODE = r"^\d{2}\.\d{2}$"
PROVINCE_CODE = r"^\d{2}$"
LEVELS = ["province", "country"]
DISTRICT_TYPES = ["kabupaten", "kota"]
#: the number after the province code: kabupaten 01..69, kota 71..99 (Kemendagri)
DISTRICT_NUMBERS = {"kabupaten": (1, 69), "kota": (71, 99)}
INDEX = "districts.csv"


def region_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "code": code_col(PROVINCE_CODE),
        "name": text_col(),
        "level": choice_col(LEVELS),
        "status": choice_col(STATUS),
        "seed": number_col(whole=True, required=False, nullable=True),
    }, coerce=True, strict=False)


def provinces_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "code": code_col(PROVINCE_CODE, unique=True),
        "name": text_col(),
    }, coerce=True, strict=False)


def districts_schema(columns=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "code": code_col(DISTRICT_CODE, unique=True),
        "name": text_col(),
        "type": choice_col(DISTRICT_TYPES),
        "province_code": code_col(PROVINCE_CODE),
        "folder": text_col(),
        "n_kecamatan": number_col(whole=True),
        "n_villages": number_col(whole=True),
        "pagu": number_col(),
    }, coerce=True, strict=False)


INDEX_TABLES: tuple[TableSpec, ...] = (
    TableSpec("region", "region.csv", True, region_schema),
    TableSpec("provinces", "provinces.csv", True, provinces_schema, "code"),
    TableSpec("districts", INDEX, True, districts_schema, "code",
              ("n_kecamatan", "n_villages")),
)


@dataclass(frozen=True)
class Region:
    """The index of a region folder: ``meta`` (region.csv's row), ``provinces`` and
    ``districts`` (as districts.csv, sorted by code)."""

    path: Path
    meta: dict
    provinces: pd.DataFrame
    districts: pd.DataFrame

    @property
    def codes(self) -> list[str]:
        return self.districts["code"].tolist()

    def folder(self, code: str) -> Path:
        """The data set folder of district ``code`` (KeyError for an unknown code)."""
        rows = self.districts.loc[self.districts["code"] == code, "folder"]
        if rows.empty:
            raise KeyError(code)
        return self.path / rows.iloc[0]


def is_region(path: str | Path) -> bool:
    """True when ``path`` is a region folder (it has a districts.csv)."""
    return (Path(path) / INDEX).is_file()


def _district(row: pd.Series) -> str:
    return str(row.get("code", "?")) if pd.notna(row.get("code")) else "?"


def check_codes(tables: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """Each district's number fits its type (kabupaten 01..69, kota 71..99), its province
    is in provinces.csv and its code starts with that province's code."""
    districts = tables.get("districts")
    if districts is None or not {"code", "type", "province_code"} <= set(districts.columns):
        return
    provinces = set(tables["provinces"]["code"].dropna().astype(str)) \
        if "provinces" in tables and "code" in tables["provinces"].columns else set()
    for index, row in districts.iterrows():
        code, kind, prov = row["code"], row["type"], row["province_code"]
        if pd.isna(code) or pd.isna(prov):
            continue
        code, prov = str(code), str(prov)
        if kind in DISTRICT_NUMBERS and code[3:].isdigit():
            low, high = DISTRICT_NUMBERS[kind]
            if not low <= int(code[3:]) <= high:
                yield problem(INDEX, "region.district_number", line(index), "code",
                              district=code, type=kind, low=f"{low:02d}", high=high)
        if provinces and prov not in provinces:
            yield problem(INDEX, "region.unknown_province", line(index), "province_code",
                          district=code, value=prov, allowed=listing(provinces))
        if not code.startswith(prov + "."):
            yield problem(INDEX, "region.code_outside_province", line(index), "code",
                          district=code, province=prov)


def district_folder(region: Path, value: str) -> Path | None:
    """The folder a districts.csv ``folder`` value names, or None when it is absolute or
    leads outside the region folder."""
    relative = PurePosixPath(value.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or ":" in value:
        return None
    return region / relative


def check_folders(region: Path, tables: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """Each district's folder lies inside the region folder and exists."""
    districts = tables.get("districts")
    if districts is None or not {"code", "folder"} <= set(districts.columns):
        return
    for index, row in districts.iterrows():
        value = row["folder"]
        if pd.isna(value):
            continue
        path = district_folder(region, str(value))
        if path is None:
            yield problem(INDEX, "region.folder_outside", line(index), "folder",
                          district=_district(row), value=value)
        elif not path.is_dir():
            yield problem(INDEX, "region.missing_folder", line(index), "folder",
                          district=_district(row), value=value)


def check_index(region: str | Path) -> tuple[Report, dict[str, pd.DataFrame],
                                             dict[str, pd.DataFrame]]:
    """The report on the index tables of ``region``, the tables as read (text) and those
    that passed their schema."""
    region = Path(region)
    report = Report()
    if not region.is_dir():
        report.add(problem(str(region), "missing_folder"))
        return report, {}, {}
    raw: dict[str, pd.DataFrame] = {}
    typed: dict[str, pd.DataFrame] = {}
    for spec in INDEX_TABLES:
        path = region / spec.file
        if not path.exists():
            report.add(problem(spec.file, "missing_file"))
            continue
        frame = read_csv(path, report, spec.expected_columns())
        if frame is None:
            continue
        raw[spec.name] = frame
        table = validate_table(spec, frame, report)
        if table is not None:
            typed[spec.name] = table
    report.extend(check_codes(raw))
    report.extend(check_folders(region, raw))
    return report, raw, typed


def load_region(path: str | Path) -> Region:
    """Read and check the index of a region folder (its tables, codes, provinces and
    district folders); raise :class:`~planning.data.DataError` listing every problem.
    The district folders themselves are loaded one by one with
    :func:`planning.data.load_dataset` (``region.folder(code)``)."""
    path = Path(path)
    report, _, typed = check_index(path)
    if not report.ok:
        raise DataError(str(path), report)
    meta = typed["region"].iloc[0].to_dict()
    if pd.notna(meta.get("seed")):
        meta["seed"] = int(meta["seed"])
    districts = typed["districts"].sort_values("code", kind="stable").reset_index(drop=True)
    provinces = typed["provinces"].sort_values("code", kind="stable").reset_index(drop=True)
    return Region(path=path, meta=meta, provinces=provinces, districts=districts)


@dataclass(frozen=True)
class DistrictCheck:
    """One district's result: its problems (files named inside the region) and, when it is
    valid, its sizes."""

    code: str
    name: str
    report: Report
    villages: int = 0
    kecamatan: int = 0
    programs: int = 0
    agencies: int = 0
    pagu: float = 0.0
    synthetic: int = 0

    @property
    def ok(self) -> bool:
        return self.report.ok

    def line(self, lang: str = DEFAULT_LANGUAGE) -> str:
        if self.ok:
            return text("region.district_ok", lang, district=self.code, name=self.name,
                        villages=self.villages, kecamatan=self.kecamatan,
                        programs=self.programs, agencies=self.agencies,
                        pagu=number(self.pagu, lang))
        return text("region.district_failed", lang, district=self.code, name=self.name,
                    errors=len(self.report.errors), warnings=len(self.report.warnings))


@dataclass
class RegionCheck:
    """Everything :func:`validate_region` found: the region's report (index and every
    district) and one :class:`DistrictCheck` per district checked."""

    path: Path
    report: Report
    districts: list[DistrictCheck] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    provinces: int = 0

    @property
    def ok(self) -> bool:
        return self.report.ok

    def lines(self, lang: str = DEFAULT_LANGUAGE, limit: int | None = MAX_LINES) -> list[str]:
        """One line per district, the problems (capped), then the totals."""
        lines = [d.line(lang) for d in self.districts]
        lines += self.report.lines(lang, limit)
        return [*lines, self.total(lang)]

    def total(self, lang: str = DEFAULT_LANGUAGE) -> str:
        if not self.ok:
            bad = sum(not d.ok for d in self.districts)
            return text("region.failed", lang, errors=len(self.report.errors),
                        warnings=len(self.report.warnings), folder=self.path, bad=bad,
                        districts=len(self.districts))
        said = text("region.ok", lang, name=self.meta.get("name", ""),
                    level=self.meta.get("level", ""), districts=len(self.districts),
                    provinces=self.provinces,
                    villages=number(sum(d.villages for d in self.districts), lang),
                    kecamatan=number(sum(d.kecamatan for d in self.districts), lang),
                    pagu=number(sum(d.pagu for d in self.districts), lang))
        if self.meta.get("status") == "synthetic":
            said += "\n" + text("region.synthetic", lang)
        return said


def _inside(item: Problem, folder: str) -> Problem:
    """``item`` with its file named inside the region (``districts/51.02/villages.csv``)."""
    return dataclasses.replace(item, file=f"{folder.rstrip('/')}/{item.file}")


def check_district(region: Path, row: pd.Series, index: int,
                   seen: dict[str, tuple[str, str, int]]) -> DistrictCheck:
    """Check one district folder (:func:`planning.data.loading.check_folder`) and that
    districts.csv row ``index`` agrees with it; ``seen``: village code -> (district,
    file, row) of the districts checked before (updated)."""
    code, folder = str(row["code"]), str(row["folder"])
    found, raw, typed = check_folder(district_folder(region, folder))
    report = Report([_inside(p, folder) for p in found.problems])
    villages = raw.get("villages")
    file = f"{folder.rstrip('/')}/villages.csv"
    if villages is not None and "code" in villages.columns:
        for at, value in villages["code"].dropna().astype(str).items():
            if not value.startswith(code + "."):
                report.add(problem(file, "region.village_outside", line(at), "code",
                                   district=code, value=value))
            if value in seen and seen[value][1] != file:
                other, other_file, other_row = seen[value]
                report.add(problem(file, "region.village_in_two", line(at), "code",
                                   district=code, value=value, other=other,
                                   other_file=other_file, other_row=other_row))
            seen.setdefault(value, (code, file, line(at)))
    agree = (("n_villages", villages, "region.villages_disagree"),
             ("n_kecamatan", raw.get("kecamatan"), "region.kecamatan_disagree"))
    for col, table, key in agree:
        expected = numbers(pd.Series([row.get(col)])).iloc[0]
        if table is not None and pd.notna(expected) and int(expected) != len(table):
            report.add(problem(INDEX, key, line(index), col, district=code, folder=folder,
                               expected=int(expected), found=len(table)))
    agencies = raw.get("agencies")
    expected = numbers(pd.Series([row.get("pagu")])).iloc[0]
    if agencies is not None and "pagu" in agencies.columns and pd.notna(expected):
        total = float(numbers(agencies["pagu"]).sum())
        if abs(total - expected) > 1e-6 * max(1.0, abs(total)):
            report.add(problem(INDEX, "region.pagu_disagrees", line(index), "pagu",
                               district=code, folder=folder, expected=Amount(expected),
                               found=Amount(total)))
    name = str(row.get("name", "")) if pd.notna(row.get("name")) else ""
    if not report.ok:
        return DistrictCheck(code, name, report)
    meta = typed["indicator_metadata"]
    return DistrictCheck(code, name, report, villages=len(typed["villages"]),
                         kecamatan=len(typed["kecamatan"]), programs=len(typed["programs"]),
                         agencies=len(typed["agencies"]),
                         pagu=float(typed["agencies"]["pagu"].sum()),
                         synthetic=int((meta["status"] == "synthetic").sum()))


def validate_region(path: str | Path,
                    on_district: Callable[[DistrictCheck], None] | None = None) -> RegionCheck:
    """Check a region folder: its index (:func:`check_index`), then every district whose
    folder exists: its data set (the checks of ``planning validate``), its village codes
    (inside the district, none in two districts) and that n_villages, n_kecamatan and
    pagu of districts.csv agree with the folder. ``on_district`` is called after each
    district (progress)."""
    path = Path(path)
    report, raw, typed = check_index(path)
    result = RegionCheck(path, report)
    if "region" in typed and not typed["region"].empty:
        result.meta = typed["region"].iloc[0].to_dict()
    if "provinces" in raw:
        result.provinces = len(raw["provinces"])
    districts = raw.get("districts")
    if districts is None or not {"code", "folder"} <= set(districts.columns):
        return result
    seen: dict[str, tuple[str, str, int]] = {}
    for index, row in districts.sort_values("code", kind="stable").iterrows():
        if pd.isna(row["code"]) or pd.isna(row["folder"]):
            continue
        folder = district_folder(path, str(row["folder"]))
        if folder is None or not folder.is_dir():
            continue  # reported by check_folders
        checked = check_district(path, row, index, seen)
        report.extend(checked.report.problems)
        result.districts.append(checked)
        if on_district is not None:
            on_district(checked)
    return result


"""Scenarios: one YAML file holds every choice of a run, validated by a strict, frozen
pydantic model that rejects unknown keys and bad values with a message naming the file,
the key and the fix.

A scenario names the scenario it changes (``base: baseline``, a file next to it) and holds
only what differs; dictionaries are merged key by key, lists and values replace. The
``baseline`` scenario is the default base of every other one in the same folder::

    name: lebih-besar
    base: baseline
    description: Semua pagu naik 20 %
    budgets:
      change_pct: 20                 # every agency's pagu +20 % ...
      agencies:
        PERKIMTA: {pagu: 2000}       # ... except where one is given (juta Rp)
        PUTR: {change_pct: -10}
      district_ceiling: null         # juta Rp; null: none

Sections: ``data`` (the data set folder), ``scoring`` (see
:mod:`planning.config.scoring`), ``villages`` (``focus``, ``all`` or a list of codes),
``budgets``, ``rules`` (the allocation model's rules, :class:`planning.model.Rules`
without the objective switches), ``objective`` (priority weights, effectiveness, synergy,
dimension weights), ``locks``, ``solver``, ``output`` (``lang``), ``analysis`` (the
alternatives and robustness draws of ``planning analyse``, and where they run:
:class:`AnalysisSettings`) and ``horizon`` (a multi-year plan, :class:`HorizonSection`)::

    horizon:
      start: 2026
      end: 2030
      growth_pct: 5            # every agency's pagu grows 5 %/year from the first year's
      agencies:                # per agency: {growth_pct: 3} or {pagu: {2026: 1500, ...}}
        PUTR: {growth_pct: 3}
      discount: 0.1            # a result one year earlier is worth 10 % more
      inflow_pct: {income: 1.0}
      rescore: true
      targets:
        - {dimension: income, removed: 600, by: 2030}
        - {poverty_rate: 4.5, by: 2030}
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from planning.config.model import (
    ConstraintRules,
    Horizon,
    Lock,
    ModelSettings,
    ObjectiveRules,
    Rules,
    Solver,
    Target,
)
from planning.config.reading import (
    KeyedError,
    Place,
    SettingsError,
    describe_error,
    layers,
    merge,
    problem,
    usable_path,
)
from planning.config.scoring import ScoringError, ScoringSettings

MAX_NUMBER = 10**9
"""The largest number (in size) any setting of a scenario takes: a pagu of 10^9 juta Rp
is Rp 1,000 trillion; larger numbers are typing errors and overflow the model."""
NAME = re.compile(r"[^\x00-\x1f/\\]{1,80}")
"""A scenario name, which names its results folder: no path separator or control
character, at most 80 characters (and, checked apart, no leading dot)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _path_text(text: str) -> str:
    if not usable_path(text):
        raise ScoringError("settings.bad_path", "", value=text)
    return text


PathText = Annotated[str, AfterValidator(_path_text)]
"""A file or folder path in a scenario (see :func:`planning.config.scoring.usable_path`)."""


class AgencyBudget(_Strict):
    """One agency's pagu: an amount (juta Rp) or a change in per cent of agencies.csv."""

    pagu: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    change_pct: float | None = Field(default=None, ge=-100, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_of(self) -> AgencyBudget:
        if (self.pagu is None) == (self.change_pct is None):
            raise KeyedError("settings.pagu_or_change",
                             given="pagu, change_pct" if self.pagu is not None else "-")
        return self


class Budgets(_Strict):
    change_pct: float = Field(default=0.0, ge=-100, allow_inf_nan=False)
    """Every agency's pagu changes by this many per cent (unless given below)."""
    agencies: dict[str, AgencyBudget] = Field(default_factory=dict)
    district_ceiling: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class OutputSettings(_Strict):
    lang: Literal["id", "en"] = "id"
    boundary: PathText | None = None
    """Village boundary file (GeoJSON or GeoPackage with a ``code`` property) for maps and
    the GeoPackage export; None: point maps from the village centroids."""
    boundary_kecamatan: PathText | None = None
    """Kecamatan boundary file for the outlines; None: dissolved from the villages."""


class AnalysisSettings(_Strict):
    """The analyses ``planning analyse`` runs beyond the Rakor ones (issue 15), and where
    their many independent re-plans run (docs/alternatives.md, docs/robustness.md,
    docs/workers.md). The command line's options override each."""

    alternatives: int = Field(default=0, ge=0, le=50)
    """K: how many near-optimal alternatives to look for (0: none)."""
    share: float = Field(default=0.02, gt=0, lt=1, allow_inf_nan=False)
    """Each alternative's value is at least (1 - share) x the best plan's."""
    distance: int | None = Field(default=None, ge=1, le=100_000)
    """D: the fewest village-programme choices in which two plans differ (None: the
    documented default, from the size of the best plan)."""
    robustness: int = Field(default=0, ge=0, le=100_000)
    """N: robustness draws of the uncertain inputs (0: none)."""
    seed: int = Field(default=2020, ge=0, le=2**32 - 1)
    """The seed of the robustness draws (draw i uses the seed sequence (seed, i))."""
    scheduler: str | None = None
    """The address of an existing Dask scheduler (``tcp://host:8786``); None: a local
    cluster of ``workers`` processes."""
    workers: int | None = Field(default=None, ge=0, le=1024)
    """Worker processes of the local cluster (None: one per core; 0: in this process)."""


MAX_YEARS = 10
"""The most budget years a multi-year plan spans (two RPJMD periods)."""
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""The budget years a horizon can start and end in."""

Pagu = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


def _years(years) -> str:
    return ", ".join(str(y) for y in sorted(years))


class AgencyHorizon(_Strict):
    """One agency's pagu over the horizon: a yearly growth in per cent of the first year's
    (the budgets section's pagu), or a table year -> pagu (juta Rp) giving every year."""

    growth_pct: float | None = Field(default=None, ge=-100, allow_inf_nan=False)
    pagu: dict[int, Pagu] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> AgencyHorizon:
        if (self.growth_pct is None) == (self.pagu is None):
            raise KeyedError("horizon.growth_or_pagu")
        return self


class HorizonTarget(_Strict):
    """An RPJMD target (see :class:`planning.config.model.Target`): ``dimension`` and
    ``removed`` (deprived units removed over the horizon), or ``poverty_rate`` (per cent),
    by the end of year ``by``."""

    by: int
    dimension: str | None = None
    removed: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    poverty_rate: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    enforce: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> HorizonTarget:
        removed = self.dimension is not None or self.removed is not None
        if removed and self.poverty_rate is not None:
            raise KeyedError("horizon.target_both")
        if not removed and self.poverty_rate is None:
            raise KeyedError("horizon.target_neither")
        if removed and self.dimension is None:
            raise KeyedError("horizon.target_incomplete", "dimension", missing="dimension")
        if removed and self.removed is None:
            raise KeyedError("horizon.target_incomplete", "removed", missing="removed")
        if self.enforce and not removed:
            raise KeyedError("horizon.enforce_rate", "enforce")
        return self

    def target(self) -> Target:
        return Target(**self.model_dump())


class HorizonSection(_Strict):
    """The ``horizon:`` section: a multi-year plan from ``start`` to ``end`` (budget years,
    both included, at most :data:`MAX_YEARS`). Year k's pagu of an agency is
    round(pagu_first x (1 + g / 100) ** (k - start), 6) juta Rp, with g its own
    ``growth_pct`` or the section's, and pagu_first the budgets section's; or its table."""

    start: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    end: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    growth_pct: float = Field(default=0.0, ge=-100, allow_inf_nan=False)
    """Every agency's pagu grows this many per cent a year (unless given below)."""
    agencies: dict[str, AgencyHorizon] = Field(default_factory=dict)
    discount: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    """rho: a result one year earlier is worth (1 + rho) times as much."""
    inflow_pct: dict[str, Percent] = Field(default_factory=dict)
    """Dimension -> newly deprived each year, in per cent of the starting stock."""
    rescore: bool = True
    """Re-score the villages each year on the deprivations left (graduation and entry)."""
    targets: list[HorizonTarget] = Field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1))

    @model_validator(mode="after")
    def _consistent(self) -> HorizonSection:
        if self.end < self.start:
            raise KeyedError("horizon.years_order", "end", start=self.start, end=self.end)
        count = self.end - self.start + 1
        if count > MAX_YEARS:
            raise KeyedError("horizon.too_many_years", "end", start=self.start, end=self.end,
                             count=count, limit=MAX_YEARS)
        years = set(self.years)
        for code, given in self.agencies.items():
            if given.pagu is None:
                continue
            missing, outside = years - set(given.pagu), set(given.pagu) - years
            if missing:
                raise KeyedError("horizon.pagu_missing", f"agencies.{code}.pagu",
                                 years=_years(missing), start=self.start, end=self.end)
            if outside:
                raise KeyedError("horizon.pagu_outside", f"agencies.{code}.pagu",
                                 years=_years(outside), start=self.start, end=self.end)
        for i, target in enumerate(self.targets):
            if target.by not in years:
                raise KeyedError("horizon.target_year", f"targets.{i}.by", value=target.by,
                                 start=self.start, end=self.end)
        return self

    def pagu(self, first: Mapping[str, float]) -> dict[str, dict[int, float]]:
        """Agency -> year -> pagu (juta Rp), from each agency's first-year pagu ``first``
        (the budgets section's): its table, or its growth compounded yearly."""
        out = {}
        for code, base in first.items():
            given = self.agencies.get(code)
            if given is not None and given.pagu is not None:
                out[code] = {year: float(given.pagu[year]) for year in self.years}
                continue
            growth = given.growth_pct if given is not None else self.growth_pct
            out[code] = {year: round(float(base) * (1 + growth / 100.0) ** (year - self.start),
                                     6) for year in self.years}
        return out

    def horizon(self, first: Mapping[str, float]) -> Horizon:
        """The model's :class:`~planning.config.model.Horizon` for the first-year pagu
        ``first`` (agency -> juta Rp)."""
        return Horizon(years=self.years, pagu=self.pagu(first),
                       targets=[t.target() for t in self.targets], discount=self.discount,
                       inflow_pct=dict(self.inflow_pct), rescore=self.rescore)


class RegionGenerate(_Strict):
    """How the region folder is made when it is missing: a generated (synthetic) province
    or country (``planning generate``), so that a reviewer re-runs the scenario with one
    command and gets the same data."""

    level: Literal["province", "country"] = "province"
    villages: int | None = Field(default=None, ge=1, le=200_000)
    """Villages in all (None: the level's default, 716 or about 83,700)."""
    seed: int = Field(default=20200127, ge=0, le=2**32 - 1)


class RegionSection(_Strict):
    """The ``region:`` section: a province or the whole country planned in two levels
    (docs/region.md). The envelope is split across the districts of the region folder by
    the marginal value of each district's budget curve, then each district is planned
    within its share with every other section of the scenario (scoring, villages, rules,
    objective, solver). The curve of a district is measured at
    ``floor_pct``, ``floor_pct + step_pct``, ... up to ``cap_pct`` of its own pagu."""

    folder: PathText
    """The region folder (``planning generate province|country``), holding districts.csv."""
    envelope: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """The envelope to split, juta Rp; None: the sum of every district's pagu (after the
    budgets section)."""
    floor_pct: float = Field(default=60.0, ge=0, le=100, allow_inf_nan=False)
    """Every district keeps at least this share of its own pagu (per cent)."""
    cap_pct: float = Field(default=160.0, ge=100, le=1000, allow_inf_nan=False)
    """No district gets more than this share of its own pagu (per cent)."""
    step_pct: float = Field(default=20.0, gt=0, le=100, allow_inf_nan=False)
    """The distance between the points of a district's curve (per cent of its pagu)."""
    gap: float | None = Field(default=None, gt=0, lt=1, allow_inf_nan=False)
    """The gap target of each district's plan; None: the solver section's gap."""
    generate: RegionGenerate | None = None
    """Where the folder is missing: generate it so (None: it must exist)."""

    @property
    def factors(self) -> list[float]:
        """The curve's points as factors of a district's pagu: floor, floor + step, ...,
        cap (the cap always included)."""
        points, pct = [], self.floor_pct
        while pct < self.cap_pct - 1e-9:
            points.append(round(pct / 100.0, 6))
            pct += self.step_pct
        return [*points, round(self.cap_pct / 100.0, 6)]


class Scenario(_Strict):
    name: str
    description: str = ""
    base: str | None = None
    data: PathText = "data/buleleng"
    scoring: ScoringSettings = ScoringSettings()
    villages: Literal["focus", "all"] | list[str] = "focus"
    budgets: Budgets = Budgets()
    rules: ConstraintRules = ConstraintRules()
    objective: ObjectiveRules = ObjectiveRules()
    locks: list[Lock] = Field(default_factory=list)
    solver: Solver = Solver()
    output: OutputSettings = OutputSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    horizon: HorizonSection | None = None
    """A multi-year plan (None: one budget year). The one-year run ignores it."""
    region: RegionSection | None = None
    """A province or the country planned in two levels (None: one district)."""

    @model_validator(mode="after")
    def _one_first_year_pagu(self) -> Scenario:
        """An agency's first-year pagu given twice, differently (budgets section and the
        horizon's table) is refused at the table's first year, naming the other key."""
        if self.horizon is None:
            return self
        start = self.horizon.start
        for code, given in self.horizon.agencies.items():
            budget = self.budgets.agencies.get(code)
            if given.pagu is None or budget is None or start not in given.pagu:
                continue
            if budget.pagu is None or abs(budget.pagu - float(given.pagu[start])) > 1e-6:
                raise KeyedError("horizon.first_pagu_twice",
                                 f"horizon.agencies.{code}.pagu.{start}", agency=code,
                                 table=f"{float(given.pagu[start]):g}", year=start,
                                 budget=f"{budget.pagu:g}" if budget.pagu is not None
                                 else f"change_pct {budget.change_pct:g}")
        return self

    @field_validator("name")
    @classmethod
    def _folder_name(cls, name: str) -> str:
        """The name names the results folder (results/<name>): refuse one that would
        point elsewhere."""
        if not NAME.fullmatch(name) or name.startswith(".") or not name.strip():
            raise ScoringError("settings.bad_name", "", value=name)
        return name

    def model_settings(self, agencies: Mapping[str, float]) -> ModelSettings:
        """The allocation model's settings, with every pagu resolved against
        ``agencies`` (code -> pagu of agencies.csv, juta Rp); with a ``horizon``
        section, every agency's pagu per year in ``horizon`` (the first year's is the
        budgets section's, unless the agency's horizon table gives it)."""
        pagu = {}
        for code, base in agencies.items():
            given = self.budgets.agencies.get(code)
            if given is not None and given.pagu is not None:
                pagu[code] = float(given.pagu)
            else:
                pct = given.change_pct if given is not None else self.budgets.change_pct
                pagu[code] = round(float(base) * (1 + pct / 100.0), 6)
        rules = Rules(**self.rules.model_dump(), **self.objective.model_dump(),
                      district_ceiling=self.budgets.district_ceiling)
        horizon = self.horizon.horizon(pagu) if self.horizon is not None else None
        return ModelSettings(villages=self.villages, pagu=pagu, rules=rules,
                             locks=self.locks, solver=self.solver, horizon=horizon)


def _depth_in(tree: Any, loc: tuple) -> int:
    """How many leading parts of the path ``loc`` exist in ``tree``."""
    node, depth = tree, 0
    for part in loc:
        inside = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node))
        if not inside:
            break
        node, depth = node[part], depth + 1
    return depth


def _origin(chain: list[tuple[Path, dict]], loc: tuple) -> Place:
    """The file that holds the setting at ``loc``: the most specific layer holding the
    longest part of its path (a missing key belongs where its parent is)."""
    depths = [_depth_in(tree, loc) for _path, tree in chain]
    best = max(range(len(chain)), key=lambda i: (depths[i], i))
    return Place(chain[best][0].as_posix(), ".".join(str(p) for p in loc) or None)


def _odd_numbers(tree: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str, dict]]:
    """(path, message key, params) for every number in ``tree`` that no setting takes:
    NaN or infinite, or larger than :data:`MAX_NUMBER` in size. Checked before the
    schema, whose bounds NaN passes and whose unbounded fields infinity overflows."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _odd_numbers(value, (*loc, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _odd_numbers(value, (*loc, index))
    elif isinstance(tree, float) and not math.isfinite(tree):
        yield loc, "settings.not_finite", {"value": tree}
    elif isinstance(tree, int | float) and not isinstance(tree, bool) and \
            abs(tree) > MAX_NUMBER:
        yield loc, "settings.too_large", {"value": tree, "limit": MAX_NUMBER}


def _codes_as_text(tree: dict) -> None:
    """Village and programme codes written as whole numbers (``villages: [5108010001]``,
    a lock's ``village: 5108010001``, ``scoring.focus.force_in``) read as the text they
    spell, in place: the code check against the data set then names them (a village's BPS
    code included) instead of the schema calling them numbers too large or of the wrong
    kind."""
    def text(value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    if isinstance(tree.get("villages"), list):
        tree["villages"] = [text(v) for v in tree["villages"]]
    focus = tree.get("scoring", {}).get("focus") if isinstance(tree.get("scoring"), dict) \
        else None
    for key in ("force_in", "force_out"):
        if isinstance(focus, dict) and isinstance(focus.get(key), list):
            focus[key] = [text(v) for v in focus[key]]
    if isinstance(tree.get("locks"), list):
        tree["locks"] = [{k: text(v) if k in ("village", "program") else v
                          for k, v in lock.items()} if isinstance(lock, dict) else lock
                         for lock in tree["locks"]]


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    files: tuple[Path, ...]
    """The scenario file and its bases, most basic first."""
    tree: dict = field(default_factory=dict)
    """The settings as written (merged over the bases), before validation."""

    @property
    def unused(self) -> tuple[str, ...]:
        """The sections written in the files that ``planning score`` does not use."""
        return tuple(key for key in self.tree if key not in ("data", "scoring"))

    @property
    def project(self) -> Path:
        """The project folder: the parent of the folder holding the scenario file."""
        return self.path.resolve().parent.parent

    def shown(self, path: str | Path) -> str:
        """``path`` as recorded in results: relative to the project folder when inside
        it, so the same run from any working directory records the same text."""
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.project).as_posix()
        except ValueError:
            return resolved.as_posix()

    def data_path(self) -> Path:
        """The data set folder (see :meth:`resolve`)."""
        return self.resolve(self.scenario.data)

    def resolve(self, given: str | Path) -> Path:
        """A path of the scenario: relative to the project folder that holds the
        scenarios folder when it exists there (so the run is the same from any working
        directory, a notebook in notebooks/ included), else as given."""
        given = Path(given)
        if given.is_absolute():
            return given
        beside = self.project / given
        return beside if beside.exists() else given

    def place(self, *loc: str | int) -> Place:
        """Where the setting at ``loc`` (e.g. ``"locks", 0``) is written: its file among
        the scenario and its bases, and its key."""
        return _origin(layers(self.path), tuple(loc))

    def map_paths(self, boundary: str | Path | None = None) -> dict[str, Path | None]:
        """The boundary files for the maps: ``boundary`` if given, else the scenario's
        ``output.boundary``; and ``output.boundary_kecamatan``."""
        out = self.scenario.output
        return {"boundary": Path(boundary) if boundary is not None else (
                    self.resolve(out.boundary) if out.boundary else None),
                "boundary_kecamatan": self.resolve(out.boundary_kecamatan)
                if out.boundary_kecamatan else None}

    def as_run(self) -> dict:
        """The scenario exactly as run (after merging), for summary.json and the Meta
        sheet."""
        return self.scenario.model_dump(mode="json")


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, merge over the bases, and validate a scenario file; every problem (by file
    and key) at once in a SettingsError."""
    path = Path(path)
    chain = layers(path)
    tree: dict = {}
    for _file, layer in chain:
        tree = merge(tree, layer)
    tree.pop("base", None)
    top = chain[-1][1]  # name and description belong to the file itself, not to its base
    written = dict(tree)
    tree["name"] = top.get("name", path.stem)
    tree["description"] = top.get("description", "")
    _codes_as_text(tree)
    found = list(_odd_numbers(tree))
    try:
        scenario = Scenario.model_validate(tree)
    except ValidationError as exc:
        odd = {loc for loc, _key, _params in found}
        described = [describe_error(error, Scenario) for error in exc.errors()]
        found += [item for item in described if item[0] not in odd]
    if found:
        raise SettingsError([problem(_origin(chain, loc), key, **params)
                             for loc, key, params in found])
    return LoadedScenario(scenario, path, tuple(p for p, _ in chain), written)


def is_region_scenario(path: str | Path) -> bool:
    """True when the scenario file has a ``region:`` section (run with ``planning
    region``); False for a district scenario and for a file that cannot be read (its
    own run says why)."""
    try:
        return load_scenario(path).scenario.region is not None
    except Exception:  # a malformed file is reported where it is run
        return False


def check_codes(loaded: LoadedScenario, villages: list[str], agencies: list[str],
                programs: list[str], dimensions: list[str],
                bps: dict[str, str] | None = None) -> None:
    """Codes in the scenario that the data set does not know, and a programme locked twice
    in one village, all reported at once. ``bps`` (a village's BPS code -> its code) names
    the village meant where a BPS code was written for a village code."""
    chain = layers(loaded.path)
    sc = loaded.scenario
    found = []
    bps = bps or {}

    def unknown(loc: tuple, value: str, known: list[str], what: str) -> None:
        if what == "villages.csv" and value in bps:
            found.append(problem(_origin(chain, loc), "scenario.bps_code", value=value,
                                 code=bps[value]))
            return
        close = difflib.get_close_matches(value, known, n=1)
        found.append(problem(_origin(chain, loc), "scenario.unknown_code", value=value,
                             what=what, guess=close[0] if close else ""))

    for code in sc.budgets.agencies:
        if code not in agencies:
            unknown(("budgets", "agencies", code), code, agencies, "agencies.csv")
    if isinstance(sc.villages, list):
        for i, code in enumerate(sc.villages):
            if code not in villages:
                unknown(("villages", i), code, villages, "villages.csv")
    first: dict[tuple[str, str], int] = {}
    for i, lock in enumerate(sc.locks):
        if lock.village not in villages:
            unknown(("locks", i, "village"), lock.village, villages, "villages.csv")
        if lock.program not in programs:
            unknown(("locks", i, "program"), lock.program, programs, "programs.csv")
        pair = (lock.village, lock.program)
        if pair in first:
            found.append(problem(_origin(chain, ("locks", i)), "scenario.duplicate_lock",
                                 village=lock.village, program=lock.program,
                                 first=first[pair]))
        first.setdefault(pair, i)
    for name in sc.objective.dimension_weights:
        if name not in dimensions:
            unknown(("objective", "dimension_weights", name), name, dimensions, "groups.csv")
    if isinstance(sc.rules.dimension_min_share, dict):
        for name in sc.rules.dimension_min_share:
            if name not in dimensions:
                unknown(("rules", "dimension_min_share", name), name, dimensions,
                        "groups.csv")
    if sc.horizon is not None:
        for code in sc.horizon.agencies:
            if code not in agencies:
                unknown(("horizon", "agencies", code), code, agencies, "agencies.csv")
        for name in sc.horizon.inflow_pct:
            if name not in dimensions:
                unknown(("horizon", "inflow_pct", name), name, dimensions, "groups.csv")
        for i, target in enumerate(sc.horizon.targets):
            if target.dimension is not None and target.dimension not in dimensions:
                unknown(("horizon", "targets", i, "dimension"), target.dimension, dimensions,
                        "groups.csv")
    if found:
        raise SettingsError(found)


def scoring_error(loaded: LoadedScenario, exc) -> SettingsError:
    """A scoring problem found with the data (an unknown village in force_in, a weight for
    an unknown indicator) as an error naming the scenario key."""
    loc = ("scoring", *exc.field.split(".")) if exc.field else ("scoring",)
    return SettingsError([problem(_origin(layers(loaded.path), loc), exc.key,
                                  **dict(exc.params))])

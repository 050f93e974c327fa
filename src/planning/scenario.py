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
:mod:`planning.scoring.settings`), ``villages`` (``focus``, ``all`` or a list of codes),
``budgets``, ``rules`` (the allocation model's rules, :class:`planning.model.Rules`
without the objective switches), ``objective`` (priority weights, effectiveness, synergy,
dimension weights), ``locks``, ``solver`` and ``output`` (``lang``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planning.model.settings import (
    ConstraintRules,
    Lock,
    ModelSettings,
    ObjectiveRules,
    Rules,
    Solver,
)
from planning.scoring.settings import (
    Place,
    ScoringSettings,
    SettingsError,
    _describe,
    load_yaml,
    problem,
)

BASELINE = "baseline"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgencyBudget(_Strict):
    """One agency's pagu: an amount (juta Rp) or a change in per cent of agencies.csv."""

    pagu: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    change_pct: float | None = Field(default=None, ge=-100, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_of(self) -> AgencyBudget:
        if (self.pagu is None) == (self.change_pct is None):
            raise ValueError("give either pagu (juta Rp) or change_pct (per cent), not both "
                             "and not neither")
        return self


class Budgets(_Strict):
    change_pct: float = Field(default=0.0, ge=-100, allow_inf_nan=False)
    """Every agency's pagu changes by this many per cent (unless given below)."""
    agencies: dict[str, AgencyBudget] = Field(default_factory=dict)
    district_ceiling: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class OutputSettings(_Strict):
    lang: Literal["id", "en"] = "id"
    boundary: str | None = None
    """Village boundary file (GeoJSON or GeoPackage with a ``code`` property) for maps and
    the GeoPackage export; None: point maps from the village centroids."""
    boundary_kecamatan: str | None = None
    """Kecamatan boundary file for the outlines; None: dissolved from the villages."""


class Scenario(_Strict):
    name: str
    description: str = ""
    base: str | None = None
    data: str = "data/buleleng"
    scoring: ScoringSettings = ScoringSettings()
    villages: Literal["focus", "all"] | list[str] = "focus"
    budgets: Budgets = Budgets()
    rules: ConstraintRules = ConstraintRules()
    objective: ObjectiveRules = ObjectiveRules()
    locks: list[Lock] = Field(default_factory=list)
    solver: Solver = Solver()
    output: OutputSettings = OutputSettings()

    def model_settings(self, agencies: Mapping[str, float]) -> ModelSettings:
        """The allocation model's settings, with every pagu resolved against
        ``agencies`` (code -> pagu of agencies.csv, juta Rp)."""
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
        return ModelSettings(villages=self.villages, pagu=pagu, rules=rules,
                             locks=self.locks, solver=self.solver)


def merge(base: dict, over: dict) -> dict:
    """``over`` on top of ``base``: mappings merge key by key, everything else replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _base_path(path: Path, tree: dict) -> Path | None:
    base = tree.get("base")
    if base is None and path.stem != BASELINE and (path.parent / f"{BASELINE}.yaml").is_file():
        base = BASELINE
    if base is None:
        return None
    if not isinstance(base, str):
        raise SettingsError([problem(Place(path.as_posix(), "base"), "settings.not_text",
                                     value=base)])
    found = path.parent / (base if base.endswith((".yaml", ".yml")) else f"{base}.yaml")
    if not found.is_file():
        choices = sorted(p.stem for p in path.parent.glob("*.yaml"))
        close = difflib.get_close_matches(base, choices, n=1)
        raise SettingsError([problem(Place(path.as_posix(), "base"), "scenario.no_base",
                                     name=base, folder=path.parent.as_posix(),
                                     choices=", ".join(choices),
                                     guess=close[0] if close else "")])
    return found


def layers(path: str | Path) -> list[tuple[Path, dict]]:
    """The scenario file and the chain of its bases, most basic first."""
    chain: list[tuple[Path, dict]] = []
    current: Path | None = Path(path)
    while current is not None:
        if any(current.resolve() == seen.resolve() for seen, _ in chain):
            raise SettingsError([problem(Place(current.as_posix(), "base"),
                                         "scenario.base_cycle")])
        tree = load_yaml(current)
        chain.append((current, tree))
        current = _base_path(current, tree)
    return list(reversed(chain))


def merged_tree(path: str | Path) -> dict:
    """The scenario's settings over those of its bases (``base`` itself dropped)."""
    tree: dict = {}
    for _file, layer in layers(path):
        tree = merge(tree, layer)
    tree.pop("base", None)
    return tree


def _origin(chain: list[tuple[Path, dict]], loc: tuple) -> Place:
    """The file (the most specific layer) that holds the setting at ``loc``."""
    for path, tree in reversed(chain):
        node: Any = tree
        for part in loc:
            inside = (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and part < len(node))
            if inside:
                node = node[part]
            else:
                break
        else:
            return Place(path.as_posix(), ".".join(str(p) for p in loc) or None)
    return Place(chain[-1][0].as_posix(), ".".join(str(p) for p in loc) or None)


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    files: tuple[Path, ...]
    """The scenario file and its bases, most basic first."""

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
    """Read, merge over the bases, and validate a scenario file."""
    path = Path(path)
    chain = layers(path)
    tree: dict = {}
    for _file, layer in chain:
        tree = merge(tree, layer)
    tree.pop("base", None)
    top = chain[-1][1]  # name and description belong to the file itself, not to its base
    tree["name"] = top.get("name", path.stem)
    tree["description"] = top.get("description", "")
    try:
        scenario = Scenario.model_validate(tree)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc, key, params = _describe(error, Scenario)
            problems.append(problem(_origin(chain, loc), key, **params))
        raise SettingsError(problems) from None
    return LoadedScenario(scenario, path, tuple(p for p, _ in chain))


def check_codes(loaded: LoadedScenario, villages: list[str], agencies: list[str],
                programs: list[str], dimensions: list[str]) -> None:
    """Codes in the scenario that the data set does not know, all reported at once."""
    chain = layers(loaded.path)
    sc = loaded.scenario
    found = []

    def unknown(loc: tuple, value: str, known: list[str], what: str) -> None:
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
    for i, lock in enumerate(sc.locks):
        if lock.village not in villages:
            unknown(("locks", i, "village"), lock.village, villages, "villages.csv")
        if lock.program not in programs:
            unknown(("locks", i, "program"), lock.program, programs, "programs.csv")
    for name in sc.objective.dimension_weights:
        if name not in dimensions:
            unknown(("objective", "dimension_weights", name), name, dimensions, "groups.csv")
    if found:
        raise SettingsError(found)


def scoring_error(loaded: LoadedScenario, exc) -> SettingsError:
    """A scoring problem found with the data (an unknown village in force_in, a weight for
    an unknown indicator) as an error naming the scenario key."""
    loc = ("scoring", *exc.field.split(".")) if exc.field else ("scoring",)
    return SettingsError([problem(_origin(layers(loaded.path), loc), exc.key,
                                  **dict(exc.params))])

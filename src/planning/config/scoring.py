"""Scoring settings: every choice behind ``planning score``, as a strict, frozen model.

The same model is the ``scoring:`` section of a scenario file (YAML)::

    data: data/buleleng            # optional; relative to the working directory
    scoring:
      poverty:                     # the poverty index (the potential index: potential:)
        normalisation: minmax      # minmax | zscore | rank
        weighting: user            # equal | user | pca | entropy
        aggregation: arithmetic    # arithmetic | geometric
        weights: {housing: 2, income: 2, health: 1}   # indicator or dimension -> >= 0
      focus:
        per_kecamatan: 3
        rule: poverty              # poverty | blend
        alpha: 0.3                 # blend only: share of the potential rank
        include_kelurahan: false
        force_in: [51.08.01.2001]
        force_out: []
      draws: 1000                  # stability draws (0: none)
      clusters: null               # typology: null = chosen by the stated criterion
      seed: 2020

Unknown keys inside ``scoring:`` are errors. At the top level, ``data`` and ``scoring`` are
read; the sections a full scenario will also hold (:data:`OTHER_SECTIONS`) are allowed
and reported as not used here; any other top-level key is an error.

Every error is a :class:`SettingsError`: a list of problems, each naming where it is (the
file and key, or the command-line option) and what to do, in Bahasa Indonesia or English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planning.config.reading import (
    KeyedError,
    Place,
    SettingsError,
    SettingsProblem,
    closest,
    describe_error,
    dotted,
    merged_tree,
    problem,
    usable_path,
)

USED_SECTIONS = ("data", "scoring")
# sections of the full scenario (a later stage); allowed here, reported as not used
OTHER_SECTIONS = ("name", "description", "base", "villages", "budgets", "rules", "locks",
                  "objective", "solver", "output")

NORMALISATIONS = ("minmax", "zscore", "rank")
WEIGHTINGS = ("equal", "user", "pca", "entropy")
AGGREGATIONS = ("arithmetic", "geometric")

class ScoringError(KeyedError):
    """A scoring choice that cannot be used; the message says which and what to do
    (``field``: the setting at fault, as a dotted path in :class:`ScoringSettings`)."""


def unknown_choice(name: str, value: object, allowed: tuple[str, ...]) -> ScoringError:
    return ScoringError("scoring.unknown_choice", name, name=name, value=value,
                        allowed=", ".join(allowed))


@dataclass(frozen=True)
class Method:
    """How an index is built. ``weights`` (for weighting='user') maps indicator or group
    names to non-negative numbers; a group's weight is split equally among its indicators."""

    normalisation: str = "minmax"
    weighting: str = "equal"
    aggregation: str = "arithmetic"
    weights: Mapping[str, float] = field(default_factory=dict)

    def check(self) -> Method:
        for name, value, allowed in (("normalisation", self.normalisation, NORMALISATIONS),
                                     ("weighting", self.weighting, WEIGHTINGS),
                                     ("aggregation", self.aggregation, AGGREGATIONS)):
            if value not in allowed:
                raise unknown_choice(name, value, allowed)
        if self.weighting == "user" and not self.weights:
            raise ScoringError("scoring.needs_weights", "weights")
        if self.weights and self.weighting != "user":
            raise ScoringError("scoring.weights_unused", "weights", weighting=self.weighting)
        negative = sorted(k for k, v in self.weights.items() if not v >= 0)
        if negative:
            raise ScoringError("scoring.negative_weights", "weights", names=", ".join(negative))
        return self



RULES = ("poverty", "blend")


@dataclass(frozen=True)
class FocusRule:
    per_kecamatan: int = 3
    rule: str = "poverty"
    alpha: float = 0.3
    include_kelurahan: bool = False
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()

    def check(self, codes: Iterable[str]) -> FocusRule:
        codes = set(codes)
        if self.rule not in RULES:
            raise unknown_choice("rule", self.rule, RULES)
        if self.per_kecamatan < 1:
            raise ScoringError("scoring.per_kecamatan", "per_kecamatan")
        if not 0 <= self.alpha <= 1:
            raise ScoringError("scoring.alpha", "alpha", alpha=self.alpha)
        for name, listed in (("force_in", self.force_in), ("force_out", self.force_out)):
            unknown = sorted(set(listed) - codes)
            if unknown:
                raise ScoringError("scoring.unknown_codes", name, codes=", ".join(unknown))
        both = sorted(set(self.force_in) & set(self.force_out))
        if both:
            raise ScoringError("scoring.forced_both", "force_out", codes=", ".join(both))
        return self



Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]
MAX_DRAWS = 100_000
"""Stability draws at most (each draw re-scores every village)."""
MAX_SEED = 2**32 - 1
"""The largest random seed numpy and scikit-learn take."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndexSettings(_Strict):
    """How one index is built (see :mod:`planning.scoring.indices` for the formulas)."""

    normalisation: Literal[NORMALISATIONS] = "minmax"
    weighting: Literal[WEIGHTINGS] = "equal"
    aggregation: Literal[AGGREGATIONS] = "arithmetic"
    weights: dict[str, Weight] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> IndexSettings:
        self.method().check()
        return self

    def method(self) -> Method:
        return Method(normalisation=self.normalisation, weighting=self.weighting,
                      aggregation=self.aggregation, weights=dict(self.weights))


class FocusSettings(_Strict):
    """The focus-village rule (see :mod:`planning.scoring.focus`)."""

    per_kecamatan: int = Field(3, ge=1)
    rule: Literal[RULES] = "poverty"
    alpha: float = Field(0.3, ge=0, le=1, allow_inf_nan=False)
    include_kelurahan: bool = False
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> FocusSettings:
        both = sorted(set(self.force_in) & set(self.force_out))
        if both:
            raise ScoringError("scoring.forced_both", "force_out", codes=", ".join(both))
        return self

    def focus_rule(self) -> FocusRule:
        return FocusRule(per_kecamatan=self.per_kecamatan, rule=self.rule, alpha=self.alpha,
                         include_kelurahan=self.include_kelurahan,
                         force_in=tuple(self.force_in), force_out=tuple(self.force_out))


class ScoringSettings(_Strict):
    """Everything ``planning score`` can be told: one index method each, the focus rule,
    the stability draws, the number of typology clusters and the random seed."""

    poverty: IndexSettings = IndexSettings()
    potential: IndexSettings = IndexSettings()
    focus: FocusSettings = FocusSettings()
    draws: int = Field(1000, ge=0, le=MAX_DRAWS)
    clusters: int | None = Field(None, ge=2)
    seed: int = Field(2020, ge=0, le=MAX_SEED)


@dataclass(frozen=True)
class Scenario:
    """What ``planning score`` takes from a scenario file."""

    path: Path
    data: Path | None
    scoring: dict  # the raw ``scoring:`` section (validated separately)
    unused: tuple[str, ...]  # top-level sections of the full scenario, not used here


def read_scenario(path: str | Path) -> Scenario:
    """Read ``path`` as YAML (over its ``base`` scenario, if it names one) and take its
    ``data`` and ``scoring`` sections."""
    path = Path(path)
    here = Place(file=path.as_posix())
    raw = merged_tree(path)
    allowed = [*USED_SECTIONS, *OTHER_SECTIONS]
    problems = [problem(here, "settings.unknown_key", name=key,
                        guess=closest(str(key), allowed), allowed=", ".join(allowed))
                for key in raw if key not in allowed]
    data = raw.get("data")
    if data is not None and not isinstance(data, str):
        problems.append(problem(Place(here.file, "data"), "settings.not_text", value=data))
    elif data is not None and not usable_path(data):
        problems.append(problem(Place(here.file, "data"), "settings.bad_path", value=data))
    scoring = raw.get("scoring")
    scoring = {} if scoring is None else scoring
    if not isinstance(scoring, dict):
        problems.append(problem(Place(here.file, "scoring"), "settings.not_mapping",
                                value=scoring))
    if problems:
        raise SettingsError(problems)
    return Scenario(path=path, data=Path(data) if data else None, scoring=scoring,
                    unused=tuple(key for key in raw if key in OTHER_SECTIONS))


# ---------------------------------------------------------------- scenario + options

# command-line option -> the setting it overrides
OPTIONS: dict[str, tuple[str, ...]] = {
    "--normalisation": ("poverty", "normalisation"),
    "--weighting": ("poverty", "weighting"),
    "--aggregation": ("poverty", "aggregation"),
    "--weight": ("poverty", "weights"),
    "--potential-normalisation": ("potential", "normalisation"),
    "--potential-weighting": ("potential", "weighting"),
    "--potential-aggregation": ("potential", "aggregation"),
    "--per-kecamatan": ("focus", "per_kecamatan"),
    "--rule": ("focus", "rule"),
    "--alpha": ("focus", "alpha"),
    "--include-kelurahan": ("focus", "include_kelurahan"),
    "--force-in": ("focus", "force_in"),
    "--force-out": ("focus", "force_out"),
    "--draws": ("draws",),
    "--clusters": ("clusters",),
    "--seed": ("seed",),
}


def options(given: Mapping[str, object]) -> dict[str, tuple[tuple[str, ...], object]]:
    """The command-line options that were given (not None), as option -> (path, value).
    ``--weight`` values are NAME=NUMBER texts; repeated options are lists."""
    out = {}
    for name, value in given.items():
        if value is None or name not in OPTIONS:
            continue
        if name == "--weight":
            value = _weights(value)
        elif isinstance(value, list | tuple):
            value = tuple(value)
        out[name] = (OPTIONS[name], value)
    return out


def _weights(items: list[str]) -> dict[str, str]:
    weights, problems = {}, []
    for item in items:
        name, sep, number = item.partition("=")
        if not sep or not name.strip():
            problems.append(problem(Place(option="--weight"), "settings.bad_weight_option",
                                    value=item))
            continue
        weights[name.strip()] = number.strip()
    if problems:
        raise SettingsError(problems, exit_code=2)
    return weights


def _set(tree: dict, path: tuple[str, ...], value: object) -> dict:
    """A copy of ``tree`` with ``value`` at ``path``."""
    out = dict(tree)
    if len(path) == 1:
        out[path[0]] = value
        return out
    inner = out.get(path[0])
    out[path[0]] = _set(inner if isinstance(inner, dict) else {}, path[1:], value)
    return out


def _has(tree: Mapping, path: tuple[str, ...]) -> bool:
    for part in path:
        if not isinstance(tree, Mapping) or part not in tree:
            return False
        tree = tree[part]
    return True


@dataclass(frozen=True)
class Resolved:
    """The settings to score with, and where each of them came from."""

    settings: ScoringSettings
    data: Path
    scenario: Scenario | None
    options: dict[tuple[str, ...], str]  # setting path -> the option that set it

    def place(self, path: tuple[str, ...]) -> tuple[Place, int]:
        """Where the setting at ``path`` came from, and the exit code for an error in it."""
        for length in range(len(path), 0, -1):
            if path[:length] in self.options:
                return Place(option=self.options[path[:length]]), 2
        if self.scenario is not None:
            for length in range(len(path), 0, -1):
                if _has(self.scenario.scoring, path[:length]):
                    return Place(self.scenario.path.as_posix(),
                                 dotted(("scoring", *path[:length]))), 1
            return Place(self.scenario.path.as_posix(), "scoring"), 1
        return Place(), 1

    def option_place(self, path: tuple[str, ...]) -> tuple[Place, int]:
        """Like :meth:`place`, for an error that only the options can have caused (the
        scenario alone was valid): the option at ``path``, else those of its section."""
        place, code = self.place(path)
        if code == 2:
            return place, code
        related = [o for p, o in self.options.items() if path and p[0] == path[0]]
        return Place(option=", ".join(related or self.options.values())), 2

    def explain(self, exc: ScoringError) -> SettingsError:
        """A scoring error found with the data (an unknown village code, a weight for an
        unknown indicator) as a settings error naming its option or key."""
        place, code = self.place(tuple(exc.field.split(".")) if exc.field else ())
        return SettingsError([SettingsProblem(place, exc.key, tuple(sorted(
            exc.params.items())))], exit_code=code)


def _validate(tree: dict, place_of) -> ScoringSettings:
    try:
        return ScoringSettings.model_validate(tree)
    except ValidationError as exc:
        problems, codes = [], []
        for error in exc.errors():
            path, key, params = describe_error(error, ScoringSettings)
            place, code = place_of(tuple(str(p) for p in path))
            problems.append(problem(place, key, **params))
            codes.append(code)
        raise SettingsError(problems, exit_code=max(codes)) from None


def resolve(scenario: str | Path | None = None, data: str | Path | None = None,
            options: Mapping[str, tuple[tuple[str, ...], object]] | None = None,
            default_data: str | Path = "data/buleleng") -> Resolved:
    """Settings from ``scenario`` (a YAML file, optional), then ``options``: option name ->
    (setting path, value), each overriding the scenario. ``data`` (the --data option)
    overrides the scenario's ``data:``, which overrides ``default_data``."""
    found = read_scenario(scenario) if scenario is not None else None
    tree = dict(found.scoring) if found else {}
    where = Path(data) if data is not None else (
        found.data if found and found.data else Path(default_data))
    from_file = Resolved(ScoringSettings(), where, found, {})
    settings = _validate(tree, from_file.place)
    given = {}
    for option, (path, value) in (options or {}).items():
        tree = _set(tree, path, value)
        given[path] = option
    resolved = Resolved(settings, where, found, given)
    if given:
        resolved = Resolved(_validate(tree, resolved.option_place), where, found, given)
    return resolved

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

import difflib
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planning.data.problems import with_hint
from planning.i18n import DEFAULT_LANGUAGE, text
from planning.scoring.focus import RULES, FocusRule
from planning.scoring.indices import (
    AGGREGATIONS,
    NORMALISATIONS,
    WEIGHTINGS,
    Method,
    ScoringError,
)

USED_SECTIONS = ("data", "scoring")
# sections of the full scenario (a later stage); allowed here, reported as not used
OTHER_SECTIONS = ("name", "description", "base", "villages", "budgets", "rules", "locks",
                  "objective", "solver", "output")

if TYPE_CHECKING:
    from planning.data import DataSet
    from planning.scoring import ScoreResult

Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]


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
    alpha: float = Field(0.3, ge=0, le=1)
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
    draws: int = Field(1000, ge=0)
    clusters: int | None = Field(None, ge=2)
    seed: int = Field(2020, ge=0)

    def score(self, ds: DataSet) -> ScoreResult:
        """Score the data set ``ds`` with these settings."""
        from planning.scoring import score_villages

        return score_villages(ds, poverty=self.poverty.method(),
                              potential=self.potential.method(), focus=self.focus.focus_rule(),
                              draws=self.draws, clusters=self.clusters, seed=self.seed)


# ---------------------------------------------------------------- errors, in two languages

@dataclass(frozen=True)
class Place:
    """Where a setting came from: a key in a file, or a command-line option."""

    file: str | None = None
    key: str | None = None
    option: str | None = None

    def render(self, lang: str) -> str:
        if self.option:
            return text("where.option", lang, option=self.option)
        parts = [self.file] if self.file else []
        if self.key:
            parts.append(text("where.key", lang, path=self.key))
        return ", ".join(parts)


@dataclass(frozen=True)
class SettingsProblem:
    place: Place
    key: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        params = with_hint(dict(self.params), lang)
        where = self.place.render(lang)
        body = text(self.key, lang, **params)
        label = text("severity.error", lang)
        return f"[{label}] {where}: {body}" if where else f"[{label}] {body}"


class SettingsError(Exception):
    """Settings that cannot be used. ``exit_code``: 1 for a file, 2 for a command-line
    option (wrong usage)."""

    def __init__(self, problems: list[SettingsProblem], exit_code: int = 1):
        self.problems, self.exit_code = problems, exit_code
        super().__init__(self.render("en"))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return "\n".join(p.message(lang) for p in self.problems)


def problem(place: Place, key: str, **params: object) -> SettingsProblem:
    return SettingsProblem(place, key, tuple(sorted(params.items())))


def _guess(word: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(word, allowed, n=1)
    return close[0] if close else ""


def _fields_at(loc: tuple, root: Any = None) -> list[str]:
    """The keys allowed at ``loc`` (a path of field names and list positions) in ``root``
    (a pydantic model class; ScoringSettings by default)."""
    model: Any = root or ScoringSettings
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            model = _inner(model)
            continue
        model = _inner(model).model_fields[part].annotation
    model = _inner(model)
    return list(getattr(model, "model_fields", {}))


def _inner(annotation: Any) -> Any:
    """The model inside an annotation such as ``list[Lock]``, ``Rules | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation


def _describe(error: dict, root: Any = None) -> tuple[tuple, str, dict]:
    """(path, message key, params) for one pydantic error of the model ``root``."""
    loc, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], root)
        return loc[:-1], "settings.unknown_key", {
            "name": loc[-1], "guess": _guess(str(loc[-1]), allowed), "allowed": ", ".join(
                allowed)}
    if kind == "value_error" and isinstance(ctx.get("error"), ScoringError):
        exc = ctx["error"]
        return (*loc, *exc.field.split(".")), exc.key, dict(exc.params)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return loc, "not_allowed", {"value": value, "allowed": ", ".join(allowed)}
    if kind == "greater_than_equal":
        limit = ctx["ge"]
        if limit == 0:
            return loc, "negative", {"value": value}
        return loc, "settings.too_small", {"value": value, "limit": limit}
    if kind == "less_than_equal":
        return loc, "settings.too_large", {"value": value, "limit": ctx["le"]}
    simple = {"int_parsing": "not_an_integer", "int_from_float": "not_an_integer",
              "int_type": "not_an_integer", "float_parsing": "not_a_number",
              "float_type": "not_a_number", "finite_number": "not_a_number",
              "bool_parsing": "settings.not_bool", "bool_type": "settings.not_bool",
              "model_type": "settings.not_mapping", "dict_type": "settings.not_mapping",
              "tuple_type": "settings.not_list", "list_type": "settings.not_list",
              "string_type": "settings.not_text"}
    if kind in simple:
        return loc, simple[kind], {"value": value}
    return loc, "settings.invalid", {"value": value, "detail": error["msg"]}


def _dotted(path: tuple) -> str:
    return ".".join(str(part) for part in path)


# ---------------------------------------------------------------- reading a scenario file

class _StrictLoader(yaml.SafeLoader):
    """YAML loader that rejects a key given twice in one mapping."""


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, line: int):
        super().__init__(f"duplicate key '{key}' at line {line}")
        self.key, self.line = key, line


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass(frozen=True)
class Scenario:
    """What ``planning score`` takes from a scenario file."""

    path: Path
    data: Path | None
    scoring: dict  # the raw ``scoring:`` section (validated separately)
    unused: tuple[str, ...]  # top-level sections of the full scenario, not used here


def load_yaml(path: str | Path) -> dict:
    """A YAML file as a mapping; every way it can be unreadable is a SettingsError that
    names the file (and line), never a traceback."""
    path = Path(path)
    here = Place(file=path.as_posix())
    if not path.is_file():
        raise SettingsError([problem(here, "settings.no_file")])
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except _DuplicateKey as exc:
        raise SettingsError([problem(here, "settings.duplicate_key", name=exc.key,
                                     line=exc.line)]) from None
    except UnicodeDecodeError as exc:
        raise SettingsError([problem(here, "settings.unreadable", detail=exc.reason)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or ""
        raise SettingsError([problem(here, "settings.yaml", line=mark.line + 1 if mark else 0,
                                     column=mark.column + 1 if mark else 0,
                                     detail=detail)]) from None
    except yaml.YAMLError as exc:
        raise SettingsError([problem(here, "settings.yaml", line=0, column=0,
                                     detail=str(exc))]) from None
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise SettingsError([problem(here, "settings.top_not_mapping",
                                     kind=type(raw).__name__)])
    return raw


def read_scenario(path: str | Path) -> Scenario:
    """Read ``path`` as YAML (over its ``base`` scenario, if it names one) and take its
    ``data`` and ``scoring`` sections."""
    path = Path(path)
    here = Place(file=path.as_posix())
    from planning.scenario import merged_tree

    raw = merged_tree(path)
    allowed = [*USED_SECTIONS, *OTHER_SECTIONS]
    problems = [problem(here, "settings.unknown_key", name=key,
                        guess=_guess(str(key), allowed), allowed=", ".join(allowed))
                for key in raw if key not in allowed]
    data = raw.get("data")
    if data is not None and not isinstance(data, str):
        problems.append(problem(Place(here.file, "data"), "settings.not_text", value=data))
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
                                 _dotted(("scoring", *path[:length]))), 1
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
            path, key, params = _describe(error)
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

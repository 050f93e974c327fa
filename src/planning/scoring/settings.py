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

import codecs
import difflib
import math
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from planning.data.problems import with_hint
from planning.i18n import DEFAULT_LANGUAGE, abridge, capped, shown, text
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
            parts.append(text("where.key", lang, path=abridge(self.key)))
        return ", ".join(parts)


@dataclass(frozen=True)
class SettingsProblem:
    place: Place
    key: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        params = with_hint(shown(dict(self.params)), lang)
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
        """Every problem, one a line; past :data:`planning.i18n.MAX_LINES` the rest are
        counted, not listed."""
        return "\n".join(capped([p.message(lang) for p in self.problems], lang))


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


_SIMPLE = {"int_parsing": "not_an_integer", "int_from_float": "not_an_integer",
           "int_type": "not_an_integer", "float_parsing": "not_a_number",
           "float_type": "not_a_number", "finite_number": "settings.not_finite",
           "bool_parsing": "settings.not_bool", "bool_type": "settings.not_bool",
           "model_type": "settings.not_mapping", "dict_type": "settings.not_mapping",
           "model_attributes_type": "settings.not_mapping",
           "tuple_type": "settings.not_list", "list_type": "settings.not_list",
           "string_type": "settings.not_text"}
"""pydantic error types that map to one message with the value as its only parameter."""

_BOUNDS = {"greater_than_equal": ("ge", "settings.too_small"),
           "less_than_equal": ("le", "settings.too_large"),
           "greater_than": ("gt", "settings.above"), "less_than": ("lt", "settings.below")}
"""pydantic bound errors: the bound's name in the error context, and the message."""

_UNION_TAG = re.compile(r"^[\w-]+\[.*\]$")
"""A union member's tag in an error location, such as ``list[str]``: not a key."""


def _describe(error: dict, root: Any = None) -> tuple[tuple, str, dict]:
    """(path, message key, params) for one pydantic error of the model ``root``."""
    kind, value = error["type"], error.get("input")
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and _UNION_TAG.match(p)))
    ctx = error.get("ctx") or {}
    if isinstance(value, float) and not math.isfinite(value):
        return loc, "settings.not_finite", {"value": value}
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], root)
        return loc[:-1], "settings.unknown_key", {
            "name": loc[-1], "guess": _guess(str(loc[-1]), allowed), "allowed": ", ".join(
                allowed)}
    if kind == "missing":
        return loc, "settings.missing_key", {"name": loc[-1] if loc else ""}
    if kind == "invalid_key":
        return loc[:-1], "settings.bad_key", {"value": loc[-1] if loc else value}
    if kind == "value_error" and isinstance(ctx.get("error"), ScoringError):
        exc = ctx["error"]
        return (*loc, *(exc.field.split(".") if exc.field else ())), exc.key, dict(exc.params)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return loc, "not_allowed", {"value": value, "allowed": ", ".join(allowed)}
    if kind in _BOUNDS:
        name, key = _BOUNDS[kind]
        limit = ctx[name]
        if limit == 0 and kind in ("greater_than_equal", "greater_than"):
            key = "negative" if kind == "greater_than_equal" else "not_positive"
        return loc, key, {"value": value, "limit": limit}
    if kind in _SIMPLE:
        return loc, _SIMPLE[kind], {"value": value}
    return loc, "settings.invalid", {"value": value, "detail": error["msg"]}


def _dotted(path: tuple) -> str:
    return ".".join(str(part) for part in path)


# ---------------------------------------------------------------- reading a scenario file

MAX_BYTES = 256 * 1024
"""The largest scenario file read (a scenario holds settings: a few kilobytes)."""
MAX_ALIASES = 50
"""YAML aliases (``*name``) at most in one file."""
MAX_VALUES = 100_000
"""Values (keys, items and scalars) at most in one file once its aliases are expanded."""
MAX_DEPTH = 32
"""Levels of nesting at most in one file, aliases expanded."""


class _Limit(yaml.YAMLError):
    """A YAML document beyond one of the loader's bounds: ``key`` is the message."""

    def __init__(self, key: str, limit: int, mark: yaml.Mark | None):
        super().__init__(key)
        self.key, self.limit, self.line = key, limit, mark.line + 1 if mark else 0


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, line: int):
        super().__init__(f"duplicate key at line {line}")
        self.key, self.line = key, line


class _StrictLoader(yaml.SafeLoader):
    """YAML loader that rejects a key given twice in one mapping and refuses, while it
    composes the document and before it builds anything, more than :data:`MAX_ALIASES`
    aliases, more than :data:`MAX_VALUES` values once aliases are expanded, nesting deeper
    than :data:`MAX_DEPTH` and an alias inside its own anchor: a few hundred bytes of
    nested aliases (a "billion laughs") would otherwise expand to billions of values."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = self._values = self._depth = 0
        self._sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, levels)

    def compose_node(self, parent, index):
        mark = self.peek_event().start_mark
        alias = self.check_event(yaml.AliasEvent)
        self._aliases += alias
        self._depth += 1
        if self._aliases > MAX_ALIASES:
            raise _Limit("settings.too_many_aliases", MAX_ALIASES, mark)
        if self._depth > MAX_DEPTH:
            raise _Limit("settings.too_deep", MAX_DEPTH, mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if not alias:
            self._sizes[id(node)] = self._measure(node)
        elif id(node) not in self._sizes:  # its anchor is still being composed
            raise _Limit("settings.recursive_alias", 0, mark)
        values, levels = self._sizes[id(node)]
        self._values += values if alias else 1
        if self._values > MAX_VALUES:
            raise _Limit("settings.too_many_values", MAX_VALUES, mark)
        if self._depth + levels > MAX_DEPTH:
            raise _Limit("settings.too_deep", MAX_DEPTH, mark)
        return node

    def _measure(self, node: yaml.Node) -> tuple[int, int]:
        """(values, levels) of a composed node, its aliases expanded."""
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            return 1, 1
        sizes = [self._sizes[id(child)] for child in children]
        return 1 + sum(v for v, _ in sizes), 1 + max((d for _, d in sizes), default=0)

    def construct_object(self, node, deep=False):
        """A value that cannot be built (a 5,000-digit number, a date such as 2020-13-45)
        is a YAML error at its line, not a traceback."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value ({type(exc).__name__})",
                node.start_mark) from None


MERGE_TAG = "tag:yaml.org,2002:merge"
REFUSED_TAGS = ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:set", "tag:yaml.org,2002:omap",
                "tag:yaml.org,2002:pairs")
"""YAML types no setting takes (bytes, sets, ordered pairs): refused where they stand."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """A mapping whose own keys (merge keys ``<<`` apart) are each given once."""
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == MERGE_TAG:
            continue
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, typing.Hashable):
            continue  # construct_mapping names the unhashable key
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _refuse(loader: _StrictLoader, node: yaml.Node) -> None:
    raise yaml.constructor.ConstructorError(
        None, None, f"the type {node.tag.rsplit(':', 1)[-1]} is not used in a scenario",
        node.start_mark)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
for _tag in REFUSED_TAGS:
    _StrictLoader.add_constructor(_tag, _refuse)


@dataclass(frozen=True)
class Scenario:
    """What ``planning score`` takes from a scenario file."""

    path: Path
    data: Path | None
    scoring: dict  # the raw ``scoring:`` section (validated separately)
    unused: tuple[str, ...]  # top-level sections of the full scenario, not used here


def load_yaml(path: str | Path) -> dict:
    """A YAML file as a mapping; every way it can be unreadable (missing, a folder, too
    large, binary, not UTF-8, not YAML, beyond the loader's bounds, empty, not a mapping)
    is a SettingsError that names the file (and line), never a traceback or a hang."""
    path = Path(path)
    here = Place(file=path.as_posix())
    source = _source(path, here)
    try:
        raw = yaml.load(source, Loader=_StrictLoader)
    except _DuplicateKey as exc:
        raise SettingsError([problem(here, "settings.duplicate_key", name=exc.key,
                                     line=exc.line)]) from None
    except _Limit as exc:
        raise SettingsError([problem(here, exc.key, limit=exc.limit,
                                     line=exc.line)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or ""
        raise SettingsError([problem(here, "settings.yaml", line=mark.line + 1 if mark else 0,
                                     column=mark.column + 1 if mark else 0,
                                     detail=detail)]) from None
    except yaml.reader.ReaderError as exc:
        line = source.count("\n", 0, max(exc.position, 0)) + 1
        raise SettingsError([problem(here, "settings.yaml", line=line, column=0,
                                     detail=f"character #x{exc.character:04x}")]) from None
    except yaml.YAMLError as exc:
        raise SettingsError([problem(here, "settings.yaml", line=0, column=0,
                                     detail=str(exc))]) from None
    if raw is None:
        raise SettingsError([problem(here, "settings.empty")])
    if not isinstance(raw, dict):
        raise SettingsError([problem(here, "settings.top_not_mapping",
                                     kind=type(raw).__name__)])
    return raw


def _source(path: Path, here: Place) -> str:
    """The text of the file at ``path``; a SettingsError when there is no such file, it
    is a folder or a device, holds more than :data:`MAX_BYTES`, is binary or is not
    UTF-8 (a UTF-8 byte-order mark is allowed)."""
    if not path.exists():
        raise SettingsError([problem(here, "settings.no_file")])
    if not path.is_file():
        raise SettingsError([problem(here, "settings.not_a_file")])
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SettingsError([problem(here, "settings.unreadable",
                                     detail=exc.strerror or type(exc).__name__)]) from None
    if len(data) > MAX_BYTES:
        raise SettingsError([problem(here, "settings.too_big", size=path.stat().st_size,
                                     limit=MAX_BYTES)])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SettingsError([problem(here, "settings.unreadable", detail="UTF-16")])
    if b"\0" in data:
        raise SettingsError([problem(here, "settings.binary")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettingsError([problem(here, "settings.unreadable",
                                     detail=f"{exc.reason}, byte {exc.start}")]) from None


def usable_path(text: str) -> bool:
    """A path as written in a scenario holds no control character (a NUL byte would stop
    the operating system's file functions with a traceback)."""
    return not any(ord(ch) < 32 for ch in text)


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

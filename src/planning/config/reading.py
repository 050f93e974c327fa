"""Reading settings files: the bounded YAML loader, the chain of a scenario and its bases,
and errors that name the file, the key (or command-line option) and what to do, in
Bahasa Indonesia or English. Every configuration reader (:mod:`planning.config.scenario`,
:mod:`planning.config.scoring`) uses these."""

from __future__ import annotations

import codecs
import difflib
import math
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from planning.i18n import DEFAULT_LANGUAGE, abridge, capped, shown, text, with_hint

BASELINE = "baseline"
"""The default base of every other scenario in the same folder."""


class KeyedError(ValueError):
    """A setting that cannot be used, raised inside a settings model's validator: ``key``
    names the message in :mod:`planning.i18n` (``str(error)`` is the English text,
    :meth:`render` any language); ``field`` is the setting at fault, as a dotted path below
    the place being validated (for example ``focus.force_in``)."""

    def __init__(self, key: str, field: str = "", **params: object):
        self.key, self.field, self.params = key, field, params
        message = text(key, "en", **params)
        super().__init__(f"{field}: {message}" if field else message)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return text(self.key, lang, **self.params)

    def at(self, prefix: str):
        """The same error with ``prefix`` put in front of its field."""
        field = ".".join(part for part in (prefix, self.field) if part)
        return type(self)(self.key, field, **self.params)



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


def closest(word: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(word, allowed, n=1)
    return close[0] if close else ""


def _fields_at(loc: tuple, root: Any) -> list[str]:
    """The keys allowed at ``loc`` (a path of field names and list positions) in ``root``
    (a pydantic model class)."""
    model: Any = root
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
_KEY_TAG = "[key]"
"""pydantic's mark of an error in a mapping's key (a year that is not a number): the
location ends at the key itself."""


def describe_error(error: dict, root: Any) -> tuple[tuple, str, dict]:
    """(path, message key, params) for one pydantic error of the model ``root``."""
    kind, value = error["type"], error.get("input")
    loc = tuple(p for p in error["loc"]
                if not (isinstance(p, str) and (_UNION_TAG.match(p) or p == _KEY_TAG)))
    ctx = error.get("ctx") or {}
    if isinstance(value, float) and not math.isfinite(value):
        return loc, "settings.not_finite", {"value": value}
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], root)
        return loc[:-1], "settings.unknown_key", {
            "name": loc[-1], "guess": closest(str(loc[-1]), allowed), "allowed": ", ".join(
                allowed)}
    if kind == "missing":
        return loc, "settings.missing_key", {"name": loc[-1] if loc else ""}
    if kind == "invalid_key":
        return loc[:-1], "settings.bad_key", {"value": loc[-1] if loc else value}
    if kind == "value_error" and isinstance(ctx.get("error"), KeyedError):
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


def dotted(path: tuple) -> str:
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
    if not usable_path(base):
        raise SettingsError([problem(Place(path.as_posix(), "base"), "settings.bad_path",
                                     value=base)])
    found = path.parent / (base if base.endswith((".yaml", ".yml")) else f"{base}.yaml")
    if not found.is_file():
        choices = sorted(p.stem for p in path.parent.glob("*.yaml"))
        close = difflib.get_close_matches(base, choices, n=1)
        raise SettingsError([problem(Place(path.as_posix(), "base"), "scenario.no_base",
                                     name=base, folder=path.parent.as_posix(),
                                     choices=listed(choices),
                                     guess=close[0] if close else "")])
    return found


def listed(names: list[str], limit: int = 20) -> str:
    """The first ``limit`` of ``names``, joined, with an ellipsis when there are more."""
    return ", ".join(names[:limit]) + (", …" if len(names) > limit else "")


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



"""The settings of ``planning score``: a scenario's ``scoring:`` section with
command-line options on top, and where each setting came from (the option, or the file and
key), so that an error names it.

    planning score --scenario scenarios/baseline.yaml --normalisation zscore --draws 200
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from planning.config.reading import (
    Place,
    SettingsError,
    SettingsProblem,
    describe_error,
    dotted,
    problem,
)
from planning.config.scenario import LoadedScenario, load_scenario
from planning.config.scoring import ScoringError, ScoringSettings

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
    scenario: LoadedScenario | None
    options: dict[tuple[str, ...], str]  # setting path -> the option that set it

    def place(self, path: tuple[str, ...]) -> tuple[Place, int]:
        """Where the setting at ``path`` came from, and the exit code for an error in it."""
        for length in range(len(path), 0, -1):
            if path[:length] in self.options:
                return Place(option=self.options[path[:length]]), 2
        if self.scenario is not None:
            scoring = self.scenario.tree.get("scoring") or {}
            for length in range(len(path), 0, -1):
                if _has(scoring, path[:length]):
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
    """Settings from ``scenario`` (a scenario file, read by the one reader of scenarios,
    :func:`planning.config.scenario.load_scenario`, so that its ``data:`` is found as
    ``planning run`` finds it), then ``options``: option name -> (setting path, value),
    each overriding the scenario. ``data`` (the --data option) overrides the scenario's
    data set, which overrides ``default_data``."""
    found = load_scenario(scenario) if scenario is not None else None
    tree = dict((found.tree.get("scoring") or {}) if found else {})
    where = Path(data) if data is not None else (
        found.data_path() if found else Path(default_data))
    from_file = Resolved(ScoringSettings(), where, found, {})
    settings = _validate(tree, from_file.place)
    given = {}
    for option, (path, value) in (options or {}).items():
        tree = _set(tree, path, value)
        given[path] = option
    resolved = Resolved(settings, where, found, given)
    if given:
        resolved = Resolved(_validate(tree, resolved.option_place), where, found, given)
    rule = resolved.settings.focus.rule
    if ("focus", "alpha") in given and rule != "blend":  # --alpha would change nothing
        raise SettingsError([problem(Place(option="--alpha"), "settings.alpha_unused",
                                     rule=rule)], exit_code=2)
    return resolved

"""The reviewer's re-run: run every shipped scenario again from a clean state, recompute
its results independently, and say plainly whether the results reproduce.

For every scenario file in the scenario folder, :func:`rerun_all`

1. runs it into a fresh folder (a new temporary folder by default), from the project
   folder (the scenario folder's parent) exactly as ``planning run scenarios/NAME.yaml``
   does, in the scenario's own output language, so its files can be compared byte for
   byte with ``results/NAME``;
2. recomputes the plan's numbers from the exported CSV files and the data set's CSV files
   with pandas alone (never with :mod:`planning.model`): agency pagu, costs, unit bounds
   and need caps, reach (effectiveness and synergy bonus), saturation, minimum programmes
   per village, locks, and the objective of ``summary.json``; and checks the plan read
   back from ``allocation_plan.csv`` against the remaining rules with the model's own
   checks (the registry :mod:`planning.model.rules`, on the instance rebuilt from the
   scenario, the data set and ``village_scores.csv``): eligibility, the district
   ceiling, capacity, kecamatan and village shares, requires and excludes (see
   :data:`CHECKS` and ``docs/model.md``);
   A multi-year scenario (a ``horizon:`` section) is recomputed from ``years/units.csv``,
   ``years/removed.csv``, ``years/spend.csv`` and the data set's CSV files
   (:data:`YEAR_CHECKS`, docs/multi-year.md): every year's spending per agency
   ((unit_cost x units + fixed_cost) / duration) within that year's pagu of the horizon,
   works of several years continued (units in work = the starts of the last n years),
   the need over the years, and removed <= deprived at each year's start;
3. compares the SHA-256 of every output file except ``timing.json`` (wall-clock times)
   with the earlier results folder ``results/NAME`` when there is one, and with a second
   fresh run when asked (``twice=True``), which shows the run is deterministic.

:class:`Review` holds one row per scenario (:meth:`Review.table`) and one plain sentence
(:meth:`Review.verdict`), in Bahasa Indonesia (default) or English.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planning import i18n
from planning.config.scenario import is_region_scenario, load_scenario
from planning.data.loading import load_dataset, sha256
from planning.model import Breach, Instance, build_instance, check_plan
from planning.report.environment import LOCK_FILE, VersionDifference, lock_differences, read_lock

SKIPPED = frozenset({"timing.json"})
"""Output files left out of the hash comparison: wall-clock times differ on every run."""
OBJECTIVE_TOL = 1e-6
"""Relative tolerance of the recomputed objective against summary.json."""
RTOL, ATOL = 1e-5, 1e-6
"""Tolerances for numbers read back from the CSV files, written with 10 significant digits."""
LISTED = 3
"""How many reasons or file names a table cell or the verdict lists before "and N more"."""

PLAN, AGENCIES, VILLAGES, DIMENSIONS = ("allocation_plan.csv", "allocation_agencies.csv",
                                        "allocation_villages.csv", "allocation_dimensions.csv")
SCORES, SUMMARY = "village_scores.csv", "summary.json"
CODES = {"code": str, "village": str, "kecamatan_code": str}


@dataclass(frozen=True)
class Finding:
    """One thing a check found wrong: a message key of the catalogue (without
    ``review.fail.``) and its values."""

    key: str
    params: dict = field(default_factory=dict)

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        shown = {k: _shown(v, lang) for k, v in self.params.items()}
        return i18n.text(f"review.fail.{self.key}", lang, **shown)


@dataclass(frozen=True)
class RuleFinding:
    """A rule of the model's registry broken by the plan read back from the CSV files: a
    :class:`planning.model.Breach`, rendered with the rule's label and message."""

    breach: Breach

    @property
    def key(self) -> str:
        return self.breach.message

    @property
    def params(self) -> dict:
        return self.breach.params

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return self.breach.render(lang)


def _shown(value: object, lang: str) -> object:
    if isinstance(value, float | np.floating):
        out = f"{float(value):.10g}"
        return out.replace(".", ",") if lang == "id" else out
    return value


def _listed(items: list[str], lang: str, limit: int = LISTED) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return i18n.text("review.more", lang, shown=", ".join(items[:limit]), n=len(items) - limit)


# --- hashes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HashComparison:
    """SHA-256 of every output file (``timing.json`` left out) of a fresh run against a
    reference folder."""

    reference: Path
    compared: tuple[str, ...]
    """Every file name on either side."""
    identical: tuple[str, ...]
    changed: tuple[str, ...] = ()
    """On both sides, with different contents."""
    missing: tuple[str, ...] = ()
    """Written by the fresh run, not in the reference folder."""
    extra: tuple[str, ...] = ()
    """Only in the reference folder."""

    @property
    def differing(self) -> tuple[str, ...]:
        return self.changed + self.missing + self.extra

    @property
    def same(self) -> bool:
        return bool(self.compared) and not self.differing

    def describe(self, lang: str) -> str:
        """What differs, in words: changed files, then missing ones, then extra ones."""
        parts = [i18n.text(f"review.diff.{kind}", lang, files=_listed(list(names), lang))
                 for kind, names in (("changed", self.changed), ("missing", self.missing),
                                     ("extra", self.extra)) if names]
        return "; ".join(parts)


def file_hashes(folder: str | Path) -> dict[str, str]:
    """Relative path (``figures/x.png``) -> SHA-256 of every output file in ``folder``."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in SKIPPED}


def compare_hashes(folder: str | Path, reference: str | Path) -> HashComparison:
    """The output files of ``folder`` against those of ``reference``, by SHA-256."""
    ours, theirs = file_hashes(folder), file_hashes(reference)
    both = [n for n in ours if n in theirs]
    return HashComparison(
        reference=Path(reference), compared=tuple(sorted(set(ours) | set(theirs))),
        identical=tuple(n for n in both if ours[n] == theirs[n]),
        changed=tuple(n for n in both if ours[n] != theirs[n]),
        missing=tuple(n for n in ours if n not in theirs),
        extra=tuple(n for n in theirs if n not in ours))


def _display(path: Path) -> str:
    """``path`` relative to the working folder when it is near, else as it is."""
    relative = Path(os.path.relpath(path))
    return (relative if relative.parts[:2] != ("..", "..") else path).as_posix()


# --- the independent checks ---------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """The exported tables and the data set's tables, read with pandas only."""

    plan: pd.DataFrame  # plan rows of known programmes, with the catalogue's columns (*_csv)
    unknown: pd.DataFrame  # plan rows whose programme is not in programs.csv
    agencies: pd.DataFrame
    villages: pd.DataFrame  # allocation_villages.csv by village
    dimensions: pd.DataFrame  # allocation_dimensions.csv by dimension
    scores: pd.DataFrame  # village_scores.csv by code
    summary: dict
    indicators: pd.DataFrame  # indicators.csv by code
    count_of: pd.Series  # dimension -> count indicator (groups.csv)
    synergies: pd.DataFrame  # rules.csv rows with rule == synergy
    pagu: dict[str, float]
    plan_villages: list[str]
    settings: object  # planning.model.ModelSettings
    instance: Instance  # rebuilt from the data set, village_scores.csv and the scenario


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=CODES)


def _inputs(folder: Path, scenario, data: Path) -> _Inputs:
    catalogue = _read(data, "programs.csv").set_index("code")
    agencies_csv = _read(data, "agencies.csv")
    settings = scenario.model_settings(dict(zip(agencies_csv["code"],
                                                agencies_csv["pagu"].astype(float),
                                                strict=True)))
    raw = _read(folder, PLAN)
    known = raw["program"].isin(catalogue.index)
    columns = ["agency", "dimension", "sector", "unit_cost", "fixed_cost",
               "beneficiaries_per_unit", "min_units", "max_units", "need_indicator"]
    catalogue = catalogue.assign(depth=catalogue["depth"].fillna(1.0)
                                 if "depth" in catalogue else 1.0)
    if not settings.rules.programme_depth:
        catalogue["depth"] = 1.0
    plan = raw[known].merge(catalogue[[*columns, "depth"]], left_on="program",
                            right_index=True, how="left", suffixes=("", "_csv"))
    scores = _read(folder, SCORES).set_index("code")
    if settings.villages == "focus":
        plan_villages = sorted(scores.index[scores["selected"].astype(str) == "True"])
    elif settings.villages == "all":
        plan_villages = sorted(_read(data, "villages.csv")["code"])
    else:
        plan_villages = sorted(settings.villages)
    groups = _read(data, "groups.csv")
    rules_path = data / "rules.csv"
    rules = pd.read_csv(rules_path) if rules_path.is_file() else pd.DataFrame(
        columns=["rule", "program_a", "program_b", "bonus"])
    instance = build_instance(load_dataset(data), scores.reset_index(), settings)
    return _Inputs(
        plan=plan.reset_index(drop=True), unknown=raw[~known],
        agencies=_read(folder, AGENCIES).set_index("agency"),
        villages=_read(folder, VILLAGES).set_index("village"),
        dimensions=_read(folder, DIMENSIONS).set_index("dimension"), scores=scores,
        summary=json.loads((folder / SUMMARY).read_text(encoding="utf-8")),
        indicators=_read(data, "indicators.csv").set_index("code"),
        count_of=groups[groups["kind"] == "dimension"].set_index("group")["count_indicator"],
        synergies=rules[rules["rule"] == "synergy"], pagu=dict(settings.pagu),
        plan_villages=plan_villages, settings=settings, instance=instance)


def _where(row) -> str:
    return f"{row.program} @ {row.village}"


def _differ(shown: pd.Series, expected: pd.Series) -> pd.Series:
    """Where a number read back from a CSV file is not the recomputed one."""
    return ~np.isclose(shown.astype(float), expected.astype(float), rtol=RTOL, atol=ATOL)


def _value_findings(file: str, column: str, where: Iterable[str], shown: pd.Series,
                    expected: pd.Series) -> list[Finding]:
    bad = _differ(shown, expected)
    return [Finding("value", {"file": file, "where": w, "column": column, "shown": float(s),
                              "expected": float(e)})
            for w, s, e, b in zip(where, shown, expected, bad, strict=True) if b]


def _cost(x: _Inputs) -> pd.Series:
    p = x.plan
    return p["unit_cost_csv"] * p["units"] + p["fixed_cost_csv"]


def _check_cost(x: _Inputs) -> list[Finding]:
    """cost = unit_cost x units + fixed_cost, with the prices of programs.csv."""
    found = [Finding("unknown_program", {"program": r.program, "village": r.village})
             for r in x.unknown.itertuples(index=False)]
    where = [_where(r) for r in x.plan.itertuples(index=False)]
    for column in ("unit_cost", "fixed_cost"):
        found += _value_findings(PLAN, column, where, x.plan[column], x.plan[f"{column}_csv"])
    return found + _value_findings(PLAN, "cost", where, x.plan["cost"], _cost(x))


def _check_pagu(x: _Inputs) -> list[Finding]:
    """Every agency's spending (recomputed costs) within the scenario's pagu;
    allocation_agencies.csv agrees. (The district ceiling: :data:`REGISTRY_CHECKED`.)"""
    spend = _cost(x).groupby(x.plan["agency_csv"]).sum()
    spend = pd.Series({a: float(spend.get(a, 0.0)) for a in x.pagu})
    found = []
    rules = x.settings.rules
    if rules.budget_limits:
        found += [Finding("over_pagu", {"agency": a, "used": used, "pagu": x.pagu[a]})
                  for a, used in spend.items() if used > x.pagu[a] + ATOL]
    exported = x.agencies.reindex(spend.index)
    found += _value_findings(AGENCIES, "pagu", spend.index, exported["pagu"],
                             pd.Series(x.pagu).reindex(spend.index))
    return found + _value_findings(AGENCIES, "used", spend.index, exported["used"], spend)


def _need(x: _Inputs, columns: pd.Series) -> np.ndarray:
    """indicators.csv[village, column] for every plan row."""
    return np.array([float(x.indicators.at[v, c])
                     for v, c in zip(x.plan["village"], columns, strict=True)])


def _check_units(x: _Inputs) -> list[Finding]:
    """min_units <= units <= min(max_units, ceil(need / beneficiaries_per_unit))."""
    p = x.plan
    hi = p["max_units"].to_numpy(dtype=float)
    if x.settings.rules.need_cap:
        cap = np.ceil(_need(x, p["need_indicator"]) / p["beneficiaries_per_unit"] - 1e-9)
        hi = np.minimum(hi, cap)
    bad = (p["units"] < p["min_units"]) | (p["units"] > hi)
    return [Finding("units", {"program": r.program, "village": r.village, "units": r.units,
                              "lo": int(r.min_units), "hi": int(h)})
            for r, h, b in zip(p.itertuples(index=False), hi, bad, strict=True) if b]


def _check_reach(x: _Inputs) -> list[Finding]:
    """effectiveness = floor + (1 - floor) x sector potential (1 for other programmes),
    synergy bonus from rules.csv, households_reached = beneficiaries_per_unit x units x
    effectiveness x (1 + synergy bonus)."""
    p, rules = x.plan, x.settings.rules
    effect = np.ones(len(p))
    if rules.effectiveness:
        productive = p["sector"].notna().to_numpy()
        potential = [float(x.scores.at[v, f"potential_{s}"]) if ok else 0.0
                     for v, s, ok in zip(p["village"], p["sector"], productive, strict=True)]
        floor = rules.effectiveness_floor
        effect = np.where(productive, floor + (1 - floor) * np.clip(potential, 0, 1), 1.0)
    running = set(zip(p["village"], p["program"], strict=True))
    bonus = np.zeros(len(p))
    if rules.synergy:
        for s in x.synergies.itertuples(index=False):
            for i, (v, prog) in enumerate(zip(p["village"], p["program"], strict=True)):
                partner = s.program_b if prog == s.program_a else (
                    s.program_a if prog == s.program_b else None)
                if partner is not None and (v, partner) in running:
                    bonus[i] += float(s.bonus)
    reach = p["beneficiaries_per_unit"] * p["units"] * effect * (1 + bonus)
    where = [_where(r) for r in p.itertuples(index=False)]
    return (_value_findings(PLAN, "effectiveness", where, p["effectiveness"],
                            pd.Series(effect))
            + _value_findings(PLAN, "synergy_bonus", where, p["synergy_bonus"],
                              pd.Series(bonus))
            + _value_findings(PLAN, "households_reached", where, p["households_reached"],
                              reach))


def _removed(x: _Inputs) -> pd.DataFrame:
    """Per plan village and dimension: deprived (indicators.csv, the dimension's count
    indicator), reached (sum of households_reached) and removed = min(reached, deprived)
    (reached when the saturation rule is off)."""
    reached = x.plan.groupby(["village", "dimension_csv"])["households_reached"].sum()
    rows = [(v, d, float(x.indicators.at[v, indicator]), float(reached.get((v, d), 0.0)))
            for v in x.plan_villages for d, indicator in x.count_of.items()]
    cells = pd.DataFrame(rows, columns=["village", "dimension", "deprived", "reached"])
    cap = cells["deprived"] if x.settings.rules.saturation else np.inf
    return cells.assign(removed=np.minimum(cells["reached"], cap))


def _check_saturation(x: _Inputs) -> list[Finding]:
    """removed <= deprived and removed = min(sum of households_reached, deprived), per
    village and dimension in allocation_villages.csv and per dimension in
    allocation_dimensions.csv."""
    cells = _removed(x)
    table = x.villages.reindex(x.plan_villages)
    exported = {c: pd.Series([float(table.at[v, f"{c}_{d}"]) for v, d in
                              zip(cells["village"], cells["dimension"], strict=True)])
                for c in ("deprived", "removed")}
    found = []
    if x.settings.rules.saturation:
        over = exported["removed"] > cells["deprived"] + ATOL
        found += [Finding("saturation", {"village": v, "dimension": d, "removed": r,
                                         "deprived": float(n)})
                  for v, d, r, n, b in zip(cells["village"], cells["dimension"],
                                           exported["removed"], cells["deprived"], over,
                                           strict=True) if b]
    where = [f"{v} {d}" for v, d in zip(cells["village"], cells["dimension"], strict=True)]
    for column in ("deprived", "removed"):
        found += _value_findings(VILLAGES, column, where, exported[column], cells[column])
    totals = cells.groupby("dimension")[["deprived", "reached", "removed"]].sum()
    dims = x.dimensions.reindex(totals.index)
    for column in ("deprived", "reached", "removed"):
        found += _value_findings(DIMENSIONS, column, totals.index, dims[column],
                                 totals[column])
    return found


def _check_coverage(x: _Inputs) -> list[Finding]:
    """Plan rows only in the scenario's villages, every one of them with at least the
    minimum number of programmes, and allocation_villages.csv listing exactly them."""
    found = [Finding("outside", {"village": v})
             for v in sorted(set(x.plan["village"]) - set(x.plan_villages))]
    listed = set(x.villages.index)
    if listed != set(x.plan_villages):
        found.append(Finding("village_list", {"codes": ", ".join(
            sorted(listed ^ set(x.plan_villages)))}))
    count = x.plan.groupby("village")["program"].nunique()
    m = x.settings.rules.min_programs_per_village
    return found + [Finding("coverage", {"village": v, "n": int(count.get(v, 0)), "m": m})
                    for v in x.plan_villages if count.get(v, 0) < m]


def _check_locks(x: _Inputs) -> list[Finding]:
    """Every lock of the scenario: in (with its units when given) or out."""
    units = {(r.village, r.program): int(r.units) for r in x.plan.itertuples(index=False)}
    found = []
    for lock in x.settings.locks:
        have = units.get((lock.village, lock.program), 0)
        params = {"program": lock.program, "village": lock.village, "units": have}
        if lock.state == "out" and have:
            found.append(Finding("lock_out", params))
        elif lock.state == "in" and lock.units is None and not have:
            found.append(Finding("lock_in", params))
        elif lock.state == "in" and lock.units is not None and have != lock.units:
            found.append(Finding("lock_units", {**params, "wanted": lock.units}))
    return found


#: the diminishing-returns breakpoints of docs/model.md (shares of a village's deprived)
RETURNS_BREAKS = (0.0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, np.inf)


def _value(lifted: pd.Series, deprived: pd.Series, beta: float) -> pd.Series:
    """F(L; D) = sum_k 2^(-beta k) x (the part of L between D x b_k and D x b_(k+1))."""
    total = pd.Series(0.0, index=lifted.index)
    for k, (low, high) in enumerate(itertools.pairwise(RETURNS_BREAKS)):
        part = (lifted.clip(lower=deprived * low, upper=deprived * high if high < np.inf
                            else None) - deprived * low).clip(lower=0)
        total += 2.0 ** (-beta * k) * part
    return total


def _lifted(x: _Inputs, cells: pd.DataFrame) -> pd.Series:
    """Per cell of ``cells``: L = sum of depth x households lifted, each plan row lifting
    its households_reached, deepest programmes first, until the removed are used up."""
    plan = x.plan.sort_values(["village", "dimension_csv", "depth", "program"],
                              ascending=[True, True, False, True], kind="stable")
    removed = cells.set_index(["village", "dimension"])["removed"]
    lifted = dict.fromkeys(removed.index, 0.0)
    left = removed.to_dict()
    for r in plan.itertuples(index=False):
        key = (r.village, r.dimension_csv)
        take = min(float(r.households_reached), left.get(key, 0.0))
        left[key] = left.get(key, 0.0) - take
        lifted[key] = lifted.get(key, 0.0) + float(r.depth) * take
    return pd.Series([lifted[k] for k in removed.index], index=cells.index)


def _check_objective(x: _Inputs) -> list[Finding]:
    """sum over villages and dimensions of w_v x omega_d x F(L; D), with
    w_v = 1 + strength x (P_v - min P) / (max P - min P) over the plan's villages, L the
    depth-weighted households lifted and F the diminishing-returns value (F(L) = L when
    it is off): docs/model.md."""
    rules = x.settings.rules
    cells = _removed(x)
    cells["removed"] = _value(_lifted(x, cells), cells["deprived"], rules.diminishing_returns)
    poverty = x.scores["poverty_index"].reindex(x.plan_villages).astype(float)
    spread = poverty.max() - poverty.min()
    if rules.priority_weights and spread > 0:
        weight = 1 + rules.priority_strength * (poverty - poverty.min()) / spread
    else:
        weight = pd.Series(1.0, index=poverty.index)
    omega = cells["dimension"].map(lambda d: rules.dimension_weights.get(d, 1.0))
    expected = float((cells["village"].map(weight) * omega * cells["removed"]).sum())
    shown = float(x.summary["allocation"]["objective"])
    diff = abs(expected - shown) / max(abs(shown), 1e-12)
    if diff <= OBJECTIVE_TOL:
        return []
    return [Finding("objective", {"expected": expected, "shown": shown, "diff": diff})]


REGISTRY_CHECKED = ("eligibility", "ceiling", "capacity", "kecamatan_share", "village_share",
                    "requires", "excludes", "dimension_floor", "absorption", "village_package")
"""The rules checked with the model's own checks (:func:`planning.model.check_plan`) on
the plan read back from allocation_plan.csv: those the pandas checks above leave out."""


def _registry_check(rule: str) -> Callable[[_Inputs], list[RuleFinding]]:
    """The registry's check of ``rule`` on the units of allocation_plan.csv (rows of
    programmes known to programs.csv; the cost check reports the others)."""

    def run(x: _Inputs) -> list[RuleFinding]:
        units = x.plan[["village", "program", "units"]].astype({"units": int})
        return [RuleFinding(b) for b in check_plan(x.instance, units, only=(rule,))]

    run.__doc__ = f"The model's check of the rule '{rule}' (planning.model.check)."
    return run


CHECKS: dict[str, Callable[[_Inputs], list[Finding] | list[RuleFinding]]] = {
    "pagu": _check_pagu,
    "cost": _check_cost,
    "units": _check_units,
    "reach": _check_reach,
    "saturation": _check_saturation,
    "coverage": _check_coverage,
    "locks": _check_locks,
    "objective": _check_objective,
    **{rule: _registry_check(rule) for rule in REGISTRY_CHECKED},
}
"""The checks, in the order they are reported: the independent ones, then the registry's."""


# --- the independent checks of a multi-year plan -----------------------------------------

YEAR_UNITS, YEAR_REMOVED, YEAR_SPEND = "years/units.csv", "years/removed.csv", "years/spend.csv"


@dataclass(frozen=True)
class _YearInputs:
    """The exported tables of a multi-year plan (``years/*.csv``) and the data set's
    tables, read with pandas only, with the horizon as the scenario resolves it."""

    units: pd.DataFrame  # units.csv rows of known programmes, catalogue columns *_csv
    unknown: pd.DataFrame  # units.csv rows whose programme is not in programs.csv
    removed: pd.DataFrame  # removed.csv
    spend: pd.DataFrame  # spend.csv
    summary: dict
    indicators: pd.DataFrame  # indicators.csv by code
    count_of: pd.Series  # dimension -> count indicator (groups.csv)
    pagu: dict[str, dict[int, float]]  # agency -> year -> juta Rp (settings.horizon.pagu)
    years: list[int]
    inflow_pct: dict[str, float]
    settings: object  # planning.model.ModelSettings


def _year_inputs(folder: Path, scenario, data: Path) -> _YearInputs:
    catalogue = _read(data, "programs.csv").set_index("code")
    duration = (catalogue["duration"] if "duration" in catalogue
                else pd.Series(np.nan, index=catalogue.index)).fillna(1).astype(int)
    catalogue = catalogue.assign(duration=duration)
    agencies_csv = _read(data, "agencies.csv")
    settings = scenario.model_settings(dict(zip(agencies_csv["code"],
                                                agencies_csv["pagu"].astype(float),
                                                strict=True)))
    horizon = settings.horizon
    raw = _read(folder, YEAR_UNITS)
    known = raw["program"].isin(catalogue.index)
    columns = ["agency", "unit_cost", "fixed_cost", "beneficiaries_per_unit",
               "need_indicator", "duration"]
    units = raw[known].merge(catalogue[columns], left_on="program", right_index=True,
                             how="left", suffixes=("", "_csv"))
    groups = _read(data, "groups.csv")
    return _YearInputs(
        units=units.reset_index(drop=True), unknown=raw[~known],
        removed=_read(folder, YEAR_REMOVED), spend=_read(folder, YEAR_SPEND),
        summary=json.loads((folder / SUMMARY).read_text(encoding="utf-8")),
        indicators=_read(data, "indicators.csv").set_index("code"),
        count_of=groups[groups["kind"] == "dimension"].set_index("group")["count_indicator"],
        pagu={a: {int(t): float(v) for t, v in by_year.items()}
              for a, by_year in horizon.pagu.items()},
        years=[int(t) for t in horizon.years], inflow_pct=dict(horizon.inflow_pct),
        settings=settings)


def _year_where(row) -> str:
    return f"{row.program} @ {row.village} {row.year}"


def _year_cost(x: _YearInputs) -> pd.Series:
    """This year's share of each work: (unit_cost x units + fixed_cost) / duration."""
    u = x.units
    return (u["unit_cost"] * u["units"] + u["fixed_cost"]) / u["duration_csv"]


def _check_year_pagu(x: _YearInputs) -> list[Finding]:
    """Every year, every agency's spending (the recomputed share of each work in work
    that year, programs.csv) within that year's pagu of the horizon; units.csv's cost,
    spend.csv's pagu and spending, and summary.json's spending per year agree."""
    found = [Finding("unknown_program", {"program": r.program, "village": r.village})
             for r in x.unknown.itertuples(index=False)]
    cost = _year_cost(x)
    found += _value_findings(YEAR_UNITS, "cost", [_year_where(r) for r in
                                                   x.units.itertuples(index=False)],
                             x.units["cost"], cost)
    spent = cost.groupby([x.units["year"], x.units["agency_csv"]]).sum()
    cells = pd.DataFrame([(t, a, x.pagu[a][t], float(spent.get((t, a), 0.0)))
                          for t in x.years for a in sorted(x.pagu)],
                         columns=["year", "agency", "pagu", "spent"])
    if x.settings.rules.budget_limits:
        over = cells[cells["spent"] > cells["pagu"] + ATOL]
        found += [Finding("over_pagu_year", {"agency": r.agency, "year": int(r.year),
                                             "used": r.spent, "pagu": r.pagu})
                  for r in over.itertuples(index=False)]
    exported = x.spend.set_index(["year", "agency"]).reindex(
        pd.MultiIndex.from_frame(cells[["year", "agency"]]))
    where = [f"{a} {t}" for t, a in zip(cells["year"], cells["agency"], strict=True)]
    for column in ("pagu", "spent"):
        found += _value_findings(YEAR_SPEND, column, where, exported[column].reset_index(
            drop=True), cells[column])
    per_year = pd.DataFrame(x.summary["years"]["per_year"]).set_index("year")
    total = cells.groupby("year")["spent"].sum()
    return found + _value_findings(SUMMARY, "spent", total.index,
                                   per_year["spent"].reindex(total.index), total)


def _check_year_works(x: _YearInputs) -> list[Finding]:
    """A work of n > 1 years: units in work in year t = the units started in years
    t - n + 1 .. t, and none ends after the last year; a one-year work is in work only
    in the year it starts; units.csv's duration is programs.csv's."""
    u = x.units
    found = _value_findings(YEAR_UNITS, "duration", [_year_where(r) for r in
                                                      u.itertuples(index=False)],
                            u["duration"], u["duration_csv"])
    starts = u.pivot_table(index=["village", "program"], columns="year", values="started",
                           aggfunc="sum", fill_value=0).reindex(columns=x.years,
                                                                 fill_value=0)
    n_of = u["duration_csv"]
    window = {n: starts.T.rolling(n, min_periods=1).sum().T for n in set(n_of)}
    expected = np.array([window[n].at[(v, p), t] for v, p, t, n in
                         zip(u["village"], u["program"], u["year"], n_of, strict=True)])
    bad = u["units"].to_numpy() != expected
    found += [Finding("continued", {"program": r.program, "village": r.village,
                                    "year": int(r.year), "units": int(r.units),
                                    "started": int(s), "n": int(r.duration_csv)})
              for r, s, b in zip(u.itertuples(index=False), expected, bad, strict=True) if b]
    late = u[(u["started"] > 0) & (u["year"] + u["duration_csv"] - 1 > x.years[-1])]
    return found + [Finding("ends_late", {"program": r.program, "village": r.village,
                                          "year": int(r.year),
                                          "end": int(r.year + r.duration_csv - 1),
                                          "last": x.years[-1]})
                    for r in late.itertuples(index=False)]


def _check_year_need(x: _YearInputs) -> list[Finding]:
    """The units started over the years in a village at most
    ceil(need / beneficiaries_per_unit) (programs.csv, indicators.csv)."""
    if not x.settings.rules.need_cap:
        return []
    u = x.units
    total = u.groupby(["village", "program"], as_index=False).agg(
        started=("started", "sum"), need_indicator=("need_indicator", "first"),
        per_unit=("beneficiaries_per_unit", "first"))
    need = np.array([float(x.indicators.at[v, c]) for v, c in
                     zip(total["village"], total["need_indicator"], strict=True)])
    total["cap"] = np.ceil(need / total["per_unit"] - 1e-9)
    over = total[total["started"] > total["cap"]]
    return [Finding("need_years", {"program": r.program, "village": r.village,
                                   "started": int(r.started), "cap": int(r.cap)})
            for r in over.itertuples(index=False)]


def _check_year_stock(x: _YearInputs) -> list[Finding]:
    """Deprived at the start of year t = D (indicators.csv, the dimension's count
    indicator) x (1 + inflow_pct / 100 x (t - first year)) - removed in the years before
    t; removed <= that, and removed.csv's deprived_start is it."""
    r = x.removed.sort_values(["village", "dimension", "year"], kind="stable")
    before = r.groupby(["village", "dimension"])["removed"].cumsum() - r["removed"]
    start = np.array([float(x.indicators.at[v, x.count_of[d]])
                      for v, d in zip(r["village"], r["dimension"], strict=True)])
    inflow = r["dimension"].map(lambda d: x.inflow_pct.get(d, 0.0) / 100)
    deprived = pd.Series(start, index=r.index) * (1 + inflow * (r["year"] - x.years[0])) \
        - before
    # the removed of earlier years are read back with 10 significant digits: their sum is
    # known to a few millionths of the starting stock
    slack = ATOL + RTOL * (start + before.abs().to_numpy())
    over = r["removed"].to_numpy() > deprived.to_numpy() + slack
    found = [Finding("stock_year", {"village": v, "dimension": d, "year": int(t),
                                    "removed": float(n), "deprived": float(e)})
             for v, d, t, n, e, b in zip(r["village"], r["dimension"], r["year"],
                                         r["removed"], deprived, over, strict=True) if b]
    off = np.abs(r["deprived_start"].to_numpy() - deprived.to_numpy()) > slack
    return found + [Finding("value", {"file": YEAR_REMOVED, "where": f"{v} {d} {t}",
                                      "column": "deprived_start", "shown": float(n),
                                      "expected": float(e)})
                    for v, d, t, n, e, b in zip(r["village"], r["dimension"], r["year"],
                                                r["deprived_start"], deprived, off,
                                                strict=True) if b]


YEAR_CHECKS: dict[str, Callable[[_YearInputs], list[Finding]]] = {
    "year_pagu": _check_year_pagu,
    "year_works": _check_year_works,
    "year_need": _check_year_need,
    "year_stock": _check_year_stock,
}
"""The checks of a multi-year plan (a scenario with a ``horizon:``), from ``years/*.csv``
and the data set's CSV files (docs/multi-year.md)."""


def check_results(folder: str | Path, scenario: str | Path,
                  data: str | Path | None = None
                  ) -> dict[str, tuple[Finding | RuleFinding, ...]]:
    """Recompute the results folder ``folder`` of the scenario file ``scenario`` from its
    CSV files and the data set's (``data``; default: the scenario's, found as
    ``planning run`` finds it). Returns check name -> what it found wrong
    (empty when it passed); ``files`` alone when the files cannot be read. A multi-year
    scenario (a ``horizon:`` section) is checked with :data:`YEAR_CHECKS` on
    ``years/*.csv``, a one-year one with :data:`CHECKS`."""
    folder = Path(folder)
    loaded = load_scenario(scenario)
    sc = loaded.scenario
    data = Path(data) if data is not None else loaded.data_path()
    years = sc.horizon is not None
    checks = YEAR_CHECKS if years else CHECKS
    try:
        inputs = (_year_inputs if years else _inputs)(folder, sc, data)
    except (OSError, ValueError, KeyError) as exc:
        return {"files": (Finding("unreadable", {"file": folder.as_posix(),
                                                 "detail": f"{type(exc).__name__}: {exc}"}),)}
    found = {}
    for name, check in checks.items():
        try:
            found[name] = tuple(check(inputs))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            found[name] = (Finding("broken", {"detail": f"{type(exc).__name__}: {exc}"}),)
    return found


# --- the re-run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioReview:
    """One scenario: its fresh run, the independent checks and the hash comparisons."""

    scenario: str
    file: Path
    folder: Path | None = None
    """The fresh results folder (None when the run failed)."""
    error: Exception | None = None
    checks: dict[str, tuple[Finding | RuleFinding, ...]] = field(default_factory=dict)
    earlier: HashComparison | None = None
    """Against ``results/<scenario>``; None when there were no earlier results."""
    second: HashComparison | None = None
    """Against a second fresh run (``twice=True``)."""

    @property
    def passed(self) -> list[str]:
        return [name for name, found in self.checks.items() if not found]

    @property
    def failed(self) -> list[str]:
        return [name for name, found in self.checks.items() if found]

    @property
    def multi_year(self) -> bool:
        """Checked as a multi-year plan (:data:`YEAR_CHECKS`)."""
        return any(name in YEAR_CHECKS for name in self.checks)

    @property
    def status(self) -> str:
        """``error``, ``failed`` (a check), ``differs`` (a hash), ``reproduced`` (identical
        to the earlier results) or ``checked`` (checks passed, no earlier results)."""
        if self.error is not None:
            return "error"
        if self.failed:
            return "failed"
        if any(c is not None and not c.same for c in (self.earlier, self.second)):
            return "differs"
        return "reproduced" if self.earlier is not None else "checked"

    def error_text(self, lang: str) -> str:
        render = getattr(self.error, "render", None)
        shown = render(lang) if callable(render) else f"{type(self.error).__name__}: {self.error}"
        return " ".join(shown.split())

    def reasons(self, lang: str, limit: int = LISTED) -> str:
        parts = []
        for name in self.failed:
            found = _listed([f.render(lang) for f in self.checks[name]], lang, limit)
            parts.append(f"{i18n.text(f'review.check.{name}', lang)}: {found}")
        return "; ".join(parts)


@dataclass(frozen=True)
class Review:
    """The re-run of every scenario: one :class:`ScenarioReview` per scenario file."""

    rows: tuple[ScenarioReview, ...]
    scenario_dir: Path
    results_dir: Path
    work_dir: Path
    """Where the fresh runs were written (kept for the reviewer to look at)."""
    lang: str = i18n.DEFAULT_LANGUAGE
    twice: bool = False
    versions: tuple[VersionDifference, ...] | None = None
    """Installed packages whose version differs from the project's lock file (empty: all
    match); None when the project has no lock file."""
    locked: int = 0
    """How many packages the lock file pins for this Python and platform."""

    def versions_line(self, lang: str | None = None) -> str:
        """Whether the packages in use are those of the lock file, and which differ."""
        lang = i18n.check_language(lang or self.lang)
        if self.versions is None:
            return i18n.text("review.versions.no_lock", lang, lock=LOCK_FILE)
        if not self.versions:
            return i18n.text("review.versions.same", lang, lock=LOCK_FILE, n=self.locked)
        items = [i18n.text("review.versions.item", lang, package=d.package, locked=d.locked,
                           installed=d.installed or i18n.text("review.versions.missing",
                                                              lang))
                 for d in self.versions]
        return i18n.text("review.versions.differ", lang, lock=LOCK_FILE, n=len(items),
                         items=_listed(items, lang, limit=8))

    @property
    def ok(self) -> bool:
        """Every scenario ran, passed every check, and no compared file differs."""
        return bool(self.rows) and all(r.status in ("reproduced", "checked") for r in self.rows)

    @property
    def reproduced(self) -> bool:
        """As :attr:`ok`, and every scenario had earlier results identical to the fresh run."""
        return bool(self.rows) and all(r.status == "reproduced" for r in self.rows)

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """One row per scenario: status, checks passed and failed (with reasons), the
        earlier results compared, files compared, identical and differing, second run."""
        lang = i18n.check_language(lang or self.lang)
        rows = []
        for r in self.rows:
            c = r.earlier
            failed = r.error_text(lang) if r.error is not None else r.reasons(lang)
            row = {
                "scenario": r.scenario,
                "status": i18n.text(f"review.status.{r.status}", lang),
                "passed": i18n.text("review.passed_of", lang, n=len(r.passed),
                                    total=len(r.checks)) if r.checks else "",
                "failed": failed,
                "earlier": _display(c.reference) if c is not None else i18n.text(
                    "review.no_earlier", lang),
                "compared": len(c.compared) if c is not None else 0,
                "identical": len(c.identical) if c is not None else 0,
                "differing": c.describe(lang) if c is not None else "",
            }
            if self.twice:
                row["second"] = _second(r.second, lang)
            rows.append(row)
        columns = ["scenario", "status", "passed", "failed", "earlier", "compared",
                   "identical", "differing"] + (["second"] if self.twice else [])
        frame = pd.DataFrame(rows, columns=columns)
        return frame.rename(columns={c: i18n.text(f"review.col.{c}", lang) for c in columns})

    def verdict(self, lang: str | None = None) -> str:
        """Plain sentences: do the results reproduce, and if not, which scenario, file or
        check differs; which multi-year scenarios passed the checks of every year; then
        whether the package versions are those of the lock file."""
        lang = i18n.check_language(lang or self.lang)
        years = [r.scenario for r in self.rows if r.multi_year and not r.failed]
        checked = i18n.text("review.verdict.years", lang, names=", ".join(years),
                            checks=", ".join(i18n.text(f"review.check.{n}", lang)
                                             for n in YEAR_CHECKS)) + " " if years else ""
        return f"{self._outcome(lang)} {checked}{self.versions_line(lang)}"

    def _outcome(self, lang: str) -> str:
        if not self.rows:
            return i18n.text("review.verdict.none", lang, folder=self.scenario_dir.as_posix())
        problems = [p for r in self.rows for p in _problems(r, lang)]
        if problems:
            return i18n.text("review.verdict.not", lang, problems="; ".join(problems))
        n = len(self.rows)
        if self.reproduced:
            second = i18n.text("review.verdict.second_too", lang) if self.twice else ""
            return i18n.text("review.verdict.reproduced", lang, n=n, second=second)
        same = [r.scenario for r in self.rows if r.earlier is not None]
        return i18n.text(
            "review.verdict.checked", lang, n=n,
            second=i18n.text("review.verdict.second_alone", lang) if self.twice else "",
            same=i18n.text("review.verdict.same_for", lang, names=", ".join(same))
            if same else "",
            names=", ".join(r.scenario for r in self.rows if r.earlier is None))


def _second(c: HashComparison | None, lang: str) -> str:
    if c is None:
        return ""
    if c.same:
        return i18n.text("review.second.same", lang, n=len(c.compared))
    return c.describe(lang)


def _problems(r: ScenarioReview, lang: str) -> list[str]:
    if r.error is not None:
        return [i18n.text("review.problem.error", lang, scenario=r.scenario,
                          detail=r.error_text(lang))]
    out = []
    if r.failed:
        first = r.checks[r.failed[0]][0].render(lang)
        out.append(i18n.text("review.problem.checks", lang, scenario=r.scenario,
                             checks=", ".join(i18n.text(f"review.check.{n}", lang)
                                              for n in r.failed), first=first))
    if r.earlier is not None and r.earlier.differing:
        out.append(i18n.text("review.problem.earlier", lang, scenario=r.scenario,
                             folder=_display(r.earlier.reference),
                             detail=r.earlier.describe(lang)))
    if r.second is not None and r.second.differing:
        out.append(i18n.text("review.problem.second", lang, scenario=r.scenario,
                             detail=r.second.describe(lang)))
    return out


def _run(file: Path, out: Path) -> Path:
    """Run one scenario file into the fresh folder ``out``, as ``planning run`` does
    (prepare, execute, write; paths are recorded relative to the project folder, so the
    files match those of ``planning run``)."""
    from planning.model.progress import stage
    from planning.pipeline import execute, prepare

    result = execute(prepare(file, out_dir=out))
    with stage("write") as found:
        found["path"] = str(result.write())
    return result.out_dir


def review_scenario(file: Path, root: Path, results_dir: Path, work: Path,
                    twice: bool = False) -> ScenarioReview:
    """Re-run, check and compare one scenario file (absolute paths)."""
    name = file.stem
    try:
        sc = load_scenario(file).scenario
        name = sc.name
        folder = _run(file, work / "first" / name)
        second = None
        if twice:
            second = compare_hashes(folder, _run(file, work / "second" / name))
    except Exception as exc:  # reported per scenario; the other scenarios still run
        return ScenarioReview(scenario=name, file=file, error=exc)
    reference = results_dir / name
    return ScenarioReview(
        scenario=name, file=file, folder=folder,
        checks=check_results(folder, file, data=root / sc.data),
        earlier=compare_hashes(folder, reference) if reference.is_dir() else None,
        second=second)


def rerun_all(scenario_dir: str | Path = "scenarios", results_dir: str | Path = "results",
              work_dir: str | Path | None = None, lang: str = i18n.DEFAULT_LANGUAGE,
              twice: bool = False, only: Iterable[str] | None = None,
              progress: bool = True) -> Review:
    """Re-run every scenario file (``*.yaml``) of ``scenario_dir`` but the region ones
    (``planning region``, not a district run) from a clean state into
    a new folder under ``work_dir`` (a new temporary folder by default; it is kept),
    check each independently and compare its files with ``results_dir/<scenario name>``
    and, with ``twice``, with a second fresh run.

    The runs start in the scenario folder's parent (the project folder), so the data path
    of a scenario resolves as for ``planning run scenarios/NAME.yaml``, and each run
    writes in the scenario's own output language (``lang`` is the language of the table
    and the verdict only). ``only``: file names without ``.yaml`` to re-run, instead of
    all of them. ``progress``: show each run's stages as it goes
    (:mod:`planning.apps.progress`; in a notebook one output area updated in place)."""
    from planning.apps.progress import shown

    lang = i18n.check_language(lang)
    scenario_dir = Path(scenario_dir).resolve()
    results_dir = Path(results_dir).resolve()
    if work_dir is not None:
        Path(work_dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="review-", dir=work_dir)).resolve()
    wanted = None if only is None else set(only)
    files = [f for f in sorted(scenario_dir.glob("*.yaml"))
             if (wanted is None or f.stem in wanted) and not is_region_scenario(f)]
    with shown(lang, 1 if progress else 0, title="review"):
        rows = tuple(review_scenario(f, scenario_dir.parent, results_dir, work, twice)
                     for f in files)
    lock = scenario_dir.parent / LOCK_FILE
    versions = tuple(d for d in lock_differences(lock) if d.package != "pip") \
        if lock.is_file() else None
    return Review(rows=rows, scenario_dir=scenario_dir, results_dir=results_dir,
                  work_dir=work, lang=lang, twice=twice, versions=versions,
                  locked=len(read_lock(lock)) if lock.is_file() else 0)

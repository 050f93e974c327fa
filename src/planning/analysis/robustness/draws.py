"""One draw of the uncertain inputs, as a pure function of (inputs, seed, index).

What is drawn (docs/robustness.md gives the reasons for every range):

* the objective's dimension weights: each one times U(1 - 0.25, 1 + 0.25);
* per programme, its unit cost (with its fixed cost: one cost level) and its
  beneficiaries per unit, each times U(1 - r, 1 + r); r is the programme's
  ``cost_range`` / ``beneficiaries_range`` column of programs.csv when the data set has
  one and the cell is filled, else ``Ranges.programs`` (default 0.20);
* every indicator whose ``status`` is ``synthetic`` in indicator_metadata.csv, per
  village, times U(1 - s, 1 + s), with s its ``noise`` column when the metadata has one,
  else :data:`NOISE` (from how :mod:`planning.data.synth` made it), else
  :data:`DEFAULT_NOISE`. Real and derived indicators are never changed. Whole-numbered
  columns stay whole, nothing goes below 0, and a count never exceeds its denominator
  when both are counted in the same unit (households deprived <= households).

Every draw has its own generator, ``np.random.default_rng(SeedSequence([seed, index]))``,
and draws in a fixed order (weights by dimension code, programmes in programs.csv order,
indicators in metadata order over villages in indicators.csv order): draw ``index`` is the
same whatever was drawn before it, in whichever process.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planning.config.model import ModelSettings
from planning.config.scoring import ScoringSettings
from planning.data import DataSet

#: relative half-width of the dimension weights' draw (+-25 %, issue 15)
WEIGHT_RANGE = 0.25
#: relative half-width of a programme's unit cost and beneficiaries per unit when the
#: data set gives none (+-20 %, issue 15)
PROGRAM_RANGE = 0.20
#: relative half-width of a synthetic indicator without a stated noise
DEFAULT_NOISE = 0.10
#: relative half-width per synthetic indicator of the shipped data set, from the
#: village-level spread planning.data.synth gave it (its lognormal sigma; the uniform
#: draw's standard deviation, s / sqrt(3), stays below that sigma); base counts, whose
#: kecamatan totals are real and only the split is assumed, take the default 10 %
NOISE: dict[str, float] = {
    "population": 0.10, "households": 0.10, "children_under5": 0.10,
    "working_age": 0.10,
    "poor_people": 0.45,            # propensity lognormal(0, 0.45)
    "hh_poor_dtks": 0.45,           # poor people / 4.11: follows poor_people
    "hh_rtlh": 0.30,                # split weight lognormal(0, 0.3)
    "hh_no_safe_water": 0.35,       # rate_count sigma 0.35
    "hh_no_sanitation": 0.35,       # rate_count sigma 0.35
    "people_no_steady_work": 0.25,  # rate_count sigma 0.25
    "children_stunted": 0.15,       # lognormal(0, 0.15)
    "rice_irrigated_ha": 0.40, "dryland_farm_ha": 0.40,  # land shares lognormal(0, 0.4)
    "clove_ha": 0.50, "coffee_ha": 0.50,                 # lognormal(0, 0.5)
    "cattle_head": 0.40, "small_livestock_head": 0.40,   # lognormal(0, 0.4)
    "fishing_households": 0.40,     # fishing rate lognormal(0, 0.4)
    "tourism_attractions": 0.50,    # Poisson counts of about 1: +-50 %
    "micro_enterprises": 0.30,      # lognormal(0, 0.3)
}
#: the factor groups of a draw (the sensitivity ranking's groups)
GROUPS = ("weights", "costs", "beneficiaries", "indicators")


@dataclass(frozen=True)
class Ranges:
    """The ranges of the draws, as relative half-widths (0.2: times U(0.8, 1.2))."""

    weights: float = WEIGHT_RANGE
    programs: float = PROGRAM_RANGE
    """Default for a programme's unit cost and beneficiaries per unit."""
    program_ranges: Mapping[str, float] = field(default_factory=dict)
    """Per programme code, for both of its factors (overrides the data set's columns)."""
    noise: Mapping[str, float] = field(default_factory=dict)
    """Per synthetic indicator (overrides the metadata's ``noise`` and :data:`NOISE`)."""

    def __post_init__(self) -> None:
        values = [self.weights, self.programs, *self.program_ranges.values(),
                  *self.noise.values()]
        bad = [v for v in values if not 0 <= v < 1]
        if bad:
            raise ValueError(f"a range must be in [0, 1), got {bad}")


@dataclass(frozen=True)
class Drawn:
    """One draw: the perturbed data set and settings, and the factors drawn."""

    dataset: DataSet
    scoring_settings: ScoringSettings
    """Unchanged: the scoring keeps the scenario's method and seed (a draw re-scores lean:
    :func:`planning.scoring.score` with ``lean=True``, no stability draws or typology)."""
    model_settings: ModelSettings
    factors: pd.DataFrame
    """One row per factor: ``group`` (:data:`GROUPS`), ``name`` (dimension, programme or
    indicator) and ``factor``: the multiplier drawn (for an indicator, the mean over
    villages of |ln factor|, how far that indicator was moved in this draw)."""
    indicator_factors: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    """Village x synthetic indicator multipliers, before rounding and clipping."""


def noise_of(ds: DataSet, ranges: Ranges | None = None) -> pd.Series:
    """The noise (relative half-width) of every synthetic indicator of ``ds`` present in
    its indicator table, by indicator."""
    ranges = ranges or Ranges()
    meta = ds.indicator_metadata.set_index("indicator")
    stated = pd.to_numeric(meta["noise"], errors="coerce") if "noise" in meta else None
    out = {}
    for name in ds.synthetic_indicators():
        if name not in ds.indicators.columns:
            continue
        if name in ranges.noise:
            out[name] = float(ranges.noise[name])
        elif stated is not None and pd.notna(stated.get(name)):
            out[name] = float(stated[name])
        else:
            out[name] = NOISE.get(name, DEFAULT_NOISE)
    return pd.Series(out, dtype=float)


def program_ranges(ds: DataSet, ranges: Ranges | None = None) -> pd.DataFrame:
    """Per programme code: the ``cost`` and ``beneficiaries`` half-widths of its draws."""
    ranges = ranges or Ranges()
    p = ds.programs
    out = pd.DataFrame(index=pd.Index(p["code"], name="program"))
    for name, col in (("cost", "cost_range"), ("beneficiaries", "beneficiaries_range")):
        given = pd.to_numeric(p[col], errors="coerce").to_numpy() if col in p \
            else np.full(len(p), np.nan)
        out[name] = np.where(np.isnan(given), ranges.programs, given)
        for code, r in ranges.program_ranges.items():
            if code in out.index:
                out.loc[code, name] = float(r)
    return out


def _whole(column: pd.Series) -> bool:
    values = column.dropna().to_numpy(float)
    return bool(np.all(values == np.round(values)))


def draw_inputs(ds: DataSet, scoring_settings: ScoringSettings,
                model_settings: ModelSettings, seed: int, index: int,
                ranges: Ranges | None = None) -> Drawn:
    """Draw ``index`` of run ``seed``: the data set and model settings with perturbed
    weights, programme costs and reach, and synthetic indicators (see the module)."""
    ranges = ranges or Ranges()
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(index)]))
    rows = []

    # 1. dimension weights (1 for a dimension the scenario does not list)
    rules = model_settings.rules
    weights = {}
    for dim in sorted(ds.dimensions["group"].astype(str)):
        f = float(rng.uniform(1 - ranges.weights, 1 + ranges.weights))
        weights[dim] = float(rules.dimension_weights.get(dim, 1.0)) * f
        rows.append(("weights", dim, f))
    settings = model_settings.model_copy(update={"rules": rules.model_copy(
        update={"dimension_weights": weights})})

    # 2. programmes: one cost level (unit and fixed cost), beneficiaries per unit
    half = program_ranges(ds, ranges)
    programs = ds.programs.copy()
    r_cost = half["cost"].to_numpy(float)
    r_ben = half["beneficiaries"].to_numpy(float)
    f_cost = rng.uniform(1 - r_cost, 1 + r_cost)
    f_ben = rng.uniform(1 - r_ben, 1 + r_ben)
    programs["unit_cost"] = programs["unit_cost"].astype(float) * f_cost
    if "fixed_cost" in programs:
        programs["fixed_cost"] = programs["fixed_cost"].astype(float) * f_cost
    programs["beneficiaries_per_unit"] = programs["beneficiaries_per_unit"].astype(float) * f_ben
    codes = programs["code"].astype(str).tolist()
    rows += [("costs", c, float(f)) for c, f in zip(codes, f_cost, strict=True)]
    rows += [("beneficiaries", c, float(f)) for c, f in zip(codes, f_ben, strict=True)]

    # 3. synthetic indicators, per village
    noise = noise_of(ds, ranges)
    ind = ds.indicators.copy()
    s = noise.to_numpy(float)
    factors = rng.uniform(1 - s, 1 + s, size=(len(ind), len(s)))
    table = pd.DataFrame(factors, index=ind["code"].to_numpy(), columns=noise.index)
    for name in noise.index:
        original = ind[name]
        values = original.astype(float).to_numpy() * table[name].to_numpy()
        values = np.maximum(values, 0.0)
        if _whole(original):
            values = np.round(values)
        ind[name] = values.astype(original.dtype)
        rows.append(("indicators", name, float(np.mean(np.abs(np.log(table[name]))))))
    _clip_to_denominators(ind, ds.indicator_metadata, list(noise.index))

    drawn = dataclasses.replace(ds, indicators=ind, programs=programs)
    return Drawn(dataset=drawn, scoring_settings=scoring_settings, model_settings=settings,
                 factors=pd.DataFrame(rows, columns=["group", "name", "factor"]),
                 indicator_factors=table)


def _clip_to_denominators(ind: pd.DataFrame, meta: pd.DataFrame, changed: list[str]) -> None:
    """A count never exceeds its denominator when both are in the same unit (households
    without safe water <= households); a denominator is clipped before what it bounds."""
    m = meta.set_index("indicator")
    unit = m["unit"].astype(str)
    pairs = [(name, str(m.at[name, "denominator"])) for name in m.index
             if name in ind and pd.notna(m.at[name, "denominator"])
             and str(m.at[name, "denominator"]) in ind
             and unit.get(str(m.at[name, "denominator"])) == unit[name]]
    for _ in range(len(pairs) + 1):  # chains of denominators settle within len(pairs)
        moved = False
        for name, den in pairs:
            if name not in changed and den not in changed:
                continue
            over = ind[name] > ind[den]
            if over.any():
                ind.loc[over, name] = ind.loc[over, den]
                moved = True
        if not moved:
            break

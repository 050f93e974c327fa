"""The numbers of one allocation problem, taken from the data set, the village scores and
the settings: villages with their priority weights, eligible (village, programme) pairs
with their unit bounds, reach and cost, deprived households by dimension, budgets, rules
between programmes and locks.

The model, the heuristics and the checks all read this one instance, so they agree on
every coefficient. Money in juta Rp; reach in deprived units (households, children or
persons, as the dimension counts them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planning.config.model import Lock, ModelSettings
from planning.data import DataSet


class ModelError(ValueError):
    """A problem with the model's inputs; carries messages for the planner."""

    def __init__(self, key: str, **params: object):
        self.key = key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str = "id") -> str:
        from planning.i18n import text

        return text(self.key, lang, **self.params)


@dataclass(frozen=True)
class Instance:
    villages: pd.DataFrame
    """code, name, kecamatan_code, kecamatan, poverty_index, weight (w_v), in plan order."""
    programs: pd.DataFrame
    """The catalogue rows (code, agency, dimension, sector, costs, bounds, ...)."""
    pairs: pd.DataFrame
    """Eligible (village, program): lo, hi, effectiveness, reach (per unit), depth,
    value (per unit, weighted: w_v * omega_d * depth_p * reach), unit_cost, fixed_cost,
    agency, dimension, kecamatan_code."""
    excluded: pd.DataFrame
    """(village, program, reason) for the pairs that cannot run, and why."""
    deprived: pd.DataFrame
    """village, dimension, deprived (D[v,d]) and omega (dimension weight)."""
    pagu: pd.Series
    """Budget per agency (juta Rp), overrides applied."""
    requires: list[tuple[str, str]]
    excludes: list[tuple[str, str]]
    synergies: list[tuple[str, str, float]]
    locks: list[Lock]
    settings: ModelSettings
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    cache: dict = field(default_factory=dict, compare=False, repr=False)
    """Derived numbers computed once (e.g. absorption limits), keyed by their inputs."""

    def __post_init__(self) -> None:
        if "depth" not in self.pairs:  # an instance made by hand: every depth is 1
            object.__setattr__(self, "pairs", self.pairs.assign(depth=1.0))

    @property
    def ceiling(self) -> float | None:
        return self.settings.rules.district_ceiling

    def pair_index(self) -> pd.MultiIndex:
        return pd.MultiIndex.from_frame(self.pairs[["village", "program"]])


def plan_villages(scores: pd.DataFrame, choice) -> list[str]:
    """The codes of the villages the plan covers, in village-code order."""
    codes = scores["code"].astype(str)
    if choice == "focus":
        chosen = codes[scores["selected"].astype(bool)]
    elif choice == "all":
        chosen = codes
    else:
        unknown = sorted(set(choice) - set(codes))
        if unknown:
            raise ModelError("model.unknown_villages", codes=", ".join(unknown))
        chosen = codes[codes.isin(choice)]
    return sorted(chosen)


def priority_weights(poverty: pd.Series, on: bool, strength: float) -> pd.Series:
    """w_v = 1 + strength * (P_v - min P) / (max P - min P) over the plan's villages
    (unitless, in [1, 1 + strength]); 1 for every village when switched off."""
    if not on or len(poverty) == 0 or poverty.max() == poverty.min():
        return pd.Series(1.0, index=poverty.index)
    return 1.0 + strength * (poverty - poverty.min()) / (poverty.max() - poverty.min())


def effectiveness(potential: np.ndarray, on: bool, floor: float) -> np.ndarray:
    """e[v,p] = floor + (1 - floor) * sector potential of v (unitless, in [floor, 1]) for a
    productive programme; 1 when switched off."""
    potential = np.asarray(potential, dtype=float)
    if not on:
        return np.ones_like(potential)
    return floor + (1.0 - floor) * np.clip(potential, 0, 1)


def programme_depth(programs: pd.DataFrame, on: bool) -> np.ndarray:
    """depth_p: how far one beneficiary of programme p is lifted, relative to 1 (the
    ``depth`` column of programs.csv, 1 where blank or absent); 1 when switched off."""
    if not on or "depth" not in programs:
        return np.ones(len(programs))
    return programs["depth"].astype(float).fillna(1.0).to_numpy()


def need_cap(need: np.ndarray, per_unit: np.ndarray) -> np.ndarray:
    """Useful units at most: ceil(need / beneficiaries per unit) (units per village);
    0 where a unit reaches nobody."""
    per_unit = np.asarray(per_unit, dtype=float)
    safe = np.where(per_unit > 0, per_unit, 1.0)
    return np.where(per_unit > 0, np.ceil(np.asarray(need, dtype=float) / safe - 1e-9), 0)


def build_instance(ds: DataSet, scores: pd.DataFrame,
                   settings: ModelSettings | None = None) -> Instance:
    """Collect every coefficient of the allocation model for the chosen villages."""
    settings = settings or ModelSettings()
    rules = settings.rules
    codes = plan_villages(scores, settings.villages)
    if not codes:
        raise ModelError("model.no_villages")
    sc = scores.assign(code=scores["code"].astype(str)).set_index("code").loc[codes]
    villages = sc.reset_index()[["code", "name", "kecamatan_code", "kecamatan",
                                 "poverty_index"]]
    villages["weight"] = priority_weights(villages["poverty_index"], rules.priority_weights,
                                          rules.priority_strength).to_numpy()

    dims = ds.dimensions.set_index("group")
    floors = rules.dimension_min_share if isinstance(rules.dimension_min_share, dict) else {}
    unknown_dims = sorted((set(rules.dimension_weights) | set(floors)) - set(dims.index))
    if unknown_dims:
        raise ModelError("model.unknown_dimension", names=", ".join(unknown_dims),
                         known=", ".join(dims.index))
    ind = ds.indicators.assign(code=ds.indicators["code"].astype(str)).set_index("code")
    counts = ind.loc[codes, dims["count_indicator"].tolist()].astype(float)
    counts.columns = dims.index
    deprived = counts.stack().rename("deprived").rename_axis(
        ["village", "dimension"]).reset_index()
    deprived["omega"] = deprived["dimension"].map(
        lambda d: float(rules.dimension_weights.get(d, 1.0)))

    pagu = ds.agencies.set_index("code")["pagu"].astype(float).copy()
    unknown_agencies = sorted(set(settings.pagu) - set(pagu.index))
    if unknown_agencies:
        raise ModelError("model.unknown_agency", codes=", ".join(unknown_agencies),
                         known=", ".join(pagu.index))
    for agency, value in settings.pagu.items():
        pagu[agency] = float(value)

    programs = ds.programs.reset_index(drop=True).copy()
    pairs, excluded_frame = _pairs(programs, villages, sc, ind, rules)
    present = set(programs["code"])
    pair_rules = ds.rules if ds.rules is not None else pd.DataFrame(
        columns=["rule", "program_a", "program_b", "bonus"])
    requires = [(r.program_a, r.program_b) for r in pair_rules.itertuples()
                if r.rule == "requires" and rules.requires
                and {r.program_a, r.program_b} <= present]
    excludes = [(r.program_a, r.program_b) for r in pair_rules.itertuples()
                if r.rule == "excludes" and rules.excludes
                and {r.program_a, r.program_b} <= present]
    synergies = [(r.program_a, r.program_b, float(r.bonus)) for r in pair_rules.itertuples()
                 if r.rule == "synergy" and rules.synergy
                 and {r.program_a, r.program_b} <= present and not np.isnan(r.bonus)]
    labels = {
        "village": villages.set_index("code")["name"].to_dict(),
        "kecamatan": dict(zip(villages["kecamatan_code"], villages["kecamatan"], strict=False)),
        "agency": ds.agencies.set_index("code")["short_name"].to_dict(),
        "dimension_id": dims["label_id"].to_dict(),
        "dimension_en": dims["label_en"].to_dict(),
    }
    return Instance(villages=villages, programs=programs, pairs=pairs,
                    excluded=excluded_frame, deprived=deprived, pagu=pagu, requires=requires,
                    excludes=excludes, synergies=synergies, locks=list(settings.locks),
                    settings=settings, labels=labels)


def _lookup(frame: pd.DataFrame, rows: np.ndarray, columns: pd.Series) -> np.ndarray:
    """frame.at[rows[i], columns[i]] for every i, as floats (NaN where column is blank)."""
    out = np.full(len(rows), np.nan)
    for column in columns.dropna().unique():
        mask = (columns == column).to_numpy()
        out[mask] = frame.loc[rows[mask], column].to_numpy(dtype=float)
    return out


def _pairs(programs: pd.DataFrame, villages: pd.DataFrame, scores: pd.DataFrame,
           indicators: pd.DataFrame, rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every (village, programme): eligible ones with their coefficients, and the rest
    with the reason they cannot run (``potential`` below the minimum, or ``need`` too
    small for the minimum units)."""
    codes = villages["code"].to_numpy()
    n_v, n_p = len(codes), len(programs)
    village = np.repeat(codes, n_p)
    prog = programs.iloc[np.tile(np.arange(n_p), n_v)].reset_index(drop=True)
    sector = prog["sector"].where(prog["sector"].fillna("") != "")
    productive = sector.notna().to_numpy()
    pot = np.ones(len(prog))
    pot[productive] = _lookup(scores, village, "potential_" + sector)[productive]
    need = _lookup(indicators, village, prog["need_indicator"])
    lo = prog["min_units"].to_numpy(dtype=int)
    hi = prog["max_units"].to_numpy(dtype=int)
    per_unit = prog["beneficiaries_per_unit"].to_numpy(dtype=float)
    if rules.need_cap:
        hi = np.minimum(hi, need_cap(need, per_unit)).astype(int)
    minimum = prog["min_potential"].to_numpy(dtype=float)
    low_potential = rules.eligibility & productive & ~np.isnan(minimum) & (pot < minimum)
    low_need = ~low_potential & ((hi < lo) | (hi <= 0))
    e = np.where(productive, effectiveness(pot, rules.effectiveness,
                                           rules.effectiveness_floor), 1.0)
    reach = per_unit * e
    depth = programme_depth(prog, rules.programme_depth)
    omega = prog["dimension"].map(lambda d: float(rules.dimension_weights.get(d, 1.0)))
    weight = villages.set_index("code")["weight"].reindex(village).to_numpy()
    kec = villages.set_index("code")["kecamatan_code"].reindex(village).to_numpy()
    frame = pd.DataFrame({
        "village": village, "program": prog["code"].to_numpy(),
        "agency": prog["agency"].to_numpy(), "dimension": prog["dimension"].to_numpy(),
        "kecamatan_code": kec, "lo": lo, "hi": hi, "effectiveness": e, "reach": reach,
        "depth": depth, "value": weight * omega.to_numpy() * depth * reach,
        "unit_cost": prog["unit_cost"].to_numpy(dtype=float),
        "fixed_cost": prog["fixed_cost"].to_numpy(dtype=float)})
    keep = ~(low_potential | low_need)
    pairs = frame[keep].sort_values(["village", "program"], kind="stable").reset_index(
        drop=True)
    excluded = pd.DataFrame({
        "village": village, "program": prog["code"].to_numpy(),
        "reason": np.where(low_potential, "potential", "need"),
        "value": np.where(low_potential, pot, need)})[~keep]
    return pairs, excluded.sort_values(["village", "program"], kind="stable").reset_index(
        drop=True)

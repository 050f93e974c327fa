"""Equity measures of a plan (issue 13): who is reached, how evenly the money is spread,
and why a programme or a dimension got nothing.

:func:`equity` reads a finished :class:`~planning.model.Allocation` (its result tables and
its instance) and gives an :class:`Equity`: pandas tables and numbers, language-neutral
(codes, unit codes and reason keys; the labels are the catalogue's ``equity.reason.<key>``
and ``equity.unit.<unit>``). Nothing here changes the model or the plan.

Units: money in juta Rp; deprivations in the unit of their dimension (the ``unit`` in
``indicator_metadata.csv`` of the dimension's ``count_indicator`` in ``groups.csv``:
households, children, persons). A sum over dimensions adds deprivations of different
units (one household may count in several dimensions): it is called *deprivations*, never
households. Every share is of the plan's villages only (the deprived of the district
outside them are not in the instance).

The formulas are in ``docs/equity.md`` and in each function's docstring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: A village's package is *token only* when it has at most this many programmes ...
TOKEN_MAX_PROGRAMS = 1
#: ... and costs at most this much (juta Rp): about one house rebuilt (Rp 20 juta) and a
#: little more; the cheapest village packages of the catalogue (seedlings Rp 10 juta, a
#: posyandu Rp 15 juta, a BKB class Rp 8 juta) are token packages by this rule.
TOKEN_MAX_COST = 25.0
#: the reasons a programme or a dimension got nothing, in the order they are decided
REASONS = ("not_eligible", "capacity", "pagu_used", "cheaper_alternative", "not_chosen")
#: money and counts closer than this are equal (juta Rp, deprived units)
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Equity:
    """The equity measures of one plan (see :func:`equity`)."""

    dimensions: pd.DataFrame
    """Per dimension: dimension, unit, deprived, reached, removed, share_reached,
    share_removed, villages (plan villages with any deprived), villages_reached (with
    something removed), reason (a key of :data:`REASONS` when nothing is removed, else
    None)."""
    kecamatan: pd.DataFrame
    """Per kecamatan: kecamatan_code, villages, deprived, removed (deprivations, all
    dimensions), share_removed, cost (juta Rp), share_of_spending."""
    kecamatan_dimensions: pd.DataFrame
    """Per kecamatan and dimension: kecamatan_code, dimension, unit, deprived, removed,
    share_removed."""
    villages: pd.DataFrame
    """Per plan village: village, kecamatan_code, programs, cost (juta Rp),
    share_of_spending, deprived, removed (deprivations), cost_per_deprived (juta Rp per
    deprivation; NaN without deprived), token (bool), served (bool)."""
    gini: float
    """Gini of cost_per_deprived over the villages with deprived (:func:`gini`)."""
    theil: float
    """Theil T of cost_per_deprived over the same villages (:func:`theil`)."""
    largest_village: str | None
    """The village with the largest share of all spending (lowest code on a tie)."""
    largest_share: float
    """Its share of all spending (0-1)."""
    token_villages: tuple[str, ...]
    """Villages whose package is token only (:func:`token_villages`), by code."""
    unserved_villages: tuple[str, ...]
    """Plan villages with no programme at all, by code."""
    unused_programs: pd.DataFrame
    """Programmes of the catalogue that run nowhere: program, agency, dimension,
    eligible_villages, smallest_package (juta Rp), cost_per_deprived (juta Rp per
    deprived unit at best), reason (a key of :data:`REASONS`), alternative (a cheaper
    programme of the same agency in the plan, for ``pagu_used`` and
    ``cheaper_alternative``, else None)."""
    token_max_programs: int = TOKEN_MAX_PROGRAMS
    token_max_cost: float = TOKEN_MAX_COST


# --- inequality -------------------------------------------------------------------------


def _spread_input(values) -> tuple[np.ndarray, float, float | None]:
    """``values`` as floats, their mean, and the index itself when it is fixed without
    computing: NaN for no values, 0 when the mean is 0 (nothing to share unequally)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return x, float("nan"), float("nan")
    mean = float(x.mean())
    return x, mean, 0.0 if mean <= 0 else None


def gini(values: Sequence[float] | np.ndarray) -> float:
    """Gini coefficient of ``values`` (>= 0), 0 = all equal, (n - 1) / n = one value holds
    everything::

        G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x))

    0 when every value is 0 (nothing to share unequally); NaN for no values."""
    x, mean, trivial = _spread_input(values)
    if trivial is not None:
        return trivial
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2.0 * x.size ** 2 * mean))


def theil(values: Sequence[float] | np.ndarray) -> float:
    """Theil T index of ``values`` (>= 0), 0 = all equal, ln n = one value holds
    everything::

        T = (1 / n) sum_i (x_i / mean(x)) ln(x_i / mean(x)),   with 0 ln 0 = 0

    0 when every value is 0; NaN for no values."""
    x, mean, trivial = _spread_input(values)
    if trivial is not None:
        return trivial
    ratio = x / mean
    terms = np.zeros_like(ratio)
    positive = ratio > 0
    terms[positive] = ratio[positive] * np.log(ratio[positive])
    return float(terms.mean())


# --- units --------------------------------------------------------------------------------


def dimension_units(ds) -> dict[str, str]:
    """dimension -> unit of its count indicator (``groups.csv`` count_indicator, looked up
    in ``indicator_metadata.csv`` unit): households, children, persons."""
    meta = ds.indicator_metadata.set_index("indicator")["unit"]
    dims = ds.dimensions
    return {d: str(meta.get(i, "")) for d, i in zip(dims["group"], dims["count_indicator"],
                                                    strict=True)}


# --- tables -------------------------------------------------------------------------------


def _share(part: pd.Series | float, whole: pd.Series | float):
    """part / whole, 0 where whole is 0."""
    if isinstance(whole, pd.Series):
        return (part / whole.where(whole > 0)).fillna(0.0)
    return part / whole if whole > 0 else 0.0


def _long(villages: pd.DataFrame, dimensions: list[str]) -> pd.DataFrame:
    """The village table's deprived_<d> and removed_<d> as rows: village, kecamatan_code,
    dimension, deprived, removed."""
    rows = [villages[["village", "kecamatan_code"]].assign(
        dimension=d, deprived=villages[f"deprived_{d}"].to_numpy(dtype=float),
        removed=villages[f"removed_{d}"].to_numpy(dtype=float)) for d in dimensions]
    return pd.concat(rows, ignore_index=True)


def dimension_measures(tables, units: Mapping[str, str]) -> pd.DataFrame:
    """Per dimension, over the plan's villages (deprived units of the dimension)::

        share_reached = reached / deprived   (reach before saturation; may exceed removed)
        share_removed = removed / deprived   (0 when nobody is deprived)

    villages: plan villages with deprived > 0; villages_reached: those with removed > 0."""
    out = tables.dimensions[["dimension", "deprived", "reached", "removed"]].copy()
    out.insert(1, "unit", out["dimension"].map(lambda d: units.get(d)))
    out["share_reached"] = _share(out["reached"], out["deprived"])
    out["share_removed"] = _share(out["removed"], out["deprived"])
    long = _long(tables.villages, out["dimension"].tolist())
    out["villages"] = out["dimension"].map(
        long[long["deprived"] > 0].groupby("dimension").size()).fillna(0).astype(int)
    out["villages_reached"] = out["dimension"].map(
        long[long["removed"] > TOLERANCE].groupby("dimension").size()).fillna(0).astype(int)
    return out.reset_index(drop=True)


def kecamatan_measures(tables) -> pd.DataFrame:
    """Per kecamatan: deprivations (all dimensions) deprived and removed, share_removed =
    removed / deprived, cost (juta Rp) and share_of_spending = cost / all cost."""
    k = tables.kecamatan
    out = k[["kecamatan_code", "villages"]].copy()
    out["deprived"] = k["deprived_total"].to_numpy(dtype=float)
    out["removed"] = k["removed_total"].to_numpy(dtype=float)
    out["share_removed"] = _share(out["removed"], out["deprived"])
    out["cost"] = k["cost"].to_numpy(dtype=float)
    out["share_of_spending"] = _share(out["cost"], float(out["cost"].sum()))
    return out.sort_values("kecamatan_code", kind="stable").reset_index(drop=True)


def kecamatan_dimension_measures(tables, units: Mapping[str, str]) -> pd.DataFrame:
    """Per kecamatan and dimension: deprived, removed (deprived units of the dimension)
    and share_removed = removed / deprived (0 when nobody is deprived)."""
    dims = tables.dimensions["dimension"].tolist()
    out = _long(tables.villages, dims).groupby(["kecamatan_code", "dimension"], sort=False,
                                               as_index=False)[["deprived", "removed"]].sum()
    out.insert(2, "unit", out["dimension"].map(lambda d: units.get(d)))
    out["share_removed"] = _share(out["removed"], out["deprived"])
    order = {d: i for i, d in enumerate(dims)}
    return out.sort_values(["kecamatan_code", "dimension"], key=lambda s: s.map(order)
                           if s.name == "dimension" else s, kind="stable").reset_index(drop=True)


def token_villages(villages: pd.DataFrame, max_programs: int = TOKEN_MAX_PROGRAMS,
                   max_cost: float = TOKEN_MAX_COST) -> list[str]:
    """Villages (columns village, programs, cost) served with a token package only::

        1 <= programs <= max_programs  and  cost <= max_cost   (juta Rp)

    A village with no programme is *unserved*, not token. Sorted by code."""
    token = (villages["programs"] >= 1) & (villages["programs"] <= max_programs) & (
        villages["cost"] <= max_cost + TOLERANCE)
    return sorted(villages.loc[token, "village"])


def village_measures(tables, max_programs: int = TOKEN_MAX_PROGRAMS,
                     max_cost: float = TOKEN_MAX_COST) -> pd.DataFrame:
    """Per plan village: cost (juta Rp), share_of_spending, deprived and removed
    (deprivations, all dimensions) and::

        cost_per_deprived = cost / deprived     (juta Rp per deprivation; NaN if deprived = 0)

    token: see :func:`token_villages`; served: at least one programme."""
    v = tables.villages
    out = v[["village", "kecamatan_code", "programs"]].copy()
    out["cost"] = v["cost"].to_numpy(dtype=float)
    out["share_of_spending"] = _share(out["cost"], float(out["cost"].sum()))
    out["deprived"] = v["deprived_total"].to_numpy(dtype=float)
    out["removed"] = v["removed_total"].to_numpy(dtype=float)
    out["cost_per_deprived"] = out["cost"] / out["deprived"].where(out["deprived"] > 0)
    out["token"] = out["village"].isin(token_villages(out, max_programs, max_cost))
    out["served"] = out["programs"] > 0
    return out.sort_values("village", kind="stable").reset_index(drop=True)


def largest_share(villages: pd.DataFrame) -> tuple[str | None, float]:
    """The village with the largest share_of_spending and that share (lowest code on a
    tie); (None, 0.0) when nothing is spent."""
    if villages.empty or float(villages["cost"].sum()) <= 0:
        return None, 0.0
    top = villages.sort_values(["share_of_spending", "village"], ascending=[False, True],
                               kind="stable").iloc[0]
    return str(top["village"]), float(top["share_of_spending"])


# --- why nothing ----------------------------------------------------------------------------


def _program_costs(instance, plan: pd.DataFrame) -> pd.Series:
    """Cost per deprived unit of each programme (juta Rp per deprived unit): for a
    programme in the plan, its spending / its reach in the plan (synergy bonus included);
    for one not in the plan, the best it could do in an eligible village,
    min over v of (f_p + c_p hi[p,v]) / (reach[p,v] hi[p,v])."""
    used = plan.groupby("program")[["cost", "households_reached"]].sum()
    realised = used["cost"] / used["households_reached"].where(used["households_reached"] > 0)
    pairs = instance.pairs
    units = pairs["hi"].astype(float)
    reach = (pairs["reach"] * units).where(lambda s: s > 0)
    best = ((pairs["fixed_cost"] + pairs["unit_cost"] * units) / reach).groupby(
        pairs["program"]).min()
    return realised.combine_first(best).astype(float)


def _capacity_full(instance, running: pd.Series) -> set[str]:
    """Programmes whose capacity rule is on and used up: villages running p >= K_p."""
    if not instance.settings.rules.capacity:
        return set()
    k = instance.programs.set_index("code")["max_villages"].astype(float)
    k = k[k.notna()]
    return {p for p, cap in k.items() if running.get(p, 0) >= cap}


def _money_left(instance, plan: pd.DataFrame) -> pd.Series:
    """Per agency, the money it could still spend (juta Rp): pagu - used (infinite when
    rules.budget_limits is off), and at most the district ceiling - all spending."""
    rules = instance.settings.rules
    used = plan.groupby("agency")["cost"].sum().reindex(instance.pagu.index, fill_value=0.0)
    left = instance.pagu - used if rules.budget_limits else instance.pagu * 0 + np.inf
    if instance.ceiling is not None:
        left = np.minimum(left, instance.ceiling - float(plan["cost"].sum()))
    return left


def program_reason(p: str, agency: str, dimension: str, instance, plan: pd.DataFrame,
                   costs: pd.Series, left: pd.Series, full: set[str]) -> tuple[str, str | None]:
    """Why programme p (never used) runs nowhere, and a cheaper programme of its agency in
    the plan (rule 4; also given with ``pagu_used``: what the agency's money went to
    instead), else None. The reason is the first that holds, in this order:

    1. ``not_eligible``: no plan village where p is an eligible pair (potential below its
       minimum, or no need for its minimum units), or, for each programme q that p
       requires, none where q is eligible too;
    2. ``capacity``: the capacity rule leaves p no village: its max_villages is used up
       (0 for a programme that never runs), or p requires q whose max_villages is used up
       and p is eligible in none of the villages where q runs;
    3. ``pagu_used``: the money its agency has left (pagu - spent, and at most the
       district ceiling - all spending) is below p's smallest package,
       min over eligible v of (f_p + c_p lo_p) (juta Rp);
    4. ``cheaper_alternative``: a programme q of the same agency runs in the plan at a
       lower cost per deprived unit (q's spending / q's reach) than the best p could do,
       min over eligible v of (f_p + c_p hi[p,v]) / (reach[p,v] hi[p,v]) (juta Rp per
       deprived unit); q of the same dimension first, then the cheapest;
    5. ``not_chosen``: none of these; the optimiser preferred other uses (the objective
       weighs villages and dimensions; pair rules such as excludes, shares, locks).
    """
    pairs = instance.pairs
    where = set(pairs.loc[pairs["program"] == p, "village"])
    partners = [b for a, b in instance.requires if a == p]
    for q in partners:
        where &= set(pairs.loc[pairs["program"] == q, "village"])
    if not where:
        return "not_eligible", None
    if p in full:
        return "capacity", None
    for q in partners:
        if q in full and not (where & set(plan.loc[plan["program"] == q, "village"])):
            return "capacity", None
    alternative = _cheaper(p, agency, dimension, plan, costs)
    mine = pairs[(pairs["program"] == p) & pairs["village"].isin(where)]
    package = float((mine["fixed_cost"] + mine["unit_cost"] * mine["lo"]).min())
    if float(left.get(agency, np.inf)) < package - TOLERANCE:
        return "pagu_used", alternative
    if alternative is not None:
        return "cheaper_alternative", alternative
    return "not_chosen", None


def _cheaper(p: str, agency: str, dimension: str, plan: pd.DataFrame,
             costs: pd.Series) -> str | None:
    """A programme of ``agency`` in the plan with a lower cost per deprived unit than p:
    the same dimension first, then the cheapest (lowest code on a tie); None if none."""
    own = costs.get(p, np.nan)
    if np.isnan(own):
        return None
    used = plan[plan["agency"] == agency].drop_duplicates("program").set_index("program")
    rivals = pd.DataFrame({"cost": costs.reindex(used.index), "dimension": used["dimension"]})
    rivals = rivals[(rivals.index != p) & (rivals["cost"] < own - TOLERANCE)]
    if rivals.empty:
        return None
    rivals = rivals.assign(other=(rivals["dimension"] != dimension).astype(int),
                           code=rivals.index)
    return str(rivals.sort_values(["other", "cost", "code"], kind="stable").index[0])


def unused_programs(instance, plan: pd.DataFrame) -> pd.DataFrame:
    """Every programme of the catalogue that runs nowhere, with its reason
    (:func:`program_reason`), sorted by code."""
    catalogue = instance.programs.sort_values("code", kind="stable")
    running = plan.groupby("program")["village"].nunique()
    costs = _program_costs(instance, plan)
    left = _money_left(instance, plan)
    full = _capacity_full(instance, running)
    eligible = instance.pairs.groupby("program")["village"].nunique()
    package = (instance.pairs["fixed_cost"] + instance.pairs["unit_cost"] * instance.pairs[
        "lo"]).groupby(instance.pairs["program"]).min()
    rows = []
    for prog in catalogue.itertuples(index=False):
        if running.get(prog.code, 0) > 0:
            continue
        reason, alternative = program_reason(prog.code, prog.agency, prog.dimension,
                                             instance, plan, costs, left, full)
        rows.append({"program": prog.code, "agency": prog.agency,
                     "dimension": prog.dimension,
                     "eligible_villages": int(eligible.get(prog.code, 0)),
                     "smallest_package": float(package.get(prog.code, np.nan)),
                     "cost_per_deprived": float(costs.get(prog.code, np.nan)),
                     "reason": reason, "alternative": alternative})
    columns = ["program", "agency", "dimension", "eligible_villages", "smallest_package",
               "cost_per_deprived", "reason", "alternative"]
    return pd.DataFrame(rows, columns=columns)


def dimension_reason(dimension: str, deprived: float, unused: pd.DataFrame) -> str:
    """Why nothing of ``dimension`` is removed: ``not_eligible`` when nobody in the plan's
    villages is deprived in it or it has no programme; otherwise the *last* in the order
    of :data:`REASONS` among the reasons of its programmes (all unused): the weakest
    obstacle, the one a planner would have to lift last. For example, one programme
    ``pagu_used`` and another ``not_chosen`` give ``not_chosen``."""
    reasons = unused.loc[unused["dimension"] == dimension, "reason"]
    if deprived <= TOLERANCE or reasons.empty:
        return "not_eligible"
    return max(reasons, key=REASONS.index)


# --- all together -----------------------------------------------------------------------------


def equity(allocation, units: Mapping[str, str] | None = None,
           token_max_programs: int = TOKEN_MAX_PROGRAMS,
           token_max_cost: float = TOKEN_MAX_COST) -> Equity:
    """The equity measures of a plan, from ``allocation.tables`` and
    ``allocation.instance`` only. ``units``: dimension -> unit code
    (:func:`dimension_units` of the data set); without it the unit is None."""
    tables = allocation.tables
    if tables is None:
        raise ValueError("equity needs an allocation with a plan")
    units = dict(units or {})
    instance = allocation.instance
    dims = dimension_measures(tables, units)
    villages = village_measures(tables, token_max_programs, token_max_cost)
    unused = unused_programs(instance, tables.plan)
    dims["reason"] = pd.Series([dimension_reason(d, dep, unused) if rem <= TOLERANCE else None
                      for d, dep, rem in zip(dims["dimension"], dims["deprived"],
                                             dims["removed"], strict=True)], dtype=object)
    spread = villages.loc[villages["deprived"] > 0, "cost_per_deprived"].to_numpy()
    top, share = largest_share(villages)
    return Equity(
        dimensions=dims, kecamatan=kecamatan_measures(tables),
        kecamatan_dimensions=kecamatan_dimension_measures(tables, units), villages=villages,
        gini=gini(spread), theil=theil(spread), largest_village=top, largest_share=share,
        token_villages=tuple(villages.loc[villages["token"], "village"]),
        unserved_villages=tuple(villages.loc[~villages["served"], "village"]),
        unused_programs=unused, token_max_programs=token_max_programs,
        token_max_cost=token_max_cost)

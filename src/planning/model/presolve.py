"""Checks before solving: problems a planner can fix in the scenario, found in
milliseconds instead of as an unexplained 'infeasible' from the solver.

Errors stop the run (raised together as one :class:`PresolveError`); warnings travel
with the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.i18n import number, text
from planning.model import floors
from planning.model.instance import Instance

#: largest / smallest coefficient above which solvers lose precision
MAGNITUDE_WARNING = 1e6


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    key: str
    params: tuple[tuple[str, object], ...] = ()
    where: object = None
    """Where the planner wrote what the finding is about (anything with ``render(lang)``,
    e.g. a scenario file's key), set by the caller that knows; None: not said."""

    def render(self, lang: str = "id") -> str:
        label = text(f"severity.{self.severity}", lang)
        params = {k: _readable(v, lang, percent=k in ("share", "got")) for k, v in self.params}
        if f"dimension_{lang}" in params:  # a dimension's label, in the reader's language
            params["dimension"] = params[f"dimension_{lang}"]
        where = f"{self.where.render(lang)}: " if self.where is not None else ""
        return f"[{label}] {where}{text(self.key, lang, **params)}"


def _readable(value: object, lang: str, percent: bool = False) -> object:
    """Floats as the planner reads them (juta Rp and shares with one decimal, small
    values such as potentials with three, percentages below 1 with two), in the
    language's number format."""
    if isinstance(value, float) and percent:
        return number(value, lang, 1 if abs(value) >= 1 or value == 0 else 2)
    if isinstance(value, float):
        return number(value, lang, 1 if abs(value) >= 1 or value == 0 else 3)
    return value


def finding(severity: str, key: str, **params: object) -> Finding:
    return Finding(severity, key, tuple(sorted(params.items())))


class PresolveError(ValueError):
    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(self.render("en"))

    def render(self, lang: str = "id") -> str:
        return "\n".join(f.render(lang) for f in self.findings)


def presolve(instance: Instance) -> list[Finding]:
    """Every check; raises PresolveError if any error, else returns the warnings."""
    found = (lock_checks(instance) + _no_village(instance) + _coverage(instance) + _shares(instance)
             + _dimension_floors(instance) + _absorption(instance)
             + _village_package(instance) + _magnitudes(instance))
    errors = [f for f in found if f.severity == "error"]
    if errors:
        raise PresolveError(errors)
    return found


def lock_checks(instance: Instance) -> list[Finding]:
    """The checks of the planner's locks alone: each lock's programme, village, eligibility
    and units; locks that contradict each other or a requires/excludes pair or a
    programme's capacity; locked costs above a pagu or the ceiling."""
    return _lock_targets(instance) + _lock_conflicts(instance) + _lock_budgets(instance)


def _lock_targets(inst: Instance) -> list[Finding]:
    out = []
    programs = set(inst.programs["code"])
    villages = set(inst.villages["code"])
    pairs = inst.pairs.set_index(["village", "program"])
    excluded = inst.excluded.set_index(["village", "program"])
    for lock in inst.locks:
        where = {"program": lock.program, "village": lock.village}
        if lock.program not in programs:
            out.append(finding("error", "presolve.lock_unknown_program", **where))
        elif lock.village not in villages:
            out.append(finding("error", "presolve.lock_village_not_in_plan", **where))
        elif lock.state == "in" and lock.units != 0:
            key = (lock.village, lock.program)
            if key in excluded.index:
                reason = excluded.loc[key]
                out.append(finding("error", f"presolve.lock_ineligible_{reason['reason']}",
                                   value=round(float(reason["value"]), 3), **where))
            elif lock.units is not None:
                lo, hi = pairs.at[key, "lo"], pairs.at[key, "hi"]
                if not lo <= lock.units <= hi:
                    out.append(finding("error", "presolve.lock_units_out_of_bounds",
                                       units=lock.units, lo=int(lo), hi=int(hi), **where))
    return out


def _locked_in(inst: Instance) -> dict[tuple[str, str], int | None]:
    return {(lk.village, lk.program): lk.units for lk in inst.locks
            if lk.state == "in" and lk.units != 0}


def _lock_conflicts(inst: Instance) -> list[Finding]:
    out = []
    seen: dict[tuple[str, str], tuple[str, int | None]] = {}
    for lock in inst.locks:
        key = (lock.village, lock.program)
        state = ("out" if lock.state == "out" or lock.units == 0 else "in", lock.units)
        if key in seen and seen[key] != state:
            out.append(finding("error", "presolve.lock_twice", program=lock.program,
                               village=lock.village))
        seen[key] = state
    locked_in = {k for k, (s, _u) in seen.items() if s == "in"}
    locked_out = {k for k, (s, _u) in seen.items() if s == "out"}
    for a, b in inst.requires:
        for v, p in sorted(locked_in):
            if p == a and (v, b) in locked_out:
                out.append(finding("error", "presolve.lock_requires", a=a, b=b, village=v))
            if p == a and (v, b) not in set(zip(inst.pairs["village"], inst.pairs["program"],
                                                strict=True)):
                out.append(finding("error", "presolve.lock_requires_ineligible", a=a, b=b,
                                   village=v))
    for a, b in inst.excludes:
        for v, p in sorted(locked_in):
            if p == a and (v, b) in locked_in:
                out.append(finding("error", "presolve.lock_excludes", a=a, b=b, village=v))
    if inst.settings.rules.capacity:
        limit = inst.programs.set_index("code")["max_villages"]
        count = pd.Series([p for _v, p in locked_in]).value_counts()
        for p, n in count.sort_index().items():
            if not pd.isna(limit.get(p)) and n > limit[p]:
                out.append(finding("error", "presolve.lock_capacity", program=p, n=int(n),
                                   k=int(limit[p])))
    return out


def _lock_budgets(inst: Instance) -> list[Finding]:
    """Locked units at their minimum cost already exceed a pagu or the ceiling."""
    pairs = inst.pairs.set_index(["village", "program"])
    cost: dict[str, float] = {}
    for (v, p), units in _locked_in(inst).items():
        if (v, p) not in pairs.index:
            continue
        row = pairs.loc[(v, p)]
        n = units if units is not None else row["lo"]
        cost[row["agency"]] = cost.get(row["agency"], 0.0) + row["fixed_cost"] + \
            row["unit_cost"] * n
    out = []
    if inst.settings.rules.budget_limits:
        for agency, c in sorted(cost.items()):
            if c > inst.pagu[agency] + 1e-6:
                out.append(finding("error", "presolve.lock_pagu", agency=agency,
                                   cost=float(c), pagu=float(inst.pagu[agency]),
                                   short=float(c - inst.pagu[agency])))
    total = sum(cost.values())
    if inst.ceiling is not None and total > inst.ceiling + 1e-6:
        out.append(finding("error", "presolve.lock_ceiling", cost=float(total),
                           ceiling=float(inst.ceiling), short=float(total - inst.ceiling)))
    return out


def _no_village(inst: Instance) -> list[Finding]:
    eligible = set(inst.pairs["program"])
    return [finding("warning", "presolve.program_no_village", program=p)
            for p in inst.programs["code"] if p not in eligible]


def _coverage(inst: Instance) -> list[Finding]:
    """Each village can get m programmes at all, and the cheapest way to give every
    village m programmes fits the money there is."""
    need = inst.settings.rules.min_programs_per_village
    if need <= 0:
        return []
    out = []
    pairs = inst.pairs.assign(open_cost=inst.pairs["fixed_cost"]
                              + inst.pairs["unit_cost"] * inst.pairs["lo"])
    ranked = pairs.sort_values(["village", "open_cost"], kind="stable")
    options = ranked.groupby("village")["open_cost"]
    counts = options.size().reindex(inst.villages["code"], fill_value=0)
    for v, n in counts[counts < need].items():
        out.append(finding("error", "presolve.coverage_too_few", village=v,
                           name=inst.labels["village"].get(v, v), n=int(n), m=need))
    cheapest = float(options.head(need).sum())
    money = _money(inst)
    if cheapest > money + 1e-6:
        out.append(finding("error", "presolve.coverage_money", m=need,
                           n=len(inst.villages), cost=float(cheapest), money=float(money),
                           short=float(cheapest - money)))
    return out


def _shares(inst: Instance) -> list[Finding]:
    rules = inst.settings.rules
    out = []
    n_kec = inst.villages["kecamatan_code"].nunique()
    if rules.kecamatan_min_share and rules.kecamatan_min_share * n_kec > 1 + 1e-9:
        out.append(finding("error", "presolve.kecamatan_share_sum",
                           share=100.0 * rules.kecamatan_min_share, n=n_kec,
                           total=100.0 * rules.kecamatan_min_share * n_kec))
    forced = rules.min_programs_per_village > 0 or bool(_locked_in(inst))
    n = len(inst.villages)
    if rules.village_max_share and rules.village_max_share * n < 1 - 1e-9 and forced:
        out.append(finding("error", "presolve.village_share_sum",
                           share=100.0 * rules.village_max_share, n=n,
                           total=100.0 * rules.village_max_share * n))
    if rules.kecamatan_min_share and rules.village_max_share:
        sizes = inst.villages.groupby("kecamatan_code").size()
        for kec, size in sizes.items():
            if size * rules.village_max_share < rules.kecamatan_min_share - 1e-9:
                out.append(finding("error", "presolve.shares_clash", kecamatan=kec,
                                   name=inst.labels["kecamatan"].get(kec, kec), n=int(size),
                                   vmax=100.0 * rules.village_max_share,
                                   kmin=100.0 * rules.kecamatan_min_share))
    return out


def _money(inst: Instance) -> float:
    """All the money a plan may spend (juta Rp): the pagu of every agency (unlimited with
    the budget limits off), at most the district ceiling."""
    money = float(inst.pagu.sum()) if inst.settings.rules.budget_limits else np.inf
    return min(money, inst.ceiling) if inst.ceiling is not None else money


def reach_bounds(inst: Instance) -> dict[str, float]:
    """Per dimension with an eligible pair, an upper bound of the deprived units any plan
    lifts: per agency, the fractional knapsack of its pagu over its eligible pairs of
    the dimension, each pair worth at most min(reach x (1 + its synergy bonuses) x hi,
    D[v,d]) at unit_cost per unit (fixed costs left out); the sum over agencies, at most
    sum_v D[v,d]. The knapsacks, vectorised: within a dimension and agency the pairs in
    falling order of deprived units per juta Rp (free ones first), each taken in the
    share clip((B_a - cost of the pairs before it) / its cost, 0, 1), a free pair whole;
    the greedy order makes that the fractional knapsack's optimum."""
    pairs = inst.pairs
    bonus: dict[str, float] = {}
    for a, b, value in inst.synergies:
        for p in (a, b):
            bonus[p] = bonus.get(p, 0.0) + value
    per_unit = pairs["reach"].to_numpy(float) * (
        1 + pairs["program"].map(bonus).fillna(0.0).to_numpy(float))
    deprived = inst.deprived.set_index(["village", "dimension"])["deprived"].astype(float)
    cells = pd.MultiIndex.from_arrays([pairs["village"], pairs["dimension"]])
    cap = np.minimum(per_unit * pairs["hi"].to_numpy(float),
                     deprived.reindex(cells).to_numpy(float))
    unit_cost = pairs["unit_cost"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(unit_cost > 0, per_unit / unit_cost, np.inf)
        cost = np.where(np.isfinite(ratio) & (ratio > 0), cap / ratio, 0.0)
    if inst.settings.rules.budget_limits:
        money = pairs["agency"].map(inst.pagu.astype(float)).fillna(0.0).to_numpy(float)
    else:
        money = np.full(len(pairs), np.inf)
    ranked = pd.DataFrame({"dimension": pairs["dimension"].to_numpy(),
                           "agency": pairs["agency"].to_numpy(), "ratio": ratio,
                           "cap": cap, "cost": cost, "money": money}).sort_values(
        ["dimension", "agency", "ratio"], ascending=[True, True, False], kind="stable")
    cost = ranked["cost"].to_numpy(float)
    before = ranked.groupby(["dimension", "agency"], sort=False)["cost"].cumsum() \
        .to_numpy(float) - cost
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(cost > 0, np.clip((ranked["money"].to_numpy(float) - before)
                                           / cost, 0.0, 1.0), 1.0)
    total = pd.Series(share * ranked["cap"].to_numpy(float), index=ranked.index) \
        .groupby(ranked["dimension"]).sum()
    eligible = deprived[pd.MultiIndex.from_frame(
        pairs[["village", "dimension"]].drop_duplicates()).intersection(deprived.index)] \
        .groupby(level="dimension").sum()
    return {str(d): float(min(t, eligible.get(d, 0.0))) for d, t in total.items()}


def _dimension_floors(inst: Instance) -> list[Finding]:
    """A dimension floor no plan can reach: its target above its :func:`reach_bounds`."""
    out = []
    wanted = floors.dimension_floors(inst)
    bounds = reach_bounds(inst) if wanted else {}
    for floor in wanted:
        bound = bounds.get(floor.dimension, 0.0)
        if bound < floor.target - 1e-6:
            agencies = sorted(set(inst.pairs.loc[inst.pairs["dimension"] == floor.dimension,
                                                 "agency"]))
            out.append(finding(
                "error", "presolve.dimension_floor_unreachable", code=floor.dimension,
                dimension_id=inst.labels.get("dimension_id", {}).get(floor.dimension,
                                                                     floor.dimension),
                dimension_en=inst.labels.get("dimension_en", {}).get(floor.dimension,
                                                                     floor.dimension),
                bound=bound, target=floor.target, share=100.0 * floor.share,
                deprived=floor.deprived, agencies=", ".join(agencies)))
    return out


def _absorption(inst: Instance) -> list[Finding]:
    """Agencies whose programmes cannot add up to the absorption share (a warning: their
    target becomes what they can add up to). The targets never pass a district ceiling:
    it cuts them in proportion (:mod:`planning.model.floors`)."""
    return [finding("warning", "presolve.absorption_limited", agency=floor.agency,
                    limit=floor.limit, pagu=floor.pagu, got=100.0 * floor.limit / floor.pagu,
                    share=100.0 * floor.share)
            for floor in floors.absorption_floors(inst) if floor.limited]


def _village_package(inst: Instance) -> list[Finding]:
    """The minimum package P fits: P x villages within the money, P within the village
    share cap, and every village's eligible programmes worth at least P."""
    package = floors.village_package(inst)
    if not package:
        return []
    out = []
    n, money = len(inst.villages), _money(inst)
    if package * n > money + 1e-6:
        out.append(finding("error", "presolve.package_money", package=package, n=n,
                           total=package * n, money=money))
    share = inst.settings.rules.village_max_share
    if share and package > share * money + 1e-6:
        out.append(finding("error", "presolve.package_share", package=package,
                           share=100.0 * share, most=share * money))
    pairs = inst.pairs
    most = (pairs["unit_cost"] * pairs["hi"] + pairs["fixed_cost"]).groupby(
        pairs["village"]).sum().reindex(inst.villages["code"], fill_value=0.0)
    for v, value in most[most < package - 1e-6].items():
        out.append(finding("error", "presolve.package_village", village=v,
                           name=inst.labels["village"].get(v, v), most=float(value),
                           package=package))
    return out


def _magnitudes(inst: Instance) -> list[Finding]:
    values = np.concatenate([
        inst.pairs[["unit_cost", "fixed_cost", "reach", "value", "lo", "hi"]].to_numpy(
            dtype=float).ravel(),
        inst.deprived["deprived"].to_numpy(dtype=float), inst.pagu.to_numpy(dtype=float)])
    values = np.abs(values[np.abs(values) > 1e-12])
    if len(values) and values.max() / values.min() > MAGNITUDE_WARNING:
        return [finding("warning", "presolve.magnitudes", low=f"{values.min():.3g}",
                        high=f"{values.max():.3g}")]
    return []

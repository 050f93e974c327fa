"""The package's own check of a finished plan, one function per rule of the model.

Each check takes the instance and a :class:`PlanView` (the plan evaluated with the
model's own arithmetic, see :mod:`planning.model.evaluate`) and returns one
:class:`Breach` per village, kecamatan, programme or agency that breaks its rule, with a
tolerance of :data:`TOL`. The registry (:mod:`planning.model.rules`) ties each check to
its rule's switch, build function and messages; :func:`planning.model.rules.check_plan`
runs them all. (The test suite has its own, independent checker.)

Money is in juta Rp, units in programme units, reach in deprived units (households,
children or persons, as the dimension counts them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planning import i18n
from planning.model import floors
from planning.model.evaluate import Evaluation, evaluate
from planning.model.instance import Instance, need_cap

TOL = 1e-6
"""Absolute tolerance of every check (juta Rp, units, deprived units)."""

#: parameters rendered as percentages (shares are fractions, 0.05 = 5 %)
_SHARES = frozenset({"share", "got"})


@dataclass(frozen=True)
class Breach:
    """One rule broken by a plan: the rule's name, whom it is about (``subject``, e.g.
    ``P1@V2`` or an agency code), how far it is broken (``amount``, in the rule's unit:
    juta Rp, units, villages, programmes or deprived units) and the values its message
    names. A rule named N renders with its label ``rule.N`` and its message ``check.N``
    (or ``key`` when the rule has more than one message)."""

    rule: str
    subject: str
    amount: float
    params: dict = field(default_factory=dict, compare=False, hash=False)
    key: str | None = None

    @property
    def message(self) -> str:
        return self.key or f"check.{self.rule}"

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The rule's label and what is wrong, in Bahasa Indonesia (``id``) or English."""
        shown = {k: _shown(k, v, lang) for k, v in self.params.items()}
        shown.setdefault("amount", _shown("amount", self.amount, lang))
        return f"{i18n.text(f'rule.{self.rule}', lang)}: {i18n.text(self.message, lang, **shown)}"


def _shown(name: str, value: object, lang: str) -> object:
    """Shares as percentages, whole numbers (to 1e-9) without decimals, others with two."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return value
    if name in _SHARES:
        return i18n.percent(float(value), lang, 1)
    value = float(value)
    return i18n.number(value, lang, 0 if abs(value - round(value)) < 1e-9 else 2)


@dataclass(frozen=True)
class PlanView:
    """A plan as the checks see it."""

    evaluation: Evaluation
    """The rows on eligible pairs, evaluated (cost, reach, removed, spend by agency)."""
    outside: pd.DataFrame
    """Rows (village, program, units > 0) that are no eligible pair of the instance."""

    @property
    def plan(self) -> pd.DataFrame:
        return self.evaluation.plan

    @property
    def total(self) -> float:
        """All spending of the plan (juta Rp)."""
        return float(self.plan["cost"].sum())

    @property
    def running(self) -> set[tuple[str, str]]:
        """(village, program) of every programme the plan runs."""
        return set(zip(self.plan["village"], self.plan["program"], strict=True))


def plan_view(instance: Instance, units: pd.DataFrame,
              removed: pd.DataFrame | None = None) -> PlanView:
    """``units`` (village, program, units) evaluated on ``instance``. ``removed``
    (village, dimension, removed), e.g. as a results folder reports them, replaces the
    model's own min(reached, deprived); without it the saturation rule holds by
    construction."""
    plan = units[units["units"] > 0][["village", "program", "units"]]
    keys = pd.MultiIndex.from_frame(plan[["village", "program"]])
    on_pair = keys.isin(instance.pair_index())
    ev = evaluate(instance, plan[on_pair])
    if removed is not None:
        given = removed.set_index(["village", "dimension"])["removed"]
        cells = pd.MultiIndex.from_frame(ev.removed[["village", "dimension"]])
        ev = dataclasses.replace(ev, removed=ev.removed.assign(
            removed=given.reindex(cells).fillna(0.0).to_numpy(dtype=float)))
    return PlanView(evaluation=ev, outside=plan[~on_pair].reset_index(drop=True))


def _name(instance: Instance, kind: str, code: str) -> str:
    return instance.labels.get(kind, {}).get(code, code)


def _place(instance: Instance, program: str, village: str) -> dict:
    return {"program": program, "village": village,
            "name": _name(instance, "village", village)}


# --- the checks, one per rule ----------------------------------------------------------


def check_eligibility(instance: Instance, view: PlanView) -> list[Breach]:
    """A programme runs only on an eligible pair: in a village of the plan, and (with the
    eligibility rule on) where the village's sector potential >= the programme's
    min_potential (both unitless, in [0, 1]). Amount: the units on the pair."""
    excluded = instance.excluded.set_index(["village", "program"])
    minimum = instance.programs.set_index("code").get("min_potential")
    out = []
    for row in view.outside.itertuples(index=False):
        key, where = (row.village, row.program), f"{row.program}@{row.village}"
        place = {**_place(instance, row.program, row.village), "units": int(row.units)}
        if key in excluded.index and excluded.at[key, "reason"] == "potential":
            out.append(Breach("eligibility", where, float(row.units), {
                **place, "potential": float(excluded.at[key, "value"]),
                "minimum": float(minimum[row.program]) if minimum is not None else 0.0}))
        elif key not in excluded.index:
            out.append(Breach("eligibility", where, float(row.units), place,
                              key="check.eligibility_outside"))
    return out


def _need_bounds(instance: Instance, program: str, need: float) -> tuple[int, int]:
    """(lo, hi) of a pair left out because its need is too small for the minimum units:
    hi = min(max_units, ceil(need / beneficiaries_per_unit)) with the need cap on."""
    prog = instance.programs.set_index("code").loc[program]
    lo, hi = int(prog["min_units"]), int(prog["max_units"])
    if instance.settings.rules.need_cap:
        cap = need_cap(np.array([need]), np.array([float(prog["beneficiaries_per_unit"])]))
        hi = min(hi, int(cap[0]))
    return lo, hi


def check_units(instance: Instance, view: PlanView) -> list[Breach]:
    """lo_p <= x[p,v] <= hi[p,v] (units) for every programme the plan runs, where
    hi[p,v] = min(max_units_p, ceil(need[v,p] / beneficiaries_per_unit_p)) with the need
    cap on. Amount: units below lo or above hi."""
    bounds = instance.pairs.set_index(["village", "program"])[["lo", "hi"]].reindex(
        pd.MultiIndex.from_frame(view.plan[["village", "program"]]))
    rows = list(zip(view.plan["village"], view.plan["program"],
                    view.plan["units"].astype(int), bounds["lo"].astype(int),
                    bounds["hi"].astype(int), strict=True))
    excluded = instance.excluded.set_index(["village", "program"])
    for r in view.outside.itertuples(index=False):
        key = (r.village, r.program)
        if key in excluded.index and excluded.at[key, "reason"] == "need":
            lo, hi = _need_bounds(instance, r.program, float(excluded.at[key, "value"]))
            rows.append((r.village, r.program, int(r.units), lo, hi))
    out = []
    for village, program, units, lo, hi in rows:
        if not lo <= units <= hi:
            out.append(Breach("units", f"{program}@{village}",
                              float(max(lo - units, units - hi)),
                              {**_place(instance, program, village), "units": units,
                               "lo": lo, "hi": hi}))
    return out


def check_saturation(instance: Instance, view: PlanView) -> list[Breach]:
    """removed[d,v] <= D[d,v] (deprived units of dimension d in village v), with the
    saturation rule on. Amount: deprived units removed beyond those deprived."""
    if not instance.settings.rules.saturation:
        return []
    cells = view.evaluation.removed
    over = cells["removed"] - cells["deprived"]
    return [Breach("saturation", f"{r.dimension}@{r.village}", float(o), {
        "village": r.village, "name": _name(instance, "village", r.village),
        "dimension": r.dimension, "removed": float(r.removed), "deprived": float(r.deprived)})
        for r, o in zip(cells.itertuples(index=False), over, strict=True) if o > TOL]


def check_pagu(instance: Instance, view: PlanView) -> list[Breach]:
    """sum_{v, p of a} (c_p * x[p,v] + f_p * y[p,v]) <= B_a (juta Rp) per agency a, with
    the budget limits on. Amount: juta Rp above the pagu."""
    if not instance.settings.rules.budget_limits:
        return []
    out = []
    for agency, used in view.evaluation.spend_by_agency.items():
        pagu = float(instance.pagu[agency])
        if used > pagu + TOL:
            out.append(Breach("pagu", agency, float(used - pagu), {
                "agency": agency, "name": _name(instance, "agency", agency),
                "spend": float(used), "pagu": pagu}))
    return out


def check_ceiling(instance: Instance, view: PlanView) -> list[Breach]:
    """sum of all spending <= B (juta Rp) when the scenario sets a district ceiling.
    Amount: juta Rp above the ceiling."""
    ceiling, total = instance.ceiling, view.total
    if ceiling is None or total <= ceiling + TOL:
        return []
    return [Breach("ceiling", "district", total - ceiling,
                   {"spend": total, "ceiling": float(ceiling)})]


def check_capacity(instance: Instance, view: PlanView) -> list[Breach]:
    """sum_v y[p,v] <= K_p (villages) for programmes with a max_villages, with the
    capacity rule on. Amount: villages above K_p."""
    if not instance.settings.rules.capacity:
        return []
    programs = instance.programs.set_index("code")
    limit = programs["max_villages"].dropna()
    count = view.plan.groupby("program")["village"].nunique()
    out = []
    for program, n in count.items():
        if program in limit.index and n > limit[program]:
            agency = programs.at[program, "agency"]
            out.append(Breach("capacity", program, float(n - limit[program]), {
                "program": program, "agency": agency,
                "agency_name": _name(instance, "agency", agency), "n": int(n),
                "limit": int(limit[program])}))
    return out


def check_coverage(instance: Instance, view: PlanView) -> list[Breach]:
    """sum_p y[p,v] >= m (programmes) for every village of the plan. Amount: programmes
    short of m."""
    need = instance.settings.rules.min_programs_per_village
    per_village = view.plan.groupby("village")["program"].nunique().to_dict()
    out = []
    for v in instance.villages["code"]:
        have = int(per_village.get(v, 0))
        if have < need:
            out.append(Breach("coverage", v, float(need - have), {
                "village": v, "name": _name(instance, "village", v), "n": have,
                "need": need}))
    return out


def check_kecamatan_share(instance: Instance, view: PlanView) -> list[Breach]:
    """sum_{v in k} spend_v >= s_min * sum_v spend_v (juta Rp) per kecamatan k, when
    kecamatan_min_share is set. Amount: juta Rp short of the share."""
    share = instance.settings.rules.kecamatan_min_share
    if not share:
        return []
    total = view.total
    spend = view.plan.groupby("kecamatan_code")["cost"].sum()
    out = []
    for k in sorted(set(instance.villages["kecamatan_code"])):
        got = float(spend.get(k, 0.0))
        short = share * total - got
        if short > TOL:
            out.append(Breach("kecamatan_share", k, float(short), {
                "kecamatan": k, "name": _name(instance, "kecamatan", k), "spend": got,
                "total": total, "got": got / total if total else 0.0, "share": share}))
    return out


def check_village_share(instance: Instance, view: PlanView) -> list[Breach]:
    """spend_v <= s_max * sum_v' spend_v' (juta Rp) per village v, when village_max_share
    is set. Amount: juta Rp above the share."""
    share = instance.settings.rules.village_max_share
    if not share:
        return []
    total = view.total
    out = []
    for v, got in view.plan.groupby("village")["cost"].sum().items():
        over = got - share * total
        if over > TOL:
            out.append(Breach("village_share", v, float(over), {
                "village": v, "name": _name(instance, "village", v), "spend": float(got),
                "total": total, "got": got / total, "share": share}))
    return out


def check_requires(instance: Instance, view: PlanView) -> list[Breach]:
    """y[a,v] <= y[b,v] for each 'requires' rule (a needs b) of rules.csv, with the
    requires rule on. Amount: 1 (programme) per village where a runs without b."""
    running = view.running
    return [Breach("requires", f"{a}->{b}@{v}", 1.0, {
        "a": a, "b": b, "village": v, "name": _name(instance, "village", v)})
        for a, b in instance.requires for v, p in sorted(running)
        if p == a and (v, b) not in running]


def check_excludes(instance: Instance, view: PlanView) -> list[Breach]:
    """y[a,v] + y[b,v] <= 1 for each 'excludes' rule of rules.csv, with the excludes rule
    on. Amount: 1 (programme) per village where both run."""
    running = view.running
    return [Breach("excludes", f"{a}x{b}@{v}", 1.0, {
        "a": a, "b": b, "village": v, "name": _name(instance, "village", v)})
        for a, b in instance.excludes for v, p in sorted(running)
        if p == a and (v, b) in running]


def check_locks(instance: Instance, view: PlanView) -> list[Breach]:
    """Each lock of the scenario: state 'out' means x[p,v] = 0; state 'in' means
    x[p,v] >= 1, and x[p,v] = n (units) when the lock fixes n units. Amount: units away
    from what the lock asks (at least 1)."""
    units = dict(zip(zip(view.plan["village"], view.plan["program"], strict=True),
                     view.plan["units"], strict=True))
    out = []
    for lock in instance.locks:
        have = int(units.get((lock.village, lock.program), 0))
        place = {**_place(instance, lock.program, lock.village), "units": have}
        where = f"{lock.program}@{lock.village}"
        if lock.state == "out" or lock.units == 0:
            if have:
                out.append(Breach("lock", where, float(have), place, key="check.lock_out"))
        elif lock.units is None:
            if not have:
                out.append(Breach("lock", where, 1.0, place, key="check.lock_in"))
        elif have != lock.units:
            out.append(Breach("lock", where, float(abs(have - lock.units)),
                              {**place, "wanted": lock.units}))
    return out


def check_dimension_floor(instance: Instance, view: PlanView) -> list[Breach]:
    """sum_v removed[d,v] >= s_d * D_d^elig (deprived units) for every dimension with a
    floor and an eligible programme (:func:`planning.model.floors.dimension_floors`).
    Amount: deprived units short of the target."""
    removed = view.evaluation.removed.groupby("dimension")["removed"].sum()
    out = []
    for floor in floors.dimension_floors(instance):
        got = float(removed.get(floor.dimension, 0.0))
        if floor.target - got > TOL:
            out.append(Breach("dimension_floor", floor.dimension, floor.target - got, {
                "dimension": floor.dimension, "removed": got, "target": floor.target,
                "deprived": floor.deprived, "share": floor.share,
                "got": got / floor.deprived if floor.deprived else 0.0}))
    return out


def check_absorption(instance: Instance, view: PlanView) -> list[Breach]:
    """spend_a >= min(s * B_a, A_a) (juta Rp) for every agency with a pagu, when
    agency_min_absorption is set (:func:`planning.model.floors.absorption_floors`).
    Amount: juta Rp short of the target."""
    out = []
    for floor in floors.absorption_floors(instance):
        used = float(view.evaluation.spend_by_agency.get(floor.agency, 0.0))
        if floor.target - used > TOL:
            out.append(Breach("absorption", floor.agency, floor.target - used, {
                "agency": floor.agency, "name": _name(instance, "agency", floor.agency),
                "spend": used, "target": floor.target, "pagu": floor.pagu,
                "share": floor.share, "got": used / floor.pagu}))
    return out


def check_village_package(instance: Instance, view: PlanView) -> list[Breach]:
    """spend_v >= P (juta Rp) for every village of the plan, when village_min_package is
    set. Amount: juta Rp short of P."""
    package = floors.village_package(instance)
    if not package:
        return []
    spend = view.plan.groupby("village")["cost"].sum().to_dict()
    out = []
    for v in instance.villages["code"]:
        got = float(spend.get(v, 0.0))
        if package - got > TOL:
            out.append(Breach("village_package", v, package - got, {
                "village": v, "name": _name(instance, "village", v), "spend": got,
                "package": package}))
    return out

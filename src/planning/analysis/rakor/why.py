"""Why and why not per village (mengapa / mengapa tidak, issue 14): for every village of
the plan and every candidate left out, its scores and their decomposition, what it
received and which rules bind there, what the plan would lose without it, and for each
programme, dimension or village left at zero what it would take to enter.

Facts are computed from the plan (:func:`planning.model.evaluate`) and from re-plans on
one kept model (:mod:`planning.analysis.rakor.why_search` for the loss without a
village, :mod:`planning.analysis.rakor.why_thresholds` for the entry thresholds); the
paragraphs are written by :mod:`planning.analysis.rakor.why_text`. A pure analysis:
nothing is written to disk.

Binding rules of a village v in the plan (money in juta Rp, tolerance :data:`TOL_MONEY`):

* ``pagu``: an agency with a programme in v spent its pagu: spend_a >= B_a - 0.5;
* ``absorption``: an agency with a programme in v spent only its absorption target:
  spend_a <= target_a + 0.5;
* ``need_cap``: a programme runs in v at the units its need allows, units = hi[p,v] <
  max_units_p; ``max_units``: at the catalogue's most units, units = max_units_p (not
  for a programme of one size, min_units = max_units);
* ``saturation``: every deprived unit of a dimension of v is reached, removed[d,v] =
  D[d,v] > 0 (deprived units);
* ``capacity``: a programme of v runs in as many villages as it may, villages = K_p;
* ``village_share``: spend_v >= s_max x T - 0.5 (T: all spending);
* ``village_package``: spend_v <= P + 0.5 (the minimum package, met exactly);
* ``kecamatan_share``: the kecamatan of v gets no more than its minimum share,
  spend_k <= s_min x T + 0.5;
* ``coverage``: v has exactly the minimum number of programmes m (m >= 1).
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection
from dataclasses import dataclass, field

import pandas as pd

from planning.analysis.equity import unused_programs
from planning.analysis.rakor import why_search, why_text, why_thresholds
from planning.model import Allocation, evaluate
from planning.model import floors as model_floors

TOL_MONEY = 0.5
"""Juta Rp: a money rule binds when the plan is within this much of its limit."""
TOP = 2
"""How many indicators (poverty) and sectors (potential) a village's scores name."""


@dataclass(frozen=True)
class WhyResult:
    """``villages``: one row per village explained; ``entries``: one row per programme,
    dimension or village left at zero (columns: :data:`VILLAGE_COLUMNS`,
    :data:`ENTRY_COLUMNS`); ``seconds``: time per part (wall clock, for reports)."""

    villages: pd.DataFrame
    entries: pd.DataFrame
    lang: str
    seconds: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict, repr=False)
    """Labels the paragraphs need (villages, programmes, agencies, indicators, sectors,
    dimensions), in both languages."""
    plans: dict = field(default_factory=dict, repr=False)
    """(kind, code, "cost" | "pagu" | "weight") -> the re-plan (village, program, units)
    at the entry threshold found: what the change would buy."""

    def render(self, lang: str) -> WhyResult:
        """The same result with its paragraphs in ``lang`` (``id`` or ``en``)."""
        return WhyResult(*why_text.paragraphs(self.villages, self.entries, self.names, lang),
                         lang, self.seconds, self.names, self.plans)


VILLAGE_COLUMNS = [
    "code", "name", "kecamatan_code", "kecamatan", "focus", "planned", "in_plan",
    "poverty_index", "potential_index", "rank_in_kecamatan", "focus_threshold",
    "focus_reason", "poor_by",
    "potential_from", "programmes", "received_cost", "binding", "binding_rules",
    "objective_base", "objective_without", "bound_without", "loss_low", "loss_high",
    "loss_low_pct", "loss_high_pct", "loss_plans", "gains", "paragraph"]
ENTRY_COLUMNS = [
    "kind", "code", "name", "agency", "reason", "cost_cut_pct", "not_at_cost_cut_pct",
    "cost_villages", "extra_pagu", "not_at_extra_pagu", "pagu_limit", "pagu_villages",
    "weight", "not_at_weight", "paragraph"]
#: numeric columns of the entries (NaN where not searched or not found)
ENTRY_NUMBERS = ["cost_cut_pct", "not_at_cost_cut_pct", "extra_pagu", "not_at_extra_pagu",
                 "pagu_limit", "weight", "not_at_weight"]


def _source(source):
    """(ds, ScoreResult or table, settings) from a Prepared run or such a tuple."""
    if hasattr(source, "dataset"):
        return source.dataset, source.scores, source.settings
    return source


def score_parts(scores, code: str) -> tuple[list, list]:
    """The :data:`TOP` largest contributions of a village to its poverty index
    (indicator, share of the index) and to its potential index by sector (sector, share);
    contributions as :class:`planning.scoring.indices.Index` gives them (they sum to the
    score). Empty when only the score table is given."""
    if not hasattr(scores, "poverty"):
        return [], []
    out = []
    for index, parts in ((scores.poverty, scores.poverty.contributions.loc[code]),
                         (scores.potential, scores.potential.by_group().loc[code])):
        total = float(index.score[code])
        top = parts[parts > 0].sort_values(ascending=False, kind="stable").head(TOP)
        out.append([(str(k), float(v) / total if total else 0.0) for k, v in top.items()])
    return out[0], out[1]


def focus_thresholds(table: pd.DataFrame) -> pd.Series:
    """Per kecamatan: the poverty index of its last focus village (the lowest selected)."""
    chosen = table[table["selected"].astype(bool)]
    return chosen.groupby("kecamatan_code")["poverty_index"].min()


def focus_reason(row, thresholds: pd.Series) -> str | None:
    """Why a village of the score table is not a focus village: ``below`` (its poverty
    index under its kecamatan's threshold), ``kelurahan`` (not picked as a kelurahan) or
    ``forced_out``; None for a focus village."""
    if bool(row.selected):
        return None
    if row.poverty_index <= thresholds.get(row.kecamatan_code, math.inf) + 1e-12:
        return "below"
    return "kelurahan" if row.type == "kelurahan" else "forced_out"


@dataclass(frozen=True)
class PlanFacts:
    """What the binding-rule tests need from one plan, computed once."""

    plan: pd.DataFrame
    removed: pd.DataFrame
    spend_agency: pd.Series
    spend_village: pd.Series
    spend_kecamatan: pd.Series
    total: float
    absorption: dict
    villages_per_program: pd.Series


def plan_facts(instance, units: pd.DataFrame) -> PlanFacts:
    """Spending per agency, village and kecamatan (juta Rp), the absorption targets and
    the villages each programme runs in, for ``units`` on ``instance``."""
    ev = evaluate(instance, units)
    plan = ev.plan.merge(instance.pairs[["village", "program", "hi"]], how="left")
    kec = instance.villages.set_index("code")["kecamatan_code"]
    spend_v = plan.groupby("village")["cost"].sum()
    return PlanFacts(plan, ev.removed, ev.spend_by_agency, spend_v,
                     spend_v.groupby(spend_v.index.map(kec)).sum(), float(plan["cost"].sum()),
                     {f.agency: f.target for f in model_floors.absorption_floors(instance)},
                     plan.groupby("program")["village"].nunique())


def binding_rules(instance, facts: PlanFacts, village: str) -> list[tuple]:
    """The rules that bind at ``village`` in the plan (module docstring), each as
    (rule, subject, value, limit) in the rule's unit."""
    rules, out = instance.settings.rules, []
    mine = facts.plan[facts.plan["village"] == village]
    for a in sorted(set(mine["agency"])):
        spent, pagu = float(facts.spend_agency[a]), float(instance.pagu[a])
        if rules.budget_limits and spent >= pagu - TOL_MONEY:
            out.append(("pagu", a, spent, pagu))
        elif a in facts.absorption and spent <= facts.absorption[a] + TOL_MONEY:
            out.append(("absorption", a, spent, facts.absorption[a]))
    catalogue = instance.programs.set_index("code")
    most, least = catalogue["max_units"], catalogue["min_units"]
    capacity = catalogue["max_villages"]
    for row in mine.itertuples(index=False):
        if least[row.program] >= most[row.program]:
            pass  # one size only: its units are no choice
        elif row.units >= most[row.program]:
            out.append(("max_units", row.program, float(row.units), float(most[row.program])))
        elif rules.need_cap and row.units >= row.hi:
            out.append(("need_cap", row.program, float(row.units), float(row.hi)))
        k = capacity[row.program]
        if rules.capacity and k == k and facts.villages_per_program[row.program] >= k:
            out.append(("capacity", row.program, float(facts.villages_per_program[
                row.program]), float(k)))
    cells = facts.removed[(facts.removed["village"] == village) & (facts.removed["deprived"] > 0)]
    for row in cells.itertuples(index=False):
        if rules.saturation and row.removed >= row.deprived - 1e-6:
            out.append(("saturation", row.dimension, float(row.removed), float(row.deprived)))
    spend = float(facts.spend_village.get(village, 0.0))
    if rules.village_max_share and spend >= rules.village_max_share * facts.total - TOL_MONEY:
        out.append(("village_share", village, spend, rules.village_max_share * facts.total))
    package = model_floors.village_package(instance)
    if package and spend and spend <= package + TOL_MONEY:
        out.append(("village_package", village, spend, package))
    kec = instance.villages.set_index("code").at[village, "kecamatan_code"]
    floor = (rules.kecamatan_min_share or 0.0) * facts.total
    if floor and float(facts.spend_kecamatan.get(kec, 0.0)) <= floor + TOL_MONEY:
        out.append(("kecamatan_share", kec, float(facts.spend_kecamatan[kec]), floor))
    m = rules.min_programs_per_village
    if m >= 1 and len(mine) == m:
        out.append(("coverage", village, float(len(mine)), float(m)))
    return out


def money_moves(before: PlanFacts, after: PlanFacts) -> list[tuple[str, float]]:
    """Villages whose spending rises in ``after`` by more than :data:`TOL_MONEY`, with the
    rise (juta Rp), largest first: where a removed village's money goes."""
    gain = after.spend_village.sub(before.spend_village, fill_value=0.0)
    gain = gain[gain > TOL_MONEY].sort_values(ascending=False, kind="stable")
    return [(str(v), float(g)) for v, g in gain.items()]


def explain_villages(source, base: Allocation | None = None, lang: str = "id", *,
                     thresholds: bool | Collection[str] = True) -> WhyResult:
    """Why and why not for every village of the plan and every candidate of their
    kecamatan left out, and what each item at zero would need to enter.

    ``source``: a prepared run (:class:`planning.pipeline.preparing.Prepared`) or
    (ds, scores, settings), scores the :class:`planning.scoring.ScoreResult` (its score
    table alone gives no decomposition); ``base``: the plan to explain when already made
    (else re-planned on the kept model); ``thresholds``: search the entry thresholds (of
    every item at zero, of none, or of the programmes and dimensions named)."""
    ds, scores, settings = _source(source)
    t0 = time.perf_counter()
    s = why_search.open_session(ds, scores, settings, base)
    seconds = {"base": time.perf_counter() - t0}
    t0 = time.perf_counter()
    villages = village_rows(s, scores)
    seconds["villages"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    plans: dict = {}
    entries = entry_rows(s, villages, thresholds, plans)
    seconds["entries"] = time.perf_counter() - t0
    names = why_text.names(ds, s.instance)
    return WhyResult(*why_text.paragraphs(villages, entries, names, lang), lang, seconds, names,
                     plans)


def village_rows(s: why_search.Session, scores) -> pd.DataFrame:
    """One row per village of the plan and per candidate of their kecamatan left out."""
    table = getattr(scores, "table", scores)
    inst = s.instance
    planned = set(inst.villages["code"])
    candidates = table[table["kecamatan_code"].isin(set(inst.villages["kecamatan_code"]))]
    threshold = focus_thresholds(table)
    base = plan_facts(inst, s.base)
    z1 = float(s.report.objective)
    b1 = float(s.report.bound if s.report.bound is not None else z1)
    rows = []
    for sc in candidates.sort_values("code", kind="stable").itertuples(index=False):
        poor, potential = score_parts(scores, sc.code)
        mine = base.plan[base.plan["village"] == sc.code]
        row = {"code": sc.code, "name": sc.name, "kecamatan_code": sc.kecamatan_code,
               "kecamatan": sc.kecamatan, "focus": bool(sc.selected),
               "planned": sc.code in planned, "in_plan": len(mine) > 0,
               "poverty_index": float(sc.poverty_index),
               "potential_index": float(sc.potential_index),
               "rank_in_kecamatan": int(sc.rank_in_kecamatan),
               "focus_threshold": float(threshold.get(sc.kecamatan_code, math.nan)),
               "focus_reason": focus_reason(sc, threshold),
               "poor_by": poor, "potential_from": potential,
               "programmes": [(r.program, int(r.units), float(r.cost))
                              for r in mine.itertuples(index=False)],
               "received_cost": float(mine["cost"].sum()), "binding": [], "gains": [],
               "objective_base": z1}
        if len(mine):
            row["binding"] = binding_rules(inst, base, sc.code)
            row.update(_without(s, sc.code, base, z1, b1))
        row["binding_rules"] = ", ".join(f"{r}:{subject}" for r, subject, *_ in row["binding"])
        rows.append(row)
    return pd.DataFrame(rows).reindex(columns=VILLAGE_COLUMNS)


def _without(s: why_search.Session, village: str, base: PlanFacts, z1: float,
             b1: float) -> dict:
    """The loss columns of a village from the re-plan without it: the interval
    (:func:`~planning.analysis.rakor.why_search.loss_interval`) and ``loss_plans`` = z1 -
    z2, the difference of the two plans found (a point, not the difference of optima)."""
    result = why_search.without_village(s, village).result
    if not result.is_plan:
        return {}
    z2 = float(result.report.objective)
    b2 = float(result.report.bound if result.report.bound is not None else z2)
    low, high = why_search.loss_interval(z1, b1, z2, b2)
    return {"objective_without": z2, "bound_without": b2, "loss_low": low,
            "loss_plans": z1 - z2,
            "loss_high": high, "loss_low_pct": 100.0 * low / b1 if b1 else math.nan,
            "loss_high_pct": 100.0 * high / z1 if z1 else math.nan,
            "gains": money_moves(base, plan_facts(s.instance, result.units))}


def entry_rows(s: why_search.Session, villages: pd.DataFrame,
               thresholds: bool | Collection[str], plans: dict) -> pd.DataFrame:
    """One row per programme, dimension and planned village left at zero, with the entry
    thresholds (:mod:`planning.analysis.rakor.why_thresholds`) of those ``thresholds`` asks
    for (True: all, False: none, else the codes named); the re-plans at the thresholds
    go into ``plans`` (see :attr:`WhyResult.plans`)."""
    inst, rows = s.instance, []
    wanted = (lambda code: thresholds) if isinstance(thresholds, bool) else \
        (lambda code: code in set(thresholds))
    facts = plan_facts(inst, s.base)
    unused = unused_programs(inst, facts.plan.assign(households_reached=facts.plan["reached"]))
    for u in unused.itertuples(index=False):
        row = {"kind": "program", "code": u.program, "agency": u.agency, "reason": u.reason}
        if wanted(u.program) and u.reason != "not_eligible":
            cost = why_thresholds.cost_threshold(s, u.program)
            pagu = why_thresholds.pagu_threshold(s, u.program)
            plans[("program", u.program, "cost")] = cost.plan
            plans[("program", u.program, "pagu")] = pagu.plan
            row.update({"cost_villages": _where(cost.plan, u.program),
                        "pagu_villages": _where(pagu.plan, u.program)})
            row.update({"cost_cut_pct": cost.found, "not_at_cost_cut_pct": cost.not_at,
                        "extra_pagu": pagu.found, "not_at_extra_pagu": pagu.not_at,
                        "pagu_limit": pagu.limit})
        rows.append(row)
    removed = facts.removed.groupby("dimension", sort=False)[["deprived", "removed"]].sum()
    for d, r in removed.iterrows():
        if r["deprived"] > 0 and r["removed"] <= 1e-9:
            row = {"kind": "dimension", "code": d}
            if wanted(d):
                w = why_thresholds.weight_threshold(s, d)
                plans[("dimension", d, "weight")] = w.plan
                row.update({"weight": w.found, "not_at_weight": w.not_at})
            rows.append(row)
    for v in villages[villages["planned"] & ~villages["in_plan"]].itertuples(index=False):
        rows.append({"kind": "village", "code": v.code})
    out = pd.DataFrame(rows).reindex(columns=ENTRY_COLUMNS)
    out[ENTRY_NUMBERS] = out[ENTRY_NUMBERS].apply(pd.to_numeric).astype(float)
    return out


def _where(plan: pd.DataFrame | None, program: str) -> list[str]:
    """The villages ``program`` runs in, in ``plan`` (none without a plan)."""
    if plan is None:
        return []
    return sorted(plan.loc[plan["program"] == program, "village"])

"""Which rules a given plan breaks, recomputed from the plan table alone.

Used to decide whether a heuristic plan may serve as the MIP's warm start and to mark
baselines that break a rule. (The test suite has its own, independent checker.)
"""

from __future__ import annotations

import pandas as pd

from planning.model.evaluate import evaluate
from planning.model.instance import Instance

TOL = 1e-6


def plan_violations(instance: Instance, units: pd.DataFrame) -> list[tuple[str, str, float]]:
    """(rule, subject, amount) for every rule ``units`` breaks; empty when it keeps all."""
    rules = instance.settings.rules
    ev = evaluate(instance, units)
    plan = ev.plan
    out: list[tuple[str, str, float]] = []
    bounds = instance.pairs.set_index(["village", "program"])
    for row in plan.itertuples(index=False):
        lo, hi = bounds.at[(row.village, row.program), "lo"], bounds.at[
            (row.village, row.program), "hi"]
        if not lo <= row.units <= hi:
            out.append(("units", f"{row.program}@{row.village}", float(row.units)))
    if rules.budget_limits:
        for agency, used in ev.spend_by_agency.items():
            if used > instance.pagu[agency] + TOL:
                out.append(("pagu", agency, float(used - instance.pagu[agency])))
    total = float(plan["cost"].sum())
    if instance.ceiling is not None and total > instance.ceiling + TOL:
        out.append(("ceiling", "district", total - instance.ceiling))
    if rules.capacity:
        limit = instance.programs.set_index("code")["max_villages"].dropna()
        count = plan.groupby("program")["village"].nunique()
        for program, n in count.items():
            if program in limit.index and n > limit[program]:
                out.append(("capacity", program, float(n - limit[program])))
    need = rules.min_programs_per_village
    per_village = plan.groupby("village")["program"].nunique()
    for v in instance.villages["code"]:
        if per_village.get(v, 0) < need:
            out.append(("coverage", v, float(need - per_village.get(v, 0))))
    spend_v = plan.groupby("village")["cost"].sum()
    if rules.village_max_share:
        for v, s in spend_v.items():
            if s > rules.village_max_share * total + TOL:
                out.append(("village_share", v, float(s - rules.village_max_share * total)))
    if rules.kecamatan_min_share:
        spend_k = plan.groupby("kecamatan_code")["cost"].sum()
        for k in sorted(set(instance.villages["kecamatan_code"])):
            short = rules.kecamatan_min_share * total - spend_k.get(k, 0.0)
            if short > TOL:
                out.append(("kecamatan_share", k, float(short)))
    running = set(zip(plan["village"], plan["program"], strict=True))
    for a, b in instance.requires:
        for v, p in sorted(running):
            if p == a and (v, b) not in running:
                out.append(("requires", f"{a}->{b}@{v}", 1.0))
    for a, b in instance.excludes:
        for v, p in sorted(running):
            if p == a and (v, b) in running:
                out.append(("excludes", f"{a}x{b}@{v}", 1.0))
    units_by = dict(zip(zip(plan["village"], plan["program"], strict=True), plan["units"],
                        strict=True))
    for lock in instance.locks:
        have = units_by.get((lock.village, lock.program), 0)
        wrong = (lock.state == "out" and have > 0) or (lock.state == "in" and (
            have == 0 if lock.units is None else have != lock.units))
        if wrong:
            out.append(("lock", f"{lock.program}@{lock.village}", float(have)))
    return out

"""Result tables in the shape of the inputs: the plan (one row per village and
programme), per agency, per kecamatan, per village (deprivations before and after by
dimension), the totals, and the comparison with the baselines.

Every table is sorted by codes, so the same plan always gives the same files.
"""

from __future__ import annotations

import pandas as pd

from planning.model.build import Model
from planning.model.evaluate import Evaluation, evaluate, units_frame

PLAN_COLUMNS = ["village", "village_name", "kecamatan_code", "kecamatan", "program",
                "agency", "dimension", "units", "unit_cost", "fixed_cost",
                "cost", "effectiveness", "synergy_bonus", "households_reached"]


def model_units(m: Model) -> pd.DataFrame:
    """Units per (village, program) in the model's current solution (rounded integers)."""
    values = {key: round(var.varValue or 0.0) for key, var in m.x.items()}
    open_ = {key: (var.varValue or 0.0) > 0.5 for key, var in m.y.items()}
    return units_frame({k: n for k, n in values.items() if open_[k]})


def plan_table(ev: Evaluation, instance) -> pd.DataFrame:
    """The plan, one row per (village, programme), language-neutral: programme names are
    added where people read it (:func:`planning.report.labels.named_plan`)."""
    plan = ev.plan.copy()
    villages = instance.villages.set_index("code")
    plan["village_name"] = plan["village"].map(villages["name"])
    plan["kecamatan"] = plan["village"].map(villages["kecamatan"])
    plan["households_reached"] = plan["reached"]
    return plan[PLAN_COLUMNS].sort_values(["village", "program"], kind="stable").reset_index(
        drop=True)


def agency_table(ev: Evaluation, instance) -> pd.DataFrame:
    plan = ev.plan
    out = pd.DataFrame({"agency": instance.pagu.index,
                        "agency_name": [instance.labels["agency"].get(a, a)
                                        for a in instance.pagu.index],
                        "pagu": instance.pagu.to_numpy(dtype=float)})
    used = plan.groupby("agency")["cost"].sum()
    out["used"] = out["agency"].map(used).fillna(0.0).to_numpy()
    out["share_used"] = (out["used"] / out["pagu"].where(out["pagu"] > 0)).fillna(0.0)
    out["villages"] = out["agency"].map(plan.groupby("agency")["village"].nunique()).fillna(
        0).astype(int).to_numpy()
    out["programs"] = out["agency"].map(plan.groupby("agency")["program"].nunique()).fillna(
        0).astype(int).to_numpy()
    out["households_reached"] = out["agency"].map(
        plan.groupby("agency")["reached"].sum()).fillna(0.0).to_numpy()
    return out.sort_values("agency", kind="stable").reset_index(drop=True)


def village_table(ev: Evaluation, instance) -> pd.DataFrame:
    removed = ev.removed.assign(after=ev.removed["deprived"] - ev.removed["removed"])
    out = instance.villages[["code", "name", "kecamatan_code", "kecamatan", "poverty_index",
                             "weight"]].rename(columns={"code": "village"}).copy()
    spend = ev.plan.groupby("village")["cost"].sum()
    out["programs"] = out["village"].map(ev.plan.groupby("village")["program"].nunique()
                                         ).fillna(0).astype(int).to_numpy()
    out["cost"] = out["village"].map(spend).fillna(0.0).to_numpy()
    total = float(ev.plan["cost"].sum())
    out["share_of_spending"] = out["cost"] / total if total else 0.0
    for column in ("deprived", "removed", "after"):
        wide = removed.pivot(index="village", columns="dimension", values=column)
        for d in instance.deprived["dimension"].drop_duplicates():
            out[f"{column}_{d}"] = out["village"].map(wide[d]).to_numpy()
    out["deprived_total"] = out["village"].map(removed.groupby("village")["deprived"].sum())
    out["removed_total"] = out["village"].map(removed.groupby("village")["removed"].sum())
    return out.sort_values("village", kind="stable").reset_index(drop=True)


def kecamatan_table(ev: Evaluation, instance) -> pd.DataFrame:
    villages = village_table(ev, instance)
    out = villages.groupby(["kecamatan_code", "kecamatan"], as_index=False).agg(
        villages=("village", "size"), programs=("programs", "sum"), cost=("cost", "sum"),
        deprived_total=("deprived_total", "sum"), removed_total=("removed_total", "sum"))
    total = float(out["cost"].sum())
    out["share_of_spending"] = out["cost"] / total if total else 0.0
    return out.sort_values("kecamatan_code", kind="stable").reset_index(drop=True)


def dimension_table(ev: Evaluation) -> pd.DataFrame:
    out = ev.removed.groupby("dimension", as_index=False, sort=False).agg(
        deprived=("deprived", "sum"), reached=("reached", "sum"), removed=("removed", "sum"))
    out["after"] = out["deprived"] - out["removed"]
    return out


def baseline_table(instance, plans: dict[str, pd.DataFrame], violations) -> pd.DataFrame:
    """One row per plan: spending, deprivations removed, objective, rules broken, and how
    much more the first plan (the optimum) removes than each one."""
    rows = []
    for name, units in plans.items():
        ev = evaluate(instance, units)
        rows.append({"plan": name, "cost": float(ev.plan["cost"].sum()),
                     "removed": ev.removed_total, "objective": ev.objective,
                     "rules_broken": len(violations(instance, units))})
    out = pd.DataFrame(rows)
    first = out.iloc[0]
    out["removed_gain_over"] = first["removed"] - out["removed"]
    out["objective_gain_pct"] = [
        100.0 * (first["objective"] - v) / v if v > 0 else float("nan")
        for v in out["objective"]]
    return out

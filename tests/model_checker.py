"""An independent checker of allocation results.

It reads the data set's CSV files with pandas, never the model's instance, and recomputes
every rule of docs/model.md and the objective from the exported plan table (village,
program, units). It shares no code with ``planning.model``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

TOL = 1e-6


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype={"code": str, "village": str})


def plan_villages(scores: pd.DataFrame, choice) -> list[str]:
    codes = scores["code"].astype(str)
    if choice == "focus":
        return sorted(codes[scores["selected"].astype(bool)])
    if choice == "all":
        return sorted(codes)
    return sorted(choice)


def recompute(folder: Path, scores: pd.DataFrame, settings, plan: pd.DataFrame) -> dict:
    """Everything a reviewer would recompute: violations, objective, removed by cell."""
    programs = _csv(folder, "programs.csv").set_index("code")
    agencies = _csv(folder, "agencies.csv").set_index("code")
    indicators = _csv(folder, "indicators.csv").set_index("code")
    groups = _csv(folder, "groups.csv")
    rules_path = folder / "rules.csv"
    pair_rules = pd.read_csv(rules_path) if rules_path.exists() else pd.DataFrame(
        columns=["rule", "program_a", "program_b", "bonus"])
    rules = settings.rules
    villages = plan_villages(scores, settings.villages)
    sc = scores.assign(code=scores["code"].astype(str)).set_index("code")
    bad: list[str] = []

    plan = plan[plan["units"] > 0].copy()
    plan["village"] = plan["village"].astype(str)
    for row in plan.itertuples(index=False):
        prog = programs.loc[row.program]
        where = f"{row.program}@{row.village}"
        if row.village not in villages:
            bad.append(f"village not in plan: {where}")
        hi = int(prog["max_units"])
        if rules.need_cap:
            need = float(indicators.at[row.village, prog["need_indicator"]])
            hi = min(hi, math.ceil(need / float(prog["beneficiaries_per_unit"]) - 1e-9))
        if not int(prog["min_units"]) <= row.units <= hi:
            bad.append(f"units out of bounds: {where} {row.units} not in "
                       f"[{prog['min_units']}, {hi}]")
        sector = prog["sector"]
        if rules.eligibility and isinstance(sector, str) and not pd.isna(
                prog["min_potential"]) and float(sc.at[row.village, f"potential_{sector}"]) < \
                prog["min_potential"]:
            bad.append(f"ineligible (potential): {where}")
    plan["agency"] = plan["program"].map(programs["agency"])
    plan["dimension"] = plan["program"].map(programs["dimension"])
    plan["cost_check"] = plan["program"].map(programs["unit_cost"]) * plan["units"] + \
        plan["program"].map(programs["fixed_cost"])
    if "cost" in plan and not np.allclose(plan["cost"], plan["cost_check"]):
        bad.append("exported cost differs from unit_cost * units + fixed_cost")

    pagu = agencies["pagu"].astype(float).copy()
    for agency, value in settings.pagu.items():
        pagu[agency] = value
    spend = plan.groupby("agency")["cost_check"].sum()
    if rules.budget_limits:
        for agency, used in spend.items():
            if used > pagu[agency] + TOL:
                bad.append(f"pagu exceeded: {agency} {used:.3f} > {pagu[agency]:.3f}")
    total = float(plan["cost_check"].sum())
    if rules.district_ceiling is not None and total > rules.district_ceiling + TOL:
        bad.append(f"district ceiling exceeded: {total}")
    if rules.capacity:
        count = plan.groupby("program")["village"].nunique()
        for program, n in count.items():
            k = programs.at[program, "max_villages"]
            if not pd.isna(k) and n > k:
                bad.append(f"capacity exceeded: {program} in {n} villages > {k}")
    per_village = plan.groupby("village")["program"].nunique()
    for v in villages:
        if per_village.get(v, 0) < rules.min_programs_per_village:
            bad.append(f"coverage: {v} has {per_village.get(v, 0)} programmes")
    spend_v = plan.groupby("village")["cost_check"].sum()
    if rules.village_max_share:
        for v, s in spend_v.items():
            if s > rules.village_max_share * total + TOL:
                bad.append(f"village share exceeded: {v}")
    if rules.kecamatan_min_share:
        kec_of = sc["kecamatan_code"].astype(str)
        spend_k = spend_v.groupby(spend_v.index.map(kec_of)).sum()
        for k in sorted({kec_of[v] for v in villages}):
            if spend_k.get(k, 0.0) < rules.kecamatan_min_share * total - TOL:
                bad.append(f"kecamatan share short: {k}")
    running = set(zip(plan["village"], plan["program"], strict=True))
    for r in pair_rules.itertuples(index=False):
        for v, p in running:
            if r.rule == "requires" and rules.requires and p == r.program_a and \
                    (v, r.program_b) not in running:
                bad.append(f"requires broken: {p} without {r.program_b} in {v}")
            if r.rule == "excludes" and rules.excludes and p == r.program_a and \
                    (v, r.program_b) in running:
                bad.append(f"excludes broken: {p} with {r.program_b} in {v}")
    units = dict(zip(zip(plan["village"], plan["program"], strict=True), plan["units"],
                     strict=True))
    for lock in settings.locks:
        have = units.get((lock.village, lock.program), 0)
        if lock.state == "out" and have:
            bad.append(f"lock out broken: {lock}")
        if lock.state == "in" and (have == 0 if lock.units is None else have != lock.units):
            bad.append(f"lock in broken: {lock}")

    # objective: reach = beneficiaries * effectiveness * units * (1 + synergy bonus)
    floor = rules.effectiveness_floor
    reach = []
    for row in plan.itertuples(index=False):
        prog = programs.loc[row.program]
        e = 1.0
        if rules.effectiveness and isinstance(prog["sector"], str):
            pot = min(max(float(sc.at[row.village, f"potential_{prog['sector']}"]), 0), 1)
            e = floor + (1 - floor) * pot
        bonus = 0.0
        if rules.synergy:
            for r in pair_rules[pair_rules["rule"] == "synergy"].itertuples(index=False):
                partner = r.program_b if row.program == r.program_a else (
                    r.program_a if row.program == r.program_b else None)
                if partner and (row.village, partner) in running:
                    bonus += float(r.bonus)
        reach.append(float(prog["beneficiaries_per_unit"]) * e * row.units * (1 + bonus))
    plan["reach"] = reach
    count_of = groups[groups["kind"] == "dimension"].set_index("group")["count_indicator"]
    poverty = sc.loc[villages, "poverty_index"].astype(float)
    if rules.priority_weights and poverty.max() > poverty.min():
        weight = 1 + rules.priority_strength * (poverty - poverty.min()) / (
            poverty.max() - poverty.min())
    else:
        weight = pd.Series(1.0, index=poverty.index)
    # programme depth: programs.csv column ``depth`` (blank or absent: 1); all 1 when off
    if rules.programme_depth and "depth" in programs:
        depth_of = programs["depth"].astype(float).fillna(1.0)
    else:
        depth_of = pd.Series(1.0, index=programs.index)
    plan["depth"] = plan["program"].map(depth_of).astype(float)
    reached = plan.groupby(["village", "dimension"])["reach"].sum()
    lifted = lift_deepest_first(plan, indicators, count_of, rules.saturation)
    beta = float(rules.diminishing_returns)
    cells = []
    for v in villages:
        for d, indicator in count_of.items():
            deprived = float(indicators.at[v, indicator])
            got = float(reached.get((v, d), 0.0))
            removed = min(got, deprived) if rules.saturation else got
            lift = float(lifted.get((v, d), 0.0))
            value = concave_value(lift, deprived, beta)
            cells.append((v, d, deprived, removed, lift, value,
                          float(weight[v]) * rules.dimension_weights.get(d, 1.0) * value))
    cells = pd.DataFrame(cells, columns=["village", "dimension", "deprived", "removed",
                                         "lifted", "value", "weighted"])

    # the balance floors
    eligible = eligible_pairs(programs, indicators, sc, villages, rules)
    dimension_targets = {}
    removed_d = cells.groupby("dimension")["removed"].sum()
    for d, indicator in count_of.items():
        share = _dimension_share(rules.dimension_min_share, d)
        where = set(eligible.loc[eligible["dimension"] == d, "village"])
        if share <= 0 or not where:
            continue
        target = share * sum(float(indicators.at[v, indicator]) for v in where)
        dimension_targets[d] = target
        if removed_d.get(d, 0.0) < target - TOL:
            bad.append(f"dimension floor short: {d} {removed_d.get(d, 0.0):.3f} < "
                       f"{target:.3f}")
    absorption_targets = {}
    if rules.agency_min_absorption:
        # a district ceiling below all the pagu cuts every target in proportion
        ceiling = rules.district_ceiling
        cut = min(1.0, ceiling / float(pagu.sum())) if ceiling is not None else 1.0
        for agency, budget in pagu.items():
            if budget <= 0:
                continue
            mine = eligible[eligible["agency"] == agency]
            limit = absorption_limit(mine, float(budget), programs["max_villages"].to_dict()
                                     if rules.capacity else None)
            target = min(rules.agency_min_absorption * float(budget) * cut, limit)
            absorption_targets[agency] = target
            if spend.get(agency, 0.0) < target - TOL:
                bad.append(f"absorption short: {agency} {spend.get(agency, 0.0):.3f} < "
                           f"{target:.3f}")
    package = float(rules.village_min_package or 0.0)
    if package:
        for v in villages:
            if spend_v.get(v, 0.0) < package - TOL:
                bad.append(f"village package short: {v} {spend_v.get(v, 0.0):.3f} < "
                           f"{package:.3f}")
    return {"violations": bad, "objective": float(cells["weighted"].sum()),
            "removed": float(cells["removed"].sum()), "cells": cells, "spend": spend,
            "total": total, "spend_village": spend_v.reindex(villages, fill_value=0.0),
            "eligible": eligible, "dimension_targets": dimension_targets,
            "absorption_targets": absorption_targets, "package": package}


def _dimension_share(share, dimension: str) -> float:
    if isinstance(share, dict):
        return float(share.get(dimension, 0.0))
    return float(share or 0.0)


def concave_value(lifted: float, deprived: float, beta: float) -> float:
    """F(L; D) from the documented formula: the share reached is cut at 1/16, 1/8, 1/4
    and 1/2 of D; segment k (k = 0..4, the last one open) counts 2 ** (-beta * k) per
    deprived unit lifted."""
    edges = [0.0, deprived / 16, deprived / 8, deprived / 4, deprived / 2, math.inf]
    return sum(2.0 ** (-beta * k) * max(0.0, min(lifted, edges[k + 1]) - edges[k])
               for k in range(5))


def lift_deepest_first(plan: pd.DataFrame, indicators: pd.DataFrame, count_of: pd.Series,
                       saturation: bool) -> dict:
    """{(village, dimension): lifted}: in each cell the programmes take the deprived in
    order of depth (deepest first) until they are used up; lifted = sum depth * taken."""
    out: dict = {}
    for (v, d), rows in plan.groupby(["village", "dimension"]):
        room = float(indicators.at[v, count_of[d]]) if saturation else math.inf
        total = 0.0
        for depth, reach in sorted(zip(rows["depth"], rows["reach"], strict=True),
                                   key=lambda item: -item[0]):
            taken = min(reach, max(room, 0.0))
            total += depth * taken
            room -= reach
        out[(v, d)] = total
    return out


def eligible_pairs(programs: pd.DataFrame, indicators: pd.DataFrame, sc: pd.DataFrame,
                   villages: list[str], rules) -> pd.DataFrame:
    """(village, program) of the plan's villages that can run: the need cap leaves room
    for the minimum units, and the sector potential reaches min_potential (eligibility
    on). Columns: village, program, agency, dimension, lo, hi, unit_cost, fixed_cost."""
    rows = []
    for v in villages:
        for code, prog in programs.iterrows():
            lo, hi = int(prog["min_units"]), int(prog["max_units"])
            per_unit = float(prog["beneficiaries_per_unit"])
            if rules.need_cap:
                need = float(indicators.at[v, prog["need_indicator"]])
                hi = min(hi, math.ceil(need / per_unit - 1e-9) if per_unit > 0 else 0)
            if hi < lo or hi <= 0:
                continue
            sector = prog["sector"]
            if rules.eligibility and isinstance(sector, str) and sector and not pd.isna(
                    prog["min_potential"]) and float(sc.at[v, f"potential_{sector}"]) < \
                    float(prog["min_potential"]):
                continue
            rows.append((v, code, prog["agency"], prog["dimension"], lo, hi,
                         float(prog["unit_cost"]), float(prog["fixed_cost"])))
    return pd.DataFrame(rows, columns=["village", "program", "agency", "dimension", "lo",
                                       "hi", "unit_cost", "fixed_cost"])


def absorption_limit(pairs: pd.DataFrame, budget: float,
                     capacity: dict[str, float] | None = None) -> float:
    """A_a: the most that the pairs (each run with 0 or lo..hi units, cost
    unit_cost * n + fixed_cost; a programme of ``capacity`` in at most that many
    villages) can add up to without passing ``budget`` (juta Rp), by dynamic programming
    over the amounts reachable in whole sen of juta (0.01), one table per number of
    villages for a programme with a capacity. Costs must lie on that grid (they do in
    the shipped data)."""
    top = math.floor(budget * 100 + 1e-6)

    def grow(table: np.ndarray, pair) -> np.ndarray:
        out = np.zeros_like(table)
        for n in range(int(pair.lo), int(pair.hi) + 1):
            exact = (n * pair.unit_cost + pair.fixed_cost) * 100
            step = round(exact)
            if abs(step - exact) > 1e-6:
                raise ValueError(f"cost of {pair} is not on the 0.01 juta grid")
            if step <= top:
                out[step:] |= table[:top + 1 - step]
        return out

    reachable = np.zeros(top + 1, dtype=bool)
    reachable[0] = True
    for program, rows in pairs.groupby("program", sort=True):
        k = (capacity or {}).get(program)
        if k is None or k != k or len(rows) <= k:
            for pair in rows.itertuples(index=False):
                reachable = reachable | grow(reachable, pair)
            continue
        tables = [reachable] + [np.zeros_like(reachable) for _ in range(int(k))]
        for pair in rows.itertuples(index=False):
            for j in range(int(k), 0, -1):
                tables[j] = tables[j] | grow(tables[j - 1], pair)
        reachable = np.logical_or.reduce(tables)
    return float(np.flatnonzero(reachable).max()) / 100

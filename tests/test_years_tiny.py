"""The multi-year model against exhaustive enumeration on tiny horizons (2-3 years,
2 villages, programmes of one unit, one of them a work of two years): every combination
of starts is tried, its cost, stock and value recomputed here from the data's own
columns (not with planning's evaluation), and the best one that keeps every rule must
have the solver's objective. Also: a one-year horizon is the one-year model, and a
recorded year is kept and its started work continued."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest

from planning.config.model import Horizon, ModelSettings, Rules, Solver, Target
from planning.model import ModelError, allocate
from planning.model.years import plan_years

PROGRAMS = ("PUTR-PAMSIMAS", "DPMD-BUMDES", "DKPP-BIBIT")
BREAKS = (1 / 16, 1 / 8, 1 / 4, 1 / 2)


def tiny(ds, scores, villages: list[str], durations: dict[str, int], poor: float | None = None):
    """The shipped data set cut to ``PROGRAMS`` with ``durations``, and its scores with
    ``villages`` as the focus villages; ``poor``: the first village's poor households
    (so few that the stock binds)."""
    if poor is not None:
        indicators = ds.indicators.copy()
        indicators.loc[indicators["code"].astype(str) == villages[0], "hh_poor_dtks"] = poor
        ds = dataclasses.replace(ds, indicators=indicators)
    programs = ds.programs[ds.programs["code"].isin(PROGRAMS)].copy()
    programs["duration"] = programs["code"].map(durations).fillna(1).astype(int)
    programs["max_villages"] = np.nan
    agencies = ds.agencies[ds.agencies["code"].isin(programs["agency"])].copy()
    small = dataclasses.replace(ds, programs=programs.reset_index(drop=True),
                                agencies=agencies.reset_index(drop=True),
                                rules=ds.rules.iloc[0:0])
    table = scores.assign(selected=scores["code"].astype(str).isin(villages))
    return small, table


def concave(lifted: float, deprived: float, beta: float) -> float:
    """F(L; D): slopes 2^(-beta k) between the shares 0, 1/16, 1/8, 1/4, 1/2, open."""
    edges = [0.0, *(deprived * b for b in BREAKS), math.inf]
    return sum(2.0 ** (-beta * k) * max(0.0, min(lifted, edges[k + 1]) - edges[k])
               for k in range(5))


def brute_force(ds, table, villages, years, pagu, durations, discount, beta,
                history=None):
    """The best objective over every combination of starts (0 or 1 unit), recomputed
    from programs.csv, indicators.csv, groups.csv and the scores."""
    prog = ds.programs.set_index("code")
    ind = ds.indicators.assign(code=ds.indicators["code"].astype(str)).set_index("code")
    dims = ds.dimensions.set_index("group")
    sc = table.assign(code=table["code"].astype(str)).set_index("code").loc[villages]
    pov = sc["poverty_index"]
    weight = 1 + (pov - pov.min()) / (pov.max() - pov.min())
    # eligible pairs: potential above the minimum, need for one unit
    pairs = []
    for v in villages:
        for p in PROGRAMS:
            row = prog.loc[p]
            sector = row["sector"] if isinstance(row["sector"], str) and row["sector"] else None
            pot = float(sc.at[v, f"potential_{sector}"]) if sector else 1.0
            if sector and not np.isnan(row["min_potential"]) and \
                    round(pot, 6) < row["min_potential"]:
                continue
            need = float(ind.at[v, row["need_indicator"]])
            cap = math.ceil(need / row["beneficiaries_per_unit"] - 1e-9)
            if min(cap, int(row["max_units"])) < 1:
                continue
            e = 0.5 + 0.5 * min(max(round(pot, 6), 0), 1) if sector else 1.0
            pairs.append((v, p, int(durations.get(p, 1)), cap,
                          float(row["beneficiaries_per_unit"]) * e, row["dimension"],
                          row["agency"], float(row["unit_cost"]), float(row["fixed_cost"])))
    recorded = {} if history is None else {
        (r.year, r.village, r.program): (int(r.started), int(r.units))
        for r in history.itertuples(index=False)}
    done = sorted({y for y, _v, _p in recorded})
    planned = [t for t in years if t not in done]
    slots = [(i, t) for i, (_v, _p, n, *_rest) in enumerate(pairs) for t in planned
             if t + n - 1 <= years[-1]]
    best = -math.inf
    deprived0 = {(v, d): float(ind.at[v, dims.at[d, "count_indicator"]])
                 for v in villages for d in dims.index}
    for choice in itertools.product((0, 1), repeat=len(slots)):
        starts = {(i, t): 0 for i in range(len(pairs)) for t in years}
        for (i, t), s in zip(slots, choice, strict=True):
            starts[(i, t)] = s
        for (y, v, p), (s, _u) in recorded.items():
            i = next(k for k, q in enumerate(pairs) if q[0] == v and q[1] == p)
            starts[(i, y)] = s
        ok = True
        value = 0.0
        stock = dict(deprived0)
        for t in years:
            spend: dict[str, float] = {}
            reach: dict[tuple[str, str], float] = {}
            for i, (v, p, n, cap, per_unit, d, agency, c, f) in enumerate(pairs):
                if (t, v, p) in recorded:
                    x = recorded[(t, v, p)][1]
                else:
                    x = sum(starts[(i, tau)] for tau in range(t - n + 1, t + 1)
                            if (i, tau) in starts)
                if sum(starts[(i, tau)] for tau in years) > cap or x > 1:
                    ok = False
                if x:
                    spend[agency] = spend.get(agency, 0.0) + (c * x + f) / n
                    reach[(v, d)] = reach.get((v, d), 0.0) + per_unit * x / n
            if any(spend.get(a, 0.0) > pagu[a][t] + 1e-7 for a in pagu):
                ok = False
            if not ok:
                break
            for (v, d), got in reach.items():
                removed = min(got, stock[(v, d)])
                stock[(v, d)] -= removed
                if t in planned:
                    value += (1 + discount) ** -(t - years[0]) * weight[v] * concave(
                        removed, deprived0[(v, d)], beta)
        if ok and value > best:
            best = value
    return best


def settings_for(years, pagu, discount, beta, **horizon) -> ModelSettings:
    rules = Rules(min_programs_per_village=0, capacity=False, synergy=False,
                  diminishing_returns=beta, kecamatan_min_share=None, village_max_share=None)
    return ModelSettings(rules=rules, solver=Solver(gap=0.0, warm_start=False),
                         horizon=Horizon(years=years, pagu=pagu, discount=discount,
                                         rescore=False, **horizon))


CASES = [  # (years, PUTR, DPMD, DKPP per year, discount, beta, poor households)
    ([2026, 2027], (200, 100, 10), 0.1, 0.5, None),
    ([2026, 2027, 2028], (250, 100, 10), 0.0, 0.0, None),
    ([2026, 2027, 2028], (200, 150, 15), 0.25, 1.0, None),
    ([2026, 2027, 2028], (200, 100, 10), 0.0, 0.0, 5.0),   # the stock binds
    ([2026, 2027, 2028], (200, 100, 20), 0.1, 0.5, 5.0),
]


@pytest.mark.parametrize("years, money, discount, beta, poor", CASES)
def test_multi_year_plan_is_the_best_combination(ds, scores, years, money, discount, beta,
                                                  poor):
    villages = sorted(scores.loc[scores["selected"], "code"].astype(str))[:2]
    durations = {"PUTR-PAMSIMAS": 2}
    small, table = tiny(ds, scores, villages, durations, poor)
    pagu = {a: {t: float(m) for t in years}
            for a, m in zip(("PUTR", "DPMD", "DKPP"), money, strict=True)}
    plan = plan_years(small, table, settings_for(years, pagu, discount, beta))
    best = brute_force(small, table, villages, years, pagu, durations, discount, beta)
    # the model's bound holds the best plan; the plan's value (its households counted in
    # the year they are reached) is within the certified gap of it, and is the best one
    # wherever no village runs out of deprived households
    assert plan.report.bound >= best - 1e-6
    assert plan.report.objective <= best + 1e-6
    assert plan.report.objective == pytest.approx(plan.objective_recomputed, rel=1e-12)
    assert plan.report.gap == pytest.approx(
        (plan.report.bound - plan.report.objective) / plan.report.bound, abs=1e-12)
    if poor is None or (beta == 0 and discount == 0):  # nothing gained by counting later
        assert plan.report.status == "optimal"
        assert plan.report.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    # a work of two years runs two years in a row with the same units
    long = plan.units[plan.units["program"] == "PUTR-PAMSIMAS"]
    for row in long[long["started"] > 0].itertuples(index=False):
        after = long[(long["year"] == row.year + 1) & (long["village"] == row.village)]
        assert len(after) == 1 and after["units"].iloc[0] >= row.started
    # every year within every pagu, recomputed from programs.csv
    prog = small.programs.set_index("code")
    cost = plan.units.apply(lambda r: (prog.at[r.program, "unit_cost"] * r.units
                                       + prog.at[r.program, "fixed_cost"])
                            / prog.at[r.program, "duration"], axis=1)
    spent = cost.groupby([plan.units["year"], plan.units["agency"]]).sum()
    for (year, agency), value in spent.items():
        assert value <= pagu[agency][year] + 1e-6


def test_recorded_year_is_kept_and_its_work_continued(ds, scores):
    years = [2026, 2027, 2028]
    villages = sorted(scores.loc[scores["selected"], "code"].astype(str))[:2]
    durations = {"PUTR-PAMSIMAS": 2}
    small, table = tiny(ds, scores, villages, durations)
    pagu = {"PUTR": {t: 200.0 for t in years}, "DPMD": {t: 100.0 for t in years},
            "DKPP": {t: 10.0 for t in years}}
    settings = settings_for(years, pagu, 0.1, 0.5)
    first = plan_years(small, table, settings)
    year1 = first.units[first.units["year"] == 2026]
    assert (year1["program"] == "PUTR-PAMSIMAS").any()
    # recorded: the water system started as planned, everything else not done
    history = year1[["year", "village", "program", "started", "units"]].copy()
    other = history["program"] != "PUTR-PAMSIMAS"
    history.loc[other, ["started", "units"]] = 0
    history = history[history["units"] > 0]
    again = plan_years(small, table, settings, history=history)
    assert again.planned == [2027, 2028]
    kept = again.units[again.units["year"] == 2026]
    assert kept["recorded"].all()
    assert set(zip(kept["village"], kept["program"], strict=True)) == set(
        zip(history["village"], history["program"], strict=True))
    started = history.iloc[0]
    carried = again.units[(again.units["year"] == 2027)
                          & (again.units["village"] == started["village"])
                          & (again.units["program"] == "PUTR-PAMSIMAS")]
    assert carried["units"].sum() >= started["units"]  # the commitment is kept
    best = brute_force(small, table, villages, years, pagu, durations, 0.1, 0.5,
                       history=history)
    assert again.report.objective == pytest.approx(best, rel=1e-6, abs=1e-6)


def test_one_year_horizon_is_the_one_year_plan(ds, scores):
    villages = sorted(scores.loc[scores["selected"], "code"].astype(str))[:4]
    small, table = tiny(ds, scores, villages, {})
    one = ModelSettings(
        pagu={"PUTR": 500.0, "DPMD": 200.0, "DKPP": 20.0},
        rules=Rules(min_programs_per_village=0, diminishing_returns=0.5),
        solver=Solver(gap=0.0, warm_start=False))
    plan = allocate(small, table, one)
    years = one.model_copy(update={"horizon": Horizon(
        years=[2026], pagu={a: {2026: v} for a, v in one.pagu.items()}, rescore=False)})
    multi = plan_years(small, table, years)
    assert multi.report.objective == pytest.approx(plan.report.objective, rel=1e-9)


def test_enforced_target_is_reached_or_refused(ds, scores):
    years = [2026, 2027]
    villages = sorted(scores.loc[scores["selected"], "code"].astype(str))[:2]
    small, table = tiny(ds, scores, villages, {"PUTR-PAMSIMAS": 2})
    pagu = {"PUTR": {t: 200.0 for t in years}, "DPMD": {t: 100.0 for t in years},
            "DKPP": {t: 10.0 for t in years}}
    free = plan_years(small, table, settings_for(years, pagu, 0.1, 0.5))
    employment = free.removed.loc[free.removed["dimension"] == "employment", "removed"].sum()
    # a target the best plan reaches is met; one beyond what the money can buy is refused
    target = Target(by=2027, dimension="employment", removed=float(employment), enforce=True)
    held = plan_years(small, table, settings_for(years, pagu, 0.1, 0.5, targets=[target]))
    assert held.report.objective == pytest.approx(free.report.objective, rel=1e-9)
    assert held.targets.loc[held.targets["year"] == 2027, "met"].all()
    assert not held.targets.loc[held.targets["year"] == 2026, "met"].any()
    impossible = Target(by=2027, dimension="employment", removed=1e6, enforce=True)
    with pytest.raises(ModelError) as caught:
        plan_years(small, table, settings_for(years, pagu, 0.1, 0.5, targets=[impossible]))
    assert caught.value.key == "years.infeasible"
    assert caught.value.report.status == "infeasible"
    assert "enforce" in caught.value.render("id") and "enforce" in str(caught.value)

"""The solver against exhaustive enumeration on tiny instances (up to 4 villages x 4
programmes): every combination of units is tried with numpy, and the best one that keeps
every rule must have the solver's objective."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from planning.model import (
    Instance,
    ModelSettings,
    Rules,
    Solver,
    build_model,
    evaluate,
    plan_violations,
    solve_model,
)
from planning.model.extract import model_units

DIMS = ("d1", "d2")


def tiny_instance(seed: int, n_v: int, n_p: int) -> Instance:
    rng = np.random.default_rng(seed)
    codes = [f"V{i}" for i in range(n_v)]
    poverty = rng.uniform(0, 1, n_v)
    strength = float(rng.choice([0.0, 1.0]))
    weight = 1 + strength * (poverty - poverty.min()) / (np.ptp(poverty) or 1)
    villages = pd.DataFrame({"code": codes, "name": codes,
                             "kecamatan_code": [f"K{i % 2}" for i in range(n_v)],
                             "kecamatan": [f"Kec {i % 2}" for i in range(n_v)],
                             "poverty_index": poverty, "weight": weight})
    prog_codes = [f"P{j}" for j in range(n_p)]
    programs = pd.DataFrame({
        "code": prog_codes, "name_id": prog_codes, "name_en": prog_codes,
        "agency": [f"A{j % 2}" for j in range(n_p)],
        "dimension": [DIMS[j % 2] for j in range(n_p)],
        "max_villages": [float(rng.choice([np.nan, 2.0])) for _ in range(n_p)]})
    rows, three = [], 0
    for v, w in zip(codes, weight, strict=True):
        for j, p in enumerate(prog_codes):
            if rng.uniform() < 0.15:
                continue
            lo = int(rng.integers(1, 3))
            hi = lo + int(three < 2 and rng.uniform() < 0.3)
            three += hi > lo
            reach = float(rng.integers(1, 6))
            rows.append((v, p, f"A{j % 2}", DIMS[j % 2], villages.set_index("code").at[
                v, "kecamatan_code"], lo, hi, 1.0, reach, float(w) * reach,
                float(rng.integers(1, 11)), float(rng.choice([0.0, 2.0]))))
    pairs = pd.DataFrame(rows, columns=["village", "program", "agency", "dimension",
                                        "kecamatan_code", "lo", "hi", "effectiveness",
                                        "reach", "value", "unit_cost", "fixed_cost"])
    deprived = pd.DataFrame([(v, d, float(rng.integers(2, 13)), 1.0) for v in codes
                             for d in DIMS], columns=["village", "dimension", "deprived",
                                                      "omega"])
    full = (pairs["unit_cost"] * pairs["hi"] + pairs["fixed_cost"]).groupby(
        pairs["agency"]).sum()
    pagu = (full * rng.uniform(0.3, 0.7, len(full))).round(1)
    rules = Rules(min_programs_per_village=int(rng.choice([0, 1])),
                  village_max_share=float(rng.choice([0.0, 0.45])) or None,
                  kecamatan_min_share=float(rng.choice([0.0, 0.3])) or None)
    settings = ModelSettings(rules=rules, solver=Solver(gap=0.0, warm_start=False))
    return Instance(villages=villages, programs=programs, pairs=pairs,
                    excluded=pd.DataFrame(columns=["village", "program", "reason", "value"]),
                    deprived=deprived, pagu=pagu, requires=[("P0", "P1")],
                    excludes=[("P2", "P3")] if n_p >= 4 else [],
                    synergies=[("P1", "P2", 0.25)] if n_p >= 3 else [], locks=[],
                    settings=settings,
                    labels={"village": dict(zip(codes, codes, strict=True)),
                            "kecamatan": {"K0": "Kec 0", "K1": "Kec 1"},
                            "agency": {"A0": "A0", "A1": "A1"}})


def _lift(boosted: np.ndarray, depth: np.ndarray, deprived: float,
          saturation: bool) -> tuple[np.ndarray, np.ndarray]:
    """(removed, lifted) of one village and dimension for every combination: the rows
    (columns of ``boosted``, deprived units reached) take the deprived deepest programme
    first until D is used up; lifted = sum depth_i * taken_i (deprived units)."""
    order = np.argsort(-depth, kind="stable")
    room = np.full(len(boosted), deprived if saturation else np.inf)
    lifted = np.zeros(len(boosted))
    for i in order:
        taken = np.minimum(boosted[:, i], np.maximum(room, 0.0))
        lifted += depth[i] * taken
        room = room - boosted[:, i]
    removed = boosted.sum(axis=1)
    if saturation:
        removed = np.minimum(removed, deprived)
    return removed, lifted


def concave_value(lifted: np.ndarray, deprived: float, beta: float) -> np.ndarray:
    """F(L; D) written from the documented formula: breakpoints at the shares 1/16, 1/8,
    1/4, 1/2 of D, slope 2 ** (-beta * k) on segment k = 0..4 (the last one open)."""
    edges = [0.0, deprived / 16, deprived / 8, deprived / 4, deprived / 2, np.inf]
    total = np.zeros_like(np.asarray(lifted, dtype=float))
    for k in range(5):
        part = np.clip(np.minimum(lifted, edges[k + 1]) - edges[k], 0.0, None)
        total = total + 2.0 ** (-beta * k) * part
    return total


def enumerate_plans(inst: Instance) -> dict:
    """Every combination of units (numpy): units, cost, which keep every rule (``ok``),
    the objective, removed per dimension, spend per agency and village."""
    pairs = inst.pairs
    options = [[0, *range(lo, hi + 1)] for lo, hi in zip(pairs["lo"], pairs["hi"],
                                                          strict=True)]
    units = np.array(list(itertools.product(*options)), dtype=float)
    open_ = units > 0
    cost = units * pairs["unit_cost"].to_numpy() + open_ * pairs["fixed_cost"].to_numpy()
    ok = np.ones(len(units), dtype=bool)
    rules = inst.settings.rules
    spend_a = {}
    for agency, budget in inst.pagu.items():
        spend_a[agency] = cost[:, (pairs["agency"] == agency).to_numpy()].sum(axis=1)
        ok &= spend_a[agency] <= budget + 1e-9
    for prog in inst.programs.itertuples():
        if not np.isnan(prog.max_villages):
            ok &= open_[:, (pairs["program"] == prog.code).to_numpy()].sum(axis=1) <= \
                prog.max_villages
    total = cost.sum(axis=1)
    col = {(v, p): i for i, (v, p) in enumerate(zip(pairs["village"], pairs["program"],
                                                    strict=True))}
    spend_v = {}
    for v in inst.villages["code"]:
        mask = (pairs["village"] == v).to_numpy()
        spend_v[v] = cost[:, mask].sum(axis=1)
        ok &= open_[:, mask].sum(axis=1) >= rules.min_programs_per_village
        if rules.village_max_share:
            ok &= spend_v[v] <= rules.village_max_share * total + 1e-9
        for a, b in inst.requires:
            if (v, a) in col:
                ok &= ~open_[:, col[(v, a)]] | (open_[:, col[(v, b)]] if (v, b) in col
                                                 else False)
        for a, b in inst.excludes:
            if (v, a) in col and (v, b) in col:
                ok &= ~(open_[:, col[(v, a)]] & open_[:, col[(v, b)]])
    if rules.kecamatan_min_share:
        for k in inst.villages["kecamatan_code"].unique():
            mask = (pairs["kecamatan_code"] == k).to_numpy()
            ok &= cost[:, mask].sum(axis=1) >= rules.kecamatan_min_share * total - 1e-9
    reach = units * pairs["reach"].to_numpy()
    boosted = reach.copy()
    for a, b, bonus in inst.synergies:
        for v in inst.villages["code"]:
            if (v, a) in col and (v, b) in col:
                both = open_[:, col[(v, a)]] & open_[:, col[(v, b)]]
                for p in (a, b):
                    boosted[:, col[(v, p)]] += bonus * reach[:, col[(v, p)]] * both
    depth = pairs["depth"].to_numpy(dtype=float) if "depth" in pairs else \
        np.ones(len(pairs))
    beta = rules.diminishing_returns
    weight = inst.villages.set_index("code")["weight"]
    objective = np.zeros(len(units))
    removed_d: dict[str, np.ndarray] = {}
    for d in inst.deprived.itertuples():
        mask = ((pairs["village"] == d.village) & (pairs["dimension"] == d.dimension)).to_numpy()
        removed, lifted = _lift(boosted[:, mask], depth[mask], d.deprived, rules.saturation)
        removed_d[d.dimension] = removed_d.get(d.dimension, 0.0) + removed
        objective += weight[d.village] * d.omega * concave_value(lifted, d.deprived, beta)
    # the balance floors, from their documented definitions
    for d in inst.deprived["dimension"].unique():
        share = rules.dimension_floor(d)
        has = set(pairs.loc[pairs["dimension"] == d, "village"])
        if share <= 0 or not has:
            continue
        rows = inst.deprived[(inst.deprived["dimension"] == d)
                             & inst.deprived["village"].isin(has)]
        ok &= removed_d[d] >= share * rows["deprived"].sum() - 1e-6
    if rules.agency_min_absorption:
        for agency, budget in inst.pagu.items():
            if budget <= 0:
                continue
            fits = spend_a[agency][spend_a[agency] <= budget + 1e-9]
            limit = fits.max()  # A_a: every combination of the agency's pairs is here
            target = min(rules.agency_min_absorption * budget, limit)
            ok &= spend_a[agency] >= target - 1e-6
    if rules.village_min_package:
        for v in inst.villages["code"]:
            ok &= spend_v[v] >= rules.village_min_package - 1e-6
    return {"units": units, "ok": ok, "objective": objective, "removed": removed_d,
            "spend_agency": spend_a, "spend_village": spend_v}


def brute_force(inst: Instance) -> float | None:
    """The best objective over every combination of units, by enumeration (numpy); None
    when no combination keeps every rule."""
    found = enumerate_plans(inst)
    ok = found["ok"]
    return float(found["objective"][ok].max()) if ok.any() else None


CASES = [(seed, n_v, n_p) for seed in range(6) for n_v, n_p in ((2, 2), (3, 3), (4, 4))]


def solved_like_enumeration(inst: Instance, best: float | None) -> pd.DataFrame | None:
    """Solve ``inst`` and assert the solver agrees with the enumeration's best objective
    (infeasible when ``best`` is None); the solver's units, or None without a plan."""
    m = build_model(inst)
    report = solve_model(m, inst.settings.solver)
    if best is None:  # no combination keeps every rule: the solver must agree
        assert report.status == "infeasible"
        assert not report.is_plan
        return None
    assert report.status == "optimal"
    assert report.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    return model_units(m)


@pytest.mark.parametrize(("seed", "n_v", "n_p"), CASES)
def test_solver_matches_enumeration(seed, n_v, n_p):
    inst = tiny_instance(seed, n_v, n_p)
    best = brute_force(inst)
    units = solved_like_enumeration(inst, best)
    if units is None:
        return
    assert plan_violations(inst, units) == []
    assert evaluate(inst, units).objective == pytest.approx(best, rel=1e-6, abs=1e-6)


def test_most_tiny_cases_are_feasible():
    """The cases above compare optima, not only infeasibility."""
    feasible = [brute_force(tiny_instance(*case)) is not None for case in CASES]
    assert sum(feasible) >= 0.7 * len(CASES)


def test_enumeration_sees_the_rules():
    """The enumeration is not vacuous: dropping the budgets raises the best objective."""
    inst = tiny_instance(3, 3, 3)
    rich = Instance(**{**inst.__dict__, "pagu": inst.pagu * 100})
    assert brute_force(rich) > brute_force(inst)


# --- the balance settings: programme depth, diminishing returns, the three floors -----

FLOORS = (None, "dimension", "absorption", "package")
LEVELS = (0.6, 1.0, 1.15)
BALANCED = [(seed, n_v, n_p, (0.5, 1.0)[(seed + i) % 2], floor, LEVELS[(seed + i) % 3])
            for seed in range(4) for n_v, n_p in ((3, 3), (4, 4))
            for i, floor in enumerate(FLOORS)]
BALANCED += [(seed, 3, 3, 0.0, None, 1.0) for seed in range(2)]  # depth alone
# tight dimension floors: per dimension (even seeds) or one share for both (odd seeds,
# where the two floors together can be out of reach)
BALANCED += [(seed, 4, 4, (0.5, 1.0)[seed % 2], "dimension", 1.0) for seed in range(4, 11)]


def _with(inst: Instance, pairs: pd.DataFrame | None = None, **rules) -> Instance:
    settings = inst.settings.model_copy(update={
        "rules": inst.settings.rules.model_copy(update=rules)})
    return Instance(**{**inst.__dict__, "settings": settings, "cache": {},
                       **({"pairs": pairs} if pairs is not None else {})})


def balanced_instance(seed: int, n_v: int, n_p: int, beta: float, floor: str | None,
                      level: float) -> Instance:
    """A tiny instance with a random depth per programme (0.5, 1 or 1.5), diminishing
    returns ``beta`` and one floor set at ``level`` times the most any plan keeping the
    other rules achieves (1.0: tight; above 1 usually infeasible)."""
    base = tiny_instance(seed, n_v, n_p)
    rng = np.random.default_rng(1000 + seed)
    depth = dict(zip(base.programs["code"], rng.choice([0.5, 1.0, 1.5], n_p), strict=True))
    if n_p >= 3 and depth["P0"] == depth["P2"]:  # d1 always mixes two depths
        depth["P2"] = 1.5 if depth["P0"] != 1.5 else 0.5
    pairs = base.pairs.assign(depth=base.pairs["program"].map(depth))
    inst = _with(base, pairs, diminishing_returns=beta)
    if floor is None:
        return inst
    free = enumerate_plans(inst)
    ok = free["ok"]
    if not ok.any():  # infeasible already: any floor keeps it so
        ok = np.ones_like(ok)
    if floor == "dimension":
        deprived = inst.deprived.groupby("dimension")["deprived"].sum()  # all villages:
        # the share is then at most the one that D^elig would give
        best = {d: free["removed"][d][ok].max() / deprived[d] for d in DIMS}
        if seed % 2:
            return _with(inst, dimension_min_share=min(1.0, level * min(best.values())))
        elig = pairs.loc[pairs["dimension"] == "d1", "village"].unique()
        d1 = inst.deprived[(inst.deprived["dimension"] == "d1")
                           & inst.deprived["village"].isin(elig)]["deprived"].sum()
        share = free["removed"]["d1"][ok].max() / d1
        return _with(inst, dimension_min_share={"d1": min(1.0, level * share)})
    if floor == "absorption":
        most = max(min(free["spend_agency"][a][i] / b for a, b in inst.pagu.items())
                   for i in np.flatnonzero(ok))
        return _with(inst, agency_min_absorption=min(1.0, level * most))
    most = max(min(free["spend_village"][v][i] for v in inst.villages["code"])
               for i in np.flatnonzero(ok))
    return _with(inst, village_min_package=level * most)


def _row(found: dict, inst: Instance, units: pd.DataFrame) -> int:
    """The enumeration's row of the plan ``units``."""
    have = dict(zip(zip(units["village"], units["program"], strict=True), units["units"],
                    strict=True))
    vec = np.array([have.get((v, p), 0) for v, p in zip(inst.pairs["village"],
                                                         inst.pairs["program"], strict=True)])
    rows = np.flatnonzero((found["units"] == vec).all(axis=1))
    assert len(rows) == 1
    return int(rows[0])


@pytest.mark.parametrize(("seed", "n_v", "n_p", "beta", "floor", "level"), BALANCED)
def test_balanced_solver_matches_enumeration(seed, n_v, n_p, beta, floor, level):
    inst = balanced_instance(seed, n_v, n_p, beta, floor, level)
    found = enumerate_plans(inst)
    best = float(found["objective"][found["ok"]].max()) if found["ok"].any() else None
    units = solved_like_enumeration(inst, best)
    if units is None:
        return
    row = _row(found, inst, units)
    assert found["ok"][row]  # the solver's plan keeps every rule, floors included
    assert found["objective"][row] == pytest.approx(best, rel=1e-6, abs=1e-6)


def test_balanced_cases_are_not_vacuous():
    """Among the balanced cases some floors bind (a lower optimum than without the
    floor), some make the instance infeasible, and the depths and the diminishing returns
    change the optimum."""
    binding: dict[str, int] = {}
    infeasible: dict[str, int] = {}
    for case in BALANCED:
        if case[4] is None:
            continue
        without = brute_force(balanced_instance(*case[:4], None, 1.0))
        if without is None:
            continue
        with_floor = brute_force(balanced_instance(*case))
        if with_floor is None:
            infeasible[case[4]] = infeasible.get(case[4], 0) + 1
        elif with_floor < without - 1e-6:
            binding[case[4]] = binding.get(case[4], 0) + 1
    assert set(binding) == {"dimension", "absorption", "package"}, binding
    assert set(infeasible) == {"dimension", "absorption", "package"}, infeasible
    inst = balanced_instance(0, 4, 4, 0.5, None, 1.0)
    flat = _with(inst, inst.pairs.assign(depth=1.0), diminishing_returns=0.0)
    assert brute_force(inst) != pytest.approx(brute_force(flat), rel=1e-3)
    assert brute_force(_with(inst, diminishing_returns=0.0)) != pytest.approx(
        brute_force(inst), rel=1e-3)


def test_concave_value_by_hand():
    """F at the breakpoints of D = 160 (10, 20, 40, 80) with beta = 1: slopes 1, 1/2,
    1/4, 1/8, 1/16."""
    lifted = np.array([0, 10, 20, 40, 80, 160])
    assert concave_value(lifted, 160, 1.0) == pytest.approx(
        [0, 10, 15, 20, 25, 30])
    assert concave_value(lifted, 160, 0.0) == pytest.approx(lifted)


def _old_objective(inst: Instance, units: np.ndarray) -> float:
    """Today's objective, written independently: sum_v w_v sum_d omega_d
    min(reached[d,v], D[d,v]), reached with the synergy bonus."""
    pairs = inst.pairs.assign(units=units)
    pairs["reach_total"] = pairs["reach"] * pairs["units"]
    running = {(v, p) for v, p, n in zip(pairs["village"], pairs["program"], units,
                                         strict=True) if n > 0}
    for i, row in pairs.iterrows():
        for a, b, bonus in inst.synergies:
            partner = b if row.program == a else a if row.program == b else None
            if partner and (row.village, row.program) in running and \
                    (row.village, partner) in running:
                pairs.at[i, "reach_total"] += bonus * row.reach * row.units
    reached = pairs.groupby(["village", "dimension"])["reach_total"].sum()
    weight = inst.villages.set_index("code")["weight"]
    return sum(weight[d.village] * d.omega * min(reached.get((d.village, d.dimension), 0.0),
                                                 d.deprived)
               for d in inst.deprived.itertuples())


@pytest.mark.parametrize("seed", range(4))
def test_unit_depth_and_no_balance_reproduce_todays_objective(seed):
    """beta = 0, every depth 1, every floor off: the new objective (the model's evaluate,
    the model's solver and the enumeration's concave formula) is today's
    sum w * omega * min(reach, D), exactly, for random plans and at the optimum."""
    inst = tiny_instance(seed, 4, 4)
    inst = _with(inst, inst.pairs.assign(depth=1.0), diminishing_returns=0.0,
                 programme_depth=True)
    found = enumerate_plans(inst)
    rng = np.random.default_rng(seed)
    for i in rng.choice(len(found["units"]), 25, replace=False):
        units = found["units"][i]
        old = _old_objective(inst, units)
        plan = inst.pairs[["village", "program"]].assign(units=units.astype(int))
        assert evaluate(inst, plan).objective == pytest.approx(old, rel=1e-12, abs=1e-12)
        assert found["objective"][i] == pytest.approx(old, rel=1e-12, abs=1e-12)
    best = brute_force(inst)
    m = build_model(inst)
    assert not m.q and not m.g  # no depth or segment variables: today's model
    report = solve_model(m, inst.settings.solver)
    if best is None:
        assert report.status == "infeasible"
        return
    assert report.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    assert _old_objective(inst, found["units"][_row(found, inst, model_units(m))]) == \
        pytest.approx(best, rel=1e-6, abs=1e-6)

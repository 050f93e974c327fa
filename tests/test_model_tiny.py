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


def brute_force(inst: Instance) -> float | None:
    """The best objective over every combination of units, by enumeration (numpy); None
    when no combination keeps every rule."""
    pairs = inst.pairs
    options = [[0, *range(lo, hi + 1)] for lo, hi in zip(pairs["lo"], pairs["hi"],
                                                          strict=True)]
    units = np.array(list(itertools.product(*options)), dtype=float)
    open_ = units > 0
    cost = units * pairs["unit_cost"].to_numpy() + open_ * pairs["fixed_cost"].to_numpy()
    ok = np.ones(len(units), dtype=bool)
    for agency, budget in inst.pagu.items():
        ok &= cost[:, (pairs["agency"] == agency).to_numpy()].sum(axis=1) <= budget + 1e-9
    for prog in inst.programs.itertuples():
        if not np.isnan(prog.max_villages):
            ok &= open_[:, (pairs["program"] == prog.code).to_numpy()].sum(axis=1) <= \
                prog.max_villages
    rules = inst.settings.rules
    total = cost.sum(axis=1)
    col = {(v, p): i for i, (v, p) in enumerate(zip(pairs["village"], pairs["program"],
                                                    strict=True))}
    for v in inst.villages["code"]:
        mask = (pairs["village"] == v).to_numpy()
        ok &= open_[:, mask].sum(axis=1) >= rules.min_programs_per_village
        if rules.village_max_share:
            ok &= cost[:, mask].sum(axis=1) <= rules.village_max_share * total + 1e-9
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
    weight = inst.villages.set_index("code")["weight"]
    objective = np.zeros(len(units))
    for d in inst.deprived.itertuples():
        mask = ((pairs["village"] == d.village) & (pairs["dimension"] == d.dimension)).to_numpy()
        removed = np.minimum(boosted[:, mask].sum(axis=1), d.deprived)
        objective += weight[d.village] * d.omega * removed
    return float(objective[ok].max()) if ok.any() else None


CASES = [(seed, n_v, n_p) for seed in range(6) for n_v, n_p in ((2, 2), (3, 3), (4, 4))]


@pytest.mark.parametrize(("seed", "n_v", "n_p"), CASES)
def test_solver_matches_enumeration(seed, n_v, n_p):
    inst = tiny_instance(seed, n_v, n_p)
    best = brute_force(inst)
    m = build_model(inst)
    report = solve_model(m, inst.settings.solver)
    if best is None:  # no combination keeps every rule: the solver must agree
        assert report.status == "infeasible"
        assert not report.is_plan
        return
    assert report.status == "optimal"
    assert report.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    units = model_units(m)
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

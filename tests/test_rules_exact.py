"""Every rule of the allocation model, coefficient by coefficient, on a hand-made instance:
each named constraint is compared with the formula of docs/model.md written out here from
the instance's numbers (not from the model's helpers). Written to kill the mutants of
planning.model.build (docs/testing.md); test_model_tiny checks the optima."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pulp
import pytest

from planning.model import Instance, Lock, ModelSettings, Rules, build_model
from planning.model.build import (
    EQ,
    GE,
    LE,
    REQUIREMENT_RULES,
    RESOURCE_RULES,
    Model,
    RuleRow,
)
from planning.model.rules import RULES

#: village -> kecamatan, weight
VILLAGES = {"V1": ("K1", 1.5), "V2": ("K1", 1.0), "V3": ("K2", 2.0)}
#: program -> agency, dimension, max_villages
PROGRAMS = {"P1": ("A1", "d1", 1.0), "P2": ("A1", "d2", np.nan), "P3": ("A2", "d1", 5.0),
            "P4": ("A2", "d2", 2.0)}
#: (village, program) -> lo, hi, reach, unit_cost, fixed_cost
PAIRS = {
    ("V1", "P1"): (1, 3, 2.5, 10.0, 5.0), ("V1", "P2"): (2, 4, 1.5, 3.0, 0.0),
    ("V1", "P3"): (1, 2, 4.0, 7.0, 1.0), ("V1", "P4"): (1, 1, 3.0, 2.0, 0.0),
    ("V2", "P1"): (1, 2, 3.5, 10.0, 5.0), ("V2", "P3"): (2, 5, 0.5, 7.0, 1.0),
    ("V2", "P4"): (1, 3, 2.0, 2.0, 0.0),
    ("V3", "P1"): (1, 1, 1.0, 10.0, 5.0), ("V3", "P2"): (1, 2, 6.0, 3.0, 0.0),
    ("V3", "P4"): (2, 2, 1.0, 2.0, 0.0),
}
#: (village, dimension) -> deprived, omega
DEPRIVED = {("V1", "d1"): (8.0, 1.0), ("V1", "d2"): (5.0, 0.5), ("V2", "d1"): (3.0, 1.0),
            ("V2", "d2"): (7.0, 0.0), ("V3", "d1"): (9.0, 1.0), ("V3", "d2"): (4.0, 0.5)}
PAGU = {"A1": 60.0, "A2": 30.0, "A3": 0.5}
SYNERGIES = [("P1", "P3", 0.5)]
REQUIRES = [("P2", "P1"), ("P3", "P2")]
EXCLUDES = [("P1", "P4")]


def instance(rules: Rules | None = None, locks=(), synergies=SYNERGIES, requires=REQUIRES,
             excludes=EXCLUDES) -> Instance:
    villages = pd.DataFrame(
        [(v, v, k, k, 0.5, w) for v, (k, w) in VILLAGES.items()],
        columns=["code", "name", "kecamatan_code", "kecamatan", "poverty_index", "weight"])
    programs = pd.DataFrame(
        [(p, p, p, a, d, m) for p, (a, d, m) in PROGRAMS.items()],
        columns=["code", "name_id", "name_en", "agency", "dimension", "max_villages"])
    rows = []
    for (v, p), (lo, hi, reach, c, f) in PAIRS.items():
        a, d, _ = PROGRAMS[p]
        rows.append((v, p, a, d, VILLAGES[v][0], lo, hi, 1.0, reach, reach * VILLAGES[v][1],
                     c, f))
    pairs = pd.DataFrame(rows, columns=["village", "program", "agency", "dimension",
                                        "kecamatan_code", "lo", "hi", "effectiveness",
                                        "reach", "value", "unit_cost", "fixed_cost"])
    deprived = pd.DataFrame([(v, d, n, o) for (v, d), (n, o) in DEPRIVED.items()],
                            columns=["village", "dimension", "deprived", "omega"])
    settings = ModelSettings(rules=rules or Rules())
    return Instance(villages=villages, programs=programs, pairs=pairs,
                    excluded=pd.DataFrame(columns=["village", "program", "reason", "value"]),
                    deprived=deprived, pagu=pd.Series(PAGU), requires=list(requires),
                    excludes=list(excludes), synergies=list(synergies), locks=list(locks),
                    settings=settings)


def constraint_names(m: Model) -> list[str]:
    return [c.name for c in m.prob.constraints()]


def row(m: Model, name: str) -> tuple[dict[str, float], int, float]:
    c = m.prob.get_constraint_by_name(name)
    return {v.name: k for v, k in c.items()}, c.sense, -c.constant


def names(m: Model, prefix: str) -> set[str]:
    return {n for n in constraint_names(m) if n.startswith(prefix)}


def spend(keys) -> dict[str, float]:
    out: dict[str, float] = {}
    for v, p in keys:
        _, _, _, c, f = PAIRS[(v, p)]
        out[f"x_{p}_{v}"] = c
        if f:
            out[f"y_{p}_{v}"] = f
    return out


@pytest.fixture
def full():
    """Built anew for each test (not once per module): mutmut links a function to the tests
    that call it, and a shared fixture would link the rules to the first test only."""
    rules = Rules(min_programs_per_village=2, kecamatan_min_share=0.25, village_max_share=0.5,
                  district_ceiling=80.0)
    # the first lock is on a pair that cannot run (V3, P3): skipped, the others still count
    locks = [Lock(village="V3", program="P3"), Lock(village="V1", program="P2"),
             Lock(village="V2", program="P3", units=3),
             Lock(village="V3", program="P4", state="out"),
             Lock(village="V2", program="P4", units=0)]
    return build_model(instance(rules, locks))


def test_rule_lists():
    assert RESOURCE_RULES == ("pagu", "ceiling", "capacity")
    assert REQUIREMENT_RULES == ("coverage", "kecamatan_share", "village_share", "lock",
                                 "dimension_floor", "absorption", "village_package")
    assert (LE, GE, EQ) == (-1, 1, 0)
    assert [rule.name for rule in RULES] == [
        "eligibility", "units", "synergy", "reach", "depth", "saturation", "pagu",
        "ceiling", "capacity", "coverage", "kecamatan_share", "village_share", "requires",
        "excludes", "lock", "dimension_floor", "absorption", "village_package", "objective"]


def test_decisions(full):
    m = full
    assert set(m.x) == set(m.y) == set(PAIRS)
    for (v, p), (_lo, hi, _reach, c, f) in PAIRS.items():
        y, x = m.y[(v, p)], m.x[(v, p)]
        assert (y.name, y.lowBound, y.upBound, y.cat) == (f"y_{p}_{v}", 0, 1, pulp.LpInteger)
        assert (x.name, x.lowBound, x.upBound, x.cat) == (f"x_{p}_{v}", 0, hi, pulp.LpInteger)
        assert m.cost[(v, p)] == (c, f)
    assert set(m.r) == set(DEPRIVED)
    for (v, d), r in m.r.items():
        assert (r.name, r.lowBound, r.upBound, r.cat) == (f"r_{d}_{v}", 0, None,
                                                          pulp.LpContinuous)


def test_unit_bounds(full):
    m = full
    assert names(m, "units_") == {f"units_{s}_{p}_{v}" for v, p in PAIRS
                                  for s in ("min", "max")}
    for (v, p), (lo, hi, *_rest) in PAIRS.items():
        assert row(m, f"units_min_{p}_{v}") == ({f"x_{p}_{v}": 1, f"y_{p}_{v}": -lo}, GE, 0)
        assert row(m, f"units_max_{p}_{v}") == ({f"x_{p}_{v}": 1, f"y_{p}_{v}": -hi}, LE, 0)
        low, high = m.rows[f"units_min_{p}_{v}"], m.rows[f"units_max_{p}_{v}"]
        assert low == RuleRow(name=f"units_min_{p}_{v}", rule="units", sense=GE, rhs=0.0,
                              program=p, village=v, extra=lo)
        assert high == RuleRow(name=f"units_max_{p}_{v}", rule="units", sense=LE, rhs=0.0,
                               program=p, village=v, extra=hi)


def test_synergy(full):
    m = full
    # P1 and P3 both eligible in V1 and V2 only
    assert set(m.z) == {("P1", "P3", "V1"), ("P1", "P3", "V2")}
    assert set(m.s) == {("P1", "P3", p, v) for p in ("P1", "P3") for v in ("V1", "V2")}
    assert len(names(m, "synergy_")) == 12
    for v in ("V1", "V2"):
        z = m.z[("P1", "P3", v)]
        assert (z.name, z.lowBound, z.upBound) == (f"z_P1_P3_{v}", 0, 1)
        for p in ("P1", "P3"):
            _, hi, reach, _, _ = PAIRS[(v, p)]
            s = m.s[("P1", "P3", p, v)]
            assert (s.name, s.lowBound, s.upBound) == (f"s_P1_P3_{p}_{v}", 0, None)
            assert row(m, f"synergy_both_P1_P3_{p}_{v}") == (
                {f"z_P1_P3_{v}": 1, f"y_{p}_{v}": -1}, LE, 0)
            assert row(m, f"synergy_units_P1_P3_{p}_{v}") == (
                {f"s_P1_P3_{p}_{v}": 1, f"x_{p}_{v}": -reach}, LE, 0)
            assert row(m, f"synergy_on_P1_P3_{p}_{v}") == (
                {f"s_P1_P3_{p}_{v}": 1, f"z_P1_P3_{v}": -reach * hi}, LE, 0)
            for kind in ("both", "units", "on"):
                info = m.rows[f"synergy_{kind}_P1_P3_{p}_{v}"]
                assert (info.rule, info.program, info.village, info.sense) == \
                    ("synergy", p, v, LE)


def test_reach(full):
    m = full
    assert names(m, "reach_") == {f"reach_{d}_{v}" for v, d in DEPRIVED}
    for (v, d) in DEPRIVED:
        expected = {f"r_{d}_{v}": 1.0}
        for (pv, p), (_, _, reach, _, _) in PAIRS.items():
            if pv == v and PROGRAMS[p][1] == d:
                expected[f"x_{p}_{v}"] = -reach
        for a, b, bonus in SYNERGIES:
            for p in (a, b):
                if PROGRAMS[p][1] == d and (v, a) in PAIRS and (v, b) in PAIRS:
                    expected[f"s_{a}_{b}_{p}_{v}"] = -bonus
        assert row(m, f"reach_{d}_{v}") == (expected, LE, 0)
        info = m.rows[f"reach_{d}_{v}"]
        assert (info.rule, info.village, info.dimension) == ("reach", v, d)


def test_saturation(full):
    m = full
    for (v, d), (deprived, _) in DEPRIVED.items():
        assert row(m, f"saturation_{d}_{v}") == ({f"r_{d}_{v}": 1}, LE, deprived)
        info = m.rows[f"saturation_{d}_{v}"]
        assert (info.rule, info.village, info.dimension, info.rhs) == \
            ("saturation", v, d, deprived)


def test_pagu(full):
    m = full
    for agency, budget in PAGU.items():
        keys = [k for k in PAIRS if PROGRAMS[k[1]][0] == agency]
        assert row(m, f"pagu_{agency}") == (spend(keys), LE, budget)
        info = m.rows[f"pagu_{agency}"]
        assert (info.rule, info.agency, info.rhs, info.scale) == ("pagu", agency, budget,
                                                                 max(budget, 1.0))
    assert m.rows["pagu_A3"].scale == 1.0


def test_ceiling(full):
    m = full
    assert row(m, "district_ceiling") == (spend(PAIRS), LE, 80.0)
    info = m.rows["district_ceiling"]
    assert (info.rule, info.rhs, info.scale) == ("ceiling", 80.0, 80.0)
    small = build_model(instance(Rules(district_ceiling=0.25)))
    assert small.rows["district_ceiling"].scale == 1.0
    assert "district_ceiling" not in constraint_names(build_model(instance()))


def test_capacity(full):
    m = full
    # P1 runs in 3 villages, limit 1; P4 in 3, limit 2; P3 in 2 (limit 5 cannot bind);
    # P2 has no limit
    assert names(m, "capacity_") == {"capacity_P1", "capacity_P4"}
    assert row(m, "capacity_P1") == ({"y_P1_V1": 1, "y_P1_V2": 1, "y_P1_V3": 1}, LE, 1.0)
    assert row(m, "capacity_P4") == ({"y_P4_V1": 1, "y_P4_V2": 1, "y_P4_V3": 1}, LE, 2.0)
    info = m.rows["capacity_P4"]
    assert (info.rule, info.program, info.agency, info.scale) == ("capacity", "P4", "A2", 2.0)
    assert m.rows["capacity_P1"].scale == 1.0


def test_capacity_binds_only_above_the_limit():
    global PROGRAMS
    saved = PROGRAMS
    try:
        PROGRAMS = {**saved, "P3": ("A2", "d1", 2.0), "P1": ("A1", "d1", 0.5)}
        m = build_model(instance())
    finally:
        PROGRAMS = saved
    assert "capacity_P3" not in constraint_names(m)  # 2 villages, limit 2
    assert m.rows["capacity_P1"].scale == 1.0
    assert row(m, "capacity_P1")[2] == 0.5


def test_coverage(full):
    m = full
    for v in VILLAGES:
        keys = {f"y_{p}_{v}": 1 for (pv, p) in PAIRS if pv == v}
        assert row(m, f"coverage_{v}") == (keys, GE, 2.0)
        info = m.rows[f"coverage_{v}"]
        assert (info.rule, info.village, info.extra) == ("coverage", v, 2.0)
    assert not names(build_model(instance(Rules(min_programs_per_village=0))), "coverage_")


def test_coverage_of_a_village_without_pairs():
    global PAIRS
    saved = PAIRS
    try:
        PAIRS = {k: v for k, v in saved.items() if k[0] != "V3"}
        m = build_model(instance(Rules(min_programs_per_village=1), synergies=[],
                                 requires=[], excludes=[]))
    finally:
        PAIRS = saved
    assert row(m, "coverage_V3") == ({}, GE, 1.0)


def test_share_rules_of_groups_without_pairs():
    """V3, alone in K2, can run nothing: its share rows hold only the share of all
    spending."""
    global PAIRS
    saved = PAIRS
    try:
        PAIRS = {k: v for k, v in saved.items() if k[0] != "V3"}
        rules = Rules(min_programs_per_village=0, village_max_share=0.5,
                      kecamatan_min_share=0.2)
        m = build_model(instance(rules, synergies=[], requires=[], excludes=[]))
        all_spend = spend(PAIRS)
    finally:
        PAIRS = saved
    got, sense, _ = row(m, "village_share_V3")
    assert sense == LE and got == pytest.approx({"spend_total": -0.5})
    got, sense, _ = row(m, "kecamatan_share_K2")
    assert sense == GE and got == pytest.approx({"spend_total": -0.2})
    got, sense, rhs = row(m, "spend_total")
    assert (sense, rhs) == (EQ, 0)
    assert got == pytest.approx({"spend_total": 1.0, **{k: -c for k, c in all_spend.items()}})


def test_coverage_rule_with_no_minimum_adds_nothing():
    from planning.model.build import add_coverage

    m = build_model(instance(Rules(min_programs_per_village=0)))
    add_coverage(m)  # called directly, as a custom rule list could
    assert not names(m, "coverage_")


def share_expected(group_keys, share):
    """The group's spending minus share x T, T the variable of all spending."""
    return {**spend(group_keys), "spend_total": -share}


def test_total_spend_row(full):
    """T = all spending: defined once, with every pair's spending terms."""
    got, sense, rhs = row(full, "spend_total")
    assert (sense, rhs) == (EQ, 0)
    assert got == pytest.approx({"spend_total": 1.0, **{k: -c for k, c in spend(PAIRS).items()}})
    assert full.rows["spend_total"].rule == "total"


def test_kecamatan_share(full):
    m = full
    assert names(m, "kecamatan_share_") == {"kecamatan_share_K1", "kecamatan_share_K2"}
    for k in ("K1", "K2"):
        keys = [key for key in PAIRS if VILLAGES[key[0]][0] == k]
        got, sense, rhs = row(m, f"kecamatan_share_{k}")
        assert (sense, rhs) == (GE, 0)
        assert got == pytest.approx(share_expected(keys, 0.25))
        info = m.rows[f"kecamatan_share_{k}"]
        assert (info.rule, info.kecamatan, info.extra, info.village) == \
            ("kecamatan_share", k, 0.25, None)
        assert info.scale == pytest.approx(sum(PAGU.values()) * 0.25)


def test_village_share(full):
    m = full
    assert names(m, "village_share_") == {f"village_share_{v}" for v in VILLAGES}
    for v in VILLAGES:
        keys = [key for key in PAIRS if key[0] == v]
        got, sense, rhs = row(m, f"village_share_{v}")
        assert (sense, rhs) == (LE, 0)
        assert got == pytest.approx(share_expected(keys, 0.5))
        info = m.rows[f"village_share_{v}"]
        assert (info.rule, info.village, info.extra, info.kecamatan) == \
            ("village_share", v, 0.5, None)
        assert info.scale == pytest.approx(sum(PAGU.values()) * 0.5)


def test_share_rules_scale_without_any_pagu():
    import dataclasses

    inst = dataclasses.replace(instance(Rules(village_max_share=0.5, kecamatan_min_share=0.2)),
                               pagu=pd.Series({"A1": 0.0, "A2": 0.0, "A3": 0.0}))
    m = build_model(inst)
    assert m.rows["village_share_V1"].scale == 1.0
    assert m.rows["kecamatan_share_K1"].scale == 1.0


def test_no_share_rules_by_default():
    m = build_model(instance())
    assert not names(m, "kecamatan_share_") and not names(m, "village_share_")


def test_requires(full):
    m = full
    # P2 needs P1: V1 and V3 have both; P3 needs P2: V1 has both, V2 has no P2
    assert names(m, "requires_") == {"requires_P2_P1_V1", "requires_P2_P1_V3",
                                     "requires_P3_P2_V1", "requires_P3_P2_V2"}
    assert row(m, "requires_P2_P1_V1") == ({"y_P2_V1": 1, "y_P1_V1": -1}, LE, 0)
    assert row(m, "requires_P2_P1_V3") == ({"y_P2_V3": 1, "y_P1_V3": -1}, LE, 0)
    assert row(m, "requires_P3_P2_V1") == ({"y_P3_V1": 1, "y_P2_V1": -1}, LE, 0)
    assert row(m, "requires_P3_P2_V2") == ({"y_P3_V2": 1}, LE, 0)
    info = m.rows["requires_P3_P2_V2"]
    assert (info.rule, info.program, info.village) == ("requires", "P3", "V2")


def test_excludes(full):
    m = full
    assert names(m, "excludes_") == {f"excludes_P1_P4_{v}" for v in VILLAGES}
    for v in VILLAGES:
        assert row(m, f"excludes_P1_P4_{v}") == ({f"y_P1_{v}": 1, f"y_P4_{v}": 1}, LE, 1)
        info = m.rows[f"excludes_P1_P4_{v}"]
        assert (info.rule, info.program, info.village, info.rhs) == \
            ("excludes", "P1", v, 1.0)


def test_excludes_needs_both_pairs():
    m = build_model(instance(excludes=[("P2", "P3")]))
    assert names(m, "excludes_") == {"excludes_P2_P3_V1"}


def test_locks(full):
    m = full
    assert names(m, "lock_") == {"lock_P2_V1_in", "lock_P3_V2_in", "lock_P3_V2_units_min",
                                 "lock_P3_V2_units_max", "lock_P4_V3_out", "lock_P4_V2_out"}
    assert row(m, "lock_P2_V1_in") == ({"y_P2_V1": 1}, GE, 1)
    assert row(m, "lock_P3_V2_in") == ({"y_P3_V2": 1}, GE, 1)
    assert row(m, "lock_P3_V2_units_min") == ({"x_P3_V2": 1}, GE, 3)
    assert row(m, "lock_P3_V2_units_max") == ({"x_P3_V2": 1}, LE, 3)
    assert row(m, "lock_P4_V3_out") == ({"y_P4_V3": 1}, LE, 0)
    assert row(m, "lock_P4_V2_out") == ({"y_P4_V2": 1}, LE, 0)
    for name in names(m, "lock_"):
        info = m.rows[name]
        assert info.rule == "lock"
        assert (info.program, info.village) == tuple(name.split("_")[1:3])
    assert m.rows["lock_P3_V2_units_min"].extra == 3
    assert m.rows["lock_P3_V2_units_max"].extra == 3
    assert m.rows["lock_P2_V1_in"].extra is None


def test_objective(full):
    m = full
    assert m.prob.sense == pulp.LpMaximize
    assert m.prob.name == "allocation"  # the name in written LP/MPS files and solver logs
    got = {v.name: k for v, k in m.prob.objective.items()}
    expected = {f"r_{d}_{v}": VILLAGES[v][1] * omega
                for (v, d), (_, omega) in DEPRIVED.items() if omega}
    assert got == pytest.approx(expected)
    assert "r_d2_V2" not in got
    assert m.elastic == frozenset() and m.slack == {}


def test_switches_leave_rules_out():
    rules = Rules(saturation=False, budget_limits=False, capacity=False,
                  min_programs_per_village=0)
    m = build_model(instance(rules, synergies=[], requires=[], excludes=[]))
    prefixes = {n.split("_")[0] for n in constraint_names(m)}
    assert prefixes == {"units", "reach"}
    assert not m.z and not m.s


def test_elastic_model():
    rules = Rules(min_programs_per_village=1, kecamatan_min_share=0.2)
    m = build_model(instance(rules, locks=[Lock(village="V1", program="P1")]),
                    elastic=("pagu", "coverage", "kecamatan_share", "lock"))
    assert m.prob.sense == pulp.LpMinimize
    assert m.elastic == frozenset({"pagu", "coverage", "kecamatan_share", "lock"})
    elastic_rows = {n for n, info in m.rows.items() if info.rule in m.elastic}
    assert set(m.slack) == elastic_rows
    for name, var in m.slack.items():
        assert (var.name, var.lowBound, var.upBound) == (f"slack_{name}", 0, None)
        got, sense, _ = row(m, name)
        assert got[f"slack_{name}"] == (-1.0 if sense == LE else 1.0)
    assert row(m, "pagu_A2") == ({**spend(k for k in PAIRS if PROGRAMS[k[1]][0] == "A2"),
                                  "slack_pagu_A2": -1.0}, LE, 30.0)
    assert row(m, "coverage_V1")[0]["slack_coverage_V1"] == 1.0
    assert "slack_units_min_P1_V1" not in {v.name for v in m.prob.variables()}
    objective = {v.name: k for v, k in m.prob.objective.items()}
    assert objective == pytest.approx({f"slack_{n}": 1.0 / m.rows[n].scale for n in m.slack})
    assert objective["slack_pagu_A1"] == pytest.approx(1 / 60.0)
    assert objective["slack_pagu_A3"] == pytest.approx(1.0)
    assert m.slack_value("pagu_A1") == 0.0
    assert m.slack_value("units_min_P1_V1") == 0.0


def test_elastic_slack_of_a_solved_model():
    """A lock costing 35 against a pagu of 10: the elastic pagu row needs a slack of 25."""
    import dataclasses

    inst = dataclasses.replace(
        instance(Rules(min_programs_per_village=0), locks=[Lock(village="V1", program="P1",
                                                                units=3)],
                 synergies=[], requires=[], excludes=[]),
        pagu=pd.Series({"A1": 10.0, "A2": 30.0, "A3": 0.5}))
    m = build_model(inst, elastic=("pagu",))
    m.prob.solve(pulp.HiGHS(msg=False))
    assert pulp.LpStatus[m.prob.status] == "Optimal"
    assert m.slack_value("pagu_A1") == pytest.approx(3 * 10.0 + 5.0 - 10.0)
    assert m.slack_value("pagu_A2") == pytest.approx(0.0)
    assert m.slack_value("lock_P1_V1_in") == 0.0  # not elastic


def test_elastic_equality_refused():
    m = build_model(instance(), elastic=("custom",))
    with pytest.raises(ValueError, match=r"^equality rules cannot be elastic$"):
        m.constrain("fix", [(m.x[("V1", "P1")], 1)], EQ, 2, "custom")


def test_constrain_adds_repeated_variables_and_records_the_row():
    m = build_model(instance())
    x, y = m.x[("V1", "P1")], m.y[("V1", "P1")]
    made = m.constrain("mine", [(x, 2.0), (y, 1.0), (x, 0.5)], GE, 4, "custom", scale=3,
                       program="P1", extra=1.5)
    assert made is m.prob.get_constraint_by_name("mine") is m.constraints["mine"]
    assert row(m, "mine") == ({"x_P1_V1": 2.5, "y_P1_V1": 1.0}, GE, 4)
    assert m.rows["mine"] == RuleRow(name="mine", rule="custom", sense=GE, rhs=4.0,
                                     scale=3.0, program="P1", extra=1.5)
    assert isinstance(m.rows["mine"].rhs, float) and isinstance(m.rows["mine"].scale, float)
    assert "mine" not in m.slack


def test_set_rhs():
    m = build_model(instance())
    m.set_rhs("pagu_A1", 12.0)
    assert row(m, "pagu_A1")[2] == 12.0
    assert (m.rows["pagu_A1"].rhs, m.rows["pagu_A1"].scale) == (12.0, 12.0)
    m.set_rhs("pagu_A1", 0.5)
    assert (m.rows["pagu_A1"].rhs, m.rows["pagu_A1"].scale) == (0.5, 1.0)
    assert m.rows["pagu_A1"].agency == "A1"


def test_custom_rules_are_called_last_and_build_time_kept():
    seen = []

    def custom(m):
        seen.append(len(constraint_names(m)))

    m = build_model(instance(), custom=[custom, custom])
    assert seen == [len(constraint_names(m))] * 2
    assert 0 < m.build_seconds < 60


def test_solved_plan_keeps_the_locks():
    """One solve on the full instance: the locks hold (a sanity check of the rows)."""
    rules = Rules(min_programs_per_village=1)
    locks = [Lock(village="V2", program="P3", units=3), Lock(village="V3", program="P4",
                                                             state="out")]
    m = build_model(instance(rules, locks, requires=[], excludes=[]))
    m.prob.solve(pulp.HiGHS(msg=False))
    assert pulp.LpStatus[m.prob.status] == "Optimal"
    assert m.x[("V2", "P3")].value() == pytest.approx(3)
    assert m.y[("V3", "P4")].value() == pytest.approx(0)
    assert m.slack_value("pagu_A1") == 0.0
    assert not math.isnan(pulp.value(m.prob.objective))

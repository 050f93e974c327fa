"""The equity measures of a plan (planning.analysis.equity, issue 13): every measure is
recomputed here independently, with plain numpy and pandas, from hand-made vectors and
frames, from a tiny instance where each reason is forced, and from the CSV files of the
shipped baseline run (never by calling the function under test again)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from planning.analysis.equity import (
    REASONS,
    TOKEN_MAX_COST,
    TOKEN_MAX_PROGRAMS,
    dimension_units,
    equity,
    gini,
    theil,
    token_villages,
)
from planning.i18n import LANGUAGES, MESSAGES
from planning.model import (
    Allocation,
    Instance,
    ModelSettings,
    Rules,
    Solver,
    build_model,
    extract,
    solve_model,
)

from .conftest import DATA, ROOT

# --- Gini and Theil against their formulas -------------------------------------------------


def gini_by_loops(x: list[float]) -> float:
    n, mean = len(x), sum(x) / len(x)
    return sum(abs(a - b) for a in x for b in x) / (2 * n * n * mean)


def theil_by_loops(x: list[float]) -> float:
    n, mean = len(x), sum(x) / len(x)
    return sum((a / mean) * math.log(a / mean) for a in x if a > 0) / n


VECTORS = [[1.0, 2.0, 3.0, 4.0], [0.0, 0.5, 0.5, 7.0, 12.25], [3.0, 0.0], [0.2, 0.9, 0.4],
           list(np.random.default_rng(13).gamma(1.5, 2.0, 40))]


@pytest.mark.parametrize("x", VECTORS)
def test_gini_and_theil_follow_their_formulas(x):
    assert gini(x) == pytest.approx(gini_by_loops(x), rel=1e-12)
    assert theil(x) == pytest.approx(theil_by_loops(x), rel=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 27])
def test_equal_values_give_zero_and_one_value_everything(n):
    assert gini([4.2] * n) == pytest.approx(0.0, abs=1e-15)
    assert theil([4.2] * n) == pytest.approx(0.0, abs=1e-15)
    one = [0.0] * (n - 1) + [3.0]
    assert gini(one) == pytest.approx((n - 1) / n)
    assert theil(one) == pytest.approx(math.log(n))


def test_nothing_spent_is_equal_and_no_values_is_undefined():
    assert gini([0.0, 0.0, 0.0]) == 0.0 and theil([0.0, 0.0]) == 0.0
    assert math.isnan(gini([])) and math.isnan(theil([]))


# --- token villages on a hand-made frame -------------------------------------------------------


def test_token_villages_have_few_programmes_and_little_money():
    assert TOKEN_MAX_PROGRAMS == 1 and TOKEN_MAX_COST == 25.0
    villages = pd.DataFrame([("V1", 1, 10.0), ("V2", 1, 25.0), ("V3", 1, 25.5), ("V4", 2, 20.0),
                             ("V5", 0, 0.0), ("V6", 1, 0.0)],
                            columns=["village", "programs", "cost"])
    assert token_villages(villages) == ["V1", "V2", "V6"]
    assert token_villages(villages, max_programs=2, max_cost=20.0) == ["V1", "V4", "V6"]


# --- each reason forced on a tiny instance -----------------------------------------------------

#: program -> agency, dimension, unit cost, reach per unit, hi, eligible villages, capacity
TINY = {
    "P1": ("A1", "d1", 10.0, 1.0, 5, ("V1",), np.nan),   # runs: 5 units in V1
    "P2": ("A1", "d1", 20.0, 1.0, 3, ("V1",), np.nan),   # excludes P1: cheaper_alternative
    "P3": ("A2", "d1", 10.0, 1.0, 2, ("V2",), np.nan),   # runs: 2 units, all of A2's pagu
    "P4": ("A2", "d2", 10.0, 0.5, 2, ("V1", "V2"), np.nan),  # pagu_used
    "P5": ("A4", "d2", 10.0, 1.0, 1, ("V1",), np.nan),   # excludes P1: not_chosen
    "P6": ("A1", "d3", 10.0, 1.0, 1, (), np.nan),        # no eligible pair: not_eligible
    "P7": ("A3", "d4", 10.0, 1.0, 1, ("V1", "V2"), 0.0),  # capacity 0: capacity
}
PAGU = {"A1": 100.0, "A2": 20.0, "A3": 100.0, "A4": 100.0}
EXPECTED = {"P2": ("cheaper_alternative", "P1"), "P4": ("pagu_used", "P3"),
            "P5": ("not_chosen", None), "P6": ("not_eligible", None),
            "P7": ("capacity", None)}


def tiny_instance() -> Instance:
    villages = pd.DataFrame([("V1", "V1", "K1", "Kec 1", 0.5, 1.0),
                             ("V2", "V2", "K2", "Kec 2", 0.5, 1.0)],
                            columns=["code", "name", "kecamatan_code", "kecamatan",
                                     "poverty_index", "weight"])
    programs = pd.DataFrame(
        [(p, p, p, a, d, k, np.nan, 1, hi, r) for p, (a, d, _, r, hi, _, k) in TINY.items()],
        columns=["code", "name_id", "name_en", "agency", "dimension", "max_villages",
                 "min_potential", "min_units", "max_units", "beneficiaries_per_unit"])
    kec = villages.set_index("code")["kecamatan_code"]
    pairs = pd.DataFrame(
        [(v, p, a, d, kec[v], 1, hi, 1.0, r, r, c, 0.0)
         for p, (a, d, c, r, hi, where, _) in TINY.items() for v in where],
        columns=["village", "program", "agency", "dimension", "kecamatan_code", "lo", "hi",
                 "effectiveness", "reach", "value", "unit_cost", "fixed_cost"]
    ).sort_values(["village", "program"]).reset_index(drop=True)
    deprived = pd.DataFrame([(v, d, 5.0 if (v, d) == ("V1", "d1") else 10.0, 1.0)
                             for v in ("V1", "V2") for d in ("d1", "d2", "d3", "d4")],
                            columns=["village", "dimension", "deprived", "omega"])
    settings = ModelSettings(rules=Rules(min_programs_per_village=1),
                             solver=Solver(gap=0.0, warm_start=False))
    return Instance(villages=villages, programs=programs, pairs=pairs,
                    excluded=pd.DataFrame(columns=["village", "program", "reason", "value"]),
                    deprived=deprived, pagu=pd.Series(PAGU), requires=[],
                    excludes=[("P2", "P1"), ("P5", "P1")], synergies=[], locks=[],
                    settings=settings,
                    labels={"village": {"V1": "V1", "V2": "V2"},
                            "kecamatan": {"K1": "Kec 1", "K2": "Kec 2"},
                            "agency": {a: a for a in PAGU}})


def solved_equity(instance: Instance):
    """The plan of ``instance`` (solved to optimality) and its equity measures."""
    m = build_model(instance)
    report = solve_model(m, instance.settings.solver)
    assert report.status == "optimal"
    tables = extract(m, report)
    allocation = Allocation(instance=instance, report=report, warnings=[],
                            greedy=tables.plan.iloc[0:0], greedy_objective=float("nan"),
                            lp_bound=None, timings={}, tables=tables)
    return tables, equity(allocation, {"d1": "households", "d2": "households",
                                       "d3": "children", "d4": "persons"})


@pytest.fixture(scope="module")
def tiny_equity():
    return solved_equity(tiny_instance())


def test_the_tiny_plan_is_the_one_the_reasons_are_built_for(tiny_equity):
    tables, _ = tiny_equity
    plan = dict(zip(zip(tables.plan["village"], tables.plan["program"], strict=True),
                    tables.plan["units"], strict=True))
    assert plan == {("V1", "P1"): 5, ("V2", "P3"): 2}


def test_each_reason_is_forced(tiny_equity):
    _, eq = tiny_equity
    unused = eq.unused_programs.set_index("program")
    found = {p: (row.reason, None if pd.isna(row.alternative) else row.alternative)
             for p, row in unused.iterrows()}
    assert found == EXPECTED
    assert set(r for r, _ in EXPECTED.values()) == set(REASONS)
    # cost per deprived unit: P1 in the plan 50 / 5; P2 at best 20 x 3 / 3
    assert unused.at["P2", "cost_per_deprived"] == pytest.approx(20.0)
    assert unused.at["P4", "smallest_package"] == pytest.approx(10.0)


def test_requires_passes_on_eligibility_and_capacity():
    """P5 requires P6, which no village may run: not_eligible; P4 requires P7, whose
    capacity (0 villages) is used up and runs nowhere: capacity."""
    instance = dataclasses.replace(tiny_instance(), requires=[("P4", "P7"), ("P5", "P6")])
    tables, eq = solved_equity(instance)
    assert sorted(zip(tables.plan["village"], tables.plan["program"], strict=True)) == [
        ("V1", "P1"), ("V2", "P3")]
    reasons = eq.unused_programs.set_index("program")["reason"].to_dict()
    assert reasons == {**{p: r for p, (r, _) in EXPECTED.items()},
                       "P4": "capacity", "P5": "not_eligible"}


def test_a_dimension_takes_the_weakest_reason_of_its_programmes(tiny_equity):
    _, eq = tiny_equity
    dims = eq.dimensions.set_index("dimension")
    assert dims["reason"].to_dict() == {"d1": None, "d2": "not_chosen", "d3": "not_eligible",
                                        "d4": "capacity"}
    assert dims["unit"].to_dict() == {"d1": "households", "d2": "households",
                                      "d3": "children", "d4": "persons"}
    # d1: 5 + 2 removed of 5 + 10 deprived; reached = removed here (no saturation hit)
    assert dims.at["d1", "removed"] == pytest.approx(7.0)
    assert dims.at["d1", "share_removed"] == pytest.approx(7 / 15)
    assert dims.at["d1", "villages_reached"] == 2 and dims.at["d2", "villages_reached"] == 0


def test_tiny_spread_and_shares(tiny_equity):
    _, eq = tiny_equity
    # V1: Rp 50 juta for 5 + 10 + 10 + 10 = 35 deprivations; V2: Rp 20 juta for 40
    x = [50 / 35, 20 / 40]
    assert eq.villages["cost_per_deprived"].tolist() == pytest.approx(x, rel=CSV["rtol"])
    assert eq.gini == pytest.approx(gini_by_loops(x))
    assert eq.theil == pytest.approx(theil_by_loops(x))
    assert (eq.largest_village, eq.largest_share) == ("V1", pytest.approx(50 / 70))
    # V2 has one programme for Rp 20 juta <= 25: a token package
    assert eq.token_villages == ("V2",) and eq.unserved_villages == ()
    k = eq.kecamatan.set_index("kecamatan_code")
    assert k["share_removed"].to_dict() == pytest.approx({"K1": 5 / 35, "K2": 2 / 40})


def test_reason_labels_are_in_both_languages():
    for key in REASONS:
        texts = MESSAGES[f"equity.reason.{key}"]
        assert len(texts) == len(LANGUAGES) and all(t.strip() for t in texts)
        assert texts[0] != texts[1]


# --- the shipped baseline, against its CSV files -------------------------------------------------


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The pure efficiency run (the baseline before issue 13: sanitation gets nothing)
    in memory, its equity measures and its results folder."""
    from planning.pipeline import execute, prepare

    result = execute(prepare(ROOT / "scenarios" / "efisiensi-murni.yaml"))
    out = tmp_path_factory.mktemp("equity") / "baseline"
    result.write(out)
    eq = equity(result.allocation, dimension_units(result.dataset))
    return eq, out


#: the CSV files keep 6 significant digits or so: agreement within that
CSV = {"rtol": 1e-5, "atol": 1e-9}


def csv(folder, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype={"village": str, "kecamatan_code": str,
                                             "kecamatan": str})


def test_dimension_shares_agree_with_the_dimensions_file(baseline):
    eq, out = baseline
    dims = csv(out, "allocation_dimensions.csv").set_index("dimension")
    got = eq.dimensions.set_index("dimension")
    assert list(got.index) == list(dims.index)
    np.testing.assert_allclose(got["removed"], dims["removed"], **CSV)
    np.testing.assert_allclose(got["share_removed"], dims["removed"] / dims["deprived"],
                               **CSV)
    np.testing.assert_allclose(got["share_reached"], dims["reached"] / dims["deprived"],
                               **CSV)
    villages = csv(out, "allocation_villages.csv")
    for d in dims.index:
        assert got.at[d, "villages_reached"] == int((villages[f"removed_{d}"] > 1e-6).sum())


def test_units_come_from_the_indicator_metadata(baseline):
    eq, _ = baseline
    groups = pd.read_csv(DATA / "groups.csv")
    meta = pd.read_csv(DATA / "indicator_metadata.csv").set_index("indicator")["unit"]
    groups = groups[groups["kind"] == "dimension"]
    expected = dict(zip(groups["group"], groups["count_indicator"].map(meta), strict=True))
    assert eq.dimensions.set_index("dimension")["unit"].to_dict() == expected
    assert set(expected.values()) == {"households", "children", "persons"}


def test_sanitation_removes_nothing_and_says_why(baseline):
    """Sanitation: 0 removed, because its agencies (PUTR, CSR) have less money left than
    the smallest package of any sanitation programme (pagu_used)."""
    eq, out = baseline
    sanitation = eq.dimensions.set_index("dimension").loc["sanitation"]
    assert sanitation["removed"] == 0 and sanitation["reason"] == "pagu_used"
    programs = pd.read_csv(DATA / "programs.csv")
    agencies = csv(out, "allocation_agencies.csv").set_index("agency")
    left = agencies["pagu"] - agencies["used"]
    for prog in programs[programs["dimension"] == "sanitation"].itertuples():
        package = prog.fixed_cost + prog.unit_cost * prog.min_units
        assert left[prog.agency] < package, prog.code
    unused = eq.unused_programs.set_index("program")
    assert set(programs.loc[programs["dimension"] == "sanitation", "code"]) <= set(unused.index)


def test_unused_programmes_are_those_missing_from_the_plan(baseline):
    eq, out = baseline
    programs = pd.read_csv(DATA / "programs.csv")
    plan = csv(out, "allocation_plan.csv")
    assert eq.unused_programs["program"].tolist() == sorted(
        set(programs["code"]) - set(plan["program"]))
    assert set(eq.unused_programs["reason"]) <= set(REASONS)
    # an alternative is a programme of the same agency that runs, at a lower cost per
    # deprived unit reached in the plan
    used = plan.groupby("program").agg(agency=("agency", "first"), cost=("cost", "sum"),
                                       reached=("households_reached", "sum"))
    for row in eq.unused_programs.dropna(subset=["alternative"]).itertuples():
        alt = used.loc[row.alternative]
        assert alt["agency"] == row.agency
        assert alt["cost"] / alt["reached"] < row.cost_per_deprived


def test_kecamatan_measures_agree_with_the_village_file(baseline):
    eq, out = baseline
    villages = csv(out, "allocation_villages.csv")
    k = villages.groupby("kecamatan_code")[["deprived_total", "removed_total", "cost"]].sum()
    got = eq.kecamatan.set_index("kecamatan_code")
    np.testing.assert_allclose(got["share_removed"], k["removed_total"] / k["deprived_total"],
                               **CSV)
    np.testing.assert_allclose(got["share_of_spending"], k["cost"] / k["cost"].sum(),
                               **CSV)
    kd = eq.kecamatan_dimensions.set_index(["kecamatan_code", "dimension"])
    for d in eq.dimensions["dimension"]:
        g = villages.groupby("kecamatan_code")[[f"deprived_{d}", f"removed_{d}"]].sum()
        share = g[f"removed_{d}"] / g[f"deprived_{d}"]
        np.testing.assert_allclose(kd.xs(d, level="dimension")["share_removed"], share,
                                   **CSV)


def test_village_spread_largest_share_and_token_villages(baseline):
    eq, out = baseline
    villages = csv(out, "allocation_villages.csv").sort_values("village")
    x = (villages["cost"] / villages["deprived_total"]).tolist()
    assert eq.villages["cost_per_deprived"].tolist() == pytest.approx(x, rel=CSV["rtol"])
    assert eq.gini == pytest.approx(gini_by_loops(x), rel=CSV["rtol"])
    assert eq.theil == pytest.approx(theil_by_loops(x), rel=CSV["rtol"])
    top = villages.loc[villages["cost"].idxmax()]
    assert eq.largest_village == top["village"]
    assert eq.largest_share == pytest.approx(top["cost"] / villages["cost"].sum(),
                                             rel=CSV["rtol"])
    plan = csv(out, "allocation_plan.csv")
    per = plan.groupby("village").agg(programs=("program", "nunique"), cost=("cost", "sum"))
    token = per[(per["programs"] <= 1) & (per["cost"] <= 25.0)].index
    assert list(eq.token_villages) == sorted(token)
    assert eq.unserved_villages == tuple(sorted(set(villages["village"]) - set(per.index)))

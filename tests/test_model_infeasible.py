"""Scenarios without a plan: caught before solving when the contradiction is plain,
explained by elastic re-solves otherwise, always naming the rules in planners' words."""

from __future__ import annotations

import math

import pytest

from planning.model import (
    Lock,
    ModelSettings,
    PresolveError,
    Rules,
    allocate,
    build_instance,
    presolve,
)
from tests.model_checker import recompute


@pytest.fixture(scope="module")
def focus(scores):
    return scores[scores["selected"]].sort_values("code")


def only(ds, **pagu):
    """Every agency's pagu at 0 except the ones given."""
    return {a: float(pagu.get(a, 0.0)) for a in ds.agencies["code"]}


def relaxed(ds, settings: ModelSettings, explanation) -> ModelSettings:
    """The scenario with every pagu / ceiling shortfall the explanation names added."""
    pagu = {a: float(p) for a, p in ds.agencies.set_index("code")["pagu"].items()}
    pagu.update(settings.pagu)
    rules = settings.rules
    for r in explanation.resources:
        if r.rule == "pagu":
            pagu[r.agency] += math.ceil(r.amount * 10 + 1e-6) / 10 + 0.1
        elif r.rule == "ceiling":
            rules = rules.model_copy(update={"district_ceiling": rules.district_ceiling
                                             + r.amount + 0.1})
    return settings.model_copy(update={"pagu": pagu, "rules": rules})


def assert_explained(ds, scores, settings, expected_rules, words):
    allocation = allocate(ds, scores, settings)
    assert allocation.report.status == "infeasible"
    assert not allocation.is_plan and allocation.tables is None
    explanation = allocation.explanation
    assert set(expected_rules) <= set(explanation.conflicting_rules)
    for lang in ("id", "en"):
        text = explanation.render(allocation.instance, lang)
        for word in words[lang]:
            assert word in text, (word, text)
    return allocation


def test_coverage_against_pagu(ds, scores):
    """Only DKPP has money; inland villages cannot get three DKPP programmes."""
    settings = ModelSettings(pagu=only(ds, DKPP=2000),
                             rules=Rules(min_programs_per_village=3))
    allocation = assert_explained(
        ds, scores, settings, ["pagu", "coverage"],
        {"id": ["pagu", "kurang Rp", "minimal program per desa"],
         "en": ["short by Rp", "minimum programmes per village"]})
    # the shortfalls named are enough: with them added, a plan exists and keeps every rule
    fixed = relaxed(ds, settings, allocation.explanation)
    again = allocate(ds, scores, fixed)
    assert again.is_plan
    assert recompute(ds.path, scores, fixed, again.tables.plan)["violations"] == []


def test_lock_against_village_share(ds, scores, focus):
    """A Rp 400 juta water system in one village cannot stay under 4 % of a Rp 9 miliar
    plan (it would need Rp 10 miliar of spending)."""
    village = focus["code"].iloc[0]
    settings = ModelSettings(locks=[Lock(village=village, program="PUTR-PAMSIMAS")],
                             rules=Rules(village_max_share=0.04))
    assert_explained(ds, scores, settings, ["village_share"],
                     {"id": ["bagian maksimum desa", village],
                      "en": ["maximum village share", village]})


def test_locks_against_kecamatan_shares(ds, scores, focus):
    """Rp 2.4 miliar locked into one kecamatan leaves the other eight unable to reach
    10 % each of the total within the pagu."""
    first_kec = focus["kecamatan_code"].iloc[0]
    villages = focus.loc[focus["kecamatan_code"] == first_kec, "code"].tolist()
    locks = [Lock(village=v, program=p) for v in villages
             for p in ("PUTR-PAMSIMAS", "PUTR-SANIMAS")]
    settings = ModelSettings(locks=locks, rules=Rules(kecamatan_min_share=0.10))
    allocation = assert_explained(ds, scores, settings, ["kecamatan_share"],
                                  {"id": ["bagian minimum kecamatan"],
                                   "en": ["minimum kecamatan share"]})
    assert {"pagu", "lock"} & set(allocation.explanation.conflicting_rules)


def test_capacity_against_coverage(ds, scores, focus):
    """Only Dispar has money: its one programme reaches at most 4 villages."""
    settings = ModelSettings(pagu=only(ds, DISPAR=5000))
    allocation = assert_explained(ds, scores, settings, ["coverage"],
                                  {"id": ["desa"], "en": ["village"]})
    assert {"pagu", "capacity"} & set(allocation.explanation.conflicting_rules)
    missing = [r for r in allocation.explanation.requirements if r.rule == "coverage"]
    assert len(missing) >= len(focus) - 4


def test_ceiling_against_locks_after_presolve(ds, scores, focus):
    """Locks that fit each pagu but, with every village covered, not the ceiling."""
    villages = focus["code"].tolist()[:3]
    locks = [Lock(village=v, program="PUTR-PAMSIMAS") for v in villages]
    settings = ModelSettings(locks=locks, rules=Rules(district_ceiling=1210))
    assert_explained(ds, scores, settings, ["ceiling"],
                     {"id": ["plafon kabupaten kurang Rp"],
                      "en": ["district ceiling short by Rp"]})


# --- caught before solving ---------------------------------------------------------

def presolve_error(ds, scores, settings) -> PresolveError:
    with pytest.raises(PresolveError) as caught:
        presolve(build_instance(ds, scores, settings))
    return caught.value


def keys(error: PresolveError) -> set[str]:
    return {f.key for f in error.findings}


def test_contradictory_locks_are_caught_before_solving(ds, scores, focus):
    v = focus["code"].iloc[0]
    twice = [Lock(village=v, program="PKM-RTLH", units=2),
             Lock(village=v, program="PKM-RTLH", state="out")]
    assert "presolve.lock_twice" in keys(presolve_error(
        ds, scores, ModelSettings(locks=twice)))
    requires = [Lock(village=v, program="DINKES-PMT"),
                Lock(village=v, program="DP2KB-TPK", state="out")]
    error = presolve_error(ds, scores, ModelSettings(locks=requires))
    assert "presolve.lock_requires" in keys(error)
    assert "DINKES-PMT" in error.render("id") and "DP2KB-TPK" in error.render("en")
    excludes = [Lock(village=v, program="PUTR-SANIMAS"), Lock(village=v, program="PUTR-SEPTIK")]
    assert "presolve.lock_excludes" in keys(presolve_error(
        ds, scores, ModelSettings(locks=excludes)))
    # the full allocate refuses too, before any solver runs
    with pytest.raises(PresolveError):
        allocate(ds, scores, ModelSettings(locks=twice))


def test_locks_that_contradict_eligibility_or_bounds(ds, scores, focus):
    low = scores.set_index("code").loc[focus["code"], "potential_tourism"].idxmin()
    error = presolve_error(ds, scores, ModelSettings(
        locks=[Lock(village=low, program="DISPAR-DESA-WISATA")]))
    assert keys(error) == {"presolve.lock_ineligible_potential"}
    v = focus["code"].iloc[0]
    error = presolve_error(ds, scores, ModelSettings(
        locks=[Lock(village=v, program="PKM-RTLH", units=500)]))
    assert "presolve.lock_units_out_of_bounds" in keys(error)
    assert "500" in error.render("en")
    outside = sorted(set(scores["code"]) - set(focus["code"]))[0]
    error = presolve_error(ds, scores, ModelSettings(
        locks=[Lock(village=outside, program="PKM-RTLH"), Lock(village=v, program="NOPE")]))
    assert keys(error) == {"presolve.lock_village_not_in_plan",
                           "presolve.lock_unknown_program"}


def test_minimums_no_budget_can_pay(ds, scores, focus):
    pairs = build_instance(ds, scores).pairs
    rtlh = pairs[pairs["program"] == "PKM-RTLH"].sort_values("hi", ascending=False)
    # houses at Rp 20 juta each, as many as each village may take, past Rp 1,500 juta
    cost = (rtlh["hi"] * rtlh["unit_cost"]).cumsum()
    chosen = rtlh[cost.shift(fill_value=0) <= 1500]
    assert (chosen["hi"] * chosen["unit_cost"]).sum() > 1500
    locks = [Lock(village=r.village, program="PKM-RTLH", units=int(r.hi))
             for r in chosen.itertuples()]
    error = presolve_error(ds, scores, ModelSettings(locks=locks))
    assert keys(error) == {"presolve.lock_pagu"}
    assert "PERKIMTA" in error.render("id")
    error = presolve_error(ds, scores, ModelSettings(rules=Rules(district_ceiling=50)))
    assert keys(error) == {"presolve.coverage_money"}
    error = presolve_error(ds, scores, ModelSettings(rules=Rules(min_programs_per_village=40)))
    assert "presolve.coverage_too_few" in keys(error)
    error = presolve_error(ds, scores, ModelSettings(rules=Rules(kecamatan_min_share=0.2)))
    assert keys(error) == {"presolve.kecamatan_share_sum"}
    error = presolve_error(ds, scores, ModelSettings(rules=Rules(village_max_share=0.02)))
    assert keys(error) == {"presolve.village_share_sum"}
    error = presolve_error(ds, scores, ModelSettings(rules=Rules(village_max_share=0.03,
                                                                  kecamatan_min_share=0.1)))
    assert "presolve.shares_clash" in keys(error)


def test_warnings_do_not_stop_the_run(ds, scores):
    inland = scores.loc[scores["potential_fisheries"] == 0, "code"].tolist()[:5]
    warnings = presolve(build_instance(ds, scores, ModelSettings(villages=inland)))
    assert "presolve.program_no_village" in {w.key for w in warnings}
    assert any("DKPP-JUKUNG" in w.render("en") for w in warnings)

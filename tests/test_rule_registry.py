"""The registry of the model's rules (planning.model.rules): every rule complete (switch,
build function, plan check, messages), every switch of ``Rules`` owned once, every
``add_*`` function of build.py registered; the package's plan check rule by rule on a
hand-made instance, against the independent checker on a solved instance, and in the
reviewer's re-run."""

from __future__ import annotations

import dataclasses
import inspect
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planning import i18n
from planning.config.model import Rules
from planning.i18n import LANGUAGES, MESSAGES
from planning.model import (
    Instance,
    Lock,
    ModelSettings,
    Solver,
    build_instance,
    build_model,
    check_plan,
    plan_violations,
    solve_model,
)
from planning.model import build as build_module
from planning.model.extract import model_units
from planning.model.rules import RULES, Rule

from .conftest import DATA, ROOT
from .model_checker import recompute

# --- completeness ---------------------------------------------------------------------


def registry_problems(rules: tuple[Rule, ...]) -> list[str]:
    """Everything incomplete in ``rules``: a part missing, a switch that is no field of
    ``Rules`` or owned twice, a field without owner, an ``add_*`` function of build.py in
    no entry, a message key missing or empty in a language."""
    problems = []
    fields = set(Rules.model_fields)
    owners = Counter(f for r in rules for f in (r.switch or ()))
    problems += [f"{f}: owned by {n} rules" for f, n in owners.items() if n > 1]
    problems += [f"{f}: no such field of Rules" for f in owners if f not in fields]
    problems += [f"{f}: no owner" for f in sorted(fields - set(owners))]
    names = Counter(r.name for r in rules)
    problems += [f"{n}: registered {k} times" for n, k in names.items() if k > 1]
    added = {r.add for r in rules}
    problems += [f"build.{name}: in no rule" for name, fn in inspect.getmembers(
        build_module, inspect.isfunction) if name.startswith("add_") and fn not in added]
    for r in rules:
        if r.switch is not None and not r.switch:
            problems.append(f"{r.name}: empty switch")
        if not callable(r.add) or not callable(r.applies):
            problems.append(f"{r.name}: no add or applies")
        if r.kind == "constraint":
            if not callable(r.check):
                problems.append(f"{r.name}: no check")
            if not r.message:
                problems.append(f"{r.name}: no message")
        if r.label != f"rule.{r.name}" or (r.message and r.message != f"check.{r.name}"):
            problems.append(f"{r.name}: keys not rule.{r.name} and check.{r.name}")
        for key in filter(None, r.keys):
            texts = MESSAGES.get(key, ())
            if len(texts) != len(LANGUAGES) or not all(t.strip() for t in texts):
                problems.append(f"{r.name}: message {key} missing in a language")
    return problems


def test_every_rule_is_complete_and_every_switch_owned():
    assert registry_problems(RULES) == []
    constraints = [r.name for r in RULES if r.kind == "constraint"]
    assert constraints == ["eligibility", "units", "saturation", "pagu", "ceiling", "capacity",
                           "coverage", "kecamatan_share", "village_share", "requires",
                           "excludes", "lock", "dimension_floor", "absorption",
                           "village_package"]


def test_the_completeness_check_reports_what_is_missing(monkeypatch):
    """The guard above is not vacuous: each kind of gap is reported."""
    by = {r.name: r for r in RULES}
    share = by["kecamatan_share"]
    broken = {
        "kecamatan_share: no check": dataclasses.replace(share, check=None),
        "kecamatan_share: no message": dataclasses.replace(share, message=None),
        "kecamatan_min_share: no owner": dataclasses.replace(share, switch=None),
        "capacity: owned by 2 rules": dataclasses.replace(share, switch=(
            "kecamatan_min_share", "capacity")),
        "kecamatan_share: no add or applies": dataclasses.replace(share, add=None),
        "build.add_kecamatan_share: in no rule": dataclasses.replace(
            share, add=build_module.add_village_share),
        "kecamatan_share: message rule.nothing missing in a language": dataclasses.replace(
            share, name="kecamatan_share", label="rule.nothing"),
    }
    for expected, entry in broken.items():
        rules = tuple(entry if r.name == "kecamatan_share" else r for r in RULES)
        assert any(expected in p for p in registry_problems(rules)), expected
    without = tuple(r for r in RULES if r.name != "requires")
    assert "requires: no owner" in registry_problems(without)
    assert "build.add_requires: in no rule" in registry_problems(without)
    monkeypatch.delitem(i18n.catalogue("en"), "check.excludes")
    assert "excludes: message check.excludes missing in a language" in registry_problems(RULES)


# --- each rule on a hand-made instance --------------------------------------------------

#: village -> kecamatan
VILLAGES = {"V1": "K1", "V2": "K1", "V3": "K2"}
#: program -> agency, dimension, max_villages, min_potential
PROGRAMS = {"P1": ("A1", "d1", 2.0, np.nan), "P2": ("A1", "d2", np.nan, np.nan),
            "P3": ("A2", "d1", np.nan, 0.5), "P4": ("A2", "d2", np.nan, np.nan),
            "P5": ("A2", "d1", np.nan, np.nan)}
#: pairs that cannot run: (village, program) -> reason, value
EXCLUDED = {("V3", "P3"): ("potential", 0.2), ("V3", "P4"): ("need", 0.0)}
#: every other pair runs 1-3 units at Rp 10 juta a unit; (V2, P4) 1-2 units
HI = {("V2", "P4"): 2}
#: a plan that keeps every rule: V1 Rp 30, V2 Rp 20, V3 Rp 30 juta (K1 62.5 %, K2 37.5 %)
BASE = {("V1", "P1"): 1, ("V1", "P2"): 1, ("V1", "P3"): 1, ("V2", "P4"): 1, ("V2", "P5"): 1,
        ("V3", "P1"): 1, ("V3", "P2"): 2}


def tiny(**rules) -> Instance:
    """Three villages, five programmes, every rule on: pagu A1 65 and A2 60, ceiling 150
    (juta Rp), at least 2 programmes per village, kecamatan >= 30 %, village <= 45 %,
    P1 in at most 2 villages, P2 requires P1, P3 excludes P4, P3 locked in V1."""
    settings = dict(min_programs_per_village=2, kecamatan_min_share=0.3,
                    village_max_share=0.45, district_ceiling=150.0)
    villages = pd.DataFrame(
        [(v, f"Desa {v}", k, f"Kec {k}", 0.5, 1.0) for v, k in VILLAGES.items()],
        columns=["code", "name", "kecamatan_code", "kecamatan", "poverty_index", "weight"])
    programs = pd.DataFrame(
        [(p, p, p, a, d, m, mp, 1, 3, 10.0) for p, (a, d, m, mp) in PROGRAMS.items()],
        columns=["code", "name_id", "name_en", "agency", "dimension", "max_villages",
                 "min_potential", "min_units", "max_units", "beneficiaries_per_unit"])
    pairs = pd.DataFrame(
        [(v, p, a, d, VILLAGES[v], 1, HI.get((v, p), 3), 1.0, 1.0, 1.0, 10.0, 0.0)
         for v in VILLAGES for p, (a, d, _, _) in PROGRAMS.items() if (v, p) not in EXCLUDED],
        columns=["village", "program", "agency", "dimension", "kecamatan_code", "lo", "hi",
                 "effectiveness", "reach", "value", "unit_cost", "fixed_cost"])
    excluded = pd.DataFrame([(v, p, r, x) for (v, p), (r, x) in EXCLUDED.items()],
                            columns=["village", "program", "reason", "value"])
    deprived = pd.DataFrame([(v, d, 100.0, 1.0) for v in VILLAGES for d in ("d1", "d2")],
                            columns=["village", "dimension", "deprived", "omega"])
    return Instance(
        villages=villages, programs=programs, pairs=pairs, excluded=excluded,
        deprived=deprived, pagu=pd.Series({"A1": 65.0, "A2": 60.0}),
        requires=[("P2", "P1")], excludes=[("P3", "P4")], synergies=[],
        locks=[Lock(village="V1", program="P3")],
        settings=ModelSettings(rules=Rules(**{**settings, **rules})),
        labels={"village": {v: f"Desa {v}" for v in VILLAGES},
                "kecamatan": {"K1": "Kec K1", "K2": "Kec K2"},
                "agency": {"A1": "Dinas Satu", "A2": "Dinas Dua"}})


def plan(changes: dict[tuple[str, str], int] | None = None) -> pd.DataFrame:
    """BASE with ``changes`` (units; 0 drops a row)."""
    units = {**BASE, **(changes or {})}
    return pd.DataFrame([(v, p, n) for (v, p), n in units.items()],
                        columns=["village", "program", "units"])


#: rule -> (instance settings, plan changes, subject, words in the English message)
CASES = {
    "eligibility": ({}, {("V3", "P3"): 1}, "P3@V3", ["potential 0.20", "minimum 0.50"]),
    "units": ({}, {("V2", "P4"): 3}, "P4@V2", ["3 units", "1-2 units", "off by 1 units"]),
    "pagu": ({}, {("V3", "P2"): 3, ("V1", "P2"): 2}, "A1",
             ["Dinas Satu", "Rp 70 million", "pagu of Rp 65 million", "by Rp 5 million"]),
    "ceiling": ({"district_ceiling": 85.0}, {("V1", "P3"): 2}, "district",
                ["Rp 90 million", "ceiling of Rp 85 million", "by Rp 5 million"]),
    "capacity": ({}, {("V2", "P1"): 1}, "P1", ["P1 (Dinas Satu) runs in 3 villages",
                                                "capacity of 2 villages by 1"]),
    "coverage": ({}, {("V2", "P4"): 0, ("V2", "P5"): 2}, "V2",
                 ["Desa V2", "1 programmes, 1 short of the minimum 2"]),
    "kecamatan_share": ({}, {("V3", "P2"): 1}, "K2",
                        ["Kec K2", "Rp 20 million", "28.6%", "Rp 70 million",
                         "Rp 1 million short", "30.0%"]),
    "village_share": ({}, {("V1", "P3"): 3, ("V3", "P2"): 3}, "V1",
                      ["Desa V1", "Rp 50 million", "45.5%", "Rp 110 million", "45.0%",
                       "by Rp 0.50 million"]),
    "requires": ({}, {("V3", "P1"): 0, ("V3", "P5"): 1}, "P2->P1@V3",
                 ["Desa V3", "P2 runs without P1"]),
    "excludes": ({}, {("V2", "P5"): 0, ("V2", "P3"): 1}, "P3xP4@V2",
                 ["Desa V2", "P3 and P4 run together"]),
    "lock": ({}, {("V1", "P3"): 0, ("V1", "P5"): 1}, "P3@V1",
             ["P3 in village V1 (Desa V1)", "does not run"]),
}


def test_the_base_plan_keeps_every_rule():
    assert check_plan(tiny(), plan()) == []
    assert plan_violations(tiny(), plan()) == []
    for settings, *_ in CASES.values():
        assert check_plan(tiny(**settings), plan()) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_a_plan_breaking_one_rule_is_reported_for_that_rule_only(rule):
    settings, changes, subject, words = CASES[rule]
    breaches = check_plan(tiny(**settings), plan(changes))
    assert [(b.rule, b.subject) for b in breaches] == [(rule, subject)]
    english, bahasa = breaches[0].render("en"), breaches[0].render("id")
    label = MESSAGES[f"rule.{rule}"]
    assert english.startswith(f"{label[1]}: ") and bahasa.startswith(f"{label[0]}: ")
    for word in words:
        assert word in english, (word, english)
    assert "{" not in english + bahasa and english != bahasa
    assert plan_violations(tiny(**settings), plan(changes)) == [
        (rule, subject, breaches[0].amount)]


def test_the_amounts_are_in_the_rules_units():
    amounts = {rule: check_plan(tiny(**s), plan(c))[0].amount
               for rule, (s, c, *_) in CASES.items()}
    assert amounts == pytest.approx({
        "eligibility": 1, "units": 1, "pagu": 5, "ceiling": 5, "capacity": 1,
        "coverage": 1, "kecamatan_share": 1, "village_share": 0.5, "requires": 1,
        "excludes": 1, "lock": 1})


def test_rows_off_the_eligible_pairs():
    """A pair left out for its need breaks the unit bounds (hi = 0 here); a village outside
    the plan breaks eligibility; neither is counted as spending."""
    breaches = check_plan(tiny(), plan({("V3", "P4"): 1, ("V9", "P1"): 2}))
    assert [(b.rule, b.subject) for b in breaches] == [("eligibility", "P1@V9"),
                                                       ("units", "P4@V3")]
    assert "not in the plan" in breaches[0].render("en")
    assert "bukan desa rencana" in breaches[0].render("id")
    assert "outside the 1-0 units" in breaches[1].render("en")


def test_saturation_checks_the_removed_deprivations_given():
    removed = pd.DataFrame([("V1", "d1", 101.0)], columns=["village", "dimension", "removed"])
    (breach,) = check_plan(tiny(), plan(), removed=removed)
    assert (breach.rule, breach.subject, breach.amount) == ("saturation", "d1@V1", 1.0)
    assert "101 removed, more than the 100 deprived" in breach.render("en")
    assert check_plan(tiny(saturation=False), plan(), removed=removed) == []


def test_switched_off_rules_are_not_checked():
    off = {"pagu": {"budget_limits": False}, "capacity": {"capacity": False},
           "ceiling": {"district_ceiling": None},
           "kecamatan_share": {"kecamatan_min_share": None},
           "village_share": {"village_max_share": None},
           "coverage": {"min_programs_per_village": 1}}
    for rule, settings in off.items():
        _, changes, *_ = CASES[rule]
        assert check_plan(tiny(**settings), plan(changes)) == [], rule


def test_only_names_constraints():
    assert check_plan(tiny(), plan({("V2", "P1"): 1}), only=("pagu",)) == []
    with pytest.raises(ValueError, match="synergy"):
        check_plan(tiny(), plan(), only=("synergy",))


# --- against the independent checker ------------------------------------------------------

#: the independent checker's words -> rule of the registry
CHECKER = {"village not in plan": "eligibility", "ineligible": "eligibility",
           "units out of bounds": "units", "pagu exceeded": "pagu",
           "district ceiling": "ceiling", "capacity": "capacity", "coverage": "coverage",
           "kecamatan share": "kecamatan_share", "village share": "village_share",
           "requires": "requires", "excludes": "excludes", "lock": "lock"}
SIX = ["51.08.01.2009", "51.08.01.2001", "51.08.02.2018", "51.08.02.2012", "51.08.03.2005",
       "51.08.03.2003"]


def checker_rules(scores, settings, units: pd.DataFrame) -> Counter:
    found = recompute(DATA, scores, settings, units)["violations"]
    rules = [next(r for words, r in CHECKER.items() if v.startswith(words)) for v in found]
    return Counter(rules)


@pytest.fixture(scope="module")
def solved(ds, scores):
    """Six villages of three kecamatans, with shares, a ceiling and a lock, solved."""
    settings = ModelSettings(
        villages=SIX, rules=Rules(kecamatan_min_share=0.2, village_max_share=0.3,
                                  district_ceiling=2000.0),
        locks=[Lock(village=SIX[0], program="PKM-RTLH", units=3)],
        solver=Solver(gap=0.01))
    inst = build_instance(ds, scores, settings)
    m = build_model(inst)
    assert solve_model(m, settings.solver).is_plan
    return inst, settings, model_units(m)


def perturbations(inst: Instance, units: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Plans that break rules, made from the solved plan."""
    pairs = inst.pairs.set_index(["village", "program"])
    running = set(zip(units["village"], units["program"], strict=True))
    out = {"solved": units}
    more = units.copy()
    more.loc[more.index[-1], "units"] += 500
    out["more units"] = more
    out["one village dropped"] = units[units["village"] != SIX[2]]
    out["lock dropped"] = units[~((units["village"] == SIX[0])
                                  & (units["program"] == "PKM-RTLH"))]
    extra = []
    for a, b in inst.requires:
        extra += [(v, a, int(pairs.at[(v, a), "lo"])) for v in SIX
                  if (v, a) in pairs.index and (v, b) not in running and (v, a) not in running]
    for a, b in inst.excludes:
        extra += [(v, p, int(pairs.at[(v, p), "lo"])) for v in SIX for p in (a, b)
                  if (v, a) in pairs.index and (v, b) in pairs.index and (v, p) not in running]
    assert extra, "the data set's requires/excludes rules apply to these villages"
    extra = pd.DataFrame(extra, columns=units.columns).drop_duplicates(["village", "program"])
    out["pair rules"] = pd.concat([units, extra], ignore_index=True)
    potential = inst.excluded[inst.excluded["reason"] == "potential"]
    out["ineligible"] = pd.concat([units, pd.DataFrame(
        [(potential["village"].iloc[0], potential["program"].iloc[0], 1)],
        columns=units.columns)], ignore_index=True)
    return out


def test_check_plan_agrees_with_the_independent_checker(solved, scores):
    inst, settings, units = solved
    seen = Counter()
    for name, changed in perturbations(inst, units).items():
        ours = Counter(b.rule for b in check_plan(inst, changed))
        theirs = checker_rules(scores, settings, changed)
        if name == "ineligible":
            # a row off the eligible pairs is only an eligibility breach to check_plan; the
            # checker also counts its money and units against the catalogue
            assert ours == Counter({"eligibility": 1}) and theirs["eligibility"] == 1
            continue
        assert ours == theirs, name
        assert bool(ours) == (name != "solved"), name
        seen.update(ours)
    assert {"units", "coverage", "lock", "requires", "excludes", "pagu",
            "kecamatan_share", "village_share", "ceiling"} <= set(seen), seen


# --- in the reviewer's re-run ---------------------------------------------------------------


def test_the_reviewer_names_a_kecamatan_below_its_share(good_run, tmp_path):
    from planning.apps.review import CHECKS, REGISTRY_CHECKED, check_results

    assert set(REGISTRY_CHECKED) <= set(CHECKS)
    scenario = ROOT / "scenarios" / "baseline.yaml"
    honest = check_results(good_run, scenario, data=DATA)
    assert not any(honest.values()), {k: v for k, v in honest.items() if v}
    folder = Path(shutil.copytree(good_run, tmp_path / "tampered"))
    path = folder / "allocation_plan.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    kecamatan = table["kecamatan_code"].iloc[0]
    name = table["kecamatan"].iloc[0]
    table[table["kecamatan_code"] != kecamatan].to_csv(path, index=False,
                                                        lineterminator="\n")
    found = check_results(folder, scenario, data=DATA)
    (finding,) = found["kecamatan_share"]
    english, bahasa = finding.render("en"), finding.render("id")
    assert english.startswith(f"minimum kecamatan share: kecamatan {kecamatan} ({name}) "
                              "receives Rp 0 million (0.0% of spending of Rp ")
    assert "short of its minimum share 5.0%" in english
    assert bahasa.startswith(f"bagian minimum kecamatan: kecamatan {kecamatan} ({name}) "
                             "menerima Rp 0 juta (0,0% dari belanja Rp ")
    assert "dari bagian minimum 5,0%" in bahasa
    # the kecamatan's villages lose their programmes and their package; the other
    # villages' shares of the smaller total may pass the balanced baseline's 8 % cap
    assert found["coverage"] and found["village_package"] and not found["eligibility"]
    assert {f.breach.subject for f in found["village_package"]} == set(
        table.loc[table["kecamatan_code"] == kecamatan, "village"])

"""Near-optimal alternatives (issue 15), checked by independent recomputation: on tiny
instances against every plan enumerated with numpy; on the shipped baseline against the
plans' own tables (distance, objective, core and differences recomputed with pandas);
and the scenario written for an alternative, run again."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from planning import i18n
from planning.analysis.alternatives import (
    ScenarioExistsError,
    as_locks,
    choices_table,
    default_distance,
    differences_table,
    near_optimal,
    overview,
    search,
    summary,
)
from planning.model import allocate, build_model, check_plan, evaluate, solve_model
from planning.model.extract import model_units
from planning.pipeline.preparing import prepare
from planning.report.alternatives import alternatives_frames, write_alternatives_sheet
from planning.report.workbook import _Book

from .conftest import ROOT
from .test_model_tiny import enumerate_plans, tiny_instance

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _set(units: pd.DataFrame) -> set[tuple[str, str]]:
    rows = units[units["units"] > 0]
    return set(zip(rows["village"], rows["program"], strict=True))


# --- tiny instances: every plan enumerated ------------------------------------------------
def _tiny(seed: int, loose: bool = True):
    """A tiny instance (3 villages x 4 programmes; ``loose``: without the share rules, so
    that many plans keep every rule), every combination of its units enumerated, and its
    best plan."""
    inst = tiny_instance(seed, 3, 4)
    if loose:
        rules = inst.settings.rules.model_copy(update={"village_max_share": None,
                                                       "kecamatan_min_share": None})
        inst = dataclasses.replace(inst, settings=inst.settings.model_copy(
            update={"rules": rules}))
    found = enumerate_plans(inst)
    if not found["ok"].any():
        pytest.skip("no plan")
    m = build_model(inst)
    report = solve_model(m, inst.settings.solver)
    return inst, found, model_units(m), float(report.objective)


def _check_against_enumeration(inst, found, best, z_best, alts, k, share, distance):
    pairs = list(zip(inst.pairs["village"], inst.pairs["program"], strict=True))
    open_ = found["units"] > 0
    ok, objective = found["ok"], found["objective"]

    def vector(chosen):
        return np.array([p in chosen for p in pairs])

    floor = (1 - share) * z_best
    sets = [_set(best)]
    for j in range(len(alts.alternatives) + 1):
        candidates = ok & (objective >= floor - 1e-7)
        for s in sets:
            candidates &= (open_ != vector(s)).sum(axis=1) >= distance
        if j == len(alts.alternatives):
            if alts.stopped == "no_plan_within_share":
                assert not candidates.any()
            else:
                assert alts.stopped == "found_k" and len(alts.alternatives) == k
            break
        alt = alts.alternatives[j]
        assert alt.rank == j + 1
        assert check_plan(inst, alt.units) == []
        assert evaluate(inst, alt.units).objective == pytest.approx(alt.objective, abs=1e-5)
        assert alt.objective >= floor - 1e-5
        chosen = _set(alt.units)
        assert [len(chosen ^ s) for s in sets] == list(alt.distances)
        assert min(alt.distances) >= distance
        # the best plan differing enough (gap 0 on the tiny instances)
        assert candidates.any()
        assert alt.objective == pytest.approx(float(objective[candidates].max()), abs=1e-5)
        sets.append(chosen)


@pytest.mark.parametrize(("seed", "loose"), [(0, True), (1, True), (2, True), (3, True),
                                             (5, True), (6, True), (4, False), (9, False)])
def test_tiny_alternatives_are_the_best_plans_that_differ_enough(seed, loose):
    inst, found, best, z_best = _tiny(seed, loose)
    assert evaluate(inst, best).objective == pytest.approx(float(found["objective"][
        found["ok"]].max()), abs=1e-6)
    for k, share, distance in ((2, 0.3, 2), (200, 0.15, 2), (200, 0.5, 3)):
        alts = search(build_model(inst), inst.settings.solver, best, z_best, k=k,
                      share=share, distance=distance)
        assert alts.distance == distance and alts.share == share
        _check_against_enumeration(inst, found, best, z_best, alts, k, share, distance)


def test_tiny_search_that_runs_out_says_so():
    inst, found, best, z_best = _tiny(1)
    alts = search(build_model(inst), inst.settings.solver, best, z_best, k=500, share=0.05,
                  distance=1)
    _check_against_enumeration(inst, found, best, z_best, alts, 500, 0.05, 1)
    assert 0 < len(alts.alternatives) < 500 and alts.stopped == "no_plan_within_share"
    for lang in i18n.LANGUAGES:
        text = overview(alts, lang)
        assert str(len(alts.alternatives)) in text and "500" in text
    assert "tidak ada rencana lain" in overview(alts, "id").lower()
    assert "no other plan" in overview(alts, "en").lower()


def test_default_distance():
    assert default_distance(0) == 3 and default_distance(30) == 3
    assert default_distance(31) == 4 and default_distance(145) == 15
    assert default_distance(150) == 15


# --- the shipped baseline ------------------------------------------------------------------
@pytest.fixture(scope="module")
def baseline():
    prepared = prepare(BASELINE, check_out=False)
    base = allocate(prepared.dataset, prepared.scores, prepared.settings)
    alts = near_optimal(prepared.dataset, prepared.scores, prepared.settings, base, k=2)
    return prepared, base, alts


def test_baseline_alternatives_recomputed(baseline):
    _prepared, base, alts = baseline
    instance = base.instance
    best = base.tables.plan[["village", "program", "units"]]
    z_best = base.report.objective
    best_set = _set(best)
    assert alts.distance == default_distance(len(best_set)) == 15
    assert len(alts.alternatives) == 2 and alts.stopped == "found_k"
    sets = [best_set]
    for alt in alts.alternatives:
        assert check_plan(instance, alt.units) == []
        value = evaluate(instance, alt.units).objective
        assert value == pytest.approx(alt.objective, rel=1e-6)
        assert value >= 0.98 * z_best - 1e-6
        assert value <= base.report.bound + 1e-6  # nothing beats the best plan's bound
        assert alt.share_below_best == pytest.approx(1 - value / z_best)
        chosen = _set(alt.units)
        assert all(len(chosen ^ s) >= alts.distance for s in sets)
        assert alt.distance_to_best == len(chosen ^ best_set)
        assert alt.gap is not None and alt.gap <= instance.settings.solver.gap + 1e-9
        # the differences per agency, from the two plans' cost tables
        old = base.tables.plan.set_index(["village", "program"])
        new = evaluate(instance, alt.units).plan.set_index(["village", "program"])
        cost = pd.concat([old["cost"].rename("old"), new["cost"].rename("new")],
                         axis=1).fillna(0.0)
        cost["agency"] = pd.concat([old["agency"], new["agency"]]).groupby(level=[0, 1]).first()
        diff = (cost["new"] - cost["old"]).abs().groupby(cost["agency"]).sum() / 2
        table = alt.agencies.set_index("agency")
        for agency, moved in diff.items():
            assert table.at[agency, "moved"] == pytest.approx(moved)
        gained = {a: len(set(new[new["agency"] == a].index.get_level_values(0))
                         - set(old[old["agency"] == a].index.get_level_values(0)))
                  for a in instance.pagu.index}
        assert table["villages_gained"].to_dict() == gained
        assert set(alt.added) == chosen - best_set and set(alt.removed) == best_set - chosen
        sets.append(chosen)
    core = set.intersection(*sets)
    assert _set(alts.core) == core
    plan = base.tables.plan
    in_core = [(v, p) in core for v, p in zip(plan["village"], plan["program"], strict=True)]
    assert alts.core_share == pytest.approx(plan.loc[in_core, "cost"].sum()
                                            / plan["cost"].sum())
    # the tables: one row per alternative and agency, per changed choice
    diff = differences_table(alts)
    assert len(diff) == 2 * len(instance.pagu)
    assert len(choices_table(alts)) == sum(a.distance_to_best for a in alts.alternatives)


def test_baseline_texts_and_frames(baseline):
    _prepared, _base, alts = baseline
    alt = alts.alternatives[0]
    text_id, text_en = summary(alt, "id", alts.labels), summary(alt, "en", alts.labels)
    assert text_id.startswith("Alternatif 1: ") and text_en.startswith("Alternative 1: ")
    assert f"berbeda {alt.distance_to_best} pilihan" in text_id
    assert f"{alt.distance_to_best} village–programme choices differ" in text_en
    changed = alt.agencies[alt.agencies["choices_added"] + alt.agencies["choices_removed"] > 0]
    row = changed.iloc[0]
    name = alts.labels["agency"][row["agency"]]
    said = [f"+{row['villages_gained']} desa" if row["villages_gained"] else "",
            f"-{row['villages_lost']} desa" if row["villages_lost"] else "",
            f"{row['choices_added']} pilihan ditambah" if row["choices_added"] else "",
            f"{row['choices_removed']} pilihan dilepas" if row["choices_removed"] else ""]
    assert f"{name}: {', '.join(w for w in said if w)}" in text_id
    assert "+0 " not in text_id and "-0 " not in text_en
    assert "juta berpindah" in text_id and "million moved" in text_en
    for lang in i18n.LANGUAGES:
        frames = alternatives_frames(alts, lang)
        assert set(frames) == {"summary", "agencies", "choices", "core"}
        assert frames["summary"].columns[0] == i18n.text("alternatives.column.rank", lang)
        assert len(frames["summary"]) == 2 and len(frames["core"]) == len(alts.core)
    book = _Book("id", datetime(2026, 12, 2), "note")
    write_alternatives_sheet(book, alts)
    wb = openpyxl.load_workbook(io.BytesIO(book.close()))
    ws = wb["Alternatif"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert overview(alts, "id") in cells and text_id in cells
    assert i18n.text("alternatives.column.moved", "id") in cells
    assert i18n.text("alternatives.title.core", "id") in cells


def test_an_alternative_taken_as_the_plan(baseline, tmp_path):
    prepared, base, alts = baseline
    alt = alts.alternatives[0]
    locks = as_locks(alt, base.instance)
    assert {(lk.village, lk.program) for lk in locks if lk.state == "in"} == _set(alt.units)
    out = {(lk.village, lk.program) for lk in locks if lk.state == "out"}
    assert out == set(base.model.y) - _set(alt.units) and set(alt.removed) <= out
    few = as_locks(alt, base.instance, complete=False)
    assert {(lk.village, lk.program) for lk in few if lk.state == "out"} == set(alt.removed)
    target = tmp_path / "alternatif-1.yaml"
    out = write_scenario_and_check(alt, target)
    again = prepare(out, check_out=False)
    assert len(again.settings.locks) == len(locks)
    rerun = allocate(again.dataset, again.scores, again.settings)
    assert rerun.is_plan
    assert _set(rerun.tables.plan) == _set(alt.units)
    gap = prepared.settings.solver.gap
    assert rerun.report.objective >= (1 - gap) * alt.objective - 1e-6
    assert rerun.report.objective <= alt.bound + 1e-6
    # an existing file is refused and left as it was
    before = target.read_bytes()
    with pytest.raises(ScenarioExistsError):
        write_scenario_and_check(alt, target)
    assert target.read_bytes() == before


def write_scenario_and_check(alt, target):
    from planning.analysis.alternatives import write_scenario

    out = write_scenario(alt, BASELINE, target, "alternatif-1")
    tree = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert tree["name"] == "alternatif-1" and tree["base"].endswith("baseline.yaml")
    return out


def test_a_scenario_written_beside_its_base_names_it_only(baseline, tmp_path):
    from planning.analysis.alternatives import write_scenario
    from planning.config.scenario import load_scenario

    _prepared, base, alts = baseline
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "baseline.yaml").write_bytes(BASELINE.read_bytes())
    alt = alts.alternatives[1]
    out = write_scenario(alt, folder / "baseline.yaml", folder / "alternatif-2.yaml",
                         "alternatif-2", complete=False)
    tree = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert tree["base"] == "baseline.yaml" and "data" not in tree
    loaded = load_scenario(out)
    assert loaded.scenario.name == "alternatif-2"
    assert {(lk.village, lk.program, lk.state) for lk in loaded.scenario.locks} == \
        {(lk.village, lk.program, lk.state) for lk in as_locks(alt, base.instance,
                                                                complete=False)}


def test_texts_count_in_the_right_form_and_leave_out_what_did_not_change(baseline):
    """One village, one choice: singular in English; nothing gained: not said (no "+0")."""
    _prepared, _base, alts = baseline
    alt = alts.alternatives[0]
    agency = alt.agencies.iloc[[0]].assign(villages_gained=0, villages_lost=1,
                                           choices_added=1, choices_removed=2, moved=12.0)
    one = dataclasses.replace(alt, agencies=agency, distance_to_best=1)
    name = alts.labels["agency"][agency["agency"].iloc[0]]
    text_en, text_id = summary(one, "en", alts.labels), summary(one, "id", alts.labels)
    assert f"{name}: -1 village, 1 choice added, 2 choices dropped, Rp 12 million moved" \
        in text_en
    assert "1 village–programme choice differs from the best plan" in text_en
    assert f"{name}: -1 desa, 1 pilihan ditambah, 2 pilihan dilepas, Rp 12 juta berpindah" \
        in text_id
    assert "berbeda 1 pilihan desa–program" in text_id
    assert "+0" not in text_en + text_id


def test_a_scenario_lock_with_units_stays_when_an_alternative_is_adopted(tmp_path):
    """kunci-politik locks 10 RTLH houses in Telaga. An alternative found under that lock
    chooses the pair too; adopting it used to replace the lock by a plain ``in`` lock, and
    the re-run built 5 houses: the commitment was lost. The scenario's own lock stands."""
    from planning.analysis.alternatives import choice_locks, write_locked_scenario

    scenario = ROOT / "scenarios" / "kunci-politik.yaml"
    pair = ("51.08.03.2005", "PKM-RTLH")
    other = ("51.08.03.2005", "DINKES-PMT")
    locks = choice_locks({pair, other}, [pair, other, ("51.08.01.2001", "PKM-RTLH")])
    out = write_locked_scenario(locks, scenario, tmp_path / "adopted.yaml", "adopted", 1)
    written = yaml.safe_load(out.read_text(encoding="utf-8"))["locks"]
    by_pair = {(lk["village"], lk["program"]): lk for lk in written}
    assert by_pair[pair].get("units") == 10 and by_pair[pair].get("state", "in") == "in"
    assert by_pair[other].get("units") is None
    assert by_pair[("51.08.01.2001", "PKM-RTLH")]["state"] == "out"
    assert sum(1 for lk in written if (lk["village"], lk["program"]) == pair) == 1

"""The price of balance in every output of a run (issue 13): a scenario with a balance
setting (``village_max_share``) against its pure efficiency counterpart (the baseline: the
same scenario with the setting off). The change per dimension is recomputed here from the
two runs' exported tables and by evaluating each exported plan on the instance; a plain
scenario says there is no price; an efficiency plan that fails does not fail the run."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.model import ModelError
from planning.model.evaluate import evaluate
from planning.model.instance import build_instance
from planning.pipeline import execute, prepare

from .conftest import DATA, ROOT

#: the balance setting of the balanced scenario (binds: the baseline's largest village
#: takes about 17.7 % of all spending)
SHARE = 0.15
UNIT_WORDS = {"id": {"households": "rumah tangga", "children": "anak", "persons": "orang"},
              "en": {"households": "households", "children": "children",
                     "persons": "persons"}}
SHEET = {"id": ("Harga pemerataan", "rencana_alokasi.xlsx"),
         "en": ("Price of balance", "allocation_plan.xlsx")}
MIXED = {"id": "deprivasi (satuan campuran)", "en": "deprivations (mixed units)"}
NO_PRICE = {"id": "Rencana ini adalah rencana efisiensi murni",
            "en": "This plan is the pure efficiency plan"}
NOT_COMPUTED = {"id": "Harga pemerataan tidak dapat dihitung",
                "en": "The price of balance could not be computed"}


def _scenario(folder: Path, **rules) -> Path:
    """The baseline scenario with every balance setting off (the pure efficiency plan,
    as efisiensi-murni.yaml) and then ``rules`` changed, written into ``folder``."""
    scenario = yaml.safe_load((ROOT / "scenarios" / "baseline.yaml").read_text())
    scenario["data"] = str(DATA)
    scenario["rules"].update({"village_max_share": None, "village_min_package": None,
                              "agency_min_absorption": None, "dimension_min_share": None})
    scenario["objective"]["diminishing_returns"] = 0
    scenario["rules"].update(rules)
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return path


def _summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def _csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype={"village": str, "kecamatan_code": str})


def _labels(lang: str) -> dict[str, str]:
    groups = pd.read_csv(DATA / "groups.csv")
    return dict(zip(groups["group"], groups[f"label_{lang}"], strict=True))


def _cli(folder: Path, scenario: Path | None, lang: str) -> str:
    args = ["run", *([str(scenario)] if scenario else []), "--out", str(folder),
            "--lang", lang]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    return done.output


@pytest.fixture(scope="module")
def balanced(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """The balanced scenario through the command line in both languages."""
    base = tmp_path_factory.mktemp("price")
    scenario = _scenario(base, village_max_share=SHARE)
    return {lang: (base / f"results_{lang}", _cli(base / f"results_{lang}", scenario, lang))
            for lang in ("id", "en")}


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """The pure efficiency baseline (no balance setting) through the command line in
    both languages."""
    base = tmp_path_factory.mktemp("plain")
    scenario = _scenario(base)
    return {lang: (base / lang, _cli(base / lang, scenario, lang)) for lang in ("id", "en")}


def _removed_by_evaluation(folder: Path, instance) -> pd.Series:
    """Deprivations removed per dimension by the exported plan of ``folder``, evaluated
    on the instance (units in allocation_plan.csv)."""
    plan = _csv(folder, "allocation_plan.csv")[["village", "program", "units"]]
    return evaluate(instance, plan).removed.groupby("dimension")["removed"].sum()


# --- summary.json ---------------------------------------------------------------------


def test_change_per_dimension_equals_both_plans_recomputed(balanced, plain):
    good_run = plain["id"][0]  # the efficiency counterpart, run on its own
    """change = removed by the balanced plan - removed by the efficiency plan, per
    dimension: from the two runs' allocation_dimensions.csv, and by evaluating the two
    exported plans; the sum is of mixed units."""
    folder, _ = balanced["id"]
    price = _summary(folder)["price_of_balance"]
    assert price["state"] == "computed"
    mine = _csv(folder, "allocation_dimensions.csv").set_index("dimension")["removed"]
    other = _csv(good_run, "allocation_dimensions.csv").set_index("dimension")["removed"]
    prepared = prepare(_scenario(folder.parent, village_max_share=SHARE))
    instance = build_instance(prepared.dataset, prepared.scores.table, prepared.settings)
    evaluated = (_removed_by_evaluation(folder, instance)
                 - _removed_by_evaluation(good_run, instance))
    assert [r["dimension"] for r in price["dimensions"]] == list(mine.index)
    for row in price["dimensions"]:
        d = row["dimension"]
        # the CSV files keep six significant digits
        assert row["removed_balanced"] == pytest.approx(mine[d], rel=1e-5, abs=1e-9)
        assert row["removed_efficient"] == pytest.approx(other[d], rel=1e-5, abs=1e-9)
        assert row["change"] == pytest.approx(mine[d] - other[d],
                                              abs=1e-5 * (mine[d] + other[d]) + 1e-9)
        assert row["change"] == pytest.approx(evaluated[d], abs=1e-6)
    assert price["change_deprivations_mixed_units"] == pytest.approx(
        float(evaluated.sum()), abs=1e-6)
    assert any(abs(r["change"]) > 0.5 for r in price["dimensions"])  # the cap bites


def test_price_block_has_both_plans_with_their_gaps(balanced, plain):
    good_run = plain["id"][0]  # the efficiency counterpart, run on its own
    folder, _ = balanced["id"]
    summary, efficient = _summary(folder), _summary(good_run)
    price = summary["price_of_balance"]
    assert price["balance_settings"] == {"village_max_share": SHARE}
    assert price["efficient_status"] == efficient["allocation"]["status"]
    for key, run in (("balanced_plan", summary), ("efficient_plan", efficient)):
        plan, alloc = price[key], run["allocation"]
        assert plan["gap"] is not None and plan["gap"] == pytest.approx(alloc["gap"])
        assert plan["status"] == alloc["status"]
        assert plan["objective"] == pytest.approx(alloc["objective"])
        assert plan["spending"] == pytest.approx(alloc["spending_total"])
        assert plan["largest_share"] == pytest.approx(run["equity"]["largest_village"]["share"])
        assert plan["token_villages"] == len(run["equity"]["token_villages"])
        assert plan["unused_programs"] == len(run["equity"]["unused_programs"])
    # the cap holds in the balanced plan and is broken by the efficiency plan
    assert price["balanced_plan"]["largest_share"] <= SHARE + 1e-9
    assert price["efficient_plan"]["largest_share"] > SHARE
    agencies = _csv(good_run, "allocation_agencies.csv")
    low = agencies.sort_values(["share_used", "agency"]).iloc[0]
    assert price["efficient_plan"]["lowest_agency"] == low["agency"]
    assert price["efficient_plan"]["lowest_absorption"] == pytest.approx(low["share_used"],
                                                                         rel=1e-5)


def test_the_price_block_is_language_neutral(balanced):
    assert _summary(balanced["id"][0])["price_of_balance"] == _summary(
        balanced["en"][0])["price_of_balance"]


def test_an_unbalanced_scenario_has_no_price(plain):
    good_run = plain["id"][0]
    price = _summary(good_run)["price_of_balance"]
    assert price["state"] == "not_balanced"
    assert price["note"].startswith(NO_PRICE["en"])
    assert price["dimensions"] is None and price["efficient_plan"] is None
    assert price["balance_settings"] == {}


# --- the console ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_console_shows_the_change_of_each_dimension_in_its_unit(balanced, lang):
    folder, output = balanced[lang]
    price = _summary(folder)["price_of_balance"]
    labels, words = _labels(lang), UNIT_WORDS[lang]
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith({"id": "Harga pemerataan (", "en": "Price of balance ("}[
                     lang]))
    block = lines[start:]
    expected = []
    for row in price["dimensions"]:
        n = round(row["change"])
        sign = "+" if n > 0 else "-" if n < 0 else ""
        expected.append(f"{labels[row['dimension']]}: {sign}{abs(n)} {words[row['unit']]}")
    assert "  " + "; ".join(expected) in block
    assert any(f"{labels['housing']}: +" in e or f"{labels['housing']}: -" in e or
               f"{labels['housing']}: 0 " in e for e in expected)
    mixed = {"id": "deprivasi (satuan campuran, bukan rumah tangga)",
             "en": "deprivations (mixed units, not households)"}[lang]
    assert any(mixed in line for line in block)
    gap = {"id": "selisih tersertifikasi", "en": "certified gap"}[lang]
    assert sum(gap in line for line in block) == 2
    share = {"id": "bagian maksimum satu desa 0,15", "en": "maximum share of one village 0.15"}
    assert any(share[lang] in line for line in block)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_console_of_an_unbalanced_run_says_there_is_no_price(plain, lang):
    folder, output = plain[lang]
    assert any(line.startswith("  " + NO_PRICE[lang]) for line in output.splitlines())
    assert _summary(folder)["price_of_balance"]["state"] == "not_balanced"


# --- the workbook -------------------------------------------------------------------------


def _sheet_rows(folder: Path, lang: str) -> list[tuple]:
    name, workbook = SHEET[lang]
    book = openpyxl.load_workbook(folder / workbook, read_only=True)
    assert name in book.sheetnames
    return list(book[name].iter_rows(values_only=True))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_workbook_sheet_holds_the_numbers(balanced, lang):
    folder, _ = balanced[lang]
    price = _summary(folder)["price_of_balance"]
    rows = _sheet_rows(folder, lang)
    labels, words = _labels(lang), UNIT_WORDS[lang]
    by_label = {r[0]: r for r in rows if r and r[0] is not None}
    for row in price["dimensions"]:
        cells = by_label[labels[row["dimension"]]]
        assert cells[1] == words[row["unit"]]
        assert cells[2:6] == pytest.approx((row["deprived"], row["removed_efficient"],
                                            row["removed_balanced"], row["change"]))
    assert by_label[MIXED[lang]][1] == pytest.approx(
        price["change_deprivations_mixed_units"])
    gap = by_label[{"id": "selisih tersertifikasi", "en": "certified gap"}[lang]]
    assert gap[1] == pytest.approx(price["efficient_plan"]["gap"])
    assert gap[2] == pytest.approx(price["balanced_plan"]["gap"])
    setting = by_label[{"id": "bagian maksimum satu desa",
                        "en": "maximum share of one village"}[lang]]
    assert setting[1] == pytest.approx(SHARE)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_workbook_sheet_of_an_unbalanced_run_says_there_is_no_price(plain, lang):
    folder, _ = plain[lang]
    rows = _sheet_rows(folder, lang)
    assert any(r and isinstance(r[0], str) and r[0].startswith(NO_PRICE[lang]) for r in rows)
    assert not any(r and r[0] == MIXED[lang] for r in rows)


# --- the efficiency plan fails ----------------------------------------------------------


def _second_call(monkeypatch, second) -> list:
    """``allocate`` of the pipeline, with its second call (the efficiency plan) replaced
    by ``second(allocation_of_the_first_call)``; returns the settings of each call."""
    import planning.pipeline.running as running

    real, calls, first = running.allocate, [], []

    def allocate(ds, scores, settings):
        calls.append(settings)
        if not first:
            first.append(real(ds, scores, settings))
            return first[0]
        return second(first[0])

    monkeypatch.setattr(running, "allocate", allocate)
    return calls


def _infeasible(allocation):
    report = dataclasses.replace(allocation.report, status="infeasible", objective=None,
                                 gap=None)
    return dataclasses.replace(allocation, report=report, tables=None)


def _refused(allocation):
    raise ModelError("model.not_a_plan", status="error", detail="-")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_infeasible_efficiency_plan_does_not_fail_the_run(tmp_path, monkeypatch, lang):
    calls = _second_call(monkeypatch, _infeasible)
    folder = tmp_path / "results"
    output = _cli(folder, _scenario(tmp_path, village_max_share=SHARE), lang)
    assert len(calls) == 2 and calls[1].rules.village_max_share is None
    price = _summary(folder)["price_of_balance"]
    assert price["state"] == "no_efficiency_plan"
    assert price["efficient_status"] == "infeasible"
    assert price["note"].startswith(NOT_COMPUTED["en"]) and "infeasible" in price["note"]
    assert price["dimensions"] is None and price["efficient_plan"] is None
    assert price["balanced_plan"]["gap"] is not None
    said = [line for line in output.splitlines() if NOT_COMPUTED[lang] in line]
    assert len(said) == 1 and "infeasible" in said[0]
    rows = _sheet_rows(folder, lang)
    assert any(r and isinstance(r[0], str) and r[0].startswith(NOT_COMPUTED[lang])
               and "infeasible" in r[0] for r in rows)


def test_a_refused_efficiency_plan_does_not_fail_the_run(tmp_path, monkeypatch):
    _second_call(monkeypatch, _refused)
    result = execute(prepare(_scenario(tmp_path, village_max_share=SHARE),
                             out_dir=tmp_path / "results"))
    assert result.efficiency is None
    assert result.price.state == "no_efficiency_plan"
    assert result.price.efficient_status == "error"
    assert result.summary["price_of_balance"]["efficient_status"] == "error"
    book = openpyxl.load_workbook(io.BytesIO(result.workbook_bytes()), read_only=True)
    rows = list(book["Harga pemerataan"].iter_rows(values_only=True))
    assert rows[4][0].startswith(NOT_COMPUTED["id"]) and "(status error)" in rows[4][0]

"""The ``horizon:`` section of a scenario (issue 17): a valid section resolves to every
agency's pagu per year (recomputed here by hand), and every malformed one is refused with
a message naming the file and the key, in both languages."""

from __future__ import annotations

import shutil

import pytest

from planning.config.model import Target
from planning.config.reading import SettingsError
from planning.config.scenario import check_codes, load_scenario

from .conftest import ROOT

SCENARIOS = ROOT / "scenarios"

VALID = """\
horizon:
  start: 2026
  end: 2030
  growth_pct: 5
  agencies:
    PUTR: {growth_pct: 3}
    DPMD: {pagu: {2026: 100, 2027: 110, 2028: 120.5, 2029: 130, 2030: 0}}
  discount: 0.1
  inflow_pct: {income: 1.0}
  rescore: false
  targets:
    - {dimension: income, removed: 600, by: 2030, enforce: true}
    - {poverty_rate: 4.5, by: 2029}
"""


def codes(ds):
    return {"villages": ds.villages["code"].tolist(), "agencies": ds.agencies["code"].tolist(),
            "programs": ds.programs["code"].tolist(),
            "dimensions": ds.dimensions["group"].tolist()}


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "s"
    shutil.copytree(SCENARIOS, out)
    return out


def test_a_valid_horizon_resolves_every_agency_and_year(folder, ds):
    (folder / "x.yaml").write_text(
        "budgets:\n  change_pct: 10\n  agencies:\n    DINSOS: {pagu: 777}\n" + VALID)
    loaded = load_scenario(folder / "x.yaml")
    check_codes(loaded, **codes(ds))
    csv = ds.agencies.set_index("code")["pagu"].to_dict()
    settings = loaded.scenario.model_settings(csv)
    horizon = settings.horizon
    assert horizon.years == [2026, 2027, 2028, 2029, 2030]
    assert set(horizon.pagu) == set(csv)
    for code, base in csv.items():
        first = 777.0 if code == "DINSOS" else round(base * 1.10, 6)
        if code == "DPMD":
            assert horizon.pagu[code] == {2026: 100, 2027: 110, 2028: 120.5, 2029: 130,
                                          2030: 0}
            continue
        growth = 0.03 if code == "PUTR" else 0.05
        for k, year in enumerate(horizon.years):
            assert horizon.pagu[code][year] == round(first * (1 + growth) ** k, 6)
        assert horizon.pagu[code][2026] == settings.pagu[code]
    # the first year is the budgets section's pagu, unchanged
    assert settings.pagu["DINSOS"] == 777 and horizon.pagu["DINSOS"][2026] == 777
    assert horizon.pagu["PUTR"][2027] == round(csv["PUTR"] * 1.1 * 1.03, 6)
    assert horizon.discount == 0.1 and horizon.inflow_pct == {"income": 1.0}
    assert horizon.rescore is False
    assert horizon.targets == [
        Target(by=2030, dimension="income", removed=600, enforce=True),
        Target(by=2029, poverty_rate=4.5)]


def test_no_horizon_section_means_one_year(ds):
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = load_scenario(path).scenario
        pagu = ds.agencies.set_index("code")["pagu"].to_dict()
        if sc.horizon is None:
            assert sc.model_settings(pagu).horizon is None


def test_a_horizon_in_the_base_is_inherited_and_can_be_changed(folder, ds):
    (folder / "x.yaml").write_text(VALID)
    (folder / "y.yaml").write_text("base: x\nhorizon:\n  growth_pct: 0\n  end: 2027\n"
                                   "  agencies: {DPMD: {pagu: null, growth_pct: 1}}\n"
                                   "  targets: []\n")
    csv = ds.agencies.set_index("code")["pagu"].to_dict()
    horizon = load_scenario(folder / "y.yaml").scenario.model_settings(csv).horizon
    assert horizon.years == [2026, 2027]
    assert horizon.pagu["PERKIMTA"] == {2026: csv["PERKIMTA"], 2027: csv["PERKIMTA"]}
    assert horizon.pagu["DPMD"][2027] == round(csv["DPMD"] * 1.01, 6)
    assert horizon.targets == []


HEAD = "horizon:\n  start: 2026\n  end: 2030\n"
MALFORMED = [
    ("horizon:\n  start: 2030\n  end: 2026\n", ["horizon.end", "2026", "2030"]),
    ("horizon:\n  start: 2026\n  end: 2036\n", ["horizon.end", "11", "10"]),
    ("horizon:\n  end: 2030\n", ["horizon.start"]),
    ("horizon:\n  start: 26\n  end: 30\n", ["horizon.start", "26", "2000"]),
    ("horizon:\n  start: 2026.5\n  end: 2030\n", ["horizon.start", "2026.5"]),
    (HEAD + "  growth: 5\n", ["horizon", "growth", "growth_pct"]),
    (HEAD + "  growth_pct: -150\n", ["horizon.growth_pct", "-150", "-100"]),
    (HEAD + "  discount: 1.5\n", ["horizon.discount", "1.5"]),
    (HEAD + "  discount: -0.1\n", ["horizon.discount", "-0.1"]),
    (HEAD + "  rescore: maybe\n", ["horizon.rescore", "maybe"]),
    (HEAD + "  inflow_pct: {income: 150}\n", ["horizon.inflow_pct.income", "150"]),
    (HEAD + "  agencies:\n    PUTR: {growth_pct: 3, pagu: {2026: 1}}\n",
     ["horizon.agencies.PUTR", "growth_pct", "pagu"]),
    (HEAD + "  agencies:\n    PUTR: {}\n", ["horizon.agencies.PUTR", "growth_pct"]),
    (HEAD + "  agencies:\n    PUTR: {pagu: {2026: 1, 2027: 1, 2028: 1}}\n",
     ["horizon.agencies.PUTR.pagu", "2029, 2030", "2026-2030"]),
    (HEAD + "  agencies:\n    PUTR: {pagu: {2025: 1, 2026: 1, 2027: 1, 2028: 1, 2029: 1, "
     "2030: 1}}\n", ["horizon.agencies.PUTR.pagu", "2025"]),
    (HEAD + "  agencies:\n    PUTR: {pagu: {2026: 1, 2027: -5, 2028: 1, 2029: 1, 2030: 1}}\n",
     ["horizon.agencies.PUTR.pagu.2027", "-5"]),
    (HEAD + "  agencies:\n    PUTR: {pagu: {2026: 1, next: 2}}\n",
     ["horizon.agencies.PUTR.pagu.next", "next"]),
    (HEAD + "  agencies:\n    PUTR: {pagu: [1, 2, 3, 4, 5]}\n",
     ["horizon.agencies.PUTR.pagu"]),
    (HEAD + "  targets:\n    - {poverty_rate: 4.5, by: 2031}\n",
     ["horizon.targets.0.by", "2031", "2026-2030"]),
    (HEAD + "  targets:\n    - {dimension: income, removed: 5, by: 2030}\n"
     "    - {dimension: income, removed: 5, by: 2025}\n", ["horizon.targets.1.by", "2025"]),
    (HEAD + "  targets:\n    - {dimension: income, by: 2030}\n",
     ["horizon.targets.0.removed"]),
    (HEAD + "  targets:\n    - {removed: 10, by: 2030}\n", ["horizon.targets.0.dimension"]),
    (HEAD + "  targets:\n    - {by: 2030}\n", ["horizon.targets.0", "poverty_rate"]),
    (HEAD + "  targets:\n    - {dimension: income, removed: 5, poverty_rate: 4, by: 2030}\n",
     ["horizon.targets.0", "poverty_rate"]),
    (HEAD + "  targets:\n    - {poverty_rate: 4.5, by: 2030, enforce: true}\n",
     ["horizon.targets.0.enforce"]),
    (HEAD + "  targets:\n    - {poverty_rate: 120, by: 2030}\n",
     ["horizon.targets.0.poverty_rate", "120"]),
    (HEAD + "  targets:\n    - {dimension: income, removed: -3, by: 2030}\n",
     ["horizon.targets.0.removed", "-3"]),
    (HEAD + "  targets:\n    - {dimension: income, removed: 5, by: 2030, year: 2029}\n",
     ["horizon.targets.0", "year"]),
    (HEAD + "  targets: {dimension: income}\n", ["horizon.targets"]),
    ("horizon: 2026\n", ["horizon", "2026"]),
    # the first year's pagu given twice, differently: budgets and the horizon's table
    ("budgets:\n  agencies:\n    PUTR: {pagu: 2000}\n" + HEAD
     + "  agencies:\n    PUTR: {pagu: {2026: 3000, 2027: 1, 2028: 1, 2029: 1, 2030: 1}}\n",
     ["horizon.agencies.PUTR.pagu.2026", "3000", "2000", "budgets.agencies.PUTR"]),
    ("budgets:\n  agencies:\n    PUTR: {change_pct: 10}\n" + HEAD
     + "  agencies:\n    PUTR: {pagu: {2026: 3000, 2027: 1, 2028: 1, 2029: 1, 2030: 1}}\n",
     ["horizon.agencies.PUTR.pagu.2026", "change_pct 10"]),
]


@pytest.mark.parametrize(("content", "words"), MALFORMED)
def test_malformed_horizons_name_the_file_and_key(folder, content, words):
    (folder / "x.yaml").write_text(content)
    with pytest.raises(SettingsError) as caught:
        load_scenario(folder / "x.yaml")
    for lang, key_word in (("id", "kunci"), ("en", "key")):
        message = caught.value.render(lang)
        assert "x.yaml" in message and key_word in message, message
        assert "Traceback" not in message
        for word in words:
            assert word in message, (lang, word, message)
    # the two languages are two texts, not one
    assert caught.value.render("id") != caught.value.render("en")


def test_an_error_in_a_base_horizon_names_the_base(folder):
    (folder / "x.yaml").write_text("horizon:\n  start: 2026\n  end: 2030\n  discount: 3\n")
    (folder / "y.yaml").write_text("base: x\nhorizon:\n  growth_pct: 2\n")
    with pytest.raises(SettingsError) as caught:
        load_scenario(folder / "y.yaml")
    assert "x.yaml" in caught.value.render("en")
    assert "horizon.discount" in caught.value.render("en")


CODES = [
    (HEAD + "  agencies:\n    PERKIMT: {growth_pct: 2}\n",
     ["horizon.agencies.PERKIMT", "PERKIMTA", "agencies.csv"]),
    (HEAD + "  inflow_pct: {incom: 1}\n", ["horizon.inflow_pct.incom", "income", "groups.csv"]),
    (HEAD + "  targets:\n    - {dimension: housin, removed: 10, by: 2030}\n",
     ["horizon.targets.0.dimension", "housin", "housing", "groups.csv"]),
]


@pytest.mark.parametrize(("content", "words"), CODES)
def test_codes_in_the_horizon_the_data_set_does_not_know(folder, ds, content, words):
    (folder / "x.yaml").write_text(content)
    loaded = load_scenario(folder / "x.yaml")
    with pytest.raises(SettingsError) as caught:
        check_codes(loaded, **codes(ds))
    for lang in ("id", "en"):
        message = caught.value.render(lang)
        assert "x.yaml" in message
        for word in words:
            assert word in message, (lang, word, message)


def test_the_shipped_rpjmd_scenario(ds):
    loaded = load_scenario(SCENARIOS / "rpjmd-2026-2030.yaml")
    check_codes(loaded, **codes(ds))
    base = load_scenario(SCENARIOS / "baseline.yaml").scenario
    sc = loaded.scenario
    assert sc.scoring == base.scoring and sc.rules == base.rules and sc.budgets == base.budgets
    csv = ds.agencies.set_index("code")["pagu"].to_dict()
    settings = sc.model_settings(csv)
    horizon = settings.horizon
    assert horizon.years == [2026, 2027, 2028, 2029, 2030]
    assert settings.pagu == base.model_settings(csv).pagu  # the first year is the baseline's
    for code, pagu in csv.items():
        assert [horizon.pagu[code][y] for y in horizon.years] == [
            round(pagu * 1.05 ** k, 6) for k in range(5)]
    assert horizon.discount == 0.1 and horizon.rescore
    kinds = {t.dimension or "poverty_rate" for t in horizon.targets}
    assert kinds == {*ds.dimensions["group"], "poverty_rate"}
    assert all(t.by == 2030 and not t.enforce for t in horizon.targets)
    # every number is said to be an assumption in the file
    text = (SCENARIOS / "rpjmd-2026-2030.yaml").read_text()
    assert text.count("assumption") >= 4


def test_the_first_years_pagu_given_twice_alike_is_accepted(folder):
    (folder / "x.yaml").write_text(
        "budgets:\n  agencies:\n    PUTR: {pagu: 3000}\n" + HEAD
        + "  agencies:\n    PUTR: {pagu: {2026: 3000, 2027: 1, 2028: 1, 2029: 1, 2030: 1}}\n")
    horizon = load_scenario(folder / "x.yaml").scenario.horizon
    assert horizon.agencies["PUTR"].pagu[2026] == 3000

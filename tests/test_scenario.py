"""Scenario files: the shipped ones load and differ as they say; malformed ones are
rejected with a message naming the file, the key and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.config.reading import SettingsError, merged_tree
from planning.config.scenario import check_codes, load_scenario

from .conftest import ROOT

SCENARIOS = ROOT / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def codes(ds):
    return {"villages": ds.villages["code"].tolist(), "agencies": ds.agencies["code"].tolist(),
            "programs": ds.programs["code"].tolist(),
            "dimensions": ds.dimensions["group"].tolist()}


def test_every_shipped_scenario_is_valid(ds):
    names = set()
    for path in SHIPPED:
        loaded = load_scenario(path)
        check_codes(loaded, **codes(ds))
        names.add(loaded.scenario.name)
        assert loaded.scenario.name == path.stem
    assert {"baseline", "anggaran-naik-20", "semua-desa", "pertanian-dulu", "perumahan-dulu",
            "kunci-politik"} <= names


def test_a_named_scenario_holds_only_what_differs(ds):
    pagu = ds.agencies.set_index("code")["pagu"].to_dict()
    base = load_scenario(SCENARIOS / "baseline.yaml").scenario
    more = load_scenario(SCENARIOS / "anggaran-naik-20.yaml")
    assert more.files == (SCENARIOS / "baseline.yaml", SCENARIOS / "anggaran-naik-20.yaml")
    raw = (SCENARIOS / "anggaran-naik-20.yaml").read_text()
    assert "rules:" not in raw and "scoring:" not in raw
    settings = more.scenario.model_settings(pagu)
    assert settings.pagu == pytest.approx({a: 1.2 * p for a, p in pagu.items()})
    assert more.scenario.rules == base.rules and more.scenario.scoring == base.scoring
    assert base.model_settings(pagu).pagu == pytest.approx(pagu)
    allv = load_scenario(SCENARIOS / "semua-desa.yaml").scenario
    assert allv.villages == "all"
    locks = load_scenario(SCENARIOS / "kunci-politik.yaml").scenario.locks
    assert {lk.program for lk in locks} >= {"PUTR-PAMSIMAS", "DISPAR-DESA-WISATA"}
    housing = load_scenario(SCENARIOS / "perumahan-dulu.yaml").scenario
    assert housing.model_settings(pagu).rules.dimension_weights == {"housing": 3}


def test_agency_budgets_absolute_and_relative(tmp_path, ds):
    folder = tmp_path / "s"
    shutil.copytree(SCENARIOS, folder)
    (folder / "x.yaml").write_text(
        "budgets:\n  change_pct: -10\n  agencies:\n    PUTR: {pagu: 3000}\n"
        "    DPMD: {change_pct: 50}\n  district_ceiling: 8000\n")
    sc = load_scenario(folder / "x.yaml").scenario
    pagu = ds.agencies.set_index("code")["pagu"].to_dict()
    settings = sc.model_settings(pagu)
    assert settings.pagu["PUTR"] == 3000
    assert settings.pagu["DPMD"] == pytest.approx(pagu["DPMD"] * 1.5)
    assert settings.pagu["PERKIMTA"] == pytest.approx(pagu["PERKIMTA"] * 0.9)
    assert settings.rules.district_ceiling == 8000
    assert sc.name == "x"  # the file name when the scenario does not give one


MALFORMED = [
    ("budget:\n  change_pct: 5\n", ["x.yaml", "budget", "budgets"]),
    ("rules:\n  min_program_per_village: 2\n", ["x.yaml", "rules", "min_programs_per_village"]),
    ("rules:\n  min_programs_per_village: two\n", ["x.yaml", "rules.min_programs_per_village",
                                                   "two"]),
    ("budgets:\n  agencies:\n    PUTR: {pagu: -5}\n", ["x.yaml", "budgets.agencies.PUTR.pagu",
                                                      "-5"]),
    ("budgets:\n  agencies:\n    PUTR: {pagu: 5, change_pct: 3}\n",
     ["x.yaml", "budgets.agencies.PUTR", "change_pct"]),
    ("solver:\n  name: gurobi\n", ["x.yaml", "solver.name", "highs"]),
    ("rules:\n  kecamatan_min_share: 1.5\n", ["x.yaml", "rules.kecamatan_min_share", "1.5"]),
    ("locks:\n  - {village: 51.08.01.2001, program: PKM-RTLH, state: out, units: 5}\n",
     ["x.yaml", "locks.0", "out"]),
    ("output:\n  lang: fr\n", ["x.yaml", "output.lang", "en"]),
    ("base: basline\n", ["x.yaml", "base", "baseline"]),
    ("rules:\n  min_programs_per_village: 1\n   bad indent: [\n", ["x.yaml", " 3"]),
    ("rules:\n  saturation: true\nrules:\n  capacity: false\n", ["x.yaml", "rules", " 3"]),
    ("villages: some\n", ["x.yaml", "villages", "focus"]),
    ("- just\n- a list\n", ["x.yaml", "list"]),
]


#: rules checked across several settings, told in the planner's language at the exact key
#: (not a section dump with the model's English)
CROSS = [
    ("objective:\n  dimension_weights: {housing: -1}\n", "objective.dimension_weights.housing",
     "negatif", "negative"),
    ("budgets:\n  agencies:\n    DINKES: {pagu: 500, change_pct: 10}\n",
     "budgets.agencies.DINKES", "salah satu saja", "one of them only"),
    ("locks:\n  - {village: 51.08.01.2001, program: PKM-RTLH, state: out, units: 5}\n",
     "locks.0.units", "tidak bisa menetapkan 5 unit", "cannot fix 5 units"),
    ("solver:\n  gap: 0.1\n  max_gap: 0.05\n", "solver.max_gap", "lebih kecil dari solver.gap 0.1",
     "is below gap 0.1"),
    ("rules:\n  dimension_min_share: 1.5\n", "rules.dimension_min_share", "di luar 0 sampai 1",
     "outside 0 to 1"),
]


@pytest.mark.parametrize(("content", "key", "words_id", "words_en"), CROSS)
def test_cross_checks_name_the_exact_key_in_both_languages(tmp_path, content, key, words_id,
                                                           words_en):
    folder = tmp_path / "s"
    shutil.copytree(SCENARIOS, folder)
    (folder / "x.yaml").write_text(content)
    with pytest.raises(SettingsError) as caught:
        load_scenario(folder / "x.yaml")
    for lang, words, said in (("id", words_id, "kunci"), ("en", words_en, "key")):
        message = caught.value.render(lang)
        assert f"{said} '{key}'" in message and words in message, message
        assert "Value error" not in message and "{" not in message, message


@pytest.mark.parametrize(("content", "words"), MALFORMED)
def test_malformed_scenarios_name_the_key(tmp_path, content, words):
    folder = tmp_path / "s"
    shutil.copytree(SCENARIOS, folder)
    (folder / "x.yaml").write_text(content)
    with pytest.raises(SettingsError) as caught:
        load_scenario(folder / "x.yaml")
    for lang in ("id", "en"):
        message = caught.value.render(lang)
        for word in words:
            assert word in message, (word, message)


CODES = [
    ("budgets:\n  agencies:\n    PERKIMT: {pagu: 100}\n", ["budgets.agencies.PERKIMTA",
                                                          "PERKIMT", "agencies.csv"]),
    ("locks:\n  - {village: 51.08.01.2099, program: PKM-RTLH}\n",
     ["locks.0.village", "51.08.01.2099", "villages.csv"]),
    ("locks:\n  - {village: 51.08.01.2001, program: PKM-RTL}\n",
     ["locks.0.program", "PKM-RTLH"]),
    ("objective:\n  dimension_weights: {housin: 2}\n", ["housin", "housing"]),
]


@pytest.mark.parametrize(("content", "words"), CODES)
def test_codes_the_data_set_does_not_know(tmp_path, ds, content, words):
    folder = tmp_path / "s"
    shutil.copytree(SCENARIOS, folder)
    (folder / "x.yaml").write_text(content)
    loaded = load_scenario(folder / "x.yaml")
    with pytest.raises(SettingsError) as caught:
        check_codes(loaded, **codes(ds))
    message = caught.value.render("en")
    for word in words:
        assert word.split(".")[-1] in message or word in message, (word, message)
    assert "x.yaml" in message


def test_an_error_in_the_base_names_the_base_file(tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(SCENARIOS, folder)
    text = (folder / "baseline.yaml").read_text().replace("draws: 1000", "draws: -1")
    (folder / "baseline.yaml").write_text(text)
    with pytest.raises(SettingsError) as caught:
        load_scenario(folder / "perumahan-dulu.yaml")
    assert "baseline.yaml" in caught.value.render("en")
    assert "scoring.draws" in caught.value.render("en")


def test_base_cycles_are_caught(tmp_path):
    (tmp_path / "a.yaml").write_text("base: b\n")
    (tmp_path / "b.yaml").write_text("base: a\n")
    with pytest.raises(SettingsError, match="leads back"):
        load_scenario(tmp_path / "a.yaml")


def test_merge_keeps_the_base_and_replaces_lists():
    tree = merged_tree(SCENARIOS / "kunci-politik.yaml")
    assert len(tree["locks"]) == 4 and tree["rules"]["min_programs_per_village"] == 1
    assert "base" not in tree


def test_cli_reports_a_malformed_scenario_without_a_traceback(tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(SCENARIOS, folder)
    (folder / "x.yaml").write_text("rules:\n  min_program_per_village: 2\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(folder / "x.yaml"), "--out", str(out),
                                      "--lang", "en"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "min_programs_per_village" in result.output and "Nothing was written" in \
        result.output
    assert not out.exists()


def test_shipped_scenario_runs_from_the_cli(tmp_path):
    out = tmp_path / "r"
    result = CliRunner().invoke(app, ["run", str(SCENARIOS / "kunci-politik.yaml"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "status optimal" in result.output
    import json

    import pandas as pd

    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"]["settings"]["name"] == "kunci-politik"
    assert Path(summary["scenario"]["bases"][0]).name == "baseline.yaml"
    plan = pd.read_csv(out / "allocation_plan.csv", dtype={"village": str})
    rows = plan.set_index(["village", "program"])
    assert ("51.08.09.2005", "PUTR-PAMSIMAS") in rows.index
    assert rows.loc[("51.08.03.2005", "PKM-RTLH"), "units"] == 10
    assert ("51.08.01.2009", "DINKES-PMT") not in rows.index

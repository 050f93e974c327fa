"""``planning analyse`` on a multi-year scenario (issue 17 with issue 14): the price of each
rule over the horizon, checked by recomputation from the written tables, and a clear
message, exit code 2 and nothing written for the analyses of one year.

The horizon is cut to two years (2026-2027) to keep the test short: a scenario file in
tmp_path based on the shipped ``rpjmd-2026-2030``. Two rules are priced: the village
share (8 % of all spending, which binds in the shipped plans) and a minimum package per
village of Rp 1 juta, which cannot bind (every programme costs more than Rp 1 juta a year,
so any village in the plan already spends more)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.pipeline import analyse_scenario

from .conftest import DATA, ROOT

BINDING, LOOSE = "village_share", "village_package"
READ = 2e-5
"""Relative slack of values read back from the CSV files (6 significant digits)."""


def two_years(folder: Path, **rules) -> Path:
    """A scenario file: the shipped RPJMD scenario over 2026-2027, no targets."""
    extra = "".join(f"\n  {k}: {v}" for k, v in rules.items())
    path = folder / "rpjmd-dua-tahun.yaml"
    path.write_text(
        "name: rpjmd-dua-tahun\n"
        f"base: {(ROOT / 'scenarios' / 'rpjmd-2026-2030.yaml').as_posix()}\n"
        f"data: {DATA.as_posix()}\n"
        "horizon:\n  end: 2027\n  targets: []\n"
        + (f"rules:{extra}\n" if extra else ""), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    """The two-year scenario analysed (prices of the two rules), its results folder."""
    folder = tmp_path_factory.mktemp("years-prices")
    out = folder / "out"
    result = analyse_scenario(two_years(folder, village_min_package=1), out,
                              which=("prices",), rules=[BINDING, LOOSE], progress=False)
    return result, out


def test_the_prices_are_written_to_the_folder_and_the_workbook(priced):
    result, out = priced
    table = pd.read_csv(out / "analysis_rule_prices.csv")
    assert list(table["rule"]) == [BINDING, LOOSE]
    assert (out / "figures" / "analysis_rule_prices.png").is_file()
    book = load_workbook(out / "rencana_multi_tahun.xlsx", read_only=True)
    try:
        assert "Harga Aturan" in book.sheetnames
        assert "RKPD 2026" in book.sheetnames and "RKPD 2027" in book.sheetnames
    finally:
        book.close()
    assert result.summary["years"]["years"] == [2026, 2027]


def test_the_interval_holds_and_is_recomputed_from_the_tables(priced):
    _, out = priced
    table = pd.read_csv(out / "analysis_rule_prices.csv").set_index("rule")
    block = json.loads((out / "summary.json").read_text(encoding="utf-8"))["years"]
    removed = pd.read_csv(out / "years" / "removed.csv", dtype={"village": str})
    with_rule = removed.groupby("dimension")["removed"].sum()
    for rule, row in table.iterrows():
        z1, b1, z2, b2 = (row["objective_with"], row["bound_with"],
                          row["objective_without"], row["bound_without"])
        slack = READ * max(b1, b2)
        # the plan with every rule is the one written (summary.json), with its bound
        assert z1 == pytest.approx(block["objective"], rel=1e-5)
        assert b1 == pytest.approx(block["bound"], rel=1e-5)
        assert z1 <= b1 + slack and z2 <= b2 + slack
        # the plan without the rule is at least as good up to the gaps
        assert b2 >= z1 - slack, rule
        assert row["price_low"] == pytest.approx(max(0.0, z2 - b1), abs=slack)
        assert row["price_high"] == pytest.approx(max(0.0, b2 - z1), abs=slack)
        assert row["price_low"] <= row["price_high"] + slack
        assert row["price_low_pct"] == pytest.approx(100 * row["price_low"] / b1, rel=1e-4,
                                                     abs=1e-6)
        assert row["price_high_pct"] == pytest.approx(100 * row["price_high"] / z1,
                                                      rel=1e-4, abs=1e-6)
        # the change per dimension: the plan without it less the removed of years/removed.csv
        for dimension, units in with_rule.items():
            without = row[f"change_{dimension}"] + units
            assert without >= -READ * units, (rule, dimension)


def test_the_village_share_binds_in_the_plan(priced):
    _, out = priced
    units = pd.read_csv(out / "years" / "units.csv", dtype={"village": str})
    share = units.groupby(["year", "village"])["cost"].sum() / units.groupby("year")[
        "cost"].sum()
    assert share.max() <= 0.08 + 1e-6  # the rule is kept by the plan with every rule
    assert share.max() >= 0.08 - 0.005  # and some village is at it
    row = pd.read_csv(out / "analysis_rule_prices.csv").set_index("rule").loc[BINDING]
    assert row["price_high"] > 0


def test_a_rule_that_does_not_bind_changes_nothing_beyond_the_gaps(priced):
    _, out = priced
    units = pd.read_csv(out / "years" / "units.csv", dtype={"village": str})
    assert units.groupby(["year", "village"])["cost"].sum().min() > 1  # never binds
    row = pd.read_csv(out / "analysis_rule_prices.csv").set_index("rule").loc[LOOSE]
    assert row["price_low"] == 0
    gaps = (row["bound_with"] - row["objective_with"]) + (row["bound_without"]
                                                          - row["objective_without"])
    slack = READ * row["bound_without"]
    assert abs(row["objective_without"] - row["objective_with"]) <= gaps + slack
    assert row["price_high"] <= gaps + slack


@pytest.mark.parametrize(("args", "named"), [(["--only", "curves"], "curves"),
                                             (["--only", "prices,why"], "why"),
                                             (["--alternatives", "3"], "alternatives")])
def test_the_analyses_of_one_year_say_so_and_write_nothing(tmp_path, args, named):
    scenario = two_years(tmp_path)
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(scenario), "--out", str(out), "-q",
                                    *args])
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "Traceback" not in done.output
    said = done.stderr
    assert f"Analisis {named} berlaku untuk skenario satu tahun" in said
    assert f"{scenario.as_posix()} adalah skenario multi-tahun (2026–2027)" in said
    assert "baseline.yaml --only" in said and "Tidak ada yang ditulis" in said
    assert not out.exists()
    english = CliRunner().invoke(app, ["analyse", str(scenario), "--out", str(out), "-q",
                                       "--lang", "en", *args])
    assert english.exit_code == 2
    assert f"The analyses {named} apply to one-year scenarios" in english.stderr
    assert "its base scenario: planning analyse" in english.stderr
    assert not out.exists()

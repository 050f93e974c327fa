"""What `planning analyse` writes (issue 14): every analysis's table, figure and workbook
sheet in the results folder, the same files on a re-run, and nothing at all when the
scenario is wrong."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.i18n.glossary import term
from planning.report.labels import column

from .conftest import ROOT

TABLES = ["analysis_rule_prices.csv", "analysis_budget_curve.csv",
          "analysis_agency_curves.csv", "analysis_marginal_value.csv",
          "analysis_next_money.csv", "analysis_why_villages.csv", "analysis_why_entries.csv"]


@pytest.fixture(scope="module")
def small(tmp_path_factory, scores):
    """Six focus villages with three share rules, analysed twice into two folders."""
    tmp = tmp_path_factory.mktemp("rakor")
    focus = sorted(scores.loc[scores["selected"].astype(bool), "code"])[:6]
    scenario = {"base": str(ROOT / "scenarios" / "efisiensi-murni.yaml"), "name": "kecil",
                "villages": focus, "data": str(ROOT / "data" / "buleleng"),
                "rules": {"kecamatan_min_share": 0.2, "village_max_share": 0.3}}
    path = tmp / "kecil.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    outs = []
    for k in range(2):
        out = tmp / f"out{k}"
        done = CliRunner().invoke(app, ["analyse", str(path), "--out", str(out)])
        assert done.exit_code == 0, done.output
        outs.append(out)
    return path, outs, done.output


def test_every_analysis_is_written_with_its_figure_and_sheet(small):
    _path, (out, _), output = small
    for name in TABLES:
        table = pd.read_csv(out / name)
        assert "data_status" in table.columns, name  # real or synthetic, in every export
        assert "seconds" not in table.columns, name  # wall clock stays in timing.json
    assert len(pd.read_csv(out / "analysis_budget_curve.csv")) == 51
    for name in ("rule_prices", "budget_curve", "agency_curves", "marginal_value"):
        assert (out / "figures" / f"analysis_{name}.png").read_bytes()[:4] == b"\x89PNG"
    book = openpyxl.load_workbook(out / "rencana_alokasi.xlsx")
    for sheet in ("Harga Aturan", "Kurva Anggaran", "Mengapa"):
        assert book[sheet]._images or sheet == "Mengapa", sheet
    why = pd.read_csv(out / "analysis_why_villages.csv")
    rows = [r for r in book["Mengapa"].iter_rows(values_only=True)]
    for paragraph in why["paragraph"]:
        assert any(paragraph in row for row in rows)  # every paragraph in the sheet
    assert "Kurva anggaran kabupaten" in output and "Nilai marjinal pagu" in output
    curve = book["Kurva Anggaran"]
    header = next(r for r in curve.iter_rows() if r[0].value == "faktor pagu")
    first = curve.cell(header[0].row + 1, 1)
    assert first.value == pytest.approx(0.5) and first.number_format == "0.0%"


def test_the_curve_sheet_says_in_words_how_each_point_was_solved(small):
    """The CSV keeps the codes of each point's status and plan source; the Indonesian
    sheet shows the glossary's words for them, row by row, and no code."""
    _path, (out, _), _output = small
    table = pd.read_csv(out / "analysis_budget_curve.csv")
    sheet = openpyxl.load_workbook(out / "rencana_alokasi.xlsx")["Kurva Anggaran"]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "faktor pagu")
    header = list(rows[at])
    status, source = (header.index(column("status", "id")),
                      header.index(column("source", "id")))
    shown = rows[at + 1: at + 1 + len(table)]
    assert [r[status] for r in shown] == [term(f"solve.{c}") for c in table["status"]]
    assert [r[source] for r in shown] == [term(f"curve_source.{c}")
                                          for c in table["source"]]
    codes = set(table["status"]) | set(table["source"])
    assert {"optimal", "base"} <= codes and not codes & {v for r in shown for v in r}
    marginal = pd.read_csv(out / "analysis_marginal_value.csv")
    at = next(i for i, r in enumerate(rows) if r and r[0] == column("agency", "id")
              and column("neighbourhood", "id") in r)
    kept = list(rows[at]).index(column("neighbourhood", "id"))
    assert [r[kept] for r in rows[at + 1: at + 1 + len(marginal)]] == [
        term(f"neighbourhood.{c}") for c in marginal["neighbourhood"]]


def test_a_rerun_writes_the_same_files(small):
    _path, (a, b), _output = small
    for name in [*TABLES, "rencana_alokasi.xlsx", "figures/analysis_budget_curve.png"]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_an_unknown_analysis_is_refused_before_any_work(tmp_path, small):
    path, _outs, _output = small
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), "--only", "harga", "--out", str(out)])
    assert done.exit_code == 2
    assert "harga" in done.output and "prices, curves, why" in done.output
    assert not out.exists()


@pytest.mark.parametrize("asked", [["--alternatives", "2"], ["--robustness", "5"]])
def test_a_count_that_only_leaves_out_is_refused_before_any_work(tmp_path, small, asked):
    """``--only why --alternatives 2`` would silently compute no alternatives: refused
    (exit code 2), saying how to ask for both."""
    path, _outs, _output = small
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), "--only", "why", *asked,
                                    "--out", str(out), "--lang", "en"])
    name = asked[0].strip("-")
    assert done.exit_code == 2, done.output
    assert f"--{name} {asked[1]} was asked for, but --only why does not include {name}" \
        in done.output and f"--only why,{name}" in done.output
    assert not out.exists()


@pytest.mark.parametrize(("asked", "words"), [
    (["--only", "curves", "--rule", "village_share"],
     "--rule is used only by the prices analysis, but --only curves does not include it"),
    (["--only", "prices", "--share", "0.05"],
     "--share is used only by the alternatives analysis"),
    (["--only", "why", "--distance", "4"], "--distance is used only by the alternatives"),
    (["--only", "prices", "--seed", "3"], "--seed is used only by the robustness analysis"),
    (["--only", "alternatives", "--alternatives", "0"],
     "--alternatives 0 with --only alternatives: nothing would be computed"),
    (["--only", "robustness", "--robustness", "0"],
     "--robustness 0 with --only robustness: nothing would be computed"),
    (["--rule", "foo"], "Unknown rule for --rule: foo. Rules that can be priced: coverage"),
])
def test_an_option_that_would_change_nothing_is_refused_before_any_work(
        tmp_path, small, asked, words):
    """An option whose analysis --only leaves out used to be ignored in silence, an
    explicit count of 0 ran the default count (5 alternatives, 200 draws) and an unknown
    rule ended the run in a traceback: each is refused (exit code 2), nothing written."""
    path, _outs, _output = small
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), *asked, "--out", str(out),
                                    "--lang", "en"])
    assert done.exit_code == 2, done.output
    assert words in done.output and "Traceback" not in done.output, done.output
    assert not out.exists()


def test_a_rule_the_plan_does_not_use_has_no_price_and_says_so(tmp_path, small):
    """The shipped baseline has no locks: pricing ``lock`` used to fail after the whole
    run with a traceback. It stops before any re-plan, naming the rules the plan uses."""
    path, _outs, _output = small
    out = tmp_path / "out"
    done = CliRunner().invoke(app, ["analyse", str(path), "--only", "prices", "--rule",
                                    "lock", "--workers", "0", "--out", str(out), "--lang",
                                    "en"])
    assert done.exit_code == 2, done.output
    assert "--rule lock: this scenario's plan does not use that rule" in done.output
    assert "Rules this plan uses: coverage" in done.output and "Traceback" not in done.output
    assert not out.exists()


@pytest.mark.parametrize(("lang", "words"), [("id", "tidak ada rencana (status aturan "
                                                    "bertentangan)"),
                                             ("en", "no plan (status rules conflict)")])
def test_the_console_says_a_curve_points_status_in_words(lang, words):
    """The console printed the solver's code ("status infeasible") where the sheet says
    "rules conflict"."""
    import numpy as np

    from planning.analysis.rakor.curves import curve_lines

    table = pd.DataFrame({"factor": [0.5, 1.0], "budget": [4500.0, 9000.0],
                          "objective": [np.nan, 1980.0], "status": ["infeasible", "optimal"],
                          "gap": [np.nan, 0.009], "removed_total": [np.nan, 1300.0],
                          "spent": [np.nan, 8900.0]})
    lines = curve_lines(table, lang)
    assert any(words in line for line in lines), lines
    assert not any("infeasible" in line for line in lines)


def test_analyses_asked_from_a_notebook_are_checked_before_anything_runs(tmp_path, small):
    """Notebook 06 passes its parameters to analyse_scenario: ``analyses = "prices"``
    was split into letters ("unknown analyses ['c', 'e', ...]") after the plan was made,
    and ``alternatives: '3'`` failed deep inside with a TypeError."""
    from planning.pipeline import analyse_scenario
    from planning.pipeline.running import AnalysisAsked

    path, _outs, _output = small
    out = tmp_path / "out"
    with pytest.raises(AnalysisAsked) as caught:
        analyse_scenario(path, out, which="pricez")
    assert "Unknown analysis: pricez." in caught.value.render("en")
    with pytest.raises(AnalysisAsked) as caught:
        analyse_scenario(path, out, which=("prices",), alternatives="3")
    assert "alternatives = '3' cannot be used" in caught.value.render("en")
    assert "alternatives = '3'" in caught.value.render("id")
    assert not out.exists()

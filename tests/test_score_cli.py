"""`planning score`: options, scenario files, outputs, the 2020 comparison, errors."""

from __future__ import annotations

import hashlib
import json
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.i18n import MESSAGES

from .conftest import DATA, ROOT

FILES_ID = {"village_scores.csv", "focus_2020_comparison.csv", "scores_summary.json",
            "laporan_skor.md", ".planning-run.json"}


def invoke(*args: str):
    """Run `planning score ARGS`; a user error must never escape as an exception."""
    result = CliRunner().invoke(app, ["score", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output)
    assert "Traceback" not in result.output
    return result


def run_scenario(folder: Path, content: str, *args: str):
    """Write ``content`` as ``folder/bad.yaml`` and score with it into ``folder/out``."""
    scenario = folder / "bad.yaml"
    scenario.write_text(content)
    return invoke("--scenario", str(scenario), "--out", str(folder / "out"), *args)


def scores(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "village_scores.csv", dtype={"code": str, "kecamatan_code": str})


def read_text_table(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("score") / "scores"
    result = invoke("--data", str(DATA), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out, result.output


def test_default_run_picks_27_desa_three_per_kecamatan(default_run):
    out, output = default_run
    assert {p.name for p in out.iterdir()} == FILES_ID
    table = scores(out)
    picked = table[table["selected"]]
    assert len(picked) == 27
    assert (picked.groupby("kecamatan_code").size() == 3).all()
    assert (picked["type"] == "desa").all()
    # independent check: the 3 desa with the highest poverty index in each kecamatan
    desa = table[table["type"] == "desa"]
    top = desa.sort_values("poverty_index", ascending=False).groupby("kecamatan_code").head(3)
    assert set(top["code"]) == set(picked["code"])
    # the console lists every pick with its name, in Bahasa Indonesia by default
    for _, row in picked.iterrows():
        assert row["code"] in output and row["name"] in output
    assert "Desa fokus per kecamatan" in output and "selalu" in output
    assert "SINTETIS" in output
    assert str(out.resolve()) in output


def test_summary_json_holds_settings_hashes_counts(default_run):
    out, _ = default_run
    summary = json.loads((out / "scores_summary.json").read_text())
    expected = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in DATA.glob("*.csv")}
    assert summary["input_sha256"] == expected
    assert summary["settings"]["focus"]["per_kecamatan"] == 3
    assert summary["settings"]["draws"] == 1000
    assert summary["settings"]["poverty"]["normalisation"] == "minmax"
    table = scores(out)
    assert summary["focus_villages"] == table.loc[table["selected"], "code"].tolist()
    assert summary["counts"]["villages"] == len(read_text_table("villages.csv"))
    stab = table.loc[table["selected"], "stability"].value_counts()
    assert summary["counts"]["stability_of_selected"] == {
        s: int(stab.get(s, 0)) for s in ("always", "sometimes", "never")}
    assert "SYNTHETIC" in summary["data_status"]


def test_rerun_gives_byte_identical_files(default_run, tmp_path):
    out, _ = default_run
    again = tmp_path / "again"
    assert invoke("--data", str(DATA), "--out", str(again)).exit_code == 0
    for name in FILES_ID:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_comparison_matches_an_independent_recomputation(default_run):
    out, _ = default_run
    table = scores(out)
    comparison = pd.read_csv(out / "focus_2020_comparison.csv", dtype=str,
                             keep_default_na=False)
    ref = read_text_table("focus_villages_2020.csv")
    villages = read_text_table("villages.csv")
    coded = ref[ref["code"] != ""]
    picked = set(table.loc[table["selected"], "code"])
    # one row per village in either list, plus one per unidentified 2020 place
    assert len(comparison) == len(picked | set(coded["code"])) + (ref["code"] == "").sum()
    rows = comparison[comparison["code"] != ""].set_index("code")
    assert set(rows.index) == picked | set(coded["code"])
    # our rank in the kecamatan: by poverty index, recomputed from village_scores.csv
    rank = table.groupby("kecamatan_code")["poverty_index"].rank(ascending=False,
                                                                  method="first")
    rank = pd.Series(rank.astype(int).to_numpy(), index=table["code"])
    size = villages.groupby("kecamatan_code").size()
    by_code = table.set_index("code")
    for code, row in rows.iterrows():
        assert int(row["rank_in_kecamatan"]) == rank[code]
        assert int(row["villages_in_kecamatan"]) == size[by_code.loc[code, "kecamatan_code"]]
        assert float(row["selection_frequency"]) == pytest.approx(
            by_code.loc[code, "selection_frequency"])
        assert row["type"] == villages.set_index("code").loc[code, "type"]
        assert (row["in_2020"] == "True") == (code in set(coded["code"]))
        assert (row["both"] == "True") == (code in picked and code in set(coded["code"]))
    # per kecamatan overlap and the total, from the two source files
    summary = json.loads((out / "scores_summary.json").read_text())["overlap_2020"]
    kec_code = dict(zip(read_text_table("kecamatan.csv")["name"],
                        read_text_table("kecamatan.csv")["code"], strict=True))
    total = 0
    for name, group in ref.groupby("kecamatan"):
        mine = set(table.loc[table["selected"] & (table["kecamatan"] == name), "code"])
        overlap = len(mine & set(group["code"]))
        total += overlap
        got = summary["by_kecamatan"][kec_code[name]]
        assert got["overlap"] == overlap
        assert got["unidentified_2020"] == int((group["code"] == "").sum())
    assert summary["overlap"] == total
    assert summary["identified_2020"] == len(coded)
    assert summary["overlap_villages"] == rows.index[rows["both"] == "True"].tolist()
    # the report states the number and that the indicators are synthetic
    report = (out / "laporan_skor.md").read_text()
    assert f"{total} dari {len(coded)}" in report
    assert "SINTETIS" in report and "bukan target" in report


def test_report_names_every_pick_and_2020_village(default_run):
    out, _ = default_run
    report = (out / "laporan_skor.md").read_text()
    table = scores(out)
    for _, row in table[table["selected"] | table["in_2020_list"]].iterrows():
        assert row["code"] in report
    for heading in ("## Metode", "## Desa fokus", "## Tipologi kawasan", "## Stabilitas",
                    "## Perbandingan dengan desa fokus 2020"):
        assert heading in report


def test_english_output(tmp_path):
    out = tmp_path / "en"
    result = invoke("--data", str(DATA), "--out", str(out), "--lang", "en", "--draws", "100")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == FILES_ID - {"laporan_skor.md"} | {
        "score_report.md"}
    assert "Focus villages per kecamatan" in result.output
    assert "Results written to" in result.output
    report = (out / "score_report.md").read_text()
    assert "# Village score report" in report and "not a target" in report
    assert "selalu" not in report and "kecamatan" in report
    labels = scores(out)["typology_en"]
    assert any(label in report for label in labels)


def test_real_subprocess(tmp_path):
    out = tmp_path / "sub"
    done = subprocess.run([sys.executable, "-m", "planning.apps.cli", "score", "--data", str(DATA),
                           "--out", str(out), "--draws", "50", "--lang", "en"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Results written to" in done.stdout
    assert (scores(out)["selected"]).sum() == 27
    bad = subprocess.run([sys.executable, "-m", "planning.apps.cli", "score", "--data", str(DATA),
                          "--out", str(tmp_path / "bad"), "--rule", "richest"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stdout + bad.stderr
    assert "--rule" in bad.stderr and "richest" in bad.stderr
    assert not (tmp_path / "bad").exists()


# ------------------------------------------------------------------ option overrides

def test_per_kecamatan_and_draws_zero(tmp_path):
    out = tmp_path / "two"
    assert invoke("--data", str(DATA), "--out", str(out), "--per-kecamatan", "2",
                  "--draws", "0").exit_code == 0
    table = scores(out)
    assert (table[table["selected"]].groupby("kecamatan_code").size() == 2).all()
    assert "selection_frequency" not in table
    summary = json.loads((out / "scores_summary.json").read_text())
    assert summary["settings_from_options"] == ["--draws", "--per-kecamatan"]


def test_force_in_a_kelurahan_and_force_out_a_pick(default_run, tmp_path):
    base = scores(default_run[0])
    villages = read_text_table("villages.csv")
    kelurahan = villages.loc[villages["type"] == "kelurahan", "code"].iloc[0]
    dropped = base.loc[base["selected"], "code"].iloc[0]
    out = tmp_path / "forced"
    result = invoke("--data", str(DATA), "--out", str(out), "--draws", "20",
                    "--force-in", kelurahan, "--force-out", dropped)
    assert result.exit_code == 0, result.output
    table = scores(out).set_index("code")
    forced_in, forced_out = MESSAGES["reason.forced_in"][0], MESSAGES["reason.forced_out"][0]
    assert table.loc[kelurahan, "selected"] and table.loc[kelurahan, "reason"] == forced_in
    assert not table.loc[dropped, "selected"]
    assert table.loc[dropped, "reason"] == forced_out  # the run is in Bahasa Indonesia
    assert table["selected"].sum() == 27


def test_include_kelurahan(tmp_path):
    out = tmp_path / "kel"
    assert invoke("--data", str(DATA), "--out", str(out), "--draws", "0",
                  "--include-kelurahan").exit_code == 0
    table = scores(out)
    top = table.sort_values("poverty_index", ascending=False).groupby(
        "kecamatan_code").head(3)
    assert set(top["code"]) == set(table.loc[table["selected"], "code"])


def test_blend_with_alpha_one_picks_by_potential(tmp_path):
    out = tmp_path / "blend"
    assert invoke("--data", str(DATA), "--out", str(out), "--draws", "0", "--rule", "blend",
                  "--alpha", "1").exit_code == 0
    table = scores(out)
    desa = table[table["type"] == "desa"]
    top = desa.sort_values("potential_index", ascending=False).groupby(
        "kecamatan_code").head(3)
    assert set(top["code"]) == set(table.loc[table["selected"], "code"])


def test_user_weight_on_one_dimension_recomputed_by_hand(tmp_path):
    out = tmp_path / "income"
    result = invoke("--data", str(DATA), "--out", str(out), "--draws", "0",
                    "--weighting", "user", "--weight", "income=1")
    assert result.exit_code == 0, result.output
    ind = pd.read_csv(DATA / "indicators.csv", dtype={"code": str}).set_index("code")
    rate = ind["hh_poor_dtks"] / ind["households"]
    expected = (rate - rate.min()) / (rate.max() - rate.min())
    got = scores(out).set_index("code")["poverty_index"]
    pd.testing.assert_series_equal(got.sort_index(), expected.round(6).sort_index(),
                                   check_names=False, atol=1e-6)


def test_clusters_option_fixes_k(tmp_path):
    out = tmp_path / "k4"
    assert invoke("--data", str(DATA), "--out", str(out), "--draws", "0", "--clusters",
                  "4").exit_code == 0
    table = scores(out)
    assert table["typology"].nunique() == 4
    assert table.groupby("typology")["typology_en"].nunique().eq(1).all()
    assert table.groupby("typology_en")["typology"].nunique().eq(1).all()


def test_potential_index_options(tmp_path):
    out = tmp_path / "pot"
    assert invoke("--data", str(DATA), "--out", str(out), "--draws", "0",
                  "--potential-normalisation", "rank", "--potential-aggregation",
                  "geometric").exit_code == 0
    summary = json.loads((out / "scores_summary.json").read_text())
    assert summary["settings"]["potential"] == {
        "normalisation": "rank", "weighting": "equal", "aggregation": "geometric",
        "weights": {}}
    assert summary["settings"]["poverty"]["normalisation"] == "minmax"


# ------------------------------------------------------------------ scenario files

GOOD = """\
data: {data}
name: agriculture first
budgets: {{change_pct: 20}}
scoring:
  poverty:
    weighting: user
    weights: {{income: 2, housing: 1}}
  focus:
    per_kecamatan: 2
  draws: 40
  seed: 7
"""


def test_good_scenario_and_option_override(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD.format(data=DATA.as_posix()))
    out = tmp_path / "a"
    result = invoke("--scenario", str(scenario), "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "budgets" in result.output and "name" in result.output  # reported as not used
    table = scores(out)
    assert (table[table["selected"]].groupby("kecamatan_code").size() == 2).all()
    summary = json.loads((out / "scores_summary.json").read_text())
    assert summary["settings"]["poverty"]["weights"] == {"income": 2.0, "housing": 1.0}
    assert summary["settings"]["seed"] == 7 and summary["settings"]["draws"] == 40
    assert summary["method"]["poverty_weights"]["hh_poor_dtks"] == pytest.approx(2 / 3)
    assert summary["scenario"] == scenario.as_posix()
    # a command-line option overrides the scenario
    out = tmp_path / "b"
    assert invoke("--scenario", str(scenario), "--out", str(out),
                  "--per-kecamatan", "4").exit_code == 0
    table = scores(out)
    assert (table[table["selected"]].groupby("kecamatan_code").size() == 4).all()
    summary = json.loads((out / "scores_summary.json").read_text())
    assert summary["settings"]["seed"] == 7 and summary["settings_from_options"] == [
        "--per-kecamatan"]


@pytest.mark.parametrize(("content", "words"), [
    ("scoring:\n  focus:\n    forse_in: [51.08.01.2001]\n",
     ["scoring.focus", "forse_in", "force_in"]),
    ("scorng:\n  draws: 10\n", ["scorng", "scoring"]),
    ("scoring:\n  poverty:\n\tweighting: user\n", ["YAML", "line 3"]),
    ("scoring:\n  draws: 10\n  draws: 20\n", ["draws", "twice"]),
    ("- scoring\n- data\n", ["not a list"]),
    ("scoring: 5\n", ["'scoring'", "key: value"]),
    ("scoring:\n  poverty: {weighting: user, weights: {housing: -2}}\n",
     ["scoring.poverty.weights.housing", "-2", "zero or more"]),
    ("scoring:\n  poverty: {normalisation: log}\n",
     ["scoring.poverty.normalisation", "'log'", "minmax, zscore, rank"]),
    ("scoring:\n  focus: {force_in: 51.08.01.2001}\n", ["scoring.focus.force_in", "a list"]),
    ("scoring:\n  focus: {force_in: [51.08.01.9999]}\n",
     ["scoring.focus.force_in", "51.08.01.9999", "villages.csv"]),
    ("scoring:\n  potential: {weighting: user, weights: {beaches: 1}}\n",
     ["scoring.potential.weights", "beaches"]),
    ("scoring:\n  poverty: {weights: {housing: 2}}\n",
     ["scoring.poverty.weights", "set weighting to 'user'"]),
    ("scoring:\n  draws: many\n", ["scoring.draws", "many", "whole number"]),
    ("scoring:\n  focus: {alpha: 1.5}\n", ["scoring.focus.alpha", "1.5", "1.0 or less"]),
    ("scoring:\n  clusters: 1\n", ["scoring.clusters", "2 or more"]),
    ("data: [a, b]\n", ["'data'", "text"]),
])
def test_malformed_scenarios_are_clear_errors(tmp_path, content, words):
    result = run_scenario(tmp_path, content, "--data", str(DATA), "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "bad.yaml" in result.output
    for word in words:
        assert word in result.output
    assert "Nothing was scored" in result.output
    assert not (tmp_path / "out").exists()


def test_scenario_errors_in_bahasa_indonesia_and_missing_file(tmp_path):
    result = run_scenario(tmp_path, "scoring:\n  focus:\n    forse_in: []\n", "--data",
                          str(DATA))
    assert result.exit_code == 1
    assert "[GALAT]" in result.output and "tidak dikenal" in result.output
    assert "Mungkin maksudnya 'force_in'" in result.output
    result = invoke("--scenario", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "nope.yaml" in result.output
    assert "tidak ditemukan" in result.output


# ------------------------------------------------------------------ option errors

def test_unknown_force_in_code(tmp_path):
    result = invoke("--data", str(DATA), "--out", str(tmp_path / "o"), "--force-in",
                    "51.08.01.9999", "--lang", "en")
    assert result.exit_code == 2
    assert "option --force-in" in result.output and "51.08.01.9999" in result.output
    assert "villages.csv" in result.output
    result = invoke("--data", str(DATA), "--out", str(tmp_path / "o"), "--force-out",
                    "nope")
    assert result.exit_code == 2
    assert "opsi --force-out" in result.output and "kode desa tidak dikenal" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("args", "words"), [
    (["--normalisation", "log"], ["option --normalisation", "'log'"]),
    (["--aggregation", "median"], ["option --aggregation", "arithmetic, geometric"]),
    (["--weighting", "user", "--weight", "housing=-1"], ["option --weight", "-1", "zero"]),
    (["--weighting", "user", "--weight", "housing"], ["option --weight", "NAME=NUMBER"]),
    (["--weighting", "user"], ["option --weighting", "needs weights"]),
    (["--weighting", "user", "--weight", "beaches=2"], ["option --weight", "beaches"]),
    (["--alpha", "2"], ["option --alpha"]),
    (["--alpha", "0.5"], ["option --alpha", "blend rule only", "'poverty'"]),
    (["--clusters", "500"], ["option --clusters", "500"]),
    (["--per-kecamatan", "0"], ["option --per-kecamatan"]),
    (["--force-in", "51.08.01.2001", "--force-out", "51.08.01.2001"],
     ["51.08.01.2001", "both forced in and forced out"]),
    (["--force-in", "51.08.01.2001", "--force-in", "51.08.01.2002", "--force-in",
      "51.08.01.2003", "--force-in", "51.08.01.2004"], ["option --force-in", "4 villages"]),
])
def test_bad_options_are_usage_errors(tmp_path, args, words):
    result = invoke("--data", str(DATA), "--out", str(tmp_path / "o"), "--lang", "en",
                    "--draws", "0", *args)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert not (tmp_path / "o").exists()


def test_missing_data_folder(tmp_path):
    result = invoke("--data", str(tmp_path / "none"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "tidak ditemukan" in result.output


def test_the_readme_scenario_example_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    result = run_scenario(tmp_path, block, "--data", str(DATA), "--draws", "10")
    assert result.exit_code == 0, result.output
    table = scores(tmp_path / "out").set_index("code")
    assert table.loc["51.08.04.2016", "selected"]


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke("--data", str(DATA), "--out", str(blocker / "scores"), "--draws", "0",
                    "--lang", "en")
    assert result.exit_code == 1
    assert "cannot be made" in result.output and "file' is a file" in result.output
    assert blocker.read_text() == "not a folder"


def test_every_message_has_the_same_placeholders_in_both_languages():
    fields = lambda template: {f for _, f, _, _ in string.Formatter().parse(template)  # noqa: E731
                               if f}
    for key, (indonesian, english) in MESSAGES.items():
        assert fields(indonesian) == fields(english), key
        assert indonesian.strip() and english.strip(), key


def test_a_scenario_finds_its_data_from_any_working_folder(tmp_path):
    """`planning score --scenario` reads the scenario as `planning run` does: its relative
    `data:` is found in the project folder (the parent of the scenarios folder), whatever
    the working folder."""
    project = tmp_path / "project"
    (project / "scenarios").mkdir(parents=True)
    (project / "data").mkdir()
    shutil.copytree(DATA, project / "data" / "mine")
    (project / "scenarios" / "s.yaml").write_text(
        "name: s\ndata: data/mine\nscoring:\n  draws: 0\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "planning.apps.cli", "score", "--scenario",
                           str(project / "scenarios" / "s.yaml"), "--out", str(out),
                           "--lang", "en"], capture_output=True, text=True, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "scores_summary.json").read_text())
    assert Path(summary["dataset"]).resolve() == (project / "data" / "mine").resolve()
    assert scores(out)["selected"].sum() == 27

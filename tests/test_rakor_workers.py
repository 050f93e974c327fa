"""The price of each rule and the budget curves on Dask (issue 15,
planning.analysis.workers.Runner): `planning analyse --only prices,curves` writes the same
tables, byte for byte, with two worker processes and in this process (`--workers 0`, the
re-plans one after the other), and says how the tasks ran. (One worker:
tests/test_rule_prices.py and tests/test_budget_curves.py.)"""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from planning.apps.cli import app

from .conftest import ROOT

TABLES = ("analysis_rule_prices.csv", "analysis_budget_curve.csv",
          "analysis_agency_curves.csv", "analysis_marginal_value.csv",
          "analysis_next_money.csv")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, scores):
    """Six focus villages with the kecamatan share, the coverage and the village share;
    analysed with --workers 2 and 0."""
    tmp = tmp_path_factory.mktemp("rakor_workers")
    focus = sorted(scores.loc[scores["selected"].astype(bool), "code"])[:6]
    scenario = yaml.safe_load((ROOT / "scenarios" / "efisiensi-murni.yaml").read_text())
    scenario.update({"base": str(ROOT / "scenarios" / "baseline.yaml"), "villages": focus,
                     "solver": {"gap": 0.01}})
    scenario["rules"].update({"kecamatan_min_share": 0.2, "min_programs_per_village": 2,
                              "village_max_share": 0.25})
    path = tmp / "small.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    out = {}
    for workers in (2, 0):
        folder = tmp / f"w{workers}"
        done = CliRunner().invoke(app, ["analyse", str(path), "--only", "prices,curves",
                                        "--workers", str(workers), "--lang", "en",
                                        "--out", str(folder)])
        assert done.exit_code == 0, done.output
        out[workers] = (folder, done.output)
    return out


def test_the_tables_are_the_same_on_workers_as_in_this_process(runs):
    here, _ = runs[0]
    there, _ = runs[2]
    for name in TABLES:
        assert (there / name).read_bytes() == (here / name).read_bytes(), name
    prices = (here / "analysis_rule_prices.csv").read_text().splitlines()
    assert len(prices) >= 4  # a header and the three rules: not vacuous


def test_the_run_says_how_the_tasks_ran(runs):
    folder, output = runs[2]
    timing = json.loads((folder / "timing.json").read_text())["analysis_workers"]
    assert set(timing) == {"prices", "curves"}
    for run in timing.values():
        assert run["workers"] == 2 and run["failed"] == {}
    assert output.count("Worker processes: 2; tasks run again: -") == 2
    _, alone = runs[0]
    assert "Worker processes" not in alone

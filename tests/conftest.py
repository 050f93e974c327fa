"""Shared fixtures: the shipped data set and editable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "buleleng"
SHARED = ROOT.parent / "shared" / "data" / "buleleng"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped Buleleng data set."""
    target = tmp_path / "buleleng"
    shutil.copytree(DATA, target)
    return target


def read(folder: Path, file: str) -> pd.DataFrame:
    return pd.read_csv(folder / file, dtype=str, keep_default_na=False)


def write(folder: Path, file: str, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / file, index=False, lineterminator="\n")


def edit(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` is the spreadsheet row (header = 1)."""
    frame = read(folder, file)
    frame.loc[row - 2, column] = value
    write(folder, file, frame)


@pytest.fixture(scope="session")
def ds():
    """The shipped data set, loaded once."""
    from planning.data import load_dataset

    return load_dataset(DATA)


@pytest.fixture(scope="session")
def scores(ds):
    """Its village scores (no stability draws: the focus villages do not depend on them)."""
    from planning.scoring import score_villages

    return score_villages(ds, draws=0).table


NOTEBOOKS = ROOT / "notebooks"
#: warnings shown (not hidden) in the kernel, so that any of them reaches stderr
KERNEL_WARNINGS = "default::DeprecationWarning,default::PendingDeprecationWarning," \
                  "default::FutureWarning"


def run_notebook(name: str, out: Path, **parameters):
    """Execute ``notebooks/<name>`` top to bottom with papermill (from notebooks/, as a
    planner would) and fail on any error, anything written to stderr (warnings) or a
    figure shown as the text ``<Figure size …>`` instead of an image."""
    import os

    import nbformat
    import papermill

    os.environ.setdefault("PYTHONWARNINGS", KERNEL_WARNINGS)
    target = out / name
    papermill.execute_notebook(str(NOTEBOOKS / name), str(target), parameters=parameters,
                               cwd=str(NOTEBOOKS), kernel_name="python3", progress_bar=False)
    executed = nbformat.read(target, as_version=4)
    for index, cell in enumerate(executed.cells):
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", (name, index, output.get("ename"))
            assert not (output.get("output_type") == "stream"
                        and output.get("name") == "stderr"), (name, index, output["text"])
            data = output.get("data", {})
            assert not (str(data.get("text/plain", "")).startswith("<Figure size")
                        and "image/png" not in data), (name, index, "a figure shown as text")
    return executed


@pytest.fixture(scope="session")
def good_run(tmp_path_factory) -> Path:
    """A results folder of a good baseline run, made once: malformed-input tests run into
    it and check (with ``tests.corpus.folder_state``) that it is left as it was."""
    from planning.pipeline import run_scenario

    out = tmp_path_factory.mktemp("good") / "results"
    run_scenario(ROOT / "scenarios" / "baseline.yaml", out)
    return out


@pytest.fixture
def results(good_run, tmp_path) -> Path:
    """A copy of the good run's results folder, to run a malformed input into."""
    target = tmp_path / "results"
    shutil.copytree(good_run, target)
    return target


@pytest.fixture(scope="session")
def rpjmd_run(tmp_path_factory):
    """The shipped multi-year scenario (scenarios/rpjmd-2026-2030.yaml) run once into a
    results folder, for every test that reads it (about a minute)."""
    from planning.pipeline import run_scenario

    out = tmp_path_factory.mktemp("years") / "rpjmd"
    return run_scenario(ROOT / "scenarios" / "rpjmd-2026-2030.yaml", out)

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

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

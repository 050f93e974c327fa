"""The main job: take a data set through every pipeline stage that exists and write a
results folder (atomically) a planner and a reviewer can read.

Stages so far: load and validate the data set, summarise it, score every village and pick
the focus villages (with their stability). Later stages (allocation, workbook) add their
outputs here.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from planning.data import DataSet, load_dataset
from planning.data.summary import (
    agency_summary,
    headline,
    indicator_summary,
    kecamatan_summary,
    synthetic_note,
)
from planning.outputs import csv_bytes, json_bytes, write_folder
from planning.scoring import score_villages

PACKAGES = ("planning", "pandas", "numpy", "pandera", "pulp", "highspy", "scikit-learn")


def versions() -> dict[str, str]:
    """Python and package versions, for the provenance of every result."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


@dataclass(frozen=True)
class RunResult:
    dataset: DataSet
    out_dir: Path
    summary: dict


def run(data_dir: str | Path, out_dir: str | Path) -> RunResult:
    """Load ``data_dir``, write the data summary to ``out_dir``; return what was written."""
    ds = load_dataset(data_dir)
    scores = score_villages(ds)
    table = scores.table.assign(data_status=synthetic_note(ds, "en"))
    focus = table[table["selected"]]
    summary = {
        "stage": "scoring",
        "focus_villages": focus["code"].tolist(),
        "focus_stability": focus["stability"].value_counts().sort_index().to_dict(),
        "typology_clusters": scores.typology.k,
        "dataset": Path(data_dir).as_posix(),
        "headline": headline(ds),
        "data_status": synthetic_note(ds, "en"),
        "synthetic_indicators": ds.synthetic_indicators(),
        "input_sha256": ds.file_hashes,
        "versions": versions(),
        "warnings": [w.message("en") for w in ds.warnings],
    }
    files = {
        "data_kecamatan.csv": csv_bytes(kecamatan_summary(ds)),
        "data_agencies.csv": csv_bytes(agency_summary(ds)),
        "data_indicators.csv": csv_bytes(indicator_summary(ds)),
        "village_scores.csv": csv_bytes(table),
        "summary.json": json_bytes(summary),
    }
    target = write_folder(out_dir, files)
    return RunResult(dataset=ds, out_dir=target, summary=summary)

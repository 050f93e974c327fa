"""Where a result came from: the versions that made it, the input files' hashes, the data
set and the solver's settings and status, and the scenario as run.

One function builds each record (:func:`provenance`, :func:`scenario_record`); summary.json,
the workbook's Meta sheet and the explorer's exports all take them from here.
"""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from planning.config.scenario import LoadedScenario
from planning.data import DataSet

PACKAGES = ("planning", "pandas", "numpy", "pandera", "pulp", "highspy", "scikit-learn")

#: the entries of the plan summary (see :func:`planning.pipeline.allocation_summary`) that
#: say how the solver ran and where it stopped
SOLVER_KEYS = ("solver", "solver_version", "status", "gap", "gap_target", "time_limit",
               "stopped_by_time_limit", "node_limit", "max_gap", "proven_optimal",
               "stopped_by", "accepted", "label")


def versions() -> dict[str, str]:
    """Python and package versions, for the provenance of every result."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def provenance(ds: DataSet, dataset: str, plan: dict) -> dict:
    """What a reviewer needs to trace a plan's numbers: the input files' SHA-256, the
    versions, the data set as shown (``dataset``) and the solver's settings and status
    from ``plan`` (an :func:`~planning.pipeline.allocation_summary`). summary.json holds
    the first three at its top level (and the solver's entries under ``allocation``); the
    workbook's Meta sheet holds them all."""
    return {"input_sha256": ds.file_hashes, "versions": versions(), "dataset": dataset,
            "solver": {key: plan[key] for key in SOLVER_KEYS}}


def scenario_record(loaded: LoadedScenario, data_dir: str | Path, *,
                    settings: dict | None = None, edited: str | Path | None = None,
                    edited_in: str | None = None) -> dict:
    """The scenario as run, for summary.json and the workbook: its file and bases (as
    shown, relative to the project folder), the data set, and its settings (``settings``:
    the settings actually run when they differ from the file's, e.g. the explorer's).
    ``edited``: the workbook whose edits became locks; ``edited_in``: where the settings
    were changed (``explorer``)."""
    record = {"file": loaded.shown(loaded.path),
              "bases": [loaded.shown(p) for p in loaded.files[:-1]],
              "data": loaded.shown(data_dir),
              "settings": loaded.as_run() if settings is None else settings}
    if edited is not None:
        record["edited_workbook"] = Path(edited).name
    if edited_in is not None:
        record["edited_in"] = edited_in
    return record

"""The main job: take a data set through every pipeline stage that exists and write a
results folder (atomically) a planner and a reviewer can read.

Stages so far: load and validate the data set, summarise it, score every village and pick
the focus villages (with their stability), allocate the agencies' programmes across the
focus villages (with the greedy and equal-split baselines). Later stages (scenarios,
workbook, figures) add their outputs here.

Everything in the CSV files and ``summary.json`` depends only on the inputs, so a re-run
gives byte-identical files; wall-clock timings go to ``timing.json`` alone.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from planning.data import DataSet, load_dataset
from planning.data.summary import (
    agency_summary,
    headline,
    indicator_summary,
    kecamatan_summary,
    synthetic_note,
)
from planning.model import Allocation, ModelSettings, allocate
from planning.report.folder import check_target, csv_bytes, json_bytes, write_folder
from planning.scoring import score, score_villages
from planning.scoring.indices import ScoringError

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
    out_dir: Path | None
    summary: dict
    allocation: Allocation | None = None


class NoPlan(Exception):
    """The scenario has no plan (infeasible, or the solver stopped before proving one);
    nothing was written and the previous results are untouched."""

    def __init__(self, allocation: Allocation):
        self.allocation = allocation
        super().__init__(allocation.report.status)

    def render(self, lang: str = "id") -> str:
        from planning.i18n import text

        a = self.allocation
        if a.explanation is not None:
            return a.explanation.render(a.instance, lang)
        return text("model.not_a_plan", lang, status=a.report.status,
                    detail=a.report.message or "-")


def allocation_summary(allocation: Allocation, lang: str = "id") -> dict:
    """What the plan achieved, in numbers a reviewer can recompute from the CSV files;
    whether it is proven optimal or the best plan found (``label`` says so in ``lang``),
    and whether the scenario accepts it."""
    from planning.report.labels import plan_label

    t = allocation.tables
    report = allocation.report
    agencies = t.agencies.set_index("agency")
    return {
        "status": report.status, "solver": report.solver,
        "solver_version": report.solver_version, "objective": report.objective,
        "bound": report.bound, "gap": report.gap, "gap_target": report.gap_target,
        "time_limit": report.time_limit, "stopped_by_time_limit": report.time_limited,
        "node_limit": report.node_limit, "max_gap": report.max_gap,
        "proven_optimal": report.proven, "stopped_by": report.stopped_by,
        "accepted": report.accepted, "plan_source": report.source,
        "label": plan_label(report, lang),
        "warm_start_from_quick_plan": report.warm_start,
        "deprivations_before": t.totals["deprivations_before"],
        "deprivations_removed": t.totals["deprivations_removed"],
        "removed_by_dimension": t.totals["removed_by_dimension"],
        "spending_total": t.totals["cost"], "pagu_total": t.totals["pagu"],
        "spending_by_agency": agencies["used"].to_dict(),
        "spending_by_kecamatan": t.kecamatan.set_index("kecamatan_code")["cost"].to_dict(),
        "baselines": t.baselines.set_index("plan")[
            ["objective", "removed", "cost", "rules_broken"]].to_dict(orient="index"),
        "lp_bound": allocation.lp_bound, "greedy_certified_gap": allocation.greedy_gap,
        "quick_plan_objective": allocation.quick_objective,
        "quick_plan_certified_gap": allocation.quick_gap,
        "warnings": [w.render("en") for w in allocation.warnings],
    }


def run(data_dir: str | Path, out_dir: str | Path, settings: ModelSettings | None = None,
        lang: str = "id") -> RunResult:
    """Load ``data_dir``, score (default settings), allocate with ``settings`` and write
    the results folder ``out_dir``. Raises DataError, ModelError or PresolveError on bad
    input and NoPlan when there is no plan; in every such case ``out_dir`` is left as it
    was."""
    check_target(out_dir, [data_dir])
    ds = load_dataset(data_dir)
    return execute(ds, score_villages(ds), settings or ModelSettings(), out_dir, lang,
                   scenario={"data": Path(data_dir).as_posix()}, protect=[data_dir])


def run_scenario(path: str | Path, out_dir: str | Path | None = None,
                 lang: str | None = None, data: str | Path | None = None,
                 edited: str | Path | None = None,
                 boundary: str | Path | None = None) -> RunResult:
    """Run the scenario file ``path``: its data set, scoring, budgets, rules, locks and
    solver. ``out_dir`` defaults to ``results/<scenario name>``; ``lang`` and ``data``
    override the scenario's. ``edited``: a workbook whose Alokasi sheet a planner edited;
    its edits become locks (see :mod:`planning.report.roundtrip`). ``boundary``: a village
    boundary file for the maps (overrides ``output.boundary``). Raises SettingsError for a
    malformed scenario, MapError for an unusable boundary file, as well as everything
    :func:`run` raises."""
    from planning.config.scenario import check_codes, load_scenario, scoring_error

    loaded = load_scenario(path)
    sc = loaded.scenario
    lang = lang or sc.output.lang
    data_dir = Path(data) if data is not None else loaded.data_path()
    target = Path(out_dir) if out_dir is not None else Path("results") / sc.name
    maps = loaded.map_paths(boundary)
    inputs = [data_dir, *loaded.files, edited, *maps.values()]
    check_target(target, inputs)  # refuse a wrong --out before any work
    ds = load_dataset(data_dir)
    check_codes(loaded, villages=ds.villages["code"].tolist(),
                agencies=ds.agencies["code"].tolist(), programs=ds.programs["code"].tolist(),
                dimensions=ds.dimensions["group"].tolist())
    try:
        scores = score(ds, sc.scoring)
    except ScoringError as exc:
        raise scoring_error(loaded, exc) from None
    settings = sc.model_settings(ds.agencies.set_index("code")["pagu"].to_dict())
    edits = None
    if edited is not None:
        from planning.report.roundtrip import edits_as_locks

        settings, edits = edits_as_locks(edited, settings, ds, scores, lang)
    scenario = {"file": loaded.shown(loaded.path),
                "bases": [loaded.shown(p) for p in loaded.files[:-1]],
                "data": loaded.shown(data_dir), "settings": loaded.as_run()}
    if edited is not None:
        scenario["edited_workbook"] = Path(edited).name
    return execute(ds, scores, settings, target, lang, scenario=scenario, edits=edits,
                   maps=maps, protect=inputs)


def execute(ds: DataSet, scores, settings: ModelSettings, out_dir: str | Path, lang: str,
            scenario: dict, edits: pd.DataFrame | None = None,
            maps: dict | None = None, protect=()) -> RunResult:
    """Allocate and write every output of one run atomically. ``scenario`` is recorded in
    summary.json as given (its ``data`` entry, if any, as the data set); ``edits``: the
    planner's workbook edits (see :mod:`planning.report.roundtrip`); the run then also writes
    what moved. ``protect``: the run's input files and folders, which the results folder
    must not hold (see :func:`planning.report.folder.check_target`)."""
    allocation = allocate(ds, scores, settings, lang=lang)
    if not allocation.is_plan:
        raise NoPlan(allocation)
    moved = None
    if edits is not None:
        from planning.report.roundtrip import moved_table

        moved = moved_table(edits, allocation.tables.plan)
    note = synthetic_note(ds, "en")
    table = scores.table.assign(data_status=note)
    focus = table[table["selected"]]
    summary = {
        "stage": "allocation",
        "scenario": scenario,
        "focus_villages": focus["code"].tolist(),
        "focus_stability": focus["stability"].value_counts().sort_index().to_dict()
        if "stability" in focus else {},
        "typology_clusters": scores.typology.k,
        "dataset": scenario.get("data", Path(ds.path).as_posix()),
        "headline": headline(ds),
        "data_status": synthetic_note(ds, "en"),
        "synthetic_indicators": ds.synthetic_indicators(),
        "input_sha256": ds.file_hashes,
        "versions": versions(),
        "language": lang,
        "warnings": [w.message("en") for w in ds.warnings],
        "allocation": allocation_summary(allocation, lang),
    }
    t = allocation.tables
    timing = {"seconds": {k: round(v, 4) for k, v in allocation.timings.items()},
              "note": "wall-clock times; the only output that differs between re-runs"}
    files = {
        "data_kecamatan.csv": csv_bytes(kecamatan_summary(ds)),
        "data_agencies.csv": csv_bytes(agency_summary(ds)),
        "data_indicators.csv": csv_bytes(indicator_summary(ds)),
        "village_scores.csv": csv_bytes(table),
        "allocation_plan.csv": csv_bytes(t.plan.assign(data_status=note)),
        "allocation_agencies.csv": csv_bytes(t.agencies.assign(data_status=note)),
        "allocation_kecamatan.csv": csv_bytes(t.kecamatan.assign(data_status=note)),
        "allocation_villages.csv": csv_bytes(t.villages.assign(data_status=note)),
        "allocation_dimensions.csv": csv_bytes(t.dimensions.assign(data_status=note)),
        "allocation_baselines.csv": csv_bytes(t.baselines.assign(data_status=note)),
        "summary.json": json_bytes(summary),
        "timing.json": json_bytes(timing),
    }
    if moved is not None:
        files["moved.csv"] = csv_bytes(moved)
    files.update(extra_outputs(ds, table, allocation, summary, lang, moved, maps or {}))
    write_folder(out_dir, files, kind="run", protect=protect)
    target = Path(out_dir)
    return RunResult(dataset=ds, out_dir=target, summary=summary, allocation=allocation)


WORKBOOK = {"id": "rencana_alokasi.xlsx", "en": "allocation_plan.xlsx"}


def extra_outputs(ds, scores_table, allocation, summary, lang, moved,
                  maps: dict) -> dict[str, bytes]:
    """The figures and maps (PNG; a GeoPackage of the plan when a boundary is given) and
    the planners' workbook (xlsx), in the run's language."""
    from planning.report.figures import figure_files
    from planning.report.maps import plan_map_files
    from planning.report.workbook import workbook_bytes

    note = synthetic_note(ds, lang)
    files = {f"figures/{name}": data for name, data in figure_files(
        allocation, lang, note=note).items()}
    files.update({f"figures/{name}": data for name, data in plan_map_files(
        ds, allocation, scores=scores_table, boundary=maps.get("boundary"),
        boundary_kecamatan=maps.get("boundary_kecamatan"), lang=lang, note=note).items()})
    provenance = {"input_sha256": ds.file_hashes, "versions": summary["versions"],
                  "dataset": summary["dataset"],
                  "solver": {k: summary["allocation"][k] for k in (
                      "solver", "solver_version", "status", "gap", "gap_target",
                      "time_limit", "stopped_by_time_limit", "node_limit", "max_gap",
                      "proven_optimal", "stopped_by", "accepted", "label")}}
    files[WORKBOOK[lang]] = workbook_bytes(
        ds=ds, scores=scores_table, allocation=allocation, summary=summary["allocation"],
        scenario=summary["scenario"], provenance=provenance, lang=lang, moved=moved)
    return files

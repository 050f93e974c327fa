"""Getting a run ready: read and check the scenario, refuse a wrong results folder before
any work, load and check the data set, score the villages, and resolve the model settings
(the edits of an edited workbook become locks) and the map boundary files.

Everything :func:`planning.pipeline.execute` needs is in the :class:`Prepared` it returns;
nothing is solved or written yet.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planning.config.scenario import LoadedScenario
from planning.data import DataSet, load_dataset
from planning.model import ModelSettings, PresolveError
from planning.model.progress import stage
from planning.pipeline.provenance import scenario_record
from planning.report.folder import check_target
from planning.scoring import ScoreResult, score, score_villages
from planning.scoring.indices import ScoringError


@dataclass(frozen=True)
class Prepared:
    """A run ready to execute: the data set, its scores and the model settings, with the
    records summary.json keeps and the paths the results folder must not hold."""

    dataset: DataSet
    scores: ScoreResult
    settings: ModelSettings
    lang: str
    scenario: dict
    """The scenario as run (see :func:`planning.pipeline.provenance.scenario_record`),
    recorded as given; its ``data`` entry, if any, names the data set."""
    out_dir: Path | None = None
    """The results folder :meth:`Result.write <planning.pipeline.Result.write>` writes by
    default (already checked)."""
    protect: tuple[Path, ...] = ()
    """The run's input files and folders, which the results folder must not hold."""
    edits: pd.DataFrame | None = None
    """The planner's workbook edits (see :mod:`planning.report.roundtrip`)."""
    maps: dict = field(default_factory=dict)
    """The boundary files of the maps (``boundary``, ``boundary_kecamatan``)."""
    loaded: LoadedScenario | None = None
    """The scenario file as read, when the run comes from one."""
    data_dir: Path | None = None

    def changed(self, settings: ModelSettings, scenario: dict) -> Prepared:
        """The same run with other model settings (recorded as ``scenario``), as the
        explorer runs its controls' values; the workbook edits do not carry over."""
        return dataclasses.replace(self, settings=settings, scenario=scenario, edits=None)


def prepare(scenario_path: str | Path, out_dir: str | Path | None = None,
            lang: str | None = None, data: str | Path | None = None,
            edited: str | Path | None = None, boundary: str | Path | None = None, *,
            check_out: bool = True) -> Prepared:
    """Prepare the scenario file ``scenario_path``: its data set, scoring, budgets, rules,
    locks and solver. ``out_dir`` defaults to ``results/<scenario name>`` and is checked
    before any work (``check_out=False``: not now, for callers that choose a folder
    later); ``lang`` and ``data`` override the scenario's. ``edited``: a workbook whose
    Alokasi sheet a planner edited; its edits become locks (see
    :mod:`planning.report.roundtrip`). ``boundary``: a village boundary file for the maps
    (overrides ``output.boundary``). Raises SettingsError for a malformed scenario,
    ResultsFolderError for a wrong ``out_dir``, DataError for a bad data set and
    RoundTripError for a bad edited workbook."""
    from planning.config.scenario import check_codes, load_scenario, scoring_error

    with stage("load") as found:
        loaded = load_scenario(scenario_path)
        sc = loaded.scenario
        if sc.region is not None:  # never a silent plan of the default data set
            from planning.analysis.region import RegionError

            raise RegionError("region.use_region", file=loaded.shown(loaded.path))
        lang = lang or sc.output.lang
        data_dir = Path(data) if data is not None else loaded.data_path()
        target = Path(out_dir) if out_dir is not None else Path("results") / sc.name
        maps = loaded.map_paths(boundary)
        inputs = [data_dir, *loaded.files, edited, *maps.values()]
        if check_out:
            check_target(target, inputs, "run")  # refuse a wrong --out before any work
        ds = load_dataset(data_dir)
        check_codes(loaded, villages=ds.villages["code"].tolist(),
                    agencies=ds.agencies["code"].tolist(),
                    programs=ds.programs["code"].tolist(),
                    dimensions=ds.dimensions["group"].tolist(), bps=_bps_codes(ds.villages))
        found.update(scenario=sc.name, lang=lang, villages=len(ds.villages),
                     programs=len(ds.programs), agencies=len(ds.agencies))
    with stage("score") as found:
        try:
            scores = score(ds, sc.scoring)
        except ScoringError as exc:
            raise scoring_error(loaded, exc) from None
        found["focus"] = int(scores.table["selected"].astype(bool).sum())
    settings = sc.model_settings(ds.agencies.set_index("code")["pagu"].to_dict())
    edits = None
    if edited is not None:
        from planning.report.roundtrip import edits_as_locks

        settings, edits = edits_as_locks(edited, settings, ds, scores, lang,
                                         scenario=loaded.scenario.name)
    return Prepared(dataset=ds, scores=scores, settings=settings, lang=lang,
                    scenario=scenario_record(loaded, data_dir, edited=edited),
                    out_dir=target if check_out else None,
                    protect=tuple(Path(p) for p in inputs if p is not None), edits=edits,
                    maps=maps, loaded=loaded, data_dir=data_dir)


def locks_located(error: PresolveError, loaded: LoadedScenario | None) -> PresolveError:
    """``error`` with each of its lock findings placed at the scenario key of the lock it
    is about (``locks.3``; a finding about several locks, such as a pagu they overrun, at
    ``locks``), so that the planner knows which file and line to change. Findings about
    locks the scenario does not hold (the edits of a workbook) stay as they are."""
    if loaded is None or not loaded.scenario.locks:
        return error
    index = {(lock.village, lock.program): i for i, lock in enumerate(loaded.scenario.locks)}
    found = []
    for f in error.findings:
        params = dict(f.params)
        pair = (params.get("village"), params.get("program", params.get("a")))
        if pair in index:
            f = dataclasses.replace(f, where=loaded.place("locks", index[pair]))
        elif f.key in ("presolve.lock_capacity", "presolve.lock_pagu", "presolve.lock_ceiling"):
            f = dataclasses.replace(f, where=loaded.place("locks"))
        found.append(f)
    return PresolveError(found)


def _bps_codes(villages: pd.DataFrame) -> dict[str, str]:
    """A village's BPS code (``bps_code``, where villages.csv has it) -> its code."""
    if "bps_code" not in villages:
        return {}
    rows = villages[["bps_code", "code"]].dropna()
    return dict(zip(rows["bps_code"].astype(str), rows["code"].astype(str), strict=True))


def prepare_data(data_dir: str | Path, out_dir: str | Path | None = None,
                 settings: ModelSettings | None = None, lang: str = "id") -> Prepared:
    """Prepare a run of the data set folder ``data_dir`` without a scenario file: default
    scoring, the model ``settings`` (default :class:`~planning.model.ModelSettings`).
    ``out_dir``, when given, is checked before any work."""
    if out_dir is not None:
        check_target(out_dir, [data_dir], "run")
    ds = load_dataset(data_dir)
    return Prepared(dataset=ds, scores=score_villages(ds), settings=settings or ModelSettings(),
                    lang=lang, scenario={"data": Path(data_dir).as_posix()},
                    out_dir=Path(out_dir) if out_dir is not None else None,
                    protect=(Path(data_dir),), data_dir=Path(data_dir))

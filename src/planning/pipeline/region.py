"""Run a region scenario: a province or the country planned in two levels (docs/region.md).

::

    from planning.pipeline.region import execute_region, prepare_region

    prepared = prepare_region("scenarios/provinsi-bali.yaml", workers=2)
    result = execute_region(prepared)        # curves, split, plans (on Dask)
    result.write("results/provinsi-bali")    # atomically, like every results folder

The results folder: ``region_districts.csv`` (one row per district: share, plan value,
bound, gap, spending, deprivations removed), ``region_provinces.csv``,
``region_curves.csv``, ``region_plan.csv`` (every district's plan rows),
``region_dimensions.csv``, and per district ``districts/<code>/allocation_plan.csv`` and
``allocation_dimensions.csv``; ``summary.json``, ``timing.json``, the figures and the
workbook. Every table carries the data's status (generated regions are synthetic).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from planning.analysis.region import RegionError, RegionPlan, plan_region
from planning.analysis.workers import Runner
from planning.config.scenario import LoadedScenario, load_scenario
from planning.data.owned import named
from planning.data.region import Region, load_region
from planning.i18n import text
from planning.model.progress import stage
from planning.pipeline.provenance import versions
from planning.pipeline.result import Written
from planning.report.folder import check_target
from planning.report.labels import named_plan
from planning.report.region import province_table

#: the workbook's file name per language
WORKBOOK = {"id": "rencana_wilayah.xlsx", "en": "region_plan.xlsx"}


@dataclass
class PreparedRegion:
    """A region run ready to execute: the scenario, the region folder's index, where the
    tasks run, the results folder (checked) and the inputs it must not hold."""

    loaded: LoadedScenario
    region: Region
    lang: str
    runner: Runner
    out_dir: Path | None = None
    protect: tuple[Path, ...] = ()
    scenario: dict = field(default_factory=dict)


def prepare_region(scenario_path: str | Path, out_dir: str | Path | None = None,
                   lang: str | None = None, *, workers: int | None = None,
                   scheduler: str | None = None, progress: bool = True,
                   check_out: bool = True) -> PreparedRegion:
    """Read the scenario (it must have a ``region:`` section) and the region folder's
    index; check the results folder (default ``results/<name>``) before any work.
    ``workers``/``scheduler`` override the scenario's ``analysis`` section (0 workers: in
    this process). Raises SettingsError, RegionError, DataError or ResultsFolderError."""
    with stage("region") as found:
        loaded = load_scenario(scenario_path)
        sc = loaded.scenario
        if sc.region is None:
            raise RegionError("region.no_section", file=loaded.shown(loaded.path))
        lang = lang or sc.output.lang
        root = loaded.resolve(sc.region.folder)
        target = Path(out_dir) if out_dir is not None else Path("results") / sc.name
        inputs = [root, *loaded.files]
        if check_out:
            check_target(target, inputs, "region")
        if sc.region.generate is not None and not root.exists():
            _generate(root, sc.region.generate)
        region = load_region(root)
        _check_villages(loaded, region)
        found.update(scenario=sc.name, districts=len(region.districts), villages=int(
            region.districts["n_villages"].astype(int).sum()))
    runner = Runner(workers=workers if workers is not None else sc.analysis.workers,
                    scheduler=scheduler if scheduler is not None else sc.analysis.scheduler,
                    progress=progress)
    record = {**loaded.as_run(), "region": {**sc.region.model_dump(mode="json"),
                                            "folder": loaded.shown(root)}}
    return PreparedRegion(loaded=loaded, region=region, lang=lang, runner=runner,
                          out_dir=target if check_out else None,
                          protect=tuple(Path(p) for p in inputs), scenario=record)


def _check_villages(loaded: LoadedScenario, region: Region) -> None:
    """A region scenario plans ``focus`` or ``all`` villages in every district (a list of
    villages is one district's), and each lock's village must be in one of the region's
    districts (the first two parts of its code, ``pp.dd``); each district takes only the
    locks of its own villages. Raises RegionError naming the scenario file and the key."""
    sc, shown = loaded.scenario, loaded.shown(loaded.path)
    if isinstance(sc.villages, list):
        raise RegionError("region.villages_list", file=shown)
    codes = sorted(region.districts["code"].astype(str))
    for i, lock in enumerate(sc.locks):
        if ".".join(str(lock.village).split(".")[:2]) not in codes:
            raise RegionError("region.lock_district", file=shown, index=i,
                              village=lock.village, districts=named(codes))


def _generate(root: Path, how) -> None:
    """Make the missing region folder ``root`` as the scenario's ``region.generate`` says."""
    from planning.data.synth_region import generate_region

    generate_region(root, how.level, how.villages, how.seed)


def execute_region(prepared: PreparedRegion) -> RegionResult:
    """The two-level plan of the prepared region (:func:`planning.analysis.region.plan_region`)."""
    region = prepared.region
    plan = plan_region(region.districts, region.path, prepared.loaded.scenario,
                       runner=prepared.runner)
    return RegionResult(prepared, plan)


def data_note(region: Region, plan: RegionPlan, lang: str) -> str:
    """The data status every export carries: a generated region is synthetic; a real one
    says whether some district's per-village indicators are synthetic."""
    if str(region.meta.get("status", "")).lower() == "synthetic":
        return text("region.note_synthetic", lang)
    return text("region.note_indicators" if plan.synthetic else "region.note_real", lang)


class RegionResult(Written):
    """One executed region run: ``plan`` (:class:`~planning.analysis.region.RegionPlan`),
    ``summary`` (summary.json), ``timing`` (timing.json), ``out_dir`` once written."""

    kind = "region"

    def __init__(self, prepared: PreparedRegion, plan: RegionPlan):
        self.prepared = prepared
        self.plan = plan
        self.lang = prepared.lang
        self.out_dir: Path | None = None
        region = prepared.region
        self.note = data_note(region, plan, self.lang)
        totals = plan.totals
        self.summary = {
            "stage": "region",
            "scenario": prepared.scenario,
            "region": {k: (v if isinstance(v, (int, float, str)) else str(v))
                       for k, v in region.meta.items()},
            "provinces": dict(zip(region.provinces["code"].astype(str),
                                  region.provinces["name"].astype(str), strict=True)),
            "data_status": data_note(region, plan, "en"),
            "totals": totals,
            "districts_without_plan": {code: problem.get(self.lang, problem.get("en"))
                                       for code, problem in sorted(plan.problems.items())},
            "versions": versions(),
            "language": self.lang,
        }
        self.timing = {"seconds": {k: round(v, 3) for k, v in plan.seconds.items()},
                       "workers": plan.runs,
                       "note": "wall-clock times; the only output that differs between re-runs"}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every CSV file of the results folder, name -> table."""
        plan, note = self.plan, self.note
        districts = plan.districts.drop(columns=["problem_id", "problem_en"]).assign(
            problem=plan.districts[f"problem_{self.lang}"])
        tables = {
            "region_districts.csv": districts.assign(data_status=note),
            "region_provinces.csv": province_table(
                plan, self.lang, self.summary["provinces"]).assign(data_status=note),
            "region_curves.csv": plan.curves.assign(data_status=note),
            "region_plan.csv": named_plan(plan.plan, plan.programs, self.lang).assign(
                data_status=note),
            "region_dimensions.csv": plan.dimensions.assign(data_status=note),
        }
        for code, one in sorted(plan.plans.items()):
            if one.plan is not None:
                tables[f"districts/{code}/allocation_plan.csv"] = named_plan(
                    one.plan, one.programs, self.lang).assign(data_status=note)
                tables[f"districts/{code}/allocation_dimensions.csv"] = one.dimensions.assign(
                    data_status=note)
        return tables

    @cached_property
    def _figures(self) -> dict[str, bytes]:
        from planning.report.region_figures import region_figure_files

        return region_figure_files(self.plan, self.lang, self.note)

    def figures(self) -> dict[str, bytes]:
        """The figures as PNG bytes, file name -> bytes."""
        return dict(self._figures)

    @property
    def workbook_name(self) -> str:
        return WORKBOOK[self.lang]

    @cached_property
    def _workbook(self) -> bytes:
        from planning.report.region import region_workbook_bytes

        return region_workbook_bytes(self.plan, self.summary, self.lang, self.note)

    def workbook_bytes(self) -> bytes:
        return self._workbook

    def files(self) -> dict[str, bytes]:
        """Every output file, name (relative to the results folder) -> bytes."""
        return self.standard_files(self.tables(), self._figures)


"""The multi-year job: a scenario with a ``horizon:`` section planned over its budget years
(:func:`planning.model.years.plan_years`), and the re-plan after a recorded year.

    prepared = prepare("scenarios/rpjmd-2026-2030.yaml")
    result = execute(prepared)          # a YearsResult, since the scenario has a horizon
    result.write()                      # years/*.csv, summary.json, figures, the workbook

    again = replan("results/rpjmd-2026-2030/rencana_multi_tahun.xlsx", 2026)
    again.write()                       # results/rpjmd-2026-2030-replan-2027

:class:`YearsResult` writes its folder as :class:`~planning.pipeline.Result` does: all
files atomically, never over anything the tool did not write, never over the run's
inputs (the data set, the scenario, the recorded workbook).
"""

from __future__ import annotations

import dataclasses
import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from planning.data.summary import synthetic_note
from planning.i18n import text
from planning.pipeline.preparing import Prepared, prepare
from planning.pipeline.provenance import SOLVER_KEYS, provenance
from planning.pipeline.result import Written, data_block
from planning.report.folder import check_target

__all__ = ["YEARS_WORKBOOK", "YEAR_ANALYSES", "OneYearOnly", "ReplanError", "YearsResult",
           "analyse_years", "execute_years", "recorded_scenario", "replan", "replan_folder"]

#: the multi-year workbook, by the run's language
YEARS_WORKBOOK = {"id": "rencana_multi_tahun.xlsx", "en": "multi_year_plan.xlsx"}
#: the analyses of issue 14 that apply to a multi-year scenario (the others are of one year)
YEAR_ANALYSES = ("prices",)


class ReplanError(Exception):
    """A re-plan that cannot start (no scenario found, a scenario without a horizon, a
    workbook of other years); nothing was written."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(self.render("en"))

    def render(self, lang: str = "id") -> str:
        return text(f"replan.{self.key}", lang, **self.params)


class OneYearOnly(Exception):
    """Analyses asked of a multi-year scenario that apply to one-year scenarios only
    (``names``); ``base``: a one-year scenario file the scenario is based on (its first
    year), or None. Raised before anything runs; nothing is written."""

    def __init__(self, names: list[str], path: str | Path, years: list[int],
                 base: str | Path | None):
        self.names, self.path, self.years, self.base = list(names), path, years, base
        super().__init__(self.render("en"))

    def render(self, lang: str = "id") -> str:
        only = ",".join(self.names)
        hint = (text("analyse.years.base_hint", lang, base=Path(self.base).as_posix(),
                     only=only) if self.base is not None
                else text("analyse.years.no_base_hint", lang, only=only))
        return text("analyse.years.one_year", lang, names=", ".join(self.names),
                    path=Path(self.path).as_posix(), start=self.years[0], end=self.years[-1],
                    hint=hint, known=", ".join(YEAR_ANALYSES))


def one_year_base(files: tuple[Path, ...]) -> Path | None:
    """The nearest base of a multi-year scenario file without a horizon (its first year
    as a one-year scenario): of the scenario's files (most basic first), the last one
    before the first that writes a ``horizon:`` section; None when there is none."""
    import yaml

    for i, file in enumerate(files):
        try:
            written = yaml.safe_load(Path(file).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            return None
        if isinstance(written, dict) and "horizon" in written:
            return files[i - 1] if i > 0 else None
    return None


def _solver(report, lang: str) -> dict:
    """The solver's settings and status of a multi-year plan, in the entries of
    :data:`~planning.pipeline.provenance.SOLVER_KEYS`."""
    from planning.report.labels import plan_label

    values = {
        "solver": report.solver, "solver_version": report.solver_version,
        "status": report.status, "gap": report.gap, "gap_target": report.gap_target,
        "time_limit": report.time_limit, "stopped_by_time_limit": report.time_limited,
        "node_limit": report.node_limit, "max_gap": report.max_gap,
        "proven_optimal": report.proven, "stopped_by": report.stopped_by,
        "accepted": report.accepted, "label": plan_label(report, lang)}
    return {key: values[key] for key in SOLVER_KEYS}


class YearsResult(Written):
    """One executed multi-year run: ``plan`` (a
    :class:`~planning.model.years.YearPlan`), ``summary`` (summary.json: the scenario,
    the data set's provenance, the ``years`` block of
    :func:`planning.report.years.years_block` and, after a re-plan, the ``replan``
    block), ``provenance``, ``timing`` and ``out_dir`` (None until written)."""

    kind = "years"

    def __init__(self, prepared: Prepared, plan, *, replanned: dict | None = None,
                 realised: pd.DataFrame | None = None):
        from planning.report.years import years_block

        self.prepared = prepared
        self.plan = plan
        self.realised = realised
        """The recorded years as the planner recorded them (a re-plan's; rows of
        :data:`planning.report.years.REALISED_COLUMNS`), or None."""
        self.dataset = prepared.dataset
        self.scores = prepared.scores
        self.lang = prepared.lang
        self.out_dir: Path | None = None
        self.analysis = None
        """The analyses of this plan (:meth:`add_analysis`: the price of each rule), or
        None."""
        ds = self.dataset
        solver = _solver(plan.report, self.lang)
        self.provenance = provenance(ds, prepared.scenario.get("data", Path(ds.path).as_posix()),
                                     solver)
        table = self.scores.table
        self.summary = {
            "stage": "years",
            "scenario": prepared.scenario,
            "focus_villages": sorted(table.loc[table["selected"].astype(bool), "code"]
                                     .astype(str)),
            **data_block(ds, self.provenance, self.lang),
            "solver": solver,
            "years": years_block(plan, "en"),
        }
        if replanned is not None:
            self.summary["replan"] = replanned
        self.timing = {"seconds": {k: round(float(v), 4)
                                   for k, v in getattr(plan, "timings", {}).items()},
                       "note": "wall-clock times; the only output that differs between "
                               "re-runs"}

    def add_analysis(self, analysis) -> None:
        """Keep ``analysis`` (an :class:`~planning.analysis.rakor.Analysis` of this
        multi-year plan, with the price of each rule): its table
        (``analysis_rule_prices.csv``), figure and workbook sheet (Harga Aturan) join the
        results folder."""
        self.analysis = analysis
        self.timing["analysis_seconds"] = {k: round(v, 4) for k, v in analysis.seconds.items()}
        for cached in ("_figures", "_workbook"):
            self.__dict__.pop(cached, None)

    # --- tables, figures, the workbook ---------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every CSV file, name -> table: ``years/*.csv``, the first year's village
        scores and the analyses' tables."""
        from planning.report.years import CSV_FOLDER, years_tables

        note = synthetic_note(self.dataset, self.lang)
        tables = years_tables(self.plan, self.dataset, self.lang)
        if self.realised is not None and len(self.realised):  # as the planner recorded
            tables[f"{CSV_FOLDER}realised.csv"] = self.realised.assign(data_status=note)
        tables["village_scores.csv"] = self.scores.table_in(self.lang).assign(
            data_status=note)
        if self.analysis is not None:
            tables.update({name: table.assign(data_status=note)
                           for name, table in self.analysis.tables().items()})
        return tables

    @cached_property
    def _figures(self) -> dict[str, bytes]:
        from planning.report.years_figures import years_figure_files

        note = synthetic_note(self.dataset, self.lang)
        files = years_figure_files(self.plan, self.dataset, self.lang, note=note)
        if self.analysis is not None:
            from planning.report.analysis import analysis_figure_files

            files.update(analysis_figure_files(self.analysis, note))
        return files

    def figures(self) -> dict[str, bytes]:
        """The figures as PNG bytes, file name -> bytes."""
        return dict(self._figures)

    def figure_objects(self) -> dict:
        """The figures as Charts (a notebook shows each as its image)."""
        from planning.report.years_figures import years_figure_objects

        return years_figure_objects(self.plan, self.dataset, self.lang,
                                    note=synthetic_note(self.dataset, self.lang))

    @property
    def workbook_name(self) -> str:
        return YEARS_WORKBOOK[self.lang]

    @cached_property
    def _workbook(self) -> bytes:
        from planning.report.years import years_block, years_workbook_bytes

        return years_workbook_bytes(self.plan, self.dataset,
                                    scenario=self.summary["scenario"],
                                    provenance={**self.provenance,
                                                "solver": self.summary["solver"]},
                                    lang=self.lang, block=years_block(self.plan, self.lang),
                                    analysis=self.analysis, figures=self._figures,
                                    realised=self.realised)

    def workbook_bytes(self) -> bytes:
        """The multi-year workbook (xlsx) in the run's language."""
        return self._workbook

    def files(self) -> dict[str, bytes]:
        """Every output file, name (relative to the results folder) -> bytes."""
        return self.standard_files(self.tables(), self._figures)


def execute_years(prepared: Prepared, history: pd.DataFrame | None = None,
                  replanned: dict | None = None,
                  focus_guess: dict[int, list[str]] | None = None,
                  realised: pd.DataFrame | None = None) -> YearsResult:
    """Plan the years of ``prepared.settings.horizon`` (``history``: the recorded years,
    kept; ``focus_guess``: the plan before's focus villages per year, the first guess of
    the later years; ``realised``: the recorded years as recorded, for the workbook) and
    build the result in memory. Raises ModelError (YearsNoPlan among them) for settings
    the model cannot take or a plan it cannot find."""
    from planning.model.years import plan_years

    scoring = prepared.loaded.scenario.scoring if prepared.loaded is not None else None
    plan = plan_years(prepared.dataset, prepared.scores, prepared.settings, scoring,
                      history=history, focus_guess=focus_guess)
    return YearsResult(prepared, plan, replanned=replanned, realised=realised)


def analyse_years(prepared: Prepared, which: tuple[str, ...] | None = None,
                  rules: list[str] | None = None,
                  asked: tuple[str, ...] = ()) -> YearsResult:
    """The analyses of a multi-year scenario: the price of each rule (``which`` None or
    holding ``prices``; ``rules``: only these rules) over the whole horizon
    (:func:`planning.analysis.rakor.year_prices.year_rule_prices`), kept on the result
    (nothing is written here). ``which`` naming another analysis, or ``asked`` (the
    analyses of many plans asked for by their counts) any: :class:`OneYearOnly`, raised
    before anything is planned."""
    import time

    from planning.analysis.rakor import Analysis
    from planning.analysis.rakor.rule_prices import price_table
    from planning.analysis.rakor.year_prices import year_rule_prices
    from planning.model.progress import stage

    others = [n for n in (*(which or ()), *asked) if n not in YEAR_ANALYSES]
    horizon = prepared.settings.horizon
    if others:
        files = prepared.loaded.files if prepared.loaded is not None else ()
        path = prepared.loaded.path if prepared.loaded is not None else "-"
        raise OneYearOnly(list(dict.fromkeys(others)), path, list(horizon.years),
                          one_year_base(files))
    result = execute_years(prepared)
    analysis = Analysis(lang=prepared.lang)
    if which is None or "prices" in which:
        scoring = prepared.loaded.scenario.scoring if prepared.loaded is not None else None
        with stage("analyse"):
            t0 = time.perf_counter()
            analysis.prices = price_table(year_rule_prices(
                prepared.dataset, prepared.scores, prepared.settings, scoring,
                base=result.plan, only=rules))
            analysis.seconds["prices"] = time.perf_counter() - t0
    result.add_analysis(analysis)
    return result


# --- the re-plan --------------------------------------------------------------------------
def replan_folder(workbook: str | Path, year: int) -> Path:
    """The default results folder of a re-plan: beside the workbook's results folder,
    ``<results folder>-replan-<year + 1>``."""
    folder = Path(workbook).resolve().parent
    return folder.with_name(f"{folder.name}-replan-{int(year) + 1}")


def _meta_scenario(workbook: Path) -> str | None:
    """The scenario file recorded on the workbook's Meta sheet (section scenario, key
    file), or None."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(workbook, read_only=True, data_only=True)
    except Exception:  # the round trip has already said what is wrong with the file
        return None
    try:
        for name in ("Meta",):
            if name not in book.sheetnames:
                continue
            for row in book[name].iter_rows(values_only=True):
                if len(row) >= 3 and row[0] == "scenario" and row[1] == "file" and row[2]:
                    return str(row[2])
    finally:
        book.close()
    return None


def recorded_scenario(workbook: str | Path) -> str | None:
    """The scenario file a multi-year workbook was written from, as recorded: the
    ``scenario.file`` of the summary.json beside it, else its Meta sheet's; None when
    neither records one."""
    workbook = Path(workbook)
    summary = workbook.parent / "summary.json"
    try:
        found = json.loads(summary.read_text(encoding="utf-8"))["scenario"]["file"]
        if isinstance(found, str) and found:
            return found
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return _meta_scenario(workbook)


def _check_codes(history: pd.DataFrame, ds, workbook: Path) -> None:
    """A RoundTripError when the recorded history names villages or programmes the
    scenario's data set does not know (a workbook written from other data)."""
    from planning.report.roundtrip import RoundTripError, Where, _problem
    from planning.report.years import RECORD_SHEET

    where = Where(workbook.name, RECORD_SHEET)
    problems = []
    for column, codes in (("village", set(ds.villages["code"].astype(str))),
                          ("program", set(ds.programs["code"].astype(str)))):
        for value in sorted(set(history[column].astype(str)) - codes):
            problems.append(_problem(where.at(None, column), "roundtrip.plan_other_data",
                                     value=value))
    if problems:
        raise RoundTripError(problems)


def _check_inputs(workbook: Path, hashes: dict[str, str]) -> None:
    """ReplanError when a data file the workbook's plan was made from (its Meta sheet's
    ``input_sha256``) now reads otherwise: the recorded years would be costed and valued
    again from the new files (a unit cost raised after the fact shows a recorded agency
    over its pagu), so the re-plan stops and names them."""
    from openpyxl import load_workbook

    from planning.report.roundtrip import meta_values

    try:
        book = load_workbook(workbook, read_only=True, data_only=True)
    except Exception:  # the round trip has already read it; never a traceback here
        return
    try:
        kept = {key: value for (section, key), value in meta_values(book).items()
                if section == "input_sha256"}
    finally:
        book.close()
    changed = sorted(name for name, sha in kept.items()
                     if name in hashes and hashes[name] != sha)
    if changed:
        raise ReplanError("data_changed", workbook=workbook.name, files=", ".join(changed))


def replan(workbook: str | Path, year: int, scenario: str | Path,
           out_dir: str | Path | None = None, lang: str | None = None) -> YearsResult:
    """Read what was delivered in ``year`` from the sheet "RKPD <year>" of ``workbook``
    (:func:`planning.report.years_roundtrip.read_recorded_year`), and re-plan the
    remaining years of the multi-year ``scenario`` with it as history (commitments kept).
    ``out_dir`` defaults to :func:`replan_folder` and is checked before any work (a new
    or empty folder, or a planning results folder, never one holding the inputs). Raises
    RoundTripError (the workbook), ReplanError, SettingsError, DataError,
    ResultsFolderError and ModelError; nothing is written here (call ``write()``)."""
    from planning.report.years_roundtrip import read_recorded_year

    workbook = Path(workbook)
    recorded = read_recorded_year(workbook, int(year))
    target = Path(out_dir) if out_dir is not None else replan_folder(workbook, year)
    prepared = prepare(scenario, lang=lang, check_out=False)
    horizon = prepared.settings.horizon
    if horizon is None:
        raise ReplanError("scenario_one_year", path=scenario)
    if list(horizon.years) != recorded.years:
        raise ReplanError("other_horizon", path=scenario, workbook=workbook.name,
                          found=", ".join(map(str, recorded.years)),
                          years=", ".join(map(str, horizon.years)))
    protect = (*prepared.protect, workbook)
    check_target(target, protect, "run")
    _check_codes(recorded.history, prepared.dataset, workbook)
    _check_inputs(workbook, prepared.dataset.file_hashes)
    scenario_record = {**prepared.scenario, "edited_workbook": workbook.name,
                       "recorded_year": int(year)}
    prepared = dataclasses.replace(prepared, out_dir=target, protect=protect,
                                   scenario=scenario_record)
    counts = recorded.rows["status"].value_counts().to_dict()
    block = {"workbook": workbook.name, "year": int(year),
             "recorded_years": sorted(int(y) for y in set(recorded.history["year"])),
             "rows": len(recorded.rows),
             "done": int(counts.get("done", 0)), "partly": int(counts.get("partly", 0)),
             "not_done": int(counts.get("not_done", 0)),
             "units_planned": int(recorded.rows["planned"].sum()),
             "units_delivered": int(recorded.rows["delivered"].sum())}
    return execute_years(prepared, history=recorded.history, replanned=block,
                         focus_guess=recorded.focus, realised=recorded.realised)

"""The result of one run, in memory: the data set, the scores, the plan, summary.json's
contents, the provenance, the warnings and what moved; every output file as bytes
(:meth:`Result.files`), written atomically by :meth:`Result.write`.

Everything in the CSV files and ``summary.json`` depends only on the inputs, so a re-run
gives byte-identical files; wall-clock timings go to ``timing.json`` alone.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from planning.analysis.equity import Equity, dimension_units, equity
from planning.analysis.price import Price, price_of_balance
from planning.data import DataSet
from planning.data.summary import (
    agency_summary,
    headline,
    indicator_summary,
    kecamatan_summary,
    synthetic_note,
)
from planning.model import Allocation
from planning.pipeline.plan_summary import allocation_summary, equity_summary, price_summary
from planning.pipeline.preparing import Prepared
from planning.pipeline.provenance import provenance
from planning.report.folder import csv_bytes, json_bytes, write_folder
from planning.report.labels import named_plan
from planning.scoring import ScoreResult

#: the planners' workbook, by the run's language
WORKBOOK = {"id": "rencana_alokasi.xlsx", "en": "allocation_plan.xlsx"}
#: the folder of the figures and maps in a results folder
FIGURES = "figures/"


def data_block(ds: DataSet, provenance: dict, lang: str) -> dict:
    """The entries of summary.json about the data set and the run's inputs (the same in
    every kind of run): provenance, headline, the synthetic-data note and indicators,
    input hashes, package versions, the language and the data set's warnings."""
    return {"dataset": provenance["dataset"], "headline": headline(ds),
            "data_status": synthetic_note(ds, "en"),
            "synthetic_indicators": ds.synthetic_indicators(),
            "input_sha256": provenance["input_sha256"], "versions": provenance["versions"],
            "language": lang, "warnings": [w.message("en") for w in ds.warnings]}


class Written:
    """What every executed run shares: its files (tables as CSV, summary.json,
    timing.json, figures, the workbook) written atomically by :meth:`write` into a
    results folder of its ``kind``, and where its workbook went."""

    kind = "run"
    out_dir: Path | None = None

    def standard_files(self, tables: dict[str, pd.DataFrame],
                       figures: dict[str, bytes]) -> dict[str, bytes]:
        """``tables`` as CSV, summary.json, timing.json, ``figures`` under figures/ and
        the workbook: name (relative to the results folder) -> bytes."""
        files = {name: csv_bytes(table) for name, table in tables.items()}
        files["summary.json"] = json_bytes(self.summary)
        files["timing.json"] = json_bytes(self.timing)
        files.update({FIGURES + name: data for name, data in figures.items()})
        files[self.workbook_name] = self.workbook_bytes()
        return files

    def write(self, out_dir: str | Path | None = None) -> Path:
        """Write :meth:`files` atomically into ``out_dir`` (default: the prepared
        results folder), never over the run's inputs; returns the folder as given."""
        target = out_dir if out_dir is not None else self.prepared.out_dir
        if target is None:
            raise ValueError("no results folder: give out_dir")
        write_folder(target, self.files(), kind=self.kind, protect=self.prepared.protect)
        self.out_dir = Path(target)
        return self.out_dir

    @property
    def workbook_path(self) -> Path | None:
        """Where the workbook was written (None before :meth:`write`)."""
        return None if self.out_dir is None else self.out_dir / self.workbook_name


class Result(Written):
    """One executed run (see :func:`planning.pipeline.execute`).

    ``dataset``, ``scores``, ``allocation`` (holding a plan), ``equity`` (its equity
    measures, computed once here; summary.json's ``equity`` block, the console and the
    workbook read them), ``efficiency`` (the pure efficiency plan of a balanced scenario,
    or None: not balanced, or the model refused it), ``price`` (the
    :class:`~planning.analysis.price.Price` of balance, always present: its ``state``
    says whether it was computed, the scenario is not balanced or the efficiency plan has
    none), ``summary`` (summary.json),
    ``provenance`` (the one record summary.json and the workbook share), ``moved`` (what
    moved from an edited workbook, or None), ``timing`` (timing.json) and ``out_dir``
    (None until written)."""

    def __init__(self, prepared: Prepared, allocation: Allocation, *,
                 efficiency: Allocation | None = None, efficiency_status: str | None = None):
        self.prepared = prepared
        self.dataset: DataSet = prepared.dataset
        self.scores: ScoreResult = prepared.scores
        self.allocation = allocation
        self.lang = prepared.lang
        self.out_dir: Path | None = None
        self.analysis = None
        """The analyses for the coordination meeting (:meth:`add_analysis`), or None."""
        self.moved: pd.DataFrame | None = None
        if prepared.edits is not None:
            from planning.report.roundtrip import moved_table

            self.moved = moved_table(prepared.edits, allocation.tables.plan)
        ds, scenario = self.dataset, prepared.scenario
        plan = allocation_summary(allocation, self.lang)
        units = dimension_units(ds)
        self.equity: Equity = equity(allocation, units)
        self.efficiency = efficiency
        self.price: Price = price_of_balance(allocation, efficiency, units=units,
                                             balanced_equity=self.equity,
                                             efficient_status=efficiency_status)
        self.provenance = provenance(ds, scenario.get("data", Path(ds.path).as_posix()), plan)
        focus = self.score_table[self.score_table["selected"]]
        self.summary = {
            "stage": "allocation",
            "scenario": scenario,
            "focus_villages": focus["code"].tolist(),
            "focus_stability": focus["stability"].value_counts().sort_index().to_dict()
            if "stability" in focus else {},
            "typology_clusters": self.scores.typology.k,
            **data_block(ds, self.provenance, self.lang),
            "allocation": plan,
            "equity": equity_summary(self.equity),
            "price_of_balance": price_summary(self.price),
        }
        self.timing = {
            "seconds": {k: round(v, 4) for k, v in allocation.timings.items()},
            "note": "wall-clock times; the only output that differs between re-runs"}
        if efficiency is not None:
            self.timing["efficiency_plan_seconds"] = {
                k: round(v, 4) for k, v in efficiency.timings.items()}

    # --- tables ------------------------------------------------------------------
    @cached_property
    def score_table(self) -> pd.DataFrame:
        """The village scores as written (village_scores.csv): each village's reason and
        the data status in the run's language, codes as codes."""
        return self.scores.table_in(self.lang).assign(
            data_status=synthetic_note(self.dataset, self.lang))

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every CSV file of the results folder as a table, file name -> DataFrame."""
        ds, t = self.dataset, self.allocation.tables
        note = synthetic_note(ds, self.lang)
        tables = {
            "data_kecamatan.csv": kecamatan_summary(ds, self.lang),
            "data_agencies.csv": agency_summary(ds),
            "data_indicators.csv": indicator_summary(ds),
            "village_scores.csv": self.score_table,
            "allocation_plan.csv": named_plan(t.plan, ds.programs, self.prepared.lang).assign(
                data_status=note),
            "allocation_agencies.csv": t.agencies.assign(data_status=note),
            "allocation_kecamatan.csv": t.kecamatan.assign(data_status=note),
            "allocation_villages.csv": t.villages.assign(data_status=note),
            "allocation_dimensions.csv": t.dimensions.assign(data_status=note),
            "allocation_baselines.csv": t.baselines.assign(data_status=note),
        }
        if self.moved is not None:
            tables["moved.csv"] = self.moved
        if self.analysis is not None:
            tables.update({name: table.assign(data_status=note)
                           for name, table in self.analysis.tables().items()})
        return tables

    def add_analysis(self, analysis) -> None:
        """Keep ``analysis`` (:class:`~planning.analysis.rakor.Analysis` of this plan):
        its tables, figures and workbook sheets join the results folder."""
        self.analysis = analysis
        self.timing["analysis_seconds"] = {k: round(v, 4) for k, v in analysis.seconds.items()}
        if analysis.workers:
            self.timing["robustness_workers"] = analysis.workers
        if getattr(analysis, "runs", None):
            self.timing["analysis_workers"] = analysis.runs
        for cached in ("_drawn", "_workbook"):
            self.__dict__.pop(cached, None)

    def warnings(self, lang: str | None = None) -> list[str]:
        """The data set's and the plan's warnings, in ``lang`` (default: the run's)."""
        lang = lang or self.lang
        return [*(w.message(lang) for w in self.dataset.warnings),
                *(w.render(lang) for w in self.allocation.warnings)]

    # --- figures and the workbook ------------------------------------------------
    @cached_property
    def _drawn(self) -> dict[str, bytes]:
        from planning.report.figures import figure_files
        from planning.report.maps import plan_map_files

        ds, maps, lang = self.dataset, self.prepared.maps, self.lang
        note = synthetic_note(ds, lang)
        files = dict(figure_files(self.allocation, lang, note=note))
        files.update(plan_map_files(
            ds, self.allocation, scores=self.score_table, boundary=maps.get("boundary"),
            boundary_kecamatan=maps.get("boundary_kecamatan"), lang=lang, note=note))
        if self.analysis is not None:
            from planning.report.analysis import analysis_figure_files

            files.update(analysis_figure_files(self.analysis, note))
            if self.analysis.robustness is not None:
                from planning.report.robustness import (
                    robustness_heatmap_png,
                    robustness_map_png,
                )
                from planning.report.workbook import ROBUSTNESS_FIGURE

                rob = self.analysis.robustness
                files[ROBUSTNESS_FIGURE] = robustness_heatmap_png(rob, lang, note)
                files["map_robustness.png"] = robustness_map_png(
                    rob, ds.villages, lang, boundary=maps.get("boundary"),
                    boundary_kecamatan=maps.get("boundary_kecamatan"), note=note)
        return files

    def figures(self) -> dict[str, bytes]:
        """The figures and maps as PNG bytes, file name -> bytes (``map_plan.html``, the
        interactive map, and ``map_plan.gpkg``, the GeoPackage, are in :meth:`files`)."""
        return {name: data for name, data in self._drawn.items() if name.endswith(".png")}

    def plan_map(self, tiles: str | None = "OpenStreetMap"):
        """The interactive map of the plan (a folium Map: what ``figures/map_plan.html``
        holds), shown by a notebook: village names, the plan per village in a popup, the
        kecamatan outlines. ``tiles``: the basemap (None: none)."""
        from planning.report.maps import plan_web_map

        maps = self.prepared.maps
        return plan_web_map(self.dataset, self.allocation, scores=self.score_table,
                            boundary=maps.get("boundary"),
                            boundary_kecamatan=maps.get("boundary_kecamatan"),
                            lang=self.lang, note=synthetic_note(self.dataset, self.lang),
                            tiles=tiles)

    def figure_objects(self) -> dict:
        """The charts (not the maps) as matplotlib Figures, file name -> Figure."""
        from planning.report.figures import figure_objects

        return figure_objects(self.allocation, self.lang,
                              note=synthetic_note(self.dataset, self.lang))

    @property
    def workbook_name(self) -> str:
        return WORKBOOK[self.lang]

    @cached_property
    def _workbook(self) -> bytes:
        from planning.report.workbook import workbook_bytes

        return workbook_bytes(
            ds=self.dataset, scores=self.scores.shown_table(self.lang),
            allocation=self.allocation,
            summary=self.summary["allocation"], scenario=self.summary["scenario"],
            provenance=self.provenance, lang=self.lang, moved=self.moved,
            equity=self.equity, price=self.price, analysis=self.analysis,
            figures=self._drawn if self.analysis is not None else None)

    def workbook_bytes(self) -> bytes:
        """The planners' workbook (xlsx) in the run's language."""
        return self._workbook

    # --- files ------------------------------------------------------------------
    def files(self) -> dict[str, bytes]:
        """Every output file, name (relative to the results folder) -> bytes."""
        files = self.standard_files({name: table for name, table in self.tables().items()
                                     if name != "moved.csv"}, self._drawn)
        if self.moved is not None:
            files["moved.csv"] = csv_bytes(self.moved)
        return files

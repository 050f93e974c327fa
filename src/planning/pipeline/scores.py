"""The scoring job (``planning score``) in the shape of a run: prepare (settings resolved
from a scenario and options, the data set loaded), execute (score, pick, compare with 2020)
and the files of :class:`planning.report.scoring.ScoreReport`, written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planning.config.options import Resolved
from planning.data import DataSet, load_dataset
from planning.report.folder import write_folder
from planning.report.scoring import ScoreReport, score_report


@dataclass(frozen=True)
class PreparedScores:
    """A scoring job ready to execute: the data set and the resolved settings."""

    dataset: DataSet
    resolved: Resolved
    lang: str
    out_dir: Path | None = None

    @property
    def protect(self) -> tuple[Path, ...]:
        """The job's inputs (data set, scenario file), which the folder must not hold."""
        scenario = self.resolved.scenario
        return (Path(self.dataset.path), *([scenario.path] if scenario is not None else []))


def prepare_scores(resolved: Resolved, lang: str = "id",
                   out_dir: str | Path | None = None) -> PreparedScores:
    """Load the data set of ``resolved`` (see :func:`planning.config.scoring.resolve`).
    Raises DataError for a bad data set."""
    return PreparedScores(load_dataset(resolved.data), resolved, lang,
                          Path(out_dir) if out_dir is not None else None)


class ScoresResult:
    """An executed scoring job: the report (tables, console lines, Markdown) and its
    files."""

    def __init__(self, prepared: PreparedScores, report: ScoreReport):
        self.prepared, self.report = prepared, report
        self.dataset = prepared.dataset
        self.out_dir: Path | None = None

    def files(self) -> dict[str, bytes]:
        return self.report.files()

    def write(self, out_dir: str | Path | None = None) -> Path:
        """Write :meth:`files` atomically into ``out_dir`` (default: the prepared
        folder); returns the folder as an absolute path."""
        target = out_dir if out_dir is not None else self.prepared.out_dir
        if target is None:
            raise ValueError("no results folder: give out_dir")
        self.out_dir = write_folder(target, self.files(), kind="scores",
                                    protect=self.prepared.protect)
        return self.out_dir


def execute_scores(prepared: PreparedScores) -> ScoresResult:
    """Score the villages (SettingsError naming the option or scenario key for a problem
    found with the data)."""
    return ScoresResult(prepared, score_report(prepared.dataset, prepared.resolved,
                                               prepared.lang))

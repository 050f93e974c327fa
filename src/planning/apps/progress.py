"""A run's progress on the screen and, on request, in a log file.

The pipeline tells its stages as :mod:`logging` records (:mod:`planning.model.progress`)
and the solver what HiGHS reports during a MIP (:mod:`planning.model.solve`); this module
shows them, in the run's language, while :func:`shown` is active:

- on a terminal: one line per finished stage ("Rencana cepat: 27 desa dalam model,
  selisih tersertifikasi 13,70% (2,2 dtk)") and below them a live status line (tqdm, as
  the progress bar of the Dask draws in :mod:`planning.analysis.workers`): the running
  stage, the MIP's current gap, the time taken;
- in a notebook (a kernel's output is never a terminal): the same lines in one output
  area updated in place (no stderr, no widget);
- elsewhere (a pipe, a log, ``CI`` set): one line per finished stage only, and during a
  long MIP a line with its current gap every :data:`HEARTBEAT` seconds;

on stderr (the results summary stays alone on stdout). ``verbosity`` 0 shows nothing
(``-q``), 2 also each stage's start and the solver's reports (``-v``). A log file
(:func:`check_log_file`) gets every stage with its time and the solver's gaps, with a
timestamp per line; it is appended to, never overwritten.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from planning import i18n

#: the logger all of planning's progress records go to
LOGGER = "planning"
#: seconds between two lines with the MIP's gap where no live line can be drawn
HEARTBEAT = 30.0
#: seconds between two solver lines with ``-v`` (a better plan is always shown)
VERBOSE_EVERY = 5.0
#: stages during which the solver's reports belong to the plan being made
SOLVING = ("mip", "efficiency")
#: how a log file of planning starts (its first line): the tool appends only to such a file
LOG_START = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} INFO planning ")


def version() -> str:
    """This package's installed version ("unknown" when it is not installed)."""
    try:
        return metadata.version("planning")
    except metadata.PackageNotFoundError:
        return "unknown"


def in_notebook() -> bool:
    """True inside a Jupyter kernel (as tqdm.auto decides)."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def display_mode() -> str:
    """``notebook`` in a Jupyter kernel; ``lines`` when stderr is not a terminal or the
    environment variable ``CI`` is set; else ``live``."""
    if in_notebook():
        return "notebook"
    if os.environ.get("CI") or not sys.stderr.isatty():
        return "lines"
    return "live"


@dataclass
class _Language:
    """The language of the display, which follows the scenario's unless fixed."""

    lang: str
    fixed: bool

    def follow(self, record: logging.LogRecord) -> None:
        wanted = getattr(record, "params", {}).get("lang")
        if not self.fixed and getattr(record, "event", None) == "done" and wanted:
            self.lang = wanted


def _seconds(value: float, lang: str) -> str:
    return i18n.number(value, lang, 1)


def _gap(value: float | None, lang: str) -> str:
    return "-" if value is None else i18n.percent(value, lang, 2)


def _value(value: float | None, lang: str) -> str:
    return "-" if value is None else i18n.number(value, lang, 1)


def stage_label(name: str, lang: str) -> str:
    return i18n.text(f"progress.stage.{name}", lang)


def stage_line(record: logging.LogRecord, lang: str) -> str:
    """The line of a stage record: "Rencana cepat: 27 desa dalam model, selisih
    tersertifikasi 13,70% (2,2 dtk)" when it ended, "Rencana cepat …" when it started."""
    name, event, params = record.stage, record.event, record.params
    label = stage_label(name, lang)
    if event == "start":
        return i18n.text("progress.started", lang, stage=label)
    seconds = _seconds(params.get("seconds", 0.0), lang)
    if event == "failed":
        return i18n.text("progress.failed", lang, stage=label, seconds=seconds)
    shown = {k: v for k, v in params.items() if k not in ("seconds", "lang")}
    if "gap" in shown:
        shown["gap"] = _gap(shown["gap"], lang)
    if "status" in shown:
        shown["status"] = shown["status"] or "-"
    if name == "years" and isinstance(shown.get("years"), int):  # "1 year", "5 years"
        shown["years"] = i18n.counted("progress.years_count", shown["years"], lang)
    for key, decimals in (("envelope", 0), ("villages", 0), ("level", 4)):
        if isinstance(shown.get(key), (int, float)):
            shown[key] = i18n.number(shown[key], lang, decimals)
    details = i18n.text(f"progress.done.{name}", lang, **shown)
    return i18n.text("progress.line", lang, stage=label, details=details, seconds=seconds)


def solver_state(found: dict, lang: str) -> str:
    """The MIP's state in short: "selisih saat ini 1,19%" ("" before HiGHS has a
    bound)."""
    if found["gap"] is None:
        return ""
    return i18n.text("progress.gap_now", lang, gap=_gap(found["gap"], lang))


def solver_line(found: dict, lang: str) -> str:
    """One report of HiGHS: time, better plan or still running, objective, bound, gap,
    nodes."""
    return i18n.text(f"progress.solver.{found['kind']}", lang,
                     seconds=_seconds(found["seconds"], lang),
                     objective=_value(found["objective"], lang),
                     bound=_value(found["bound"], lang), gap=_gap(found["gap"], lang),
                     nodes=i18n.number(found["nodes"], lang))


class _Screen:
    """Where the lines go: :meth:`line` keeps a line, :meth:`status` replaces the live
    status (only where one can be drawn)."""

    live = False

    def line(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def status(self, text: str | None) -> None:
        pass

    def close(self) -> None:
        pass


class _Terminal(_Screen):
    """Kept lines above a tqdm status line (running stage, current gap, time taken),
    redrawn twice a second by a small thread."""

    live = True

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=None, file=sys.stderr, leave=False, dynamic_ncols=True,
                        bar_format="{desc} [{elapsed}]")
        self.stop = threading.Event()
        self.ticker = threading.Thread(target=self._tick, daemon=True)
        self.ticker.start()

    def _tick(self) -> None:
        while not self.stop.wait(0.5):
            self.bar.refresh()

    def line(self, text: str) -> None:
        self.bar.write(text, file=sys.stderr)

    def status(self, text: str | None) -> None:
        self.bar.set_description_str(text or "", refresh=True)

    def close(self) -> None:
        self.stop.set()
        self.ticker.join()
        self.bar.close()


class _Notebook(_Screen):
    """The kept lines and the status in one output area, updated in place (at most
    twice a second, and at every kept line)."""

    live = True

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: str | None = None
        self.shown_at = 0.0
        self.handle = None  # the output area, made with the first line to show

    def _text(self):
        from IPython.display import Pretty

        return Pretty("\n".join([*self.lines, *([self.current] if self.current else [])]))

    def _show(self, now: bool) -> None:
        if self.handle is None:
            from IPython.display import display

            if not self.lines and not self.current:
                return
            self.handle = display(self._text(), display_id=True)
        elif now or time.monotonic() - self.shown_at >= 0.5:
            self.handle.update(self._text())
        else:
            return
        self.shown_at = time.monotonic()

    def line(self, text: str) -> None:
        self.lines.append(text)
        self._show(True)

    def status(self, text: str | None) -> None:
        self.current = text
        self._show(text is None)

    def close(self) -> None:
        self.current = None
        self._show(True)


class Display(logging.Handler):
    """Shows the records of a run's stages and of the solver (module docstring)."""

    def __init__(self, language: _Language, verbosity: int = 1, mode: str | None = None):
        super().__init__(logging.DEBUG)
        self.language, self.verbosity = language, verbosity
        mode = mode or display_mode()
        self.screen = {"live": _Terminal, "notebook": _Notebook}.get(mode, _Screen)()
        self.running: str | None = None
        self.told = -float("inf")

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if hasattr(record, "stage"):
                if record.depth == 0:  # a stage inside another is part of that one
                    self._stage(record)
            elif hasattr(record, "solver"):
                self._solver(record.solver)
        except Exception:
            self.handleError(record)

    def _stage(self, record: logging.LogRecord) -> None:
        self.language.follow(record)
        lang = self.language.lang
        if record.event == "start":
            self.running, self.told = record.stage, time.monotonic()
            if self.verbosity > 1:
                self.screen.line(stage_line(record, lang))
            self.screen.status(i18n.text("progress.started", lang,
                                         stage=stage_label(record.stage, lang)))
            return
        self.running = None
        self.screen.status(None)
        if record.event == "done" or self.verbosity > 1:  # the error itself says enough
            self.screen.line(stage_line(record, lang))

    def _solver(self, found: dict) -> None:
        if self.running not in SOLVING:
            return
        lang, now = self.language.lang, time.monotonic()
        label = stage_label(self.running, lang)
        if self.screen.live:
            self.screen.status(f"{i18n.text('progress.started', lang, stage=label)} "
                               f"{solver_state(found, lang)}".rstrip())
        if self.verbosity > 1:
            if found["kind"] == "better" or now - self.told >= VERBOSE_EVERY:
                self.screen.line("  " + solver_line(found, lang))
                self.told = now
        elif not self.screen.live and now - self.told >= HEARTBEAT:
            self.screen.line(i18n.text("progress.heartbeat", lang, stage=label,
                                       seconds=_seconds(found["seconds"], lang),
                                       state=solver_state(found, lang) or i18n.text(
                                           "progress.gap_now", lang, gap="-")))
            self.told = now

    def close(self) -> None:
        self.screen.close()
        super().close()


class _LogFormat(logging.Formatter):
    """A log line: timestamp, level, and the record in the run's language."""

    def __init__(self, language: _Language):
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.language = language

    def formatMessage(self, record: logging.LogRecord) -> str:
        if hasattr(record, "stage"):
            self.language.follow(record)
            record.message = stage_line(record, self.language.lang)
        elif hasattr(record, "solver"):
            record.message = "  " + solver_line(record.solver, self.language.lang)
        return super().formatMessage(record)


class _SolvingOnly(logging.Filter):
    """The solver's reports of the plan being made (not those of the analyses' many
    solves), at most one every :data:`VERBOSE_EVERY` seconds unless a better plan."""

    def __init__(self) -> None:
        super().__init__()
        self.running: str | None = None
        self.told = -float("inf")

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "stage"):
            if record.depth:
                return False
            self.running = record.stage if record.event == "start" else None
            return True
        if hasattr(record, "solver"):
            now = time.monotonic()
            if self.running not in SOLVING or (record.solver["kind"] != "better"
                                               and now - self.told < VERBOSE_EVERY):
                return False
            self.told = now
        return True


class LogFileError(Exception):
    """A log file that must not be written; :meth:`render` says why in either language."""

    def __init__(self, key: str, **params: object):
        self.key, self.params = key, params
        super().__init__(self.render("en"))

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.text(self.key, lang, **self.params)


def check_log_file(path: str | Path, results: str | Path | None = None) -> Path:
    """``path`` as a log file to append to, or LogFileError: not a folder, not inside
    the results folder ``results`` (the tool would find a file it did not write there),
    its folder must exist, and an existing file only if it is a log of planning (its
    first line says so: :data:`LOG_START`), never another file."""
    path = Path(path)
    if path.is_dir():
        raise LogFileError("cli.log_is_folder", path=path)
    if results is not None and path.resolve().is_relative_to(Path(results).resolve()):
        raise LogFileError("cli.log_in_results", path=path, folder=results)
    if not path.parent.is_dir():
        raise LogFileError("cli.log_no_folder", path=path, folder=path.parent)
    if path.exists() and path.stat().st_size:
        try:
            with path.open(encoding="utf-8") as handle:
                first = handle.readline()
        except (OSError, UnicodeDecodeError):
            first = ""
        if not LOG_START.match(first):
            raise LogFileError("cli.log_not_ours", path=path)
    return path


@contextmanager
def shown(lang: str = i18n.DEFAULT_LANGUAGE, verbosity: int = 1,
          log_file: str | Path | None = None, fixed: bool = True,
          title: str = "", mode: str | None = None) -> Iterator[None]:
    """Show the progress of what runs inside the block (module docstring): on the
    screen unless ``verbosity`` is 0, and in ``log_file`` (checked by
    :func:`check_log_file` first), whose entries start with a line naming planning's
    version and ``title`` (the command). ``fixed``: keep ``lang`` even when the scenario
    asks for another language (else the display follows the scenario's). ``mode``:
    ``live``, ``notebook`` or ``lines`` instead of :func:`display_mode`."""
    logger = logging.getLogger(LOGGER)
    language = _Language(i18n.check_language(lang), fixed)
    handlers: list[logging.Handler] = []
    if log_file is not None:
        to_file = logging.FileHandler(log_file, mode="a", encoding="utf-8")
        to_file.setFormatter(_LogFormat(language))
        to_file.addFilter(_SolvingOnly())
        handlers.append(to_file)
    if verbosity > 0:
        handlers.append(Display(language, verbosity, mode))
    if not handlers:
        yield
        return
    saved = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # a program's own logging set-up does not get them twice
    for handler in handlers:
        logger.addHandler(handler)
    if log_file is not None:
        logger.info("planning %s: %s", version(), title)
    try:
        yield
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
            handler.close()
        logger.setLevel(saved[0])
        logger.propagate = saved[1]

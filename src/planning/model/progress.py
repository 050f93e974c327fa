"""Progress of a run, told as Python :mod:`logging` records (nothing is printed here).

A run goes through named stages (:data:`STAGES`): loading the scenario and the data set,
scoring the villages, the quick plan with its certified gap, the MIP, the pure
efficiency plan of a balanced scenario, the analyses, writing the results folder. Each
stage logs one record when it starts and one when it ends (``INFO``, logger
``planning.model.progress``); a stage inside another one (the quick plan and the MIP of
each of the many plans of an analysis) has ``depth`` above 0, so that a display can show
only the run's own stages. The solver logs what HiGHS reports during a MIP
(``DEBUG``, logger ``planning.model.solve``, see :mod:`planning.model.solve`). A record
carries, besides its English message, the attributes ``stage`` (a name of
:data:`STAGES`), ``event`` (``start``, ``done`` or ``failed``), ``depth`` and ``params``
(what the stage found: counts, status, gap, ``seconds``), so that a display can say it in the
run's language (``planning.apps.progress``, used by the command line and notebook 05).

Without a handler (the default for a library) the records go nowhere; a program that
configures :mod:`logging` sees them as English lines. Progress never changes a result:
times are only in these records, never in an output file.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: the stages of a run, in order (a run has the ones it needs)
STAGES = ("load", "score", "quick", "mip", "efficiency", "years", "region", "curves", "split",
          "plans",
          "analyse", "write")

log = logging.getLogger(__name__)
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("stage_depth", default=0)


@contextmanager
def stage(name: str, **params: object) -> Iterator[dict]:
    """Log the start of the stage ``name`` and, when the block ends, its end with the
    seconds it took and what the block put into the yielded dict (``status``, ``gap``,
    counts). A block that raises logs ``failed`` (at DEBUG) and raises on."""
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; known: {', '.join(STAGES)}")
    depth = _depth.get()
    token = _depth.set(depth + 1)
    told = {"stage": name, "depth": depth}
    log.info("stage %s: start", name, extra={**told, "event": "start",
                                             "params": dict(params)})
    found: dict = dict(params)
    t0 = time.perf_counter()
    try:
        yield found
    except BaseException:
        found["seconds"] = time.perf_counter() - t0
        log.debug("stage %s: failed after %.1f s", name, found["seconds"],
                  extra={**told, "event": "failed", "params": found})
        raise
    finally:
        _depth.reset(token)
    found["seconds"] = time.perf_counter() - t0
    log.info("stage %s: done in %.1f s %s", name, found["seconds"],
             {k: v for k, v in found.items() if k != "seconds"},
             extra={**told, "event": "done", "params": found})

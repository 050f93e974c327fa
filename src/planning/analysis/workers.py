"""Many independent solves on Dask (issue 15): robustness draws, alternative plans, the
points of a budget curve.

:func:`run_many` runs ``fn(task, shared)`` for every task of a list on
:mod:`dask.distributed` worker processes and gives an :class:`Outcome`: the results in
task order, the tasks that had to run more than once, the tasks that failed.

Where the tasks run (``workers`` and ``scheduler``):

* ``workers=0``: in this process, one after the other, without Dask (tests, small jobs).
* ``workers=N`` (default ``os.cpu_count()``): a ``LocalCluster`` of N worker *processes*
  of one thread each, no dashboard, quiet logs, closed when the run ends.
* ``scheduler="tcp://host:port"``: an existing cluster (``dask scheduler`` and
  ``dask worker ADDRESS --nthreads 1``, ``docs/workers.md``); only the client is closed
  at the end, never the cluster. An address that cannot be reached within
  :data:`CONNECT_TIMEOUT` seconds raises :class:`WorkersError`, which names it, as does
  one that has no worker after :data:`WORKER_WAIT` seconds.

Reproducible results: a result is placed by its task's index, whatever worker ran it and
whenever it finished; a task that draws random numbers must carry its own seed, made by
the caller from the run's seed and the task's index, e.g.
``np.random.default_rng(np.random.SeedSequence([seed, index]))``: never a generator
shared across tasks, never the worker's global state. Then the results do not depend on
the number of workers nor on the order tasks finished in. ``fn`` must be a module-level
function (it is pickled to the workers) and must not modify ``shared``.

``shared`` (a data set, say) is sent to the cluster once, as one task the others depend
on, then copied to every worker present (``client.replicate``), once per worker; every
task on a worker reads that worker's copy. As it is a task, not scattered data, the
scheduler recomputes it if all the workers holding it die.

Each worker process runs its numeric libraries on one thread (``OMP_NUM_THREADS``,
``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` = 1, :data:`ONE_THREAD`), on a local
cluster through Dask's ``distributed.nanny.pre-spawn-environ`` (set before the worker
process starts; a value in this process's environment would win there) and the worker's
``env`` (set in the worker process before the worker starts, whatever this process's
environment says); ``dask worker`` sets them to 1 by default too. Before its first task a
worker resets HiGHS's global thread pool (:func:`planning.model.solve.reset_highs_threads`;
nothing happens without highspy).

Retries, and how they are reported: a task that raises is run again up to ``retries``
times (``client.submit(..., retries=retries)``); a task whose worker process dies (killed,
out of memory, ``os._exit``) is rescheduled on another worker by the scheduler; on a
local cluster up to ``retries`` times too (``distributed.scheduler.allowed-failures``), on
an existing cluster as that cluster is configured. To know which tasks ran more than once,
every attempt first records itself on the scheduler: ``set_metadata([key, "attempts",
token], pid)``, a synchronous call that returns before the task's own work starts, so an
attempt is counted even when it kills its process. A finished task returns its count of
attempts with its result; the count of a failed task is read from the scheduler. Those
with more than one attempt are :attr:`Outcome.retried`. (That may include a task that
finished on a worker just before the worker died, if the news of its finish died with
the worker: it did run again.) The scheduler also gives up a
task that was only waiting on a worker when that worker died often enough (Dask counts
every task assigned to a dying worker); such a task, with no attempt recorded, is
submitted again under a new key (at most ``retries + 1`` times) rather than reported
failed. On an existing cluster, start workers with one thread each (``--nthreads 1``):
then only the task that killed a worker was running on it. The scheduler drops the record
when the task is forgotten. A task still failing after its retries does not stop the
run: it is in :attr:`Outcome.failed` with a short message, and its result is None.

Order and stopping: tasks start in their list's order (each is submitted with a Dask
priority that falls with its index), though they may finish in any order. A ``stop``
test of a result ends the run at the first result that meets it and cancels the tasks
not yet finished (:attr:`Outcome.stopped`): for a batch that cannot go on, such as
the curves of a region with a district whose data are refused.

Progress: a ``tqdm`` bar over finished tasks (``tqdm.auto``: a widget in a notebook, a line
in a console), titled ``label``; off with ``progress=False``, when the environment
variable ``CI`` is set, and when the console is not a terminal (logs stay readable).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from planning.i18n import KeyedMessage

#: seconds to wait for an existing scheduler before giving up
CONNECT_TIMEOUT = 10.0
#: seconds to wait for a first worker of an existing scheduler before giving up
WORKER_WAIT = 60.0
#: the environment of each worker process: numeric libraries on one thread
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
#: a local scheduler without dashboard, its small HTTP server (metrics) on any free port
#: (with ``dashboard_address=None`` alone it would try 8787, and warn when that is taken)
NO_DASHBOARD = {"dashboard": False, "dashboard_address": ":0"}
#: where an attempt is recorded, below its task's key, in the scheduler's metadata
ATTEMPTS = "attempts"
#: the longest error text kept for a failed task
MAX_ERROR = 300


class WorkersError(KeyedMessage):
    """The workers cannot be used (a scheduler that cannot be reached); ``key`` names the
    message in :mod:`planning.i18n`. ``str()`` is the English text, :meth:`render` gives
    either language."""


@dataclass(frozen=True)
class Outcome:
    """What :func:`run_many` did."""

    results: list
    """One result per task, in task order (whatever order the tasks finished in); None
    for a task in :attr:`failed`."""
    retried: list[int]
    """Indices (ascending) of the tasks that ran more than once: a worker died while
    running it, or it raised and was run again."""
    failed: dict[int, str]
    """Index -> short error text, for the tasks that failed after all their retries."""
    workers: int
    """Worker processes used (0: the tasks ran in this process, without Dask)."""
    address: str | None
    """The scheduler's address when an existing cluster was used, else None."""
    seconds: float
    """Wall-clock time of the run (for timing only; not reproducible)."""
    stopped: bool = False
    """True when a result met ``stop`` and the tasks not yet finished were cancelled
    (their results are None, and they are not in :attr:`failed`)."""


@dataclass(frozen=True)
class _Box:
    """A value passed to a task untouched (Dask looks inside lists, dicts and tuples of
    task arguments for tasks of its own; it does not look inside this)."""

    value: Any


_process_ready = False


def _prepare_process() -> None:
    """Once per process, before its first task: reset HiGHS's global thread pool; in a
    Dask worker, solve HiGHS in the worker itself (a worker is a daemonic process, which
    may not fork the watched solver process of :func:`planning.model.solve_model`; the
    worker is the watched process here: its nanny restarts it when it dies, and the task
    is run again and reported)."""
    global _process_ready
    if not _process_ready:
        from planning.model import solve

        if _in_worker():
            solve.ISOLATE_HIGHS = False
        with contextlib.suppress(ImportError):  # no highspy: nothing to reset
            solve.reset_highs_threads()
        _process_ready = True


def _in_worker() -> bool:
    """Whether this code runs in a Dask worker."""
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


def _record_attempt() -> int:
    """Record this attempt of the running task on the scheduler; the attempts so far."""
    from distributed import get_client, get_worker

    key = get_worker().get_current_task()
    client = get_client()
    client.set_metadata([key, ATTEMPTS, uuid.uuid4().hex], os.getpid())
    return len(client.get_metadata([key, ATTEMPTS]))


def _attempt(fn: Callable, task: _Box, shared: _Box) -> tuple[int, Any]:
    """One attempt of one task on a worker: (attempts so far, ``fn(task, shared)``)."""
    _prepare_process()
    attempts = _record_attempt()
    return attempts, fn(task.value, shared.value)


def _unbox(box: _Box) -> _Box:
    return box


def _short(error: BaseException) -> str:
    """``error`` as one short line: its type and the first line of its message."""
    message = str(error).strip().splitlines()
    line = f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
    return line if len(line) <= MAX_ERROR else line[:MAX_ERROR - 1] + "…"


def _bar(total: int, label: str, progress: bool):
    from tqdm.auto import tqdm
    from tqdm.notebook import tqdm_notebook

    quiet = not progress or bool(os.environ.get("CI"))
    # disable=None: off when the output is not a terminal (tqdm's own rule); in a notebook
    # (tqdm.auto gives the widget bar there) the output is never a terminal, so: on
    shown = False if issubclass(tqdm, tqdm_notebook) else None
    return tqdm(total=total, desc=label or None, disable=True if quiet else shown,
                unit="task", leave=False)


def _connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise WorkersError("workers.unreachable", address=address,
                           seconds=f"{CONNECT_TIMEOUT:g}") from error


def _wait_for_a_worker(client, address: str) -> None:
    """Until the scheduler at ``address`` has a worker (at most :data:`WORKER_WAIT`
    seconds): a cluster without workers would otherwise hold the tasks for ever."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT)
    except TimeoutError as error:
        raise WorkersError("workers.none", address=address,
                           seconds=f"{WORKER_WAIT:g}") from error


def run_many(fn: Callable[[Any, Any], Any], tasks: Iterable, *, shared: Any = None,
             workers: int | None = None, scheduler: str | None = None,
             progress: bool = True, label: str = "", retries: int = 2,
             kept: tuple | None = None,
             stop: Callable[[Any], bool] | None = None) -> Outcome:
    """Run ``fn(task, shared)`` for every task, on Dask worker processes (module
    docstring), and give the :class:`Outcome`. ``workers=0`` runs in this process;
    ``workers=None`` means ``os.cpu_count()``; ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786``) uses an existing cluster instead, and ``workers`` is then
    ignored. Raises :class:`WorkersError` when that scheduler cannot be reached.
    ``kept``: a (client, workers, address) of :func:`cluster` to run on (a
    :class:`Runner`'s kept cluster), instead of starting one for these tasks.
    ``stop``: a test of a task's result; the first result that meets it cancels the tasks
    not yet finished (a run that cannot go on, such as a district whose data are refused,
    says so at once). Which other tasks finished before then depends on timing: a caller
    must not take their results as the run's (only the stop itself is certain)."""
    tasks = list(tasks)
    if retries < 0:
        raise ValueError(f"retries must be 0 or more, not {retries}")
    if scheduler is None and workers is not None and workers < 0:
        raise ValueError(f"workers must be 0 or more, not {workers}")
    start = time.perf_counter()
    with _bar(len(tasks), label, progress) as bar:
        if kept is None and scheduler is None and workers == 0:
            results, attempts, failed, stopped = _in_process(fn, tasks, shared, retries,
                                                             bar, stop)
            used, address = 0, None
        else:
            results, attempts, failed, used, address, stopped = _on_dask(
                fn, tasks, shared, workers, scheduler, retries, bar, kept, stop)
    return Outcome(results=results, retried=sorted(i for i, n in attempts.items() if n > 1),
                   failed=dict(sorted(failed.items())), workers=used, address=address,
                   seconds=time.perf_counter() - start, stopped=stopped)


def _in_process(fn, tasks, shared, retries, bar, stop=None):
    _prepare_process()
    results, attempts, failed = [None] * len(tasks), {}, {}
    for index, task in enumerate(tasks):
        for attempt in range(1, retries + 2):
            attempts[index] = attempt
            try:
                results[index] = fn(task, shared)
            except Exception as error:  # a failed task is reported, not raised
                failed[index] = _short(error)
            else:
                failed.pop(index, None)
                break
        bar.update(1)
        if stop is not None and results[index] is not None and stop(results[index]):
            return results, attempts, failed, index + 1 < len(tasks)
    return results, attempts, failed, False


@contextlib.contextmanager
def cluster(workers: int | None, scheduler: str | None, retries: int = 2):
    """A Dask client for the tasks (see the module docstring): a local cluster of
    ``workers`` processes, closed at the end, or the existing cluster at ``scheduler``
    (only the client is closed). Yields (client, workers, address)."""
    import dask
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler is None:
            stack.enter_context(dask.config.set({
                "distributed.scheduler.allowed-failures": retries,
                "distributed.scheduler.worker-saturation": 1.0,
                "distributed.nanny.pre-spawn-environ": ONE_THREAD,
            }))
            used = workers or os.cpu_count() or 1
            local = stack.enter_context(LocalCluster(
                n_workers=used, threads_per_worker=1,
                processes=True, dashboard_address=None, scheduler_kwargs=NO_DASHBOARD,
                silence_logs=logging.CRITICAL,
                env=ONE_THREAD))
            client = stack.enter_context(Client(local, set_as_default=False))
            address = None
        else:
            client = stack.enter_context(_connect(scheduler))
            address = scheduler
            _wait_for_a_worker(client, scheduler)
            used = len(client.scheduler_info(n_workers=-1)["workers"])
        yield client, used, address


def _on_dask(fn, tasks, shared, workers, scheduler, retries, bar, kept=None, stop=None):
    from distributed import KilledWorker, as_completed

    with contextlib.ExitStack() as stack:
        if kept is not None:
            client, used, address = kept
        else:
            client, used, address = stack.enter_context(cluster(workers, scheduler, retries))

        run = uuid.uuid4().hex[:12]
        common = client.submit(_unbox, _Box(shared), key=f"planning-{run}-shared", pure=False)
        if used > 1:  # a copy on every worker, so that no worker is preferred for holding it
            client.replicate([common])
        def submit(i: int, again: int = 0):
            key = f"planning-{run}-{i}" + (f"-again{again}" if again else "")
            return client.submit(_attempt, fn, _Box(tasks[i]), common, key=key,
                                 retries=retries, pure=False, priority=len(tasks) - i)

        futures = [submit(i) for i in range(len(tasks))]
        index = {future.key: i for i, future in enumerate(futures)}
        results, attempts, failed, again = [None] * len(tasks), {}, {}, {}
        pending = {future.key: future for future in futures}
        stopped = False
        finished = as_completed(futures, loop=client.loop)
        for future in finished:
            i = index.pop(future.key)
            pending.pop(future.key, None)
            if future.status == "finished":
                attempts[i], results[i] = future.result()
                if stop is not None and results[i] is not None and stop(results[i]) \
                        and pending:
                    client.cancel(list(pending.values()))
                    future.release()
                    bar.update(1)
                    stopped = True
                    break
            else:
                try:
                    error = future.exception()
                except Exception as cancelled:  # cancelled: there is no exception
                    error = cancelled
                count = len(client.get_metadata([future.key, ATTEMPTS], default={}))
                future.release()
                if (isinstance(error, KilledWorker) and count == 0
                        and again.get(i, 0) <= retries):
                    # given up without ever starting: it only waited on workers that
                    # another task killed; run it again, under a new key
                    again[i] = again.get(i, 0) + 1
                    future = submit(i, again[i])
                    index[future.key] = i
                    pending[future.key] = future
                    finished.add(future)
                    continue
                failed[i], attempts[i] = _short(error), count
            future.release()  # its result is kept here; the cluster may forget it
            bar.update(1)
        common.release()
    return results, attempts, failed, used, address, stopped


@dataclass
class Runner:
    """Where the many solves of one run go (the scenario's ``analysis:`` section or the
    command line: ``workers``, ``scheduler``): calls :func:`run_many` for each batch of
    tasks and keeps, per batch ``label``, how it ran (:meth:`record`). The analyses that
    take a runner (the draws, the price of each rule, the budget curves) decide what a
    failed task means."""

    workers: int | None = None
    scheduler: str | None = None
    progress: bool = True
    runs: dict[str, dict] = field(default_factory=dict)
    """label -> :meth:`record` of the last batch of that label."""
    _kept: tuple | None = field(default=None, repr=False)

    def __call__(self, fn: Callable[[Any, Any], Any], tasks: Iterable, shared: Any = None,
                 label: str = "", stop: Callable[[Any], bool] | None = None) -> Outcome:
        outcome = run_many(fn, tasks, shared=shared, workers=self.workers,
                           scheduler=self.scheduler, progress=self.progress, label=label,
                           kept=self._kept, stop=stop)
        self.runs[label] = record(outcome)
        return outcome

    @contextlib.contextmanager
    def kept(self):
        """Within the block, every batch runs on one cluster (started once, not once per
        batch); in this process when ``workers`` is 0."""
        if self._kept is not None or (self.scheduler is None and self.workers == 0):
            yield self
            return
        with cluster(self.workers, self.scheduler) as client:
            self._kept = client
            try:
                yield self
            finally:
                self._kept = None


def record(outcome: Outcome) -> dict:
    """How a batch ran, for timing.json and the console: worker processes, the
    scheduler's address, the tasks run again, the tasks that failed, the seconds."""
    return {"workers": outcome.workers, "address": outcome.address,
            "retried": list(outcome.retried),
            "failed": {int(k): v for k, v in outcome.failed.items()},
            "seconds": round(outcome.seconds, 3)}

"""Many independent solves on Dask (issue 15): :func:`planning.analysis.workers.run_many`
on real worker processes. One two-worker cluster serves the module (used through its
address, the existing-cluster path); one run starts its own one-worker cluster; the rest
compare with ``workers=0`` (in this process). The task functions are module-level so that
the workers can import them."""

from __future__ import annotations

import logging
import os
import time

import numpy as np
import pulp
import pytest

from planning.analysis import workers as w
from planning.analysis.workers import Outcome, WorkersError, run_many

SEED = 2020
#: per run token -> times the shared object was unpickled in this process
UNPICKLED: dict[str, int] = {}


class Counted:
    """Shared data that counts, per process, how often it is unpickled."""

    def __init__(self, token: str, offset: float):
        self.token, self.offset = token, offset

    def __getstate__(self):
        return {"token": self.token, "offset": self.offset}

    def __setstate__(self, state):
        self.__dict__.update(state)
        UNPICKLED[self.token] = UNPICKLED.get(self.token, 0) + 1


def draw(index: int, shared: Counted) -> tuple[list[float], int, int]:
    """Seeded by the task's own index; sleeps a random while so that tasks finish out of
    order. (numbers + offset, pid, times the shared data reached this process)."""
    rng = np.random.default_rng(np.random.SeedSequence([SEED, index]))
    time.sleep(float(rng.uniform(0.0, 0.15)))
    numbers = [float(x) + shared.offset for x in rng.random(3)]
    return numbers, os.getpid(), UNPICKLED.get(shared.token, 0)


def fails_on_two(index: int, shared: object) -> int:
    if index == 2:
        raise RuntimeError("task two always fails\nwith a second line")
    return index * index


def dies_once(index: int, folder: str) -> int:
    """Task 1 ends its worker process on its first attempt (a marker file remembers)."""
    marker = os.path.join(folder, f"attempted-{index}")
    if index == 1 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return index * 10


def solve_knapsack(capacity: float, shared: dict) -> float:
    """A tiny integer programme solved with HiGHS; its objective."""
    prob = pulp.LpProblem(f"knapsack_{int(capacity)}", pulp.LpMaximize)
    items = [prob.add_variable(f"x{i}", lowBound=0, upBound=1, cat=pulp.LpInteger)
             for i in range(len(shared["value"]))]
    prob += pulp.lpSum(v * x for v, x in zip(shared["value"], items, strict=True))
    prob += pulp.lpSum(c * x for c, x in zip(shared["cost"], items, strict=True)) <= capacity
    prob.solve(pulp.HiGHS(msg=False))
    assert pulp.LpStatus[prob.status] == "Optimal"
    return float(pulp.value(prob.objective))


def slow_after_two(index: int, shared: object) -> int:
    """Task 2 returns at once; the others take a while, so that a stop at task 2 finds
    most of them unfinished."""
    if index != 2:
        time.sleep(0.5)
    return index


def always_dies(index: int, shared: object) -> int:
    if index == 0:
        os._exit(3)
    return index


@pytest.fixture(scope="module")
def address():
    """A two-worker cluster; a task is given up after it killed two workers."""
    import dask
    from distributed import LocalCluster

    with (dask.config.set({"distributed.scheduler.allowed-failures": 1}),
          LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                       dashboard_address=None, scheduler_kwargs=w.NO_DASHBOARD,
                       silence_logs=logging.CRITICAL) as cluster):
        yield cluster.scheduler_address


def test_results_do_not_depend_on_the_workers_and_shared_data_is_sent_once(address):
    tasks = list(range(12))
    runs = {}
    for name, how in {"here": {"workers": 0}, "one": {"workers": 1},
                      "two": {"scheduler": address}}.items():
        runs[name] = run_many(draw, tasks, shared=Counted(name, 1000.0), progress=False,
                              label=name, **how)
    for outcome in runs.values():
        assert isinstance(outcome, Outcome)
        assert outcome.failed == {} and outcome.retried == []
        assert len(outcome.results) == len(tasks)
    numbers = {name: [r[0] for r in outcome.results] for name, outcome in runs.items()}
    assert numbers["here"] == numbers["one"] == numbers["two"]
    # in task order: task i's numbers are those of its own seed
    first = np.random.default_rng(np.random.SeedSequence([SEED, 5]))
    first.uniform(0.0, 0.15)
    assert numbers["two"][5] == [float(x) + 1000.0 for x in first.random(3)]
    # two worker processes really shared the work; each received the shared data once
    assert len({r[1] for r in runs["two"].results}) >= 2
    assert {r[1] for r in runs["two"].results}.isdisjoint({os.getpid()})
    assert [r[2] for r in runs["two"].results] == [1] * len(tasks)
    assert [r[2] for r in runs["one"].results] == [1] * len(tasks)
    assert (runs["here"].workers, runs["one"].workers, runs["two"].workers) == (0, 1, 2)
    assert (runs["here"].address, runs["one"].address, runs["two"].address) == (
        None, None, address)


@pytest.mark.parametrize("where", ["here", "cluster"])
def test_a_task_that_keeps_failing_is_reported_and_the_others_finish(where, address):
    how = {"workers": 0} if where == "here" else {"scheduler": address}
    outcome = run_many(fails_on_two, range(5), progress=False, retries=1, **how)
    assert outcome.failed == {2: "RuntimeError: task two always fails"}
    assert outcome.results == [0, 1, None, 9, 16]
    assert outcome.retried == [2]  # it ran twice: once, then its one retry


@pytest.mark.parametrize("where", ["here", "cluster"])
def test_a_result_that_stops_the_run_cancels_the_tasks_not_finished(where, address):
    """``stop``: the first result that meets it ends the run; the unfinished tasks are
    cancelled (None, not failed). In this process the tasks after it never start."""
    how = {"workers": 0} if where == "here" else {"scheduler": address}
    tasks = list(range(12))
    outcome = run_many(slow_after_two, tasks, progress=False, stop=lambda r: r == 2, **how)
    assert outcome.stopped and outcome.failed == {} and outcome.results[2] == 2
    done = [i for i, r in enumerate(outcome.results) if r is not None]
    assert all(outcome.results[i] == i for i in done)
    if where == "here":
        assert done == [0, 1, 2]
    else:  # at most the tasks already running on the two workers finished too
        assert len(done) <= 5
    # a stop that no result meets changes nothing
    again = run_many(slow_after_two, range(3), progress=False, stop=lambda r: r < 0, **how)
    assert not again.stopped and again.results == [0, 1, 2]


def test_a_task_that_kills_its_worker_is_run_again_and_said_so(address, tmp_path):
    outcome = run_many(dies_once, range(4), shared=str(tmp_path), scheduler=address,
                       progress=False)
    assert (tmp_path / "attempted-1").is_file()
    assert outcome.results == [0, 10, 20, 30]
    # task 1 ran twice; another task may have too, if it finished on that worker just
    # before it died and the news of its finish died with it (then it really ran again)
    assert 1 in outcome.retried
    assert outcome.failed == {}


def test_a_task_that_kills_every_worker_is_given_up_and_the_others_finish(address):
    outcome = run_many(always_dies, range(3), scheduler=address, progress=False)
    assert outcome.results == [None, 1, 2]
    assert list(outcome.failed) == [0]
    assert outcome.failed[0].startswith("KilledWorker: ")
    assert 0 in outcome.retried  # it ran on two workers, and both died (see above)


def test_tiny_solves_on_the_workers_match_those_in_this_process(address):
    shared = {"value": [10, 13, 7, 8, 4], "cost": [5, 6, 3, 4, 2]}
    capacities = [6.0, 9.0, 14.0]
    here = [solve_knapsack(c, shared) for c in capacities]
    outcome = run_many(solve_knapsack, capacities, shared=shared, scheduler=address,
                       progress=False)
    assert outcome.failed == {}
    assert outcome.results == pytest.approx(here, abs=1e-9)
    assert here == pytest.approx([13.0, 20.0, 30.0])


def test_an_unreachable_scheduler_is_named_with_what_to_do(monkeypatch):
    monkeypatch.setattr(w, "CONNECT_TIMEOUT", 2.0)
    with pytest.raises(WorkersError) as raised:
        run_many(draw, [1], scheduler="tcp://127.0.0.1:1", progress=False)
    error = raised.value
    assert error.key == "workers.unreachable"
    english, bahasa = error.render("en"), error.render("id")
    for message in (english, bahasa, str(error)):
        assert "tcp://127.0.0.1:1" in message and "dask scheduler" in message
    assert "--scheduler" in english and "Cannot reach" in english
    assert "tidak dapat dihubungi" in bahasa


def test_a_scheduler_without_workers_is_named_instead_of_waiting_for_ever(monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setattr(w, "WORKER_WAIT", 2.0)
    with (LocalCluster(n_workers=0, processes=False, dashboard_address=None,
                       scheduler_kwargs=w.NO_DASHBOARD,
                       silence_logs=logging.CRITICAL) as cluster,
          pytest.raises(WorkersError) as raised):
        run_many(draw, [1, 2], scheduler=cluster.scheduler_address, progress=False)
    error = raised.value
    assert error.key == "workers.none"
    for message in (error.render("en"), error.render("id")):
        assert cluster.scheduler_address in message and "dask worker" in message
    assert "no worker" in error.render("en") and "tidak punya pekerja" in error.render("id")


def test_the_progress_bar_is_quiet_when_asked_and_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with w._bar(3, "draws", progress=False) as bar:
        assert bar.disable
    monkeypatch.setenv("CI", "true")
    with w._bar(3, "draws", progress=True) as bar:
        assert bar.disable

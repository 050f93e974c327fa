"""Solve a built model with a named solver and report what the solver proved.

HiGHS runs through highspy (the default; on Linux in a forked child process that a
watchdog ends if HiGHS overruns its own time limit); CBC runs as a command where a ``cbc``
binary is installed (on PATH, or the one shipped inside PuLP 3). The report always holds
status, objective, best bound, gap, runtime, solver name and version, and what stopped
the solver.

Statuses: ``optimal`` (the gap target is proven), ``feasible`` (a limit stopped the
solver first: the best plan found, with its certified gap, not proven optimal),
``infeasible``, ``unbounded``, ``error`` (no plan: a limit stopped the solver before any
plan, or the solver failed). Runs stop on the gap target or the node limit, which do not
depend on the machine's speed; the wall-clock limit is a safety net.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import pulp

from planning.config.model import Solver
from planning.model.build import Model
from planning.model.instance import ModelError

log = logging.getLogger(__name__)

#: seconds between two progress reports of a running MIP (a better plan is always told)
PROGRESS_EVERY = 1.0


@dataclass(frozen=True)
class SolveReport:
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    runtime: float
    solver: str
    solver_version: str
    gap_target: float
    time_limit: float
    warm_start: bool = False
    message: str = ""
    time_limited: bool = False
    """The solver stopped at its wall-clock limit (or the watchdog ended it): even if the
    gap target was met, such a run may not repeat exactly on another machine."""
    stopped_by: str | None = None
    """What ended the search before the gap target was proven: ``node_limit``,
    ``time_limit`` or ``watchdog``; None when the solver finished on its own."""
    node_limit: int | None = None
    """The node limit the solver ran with (see Solver.node_limit)."""
    max_gap: float | None = None
    """The largest certified gap the scenario accepts as a plan (see Solver.max_gap)."""
    source: str = "mip"
    """Where the plan comes from: ``mip``, or ``quick`` when a limit stopped the MIP
    without a better plan than the quick plan (see :func:`planning.model.best_found`)."""

    @property
    def is_plan(self) -> bool:
        """A plan that keeps every rule: proven to the gap target, or the best found."""
        return self.status in ("optimal", "feasible")

    @property
    def proven(self) -> bool:
        return self.status == "optimal"

    @property
    def accepted(self) -> bool:
        """Proven, or not proven but within the largest gap the scenario accepts."""
        if self.status == "optimal":
            return True
        return (self.status == "feasible" and self.gap is not None
                and (self.max_gap is None or self.gap <= self.max_gap + 1e-12))

    def as_dict(self) -> dict:
        return asdict(self)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(bound - objective) / max(|bound|, 1e-9), for a maximisation; 0 when both are 0."""
    if objective is None or bound is None or math.isinf(bound) or math.isnan(bound):
        return None
    if abs(bound) < 1e-9 and abs(objective) < 1e-9:
        return 0.0
    return max(0.0, (bound - objective) / max(abs(bound), 1e-9))


def cbc_path() -> str | None:
    """The CBC binary: ``cbc`` on PATH, else the one PuLP 3 ships; None if neither."""
    found = shutil.which("cbc")
    if found:
        return found
    try:
        from pulp.apis.coin_api import pulp_cbc_path
    except ImportError:  # PuLP 4 ships no binary
        return None
    path = Path(pulp_cbc_path)
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def available_solvers() -> list[str]:
    return ["highs"] + (["cbc"] if cbc_path() else [])


def solver_version(name: str) -> str:
    if name == "highs":
        try:
            return metadata.version("highspy")
        except metadata.PackageNotFoundError:
            return "unknown"
    path = cbc_path()
    return f"cbc ({path})" if path else "not installed"


_BANNER_SHOWN = False


def _quiet_banner() -> None:
    """highspy prints a banner on stdout when the first Highs object is made; make that
    first one with stdout pointed at /dev/null so reports stay readable."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        return
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_SHOWN = True


class _HiGHS(pulp.HiGHS):
    """PuLP's in-process HiGHS, plus a start solution and the proven bound."""

    def __init__(self, start: dict[str, float] | None = None, **options):
        super().__init__(**options)
        self.start = start
        self.info: dict[str, float] = {}
        self.progress = None
        """Called with what HiGHS reports while it solves a MIP (:func:`_watch`); None:
        no callback is registered at all."""
        self.on_built = None
        """Called once the model has been handed to HiGHS, before it runs (the watchdog's
        deadline counts from then: :func:`_run_highs_guarded`); None: nothing is called."""

    def buildSolverModel(self, lp):
        super().buildSolverModel(lp)
        if self.on_built is not None:
            self.on_built()

    def findSolutionValues(self, lp):
        """PuLP's reading of the solution, plus the statuses it does not map: HiGHS
        reports a reached node limit as ``kSolutionLimit``."""
        try:
            return super().findSolutionValues(lp)
        except KeyError:
            found = lp.solverModel.getInfo().primal_solution_status == 2
            return (pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible if found
                    else pulp.LpSolutionNoSolutionFound)

    def callSolver(self, lp):
        if self.start:
            values = [0.0] * lp.solverModel.getNumCol()
            for var in lp.variables():
                values[var.index] = float(self.start.get(var.name, 0.0))
            solution = lp.solverModel.getSolution()
            solution.col_value = values
            solution.value_valid = True
            lp.solverModel.setSolution(solution)
        if self.progress is not None and self.mip and lp.isMIP():
            _watch(lp.solverModel, self.progress)
        lp.solverModel.run()
        info = lp.solverModel.getInfo()
        self.info = {"objective": info.objective_function_value,
                     "bound": info.mip_dual_bound, "gap": info.mip_gap,
                     "model_status": lp.solverModel.modelStatusToString(
                         lp.solverModel.getModelStatus())}


def _watch(highs, report) -> None:
    """Subscribe to HiGHS's callbacks for a better plan (every one) and for its limit
    checks (at most one report per :data:`PROGRESS_EVERY` seconds), and hand ``report``
    HiGHS's primal and dual bound, node count and running time. The callbacks only read
    what HiGHS passes them: the solve, its limits and seeds are untouched."""
    from highspy import cb

    improving = cb.HighsCallbackType.kCallbackMipImprovingSolution
    last = [-math.inf]

    def on_event(event) -> None:
        try:
            better = event.callback_type == improving
            now = time.monotonic()
            if not better and now - last[0] < PROGRESS_EVERY:
                return
            last[0] = now
            out = event.data_out
            report({"kind": "better" if better else "running",
                    "primal": float(out.mip_primal_bound), "dual": float(out.mip_dual_bound),
                    "nodes": int(out.mip_node_count), "seconds": float(out.running_time)})
        except Exception:  # progress is never worth a failed solve
            return

    highs.cbMipImprovingSolution.subscribe(on_event)
    highs.cbMipInterrupt.subscribe(on_event)


def _told(m: Model):
    """The reporter of a MIP's progress for the parent process: logs each report of
    :func:`_watch` (DEBUG, logger ``planning.model.solve``) with the objective, bound
    and gap in the model's own sense; None when nobody listens (no callback then)."""
    if not log.isEnabledFor(logging.DEBUG):
        return None
    sign = _sign(m)
    maximise = m.prob.sense == pulp.LpMaximize

    def tell(raw: dict) -> None:
        finite = {k: sign * raw[k] if abs(raw[k]) < 1e30 else None
                  for k in ("primal", "dual")}
        objective, bound = finite["primal"], finite["dual"]
        gap = relative_gap(objective, bound) if maximise else _min_gap(objective, bound)
        found = {"kind": raw["kind"], "objective": objective, "bound": bound, "gap": gap,
                 "nodes": raw["nodes"], "seconds": raw["seconds"]}
        log.debug("HiGHS %s: objective %s, bound %s, gap %s, %d nodes, %.1f s",
                  raw["kind"], objective, bound, gap, raw["nodes"], raw["seconds"],
                  extra={"solver": found})

    return tell


def _sign(m: Model) -> float:
    return -1.0 if m.prob.sense == pulp.LpMaximize else 1.0


def solve_model(m: Model, settings: Solver | None = None, start: dict[str, float] | None = None,
                relax: bool = False) -> SolveReport:
    """Solve ``m`` (its LP relaxation with ``relax``); variables keep the solution."""
    settings = settings or Solver()
    if settings.name == "highs":
        return _solve_highs(m, settings, start, relax)
    if settings.name == "cbc":
        return _solve_cbc(m, settings, start, relax)
    raise ValueError(f"unknown solver {settings.name}")


#: seconds a HiGHS run may overrun its time limit before the watchdog ends it
WATCHDOG_GRACE = 5.0
#: run HiGHS in a forked, watched process (POSIX); a profiler that needs HiGHS callbacks
#: in this process (bench/bench_model.py) may switch it off
ISOLATE_HIGHS = os.name == "posix"


def _address_space() -> int:
    """This process's address space now (bytes; 0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(gib: float | None) -> int | None:
    """Let this process's address space grow by at most ``gib`` GiB beyond what it holds
    now (``RLIMIT_AS``; nothing when None or where the platform has no such limit): an
    allocation past it fails (a MemoryError, or the process ends) instead of the machine
    running out of memory. Called in the forked solver process, whose address space at
    the start is the planner's process it was forked from. Returns the limit set (bytes
    of address space), or None when none was."""
    if gib is None:
        return None
    try:
        import resource
    except ImportError:  # not on POSIX
        return None
    wanted = _address_space() + int(gib * 2**30)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    return wanted


#: HiGHS's model statuses that say its run failed without an answer (as
#: ``modelStatusToString`` spells them); near the memory limit they mean it ran out
_HIGHS_FAILED = frozenset({"Not Set", "Load error", "Model error", "Presolve error",
                           "Solve error", "Postsolve error", "Unknown",
                           "Memory limit reached"})


def near_limit(ceiling: int | None, gib: float | None, used: int | None = None) -> bool:
    """Whether a process limited to ``ceiling`` bytes of address space (``gib`` GiB beyond
    its start, :func:`limit_memory`) is so close to it that a failure is taken for
    running out of memory: less left than a quarter of the allowance or 16 MiB,
    whichever is larger. An allocation that fails does not show in the address space,
    so a failure that a near-full process reports in other words (HiGHS catches some
    failed allocations and only says "Solve error"; a failed import says ImportError)
    counts as one. ``used``: the address space now (bytes; measured when None)."""
    if ceiling is None or gib is None:
        return False
    used = _address_space() if used is None else used
    return ceiling - used < max(16 * 2**20, gib * 2**30 / 4)


def _peak_mib() -> float | None:
    """This process's peak resident memory (MiB), where the platform reports it."""
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


#: the solver process's peak resident memory (MiB) of the last HiGHS run in a child
#: process, for benchmarks; None before any or when HiGHS ran in this process
LAST_PEAK_MIB: float | None = None


def _out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` says an allocation failed (Python's MemoryError, an OSError with
    ENOMEM, or a C++ ``std::bad_alloc`` passed on by highspy), also as its cause."""
    import errno

    while exc is not None:
        if isinstance(exc, MemoryError) or (isinstance(exc, OSError)
                                            and exc.errno == errno.ENOMEM):
            return True
        if "bad_alloc" in str(exc) or "out of memory" in str(exc).lower() \
                or "cannot allocate memory" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _highs_child(m: Model, solver: _HiGHS, conn, memory_gb: float | None = None) -> None:
    """Solve in a forked process and send back status, info and variable values (and,
    when the parent listens, the solver's progress before them). The process's memory is
    bounded to ``memory_gb`` GiB (:func:`limit_memory`); running out of it is reported
    as ``memory``."""
    if solver.progress is not None:
        solver.progress = lambda raw: conn.send(("progress", raw))
    solver.on_built = lambda: conn.send(("built", None))
    ceiling = None
    try:
        ceiling = limit_memory(memory_gb)
        m.prob.solve(solver)
        if solver.info.get("model_status") in _HIGHS_FAILED \
                and near_limit(ceiling, memory_gb):
            raise MemoryError(f"HiGHS: {solver.info['model_status']} near the memory limit")
        values = [var.varValue for var in m.prob.variables()]
        conn.send(("ok", {**solver.info, "peak_mib": _peak_mib()}, m.prob.status, values))
    except Exception as exc:  # reported to the parent, which turns it into a status
        if _out_of_memory(exc) or near_limit(ceiling, memory_gb):
            with contextlib.suppress(Exception):
                conn.send(("memory", {"model_status": f"out of memory: {exc!r}"[:300],
                                      "peak_mib": _peak_mib()}, None, None))
        else:
            conn.send(("error", {"model_status": str(exc)}, None, None))
    finally:
        conn.close()


def reset_highs_threads() -> None:
    """Forget HiGHS's global thread pool. Once a process has run HiGHS with other thread
    settings (a notebook that also called highspy with its defaults), a solve with
    ``threads=1`` fails with status "Not Set"; resetting first makes every solve work
    whatever ran before it. Called in this process, before any fork."""
    import highspy

    reset = getattr(highspy.Highs, "resetGlobalScheduler", None)
    if reset is not None:
        reset(True)


def _run_highs_guarded(m: Model, solver: _HiGHS, limit: float,
                       memory_gb: float | None = None) -> tuple[str, dict]:
    """Run HiGHS with a hard deadline. HiGHS does not always stop at its own time limit
    (ERGO-Code/HiGHS#885, #2226; seen here on a locked 27-village scenario, where
    ``cancelSolve`` did not stop it either), so on POSIX the solve runs in a forked
    process that is ended ``WATCHDOG_GRACE`` seconds after 1.2 times the limit, counted
    from the moment the model is handed over to HiGHS (the hand-over itself must end
    within the same time from the fork), its memory bounded to ``memory_gb`` GiB.
    Returns the kind of end (``ok``, ``error``, ``watchdog``, or ``memory``: out of
    memory, or the process died without an answer) and the info."""
    global LAST_PEAK_MIB
    reset_highs_threads()
    tell = _told(m)
    solver.progress = tell
    if not ISOLATE_HIGHS:
        m.prob.solve(solver)
        return "ok", solver.info
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_highs_child, args=(m, solver, send, memory_gb), daemon=True)
    child.start()
    send.close()
    # HiGHS's own limit counts from its run, so the deadline does too: it is set again
    # when the child has handed the model over (PuLP's hand-over of a 5,000-village
    # model takes about 25 s, which used to count against the limit)
    deadline = time.monotonic() + limit * 1.2 + WATCHDOG_GRACE
    message, killed = None, False
    try:
        while (left := deadline - time.monotonic()) > 0 and receive.poll(left):
            message = receive.recv()
            if message[0] == "built":
                deadline = time.monotonic() + limit * 1.2 + WATCHDOG_GRACE
            elif message[0] != "progress":
                break
            else:
                tell(message[1])
            message = None
    except EOFError:
        message = None
    finally:
        if child.is_alive():
            killed = True
            child.kill()
        child.join()
        receive.close()
    if message is None and not killed:  # it ended without an answer: out of memory
        return "memory", {"model_status": f"the solver process ended ({child.exitcode})"}
    if message is None:
        return "watchdog", {"model_status": "watchdog"}
    kind, info, status, values = message
    LAST_PEAK_MIB = info.get("peak_mib")
    if kind == "ok":
        for var, value in zip(m.prob.variables(), values, strict=True):
            var.varValue = value
        m.prob.status = status
    return kind, info


def _solve_highs(m: Model, settings: Solver, start, relax: bool) -> SolveReport:
    _quiet_banner()
    t0 = time.perf_counter()
    seeds = (settings.seed, settings.seed + 1)
    for seed in seeds:
        solver = _HiGHS(start=start if settings.warm_start else None, mip=not relax,
                        msg=settings.log, gapRel=settings.gap, timeLimit=settings.time_limit,
                        threads=settings.threads, random_seed=seed, mip_abs_gap=1e-6,
                        mip_max_nodes=settings.node_limit,
                        mip_heuristic_effort=settings.heuristic_effort,
                        mip_lifting_for_probing=settings.lifting_for_probing,
                        presolve="on" if settings.presolve else "off")
        kind, info = _run_highs_guarded(m, solver, settings.time_limit,
                                        settings.memory_limit_gb)
        if kind == "memory":
            raise ModelError("model.out_of_memory", limit=settings.memory_limit_gb or 0,
                             villages=len(m.instance.villages),
                             detail=info.get("model_status", ""))
        if kind != "watchdog":
            break
    note = f" (HiGHS stalled with seed {seeds[0]}; solved with seed {seeds[1]})" \
        if seed != seeds[0] else ""
    if kind == "watchdog":
        return _failed(settings, "highs", time.perf_counter() - t0,
                       "HiGHS did not stop at its time limit; the run was ended",
                       stopped_by="watchdog")
    if kind == "error":
        return _failed(settings, "highs", time.perf_counter() - t0, info["model_status"])
    runtime = time.perf_counter() - t0
    sign = _sign(m)
    model_status = info.get("model_status", "")
    objective = _objective(m)
    if relax or not m.prob.isMIP():
        bound = objective
    else:
        raw = info.get("bound")
        bound = sign * raw if raw is not None and abs(raw) < 1e30 else None
    status = _status(model_status, objective, bound, settings.gap)
    if status in ("infeasible", "unbounded", "error"):
        objective, bound = None, None
    return SolveReport(status=status, objective=objective, bound=bound,
                       gap=relative_gap(objective, bound) if m.prob.sense == pulp.LpMaximize
                       else _min_gap(objective, bound),
                       runtime=runtime, solver="highs", solver_version=solver_version("highs"),
                       gap_target=settings.gap, time_limit=settings.time_limit,
                       node_limit=settings.node_limit,
                       warm_start=bool(start and settings.warm_start),
                       message=model_status + note, time_limited=_on_time(model_status),
                       stopped_by=_stopped_by(model_status, status), max_gap=settings.max_gap)


def _limit(solver_status: str) -> str | None:
    """Which limit a solver's own status text names: ``time_limit`` or ``node_limit``."""
    text = solver_status.lower()
    if "time limit" in text or "time_limit" in text or "stopped on time" in text \
            or "interrupt" in text:
        return "time_limit"
    if "solution limit" in text or "node limit" in text or "stopped on nodes" in text \
            or "iteration limit" in text:
        return "node_limit"
    return None


def _on_time(solver_status: str) -> bool:
    return _limit(solver_status) == "time_limit"


def _stopped_by(solver_status: str, status: str) -> str | None:
    """The limit that ended the search before the gap target was proven, if any."""
    return _limit(solver_status) if status != "optimal" else None


def _min_gap(objective, bound):
    if objective is None or bound is None:
        return None
    return max(0.0, objective - bound) / max(abs(objective), 1e-9) if objective else 0.0


def _objective(m: Model) -> float | None:
    value = pulp.value(m.prob.objective)
    return float(value) if value is not None else None


def _status(solver_status: str, objective, bound, gap_target: float) -> str:
    text = solver_status.lower()
    if "infeasible" in text:
        return "infeasible"
    if "unbounded" in text:
        return "unbounded"
    if "optimal" in text:
        return "optimal"
    if _limit(text) is not None:
        return classify(objective, bound, gap_target)
    return "error"


def classify(objective: float | None, bound: float | None, gap_target: float) -> str:
    """The status of a plan a limit stopped: ``optimal`` if its gap still meets the
    target, ``feasible`` if it is a plan with a larger gap, ``error`` if there is none."""
    if objective is None:
        return "error"
    gap = relative_gap(objective, bound)
    return "optimal" if gap is not None and gap <= gap_target + 1e-9 else "feasible"


def _failed(settings: Solver, name: str, runtime: float, message: str,
            stopped_by: str | None = None) -> SolveReport:
    return SolveReport(status="error", objective=None, bound=None, gap=None, runtime=runtime,
                       solver=name, solver_version=solver_version(name),
                       gap_target=settings.gap, time_limit=settings.time_limit,
                       node_limit=settings.node_limit,
                       message=message, time_limited=stopped_by == "watchdog",
                       stopped_by=stopped_by, max_gap=settings.max_gap)


_CBC_LINES = {
    "result": re.compile(r"^Result - (.+)$", re.M),
    "objective": re.compile(r"^Objective value:\s+(\S+)", re.M),
    "bound": re.compile(r"^(?:Lower|Upper) bound:\s+(\S+)", re.M),
    "exit_gap": re.compile(r"Exiting as integer gap of (\S+)", re.M),
}


def _solve_cbc(m: Model, settings: Solver, start, relax: bool) -> SolveReport:
    path = cbc_path()
    if path is None:
        return _failed(settings, "cbc", 0.0, "cbc is not installed")
    if start and settings.warm_start:
        for var in m.prob.variables():
            var.setInitialValue(start.get(var.name, 0.0))
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "cbc.log"
        solver = pulp.COIN_CMD(path=path, mip=not relax, msg=False, gapRel=settings.gap,
                               timeLimit=settings.time_limit, threads=settings.threads,
                               warmStart=bool(start and settings.warm_start),
                               logPath=str(log),
                               options=[f"randomCbcSeed {settings.seed}",
                                        f"maxNodes {settings.node_limit}"])
        t0 = time.perf_counter()
        try:
            m.prob.solve(solver)
        except pulp.PulpSolverError as exc:
            return _failed(settings, "cbc", time.perf_counter() - t0, str(exc))
        runtime = time.perf_counter() - t0
        text = log.read_text(errors="replace") if log.exists() else ""
    result = _CBC_LINES["result"].search(text)
    result_text = result.group(1).strip() if result else pulp.LpStatus[m.prob.status]
    objective = _objective(m)
    bound_match = _CBC_LINES["bound"].search(text)
    # PuLP passes the objective sense to CBC, which reports bounds in that sense
    bound = float(bound_match.group(1)) if bound_match else None
    exit_gap = _CBC_LINES["exit_gap"].findall(text)
    if bound is None and exit_gap and objective is not None:
        # after a restart CBC prints no bound line, only the absolute gap it stopped at
        bound = objective + float(exit_gap[-1]) * (1 if m.prob.sense == pulp.LpMaximize
                                                     else -1)
    if "optimal" in result_text.lower() and bound is None:
        bound = objective
    status = _status(result_text, objective, bound, settings.gap)
    if m.prob.status == pulp.LpStatusInfeasible:
        status = "infeasible"
    if status in ("infeasible", "unbounded", "error"):
        objective, bound = None, None
    return SolveReport(status=status, objective=objective, bound=bound,
                       gap=relative_gap(objective, bound), runtime=runtime, solver="cbc",
                       solver_version=solver_version("cbc"), gap_target=settings.gap,
                       time_limit=settings.time_limit, node_limit=settings.node_limit,
                       warm_start=bool(start and settings.warm_start), message=result_text,
                       time_limited=_on_time(result_text),
                       stopped_by=_stopped_by(result_text, status), max_gap=settings.max_gap)


def solution_values(m: Model) -> dict[str, float]:
    """The current value of every variable, by name (for warm starts)."""
    return {var.name: float(var.varValue or 0.0) for var in m.prob.variables()}

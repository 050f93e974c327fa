"""A province or the country planned in two levels (rencana dua tingkat), docs/region.md.

1. **Curves.** For every district (one Dask task each): its data set loaded and scored,
   the model built once, and at each factor f of the curve (every agency's pagu times f,
   from the floor to the cap) the quick plan (greedy or the rounded LP relaxation, a plan
   that keeps every rule) and the LP relaxation's bound: ``value`` <= best plan <=
   ``bound`` at that budget. Certified, and fast: no MIP, and the LPs on one HiGHS model
   kept in the worker's process (handed over once, the budget rows changed per point).
2. **Split.** The envelope split across the districts by the marginal value of their
   LP curves (:func:`planning.model.split.split_envelope`): floors and caps are each
   district's first and last curve point where the LP relaxation has a solution. The LP
   curve is used, not the quick plans' values, because it is concave (the optimal value
   of a linear programme is a concave function of the right-hand side of its pagu and
   absorption rows, which grow with f), so its slopes are true marginal values that fall
   as money is added and the split is exact for it; the quick plans' values are noisy
   (a rounding can be poor at one point and good at the next). The quick plan's value at
   each point is kept beside the bound: the curve is certified within their distance.
3. **Plans.** Every district's MIP within its share (its pagu times share / pagu), each a
   Dask task, to the region's gap target.
4. **Combined plan.** The districts' plans side by side; its value Z = sum_d z_d and its
   bound U = sum_d u_d (each district's proven MIP bound at its share), so the combined
   plan is within gap = (U - Z) / U of the best plan *for these shares*.

A task finds its district on disk (``folder``): on an existing cluster, every worker must
see the region folder at the same path. The results do not depend on the number of
workers: each task is a pure function of its district and the scenario (the solver is
seeded and stops on the gap or node limit), placed by its index.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planning.analysis.equity import gini
from planning.analysis.workers import Runner
from planning.config.reading import KeyedError
from planning.data import DataError, load_dataset
from planning.i18n import KeyedMessage, number, text
from planning.model import ModelError, Planner, PresolveError, relative_gap
from planning.model.progress import stage
from planning.model.split import Split, SplitError, split_envelope, upper_hull
from planning.scoring import score

#: how many times the envelope is split again after raising the floor of a district that
#: has no plan at its share (each time only the districts whose share changed are re-planned)
MAX_REPAIRS = 3
#: the errors of a district that are its data's or its rules' (reported in the planner's
#: words: a data set's problems, a setting the district's data refuses (KeyedError, the
#: scoring's among them), no plan under the rules); any other exception, a programming
#: error among them, is a failed task (retried, then reported), never a district's problem
DISTRICT_ERRORS = (DataError, ModelError, PresolveError, KeyedError)


class RegionError(KeyedMessage):
    """A region run that cannot go on (no region section, an envelope below the floors):
    ``key`` names the message, :meth:`render` says it in a language (an amount, a float
    parameter, in juta Rp with that language's separators)."""

    def render(self, lang: str = "id") -> str:
        return text(self.key, lang, **{k: number(v, lang) if isinstance(v, float) else v
                                       for k, v in self.params.items()})


#: the errors of a district that say its input is wrong (its data set, or a setting of
#: the scenario its data refuses): the region run stops, as ``planning run`` does on bad
#: input, rather than plan the other districts under a smaller envelope
REFUSED = (DataError, KeyedError)


class DistrictProblems(RegionError):
    """Districts that stop the region run (their data or settings are wrong, or none of
    them has a plan): each district's code, folder and problems (both languages), after
    one line that says what it means and what to do."""

    def __init__(self, key: str, problems: dict[str, tuple[str, dict]]):
        self.problems = problems
        super().__init__(key, count=len(problems))

    def render(self, lang: str = "id") -> str:
        lines = [text(self.key, lang, count=len(self.problems))]
        for code, (folder, problem) in sorted(self.problems.items()):
            lines.append(text("region.district_problems", lang, code=code, folder=folder))
            lines.extend("  " + line for line in
                         str(problem.get(lang) or problem.get("en")).splitlines())
        return "\n".join(lines)


@dataclass(frozen=True)
class DistrictTask:
    """One district: its code and its data set folder (absolute), and the factor of its
    pagu (the share; 1 for a curve task)."""

    code: str
    folder: str
    factor: float = 1.0


@dataclass(frozen=True)
class Shared:
    """What every task reads: the scenario (every section but the region's applies to each
    district), the curve's factors and the districts' gap target."""

    scenario: object
    factors: tuple[float, ...]
    gap: float | None = None


@dataclass
class DistrictCurve:
    code: str
    pagu: float = 0.0
    """The district's own pagu after the scenario's budgets section, juta Rp."""
    villages: int = 0
    in_plan: int = 0
    poor_people: float = 0.0
    points: list[dict] = field(default_factory=list)
    """factor, budget (juta Rp), value (the quick plan's, None: none found), bound (the LP
    relaxation's, None: none), problem (why there is no plan, both languages)."""
    synthetic: bool = False
    """Its data set has synthetic indicators (every export then says so)."""
    problem: dict | None = None
    refused: bool = False
    """Its data set, or a setting its data refuses, is wrong (:data:`REFUSED`)."""
    seconds: float = 0.0


@dataclass
class DistrictPlan:
    code: str
    factor: float
    status: str = "failed"
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    totals: dict = field(default_factory=dict)
    plan: pd.DataFrame | None = None
    dimensions: pd.DataFrame | None = None
    programs: pd.DataFrame | None = None
    """The district's programmes: code, name_id, name_en (for the names shown)."""
    problem: dict | None = None
    seconds: float = 0.0


def _problem(error: Exception) -> dict:
    """An error's message in both languages."""
    render = getattr(error, "render", None)
    if render is None:
        return {"id": str(error), "en": str(error)}
    return {"id": render("id"), "en": render("en")}


def _scaled(pagu: dict[str, float], factor: float) -> dict[str, float]:
    """Every agency's pagu times ``factor``, juta Rp rounded to 6 places (as a scenario's
    budgets section rounds)."""
    return {a: round(v * factor, 6) for a, v in pagu.items()}


def own_locks(locks, district: str) -> list:
    """The scenario's locks whose village is in ``district`` (its code is the first two
    parts of the village's: ``pp.dd`` of ``pp.dd.kk.vvvv``)."""
    return [lock for lock in locks if str(lock.village).startswith(district + ".")]


def _district(task: DistrictTask, shared: Shared):
    """The district's data set, scores and model settings (pagu times the task's factor;
    only the locks of its own villages)."""
    ds = load_dataset(task.folder)
    sc = shared.scenario
    scores = score(ds, sc.scoring, lean=True)  # a plan needs no typology or stability
    settings = sc.model_settings(ds.agencies.set_index("code")["pagu"].to_dict())
    settings = settings.model_copy(update={"locks": own_locks(settings.locks, task.code)})
    if task.factor != 1.0:
        settings = settings.model_copy(update={"pagu": _scaled(settings.pagu, task.factor)})
    if shared.gap is not None:
        settings = settings.model_copy(update={
            "solver": settings.solver.model_copy(update={"gap": shared.gap})})
    return ds, scores, settings


def curve_task(task: DistrictTask, shared: Shared) -> DistrictCurve:
    """The district's budget curve (see the module docstring, step 1)."""
    t0 = time.perf_counter()
    out = DistrictCurve(code=task.code)
    try:
        ds, scores, settings = _district(task, shared)
        base = dict(settings.pagu)
        out.pagu = float(sum(base.values()))
        out.villages = len(ds.villages)
        out.synthetic = bool(ds.synthetic_indicators())
        out.poor_people = float(pd.to_numeric(ds.indicators.get(
            "poor_people", pd.Series(dtype=float))).sum())
        top = max(shared.factors)  # built at the cap: the most money, the fewest refusals
        planner = Planner(ds, scores, settings.model_copy(update={"pagu": _scaled(base, top)}))
        out.in_plan = len(planner.instance.villages)
    except DISTRICT_ERRORS as error:
        out.problem, out.seconds = _problem(error), time.perf_counter() - t0
        out.refused = isinstance(error, REFUSED)
        return out
    for f in shared.factors:
        point = {"factor": f, "budget": round(out.pagu * f, 6), "value": None, "bound": None,
                 "problem": None}
        try:  # the presolve checks only to say why where the LP has no solution
            planner.set_budgets(_scaled(base, f), check=False)
            quick, lp = planner.quick(kept=True)
            point["value"] = quick.best_objective
            point["bound"] = lp.objective if lp.status == "optimal" else None
            if point["bound"] is None:
                planner.check()
        except DISTRICT_ERRORS as error:
            point["problem"] = _problem(error)
        out.points.append(point)
    out.seconds = time.perf_counter() - t0
    return out


def plan_task(task: DistrictTask, shared: Shared) -> DistrictPlan:
    """The district's MIP plan within its share (step 3)."""
    t0 = time.perf_counter()
    out = DistrictPlan(code=task.code, factor=task.factor)
    try:
        ds, scores, settings = _district(task, shared)
        planner = Planner(ds, scores, settings)
        allocation = planner.plan(planner.quick(kept=True))  # the LP in this process
    except DISTRICT_ERRORS as error:
        out.problem, out.seconds = _problem(error), time.perf_counter() - t0
        return out
    report = allocation.report
    out.status = report.status
    if allocation.is_plan:
        t = allocation.tables
        out.objective = float(report.objective)
        out.bound = float(report.bound if report.bound is not None else report.objective)
        out.gap = relative_gap(out.objective, out.bound)
        out.totals = {k: v for k, v in t.totals.items() if k != "removed_by_dimension"}
        out.plan = t.plan.assign(district=task.code)
        out.dimensions = t.dimensions.assign(district=task.code)
        out.programs = ds.programs[["code", "name_id", "name_en"]].copy()
    elif allocation.explanation is not None:
        out.problem = {lang: allocation.explanation.render(allocation.instance, lang)
                       for lang in ("id", "en")}
    else:
        out.problem = {"id": report.message or report.status,
                       "en": report.message or report.status}
    out.seconds = time.perf_counter() - t0
    return out


@dataclass
class RegionPlan:
    """The two-level plan of a region: per district its curve, share and plan; the
    combined value, bound and gap (module docstring)."""

    districts: pd.DataFrame
    """One row per district (districts.csv's columns, then the curve, the share, the plan)."""
    curves: pd.DataFrame
    """One row per district and curve point."""
    plans: dict[str, DistrictPlan]
    split: Split | None
    envelope: float
    totals: dict
    problems: dict[str, dict]
    """district -> why it has no plan (both languages)."""
    runs: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    synthetic: bool = False
    """Some district's data set has synthetic per-village indicators."""

    @property
    def plan(self) -> pd.DataFrame:
        """Every district's plan rows, one table (district, village, programme, ...)."""
        frames = [p.plan for _, p in sorted(self.plans.items()) if p.plan is not None]
        if not frames:
            return pd.DataFrame()
        table = pd.concat(frames, ignore_index=True)
        return table[["district", *[c for c in table.columns if c != "district"]]]

    @property
    def programs(self) -> pd.DataFrame:
        """The programmes of every planned district (code, name_id, name_en; the first
        district's names where two districts name one code differently)."""
        frames = [p.programs for _, p in sorted(self.plans.items()) if p.programs is not None]
        if not frames:
            return pd.DataFrame(columns=["code", "name_id", "name_en"])
        return pd.concat(frames, ignore_index=True).drop_duplicates("code").reset_index(
            drop=True)

    @property
    def dimensions(self) -> pd.DataFrame:
        frames = [p.dimensions for _, p in sorted(self.plans.items())
                  if p.dimensions is not None]
        if not frames:
            return pd.DataFrame()
        table = pd.concat(frames, ignore_index=True)
        return table[["district", *[c for c in table.columns if c != "district"]]]


def _curve_points(curve: DistrictCurve, floor: float | None = None
                  ) -> list[tuple[float, float]]:
    """The points the split uses: (budget, the LP relaxation's value) where it has one,
    from ``floor`` (a raised floor, juta Rp) up."""
    return [(p["budget"], p["bound"]) for p in curve.points if p["bound"] is not None
            and (floor is None or p["budget"] >= floor - 1e-9)]


def _raise_floors(plans: dict[str, DistrictPlan], split: Split,
                  curves: dict[str, DistrictCurve], raised: dict[str, float]) -> bool:
    """For every district whose MIP has no plan at its share (the LP relaxation had one:
    whole units and fixed costs can make the difference), its floor rises to the next
    curve point above the share, where the envelope is split again; True when one rose.
    A district with no point above keeps no plan."""
    rose = False
    for code, one in plans.items():
        if one.status != "infeasible" or code not in split.shares:
            continue
        above = [b for b, _ in _curve_points(curves[code]) if b > split.shares[code] + 1e-6]
        if above:
            raised[code] = above[0]
            rose = True
    return rose


def _curves_table(curves: list[DistrictCurve]) -> pd.DataFrame:
    rows = []
    for c in curves:
        hull = {round(b, 6) for b, _ in upper_hull(_curve_points(c))}
        for p in c.points:
            rows.append({"district": c.code, "factor": p["factor"], "budget": p["budget"],
                         "value": p["value"], "bound": p["bound"],
                         "on_hull": round(p["budget"], 6) in hull and p["bound"] is not None})
    return pd.DataFrame(rows, columns=["district", "factor", "budget", "value", "bound",
                                       "on_hull"])


def plan_region(districts: pd.DataFrame, root: str | Path, scenario, *,
                runner: Runner | None = None) -> RegionPlan:
    """The two-level plan of the districts (a table with ``code`` and ``folder``, the folder
    relative to ``root``) under ``scenario`` (its ``region`` section: envelope, floor, cap,
    curve step, gap). ``runner`` says where the tasks run (default: in this process).
    Each of the three steps is a stage of the run's progress (curves, split, plans)."""
    runner = runner or Runner(workers=0, progress=False)
    with runner.kept():  # one cluster for both batches of tasks
        return _plan_region(districts, root, scenario, runner)


def _plan_region(districts: pd.DataFrame, root: str | Path, scenario,
                 runner: Runner) -> RegionPlan:
    region = scenario.region
    shared = Shared(scenario=scenario, factors=tuple(region.factors), gap=region.gap)
    root = Path(root).resolve()
    table = districts.sort_values("code", kind="stable").reset_index(drop=True)
    tasks = [DistrictTask(code=str(r.code), folder=str(root / str(r.folder)))
             for r in table.itertuples()]
    seconds: dict[str, float] = {}

    t0 = time.perf_counter()
    folder_of = dict(zip(table["code"].astype(str), table["folder"].astype(str), strict=True))
    with stage("curves", districts=len(tasks)) as found:
        outcome = runner(curve_task, tasks, shared=shared, label="curves",
                         stop=lambda curve: curve.refused)
        if outcome.stopped:  # a district's data or settings are refused: no plan is made
            _refuse_all(outcome, tasks, shared, runner, folder_of)
        curves = [result if result is not None else DistrictCurve(
                      code=task.code, problem=_failed(outcome, i))
                  for i, (task, result) in enumerate(zip(tasks, outcome.results, strict=True))]
        problems = _curve_problems(curves)
        found.update(districts=len(tasks), failed=len(problems))
    refused = {c.code: (folder_of[c.code], c.problem) for c in curves if c.refused}
    if refused:
        raise DistrictProblems("region.districts_refused", refused)
    seconds["curves"] = time.perf_counter() - t0
    by_code = {c.code: c for c in curves}

    planned = [c for c in curves if c.problem is None]
    if not planned:
        raise DistrictProblems("region.no_district_plan", {
            code: (folder_of[code], why) for code, why in problems.items()})
    base_total = float(sum(c.pagu for c in curves))
    envelope = float(region.envelope) if region.envelope is not None else base_total
    folders = {t.code: t.folder for t in tasks}
    raised: dict[str, float] = {}  # district -> the budget below which it has no plan
    plans: dict[str, DistrictPlan] = {}
    seconds["split"] = seconds["plans"] = 0.0
    for attempt in range(1 + MAX_REPAIRS):
        t0 = time.perf_counter()
        with stage("split") as found:
            try:
                split = split_envelope({c.code: _curve_points(c, raised.get(c.code))
                                        for c in planned}, envelope)
            except SplitError as error:
                if attempt == 0:
                    raise RegionError(error.key, **{k: float(v) for k, v in
                                                    error.params.items()}) from None
                break  # the raised floors no longer fit: the last split stands
            found.update(envelope=round(envelope), level=round(split.level, 4))
        seconds["split"] += time.perf_counter() - t0
        todo = [DistrictTask(code=code, folder=folders[code],
                             factor=round(share / by_code[code].pagu, 9))
                for code, share in split.shares.items()]
        todo = [t for t in todo if t.code not in plans or plans[t.code].factor != t.factor]
        t0 = time.perf_counter()
        with stage("plans", districts=len(todo)) as found:
            outcome = runner(plan_task, todo, shared=shared,
                             label="plans" if attempt == 0 else f"plans-{attempt + 1}")
            for i, (task, result) in enumerate(zip(todo, outcome.results, strict=True)):
                plans[task.code] = result if result is not None else DistrictPlan(
                    code=task.code, factor=task.factor, problem=_failed(outcome, i))
            found.update(districts=len(todo),
                         failed=sum(plans[t.code].plan is None for t in todo))
        seconds["plans"] += time.perf_counter() - t0
        more = _raise_floors(plans, split, by_code, raised)
        if not more:
            break
    for code, one in plans.items():
        if one.plan is None:
            problems.setdefault(code, one.problem or {"id": one.status, "en": one.status})
    if not any(one.plan is not None for one in plans.values()):
        raise DistrictProblems("region.no_district_plan", {
            code: (folder_of[code], why) for code, why in problems.items()})
    rows = _district_rows(table, by_code, plans, split, problems, raised)
    totals = _totals(rows, envelope, split, base_total)
    return RegionPlan(districts=rows, curves=_curves_table(curves), plans=plans, split=split,
                      envelope=envelope, totals=totals, problems=problems,
                      runs=dict(runner.runs), seconds=seconds,
                      synthetic=any(c.synthetic for c in curves))


def check_task(task: DistrictTask, shared: Shared) -> DistrictCurve:
    """Only whether the district's data and settings are refused (step 1 without its
    curve): its data set read and checked, its villages scored, its settings made."""
    out = DistrictCurve(code=task.code)
    try:
        _district(task, shared)
    except DISTRICT_ERRORS as error:
        out.problem, out.refused = _problem(error), isinstance(error, REFUSED)
    return out


def _refuse_all(outcome, tasks: list[DistrictTask], shared: Shared, runner: Runner,
                folder_of: dict[str, str]) -> None:
    """The curves stopped at a district whose data or settings are refused: check every
    district whose curve was not drawn (:func:`check_task`, far cheaper than a curve) and
    raise DistrictProblems naming every refused district, before hours of curves."""
    todo = [i for i, result in enumerate(outcome.results)
            if result is None and i not in outcome.failed]
    checked = runner(check_task, [tasks[i] for i in todo], shared=shared, label="checks")
    found = [r for r in outcome.results if r is not None]
    found += [r for r in checked.results if r is not None]
    raise DistrictProblems("region.districts_refused", {
        c.code: (folder_of[c.code], c.problem) for c in found if c.refused})


def _failed(outcome, index: int) -> dict:
    """A task that failed on the workers (after its retries): its error, as Dask gave it."""
    text = outcome.failed.get(index, "-")
    return {"id": text, "en": text}


def _curve_problems(curves: list[DistrictCurve]) -> dict[str, dict]:
    """district -> why it cannot be planned: its data or rules, or no LP solution at any
    point of its curve (the first point's reason)."""
    problems = {}
    for c in curves:
        if c.problem is None and not _curve_points(c):
            floor = c.points[0]["budget"] if c.points else 0.0
            cap = c.points[-1]["budget"] if c.points else 0.0
            c.problem = next((p["problem"] for p in c.points if p["problem"]), None) or {
                lang: text("region.no_curve", lang, floor=f"{floor:,.0f}", cap=f"{cap:,.0f}")
                for lang in ("id", "en")}
        if c.problem is not None:
            problems[c.code] = c.problem
    return problems


def _district_rows(table: pd.DataFrame, curves: dict[str, DistrictCurve],
                   plans: dict[str, DistrictPlan], split: Split,
                   problems: dict[str, dict], raised: dict[str, float]) -> pd.DataFrame:
    rows = []
    for r in table.to_dict("records"):
        code = str(r["code"])
        c, p = curves[code], plans.get(code)
        points = _curve_points(c, raised.get(code))
        totals = p.totals if p is not None else {}
        share = split.shares.get(code)
        rows.append({
            **r,
            "villages_in_plan": c.in_plan, "poor_people": c.poor_people,
            "pagu_own": c.pagu,
            "floor": points[0][0] if points else None,
            "floor_raised": code in raised,
            "cap": points[-1][0] if points else None,
            "share": share, "factor": share / c.pagu if share is not None and c.pagu else None,
            "marginal_value": split.marginal.get(code),
            "curve_value": split.hull_value.get(code),
            "status": p.status if p is not None else "failed",
            "objective": p.objective if p is not None else None,
            "bound": p.bound if p is not None else None,
            "gap": p.gap if p is not None else None,
            "cost": totals.get("cost"),
            "deprivations_before": totals.get("deprivations_before"),
            "deprivations_removed": totals.get("deprivations_removed"),
            "villages_served": totals.get("villages_served"),
            "spending_per_poor_person": (totals["cost"] / c.poor_people
                                         if totals.get("cost") is not None and c.poor_people
                                         else None),
            "seconds_curve": round(c.seconds, 3),
            "seconds_plan": round(p.seconds, 3) if p is not None else None,
            "problem_id": (problems.get(code) or {}).get("id"),
            "problem_en": (problems.get(code) or {}).get("en"),
        })
    return pd.DataFrame(rows)


def _totals(rows: pd.DataFrame, envelope: float, split: Split, base_total: float) -> dict:
    ok = rows["objective"].notna()
    value = float(rows.loc[ok, "objective"].sum())
    bound = float(rows.loc[ok, "bound"].sum())
    spend = rows.loc[ok, "spending_per_poor_person"].dropna().to_numpy(dtype=float)
    return {
        "districts": len(rows), "districts_planned": int(ok.sum()),
        "districts_without_plan": rows.loc[~ok, "code"].astype(str).tolist(),
        "envelope": envelope, "pagu_own_total": base_total,
        "allocated": float(sum(split.shares.values())), "not_allocated": split.left,
        "cost": float(rows.loc[ok, "cost"].sum()),
        "value": value, "bound": bound, "gap": relative_gap(value, bound) if ok.any() else None,
        "water_level": split.level,
        "deprivations_before": float(rows.loc[ok, "deprivations_before"].sum()),
        "deprivations_removed": float(rows.loc[ok, "deprivations_removed"].sum()),
        "spending_per_poor_person_gini": float(gini(spend)) if len(spend) else None,
        "spending_per_poor_person_min": float(spend.min()) if len(spend) else None,
        "spending_per_poor_person_max": float(spend.max()) if len(spend) else None,
        "villages": int(rows["villages_in_plan"].sum()),
        "largest_gap": float(np.nanmax(rows["gap"].to_numpy(dtype=float)))
        if ok.any() else None,
    }

"""Near-optimal alternatives (issue 15): plans nearly as good as the best one that differ
from it, and from each other, in at least D village-programme choices.

The choices are the binary variables ``y[v, p]`` of the built model (programme ``p`` runs
in village ``v``). For the best plan's set of choices ``S`` (and then for each alternative
found) a *distance cut* is added::

    sum_{(v,p) in S} (1 - y[v,p]) + sum_{(v,p) not in S} y[v,p] >= D      (choices)

the Hamming distance between the choices of a new plan and those of ``S``; and one
*objective floor*::

    objective(x, y, ...) >= (1 - share) * z_best      (weighted deprived units)

where ``z_best`` is the best plan's objective (the value of the plan, not the solver's
proven bound: the floor is a share below the plan the planners hold). Each alternative
maximises the same objective under these rows, so alternative 1 is the best plan that
differs from the best one in at least D choices, alternative 2 the best that differs from
both, and so on; the search stops after ``k`` alternatives or when no further plan
exists within the share (HiGHS proves the cut model infeasible), and says which.

Default ``D = max(3, ceil(10 % of the best plan's choices))``: a plan that differs in one
or two choices is the best plan with a programme swapped, which a planner can do by hand
(a lock); a tenth of the choices is a change an agency notices (at the shipped baseline,
145 choices: D = 15, about one village's package per agency), small enough that plans
within 2 % of the best still exist.

Solving: PuLP builds the model; it is handed once to HiGHS (highspy) as a
:class:`~planning.model.kept.KeptModel`, and the floor and each cut are added as rows
through highspy (``Highs.addRow``), so no model is built or handed over twice. Each solve
stops on the scenario's gap or node limit (deterministic: one thread, fixed seed); its
wall-clock limit is only the safety net. No start is given: every earlier plan is cut off.

Money in juta Rp; the cost of a row is ``units * unit_cost + fixed_cost``
(:func:`planning.model.evaluate`). Shares 0-1. Codes and numbers only here; the texts come
from :func:`summary` and :func:`overview` in the language asked for.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from planning import i18n
from planning.config.model import Lock, ModelSettings, Solver
from planning.config.reading import load_yaml
from planning.config.scenario import load_scenario
from planning.model import Allocation, build_instance, build_model, evaluate
from planning.model.build import Model
from planning.model.extract import model_units
from planning.model.instance import Instance
from planning.model.kept import KeptModel
from planning.model.solve import SolveReport, relative_gap

#: default number of alternatives asked for
DEFAULT_K = 5
#: default share below the best plan's objective an alternative may fall (0-1)
DEFAULT_SHARE = 0.02
#: the default distance: at least this many choices...
MIN_DISTANCE = 3
#: ... and at least this fraction of the best plan's choices
DISTANCE_FRACTION = 0.10
#: why a search stopped: ``k`` alternatives found; no further plan within the share
#: (proven: the cut model is infeasible); the solver stopped without a plan (node limit
#: or safety net: not proven that none exists)
STOPPED = ("found_k", "no_plan_within_share", "solver_stopped")

PLAN_COLUMNS = ["village", "program", "units"]
AGENCY_COLUMNS = ["agency", "choices_added", "choices_removed", "villages_gained",
                  "villages_lost", "cost_best", "cost_alternative", "cost_added",
                  "cost_removed", "moved"]
CHOICE_COLUMNS = ["change", "village", "program", "agency", "units_best",
                  "units_alternative", "cost_best", "cost_alternative"]


def default_distance(choices: int) -> int:
    """D for a best plan with ``choices`` village-programme choices:
    ``max(3, ceil(0.10 * choices))``."""
    return max(MIN_DISTANCE, math.ceil(DISTANCE_FRACTION * choices - 1e-9))


@dataclass(frozen=True)
class Alternative:
    """One near-optimal plan and how it differs from the best one."""

    rank: int
    """1 for the first alternative found (the best plan that differs enough), then 2..."""
    units: pd.DataFrame
    """The plan: village, program, units."""
    objective: float
    """Its objective (weighted deprived units removed)."""
    bound: float | None
    """The solver's proven bound of the cut model (no plan differing as asked is better)."""
    gap: float | None
    """Certified gap (bound - objective) / bound, 0-1 (:func:`relative_gap`)."""
    status: str
    """The solver's status: ``optimal`` (gap target proven) or ``feasible``."""
    share_below_best: float
    """1 - objective / z_best (0-1)."""
    distance_to_best: int
    """Choices (village, programme) that differ from the best plan (Hamming distance)."""
    distances: tuple[int, ...]
    """Distance to the best plan and to every earlier alternative, in order."""
    agencies: pd.DataFrame
    """Per agency (:data:`AGENCY_COLUMNS`): choices added and removed; villages gained
    (the agency runs a programme there in this plan and none in the best plan) and lost;
    its spending in both plans; ``cost_added`` = sum over its rows of the cost increase,
    ``cost_removed`` = of the decrease, ``moved`` = (cost_added + cost_removed) / 2, the
    Rupiah moved between rows (juta Rp; with its total unchanged, what left some rows and
    went to others)."""
    choices: pd.DataFrame
    """Per changed choice (:data:`CHOICE_COLUMNS`): ``change`` added or removed."""
    seconds: float = 0.0
    unchosen: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """Every (village, program) of the model (a choice y) that this plan does not make."""

    @property
    def added(self) -> list[tuple[str, str]]:
        """(village, program) chosen here and not in the best plan."""
        rows = self.choices[self.choices["change"] == "added"]
        return list(zip(rows["village"], rows["program"], strict=True))

    @property
    def removed(self) -> list[tuple[str, str]]:
        """(village, program) of the best plan not chosen here."""
        rows = self.choices[self.choices["change"] == "removed"]
        return list(zip(rows["village"], rows["program"], strict=True))

    @property
    def moved(self) -> float:
        """Rupiah moved in all (juta Rp): the sum of the agencies' ``moved``."""
        return float(self.agencies["moved"].sum())


@dataclass(frozen=True)
class Alternatives:
    """The result of :func:`near_optimal`."""

    best: pd.DataFrame
    """The best plan (village, program, units)."""
    best_objective: float
    alternatives: list[Alternative]
    core: pd.DataFrame
    """The choices in the best plan and in every alternative: village, program, agency,
    units and cost in the best plan (juta Rp)."""
    core_share: float
    """Share of the best plan's spending that is in the core (0-1)."""
    distance: int
    """D, the least number of differing choices."""
    share: float
    """The largest share below the best plan's objective allowed."""
    k: int
    """Alternatives asked for."""
    stopped: str
    """Why the search stopped (:data:`STOPPED`)."""
    solver_status: str | None = None
    """The status of the last solve when it stopped the search (else None)."""
    labels: dict = field(default_factory=dict, repr=False)
    """Names of villages and agencies (the instance's labels)."""
    seconds: float = 0.0

    @property
    def floor(self) -> float:
        """The objective floor (1 - share) * z_best."""
        return (1 - self.share) * self.best_objective


# --- the search ----------------------------------------------------------------------------
def near_optimal(ds, scores, settings: ModelSettings | None, base: Allocation,
                 k: int = DEFAULT_K, share: float = DEFAULT_SHARE,
                 distance: int | None = None) -> Alternatives:
    """Up to ``k`` plans within ``share`` of ``base`` (the scenario's plan from
    :func:`planning.model.allocate`), each differing from the best plan and from every
    earlier alternative in at least ``distance`` choices (default :func:`default_distance`).
    The model is built anew from ``base.instance`` (``ds``, ``scores``, ``settings`` when
    it has none); custom rules are not carried over."""
    if not base.is_plan:
        raise ValueError("the base allocation holds no plan")
    instance = base.instance if base.instance is not None else build_instance(
        ds, getattr(scores, "table", scores), settings)
    solver = (settings or instance.settings).solver
    return search(build_model(instance), solver, base.tables.plan[PLAN_COLUMNS],
                  float(base.report.objective), k, share, distance)


def search(m: Model, solver: Solver, best: pd.DataFrame, best_objective: float,
           k: int = DEFAULT_K, share: float = DEFAULT_SHARE,
           distance: int | None = None) -> Alternatives:
    """The search of :func:`near_optimal` on a built model ``m`` whose plan ``best``
    (village, program, units) has objective ``best_objective``."""
    if k < 0 or not 0 <= share < 1:
        raise ValueError("k must be >= 0 and share in [0, 1)")
    t0 = time.perf_counter()
    instance = m.instance
    best = best[PLAN_COLUMNS].reset_index(drop=True)
    chosen = _choices(best)
    distance = default_distance(len(chosen)) if distance is None else int(distance)
    if distance < 1:
        raise ValueError("distance must be at least 1")
    kept = KeptModel(m, solver)
    floor = (1 - share) * best_objective
    objective = m.prob.objective
    _add_row(kept, [(var, coef) for var, coef in objective.items()],
             floor - float(objective.constant or 0.0))
    _cut(kept, chosen, distance)
    best_costs = _costs(instance, best)
    found: list[Alternative] = []
    sets = [chosen]
    stopped, last = "found_k", None
    for rank in range(1, k + 1):
        t1 = time.perf_counter()
        report: SolveReport = kept.solve()
        if not report.is_plan:
            stopped = "no_plan_within_share" if report.status == "infeasible" \
                else "solver_stopped"
            last = report.status
            break
        units = model_units(m)
        these = _choices(units)
        alt_costs = _costs(instance, units)
        agencies, choices = _differences(instance, best_costs, alt_costs)
        found.append(Alternative(
            rank=rank, units=units, objective=float(report.objective), bound=report.bound,
            gap=relative_gap(report.objective, report.bound), status=report.status,
            share_below_best=1 - report.objective / best_objective if best_objective
            else 0.0, distance_to_best=len(these ^ chosen),
            distances=tuple(len(these ^ s) for s in sets), agencies=agencies,
            choices=choices, seconds=time.perf_counter() - t1,
            unchosen=tuple(sorted(set(m.y) - these))))
        sets.append(these)
        _cut(kept, these, distance)
    core = _core(best_costs, [a.units for a in found])
    total = float(best_costs["cost"].sum())
    return Alternatives(best=best, best_objective=float(best_objective), alternatives=found,
                        core=core, core_share=float(core["cost"].sum()) / total if total
                        else 1.0, distance=distance, share=float(share), k=int(k),
                        stopped=stopped, solver_status=last, labels=dict(instance.labels),
                        seconds=time.perf_counter() - t0)


def _choices(units: pd.DataFrame) -> set[tuple[str, str]]:
    rows = units[units["units"] > 0]
    return set(zip(rows["village"], rows["program"], strict=True))


def _add_row(kept: KeptModel, terms, lower: float) -> None:
    """``sum(terms) >= lower`` added to the kept HiGHS model (not to the PuLP model)."""
    coef: dict[int, float] = {}
    for var, value in terms:
        col = kept.column[var.name]
        coef[col] = coef.get(col, 0.0) + float(value)
    index = np.array(sorted(coef), dtype=np.int32)
    values = np.array([coef[c] for c in index], dtype=float)
    kept.h.addRow(float(lower), kept.inf, len(index), index, values)


def _cut(kept: KeptModel, chosen: set[tuple[str, str]], distance: int) -> None:
    """The distance cut: sum_S (1 - y) + sum_not S y >= D, i.e.
    -sum_S y + sum_not S y >= D - |S|."""
    m = kept.m
    terms = [(var, -1.0 if key in chosen else 1.0) for key, var in m.y.items()]
    _add_row(kept, terms, distance - len(chosen))


def _costs(instance: Instance, units: pd.DataFrame) -> pd.DataFrame:
    """village, program, agency, units, cost (juta Rp) of a plan's rows."""
    plan = evaluate(instance, units[PLAN_COLUMNS]).plan
    return plan[["village", "program", "agency", "units", "cost"]].reset_index(drop=True)


def _differences(instance: Instance, best: pd.DataFrame, alt: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per agency, per changed choice) between the best plan's and an alternative's rows."""
    both = best.merge(alt, on=["village", "program"], how="outer",
                      suffixes=("_best", "_alternative"), indicator=True)
    both["agency"] = both["agency_best"].fillna(both["agency_alternative"])
    for col in ("units_best", "units_alternative", "cost_best", "cost_alternative"):
        both[col] = both[col].fillna(0.0).astype(float)
    diff = both["cost_alternative"] - both["cost_best"]
    both["cost_added"], both["cost_removed"] = diff.clip(lower=0), (-diff).clip(lower=0)
    both["change"] = both["_merge"].map({"right_only": "added", "left_only": "removed",
                                         "both": "kept"}).astype(str)
    rows = []
    for agency in instance.pagu.index:
        part = both[both["agency"] == agency]
        in_best = set(part.loc[part["change"] != "added", "village"])
        in_alt = set(part.loc[part["change"] != "removed", "village"])
        added, removed = float(part["cost_added"].sum()), float(part["cost_removed"].sum())
        rows.append((agency, int((part["change"] == "added").sum()),
                     int((part["change"] == "removed").sum()), len(in_alt - in_best),
                     len(in_best - in_alt), float(part["cost_best"].sum()),
                     float(part["cost_alternative"].sum()), added, removed,
                     (added + removed) / 2))
    agencies = pd.DataFrame(rows, columns=AGENCY_COLUMNS)
    changed = both[both["change"] != "kept"].sort_values(
        ["change", "agency", "village", "program"], kind="stable")
    choices = changed[CHOICE_COLUMNS].reset_index(drop=True)
    for col in ("units_best", "units_alternative"):
        choices[col] = choices[col].round().astype(int)
    return agencies, choices


def _core(best: pd.DataFrame, plans: list[pd.DataFrame]) -> pd.DataFrame:
    keep = _choices(best)
    for units in plans:
        keep &= _choices(units)
    mask = np.array([(v, p) in keep for v, p in zip(best["village"], best["program"],
                                                   strict=True)], dtype=bool)
    return best.loc[mask].sort_values(["village", "program"], kind="stable").reset_index(
        drop=True)


# --- tables ---------------------------------------------------------------------------------
def summary_table(alts: Alternatives) -> pd.DataFrame:
    """One row per alternative: rank, objective, bound, gap, status, share_below_best,
    distance_to_best, distance (D, the least asked for), choices added and removed, moved
    (juta Rp), seconds."""
    rows = [(a.rank, a.objective, a.bound, a.gap, a.status, a.share_below_best,
             a.distance_to_best, alts.distance, len(a.added), len(a.removed), a.moved,
             a.seconds) for a in alts.alternatives]
    return pd.DataFrame(rows, columns=["rank", "objective", "bound", "gap", "status",
                                       "share_below_best", "distance_to_best", "distance",
                                       "choices_added", "choices_removed", "moved",
                                       "seconds"])


def differences_table(alts: Alternatives) -> pd.DataFrame:
    """One row per alternative and agency: rank, then :data:`AGENCY_COLUMNS`."""
    return _per_alternative(alts, "agencies", AGENCY_COLUMNS)


def choices_table(alts: Alternatives) -> pd.DataFrame:
    """One row per alternative and changed choice: rank, then :data:`CHOICE_COLUMNS`."""
    return _per_alternative(alts, "choices", CHOICE_COLUMNS)


def _per_alternative(alts: Alternatives, table: str, columns: list[str]) -> pd.DataFrame:
    """Every alternative's table ``table`` stacked, with its rank first."""
    frames = [getattr(a, table).assign(rank=a.rank) for a in alts.alternatives]
    if not frames:
        return pd.DataFrame(columns=["rank", *columns])
    return pd.concat(frames, ignore_index=True)[["rank", *columns]]


# --- texts ----------------------------------------------------------------------------------
def _money(value: float, lang: str) -> str:
    return i18n.number(value, lang, 1 if abs(value - round(value)) > 0.05 else 0)


def _changes(row, lang: str) -> str:
    """One agency's changes in words, leaving out what did not change: "+1 village,
    3 choices added, 5 dropped, Rp 200 million moved"."""
    counts = [("gained", row.villages_gained), ("lost", row.villages_lost),
              ("added", row.choices_added), ("removed", row.choices_removed)]
    words = [i18n.counted(f"alternatives.count.{name}", int(n), lang)
             for name, n in counts if n]
    if row.moved > 0.05:
        words.append(i18n.text("alternatives.moved", lang, moved=_money(row.moved, lang)))
    return ", ".join(words)


def summary(alternative: Alternative, lang: str = i18n.DEFAULT_LANGUAGE,
            labels: dict | None = None) -> str:
    """One paragraph about ``alternative``: how far below the best plan (or above it: the
    best plan is proven only to its gap, and a plan that differs may be better), how many
    choices differ, and per agency that changed: villages gained and lost, Rupiah moved."""
    names = (labels or {}).get("agency", {})
    parts = [i18n.text("alternatives.agency", lang, agency=names.get(row.agency, row.agency),
                       changes=_changes(row, lang))
             for row in alternative.agencies.itertuples(index=False)
             if row.choices_added or row.choices_removed or row.moved > 0.05]
    below = alternative.share_below_best
    position = i18n.text("alternatives.position.above" if below < 0 else
                         "alternatives.position.below", lang,
                         share=i18n.percent(abs(below), lang))
    return i18n.text("alternatives.summary", lang, rank=alternative.rank, position=position,
                     objective=i18n.number(alternative.objective, lang, 1),
                     gap=i18n.percent(alternative.gap or 0.0, lang, 2),
                     differ=i18n.counted("alternatives.count.differ", alternative.distance_to_best,
                                         lang), agencies="; ".join(parts))


def overview(alts: Alternatives, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """What was asked, what was found, why the search stopped, and the core."""
    asked = i18n.text("alternatives.overview", lang, found=len(alts.alternatives), k=alts.k,
                      share=i18n.percent(alts.share, lang), distance=alts.distance)
    if alts.stopped == "no_plan_within_share":
        why = i18n.text("alternatives.stopped.no_plan_within_share", lang,
                        share=i18n.percent(alts.share, lang), distance=alts.distance)
    elif alts.stopped == "solver_stopped":
        why = i18n.text("alternatives.stopped.solver_stopped", lang,
                        status=alts.solver_status or "-")
    else:
        why = i18n.text("alternatives.stopped.found_k", lang, k=alts.k)
    core = i18n.text("alternatives.core", lang, n=len(alts.core), total=len(alts.best),
                     share=i18n.percent(alts.core_share, lang))
    return " ".join([asked, why, core])


# --- taking an alternative as the plan ------------------------------------------------------
def as_locks(alternative: Alternative, instance: Instance | None = None,
             complete: bool = True) -> list[Lock]:
    """Locks that fix ``alternative``'s choices: state ``in`` for every pair it chooses;
    state ``out`` for every other pair the model could choose (``complete``, the default:
    a re-run makes exactly the alternative's choices) or only for the pairs of the best
    plan it drops (``complete=False``: fewer locks, but the optimiser may then add
    programmes elsewhere). Units are left to the optimiser. The locks of ``instance``
    (the scenario's own) on other pairs are kept first."""
    ours = [Lock(village=v, program=p, state="in") for v, p in sorted(_choices(
        alternative.units))]
    out = alternative.unchosen if complete else sorted(alternative.removed)
    ours += [Lock(village=v, program=p, state="out") for v, p in out]
    return merged_locks(instance.locks if instance is not None else [], ours)


def merged_locks(own: list[Lock], ours: list[Lock]) -> list[Lock]:
    """The scenario's own locks ``own`` with an alternative's locks ``ours``: own locks on
    other pairs first, then ours; where both lock a pair in, the own lock stands (its
    units: a commitment such as 10 houses in Telaga is kept, not left to the optimiser;
    the alternative was found under it, so it has those units there)."""
    mine = {(lk.village, lk.program): lk for lk in own}
    taken = {(lk.village, lk.program) for lk in ours}
    kept = [lk for lk in own if (lk.village, lk.program) not in taken]
    return kept + [mine[(lk.village, lk.program)]
                   if lk.state == "in" and mine.get((lk.village, lk.program)) is not None
                   and mine[(lk.village, lk.program)].state == "in" else lk for lk in ours]


class AdoptError(i18n.KeyedMessage):
    """A results folder whose alternatives cannot be taken as the plan: a file missing,
    unreadable, cut short or edited (the message names the folder, file, row and column)."""


#: the files of an alternatives run that adopting one reads
PLANS_FILE, TABLE_FILE, SUMMARY_FILE = ("analysis_alternatives_plans.csv",
                                        "analysis_alternatives.csv", "summary.json")


def _whole_numbers(frame: pd.DataFrame, columns: tuple[str, ...], folder: Path,
                   file: str) -> pd.DataFrame:
    """``frame`` (as text) with ``columns`` as whole numbers of 0 or more; AdoptError at
    the first cell that is not one (its spreadsheet row, header = row 1)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AdoptError("adopt.missing_column", folder=folder.as_posix(), file=file,
                         columns=", ".join(missing))
    frame = frame.copy()
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = ~(np.isfinite(values) & (values >= 0) & (values == values.round()))
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise AdoptError("adopt.bad_value", folder=folder.as_posix(), file=file,
                             row=row + 2, column=column, value=frame[column].iloc[row])
        frame[column] = values.astype(int)
    return frame


def _read_csv(folder: Path, file: str) -> pd.DataFrame:
    try:
        return pd.read_csv(folder / file, dtype=str, keep_default_na=False,
                           encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            OSError) as exc:
        raise AdoptError("adopt.unreadable", folder=folder.as_posix(), file=file,
                         detail=type(exc).__name__) from None


def read_adoptable(results: str | Path) -> tuple[pd.DataFrame, dict]:
    """The plans of an alternatives run (``analysis_alternatives_plans.csv``: rank,
    village, program, units; rank 0 the best plan) and the scenario it ran (summary.json's
    ``scenario``), each checked: every cell read, every rank's choices differing from the
    best plan's in exactly the number of choices ``analysis_alternatives.csv`` records (a
    file cut short or edited is told, never taken as the plan). Raises AdoptError."""
    folder = Path(results)
    plans = _whole_numbers(_read_csv(folder, PLANS_FILE), ("rank", "units"), folder,
                           PLANS_FILE)
    missing = [c for c in ("village", "program") if c not in plans.columns]
    if missing:
        raise AdoptError("adopt.missing_column", folder=folder.as_posix(), file=PLANS_FILE,
                         columns=", ".join(missing))
    if (folder / TABLE_FILE).is_file():
        table = _whole_numbers(_read_csv(folder, TABLE_FILE), ("rank", "distance_to_best"),
                               folder, TABLE_FILE)
        chosen = plans[plans["units"] > 0]
        best = set(zip(*(chosen.loc[chosen["rank"] == 0, c] for c in ("village", "program")),
                       strict=True))
        for row in table.itertuples(index=False):
            mine = chosen[chosen["rank"] == row.rank]
            found = len(best ^ set(zip(mine["village"], mine["program"], strict=True)))
            if found != row.distance_to_best or not best:
                raise AdoptError("adopt.plans_cut", folder=folder.as_posix(), file=PLANS_FILE,
                                 rank=int(row.rank), found=found,
                                 recorded=int(row.distance_to_best), table=TABLE_FILE)
    try:
        ran = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))["scenario"]
        if not isinstance(ran, dict) or not isinstance(ran.get("file"), str):
            raise TypeError
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise AdoptError("adopt.bad_summary", folder=folder.as_posix(),
                         file=SUMMARY_FILE) from None
    return plans, ran


class ScenarioExistsError(FileExistsError):
    """The scenario file to write exists already: it is never overwritten."""


def write_scenario(alternative: Alternative, scenario_path: str | Path,
                   out_path: str | Path, name: str, complete: bool = True) -> Path:
    """Write a NEW scenario file ``out_path`` named ``name``: the scenario
    ``scenario_path`` (as its ``base``) with locks fixing ``alternative``'s choices
    (:func:`as_locks` with ``complete``; the scenario's own locks on other pairs kept).
    Refuses an existing file (:class:`ScenarioExistsError`). Returns ``out_path``."""
    head = (f"# Alternatif {alternative.rank} / alternative {alternative.rank} of "
            f"{Path(scenario_path).name}: {alternative.share_below_best:.2%} below the best "
            f"plan, {alternative.distance_to_best} choices differ.\n")
    return write_locked_scenario(as_locks(alternative, complete=complete), scenario_path,
                                 out_path, name, alternative.rank, head)


def choice_locks(chosen: set[tuple[str, str]], pairs: list[tuple[str, str]]) -> list[Lock]:
    """Locks that fix a set of choices ``chosen`` (village, program): state ``in`` for
    each, state ``out`` for every other pair of ``pairs`` (the pairs the model could
    choose), so that a re-run makes exactly these choices."""
    return [*(Lock(village=v, program=p, state="in") for v, p in sorted(chosen)),
            *(Lock(village=v, program=p, state="out") for v, p in sorted(set(pairs) - chosen))]


def write_locked_scenario(ours: list[Lock], scenario_path: str | Path, out_path: str | Path,
                          name: str, rank: int, head: str = "") -> Path:
    """Write a NEW scenario file ``out_path`` named ``name``: ``scenario_path`` as its
    ``base``, its own locks on other pairs kept, then the locks ``ours`` (of alternative
    ``rank``). Refuses an existing file (:class:`ScenarioExistsError`)."""
    scenario_path, out_path = Path(scenario_path), Path(out_path)
    if out_path.exists():
        raise ScenarioExistsError(f"{out_path} exists already; the alternative's scenario is "
                                  "never written over a file: choose another name")
    loaded = load_scenario(scenario_path)
    own = [Lock.model_validate(lk) for lk in loaded.tree.get("locks") or []]
    locks = merged_locks(own, list(ours))
    tree: dict = {"name": name, "base": Path(os.path.relpath(
        scenario_path.resolve(), out_path.parent.resolve())).as_posix(),
        "description": f"{loaded.scenario.name}: alternatif {rank} / alternative {rank}"}
    if out_path.parent.resolve() != scenario_path.parent.resolve():
        # another project folder: the data set relative to it (a scenario's paths are
        # read from its project folder, the parent of its folder), absolute only where no
        # relative path leads there
        project = out_path.parent.resolve().parent
        data = loaded.data_path().resolve()
        try:
            tree["data"] = Path(os.path.relpath(data, project)).as_posix()
        except ValueError:  # another drive
            tree["data"] = data.as_posix()
    head = head + ("# Written by planning.analysis.alternatives; the locks fix the "
                   "alternative's programme choices.\n")
    lines = [yaml.safe_dump({k: v for k, v in lk.model_dump().items() if v is not None},
                            default_flow_style=True, sort_keys=False, width=200).strip()
             for lk in locks]
    text = head + yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=90) + \
        "locks:\n" + "".join(f"  - {line}\n" for line in lines)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("x", encoding="utf-8") as handle:  # "x": never over a file
        handle.write(text)
    load_yaml(out_path)  # reads back through the strict reader
    return out_path

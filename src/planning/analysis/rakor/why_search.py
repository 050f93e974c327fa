"""Re-plans behind "why" (:mod:`planning.analysis.rakor.why`), all on one kept model
(:mod:`planning.model.kept`), each started from the base plan; the entry thresholds of
"why not" are in :mod:`planning.analysis.rakor.why_thresholds`.

**Without a village** v: its columns x[p,v], y[p,v] held at 0 for the solve, its own rows
(``coverage_v``, ``village_package_v``) relaxed, and each dimension floor's target lowered
to the floor without v (s_d x (D_d^elig - D[d,v]), deprived units); the other rules stay.
The base plan minus v is the neighbourhood (the programme choices of the agencies that do
not work in v and of the other kecamatan fixed; the rest solved, without HiGHS's presolve:
with most agencies free it costs more than it saves), then the whole MIP to the
scenario's gap (:func:`planning.model.kept.replan` with held bounds; at most :data:`NODES`
nodes, a deterministic limit).

Every change is undone after its re-plan (row bounds from the PuLP model), so the kept
model is the base model again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.model import Allocation, Planner
from planning.model import floors as model_floors
from planning.model.kept import KeptModel, Replan, replan
from planning.model.solve import SolveReport

#: node limit of each re-plan of the analysis (the scenario's when lower)
NODES = 1000


@dataclass
class Session:
    """The plan being explained, kept in one HiGHS object for its re-plans."""

    planner: Planner
    kept: KeptModel
    base: pd.DataFrame
    """The base plan: village, program, units."""
    report: SolveReport
    """The base plan's certified report (objective z1, bound b1)."""
    start: dict | None = None
    """The base plan's variable values (a start), made when first needed."""

    @property
    def instance(self):
        return self.planner.instance


def open_session(ds, scores, settings, base: Allocation | None = None) -> Session:
    """The kept model of ``settings`` and its base plan: ``base`` when given (its plan
    and certified report), else a re-plan of the kept model."""
    planner = Planner(ds, scores, settings)
    kept = KeptModel(planner.model, planner.settings.solver)
    if base is not None and base.is_plan:
        units = base.tables.plan[["village", "program", "units"]].reset_index(drop=True)
        return Session(planner, kept, units, base.report)
    first = replan(kept)
    if not first.is_plan:
        raise ValueError(f"no base plan to explain ({first.report.status})")
    return Session(planner, kept, first.units, first.report)


@contextmanager
def rows_changed(s: Session, bounds: dict[str, tuple[float, float]]) -> Iterator[None]:
    """Row name -> (lower, upper) in HiGHS for the body; afterwards every such row gets
    its bounds back from the PuLP model (:meth:`KeptModel.sync`)."""
    names = [n for n in bounds if n in s.kept.row]
    if names:
        index = np.array([s.kept.row[n] for n in names], dtype=np.int32)
        s.kept.h.changeRowsBounds(len(index), index,
                                  np.array([bounds[n][0] for n in names], dtype=float),
                                  np.array([bounds[n][1] for n in names], dtype=float))
    try:
        yield
    finally:
        s.kept.sync(names)


# --- without a village -------------------------------------------------------------------


@dataclass(frozen=True)
class Without:
    """The plan re-made without one village."""

    village: str
    result: Replan


def village_columns(s: Session, village: str) -> dict[int, tuple[float, float]]:
    """Columns x[p,v] and y[p,v] of ``village`` held at 0."""
    m, kept = s.kept.m, s.kept
    return {kept.column[var.name]: (0.0, 0.0) for table in (m.x, m.y)
            for key, var in table.items() if key[0] == village}


def relaxed_rows(s: Session, village: str) -> dict[str, tuple[float, float]]:
    """The village's own rows relaxed (no lower bound), and each dimension floor set to
    s_d x (D_d^elig - D[d,v]) where v has an eligible programme of d (deprived units)."""
    inf, inst = s.kept.inf, s.instance
    out = {f"{rule}_{village}": (-inf, inf) for rule in ("coverage", "village_package")}
    eligible = set(inst.pairs.loc[inst.pairs["village"] == village, "dimension"])
    mine = inst.deprived[inst.deprived["village"] == village].set_index("dimension")
    for floor in model_floors.dimension_floors(inst):
        lost = float(mine.at[floor.dimension, "deprived"]) if floor.dimension in eligible \
            else 0.0
        out[f"dimension_floor_{floor.dimension}"] = (floor.share * (floor.deprived - lost),
                                                     inf)
    return out


def without_village(s: Session, village: str) -> Without:
    """Re-plan without ``village`` (module docstring): from the base plan minus it."""
    agency = s.instance.programs.set_index("code")["agency"]
    mine = set(agency[s.base.loc[s.base["village"] == village, "program"]])
    kec = s.instance.villages.set_index("code")["kecamatan_code"]
    rest = s.base[s.base["village"] != village]
    with rows_changed(s, relaxed_rows(s, village)), nodes_at_most(s):
        result = replan(s.kept, rest, hold="fix", quick_gap=0.0, presolve=False,
                        free=lambda v, p: agency[p] in mine or kec[v] == kec[village],
                        bounds=village_columns(s, village))
    return Without(village, result)


@contextmanager
def nodes_at_most(s: Session) -> Iterator[None]:
    """The kept model's node limit at most :data:`NODES` for the body (a deterministic
    work limit: a re-plan it stops keeps its certified gap, a wider interval)."""
    solver = s.kept.solver
    s.kept.solver = solver.model_copy(update={"node_limit": min(solver.node_limit, NODES)})
    try:
        yield
    finally:
        s.kept.solver = solver


def loss_interval(z1: float, b1: float, z2: float, b2: float) -> tuple[float, float]:
    """What the plan loses without a village, from the base plan (objective z1, bound
    b1) and the plan without it (z2, b2), weighted deprived units: the best objectives
    lie in [z1, b1] and [z2, b2], so the loss O1 - O2 lies in [z1 - b2, b1 - z2]. Not
    clipped at 0: without v its coverage and package rules go too, so the plan without
    it may be better (a negative loss: the rules cost more there than v brings)."""
    return z1 - b2, b1 - z2

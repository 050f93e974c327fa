"""What a plan (units per village and programme) does under the model's own arithmetic:
cost, deprived units reached, deprivations removed (capped at the deprived), objective.

Used for the heuristic plans (greedy, equal split) and for every result table, so the
optimiser's plan and the baselines are measured with one ruler.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.model import returns
from planning.model.instance import Instance


@dataclass(frozen=True)
class Evaluation:
    plan: pd.DataFrame
    """One row per (village, program) with units > 0: units, cost, reach (with bonus)."""
    removed: pd.DataFrame
    """One row per (village, dimension): deprived, reached, removed, lifted (removed
    weighted by programme depth), value (F(lifted; deprived), see
    :mod:`planning.model.returns`), omega, weight."""
    objective: float
    """sum_v w_v sum_d omega_d F(lifted[v,d]; D[v,d]) (weighted deprived units); with
    every depth 1 and no diminishing returns, sum_v w_v sum_d omega_d removed[v,d]."""
    removed_total: float
    """Deprived units removed, unweighted."""
    spend_by_agency: pd.Series


def units_frame(units: dict[tuple[str, str], int]) -> pd.DataFrame:
    """{(village, program): units} as a sorted frame, units > 0 only."""
    rows = [(v, p, int(n)) for (v, p), n in units.items() if n > 0]
    return pd.DataFrame(rows, columns=["village", "program", "units"]).sort_values(
        ["village", "program"], kind="stable").reset_index(drop=True)


def evaluate(instance: Instance, units: pd.DataFrame) -> Evaluation:
    """Cost and effect of ``units`` (columns village, program, units) on ``instance``."""
    plan = units[units["units"] > 0][["village", "program", "units"]].copy()
    plan["units"] = plan["units"].astype(int)
    rows = _pair_rows(instance, plan)
    info = instance.pairs.iloc[rows]
    for column in ("agency", "dimension", "kecamatan_code", "effectiveness", "reach",
                   "depth", "unit_cost", "fixed_cost"):
        plan[column] = info[column].to_numpy()
    plan["cost"] = plan["unit_cost"] * plan["units"] + plan["fixed_cost"]
    plan["reach_base"] = plan["reach"] * plan["units"]
    bonus = synergy_bonus(instance, plan)
    plan["synergy_bonus"] = bonus
    plan["reached"] = plan["reach_base"] * (1.0 + bonus)
    removed = instance.deprived.copy()
    reached = plan.groupby(["village", "dimension"])["reached"].sum()
    cells = pd.MultiIndex.from_arrays([removed["village"], removed["dimension"]])
    removed["reached"] = reached.reindex(cells, fill_value=0.0).to_numpy(dtype=float) \
        if len(reached) else 0.0
    saturation = instance.settings.rules.saturation
    cap = removed["deprived"] if saturation else np.inf
    removed["removed"] = np.minimum(removed["reached"], cap)
    plan["lifted"] = lifted_by_programme(plan, instance.deprived, saturation)
    depth = plan.assign(weighted=plan["lifted"] * plan["depth"]).groupby(
        ["village", "dimension"])["weighted"].sum()
    removed["lifted"] = depth.reindex(cells, fill_value=0.0).to_numpy(dtype=float) \
        if len(depth) else 0.0
    removed["value"] = returns.value(removed["lifted"], removed["deprived"],
                                     instance.settings.rules.diminishing_returns)
    weight = instance.villages.set_index("code")["weight"]
    removed["weight"] = removed["village"].map(weight).to_numpy()
    objective = float((removed["weight"] * removed["omega"] * removed["value"]).sum())
    spend = plan.groupby("agency")["cost"].sum().reindex(instance.pagu.index, fill_value=0.0)
    return Evaluation(plan=plan.reset_index(drop=True), removed=removed, objective=objective,
                      removed_total=float(removed["removed"].sum()), spend_by_agency=spend)


def _pair_rows(instance: Instance, plan: pd.DataFrame) -> np.ndarray:
    """The row of ``instance.pairs`` of each (village, program) of ``plan`` (all must be
    eligible pairs; KeyError otherwise, as a lookup by label gives)."""
    if plan.empty:
        return np.zeros(0, dtype=int)
    index = instance.pair_index()
    rows = index.get_indexer(pd.MultiIndex.from_arrays([plan["village"], plan["program"]]))
    if (rows < 0).any():
        missing = plan[rows < 0].iloc[0]
        raise KeyError((missing["village"], missing["program"]))
    return rows


def synergy_bonus(instance: Instance, plan: pd.DataFrame) -> np.ndarray:
    """Per plan row: the sum of bonus_k over the synergy rules k of its programme whose
    partner programme also runs in its village (unitless)."""
    bonus = np.zeros(len(plan))
    if not instance.synergies or plan.empty:
        return bonus
    village = plan["village"].to_numpy()
    program = plan["program"].to_numpy()
    runs_in = plan.groupby("program")["village"].agg(lambda v: set(v)).to_dict()
    for a, b, value in instance.synergies:
        for partner, mask in ((b, program == a), (a, (program == b) & (program != a))):
            if not mask.any() or partner not in runs_in:
                continue
            has = np.fromiter((v in runs_in[partner] for v in village[mask]), dtype=bool,
                              count=int(mask.sum()))
            idx = np.flatnonzero(mask)[has]
            bonus[idx] += value
    return bonus


def lifted_by_programme(plan: pd.DataFrame, deprived: pd.DataFrame,
                        saturation: bool) -> np.ndarray:
    """Deprived units each plan row lifts, the deepest programmes first: in each village
    and dimension the rows sorted by depth (highest first, then programme code) take
    their reach until the deprived D[v,d] are used up (all of it without saturation).
    This is what the model's solver chooses (see :func:`planning.model.build.add_depth`)."""
    if plan.empty:
        return np.zeros(0)
    cap = deprived.set_index(["village", "dimension"])["deprived"]
    order = plan.assign(_neg=-plan["depth"]).sort_values(
        ["village", "dimension", "_neg", "program"], kind="stable")
    before = order.groupby(["village", "dimension"])["reached"].cumsum() - order["reached"]
    if saturation:
        cells = pd.MultiIndex.from_arrays([order["village"], order["dimension"]])
        room = cap.reindex(cells).fillna(0.0).to_numpy(dtype=float)
        taken = np.clip(room - before.to_numpy(), 0.0, order["reached"].to_numpy())
    else:
        taken = order["reached"].to_numpy()
    return pd.Series(taken, index=order.index).reindex(plan.index).to_numpy(dtype=float)


def start_values(instance: Instance, units: pd.DataFrame) -> dict[str, float]:
    """Values of every model variable for the plan ``units``: a warm start for the MIP.
    Names follow :mod:`planning.model.build` (with ``-`` as ``_``, as PuLP stores them)."""
    ev = evaluate(instance, units)
    values: dict[str, float] = {}

    def put(name: str, value: float) -> None:
        values[name.replace("-", "_")] = value

    running = set()
    for row in ev.plan.itertuples(index=False):
        put(f"x_{row.program}_{row.village}", float(row.units))
        put(f"y_{row.program}_{row.village}", 1.0)
        running.add((row.village, row.program))
    strength = instance.settings.rules.diminishing_returns
    for row in ev.removed.itertuples(index=False):
        put(f"r_{row.dimension}_{row.village}", float(row.removed))
        if strength:
            start = 0.0
            for k, width in enumerate(returns.widths(row.deprived)):
                put(f"g{k}_{row.dimension}_{row.village}",
                    float(np.clip(row.lifted - start, 0.0, width)))
                start += width
    for row in ev.plan.itertuples(index=False):
        put(f"q_{row.program}_{row.village}", float(row.lifted))
    put("spend_total", float(ev.plan["cost"].sum()))
    reach = ev.plan.set_index(["village", "program"])["reach_base"]
    for a, b, _bonus in instance.synergies:
        for v in instance.villages["code"]:
            if (v, a) in running and (v, b) in running:
                put(f"z_{a}_{b}_{v}", 1.0)
                for p in (a, b):
                    put(f"s_{a}_{b}_{p}_{v}", float(reach[(v, p)]))
    return values

"""What the robustness draws say about a plan: :func:`summarise`.

* **Focus share** of a village: the share of the draws whose scoring ran in which it is a
  focus village.
* **Frequency** of a (village, programme): the share of the draws *with a plan* in which
  the village receives the programme (units > 0), and its class: ``always`` (selalu,
  >= :data:`ALWAYS` = 90 %), ``often`` (sering, >= :data:`OFTEN` = 50 %), ``sometimes``
  (kadang-kadang, > 0) and ``never`` (tidak pernah, 0: a choice of the base plan no draw
  kept); the words are the glossary's (``term.frequency.<class>``, docs/glossary.md).
* **Money** of a village: its spending (juta Rp) in each draw with a plan (0 where it gets
  nothing): minimum, median and maximum, beside the base plan's.
* **Robust share** of the base plan: sum of the base cost of the rows whose (village,
  programme) is in at least :data:`ALWAYS` of the draws with a plan, over the base plan's
  total cost. The same per village (``robust_share``), for the map.
* **Distance** of a draw from the base plan: the share of the base plan's spending whose
  (village, programme) the draw does not keep (1 - kept base cost / base cost).
* **Sensitivity**: for every factor drawn, Spearman's rank correlation between how far
  the factor moved (|ln factor|; for an indicator, the mean over villages) and the draw's
  distance; a group (weights, costs, beneficiaries, indicators) is ranked by the mean
  |rho| of its factors (a mean, so a group of many factors is not favoured), its most
  correlated factor shown. |rho| below 1.96 / sqrt(n - 1) is within chance.
* **Draws without a plan**: counted, each with its status and reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.analysis.robustness.draws import GROUPS

#: a (village, programme) in at least this share of the draws with a plan is "always"
ALWAYS = 0.90
#: ... in at least this share, "often"; above 0, "sometimes"; at 0, "never"
OFTEN = 0.50
#: the classes, most robust first (their words: glossary term.frequency.<code>)
CLASSES = ("always", "often", "sometimes", "never")


@dataclass(frozen=True)
class Robustness:
    """The robustness of a plan over ``n`` draws."""

    n: int
    """Draws made."""
    n_plans: int
    """Draws with a plan (the denominator of the frequencies)."""
    robust_share: float
    """Share of the base plan's spending in (village, programme) choices kept in at least
    90 % of the draws with a plan (NaN when no draw has a plan)."""
    villages: pd.DataFrame
    """Per village: code, name, kecamatan, base_focus, focus_share, money_base,
    money_min, money_median, money_max (juta Rp), robust_money (base money in robust
    choices) and robust_share."""
    pairs: pd.DataFrame
    """Per (village, programme) of the base plan or of any draw: village, name,
    program, in_base, base_units, base_cost, draws (count), frequency, class."""
    sensitivity: pd.DataFrame
    """Per factor: group, name, rho (Spearman, |ln factor| vs distance), abs_rho, rank."""
    groups: pd.DataFrame
    """Per factor group: group, factors, mean_abs_rho, top_factor, top_rho, rank."""
    draws: pd.DataFrame
    """Per draw: index, seed, status, is_plan, objective, gap, focus_changed (villages
    in or out of focus against the base), cost, distance, seconds."""
    no_plan: pd.DataFrame
    """Per draw without a plan: index, seed, status, rules, reason_id, reason_en."""
    threshold: float
    """1.96 / sqrt(n_plans - 1): |rho| below it is within chance."""
    solver: dict | None = None
    """The draws' solver settings: ``gap``, ``node_limit`` and the scenario's gap
    (``scenario_gap``); None when unknown (a summary made by hand)."""


def classify(frequency: float) -> str:
    """The class of a frequency (see the module)."""
    if frequency >= ALWAYS:
        return "always"
    if frequency >= OFTEN:
        return "often"
    return "sometimes" if frequency > 0 else "never"


def _spearman(x: pd.Series, y: pd.Series) -> float:
    if x.nunique() < 2 or y.nunique() < 2:
        return float("nan")
    return float(x.rank().corr(y.rank()))


def summarise(base_plan: pd.DataFrame, base_focus: Sequence[str], draws: Sequence,
              villages_table: pd.DataFrame) -> Robustness:
    """Summarise ``draws`` (:class:`~.replan.DrawResult`, any order) against the base
    plan (``village, program, units, cost``) and its focus villages; ``villages_table``:
    the data set's villages (code, name, kecamatan) for the names."""
    draws = sorted(draws, key=lambda d: d.index)
    base = base_plan[base_plan["units"] > 0][["village", "program", "units", "cost"]]
    base_total = float(base["cost"].sum())
    base_focus = {str(v) for v in base_focus}
    planned = [d for d in draws if d.plan is not None]
    n_plans = len(planned)

    # per draw: its plan rows, its distance from the base plan
    base_keys = pd.MultiIndex.from_frame(base[["village", "program"]])
    rows, info = [], []
    for d in draws:
        distance = cost = float("nan")
        if d.plan is not None:
            rows.append(d.plan.assign(draw=d.index))
            keys = pd.MultiIndex.from_frame(d.plan[["village", "program"]])
            kept = float(base.loc[base_keys.isin(keys), "cost"].sum())
            distance = 1 - kept / base_total if base_total > 0 else 0.0
            cost = float(d.plan["cost"].sum())
        changed = len(base_focus.symmetric_difference(d.focus)) if d.focus is not None \
            else np.nan
        info.append({"index": d.index, "seed": d.seed, "status": d.status,
                     "is_plan": d.plan is not None, "objective": d.objective, "gap": d.gap,
                     "focus_changed": changed, "cost": cost, "distance": distance,
                     "seconds": d.seconds})
    per_draw = pd.DataFrame(info, columns=["index", "seed", "status", "is_plan", "objective",
                                           "gap", "focus_changed", "cost", "distance",
                                           "seconds"])
    allrows = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["village", "program", "units", "cost", "draw"])

    # (village, programme) frequencies and classes
    counts = allrows.groupby(["village", "program"])["draw"].nunique().rename("draws")
    pairs = base.rename(columns={"units": "base_units", "cost": "base_cost"}).set_index(
        ["village", "program"])
    pairs = pairs.join(counts, how="outer").reset_index()
    pairs["in_base"] = pairs["base_cost"].notna()
    pairs["base_units"] = pairs["base_units"].fillna(0).astype(int)
    pairs["base_cost"] = pairs["base_cost"].fillna(0.0)
    pairs["draws"] = pairs["draws"].fillna(0).astype(int)
    pairs["frequency"] = pairs["draws"] / n_plans if n_plans else np.nan
    pairs["class"] = [classify(f) if n_plans else None for f in pairs["frequency"]]
    robust = pairs["in_base"] & (pairs["frequency"] >= ALWAYS)
    robust_share = float(pairs.loc[robust, "base_cost"].sum() / base_total) \
        if n_plans and base_total > 0 else float("nan")

    # villages: focus share, money range, robust money
    scored = [d for d in draws if d.focus is not None]
    focus_counts = pd.Series([v for d in scored for v in d.focus], dtype=str).value_counts()
    codes = sorted(base_focus | set(focus_counts.index) | set(base["village"])
                   | set(allrows["village"]))
    money = allrows.groupby(["village", "draw"])["cost"].sum().unstack("draw")
    money = money.reindex(index=codes, columns=[d.index for d in planned]).fillna(0.0)
    names = villages_table.set_index("code")
    villages = pd.DataFrame({"code": codes})
    villages["name"] = villages["code"].map(names["name"]) if "name" in names else None
    villages["kecamatan"] = villages["code"].map(names["kecamatan"]) \
        if "kecamatan" in names else None
    villages["base_focus"] = villages["code"].isin(base_focus)
    villages["focus_share"] = (villages["code"].map(focus_counts).fillna(0) / len(scored)
                               if scored else np.nan)
    by_village = base.groupby("village")["cost"].sum()
    villages["money_base"] = villages["code"].map(by_village).fillna(0.0)
    for name, fn in (("money_min", "min"), ("money_median", "median"), ("money_max", "max")):
        values = getattr(money, fn)(axis=1) if n_plans else pd.Series(np.nan, index=codes)
        villages[name] = villages["code"].map(values).to_numpy(float)
    robust_money = pairs[robust].groupby("village")["base_cost"].sum()
    villages["robust_money"] = villages["code"].map(robust_money).fillna(0.0)
    villages["robust_share"] = np.where(villages["money_base"] > 0, villages["robust_money"]
                                        / villages["money_base"].where(
                                            villages["money_base"] > 0), np.nan)
    if not n_plans:
        villages["robust_share"] = np.nan

    sensitivity, groups, threshold = _sensitivity(draws, per_draw)
    pairs["name"] = pairs["village"].map(names["name"]) if "name" in names else None
    pairs = pairs[["village", "name", "program", "in_base", "base_units", "base_cost",
                   "draws", "frequency", "class"]].sort_values(
        ["village", "program"]).reset_index(drop=True)

    failed = [d for d in draws if d.plan is None]
    no_plan = pd.DataFrame([{"index": d.index, "seed": d.seed, "status": d.status,
                             "rules": ", ".join(d.rules),
                             "reason_id": (d.reason or {}).get("id", ""),
                             "reason_en": (d.reason or {}).get("en", "")} for d in failed],
                           columns=["index", "seed", "status", "rules", "reason_id",
                                    "reason_en"])
    return Robustness(n=len(draws), n_plans=n_plans, robust_share=robust_share,
                      villages=villages, pairs=pairs, sensitivity=sensitivity,
                      groups=groups, draws=per_draw, no_plan=no_plan, threshold=threshold)


def _sensitivity(draws: Sequence, per_draw: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    distance = per_draw.set_index("index")["distance"].dropna()
    n = len(distance)
    threshold = 1.96 / np.sqrt(n - 1) if n > 1 else float("nan")
    frames = [d.factors.assign(index=d.index) for d in draws if d.index in distance.index]
    cols = ["group", "name", "rho", "abs_rho", "rank"]
    if not frames:
        return (pd.DataFrame(columns=cols),
                pd.DataFrame(columns=["group", "factors", "mean_abs_rho", "top_factor",
                                      "top_rho", "rank"]), threshold)
    factors = pd.concat(frames, ignore_index=True)
    moved = factors.assign(moved=np.where(factors["group"] == "indicators",
                                          factors["factor"],
                                          np.abs(np.log(factors["factor"].astype(float)))))
    wide = moved.pivot_table(index="index", columns=["group", "name"], values="moved")
    rows = []
    for (group, name), series in wide.items():
        rho = _spearman(series, distance.reindex(series.index))
        rows.append({"group": group, "name": name, "rho": rho})
    table = pd.DataFrame(rows, columns=["group", "name", "rho"])
    table["abs_rho"] = table["rho"].abs()
    table = table.sort_values(["abs_rho", "group", "name"], ascending=[False, True, True],
                              na_position="last").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    out = []
    for group in GROUPS:
        part = table[table["group"] == group]
        if part.empty:
            continue
        top = part.dropna(subset=["abs_rho"]).head(1)
        out.append({"group": group, "factors": len(part),
                    "mean_abs_rho": float(part["abs_rho"].mean()),
                    "top_factor": top["name"].iloc[0] if len(top) else None,
                    "top_rho": float(top["rho"].iloc[0]) if len(top) else float("nan")})
    groups = pd.DataFrame(out).sort_values("mean_abs_rho", ascending=False,
                                           na_position="last").reset_index(drop=True)
    groups["rank"] = np.arange(1, len(groups) + 1)
    return table[cols], groups, threshold

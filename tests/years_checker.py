"""An independent check of a multi-year plan, from its exported rows and the data set's
CSV files only (pandas; nothing of planning.model): every year within every pagu, works
of several years continued with the same units to their end, the need over the years,
the deprived stock, and starts only in that year's focus villages."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd


def breaches(units: pd.DataFrame, removed: pd.DataFrame, focus: pd.DataFrame, data: Path,
             pagu: dict[str, dict[int, float]], inflow_pct: dict[str, float] | None = None,
             need_cap: bool = True) -> list[str]:
    """What the plan breaks, in words (empty when it keeps every rule checked here).
    ``units``: year, village, program, units (in work), started; ``removed``: year,
    village, dimension, removed; ``focus``: year, code, selected; ``pagu``: agency ->
    year -> juta Rp."""
    programs = pd.read_csv(data / "programs.csv", dtype={"code": str}).set_index("code")
    duration = programs.get("duration", pd.Series(1, index=programs.index)).fillna(1)
    indicators = pd.read_csv(data / "indicators.csv", dtype={"code": str}).set_index("code")
    groups = pd.read_csv(data / "groups.csv").set_index("group")
    years = sorted(next(iter(pagu.values())))
    inflow_pct = inflow_pct or {}
    found: list[str] = []

    # 1. every year's spending within every pagu: (c x + f) / n per row in work
    rows = units.assign(n=units["program"].map(duration).astype(int),
                        agency=units["program"].map(programs["agency"]))
    rows["cost"] = (rows["program"].map(programs["unit_cost"]) * rows["units"]
                    + rows["program"].map(programs["fixed_cost"])) / rows["n"]
    spent = rows.groupby(["year", "agency"])["cost"].sum()
    for (year, agency), value in spent.items():
        if value > pagu[agency][int(year)] + 1e-6:
            found.append(f"{agency} spends {value:.3f} in {year}, pagu {pagu[agency][year]}")

    # 2. works of several years: in work = the starts of the last n years; end in time
    starts = rows.set_index(["village", "program", "year"])["started"]
    for r in rows[rows["n"] > 1].itertuples(index=False):
        window = sum(int(starts.get((r.village, r.program, tau), 0))
                     for tau in range(r.year - r.n + 1, r.year + 1))
        if window != r.units:
            found.append(f"{r.program} in {r.village} {r.year}: {r.units} in work, "
                         f"{window} started in its last {r.n} years")
        if r.started and r.year + r.n - 1 > years[-1]:
            found.append(f"{r.program} in {r.village} starts {r.year} and ends after "
                         f"{years[-1]}")
    one_year = rows[rows["n"] == 1]
    bad = one_year[one_year["started"] != one_year["units"]]
    found += [f"{r.program} in {r.village} {r.year}: a one-year work not started that year"
              for r in bad.itertuples(index=False)]

    # 3. the need over the years: all starts at most ceil(need / beneficiaries per unit)
    if need_cap:
        total = rows.groupby(["village", "program"])["started"].sum()
        for (village, program), value in total.items():
            need = float(indicators.at[village, programs.at[program, "need_indicator"]])
            cap = math.ceil(need / float(programs.at[program, "beneficiaries_per_unit"])
                            - 1e-9)
            if value > cap:
                found.append(f"{program} in {village}: {value} units over the years, need "
                             f"for {cap}")

    # 4. the deprived stock: removed over the years at most the starting deprived plus
    #    the inflow of every year after the first
    count = groups.loc[groups["kind"] == "dimension", "count_indicator"]
    cumulative = removed.groupby(["village", "dimension"])["removed"].sum()
    for (village, dimension), value in cumulative.items():
        start = float(indicators.at[village, count[dimension]])
        most = start * (1 + inflow_pct.get(dimension, 0.0) / 100 * (len(years) - 1))
        if value > most + 1e-6:
            found.append(f"{dimension} in {village}: {value:.2f} removed over the years, "
                         f"at most {most:.2f} deprived")
    for r in removed.itertuples(index=False):
        if r.removed > r.deprived_start + 1e-6:
            found.append(f"{r.dimension} in {r.village} {r.year}: removed {r.removed:.2f} "
                         f"of {r.deprived_start:.2f}")

    # 5. starts only in the year's focus villages
    chosen = focus[focus["selected"].astype(bool)]
    members = set(zip(chosen["year"].astype(int), chosen["code"].astype(str), strict=True))
    for r in rows[rows["started"] > 0].itertuples(index=False):
        if (int(r.year), str(r.village)) not in members:
            found.append(f"{r.program} starts in {r.village} {r.year}, not a focus village "
                         "that year")
    return found

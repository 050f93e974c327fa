"""The price of each rule (harga aturan): what the plan gives up for each rule the
scenario uses, found by re-planning without it.

For a rule r of the scenario, the plan with every rule (objective z1, proven bound b1) and
the plan without r (z2, b2) are both solved to a certified gap, so the best objectives
O1 in [z1, b1] and O2 in [z2, b2] are known only as intervals, and O2 >= O1 (dropping a
rule never makes the best plan worse). The price of r is therefore an interval::

    price_low  = max(0, z2 - b1)        price_high = max(0, b2 - z1)
    in per cent of the plan with every rule: 100 x price_low / b1 .. 100 x price_high / z1

(weighted deprived units, the objective's unit), with the deprived units removed per
dimension by both plans (each in its own unit; the change is a point, not an interval:
it compares two plans, not two optima). Only constraints are dropped, so both plans are
measured by the same objective. The rules (:data:`RULES_OFF`) are named as in the model's
registry (:mod:`planning.model.rules`), so their labels are the catalogue's ``rule.<name>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from planning.config.model import ModelSettings
from planning.i18n import KeyedMessage
from planning.model import Allocation, Instance, allocate

Switch = Callable[[ModelSettings], ModelSettings]


def _rules(**changes) -> Switch:
    """Settings with these fields of ``rules`` changed."""
    def off(settings: ModelSettings) -> ModelSettings:
        return settings.model_copy(update={"rules": settings.rules.model_copy(update=changes)})
    return off


#: rule name -> (whether the plan's instance uses it, the settings without it)
RULES_OFF: dict[str, tuple[Callable[[Instance], bool], Switch]] = {
    "coverage": (lambda i: i.settings.rules.min_programs_per_village > 0,
                 _rules(min_programs_per_village=0)),
    "kecamatan_share": (lambda i: bool(i.settings.rules.kecamatan_min_share),
                        _rules(kecamatan_min_share=None)),
    "village_share": (lambda i: bool(i.settings.rules.village_max_share),
                      _rules(village_max_share=None)),
    "capacity": (lambda i: i.settings.rules.capacity
                 and bool(i.programs["max_villages"].notna().any()), _rules(capacity=False)),
    "requires": (lambda i: bool(i.requires), _rules(requires=False)),
    "excludes": (lambda i: bool(i.excludes), _rules(excludes=False)),
    "lock": (lambda i: bool(i.locks), lambda s: s.model_copy(update={"locks": []})),
    "dimension_floor": (lambda i: bool(i.settings.rules.dimension_min_share),
                        _rules(dimension_min_share=None)),
    "absorption": (lambda i: bool(i.settings.rules.agency_min_absorption),
                   _rules(agency_min_absorption=None)),
    "village_package": (lambda i: bool(i.settings.rules.village_min_package),
                        _rules(village_min_package=None)),
}


class UnusedRule(KeyedMessage):
    """Rules asked to be priced (``only``) that the plan does not use: they have no price
    (the plan without them is the same plan). Raised before any re-plan."""


def check_asked(only: list[str] | None, used: Callable[[str], bool]) -> None:
    """:class:`UnusedRule` when a rule of ``only`` is not used (``used(name)`` False),
    naming those the plan uses."""
    unused = [name for name in only or () if name in RULES_OFF and not used(name)]
    if unused:
        raise UnusedRule("analyse.rule_unused", names=", ".join(unused),
                         used=", ".join(n for n in RULES_OFF if used(n)) or "-")


@dataclass(frozen=True)
class RulePrice:
    """What one rule costs (see the module docstring); objective values in weighted
    deprived units, None where the plan without the rule has none."""

    rule: str
    status: str
    """Solver status of the plan without the rule."""
    objective_with: float
    bound_with: float
    objective_without: float | None
    bound_without: float | None
    low: float | None
    high: float | None
    low_pct: float | None
    high_pct: float | None
    removed: pd.DataFrame | None
    """Per dimension: dimension, removed_with, removed_without, change (without - with),
    in the dimension's own unit."""


def price_interval(z1: float, b1: float, z2: float, b2: float) -> tuple[float, float]:
    """(max(0, z2 - b1), max(0, b2 - z1)): the price of a rule from both plans'
    objectives z and proven bounds b (weighted deprived units)."""
    return max(0.0, z2 - b1), max(0.0, b2 - z1)


def rule_prices(ds, scores, settings: ModelSettings, base: Allocation | None = None,
                only: list[str] | None = None, runner=None) -> list[RulePrice]:
    """The price of every rule ``settings`` uses (or of the rules named in ``only``), in
    :data:`RULES_OFF` order, each from one re-plan without it; ``base``: the plan with
    every rule when already made. ``runner`` (a
    :class:`planning.analysis.workers.Runner`): the re-plans as independent tasks on Dask,
    one per rule (a rule whose task failed on every try is priced here again); None: one
    after the other in this process. The prices do not depend on where they ran."""
    base = base if base is not None else allocate(ds, scores, settings)
    if not base.is_plan:
        raise ValueError("the price of a rule needs a plan with every rule")
    z1 = float(base.report.objective)
    b1 = float(base.report.bound if base.report.bound is not None else z1)
    removed_with = base.tables.dimensions.set_index("dimension")["removed"]
    check_asked(only, lambda name: RULES_OFF[name][0](base.instance))
    names = [name for name, (uses, _off) in RULES_OFF.items()
             if (only is None or name in only) and uses(base.instance)]
    shared = (ds, scores, settings, z1, b1, removed_with)
    if runner is None or not names:
        return [price_without(name, shared) for name in names]
    outcome = runner(price_without, names, shared, label="prices")
    return [price if price is not None else price_without(name, shared)
            for name, price in zip(names, outcome.results, strict=True)]


def price_without(name: str, shared: tuple) -> RulePrice:
    """The price of the rule ``name`` from one re-plan without it; ``shared``: the data
    set, the scores, the settings with every rule, and that plan's objective, bound and
    deprived units removed per dimension (one task of :func:`rule_prices`)."""
    ds, scores, settings, z1, b1, removed_with = shared
    other = allocate(ds, scores, RULES_OFF[name][1](settings))
    if not other.is_plan:
        return RulePrice(name, str(other.report.status), z1, b1, None, None, None,
                         None, None, None, None)
    z2 = float(other.report.objective)
    b2 = float(other.report.bound if other.report.bound is not None else z2)
    without = other.tables.dimensions.set_index("dimension")["removed"]
    return priced(name, str(other.report.status), (z1, b1, z2, b2), removed_with, without)


def priced(name: str, status: str, values: tuple[float, float, float, float],
           removed_with: pd.Series, removed_without: pd.Series) -> RulePrice:
    """The :class:`RulePrice` of the rule ``name`` from ``values`` = (z1, b1, z2, b2), the
    objectives and proven bounds with and without it, and the deprived units removed per
    dimension (dimension -> units) with and without it."""
    z1, b1, z2, b2 = values
    low, high = price_interval(z1, b1, z2, b2)
    removed = pd.DataFrame({"dimension": removed_with.index,
                            "removed_with": removed_with.to_numpy(dtype=float),
                            "removed_without": removed_without.reindex(
                                removed_with.index).to_numpy(dtype=float)})
    removed["change"] = removed["removed_without"] - removed["removed_with"]
    return RulePrice(name, status, z1, b1, z2, b2, low, high,
                     100.0 * low / b1 if b1 else None,
                     100.0 * high / z1 if z1 else None, removed)


#: the columns of :func:`price_table` before the changes per dimension (those of a plan
#: that uses no rule to price: an empty table, not a table without columns)
PRICE_COLUMNS = ["rule", "status", "objective_with", "bound_with", "objective_without",
                 "bound_without", "price_low", "price_high", "price_low_pct",
                 "price_high_pct"]


def price_table(prices: list[RulePrice]) -> pd.DataFrame:
    """One row per rule: rule, status, the four objective values, the interval (also
    in per cent) and the change per dimension as columns ``change_<dimension>``."""
    rows = []
    for p in prices:
        row = {"rule": p.rule, "status": p.status, "objective_with": p.objective_with,
               "bound_with": p.bound_with, "objective_without": p.objective_without,
               "bound_without": p.bound_without, "price_low": p.low, "price_high": p.high,
               "price_low_pct": p.low_pct, "price_high_pct": p.high_pct}
        if p.removed is not None:
            row.update({f"change_{d}": c for d, c in zip(p.removed["dimension"],
                                                         p.removed["change"], strict=True)})
        rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else PRICE_COLUMNS)

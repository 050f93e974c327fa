"""The price of each rule for a multi-year plan (issue 17 with issue 14): the horizon
planned again without the rule (:func:`planning.model.years.plan_years` with the rule
switched off in every year), priced as the one-year prices are
(:mod:`planning.analysis.rakor.rule_prices`).

The plan with every rule has the objective z1 and the certified bound b1 of its report
(over the whole horizon: sum_t delta_t x the value of year t's lift, docs/multi-year.md),
the plan without the rule z2 and b2, so the price is the interval of
:func:`~planning.analysis.rakor.rule_prices.price_interval`::

    price_low  = max(0, z2 - b1)        price_high = max(0, b2 - z1)

(weighted deprived units, discounted), in per cent of the plan with every rule as for one
year, and the deprived units removed per dimension over the whole horizon by both plans
(the sum of ``removed`` over every year, village and dimension, in each dimension's own
unit). A rule is priced when any year's instance uses it
(:data:`~planning.analysis.rakor.rule_prices.RULES_OFF`).

With ``rescore`` the focus villages of each year follow from the plan of the years before
(docs/multi-year.md), so the two plans may plan different villages in later years; each
bound is the one ``plan_years`` certifies for its own plan (the horizon with the focus
villages it settled on). The interval is read with that in mind.
"""

from __future__ import annotations

import pandas as pd

from planning.analysis.rakor.rule_prices import RULES_OFF, RulePrice, check_asked, priced
from planning.config.model import ModelSettings

__all__ = ["removed_by_dimension", "year_rule_prices"]


def removed_by_dimension(plan) -> pd.Series:
    """Deprived units removed over the horizon per dimension (sum of the ``removed``
    table), in each dimension's own unit."""
    return plan.removed.groupby("dimension")["removed"].sum().astype(float)


def _objective(plan) -> tuple[float, float]:
    """(z, b): the plan's objective and its certified bound (z when none is given)."""
    z = float(plan.report.objective)
    bound = plan.report.bound
    return z, float(bound) if bound is not None else z


def _uses(plan, name: str) -> bool:
    uses = RULES_OFF[name][0]
    return any(uses(instance) for instance in plan.instances.values())


def year_rule_prices(ds, scores, settings: ModelSettings, scoring=None, base=None,
                     only: list[str] | None = None, history: pd.DataFrame | None = None
                     ) -> list[RulePrice]:
    """The price of every rule the multi-year plan ``base`` uses (or of those named in
    ``only``), in :data:`RULES_OFF` order, each from one plan of the horizon without it.
    ``base``: the plan with every rule (:class:`~planning.model.years.YearPlan`), planned
    here when None; ``scoring`` and ``history`` as for ``plan_years``."""
    from planning.model.years import YearsNoPlan, plan_years

    if settings.horizon is None:
        raise ValueError("the multi-year price of a rule needs a horizon")
    base = base if base is not None else plan_years(ds, scores, settings, scoring,
                                                    history=history)
    if not base.is_plan:
        raise ValueError("the price of a rule needs a plan with every rule")
    check_asked(only, lambda name: _uses(base, name))
    z1, b1 = _objective(base)
    removed_with = removed_by_dimension(base)
    prices = []
    for name in RULES_OFF:
        if (only is not None and name not in only) or not _uses(base, name):
            continue
        try:
            other = plan_years(ds, scores, RULES_OFF[name][1](settings), scoring,
                               history=history)
        except YearsNoPlan as exc:
            prices.append(RulePrice(name, str(exc.report.status), z1, b1, None, None, None,
                                    None, None, None, None))
            continue
        prices.append(priced(name, str(other.report.status),
                             (z1, b1, *_objective(other)), removed_with,
                             removed_by_dimension(other)))
    return prices

"""Which rules a given plan breaks, recomputed from the plan table alone.

Used to decide whether a heuristic plan may serve as the MIP's warm start and to mark
baselines that break a rule. A thin wrapper over the registry's
:func:`planning.model.rules.check_plan`. (The test suite has its own, independent
checker.)
"""

from __future__ import annotations

import pandas as pd

from planning.model.check import TOL  # noqa: F401  (the checks' tolerance, as before)
from planning.model.instance import Instance
from planning.model.rules import check_plan


def plan_violations(instance: Instance, units: pd.DataFrame) -> list[tuple[str, str, float]]:
    """(rule, subject, amount) for every rule ``units`` breaks; empty when it keeps all
    (see :func:`planning.model.rules.check_plan` for the rules and amounts)."""
    return [(b.rule, b.subject, b.amount) for b in check_plan(instance, units)]

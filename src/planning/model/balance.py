"""The balance settings of a scenario and its pure-efficiency counterpart.

A *balanced* plan uses any of the settings in :data:`BALANCE_OFF` (diminishing returns,
the floors per dimension, agency and village, the cap on one village's share). Its
*efficiency counterpart* is the same scenario with all of them off: same data, villages,
budgets, weights, depths and other rules. The difference between the two plans is the
price of balance (docs/model.md, "The price of balance").
"""

from __future__ import annotations

from planning.config.model import ModelSettings, Rules

#: every balance setting and the value that turns it off
BALANCE_OFF: dict[str, object] = {
    "diminishing_returns": 0.0,
    "dimension_min_share": None,
    "agency_min_absorption": None,
    "village_min_package": None,
    "village_max_share": None,
}


def balance_settings(rules: Rules) -> dict[str, object]:
    """The balance settings of ``rules`` that are on, by name (empty: pure efficiency)."""
    on = {}
    for name, off in BALANCE_OFF.items():
        value = getattr(rules, name)
        if value is not None and value != off and value != 0 and value != {}:
            on[name] = value
    return on


def is_balanced(settings: ModelSettings) -> bool:
    """Whether any balance setting is on."""
    return bool(balance_settings(settings.rules))


def efficiency_settings(settings: ModelSettings) -> ModelSettings:
    """``settings`` with every balance setting off: the pure efficiency counterpart."""
    rules = settings.rules.model_copy(update=dict(BALANCE_OFF))
    return settings.model_copy(update={"rules": rules})

"""The registry of the model's rules: one :class:`Rule` per rule, in build order.

An entry ties together everything one rule is made of:

* ``switch``: the field(s) of :class:`planning.config.model.Rules` that turn it on or
  parametrise it (None for structure that is always on, such as locks);
* ``add``: the function of :mod:`planning.model.build` that adds its rows (its docstring
  gives the formula and units);
* ``applies``: whether the instance needs the rule at all (the switch, as the instance
  carries it);
* ``check``: the function of :mod:`planning.model.check` that checks a finished plan
  against it (constraints only);
* ``message`` and ``label``: the i18n keys of a breach message and of its short name
  (in the catalogue of :mod:`planning.i18n`).

:func:`build_model` adds the rules by iterating :data:`RULES`; :func:`check_plan` checks a
plan against every constraint. ``tests/test_rule_registry.py`` fails when an entry lacks a
part, a switch of ``Rules`` has no owner, or an ``add_*`` function of build.py is in no
entry.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import pulp

from planning.model import build, floors
from planning.model import check as checks
from planning.model.build import CustomRule, Model
from planning.model.check import Breach, PlanView, plan_view
from planning.model.instance import Instance

Check = Callable[[Instance, PlanView], list[Breach]]


@dataclass(frozen=True)
class Rule:
    """One rule of the model (see the module docstring)."""

    name: str
    """As in the model's rows (``RuleRow.rule``) and in :class:`Breach` (``rule``)."""
    kind: Literal["constraint", "term", "objective"]
    """``constraint``: a rule a plan must keep; ``term``: rows that define the objective's
    reach (nothing a plan can break); ``objective``: the objective itself."""
    switch: tuple[str, ...] | None
    add: Callable[[Model], None]
    applies: Callable[[Instance], bool]
    check: Check | None
    message: str | None
    label: str
    more_messages: tuple[str, ...] = ()
    """Further message keys the check uses (variants of ``message``)."""

    @property
    def keys(self) -> tuple[str, ...]:
        """Every i18n key of the rule."""
        return (self.label,) + ((self.message,) if self.message else ()) + self.more_messages


def _always(_instance: Instance) -> bool:
    return True


def _constraint(name: str, switch: tuple[str, ...] | None, add, applies, check,
                more: tuple[str, ...] = ()) -> Rule:
    return Rule(name=name, kind="constraint", switch=switch, add=add, applies=applies,
                check=check, message=f"check.{name}", label=f"rule.{name}",
                more_messages=more)


def _term(name: str, switch: tuple[str, ...] | None, add, applies, kind="term") -> Rule:
    return Rule(name=name, kind=kind, switch=switch, add=add, applies=applies, check=None,
                message=None, label=f"rule.{name}")


RULES: tuple[Rule, ...] = (
    # the decisions exist only on eligible pairs: that is how eligibility is modelled
    _constraint("eligibility", ("eligibility",), build.add_decisions, _always,
                checks.check_eligibility, more=("check.eligibility_outside",)),
    _constraint("units", ("need_cap",), build.add_unit_bounds, _always, checks.check_units),
    _term("synergy", ("synergy",), build.add_synergy, lambda i: bool(i.synergies)),
    _term("reach", ("effectiveness", "effectiveness_floor"), build.add_reach, _always),
    _term("depth", ("programme_depth",), build.add_depth,
          lambda i: None in build.mixed_depth(i).values()),
    _constraint("saturation", ("saturation",), build.add_saturation,
                lambda i: i.settings.rules.saturation, checks.check_saturation),
    _constraint("pagu", ("budget_limits",), build.add_budget_limits,
                lambda i: i.settings.rules.budget_limits, checks.check_pagu),
    _constraint("ceiling", ("district_ceiling",), build.add_district_ceiling,
                lambda i: i.ceiling is not None, checks.check_ceiling),
    _constraint("capacity", ("capacity",), build.add_capacity,
                lambda i: i.settings.rules.capacity, checks.check_capacity),
    _constraint("coverage", ("min_programs_per_village",), build.add_coverage,
                lambda i: i.settings.rules.min_programs_per_village > 0,
                checks.check_coverage),
    _constraint("kecamatan_share", ("kecamatan_min_share",), build.add_kecamatan_share,
                lambda i: bool(i.settings.rules.kecamatan_min_share),
                checks.check_kecamatan_share),
    _constraint("village_share", ("village_max_share",), build.add_village_share,
                lambda i: bool(i.settings.rules.village_max_share),
                checks.check_village_share),
    _constraint("requires", ("requires",), build.add_requires, lambda i: bool(i.requires),
                checks.check_requires),
    _constraint("excludes", ("excludes",), build.add_excludes, lambda i: bool(i.excludes),
                checks.check_excludes),
    _constraint("lock", None, build.add_locks, lambda i: bool(i.locks), checks.check_locks,
                more=("check.lock_in", "check.lock_out")),
    _constraint("dimension_floor", ("dimension_min_share",), build.add_dimension_floor,
                lambda i: bool(floors.dimension_floors(i)), checks.check_dimension_floor),
    _constraint("absorption", ("agency_min_absorption",), build.add_absorption,
                lambda i: bool(i.settings.rules.agency_min_absorption),
                checks.check_absorption),
    _constraint("village_package", ("village_min_package",), build.add_village_package,
                lambda i: bool(i.settings.rules.village_min_package),
                checks.check_village_package),
    _term("objective", ("priority_weights", "priority_strength", "dimension_weights",
                        "diminishing_returns"),
          build.set_objective, _always, kind="objective"),
)
"""Every rule of the model, in build order (the objective last)."""

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
CONSTRAINTS: tuple[Rule, ...] = tuple(r for r in RULES if r.kind == "constraint")


def build_model(instance: Instance, custom: Iterable[CustomRule] = (),
                elastic: Iterable[str] = ()) -> Model:
    """Build the MIP for ``instance``: every rule of :data:`RULES` that applies, in
    order, then the ``custom`` rules (called with the model; use :meth:`Model.constrain`
    and the variable dicts), then the objective. ``elastic`` names the rules that get a
    penalised slack (then the objective is the total relative slack)."""
    start = time.perf_counter()
    elastic = frozenset(elastic)
    sense = pulp.LpMinimize if elastic else pulp.LpMaximize
    m = Model(instance=instance, prob=pulp.LpProblem("allocation", sense), elastic=elastic)
    add_rules(m)
    for rule in custom:
        rule(m)
    if elastic:
        build.set_elastic_objective(m)
    else:
        BY_NAME["objective"].add(m)
    m.build_seconds = time.perf_counter() - start
    return m


def add_rules(m: Model) -> None:
    """Add every rule of :data:`RULES` that applies to ``m.instance``, in order, except
    the objective (a multi-year model adds the rules of each year this way)."""
    for rule in RULES:
        if rule.kind != "objective" and rule.applies(m.instance):
            rule.add(m)


def check_plan(instance: Instance, units: pd.DataFrame, removed: pd.DataFrame | None = None,
               only: Iterable[str] | None = None) -> list[Breach]:
    """Every rule ``units`` (village, program, units) breaks, in registry order; empty
    when it keeps all. ``removed``: deprivations removed as reported elsewhere (village,
    dimension, removed), checked by the saturation rule; ``only``: names of the rules to
    check (default: every constraint)."""
    wanted = None if only is None else set(only)
    unknown = (wanted or set()) - {r.name for r in CONSTRAINTS}
    if unknown:
        raise ValueError(f"no constraint rule named {sorted(unknown)}")
    view = plan_view(instance, units, removed)
    return [breach for rule in CONSTRAINTS if wanted is None or rule.name in wanted
            for breach in rule.check(instance, view)]

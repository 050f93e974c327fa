"""The scenario explorer of notebook 04: controls for every agency's pagu, the district
ceiling, the main rules and the locks; every change re-plans and shows the new plan and
its difference from the plan of the scenario the explorer opened.

Pagu and ceiling changes go through one kept :class:`planning.model.Planner` (only a bound
of the built model changes): the quick plan with its certified gap comes back in about
0.1 s at 27 focus villages, then the MIP to the scenario's own gap target and node limit,
one to a few seconds in all. Rules and locks rebuild the model (another 0.1 s; a maximum
village share makes the solve itself slower). The status of every solve is shown as it
is: a plan the solver did not prove is labelled as the best plan found.

Like is compared with like: the baseline is the opened scenario's own plan, solved with
the scenario's solver settings (the plan ``planning run`` writes), and every re-plan uses
the same gap target and node limit. Where the change in the objective is smaller than
what the two plans' certified gaps allow, the explorer says so ("dalam batas toleransi
pemecah"): such a difference, and the shifts between agencies that come with it, may be
the solver's choice among nearly equal plans rather than an effect of the change.

Two layers:

* :mod:`~planning.apps.explorer.engine`: the state, the re-plans, the comparison with the
  baseline, saving a scenario and exporting a results folder (through
  :mod:`planning.pipeline`); no widgets, so tests and scripts use it directly;
* :mod:`~planning.apps.explorer.widgets`: :class:`Explorer`, the thin ipywidgets layer.
  Every callback is a plain method and every control an attribute::

    explorer = Explorer("scenarios/baseline.yaml", lang="en")
    explorer.pagu_widgets["PUTR"].value = 1200      # re-plans
    explorer.difference                             # per agency, against the opened plan
    explorer.save_scenario("scenarios/putr-1200.yaml")
    explorer.export_workbook("results/putr-1200")

Money is in juta Rp (million rupiah), as everywhere in the project.
"""

from planning.apps.explorer.comparison import PlanShown, difference, within_tolerance
from planning.apps.explorer.engine import Controls, Engine
from planning.apps.explorer.locks import LockError, format_locks, parse_locks
from planning.apps.explorer.messages import EXPORT_NAME, SAVED_NAME
from planning.apps.explorer.widgets import Explorer

__all__ = ["EXPORT_NAME", "SAVED_NAME", "Controls", "Engine",
           "Explorer", "LockError", "PlanShown", "difference", "format_locks",
           "parse_locks", "within_tolerance"]

"""Answers for the coordination meeting (Rakor, issue 14): what each rule of a scenario
costs, and (to come) why and why not per village and the budget curves.

:mod:`planning.analysis.rakor.rule_prices`: re-plan without each rule the scenario uses
and report what the rule costs, as an interval from both plans' certified gaps.
"""

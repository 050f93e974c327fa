"""Explain an infeasible scenario in planners' words, by elastic re-solves.

Two questions, each one small MIP in which some rules get a penalised slack:

1. keep every requirement (minimum programmes per village, locks, kecamatan and village
   shares) and let money and capacity stretch: *how much more* pagu, ceiling or capacity
   would a plan need? ("pagu PERKIMTA short by Rp 140 million")
2. keep money and capacity and let the requirements give: *which* requirements would
   have to go? ("village X gets 1 fewer programme than the minimum")

The rules with a non-zero slack in either answer are the conflicting rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planning.config.model import Solver
from planning.i18n import number, text
from planning.model.build import REQUIREMENT_RULES, RESOURCE_RULES
from planning.model.instance import Instance
from planning.model.rules import build_model
from planning.model.solve import solve_model

SLACK_TOL = 1e-6
#: an explanation needs the size of each shortfall, not its last decimal
ELASTIC_GAP = 0.01
#: nodes of an elastic re-solve at most (a deterministic work limit, not seconds)
ELASTIC_NODE_LIMIT = 1000


@dataclass(frozen=True)
class Relaxation:
    rule: str
    constraint: str
    amount: float
    limit: float | None
    agency: str | None = None
    program: str | None = None
    village: str | None = None
    kecamatan: str | None = None
    dimension: str | None = None

    def render(self, instance: Instance, lang: str = "id") -> str:
        labels = instance.labels
        # money (juta Rp) and deprived units with one decimal; counts rounded up
        decimal = self.rule in ("pagu", "ceiling", "kecamatan_share", "village_share",
                                "absorption", "village_package", "dimension_floor")
        amount = number(self.amount, lang, 1) if decimal else str(math.ceil(self.amount - 1e-6))
        limit = self.limit
        if self.rule in ("kecamatan_share", "village_share") and limit is not None:
            limit = number(100 * limit, lang, 1)
        elif self.rule in ("pagu", "ceiling", "absorption", "village_package",
                           "dimension_floor") and limit is not None:
            limit = number(limit, lang, 1)
        elif limit is not None:
            limit = int(limit)
        return text(f"explain.{self.rule}", lang, amount=amount, limit=limit,
                    pagu=limit, agency=self.agency, program=self.program,
                    village=self.village,
                    name=labels["village"].get(self.village) if self.village else
                    labels["kecamatan"].get(self.kecamatan, ""),
                    kecamatan=self.kecamatan,
                    dimension=labels.get(f"dimension_{lang}", {}).get(self.dimension,
                                                                     self.dimension))


@dataclass(frozen=True)
class Explanation:
    resources: tuple[Relaxation, ...]
    """What money and capacity would have to grow by, requirements kept (None: no such
    relaxation exists)."""
    requirements: tuple[Relaxation, ...]
    """Which requirements would have to go, money and capacity kept."""
    resources_feasible: bool
    requirements_feasible: bool

    @property
    def conflicting_rules(self) -> list[str]:
        kinds = {r.rule for r in self.resources + self.requirements}
        order = RESOURCE_RULES + REQUIREMENT_RULES
        return [k for k in order if k in kinds]

    def render(self, instance: Instance, lang: str = "id") -> str:
        if not self.conflicting_rules:
            return text("explain.none", lang)
        rules = ", ".join(text(f"rule.{k}", lang) for k in self.conflicting_rules)
        lines = [text("explain.head", lang, rules=rules)]
        if self.resources:
            lines.append(text("explain.resources", lang))
            lines += [f"  - {r.render(instance, lang)}" for r in self.resources]
        if self.requirements:
            lines.append(text("explain.requirements", lang))
            lines += [f"  - {line}" for line in _grouped(self.requirements, instance, lang)]
        return "\n".join(lines)


def _grouped(items: tuple[Relaxation, ...], instance: Instance, lang: str) -> list[str]:
    """One line per relaxation, except that villages short of the same number of
    programmes share one line (a list of 20 identical lines helps nobody)."""
    short: dict[tuple[int, float | None], list[str]] = {}
    lines: list[str] = []
    for item in items:
        if item.rule == "coverage":
            key = (math.ceil(item.amount - 1e-6), item.limit)
            if key not in short:
                lines.append(key)  # placeholder, filled below in first-seen order
            short.setdefault(key, []).append(
                instance.labels["village"].get(item.village, item.village))
        else:
            lines.append(item.render(instance, lang))
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(line)
            continue
        names = short[line]
        out.append(text("explain.coverage_many", lang, n=len(names), amount=line[0],
                        limit=int(line[1] or 0), names=", ".join(names)))
    return out


def _relaxations(instance: Instance, elastic: tuple[str, ...],
                 solver: Solver) -> tuple[bool, tuple[Relaxation, ...]]:
    model = build_model(instance, elastic=elastic)
    quick = {"gap": ELASTIC_GAP, "max_gap": max(ELASTIC_GAP, solver.max_gap),
             "node_limit": min(solver.node_limit, ELASTIC_NODE_LIMIT), "warm_start": False}
    report = solve_model(model, solver.model_copy(update=quick))
    if report.status not in ("optimal", "feasible"):
        return False, ()
    out = []
    for name in sorted(model.slack, key=lambda n: (elastic.index(model.rows[n].rule), n)):
        amount = model.slack_value(name)
        if amount <= SLACK_TOL:
            continue
        row = model.rows[name]
        limit = row.extra if row.rule in ("coverage", "kecamatan_share", "village_share") \
            else row.rhs
        if row.rule == "lock":
            limit = None
        out.append(Relaxation(rule=row.rule, constraint=name, amount=amount, limit=limit,
                              agency=row.agency, program=row.program, village=row.village,
                              kecamatan=row.kecamatan, dimension=row.dimension))
    return True, tuple(_one_per_lock(out))


def _one_per_lock(items: list[Relaxation]) -> list[Relaxation]:
    """A fixed-units lock is two rows (>= and <=); report it once."""
    seen, out = set(), []
    for item in items:
        key = (item.rule, item.program, item.village) if item.rule == "lock" else item.constraint
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def explain_infeasible(instance: Instance, solver: Solver | None = None) -> Explanation:
    """Which rules conflict and by how much (see the module docstring)."""
    solver = solver or Solver()
    ok_res, resources = _relaxations(instance, RESOURCE_RULES, solver)
    ok_req, requirements = _relaxations(instance, REQUIREMENT_RULES, solver)
    return Explanation(resources=resources, requirements=requirements,
                       resources_feasible=ok_res, requirements_feasible=ok_req)

"""Build the allocation MIP (docs/model.md) with PuLP, one small function per rule.

Decisions, for each eligible pair of village v and programme p:

* ``y[p,v]`` binary: programme p runs in village v;
* ``x[p,v]`` integer: units of p in v;
* ``r[d,v]`` continuous: deprived units (households, children, persons) of dimension d in
  v that the plan lifts out of deprivation;
* for a synergy rule k between programmes a and b: ``z[k,v]`` in [0, 1] (both run) and
  ``s[k,p,v]`` the reach of p that the bonus applies to.

* ``q[p,v]`` continuous: deprived units lifted by programme p, only in a dimension whose
  programmes have different depths (a rebuilt house lifts further than a repair);
* ``g[d,v,k]`` continuous: the part of the lift of d in v in segment k of the
  diminishing-returns value (only when the strength is above 0).

Maximise  sum_v w_v * sum_d omega_d * F(L[d,v]; D[d,v]), where L[d,v] is the lift
(deprived units lifted, weighted by programme depth) and F the concave value of
:mod:`planning.model.returns` (F(L) = L without diminishing returns: with every depth 1
this is sum_v w_v sum_d omega_d r[d,v], the weighted deprivations removed).

Every constraint has a stable name built from rule, programme, agency and village codes
(PuLP turns ``-`` into ``_`` in the solver's copy of the name). Rules a planner may need
to relax to reach a feasible plan are *soft*: :func:`build_model` can give each of them a
penalised slack (an elastic model) to explain infeasibility.

The registry :mod:`planning.model.rules` lists these functions with each rule's switch,
plan check and messages, and builds the model from them (``build_model``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pulp

from planning.model import floors, returns
from planning.model.instance import Instance

LE, GE, EQ = pulp.LpConstraintLE, pulp.LpConstraintGE, pulp.LpConstraintEQ

#: rules whose slack stands for money or agency capacity a planner could add
RESOURCE_RULES = ("pagu", "ceiling", "capacity")
#: rules that ask for something a planner could give up
REQUIREMENT_RULES = ("coverage", "kecamatan_share", "village_share", "lock", "dimension_floor",
                     "absorption", "village_package")


@dataclass(frozen=True)
class RuleRow:
    """What one named constraint says, for reports: the rule and whom it is about."""

    name: str
    rule: str
    sense: int
    rhs: float
    scale: float = 1.0
    agency: str | None = None
    program: str | None = None
    village: str | None = None
    kecamatan: str | None = None
    dimension: str | None = None
    extra: float | None = None


@dataclass
class Model:
    """A built model: the PuLP problem, its variables by key, and its named rules."""

    instance: Instance
    prob: pulp.LpProblem
    elastic: frozenset[str] = frozenset()
    x: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    y: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    r: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    s: dict[tuple[str, str, str, str], pulp.LpVariable] = field(default_factory=dict)
    z: dict[tuple[str, str, str], pulp.LpVariable] = field(default_factory=dict)
    q: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    g: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    total: pulp.LpVariable | None = None
    """T, all spending (juta Rp), once a share rule asks for it (:func:`total_spend`)."""
    rows: dict[str, RuleRow] = field(default_factory=dict)
    slack: dict[str, pulp.LpVariable] = field(default_factory=dict)
    cost: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    constraints: dict[str, pulp.LpConstraint] = field(default_factory=dict)
    build_seconds: float = 0.0
    tag: str = ""
    """Appended to every variable and constraint name: one year of a multi-year model
    (``_t2027``) shares its PuLP problem with the other years."""
    _rows: list | None = field(default=None, repr=False)
    _groups: dict = field(default_factory=dict, repr=False)

    # -- helpers used by the rule functions (and by custom rules) --------------------
    def variable(self, name: str, low: float | None = 0, up: float | None = None,
                 cat: str = pulp.LpContinuous) -> pulp.LpVariable:
        return self.prob.add_variable(name + self.tag, lowBound=low, upBound=up, cat=cat)

    def spend_terms(self, keys: Iterable[tuple[str, str]]) -> list[tuple[pulp.LpVariable, float]]:
        """Terms of c_p * x[p,v] + f_p * y[p,v] (juta Rp) summed over ``keys``."""
        terms = []
        for key in keys:
            c, f = self.cost[key]
            terms.append((self.x[key], c))
            if f:
                terms.append((self.y[key], f))
        return terms

    def constrain(self, name: str, terms, sense: int, rhs: float, rule: str,
                  scale: float = 1.0, **about) -> pulp.LpConstraint:
        """Add ``sum(terms) <sense> rhs`` named ``name``; elastic when ``rule`` is.
        ``terms`` are (variable, coefficient) pairs; repeated variables add up."""
        coef: dict[pulp.LpVariable, float] = {}
        for var, value in terms:
            coef[var] = coef.get(var, 0.0) + value
        expr = pulp.LpAffineExpression(list(coef.items()))
        name += self.tag
        if rule in self.elastic:
            slack = self.prob.add_variable(f"slack_{name}", lowBound=0)
            self.slack[name] = slack
            expr += slack * (-1.0 if sense == LE else 1.0)
            if sense == EQ:
                raise ValueError("equality rules cannot be elastic")
        row = pulp.LpConstraint(expr, sense, name, rhs)
        self.prob.addConstraint(row)
        self.constraints[name] = row
        self.rows[name] = RuleRow(name=name, rule=rule, sense=sense, rhs=float(rhs),
                                  scale=float(scale), **about)
        return row

    def set_rhs(self, name: str, rhs: float) -> None:
        """Change the right-hand side of the named rule in place (e.g. a new pagu)."""
        self.constraints[name].changeRHS(rhs)
        self.rows[name] = dataclasses.replace(self.rows[name], rhs=float(rhs),
                                              scale=max(float(rhs), 1.0))

    def slack_value(self, name: str) -> float:
        var = self.slack.get(name)
        return float(var.varValue or 0.0) if var is not None else 0.0


def _pairs(m: Model) -> list:
    """The eligible pairs as plain tuples, made once per model (pandas rows are slow)."""
    if m._rows is None:
        m._rows = list(m.instance.pairs.itertuples(index=False))
    return m._rows


def _by(m: Model, column: str) -> dict[str, list[tuple[str, str]]]:
    """The (village, program) keys grouped by a column of the pairs, made once."""
    if column not in m._groups:
        groups: dict[str, list[tuple[str, str]]] = {}
        for p in _pairs(m):
            groups.setdefault(getattr(p, column), []).append((p.village, p.program))
        m._groups[column] = groups
    return m._groups[column]


# --- the rules ----------------------------------------------------------------------

def add_decisions(m: Model) -> None:
    """y[p,v] in {0,1}; x[p,v] integer in [0, hi]; r[d,v] >= 0 (deprived units)."""
    for p in _pairs(m):
        key = (p.village, p.program)
        m.y[key] = m.variable(f"y_{p.program}_{p.village}", 0, 1, pulp.LpBinary)
        m.x[key] = m.variable(f"x_{p.program}_{p.village}", 0, int(p.hi), pulp.LpInteger)
        m.cost[key] = (float(p.unit_cost), float(p.fixed_cost))
    for row in m.instance.deprived.itertuples(index=False):
        m.r[(row.village, row.dimension)] = m.variable(f"r_{row.dimension}_{row.village}", 0)


def add_unit_bounds(m: Model) -> None:
    """lo_p * y[p,v] <= x[p,v] <= hi[p,v] * y[p,v]  (units per village), where
    hi[p,v] = min(max_units_p, ceil(need[v,p] / beneficiaries_per_unit_p)) with the need
    cap on: a programme either does not run, or runs with between lo and hi units."""
    for p in _pairs(m):
        key = (p.village, p.program)
        m.constrain(f"units_min_{p.program}_{p.village}", [(m.x[key], 1), (m.y[key], -p.lo)],
                    GE, 0, "units", program=p.program, village=p.village, extra=p.lo)
        m.constrain(f"units_max_{p.program}_{p.village}", [(m.x[key], 1), (m.y[key], -p.hi)],
                    LE, 0, "units", program=p.program, village=p.village, extra=p.hi)


def add_synergy(m: Model) -> None:
    """For a synergy rule k between programmes a and b with a bonus: z[k,v] <= y[a,v] and
    z[k,v] <= y[b,v] (z in [0, 1]: both run), and for p in {a, b}:
    s[k,p,v] <= reach[p,v] * x[p,v] and s[k,p,v] <= reach[p,v] * hi[p,v] * z[k,v]
    (deprived units). The reach of p in v gains bonus_k * s[k,p,v]: its own reach times
    the bonus when its partner also runs there, nothing otherwise."""
    pairs = m.instance.pairs
    coef = dict(zip(zip(pairs["village"], pairs["program"], strict=True),
                    zip(pairs["reach"].astype(float).tolist(),
                        pairs["hi"].astype(float).tolist(), strict=True),
                    strict=True))
    for a, b, _bonus in m.instance.synergies:
        for v in m.instance.villages["code"]:
            if (v, a) not in m.y or (v, b) not in m.y:
                continue
            z = m.z[(a, b, v)] = m.variable(f"z_{a}_{b}_{v}", 0, 1)
            for p in (a, b):
                reach, hi = coef[(v, p)]
                s = m.s[(a, b, p, v)] = m.variable(f"s_{a}_{b}_{p}_{v}", 0)
                about = {"program": p, "village": v}
                m.constrain(f"synergy_both_{a}_{b}_{p}_{v}", [(z, 1), (m.y[(v, p)], -1)], LE,
                            0, "synergy", **about)
                m.constrain(f"synergy_units_{a}_{b}_{p}_{v}", [(s, 1), (m.x[(v, p)], -reach)],
                            LE, 0, "synergy", **about)
                m.constrain(f"synergy_on_{a}_{b}_{p}_{v}", [(s, 1), (z, -reach * hi)], LE, 0,
                            "synergy", **about)


def add_reach(m: Model) -> None:
    """r[d,v] <= sum_{p in d} (reach[p,v] * x[p,v] + sum_k bonus_k * s[k,p,v]), where
    reach[p,v] = beneficiaries_per_unit_p * e[p,v] (deprived units per unit) and e[p,v] is
    the effectiveness from the village's sector potential (1 for other programmes)."""
    programs = m.instance.programs
    dimension = dict(zip(programs["code"], programs["dimension"], strict=True))
    bonus = {(a, b): value for a, b, value in m.instance.synergies}
    terms: dict[tuple[str, str], list] = {key: [(var, 1.0)] for key, var in m.r.items()}
    for p in _pairs(m):
        terms[(p.village, p.dimension)].append((m.x[(p.village, p.program)], -p.reach))
    for (a, b, p, v), s in m.s.items():
        terms[(v, dimension[p])].append((s, -bonus[(a, b)]))
    for (v, d), row in terms.items():
        m.constrain(f"reach_{d}_{v}", row, LE, 0, "reach", village=v, dimension=d)


def add_saturation(m: Model) -> None:
    """r[d,v] <= D[d,v]: no more deprived units lifted than are deprived in v (from the
    dimension's count indicator: households, children or persons)."""
    for row in m.instance.deprived.itertuples(index=False):
        m.constrain(f"saturation_{row.dimension}_{row.village}",
                    [(m.r[(row.village, row.dimension)], 1)], LE, row.deprived, "saturation",
                    village=row.village, dimension=row.dimension)


def add_budget_limits(m: Model) -> None:
    """sum_{v, p of a} (c_p * x[p,v] + f_p * y[p,v]) <= B_a  (juta Rp), per agency a."""
    by_agency = _by(m, "agency")
    for agency, budget in m.instance.pagu.items():
        m.constrain(f"pagu_{agency}", m.spend_terms(by_agency.get(agency, [])), LE,
                    float(budget), "pagu", scale=max(float(budget), 1.0), agency=agency)


def add_district_ceiling(m: Model) -> None:
    """sum of all spending <= B  (juta Rp), when the scenario sets a district ceiling."""
    ceiling = m.instance.ceiling
    if ceiling is None:
        return
    keys = list(m.x)
    m.constrain("district_ceiling", m.spend_terms(keys), LE, ceiling, "ceiling",
                scale=max(ceiling, 1.0))


def add_capacity(m: Model) -> None:
    """sum_v y[p,v] <= K_p  (villages), for programmes with a max_villages."""
    by_program = _by(m, "program")
    for prog in m.instance.programs.itertuples(index=False):
        keys = by_program.get(prog.code, [])
        if prog.max_villages != prog.max_villages or len(keys) <= prog.max_villages:
            continue  # no limit (NaN), or it cannot bind
        m.constrain(f"capacity_{prog.code}", [(m.y[k], 1) for k in keys], LE,
                    float(prog.max_villages), "capacity", scale=max(prog.max_villages, 1.0),
                    program=prog.code, agency=prog.agency)


def add_coverage(m: Model) -> None:
    """sum_p y[p,v] >= m  (programmes) for every village of the plan."""
    need = m.instance.settings.rules.min_programs_per_village
    if need <= 0:
        return
    by_village = _by(m, "village")
    for v in m.instance.villages["code"]:
        m.constrain(f"coverage_{v}", [(m.y[k], 1) for k in by_village.get(v, [])], GE,
                    float(need), "coverage", village=v, extra=float(need))


def total_spend(m: Model) -> pulp.LpVariable:
    """T = sum of all spending (juta Rp), one variable defined by one row ``spend_total``
    (T - sum_{v,p} (c_p * x[p,v] + f_p * y[p,v]) = 0), made once: the share rules refer
    to T instead of repeating every spending term in every row."""
    if m.total is None:
        m.total = m.variable("spend_total", 0)
        m.constrain("spend_total", [(m.total, 1.0)] + [(var, -coef) for var, coef in
                                                       m.spend_terms(list(m.x))], EQ, 0,
                    "total")
    return m.total


def _share_rule(m: Model, rule: str, share: float, column: str, sense: int) -> None:
    """spend of each group (villages of a kecamatan, or one village) <sense> share x all
    spending, written as spend_group - share x T <sense> 0  (juta Rp), T the total
    spending (:func:`total_spend`)."""
    groups = _by(m, column)
    total = [(total_spend(m), -share)]
    key = "kecamatan" if column == "kecamatan_code" else "village"
    for group in sorted(set(m.instance.villages["kecamatan_code" if key == "kecamatan"
                                                else "code"])):
        m.constrain(f"{rule}_{group}", m.spend_terms(groups.get(group, [])) + total, sense,
                    0, rule, scale=float(m.instance.pagu.sum()) * share or 1.0,
                    extra=share, **{key: group})


def add_kecamatan_share(m: Model) -> None:
    """sum_{v in k} spend_v >= s_min * sum_v spend_v  (juta Rp), per kecamatan k."""
    share = m.instance.settings.rules.kecamatan_min_share
    if share:
        _share_rule(m, "kecamatan_share", share, "kecamatan_code", GE)


def add_village_share(m: Model) -> None:
    """spend_v <= s_max * sum_v' spend_v'  (juta Rp), per village v."""
    share = m.instance.settings.rules.village_max_share
    if share:
        _share_rule(m, "village_share", share, "village", LE)


def add_requires(m: Model) -> None:
    """y[a,v] <= y[b,v]: programme a runs in v only where b also runs."""
    for a, b in m.instance.requires:
        for v in m.instance.villages["code"]:
            if (v, a) not in m.y:
                continue
            terms = [(m.y[(v, a)], 1)] + ([(m.y[(v, b)], -1)] if (v, b) in m.y else [])
            m.constrain(f"requires_{a}_{b}_{v}", terms, LE, 0, "requires", program=a,
                        village=v)


def add_excludes(m: Model) -> None:
    """y[a,v] + y[b,v] <= 1: programmes a and b never in the same village."""
    for a, b in m.instance.excludes:
        for v in m.instance.villages["code"]:
            if (v, a) in m.y and (v, b) in m.y:
                m.constrain(f"excludes_{a}_{b}_{v}", [(m.y[(v, a)], 1), (m.y[(v, b)], 1)], LE,
                            1, "excludes", program=a, village=v)


def add_locks(m: Model) -> None:
    """Locks: state 'in' gives y[p,v] >= 1; fixed units give x[p,v] = n (as >= and <=);
    state 'out' gives y[p,v] <= 0. Locks on pairs that cannot run are caught before
    solving (see presolve)."""
    for lock in m.instance.locks:
        key = (lock.village, lock.program)
        if key not in m.y:
            continue
        base = f"lock_{lock.program}_{lock.village}"
        about = {"program": lock.program, "village": lock.village}
        if lock.state == "out" or lock.units == 0:
            m.constrain(f"{base}_out", [(m.y[key], 1)], LE, 0, "lock", **about)
            continue
        m.constrain(f"{base}_in", [(m.y[key], 1)], GE, 1, "lock", **about)
        if lock.units is not None:
            m.constrain(f"{base}_units_min", [(m.x[key], 1)], GE, lock.units, "lock",
                        extra=lock.units, **about)
            m.constrain(f"{base}_units_max", [(m.x[key], 1)], LE, lock.units, "lock",
                        extra=lock.units, **about)


def mixed_depth(instance: Instance) -> dict[str, float | None]:
    """Per dimension: its programmes' common depth, or None when their depths differ
    (1 for a dimension without an eligible programme)."""
    depths = instance.pairs.groupby("dimension")["depth"].unique()
    return {d: (float(depths[d][0]) if d in depths.index and len(depths[d]) == 1 else
                None if d in depths.index else 1.0)
            for d in instance.deprived["dimension"].drop_duplicates()}


def add_depth(m: Model) -> None:
    """In a dimension d whose programmes have different depths, per village v:
    q[p,v] <= reach[p,v] * x[p,v] + sum_k bonus_k * s[k,p,v]  (deprived units lifted by
    p) and sum_{p in d} q[p,v] <= r[d,v]; the lift is L[d,v] = sum_p depth_p * q[p,v]
    (a maximising solver gives the deprived to the deepest programmes first). In the
    other dimensions L[d,v] = depth_d * r[d,v]."""
    mixed = {d for d, depth in mixed_depth(m.instance).items() if depth is None}
    bonus = {(a, b): value for a, b, value in m.instance.synergies}
    own: dict[tuple[str, str], list] = {}
    for (a, b, p, v), s in m.s.items():
        own.setdefault((v, p), []).append((s, -bonus[(a, b)]))
    total: dict[tuple[str, str], list] = {}
    for p in _pairs(m):
        if p.dimension not in mixed:
            continue
        key = (p.village, p.program)
        q = m.q[key] = m.variable(f"q_{p.program}_{p.village}", 0)
        m.constrain(f"depth_reach_{p.program}_{p.village}",
                    [(q, 1), (m.x[key], -p.reach), *own.get(key, [])], LE, 0, "depth",
                    program=p.program, village=p.village)
        total.setdefault((p.village, p.dimension), []).append((q, 1))
    for (v, d), terms in total.items():
        m.constrain(f"depth_sum_{d}_{v}", [*terms, (m.r[(v, d)], -1)], LE, 0, "depth",
                    village=v, dimension=d)


def set_objective(m: Model) -> None:
    """max sum_v w_v * sum_d omega_d * F(L[d,v]; D[d,v])  (weighted deprived units
    lifted). Without diminishing returns F(L) = L. With strength beta > 0:
    g[d,v,k] in [0, D[d,v] * (b_k - b_(k-1))] (the last segment open),
    sum_k g[d,v,k] <= L[d,v] (row ``returns``), and F = sum_k m_k * g[d,v,k] with
    m_k = 2 ** (-beta * k) (breakpoints b and slopes: :mod:`planning.model.returns`)."""
    inst = m.instance
    w = dict(zip(inst.villages["code"], inst.villages["weight"].astype(float).tolist(),
                 strict=True))
    strength = inst.settings.rules.diminishing_returns
    lifts = _lifts(m)
    terms = []
    for row in inst.deprived.itertuples(index=False):
        if not row.omega:
            continue
        factor = w[row.village] * row.omega
        lift = lifts[(row.village, row.dimension)]
        if not strength:
            terms += [(var, factor * coef) for var, coef in lift]
            continue
        terms += value_segments(m, row.village, row.dimension, lift, row.deprived, factor,
                             strength)
    m.prob.setObjective(pulp.LpAffineExpression(terms))


def value_segments(m: Model, village: str, dimension: str, lift: list, deprived: float,
                factor: float, strength: float) -> list[tuple[pulp.LpVariable, float]]:
    """The diminishing-returns value of one village and dimension: segments
    g[d,v,k] in [0, D x (b_k - b_(k-1))] (the last open; deprived units) with
    sum_k g[d,v,k] - L[d,v] <= 0 (row ``returns``); returns the objective's terms
    factor x m_k x g[d,v,k] (:mod:`planning.model.returns`)."""
    parts, terms = [], []
    for k, (slope, width) in enumerate(zip(returns.slopes(strength),
                                           returns.widths(deprived), strict=True)):
        g = m.g[(village, dimension, k)] = m.variable(
            f"g{k}_{dimension}_{village}", 0, None if k == returns.SEGMENTS - 1 else width)
        parts.append((g, 1.0))
        terms.append((g, factor * slope))
    m.constrain(f"returns_{dimension}_{village}",
                parts + [(var, -coef) for var, coef in lift], LE, 0, "returns",
                village=village, dimension=dimension)
    return terms


def _lifts(m: Model) -> dict[tuple[str, str], list[tuple[pulp.LpVariable, float]]]:
    """L[d,v] as terms for every (village, dimension) (see :func:`add_depth`)."""
    common = mixed_depth(m.instance)
    pairs = m.instance.pairs
    depth = dict(zip(zip(pairs["village"], pairs["program"], strict=True),
                     pairs["depth"].astype(float).tolist(), strict=True))
    programs = m.instance.programs
    dimension = dict(zip(programs["code"], programs["dimension"], strict=True))
    lifts: dict[tuple[str, str], list] = {}
    for key, q in m.q.items():
        lifts.setdefault((key[0], dimension[key[1]]), []).append((q, depth[key]))
    for key, r in m.r.items():
        if key not in lifts:
            d = common.get(key[1])
            lifts[key] = [(r, d if d is not None else 1.0)]
    return lifts


def add_dimension_floor(m: Model) -> None:
    """sum_v r[d,v] >= s_d * D_d^elig  (deprived units) for every dimension d with a
    floor and an eligible programme (targets: :func:`planning.model.floors.dimension_floors`)."""
    by_dimension: dict[str, list] = {}
    for key in m.r:
        by_dimension.setdefault(key[1], []).append(key)
    for floor in floors.dimension_floors(m.instance):
        keys = by_dimension.get(floor.dimension, [])
        m.constrain(f"dimension_floor_{floor.dimension}", [(m.r[k], 1) for k in keys], GE,
                    floor.target, "dimension_floor", scale=max(floor.target, 1.0),
                    dimension=floor.dimension, extra=floor.share)


def add_absorption(m: Model) -> None:
    """sum_{v, p of a} (c_p * x[p,v] + f_p * y[p,v]) >= min(s * B_a * c, A_a)  (juta Rp)
    per agency a, c the district ceiling's cut (targets:
    :func:`planning.model.floors.absorption_floors`)."""
    by_agency = _by(m, "agency")
    for floor in floors.absorption_floors(m.instance):
        if floor.target <= 0:
            continue
        m.constrain(f"absorption_{floor.agency}", m.spend_terms(by_agency.get(floor.agency, [])),
                    GE, floor.target, "absorption", scale=max(floor.target, 1.0),
                    agency=floor.agency, extra=floor.share)


def add_village_package(m: Model) -> None:
    """sum_{p} (c_p * x[p,v] + f_p * y[p,v]) >= P  (juta Rp) for every village v of the
    plan: a meaningful package, not a token one."""
    package = floors.village_package(m.instance)
    by_village = _by(m, "village")
    for v in m.instance.villages["code"]:
        m.constrain(f"village_package_{v}", m.spend_terms(by_village.get(v, [])), GE,
                    package, "village_package", scale=max(package, 1.0), village=v,
                    extra=package)


def set_elastic_objective(m: Model) -> None:
    """min sum_rules slack / scale: the smallest relative relaxation of the elastic rules
    (a shortfall of 10 % of a pagu weighs as much as one village without a programme)."""
    terms = [(var, 1.0 / m.rows[name].scale) for name, var in m.slack.items()]
    m.prob.sense = pulp.LpMinimize
    m.prob.setObjective(pulp.LpAffineExpression(terms))


CustomRule = Callable[[Model], None]


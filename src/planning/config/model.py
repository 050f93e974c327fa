"""Settings of the allocation model: which rules apply, their parameters, locks, solver.

Frozen pydantic models that reject unknown keys, so that a scenario file (which embeds
them) fails loudly on a typo instead of silently running a different plan. Money is in
juta Rp (million rupiah), shares are fractions (0.05 = 5 %).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from planning.config.reading import KeyedError


class _Frozen(BaseModel):
    # allow_inf_nan=False: NaN and infinity are refused in every number of the settings
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ConstraintRules(_Frozen):
    """The model's constraints, each switchable; parameters in planners' units (the
    ``rules:`` section of a scenario)."""

    budget_limits: bool = True
    """Each agency spends at most its pagu."""
    need_cap: bool = True
    """Units in a village at most ceil(need / beneficiaries per unit)."""
    saturation: bool = True
    """Households reached in a dimension never exceed the deprived households there."""
    eligibility: bool = True
    """A productive programme runs only where sector potential >= its min_potential."""
    capacity: bool = True
    """A programme runs in at most max_villages villages."""
    min_programs_per_village: int = Field(default=1, ge=0)
    """Every village of the plan gets at least this many programmes (0: off)."""
    kecamatan_min_share: float | None = Field(default=None, ge=0, le=1)
    """Each kecamatan receives at least this share of all spending; None: off."""
    village_max_share: float | None = Field(default=None, gt=0, le=1)
    """No village receives more than this share of all spending; None: off."""
    requires: bool = True
    """'requires' rules of rules.csv: programme A only where programme B also runs."""
    excludes: bool = True
    """'excludes' rules of rules.csv: programmes A and B never in the same village."""
    dimension_min_share: float | dict[str, float] | None = None
    """Balance floor: in each dimension at least this share of the deprived units of the
    plan's villages that have an eligible programme of the dimension are lifted (one
    share for every dimension, or a share per dimension code); None: off."""
    agency_min_absorption: float | None = Field(default=None, ge=0, le=1)
    """Balance floor: each agency spends at least this share of its pagu (serapan
    anggaran), or as much of it as its programmes can add up to when that is less (see
    docs/model.md); None: off."""
    village_min_package: float | None = Field(default=None, ge=0)
    """Balance floor: every village of the plan receives programmes worth at least this
    much (juta Rp): no token-only package; None (or 0): off."""

    @model_validator(mode="after")
    def _dimension_shares(self) -> ConstraintRules:
        share = self.dimension_min_share
        values = share.values() if isinstance(share, dict) else [] if share is None \
            else [share]
        bad = [v for v in values if not 0 <= v <= 1]
        if bad:
            raise KeyedError("settings.share_range", "dimension_min_share", value=bad[0])
        return self

    def dimension_floor(self, dimension: str) -> float:
        """The dimension floor's share for ``dimension`` (0 when off)."""
        share = self.dimension_min_share
        if isinstance(share, dict):
            return float(share.get(dimension, 0.0))
        return float(share or 0.0)


class ObjectiveRules(_Frozen):
    """The objective's switches and weights (the ``objective:`` section of a scenario)."""

    priority_weights: bool = True
    """Weight each village's deprivations by its poverty index."""
    priority_strength: float = Field(default=1.0, ge=0)
    """w_v = 1 + strength * poverty index rescaled to [0, 1] over the plan's villages."""
    effectiveness: bool = True
    """Productive programmes reach more where the village's sector potential is higher."""
    effectiveness_floor: float = Field(default=0.5, ge=0, le=1)
    """Effectiveness at sector potential 0 (it rises linearly to 1 at potential 1)."""
    synergy: bool = True
    """'synergy' rules of rules.csv: both in one village raise each one's reach by bonus."""
    dimension_weights: dict[str, float] = Field(default_factory=dict)
    """omega_d per dimension (1 for dimensions not listed); must be >= 0."""
    diminishing_returns: float = Field(default=0.0, ge=0, le=1)
    """Balance: how fast the value of lifting more of one village's deprived in one
    dimension falls (0: every deprived unit counts alike, the pure efficiency objective;
    0.5: the last quarter counts half as much as the first; see docs/model.md)."""
    programme_depth: bool = True
    """Weight what a programme lifts by its ``depth`` in programs.csv (a rebuilt house
    lifts a household further than a repaired one); off: every depth is 1."""

    @model_validator(mode="after")
    def _weights_non_negative(self) -> ObjectiveRules:
        bad = {k: v for k, v in self.dimension_weights.items() if v < 0}
        if bad:
            name, value = next(iter(bad.items()))
            raise KeyedError("negative", f"dimension_weights.{name}", value=value)
        return self


class Rules(ConstraintRules, ObjectiveRules):
    """Every rule of the model: the constraints, the objective, the district ceiling."""

    district_ceiling: float | None = Field(default=None, ge=0)
    """Total spending of all agencies at most this (juta Rp); None for no ceiling."""


class Lock(_Frozen):
    """A decision fixed by a planner: a programme in or out of a village, or fixed units."""

    village: str
    program: str
    state: Literal["in", "out"] = "in"
    units: int | None = Field(default=None, ge=0)
    """Exact units (only with state 'in'); None leaves the units to the optimiser."""

    @model_validator(mode="after")
    def _units_only_when_in(self) -> Lock:
        if self.state == "out" and self.units not in (None, 0):
            raise KeyedError("settings.lock_out_units", "units", units=self.units)
        return self


class Solver(_Frozen):
    """Which solver and when it stops; HiGHS (through highspy, in a watched child process
    on Linux) by default.

    A run ends on criteria that do not depend on the machine's speed: the gap target
    ``gap``, or the deterministic work limit ``node_limit`` (with one thread and a fixed
    seed the solver takes the same path on every machine). ``time_limit`` is only a
    safety net, far above what any shipped scenario needs."""

    name: Literal["highs", "cbc"] = "highs"
    gap: float = Field(default=0.002, ge=0, lt=1)
    """Relative gap at which the solver stops with a proven plan: (bound - plan) / bound.
    The default 0.2 % costs well under a second at 27 villages (see bench/README.md)."""
    node_limit: int = Field(default=5000, ge=1)
    """Branch-and-bound nodes at most (HiGHS ``mip_max_nodes``, CBC ``maxNodes``): the
    deterministic work limit. A run stopped by it keeps the best plan found, labelled as
    not proven optimal, with its certified gap."""
    max_gap: float = Field(default=0.05, ge=0, lt=1)
    """The largest certified gap accepted as a plan when a limit stops the solver before
    ``gap`` is proven; above it ``planning run`` still writes the plan, says so and exits
    with code 3."""
    time_limit: float = Field(default=600.0, gt=0, le=86_400)
    """Seconds of wall-clock time: a safety net only (shipped scenarios need under 10 s).
    A run it stops is labelled as such; it may not repeat exactly on another machine."""
    threads: int = Field(default=1, ge=1)
    """1 keeps runs reproducible."""
    seed: int = 2020
    warm_start: bool = True
    """Start the MIP from the quick plan when that plan satisfies every rule."""
    presolve: bool = False
    """HiGHS's presolve. Off by default: on the shipped scenarios it makes the balanced
    plans slower to prove within the gap (6.3 s with it, 2.5 s without, for the
    balanced baseline; bench/README.md)."""
    heuristic_effort: float = Field(default=0.05, ge=0, le=1)
    """The share of HiGHS's work spent on primal heuristics (``mip_heuristic_effort``;
    0.05 is HiGHS's default). A multi-year plan finds its near-optimal plans sooner with
    more (0.3 in rpjmd-2026-2030.yaml; bench/README.md). Work, not time: runs repeat."""
    lifting_for_probing: int = Field(default=-1, ge=-1)
    """HiGHS's ``mip_lifting_for_probing``: the level of lifting in its probing, -1 none
    (HiGHS's default). With 1 the shipped five-year plan took 29 s instead of 38 s but its
    re-plan 22 s instead of 18 s, and on variants of it faster, slower or the same
    (bench/README.md): on in no shipped scenario. Work, not time: runs repeat."""
    log: bool = False
    memory_limit_gb: float | None = Field(default=4.0, gt=0)
    """GiB of memory (address space) the solver's process may take beyond what it
    shares with the planner's process it is forked from, on Linux where HiGHS runs in its
    own child process; a solve that needs more ends with a message (fewer villages, or a
    higher limit) instead of taking the machine's memory. None: no limit."""

    @model_validator(mode="after")
    def _max_gap_covers_target(self) -> Solver:
        if self.max_gap < self.gap:
            raise KeyedError("settings.max_gap_below_gap", "max_gap", max_gap=self.max_gap,
                             gap=self.gap)
        return self


class Target(_Frozen):
    """An RPJMD target of a multi-year plan: deprived units of one dimension removed over
    the horizon (``dimension`` and ``removed``), or the district poverty rate (per cent)
    reached (``poverty_rate``), by the end of year ``by``. Reported per year; with
    ``enforce`` (``removed`` targets only) the plan must reach it."""

    by: int
    dimension: str | None = None
    removed: float | None = Field(default=None, ge=0)
    poverty_rate: float | None = Field(default=None, ge=0, le=100)
    enforce: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        removed = self.dimension is not None or self.removed is not None
        if removed == (self.poverty_rate is not None):
            raise ValueError("give either dimension and removed, or poverty_rate")
        if removed and (self.dimension is None or self.removed is None):
            raise ValueError("a removed target needs both dimension and removed")
        if self.enforce and not removed:
            raise ValueError("only a removed target can be enforced")
        return self


class Horizon(_Frozen):
    """A multi-year plan (docs/multi-year.md): consecutive budget years, every agency's
    pagu per year, the RPJMD targets, and how years are valued and re-scored."""

    years: list[int]
    """Consecutive budget years, first to last (at most 10)."""
    pagu: dict[str, dict[int, float]]
    """Agency code -> year -> pagu (juta Rp), every agency and every year."""
    targets: list[Target] = Field(default_factory=list)
    discount: float = Field(default=0.0, ge=0, le=1)
    """rho: a result one year earlier is worth (1 + rho) times as much (year t weighs
    (1 + rho) ** -(t - first year))."""
    inflow_pct: dict[str, float] = Field(default_factory=dict)
    """Dimension -> newly deprived each year, in per cent of the starting stock."""
    rescore: bool = True
    """Re-score the villages each year on the deprivations left and re-select the focus
    villages under the same rule (graduation and entry)."""

    @model_validator(mode="after")
    def _consistent(self) -> Horizon:
        years = list(self.years)
        if not years or years != list(range(years[0], years[0] + len(years))):
            raise ValueError(f"years must be consecutive and increasing, got {years}")
        if len(years) > 10:
            raise ValueError(f"at most 10 years, got {len(years)}")
        for agency, by_year in self.pagu.items():
            if sorted(by_year) != years:
                raise ValueError(f"pagu of {agency} must give every year {years}")
            if any(v < 0 for v in by_year.values()):
                raise ValueError(f"pagu of {agency} must be >= 0 juta Rp")
        for target in self.targets:
            if target.by not in years:
                raise ValueError(f"target year {target.by} is outside the horizon {years}")
        return self


class ModelSettings(_Frozen):
    """Everything the allocation model needs besides the data set and the scores."""

    villages: Literal["focus", "all"] | list[str] = "focus"
    """The villages of the plan: the focus villages, all villages, or a list of codes."""
    pagu: dict[str, float] = Field(default_factory=dict)
    """Pagu overrides per agency code (juta Rp); other agencies keep agencies.csv."""
    rules: Rules = Rules()
    locks: list[Lock] = Field(default_factory=list)
    solver: Solver = Solver()
    horizon: Horizon | None = None
    """A multi-year plan (None: one budget year, with ``pagu``)."""

    @model_validator(mode="after")
    def _pagu_non_negative(self) -> ModelSettings:
        bad = {k: v for k, v in self.pagu.items() if v < 0}
        if bad:
            name, value = next(iter(bad.items()))
            raise KeyedError("negative", f"pagu.{name}", value=value)
        return self

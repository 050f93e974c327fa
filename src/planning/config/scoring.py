"""Scoring settings: every choice behind the scores, as a strict, frozen model, and the
choices it is made of (normalisations, weightings, aggregations, focus rules).

They are the ``scoring:`` section of a scenario file (YAML)::

    scoring:
      poverty:                     # the poverty index (the potential index: potential:)
        normalisation: minmax      # minmax | zscore | rank
        weighting: user            # equal | user | pca | entropy
        aggregation: arithmetic    # arithmetic | geometric
        weights: {housing: 2, income: 2, health: 1}   # indicator or dimension -> >= 0
      focus:
        per_kecamatan: 3
        rule: poverty              # poverty | blend
        alpha: 0.3                 # blend only: share of the potential rank
        include_kelurahan: false
        force_in: [51.08.01.2001]
        force_out: []
      draws: 1000                  # stability draws (0: none)
      clusters: null               # typology: null = chosen by the stated criterion
      seed: 2020

Scenario files are read by :mod:`planning.config.scenario` (the one reader);
``planning score``'s options on top of them: :mod:`planning.config.options`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from planning.config.reading import (
    KeyedError,
)

NORMALISATIONS = ("minmax", "zscore", "rank")
WEIGHTINGS = ("equal", "user", "pca", "entropy")
AGGREGATIONS = ("arithmetic", "geometric")

class ScoringError(KeyedError):
    """A scoring choice that cannot be used; the message says which and what to do
    (``field``: the setting at fault, as a dotted path in :class:`ScoringSettings`)."""


def unknown_choice(name: str, value: object, allowed: tuple[str, ...]) -> ScoringError:
    return ScoringError("scoring.unknown_choice", name, name=name, value=value,
                        allowed=", ".join(allowed))


@dataclass(frozen=True)
class Method:
    """How an index is built. ``weights`` (for weighting='user') maps indicator or group
    names to non-negative numbers; a group's weight is split equally among its indicators."""

    normalisation: str = "minmax"
    weighting: str = "equal"
    aggregation: str = "arithmetic"
    weights: Mapping[str, float] = field(default_factory=dict)

    def check(self) -> Method:
        for name, value, allowed in (("normalisation", self.normalisation, NORMALISATIONS),
                                     ("weighting", self.weighting, WEIGHTINGS),
                                     ("aggregation", self.aggregation, AGGREGATIONS)):
            if value not in allowed:
                raise unknown_choice(name, value, allowed)
        if self.weighting == "user" and not self.weights:
            raise ScoringError("scoring.needs_weights", "weights")
        if self.weights and self.weighting != "user":
            raise ScoringError("scoring.weights_unused", "weights", weighting=self.weighting)
        negative = sorted(k for k, v in self.weights.items() if not v >= 0)
        if negative:
            raise ScoringError("scoring.negative_weights", "weights", names=", ".join(negative))
        return self



RULES = ("poverty", "blend")


@dataclass(frozen=True)
class FocusRule:
    per_kecamatan: int = 3
    rule: str = "poverty"
    alpha: float = 0.3
    include_kelurahan: bool = False
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()

    def check(self, codes: Iterable[str]) -> FocusRule:
        codes = set(codes)
        if self.rule not in RULES:
            raise unknown_choice("rule", self.rule, RULES)
        if self.per_kecamatan < 1:
            raise ScoringError("scoring.per_kecamatan", "per_kecamatan")
        if not 0 <= self.alpha <= 1:
            raise ScoringError("scoring.alpha", "alpha", alpha=self.alpha)
        for name, listed in (("force_in", self.force_in), ("force_out", self.force_out)):
            unknown = sorted(set(listed) - codes)
            if unknown:
                raise ScoringError("scoring.unknown_codes", name, codes=", ".join(unknown))
        both = sorted(set(self.force_in) & set(self.force_out))
        if both:
            raise ScoringError("scoring.forced_both", "force_out", codes=", ".join(both))
        return self



Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]
MAX_DRAWS = 100_000
"""Stability draws at most (each draw re-scores every village)."""
MAX_SEED = 2**32 - 1
"""The largest random seed numpy and scikit-learn take."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndexSettings(_Strict):
    """How one index is built (see :mod:`planning.scoring.indices` for the formulas)."""

    normalisation: Literal[NORMALISATIONS] = "minmax"
    weighting: Literal[WEIGHTINGS] = "equal"
    aggregation: Literal[AGGREGATIONS] = "arithmetic"
    weights: dict[str, Weight] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> IndexSettings:
        self.method().check()
        return self

    def method(self) -> Method:
        return Method(normalisation=self.normalisation, weighting=self.weighting,
                      aggregation=self.aggregation, weights=dict(self.weights))


class FocusSettings(_Strict):
    """The focus-village rule (see :mod:`planning.scoring.focus`)."""

    per_kecamatan: int = Field(3, ge=1)
    rule: Literal[RULES] = "poverty"
    alpha: float = Field(0.3, ge=0, le=1, allow_inf_nan=False)
    include_kelurahan: bool = False
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> FocusSettings:
        both = sorted(set(self.force_in) & set(self.force_out))
        if both:
            raise ScoringError("scoring.forced_both", "force_out", codes=", ".join(both))
        return self

    def focus_rule(self) -> FocusRule:
        return FocusRule(per_kecamatan=self.per_kecamatan, rule=self.rule, alpha=self.alpha,
                         include_kelurahan=self.include_kelurahan,
                         force_in=tuple(self.force_in), force_out=tuple(self.force_out))


class ScoringSettings(_Strict):
    """Everything ``planning score`` can be told: one index method each, the focus rule,
    the stability draws, the number of typology clusters and the random seed."""

    poverty: IndexSettings = IndexSettings()
    potential: IndexSettings = IndexSettings()
    focus: FocusSettings = FocusSettings()
    draws: int = Field(1000, ge=0, le=MAX_DRAWS)
    clusters: int | None = Field(None, ge=2)
    seed: int = Field(2020, ge=0, le=MAX_SEED)

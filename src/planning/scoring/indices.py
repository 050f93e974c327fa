"""Poverty and potential indices: normalise, weight, aggregate, decompose.

Notation: ``x[v, j]`` the value of indicator j in village v (a rate when the metadata
gives a denominator: count / denominator), ``d_j`` its direction (+1 or -1) and ``z[v, j]``
its normalised value. The index of village v is

* weighted arithmetic:  S_v = sum_j w_j z[v, j]
* weighted geometric:   S_v = exp( sum_j w_j ln(eps + (1 - eps) m[v, j]) ),
  with m the min-max rescaling of z to [0, 1] and eps = 0.01,

with weights w_j >= 0 that sum to 1. Every score decomposes into indicator contributions
``c[v, j]`` with sum_j c[v, j] = S_v (see :func:`aggregate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from planning.config.scoring import (  # noqa: F401  (re-exported: the index choices)
    AGGREGATIONS,
    NORMALISATIONS,
    WEIGHTINGS,
    Method,
    ScoringError,
    unknown_choice,
)

GEOMETRIC_EPS = 0.01


def oriented(values: pd.DataFrame, direction: pd.Series) -> pd.DataFrame:
    """x * d: every indicator oriented so that higher means more of what the index
    measures (more deprivation, more potential). Done before normalising."""
    return values * direction[values.columns]


def normalise(values: pd.DataFrame, how: str) -> pd.DataFrame:
    """Column-wise normalisation of oriented values (unitless).

    * minmax: (x - min) / (max - min), in [0, 1]; a constant column gives 0.
    * zscore: (x - mean) / std (population std, ddof = 0); a constant column gives 0.
    * rank:   average rank / n, in (0, 1]; ties share their average rank.
    """
    if how == "minmax":
        low, span = values.min(), values.max() - values.min()
        return _constant_to_zero((values - low) / span.where(span > 0, 1.0), span > 0)
    if how == "zscore":
        std = values.std(ddof=0)
        return _constant_to_zero((values - values.mean()) / std.where(std > 0, 1.0), std > 0)
    if how == "rank":
        return values.rank(method="average") / len(values)
    raise unknown_choice("normalisation", how, NORMALISATIONS)


def _constant_to_zero(frame: pd.DataFrame, varies: pd.Series) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[:, ~varies] = 0.0
    return frame


def equal_weights(groups: pd.Series) -> pd.Series:
    """Equal by group: each of G groups weighs 1/G, split equally among its indicators."""
    size = groups.map(groups.value_counts())
    return (1.0 / groups.nunique()) / size


def user_weights(groups: pd.Series, given: Mapping[str, float]) -> pd.Series:
    """User weights by indicator or by group (a group's weight is split equally among its
    indicators; an indicator named directly keeps its own weight). Normalised to sum 1."""
    known = set(groups.index) | set(groups)
    unknown = sorted(set(given) - known)
    if unknown:
        raise ScoringError("scoring.unknown_weights", "weights", names=", ".join(unknown),
                           allowed=", ".join(sorted(known)))
    size = groups.map(groups.value_counts())
    weights = pd.Series(0.0, index=groups.index)
    for name in groups.index:
        if name in given:
            weights[name] = float(given[name])
        elif groups[name] in given:
            weights[name] = float(given[groups[name]]) / size[name]
    if weights.sum() <= 0:
        raise ScoringError("scoring.zero_weights", "weights")
    return weights / weights.sum()


def pca_weights(normalised: pd.DataFrame) -> pd.Series:
    """Data-driven: |loadings| of the first principal component of the standardised
    indicators (scikit-learn PCA, full SVD: deterministic), normalised to sum 1."""
    standard = normalise(normalised, "zscore")
    pca = PCA(n_components=1, svd_solver="full").fit(standard.to_numpy())
    loadings = np.abs(pca.components_[0])
    if loadings.sum() <= 0:
        return pd.Series(1.0 / len(loadings), index=normalised.columns)
    return pd.Series(loadings / loadings.sum(), index=normalised.columns)


def entropy_weights(oriented_values: pd.DataFrame) -> pd.Series:
    """Entropy method on min-max values m: p = m / sum_v m, e_j = -sum_v p ln p / ln n,
    w_j = (1 - e_j) / sum_k (1 - e_k). More dispersed indicators weigh more."""
    m = normalise(oriented_values, "minmax")
    total = m.sum()
    p = m / total.where(total > 0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = (p * np.log(p)).fillna(0.0)
    entropy = -plogp.sum() / np.log(len(m))
    entropy = entropy.where(total > 0, 1.0)
    diversity = 1.0 - entropy
    if diversity.sum() <= 0:
        return pd.Series(1.0 / len(diversity), index=diversity.index)
    return diversity / diversity.sum()


def weights_for(method: Method, groups: pd.Series, normalised: pd.DataFrame,
                oriented_values: pd.DataFrame) -> pd.Series:
    if method.weighting == "equal":
        return equal_weights(groups)
    if method.weighting == "user":
        return user_weights(groups, method.weights)
    if method.weighting == "pca":
        return pca_weights(normalised)
    return entropy_weights(oriented_values)


def aggregate(normalised: pd.DataFrame, weights: pd.Series,
              how: str) -> tuple[pd.Series, pd.DataFrame]:
    """The index and its decomposition into indicator contributions (rows sum to S).

    * arithmetic: c[v, j] = w_j z[v, j].
    * geometric: with g[v, j] = w_j ln(eps + (1 - eps) m[v, j]) and S_v = exp(sum_j g),
      c[v, j] = S_v * g[v, j] / sum_k g[v, k] (each indicator's share of the log-score);
      where sum_k g = 0 (every value at its maximum) the score 1 is shared by weight.
    """
    w = weights[normalised.columns]
    if how == "arithmetic":
        parts = normalised * w
        return parts.sum(axis=1), parts
    if how != "geometric":
        raise unknown_choice("aggregation", how, AGGREGATIONS)
    m = normalise(normalised, "minmax")
    logs = np.log(GEOMETRIC_EPS + (1 - GEOMETRIC_EPS) * m) * w
    total = logs.sum(axis=1)
    score = np.exp(total)
    share = logs.div(total.where(total != 0, 1.0), axis=0)
    share = share.where(total != 0, pd.DataFrame([w.to_numpy()] * len(m), index=m.index,
                                                 columns=m.columns), axis=0)
    return score, share.mul(score, axis=0)


@dataclass(frozen=True)
class Index:
    """One index over the villages: score, contributions and the weights used."""

    score: pd.Series  # by village code
    contributions: pd.DataFrame  # village x indicator, rows sum to score
    weights: pd.Series  # by indicator
    groups: pd.Series  # indicator -> group

    def by_group(self) -> pd.DataFrame:
        """Contributions summed per group (dimension or sector); rows sum to score."""
        return self.contributions.T.groupby(self.groups).sum().T


def indicator_values(indicators: pd.DataFrame, villages: pd.DataFrame,
                     meta: pd.DataFrame) -> pd.DataFrame:
    """x[v, j]: counts divided by their denominator (a rate) where the metadata gives one."""
    frame = indicators.set_index("code")
    area = villages.set_index("code")["area_km2"].reindex(frame.index)
    out = {}
    for _, row in meta.iterrows():
        name = row["indicator"]
        values = frame[name].astype(float)
        base = row["denominator"]
        if isinstance(base, str) and base:
            denominator = area if base == "area_km2" else frame[base].astype(float)
            values = values / denominator.where(denominator > 0)
            values = values.fillna(0.0)
        out[name] = values
    return pd.DataFrame(out, index=frame.index)


def build_index(values: pd.DataFrame, direction: pd.Series, groups: pd.Series,
                method: Method) -> Index:
    """Orient, normalise, weight and aggregate ``values`` (village x indicator)."""
    method.check()
    turned = oriented(values, direction)
    normalised = normalise(turned, method.normalisation)
    weights = weights_for(method, groups, normalised, turned)
    score, parts = aggregate(normalised, weights, method.aggregation)
    return Index(score=score, contributions=parts, weights=weights, groups=groups)


def sector_potentials(values: pd.DataFrame, direction: pd.Series,
                      groups: pd.Series) -> pd.DataFrame:
    """Sector potential in [0, 1]: the equal-weight mean of the min-max normalised
    (oriented) indicators of each sector."""
    normalised = normalise(oriented(values, direction), "minmax")
    return normalised.T.groupby(groups).mean().T

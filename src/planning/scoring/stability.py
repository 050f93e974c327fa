"""Stability of the focus selection when the index weights are perturbed.

Each draw multiplies every indicator weight by an independent factor drawn uniformly from
[1 - spread, 1 + spread] (default +/-25 %), renormalises the weights to sum 1, recomputes
both indices and the focus selection. Reported per village: the share of draws in which it
is selected, and a class: "always" (>= 95 % of draws), "never" (<= 5 %), else "sometimes".
Reported per draw: the Spearman correlation of the poverty ranking with the unperturbed one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planning.scoring.focus import FocusRule, priority
from planning.scoring.indices import GEOMETRIC_EPS, Index, normalise

ALWAYS, NEVER = 0.95, 0.05
SPREAD = 0.25


def perturbed_scores(index: Index, normalised: pd.DataFrame, how: str,
                     factors: np.ndarray) -> np.ndarray:
    """Scores (draws x villages) with weights w * factor, renormalised to sum 1."""
    w = index.weights[normalised.columns].to_numpy()[None, :] * factors
    w = w / w.sum(axis=1, keepdims=True)
    if how == "arithmetic":
        return w @ normalised.to_numpy().T
    m = normalise(normalised, "minmax").to_numpy()
    return np.exp(w @ np.log(GEOMETRIC_EPS + (1 - GEOMETRIC_EPS) * m).T)


def top_n_mask(priorities: np.ndarray, kecamatan: np.ndarray, eligible: np.ndarray,
               forced_in: np.ndarray, n: int) -> np.ndarray:
    """Selection mask (draws x villages): forced villages first, then the n highest
    priorities among the eligible of each kecamatan (ties by position = code order)."""
    draws, villages = priorities.shape
    key = np.where(forced_in[None, :], np.inf, np.where(eligible[None, :], priorities, -np.inf))
    mask = np.zeros_like(key, dtype=bool)
    position = np.arange(villages)
    for kec in np.unique(kecamatan):
        cols = np.flatnonzero(kecamatan == kec)
        order = np.lexsort((np.broadcast_to(position[cols], (draws, len(cols))), -key[:, cols]),
                           axis=1)
        take = cols[order[:, :n]]
        ok = np.take_along_axis(key, take, axis=1) > -np.inf
        rows = np.repeat(np.arange(draws)[:, None], take.shape[1], axis=1)
        mask[rows[ok], take[ok]] = True
    return mask


def spearman(base: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Spearman rank correlation of each row of ``draws`` with ``base``."""
    rank = lambda a: pd.DataFrame(a).rank(axis=1, method="average").to_numpy()  # noqa: E731
    r0 = rank(base[None, :])[0]
    r = rank(draws)
    r0 = (r0 - r0.mean()) / r0.std()
    r = (r - r.mean(axis=1, keepdims=True)) / r.std(axis=1, keepdims=True)
    return (r * r0).mean(axis=1)


@dataclass(frozen=True)
class Stability:
    frequency: pd.Series  # share of draws selected, by village code
    status: pd.Series  # always / sometimes / never
    spearman: np.ndarray  # per draw, poverty ranking vs unperturbed


def stability(codes: pd.Series, kecamatan: pd.Series, eligible: pd.Series,
              forced_in: pd.Series, poverty: Index, poverty_z: pd.DataFrame,
              potential: Index, potential_z: pd.DataFrame, how: tuple[str, str],
              rule: FocusRule, draws: int = 1000, spread: float = SPREAD,
              seed: int = 2020) -> Stability:
    rng = np.random.default_rng(seed)
    f_p = rng.uniform(1 - spread, 1 + spread, (draws, poverty_z.shape[1]))
    f_q = rng.uniform(1 - spread, 1 + spread, (draws, potential_z.shape[1]))
    p = perturbed_scores(poverty, poverty_z, how[0], f_p)
    q = perturbed_scores(potential, potential_z, how[1], f_q)
    prio = priority(pd.DataFrame(p), pd.DataFrame(q), rule).to_numpy()
    mask = top_n_mask(prio, kecamatan.to_numpy(), eligible.to_numpy(), forced_in.to_numpy(),
                      rule.per_kecamatan)
    freq = pd.Series(mask.mean(axis=0), index=codes.to_numpy())
    status = pd.Series(np.select([freq >= ALWAYS, freq <= NEVER], ["always", "never"],
                                 "sometimes"), index=freq.index)
    base = poverty.score.reindex(codes).to_numpy()
    return Stability(frequency=freq, status=status, spearman=spearman(base, p))

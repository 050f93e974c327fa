"""Kawasan typology: villages clustered by their sector-potential profile.

Method (deterministic):

1. Standardise each sector potential over the district: z = (p - mean) / std (population
   std; a constant sector gives 0). Without this the sector with the largest spread and
   level (trade) decides the distances on its own.
2. KMeans (scikit-learn, ``random_state=seed``, ``n_init=10``, Lloyd, one thread) on z.
3. The number of clusters, unless fixed by the caller (``k``), is chosen among k = 3..8 by
   the **silhouette score among balanced partitions**: a partition is balanced when every
   cluster holds at least ``MIN_SHARE`` (5 %, and at least 3 villages) and none more than
   ``MAX_SHARE`` (40 %) of the villages. The balanced k with the highest silhouette wins
   (ties: the smaller k). If no k is balanced, the best silhouette over all k is used.
   A planner gets neither one catch-all cluster nor clusters of one or two villages.
4. Clusters are numbered by size (largest first; ties by their first village code).
5. Labels come from each cluster's lift, the mean z of its villages per sector (how many
   district standard deviations the cluster sits above the district mean). The label
   names the sectors with a lift of at least ``STRONG_LIFT`` (0.5), highest first, at
   most two, e.g. "pesisir-perikanan + pariwisata / coastal fisheries + tourism". A cluster
   without such a sector is "campuran, condong <top sector> / mixed, leaning <top sector>".
   Labels are unique: where clusters would name the same sectors, the one with the highest
   lift on them keeps the label and each other one adds its strongest further sector above
   the district mean (the cluster number is the last resort).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from planning.scoring.indices import ScoringError, normalise

SECTOR_LABELS = {
    "agriculture": ("pertanian pangan", "food crops"),
    "plantation": ("perkebunan", "plantation"),
    "livestock": ("lahan kering-peternakan", "dry-land livestock"),
    "fisheries": ("pesisir-perikanan", "coastal fisheries"),
    "tourism": ("pariwisata", "tourism"),
    "trade": ("perdagangan-kerajinan", "trade & crafts"),
}
CANDIDATES = range(3, 9)
MIN_SHARE, MIN_SIZE, MAX_SHARE = 0.05, 3, 0.40
STRONG_LIFT = 0.5
N_INIT = 10


@dataclass(frozen=True)
class Typology:
    cluster: pd.Series  # by village code
    label_id: pd.Series
    label_en: pd.Series
    k: int
    silhouette: dict[int, float]  # candidate k -> silhouette (empty when k was fixed)
    balanced: dict[int, bool] = field(default_factory=dict)  # candidate k -> balanced?
    lift: pd.DataFrame = field(default_factory=pd.DataFrame)  # cluster x sector, mean z
    criterion: str = "fixed"  # "fixed", "silhouette, balanced" or "silhouette"

    @property
    def sizes(self) -> pd.Series:
        return self.cluster.value_counts().sort_index()


def _fit(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    # one OpenMP thread: for a few hundred villages, thread start-up costs more than it
    # saves (7x slower on a busy 2-core machine); threadpoolctl comes with scikit-learn
    with threadpool_limits(limits=1, user_api="openmp"):
        return KMeans(n_clusters=k, n_init=N_INIT, random_state=seed).fit_predict(x)


def is_balanced(labels: np.ndarray) -> bool:
    """Every cluster holds >= MIN_SHARE (and >= MIN_SIZE) and <= MAX_SHARE of the villages."""
    sizes = np.bincount(labels)
    n = len(labels)
    return bool(sizes.min() >= max(MIN_SIZE, MIN_SHARE * n) and sizes.max() <= MAX_SHARE * n)


def choose_k(x: np.ndarray, seed: int) -> tuple[int, dict[int, float], dict[int, bool], str]:
    """The number of clusters by the criterion of the module docstring."""
    scores, balanced = {}, {}
    for k in CANDIDATES:
        if k >= len(x):
            break
        labels = _fit(x, k, seed)
        scores[k] = float(silhouette_score(x, labels))
        balanced[k] = is_balanced(labels)
    pool = [k for k in scores if balanced[k]]
    criterion = "silhouette, balanced" if pool else "silhouette"
    best = max(pool or scores, key=lambda c: (round(scores[c], 6), -c))
    return best, scores, balanced, criterion


def _names(sectors: list[str]) -> tuple[str, str]:
    ids = [SECTOR_LABELS.get(s, (s, s))[0] for s in sectors]
    ens = [SECTOR_LABELS.get(s, (s, s))[1] for s in sectors]
    return " + ".join(ids), " + ".join(ens)


def labels(lift: pd.DataFrame) -> tuple[dict[int, str], dict[int, str]]:
    """Readable, unique labels (id, en) from the lift table (cluster x sector).

    Where clusters would name the same sectors (in any order), the one with the highest
    mean lift on them keeps the label; each other one adds its strongest further sector
    above the district mean that gives a set of sectors not used yet (the strongest such
    sector over the group is given first). Where that is not possible, the cluster number
    is added."""
    strong = {c: int((lift.loc[c] >= STRONG_LIFT).sum()) for c in lift.index}
    named = {c: lift.loc[c].sort_values(ascending=False, kind="stable").index[
        :min(max(strong[c], 1), 2)].tolist() for c in lift.index}
    key = lambda c: (strong[c] == 0, frozenset(named[c]))  # noqa: E731
    groups: dict[tuple, list[int]] = {}
    for c in lift.index:
        groups.setdefault(key(c), []).append(c)
    taken, numbered = set(groups), set()
    for group in groups.values():
        leader = min(group, key=lambda c: (-lift.loc[c, named[c]].mean(), c))
        others = [c for c in group if c != leader]
        # the strongest further sectors first, over all the others of the group
        options = sorted((-lift.loc[c, s], c, s) for c in others for s in lift.columns
                         if s not in named[c] and lift.loc[c, s] > 0)
        for _, c, sector in options:
            grown = (strong[c] == 0, frozenset([*named[c], sector]))
            if grown not in taken and len(named[c]) == len(named[leader]):
                named[c] = [*named[c], sector]
                taken.add(grown)
        numbered |= {c for c in others if len(named[c]) == len(named[leader])}
    out_id, out_en = {}, {}
    for c in lift.index:
        name_id, name_en = _names(named[c])
        if strong[c] == 0:
            name_id, name_en = f"campuran, condong {name_id}", f"mixed, leaning {name_en}"
        suffix = f" ({c})" if c in numbered else ""
        out_id[c], out_en[c] = name_id + suffix, name_en + suffix
    return out_id, out_en


def typology(potentials: pd.DataFrame, k: int | None = None, seed: int = 2020) -> Typology:
    """Cluster the villages (rows of ``potentials``, sectors in [0, 1]) into kawasan types."""
    z = normalise(potentials, "zscore")
    x = z.to_numpy()
    if k is None:
        k, scores, balanced, criterion = choose_k(x, seed)
    else:
        if not 2 <= k < len(x):
            raise ScoringError("scoring.clusters", "clusters", k=k, high=len(x) - 1)
        scores, balanced, criterion = {}, {}, "fixed"
    raw = pd.Series(_fit(x, k, seed), index=potentials.index)
    # number clusters by size (largest first), then by first village code, for stable ids
    first = pd.Series(potentials.index, index=potentials.index).groupby(raw).min()
    order = pd.DataFrame({"size": raw.value_counts(), "first": first}).sort_values(
        ["size", "first"], ascending=[False, True], kind="stable").index
    cluster = raw.map({r: i + 1 for i, r in enumerate(order)})
    lift = z.groupby(cluster).mean()
    lift.index.name = "cluster"
    names_id, names_en = labels(lift)
    return Typology(cluster=cluster, label_id=cluster.map(names_id),
                    label_en=cluster.map(names_en), k=k, silhouette=scores,
                    balanced=balanced, lift=lift, criterion=criterion)

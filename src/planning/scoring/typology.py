"""Kawasan typology: villages clustered by their sector-potential profile.

KMeans (scikit-learn, fixed random_state, n_init=10) on the sector potentials in [0, 1].
The number of clusters is the one with the best silhouette score among k = 3..8 unless
the caller fixes it. Each cluster is labelled by its dominant sectors: the two sectors whose
cluster mean is furthest above the district mean, e.g. "pesisir-perikanan + pariwisata /
coastal fisheries + tourism".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

SECTOR_LABELS = {
    "agriculture": ("pertanian pangan", "food crops"),
    "plantation": ("perkebunan", "plantation"),
    "livestock": ("lahan kering-peternakan", "dry-land livestock"),
    "fisheries": ("pesisir-perikanan", "coastal fisheries"),
    "tourism": ("pariwisata", "tourism"),
    "trade": ("perdagangan-kerajinan", "trade & crafts"),
}


@dataclass(frozen=True)
class Typology:
    cluster: pd.Series  # by village code
    label_id: pd.Series
    label_en: pd.Series
    k: int
    silhouette: dict[int, float]


def _fit(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)


def typology(potentials: pd.DataFrame, k: int | None = None, seed: int = 2020) -> Typology:
    x = potentials.to_numpy()
    scores = {}
    if k is None:
        for candidate in range(3, min(8, len(x) - 1) + 1):
            scores[candidate] = float(silhouette_score(x, _fit(x, candidate, seed)))
        k = max(scores, key=lambda c: (round(scores[c], 6), -c))
    labels = _fit(x, k, seed)
    # number clusters by size (largest first), then by first village, for stable ids
    frame = pd.DataFrame({"raw": labels}, index=potentials.index)
    order = frame.groupby("raw").size().sort_values(ascending=False, kind="stable").index
    renumber = {raw: i + 1 for i, raw in enumerate(order)}
    cluster = frame["raw"].map(renumber)
    lift = potentials.groupby(cluster).mean() - potentials.mean()
    names_id, names_en = {}, {}
    for c, row in lift.iterrows():
        top = row.sort_values(ascending=False, kind="stable").index[:2]
        ids = [SECTOR_LABELS.get(s, (s, s))[0] for s in top]
        ens = [SECTOR_LABELS.get(s, (s, s))[1] for s in top]
        names_id[c], names_en[c] = " + ".join(ids), " + ".join(ens)
    return Typology(cluster=cluster, label_id=cluster.map(names_id),
                    label_en=cluster.map(names_en), k=k, silhouette=scores)

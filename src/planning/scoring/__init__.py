"""Village scoring: poverty and potential indices, sector potentials, kawasan typology,
focus villages and their stability under perturbed weights."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from planning.config.scoring import ScoringSettings
from planning.data import DataSet
from planning.i18n.glossary import coded
from planning.scoring.focus import FocusRule, Selection, reason, select_focus
from planning.scoring.indices import (
    Index,
    Method,
    ScoringError,
    build_index,
    indicator_values,
    normalise,
    oriented,
    sector_potentials,
)
from planning.scoring.stability import Stability, stability
from planning.scoring.typology import Typology, typology

__all__ = ["FocusRule", "Method", "ScoreResult", "ScoringError", "score_villages"]


@dataclass(frozen=True)
class ScoreResult:
    poverty: Index
    potential: Index
    sectors: pd.DataFrame
    typology: Typology | None
    """None when scored without it (``score(..., lean=True)``, ``typology_too=False``: a
    robustness draw, a region's district or a year's re-scoring needs only the indices and
    the focus villages)."""
    selection: Selection
    stability: Stability | None
    table: pd.DataFrame  # one row per village, the table `planning score` writes

    def table_in(self, lang: str) -> pd.DataFrame:
        """:attr:`table` with each village's ``reason`` in ``lang`` ("peringkat 4 di
        kecamatan, di bawah batas"); codes (``stability``, ``type``) stay codes, as
        village_scores.csv keeps them."""
        reasons = self.selection.table.set_index("code").apply(
            lambda row: reason(row, lang), axis=1)
        return self.table.assign(reason=self.table["code"].map(reasons))

    def shown_table(self, lang: str) -> pd.DataFrame:
        """:meth:`table_in` with the code values people read as the glossary's words
        (``stability`` "selalu", ``type`` "desa"): the table the workbook shows."""
        out = self.table_in(lang)
        for column, family in (("stability", "frequency"), ("type", "type")):
            if column in out:
                out[column] = out[column].map(lambda code, f=family: coded(f, code, lang))
        return out

    def decomposition(self, code: str) -> pd.DataFrame:
        """Indicator contributions of one village to both indices (they sum to the score)."""
        rows = []
        for name, index in (("poverty", self.poverty), ("potential", self.potential)):
            parts = index.contributions.loc[code]
            rows.append(pd.DataFrame({"index": name, "group": index.groups[parts.index],
                                      "indicator": parts.index, "weight": index.weights[
                                          parts.index].to_numpy(),
                                      "contribution": parts.to_numpy()}))
        return pd.concat(rows, ignore_index=True)


def _kind(ds: DataSet, kind: str) -> pd.DataFrame:
    meta = ds.indicator_metadata
    return meta[meta["kind"] == kind].set_index("indicator")


@contextmanager
def _setting(prefix: str) -> Iterator[None]:
    """Errors raised inside name the setting they come from (``poverty.weights``)."""
    try:
        yield
    except ScoringError as exc:
        raise exc.at(prefix) from None


def score_villages(ds: DataSet, poverty: Method | None = None,
                   potential: Method | None = None, focus: FocusRule | None = None,
                   draws: int = 1000, clusters: int | None = None,
                   seed: int = 2020, typology_too: bool = True) -> ScoreResult:
    """Score every village of ``ds``, pick the focus villages and test their stability
    (``draws``; 0: not tested). ``typology_too=False`` skips the kawasan typology (its
    k-means runs are most of the scoring's time; the indices and the focus villages do
    not depend on it): the result's ``typology`` is None and its table has no typology
    columns."""
    poverty, potential = poverty or Method(), potential or Method()
    focus = focus or FocusRule()
    values = indicator_values(ds.indicators, ds.villages, ds.indicator_metadata)
    dep, pot = _kind(ds, "deprivation"), _kind(ds, "potential")
    with _setting("poverty"):
        p_index = build_index(values[dep.index], dep["direction"], dep["group"], poverty)
    with _setting("potential"):
        q_index = build_index(values[pot.index], pot["direction"], pot["group"], potential)
    sectors = sector_potentials(values[pot.index], pot["direction"], pot["group"])
    types = typology(sectors, k=clusters, seed=seed) if typology_too else None
    villages = ds.villages
    with _setting("focus"):
        selection = select_focus(villages, p_index.score, q_index.score, focus)
    sel = selection.table.set_index("code")
    stab = None
    if draws:
        p_z = normalise(oriented(values[dep.index], dep["direction"]), poverty.normalisation)
        q_z = normalise(oriented(values[pot.index], pot["direction"]), potential.normalisation)
        stab = stability(villages["code"], villages["kecamatan_code"],
                         sel.loc[villages["code"], "eligible"].reset_index(drop=True),
                         villages["code"].isin(focus.force_in).reset_index(drop=True),
                         p_index, p_z, q_index, q_z,
                         (poverty.aggregation, potential.aggregation), focus,
                         draws=draws, seed=seed)
    table = _table(ds, p_index, q_index, sectors, types, selection, stab)
    return ScoreResult(p_index, q_index, sectors, types, selection, stab, table)


def score(ds: DataSet, settings: ScoringSettings, *, lean: bool = False) -> ScoreResult:
    """Score the data set ``ds`` with the scenario's scoring ``settings``; ``lean``: only
    what a plan needs (the indices, sectors and focus villages: no stability draws and no
    typology), as each robustness draw re-scores."""
    return score_villages(ds, poverty=settings.poverty.method(),
                          potential=settings.potential.method(),
                          focus=settings.focus.focus_rule(),
                          draws=0 if lean else settings.draws,
                          clusters=settings.clusters, seed=settings.seed,
                          typology_too=not lean)


def _table(ds, p_index, q_index, sectors, types, selection, stab) -> pd.DataFrame:
    sel = selection.table.set_index("code")
    codes = ds.villages["code"]
    out = ds.villages[["code", "name", "kecamatan_code", "kecamatan", "type"]].copy()
    out["poverty_index"] = codes.map(p_index.score).round(6).to_numpy()
    out["potential_index"] = codes.map(q_index.score).round(6).to_numpy()
    for sector in sectors.columns:
        out[f"potential_{sector}"] = codes.map(sectors[sector]).round(6).to_numpy()
    if types is not None:
        out["typology"] = codes.map(types.cluster).to_numpy()
        out["typology_id"] = codes.map(types.label_id).to_numpy()
        out["typology_en"] = codes.map(types.label_en).to_numpy()
    out["rank_in_kecamatan"] = codes.map(sel["rank_in_kecamatan"]).to_numpy()
    out["priority"] = codes.map(sel["priority"]).round(6).to_numpy()
    out["selected"] = codes.map(sel["selected"]).to_numpy()
    out["margin"] = codes.map(sel["margin"]).round(6).to_numpy()
    out["reason"] = codes.map(sel["reason"]).to_numpy()
    if stab is not None:
        out["selection_frequency"] = codes.map(stab.frequency).round(4).to_numpy()
        out["stability"] = codes.map(stab.status).to_numpy()
    focus_2020 = ds.reference.get("focus_villages_2020.csv")
    if focus_2020 is not None:
        listed = set(focus_2020.loc[focus_2020["code"] != "", "code"])
        out["in_2020_list"] = codes.isin(listed).to_numpy()
    return out.sort_values(["kecamatan_code", "rank_in_kecamatan"], kind="stable").reset_index(
        drop=True)

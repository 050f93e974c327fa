"""Interactive scoring for notebook 02: change the poverty index's method and dimension
weights with ipywidgets and see the focus villages and the ranking change.

The logic is plain methods (:meth:`RankingControls.rescore`), so the test suite drives the
controls headlessly by setting widget values. For a browser (the web app,
:mod:`planning.apps.web`) the method dropdowns and the weight sliders carry the CSS classes
``planning-ranking-method`` and ``planning-weight-<dimension>``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planning.config.scoring import ScoringSettings
from planning.data import DataSet
from planning.i18n import number, text
from planning.scoring import score_villages
from planning.scoring.indices import AGGREGATIONS, NORMALISATIONS, Method


def _t(key: str, lang: str, **params) -> str:
    return text(f"ranking.{key}", lang, **params)


class RankingControls:
    """Dropdowns for normalisation and aggregation and one slider per dimension weight;
    every change re-scores (without stability draws) and updates :attr:`table`."""

    def __init__(self, ds: DataSet, settings: ScoringSettings | None = None,
                 lang: str = "id"):
        import ipywidgets as widgets

        self.ds, self.lang = ds, lang
        self.settings = settings or ScoringSettings()
        self.start = self._score(self.settings.poverty.method())
        self.table = self.start
        dims = ds.dimensions
        self.normalisation = widgets.Dropdown(options=list(NORMALISATIONS),
                                              value=self.settings.poverty.normalisation,
                                              description=text("app.normalisation", lang))
        self.aggregation = widgets.Dropdown(options=list(AGGREGATIONS),
                                            value=self.settings.poverty.aggregation,
                                            description=text("app.aggregation", lang))
        label = "label_id" if lang == "id" else "label_en"
        self.weights = {row.group: widgets.FloatSlider(value=1.0, min=0.0, max=3.0,
                                                       step=0.25, description=getattr(
                                                           row, label)[:18])
                        for row in dims.itertuples()}
        self.output = widgets.Output()
        self.normalisation.add_class("planning-ranking-method")
        self.aggregation.add_class("planning-ranking-method")
        for group, slider in self.weights.items():
            slider.add_class(f"planning-weight-{group}")
        self.output.add_class("planning-ranking")
        for control in (self.normalisation, self.aggregation, *self.weights.values()):
            control.observe(lambda _change: self.rescore(), names="value")
        self.widget = widgets.VBox([
            widgets.HTML(f"<b>{_t('method', lang)}</b>"),
            widgets.HBox([self.normalisation, self.aggregation]),
            widgets.HTML(f"<b>{_t('weights', lang)}</b>"), *self.weights.values(),
            self.output])

    def _score(self, method: Method) -> pd.DataFrame:
        s = self.settings
        result = score_villages(self.ds, poverty=method, potential=s.potential.method(),
                                focus=s.focus.focus_rule(), draws=0, clusters=s.clusters,
                                seed=s.seed)
        return result.table

    def method(self) -> Method:
        weights = {d: float(w.value) for d, w in self.weights.items()}
        uniform = len(set(weights.values())) == 1
        return Method(normalisation=self.normalisation.value,
                      weighting="equal" if uniform else "user",
                      aggregation=self.aggregation.value,
                      weights={} if uniform else weights)

    def rescore(self) -> pd.DataFrame:
        """Score again with the controls' values; show what changed (the summary, and the
        villages whose focus status changed)."""
        from IPython.display import display

        self.table = self._score(self.method())
        changes = self.changes()
        with self.output:
            self.output.clear_output()
            print(self.summary())
            if not changes.empty:
                print(text("app.ranking_changes", self.lang))
                display(changes)
        return self.table

    def changes(self) -> pd.DataFrame:
        """Villages selected now but not at the start, or the other way round."""
        start = self.start.set_index("code")["selected"]
        now = self.table.set_index("code")["selected"]
        moved = start.index[start != now.reindex(start.index)]
        out = self.table.set_index("code").loc[moved, ["name", "kecamatan", "poverty_index",
                                                       "rank_in_kecamatan", "selected"]]
        return out.reset_index().sort_values("code").reset_index(drop=True)

    def summary(self) -> str:
        a = self.start.set_index("code")["poverty_index"].rank()
        b = self.table.set_index("code")["poverty_index"].rank().reindex(a.index)
        rho = float(np.corrcoef(a, b)[0, 1])
        changed = int((self.start.set_index("code")["selected"]
                       & ~self.table.set_index("code")["selected"]).sum())
        return _t("summary", self.lang, changed=changed,
                  n=int(self.start["selected"].sum()),
                  rho=number(rho, self.lang, 3))

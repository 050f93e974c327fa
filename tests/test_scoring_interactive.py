"""The ranking controls of notebook 02, driven headlessly through their widgets."""

from __future__ import annotations

from planning.apps.ranking import RankingControls
from planning.scoring import score_villages
from planning.scoring.indices import Method


def test_changing_a_weight_rescores_like_a_direct_call(ds):
    controls = RankingControls(ds, lang="en")
    start = controls.table.set_index("code")["selected"]
    controls.weights["housing"].value = 3.0  # the widget's observer re-scores
    weights = {d: 1.0 for d in ds.dimensions["group"]} | {"housing": 3.0}
    direct = score_villages(ds, poverty=Method(weighting="user", weights=weights),
                            draws=0).table.set_index("code")
    now = controls.table.set_index("code")
    assert (now["poverty_index"] == direct["poverty_index"]).all()
    assert (now["selected"] == direct["selected"]).all()
    flipped = set(start.index[start != now["selected"].reindex(start.index)])
    assert set(controls.changes()["code"]) == flipped
    assert "Spearman" in controls.summary()


def test_method_controls_and_back_to_the_start(ds):
    controls = RankingControls(ds)
    controls.aggregation.value = "geometric"
    assert controls.method().aggregation == "geometric"
    controls.aggregation.value = "arithmetic"
    assert controls.changes().empty
    assert "0 dari 27" in controls.summary()

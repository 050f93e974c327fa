"""Scoring: hand-computed indices on a 5-village example, properties, focus selection."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from planning.data import load_dataset
from planning.scoring import FocusRule, Method, ScoringError, score_villages
from planning.scoring.focus import select_focus
from planning.scoring.indices import build_index

from .conftest import DATA

# Five villages, three indicators in two dimensions; "dist" has direction -1.
VALUES = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0, 4.0],
                       "b": [10.0, 10.0, 20.0, 30.0, 50.0],
                       "dist": [5.0, 4.0, 3.0, 2.0, 1.0]},
                      index=["v1", "v2", "v3", "v4", "v5"])
DIRECTION = pd.Series({"a": 1, "b": 1, "dist": -1})
GROUPS = pd.Series({"a": "housing", "b": "water", "dist": "water"})


def test_minmax_equal_arithmetic_by_hand():
    index = build_index(VALUES, DIRECTION, GROUPS, Method())
    # min-max: a = v/4; b = (b-10)/40; dist oriented -dist: (5-d)/4
    # equal by dimension: housing 1/2 -> a 0.5; water 1/2 split -> b 0.25, dist 0.25
    expected = {"v1": 0.0, "v2": 0.5 * 0.25 + 0 + 0.25 * 0.25,
                "v3": 0.5 * 0.5 + 0.25 * 0.25 + 0.25 * 0.5,
                "v4": 0.5 * 0.75 + 0.25 * 0.5 + 0.25 * 0.75, "v5": 1.0}
    for v, value in expected.items():
        assert index.score[v] == pytest.approx(value)
    assert index.weights.to_dict() == pytest.approx({"a": 0.5, "b": 0.25, "dist": 0.25})


def test_zscore_by_hand():
    index = build_index(VALUES, DIRECTION, GROUPS, Method(normalisation="zscore"))
    a = (VALUES["a"] - 2) / math.sqrt(2)
    b = (VALUES["b"] - 24) / VALUES["b"].std(ddof=0)
    d = (-VALUES["dist"] + 3) / math.sqrt(2)
    np.testing.assert_allclose(index.score, 0.5 * a + 0.25 * b + 0.25 * d)


def test_rank_by_hand():
    index = build_index(VALUES, DIRECTION, GROUPS, Method(normalisation="rank"))
    a = np.array([1, 2, 3, 4, 5]) / 5
    b = np.array([1.5, 1.5, 3, 4, 5]) / 5  # tie shares rank 1.5
    np.testing.assert_allclose(index.score, 0.5 * a + 0.25 * b + 0.25 * a)


def test_user_weights_by_indicator_and_group():
    index = build_index(VALUES, DIRECTION, GROUPS,
                        Method(weighting="user", weights={"a": 3, "water": 1}))
    assert index.weights.to_dict() == pytest.approx({"a": 0.75, "b": 0.125, "dist": 0.125})


def test_entropy_weights_by_hand():
    m = pd.DataFrame({"a": VALUES["a"] / 4, "b": (VALUES["b"] - 10) / 40,
                      "dist": (5 - VALUES["dist"]) / 4})
    p = m / m.sum()
    e = -(p * np.log(p.where(p > 0, 1))).sum() / np.log(5)
    expected = (1 - e) / (1 - e).sum()
    index = build_index(VALUES, DIRECTION, GROUPS, Method(weighting="entropy"))
    np.testing.assert_allclose(index.weights[expected.index], expected)


def test_pca_weights_are_first_component_loadings():
    index = build_index(VALUES, DIRECTION, GROUPS, Method(weighting="pca"))
    z = VALUES * DIRECTION
    z = (z - z.mean()) / z.std(ddof=0)
    _, _, vt = np.linalg.svd(z.to_numpy(), full_matrices=False)
    expected = np.abs(vt[0]) / np.abs(vt[0]).sum()
    np.testing.assert_allclose(index.weights[VALUES.columns], expected, atol=1e-9)


def test_geometric_by_hand():
    index = build_index(VALUES, DIRECTION, GROUPS, Method(aggregation="geometric"))
    m = pd.DataFrame({"a": VALUES["a"] / 4, "b": (VALUES["b"] - 10) / 40,
                      "dist": (5 - VALUES["dist"]) / 4})
    w = {"a": 0.5, "b": 0.25, "dist": 0.25}
    expected = np.exp(sum(w[c] * np.log(0.01 + 0.99 * m[c]) for c in m))
    np.testing.assert_allclose(index.score, expected)


@pytest.mark.parametrize("method", [Method(), Method(normalisation="zscore"),
                                    Method(normalisation="rank", weighting="entropy"),
                                    Method(aggregation="geometric"),
                                    Method(weighting="pca", aggregation="geometric")])
def test_decomposition_sums_to_the_score(method):
    index = build_index(VALUES, DIRECTION, GROUPS, method)
    np.testing.assert_allclose(index.contributions.sum(axis=1), index.score, atol=1e-12)
    np.testing.assert_allclose(index.by_group().sum(axis=1), index.score, atol=1e-12)


@pytest.mark.parametrize("method", [Method(), Method(normalisation="zscore"),
                                    Method(normalisation="rank"),
                                    Method(aggregation="geometric")])
def test_more_deprivation_never_lowers_the_index(method):
    base = build_index(VALUES, DIRECTION, GROUPS, method).score
    for village in VALUES.index:
        for col in ("a", "b"):
            worse = VALUES.copy()
            worse.loc[village, col] += 7.0
            assert build_index(worse, DIRECTION, GROUPS, method).score[village] >= base[
                village] - 1e-12


def test_unit_rescaling_leaves_minmax_scores_unchanged():
    base = build_index(VALUES, DIRECTION, GROUPS, Method()).score
    rescaled = VALUES.assign(b=VALUES["b"] * 1000, dist=VALUES["dist"] * 1.609)
    np.testing.assert_allclose(build_index(rescaled, DIRECTION, GROUPS, Method()).score, base)


@pytest.mark.parametrize(("method", "words"), [
    (Method(normalisation="log"), "unknown normalisation 'log'"),
    (Method(aggregation="median"), "unknown aggregation"),
    (Method(weighting="user", weights={"a": -1}), "zero or more"),
    (Method(weighting="user", weights={"nope": 1}), "unknown indicators or groups: nope"),
    (Method(weighting="user"), "needs weights"),
    (Method(weights={"a": 1}), "set weighting to 'user'"),
])
def test_wrong_choices_are_clear_errors(method, words):
    with pytest.raises(ScoringError, match=words):
        build_index(VALUES, DIRECTION, GROUPS, method)


VILLAGES = pd.DataFrame({
    "code": ["k1.1", "k1.2", "k1.3", "k1.4", "k2.1", "k2.2", "k2.3"],
    "name": list("ABCDEFG"),
    "kecamatan_code": ["k1"] * 4 + ["k2"] * 3,
    "kecamatan": ["One"] * 4 + ["Two"] * 3,
    "type": ["desa", "desa", "kelurahan", "desa", "desa", "desa", "kelurahan"],
})
POVERTY = pd.Series([0.9, 0.5, 0.95, 0.1, 0.3, 0.3, 0.8], index=VILLAGES["code"])
POTENTIAL = pd.Series([0.1, 0.2, 0.3, 0.4, 0.9, 0.1, 0.5], index=VILLAGES["code"])


def test_focus_poverty_first_potential_breaks_ties():
    sel = select_focus(VILLAGES, POVERTY, POTENTIAL, FocusRule(per_kecamatan=1))
    assert sel.selected == ["k1.1", "k2.1"]  # kelurahan excluded; tie 0.3 broken by potential
    rule = FocusRule(per_kecamatan=1, include_kelurahan=True)
    assert select_focus(VILLAGES, POVERTY, POTENTIAL, rule).selected == ["k1.3", "k2.3"]


def test_forced_in_and_out_and_short_kecamatan():
    rule = FocusRule(per_kecamatan=3, force_in=("k1.4",), force_out=("k1.1",))
    sel = select_focus(VILLAGES, POVERTY, POTENTIAL, rule)
    table = sel.table.set_index("code")
    assert set(sel.selected) == {"k1.4", "k1.2", "k2.1", "k2.2"}
    assert table.loc["k1.4", "reason"] == "forced in"
    assert table.loc["k1.1", "reason"] == "forced out"
    assert len(sel.messages) == 2  # both kecamatan have fewer eligible than 3
    with pytest.raises(ScoringError, match="unknown village codes x"):
        select_focus(VILLAGES, POVERTY, POTENTIAL, FocusRule(force_in=("x",)))
    with pytest.raises(ScoringError, match="both forced in and forced out"):
        select_focus(VILLAGES, POVERTY, POTENTIAL,
                     FocusRule(force_in=("k1.1",), force_out=("k1.1",)))


def test_margins_explain_the_cut():
    sel = select_focus(VILLAGES, POVERTY, POTENTIAL, FocusRule(per_kecamatan=1))
    table = sel.table.set_index("code")
    assert table.loc["k1.1", "margin"] > 0 > table.loc["k1.2", "margin"]


@pytest.fixture(scope="module")
def shipped():
    ds = load_dataset(DATA)
    return ds, score_villages(ds, draws=200)


def test_shipped_data_gives_three_per_kecamatan(shipped):
    _, result = shipped
    chosen = result.table[result.table["selected"]]
    assert len(chosen) == 27
    assert (chosen.groupby("kecamatan_code").size() == 3).all()
    assert (chosen["type"] == "desa").all()
    # independent check: within each kecamatan the picks are the top-3 desa by poverty index
    desa = result.table[result.table["type"] == "desa"]
    top = desa.sort_values("poverty_index", ascending=False).groupby("kecamatan_code").head(3)
    assert set(top["code"]) == set(chosen["code"])


def test_stability_and_rerun_identical(shipped):
    ds, result = shipped
    again = score_villages(ds, draws=200)
    pd.testing.assert_frame_equal(result.table, again.table)
    freq = result.table.set_index("code")["selection_frequency"]
    assert ((freq >= 0) & (freq <= 1)).all()
    assert set(result.table["stability"]) <= {"always", "sometimes", "never"}
    # selected villages are selected more often than the others, on average
    chosen = result.table["selected"]
    assert freq[result.table.loc[chosen, "code"]].mean() > freq[
        result.table.loc[~chosen, "code"]].mean()


def test_typology_labels_every_village(shipped):
    _, result = shipped
    assert result.table["typology"].notna().all()
    assert result.table["typology_id"].str.len().gt(0).all()
    assert result.typology.k >= 3

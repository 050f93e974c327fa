"""The scoring indices on small hand-made tables, against formulas recomputed here with
plain numpy (not the module's own helpers), and the exact messages of every refusal in
both languages. Written to kill the mutants of planning.scoring.indices (docs/testing.md)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from planning.scoring.indices import (
    AGGREGATIONS,
    GEOMETRIC_EPS,
    NORMALISATIONS,
    WEIGHTINGS,
    Index,
    Method,
    ScoringError,
    aggregate,
    build_index,
    entropy_weights,
    equal_weights,
    indicator_values,
    normalise,
    oriented,
    pca_weights,
    sector_potentials,
    unknown_choice,
    user_weights,
)

VILLAGES = ["V1", "V2", "V3", "V4"]
#: three indicators; b is constant, c has a tie
VALUES = pd.DataFrame({"a": [1.0, 3.0, 2.0, 6.0], "b": [5.0, 5.0, 5.0, 5.0],
                       "c": [4.0, 0.0, 4.0, 2.0]}, index=VILLAGES)
GROUPS = pd.Series({"a": "g1", "b": "g1", "c": "g2"})
DIRECTION = pd.Series({"c": -1.0, "a": 1.0, "b": 1.0})


def test_constants():
    assert NORMALISATIONS == ("minmax", "zscore", "rank")
    assert WEIGHTINGS == ("equal", "user", "pca", "entropy")
    assert AGGREGATIONS == ("arithmetic", "geometric")
    assert GEOMETRIC_EPS == 0.01


def test_oriented_multiplies_by_the_direction_of_each_column():
    got = oriented(VALUES, DIRECTION)
    assert got["a"].tolist() == [1.0, 3.0, 2.0, 6.0]
    assert got["c"].tolist() == [-4.0, -0.0, -4.0, -2.0]
    assert list(got.columns) == ["a", "b", "c"]


def test_minmax():
    got = normalise(VALUES, "minmax")
    assert got["a"].tolist() == pytest.approx([0.0, 0.4, 0.2, 1.0])
    assert got["b"].tolist() == [0.0, 0.0, 0.0, 0.0]  # constant column
    assert got["c"].tolist() == pytest.approx([1.0, 0.0, 1.0, 0.5])
    assert VALUES["b"].tolist() == [5.0] * 4  # input untouched


def test_minmax_of_a_narrow_column():
    got = normalise(pd.DataFrame({"p": [0.1, 0.3, 0.6, 0.35]}), "minmax")
    assert got["p"].tolist() == pytest.approx([0.0, 0.4, 1.0, 0.5])


def test_zscore_population_std():
    got = normalise(VALUES, "zscore")
    a = np.array([1.0, 3.0, 2.0, 6.0])
    expected = (a - a.mean()) / math.sqrt(((a - a.mean()) ** 2).mean())
    assert got["a"].to_numpy() == pytest.approx(expected)
    assert got["b"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_rank_average_over_n():
    got = normalise(VALUES, "rank")
    assert got["a"].tolist() == pytest.approx([0.25, 0.75, 0.5, 1.0])
    assert got["c"].tolist() == pytest.approx([3.5 / 4, 0.25, 3.5 / 4, 0.5])
    assert got["b"].tolist() == pytest.approx([2.5 / 4] * 4)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_unknown_normalisation(lang):
    with pytest.raises(ScoringError) as caught:
        normalise(VALUES, "robust")
    expected = {"en": "unknown normalisation 'robust'; use one of: minmax, zscore, rank",
                "id": "normalisation 'robust' tidak dikenal; gunakan salah satu: minmax, "
                      "zscore, rank"}[lang]
    assert caught.value.render(lang) == expected
    assert str(caught.value) == "normalisation: unknown normalisation 'robust'; use one of: " \
                                "minmax, zscore, rank"
    assert caught.value.field == "normalisation"
    assert caught.value.key == "scoring.unknown_choice"


def test_error_default_language_and_prefix():
    error = unknown_choice("aggregation", "mean", AGGREGATIONS)
    assert error.render() == "aggregation 'mean' tidak dikenal; gunakan salah satu: " \
                             "arithmetic, geometric"
    moved = error.at("poverty")
    assert moved.field == "poverty.aggregation"
    assert moved.key == error.key and moved.params == error.params
    assert str(moved) == "poverty.aggregation: unknown aggregation 'mean'; use one of: " \
                         "arithmetic, geometric"
    bare = ScoringError("scoring.zero_weights")
    assert bare.field == ""
    assert str(bare) == "all weights are zero; give at least one positive weight"
    assert bare.at("potential").field == "potential"
    assert str(bare.at("potential")) == "potential: all weights are zero; give at least " \
                                        "one positive weight"
    assert bare.at("").field == ""


def test_equal_weights_split_by_group():
    w = equal_weights(GROUPS)
    assert w.to_dict() == pytest.approx({"a": 0.25, "b": 0.25, "c": 0.5})


def test_user_weights_by_group_and_indicator():
    w = user_weights(GROUPS, {"g1": 2.0, "c": 1.0})
    assert w.to_dict() == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    w = user_weights(GROUPS, {"a": 3.0, "g1": 4.0})  # a named directly keeps its weight
    assert w.to_dict() == pytest.approx({"a": 3 / 5, "b": 2 / 5, "c": 0.0})
    w = user_weights(GROUPS, {"g2": 1.0})
    assert w.to_dict() == pytest.approx({"a": 0.0, "b": 0.0, "c": 1.0})


@pytest.mark.parametrize("lang", ["en", "id"])
def test_user_weights_refusals(lang):
    with pytest.raises(ScoringError) as caught:
        user_weights(GROUPS, {"zz": 1.0, "g9": 2.0, "a": 1.0})
    assert caught.value.render(lang) == {
        "en": "weights for unknown indicators or groups: g9, zz; use: a, b, c, g1, g2",
        "id": "bobot untuk indikator atau kelompok yang tidak dikenal: g9, zz; gunakan: a, b, "
              "c, g1, g2"}[lang]
    assert caught.value.field == "weights"
    with pytest.raises(ScoringError) as caught:
        user_weights(GROUPS, {"a": 0.0, "g2": 0.0})
    assert caught.value.render(lang) == {
        "en": "all weights are zero; give at least one positive weight",
        "id": "semua bobot nol; beri paling sedikit satu bobot positif"}[lang]
    assert caught.value.field == "weights"


def test_pca_weights_are_abs_loadings_of_standardised_columns():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 5.0], "b": [2.0, 1.0, 4.0, 3.0],
                          "c": [0.0, 1.0, 0.0, 4.0]}, index=VILLAGES)
    got = pca_weights(frame)
    x = frame.to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    _, _, vt = np.linalg.svd(z - z.mean(axis=0), full_matrices=False)
    loading = np.abs(vt[0])
    assert got.to_numpy() == pytest.approx(loading / loading.sum())
    assert list(got.index) == ["a", "b", "c"]


def test_pca_weights_when_one_indicator_varies():
    """Only a varies: the first component is a's axis, and a takes all the weight."""
    frame = pd.DataFrame({"a": [1.0, 2.0, 4.0, 3.0], "b": [2.0] * 4, "c": [0.5] * 4},
                         index=VILLAGES)
    assert pca_weights(frame).to_numpy() == pytest.approx([1.0, 0.0, 0.0])


def test_entropy_weights():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 4.0], "b": [1.0, 2.0, 2.0, 3.0],
                          "c": [7.0] * 4, "d": [0.0, 0.0, 0.0, 5.0]}, index=VILLAGES)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # p ln p at p = 0 is 0, quietly
        got = entropy_weights(frame)
    diversity = {}
    for name in frame:
        x = frame[name].to_numpy()
        span = x.max() - x.min()
        m = (x - x.min()) / span if span else np.zeros_like(x)
        if m.sum() == 0:
            diversity[name] = 0.0
            continue
        p = m / m.sum()
        e = -sum(q * math.log(q) for q in p if q > 0) / math.log(len(x))
        diversity[name] = 1 - e
    total = sum(diversity.values())
    assert got.to_dict() == pytest.approx({k: v / total for k, v in diversity.items()})
    assert got["c"] == 0.0
    assert diversity["d"] == pytest.approx(1.0)  # all in one village: entropy 0


def test_entropy_weights_all_constant_are_equal():
    frame = pd.DataFrame({"a": [1.0] * 4, "b": [3.0] * 4}, index=VILLAGES)
    assert entropy_weights(frame).to_dict() == {"a": 0.5, "b": 0.5}


def test_arithmetic_aggregate():
    z = pd.DataFrame({"a": [0.0, 0.5, 1.0], "c": [1.0, 0.25, 0.0]}, index=["x", "y", "w"])
    weights = pd.Series({"c": 0.75, "a": 0.25, "unused": 9.0})
    score, parts = aggregate(z, weights, "arithmetic")
    assert parts["a"].tolist() == pytest.approx([0.0, 0.125, 0.25])
    assert parts["c"].tolist() == pytest.approx([0.75, 0.1875, 0.0])
    assert score.tolist() == pytest.approx([0.75, 0.3125, 0.25])
    assert list(parts.columns) == ["a", "c"]


def test_geometric_aggregate():
    z = pd.DataFrame({"a": [0.0, 0.5, 1.0, 1.0], "c": [2.0, 1.0, 0.0, 2.0]},
                     index=["x", "y", "w", "u"])
    weights = pd.Series({"a": 0.4, "c": 0.6})
    score, parts = aggregate(z, weights, "geometric")
    eps = 0.01
    rows = []
    for a, c in zip(z["a"], z["c"] / 2.0, strict=True):
        g = [0.4 * math.log(eps + (1 - eps) * a), 0.6 * math.log(eps + (1 - eps) * c)]
        s = math.exp(sum(g))
        rows.append((s, [s * gi / sum(g) for gi in g] if sum(g) else [0.4 * s, 0.6 * s]))
    assert score.tolist() == pytest.approx([r[0] for r in rows])
    assert parts.to_numpy().tolist() == [pytest.approx(r[1]) for r in rows]
    # every value at its maximum: score 1 shared by weight
    assert score["u"] == pytest.approx(1.0)
    assert parts.loc["u"].tolist() == pytest.approx([0.4, 0.6])
    assert parts.sum(axis=1).to_numpy() == pytest.approx(score.to_numpy())


@pytest.mark.parametrize("lang", ["en", "id"])
def test_unknown_aggregation(lang):
    with pytest.raises(ScoringError) as caught:
        aggregate(VALUES, equal_weights(GROUPS), "harmonic")
    assert caught.value.render(lang) == {
        "en": "unknown aggregation 'harmonic'; use one of: arithmetic, geometric",
        "id": "aggregation 'harmonic' tidak dikenal; gunakan salah satu: arithmetic, "
              "geometric"}[lang]
    assert caught.value.field == "aggregation"


def test_method_defaults():
    m = Method()
    assert (m.normalisation, m.weighting, m.aggregation, dict(m.weights)) == \
        ("minmax", "equal", "arithmetic", {})
    assert m.check() is m
    assert Method(weighting="user", weights={"a": 0.0}).check().weights == {"a": 0.0}


@pytest.mark.parametrize(("method", "field", "en", "id_"), [
    (Method(normalisation="x"), "normalisation",
     "unknown normalisation 'x'; use one of: minmax, zscore, rank",
     "normalisation 'x' tidak dikenal; gunakan salah satu: minmax, zscore, rank"),
    (Method(weighting="x"), "weighting",
     "unknown weighting 'x'; use one of: equal, user, pca, entropy",
     "weighting 'x' tidak dikenal; gunakan salah satu: equal, user, pca, entropy"),
    (Method(aggregation="x"), "aggregation",
     "unknown aggregation 'x'; use one of: arithmetic, geometric",
     "aggregation 'x' tidak dikenal; gunakan salah satu: arithmetic, geometric"),
    (Method(weighting="user"), "weights",
     "weighting 'user' needs weights (indicator or group -> number); fill in weights",
     "pembobotan 'user' butuh bobot (indikator atau kelompok -> angka); isi weights"),
    (Method(weighting="pca", weights={"a": 1.0}), "weights",
     "weights were given but weighting is 'pca'; set weighting to 'user' to use them",
     "bobot diberikan tetapi pembobotan 'pca'; ubah pembobotan menjadi 'user' agar bobot "
     "dipakai"),
    (Method(weighting="user", weights={"b": -1.0, "a": 1.0, "c": float("nan")}), "weights",
     "weights must be zero or more; fix: b, c",
     "bobot harus nol atau lebih; perbaiki: b, c"),
])
def test_method_check_refusals(method, field, en, id_):
    with pytest.raises(ScoringError) as caught:
        method.check()
    assert caught.value.field == field
    assert caught.value.render("en") == en
    assert caught.value.render("id") == id_
    assert str(caught.value) == f"{field}: {en}"


def test_build_index_each_weighting():
    turned = VALUES * DIRECTION[VALUES.columns]
    z = normalise(turned, "minmax")
    for method, weights in [
        (Method(), pd.Series({"a": 0.25, "b": 0.25, "c": 0.5})),
        (Method(weighting="user", weights={"c": 1.0, "a": 1.0}),
         pd.Series({"a": 0.5, "b": 0.0, "c": 0.5})),
        (Method(weighting="pca"), pca_weights(z)),
        (Method(weighting="entropy"), entropy_weights(turned)),
    ]:
        index = build_index(VALUES, DIRECTION, GROUPS, method)
        assert isinstance(index, Index)
        assert index.weights.to_dict() == pytest.approx(weights.to_dict())
        expected = (z * weights[z.columns]).sum(axis=1)
        assert index.score.to_numpy() == pytest.approx(expected.to_numpy())
        assert index.groups is GROUPS


def test_build_index_rank_geometric_and_groups():
    method = Method(normalisation="rank", aggregation="geometric")
    index = build_index(VALUES, DIRECTION, GROUPS, method)
    # c oriented: -4, 0, -4, -2 -> ranks 1.5, 4, 1.5, 3 -> /4
    assert index.contributions.sum(axis=1).to_numpy() == pytest.approx(index.score.to_numpy())
    by_group = index.by_group()
    assert list(by_group.columns) == ["g1", "g2"]
    assert by_group["g1"].to_numpy() == pytest.approx(
        (index.contributions["a"] + index.contributions["b"]).to_numpy())
    assert by_group["g2"].to_numpy() == pytest.approx(index.contributions["c"].to_numpy())
    with pytest.raises(ScoringError):
        build_index(VALUES, DIRECTION, GROUPS, Method(weighting="nope"))


def test_indicator_values_rates():
    indicators = pd.DataFrame({"code": ["V1", "V2", "V3"], "poor": ["10", "3", "4"],
                               "households": ["100", "0", "40"], "shops": [6, 4, 9]})
    villages = pd.DataFrame({"code": ["V3", "V1", "V2"], "area_km2": [0.5, 2.0, 0.0]})
    meta = pd.DataFrame({"indicator": ["poor", "shops", "households"],
                         "denominator": ["households", "area_km2", None]})
    got = indicator_values(indicators, villages, meta)
    assert list(got.columns) == ["poor", "shops", "households"]
    assert list(got.index) == ["V1", "V2", "V3"]
    assert got["poor"].tolist() == pytest.approx([0.1, 0.0, 0.1])  # zero denominator -> 0
    assert got["shops"].tolist() == pytest.approx([3.0, 0.0, 18.0])  # 9 shops on 0.5 km²
    assert got["households"].tolist() == [100.0, 0.0, 40.0]
    meta_blank = pd.DataFrame({"indicator": ["poor"], "denominator": [""]})
    assert indicator_values(indicators, villages, meta_blank)["poor"].tolist() == \
        [10.0, 3.0, 4.0]


def test_sector_potentials():
    got = sector_potentials(VALUES, DIRECTION, GROUPS)
    assert list(got.columns) == ["g1", "g2"]
    # g1: mean of minmax(a) and minmax(b)=0; g2: minmax(-c)
    assert got["g1"].tolist() == pytest.approx([0.0, 0.2, 0.1, 0.5])
    assert got["g2"].tolist() == pytest.approx([0.0, 1.0, 0.0, 0.5])

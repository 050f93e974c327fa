"""Scoring: hand-computed indices on a 5-village example, properties, focus selection."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from planning.config.scoring import ScoringSettings
from planning.data import load_dataset
from planning.scoring import FocusRule, Method, ScoringError, score, score_villages
from planning.scoring.focus import priority, select_focus
from planning.scoring.indices import build_index
from planning.scoring.typology import labels, typology

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


def test_lean_scoring_gives_the_same_indices_and_focus(shipped):
    """A robustness draw re-scores lean (no stability draws, no typology): the indices,
    sectors and focus villages must be those of the full scoring, only those parts gone."""
    ds, result = shipped
    lean = score(ds, ScoringSettings(draws=200), lean=True)
    assert lean.typology is None and lean.stability is None
    gone = {"typology", "typology_id", "typology_en", "selection_frequency", "stability"}
    assert gone <= set(result.table.columns)
    assert not gone & set(lean.table.columns)
    pd.testing.assert_frame_equal(lean.table, result.table.drop(columns=sorted(gone)))


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


# ------------------------------------------------------------------ typology

def test_typology_on_shipped_data_is_balanced_with_unique_labels(shipped):
    _, result = shipped
    types, table = result.typology, result.table
    sizes = table["typology"].value_counts()
    assert 3 <= types.k <= 8 and len(sizes) == types.k
    # not degenerate: no catch-all cluster, no cluster of one or two villages
    assert sizes.max() <= 0.40 * len(table)
    assert sizes.min() >= max(3, 0.05 * len(table))
    # one label per cluster, and a different label for every cluster, in both languages
    for column in ("typology_id", "typology_en"):
        assert table.groupby("typology")[column].nunique().eq(1).all()
        assert table.groupby(column)["typology"].nunique().eq(1).all()
    # the stated criterion: the best silhouette among the balanced candidates
    balanced = [k for k, ok in types.balanced.items() if ok]
    assert types.criterion == "silhouette, balanced"
    assert types.k == max(balanced, key=lambda k: types.silhouette[k])


def test_typology_is_deterministic(shipped):
    _, result = shipped
    again = typology(result.sectors)
    pd.testing.assert_series_equal(again.cluster, result.typology.cluster)
    pd.testing.assert_series_equal(again.label_en, result.typology.label_en)


def test_typology_finds_planted_groups_and_names_their_sectors():
    rng = np.random.default_rng(0)
    sectors = ["agriculture", "fisheries", "livestock", "plantation", "tourism", "trade"]
    groups = {"fisheries": 30, "plantation": 25, "tourism": 20}
    rows, truth = [], []
    for sector, n in groups.items():
        block = rng.uniform(0.0, 0.15, (n, len(sectors)))
        block[:, sectors.index(sector)] = rng.uniform(0.7, 1.0, n)
        rows.append(block)
        truth += [sector] * n
    frame = pd.DataFrame(np.vstack(rows), columns=sectors,
                         index=[f"v{i:03d}" for i in range(len(truth))])
    types = typology(frame)
    assert types.k == 3
    found = pd.crosstab(pd.Series(truth, index=frame.index), types.cluster)
    assert (found.gt(0).sum(axis=1) == 1).all()  # every planted group in one cluster
    names = {"fisheries": "coastal fisheries", "plantation": "plantation",
             "tourism": "tourism"}
    for sector, label in names.items():
        got = types.label_en[[i for i, t in zip(frame.index, truth, strict=True)
                              if t == sector]].unique()
        assert list(got) == [label]


def test_labels_mixed_and_clashing_clusters():
    lift = pd.DataFrame({"fisheries": [1.5, 0.1, 0.0, 0.0, 0.0],
                         "tourism": [0.7, 0.2, 0.3, 0.55, 0.55],
                         "trade": [-0.5, 0.3, 1.2, 1.0, 0.8],
                         "agriculture": [0.0, 0.0, 0.8, 0.6, 1.0]}, index=[1, 2, 3, 4, 5])
    label_id, label_en = labels(lift)
    assert label_en[1] == "coastal fisheries + tourism"
    assert label_id[1] == "pesisir-perikanan + pariwisata"
    assert label_en[2] == "mixed, leaning trade & crafts"
    assert label_id[2].startswith("campuran")
    # 3 ("trade + food crops"), 4 and 5 ("food crops + trade") name the same two sectors:
    # 3 is strongest on them and keeps the label; 4 adds its strongest further sector above
    # the district mean (tourism 0.55); 5's only one (tourism) is taken, so it is numbered
    assert label_en[3] == "trade & crafts + food crops"
    assert label_en[4] == "trade & crafts + food crops + tourism"
    assert label_en[5] == "food crops + trade & crafts (5)"
    assert len(set(label_en.values())) == 5 and len(set(label_id.values())) == 5


def test_fixed_cluster_count_out_of_range_is_a_clear_error(shipped):
    _, result = shipped
    with pytest.raises(ScoringError, match="clusters 200 must be between 2 and 147") as info:
        typology(result.sectors, k=200)
    assert info.value.field == "clusters"
    assert "jumlah klaster 200" in info.value.render("id")


# ------------------------------------------------------------------ errors, settings

def test_scoring_errors_name_their_setting_in_both_languages():
    ds = load_dataset(DATA)
    with pytest.raises(ScoringError) as info:
        score_villages(ds, poverty=Method(weighting="user", weights={"beaches": 1}), draws=0)
    assert info.value.field == "poverty.weights"
    assert str(info.value).startswith("poverty.weights: weights for unknown")
    assert "bobot untuk indikator atau kelompok yang tidak dikenal" in info.value.render("id")
    with pytest.raises(ScoringError) as info:
        score_villages(ds, focus=FocusRule(force_out=("nope",)), draws=0)
    assert info.value.field == "focus.force_out"


def test_shortfall_notes_in_both_languages():
    rule = FocusRule(per_kecamatan=3, force_out=("k1.1",))
    sel = select_focus(VILLAGES, POVERTY, POTENTIAL, rule)
    assert sel.notes("en")[0] == "kecamatan k1 (One): only 2 eligible villages for 3 places"
    assert sel.notes("id")[0] == "kecamatan k1 (One): hanya 2 desa layak untuk 3 tempat"


def test_priority_of_many_draws_equals_one_draw_at_a_time():
    rng = np.random.default_rng(1)
    p, q = rng.uniform(size=(4, 7)), rng.uniform(size=(4, 7))
    p[0, :2] = 0.5  # a tie
    for rule in (FocusRule(), FocusRule(rule="blend", alpha=0.4)):
        many = priority(pd.DataFrame(p), pd.DataFrame(q), rule).to_numpy()
        for k in range(4):
            one = priority(pd.Series(p[k]), pd.Series(q[k]), rule).to_numpy()
            np.testing.assert_array_equal(many[k], one)


def test_settings_model_is_strict_frozen_and_scores_like_the_function(shipped):
    ds, result = shipped
    with pytest.raises(ValidationError, match="forse_in"):
        ScoringSettings.model_validate({"focus": {"forse_in": []}})
    settings = ScoringSettings(draws=200)
    with pytest.raises(ValidationError):
        settings.draws = 5
    pd.testing.assert_frame_equal(score(ds, settings).table, result.table)
    dumped = settings.model_dump(mode="json")
    assert ScoringSettings.model_validate(dumped) == settings
    assert set(dumped) == {"poverty", "potential", "focus", "draws", "clusters", "seed"}

"""Graduation and entry (issue 17): villages re-scored on the deprivations left. Checked
against an independent recomputation with pandas of the baseline's poverty index (rates,
min-max, equal weights by dimension, arithmetic mean) and of its focus rule (the 3 poorest
desa of each kecamatan, potential breaking ties), not against the scoring code itself."""

from __future__ import annotations

import pandas as pd
import pytest

from planning.config.scenario import load_scenario
from planning.scoring import score
from planning.scoring.years import (
    change_reason,
    count_indicators,
    focus_changes,
    rescore,
    with_deprived,
)

from .conftest import ROOT

NOTHING = pd.DataFrame({"village": [], "dimension": [], "deprived": []})


@pytest.fixture(scope="module")
def scoring():
    return load_scenario(ROOT / "scenarios" / "baseline.yaml").scenario.scoring


@pytest.fixture(scope="module")
def first(ds, scoring):
    return rescore(ds, scoring, NOTHING)


def poverty_by_hand(ds, indicators: pd.DataFrame) -> pd.Series:
    """The baseline poverty index from first principles: each deprivation indicator as a
    rate of its denominator, min-max over all villages, weight 1/G per dimension (split
    among its indicators), summed."""
    meta = ds.indicator_metadata
    dep = meta[meta["kind"] == "deprivation"]
    frame = indicators.set_index("code")
    total = pd.Series(0.0, index=frame.index)
    per_group = dep["group"].value_counts()
    groups = dep["group"].nunique()
    for _, row in dep.iterrows():
        x = frame[row["indicator"]].astype(float)
        if isinstance(row["denominator"], str) and row["denominator"]:
            x = x / frame[row["denominator"]].astype(float)
        x = x * row["direction"]
        z = (x - x.min()) / (x.max() - x.min())
        total += z / groups / per_group[row["group"]]
    return total


def focus_by_hand(ds, poverty: pd.Series, potential: pd.Series, per: int = 3) -> set[str]:
    """The 3 poorest desa of each kecamatan (kelurahan skipped), potential then code
    breaking ties."""
    v = ds.villages.set_index("code")
    frame = pd.DataFrame({"kec": v["kecamatan_code"], "type": v["type"],
                          "p": poverty, "q": potential}).reset_index()
    frame = frame[frame["type"] != "kelurahan"]
    frame = frame.sort_values(["kec", "p", "q", "code"], ascending=[True, False, False, True])
    return set(frame.groupby("kec").head(per)["code"])


def left_without(ds, village: str) -> pd.DataFrame:
    return pd.DataFrame([{"village": village, "dimension": d, "deprived": 0}
                         for d in count_indicators(ds)])


def test_nothing_removed_scores_as_the_normal_run(ds, scoring, first):
    normal = score(ds, scoring.model_copy(update={"draws": 0}))
    assert first.typology is None and first.stability is None
    pd.testing.assert_frame_equal(first.table, normal.table.drop(
        columns=["typology", "typology_id", "typology_en"]))
    # and the index is the one recomputed by hand
    by_hand = poverty_by_hand(ds, ds.indicators)
    got = first.table.set_index("code")["poverty_index"]
    assert got.to_numpy() == pytest.approx(by_hand[got.index].round(6).to_numpy(), abs=1e-6)
    q = first.table.set_index("code")["potential_index"]
    assert set(first.table.loc[first.table["selected"], "code"]) == focus_by_hand(
        ds, by_hand, q)
    # the same counts given explicitly change nothing
    columns = count_indicators(ds)
    same = pd.DataFrame([{"village": code, "dimension": d, "deprived": row[c]}
                         for _, row in ds.indicators.head(20).iterrows()
                         for d, c in columns.items() for code in [row["code"]]])
    again = rescore(ds, scoring, same)
    pd.testing.assert_frame_equal(again.table, first.table, check_dtype=False)


def test_a_village_with_every_deprivation_removed_graduates_and_the_next_enters(
        ds, scoring, first):
    table = first.table
    village = table[table["selected"]].iloc[0]
    kec = village["kecamatan_code"]
    after = rescore(ds, scoring, left_without(ds, village["code"]))
    # independent: the deprived counts replaced by hand, the index and the rule by hand
    indicators = ds.indicators.copy()
    for c in count_indicators(ds).values():
        indicators[c] = indicators[c].astype(float)
        indicators.loc[indicators["code"] == village["code"], c] = 0.0
    by_hand = poverty_by_hand(ds, indicators)
    q = after.table.set_index("code")["potential_index"]
    expected = focus_by_hand(ds, by_hand, q)
    got = after.table.set_index("code")
    assert set(got.index[got["selected"]]) == expected
    assert got.at[village["code"], "poverty_index"] == pytest.approx(0.0, abs=1e-9)
    assert village["code"] not in expected  # the rule says it must leave the focus
    changes = focus_changes(table, after.table).set_index("code")
    assert changes.at[village["code"], "change"] == "graduates"
    # in its kecamatan the village ranked 4th before (the next one) takes its place
    before_kec = table[table["kecamatan_code"] == kec].set_index("code")
    next_one = before_kec.index[before_kec["rank_in_kecamatan"] == 4][0]
    assert changes.at[next_one, "change"] == "enters"
    in_kec = changes[changes["kecamatan_code"] == kec]
    assert (in_kec["change"] == "stays").sum() == 2
    assert in_kec["selected"].sum() == 3
    # every change agrees with the two selections
    was, now = table.set_index("code")["selected"], got["selected"]
    for code, row in changes.iterrows():
        assert row["change"] == {(True, True): "stays", (False, True): "enters",
                                 (True, False): "graduates", (False, False): ""}[
            (bool(was[code]), bool(now[code]))]
    assert (changes["selected"].sum(), changes["selected_before"].sum()) == (27, 27)


def test_the_reasons_in_both_languages(ds, scoring, first):
    village = first.table[first.table["selected"]].iloc[0]
    after = rescore(ds, scoring, left_without(ds, village["code"]))
    changes = focus_changes(first.table, after.table).set_index("code", drop=False)
    row = changes.loc[village["code"]]
    before = f"{row['poverty_index_before']:.2f}"
    rank = int(row["rank_in_kecamatan"])
    assert change_reason(row, "id") == (
        f"lulus: indeks kemiskinan turun dari {before.replace('.', ',')} ke 0,00; "
        f"kini peringkat {rank} di kecamatannya")
    assert change_reason(row, "en") == (
        f"graduates: poverty index down from {before} to 0.00; now ranked {rank} in its "
        "kecamatan")
    entered = changes[changes["change"] == "enters"].iloc[0]
    assert change_reason(entered, "id").startswith("masuk: kini peringkat ")
    assert change_reason(entered, "en").startswith("enters: now ranked ")
    stays = changes[changes["change"] == "stays"].iloc[0]
    assert change_reason(stays, "en").startswith("stays a focus village: ranked ")
    assert change_reason(changes[changes["change"] == ""].iloc[0], "id") == ""
    # a graduate whose own index did not fall is said to be overtaken
    overtaken = row.copy()
    overtaken["poverty_index"] = overtaken["poverty_index_before"]
    assert "overtaken" not in change_reason(overtaken, "en")
    assert "other villages of its kecamatan now rank poorer" in change_reason(overtaken, "en")


def test_only_the_given_counts_change(ds):
    village = ds.indicators["code"].iloc[5]
    left = pd.DataFrame([{"village": village, "dimension": "income", "deprived": 7.5}])
    out = with_deprived(ds, left)
    column = count_indicators(ds)["income"]
    assert out.indicators.loc[5, column] == 7.5
    assert ds.indicators.loc[5, column] != 7.5  # the data set itself untouched
    rest = out.indicators.drop(index=5)
    pd.testing.assert_frame_equal(rest, ds.indicators.drop(index=5), check_dtype=False)
    assert out.indicators.drop(columns=column).equals(ds.indicators.drop(columns=column))


@pytest.mark.parametrize(("left", "words"), [
    (pd.DataFrame([{"village": "51.08.99.9999", "dimension": "income", "deprived": 1}]),
     "villages"),
    (pd.DataFrame([{"village": "51.08.01.2001", "dimension": "wealth", "deprived": 1}]),
     "dimensions"),
    (pd.DataFrame([{"village": "51.08.01.2001", "dimension": "income", "deprived": -1}]),
     ">= 0"),
    (pd.DataFrame([{"village": "51.08.01.2001", "dimension": "income", "deprived": 1}] * 2),
     "more than once"),
    (pd.DataFrame([{"village": "51.08.01.2001", "dimension": "income"}]), "deprived"),
])
def test_bad_deprived_tables_are_refused(ds, left, words):
    with pytest.raises(ValueError, match=words):
        with_deprived(ds, left)

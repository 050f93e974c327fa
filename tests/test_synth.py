"""The synthetic indicator generator: reproducible bytes, calibrated totals, real tilts."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from planning.data import synth

from .conftest import DATA, ROOT


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    subprocess.run([sys.executable, "-m", "planning.data.synth", str(DATA), "--out", str(out)],
                   check=True, cwd=ROOT, capture_output=True)
    return out


@pytest.fixture(scope="module")
def table():
    ind = pd.read_csv(DATA / "indicators.csv", dtype={"code": str})
    vil = pd.read_csv(DATA / "villages.csv", dtype={"code": str, "kecamatan_code": str})
    return ind.merge(vil, on="code", validate="one_to_one")


@pytest.mark.parametrize("name", ["indicators.csv", "calibration.csv"])
def test_generator_reproduces_committed_files_byte_for_byte(regenerated, name):
    assert (regenerated / name).read_bytes() == (DATA / name).read_bytes()


def test_another_seed_gives_other_values(tmp_path):
    synth.run(DATA, tmp_path, seed=1)
    assert (tmp_path / "indicators.csv").read_bytes() != (DATA / "indicators.csv").read_bytes()


def fact(metric: str) -> float:
    facts = pd.read_csv(DATA / "district_facts.csv")
    return float(facts.loc[facts["metric"] == metric, "value"].iloc[0])


def test_district_totals_hold(table):
    assert table["population"].sum() == pytest.approx(fact("population_sp2020"), rel=0.01)
    series = pd.read_csv(DATA / "poverty_series.csv")
    poor = series.loc[(series["area"] == "Kabupaten Buleleng") & (series["year"] == 2018),
                      "n_poor"].iloc[0]
    assert poor == 35200
    assert table["poor_people"].sum() == pytest.approx(poor, rel=0.01)
    assert table["hh_rtlh"].sum() == pytest.approx(fact("rtlh_recorded"), rel=0.01)
    stunting = table["children_stunted"].sum() / table["children_under5"].sum()
    assert 100 * stunting == pytest.approx(22.05, rel=0.01)


def test_kecamatan_totals_hold(table):
    cal = pd.read_csv(DATA / "calibration.csv", dtype={"kecamatan_code": str})
    per_kec = cal[cal["kecamatan_code"].str.len() == 8].set_index("kecamatan_code")
    sums = table.groupby("kecamatan_code")[["population", "poor_people", "clove_ha"]].sum()
    for col, target in (("population", "population_target"),
                        ("poor_people", "poor_people_target"), ("clove_ha", "clove_ha_target")):
        np.testing.assert_allclose(sums[col], per_kec.loc[sums.index, target], rtol=0.01)
    assert per_kec["population_target"].sum() == 791813
    assert per_kec["poor_people_target"].sum() == 35200


def test_kecamatan_population_follows_the_registers(table):
    kec = pd.read_csv(DATA / "kecamatan.csv", dtype={"code": str}).set_index("code")
    pop = table.groupby("kecamatan_code")["population"].sum()
    known = kec["population_dukcapil_2025s1"].dropna()
    shares = pop[known.index] / pop[known.index].sum()
    np.testing.assert_allclose(shares, known / known.sum(), atol=0.003)
    busungbiu = kec.index[kec["name"] == "Busungbiu"][0]
    assert pop[busungbiu] / pop.sum() == pytest.approx(0.0665, abs=0.0005)


def test_clove_follows_the_2017_kecamatan_figures(table):
    kec = pd.read_csv(DATA / "kecamatan.csv", dtype={"code": str}).set_index("code")
    clove = table.groupby("kecamatan_code")["clove_ha"].sum()
    np.testing.assert_allclose(clove, kec.loc[clove.index, "clove_area_ha_2017"], atol=0.01)
    assert clove[kec.index[kec["name"] == "Gerokgak"][0]] == 0


def test_fishing_only_on_the_coast(table):
    assert (table.loc[table["coastal"] == 0, "fishing_households"] == 0).all()
    assert (table.loc[table["coastal"] == 1, "fishing_households"] > 0).mean() > 0.9


def test_urban_kelurahan_are_less_poor(table):
    rate = table["poor_people"] / table["population"]
    kel = table["type"] == "kelurahan"
    assert rate[kel].mean() < rate[~kel].mean()


def test_poverty_tilts_towards_2012_high_poverty_kecamatan(table):
    kec = pd.read_csv(DATA / "kecamatan.csv", dtype={"code": str}).set_index("code")
    sums = table.groupby("kecamatan_code")[["poor_people", "population"]].sum()
    rate = sums["poor_people"] / sums["population"]
    share = kec["n_poor_villages_2012"] / (kec["n_desa"] + kec["n_kelurahan"])
    assert rate.corr(share[rate.index], method="spearman") > 0.7


def test_counts_never_exceed_their_base(table):
    assert (table["hh_rtlh"] <= table["households"]).all()
    assert (table["hh_poor_dtks"] <= table["households"]).all()
    assert (table["children_stunted"] <= table["children_under5"]).all()
    assert (table["poor_people"] <= table["population"]).all()


def test_largest_remainder_is_exact_and_proportional():
    out = synth.largest_remainder(np.array([1.0, 1.0, 1.0]), 10)
    assert out.sum() == 10 and sorted(out) == [3, 3, 4]
    out = synth.largest_remainder(np.array([0.5, 0.25, 0.25]), 7)
    assert out.sum() == 7 and out[0] >= 3


def test_scaled_dataset_is_valid_generated_and_repeatable(tmp_path):
    from planning.data import load_dataset
    from planning.data.synth import scaled_dataset

    first = scaled_dataset(tmp_path / "a", 60, seed=3)
    second = scaled_dataset(tmp_path / "b", 60, seed=3)
    ds = load_dataset(first)
    assert len(ds.villages) == 60 and ds.villages["code"].is_unique
    assert "generated" in (first / "GENERATED.txt").read_text().lower()
    for name in ("villages.csv", "indicators.csv", "kecamatan.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # villages drawn from the same source still differ (jittered), so no MIP symmetry
    counts = ds.indicators.drop(columns=["code"]).round(6)
    assert not counts.duplicated().any()
    kec = ds.kecamatan.set_index("code")
    per_kec = ds.villages.groupby("kecamatan_code").size()
    assert (per_kec == (kec["n_desa"] + kec["n_kelurahan"]).reindex(per_kec.index)).all()

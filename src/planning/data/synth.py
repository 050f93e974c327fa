"""Seeded generator of the synthetic per-village indicators of the Buleleng data set.

Real per-village poverty and potential figures for Buleleng are not public (see
``data/README.md``). This script makes a plausible, *synthetic* table, one row per real
village, calibrated to the published district and kecamatan figures, and marks every
column it makes as synthetic (or derived) in ``indicator_metadata.csv``.

Run from the project root (it rewrites ``indicators.csv`` and ``calibration.csv``)::

    python -m planning.data.synth data/buleleng

Same seed, same bytes: a test regenerates the files and compares them with the committed
ones. Calibration targets, each held exactly (integer largest-remainder rounding):

* population per kecamatan, summing to the SP2020 census count of 791,813;
* poor people per kecamatan, summing to the district's 35,200 (5.36 % as the district
  quotes it), split by kecamatan with the 2012 count of high-poverty villages as a tilt;
* households in uninhabitable houses (RTLH): 4,074 district-wide (Perkimta, 2023);
* clove area per kecamatan: the real 2017 Dinas Pertanian figures;
* Kecamatan Gerokgak's rice field, dry land, cattle and small-livestock totals (BRIDA 2021);
* stunted children: 22.05 % of children under five district-wide (2019), within rounding.

Everything else is a stated assumption (constants below, each with its reason).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20200127  # the day Bappeda Litbang's 27-village list went to the SKPD (any fixed value)

# --- calibration targets, real, with their sources (see data/buleleng/district_facts.csv) ---
POPULATION_SP2020 = 791_813  # BPS Sensus Penduduk 2020
POOR_PEOPLE = 35_200  # district figure quoted with 5.36 % (poverty_series.csv, 2018 row)
BUSUNGBIU_SHARE_2020 = 0.0665  # BRIDA "Selayang Pandang": Busungbiu 6.65 % of 2020 population
BUSUNGBIU_TEJAKULA_2025S1 = 131_597  # derived: DKB S1 2025 total 830,873 minus 7 known kecamatan
RTLH_HOUSES_2023 = 4_074  # Dinas Perkimta via kompas.com 2023-01-18
STUNTING_RATE_2019 = 0.2205  # Kominfosanti 2025-07-08 (22.05 % in 2019)
POOR_HOUSEHOLD_SIZE = 4.11  # BRS BPS Bali No. 43/07/51/Th. XVII (March 2023)
GEROKGAK = {  # BRIDA 2021-02-18, Balitbang study 2020: Kecamatan Gerokgak
    "rice_field_ha": 683.0,
    "dryland_ha": 7_556.0,
    "cattle_head": 43_797,
    "small_livestock_head": 66_192 + 3_354,  # pigs + goats
}
NO_RICE_FIELD = {"51.08.05.2001": 0.0, "51.08.05.2002": 0.0}  # Pancasari, Wanagiri (BRIDA 2024)
SEKUMPUL_RICE_HA = {"51.08.07.2003": 10.0}  # Sekumpul: only 10 ha of rice (BRIDA 2024)
PANGKUNGPARUK = "51.08.02.2018"  # highest stunting rate in the kabupaten in 2022 (BRIDA 2024)

# Kecamatan seats (the market towns used for the derived distance to market).
MARKET_TOWNS = (
    "51.08.01.2009",  # Gerokgak
    "51.08.02.1015",  # Seririt
    "51.08.03.2011",  # Busungbiu
    "51.08.04.2013",  # Banjar
    "51.08.05.1009",  # Sukasada
    "51.08.06.1006",  # Banyuasri (Pasar Banyuasri, Singaraja)
    "51.08.07.2006",  # Sawan
    "51.08.08.2011",  # Kubutambahan
    "51.08.09.2006",  # Tejakula
)
# Well-known destinations (tourism tilt): Pemuteran, Kalibukbuk/Anturan/Kaliasem/Temukus
# (Lovina), Tukadmungga, Munduk, Gitgit, Sambangan, Pancasari (Bedugul lakes), Sekumpul.
TOURISM_PLACES = (
    "51.08.01.2004", "51.08.06.2001", "51.08.06.2002", "51.08.04.2017", "51.08.04.2015",
    "51.08.06.2003", "51.08.04.2006", "51.08.05.2004", "51.08.05.2010", "51.08.05.2001",
    "51.08.07.2003",
)

# --- assumptions (synthetic), each a plain statement a planner can disagree with ---
HOUSEHOLD_SIZE_RANGE = (3.4, 4.0)  # persons per household; Bali averages about 3.6-3.8
UNDER_FIVE_SHARE = 0.075  # children under five per person
WORKING_AGE_SHARE = 0.69  # people aged 15-64 per person
POVERTY_TILT = 2.0  # kecamatan poverty rate factor: 1 + TILT * share of 2012 high-poverty villages
KELURAHAN_POVERTY_FACTOR = 0.45  # urban kelurahan are poorer less often
NO_SAFE_WATER_RATE = 0.08  # households without safe drinking water, district average
GEROKGAK_WATER_FACTOR = 2.0  # "relatively dry" west (BRIDA 2021)
NO_SANITATION_RATE = 0.06  # households without proper sanitation
NO_STEADY_WORK_RATE = 0.06  # working-age people without steady work


@dataclass(frozen=True)
class SynthResult:
    indicators: pd.DataFrame
    calibration: pd.DataFrame


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to exactly ``total``.

    floor(total * w / sum(w)), then one more unit to the largest remainders (ties by
    position, so the result is deterministic).
    """
    weights = np.asarray(weights, dtype=float)
    if total == 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(np.int64)
    short = int(total - base.sum())
    order = np.lexsort((np.arange(len(exact)), -(exact - base)))
    base[order[:short]] += 1
    return base


def split_within(groups: pd.Series, weights: np.ndarray, totals: pd.Series) -> np.ndarray:
    """Split each group's total over its members in proportion to ``weights``."""
    out = np.zeros(len(groups), dtype=np.int64)
    for key, total in totals.items():
        mask = (groups == key).to_numpy()
        out[mask] = largest_remainder(weights[mask], int(total))
    return out


def split_within_float(groups: pd.Series, weights: np.ndarray, totals: pd.Series,
                       decimals: int = 2) -> np.ndarray:
    """Like :func:`split_within` for areas: exact totals at ``decimals`` places."""
    scale = 10**decimals
    cents = split_within(groups, weights, (totals * scale).round().astype(np.int64))
    return cents / scale


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points given in degrees."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def distance_matrix(villages: pd.DataFrame, targets: pd.DataFrame) -> np.ndarray:
    lat = villages["lat"].to_numpy()[:, None]
    lon = villages["lon"].to_numpy()[:, None]
    return haversine_km(lat, lon, targets["lat"].to_numpy()[None, :],
                        targets["lon"].to_numpy()[None, :])


def kecamatan_population(kecamatan: pd.DataFrame) -> pd.Series:
    """SP2020-calibrated population per kecamatan (persons).

    Busungbiu = 6.65 % of 791,813 (its published 2020 share); Tejakula's 2025 figure is the
    derived Busungbiu+Tejakula total minus Busungbiu's share of the 2025 total; the other
    eight kecamatan keep the proportions of the DKB S1 2025 register.
    """
    kec = kecamatan.set_index("code")
    dkb = kec["population_dukcapil_2025s1"].astype(float).copy()
    busungbiu = kec.index[kec["name"] == "Busungbiu"][0]
    tejakula = kec.index[kec["name"] == "Tejakula"][0]
    dkb_total_2025 = dkb.drop([busungbiu, tejakula]).sum() + BUSUNGBIU_TEJAKULA_2025S1
    dkb[tejakula] = BUSUNGBIU_TEJAKULA_2025S1 - BUSUNGBIU_SHARE_2020 * dkb_total_2025
    busungbiu_2020 = round(BUSUNGBIU_SHARE_2020 * POPULATION_SP2020)
    others = dkb.drop(busungbiu)
    pop = pd.Series(0, index=kec.index, dtype=np.int64)
    pop[others.index] = largest_remainder(others.to_numpy(), POPULATION_SP2020 - busungbiu_2020)
    pop[busungbiu] = busungbiu_2020
    return pop


def kecamatan_poor(kecamatan: pd.DataFrame, population: pd.Series) -> pd.Series:
    """Poor people per kecamatan: population x (1 + TILT x share of 2012 high-poverty villages),
    scaled to the district's 35,200."""
    kec = kecamatan.set_index("code")
    villages = kec["n_desa"] + kec["n_kelurahan"]
    tilt = 1 + POVERTY_TILT * kec["n_poor_villages_2012"] / villages
    return pd.Series(largest_remainder((population * tilt).to_numpy(), POOR_PEOPLE),
                     index=kec.index)


def generate(villages: pd.DataFrame, kecamatan: pd.DataFrame, seed: int = SEED) -> SynthResult:
    """Make the synthetic indicator table for ``villages`` (sorted by code)."""
    rng = np.random.default_rng(seed)
    v = villages.sort_values("code").reset_index(drop=True)
    n = len(v)
    kec_of = v["kecamatan_code"]
    kec = kecamatan.set_index("code")
    kec_name = kec_of.map(kec["name"])
    is_kel = (v["type"] == "kelurahan").to_numpy()
    coastal = v["coastal"].astype(int).to_numpy() == 1
    area = v["area_km2"].astype(float).to_numpy()

    # Derived geography: distance inland (to the nearest coastal village) and to market.
    inland_km = distance_matrix(v, v[coastal]).min(axis=1)
    inland_km[coastal] = 0.0
    towns = v.set_index("code").loc[list(MARKET_TOWNS)].reset_index()
    market_km = distance_matrix(v, towns).min(axis=1)
    upland = np.clip(inland_km / 10.0, 0, 1.5)  # 0 on the coast, ~1 ten km inland

    # Population and households.
    pop_k = kecamatan_population(kecamatan)
    pop_w = np.sqrt(area) * np.where(is_kel, 3.0, 1.0) * np.where(coastal, 1.3, 1.0)
    pop_w *= rng.lognormal(0.0, 0.35, n)
    population = split_within(kec_of, pop_w, pop_k)
    hh_size = rng.uniform(*HOUSEHOLD_SIZE_RANGE, n)
    households = np.maximum(1, np.round(population / hh_size)).astype(np.int64)
    children = np.round(population * UNDER_FIVE_SHARE).astype(np.int64)
    working_age = np.round(population * WORKING_AGE_SHARE).astype(np.int64)

    # Poverty: kecamatan totals from the tilt, villages by a noisy propensity.
    poor_k = kecamatan_poor(kecamatan, pop_k)
    propensity = rng.lognormal(0.0, 0.45, n) * (1 + 0.6 * np.minimum(upland, 1))
    propensity *= np.where(is_kel, KELURAHAN_POVERTY_FACTOR, 1.0)
    poor = split_within(kec_of, population * propensity, poor_k)
    poor = np.minimum(poor, population)  # never more poor people than people
    poor_rate = poor / population

    hh_poor = np.minimum(households, np.round(poor / POOR_HOUSEHOLD_SIZE)).astype(np.int64)
    rtlh_w = hh_poor * rng.lognormal(0.0, 0.3, n) * (1 + 0.3 * np.minimum(upland, 1))
    hh_rtlh = np.minimum(largest_remainder(rtlh_w, RTLH_HOUSES_2023), households)

    def rate_count(base_rate: float, base: np.ndarray, factor: np.ndarray, cap: float,
                   sigma: float = 0.35) -> np.ndarray:
        rel = poor_rate / max(poor_rate.mean(), 1e-9)
        rate = base_rate * factor * (0.4 + 0.6 * rel) * rng.lognormal(0.0, sigma, n)
        return np.round(np.minimum(rate, cap) * base).astype(np.int64)

    water_factor = np.where(kec_name == "Gerokgak", GEROKGAK_WATER_FACTOR, 1.0)
    water_factor = water_factor * np.where(is_kel, 0.3, 1.0) * (1 + 0.3 * np.minimum(upland, 1))
    hh_no_water = rate_count(NO_SAFE_WATER_RATE, households, water_factor, 0.6)
    hh_no_sanitation = rate_count(NO_SANITATION_RATE, households,
                                  np.where(is_kel, 0.4, 1.0), 0.5)
    no_work = rate_count(NO_STEADY_WORK_RATE, working_age,
                         np.where(coastal, 1.15, 1.0), 0.3, sigma=0.25)

    # Stunting: 22.05 % of under-fives overall, higher where poverty is higher.
    stunt_w = (0.7 + 0.3 * poor_rate / poor_rate.mean()) * rng.lognormal(0.0, 0.15, n)
    pk = int(np.flatnonzero(v["code"].to_numpy() == PANGKUNGPARUK)[0])
    stunt_w[pk] = stunt_w.max() * 1.05
    stunt_rate = stunt_w / np.average(stunt_w, weights=children) * STUNTING_RATE_2019
    stunted = np.round(stunt_rate * children).astype(np.int64)

    # Potentials. Land in hectares (area_km2 x 100).
    land_ha = area * 100.0
    lowland = np.clip(1.2 - 0.5 * upland, 0.2, 1.2)
    rice_share = 0.18 * lowland * rng.lognormal(0.0, 0.4, n) * np.where(is_kel, 0.3, 1.0)
    rice_ha = np.round(np.minimum(rice_share, 0.5) * land_ha, 1)
    dry_share = 0.12 * rng.lognormal(0.0, 0.4, n) * np.where(is_kel, 0.2, 1.0)
    dry_ha = np.round(np.minimum(dry_share, 0.5) * land_ha, 1)
    gk = (kec_name == "Gerokgak").to_numpy()
    rice_ha[gk] = split_within_float(kec_of[gk], rice_ha[gk] + 1e-6,
                                     pd.Series({kec_of[gk].iloc[0]: GEROKGAK["rice_field_ha"]}), 1)
    dry_ha[gk] = split_within_float(kec_of[gk], dry_ha[gk] + 1e-6,
                                    pd.Series({kec_of[gk].iloc[0]: GEROKGAK["dryland_ha"]}), 1)
    codes = v["code"].to_numpy()
    for code, ha in {**NO_RICE_FIELD, **SEKUMPUL_RICE_HA}.items():
        rice_ha[codes == code] = ha

    clove_w = land_ha * (0.05 + np.minimum(upland, 1.2)) * rng.lognormal(0.0, 0.5, n)
    clove_w = clove_w * np.where(is_kel, 0.1, 1.0)
    clove_ha = split_within_float(kec_of, clove_w, kec["clove_area_ha_2017"].astype(float), 2)
    coffee_factor = kec_name.map({"Busungbiu": 1.5, "Sawan": 1.2, "Sukasada": 1.0,
                                  "Banjar": 1.0, "Kubutambahan": 0.6}).fillna(0.2).to_numpy()
    coffee_ha = np.round(0.03 * land_ha * coffee_factor * np.minimum(upland, 1.2)
                         * rng.lognormal(0.0, 0.5, n) * np.where(is_kel, 0.1, 1.0), 1)

    cattle = np.round((dry_ha + 0.3 * rice_ha + 20) * 1.6 * rng.lognormal(0.0, 0.4, n))
    cattle = (cattle * np.where(is_kel, 0.2, 1.0)).astype(np.int64)
    small = np.round(households * 0.9 * rng.lognormal(0.0, 0.4, n)).astype(np.int64)
    cattle[gk] = largest_remainder(cattle[gk] + 1, GEROKGAK["cattle_head"])
    small[gk] = largest_remainder(small[gk] + 1, GEROKGAK["small_livestock_head"])

    fish_factor = kec_name.map({"Gerokgak": 1.5, "Tejakula": 1.4}).fillna(1.0).to_numpy()
    fish_rate = 0.08 * fish_factor * rng.lognormal(0.0, 0.4, n) * np.where(is_kel, 0.5, 1.0)
    fishing_hh = np.where(coastal, np.round(np.minimum(fish_rate, 0.35) * households), 0)
    fishing_hh = fishing_hh.astype(np.int64)

    tourism = rng.poisson(0.6 + 0.8 * coastal, n)
    tourism = tourism + np.where(np.isin(codes, TOURISM_PLACES), rng.integers(4, 10, n), 0)
    micro = np.round(households * 0.08 * np.where(is_kel, 1.8, 1.0)
                     * np.exp(-market_km / 25) * rng.lognormal(0.0, 0.3, n)).astype(np.int64)

    indicators = pd.DataFrame({
        "code": v["code"],
        "population": population,
        "households": households,
        "children_under5": children,
        "working_age": working_age,
        "poor_people": poor,
        "hh_rtlh": hh_rtlh,
        "hh_no_safe_water": hh_no_water,
        "hh_no_sanitation": hh_no_sanitation,
        "hh_poor_dtks": hh_poor,
        "children_stunted": stunted,
        "people_no_steady_work": no_work,
        "rice_irrigated_ha": rice_ha,
        "dryland_farm_ha": dry_ha,
        "clove_ha": clove_ha,
        "coffee_ha": coffee_ha,
        "cattle_head": cattle,
        "small_livestock_head": small,
        "fishing_households": fishing_hh,
        "tourism_attractions": tourism.astype(np.int64),
        "micro_enterprises": micro,
        "market_distance_km": np.round(market_km, 2),
        "inland_distance_km": np.round(inland_km, 2),
    })
    calibration = calibration_table(kecamatan, pop_k, poor_k)
    return SynthResult(indicators=indicators, calibration=calibration)


def calibration_table(kecamatan: pd.DataFrame, population: pd.Series,
                      poor: pd.Series) -> pd.DataFrame:
    """The targets the generator holds, per kecamatan and for the district."""
    kec = kecamatan.set_index("code")
    rows = pd.DataFrame({
        "kecamatan_code": kec.index,
        "kecamatan": kec["name"].to_numpy(),
        "population_target": population.to_numpy(),
        "poor_people_target": poor.to_numpy(),
        "clove_ha_target": kec["clove_area_ha_2017"].astype(float).round(2).to_numpy(),
    })
    total = pd.DataFrame([{
        "kecamatan_code": "51.08",
        "kecamatan": "Kabupaten Buleleng",
        "population_target": POPULATION_SP2020,
        "poor_people_target": POOR_PEOPLE,
        "clove_ha_target": round(float(kec["clove_area_ha_2017"].astype(float).sum()), 2),
    }])
    return pd.concat([rows, total], ignore_index=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table the same way every time (UTF-8, LF, no index, plain floats)."""
    text = frame.to_csv(index=False, lineterminator="\n", float_format=_float_format)
    path.write_bytes(text.encode("utf-8"))


def _float_format(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else ""


def run(data_dir: Path, out_dir: Path | None = None, seed: int = SEED) -> SynthResult:
    """Read villages and kecamatan from ``data_dir``; write the synthetic tables."""
    out_dir = out_dir or data_dir
    villages = pd.read_csv(data_dir / "villages.csv", dtype={"code": str, "kecamatan_code": str})
    kecamatan = pd.read_csv(data_dir / "kecamatan.csv", dtype={"code": str})
    result = generate(villages, kecamatan, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(result.indicators, out_dir / "indicators.csv")
    write_csv(result.calibration, out_dir / "calibration.csv")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m planning.data.synth",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, nargs="?", default=Path("data/buleleng"))
    parser.add_argument("--out", type=Path, default=None,
                        help="write here instead of into DATA_DIR")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    result = run(args.data_dir, args.out, args.seed)
    target = args.out or args.data_dir
    print(f"wrote {len(result.indicators)} villages to {target / 'indicators.csv'} "
          f"(seed {args.seed})")


if __name__ == "__main__":
    main()


# --- scaled data sets for benchmarks -------------------------------------------------------

#: the shipped data set that :func:`scaled_dataset` samples from
BULELENG = Path(__file__).resolve().parents[3] / "data" / "buleleng"
#: units of the indicator columns :func:`scaled_dataset` jitters (counts and areas; not km)
JITTERED_UNITS = ("persons", "households", "children", "head", "count", "ha")
#: base counts that can never exceed the population
WITHIN_POPULATION = ("households", "children_under5", "working_age", "poor_people")
#: demographic structure: these follow the population's factor (times a small own factor,
#: sigma STRUCTURE_SIGMA), so that households per person and age shares stay plausible
STRUCTURE = ("households", "children_under5", "working_age")
STRUCTURE_SIGMA = 0.05
#: reference files whose village codes would point at the wrong (generated) villages
NOT_COPIED = ("focus_villages_2020.csv",)

GENERATED_NOTE = """\
GENERATED DATA SET - NOT A REAL DISTRICT

Made by planning.data.synth.scaled_dataset from {source} (seed {seed}, {n} villages,
lognormal jitter sigma {sigma}). For benchmarks and tests of scale only.

* villages.csv: villages of the source drawn with replacement (numpy default_rng(seed));
  each draw gets a new code inside the same kecamatan (1001.. for a kelurahan, 2001.. for
  a desa), the source name with a copy number, the source's coordinates, area and coastal
  flag, and no BPS code. These codes are invented: they name no real village.
* indicators.csv: the drawn village's synthetic indicators, every count and area column
  multiplied by its own lognormal factor (median 1) and rounded back to the column's
  precision (households, children under five and working-age people follow the
  population's factor, within 5 %); counts are capped by their denominator (households,
  children under five, working-age people, population). Distances are copied unchanged.
* kecamatan.csv: n_desa, n_kelurahan and n_coastal_villages recounted; every other column
  (area, population, 2012 poverty, clove area, ...) is still Buleleng's and does not
  describe this set.
* indicator_metadata.csv keeps the source's status column (the indicators were already
  synthetic); agencies, programmes, groups and rules are copied unchanged.
* calibration.csv, district_facts.csv and poverty_series.csv are copied for completeness;
  they describe real Buleleng, not these villages. Not copied: {not_copied} (its codes
  would point at generated villages).
"""


def _decimals(column: pd.Series) -> int:
    """Decimal places written in a CSV column read as text (0 for whole numbers)."""
    parts = column.astype(str).str.partition(".")[2]
    return int(parts.str.len().max() or 0)


def jittered_indicators(ind: pd.DataFrame, meta: pd.DataFrame, rng: np.random.Generator,
                        sigma: float, extra: dict[str, np.ndarray] | None = None
                        ) -> dict[str, np.ndarray]:
    """The indicator columns of ``ind`` (text, one row per drawn village) as numbers, each
    count and area column (unit in :data:`JITTERED_UNITS` of ``meta``, indexed by
    indicator) multiplied by its own seeded lognormal factor (median 1, ``sigma``) and
    rounded back to the column's decimals. The :data:`STRUCTURE` columns follow the
    population's factor within :data:`STRUCTURE_SIGMA`. ``extra``: further factors per
    column (one per row), e.g. a district's poverty level. The population is at least 1;
    :data:`WITHIN_POPULATION` counts are capped by the population and every count by its
    denominator of the same unit. Draws from ``rng`` in a fixed order (same rng state,
    same numbers)."""
    n = len(ind)
    factors = {col: rng.lognormal(0.0, sigma, n) for col in ind.columns
               if meta["unit"].get(col, "") in JITTERED_UNITS}
    for col in STRUCTURE:
        if col in factors and "population" in factors:
            factors[col] = factors["population"] * rng.lognormal(0.0, STRUCTURE_SIGMA, n)
    for col, factor in (extra or {}).items():
        if col in ind.columns:
            factors[col] = factors.get(col, 1.0) * factor
    values: dict[str, np.ndarray] = {}
    for col in ind.columns:
        number_ = pd.to_numeric(ind[col]).to_numpy(dtype=float)
        values[col] = np.round(number_ * factors.get(col, 1.0), _decimals(ind[col]))
    if "population" in values:
        values["population"] = np.maximum(values["population"], 1.0)
        for col in WITHIN_POPULATION:
            if col in values:
                values[col] = np.minimum(values[col], values["population"])
    for col, row in meta.iterrows():  # counts capped by a denominator in the same unit
        base = row.get("denominator", "")
        if col in values and base in values and meta["unit"].get(base) == row["unit"] \
                and col not in WITHIN_POPULATION:
            values[base] = np.maximum(values[base], 1.0)
            values[col] = np.minimum(values[col], values[base])
    return values


def formatted(ind: pd.DataFrame, values: dict[str, np.ndarray]) -> dict[str, list[str]]:
    """Each column of ``values`` as text with the decimals of the same column of ``ind``."""
    out = {}
    for col in ind.columns:
        decimals = _decimals(ind[col])
        out[col] = [f"{x:.{decimals}f}" for x in values[col]]
    return out


def scaled_dataset(target: Path, n_villages: int, seed: int = SEED, *,
                   source: Path | None = None, sigma: float = 0.3) -> Path:
    """Write a *generated* data set folder of ``n_villages`` villages to ``target``.

    Villages of ``source`` (default ``data/buleleng``) are drawn with replacement by a
    seeded :func:`numpy.random.default_rng`, get new unique codes ``51.08.kk.dnnn`` in
    their own kecamatan, and every count or area indicator is multiplied by a seeded
    lognormal factor (``sigma``) so that no two villages are identical copies (identical
    copies make a MIP symmetric and slow for no reason). kecamatan.csv is recounted, the
    other tables are copied, and ``GENERATED.txt`` says that the set is generated. Same
    arguments, same bytes. ``target`` must be missing, empty or an earlier generated set
    (it is then replaced). Raises ValueError when a kecamatan would need more than the
    codes of its type allow (999 kelurahan, 7,999 desa).
    """
    import shutil

    source = Path(source) if source is not None else BULELENG
    target = Path(target)
    if n_villages < 1:
        raise ValueError("n_villages must be at least 1")
    rng = np.random.default_rng(seed)
    read = {"dtype": str, "keep_default_na": False}
    villages = pd.read_csv(source / "villages.csv", **read)
    indicators = pd.read_csv(source / "indicators.csv", **read).set_index("code")
    kecamatan = pd.read_csv(source / "kecamatan.csv", **read)
    meta = pd.read_csv(source / "indicator_metadata.csv", **read).set_index("indicator")

    # Draw, then order by kecamatan, type and source village, and number within each.
    drawn = villages.iloc[rng.integers(0, len(villages), n_villages)].copy()
    drawn["source_code"] = drawn["code"]
    drawn = drawn.sort_values(["kecamatan_code", "type", "source_code"], kind="stable")
    first = {"kelurahan": 1001, "desa": 2001}
    last = {"kelurahan": 1999, "desa": 9999}
    number = drawn.groupby(["kecamatan_code", "type"]).cumcount().to_numpy() + \
        drawn["type"].map(first).to_numpy()
    over = number > drawn["type"].map(last).to_numpy()
    if over.any():
        kec = drawn.loc[over, "kecamatan_code"].iloc[0]
        raise ValueError(f"kecamatan {kec} would need more village codes than its type "
                         f"allows; use fewer than {n_villages} villages")
    drawn["code"] = [f"{k}.{n:04d}" for k, n in zip(drawn["kecamatan_code"], number,
                                                     strict=True)]
    copy_no = drawn.groupby("source_code").cumcount().to_numpy() + 1
    drawn["name"] = [f"{name} {c}" for name, c in zip(drawn["name"], copy_no, strict=True)]
    if "bps_code" in drawn.columns:
        drawn["bps_code"] = ""
    if "name_variants" in drawn.columns:
        drawn["name_variants"] = ""

    # Indicators of the drawn villages, each count and area jittered.
    ind = indicators.loc[drawn["source_code"]].reset_index(drop=True)
    out = pd.DataFrame({"code": drawn["code"].to_numpy()})
    values = jittered_indicators(ind, meta, rng, sigma)
    for col, cells in formatted(ind, values).items():
        out[col] = cells

    # Kecamatan counts follow the drawn villages.
    counts = drawn.groupby(["kecamatan_code", "type"]).size()
    kec = kecamatan.copy()
    kec["n_desa"] = [str(int(counts.get((k, "desa"), 0))) for k in kec["code"]]
    kec["n_kelurahan"] = [str(int(counts.get((k, "kelurahan"), 0))) for k in kec["code"]]
    if "n_coastal_villages" in kec.columns and "coastal" in drawn.columns:
        coastal = drawn.assign(c=drawn["coastal"].astype(int)).groupby("kecamatan_code")["c"]
        kec["n_coastal_villages"] = [str(int(coastal.sum().get(k, 0))) for k in kec["code"]]

    if target.exists() and any(target.iterdir()):
        if not (target / "GENERATED.txt").is_file():
            raise FileExistsError(f"{target} exists and is not a generated data set; "
                                  "refusing to overwrite it")
        shutil.rmtree(target)  # an earlier generated set: replace it
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if path.is_file() and path.name not in NOT_COPIED:
            shutil.copy2(path, target / path.name)
    columns = list(villages.columns)
    write_text = lambda frame, name: (target / name).write_bytes(  # noqa: E731
        frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    write_text(drawn.sort_values("code")[columns], "villages.csv")
    write_text(out.sort_values("code"), "indicators.csv")
    write_text(kec, "kecamatan.csv")
    (target / "GENERATED.txt").write_text(GENERATED_NOTE.format(
        source=source.name, seed=seed, n=n_villages, sigma=sigma,
        not_copied=", ".join(NOT_COPIED)), encoding="utf-8")
    return target

"""Seeded generator of a *synthetic* province or country in the region-folder layout.

A region folder holds one ordinary district data set per kabupaten/kota under
``districts/<pp.dd>/`` plus the index tables ``region.csv``, ``provinces.csv`` and
``districts.csv`` (see ``docs/region-data.md``). Everything here is GENERATED: the codes
are shaped like Kemendagri codes (real province codes, districts ``pp.dd`` with kabupaten
01.. and kota 71.., kecamatan ``pp.dd.kk``, villages ``pp.dd.kk.vvvv`` with kelurahan
1001.. and desa 2001..), but every name says "Sintetis" and no code names a real place.

Sizes are drawn like Indonesia's (the constants below, each an assumption with its
basis); integer totals are held exactly by largest-remainder rounding. Each village is a
village of ``data/buleleng`` (itself synthetic) drawn with replacement and jittered as in
:func:`planning.data.synth.scaled_dataset`, times a seeded poverty level of its province
and of its district, so that districts differ. Same arguments, same bytes.

    python -m planning.data.synth_region province /tmp/bali --seed 1
    python -m planning.data.synth_region country /tmp/indonesia
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planning.data.checks import count_pairs
from planning.data.owned import foreign_entries, named
from planning.data.synth import (
    BULELENG,
    SEED,
    formatted,
    jittered_indicators,
    largest_remainder,
)
from planning.i18n import KeyedMessage

#: the 38 real Kemendagri province codes (since the 2022 Papua provinces)
PROVINCE_CODES = ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32",
                  "33", "34", "35", "36", "51", "52", "53", "61", "62", "63", "64", "65",
                  "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94",
                  "95", "96")
BALI_CODE = "51"
#: the marker line of GENERATED.txt at a generated region's root
REGION_MARKER = "GENERATED DATA SET - NOT A REAL REGION"
DISTRICT_MARKER = "GENERATED DATA SET - NOT A REAL DISTRICT"
#: the list of the files a generated region holds (JSON), written last: what may be
#: replaced when the region is generated again (anything else in the folder is refused)
MANIFEST = ".planning-generated.json"
#: the district data set files written per district (the reference files of Buleleng,
#: calibration, district facts, poverty series and the 2020 focus villages, are not:
#: they describe real Buleleng, not a generated district)
COPIED = ("groups.csv", "programs.csv", "rules.csv")
#: ranges of the code numbers (Kemendagri shapes)
KABUPATEN_NUMBERS = (1, 69)
KOTA_NUMBERS = (71, 99)
MAX_KECAMATAN = 99  # kk 01..99
MAX_KELURAHAN = 999  # vvvv 1001..1999
MAX_DESA = 7_999  # vvvv 2001..9999


@dataclass(frozen=True)
class Sizes:
    """Whole-region totals the generator holds exactly."""

    districts: int
    kota: int
    kecamatan: int
    villages: int
    kelurahan: int

    @property
    def kabupaten(self) -> int:
        return self.districts - self.kota

    @property
    def desa(self) -> int:
        return self.villages - self.kelurahan


# --- sizes: assumptions, with their basis ---------------------------------------------------
#: ASSUMPTION. Indonesia: 514 districts (416 kabupaten, 98 kota), about 7,270 kecamatan,
#: about 83,700 desa and kelurahan of which about 8,500 kelurahan (about 75,200 desa).
#: Basis: the rounded Kemendagri code-list totals (Kepmendagri on the codes and data of
#: government areas, 2022-2024 editions) as commonly quoted; not read from a file here.
NATIONAL = Sizes(districts=514, kota=98, kecamatan=7_270, villages=83_700, kelurahan=8_500)
#: ASSUMPTION. A Bali-like province: 9 districts (8 kabupaten + 1 kota), 57 kecamatan,
#: 716 villages (636 desa + 80 kelurahan). Basis: Bali's counts as published by BPS Bali
#: (Provinsi Bali Dalam Angka) and the same Kemendagri code list.
BALI = Sizes(districts=9, kota=1, kecamatan=57, villages=716, kelurahan=80)

# --- shapes of the draws: assumptions (synthetic), each a plain statement --------------------
PROVINCE_SIGMA = 0.5  # lognormal spread of districts per province (Jatim 38 ... Kaltara 5)
DISTRICT_SIGMA = 0.45  # spread of kecamatan per district
KECAMATAN_SIGMA = 0.5  # spread of villages per kecamatan (a handful to about 40)
KOTA_KECAMATAN_FACTOR = 0.4  # a kota has about 0.4 times a kabupaten's kecamatan
KOTA_VILLAGE_FACTOR = 0.8  # and slightly fewer villages per kecamatan
KOTA_KELURAHAN_WEIGHT = 40.0  # a kota village is 40x as likely to be a kelurahan
PROVINCE_POVERTY_SIGMA = 0.35  # poverty level of a province (factor, median 1)
DISTRICT_POVERTY_SIGMA = 0.25  # and of a district within its province
PAGU_SIGMA = 0.2  # an agency's pagu: Buleleng's x kecamatan / 9 x poverty level x factor
JITTER_SIGMA = 0.3  # per-village jitter of counts and areas (as scaled_dataset)
PROVINCE_SPREAD_DEG = 0.6  # districts around their province's centre (degrees)
BALI_SPREAD_DEG = 0.25  # districts of the Bali-like province around Buleleng's centre
#: where province centres are drawn (degrees): inside Indonesia's bounding box
CENTRE_BOX = {"lat": (-9.5, 4.5), "lon": (96.0, 139.0)}
LAT_RANGE, LON_RANGE = (-11.4, 6.4), (94.1, 141.4)  # inside the villages.csv schema


class GenerateError(KeyedMessage, ValueError):
    """A region that cannot be generated: the message key and its parameters."""


class NotGenerated(GenerateError, FileExistsError):
    """The target folder has files the generator did not write: refused."""


def region_sizes(level: str, n_villages: int | None = None, *, n_districts: int | None = None,
                 n_kota: int | None = None, n_kecamatan: int | None = None,
                 n_kelurahan: int | None = None) -> Sizes:
    """The totals of a region: :data:`BALI` (province) or :data:`NATIONAL` (country),
    scaled by ``n_villages`` / its villages where a count is not given (districts at
    least one per province, kecamatan at least one per district)."""
    ref = BALI if level == "province" else NATIONAL
    floor = 1 if level == "province" else len(PROVINCE_CODES)
    villages = ref.villages if n_villages is None else int(n_villages)
    scale = villages / ref.villages
    districts = n_districts if n_districts is not None else max(
        floor, round(ref.districts * scale))
    kota = n_kota if n_kota is not None else min(
        round(districts * ref.kota / ref.districts), districts - floor)
    kecamatan = n_kecamatan if n_kecamatan is not None else max(
        districts, round(ref.kecamatan * scale))
    kelurahan = n_kelurahan if n_kelurahan is not None else round(
        villages * ref.kelurahan / ref.villages)
    return Sizes(int(districts), int(kota), int(kecamatan), villages, int(kelurahan))


def check_sizes(sizes: Sizes, n_provinces: int) -> None:
    """Raise :class:`GenerateError` when the totals cannot nest (each province a
    kabupaten, each district a kecamatan, each kecamatan a village)."""
    if sizes.districts < n_provinces:
        raise GenerateError("generate.too_few_districts", districts=sizes.districts,
                            provinces=n_provinces)
    if min(sizes.kota, sizes.kelurahan) < 0 or sizes.kabupaten < n_provinces \
            or sizes.kecamatan < sizes.districts or sizes.villages < sizes.kecamatan \
            or sizes.desa < 0:
        raise GenerateError("generate.bad_sizes", provinces=n_provinces,
                            districts=sizes.districts, kota=sizes.kota,
                            kecamatan=sizes.kecamatan, villages=sizes.villages,
                            kelurahan=sizes.kelurahan)


def _spread(rng: np.random.Generator, weights_sigma: float, factor: np.ndarray,
            total: int) -> np.ndarray:
    """At least one each, the rest (``total`` - len) split by seeded lognormal weights
    times ``factor``."""
    weights = rng.lognormal(0.0, weights_sigma, len(factor)) * factor
    return 1 + largest_remainder(weights, total - len(factor))


def _too_many(counts: np.ndarray, limit: int, what: str, labels) -> None:
    over = np.flatnonzero(counts > limit)
    if len(over):
        raise GenerateError("generate.too_many", what=what, where=labels[over[0]],
                            n=int(counts[over[0]]), limit=limit)


def draw_districts(provinces: list[str], sizes: Sizes, rng: np.random.Generator) -> pd.DataFrame:
    """One row per district: code, name, type, province_code, ordered by code.
    Kabupaten per province: at least one, the rest by lognormal weights; kota likewise
    (none at least)."""
    n_prov = len(provinces)
    kab = _spread(rng, PROVINCE_SIGMA, np.ones(n_prov), sizes.kabupaten)
    kota = largest_remainder(rng.lognormal(0.0, PROVINCE_SIGMA, n_prov), sizes.kota) \
        if n_prov > 1 else np.array([sizes.kota])
    _too_many(kab, KABUPATEN_NUMBERS[1], "kabupaten", provinces)
    _too_many(kota, KOTA_NUMBERS[1] - KOTA_NUMBERS[0] + 1, "kota", provinces)
    rows = []
    for prov, n_kab, n_kota in zip(provinces, kab, kota, strict=True):
        for number in range(1, n_kab + 1):
            rows.append((prov, number, "kabupaten"))
        for number in range(KOTA_NUMBERS[0], KOTA_NUMBERS[0] + n_kota):
            rows.append((prov, number, "kota"))
    frame = pd.DataFrame(rows, columns=["province_code", "number", "type"])
    frame["code"] = [f"{p}.{n:02d}" for p, n in zip(frame["province_code"], frame["number"],
                                                      strict=True)]
    frame["name"] = [f"{'Kabupaten' if t == 'kabupaten' else 'Kota'} Sintetis {c}"
                     for t, c in zip(frame["type"], frame["code"], strict=True)]
    return frame[["code", "name", "type", "province_code"]].sort_values(
        "code").reset_index(drop=True)


@dataclass(frozen=True)
class Villages:
    """The villages of a region (ordered by code) and of its kecamatan, as arrays."""

    code: np.ndarray  # village codes pp.dd.kk.vvvv
    kelurahan: np.ndarray  # bool
    kecamatan: np.ndarray  # index into kecamatan_code
    kecamatan_code: np.ndarray  # pp.dd.kk, ordered
    kecamatan_district: np.ndarray  # index into the districts table


def draw_villages(districts: pd.DataFrame, sizes: Sizes, rng: np.random.Generator) -> Villages:
    """Kecamatan per district and villages per kecamatan (at least one each, lognormal
    weights, fewer in a kota); then exactly ``sizes.kelurahan`` kelurahan, chosen by
    weighted sampling without replacement (weight :data:`KOTA_KELURAHAN_WEIGHT` in a
    kota, 1 in a kabupaten); numbered kelurahan 1001.., desa 2001.. in each kecamatan."""
    is_kota = (districts["type"] == "kota").to_numpy()
    n_kec = _spread(rng, DISTRICT_SIGMA, np.where(is_kota, KOTA_KECAMATAN_FACTOR, 1.0),
                    sizes.kecamatan)
    _too_many(n_kec, MAX_KECAMATAN, "kecamatan", districts["code"].to_numpy())
    kec_district = np.repeat(np.arange(len(districts)), n_kec)
    kec_number = np.arange(len(kec_district)) - np.repeat(np.cumsum(n_kec) - n_kec, n_kec) + 1
    kec_code = np.array([f"{d}.{k:02d}" for d, k in zip(
        districts["code"].to_numpy()[kec_district], kec_number, strict=True)])
    kec_kota = is_kota[kec_district]
    n_vil = _spread(rng, KECAMATAN_SIGMA, np.where(kec_kota, KOTA_VILLAGE_FACTOR, 1.0),
                    sizes.villages)
    village_kec = np.repeat(np.arange(len(kec_code)), n_vil)
    # Efraimidis-Spirakis: the largest log(u) / w are a weighted sample without replacement
    weight = np.where(kec_kota[village_kec], KOTA_KELURAHAN_WEIGHT, 1.0)
    key = np.log(rng.random(len(village_kec))) / weight
    kelurahan = np.zeros(len(village_kec), dtype=bool)
    kelurahan[np.argsort(-key, kind="stable")[:sizes.kelurahan]] = True
    n_kel = np.bincount(village_kec, weights=kelurahan, minlength=len(kec_code)).astype(int)
    _too_many(n_kel, MAX_KELURAHAN, "kelurahan", kec_code)
    _too_many(n_vil - n_kel, MAX_DESA, "desa", kec_code)
    # kelurahan first in each kecamatan, then desa; number within (kecamatan, type)
    order = np.lexsort((~kelurahan, village_kec))
    village_kec, kelurahan = village_kec[order], kelurahan[order]
    group = village_kec * 2 + (~kelurahan)
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    sizes_ = np.diff(np.r_[starts, len(group)])
    within = np.arange(len(group)) - np.repeat(starts, sizes_)
    number = within + np.where(kelurahan, 1001, 2001)
    code = np.array([f"{k}.{n:04d}" for k, n in zip(kec_code[village_kec], number,
                                                    strict=True)])
    return Villages(code, kelurahan, village_kec, kec_code, kec_district)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def poverty_columns(meta: pd.DataFrame) -> list[str]:
    """The columns a poverty level multiplies: poor people and every deprivation count."""
    return ["poor_people", *meta.index[meta["kind"] == "deprivation"].tolist()]


def capped_counts(values: dict[str, np.ndarray], meta: pd.DataFrame) -> None:
    """Cap every count by what it counts within (the pairs ``planning validate`` checks,
    :func:`planning.data.checks.count_pairs`), in place."""
    tables = {"indicator_metadata": meta.reset_index()}
    for count, base in count_pairs(tables):
        if count in values and base in values:
            values[count] = np.minimum(values[count], values[base])


def smallest_runs(agencies: pd.DataFrame, programs: pd.DataFrame) -> np.ndarray:
    """Per agency, the cost of the smallest run of its dearest programme (fixed_cost +
    min_units x unit_cost, juta Rp, rounded up; at least 1): a generated pagu is never
    below it, so that every programme can be chosen."""
    cost = pd.to_numeric(programs["fixed_cost"]) + pd.to_numeric(
        programs["min_units"]) * pd.to_numeric(programs["unit_cost"])
    dearest = cost.groupby(programs["agency"]).max()
    runs = dearest.reindex(agencies["code"]).fillna(1).to_numpy()
    return np.maximum(1, np.ceil(runs)).astype(np.int64)


def _offsets(provinces: list[str], districts: pd.DataFrame, centre: tuple[float, float],
             rng: np.random.Generator) -> np.ndarray:
    """A (lat, lon) shift per district: province centres in :data:`CENTRE_BOX` (the
    Bali-like province at the source's centre), districts spread around them."""
    lat = rng.uniform(*CENTRE_BOX["lat"], len(provinces))
    lon = rng.uniform(*CENTRE_BOX["lon"], len(provinces))
    if len(provinces) == 1:
        lat[:], lon[:] = centre
    spread = BALI_SPREAD_DEG if len(provinces) == 1 else PROVINCE_SPREAD_DEG
    where = pd.Index(provinces).get_indexer(districts["province_code"])
    shift = rng.normal(0.0, spread, (len(districts), 2))
    shift[:, 0] += lat[where] - centre[0]
    shift[:, 1] += lon[where] - centre[1]
    return shift


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _text6(values: np.ndarray) -> list[str]:
    return [f"{x:.6f}" for x in values]


def generate_region(target: str | Path, level: str = "province", n_villages: int | None = None,
                    seed: int = SEED, *, province: str = BALI_CODE,
                    n_districts: int | None = None, n_kota: int | None = None,
                    n_kecamatan: int | None = None, n_kelurahan: int | None = None,
                    source: str | Path | None = None, sigma: float = JITTER_SIGMA) -> Path:
    """Write a generated region (``level`` "province": the province ``province``;
    "country": all of :data:`PROVINCE_CODES`) of ``n_villages`` villages to ``target``.

    Sizes: :func:`region_sizes` (given counts override). ``target`` must be missing,
    empty or an earlier generated region (then replaced); anything else raises
    :class:`NotGenerated`. The region is written to a temporary folder beside ``target``
    and renamed into place, so a failure leaves no half-written region. Same arguments,
    same bytes. Returns ``target``."""
    if level not in ("province", "country"):
        raise GenerateError("generate.bad_level", value=level)
    target = Path(target)
    source = Path(source) if source is not None else BULELENG
    refuse_foreign(target)
    provinces = [province] if level == "province" else list(PROVINCE_CODES)
    if level == "province" and province not in PROVINCE_CODES:
        raise GenerateError("generate.bad_province", value=province,
                            allowed=", ".join(PROVINCE_CODES))
    sizes = region_sizes(level, n_villages, n_districts=n_districts, n_kota=n_kota,
                         n_kecamatan=n_kecamatan, n_kelurahan=n_kelurahan)
    check_sizes(sizes, len(provinces))
    rng = np.random.default_rng(seed)
    districts = draw_districts(provinces, sizes, rng)
    vil = draw_villages(districts, sizes, rng)
    tables = district_tables(source, provinces, districts, vil, rng, sigma)

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_region(work, level, provinces, districts, sizes, tables, seed, source, sigma)
        if target.exists():
            shutil.rmtree(target)  # missing, empty or generated (checked above)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def generate_province(target: str | Path, seed: int = SEED, n_villages: int = BALI.villages,
                      **options) -> Path:
    """A Bali-like province (code 51 unless ``province=``): by default 9 districts, 57
    kecamatan, 716 villages (see :data:`BALI`)."""
    return generate_region(target, "province", n_villages, seed, **options)


def generate_country(target: str | Path, seed: int = SEED, n_villages: int = NATIONAL.villages,
                     **options) -> Path:
    """The country: 38 provinces, by default 514 districts, 7,270 kecamatan and 83,700
    villages (see :data:`NATIONAL`)."""
    return generate_region(target, "country", n_villages, seed, **options)


def is_generated_region(folder: Path) -> bool:
    """True when ``folder`` was written by this generator (its GENERATED.txt marker and
    districts.csv)."""
    note = folder / "GENERATED.txt"
    return note.is_file() and (folder / "districts.csv").is_file() and \
        REGION_MARKER in note.read_text(encoding="utf-8", errors="replace")


def refuse_foreign(target: Path) -> None:
    """Raise :class:`NotGenerated` when ``target`` is a file, a non-empty folder that is
    not an earlier generated region (or one without its :data:`MANIFEST`), or an earlier
    generated region to which someone added files or folders."""
    if not target.exists():
        return
    if not target.is_dir() or (any(target.iterdir()) and not is_generated_region(target)):
        raise NotGenerated("generate.not_generated", path=target)
    if not any(target.iterdir()):
        return
    try:
        written = json.loads((target / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise NotGenerated("generate.not_generated", path=target) from None
    foreign = foreign_entries(target, [*written, MANIFEST])
    if foreign:
        raise NotGenerated("generate.foreign_files", path=target, files=named(foreign))


@dataclass(frozen=True)
class RegionTables:
    """Everything the region's files hold, as text tables (ordered by code)."""

    villages: pd.DataFrame
    indicators: pd.DataFrame
    kecamatan: pd.DataFrame
    agencies: pd.DataFrame  # with a "district" column
    metadata: pd.DataFrame
    index: pd.DataFrame  # districts.csv


def district_tables(source: Path, provinces: list[str], districts: pd.DataFrame,
                    vil: Villages, rng: np.random.Generator, sigma: float) -> RegionTables:
    """The tables of every district, vectorised over the whole region."""
    villages = _read(source / "villages.csv")
    indicators = _read(source / "indicators.csv").set_index("code")
    meta = _read(source / "indicator_metadata.csv").set_index("indicator")
    agencies = _read(source / "agencies.csv")
    n = len(vil.code)

    # Source villages of the same type, drawn with replacement.
    is_kel = (villages["type"] == "kelurahan").to_numpy()
    kel_pool, desa_pool = np.flatnonzero(is_kel), np.flatnonzero(~is_kel)
    from_kel = kel_pool[rng.integers(0, len(kel_pool), n)] if len(kel_pool) else None
    from_desa = desa_pool[rng.integers(0, len(desa_pool), n)]
    drawn = np.where(vil.kelurahan, from_kel if from_kel is not None else from_desa,
                     from_desa)
    src = villages.iloc[drawn].reset_index(drop=True)

    # Poverty level per province and district, on poor people and deprivation counts.
    prov_level = rng.lognormal(0.0, PROVINCE_POVERTY_SIGMA, len(provinces))
    dist_level = rng.lognormal(0.0, DISTRICT_POVERTY_SIGMA, len(districts))
    prov_of = pd.Index(provinces).get_indexer(districts["province_code"])
    level = (prov_level[prov_of] * dist_level)[vil.kecamatan_district[vil.kecamatan]]
    ind = indicators.loc[src["code"]].reset_index(drop=True)
    values = jittered_indicators(ind, meta, rng, sigma,
                                 extra={c: level for c in poverty_columns(meta)})
    capped_counts(values, meta)
    ind_out = pd.DataFrame({"code": vil.code, **formatted(ind, values)})

    # Villages: invented names and codes, the source's area, coast and shifted position.
    lat = pd.to_numeric(src["lat"]).to_numpy()
    lon = pd.to_numeric(src["lon"]).to_numpy()
    shift = _offsets(provinces, districts, (float(lat.mean()), float(lon.mean())), rng)
    village_district = vil.kecamatan_district[vil.kecamatan]
    lat = np.clip(lat + shift[village_district, 0], *LAT_RANGE)
    lon = np.clip(lon + shift[village_district, 1], *LON_RANGE)
    kec_of = vil.kecamatan_code[vil.kecamatan]
    kind = np.where(vil.kelurahan, "kelurahan", "desa")
    vil_out = pd.DataFrame({
        "code": vil.code,
        "name": [f"{'Kelurahan' if k else 'Desa'} Sintetis {c}"
                 for k, c in zip(vil.kelurahan, vil.code, strict=True)],
        "kecamatan_code": kec_of,
        "kecamatan": [f"Kecamatan Sintetis {k}" for k in kec_of],
        "type": kind,
        "bps_code": "",
        "lat": _text6(lat),
        "lon": _text6(lon),
        "area_km2": src["area_km2"].to_numpy(),
        "coastal": src["coastal"].to_numpy(),
        "name_variants": "",
    })[list(villages.columns)]

    # Kecamatan: counts, area, coast and centre recounted from their villages.
    k = len(vil.kecamatan_code)
    per = np.bincount
    area = per(vil.kecamatan, pd.to_numeric(src["area_km2"]).to_numpy(), minlength=k)
    n_all = per(vil.kecamatan, minlength=k)
    n_kel = per(vil.kecamatan, vil.kelurahan, minlength=k).astype(int)
    coastal = per(vil.kecamatan, pd.to_numeric(src["coastal"]).to_numpy(), minlength=k)
    kec_out = pd.DataFrame({
        "code": vil.kecamatan_code,
        "bps_code": "",
        "name": [f"Kecamatan Sintetis {c}" for c in vil.kecamatan_code],
        "n_desa": n_all - n_kel,
        "n_kelurahan": n_kel,
        "area_km2": [f"{a:.2f}" for a in area],
        "n_coastal_villages": coastal.astype(int),
        "lat": _text6(per(vil.kecamatan, lat, minlength=k) / n_all),
        "lon": _text6(per(vil.kecamatan, lon, minlength=k) / n_all),
    })

    # Agencies: Buleleng's pagu x kecamatan / Buleleng's kecamatan x the district's poverty
    # level x a seeded factor. The plan funds focus villages (so many per kecamatan), so a
    # district's kecamatan give the plan's size and its poverty level the need to meet,
    # as a need-based transfer would (an assumption, synthetic).
    n_district_villages = per(village_district, minlength=len(districts))
    n_district_kecamatan = per(vil.kecamatan_district, minlength=len(districts))
    n_source_kecamatan = len(_read(source / "kecamatan.csv"))
    need = n_district_kecamatan / n_source_kecamatan * prov_level[prov_of] * dist_level
    base = pd.to_numeric(agencies["pagu"]).to_numpy()
    factor = rng.lognormal(0.0, PAGU_SIGMA, (len(districts), len(agencies)))
    floor = smallest_runs(agencies, _read(source / "programs.csv"))
    pagu = np.maximum(floor[None, :], np.round(base[None, :] * need[:, None] * factor)
                      ).astype(np.int64)
    agency_rows = agencies.loc[np.tile(np.arange(len(agencies)), len(districts))].reset_index(
        drop=True)
    names = np.repeat(districts["name"].to_numpy(), len(agencies))
    agency_rows["name"] = [n.replace("Kab. Buleleng", d) for n, d in zip(
        agency_rows["name"], names, strict=True)]
    agency_rows["pagu"] = pagu.ravel()
    agency_rows["pagu_status"] = "synthetic"
    agency_rows["note"] = [
        f"generated: Buleleng pagu {b} x {k} kecamatan / {n_source_kecamatan} x poverty "
        f"level {lv:.3f} x seeded factor {f:.3f}, at least the smallest run of its dearest "
        "programme (synthetic)"
        for b, k, lv, f in zip(
            np.tile(agencies["pagu"].to_numpy(), len(districts)),
            np.repeat(n_district_kecamatan, len(agencies)),
            np.repeat(prov_level[prov_of] * dist_level, len(agencies)), factor.ravel(),
            strict=True)]
    if "source_url" in agency_rows.columns:
        agency_rows["source_url"] = ""
    agency_rows.insert(0, "district", np.repeat(districts["code"].to_numpy(), len(agencies)))

    meta_out = meta.reset_index()
    meta_out["status"] = "synthetic"
    meta_out["source"] = ("planning.data.synth_region: a data/buleleng village drawn with "
                          "replacement, jittered, times a district poverty level "
                          "(synthetic); there: " + meta_out["source"])

    index = districts.copy()
    index["folder"] = [f"districts/{c}" for c in index["code"]]
    index["n_kecamatan"] = per(vil.kecamatan_district, minlength=len(districts))
    index["n_villages"] = n_district_villages
    index["pagu"] = pagu.sum(axis=1)
    return RegionTables(vil_out, ind_out, kec_out, agency_rows, meta_out, index)


REGION_NOTE = """\
{marker}

Made by planning.data.synth_region ({level}, seed {seed}): {provinces} provinces,
{districts} districts ({kabupaten} kabupaten, {kota} kota), {kecamatan} kecamatan,
{villages} villages ({desa} desa, {kelurahan} kelurahan). For tests and benchmarks of
scale only: no number here describes a real place.

* Codes are shaped like Kemendagri codes (real province codes; kabupaten pp.01.., kota
  pp.71..; kecamatan pp.dd.kk; kelurahan pp.dd.kk.1001.., desa pp.dd.kk.2001..) but are
  invented; every name says "Sintetis".
* Sizes: kecamatan per district and villages per kecamatan drawn with lognormal weights
  (assumptions in planning.data.synth_region), totals held exactly.
* Each village is a village of {source} (whose indicators are themselves synthetic)
  drawn with replacement, its counts and areas jittered (lognormal sigma {sigma}), poor
  people and deprivation counts times a seeded poverty level of its province and
  district, every count capped by what it counts within. Coordinates: the source's,
  shifted per district.
* agencies.csv per district: the source's pagu x the district's kecamatan / {n_source}
  (the plan funds so many focus villages per kecamatan) x the district's poverty level x
  a seeded factor, whole juta Rp (pagu_status synthetic). programs.csv, groups.csv and
  rules.csv are the source's. indicator_metadata.csv marks every indicator synthetic.
* region.csv, provinces.csv and districts.csv are the index (status synthetic).
"""

DISTRICT_NOTE = """\
{marker}

{name} ({code}), generated by planning.data.synth_region (seed {seed}) as part of
the region in the folder above: {kecamatan} kecamatan, {villages} villages. Every
table is synthetic; see ../../GENERATED.txt for how it was made.
"""


def write_region(folder: Path, level: str, provinces: list[str], districts: pd.DataFrame,
                 sizes: Sizes, tables: RegionTables, seed: int, source: Path,
                 sigma: float) -> None:
    """Write the index tables, GENERATED.txt and every district folder into ``folder``."""
    code = provinces[0] if level == "province" else "00"
    name = f"Provinsi Sintetis {code}" if level == "province" else "Indonesia Sintetis"
    (folder / "region.csv").write_bytes(_csv(pd.DataFrame([{
        "code": code, "name": name, "level": level, "status": "synthetic", "seed": seed}])))
    (folder / "provinces.csv").write_bytes(_csv(pd.DataFrame({
        "code": provinces, "name": [f"Provinsi Sintetis {p}" for p in provinces]})))
    index = tables.index[["code", "name", "type", "province_code", "folder", "n_kecamatan",
                          "n_villages", "pagu"]]
    (folder / "districts.csv").write_bytes(_csv(index))
    (folder / "GENERATED.txt").write_text(REGION_NOTE.format(
        marker=REGION_MARKER, level=level, seed=seed, provinces=len(provinces),
        districts=sizes.districts, kabupaten=sizes.kabupaten, kota=sizes.kota,
        kecamatan=sizes.kecamatan, villages=sizes.villages, desa=sizes.desa,
        kelurahan=sizes.kelurahan, source=source.name, sigma=sigma,
        n_source=len(_read(source / "kecamatan.csv"))), encoding="utf-8")

    copied = {name: (source / name).read_bytes() for name in COPIED if (source / name).is_file()}
    meta = _csv(tables.metadata)
    ends = np.array([*districts["code"].to_numpy(), "~"])  # "~" sorts after every code
    bounds = lambda codes: np.searchsorted(codes, ends, side="left")  # noqa: E731
    vil_at = bounds(np.array([c[:5] for c in tables.villages["code"]]))
    kec_at = bounds(np.array([c[:5] for c in tables.kecamatan["code"]]))
    agencies = tables.agencies.drop(columns=["district"])
    n_agencies = len(agencies) // max(len(districts), 1)
    for i, row in enumerate(index.itertuples(index=False)):
        out = folder / row.folder
        out.mkdir(parents=True)
        rows = slice(vil_at[i], vil_at[i + 1])
        (out / "villages.csv").write_bytes(_csv(tables.villages.iloc[rows]))
        (out / "indicators.csv").write_bytes(_csv(tables.indicators.iloc[rows]))
        (out / "kecamatan.csv").write_bytes(_csv(tables.kecamatan.iloc[kec_at[i]:kec_at[i + 1]]))
        (out / "agencies.csv").write_bytes(_csv(
            agencies.iloc[i * n_agencies:(i + 1) * n_agencies]))
        (out / "indicator_metadata.csv").write_bytes(meta)
        for name_, data in copied.items():
            (out / name_).write_bytes(data)
        (out / "GENERATED.txt").write_text(DISTRICT_NOTE.format(
            marker=DISTRICT_MARKER, name=row.name, code=row.code, seed=seed,
            kecamatan=row.n_kecamatan, villages=row.n_villages), encoding="utf-8")
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (folder / MANIFEST).write_text(json.dumps({"tool": "planning", "kind": "region",
                                               "files": written}, indent=1) + "\n",
                                   encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m planning.data.synth_region",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("level", choices=["province", "country"])
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--villages", type=int, default=None)
    parser.add_argument("--districts", type=int, default=None)
    args = parser.parse_args(argv)
    generate_region(args.target, args.level, args.villages, args.seed,
                    n_districts=args.districts)
    print(f"wrote {args.target}")


if __name__ == "__main__":
    main()

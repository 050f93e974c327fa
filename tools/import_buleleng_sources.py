"""Copy the researched Buleleng source tables into the project's data set.

This is the one documented transformation from the folder of researched source tables
(kept apart from the project; their sources are in ``docs/sources.md``) into
``data/buleleng/``: it renames columns to the
data set's names, keeps every real value as found, and drops nothing but the
columns the data set does not use. Boundary polygons (``*.geojson``) are *not*
copied: maps take a boundary file path instead.

Run from the project root::

    python tools/import_buleleng_sources.py <folder of the source tables> data/buleleng
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

VILLAGE_COLUMNS = {
    "code": "code",
    "name": "name",
    "kecamatan_code": "kecamatan_code",
    "kecamatan": "kecamatan",
    "type": "type",
    "bps_code_2018": "bps_code",
    "lat": "lat",
    "lon": "lon",
    "area_km2_geom": "area_km2",
    "coastal_geom": "coastal",
    "name_variants": "name_variants",
}

KECAMATAN_COLUMNS = {
    "code": "code",
    "bps_code": "bps_code",
    "name": "name",
    "n_desa": "n_desa",
    "n_kelurahan": "n_kelurahan",
    "area_km2_official": "area_km2",
    "n_dusun_banjar_2016": "n_dusun_2016",
    "n_lingkungan_2016": "n_lingkungan_2016",
    "n_desa_adat_2016": "n_desa_adat_2016",
    "pop_dukcapil_2024s2": "population_dukcapil_2024s2",
    "pop_dukcapil_2025s1": "population_dukcapil_2025s1",
    "n_desa_rtm_over35pct_2012": "n_poor_villages_2012",
    "cengkeh_area_ha_2017": "clove_area_ha_2017",
    "n_coastal_villages_geom": "n_coastal_villages",
    "lat": "lat",
    "lon": "lon",
}

COPIED_AS_IS = ["district_facts.csv", "poverty_series.csv", "focus_villages_2020.csv"]


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    villages = pd.read_csv(source / "villages.csv", dtype=str, keep_default_na=False)
    villages = villages[list(VILLAGE_COLUMNS)].rename(columns=VILLAGE_COLUMNS)
    villages.sort_values("code").to_csv(target / "villages.csv", index=False, lineterminator="\n")
    kecamatan = pd.read_csv(source / "kecamatan.csv", dtype=str, keep_default_na=False)
    kecamatan = kecamatan[list(KECAMATAN_COLUMNS)].rename(columns=KECAMATAN_COLUMNS)
    kecamatan.sort_values("code").to_csv(target / "kecamatan.csv", index=False, lineterminator="\n")
    for name in COPIED_AS_IS:
        text = (source / name).read_text(encoding="utf-8")
        (target / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

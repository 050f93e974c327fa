"""A readable overview of a loaded data set: per kecamatan, per agency, per indicator."""

from __future__ import annotations

import pandas as pd

from planning.data.loading import DataSet


def synthetic_note(ds: DataSet, lang: str = "id") -> str:
    """The short mark every export carries when per-village indicators are synthetic
    (the list of synthetic indicators travels in the JSON summary)."""
    if not ds.synthetic_indicators():
        return "real" if lang == "en" else "nyata"
    if lang == "en":
        return "SYNTHETIC per-village indicators (see data/README.md)"
    return "indikator per desa SINTETIS (lihat data/README.md)"


#: the data notes as summary.json keeps them (English) -> Bahasa Indonesia
_NOTES_ID = {"SYNTHETIC per-village indicators (see data/README.md)":
             "indikator per desa SINTETIS (lihat data/README.md)", "real": "nyata"}


def note_in(note: str, lang: str) -> str:
    """A run's data note as summary.json keeps it (:func:`synthetic_note` in English), in
    ``lang``; a note of another wording as it is."""
    return _NOTES_ID.get(note, note) if lang == "id" else note


def kecamatan_summary(ds: DataSet, lang: str = "en") -> pd.DataFrame:
    """Villages, people and deprivation counts per kecamatan, plus a district total row;
    the data status in ``lang``."""
    frame = ds.villages[["code", "kecamatan_code", "type", "coastal"]].merge(
        ds.indicators, on="code", how="left", validate="one_to_one")
    dims = ds.dimensions
    counts = ["population", "households", *(
        [c for c in ["poor_people"] if c in frame.columns]), *dims["count_indicator"]]
    grouped = frame.groupby("kecamatan_code", sort=True)
    table = pd.DataFrame({
        "villages": grouped.size(),
        "desa": grouped["type"].apply(lambda s: int((s == "desa").sum())),
        "kelurahan": grouped["type"].apply(lambda s: int((s == "kelurahan").sum())),
        "coastal_villages": grouped["coastal"].sum(),
    })
    table = table.join(grouped[counts].sum())
    total = table.sum().to_frame().T
    total.index = ["51.08" if ds.villages["code"].str.startswith("51.08").all() else "total"]
    table = pd.concat([table, total])
    names = ds.kecamatan.set_index("code")["name"]
    table.insert(0, "kecamatan", [names.get(code, "TOTAL") for code in table.index])
    if "poor_people" in table.columns:
        table["poverty_rate_pct"] = (100 * table["poor_people"] / table["population"]).round(2)
    table.index.name = "kecamatan_code"
    table = table.reset_index()
    table["data_status"] = synthetic_note(ds, lang)
    integer_cols = [c for c in table.columns if c not in (
        "kecamatan_code", "kecamatan", "poverty_rate_pct", "data_status")]
    table[integer_cols] = table[integer_cols].round().astype("int64")
    return table


def agency_summary(ds: DataSet) -> pd.DataFrame:
    """Each agency's budget ceiling (pagu, juta Rp) and its programmes."""
    programs = ds.programs.groupby("agency")["code"].agg(
        lambda s: ", ".join(sorted(s))).rename("programs")
    count = ds.programs.groupby("agency").size().rename("n_programs")
    table = ds.agencies[["code", "short_name", "pagu", "pagu_status"]].set_index("code")
    table = table.join(count).join(programs).fillna({"n_programs": 0, "programs": ""})
    table["n_programs"] = table["n_programs"].astype("int64")
    return table.reset_index().sort_values("code", kind="stable").reset_index(drop=True)


def indicator_summary(ds: DataSet) -> pd.DataFrame:
    """Each indicator with its label, group, status and district statistics."""
    meta = ds.indicator_metadata.set_index("indicator")
    values = ds.indicators.drop(columns="code")
    stats = pd.DataFrame({
        "total": values.sum(),
        "min": values.min(),
        "median": values.median(),
        "max": values.max(),
    }).round(2)
    table = meta[["label_id", "label_en", "kind", "group", "unit", "status"]].join(
        stats, how="right")
    table.index.name = "indicator"
    return table.reset_index()


def headline(ds: DataSet) -> dict:
    """The few numbers a planner checks first."""
    ind = ds.indicators
    return {
        "villages": len(ds.villages),
        "desa": int((ds.villages["type"] == "desa").sum()),
        "kelurahan": int((ds.villages["type"] == "kelurahan").sum()),
        "kecamatan": len(ds.kecamatan),
        "programs": len(ds.programs),
        "agencies": len(ds.agencies),
        "pagu_total_juta": float(ds.agencies["pagu"].sum()),
        "population": int(ind["population"].sum()),
        "households": int(ind["households"].sum()),
        "poor_people": int(ind["poor_people"].sum()) if "poor_people" in ind else None,
    }

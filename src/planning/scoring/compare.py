"""Our focus villages next to the real 2020 ones (``focus_villages_2020.csv``).

The per-village indicators are synthetic, so the overlap is information, not a target: it
shows how far a transparent poverty-first rule on calibrated synthetic data lands from the
villages the district actually chose in 2020.

The comparison table has one row per village that is in either list, plus one row per
2020 place whose village no source names (code empty). Per row: whether we pick it, whether
it was a 2020 focus village (and how the source names it), our rank in its kecamatan out of
how many villages, poverty index, selection frequency and stability, and the reason we do
or do not pick it (for example "kelurahan excluded").
"""

from __future__ import annotations

import pandas as pd

from planning.i18n import DEFAULT_LANGUAGE, text

UNIDENTIFIED = "lang.focus_2020_unidentified"
"""The message key of the reason of a 2020 place whose village no source names."""
COLUMNS = ["kecamatan_code", "kecamatan", "code", "name", "type", "selected", "in_2020",
           "status_2020", "both", "rank_in_kecamatan", "villages_in_kecamatan",
           "poverty_index", "selection_frequency", "stability", "reason"]


def compare_2020(table: pd.DataFrame, reference: pd.DataFrame,
                 kecamatan: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The comparison table (see the module docstring), its reasons in ``lang``.

    ``table`` is ``ScoreResult.table_in(lang)`` (the score table, its reasons in ``lang``),
    ``reference`` the 2020 list as read (text columns kecamatan, code, status, ...),
    ``kecamatan`` the data set's kecamatan table (code, name).
    """
    size = table.groupby("kecamatan_code")["code"].transform("size")
    ours = table.assign(villages_in_kecamatan=size.to_numpy())
    ref = reference.assign(code=reference["code"].fillna("").str.strip())
    known = ref[ref["code"] != ""]
    status = dict(zip(known["code"], known["status"], strict=True))
    keep = ours["selected"].astype(bool) | ours["code"].isin(status)
    rows = ours[keep].copy()
    rows["in_2020"] = rows["code"].isin(status)
    rows["status_2020"] = rows["code"].map(status).fillna("")
    rows["both"] = rows["selected"].astype(bool) & rows["in_2020"]
    if "selection_frequency" not in rows:
        rows["selection_frequency"], rows["stability"] = float("nan"), ""
    codes_by_name = dict(zip(kecamatan["name"], kecamatan["code"], strict=True))
    missing = ref[ref["code"] == ""]
    blank = pd.DataFrame({
        "kecamatan_code": missing["kecamatan"].map(codes_by_name).fillna("").to_numpy(),
        "kecamatan": missing["kecamatan"].to_numpy(), "code": "", "name": "", "type": "",
        "selected": False, "in_2020": True, "status_2020": missing["status"].to_numpy(),
        "both": False, "reason": text(UNIDENTIFIED, lang)})
    out = pd.concat([rows[[c for c in COLUMNS if c in rows]], blank], ignore_index=True)
    out["rank_in_kecamatan"] = out["rank_in_kecamatan"].astype("Int64")
    out["villages_in_kecamatan"] = out["villages_in_kecamatan"].astype("Int64")
    out["unidentified"] = out["code"] == ""
    out = out.sort_values(["kecamatan_code", "unidentified", "rank_in_kecamatan"],
                          kind="stable").drop(columns="unidentified")
    return out[COLUMNS].reset_index(drop=True)


def overlap_by_kecamatan(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per kecamatan: our picks, the 2020 picks (identified and not), the overlap."""
    frame = comparison.assign(identified=comparison["in_2020"] & (comparison["code"] != ""),
                              unidentified=comparison["in_2020"] & (comparison["code"] == ""))
    out = frame.groupby(["kecamatan_code", "kecamatan"], sort=True).agg(
        selected=("selected", "sum"), in_2020=("in_2020", "sum"),
        identified_2020=("identified", "sum"), unidentified_2020=("unidentified", "sum"),
        overlap=("both", "sum")).reset_index()
    return out.astype({c: int for c in ("selected", "in_2020", "identified_2020",
                                        "unidentified_2020", "overlap")})

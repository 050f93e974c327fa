"""Graduation and entry over a multi-year plan (issue 17, docs/multi-year.md).

At the start of each year after the first, the villages are scored again on the
deprivations left: the count indicator of each dimension (``groups.csv``
``count_indicator``, for example ``hh_poor_dtks`` for income) becomes the deprived units
left in that village, every other indicator stays as in the data set, and the scenario's
scoring settings pick the focus villages under the same rule (no stability draws). A focus
village whose deprivations fall enough drops below the cut in its kecamatan and
*graduates*; the next-ranked village *enters*.

* :func:`rescore` - the scores of a year from the deprived units left.
* :func:`focus_changes` - per village, whether it stays, enters or graduates.
* :func:`change_reason` - that change in planners' words ("lulus: indeks kemiskinan turun
  dari 0,62 ke 0,41; kini peringkat 5 di kecamatannya").
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from planning.config.scoring import ScoringSettings
from planning.data import DataSet
from planning.i18n import number, text
from planning.scoring import ScoreResult, score

CHANGES = ("stays", "enters", "graduates", "")
"""A village's change of focus between two years: still a focus village, newly one, no
longer one, or none (not a focus village in either year)."""
INDEX_DECIMALS = 2
"""Decimals of a poverty index in a change's reason."""


def count_indicators(ds: DataSet) -> dict[str, str]:
    """Dimension -> the indicators.csv column that counts its deprived units."""
    dims = ds.dimensions
    return dict(zip(dims["group"], dims["count_indicator"], strict=True))


def with_deprived(ds: DataSet, left: pd.DataFrame) -> DataSet:
    """``ds`` whose count indicator of each (village, dimension) in ``left`` (columns
    ``village``, ``dimension``, ``deprived``: deprived units, >= 0) is replaced by
    ``deprived``; every other value unchanged. Raises ValueError for an unknown village or
    dimension, a pair given twice, or a negative or missing number."""
    missing = {"village", "dimension", "deprived"} - set(left.columns)
    if missing:
        raise ValueError(f"left needs the columns village, dimension, deprived; missing "
                         f"{sorted(missing)}")
    columns = count_indicators(ds)
    dims = set(left["dimension"]) - set(columns)
    if dims:
        raise ValueError(f"dimensions not in groups.csv: {sorted(dims)}")
    uncounted = sorted(d for d in set(left["dimension"])
                       if not isinstance(columns[d], str) or not columns[d])
    if uncounted:
        raise ValueError(f"dimensions without a count_indicator in groups.csv: {uncounted}")
    villages = set(left["village"]) - set(ds.indicators["code"])
    if villages:
        raise ValueError(f"villages not in indicators.csv: {sorted(villages)}")
    if left.duplicated(["village", "dimension"]).any():
        raise ValueError("left gives a (village, dimension) pair more than once")
    deprived = pd.to_numeric(left["deprived"], errors="coerce")
    if not (deprived >= 0).all():
        raise ValueError("deprived units left must be numbers >= 0")
    indicators = ds.indicators.copy()
    row = pd.Series(indicators.index, index=indicators["code"])
    for dimension, part in left.assign(deprived=deprived).groupby("dimension", sort=True):
        column = columns[dimension]
        indicators[column] = indicators[column].astype(float)
        indicators.loc[row[part["village"]].to_numpy(), column] = part["deprived"].to_numpy(
            dtype=float)
    return dataclasses.replace(ds, indicators=indicators)


def rescore(ds: DataSet, scoring: ScoringSettings, left: pd.DataFrame) -> ScoreResult:
    """The villages' scores and focus villages at the start of a year in which ``left``
    (village, dimension, deprived) gives the deprived units left: the count indicator of
    each given dimension replaced for those villages (:func:`with_deprived`), then scored
    exactly as a normal run scores (:func:`planning.scoring.score`) with the scenario's
    ``scoring`` settings, lean: without stability draws or the typology (neither moves
    the focus villages, and a year's focus table shows neither). With nothing removed the
    scores are those of the normal run, less those columns."""
    return score(with_deprived(ds, left), scoring, lean=True)


def _selected(table: pd.DataFrame) -> pd.Series:
    return table.set_index("code")["selected"].fillna(False).astype(bool)


def focus_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per village (the rows of ``after``, in its order), how its focus changed from the
    score table ``before`` to ``after`` (both :attr:`ScoreResult.table`-like, with
    ``code``, ``selected``, ``poverty_index``, ``rank_in_kecamatan``): ``change`` is
    ``stays`` (selected in both), ``enters`` (only after), ``graduates`` (only before) or
    '' (neither); with ``poverty_index_before``/``poverty_index`` and
    ``rank_before``/``rank_in_kecamatan``, and ``selected`` as after."""
    was, now = _selected(before), _selected(after)
    missing = set(now.index) ^ set(was.index)
    if missing:
        raise ValueError(f"the two score tables hold different villages: {sorted(missing)[:5]}")
    keep = [c for c in ("code", "name", "kecamatan_code", "kecamatan", "poverty_index",
                        "rank_in_kecamatan") if c in after.columns]
    out = after[keep].reset_index(drop=True).copy()
    prior = before.set_index("code")
    out.insert(out.columns.get_loc("poverty_index"), "poverty_index_before",
               out["code"].map(prior["poverty_index"]).to_numpy())
    out.insert(out.columns.get_loc("rank_in_kecamatan"), "rank_before",
               out["code"].map(prior["rank_in_kecamatan"]).to_numpy())
    a, b = was[out["code"]].to_numpy(), now[out["code"]].to_numpy()
    out["selected_before"] = a
    out["selected"] = b
    out["change"] = np.select([a & b, ~a & b, a & ~b], ["stays", "enters", "graduates"], "")
    return out


def _rank(value) -> str:
    return "-" if pd.isna(value) else str(int(value))


def change_reason(row: pd.Series, lang: str = "id") -> str:
    """A village's change of focus (a row of :func:`focus_changes`) in planners' words:
    the poverty index before and after, and its rank in its kecamatan now; '' when it is a
    focus village in neither year. A graduate whose index did not fall is said to be
    overtaken by the villages now above it."""
    change = row["change"]
    if change not in CHANGES:
        raise ValueError(f"unknown change {change!r}; one of {CHANGES}")
    if not change:
        return ""
    key = f"years.{change}"
    if change == "graduates" and not row["poverty_index"] < row["poverty_index_before"]:
        # the indices are relative (min-max over every village): a village can drop below
        # the cut because others rose past it, its own index unchanged or higher
        key = "years.graduates_overtaken"
    return text(key, lang,
                before=number(float(row["poverty_index_before"]), lang, INDEX_DECIMALS),
                after=number(float(row["poverty_index"]), lang, INDEX_DECIMALS),
                rank=_rank(row["rank_in_kecamatan"]), rank_before=_rank(row["rank_before"]))

"""Tables as planners read them, for the notebooks: :func:`shown`.

The tables of the package (``result.table``, ``allocation.tables.agencies``, the analysis
tables) keep snake_case column names, codes and flags, because programs read them. A
notebook shows them through :func:`shown`, which gives the same rows with

* the planners' column names in the chosen language ("kode desa", "indeks kemiskinan";
  ``potential_agriculture`` becomes "potensi: Pertanian pangan");
* True/False as "ya"/"tidak" ("yes"/"no"), and a missing value (NaN, None) as "–";
* code values as the glossary's words (:mod:`planning.i18n.glossary`): sector and
  dimension codes ("agriculture" -> "Pertanian pangan"), how often ("always" ->
  "selalu"), where a number comes from ("assumption" -> "asumsi"), the plans ("greedy" ->
  "serakah"), indicator kinds, village types, units;
* only the run's language of a pair of columns such as ``typology_id`` / ``typology_en``.

Numbers stay numbers, names stay names: a value that is not a known code is shown as it
is. ::

    from planning.report.display import shown
    shown(result.table, "id")
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from planning import i18n
from planning.i18n.glossary import coded, known, term

#: header families tried in order: the workbook's column names, then the score report's,
#: the robustness and alternatives tables'
HEADER_PREFIXES = ("column.", "col.", "robustness.column.", "alternatives.column.",
                   "lang.column.")
#: columns whose name comes from another key than their own
HEADER_KEYS = {"typology": "col.cluster", "data_status": "lang.column.data_status"}
#: column name -> the glossary families its values may come from, in order
VALUE_FAMILIES = {
    "stability": ("frequency",), "class": ("frequency",),
    "dimension": ("dimension",), "group": ("dimension", "sector"),
    "sector": ("sector",), "top_group": ("dimension", "sector"),
    "cost_status": ("status",), "pagu_status": ("status",),
    "status": ("status", "change", "solve"), "source": ("curve_source",),
    "neighbourhood": ("neighbourhood",),
    "type": ("type",), "unit": ("unit",), "plan": ("plan",),
    "index": ("index",), "status_2020": ("source",),
    "kind": ("kind", "entry"), "focus_reason": ("focus",),
}
#: columns of indicator codes, shown as the data set's indicator names
INDICATOR_COLUMNS = ("indicator", "need_indicator")
#: families a column of another name is read in, when every value is one family's code
ANY_COLUMN = ("frequency", "plan", "status", "dimension", "sector", "change")
#: prefixes of per-dimension and per-sector columns (``deprived_water``)
PER_GROUP = {"potential_": "potential", "deprived_": "deprived", "removed_": "removed",
             "after_": "after", "change_": "change_in"}


def _catalogued(key: str, lang: str) -> str | None:
    """The column name of ``key`` from the catalogue, or None."""
    for prefix in HEADER_PREFIXES:
        label = i18n.MESSAGES.get(prefix + key)
        if label is not None and "{" not in label[0] + label[1]:
            return i18n.text(prefix + key, lang)
    return None


def header(key: object, lang: str = i18n.DEFAULT_LANGUAGE) -> object:
    """The planners' name of the column ``key`` in ``lang``; a name that is not a
    snake_case key of the catalogue (already a label, a number) is returned as it is."""
    if not isinstance(key, str):
        return key
    if key in HEADER_KEYS:
        return i18n.text(HEADER_KEYS[key], lang)
    found = _catalogued(key, lang)
    if found is not None:
        return found
    for other in i18n.LANGUAGES:
        base = key.removesuffix(f"_{other}")
        if base != key and base:
            return _catalogued(base, lang) or header(base, lang)
    for prefix, base in PER_GROUP.items():
        code = key.removeprefix(prefix)
        if code != key and (known("dimension", code) or known("sector", code)):
            family = "dimension" if known("dimension", code) else "sector"
            return f"{header(base, lang)}: {term(f'{family}.{code}', lang)}"
    return key


def _families(column: object, values: pd.Series) -> tuple[str, ...]:
    """The glossary families of the values of ``column`` (empty: show them as they are)."""
    if isinstance(column, str) and column in VALUE_FAMILIES:
        return VALUE_FAMILIES[column]
    codes = {v for v in values if isinstance(v, str)}
    if not codes:
        return ()
    for family in ANY_COLUMN:
        if all(known(family, code) for code in codes):
            return (family,)
    return ()


def _value(value: object, families: tuple[str, ...], lang: str) -> object:
    """One cell: a code as its term, a flag as ya/tidak, a missing value as "–"."""
    if isinstance(value, str):
        for family in families:
            if known(family, value):
                return coded(family, value, lang)
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return term("flag.empty", lang)
    if isinstance(value, bool | np.bool_):
        return coded("flag", bool(value), lang)
    if isinstance(value, float) and math.isnan(value):
        return term("flag.empty", lang)
    return value


def _index(index: pd.Index, lang: str) -> pd.Index:
    """An index with its name(s) as headers and its code values as terms."""
    if isinstance(index, pd.RangeIndex):
        return index
    if isinstance(index, pd.MultiIndex):
        return index.set_names([header(n, lang) for n in index.names])
    families = _families(index.name, pd.Series(index))
    out = index.map(lambda v: _value(v, families, lang))
    return out.rename(header(index.name, lang))


def _twins(columns: list, lang: str) -> list:
    """The columns of the other language whose twin of ``lang`` is there too."""
    drop = []
    for column in columns:
        if not isinstance(column, str):
            continue
        for other in i18n.LANGUAGES:
            if other != lang and column.endswith(f"_{other}") and \
                    column.removesuffix(f"_{other}") + f"_{lang}" in columns:
                drop.append(column)
    return drop


def _lists(frame: pd.DataFrame, lang: str, data) -> pd.DataFrame:
    """Indicator codes as the data set's names (with ``data``), and the list cells of the
    why analysis in words: the binding rules, the indicators a village is poor by and the
    sectors its potential comes from."""
    from planning.report.analysis import binding_label

    names = {} if data is None else \
        data.indicator_metadata.set_index("indicator")[f"label_{lang}"].to_dict()

    def named(value: object, family: str | None = None) -> object:
        if family is not None:
            return coded(family, value, lang)
        return names.get(value, value) if isinstance(value, str) else value

    def listed(cell: object, family: str | None) -> object:
        if not isinstance(cell, list | tuple):
            return cell
        return ", ".join(str(named(item[0] if isinstance(item, tuple) else item, family))
                         for item in cell)

    out = {c: frame[c].map(named) for c in INDICATOR_COLUMNS if c in frame}
    if "binding" in frame:
        out["binding"] = frame["binding"].map(lambda b: binding_label(b, lang))
    for column, family in (("poor_by", None), ("potential_from", "sector")):
        if column in frame:
            out[column] = frame[column].map(lambda c, f=family: listed(c, f))
    return frame.assign(**out) if out else frame


def shown(frame: pd.DataFrame | pd.Series | None, lang: str = i18n.DEFAULT_LANGUAGE,
          data=None) -> pd.DataFrame | pd.Series | None:
    """``frame`` as planners read it in ``lang`` (see the module): a new table, the
    original is not changed. A Series is shown like one column of a table; None stays
    None (an analysis that was not run). ``data``: the :class:`~planning.data.DataSet`,
    whose indicator names replace the indicator codes of an ``indicator`` column."""
    i18n.check_language(lang)
    if frame is None:
        return None
    if isinstance(frame, pd.DataFrame):
        frame = _lists(frame, lang, data)
    if isinstance(frame, pd.Series):
        families = _families(frame.name, frame)
        out = frame.map(lambda v: _value(v, families, lang))
        out.index = _index(frame.index, lang)
        return out.rename(header(frame.name, lang))
    kept = frame.drop(columns=_twins(list(frame.columns), lang))
    data = {}
    for at, column in enumerate(kept.columns):
        values = kept.iloc[:, at]
        families = _families(column, values)
        data[at] = values.map(lambda v, f=families: _value(v, f, lang))
    out = pd.DataFrame(data, index=_index(kept.index, lang))
    out.columns = [header(c, lang) for c in kept.columns]
    return out

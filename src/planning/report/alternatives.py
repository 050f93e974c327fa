"""The near-optimal alternatives for people (issue 15): the translated tables of the
``Alternatif`` sheet and the sheet itself, from an
:class:`~planning.analysis.alternatives.Alternatives`.

Headers come from the catalogue (``alternatives.column.*``) in the run's language, the
paragraphs from :func:`planning.analysis.alternatives.summary` and
:func:`~planning.analysis.alternatives.overview`. Money in juta Rp, shares 0-1 (shown as
percentages in the workbook).
"""

from __future__ import annotations

import pandas as pd

from planning import i18n
from planning.analysis.alternatives import (
    Alternatives,
    choices_table,
    differences_table,
    overview,
    summary,
    summary_table,
)

#: the columns of each table, in order (keys of ``alternatives.column.*``)
SUMMARY_COLUMNS = ["rank", "objective", "bound", "gap", "status", "share_below_best",
                   "distance_to_best", "choices_added", "choices_removed", "moved",
                   "paragraph"]
AGENCY_COLUMNS = ["rank", "agency", "agency_name", "choices_added", "choices_removed",
                  "villages_gained", "villages_lost", "cost_best", "cost_alternative",
                  "cost_added", "cost_removed", "moved"]
CHOICE_COLUMNS = ["rank", "change", "village", "village_name", "program", "agency",
                  "units_best", "units_alternative", "cost_best", "cost_alternative"]
CORE_COLUMNS = ["village", "village_name", "program", "agency", "units", "cost"]
#: workbook number formats of the columns that are not plain numbers or text
KINDS = {"rank": "int", "gap": "gap", "share_below_best": "share", "distance_to_best": "int",
         "choices_added": "int", "choices_removed": "int", "villages_gained": "int",
         "villages_lost": "int", "units": "int", "units_best": "int",
         "units_alternative": "int", "objective": "num", "bound": "num"}


def header(key: str, lang: str) -> str:
    """The catalogue's header of column ``key`` in ``lang``."""
    return i18n.text(f"alternatives.column.{key}", lang)


def alternatives_frames(alts: Alternatives, lang: str = i18n.DEFAULT_LANGUAGE
                        ) -> dict[str, pd.DataFrame]:
    """The tables of the Alternatif sheet with headers in ``lang``: ``summary`` (one row
    per alternative, with its paragraph), ``agencies`` (per alternative and agency),
    ``choices`` (per alternative and changed choice) and ``core``."""
    frames = _frames(alts, lang)
    return {name: frame.rename(columns={c: header(c, lang) for c in frame.columns})
            for name, frame in frames.items()}


def _frames(alts: Alternatives, lang: str) -> dict[str, pd.DataFrame]:
    villages = alts.labels.get("village", {})
    agencies = alts.labels.get("agency", {})
    top = summary_table(alts)
    top["paragraph"] = [summary(a, lang, alts.labels) for a in alts.alternatives]
    top["status"] = top["status"].astype(str)
    diff = differences_table(alts)
    diff["agency_name"] = [agencies.get(a, a) for a in diff["agency"]]
    changed = choices_table(alts)
    changed["change"] = [i18n.text(f"alternatives.change.{c}", lang) for c in changed["change"]]
    changed["village_name"] = [villages.get(v, v) for v in changed["village"]]
    core = alts.core.assign(village_name=[villages.get(v, v) for v in alts.core["village"]])
    return {"summary": top[SUMMARY_COLUMNS], "agencies": diff[AGENCY_COLUMNS],
            "choices": changed[CHOICE_COLUMNS], "core": core[CORE_COLUMNS]}


def _spec(frame: pd.DataFrame, lang: str) -> list:
    out = []
    for col in frame.columns:
        if col in KINDS:
            kind = KINDS[col]
        elif pd.api.types.is_numeric_dtype(frame[col]):
            kind = "money" if col.startswith(("cost", "moved")) or col == "cost" else "num"
        else:
            kind = "text"
        out.append((col, header(col, lang), kind))
    return out


def write_alternatives_sheet(book, alts: Alternatives) -> None:
    """The ``Alternatif`` sheet of the planners' workbook (``book``: the workbook module's
    ``_Book``): the overview paragraph, one row per alternative, the differences per
    agency, the changed choices and the core."""
    lang = book.lang
    name = i18n.text("alternatives.sheet", lang)
    ws = book.add(name)
    row = book.heading_row(ws, book.top, name, book.title)
    book.paragraph(ws, row, overview(alts, lang))
    frames = _frames(alts, lang)
    paragraphs = list(frames["summary"]["paragraph"])
    for at, paragraph in enumerate(paragraphs, start=row + 1):
        book.paragraph(ws, at, paragraph)
    row += len(paragraphs) + 2
    frames["summary"] = frames["summary"].drop(columns="paragraph")
    for key in ("summary", "agencies", "choices", "core"):
        frame = frames[key]
        row = book.heading_row(ws, row, i18n.text(f"alternatives.title.{key}", lang))
        row = book.table(ws, frame, _spec(frame, lang), row=row, freeze=False,
                         autofilter=False)

"""Sheet names, column headers and the few sentences of the planners' workbook, the
figures and the maps, in Bahasa Indonesia (default) and English: the catalogue's
``sheet.*``, ``column.*`` and ``label.*`` texts (:mod:`planning.i18n`), and the label of a
plan that is not proven optimal. The layout of the Alokasi sheet, which the round-trip
reader depends on, is fixed here."""

from __future__ import annotations

import pandas as pd

from planning import i18n

# --- the Alokasi sheet: the round-trip reader depends on this exact layout -------------
ALLOCATION_SHEET = {"id": "Alokasi", "en": "Allocation"}
ALLOCATION_COLUMNS = ["village_code", "village", "kecamatan", "program_code", "program",
                      "agency", "units", "cost", "households_reached", "lock"]
ALLOCATION_HEADERS = {
    "id": ["kode_desa", "desa", "kecamatan", "kode_program", "program", "lembaga", "unit",
           "biaya (juta Rp)", "penerima manfaat", "kunci"],
    "en": ["village_code", "village", "kecamatan", "program_code", "programme", "agency",
           "units", "cost (Rp million)", "households reached", "lock"],
}
LOCK_CHOICES = {"id": ["ya", "tidak"], "en": ["yes", "no"]}





def column(key: str, lang: str) -> str:
    """A column header."""
    return i18n.text(f"column.{key}", lang)


def sheet(key: str, lang: str) -> str:
    """A sheet name."""
    return i18n.text(f"sheet.{key}", lang)


def sheet_keys() -> list[str]:
    """The key of every sheet name of the catalogue (``sheet.<key>``)."""
    return sorted(k.removeprefix("sheet.") for k in i18n.MESSAGES if k.startswith("sheet."))


def words(key: str, lang: str, **params: object) -> str:
    """A label or sentence, with ``params`` filled in."""
    return i18n.text(f"label.{key}", lang, **params)


def plan_label(report, lang: str = i18n.DEFAULT_LANGUAGE, reason: bool = True) -> str:
    """The plain label of a plan that is not proven optimal ("rencana terbaik yang
    ditemukan, belum terbukti optimal: selisih tersertifikasi 4,71 % (...)"), for the
    console, summary, workbook and figure titles; "" for a proven plan. ``report``: a
    SolveReport or its summary dict; ``reason``: say what stopped the solver (figure
    titles leave it out)."""
    get = report.get if isinstance(report, dict) else lambda k: getattr(report, k, None)
    if get("status") != "feasible":
        return ""
    gap = get("gap")
    label = i18n.text("model.not_proven", lang,
                 gap=i18n.percent(gap, lang, 2) if gap is not None else "-")
    if not reason:
        return label
    why = i18n.text(f"model.stopped.{get('stopped_by') or 'error'}", lang,
               nodes=i18n.number(get("node_limit") or 0, lang),
               seconds=i18n.number(get("time_limit") or 0, lang))
    return f"{label} ({why})"


def named_plan(plan: pd.DataFrame, programs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The model's plan table (language-neutral) with ``program_name``, the programme's
    name in ``lang`` (``name_id`` or ``name_en`` of programs.csv), right after
    ``program``: the plan as the CSV file and the workbook show it."""
    names = programs.set_index("code")[f"name_{i18n.check_language(lang)}"]
    out = plan.copy()
    out.insert(out.columns.get_loc("program") + 1, "program_name",
               plan["program"].map(names))
    return out

"""The glossary: one word per planner term, in Bahasa Indonesia and English.

Every term is a ``term.*`` message of the catalogues (:mod:`planning.i18n`), so a
translator edits it where every other text is. Families:

* ``term.plan.<code>``: the plans a run compares (``optimal``, ``greedy``,
  ``equal_split``, ``balanced``, ``efficient``);
* ``term.frequency.<code>``: how often, for the stability of a focus village and the
  robustness class of a programme in a village (``always``, ``often``, ``sometimes``,
  ``never``);
* ``term.flag.<code>``: a yes/no cell (``true``, ``false``) and an empty one (``empty``);
* ``term.status.<code>``: where a number comes from (``real``, ``derived``,
  ``assumption``, ``synthetic``);
* ``term.index.<code>``: the two indices (``poverty``, ``potential``);
* ``term.kind.<code>``, ``term.type.<code>``, ``term.unit.<code>``: an indicator's kind,
  a village's type, a unit;
* ``term.dimension.<code>``, ``term.sector.<code>``: the poverty dimensions and economic
  sectors of the shipped data set (the same words as ``data/buleleng/groups.csv``);
* ``term.change.<code>``: what happened to an agency in a village between two plans;
* ``term.focus.<code>``: why a village is not a focus village (``below``,
  ``kelurahan``, ``forced_out``);
* ``term.entry.<code>``: an item of the why analysis (``program``, ``village``);
* ``term.source.<code>``: how a source names a 2020 focus village (``status`` of
  ``focus_villages_2020.csv``);
* ``term.word.<name>``: the words of the trade (lembaga, pagu, desa fokus, deprivasi,
  selisih, harga pemerataan, ...), the one word every text uses.

:func:`term` gives a term; :func:`coded` turns a code value of a table (``agriculture``,
``always``, ``assumption``, True) into its term and leaves a value it does not know as it
is. ``python -m planning.i18n.glossary`` prints the glossary page (``docs/glossary.md``).
"""

from __future__ import annotations

import math

import numpy as np

from planning.i18n import DEFAULT_LANGUAGE, MESSAGES, check_language, text

PREFIX = "term."
FAMILIES = {
    "plan": "Plans / Rencana",
    "frequency": "How often / Seberapa sering",
    "flag": "Cells / Sel",
    "status": "Where a number comes from / Asal angka",
    "index": "Indices / Indeks",
    "kind": "Indicator kinds / Jenis indikator",
    "type": "Village types / Jenis desa",
    "unit": "Units / Satuan",
    "dimension": "Poverty dimensions / Dimensi kemiskinan",
    "sector": "Economic sectors / Sektor ekonomi",
    "change": "Between two plans / Antara dua rencana",
    "focus": "Why not a focus village / Mengapa bukan desa fokus",
    "entry": "Items of the why analysis / Butir analisis mengapa",
    "solve": "How a plan was solved / Status penyelesaian rencana",
    "curve_source": "Where a budget curve point's plan comes from / Asal rencana titik "
                    "kurva anggaran",
    "neighbourhood": "What the marginal value of a pagu keeps of today's plan / Yang "
                     "dipertahankan nilai marjinal pagu dari rencana hari ini",
    "source": "The 2020 focus villages in their source / Desa fokus 2020 di sumbernya",
    "word": "Words of the trade / Istilah",
}
"""Each family of terms and its heading on the glossary page."""


def terms(family: str | None = None) -> list[str]:
    """The key of every term (without ``term.``), sorted; only ``family``'s when given."""
    keys = sorted(k.removeprefix(PREFIX) for k in MESSAGES if k.startswith(PREFIX))
    return keys if family is None else [k for k in keys if k.split(".")[0] == family]


def term(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The glossary's word for ``key`` in ``lang``: ``term("plan.greedy")`` is "serakah",
    ``term("plan.greedy", "en")`` "greedy". An unknown key raises KeyError."""
    return text(PREFIX + key, lang)


def known(family: str, code: object) -> bool:
    """Whether ``code`` has a term in ``family``."""
    return isinstance(code, str) and f"{PREFIX}{family}.{code}" in MESSAGES


def coded(family: str, code: object, lang: str = DEFAULT_LANGUAGE) -> object:
    """The term of the code value ``code`` in ``family`` (``coded("sector",
    "agriculture")`` is "Pertanian pangan"); a flag (True/False) gives "ya"/"tidak", a
    missing value (None, NaN) the empty cell "–"; a code without a term is returned as it
    is (a data set may bring its own codes)."""
    check_language(lang)
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return term("flag.empty", lang)
    if isinstance(code, bool | np.bool_):
        return term(f"flag.{str(bool(code)).lower()}", lang)
    return term(f"{family}.{code}", lang) if known(family, code) else code


def markdown() -> str:
    """The glossary page: every term, its key and its word in both languages."""
    lines = ["# Glossary / Daftar istilah", "",
             "One word per term, used in every output, message, workbook and notebook "
             "table. The words live in the message catalogues (`term.*` keys of "
             "`src/planning/i18n/locale/<lang>/LC_MESSAGES/planning.po`); "
             "`planning.i18n.glossary.term(key, lang)` gives one, and "
             "`planning.report.display.shown(frame, lang)` uses them for notebook tables. "
             "This page is written by `python -m planning.i18n.glossary > docs/glossary.md`; "
             "a test fails when it differs.", "",
             "Satu kata untuk setiap istilah, dipakai di semua keluaran, pesan, buku kerja "
             "dan tabel notebook.", "",
             "The CSV files of a results folder are tables for programs as well as "
             "people: their headers are snake_case names, and their code columns "
             "(`stability`, `plan`, `dimension`, `group`, `cost_status`, `selected`, ...) "
             "hold the codes below (the `key` without its family), so that other tools "
             "read them back; their text columns (`reason`, `data_status`, "
             "`program_name`, `typology_id` / `typology_en`) are in the run's language. "
             "The workbook, the console and the notebook tables show the words.", ""]
    for family, heading in FAMILIES.items():
        keys = terms(family)
        if not keys:
            continue
        lines += [f"## {heading}", "", "| key | Bahasa Indonesia | English |",
                  "|---|---|---|"]
        lines += [f"| `{key}` | {term(key, 'id')} | {term(key, 'en')} |" for key in keys]
        lines.append("")
    return "\n".join(lines)



if __name__ == "__main__":  # pragma: no cover - the page is checked by tests/test_language.py
    print(markdown(), end="")

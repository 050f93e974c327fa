"""The paragraphs of "why and why not" (:mod:`planning.analysis.rakor.why`), in Bahasa
Indonesia or English, from the facts of its tables (every number through
:func:`planning.i18n.number` and :func:`planning.i18n.percent`)."""

from __future__ import annotations

import math

import pandas as pd

from planning import i18n

#: how many programmes and receiving villages a paragraph names
SHOWN = 4


def names(ds, instance) -> dict:
    """Labels in both languages: village, kecamatan, agency (short name), programme,
    indicator, sector and dimension names, and each dimension's unit."""
    meta = ds.indicator_metadata.set_index("indicator")
    groups = ds.groups.set_index("group")
    programs = ds.programs.set_index("code")
    units = {d: str(meta["unit"].get(i, "")) for d, i in
             zip(ds.dimensions["group"], ds.dimensions["count_indicator"], strict=True)}
    out = {"village": ds.villages.set_index("code")["name"].to_dict(),
           "kecamatan": ds.villages.set_index("code")["kecamatan"].to_dict(),
           "agency": ds.agencies.set_index("code")["short_name"].to_dict(), "unit": units}
    for lang in i18n.LANGUAGES:
        out[f"program_{lang}"] = programs[f"name_{lang}"].to_dict()
        out[f"unit_{lang}"] = programs[f"unit_{lang}"].to_dict()
        out[f"indicator_{lang}"] = meta[f"label_{lang}"].to_dict()
        out[f"group_{lang}"] = groups[f"label_{lang}"].to_dict()
    return out


def _money(value: float, lang: str) -> str:
    return i18n.number(value, lang, 1 if abs(value - round(value)) > 0.05 else 0)


def _listed(items: list[str]) -> str:
    return ", ".join(items)


def rule_phrase(rule: tuple, n: dict, lang: str) -> str:
    """One binding rule (rule, subject, value, limit) in words."""
    name, subject, value, limit = rule
    shown = {"subject": subject, "agency": n["agency"].get(subject, subject),
             "value": _money(value, lang), "limit": _money(limit, lang)}
    if name in ("need_cap", "max_units", "capacity"):
        shown["subject"] = n[f"program_{lang}"].get(subject, subject)
        shown["value"] = i18n.number(value, lang)
    elif name == "saturation":
        shown["subject"] = n[f"group_{lang}"].get(subject, subject)
        shown["limit"] = i18n.number(limit, lang)
        shown["unit"] = i18n.text(f"equity.unit.{n['unit'].get(subject, 'households')}", lang)
    elif name == "coverage":
        shown["value"] = i18n.number(value, lang)
    return i18n.text(f"why.rule.{name}", lang, **shown)


def village_paragraph(row, n: dict, lang: str) -> str:
    """The paragraph of one village (a row of ``WhyResult.villages``)."""
    base = {"name": row.name, "kecamatan": row.kecamatan}
    scores = ""
    if row.poor_by and row.potential_from:
        parts = {"potential": i18n.number(row.potential_index, lang, 3),
                 "poor": _listed([f"{n[f'indicator_{lang}'].get(k, k)} "
                                  f"({i18n.percent(s, lang, 0)})" for k, s in row.poor_by]),
                 "sectors": _listed([f"{n[f'group_{lang}'].get(k, k)} "
                                     f"({i18n.percent(s, lang, 0)})"
                                     for k, s in row.potential_from])}
        scores = " " + (i18n.text("why.village.parts", lang, **parts) if not row.planned else
                        i18n.text("why.village.scores", lang, **parts, rank=row.rank_in_kecamatan,
                                  poverty=i18n.number(row.poverty_index, lang, 3)))
    if not row.planned:
        if row.focus:
            return i18n.text("why.village.not_planned", lang, **base) + scores
        if row.focus_reason != "below":
            return i18n.text("why.village.not_chosen", lang, **base, reason=i18n.text(
                f"reason.{row.focus_reason}", lang)) + scores
        return i18n.text("why.village.not_focus", lang, **base,
                         poverty=i18n.number(row.poverty_index, lang, 3),
                         rank=row.rank_in_kecamatan,
                         threshold=i18n.number(row.focus_threshold, lang, 3)) + scores
    if not row.in_plan:
        return i18n.text("why.village.nothing", lang, **base) + scores
    programmes = sorted(row.programmes, key=lambda p: -p[2])
    shown = [f"{n[f'program_{lang}'].get(p, p)}: {i18n.number(u, lang)} "
             f"{i18n.noun_for(n[f'unit_{lang}'].get(p, ''), u, lang)} "
             f"(Rp {_money(c, lang)} juta)"
             for p, u, c in programmes[:SHOWN]]
    if len(programmes) > SHOWN:
        shown.append("…")
    parts = [i18n.text("why.village.received", lang, **base, n=len(programmes),
                       cost=_money(row.received_cost, lang), programmes=_listed(shown))
             + scores]
    if row.binding:
        parts.append(i18n.text("why.village.rules", lang, rules="; ".join(
            rule_phrase(r, n, lang) for r in row.binding)))
    else:
        parts.append(i18n.text("why.village.no_rules", lang))
    if row.loss_low == row.loss_low:  # re-planned without it
        parts.append(i18n.text(
            "why.village.loss" if row.loss_low >= 0 else "why.village.loss_unclear", lang,
            low=i18n.number(row.loss_low, lang, 1),
            high=i18n.number(row.loss_high, lang, 1),
            low_pct=i18n.percent(row.loss_low_pct / 100, lang, 1),
            high_pct=i18n.percent(row.loss_high_pct / 100, lang, 1)))
        if row.gains:
            parts.append(i18n.text("why.village.gains", lang, gains=_listed([
                f"{n['village'].get(v, v)} (+Rp {_money(g, lang)} juta)"
                for v, g in row.gains[:SHOWN]])))
    return " ".join(parts)


def _where(villages, n: dict, lang: str) -> list[str]:
    """The sentence naming the villages an entering programme would run in (or none)."""
    if not isinstance(villages, list) or not villages:
        return []
    return [i18n.text("why.entry.where", lang, villages=_listed(
        [n["village"].get(v, v) for v in villages]))]


def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def entry_paragraph(row, n: dict, lang: str) -> str:
    """The paragraph of one item left at zero (a row of ``WhyResult.entries``)."""
    if row.kind == "village":
        return i18n.text("why.village.nothing", lang, name=row.name,
                         kecamatan=n["kecamatan"].get(row.code, ""))
    if row.kind == "dimension":
        parts = [i18n.text("why.entry.dimension", lang, name=row.name)]
        if _given(row.weight):
            parts.append(i18n.text("why.entry.weight", lang, weight=i18n.number(
                row.weight, lang, 1), not_weight=i18n.number(row.not_at_weight, lang, 1)))
        elif _given(row.not_at_weight):
            parts.append(i18n.text("why.entry.weight_never", lang,
                                   limit=i18n.number(row.not_at_weight, lang, 1)))
        return " ".join(parts)
    agency = n["agency"].get(row.agency, row.agency)
    parts = [i18n.text("why.entry.program", lang, name=row.name, agency=agency,
                       reason=i18n.text(f"equity.reason.{row.reason}", lang))]
    if _given(row.cost_cut_pct):
        parts.append(i18n.text("why.entry.cost", lang,
                               cut=i18n.percent(row.cost_cut_pct / 100, lang, 0),
                               not_cut=i18n.percent(row.not_at_cost_cut_pct / 100, lang, 0)))
        parts += _where(row.cost_villages, n, lang)
    elif _given(row.not_at_cost_cut_pct):
        parts.append(i18n.text("why.entry.cost_never", lang))
    if _given(row.extra_pagu):
        parts.append(i18n.text("why.entry.pagu", lang, agency=agency,
                               extra=i18n.number(row.extra_pagu, lang),
                               not_extra=i18n.number(row.not_at_extra_pagu, lang)))
        parts += _where(row.pagu_villages, n, lang)
    elif _given(row.pagu_limit):
        parts.append(i18n.text("why.entry.pagu_never", lang, agency=agency,
                               limit=i18n.number(row.pagu_limit, lang)))
    return " ".join(parts)


def paragraphs(villages: pd.DataFrame, entries: pd.DataFrame, n: dict,
               lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables with their ``paragraph`` (and the entries' ``name``) in ``lang``."""
    i18n.check_language(lang)
    villages = villages.copy()
    villages["paragraph"] = [village_paragraph(r, n, lang)
                             for r in villages.itertuples(index=False)]
    entries = entries.copy()
    entries["name"] = [_entry_name(r, n, lang) for r in entries.itertuples(index=False)]
    entries["paragraph"] = pd.Series([entry_paragraph(r, n, lang) for r in
                                      entries.itertuples(index=False)], dtype=object)
    return villages, entries


def _entry_name(row, n: dict, lang: str) -> str:
    if row.kind == "program":
        return n[f"program_{lang}"].get(row.code, row.code)
    if row.kind == "dimension":
        return n[f"group_{lang}"].get(row.code, row.code)
    return n["village"].get(row.code, row.code)

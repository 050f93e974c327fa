"""``planning score``: score a data set with resolved settings and build what a planner reads.

The files of the results folder (written atomically by :mod:`planning.pipeline.scores`,
and byte-identical on a re-run with the same inputs; no timestamps):

* ``village_scores.csv``: one row per village (``ScoreResult.table``);
* ``focus_2020_comparison.csv``: our picks next to the real 2020 focus villages
  (:mod:`planning.scoring.compare`);
* ``scores_summary.json``: the settings, the method details, input SHA-256, counts, overlap;
* ``laporan_skor.md`` (Bahasa Indonesia) or ``score_report.md`` (English): the method, the
  picks, the typology, the stability and the 2020 comparison, in words and tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from planning import i18n
from planning.config.options import Resolved
from planning.data import DataSet
from planning.data.summary import synthetic_note
from planning.i18n import text
from planning.i18n.glossary import coded, term
from planning.report.folder import csv_bytes, json_bytes
from planning.scoring import ScoreResult, ScoringError, score
from planning.scoring.compare import compare_2020, overlap_by_kecamatan
from planning.scoring.focus import reason
from planning.scoring.stability import ALWAYS, NEVER, SPREAD
from planning.scoring.typology import MAX_SHARE, MIN_SHARE, N_INIT

REPORT_NAMES = {"id": "laporan_skor.md", "en": "score_report.md"}
REFERENCE = "focus_villages_2020.csv"


def number(value: float, lang: str, digits: int = 3) -> str:
    """A number for reading: decimal comma in Bahasa Indonesia."""
    return i18n.number(value, lang, digits)


def percent(share: float, lang: str) -> str:
    return i18n.percent(share, lang, 1)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _columns(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    """A plain-text table with aligned columns, for the console."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    fmt = lambda row: indent + "  ".join(  # noqa: E731
        str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
    return [fmt(header), *(fmt(r) for r in rows)]


@dataclass(frozen=True)
class ScoreReport:
    dataset: DataSet
    resolved: Resolved
    result: ScoreResult
    comparison: pd.DataFrame | None  # see planning.scoring.compare
    lang: str

    # ------------------------------------------------------------------ pieces
    @property
    def report_name(self) -> str:
        return REPORT_NAMES[self.lang]

    @cached_property
    def overlap(self) -> pd.DataFrame | None:
        return None if self.comparison is None else overlap_by_kecamatan(self.comparison)

    @cached_property
    def selection(self) -> pd.DataFrame:
        """The selection table with the score table's columns, by kecamatan and rank."""
        extra = [c for c in ("typology", "typology_id", "typology_en",
                             "selection_frequency", "stability") if c in self.result.table]
        return self.result.selection.table.merge(
            self.result.table[["code", *extra]], on="code", how="left", validate="1:1")

    @cached_property
    def _group_labels(self) -> dict[str, str]:
        """Dimension and sector names in the report's language (from groups.csv)."""
        groups = self.dataset.groups
        return dict(zip(groups["group"], groups[f"label_{self.lang}"], strict=True))

    def _typology_label(self, row: pd.Series) -> str:
        return row["typology_id"] if self.lang == "id" else row["typology_en"]

    def _stability(self, row: pd.Series) -> tuple[str, ...]:
        """Selection frequency and stability class; nothing when stability was not run."""
        if self.result.stability is None:
            return ()
        return (percent(row["selection_frequency"], self.lang),
                term(f"frequency.{row['stability']}", self.lang))

    def _header(self, *columns: str) -> list[str]:
        """Column headers; the stability columns only when stability was run."""
        skip = () if self.result.stability is not None else ("frequency", "stability")
        return [text(f"col.{c}", self.lang) for c in columns if c not in skip]

    def _rule(self) -> str:
        focus = self.resolved.settings.focus
        if focus.rule == "blend":
            return text("rule.blend", self.lang, p=number(1 - focus.alpha, self.lang, 2),
                        q=number(focus.alpha, self.lang, 2), per=focus.per_kecamatan)
        return text("rule.poverty", self.lang, per=focus.per_kecamatan)

    def _kelurahan(self) -> str:
        key = "in" if self.resolved.settings.focus.include_kelurahan else "out"
        return text(f"rule.kelurahan_{key}", self.lang)

    def _clusters(self) -> str:
        types = self.result.typology
        labels = types.label_id if self.lang == "id" else types.label_en
        first = labels.groupby(types.cluster).first()
        return "; ".join(f"{c} {first[c]} ({n})" for c, n in types.sizes.items())

    def _stability_counts(self) -> dict[str, int]:
        picked = self.result.table[self.result.table["selected"]]
        counts = picked["stability"].value_counts() if "stability" in picked else {}
        return {s: int(counts.get(s, 0)) for s in ("always", "sometimes", "never")}

    # ------------------------------------------------------------------ console
    def console(self) -> list[str]:
        lang, table = self.lang, self.selection
        chosen = table[table["selected"]]
        lines = [text("score.heading", lang, n=len(chosen), rule=self._rule(),
                      kelurahan=self._kelurahan())]
        header = self._header("kecamatan", "rank", "code", "name", "poverty", "typology",
                              "frequency", "stability")
        rows = [[r["kecamatan"] if r["rank_in_kecamatan"] == first else "",
                 str(r["rank_in_kecamatan"]), r["code"], r["name"],
                 number(r["poverty_index"], lang), self._typology_label(r),
                 *self._stability(r)]
                for first, (_, r) in zip(chosen.groupby("kecamatan_code")[
                    "rank_in_kecamatan"].transform("min"), chosen.iterrows(), strict=True)]
        lines += _columns(header, rows)
        lines += self.result.selection.notes(lang)
        lines.append(text("score.typology", lang, k=self.result.typology.k,
                          criterion=text(f"criterion.{self.result.typology.criterion}", lang),
                          clusters=self._clusters()))
        lines.append(self._stability_line())
        lines.append(self._overlap_line())
        return lines

    def _stability_line(self) -> str:
        settings = self.resolved.settings
        if not settings.draws:
            return text("score.no_stability", self.lang)
        counts = self._stability_counts()
        return text("score.stability", self.lang, draws=settings.draws,
                    spread=round(100 * SPREAD), n=sum(counts.values()), **counts)

    def _overlap_line(self) -> str:
        if self.comparison is None:
            return text("score.no_reference", self.lang)
        totals = self.overlap[["overlap", "identified_2020", "unidentified_2020"]].sum()
        return text("score.overlap", self.lang, overlap=int(totals["overlap"]),
                    identified=int(totals["identified_2020"]),
                    unidentified=int(totals["unidentified_2020"]))

    # ------------------------------------------------------------------ summary (JSON)
    def summary(self) -> dict:
        ds, result, resolved = self.dataset, self.result, self.resolved
        table, types = result.table, result.typology
        picked = table[table["selected"]]
        scenario = resolved.scenario
        summary = {
            "command": "score",
            "dataset": resolved.data.as_posix(),
            "scenario": scenario.path.as_posix() if scenario else None,
            "settings": resolved.settings.model_dump(mode="json"),
            "settings_from_options": sorted(resolved.options.values()),
            "method": {
                "poverty_weights": _rounded(result.poverty.weights),
                "potential_weights": _rounded(result.potential.weights),
                "stability": {"spread": SPREAD, "always_at_least": ALWAYS,
                              "never_at_most": NEVER},
                "typology": {
                    "k": types.k, "criterion": types.criterion,
                    "silhouette": {str(k): round(v, 6) for k, v in types.silhouette.items()},
                    "balanced": {str(k): v for k, v in types.balanced.items()},
                    "min_share": MIN_SHARE, "max_share": MAX_SHARE, "n_init": N_INIT,
                    "clusters": {str(c): {"villages": int(n),
                                          "label_id": types.label_id[types.cluster == c].iloc[0],
                                          "label_en": types.label_en[types.cluster == c].iloc[0]}
                                 for c, n in types.sizes.items()},
                },
            },
            "input_sha256": ds.file_hashes,
            "data_status": synthetic_note(ds, "en"),
            "synthetic_indicators": ds.synthetic_indicators(),
            "counts": {
                "villages": len(table),
                "kecamatan": int(table["kecamatan_code"].nunique()),
                "kelurahan": int((table["type"] == "kelurahan").sum()),
                "eligible": int(result.selection.table["eligible"].sum()),
                "selected": len(picked),
                "selected_by_kecamatan": picked.groupby("kecamatan_code").size().to_dict(),
                "stability_of_selected": self._stability_counts(),
            },
            "focus_villages": picked["code"].tolist(),
            "shortfalls": result.selection.notes("en"),
        }
        if result.stability is not None:
            rho = result.stability.spearman
            summary["spearman_poverty_ranking"] = {"mean": round(float(rho.mean()), 6),
                                                   "min": round(float(rho.min()), 6)}
        if self.comparison is not None:
            by_kec = self.overlap.set_index("kecamatan_code")
            summary["overlap_2020"] = {
                "note": "per-village indicators are synthetic: the overlap is information, "
                        "not a target",
                "overlap": int(by_kec["overlap"].sum()),
                "identified_2020": int(by_kec["identified_2020"].sum()),
                "unidentified_2020": int(by_kec["unidentified_2020"].sum()),
                "by_kecamatan": {code: {k: int(v) for k, v in row.items() if k != "kecamatan"}
                                 for code, row in by_kec.iterrows()},
                "overlap_villages": self.comparison.loc[self.comparison["both"],
                                                        "code"].tolist(),
            }
        return summary

    # ------------------------------------------------------------------ report (Markdown)
    def markdown(self) -> str:
        lang, ds = self.lang, self.dataset
        t = lambda key, **kw: text(key, lang, **kw)  # noqa: E731
        lines = [f"# {t('md.title')}", "",
                 t("md.data", path=self.resolved.data.as_posix(), villages=len(ds.villages),
                   kecamatan=len(ds.kecamatan)), ""]
        if ds.synthetic_indicators():
            lines += [f"> {t('md.synthetic', n=len(ds.synthetic_indicators()))}", ""]
        lines += [f"## {t('md.method')}", "", *self._method_lines(), ""]
        lines += [f"## {t('md.focus')}", "", *self._focus_lines(), ""]
        lines += [f"## {t('md.typology')}", "", *self._typology_lines(), ""]
        lines += [f"## {t('md.stability')}", "", *self._stability_lines(), ""]
        lines += [f"## {t('md.compare')}", "", *self._compare_lines()]
        return "\n".join(lines).rstrip() + "\n"

    def _source(self) -> str:
        parts = []
        if self.resolved.scenario is not None:
            parts.append(text("md.source_file", self.lang,
                              file=self.resolved.scenario.path.as_posix()))
        if self.resolved.options:
            parts.append(text("md.source_options", self.lang,
                              options=", ".join(sorted(self.resolved.options.values()))))
        return "; ".join(parts) or text("md.source_default", self.lang)

    def _method_lines(self) -> list[str]:
        lang, settings, result = self.lang, self.resolved.settings, self.result
        out = [f"- {text('md.source', lang, source=self._source())}"]
        labels = self._group_labels
        for name, index, per in (("poverty", result.poverty, "dimension"),
                                 ("potential", result.potential, "sector")):
            chosen = getattr(settings, name)
            by_group = index.weights.groupby(index.groups[index.weights.index]).sum()
            weights = "; ".join(f"{labels.get(g, g)} {number(w, lang)}"
                                for g, w in by_group.items())
            out.append("- " + text("md.index", lang, name=text(f"md.{name}", lang),
                                   normalisation=chosen.normalisation,
                                   weighting=chosen.weighting,
                                   aggregation=chosen.aggregation,
                                   per=text(f"md.{per}", lang), weights=weights))
        out.append(f"- {text('md.formula', lang)}")
        focus = settings.focus
        forced = "".join(f"; {text(f'rule.forced_{k}', lang, codes=', '.join(codes))}"
                         for k, codes in (("in", focus.force_in), ("out", focus.force_out))
                         if codes)
        out.append("- " + text("md.focus_rule", lang, rule=self._rule(),
                               kelurahan=self._kelurahan(), forced=forced))
        if settings.draws:
            out.append("- " + text("md.stability_rule", lang, draws=settings.draws,
                                   low=number(1 - SPREAD, lang, 2),
                                   high=number(1 + SPREAD, lang, 2),
                                   always=round(100 * ALWAYS), never=round(100 * NEVER),
                                   seed=settings.seed))
        types = result.typology
        out.append("- " + text("md.typology_rule", lang, seed=settings.seed, n_init=N_INIT,
                               k=types.k, criterion=text(f"criterion.{types.criterion}", lang),
                               min_share=round(100 * MIN_SHARE),
                               max_share=round(100 * MAX_SHARE)))
        return out

    def _focus_lines(self) -> list[str]:
        lang, table = self.lang, self.selection
        chosen = table[table["selected"]]
        header = self._header("kecamatan", "rank", "code", "name", "poverty", "potential",
                              "margin", "typology", "frequency", "stability", "reason")
        rows = [[r["kecamatan"], r["rank_in_kecamatan"], r["code"], r["name"],
                 number(r["poverty_index"], lang), number(r["potential_index"], lang),
                 "" if pd.isna(r["margin"]) else number(r["margin"], lang),
                 self._typology_label(r), *self._stability(r), reason(r, lang)]
                for _, r in chosen.iterrows()]
        notes = [f"- {note}" for note in self.result.selection.notes(lang)]
        unit = text(f"md.priority_{self.resolved.settings.focus.rule}", lang)
        return [text("md.focus_intro", lang, n=len(chosen)) + " " + unit, "",
                *_table(header, rows),
                *(["", *notes] if notes else [])]

    def _typology_lines(self) -> list[str]:
        lang, types = self.lang, self.result.typology
        out = []
        if types.silhouette:
            header = self._header("k", "silhouette", "balanced")
            rows = [[k, number(s, lang), text("yes" if types.balanced.get(k) else "no", lang)
                     + (" ←" if k == types.k else "")] for k, s in types.silhouette.items()]
            out += [*_table(header, rows), ""]
        picked = self.result.table[self.result.table["selected"]]
        focus = picked["typology"].value_counts()
        labels = types.label_id if lang == "id" else types.label_en
        header = self._header("cluster", "label", "villages", "focus", "lift")
        rows = []
        for c, n in types.sizes.items():
            lift = types.lift.loc[c].sort_values(ascending=False, kind="stable").head(3)
            rows.append([c, labels[types.cluster == c].iloc[0], n, int(focus.get(c, 0)),
                         "; ".join(f"{self._group_labels.get(s, s)} {number(v, lang, 2)}"
                                   for s, v in lift.items())])
        return out + _table(header, rows)

    def _stability_lines(self) -> list[str]:
        lang, result = self.lang, self.result
        out = [self._stability_line()]
        if result.stability is None:
            return out
        rho = result.stability.spearman
        out += ["", text("md.spearman", lang, mean=number(rho.mean(), lang),
                         low=number(rho.min(), lang)), ""]
        table = self.selection
        near = table[~table["selected"] & (table["selection_frequency"] > NEVER)]
        never = round(100 * NEVER)
        if near.empty:
            return [*out, text("md.no_near_misses", lang, never=never)]
        near = near.sort_values(["kecamatan_code", "rank_in_kecamatan"], kind="stable")
        header = self._header("kecamatan", "rank", "code", "name", "frequency", "reason")
        rows = [[r["kecamatan"], r["rank_in_kecamatan"], r["code"], r["name"],
                 percent(r["selection_frequency"], lang), reason(r, lang)]
                for _, r in near.iterrows()]
        return [*out, text("md.near_misses", lang, never=never), "", *_table(header, rows)]

    def _compare_lines(self) -> list[str]:
        lang, comparison = self.lang, self.comparison
        if comparison is None:
            return [text("score.no_reference", lang)]
        overlap = self.overlap
        totals = overlap[["overlap", "identified_2020", "unidentified_2020", "in_2020"]].sum()
        out = [text("md.compare_intro", lang, unidentified=int(totals["unidentified_2020"]),
                    total=int(totals["in_2020"])), "",
               text("md.overlap_total", lang, overlap=int(totals["overlap"]),
                    identified=int(totals["identified_2020"])), ""]
        names = lambda frame: ", ".join(  # noqa: E731
            n or text("unidentified", lang) for n in frame["name"])
        rows = []
        for _, kec in overlap.iterrows():
            here = comparison[comparison["kecamatan_code"] == kec["kecamatan_code"]]
            rows.append([kec["kecamatan"], names(here[here["selected"]]),
                         names(here[here["in_2020"]]), kec["overlap"]])
        header = self._header("kecamatan", "ours", "picks_2020", "overlap")
        out += [*_table(header, rows), "", text("md.compare_villages", lang), ""]
        selection = self.selection.set_index("code")
        rows = []
        for _, r in comparison[comparison["in_2020"]].iterrows():
            if not r["code"]:
                rows.append([r["kecamatan"], text("unidentified", lang),
                             coded("source", r["status_2020"], lang),
                             *[""] * (len(self._header("frequency", "stability")) + 2)])
                continue
            row = selection.loc[r["code"]]
            note = text("note.picked_too", lang) if r["both"] else reason(row, lang)
            rows.append([r["kecamatan"], f"{r['name']} ({r['code']})",
                         coded("source", r["status_2020"], lang),
                         text("rank_of", lang, rank=r["rank_in_kecamatan"],
                              n=r["villages_in_kecamatan"]), *self._stability(row), note])
        header = self._header("kecamatan", "village_2020", "status_2020", "our_rank",
                              "frequency", "stability", "reason")
        return out + _table(header, rows)

    # ------------------------------------------------------------------ files
    def files(self) -> dict[str, bytes]:
        note = synthetic_note(self.dataset, self.lang)
        out = {"village_scores.csv": csv_bytes(self.result.table_in(self.lang).assign(
            data_status=note))}
        if self.comparison is not None:
            out["focus_2020_comparison.csv"] = csv_bytes(
                self.comparison.assign(data_status=note))
        out["scores_summary.json"] = json_bytes(self.summary())
        out[self.report_name] = self.markdown().encode("utf-8")
        return out


def _rounded(series: pd.Series) -> dict[str, float]:
    return {k: round(float(v), 6) for k, v in series.items()}


def score_report(ds: DataSet, resolved: Resolved, lang: str = "id") -> ScoreReport:
    """Score ``ds`` with ``resolved`` settings; a problem found with the data (an unknown
    village code, a weight for an unknown indicator) raises a SettingsError naming the
    option or scenario key."""
    try:
        result = score(ds, resolved.settings)
    except ScoringError as exc:
        raise resolved.explain(exc) from None
    reference = ds.reference.get(REFERENCE)
    comparison = None if reference is None else compare_2020(
        result.table_in(lang), reference, ds.kecamatan, lang)
    return ScoreReport(ds, resolved, result, comparison, lang)


# ---------------------------------------------------------------------- figures
#: one colour per kawasan type (matplotlib's tab10, by the type's number)
TYPE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def typology_figure(table: pd.DataFrame, lang: str = "id", note: str | None = None):
    """The villages by economic potential (x) and poverty (y), one colour per kawasan
    type with its name in a key beside the plot (not a colour scale: the types are
    categories), the focus villages ringed in black. ``table``: a score table
    (``ScoreResult.table``: potential_index, poverty_index, typology, typology_id,
    typology_en, selected); ``note``: the data-status line in small print (default: the
    SYNTHETIC note). A :class:`~planning.report.figures.Chart`: shown as an image in a
    notebook, its file with :func:`~planning.report.figures.png_bytes`."""
    from planning.report.figures import new_chart
    from planning.report.labels import words

    lang = i18n.check_language(lang)
    names = table.drop_duplicates("typology").sort_values("typology")
    fig = new_chart((9.0, 5.2))
    ax = fig.add_subplot()
    for position, (_, kind) in enumerate(names.iterrows()):
        members = table[table["typology"] == kind["typology"]]
        ax.scatter(members["potential_index"], members["poverty_index"], s=22,
                   color=TYPE_COLOURS[position % len(TYPE_COLOURS)], alpha=0.85,
                   linewidths=0, label=kind[f"typology_{lang}"], zorder=2)
    if "selected" in table:
        focus = table[table["selected"].astype(bool)]
        ax.scatter(focus["potential_index"], focus["poverty_index"], s=60,
                   facecolors="none", edgecolors="black", linewidths=1.0, zorder=3,
                   label=text("figure.typology.focus", lang))
    ax.set_xlabel(text("figure.typology.potential", lang))
    ax.set_ylabel(text("figure.typology.poverty", lang))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title=text("figure.typology.key", lang), loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8, title_fontsize=9,
              alignment="left")
    ax.set_title(text("figure.typology.title", lang), loc="left", fontsize=12)
    fig.text(0.01, 0.005, words("fig.synthetic", lang) if note is None else note,
             fontsize=8, color="#C00000", ha="left", va="bottom")
    fig.get_layout_engine().set(h_pad=0.25)
    return fig

"""Issue 16: every value a planner reads is in the run's language, with one glossary.

A baseline run in Bahasa Indonesia and one in English (the command line, as planners run
it), and ``planning compare`` between them. In each language: every text cell of every CSV
file, every string of the workbook and every line printed must hold no word of the other
language from a list of telling words, and no snake_case code. Codes are allowed where
programs read them back: a cell that is a glossary code (``greedy``, ``always``,
``housing``; the glossary page explains each), an identifier column (village, programme
and agency codes), and a column named for the other language (``typology_en``).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from planning.apps.cli import app
from planning.i18n import MESSAGES, text
from planning.i18n.glossary import FAMILIES, coded, known, markdown, term, terms
from planning.report import labels
from planning.report.analysis import binding_label
from planning.report.display import shown
from planning.report.labels import ALLOCATION_HEADERS

from .conftest import DATA, ROOT

#: words that tell an English text in an Indonesian output, and the other way round
TELLING = {
    "id": ["rank", "below", "cut", "always", "sometimes", "never", "often", "assumption",
           "greedy", "agriculture", "employment", "housing", "water", "sanitation",
           "income", "health", "true", "false", "nan", "none", "picked", "forced",
           "excluded", "synthetic", "derived", "warning", "spending", "village",
           "villages", "households", "agency", "the", "of", "and", "with", "see"],
    "en": ["serakah", "rakus", "selalu", "kadang", "pernah", "tidak", "asumsi", "pertanian",
           "perikanan", "peternakan", "perkebunan", "pariwisata", "perdagangan",
           "pekerjaan", "perumahan", "sanitasi", "pendapatan", "kesehatan", "ya", "dan",
           "dari", "yang", "rumah", "tangga", "anak", "rencana", "lembaga", "belanja",
           "sintetis", "peringkat", "bawah", "dipaksa", "lihat", "peringatan"],
}
PLACEHOLDER = re.compile(r"\{[^}]*\}")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: anything that looks like a path or a file name (paths may hold snake_case)
PATHS = re.compile(r"\S*[/\\]\S*|\S+\.(?:csv|json|xlsx|md|png|gpkg|yaml)\b")
#: columns of identifiers and proper names: read back by programs or names of places
IDENTIFIERS = {"code", "village", "program", "agency", "kecamatan_code", "programs",
               "indicator", "name", "village_name", "kecamatan", "agency_name",
               "short_name"}
#: workbook sheets written from the data set's own columns (sources, notes, codes) and
#: the provenance trace (scenario keys as written), and the hidden sheets the round trip
#: and the drop-down lists read (codes); the inputs sheet's coded columns: a test below
AS_WRITTEN = {"Input & Asumsi", "Inputs & Assumptions", "Meta", "_plan", "_lists"}


def foreign(value: str, lang: str) -> list[str]:
    """The telling words of the other language and the snake_case codes in ``value``."""
    plain = PATHS.sub(" ", value)
    words = set(re.findall(r"[^\W\d_]+", plain.lower()))
    return sorted(words & set(TELLING[lang]) | set(SNAKE.findall(plain)))


def a_code(value: str) -> bool:
    """A glossary code (its family's words are on the glossary page) or a flag."""
    return value in ("True", "False") or any(known(f, value) for f in FAMILIES)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Baseline runs in both languages (results folder, console output), and the
    console output of planning compare in each language."""
    base = tmp_path_factory.mktemp("language")
    runner = CliRunner()
    out = {}
    for lang in ("id", "en"):
        folder = base / lang
        result = runner.invoke(app, ["run", str(ROOT / "scenarios" / "baseline.yaml"),
                                     "--out", str(folder), "--lang", lang])
        assert result.exit_code == 0, result.output
        out[lang] = (folder, result.output)
    for lang in ("id", "en"):
        result = runner.invoke(app, ["compare", str(out["id"][0]), str(out["en"][0]),
                                     "--out", str(base / f"compare_{lang}"), "--lang", lang])
        assert result.exit_code == 0, result.output
        out[f"compare_{lang}"] = (base / f"compare_{lang}", result.output)
    return out


def names() -> set[str]:
    """Proper names of the data set: villages, kecamatan, agencies (Indonesian in both
    languages)."""
    villages = pd.read_csv(DATA / "villages.csv", dtype=str)
    agencies = pd.read_csv(DATA / "agencies.csv", dtype=str)
    return {*villages["name"], *villages["kecamatan"], *agencies["name"],
            *agencies["short_name"]} - {np.nan}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_csv_text_cells_are_in_the_runs_language(runs, lang):
    folder, _ = runs[lang]
    other = "en" if lang == "id" else "id"
    found = []
    for path in sorted(folder.glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in table.columns:
            if column in IDENTIFIERS or column.endswith(f"_{other}"):
                continue
            for value in table[column].unique():
                if value and not a_code(value) and foreign(value, lang):
                    found.append((path.name, column, value, foreign(value, lang)))
    assert found == []
    scores = pd.read_csv(folder / "village_scores.csv", dtype=str)
    below = scores[(scores["selected"] == "False") & (scores["type"] == "desa")]
    assert len(below) > 100 and below["reason"].tolist() == [
        text("reason.below", lang, rank=r) for r in below["rank_in_kecamatan"]]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_workbook_strings_are_in_the_runs_language(runs, lang):
    folder, _ = runs[lang]
    book = load_workbook(next(folder.glob("*.xlsx")), read_only=True, data_only=True)
    proper = re.compile("|".join(re.escape(n) for n in sorted(names(), key=len, reverse=True)))
    fixed = set(ALLOCATION_HEADERS[lang])  # the round trip reads these headers back
    found, seen = [], set()
    for sheet in book.worksheets:
        if sheet.title in AS_WRITTEN:
            continue
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if not isinstance(value, str) or value in fixed or value in seen:
                    continue
                seen.add(value)
                plain = proper.sub(" ", value)
                if foreign(plain, lang):
                    found.append((sheet.title, value, foreign(plain, lang)))
    assert found == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_console_is_in_the_runs_language(runs, lang):
    lines = [*runs[lang][1].splitlines(), *runs[f"compare_{lang}"][1].splitlines()]
    found = [(line, foreign(line, lang)) for line in lines if foreign(line, lang)]
    assert found == []
    assert any(term("plan.greedy", lang) in line for line in lines)
    dimension = term("dimension.employment", lang)
    assert any(dimension in line for line in runs[f"compare_{lang}"][1].splitlines())


def test_one_word_per_term_across_the_catalogue():
    """Where an English text says a glossary word, its Indonesian text says the
    glossary's Indonesian word, and never the words the glossary replaced."""
    for key in ("plan.greedy", "plan.equal_split", "plan.balanced", "plan.efficient",
                "frequency.sometimes", "word.price_of_balance", "word.robustness",
                "word.focus_village", "word.agency", "word.absorption",
                "word.token_package"):
        en, idn = term(key, "en"), term(key, "id")
        pattern = re.compile(rf"\b{re.escape(en)}\b", re.I)
        wrong = [k for k, (i, e) in MESSAGES.items()
                 if pattern.search(PLACEHOLDER.sub(" ", PATHS.sub(" ", e)))
                 and idn.lower() not in i.lower()]
        assert wrong == [], key
    replaced = re.compile(r"\brakus\b|\bcelah\b|\bkekurangan teratasi\b|(?<!-)\bkadang\b(?!-)"
                          r"|\(greedy\)|\bterhapus\b|\bgap\b|\bsolver\b", re.I)
    assert [k for k, (i, _) in MESSAGES.items()
            if replaced.search(re.sub(r"solver\.\w+|max_gap|gap_target", " ",
                                      PLACEHOLDER.sub(" ", i)))] == []
    assert text("label.plan.greedy", "id") == term("plan.greedy", "id")


def test_glossary_page_lists_every_term_and_matches_the_data(ds):
    page = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert page == markdown()
    for key in terms():
        assert f"| `{key}` | {term(key, 'id')} | {term(key, 'en')} |" in page
    groups = ds.groups.set_index("group")
    for group, row in groups.iterrows():
        family = "dimension" if row["kind"] == "dimension" else "sector"
        assert (term(f"{family}.{group}", "id"), term(f"{family}.{group}", "en")) == (
            row["label_id"], row["label_en"])


def test_coded_values():
    assert coded("sector", "agriculture", "id") == "Pertanian pangan"
    assert coded("frequency", "sometimes", "en") == "sometimes"
    assert coded("frequency", "sometimes", "id") == "kadang-kadang"
    assert coded("status", "assumption", "id") == "asumsi"
    assert coded("flag", True, "id") == "ya" and coded("flag", np.False_, "en") == "no"
    assert coded("sector", float("nan"), "id") == "–" and coded("sector", None, "en") == "–"
    assert coded("sector", "a-new-sector", "id") == "a-new-sector"


def test_display_helper_names_headers_flags_missing_values_and_codes(ds):
    frame = pd.DataFrame({
        "village_code": ["51.08.01.2001", "51.08.01.2002"],
        "selected": [True, False],
        "margin": [0.5, math.nan],
        "stability": ["always", "never"],
        "sector": ["agriculture", "tourism"],
        "cost_status": ["assumption", "real"],
        "potential_fisheries": [0.1, 0.2],
        "typology_id": ["pesisir", "pariwisata"],
        "typology_en": ["coastal", "tourism"],
        "indicator": ["hh_rtlh", "clove_ha"],
    })
    out = shown(frame, "id", data=ds)
    assert list(out.columns) == [
        "kode desa", "desa fokus", "selisih ke batas", "stabilitas", "sektor",
        "status biaya", "potensi: Perikanan", "tipologi", "indikator"]
    assert out["desa fokus"].tolist() == ["ya", "tidak"]
    assert out["selisih ke batas"].tolist() == [0.5, "–"]
    assert out["stabilitas"].tolist() == ["selalu", "tidak pernah"]
    assert out["sektor"].tolist() == ["Pertanian pangan", "Pariwisata"]
    assert out["status biaya"].tolist() == ["asumsi", "nyata"]
    assert out["tipologi"].tolist() == ["pesisir", "pariwisata"]
    assert out["indikator"].iloc[0] == ds.indicator_metadata.set_index(
        "indicator").at["hh_rtlh", "label_id"]
    assert out["kode desa"].tolist() == frame["village_code"].tolist()  # names stay
    english = shown(frame, "en")
    assert english.iloc[:, 1].tolist() == ["yes", "no"]
    assert english.iloc[:, 7].tolist() == ["coastal", "tourism"]
    assert frame["selected"].tolist() == [True, False]  # the original is not changed
    counts = shown(pd.Series([22, 5], index=pd.Index(["always", "sometimes"],
                                                     name="stability"), name="code"), "id")
    assert counts.index.tolist() == ["selalu", "kadang-kadang"]
    assert counts.index.name == "stabilitas"
    assert shown(None, "id") is None


def test_a_curve_table_shows_how_each_point_was_solved_in_words():
    """A budget curve's status and plan source, as notebook 06 and the explorer show the
    table: the glossary's words in both languages."""
    curve = pd.DataFrame({"factor": [0.5, 1.0, 1.2], "status": ["infeasible", "given",
                                                                  "optimal"],
                          "source": ["none", "base", "improved"]})
    for lang in ("id", "en"):
        out = shown(curve, lang)
        assert out.iloc[:, 1].tolist() == [term(f"solve.{c}", lang) for c in curve["status"]]
        assert out.iloc[:, 2].tolist() == [term(f"curve_source.{c}", lang)
                                           for c in curve["source"]]
    assert shown(curve, "id").iloc[2, 1] == "dalam target selisih"
    kept = shown(pd.DataFrame({"neighbourhood": ["extend", "extend_choices", "fix"]}), "en")
    assert kept.iloc[:, 0].tolist() == [term(f"neighbourhood.{c}", "en")
                                        for c in ("extend", "extend_choices", "fix")]


def test_why_sheet_names_the_binding_rules_and_items_in_words(ds):
    binding = [("pagu", "DINKES", 450.0, 450.0), ("max_units", "DISTAN-HORTI", 3.0, 3.0)]
    assert binding_label(binding, "id") == (
        f"{text('rule.pagu', 'id')}: DINKES, {text('rule.units', 'id')}: DISTAN-HORTI")
    assert binding_label(binding, "en") == "agency pagu: DINKES, " \
        "unit bounds and need cap: DISTAN-HORTI"
    assert binding_label(float("nan"), "id") == ""
    assert shown(pd.DataFrame({"kind": ["program", "village"]}), "en").iloc[:, 0].tolist() \
        == ["programme", "village"]
    why = shown(pd.DataFrame({"binding": [binding], "poor_by": [[("hh_rtlh", 0.2)]],
                              "potential_from": [[("trade", 0.3), ("tourism", 0.1)]],
                              "focus_reason": ["below"]}), "id", data=ds)
    assert why.iloc[0].tolist() == [
        binding_label(binding, "id"),
        ds.indicator_metadata.set_index("indicator").at["hh_rtlh", "label_id"],
        "Perdagangan & kerajinan, Pariwisata", term("focus.below", "id")]


#: the coded columns of the inputs sheet, written in the glossary's words
CODED_INPUTS = ("sector", "cost_status", "pagu_status", "need_indicator", "kind", "group",
                "unit", "status", "dimension")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_inputs_sheets_coded_columns_are_words(runs, lang):
    """The inputs sheet is written from the data set's columns: its free texts (sources,
    notes) stay as the data has them, but its codes (sector, status, indicator kind,
    group and unit, need indicator) are shown in the glossary's words."""
    folder, _ = runs[lang]
    book = load_workbook(next(folder.glob("*.xlsx")), read_only=True, data_only=True)
    ws = book[labels.sheet("inputs", lang)]
    headers = {labels.column(key, lang): key for key in CODED_INPUTS}
    where: dict[int, str] = {}
    checked, found = 0, []
    for row in ws.iter_rows(values_only=True):
        if any(isinstance(v, str) and v in headers for v in row):
            where = {i: headers[v] for i, v in enumerate(row) if v in headers}
            continue
        for i, key in where.items():
            value = row[i] if i < len(row) else None
            if isinstance(value, str) and value:
                checked += 1
                # a code of some family, and no family's word (a code such as "base"
                # may be a word of one family and a code of another)
                families = [f for f in FAMILIES if known(f, value)]
                untranslated = bool(families) and all(coded(f, value, lang) != value
                                                      for f in families)
                if untranslated or SNAKE.fullmatch(value) or foreign(value, lang):
                    found.append((key, value))
    assert checked > 100 and found == []

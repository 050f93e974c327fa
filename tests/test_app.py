"""The web app without a browser: its language comes from the page's address, its page
holds the explorer and the ranking controls with the classes the browser test finds them
by, and its notebook is thin and stored without outputs (Voilà shows no code of it)."""

from __future__ import annotations

import json

import pytest

from planning.apps.web import PlanningApp, language
from planning.i18n import text

from .conftest import ROOT

APP = ROOT / "app" / "planning_app.ipynb"
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.mark.parametrize(("query", "lang"), [
    ("", "id"), ("lang=en", "en"), ("?lang=en", "en"), ("lang=id", "id"),
    ("lang=fr", "id"), ("x=1&lang=en", "en")])
def test_the_language_comes_from_the_address(query, lang):
    assert language(query) == lang


def test_voilas_query_string_sets_the_language(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    assert language() == "en"
    monkeypatch.delenv("QUERY_STRING")
    assert language() == "id"


def test_the_english_page_holds_the_explorer_and_the_ranking():
    app = PlanningApp(BASELINE, lang="en")
    assert app.tabs.titles == (text("app.tab_explorer", "en"), text("app.tab_ranking", "en"))
    assert app.tabs.children == (app.explorer.widget, app.ranking.widget)
    assert "Poverty reduction planning: baseline" in app.header.value
    assert "SYNTHETIC" in app.header.value and "href='?lang=id'" in app.header.value
    putr = app.explorer.pagu_widgets["PUTR"]
    assert {"planning-pagu", "planning-pagu-PUTR"} <= set(putr._dom_classes)
    status = app.explorer.plan_status.value
    assert "data-state='ready'" in status and "data-shown='1'" in status
    assert status.count("Plan ready (proven)") == 1
    putr.value = 1200  # a change re-plans and the status follows it
    status = app.explorer.plan_status.value
    assert "data-shown='2'" in status
    assert text("app.source.mip", "en") in status
    cost = app.explorer.engine.current.spending.sum()
    assert f"spending Rp {cost:,.1f} million" in status
    assert app.ranking.normalisation.description == "normalisation"


def test_the_app_notebook_is_thin_and_stored_without_outputs():
    cells = json.loads(APP.read_text(encoding="utf-8"))["cells"]
    assert [c["cell_type"] for c in cells] == ["code", "code"]
    assert "parameters" in cells[0]["metadata"].get("tags", [])
    for cell in cells:
        assert cell["outputs"] == [] and cell["execution_count"] is None
    assert "PlanningApp(" in "".join(cells[1]["source"])

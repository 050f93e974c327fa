"""The web app (``app/planning_app.ipynb`` served by Voilà) in a real browser: headless
Chromium (Debian's ``chromium``, which ``make system-deps`` installs) driven by
Playwright. The page shows no code, speaks Bahasa Indonesia, and a pagu changed in the
browser shows the plan a run of the same settings gives, number for number.

Skipped, with the reason, where there is no Chromium binary, no Playwright or no Voilà.
"""

from __future__ import annotations

import os
import shutil

import pytest

from planning.apps import serving
from planning.apps.explorer import Engine
from planning.i18n import number, percent, text

from .conftest import ROOT

APP = ROOT / "app" / "planning_app.ipynb"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
CHROMIUM = os.environ.get("PLANNING_CHROMIUM") or shutil.which("chromium") \
    or shutil.which("chromium-browser")
#: safety nets, not speeds: the first page runs a kernel that plans the baseline, and the
#: machine may be busy
PAGE_TIMEOUT = 300_000
PLAN_TIMEOUT = 300_000

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary (Debian: apt-get install "
                       "chromium; `make system-deps` does it as root): browser test skipped"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    pytest.importorskip("voila", reason="Voilà is not installed: browser test skipped")
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    try:
        process, url = serving.start(APP, log, ROOT)
    except serving.VoilaError as exc:
        raise AssertionError(str(exc)) from None
    try:
        yield url
    finally:
        serving.stop(process)


@pytest.fixture(scope="module")
def page(app_url):
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed: browser test skipped")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.goto(app_url, timeout=PAGE_TIMEOUT)
            page.wait_for_selector(".planning-status-line[data-state=ready]",
                                   timeout=PAGE_TIMEOUT)
            yield page
        finally:
            browser.close()


def shown_table(page) -> list[list[str]]:
    """The difference table on the page: its header and rows, as the cells read."""
    return page.eval_on_selector(
        ".planning-plan table",
        "t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.innerText.trim()))")


def wait_for_plan(page, after: int) -> None:
    """Until the page shows a plan made after the ``after``-th one."""
    page.wait_for_function(
        "after => { const e = document.querySelector('.planning-status-line');"
        " return e && e.dataset.state !== 'busy' && Number(e.dataset.shown) > after; }",
        arg=after, timeout=PLAN_TIMEOUT)


def test_the_page_shows_controls_in_indonesian_and_no_code(page, ds):
    content = page.content()
    assert "PlanningApp" not in content and "# parameters" not in content
    assert page.locator(".planning-pagu input").count() == len(ds.agencies)
    ready = text("app.status_ready", "id", source="", objective="", gap="", removed="",
                 cost="")
    assert page.inner_text(".planning-status").startswith(ready.split("(")[0])
    assert text("app.tab_explorer", "id") in page.inner_text(".planning-app")
    assert page.get_attribute("a.planning-language", "href") == "?lang=en"


def test_a_pagu_change_shows_the_plan_of_the_same_settings(page, tmp_path):
    box = page.locator(".planning-pagu-PUTR input")
    start = float(box.input_value())
    new = start / 2
    before = int(page.get_attribute(".planning-status-line", "data-shown"))
    box.fill(f"{new:g}")
    box.press("Enter")
    wait_for_plan(page, before)
    status = page.inner_text(".planning-status")
    table = shown_table(page)
    screenshot = tmp_path / "app.png"
    page.screenshot(path=str(screenshot), full_page=True)

    # the same settings run in this process, through the explorer's engine
    engine = Engine(BASELINE, lang="id")
    assert engine.controls.pagu["PUTR"] == start
    engine.controls.pagu["PUTR"] = new
    summary = engine.replan()
    assert summary["source"] == "mip"
    now, report = engine.current, engine.allocation.report
    spending = now.plan.groupby("agency")["cost"].sum()
    assert status == text("app.status_ready", "id", source=text("app.source.mip", "id"),
                          objective=number(report.objective, "id", 1),
                          gap=percent(report.gap, "id", 2),
                          removed=number(now.removed, "id", 1),
                          cost=number(float(spending.sum()), "id", 1))
    expected = engine.table()
    assert table[0] == list(expected.columns)
    assert table[1:] == expected.astype(str).to_numpy().tolist()
    putr = next(row for row in table if row[0] == "PUTR")
    assert putr[3] == number(new, "id", 1)  # the pagu shown is the new one
    assert float(putr[5].replace(".", "").replace(",", ".")) <= new  # spent within it
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and \
        screenshot.stat().st_size > 10_000

"""The web app for planners who do not read code: the scenario explorer of notebook 04 and
the ranking controls of notebook 02 on one page, served by Voilà from
``app/planning_app.ipynb`` (``make app``), which shows the controls and never a code cell.

It is the same explorer (:class:`planning.apps.explorer.Explorer`) on the same re-plan
engine as notebook 04, so a pagu change in the browser gives the plan a script gets from
:class:`planning.apps.explorer.Engine` with the same settings. The page is in Bahasa
Indonesia; ``?lang=en`` at the end of its address gives English (a link at the top
switches)::

    app = PlanningApp("../scenarios/baseline.yaml")   # language from the address
    app                                               # the page's widgets
    app.explorer.pagu_widgets["PUTR"].value = 1200    # what a planner's change does

Two tabs: the explorer (every pagu, the ceiling, the main rules, the locks, save and
export buttons, the budget curve and the alternatives) and the village ranking (method and
weights; which focus villages change). The ranking tab does not feed the explorer: the
explorer plans the scenario's own focus villages, as ``planning run`` does.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import parse_qs

from planning import i18n
from planning.apps.explorer import Explorer
from planning.apps.ranking import RankingControls
from planning.data.summary import synthetic_note
from planning.i18n import LANGUAGES, text


def language(query: str | None = None, default: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The language a page address asks for (``lang=en`` in its query string; Voilà gives
    the kernel the query as ``QUERY_STRING``); ``default`` when none or an unknown one."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    asked = parse_qs(query.lstrip("?")).get("lang", [])
    return asked[-1] if asked and asked[-1] in LANGUAGES else default


class PlanningApp:
    """The page: a header (title, what to do, the data's honesty note, a link to the other
    language) and two tabs, the explorer and the village ranking.

    ``lang``: None reads it from the page's address (:func:`language`); ``out_dir``:
    where the save and export buttons write; ``data``, ``gap`` and ``time_limit`` as for
    :class:`~planning.apps.explorer.Explorer`."""

    def __init__(self, scenario_path: str | Path = "scenarios/baseline.yaml",
                 data: str | Path | None = None, lang: str | None = None,
                 out_dir: str | Path = "results/app", gap: float | None = None,
                 time_limit: float | None = None):
        import ipywidgets as widgets

        self.lang = language() if lang is None else i18n.check_language(lang)
        self.explorer = Explorer(scenario_path, data=data, lang=self.lang, out_dir=out_dir,
                                 gap=gap, time_limit=time_limit)
        engine = self.explorer.engine
        self.ranking = RankingControls(engine.ds, engine.scenario.scoring, lang=self.lang)
        lang = self.lang
        other = LANGUAGES[1 - LANGUAGES.index(lang)]
        self.header = widgets.HTML(
            f"<h2>{html.escape(text('app.title', lang, name=engine.scenario.name))}</h2>"
            f"<p>{html.escape(text('app.intro', lang))}</p>"
            f"<p><i>{html.escape(synthetic_note(engine.ds, lang))}</i></p>"
            f"<p><a class='planning-language' href='?lang={other}'>"
            f"{html.escape(text('app.other_language', lang))}</a></p>")
        self.tabs = widgets.Tab(children=[self.explorer.widget, self.ranking.widget],
                                titles=(text("app.tab_explorer", lang),
                                        text("app.tab_ranking", lang)))
        self.widget = widgets.VBox([self.header, self.tabs])
        self.widget.add_class("planning-app")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

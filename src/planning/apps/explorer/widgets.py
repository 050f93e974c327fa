"""The explorer's ipywidgets layer: builds the controls, hands their values to the
:class:`~planning.apps.explorer.engine.Engine`, and renders what it says.

Every callback is a plain method and every control an attribute, so the test suite
drives the explorer headlessly by setting widget values; the engine's state (``summary``,
``difference``, ``allocation``, ``baseline``, ``planner``, ...) reads on the explorer as
on the engine.

For a browser (the web app, :mod:`planning.apps.web`, and its test) the controls carry CSS
classes: ``planning-pagu`` and ``planning-pagu-<AGENCY>`` on each pagu box, and the plan's
status line (:attr:`Explorer.plan_status`, class ``planning-status``) holds one element
with ``data-state`` (``busy``, ``ready``, ``none``) and ``data-shown``, the number of
plans shown so far, so that a page can wait for the plan after a change.
"""

from __future__ import annotations

import contextlib
import html
import re
from pathlib import Path

from planning.apps.explorer.engine import REFUSED, Controls, Engine
from planning.apps.explorer.locks import format_locks
from planning.apps.explorer.messages import EXPORT_NAME, SAVED_NAME, num, pct
from planning.apps.explorer.messages import t as _t
from planning.i18n import text
from planning.model import ModelSettings

TONES = {"good": "#1b5e20", "busy": "#8a6d00", "bad": "#b71c1c"}


def css_class(agency: str) -> str:
    """The CSS class of an agency's pagu box: ``planning-pagu-<code>`` (characters other
    than letters, digits, ``_`` and ``-`` become ``-``)."""
    return "planning-pagu-" + re.sub(r"[^A-Za-z0-9_-]", "-", agency)


def _html(lines: list[str]) -> str:
    return "".join(f"<div style='white-space:pre-wrap'>{html.escape(line)}</div>"
                   for line in lines)


class Explorer:
    """Controls for one scenario (see :mod:`planning.apps.explorer`).

    ``data``: the data set folder (default: the scenario's ``data``); ``out_dir``: where
    the save and export buttons write by default; ``gap`` and ``time_limit``: those of
    the interactive re-plans (see :class:`~planning.apps.explorer.engine.Engine`)."""

    def __init__(self, scenario_path: str | Path = "scenarios/baseline.yaml",
                 data: str | Path | None = None, lang: str = "id",
                 out_dir: str | Path = "results/explorer", gap: float | None = None,
                 time_limit: float | None = None):
        self.out_dir = Path(out_dir)
        self._held = 0
        self.shown = 0
        self.engine = Engine(scenario_path, data=data, lang=lang, gap=gap,
                             time_limit=time_limit)
        self.lang = self.engine.lang
        self._build_widgets()
        self.engine.on_progress = self._progress
        self._show()

    def __getattr__(self, name: str):
        """The engine's state (summary, difference, allocation, ...) reads here too."""
        if name == "engine" or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.engine, name)

    # --- widgets ---------------------------------------------------------------------
    def _build_widgets(self) -> None:
        import ipywidgets as widgets

        lang, engine, start = self.lang, self.engine, self.engine.controls
        wide = {"description_width": "150px"}
        self.pagu_widgets = {
            code: widgets.FloatText(  # not bounded: a negative or huge value is said
                value=start.pagu[code], step=50.0,
                description=engine.names.get(code, code)[:22], tooltip=code, style=wide,
                layout=widgets.Layout(width="290px"))
            for code in engine.agency_pagu}
        for code, control in self.pagu_widgets.items():
            control.add_class("planning-pagu")
            control.add_class(css_class(code))
        self.ceiling_on = widgets.Checkbox(value=start.ceiling_on,
                                           description=_t("ceiling_on", lang), indent=False)
        self.ceiling = widgets.FloatText(
            value=start.ceiling, step=100.0, disabled=not start.ceiling_on,
            layout=widgets.Layout(width="160px"))
        self.ceiling_note = widgets.HTML()
        self.min_programs = widgets.BoundedIntText(
            value=start.min_programs, min=0, max=len(engine.programs),
            description=_t("min_programs", lang), style=wide,
            layout=widgets.Layout(width="290px"))
        self.kecamatan_share = widgets.BoundedFloatText(
            value=start.kecamatan_share, min=0.0, max=100.0, step=0.5,
            description=_t("kecamatan_share", lang), style=wide,
            layout=widgets.Layout(width="290px"))
        self.village_share = widgets.BoundedFloatText(
            value=start.village_share, min=0.0, max=100.0, step=1.0,
            description=_t("village_share", lang), style=wide,
            layout=widgets.Layout(width="290px"))
        self.locks = widgets.Textarea(value=start.locks, continuous_update=False,
                                      placeholder="51.08.09.2005 PUTR-PAMSIMAS",
                                      layout=widgets.Layout(width="600px", height="110px"))
        self.locks_message = widgets.HTML()
        codes = "<br>".join(html.escape(f"{c} {engine.villages[c]}")
                            for c in engine.plan_codes)
        programs = "<br>".join(html.escape(p) for p in engine.programs)
        self.locks_help = widgets.Accordion(
            children=[widgets.HTML(f"<div style='columns:3'>{codes}</div>"
                                   f"<hr><div style='columns:3'>{programs}</div>")],
            titles=(_t("locks_help", lang),), selected_index=None)
        name = SAVED_NAME[lang].format(name=engine.scenario.name)
        self.save_path = widgets.Text(value=(self.out_dir / name).as_posix(),
                                      description=_t("save_path", lang), style=wide,
                                      layout=widgets.Layout(width="600px"))
        self.save_button = widgets.Button(description=_t("save_button", lang),
                                          icon="save", layout=widgets.Layout(width="200px"))
        self.export_folder = widgets.Text(
            value=(self.out_dir / EXPORT_NAME[lang]).as_posix(),
            description=_t("export_folder", lang), style=wide,
            layout=widgets.Layout(width="600px"))
        self.export_button = widgets.Button(description=_t("export_button", lang),
                                            icon="file-excel-o",
                                            layout=widgets.Layout(width="200px"))
        self.reset_button = widgets.Button(description=_t("reset_button", lang),
                                           icon="undo", layout=widgets.Layout(width="240px"))
        self.curve_agency = widgets.Dropdown(
            options=[(engine.names.get(c, c), c) for c in engine.agency_pagu],
            description=_t("curve_agency", lang), style=wide,
            layout=widgets.Layout(width="400px"))
        self.curve_button = widgets.Button(description=_t("curve_button", lang),
                                           icon="line-chart",
                                           layout=widgets.Layout(width="240px"))
        self.curve_image = widgets.Image(format="png", layout=widgets.Layout(
            width="640px", display="none"))  # shown once a curve is drawn
        self.alternatives_button = widgets.Button(description=_t("alternatives_button", lang),
                                                  icon="random",
                                                  layout=widgets.Layout(width="300px"))
        self.message = widgets.HTML()
        self.output = widgets.HTML()
        self.output.add_class("planning-plan")
        self.plan_status = widgets.HTML()
        self.plan_status.add_class("planning-status")

        for control in self.pagu_widgets.values():
            control.observe(self.on_pagu_change, names="value")
        self.ceiling_on.observe(self.on_ceiling_change, names="value")
        self.ceiling.observe(self.on_ceiling_change, names="value")
        for control in (self.min_programs, self.kecamatan_share, self.village_share):
            control.observe(self.on_rules_change, names="value")
        self.locks.observe(self.on_locks_change, names="value")
        self.save_button.on_click(self.on_save_click)
        self.export_button.on_click(self.on_export_click)
        self.reset_button.on_click(self.on_reset_click)
        self.curve_button.on_click(self.on_curve_click)
        self.alternatives_button.on_click(self.on_alternatives_click)

        def head(key: str) -> widgets.HTML:
            return widgets.HTML(f"<b>{html.escape(_t(key, lang))}</b>")

        self.widget = widgets.VBox([
            widgets.HTML(f"<h3>{html.escape(_t('title', lang, name=engine.scenario.name))}"
                         "</h3>"),
            self.plan_status, head("pagu_head"),
            widgets.GridBox(list(self.pagu_widgets.values()), layout=widgets.Layout(
                grid_template_columns="repeat(3, 300px)")),
            widgets.HBox([self.ceiling_on, self.ceiling, self.ceiling_note]),
            head("rules_head"),
            widgets.HBox([self.min_programs, self.kecamatan_share, self.village_share]),
            head("locks_head"), self.locks, self.locks_message, self.locks_help,
            widgets.HBox([self.save_path, self.save_button]),
            widgets.HBox([self.export_folder, self.export_button]),
            head("curve_head"), widgets.HBox([self.curve_agency, self.curve_button]),
            self.curve_image, head("alternatives_head"), self.alternatives_button,
            self.reset_button, self.message, self.output])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- callbacks -------------------------------------------------------------------
    def on_pagu_change(self, change=None) -> dict | None:
        """A pagu widget changed: new bounds in the kept model, then re-plan; the budget
        curve's agency becomes the one being edited."""
        owner = change.get("owner") if change is not None else None
        for code, control in self.pagu_widgets.items():
            if control is owner:
                self.curve_agency.value = code
        return self._changed()

    def on_curve_click(self, button=None) -> bytes | None:
        """Draw the budget curve of the agency chosen (by default the one being edited)."""
        self.message.value = f"<div>{_html([_t('curve_running', self.lang)])}</div>"
        drawn = self.engine.agency_curve(self.curve_agency.value)
        if drawn is not None:
            self.curve_image.value = drawn[1]
            self.curve_image.layout.display = None
        self._say()
        return None if drawn is None else drawn[1]

    def on_alternatives_click(self, button=None):
        """Look for three near-optimal alternatives to the plan on show and say what each
        one changes (the paragraphs in the message area)."""
        self.message.value = f"<div>{_html([_t('alternatives_running', self.lang)])}</div>"
        found = self.engine.alternatives()
        self._say()
        return found

    def on_ceiling_change(self, change=None) -> dict | None:
        """The ceiling switch or amount changed (switching rebuilds the model)."""
        self.ceiling.disabled = not self.ceiling_on.value
        if change is not None and change.get("owner") is self.ceiling \
                and not self.ceiling_on.value:
            return None  # an amount that is switched off changes nothing
        return self._changed()

    def on_rules_change(self, change=None) -> dict | None:
        """A rule changed: the model is rebuilt, then re-planned."""
        return self._changed()

    def on_locks_change(self, change=None) -> dict | None:
        """The locks box changed: checked line by line, then re-planned."""
        return self._changed()

    def on_save_click(self, button=None) -> Path | None:
        return self.save_scenario(self.save_path.value)

    def on_export_click(self, button=None) -> Path | None:
        return self.export_workbook(self.export_folder.value)

    def on_reset_click(self, button=None) -> dict:
        """Every control back to the opened scenario's value; one re-plan."""
        start = Controls.of(self.engine.start_settings)
        with self.batch():
            for code, control in self.pagu_widgets.items():
                control.value = start.pagu[code]
            self.ceiling_on.value = start.ceiling_on
            self.ceiling.value = start.ceiling
            self.min_programs.value = start.min_programs
            self.kecamatan_share.value = start.kecamatan_share
            self.village_share.value = start.village_share
            self.locks.value = format_locks(self.engine.start_settings.locks)
        return self.engine.summary

    def _changed(self) -> dict | None:
        return None if self._held else self.replan()

    @contextlib.contextmanager
    def batch(self):
        """Change several controls and re-plan once, at the end::

            with explorer.batch():
                for control in explorer.pagu_widgets.values():
                    control.value = 0
        """
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
        if not self._held:
            self.replan()

    # --- to and from the engine ------------------------------------------------------
    def _pull(self) -> None:
        """The widgets' values into the engine's controls."""
        self.engine.controls = Controls(
            pagu={code: float(c.value) for code, c in self.pagu_widgets.items()},
            ceiling_on=bool(self.ceiling_on.value), ceiling=float(self.ceiling.value),
            min_programs=int(self.min_programs.value),
            kecamatan_share=float(self.kecamatan_share.value),
            village_share=float(self.village_share.value), locks=self.locks.value)

    @property
    def settings(self) -> ModelSettings:
        """The model settings the controls stand for (LockError for bad locks)."""
        self._pull()
        return self.engine.settings

    def replan(self) -> dict:
        """Plan again with the controls' values; returns the engine's summary."""
        self._status("busy", [text("app.status_busy", self.lang)])
        self._pull()
        summary = self.engine.replan()
        self._show()
        return summary

    def _show(self) -> None:
        engine = self.engine
        self.locks_message.value = _html(engine.lock_lines)
        if engine.status not in REFUSED:
            total = sum(engine.controls.pagu.values())
            self.ceiling_note.value = html.escape(_t("ceiling_note", self.lang,
                                                     total=num(total, self.lang)))
        self._render(engine.report_lines, tone=engine.tone,
                     table=engine.difference is not None)
        self.shown += 1
        self._status(*self._status_line())

    def _progress(self, lines: list[str]) -> None:
        self._render(lines, tone="busy")
        self._status("busy", [text("app.status_busy", self.lang), *lines])

    def _status_line(self) -> tuple[str, list[str]]:
        """The status of the plan on show, in one line: its kind, objective, proven gap,
        deprivations removed and spending (as the difference table formats numbers)."""
        now, lang = self.engine.current, self.lang
        if now is None or self.engine.status in REFUSED:
            return "none", [text("app.status_none", lang)]
        report = self.engine.allocation.report
        gap = report.gap if now.source != "quick" else None
        return "ready", [text("app.status_ready", lang,
                              source=text(f"app.source.{now.source}", lang),
                              objective=num(now.objective, lang), gap=pct(gap, lang),
                              removed=num(now.removed, lang),
                              cost=num(float(now.spending.sum()), lang))]

    def _status(self, state: str, lines: list[str]) -> None:
        tone = {"busy": "busy", "ready": "good", "none": "bad"}[state]
        self.plan_status.value = (
            f"<div class='planning-status-line' data-state='{state}' "
            f"data-shown='{self.shown}' style='font-weight:bold;color:{TONES[tone]}'>"
            f"{_html(lines)}</div>")

    def _render(self, lines: list[str], tone: str = "good", table: bool = False) -> None:
        body = f"<div style='border-left:4px solid {TONES[tone]};padding-left:8px'>" \
               f"{_html(lines)}</div>"
        shown = self.engine.table() if table else None
        if shown is not None:
            body += (f"<p><b>{html.escape(self.engine.table_head)}</b></p>"
                     + shown.to_html(index=False, border=0))
        self.output.value = body

    def _say(self) -> None:
        notice = self.engine.notice
        colour = TONES["good"] if notice.ok else TONES["bad"]
        self.message.value = f"<div style='color:{colour}'>{_html(notice.lines)}</div>"

    # --- saving and exporting --------------------------------------------------------
    def save_scenario(self, path: str | Path, name: str | None = None,
                      description: str | None = None) -> Path | None:
        """Write the current settings as a scenario YAML (see
        :meth:`Engine.save_scenario`); returns the file or None, with the message
        shown."""
        self._pull()
        saved = self.engine.save_scenario(path, name, description)
        self._say()
        return saved

    def export_workbook(self, folder: str | Path) -> Path | None:
        """Run the current settings with the scenario's solver settings and write a
        whole results folder into ``folder`` (see :meth:`Engine.export`). Returns the
        workbook, or None with the reason shown."""
        self._pull()
        result = self.engine.export(folder)
        self._say()
        return None if result is None else result.workbook_path

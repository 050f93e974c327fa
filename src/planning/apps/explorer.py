"""The scenario explorer of notebook 04: ipywidgets controls for every agency's pagu, the
district ceiling, the main rules and the locks; every change re-plans and shows the new
plan and its difference from the plan of the scenario the explorer opened.

Pagu and ceiling changes go through one kept :class:`planning.model.Planner` (only a bound
of the built model changes): the quick plan with its certified gap comes back in about
0.1 s at 27 focus villages, then the MIP to the scenario's own gap target and node limit,
one to a few seconds in all. Rules and locks rebuild the model (another 0.1 s; a maximum
village share makes the solve itself slower). The status of every solve is shown as it
is: a plan the solver did not prove is labelled as the best plan found.

Like is compared with like: the baseline is the opened scenario's own plan, solved with
the scenario's solver settings (the plan ``planning run`` writes), and every re-plan uses
the same gap target and node limit. Where the change in the objective is smaller than
what the two plans' certified gaps allow, the explorer says so ("dalam batas toleransi
pemecah"): such a difference, and the shifts between agencies that come with it, may be
the solver's choice among nearly equal plans rather than an effect of the change.

Every callback is a plain method (:meth:`Explorer.replan`, :meth:`Explorer.on_pagu_change`,
:meth:`Explorer.save_scenario`, :meth:`Explorer.export_workbook`) and every control an
attribute, so the test suite drives the explorer headlessly by setting widget values::

    explorer = Explorer("scenarios/baseline.yaml", lang="en")
    explorer.pagu_widgets["PUTR"].value = 1200      # re-plans
    explorer.difference                             # per agency, against the opened plan
    explorer.save_scenario("scenarios/putr-1200.yaml")
    explorer.export_workbook("results/putr-1200")

Money is in juta Rp (million rupiah), as everywhere in the project.
"""

from __future__ import annotations

import contextlib
import difflib
import html
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from planning import i18n
from planning.config.reading import merge
from planning.config.scenario import Scenario, check_codes, load_scenario, scoring_error
from planning.data import load_dataset
from planning.model import (
    Allocation,
    Lock,
    ModelError,
    ModelSettings,
    Planner,
    PresolveError,
    QuickPlan,
    Rules,
    SolveReport,
    build_instance,
    evaluate,
    explain_infeasible,
)
from planning.model.instance import plan_villages
from planning.model.solve import relative_gap
from planning.report.labels import plan_label
from planning.scoring import score
from planning.scoring.indices import ScoringError

#: file name of a saved scenario when save_scenario is given a folder
SAVED_NAME = {"id": "{name}-penjelajah.yaml", "en": "{name}-explorer.yaml"}
#: the results subfolder the export button writes by default
EXPORT_NAME = {"id": "ekspor", "en": "export"}


def _t(key: str, lang: str, **params: object) -> str:
    return i18n.text(f"explorer.{key}", lang, **params)


def _num(value: float | None, lang: str, decimals: int = 1) -> str:
    return "-" if value is None else i18n.number(value, lang, decimals)


def _pct(share: float | None, lang: str) -> str:
    return "-" if share is None else i18n.percent(share, lang, 2)


def _signed(value: float, lang: str, decimals: int = 1) -> str:
    shown = i18n.number(value, lang, decimals)
    return shown if shown.startswith("-") or float(f"{value:.{decimals}f}") == 0 \
        else f"+{shown}"


# --- locks as text ------------------------------------------------------------------

def format_locks(locks: list[Lock]) -> str:
    """One lock a line: ``village program``, ``village program UNITS`` or
    ``village program out``."""
    lines = []
    for lock in locks:
        tail = " out" if lock.state == "out" else (
            f" {lock.units}" if lock.units is not None else "")
        lines.append(f"{lock.village} {lock.program}{tail}")
    return "\n".join(lines)


def parse_locks(text: str, villages: dict[str, str], plan: set[str],
                programs: list[str], lang: str = "id") -> tuple[list[Lock], list[str]]:
    """The locks of ``text`` (see :func:`format_locks`; ``#`` starts a note) and the
    problems found, one message per bad line. ``villages``: code -> name of every village
    in villages.csv; ``plan``: the codes of the plan's villages."""
    locks: list[Lock] = []
    problems: list[str] = []

    def hint(value: str, known: list[str]) -> str:
        close = difflib.get_close_matches(value, known, n=1)
        return i18n.text("did_you_mean", lang, guess=close[0]) if close else ""

    by_upper = {p.upper(): p for p in programs}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) not in (2, 3):
            problems.append(_t("lock_format", lang, line=number, text=line))
            continue
        village, program = parts[0], by_upper.get(parts[1].upper(), parts[1])
        if village not in villages:
            problems.append(_t("lock_village", lang, line=number, value=village,
                               hint=hint(village, sorted(plan))))
            continue
        if village not in plan:
            problems.append(_t("lock_not_in_plan", lang, line=number, value=village,
                               name=villages[village]))
            continue
        if program not in by_upper.values():
            problems.append(_t("lock_program", lang, line=number, value=parts[1],
                               hint=hint(parts[1].upper(), programs)))
            continue
        tail = parts[2].lower() if len(parts) == 3 else "in"
        if tail in ("out", "keluar"):
            locks.append(Lock(village=village, program=program, state="out"))
        elif tail in ("in", "masuk"):
            locks.append(Lock(village=village, program=program))
        elif tail.isdigit():
            locks.append(Lock(village=village, program=program, units=int(tail)))
        else:
            problems.append(_t("lock_units", lang, line=number, value=parts[2]))
    return locks, problems


class LockError(ValueError):
    """The locks box holds lines that are not locks; carries one message per line."""

    def __init__(self, problems: list[str], lang: str):
        self.problems, self.lang = problems, lang
        super().__init__("\n".join(problems))

    def render(self, lang: str | None = None) -> str:
        return "\n".join([_t("lock_errors", lang or self.lang), *self.problems])


# --- what a plan did, and its difference from the baseline ---------------------------

@dataclass(frozen=True)
class Result:
    """The plan on show: the MIP plan when the solver proved one, else the quick plan."""

    source: str
    """``mip`` (a proven plan), ``incumbent`` (the MIP's best plan when a limit stopped
    it, with its certified gap) or ``quick``."""
    plan: pd.DataFrame
    """One row per village and programme: units, agency, cost (juta Rp)."""
    pagu: pd.Series
    spending: pd.Series
    """Spending per agency (juta Rp), every agency (0 where it spends nothing)."""
    removed: float
    before: float
    objective: float | None = None
    """The plan's objective (weighted deprivations removed)."""
    slack: float | None = None
    """Certified distance to the optimum: proven bound minus objective (None: unknown)."""

    @classmethod
    def of_allocation(cls, allocation: Allocation) -> Result:
        t, pagu, report = allocation.tables, allocation.instance.pagu, allocation.report
        source = "mip" if report.proven else (
            "quick" if report.source == "quick" else "incumbent")
        return cls(source, t.plan, pagu, _by_agency(t.plan, pagu),
                   float(t.totals["deprivations_removed"]),
                   float(t.totals["deprivations_before"]), report.objective,
                   _slack(report.objective, report.bound))

    @classmethod
    def of_units(cls, instance, units: pd.DataFrame, source: str = "quick",
                 bound: float | None = None) -> Result:
        ev = evaluate(instance, units)
        return cls(source, ev.plan, instance.pagu, _by_agency(ev.plan, instance.pagu),
                   ev.removed_total, float(ev.removed["deprived"].sum()), ev.objective,
                   _slack(ev.objective, bound))


def _slack(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective)


def within_tolerance(base: Result, now: Result) -> bool:
    """Whether the change in the objective between two plans is smaller than what their
    certified gaps allow: |objective_now - objective_base| <= slack_base + slack_now
    (slack = proven bound - objective). Such a difference may be the solver's choice among
    nearly equal plans, not an effect of the change."""
    if None in (base.objective, now.objective, base.slack, now.slack):
        return False
    return abs(now.objective - base.objective) <= base.slack + now.slack + 1e-9


def _by_agency(plan: pd.DataFrame, pagu: pd.Series) -> pd.Series:
    return plan.groupby("agency")["cost"].sum().reindex(pagu.index, fill_value=0.0).astype(
        float)


def difference(base: Result, now: Result, names: dict[str, str]) -> pd.DataFrame:
    """Per agency: pagu and spending in the baseline and now, and the change (juta Rp)."""
    agencies = now.pagu.index
    out = pd.DataFrame({
        "agency": agencies, "agency_name": [names.get(a, a) for a in agencies],
        "pagu_baseline": base.pagu.reindex(agencies).to_numpy(dtype=float),
        "pagu": now.pagu.to_numpy(dtype=float),
        "spending_baseline": base.spending.reindex(agencies, fill_value=0.0).to_numpy(),
        "spending": now.spending.to_numpy()})
    out["spending_change"] = out["spending"] - out["spending_baseline"]
    return out


def _same_structure(have: ModelSettings, want: ModelSettings) -> bool:
    """Whether ``want`` differs from ``have`` only in pagu values and the value of a
    district ceiling both have: then the kept model only needs new bounds."""
    if (have.rules.district_ceiling is None) != (want.rules.district_ceiling is None):
        return False
    rules = have.rules.model_copy(update={"district_ceiling": want.rules.district_ceiling})
    return have.model_copy(update={"pagu": want.pagu, "rules": rules}) == want


def _diff(now: dict, base: dict) -> dict:
    """What ``now`` changes in ``base``: mappings key by key, everything else whole (the
    way a scenario's base is merged)."""
    out = {}
    for key, value in now.items():
        old = base.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            inner = _diff(value, old)
            if inner:
                out[key] = inner
        elif key not in base or value != old:
            out[key] = value
    return out


def _share(percent: float, original: float | None) -> float | None:
    """A share widget's per cent as the fraction the rules take; 0 is off (None), and the
    scenario's own value comes back exactly."""
    if original is not None and abs(percent - 100 * original) < 1e-9:
        return original
    return round(percent / 100.0, 6) or None


class Explorer:
    """Controls for one scenario (see the module docstring).

    ``data``: the data set folder (default: the scenario's ``data``); ``out_dir``: where
    the save and export buttons write by default; ``gap``: the gap target of the
    interactive re-plans, which otherwise stop on the scenario's node limit like every
    run (the same plan on any machine); ``time_limit``: their wall-clock safety net
    (default: the scenario's). The saved scenario and the exported workbook keep the
    scenario's own solver settings."""

    def __init__(self, scenario_path: str | Path = "scenarios/baseline.yaml",
                 data: str | Path | None = None, lang: str = "id",
                 out_dir: str | Path = "results/explorer", gap: float | None = None,
                 time_limit: float | None = None):
        self.lang = i18n.check_language(lang)
        self.loaded = load_scenario(scenario_path)
        self.scenario: Scenario = self.loaded.scenario
        self.data_dir = Path(data) if data is not None else self.loaded.data_path()
        self.ds = load_dataset(self.data_dir)
        ds = self.ds
        check_codes(self.loaded, villages=ds.villages["code"].tolist(),
                    agencies=ds.agencies["code"].tolist(),
                    programs=ds.programs["code"].tolist(),
                    dimensions=ds.dimensions["group"].tolist())
        try:
            self.scores = score(ds, self.scenario.scoring)
        except ScoringError as exc:
            raise scoring_error(self.loaded, exc) from None
        self.agency_pagu = ds.agencies.set_index("code")["pagu"].astype(float).to_dict()
        self.start_settings = self.scenario.model_settings(self.agency_pagu)
        own = self.scenario.solver
        gap = own.gap if gap is None else gap
        self.solver = own.model_copy(update={"gap": gap, "max_gap": max(gap, own.max_gap),
                                             "time_limit": time_limit or own.time_limit})
        self.names = ds.agencies.set_index("code")["short_name"].to_dict()
        self.villages = ds.villages.set_index("code")["name"].to_dict()
        self.plan_codes = plan_villages(self.scores.table, self.scenario.villages)
        self.programs = ds.programs["code"].tolist()
        self.out_dir = Path(out_dir)

        self.planner: Planner | None = None
        self.allocation: Allocation | None = None
        self.current: Result | None = None
        self.baseline: Result | None = None
        self.difference: pd.DataFrame | None = None
        self.summary: dict = {}
        self.lines: list[str] = []
        self.timings: dict = {}
        self.history: list[dict] = []
        self.report_lines: list[str] = []
        self.exported = None
        self._status: str | None = None
        self._held = 0
        self._opened = False
        self._build_widgets()
        self.replan()
        self.baseline = self.current
        self._opened = True
        self._finish()

    # --- widgets ---------------------------------------------------------------------
    def _build_widgets(self) -> None:
        import ipywidgets as widgets

        lang, start = self.lang, self.start_settings
        wide = {"description_width": "150px"}
        self.pagu_widgets = {
            code: widgets.BoundedFloatText(
                value=float(start.pagu[code]), min=0.0, max=1e7, step=50.0,
                description=self.names.get(code, code)[:22], tooltip=code, style=wide,
                layout=widgets.Layout(width="290px"))
            for code in self.agency_pagu}
        ceiling = start.rules.district_ceiling
        self.ceiling_on = widgets.Checkbox(value=ceiling is not None,
                                           description=_t("ceiling_on", lang), indent=False)
        self.ceiling = widgets.BoundedFloatText(
            value=float(ceiling if ceiling is not None else sum(start.pagu.values())),
            min=0.0, max=1e8, step=100.0, disabled=ceiling is None,
            layout=widgets.Layout(width="160px"))
        self.ceiling_note = widgets.HTML()
        rules = start.rules
        self.min_programs = widgets.BoundedIntText(
            value=rules.min_programs_per_village, min=0, max=len(self.programs),
            description=_t("min_programs", lang), style=wide,
            layout=widgets.Layout(width="290px"))
        self.kecamatan_share = widgets.BoundedFloatText(
            value=100.0 * (rules.kecamatan_min_share or 0.0), min=0.0, max=100.0, step=0.5,
            description=_t("kecamatan_share", lang), style=wide,
            layout=widgets.Layout(width="290px"))
        self.village_share = widgets.BoundedFloatText(
            value=100.0 * (rules.village_max_share or 0.0), min=0.0, max=100.0, step=1.0,
            description=_t("village_share", lang), style=wide,
            layout=widgets.Layout(width="290px"))
        self.locks = widgets.Textarea(value=format_locks(start.locks), continuous_update=False,
                                      placeholder="51.08.09.2005 PUTR-PAMSIMAS",
                                      layout=widgets.Layout(width="600px", height="110px"))
        self.locks_message = widgets.HTML()
        codes = "<br>".join(html.escape(f"{c} {self.villages[c]}") for c in self.plan_codes)
        programs = "<br>".join(html.escape(p) for p in self.programs)
        self.locks_help = widgets.Accordion(
            children=[widgets.HTML(f"<div style='columns:3'>{codes}</div>"
                                   f"<hr><div style='columns:3'>{programs}</div>")],
            titles=(_t("locks_help", lang),), selected_index=None)
        name = SAVED_NAME[lang].format(name=self.scenario.name)
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
        self.message = widgets.HTML()
        self.output = widgets.HTML()

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

        def head(key: str) -> widgets.HTML:
            return widgets.HTML(f"<b>{html.escape(_t(key, lang))}</b>")

        self.widget = widgets.VBox([
            widgets.HTML(f"<h3>{html.escape(_t('title', lang, name=self.scenario.name))}"
                         "</h3>"),
            head("pagu_head"),
            widgets.GridBox(list(self.pagu_widgets.values()), layout=widgets.Layout(
                grid_template_columns="repeat(3, 300px)")),
            widgets.HBox([self.ceiling_on, self.ceiling, self.ceiling_note]),
            head("rules_head"),
            widgets.HBox([self.min_programs, self.kecamatan_share, self.village_share]),
            head("locks_head"), self.locks, self.locks_message, self.locks_help,
            widgets.HBox([self.save_path, self.save_button]),
            widgets.HBox([self.export_folder, self.export_button]),
            self.reset_button, self.message, self.output])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- callbacks -------------------------------------------------------------------
    def on_pagu_change(self, change=None) -> dict | None:
        """A pagu widget changed: new bounds in the kept model, then re-plan."""
        return self._changed()

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
        start = self.start_settings
        with self.batch():
            for code, control in self.pagu_widgets.items():
                control.value = float(start.pagu[code])
            ceiling = start.rules.district_ceiling
            self.ceiling_on.value = ceiling is not None
            self.ceiling.value = float(ceiling if ceiling is not None
                                       else sum(start.pagu.values()))
            self.min_programs.value = start.rules.min_programs_per_village
            self.kecamatan_share.value = 100.0 * (start.rules.kecamatan_min_share or 0.0)
            self.village_share.value = 100.0 * (start.rules.village_max_share or 0.0)
            self.locks.value = format_locks(start.locks)
        return self.summary

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

    # --- settings --------------------------------------------------------------------
    def parsed_locks(self) -> tuple[list[Lock], list[str]]:
        return parse_locks(self.locks.value, self.villages, set(self.plan_codes),
                           self.programs, self.lang)

    @property
    def settings(self) -> ModelSettings:
        """The model settings the controls stand for, with the scenario's own solver
        settings (what a saved scenario reproduces). Raises LockError for bad locks."""
        locks, problems = self.parsed_locks()
        if problems:
            raise LockError(problems, self.lang)
        start = self.start_settings
        rules = start.rules.model_dump()
        rules.update(
            min_programs_per_village=int(self.min_programs.value),
            kecamatan_min_share=_share(self.kecamatan_share.value,
                                       start.rules.kecamatan_min_share),
            village_max_share=_share(self.village_share.value, start.rules.village_max_share),
            district_ceiling=float(self.ceiling.value) if self.ceiling_on.value else None)
        pagu = {code: float(control.value) for code, control in self.pagu_widgets.items()}
        return start.model_copy(update={"pagu": pagu, "rules": Rules(**rules),
                                        "locks": locks})

    def current_scenario(self, settings: ModelSettings | None = None) -> Scenario:
        """The opened scenario with the controls' values (pagu given for every agency
        whose pagu differs from the opened scenario's)."""
        settings = settings or self.settings
        tree = self.scenario.model_dump(mode="json")
        agencies = tree["budgets"]["agencies"]
        for code, value in settings.pagu.items():
            if value != self.start_settings.pagu[code]:
                agencies[code] = {"pagu": value}
        tree["budgets"]["district_ceiling"] = settings.rules.district_ceiling
        for key in ("min_programs_per_village", "kecamatan_min_share", "village_max_share"):
            tree["rules"][key] = getattr(settings.rules, key)
        tree["locks"] = [lock.model_dump(mode="json") for lock in settings.locks]
        if self.data_dir.resolve() != self.loaded.data_path().resolve():
            tree["data"] = self.data_dir.as_posix()
        return Scenario.model_validate(tree)

    # --- planning --------------------------------------------------------------------
    def replan(self) -> dict:
        """Plan again with the controls' values: the quick plan and its certified gap at
        once, then the MIP within the short time limit. Returns :attr:`summary`."""
        t0 = time.perf_counter()
        try:
            want = self.settings.model_copy(update={"solver": self.solver})
        except LockError as exc:
            self.locks_message.value = self._html(exc.problems)
            self._status, self.lines, self.timings = "locks", exc.render().splitlines(), {}
            self._finish()
            return self.summary
        self.locks_message.value = self._html([_t("locks_ok", self.lang,
                                                  n=len(want.locks))])
        self.ceiling_note.value = html.escape(_t("ceiling_note", self.lang, total=_num(
            sum(want.pagu.values()), self.lang)))
        try:
            rebuilt = self._sync(want)
        except (ModelError, PresolveError) as exc:
            self.planner = None  # a half-applied change: rebuild next time
            self._no_plan(exc, want)
            return self.summary
        t1 = time.perf_counter()
        quick, lp = self.planner.quick()
        t2 = time.perf_counter()
        quick_lines = self._quick_lines(quick, lp, t2 - t1)
        self._render([*quick_lines, _t("mip_running", self.lang,
                                       target=_pct(self.solver.gap, self.lang),
                                       limit=_num(self.solver.node_limit, self.lang))],
                     tone="busy")
        allocation = self.planner.plan(self.lang, quick=(quick, lp))
        t3 = time.perf_counter()
        self.allocation, self._status = allocation, allocation.report.status
        self.timings = {"model": t1 - t0, "quick": t2 - t1, "plan": t3 - t2,
                        "total": t3 - t0, "rebuilt": rebuilt,
                        "solve": allocation.timings.get("solve")}
        self.history.append(self.timings)
        self.current = self._shown(allocation)
        self.lines = quick_lines + self._mip_lines(allocation)  # after self.current
        self._finish()
        return self.summary

    def _sync(self, want: ModelSettings) -> bool:
        """Bring the kept model to ``want``: new bounds when only pagu or the ceiling's
        value changed, else a new model. Returns whether the model was rebuilt."""
        if self.planner is not None and _same_structure(self.planner.settings, want):
            for code, value in want.pagu.items():
                if self.planner.settings.pagu.get(code) != value:
                    self.planner.set_pagu(code, value)
            ceiling = want.rules.district_ceiling
            if ceiling != self.planner.settings.rules.district_ceiling:
                self.planner.set_ceiling(ceiling)
            return False
        self.planner = None
        self.planner = Planner(self.ds, self.scores, want)
        return True

    def _shown(self, a: Allocation) -> Result | None:
        """What to show: the proven plan; else the MIP's best plan so far when it keeps
        every rule (its gap is certified by the solver's bound); else the quick plan."""
        if a.is_plan:
            return Result.of_allocation(a)
        if a.quick is not None and a.report.status != "infeasible":
            return Result.of_units(a.instance, a.quick, bound=a.lp_bound)
        return None

    def _quick_lines(self, quick: QuickPlan, lp: SolveReport, seconds: float) -> list[str]:
        lang = self.lang
        if lp.status == "infeasible":
            return [_t("lp_infeasible", lang, seconds=_num(seconds, lang, 2))]
        bound = lp.objective if lp.status == "optimal" else None
        if quick.best is None:
            return [_t("quick_none", lang, seconds=_num(seconds, lang, 2),
                       bound=_num(bound, lang))]
        shown = Result.of_units(self.planner.instance, quick.best)
        return [_t("quick", lang, seconds=_num(seconds, lang, 2),
                   removed=_num(shown.removed, lang), cost=_num(shown.spending.sum(), lang),
                   gap=_pct(relative_gap(quick.best_objective, bound), lang),
                   bound=_num(bound, lang))]

    def _mip_lines(self, a: Allocation) -> list[str]:
        lang, r = self.lang, a.report
        if a.explanation is not None:
            return [_t("no_plan", lang), a.explanation.render(a.instance, lang)]
        if a.is_plan:
            lines = [_t("mip_plan", lang, status=r.status, gap=_pct(r.gap, lang),
                        target=_pct(r.gap_target, lang), objective=_num(r.objective, lang),
                        seconds=_num(r.runtime, lang, 2))]
            if not r.proven:
                lines.append(plan_label(r, lang))
        else:
            lines = [_t("mip_failed", lang, status=r.status, detail=r.message or "-")]
        shown = self.current.source if self.current is not None else None
        if shown == "incumbent":
            lines.append(_t("showing_incumbent", lang, gap=_pct(r.gap, lang)))
        elif shown == "quick":
            lines.append(_t("showing_quick", lang))
        elif not a.is_plan:
            lines.append(_t("nothing_shown", lang))
        return lines + [w.render(lang) for w in a.warnings]

    def _no_plan(self, exc: ModelError | PresolveError, settings: ModelSettings) -> None:
        """Checks before solving found a problem: show it, with the elastic explanation
        of which rules conflict and by how much when there is one."""
        lines = [_t("no_plan", self.lang), exc.render(self.lang)]
        with contextlib.suppress(ModelError):
            instance = build_instance(self.ds, self.scores.table, settings)
            explanation = explain_infeasible(instance, settings.solver)
            if explanation.conflicting_rules:
                lines.append(explanation.render(instance, self.lang))
        self.allocation, self.current, self.lines = None, None, lines
        self._status, self.timings = "presolve", {}
        self._finish()

    def _finish(self) -> None:
        """Summary, difference from the baseline, and the output area."""
        lang, now, base = self.lang, self.current, self.baseline
        report = self.allocation.report if self.allocation is not None else None
        self.summary = {
            "status": self._status,
            "gap": report.gap if report else None,
            "gap_target": report.gap_target if report else None,
            "source": now.source if now else None,
            "removed": now.removed if now else None,
            "spending": float(now.spending.sum()) if now else None,
            "removed_baseline": base.removed if base else None,
            "spending_baseline": float(base.spending.sum()) if base else None,
            "timings": dict(self.timings)}
        lines = list(self.lines)
        self.difference = difference(base, now, self.names) if now and base else None
        if now is not None and base is not None:
            self.summary["removed_change"] = now.removed - base.removed
            self.summary["spending_change"] = float(now.spending.sum() - base.spending.sum())
            self.summary["within_tolerance"] = within_tolerance(base, now)
            lines += [
                _t("removed", lang, removed=_num(now.removed, lang),
                   before=_num(now.before, lang, 0), base=_num(base.removed, lang),
                   change=_signed(now.removed - base.removed, lang)),
                _t("spending", lang, cost=_num(now.spending.sum(), lang),
                   pagu=_num(now.pagu.sum(), lang), base=_num(base.spending.sum(), lang),
                   change=_signed(now.spending.sum() - base.spending.sum(), lang))]
            if self.summary["within_tolerance"] and now is not base:
                lines.append(_t("within_tolerance", lang,
                                change=_signed(now.objective - base.objective, lang),
                                tolerance=_num(base.slack + now.slack, lang)))
        elif now is not None and self._opened:
            lines.append(_t("no_baseline", lang))
        if self.timings:
            t = self.timings
            lines.append(_t("timing", lang, sync=_num(t["model"], lang, 2),
                            rebuilt=_t("rebuilt", lang) if t["rebuilt"] else "",
                            quick=_num(t["quick"], lang, 2), plan=_num(t["plan"], lang, 2),
                            total=_num(t["total"], lang, 2)))
        self.report_lines = lines
        tone = "good" if now is not None and now.source == "mip" else \
            "busy" if now is not None else "bad"
        self._render(lines, tone="bad" if self._status == "locks" else tone,
                     table=self.difference is not None)

    # --- showing ---------------------------------------------------------------------
    def table(self) -> pd.DataFrame | None:
        """The difference table as shown: localised headers, numbers for reading, and a
        total row."""
        if self.difference is None:
            return None
        lang, d = self.lang, self.difference
        columns = ["pagu_baseline", "pagu", "spending_baseline", "spending",
                   "spending_change"]
        total = {"agency": _t("total", lang), "agency_name": "",
                 **{c: float(d[c].sum()) for c in columns}}
        frame = pd.concat([d, pd.DataFrame([total])], ignore_index=True)
        shown = pd.DataFrame({_t("col.agency", lang): frame["agency"],
                              _t("col.name", lang): frame["agency_name"]})
        for column in columns:
            fmt = _signed if column == "spending_change" else _num
            shown[_t(f"col.{column}", lang)] = [fmt(v, lang) for v in frame[column]]
        return shown

    @property
    def text(self) -> str:
        """The output area as plain text (status, gap, deprivations, the table)."""
        parts = list(self.report_lines)
        shown = self.table()
        if shown is not None:
            parts += [_t("table_head", self.lang, name=self.scenario.name),
                      shown.to_string(index=False)]
        return "\n".join(parts)

    @staticmethod
    def _html(lines: list[str]) -> str:
        return "".join(f"<div style='white-space:pre-wrap'>{html.escape(line)}</div>"
                       for line in lines)

    def _render(self, lines: list[str], tone: str = "good",
                table: bool = False) -> None:
        colour = {"good": "#1b5e20", "busy": "#8a6d00", "bad": "#b71c1c"}[tone]
        body = f"<div style='border-left:4px solid {colour};padding-left:8px'>" \
               f"{self._html(lines)}</div>"
        shown = self.table() if table else None
        if shown is not None:
            body += (f"<p><b>{html.escape(_t('table_head', self.lang, name=self.scenario.name))}"
                     f"</b></p>" + shown.to_html(index=False, border=0))
        self.output.value = body

    def _say(self, lines: list[str], ok: bool = True) -> None:
        colour = "#1b5e20" if ok else "#b71c1c"
        self.message.value = f"<div style='color:{colour}'>{self._html(lines)}</div>"

    # --- saving and exporting --------------------------------------------------------
    def saved_tree(self, path: str | Path, name: str | None = None,
                   description: str | None = None) -> dict:
        """The YAML tree of the current settings as a scenario for ``path``: ``base``
        names the opened scenario's base (``baseline``, or a relative path when saved in
        another folder) and only what differs from it follows."""
        path = Path(path)
        settings = self.settings
        base_file = self.loaded.files[0]
        base = load_scenario(base_file).scenario.model_dump(mode="json")
        now = self.current_scenario(settings).model_dump(mode="json")
        skip = ("name", "description", "base")
        changes = _diff({k: v for k, v in now.items() if k not in skip},
                        {k: v for k, v in base.items() if k not in skip})
        changes.get("budgets", {}).pop("agencies", None)
        trial = Scenario.model_validate(merge(base, changes)).model_settings(
            self.agency_pagu)
        agencies = {}
        for code, value in settings.pagu.items():
            if trial.pagu[code] != value:
                agencies[code] = {"pagu": value}
                if base["budgets"]["agencies"].get(code, {}).get("change_pct") is not None:
                    agencies[code]["change_pct"] = None
        if agencies:
            changes.setdefault("budgets", {})["agencies"] = agencies
        if changes.get("budgets") == {}:
            changes.pop("budgets")
        if "locks" in changes:
            changes["locks"] = [lock.model_dump(mode="json", exclude_defaults=True)
                                for lock in settings.locks]
        folder = path.parent.resolve()
        if base_file.resolve().parent == folder:
            reference = base_file.stem
        else:
            try:
                reference = Path(os.path.relpath(base_file.resolve(), folder)).as_posix()
            except ValueError:  # another drive (Windows)
                reference = base_file.resolve().as_posix()
        return {"name": name or path.stem, "base": reference,
                "description": description or _t("description", self.lang,
                                                  name=self.scenario.name),
                **changes}

    def save_scenario(self, path: str | Path, name: str | None = None,
                      description: str | None = None) -> Path | None:
        """Write the current settings as a scenario YAML (a folder gets
        ``<scenario>-penjelajah.yaml``); it loads with :func:`load_scenario` and gives
        the same model settings. Returns the file, or None (with a message) when the
        locks are bad or the file cannot be written."""
        lang = self.lang
        path = Path(path)
        if path.suffix not in (".yaml", ".yml"):
            path = path / SAVED_NAME[lang].format(name=self.scenario.name)
        if path.resolve() == self.loaded.files[0].resolve():
            self._say([_t("save_base", lang, path=path.as_posix())], ok=False)
            return None
        try:
            tree = self.saved_tree(path, name, description)
        except LockError as exc:
            self._say(exc.render(lang).splitlines(), ok=False)
            return None
        text = f"# {_t('yaml_header', lang)}\n" + yaml.safe_dump(
            tree, sort_keys=False, allow_unicode=True, width=88)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self._say([_t("write_failed", lang, path=path.as_posix(),
                          detail=exc.strerror or exc)], ok=False)
            return None
        again = load_scenario(path).scenario.model_settings(self.agency_pagu)
        if again != self.settings:
            raise RuntimeError(f"{path} does not reproduce the explorer's settings")
        self._say([_t("saved", lang, path=path.as_posix(), base=tree["base"])])
        return path

    def export_workbook(self, folder: str | Path) -> Path | None:
        """Run the current settings with the scenario's solver settings and write a
        whole results folder (CSV, JSON, figures, workbook) into ``folder`` with
        :func:`planning.pipeline.execute`. Returns the workbook, or None with the reason shown
        (no plan: the explanation of which rules conflict)."""
        from planning.pipeline import WORKBOOK, NoPlan, execute
        from planning.report.folder import ResultsFolderError
        from planning.report.maps import MapError

        lang = self.lang
        try:
            settings = self.settings
            current = self.current_scenario(settings)
            scenario = {"file": self.loaded.shown(self.loaded.path),
                        "bases": [self.loaded.shown(p) for p in self.loaded.files[:-1]],
                        "edited_in": "explorer", "settings": current.model_dump(mode="json")}
            maps = self.loaded.map_paths()  # the maps of `planning run` for this scenario
            result = execute(self.ds, self.scores, settings, folder, lang, scenario=scenario,
                             maps=maps, protect=[self.data_dir, *self.loaded.files,
                                                 *maps.values()])
        except (LockError, NoPlan, ModelError, PresolveError, MapError,
                ResultsFolderError) as exc:
            self._say([_t("export_failed", lang), *exc.render(lang).splitlines()], ok=False)
            return None
        except OSError as exc:
            self._say([_t("write_failed", lang, path=Path(folder).as_posix(),
                          detail=exc.strerror or exc)], ok=False)
            return None
        self.exported = result
        book = result.out_dir / WORKBOOK[lang]
        report = result.allocation.report
        self._say([_t("exported", lang, path=book.as_posix(),
                      folder=result.out_dir.as_posix(), gap=_pct(report.gap_target, lang),
                      status=report.status)])
        return book

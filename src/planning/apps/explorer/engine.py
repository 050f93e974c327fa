"""The explorer's engine, without widgets: the controls' values (:class:`Controls`), the
re-plans with the scenario's own gap target and node limit, the comparison with the
baseline (the opened scenario's own plan), saving the settings as a scenario, and
exporting a whole results folder through :func:`planning.pipeline.execute`.

Pagu and ceiling changes go through one kept :class:`planning.model.Planner` (only a bound
of the built model changes); rules and locks rebuild the model. Like is compared with
like: the baseline is solved with the scenario's solver settings, and every re-plan uses
the same gap target and node limit::

    engine = Engine("scenarios/baseline.yaml", lang="en")
    engine.controls.pagu["PUTR"] = 1200
    engine.replan()                # summary: status, gap, removed, changes, timings
    engine.difference              # per agency, against the opened plan
    engine.save_scenario("scenarios/putr-1200.yaml")
    engine.export("results/putr-1200")

Money is in juta Rp (million rupiah), as everywhere in the project.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from planning import i18n
from planning.apps.explorer.comparison import PlanShown, difference, within_tolerance
from planning.apps.explorer.locks import LockError, format_locks, parse_locks
from planning.apps.explorer.messages import SAVED_NAME, num, pct
from planning.apps.explorer.messages import t as _t
from planning.config.reading import merge
from planning.config.scenario import MAX_NUMBER, Scenario, load_scenario
from planning.i18n import LANGUAGES
from planning.model import (
    Allocation,
    ModelError,
    ModelSettings,
    Planner,
    PresolveError,
    QuickPlan,
    Rules,
    SolveReport,
    build_instance,
    explain_infeasible,
)
from planning.model.instance import plan_villages
from planning.model.solve import relative_gap
from planning.pipeline import NoPlan, Result, execute, prepare, scenario_record
from planning.report.labels import plan_label

#: the statuses of controls refused before any planning (bad locks, money that cannot be)
REFUSED = ("locks", "controls")


@dataclass
class Controls:
    """The values the explorer's controls stand for (money in juta Rp, shares in per
    cent, 0 = off; the locks as text, see :mod:`planning.apps.explorer.locks`)."""

    pagu: dict[str, float]
    ceiling_on: bool
    ceiling: float
    min_programs: int
    kecamatan_share: float
    village_share: float
    locks: str = ""

    @classmethod
    def of(cls, settings: ModelSettings) -> Controls:
        """The controls showing ``settings``."""
        rules, ceiling = settings.rules, settings.rules.district_ceiling
        return cls(pagu={code: float(v) for code, v in settings.pagu.items()},
                   ceiling_on=ceiling is not None,
                   ceiling=float(ceiling if ceiling is not None
                                 else sum(settings.pagu.values())),
                   min_programs=rules.min_programs_per_village,
                   kecamatan_share=100.0 * (rules.kecamatan_min_share or 0.0),
                   village_share=100.0 * (rules.village_max_share or 0.0),
                   locks=format_locks(settings.locks))


@dataclass
class Notice:
    """What the last save or export said, and whether it went well."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True


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
    """A share control's per cent as the fraction the rules take; 0 is off (None), and
    the scenario's own value comes back exactly."""
    if original is not None and abs(percent - 100 * original) < 1e-9:
        return original
    return round(percent / 100.0, 6) or None


def _saved_by_explorer(path: Path) -> bool:
    """True when the file at ``path`` starts with the explorer's header (in either
    language): a scenario the explorer saved, which a new save may replace."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return False
    return first in {f"# {_t('yaml_header', lang)}" for lang in LANGUAGES}


class Engine:
    """One scenario opened for exploring (see the module docstring).

    ``data``: the data set folder (default: the scenario's ``data``); ``gap``: the gap
    target of the interactive re-plans, which otherwise stop on the scenario's node limit
    like every run; ``time_limit``: their wall-clock safety net (default: the
    scenario's). The saved scenario and the export keep the scenario's own solver
    settings. ``on_progress``: called with the lines to show while the MIP runs (after
    the quick plan). The opened scenario is planned at once and becomes the baseline."""

    def __init__(self, scenario_path: str | Path = "scenarios/baseline.yaml",
                 data: str | Path | None = None, lang: str = "id",
                 gap: float | None = None, time_limit: float | None = None,
                 on_progress: Callable[[list[str]], None] | None = None):
        self.lang = i18n.check_language(lang)
        self.prepared = prepare(scenario_path, lang=self.lang, data=data, check_out=False)
        self.loaded = self.prepared.loaded
        self.scenario: Scenario = self.loaded.scenario
        self.data_dir = self.prepared.data_dir
        self.ds = ds = self.prepared.dataset
        self.scores = self.prepared.scores
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
        self.controls = Controls.of(self.start_settings)
        self.on_progress = on_progress

        self.planner: Planner | None = None
        self.allocation: Allocation | None = None
        self.current: PlanShown | None = None
        self.baseline: PlanShown | None = None
        self.difference: pd.DataFrame | None = None
        self.summary: dict = {}
        self.lines: list[str] = []
        self.lock_lines: list[str] = []
        self.timings: dict = {}
        self.history: list[dict] = []
        self.report_lines: list[str] = []
        self.tone = "good"
        self.notice = Notice()
        self.exported: Result | None = None
        self.status: str | None = None
        self._opened = False
        self._base_allocation: Allocation | None = None
        self.replan()
        self.baseline = self.current
        if self.allocation is not None and self.allocation.is_plan and \
                self.allocation.report.proven:
            self._base_allocation = self.allocation
        self._opened = True
        self._finish()

    # --- settings --------------------------------------------------------------------
    def reset(self) -> None:
        """Every control back to the opened scenario's value (no re-plan)."""
        self.controls = Controls.of(self.start_settings)

    def parsed_locks(self) -> tuple[list, list[str]]:
        return parse_locks(self.controls.locks, self.villages, set(self.plan_codes),
                           self.programs, self.lang)

    @property
    def settings(self) -> ModelSettings:
        """The model settings the controls stand for, with the scenario's own solver
        settings (what a saved scenario reproduces). Raises LockError for bad locks."""
        locks, problems = self.parsed_locks()
        if problems:
            raise LockError(problems, self.lang)
        start, c = self.start_settings, self.controls
        rules = start.rules.model_dump()
        rules.update(
            min_programs_per_village=int(c.min_programs),
            kecamatan_min_share=_share(c.kecamatan_share, start.rules.kecamatan_min_share),
            village_max_share=_share(c.village_share, start.rules.village_max_share),
            district_ceiling=float(c.ceiling) if c.ceiling_on else None)
        pagu = {code: float(c.pagu[code]) for code in self.agency_pagu}
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
        once, then the MIP to the re-plans' gap target and node limit. Returns
        :attr:`summary`."""
        t0 = time.perf_counter()
        refused = self._control_problems()
        if refused:  # a pagu or ceiling no plan can take: said, nothing planned
            self.status, self.lines, self.timings = "controls", refused, {}
            self._finish()
            return self.summary
        try:
            want = self.settings.model_copy(update={"solver": self.solver})
        except LockError as exc:
            self.lock_lines = list(exc.problems)
            self.status, self.lines, self.timings = "locks", exc.render().splitlines(), {}
            self._finish()
            return self.summary
        self.lock_lines = [_t("locks_ok", self.lang, n=len(want.locks))]
        try:
            rebuilt = self._sync(want)
        except (ModelError, PresolveError) as exc:
            self.planner = None  # a half-applied change: rebuild next time
            self._no_plan(exc, want)
            return self.summary
        t1 = time.perf_counter()
        base = self._base_allocation
        # the opened scenario's rules (rebuilt or not, e.g. a rule switched off and on
        # again): from the opened plan, so the same controls give the same plan whatever
        # the path; other rules: a plan of their own
        kept = base is not None and self.planner.settings.rules == \
            base.instance.settings.rules and self.planner.settings.locks == \
            base.instance.settings.locks
        if kept and self.planner.settings.pagu == base.instance.settings.pagu:
            allocation, quick_lines, t2 = base, [], time.perf_counter()  # back to the start
        elif kept:  # only pagu moved: the kept HiGHS model, from the opened plan
            allocation, quick_lines, t2 = self._kept_replan(want, base, t1)
        else:
            quick, lp = self.planner.quick()
            t2 = time.perf_counter()
            quick_lines = self._quick_lines(quick, lp, t2 - t1)
            self._progress(quick_lines)
            allocation = self.planner.plan(quick=(quick, lp))
        t3 = time.perf_counter()
        self.allocation, self.status = allocation, allocation.report.status
        self.timings = {"model": t1 - t0, "quick": t2 - t1, "plan": t3 - t2,
                        "total": t3 - t0, "rebuilt": rebuilt,
                        "solve": allocation.timings.get("solve")}
        self.history.append(self.timings)
        self.current = self._shown(allocation)
        self.lines = quick_lines + self._mip_lines(allocation)  # after self.current
        self._finish()
        return self.summary

    def _control_problems(self) -> list[str]:
        """The messages of the money controls that cannot be planned with: a pagu or the
        ceiling that is not a finite number, is negative, or is larger than
        :data:`~planning.config.scenario.MAX_NUMBER` juta Rp (a value typed or set from
        code; each named by its agency)."""
        lang, c = self.lang, self.controls
        given = [(f"pagu {self.names.get(code, code)}", value) for code, value in c.pagu.items()]
        if c.ceiling_on:
            given.append((_t("ceiling_on", lang), c.ceiling))
        out = []
        for name, value in given:
            try:
                value = float(value)
            except (TypeError, ValueError):
                value = math.nan
            if not math.isfinite(value):
                key, params = "settings.not_finite", {"value": value}
            elif value < 0:
                key, params = "negative", {"value": value}
            elif value > MAX_NUMBER:
                key, params = "settings.too_large", {"value": value, "limit": MAX_NUMBER}
            else:
                continue
            out.append(f"{name}: {i18n.text(key, lang, **params)}")
        return out

    def _progress(self, quick_lines: list[str]) -> None:
        if self.on_progress is not None:
            self.on_progress([*quick_lines, _t("mip_running", self.lang,
                                               target=pct(self.solver.gap, self.lang),
                                               limit=num(self.solver.node_limit, self.lang))])

    def _kept_replan(self, want: ModelSettings, base: Allocation, t1: float
                     ) -> tuple[Allocation, list[str], float]:
        """Re-plan after a pagu change on the planner's kept HiGHS model, from the opened
        scenario's plan (the choices of the agencies whose pagu moved solved anew, the
        others' held in the first search; from the opened plan, not the one on show, so
        the same controls give the same plan whatever the path): the first certified
        plan is shown at once, then the plan to the gap target. Returns the allocation,
        the quick lines and when the first certified plan came."""
        before = base.instance.pagu
        moved = {a for a in before.index if before[a] != want.pagu.get(a, before[a])}
        agency = self.planner.instance.programs.set_index("code")["agency"].to_dict()
        free = (lambda v, p: agency[p] in moved) if moved else None
        first: dict = {}

        def on_first(units, report, seconds):
            shown = PlanShown.of_units(self.planner.instance, units)
            first["lines"] = [_t("first_plan", self.lang, seconds=num(seconds, self.lang, 2),
                                 removed=num(shown.removed, self.lang),
                                 cost=num(shown.spending.sum(), self.lang),
                                 gap=pct(report.gap, self.lang),
                                 bound=num(report.bound, self.lang))]
            first["at"] = t1 + seconds
            self._progress(first["lines"])

        allocation = self.planner.kept_plan(base.tables.plan[["village", "program", "units"]],
                                            free=free, on_first=on_first)
        return allocation, first.get("lines", []), first.get("at", time.perf_counter())

    def _sync(self, want: ModelSettings) -> bool:
        """Bring the kept model to ``want``: new bounds when only pagu or the ceiling's
        value changed, else a new model. Returns whether the model was rebuilt."""
        if self.planner is not None and _same_structure(self.planner.settings, want):
            for code, value in want.pagu.items():
                if self.planner.settings.pagu.get(code) != value:
                    self.planner.set_pagu(code, value, check=False)
            ceiling = want.rules.district_ceiling
            if ceiling != self.planner.settings.rules.district_ceiling:
                self.planner.set_ceiling(ceiling, check=False)
            self.planner.check()  # once, on everything the controls ask for
            return False
        self.planner = None
        self.planner = Planner(self.ds, self.scores, want)
        return True

    def _shown(self, a: Allocation) -> PlanShown | None:
        """What to show: the proven plan; else the MIP's best plan so far when it keeps
        every rule (its gap is certified by the solver's bound); else the quick plan."""
        if a.is_plan:
            return PlanShown.of_allocation(a)
        if a.quick is not None and a.report.status != "infeasible":
            return PlanShown.of_units(a.instance, a.quick, bound=a.lp_bound)
        return None

    def _quick_lines(self, quick: QuickPlan, lp: SolveReport, seconds: float) -> list[str]:
        lang = self.lang
        if lp.status == "infeasible":
            return [_t("lp_infeasible", lang, seconds=num(seconds, lang, 2))]
        bound = lp.objective if lp.status == "optimal" else None
        if quick.best is None:
            return [_t("quick_none", lang, seconds=num(seconds, lang, 2),
                       bound=num(bound, lang))]
        shown = PlanShown.of_units(self.planner.instance, quick.best)
        return [_t("quick", lang, seconds=num(seconds, lang, 2),
                   removed=num(shown.removed, lang), cost=num(shown.spending.sum(), lang),
                   gap=pct(relative_gap(quick.best_objective, bound), lang),
                   bound=num(bound, lang))]

    def _mip_lines(self, a: Allocation) -> list[str]:
        lang, r = self.lang, a.report
        if a.explanation is not None:
            return [_t("no_plan", lang), a.explanation.render(a.instance, lang)]
        if a.is_plan:
            lines = [_t("mip_plan", lang, status=r.status, gap=pct(r.gap, lang),
                        target=pct(r.gap_target, lang), objective=num(r.objective, lang),
                        seconds=num(r.runtime, lang, 2))]
            if not r.proven:
                lines.append(plan_label(r, lang))
        else:
            lines = [_t("mip_failed", lang, status=r.status, detail=r.message or "-")]
        shown = self.current.source if self.current is not None else None
        if shown == "incumbent":
            lines.append(_t("showing_incumbent", lang, gap=pct(r.gap, lang)))
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
        self.status, self.timings = "presolve", {}
        self._finish()

    # --- comparison with the baseline ------------------------------------------------
    def _finish(self) -> None:
        """Summary, difference from the baseline, and the lines to show."""
        lang, now, base = self.lang, self.current, self.baseline
        report = self.allocation.report if self.allocation is not None else None
        self.summary = {
            "status": self.status,
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
                _t("removed", lang, removed=num(now.removed, lang),
                   before=num(now.before, lang, 0), base=num(base.removed, lang),
                   change=i18n.signed(now.removed - base.removed, lang)),
                _t("spending", lang, cost=num(now.spending.sum(), lang),
                   pagu=num(now.pagu.sum(), lang), base=num(base.spending.sum(), lang),
                   change=i18n.signed(now.spending.sum() - base.spending.sum(), lang))]
            if self.summary["within_tolerance"] and now is not base:
                lines.append(_t("within_tolerance", lang,
                                change=i18n.signed(now.objective - base.objective, lang),
                                tolerance=num(base.slack + now.slack, lang)))
        elif now is not None and self._opened:
            lines.append(_t("no_baseline", lang))
        if self.timings:
            t = self.timings
            lines.append(_t("timing", lang, sync=num(t["model"], lang, 2),
                            rebuilt=_t("rebuilt", lang) if t["rebuilt"] else "",
                            quick=num(t["quick"], lang, 2), plan=num(t["plan"], lang, 2),
                            total=num(t["total"], lang, 2)))
        self.report_lines = lines
        tone = "good" if now is not None and now.source == "mip" else \
            "busy" if now is not None else "bad"
        self.tone = "bad" if self.status in REFUSED else tone

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
            fmt = i18n.signed if column == "spending_change" else num
            shown[_t(f"col.{column}", lang)] = [fmt(v, lang) for v in frame[column]]
        return shown

    @property
    def table_head(self) -> str:
        return _t("table_head", self.lang, name=self.scenario.name)

    @property
    def text(self) -> str:
        """What is shown as plain text (status, gap, deprivations, the table)."""
        parts = list(self.report_lines)
        shown = self.table()
        if shown is not None:
            parts += [self.table_head, shown.to_string(index=False)]
        return "\n".join(parts)

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

    def _say(self, lines: list[str], ok: bool = True) -> None:
        self.notice = Notice(lines, ok)

    def save_scenario(self, path: str | Path, name: str | None = None,
                      description: str | None = None) -> Path | None:
        """Write the current settings as a scenario YAML (a folder gets
        ``<scenario>-penjelajah.yaml``); it loads with :func:`load_scenario` and gives
        the same model settings. Returns the file, or None (with :attr:`notice` saying
        why) when the locks are bad or the file cannot be written."""
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
        if path.exists() and not _saved_by_explorer(path):
            self._say([_t("save_not_ours", lang, path=path.as_posix())], ok=False)
            return None
        text = f"# {_t('yaml_header', lang)}\n" + yaml.safe_dump(
            tree, sort_keys=False, allow_unicode=True, width=88)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(f".{path.name}.part")
            part.write_text(text, encoding="utf-8")
            part.replace(path)  # atomic: never a half-written scenario
        except OSError as exc:
            self._say([_t("write_failed", lang, path=path.as_posix(),
                          detail=exc.strerror or exc)], ok=False)
            return None
        again = load_scenario(path).scenario.model_settings(self.agency_pagu)
        if again != self.settings:
            raise RuntimeError(f"{path} does not reproduce the explorer's settings")
        self._say([_t("saved", lang, path=path.as_posix(), base=tree["base"])])
        return path

    def run(self) -> Result:
        """The current settings run as ``planning run`` runs a scenario (the scenario's
        own solver settings), in memory: :func:`planning.pipeline.execute` of the opened
        scenario with the controls' values. Raises LockError, NoPlan, ModelError or
        PresolveError."""
        settings = self.settings
        record = scenario_record(
            self.loaded, self.data_dir, edited_in="explorer",
            settings=self.current_scenario(settings).model_dump(mode="json"))
        return execute(self.prepared.changed(settings, record))

    def agency_curve(self, agency: str) -> tuple[pd.DataFrame, bytes] | None:
        """The budget curve of ``agency``: its pagu from 50 % to 150 % of the controls'
        value (steps of 10 %), every other control as set, each point re-planned from the
        plan on show (:func:`planning.analysis.rakor.curves.agency_curves`): the table and
        its figure (PNG). None, with :attr:`notice` saying why, when there is no plan on
        show to start from."""
        from planning.analysis.rakor.curves import agency_curves
        from planning.data.summary import synthetic_note
        from planning.model.kept import KeptModel
        from planning.report.analysis import agency_curve_png

        if agency not in self.agency_pagu:
            raise ValueError(f"unknown agency {agency}; known: {', '.join(self.agency_pagu)}")
        if self.current is None:
            self.notice = Notice([_t("curve_no_plan", self.lang)], ok=False)
            return None
        settings = self.settings.model_copy(update={"solver": self.solver})
        planner = Planner(self.ds, self.scores, settings)
        kept = KeptModel(planner.model, settings.solver)
        table = agency_curves(planner, kept, self.current.plan[["village", "program", "units"]],
                              agencies=[agency])
        png = agency_curve_png(table, self.lang, synthetic_note(self.ds, self.lang))
        self.notice = Notice([_t("curve_drawn", self.lang, agency=self.names.get(agency, agency),
                                 points=int(table["objective"].notna().sum()))])
        return table, png

    def alternatives(self, k: int = 3):
        """Up to ``k`` near-optimal alternatives to the plan on show (within 2 % of its
        value, each differing in at least D village-programme choices;
        :func:`planning.analysis.alternatives.search`), every control as set; their
        paragraphs in :attr:`notice`. None, with :attr:`notice` saying why, when there is
        no plan on show."""
        from planning.analysis.alternatives import overview, search, summary

        if self.current is None:
            self.notice = Notice([_t("alternatives_no_plan", self.lang)], ok=False)
            return None
        settings = self.settings.model_copy(update={"solver": self.solver})
        planner = Planner(self.ds, self.scores, settings)
        alts = search(planner.model, settings.solver,
                      self.current.plan[["village", "program", "units"]],
                      float(self.current.objective), k=k)
        self.notice = Notice([overview(alts, self.lang),
                              *(summary(a, self.lang, alts.labels) for a in alts.alternatives)])
        return alts

    def export(self, folder: str | Path) -> Result | None:
        """Run the current settings (:meth:`run`) and write a whole results folder (CSV,
        JSON, figures, workbook) into ``folder``. Returns the result, or None with
        :attr:`notice` saying why (no plan: which rules conflict)."""
        from planning.report.folder import ResultsFolderError
        from planning.report.maps import MapError

        lang = self.lang
        try:
            result = self.run()
            result.write(folder)
        except (LockError, NoPlan, ModelError, PresolveError, MapError,
                ResultsFolderError) as exc:
            self._say([_t("export_failed", lang), *exc.render(lang).splitlines()], ok=False)
            return None
        except OSError as exc:
            self._say([_t("write_failed", lang, path=Path(folder).as_posix(),
                          detail=exc.strerror or exc)], ok=False)
            return None
        self.exported = result
        report = result.allocation.report
        self._say([_t("exported", lang, path=result.workbook_path.as_posix(),
                      folder=result.out_dir.as_posix(), gap=pct(report.gap_target, lang),
                      status=report.status)])
        return result

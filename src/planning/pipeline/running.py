"""Running: :func:`execute` a prepared run, and the one-call wrappers :func:`run_scenario`
and :func:`run` (prepare -> execute -> write)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from planning.i18n import KeyedMessage
from planning.model import Allocation, ModelError, ModelSettings, PresolveError, allocate
from planning.model.balance import efficiency_settings, is_balanced
from planning.model.progress import stage
from planning.pipeline.plan_summary import NoPlan
from planning.pipeline.preparing import Prepared, locks_located, prepare, prepare_data
from planning.pipeline.result import Result
from planning.pipeline.scores import PreparedScores, ScoresResult, execute_scores


def execute(prepared: Prepared | PreparedScores) -> Result | ScoresResult:
    """Score and allocate a prepared run and build its result in memory (nothing is
    written). Raises ModelError or PresolveError for settings the model cannot take and
    NoPlan when there is no plan. A prepared scoring job gives its score report; a
    scenario with a ``horizon:`` its multi-year plan
    (:class:`~planning.pipeline.years.YearsResult`).

    A balanced scenario (:func:`~planning.model.balance.is_balanced`) also gets its pure
    efficiency plan (:func:`efficiency_plan`), kept on the result for the price of
    balance; that plan failing never fails the run."""
    if isinstance(prepared, PreparedScores):
        return execute_scores(prepared)
    if prepared.settings.horizon is not None:
        from planning.pipeline.years import execute_years

        try:
            return execute_years(prepared)
        except PresolveError as error:
            raise locks_located(error, prepared.loaded) from None
    try:
        allocation = allocate(prepared.dataset, prepared.scores, prepared.settings)
    except PresolveError as error:
        raise locks_located(error, prepared.loaded) from None
    if not allocation.is_plan:
        raise NoPlan(allocation)
    if is_balanced(prepared.settings):
        with stage("efficiency") as found:
            efficiency, status = efficiency_plan(prepared)
            found.update(status=status, gap=None if efficiency is None
                         else efficiency.report.gap)
    else:
        efficiency, status = None, None
    return Result(prepared, allocation, efficiency=efficiency, efficiency_status=status)


def efficiency_plan(prepared: Prepared) -> tuple[Allocation | None, str | None]:
    """The pure efficiency counterpart of a balanced scenario (the same data and scenario
    with every balance setting off, :func:`~planning.model.balance.efficiency_settings`)
    and its status; (None, None) for a scenario that is not balanced. When the model
    refuses the counterpart (ModelError, PresolveError) the status is ``error``; an
    allocation without a plan is returned as it is (its report says why)."""
    if not is_balanced(prepared.settings):
        return None, None
    try:
        efficient = allocate(prepared.dataset, prepared.scores,
                             efficiency_settings(prepared.settings))
    except (ModelError, PresolveError):
        return None, "error"
    return efficient, str(efficient.report.status)


def run_scenario(path: str | Path, out_dir: str | Path | None = None,
                 lang: str | None = None, data: str | Path | None = None,
                 edited: str | Path | None = None,
                 boundary: str | Path | None = None) -> Result:
    """Run the scenario file ``path`` and write its results folder (``out_dir``, default
    ``results/<scenario name>``): :func:`prepare`, :func:`execute`, :meth:`Result.write`.
    Raises what they raise; in every such case ``out_dir`` is left as it was."""
    result = execute(prepare(path, out_dir, lang=lang, data=data, edited=edited,
                             boundary=boundary))
    _write(result)
    return result


def _write(result: Result) -> None:
    with stage("write") as found:
        result.write()
        found["path"] = str(result.out_dir)


def analyse_scenario(path: str | Path, out_dir: str | Path | None = None,
                     lang: str | None = None, which: tuple[str, ...] | None = None,
                     rules: list[str] | None = None, data: str | Path | None = None,
                     **many) -> Result:
    """Run the scenario file ``path`` as :func:`run_scenario` does, then the analyses for
    the coordination meeting (``which``: names of :data:`planning.analysis.rakor.ANALYSES`,
    default all; an empty tuple: none of them; ``rules``: price only these rules) of its
    plan, and write the results folder with them (``out_dir``, default
    ``results/<scenario name>``). ``many``: the scenario's ``analysis:`` settings to
    override (``alternatives``, ``share``, ``distance``, ``robustness``, ``seed``,
    ``scheduler``, ``workers``; :class:`planning.config.scenario.AnalysisSettings`) and
    ``progress``. Nothing is written when any step fails.

    A multi-year scenario (a ``horizon:`` section) gets the price of each rule over its
    horizon (:func:`planning.pipeline.years.analyse_years`; ``which`` None: that alone);
    asking it for an analysis of one year (``which`` or ``named``, or a count in ``many``)
    raises :class:`~planning.pipeline.years.OneYearOnly` before anything runs."""
    from planning.analysis.rakor import ANALYSES, MANY, analyse

    if isinstance(which, str):  # "prices" names one analysis, not its letters
        which = (which,)
    unknown = sorted(set(which or ()) - set(ANALYSES) - set(MANY))
    if unknown:  # before anything runs
        raise AnalysisAsked("analyse.unknown", names=", ".join(unknown),
                            known=", ".join((*ANALYSES, *MANY)))
    _check_many(many)
    prepared = prepare(path, out_dir, lang=lang, data=data)
    if prepared.settings.horizon is not None:
        from planning.pipeline.years import analyse_years

        asked = tuple(dict.fromkeys((*many.get("named", ()),
                                     *(n for n in MANY if many.get(n)))))
        result = analyse_years(prepared, which, rules, asked=asked)
        _write(result)
        return result
    settings = many_settings(prepared, **many)
    prepared = _recording(prepared, settings)
    result = execute(prepared)
    with stage("analyse"):
        result.add_analysis(analyse(prepared.dataset, prepared.scores, prepared.settings,
                                    result.allocation, which=tuple(ANALYSES if which is None
                                                                   else which),
                                    lang=prepared.lang, rules=rules, many=settings))
    _write(result)
    return result


class AnalysisAsked(KeyedMessage):
    """An analysis or an analysis setting asked for that cannot be (an unknown name, a
    count given as text); raised before anything runs."""


def _check_many(given: dict) -> None:
    """AnalysisAsked for an analysis setting of ``given`` that the scenario's
    ``analysis:`` section would refuse (``alternatives: '3'``, ``share: 2``), each
    checked as that section checks it, and named."""
    from pydantic import ValidationError

    from planning.config.scenario import AnalysisSettings

    for name, value in given.items():
        if name not in AnalysisSettings.model_fields or value is None:
            continue
        try:
            AnalysisSettings.model_validate({name: value}, strict=True)
        except ValidationError:
            raise AnalysisAsked("analyse.bad_setting", name=name, value=repr(value)) \
                from None


#: the analysis settings that shape a run's results (not where it ran)
SHAPING = ("alternatives", "share", "distance", "robustness", "seed")


def _recording(prepared: Prepared, many) -> Prepared:
    """``prepared`` whose recorded scenario (summary.json, the Meta sheet) holds the
    analysis settings the run used, the command line's over the scenario's, so that a
    reviewer re-running from the record gets the same Alternatif and Ketahanan sheets."""
    record = dict(prepared.scenario)
    settings = dict(record.get("settings") or {})
    if not settings:
        return prepared
    settings["analysis"] = {**(settings.get("analysis") or {}),
                            **{name: getattr(many, name) for name in SHAPING}}
    return dataclasses.replace(prepared, scenario={**record, "settings": settings})


def many_settings(prepared: Prepared, progress: bool = True, named: tuple[str, ...] = (),
                  **given):
    """The alternatives and robustness settings of a run: the scenario's ``analysis:``
    section with the values in ``given`` (those not None) over them; an analysis in
    ``named`` (``alternatives``, ``robustness``) that neither asks for runs with its
    default count (K = 5 alternatives, N = 200 draws)."""
    from planning.analysis.alternatives import DEFAULT_K
    from planning.analysis.rakor import Many
    from planning.analysis.robustness import DEFAULT_DRAWS
    from planning.config.scenario import AnalysisSettings

    sc = prepared.loaded.scenario if prepared.loaded is not None else None
    base = (sc.analysis if sc is not None else AnalysisSettings()).model_dump()
    unknown = set(given) - set(base)
    if unknown:
        raise TypeError(f"unknown analysis settings {sorted(unknown)}")
    values = {**base, **{k: v for k, v in given.items() if v is not None}}
    for name, default in (("alternatives", DEFAULT_K), ("robustness", DEFAULT_DRAWS)):
        if name in named and not values[name]:
            values[name] = default
    return Many(**values, scoring=sc.scoring if sc is not None else None,
                progress=progress)


def run(data_dir: str | Path, out_dir: str | Path, settings: ModelSettings | None = None,
        lang: str = "id") -> Result:
    """Load ``data_dir``, score (default settings), allocate with ``settings`` and write
    the results folder ``out_dir``. Raises DataError, ModelError or PresolveError on bad
    input and NoPlan when there is no plan; in every such case ``out_dir`` is left as it
    was."""
    result = execute(prepare_data(data_dir, out_dir, settings, lang))
    result.write()
    return result

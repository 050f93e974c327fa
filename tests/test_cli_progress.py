"""The command line as a planner meets it (issue 16): the progress of a run by stage on
stderr, -q and -v, a log file on request, a scenario given by name or mistyped,
``--version``, help that fits 80 columns; and progress never changes a file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planning.apps.cli import app

from .conftest import DATA, ROOT, run_notebook

#: the fastest shipped scenario (no balance setting, so no pure efficiency plan)
QUICK = "efisiensi-murni"
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
#: the stage lines of a run in English, in order; a gap is a percentage with 2 decimals
GAP = r"\d+\.\d\d%"
STAGES_EN = [r"Loading the scenario and the data: scenario efisiensi-murni, 148 villages, "
             r"30 programmes, 11 agencies \(\d+\.\d s\)",
             r"Scoring the villages: 27 focus villages \(\d+\.\d s\)",
             rf"Quick plan: 27 villages in the model, certified gap {GAP} \(\d+\.\d s\)",
             rf"MIP \(HiGHS\): status optimal, certified gap {GAP} \(\d+\.\d s\)",
             r"Writing the results folder \(tables, figures, workbook\): .+ \(\d+\.\d s\)"]


def invoke(*args, **env):
    return CliRunner(env=env or None).invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def project(monkeypatch_module):
    monkeypatch_module.chdir(ROOT)
    return ROOT


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def verbose(project, tmp_path_factory):
    """``planning run efisiensi-murni -v --lang en --log-file`` (a bare scenario name)."""
    tmp = tmp_path_factory.mktemp("verbose")
    log = tmp / "run.log"
    done = invoke("run", QUICK, "--out", tmp / "results", "--lang", "en", "-v",
                  "--log-file", log)
    assert done.exit_code == 0, done.output
    return done, tmp / "results", log


@pytest.fixture(scope="module")
def quiet(project, tmp_path_factory):
    """The same run with ``-q``, in Bahasa Indonesia (the bare name resolved silently)."""
    tmp = tmp_path_factory.mktemp("quiet")
    done = invoke("run", QUICK, "--out", tmp / "results", "-q")
    assert done.exit_code == 0, done.output
    return done, tmp / "results"


def _in_order(patterns: list[str], lines: list[str]) -> list[int]:
    """The index of the first line matching each pattern (fails if one has none)."""
    found = []
    for pattern in patterns:
        hits = [i for i, line in enumerate(lines) if re.fullmatch(pattern, line)]
        assert hits, (pattern, lines)
        found.append(hits[0])
    return found


def test_the_stages_are_told_in_order_on_stderr_with_the_gaps(verbose):
    done, _, _ = verbose
    lines = done.stderr.splitlines()
    assert lines[0] == f"Scenario: scenarios/{QUICK}.yaml"  # the bare name, resolved
    where = _in_order(STAGES_EN, lines)
    assert where == sorted(where)
    # -v: each stage's start and the solver's better plans, with objective, bound and gap
    assert "MIP (HiGHS) …" in lines
    solver = [line for line in lines[where[2]:where[3]] if line.startswith("  HiGHS ")]
    assert solver and all("better plan" in s or "objective" in s for s in solver)
    assert any(re.search(rf"gap {GAP}", s) for s in solver), solver
    # the summary stays alone on stdout
    assert not any(line.startswith(("Quick plan", "MIP (HiGHS)")) for line in
                   done.stdout.splitlines())
    assert "status optimal" in done.stdout


def test_the_gaps_shown_are_the_ones_the_run_records(verbose):
    """The quick plan's and the MIP's gaps on the screen are the certified gaps of
    summary.json."""
    done, results, _ = verbose
    plan = json.loads((results / "summary.json").read_text())["allocation"]
    for stage, key in (("Quick plan", "quick_plan_certified_gap"), (r"MIP \(HiGHS\)", "gap")):
        shown = re.search(rf"^{stage}: .*certified gap ({GAP})", done.stderr, re.M).group(1)
        assert shown == f"{plan[key] * 100:.2f}%", stage


def test_quiet_prints_no_stage_and_only_the_final_result(quiet):
    done, results = quiet
    assert done.stderr.splitlines() == []
    lines = done.stdout.splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith("Rencana alokasi: status optimal")
    assert lines[1] == f"Hasil ditulis ke: {results.resolve()}"
    assert lines[2].startswith("Buku kerja: ")


def test_progress_never_changes_a_file_in_one_language(project, tmp_path):
    """Byte for byte: the same run with -v and with -q, into two folders."""
    outs = []
    for flag in ("-v", "-q"):
        out = tmp_path / flag.strip("-") / "results"
        done = invoke("run", QUICK, "--out", out, flag)
        assert done.exit_code == 0, done.output
        outs.append(out)
    files = {p.relative_to(outs[0]).as_posix() for p in outs[0].rglob("*") if p.is_file()}
    assert files == {p.relative_to(outs[1]).as_posix() for p in outs[1].rglob("*")
                     if p.is_file()}
    assert len(files) >= 15 and "summary.json" in files
    for name in sorted(files - {"timing.json"}):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_the_log_file_has_the_stages_times_and_solver_gaps(verbose):
    _, _, log = verbose
    lines = log.read_text(encoding="utf-8").splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    assert re.fullmatch(rf"{stamp} INFO planning {re.escape(metadata.version('planning'))}: "
                        rf"planning run scenarios/{QUICK}\.yaml", lines[0])
    texts = [re.sub(rf"^{stamp} (INFO|DEBUG) ", "", line) for line in lines]
    _in_order(STAGES_EN, texts)
    assert any(re.fullmatch(rf"  HiGHS \d+\.\d s: better plan, .*gap {GAP}, .*", t)
               for t in texts), texts


def test_a_log_file_is_appended_to_and_another_file_never_overwritten(project, tmp_path,
                                                                      verbose):
    _, _, log = verbose
    kept = tmp_path / "run.log"
    shutil.copy(log, kept)
    before = kept.read_text(encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    refused = invoke("run", QUICK, "--out", tmp_path / "results", "--log-file", notes,
                     "--lang", "en")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "is not a log of planning; it is not overwritten" in refused.stderr
    assert notes.read_text() == "my notes\n" and not (tmp_path / "results").exists()
    inside = invoke("run", QUICK, "--out", tmp_path / "results", "--log-file",
                    tmp_path / "results" / "run.log")
    assert inside.exit_code == 1 and "di dalam folder hasil" in inside.stderr
    again = invoke("run", QUICK, "--out", tmp_path / "results", "-q", "--log-file", kept)
    assert again.exit_code == 0, again.output
    after = kept.read_text(encoding="utf-8")
    assert after.startswith(before) and len(after.splitlines()) > len(before.splitlines())
    assert "Rencana cepat: 27 desa dalam model, selisih tersertifikasi" in after[len(before):]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Scenario 'basline.yaml' not found. Did you mean 'baseline.yaml'?",
            "Scenarios in scenarios: " + ", ".join(SCENARIOS)]),
    ("id", ["Skenario 'basline.yaml' tidak ditemukan. Mungkin maksudnya 'baseline.yaml'?",
            "Skenario yang ada di scenarios: " + ", ".join(SCENARIOS)]),
])
def test_a_mistyped_scenario_lists_the_shipped_ones_and_the_closest(project, lang, words):
    for command in ("run", "analyse"):
        done = invoke(command, "basline.yaml", "--lang", lang)
        assert done.exit_code == 1, done.output
        assert "Traceback" not in done.output
        for part in words:
            assert part in done.stderr, done.stderr


def test_a_mistyped_path_suggests_the_file_in_its_folder(project):
    done = invoke("run", "scenarios/semua-dsa.yaml", "--lang", "en")
    assert done.exit_code == 1
    assert "Did you mean 'scenarios/semua-desa.yaml'?" in done.stderr


def test_a_name_without_any_scenario_folder_says_where_to_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = invoke("run", "baseline", "--lang", "en")
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert "there is no scenario file (*.yaml) in scenarios" in done.stderr


def test_quiet_and_verbose_together_is_a_usage_error(project):
    done = invoke("run", QUICK, "-q", "-v", "--lang", "en")
    assert done.exit_code == 2 and "cannot be used together" in done.stderr


def test_version_is_the_installed_package_version():
    done = invoke("--version")
    assert done.exit_code == 0
    assert done.stdout == f"planning {metadata.version('planning')}\n"


def _options(command) -> list[str]:
    return [name for p in command.params for name in (*p.opts, *p.secondary_opts)
            if name.startswith("-")]


def test_every_help_fits_80_columns_with_whole_option_names():
    import typer

    group = typer.main.get_command(app)
    commands = {"": group, **group.commands}
    assert {"run", "analyse", "validate", "compare", "score", "adopt"} <= set(commands)
    for name, command in commands.items():
        done = invoke(*([name] if name else []), "--help", COLUMNS="80")
        assert done.exit_code == 0, done.output
        lines = done.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80, (name, lines)
        assert "…" not in done.stdout
        for option in _options(command):
            assert re.search(rf"(^|[\s,/\[]){re.escape(option)}($|[\s,=/\]])",
                             done.stdout, re.M), (name, option)


@pytest.fixture
def two_scenario_project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "scenarios").mkdir(parents=True)
    for name in ("baseline", QUICK):  # efisiensi-murni changes the baseline
        shutil.copy(ROOT / "scenarios" / f"{name}.yaml", root / "scenarios")
    shutil.copytree(DATA, root / "data" / "buleleng")
    return root


def test_notebook_05_shows_each_stage_in_its_output(two_scenario_project, tmp_path):
    """A kernel's output is not a terminal: the stages appear in one output area of
    the re-run cell (updated in place), nothing on stderr (run_notebook checks)."""
    project = two_scenario_project
    executed = run_notebook("05_reviewer_rerun.ipynb", tmp_path,
                            scenario_dir=str(project / "scenarios"),
                            results_dir=str(project / "results"),
                            work_dir=str(tmp_path / "work"), lang="en")
    cell = next(c for c in executed.cells if "rerun_all(" in "".join(c["source"]))
    shown = [o["data"]["text/plain"] for o in cell["outputs"]
             if o.get("output_type") == "display_data" and "text/plain" in o.get("data", {})]
    assert len(shown) == 1, cell["outputs"]
    lines = shown[0].splitlines()
    assert lines[0].startswith("Loading the scenario and the data: scenario baseline,")
    assert any(line.startswith("Pure efficiency plan (price of balance): status optimal, "
                               "certified gap ") for line in lines), lines
    quick = lines.index(next(line for line in lines if "efisiensi-murni" in line))
    _in_order(STAGES_EN, lines[quick:])


def _solver_report(gap: float) -> None:
    import logging

    logging.getLogger("planning.model.solve").debug(
        "report", extra={"solver": {"kind": "running", "objective": 99.0, "bound": 100.0,
                                    "gap": gap, "nodes": 12, "seconds": 3.0}})


@pytest.mark.parametrize(("mode", "status_shown"), [("live", True), ("lines", False)])
def test_a_terminal_gets_a_live_line_with_the_current_gap(capsys, mode, status_shown):
    """On a terminal (tqdm) the running stage and the MIP's current gap are drawn as
    they change; in a pipe only the finished stage is a line."""
    from planning.apps.progress import shown
    from planning.model.progress import stage

    with shown("en", 1, mode=mode), stage("mip") as found:
        _solver_report(0.0123)
        found.update(status="optimal", gap=0.01)
    err = capsys.readouterr().err.replace("\r", "\n")
    assert ("MIP (HiGHS) … current gap 1.23%" in err) is status_shown, err
    assert re.search(r"^MIP \(HiGHS\): status optimal, certified gap 1\.00% \(\d\.\d s\)$",
                     err, re.M), err
    assert "HiGHS 3.0 s" not in err  # the solver's reports only with -v


def test_without_a_display_nothing_is_printed_and_logging_is_restored(capsys):
    import logging

    from planning.apps.progress import shown
    from planning.model.progress import stage

    logger = logging.getLogger("planning")
    before = logger.level, logger.propagate, list(logger.handlers)
    with shown("en", 0), stage("score") as found:
        found["focus"] = 3
    with shown("en", 1, mode="lines"), stage("score") as found:
        found["focus"] = 3
    assert (logger.level, logger.propagate, list(logger.handlers)) == before
    assert capsys.readouterr().err.splitlines()[0].startswith(
        "Scoring the villages: 3 focus villages (")


def test_a_pipe_gets_a_line_with_the_current_gap_during_a_long_mip(capsys, monkeypatch):
    """Where no live line can be drawn, a long MIP says its current gap every
    HEARTBEAT seconds (here: at once)."""
    import planning.apps.progress as progress
    from planning.model.progress import stage

    monkeypatch.setattr(progress, "HEARTBEAT", 0.0)
    with progress.shown("en", 1, mode="lines"), stage("mip") as found:
        _solver_report(0.0123)
        found.update(status="optimal", gap=0.01)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "MIP (HiGHS) still running: 3.0 s, current gap 1.23%"
    assert lines[1].startswith("MIP (HiGHS): status optimal, certified gap 1.00% (")


@pytest.mark.parametrize("flag", ["-q", None])
def test_an_error_is_said_once_quiet_or_not(project, tmp_path, flag):
    """Bad input under -q: the message once on stderr (the logging of the error goes only
    to a log file, never a second time to the screen through Python's last-resort
    handler). In a process of its own, as a planner runs it: pytest's own logging
    capture would hide a second copy."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nbase: no-such-base\n")
    done = subprocess.run(
        [sys.executable, "-c", "from planning.apps.cli import main; main()", "run", str(bad),
         "--out", str(tmp_path / "out"), "--lang", "en", *([flag] if flag else [])],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("no-such-base") == 1, done.stderr
    assert done.stderr.count("Nothing was written") == 1, done.stderr


def test_a_target_short_of_its_goal_never_reads_as_100_per_cent():
    """The console's target progress in whole per cents: 99.93 % of a target (not met)
    shows 99 %, not 100 %; a met target and smaller shares show as they round."""
    from planning.apps.cli import _short_of
    from planning.i18n import percent

    shown = {share: percent(_short_of(share), "en", 0)
             for share in (0.9993, 0.995, 1.0, 1.2, 0.504, 0.0)}
    assert shown == {0.9993: "99%", 0.995: "99%", 1.0: "100%", 1.2: "120%", 0.504: "50%",
                     0.0: "0%"}


@pytest.mark.parametrize(("lang", "years", "words"), [
    ("en", 1, "1 year, status optimal"), ("en", 5, "5 years, status optimal"),
    ("id", 1, "1 tahun, status optimal")])
def test_the_multi_year_stage_counts_its_years_in_words(lang, years, words):
    """The English line said "1 years"."""
    import logging

    from planning.apps.progress import stage_line

    record = logging.makeLogRecord({"stage": "years", "event": "done", "params": {
        "years": years, "status": "optimal", "gap": 0.0098, "seconds": 1.5}})
    line = stage_line(record, lang)
    assert words in line, line
    assert "1 years" not in line

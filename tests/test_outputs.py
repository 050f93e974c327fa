"""The results folder never destroys anything the tool did not write: --out refuses
folders of someone's files, the working folder, the project and the run's inputs; a run
killed at any moment leaves the old results or the new ones whole, and the next run
cleans up what the killed one left."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from planning.report import folder as outputs
from planning.report.folder import (
    MARKER,
    ResultsFolderError,
    check_target,
    read_marker,
    write_folder,
)
from tests.corpus import cli, folder_state

from .conftest import DATA, ROOT


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the project's scenarios and data, as the working folder."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(DATA, tmp_path / "data" / "buleleng")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if ".planning-" in p.name)


@pytest.mark.parametrize("out, said", [
    ("data", "holds an input of this run"), ("data/buleleng", "holds an input of this run"),
    (".", "cannot be used: it is the working folder"),
    ("scenarios", "holds an input of this run"),
    ("..", "cannot be used: it is the working folder")])
def test_out_refuses_inputs_and_the_working_folder(project, out, said):
    before = folder_state(project / "data")
    code, output = cli("run", "scenarios/baseline.yaml", "--out", out, "--lang", "en")
    assert code == 1 and "Traceback" not in output, output
    assert f"Results folder '{out}' {said}" in output
    assert "Nothing was written" in output
    assert folder_state(project / "data") == before
    assert sorted(p.name for p in project.iterdir()) == ["data", "scenarios"]


def test_the_project_folder_and_folders_above_cwd_are_refused(project):
    cwd = Path.cwd().resolve()
    # a folder holding both the working folder and the project is refused for the first
    # (a clone under /tmp, beside pytest's own temporary folders, is such a case)
    above_root = "holds_cwd" if ROOT.parent.resolve() in (cwd, *cwd.parents) else \
        "holds_project"
    for folder, key in ((ROOT, "holds_project"), (ROOT.parent, above_root),
                        (project.parent, "holds_cwd"), (Path("/"), "no_name")):
        with pytest.raises(ResultsFolderError) as caught:
            check_target(folder)
        assert caught.value.key == key, folder


def test_a_folder_of_the_users_files_is_never_replaced(project):
    mine = project / "laporan"
    mine.mkdir()
    (mine / "catatan.docx").write_bytes(b"my notes")
    code, output = cli("run", "scenarios/baseline.yaml", "--out", mine)
    assert code == 1 and "Traceback" not in output
    assert "laporan" in output and "tidak ditulis oleh planning" in output
    assert (mine / "catatan.docx").read_bytes() == b"my notes"
    assert sorted(p.name for p in mine.iterdir()) == ["catatan.docx"]
    # a file, a link
    code, output = cli("run", "scenarios/baseline.yaml", "--out", mine / "catatan.docx")
    assert code == 1 and "adalah berkas" in output
    # a folder inside a file: refused before any work, not after the solve
    code, output = cli("run", "scenarios/baseline.yaml", "--out", mine / "catatan.docx" / "x",
                       "--lang", "en")
    assert code == 1 and "cannot be made: '" in output and "catatan.docx' is a file" in output
    (project / "link").symlink_to(mine)
    code, output = cli("run", "scenarios/baseline.yaml", "--out", project / "link",
                       "--lang", "en")
    assert code == 1 and "is a link" in output
    assert (mine / "catatan.docx").read_bytes() == b"my notes"
    # score and compare refuse the same way
    code, output = cli("score", "--data", "data/buleleng", "--out", mine, "--draws", "0")
    assert code == 1 and "tidak ditulis oleh planning" in output
    assert sorted(p.name for p in mine.iterdir()) == ["catatan.docx"]


def test_files_added_to_an_earlier_results_folder_are_never_deleted(project):
    """A planner's notes, figures or folders put into an earlier results folder make
    ``--out`` refuse it (naming them), before any work; the folder is left as it was.
    Moved away, the folder is the tool's own again and is replaced."""
    target = project / "results" / "baseline"
    write_folder(target, {"allocation_plan.csv": b"a\n1\n", "figures/plan.png": b"png"})
    (target / "catatan.txt").write_text("rapat Senin")
    (target / "figures" / "tambahan.png").write_bytes(b"mine")
    (target / "arsip").mkdir()
    (target / "arsip" / "lama.csv").write_text("x")
    before = folder_state(target)
    with pytest.raises(ResultsFolderError) as caught:
        check_target(target)
    assert caught.value.key == "foreign_files"
    assert "arsip/, catatan.txt, figures/tambahan.png" in caught.value.render("en")
    for lang in ("id", "en"):
        code, output = cli("run", "scenarios/baseline.yaml", "--out", target, "--lang", lang)
        assert code == 1 and "Traceback" not in output, output
        assert "catatan.txt" in output and "figures/tambahan.png" in output
        assert ("tidak ditulis oleh planning" if lang == "id"
                else "planning did not write") in output
    assert folder_state(target) == before
    # six or more: five named and how many more
    for k in range(4):
        (target / f"extra{k}.txt").write_text("x")
    with pytest.raises(ResultsFolderError) as caught:
        check_target(target)
    assert "(+2)" in caught.value.render("en")
    for k in range(4):
        (target / f"extra{k}.txt").unlink()
    shutil.move(target / "catatan.txt", project / "catatan.txt")
    shutil.move(target / "arsip", project / "arsip")
    (target / "figures" / "tambahan.png").unlink()
    assert check_target(target) == target
    write_folder(target, {"allocation_plan.csv": b"a\n2\n"})
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "allocation_plan.csv"]
    assert (project / "catatan.txt").read_text() == "rapat Senin"


def test_a_workbook_edited_in_place_is_never_overwritten(project):
    """A results folder whose files someone changed after planning wrote them (the
    workbook edited in place, a table touched) is refused, naming them, before any work;
    put back as written, it is the tool's own again."""
    target = project / "results" / "baseline"
    written = {"rencana_alokasi.xlsx": b"workbook as written", "allocation_plan.csv": b"a\n1\n",
               "timing.json": b"{}\n"}
    write_folder(target, written)
    (target / "rencana_alokasi.xlsx").write_bytes(b"workbook with the planner's edits")
    (target / "timing.json").write_bytes(b'{"seconds": 1}\n')  # wall clock: not checked
    before = folder_state(target)
    with pytest.raises(ResultsFolderError) as caught:
        check_target(target)
    assert caught.value.key == "edited_files"
    assert "rencana_alokasi.xlsx changed since planning wrote them" in caught.value.render("en")
    code, output = cli("run", "scenarios/baseline.yaml", "--out", target, "--lang", "en")
    assert code == 1 and "rencana_alokasi.xlsx changed since planning wrote them" in output
    assert folder_state(target) == before
    (target / "rencana_alokasi.xlsx").write_bytes(b"workbook as written")
    assert check_target(target) == target


def test_another_commands_results_are_not_replaced(project):
    """A comparison (or scores) written into a plan's results folder would wipe the plan:
    refused, naming whose results they are. A plan of one year and a multi-year plan may
    replace each other (both from planning run)."""
    plan = project / "results" / "baseline"
    write_folder(plan, {"allocation_plan.csv": b"a\n1\n"}, kind="run")
    before = folder_state(plan)
    for kind in ("compare", "scores", "region"):
        with pytest.raises(ResultsFolderError) as caught:
            write_folder(plan, {"compare.csv": b"x\n"}, kind=kind)
        assert caught.value.key == "other_kind"
        assert "holds the results of another command (planning run / analyse)" in \
            caught.value.render("en")
    assert folder_state(plan) == before
    write_folder(plan, {"years.csv": b"y\n"}, kind="years")
    assert read_marker(plan)["kind"] == "years"
    compared = project / "results" / "cmp"
    write_folder(compared, {"compare.csv": b"x\n"}, kind="compare")
    code, output = cli("run", "scenarios/baseline.yaml", "--out", compared, "--lang", "en")
    assert code == 1 and "(planning compare)" in output, output
    assert (compared / "compare.csv").read_bytes() == b"x\n"


def test_own_results_are_replaced_with_normal_permissions(project):
    old = os.umask(0o022)
    try:
        empty = project / "results" / "baseline"
        empty.mkdir(parents=True)  # an empty folder may be used
        code, output = cli("run", "scenarios/baseline.yaml", "--out", empty)
        assert code == 0, output
        marker = read_marker(empty)
        assert marker["kind"] == "run" and len(marker["run_id"]) == 16
        assert set(marker["files"]) | {MARKER} == {
            p.relative_to(empty).as_posix() for p in empty.rglob("*") if p.is_file()}
        assert (empty.stat().st_mode & 0o777) == 0o755
        assert {p.stat().st_mode & 0o777 for p in empty.rglob("*") if p.is_file()} == {0o644}
        assert ((empty / "figures").stat().st_mode & 0o777) == 0o755
        first = (empty / MARKER).read_bytes()
        code, _ = cli("run", "scenarios/baseline.yaml", "--out", empty)
        assert code == 0
        assert (empty / MARKER).read_bytes() == first  # same inputs, same id
        assert _leftovers(empty) == []
    finally:
        os.umask(old)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_killed_runs_are_cleaned_by_the_next_run(tmp_path):
    target = tmp_path / "results"
    write_folder(target, {"a.csv": b"old\n"})
    pid = _dead_pid()
    staging = tmp_path / f".results.planning-tmp-{pid}-0a1b2c3d"
    staging.mkdir()
    (staging / "half.csv").write_bytes(b"half")
    parked = tmp_path / f".results.planning-old-{pid}-0a1b2c3e"
    shutil.copytree(target, parked)
    alive = tmp_path / f".results.planning-tmp-{os.getppid()}-0a1b2c3f"  # a live process
    alive.mkdir()
    other = tmp_path / ".results.kept"  # not ours
    other.mkdir()
    write_folder(target, {"a.csv": b"new\n"})
    assert (target / "a.csv").read_bytes() == b"new\n"
    assert _leftovers(target) == [alive.name]
    assert other.is_dir()


def test_a_parked_old_result_is_put_back_when_the_target_is_missing(tmp_path):
    """Killed between the two renames of the fallback swap: the next run restores the old
    results first (and then replaces them as usual)."""
    target = tmp_path / "results"
    write_folder(target, {"a.csv": b"old\n"})
    parked = tmp_path / f".results.planning-old-{_dead_pid()}-00ff00ff"
    target.rename(parked)
    outputs.clean_leftovers(target)
    assert (target / "a.csv").read_bytes() == b"old\n" and not parked.exists()


KILLER = textwrap.dedent("""
    import os, signal, sys, shutil
    from pathlib import Path
    from planning.report import folder as outputs
    where, count, exchange = sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    calls = {"n": 0}
    def hit():
        calls["n"] += 1
        if calls["n"] == count:
            os.kill(os.getpid(), signal.SIGKILL)
    def wrap(func):
        def inner(*a, **k):
            hit()
            return func(*a, **k)
        return inner
    if where == "write":
        outputs._write_file = wrap(outputs._write_file)
    elif where == "rename":
        outputs.os.rename = wrap(os.rename)
    elif where == "rmtree":
        outputs.shutil.rmtree = wrap(shutil.rmtree)
    if not exchange:
        outputs._exchange = lambda a, b: False
    files = {f"t{i}.csv": f"new {i}\\n".encode() * 200 for i in range(6)}
    files["figures/x.png"] = b"png" * 1000
    outputs.write_folder(sys.argv[1], files)
""")

OLD = {f"t{i}.csv": f"old {i}\n".encode() for i in range(4)}


def _whole(target: Path) -> str:
    """'old' or 'new' when the target holds that run complete, else fail."""
    files = {p.relative_to(target).as_posix(): p.read_bytes()
             for p in target.rglob("*") if p.is_file()}
    marker = json.loads(files.pop(MARKER))
    assert sorted(files) == marker["files"]
    if files == OLD:
        return "old"
    assert sorted(files) == sorted([f"t{i}.csv" for i in range(6)] + ["figures/x.png"])
    assert all(files[f"t{i}.csv"] == f"new {i}\n".encode() * 200 for i in range(6))
    return "new"


@pytest.mark.parametrize("where, counts, exchange", [
    ("write", (1, 3, 7, 8), True),   # while writing files, and the marker (the 8th)
    ("rmtree", (1,), True),          # after the swap, while removing the old results
    ("rename", (1, 2), False),       # the two renames of the fallback swap
    ("rmtree", (1,), False),
])
def test_a_run_killed_at_any_moment_leaves_old_or_new_whole(tmp_path, where, counts,
                                                            exchange):
    seen = set()
    for count in counts:
        target = tmp_path / f"r{count}"
        write_folder(target, OLD)
        done = subprocess.run([sys.executable, "-c", KILLER, str(target), where, str(count),
                               "1" if exchange else "0"], capture_output=True, text=True)
        assert done.returncode == -signal.SIGKILL, done.stderr
        if not target.exists():  # killed between the two renames: the next run restores
            outputs.clean_leftovers(target)
        seen.add(_whole(target))
        write_folder(target, OLD)  # the next run into the same place
        assert _whole(target) == "old" and _leftovers(target) == []
    assert seen <= {"old", "new"}


def test_killing_a_real_run_leaves_old_or_new_whole(project):
    """``planning run`` killed at several moments into a folder holding an earlier good
    run: afterwards the earlier run or the new one is there whole, and the next run
    leaves nothing behind."""
    target = project / "results" / "baseline"
    code, _ = cli("run", "scenarios/baseline.yaml", "--out", target)
    assert code == 0
    old = folder_state(target)
    planning = Path(sys.executable).with_name("planning")
    outcomes = []
    for delay in (0.5, 1.5, 2.5, 3.5, 5.0):
        child = subprocess.Popen([str(planning), "run", "scenarios/baseline.yaml", "--out",
                                  str(target), "--lang", "en"], cwd=project,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        outputs.clean_leftovers(target)
        marker = read_marker(target)
        assert marker is not None
        files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
        assert files == {*marker["files"], MARKER}
        if folder_state(target) == old:
            outcomes.append("old")
        else:
            assert "allocation_plan.xlsx" in files  # the English run, complete
            pd.read_csv(target / "allocation_plan.csv")
            outcomes.append("new")
        code, _ = cli("run", "scenarios/baseline.yaml", "--out", target)
        assert code == 0 and _leftovers(target) == []
        old = folder_state(target)
    assert outcomes  # (which moments hit which outcome depends on the machine's speed)


def test_csv_exports_neutralise_formulas():
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx",
                                   "\rx", "Sukasada", "-5", "-"], "n": range(9)})
    text = outputs.csv_bytes(frame).decode()
    rows = pd.read_csv(__import__("io").StringIO(text), dtype=str,
                       keep_default_na=False)["name"].tolist()
    assert rows[:6] == ["'=HYPERLINK(\"x\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\nx"]
    assert rows[6:] == ["Sukasada", "-5", "'-"]


def test_village_names_reach_the_csv_exports_as_text(project, tmp_path):
    villages = pd.read_csv("data/buleleng/villages.csv", dtype=str, keep_default_na=False)
    villages.loc[0, "name"] = "=cmd|' /C calc'!A0"
    villages.to_csv("data/buleleng/villages.csv", index=False, lineterminator="\n")
    code, output = cli("run", "scenarios/baseline.yaml", "--out", "results/x")
    assert code == 0, output
    for path in (project / "results" / "x").glob("*.csv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            for cell in line.split(","):
                assert not cell.startswith(("=", "@")), (path.name, cell)
    scores = (project / "results" / "x" / "village_scores.csv").read_text(encoding="utf-8")
    assert "'=cmd|' /C calc'!A0" in scores


def test_money_in_the_csv_files_keeps_its_digits():
    """Six significant digits wrote a year's pagu of 1,736.4375 juta Rp as 1736.44 and a
    province's 123,456.789 as 123457: pagu minus spending in the file no longer gave the
    'left' column beside it."""
    from planning.report.folder import csv_bytes

    frame = pd.DataFrame({"pagu": [1736.4375, 123456.789], "spent": [1640.0, 100000.0]})
    frame["left"] = frame["pagu"] - frame["spent"]
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)))
    assert back["pagu"].tolist() == [1736.4375, 123456.789]
    assert (back["pagu"] - back["spent"]).tolist() == pytest.approx(back["left"].tolist(),
                                                                    abs=1e-9)

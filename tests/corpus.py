"""Helpers for the corpus of malformed inputs: run the command line as a user would and
check what a user sees (exit code, message, no traceback) and that a results folder that
was there before is left exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from planning.apps.cli import app


def cli(*args: str) -> tuple[int, str]:
    """Run ``planning ARGS``; return the exit code and everything printed."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: "
                             f"{result.exception}\n{result.output}")
    return result.exit_code, result.output


def folder_state(folder: Path) -> dict[str, str]:
    """Every entry of ``folder``'s parent that starts with the folder's name (the folder,
    and any staging or swap folders beside it), and every file below them, with a hash of
    its bytes: equal states mean nothing was touched or left behind."""
    folder = Path(folder)
    state: dict[str, str] = {}
    for entry in sorted(folder.parent.iterdir()):
        if folder.name not in entry.name:
            continue
        paths = [entry, *sorted(entry.rglob("*"))] if entry.is_dir() else [entry]
        for path in paths:
            rel = path.relative_to(folder.parent).as_posix()
            state[rel] = (hashlib.sha256(path.read_bytes()).hexdigest()
                          if path.is_file() else "dir")
    return state


def assert_clear_failure(code: int, output: str, *names: str) -> None:
    """Exit code 1, no traceback, and every one of ``names`` (file, row, column or key)
    named in the message."""
    assert code == 1, (code, output)
    assert "Traceback" not in output, output
    for name in names:
        assert str(name) in output, (name, output)


def assert_named_on_one_line(output: str, parts: list[str]) -> None:
    """All of ``parts`` (file, sheet/row/column or key, words) on one line of the
    message, so the planner sees where the problem is without piecing lines together."""
    assert any(all(part in line for part in parts) for line in output.splitlines()), (
        parts, output)

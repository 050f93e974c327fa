"""The package reads as the pipeline (docs/architecture.md): import-linter's contracts in
pyproject.toml hold, and they do catch a lower layer importing a higher one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def _lint(project: Path) -> subprocess.CompletedProcess:
    env = {"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(project / "src"),
           "HOME": str(project)}
    return subprocess.run([str(LINT), "--no-cache", "--config", str(project / "pyproject.toml")],
                          cwd=project, env=env, capture_output=True, text=True)


def test_layers_and_no_cycles_hold():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def _planted(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """import-linter on a copy of the package whose ``module`` (a path below
    src/planning) has ``line`` added."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "src", project / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.po"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    path = project / "src" / "planning" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    return _lint(project)


@pytest.mark.parametrize(("module", "line", "said"), [
    ("model/evaluate.py", "from planning.report import labels",
     ["planning.model is not allowed to import planning.report",
      "planning.model.evaluate -> planning.report.labels"]),
    ("config/model.py", "from planning.config import scenario",
     ["No cycles are allowed in planning.config"]),
])
def test_a_wrong_way_import_or_a_cycle_breaks_a_contract(tmp_path, module, line, said):
    done = _planted(tmp_path, module, line)
    assert done.returncode == 1
    assert all(words in done.stdout for words in said), done.stdout


def test_every_import_of_planning_names_something_that_exists():
    """Imports inside functions (the command line imports lazily) are not checked by
    collecting the tests: every ``from planning... import name`` of the code and the
    tests must name a module or an attribute that exists."""
    import ast
    import importlib

    missing = []
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.split(".")[0] == "planning"):
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    continue
                try:
                    importlib.import_module(f"{node.module}.{alias.name}")
                except ImportError:
                    missing.append(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert missing == []

"""The package reads as the pipeline (docs/architecture.md): import-linter's contracts in
pyproject.toml hold, and they do catch a lower layer importing a higher one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "src", project / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.po"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    project = _copy(tmp_path)
    model = project / "src" / "planning" / "model" / "evaluate.py"
    model.write_text(model.read_text() + "\nfrom planning.report import labels  # noqa\n")
    done = _lint(project)
    assert done.returncode == 1
    assert "planning.model is not allowed to import planning.report" in done.stdout
    assert "planning.model.evaluate -> planning.report.labels" in done.stdout


def test_an_import_cycle_breaks_the_contract(tmp_path):
    project = _copy(tmp_path)
    settings = project / "src" / "planning" / "config" / "model.py"
    settings.write_text(settings.read_text() + "\nfrom planning.config import scenario  # noqa\n")
    done = _lint(project)
    assert done.returncode == 1
    assert "No cycles are allowed in planning.config" in done.stdout


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

"""Project set-up: the two README commands, CI, environment files, warning policy."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from .conftest import ROOT


def requirement(spec: str) -> tuple[str, str]:
    """('pandas', '>=2.1') from 'pandas>=2.1' (names normalised as pip does)."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_the_lock_pins_every_dependency_and_environment_yml_installs_it():
    """requirements.lock pins (==, with hashes) every dependency of pyproject.toml, and
    environment.yml installs exactly that lock, so conda users and the README's two
    commands get the same versions."""
    from planning.report.environment import read_lock

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {requirement(s)[0] for s in project["dependencies"]}
    wanted |= {requirement(s)[0] for s in project["optional-dependencies"]["dev"]}
    lock_text = (ROOT / "requirements.lock").read_text()
    pins = read_lock(ROOT / "requirements.lock")
    assert wanted <= set(pins), f"not locked: {wanted - set(pins)}"
    assert "setuptools" in pins  # the build back-end of the editable install, locked too
    for name in wanted:
        block = re.search(rf"^{re.escape(name)}==\S+.*?(?=^\S)", lock_text,
                          re.M | re.S | re.I)
        assert block and "--hash=sha256:" in block.group(0), name
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert conda == ["python=3.11", "pip"]
    assert pip == ["--require-hashes", "-r requirements.lock"]
    assert project["requires-python"] == ">=3.11"
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in makefile


def test_installed_versions_match_the_lock():
    """The test run itself uses the locked versions (make test installs from the lock)."""
    from planning.report.environment import lock_differences

    differ = [d for d in lock_differences(ROOT / "requirements.lock")
              if d.package not in ("pip", "planning")]
    assert differ == [], differ


def test_readme_gives_the_two_setup_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make run " in readme and "make test " in readme and "make lab" in readme
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#")]
    assert ci[-1].strip() == "make test"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: \$\(STAMP\)( system-deps)?\n(\t.*\n)*\t\$\(BIN\)/python -m pytest",
                     makefile, re.M)
    assert re.search(r"^run: \$\(STAMP\)\n\t\$\(BIN\)/planning run", makefile, re.M)


def test_deprecation_warnings_fail_the_tests(tmp_path):
    """PuLP's deprecated API (to be removed in PuLP 4) must fail under our pytest config."""
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import pulp\n\n"
        "def test_old_pulp_api():\n"
        "    pulp.LpVariable.dicts('x', [1, 2])\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
         str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(probe)],
        capture_output=True, text=True)
    assert done.returncode == 1, done.stdout
    assert "DeprecationWarning" in done.stdout


def test_results_are_ignored_by_git():
    assert "results/" in (ROOT / ".gitignore").read_text().split()

"""The documentation site builds in strict mode (a broken link, a page missing from the
navigation or a docstring the API pages cannot read fails), and nothing a reviewer reads
points outside the repository."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

MKDOCS = Path(sys.executable).with_name("mkdocs")
#: what a reviewer reads: the docs, the READMEs, the code, the notebooks, the scenarios
READ = ["README.md", "data/README.md", "notebooks/README.md", "scenarios/README.md",
        "docs", "src", "notebooks", "scenarios", "mkdocs.yml"]
OUTSIDE = re.compile(r"\.\./shared|DESIGN\.md|SOURCES\.md|/work/")


def test_the_site_builds_strictly(tmp_path):
    done = subprocess.run([str(MKDOCS), "build", "--strict", "--config-file",
                           str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr
    site = tmp_path / "site"
    # the formulation pages and an API page generated from the docstrings are there
    for page in ("scoring", "model", "solving", "architecture", "sources"):
        assert (site / page / "index.html").is_file(), page
    api = (site / "reference" / "model" / "index.html").read_text(encoding="utf-8")
    from planning.model import build

    first_line = build.add_kecamatan_share.__doc__.strip().splitlines()[0]
    assert "add_kecamatan_share" in api and first_line.split()[0] in api


def test_every_markdown_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert pages and [p for p in pages if p not in nav] == []


def test_nothing_points_outside_the_repository():
    found = []
    for name in READ:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()
                                               and p.suffix in (".md", ".py", ".ipynb",
                                                                ".yaml", ".yml", ".po")]
        for file in files:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if OUTSIDE.search(line):
                    found.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []

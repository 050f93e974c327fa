"""The reviewer's re-run compares the packages in use with requirements.lock."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from planning.apps.review import Review
from planning.report.environment import VersionDifference, lock_differences, read_lock


def _lock(tmp_path: Path) -> Path:
    pandas = metadata.version("pandas")
    path = tmp_path / "requirements.lock"
    path.write_text(
        "# a comment\n"
        f"pandas=={pandas} \\\n    --hash=sha256:00\n    # via planning\n"
        "PuLP==0.0.1 \\\n    --hash=sha256:11\n"
        "pywinpty==3.1.2 ; os_name == 'nt' \\\n    --hash=sha256:22\n"
        "no-such-package-here==1.0 ; python_full_version >= '3.11' \\\n", encoding="utf-8")
    return path


def test_the_lock_is_read_with_its_markers(tmp_path):
    pins = read_lock(_lock(tmp_path))
    assert pins["pandas"] == metadata.version("pandas")
    assert pins["pulp"] == "0.0.1"  # names normalised as pip does
    assert "pywinpty" not in pins  # only on Windows
    assert pins["no-such-package-here"] == "1.0"


def test_differing_and_missing_packages_are_named(tmp_path):
    differ = lock_differences(_lock(tmp_path))
    assert differ == [
        VersionDifference("no-such-package-here", "1.0", None),
        VersionDifference("pulp", "0.0.1", metadata.version("pulp")),
    ]
    review = Review(rows=(), scenario_dir=tmp_path, results_dir=tmp_path, work_dir=tmp_path,
                    versions=tuple(differ), locked=3)
    line = review.versions_line("en")
    assert line.startswith("Package versions DIFFER from requirements.lock (2 packages)")
    assert f"pulp {metadata.version('pulp')} (locked 0.0.1)" in line
    assert "no-such-package-here not installed (locked 1.0)" in line
    assert "make install" in line
    assert "BERBEDA" in review.versions_line("id") and "terkunci 0.0.1" in review.verdict("id")
    same = Review(rows=(), scenario_dir=tmp_path, results_dir=tmp_path, work_dir=tmp_path,
                  versions=(), locked=160)
    assert same.versions_line("en") == "Package versions match requirements.lock (160 packages)."
    none = Review(rows=(), scenario_dir=tmp_path, results_dir=tmp_path, work_dir=tmp_path)
    assert "not compared" in none.versions_line("en")

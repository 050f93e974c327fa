"""Mutation testing of four areas with mutmut 3 (docs/testing.md); `make mutation`.

    .venv/bin/python tools/mutation.py                    # every area, every mutant
    .venv/bin/python tools/mutation.py rules indices      # some areas
    .venv/bin/python tools/mutation.py --sample 25 data   # about 25 mutants of an area
    .venv/bin/python tools/mutation.py --report           # only print the last results

Each area runs apart, in mutants/areas/<area> (links to src/, tests/, data/, scenarios/
and a pyproject.toml made from the project's, whose [tool.mutmut] mutates only the area's
files and selects only the area's tests, TESTS below). There mutmut copies src/ and what
the tests read into mutants/, makes a mutant of every small change it can make to the
functions of the area's files (an operator, a constant, a string, a call argument, ...),
runs the area's tests once to record which tests call which function, then runs on each
mutant only those tests. A mutant is *killed* when a test fails, *survived* when all
pass. The score of an area is (killed + timeout) / total (a timeout is a mutant that
loops). mutmut keeps its results and re-tests only functions that changed; delete
mutants/ to start afresh (needed after adding tests to an area, so that they are
recorded). ``--together`` runs the areas at once from the project folder with the
selection of [tool.mutmut] in pyproject.toml instead (slower: every test of every area is
recorded, and a plain ``mutmut run`` does the same).

``--sample N`` runs about N mutants per area, evenly spread over the sorted list of the
area's mutant names (every K-th, K = ceil(total / N)): a reproducible sample for an area
too slow to run in full.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")

#: area -> the fast tests of that area (each area runs apart with only these)
TESTS: dict[str, tuple[str, ...]] = {
    "rules": ("tests/test_model_tiny.py", "tests/test_rules_exact.py",
              "tests/test_rule_registry.py"),
    "data": ("tests/test_validation.py", "tests/test_malformed_data.py",
             "tests/test_dataset.py", "tests/test_checks_exact.py",
             "tests/test_schemas_exact.py", "--deselect",
             "tests/test_validation.py::test_fifty_thousand_problems_print_forty_lines"),
    "roundtrip": ("tests/test_roundtrip.py", "tests/test_malformed_workbook.py",
                  "tests/test_roundtrip_exact.py", "--deselect",
                  "tests/test_malformed_workbook.py::"
                  "test_fifty_thousand_bad_rows_print_a_capped_list"),
    "indices": ("tests/test_scoring.py", "tests/test_indices_exact.py"),
}
LINKED = ("src", "tests", "data", "scenarios", "requirements.lock")

#: area -> the source files it mutates (as in [tool.mutmut] only_mutate)
AREAS: dict[str, tuple[str, ...]] = {
    "rules": ("src/planning/model/build.py", "src/planning/model/rules.py",
              "src/planning/model/check.py"),
    "data": ("src/planning/data/checks.py", "src/planning/data/schemas.py",
             "src/planning/data/limits.py", "src/planning/data/reading.py",
             "src/planning/data/loading.py"),
    "roundtrip": ("src/planning/report/roundtrip.py",),
    "indices": ("src/planning/scoring/indices.py",),
}

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
          34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
          255: "timeout", 37: "caught by type check", None: "not checked"}


def module_glob(path: str) -> str:
    """The mutant-name pattern of a source file: src/planning/a/b.py -> planning.a.b.*"""
    return path.removeprefix("src/").removesuffix(".py").replace("/", ".") + ".*"


#: where mutmut runs: an area's folder, or the project folder (``--together``)
HERE = ROOT


def area_folder(area: str) -> Path:
    """mutants/areas/<area>: links to the project's files and a pyproject.toml whose
    [tool.mutmut] mutates only the area's files and selects only the area's tests."""
    folder = ROOT / "mutants" / "areas" / area
    folder.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = folder / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.pytest.ini_options]")
    pytest_section = text[start:text.index("\n[", start + 1)]
    mutmut = tomllib.loads(text)["tool"]["mutmut"]
    mutmut.update(only_mutate=list(AREAS[area]),
                  pytest_add_cli_args_test_selection=list(TESTS[area]))
    lines = ["[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in
                                 mutmut.items()]
    (folder / "pyproject.toml").write_text(pytest_section + "\n" + "\n".join(lines) + "\n",
                                           encoding="utf-8")
    return folder


def results(path: str) -> dict[str, int | None]:
    meta = HERE / "mutants" / (path + ".meta")
    if not meta.is_file():
        return {}
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def generate() -> None:
    """Write mutants/ (the mutated copies and their empty results) without running tests,
    so that a sample can be named."""
    code = ("import os, sys; os.chdir(sys.argv[1]); from mutmut import __main__ as m;"
            "from mutmut.utils.file_utils import copy_src_dir, copy_also_copy_files;"
            "os.makedirs('mutants', exist_ok=True); copy_src_dir(); copy_also_copy_files();"
            "m.create_mutants(2)")
    subprocess.run([sys.executable, "-c", code, str(HERE)], check=True,
                   stdout=subprocess.DEVNULL)


def sample(areas: list[str], size: int) -> list[str]:
    if not all(results(p) for a in areas for p in AREAS[a]):
        generate()
    names = []
    for area in areas:
        keys = sorted(k for p in AREAS[area] for k in results(p))
        names += keys[::max(1, math.ceil(len(keys) / size))]
    return names


def report(areas: list[str], names: list[str] | None) -> bool:
    """Print killed / total per area and the survivors; True when nothing is unchecked."""
    complete = True
    print(f"\n{'area':<10} {'killed':>7} {'timeout':>8} {'survived':>9} {'other':>6} "
          f"{'total':>6} {'score':>7}")
    survivors: dict[str, list[str]] = {}
    for area in areas:
        counts = {"killed": 0, "timeout": 0, "survived": 0, "other": 0}
        for path in AREAS[area]:
            for key, code in results(path).items():
                if names is not None and key not in names:
                    continue
                status = STATUS.get(code, "suspicious")
                if status in counts:
                    counts[status] += 1
                else:
                    counts["other"] += 1
                    complete &= status != "not checked"
                if status != "killed" and status != "timeout":
                    survivors.setdefault(area, []).append(f"{key}: {status}")
        total = sum(counts.values())
        score = (counts["killed"] + counts["timeout"]) / total if total else float("nan")
        print(f"{area:<10} {counts['killed']:>7} {counts['timeout']:>8} "
              f"{counts['survived']:>9} {counts['other']:>6} {total:>6} {score:>7.1%}")
    for area, keys in survivors.items():
        print(f"\nnot killed in {area} ({len(keys)}; see one with "
              f"`mutmut show NAME` in {HERE}):")
        for key in sorted(keys):
            print("   ", key)
    return complete


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("areas", nargs="*", metavar="AREA",
                        help=f"some of {', '.join(AREAS)} (default: all)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="run about N mutants per area (evenly spread), not all")
    parser.add_argument("--max-children", type=int, default=2,
                        help="mutants tested at once (default 2)")
    parser.add_argument("--report", action="store_true", help="only print the last results")
    parser.add_argument("--together", action="store_true",
                        help="run the areas at once from the project folder, with the test "
                             "selection of [tool.mutmut] (default: each area apart, in "
                             "mutants/areas/<area>, with only its own tests: much faster)")
    args = parser.parse_args(argv)
    areas = args.areas or list(AREAS)
    unknown = [a for a in areas if a not in AREAS]
    if unknown:
        parser.error(f"unknown area {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    separate = not args.together
    groups = [[area] for area in areas] if separate else [areas]
    complete = True
    for group in groups:
        global HERE
        HERE = area_folder(group[0]) if separate else ROOT
        os.chdir(HERE)
        names = sample(group, args.sample) if args.sample else None
        if not args.report:
            targets = names or [module_glob(p) for a in group for p in AREAS[a]]
            start = time.monotonic()
            run = subprocess.run([str(MUTMUT), "run", "--max-children",
                                  str(args.max_children), *targets])
            minutes = (time.monotonic() - start) / 60
            print(f"\nmutmut run in {HERE}: exit {run.returncode}, {minutes:.1f} min")
        complete &= report(group, set(names) if names else None)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())

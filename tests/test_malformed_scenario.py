"""A corpus of malformed scenario files, each written next to a copy of the shipped
``baseline.yaml`` (the base every scenario in a folder changes).

For every one, as a planner would type it: ``planning run FOLDER/bad.yaml --out RESULTS``
exits with 1, prints no traceback, and names on one line the file and the key (or the
line, where the file is not a YAML mapping at all); the results folder of an earlier good
run is left exactly as it was. A sample is checked in English too. The "billion laughs"
files are refused by the loader before anything is expanded, so they cannot hang.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planning.config.reading import MAX_BYTES, MAX_VALUES, SettingsError
from planning.config.scenario import load_scenario
from planning.i18n import MAX_LINES, abridge, text

from .conftest import DATA, ROOT
from .corpus import assert_clear_failure, assert_named_on_one_line, cli, folder_state

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def line(n: int) -> dict[str, str]:
    return {"id": f"baris {n}", "en": f"line {n}"}


def laughs() -> str:
    """The classic "billion laughs": nine levels of nine aliases, under 1 KB."""
    out = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        out += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    return out


def doubling(levels: int = 25) -> str:
    """Two aliases a level, 2**levels values once expanded."""
    out = "x0: &x0 [lol, lol]\n"
    for n in range(1, levels):
        out += f"x{n}: &x{n} [*x{n - 1}, *x{n - 1}]\n"
    return out


LATIN1 = "description: Rencana desa caf\u00e9\n".encode("latin-1")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))

# (case id, content of bad.yaml (text, bytes, None for a folder, or a dict of files),
#  key or None, more words); a dict of files may name the file the message must name
# under the key "named"
CORPUS = [
    # the loader's bounds
    ("billion laughs", laughs(), None, [str(MAX_VALUES), line(6)]),
    ("doubling aliases", doubling(), None, [str(MAX_VALUES)]),
    ("more aliases than allowed", "a: &a 1\nb: [" + ", ".join(["*a"] * 60) + "]\n", None,
     ["50", line(2)]),
    ("alias inside its own anchor", "a: &a [1, *a]\n", None, [line(1)]),
    ("nested 100 levels", "scoring: " + "[" * 100 + "]" * 100 + "\n", None, ["32", line(1)]),
    ("more than 256 KB", "# " * MAX_BYTES, None, [str(MAX_BYTES)]),
    ("5,000-digit number", "solver:\n  seed: " + "9" * 5000 + "\n", None, [line(2)]),
    # the file itself
    ("not UTF-8", LATIN1, None, ["UTF-8"]),
    ("UTF-16", "name: x\n".encode("utf-16"), None, ["UTF-16"]),
    ("binary file", PNG, None, [{"id": "biner", "en": "binary"}]),
    ("a folder", None, None, ["folder"]),
    ("empty file", "", None, [{"id": "kosong", "en": "empty"}]),
    ("only comments", "# nothing yet\n\n", None, [{"id": "kosong", "en": "empty"}]),
    ("list at the top level", "- budgets\n- rules\n", None, ["list"]),
    ("tab indentation", "rules:\n  saturation: true\n\tcapacity: false\n", None,
     [line(3), "tab"]),
    ("key given twice", "rules:\n  capacity: false\nrules:\n  saturation: false\n", None,
     ["'rules'", line(3)]),
    # the base
    ("base missing", "base: basline\n", "base", ["basline", "'baseline'"]),
    ("base malformed", {"bad.yaml": "base: broken\n", "broken.yaml": "rules: [\n",
                        "named": "broken.yaml"}, None, [line(2)]),
    # keys and values of the wrong kind
    ("key that is a number", "1: x\n", None, [{"id": "kunci 1", "en": "key 1"}]),
    ("section that is a list", "budgets: [1, 2]\n", "budgets", []),
    ("NaN in a budget", "budgets:\n  change_pct: .nan\n", "budgets.change_pct", ["nan"]),
    ("infinity in a rule", "rules:\n  kecamatan_min_share: .inf\n",
     "rules.kecamatan_min_share", ["inf"]),
    ("infinite solver time", "solver:\n  time_limit: .inf\n", "solver.time_limit", []),
    ("huge pagu", "budgets:\n  agencies:\n    PUTR: {pagu: 1.0e+300}\n",
     "budgets.agencies.PUTR.pagu", ["1e+300", "1000000000"]),
    ("huge seed", "scoring:\n  seed: 99999999999\n", "scoring.seed", []),
    ("negative pagu", "budgets:\n  agencies:\n    DPMD: {pagu: -5}\n",
     "budgets.agencies.DPMD.pagu", ["-5"]),
    ("value 5,000 characters long", "villages: " + "Y" * 5000 + "\n", "villages",
     ["Y" * 20 + "…"]),
    ("results folder outside results", "name: ../../elsewhere\n", "name", []),
    ("NUL byte in the data path", 'data: "data/bule\\0leng"\n', "data", []),
    # codes the data set does not know
    ("unknown agency", "budgets:\n  agencies:\n    PERKIMT: {pagu: 100}\n",
     "budgets.agencies.PERKIMT", ["'PERKIMTA'", "agencies.csv"]),
    ("unknown village", "villages: [51.08.01.2001, 51.08.01.2999]\n", "villages.1",
     ["51.08.01.2999", "villages.csv"]),
    ("village by its BPS code, a number", "villages: [5108010001]\n", "villages.0",
     ["'51.08.01.2001'", {"id": "kode BPS", "en": "BPS code"}]),
    ("village code as a number in a lock",
     "locks:\n  - {village: 5108010002, program: PKM-RTLH}\n", "locks.0.village",
     ["'51.08.01.2002'"]),
    ("unknown village as a number", "villages: [5108019999]\n", "villages.0",
     ["5108019999", "villages.csv"]),
    ("forced focus village as a number", "scoring:\n  focus:\n    force_in: [5108012001]\n",
     "scoring.focus.force_in", ["5108012001"]),
    ("unknown programme in a lock", "locks:\n  - {village: 51.08.01.2001, program: PKM-RTL}\n",
     "locks.0.program", ["'PKM-RTLH'"]),
    # locks
    ("lock without a programme", "locks:\n  - {village: 51.08.01.2001}\n", "locks.0.program",
     []),
    ("lock with fractional units",
     "locks:\n  - {village: 51.08.01.2001, program: PKM-RTLH, units: 2.5}\n",
     "locks.0.units", ["2.5"]),
    ("lock above the programme's limit",
     "locks:\n  - {village: 51.08.01.2001, program: PKM-RTLH, units: 999}\n", "locks.0",
     ["999", "PKM-RTLH"]),
    ("locks not a list", "locks: {village: 51.08.01.2001, program: PKM-RTLH}\n", "locks", []),
    ("the same lock twice", "locks:\n  - {village: 51.08.01.2001, program: PKM-RTLH}\n"
     "  - {village: 51.08.01.2001, program: PKM-RTLH, units: 3}\n", "locks.1", ["locks.0"]),
]
#: cases also checked with --lang en
SAMPLE_EN = ["billion laughs", "binary file", "empty file", "base missing",
             "NaN in a budget", "huge pagu", "unknown agency",
             "village by its BPS code, a number",
             "lock above the programme's limit", "the same lock twice"]
BY_ID = {case[0]: case[1:] for case in CORPUS}


def test_corpus_is_large_and_distinct():
    assert len(CORPUS) >= 15
    assert len(BY_ID) == len(CORPUS)


def write_case(folder: Path, content) -> tuple[Path, str]:
    """Write a case next to a copy of baseline.yaml; the file to run, the file named."""
    folder.mkdir()
    shutil.copy(BASELINE, folder / "baseline.yaml")
    files = content if isinstance(content, dict) else {"bad.yaml": content}
    for name, data in files.items():
        path = folder / name
        if name == "named":
            continue
        if data is None:
            path.mkdir()
        elif isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return folder / "bad.yaml", files.get("named", "bad.yaml")


def parts_of(file: str, key: str | None, words: list, lang: str) -> list[str]:
    """What one message line must hold: the file, the key, the words."""
    parts = [file]
    if key is not None:
        parts.append(text("where.key", lang, path=key))
    return parts + [w[lang] if isinstance(w, dict) else w for w in words]


def check_case(case_id: str, lang: str, results: Path, tmp_path: Path) -> str:
    content, key, words = BY_ID[case_id]
    path, named = write_case(tmp_path / "scenarios", content)
    before = folder_state(results)
    code, output = cli("run", path, "--data", DATA, "--out", results, "--lang", lang)
    parts = parts_of(named, key, words, lang)
    assert_clear_failure(code, output, *parts)
    assert_named_on_one_line(output, parts)
    assert folder_state(results) == before
    return output


@pytest.mark.parametrize("case_id", list(BY_ID))
def test_malformed_scenario_is_a_clear_failure(case_id, results, tmp_path):
    check_case(case_id, "id", results, tmp_path)


@pytest.mark.parametrize("case_id", SAMPLE_EN)
def test_malformed_scenario_in_english(case_id, results, tmp_path):
    check_case(case_id, "en", results, tmp_path)


def test_a_long_value_is_never_printed_whole(results, tmp_path):
    output = check_case("value 5,000 characters long", "id", results, tmp_path)
    assert "Y" * 100 not in output


def test_the_loader_refuses_an_alias_bomb_before_expanding_it(tmp_path):
    """Sixty levels of doubling would be 2**60 values: refused while composing."""
    path, _ = write_case(tmp_path / "s", doubling(levels=25) + "y: &y [*x24, *x24]\n")
    with pytest.raises(SettingsError) as caught:
        load_scenario(path)
    assert str(MAX_VALUES) in caught.value.render("en")


def test_planning_score_refuses_the_alias_bomb_too(tmp_path):
    path, _ = write_case(tmp_path / "s", laughs())
    code, output = cli("score", "--scenario", path, "--data", DATA, "--out",
                       tmp_path / "scores")
    assert_clear_failure(code, output, "bad.yaml", str(MAX_VALUES))
    assert not (tmp_path / "scores").exists()


def test_many_problems_are_counted_not_all_listed(results, tmp_path):
    codes = ", ".join(f"51.08.01.{n:04d}" for n in range(3000, 3100))
    path, _ = write_case(tmp_path / "s", f"villages: [{codes}]\n")
    before = folder_state(results)
    code, output = cli("run", path, "--data", DATA, "--out", results)
    assert_clear_failure(code, output, "bad.yaml", "villages.0", "51.08.01.3000")
    assert output.count("[GALAT]") == MAX_LINES
    assert text("report.more", "id", n=100 - MAX_LINES) in output
    assert folder_state(results) == before


def test_abridge_never_expands_a_value():
    nested: list = ["lol"] * 9
    for _ in range(8):
        nested = [nested] * 9  # 9**9 leaves, shared: cheap to hold, ruinous to print
    for value in (nested, "x" * 10**6, 10**5000, {"k" * 500: ["v" * 500] * 500}):
        assert len(abridge(value)) <= 80
    assert abridge("a\nb\x1b[31m") == "a\\nb\\x1b[31m"
    assert abridge("kode") == "kode" and abridge(2.5) == "2.5"


def test_a_multi_year_plan_with_an_impossible_lock_says_the_lock(results, tmp_path):
    """Locks apply to the first planned year of a horizon. A lock no plan can keep used
    to end in the horizon's general advice (lower a target, raise a pagu); it is now
    named at its scenario key, as in a one-year plan."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(BASELINE, folder / "baseline.yaml")
    shutil.copy(ROOT / "scenarios" / "rpjmd-2026-2030.yaml", folder / "rpjmd.yaml")
    bad = folder / "bad.yaml"
    bad.write_text("base: rpjmd\nname: bad\nlocks:\n"
                   "  - {village: 51.08.01.2001, program: PKM-RTLH, units: 999}\n",
                   encoding="utf-8")
    before = folder_state(results)
    for lang in ("id", "en"):
        code, output = cli("run", bad, "--data", DATA, "--out", results, "--lang", lang)
        parts = ["bad.yaml", text("where.key", lang, path="locks.0"), "999", "PKM-RTLH"]
        assert_clear_failure(code, output, *parts)
        assert_named_on_one_line(output, parts)
        assert text("years.infeasible", lang, status="infeasible", detail="-") not in output
    assert folder_state(results) == before

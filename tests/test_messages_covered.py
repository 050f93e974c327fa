"""Guard (issue 11): every message the data validation and the spreadsheet round trip can
report has a test that renders it in both languages and checks where it points.

How it works, and why it cannot pass vacuously:

* **The keys the code can emit** are read from the source, not listed by hand: every
  string literal of ``planning/data/{reading,loading,checks,limits,schemas}.py`` and of
  ``planning/report/roundtrip.py`` that is a key of ``planning.i18n.MESSAGES``. That catches keys
  passed through helpers as well (``references(..., "unknown_kecamatan", ...)``, the
  ``checks`` list of the round trip). A literal of another family of messages in those
  files fails the guard until it is classified here. The collection is itself checked:
  every ``problem(..)``, ``_problem(..)``, ``_refuse(..)``, ``Limit(..)`` and
  ``Phrase(..)`` call with a literal key must be among the keys found, and a known key
  of each module must be there.
* **The keys with a test** are the ``key`` column of the tables that drive the two
  table tests: ``CHECKS`` (and ``DEDICATED``, key -> test function) in
  ``tests/test_validation.py`` and ``ROUNDTRIP_CASES`` in ``tests/test_roundtrip.py``.
  Each case of those tables makes the input, finds the problem by its exact key, file (and
  sheet), row and column, and checks the rendered message in Bahasa Indonesia and in
  English: where it points (file, sheet, row, column, written out independently) and its
  words (what is wrong, what to do). The guard checks that the table tests are
  parametrized with exactly those tables, so a case listed is a case run.
* **Message parts** (a plausibility limit's reason ``limit.*``, the reason a file is not
  a workbook ``roundtrip.kind.*``) count as tested when a case of their parent message
  expects their whole text (their literal parts, in order) in both languages.
* The guard fails for a key without a case, and for a case whose key the code no longer
  emits. ``test_the_guard_reports_what_is_missing`` shows on altered tables that it does.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from planning.i18n import LANGUAGES, MESSAGES

from . import test_roundtrip as roundtrip_tests
from . import test_validation as validation_tests
from .conftest import ROOT

SOURCE = ROOT / "src" / "planning"
DATA_MODULES = [SOURCE / "data" / f"{name}.py"
                for name in ("reading", "loading", "checks", "limits", "schemas")]
ROUNDTRIP_MODULE = SOURCE / "report" / "roundtrip.py"
#: families of message parts: prefix -> the message they are rendered into
PARTS = {"limit.": "above_limit", "roundtrip.kind.": "roundtrip.not_planning",
         "roundtrip.more_rows": "roundtrip.breaks_pagu"}
#: message keys that the round trip uses for something else than a problem: the words of
#: a lock cell ("yes"/"no" are also message keys) and the parts of where a problem is
NOT_PROBLEMS = {"yes", "no", "severity.error", "where.sheet", "where.row", "where.column"}
#: a key of each module that must be found (checks the collection itself)
KNOWN = {"reading": "not_utf8", "loading": "not_a_number", "checks": "unknown_agency",
         "limits": "above_limit", "roundtrip": "roundtrip.breaks_pagu"}


def literals(path: Path) -> set[str]:
    """Every string literal of the module at ``path`` that is a message key."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value in MESSAGES}


def call_keys(path: Path, functions: dict[str, int]) -> set[str]:
    """The literal key arguments of calls to ``functions`` (name -> position of the key)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", None))
        position = functions.get(name)
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(arg.value)
    return found


def data_keys() -> tuple[set[str], set[str]]:
    """(problem keys, message parts) the data validation can emit."""
    keys: set[str] = set()
    for path in DATA_MODULES:
        found = literals(path)
        module = path.stem
        if module in KNOWN:
            assert KNOWN[module] in found, (module, sorted(found))
        keys |= found
    parts = {k for k in keys if k.startswith(tuple(PARTS))}
    problems = {k for k in keys - parts if "." not in k}
    assert keys == problems | parts, f"unclassified keys: {sorted(keys - problems - parts)}"
    return problems, parts


def roundtrip_keys() -> tuple[set[str], set[str]]:
    """(problem keys, message parts) the round trip can emit."""
    keys = literals(ROUNDTRIP_MODULE) - NOT_PROBLEMS
    assert KNOWN["roundtrip"] in keys
    parts = {k for k in keys if k.startswith(tuple(PARTS))}
    problems = {k for k in keys - parts if k.startswith("roundtrip.")}
    assert keys == problems | parts, f"unclassified keys: {sorted(keys - problems - parts)}"
    return problems, parts


def words_of(case, lang: str) -> list[str]:
    """The expected words of a table case (the last two fields: Bahasa Indonesia,
    English), as a list of texts."""
    words = case[-2] if lang == "id" else case[-1]
    return [words] if isinstance(words, str) else list(words)


def template(key: str, lang: str) -> re.Pattern:
    """A message's text with its parameters as wildcards."""
    text = MESSAGES[key][LANGUAGES.index(lang)]
    pieces = re.split(r"\{[^}]*\}", text)
    return re.compile(".+?".join(re.escape(p) for p in pieces))


def missing(emitted: set[str], tested: set[str]) -> set[str]:
    return emitted - tested


def untested_parts(parts: set[str], cases) -> set[str]:
    """Message parts whose whole text no case of their parent message expects in both
    languages."""
    out = set()
    for part in parts:
        parent = next(v for k, v in PARTS.items() if part.startswith(k))
        if not any(case[3] == parent and all(
                any(template(part, lang).search(w) for w in words_of(case, lang))
                for lang in LANGUAGES) for case in cases):
            out.add(part)
    return out


def parametrized_with(function, table) -> bool:
    """True when the test ``function`` runs one case per row of ``table`` (its fields
    after the case id)."""
    [mark] = [m for m in function.pytestmark if m.name == "parametrize"]
    return list(mark.args[1]) == [case[1:] for case in table]


def test_keys_are_collected_from_the_source():
    problems, parts = data_keys()
    called = set().union(*(call_keys(path, {"problem": 1}) for path in DATA_MODULES))
    assert called and called <= problems
    limits = SOURCE / "data" / "limits.py"
    assert call_keys(limits, {"Limit": 1}) == parts  # the reason of each limit
    assert len(problems) >= 40 and len(parts) >= 5
    problems, parts = roundtrip_keys()
    called = call_keys(ROUNDTRIP_MODULE, {"_problem": 1, "_refuse": 1})
    assert called and called <= problems
    assert call_keys(ROUNDTRIP_MODULE, {"Phrase": 0}) == parts
    assert len(problems) >= 25 and len(parts) >= 5


def test_the_table_tests_run_the_tables():
    assert parametrized_with(
        validation_tests.test_each_new_check_names_file_row_and_column_in_both_languages,
        validation_tests.CHECKS)
    assert parametrized_with(
        roundtrip_tests.test_each_round_trip_problem_names_sheet_row_and_column_in_both_languages,
        roundtrip_tests.ROUNDTRIP_CASES)
    for key, name in validation_tests.DEDICATED.items():
        assert callable(getattr(validation_tests, name, None)), (key, name)


def test_every_data_validation_message_has_a_test():
    problems, parts = data_keys()
    cases = validation_tests.CHECKS
    tested = {case[3] for case in cases} | set(validation_tests.DEDICATED)
    assert missing(problems, tested) == set(), "data validation keys without a test"
    assert tested - problems == set(), "tests of keys the data validation never emits"
    assert untested_parts(parts, cases) == set(), "limit reasons without a test"


def test_every_round_trip_message_has_a_test():
    problems, parts = roundtrip_keys()
    cases = roundtrip_tests.ROUNDTRIP_CASES
    tested = {case[3] for case in cases}
    assert missing(problems, tested) == set(), "round-trip keys without a test"
    assert tested - problems == set(), "tests of keys the round trip never emits"
    assert untested_parts(parts, cases) == set(), "workbook kinds without a test"


def test_the_guard_reports_what_is_missing():
    """The checks above on tables with one case removed: each names what it lost."""
    problems, parts = data_keys()
    cases = [c for c in validation_tests.CHECKS if c[3] != "synergy_without_bonus"]
    assert missing(problems, {c[3] for c in cases} | set(validation_tests.DEDICATED)) == {
        "synergy_without_bonus"}
    cases = [c for c in validation_tests.CHECKS if "(Merauke" not in words_of(c, "id")[0]]
    assert untested_parts(parts, cases) == {"limit.area"}
    problems, parts = roundtrip_keys()
    cases = [c for c in roundtrip_tests.ROUNDTRIP_CASES
             if c[3] != "roundtrip.village_not_in_plan"]
    assert missing(problems, {c[3] for c in cases}) == {"roundtrip.village_not_in_plan"}
    cases = [c for c in roundtrip_tests.ROUNDTRIP_CASES if c[0] != "zip bomb"]
    assert untested_parts(parts, cases) == {"roundtrip.kind.too_big"}
    assert not parametrized_with(
        roundtrip_tests.test_each_round_trip_problem_names_sheet_row_and_column_in_both_languages,
        cases)

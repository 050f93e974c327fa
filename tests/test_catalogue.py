"""The message catalogue (issue 12): one gettext catalogue per language, read with Babel.

A text missing in either language, a placeholder in one language only, a key the code asks
for that no catalogue holds, or a catalogue that is not tidy fails here."""

from __future__ import annotations

import ast
import string
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from planning import i18n

from .conftest import ROOT

SOURCE = ROOT / "src" / "planning"
#: functions whose first argument is a message key, and the prefix each puts in front
LOOKUPS = {"text": "", "_t": None, "column": "column.", "header": "column.",
           "sheet": "sheet.", "words": "label."}
#: the prefix of ``_t`` in each module that has one
PREFIXED = {"engine": "explorer.", "locks": "explorer.", "widgets": "explorer.",
            "ranking": "ranking."}


def _catalogue(lang: str) -> dict[str, str]:
    with i18n.catalogue_path(lang).open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=i18n.LOCALES[lang]) if m.id}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_hold_every_message_and_no_text_is_empty():
    texts = {lang: _catalogue(lang) for lang in i18n.LANGUAGES}
    assert len(texts["id"]) > 600
    assert set(texts["id"]) == set(texts["en"])
    for lang, table in texts.items():
        assert not [key for key, value in table.items() if not value.strip()], lang


def test_both_languages_take_the_same_placeholders():
    ind, eng = _catalogue("id"), _catalogue("en")
    differ = {key: (_fields(ind[key]), _fields(eng[key])) for key in ind
              if _fields(ind[key]) != _fields(eng[key])}
    assert differ == {}


def test_every_message_renders_with_its_own_placeholders():
    for lang in i18n.LANGUAGES:
        for key, template in _catalogue(lang).items():
            params = {name: "x" for name in _fields(template)}
            assert i18n.text(key, lang, **params)


def _asked_for() -> tuple[set[str], set[str]]:
    """(keys, prefixes of f-string keys) the source asks the catalogue for."""
    keys, prefixes = set(), set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in LOOKUPS:
                continue
            prefix = LOOKUPS[name]
            if prefix is None:
                prefix = PREFIXED.get(path.stem)
                if prefix is None:
                    continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(prefix + first.value)
            elif isinstance(first, ast.JoinedStr) and first.values and isinstance(
                    first.values[0], ast.Constant):
                prefixes.add(prefix + first.values[0].value)
    return keys, prefixes


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    keys, prefixes = _asked_for()
    assert len(keys) > 150 and len(prefixes) > 10  # the collection itself works
    known = set(_catalogue("id"))
    assert sorted(keys - known) == []
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in known)) == []


def test_a_missing_key_is_found(monkeypatch):
    """The lookup fails loudly on a key no catalogue holds (never a silent blank)."""
    with pytest.raises(KeyError):
        i18n.text("no.such.message", "id")


def test_catalogues_are_tidy():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "messages.py"), "check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_numbers_follow_the_locale():
    assert i18n.number(1234567.24, "en", 1) == "1,234,567.2"
    assert i18n.percent(0.0471, "id", 2) == "4,71%"
    assert i18n.percent(0.0471, "en", 2) == "4.71%"
    assert i18n.number(-3, "en") == "-3"
    # halves round up, as people round what they see
    assert [i18n.number(v, "en", 1) for v in (0.05, 0.15, 0.25, -0.15)] == [
        "0.1", "0.2", "0.3", "-0.2"]
    assert i18n.number(1234567.25, "id", 1) == "1.234.567,3"


def test_changes_carry_their_sign_and_zero_has_none():
    assert [i18n.signed(v, "en") for v in (12.46, -3, -0.04, 0.04, 0)] == [
        "+12.5", "-3.0", "0.0", "0.0", "0.0"]
    assert i18n.signed(-1234.5, "id", 0) == "-1.235"

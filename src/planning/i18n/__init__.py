"""Messages a planner reads, in Bahasa Indonesia (default) and English.

Every text has a key; :func:`text` renders it in the chosen language. The texts live in one
gettext catalogue per language, ``locale/<lang>/LC_MESSAGES/planning.po`` next to this
module (the key is the ``msgid``, the text the ``msgstr``; each entry carries the other
language as a comment for translators), read with Babel; a translator edits them with any
PO editor (Poedit, Lokalize, Weblate). Numbers and percentages are formatted by Babel for
``id_ID`` and ``en``. Each message says what is wrong *and* what to do about it.
"""

from __future__ import annotations

import decimal
import functools
import math
import reprlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALES = {"id": "id_ID", "en": "en"}
"""The Babel locale of each language: number formats follow it."""
DOMAIN = "planning"
LOCALE_DIR = Path(__file__).with_name("locale")


def catalogue_path(lang: str) -> Path:
    """The gettext catalogue (PO file) of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Key -> text of every message of ``lang`` (read once)."""
    with catalogue_path(check_language(lang)).open("rb") as handle:
        read = read_po(handle, locale=LOCALES[lang], domain=DOMAIN)
    return {message.id: message.string for message in read if message.id}


class _Messages(Mapping):
    """Key -> (Bahasa Indonesia, English): both catalogues side by side, read only."""

    def __getitem__(self, key: str) -> tuple[str, str]:
        return tuple(catalogue(lang)[key] for lang in LANGUAGES)

    def __iter__(self) -> Iterator[str]:
        return iter(catalogue(DEFAULT_LANGUAGE))

    def __len__(self) -> int:
        return len(catalogue(DEFAULT_LANGUAGE))


MESSAGES: Mapping[str, tuple[str, str]] = _Messages()
"""Every message key -> (Bahasa Indonesia, English), from the two catalogues."""


def check_language(lang: str) -> str:
    """Return ``lang`` if supported, else raise ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}'; use one of: {', '.join(LANGUAGES)}")
    return lang


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def number(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A number for reading, with the separators of ``lang`` (Babel): 1.234,5 in Bahasa
    Indonesia, 1,234.5 in English. Halves round up, as people round the number they see
    (0.15 to 0.2, 0.25 to 0.3)."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return format_decimal(value, format=_pattern(decimals),
                              locale=LOCALES[check_language(lang)])



def signed(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """A change for reading, with its sign: "+12,5", "-3,0", and "0,0" (no sign) for a
    change that rounds to zero, so that a tiny negative change never reads "-0,0"."""
    shown = number(abs(value), lang, decimals)
    if shown == number(0, lang, decimals):
        return shown
    return ("+" if value > 0 else "-") + shown

def counted(key: str, n: int, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message ``key`` for the count ``n`` in ``lang``, in the plural form Babel's
    rules give for ``n`` (``key.one`` for 1 in English: "1 choice added"; ``key.other``
    otherwise, and always in Bahasa Indonesia, which has one form), ``n`` written as
    :func:`number` writes it."""
    form = Locale.parse(LOCALES[check_language(lang)]).plural_form(abs(n))
    name = f"{key}.{form}" if f"{key}.{form}" in catalogue(lang) else f"{key}.other"
    return text(name, lang, n=number(n, lang), **params)


#: English nouns of a data set's units whose plural is not the regular one
IRREGULAR_EN = {"child": "children", "person": "people", "man": "men", "woman": "women",
                "fish": "fish", "sheep": "sheep", "cattle": "cattle"}


def noun_for(noun: str, n: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A unit's noun as it reads after the count ``n``: in English the plural for any
    count but 1 ("21 households", "57 children", "3 fishers' groups": the last word
    takes it; :data:`IRREGULAR_EN`, else -es after s, x, z, ch, sh, -ies after a
    consonant and y, else -s); in Bahasa Indonesia, which does not inflect, as it is."""
    if check_language(lang) != "en" or not noun or abs(float(n)) == 1:
        return noun
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower in IRREGULAR_EN:
        plural = IRREGULAR_EN[lower]
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + "es"
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


def percent(share: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """A share (0.05) as a percentage for reading (Babel): "5,0%" / "5.0%"; halves round
    up like :func:`number`."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return format_percent(share, format=_pattern(decimals) + "%",
                              locale=LOCALES[check_language(lang)])


#: how many problem lines a report prints before it counts the rest
MAX_LINES = 40


def capped(lines: list[str], lang: str = DEFAULT_LANGUAGE, limit: int = MAX_LINES) -> list[str]:
    """The first ``limit`` of ``lines``, then one line counting the rest (if any), so that
    50,000 problems do not print 50,000 lines."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], text("report.more", lang, n=len(lines) - limit)]


#: how many characters of a value a message shows before an ellipsis
MAX_SHOWN = 80
#: message parameters the program makes itself (choices, folders, limits): shown whole
SHOWN_IN_FULL = frozenset({"allowed", "choices", "folder", "what", "guess", "limit",
                           "expected"})
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxset = 3, 8, 8, 8
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = MAX_SHOWN


def abridge(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` as one line of at most ``limit`` characters (then an ellipsis), for a
    message: control characters are escaped, and containers are shown through
    :mod:`reprlib`, so that a huge or deeply nested value is never expanded in full."""
    if isinstance(value, str):
        shown = value[:limit + 1]
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        shown = f"{'-' if value < 0 else ''}~1e{round(value.bit_length() * math.log10(2))}"
    elif isinstance(value, list | tuple | set | frozenset | dict):
        shown = _REPR.repr(value)
    else:
        shown = str(value)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown[:limit + 1])
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def shown(params: dict[str, object]) -> dict[str, object]:
    """``params`` for a message, every value a user gave abridged (:func:`abridge`); those
    the program makes (:data:`SHOWN_IN_FULL`) kept whole."""
    return {k: v if k in SHOWN_IN_FULL else abridge(v) for k, v in params.items()}


def text(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The message ``key`` in ``lang``, with ``params`` filled in."""
    return catalogue(check_language(lang))[key].format(**params)


class KeyedMessage(Exception):
    """An error told to people: ``key`` names its message in the catalogue, ``params``
    fill it in; ``str()`` is the English text, :meth:`render` either language."""

    def __init__(self, key: str, **params: object):
        self.key, self.params = key, params
        super().__init__(self.render("en"))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return text(self.key, lang, **self.params)


def with_hint(params: dict, lang: str) -> dict:
    """``params`` with a ``guess`` (a close match, or "") turned into a "did you mean" hint."""
    if "guess" in params:
        guess = params.pop("guess")
        params["hint"] = text("did_you_mean", lang, guess=guess) if guess else ""
    return params

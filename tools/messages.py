"""The message catalogues (src/planning/i18n/locale/<lang>/LC_MESSAGES/planning.po).

    .venv/bin/python tools/messages.py add KEY --id "teks" --en "text"   # a new message
    .venv/bin/python tools/messages.py normalise        # rewrite both catalogues tidily
    .venv/bin/python tools/messages.py check            # exit 1 when they are not tidy

Tidy means: the same keys in both languages, none empty, sorted by key, each entry with
the other language as a translator comment and the ``python-brace-format`` flag where it
has ``{placeholders}`` (PO editors such as Poedit then check them), the fixed header.
Translators may edit the PO files with any PO editor; ``normalise`` afterwards.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planning.i18n import LANGUAGES, LOCALES, catalogue_path  # noqa: E402

FIXED = datetime(2026, 12, 1, tzinfo=UTC)
TEAM = {"id": "Bahasa Indonesia", "en": "English"}


def read(lang: str) -> dict[str, str]:
    with catalogue_path(lang).open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=LOCALES[lang]) if m.id}


def render(lang: str, texts: dict[str, dict[str, str]]) -> bytes:
    """The tidy PO file of ``lang`` for ``texts`` (lang -> key -> text)."""
    other = LANGUAGES[1 - LANGUAGES.index(lang)]
    cat = Catalog(locale=LOCALES[lang], project="planning", version="0.1.0",
                  copyright_holder="the planning authors",
                  msgid_bugs_address="the issue tracker of planning",
                  creation_date=FIXED, revision_date=FIXED, fuzzy=False,
                  language_team=TEAM[lang], last_translator="the planning authors")
    for key in sorted(texts[lang]):
        value = texts[lang][key]
        flags = ("python-brace-format",) if "{" in value or "{" in texts[other][key] else ()
        cat.add(key, value, auto_comments=[f"{other}: {texts[other][key]}"], flags=flags)
    out = io.BytesIO()
    write_po(out, cat, width=100, sort_output=True, omit_header=False)
    lines = out.getvalue().decode("utf-8").splitlines(keepends=True)
    header = (f"# Messages of planning in {TEAM[lang]}; the other language is each entry's "
              "comment.\n# Edit with any PO editor, then: python tools/messages.py normalise\n")
    body = "".join(line for line in lines if not line.startswith("# "))
    return (header + body).encode("utf-8")


def problems(texts: dict[str, dict[str, str]]) -> list[str]:
    found = []
    for lang in LANGUAGES:
        other = LANGUAGES[1 - LANGUAGES.index(lang)]
        found += [f"{lang}: '{k}' is missing (it is in {other})"
                  for k in sorted(set(texts[other]) - set(texts[lang]))]
        found += [f"{lang}: '{k}' is empty" for k, v in sorted(texts[lang].items()) if not v]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a message in both languages")
    add.add_argument("key")
    add.add_argument("--id", required=True, help="the Bahasa Indonesia text")
    add.add_argument("--en", required=True, help="the English text")
    sub.add_parser("normalise", help="rewrite both catalogues tidily")
    sub.add_parser("check", help="exit 1 when a catalogue is not tidy")
    args = parser.parse_args(argv)
    texts = {lang: read(lang) for lang in LANGUAGES}
    if args.command == "add":
        if args.key in texts["id"] or args.key in texts["en"]:
            print(f"'{args.key}' exists already", file=sys.stderr)
            return 1
        texts["id"][args.key], texts["en"][args.key] = args.id, args.en
    wrong = problems(texts)
    if wrong:
        print("\n".join(wrong), file=sys.stderr)
        return 1
    untidy = [lang for lang in LANGUAGES
              if catalogue_path(lang).read_bytes() != render(lang, texts)]
    if args.command == "check":
        for lang in untidy:
            print(f"{catalogue_path(lang)} is not tidy: run tools/messages.py normalise",
                  file=sys.stderr)
        return 1 if untidy else 0
    for lang in LANGUAGES:
        catalogue_path(lang).write_bytes(render(lang, texts))
    return 0


if __name__ == "__main__":
    sys.exit(main())

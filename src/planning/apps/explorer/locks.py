"""Locks as the explorer's text box holds them: one a line, ``village program``,
``village program UNITS`` or ``village program out``; ``#`` starts a note."""

from __future__ import annotations

import difflib

from planning import i18n
from planning.apps.explorer.messages import t as _t
from planning.model import Lock


def format_locks(locks: list[Lock]) -> str:
    """One lock a line: ``village program``, ``village program UNITS`` or
    ``village program out``."""
    lines = []
    for lock in locks:
        tail = " out" if lock.state == "out" else (
            f" {lock.units}" if lock.units is not None else "")
        lines.append(f"{lock.village} {lock.program}{tail}")
    return "\n".join(lines)


def parse_locks(text: str, villages: dict[str, str], plan: set[str],
                programs: list[str], lang: str = "id") -> tuple[list[Lock], list[str]]:
    """The locks of ``text`` (see :func:`format_locks`; ``#`` starts a note) and the
    problems found, one message per bad line. ``villages``: code -> name of every village
    in villages.csv; ``plan``: the codes of the plan's villages."""
    locks: list[Lock] = []
    problems: list[str] = []

    def hint(value: str, known: list[str]) -> str:
        close = difflib.get_close_matches(value, known, n=1)
        return i18n.text("did_you_mean", lang, guess=close[0]) if close else ""

    by_upper = {p.upper(): p for p in programs}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) not in (2, 3):
            problems.append(_t("lock_format", lang, line=number, text=line))
            continue
        village, program = parts[0], by_upper.get(parts[1].upper(), parts[1])
        if village not in villages:
            problems.append(_t("lock_village", lang, line=number, value=village,
                               hint=hint(village, sorted(plan))))
            continue
        if village not in plan:
            problems.append(_t("lock_not_in_plan", lang, line=number, value=village,
                               name=villages[village]))
            continue
        if program not in by_upper.values():
            problems.append(_t("lock_program", lang, line=number, value=parts[1],
                               hint=hint(parts[1].upper(), programs)))
            continue
        tail = parts[2].lower() if len(parts) == 3 else "in"
        if tail in ("out", "keluar"):
            locks.append(Lock(village=village, program=program, state="out"))
        elif tail in ("in", "masuk"):
            locks.append(Lock(village=village, program=program))
        elif tail.isdigit():
            locks.append(Lock(village=village, program=program, units=int(tail)))
        else:
            problems.append(_t("lock_units", lang, line=number, value=parts[2]))
    return locks, problems


class LockError(ValueError):
    """The locks box holds lines that are not locks; carries one message per line."""

    def __init__(self, problems: list[str], lang: str):
        self.problems, self.lang = problems, lang
        super().__init__("\n".join(problems))

    def render(self, lang: str | None = None) -> str:
        return "\n".join([_t("lock_errors", lang or self.lang), *self.problems])


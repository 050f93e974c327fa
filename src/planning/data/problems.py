"""Problems found in a data set, collected all at once and rendered for a planner."""

from __future__ import annotations

from dataclasses import dataclass, field

from planning.i18n import DEFAULT_LANGUAGE, MAX_LINES, capped, number, text, with_hint


@dataclass(frozen=True)
class Phrase:
    """A message parameter that is itself a message (a key of ``planning.i18n.MESSAGES``
    with its own parameters), rendered in the report's language."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str) -> str:
        return text(self.key, lang, **dict(self.params))


@dataclass(frozen=True)
class Amount:
    """A message parameter that is a number, written with the language's thousands
    separator (10.000.000 in Bahasa Indonesia, 10,000,000 in English)."""

    value: float

    def render(self, lang: str) -> str:
        return number(self.value, lang, 1 if self.value % 1 else 0)


def localised(params: dict, lang: str) -> dict:
    """``params`` with every :class:`Phrase` and :class:`Amount` rendered in ``lang``."""
    out = {}
    for name, value in params.items():
        if isinstance(value, Phrase | Amount):
            value = value.render(lang)
        out[name] = value
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place: file, spreadsheet row (header = row 1), column."""

    file: str
    key: str
    row: int | None = None
    column: str | None = None
    params: tuple[tuple[str, object], ...] = ()
    severity: str = "error"

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        params = with_hint(localised(dict(self.params), lang), lang)
        params.setdefault("file", self.file)
        where = [self.file]
        if self.row is not None:
            where.append(text("where.row", lang, row=self.row))
        if self.column is not None:
            where.append(text("where.column", lang, column=self.column))
        label = text(f"severity.{self.severity}", lang)
        return f"[{label}] {', '.join(where)}: {text(self.key, lang, **params)}"

    def sort_key(self) -> tuple:
        """Errors first; among them, problems of a whole file or its header (no row, or
        row 1) before those of data rows, so that a file that cannot be read is never
        hidden behind a long list; then by file, row and column."""
        row = self.row or 0
        return (self.severity != "error", row > 1, self.file, row, self.column or "",
                self.key)


def problem(file: str, key: str, row: int | None = None, column: str | None = None,
            severity: str = "error", **params: object) -> Problem:
    """Shorthand for :class:`Problem` with keyword message parameters."""
    return Problem(file=file, key=key, row=row, column=column,
                   params=tuple(sorted(params.items())), severity=severity)


@dataclass
class Report:
    """All problems of a data set; errors block loading, warnings do not."""

    problems: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._seen = set(self.problems)

    def add(self, item: Problem) -> None:
        """Add ``item`` unless the same problem is already there."""
        if item not in self._seen:
            self._seen.add(item)
            self.problems.append(item)

    def extend(self, items) -> None:
        for item in items:
            self.add(item)

    @property
    def errors(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity == "error"),
                      key=Problem.sort_key)

    @property
    def warnings(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity == "warning"),
                      key=Problem.sort_key)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self, lang: str = DEFAULT_LANGUAGE, limit: int | None = MAX_LINES) -> list[str]:
        """One line per problem, errors first; after ``limit`` lines (None: no limit) one
        line counts the rest, so that 50,000 problems do not print 50,000 lines."""
        lines = [p.message(lang) for p in self.errors + self.warnings]
        return lines if limit is None else capped(lines, lang, limit)


class DataError(Exception):
    """Raised when a data set has errors; carries the full report."""

    def __init__(self, folder: str, report: Report):
        self.folder = folder
        self.report = report
        super().__init__(self.render("en"))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        lines = self.report.lines(lang)
        lines.append(text("report.failed", lang, errors=len(self.report.errors),
                          warnings=len(self.report.warnings), folder=self.folder))
        return "\n".join(lines)

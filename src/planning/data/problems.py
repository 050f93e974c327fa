"""Problems found in a data set, collected all at once and rendered for a planner."""

from __future__ import annotations

from dataclasses import dataclass, field

from planning.i18n import DEFAULT_LANGUAGE, text


def with_hint(params: dict, lang: str) -> dict:
    """``params`` with a ``guess`` (a close match, or "") turned into a "did you mean" hint."""
    if "guess" in params:
        guess = params.pop("guess")
        params["hint"] = text("did_you_mean", lang, guess=guess) if guess else ""
    return params


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
        params = with_hint(dict(self.params), lang)
        params.setdefault("file", self.file)
        where = [self.file]
        if self.row is not None:
            where.append(text("where.row", lang, row=self.row))
        if self.column is not None:
            where.append(text("where.column", lang, column=self.column))
        label = text(f"severity.{self.severity}", lang)
        return f"[{label}] {', '.join(where)}: {text(self.key, lang, **params)}"

    def sort_key(self) -> tuple:
        return (self.severity != "error", self.file, self.row or 0, self.column or "", self.key)


def problem(file: str, key: str, row: int | None = None, column: str | None = None,
            severity: str = "error", **params: object) -> Problem:
    """Shorthand for :class:`Problem` with keyword message parameters."""
    return Problem(file=file, key=key, row=row, column=column,
                   params=tuple(sorted(params.items())), severity=severity)


@dataclass
class Report:
    """All problems of a data set; errors block loading, warnings do not."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, item: Problem) -> None:
        if item not in self.problems:
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

    def lines(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        return [p.message(lang) for p in self.errors + self.warnings]


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

"""Read one CSV file of a data set as text, naming every problem a spreadsheet export can have.

A planner's file may be a folder by mistake, saved as ANSI or UTF-16 instead of UTF-8,
empty, separated by ``;`` (Excel in an Indonesian locale), have a repeated or unnamed
column, a quote left open, or rows with too many or too few values. Each is reported by
file, spreadsheet row (header = row 1) and column, with what to do; nothing raises.

The table comes back as text (blank cells missing, spaces and stray byte-order marks
trimmed) with the index ``spreadsheet row - 2``, so :func:`planning.data.checks.line`
gives back the row a planner sees, also when blank rows were skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

import pandas as pd

from planning.data.problems import Problem, problem

#: column separators that are not a comma, as named in the message
SEPARATORS = {";": "';'", "\t": "tab", "|": "'|'"}
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def clean(value: str) -> str:
    """A cell without surrounding spaces and invisible byte-order marks."""
    return value.strip().strip("\ufeff").strip()


def blank(record: list[str]) -> bool:
    return all(not clean(value) for value in record)


def records_of(text: str, strict: bool = True) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=strict))


def decode(file: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """The file's text (a UTF-8 byte-order mark removed), or the problem naming the row
    and column of the first byte that is not UTF-8."""
    if data.startswith(UTF16_BOMS):
        return None, [problem(file, "utf16", 1)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8-sig")
        rows = records_of(before + "x", strict=False)  # "x": the row being read is last
        header = [clean(c) for c in rows[0]] if len(rows) > 1 else []
        position = len(rows[-1]) - 1
        column = header[position] if position < len(header) else None
        return None, [problem(file, "not_utf8", len(rows), column,
                              byte=f"0x{data[exc.start]:02X}")]


def parse(file: str, text: str) -> tuple[list[list[str]] | None, list[Problem]]:
    """The CSV records of ``text``, or the problem naming the row (and, for a quote that
    is never closed, the column) where reading stopped."""
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(lines, strict=True)
    records: list[list[str]] = []
    consumed = 0
    try:
        for record in reader:
            records.append(record)
            consumed = reader.line_num
    except csv.Error as exc:
        header = [clean(c) for c in records[0]] if records else []
        position = open_quote("".join(lines[consumed:]))
        column = header[position] if position is not None and position < len(header) else None
        return None, [problem(file, "bad_csv_row", len(records) + 1, column, detail=str(exc))]
    return records, []


def open_quote(text: str) -> int | None:
    """The 0-based column of the first quoted value of ``text`` (from the row that failed
    to the end of the file) whose quote is never closed or is followed by more text, or
    None if the row's quotes are fine."""
    field, i = 0, 0
    while i < len(text):
        if text[i] == '"':
            i += 1
            while True:  # to the closing quote; a doubled quote "" stays inside
                i = text.find('"', i)
                if i < 0:
                    return field
                if text[i + 1:i + 2] != '"':
                    break
                i += 2
            i += 1
            if i < len(text) and text[i] not in ",\r\n":
                return field
        while i < len(text) and text[i] not in ",\r\n":
            i += 1
        if i >= len(text) or text[i] != ",":
            return None
        field, i = field + 1, i + 1
    return None


def header_problems(file: str, row: int, header: list[str], raw_header: str,
                    expected: list[str]) -> tuple[list[Problem], bool]:
    """Problems of the header row (spreadsheet ``row``, normally 1), and whether the table
    can be read at all (not when another separator hides every expected column)."""
    if expected and not set(expected) & set(header):
        for separator, shown in SEPARATORS.items():
            if separator in raw_header:
                return [problem(file, "wrong_separator", row, separator=shown)], False
    out = []
    counts = Counter(name for name in header if name)
    for name, n in sorted(counts.items()):
        if n > 1:
            letters = ", ".join(column_letter(i) for i, c in enumerate(header) if c == name)
            out.append(problem(file, "repeated_column", row, name, n=n, letters=letters))
    return out, True


def shape_problems(file: str, header: list[str], rows: list[tuple[int, list[str]]]) \
        -> list[Problem]:
    """Rows with more or fewer values than the header has columns; values under a
    column without a name."""
    out = []
    width = len(header)
    for number, record in rows:
        extra = record[width:]
        if len(record) < width or not blank(extra):
            out.append(problem(file, "field_count", number, found=len(record),
                               expected=width))
    for position, name in enumerate(header):
        if name:
            continue
        filled = [number for number, record in rows
                  if position < len(record) and clean(record[position])]
        if filled:
            out.append(problem(file, "unnamed_column", filled[0],
                               letter=column_letter(position)))
    return out


def frame_of(header: list[str], rows: list[tuple[int, list[str]]]) -> pd.DataFrame:
    """The table as text: one column per named header cell (the first of a repeated
    name), blank cells missing, index = spreadsheet row - 2."""
    keep = [i for i, name in enumerate(header) if name and name not in header[:i]]
    width = len(header)
    data = [[clean(v) for v in (record + [""] * width)[:width]] for _, record in rows]
    frame = pd.DataFrame(data, columns=header, index=[n - 2 for n, _ in rows], dtype=str)
    frame = frame.iloc[:, keep]
    return frame.mask(frame == "")


def read_table(path: Path, expected: list[str]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read the CSV file ``path`` as text. ``expected``: the columns it must have (to
    recognise another separator). Returns the table (None if it cannot be read) and
    every problem found on the way."""
    file = path.name
    if path.is_dir():
        return None, [problem(file, "not_a_file")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [problem(file, "unreadable", detail=exc.strerror or str(exc))]
    text, found = decode(file, data)
    if text is None:
        return None, found
    records, found = parse(file, text)
    if records is None:
        return None, found
    numbered = [(n, r) for n, r in enumerate(records, start=1) if not blank(r)]
    if not numbered:
        return None, [problem(file, "empty_file", 1)]
    (first, raw_header), rows = numbered[0], numbered[1:]
    header = [clean(c) for c in raw_header]
    found, readable = header_problems(file, first, header, ",".join(raw_header), expected)
    if not readable:
        return None, found
    found += shape_problems(file, header, rows)
    return frame_of(header, rows), found

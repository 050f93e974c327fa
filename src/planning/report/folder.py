"""Writing a results folder safely: all files appear together, or none change, and never
over anything this tool did not write.

The rules, in the order :func:`write_folder` applies them:

1. **Only our own folders are replaced.** Every results folder gets a marker file
   (:data:`MARKER`, written last, holding the run's id, the list of its files and each
   file's SHA-256). ``--out`` may name a new folder, an empty folder, or a folder with a
   valid marker that holds nothing but the files the marker lists, as written; anything
   else (a folder of someone's files, an earlier results folder to which someone added
   files or folders or whose files someone changed, such as a workbook edited in place;
   a file, a link, the current folder or one above it, the project folder, or a folder
   that holds the run's own inputs: data set, scenario, edited workbook, boundary file)
   is refused with :class:`ResultsFolderError` before anything is touched.
2. **Atomic swap.** Files are written into a hidden staging folder beside the target
   (``.<name>.planning-tmp-<pid>-<token>``); when every file and the marker are on disk,
   the staging folder and the old results trade places in one step (Linux
   ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, with the old folder parked as
   ``.<name>.planning-old-<pid>-<token>`` in between). A run killed at any moment leaves
   either the old results or the new ones whole at the target.
3. **Leftovers are cleaned.** Staging and parked folders of earlier runs whose process
   no longer exists are removed by the next run into the same place (a parked old folder
   with no results at the target is first put back).
4. **Normal permissions.** Folders and files are created with the user's umask, like any
   other tool's output (a colleague on a shared JupyterHub can read them).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from planning import i18n
from planning.data.owned import foreign_entries, named

#: marker file of a results folder written by planning (JSON with the run's id)
MARKER = ".planning-run.json"
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.planning-(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]+$")
#: first characters that make a spreadsheet read a cell as a formula (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ResultsFolderError(Exception):
    """``--out`` names a place the tool must not replace; nothing was touched."""

    def __init__(self, key: str, path: Path, **params):
        self.key, self.path, self.params = key, Path(path), params
        super().__init__(self.render("en"))

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.text(f"out.{self.key}", lang, path=self.path, marker=MARKER,
                         **self.params)


# --- bytes of one file ---------------------------------------------------------------

def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (starts with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return, and is not a plain number), prefixed with ``'``
    so Excel and LibreOffice show it as text (OWASP's advice for CSV injection)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def _cell(value: object) -> object:
    """A text cell neutralised, its carriage returns made line feeds (the csv module
    quotes a cell with a line feed, not one with a lone carriage return, which would
    split the row for every reader)."""
    value = neutralise(value)
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV, byte-stable across runs (LF, no index, floats with 10
    significant digits: a pagu of 1,736.4375 juta Rp is written whole, and money, pagu
    and what is left add up in the file), every text cell neutralised against formula
    injection."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_cell)
    safe.columns = [_cell(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")


def json_bytes(payload: object) -> bytes:
    """JSON with sorted keys and a trailing newline, byte-stable across runs."""
    return (json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False,
                       default=_plain) + "\n").encode("utf-8")


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return value.as_posix()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# --- which folders may be replaced ---------------------------------------------------

def run_id(files: Mapping[str, bytes]) -> str:
    """The id of a run: a hash of its files (wall-clock ``timing.json`` left out), so the
    same inputs give the same id and the same marker."""
    digest = hashlib.sha256()
    for name in sorted(files):
        if name != "timing.json":
            digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()[:16]


def read_marker(folder: Path) -> dict | None:
    """The marker of a results folder written by planning, or None."""
    try:
        found = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(found, dict) and found.get("tool") == "planning" and found.get("run_id"):
        return found
    return None


def project_root() -> Path | None:
    """The project folder this package runs from (an editable install), if any: the first
    folder above this file that holds ``pyproject.toml`` and ``src/planning``."""
    for root in Path(__file__).resolve().parents:
        if (root / "pyproject.toml").is_file() and (root / "src" / "planning").is_dir():
            return root
    return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


#: the command whose results each kind of results folder holds (for messages); the plans
#: of one year and of several (``run``, ``years``) may replace each other
COMMANDS = {"run": "planning run / analyse", "years": "planning run / replan",
            "scores": "planning score", "compare": "planning compare",
            "region": "planning region"}
_FAMILY = {"years": "run"}


def check_target(target: str | Path, protect: Iterable[str | Path] = (),
                 kind: str | None = None) -> Path:
    """Raise :class:`ResultsFolderError` unless ``target`` may be (re)written: a new or
    empty folder, or one holding planning's marker (of the same ``kind`` of results, when
    given) and its files as written; never the current folder or one above it, the
    project folder, a folder holding any of ``protect`` (the run's inputs), a file or a
    link. Returns the target as an absolute path."""
    given = Path(target)
    path = Path(os.path.abspath(given))
    if given.name in ("", ".", "..") or path.parent == path:
        raise ResultsFolderError("no_name", given)
    if path.is_symlink():
        raise ResultsFolderError("is_link", given)
    real = path.resolve()
    cwd = Path.cwd().resolve()
    if _inside(cwd, real):
        raise ResultsFolderError("holds_cwd", given)
    root = project_root()
    if root is not None and _inside(root, real):
        raise ResultsFolderError("holds_project", given)
    for item in protect:
        if item is not None and _inside(Path(item).resolve(), real):
            raise ResultsFolderError("holds_input", given, input=Path(item))
    if path.exists() and not path.is_dir():
        raise ResultsFolderError("is_file", given)
    above = next((p for p in path.parents if p.exists()), None)
    if above is not None and not above.is_dir():  # a folder cannot be made inside a file
        raise ResultsFolderError("under_file", given, file=above)
    if path.is_dir() and any(path.iterdir()):
        marker = read_marker(path)
        if marker is None:
            raise ResultsFolderError("not_ours", given)
        found = marker.get("kind")
        if kind is not None and found is not None and \
                _FAMILY.get(found, found) != _FAMILY.get(kind, kind):
            raise ResultsFolderError("other_kind", given, found=COMMANDS.get(found, found),
                                     wanted=COMMANDS.get(kind, kind))
        foreign = foreign_entries(path, [*marker.get("files", []), MARKER])
        if foreign:
            raise ResultsFolderError("foreign_files", given, files=named(foreign))
        edited = edited_files(path, marker)
        if edited:
            raise ResultsFolderError("edited_files", given, files=named(edited))
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def edited_files(folder: Path, marker: dict) -> list[str]:
    """The files of a results folder that differ from what planning wrote (the marker's
    ``sha256`` of each file but the wall-clock ``timing.json``, so that the same inputs
    give the same marker): a workbook edited in place, say. Nothing for a marker without
    hashes (written before they were recorded)."""
    written = marker.get("sha256")
    if not isinstance(written, dict):
        return []
    return sorted(name for name, digest in written.items()
                  if (folder / name).is_file() and _sha256(folder / name) != digest)


# --- the swap ------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(target: Path) -> list[Path]:
    """Remove the staging and parked folders that killed runs into ``target`` left
    beside it (their process is gone); put a parked old result back first when nothing
    is at ``target``. Returns what was removed."""
    removed = []
    if not target.parent.is_dir():
        return removed
    for entry in sorted(target.parent.iterdir()):
        found = _LEFTOVER.match(entry.name)
        if not (found and found["name"] == target.name and entry.is_dir()
                and not entry.is_symlink() and not _alive(int(found["pid"]))):
            continue
        if found["kind"] == "old" and not target.exists() and read_marker(entry):
            entry.rename(target)
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_folder(target: str | Path, files: Mapping[str, bytes], kind: str = "run",
                 protect: Iterable[str | Path] = ()) -> Path:
    """Replace ``target`` with a folder holding exactly ``files`` (name -> bytes) and the
    marker; see the module's rules. ``kind`` (run, years, scores, compare, region) goes
    into the marker (a folder of another kind is not replaced); ``protect``: the run's
    inputs, which the target must not contain."""
    given = Path(target)
    path = check_target(given, protect, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(path)
    check_target(given, protect, kind)  # a parked result put back must still be ours
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    staging = path.with_name(f".{path.name}.planning-tmp-{token}")
    os.mkdir(staging)
    try:
        for name, data in files.items():
            _write_file(staging / name, data)
        marker = {"tool": "planning", "kind": kind, "run_id": run_id(files),
                  "files": sorted(files),
                  "sha256": {name: hashlib.sha256(files[name]).hexdigest()
                             for name in sorted(files) if name != "timing.json"}}
        _write_file(staging / MARKER, json_bytes(marker))
        _sync_dir(staging)
        if not path.exists():
            os.rename(staging, path)
        elif _exchange(staging, path):
            shutil.rmtree(staging, ignore_errors=True)  # now the old results
        else:
            parked = path.with_name(f".{path.name}.planning-old-{token}")
            os.rename(path, parked)
            try:
                os.rename(staging, path)
            except BaseException:
                os.rename(parked, path)  # the old results back in place
                raise
            shutil.rmtree(parked, ignore_errors=True)
        _sync_dir(path.parent)
    except BaseException:
        if staging.exists() and read_marker(staging) is None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return given

"""What a tool wrote into a folder, and what someone else put there.

A results folder (``planning.report.folder``) and a generated region
(``planning.data.synth_region``) each record the files they wrote; before such a folder
is replaced, :func:`foreign_entries` lists whatever else is in it, so that nothing the
tool did not write is ever deleted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: how many of the files not written by the tool a message names
NAMED = 5


def foreign_entries(folder: Path, written: Iterable[str]) -> list[str]:
    """The files and folders inside ``folder`` (paths relative to it, POSIX style,
    sorted; a folder with a trailing ``/`` and named once, not with what it holds) that
    are neither one of ``written`` (relative paths) nor a folder holding one of them:
    what someone else put there."""
    known = {Path(name).as_posix() for name in written}
    folders = {parent.as_posix() for name in known for parent in Path(name).parents}
    found = []
    for top, dirs, files in os.walk(folder):
        here = Path(top).relative_to(folder)
        for name in list(dirs):
            relative = (here / name).as_posix()
            if os.path.islink(os.path.join(top, name)):
                dirs.remove(name)
                found.append(relative)
            elif relative not in folders:
                dirs.remove(name)
                found.append(relative + "/")
        found.extend(relative for relative in ((here / name).as_posix() for name in files)
                     if relative not in known)
    return sorted(found)


def named(entries: list[str]) -> str:
    """Up to :data:`NAMED` of ``entries``, and how many more, for a message."""
    shown = ", ".join(entries[:NAMED])
    return shown if len(entries) <= NAMED else f"{shown} (+{len(entries) - NAMED})"

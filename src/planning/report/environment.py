"""The packages a run uses, against the lock file the project installs from.

``make run`` and ``make test`` install the exact versions of ``requirements.lock``
(every package pinned, with hashes). A reviewer who installed otherwise (a conda
environment, a newer pip resolve) may run other pandas, PuLP or HiGHS releases and so
possibly get another plan; :func:`lock_differences` says which installed versions differ
from the lock, for the reviewer's re-run (:mod:`planning.apps.review`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import InvalidMarker, Marker
from packaging.utils import canonicalize_name

LOCK_FILE = "requirements.lock"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)"
                  r"\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?\s*$")


@dataclass(frozen=True)
class VersionDifference:
    package: str
    locked: str
    installed: str | None
    """None: the package is not installed."""


def read_lock(path: str | Path) -> dict[str, str]:
    """Package -> version of every pin in a lock file (``name==version``, hash lines and
    comments skipped) whose environment marker applies to this Python and platform."""
    pins: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        found = _PIN.match(line.strip())
        if not found:
            continue
        marker = found["marker"]
        try:
            if marker and not Marker(marker).evaluate():
                continue
        except InvalidMarker:
            continue
        pins[canonicalize_name(found["name"])] = found["version"]
    return pins


def lock_differences(path: str | Path) -> list[VersionDifference]:
    """Every locked package whose installed version differs from the lock (or that is
    not installed), by package name."""
    out = []
    for name, locked in sorted(read_lock(path).items()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != locked:
            out.append(VersionDifference(name, locked, installed))
    return out

"""Writing a results folder atomically: all files appear together, or none change.

Files are first written into a hidden sibling folder; only when every file is complete is
the old folder moved aside and the new one renamed into place. An error or interruption
before that leaves the previous good results untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV, byte-stable across runs (LF, no index, fixed float format)."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.6g").encode("utf-8")


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


def write_folder(target: str | Path, files: Mapping[str, bytes]) -> Path:
    """Replace ``target`` with a folder holding exactly ``files`` (name -> bytes)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target

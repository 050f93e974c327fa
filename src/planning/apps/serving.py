"""Serve the web app (:mod:`planning.apps.web`) with Voilà on a free local port, as the
browser test and the app benchmark do: :func:`start` and :func:`stop`.

``make app`` runs Voilà itself (a fixed port, a browser where there is one); this module
is for programs that need the page for a while and must end Voilà and its kernel after.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


class VoilaError(RuntimeError):
    """Voilà stopped or did not answer; the message ends with the tail of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else ""


def start(notebook: Path, log: Path, root: Path, *, wait: float = 120.0
          ) -> tuple[subprocess.Popen, str]:
    """Voilà serving ``notebook`` on a free local port, in its own process group, its
    output in ``log``, its kernel importing planning from ``root``/src first; returns the
    process and the page's URL once the port answers (``wait`` seconds at most: a safety
    net, the kernel's start is not awaited). Raises :class:`VoilaError`."""
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root / "src"),
                                                      env.get("PYTHONPATH")]))
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "voila", str(notebook), "--no-browser",
             f"--port={port}", "--Voila.ip=127.0.0.1"],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise VoilaError(f"Voilà stopped:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise VoilaError(f"Voilà did not answer in {wait:g} s:\n{_tail(log)}")


def stop(process: subprocess.Popen) -> None:
    """End Voilà and its kernel (the whole process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass

"""The web app in a real browser: how long from a pagu change to the new plan on screen.

Starts Voilà on ``app/planning_app.ipynb`` (English page, ``?lang=en``), opens it in
headless Chromium driven by Playwright, then changes one agency's pagu at a time (to 80 %
and to 120 % of its opened value, first agencies of agencies.csv), each time measuring
from the Enter key until the page shows the new plan (the status line's ``data-state``
back to ready for a plan made after the change; polled every animation frame). After
each change the pagu goes back to its opened value (the opened plan comes back at once;
timed apart). Prints every change with the kernel's own time (the explorer's timing
line), then median and p90, and the machine's load (``uptime``) before and after.

    .venv/bin/python bench/bench_app.py                 # 5 agencies x 2 changes
    .venv/bin/python bench/bench_app.py --agencies 3 --chromium /usr/bin/chromium
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from planning.apps import serving

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app" / "planning_app.ipynb"
TIMEOUT = 600_000  # ms, a safety net
TOTAL = re.compile(r"total ([0-9.,]+) s")


def uptime() -> str:
    done = subprocess.run(["uptime"], capture_output=True, text=True)
    return done.stdout.strip() or f"load average {os.getloadavg()}"


def change(page, agency: str, value: float) -> tuple[float, float | None, str]:
    """Set ``agency``'s pagu in the page; seconds until the new plan shows, the kernel's
    own total, and the status line."""
    box = page.locator(f".planning-pagu-{agency} input")
    shown = int(page.get_attribute(".planning-status-line", "data-shown"))
    box.fill(f"{value:g}")
    t0 = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(
        "after => { const e = document.querySelector('.planning-status-line');"
        " return e && e.dataset.state !== 'busy' && Number(e.dataset.shown) > after; }",
        arg=shown, timeout=TIMEOUT, polling="raf")
    seconds = time.perf_counter() - t0
    found = TOTAL.findall(page.inner_text(".planning-plan"))
    kernel = float(found[-1].replace(",", "")) if found else None
    return seconds, kernel, page.inner_text(".planning-status").strip()


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 \
        else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=5,
                        help="how many agencies to change (first of agencies.csv)")
    parser.add_argument("--chromium", default=shutil.which("chromium"))
    args = parser.parse_args()
    if not args.chromium:
        raise SystemExit("no Chromium binary (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    print(f"before: {uptime()}")
    log = Path(tempfile.mkdtemp(prefix="bench-app-")) / "voila.log"
    process, url = serving.start(APP, log, ROOT)
    url += "?lang=en"
    changes, backs = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium,
                                                 headless=True)
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            t0 = time.perf_counter()
            page.goto(url, timeout=TIMEOUT)
            page.wait_for_selector(".planning-status-line[data-state=ready]",
                                   timeout=TIMEOUT)
            print(f"first page (kernel start, baseline plan): "
                  f"{time.perf_counter() - t0:.1f} s")
            boxes = page.locator(".planning-pagu")
            agencies = [re.search(r"planning-pagu-(\S+)", boxes.nth(i).get_attribute(
                "class")).group(1) for i in range(min(args.agencies, boxes.count()))]
            for agency in agencies:
                start = float(page.locator(f".planning-pagu-{agency} input").input_value())
                for factor in (0.8, 1.2):
                    seconds, kernel, status = change(page, agency, round(start * factor))
                    changes.append((seconds, kernel))
                    print(f"{agency} -> {round(start * factor):>6}: {seconds:6.2f} s on "
                          f"screen (kernel {kernel} s)  {status}")
                    seconds, kernel, _ = change(page, agency, start)
                    backs.append(seconds)
            browser.close()
    finally:
        serving.stop(process)
    on_screen = [s for s, _ in changes]
    kernel = [k for _, k in changes if k is not None]
    print(f"\n{len(on_screen)} pagu changes, pagu change to new plan on screen: median "
          f"{statistics.median(on_screen):.2f} s, p90 {p90(on_screen):.2f} s, min "
          f"{min(on_screen):.2f} s, max {max(on_screen):.2f} s")
    if kernel:
        print(f"  of which the kernel's re-plan: median {statistics.median(kernel):.2f} s, "
              f"p90 {p90(kernel):.2f} s")
    print(f"back to the opened pagu ({len(backs)}): median {statistics.median(backs):.2f} s")
    print(f"after: {uptime()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

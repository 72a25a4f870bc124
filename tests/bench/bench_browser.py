"""The course as a learner sees it: JupyterLab in headless Chromium, offline.

For every lesson and case notebook: seconds from Run All to the last chart on screen
(aim: under 20 s, the course's limit for a notebook), and from a slider key press to the
updated output on screen, the redrawn chart where the widget has one (median and 95th
percentile of ten moves; aim: under 0.3 s at the 95th percentile).

Needs Debian's Chromium and the ``browser`` extra; without them this module reports
nothing (``make test-browser`` installs the extra, ``apt-get install -y chromium`` the
browser).
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

from casekit import notebooks
from tests.bench.timing import Result, percentiles
from tests.browser.lab import (
    LabNotebook,
    LabServer,
    chromium_available,
    copy_course,
    launch_browser,
    new_context,
)

SLIDER_MOVES = 10


def run() -> list[Result]:
    if importlib.util.find_spec("playwright") is None or not chromium_available():
        print(
            "bench_browser: skipped (needs chromium and Playwright: "
            "apt-get install -y chromium; pip install -e '.[browser]')",
            file=sys.stderr,
        )
        return []
    from playwright.sync_api import sync_playwright

    base = notebooks.root()
    paths = [p.relative_to(base).as_posix() for p in notebooks.course_notebooks("notebooks")]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="casekit-bench-") as work:
        site = copy_course(base, Path(work) / "site")
        with LabServer(site, Path(work) / "state") as server, sync_playwright() as playwright:
            browser = launch_browser(playwright)
            try:
                for path in paths:
                    results.extend(_one(browser, server, path))
            finally:
                browser.close()
    return results


def _one(browser: object, server: LabServer, path: str) -> list[Result]:
    context = new_context(browser)
    page = LabNotebook(context, server, path)
    try:
        report = page.open().run_all()
        results = []
        if report.last_chart_seconds is not None:
            results.append(
                Result(
                    f"browser {path}: run all -> last chart",
                    report.last_chart_seconds,
                    20.0,
                    f"{report.charts} charts, offline",
                )
            )
        if page.main_widget() is not None:
            moved = page.move_slider(times=SLIDER_MOVES)
            if len(moved.visible_ms) == SLIDER_MOVES:
                median, p95 = percentiles([ms / 1000 for ms in moved.visible_ms])
                what = "chart redrawn" if moved.has_chart else "output changed"
                detail = f"{SLIDER_MOVES} key presses on '{moved.control}', {what}"
                results += [
                    Result(f"browser {path}: slider -> output median", median, None, detail),
                    Result(f"browser {path}: slider -> output p95", p95, 0.3, detail),
                ]
            else:
                print(f"bench_browser: {path}: the slider did not update", file=sys.stderr)
        return results
    finally:
        page.close()
        context.close()
        server.shutdown_kernels()

"""Every lesson and case notebook, opened in JupyterLab by headless Chromium, offline.

For each notebook under ``notebooks/`` (found automatically): Run All from the Run menu,
then check what a learner sees: no error output, every Altair chart drawn by Lab's own
Vega (a canvas or SVG with marks), every widget rendered, and the main widget answering
a slider move. Separately, the notebook as stored in the repository is reopened without
running it, and its stored charts must draw. Every request leaving the machine is
refused, so all of this holds in a classroom without internet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import artifact, record
from tests.browser.lab import (
    LabNotebook,
    LabServer,
    RunReport,
    new_context,
    saved_outputs,
)


def _shot(notebook: str, suffix: str = "") -> Path:
    return artifact(notebook, suffix)


@pytest.fixture(scope="module")
def opened(notebook: str, lab: LabServer, browser: Any) -> Iterator[LabNotebook]:
    """The notebook after Run All (one browser page per notebook, shared by its tests)."""
    context = new_context(browser)
    page = LabNotebook(context, lab, f"run/{notebook}")
    try:
        page.open()
        try:
            page.report = page.run_all()
        except Exception:
            page.page.screenshot(path=str(_shot(notebook, "-failed")))
            raise
        page.screenshot(_shot(notebook))
        record(notebook, run=page.report)
        yield page
    finally:
        page.close()
        context.close()
        lab.shutdown_kernels()


def report(opened: LabNotebook) -> RunReport:
    return opened.report


def test_runs_without_errors(opened: LabNotebook) -> None:
    run = report(opened)
    assert run.errors == [], "error outputs after Run All"
    assert run.page_errors == [], "uncaught errors in the page"


def test_no_warning_output(opened: LabNotebook) -> None:
    """A learner sees stderr (warnings) as red boxes: a lesson shows none."""
    assert report(opened).stderr == []


def test_every_chart_draws(opened: LabNotebook) -> None:
    run = report(opened)
    assert run.undrawn_charts == [], "Vega outputs without marks"
    assert run.charts >= run.saved_vega_outputs, (
        f"{run.saved_vega_outputs} chart outputs in the notebook, {run.charts} drawn by Lab"
    )
    assert not [e for e in run.console_errors if "vega" in e.lower() or "script" in e.lower()]


def test_every_widget_renders(opened: LabNotebook) -> None:
    run = report(opened)
    assert run.widget_problems == []
    assert run.widgets >= run.saved_widget_views, (
        f"{run.saved_widget_views} widget outputs in the notebook, {run.widgets} rendered"
    )


def test_main_widget_responds_to_its_slider(opened: LabNotebook) -> None:
    if opened.main_widget() is None:
        record(opened.path.removeprefix("run/"), slider=None)
        pytest.skip("no widget with a slider in this notebook")
    moved = opened.move_slider(times=3)
    opened.main_widget().screenshot(path=str(_shot(opened.path.removeprefix("run/"), "-widget")))
    record(opened.path.removeprefix("run/"), slider=moved)
    assert len(set(moved.readouts)) > 1, f"the slider did not move: {moved.readouts}"
    assert moved.changed, f"moving '{moved.control}' changed nothing outside the slider"
    if moved.has_chart:
        assert moved.chart_changed, f"moving '{moved.control}' did not redraw the chart"


def test_reopened_notebook_shows_its_stored_charts(
    notebook: str, lab: LabServer, browser: Any
) -> None:
    """The notebook as stored (``make notebooks``), opened without running anything."""
    stored = saved_outputs(lab.root / "stored" / notebook)
    if not stored["vega"]:
        record(notebook, reopened="no stored charts")
        pytest.skip("no chart outputs stored in this notebook")
    context = new_context(browser)
    page = LabNotebook(context, lab, f"stored/{notebook}")
    try:
        page.open()
        drawn = page.wait_for_charts(stored["vega"], timeout=30.0)
        page.screenshot(_shot(notebook, "-reopened"))
    finally:
        page.close()
        context.close()
        lab.shutdown_kernels()
    record(
        notebook,
        reopened=f"{drawn}/{stored['vega']} drawn",
        reopened_widgets_show=stored["widget_texts"],
    )
    assert drawn == stored["vega"], f"{stored['vega']} stored charts, {drawn} drawn on reopening"

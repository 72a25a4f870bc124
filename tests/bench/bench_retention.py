"""Widget callbacks of the start page and lesson 01 (aim: p95 under 50 ms)."""

from __future__ import annotations

from casekit.widgets.retention import RetentionExplorer
from casekit.widgets.start import FirstWidget
from tests.bench.timing import Result, widget_callback


def run() -> list[Result]:
    explorer = RetentionExplorer()
    first = FirstWidget()
    return [
        *widget_callback("RetentionExplorer.retention", explorer.retention, [0.7, 0.85, 0.9]),
        *widget_callback("RetentionExplorer.margin", explorer.margin, [800.0, 1_200.0, 2_000.0]),
        *widget_callback(
            "RetentionExplorer.acquisition_cost",
            explorer.acquisition_cost,
            [1_000.0, 1_500.0, 2_500.0],
        ),
        *widget_callback("FirstWidget.retention", first.retention, [0.6, 0.8, 0.9]),
    ]

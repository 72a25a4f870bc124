"""The start page's first widget responds to its slider."""

from __future__ import annotations

from casekit.widgets import chart_bundle
from casekit.widgets.start import FirstWidget


def test_slider_updates_sentence_and_chart() -> None:
    widget = FirstWidget(retention_rate=0.80, years=10)
    assert "5.0 years" in widget.summary.value and "11%" in widget.summary.value
    before = chart_bundle(widget.chart)
    widget.retention.value = 0.90
    assert "10.0 years" in widget.summary.value and "35%" in widget.summary.value
    assert chart_bundle(widget.chart) != before
    assert widget.table["share_active"].iloc[-1] == 0.9**10

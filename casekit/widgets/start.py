"""A first widget for the start page: one slider, one sentence, one chart."""

from __future__ import annotations

import ipywidgets as widgets

from casekit import retention
from casekit.widgets import percent_slider, show_chart

__all__ = ["FirstWidget"]


class FirstWidget(widgets.VBox):
    """Move the retention rate; see how long customers stay and how a group shrinks.

    If the slider moves and the chart redraws, widgets and charts both work in this
    JupyterLab. The computation is :func:`casekit.retention.survival`.
    """

    def __init__(self, retention_rate: float = 0.80, years: int = 10) -> None:
        self.years = years
        self.retention = percent_slider("Customers kept each year", retention_rate, 0.05, 0.95)
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.retention.observe(self._update, names="value")
        super().__init__([self.retention, self.summary, self.chart])
        self._update()

    def _update(self, change: object = None) -> None:
        rate = round(self.retention.value, 4)
        lifetime = retention.expected_lifetime(rate)
        self.table = retention.survival([rate], self.years)
        left = self.table["share_active"].iloc[-1]
        self.summary.value = (
            f"<p style='font-size:15px'>Keeping <b>{rate:.0%}</b> a year, a customer stays "
            f"<b>{lifetime:.1f} years</b> on average, and {left:.0%} of a group of new "
            f"customers is still here after {self.years} years.</p>"
        )
        show_chart(self.chart, retention.survival_chart(self.table))

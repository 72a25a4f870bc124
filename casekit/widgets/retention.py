"""Retention explorer: how retention, acquisition cost and margin shape a customer base."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from casekit import charts, retention
from casekit.widgets import money_slider, percent_slider, show_bundle, with_data

__all__ = ["RetentionExplorer"]


class RetentionExplorer(widgets.VBox):
    """Sliders for retention, acquisition cost and margin; a live chart and summary.

    The chart compares the chosen retention rate with the same business at
    ``gap`` lower retention, so the value of a few points of retention stays in view.
    The computation is :func:`casekit.retention.compare_retention`.

    Parameters
    ----------
    retention_rate, acquisition_cost, margin : float
        Starting values of the three sliders (margin per customer per year).
    new_customers_per_year, discount_rate, years : float, float, int
        Fixed parts of the scenario.
    gap : float
        How much lower the comparison line's retention is (0.05 = five points).
    currency : str
        Currency label.
    """

    def __init__(
        self,
        *,
        retention_rate: float = 0.80,
        acquisition_cost: float = 1_500.0,
        margin: float = 1_200.0,
        new_customers_per_year: float = 1_000.0,
        discount_rate: float = 0.10,
        years: int = 10,
        gap: float = 0.05,
        currency: str = "Php",
    ) -> None:
        self.scenario = {
            "new_customers_per_year": new_customers_per_year,
            "discount_rate": discount_rate,
            "years": years,
        }
        self.gap = gap
        self.currency = currency
        self.retention = percent_slider("Retention rate (per year)", retention_rate, gap, 0.97)
        self.acquisition_cost = money_slider(
            f"Acquisition cost ({currency})", acquisition_cost, 0, 5_000, 50
        )
        self.margin = money_slider(f"Margin per customer-year ({currency})", margin, 0, 5_000, 50)
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.table = None
        # the chart compiled at the first draw and the name of its one dataset
        self._template: dict[str, Any] | None = None
        self._source = ""
        for control in (self.retention, self.acquisition_cost, self.margin):
            control.observe(self._update, names="value")
        super().__init__(
            [self.retention, self.acquisition_cost, self.margin, self.summary, self.chart]
        )
        self._update()

    def _update(self, change: object = None) -> None:
        chosen = round(self.retention.value, 4)
        lower = round(max(chosen - self.gap, 0.0), 4)
        self.table = retention.compare_retention(
            [chosen, lower],
            margin_per_customer=self.margin.value,
            acquisition_cost=self.acquisition_cost.value,
            **self.scenario,
        )
        last = self.table[self.table["year"] == self.scenario["years"]].set_index("retention")
        profit_hi = last.loc[chosen, "cumulative_discounted_profit"]
        profit_lo = last.loc[lower, "cumulative_discounted_profit"]
        years = self.scenario["years"]
        self.summary.value = (
            f"<p style='font-size:15px'>After {years} years at <b>{chosen:.0%}</b> retention: "
            f"<b>{last.loc[chosen, 'active']:,.0f}</b> active customers and "
            f"<b>{html.escape(self.currency)} {profit_hi:,.0f}</b> cumulative discounted profit."
            f"<br>At {lower:.0%} it would be {last.loc[lower, 'active']:,.0f} customers and "
            f"{html.escape(self.currency)} {profit_lo:,.0f}: the last "
            f"{(chosen - lower) * 100:.0f} points of retention are worth "
            f"<b>{html.escape(self.currency)} {profit_hi - profit_lo:,.0f}</b>.</p>"
        )
        self._draw()

    def _draw(self) -> None:
        """Show :func:`casekit.retention.customer_base_chart` for the current table.

        Only the rows change from one move of a slider to the next (the line labels are
        data too), so the chart is built and compiled to Vega once and later draws swap
        its one dataset: building and compiling the Altair chart took most of the time
        of a move.
        """
        if self._template is None:
            spec = retention.customer_base_chart(self.table, currency=self.currency).to_dict(
                validate=False
            )
            (self._source,) = spec["datasets"]
            self._template = charts.render(spec, svg=False)
            show_bundle(self.chart, self._template)
            return
        rows = retention.customer_base_data(self.table).to_dict(orient="records")
        show_bundle(self.chart, with_data(self._template, {self._source: rows}))

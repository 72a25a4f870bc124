"""CLV calculator: two customer types side by side, their CLV, CLV:CAC and payback."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from casekit import charts, clv
from casekit.widgets import money_slider, percent_slider, show_bundle, with_data

__all__ = ["TIMING_CHOICES", "CLVCalculator", "CustomerTypeControls"]

#: The timing conventions offered by the calculator: label -> (timing, first year retained).
TIMING_CHOICES: dict[str, tuple[str, bool]] = {
    "End of each year; the first year is certain": ("end", False),
    "End of each year, only if the customer renews (Gupta & Lehmann)": ("end", True),
    "Start of each year; the first on acquisition": ("start", False),
}

_COLUMN = widgets.Layout(width="370px")
_STYLE = {"description_width": "150px"}


def _narrow(control: widgets.Widget) -> widgets.Widget:
    control.layout = widgets.Layout(width="360px")
    control.style = _STYLE
    return control


class CustomerTypeControls(widgets.VBox):
    """The four inputs of one customer type, in a column with the type's name on top.

    Parameters
    ----------
    name : str
        The customer type's name ("Walk-in shopper").
    margin_per_purchase, purchases_per_year, retention, acquisition_cost : float
        Starting values of the sliders.
    currency : str
        Currency label.
    """

    def __init__(
        self,
        name: str,
        *,
        margin_per_purchase: float,
        purchases_per_year: float,
        retention: float,
        acquisition_cost: float,
        currency: str = "Php",
    ) -> None:
        self.name = name
        self.margin = _narrow(
            money_slider(f"Margin/purchase ({currency})", margin_per_purchase, 0, 2_000, 10)
        )
        self.purchases = _narrow(
            widgets.FloatSlider(
                value=purchases_per_year,
                min=0,
                max=52,
                step=1,
                description="Purchases per year",
                readout_format=".0f",
                continuous_update=False,
            )
        )
        self.retention = _narrow(percent_slider("Retention (per year)", retention, 0.0, 0.95))
        self.acquisition_cost = _narrow(
            money_slider(f"Acquisition cost ({currency})", acquisition_cost, 0, 20_000, 100)
        )
        self.controls = (self.margin, self.purchases, self.retention, self.acquisition_cost)
        title = widgets.HTML(f"<b style='font-size:15px'>{html.escape(name)}</b>")
        super().__init__([title, *self.controls], layout=_COLUMN)

    @property
    def yearly_margin(self) -> float:
        """Margin per year: margin per purchase x purchases per year."""
        return float(self.margin.value) * float(self.purchases.value)


class CLVCalculator(widgets.VBox):
    """Compare the lifetime value of two customer types, net of what they cost to win.

    Each type has a margin per purchase, purchases per year, a yearly retention rate
    and an acquisition cost; the discount rate, the horizon and the timing convention
    are shared. On every change the calculator calls :func:`casekit.clv.clv_by_period`
    for each type and shows CLV, CLV - CAC and CLV:CAC in a table, and the cumulative
    discounted margin by year against each acquisition cost in a chart (where a line
    crosses its dashed rule, that customer has paid back their acquisition cost).

    Parameters
    ----------
    type_a, type_b : dict
        Name and starting values of each type: keys ``name``, ``margin_per_purchase``,
        ``purchases_per_year``, ``retention``, ``acquisition_cost``.
    discount_rate : float
        Yearly discount rate (starting value).
    horizon : int
        Years to count (starting value).
    timing : str
        A key of :data:`TIMING_CHOICES`.
    currency : str
        Currency label.

    Attributes
    ----------
    results : pandas.DataFrame
        One row per type: ``customer``, ``yearly_margin``, ``clv``, ``acquisition_cost``,
        ``net_clv``, ``clv_cac_ratio`` (NaN when the acquisition cost is 0),
        ``payback_year`` (first year the cumulative margin reaches the cost; missing, <NA>,
        if it does not within the horizon).
    table : pandas.DataFrame
        The period-by-period rows of both types (:func:`casekit.clv.clv_by_period`).
    """

    def __init__(
        self,
        *,
        type_a: dict | None = None,
        type_b: dict | None = None,
        discount_rate: float = 0.10,
        horizon: int = 10,
        timing: str = "End of each year; the first year is certain",
        currency: str = "Php",
    ) -> None:
        a = {
            "name": "Walk-in shopper",
            "margin_per_purchase": 150.0,
            "purchases_per_year": 10.0,
            "retention": 0.50,
            "acquisition_cost": 2_000.0,
        } | (type_a or {})
        b = {
            "name": "Shopper's Club member",
            "margin_per_purchase": 200.0,
            "purchases_per_year": 20.0,
            "retention": 0.80,
            "acquisition_cost": 6_000.0,
        } | (type_b or {})
        if a["name"] == b["name"]:
            raise ValueError(f"the two customer types need different names, got {a['name']!r}")
        if timing not in TIMING_CHOICES:
            raise ValueError(f"timing must be one of {list(TIMING_CHOICES)}, got {timing!r}")
        self.currency = currency
        self.a = CustomerTypeControls(currency=currency, **a)
        self.b = CustomerTypeControls(currency=currency, **b)
        self.discount_rate = percent_slider("Discount rate (per year)", discount_rate, 0.0, 0.30)
        self.horizon = widgets.IntSlider(
            value=horizon,
            min=1,
            max=30,
            description="Horizon (years)",
            continuous_update=False,
            style={"description_width": "190px"},
            layout=widgets.Layout(width="520px"),
        )
        self.timing = widgets.Dropdown(
            options=list(TIMING_CHOICES),
            value=timing,
            description="Margin arrives",
            style={"description_width": "190px"},
            layout=widgets.Layout(width="640px"),
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.results: pd.DataFrame | None = None
        self.table: pd.DataFrame | None = None
        # the compiled chart of the first draw; later draws swap only its two datasets
        self._template: dict[str, Any] | None = None
        self._sources: tuple[str, str] = ("", "")
        shared = (self.discount_rate, self.horizon, self.timing)
        for control in (*self.a.controls, *self.b.controls, *shared):
            control.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.a, self.b]), *shared, self.summary, self.chart])
        self._update()

    def _update(self, change: object = None) -> None:
        timing, retained = TIMING_CHOICES[self.timing.value]
        years = int(self.horizon.value)
        discount = round(float(self.discount_rate.value), 4)
        rows, frames = [], []
        for side in (self.a, self.b):
            by_year = clv.clv_by_period(
                side.yearly_margin,
                round(float(side.retention.value), 4),
                discount,
                horizon=years,
                timing=timing,
                first_period_retained=retained,
            ).assign(customer=side.name)
            frames.append(by_year)
            value = float(by_year["cumulative_clv"].iloc[-1])
            cost = float(side.acquisition_cost.value)
            paid = by_year.loc[by_year["cumulative_clv"] >= cost, "period"]
            rows.append(
                {
                    "customer": side.name,
                    "yearly_margin": side.yearly_margin,
                    "clv": value,
                    "acquisition_cost": cost,
                    "net_clv": clv.net_clv(value, cost),
                    "clv_cac_ratio": clv.clv_cac_ratio(value, cost) if cost > 0 else float("nan"),
                    "payback_year": int(paid.iloc[0]) if len(paid) else None,
                }
            )
        self.results = pd.DataFrame(rows).astype({"payback_year": "Int64"})
        self.table = pd.concat(frames, ignore_index=True)
        self.summary.value = self._summary_html(years)
        self._draw()

    def _draw(self) -> None:
        """Show the chart of :func:`casekit.clv.clv_chart` for the current table.

        Only the data change between draws (the customer types, the currency and the
        layout do not), so the chart is built and compiled to Vega once; afterwards its
        two datasets, the lines and the acquisition-cost rules, are replaced in the
        compiled spec. Building the Altair chart and compiling it took most of the time
        of a slider move. A draw whose data did not change leaves the output alone.
        """
        costs = dict(zip(self.results["customer"], self.results["acquisition_cost"], strict=True))
        if self._template is None:
            spec = clv.clv_chart(
                self.table, acquisition_costs=costs, currency=self.currency
            ).to_dict(validate=False)
            lines, rules = (layer["data"]["name"] for layer in spec["layer"])
            self._sources = (lines, rules)
            self._template = charts.render(spec, svg=False)
            show_bundle(self.chart, self._template)
            return
        table = self.table
        values = {
            self._sources[0]: [
                {"customer": name, "period": int(period), "cumulative_clv": float(value)}
                for name, period, value in zip(
                    table["customer"], table["period"], table["cumulative_clv"], strict=True
                )
            ],
            self._sources[1]: [
                {"customer": name, "acquisition_cost": float(cost)} for name, cost in costs.items()
            ],
        }
        bundle = with_data(self._template, values)
        if self.chart.outputs and self.chart.outputs[0]["data"] == bundle:
            return
        show_bundle(self.chart, bundle)

    def _summary_html(self, years: int) -> str:
        money = html.escape(self.currency)
        cells = []
        for row in self.results.itertuples(index=False):
            ratio = "n/a (free)" if pd.isna(row.clv_cac_ratio) else f"{row.clv_cac_ratio:.1f} : 1"
            payback = (
                f"not in {years} years" if pd.isna(row.payback_year) else f"year {row.payback_year}"
            )
            cells.append(
                f"<tr><td><b>{html.escape(row.customer)}</b></td>"
                f"<td style='text-align:right'>{row.yearly_margin:,.0f}</td>"
                f"<td style='text-align:right'><b>{row.clv:,.0f}</b></td>"
                f"<td style='text-align:right'>{row.acquisition_cost:,.0f}</td>"
                f"<td style='text-align:right'>{row.net_clv:,.0f}</td>"
                f"<td style='text-align:right'><b>{ratio}</b></td>"
                f"<td>{payback}</td></tr>"
            )
        best = self.results.sort_values("net_clv", ascending=False).iloc[0]
        return (
            "<table style='font-size:14px;border-collapse:collapse'>"
            f"<tr><th></th><th>Margin a year ({money})</th><th>CLV, {years} years ({money})</th>"
            f"<th>Acquisition cost ({money})</th><th>CLV − CAC ({money})</th>"
            "<th>CLV : CAC</th><th>Pays back</th></tr>" + "".join(cells) + "</table>"
            f"<p style='font-size:15px'>Net of acquisition, one <b>{html.escape(best.customer)}"
            f"</b> adds the more value: {money} {best.net_clv:,.0f}.</p>"
        )

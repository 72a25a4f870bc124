"""Audit designer: precision, population and segments, unit costs -> sample, allocation, cost."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import pandas as pd

from casekit import audit
from casekit.widgets import LAYOUT, STYLE, int_slider, money_slider, percent_slider, show_chart

__all__ = ["AuditDesigner", "parse_segments", "segment_table_html"]


#: Confidence levels offered, label -> level.
CONFIDENCE_CHOICES = {"90 %": 0.90, "95 %": 0.95, "99 %": 0.99}
#: Allocation methods offered, label -> method of :func:`casekit.audit.allocate_sample`.
ALLOCATION_CHOICES = {
    "in proportion to size": "proportional",
    "in proportion to value": "value",
    "equal per segment": "equal",
}


def parse_segments(text: str) -> tuple[dict[str, float], dict[str, float]]:
    """Read segments typed one per line as ``name: customers`` or ``name: customers, value``.

    Parameters
    ----------
    text : str
        For example ``"busy family: 5400, 3200"`` (5,400 customers worth Php 3,200 each).
        Thousands separators ``_`` and spaces inside numbers are allowed; blank lines
        are skipped.

    Returns
    -------
    (dict, dict)
        Segment -> customers, and segment -> value per customer (1 where not given).

    Raises
    ------
    ValueError
        Naming the line that cannot be read.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    sizes: dict[str, float] = {}
    values: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, rest = line.partition(":")
        numbers = [part.strip().replace("_", "").replace(" ", "") for part in rest.split(",")]
        if not sep or not name.strip() or not numbers[0] or len(numbers) > 2:
            raise ValueError(
                f"line {number} ({line.strip()!r}) must read 'name: customers' or "
                "'name: customers, value'"
            )
        try:
            parsed = [float(n) for n in numbers]
        except ValueError:
            raise ValueError(
                f"line {number} ({line.strip()!r}): customers and value must be numbers"
            ) from None
        if any(v < 0 for v in parsed):
            raise ValueError(f"line {number} ({line.strip()!r}): numbers must be >= 0")
        key = name.strip()
        if key in sizes:
            raise ValueError(f"line {number}: segment {key!r} is listed twice")
        sizes[key] = parsed[0]
        values[key] = parsed[1] if len(parsed) == 2 else 1.0
    if not sizes:
        raise ValueError("list at least one segment, one per line: 'name: customers'")
    return sizes, values


def _format_segments(sizes: Mapping[str, float], values: Mapping[str, float] | None) -> str:
    lines = []
    for name, size in sizes.items():
        value = None if values is None else values.get(name)
        lines.append(f"{name}: {size:.0f}" + ("" if value is None else f", {value:.0f}"))
    return "\n".join(lines)


class AuditDesigner(widgets.VBox):
    """Design an external service audit and see what it costs.

    Controls: margin of error, confidence, whether the margin holds overall or in each
    segment, how to allocate the sample, the segments (name, customers and value per
    customer, one per line), the response rate, the unit costs and the mystery-shopping
    visits. Every change calls :func:`casekit.audit.design_audit`; the result is kept
    in :attr:`design`, summarised in :attr:`summary` (with a table of each segment's
    customers, interviews, invitations and design weight) and drawn in :attr:`chart`.

    Parameters
    ----------
    segments : mapping
        Segment -> number of customers.
    values : mapping, optional
        Segment -> value per customer (Php), for allocation by value.
    stores : sequence of str
        Stores for mystery shopping.
    margin, confidence, response_rate : float
        Starting values.
    cost_per_invitation, cost_per_complete, cost_per_visit, fixed_cost : float
        Starting unit costs (Php).
    visits_per_scenario : int
        Starting visits per store and scenario.
    currency : str
        Currency label.
    """

    def __init__(
        self,
        *,
        segments: Mapping[str, float],
        values: Mapping[str, float] | None = None,
        stores: Sequence[str] = (),
        margin: float = 0.05,
        confidence: float = 0.95,
        response_rate: float = 0.20,
        cost_per_invitation: float = 5.0,
        cost_per_complete: float = 100.0,
        cost_per_visit: float = 1_500.0,
        fixed_cost: float = 30_000.0,
        visits_per_scenario: int = 1,
        currency: str = "Php",
    ) -> None:
        self.currency = currency
        self.stores = list(stores)
        self.design: audit.AuditDesign | None = None
        self._drawn: tuple | None = None
        self.margin = percent_slider("Margin of error (±)", margin, 0.01, 0.10, 0.005)
        self.margin.readout_format = ".1%"
        self.confidence = widgets.Dropdown(
            options=list(CONFIDENCE_CHOICES.items()),
            value=confidence,
            description="Confidence",
            style=STYLE,
            layout=LAYOUT,
        )
        self.precision_for = widgets.ToggleButtons(
            options=[("whole customer base", "overall"), ("each segment", "each segment")],
            value="overall",
            description="Margin holds for",
            style=STYLE,
        )
        self.allocation = widgets.Dropdown(
            options=list(ALLOCATION_CHOICES.items()),
            value="proportional",
            description="Allocate the sample",
            style=STYLE,
            layout=LAYOUT,
        )
        self.segments = widgets.Textarea(
            value=_format_segments(segments, values),
            description="Segments",
            rows=max(3, len(segments)),
            continuous_update=False,
            style=STYLE,
            layout=widgets.Layout(width="520px"),
        )
        self.segments_help = widgets.HTML(
            "<span style='margin-left:198px;color:#555;font-size:13px'>one segment per line: "
            f"<code>name: customers, value per customer ({html.escape(currency)})</code></span>"
        )
        self.response_rate = percent_slider("Response rate", response_rate, 0.02, 1.0, 0.01)
        self.cost_per_invitation = money_slider(
            f"Cost per invitation ({currency})", cost_per_invitation, 0, 50, 1
        )
        self.cost_per_complete = money_slider(
            f"Cost per complete ({currency})", cost_per_complete, 0, 500, 10
        )
        self.cost_per_visit = money_slider(
            f"Cost per mystery visit ({currency})", cost_per_visit, 0, 5_000, 100
        )
        self.fixed_cost = money_slider(f"Fixed cost ({currency})", fixed_cost, 0, 200_000, 5_000)
        self.visits = int_slider("Visits per store & scenario", visits_per_scenario, 0, 6)
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.controls = (
            self.margin,
            self.confidence,
            self.precision_for,
            self.allocation,
            self.segments,
            self.response_rate,
            self.cost_per_invitation,
            self.cost_per_complete,
            self.cost_per_visit,
            self.fixed_cost,
            self.visits,
        )
        for control in self.controls:
            control.observe(self._update, names="value")
        layout = list(self.controls)
        layout.insert(layout.index(self.segments) + 1, self.segments_help)
        super().__init__([*layout, self.summary, self.chart])
        self._update()

    def _update(self, change: object = None) -> None:
        try:
            sizes, values = parse_segments(self.segments.value)
            self.design = audit.design_audit(
                segments=sizes,
                values=values,
                margin=round(self.margin.value, 4),
                confidence=self.confidence.value,
                precision_for=self.precision_for.value,
                allocation=self.allocation.value,
                response_rate=round(self.response_rate.value, 4),
                cost_per_invitation=self.cost_per_invitation.value,
                cost_per_complete=self.cost_per_complete.value,
                stores=self.stores,
                visits_per_scenario=self.visits.value,
                cost_per_visit=self.cost_per_visit.value,
                fixed_cost=self.fixed_cost.value,
            )
        except (ValueError, TypeError) as error:
            self.design = None
            self.summary.value = (
                f"<p style='color:#b2182b;font-size:15px'>⚠️ {html.escape(str(error))}</p>"
            )
            self.chart.outputs = ()
            self._drawn = None
            return
        self.summary.value = self._summary_html(self.design)
        # Costs and visits do not change who is interviewed: redraw only when they do.
        table = self.design.allocation
        key = tuple(zip(table["segment"], table["population"], table["sample"], strict=True))
        if key != self._drawn:
            show_chart(self.chart, audit.allocation_chart(table))
            self._drawn = key

    def _summary_html(self, design: audit.AuditDesign) -> str:
        money = html.escape(self.currency)
        population = design.allocation["population"].sum()
        settings = design.settings
        where = "overall" if settings["precision_for"] == "overall" else "in every segment"
        visits = int(design.mystery_plan["visits"].sum())
        rows = "".join(
            f"<tr><td>{html.escape(str(r.item))}</td>"
            f"<td style='text-align:right'>{'' if pd.isna(r.units) else f'{int(r.units):,}'}"
            f"</td><td style='text-align:right'>{money} {r.cost:,.0f}</td></tr>"
            for r in design.cost.itertuples(index=False)
        )
        return (
            f"<p style='font-size:15px'>To estimate a share to within "
            f"<b>±{settings['margin'] * 100:.1f} points</b> at "
            f"<b>{settings['confidence']:.0%}</b> confidence {where} "
            f"({population:,.0f} customers) you need <b>{design.completes:,}</b> completed "
            f"surveys, so <b>{design.invitations:,}</b> invitations at a "
            f"{settings['response_rate']:.0%} response rate; plus <b>{visits}</b> mystery "
            f"visits. Total cost: <b>{money} {design.total_cost:,.0f}</b>.</p>"
            f"<table style='font-size:14px'><tr><th style='text-align:left'>Item</th>"
            f"<th>Units</th><th>Cost</th></tr>{rows}</table>"
            f"{segment_table_html(design.allocation)}"
        )


def segment_table_html(allocation: pd.DataFrame) -> str:
    """The sample of each segment as an HTML table, so it survives a static export.

    Parameters
    ----------
    allocation : pandas.DataFrame
        ``AuditDesign.allocation`` from :func:`casekit.audit.design_audit`: ``segment``,
        ``population``, ``sample``, ``invitations`` and ``design_weight``.

    Returns
    -------
    str
        One row per segment: customers, completed interviews, invitations and design
        weight (customers each interview stands for), plus a total row.
    """
    right = "style='text-align:right;padding-left:12px'"
    rows = "".join(
        f"<tr><td>{html.escape(str(r.segment))}</td><td {right}>{r.population:,.0f}</td>"
        f"<td {right}>{int(r.sample):,}</td><td {right}>{int(r.invitations):,}</td>"
        f"<td {right}>{r.design_weight:,.1f}</td></tr>"
        for r in allocation.itertuples(index=False)
    )
    total = (
        f"<tr style='font-weight:bold'><td>all segments</td>"
        f"<td {right}>{allocation['population'].sum():,.0f}</td>"
        f"<td {right}>{int(allocation['sample'].sum()):,}</td>"
        f"<td {right}>{int(allocation['invitations'].sum()):,}</td><td {right}></td></tr>"
    )
    return (
        "<table style='font-size:14px;margin-top:8px'><tr><th style='text-align:left'>"
        f"Segment</th><th {right}>Customers</th><th {right}>Interviews</th>"
        f"<th {right}>Invitations</th><th {right}>Weight</th></tr>{rows}{total}</table>"
    )

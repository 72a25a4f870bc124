"""RFM explorer: pick the as-of date and the scoring scheme; see the segments and their profiles."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import pandas as pd

from casekit import segments
from casekit.validation import check_one_of
from casekit.widgets import show_chart

__all__ = ["SegmentExplorer"]

_SCHEME_LABELS = (("Quintiles of the base", "quantile"), ("Fixed thresholds", "fixed"))
_HEADINGS = (
    "Customers",
    "Share",
    "Share of spend",
    "Spend per customer (Php)",
    "Median days since last purchase",
)


def _month_ends(first: pd.Timestamp, last: pd.Timestamp, lead_months: int) -> list[pd.Timestamp]:
    """Month ends from ``lead_months`` after ``first`` to ``last`` (``last`` included)."""
    ends = pd.date_range(first + pd.DateOffset(months=lead_months), last, freq="ME")
    days = [pd.Timestamp(d) for d in ends]
    if not days or days[-1] != last:
        days.append(last)
    return days


class SegmentExplorer(widgets.VBox):
    """An as-of date slider and a scoring-scheme toggle; live segment sizes, values, profiles.

    Every change recomputes RFM as of the chosen day (:meth:`PurchaseHistory.rfm`),
    the scores (:func:`casekit.segments.rfm_scores`), the named segments
    (:func:`casekit.segments.assign_segments`), their sizes and values
    (:func:`casekit.segments.segment_summary`) and profiles
    (:func:`casekit.segments.segment_profile`). The chart is that of
    :func:`casekit.segments.explorer_chart`: clicking a segment's bar shows its profile
    in the panel beside it, inside the chart, without a round trip to Python.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase (customer, date, amount spent).
    people : pandas.DataFrame
        One row per customer, indexed by the same customer ids, with the profile columns.
    columns : mapping or sequence of str
        Profile columns, by basis (default :data:`casekit.segments.PROFILE_BASES`).
    as_of : date, optional
        The first as-of day shown (default: the last purchase day). The slider offers
        month ends from six months after the first purchase to the last purchase day.
    scheme : {"quantile", "fixed"}
        The first scoring scheme shown.
    window_days : int, optional
        Count frequency and monetary value over this many days only (default: all).
    customer_col, date_col, amount_col : str
        Column names of ``transactions``.
    """

    def __init__(
        self,
        transactions: pd.DataFrame,
        people: pd.DataFrame,
        *,
        columns: Mapping[str, Sequence[str]] | Sequence[str] = segments.PROFILE_BASES,
        as_of: Any = None,
        scheme: str = "quantile",
        window_days: int | None = None,
        customer_col: str = "customer_id",
        date_col: str = "timestamp",
        amount_col: str = "spend",
    ) -> None:
        self.history = segments.purchase_history(
            transactions, customer_col=customer_col, date_col=date_col, amount_col=amount_col
        )
        position = people.index.get_indexer(self.history.ids)
        if (position < 0).any():
            missing = self.history.ids[position < 0]
            raise ValueError(
                f"people has no row for {len(missing)} customer(s) of transactions, "
                f"e.g. {missing[0]!r}; index people by the customer id"
            )
        self.columns = columns
        if isinstance(columns, Mapping):
            names = [c for cols in columns.values() for c in cols]
        else:
            names = list(columns)
        # the profile columns in the order of the history's customers, for fast slicing
        self._people = people.iloc[position][names].reset_index(drop=True)
        segments.segment_profile(self._people.assign(segment="all"), columns)  # validate once
        self.window_days = window_days
        days = _month_ends(self.history.first_date, self.history.last_date, 6)
        start = self.history.last_date if as_of is None else pd.Timestamp(as_of).normalize()
        if start not in days:
            days = sorted({*days, start})
        self.as_of = widgets.SelectionSlider(
            options=[(d.strftime("%Y-%m-%d"), d) for d in days],
            value=start,
            description="As of",
            continuous_update=False,
            style={"description_width": "120px"},
            layout=widgets.Layout(width="620px"),
        )
        self.scheme = widgets.ToggleButtons(
            options=_SCHEME_LABELS,
            value=check_one_of("scheme", scheme, segments.SCHEMES),
            description="Scores",
            style={"description_width": "120px", "button_width": "180px"},
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.scored: pd.DataFrame | None = None
        self.table: pd.DataFrame | None = None
        self.profile: pd.DataFrame | None = None
        for control in (self.as_of, self.scheme):
            control.observe(self._update, names="value")
        super().__init__([self.as_of, self.scheme, self.summary, self.chart])
        self._update()

    def _update(self, change: object = None) -> None:
        day = self.as_of.value
        table = self.history.rfm(day, window_days=self.window_days)
        scored = segments.rfm_scores(table, self.scheme.value)
        scored["segment"] = segments.assign_segments(scored)
        self.scored = scored
        self.table = segments.segment_summary(scored)
        mask = self.history.customers_as_of(day)
        people = self._people[mask].assign(segment=scored["segment"].to_numpy())
        self.profile = segments.segment_profile(people, self.columns)
        self.summary.value = self._summary(day)
        # The spec is built as a plain dict (segments.explorer_spec): Altair's objects
        # would cost more than the whole computation.
        show_chart(self.chart, segments.explorer_spec(self.table, self.profile))

    def _summary(self, day: pd.Timestamp) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td>{esc(str(name))}</td>"
            f"<td style='text-align:right'>{row['customers']:,.0f}</td>"
            f"<td style='text-align:right'>{row['share_of_customers']:.1%}</td>"
            f"<td style='text-align:right'>{row['share_of_monetary']:.1%}</td>"
            f"<td style='text-align:right'>{row['monetary_mean']:,.0f}</td>"
            f"<td style='text-align:right'>{row['recency_median']:,.0f}</td></tr>"
            for name, row in self.table.iterrows()
        )
        scheme = {v: k for k, v in _SCHEME_LABELS}[self.scheme.value].lower()
        return (
            f"<div style='font-size:14px'><p>As of <b>{day:%d %B %Y}</b>: "
            f"<b>{int(self.table['customers'].sum()):,}</b> customers, scored by {esc(scheme)}. "
            "Click a segment's bar in the chart to see its profile.</p>"
            "<table style='border-spacing:14px 2px'><tr><th style='text-align:left'>Segment</th>"
            + "".join(f"<th style='text-align:right'>{h}</th>" for h in _HEADINGS)
            + f"</tr>{rows}</table></div>"
        )

"""RFM explorer: pick the as-of date and the scoring scheme; see the segments and their profiles."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from casekit import charts, privacy, segments
from casekit.validation import as_datetime_column, check_one_of
from casekit.widgets import show_bundle, with_data

__all__ = ["SegmentExplorer"]

_SCHEME_LABELS = (("Quintiles of the base", "quantile"), ("Fixed thresholds", "fixed"))
_HEADINGS = (
    "Customers",
    "Share",
    "Share of spend",
    "Spend per customer (Php)",
    "Median days since last purchase",
)


#: Profile columns that change with the as-of day. The explorer recomputes them for the
#: day on the slider, from the purchases (the habits), from ``club_since`` (club
#: membership) or from ``birth_dates`` (age band); one it cannot recompute is left out of
#: the profile rather than shown as of another day.
DATED_COLUMNS = (
    "preferred_channel",
    "preferred_days",
    "favourite_category",
    "club_member",
    "age_band",
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

    The profile describes the customers **as of the chosen day**. ``people`` is a table
    made on one day (usually the last), so its date-dependent columns
    (:data:`DATED_COLUMNS`) would leak later facts into earlier days: a customer who
    joined the club in 2024 would count as a member at the end of 2022. The explorer
    recomputes them for each day instead: the shopping habits from the purchases up to
    that day (the rules of :func:`casekit.segments.shopping_habits`; needs ``channel``
    and ``category`` columns in ``transactions``), ``club_member`` from ``club_since``
    and ``age_band`` from ``birth_dates``. A dated column it cannot recompute is left
    out of the profile. The other columns (region, distance, occupation, lifestyle) are
    taken as fixed.

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
    club_since : pandas.Series, optional
        Day each customer joined the club (NaT if never), indexed like ``people``.
    birth_dates : pandas.Series, optional
        Dates of birth, indexed like ``people``; only their age bands are shown.
    customer_col, date_col, amount_col : str
        Column names of ``transactions``.
    channel_col, category_col, online : str
        Channel and category columns of ``transactions``, and the online channel.
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
        club_since: pd.Series | None = None,
        birth_dates: pd.Series | None = None,
        customer_col: str = "customer_id",
        date_col: str = "timestamp",
        amount_col: str = "spend",
        channel_col: str = "channel",
        category_col: str = "category",
        online: str = "online",
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
        if isinstance(columns, Mapping):
            names = [c for cols in columns.values() for c in cols]
        else:
            names = list(columns)
        # the profile columns in the order of the history's customers, for fast slicing
        fixed = people.iloc[position][[c for c in names if c not in DATED_COLUMNS]]
        segments.segment_profile(people.iloc[position][names].assign(segment="all"), columns)
        self._fixed = fixed.reset_index(drop=True)
        self._dated = _DatedColumns(
            self.history,
            transactions,
            wanted=[c for c in names if c in DATED_COLUMNS],
            club_since=club_since,
            birth_dates=birth_dates,
            customer_col=customer_col,
            date_col=date_col,
            channel_col=channel_col,
            category_col=category_col,
            online=online,
        )
        #: dated profile columns left out, with the reason
        self.left_out = self._dated.left_out
        if isinstance(columns, Mapping):
            self.columns = {
                basis: [c for c in cols if c not in self.left_out]
                for basis, cols in columns.items()
            }
            self.columns = {b: cols for b, cols in self.columns.items() if cols}
        else:
            self.columns = [c for c in names if c not in self.left_out]
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
        # compiled charts by layout (the spec without its data), with the names of the
        # two data sources to swap: compiling took most of a callback's time
        self._compiled: dict[str, tuple[dict[str, Any], tuple[str, str]]] = {}
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
        people = self._fixed[mask].assign(
            **self._dated.as_of(day, mask), segment=scored["segment"].array
        )
        self.profile = segments.segment_profile(people, self.columns)
        self.summary.value = self._summary(day)
        self._draw()

    def _draw(self) -> None:
        """Show :func:`casekit.segments.explorer_chart` for the current table and profile.

        The spec is built as a plain dict (:func:`casekit.segments.explorer_spec`):
        Altair's objects would cost more than the whole computation. Its layout (the
        segments, their order, the profile's rows, the first segment selected) changes
        rarely, so the Vega compiled for a layout is kept and later draws with the same
        layout only swap the two data sets, the segment sizes and the profiles.
        """
        spec = segments.explorer_spec(self.table, self.profile)
        sources = (spec["hconcat"][0]["data"], spec["hconcat"][1]["layer"][0]["data"])
        values = tuple(source.pop("values") for source in sources)
        layout = json.dumps(spec, sort_keys=True, default=str)
        if layout not in self._compiled:
            for source, rows in zip(sources, values, strict=True):
                source["values"] = rows
            bundle = charts.render(spec, svg=False)
            vega = bundle[charts.VEGA_MIMETYPE]
            names = tuple(
                next(d["name"] for d in vega["data"] if d.get("values") == rows) for rows in values
            )
            if len(self._compiled) >= 32:
                self._compiled.clear()
            self._compiled[layout] = (bundle, names)
        else:
            bundle, names = self._compiled[layout]
            bundle = with_data(bundle, dict(zip(names, values, strict=True)))
        show_bundle(self.chart, bundle)

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
            "Click a segment's bar in the chart to see its profile"
            + (
                f" (left out, not known for earlier days: {esc(', '.join(self.left_out))})"
                if self.left_out
                else ""
            )
            + ".</p>"
            "<table style='border-spacing:14px 2px'><tr><th style='text-align:left'>Segment</th>"
            + "".join(f"<th style='text-align:right'>{h}</th>" for h in _HEADINGS)
            + f"</tr>{rows}</table></div>"
        )


class _DatedColumns:
    """The date-dependent profile columns of the history's customers, as of any day.

    Arrays are held in the history's order (customer blocks, days ascending), so each
    day costs a few vectorised sums, like :meth:`PurchaseHistory.rfm`.
    """

    def __init__(
        self,
        history: segments.PurchaseHistory,
        transactions: pd.DataFrame,
        *,
        wanted: list[str],
        club_since: pd.Series | None,
        birth_dates: pd.Series | None,
        customer_col: str,
        date_col: str,
        channel_col: str,
        category_col: str,
        online: str,
    ) -> None:
        self.history = history
        self.wanted = list(wanted)
        self.left_out: list[str] = []
        ids = history.ids
        habits = [c for c in wanted if c in DATED_COLUMNS[:3]]
        if habits and not {channel_col, category_col} <= set(transactions.columns):
            self.left_out += habits
            habits = []
        if habits:
            # the same order as purchase_history: customers sorted, days ascending
            codes, _ = pd.factorize(transactions[customer_col], sort=True)
            when = as_datetime_column("transactions", transactions, date_col)
            when = when.to_numpy().astype("datetime64[D]")
            order = np.lexsort((when.view(np.int64), codes))
            self.online = (transactions[channel_col].astype(str).to_numpy() == online)[order]
            self.weekend = (pd.DatetimeIndex(when).day_of_week.to_numpy() >= 5)[order]
            category = transactions[category_col].astype("category")
            self.cat_codes = category.cat.codes.to_numpy(np.int64)[order]
            self.cat_names = [str(c) for c in category.cat.categories]
            self.owner = np.repeat(np.arange(len(ids)), np.diff(np.r_[history.starts, len(order)]))
        self.club_since = None
        if "club_member" in wanted:
            if club_since is None:
                self.left_out.append("club_member")
            else:
                joined = _aligned("club_since", club_since, ids)
                self.club_since = pd.to_datetime(joined).to_numpy().astype("datetime64[D]")
        if "age_band" in wanted:
            if birth_dates is None:
                self.left_out.append("age_band")
            else:
                born = pd.to_datetime(_aligned("birth_dates", birth_dates, ids))
                if born.isna().any():
                    raise ValueError(f"birth_dates has {int(born.isna().sum())} missing date(s)")
                # the labels of privacy.age_band, which also checks the dates
                self.age_labels = list(privacy.age_band(born, history.last_date).cat.categories)
                self.birth_year = born.dt.year.to_numpy(np.int64)
                self.birth_month_day = (born.dt.month * 100 + born.dt.day).to_numpy(np.int64)
        self.wanted = [c for c in self.wanted if c not in self.left_out]
        self._last: tuple[pd.Timestamp, dict[str, Any]] | None = None

    def as_of(self, day: pd.Timestamp, mask: np.ndarray) -> dict[str, Any]:
        """The dated columns for the customers of ``mask`` (those with a purchase by ``day``)."""
        if self._last is not None and self._last[0] == day:
            return self._last[1]
        out: dict[str, Any] = {}
        if not self.wanted:
            return out
        h = self.history
        end = (np.datetime64(day.date(), "D") - np.datetime64("1970-01-01", "D")).astype(int)
        inside = h.days <= end
        baskets = np.add.reduceat(inside.astype(np.int64), h.starts)[mask]
        if "preferred_channel" in self.wanted:
            online = np.add.reduceat((inside & self.online).astype(np.int64), h.starts)[mask]
            out["preferred_channel"] = pd.Categorical.from_codes(
                (online * 2 > baskets).astype(np.int8),
                categories=["mostly in store", "mostly online"],
            )
        if "preferred_days" in self.wanted:
            weekend = np.add.reduceat((inside & self.weekend).astype(np.int64), h.starts)[mask]
            out["preferred_days"] = pd.Categorical.from_codes(
                (weekend * 2 > baskets).astype(np.int8),
                categories=["mostly weekdays", "mostly weekends"],
            )
        if "favourite_category" in self.wanted:
            k = len(self.cat_names)
            counts = np.bincount(
                self.owner[inside] * k + self.cat_codes[inside], minlength=len(h.starts) * k
            ).reshape(-1, k)[mask]
            out["favourite_category"] = pd.Categorical.from_codes(
                counts.argmax(axis=1), categories=self.cat_names
            )
        if "club_member" in self.wanted:
            member = self.club_since[mask] <= np.datetime64(day.date(), "D")
            out["club_member"] = pd.Categorical.from_codes(
                (~member).astype(np.int8), categories=["member", "not a member"]
            )
        if "age_band" in self.wanted:
            # completed birthdays on the day, as privacy.age_in_years counts them
            before = self.birth_month_day[mask] > day.month * 100 + day.day
            ages = day.year - self.birth_year[mask] - before
            out["age_band"] = pd.Categorical.from_codes(
                np.searchsorted(privacy.AGE_EDGES, ages, side="right"),
                categories=self.age_labels,
                ordered=True,
            )
        self._last = (day, out)  # a change of scheme keeps the day
        return out


def _aligned(name: str, values: pd.Series, ids: pd.Index) -> pd.Series:
    """``values`` in the order of ``ids``; every id must be present."""
    if not isinstance(values, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed like people, got {values!r}")
    position = values.index.get_indexer(ids)
    if (position < 0).any():
        raise ValueError(
            f"{name} has no value for {int((position < 0).sum())} customer(s), "
            f"e.g. {ids[position < 0][0]!r}; index it like people"
        )
    return values.iloc[position].reset_index(drop=True)

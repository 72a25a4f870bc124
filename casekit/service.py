"""Measuring and improving customer service quality.

The chapter's objective LO 5-3 asks for quality measures in three categories, one per phase
of the transaction (pre-transaction, transaction, post-transaction), each with a
performance standard, monitored often, with action when the standard is missed (source 000).
This module holds the tools for each step of that loop:

1. **Measures by phase** — a catalogue (:func:`measures`) and functions that compute each
   measure from the course's data with explicit column names: time to answer, answered
   within *T* seconds and abandonment from a contact log; order cycle time, on-time
   delivery, line fill rate, order accuracy and the perfect-order rate from an order table;
   events per 1,000 orders, first-contact resolution, NPS, CSAT and CES.
2. **Standards** — proposed from current performance (a percentile), from a benchmark or
   from a customer requirement, and checked for realism: a standard that almost every
   period already meets breeds complacency; one that almost none meets cannot be achieved
   (source 003). See :func:`percentile_standard` and :func:`compare_standards`.
3. **Monitoring** — Shewhart control charts (individuals/moving-range for times and
   amounts, p-chart for proportions) with limits from a baseline period, the usual
   out-of-control rules, and a period-by-period table against the standards
   (:func:`monitoring_table`, :func:`scorecard`).
4. **Staffing to a service level** — the Erlang C queue (probability of waiting, average
   speed of answer, share answered within *T* seconds) and the number of agents needed
   per interval, with the cost of each extra point of service level. The formulas are a
   few vectorised lines here rather than a dependency: the maintained PyPI package that
   does this (pyworkforce) computes one interval at a time, calls the answer-time target
   ``asa``, and brings OR-Tools and joblib for its scheduling features; its documented
   results for the Call Centre Helper example are among this module's tests.
5. **Improvement** — where the time goes between process stages (the bottleneck), a
   before/after comparison with a proper test, and a Pareto table of causes.

Units: times in seconds for queues and contacts, in days for orders; rates as fractions
(0.8 = 80 %); NPS in points from -100 to 100; money in Php.
"""

from __future__ import annotations

import heapq
import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

import casekit.charts  # noqa: F401  (house theme and offline renderer)
from casekit.grouping import group_keys, summarise
from casekit.phases import PHASES
from casekit.validation import (
    as_datetime_column,
    check_array,
    check_columns,
    check_fraction,
    check_integer,
    check_no_missing,
    check_nonempty,
    check_number,
    check_one_of,
    flag_column,
    numeric_column,
    score_column,
)

__all__ = [
    "BETTER",
    "D2",
    "D4",
    "MR_RULE",
    "RULES",
    "IndividualsLimits",
    "abandonment_rate",
    "add_period",
    "agents_needed",
    "average_speed_of_answer",
    "before_after",
    "change_point",
    "compare_standards",
    "control_chart",
    "control_rules",
    "cost_of_service_levels",
    "customer_effort_score",
    "customer_satisfaction",
    "delay_causes",
    "erlang_b",
    "erlang_c",
    "first_contact_resolution",
    "hourly_arrivals",
    "individuals_chart",
    "individuals_limits",
    "line_fill_rate",
    "mean_patience",
    "measure_phase",
    "measures",
    "meets_standard",
    "monitoring_table",
    "moving_range_chart",
    "net_promoter_score",
    "occupancy",
    "offered_load",
    "on_time_rate",
    "order_accuracy",
    "order_cycle_time",
    "p_chart",
    "p_chart_limits",
    "pareto_chart",
    "pareto_table",
    "per_thousand",
    "percentile_standard",
    "perfect_order_rate",
    "perfect_orders",
    "period_counts",
    "queue_metrics",
    "scorecard",
    "service_level",
    "service_level_chart",
    "service_level_curve",
    "share_answered_within",
    "share_meeting",
    "simulate_queue",
    "staffing_chart",
    "staffing_plan",
    "stage_durations",
    "stage_summary",
    "standard_verdict",
    "time_to_answer",
]

#: Directions a measure can improve in.
BETTER = ("higher", "lower")

# =========================================================================================
# 1. The catalogue of measures by phase
# =========================================================================================

# measure, phase, what it tells, formula, unit, data needed, typical standard, function
_MEASURES: tuple[tuple[str, str, str, str, str, str, str, str, str], ...] = (
    (
        "Time to answer",
        "pre-transaction",
        "how long a customer waits before a person answers a query",
        "mean wait of answered contacts (average speed of answer, ASA)",
        "seconds",
        "contact log: wait before answer, abandoned flag",
        "ASA under 30 s",
        "lower",
        "time_to_answer",
    ),
    (
        "Answered within T seconds",
        "pre-transaction",
        "the share of calls answered quickly (the call-centre 'service level')",
        "calls answered within T s / calls offered",
        "share of calls",
        "contact log: wait before answer, abandoned flag",
        "80 % within 20 s",
        "higher",
        "share_answered_within",
    ),
    (
        "Abandonment rate",
        "pre-transaction",
        "customers who give up before being answered",
        "abandoned calls / calls offered",
        "share of calls",
        "contact log: abandoned flag",
        "under 5 %",
        "lower",
        "abandonment_rate",
    ),
    (
        "Order cycle time",
        "transaction",
        "time from placing an order to receiving it (time to fill an order)",
        "delivery date - order date, averaged over orders",
        "days",
        "orders: ordered and delivered dates",
        "mean under 3 days",
        "lower",
        "order_cycle_time",
    ),
    (
        "On-time delivery",
        "transaction",
        "whether the firm keeps its delivery promise",
        "orders delivered on or before the promised date / orders delivered",
        "share of orders",
        "orders: promised and delivered dates",
        "95 % on time",
        "higher",
        "on_time_rate",
    ),
    (
        "Line fill rate",
        "transaction",
        "how much of what was ordered is shipped from stock",
        "order lines filled / order lines ordered",
        "share of lines",
        "orders: lines ordered and lines filled",
        "98 % of lines",
        "higher",
        "line_fill_rate",
    ),
    (
        "Order accuracy",
        "transaction",
        "orders shipped without picking or paperwork errors",
        "accurate orders / orders",
        "share of orders",
        "orders: accuracy flag",
        "99 % accurate",
        "higher",
        "order_accuracy",
    ),
    (
        "Perfect-order rate",
        "transaction",
        "orders that are on time, complete and accurate at once",
        "orders on time AND complete AND accurate / orders",
        "share of orders",
        "orders: dates, lines, accuracy flag",
        "90 % perfect",
        "higher",
        "perfect_order_rate",
    ),
    (
        "Complaints per 1,000 orders",
        "post-transaction",
        "how often a purchase leads to a complaint (number of product complaints)",
        "complaints / orders x 1,000",
        "per 1,000 orders",
        "complaint log and order counts per period",
        "under 5 per 1,000",
        "lower",
        "per_thousand",
    ),
    (
        "Returns per 1,000 orders",
        "post-transaction",
        "how often goods come back",
        "returns / orders x 1,000",
        "per 1,000 orders",
        "returns log and order counts per period",
        "under 20 per 1,000",
        "lower",
        "per_thousand",
    ),
    (
        "First-contact resolution",
        "post-transaction",
        "problems solved without the customer having to come back",
        "contacts resolved at the first contact / contacts",
        "share of contacts",
        "contact log: resolved-at-first-contact flag",
        "75 % resolved first time",
        "higher",
        "first_contact_resolution",
    ),
    (
        "Net Promoter Score (NPS)",
        "post-transaction",
        "willingness to recommend the firm",
        "% promoters (9-10) - % detractors (0-6) on a 0-10 scale",
        "points (-100 to 100)",
        "survey: likelihood to recommend",
        "above the main competitor",
        "higher",
        "net_promoter_score",
    ),
    (
        "Customer satisfaction (CSAT)",
        "post-transaction",
        "satisfaction with the service received",
        "share of answers in the top two boxes (4-5 on a 1-5 scale)",
        "share of respondents",
        "survey: overall satisfaction",
        "85 % satisfied",
        "higher",
        "customer_satisfaction",
    ),
    (
        "Customer effort score (CES)",
        "post-transaction",
        "how easy it was to get what the customer needed",
        "mean agreement that the firm made it easy (1-7 scale)",
        "scale points",
        "survey: customer effort item",
        "mean of 5.5 or more",
        "higher",
        "customer_effort_score",
    ),
)


def measures() -> pd.DataFrame:
    """Return the catalogue of service quality measures, grouped by phase.

    The three phases follow La Londe and Zinszer (1976), as in :mod:`casekit.phases`;
    the examples of source 000 (time to answer a query: pre-transaction; time to fill an
    order: transaction; number of product complaints: post-transaction) anchor each
    group. Typical standards are common industry targets, given as starting points for
    discussion, not as norms: a firm sets its own (see :func:`compare_standards`).

    Returns
    -------
    pandas.DataFrame
        Columns ``measure``, ``phase`` (ordered categorical over
        :data:`casekit.phases.PHASES`), ``what_it_tells``, ``formula``, ``unit``,
        ``data_needed``, ``typical_standard``, ``better`` ("higher" or "lower") and
        ``function`` (the casekit function that computes it).
    """
    columns = [
        "measure",
        "phase",
        "what_it_tells",
        "formula",
        "unit",
        "data_needed",
        "typical_standard",
        "better",
        "function",
    ]
    frame = pd.DataFrame(_MEASURES, columns=columns)
    frame["phase"] = pd.Categorical(frame["phase"], categories=PHASES, ordered=True)
    return frame


def measure_phase(measure: str) -> str:
    """Return the phase of a measure in :func:`measures` (case-insensitive).

    Raises
    ------
    ValueError
        If the measure is not in the catalogue; the message lists the known measures.
    """
    if not isinstance(measure, str):
        raise TypeError(f"measure must be a str, got {type(measure).__name__}")
    wanted = " ".join(measure.split()).casefold()
    for name, phase, *_ in _MEASURES:
        if name.casefold() == wanted:
            return phase
    known = ", ".join(name for name, *_ in _MEASURES)
    raise ValueError(f"measure {measure!r} is not in the catalogue; known measures: {known}")


# =========================================================================================
# 2. Measures computed from data
# =========================================================================================


def _frame(
    name: str, frame: Any, columns: Iterable[str | None], by: str | Sequence[str] | None
) -> pd.DataFrame:
    """Check a table: a non-empty DataFrame with the named columns and group keys."""
    needed = [c for c in columns if c is not None] + group_keys(by)
    check_columns(name, frame, needed)
    return check_nonempty(name, frame)


def _statistic(statistic: str | float) -> Any:
    if isinstance(statistic, str):
        check_one_of("statistic", statistic, ("mean", "median"))
        return statistic
    q = check_number("statistic", statistic, minimum=0, maximum=1)
    return lambda s: s.quantile(q)


def time_to_answer(
    contacts: pd.DataFrame,
    *,
    wait: str,
    abandoned: str | None = None,
    statistic: str | float = "mean",
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Time customers wait before a person answers (pre-transaction).

    With ``statistic="mean"`` this is the *average speed of answer* (ASA): the mean wait
    of the contacts that were answered. Abandoned contacts are left out when an
    ``abandoned`` column says which ones the customer gave up on (their wait is the time
    until they hung up, not a time to answer).

    Parameters
    ----------
    contacts : pandas.DataFrame
        One row per contact.
    wait : str
        Column with the wait before answer, in seconds (>= 0).
    abandoned : str, optional
        Yes/no column: did the customer hang up before being answered? Rows with ``True``
        are left out.
    statistic : {"mean", "median"} or float
        How to summarise the waits; a float in [0, 1] is a quantile (0.9 = 90th percentile).
    by : str or list of str, optional
        Group columns (a period, a channel, an hour ...). Without it: one number.

    Returns
    -------
    float or pandas.Series
        Seconds; a Series indexed by the groups when ``by`` is given.
    """
    frame = _frame("contacts", contacts, [wait, abandoned], by)
    how = _statistic(statistic)
    if abandoned is not None:
        frame = frame[~flag_column("contacts", frame, abandoned)]
        if len(frame) == 0:
            raise ValueError(
                f"contacts has no answered contact: every row is marked {abandoned!r}, so "
                "there is no time to answer to summarise"
            )
    values = numeric_column("contacts", frame, wait, minimum=0)
    return summarise(values, frame, by, how, "time_to_answer")


def share_answered_within(
    contacts: pd.DataFrame,
    *,
    wait: str,
    seconds: float = 20.0,
    abandoned: str | None = None,
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Share of contacts answered within ``seconds`` (the observed service level).

    Formula: contacts answered with ``wait <= seconds`` / contacts offered. Abandoned
    contacts count in the denominator and never as answered in time; this is the
    strictest of the common definitions (some centres leave out calls abandoned within
    a few seconds).

    Parameters
    ----------
    contacts : pandas.DataFrame
        One row per offered contact.
    wait : str
        Column with the wait in seconds (for abandoned contacts: the time until they hung up).
    seconds : float
        The answer-time threshold ``T`` (> 0), in seconds.
    abandoned : str, optional
        Yes/no column: did the customer hang up before being answered?
    by : str or list of str, optional
        Group columns.

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1].
    """
    frame = _frame("contacts", contacts, [wait, abandoned], by)
    t = check_number("seconds", seconds, minimum=0, min_inclusive=False)
    in_time = numeric_column("contacts", frame, wait, minimum=0) <= t
    if abandoned is not None:
        in_time &= ~flag_column("contacts", frame, abandoned)
    return summarise(in_time, frame, by, "mean", "share_answered_within")


def abandonment_rate(
    contacts: pd.DataFrame, *, abandoned: str, by: str | Sequence[str] | None = None
) -> float | pd.Series:
    """Share of offered contacts abandoned before an answer: abandoned / offered."""
    frame = _frame("contacts", contacts, [abandoned], by)
    return summarise(
        flag_column("contacts", frame, abandoned), frame, by, "mean", "abandonment_rate"
    )


def mean_patience(contacts: pd.DataFrame, *, wait: str, abandoned: str) -> float:
    """Mean time a queued customer will wait before hanging up, from a contact log.

    A customer who hangs up shows their patience: it is their wait. One who is answered
    shows only that their patience was longer than their wait (a *censored* time). If
    patience is exponential, the maximum-likelihood estimate of its mean counts both:

    .. math:: \\hat{\\theta} = \\frac{\\sum_i w_i}{\\text{number abandoned}}

    where :math:`w_i` runs over every contact's wait, answered or not (contacts answered
    at once add 0). It is the same estimator as a failure rate from censored lifetimes;
    Brown et al. (2005, *JASA* 100: 36-50) discuss it for call centres. Leaving out the
    answered waits, i.e. averaging only the hang-ups' waits, underestimates the patience,
    because the patient callers are the ones who got through.

    Parameters
    ----------
    contacts : pandas.DataFrame
        One row per contact offered to the queue.
    wait : str
        Column with the wait in seconds (>= 0): until the answer, or until the hang-up.
    abandoned : str
        Yes/no column: did the customer hang up before being answered?

    Returns
    -------
    float
        Mean patience, in the unit of ``wait``.

    Raises
    ------
    ValueError
        If no contact was abandoned: then the patience is only known to be longer than
        every wait, and the estimate would be infinite.
    """
    frame = _frame("contacts", contacts, [wait, abandoned], None)
    waits = numeric_column("contacts", frame, wait, minimum=0)
    gone = int(flag_column("contacts", frame, abandoned).sum())
    if gone == 0:
        raise ValueError(
            f"contacts has no row marked {abandoned!r}: with no hang-up the patience is only "
            "known to be longer than every wait, so its mean cannot be estimated"
        )
    return float(waits.sum() / gone)


def first_contact_resolution(
    contacts: pd.DataFrame, *, resolved: str, by: str | Sequence[str] | None = None
) -> float | pd.Series:
    """Share of contacts resolved at the first contact (post-transaction).

    Formula: contacts flagged resolved at first contact / contacts.
    """
    frame = _frame("contacts", contacts, [resolved], by)
    return summarise(
        flag_column("contacts", frame, resolved), frame, by, "mean", "first_contact_resolution"
    )


def _days_between(name: str, frame: pd.DataFrame, start: str, end: str) -> pd.Series:
    check_no_missing(name, frame, [start, end])
    begin = as_datetime_column(name, frame, start)
    finish = as_datetime_column(name, frame, end)
    days = (finish - begin) / pd.Timedelta(days=1)
    if (days < 0).any():
        first = frame.index[days < 0][0]
        raise ValueError(
            f"{name}: {end!r} is before {start!r} in {int((days < 0).sum())} row(s), "
            f"for example row {first!r}"
        )
    return days.astype(float)


def order_cycle_time(
    orders: pd.DataFrame,
    *,
    start: str,
    end: str,
    statistic: str | float = "mean",
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Order cycle time in days: from ``start`` (ordered) to ``end`` (delivered).

    Parameters
    ----------
    orders : pandas.DataFrame
        One row per order. Rows must have both dates (filter undelivered orders first).
    start, end : str
        Date or datetime columns; ``end`` must not be before ``start``.
    statistic : {"mean", "median"} or float
        Summary; a float in [0, 1] is a quantile.
    by : str or list of str, optional
        Group columns.

    Returns
    -------
    float or pandas.Series
        Days (fractions of a day when the columns hold times).
    """
    frame = _frame("orders", orders, [start, end], by)
    days = _days_between("orders", frame, start, end)
    return summarise(days, frame, by, _statistic(statistic), "order_cycle_time")


def _on_time(frame: pd.DataFrame, promised: str, delivered: str) -> pd.Series:
    check_no_missing("orders", frame, [promised, delivered])
    due = as_datetime_column("orders", frame, promised)
    done = as_datetime_column("orders", frame, delivered)
    return done <= due


def on_time_rate(
    orders: pd.DataFrame,
    *,
    promised: str,
    delivered: str,
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Share of orders delivered on or before the promised date.

    Formula: orders with ``delivered <= promised`` / orders.
    """
    frame = _frame("orders", orders, [promised, delivered], by)
    return summarise(_on_time(frame, promised, delivered), frame, by, "mean", "on_time_rate")


def _check_fill(filled: pd.Series, ordered: pd.Series, filled_name: str, ordered_name: str) -> None:
    """Refuse orders that fill more lines than were ordered."""
    over = filled > ordered
    if over.any():
        raise ValueError(
            f"orders[{filled_name!r}] exceeds orders[{ordered_name!r}] in "
            f"{int(over.sum())} row(s); a fill cannot exceed the order"
        )


def line_fill_rate(
    orders: pd.DataFrame,
    *,
    lines_ordered: str,
    lines_filled: str,
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Share of order lines filled from stock: sum of lines filled / sum of lines ordered.

    A ratio of totals, so a large order weighs more than a small one (the mean of each
    order's own fill rate would weigh them equally).
    """
    frame = _frame("orders", orders, [lines_ordered, lines_filled], by)
    ordered = numeric_column("orders", frame, lines_ordered, minimum=0)
    filled = numeric_column("orders", frame, lines_filled, minimum=0)
    _check_fill(filled, ordered, lines_filled, lines_ordered)
    if ordered.sum() == 0:
        raise ValueError(f"orders[{lines_ordered!r}] sums to 0: there are no lines to fill")
    keys = group_keys(by)
    if not keys:
        return float(filled.sum() / ordered.sum())
    groups = [frame[k] for k in keys]
    totals = pd.DataFrame({"f": filled, "o": ordered}).groupby(groups, observed=True).sum()
    return (totals["f"] / totals["o"]).rename("line_fill_rate")


def order_accuracy(
    orders: pd.DataFrame, *, accurate: str, by: str | Sequence[str] | None = None
) -> float | pd.Series:
    """Share of orders shipped without error: accurate orders / orders."""
    frame = _frame("orders", orders, [accurate], by)
    return summarise(flag_column("orders", frame, accurate), frame, by, "mean", "order_accuracy")


def perfect_orders(
    orders: pd.DataFrame,
    *,
    promised: str,
    delivered: str,
    lines_ordered: str,
    lines_filled: str,
    accurate: str,
    extra: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Which orders are perfect, and which part of the promise each order missed.

    An order is perfect when it is on time (``delivered <= promised``), complete
    (``lines_filled == lines_ordered``) and accurate, and meets any ``extra`` yes/no
    conditions (for example ``{"not returned": "no_return"}``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``orders``; one boolean column per condition (``on_time``,
        ``complete``, ``accurate`` and the extra names) and ``perfect``.
    """
    extra = dict(extra or {})
    frame = _frame(
        "orders", orders, [promised, delivered, lines_ordered, lines_filled, accurate], None
    )
    check_columns("orders", frame, extra.values())
    ordered = numeric_column("orders", frame, lines_ordered, minimum=0)
    filled = numeric_column("orders", frame, lines_filled, minimum=0)
    _check_fill(filled, ordered, lines_filled, lines_ordered)
    parts = {
        "on_time": _on_time(frame, promised, delivered),
        "complete": filled == ordered,
        "accurate": flag_column("orders", frame, accurate),
    }
    for label, column in extra.items():
        parts[label] = flag_column("orders", frame, column)
    result = pd.DataFrame(parts, index=frame.index)
    result["perfect"] = result.all(axis=1)
    return result


def perfect_order_rate(
    orders: pd.DataFrame,
    *,
    promised: str,
    delivered: str,
    lines_ordered: str,
    lines_filled: str,
    accurate: str,
    extra: Mapping[str, str] | None = None,
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Share of orders that are on time, complete and accurate at once.

    Counted order by order (see :func:`perfect_orders`). It is usually lower than any
    single component, and not equal to the product of the component rates unless the
    failures are independent.
    """
    check_columns("orders", orders, group_keys(by))
    flags = perfect_orders(
        orders,
        promised=promised,
        delivered=delivered,
        lines_ordered=lines_ordered,
        lines_filled=lines_filled,
        accurate=accurate,
        extra=extra,
    )["perfect"]
    return summarise(flags, orders, by, "mean", "perfect_order_rate")


def _count_array(name: str, value: Any) -> np.ndarray:
    """A number or array-like of numbers as floats; text gives a TypeError naming ``name``."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number, an array or a Series of counts, got {value!r}")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must hold numbers (counts), got {type(value).__name__} with non-numbers"
        ) from None


def per_thousand(events: Any, base: Any) -> Any:
    """Events per 1,000 units of a base, e.g. complaints per 1,000 orders.

    Formula: ``1000 * events / base``. Works on numbers, arrays or pandas Series (Series
    are aligned on their index, so per-period counts can be divided directly).

    Raises
    ------
    TypeError
        If ``events`` or ``base`` holds text or other non-numbers.
    ValueError
        If a base is zero or negative, or an event count is negative.
    """
    if isinstance(events, pd.Series) or isinstance(base, pd.Series):
        ev, bs = (pd.Series(events), pd.Series(base))
        ev = pd.Series(_count_array("events", ev.to_numpy()), index=ev.index)
        bs = pd.Series(_count_array("base", bs.to_numpy()), index=bs.index)
        ev, bs = ev.align(bs, join="outer")
        if bs.isna().any():
            raise ValueError(
                f"base has no value for {list(bs.index[bs.isna()])[:5]}; give a base for every "
                "period that has events"
            )
        ev = ev.fillna(0.0)
        values_ev, values_bs = ev.to_numpy(float), bs.to_numpy(float)
    else:
        values_ev = _count_array("events", events)
        values_bs = _count_array("base", base)
    if np.any(~np.isfinite(values_ev)) or np.any(values_ev < 0):
        raise ValueError(f"events must be finite counts >= 0, got {events!r}")
    if np.any(~np.isfinite(values_bs)) or np.any(values_bs <= 0):
        raise ValueError(f"base must be > 0 (there must be orders to count against), got {base!r}")
    rate = 1000.0 * values_ev / values_bs
    if isinstance(events, pd.Series) or isinstance(base, pd.Series):
        return pd.Series(rate, index=ev.index, name="per_thousand")
    return float(rate) if rate.ndim == 0 else rate


def net_promoter_score(
    responses: pd.DataFrame, *, score: str, by: str | Sequence[str] | None = None
) -> float | pd.Series:
    """Net Promoter Score from 0-10 likelihood-to-recommend answers.

    Formula: ``100 * (share of 9-10 answers - share of 0-6 answers)``; 7-8 are passives
    (Reichheld, F. F., 2003, "The one number you need to grow", *Harvard Business Review*
    81(12), 46-54).

    Returns
    -------
    float or pandas.Series
        Points from -100 to 100.
    """
    frame = _frame("responses", responses, [score], by)
    values = score_column("responses", frame, score, 0, 10)
    net = 100.0 * ((values >= 9).astype(float) - (values <= 6).astype(float))
    return summarise(net, frame, by, "mean", "nps")


def customer_satisfaction(
    responses: pd.DataFrame,
    *,
    score: str,
    scale: tuple[int, int] = (1, 5),
    top_boxes: int = 2,
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """CSAT: the share of answers in the top boxes of a satisfaction scale.

    Formula: answers ``>= high - top_boxes + 1`` / answers (on 1-5 with two boxes: 4 or 5).
    """
    low, high = scale
    low = check_integer("scale[0]", low)
    high = check_integer("scale[1]", high, minimum=low + 1)
    boxes = check_integer("top_boxes", top_boxes, minimum=1)
    if boxes > high - low:
        raise ValueError(f"top_boxes must be at most {high - low} on a {low}-{high} scale")
    frame = _frame("responses", responses, [score], by)
    values = score_column("responses", frame, score, low, high)
    return summarise(values >= high - boxes + 1, frame, by, "mean", "csat")


def customer_effort_score(
    responses: pd.DataFrame,
    *,
    score: str,
    scale: tuple[int, int] = (1, 7),
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """CES: the mean answer to "the company made it easy for me to handle my issue".

    On the 1-7 agreement scale of Dixon, Freeman and Toman (2010, "Stop trying to delight
    your customers", *Harvard Business Review* 88(7/8)), higher means less effort. If a
    survey asks the question the other way round (7 = very hard), reverse it first.
    """
    low = check_integer("scale[0]", scale[0])
    high = check_integer("scale[1]", scale[1], minimum=low + 1)
    frame = _frame("responses", responses, [score], by)
    values = score_column("responses", frame, score, low, high)
    return summarise(values, frame, by, "mean", "ces")


def add_period(
    frame: pd.DataFrame, *, date: str, freq: str = "W", name: str = "period"
) -> pd.DataFrame:
    """Return a copy of ``frame`` with a column holding the start of each row's period.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with a date or datetime column.
    date : str
        The date column.
    freq : {"D", "W", "M", "Q", "Y"}
        Day, week (Monday to Sunday), month, quarter or year.
    name : str
        Name of the new column (a datetime: the first day of the period).
    """
    check_columns("frame", frame, [date])
    check_one_of("freq", freq, ("D", "W", "M", "Q", "Y"))
    check_no_missing("frame", frame, [date])
    dates = as_datetime_column("frame", frame, date)
    if freq == "D":
        start = dates.dt.normalize()
    else:
        start = dates.dt.to_period(freq).dt.start_time
    return frame.assign(**{name: start})


def period_counts(
    frame: pd.DataFrame,
    *,
    date: str,
    flag: str,
    freq: str = "W",
    by: str | None = None,
) -> pd.DataFrame:
    """Count units and flagged units per period: the input of a p-chart.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit (an order, a call).
    date : str
        Date column that places each row in a period.
    flag : str
        Yes/no column marking the "defective" units (late, abandoned, inaccurate ...).
    freq : {"D", "W", "M", "Q", "Y"}
        Period length (weeks start on Monday).
    by : str, optional
        Also split by this column (e.g. warehouse).

    Returns
    -------
    pandas.DataFrame
        ``period`` (first day), the ``by`` column when given, ``flagged``, ``units`` and
        ``share`` (flagged / units), sorted by period. Periods without units do not appear.
    """
    data = _frame("frame", frame, [date, flag], by)
    flags = flag_column("frame", data, flag)
    periods = add_period(data[[date]], date=date, freq=freq)["period"]
    keys = [periods] + ([data[by]] if by is not None else [])
    table = flags.groupby(keys, observed=True).agg(["sum", "size"]).reset_index()
    table.columns = ["period", *([by] if by is not None else []), "flagged", "units"]
    table["flagged"] = table["flagged"].astype(int)
    table["share"] = table["flagged"] / table["units"]
    order = ["period"] if by is None else [by, "period"]
    return table.sort_values(order, kind="stable").reset_index(drop=True)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hourly_arrivals(contacts: pd.DataFrame, *, timestamp: str) -> pd.DataFrame:
    """Mean number of contacts arriving in each hour of each weekday.

    Every calendar day from the first to the last contact counts, including days on
    which an hour had no contact, so the means are not inflated by quiet days.

    Returns
    -------
    pandas.DataFrame
        Rows: weekdays (Monday first); columns: the hours (0-23) that have contacts;
        values: contacts per hour.
    """
    data = _frame("contacts", contacts, [timestamp], None)
    check_no_missing("contacts", data, [timestamp])
    when = as_datetime_column("contacts", data, timestamp)
    days = pd.date_range(when.min().normalize(), when.max().normalize(), freq="D")
    per_weekday = pd.Series(days.day_name()).value_counts()
    counts = pd.crosstab(when.dt.day_name(), when.dt.hour)
    counts = counts.reindex([d for d in _WEEKDAYS if d in counts.index])
    means = counts.div(per_weekday.reindex(counts.index), axis=0)
    means.index.name, means.columns.name = "weekday", "hour"
    return means


# =========================================================================================
# 3. Standards
# =========================================================================================


def _values(name: str, values: Any) -> np.ndarray:
    """A non-empty flat array of finite numbers."""
    return check_array(name, values).ravel()


def meets_standard(values: Any, standard: float, *, better: str) -> np.ndarray:
    """Whether each value meets the standard: ``<=`` for "lower is better", ``>=`` otherwise."""
    check_one_of("better", better, BETTER)
    level = check_number("standard", standard)
    array = _values("values", values)
    return array <= level if better == "lower" else array >= level


def share_meeting(values: Any, standard: float, *, better: str) -> float:
    """Share of periods whose value meets the standard (the standard's current attainment)."""
    return float(meets_standard(values, standard, better=better).mean())


def percentile_standard(values: Any, *, share: float = 0.8, better: str) -> float:
    """A standard that ``share`` of the current periods already meet.

    For a measure where lower is better (a time), this is the ``share`` quantile of the
    current values; where higher is better (a rate), the ``1 - share`` quantile. Setting
    ``share`` to 0.8 gives a standard the process meets four periods out of five today:
    reachable, but not automatic.

    Parameters
    ----------
    values : array-like
        The measure's value in each recent period.
    share : float
        Share of periods that should meet the standard, in (0, 1).
    better : {"higher", "lower"}
        Direction in which the measure improves.
    """
    check_one_of("better", better, BETTER)
    s = check_number("share", share, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False)
    array = _values("values", values)
    q = s if better == "lower" else 1.0 - s
    return float(np.quantile(array, q))


def standard_verdict(
    attainment: float, *, too_easy: float = 0.95, out_of_reach: float = 0.5
) -> str:
    """Judge a standard by the share of periods that meet it today.

    Source 003: standards should be neither so low that they breed complacency nor so high
    that they cannot be met. Returns "too easy" when at least ``too_easy`` of periods
    already meet it, "out of reach" when fewer than ``out_of_reach`` do, and "realistic
    stretch" in between. The thresholds are judgement calls; change them to suit.
    """
    a = check_number("attainment", attainment, minimum=0, maximum=1)
    hi = check_number("too_easy", too_easy, minimum=0, maximum=1)
    lo = check_number("out_of_reach", out_of_reach, minimum=0, maximum=hi)
    if a >= hi:
        return "too easy"
    if a < lo:
        return "out of reach"
    return "realistic stretch"


def compare_standards(
    values: Any,
    candidates: Mapping[str, float],
    *,
    better: str,
    too_easy: float = 0.95,
    out_of_reach: float = 0.5,
) -> pd.DataFrame:
    """Check candidate standards against current capability.

    Parameters
    ----------
    values : array-like
        The measure's value in each recent period (weeks, months).
    candidates : mapping of str to float
        Named proposals, e.g. ``{"current 80th percentile": ..., "competitor": ...,
        "customer requirement": ...}``.
    better : {"higher", "lower"}
        Direction in which the measure improves.
    too_easy, out_of_reach : float
        Thresholds of :func:`standard_verdict`.

    Returns
    -------
    pandas.DataFrame
        One row per candidate: ``candidate``, ``standard``, ``share_of_periods_meeting``
        and ``verdict``.
    """
    if not isinstance(candidates, Mapping) or not candidates:
        raise ValueError(
            f"candidates must be a non-empty mapping name -> standard, got {candidates!r}"
        )
    rows = []
    for label, level in candidates.items():
        attained = share_meeting(values, level, better=better)
        rows.append(
            {
                "candidate": str(label),
                "standard": float(level),
                "share_of_periods_meeting": attained,
                "verdict": standard_verdict(attained, too_easy=too_easy, out_of_reach=out_of_reach),
            }
        )
    return pd.DataFrame(rows)


# =========================================================================================
# 4. Monitoring: control charts and the table against standards
# =========================================================================================

#: d2 for moving ranges of two points: E|X1 - X2| / sigma = 2 / sqrt(pi) = 1.128 (to 3 d.p.).
D2 = 1.128
#: D4 for moving ranges of two points: upper limit of the moving-range chart / mean range.
D4 = 3.267


@dataclass(frozen=True)
class IndividualsLimits:
    """Limits of an individuals / moving-range (I-MR) chart from a baseline.

    Attributes
    ----------
    centre : float
        Mean of the baseline values.
    sigma : float
        Estimated short-term standard deviation, ``mr_bar / D2``.
    ucl, lcl : float
        ``centre +/- 3 sigma`` (the lower limit raised to ``floor`` when given).
    mr_bar : float
        Mean moving range of the baseline.
    mr_ucl : float
        Upper limit of the moving-range chart, ``D4 * mr_bar``.
    n : int
        Number of baseline points.
    """

    centre: float
    sigma: float
    ucl: float
    lcl: float
    mr_bar: float
    mr_ucl: float
    n: int


def _baseline_mask(baseline: Any, n: int) -> np.ndarray:
    if baseline is None:
        return np.ones(n, dtype=bool)
    if isinstance(baseline, numbers.Integral) and not isinstance(baseline, bool):
        k = check_integer("baseline", baseline, minimum=2)
        if k > n:
            raise ValueError(f"baseline must be at most the number of points ({n}), got {k}")
        return np.arange(n) < k
    mask = np.asarray(baseline)
    if mask.dtype != bool or mask.shape != (n,):
        raise TypeError(
            "baseline must be None (all points), a number of leading points, or a boolean "
            f"mask with one entry per point ({n}); got {baseline!r}"
        )
    return mask


def individuals_limits(
    values: Any, *, baseline: Any = None, floor: float | None = None
) -> IndividualsLimits:
    """Control limits of an individuals (X) and moving-range (MR) chart.

    Formulas (Montgomery, D. C., *Introduction to Statistical Quality Control*, chapter on
    control charts for individual measurements; constants for ranges of two points):
    ``MR_t = |x_t - x_{t-1}|``, ``sigma = mean(MR) / d2`` with ``d2 = 1.128``, limits
    ``mean(x) +/- 3 sigma`` (that is ``+/- 2.66 mean(MR)``), and the MR chart's upper limit
    ``D4 mean(MR)`` with ``D4 = 3.267``.

    Parameters
    ----------
    values : array-like
        One value per period, in time order.
    baseline : None, int or boolean mask
        Which points set the limits: all (None), the first ``k`` points, or a mask. Use a
        stable period before any change you want to detect; later points are judged
        against these limits.
    floor : float, optional
        Lowest possible value (0 for times): the lower limit is not set below it.

    Raises
    ------
    ValueError
        If the baseline has fewer than 2 points, is not one unbroken run, or never varies
        (a mean moving range of 0 would give limits of zero width).
    """
    array = _values("values", values)
    mask = _baseline_mask(baseline, array.size)
    base = array[mask]
    if base.size < 2:
        raise ValueError("the baseline needs at least 2 points to compute a moving range")
    if not np.all(np.diff(np.flatnonzero(mask)) == 1):
        raise ValueError("the baseline must be one unbroken run of consecutive points")
    mr_bar = float(np.mean(np.abs(np.diff(base))))
    if mr_bar == 0:
        raise ValueError(
            f"the baseline's {base.size} values are all equal ({base[0]:g}), so the moving range "
            "and sigma are 0 and every later change would signal; choose a baseline in which "
            "the measure varies, or measure it more finely"
        )
    centre = float(np.mean(base))
    sigma = mr_bar / D2
    lcl = centre - 3 * sigma
    if floor is not None:
        lcl = max(lcl, check_number("floor", floor))
    return IndividualsLimits(
        centre=centre,
        sigma=sigma,
        ucl=centre + 3 * sigma,
        lcl=lcl,
        mr_bar=mr_bar,
        mr_ucl=D4 * mr_bar,
        n=int(base.size),
    )


def p_chart_limits(defectives: Any, sizes: Any, *, baseline: Any = None) -> pd.DataFrame:
    """Centre line and 3-sigma limits of a p-chart (share of units with a defect).

    Formulas: ``p_bar = sum(d) / sum(n)`` over the baseline; for each period
    ``sigma_i = sqrt(p_bar (1 - p_bar) / n_i)``, ``UCL_i = min(1, p_bar + 3 sigma_i)``,
    ``LCL_i = max(0, p_bar - 3 sigma_i)``. Limits vary with the sample size of each
    period (Montgomery, *Introduction to Statistical Quality Control*, the p-chart).

    Parameters
    ----------
    defectives : array-like
        Count of "defective" units in each period (late orders, abandoned calls ...).
    sizes : array-like
        Units inspected in each period (orders, calls), > 0 and >= the count.
    baseline : None, int or boolean mask
        Which periods set ``p_bar``.

    Returns
    -------
    pandas.DataFrame
        Columns ``share``, ``centre``, ``sigma``, ``ucl``, ``lcl``, one row per period.
    """
    d = _values("defectives", defectives)
    n = _values("sizes", sizes)
    if d.shape != n.shape:
        raise ValueError(
            f"defectives and sizes must have the same length, got {d.size} and {n.size}"
        )
    if np.any(n <= 0) or np.any(d < 0) or np.any(d > n):
        raise ValueError("each period needs sizes > 0 and 0 <= defectives <= sizes")
    mask = _baseline_mask(baseline, d.size)
    p_bar = float(d[mask].sum() / n[mask].sum())
    sigma = np.sqrt(p_bar * (1 - p_bar) / n)
    return pd.DataFrame(
        {
            "share": d / n,
            "centre": p_bar,
            "sigma": sigma,
            "ucl": np.minimum(1.0, p_bar + 3 * sigma),
            "lcl": np.maximum(0.0, p_bar - 3 * sigma),
        }
    )


#: The out-of-control rules used in the course, in the order they are checked.
RULES = {
    "beyond 3 sigma": "one point outside the control limits",
    "2 of 3 beyond 2 sigma": "two of three points in a row more than 2 sigma out, same side",
    "run of 8": "eight points in a row on the same side of the centre line",
    "trend of 6": "six points in a row steadily rising or falling",
}


def control_rules(values: Any, centre: Any, sigma: Any) -> pd.DataFrame:
    """Flag points that break the usual out-of-control rules.

    The rules are those of the Western Electric *Statistical Quality Control Handbook*
    (1956) as listed by Montgomery, with Nelson's (1984) trend rule:

    * **beyond 3 sigma** — a point outside the control limits;
    * **2 of 3 beyond 2 sigma** — two of three consecutive points beyond 2 sigma on the
      same side (flagged at the third point of the window);
    * **run of 8** — eight consecutive points on the same side of the centre line;
    * **trend of 6** — six consecutive points each higher (or each lower) than the one before.

    A run rule flags the point that completes the pattern. Each rule alone gives a false
    alarm now and then; using several raises the false alarm rate, which is why the
    course uses these four and no more.

    Parameters
    ----------
    values : array-like
        The plotted values, in time order.
    centre, sigma : float or array-like
        Centre line and sigma of each point (arrays for p-charts with varying sizes).

    Returns
    -------
    pandas.DataFrame
        One boolean column per rule (named as :data:`RULES`), ``signal`` (any rule) and
        ``rule`` (the names of the rules broken, joined by "; ", or "").
    """
    x = _values("values", values)
    c = np.broadcast_to(np.asarray(centre, dtype=float), x.shape)
    s = np.broadcast_to(np.asarray(sigma, dtype=float), x.shape)
    if not (np.all(np.isfinite(c)) and np.all(np.isfinite(s)) and np.all(s >= 0)):
        raise ValueError("centre must be finite and sigma finite and >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, (x - c) / np.where(s > 0, s, 1.0), np.sign(x - c) * np.inf)
    z = np.where(np.isnan(z), 0.0, z)

    def window(flags: np.ndarray, size: int, need: int) -> np.ndarray:
        counts = pd.Series(flags.astype(float)).rolling(size, min_periods=size).sum()
        return (counts >= need).to_numpy()

    above, below = z > 0, z < 0
    rising = np.r_[False, np.diff(x) > 0]
    falling = np.r_[False, np.diff(x) < 0]
    table = pd.DataFrame(
        {
            "beyond 3 sigma": np.abs(z) > 3,
            "2 of 3 beyond 2 sigma": window(z > 2, 3, 2) | window(z < -2, 3, 2),
            "run of 8": window(above, 8, 8) | window(below, 8, 8),
            "trend of 6": window(rising, 5, 5) | window(falling, 5, 5),
        }
    )
    rules = list(RULES)
    table["signal"] = table[rules].any(axis=1)
    names = np.array(rules, dtype=object)
    table["rule"] = ["; ".join(names[row]) for row in table[rules].to_numpy()]
    return table


def _chart_table(
    frame: pd.DataFrame, period: str, value: pd.Series, limits: pd.DataFrame, baseline_mask
) -> pd.DataFrame:
    rules = control_rules(value.to_numpy(), limits["centre"].to_numpy(), limits["sigma"].to_numpy())
    table = pd.DataFrame(
        {
            "period": frame[period].to_numpy(),
            "value": value.to_numpy(dtype=float),
            "centre": limits["centre"].to_numpy(dtype=float),
            "ucl": limits["ucl"].to_numpy(dtype=float),
            "lcl": limits["lcl"].to_numpy(dtype=float),
            "sigma": limits["sigma"].to_numpy(dtype=float),
            "baseline": baseline_mask,
        }
    )
    return pd.concat([table, rules[["signal", "rule"]]], axis=1)


def individuals_chart(
    frame: pd.DataFrame,
    *,
    value: str,
    period: str,
    baseline: Any = None,
    floor: float | None = None,
) -> pd.DataFrame:
    """The table behind an individuals (X) chart: values, limits and rule signals.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per period, in time order (e.g. weekly mean cycle time).
    value, period : str
        The plotted column and the period column.
    baseline : None, int or boolean mask
        Points that set the limits (see :func:`individuals_limits`).
    floor : float, optional
        Lowest possible value (0 for times).

    Returns
    -------
    pandas.DataFrame
        ``period``, ``value``, ``centre``, ``ucl``, ``lcl``, ``sigma``, ``baseline``,
        ``moving_range``, ``signal`` and ``rule``. Limits are stored in ``.attrs["limits"]``.
    """
    data = _frame("frame", frame, [value, period], None)
    values = numeric_column("frame", data, value)
    limits = individuals_limits(values.to_numpy(), baseline=baseline, floor=floor)
    mask = _baseline_mask(baseline, len(data))
    lim = pd.DataFrame(
        {"centre": limits.centre, "sigma": limits.sigma, "ucl": limits.ucl, "lcl": limits.lcl},
        index=range(len(data)),
    )
    table = _chart_table(data, period, values, lim, mask)
    table.insert(7, "moving_range", np.r_[np.nan, np.abs(np.diff(values.to_numpy()))])
    table.attrs["limits"] = limits
    return table


#: The rule name of a moving range above its upper limit.
MR_RULE = "beyond MR limit"


def moving_range_chart(
    frame: pd.DataFrame,
    *,
    value: str,
    period: str,
    baseline: Any = None,
) -> pd.DataFrame:
    """The table behind a moving-range (MR) chart, the partner of the individuals chart.

    The moving range ``MR_t = |x_t - x_{t-1}|`` is the jump from one period to the next.
    The chart's centre line is the baseline's mean moving range ``mr_bar``, its upper limit
    ``D4 mr_bar`` with ``D4 = 3.267`` (ranges of two points) and its lower limit 0
    (``D3 = 0``). A moving range above the upper limit is a jump too large for ordinary
    variation, even when both points sit inside the individuals chart's limits.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per period, in time order (the same frame as :func:`individuals_chart`).
    value, period : str
        The measured column and the period column.
    baseline : None, int or boolean mask
        Points that set ``mr_bar`` (see :func:`individuals_limits`); the same baseline as
        the individuals chart, so the two charts share one set of limits.

    Returns
    -------
    pandas.DataFrame
        One row per period from the second on (the first has no moving range):
        ``period``, ``value`` (the moving range), ``centre`` (``mr_bar``), ``ucl``
        (``D4 mr_bar``), ``lcl`` (0), ``baseline`` (both points of the range are in the
        baseline), ``signal`` (the range is above ``ucl``) and ``rule`` (:data:`MR_RULE`
        or ""). Draw it with :func:`control_chart`. The limits are in
        ``.attrs["limits"]``.
    """
    data = _frame("frame", frame, [value, period], None)
    values = numeric_column("frame", data, value).to_numpy(dtype=float)
    limits = individuals_limits(values, baseline=baseline)
    mask = _baseline_mask(baseline, len(data))
    ranges = np.abs(np.diff(values))
    signal = ranges > limits.mr_ucl
    table = pd.DataFrame(
        {
            "period": data[period].to_numpy()[1:],
            "value": ranges,
            "centre": limits.mr_bar,
            "ucl": limits.mr_ucl,
            "lcl": 0.0,
            "baseline": mask[1:] & mask[:-1],
            "signal": signal,
            "rule": np.where(signal, MR_RULE, ""),
        }
    )
    table.attrs["limits"] = limits
    return table


def p_chart(
    frame: pd.DataFrame,
    *,
    defectives: str,
    size: str,
    period: str,
    baseline: Any = None,
) -> pd.DataFrame:
    """The table behind a p-chart: the share in each period, its limits and rule signals.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per period, in time order, with counts (e.g. late orders and orders per week).
    defectives, size : str
        Columns with the count of "defective" units and the units inspected.
    period : str
        Period column.
    baseline : None, int or boolean mask
        Periods that set ``p_bar`` (see :func:`p_chart_limits`).

    Returns
    -------
    pandas.DataFrame
        ``period``, ``value`` (the share), ``centre``, ``ucl``, ``lcl``, ``sigma``,
        ``baseline``, ``signal`` and ``rule``.
    """
    data = _frame("frame", frame, [defectives, size, period], None)
    counts = numeric_column("frame", data, defectives, minimum=0)
    sizes = numeric_column("frame", data, size, minimum=0)
    limits = p_chart_limits(counts.to_numpy(), sizes.to_numpy(), baseline=baseline)
    mask = _baseline_mask(baseline, len(data))
    return _chart_table(data, period, limits["share"], limits, mask)


def control_chart(
    table: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    value_format: str = ",.2f",
    standard: float | None = None,
    period_title: str = "Period",
) -> alt.LayerChart:
    """Draw the table of :func:`individuals_chart`, :func:`moving_range_chart` or :func:`p_chart`.

    The values are a line with points; points that break a rule are drawn as large
    vermillion diamonds. The centre line is solid, the control limits dashed (stepped for
    p-charts), and the standard, when given, a dotted orange line: the limits say what the
    process *does*, the standard what it *should* do, and the two answer different
    questions.
    """
    check_columns("table", table, ["period", "value", "centre", "ucl", "lcl", "signal", "rule"])
    data = table[["period", "value", "centre", "ucl", "lcl", "rule"]].copy()
    data["status"] = np.where(table["signal"], "out of control", "in control")
    data["rule"] = data["rule"].replace("", "none")
    # Six significant digits are plenty for a chart and keep the stored notebook small.
    for column in ("value", "centre", "ucl", "lcl"):
        data[column] = data[column].map(lambda v: float(f"{v:.6g}"))
    period_type = "T" if pd.api.types.is_datetime64_any_dtype(data["period"]) else "O"
    x = alt.X(f"period:{period_type}", title=period_title)
    base = alt.Chart(data).encode(x=x)
    tooltip = [
        alt.Tooltip(f"period:{period_type}", title=period_title),
        alt.Tooltip("value:Q", title=y_title, format=value_format),
        alt.Tooltip("lcl:Q", title="Lower limit", format=value_format),
        alt.Tooltip("ucl:Q", title="Upper limit", format=value_format),
        alt.Tooltip("rule:N", title="Rule broken"),
    ]
    # aria=False: no per-point accessibility labels in the SVG copy (they tripled its size);
    # the tooltips carry the same information.
    line = base.mark_line(color="#0072B2", strokeWidth=2, aria=False).encode(
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=value_format.lstrip(",")))
    )
    points = base.mark_point(filled=True, aria=False).encode(
        y="value:Q",
        shape=alt.Shape(
            "status:N",
            title="",
            scale=alt.Scale(domain=["in control", "out of control"], range=["circle", "diamond"]),
        ),
        color=alt.Color(
            "status:N",
            title="",
            scale=alt.Scale(domain=["in control", "out of control"], range=["#0072B2", "#D55E00"]),
        ),
        size=alt.Size(
            "status:N",
            legend=None,
            scale=alt.Scale(domain=["in control", "out of control"], range=[40, 160]),
        ),
        tooltip=tooltip,
    )
    interpolate = "step-after" if data["ucl"].nunique() > 1 else "linear"
    limits = [
        base.mark_line(
            color="#555555", strokeDash=[6, 4], strokeWidth=1.5, interpolate=interpolate, aria=False
        ).encode(y=column)
        for column in ("ucl", "lcl")
    ]
    centre = base.mark_line(
        color="#555555", strokeWidth=1.5, interpolate=interpolate, aria=False
    ).encode(y="centre:Q")
    layers = [*limits, centre, line, points]
    if standard is not None:
        level = check_number("standard", standard)
        rule = alt.Chart(pd.DataFrame({"standard": [level], "label": ["standard"]}))
        layers.append(
            rule.mark_rule(color="#E69F00", strokeDash=[2, 3], strokeWidth=2.5).encode(
                y="standard:Q",
                tooltip=[alt.Tooltip("standard:Q", title="Standard", format=value_format)],
            )
        )
    return alt.layer(*layers).properties(title=title, width=600, height=280)


def monitoring_table(
    values: pd.DataFrame,
    standards: Mapping[str, tuple[float, str]],
    *,
    period: str = "period",
) -> pd.DataFrame:
    """Each measure in each period against its standard, with the misses flagged.

    Parameters
    ----------
    values : pandas.DataFrame
        One row per period: a ``period`` column and one column per measure.
    standards : mapping of str to (float, str)
        For each measure column: ``(standard, better)`` with better "higher" or "lower".
    period : str
        The period column.

    Returns
    -------
    pandas.DataFrame
        Long format: ``period``, ``measure``, ``value``, ``standard``, ``better``, ``met``
        (bool) and ``gap`` (value minus standard, signed so that a positive gap is better
        than the standard).
    """
    if not isinstance(standards, Mapping) or not standards:
        raise ValueError("standards must map each measure column to (standard, better)")
    data = _frame("values", values, [period, *standards], None)
    frames = []
    for measure, spec in standards.items():
        if not (isinstance(spec, tuple) and len(spec) == 2):
            raise TypeError(
                f"standards[{measure!r}] must be (standard, better), e.g. (0.95, 'higher'); "
                f"got {spec!r}"
            )
        level, better = spec
        level = check_number(f"standards[{measure!r}]", level)
        check_one_of(f"better for {measure!r}", better, BETTER)
        series = numeric_column("values", data, measure)
        gap = series - level if better == "higher" else level - series
        frames.append(
            pd.DataFrame(
                {
                    "period": data[period].to_numpy(),
                    "measure": measure,
                    "value": series.to_numpy(),
                    "standard": level,
                    "better": better,
                    "met": (gap >= 0).to_numpy(),
                    "gap": gap.to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def scorecard(monitoring: pd.DataFrame, *, phases: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Summarise :func:`monitoring_table` into one row per measure.

    Parameters
    ----------
    monitoring : pandas.DataFrame
        The output of :func:`monitoring_table`.
    phases : mapping of str to str, optional
        Phase of each measure (pre-transaction, transaction, post-transaction) for the
        ``phase`` column; measures missing from it get their catalogue phase when their
        name is in :func:`measures`, otherwise "".

    Returns
    -------
    pandas.DataFrame
        ``phase``, ``measure``, ``standard``, ``better``, ``latest`` (value of the last
        period), ``latest_met``, ``periods``, ``share_met`` and ``misses`` (count), sorted
        by phase.
    """
    check_columns(
        "monitoring", monitoring, ["period", "measure", "value", "standard", "better", "met"]
    )
    check_nonempty("monitoring", monitoring)
    ordered = monitoring.sort_values(["measure", "period"], kind="stable")
    grouped = ordered.groupby("measure", sort=False)
    summary = pd.DataFrame(
        {
            "standard": grouped["standard"].first(),
            "better": grouped["better"].first(),
            "latest": grouped["value"].last(),
            "latest_met": grouped["met"].last(),
            "periods": grouped["met"].size(),
            "share_met": grouped["met"].mean(),
            "misses": grouped["met"].apply(lambda m: int((~m).sum())),
        }
    ).reset_index()
    given = dict(phases or {})

    def phase(name: str) -> str:
        if name in given:
            return check_one_of(f"phases[{name!r}]", given[name], PHASES)
        try:
            return measure_phase(name)
        except ValueError:
            return ""

    summary.insert(0, "phase", [phase(m) for m in summary["measure"]])
    summary["phase"] = pd.Categorical(summary["phase"], categories=[*PHASES, ""], ordered=True)
    return summary.sort_values(["phase", "measure"], kind="stable").reset_index(drop=True)


# =========================================================================================
# 5. Staffing to a service level: the Erlang C model
# =========================================================================================


def _array(name: str, value: Any, *, minimum: float = 0.0, integer: bool = False) -> np.ndarray:
    """An array of finite numbers >= minimum (whole numbers when ``integer``)."""
    return check_array(name, value, minimum=minimum, integer=integer)


def _out(result: np.ndarray) -> Any:
    return float(result) if result.ndim == 0 else result


def offered_load(calls_per_hour: Any, handle_time: Any) -> Any:
    """Offered load in Erlangs: ``A = calls per hour x handle time (s) / 3600``.

    The average number of agents that would be busy if every call were answered at once.
    Handle time includes talk, hold and after-call work.
    """
    calls = _array("calls_per_hour", calls_per_hour)
    aht = _array("handle_time", handle_time)
    if np.any(aht <= 0):
        raise ValueError(f"handle_time must be > 0 seconds, got {handle_time!r}")
    return _out(calls * aht / 3600.0)


def _erlang_b_table(load: np.ndarray, top: int) -> np.ndarray:
    """B[k, i] = Erlang B blocking probability with k servers and load[i], k = 0..top.

    Stable recursion (Jagerman 1974): ``B(0) = 1``, ``B(k) = A B(k-1) / (k + A B(k-1))``.
    """
    table = np.empty((top + 1, load.size))
    table[0] = 1.0
    for k in range(1, top + 1):
        prev = table[k - 1]
        table[k] = load * prev / (k + load * prev)
    return table


def erlang_b(agents: Any, load: Any) -> Any:
    """Erlang B: probability that a call finds all ``agents`` busy when calls cannot wait.

    Formula: ``B(c, A) = (A^c / c!) / sum_{k=0}^{c} A^k / k!``, computed with the stable
    recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, ``B(0) = 1``.

    Parameters
    ----------
    agents : int or array of int
        Number of servers ``c`` (>= 0).
    load : float or array
        Offered load ``A`` in Erlangs (>= 0). Arrays broadcast together.
    """
    c = _array("agents", agents, integer=True).astype(int)
    a = _array("load", load)
    c, a = np.broadcast_arrays(c, a)
    flat_c, flat_a = c.ravel(), a.ravel()
    table = _erlang_b_table(flat_a, int(flat_c.max()))
    return _out(table[flat_c, np.arange(flat_c.size)].reshape(c.shape))


def _erlang_c_from_b(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """P(wait) from Erlang B: ``C = c B / (c - A (1 - B))`` for ``c > A``, else 1."""
    stable = c > a
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(stable, c * b / (c - a * (1.0 - b)), 1.0)
    return np.where(a == 0, 0.0, p)


def erlang_c(agents: Any, load: Any) -> Any:
    """Erlang C: probability that a call has to wait (all agents busy on arrival).

    Formula (Erlang 1917; the M/M/c queue with patient callers)::

        C(c, A) = (A^c / c!) (c / (c - A)) / (sum_{k=0}^{c-1} A^k / k! + (A^c / c!) (c / (c - A)))

    computed from Erlang B as ``C = c B / (c - A (1 - B))``, which stays accurate for
    hundreds of agents where factorials overflow. When ``c <= A`` the queue grows without
    bound and every caller waits: the result is 1. With no load nobody waits: 0.

    Parameters
    ----------
    agents : int or array of int
        Agents answering calls ``c`` (>= 0).
    load : float or array
        Offered load ``A`` in Erlangs (see :func:`offered_load`).

    Returns
    -------
    float or numpy.ndarray
        Probability of waiting, in [0, 1].

    Examples
    --------
    The worked example of Call Centre Helper's "Erlang C formula made simple": 100 calls
    in 30 minutes with a 180 s handle time is 10 Erlangs; with 11 agents 68.2 % of callers
    wait.

    >>> round(erlang_c(11, 10.0), 4)
    0.6821
    """
    c = _array("agents", agents, integer=True).astype(int)
    a = _array("load", load)
    c, a = np.broadcast_arrays(c, a)
    b = np.asarray(erlang_b(c, a), dtype=float).reshape(c.shape)
    return _out(_erlang_c_from_b(c.astype(float), a, b))


def service_level(agents: Any, load: Any, handle_time: Any, answer_time: Any) -> Any:
    """Share of calls answered within ``answer_time`` seconds (Erlang C).

    Formula: ``SL = 1 - C(c, A) exp(-(c - A) t / AHT)`` for ``c > A``; 0 when ``c <= A``
    (the queue is unstable). With no load the service level is 1.

    Parameters
    ----------
    agents : int or array of int
        Agents on the phones ``c``.
    load : float or array
        Offered load ``A`` in Erlangs.
    handle_time : float or array
        Mean handle time ``AHT`` in seconds (> 0).
    answer_time : float or array
        Threshold ``t`` in seconds (>= 0): 20 for "80 % answered within 20 s".
    """
    c = _array("agents", agents, integer=True)
    a = _array("load", load)
    aht = _array("handle_time", handle_time)
    if np.any(aht <= 0):
        raise ValueError(f"handle_time must be > 0 seconds, got {handle_time!r}")
    t = _array("answer_time", answer_time)
    p = np.asarray(erlang_c(c, a), dtype=float)
    c, a, aht, t, p = np.broadcast_arrays(c, a, aht, t, p)
    sl = np.where(c > a, 1.0 - p * np.exp(-(c - a) * t / aht), 0.0)
    return _out(np.where(a == 0, 1.0, sl))


def average_speed_of_answer(agents: Any, load: Any, handle_time: Any) -> Any:
    """Average speed of answer (mean wait of all calls), in seconds (Erlang C).

    Formula: ``ASA = C(c, A) AHT / (c - A)`` for ``c > A``; infinite when ``c <= A``
    (the queue grows without bound), 0 with no load.
    """
    c = _array("agents", agents, integer=True)
    a = _array("load", load)
    aht = _array("handle_time", handle_time)
    if np.any(aht <= 0):
        raise ValueError(f"handle_time must be > 0 seconds, got {handle_time!r}")
    p = np.asarray(erlang_c(c, a), dtype=float)
    c, a, aht, p = np.broadcast_arrays(c, a, aht, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = np.where(c > a, p * aht / (c - a), np.inf)
    return _out(np.where(a == 0, 0.0, asa))


def occupancy(agents: Any, load: Any) -> Any:
    """Agent occupancy: share of the agents' time spent handling calls, ``A / c`` (max 1)."""
    c = _array("agents", agents, integer=True)
    a = _array("load", load)
    c, a = np.broadcast_arrays(c, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(c > 0, np.minimum(a / np.where(c > 0, c, 1), 1.0), np.where(a > 0, 1.0, 0.0))
    return _out(occ)


def queue_metrics(
    calls_per_hour: Any, handle_time: float, agents: Any, answer_time: float = 20.0
) -> pd.DataFrame:
    """Every Erlang C figure for the given agents, one row per combination.

    Returns
    -------
    pandas.DataFrame
        ``calls_per_hour``, ``agents``, ``load`` (Erlangs), ``occupancy``,
        ``prob_wait``, ``service_level`` (share answered within ``answer_time``) and
        ``asa`` (seconds).
    """
    aht = check_number("handle_time", handle_time, minimum=0, min_inclusive=False)
    t = check_number("answer_time", answer_time, minimum=0)
    calls, c = np.broadcast_arrays(
        _array("calls_per_hour", calls_per_hour), _array("agents", agents, integer=True)
    )
    calls, c = calls.ravel(), c.ravel().astype(int)
    load = np.asarray(offered_load(calls, aht), dtype=float)
    return pd.DataFrame(
        {
            "calls_per_hour": calls,
            "agents": c,
            "load": load,
            "occupancy": np.asarray(occupancy(c, load)),
            "prob_wait": np.asarray(erlang_c(c, load)),
            "service_level": np.asarray(service_level(c, load, aht, t)),
            "asa": np.asarray(average_speed_of_answer(c, load, aht)),
        }
    )


def agents_needed(
    calls_per_hour: Any,
    handle_time: float,
    *,
    target: float = 0.8,
    answer_time: float = 20.0,
    max_occupancy: float = 1.0,
) -> Any:
    """Fewest agents that answer ``target`` of calls within ``answer_time`` seconds.

    The smallest whole ``c`` with ``service_level(c) >= target`` and, optionally,
    occupancy ``A / c <= max_occupancy`` (to protect agents from burn-out). Service level
    rises with every extra agent, so the search walks up from ``floor(A) + 1``.

    Parameters
    ----------
    calls_per_hour : float or array
        Calls offered per hour, one value per interval.
    handle_time : float
        Mean handle time in seconds (> 0).
    target : float
        Required share answered within ``answer_time``, in (0, 1).
    answer_time : float
        Seconds (>= 0).
    max_occupancy : float
        Highest acceptable occupancy, in (0, 1].

    Returns
    -------
    int or numpy.ndarray of int
        Agents needed in each interval (0 where there are no calls).

    Examples
    --------
    The Call Centre Helper worked example (100 calls per half hour, 180 s, 80 % in 20 s):

    >>> agents_needed(200, 180, target=0.8, answer_time=20)
    14
    """
    calls = _array("calls_per_hour", calls_per_hour)
    aht = check_number("handle_time", handle_time, minimum=0, min_inclusive=False)
    goal = check_number(
        "target", target, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False
    )
    t = check_number("answer_time", answer_time, minimum=0)
    cap = check_number("max_occupancy", max_occupancy, minimum=0, maximum=1, min_inclusive=False)
    load = calls.ravel() * aht / 3600.0
    need = np.zeros(load.size, dtype=int)
    busy = load > 0
    if busy.any():
        a = load[busy]
        # Enough headroom for any target below 1: the square-root staffing rule
        # c = A + beta sqrt(A) needs beta < 4 even for 99.99 %; extend if ever short.
        top = int(np.ceil(a.max() + 8 * np.sqrt(a.max()) + 20 + a.max() * (1 / cap - 1)))
        while True:
            table = _erlang_b_table(a, top)
            k = np.arange(top + 1, dtype=float)[:, None]
            p = _erlang_c_from_b(k, a[None, :], table)
            with np.errstate(over="ignore"):
                sl = np.where(k > a, 1.0 - p * np.exp(-(k - a) * t / aht), 0.0)
            ok = (sl >= goal) & (a[None, :] <= cap * k)
            if ok[-1].all():
                break
            top *= 2
        need[busy] = ok.argmax(axis=0)
    result = need.reshape(calls.shape)
    return int(result) if result.ndim == 0 else result


def staffing_plan(
    calls_per_hour: Any,
    handle_time: float,
    *,
    target: float = 0.8,
    answer_time: float = 20.0,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    cost_per_agent_hour: float = 0.0,
    interval_hours: float = 1.0,
    intervals: Any = None,
) -> pd.DataFrame:
    """Agents needed in each interval of a day and what that buys.

    Parameters
    ----------
    calls_per_hour : array-like
        Forecast calls per hour in each interval (e.g. each hour 08:00-20:00).
    handle_time : float
        Mean handle time, seconds.
    target, answer_time, max_occupancy : float
        The standard, as in :func:`agents_needed`.
    shrinkage : float
        Share of paid time agents are not on the phones (breaks, training, absence), in
        [0, 1): staff to schedule = ``ceil(agents / (1 - shrinkage))``.
    cost_per_agent_hour : float
        Loaded cost of one scheduled agent for one hour (Php).
    interval_hours : float
        Length of each interval in hours.
    intervals : array-like, optional
        Labels of the intervals (hours, times); default 0, 1, 2, ...

    Returns
    -------
    pandas.DataFrame
        ``interval``, ``calls_per_hour``, ``load``, ``agents``, ``scheduled``,
        ``service_level``, ``asa``, ``occupancy`` and ``cost``.
    """
    calls = _array("calls_per_hour", calls_per_hour).ravel()
    shrink = check_fraction("shrinkage", shrinkage)
    rate = check_number("cost_per_agent_hour", cost_per_agent_hour, minimum=0)
    hours = check_number("interval_hours", interval_hours, minimum=0, min_inclusive=False)
    aht = check_number("handle_time", handle_time, minimum=0, min_inclusive=False)
    labels = np.arange(calls.size) if intervals is None else np.asarray(intervals)
    if labels.shape != calls.shape:
        raise ValueError(
            f"intervals must have one label per interval ({calls.size}), got {labels.size}"
        )
    agents = np.atleast_1d(
        agents_needed(
            calls, aht, target=target, answer_time=answer_time, max_occupancy=max_occupancy
        )
    )
    load = calls * aht / 3600.0
    scheduled = np.ceil(agents / (1.0 - shrink) - 1e-9).astype(int)
    return pd.DataFrame(
        {
            "interval": labels,
            "calls_per_hour": calls,
            "load": load,
            "agents": agents,
            "scheduled": scheduled,
            "service_level": np.atleast_1d(service_level(agents, load, aht, answer_time)),
            "asa": np.atleast_1d(average_speed_of_answer(agents, load, aht)),
            "occupancy": np.atleast_1d(occupancy(agents, load)),
            "cost": scheduled * rate * hours,
        }
    )


def cost_of_service_levels(
    calls_per_hour: Any,
    handle_time: float,
    *,
    targets: Iterable[float],
    answer_time: float = 20.0,
    shrinkage: float = 0.0,
    cost_per_agent_hour: float,
    interval_hours: float = 1.0,
) -> pd.DataFrame:
    """The daily cost of staffing every interval to each target, and of each extra point.

    Source 003 asks for a balance between cost, quality and cycle time; this puts a price
    on quality. For each target the plan of :func:`staffing_plan` is costed, and the
    call-weighted service level the day actually achieves is reported (whole agents
    overshoot the target in most intervals).

    Returns
    -------
    pandas.DataFrame
        ``target``, ``agent_hours`` (scheduled), ``cost``, ``achieved`` (share of the
        day's calls answered within ``answer_time``), ``asa`` (call-weighted, seconds),
        ``extra_cost`` (over the previous target) and ``cost_per_point`` (extra cost per
        extra percentage point of target).
    """
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Iterable):
        raise TypeError(
            f"targets must be a list of service levels, e.g. [0.8, 0.9]; got {targets!r}"
        )
    goals = [
        check_number("targets", t, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False)
        for t in targets
    ]
    if not goals:
        raise ValueError("targets must hold at least one service level, e.g. [0.7, 0.8, 0.9]")
    repeated = sorted({g for g in goals if goals.count(g) > 1})
    if repeated:
        raise ValueError(
            f"targets must not repeat a service level (each row is priced against the one "
            f"before), got {repeated} more than once"
        )
    goals = sorted(goals)
    rows = []
    for goal in goals:
        plan = staffing_plan(
            calls_per_hour,
            handle_time,
            target=goal,
            answer_time=answer_time,
            shrinkage=shrinkage,
            cost_per_agent_hour=cost_per_agent_hour,
            interval_hours=interval_hours,
        )
        weights = plan["calls_per_hour"]
        total = weights.sum()
        rows.append(
            {
                "target": goal,
                "agent_hours": float(plan["scheduled"].sum() * interval_hours),
                "cost": float(plan["cost"].sum()),
                "achieved": float((plan["service_level"] * weights).sum() / total)
                if total > 0
                else 1.0,
                "asa": float((plan["asa"] * weights).sum() / total) if total > 0 else 0.0,
            }
        )
    table = pd.DataFrame(rows)
    table["extra_cost"] = table["cost"].diff()
    points = table["target"].diff() * 100
    table["cost_per_point"] = table["extra_cost"] / points
    return table


def service_level_curve(
    calls_per_hour: float,
    handle_time: float,
    *,
    answer_time: float = 20.0,
    agents: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Service level, ASA and occupancy for a range of agent numbers (one interval).

    By default from the fewest agents that keep the queue stable to the number that
    answers 99 % within ``answer_time``, plus two.
    """
    calls = check_number("calls_per_hour", calls_per_hour, minimum=0, min_inclusive=False)
    aht = check_number("handle_time", handle_time, minimum=0, min_inclusive=False)
    if agents is None:
        load = calls * aht / 3600.0
        low = math.floor(load) + 1
        high = agents_needed(calls, aht, target=0.99, answer_time=answer_time) + 2
        counts = np.arange(max(low, 1), high + 1)
    else:
        counts = _array("agents", list(agents), minimum=1, integer=True).astype(int)
    return queue_metrics(calls, aht, counts, answer_time)


def service_level_chart(
    curve: pd.DataFrame, *, target: float | None = None, answer_time: float = 20.0
) -> alt.LayerChart:
    """Service level against agents, from :func:`service_level_curve`, with the target."""
    check_columns("curve", curve, ["agents", "service_level", "asa", "occupancy", "prob_wait"])
    data = curve.assign(asa=curve["asa"].where(np.isfinite(curve["asa"])))
    base = alt.Chart(data).encode(
        x=alt.X("agents:O", title="Agents on the phones", axis=alt.Axis(labelAngle=0))
    )
    title = f"Share of calls answered within {answer_time:g} s"
    bars = base.mark_bar(color="#56B4E9").encode(
        y=alt.Y(
            "service_level:Q",
            title=title,
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        tooltip=[
            alt.Tooltip("agents:O", title="Agents"),
            alt.Tooltip("service_level:Q", title="Service level", format=".1%"),
            alt.Tooltip("asa:Q", title="Average speed of answer (s)", format=",.1f"),
            alt.Tooltip("prob_wait:Q", title="Share who wait", format=".1%"),
            alt.Tooltip("occupancy:Q", title="Occupancy", format=".0%"),
        ],
    )
    layers = [bars]
    if target is not None:
        goal = check_number("target", target, minimum=0, maximum=1)
        layers.append(
            alt.Chart(pd.DataFrame({"target": [goal]}))
            .mark_rule(color="#D55E00", strokeDash=[6, 4], strokeWidth=2.5)
            .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target", format=".0%")])
        )
    return alt.layer(*layers).properties(
        title="Service level against staffing", width=520, height=260
    )


def staffing_chart(
    plan: pd.DataFrame, *, interval_title: str = "Hour of the day"
) -> alt.HConcatChart:
    """Calls and agents needed by interval (left), service level achieved (right)."""
    check_columns(
        "plan", plan, ["interval", "calls_per_hour", "agents", "scheduled", "service_level"]
    )
    data = plan[["interval", "calls_per_hour", "agents", "scheduled", "service_level"]]
    long = data.melt(
        id_vars=["interval"],
        value_vars=["agents", "scheduled"],
        var_name="staff",
        value_name="count",
    ).replace({"staff": {"agents": "on the phones", "scheduled": "scheduled (with shrinkage)"}})
    x = alt.X("interval:O", title=interval_title, axis=alt.Axis(labelAngle=0))
    calls = (
        alt.Chart(data)
        .mark_bar(color="#56B4E9", opacity=0.6)
        .encode(
            x=x,
            y=alt.Y("calls_per_hour:Q", title="Calls per hour"),
            tooltip=[
                alt.Tooltip("interval:O", title="Interval"),
                alt.Tooltip("calls_per_hour:Q", title="Calls per hour", format=",.1f"),
            ],
        )
    )
    staff = (
        alt.Chart(long)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=x,
            y=alt.Y("count:Q", title="Agents"),
            color=alt.Color("staff:N", title="Agents"),
            tooltip=[
                alt.Tooltip("interval:O", title="Interval"),
                alt.Tooltip("staff:N", title="Agents"),
                alt.Tooltip("count:Q", title="Number"),
            ],
        )
    )
    left = (
        alt.layer(calls, staff)
        .resolve_scale(y="independent")
        .properties(title="Calls and agents by hour", width=340, height=260)
    )
    right = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "service_level:Q",
                title="Share answered in time",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False),
            ),
            tooltip=[
                alt.Tooltip("interval:O", title="Interval"),
                alt.Tooltip("service_level:Q", title="Service level", format=".1%"),
            ],
        )
        .properties(title="Service level achieved", width=260, height=260)
    )
    return alt.hconcat(left, right)


def simulate_queue(
    *,
    calls_per_hour: float,
    handle_time: float,
    agents: int,
    calls: int = 20_000,
    seed: int = 1,
) -> pd.DataFrame:
    """Simulate an M/M/c queue call by call: a check on the Erlang C formulas.

    Calls arrive as a Poisson process, handle times are exponential, ``agents`` agents
    take calls in order of arrival and nobody hangs up: exactly the assumptions of
    Erlang C. Each call starts with the first agent to become free.

    Returns
    -------
    pandas.DataFrame
        ``arrival`` (s from the start), ``wait`` (s) and ``handle`` (s), one row per call.
    """
    rate = check_number("calls_per_hour", calls_per_hour, minimum=0, min_inclusive=False)
    aht = check_number("handle_time", handle_time, minimum=0, min_inclusive=False)
    c = check_integer("agents", agents, minimum=1)
    n = check_integer("calls", calls, minimum=1)
    rng = np.random.default_rng(check_integer("seed", seed, minimum=0))
    arrival = np.cumsum(rng.exponential(3600.0 / rate, n))
    handle = rng.exponential(aht, n)
    free = [0.0] * c  # the time each agent next becomes free, as a heap
    wait = np.empty(n)
    for i in range(n):
        soonest = heapq.heappop(free)
        start = soonest if soonest > arrival[i] else arrival[i]
        wait[i] = start - arrival[i]
        heapq.heappush(free, start + handle[i])
    return pd.DataFrame({"arrival": arrival, "wait": wait, "handle": handle})


# =========================================================================================
# 6. Improvement: bottlenecks, before and after, Pareto
# =========================================================================================


def stage_durations(
    frame: pd.DataFrame, *, stamps: Sequence[str], unit: str = "days"
) -> pd.DataFrame:
    """Time spent in each stage between consecutive timestamps of a process.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per order (or case), with a date/time column per process step.
    stamps : sequence of str
        The step columns in process order, e.g. ``["ordered", "shipped", "delivered"]``.
    unit : {"days", "hours", "minutes"}
        Unit of the durations.

    Returns
    -------
    pandas.DataFrame
        One column per stage, named ``"<from> to <to>"``, same index as ``frame``.
    """
    steps = list(stamps)
    if len(steps) < 2:
        raise ValueError(f"stamps must name at least two step columns, got {stamps!r}")
    check_one_of("unit", unit, ("days", "hours", "minutes"))
    data = _frame("frame", frame, steps, None)
    scale = pd.Timedelta(**{unit: 1})
    check_no_missing("frame", data, steps)
    out = {}
    for start, end in itertools.pairwise(steps):
        out[f"{start} to {end}"] = _days_between("frame", data, start, end) * (
            pd.Timedelta(days=1) / scale
        )
    return pd.DataFrame(out, index=data.index)


def stage_summary(
    durations: pd.DataFrame, *, groups: Any = None, statistic: str | float = "mean"
) -> pd.DataFrame:
    """Summarise stage durations, optionally per group, and mark the slowest stage.

    Parameters
    ----------
    durations : pandas.DataFrame
        The output of :func:`stage_durations`.
    groups : array-like or pandas.Series, optional
        A label per row (a warehouse, a period); one summary per label.
    statistic : {"mean", "median"} or float
        Summary of each stage (a float in [0, 1] is a quantile).

    Returns
    -------
    pandas.DataFrame
        Long format: ``group`` (when given), ``stage``, ``time``, ``share`` (of the total
        over the stages) and ``slowest`` (True for the stage that takes longest in that
        group — the candidate bottleneck).
    """
    if not isinstance(durations, pd.DataFrame) or durations.empty:
        raise ValueError("durations must be a non-empty table from stage_durations")
    how = _statistic(statistic)
    if groups is None:
        summary = durations.agg(how).to_frame().T
        summary.index = ["all"]
    else:
        labels = pd.Series(np.asarray(groups), index=durations.index, name="group")
        if len(labels) != len(durations):
            raise ValueError("groups must have one label per row of durations")
        summary = durations.groupby(labels, observed=True).agg(how)
    long = (
        summary.rename_axis("group")
        .reset_index()
        .melt(id_vars="group", var_name="stage", value_name="time")
    )
    long["share"] = long["time"] / long.groupby("group")["time"].transform("sum")
    long["slowest"] = long["time"] == long.groupby("group")["time"].transform("max")
    if groups is None:
        long = long.drop(columns="group")
    return long


def delay_causes(
    durations: pd.DataFrame, budgets: Mapping[str, float], *, none: str = "no stage over budget"
) -> pd.Series:
    """Name the stages that ran over their time budget, order by order.

    A delivery promise can be split into a time budget per stage (for a four-day promise:
    two days in the warehouse, two on the road). A late order's causes are the stages
    that took longer than their budget; that turns "late" into something a manager can
    act on, and into a Pareto chart.

    Parameters
    ----------
    durations : pandas.DataFrame
        The output of :func:`stage_durations` (one column per stage).
    budgets : mapping of str to float
        Time allowed for each stage, in the unit of ``durations``; every stage must have one.
    none : str
        Label for rows in which no stage ran over.

    Returns
    -------
    pandas.Series
        For each row, the stages over budget joined with " + " (e.g. "ordered to shipped"),
        or ``none``.
    """
    if not isinstance(durations, pd.DataFrame) or durations.empty:
        raise ValueError("durations must be a non-empty table from stage_durations")
    if not isinstance(budgets, Mapping):
        raise TypeError(f"budgets must map each stage to its allowed time, got {budgets!r}")
    missing = [stage for stage in durations.columns if stage not in budgets]
    unknown = [stage for stage in budgets if stage not in durations.columns]
    if missing or unknown:
        raise ValueError(
            f"budgets must name exactly the stages {list(durations.columns)}; "
            f"missing {missing}, unknown {unknown}"
        )
    limits = pd.Series(
        {k: check_number(f"budgets[{k!r}]", v, minimum=0) for k, v in budgets.items()}
    )
    over = durations.gt(limits[durations.columns], axis=1)
    names = np.array(durations.columns, dtype=object)
    labels = [" + ".join(names[row]) if row.any() else none for row in over.to_numpy()]
    return pd.Series(labels, index=durations.index, name="cause")


def change_point(values: Any, *, periods: Any = None, min_size: int = 3) -> pd.Series:
    """Locate a single shift in the mean of a series (least squares).

    For every split ``k`` the two segments ``x[:k]`` and ``x[k:]`` are given their own
    mean; the estimate is the ``k`` with the smallest total squared deviation, the
    least-squares change point of Hinkley (1970, "Inference about the change-point in a
    sequence of random variables", *Biometrika* 57(1), 1-17). It answers "when did it
    change?"; whether the change is real is a question for a test or a control chart.

    Parameters
    ----------
    values : array-like
        The measure in each period, in time order.
    periods : array-like, optional
        Labels of the periods (dates); default 0, 1, 2, ...
    min_size : int
        Fewest points allowed in each segment (>= 1).

    Returns
    -------
    pandas.Series
        ``index`` (position of the first point after the change), ``period`` (its label),
        ``mean_before``, ``mean_after`` and ``share_of_variation`` (how much of the total
        squared deviation the split explains, from 0 to 1).
    """
    x = _values("values", values)
    m = check_integer("min_size", min_size, minimum=1)
    n = x.size
    if n < 2 * m:
        raise ValueError(f"values needs at least {2 * m} points for min_size={m}, got {n}")
    labels = np.arange(n) if periods is None else np.asarray(periods)
    if labels.shape != (n,):
        raise ValueError(f"periods must have one label per value ({n}), got {labels.size}")
    k = np.arange(m, n - m + 1)
    total = np.cumsum(x)
    left = total[k - 1]
    right = total[-1] - left
    # Total SSE = sum(x^2) - left^2 / k - right^2 / (n - k): minimise the last two terms.
    explained = left**2 / k + right**2 / (n - k) - total[-1] ** 2 / n
    best = int(k[np.argmax(explained)])
    spread = float(np.sum((x - x.mean()) ** 2))
    return pd.Series(
        {
            "index": best,
            "period": labels[best],
            "mean_before": float(x[:best].mean()),
            "mean_after": float(x[best:].mean()),
            "share_of_variation": float(explained.max() / spread) if spread > 0 else 0.0,
        }
    )


@dataclass(frozen=True)
class _Test:
    before: float
    after: float
    difference: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float


def _welch(x: np.ndarray, y: np.ndarray, level: float) -> _Test:
    result = stats.ttest_ind(y, x, equal_var=False)
    ci = result.confidence_interval(level)
    return _Test(
        float(x.mean()),
        float(y.mean()),
        float(y.mean() - x.mean()),
        float(ci.low),
        float(ci.high),
        float(result.statistic),
        float(result.pvalue),
    )


def _two_proportions(x: np.ndarray, y: np.ndarray, level: float) -> _Test:
    n1, n2 = x.size, y.size
    p1, p2 = x.mean(), y.mean()
    pooled = (x.sum() + y.sum()) / (n1 + n2)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (p2 - p1) / se0 if se0 > 0 else 0.0
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    q = stats.norm.ppf(0.5 + level / 2)
    return _Test(
        float(p1),
        float(p2),
        float(p2 - p1),
        float(p2 - p1 - q * se),
        float(p2 - p1 + q * se),
        float(z),
        float(2 * stats.norm.sf(abs(z))),
    )


def before_after(
    frame: pd.DataFrame,
    *,
    value: str,
    date: str,
    change: Any,
    kind: str = "mean",
    by: str | None = None,
    level: float = 0.95,
    gap_days: int = 0,
) -> pd.DataFrame:
    """Compare a measure before and after a change date, with a significance test.

    * ``kind="mean"`` (times, amounts): Welch's two-sample t-test, which does not assume
      equal variances, with a confidence interval for the difference in means.
    * ``kind="proportion"`` (a yes/no column such as on time): the two-proportion z-test
      (pooled standard error for the test, unpooled for the interval).

    Both treat the rows as independent; with thousands of orders the means are close to
    normal even when single times are skewed. Leave out a settling-in period around the
    change with ``gap_days``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit (order, call).
    value : str
        The measure column (numbers, or yes/no for proportions).
    date : str
        Date column that places each row before or after the change.
    change : date-like
        First day of the "after" period.
    kind : {"mean", "proportion"}
        Type of test.
    by : str, optional
        Compare separately within each group of this column (e.g. each warehouse).
    level : float
        Confidence level of the interval, in (0, 1).
    gap_days : int
        Days after ``change`` left out of both periods.

    Returns
    -------
    pandas.DataFrame
        One row (per group): ``n_before``, ``n_after``, ``before``, ``after``,
        ``difference`` (after - before), ``ci_low``, ``ci_high``, ``statistic``,
        ``p_value`` and ``test``.
    """
    check_one_of("kind", kind, ("mean", "proportion"))
    conf = check_number(
        "level", level, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False
    )
    gap = check_integer("gap_days", gap_days, minimum=0)
    data = _frame("frame", frame, [value, date], by)
    try:
        cut = pd.Timestamp(change)
    except (TypeError, ValueError):
        raise TypeError(f"change must be a date such as '2024-06-01', got {change!r}") from None
    if cut is pd.NaT:
        raise TypeError(f"change must be a date such as '2024-06-01', got {change!r}")
    check_no_missing("frame", data, [date])
    when = as_datetime_column("frame", data, date)
    values = (
        flag_column("frame", data, value).astype(float)
        if kind == "proportion"
        else numeric_column("frame", data, value)
    )
    period = np.where(
        when < cut, "before", np.where(when >= cut + pd.Timedelta(days=gap), "after", "")
    )
    groups = (
        [("all", np.ones(len(data), dtype=bool))]
        if by is None
        else [(g, (data[by] == g).to_numpy()) for g in pd.unique(data[by])]
    )
    rows = []
    test = _welch if kind == "mean" else _two_proportions
    for label, mask in groups:
        x = values.to_numpy()[mask & (period == "before")]
        y = values.to_numpy()[mask & (period == "after")]
        if x.size < 2 or y.size < 2:
            raise ValueError(
                f"group {label!r} needs at least 2 rows before and 2 after {cut.date()}, "
                f"got {x.size} and {y.size}"
            )
        result = test(x, y, conf)
        rows.append(
            {
                "group": label,
                "n_before": int(x.size),
                "n_after": int(y.size),
                **result.__dict__,
                "test": "Welch t-test" if kind == "mean" else "two-proportion z-test",
            }
        )
    table = pd.DataFrame(rows)
    if by is None:
        table = table.drop(columns="group")
    else:
        table = table.rename(columns={"group": by}).sort_values(by, kind="stable")
    return table.reset_index(drop=True)


def pareto_table(
    frame: pd.DataFrame, *, cause: str, weight: str | None = None, vital_share: float = 0.8
) -> pd.DataFrame:
    """Causes sorted from the most to the least frequent, with cumulative shares.

    The Pareto principle (Juran): a few causes account for most of the problems. The
    "vital few" are the causes needed to reach ``vital_share`` of the total, counting the
    cause that crosses the line.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per problem (a late order, a complaint).
    cause : str
        Column naming the cause of each row (missing causes are refused).
    weight : str, optional
        Numeric column to add up instead of counting rows (cost, days late).
    vital_share : float
        Cumulative share that defines the vital few, in (0, 1].

    Returns
    -------
    pandas.DataFrame
        ``cause``, ``count`` (or the weight's total), ``share``, ``cumulative_share`` and
        ``vital_few`` (bool).
    """
    data = _frame("frame", frame, [cause, weight], None)
    line = check_number("vital_share", vital_share, minimum=0, maximum=1, min_inclusive=False)
    check_no_missing("frame", data, [cause])
    amounts = (
        pd.Series(1.0, index=data.index)
        if weight is None
        else numeric_column("frame", data, weight, 0)
    )
    totals = amounts.groupby(data[cause].astype(str)).sum()
    if totals.sum() <= 0:
        raise ValueError("there is nothing to rank: the total is 0")
    table = (
        totals.rename("count")
        .rename_axis("cause")
        .reset_index()
        .sort_values(["count", "cause"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    table["share"] = table["count"] / table["count"].sum()
    table["cumulative_share"] = table["share"].cumsum()
    before = table["cumulative_share"] - table["share"]
    table["vital_few"] = before < line - 1e-12
    return table


def pareto_chart(
    table: pd.DataFrame, *, title: str = "Pareto chart of causes", count_title: str = "Count"
) -> alt.LayerChart:
    """Bars per cause (sorted) and the cumulative share as a line, from :func:`pareto_table`."""
    check_columns("table", table, ["cause", "count", "share", "cumulative_share", "vital_few"])
    data = table.assign(group=np.where(table["vital_few"], "vital few", "useful many"))
    order = list(data["cause"])
    x = alt.X("cause:N", sort=order, title="Cause", axis=alt.Axis(labelAngle=-30, labelLimit=200))
    tooltip = [
        alt.Tooltip("cause:N", title="Cause"),
        alt.Tooltip("count:Q", title=count_title, format=",.0f"),
        alt.Tooltip("share:Q", title="Share", format=".1%"),
        alt.Tooltip("cumulative_share:Q", title="Cumulative share", format=".1%"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("count:Q", title=count_title),
            color=alt.Color(
                "group:N",
                title="",
                scale=alt.Scale(domain=["vital few", "useful many"], range=["#D55E00", "#999999"]),
            ),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(point=True, color="#000000", strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y(
                "cumulative_share:Q",
                title="Cumulative share",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=tooltip,
        )
    )
    return (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(title=title, width=520, height=280)
    )

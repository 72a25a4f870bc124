"""Complaint handling: the process, its measures, what complaints tell, recovery and triage.

However good the product, complaints happen; the course's notes ask that they be handled
**quickly, efficiently and consistently**, to restore the customer's satisfaction, keep
their loyalty and earn a name for being fair but sensible (source 004). The international
guideline for complaint handling, ISO 10002:2018 (*Quality management — Customer
satisfaction — Guidelines for complaints handling in organizations*), describes the
process as a chain of steps from receiving a complaint to closing it, followed by
analysis and improvement. This module follows that chain:

1. **The process and its measures** — :func:`handling_process` (the steps, what each
   one needs and how to measure it), :func:`complaint_volume` (volume and complaints per
   1,000 purchases), :func:`time_summary` (median, 90th percentile and share within a
   standard of the time to first response or to resolution), :func:`flag_rate` (reopen
   rate and other yes/no measures), :func:`consistency` (spread across agents or
   channels, with a test) and :func:`handling_scorecard` (all of them in one table).
   First-contact resolution, Pareto tables and per-1,000 rates come from
   :mod:`casekit.service`.
2. **What complaints tell** — :func:`channel_trends` and :func:`trend_chart`; the
   complaint iceberg (:func:`iceberg`, :func:`iceberg_chart`): the unhappy customers who
   never complain, from a stated complaint rate.
3. **Service recovery** — :func:`response_bands`, :func:`repurchase_table` (repurchase
   by how fast and how well a complaint was handled), :func:`purchases_around` and
   :func:`recovery_table` (purchases after against before a complaint, compared with
   customers who had no problem: the recovery paradox and its limits),
   :func:`compensation_effect` and :func:`compensation_economics` (the cost of goodwill
   against customer value kept, through :func:`casekit.clv.clv`).
4. **Triage** — :func:`simulate_arrivals` (a seeded stream of complaints with severity,
   customer value and handling time) and :func:`simulate_triage` (handlers with working
   hours take complaints in the order a policy sets: first come first served, most severe
   first, most valuable customer first, or earliest deadline first), with
   :func:`compare_policies` and :func:`triage_chart`. The expected customers lost come
   from a :class:`LossModel` fitted to a complaint log (:func:`fit_loss_model`).

Units: times to first response in hours, to resolution in days; rates as fractions;
money in Php.

References
----------
ISO 10002:2018, *Quality management — Customer satisfaction — Guidelines for complaints
handling in organizations*, 3rd ed. International Organization for Standardization.

Goodman, J. & Newman, S. (2003). Understand customer behavior and complaints. *Quality
Progress* 36(1), 51-55 (how few customers with a problem complain).

Hart, C. W. L., Heskett, J. L. & Sasser, W. E. (1990). The profitable art of service
recovery. *Harvard Business Review* 68(4), 148-156.

de Matos, C. A., Henrique, J. L. & Rossi, C. A. V. (2007). Service recovery paradox: a
meta-analysis. *Journal of Service Research* 10(1), 60-77.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

import casekit.charts  # noqa: F401  (house theme and offline renderer)
from casekit import clv, service
from casekit.charts import PALETTE
from casekit.grouping import group_keys, summarise
from casekit.validation import (
    as_datetime_column,
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
    "CEDAR_LOSS",
    "POLICIES",
    "SEVERITIES",
    "LossModel",
    "arrival_pattern",
    "channel_trends",
    "compare_policies",
    "compensation_economics",
    "compensation_effect",
    "complaint_volume",
    "consistency",
    "fit_loss_model",
    "flag_rate",
    "handling_process",
    "handling_scorecard",
    "iceberg",
    "iceberg_chart",
    "purchases_around",
    "recovery_chart",
    "recovery_table",
    "repurchase_table",
    "rescore",
    "response_bands",
    "satisfaction_table",
    "simulate_arrivals",
    "simulate_triage",
    "trend_chart",
    "triage_chart",
    "triage_datasets",
    "triage_summary",
]

#: Severity ratings, from the least to the most serious.
SEVERITIES = ("low", "medium", "high")

#: Triage policies: key -> what the handlers do when they take the next complaint.
POLICIES: dict[str, str] = {
    "fcfs": "first come, first served",
    "severity": "most severe first",
    "value": "most valuable customer first",
    "deadline": "earliest deadline first",
}

# =========================================================================================
# 1. The process and its measures
# =========================================================================================

# step, what happens, what to measure, casekit function
_PROCESS: tuple[tuple[str, str, str, str], ...] = (
    (
        "1. Receipt",
        "the complaint is taken in through any channel and recorded with an identifier, "
        "the customer, the purchase and the remedy the customer wants",
        "complaints per period and per 1,000 purchases; share by channel",
        "complaint_volume, channel_trends",
    ),
    (
        "2. Tracking",
        "the case is followed from receipt to closing, so its status can be given to the "
        "customer at any time",
        "open cases (backlog); cases older than the standard",
        "simulate_triage",
    ),
    (
        "3. Acknowledgement",
        "the customer is told at once that the complaint has arrived and what happens next",
        "time to first response: median, 90th percentile, share within the standard",
        "time_summary",
    ),
    (
        "4. Initial assessment",
        "the complaint is rated for severity, safety, complexity and impact, and urgent "
        "ones are dealt with first",
        "share of cases by severity; response time of high-severity cases",
        "time_summary(by=...), compare_policies",
    ),
    (
        "5. Investigation",
        "the facts are gathered, with effort in proportion to how serious and how frequent "
        "the problem is; the root cause is recorded",
        "share of cases with a root cause; Pareto of root causes",
        "casekit.service.pareto_table",
    ),
    (
        "6. Response",
        "the firm decides what to do: put it right for this customer (refund, replacement, "
        "apology, goodwill) and stop it happening again",
        "time to resolution; first-contact resolution; compensation paid",
        "time_summary, casekit.service.first_contact_resolution",
    ),
    (
        "7. Communicating the decision",
        "the customer is told the decision and the action taken, in words they understand",
        "share resolved, partly resolved, not resolved; consistency across agents and channels",
        "flag_rate, consistency",
    ),
    (
        "8. Closing",
        "the case is closed when the customer accepts, or with the options left to them "
        "if they do not; a case that comes back is reopened",
        "reopen rate; satisfaction with the handling; repurchase afterwards",
        "flag_rate, repurchase_table, recovery_table",
    ),
    (
        "9. Analysis and improvement",
        "complaints are counted, classified and analysed to find and remove their causes; "
        "the process itself is reviewed",
        "Pareto of root causes, trends, the iceberg estimate",
        "casekit.service.pareto_table, iceberg",
    ),
)


def handling_process() -> pd.DataFrame:
    """The steps of complaint handling, what each needs, and how to measure it.

    The steps follow the operation of the complaint-handling process in ISO 10002:2018
    (clause 8: receipt, tracking, acknowledgement, initial assessment, investigation,
    response, communicating the decision, closing), plus the analysis that feeds
    improvement (clause 9). The wording and the measures are this course's.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``what_happens``, ``measures`` and ``function`` (the casekit
        function that computes the measure).
    """
    return pd.DataFrame(_PROCESS, columns=["step", "what_happens", "measures", "function"])


def _floats(name: str, values: Any, allowed: str) -> np.ndarray:
    """``values`` (a number or a list of numbers) as a 1-d float array, or a TypeError
    that names the parameter and says what is allowed."""
    message = f"{name} must be {allowed}, got {values!r}"
    if isinstance(values, (str, bytes)):
        raise TypeError(message)
    try:
        raw = np.atleast_1d(np.asarray(values))
    except (TypeError, ValueError):
        raise TypeError(message) from None
    if raw.ndim != 1 or raw.dtype.kind in "bUSMmV":
        raise TypeError(message)
    try:
        return raw.astype(float)
    except (TypeError, ValueError):
        raise TypeError(message) from None


def _frame(name: str, frame: Any, columns: Sequence[str | None]) -> pd.DataFrame:
    check_columns(name, frame, [c for c in columns if c is not None])
    return check_nonempty(name, frame)


def complaint_volume(
    complaints: pd.DataFrame,
    *,
    date: str = "received",
    freq: str = "M",
    purchases: pd.DataFrame | None = None,
    purchase_date: str = "timestamp",
    by: str | None = None,
) -> pd.DataFrame:
    """Complaints per period, and per 1,000 purchases when the purchases are given.

    Formula: ``per_1000 = 1000 x complaints / purchases`` in the same period
    (:func:`casekit.service.per_thousand`). A rate is what makes two periods comparable
    when the business grows: more complaints in a busier year may be no worse service.

    Parameters
    ----------
    complaints : pandas.DataFrame
        One row per complaint.
    date : str
        Date column of the complaints.
    freq : {"D", "W", "M", "Q", "Y"}
        Period length (:func:`casekit.service.add_period`).
    purchases : pandas.DataFrame, optional
        One row per purchase (the base of the rate).
    purchase_date : str
        Date column of ``purchases``.
    by : str, optional
        Split the complaints by this column (a channel, a category); the base stays the
        period's purchases, so the rates of the groups add up to the period's rate.

    Returns
    -------
    pandas.DataFrame
        ``period``, the ``by`` column when given, ``complaints``, and with purchases also
        ``purchases`` and ``per_1000``. Periods with purchases but no complaints count 0.
    """
    data = _frame("complaints", complaints, [date, by])
    counted = service.add_period(data, date=date, freq=freq)
    keys = ["period"] + ([by] if by is not None else [])
    table = counted.groupby(keys, observed=True).size().rename("complaints").reset_index()
    if purchases is None:
        return table.sort_values(keys, kind="stable").reset_index(drop=True)
    base = _frame("purchases", purchases, [purchase_date])
    totals = service.add_period(base[[purchase_date]], date=purchase_date, freq=freq)
    per_period = totals.groupby("period").size().rename("purchases")
    if by is None:
        full = per_period.to_frame().join(table.set_index("period"), how="outer")
    else:
        groups = pd.Index(pd.unique(data[by].dropna()), name=by)
        grid = pd.MultiIndex.from_product([per_period.index, groups], names=["period", by])
        full = (
            table.set_index(keys)
            .reindex(grid.union(table.set_index(keys).index))
            .join(per_period, on="period")
        )
    full["complaints"] = full["complaints"].fillna(0).astype(int)
    full["per_1000"] = service.per_thousand(
        full["complaints"].to_numpy(float), full["purchases"].to_numpy(float)
    )
    full["purchases"] = full["purchases"].astype(int)
    out = full.reset_index()[[*keys, "complaints", "purchases", "per_1000"]]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def time_summary(
    complaints: pd.DataFrame,
    *,
    time: str,
    standard: float | None = None,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count, mean, median, 90th percentile and share within a standard of a handling time.

    The median says what a typical complainant experiences; the 90th percentile what
    the unlucky tenth experience, which is what a standard should be written about.
    The share within the standard is ``cases with time <= standard / cases``. The
    statistics come from :func:`casekit.service.time_to_answer` and
    :func:`casekit.service.share_answered_within`, which work in any unit.

    Parameters
    ----------
    complaints : pandas.DataFrame
        One row per complaint.
    time : str
        The time column (hours to first response, days to resolution, ...), >= 0.
    standard : float, optional
        The service standard in the unit of ``time`` (> 0).
    by : str or list of str, optional
        Group columns (channel, severity, agent, period).

    Returns
    -------
    pandas.DataFrame
        One row ("all", or one per group): ``cases``, ``mean``, ``median``, ``p90`` and,
        with a standard, ``within_standard``.
    """
    data = _frame("complaints", complaints, [time, *group_keys(by)])
    numeric_column("complaints", data, time, minimum=0)
    kwargs = {"wait": time, "by": by}
    table = pd.DataFrame(
        {
            "mean": service.time_to_answer(data, statistic="mean", **kwargs),
            "median": service.time_to_answer(data, statistic="median", **kwargs),
            "p90": service.time_to_answer(data, statistic=0.9, **kwargs),
        },
        index=["all"] if by is None else None,
    )
    if by is None:
        table.insert(0, "cases", len(data))
    else:
        keys = group_keys(by)
        sizes = data.groupby([data[k] for k in keys], observed=True, sort=True).size()
        table.insert(0, "cases", sizes.astype(int))
    if standard is not None:
        level = check_number("standard", standard, minimum=0, min_inclusive=False)
        table["within_standard"] = service.share_answered_within(
            data, wait=time, seconds=level, by=by
        )
    return table


def flag_rate(
    complaints: pd.DataFrame, *, flag: str, by: str | Sequence[str] | None = None
) -> float | pd.Series:
    """Share of complaints with a yes/no flag set: reopened, escalated, compensated ...

    Formula: ``flagged cases / cases``. The **reopen rate** (cases closed and then
    opened again because the customer came back) is the usual check on closing too
    early; it needs a reopened flag in the log. A log that does not record reopening
    cannot give this measure: say so rather than guess it.

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1]; one per group with ``by``.
    """
    data = _frame("complaints", complaints, [flag, *group_keys(by)])
    flags = flag_column("complaints", data, flag)
    return summarise(flags, data, by, "mean", "rate")


def consistency(frame: pd.DataFrame, *, value: str, by: str, min_cases: int = 20) -> pd.DataFrame:
    """How much a handling measure differs between agents, channels or stores.

    Consistent handling means that the same kind of complaint gets the same treatment
    whoever takes it and however it came in (source 004). For each group the table gives
    the number of cases and the mean of ``value`` (a time, a score, or the share of a
    yes/no column), and how far the group is from the overall mean. ``attrs["test"]``
    holds the test of "all groups are the same": the Kruskal-Wallis test for numbers
    (robust to the skew of handling times) and the chi-square test of independence for
    yes/no values.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per case.
    value : str
        A numeric or yes/no column.
    by : str
        The group column (agent, channel).
    min_cases : int
        Groups with fewer cases are left out of the table and the test (their means are
        mostly noise); they are named in ``attrs["left_out"]``.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``cases``, ``mean``, ``median`` (numbers only) and
        ``difference_from_overall``, sorted from the lowest mean to the highest;
        ``attrs["test"]`` is a dict with ``test``, ``statistic``, ``p_value``,
        ``spread`` (highest minus lowest group mean) and ``ratio`` (highest / lowest).
    """
    data = _frame("frame", frame, [value, by])
    floor = check_integer("min_cases", min_cases, minimum=1)
    check_no_missing("frame", data, [by])
    is_flag = pd.api.types.is_bool_dtype(data[value])
    values = flag_column("frame", data, value) if is_flag else numeric_column("frame", data, value)
    values = values.astype(float)
    groups = (
        data[by].astype(str) if not isinstance(data[by].dtype, pd.CategoricalDtype) else data[by]
    )
    sizes = values.groupby(groups, observed=True).size()
    kept = sizes[sizes >= floor].index
    if len(kept) < 2:
        raise ValueError(
            f"consistency needs at least two groups of {by!r} with {floor} or more cases; "
            f"got sizes {sizes.to_dict()}"
        )
    mask = groups.isin(kept).to_numpy()
    values, groups = values[mask], groups[mask]
    grouped = values.groupby(groups, observed=True)
    table = pd.DataFrame({"cases": grouped.size(), "mean": grouped.mean()})
    if not is_flag:
        table["median"] = grouped.median()
    table["difference_from_overall"] = table["mean"] - float(values.mean())
    table = table.rename_axis(by).reset_index().sort_values("mean", kind="stable")
    if is_flag:
        counts = pd.crosstab(groups, values.astype(bool))
        result = stats.chi2_contingency(counts.to_numpy())
        test = ("chi-square test of independence", result.statistic, result.pvalue)
    else:
        samples = [g.to_numpy() for _, g in grouped]
        result = stats.kruskal(*samples)
        test = ("Kruskal-Wallis test", result.statistic, result.pvalue)
    low, high = float(table["mean"].min()), float(table["mean"].max())
    table = table.reset_index(drop=True)
    table.attrs["test"] = {
        "test": test[0],
        "statistic": float(test[1]),
        "p_value": float(test[2]),
        "spread": high - low,
        "ratio": high / low if low > 0 else math.inf,
    }
    table.attrs["left_out"] = [str(g) for g in sizes.index if g not in kept]
    return table


def handling_scorecard(
    complaints: pd.DataFrame,
    *,
    response_standard: float,
    resolution_standard: float,
    first_response: str = "first_response_hours",
    resolution: str = "resolution_days",
    outcome: str = "outcome",
    resolved: str = "resolved",
    satisfaction: str = "satisfaction_after",
    purchases: int | None = None,
    reopened: str | None = None,
    first_contact: float | None = None,
) -> pd.DataFrame:
    """The measures of each handling step in one table, against the standards.

    Parameters
    ----------
    complaints : pandas.DataFrame
        The complaint log of one period.
    response_standard : float
        Standard for the first response, in the unit of ``first_response`` (hours).
    resolution_standard : float
        Standard for closing a case, in the unit of ``resolution`` (days).
    first_response, resolution, outcome, satisfaction : str
        Columns of the log (defaults: the course's ``cedar_complaints``).
    resolved : str
        The value of ``outcome`` that means fully resolved.
    purchases : int, optional
        Purchases in the same period, for complaints per 1,000 purchases.
    reopened : str, optional
        Yes/no column: was the case reopened? Without it the reopen rate is reported as
        not recorded.
    first_contact : float, optional
        First-contact resolution measured elsewhere (for example with
        :func:`casekit.service.first_contact_resolution` on the contact log), a fraction.

    Returns
    -------
    pandas.DataFrame
        ``step``, ``measure``, ``value``, ``unit``, ``standard`` and ``note``. A measure
        the data cannot give has ``value`` NaN and says so in ``note``.
    """
    data = _frame(
        "complaints", complaints, [first_response, resolution, outcome, satisfaction, reopened]
    )
    respond = check_number("response_standard", response_standard, minimum=0, min_inclusive=False)
    close = check_number("resolution_standard", resolution_standard, minimum=0, min_inclusive=False)
    response = time_summary(data, time=first_response, standard=respond).iloc[0]
    closing = time_summary(data, time=resolution, standard=close).iloc[0]
    check_no_missing("complaints", data, [outcome])
    if resolved not in set(data[outcome].astype(str)):
        raise ValueError(
            f"resolved={resolved!r} does not occur in complaints[{outcome!r}]; it holds "
            f"{sorted(set(data[outcome].astype(str)))}"
        )
    share_resolved = float((data[outcome].astype(str) == resolved).mean())
    not_recorded = "not recorded in this log"
    rows = [
        ("1. Receipt", "complaints", float(len(data)), "cases", "", ""),
        (
            "1. Receipt",
            "complaints per 1,000 purchases",
            service.per_thousand(len(data), purchases) if purchases is not None else np.nan,
            "per 1,000",
            "",
            "" if purchases is not None else "needs the number of purchases",
        ),
        (
            "3. Acknowledgement",
            "median time to first response",
            response["median"],
            "hours",
            "",
            "",
        ),
        ("3. Acknowledgement", "90th percentile", response["p90"], "hours", f"{respond:g}", ""),
        (
            "3. Acknowledgement",
            "share answered within the standard",
            response["within_standard"],
            "share",
            f"{respond:g} hours",
            "",
        ),
        ("6. Response", "median time to resolution", closing["median"], "days", "", ""),
        ("6. Response", "90th percentile", closing["p90"], "days", f"{close:g}", ""),
        (
            "6. Response",
            "share closed within the standard",
            closing["within_standard"],
            "share",
            f"{close:g} days",
            "",
        ),
        (
            "6. Response",
            "first-contact resolution",
            check_fraction("first_contact", first_contact, allow_one=True)
            if first_contact is not None
            else np.nan,
            "share",
            "",
            "from the contact log" if first_contact is not None else not_recorded,
        ),
        ("7. Communicating the decision", "share fully resolved", share_resolved, "share", "", ""),
        (
            "8. Closing",
            "reopen rate",
            flag_rate(data, flag=reopened) if reopened is not None else np.nan,
            "share",
            "",
            "" if reopened is not None else not_recorded,
        ),
        (
            "8. Closing",
            "mean satisfaction with the handling",
            float(score_column("complaints", data, satisfaction, 1, 5).mean()),
            "1-5",
            "",
            "",
        ),
        (
            "8. Closing",
            "satisfied (4 or 5)",
            service.customer_satisfaction(data, score=satisfaction),
            "share",
            "",
            "",
        ),
    ]
    table = pd.DataFrame(rows, columns=["step", "measure", "value", "unit", "standard", "note"])
    table["value"] = table["value"].astype(float)
    return table


# =========================================================================================
# 2. What complaints tell
# =========================================================================================


def channel_trends(
    complaints: pd.DataFrame, *, date: str = "received", by: str = "channel", freq: str = "Q"
) -> pd.DataFrame:
    """Complaints per period and group, with each group's share of the period.

    A channel whose share grows is where customers now choose to complain (and where
    staff and standards must follow); a category whose share grows is a problem that is
    getting worse.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``by``, ``complaints`` (0 where a group had none) and ``share`` of the
        period's complaints.
    """
    data = _frame("complaints", complaints, [date, by])
    table = complaint_volume(data, date=date, freq=freq, by=by)
    grid = pd.MultiIndex.from_product(
        [table["period"].unique(), pd.unique(data[by].dropna())], names=["period", by]
    )
    full = table.set_index(["period", by])["complaints"].reindex(grid, fill_value=0)
    out = full.reset_index()
    out["share"] = out["complaints"] / out.groupby("period")["complaints"].transform("sum")
    out[by] = out[by].astype(str)
    return out.sort_values(["period", by], kind="stable").reset_index(drop=True)


def trend_chart(table: pd.DataFrame, *, by: str = "channel", title: str | None = None) -> alt.Chart:
    """Lines of complaints per period by group, from :func:`channel_trends`."""
    check_columns("table", table, ["period", by, "complaints", "share"])
    return (
        alt.Chart(table)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title="Period (start)"),
            y=alt.Y("complaints:Q", title="Complaints per period"),
            color=alt.Color(f"{by}:N", title=by.replace("_", " ").capitalize()),
            tooltip=[
                alt.Tooltip("period:T", title="Period"),
                alt.Tooltip(f"{by}:N", title=by.replace("_", " ").capitalize()),
                alt.Tooltip("complaints:Q", title="Complaints"),
                alt.Tooltip("share:Q", title="Share of the period", format=".1%"),
            ],
        )
        .properties(title=title or f"Complaints by {by.replace('_', ' ')}", width=520, height=260)
    )


def iceberg(
    complaints: float, *, complaint_rate: Any, lost_if_silent: float | None = None
) -> pd.DataFrame:
    """Estimate the unhappy customers behind the complaints a firm receives.

    Only some customers with a problem complain to the firm; the rest say nothing, and
    many simply leave. With a complaint rate ``c`` (the share of customers with a problem
    who complain) and ``K`` complaints::

        customers with a problem  U = K / c
        silent customers          S = U - K = K (1 - c) / c
        silent per complaint          (1 - c) / c

    The rate is never observed directly: it comes from a survey of customers that asks
    about problems and what they did, or from published studies (for small problems in
    Goodman & Newman, 2003, only about 3 % complained). Because ``U`` is inversely
    proportional to ``c``, give several rates and read the range.

    Parameters
    ----------
    complaints : float
        Complaints received (>= 0), for one period.
    complaint_rate : float or array-like
        Share(s) of customers with a problem who complain, in (0, 1].
    lost_if_silent : float, optional
        Share of silent customers who stop buying, in [0, 1]; adds ``silent_lost``.

    Returns
    -------
    pandas.DataFrame
        One row per rate: ``complaint_rate``, ``complaints``, ``customers_with_problem``,
        ``silent``, ``silent_per_complaint`` and (optionally) ``silent_lost``.
    """
    k = check_number("complaints", complaints, minimum=0)
    rates = _floats("complaint_rate", complaint_rate, "one or more shares in (0, 1]")
    if rates.size == 0 or not np.all(np.isfinite(rates)) or np.any((rates <= 0) | (rates > 1)):
        raise ValueError(
            f"complaint_rate must be one or more shares in (0, 1], got {complaint_rate!r}"
            "; write 0.04 for 4 %"
        )
    unhappy = k / rates
    table = pd.DataFrame(
        {
            "complaint_rate": rates,
            "complaints": k,
            "customers_with_problem": unhappy,
            "silent": unhappy - k,
            "silent_per_complaint": (1 - rates) / rates,
        }
    )
    if lost_if_silent is not None:
        share = check_fraction("lost_if_silent", lost_if_silent, allow_one=True)
        table["silent_lost"] = table["silent"] * share
    return table


def iceberg_chart(table: pd.DataFrame, *, title: str = "The complaint iceberg") -> alt.Chart:
    """Stacked bars of heard and silent customers with a problem, one bar per rate."""
    check_columns("table", table, ["complaint_rate", "complaints", "silent"])
    long = pd.DataFrame(
        {
            "rate": np.repeat([f"{r:.0%} complain" for r in table["complaint_rate"]], 2),
            "group": np.tile(["complained (heard)", "did not complain (silent)"], len(table)),
            "customers": np.column_stack([table["complaints"], table["silent"]]).ravel(),
            "order": np.tile([1, 0], len(table)),
        }
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "rate:N", title="Assumed complaint rate", sort=None, axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("customers:Q", title="Customers with a problem", stack="zero"),
            color=alt.Color(
                "group:N",
                title="",
                scale=alt.Scale(
                    domain=["complained (heard)", "did not complain (silent)"],
                    range=[PALETTE[5], "#9ecae1"],
                ),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("rate:N", title="Assumption"),
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("customers:Q", title="Customers", format=",.0f"),
            ],
        )
        .properties(title=title, width=420, height=280)
    )


# =========================================================================================
# 3. Service recovery
# =========================================================================================

#: Default bands of the time to first response, in hours.
RESPONSE_BANDS = (0.0, 1.0, 4.0, 24.0, math.inf)


def response_bands(hours: Any, edges: Sequence[float] = RESPONSE_BANDS) -> pd.Series:
    """Put response times into bands such as "up to 1 h", "1-4 h", "4-24 h", "over 24 h".

    Bands are closed on the right: 1.0 hours is in "up to 1 h". The first edge must be
    0 and the last may be infinite.

    Returns
    -------
    pandas.Series
        An ordered categorical with one label per value.
    """
    cuts = _floats("edges", edges, "hours that start at 0 and increase").tolist()
    if len(cuts) < 2 or cuts[0] != 0 or any(b <= a for a, b in itertools.pairwise(cuts)):
        raise ValueError(f"edges must start at 0 and increase, got {list(edges)!r}")
    if isinstance(hours, pd.Series):
        if not pd.api.types.is_numeric_dtype(hours) or pd.api.types.is_bool_dtype(hours):
            raise TypeError(f"hours must hold numbers of hours, got dtype {hours.dtype}")
        values = hours
    else:
        values = pd.Series(_floats("hours", hours, "numbers of hours >= 0"))
    if values.isna().any() or (values < 0).any():
        raise ValueError("hours must be numbers >= 0 without missing values")

    def label(a: float, b: float) -> str:
        if a == 0:
            return f"up to {b:g} h"
        if math.isinf(b):
            return f"over {a:g} h"
        return f"{a:g}-{b:g} h"

    labels = [label(a, b) for a, b in itertools.pairwise(cuts)]
    return pd.cut(values.astype(float), cuts, labels=labels, include_lowest=True).rename("band")


def _wilson(successes: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial share (Wilson, 1927, *JASA* 22, 209-212)."""
    z = stats.norm.ppf(0.5 + level / 2)
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def repurchase_table(
    complaints: pd.DataFrame,
    *,
    by: str | pd.Series,
    bought: str = "purchased_within_90d",
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of complainants who bought again, by how the complaint was handled.

    Formula: ``complainants with a purchase in the window / complainants whose window is
    observed``, with a Wilson confidence interval. Complaints whose outcome is unknown
    (the window reaches past the end of the data: a missing ``bought``) are counted in
    ``unknown`` and left out of the share, not treated as lost.

    Parameters
    ----------
    complaints : pandas.DataFrame
        One row per complaint.
    by : str or pandas.Series
        A column name, or labels aligned with ``complaints`` (e.g. :func:`response_bands`).
    bought : str
        Yes/no column, missing where not yet known.
    level : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        ``by`` (the group), ``complaints``, ``unknown``, ``repurchased``,
        ``repurchase_rate``, ``ci_low`` and ``ci_high``.
    """
    data = _frame("complaints", complaints, [bought, by if isinstance(by, str) else None])
    conf = check_number(
        "level", level, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False
    )
    if isinstance(by, str):
        name, labels = by, data[by]
    else:
        name = getattr(by, "name", None) or "group"
        labels = by if isinstance(by, pd.Series) else pd.Series(np.asarray(by))
        if len(labels) != len(data):
            raise ValueError(
                f"by must be a column name or one label per complaint ({len(data)}), "
                f"got {len(labels)} labels"
            )
    labels = labels.set_axis(data.index)
    known = data[bought].notna()
    flags = data.loc[known, bought]
    if not (pd.api.types.is_bool_dtype(flags) or flags.isin([0, 1]).all()):
        raise TypeError(f"complaints[{bought!r}] must hold yes/no values, got dtype {flags.dtype}")
    frame = pd.DataFrame(
        {
            "group": labels,
            "known": known.to_numpy(),
            "bought": data[bought].fillna(False).to_numpy(),
        }
    )
    grouped = frame.groupby("group", observed=True, sort=True)
    n = grouped["known"].sum().astype(int)
    table = pd.DataFrame(
        {
            "complaints": grouped.size().astype(int),
            "unknown": grouped.size().astype(int) - n,
            "repurchased": grouped["bought"].sum().astype(int),
        }
    )
    table = table[n > 0]
    n = n[n > 0]
    table["repurchase_rate"] = table["repurchased"] / n
    low, high = _wilson(table["repurchased"].to_numpy(float), n.to_numpy(float), conf)
    table["ci_low"], table["ci_high"] = low, high
    return table.rename_axis(name).reset_index()


def satisfaction_table(
    complaints: pd.DataFrame,
    *,
    by: str | pd.Series | Sequence[str | pd.Series],
    satisfaction: str = "satisfaction_after",
    satisfied: float = 4,
) -> pd.DataFrame:
    """Satisfaction after resolution, by how (and how fast) the complaint was handled.

    Formulas per group: ``mean_satisfaction`` is the mean rating of the complainants who
    gave one; ``share_satisfied`` is the share of them rating ``satisfied`` or more (4
    or 5 on a 1-5 scale, the "top two boxes"). Unrated complaints are counted in
    ``complaints`` but left out of both.

    Parameters
    ----------
    complaints : pandas.DataFrame
        One row per complaint.
    by : str, pandas.Series or list of them
        One or more groupings: column names, or labels aligned with ``complaints``
        (e.g. :func:`response_bands`). Two give a cross-table in long form.
    satisfaction : str
        Column of ratings (numbers; missing where not rated).
    satisfied : float
        The lowest rating counted as satisfied.

    Returns
    -------
    pandas.DataFrame
        One column per grouping, then ``complaints``, ``rated``, ``mean_satisfaction``
        and ``share_satisfied``; groups with no rating are left out.
    """
    keys = list(by) if isinstance(by, (list, tuple)) else [by]
    if not keys:
        raise ValueError("by must name at least one grouping")
    data = _frame(
        "complaints", complaints, [satisfaction, *(k for k in keys if isinstance(k, str))]
    )
    cut = check_number("satisfied", satisfied)
    ratings = data[satisfaction]
    if not pd.api.types.is_numeric_dtype(ratings) or pd.api.types.is_bool_dtype(ratings):
        raise TypeError(
            f"complaints[{satisfaction!r}] must hold numeric ratings, got dtype {ratings.dtype}"
        )
    columns: dict[str, pd.Series] = {}
    for k, key in enumerate(keys):
        if isinstance(key, str):
            columns[key] = data[key]
            continue
        labels = key if isinstance(key, pd.Series) else pd.Series(np.asarray(key))
        if len(labels) != len(data):
            raise ValueError(
                f"by must hold column names or one label per complaint ({len(data)}), "
                f"got {len(labels)} labels"
            )
        name = getattr(key, "name", None) or f"group_{k}"
        columns[name] = labels.set_axis(data.index)
    if len(columns) != len(keys):
        raise ValueError(f"by must not name the same grouping twice, got {list(columns)}")
    frame = pd.DataFrame(columns)
    rating = ratings.astype(float)
    frame["rating"] = rating
    frame["top"] = np.where(rating.isna(), np.nan, (rating >= cut).astype(float))
    grouped = frame.groupby(list(columns), observed=True, sort=True)
    table = pd.DataFrame(
        {
            "complaints": grouped.size().astype(int),
            "rated": grouped["rating"].count().astype(int),
            "mean_satisfaction": grouped["rating"].mean(),
            "share_satisfied": grouped["top"].mean(),
        }
    )
    return table[table["rated"] > 0].reset_index()


def _seconds(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[s]").astype(np.int64)


def purchases_around(
    purchases: pd.DataFrame,
    events: pd.DataFrame,
    *,
    event_time: str,
    window_days: float = 180.0,
    gap_days: float = 0.0,
    customer: str = "customer_id",
    purchase_time: str = "timestamp",
    customers: pd.DataFrame | None = None,
    acquisition: str = "acquisition_date",
    end: Any = None,
) -> pd.DataFrame:
    """Each event's customer's purchases in a window before and a window after it.

    ``before`` counts purchases in ``[t - window, t - gap)``, ``after`` those in
    ``(t, t + window]`` (days). Leaving a gap before a complaint keeps out the purchase
    the complaint is about, which every complainant has by construction. An event is
    ``eligible`` when both windows are fully observed: the customer was acquired at
    least ``window`` days before it (when ``customers`` is given) and ``t + window`` is
    not after ``end``. Comparing a customer with themselves takes away the differences
    between customers (frequent buyers have more occasions to complain).

    Parameters
    ----------
    purchases : pandas.DataFrame
        One row per purchase, with ``customer`` and ``purchase_time``.
    events : pandas.DataFrame
        One row per event (a complaint), with ``customer`` and ``event_time``.
    window_days, gap_days : float
        Window length (> 0) and gap before the event (>= 0, < window), in days.
    customers : pandas.DataFrame, optional
        The customer table with ``customer`` and ``acquisition``.
    end : date-like, optional
        Last moment the purchase data cover; default the last purchase.

    Returns
    -------
    pandas.DataFrame
        ``events`` with ``before``, ``after`` (counts) and ``eligible`` added.
    """
    window = check_number("window_days", window_days, minimum=0, min_inclusive=False)
    gap = check_number("gap_days", gap_days, minimum=0, maximum=window, max_inclusive=False)
    buys = _frame("purchases", purchases, [customer, purchase_time])
    ev = _frame("events", events, [customer, event_time])
    for name, frame, column in (("purchases", buys, purchase_time), ("events", ev, event_time)):
        check_no_missing(name, frame, [column])
        check_no_missing(name, frame, [customer])
        as_datetime_column(name, frame, column)
    ids = pd.Index(pd.unique(pd.concat([buys[customer], ev[customer]], ignore_index=True)))
    span = np.int64(10**10)  # seconds: more than 300 years between one customer's codes
    t_buy = _seconds(as_datetime_column("purchases", buys, purchase_time))
    t_ev = _seconds(as_datetime_column("events", ev, event_time))
    origin = min(t_buy.min(), t_ev.min())
    key = ids.get_indexer(buys[customer]).astype(np.int64) * span + (t_buy - origin)
    key.sort()
    ev_key = ids.get_indexer(ev[customer]).astype(np.int64) * span + (t_ev - origin)
    day = 86_400.0
    w, g = np.int64(round(window * day)), np.int64(round(gap * day))
    before = np.searchsorted(key, ev_key - g, "left") - np.searchsorted(key, ev_key - w, "left")
    after = np.searchsorted(key, ev_key + w, "right") - np.searchsorted(key, ev_key, "right")
    last = _seconds(pd.Series([pd.Timestamp(end)]))[0] if end is not None else t_buy.max()
    eligible = t_ev + w <= last
    if customers is not None:
        table = _frame("customers", customers, [customer, acquisition])
        acquired = as_datetime_column("customers", table, acquisition)
        first = pd.Series(_seconds(acquired), index=table[customer].to_numpy())
        since = first.reindex(ev[customer].to_numpy()).to_numpy()
        if np.isnan(since.astype(float)).any():
            raise ValueError("every event's customer must be in customers")
        eligible &= since <= t_ev - w
    return ev.assign(before=before, after=after, eligible=eligible)


def recovery_table(
    purchases: pd.DataFrame,
    complaints: pd.DataFrame,
    *,
    by: str = "satisfaction_after",
    customers: pd.DataFrame | None = None,
    received: str = "received",
    customer: str = "customer_id",
    purchase_time: str = "timestamp",
    window_days: float = 180.0,
    gap_days: float = 3.0,
    repurchase_days: float = 90.0,
    offset_days: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Purchases after against before a complaint, by handling, and for customers with no problem.

    For each complaint: purchases in the ``window_days`` after it over purchases in the
    ``window_days`` before it (:func:`purchases_around`, summed over the group), and
    whether the customer bought within ``repurchase_days``. The comparison group is every
    customer who never complained, at one of their purchases picked at random (plus
    ``offset_days``, the usual delay between a purchase and a complaint about it): their
    ratio shows how purchases drift anyway (customers slowly drop out).

    The **recovery paradox** (McCollough & Bharadwaj, 1992; Hart, Heskett & Sasser,
    1990) says that a customer whose problem is put right very well can end up more
    loyal than one who never had a problem. It shows here as a group whose ratio is
    above the no-problem ratio. Its limits: it needs an excellent recovery (most
    complaints are not handled that well), it is found more often for satisfaction than
    for repurchase (de Matos, Henrique & Rossi, 2007), and a direct comparison of
    complainants with other customers overstates it, because customers who buy more
    have more occasions to complain: compare each customer with themselves, as here.

    Returns
    -------
    pandas.DataFrame
        One row per group of ``by`` and a last row "no complaint": ``group``, ``events``
        (eligible for the ratio), ``before``, ``after``, ``ratio`` (after / before),
        ``ratio_vs_no_problem`` and ``repurchase_rate`` (bought within
        ``repurchase_days``, among events with that window observed).
    """
    cp = _frame("complaints", complaints, [by, received, customer])
    rng = np.random.default_rng(check_integer("seed", seed, minimum=0))
    buys = _frame("purchases", purchases, [customer, purchase_time])
    quiet = buys.loc[~buys[customer].isin(cp[customer]), [customer, purchase_time]]
    if quiet.empty:
        raise ValueError("every customer in purchases complained: there is no comparison group")
    pick = quiet.assign(_u=rng.random(len(quiet))).sort_values("_u").drop_duplicates(customer)
    ref = pick[[customer]].assign(
        **{
            received: as_datetime_column("purchases", pick, purchase_time)
            + pd.Timedelta(days=check_number("offset_days", offset_days, minimum=0))
        }
    )
    ref[by] = "no complaint"
    events = pd.concat([cp[[customer, received, by]].astype({by: object}), ref], ignore_index=True)
    kwargs = {"event_time": received, "customer": customer, "purchase_time": purchase_time}
    wide = purchases_around(
        buys, events, window_days=window_days, gap_days=gap_days, customers=customers, **kwargs
    )
    short = purchases_around(buys, events, window_days=repurchase_days, **kwargs)
    frame = pd.DataFrame(
        {
            "group": events[by].astype(str),
            "eligible": wide["eligible"],
            "before": np.where(wide["eligible"], wide["before"], 0),
            "after": np.where(wide["eligible"], wide["after"], 0),
            "observed": short["eligible"],
            "bought": short["eligible"] & (short["after"] > 0),
        }
    )
    grouped = frame.groupby("group", sort=False)
    table = pd.DataFrame(
        {
            "events": grouped["eligible"].sum(),
            "before": grouped["before"].sum(),
            "after": grouped["after"].sum(),
            "repurchase_rate": grouped["bought"].sum() / grouped["observed"].sum(),
        }
    )
    if (table["before"] == 0).any():
        empty = list(table.index[table["before"] == 0])
        raise ValueError(f"groups {empty} have no eligible purchases before the event")
    table["ratio"] = table["after"] / table["before"]
    table["ratio_vs_no_problem"] = table["ratio"] / table.loc["no complaint", "ratio"]
    order = [*sorted((g for g in table.index if g != "no complaint"), key=_natural), "no complaint"]
    table = table.loc[order].rename_axis("group").reset_index()
    return table[
        ["group", "events", "before", "after", "ratio", "ratio_vs_no_problem", "repurchase_rate"]
    ]


def _natural(label: str) -> tuple[int, float | str]:
    try:
        return (0, float(label))
    except ValueError:
        return (1, label)


def recovery_chart(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    group_title: str = "Satisfaction with the handling",
) -> alt.LayerChart:
    """Bars of the after/before purchase ratio by group, with the no-problem ratio as a rule.

    ``table`` is :func:`recovery_table`'s; ``group_title`` names its groups on the axis.
    """
    check_columns("table", table, ["group", "ratio", "events"])
    if "no complaint" not in set(table["group"]):
        raise ValueError("table must have the 'no complaint' row of recovery_table")
    base = float(table.loc[table["group"] == "no complaint", "ratio"].iloc[0])
    data = table.assign(kind=np.where(table["group"] == "no complaint", "no problem", "complained"))
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("ratio:Q", title="After / before", format=".2f"),
        alt.Tooltip("events:Q", title="Customers", format=",.0f"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "group:N",
                sort=list(data["group"]),
                title=group_title,
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("ratio:Q", title="Purchases after / before"),
            color=alt.Color(
                "kind:N",
                title="",
                scale=alt.Scale(domain=["complained", "no problem"], range=[PALETTE[0], "#999999"]),
            ),
            tooltip=tooltip,
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"ratio": [base], "label": ["no problem"]}))
        .mark_rule(strokeDash=[6, 4], color="#000000")
        .encode(y="ratio:Q", tooltip=[alt.Tooltip("ratio:Q", title="No problem", format=".2f")])
    )
    return alt.layer(bars, rule).properties(
        title=title or "Purchases in the months after a complaint, against before",
        width=460,
        height=280,
    )


def compensation_effect(
    complaints: pd.DataFrame,
    *,
    compensation: str = "compensation",
    bought: str = "purchased_within_90d",
    strata: Sequence[str] = ("outcome", "severity"),
) -> pd.DataFrame:
    """Repurchase with and without goodwill compensation, within comparable complaints.

    Compensation is not given at random: serious cases get it more often, and serious
    cases lose more customers, so a raw comparison mixes the two. Within each stratum
    (same outcome and severity) the difference ``rate with - rate without`` compares like
    with like; the last row averages them with the Cochran-Mantel-Haenszel weights
    ``n_with x n_without / n`` (Greenland & Robins, 1985, *Biometrics* 41, 55-68). It is
    still an observational estimate; a test with random vouchers would settle it.

    Returns
    -------
    pandas.DataFrame
        One row per stratum with both groups present: the strata columns, ``n_without``,
        ``n_with``, ``rate_without``, ``rate_with``, ``difference``; and a last row
        "weighted" with the weighted difference.
    """
    data = _frame("complaints", complaints, [compensation, bought, *strata])
    amounts = numeric_column("complaints", data, compensation, minimum=0)
    known = data[bought].notna()
    data, amounts = data[known], amounts[known]
    got = amounts > 0
    flags = data[bought].astype(bool).astype(float)
    keys = [data[s].astype(str) for s in strata]
    table = (
        flags.groupby([*keys, got.rename("given")], observed=True)
        .agg(["size", "mean"])
        .unstack("given")
    )
    table = table.dropna()
    if table.empty:
        raise ValueError("no stratum has complaints both with and without compensation")
    out = pd.DataFrame(
        {
            "n_without": table[("size", False)].astype(int),
            "n_with": table[("size", True)].astype(int),
            "rate_without": table[("mean", False)],
            "rate_with": table[("mean", True)],
        }
    )
    out["difference"] = out["rate_with"] - out["rate_without"]
    weights = out["n_with"] * out["n_without"] / (out["n_with"] + out["n_without"])
    out = out.reset_index()
    total = {s: "weighted" for s in strata}
    total.update(
        n_without=int(out["n_without"].sum()),
        n_with=int(out["n_with"].sum()),
        rate_without=np.nan,
        rate_with=np.nan,
        difference=float(np.average(out["difference"], weights=weights)),
    )
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def compensation_economics(
    cost_per_case: Any,
    uplift: Any,
    *,
    cases: float,
    margin: float,
    retention: float,
    discount_rate: float,
    horizon: int | None = None,
) -> pd.DataFrame:
    """Cost of a compensation policy against the customer value it keeps.

    A policy pays ``cost_per_case`` on each of ``cases`` complaints a year and raises the
    share of those complainants who stay by ``uplift`` (0.03 = three points). A customer
    kept is worth their lifetime value from now, ``CLV = clv.clv(margin, retention,
    discount_rate, first_period_retained=False)`` (the next year's margin is certain for
    a customer who stays). Then::

        cost            = cases x cost_per_case
        customers kept  = cases x uplift
        value kept      = customers kept x CLV
        net             = value kept - cost
        break-even uplift = cost_per_case / CLV

    ``cost_per_case`` is the cost to the firm: a voucher redeemed for goods costs the
    goods, not the face value, and unredeemed vouchers cost nothing.

    Parameters
    ----------
    cost_per_case, uplift : float or array-like
        One policy each (broadcast together): cost per complaint (Php, >= 0) and extra
        share of complainants kept (in [-1, 1]).
    cases : float
        Complaints a year that the policy covers.
    margin, retention, discount_rate, horizon
        As in :func:`casekit.clv.clv` (margin per customer per year).

    Returns
    -------
    pandas.DataFrame
        ``cost_per_case``, ``uplift``, ``cost``, ``customers_kept``, ``clv``,
        ``value_kept``, ``net``, ``return_per_peso`` (value kept / cost; infinite for a
        policy that costs nothing) and ``break_even_uplift``.
    """
    n = check_number("cases", cases, minimum=0)
    value = clv.clv(margin, retention, discount_rate, horizon=horizon, first_period_retained=False)
    if value <= 0:
        raise ValueError(
            f"the customer lifetime value must be > 0 to keep customers for, got {value:g}"
        )
    cost = _floats("cost_per_case", cost_per_case, "one or more amounts >= 0")
    lift = _floats("uplift", uplift, "one or more shares in [-1, 1]")
    try:
        cost, lift = np.broadcast_arrays(cost, lift)
    except ValueError:
        raise ValueError(
            f"cost_per_case and uplift must have the same length or one must be a single "
            f"number; got {len(cost)} and {len(lift)}"
        ) from None
    if not np.all(np.isfinite(cost)) or np.any(cost < 0):
        raise ValueError(f"cost_per_case must be amounts >= 0, got {cost_per_case!r}")
    if not np.all(np.isfinite(lift)) or np.any(np.abs(lift) > 1):
        raise ValueError(f"uplift must be shares in [-1, 1] (0.03 = 3 points), got {uplift!r}")
    table = pd.DataFrame({"cost_per_case": cost, "uplift": lift})
    table["cost"] = n * cost
    table["customers_kept"] = n * lift
    table["clv"] = value
    table["value_kept"] = table["customers_kept"] * value
    table["net"] = table["value_kept"] - table["cost"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["return_per_peso"] = np.where(cost > 0, table["value_kept"] / table["cost"], np.inf)
    table["break_even_uplift"] = cost / value
    return table


# =========================================================================================
# 4. Triage: who is answered first
# =========================================================================================


@dataclass(frozen=True)
class LossModel:
    """Chance that a complainant does not buy again, from the hours to the first response.

    A logistic model::

        P(lost) = 1 / (1 + exp(-(intercept + per_log_hour x ln(1 + hours) + severity_k)))

    with ``severity_k`` the shift of severity ``k`` (low, medium, high; low is 0 in a
    fitted model). "Lost" means no purchase within the window of the data it was
    fitted on (90 days in the course's complaint log); part of that would have happened
    anyway, so compare policies by their *differences* in expected losses.
    """

    intercept: float
    per_log_hour: float
    severity: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def probability(self, hours: Any, severity: Any = 0) -> np.ndarray:
        """P(lost) for response times in hours and severity codes 0, 1, 2."""
        h = np.asarray(hours, dtype=float)
        k = np.asarray(severity, dtype=int)
        z = self.intercept + self.per_log_hour * np.log1p(h) + np.asarray(self.severity)[k]
        return 1.0 / (1.0 + np.exp(-z))


#: Loss model fitted to Cedar Lane's complaints of 2021-2024 (:func:`fit_loss_model` on
#: ``cedar_complaints``, rounded to two decimals; a test keeps the two in step).
CEDAR_LOSS = LossModel(intercept=-1.13, per_log_hour=0.27, severity=(0.0, 0.21, 0.43))


def _severity_codes(name: str, values: pd.Series) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(values):
        if isinstance(values.dtype, pd.CategoricalDtype):  # quick: check the categories
            valid = pd.Index(values.cat.categories.astype(str)).isin(SEVERITIES).all()
            valid = valid and not values.isna().any()
        else:
            valid = values.isin(SEVERITIES).all()
        if not valid:
            text = values.astype(str)
            bad = ~text.isin(SEVERITIES)
            if bad.any():
                raise ValueError(
                    f"{name} must hold severities {list(SEVERITIES)}, found {text[bad].iloc[0]!r}"
                )
            values = text
        return pd.Categorical(values, categories=SEVERITIES).codes.astype(int)
    codes = values.to_numpy()
    if not np.isin(codes, [0, 1, 2]).all():
        raise ValueError(f"{name} must hold severity codes 0, 1, 2 (low to high) or names")
    return codes.astype(int)


def fit_loss_model(
    complaints: pd.DataFrame,
    *,
    hours: str = "first_response_hours",
    bought: str = "purchased_within_90d",
    severity: str = "severity",
) -> LossModel:
    """Fit the :class:`LossModel` to a complaint log by maximum likelihood (logit).

    Rows with an unknown ``bought`` are left out. Uses statsmodels' ``Logit``.
    """
    import statsmodels.api as sm

    data = _frame("complaints", complaints, [hours, bought, severity])
    data = data[data[bought].notna()]
    check_nonempty("complaints (rows with a known outcome)", data)
    h = numeric_column("complaints", data, hours, minimum=0).to_numpy()
    codes = _severity_codes(f"complaints[{severity!r}]", data[severity])
    design = np.column_stack([np.ones(len(h)), np.log1p(h), codes == 1, codes == 2]).astype(float)
    lost = (~data[bought].astype(bool)).to_numpy(float)
    fit = sm.Logit(lost, design).fit(disp=0)
    b = fit.params
    return LossModel(float(b[0]), float(b[1]), (0.0, float(b[2]), float(b[3])))


def arrival_pattern(
    complaints: pd.DataFrame, *, received: str = "received"
) -> dict[str, np.ndarray]:
    """Shares of complaints by hour of the day (24) and by weekday (7, Monday first)."""
    data = _frame("complaints", complaints, [received])
    when = as_datetime_column("complaints", data, received)
    hours = np.bincount(when.dt.hour.to_numpy(), minlength=24).astype(float)
    days = np.bincount(when.dt.day_of_week.to_numpy(), minlength=7).astype(float)
    return {"hour": hours / hours.sum(), "weekday": days / days.sum()}


def _weights(name: str, values: Any, size: int) -> np.ndarray:
    if values is None:
        return np.full(size, 1.0 / size)
    w = np.asarray(values, dtype=float)
    if w.shape != (size,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{name} must be {size} weights >= 0 with a positive sum, got {values!r}")
    return w / w.sum()


def simulate_arrivals(
    per_year: float,
    *,
    start: Any = "2025-01-01",
    days: int = 365,
    severity_mix: Sequence[float] = (0.43, 0.40, 0.17),
    handle_minutes: Sequence[float] = (30.0, 45.0, 60.0),
    handle_cv: float = 0.5,
    value_median: float = 2_500.0,
    value_spread: float = 1.0,
    hour_weights: Any = None,
    weekday_weights: Any = None,
    seed: int = 0,
) -> pd.DataFrame:
    """A seeded stream of complaints: arrival time, severity, customer value, handling time.

    * The number of complaints is Poisson with mean ``per_year x days / 365``; each
      falls on a day drawn with ``weekday_weights`` and an hour drawn with
      ``hour_weights`` (uniform within the hour). :func:`arrival_pattern` gives both
      from a real log.
    * Severity is drawn with ``severity_mix`` (low, medium, high).
    * Customer value (Php) is lognormal with median ``value_median`` and log-sd
      ``value_spread``: a few customers are worth much more than most.
    * The handler's time for the first response is gamma distributed with mean
      ``handle_minutes`` of the severity and coefficient of variation ``handle_cv``.

    The same seed gives the same stream.

    Returns
    -------
    pandas.DataFrame
        ``complaint`` (1, 2, ...), ``arrival`` (datetime), ``severity`` (ordered
        categorical), ``value`` (Php) and ``handle_minutes``, in order of arrival.
    """
    rate = check_number("per_year", per_year, minimum=0, min_inclusive=False)
    n_days = check_integer("days", days, minimum=1)
    mix = _weights("severity_mix", severity_mix, 3)
    handle = np.asarray(handle_minutes, dtype=float)
    if handle.shape != (3,) or not np.all(np.isfinite(handle)) or np.any(handle <= 0):
        raise ValueError(
            f"handle_minutes must be three times > 0 (low, medium, high), got {handle_minutes!r}"
        )
    cv = check_number("handle_cv", handle_cv, minimum=0, min_inclusive=False)
    median = check_number("value_median", value_median, minimum=0, min_inclusive=False)
    spread = check_number("value_spread", value_spread, minimum=0)
    hours = _weights("hour_weights", hour_weights, 24)
    weekdays = _weights("weekday_weights", weekday_weights, 7)
    try:
        first = pd.Timestamp(start).normalize()
    except (TypeError, ValueError):
        raise TypeError(f"start must be a date such as '2025-01-01', got {start!r}") from None
    rng = np.random.default_rng(check_integer("seed", seed, minimum=0))
    n = int(rng.poisson(rate * n_days / 365.0))
    calendar = pd.date_range(first, periods=n_days, freq="D")
    day_p = weekdays[calendar.day_of_week]
    day = rng.choice(n_days, size=n, p=day_p / day_p.sum())
    hour = rng.choice(24, size=n, p=hours)
    offset = (day * 24 + hour + rng.random(n)) * 3600.0
    order = np.argsort(offset, kind="stable")
    severity = rng.choice(3, size=n, p=mix)
    shape = 1.0 / cv**2
    minutes = rng.gamma(shape, handle[severity] / shape)
    value = median * np.exp(spread * rng.standard_normal(n))
    arrival = first + pd.to_timedelta(np.round(offset[order]), unit="s")
    return pd.DataFrame(
        {
            "complaint": np.arange(1, n + 1),
            "arrival": arrival,
            "severity": pd.Categorical.from_codes(
                severity[order], categories=list(SEVERITIES), ordered=True
            ),
            "value": np.round(value[order], 2),
            "handle_minutes": minutes[order],
        }
    )


@dataclass(frozen=True)
class _Calendar:
    """Working hours as a clock that only runs while the handlers work."""

    origin: pd.Timestamp
    open_hour: float
    length: float  # working hours in an open day
    open_days: np.ndarray  # bool per calendar day from origin
    before: np.ndarray  # working hours before each day starts
    after: np.ndarray  # working hours at the end of each day

    @classmethod
    def build(cls, origin, open_hour, close_hour, workdays, n_days) -> _Calendar:
        weekdays = (origin.weekday() + np.arange(n_days)) % 7
        open_days = np.isin(weekdays, list(workdays))
        hours = open_days * float(close_hour - open_hour)
        after = np.cumsum(hours)
        return cls(
            origin, float(open_hour), float(close_hour - open_hour), open_days, after - hours, after
        )

    def to_work(self, hours: np.ndarray) -> np.ndarray:
        """Calendar hours since the origin -> working hours since the origin."""
        day = np.floor(hours / 24.0).astype(int)
        within = np.clip(hours - 24.0 * day - self.open_hour, 0.0, self.length)
        return self.before[day] + self.open_days[day] * within

    def to_calendar(self, work: np.ndarray, *, starting: bool) -> np.ndarray:
        """Working hours -> calendar hours; a start at a day's close moves to the next opening."""
        day = np.searchsorted(self.after, work, side="right" if starting else "left")
        return 24.0 * day + self.open_hour + (work - self.before[day])


def _standards(standard_hours: Any, codes: np.ndarray) -> np.ndarray:
    if isinstance(standard_hours, Mapping):
        missing = [s for s in SEVERITIES if s not in standard_hours]
        if missing:
            raise ValueError(
                f"standard_hours must give hours for every severity {list(SEVERITIES)}; "
                f"missing {missing}"
            )
        levels = np.array(
            [
                check_number(
                    f"standard_hours[{s!r}]", standard_hours[s], minimum=0, min_inclusive=False
                )
                for s in SEVERITIES
            ]
        )
        return levels[codes]
    level = check_number("standard_hours", standard_hours, minimum=0, min_inclusive=False)
    return np.full(len(codes), level)


def _serve(arrive: list[float], handle: list[float], rank: list[int], handlers: int) -> list[float]:
    """Non-preemptive priority queue with identical servers (an event loop).

    ``arrive`` is sorted; ``rank`` is each complaint's place in the policy's order (0 is
    taken first among those waiting). Whenever a handler is free, it takes the waiting
    complaint of lowest rank; when none is waiting, it waits for the next arrival. A
    handler who became free while nobody was waiting starts at the next decision time,
    never before the complaint arrived. Returns the start time of each complaint.
    """
    n = len(arrive)
    who = [0] * n
    for i, r in enumerate(rank):
        who[r] = i
    free = [0.0] * handlers  # when each handler is next free (a heap)
    waiting: list[int] = []
    start = [0.0] * n
    push, pop, replace = heapq.heappush, heapq.heappop, heapq.heapreplace
    i = 0
    t = 0.0  # the time of the last decision: decisions are taken in time order
    for _ in range(n):
        if free[0] > t:
            t = free[0]
        if not waiting and arrive[i] > t:
            t = arrive[i]
        while i < n and arrive[i] <= t:
            push(waiting, rank[i])
            i += 1
        j = who[pop(waiting)]
        start[j] = t
        replace(free, t + handle[j])
    return start


def simulate_triage(
    arrivals: pd.DataFrame,
    *,
    policy: str,
    handlers: int,
    standard_hours: float | Mapping[str, float],
    open_hours: tuple[float, float] = (8.0, 18.0),
    workdays: Sequence[int] = (0, 1, 2, 3, 4, 5),
    loss: LossModel | None = CEDAR_LOSS,
    arrival: str = "arrival",
    severity: str = "severity",
    value: str = "value",
    handle: str = "handle_minutes",
) -> pd.DataFrame:
    """Simulate a complaints desk: who is answered when, under a triage policy.

    ``handlers`` identical handlers work during ``open_hours`` on ``workdays`` (0 is
    Monday). Whenever one is free, they take the waiting complaint that ``policy`` puts
    first and write the first response, which takes ``handle`` minutes of working time
    (work left at closing time is finished the next working day). Policies
    (:data:`POLICIES`):

    * ``"fcfs"``: in order of arrival;
    * ``"severity"``: high before medium before low, then in order of arrival;
    * ``"value"``: the most valuable customer first;
    * ``"deadline"``: the earliest deadline first (arrival + the standard of the
      complaint's severity; the same as fcfs under a single standard).

    Handlers never interrupt a response once started (non-preemptive priority). The
    simulation is an event loop over a heap of handlers and a heap of waiting
    complaints: ``O(n log n)``, about a millisecond per thousand complaints.
    Calendar times are converted to a working-time clock that stops outside working
    hours, so the queue is solved in working time and mapped back.

    Properties: with first come, first served, adding a handler never makes any
    complaint wait longer (Kiefer & Wolfowitz, 1955, *Trans. AMS* 78, 1-18 give the
    recursion); when all handling times are equal that holds for the mean wait under
    every policy.

    Parameters
    ----------
    arrivals : pandas.DataFrame
        One row per complaint (:func:`simulate_arrivals`, or a real log with a handling
        time added).
    policy : str
        A key of :data:`POLICIES`.
    handlers : int
        Handlers on duty (>= 1).
    standard_hours : float or mapping
        Standard for the first response in calendar hours, or one per severity
        (``{"high": 4, "medium": 24, "low": 48}``).
    open_hours : (float, float)
        Opening and closing hour of the desk, 0 <= open < close <= 24.
    workdays : sequence of int
        Days the desk works (0 Monday ... 6 Sunday).
    loss : LossModel or None
        Turns each response time into a chance of losing the customer; None leaves the
        loss columns out.

    Returns
    -------
    pandas.DataFrame
        ``arrivals`` with ``start``, ``responded`` (datetimes), ``wait_hours`` (arrival
        to start), ``response_hours`` (arrival to response), ``standard_hours``,
        ``breach`` (response later than the standard) and, with a loss model, ``p_lost``,
        ``p_lost_to_delay`` (``p_lost`` minus its value for an instant response: the part
        the wait adds) and ``value_at_risk`` (``p_lost x value``, when there is a value
        column), in order of arrival. ``attrs["triage"]`` records the policy, the
        handlers and their utilisation (handling hours / working hours on duty up to the
        last arrival; above 1 the backlog grows without end).
    """
    check_one_of("policy", policy, POLICIES)
    c = check_integer("handlers", handlers, minimum=1)
    data = _frame(
        "arrivals", arrivals, [arrival, severity, handle, value if policy == "value" else None]
    )
    try:
        opening, closing = (float(h) for h in open_hours)
    except (TypeError, ValueError):
        raise TypeError(f"open_hours must be two hours (open, close), got {open_hours!r}") from None
    if not 0 <= opening < closing <= 24:
        raise ValueError(f"open_hours must satisfy 0 <= open < close <= 24, got {open_hours!r}")
    days = sorted({check_integer("workdays", d, minimum=0) for d in workdays})
    if not days or days[-1] > 6:
        raise ValueError(
            f"workdays must be weekday numbers 0 (Monday) to 6, got {list(workdays)!r}"
        )
    check_no_missing("arrivals", data, [arrival])
    when = as_datetime_column("arrivals", data, arrival)
    if not when.is_monotonic_increasing:
        data = data.iloc[np.argsort(when.to_numpy(), kind="stable")]
        when = as_datetime_column("arrivals", data, arrival)
    codes = _severity_codes(f"arrivals[{severity!r}]", data[severity])
    minutes = numeric_column("arrivals", data, handle, minimum=0).to_numpy()
    if np.any(minutes <= 0):
        raise ValueError(f"arrivals[{handle!r}] must be > 0 minutes")
    worth = numeric_column("arrivals", data, value, minimum=0).to_numpy() if value in data else None
    limit = _standards(standard_hours, codes)

    origin = when.iloc[0].normalize()
    hours = ((when - origin) / pd.Timedelta(hours=1)).to_numpy(float)
    n = len(hours)
    order_index = np.arange(n)
    if policy == "fcfs":
        ranking = order_index
    elif policy == "severity":
        ranking = np.lexsort((order_index, -codes))
    elif policy == "value":
        if worth is None:
            raise ValueError(f"policy 'value' needs the column {value!r} in arrivals")
        ranking = np.lexsort((order_index, -worth))
    else:
        ranking = np.lexsort((order_index, hours + limit))
    rank = np.empty(n, dtype=int)
    rank[ranking] = order_index

    work_hours = minutes / 60.0
    n_days = int(hours[-1] // 24) + 2
    cal = _Calendar.build(origin, opening, closing, days, n_days)
    arrive = cal.to_work(hours)
    start = np.asarray(_serve(arrive.tolist(), work_hours.tolist(), rank.tolist(), c))
    finish = start + work_hours
    per_week = cal.length * len(days)
    needed = finish.max() - cal.after[-1]
    if needed > 0:
        n_days += math.ceil(needed / per_week * 7) + 8
        cal = _Calendar.build(origin, opening, closing, days, n_days)
    start_cal = cal.to_calendar(start, starting=True)
    finish_cal = cal.to_calendar(finish, starting=False)
    out = data.copy()
    out["start"] = origin + pd.to_timedelta(start_cal, unit="h")
    out["responded"] = origin + pd.to_timedelta(finish_cal, unit="h")
    out["wait_hours"] = start_cal - hours
    out["response_hours"] = finish_cal - hours
    out["standard_hours"] = limit
    out["breach"] = out["response_hours"].to_numpy() > limit + 1e-9
    if loss is not None:
        if not isinstance(loss, LossModel):
            raise TypeError(f"loss must be a LossModel or None, got {type(loss).__name__}")
        out["p_lost"] = loss.probability(out["response_hours"].to_numpy(), codes)
        out["p_lost_to_delay"] = out["p_lost"] - loss.probability(np.zeros(n), codes)
        if worth is not None:
            out["value_at_risk"] = out["p_lost"] * worth
    open_until_last = cal.after[int(hours[-1] // 24)]
    out.attrs["triage"] = {
        "policy": policy,
        "handlers": c,
        "utilisation": float(work_hours.sum() / (c * open_until_last))
        if open_until_last > 0
        else math.inf,
    }
    return out.reset_index(drop=True)


def rescore(
    result: pd.DataFrame,
    standard_hours: float | Mapping[str, float],
    *,
    severity: str = "severity",
) -> pd.DataFrame:
    """A :func:`simulate_triage` result judged against other standards, without re-running it.

    Only the columns ``standard_hours`` and ``breach`` change: under the policies
    ``"fcfs"``, ``"severity"`` and ``"value"`` the order of service, and so every response
    time and loss, does not depend on the standard. (The ``"deadline"`` policy orders by
    the standard, so a new standard needs a new run.)

    Parameters
    ----------
    result : pandas.DataFrame
        A :func:`simulate_triage` result (``response_hours`` and ``severity`` columns).
    standard_hours : float or mapping
        As in :func:`simulate_triage`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``result`` with the new ``standard_hours`` and ``breach``.
    """
    check_columns("result", result, ["response_hours", severity])
    codes = _severity_codes(f"result[{severity!r}]", result[severity])
    limit = _standards(standard_hours, codes)
    out = result.copy()
    out["standard_hours"] = limit
    out["breach"] = out["response_hours"].to_numpy() > limit + 1e-9
    return out


def triage_summary(result: pd.DataFrame, *, by_severity: bool = False) -> pd.DataFrame:
    """Response times, breaches and expected losses of one :func:`simulate_triage` run.

    Returns
    -------
    pandas.DataFrame
        One row ("all", or one per severity and "all"): ``complaints``,
        ``mean_hours``, ``median_hours``, ``p90_hours`` (response times), ``breaches``,
        ``breach_share`` and, when the run had a loss model, ``expected_lost`` and
        ``expected_value_lost``.
    """
    check_columns("result", result, ["response_hours", "breach", "severity"])
    check_nonempty("result", result)
    groups = [("all", np.ones(len(result), dtype=bool))]
    if by_severity:
        codes = _severity_codes("result['severity']", result["severity"])
        groups = [(s, codes == k) for k, s in enumerate(SEVERITIES)] + groups
    rows = []
    hours = result["response_hours"].to_numpy()
    breach = result["breach"].to_numpy()
    for label, mask in groups:
        if not mask.any():
            continue
        row = {
            "severity": label,
            "complaints": int(mask.sum()),
            "mean_hours": float(hours[mask].mean()),
            "median_hours": float(np.median(hours[mask])),
            "p90_hours": float(np.quantile(hours[mask], 0.9)),
            "breaches": int(breach[mask].sum()),
            "breach_share": float(breach[mask].mean()),
        }
        if "p_lost" in result:
            row["expected_lost"] = float(result["p_lost"].to_numpy()[mask].sum())
            row["lost_to_delay"] = float(result["p_lost_to_delay"].to_numpy()[mask].sum())
        if "value_at_risk" in result:
            row["expected_value_lost"] = float(result["value_at_risk"].to_numpy()[mask].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def compare_policies(
    arrivals: pd.DataFrame,
    *,
    handlers: int,
    standard_hours: float | Mapping[str, float],
    policies: Sequence[str] = tuple(POLICIES),
    by_severity: bool = True,
    **options: Any,
) -> pd.DataFrame:
    """Run :func:`simulate_triage` on the same arrivals under each policy and summarise.

    The same complaints, at the same times, with the same handling times, meet each
    policy (common random numbers), so differences between the rows are the policies'
    doing, not chance.

    Returns
    -------
    pandas.DataFrame
        :func:`triage_summary` rows with a ``policy`` column first (and ``severity``).
    """
    if isinstance(policies, str) or not policies:
        raise ValueError(f"policies must be a non-empty list of {list(POLICIES)}, got {policies!r}")
    tables = []
    for policy in policies:
        result = simulate_triage(
            arrivals, policy=policy, handlers=handlers, standard_hours=standard_hours, **options
        )
        table = triage_summary(result, by_severity=by_severity)
        table.insert(0, "policy", policy)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


#: Short policy names for chart axes.
_SHORT = {
    "fcfs": "first come, first served",
    "severity": "most severe first",
    "value": "most valuable first",
    "deadline": "earliest deadline",
}


def triage_datasets(
    comparison: pd.DataFrame,
    *,
    standard_hours: float | Mapping[str, float],
    selected: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The three named datasets behind :func:`triage_chart` (records, ready for Vega-Lite).

    ``"by_severity"`` (one row per policy and severity), ``"overall"`` (one row per
    policy, with ``chosen``) and ``"standards"`` (the standard per severity, or one
    row "all"). A widget can rebuild these and leave the chart's specification alone.
    """
    check_columns(
        "comparison",
        comparison,
        ["policy", "severity", "median_hours", "p90_hours", "breaches", "breach_share"],
    )
    unknown = set(comparison["policy"]) - set(POLICIES)
    if unknown:
        raise ValueError(f"comparison has unknown policies {sorted(unknown)}")
    if selected is not None:
        check_one_of("selected", selected, POLICIES)
    data = comparison.assign(label=comparison["policy"].map(_SHORT))
    columns = ["policy", "label", "severity", "median_hours", "p90_hours", "breach_share"]
    by_sev = data.loc[data["severity"] != "all", columns]
    overall = data.loc[data["severity"] == "all"].assign(
        chosen=lambda f: (f["policy"] == selected) if selected else True
    )
    if "lost_to_delay" not in overall:
        overall = overall.assign(lost_to_delay=np.nan)
    overall = overall[["policy", "label", "chosen", "lost_to_delay", "breaches", "breach_share"]]
    if isinstance(standard_hours, Mapping):
        levels = _standards(standard_hours, np.arange(3))
        standards = pd.DataFrame({"severity": list(SEVERITIES), "standard": levels})
    else:
        level = check_number("standard_hours", standard_hours, minimum=0, min_inclusive=False)
        standards = pd.DataFrame({"severity": ["all"], "standard": [level]})
    return {
        "by_severity": by_sev.to_dict(orient="records"),
        "overall": overall.to_dict(orient="records"),
        "standards": standards.to_dict(orient="records"),
    }


def triage_chart(
    comparison: pd.DataFrame,
    *,
    standard_hours: float | Mapping[str, float],
    selected: str | None = None,
    title: str = "Triage policies compared",
) -> alt.HConcatChart:
    """Two panels from :func:`compare_policies` (with ``by_severity=True``).

    Left: the 90th percentile of the response time by severity under each policy, with
    the standard(s) as dashed rules. Right: the expected customers lost to waiting
    (``lost_to_delay``) under each policy, with the breaches in the tooltip; the
    ``selected`` policy is drawn in full colour, the others faded. The data are named
    datasets (:func:`triage_datasets`).
    """
    datasets = triage_datasets(comparison, standard_hours=standard_hours, selected=selected)
    order = [_SHORT[p] for p in POLICIES]
    per_severity = isinstance(standard_hours, Mapping)
    colours = alt.Scale(
        domain=list(SEVERITIES) if per_severity else [*SEVERITIES, "all"],
        range=[PALETTE[4], PALETTE[1], PALETTE[5], "#000000"][: 3 if per_severity else 4],
    )
    x = alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=-20, labelLimit=200))
    bars = (
        alt.Chart(alt.NamedData("by_severity"))
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("severity:N", sort=list(SEVERITIES)),
            y=alt.Y("p90_hours:Q", title="90th percentile of response (hours)"),
            color=alt.Color("severity:N", title="Severity", scale=colours),
            tooltip=[
                alt.Tooltip("label:N", title="Policy"),
                alt.Tooltip("severity:N", title="Severity"),
                alt.Tooltip("median_hours:Q", title="Median (h)", format=".1f"),
                alt.Tooltip("p90_hours:Q", title="90th percentile (h)", format=".1f"),
                alt.Tooltip("breach_share:Q", title="Breaches", format=".1%"),
            ],
        )
    )
    rule = (
        alt.Chart(alt.NamedData("standards"))
        .mark_rule(strokeDash=[6, 4], strokeWidth=2)
        .encode(
            y="standard:Q",
            color=alt.Color("severity:N", scale=colours),
            tooltip=[
                alt.Tooltip("severity:N", title="Standard for"),
                alt.Tooltip("standard:Q", title="Hours"),
            ],
        )
    )
    left = alt.layer(bars, rule).properties(
        title=alt.TitleParams("Response time by severity", subtitle="dashed: the standard"),
        width=300,
        height=260,
    )
    right = (
        alt.Chart(alt.NamedData("overall"))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("lost_to_delay:Q", title="Expected customers lost to waiting"),
            color=alt.value(PALETTE[0]),
            opacity=alt.condition("datum.chosen", alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("label:N", title="Policy"),
                alt.Tooltip("lost_to_delay:Q", title="Customers lost to waiting", format=",.1f"),
                alt.Tooltip("breaches:Q", title="Breaches", format=",.0f"),
                alt.Tooltip("breach_share:Q", title="Share of breaches", format=".1%"),
            ],
        )
        .properties(title="Customers lost to waiting", width=220, height=260)
    )
    return (
        alt.hconcat(left, right, datasets=datasets)
        .resolve_scale(color="independent")
        .properties(title=title)
    )

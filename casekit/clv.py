"""Customer lifetime value (CLV): from the textbook formula to cohorts of real customers.

Customer lifetime value is the forecast sales or profit a company can expect from the
whole of its future relationship with one customer. This module builds it up in the
order of the lesson:

1. **The simple formula** (:func:`simple_clv`): average purchase value x purchase
   frequency x expected relationship length, with the units made explicit.
2. **From revenue to profit** (:func:`margin_from_revenue`): gross margin and the cost
   of serving the customer.
3. **Retention and discounting** (:func:`clv`, :func:`clv_by_period`,
   :func:`margin_multiple`, :func:`margin_multiple_table`): a customer who brings a
   margin ``m`` per period, stays from one period to the next with probability ``r``,
   valued with a discount rate ``d`` per period, over a finite horizon or for ever.
4. **Net of acquisition** (:func:`net_clv`, :func:`clv_cac_ratio`,
   :func:`max_acquisition_cost`): is a customer worth what it costs to win them?
5. **Historical CLV from transactions** (:func:`cohort_summary`, :func:`cohort_matrix`,
   :func:`customer_value`, :func:`segment_clv`): cohorts by acquisition month or
   quarter, retention curves, cumulative value per customer, CLV by channel or segment.

Timing conventions
------------------
Textbooks differ on *when* the margin of a period arrives and on whether the customer
must first survive a retention decision. Both choices are parameters here:

``timing="end"`` (default) or ``"start"``
    The margin of period ``t`` arrives at the end of the period (discounted by
    ``(1 + d) ** t``) or at its start (discounted by ``(1 + d) ** (t - 1)``, so the first
    margin is not discounted at all).
``first_period_retained=True`` (default) or ``False``
    With ``True`` the customer pays the margin of period ``t`` only if still active after
    ``t`` retention decisions (probability ``r ** t``): the convention of Gupta and
    Lehmann (2003), whose CLV is ``m r / (1 + d - r)``. With ``False`` the first period is
    certain and the probability is ``r ** (t - 1)``: the convention of a newly acquired
    customer and of :mod:`casekit.retention` (lesson 01), whose CLV is
    ``m / (1 + d - r)``.

In general, with ``k = 1`` if the first period is retained (else 0) and ``e = 1`` for
margins at the end of the period (else 0)::

    CLV_T = m * sum_{t=1..T} r**(t - 1 + k) / (1 + d)**(t - 1 + e)
          = m * r**k / (1 + d)**e * (1 - q**T) / (1 - q),      q = r / (1 + d)
    CLV   = m * r**k * (1 + d)**(1 - e) / (1 + d - r)          (T -> infinity)

so the three common textbook multiples are ``r / (1 + d - r)`` (end, retained),
``1 / (1 + d - r)`` (end, first period certain) and ``(1 + d) / (1 + d - r)`` (start,
first margin on acquisition; Farris et al., 2010). With ``d = 0`` and the first period
certain, the multiple is ``1 / (1 - r)``, the expected relationship length of
:func:`casekit.retention.expected_lifetime`.

References
----------
Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
Marketing* 17(1), 9-24. https://doi.org/10.1002/dir.10045

Berger, P. D. & Nasr, N. I. (1998). Customer lifetime value: marketing models and
applications. *Journal of Interactive Marketing* 12(1), 17-30.

Farris, P. W., Bendle, N. T., Pfeifer, P. E. & Reibstein, D. J. (2010). *Marketing
Metrics*, 2nd ed., chapter 5 (customer lifetime value). Pearson.

Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. *Journal of
Interactive Marketing* 21(1), 76-90 (cohort retention curves).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

import casekit.charts  # the house theme and offline renderer; PALETTE
from casekit.validation import (
    as_datetime_column,
    check_columns,
    check_fraction,
    check_integer,
    check_nonempty,
    check_number,
    check_one_of,
)

__all__ = [
    "COHORT_PERIODS",
    "PERIODS_PER_YEAR",
    "TIMINGS",
    "clv",
    "clv_by_period",
    "clv_cac_ratio",
    "clv_chart",
    "cohort_matrix",
    "cohort_summary",
    "cumulative_value_chart",
    "customer_value",
    "margin_from_revenue",
    "margin_multiple",
    "margin_multiple_chart",
    "margin_multiple_table",
    "max_acquisition_cost",
    "net_clv",
    "retention_curve_chart",
    "retention_from_lifetime",
    "retention_lift_value",
    "segment_clv",
    "segment_clv_chart",
    "simple_clv",
    "value_per_year",
]

#: How many of each purchase-frequency unit make a year.
PERIODS_PER_YEAR: dict[str, int] = {"week": 52, "month": 12, "quarter": 4, "year": 1}

#: When the margin of a period arrives.
TIMINGS = ("end", "start")

Timing = Literal["end", "start"]


# ---------------------------------------------------------------------------------------
# 1. The simple formula
# ---------------------------------------------------------------------------------------


def value_per_year(
    average_purchase_value: float, purchase_frequency: float, *, per: str = "month"
) -> float:
    """Revenue a customer brings in one year.

    Formula: ``average purchase value x purchases per 'per' x number of 'per' in a year``.

    Parameters
    ----------
    average_purchase_value : float
        Money spent per purchase or visit (e.g. Php per visit), >= 0.
    purchase_frequency : float
        Purchases per ``per`` (2 visits a month: ``2``), >= 0.
    per : str
        The unit of ``purchase_frequency``: ``"week"``, ``"month"``, ``"quarter"`` or
        ``"year"`` (see :data:`PERIODS_PER_YEAR`).

    Returns
    -------
    float
        Money per customer per year.

    Examples
    --------
    >>> value_per_year(2_300, 2, per="month")
    55200.0
    """
    value = check_number("average_purchase_value", average_purchase_value, minimum=0)
    frequency = check_number("purchase_frequency", purchase_frequency, minimum=0)
    unit = check_one_of("per", per, PERIODS_PER_YEAR)
    return value * frequency * PERIODS_PER_YEAR[unit]


def simple_clv(
    average_purchase_value: float,
    purchase_frequency: float,
    relationship_years: float,
    *,
    per: str = "month",
) -> float:
    """The textbook CLV: purchase value x purchase frequency x expected relationship length.

    Formula: ``CLV = v x f x (periods 'per' in a year) x L``, with ``v`` money per purchase,
    ``f`` purchases per ``per`` and ``L`` the expected relationship length in years. No
    margin, no retention risk, no discounting: it is a forecast of *revenue* and, as the
    lesson shows, an upper bound on what the customer is worth.

    Parameters
    ----------
    average_purchase_value : float
        Money per purchase or visit, >= 0.
    purchase_frequency : float
        Purchases per ``per``, >= 0.
    relationship_years : float
        Expected length of the relationship, in years, >= 0.
    per : str
        Unit of ``purchase_frequency``: ``"week"``, ``"month"`` (default), ``"quarter"``
        or ``"year"``.

    Returns
    -------
    float
        Lifetime revenue of one customer, in the money unit of ``average_purchase_value``.

    Examples
    --------
    The two examples of the course notes: an athlete who spends Php 2,300 a visit at a spa,
    twice a month, for an expected 4 years; Company X, which buys Php 50,000 a month for
    4 years.

    >>> simple_clv(2_300, 2, 4, per="month")
    220800.0
    >>> simple_clv(50_000, 1, 4, per="month")
    2400000.0
    """
    years = check_number("relationship_years", relationship_years, minimum=0)
    return value_per_year(average_purchase_value, purchase_frequency, per=per) * years


# ---------------------------------------------------------------------------------------
# 2. From revenue to profit
# ---------------------------------------------------------------------------------------


def margin_from_revenue(
    revenue: float, *, gross_margin: float, cost_to_serve: float = 0.0
) -> float:
    """Turn revenue into the margin a customer contributes.

    Formula: ``margin = revenue x gross margin - cost to serve``.

    Parameters
    ----------
    revenue : float
        Money the customer spends in the period, >= 0.
    gross_margin : float
        Share of revenue left after the cost of the goods or service sold, in [0, 1]
        (0.40 for 40 %).
    cost_to_serve : float
        Money spent serving this customer in the same period (account management,
        delivery, support, loyalty rewards), >= 0.

    Returns
    -------
    float
        Margin in the money unit of ``revenue``; negative when serving the customer costs
        more than their purchases earn.

    Examples
    --------
    >>> margin_from_revenue(55_200, gross_margin=0.40, cost_to_serve=4_000)
    18080.0
    """
    money = check_number("revenue", revenue, minimum=0)
    share = check_fraction("gross_margin", gross_margin, allow_one=True)
    cost = check_number("cost_to_serve", cost_to_serve, minimum=0)
    return money * share - cost


def retention_from_lifetime(expected_years: float) -> float:
    """The constant retention rate whose expected relationship length is ``expected_years``.

    Formula: ``r = 1 - 1 / L``, the inverse of :func:`casekit.retention.expected_lifetime`
    (``L = 1 / (1 - r)``, the first period counted).

    Parameters
    ----------
    expected_years : float
        Expected relationship length ``L`` in periods (years), >= 1.

    Examples
    --------
    >>> retention_from_lifetime(4)
    0.75
    """
    length = check_number("expected_years", expected_years, minimum=1)
    return 1.0 - 1.0 / length


# ---------------------------------------------------------------------------------------
# 3. Retention and discounting
# ---------------------------------------------------------------------------------------


def _check_discount_rate(value: Any) -> float:
    """A discount rate per period: a number in (-1, 1]; 10 for 10 % gets a hint."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and 1 < value <= 100:
        raise ValueError(
            f"discount_rate must be a rate per period in (-1, 1], got {value!r}; "
            f"write {value / 100:g} for {value:g} %"
        )
    return check_number("discount_rate", value, minimum=-1, min_inclusive=False, maximum=1)


def _check_convention(timing: Any, first_period_retained: Any) -> tuple[int, int]:
    """Return ``(k, e)``: exponents for a retained first period and end-of-period timing."""
    check_one_of("timing", timing, TIMINGS)
    if not isinstance(first_period_retained, (bool, np.bool_)):
        raise TypeError(
            "first_period_retained must be True or False, got "
            f"{type(first_period_retained).__name__} {first_period_retained!r}"
        )
    return int(bool(first_period_retained)), int(timing == "end")


def _check_horizon(horizon: Any) -> int | None:
    if horizon is None:
        return None
    return check_integer("horizon", horizon, minimum=1)


def _check_converges(r: float, d: float) -> None:
    if 1.0 + d - r <= 0:
        raise ValueError(
            f"the infinite-horizon CLV diverges for retention={r:g} and discount_rate={d:g}: "
            "it needs retention < 1 + discount_rate; give a finite horizon or a higher "
            "discount rate"
        )


def margin_multiple(
    retention: float,
    discount_rate: float,
    *,
    timing: Timing = "end",
    first_period_retained: bool = True,
) -> float:
    """How many periods' margins a customer is worth today (infinite horizon).

    Formula (defaults, Gupta & Lehmann 2003): ``r / (1 + d - r)``. In general
    ``r**k (1 + d)**(1 - e) / (1 + d - r)``; see the module docstring for the
    conventions. ``CLV = m x margin multiple`` for a constant margin ``m`` per period.

    Parameters
    ----------
    retention : float
        Share of customers kept from one period to the next, in [0, 1).
    discount_rate : float
        Discount rate per period, in (-1, 1]; the sum must converge
        (``retention < 1 + discount_rate``).
    timing : {"end", "start"}
        Margin at the end (default) or the start of each period.
    first_period_retained : bool
        True (default): the first margin needs a retention decision first.

    Returns
    -------
    float
        The multiple, in periods of margin.

    Examples
    --------
    >>> round(margin_multiple(0.80, 0.12), 2)
    2.5
    >>> round(margin_multiple(0.80, 0.12, first_period_retained=False), 4)
    3.125
    """
    r = check_fraction("retention", retention)
    d = _check_discount_rate(discount_rate)
    k, e = _check_convention(timing, first_period_retained)
    _check_converges(r, d)
    return r**k * (1.0 + d) ** (1 - e) / (1.0 + d - r)


def margin_multiple_table(
    retention_rates: Iterable[float],
    discount_rates: Iterable[float],
    *,
    timing: Timing = "end",
    first_period_retained: bool = True,
) -> pd.DataFrame:
    """The margin multiple for every pair of retention and discount rate.

    The layout of Gupta & Lehmann's (2003) table: one row per retention rate, one
    column per discount rate, each cell :func:`margin_multiple` (computed by NumPy
    broadcasting).

    Parameters
    ----------
    retention_rates, discount_rates : iterable of float
        The rates of the rows (each in [0, 1)) and of the columns (each in (-1, 1]).
    timing, first_period_retained
        The convention, as in :func:`margin_multiple`.

    Returns
    -------
    pandas.DataFrame
        Index ``retention``, columns ``discount_rate``, values in periods of margin.
    """
    rates = _rate_list("retention_rates", retention_rates)
    discounts = _rate_list("discount_rates", discount_rates)
    r = np.array([check_fraction("retention_rates", x) for x in rates])
    d = np.array([_check_discount_rate(x) for x in discounts])
    k, e = _check_convention(timing, first_period_retained)
    for rate in r:
        for disc in d:
            _check_converges(float(rate), float(disc))
    values = r[:, None] ** k * (1.0 + d[None, :]) ** (1 - e) / (1.0 + d[None, :] - r[:, None])
    return pd.DataFrame(
        values,
        index=pd.Index(r, name="retention"),
        columns=pd.Index(d, name="discount_rate"),
    )


def margin_multiple_chart(table: pd.DataFrame) -> alt.Chart:
    """The margin multiple against retention, one line per discount rate.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`margin_multiple_table` (index retention, columns discount
        rate); use many retention rates for smooth lines.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    check_nonempty("table", table)
    if table.index.name != "retention" or table.columns.name != "discount_rate":
        raise ValueError(
            "table must come from margin_multiple_table (index 'retention', columns "
            f"'discount_rate'), got index {table.index.name!r} and columns {table.columns.name!r}"
        )
    data = table.stack().rename("multiple").reset_index()
    data["discount"] = (data["discount_rate"] * 100).round(1).map("{:g} % a year".format)
    order = list(dict.fromkeys(data.sort_values("discount_rate")["discount"]))
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("retention:Q", title="Retention rate (per year)", axis=alt.Axis(format="%")),
            y=alt.Y("multiple:Q", title="Margin multiple (years of margin)"),
            color=alt.Color("discount:N", title="Discount rate", sort=order),
            tooltip=[
                alt.Tooltip("retention:Q", title="Retention", format=".0%"),
                alt.Tooltip("discount:N", title="Discount rate"),
                alt.Tooltip("multiple:Q", title="Margin multiple", format=".2f"),
            ],
        )
        .properties(
            title="What one year of margin is worth over a customer's lifetime",
            width=520,
            height=280,
        )
    )


def _rate_list(name: str, values: Any) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of rates, got {type(values).__name__} {values!r}")
    listed = list(values)
    if not listed:
        raise ValueError(f"{name} must hold at least one rate, got {values!r}")
    return listed


def clv(
    margin: float,
    retention: float,
    discount_rate: float,
    *,
    horizon: int | None = None,
    timing: Timing = "end",
    first_period_retained: bool = True,
) -> float:
    """Expected discounted margin of one customer, in closed form.

    Formula (``q = r / (1 + d)``, ``k`` and ``e`` as in the module docstring)::

        finite horizon T:  CLV = m r**k / (1 + d)**e * (1 - q**T) / (1 - q)
        horizon None:      CLV = m r**k (1 + d)**(1 - e) / (1 + d - r)

    With the defaults the infinite-horizon value is Gupta & Lehmann's (2003)
    ``m r / (1 + d - r)``. :func:`clv_by_period` gives the same number as an explicit
    period-by-period sum.

    Parameters
    ----------
    margin : float
        Margin ``m`` per period (money per customer per period); may be negative, must be
        finite.
    retention : float
        Retention rate per period ``r``, in [0, 1).
    discount_rate : float
        Discount rate per period ``d``, in (-1, 1]. Use rates of the same period as the
        margin (a yearly margin with a yearly retention and discount rate).
    horizon : int, optional
        Number of periods ``T`` to count (>= 1); None (default) for an infinite horizon.
    timing : {"end", "start"}
        Margin at the end (default) or at the start of each period.
    first_period_retained : bool
        True (default): the first margin needs a retention decision first (Gupta &
        Lehmann). False: the first period is certain (a newly acquired customer).

    Returns
    -------
    float
        CLV in the money unit of ``margin``, valued at the start of period 1.

    Raises
    ------
    ValueError
        For a retention rate outside [0, 1), a discount rate outside (-1, 1], a horizon
        below 1, or an infinite horizon whose sum diverges (``r >= 1 + d``).

    Examples
    --------
    >>> round(clv(100, 0.8, 0.12), 2)                    # 100 x 2.50
    250.0
    >>> round(clv(100, 0.8, 0.0, horizon=2, first_period_retained=False), 2)   # 100 + 80
    180.0
    """
    m = check_number("margin", margin)
    r = check_fraction("retention", retention)
    d = _check_discount_rate(discount_rate)
    k, e = _check_convention(timing, first_period_retained)
    periods = _check_horizon(horizon)
    if periods is None:
        _check_converges(r, d)
        return m * r**k * (1.0 + d) ** (1 - e) / (1.0 + d - r)
    q = r / (1.0 + d)
    geometric = float(periods) if q == 1.0 else (1.0 - q**periods) / (1.0 - q)
    return m * r**k / (1.0 + d) ** e * geometric


def clv_by_period(
    margin: float,
    retention: float,
    discount_rate: float,
    *,
    horizon: int,
    timing: Timing = "end",
    first_period_retained: bool = True,
) -> pd.DataFrame:
    """The CLV sum written out period by period (the "long sum" behind :func:`clv`).

    Row ``t`` (1 to ``T``) holds the probability that the customer is still there to pay
    the margin of period ``t`` (``r**(t - 1 + k)``), the discount factor
    (``1 / (1 + d)**(t - 1 + e)``), the expected and the discounted margin, and the
    running total; the last running total equals ``clv(..., horizon=T)``.

    Parameters
    ----------
    margin, retention, discount_rate, timing, first_period_retained
        As in :func:`clv`.
    horizon : int
        Number of periods ``T`` (>= 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``survival``, ``discount_factor``, ``expected_margin``,
        ``discounted_margin``, ``cumulative_clv``.

    Examples
    --------
    >>> table = clv_by_period(100, 0.5, 0.0, horizon=3, first_period_retained=False)
    >>> table["cumulative_clv"].tolist()
    [100.0, 150.0, 175.0]
    """
    m = check_number("margin", margin)
    r = check_fraction("retention", retention)
    d = _check_discount_rate(discount_rate)
    k, e = _check_convention(timing, first_period_retained)
    periods = check_integer("horizon", horizon, minimum=1)
    t = np.arange(1, periods + 1)
    survival = r ** (t - 1 + k)
    discount = 1.0 / (1.0 + d) ** (t - 1 + e)
    expected = m * survival
    discounted = expected * discount
    return pd.DataFrame(
        {
            "period": t,
            "survival": survival,
            "discount_factor": discount,
            "expected_margin": expected,
            "discounted_margin": discounted,
            "cumulative_clv": np.cumsum(discounted),
        }
    )


def clv_chart(
    by_period: pd.DataFrame,
    *,
    label: str = "customer",
    acquisition_costs: dict[str, float] | None = None,
    currency: str = "Php",
    period_name: str = "Year",
) -> alt.LayerChart:
    """Cumulative discounted margin by period, one line per customer type.

    Parameters
    ----------
    by_period : pandas.DataFrame
        Rows of :func:`clv_by_period`, stacked for several customer types with a column
        named ``label`` that tells them apart (one type is fine too).
    label : str
        Column holding the customer type.
    acquisition_costs : dict, optional
        Acquisition cost per customer type: drawn as a dashed rule in the type's colour,
        so the year the line crosses it is the payback year.
    currency : str
        Currency label for the money axis.
    period_name : str
        Name of a period for the x axis ("Year").
    """
    check_columns("by_period", by_period, [label, "period", "cumulative_clv"])
    check_nonempty("by_period", by_period)
    data = by_period[[label, "period", "cumulative_clv"]].rename(columns={label: "customer"})
    order = [str(name) for name in dict.fromkeys(data["customer"])]  # in the order given
    colour = alt.Color("customer:N", title="Customer type", sort=order)
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=period_name, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("cumulative_clv:Q", title=f"Cumulative discounted margin ({currency})"),
            color=colour,
            tooltip=[
                alt.Tooltip("customer:N", title="Customer type"),
                alt.Tooltip("period:O", title=period_name),
                alt.Tooltip("cumulative_clv:Q", title=f"CLV so far ({currency})", format=",.0f"),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if acquisition_costs:
        costs = pd.DataFrame(
            {
                "customer": list(acquisition_costs),
                "acquisition_cost": [
                    check_number(f"acquisition_costs[{name!r}]", cost, minimum=0)
                    for name, cost in acquisition_costs.items()
                ],
            }
        )
        layers.append(
            alt.Chart(costs)
            .mark_rule(strokeDash=[6, 4], strokeWidth=2)
            .encode(
                y="acquisition_cost:Q",
                color=colour,
                tooltip=[
                    alt.Tooltip("customer:N", title="Customer type"),
                    alt.Tooltip(
                        "acquisition_cost:Q", title=f"Acquisition cost ({currency})", format=",.0f"
                    ),
                ],
            )
        )
    # one LayerChart built directly: alt.layer and .properties would each deep-copy the layers
    return alt.LayerChart(
        layer=layers,
        title="Cumulative discounted margin per customer (dashed: acquisition cost)",
        width=520,
        height=280,
    )


# ---------------------------------------------------------------------------------------
# 4. Net of acquisition
# ---------------------------------------------------------------------------------------


def net_clv(clv_value: float, acquisition_cost: float) -> float:
    """CLV minus the cost of acquiring the customer (CAC): the value a new customer adds.

    Formula: ``CLV - CAC``.

    Parameters
    ----------
    clv_value : float
        Lifetime value of the customer (money; may be negative).
    acquisition_cost : float
        Money spent to win one customer, >= 0.

    Examples
    --------
    >>> net_clv(18_000, 6_000)
    12000.0
    """
    value = check_number("clv_value", clv_value)
    cost = check_number("acquisition_cost", acquisition_cost, minimum=0)
    return value - cost


def clv_cac_ratio(clv_value: float, acquisition_cost: float) -> float:
    """CLV divided by acquisition cost: pesos of lifetime value per peso of acquisition.

    Formula: ``CLV / CAC``. Above 1 a customer repays what it cost to win them; a common
    rule of thumb in subscription businesses asks for about 3.

    Parameters
    ----------
    clv_value : float
        Lifetime value of the customer (money; may be negative).
    acquisition_cost : float
        Money spent to win one customer, > 0 (the ratio is undefined for a free customer).

    Examples
    --------
    >>> clv_cac_ratio(18_000, 6_000)
    3.0
    """
    value = check_number("clv_value", clv_value)
    cost = check_number("acquisition_cost", acquisition_cost, minimum=0, min_inclusive=False)
    return value / cost


def max_acquisition_cost(clv_value: float, *, target_ratio: float = 1.0) -> float:
    """The most one should spend to win a customer worth ``clv_value``.

    Formula: ``CLV / target ratio``. With the default ratio of 1 this is the break-even
    cost (spend it all and the customer adds nothing); with 3 it keeps CLV:CAC at 3:1.
    A customer with a CLV <= 0 is worth no acquisition spend at all (returns 0).

    Parameters
    ----------
    clv_value : float
        Lifetime value of the customer (money).
    target_ratio : float
        The CLV:CAC ratio to keep, >= 1.

    Examples
    --------
    >>> max_acquisition_cost(18_000)
    18000.0
    >>> max_acquisition_cost(18_000, target_ratio=3)
    6000.0
    """
    value = check_number("clv_value", clv_value)
    ratio = check_number("target_ratio", target_ratio, minimum=1)
    return max(value, 0.0) / ratio


# ---------------------------------------------------------------------------------------
# 5. Historical CLV from a transaction table
# ---------------------------------------------------------------------------------------

#: The lengths of period that cohorts can be built on, and how many months each spans.
COHORT_PERIODS: dict[str, int] = {"month": 1, "quarter": 3}


def _dates(name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A date column, checked to hold dates and no missing values."""
    values = as_datetime_column(name, frame, column)
    missing = int(values.isna().sum())
    if missing:
        raise ValueError(f"{name}[{column!r}] has {missing} missing date(s); every row needs one")
    return values


def _period_index(values: pd.Series | np.ndarray, months: int) -> np.ndarray:
    """Whole periods (months or quarters) since January 1970, as int64 (vectorised)."""
    month = np.asarray(values, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return month // months


def _period_labels(index: np.ndarray, months: int) -> list[str]:
    first_month = index * months
    year = first_month // 12 + 1970
    if months == 1:
        return [f"{y}-{m:02d}" for y, m in zip(year, first_month % 12 + 1, strict=True)]
    return [f"{y}Q{q}" for y, q in zip(year, (first_month % 12) // 3 + 1, strict=True)]


def _period_starts(index: np.ndarray, months: int) -> pd.DatetimeIndex:
    return pd.DatetimeIndex((index * months).astype("datetime64[M]").astype("datetime64[ns]"))


def _prepare(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None,
    *,
    customer_col: str,
    date_col: str,
    value_col: str,
    acquisition_col: str,
    period: str,
    as_of: Any,
) -> dict[str, Any]:
    """Validate the inputs and put every transaction on its customer's cohort clock.

    Returns the customer table (id, cohort, complete periods observed), and for every
    transaction the customer's position in that table, the periods since acquisition and
    the value; transactions in an incomplete last period are left out.
    """
    months = COHORT_PERIODS[check_one_of("period", period, COHORT_PERIODS)]
    check_columns("transactions", transactions, [customer_col, date_col, value_col])
    check_nonempty("transactions", transactions)
    when = _dates("transactions", transactions, date_col)
    if not pd.api.types.is_numeric_dtype(transactions[value_col]) or pd.api.types.is_bool_dtype(
        transactions[value_col]
    ):
        raise TypeError(
            f"transactions[{value_col!r}] must hold numbers (money), "
            f"got dtype {transactions[value_col].dtype}"
        )
    value = transactions[value_col].to_numpy(dtype=float, na_value=np.nan)
    if not np.isfinite(value).all():
        bad = int((~np.isfinite(value)).sum())
        raise ValueError(
            f"transactions[{value_col!r}] has {bad} missing or infinite value(s); "
            "fill or drop them first"
        )
    if transactions[customer_col].isna().any():
        raise ValueError(f"transactions[{customer_col!r}] has missing customer ids")

    if customers is None:
        first = when.groupby(transactions[customer_col].to_numpy(), sort=True).min()
        ids = first.index.to_numpy()
        acquired = first.to_numpy()
    else:
        check_columns("customers", customers, [customer_col, acquisition_col])
        check_nonempty("customers", customers)
        ids = customers[customer_col].to_numpy()
        if customers[customer_col].isna().any():
            raise ValueError(f"customers[{customer_col!r}] has missing customer ids")
        if customers[customer_col].duplicated().any():
            repeated = customers.loc[customers[customer_col].duplicated(), customer_col].iloc[0]
            raise ValueError(
                f"customers[{customer_col!r}] must list each customer once; "
                f"{repeated!r} appears more than once"
            )
        acquired = _dates("customers", customers, acquisition_col).to_numpy()

    # position of each transaction's customer in the customer table
    lookup = pd.Index(ids)
    position = lookup.get_indexer(transactions[customer_col].to_numpy())
    if (position < 0).any():
        unknown = transactions[customer_col].to_numpy()[position < 0]
        raise ValueError(
            f"{len(unknown)} transaction(s) belong to customers missing from customers"
            f"[{customer_col!r}], e.g. {unknown[0]!r}"
        )
    when_values = when.to_numpy()
    early = when_values < acquired[position]
    if early.any():
        i = int(np.flatnonzero(early)[0])
        raise ValueError(
            f"dates out of order: {int(early.sum())} transaction(s) are dated before their "
            f"customer's {acquisition_col!r}, e.g. customer {transactions[customer_col].iloc[i]!r}"
            f" bought on {pd.Timestamp(when_values[i]).date()} but was acquired on "
            f"{pd.Timestamp(acquired[position[i]]).date()}"
        )

    last = max(when_values.max(), acquired.max())
    if as_of is None:
        end = pd.Timestamp(last)
    else:
        try:
            end = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            raise TypeError(f"as_of must be a date such as '2024-12-31', got {as_of!r}") from None
        if end < pd.Timestamp(last):
            raise ValueError(
                f"dates out of order: as_of ({end.date()}) is before the last date in the data "
                f"({pd.Timestamp(last).date()}); filter the tables first or give a later as_of"
            )
    # the last period that is over by the end of as_of's day
    last_complete = int(
        _period_index(np.array([end.normalize() + pd.Timedelta(days=1)]), months)[0]
    )
    last_complete -= 1

    cohort = _period_index(acquired, months)
    since = _period_index(when_values, months) - cohort[position]
    kept = since <= last_complete - cohort[position]
    return {
        "months": months,
        "ids": ids,
        "acquired": acquired,
        "cohort": cohort,
        "observed": last_complete - cohort + 1,  # complete periods since acquisition
        "position": position[kept],
        "since": since[kept],
        "value": value[kept],
        "last_complete": last_complete,
    }


def cohort_summary(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    value_col: str = "margin",
    acquisition_col: str = "acquisition_date",
    period: str = "month",
    as_of: Any = None,
) -> pd.DataFrame:
    """Cohort retention and cumulative value per customer, by periods since acquisition.

    Customers are grouped into cohorts by the month (or quarter) they were acquired. For
    every cohort and every complete period since acquisition (0 = the acquisition
    period itself), the table counts the customers who bought (*active*) and the value
    they brought. Two historical measures follow:

    * ``retention = active customers / cohort size`` (the cohort's retention curve);
    * ``cumulative_value_per_customer = sum of value to this period / cohort size``:
      the average historical CLV to date of a customer of the cohort, counting the
      customers who bought nothing as zero.

    Only complete periods appear: a period is complete when its last day is on or
    before ``as_of``. The computation is vectorised (NumPy ``bincount`` over integer
    keys), fast enough for millions of transactions.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per transaction, with a customer id, a date (or timestamp) and a value.
    customers : pandas.DataFrame, optional
        One row per customer with their acquisition date. Without it a customer's
        acquisition date is their first transaction. With it the cohort sizes count every
        customer acquired, including those who never bought.
    customer_col, date_col, value_col, acquisition_col : str
        Column names: customer id (both tables), transaction date, value (e.g. margin or
        revenue, money per transaction) and acquisition date (in ``customers``).
    period : {"month", "quarter"}
        Length of a cohort and of a step on the clock since acquisition.
    as_of : date, optional
        End of the observation window (default: the last date in the data). It may not be
        earlier than that date.

    Returns
    -------
    pandas.DataFrame
        One row per cohort and complete period since acquisition, with columns
        ``cohort`` (label such as "2023-01" or "2023Q1"), ``cohort_start``,
        ``periods_since`` (0, 1, ...), ``customers`` (cohort size),
        ``active_customers``, ``retention``, ``value``, ``value_per_customer`` and
        ``cumulative_value_per_customer``.

    Raises
    ------
    ValueError
        For missing columns, an empty table, missing dates or values, transactions of
        unknown customers or dated before the customer's acquisition, duplicated
        customers, or an ``as_of`` before the last date.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. *Journal
    of Interactive Marketing* 21(1), 76-90. Gupta, S. et al. (2006). Modeling customer
    lifetime value. *Journal of Service Research* 9(2), 139-155.
    """
    data = _prepare(
        transactions,
        customers,
        customer_col=customer_col,
        date_col=date_col,
        value_col=value_col,
        acquisition_col=acquisition_col,
        period=period,
        as_of=as_of,
    )
    cohort, observed, months = data["cohort"], data["observed"], data["months"]
    seen = observed > 0  # customers acquired in a complete period
    cohorts, size = np.unique(cohort[seen], return_counts=True)
    if len(cohorts) == 0:
        raise ValueError(
            "no cohort has a complete period yet: every customer was acquired in the last, "
            "unfinished period; give a later as_of"
        )
    length = data["last_complete"] - cohorts + 1  # complete periods of each cohort
    width = int(length.max())
    # flat key of every (cohort, periods since) cell: cohort position x width + since
    slot = np.searchsorted(cohorts, cohort)
    n_cells = len(cohorts) * width
    customer_slot = slot[data["position"]]
    key = customer_slot * width + data["since"]
    value = np.bincount(key, weights=data["value"], minlength=n_cells)
    # distinct buyers per cell: one key per customer and period since
    buyer_key = pd.unique(data["position"] * np.int64(width) + data["since"])
    buyer_cell = slot[buyer_key // width] * width + buyer_key % width
    active = np.bincount(buyer_cell, minlength=n_cells)

    cohort_of_row = np.repeat(np.arange(len(cohorts)), length)
    since = np.arange(len(cohort_of_row)) - np.repeat(np.cumsum(length) - length, length)
    cell = cohort_of_row * width + since
    customers_in = size[cohort_of_row].astype(np.int64)
    cell_value = value[cell]
    per_customer = cell_value / customers_in
    table = pd.DataFrame(
        {
            "cohort": np.array(_period_labels(cohorts, months))[cohort_of_row],
            "cohort_start": _period_starts(cohorts, months)[cohort_of_row],
            "periods_since": since.astype(np.int64),
            "customers": customers_in,
            "active_customers": active[cell].astype(np.int64),
            "retention": active[cell] / customers_in,
            "value": cell_value,
            "value_per_customer": per_customer,
        }
    )
    table["cumulative_value_per_customer"] = table.groupby("cohort", sort=False)[
        "value_per_customer"
    ].cumsum()
    return table


def cohort_matrix(summary: pd.DataFrame, values: str = "retention") -> pd.DataFrame:
    """The classic cohort triangle: one row per cohort, one column per period since.

    Parameters
    ----------
    summary : pandas.DataFrame
        The output of :func:`cohort_summary`.
    values : str
        The measure to show: ``"retention"``, ``"active_customers"``, ``"value"``,
        ``"value_per_customer"`` or ``"cumulative_value_per_customer"``.

    Returns
    -------
    pandas.DataFrame
        Index ``cohort``, columns ``periods_since``; cells a cohort has not reached yet
        are NaN (the lower right triangle, not yet observed).
    """
    allowed = (
        "retention",
        "active_customers",
        "value",
        "value_per_customer",
        "cumulative_value_per_customer",
    )
    check_one_of("values", values, allowed)
    check_columns("summary", summary, ["cohort", "periods_since", values])
    check_nonempty("summary", summary)
    return summary.pivot(index="cohort", columns="periods_since", values=values)


def customer_value(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    horizon: int,
    discount_rate: float = 0.0,
    customer_col: str = "customer_id",
    date_col: str = "date",
    value_col: str = "margin",
    acquisition_col: str = "acquisition_date",
    period: str = "month",
    as_of: Any = None,
) -> pd.DataFrame:
    """Historical value of each customer over their first ``horizon`` periods.

    Formula: ``value_i = sum over periods s = 0..H-1 of v_is / (1 + d) ** (s x months / 12)``
    with ``v_is`` the value customer ``i`` brought in the ``s``-th period since
    acquisition (0 = the acquisition period), ``H`` the horizon and ``d`` a yearly
    discount rate. A customer is *eligible* when at least ``H`` complete periods have
    passed since their acquisition, so their value over the horizon is fully observed;
    averages of historical CLV should use eligible customers only (younger customers
    have had less time to buy, and would pull the average down).

    Parameters
    ----------
    transactions, customers, customer_col, date_col, value_col, acquisition_col, period, as_of
        As in :func:`cohort_summary`.
    horizon : int
        Number of periods since acquisition to count (``H`` >= 1; 12 months = a year).
    discount_rate : float
        Yearly discount rate, in (-1, 1]; 0 (default) for plain sums.

    Returns
    -------
    pandas.DataFrame
        One row per customer (in the order of ``customers``, or sorted by id), with
        columns ``customer_col``, ``cohort``, ``acquisition_date``, ``periods_observed``,
        ``eligible`` and ``value``.
    """
    periods = check_integer("horizon", horizon, minimum=1)
    d = _check_discount_rate(discount_rate)
    data = _prepare(
        transactions,
        customers,
        customer_col=customer_col,
        date_col=date_col,
        value_col=value_col,
        acquisition_col=acquisition_col,
        period=period,
        as_of=as_of,
    )
    months = data["months"]
    inside = data["since"] < periods
    since = data["since"][inside]
    weights = data["value"][inside] / (1.0 + d) ** (since * months / 12.0)
    value = np.bincount(data["position"][inside], weights=weights, minlength=len(data["ids"]))
    observed = np.maximum(data["observed"], 0)
    return pd.DataFrame(
        {
            customer_col: data["ids"],
            "cohort": _period_labels(data["cohort"], months),
            "acquisition_date": pd.DatetimeIndex(data["acquired"]),
            "periods_observed": observed.astype(np.int64),
            "eligible": observed >= periods,
            "value": value,
        }
    )


def segment_clv(
    transactions: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    segment_col: str,
    horizon: int,
    acquisition_cost_col: str | None = None,
    discount_rate: float = 0.0,
    customer_col: str = "customer_id",
    date_col: str = "date",
    value_col: str = "margin",
    acquisition_col: str = "acquisition_date",
    period: str = "month",
    as_of: Any = None,
) -> pd.DataFrame:
    """Historical CLV by segment (acquisition channel, lifestyle segment ...), net of CAC.

    For each segment: the average :func:`customer_value` over the first ``horizon``
    periods of its *eligible* customers (those observed for the whole horizon), and, with
    ``acquisition_cost_col``, their average acquisition cost, ``CLV - CAC`` and
    ``CLV : CAC``. Segments without an eligible customer are left out.

    Parameters
    ----------
    transactions, customers, horizon, discount_rate, customer_col, date_col, value_col,
    acquisition_col, period, as_of
        As in :func:`customer_value`; ``customers`` is required here.
    segment_col : str
        Column of ``customers`` to group by (e.g. ``"acquisition_channel"``).
    acquisition_cost_col : str, optional
        Column of ``customers`` with the money spent to acquire each customer.

    Returns
    -------
    pandas.DataFrame
        One row per segment, sorted by CLV (highest first), with columns
        ``segment_col``, ``customers`` (eligible), ``clv`` and, with costs,
        ``acquisition_cost``, ``net_clv`` and ``clv_cac_ratio``.
    """
    needed = [customer_col, segment_col]
    if acquisition_cost_col is not None:
        needed.append(acquisition_cost_col)
    check_columns("customers", customers, needed)
    values = customer_value(
        transactions,
        customers,
        horizon=horizon,
        discount_rate=discount_rate,
        customer_col=customer_col,
        date_col=date_col,
        value_col=value_col,
        acquisition_col=acquisition_col,
        period=period,
        as_of=as_of,
    )
    # customer_value keeps the row order of customers, so columns line up by position
    frame = pd.DataFrame(
        {
            segment_col: customers[segment_col].to_numpy(),
            "value": values["value"].to_numpy(),
            "eligible": values["eligible"].to_numpy(),
        }
    )
    if customers[segment_col].isna().any():
        raise ValueError(f"customers[{segment_col!r}] has missing values; label them first")
    if acquisition_cost_col is not None:
        cost = customers[acquisition_cost_col]
        if not pd.api.types.is_numeric_dtype(cost) or cost.isna().any() or (cost < 0).any():
            raise ValueError(
                f"customers[{acquisition_cost_col!r}] must hold acquisition costs: numbers "
                ">= 0 with no missing values"
            )
        frame["acquisition_cost"] = cost.to_numpy(dtype=float)
    eligible = frame[frame["eligible"]]
    if eligible.empty:
        raise ValueError(
            f"no customer has been observed for {horizon} complete {period}s since "
            "acquisition; choose a shorter horizon"
        )
    grouped = eligible.groupby(segment_col, observed=True, sort=True)
    table = grouped["value"].agg(customers="size", clv="mean")
    if acquisition_cost_col is not None:
        table["acquisition_cost"] = grouped["acquisition_cost"].mean()
        table["net_clv"] = table["clv"] - table["acquisition_cost"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = table["clv"] / table["acquisition_cost"]
        table["clv_cac_ratio"] = ratio.where(table["acquisition_cost"] > 0)
    return table.sort_values("clv", ascending=False).reset_index()


def retention_lift_value(
    summary: pd.DataFrame,
    lift: float,
    *,
    horizon: int,
    period: str = "month",
    discount_rate: float = 0.0,
) -> pd.DataFrame:
    """What a few more points of measured retention would add per acquired customer.

    Takes the cohorts of :func:`cohort_summary` observed for at least ``horizon``
    periods, pools them, and asks: if ``lift`` more of every 100 acquired customers had
    bought in each period after the acquisition period, and they had brought what an
    average buyer of that period brought, how much more discounted value would an
    acquired customer bring over the horizon? Per period ``k = 0 .. H-1``:

    * ``retention_k`` = buyers / cohort customers, pooled over the cohorts;
    * ``value_per_buyer_k`` = value / buyers;
    * ``lifted_retention_k = min(retention_k + lift, 1)`` for ``k >= 1`` (every customer
      counts as bought in the acquisition period, so ``k = 0`` is left alone);
    * ``extra_value_k = (lifted_retention_k - retention_k) x value_per_buyer_k /
      (1 + d) ** (k x months / 12)``, with ``d`` a yearly discount rate, as in
      :func:`customer_value`.

    The sum of ``extra_value`` is the value of the lift per acquired customer: the most a
    retention effort that achieves it may cost per customer, in present value, and the
    number to set against an acquisition cost.

    Parameters
    ----------
    summary : pandas.DataFrame
        The output of :func:`cohort_summary`.
    lift : float
        Points of retention added in every period after acquisition, as a fraction in
        [0, 1): 0.05 for five points (60 % becomes 65 %).
    horizon : int
        Number of periods since acquisition to count (>= 1), in units of ``period``.
    period : {"month", "quarter"}
        The period ``summary`` was built with.
    discount_rate : float
        Yearly discount rate, in (-1, 1]; 0 (default) for plain sums.

    Returns
    -------
    pandas.DataFrame
        One row per period since acquisition ``0 .. horizon - 1``, with columns
        ``periods_since``, ``retention``, ``lifted_retention``, ``value_per_buyer``,
        ``discount_factor``, ``extra_value`` and ``cumulative_extra_value``.

    Raises
    ------
    ValueError
        For a lift outside [0, 1), a horizon below 1, an unknown period, a summary with
        missing columns, or when no cohort has been observed for ``horizon`` periods.

    Examples
    --------
    One cohort of 10 customers: all 10 buy in the acquisition month (value 100), 4 buy
    in the next month (value 80, so 20 per buyer). Five more points of retention in
    month 1 are half a buyer more per 10 customers: 0.05 x 20 = 1 per customer.

    >>> summary = pd.DataFrame({"cohort": ["2024-01"] * 2, "periods_since": [0, 1],
    ...     "customers": [10, 10], "active_customers": [10, 4], "value": [100.0, 80.0]})
    >>> round(float(retention_lift_value(summary, 0.05, horizon=2)["extra_value"].sum()), 6)
    1.0
    """
    lift = check_fraction("lift", lift)
    horizon = check_integer("horizon", horizon, minimum=1)
    months = COHORT_PERIODS[check_one_of("period", period, COHORT_PERIODS)]
    d = _check_discount_rate(discount_rate)
    needed = ["cohort", "periods_since", "customers", "active_customers", "value"]
    check_columns("summary", summary, needed)
    check_nonempty("summary", summary)
    reached = summary.groupby("cohort", sort=False)["periods_since"].transform("max")
    kept = summary[(reached >= horizon - 1) & (summary["periods_since"] < horizon)]
    if kept.empty:
        raise ValueError(
            f"no cohort in summary has been observed for {horizon} {period}s; choose a "
            "shorter horizon"
        )
    pooled = kept.groupby("periods_since")[["customers", "active_customers", "value"]].sum()
    since = pooled.index.to_numpy(dtype=np.int64)
    retention = pooled["active_customers"] / pooled["customers"]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_buyer = (pooled["value"] / pooled["active_customers"]).where(
            pooled["active_customers"] > 0, 0.0
        )
    lifted = np.where(since >= 1, np.minimum(retention + lift, 1.0), retention)
    discount = 1.0 / (1.0 + d) ** (since * months / 12.0)
    extra = (lifted - retention) * per_buyer * discount
    table = pd.DataFrame(
        {
            "periods_since": since,
            "retention": retention.to_numpy(),
            "lifted_retention": lifted,
            "value_per_buyer": per_buyer.to_numpy(),
            "discount_factor": discount,
            "extra_value": extra.to_numpy(),
        }
    )
    table["cumulative_extra_value"] = table["extra_value"].cumsum()
    return table


# ---------------------------------------------------------------------------------------
# Charts of cohorts and segments
# ---------------------------------------------------------------------------------------


def _cohort_colour(summary: pd.DataFrame) -> alt.Color:
    if _few_cohorts(summary):
        return alt.Color("cohort:N", title="Cohort", sort="ascending")
    # many cohorts: an ordered, colour-blind-safe sequential scheme (older = darker)
    return alt.Color("cohort:O", title="Cohort", scale=alt.Scale(scheme="viridis"))


def _few_cohorts(summary: pd.DataFrame) -> bool:
    """Points on the lines only while there are few cohorts (they clutter many lines)."""
    return bool(summary["cohort"].nunique() <= len(casekit.charts.PALETTE))


def _period_title(period_name: str) -> str:
    return f"{period_name.capitalize()}s since acquisition"


def retention_curve_chart(summary: pd.DataFrame, *, period_name: str = "month") -> alt.Chart:
    """Retention curves: share of each cohort buying in each period since acquisition.

    Parameters
    ----------
    summary : pandas.DataFrame
        The output of :func:`cohort_summary`.
    period_name : str
        "month" or "quarter", for the axis title.
    """
    check_columns("summary", summary, ["cohort", "periods_since", "retention", "customers"])
    check_nonempty("summary", summary)
    data = summary[["cohort", "periods_since", "retention", "customers", "active_customers"]]
    return (
        alt.Chart(data)
        .mark_line(point=_few_cohorts(summary))
        .encode(
            x=alt.X("periods_since:Q", title=_period_title(period_name)),
            y=alt.Y(
                "retention:Q", title="Customers buying (% of cohort)", axis=alt.Axis(format="%")
            ),
            color=_cohort_colour(summary),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("periods_since:Q", title=_period_title(period_name)),
                alt.Tooltip("retention:Q", title="Buying", format=".1%"),
                alt.Tooltip("active_customers:Q", title="Customers buying", format=","),
                alt.Tooltip("customers:Q", title="Cohort size", format=","),
            ],
        )
        .properties(title="Retention curve of each acquisition cohort", width=520, height=280)
    )


def cumulative_value_chart(
    summary: pd.DataFrame, *, currency: str = "Php", period_name: str = "month"
) -> alt.Chart:
    """Cumulative value per customer of each cohort, by periods since acquisition.

    Parameters
    ----------
    summary : pandas.DataFrame
        The output of :func:`cohort_summary`.
    currency : str
        Currency label for the money axis.
    period_name : str
        "month" or "quarter", for the axis title.
    """
    check_columns("summary", summary, ["cohort", "periods_since", "cumulative_value_per_customer"])
    check_nonempty("summary", summary)
    data = summary[["cohort", "periods_since", "cumulative_value_per_customer", "customers"]]
    return (
        alt.Chart(data)
        .mark_line(point=_few_cohorts(summary))
        .encode(
            x=alt.X("periods_since:Q", title=_period_title(period_name)),
            y=alt.Y(
                "cumulative_value_per_customer:Q",
                title=f"Cumulative value per customer ({currency})",
            ),
            color=_cohort_colour(summary),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("periods_since:Q", title=_period_title(period_name)),
                alt.Tooltip(
                    "cumulative_value_per_customer:Q",
                    title=f"Value per customer ({currency})",
                    format=",.0f",
                ),
                alt.Tooltip("customers:Q", title="Cohort size", format=","),
            ],
        )
        .properties(title="Historical CLV to date, by cohort", width=520, height=280)
    )


def segment_clv_chart(
    table: pd.DataFrame, *, segment_col: str, currency: str = "Php", horizon_label: str = ""
) -> alt.Chart:
    """CLV against acquisition cost, side by side for each segment.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`segment_clv` with an acquisition cost column.
    segment_col : str
        The segment column of ``table``.
    currency : str
        Currency label for the money axis.
    horizon_label : str
        Words for the horizon in the title, e.g. "24-month".
    """
    check_columns("table", table, [segment_col, "clv", "acquisition_cost", "customers"])
    check_nonempty("table", table)
    data = table[[segment_col, "clv", "acquisition_cost", "customers"]].rename(
        columns={segment_col: "segment", "clv": "CLV", "acquisition_cost": "Acquisition cost"}
    )
    data["segment"] = data["segment"].astype(str)
    long = data.melt(id_vars=["segment", "customers"], var_name="measure", value_name="amount")
    order = data["segment"].tolist()
    title = f"{horizon_label} CLV and acquisition cost per customer".strip()
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "segment:N",
                title=segment_col.replace("_", " ").capitalize(),
                sort=order,
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("measure:N", sort=["CLV", "Acquisition cost"]),
            y=alt.Y("amount:Q", title=f"Per customer ({currency})"),
            color=alt.Color("measure:N", title="", sort=["CLV", "Acquisition cost"]),
            tooltip=[
                alt.Tooltip("segment:N", title="Segment"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("amount:Q", title=f"Per customer ({currency})", format=",.0f"),
                alt.Tooltip("customers:Q", title="Customers", format=","),
            ],
        )
        .properties(title=title[0].upper() + title[1:], width=520, height=280)
    )

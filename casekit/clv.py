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

import casekit.charts  # noqa: F401  (house theme and offline renderer)
from casekit.validation import (
    check_columns,
    check_fraction,
    check_integer,
    check_nonempty,
    check_number,
    check_one_of,
)

__all__ = [
    "PERIODS_PER_YEAR",
    "TIMINGS",
    "clv",
    "clv_by_period",
    "clv_cac_ratio",
    "clv_chart",
    "margin_from_revenue",
    "margin_multiple",
    "margin_multiple_table",
    "max_acquisition_cost",
    "net_clv",
    "retention_from_lifetime",
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
    colour = alt.Color("customer:N", title="Customer type")
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
    return alt.layer(*layers).properties(
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

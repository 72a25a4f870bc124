"""The economics of retention: how a few points of retention change a customer base.

The model follows one firm year by year. Every year it wins the same number of new
customers at a cost per customer; every customer active in a year earns a margin; at
the end of each year a share of the customers leaves and the rest stay. Retained
customers may become more profitable with tenure (they buy more, cost less to serve
and refer others), which is the mechanism behind Reichheld and Sasser's finding that
cutting defections by five percentage points raised profits by 25 % to 85 % in the
service businesses they studied (Reichheld, F. F. & Sasser, W. E., 1990, "Zero
defections: quality comes to services", *Harvard Business Review* 68(5), 105–111).

Timing convention (stated once, used everywhere):

* new customers arrive at the **start** of a year, and the acquisition spend is paid
  then (discounted by ``(1 + d) ** (t - 1)`` in year ``t``);
* the margin of the customers active in a year is received at the **end** of that year
  (discounted by ``(1 + d) ** t``);
* retention is applied at the end of each year, so a customer acquired in year ``s``
  is active in year ``t >= s`` with probability ``r ** (t - s)``.

With no starting customers, the number active in year ``t`` is
``A (1 - r**t) / (1 - r)``, which tends to ``A / (1 - r)``: the steady-state base is the
yearly intake times the expected relationship length.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import numpy as np
import pandas as pd

import casekit.charts  # noqa: F401  (house theme and offline renderer)
from casekit.validation import check_columns, check_fraction, check_integer, check_number

__all__ = [
    "compare_retention",
    "customer_base_chart",
    "expected_lifetime",
    "matching_acquisitions",
    "simulate_customer_base",
    "survival",
    "survival_chart",
]


def expected_lifetime(retention: float) -> float:
    """Expected length of a relationship, in periods, for a per-period retention rate.

    Formula: ``1 / (1 - r)``, counting the first period (a customer acquired now is
    active this period, then stays each further period with probability ``r``).

    Parameters
    ----------
    retention : float
        Share of customers kept from one period to the next, in [0, 1).

    Returns
    -------
    float
        Expected number of periods a customer stays. At ``r = 0.8`` a year, 5 years.
    """
    r = check_fraction("retention", retention)
    return 1.0 / (1.0 - r)


def simulate_customer_base(
    *,
    retention: float,
    new_customers_per_year: float,
    margin_per_customer: float,
    acquisition_cost: float,
    discount_rate: float = 0.10,
    years: int = 10,
    initial_customers: float = 0.0,
    margin_growth: float = 0.0,
) -> pd.DataFrame:
    """Follow a customer base year by year under a constant retention rate.

    Parameters
    ----------
    retention : float
        Share of active customers who stay from one year to the next, in [0, 1).
    new_customers_per_year : float
        Customers acquired at the start of every year (``A``), >= 0.
    margin_per_customer : float
        Yearly margin of a customer in their first year (``m``, money per customer-year).
        May be negative (a loss-making customer), but must be finite.
    acquisition_cost : float
        Cost of winning one new customer (``CAC``, money per customer), >= 0.
    discount_rate : float
        Yearly discount rate ``d`` for money in later years, in [0, 1).
    years : int
        Number of years to follow (>= 1).
    initial_customers : float
        Customers already active at the start of year 1 (acquired before, no cost now).
    margin_growth : float
        Yearly growth of a customer's margin with tenure ``g`` (0.05: each year a
        customer stays, their margin grows 5 %), in [0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per year with columns ``year``, ``acquired``, ``active`` (customers
        served during the year), ``lost`` (leaving at its end), ``margin``,
        ``acquisition_spend``, ``profit`` (margin - acquisition spend),
        ``discounted_profit`` and ``cumulative_discounted_profit``.

    Notes
    -----
    Customers acquired in year ``s`` number ``n_s`` (``A``, plus the initial customers
    in year 1). In year ``t`` the active count is ``sum_s n_s r**(t-s)`` and the margin
    ``sum_s n_s r**(t-s) m (1+g)**(t-s)``. See the module docstring for the timing.

    Examples
    --------
    >>> base = simulate_customer_base(retention=0.8, new_customers_per_year=1000,
    ...     margin_per_customer=100, acquisition_cost=150, discount_rate=0.0, years=2)
    >>> base["active"].tolist()
    [1000.0, 1800.0]
    >>> base["profit"].tolist()
    [-50000.0, 30000.0]
    """
    r = check_fraction("retention", retention)
    a = check_number("new_customers_per_year", new_customers_per_year, minimum=0)
    m = check_number("margin_per_customer", margin_per_customer)
    cac = check_number("acquisition_cost", acquisition_cost, minimum=0)
    d = check_fraction("discount_rate", discount_rate)
    n_years = check_integer("years", years, minimum=1)
    n0 = check_number("initial_customers", initial_customers, minimum=0)
    g = check_fraction("margin_growth", margin_growth)

    year = np.arange(1, n_years + 1)
    cohort_size = np.full(n_years, a)
    cohort_size[0] += n0
    # tenure[t, s] = t - s for cohorts already acquired (s <= t), else masked out.
    tenure = year[:, None] - year[None, :]
    acquired = tenure >= 0
    tenure = np.where(acquired, tenure, 0)
    survivors = np.where(acquired, cohort_size[None, :] * r**tenure, 0.0)
    active = survivors.sum(axis=1)
    margin = (survivors * m * (1.0 + g) ** tenure).sum(axis=1)
    spend = np.full(n_years, a * cac)
    discounted = margin / (1.0 + d) ** year - spend / (1.0 + d) ** (year - 1)
    return pd.DataFrame(
        {
            "year": year,
            "acquired": cohort_size - np.r_[n0, np.zeros(n_years - 1)],
            "active": active,
            "lost": active * (1.0 - r),
            "margin": margin,
            "acquisition_spend": spend,
            "profit": margin - spend,
            "discounted_profit": discounted,
            "cumulative_discounted_profit": discounted.cumsum(),
        }
    )


def matching_acquisitions(
    *,
    lower_retention: float,
    higher_retention: float,
    new_customers_per_year: float,
    years: int,
) -> float:
    """Extra customers a year that the lower-retention firm must win to keep up.

    Two firms start with no customers and win ``A`` new customers every year. After
    ``T`` years the one with retention ``r_hi`` serves ``A (1 - r_hi**T) / (1 - r_hi)``
    customers. The firm with ``r_lo`` needs a yearly intake ``A'`` with
    ``A' (1 - r_lo**T) / (1 - r_lo)`` equal to that; this returns ``A' - A``.

    Parameters
    ----------
    lower_retention, higher_retention : float
        The two retention rates, each in [0, 1), ``lower_retention <= higher_retention``.
    new_customers_per_year : float
        The yearly intake ``A`` of both firms (>= 0).
    years : int
        The year ``T`` in which the two bases are compared (>= 1).

    Returns
    -------
    float
        Extra new customers per year, every year, at the lower retention rate.
    """
    lo = check_fraction("lower_retention", lower_retention)
    hi = check_fraction("higher_retention", higher_retention)
    if lo > hi:
        raise ValueError(
            f"lower_retention ({lo}) must not exceed higher_retention ({hi}); swap them"
        )
    a = check_number("new_customers_per_year", new_customers_per_year, minimum=0)
    t = check_integer("years", years, minimum=1)

    def served(r: float) -> float:
        # customers active in year t per customer of yearly intake: 1 + r + ... + r**(t-1)
        return float(np.sum(r ** np.arange(t)))

    return a * served(hi) / served(lo) - a


def compare_retention(retention_rates: Iterable[float], **scenario: float) -> pd.DataFrame:
    """Simulate the same business under several retention rates.

    Parameters
    ----------
    retention_rates : iterable of float
        The retention rates to compare, each in [0, 1).
    **scenario
        The other arguments of :func:`simulate_customer_base` (``retention`` excluded).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`simulate_customer_base` for each rate, stacked, with a
        ``retention`` column first: tidy data, ready for a chart with one line per rate.
    """
    rates = list(retention_rates) if not isinstance(retention_rates, (int, float)) else None
    if not rates:
        raise ValueError(
            f"retention_rates must be a non-empty list of rates, got {retention_rates!r}"
        )
    if "retention" in scenario:
        raise TypeError("pass the rates as retention_rates, not as retention=")
    frames = [
        simulate_customer_base(retention=rate, **scenario).assign(retention=float(rate))
        for rate in rates
    ]
    stacked = pd.concat(frames, ignore_index=True)
    return stacked[["retention", *stacked.columns.drop("retention")]]


def customer_base_data(comparison: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`customer_base_chart` draws: one per rate and year, with a label.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The output of :func:`compare_retention`.

    Returns
    -------
    pandas.DataFrame
        Columns ``retention``, ``year``, ``active``, ``cumulative_discounted_profit`` and
        ``scenario`` (the rate as a label, e.g. ``"80.0 % retained"``).
    """
    check_columns(
        "comparison", comparison, ["retention", "year", "active", "cumulative_discounted_profit"]
    )
    return comparison[["retention", "year", "active", "cumulative_discounted_profit"]].assign(
        scenario=lambda f: (f["retention"] * 100).round(1).astype(str) + " % retained"
    )


def customer_base_chart(comparison: pd.DataFrame, *, currency: str = "Php") -> alt.HConcatChart:
    """Two panels: active customers and cumulative discounted profit, one line per rate.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The output of :func:`compare_retention`.
    currency : str
        Currency label for the profit axis.
    """
    data = customer_base_data(comparison)
    colour = alt.Color("scenario:N", title="Retention", sort="descending")
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)), color=colour
    )
    customers = (
        base.mark_line(point=True)
        .encode(
            y=alt.Y("active:Q", title="Active customers"),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("active:Q", title="Active customers", format=",.0f"),
            ],
        )
        .properties(title="Customer base", width=300, height=260)
    )
    profit = (
        base.mark_line(point=True)
        .encode(
            y=alt.Y(
                "cumulative_discounted_profit:Q", title=f"Cumulative discounted profit ({currency})"
            ),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip(
                    "cumulative_discounted_profit:Q", title=f"Profit ({currency})", format=",.0f"
                ),
            ],
        )
        .properties(title="Cumulative discounted profit", width=300, height=260)
    )
    return alt.hconcat(customers, profit)


def survival(retention_rates: Iterable[float], years: int = 10) -> pd.DataFrame:
    """Share of a starting group of customers still active after each year.

    Formula: ``r ** t`` for ``t = 0, 1, ..., years``.

    Parameters
    ----------
    retention_rates : iterable of float
        Retention rates, each in [0, 1).
    years : int
        Last year shown (>= 1).

    Returns
    -------
    pandas.DataFrame
        Tidy columns ``retention``, ``year`` and ``share_active``.
    """
    rates = [check_fraction("retention_rates", r) for r in retention_rates]
    if not rates:
        raise ValueError("retention_rates must hold at least one rate")
    n = check_integer("years", years, minimum=1)
    t = np.arange(n + 1)
    return pd.DataFrame(
        {
            "retention": np.repeat(rates, n + 1),
            "year": np.tile(t, len(rates)),
            "share_active": np.concatenate([r**t for r in rates]),
        }
    )


def survival_chart(table: pd.DataFrame) -> alt.Chart:
    """Line chart of :func:`survival`: share of customers still active, by year."""
    check_columns("table", table, ["retention", "year", "share_active"])
    data = table.assign(scenario=(table["retention"] * 100).round(1).astype(str) + " % retained")
    return (
        alt.Chart(data, title="How many of 100 new customers are still here?")
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Years after joining", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share_active:Q", title="Share still active", axis=alt.Axis(format="%")),
            color=alt.Color("scenario:N", title="Retention", sort="descending"),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("share_active:Q", title="Still active", format=".0%"),
            ],
        )
        .properties(width=520, height=260)
    )

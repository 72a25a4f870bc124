"""casekit.clv: the simple formula, margin, retention and discounting, CLV:CAC, cohorts."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from casekit import clv
from casekit.retention import expected_lifetime

CONVENTIONS = [
    ("end", True),
    ("end", False),
    ("start", True),
    ("start", False),
]

retentions = st.floats(min_value=0.0, max_value=0.97)
discounts = st.floats(min_value=0.0, max_value=0.5)
margins = st.floats(min_value=0.01, max_value=1e6)
horizons = st.integers(min_value=1, max_value=60)
conventions = st.sampled_from(CONVENTIONS)


def test_docstring_examples_hold() -> None:
    failures, tried = doctest.testmod(clv, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 10
    assert failures == 0


# --- 1. the simple formula: the course notes' two examples -----------------------------


def test_athlete_example_from_the_course_notes() -> None:
    # Course notes (source 001, "CLV formula, examples"): an athlete spends Php 2,300 for
    # every visit to a spa, twice a month, for an expected 4 years.
    # By hand: 2,300 x 2 visits x 12 months x 4 years = Php 220,800.
    assert clv.simple_clv(2_300, 2, 4, per="month") == 220_800


def test_company_x_example_from_the_course_notes() -> None:
    # Course notes: Company X purchases an average of Php 50,000 per month for an
    # expected 4 years. By hand: 50,000 x 12 x 4 = Php 2,400,000.
    assert clv.simple_clv(50_000, 1, 4, per="month") == 2_400_000


def test_the_frequency_unit_changes_the_answer_as_the_calendar_says() -> None:
    # The same customer written per week, per quarter, per year.
    assert clv.simple_clv(100, 1, 1, per="week") == 5_200
    assert clv.simple_clv(100, 1, 1, per="quarter") == 400
    assert clv.simple_clv(100, 1, 1, per="year") == 100
    assert clv.value_per_year(2_300, 2, per="month") == 55_200


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"average_purchase_value": -1}, r"average_purchase_value must be >= 0, got -1"),
        ({"purchase_frequency": -2}, r"purchase_frequency must be >= 0, got -2"),
        ({"relationship_years": -4}, r"relationship_years must be >= 0, got -4"),
        ({"per": "fortnight"}, r"per must be one of \['week', 'month', 'quarter', 'year'\]"),
    ],
)
def test_simple_clv_refuses_bad_inputs(kwargs: dict, message: str) -> None:
    args = {
        "average_purchase_value": 2_300,
        "purchase_frequency": 2,
        "relationship_years": 4,
        "per": "month",
    }
    with pytest.raises(ValueError, match=message):
        clv.simple_clv(**(args | kwargs))


def test_simple_clv_refuses_text() -> None:
    with pytest.raises(TypeError, match="average_purchase_value must be a number, got str"):
        clv.simple_clv("2300", 2, 4)  # type: ignore[arg-type]


# --- 2. from revenue to profit ------------------------------------------------------


def test_margin_from_revenue_by_hand() -> None:
    # 55,200 a year at a 40 % gross margin is 22,080; minus 4,000 to serve is 18,080.
    assert clv.margin_from_revenue(55_200, gross_margin=0.40, cost_to_serve=4_000) == 18_080
    assert clv.margin_from_revenue(1_000, gross_margin=1.0) == 1_000
    # a customer who costs more to serve than they earn has a negative margin
    assert clv.margin_from_revenue(1_000, gross_margin=0.2, cost_to_serve=500) == -300


def test_margin_from_revenue_hints_at_percentages() -> None:
    with pytest.raises(ValueError, match=r"gross_margin must be a fraction .* write 0.4 for 40 %"):
        clv.margin_from_revenue(1_000, gross_margin=40)
    with pytest.raises(ValueError, match="cost_to_serve must be >= 0"):
        clv.margin_from_revenue(1_000, gross_margin=0.4, cost_to_serve=-5)


def test_retention_from_lifetime_inverts_expected_lifetime() -> None:
    # A second method: casekit.retention.expected_lifetime (lesson 01) is 1 / (1 - r).
    assert clv.retention_from_lifetime(4) == 0.75
    for years in (1, 2, 4, 10, 25):
        assert expected_lifetime(clv.retention_from_lifetime(years)) == pytest.approx(years)
    with pytest.raises(ValueError, match=r"expected_years must be >= 1, got 0\.5"):
        clv.retention_from_lifetime(0.5)


# --- 3. retention and discounting --------------------------------------------------------

# Gupta, S. & Lehmann, D. R. (2003), "Customers as assets", Journal of Interactive
# Marketing 17(1), 9-24, Table 1 "Margin multiple r / (1 + i - r)": rows are the
# retention rate, columns the discount rate, values to two decimals as published.
GUPTA_LEHMANN_2003_TABLE_1 = {
    # retention: {discount rate: margin multiple}
    0.60: {0.10: 1.20, 0.12: 1.15, 0.14: 1.11, 0.16: 1.07},
    0.70: {0.10: 1.75, 0.12: 1.67, 0.14: 1.59, 0.16: 1.52},
    0.80: {0.10: 2.67, 0.12: 2.50, 0.14: 2.35, 0.16: 2.22},
    0.90: {0.10: 4.50, 0.12: 4.09, 0.14: 3.75, 0.16: 3.46},
}


@pytest.mark.parametrize(
    ("retention", "discount", "published"),
    [(r, d, value) for r, row in GUPTA_LEHMANN_2003_TABLE_1.items() for d, value in row.items()],
)
def test_margin_multiple_reproduces_gupta_lehmann_table_1(
    retention: float, discount: float, published: float
) -> None:
    # The published values are rounded to two decimals: agree to within half a unit.
    assert clv.margin_multiple(retention, discount) == pytest.approx(published, abs=0.005)


def test_margin_multiple_table_has_the_published_layout() -> None:
    published = pd.DataFrame(GUPTA_LEHMANN_2003_TABLE_1).T
    table = clv.margin_multiple_table(published.index, published.columns)
    assert table.index.name == "retention"
    assert table.columns.name == "discount_rate"
    np.testing.assert_allclose(table.to_numpy(), published.to_numpy(), atol=0.005)
    # and the table is the scalar function, cell by cell
    assert table.loc[0.9, 0.12] == clv.margin_multiple(0.9, 0.12)


def test_margin_multiple_chart_draws_one_line_per_discount_rate() -> None:
    table = clv.margin_multiple_table(np.linspace(0.5, 0.95, 10), [0.10, 0.16])
    spec = clv.margin_multiple_chart(table).to_dict()
    assert spec["encoding"]["y"]["title"] == "Margin multiple (years of margin)"
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 20
    assert {row["discount"] for row in values} == {"10 % a year", "16 % a year"}
    with pytest.raises(ValueError, match="table must come from margin_multiple_table"):
        clv.margin_multiple_chart(pd.DataFrame({"a": [1.0]}))


def test_the_three_textbook_multiples_by_hand() -> None:
    # r = 0.8, d = 0.25: 1 + d - r = 0.45.
    # Gupta & Lehmann (end of period, first period retained): 0.8 / 0.45
    assert clv.margin_multiple(0.8, 0.25) == pytest.approx(0.8 / 0.45)
    # end of period, first period certain: 1 / 0.45
    assert clv.margin_multiple(0.8, 0.25, first_period_retained=False) == pytest.approx(1 / 0.45)
    # start of period, first margin on acquisition (Farris et al. 2010): 1.25 / 0.45
    assert clv.margin_multiple(
        0.8, 0.25, timing="start", first_period_retained=False
    ) == pytest.approx(1.25 / 0.45)


@pytest.mark.parametrize("retention", [0.0, 0.3, 0.75, 0.9, 0.99])
def test_undiscounted_multiple_is_the_expected_lifetime(retention: float) -> None:
    # Second method: with d = 0 and the first period certain, the CLV of a margin of 1 is
    # the expected number of periods of the relationship, 1 / (1 - r) (lesson 01).
    value = clv.margin_multiple(retention, 0.0, first_period_retained=False)
    assert value == pytest.approx(expected_lifetime(retention))


def test_clv_by_hand_two_periods() -> None:
    # Margin 100, r = 0.5, d = 0.25, two periods, margins at period ends:
    # first period retained: 100 x 0.5 / 1.25 + 100 x 0.25 / 1.5625 = 40 + 16 = 56
    assert clv.clv(100, 0.5, 0.25, horizon=2) == pytest.approx(56.0)
    # first period certain: 100 / 1.25 + 100 x 0.5 / 1.5625 = 80 + 32 = 112
    assert clv.clv(100, 0.5, 0.25, horizon=2, first_period_retained=False) == pytest.approx(112)
    # start of period, first period certain: 100 + 100 x 0.5 / 1.25 = 140
    assert clv.clv(
        100, 0.5, 0.25, horizon=2, timing="start", first_period_retained=False
    ) == pytest.approx(140)


def test_the_seed_customer_under_retention_and_discounting() -> None:
    # The athlete's Php 55,200 a year at a 40 % margin is Php 22,080 a year. A 4-year
    # expected stay is retention 0.75; with no discounting and the first year certain,
    # the infinite-horizon CLV is 22,080 x 4 = 88,320: the simple formula on margin.
    margin = clv.margin_from_revenue(clv.value_per_year(2_300, 2), gross_margin=0.40)
    r = clv.retention_from_lifetime(4)
    assert clv.clv(margin, r, 0.0, first_period_retained=False) == pytest.approx(88_320)
    # Discounting at 10 % a year: 22,080 / (1.10 - 0.75) = 63,085.71...
    assert clv.clv(margin, r, 0.10, first_period_retained=False) == pytest.approx(22_080 / 0.35)


def test_clv_by_period_rows_by_hand() -> None:
    table = clv.clv_by_period(100, 0.5, 0.0, horizon=3, first_period_retained=False)
    assert table["period"].tolist() == [1, 2, 3]
    assert table["survival"].tolist() == [1.0, 0.5, 0.25]
    assert table["cumulative_clv"].tolist() == [100.0, 150.0, 175.0]
    assert list(table.columns) == [
        "period",
        "survival",
        "discount_factor",
        "expected_margin",
        "discounted_margin",
        "cumulative_clv",
    ]


@settings(max_examples=200, deadline=None)
@given(margins, retentions, discounts, horizons, conventions)
def test_closed_form_equals_the_long_sum(
    margin: float, retention: float, discount: float, horizon: int, convention: tuple
) -> None:
    timing, retained = convention
    kwargs = {"timing": timing, "first_period_retained": retained}
    closed = clv.clv(margin, retention, discount, horizon=horizon, **kwargs)
    table = clv.clv_by_period(margin, retention, discount, horizon=horizon, **kwargs)
    # an explicit Python sum, term by term, as a third method
    k, e = int(retained), int(timing == "end")
    by_hand = math.fsum(
        margin * retention ** (t - 1 + k) / (1 + discount) ** (t - 1 + e)
        for t in range(1, horizon + 1)
    )
    assert closed == pytest.approx(table["cumulative_clv"].iloc[-1], rel=1e-9, abs=1e-9)
    assert closed == pytest.approx(by_hand, rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(margins, st.floats(0.0, 0.9), st.floats(0.05, 0.5), conventions)
def test_infinite_closed_form_is_the_limit_of_the_long_sum(
    margin: float, retention: float, discount: float, convention: tuple
) -> None:
    timing, retained = convention
    kwargs = {"timing": timing, "first_period_retained": retained}
    # with q = r / (1 + d) <= 0.9 / 1.05, 600 periods leave less than 1e-30 of the sum
    long_sum = clv.clv_by_period(margin, retention, discount, horizon=600, **kwargs)
    infinite = clv.clv(margin, retention, discount, **kwargs)
    assert infinite == pytest.approx(long_sum["cumulative_clv"].iloc[-1], rel=1e-9)
    assert infinite == pytest.approx(
        margin * clv.margin_multiple(retention, discount, **kwargs), rel=1e-12
    )


@settings(max_examples=200, deadline=None)
@given(margins, retentions, retentions, discounts, conventions, st.none() | horizons)
def test_clv_rises_with_retention(
    margin: float, r1: float, r2: float, discount: float, convention: tuple, horizon
) -> None:
    timing, retained = convention
    kwargs = {"timing": timing, "first_period_retained": retained, "horizon": horizon}
    low, high = sorted((r1, r2))
    assert clv.clv(margin, low, discount, **kwargs) <= clv.clv(margin, high, discount, **kwargs)


@settings(max_examples=200, deadline=None)
@given(margins, margins, retentions, discounts, conventions, st.none() | horizons)
def test_clv_rises_with_margin_in_proportion(
    m1: float, m2: float, retention: float, discount: float, convention: tuple, horizon
) -> None:
    timing, retained = convention
    kwargs = {"timing": timing, "first_period_retained": retained, "horizon": horizon}
    low, high = sorted((m1, m2))
    assert clv.clv(low, retention, discount, **kwargs) <= clv.clv(
        high, retention, discount, **kwargs
    )
    # and doubling the margin doubles the value
    assert clv.clv(2 * high, retention, discount, **kwargs) == pytest.approx(
        2 * clv.clv(high, retention, discount, **kwargs)
    )


@settings(max_examples=200, deadline=None)
@given(margins, retentions, discounts, discounts, conventions, st.none() | horizons)
def test_clv_falls_with_the_discount_rate(
    margin: float, retention: float, d1: float, d2: float, convention: tuple, horizon
) -> None:
    timing, retained = convention
    kwargs = {"timing": timing, "first_period_retained": retained, "horizon": horizon}
    low, high = sorted((d1, d2))
    at_low = clv.clv(margin, retention, low, **kwargs)
    at_high = clv.clv(margin, retention, high, **kwargs)
    assert at_high <= at_low * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(margins, retentions, discounts, horizons)
def test_a_longer_horizon_never_lowers_a_positive_clv(
    margin: float, retention: float, discount: float, horizon: int
) -> None:
    shorter = clv.clv(margin, retention, discount, horizon=horizon)
    longer = clv.clv(margin, retention, discount, horizon=horizon + 1)
    assert shorter <= longer <= clv.clv(margin, retention, discount) * (1 + 1e-12)


def test_zero_retention_leaves_only_the_first_period() -> None:
    assert clv.clv(100, 0.0, 0.1) == 0.0
    assert clv.clv(100, 0.0, 0.1, first_period_retained=False) == pytest.approx(100 / 1.1)
    assert clv.clv(100, 0.0, 0.1, timing="start", first_period_retained=False) == 100


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"retention": 1.0}, ValueError, r"retention must be in \[0, 1\), got 1.0"),
        ({"retention": -0.1}, ValueError, r"retention must be in \[0, 1\), got -0.1"),
        ({"retention": 80}, ValueError, r"retention must be a fraction .* write 0.8 for 80 %"),
        ({"discount_rate": 10}, ValueError, r"discount_rate .* write 0.1 for 10 %"),
        ({"discount_rate": -1.0}, ValueError, r"discount_rate must be in \(-1, 1\], got -1.0"),
        ({"discount_rate": -0.3}, ValueError, r"diverges for retention=0.8 and discount_rate=-0.3"),
        ({"horizon": 0}, ValueError, r"horizon must be >= 1, got 0"),
        ({"horizon": 2.5}, TypeError, r"horizon must be a whole number, got float 2.5"),
        ({"timing": "middle"}, ValueError, r"timing must be one of \['end', 'start'\]"),
        ({"first_period_retained": "yes"}, TypeError, r"first_period_retained must be True or"),
        ({"margin": float("nan")}, ValueError, r"margin must be a finite number, got nan"),
    ],
)
def test_clv_refuses_bad_inputs(kwargs: dict, error: type, message: str) -> None:
    args = {"margin": 100.0, "retention": 0.8, "discount_rate": 0.1}
    with pytest.raises(error, match=message):
        clv.clv(**(args | kwargs))


def test_a_negative_discount_rate_is_fine_over_a_finite_horizon() -> None:
    # The infinite sum diverges at r = 0.8, d = -0.3, but three periods are a number:
    # margins at period ends, first period certain: 1/0.7 + 0.8/0.49 + 0.64/0.343.
    value = clv.clv(1.0, 0.8, -0.3, horizon=3, first_period_retained=False)
    assert value == pytest.approx(1 / 0.7 + 0.8 / 0.49 + 0.64 / 0.343)


def test_margin_multiple_table_refuses_an_empty_or_scalar_list() -> None:
    with pytest.raises(ValueError, match="retention_rates must hold at least one rate"):
        clv.margin_multiple_table([], [0.1])
    with pytest.raises(TypeError, match="discount_rates must be a list of rates, got float"):
        clv.margin_multiple_table([0.8], 0.1)  # type: ignore[arg-type]


def test_clv_chart_draws_one_line_per_customer_type_and_the_cac_rules() -> None:
    a = clv.clv_by_period(1_000, 0.8, 0.1, horizon=5).assign(type="A")
    b = clv.clv_by_period(600, 0.9, 0.1, horizon=5).assign(type="B")
    chart = clv.clv_chart(
        pd.concat([a, b]), label="type", acquisition_costs={"A": 1_500, "B": 1_000}
    )
    spec = chart.to_dict()
    assert len(spec["layer"]) == 2
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Cumulative discounted margin (Php)"
    assert "tooltip" in spec["layer"][1]["encoding"]
    with pytest.raises(ValueError, match=r"by_period is missing column\(s\) \['type'\]"):
        clv.clv_chart(a.drop(columns="type"), label="type")


# --- 4. net of acquisition ------------------------------------------------------------------


def test_net_value_ratio_and_maximum_acquisition_cost_by_hand() -> None:
    assert clv.net_clv(18_000, 6_000) == 12_000
    assert clv.clv_cac_ratio(18_000, 6_000) == 3.0
    assert clv.max_acquisition_cost(18_000) == 18_000
    assert clv.max_acquisition_cost(18_000, target_ratio=3) == 6_000
    # a customer who loses money is worth no acquisition spend
    assert clv.max_acquisition_cost(-500) == 0.0
    assert clv.net_clv(-500, 100) == -600


def test_acquisition_inputs_are_validated() -> None:
    with pytest.raises(ValueError, match=r"acquisition_cost must be > 0, got 0"):
        clv.clv_cac_ratio(1_000, 0)
    with pytest.raises(ValueError, match=r"acquisition_cost must be >= 0, got -1"):
        clv.net_clv(1_000, -1)
    with pytest.raises(ValueError, match=r"target_ratio must be >= 1, got 0.5"):
        clv.max_acquisition_cost(1_000, target_ratio=0.5)


@settings(max_examples=100, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(0.01, 1e6))
def test_spending_the_maximum_leaves_the_target_ratio(value: float, cost: float) -> None:
    assume(abs(value - cost) > 1e-9 * cost)
    ceiling = clv.max_acquisition_cost(value, target_ratio=3)
    if value > 0:
        assert clv.clv_cac_ratio(value, ceiling) == pytest.approx(3.0)
    assert (clv.net_clv(value, cost) > 0) == (clv.clv_cac_ratio(value, cost) > 1)


# --- 5. historical CLV from transactions: a hand-worked example --------------------------
#
# Four customers. a, b and d are acquired in January 2024, c in February; d never buys.
#
#   customer  acquired    channel  cost   purchases (margin, Php)
#   a         2024-01-05  web      10     Jan 5: 10, Jan 20: 5, Mar 2: 20
#   b         2024-01-15  store     4     Jan 15: 8, Feb 10: 4
#   c         2024-02-01  web      10     Feb 1: 30
#   d         2024-01-28  store     4     -
#
# Worked by hand, monthly cohorts, data to 31 March 2024:
#   January cohort (3 customers): month 0 a and b buy 23 -> retention 2/3, 23/3 per customer
#                                 month 1 b buys 4      -> 1/3, cumulative 27/3 = 9
#                                 month 2 a buys 20     -> 1/3, cumulative 47/3
#   February cohort (1 customer): month 0 c buys 30 -> 1, 30; month 1 nothing -> 0, 30


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "acquisition_date": pd.to_datetime(
                ["2024-01-05", "2024-01-15", "2024-02-01", "2024-01-28"]
            ),
            "channel": ["web", "store", "web", "store"],
            "cost": [10.0, 4.0, 10.0, 4.0],
        }
    )


@pytest.fixture
def transactions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "c"],
            "date": pd.to_datetime(
                ["2024-01-05", "2024-01-20", "2024-03-02", "2024-01-15", "2024-02-10", "2024-02-01"]
            ),
            "margin": [10.0, 5.0, 20.0, 8.0, 4.0, 30.0],
        }
    )


def test_cohort_summary_by_hand(transactions: pd.DataFrame, customers: pd.DataFrame) -> None:
    table = clv.cohort_summary(transactions, customers, as_of="2024-03-31")
    assert table["cohort"].tolist() == ["2024-01"] * 3 + ["2024-02"] * 2
    assert table["periods_since"].tolist() == [0, 1, 2, 0, 1]
    assert table["customers"].tolist() == [3, 3, 3, 1, 1]
    assert table["active_customers"].tolist() == [2, 1, 1, 1, 0]
    np.testing.assert_allclose(table["retention"], [2 / 3, 1 / 3, 1 / 3, 1, 0])
    np.testing.assert_allclose(table["value"], [23, 4, 20, 30, 0])
    np.testing.assert_allclose(table["cumulative_value_per_customer"], [23 / 3, 9, 47 / 3, 30, 30])
    assert table["cohort_start"].tolist() == list(
        pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 2)
    )


def test_without_customers_the_first_purchase_is_the_acquisition(
    transactions: pd.DataFrame,
) -> None:
    # d (no purchase) disappears, so the January cohort is a and b only:
    # month 0 retention 2/2 and 23/2 per customer.
    table = clv.cohort_summary(transactions, as_of="2024-03-31")
    first = table.iloc[0]
    assert (first["cohort"], first["customers"], first["retention"]) == ("2024-01", 2, 1.0)
    assert first["value_per_customer"] == 11.5


def test_an_unfinished_last_period_is_left_out(
    transactions: pd.DataFrame, customers: pd.DataFrame
) -> None:
    # By 15 March, March is not over: January shows months 0-1, February month 0.
    table = clv.cohort_summary(transactions, customers, as_of="2024-03-15")
    assert list(zip(table["cohort"], table["periods_since"], strict=True)) == [
        ("2024-01", 0),
        ("2024-01", 1),
        ("2024-02", 0),
    ]
    # by default the window ends on the last date in the data (2 March): March unfinished
    assert len(clv.cohort_summary(transactions, customers)) == 3


def test_quarterly_cohorts_by_hand(transactions: pd.DataFrame, customers: pd.DataFrame) -> None:
    # All four customers fall in 2024Q1; three of them buy, 77 in all.
    table = clv.cohort_summary(transactions, customers, period="quarter", as_of="2024-03-31")
    assert table[["cohort", "periods_since", "customers", "active_customers"]].values.tolist() == [
        ["2024Q1", 0, 4, 3]
    ]
    assert table["value_per_customer"].iloc[0] == 77 / 4
    with pytest.raises(ValueError, match="no cohort has a complete period yet"):
        clv.cohort_summary(transactions, customers, period="quarter", as_of="2024-03-30")


def test_cohort_matrix_is_the_triangle(transactions: pd.DataFrame, customers: pd.DataFrame) -> None:
    summary = clv.cohort_summary(transactions, customers, as_of="2024-03-31")
    matrix = clv.cohort_matrix(summary, "active_customers")
    assert matrix.loc["2024-01"].tolist() == [2, 1, 1]
    assert matrix.loc["2024-02", 0] == 1
    assert np.isnan(matrix.loc["2024-02", 2])  # not reached yet
    with pytest.raises(ValueError, match="values must be one of"):
        clv.cohort_matrix(summary, "margin")


def test_customer_value_by_hand(transactions: pd.DataFrame, customers: pd.DataFrame) -> None:
    # First two months of each customer: a 10 + 5, b 8 + 4, c 30 (+ March: none), d 0.
    two = clv.customer_value(transactions, customers, horizon=2, as_of="2024-03-31")
    assert two["customer_id"].tolist() == ["a", "b", "c", "d"]
    assert two["value"].tolist() == [15, 12, 30, 0]
    assert two["periods_observed"].tolist() == [3, 3, 2, 3]
    assert two["eligible"].tolist() == [True, True, True, True]
    # Three months: a adds the 20 of March; c has only been seen for two months.
    three = clv.customer_value(transactions, customers, horizon=3, as_of="2024-03-31")
    assert three["value"].tolist() == [35, 12, 30, 0]
    assert three["eligible"].tolist() == [True, True, False, True]


def test_customer_value_discounts_by_months_since_acquisition(
    transactions: pd.DataFrame, customers: pd.DataFrame
) -> None:
    # At 100 % a year, a margin s months after acquisition is divided by 2 ** (s / 12):
    # b's 4 in month 1 is worth 4 / 2 ** (1/12); a's 20 in month 2 is 20 / 2 ** (2/12).
    value = clv.customer_value(
        transactions, customers, horizon=3, discount_rate=1.0, as_of="2024-03-31"
    ).set_index("customer_id")["value"]
    assert value["a"] == pytest.approx(15 + 20 / 2 ** (2 / 12))
    assert value["b"] == pytest.approx(8 + 4 / 2 ** (1 / 12))
    assert value["c"] == 30


def _lift_summary() -> pd.DataFrame:
    # cohort A seen for quarters 0-2, B for 0-3, C only for 0-1 (too young for a horizon of 3)
    rows = [
        ("A", 0, 10, 10, 1000.0),
        ("A", 1, 10, 5, 300.0),
        ("A", 2, 10, 4, 200.0),
        ("B", 0, 20, 20, 2000.0),
        ("B", 1, 20, 8, 400.0),
        ("B", 2, 20, 6, 360.0),
        ("B", 3, 20, 5, 300.0),
        ("C", 0, 5, 5, 500.0),
        ("C", 1, 5, 5, 1000.0),
    ]
    columns = ["cohort", "periods_since", "customers", "active_customers", "value"]
    return pd.DataFrame(rows, columns=columns)


def test_retention_lift_value_by_hand() -> None:
    # A and B pooled over quarters 0-2: 30 customers; buyers 30, 13, 10; value 3000, 700, 560.
    # Ten more points of retention: 0.1 x 700/13 a quarter later, 0.1 x 56 half a year later.
    table = clv.retention_lift_value(
        _lift_summary(), 0.10, horizon=3, period="quarter", discount_rate=0.10
    )
    assert table["periods_since"].tolist() == [0, 1, 2]
    assert table["retention"].tolist() == pytest.approx([1.0, 13 / 30, 10 / 30])
    assert table["value_per_buyer"].tolist() == pytest.approx([100.0, 700 / 13, 56.0])
    quarter_1 = 0.1 * 700 / 13 / 1.1**0.25
    quarter_2 = 0.1 * 56 / 1.1**0.5
    assert table["extra_value"].tolist() == pytest.approx([0.0, quarter_1, quarter_2])
    assert table["cumulative_extra_value"].iloc[-1] == pytest.approx(quarter_1 + quarter_2)
    # monthly periods are a quarter as far apart, so they are discounted less
    monthly = clv.retention_lift_value(
        _lift_summary(), 0.10, horizon=3, period="month", discount_rate=0.10
    )
    assert monthly["extra_value"].iloc[1] == pytest.approx(0.1 * 700 / 13 / 1.1 ** (1 / 12))


def test_retention_lift_value_stops_at_full_retention() -> None:
    # quarter 1: 13/30 + 0.6 > 1, so only the missing 17/30 can be added
    table = clv.retention_lift_value(_lift_summary(), 0.6, horizon=2, period="quarter")
    # horizon 2 keeps C too: quarter 1 pools 18 of 35 buyers bringing 1,700
    assert table["lifted_retention"].tolist() == [1.0, 1.0]
    assert table["extra_value"].iloc[1] == pytest.approx((1 - 18 / 35) * 1700 / 18)
    none = clv.retention_lift_value(_lift_summary(), 0.0, horizon=3, period="quarter")
    assert none["extra_value"].sum() == 0.0


def test_retention_lift_value_is_validated() -> None:
    summary = _lift_summary()
    with pytest.raises(ValueError, match=r"lift .*write 0.05 for 5 %"):
        clv.retention_lift_value(summary, 5, horizon=2)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        clv.retention_lift_value(summary, 0.05, horizon=0)
    with pytest.raises(ValueError, match="period"):
        clv.retention_lift_value(summary, 0.05, horizon=2, period="week")
    with pytest.raises(ValueError, match=r"no cohort .* observed for 5 quarters"):
        clv.retention_lift_value(summary, 0.05, horizon=5, period="quarter")
    with pytest.raises(ValueError, match="active_customers"):
        clv.retention_lift_value(summary.drop(columns="active_customers"), 0.05, horizon=2)


def test_segment_clv_by_hand(transactions: pd.DataFrame, customers: pd.DataFrame) -> None:
    # Two months: web a 15 and c 30 -> CLV 22.5, cost 10 -> net 12.5, ratio 2.25;
    #             store b 12 and d 0 -> CLV 6, cost 4 -> net 2, ratio 1.5.
    table = clv.segment_clv(
        transactions,
        customers,
        segment_col="channel",
        horizon=2,
        acquisition_cost_col="cost",
        as_of="2024-03-31",
    )
    assert table["channel"].tolist() == ["web", "store"]
    assert table["customers"].tolist() == [2, 2]
    np.testing.assert_allclose(table["clv"], [22.5, 6])
    np.testing.assert_allclose(table["net_clv"], [12.5, 2])
    np.testing.assert_allclose(table["clv_cac_ratio"], [2.25, 1.5])
    # Three months: c is not observed long enough and drops out of web's average.
    three = clv.segment_clv(
        transactions, customers, segment_col="channel", horizon=3, as_of="2024-03-31"
    )
    assert three.set_index("channel")["customers"].to_dict() == {"web": 1, "store": 2}
    assert "acquisition_cost" not in three.columns
    with pytest.raises(ValueError, match="no customer has been observed for 4 complete months"):
        clv.segment_clv(transactions, customers, segment_col="channel", horizon=4)


def test_segment_clv_chart_and_cohort_charts(
    transactions: pd.DataFrame, customers: pd.DataFrame
) -> None:
    summary = clv.cohort_summary(transactions, customers, as_of="2024-03-31")
    retention = clv.retention_curve_chart(summary).to_dict()
    assert retention["encoding"]["y"]["title"] == "Customers buying (% of cohort)"
    assert retention["encoding"]["x"]["title"] == "Months since acquisition"
    value = clv.cumulative_value_chart(summary, currency="Php").to_dict()
    assert value["encoding"]["y"]["title"] == "Cumulative value per customer (Php)"
    table = clv.segment_clv(
        transactions, customers, segment_col="channel", horizon=2, acquisition_cost_col="cost"
    )
    bars = clv.segment_clv_chart(table, segment_col="channel", horizon_label="2-month").to_dict()
    assert bars["title"] == "2-month CLV and acquisition cost per customer"
    assert bars["encoding"]["xOffset"]["field"] == "measure"
    assert bars["encoding"]["x"]["sort"] == table["channel"].tolist()  # highest CLV first


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            lambda t, c: (t.drop(columns="margin"), c),
            ValueError,
            r"transactions is missing column\(s\) \['margin'\]",
        ),
        (lambda t, c: (t.iloc[:0], c), ValueError, "transactions is empty"),
        (
            lambda t, c: (t.assign(margin=[1.0, np.nan, 1, 1, 1, 1]), c),
            ValueError,
            r"transactions\['margin'\] has 1 missing or infinite value",
        ),
        (
            lambda t, c: (t.assign(margin=list("abcdef")), c),
            TypeError,
            r"transactions\['margin'\] must hold numbers",
        ),
        (
            lambda t, c: (t.assign(date=["5 Jan"] * 6), c),
            TypeError,
            r"transactions\['date'\] must hold dates",
        ),
        (
            lambda t, c: (t, c.assign(acquisition_date=pd.to_datetime(["2024-01-10"] * 4))),
            ValueError,
            r"dates out of order: 1 transaction\(s\) are dated before .* customer 'a' bought on "
            r"2024-01-05 but was acquired on 2024-01-10",
        ),
        (
            lambda t, c: (t, c.iloc[1:]),
            ValueError,
            r"3 transaction\(s\) belong to customers missing from customers\['customer_id'\], "
            r"e.g. 'a'",
        ),
        (
            lambda t, c: (t, pd.concat([c, c.iloc[:1]])),
            ValueError,
            r"must list each customer once; 'a' appears more than once",
        ),
        (
            lambda t, c: (t, c.drop(columns="acquisition_date")),
            ValueError,
            r"customers is missing column\(s\) \['acquisition_date'\]",
        ),
    ],
)
def test_cohort_inputs_are_validated(
    transactions: pd.DataFrame, customers: pd.DataFrame, change, error: type, message: str
) -> None:
    t, c = change(transactions, customers)
    with pytest.raises(error, match=message):
        clv.cohort_summary(t, c)


def test_as_of_and_period_are_validated(
    transactions: pd.DataFrame, customers: pd.DataFrame
) -> None:
    with pytest.raises(ValueError, match=r"dates out of order: as_of \(2024-02-01\) is before"):
        clv.cohort_summary(transactions, customers, as_of="2024-02-01")
    with pytest.raises(TypeError, match="as_of must be a date"):
        clv.cohort_summary(transactions, customers, as_of=[2024])
    with pytest.raises(ValueError, match=r"period must be one of \['month', 'quarter'\]"):
        clv.cohort_summary(transactions, customers, period="week")
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        clv.customer_value(transactions, customers, horizon=0)
    with pytest.raises(ValueError, match=r"customers\['cost'\] must hold acquisition costs"):
        clv.segment_clv(
            transactions,
            customers.assign(cost=[1.0, -1.0, 1.0, 1.0]),
            segment_col="channel",
            horizon=1,
            acquisition_cost_col="cost",
        )


def _reference_cohorts(tx: pd.DataFrame, acquired: pd.Series, end: pd.Timestamp) -> pd.DataFrame:
    """A second, slow and obvious method: pandas Periods, merge, groupby and nunique."""
    cohort = acquired.dt.to_period("M").rename("cohort")
    size = cohort.value_counts().rename("customers")
    last = (end + pd.Timedelta(days=1)).to_period("M") - 1
    t = tx.join(cohort, on="customer_id")
    t["month"] = t["date"].dt.to_period("M")
    t = t[t["month"] <= last]
    t["periods_since"] = [(m - c).n for m, c in zip(t["month"], t["cohort"], strict=True)]
    grouped = t.groupby(["cohort", "periods_since"])
    out = pd.DataFrame(
        {"active_customers": grouped["customer_id"].nunique(), "value": grouped["margin"].sum()}
    )
    rows = [(c, s) for c in sorted(size.index) if c <= last for s in range((last - c).n + 1)]
    out = out.reindex(pd.MultiIndex.from_tuples(rows, names=["cohort", "periods_since"]))
    out = out.fillna(0).reset_index().join(size, on="cohort")
    out["cohort"] = out["cohort"].astype(str)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cohort_summary_agrees_with_a_plain_pandas_method(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_customers, n_tx = 300, 3_000
    acquired = pd.Series(
        pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, n_customers), "D"),
        index=[f"C{i:03d}" for i in range(n_customers)],
    )
    who = rng.integers(0, n_customers, n_tx)
    tx = pd.DataFrame(
        {
            "customer_id": acquired.index[who],
            "date": acquired.to_numpy()[who] + pd.to_timedelta(rng.integers(0, 400, n_tx), "D"),
            "margin": rng.gamma(2.0, 50.0, n_tx).round(2),
        }
    )
    customers = pd.DataFrame({"customer_id": acquired.index, "acquisition_date": acquired})
    end = tx["date"].max()
    fast = clv.cohort_summary(tx, customers.reset_index(drop=True))
    slow = _reference_cohorts(tx, acquired.rename_axis("customer_id"), end)
    assert fast["cohort"].tolist() == slow["cohort"].tolist()
    assert fast["periods_since"].tolist() == slow["periods_since"].tolist()
    assert fast["customers"].tolist() == slow["customers"].tolist()
    assert fast["active_customers"].tolist() == slow["active_customers"].astype(int).tolist()
    np.testing.assert_allclose(fast["value"], slow["value"], rtol=1e-12, atol=1e-9)

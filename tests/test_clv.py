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
    # Course notes (seed 001, "CLV formula, examples"): an athlete spends Php 2,300 for
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

"""casekit.retention against hand-worked numbers, closed forms and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit import retention

SCENARIO = {
    "new_customers_per_year": 1_000,
    "margin_per_customer": 100,
    "acquisition_cost": 150,
    "discount_rate": 0.0,
    "years": 3,
}


def test_expected_lifetime_hand_values() -> None:
    assert retention.expected_lifetime(0.8) == pytest.approx(5.0)
    assert retention.expected_lifetime(0.75) == pytest.approx(4.0)
    assert retention.expected_lifetime(0.0) == pytest.approx(1.0)


def test_simulation_hand_worked() -> None:
    # Year 1: 1000 active, margin 100,000, spend 150,000 -> -50,000.
    # Year 2: 800 kept + 1000 new = 1800 active -> 180,000 - 150,000 = 30,000.
    # Year 3: 0.8 * 1800 + 1000 = 2440 active -> 244,000 - 150,000 = 94,000.
    base = retention.simulate_customer_base(retention=0.8, **SCENARIO)
    assert base["active"].tolist() == pytest.approx([1000, 1800, 2440])
    assert base["lost"].tolist() == pytest.approx([200, 360, 488])
    assert base["profit"].tolist() == pytest.approx([-50_000, 30_000, 94_000])
    assert base["cumulative_discounted_profit"].iloc[-1] == pytest.approx(74_000)


def test_discounting_timing_convention() -> None:
    # Margin at the end of year t (1.1**t), acquisition at the start (1.1**(t-1)).
    base = retention.simulate_customer_base(retention=0.8, **{**SCENARIO, "discount_rate": 0.1})
    year2 = 180_000 / 1.1**2 - 150_000 / 1.1
    assert base["discounted_profit"].iloc[1] == pytest.approx(year2)


def test_margin_growth_by_tenure() -> None:
    # Year 2 with 10 % growth: 1000 new at 100, 800 in their second year at 110.
    base = retention.simulate_customer_base(
        retention=0.8, margin_growth=0.10, **{**SCENARIO, "years": 2}
    )
    assert base["margin"].iloc[1] == pytest.approx(1000 * 100 + 800 * 110)


def test_initial_customers_are_free_and_decay() -> None:
    base = retention.simulate_customer_base(
        retention=0.5, initial_customers=400, **{**SCENARIO, "new_customers_per_year": 0}
    )
    assert base["active"].tolist() == pytest.approx([400, 200, 100])
    assert base["acquired"].tolist() == [0, 0, 0]
    assert base["acquisition_spend"].sum() == 0


@given(
    r=st.floats(0.0, 0.98),
    a=st.floats(0, 10_000),
    years=st.integers(1, 40),
)
def test_active_matches_closed_form(r: float, a: float, years: int) -> None:
    base = retention.simulate_customer_base(
        retention=r,
        new_customers_per_year=a,
        margin_per_customer=1,
        acquisition_cost=0,
        years=years,
    )
    t = np.arange(1, years + 1)
    np.testing.assert_allclose(base["active"], a * (1 - r**t) / (1 - r), rtol=1e-9, atol=1e-9)


@given(low=st.floats(0.0, 0.9), step=st.floats(0.01, 0.08))
def test_more_retention_never_lowers_profit(low: float, step: float) -> None:
    scenario = {**SCENARIO, "years": 10, "discount_rate": 0.1}
    lo = retention.simulate_customer_base(retention=low, **scenario)
    hi = retention.simulate_customer_base(retention=low + step, **scenario)
    assert (hi["cumulative_discounted_profit"] >= lo["cumulative_discounted_profit"] - 1e-6).all()


def test_matching_acquisitions_equalises_the_bases() -> None:
    extra = retention.matching_acquisitions(
        lower_retention=0.8, higher_retention=0.85, new_customers_per_year=1000, years=10
    )
    kw = {"margin_per_customer": 1, "acquisition_cost": 0, "years": 10}
    hi = retention.simulate_customer_base(retention=0.85, new_customers_per_year=1000, **kw)
    lo = retention.simulate_customer_base(retention=0.80, new_customers_per_year=1000 + extra, **kw)
    assert lo["active"].iloc[-1] == pytest.approx(hi["active"].iloc[-1])
    # Hand-worked: (1 - 0.85**10)/0.15 / ((1 - 0.8**10)/0.2) = 5.35417 / 4.46313 -> +199.6
    assert extra == pytest.approx(199.645, abs=1e-3)


def test_compare_retention_is_tidy() -> None:
    frame = retention.compare_retention([0.7, 0.9], **SCENARIO)
    assert list(frame.columns[:2]) == ["retention", "year"]
    assert len(frame) == 6 and set(frame["retention"]) == {0.7, 0.9}


def test_chart_encodes_both_panels() -> None:
    frame = retention.compare_retention([0.7, 0.9], **SCENARIO)
    spec = retention.customer_base_chart(frame).to_dict()
    panels = spec["hconcat"]
    assert [p["encoding"]["y"]["field"] for p in panels] == [
        "active",
        "cumulative_discounted_profit",
    ]
    assert all(p["encoding"]["tooltip"] for p in panels)
    assert "Php" in panels[1]["encoding"]["y"]["title"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"retention": 1.0}, ValueError, r"retention must be in \[0, 1\)"),
        ({"retention": 85}, ValueError, "write 0.85 for 85 %"),
        ({"retention": 2}, ValueError, "write 0.02 for 2 %"),
        ({"retention": 1.2}, ValueError, r"got 1.2; 0.8 means 80 %, and a rate cannot be above 1"),
        ({"retention": -0.1}, ValueError, "retention"),
        ({"retention": "0.8"}, TypeError, "retention must be a number"),
        ({"acquisition_cost": -5}, ValueError, "acquisition_cost must be >= 0"),
        ({"years": 0}, ValueError, "years must be >= 1"),
        ({"years": 2.5}, TypeError, "years must be a whole number"),
        ({"discount_rate": float("nan")}, ValueError, "discount_rate must be a finite"),
    ],
)
def test_bad_inputs_are_named(kwargs, error, message) -> None:
    arguments = {"retention": 0.8, **SCENARIO, **kwargs}
    with pytest.raises(error, match=message):
        retention.simulate_customer_base(**arguments)


def test_bad_comparison_inputs() -> None:
    with pytest.raises(ValueError, match="non-empty list"):
        retention.compare_retention([], **SCENARIO)
    with pytest.raises(ValueError, match="must not exceed"):
        retention.matching_acquisitions(
            lower_retention=0.9, higher_retention=0.8, new_customers_per_year=1, years=2
        )
    with pytest.raises(ValueError, match="missing column"):
        retention.customer_base_chart(pd.DataFrame({"year": [1]}))


def test_survival_shares() -> None:
    table = retention.survival([0.5, 0.8], years=3)
    assert table.loc[table["retention"] == 0.5, "share_active"].tolist() == [1, 0.5, 0.25, 0.125]
    assert len(table) == 8
    spec = retention.survival_chart(table).to_dict()
    assert spec["encoding"]["y"]["axis"]["format"] == "%"
    with pytest.raises(ValueError, match="at least one rate"):
        retention.survival([], 3)


def test_a_rate_just_above_one_gets_no_percentage_guess() -> None:
    with pytest.raises(ValueError) as caught:
        retention.expected_lifetime(1.2)
    assert "0.012" not in str(caught.value)

"""Checks for the exercises of lesson 02, customer lifetime value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from casekit import clv, datasets
from casekit.checks import Question

#: The cohort, the threshold and the two channels the data questions ask about.
COHORT = "2022Q1"
CHART_COHORT = "2021Q1"
THRESHOLD = 3_000
CHANNEL_A = "referral"
CHANNEL_B = "search ad"


def _yearly_margin(p: Mapping[str, Any]) -> float:
    revenue = clv.value_per_year(p["visit_value"], p["visits_per_month"], per="month")
    return clv.margin_from_revenue(
        revenue, gross_margin=p["gross_margin"], cost_to_serve=p["cost_to_serve"]
    )


def _clv(p: Mapping[str, Any]) -> float:
    return clv.clv(
        _yearly_margin(p), p["retention"], p["discount_rate"], first_period_retained=False
    )


def _cedar() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cedar Lane's transactions with the contribution column of the exercise, and customers."""
    transactions = datasets.load("cedar_transactions")
    kept = transactions["margin"].where(~transactions["returned"], 0.0)
    transactions = transactions.assign(contribution=kept - transactions["delivery_cost"])
    return transactions, datasets.load("cedar_customers")


def _cohorts() -> pd.DataFrame:
    transactions, customers = _cedar()
    return clv.cohort_summary(
        transactions,
        customers,
        date_col="timestamp",
        value_col="contribution",
        period="quarter",
    )


def _retention_curve(p: Mapping[str, Any]) -> pd.Series:
    curve = clv.cohort_matrix(_cohorts(), "retention").loc[COHORT].dropna()
    curve.index = curve.index.astype(int)
    return curve


def _quarter_passing(p: Mapping[str, Any]) -> int:
    value = clv.cohort_matrix(_cohorts(), "cumulative_value_per_customer").loc[CHART_COHORT]
    passed = value[value > THRESHOLD]
    if passed.empty:
        raise ValueError(f"the {CHART_COHORT} cohort never passes Php {THRESHOLD:,}")
    return int(passed.index[0])


def _channel_gap(p: Mapping[str, Any]) -> float:
    transactions, customers = _cedar()
    table = clv.segment_clv(
        transactions,
        customers,
        segment_col="acquisition_channel",
        horizon=p["horizon_months"],
        acquisition_cost_col="acquisition_cost",
        discount_rate=p["discount_rate"],
        date_col="timestamp",
        value_col="contribution",
    ).set_index("acquisition_channel")
    return float(table.loc[CHANNEL_A, "net_clv"] - table.loc[CHANNEL_B, "net_clv"])


QUESTIONS = [
    Question(
        "q1",
        expected=lambda p: clv.simple_clv(
            p["visit_value"], p["visits_per_month"], p["relationship_years"], per="month"
        ),
        rtol=1e-6,
        hint="Purchase value × purchases per month × 12 months × years: keep the units straight.",
    ),
    Question(
        "q2",
        expected=_yearly_margin,
        rtol=1e-6,
        hint="A year's revenue × gross margin, minus the yearly cost to serve.",
    ),
    Question(
        "q3",
        expected=_clv,
        rtol=1e-4,
        hint="A new customer, margin at the end of each year, first year certain: m / (1 + d − r).",
    ),
    Question(
        "q4",
        expected=lambda p: clv.margin_multiple(p["retention"], p["discount_rate"]),
        rtol=1e-3,
        hint="Gupta and Lehmann's multiple is r / (1 + d − r).",
    ),
    Question(
        "q5",
        expected=lambda p: clv.max_acquisition_cost(_clv(p), target_ratio=p["target_ratio"]),
        rtol=1e-4,
        hint="To keep CLV : CAC at the target, CAC can be at most CLV / target.",
    ),
    Question(
        "q6",
        kind="series",
        expected=_retention_curve,
        rtol=1e-6,
        hint="Give each transaction its customer's acquisition quarter, count distinct buyers per "
        "cohort and quarter since acquisition, and divide by the cohort's size (all customers "
        "acquired that quarter, whether or not they bought).",
    ),
    Question(
        "q7",
        expected=_quarter_passing,
        hint=f"Hover over the {CHART_COHORT} line: find the first point above Php {THRESHOLD:,} "
        "and read its quarters since acquisition (0 is the acquisition quarter).",
    ),
    Question(
        "q8",
        expected=_channel_gap,
        rtol=1e-3,
        hint="Use clv.segment_clv by acquisition channel with the horizon, the discount rate and "
        "the acquisition cost column, then subtract the two channels' net_clv.",
    ),
    Question(
        "q9",
        kind="free",
        min_words=30,
        topics={
            "a channel": ("referral", "search", "walk-in", "flyer", "social"),
            "value against cost": ("cost", "cac", "ratio", "net", "per peso", "spend"),
        },
        hint="Name the channel you would grow and back it with CLV, acquisition cost or both.",
    ),
]

"""Checks for the exercises of lesson 01, the value of relationships and service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casekit import phases, retention
from casekit.checks import Question

_SCENARIO_KEYS = (
    "new_customers_per_year",
    "margin_per_customer",
    "acquisition_cost",
    "discount_rate",
    "years",
)


def _scenario(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: params[key] for key in _SCENARIO_KEYS}


def _final(params: Mapping[str, Any], rate: float, column: str) -> float:
    base = retention.simulate_customer_base(retention=rate, **_scenario(params))
    return float(base[column].iloc[-1])


def _value_of_five_points(params: Mapping[str, Any]) -> float:
    column = "cumulative_discounted_profit"
    return _final(params, 0.85, column) - _final(params, 0.80, column)


def _gain_percent(params: Mapping[str, Any]) -> float:
    column = "cumulative_discounted_profit"
    return 100 * (_final(params, 0.85, column) / _final(params, 0.80, column) - 1)


def _break_even_year(params: Mapping[str, Any]) -> int:
    base = retention.simulate_customer_base(retention=0.75, **_scenario(params))
    positive = base.loc[base["cumulative_discounted_profit"] > 0, "year"]
    if positive.empty:
        raise ValueError("at 75 % retention this scenario never breaks even; change its numbers")
    return int(positive.iloc[0])


QUESTIONS = [
    Question(
        "q1",
        expected=lambda p: retention.expected_lifetime(0.75),
        rtol=1e-3,
        hint="A member stays this year, then each further year with probability r: 1 + r + r² + …",
    ),
    Question(
        "q2",
        kind="set",
        expected=lambda p: set(
            phases.service_practices().query("phase == 'post-transaction'")["practice"]
        ),
        hint="Filter the table on the phase column and take the practice column.",
    ),
    Question(
        "q3",
        kind="choice",
        options=phases.PHASES,
        expected=lambda p: phases.phase_of("Written customer service policy"),
        hint="Ask who sets it, and whether it exists before any particular purchase.",
    ),
    Question(
        "q4",
        expected=lambda p: _final(p, 0.85, "active"),
        rtol=2e-3,
        hint="Simulate the base at 85 % with the scenario and read the active customers of the "
        "last year.",
    ),
    Question(
        "q5",
        expected=_value_of_five_points,
        rtol=1e-3,
        hint="Take the last year's cumulative discounted profit at 85 % minus the same at 80 %.",
    ),
    Question(
        "q6",
        expected=_gain_percent,
        atol=0.05,
        rtol=0.0,
        hint="Gain in percent = 100 × (profit at 85 % / profit at 80 % − 1).",
    ),
    Question(
        "q7",
        expected=_break_even_year,
        hint="Hover over the 75 % line of the profit panel and find where it crosses zero.",
    ),
    Question(
        "q8",
        expected=lambda p: retention.matching_acquisitions(
            lower_retention=0.80,
            higher_retention=0.85,
            new_customers_per_year=p["new_customers_per_year"],
            years=p["years"],
        ),
        rtol=5e-3,
        hint="Use retention.matching_acquisitions, or compare A(1 − r^T)/(1 − r) at both rates.",
    ),
    Question(
        "q9",
        kind="free",
        min_words=40,
        topics={
            "retention or churn": ("retention", "retain", "churn", "defect", "leave", "keep"),
            "money (profit, cost or value)": ("profit", "php", "value", "cost", "margin"),
        },
        hint="Use the numbers of this notebook: what would a drop in retention cost?",
    ),
]

"""Checks for the exercises of lesson 06, measuring and improving service quality."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from casekit import datasets, phases, service
from casekit.checks import Question

#: Column names of the Kestrel order table, as the perfect-order functions' arguments.
ORDER_COLUMNS = {
    "promised": "promised",
    "delivered": "delivered",
    "lines_ordered": "lines_ordered",
    "lines_filled": "lines_filled",
    "accurate": "order_accurate",
}
#: The day Calamba's new warehouse system and second shift went live.
FIX_DATE = "2023-07-01"


def _orders(year: int | None = None) -> pd.DataFrame:
    orders = datasets.load("kestrel_orders")
    orders["late"] = orders["delivered"] > orders["promised"]
    orders["on_time"] = ~orders["late"]
    return orders if year is None else orders[orders["ordered"].dt.year == year]


def _weekly_on_time(params: Mapping[str, Any]) -> pd.Series:
    weekly = service.add_period(_orders(params["year"]), date="ordered", freq="W")
    return service.on_time_rate(weekly, promised="promised", delivered="delivered", by="period")


def _signal_weeks(params: Mapping[str, Any]) -> set[str]:
    weekly = service.period_counts(_orders(), date="ordered", flag="late", freq="W", by="warehouse")
    chart = service.p_chart(
        weekly[weekly["warehouse"] == params["warehouse"]],
        defectives="flagged",
        size="units",
        period="period",
        baseline=26,
    )
    return set(chart.loc[chart["signal"], "period"].dt.strftime("%Y-%m-%d"))


def _fix_effect(params: Mapping[str, Any]) -> float:
    calamba = _orders()[lambda f: f["warehouse"] == "Calamba"]
    test = service.before_after(
        calamba, value="on_time", date="ordered", change=FIX_DATE, kind="proportion", gap_days=14
    )
    return float(test.loc[0, "difference"])


def _calls(params: Mapping[str, Any]) -> pd.DataFrame:
    contacts = datasets.load("cedar_service_contacts")
    return contacts[
        (contacts["channel"] == "phone") & (contacts["timestamp"].dt.year == params["year"])
    ]


def _arrivals(params: Mapping[str, Any]) -> tuple[pd.DataFrame, float]:
    """Mean calls offered per weekday and hour, and the mean handle time of answered calls."""
    calls = _calls(params)
    handle_time = calls.loc[~calls["abandoned"], "handle_seconds"].mean()
    return service.hourly_arrivals(calls, timestamp="timestamp"), float(handle_time)


def _abandoned_by_weekday(params: Mapping[str, Any]) -> pd.Series:
    calls = _calls(params)
    return service.abandonment_rate(
        calls.assign(weekday=calls["timestamp"].dt.day_name()), abandoned="abandoned", by="weekday"
    )


def _peak_agents(params: Mapping[str, Any]) -> int:
    arrivals, handle_time = _arrivals(params)
    return service.agents_needed(
        arrivals.max().max(),
        handle_time,
        target=params["target"],
        answer_time=params["answer_time"],
    )


def _cost_of_ten_points(params: Mapping[str, Any]) -> float:
    arrivals, handle_time = _arrivals(params)
    table = service.cost_of_service_levels(
        arrivals.to_numpy().ravel(),
        handle_time,
        targets=[0.80, 0.90],
        answer_time=params["answer_time"],
        shrinkage=params["shrinkage"],
        cost_per_agent_hour=params["cost_per_agent_hour"],
    )
    return float(table["cost"].iloc[1] - table["cost"].iloc[0])


QUESTIONS = [
    Question(
        "q1",
        kind="choice",
        options=phases.PHASES,
        expected=lambda p: service.measure_phase("Abandonment rate"),
        hint="Ask when the customer gives up: before or after anything has been bought?",
    ),
    Question(
        "q2",
        kind="set",
        expected=lambda p: set(
            service.measures().query("phase == 'transaction'")["measure"].astype(str)
        ),
        hint="Filter service.measures() on the phase column and take the measure column.",
    ),
    Question(
        "q3",
        expected=lambda p: service.line_fill_rate(
            _orders(p["year"]), lines_ordered="lines_ordered", lines_filled="lines_filled"
        ),
        rtol=1e-3,
        hint="Lines filled over lines ordered, both summed over the year's orders (not a mean "
        "of each order's rate).",
    ),
    Question(
        "q4",
        expected=lambda p: service.perfect_order_rate(_orders(p["year"]), **ORDER_COLUMNS),
        rtol=1e-3,
        hint="An order is perfect only if it is on time AND complete AND accurate; count them "
        "order by order.",
    ),
    Question(
        "q5",
        expected=lambda p: service.percentile_standard(
            _weekly_on_time(p), share=0.8, better="higher"
        ),
        rtol=1e-3,
        hint="Weekly on-time rates first (add_period, then on_time_rate with by='period'); "
        "then the level that four weeks in five reach: percentile_standard with share=0.8.",
    ),
    Question(
        "q6",
        kind="free",
        min_words=40,
        topics={
            "the current performance": ("week", "month", "current", "today", "now", "%"),
            "realism (complacency or out of reach)": (
                "realistic",
                "complacen",
                "reach",
                "stretch",
                "easy",
                "achiev",
            ),
            "the customers": ("customer", "account", "client"),
        },
        hint="Say how often the process meets your standard today, and why customers care.",
    ),
    Question(
        "q7",
        kind="set",
        expected=_signal_weeks,
        hint="period_counts by warehouse, keep one warehouse, p_chart with baseline=26, then the "
        "periods where signal is True, formatted with .dt.strftime('%Y-%m-%d').",
    ),
    Question(
        "q8",
        expected=_fix_effect,
        atol=2e-3,
        rtol=0.0,
        hint="before_after on Calamba's orders with kind='proportion', the fix date and "
        "gap_days=14; read the difference (after minus before).",
    ),
    Question(
        "q9",
        expected=_peak_agents,
        hint="hourly_arrivals of the year's phone calls; the largest value is the busiest hour; "
        "agents_needed with the mean handle time of the answered calls (a call that was "
        "abandoned has a handle time of 0).",
    ),
    Question(
        "q10",
        expected=_cost_of_ten_points,
        rtol=1e-6,
        hint="cost_of_service_levels on every hour of the arrivals table (.to_numpy().ravel()) "
        "with targets [0.8, 0.9]; subtract the two costs.",
    ),
    Question(
        "q11",
        kind="series",
        expected=_abandoned_by_weekday,
        rtol=1e-6,
        hint="Add a weekday column (timestamp.dt.day_name()) to the year's phone calls, then "
        "service.abandonment_rate with abandoned='abandoned' and by='weekday'.",
    ),
    Question(
        "q12",
        kind="free",
        min_words=60,
        topics={
            "a cause or bottleneck": ("bottleneck", "cause", "peak", "stage", "warehouse", "hour"),
            "a number from the analysis": ("%", "php", "agent", "day", "second", "point"),
            "how to check the result": ("monitor", "control chart", "test", "before", "after"),
        },
        hint="Name the problem, the evidence, the change, what it costs and how you would know "
        "it worked.",
    ),
]

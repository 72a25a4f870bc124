"""Checks for the exercises of lesson 07, complaint handling."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pandas as pd

from casekit import complaints as cx
from casekit import datasets, service
from casekit.checks import Question

#: Contact reasons that report a problem with a product or a delivery.
PROBLEM_REASONS = ("product problem", "late or missing delivery")
#: Response-time standards of the triage questions, hours to first response.
TRIAGE_STANDARDS = {"low": 24, "medium": 24, "high": 4}


#: A small desk's complaint log, made by hand for the exercises: the course data record no
#: reopening and no complaint handler, so the reopen rate and the consistency between
#: agents are practised here. Columns: complaint, agent, days to close, satisfaction
#: with the handling (1-5), reopened (the customer came back about the same problem).
DESK_LOG_ROWS = (
    ("D01", "Ana", 2.0, 5, False),
    ("D02", "Ana", 3.0, 4, False),
    ("D03", "Ana", 2.5, 5, False),
    ("D04", "Ana", 4.0, 4, False),
    ("D05", "Ben", 3.0, 4, False),
    ("D06", "Ben", 5.0, 3, True),
    ("D07", "Ben", 4.0, 4, False),
    ("D08", "Ben", 3.5, 4, False),
    ("D09", "Cris", 1.0, 2, True),
    ("D10", "Cris", 0.5, 3, False),
    ("D11", "Cris", 1.0, 2, True),
    ("D12", "Cris", 1.5, 1, True),
)


def desk_log() -> pd.DataFrame:
    """The hand-made desk log of the exercises (a fresh copy)."""
    return pd.DataFrame(
        DESK_LOG_ROWS,
        columns=["complaint_id", "agent", "resolution_days", "satisfaction_after", "reopened"],
    )


def _reopen_by_agent(params: Mapping[str, Any]) -> pd.Series:
    return cx.flag_rate(desk_log(), flag="reopened", by="agent")


def _satisfaction_spread(params: Mapping[str, Any]) -> float:
    table = cx.consistency(desk_log(), value="satisfaction_after", by="agent", min_cases=4)
    return table.attrs["test"]["spread"]


@cache
def _table(name: str) -> pd.DataFrame:
    return datasets.load(name)


def _log(year: int | None = None) -> pd.DataFrame:
    log = _table("cedar_complaints")
    return log if year is None else log[log["received"].dt.year == year]


def _rate(params: Mapping[str, Any]) -> float:
    volume = cx.complaint_volume(_log(), freq="Y", purchases=_table("cedar_transactions"))
    row = volume[volume["period"].dt.year == params["year"]]
    return float(row["per_1000"].iloc[0])


def _times(params: Mapping[str, Any], by: str | None = None) -> pd.DataFrame:
    return cx.time_summary(
        _log(params["year"]),
        time="first_response_hours",
        standard=params["response_standard"],
        by=by,
    )


def _slowest_channel(params: Mapping[str, Any]) -> str:
    return str(_times(params, by="channel")["within_standard"].idxmin())


def _weakest_agent(params: Mapping[str, Any]) -> str:
    contacts = _table("cedar_service_contacts")
    problems = contacts[
        contacts["reason"].isin(PROBLEM_REASONS)
        & (contacts["timestamp"].dt.year == params["year"])
        & contacts["agent_id"].astype(str).str.startswith("CC")
    ]
    table = cx.consistency(problems, value="resolved_first_contact", by="agent_id")
    return str(table["agent_id"].iloc[0])


def _vital_few(params: Mapping[str, Any]) -> set[str]:
    table = service.pareto_table(
        _log(params["year"]), cause="root_cause", vital_share=params["vital_share"]
    )
    return set(table.loc[table["vital_few"], "cause"])


def _iceberg(params: Mapping[str, Any]) -> float:
    table = cx.iceberg(len(_log(params["year"])), complaint_rate=params["complaint_rate"])
    return float(table["customers_with_problem"].iloc[0])


def _speed_gap(params: Mapping[str, Any]) -> float:
    log = _log()
    rates = cx.repurchase_table(log, by=cx.response_bands(log["first_response_hours"]))
    rates = rates.set_index("band")["repurchase_rate"]
    return float(100 * (rates["up to 1 h"] - rates["over 24 h"]))


def _paradox(params: Mapping[str, Any]) -> float:
    table = cx.recovery_table(
        _table("cedar_transactions"),
        _log(),
        customers=_table("cedar_customers"),
        seed=params["seed"],
    )
    return float(table.set_index("group").loc["5", "ratio_vs_no_problem"])


def voucher_inputs(year: int) -> dict[str, float]:
    """Margin per active customer and year, yearly retention and gross margin at Cedar Lane.

    The same steps as the lesson: a basket's margin (nothing if returned) minus its
    delivery cost, summed over ``year`` and divided by the customers who bought that year;
    retention is the share of ``year - 1``'s customers who bought again in ``year``.
    """
    purchases = _table("cedar_transactions")
    kept = purchases["margin"].where(~purchases["returned"], 0.0) - purchases["delivery_cost"]
    when = purchases["timestamp"].dt.year
    buyers = set(purchases.loc[when == year, "customer_id"])
    before = set(purchases.loc[when == year - 1, "customer_id"])
    return {
        "margin": float(kept[when == year].sum() / len(buyers)),
        "retention": len(before & buyers) / len(before),
        "gross_margin": float(
            purchases["margin"].sum() / (purchases["gross"] - purchases["discount"]).sum()
        ),
    }


def _break_even(params: Mapping[str, Any]) -> float:
    inputs = voucher_inputs(params["year"])
    cost = params["voucher"] * params["redemption"] * (1 - inputs["gross_margin"])
    table = cx.compensation_economics(
        cost,
        0.0,
        cases=len(_log(params["year"])),
        margin=inputs["margin"],
        retention=inputs["retention"],
        discount_rate=params["discount_rate"],
    )
    return float(table["break_even_uplift"].iloc[0])


def _fastest_for_serious(params: Mapping[str, Any]) -> str:
    arrivals = cx.simulate_arrivals(params["per_year"], seed=params["seed"])
    table = cx.compare_policies(
        arrivals, handlers=params["handlers"], standard_hours=TRIAGE_STANDARDS
    )
    high = table[table["severity"] == "high"].set_index("policy")
    return str(high["p90_hours"].idxmin())


QUESTIONS = [
    Question(
        "q1",
        expected=_rate,
        rtol=1e-3,
        hint="Count the year's complaints and purchases, then 1,000 × complaints / purchases "
        "(cx.complaint_volume does both by year).",
    ),
    Question(
        "q2",
        expected=lambda p: float(_times(p).loc["all", "p90"]),
        rtol=1e-3,
        hint="Filter the log to the year and take the 0.9 quantile of first_response_hours "
        "(or the p90 column of cx.time_summary).",
    ),
    Question(
        "q3",
        expected=lambda p: float(_times(p).loc["all", "within_standard"]),
        rtol=1e-3,
        hint="Share of the year's complaints whose first_response_hours is at most the "
        "standard (<=, not <).",
    ),
    Question(
        "q4",
        kind="choice",
        options=("phone", "e-mail", "chat", "store", "social media"),
        expected=_slowest_channel,
        hint="Compute the share within the standard per channel (by='channel') and take the "
        "smallest.",
    ),
    Question(
        "q5",
        kind="text",
        expected=_weakest_agent,
        hint="Keep the year's contacts about product or delivery problems taken by 'CC' "
        "agents (abandoned contacts have no agent), then the share resolved at the first "
        "contact per agent.",
    ),
    Question(
        "q6",
        kind="set",
        expected=_vital_few,
        hint="service.pareto_table on root_cause with vital_share set to the parameter; keep "
        "the causes flagged vital_few.",
    ),
    Question(
        "q7",
        expected=_iceberg,
        rtol=1e-3,
        hint="Customers with a problem = complaints / complaint rate.",
    ),
    Question(
        "q8",
        expected=_speed_gap,
        atol=0.05,
        rtol=0.0,
        hint="Repurchase rates by response band over the whole log (complaints with an unknown "
        "outcome left out); subtract and multiply by 100.",
    ),
    Question(
        "q9",
        expected=_paradox,
        rtol=1e-3,
        hint="cx.recovery_table with the notebook's seed; read ratio_vs_no_problem in the row "
        "of satisfaction 5.",
    ),
    Question(
        "q10",
        expected=_break_even,
        rtol=1e-3,
        hint="Cost per case = voucher × redemption × (1 − gross margin); divide by the CLV of a "
        "customer kept (clv.clv with first_period_retained=False).",
    ),
    Question(
        "q11",
        kind="choice",
        options=tuple(cx.POLICIES),
        expected=_fastest_for_serious,
        hint="Run cx.compare_policies on the simulated year and compare p90_hours in the rows "
        "of high-severity complaints.",
    ),
    Question(
        "q12",
        kind="free",
        min_words=50,
        topics={
            "the aim": ("aim", "goal", "priority", "promise", "fair", "serious", "severe"),
            "numbers from the simulation": ("hour", "breach", "percentile", "lost", "%"),
            "who pays for the choice": ("low", "wait", "longer", "cost", "expense", "other"),
        },
        hint="Name the aim first, quote two numbers from the comparison, and say which "
        "complaints wait longer because of your choice.",
    ),
    Question(
        "q13",
        kind="free",
        min_words=90,
        topics={
            "thanks and apology": ("thank", "sorry", "apolog"),
            "what happens next, with a time": ("will", "within", "by ", "today", "tomorrow"),
            "putting it right": ("refund", "replace", "voucher", "credit", "deliver"),
            "preventing it": ("prevent", "again", "cause", "courier", "changed", "check"),
        },
        hint="Follow the steps: thank, acknowledge the problem in the customer's words, say what "
        "you will do and by when, put it right, say what changes so it does not happen again, "
        "and how to reach you.",
    ),
    Question(
        "q14",
        kind="series",
        expected=_reopen_by_agent,
        atol=1e-6,
        rtol=0.0,
        hint="Reopened cases / cases, for each agent: cx.flag_rate with by='agent'.",
    ),
    Question(
        "q15",
        expected=_satisfaction_spread,
        atol=1e-6,
        rtol=0.0,
        hint="The mean satisfaction of each agent's cases, then the highest minus the lowest "
        "(cx.consistency reports it as 'spread'; each agent has only four cases).",
    ),
]

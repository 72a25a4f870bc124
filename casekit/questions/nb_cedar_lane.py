"""Checks for the case worksheet Cedar Lane Market, complaints are rising.

Every expected answer is computed from the data of the notebook's ``seed`` (the course's
data or a variant) and its other parameters, so the checks are right for every
student's variant.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from casekit import cases, complaints, segments, service
from casekit.cases import cedar_lane as case
from casekit.checks import Question

LATE = "late or missing delivery"


@functools.lru_cache(maxsize=2)
def _tables(seed: int) -> dict[str, pd.DataFrame]:
    return {
        name: cases.load(f"cedar_{name}", seed)
        for name in ("complaints", "transactions", "service_contacts", "customers")
    }


def _yearly_rates(seed: int, by: str | None = None) -> pd.DataFrame:
    t = _tables(seed)
    table = complaints.complaint_volume(
        t["complaints"], freq="Y", purchases=t["transactions"], by=by
    )
    return table.assign(year=table["period"].dt.year)


def _rate(p: Mapping[str, Any]) -> float:
    table = _yearly_rates(p["seed"]).set_index("year")
    return float(table.loc[case.YEAR, "per_1000"])


def _late_share_of_rise(p: Mapping[str, Any]) -> float:
    table = _yearly_rates(p["seed"], by="category")
    rates = table.pivot_table(index="category", columns="year", values="per_1000", observed=True)
    rise = rates[case.YEAR] - rates[case.YEAR - 1]
    return float(rise[LATE] / rise.sum())


def _top_late_cause(p: Mapping[str, Any]) -> str:
    log = _tables(p["seed"])["complaints"]
    late = log[(log["category"] == LATE) & (log["received"].dt.year == case.YEAR)]
    table = service.pareto_table(late.astype({"root_cause": "str"}), cause="root_cause")
    return str(table["cause"].iloc[0])


def _shift_week(p: Mapping[str, Any]) -> str:
    contacts = _tables(p["seed"])["service_contacts"]
    flagged = contacts.assign(late=contacts["reason"] == LATE)
    weekly = service.period_counts(flagged, date="timestamp", flag="late", freq="W")
    shift = service.change_point(weekly["flagged"].to_numpy(), periods=weekly["period"].to_numpy())
    return pd.Timestamp(shift["period"]).strftime("%Y-%m-%d")


@functools.lru_cache(maxsize=2)
def _repurchase(seed: int) -> pd.Series:
    log = _tables(seed)["complaints"]
    table = complaints.repurchase_table(
        log, by=complaints.response_bands(log["first_response_hours"])
    )
    return table.set_index(table.columns[0])["repurchase_rate"]


def _uplift(seed: int) -> float:
    rates = _repurchase(seed)
    log = _tables(seed)["complaints"]
    this_year = log[log["received"].dt.year == case.YEAR]
    bands = complaints.response_bands(this_year["first_response_hours"]).astype(str)
    gain = bands.map(rates.iloc[0] - rates)
    return float(gain.mean())


def _customer_economics(seed: int) -> tuple[float, float]:
    """(margin per customer who bought in the year, share of last year's buyers kept)."""
    purchases = _tables(seed)["transactions"]
    year = purchases["timestamp"].dt.year
    kept = purchases[(year == case.YEAR) & ~purchases["returned"]]
    margin = kept["margin"].sum() / purchases.loc[year == case.YEAR, "customer_id"].nunique()
    before = set(purchases.loc[year == case.YEAR - 1, "customer_id"])
    after = set(purchases.loc[year == case.YEAR, "customer_id"])
    return float(margin), len(before & after) / len(before)


def _policy_net(p: Mapping[str, Any]) -> float:
    log = _tables(p["seed"])["complaints"]
    margin, retention = _customer_economics(p["seed"])
    table = complaints.compensation_economics(
        p["response_cost"],
        _uplift(p["seed"]),
        cases=int((log["received"].dt.year == case.YEAR).sum()),
        margin=margin,
        retention=retention,
        discount_rate=p["discount_rate"],
    )
    return float(table["net"].iloc[0])


def _quarter(seed: int) -> tuple[pd.DataFrame, float]:
    contacts = _tables(seed)["service_contacts"]
    calls = contacts[
        (contacts["channel"] == "phone")
        & (contacts["timestamp"] >= case.QUARTER_START)
        & (contacts["timestamp"].dt.year == case.YEAR)
    ]
    # Arrivals count every call offered; the handle time is that of the calls answered
    # (an abandoned call has a handle time of 0: nobody handled it).
    arrivals = service.hourly_arrivals(calls, timestamp="timestamp")
    handle = calls.loc[~calls["abandoned"], "handle_seconds"].mean()
    return arrivals.reindex_like(case.PHONE_ROTA).fillna(0.0), float(handle)


def _hours_missed(p: Mapping[str, Any]) -> float:
    arrivals, handle = _quarter(p["seed"])
    level = service.service_level(
        case.PHONE_ROTA.to_numpy(),
        service.offered_load(arrivals.to_numpy(), handle),
        handle,
        p["answer_time"],
    )
    return float(np.mean(level < p["target"]))


def _plan(p: Mapping[str, Any]) -> pd.DataFrame:
    arrivals, handle = _quarter(p["seed"])
    return service.staffing_plan(
        arrivals.to_numpy().ravel(),
        handle,
        target=p["target"],
        answer_time=p["answer_time"],
        shrinkage=p["shrinkage"],
        cost_per_agent_hour=p["cost_per_agent_hour"],
    )


def _extra_cost(p: Mapping[str, Any]) -> float:
    rota = case.PHONE_ROTA.to_numpy().ravel()
    scheduled = np.ceil(rota / (1 - p["shrinkage"]))
    return float(_plan(p)["cost"].sum() - (scheduled * p["cost_per_agent_hour"]).sum())


@functools.lru_cache(maxsize=2)
def _this_year(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    t = _tables(seed)
    log = t["complaints"][t["complaints"]["received"].dt.year == case.YEAR]
    bought = t["transactions"][t["transactions"]["timestamp"].dt.year == case.YEAR]
    return log, bought, t["customers"]


def _late_rate_by_segment(p: Mapping[str, Any]) -> pd.Series:
    log, bought, customers = _this_year(p["seed"])
    active = customers[customers["customer_id"].isin(bought["customer_id"])]
    hit = active["customer_id"].isin(log.loc[log["category"] == LATE, "customer_id"])
    return hit.groupby(active["lifestyle_segment"], observed=True).mean()


def _profit_at_risk(p: Mapping[str, Any]) -> pd.Series:
    log, bought, customers = _this_year(p["seed"])
    profit = segments.customer_profitability(bought, customers=customers, complaints=log)
    unhappy = log.loc[log["satisfaction_after"] <= 2, "customer_id"].unique()
    segment = customers.set_index("customer_id")["lifestyle_segment"]
    at_risk = profit.loc[profit.index.isin(unhappy), "gross_margin"]
    return at_risk.groupby(segment.reindex(at_risk.index), observed=True).sum()


QUESTIONS = [
    Question(
        "q1",
        expected=_rate,
        rtol=1e-4,
        hint="complaints.complaint_volume with freq='Y' and the purchases; read the year's "
        "per_1000.",
    ),
    Question(
        "q2",
        expected=_late_share_of_rise,
        rtol=1e-3,
        hint="complaint_volume with by='category': the categories' rates add up to the year's "
        "rate, so the rises do too. Late deliveries' rise over the total rise.",
    ),
    Question(
        "q3",
        kind="choice",
        options=("courier delay", "wrong address data", "picking error"),
        expected=_top_late_cause,
        hint="service.pareto_table on the year's late or missing delivery complaints, with "
        "root_cause as the cause.",
    ),
    Question(
        "q4",
        kind="text",
        expected=_shift_week,
        hint="service.period_counts of the contacts (flag: reason is late or missing delivery, "
        "weekly), then service.change_point on the weekly counts with the weeks as periods.",
    ),
    Question(
        "q5",
        kind="series",
        expected=lambda p: _repurchase(p["seed"]),
        rtol=1e-4,
        hint="complaints.repurchase_table on all complaints, by "
        "complaints.response_bands(first_response_hours).",
    ),
    Question(
        "q6",
        expected=lambda p: _uplift(p["seed"]),
        rtol=1e-3,
        hint="For each of the year's complaints, the repurchase rate of 'up to 1 h' minus the "
        "rate of its own band (Q5); the mean over the complaints.",
    ),
    Question(
        "q7",
        expected=_policy_net,
        rtol=1e-3,
        hint="complaints.compensation_economics with response_cost per case, the uplift of Q6, "
        "the year's complaints, the margin per customer who bought in the year, and the share "
        "of last year's customers who bought again as the retention.",
    ),
    Question(
        "q8",
        expected=_hours_missed,
        rtol=1e-6,
        hint="service.hourly_arrivals of all the last quarter's phone calls, the mean "
        "handle_seconds of those answered (not abandoned), service.offered_load, then "
        "service.service_level with the rota's agents in every hour.",
    ),
    Question(
        "q9",
        expected=lambda p: float(_plan(p)["agents"].sum()),
        rtol=1e-6,
        hint="service.staffing_plan over all 84 opening hours of the typical week; add up the "
        "agents on the phones.",
    ),
    Question(
        "q10",
        expected=_extra_cost,
        rtol=1e-6,
        hint="The plan's cost minus the rota's: each hour's scheduled staff is "
        "ceil(agents / (1 - shrinkage)) times the cost per agent-hour.",
    ),
    Question(
        "q11",
        kind="series",
        expected=_late_rate_by_segment,
        rtol=1e-4,
        hint="Among the customers who bought in the year, the share who complained about a late "
        "or missing delivery that year, by lifestyle_segment.",
    ),
    Question(
        "q12",
        kind="series",
        expected=_profit_at_risk,
        rtol=1e-4,
        hint="segments.customer_profitability on the year's purchases (with the customers and "
        "the year's complaints); keep the customers with a complaint rated 1 or 2; sum their "
        "gross_margin by lifestyle_segment.",
    ),
    Question(
        "q13",
        kind="free",
        min_words=100,
        topics={
            "the cause": ("courier", "deliver"),
            "the cost or value": ("php", "value", "cost", "profit", "margin"),
            "handling speed": ("hour", "response", "faster", "first answer"),
            "staffing": ("agent", "staff", "phone", "rota"),
            "who is at risk": ("segment", "young professional", "customers at risk", "online"),
            "monitoring": ("monitor", "standard", "track", "measure", "review", "chart"),
        },
        hint="A memo to the board: the cause and when it started, what it costs, what to do "
        "(courier, response, phones, customers at risk), what that costs, and how the board "
        "will see it working.",
    ),
]

"""Checks for the case worksheet Harbor Spa, is the membership worth fighting for?

Every expected answer is computed from the data of the notebook's ``seed`` (the course's
data or a variant) as known on the case date, and from its other parameters, so the
checks are right for every student's variant.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from casekit import clv, clv_models, programs
from casekit.cases import harbor_spa as case
from casekit.checks import Question

#: The twelve months before the case.
YEAR_AGO = case.CASE_DATE - pd.DateOffset(years=1)


def _plans(values: dict[str, float]) -> pd.Series:
    return pd.Series(values, dtype=float).rename_axis("plan")


@functools.lru_cache(maxsize=4)
def _last_year(seed: int) -> pd.DataFrame:
    """Per plan: member-months, visits and treatment spend of the last twelve months."""
    members, visits = case.known_tables(seed)
    start = np.maximum(members["joined"], YEAR_AGO)
    end = members["cancelled"].fillna(case.CASE_DATE)
    months = ((end - start).dt.days.clip(lower=0) / case.MONTH_DAYS).groupby(
        members["plan"], observed=True
    )
    recent = visits[visits["timestamp"] >= YEAR_AGO]
    plan = recent["member_id"].map(members.set_index("member_id")["plan"])
    spend = recent.groupby(plan, observed=True)["spend"]
    return pd.DataFrame(
        {"member_months": months.sum(), "visits": spend.size(), "spend": spend.sum()}
    )


def _visits_per_month(p: Mapping[str, Any]) -> pd.Series:
    table = _last_year(p["seed"])
    return _plans((table["visits"] / table["member_months"]).to_dict())


def _spend_per_visit(seed: int) -> pd.Series:
    table = _last_year(seed)
    return table["spend"] / table["visits"]


def _textbook_clv(p: Mapping[str, Any]) -> float:
    per_month = _visits_per_month(p)["Premium"]
    return clv.simple_clv(_spend_per_visit(p["seed"])["Premium"], per_month, 4, per="month")


@functools.lru_cache(maxsize=4)
def _models(seed: int) -> dict[str, clv_models.ShiftedBetaGeometric]:
    members, _ = case.known_tables(seed)
    return {
        str(plan): clv_models.fit_sbg(clv_models.cohort_survivors(group, as_of=case.CASE_DATE))
        for plan, group in members.groupby("plan", observed=True)
    }


def _churn(p: Mapping[str, Any]) -> pd.Series:
    return _plans({plan: m.gamma / (m.gamma + m.delta) for plan, m in _models(p["seed"]).items()})


def _fees(seed: int) -> pd.Series:
    members, _ = case.known_tables(seed)
    return members.groupby("plan", observed=True)["monthly_fee"].first()


def _member_value(p: Mapping[str, Any]) -> pd.Series:
    seed = p["seed"]
    margin = (
        _fees(seed) * p["fee_margin"]
        + _visits_per_month(p) * _spend_per_visit(seed) * p["treatment_margin"]
    )
    monthly_rate = (1 + p["discount_rate"]) ** (1 / 12) - 1
    return _plans(
        {plan: m.customer_value(margin[plan], monthly_rate) for plan, m in _models(seed).items()}
    )


def _warning_ratio(p: Mapping[str, Any]) -> float:
    members, visits = case.known_tables(p["seed"])
    gone = members[
        (members["cancelled"] >= YEAR_AGO)
        & ((members["cancelled"] - members["joined"]).dt.days >= case.MIN_TENURE_DAYS)
    ]
    seen = visits.merge(gone[["member_id", "joined", "cancelled"]], on="member_id")
    edge = seen["cancelled"] - pd.Timedelta(days=case.WINDOW_DAYS)
    last = (seen["timestamp"] >= edge).sum() / (len(gone) * case.WINDOW_DAYS)
    earlier_days = (
        gone["cancelled"] - pd.Timedelta(days=case.WINDOW_DAYS) - gone["joined"]
    ).dt.days
    earlier = (seen["timestamp"] < edge).sum() / earlier_days.sum()
    return float(last / earlier)


@functools.lru_cache(maxsize=4)
def _backtest(seed: int) -> tuple[float, float]:
    """(share cancelled among the flagged, among the others) after the back-test days."""
    members, visits = case.known_tables(seed)
    flagged, cancelled = [], []
    for day in case.BACKTEST_DAYS:
        rates = case.visit_rates(members, visits, day)
        flagged.append(rates["recent_rate"] < 0.5 * rates["usual_rate"])
        deadline = day + pd.Timedelta(days=case.OUTCOME_DAYS)
        cancelled.append(rates["cancelled"].notna() & (rates["cancelled"] < deadline))
    flag, gone = pd.concat(flagged, ignore_index=True), pd.concat(cancelled, ignore_index=True)
    return float(gone[flag].mean()), float(gone[~flag].mean())


def _break_even(p: Mapping[str, Any], cost: pd.Series | float) -> pd.Series:
    return _plans((cost / (_backtest(p["seed"])[0] * _member_value(p))).to_dict())


def _flagged_now(p: Mapping[str, Any]) -> pd.Series:
    members, visits = case.known_tables(p["seed"])
    rates = case.visit_rates(members, visits, case.CASE_DATE)
    flagged = rates.loc[rates["recent_rate"] < 0.5 * rates["usual_rate"], "plan"]
    return flagged.value_counts().sort_index().rename_axis("plan")


def _points_break_even(p: Mapping[str, Any]) -> float:
    members, _ = case.known_tables(p["seed"])
    table = _last_year(p["seed"])
    return programs.break_even_lift(
        lever="spend",
        members=int(members["cancelled"].isna().sum()),
        spend_per_member=table["spend"].sum() / (table["member_months"].sum() / 12),
        gross_margin=p["treatment_margin"],
        reward_rate=p["reward_rate"],
        redemption_rate=p["redemption_rate"],
        admin_cost_fixed=p["points_fixed_cost"],
        admin_cost_per_member=p["points_cost_per_member"],
    )


QUESTIONS = [
    Question(
        "q1",
        kind="series",
        expected=_visits_per_month,
        rtol=1e-3,
        hint="Visits of the last twelve months by plan, divided by the months of membership "
        "each plan's members had in those twelve months (days over 365.25/12).",
    ),
    Question(
        "q2",
        expected=_textbook_clv,
        rtol=1e-3,
        hint="clv.simple_clv with the Premium members' spend per visit and visits per month "
        "over the last twelve months, for 4 years.",
    ),
    Question(
        "q3",
        kind="series",
        expected=_churn,
        rtol=1e-3,
        hint="One clv_models.fit_sbg per plan on clv_models.cohort_survivors of that plan's "
        "members as of the case date; the mean churn of a new cohort is gamma/(gamma+delta).",
    ),
    Question(
        "q4",
        kind="series",
        expected=_member_value,
        rtol=1e-3,
        hint="Monthly margin = fee x fee_margin + visits per month x spend per visit x "
        "treatment_margin; the plan's model.customer_value at the monthly discount rate "
        "(1 + yearly)^(1/12) - 1.",
    ),
    Question(
        "q5",
        expected=_warning_ratio,
        rtol=1e-3,
        hint="For the members who cancelled in the last twelve months after at least 120 days: "
        "visits per day in their last 61 days, over visits per day before that, all members "
        "pooled.",
    ),
    Question(
        "q6",
        expected=lambda p: _backtest(p["seed"])[0],
        rtol=1e-3,
        hint="case.visit_rates on each back-test day; flag recent_rate < 0.5 x usual_rate; "
        "a look counts as a cancellation if the member cancelled in the 31 days after; pool "
        "the looks of all days.",
    ),
    Question(
        "q7",
        expected=lambda p: _backtest(p["seed"])[0] / _backtest(p["seed"])[1],
        rtol=1e-3,
        hint="The flagged members' cancellation share divided by the other members' share.",
    ),
    Question(
        "q8",
        kind="series",
        expected=lambda p: _break_even(p, _fees(p["seed"])),
        rtol=1e-3,
        hint="The offer costs one month's fee for every flagged member; it pays back when "
        "save rate x share who would cancel x member value covers that cost.",
    ),
    Question(
        "q9",
        kind="series",
        expected=lambda p: _break_even(p, p["offer_cost"]),
        rtol=1e-3,
        hint="As in Q8, with offer_cost instead of the fee.",
    ),
    Question(
        "q10",
        kind="series",
        expected=_flagged_now,
        hint="case.visit_rates on the case date and the same flag as in Q6; count the flagged "
        "members of every plan.",
    ),
    Question(
        "q11",
        kind="set",
        expected=lambda p: {
            plan for plan, rate in _break_even(p, p["offer_cost"]).items() if rate < p["save_rate"]
        },
        hint="The plans whose break-even save rate for the treatment (Q9) is below save_rate.",
    ),
    Question(
        "q12",
        expected=_points_break_even,
        rtol=1e-3,
        hint="programs.break_even_lift(lever='spend', ...) with today's paying members and "
        "their treatment spend per member-year of the last twelve months.",
    ),
    Question(
        "q13",
        kind="free",
        min_words=50,
        topics={
            "a comparison group": ("compar", "control", "pilot", "non-member", "did", "differen"),
            "before and after": ("before", "after", "baseline"),
            "measures (KPIs)": ("kpi", "visit", "spend", "cancel", "retention", "churn"),
        },
        hint="Who would you compare with whom, over which periods, on which measures, and "
        "what result would make you keep or stop the programme?",
    ),
    Question(
        "q14",
        kind="free",
        min_words=80,
        topics={
            "a decision": ("recommend", "should", "propose", "decision"),
            "the offer": ("offer", "free month", "treatment"),
            "whom to target": ("premium", "plus", "basic", "target", "flag"),
            "money": ("php", "value", "cost", "break-even", "break even"),
        },
        hint="A memo to Liza: what to do with the offer, to whom, what it is worth, what to do "
        "about Harbor Points, and how she will know it works.",
    ),
]

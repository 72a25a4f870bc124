"""Checks for the exercises of lesson 04, designing and improving a relationship programme."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pandas as pd

from casekit import datasets, programs
from casekit.checks import Question

#: Shopper's Club rules: one point per Php 50 spent.
POINTS_PER_PESO = 1 / 50

#: The coffee chain of question 1: a point per Php 20; a drink costing Php 60 for 150 points.
COFFEE = {"points_per_peso": 1 / 20, "cost_per_point": 60 / 150}

#: Why the naive estimate is so large (question 9): the options, the right one first.
WHY_NAIVE = (
    "members were heavier buyers before they joined",
    "the rewards are too generous",
    "non-members shop more online, where baskets are smaller",
    "the comparison group ignores the seasons",
)


@functools.cache
def _data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    transactions = datasets.load("cedar_transactions")
    transactions = transactions.assign(spend=transactions["gross"] - transactions["discount"])
    return (
        datasets.load("cedar_customers"),
        transactions,
        datasets.load("cedar_loyalty_events"),
    )


def _design(params: Mapping[str, Any]) -> dict[str, float]:
    customers, transactions, events = _data()
    return programs.club_design(
        customers,
        transactions,
        events,
        year=params["year"],
        points_per_peso=POINTS_PER_PESO,
        admin_cost_fixed=params["admin_cost_fixed"],
        admin_cost_per_member=params["admin_cost_per_member"],
    )


def _kpis(params: Mapping[str, Any]) -> pd.Series:
    customers, transactions, events = _data()
    design = _design(params)
    admin = design["admin_cost_fixed"] + design["admin_cost_per_member"] * design["members"]
    return programs.club_kpis(
        customers, transactions, events, year=params["year"], admin_cost=admin
    )


@functools.cache
def _panel(window: int, seed: int) -> pd.DataFrame:
    customers, transactions, _ = _data()
    return programs.evaluation_panel(customers, transactions, window=window, seed=seed)


def _did(params: Mapping[str, Any]) -> float:
    return programs.did_estimate(_panel(params["window"], params["seed"])).lift


def _fair(params: Mapping[str, Any]) -> dict[str, float]:
    """Today's design with the fair lift: spending without the club = today's / (1 + lift)."""
    design = _design(params)
    lift = _did(params)
    return {
        **design,
        "spend_per_member": design["spend_per_member"] / (1 + lift),
        "spend_lift": lift,
    }


def _breakage(params: Mapping[str, Any]) -> float:
    _, _, events = _data()
    year = params["year"]
    return programs.points_summary(events, start=f"{year}-01-01", end=f"{year}-12-31")["breakage"]


def _reward_cost(params: Mapping[str, Any]) -> float:
    """What the redeemed rewards of the year cost, as logged event by event."""
    _, _, events = _data()
    year = params["year"]
    summary = programs.points_summary(events, start=f"{year}-01-01", end=f"{year}-12-31")
    return float(summary["reward_cost"])


def _naive_ratio(params: Mapping[str, Any]) -> float:
    customers, transactions, _ = _data()
    year = params["year"]
    table = programs.naive_comparison(
        customers, transactions, start=f"{year}-01-01", end=f"{year}-12-31"
    )
    spend = table["spend_per_customer"]
    return float(spend["members"] / spend["non-members"])


def _before_ratio(params: Mapping[str, Any]) -> float:
    table = programs.did_table(_panel(params["window"], params["seed"]))
    return float(table.loc["members", "before"] / table.loc["controls", "before"])


def _missed(params: Mapping[str, Any]) -> set[str]:
    kpis = _kpis(params)
    values = {**kpis.to_dict(), "incremental_spend": _did(params)}
    card = programs.kpi_scorecard(values, params["objectives"])
    return set(card.loc[~card["met"], "kpi"])


def _revision_gain(params: Mapping[str, Any]) -> float:
    fair = _fair(params)
    revised = {**fair, "reward_rate": fair["reward_rate"] * 200 / 250}
    after = programs.program_economics(**revised)["annual_profit"]
    return float(after - programs.program_economics(**fair)["annual_profit"])


QUESTIONS = [
    Question(
        "q1",
        expected=lambda p: programs.reward_rate(**COFFEE),
        rtol=1e-3,
        hint="Reward rate = points per peso × what one point costs the chain (the drink's "
        "cost over the points it needs).",
    ),
    Question(
        "q2",
        expected=_breakage,
        rtol=1e-3,
        hint="Breakage = 1 − points redeemed / points issued, over the events of the year "
        "(programs.points_summary does the counting).",
    ),
    Question(
        "q3",
        expected=_reward_cost,
        rtol=1e-3,
        hint="Reward cost = points issued × redemption rate × cost per point; take all "
        "three from programs.points_summary for the year (programs.reward_cost multiplies).",
    ),
    Question(
        "q4",
        expected=lambda p: programs.break_even_lift(lever="spend", **_design(p)),
        rtol=1e-3,
        hint="Build the design with programs.club_design and solve for the spend lift at "
        "which the yearly profit is zero (programs.break_even_lift).",
    ),
    Question(
        "q5",
        expected=lambda p: programs.break_even_retention(
            retention=_kpis(p)["member_retention"], discount_rate=p["discount_rate"], **_design(p)
        ),
        rtol=1e-3,
        hint="Value a member with and without the club through CLV "
        "(programs.break_even_retention) with the members' retention as the starting rate.",
    ),
    Question(
        "q6",
        expected=_naive_ratio,
        rtol=1e-3,
        hint="programs.naive_comparison for the year, then members' spend per customer over "
        "non-members'.",
    ),
    Question(
        "q7",
        expected=_before_ratio,
        rtol=1e-3,
        hint="In programs.did_table, compare the two groups' 'before' columns.",
    ),
    Question(
        "q8",
        expected=_did,
        rtol=1e-3,
        hint="programs.did_estimate on the panel; the answer is its lift (a share, not a "
        "percentage).",
    ),
    Question(
        "q9",
        kind="choice",
        options=WHY_NAIVE,
        expected=lambda p: WHY_NAIVE[0],
        hint="Look at your answer to Q7: how did the two groups differ before anyone joined?",
    ),
    Question(
        "q10",
        kind="set",
        expected=_missed,
        hint="Put the KPIs and the fair lift in one dictionary, run programs.kpi_scorecard "
        "with the objectives, and keep the rows where 'met' is False.",
    ),
    Question(
        "q11",
        expected=_revision_gain,
        rtol=1e-3,
        hint="Use the design with the fair lift; a reward every 250 points instead of 200 "
        "scales the reward rate by 200/250. Subtract today's profit from the revised one.",
    ),
    Question(
        "q12",
        kind="free",
        min_words=50,
        topics={
            "an objective the club misses": (
                "objective",
                "target",
                "kpi",
                "retention",
                "enrolment",
                "active",
                "cost per member",
            ),
            "money (profit, cost or lift)": ("profit", "php", "cost", "lift", "break-even"),
            "how to test the revision": (
                "test",
                "control",
                "comparison",
                "pilot",
                "hold",
                "measure",
                "monitor",
            ),
        },
        hint="Name the objective, the change, its effect in pesos, and how you would check "
        "that it worked.",
    ),
]

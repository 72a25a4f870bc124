"""Checks for the exercises of lesson 08, CRM strategy and software selection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from casekit import clv, strategy
from casekit.checks import Question


def _harbor_ratings(params: Mapping[str, Any]) -> pd.Series:
    sheet = strategy.harbor_spa_evidence()
    return sheet.set_index("strategy")["rating"].astype(float)


def _cedar_after_training() -> pd.DataFrame:
    sheet = strategy.cedar_lane_evidence()
    sheet.loc[sheet["strategy"] == "service_training", "rating"] = 3
    return strategy.scorecard(sheet)


def _revised(params: Mapping[str, Any]) -> pd.DataFrame:
    scores = strategy.kestrel_vendor_scores()
    # normalised quietly: the learner's check output should not carry the note
    weights = strategy.normalise_weights(dict(params["points"]), scores.columns, warn=False)
    return strategy.weighted_scores(scores, weights)


def _flip_help_support(params: Mapping[str, Any]) -> float:
    flips = strategy.flip_points(strategy.kestrel_vendor_scores(), strategy.kestrel_weights())
    return float(flips.loc["help_support", "flip_up"])


def _stability(params: Mapping[str, Any]) -> float:
    result = strategy.rank_stability(
        strategy.kestrel_vendor_scores(),
        strategy.kestrel_weights(),
        spread=params["spread"],
        draws=params["draws"],
        seed=params["seed"],
    )
    return result.same_winner


def _tco(params: Mapping[str, Any]) -> float:
    table = strategy.total_cost_of_ownership(
        strategy.kestrel_prices(), users=params["users"], years=params["years"]
    )
    return float(table.loc["Coral Suite", "tco"])


def _roi_percent(params: Mapping[str, Any]) -> float:
    margin = clv.margin_from_revenue(
        clv.value_per_year(params["monthly_purchases"], 1, per="month"),
        gross_margin=params["gross_margin"],
    )
    value = strategy.crm_value(
        accounts=params["accounts"],
        margin_per_account=margin,
        retention_before=params["retention_before"],
        retention_after=params["retention_after"],
        discount_rate=params["discount_rate"],
        years=params["years"],
        margin_uplift=params["margin_uplift"],
    )
    case = strategy.investment_case(
        strategy.kestrel_prices(),
        value,
        users=params["users"],
        discount_rate=params["discount_rate"],
    )
    return 100 * float(case.loc["Banyan Desk", "roi"])


def _changed_plan(params: Mapping[str, Any]) -> pd.DataFrame:
    tasks = strategy.kestrel_roadmap()
    tasks.loc[tasks["task"] == "T7", "weeks"] = params["t7_weeks"]
    return strategy.schedule(tasks)


#: Harbor Spa's CRM implementation steps, shuffled, for the ordering question: step,
#: what it is, and the step that must be done before it (the steps of source 002).
IMPLEMENTATION_STEPS = (
    ("A", "Run the first phase: members' bookings and reminders", "E"),
    ("B", "Decide the goal: improve the booking process, or change it", ""),
    ("C", "Free the front-desk team's time for the project and train them", "F"),
    ("D", "Appoint a project manager from the front desk, not from IT", "B"),
    ("E", "Define the KPIs and measure them before anything goes live", "C"),
    ("F", "Win the owner's sponsorship: the budget, and the manager introduced to staff", "D"),
)


def implementation_steps() -> pd.DataFrame:
    """Harbor Spa's implementation steps (a fresh copy), columns step, name, after."""
    return pd.DataFrame(IMPLEMENTATION_STEPS, columns=["step", "name", "after"])


def _step_order(params: Mapping[str, Any]) -> list[str]:
    steps = implementation_steps()
    plan = strategy.schedule(
        steps.assign(weeks=1).rename(columns={"step": "task", "after": "depends_on"})
    )
    return plan.sort_values("earliest_start", kind="stable")["task"].tolist()


QUESTIONS = [
    Question(
        "q1",
        kind="series",
        expected=_harbor_ratings,
        atol=1.0,
        rtol=0.0,
        hint="Rate each observation against the five levels: is it written down? measured "
        "and reviewed? compared with competitors? Use the strategy keys as labels.",
    ),
    Question(
        "q2",
        expected=lambda p: strategy.maturity_profile(_cedar_after_training())["overall"],
        rtol=1e-3,
        hint="Change the ratings of the service_training rows, run strategy.scorecard and "
        "take the mean of the nine scores.",
    ),
    Question(
        "q3",
        kind="set",
        expected=lambda p: set(strategy.weakest_links(_cedar_after_training(), n=1)),
        hint="After the change, look for the lowest score; keep every strategy tied with it.",
    ),
    Question(
        "q4",
        kind="series",
        expected=lambda p: _revised(p)["total"],
        rtol=1e-3,
        hint="Pass the points as they are to strategy.weighted_scores: it divides them by "
        "their sum. Answer with the 'total' column.",
    ),
    Question(
        "q5",
        kind="choice",
        options=tuple(strategy.kestrel_vendor_scores().index),
        expected=lambda p: str(_revised(p).index[0]),
        hint="The option ranked 1 with the revised weights.",
    ),
    Question(
        "q6",
        expected=_flip_help_support,
        atol=0.002,
        rtol=0.0,
        hint="Use strategy.flip_points with the agreed weights and read the help_support row; "
        "give a share (0.25 for 25 %).",
    ),
    Question(
        "q7",
        expected=_stability,
        atol=0.001,
        rtol=0.0,
        hint="Call strategy.rank_stability with the spread, draws and seed of the parameters "
        "cell and read same_winner.",
    ),
    Question(
        "q8",
        expected=_tco,
        rtol=1e-4,
        hint="One-off costs once, plus each year 12 months x users x licence, plus support; "
        "no discounting.",
    ),
    Question(
        "q9",
        expected=_roi_percent,
        atol=0.1,
        rtol=0.0,
        hint="Value from strategy.crm_value (margin per account through clv), then "
        "strategy.investment_case; ROI in percent is 100 x roi.",
    ),
    Question(
        "q10",
        kind="sequence",
        expected=lambda p: strategy.critical_path(_changed_plan(p)),
        hint="Change T7's weeks in a copy of the roadmap, schedule it again and follow the "
        "zero-slack tasks from start to end.",
    ),
    Question(
        "q11",
        expected=lambda p: _changed_plan(p).attrs["length"],
        hint="The project length is the latest earliest finish of any task.",
    ),
    Question(
        "q12",
        kind="free",
        min_words=60,
        topics={
            "cost (TCO, ROI)": ("cost", "tco", "roi", "php", "price", "expens", "cheap"),
            "time or risk": ("time", "risk", "late", "delay", "slow", "week", "month"),
            "fit or control": (
                "fit",
                "control",
                "unique",
                "custom",
                "process",
                "flexib",
                "advantage",
            ),
        },
        hint="Weigh cost, time and risk against fit and control, with this notebook's numbers.",
    ),
    Question(
        "q13",
        kind="sequence",
        expected=_step_order,
        hint="Start with the step that needs nothing before it, then at each turn take the "
        "step whose 'after' is the one just placed.",
    ),
]

"""Checks for the exercises of lesson 05, customer service audits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from casekit import audit, datasets
from casekit.checks import Question

COMPANY = "Cedar Lane Market"


def _survey(wave: int | None = None) -> pd.DataFrame:
    survey = datasets.load("cedar_surveys")
    return survey if wave is None else survey[survey["wave"] == wave]


def _ipa(params: Mapping[str, Any]) -> pd.DataFrame:
    return audit.importance_performance(audit.survey_ipa_table(_survey(2)), label="item")


def _reliability_gap(params: Mapping[str, Any]) -> float:
    dims = audit.gap_scores(_survey(2))["dimensions"].set_index("dimension")
    return float(dims.loc["reliability", "gap"])


def _changed(params: Mapping[str, Any]) -> set[str]:
    table = audit.wave_change(_survey(), alpha=params["alpha"])
    return set(table.loc[table["significant"], "dimension"].astype(str))


def _concentrate(params: Mapping[str, Any]) -> set[str]:
    ipa = _ipa(params)
    return set(ipa.loc[ipa["quadrant"] == "Concentrate here", "item"])


def _tangibles_quadrant(params: Mapping[str, Any]) -> str:
    ipa = _ipa(params)
    quadrants = set(ipa.loc[ipa["dimension"] == "tangibles", "quadrant"].astype(str))
    if len(quadrants) != 1:
        raise ValueError(f"the tangibles items fall in several quadrants: {sorted(quadrants)}")
    return quadrants.pop()


def _behind(params: Mapping[str, Any]) -> set[str]:
    table = audit.competitor_comparison(_survey(2), alpha=params["alpha"])
    return set(table.loc[table["direction"] == "behind", "dimension"].astype(str))


def _transaction_compliance(params: Mapping[str, Any]) -> float:
    checklist = datasets.load("audit_checklist")
    ours = checklist[checklist["company"] == COMPANY]
    table = audit.checklist_compliance(ours, max_score=4, weight="weight").set_index("phase")
    return float(table.loc["transaction", "compliance"])


def _mystery_method(params: Mapping[str, Any]) -> str:
    methods = audit.investigation_methods()
    return str(methods.loc[methods["method"].str.casefold() == "mystery shopper", "method"].iloc[0])


QUESTIONS = [
    Question(
        "q1",
        expected=lambda p: audit.sample_size_proportion(p["margin"], confidence=p["confidence"]),
        rtol=0.0,
        hint="n0 = z² p (1 − p) / e² with p = 0.5 and z for the confidence level; then round "
        "up to whole respondents.",
    ),
    Question(
        "q2",
        expected=lambda p: audit.sample_size_proportion(
            p["margin"], confidence=p["confidence"], population=p["population"]
        ),
        rtol=0.0,
        hint="Use the finite-population correction n = n0 / (1 + (n0 − 1) / N), or pass "
        "population= to audit.sample_size_proportion.",
    ),
    Question(
        "q3",
        kind="choice",
        options=tuple(audit.investigation_methods()["method"]),
        expected=_mystery_method,
        hint="Which method sends someone through the same experience as a customer, with a "
        "scoring form that is the same in every store?",
    ),
    Question(
        "q4",
        expected=lambda p: audit.visits_for_budget(
            p["budget"],
            stores=p["stores"],
            scenarios=len(audit.MYSTERY_SCENARIOS),
            cost_per_visit=p["cost_per_visit"],
            fixed_cost=p["fixed_cost"],
        ),
        rtol=0.0,
        hint="Take the fixed cost off the budget, divide by the cost of one round (stores × "
        "scenarios × cost per visit) and round down.",
    ),
    Question(
        "q5",
        expected=_reliability_gap,
        rtol=1e-3,
        hint="Use only wave 2. Item gap = mean(perception − expectation); the dimension's gap "
        "is the mean of its items' gaps.",
    ),
    Question(
        "q6",
        kind="set",
        expected=_changed,
        hint="audit.wave_change compares the two waves dimension by dimension; keep the rows "
        "where significant is True.",
    ),
    Question(
        "q7",
        kind="set",
        expected=_concentrate,
        hint="Look for the points above the horizontal line and left of the vertical line.",
    ),
    Question(
        "q8",
        kind="choice",
        options=tuple(audit.IPA_QUADRANTS.values()),
        expected=_tangibles_quadrant,
        hint="Where do the TAN items sit: above or below the importance line, left or right "
        "of the performance line?",
    ),
    Question(
        "q9",
        kind="choice",
        options=tuple(audit.IPA_QUADRANTS.values()),
        expected=lambda p: "Concentrate here",
        hint="Resources should go where customers care most and the firm does worst.",
    ),
    Question(
        "q10",
        kind="set",
        expected=_behind,
        hint="audit.competitor_comparison on wave 2; keep the dimensions whose direction is "
        "'behind'.",
    ),
    Question(
        "q11",
        expected=_transaction_compliance,
        rtol=1e-3,
        hint="Keep Cedar Lane's rows; compliance = Σ weight × score / Σ weight × 4 over the "
        "transaction-phase items.",
    ),
    Question(
        "q12",
        kind="free",
        min_words=35,
        topics={
            "evidence (a number from the audit)": (
                "point",
                "%",
                "p <",
                "p =",
                "score",
                "gap",
                "mean",
                "compliance",
            ),
            "an action (what should be done)": (
                "should",
                "recommend",
                "action",
                "set a",
                "monitor",
                "review",
                "train",
                "introduce",
                "fix",
            ),
        },
        hint="Write what you found, the numbers that show it, and what should be done, by "
        "whom, and how you would check it worked.",
    ),
]

"""Checks for the exercises of lesson 03, customer data and segmentation."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pandas as pd

from casekit import catalog, datasets, privacy, segments
from casekit.checks import Question

#: The first rows of cedar_customers that question 1 pseudonymises, and their columns.
SIGN_UP_ROWS = 4
SIGN_UP_COLUMNS = ["customer_id", "name", "email", "phone", "birth_date", "city"]

#: The quasi-identifiers of question 2.
QUASI_IDENTIFIERS = ["age_band", "region", "occupation"]

#: The (R, F) score pairs that question 6 names.
SCORE_PAIRS = [(5, 5), (3, 2), (2, 4), (4, 1), (1, 1), (3, 3)]

#: The segment and the profile column of question 7.
PROFILE_SEGMENT = "new"
PROFILE_COLUMN = "distance_km_band"


@cache
def _tables(key: str, as_of: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return segments.analysis_tables(
        datasets.load("cedar_customers"), datasets.load("cedar_transactions"), key=key, as_of=as_of
    )


def _rfm(p: Mapping[str, Any]) -> pd.DataFrame:
    _, purchases = _tables(p["key"], p["as_of"])
    table = segments.rfm(purchases, p["as_of"], date_col="timestamp", amount_col="spend")
    return table[["recency", "frequency", "monetary"]]


def _scored(p: Mapping[str, Any]) -> pd.DataFrame:
    scored = segments.rfm_scores(_rfm(p), p["scheme"])
    scored["segment"] = segments.assign_segments(scored)
    return scored


def _sign_ups(p: Mapping[str, Any]) -> pd.DataFrame:
    sign_ups = datasets.load("cedar_customers").head(SIGN_UP_ROWS)[SIGN_UP_COLUMNS]
    return privacy.pseudonymise(sign_ups, p["key"], birth_date="birth_date", as_of=p["as_of"])


def _k(p: Mapping[str, Any]) -> int:
    people, _ = _tables(p["key"], p["as_of"])
    return privacy.k_anonymity(people, QUASI_IDENTIFIERS)


def three_customers(purchases: pd.DataFrame, as_of: str) -> pd.Index:
    """The three customers of question 3: the first pseudonyms with 2 to 4 purchases by as_of."""
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    counts = purchases[purchases["timestamp"] < end].groupby("customer_id").size()
    return counts[counts.between(2, 4)].index[:3]


def _by_hand(p: Mapping[str, Any]) -> pd.DataFrame:
    _, purchases = _tables(p["key"], p["as_of"])
    return _rfm(p).loc[three_customers(purchases, p["as_of"])]


def _champions(p: Mapping[str, Any]) -> int:
    return int((_scored(p)["segment"] == "champions").sum())


def _named(p: Mapping[str, Any]) -> list[str]:
    pairs = pd.DataFrame(SCORE_PAIRS, columns=["R", "F"])
    return segments.assign_segments(pairs).astype(str).tolist()


def _profile_top(p: Mapping[str, Any]) -> str:
    people, _ = _tables(p["key"], p["as_of"])
    profile = segments.segment_profile(people.join(_scored(p)["segment"]), [PROFILE_COLUMN])
    rows = profile[profile["segment"] == PROFILE_SEGMENT]
    return str(rows.loc[rows["index"].idxmax(), "value"])


@cache
def _whale(online_order_cost: float) -> pd.Series:
    rates = {name: rate for name, (rate, _) in catalog.COST_TO_SERVE.items()}
    rates["online_order"] = online_order_cost
    profit = segments.customer_profitability(
        datasets.load("cedar_transactions"),
        contacts=datasets.load("cedar_service_contacts"),
        complaints=datasets.load("cedar_complaints"),
        loyalty_events=datasets.load("cedar_loyalty_events"),
        rates=rates,
    )
    return segments.whale_summary(profit)


QUESTIONS = [
    Question(
        "q1",
        kind="frame",
        expected=_sign_ups,
        ignore_index=True,
        hint="privacy.pseudonymise with the key, birth_date='birth_date' and as_of: the "
        "default drops name, e-mail and phone and prefixes the pseudonyms with 'P'.",
    ),
    Question(
        "q2",
        expected=_k,
        hint="privacy.k_anonymity(people, [...]) with the three columns together; the smallest "
        "group size is k.",
    ),
    Question(
        "q3",
        kind="frame",
        expected=_by_hand,
        ignore_index=True,
        hint="Recency counts whole days from the last purchase to as_of (0 if on the day); "
        "frequency counts every purchase; monetary adds the spend. One row per customer, in "
        "the order shown, columns recency, frequency, monetary.",
    ),
    Question(
        "q4",
        kind="frame",
        expected=_rfm,
        rtol=1e-6,
        hint="Keep purchases before the day after as_of, group by customer_id, and take the "
        "days since the last purchase, the number of rows and the sum of spend.",
    ),
    Question(
        "q5",
        expected=_champions,
        hint="segments.rfm_scores on your RFM table with the scheme, then "
        "segments.assign_segments, then count 'champions'.",
    ),
    Question(
        "q6",
        kind="sequence",
        expected=_named,
        hint="Go down segments.segment_rules() in order; the first rule whose R and F ranges "
        "both contain the pair names it.",
    ),
    Question(
        "q7",
        kind="choice",
        options=("under 2 km", "2-5 km", "5-10 km", "10-20 km", "20+ km"),
        expected=_profile_top,
        hint="segments.segment_profile on the people table joined with the segments; among the "
        f"'{PROFILE_SEGMENT}' rows of {PROFILE_COLUMN}, find the largest index.",
    ),
    Question(
        "q8",
        expected=lambda p: 100 * _whale(p["online_order_cost"])["peak_share"],
        atol=0.5,
        rtol=0.0,
        hint="Pass rates= with the new online-order cost to segments.customer_profitability, "
        "then read peak_share from segments.whale_summary; give a percentage.",
    ),
    Question(
        "q9",
        expected=lambda p: 100 * _whale(p["online_order_cost"])["unprofitable_share"],
        atol=0.5,
        rtol=0.0,
        hint="The share of customers whose profit is below zero, as a percentage.",
    ),
    Question(
        "q10",
        kind="free",
        min_words=60,
        topics={
            "who they are (a number or profile)": ("%", "php", "index", "profile", "days"),
            "an action": ("call", "contact", "offer", "e-mail", "message", "visit", "ask"),
            "cost or value of the action": ("cost", "value", "worth", "budget", "profit", "clv"),
        },
        hint="Say who the at-risk customers are (from the numbers), what you would do, when, "
        "and how much it may cost against what they are worth.",
    ),
]

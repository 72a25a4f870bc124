"""Checks for the exercises of lesson 02b, probabilistic CLV on real data."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from casekit import clv_models, datasets
from casekit.checks import Question

#: Survivors per 1,000 high-end customers, years 0-12 (Fader & Hardie 2007).
HIGH_END = (1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394)
#: The customer of questions 3 and 4: repeat purchases, recency and age in weeks.
CUSTOMER = (3, 20.0, 35.0)


@lru_cache(maxsize=4)
def _summary(table: str, calibration_end: str, observation_end: str) -> pd.DataFrame:
    return clv_models.rfm_summary(
        datasets.load(table), calibration_end=calibration_end, observation_end=observation_end
    )


@lru_cache(maxsize=4)
def _models(
    table: str, calibration_end: str, observation_end: str
) -> tuple[clv_models.BGNBD, clv_models.GammaGamma]:
    summary = _summary(table, calibration_end, observation_end)
    repeat = summary[summary["frequency"] > 0]
    return clv_models.fit_bgnbd(summary), clv_models.fit_gamma_gamma(
        repeat[repeat["monetary_value"] > 0]
    )


def _key(p: Mapping[str, Any]) -> tuple[str, str, str]:
    return (p["table"], p["calibration_end"], p["observation_end"])


def _repeaters(p: Mapping[str, Any]) -> int:
    return int((_summary(*_key(p))["frequency"] > 0).sum())


def _params(p: Mapping[str, Any]) -> list[float]:
    model = _models(*_key(p))[0]
    return [model.r, model.alpha, model.a, model.b]


def _expected(p: Mapping[str, Any]) -> float:
    return _models(*_key(p))[0].conditional_expected_purchases(26, *CUSTOMER)


def _alive(p: Mapping[str, Any]) -> float:
    return _models(*_key(p))[0].probability_alive(*CUSTOMER)


def _holdout_total(p: Mapping[str, Any]) -> float:
    summary = _summary(*_key(p))
    model = _models(*_key(p))[0]
    weeks = float(summary["holdout_length"].iloc[0])
    return float(model.predict(summary, weeks)["expected_purchases"].sum())


def _largest_gap(p: Mapping[str, Any]) -> str:
    table = clv_models.holdout_table(_summary(*_key(p)), _models(*_key(p))[0])
    gap = (table["actual"] - table["predicted"]).abs()
    return str(table.loc[gap.idxmax(), "frequency"])


def _top_customer(p: Mapping[str, Any]) -> str:
    summary = _summary(*_key(p))
    bgnbd, spend = _models(*_key(p))
    monthly = (1 + p["annual_discount_rate"]) ** (1 / 12) - 1
    value = clv_models.customer_lifetime_value(
        bgnbd,
        spend,
        summary,
        margin=p["margin"],
        discount_rate=monthly,
        periods=12,
        period_length=52 / 12,
    )
    return str(value.idxmax())


def _high_end(p: Mapping[str, Any]) -> clv_models.ShiftedBetaGeometric:
    return clv_models.fit_sbg(list(HIGH_END[: p["fit_years"] + 1]))


QUESTIONS = [
    Question(
        "q1",
        expected=_repeaters,
        hint="Build the summary with cm.rfm_summary (calibration_end, observation_end) and "
        "count the customers whose frequency is above 0.",
    ),
    Question(
        "q2",
        kind="sequence",
        expected=_params,
        rtol=2e-3,
        hint="Fit cm.fit_bgnbd on the summary and list the model's r, alpha, a, b in that order.",
    ),
    Question(
        "q3",
        expected=_expected,
        rtol=2e-3,
        hint="Use the fitted model's conditional_expected_purchases(t, x, t_x, T) with t = 26.",
    ),
    Question(
        "q4",
        expected=_alive,
        rtol=2e-3,
        hint="Use the fitted model's probability_alive(x, t_x, T).",
    ),
    Question(
        "q5",
        expected=_holdout_total,
        rtol=2e-3,
        hint="Sum the conditional expectations of all customers over the holdout length "
        "(model.predict(summary, t) gives them).",
    ),
    Question(
        "q6",
        kind="choice",
        options=("0", "1", "2", "3", "4", "5", "6", "7+"),
        expected=_largest_gap,
        hint="Build cm.holdout_table and compare the actual and predicted columns row by row "
        "(the size of the difference, not its sign).",
    ),
    Question(
        "q7",
        kind="text",
        expected=_top_customer,
        hint="Fit the Gamma-Gamma model too, compute cm.customer_lifetime_value for 12 monthly "
        "periods of 52/12 weeks with a monthly discount rate, and take the index of the largest.",
    ),
    Question(
        "q8",
        expected=lambda p: 1000 * _high_end(p).survival(12),
        rtol=2e-3,
        hint="Fit cm.fit_sbg on the counts of years 0 to fit_years only, then take the model's "
        "survival at year 12, per 1,000 customers.",
    ),
    Question(
        "q9",
        expected=lambda p: _high_end(p).customer_value(100, p["annual_discount_rate"]),
        rtol=2e-3,
        hint="Use the same sBG model's customer_value(margin, discount_rate) for a new member.",
    ),
    Question(
        "q10",
        kind="free",
        min_words=40,
        topics={
            "the probability of being active": ("alive", "active", "p(alive)", "probab"),
            "value (CLV, spend or margin)": ("clv", "value", "spend", "margin", "worth"),
            "the holdout check": ("holdout", "predict", "forecast", "under", "over", "check"),
        },
        hint="Say how well the model predicted the holdout, then which customers you would "
        "target and why, using P(alive) and CLV.",
    ),
]

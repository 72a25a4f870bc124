"""Tests for casekit.clv_models: the published results reproduced, plus second methods.

Published values and where they come from
-----------------------------------------
* BG/NBD on the CDNOW 1/10 sample, 39-week calibration period (1 Jan to 30 Sep 1997):
  r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4; and the worked conditional
  expectation for a customer with x = 2, t_x = 30.43, T = 38.86: 1.226 purchases in the
  next 39 weeks. Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "Counting your
  customers" the easy way, *Marketing Science* 24(2), 275–284 (the same numbers are
  checked by the test suites of the lifetimes and BTYD packages).
* E[X(t)] for t = 0.1429, 1, 3, 31.8571, 32, 78 weeks: 0.0078, 0.0532, 0.1506, 1.0405,
  1.0437, 1.8576, from Hardie's BG/NBD spreadsheet for the same data (as quoted in the
  lifetimes test suite, ``test_expectation_returns_same_value_Hardie_excel_sheet``).
* Gamma-Gamma on the 946 CDNOW sample customers with repeat purchases in the calibration
  period: p = 6.25, q = 3.74, γ = 15.44, estimated in Fader, P. S., Hardie, B. G. S. &
  Lee, K. L. (2005), "RFM and CLV: using iso-value curves for customer base analysis",
  *Journal of Marketing Research* 42(4), 415–430, and worked through again, with
  LL = −4055.92, in Fader, P. S. & Hardie, B. G. S. (2013), "The Gamma-Gamma model of
  monetary value", note (the CLVTools test suite checks the same estimates with
  LL −4055.9177). Data convention: the mean value of each
  customer's *repeat* transactions in the calibration period (first purchase excluded),
  with a customer's records of one day merged into one transaction (amounts added).
  The correlation of frequency and mean spend, 0.11, is from Fader, Hardie & Lee (2005),
  "RFM and CLV", *Journal of Marketing Research* 42(4), 415–430.
* sBG: Fader, P. S. & Hardie, B. G. S. (2007), "How to project customer retention",
  *Journal of Interactive Marketing* 21(1), 76–90: survivors of 1,000 customers per
  cohort, fitted on years 0–7 — regular γ = 0.704, δ = 1.182; high end γ = 0.668,
  δ = 3.806.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import OptimizeResult, approx_fprime
from scipy.special import hyp2f1

from casekit import clv_models as cm
from casekit import datasets

CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"

# Fader & Hardie (2007), survivors per 1,000 customers at the start of years 0-12.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]

PAPER = cm.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return datasets.load("cdnow_sample")


@pytest.fixture(scope="module")
def summary(cdnow: pd.DataFrame) -> pd.DataFrame:
    return cm.rfm_summary(cdnow, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END)


@pytest.fixture(scope="module")
def bgnbd(summary: pd.DataFrame) -> cm.BGNBD:
    return cm.fit_bgnbd(summary)


@pytest.fixture(scope="module")
def gamma_gamma(summary: pd.DataFrame) -> cm.GammaGamma:
    return cm.fit_gamma_gamma(summary)


# --------------------------------------------------------------------------------------
# the summary
# --------------------------------------------------------------------------------------


def test_summary_by_hand() -> None:
    # a: purchases on 1 Jan (two records, merged), 15 Jan; b: one purchase on 8 Jan.
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "a"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08", "2024-02-05"]
            ),
            "amount": [10.0, 5.0, 20.0, 7.0, 30.0],
        }
    )
    s = cm.rfm_summary(tx, calibration_end="2024-01-29", observation_end="2024-02-26")
    assert s.loc["a", "frequency"] == 1  # the two records of 1 Jan are one purchase
    assert s.loc["a", "recency"] == pytest.approx(2.0)  # 14 days
    assert s.loc["a", "T"] == pytest.approx(4.0)  # 28 days
    assert s.loc["a", "monetary_value"] == pytest.approx(20.0)  # first purchase left out
    assert s.loc["b", "frequency"] == 0
    assert s.loc["b", "recency"] == 0
    assert s.loc["b", "T"] == pytest.approx(3.0)
    assert s.loc["b", "monetary_value"] == 0
    assert s.loc["a", "holdout_frequency"] == 1
    assert s.loc["a", "holdout_monetary_value"] == pytest.approx(30.0)
    assert s["holdout_length"].tolist() == [4.0, 4.0]


def test_summary_in_days_and_without_amount() -> None:
    tx = pd.DataFrame(
        {"customer_id": [1, 1, 2], "date": ["2024-01-01", "2024-01-03", "2024-01-02"]}
    )
    s = cm.rfm_summary(tx, calibration_end="2024-01-10", time_unit="days", amount=None)
    assert list(s.columns) == ["frequency", "recency", "T"]
    assert s.loc[1].tolist() == [1, 2.0, 9.0]
    assert s.loc[2].tolist() == [0, 0.0, 8.0]


def test_customers_acquired_after_calibration_are_left_out() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-03-01"]),
            "amount": [1.0, 1.0],
        }
    )
    s = cm.rfm_summary(tx, calibration_end="2024-01-31", observation_end="2024-03-31")
    assert s.index.tolist() == ["a"]


def test_cdnow_summary_matches_the_paper(summary: pd.DataFrame) -> None:
    assert len(summary) == 2357
    assert (summary["frequency"] > 0).sum() == 946
    # the paper's worked-example customer is the first one of the sample
    first = summary.loc["00004"]
    assert first["frequency"] == 2
    assert first["recency"] == pytest.approx(30.43, abs=0.005)
    assert first["T"] == pytest.approx(38.86, abs=0.005)
    assert summary["holdout_length"].iloc[0] == pytest.approx(39.0)


def test_same_day_records_are_merged(cdnow: pd.DataFrame) -> None:
    merged = cm.merge_same_day(cdnow)
    assert not merged.duplicated(["customer_id", "date"]).any()
    assert merged["amount"].sum() == pytest.approx(cdnow["amount"].sum())
    assert len(merged) == len(cdnow.drop_duplicates(["customer_id", "date"]))


def test_summary_validation() -> None:
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    with pytest.raises(ValueError, match="missing column"):
        cm.rfm_summary(tx.drop(columns="date"))
    with pytest.raises(ValueError, match="time_unit"):
        cm.rfm_summary(tx, time_unit="fortnights")
    with pytest.raises(ValueError, match="observation_end"):
        cm.rfm_summary(tx, calibration_end="2024-02-01", observation_end="2024-01-15")
    with pytest.raises(ValueError, match="no customer"):
        cm.rfm_summary(tx, calibration_end="2023-12-31")
    with pytest.raises(ValueError, match="empty"):
        cm.rfm_summary(tx.iloc[:0])
    with pytest.raises(TypeError, match="amount"):
        cm.rfm_summary(tx.assign(amount=["x"]))
    with pytest.raises(TypeError, match="date"):
        cm.rfm_summary(tx, calibration_end="not a date")


# --------------------------------------------------------------------------------------
# BG/NBD: published values
# --------------------------------------------------------------------------------------


def test_bgnbd_reproduces_fader_hardie_lee_2005(bgnbd: cm.BGNBD) -> None:
    # Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = -9582.4
    assert bgnbd.r == pytest.approx(0.243, abs=5e-4)
    assert bgnbd.alpha == pytest.approx(4.414, abs=5e-4)
    assert bgnbd.a == pytest.approx(0.793, abs=5e-4)
    assert bgnbd.b == pytest.approx(2.426, abs=5e-4)
    assert bgnbd.fit is not None
    assert bgnbd.fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert bgnbd.fit.converged
    assert bgnbd.fit.n_customers == 2357


def test_bgnbd_worked_conditional_expectation(bgnbd: cm.BGNBD) -> None:
    # Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 -> 1.226 in the next 39 weeks
    assert bgnbd.conditional_expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(
        1.226, abs=5e-4
    )
    assert PAPER.conditional_expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(
        1.226, abs=5e-4
    )


def test_bgnbd_expected_purchases_match_hardies_spreadsheet(bgnbd: cm.BGNBD) -> None:
    times = [0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00]
    spreadsheet = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    # the spreadsheet's solver stops at slightly different estimates, hence 5e-4
    np.testing.assert_allclose(bgnbd.expected_purchases(times), spreadsheet, atol=5e-4)


def test_bgnbd_fit_is_the_same_on_collapsed_histories(summary: pd.DataFrame) -> None:
    rows = cm.compress(summary["frequency"], summary["recency"], summary["T"])
    assert rows["weight"].sum() == len(summary)
    assert len(rows) < len(summary)
    weighted = cm.fit_bgnbd(rows, weights="weight")
    direct = cm.fit_bgnbd(summary)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(weighted, name) == pytest.approx(getattr(direct, name), rel=1e-5)
    assert weighted.fit.log_likelihood == pytest.approx(direct.fit.log_likelihood, abs=1e-6)


def test_bgnbd_log_likelihood_sums_to_the_fit(bgnbd: cm.BGNBD, summary: pd.DataFrame) -> None:
    ll = bgnbd.log_likelihood(summary["frequency"], summary["recency"], summary["T"])
    assert ll.sum() == pytest.approx(bgnbd.fit.log_likelihood, abs=1e-6)


# --------------------------------------------------------------------------------------
# BG/NBD: second methods and properties
# --------------------------------------------------------------------------------------


def test_bgnbd_gradient_matches_finite_differences(summary: pd.DataFrame) -> None:
    x, t_x, big_t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    histories = cm._Histories(x, t_x, big_t, np.ones_like(x))
    point = np.log([0.5, 3.0, 1.2, 2.0])
    numeric = approx_fprime(point, lambda p: histories.objective(p)[0], 1e-7)
    np.testing.assert_allclose(histories.objective(point)[1], numeric, rtol=1e-4, atol=1e-7)


def test_conditional_expectation_equals_the_untransformed_formula() -> None:
    # FHL (2005) as printed, without Euler's transformation, for moderate x
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    t, x, t_x, big_t = 39.0, np.array([0, 1, 3, 8]), np.array([0, 5, 20, 30]), 38.86
    z = t / (alpha + big_t + t)
    bracket = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(
        r + x, b + x, a + b + x - 1, z
    )
    odds = np.where(x > 0, a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x), 0)
    direct = (a + b + x - 1) / (a - 1) * bracket / (1 + odds)
    np.testing.assert_allclose(
        PAPER.conditional_expected_purchases(t, x, t_x, big_t), direct, rtol=1e-10
    )


def test_conditional_expectation_stays_finite_for_heavy_buyers() -> None:
    # 400 repeat purchases, the last one today: alive, about 9 purchases a week
    value = PAPER.conditional_expected_purchases(52, 400, 38.86, 38.86)
    # bound: given alive, λ ~ Gamma(r + x, α + T), and leaving can only cut purchases
    bound = PAPER.probability_alive(400, 38.86, 38.86) * (0.243 + 400) / (4.414 + 38.86) * 52
    assert 100 < value < bound


def test_probability_of_purchases_is_a_distribution_with_the_right_mean() -> None:
    t = np.array([1.0, 10.0, 39.0, 78.0])
    probs = np.array([PAPER.probability_of_purchases(n, t) for n in range(400)])
    np.testing.assert_allclose(probs.sum(axis=0), 1.0, atol=1e-6)
    # second method: the mean of P(X(t) = n) is E[X(t)]
    mean = (np.arange(400)[:, None] * probs).sum(axis=0)
    np.testing.assert_allclose(mean, PAPER.expected_purchases(t), rtol=1e-4)


def test_probability_alive() -> None:
    assert PAPER.probability_alive(0, 0, 30) == 1.0
    # same frequency, the longer the silence since the last purchase the lower P(alive)
    p = PAPER.probability_alive(5, np.array([38.0, 30.0, 10.0]), 38.86)
    assert np.all(np.diff(p) < 0)
    # hand-worked: x = 1, t_x = T -> 1 / (1 + a / b)
    assert PAPER.probability_alive(1, 20.0, 20.0) == pytest.approx(1 / (1 + 0.793 / 2.426))


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 60),
    share=st.floats(0.01, 1.0),
    big_t=st.floats(0.5, 100.0),
    t=st.floats(0.1, 100.0),
)
def test_bgnbd_properties(x: int, share: float, big_t: float, t: float) -> None:
    t_x = share * big_t if x > 0 else 0.0
    alive = PAPER.probability_alive(x, t_x, big_t)
    assert 0.0 <= alive <= 1.0
    now = PAPER.conditional_expected_purchases(t, x, t_x, big_t)
    later = PAPER.conditional_expected_purchases(2 * t, x, t_x, big_t)
    assert 0.0 <= now <= later
    # given alive, λ ~ Gamma(r + x, α + T); leaving can only cut purchases
    assert now <= alive * (PAPER.r + x) / (PAPER.alpha + big_t) * t * (1 + 1e-9)


def test_fit_recovers_simulated_parameters() -> None:
    rng = np.random.default_rng(7)
    ages = (rng.integers(0, 273, 200_000) + 1) / 7
    data = cm.simulate_bgnbd(PAPER, ages, seed=3, days_per_unit=7)
    fitted = cm.fit_bgnbd(data)
    for name, true in PAPER.params.items():
        assert getattr(fitted, name) == pytest.approx(true, rel=0.08), name
    # simulated repeat purchases agree with E[X(T)]
    expected = PAPER.expected_purchases(ages).sum()
    assert data["frequency"].sum() == pytest.approx(expected, rel=0.02)


def test_predict(bgnbd: cm.BGNBD, summary: pd.DataFrame) -> None:
    table = bgnbd.predict(summary, t=39)
    assert table.index.equals(summary.index)
    row = table.loc["00004"]
    assert row["expected_purchases"] == pytest.approx(
        bgnbd.conditional_expected_purchases(39, 2, summary.loc["00004", "recency"], 38.857),
        rel=1e-3,
    )


@pytest.mark.parametrize(
    ("x", "t_x", "big_t", "match"),
    [
        (-1, 0, 10, "frequency must be >= 0"),
        (1.5, 2, 10, "whole numbers"),
        (2, 12, 10, "must not exceed T"),
        (0, 3, 10, "must be 0 for a customer with frequency 0"),
        (2, 0, 10, "must be > 0 for a customer with repeat"),
        (1, 2, 0, "T must be > 0"),
        (1, np.nan, 10, "finite"),
    ],
)
def test_bgnbd_input_checks(x: float, t_x: float, big_t: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        PAPER.probability_alive(x, t_x, big_t)


def test_bgnbd_type_and_fit_errors() -> None:
    with pytest.raises(TypeError, match="frequency"):
        PAPER.probability_alive("two", 1, 2)
    with pytest.raises(ValueError, match="same length"):
        PAPER.probability_alive([1, 2], [1, 2, 3], 5)
    with pytest.raises(ValueError, match="alpha"):
        cm.BGNBD(r=1, alpha=-1, a=1, b=1)
    no_repeat = pd.DataFrame({"frequency": [0, 0], "recency": [0.0, 0.0], "T": [3.0, 4.0]})
    with pytest.raises(cm.FitError, match="repeat purchases"):
        cm.fit_bgnbd(no_repeat)
    with pytest.raises(TypeError, match="numeric"):
        cm.fit_bgnbd(no_repeat.assign(T=["a", "b"]))
    with pytest.raises(ValueError, match="empty"):
        cm.fit_bgnbd(no_repeat.iloc[:0])


def test_a_fit_that_cannot_converge_is_an_error() -> None:
    # two customers cannot pin down four parameters: the estimates run off to the edge
    tiny = pd.DataFrame({"frequency": [1, 0], "recency": [1.0, 0.0], "T": [1.0, 1.0]})
    with pytest.raises(cm.FitError, match="BG/NBD"):
        cm.fit_bgnbd(tiny)


@pytest.mark.parametrize(
    "start", [(1.0, 1.0, 1.0, 1.0), (0.05, 50.0, 0.2, 10.0), (3.0, 0.5, 3.0, 0.5)]
)
def test_bgnbd_fit_reaches_the_published_estimates_from_other_starts(
    summary: pd.DataFrame, start: tuple[float, float, float, float]
) -> None:
    # Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = -9582.4,
    # from starts far below, far above and on both sides of the estimates
    fitted = cm.fit_bgnbd(summary, start=start)
    assert [fitted.r, fitted.alpha, fitted.a, fitted.b] == pytest.approx(
        [0.243, 4.414, 0.793, 2.426], abs=5e-4
    )
    assert fitted.fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)


def test_an_optimiser_that_stops_early_is_an_error(
    summary: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the minimiser gives up at the starting values, where the gradient is far from flat
    def gives_up(fun: Callable, x0: np.ndarray, **kwargs: object) -> OptimizeResult:
        return OptimizeResult(
            x=np.asarray(x0, dtype=float),
            fun=fun(x0)[0],
            success=False,
            nit=7,
            message="STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT",
        )

    monkeypatch.setattr(cm, "minimize", gives_up)
    with pytest.raises(cm.FitError, match=r"BG/NBD fit did not converge after 7 iterations"):
        cm.fit_bgnbd(summary, start=(1.0, 1.0, 1.0, 1.0))
    with pytest.raises(cm.FitError, match=r"Gamma-Gamma fit did not converge after 7 iter"):
        cm.fit_gamma_gamma(summary, start=(1.0, 1.0, 1.0))


# --------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------


def test_gamma_gamma_reproduces_fader_hardie(gamma_gamma: cm.GammaGamma) -> None:
    # Fader, Hardie & Lee (2005, JMR, "RFM and CLV: using iso-value curves") and Fader &
    # Hardie (2013, note): p = 6.25, q = 3.74, γ = 15.44 on 946 repeat buyers; LL from the note
    assert gamma_gamma.p == pytest.approx(6.25, abs=5e-3)
    assert gamma_gamma.q == pytest.approx(3.74, abs=5e-3)
    assert gamma_gamma.gamma == pytest.approx(15.44, abs=5e-3)
    assert gamma_gamma.fit.n_customers == 946
    assert gamma_gamma.fit.log_likelihood == pytest.approx(-4055.92, abs=5e-3)


def test_spend_is_nearly_independent_of_frequency(summary: pd.DataFrame) -> None:
    # Fader, Hardie & Lee (2005, JMR): correlation 0.11
    assert cm.spend_frequency_correlation(summary) == pytest.approx(0.11, abs=5e-3)


def test_conditional_expected_spend_is_a_weighted_average(gamma_gamma: cm.GammaGamma) -> None:
    p, q = gamma_gamma.p, gamma_gamma.q
    x, m = 4, 50.0
    weight = p * x / (p * x + q - 1)
    expected = weight * m + (1 - weight) * gamma_gamma.mean_spend
    assert gamma_gamma.conditional_expected_spend(x, m) == pytest.approx(expected)
    assert gamma_gamma.conditional_expected_spend(0, 0.0) == pytest.approx(gamma_gamma.mean_spend)
    # hand-worked with round numbers: p = 2, q = 3, γ = 10 -> (10 + 3·20)·2 / (2·3 + 2) = 17.5
    assert cm.GammaGamma(p=2, q=3, gamma=10).conditional_expected_spend(3, 20) == 17.5


def test_gamma_gamma_gradient_matches_finite_differences(summary: pd.DataFrame) -> None:
    rep = summary[summary["frequency"] > 0]
    x, m = rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy(float)
    f = cm._gamma_gamma_objective
    point = np.log([3.0, 2.0, 20.0])
    numeric = approx_fprime(point, lambda p: f(p, x, m, np.ones_like(x))[0], 1e-7)
    np.testing.assert_allclose(f(point, x, m, np.ones_like(x))[1], numeric, rtol=1e-4, atol=1e-7)


def test_gamma_gamma_errors(summary: pd.DataFrame) -> None:
    zero = summary.copy()
    zero.loc[zero.index[0], "monetary_value"] = 0.0
    with pytest.raises(ValueError, match=r"monetary_value must be > 0.*1 have a mean spend of 0"):
        cm.fit_gamma_gamma(zero)
    negative = summary.copy()
    first_repeat = negative.index[negative["frequency"] > 0][0]
    negative.loc[first_repeat, "monetary_value"] = -5.0
    with pytest.raises(ValueError, match="monetary_value must be >= 0, found -5") as raised:
        cm.fit_gamma_gamma(negative)
    assert "mean spend of 0" not in str(raised.value)
    with pytest.raises(ValueError, match="q > 1"):
        cm.GammaGamma(p=1, q=0.5, gamma=1).conditional_expected_spend(2, 10)
    with pytest.raises(ValueError, match="missing column"):
        cm.fit_gamma_gamma(summary.drop(columns="monetary_value"))


# --------------------------------------------------------------------------------------
# shifted-beta-geometric
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "gamma", "delta"),
    [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)],
    ids=["regular", "high end"],
)
def test_sbg_reproduces_fader_hardie_2007(counts: list[int], gamma: float, delta: float) -> None:
    model = cm.fit_sbg(counts[:8])  # years 0-7, as in the paper
    assert model.gamma == pytest.approx(gamma, abs=5e-4)
    assert model.delta == pytest.approx(delta, abs=5e-4)
    assert model.fit.converged


def test_sbg_projection_tracks_the_later_years() -> None:
    # the paper's point: fitted on 7 years, the sBG projects years 8-12 well
    model = cm.fit_sbg(REGULAR[:8])
    projected = 1000 * model.survival(np.arange(8, 13))
    np.testing.assert_allclose(projected, REGULAR[8:], rtol=0.05)


def test_sbg_survival_is_the_product_of_retention_rates() -> None:
    model = cm.ShiftedBetaGeometric(gamma=0.704, delta=1.182)
    t = np.arange(1, 13)
    np.testing.assert_allclose(model.survival(t), np.cumprod(model.retention(t)), rtol=1e-12)
    lost = model.survival(t - 1) - model.survival(t)
    np.testing.assert_allclose(model.churn_probability(t), lost, rtol=1e-10)
    assert model.survival(0) == 1.0
    assert np.all(np.diff(model.retention(t)) > 0)  # retention rises as the cohort sorts


def test_sbg_lifetime_values_equal_their_series() -> None:
    model = cm.ShiftedBetaGeometric(gamma=0.668, delta=3.806)
    d = 0.10
    t = np.arange(0, 4000)
    survival = model.survival(t)
    discount = (1 + d) ** -t
    assert model.discounted_expected_lifetime(d) == pytest.approx(survival @ discount, rel=1e-9)
    n = 5  # a customer who has renewed 4 times, about to decide on the 5th renewal
    series = survival[n:] / survival[n - 1] @ discount[: t.size - n]
    assert model.discounted_expected_residual_lifetime(d, renewals=n - 1) == pytest.approx(
        series, rel=1e-9
    )
    # a new customer = first payment + the discounted value of the customer after it
    del_ = model.discounted_expected_lifetime(d)
    derl0 = model.discounted_expected_residual_lifetime(d, renewals=0)
    assert del_ == pytest.approx(1 + derl0 / (1 + d))
    assert model.customer_value(100, d) == pytest.approx(100 * del_)
    assert model.customer_value(100, d, renewals=4) > model.customer_value(100, d, renewals=0)


def test_sbg_several_cohorts_share_parameters() -> None:
    one = cm.fit_sbg(REGULAR[:8])
    both = cm.fit_sbg([REGULAR[:8], REGULAR[:8]])
    assert both.gamma == pytest.approx(one.gamma, rel=1e-5)
    assert both.fit.log_likelihood == pytest.approx(2 * one.fit.log_likelihood, rel=1e-8)
    mixed = cm.fit_sbg([REGULAR[:8], REGULAR[:4]])
    assert mixed.fit.n_customers == 2000


def test_sbg_gradient_matches_finite_differences() -> None:
    curves = [np.array(REGULAR[:8], float), np.array(HIGH_END[:5], float)]
    point = np.log([0.9, 2.0])
    numeric = approx_fprime(point, lambda p: cm._sbg_objective(p, curves)[0], 1e-7)
    np.testing.assert_allclose(cm._sbg_objective(point, curves)[1], numeric, rtol=1e-4)


def test_sbg_errors() -> None:
    with pytest.raises(ValueError, match="never increase"):
        cm.fit_sbg([100, 80, 90])
    with pytest.raises(ValueError, match="at least 2"):
        cm.fit_sbg([100])
    with pytest.raises(ValueError, match="empty"):
        cm.fit_sbg([])
    with pytest.raises(cm.FitError, match="no customer left"):
        cm.fit_sbg([100, 100, 100])  # the churn probability would run to 0
    with pytest.raises(cm.FitError, match="every customer left"):
        cm.fit_sbg([[100, 0], [50, 0]])
    with pytest.raises(ValueError, match="discount_rate must be > 0"):
        cm.ShiftedBetaGeometric(gamma=1, delta=1).discounted_expected_lifetime(0)
    with pytest.raises(ValueError, match="whole periods"):
        cm.ShiftedBetaGeometric(gamma=1, delta=1).survival(1.5)


def test_sbg_project() -> None:
    table = cm.ShiftedBetaGeometric(gamma=0.704, delta=1.182).project(5)
    assert table["period"].tolist() == [0, 1, 2, 3, 4, 5]
    assert table["survival"].iloc[0] == 1.0
    assert not table.isna().any().any()


# --------------------------------------------------------------------------------------
# CLV, holdout checks and charts
# --------------------------------------------------------------------------------------


def test_clv_by_hand(bgnbd: cm.BGNBD, gamma_gamma: cm.GammaGamma) -> None:
    one = pd.DataFrame(
        {"frequency": [2], "recency": [30.43], "T": [38.86], "monetary_value": [22.35]}
    )
    clv = cm.customer_lifetime_value(
        bgnbd, gamma_gamma, one, margin=0.3, discount_rate=0.02, periods=1, period_length=39
    )
    by_hand = (
        0.3
        * gamma_gamma.conditional_expected_spend(2, 22.35)
        * bgnbd.conditional_expected_purchases(39, 2, 30.43, 38.86)
        / 1.02
    )
    assert clv.iloc[0] == pytest.approx(by_hand)
    two = cm.customer_lifetime_value(
        bgnbd, gamma_gamma, one, margin=0.3, discount_rate=0.0, periods=2, period_length=19.5
    )
    undiscounted = 0.3 * gamma_gamma.conditional_expected_spend(2, 22.35)
    undiscounted *= bgnbd.conditional_expected_purchases(39, 2, 30.43, 38.86)
    assert two.iloc[0] == pytest.approx(undiscounted)


def test_clv_of_the_sample(
    bgnbd: cm.BGNBD, gamma_gamma: cm.GammaGamma, summary: pd.DataFrame
) -> None:
    kwargs = {"margin": 0.3, "periods": 12, "period_length": 52 / 12}
    low = cm.customer_lifetime_value(bgnbd, gamma_gamma, summary, discount_rate=0.01, **kwargs)
    high = cm.customer_lifetime_value(bgnbd, gamma_gamma, summary, discount_rate=0.05, **kwargs)
    assert low.index.equals(summary.index)
    assert (low >= high).all() and (high > 0).all()
    with pytest.raises(ValueError, match="margin"):
        cm.customer_lifetime_value(
            bgnbd, gamma_gamma, summary, margin=30, discount_rate=0.01, periods=1, period_length=4
        )
    with pytest.raises(TypeError, match="spend_model"):
        cm.customer_lifetime_value(
            bgnbd, bgnbd, summary, margin=0.3, discount_rate=0.01, periods=1, period_length=4
        )


def test_holdout_table(bgnbd: cm.BGNBD, summary: pd.DataFrame) -> None:
    table = cm.holdout_table(summary, bgnbd)
    assert table["frequency"].tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    ones = summary[summary["frequency"] == 1]
    assert table.loc[1, "actual"] == pytest.approx(ones["holdout_frequency"].mean())
    # the model's total over the holdout, group by group, equals the customer-level sum
    total = bgnbd.predict(summary, 39)["expected_purchases"].sum()
    assert (table["predicted"] * table["customers"]).sum() == pytest.approx(total)
    chart = cm.holdout_chart(table).to_dict()
    assert chart["title"]


def test_tracking_table(cdnow: pd.DataFrame, bgnbd: cm.BGNBD, summary: pd.DataFrame) -> None:
    table = cm.tracking_table(cdnow, bgnbd, calibration_end=CALIBRATION_END)
    assert len(table) == 78  # 1 Jan 1997 to 30 Jun 1998
    week39 = table[table["period"] == 39].iloc[0]
    assert week39["calibration"] and not table.loc[table["period"] == 40, "calibration"].iloc[0]
    # all repeat purchases of the calibration period by the end of week 39
    assert week39["actual"] == summary["frequency"].sum()
    # second method: Σ_i E[X(age_i)] at the end of week 39 (day 273 after 1 Jan)
    first = cdnow.groupby("customer_id")["date"].min()
    age = (pd.Timestamp("1997-10-01") - first).dt.days / 7
    assert week39["expected"] == pytest.approx(bgnbd.expected_purchases(age).sum())
    assert np.all(np.diff(table["expected"]) > 0)
    assert cm.tracking_chart(table).to_dict()["title"]


def test_charts(bgnbd: cm.BGNBD) -> None:
    spec = cm.probability_alive_chart(bgnbd, 5, 38.86, recency=20).to_dict()
    assert "P(alive)" in spec["title"]
    assert cm.probability_alive_chart(bgnbd, 0, 30).to_dict()["title"]
    model = cm.fit_sbg(REGULAR[:8])
    projected = model.project(12).assign(cohort="regular")
    observed = pd.DataFrame(
        {"cohort": "regular", "period": range(13), "survival": np.array(REGULAR) / 1000}
    )
    spec = cm.survival_chart(observed, projected, fitted_periods=7).to_dict()
    assert len(spec["layer"]) == 3


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(cm, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 3
    assert failures == 0


def test_cohort_survivors_by_hand() -> None:
    members = pd.DataFrame(
        {
            "joined": pd.to_datetime(["2024-01-15", "2024-01-20", "2024-01-31", "2024-05-02"]),
            # A leaves at the 2nd anniversary; C at the 1st (31 Jan + 1 month = 29 Feb)
            "cancelled": pd.to_datetime(["2024-03-15", None, "2024-02-29", None]),
        }
    )
    table = cm.cohort_survivors(members, as_of="2024-06-10")
    january = table[table["cohort"] == "2024-01"]
    assert january["period"].tolist() == [0, 1, 2, 3, 4]
    assert january["active"].tolist() == [3, 2, 1, 1, 1]
    assert table[table["cohort"] == "2024-05"]["active"].tolist() == [1, 1]
    yearly = cm.cohort_survivors(members, as_of="2025-06-01", period_months=12, cohort="year")
    assert yearly["active"].tolist() == [4, 2]
    with pytest.raises(ValueError, match="before the joining date"):
        cm.cohort_survivors(
            members.assign(cancelled=pd.Timestamp("2023-01-01")), as_of="2024-06-10"
        )


def test_sbg_recovers_parameters_from_simulated_memberships() -> None:
    # second method: simulate memberships from a known sBG and fit the cohort counts
    rng = np.random.default_rng(11)
    n = 20_000
    joined = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    tenure = rng.geometric(rng.beta(1.2, 6.0, n))  # months paid
    cancel = pd.Series(
        [j + pd.DateOffset(months=int(t)) for j, t in zip(joined, tenure, strict=True)]
    )
    as_of = pd.Timestamp("2024-12-31")
    members = pd.DataFrame({"joined": joined, "cancelled": cancel.where(cancel <= as_of)})
    model = cm.fit_sbg(cm.cohort_survivors(members, as_of=as_of))
    assert model.gamma == pytest.approx(1.2, rel=0.1)
    assert model.delta == pytest.approx(6.0, rel=0.1)

"""The planted effects are in the committed data, with about the stated sizes.

Each test measures an effect the way a lesson would and compares it with the true size
the generator used (the constants of ``casekit.world``). Tolerances allow for the noise
of one draw; an effect that were missing or reversed would fail.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special

from casekit import datasets
from casekit.world import cedar_lane, effects, harbor_spa, kestrel


@functools.cache
def frames() -> dict[str, pd.DataFrame]:
    return {name: datasets.load(name) for name in datasets.names() if name[:5] != "cdnow"}


# --- Cedar Lane ---------------------------------------------------------------------------------


def test_club_members_look_far_better_than_the_club_makes_them() -> None:
    club = effects.club_effect(frames())
    assert club["naive_ratio"] > 2.0, "the naive member/non-member gap is large"
    assert club["pre_ratio"] > 1.3, "members bought more before they joined (self-selection)"
    assert club["members"] > 800 and club["controls"] > 800
    assert club["did_lift"] == pytest.approx(cedar_lane.CLUB_RATE_LIFT, abs=0.05)
    assert club["naive_ratio"] - 1 > 10 * cedar_lane.CLUB_RATE_LIFT


def test_customer_profitability_is_a_whale_curve() -> None:
    whale = effects.whale_curve(frames())
    assert whale["total_profit"] > 0
    assert 1.15 <= whale["peak"] <= 1.6, "the most profitable customers earn over 100%"
    assert 0.15 <= whale["unprofitable_share"] <= 0.4, "a minority loses money"
    assert whale["top20_share"] >= 0.9


def test_rfm_friendly_purchase_counts_and_calendar() -> None:
    tx = frames()["cedar_transactions"]
    counts = tx.groupby("customer_id").size().sort_values(ascending=False)
    assert (counts <= 3).mean() > 0.3, "many customers buy only a few times"
    top = counts.iloc[: len(counts) // 10].sum() / counts.sum()
    assert top > 0.4, "a tenth of the customers make a large share of the purchases"
    month = tx.groupby(tx["timestamp"].dt.month)["gross"].sum()
    assert month[12] > 1.25 * month.drop(12).mean(), "December peak"
    weekday = tx["timestamp"].dt.day_of_week.value_counts()
    assert weekday[5] > 1.3 * weekday[0], "Saturdays busier than Mondays"


def test_fast_and_good_complaint_handling_brings_customers_back() -> None:
    comp = effects.complaint_effects(frames())
    speed = comp["repurchase_by_speed"]
    assert speed["up to 1 h"] - speed["over 24 h"] > 0.15
    assert speed["up to 1 h"] > speed["4-24 h"] > speed["over 24 h"]
    sat = comp["repurchase_by_satisfaction"]
    assert sat[5] - sat[1] > 0.2
    ratio, base = comp["before_after"], comp["baseline"]["ratio"]
    assert 0.75 < base < 1.0, "customers without complaints drift away slowly"
    # Recovery paradox: delighted complainants buy more after than before.
    assert ratio[5] > 1.05 and ratio[5] > base + 0.2
    assert ratio[5] == pytest.approx(cedar_lane.RECOVERY[5][0] * base, rel=0.15)
    # Poor handling drives customers away.
    assert ratio[1] < 0.5 * base and ratio[2] < 0.7 * base


def test_reliability_perceptions_fall_in_wave_2_only() -> None:
    shift = effects.survey_shift(frames())
    change = shift.xs(2, level="wave") - shift.xs(1, level="wave")
    drop = -change.loc["reliability", "perception"]
    assert drop == pytest.approx(cedar_lane.RELIABILITY_DROP, abs=0.2)
    assert change.drop(index="reliability")["perception"].abs().max() < 0.15
    assert change["expectation"].abs().max() < 0.15
    assert change["competitor"].abs().max() < 0.15
    sv = frames()["cedar_surveys"]
    importance = (
        sv.drop_duplicates(["respondent_id", "dimension"])
        .groupby("dimension", observed=True)["importance"]
        .mean()
    )
    assert importance.idxmax() == "reliability"


def test_late_delivery_contacts_rise_after_the_courier_change() -> None:
    sc = frames()["cedar_service_contacts"]
    late = sc[sc["reason"] == "late or missing delivery"]
    after = late["timestamp"] >= cedar_lane.SERVICE_CHANGE
    days_before = (cedar_lane.SERVICE_CHANGE - cedar_lane.CRM_START).days
    days_after = (pd.Timestamp("2025-01-01") - cedar_lane.SERVICE_CHANGE).days
    assert (after.sum() / days_after) > 2.5 * ((~after).sum() / days_before)


def test_phone_waits_peak_predictably_and_follow_the_load() -> None:
    peaks = effects.contact_peaks(frames())
    weekday, hour = peaks["abandoned_by_weekday"], peaks["abandoned_by_hour"]
    assert weekday["Monday"] > 2 * weekday.drop("Monday").mean()
    assert min(hour[18], hour[12]) > 2 * hour[[14, 15, 16]].mean()
    waits = peaks["wait_by_weekday"]
    assert waits["Monday"] > 2 * waits.drop("Monday").mean(), "answered Monday calls wait longer"
    # Erlang C: the busier the hour, the likelier a caller waits (or gives up waiting).
    sc = frames()["cedar_service_contacts"]
    phone = sc[sc["channel"] == "phone"]
    calls = phone.groupby(phone["timestamp"].dt.floor("h"))["contact_id"].transform("size")
    waited = (phone["wait_seconds"] > 0).groupby(pd.cut(calls, [0, 3, 6, 9, 100])).mean()
    assert waited.is_monotonic_increasing and waited.iloc[-1] > 2 * waited.iloc[0]
    gave_up = phone["abandoned"].groupby(pd.cut(calls, [0, 3, 6, 9, 100])).mean()
    assert gave_up.is_monotonic_increasing and gave_up.iloc[-1] > 3 * gave_up.iloc[0]


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_the_planted_patience_comes_back_from_the_log(channel: str) -> None:
    # Exponential patience, censored by the answer: the maximum-likelihood mean is every
    # queued customer's time in the queue over the number who hung up. Its standard error
    # is about mean / sqrt(hang-ups), 2-2.5 % here, so 10 % is four standard errors.
    sc = frames()["cedar_service_contacts"]
    queue = sc[sc["channel"] == channel]
    estimate = queue["wait_seconds"].sum() / queue["abandoned"].sum()
    assert estimate == pytest.approx(cedar_lane.MEAN_PATIENCE[channel], rel=0.10)
    assert queue["abandoned"].sum() > 1_000


def test_abandoned_contacts_were_not_handled() -> None:
    sc = frames()["cedar_service_contacts"]
    gone = sc[sc["abandoned"]]
    assert set(gone["channel"].astype(str)) == {"phone", "chat"}
    assert (gone["handle_seconds"] == 0).all() and (gone["wait_seconds"] >= 1).all()
    assert gone["agent_id"].isna().all() and not gone["resolved_first_contact"].any()
    kept = sc[~sc["abandoned"]]
    assert kept["agent_id"].notna().all() and (kept["handle_seconds"] >= 1).all()
    # A few percent of calls abandoned over the whole log, as in most contact centres.
    assert 0.03 < gone["channel"].eq("phone").sum() / sc["channel"].eq("phone").sum() < 0.12


def test_one_agent_resolves_fewer_contacts_first_time() -> None:
    sc = frames()["cedar_service_contacts"]
    agents = sc[sc["agent_id"].astype(str).str.startswith("CC")]
    fcr = agents.groupby(agents["agent_id"].astype(str))["resolved_first_contact"].mean()
    assert fcr.idxmin() == cedar_lane.WEAK_AGENT
    assert fcr.drop(cedar_lane.WEAK_AGENT).min() - fcr[cedar_lane.WEAK_AGENT] > 0.05


# --- Kestrel Supply -----------------------------------------------------------------------------


def test_the_bottleneck_warehouse_improves_after_the_fix() -> None:
    table = effects.bottleneck(frames())
    cal = kestrel.BOTTLENECK
    others = table.drop(index=cal, level="warehouse")
    assert table.loc[(cal, "before fix"), "on_time"] < 0.7
    assert table.loc[(cal, "after fix"), "on_time"] > 0.85
    assert (others["on_time"] > 0.85).all()
    assert table.loc[(cal, "before fix"), "line_fill"] == pytest.approx(
        kestrel.LINE_FILL[kestrel.WAREHOUSES.index(cal)], abs=0.01
    )
    assert table.loc[(cal, "after fix"), "line_fill"] == pytest.approx(
        kestrel.LINE_FILL_FIXED, abs=0.01
    )
    losses = effects.account_losses(frames())
    assert losses[cal] > losses.drop(cal).mean() + 0.08


def test_a_typical_medium_account_buys_about_php_50000_a_month() -> None:
    o, a = frames()["kestrel_orders"], frames()["kestrel_accounts"]
    month = o["ordered"].dt.to_period("M")
    monthly = o.groupby([o["account_id"], month])["value"].sum().groupby(level=0).mean()
    size = a.set_index("account_id")["size"]
    medium = monthly[size.reindex(monthly.index) == "medium"]
    assert 35_000 < medium.median() < 80_000


# --- Harbor Spa ---------------------------------------------------------------------------------


def _sbg_fit(tenure: np.ndarray, churned: np.ndarray) -> tuple[float, float]:
    """Maximum-likelihood shifted-beta-geometric (alpha, beta) from tenures in months."""

    def nll(log_params: np.ndarray) -> float:
        a, b = np.exp(log_params)
        lost = special.betaln(a + 1, b + tenure - 1) - special.betaln(a, b)
        kept = special.betaln(a, b + tenure) - special.betaln(a, b)
        return -float(np.sum(np.where(churned, lost, kept)))

    result = optimize.minimize(nll, np.log([1.0, 5.0]), method="Nelder-Mead")
    a, b = np.exp(result.x)
    return float(a), float(b)


def test_plan_retention_follows_the_shifted_beta_geometric() -> None:
    m = frames()["harbor_members"]
    end = pd.Timestamp("2024-12-31")
    stop = m["cancelled"].fillna(end)
    months = (stop.dt.year - m["joined"].dt.year) * 12 + stop.dt.month - m["joined"].dt.month
    months = months - (stop.dt.day < m["joined"].dt.day) * m["cancelled"].isna()
    churned = m["cancelled"].notna().to_numpy()
    means = {}
    for plan, (alpha, beta) in harbor_spa.PLAN_CHURN.items():
        mine = (m["plan"] == plan).to_numpy()
        # Censored members have survived the months they completed.
        a, b = _sbg_fit(months.to_numpy()[mine], churned[mine])
        means[plan] = a / (a + b)
        assert means[plan] == pytest.approx(alpha / (alpha + beta), rel=0.2), plan
    assert means["Basic"] > means["Plus"] > means["Premium"]


def test_spa_visits_spend_and_the_warning_before_cancelling() -> None:
    spa = effects.membership_retention(frames())
    spend = spa["spend_per_visit"]
    assert spend["Premium"] == pytest.approx(2_300, rel=0.05), "Php 2,300 a visit (source 001)"
    for plan, visits in zip(harbor_spa.PLANS, harbor_spa.VISITS_PER_MONTH, strict=True):
        assert spa["visits_per_month"][plan] == pytest.approx(visits, rel=0.2)
    warning = spa["pre_cancel_ratio"]
    ratio = warning["last months"] / warning["earlier"]
    assert ratio == pytest.approx(harbor_spa.PRE_CANCEL_VISIT_FACTOR, abs=0.15)

"""Harbor Spa: a day spa and sports-recovery centre sold by monthly membership.

A contractual business: members pay a monthly fee for their plan until they cancel, so
each member's tenure is observed (or censored at the end of the records). Tenures follow
the shifted-beta-geometric model (Fader & Hardie, 2007, "How to project customer
retention", *Journal of Interactive Marketing* 21(1)): each member has a constant
monthly probability of cancelling, drawn from a beta distribution whose parameters
differ by plan (:data:`PLAN_CHURN`). While a member, they visit a few times a month and
spend on treatments; Premium members, many of them athletes, spend about Php 2,300 a
visit, twice a month (the spa example of the course's CLV notes, source 001).

Planted effects: plan-specific retention (:data:`PLAN_CHURN`), and visits that fall to
:data:`PRE_CANCEL_VISIT_FACTOR` of their usual rate in the last
:data:`PRE_CANCEL_MONTHS` months before a member cancels (a warning sign to act on).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.world import _common as cm

PLANS = ("Basic", "Plus", "Premium")
PLAN_SHARE = np.array([0.5, 0.3, 0.2])
#: Monthly fee of each plan (Php).
MONTHLY_FEE = np.array([1_800.0, 3_200.0, 5_500.0])
#: Shifted-beta-geometric (alpha, beta) of the monthly cancellation probability by plan.
PLAN_CHURN = {"Basic": (0.9, 4.0), "Plus": (1.1, 7.0), "Premium": (1.4, 14.0)}
#: Mean visits per month and mean spend per visit (Php) by plan.
VISITS_PER_MONTH = np.array([1.0, 1.5, 2.0])
SPEND_PER_VISIT = np.array([700.0, 1_300.0, 2_300.0])
PRE_CANCEL_MONTHS = 2
PRE_CANCEL_VISIT_FACTOR = 0.5
NEW_MEMBERS_PER_MONTH = 55
SEGMENTS = ("athlete", "wellness", "corporate")
_SEGMENT_BY_PLAN = np.array([[0.15, 0.65, 0.20], [0.35, 0.45, 0.20], [0.70, 0.20, 0.10]])
CHANNELS = ("walk-in", "referral", "social media", "sports club partnership", "corporate deal")
CANCEL_REASONS = (
    "price",
    "moved away",
    "not using it enough",
    "service dissatisfaction",
    "health or injury",
    "joined a competitor",
)
SERVICES = (
    "massage",
    "sports massage",
    "physiotherapy",
    "facial",
    "sauna and steam",
    "body scrub",
    "manicure and pedicure",
)
#: Service mix by segment (rows follow SEGMENTS) and typical duration (minutes).
_SERVICE_MIX = np.array(
    [
        [0.15, 0.40, 0.25, 0.02, 0.15, 0.01, 0.02],
        [0.35, 0.05, 0.03, 0.20, 0.15, 0.12, 0.10],
        [0.40, 0.10, 0.05, 0.12, 0.18, 0.05, 0.10],
    ]
)
_DURATION = np.array([60, 60, 45, 60, 90, 45, 75])
THERAPISTS = tuple(f"TH{i:02d}" for i in range(1, 13))
_OPEN_HOURS = np.array([0] * 10 + [2, 3, 3, 3, 3, 3, 4, 5, 6, 6, 5, 3] + [0] * 2)
_WEEKDAY = np.array([0.8, 0.8, 0.9, 0.9, 1.0, 1.4, 1.3])


def _months_after(day: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Day index of ``day`` plus whole ``months`` (same day of month, clipped to its end)."""
    base = pd.DatetimeIndex(cm.to_dates(day))
    year = base.year.to_numpy() + (base.month.to_numpy() - 1 + months) // 12
    month = (base.month.to_numpy() - 1 + months) % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    last_day = first.dt.days_in_month.to_numpy()
    target = first + pd.to_timedelta(np.minimum(base.day.to_numpy(), last_day) - 1, unit="D")
    return (target - cm.START).dt.days.to_numpy()


def build(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Generate Harbor Spa's tables.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``harbor_members`` and ``harbor_visits``.
    """
    months = pd.period_range(cm.START, cm.END, freq="M")
    joins = rng.poisson(NEW_MEMBERS_PER_MONTH, len(months))
    month_index = np.repeat(np.arange(len(months)), joins)
    n = len(month_index)
    first_day = np.array([(m.start_time - cm.START).days for m in months])[month_index]
    length = np.array([m.days_in_month for m in months])[month_index]
    joined = first_day + np.floor(rng.random(n) * length).astype(int)
    order = np.argsort(joined, kind="stable")
    joined = joined[order]

    plan = rng.choice(len(PLANS), size=n, p=PLAN_SHARE)
    alpha = np.array([PLAN_CHURN[p][0] for p in PLANS])[plan]
    beta = np.array([PLAN_CHURN[p][1] for p in PLANS])[plan]
    theta = rng.beta(alpha, beta)
    tenure = rng.geometric(theta)  # months paid, 1, 2, ...
    cancel_day = _months_after(joined, tenure)
    cancelled = cancel_day <= cm.N_DAYS - 1
    segment = _choice(rng, _SEGMENT_BY_PLAN[plan])
    channel = np.where(
        segment == 0,
        rng.choice(len(CHANNELS), size=n, p=[0.2, 0.25, 0.15, 0.4, 0.0]),
        np.where(
            segment == 2,
            rng.choice(len(CHANNELS), size=n, p=[0.15, 0.15, 0.1, 0.0, 0.6]),
            rng.choice(len(CHANNELS), size=n, p=[0.35, 0.3, 0.35, 0.0, 0.0]),
        ),
    )
    reason = rng.choice(len(CANCEL_REASONS), size=n, p=[0.26, 0.14, 0.24, 0.14, 0.12, 0.1])
    age = np.clip(rng.normal(np.array([27, 41, 36])[segment], 7), 18, 75)
    birth = cm.to_dates(-np.round(age * 365.25) + joined)
    first, last = cm.person_names(rng, n)

    # Visits: a Poisson number per active day, fewer in the months before cancelling.
    stop = np.where(cancelled, cancel_day, cm.N_DAYS)
    warn = np.where(
        cancelled, _months_after(joined, np.maximum(tenure - PRE_CANCEL_MONTHS, 0)), stop
    )
    warn = np.clip(warn, joined, stop)
    keen = rng.gamma(5.0, 0.2, n)
    per_day = VISITS_PER_MONTH[plan] * keen * 12 / 365.25
    cal = cm.calendar()
    weights = _WEEKDAY[cal["weekday"].to_numpy()]
    cum = cm.cumulative(weights / weights.mean())
    start = np.concatenate([joined, warn]).astype(float)
    end = np.concatenate([warn, stop]).astype(float)
    rate = np.concatenate([per_day, per_day * PRE_CANCEL_VISIT_FACTOR])
    counts = rng.poisson(rate * cm.weighted_span(cum, start, end))
    owner, t = cm.sample_times(rng, cum, start, end, counts)
    owner = owner % n
    day = np.floor(t)
    time = day + cm.time_of_day(rng, _OPEN_HOURS, len(owner)) / 24
    service = _choice(rng, _SERVICE_MIX[segment[owner]])
    sigma = 0.35
    spend = (
        SPEND_PER_VISIT[plan[owner]] * np.exp(-(sigma**2) / 2) * rng.lognormal(0, sigma, len(owner))
    )
    therapist = rng.integers(0, len(THERAPISTS), len(owner))
    order_v = np.lexsort((owner, time))

    ids = cm.ids("H", n, 4)
    visits = pd.DataFrame(
        {
            "visit_id": cm.ids("HV", len(owner), 6),
            "member_id": ids[owner[order_v]],
            "timestamp": cm.to_times(time[order_v]),
            "service": np.array(SERVICES)[service[order_v]],
            "therapist_id": np.array(THERAPISTS)[therapist[order_v]],
            "duration_minutes": _DURATION[service[order_v]],
            "spend": cm.money(spend[order_v]),
        }
    )
    ended = pd.Series(cm.to_dates(np.where(cancelled, cancel_day, 0))).where(cancelled)
    members = pd.DataFrame(
        {
            "member_id": ids,
            "name": np.char.add(np.char.add(first, " "), last),
            "birth_date": birth,
            "segment": np.array(SEGMENTS)[segment],
            "plan": np.array(PLANS)[plan],
            "monthly_fee": MONTHLY_FEE[plan],
            "acquisition_channel": np.array(CHANNELS)[channel],
            "joined": cm.to_dates(joined),
            "cancelled": ended.to_numpy(),
            "cancel_reason": pd.Series(np.array(CANCEL_REASONS)[reason])
            .where(cancelled)
            .to_numpy(),
        }
    )
    return {"harbor_members": members, "harbor_visits": visits}


def _choice(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (u[:, None] > cum).sum(axis=1)

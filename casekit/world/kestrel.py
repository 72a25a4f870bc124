"""Kestrel Supply: a B2B distributor of hardware, cleaning and food-service supplies.

About 420 business accounts order from four warehouses, each serving its own regions.
The generator runs month by month, because service feeds back into the relationship:
accounts whose orders arrive late are more likely to end their contract.

Planted effect: the :data:`BOTTLENECK` warehouse is slow to pick and often short of
stock until :data:`FIX_DATE` (a new warehouse system and a second shift), so its orders
are late and short-filled far more often than the others', and its accounts leave more
often; after the fix it performs like the rest. The sizes are the constants below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.world import _common as cm

N_ACCOUNTS = 420
WAREHOUSES = ("Valenzuela", "Calamba", "Mandaue", "Davao")
BOTTLENECK = "Calamba"
FIX_DATE = pd.Timestamp("2023-07-01")
REGIONS = ("NCR", "Central Luzon", "CALABARZON", "Visayas", "Mindanao")
_REGION_SHARE = np.array([0.30, 0.12, 0.30, 0.16, 0.12])
_REGION_WAREHOUSE = np.array([0, 0, 1, 2, 3])
INDUSTRIES = (
    "construction",
    "hospitality",
    "retail",
    "healthcare",
    "manufacturing",
    "education",
)
SIZES = ("small", "medium", "large")
ACCOUNT_MANAGERS = tuple(f"AM{i:02d}" for i in range(1, 9))
#: Orders per month and median order value (Php) by account size.
ORDERS_PER_MONTH = np.array([1.5, 2.6, 5.0])
MEDIAN_ORDER_VALUE = np.array([17_000.0, 24_000.0, 42_000.0])
#: Gross margin rate by industry.
MARGIN_RATE = np.array([0.14, 0.19, 0.15, 0.21, 0.12, 0.17])
#: Promised lead time (days from order to delivery) for every order.
PROMISED_DAYS = 4
#: Mean extra picking days (Poisson) and probability that a line is filled, by
#: warehouse, for the bottleneck before the fix, and after it.
PICK_DELAY = np.array([0.5, 1.9, 0.6, 0.6])
PICK_DELAY_FIXED = 0.6
LINE_FILL = np.array([0.985, 0.925, 0.983, 0.98])
LINE_FILL_FIXED = 0.982
ACCURACY = np.array([0.975, 0.93, 0.972, 0.97])
ACCURACY_FIXED = 0.972
#: Monthly probability that an account ends its contract: base + slope x late share.
CHURN_BASE = 0.006
CHURN_PER_LATE_SHARE = 0.06
RETURN_REASONS = (
    "wrong item",
    "damaged in transit",
    "defective",
    "ordered in error",
    "expired or short-dated",
)

_PREFIXES = (
    "Bayside Northpoint Golden Silverline Pacific Metro Island Summit Evergreen Sunrise "
    "Mabuhay Tala Luzon Harbourview Acacia Narra"
).split()
_NOUNS = (
    ("Builders", "Construction Supply", "Hardware"),
    ("Hotel", "Resort", "Kitchens"),
    ("Mart", "Stores", "Trading"),
    ("Clinic", "Medical Center", "Pharmacy"),
    ("Industries", "Plastics", "Fabrication"),
    ("School", "Academy", "College"),
)
_SUFFIXES = ("Inc.", "Corp.", "Co.", "Enterprises")


def _names(rng: np.random.Generator, industry: np.ndarray) -> np.ndarray:
    out = np.empty(len(industry), dtype=object)
    combos = len(_PREFIXES) * 3 * len(_SUFFIXES)
    for k, nouns in enumerate(_NOUNS):
        where = np.flatnonzero(industry == k)
        pick = rng.choice(combos, size=len(where), replace=False)
        prefix = np.array(_PREFIXES)[pick % len(_PREFIXES)]
        noun = np.array(nouns)[(pick // len(_PREFIXES)) % 3]
        suffix = np.array(_SUFFIXES)[pick // (len(_PREFIXES) * 3)]
        out[where] = [f"{p} {n} {s}" for p, n, s in zip(prefix, noun, suffix, strict=True)]
    return out.astype(str)


def build(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Generate Kestrel Supply's tables.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``kestrel_accounts``, ``kestrel_orders`` and ``kestrel_returns``.
    """
    n = N_ACCOUNTS
    region = rng.choice(len(REGIONS), size=n, p=_REGION_SHARE)
    warehouse = _REGION_WAREHOUSE[region]
    industry = rng.choice(len(INDUSTRIES), size=n, p=[0.25, 0.2, 0.2, 0.12, 0.13, 0.1])
    size = rng.choice(len(SIZES), size=n, p=[0.5, 0.35, 0.15])
    manager = (region * 2 + rng.integers(0, 2, n)) % len(ACCOUNT_MANAGERS)
    # Contract starts: about half before the records begin, the rest spread over time.
    early = rng.random(n) < 0.5
    start_day = np.where(
        early,
        rng.integers(-3 * 365, 0, n),
        rng.integers(0, cm.N_DAYS - 180, n),
    )
    appetite = rng.gamma(4.0, 0.25, n)

    cal = cm.calendar()
    months = pd.period_range(cm.START, cm.END, freq="M")
    first_day = np.array([(m.start_time - cm.START).days for m in months])
    n_days = np.array([m.days_in_month for m in months])
    fix = (FIX_DATE - cm.START).days
    alive = np.ones(n, dtype=bool)
    end_day = np.full(n, np.inf)
    late_history = np.zeros((3, n))
    orders = []
    for d0, length in zip(first_day, n_days, strict=True):
        active = alive & (start_day < d0 + length)
        count = rng.poisson(ORDERS_PER_MONTH[size] * appetite * active)
        acct = np.repeat(np.arange(n), count)
        lo = np.maximum(start_day[acct], d0)
        day = lo + np.floor(rng.random(len(acct)) * (d0 + length - lo)).astype(int)
        day = np.where(cal["weekday"].to_numpy()[day] == 6, day - 1, day)  # no Sunday orders
        day = np.maximum(day, lo)
        wh = warehouse[acct]
        before = day < fix
        slow = wh == WAREHOUSES.index(BOTTLENECK)
        delay = np.where(slow & ~before, PICK_DELAY_FIXED, PICK_DELAY[wh])
        fill = np.where(slow & ~before, LINE_FILL_FIXED, LINE_FILL[wh])
        accurate_p = np.where(slow & ~before, ACCURACY_FIXED, ACCURACY[wh])
        shipped = day + 1 + rng.poisson(delay)
        delivered = shipped + 1 + rng.poisson(0.5, len(acct))
        lines = 1 + rng.poisson(MEDIAN_ORDER_VALUE[size[acct]] / 2500)
        filled = rng.binomial(lines, fill)
        accurate = rng.random(len(acct)) < accurate_p
        value_ordered = MEDIAN_ORDER_VALUE[size[acct]] * rng.lognormal(0, 0.45, len(acct))
        value = cm.money(value_ordered * filled / lines)
        margin = cm.money(value * MARGIN_RATE[industry[acct]] * rng.uniform(0.8, 1.2, len(acct)))
        orders.append(
            pd.DataFrame(
                {
                    "acct": acct,
                    "ordered": day,
                    "shipped": shipped,
                    "delivered": delivered,
                    "lines_ordered": lines,
                    "lines_filled": filled,
                    "accurate": accurate,
                    "warehouse": wh,
                    "value": value,
                    "margin": margin,
                }
            )
        )
        # Late deliveries this month raise the chance that the account leaves.
        late = np.bincount(acct, weights=delivered > day + PROMISED_DAYS, minlength=n)
        total = np.bincount(acct, minlength=n)
        late_history = np.roll(late_history, 1, axis=0)
        late_history[0] = np.where(total > 0, late / np.maximum(total, 1), np.nan)
        share = _mean_ignoring_nan(late_history)
        leaves = active & (rng.random(n) < CHURN_BASE + CHURN_PER_LATE_SHARE * share)
        end_day = np.where(leaves, d0 + length - 1, end_day)
        alive &= ~leaves

    o = pd.concat(orders, ignore_index=True)
    o = o[o["delivered"] < cm.N_DAYS].sort_values(["ordered", "acct"], kind="stable")
    o = o.reset_index(drop=True)
    ids = cm.ids("K", n, 3)
    order_ids = cm.ids("KO", len(o), 6)
    origin = np.datetime64(cm.START, "s")
    to_date = lambda d: origin + np.asarray(d, dtype="int64") * np.timedelta64(1, "D")  # noqa: E731
    orders_table = pd.DataFrame(
        {
            "order_id": order_ids,
            "account_id": ids[o["acct"]],
            "ordered": to_date(o["ordered"]),
            "promised": to_date(o["ordered"] + PROMISED_DAYS),
            "shipped": to_date(o["shipped"]),
            "delivered": to_date(o["delivered"]),
            "lines_ordered": o["lines_ordered"].to_numpy(),
            "lines_filled": o["lines_filled"].to_numpy(),
            "order_accurate": o["accurate"].to_numpy(),
            "warehouse": np.array(WAREHOUSES)[o["warehouse"]],
            "value": o["value"].to_numpy(),
            "margin": o["margin"].to_numpy(),
        }
    )

    # Returns: wrong items come back most; some damaged, defective or unwanted goods too.
    m = len(o)
    inaccurate = ~o["accurate"].to_numpy()
    returns = (rng.random(m) < np.where(inaccurate, 0.55, 0.03)) & (
        o["lines_filled"].to_numpy() > 0
    )
    r = o[returns]
    k_ret = len(r)
    reason = np.where(
        inaccurate[returns], 0, rng.choice([1, 2, 3, 4], size=k_ret, p=[0.35, 0.3, 0.25, 0.1])
    )
    requested = r["delivered"].to_numpy() + rng.poisson(4.0, k_ret)
    received = requested + 1 + rng.poisson(3.0, k_ret)
    lines_back = 1 + rng.binomial(r["lines_filled"].to_numpy() - 1, 0.15)
    credit = cm.money(
        np.minimum(
            r["value"].to_numpy()
            * lines_back
            / r["lines_filled"].to_numpy()
            * rng.uniform(0.8, 1.2, k_ret),
            r["value"].to_numpy(),
        )
    )
    keep = requested < cm.N_DAYS
    received_dates = pd.Series(to_date(received)).where(received < cm.N_DAYS)
    returns_table = pd.DataFrame(
        {
            "order_id": order_ids[np.flatnonzero(returns)],
            "account_id": ids[r["acct"].to_numpy()],
            "requested": to_date(requested),
            "received": received_dates.to_numpy(),
            "reason": np.array(RETURN_REASONS)[reason],
            "lines_returned": lines_back,
            "credit_value": credit,
        }
    )[keep].reset_index(drop=True)
    returns_table = returns_table.sort_values(["requested", "order_id"], kind="stable")
    returns_table = returns_table.reset_index(drop=True)
    returns_table.insert(0, "return_id", cm.ids("KR", len(returns_table), 5))

    ended = pd.Series(to_date(np.where(np.isfinite(end_day), end_day, 0)))
    ended = ended.where(np.isfinite(end_day))
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "account_name": _names(rng, industry),
            "industry": np.array(INDUSTRIES)[industry],
            "size": np.array(SIZES)[size],
            "region": np.array(REGIONS)[region],
            "warehouse": np.array(WAREHOUSES)[warehouse],
            "account_manager": np.array(ACCOUNT_MANAGERS)[manager],
            "contract_start": to_date(start_day),
            "contract_end": ended.to_numpy(),
        }
    )
    return {
        "kestrel_accounts": accounts,
        "kestrel_orders": orders_table,
        "kestrel_returns": returns_table,
    }


def _mean_ignoring_nan(history: np.ndarray) -> np.ndarray:
    """Mean over the rows of ``history`` ignoring NaN (0 where a column is all NaN)."""
    seen = ~np.isnan(history)
    total = np.where(seen, history, 0.0).sum(axis=0)
    count = seen.sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)

"""RFM, scores, segments and customer profitability on Cedar Lane and on a synthetic million
transactions (aim: < 2 s); the RFM explorer's callback (aim: p95 < 50 ms)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit import datasets, privacy, segments
from casekit.widgets.segments import SegmentExplorer
from tests.bench.timing import Result, best_of, widget_callback

MILLION = 1_000_000
KEY = "course-demo-key-not-secret"


def synthetic(n_transactions: int = MILLION, n_customers: int = 80_000, seed: int = 11):
    """``n_transactions`` purchases over three years, with the columns of cedar_transactions."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-01T00:00:00", "s")
    rate = rng.gamma(0.6, 1.0, n_customers)  # most buy a few times, a few every week
    who = rng.choice(n_customers, n_transactions, p=rate / rate.sum())
    online = rng.random(n_transactions) < 0.3
    gross = rng.gamma(2.0, 650.0, n_transactions) + 35
    discount = np.round(gross * rng.choice([0.0, 0.0, 0.05, 0.1], n_transactions), 2)
    seconds = rng.integers(0, 3 * 365 * 86_400, n_transactions)
    return pd.DataFrame(
        {
            "customer_id": np.char.add("S", np.char.zfill(who.astype(str), 6)),
            "timestamp": (start + seconds.astype("timedelta64[s]")).astype("datetime64[us]"),
            "channel": np.where(online, "online", "store"),
            "gross": gross,
            "discount": discount,
            "margin": (gross - discount) * 0.22 - discount,
            "delivery_cost": np.where(online, rng.uniform(60, 140, n_transactions), 0.0),
            "returned": rng.random(n_transactions) < 0.03,
        }
    ).assign(spend=lambda f: np.where(f["returned"], 0.0, f["gross"] - f["discount"]))


def _rfm_segments(transactions: pd.DataFrame, as_of: str) -> pd.Series:
    table = segments.rfm(transactions, as_of, date_col="timestamp", amount_col="spend")
    scored = segments.rfm_scores(table)
    return segments.assign_segments(scored)


def run() -> list[Result]:
    customers = datasets.load("cedar_customers")
    tx = datasets.load("cedar_transactions")
    contacts = datasets.load("cedar_service_contacts")
    complaints = datasets.load("cedar_complaints")
    loyalty = datasets.load("cedar_loyalty_events")
    detail = f"{len(tx):,} transactions, {len(customers):,} customers"
    people, purchases = segments.analysis_tables(customers, tx, key=KEY, as_of="2024-12-31")
    results = [
        Result(
            "segments analysis_tables (pseudonymise, habits): Cedar Lane",
            best_of(lambda: segments.analysis_tables(customers, tx, key=KEY, as_of="2024-12-31")),
            2.0,
            detail,
        ),
        Result(
            "privacy pseudonym: Cedar Lane transactions' ids",
            best_of(lambda: privacy.pseudonym(tx["customer_id"], KEY)),
            2.0,
            f"{len(tx):,} ids",
        ),
        Result(
            "segments RFM + scores + segments: Cedar Lane",
            best_of(lambda: _rfm_segments(purchases, "2024-12-31")),
            2.0,
            detail,
        ),
        Result(
            "segments customer_profitability: Cedar Lane",
            best_of(
                lambda: segments.customer_profitability(
                    tx,
                    customers=customers,
                    contacts=contacts,
                    complaints=complaints,
                    loyalty_events=loyalty,
                )
            ),
            2.0,
            f"{detail}, {len(contacts):,} contacts",
        ),
    ]
    big = synthetic()
    detail = f"{len(big):,} transactions, {big['customer_id'].nunique():,} customers"
    results.append(
        Result(
            "segments RFM + scores + segments: synthetic 1M",
            best_of(lambda: _rfm_segments(big, "2024-12-31")),
            2.0,
            detail,
        )
    )
    results.append(
        Result(
            "segments customer_profitability + whale: synthetic 1M",
            best_of(lambda: segments.whale_summary(segments.customer_profitability(big))),
            2.0,
            detail,
        )
    )
    pseudonyms = pd.Index(privacy.pseudonym(customers["customer_id"], KEY, prefix="P"))
    explorer = SegmentExplorer(
        purchases,
        people,
        club_since=pd.Series(customers["club_member_since"].to_numpy(), index=pseudonyms),
        birth_dates=pd.Series(customers["birth_date"].to_numpy(), index=pseudonyms),
    )
    days = [value for _, value in explorer.as_of.options]
    results += widget_callback(
        "SegmentExplorer.as_of", explorer.as_of, [days[-13], days[-25], days[-1]]
    )
    results += widget_callback("SegmentExplorer.scheme", explorer.scheme, ["fixed", "quantile"])
    return results

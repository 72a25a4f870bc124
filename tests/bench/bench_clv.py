"""Cohort CLV on the Cedar Lane transactions and on a synthetic million (aim: < 2 s);
the CLV calculator's callback (aim: p95 < 50 ms)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit import clv, datasets
from casekit.widgets.clv import CLVCalculator
from tests.bench.timing import Result, best_of, widget_callback

MILLION = 1_000_000

#: Column names of the Cedar Lane tables, as cohort_summary's keyword arguments.
CEDAR_COLUMNS = {"date_col": "timestamp", "value_col": "margin"}


def synthetic(n_transactions: int = MILLION, n_customers: int = 60_000, seed: int = 7):
    """A synthetic customer table and ``n_transactions`` transactions over three years."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-01")
    acquired = start + rng.integers(0, 3 * 365, n_customers).astype("timedelta64[D]")
    customers = pd.DataFrame(
        {
            "customer_id": [f"S{i:06d}" for i in range(n_customers)],
            "acquisition_date": acquired.astype("datetime64[ns]"),
            "acquisition_channel": rng.choice(
                ["store", "online", "referral", "event"], n_customers
            ),
            "acquisition_cost": rng.choice([300.0, 800.0, 150.0, 1_200.0], n_customers),
        }
    )
    who = rng.integers(0, n_customers, n_transactions)
    span = (start + np.timedelta64(3 * 365, "D") - acquired[who]).astype(np.int64)
    offset = (rng.random(n_transactions) * span).astype(np.int64)
    transactions = pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy()[who],
            "date": (acquired[who] + offset.astype("timedelta64[D]")).astype("datetime64[ns]"),
            "margin": rng.gamma(2.0, 120.0, n_transactions),
        }
    )
    return transactions, customers


def run() -> list[Result]:
    tx = datasets.load("cedar_transactions")
    customers = datasets.load("cedar_customers")
    results = [
        Result(
            "clv cohort_summary: Cedar Lane",
            best_of(lambda: clv.cohort_summary(tx, customers, **CEDAR_COLUMNS)),
            2.0,
            f"{len(tx):,} transactions, {len(customers):,} customers",
        ),
        Result(
            "clv segment_clv: Cedar Lane by channel",
            best_of(
                lambda: clv.segment_clv(
                    tx,
                    customers,
                    segment_col="acquisition_channel",
                    horizon=24,
                    acquisition_cost_col="acquisition_cost",
                    discount_rate=0.10,
                    **CEDAR_COLUMNS,
                )
            ),
            2.0,
            f"{len(tx):,} transactions, {len(customers):,} customers",
        ),
    ]
    tx, customers = synthetic()
    detail = f"{len(tx):,} transactions, {len(customers):,} customers"
    results.append(
        Result(
            "clv cohort_summary: synthetic 1M",
            best_of(lambda: clv.cohort_summary(tx, customers)),
            2.0,
            detail,
        )
    )
    results.append(
        Result(
            "clv segment_clv: synthetic 1M",
            best_of(
                lambda: clv.segment_clv(
                    tx,
                    customers,
                    segment_col="acquisition_channel",
                    horizon=12,
                    acquisition_cost_col="acquisition_cost",
                    discount_rate=0.10,
                )
            ),
            2.0,
            detail,
        )
    )
    calc = CLVCalculator()
    results += widget_callback("CLVCalculator.a.retention", calc.a.retention, [0.4, 0.6, 0.7])
    results += widget_callback("CLVCalculator.horizon", calc.horizon, [5, 10, 20])
    return results

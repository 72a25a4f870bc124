"""Probabilistic CLV: BG/NBD fit times on the CDNOW sample (aim < 50 ms), the CDNOW master
file (< 0.5 s) and a synthetic million customers (< 10 s); Gamma-Gamma and sBG fits; the
RFM summary of the master file; the P(alive) explorer's callback (aim: p95 < 50 ms)."""

from __future__ import annotations

import numpy as np

from casekit import clv_models as cm
from casekit import datasets
from casekit.widgets.clv_models import AliveExplorer
from tests.bench.timing import Result, best_of, time_once, widget_callback

CALIBRATION_END = "1997-09-30"
MILLION = 1_000_000


def synthetic(n_customers: int = MILLION, seed: int = 11):
    """Histories of ``n_customers`` simulated from the published CDNOW estimates.

    Customers join on a random day of a 39-week window; the last purchase is rounded up
    to a whole day, as in transaction data.
    """
    model = cm.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
    rng = np.random.default_rng(seed)
    ages = (rng.integers(0, 273, n_customers) + 1) / 7
    return cm.simulate_bgnbd(model, ages, seed=seed, days_per_unit=7)


def run() -> list[Result]:
    results: list[Result] = []
    sample = datasets.load("cdnow_sample")
    master = datasets.load("cdnow_master")
    small = cm.rfm_summary(sample, calibration_end=CALIBRATION_END)
    results.append(
        Result(
            "clv_models: RFM summary, CDNOW master",
            best_of(lambda: cm.rfm_summary(master, calibration_end=CALIBRATION_END)),
            0.5,
            f"{len(master):,} records",
        )
    )
    big = cm.rfm_summary(master, calibration_end=CALIBRATION_END)
    cm.fit_bgnbd(small)  # warm up SciPy's optimiser
    results.append(
        Result(
            "clv_models: BG/NBD fit, CDNOW sample",
            best_of(lambda: cm.fit_bgnbd(small), repeat=5),
            0.050,
            f"{len(small):,} customers",
        )
    )
    results.append(
        Result(
            "clv_models: BG/NBD fit, CDNOW master",
            best_of(lambda: cm.fit_bgnbd(big)),
            0.5,
            f"{len(big):,} customers",
        )
    )
    million = synthetic()
    patterns = len(cm.compress(million["frequency"], million["recency"], million["T"]))
    results.append(
        Result(
            "clv_models: BG/NBD fit, synthetic 1M customers",
            time_once(lambda: cm.fit_bgnbd(million)),
            10.0,
            f"{len(million):,} customers, {patterns:,} distinct histories",
        )
    )
    rng = np.random.default_rng(3)
    continuous = cm.simulate_bgnbd(
        cm.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426), rng.uniform(1, 39, MILLION), seed=3
    )
    results.append(
        Result(
            "clv_models: BG/NBD fit, 1M customers, continuous times",
            time_once(lambda: cm.fit_bgnbd(continuous)),
            10.0,
            "every history distinct (nothing to collapse)",
        )
    )
    results.append(
        Result(
            "clv_models: Gamma-Gamma fit, CDNOW sample",
            best_of(lambda: cm.fit_gamma_gamma(small), repeat=5),
            0.050,
            f"{int((small['frequency'] > 0).sum()):,} repeat buyers",
        )
    )
    survivors = [1000, 631, 468, 382, 326, 289, 262, 241]
    results.append(
        Result(
            "clv_models: sBG fit, one cohort",
            best_of(lambda: cm.fit_sbg(survivors), repeat=5),
            0.050,
            "8 years of survivor counts",
        )
    )
    explorer = AliveExplorer()
    results += widget_callback(
        "AliveExplorer recency", explorer.recency, [10.0, 20.0, 30.0, 38.0], repeat=40
    )
    results += widget_callback(
        "AliveExplorer frequency", explorer.frequency, [1, 5, 12, 3], repeat=40
    )
    return results

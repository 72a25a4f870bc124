"""Lesson 04: the programme designer's callbacks (aim: p95 under 50 ms) and the
evaluation of the Shopper's Club on the course data (panel, estimates, KPIs)."""

from __future__ import annotations

from casekit import datasets, programs
from casekit.widgets.programs import ProgramDesigner
from tests.bench.timing import Result, best_of, widget_callback


def run() -> list[Result]:
    designer = ProgramDesigner()
    customers = datasets.load("cedar_customers")
    transactions = datasets.load("cedar_transactions")
    transactions = transactions.assign(spend=transactions["gross"] - transactions["discount"])
    events = datasets.load("cedar_loyalty_events")
    size = f"{len(customers):,} customers, {len(transactions):,} purchases"
    panel = programs.evaluation_panel(customers, transactions, window=180)
    rows = f"{len(panel):,} customers in the panel"
    design = programs.club_design(
        customers, transactions, events, year=2024, points_per_peso=1 / 50
    )
    return [
        *widget_callback(
            "ProgramDesigner.spend_lift", designer.spend_lift, [0.02, 0.08, 0.15, 0.25]
        ),
        *widget_callback(
            "ProgramDesigner.retention_lift", designer.retention_lift, [0.0, 0.02, 0.05]
        ),
        *widget_callback("ProgramDesigner.reward_rate", designer.reward_rate, [0.005, 0.01, 0.02]),
        Result(
            "programs.evaluation_panel (180-day windows)",
            best_of(lambda: programs.evaluation_panel(customers, transactions, window=180)),
            1.0,
            size,
        ),
        Result(
            "programs.did_estimate",
            best_of(lambda: programs.did_estimate(panel)),
            0.25,
            rows,
        ),
        Result(
            "programs.compare_estimates (naive, matched, DiD)",
            best_of(lambda: programs.compare_estimates(panel)),
            0.5,
            rows,
        ),
        Result(
            "programs.naive_comparison (one year)",
            best_of(
                lambda: programs.naive_comparison(
                    customers, transactions, start="2024-01-01", end="2024-12-31"
                )
            ),
            None,
            size,
        ),
        Result(
            "programs.club_kpis (one year)",
            best_of(lambda: programs.club_kpis(customers, transactions, events, year=2024)),
            None,
            size,
        ),
        Result(
            "programs.break_even_retention (lifetime, Brent)",
            best_of(
                lambda: programs.break_even_retention(retention=0.75, discount_rate=0.1, **design)
            ),
            None,
            "one design",
        ),
    ]

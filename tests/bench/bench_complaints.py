"""Complaints: one simulated year of a complaints desk under each triage policy (aim under
1 s each), a ten times busier year, the Cedar Lane recovery table, and the triage
simulator's callbacks (aim: p95 under 100 ms)."""

from __future__ import annotations

from casekit import complaints, datasets
from casekit.widgets.complaints import TriageSimulator
from tests.bench.timing import Result, best_of, widget_callback

STANDARDS = {"low": 48, "medium": 24, "high": 4}


def run() -> list[Result]:
    results = []
    year = complaints.simulate_arrivals(4_000, seed=1)
    busy = complaints.simulate_arrivals(40_000, seed=1)
    for policy in complaints.POLICIES:
        for label, arrivals, handlers in (
            ("one year", year, 1),
            ("a year ten times busier", busy, 10),
        ):
            results.append(
                Result(
                    f"simulate_triage {policy}: {label}",
                    best_of(
                        lambda p=policy, a=arrivals, h=handlers: complaints.simulate_triage(
                            a, policy=p, handlers=h, standard_hours=STANDARDS
                        )
                    ),
                    1.0,
                    f"{len(arrivals):,} complaints, {handlers} handler(s)",
                )
            )
    results.append(
        Result(
            "simulate_arrivals: one year",
            best_of(lambda: complaints.simulate_arrivals(4_000, seed=2)),
            None,
            "4,000 a year",
        )
    )
    log = datasets.load("cedar_complaints")
    purchases = datasets.load("cedar_transactions")
    customers = datasets.load("cedar_customers")
    results.append(
        Result(
            "recovery_table: Cedar Lane",
            best_of(lambda: complaints.recovery_table(purchases, log, customers=customers)),
            None,
            f"{len(log):,} complaints, {len(purchases):,} purchases",
        )
    )
    simulator = TriageSimulator(year)
    policies = list(complaints.POLICIES)
    results += [
        *widget_callback("TriageSimulator.policy", simulator.policy, policies, aim=0.100),
        *widget_callback(
            "TriageSimulator.handlers", simulator.handlers, [1, 2, 3, 4, 5, 6], aim=0.100
        ),
        *widget_callback(
            "TriageSimulator.standard_high",
            simulator.standard_high,
            list(range(1, 49)),
            aim=0.100,
        ),
    ]
    return results

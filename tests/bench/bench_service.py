"""Service quality: the staffing calculator's callbacks (aim: p95 < 50 ms), Erlang C
staffing of a week of hourly intervals, control-chart rules on long series, and the order
measures on the Kestrel orders (or on a synthetic 100,000 orders before the data exists)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit import datasets, service
from casekit.widgets.service import StaffingCalculator
from tests.bench.timing import Result, best_of, widget_callback


def _orders(n: int = 100_000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ordered = np.datetime64("2021-01-01") + rng.integers(0, 1460, n).astype("timedelta64[D]")
    shipped = ordered + (1 + rng.poisson(0.6, n)).astype("timedelta64[D]")
    lines = 1 + rng.poisson(8, n)
    return pd.DataFrame(
        {
            "ordered": ordered.astype("datetime64[ns]"),
            "promised": (ordered + np.timedelta64(4, "D")).astype("datetime64[ns]"),
            "shipped": shipped.astype("datetime64[ns]"),
            "delivered": (shipped + (1 + rng.poisson(0.5, n)).astype("timedelta64[D]")).astype(
                "datetime64[ns]"
            ),
            "lines_ordered": lines,
            "lines_filled": rng.binomial(lines, 0.98),
            "order_accurate": rng.random(n) < 0.97,
            "warehouse": rng.choice(["A", "B", "C", "D"], n),
        }
    )


def _order_measures(orders: pd.DataFrame) -> None:
    weekly = service.add_period(orders, date="ordered", freq="W")
    columns = {
        "promised": "promised",
        "delivered": "delivered",
        "lines_ordered": "lines_ordered",
        "lines_filled": "lines_filled",
        "accurate": "order_accurate",
    }
    service.perfect_order_rate(weekly, **columns, by=["warehouse", "period"])
    service.on_time_rate(weekly, promised="promised", delivered="delivered", by="period")
    service.line_fill_rate(
        weekly, lines_ordered="lines_ordered", lines_filled="lines_filled", by="period"
    )
    stages = service.stage_durations(orders, stamps=["ordered", "shipped", "delivered"])
    service.stage_summary(stages, groups=orders["warehouse"])


def run() -> list[Result]:
    calculator = StaffingCalculator()
    results = [
        *widget_callback("StaffingCalculator.calls", calculator.calls, [60, 180, 420, 95]),
        *widget_callback("StaffingCalculator.handle_time", calculator.handle_time, [180, 300, 600]),
        *widget_callback("StaffingCalculator.target", calculator.target, [0.7, 0.8, 0.95]),
        *widget_callback("StaffingCalculator.answer_time", calculator.answer_time, [10, 20, 60]),
    ]
    rng = np.random.default_rng(1)
    week = rng.uniform(5, 400, 24 * 7)
    results.append(
        Result(
            "agents_needed: 168 hourly intervals",
            best_of(lambda: service.agents_needed(week, 240, target=0.8, answer_time=20)),
            0.050,
            "one week, 5-400 calls an hour",
        )
    )
    results.append(
        Result(
            "cost_of_service_levels: 6 targets x 12 hours",
            best_of(
                lambda: service.cost_of_service_levels(
                    week[:12],
                    240,
                    targets=[0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
                    cost_per_agent_hour=250,
                )
            ),
            0.100,
            "",
        )
    )
    series = rng.normal(0, 1, 10_000)
    results.append(
        Result(
            "control_rules: 10,000 points",
            best_of(lambda: service.control_rules(series, 0.0, 1.0)),
            0.100,
            "",
        )
    )
    try:
        orders, label = datasets.load("kestrel_orders"), "Kestrel orders"
    except (ValueError, OSError):  # not generated yet
        orders, label = _orders(), "synthetic 100,000 orders"
    results.append(
        Result(
            "order measures by week and warehouse",
            best_of(lambda: _order_measures(orders)),
            1.0,
            f"{label}: {len(orders):,} rows",
        )
    )
    return results

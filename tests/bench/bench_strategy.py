"""Lesson 08: the selection explorer's callbacks (aim: p95 under 50 ms) and the
sensitivity computations of casekit.strategy."""

from __future__ import annotations

from casekit import strategy
from casekit.widgets.strategy import SelectionExplorer
from tests.bench.timing import Result, best_of, widget_callback


def run() -> list[Result]:
    explorer = SelectionExplorer()
    scores, weights = strategy.kestrel_vendor_scores(), strategy.kestrel_weights()
    roadmap = strategy.kestrel_roadmap()
    results = [
        *widget_callback(
            "SelectionExplorer.ease_of_use", explorer.sliders["ease_of_use"], [0.10, 0.20, 0.30]
        ),
        *widget_callback(
            "SelectionExplorer.criterion",
            explorer.criterion,
            ["help_support", "features_integration", "ease_of_use"],
        ),
    ]
    for draws, aim in ((5_000, 0.050), (100_000, 1.0)):
        seconds = best_of(lambda n=draws: strategy.rank_stability(scores, weights, draws=n))
        results.append(
            Result(
                f"strategy.rank_stability: {draws:,} draws",
                seconds,
                aim,
                "4 options x 5 criteria",
            )
        )
    results.append(
        Result(
            "strategy.flip_points",
            best_of(lambda: strategy.flip_points(scores, weights)),
            None,
            "4 options x 5 criteria",
        )
    )
    results.append(
        Result(
            "strategy.schedule + critical_path",
            best_of(lambda: strategy.critical_path(strategy.schedule(roadmap))),
            None,
            f"{len(roadmap)} tasks",
        )
    )
    return results

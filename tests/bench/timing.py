"""Timing helpers shared by the benchmark modules."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    """One benchmark figure: what was timed, the measured seconds and the aim."""

    name: str
    seconds: float
    aim: float | None = None
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.aim is None:
            return ""
        return "ok" if self.seconds <= self.aim else "SLOW"


def time_once(func: Callable[[], Any]) -> float:
    """Seconds one call of ``func`` takes."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def best_of(func: Callable[[], Any], repeat: int = 3) -> float:
    """The fastest of ``repeat`` calls, in seconds (the least disturbed by other load)."""
    return min(time_once(func) for _ in range(repeat))


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile of ``samples``."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def widget_callback(
    name: str,
    control: Any,
    values: Sequence[Any],
    *,
    repeat: int = 50,
    aim: float = 0.050,
) -> list[Result]:
    """Time a widget's callback by setting ``control.value`` ``repeat`` times in Python.

    Cycles through ``values`` (each must differ from the one before so that the
    callback fires) and reports the median and the 95th percentile.
    """
    samples = []
    for i in range(repeat):
        value = values[i % len(values)]
        start = time.perf_counter()
        control.value = value
        samples.append(time.perf_counter() - start)
    median, p95 = percentiles(samples)
    return [
        Result(f"widget {name}: callback median", median, None, f"{repeat} updates"),
        Result(f"widget {name}: callback p95", p95, aim, f"{repeat} updates"),
    ]

"""Seconds to generate the synthetic world (aim: under 60 s) and to load each table (aim: 1 s)."""

from __future__ import annotations

import tempfile

from casekit import datasets
from tests.bench.timing import Result, best_of, time_once


def run() -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        seconds = time_once(lambda: datasets.generate(out=tmp))
    results.append(Result("datasets: generate the synthetic world", seconds, 60.0, "seed 2024"))
    for name in datasets.names():
        rows = len(datasets.load(name))

        def fresh(name: str = name) -> None:
            datasets._cache.clear()  # time the file, not the in-memory copy
            datasets.load(name)

        seconds = best_of(fresh, repeat=3)
        results.append(Result(f"datasets: load {name}", seconds, 1.0, f"{rows:,} rows"))
    return results

"""Seconds to execute each course notebook in a fresh kernel (aim: under 20 s)."""

from __future__ import annotations

from casekit import notebooks
from tests.bench.timing import Result, time_once


def run() -> list[Result]:
    results = []
    base = notebooks.root()
    for path in notebooks.course_notebooks():
        seconds = time_once(lambda path=path: notebooks.execute(path))
        results.append(Result(f"notebook {path.relative_to(base)}", seconds, 20.0))
    return results

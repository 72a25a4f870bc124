"""Case variants: one company's data for a new seed, and a class's worksheets.

A variant is generated for one company only (:func:`casekit.cases.company_tables`); the
figure to compare is its time against the whole world built in the same run. Aims: a
variant in under a second for Kestrel Supply and Harbor Spa and under 5 s for Cedar
Lane Market (a student waits for it when the notebook starts); under 5 s per student for
``casekit cases variants`` (worksheet and answer key).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from casekit import cases, world
from casekit.cases import variants
from tests.bench.timing import Result, time_once

#: Seeds never used elsewhere in the benchmarks, so nothing is cached.
_SEEDS = iter(range(900_001, 900_100))
_AIMS = {"kestrel": 1.0, "harbor": 1.0, "cedar": 5.0}


def _fresh_variant(company: str) -> float:
    """Seconds to generate ``company`` for a seed not generated before (best of 3)."""
    return min(time_once(lambda: cases.company_tables(company, next(_SEEDS))) for _ in range(3))


def _class_of(case: str, students: int) -> float:
    """Seconds per student to write a class's worksheets and answer sheet."""
    roster = pd.DataFrame(
        {"student_id": [f"bench{i:02d}" for i in range(students)], "name": [""] * students}
    )
    with tempfile.TemporaryDirectory() as folder:
        seconds = time_once(
            lambda: variants.write_variants(case, roster, Path(folder) / "out", salt="bench")
        )
    return seconds / students


def run() -> list[Result]:
    results = []
    whole = time_once(lambda: world.build(next(_SEEDS)))
    results.append(Result("world.build, all three companies", whole))
    for company, aim in _AIMS.items():
        seconds = _fresh_variant(company)
        results.append(
            Result(
                f"cases.company_tables({company!r}, new seed)",
                seconds,
                aim,
                f"{seconds / whole:.0%} of the whole world",
            )
        )
    for case in cases.CASES:
        results.append(Result(f"cases variants {case}, per student", _class_of(case, 3), 5.0))
    return results

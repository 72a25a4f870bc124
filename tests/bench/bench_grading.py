"""Seconds per submission to grade 60 copies of an exercise notebook with two jobs.

Half the submissions are the blank exercise, half the worked solution, so that both the
"not attempted" path and the full run of every answer cell are timed. The answer key
(one run of the solution) is included in the total, as in ``casekit grade``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from casekit import grading, notebooks
from tests.bench.timing import Result, time_once

ASSIGNMENT = "01"
SUBMISSIONS = 60
JOBS = 2


def run() -> list[Result]:
    root = notebooks.root()
    solution = grading.find_solution(ASSIGNMENT, root / "solutions")
    exercise = root / "exercises" / solution.relative_to(root / "solutions")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(SUBMISSIONS):
            source = exercise if i % 2 else solution
            shutil.copy(source, folder / f"student{i:02d}.ipynb")
        seconds = time_once(
            lambda: grading.grade(folder, ASSIGNMENT, Path(tmp) / "out", jobs=JOBS, progress=False)
        )
    detail = f"{SUBMISSIONS} submissions of {solution.stem}, --jobs {JOBS}, total {seconds:.1f} s"
    return [Result("grade: seconds per submission", seconds / SUBMISSIONS, 2.0, detail)]

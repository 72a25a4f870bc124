"""Every notebook of the course runs top to bottom in a fresh kernel.

New notebooks are picked up without editing this file. Lessons must run without an
error; solutions must answer every question of their notebook correctly; exercises must
run to the end with every check reporting "not attempted".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casekit import checks, notebooks

ROOT = notebooks.root()
VERDICT = re.compile(r"^\S+ (?P<id>[A-Za-z]\w*) — (?P<status>" + "|".join(checks.STATUSES) + ")")


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def verdicts(nb) -> dict[str, list[str]]:
    """All check verdicts shown in an executed notebook: {question id: [status, ...]}."""
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            for line in str(text).splitlines():
                match = VERDICT.match(line)
                if match:
                    found.setdefault(match["id"], []).append(match["status"])
    return found


def errors(nb) -> list[str]:
    """Error outputs of an executed notebook, as short strings."""
    return [
        f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
        for i, cell in enumerate(nb.cells, start=1)
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def exercise_name(path: Path) -> str | None:
    """The ``ck.start("...")`` name used by a notebook, if any."""
    source = "\n".join(cell.source for cell in notebooks.read(path).cells)
    match = re.search(r"""ck\.start\(\s*["']([^"']+)["']""", source)
    return match.group(1) if match else None


@pytest.mark.notebook
@pytest.mark.parametrize("path", notebooks.course_notebooks(), ids=_id)
def test_notebook_runs(path: Path) -> None:
    executed = notebooks.execute(path)
    assert errors(executed) == []
    kind = path.relative_to(ROOT).parts[0]
    name = exercise_name(path)
    if kind == "notebooks" and name is None:
        return
    assert name is not None, f"{_id(path)} never calls ck.start(...)"
    expected_ids = set(checks.load_questions(name))
    found = verdicts(executed)
    assert set(found) == expected_ids, "every question is checked, and only those"
    statuses = {status for values in found.values() for status in values}
    if kind == "exercises":
        assert statuses == {"not attempted"}
    else:
        assert statuses <= set(checks.DONE), {
            k: v for k, v in found.items() if v[-1] not in checks.DONE
        }


def test_a_notebook_folder_is_not_empty() -> None:
    assert notebooks.course_notebooks("notebooks"), "no lesson notebooks found"

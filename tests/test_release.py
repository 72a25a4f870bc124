"""casekit.release: the student bundle holds no solution, instructor note or answer sheet."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from casekit import notebooks, release
from casekit.cli import main

NOTE = "Planted finding: the spa's churn doubles after the price rise."


def _write(nb, path: Path) -> None:
    notebooks.write(nb, path)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A small course folder with every kind of thing a release must leave out."""
    root = tmp_path / "course"
    case = new_notebook(
        cells=[
            new_markdown_cell("# Harbor Spa\n\nThe story of the case."),
            new_markdown_cell(f"## Instructor note\n\n{NOTE}", metadata={"tags": ["instructor"]}),
            new_code_cell("x = 1", metadata={"tags": ["instructor", "parameters"]}),
            new_markdown_cell(
                "Discuss the plan.\n\n"
                f"{release.NOTE_BEGIN}\nA good answer names the cost. {NOTE}\n"
                f"{release.NOTE_END}\n\n"
                "Then decide."
            ),
            new_markdown_cell(f"{release.NOTE_BEGIN}\nOnly a note here.\n{release.NOTE_END}"),
            new_code_cell("print('kept')"),
        ]
    )
    _write(case, root / "notebooks" / "cases" / "harbor_spa.ipynb")
    _write(
        new_notebook(cells=[new_markdown_cell("# 01 · Lesson")]), root / "notebooks" / "01.ipynb"
    )
    _write(
        new_notebook(cells=[new_code_cell("# YOUR CODE HERE\nq1 = ...")]),
        root / "exercises" / "01.ipynb",
    )
    _write(
        new_notebook(cells=[new_code_cell("# BEGIN SOLUTION\nq1 = 2\n# END SOLUTION")]),
        root / "solutions" / "01.ipynb",
    )
    (root / "notebooks" / "cases" / "harbor_spa.instructor.md").write_text(NOTE)
    (root / "datasets").mkdir()
    (root / "datasets" / "spa.csv").write_text("member,fee\nA,100\n")
    (root / "datasets" / "README.md").write_text(
        "# Data\n\n## Tables\n\nspa: members.\n\n## Instructor notes: planted effects\n\n"
        f"{NOTE}\n\n### Churn\n\nDoubles.\n\n```\n# not a heading\n```\n\n## Sources\n\n"
        f"Cited.\n{release.NOTE_BEGIN}\n{NOTE}\n{release.NOTE_END}\n"
    )
    (root / "datasets" / "harbor_spa_answer_sheet.csv").write_text("student,q1\nann,3\n")
    pkg = root / "casekit"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        '"""Handles markers such as\n\n    # BEGIN SOLUTION\n"""\nMARK = "# END SOLUTION"\n'
    )
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (root / "pyproject.toml").write_text("[project]\nname = 'casekit'\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text("")
    return root


def _all_text(folder: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    )


def test_release_of_a_course_leaves_out_what_students_must_not_get(
    course: Path, tmp_path: Path
) -> None:
    out = tmp_path / "release"
    release.build(out, root=course, progress=False)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [
        "casekit/__init__.py",
        "datasets/README.md",
        "datasets/spa.csv",
        "exercises/01.ipynb",
        "notebooks/01.ipynb",
        "notebooks/cases/harbor_spa.ipynb",
        "pyproject.toml",
    ]
    assert NOTE not in _all_text(out)
    assert release.scan(out) == []
    assert (out / "datasets" / "README.md").read_text() == (
        "# Data\n\n## Tables\n\nspa: members.\n\n## Sources\n\nCited.\n"
    )
    case = notebooks.read(out / "notebooks" / "cases" / "harbor_spa.ipynb")
    assert [c.source for c in case.cells] == [
        "# Harbor Spa\n\nThe story of the case.",
        "Discuss the plan.\n\n\nThen decide.",
        "print('kept')",
    ]


def test_the_course_release_is_clean_and_complete(tmp_path: Path, root: Path) -> None:
    out = tmp_path / "release"
    release.build(out, progress=False)
    assert release.scan(out) == []
    assert not (out / "solutions").exists()
    for folder in ("notebooks", "exercises"):
        expected = {p.relative_to(root) for p in notebooks.course_notebooks(folder)}
        assert {p.relative_to(out) for p in notebooks.course_notebooks(folder, base=out)} == (
            expected
        )
    # The bundle's own casekit loads the checks of every exercise.
    names = [p.stem for p in notebooks.course_notebooks("exercises", base=out)]
    code = "import casekit.checks as c, sys\nfor n in sys.argv[1:]: c.load_questions(n)\n"
    code += "print(c.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=out, check=True, capture_output=True, text=True
    )
    assert Path(done.stdout.strip()).resolve().is_relative_to(out.resolve())
    # What the bundle tells students matches what it holds.
    readme = (out / "README.md").read_text(encoding="utf-8")
    for absent in ("solutions/", "tests/", "casekit grade", "casekit release", "make bench"):
        assert absent not in readme, absent
    assert "exercises/" in readme and "make lab" in readme
    assert _make_targets(out / "Makefile") == set(release.STUDENT_TARGETS)


def _make_targets(makefile: Path) -> set[str]:
    """The targets ``make`` offers (not files), from make's own database."""
    database = subprocess.run(
        ["make", "-pRrq", "-f", makefile.name, ":"],
        cwd=makefile.parent,
        capture_output=True,
        text=True,
    ).stdout
    phony = re.search(r"^\.PHONY: (.*)$", database, re.MULTILINE)
    rules = set(re.findall(r"^([\w-]+):(?!=)", database, re.MULTILINE))
    return rules - {"Makefile"} | set(phony.group(1).split() if phony else ())


MAKEFILE = """\
# Intro: make lab, make test.
#   make test - the tests

PYTHON ?= python3
VENV ?= .venv

.PHONY: help lab test clean

help:
\t@echo "make lab   the course"
\t@echo "make test  the tests"

$(VENV)/ready: | $(VENV)/bin
\ttouch $@

$(VENV)/bin:
\tmkdir -p $@

$(VENV)/tools: $(VENV)/bin
\ttouch $@

lab: $(VENV)/ready
\t@echo lab

# The tests need tests/.
test: $(VENV)/tools
\tpytest tests

clean:
\trm -rf $(VENV)

# Browser tests
.PHONY: test-browser

test-browser: $(VENV)/tools
\tpytest tests/browser
"""


def test_the_student_makefile_offers_only_what_works(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    (tmp_path / "Makefile").write_text(release.student_makefile(MAKEFILE))
    text = (tmp_path / "Makefile").read_text()
    assert _make_targets(tmp_path / "Makefile") == {"help", "lab", "clean"}
    assert "$(VENV)/ready:" in text and "$(VENV)/bin:" in text, "what lab needs is kept"
    assert "tools" not in text and "tests" not in text and "Browser" not in text
    assert "make test" not in text and 'make lab   the course"' in text
    # a make of its own, not a sub-make of the one running the tests (which would print
    # "Entering directory" lines and pass its flags on)
    alone = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    done = subprocess.run(["make", "lab"], cwd=tmp_path, capture_output=True, text=True, env=alone)
    assert done.returncode == 0 and done.stdout.strip().endswith("lab"), done.stderr
    assert (tmp_path / ".venv" / "ready").exists()


def test_a_released_makefile_is_the_student_one(course: Path, tmp_path: Path) -> None:
    (course / "Makefile").write_text(MAKEFILE)
    release.build(tmp_path / "release", root=course, progress=False)
    released = (tmp_path / "release" / "Makefile").read_text()
    assert released == release.student_makefile(MAKEFILE)


LEAKS = {
    "a solution block in a notebook": (
        "notebooks/x.ipynb",
        new_notebook(cells=[new_code_cell("# BEGIN SOLUTION\nq = 1\n# END SOLUTION")]),
    ),
    "a solution block in markdown": ("notebooks/x.md", "<!-- BEGIN SOLUTION -->\nyes"),
    "a solution comment in Python": ("casekit/x.py", "x = 1\n# BEGIN SOLUTION\n"),
    "an instructor-tagged cell": (
        "notebooks/x.ipynb",
        new_notebook(cells=[new_markdown_cell("notes", metadata={"tags": ["instructor"]})]),
    ),
    "an instructor-note heading": (
        "notebooks/x.ipynb",
        new_notebook(cells=[new_markdown_cell("### Instructor notes\n\nTiming: 60 min")]),
    ),
    "an instructor passage": ("notebooks/x.md", f"{release.NOTE_BEGIN}\nnote\n"),
    "an answer sheet": ("cases/spa_answer_sheet.csv", "student,q1\n"),
    "an instructor section in markdown": ("datasets/README.md", "# D\n## Instructor notes\nx"),
    "an answer key": ("datasets/Answer-Key.json", "{}"),
    "a solutions folder": ("solutions/01.ipynb", "{}"),
    "an instructor file": ("notebooks/cases/INSTRUCTOR.md", "notes"),
}


@pytest.mark.parametrize("leak", sorted(LEAKS))
def test_scan_finds_every_kind_of_leak(tmp_path: Path, leak: str) -> None:
    relative, content = LEAKS[leak]
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content)
    else:
        _write(content, path)
    problems = release.scan(tmp_path)
    assert problems and {p.path for p in problems} == {relative}


def test_scan_ignores_markers_in_python_strings(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text('"""\n    # BEGIN SOLUTION\n"""\nX = "<!-- END SOLUTION -->"\n')
    assert release.scan(tmp_path) == []


def test_a_leak_stops_the_release_and_writes_nothing(course: Path, tmp_path: Path) -> None:
    lesson = course / "notebooks" / "02.ipynb"
    _write(new_notebook(cells=[new_code_cell("# BEGIN SOLUTION\nq = 1\n# END SOLUTION")]), lesson)
    out = tmp_path / "release"
    with pytest.raises(release.ReleaseError, match=r"notebooks/02\.ipynb: line \d+: a solution"):
        release.build(out, root=course, progress=False)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["course"], "no staging folder is left"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (f"{release.NOTE_BEGIN}\nnever closed", "never closed"),
        (f"{release.NOTE_END}", "without a BEGIN"),
        (f"{release.NOTE_BEGIN}\n{release.NOTE_BEGIN}\n", "inside a note"),
        ("<!--BEGIN instructor note", "malformed marker"),
        ("## Instructor note\n\nTiming", "not tagged 'instructor'"),
    ],
)
def test_broken_markers_name_the_notebook_and_cell(source: str, message: str) -> None:
    nb = new_notebook(cells=[new_markdown_cell("fine"), new_markdown_cell(source)])
    with pytest.raises(release.MarkerError, match=message) as info:
        release.strip_instructor_notes(nb, "notebooks/cases/x.ipynb")
    assert "notebooks/cases/x.ipynb, cell 2" in str(info.value)


def test_release_refuses_a_full_folder_without_force(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "release"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(release.ReleaseError, match="--force"):
        release.build(out, root=course, progress=False)
    assert (out / "keep.txt").exists()
    release.build(out, root=course, force=True, progress=False)
    assert not (out / "keep.txt").exists() and (out / "notebooks").is_dir()


def test_release_refuses_to_write_inside_the_course(course: Path) -> None:
    with pytest.raises(release.ReleaseError, match="outside the course"):
        release.build(course / "release", root=course, progress=False)


def test_command_line(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "release"
    assert main(["release", str(out), "--course", str(course)]) == 0
    assert "scan clean" in capsys.readouterr().out
    assert main(["release", str(out), "--course", str(course)]) == 1
    assert "Nothing was written" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["release", "--help"])
    assert exit_info.value.code == 0
    assert "instructor notes" in capsys.readouterr().out


def test_released_notebooks_are_valid_json(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "release"
    release.build(out, root=course, progress=False)
    for path in out.rglob("*.ipynb"):
        assert json.loads(path.read_text())["nbformat"] == 4


def test_the_course_readme_released_offers_students_only_what_their_makefile_has() -> None:
    readme = (notebooks.root() / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme, "the course's own README gives the test command"
    released = release.strip_markdown_notes(readme, "README.md")
    assert "make lab" in released
    for absent in ("make test", "make bench", "solutions/", "casekit grade"):
        assert absent not in released, absent

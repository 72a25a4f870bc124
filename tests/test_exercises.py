"""casekit.exercises: the single-source build of exercises from solutions."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from casekit import exercises, notebooks
from casekit.cli import main


def solution_notebook(*cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = 1
            cell.outputs = [nbformat.v4.new_output("stream", text="42\n")]
    return nb


CODE = """answer = None
# BEGIN SOLUTION
monthly = 2_300 * 2
q1 = monthly * 12 * 4
a, (b, c) = 1, (2, 3)
# END SOLUTION
ck.check("q1", q1)"""


def test_code_block_becomes_placeholders() -> None:
    built = exercises.build_notebook(solution_notebook(new_code_cell(CODE)))
    assert built.cells[0].source == (
        "answer = None\n# YOUR CODE HERE\nmonthly = ...\nq1 = ...\na = ...\nb = ...\nc = ...\n"
        'ck.check("q1", q1)'
    )
    assert built.cells[0].outputs == [] and built.cells[0].execution_count is None


def test_indented_block_keeps_indentation() -> None:
    source = "def f():\n    # BEGIN SOLUTION\n    x = 1\n    # END SOLUTION\n    return x"
    built = exercises.build_notebook(solution_notebook(new_code_cell(source)))
    assert built.cells[0].source == "def f():\n    # YOUR CODE HERE\n    x = ...\n    return x"


def test_markdown_block_becomes_prompt() -> None:
    source = (
        "**Q6.** Why?\n\n<!-- BEGIN SOLUTION -->\nBecause retention pays.\n<!-- END SOLUTION -->"
    )
    built = exercises.build_notebook(solution_notebook(new_markdown_cell(source)))
    assert built.cells[0].source == "**Q6.** Why?\n\n" + exercises.MARKDOWN_PROMPT
    assert "retention pays" not in notebooks.to_text(built)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "without a BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION", "inside an open block"),
        ("x = 1  # BEGIN SOLUTION", "malformed marker"),
        ("# begin solution\nx = 1\n# END SOLUTION", "malformed marker"),
        ("# BEGIN SOLUTION\nx = (\n# END SOLUTION", "not valid Python"),
    ],
)
def test_bad_markers_name_notebook_and_cell(source: str, message: str) -> None:
    nb = solution_notebook(new_markdown_cell("# Title"), new_code_cell(source))
    with pytest.raises(exercises.MarkerError, match=message) as info:
        exercises.build_notebook(nb, name="solutions/99_demo.ipynb")
    assert "solutions/99_demo.ipynb, cell 2" in str(info.value)


def _write_pair(tmp_path: Path, good: bool) -> tuple[Path, Path]:
    solutions, target = tmp_path / "solutions", tmp_path / "exercises"
    notebooks.write(
        solution_notebook(new_markdown_cell("# A"), new_code_cell(CODE)), solutions / "a.ipynb"
    )
    second = CODE if good else CODE.replace("# END SOLUTION\n", "")
    notebooks.write(
        solution_notebook(new_markdown_cell("# B"), new_code_cell(second)), solutions / "b.ipynb"
    )
    return solutions, target


def test_build_then_check_round_trip(tmp_path: Path) -> None:
    solutions, target = _write_pair(tmp_path, good=True)
    assert exercises.out_of_date(solutions, target) == [target / "a.ipynb", target / "b.ipynb"]
    assert len(exercises.build(solutions, target)) == 2
    assert exercises.out_of_date(solutions, target) == []
    assert exercises.build(solutions, target) == [], "a second build changes nothing"
    (target / "stray.ipynb").write_text("{}")
    assert exercises.out_of_date(solutions, target) == [target / "stray.ipynb"]


def test_an_error_anywhere_writes_nothing(tmp_path: Path) -> None:
    solutions, target = _write_pair(tmp_path, good=False)
    with pytest.raises(exercises.MarkerError, match=r"b\.ipynb, cell 2"):
        exercises.build(solutions, target)
    assert not target.exists()


def test_cli_build_and_check(tmp_path: Path, capsys) -> None:
    solutions, target = _write_pair(tmp_path, good=True)
    args = ["--solutions", str(solutions), "--exercises", str(target)]
    assert main(["exercises", "check", *args]) == 1
    assert main(["exercises", "build", *args]) == 0
    assert main(["exercises", "check", *args]) == 0
    assert "up to date" in capsys.readouterr().out


def test_cli_reports_bad_marker_clearly(tmp_path: Path, capsys) -> None:
    solutions, target = _write_pair(tmp_path, good=False)
    args = ["--solutions", str(solutions), "--exercises", str(target)]
    assert main(["exercises", "build", *args]) == 2
    err = capsys.readouterr().err
    assert "b.ipynb, cell 2" in err and "Nothing was written" in err
    assert not target.exists()


def test_repository_exercises_are_current(root: Path) -> None:
    assert exercises.out_of_date(root / "solutions", root / "exercises") == []


def test_instructor_notes_are_left_out() -> None:
    note = new_markdown_cell("## Instructor note\nTiming: 20 minutes.")
    note.metadata["tags"] = ["instructor"]
    passage = (
        "Discuss.\n<!-- BEGIN INSTRUCTOR NOTE -->\nLook for retention.\n"
        "<!-- END INSTRUCTOR NOTE -->"
    )
    built = exercises.build_notebook(
        solution_notebook(new_markdown_cell("# T"), note, new_markdown_cell(passage))
    )
    text = notebooks.to_text(built)
    assert len(built.cells) == 2
    assert "Timing" not in text and "Look for retention" not in text and "Discuss." in text


def test_open_instructor_note_is_a_marker_error() -> None:
    cell = new_markdown_cell("<!-- BEGIN INSTRUCTOR NOTE -->\nsecret")
    with pytest.raises(exercises.MarkerError, match="never closed"):
        exercises.build_notebook(solution_notebook(cell), name="solutions/x.ipynb")


def test_markdown_cell_of_only_a_solution_is_left_out() -> None:
    model = "<!-- BEGIN SOLUTION -->\n**Model answer.** Keep the help line.\n<!-- END SOLUTION -->"
    built = exercises.build_notebook(
        solution_notebook(
            new_markdown_cell("**Q9.** Would you close the help line?"),
            new_code_cell('# BEGIN SOLUTION\nq9 = "no"\n# END SOLUTION\nck.check("q9", q9)'),
            new_markdown_cell("\n" + model + "\n\n"),
            new_markdown_cell("## Where next"),
        )
    )
    sources = [cell.source for cell in built.cells]
    assert sources == [
        "**Q9.** Would you close the help line?",
        '# YOUR CODE HERE\nq9 = ...\nck.check("q9", q9)',
        "## Where next",
    ]
    assert exercises.MARKDOWN_PROMPT not in notebooks.to_text(built)


def test_a_written_prompt_without_markers_is_kept() -> None:
    built = exercises.build_notebook(
        solution_notebook(new_markdown_cell(exercises.MARKDOWN_PROMPT))
    )
    assert [c.source for c in built.cells] == [exercises.MARKDOWN_PROMPT]


def test_repository_exercises_have_no_lone_prompt_cell(root: Path) -> None:
    for path in sorted((root / "exercises").rglob("*.ipynb")):
        for index, cell in enumerate(notebooks.read(path).cells, start=1):
            lone = cell.cell_type == "markdown" and cell.source.strip() == exercises.MARKDOWN_PROMPT
            assert not lone, f"{path.name}, cell {index}: a prompt with no question"


def test_nbval_output_markers_are_dropped() -> None:
    source = (
        "# NBVAL_CHECK_OUTPUT\n# BEGIN SOLUTION\nq4 = 2\nprint(q4)\n# END SOLUTION\n"
        'ck.check("q4", q4)'
    )
    other = "#  NBVAL_IGNORE_OUTPUT\nx = 1  # NBVAL_CHECK_OUTPUT stays: not a marker line"
    built = exercises.build_notebook(solution_notebook(new_code_cell(source), new_code_cell(other)))
    assert built.cells[0].source == '# YOUR CODE HERE\nq4 = ...\nck.check("q4", q4)'
    assert built.cells[1].source == "x = 1  # NBVAL_CHECK_OUTPUT stays: not a marker line"

"""Single-source exercises: build ``exercises/`` from ``solutions/``.

A solution notebook is written once. In code cells, the instructor's answer sits between
two marker lines::

    # BEGIN SOLUTION
    q1 = 2_300 * 2 * 12 * 4
    # END SOLUTION
    ck.check("q1", q1)

In the exercise the block becomes a prompt, and every name the block assigned at its top
level is set to ``...`` so that the check cell reports "not attempted" instead of failing::

    # YOUR CODE HERE
    q1 = ...
    ck.check("q1", q1)

In markdown cells, text between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->``
(each on a line of its own) is replaced by a prompt line. A markdown cell that holds
nothing but solution blocks (a model answer shown after the learner's answer cell) is
left out of the exercise altogether: a lone prompt there would invite the learner to
write in the wrong place. nbval's ``# NBVAL_CHECK_OUTPUT`` and ``# NBVAL_IGNORE_OUTPUT``
lines are dropped too: an exercise has no stored output to compare. Instructor notes
(cells tagged ``instructor`` and passages between instructor-note markers, see
:mod:`casekit.release`) are left out. Exercises are stored without outputs or execution
counts. A marker that is left open, nested or unmatched is an error naming the notebook
and the cell, and nothing is written.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from casekit import notebooks, release

__all__ = [
    "CODE_PROMPT",
    "MARKDOWN_PROMPT",
    "MarkerError",
    "build",
    "build_notebook",
    "out_of_date",
]

CODE_PROMPT = "# YOUR CODE HERE"
MARKDOWN_PROMPT = "*Write your answer here.*"

_MARKERS = {
    "code": (re.compile(r"^\s*# BEGIN SOLUTION\s*$"), re.compile(r"^\s*# END SOLUTION\s*$")),
    "markdown": (
        re.compile(r"^\s*<!-- BEGIN SOLUTION -->\s*$"),
        re.compile(r"^\s*<!-- END SOLUTION -->\s*$"),
    ),
}
_ANY_MARKER = re.compile(r"(#|<!--)\s*(BEGIN|END)\s+SOLUTION", re.IGNORECASE)
#: nbval's output-comparison comments: meaningless in an exercise, which has no outputs.
_NBVAL_OUTPUT_MARKER = re.compile(r"^\s*#\s*NBVAL_(CHECK|IGNORE)_OUTPUT\s*$")


class MarkerError(ValueError):
    """A solution marker is open, nested, unmatched or malformed."""


@dataclass(frozen=True)
class _Where:
    notebook: str
    cell: int

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell}"


def _assigned_names(block: str, where: _Where) -> list[str]:
    """Names assigned at the top level of a solution block, in order of first assignment."""
    try:
        tree = ast.parse(textwrap.dedent(block))
    except SyntaxError as exc:
        raise MarkerError(
            f"{where}: the solution block is not valid Python on its own "
            f"(line {exc.lineno}: {exc.msg})"
        ) from None
    names: list[str] = []

    def collect(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if target.id not in names:
                names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                collect(element)
        elif isinstance(target, ast.Starred):
            collect(target.value)

    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                collect(target)
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            collect(statement.target)
        elif isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            if statement.name not in names:
                names.append(statement.name)
    return names


def _replace_blocks(source: str, kind: str, where: _Where) -> str:
    begin, end = _MARKERS[kind]
    lines = source.split("\n")
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for number, line in enumerate(lines, start=1):
        if begin.match(line):
            if block is not None:
                raise MarkerError(f"{where}, line {number}: BEGIN SOLUTION inside an open block")
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif end.match(line):
            if block is None:
                raise MarkerError(f"{where}, line {number}: END SOLUTION without a BEGIN")
            if kind == "code":
                out.append(indent + CODE_PROMPT)
                text = "\n".join(block)
                out.extend(f"{indent}{name} = ..." for name in _assigned_names(text, where))
            else:
                out.append(indent + MARKDOWN_PROMPT)
            block = None
        elif _ANY_MARKER.search(line):
            raise MarkerError(
                f"{where}, line {number}: malformed marker {line.strip()!r}; "
                f"markers stand alone on their line, exactly as "
                f"'# BEGIN SOLUTION' / '# END SOLUTION' in code and "
                f"'<!-- BEGIN SOLUTION -->' / '<!-- END SOLUTION -->' in markdown"
            )
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise MarkerError(f"{where}: BEGIN SOLUTION is never closed by END SOLUTION")
    return "\n".join(out)


def build_notebook(solution: NotebookNode, name: str = "notebook") -> NotebookNode:
    """Return the exercise version of a solution notebook.

    Parameters
    ----------
    solution : NotebookNode
        The solution notebook.
    name : str
        Used in error messages to say which notebook is at fault.

    Raises
    ------
    MarkerError
        If a solution or instructor-note marker is open, nested, unmatched or malformed.
    """
    try:
        solution = release.strip_instructor_notes(solution, name)
    except release.MarkerError as exc:
        raise MarkerError(str(exc)) from None
    exercise = notebooks.strip_outputs(notebooks.clean(solution))
    keep = []
    for index, cell in enumerate(exercise.cells, start=1):
        where = _Where(name, index)
        if cell.cell_type in _MARKERS:
            replaced = _replace_blocks(cell.source, cell.cell_type, where)
            if cell.cell_type == "markdown" and _only_prompts(cell.source, replaced):
                continue
            if cell.cell_type == "code":
                lines = replaced.split("\n")
                replaced = "\n".join(x for x in lines if not _NBVAL_OUTPUT_MARKER.match(x))
            cell.source = replaced
        elif _ANY_MARKER.search(cell.source):
            raise MarkerError(f"{where}: solution markers are not allowed in a raw cell")
        keep.append(cell)
    exercise.cells = keep
    return exercise


def _only_prompts(original: str, replaced: str) -> bool:
    """True if a markdown cell was nothing but solution blocks (and blank lines)."""
    if replaced == original:
        return False
    return all(line.strip() in ("", MARKDOWN_PROMPT) for line in replaced.split("\n"))


def _plan(solutions: Path, exercises: Path) -> dict[Path, str]:
    """Build every exercise in memory: {target path: text}. Raises before any write."""
    plan: dict[Path, str] = {}
    for source in sorted(solutions.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in source.parts:
            continue
        relative = source.relative_to(solutions)
        exercise = build_notebook(notebooks.read(source), name=f"solutions/{relative}")
        plan[exercises / relative] = notebooks.to_text(exercise)
    return plan


def build(solutions: Path, exercises: Path) -> list[Path]:
    """Write ``exercises/`` from ``solutions/``; return the files that changed.

    Every notebook is built in memory first, so a marker error anywhere leaves
    ``exercises/`` untouched. Exercises whose solution no longer exists are removed.
    """
    plan = _plan(Path(solutions), Path(exercises))
    changed: list[Path] = []
    for path, text in plan.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for stale in sorted(Path(exercises).rglob("*.ipynb")):
        if stale not in plan and ".ipynb_checkpoints" not in stale.parts:
            stale.unlink()
            changed.append(stale)
    return changed


def out_of_date(solutions: Path, exercises: Path) -> list[Path]:
    """Return the exercise files that differ from what :func:`build` would write."""
    plan = _plan(Path(solutions), Path(exercises))
    stale = [
        path
        for path, text in plan.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    extra = [
        p
        for p in sorted(Path(exercises).rglob("*.ipynb"))
        if p not in plan and ".ipynb_checkpoints" not in p.parts
    ]
    return stale + extra

"""One notebook per student, each with its own data, and the instructor's answer sheet.

``casekit cases variants CASE --students roster.csv --out DIR`` writes

``DIR/<student>/<case>.ipynb``
    The case's worksheet as a student gets it (``exercises/cases/<case>.ipynb``, the
    notebook built from the solution, without instructor notes), with the student's own
    seed in its parameters cell, their name on the first cell, and the opening story
    already shown with their numbers. Same story, different numbers: an answer copied
    from a classmate fails the check.
``DIR/<case>_answer_sheet.csv``
    For the instructor: one row per student with the seed and the expected answer to
    every question that has one (written answers are judged with the rubric). The name
    matches :data:`casekit.release.ANSWER_SHEET_PATTERNS`, so ``casekit release`` never
    ships it.

The roster is a CSV file with a header: a ``student_id`` column (or ``student``,
``id``, ``username``, ``email``) and optionally ``name``. Each student's seed is
:func:`casekit.cases.variant_seed` of the case, their id and ``--salt`` (default none);
should two students of one roster draw the same seed, the later one in the file takes
the next free seed, so every variant of a roster is distinct. The answers come from
the case's checks (``casekit.questions.nb_<case>``) with the student's parameters, the
same computation that judges the student's answers in the notebook.
"""

from __future__ import annotations

import argparse
import ast
import copy
import csv
import math
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from nbformat import NotebookNode
from nbformat.v4 import new_output

from casekit import cases, checks, datasets, notebooks, release

__all__ = [
    "ANSWER_SHEET",
    "ID_COLUMNS",
    "Variants",
    "answer_key",
    "answers",
    "assign_seeds",
    "format_answer",
    "parameters",
    "read_roster",
    "student_notebook",
    "write_variants",
]

#: File name of the answer sheet (``{case}`` is the case's key).
ANSWER_SHEET = "{case}_answer_sheet.csv"
#: Roster columns accepted as the student's identifier, in order of preference.
ID_COLUMNS = ("student_id", "student", "id", "username", "email")
#: Tag of the cell that shows the case's story.
STORY_TAG = "case-story"

_SEED_LINE = re.compile(r"^seed\s*=.*$", re.MULTILINE)
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Variants:
    """What :func:`write_variants` wrote."""

    notebooks: list[Path]
    answer_sheet: Path
    seeds: dict[str, int]


def _worksheet_path(case_name: str, root: Path | None = None) -> Path:
    cases.case(case_name)
    return (
        (notebooks.root() if root is None else Path(root))
        / "exercises"
        / "cases"
        / (f"{case_name}.ipynb")
    )


def _parameters_cell(nb: NotebookNode, name: str) -> NotebookNode:
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1 or tagged[0].cell_type != "code":
        raise ValueError(f"{name} must have exactly one code cell tagged 'parameters'")
    return tagged[0]


def parameters(case_name: str, *, root: str | Path | None = None) -> dict[str, Any]:
    """The default parameters of a case: the values of its worksheet's parameters cell.

    Raises
    ------
    ValueError
        If the cell assigns anything but literals to plain names.
    """
    path = _worksheet_path(case_name, None if root is None else Path(root))
    cell = _parameters_cell(notebooks.read(path), str(path))
    values: dict[str, Any] = {}
    for statement in ast.parse(cell.source).body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            raise ValueError(f"{path}: the parameters cell may only assign values to names")
        try:
            values[statement.targets[0].id] = ast.literal_eval(statement.value)
        except ValueError:
            raise ValueError(
                f"{path}: parameter {statement.targets[0].id!r} is not a literal value"
            ) from None
    if "seed" not in values:
        raise ValueError(f"{path}: the parameters cell has no seed")
    return values


def answers(case_name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The expected answer of every checked question of a case for ``params``.

    Written (``"free"``) questions are left out: they are judged with the rubric.
    """
    questions = checks.load_questions(cases.case(case_name).name)
    return {q.id: q.expected(params) for q in questions.values() if q.kind != "free"}


def format_answer(value: Any) -> str:
    """An expected answer as text for the answer sheet.

    Numbers keep 2 decimals from 100 up and 4 below; sets are sorted and joined with
    "; "; a Series is written ``label: value; ...``.
    """
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            return str(value)
        return f"{value:.2f}" if abs(value) >= 100 else f"{value:.4f}"
    if isinstance(value, pd.Series):
        return "; ".join(f"{k}: {format_answer(v)}" for k, v in value.items())
    if isinstance(value, pd.DataFrame):
        return value.to_csv(index=False).strip().replace("\n", " | ")
    if isinstance(value, (set, frozenset)):
        return "; ".join(sorted(format_answer(v) for v in value))
    if isinstance(value, (list, tuple)):
        return "; ".join(format_answer(v) for v in value)
    return str(value)


def answer_key(case_name: str, **params: Any) -> pd.DataFrame:
    """The answer key of a case for one set of parameters, as a table.

    Missing parameters take the worksheet's defaults.

    Returns
    -------
    pandas.DataFrame
        One row per question: ``question``, ``kind`` and ``answer`` (text; written
        questions say "written: see the rubric").
    """
    full = parameters(case_name) | params
    expected = answers(case_name, full)
    rows = [
        {
            "question": q.id,
            "kind": q.kind,
            "answer": format_answer(expected[q.id])
            if q.id in expected
            else "written: see the rubric",
        }
        for q in checks.load_questions(case_name).values()
    ]
    return pd.DataFrame(rows)


def read_roster(path: str | Path) -> pd.DataFrame:
    """Read a class roster: one student per row.

    Returns
    -------
    pandas.DataFrame
        ``student_id`` and ``name`` (empty where the roster has none), in file order.

    Raises
    ------
    ValueError
        If the file has no identifier column (:data:`ID_COLUMNS`), no student, an
        empty identifier, or the same identifier twice.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    columns = {c.strip().lower(): c for c in (rows[0].keys() if rows else [])}
    id_column = next((columns[c] for c in ID_COLUMNS if c in columns), None)
    if id_column is None:
        raise ValueError(
            f"the roster {path} needs a column {' or '.join(ID_COLUMNS)}; "
            f"it has {sorted(columns) or 'no rows'}"
        )
    name_column = columns.get("name")
    ids = [(row.get(id_column) or "").strip() for row in rows]
    for number, student in enumerate(ids, start=2):
        if not student:
            raise ValueError(f"the roster {path}, line {number}: the {id_column} is empty")
    seen: set[str] = set()
    for student in ids:
        if student in seen:
            raise ValueError(f"the roster {path} lists student {student!r} twice")
        seen.add(student)
    names = [(row.get(name_column) or "").strip() if name_column else "" for row in rows]
    return pd.DataFrame({"student_id": ids, "name": names})


def assign_seeds(case_name: str, students: Sequence[str], salt: str = "") -> dict[str, int]:
    """Each student's seed: :func:`casekit.cases.variant_seed`, all distinct.

    A student whose seed is taken by an earlier one in ``students`` gets the next free
    seed (never :data:`casekit.datasets.DEFAULT_SEED`).
    """
    taken: set[int] = set()
    seeds: dict[str, int] = {}
    for student in students:
        seed = cases.variant_seed(case_name, student, salt)
        while seed in taken or seed == datasets.DEFAULT_SEED:
            seed += 1
        taken.add(seed)
        seeds[student] = seed
    return seeds


def _folder_name(student: str) -> str:
    return _SAFE.sub("_", student).strip("._") or "student"


def student_notebook(
    case_name: str,
    seed: int,
    *,
    student: str = "",
    name: str = "",
    source: NotebookNode | None = None,
    params: Mapping[str, Any] | None = None,
) -> NotebookNode:
    """The worksheet of a case as one student gets it.

    Parameters
    ----------
    case_name : str
        The case's key.
    seed : int
        The student's variant.
    student, name : str
        Written on the first cell so the notebook says whose it is.
    source : NotebookNode, optional
        The worksheet to start from (default: ``exercises/cases/<case>.ipynb``).
    params : mapping, optional
        The case's parameters (default: :func:`parameters`); ``seed`` is replaced.

    Returns
    -------
    NotebookNode
        Without instructor notes; the parameters cell sets ``seed``; the cell tagged
        ``case-story`` shows the story of this variant as its output.
    """
    cases.case(case_name)
    if source is None:
        source = notebooks.read(_worksheet_path(case_name))
    nb = release.strip_instructor_notes(copy.deepcopy(source), f"{case_name} worksheet")
    cell = _parameters_cell(nb, f"{case_name} worksheet")
    if not _SEED_LINE.search(cell.source):
        raise ValueError(f"the parameters cell of the {case_name} worksheet does not set seed")
    cell.source = _SEED_LINE.sub(
        f"seed = {int(seed)}  # your own variant of the data: keep it", cell.source, count=1
    )
    who = " ".join(part for part in (name, f"({student})" if student else "") if part)
    first = nb.cells[0]
    first.source = (
        f"{first.source.rstrip()}\n\n*Prepared for {who or 'you'}: your own variant of the "
        f"data (seed {int(seed)}), so your numbers differ from your classmates'.*"
    )
    full = dict(params if params is not None else parameters(case_name)) | {"seed": int(seed)}
    text = cases.story(case_name, **full)
    for story_cell in (c for c in nb.cells if STORY_TAG in c.metadata.get("tags", [])):
        story_cell.outputs = [
            new_output(
                "display_data",
                data={
                    "text/markdown": text,
                    "text/plain": "<IPython.core.display.Markdown object>",
                },
            )
        ]
    return nb


def write_variants(
    case_name: str,
    roster: str | Path | pd.DataFrame,
    out: str | Path,
    *,
    salt: str = "",
    force: bool = False,
    progress: bool = False,
) -> Variants:
    """Write one worksheet per student and the instructor's answer sheet.

    Parameters
    ----------
    case_name : str
        The case's key (:data:`casekit.cases.CASES`).
    roster : path or DataFrame
        A roster file (:func:`read_roster`) or its table (``student_id``, ``name``).
    out : path
        Folder to write into (created if needed).
    salt : str
        Changes every student's seed (a new term, a new section).
    force : bool
        Write even if ``out`` already holds files.
    progress : bool
        Show a progress bar (one step per student).

    Raises
    ------
    ValueError
        For an unknown case, a bad roster, two students whose folder names would
        clash, or a non-empty ``out`` without ``force``.
    """
    from tqdm import tqdm

    cases.case(case_name)
    table = read_roster(roster) if not isinstance(roster, pd.DataFrame) else roster
    if table.empty:
        raise ValueError("the roster lists no students")
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not force:
        raise ValueError(f"{out} already holds files; choose an empty folder or use --force")
    folders = {s: _folder_name(s) for s in table["student_id"]}
    if len(set(folders.values())) != len(folders):
        raise ValueError("two student ids give the same folder name; make the ids distinct")
    params = parameters(case_name)
    source = notebooks.read(_worksheet_path(case_name))
    seeds = assign_seeds(case_name, list(table["student_id"]), salt)
    written: list[Path] = []
    rows: list[dict[str, str]] = []
    students = zip(table["student_id"], table["name"], strict=True)
    for student, name in tqdm(
        students, total=len(table), desc=case_name, unit="student", disable=not progress
    ):
        seed = seeds[student]
        nb = student_notebook(
            case_name, seed, student=student, name=name, source=source, params=params
        )
        target = out / folders[student] / f"{case_name}.ipynb"
        notebooks.write(nb, target)
        written.append(target)
        key = answers(case_name, params | {"seed": seed})
        rows.append(
            {
                "student_id": student,
                "name": name,
                "seed": str(seed),
                "notebook": target.relative_to(out).as_posix(),
            }
            | {q: format_answer(v) for q, v in key.items()}
        )
    sheet = out / ANSWER_SHEET.format(case=case_name)
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return Variants(notebooks=written, answer_sheet=sheet, seeds=seeds)


def _cmd_variants(args: argparse.Namespace) -> int:
    try:
        result = write_variants(
            args.case, args.students, args.out, salt=args.salt, force=args.force, progress=True
        )
    except (ValueError, OSError) as exc:
        print(f"casekit cases variants: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(result.notebooks)} notebook(s) under {args.out}")
    print(f"wrote {result.answer_sheet} (for the instructor: never hand it out)")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    for case in cases.CASES.values():
        print(f"{case.name:<16} {case.title}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``casekit cases`` command (``list``, ``variants``) to the CLI."""
    parser = commands.add_parser(
        "cases",
        help="list the case studies, or write a variant of a case for every student",
        description="The course's case studies and their per-student variants.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the cases", description="List the cases.")
    listing.set_defaults(func=_cmd_list)
    variants = actions.add_parser(
        "variants",
        help="one worksheet per student with its own data, and the answer sheet",
        description=(
            "Write DIR/<student>/<case>.ipynb for every student of the roster, each with "
            "its own variant of the data (same story, different numbers), and "
            "DIR/<case>_answer_sheet.csv with every student's seed and expected answers."
        ),
    )
    variants.add_argument("case", choices=sorted(cases.CASES), help="the case")
    variants.add_argument(
        "--students",
        type=Path,
        required=True,
        help=f"roster CSV with a column {' / '.join(ID_COLUMNS)} and optionally name",
    )
    variants.add_argument("--out", type=Path, required=True, help="folder to write to")
    variants.add_argument(
        "--salt", default="", help="any text that deals new variants (a term, a section)"
    )
    variants.add_argument(
        "--force", action="store_true", help="write into a folder that already holds files"
    )
    variants.set_defaults(func=_cmd_variants)

"""The student release: the course without solutions, instructor notes or answer sheets.

``casekit release OUT`` writes a folder that an instructor can hand to a class: the
lessons and cases (``notebooks/``), the exercises, the data, the ``casekit`` package and
the files that install it. It never contains

* ``solutions/`` or any other folder called ``solutions``;
* an **instructor note** (see below);
* an **answer sheet** (any file whose name matches :data:`ANSWER_SHEET_PATTERNS`, such as
  the answer sheets that ``casekit cases variants`` writes for the instructor).

Its ``Makefile`` is the course's cut down by :func:`student_makefile` to ``make lab`` (with
``help`` and ``clean``): the other targets need ``tests/`` or ``solutions/``. The README's
parts for instructors sit between instructor-note markers and are stripped like any note.

The release is written to a temporary folder first, then :func:`scan` reads every file
of it; only a clean release is moved to ``OUT``. A problem leaves ``OUT`` untouched.

Instructor notes
----------------
Notes for the instructor (timing, discussion questions, planted findings, a rubric) are
marked in one of three ways, all of which the release removes:

1. **A cell tagged** ``instructor`` (markdown or code): the whole cell. Start it with a
   heading such as ``## Instructor note`` so that a reader of the source sees what it is.
2. **A passage of a markdown cell** between the lines ``<!-- BEGIN INSTRUCTOR NOTE -->``
   and ``<!-- END INSTRUCTOR NOTE -->`` (each alone on its line).
3. **A file whose name contains** ``instructor`` (``harbor_spa.instructor.md``, an
   ``instructor/`` folder, ...): never copied.

In a markdown file (``datasets/README.md``, ...), a section whose heading says
"Instructor notes" is removed down to the next heading of its level, as are passages
between the two markers.

A markdown heading that says "Instructor note" in a cell without the tag is reported as a
problem rather than guessed at, so a forgotten tag cannot leak a note.
"""

from __future__ import annotations

import copy
import fnmatch
import io
import json
import os
import re
import shutil
import tempfile
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from casekit import notebooks

__all__ = [
    "ANSWER_SHEET_PATTERNS",
    "INSTRUCTOR_TAG",
    "NOTE_BEGIN",
    "NOTE_END",
    "RELEASE_ITEMS",
    "MarkerError",
    "Problem",
    "ReleaseError",
    "build",
    "count_instructor_notes",
    "is_excluded",
    "scan",
    "split_instructor_passages",
    "strip_instructor_notes",
    "strip_markdown_notes",
    "student_makefile",
]

#: The cell tag of an instructor note.
INSTRUCTOR_TAG = "instructor"
#: The lines that open and close an instructor passage inside a markdown cell.
NOTE_BEGIN = "<!-- BEGIN INSTRUCTOR NOTE -->"
NOTE_END = "<!-- END INSTRUCTOR NOTE -->"

#: What a release holds, relative to the course folder (missing items are skipped).
RELEASE_ITEMS = (
    "notebooks",
    "exercises",
    "datasets",
    "casekit",
    "pyproject.toml",
    "environment.yml",
    "constraints.txt",
    "Makefile",
    "README.md",
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
)

#: The ``make`` targets a student release offers (with whatever they need); the others
#: run tests, rebuild exercises from solutions or time things, and cannot work there.
STUDENT_TARGETS = ("help", "lab", "clean")

#: File names (case-insensitive glob patterns) of answer sheets; never released.
ANSWER_SHEET_PATTERNS = (
    "*answer_sheet*",
    "*answer-sheet*",
    "*answersheet*",
    "*answer_key*",
    "*answer-key*",
    "*answerkey*",
    "*answers.csv",
    "*answers.json",
    "*answers.xlsx",
)

#: Never copied: build debris and editor state.
_JUNK = ("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info", ".DS_Store", "*.tmp")

_BEGIN = re.compile(r"^\s*<!--\s*BEGIN INSTRUCTOR NOTE\s*-->\s*$")
_END = re.compile(r"^\s*<!--\s*END INSTRUCTOR NOTE\s*-->\s*$")
# Loose patterns: anything that looks like a marker, however it is spelled.
_ANY_NOTE_MARKER = re.compile(r"(BEGIN|END)\s+INSTRUCTOR\s+NOTE", re.IGNORECASE)
_ANY_SOLUTION_MARKER = re.compile(r"(#|<!--)\s*(BEGIN|END)\s+SOLUTION", re.IGNORECASE)
_NOTE_HEADING = re.compile(
    r"^\s{0,3}(#{1,6}\s*|\*\*|__)\s*instructor(['’]s)?\s+notes?\b", re.IGNORECASE | re.MULTILINE
)
_TEXT_SUFFIXES = {".md", ".txt", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".csv", ".json", ""}


class ReleaseError(RuntimeError):
    """The release could not be written; nothing was written to the target folder."""


class MarkerError(ValueError):
    """An instructor-note marker is open, nested, unmatched or malformed."""


@dataclass(frozen=True, order=True)
class Problem:
    """Something in a release that a student must not get."""

    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


# --- instructor notes ----------------------------------------------------------------------


def _tags(cell: NotebookNode) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return [str(t) for t in tags] if isinstance(tags, list) else []


def is_instructor_cell(cell: NotebookNode) -> bool:
    """True if ``cell`` is tagged :data:`INSTRUCTOR_TAG`."""
    return INSTRUCTOR_TAG in _tags(cell)


def _strip_passages(source: str, where: str) -> str:
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        if _BEGIN.match(line):
            if inside:
                raise MarkerError(f"{where}, line {number}: BEGIN INSTRUCTOR NOTE inside a note")
            inside = True
        elif _END.match(line):
            if not inside:
                raise MarkerError(f"{where}, line {number}: END INSTRUCTOR NOTE without a BEGIN")
            inside = False
        elif _ANY_NOTE_MARKER.search(line):
            raise MarkerError(
                f"{where}, line {number}: malformed marker {line.strip()!r}; write "
                f"{NOTE_BEGIN!r} and {NOTE_END!r} alone on their lines"
            )
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: BEGIN INSTRUCTOR NOTE is never closed")
    return "\n".join(out).strip("\n")


def split_instructor_passages(source: str, where: str = "cell") -> tuple[str, str]:
    """Split markdown ``source`` into (the text without its instructor passages, the
    passages' text), the passages being the lines between :data:`NOTE_BEGIN` and
    :data:`NOTE_END`.

    Raises
    ------
    MarkerError
        If a passage marker is unmatched, nested or malformed.
    """
    kept = _strip_passages(source, where)
    notes: list[str] = []
    inside = False
    for line in source.split("\n"):
        if _BEGIN.match(line) or _END.match(line):
            inside = bool(_BEGIN.match(line))
        elif inside:
            notes.append(line)
    return kept, "\n".join(notes).strip("\n")


def count_instructor_notes(nb: NotebookNode) -> int:
    """How many cells of ``nb`` are, or hold, an instructor note (tagged cells and
    markdown cells with a passage between the markers)."""
    return sum(
        1
        for cell in nb.cells
        if is_instructor_cell(cell)
        or (cell.cell_type == "markdown" and any(_BEGIN.match(x) for x in cell.source.split("\n")))
    )


def strip_instructor_notes(nb: NotebookNode, name: str = "notebook") -> NotebookNode:
    """Return a copy of ``nb`` without its instructor notes.

    Removes every cell tagged ``instructor`` and every passage of a markdown cell between
    :data:`NOTE_BEGIN` and :data:`NOTE_END`; a markdown cell left empty is removed too.

    Parameters
    ----------
    nb : NotebookNode
        The notebook.
    name : str
        Used in error messages to say which notebook is at fault.

    Raises
    ------
    MarkerError
        If a passage marker is unmatched, nested or malformed, or if a markdown heading
        announces an instructor note in a cell that is not tagged ``instructor``.
    """
    nb = copy.deepcopy(nb)
    kept = []
    for index, cell in enumerate(nb.cells, start=1):
        where = f"{name}, cell {index}"
        if is_instructor_cell(cell):
            continue
        if cell.cell_type == "markdown":
            stripped = _strip_passages(cell.source, where)
            if _NOTE_HEADING.search(stripped):
                raise MarkerError(
                    f"{where}: a heading announces an instructor note but the cell is not "
                    f"tagged {INSTRUCTOR_TAG!r}; tag it (or put the note between "
                    f"{NOTE_BEGIN!r} and {NOTE_END!r})"
                )
            if stripped != cell.source:
                if not stripped.strip():
                    continue
                cell.source = stripped
        elif _ANY_NOTE_MARKER.search(cell.source):
            raise MarkerError(f"{where}: instructor-note markers belong in markdown cells")
        kept.append(cell)
    nb.cells = kept
    return nb


def strip_markdown_notes(text: str, name: str = "file") -> str:
    """Return markdown ``text`` without its instructor notes.

    Removes passages between :data:`NOTE_BEGIN` and :data:`NOTE_END`, and every section
    whose heading says "Instructor note(s)", up to the next heading of the same or a
    higher level (a markdown file has no cell tags, so its sections are the unit).

    Raises
    ------
    MarkerError
        If a passage marker is unmatched, nested or malformed.
    """
    text = _strip_passages(text, name)
    out: list[str] = []
    skipping: int | None = None
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        heading = None if fenced else re.match(r"^\s{0,3}(#{1,6})\s", line)
        if heading and skipping is not None and len(heading.group(1)) <= skipping:
            skipping = None
        if skipping is None and heading and _NOTE_HEADING.match(line):
            skipping = len(heading.group(1))
        if skipping is None:
            out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"


# --- the student Makefile ------------------------------------------------------------------

_RULE = re.compile(r"^(?P<targets>[^\s#:=][^:=]*?)\s*:(?![=:])\s*(?P<needs>[^;#]*)")
_MAKE_TARGET = re.compile(r"\bmake\s+([\w.-]+)")

_STUDENT_HEADER = """\
# casekit, the student release: one command sets everything up.
#   make lab    - a virtual environment with the course, then JupyterLab on the start page
# It installs the versions the course was tested with (constraints.txt). Needs make and
# python3 with its venv module (on Debian/Ubuntu: apt-get install python3-venv)."""


def student_makefile(text: str, targets: Iterable[str] = STUDENT_TARGETS) -> str:
    """The course's Makefile cut down to the targets a student release can run.

    Keeps the rules of ``targets`` and of every file they depend on (the virtual
    environment), the variables and the comments of kept paragraphs; drops the other
    rules with their comments, their names from ``.PHONY`` and their lines from the
    ``help`` text. The first paragraph (the file's introduction) is replaced by one for
    students.

    Parameters
    ----------
    text : str
        The course's Makefile.
    targets : iterable of str
        The targets to keep.
    """
    paragraphs = text.strip("\n").split("\n\n")
    rules: dict[str, list[str]] = {}
    for paragraph in paragraphs:
        for line in paragraph.split("\n"):
            match = _RULE.match(line)
            if match and not line.startswith("\t"):
                for target in match["targets"].split():
                    rules[target] = match["needs"].replace("|", " ").split()
    kept = set()
    todo = [t for t in targets if t in rules]
    while todo:
        target = todo.pop()
        if target not in kept:
            kept.add(target)
            todo.extend(n for n in rules.get(target, []) if n in rules)
    out = [_STUDENT_HEADER]
    for paragraph in paragraphs[1:] if paragraphs[0].startswith("#") else paragraphs:
        lines, had_rule, kept_rule, dropping = [], False, False, False
        for line in paragraph.split("\n"):
            match = None if line.startswith("\t") else _RULE.match(line)
            if match and match["targets"].strip() == ".PHONY":
                had_rule = True
                names = [n for n in match["needs"].split() if n in kept]
                if names:
                    kept_rule = True
                    lines.append(f".PHONY: {' '.join(names)}")
                continue
            if match:
                had_rule = True
                dropping = not any(t in kept for t in match["targets"].split())
                kept_rule = kept_rule or not dropping
            elif not line.startswith("\t"):
                dropping = False
            mentioned = _MAKE_TARGET.findall(line) if line.lstrip().startswith(("#", "@")) else []
            if dropping or any(name not in kept for name in mentioned):
                continue
            lines.append(line)
        if lines and (kept_rule or not had_rule):
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


# --- what is released ----------------------------------------------------------------------


def _matches(name: str, patterns: Iterable[str]) -> bool:
    lowered = name.lower()
    return any(fnmatch.fnmatch(lowered, p) for p in patterns)


def is_excluded(relative: Path) -> str | None:
    """Why ``relative`` (a path inside the course) is never released, or None."""
    for part in relative.parts:
        if part.lower() == "solutions":
            return "a solutions folder"
        if INSTRUCTOR_TAG in part.lower():
            return "an instructor file"
        if _matches(part, ANSWER_SHEET_PATTERNS):
            return "an answer sheet"
    return None


def _is_junk(relative: Path) -> bool:
    return any(_matches(part, _JUNK) for part in relative.parts)


def _candidates(root: Path) -> Iterator[Path]:
    """Every file of :data:`RELEASE_ITEMS` under ``root``, relative, sorted."""
    for item in RELEASE_ITEMS:
        path = root / item
        if path.is_file():
            yield Path(item)
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(root)
                if file.is_file() and not _is_junk(relative):
                    yield relative


def build(
    out: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: bool = True,
) -> list[Path]:
    """Write the student release of the course to ``out``; return the files written.

    Parameters
    ----------
    out : path-like
        The release folder. It must not exist or be empty, unless ``force`` is true (then
        it is replaced).
    root : path-like, optional
        The course folder; defaults to :func:`casekit.notebooks.root`.
    force : bool
        Replace ``out`` if it already holds files.
    progress : bool
        Show a progress bar.

    Raises
    ------
    ReleaseError
        If ``out`` is not empty (without ``force``), a notebook's instructor-note markers
        are broken, or the finished release fails :func:`scan`. Nothing is written then.
    """
    from tqdm import tqdm

    root = notebooks.root() if root is None else Path(root)
    out = Path(out)
    if out.resolve() == root.resolve() or root.resolve() in out.resolve().parents:
        raise ReleaseError(f"out must be outside the course folder {root}, got {out}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise ReleaseError(f"{out} already exists and is not empty; use --force to replace it")
    files = [p for p in _candidates(root) if is_excluded(p) is None]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=out.parent))
    try:
        for relative in tqdm(files, desc="release", unit="file", disable=not progress):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if relative.suffix == ".ipynb":
                try:
                    nb = strip_instructor_notes(notebooks.read(root / relative), str(relative))
                except MarkerError as exc:
                    raise ReleaseError(str(exc)) from None
                notebooks.write(nb, target)
            elif relative.as_posix() == "Makefile":
                text = (root / relative).read_text(encoding="utf-8")
                target.write_text(student_makefile(text), encoding="utf-8")
            elif relative.suffix == ".md":
                text = (root / relative).read_text(encoding="utf-8")
                try:
                    target.write_text(strip_markdown_notes(text, str(relative)), encoding="utf-8")
                except MarkerError as exc:
                    raise ReleaseError(str(exc)) from None
            else:
                shutil.copy2(root / relative, target)
        problems = scan(staging)
        if problems:
            listed = "\n  ".join(map(str, problems))
            raise ReleaseError(f"the release would leak {len(problems)} item(s):\n  {listed}")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return [out / p for p in files]


# --- the scan ------------------------------------------------------------------------------


def _python_comments(text: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every comment of a Python source; markers in strings do not count."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Not valid Python: treat every line as a possible comment.
        yield from enumerate(text.splitlines(), start=1)


def _scan_text(relative: str, lines: Iterable[tuple[int, str]]) -> list[Problem]:
    problems = []
    for number, line in lines:
        if _ANY_SOLUTION_MARKER.search(line):
            problems.append(Problem(relative, f"line {number}: a solution marker"))
        if _ANY_NOTE_MARKER.search(line):
            problems.append(Problem(relative, f"line {number}: an instructor-note marker"))
    return problems


def _scan_notebook(relative: str, text: str) -> list[Problem]:
    problems = _scan_text(relative, enumerate(text.splitlines(), start=1))
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        return [*problems, Problem(relative, f"not a readable notebook ({exc.msg})")]
    for index, cell in enumerate(nb.get("cells", []), start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        if isinstance(tags, list) and INSTRUCTOR_TAG in tags:
            problems.append(Problem(relative, f"cell {index}: tagged {INSTRUCTOR_TAG!r}"))
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "markdown" and _NOTE_HEADING.search(source):
            problems.append(Problem(relative, f"cell {index}: an instructor-note heading"))
    return problems


def scan(folder: str | os.PathLike[str]) -> list[Problem]:
    """Return everything in ``folder`` that a student release must not contain.

    Looks at every file: its path (a ``solutions`` folder, an instructor file, an answer
    sheet), and its text (solution markers, instructor-note markers, instructor-tagged
    cells and "Instructor note" headings in notebooks; comments only in Python files, so
    that code which *handles* markers is not mistaken for a leaked solution).
    """
    folder = Path(folder)
    problems: list[Problem] = []
    for file in sorted(folder.rglob("*")):
        if not file.is_file():
            continue
        relative = file.relative_to(folder)
        name = relative.as_posix()
        reason = is_excluded(relative)
        if reason is not None:
            problems.append(Problem(name, reason))
            continue
        if file.suffix not in _TEXT_SUFFIXES | {".ipynb", ".py"}:
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if file.suffix == ".ipynb":
            problems.extend(_scan_notebook(name, text))
        elif file.suffix == ".py":
            problems.extend(_scan_text(name, _python_comments(text)))
        else:
            problems.extend(_scan_text(name, enumerate(text.splitlines(), start=1)))
            if file.suffix == ".md":
                problems.extend(
                    Problem(name, f"line {n}: an instructor-note heading")
                    for n, line in enumerate(text.splitlines(), start=1)
                    if _NOTE_HEADING.match(line)
                )
    return sorted(set(problems))


# --- command line --------------------------------------------------------------------------


def _cmd_release(args) -> int:
    import sys

    try:
        files = build(args.out, root=args.course, force=args.force)
    except ReleaseError as exc:
        print(f"casekit release: {exc}\nNothing was written.", file=sys.stderr)
        return 1
    print(f"wrote the student release to {args.out} ({len(files)} files); scan clean.")
    return 0


def register(commands) -> None:
    """Add ``casekit release`` to the ``casekit`` command's sub-commands."""
    parser = commands.add_parser(
        "release",
        help="write the student bundle: no solutions, instructor notes or answer sheets",
        description=(
            "Write the student release of the course to OUT: lessons and cases (instructor "
            "notes stripped), exercises, datasets, the casekit package and its environment "
            "files; never solutions, instructor notes or answer sheets. The release is "
            "scanned before it is moved into place; a leak stops it and writes nothing."
        ),
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="the folder to write")
    parser.add_argument(
        "--force", action="store_true", help="replace OUT if it already holds files"
    )
    parser.add_argument(
        "--course",
        type=Path,
        default=notebooks.root(),
        help="the course folder to release (default: %(default)s)",
    )
    parser.set_defaults(func=_cmd_release)

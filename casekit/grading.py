"""Grading submitted exercise notebooks into a gradebook, safely and reproducibly.

``casekit grade SUBMISSIONS --assignment 01 --out DIR`` grades every notebook in
``SUBMISSIONS`` (``alice.ipynb``, or ``alice/<any name>.ipynb``: one per student) against
the solution notebook of assignment ``01`` (``solutions/01_*.ipynb``).

How a grade is made
-------------------
1. **The answer key.** The solution notebook runs once, in the same sandbox as the
   submissions. Its ``ck.start(...)`` call gives the assignment's official parameters;
   each question's expected answer is computed, in the grader's own process, by the
   question's ``expected(params)`` (the check the students saw); and the values the
   solution passed to ``ck.check`` are recorded (the solution's hidden values). Each
   solution value must pass its question's check, or grading stops: a key that
   disagrees with itself is the instructor's bug, not the students'.
2. **Each submission** is copied to a fresh temporary folder and run top to bottom in
   its own kernel (:mod:`casekit.sandbox`), with the solution's parameters cell injected
   after the student's (so every student is graded on the official numbers), errors
   allowed (a failing cell does not stop later questions), and limits on time, memory,
   output and file size. Every ``ck.check(...)`` call records the answer it was given.
   A last cell, added by the grader, reads each question's answer variable (the
   expression the solution checks) so that a deleted or renamed check cell still counts.
3. **Scoring** happens in the grader, never in the student's kernel: an answer scores
   when it passes the question's check against the expected answer **and** against
   the solution's value. The last check of a question counts; without one, the
   variable. Written answers (``"free"`` questions) score when the check judges them
   complete ("answered"); the instructor reads them in the executed notebooks.
   Points come from the solution notebook's metadata, ``{"casekit": {"points":
   {"q1": 2, ...}}}``; a question not listed is worth 1 point.

What is written to ``DIR``
--------------------------
``gradebook.csv``
    One row per student (sorted): the points of each question, the total, the
    maximum and ``notes`` (why points may be missing: an error in a cell, the time or
    memory limit, a blocked action, an answer read from a variable, ...).
``verdicts.csv``
    One row per student and question: status, points, the check's message.
``feedback/<student>.html``
    For the student: each question's verdict and hint, the total, the notes.
``executed/<student>.ipynb``
    The notebook as it ran, for reading written answers and investigating.

The same folder graded twice gives the same ``gradebook.csv`` and ``verdicts.csv``
(no times or dates in them; messages are cleaned of temporary paths and addresses).

The sandbox: what is and is not guaranteed
------------------------------------------
Guaranteed by the operating system or the grader, whatever the code does:

* each submission runs in its own kernel process, in its own temporary copy, with a
  minimal environment (``HOME`` and temporary folders inside the copy);
* wall-clock **time limit** per notebook (``--timeout``): the cell running at the limit
  is interrupted and the rest of the notebook is not run;
* **memory**: heap allocations beyond ``--memory-mb`` fail with ``MemoryError``
  (``RLIMIT_DATA``), and a kernel whose resident memory passes 1.25 x the limit is
  killed; a CPU-time limit and a 64 MB limit on any file written;
* **output** beyond a budget is dropped (in the kernel and again in the grader);
* a broken or hostile notebook never stops the run: it gets a row and a reason.

Enforced by the in-kernel guard (an audit hook, see :mod:`casekit.sandbox`) against
ordinary and mistaken code: no writing, renaming or deleting outside the copy; no
reading of the submissions, solutions or output folders; no network; no new processes;
no ``ctypes``. Not guaranteed: a determined attacker who knows CPython's internals may
get around an in-process hook, and the kernel runs as the instructor's user, so it can
read what that user can read elsewhere. For untrusted classes, run ``casekit grade``
inside a container or virtual machine without network (for example ``docker run
--network none``) or as an unprivileged user; the answer-key design stays the same.
A student can also compute an answer with the course's own ``expected`` functions,
which ship with casekit for instant feedback: instant feedback and a secret key do not
go together.
"""

from __future__ import annotations

import ast
import csv
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic
from typing import Any

import nbformat
from nbformat import NotebookNode

from casekit import checks, notebooks, sandbox

__all__ = [
    "Assignment",
    "GradingError",
    "Limits",
    "Submission",
    "find_solution",
    "grade",
    "load_assignment",
]

#: Largest submission file read, in bytes.
MAX_NOTEBOOK_BYTES = 20_000_000
#: Output kept per executed notebook by the grader, in bytes (answers do not count).
MAX_STORED_OUTPUT = 5_000_000
#: Largest answer record accepted from a kernel, in bytes of JSON.
MAX_RECORD_BYTES = 8_000_000

_KERNEL_NAME = "casekit-sandbox"
_TRAILER_TAG = "casekit-grading"
_INJECTED_TAG = "injected-parameters"
_START = re.compile(r"""\b(?:ck|casekit|checks)\s*\.\s*start\s*\(\s*["']([^"']+)["']""")


class GradingError(RuntimeError):
    """Grading cannot start: the assignment, its solution or its answer key is wrong."""


@dataclass(frozen=True)
class Limits:
    """Limits for each notebook run.

    Parameters
    ----------
    timeout : int
        Wall-clock seconds for the whole notebook.
    memory_mb : int
        Heap memory of the kernel, in MB.
    output_kb : int
        Text and display output the kernel may send, in kB.
    file_mb : int
        Largest file the kernel may write, in MB.
    """

    timeout: int = 120
    memory_mb: int = 2048
    output_kb: int = 2000
    file_mb: int = 64

    def __post_init__(self) -> None:
        for name in ("timeout", "memory_mb", "output_kb", "file_mb"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.memory_mb < 256:
            raise ValueError(
                f"memory_mb must be at least 256 (a kernel with pandas needs that), "
                f"got {self.memory_mb}"
            )


@dataclass(frozen=True)
class Assignment:
    """What grading needs to know about one exercise notebook."""

    name: str
    solution: Path
    questions: dict[str, checks.Question]
    points: dict[str, float]
    expressions: dict[str, str]
    parameters_source: str | None
    questions_dirs: tuple[Path, ...] = ()

    @property
    def max_points(self) -> float:
        """The most points a submission can score."""
        return float(sum(self.points.values()))


@dataclass
class Verdict:
    """The grade of one question of one submission."""

    question: str
    status: str
    points: float
    max_points: float
    message: str
    source: str = ""


@dataclass
class Submission:
    """The grade of one student."""

    student: str
    file: str
    verdicts: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Points scored."""
        return float(sum(v.points for v in self.verdicts))


# --- the assignment -----------------------------------------------------------------------


def find_solution(assignment: str, solutions: Path) -> Path:
    """Return the solution notebook of ``assignment`` (``"01"``, or a full name).

    Raises
    ------
    GradingError
        If no notebook, or more than one, matches.
    """
    solutions = Path(solutions)
    if not isinstance(assignment, str) or not assignment.strip():
        raise GradingError(
            f"assignment must be a number such as '01' or a name, got {assignment!r}"
        )
    wanted = assignment.strip().removesuffix(".ipynb")
    found = sorted(
        p
        for p in solutions.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
        and (
            p.stem == wanted
            or p.stem.startswith(wanted + "_")
            or p.relative_to(solutions).with_suffix("").as_posix() == wanted
        )
    )
    if len(found) != 1:
        known = sorted(
            p.relative_to(solutions).with_suffix("").as_posix() for p in solutions.rglob("*.ipynb")
        )
        what = "no solution notebook" if not found else f"{len(found)} solution notebooks"
        raise GradingError(
            f"assignment {assignment!r}: {what} in {solutions} match; known: {known}"
        )
    return found[0]


def _strip_magics(source: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")
    )


def _check_expressions(nb: NotebookNode) -> dict[str, str]:
    """{question id: the expression passed to ck.check} in the solution's code cells."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_strip_magics(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (
                    (isinstance(node.func, ast.Attribute) and node.func.attr == "check")
                    or (isinstance(node.func, ast.Name) and node.func.id == "check")
                )
            ):
                found.setdefault(node.args[0].value, ast.unparse(node.args[1]))
    return found


def _started_notebooks(nb: NotebookNode) -> list[str]:
    return [
        m.group(1)
        for cell in nb.cells
        if cell.get("cell_type") == "code"
        for m in _START.finditer(str(cell.get("source", "")))
    ]


def _with_questions_dirs(dirs: Sequence[Path]) -> None:
    import casekit.questions

    for folder in dirs:
        if str(folder) not in casekit.questions.__path__:
            casekit.questions.__path__.append(str(folder))


def load_assignment(
    assignment: str,
    *,
    solutions: str | os.PathLike[str] | None = None,
    questions_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Assignment:
    """Read an assignment's solution notebook: questions, points, answer expressions.

    Parameters
    ----------
    assignment : str
        ``"01"`` or a solution notebook's name.
    solutions : path-like, optional
        Folder of solution notebooks; defaults to the course's ``solutions/``.
    questions_dirs : sequence of path-like
        Extra folders holding question modules ``nb_<name>.py`` (for an instructor's own
        assignments); casekit's own are always found.

    Raises
    ------
    GradingError
        If the solution is missing or inconsistent (no ``ck.start``, a question without
        a check cell, points that name unknown questions or are not numbers >= 0).
    """
    folder = Path(solutions) if solutions is not None else notebooks.root() / "solutions"
    extra = tuple(Path(d).resolve() for d in questions_dirs)
    _with_questions_dirs(extra)
    path = find_solution(assignment, folder)
    nb = notebooks.read(path)
    started = _started_notebooks(nb)
    if not started:
        raise GradingError(f"{path}: the solution never calls ck.start(...)")
    name = started[0]
    try:
        questions = checks.load_questions(name)
    except (ValueError, TypeError) as exc:
        raise GradingError(f"{path}: {exc}") from None
    expressions = _check_expressions(nb)
    unchecked = [q for q in questions if q not in expressions]
    if unchecked:
        raise GradingError(f"{path}: no ck.check(...) cell for question(s) {unchecked}")
    raw = nb.metadata.get("casekit", {}).get("points", {})
    if not isinstance(raw, Mapping):
        raise GradingError(f"{path}: metadata casekit.points must be a mapping, got {raw!r}")
    unknown = sorted(set(raw) - set(questions))
    if unknown:
        raise GradingError(
            f"{path}: metadata casekit.points names unknown question(s) {unknown}; "
            f"the questions are {list(questions)}"
        )
    points: dict[str, float] = {}
    for qid in questions:
        value = raw.get(qid, 1)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
            raise GradingError(
                f"{path}: casekit.points[{qid!r}] must be a number >= 0, got {value!r}"
            )
        points[qid] = float(value)
    parameters = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    return Assignment(
        name=name,
        solution=path,
        questions=questions,
        points=points,
        expressions={q: expressions[q] for q in questions},
        parameters_source=parameters[0].source if parameters else None,
        questions_dirs=extra,
    )


# --- running one notebook in the sandbox (in a worker process) -----------------------------


@dataclass(frozen=True)
class _Job:
    student: str
    path: str
    assignment: str
    parameters_source: str | None
    expressions: dict[str, str]
    limits: Limits
    private: tuple[str, ...]
    questions_dirs: tuple[str, ...]
    executed: str | None


@dataclass
class _Run:
    """What came out of one run: JSON-able, returned from the worker process."""

    student: str
    notes: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    skipped: bool = False


def _sanitize(text: str, work: str | None = None) -> str:
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", str(text))
    if work:
        text = text.replace(work + os.sep, "").replace(work, ".")
    text = re.sub(r"/tmp/casekit-grade-[^/\s'\"]+/?", "", text)
    text = re.sub(r"0x[0-9a-fA-F]{6,}", "0x…", text)
    text = re.sub(r"\(\d+\.py, line (\d+)\)", r"(line \1)", text)  # IPython's cell file names
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _client_class() -> type:
    from nbclient import NotebookClient

    class GradingClient(NotebookClient):
        """A notebook client that keeps at most MAX_STORED_OUTPUT bytes of output."""

        stored = 0
        truncated: set[int] | None = None

        def output(self, outs, msg, display_id, cell_index):  # type: ignore[override]
            content = msg.get("content", {})
            data = content.get("data") or {}
            if sandbox.ANSWER_MIMETYPE in data:
                size = len(json.dumps(data[sandbox.ANSWER_MIMETYPE]))
                if size > MAX_RECORD_BYTES:
                    return None
                return super().output(outs, msg, display_id, cell_index)
            size = len(json.dumps(content))
            if self.truncated is None:
                self.truncated = set()
            if self.stored + size > MAX_STORED_OUTPUT:
                self.truncated.add(cell_index)
                return None
            self.stored += size
            return super().output(outs, msg, display_id, cell_index)

    return GradingClient


def _kernelspec(folder: Path, job: _Job, work: Path) -> None:
    argv = [
        sys.executable,
        "-c",
        sandbox.LAUNCH,
        f"--memory-mb={job.limits.memory_mb}",
        f"--cpu-seconds={2 * job.limits.timeout + 120}",
        f"--file-mb={job.limits.file_mb}",
        f"--output-kb={job.limits.output_kb}",
        f"--write-root={work}",
        *(f"--private={p}" for p in job.private),
        *(f"--questions={q}" for q in job.questions_dirs),
        "-f",
        "{connection_file}",
    ]
    spec = {"argv": argv, "display_name": "casekit grading sandbox", "language": "python"}
    target = folder / _KERNEL_NAME
    target.mkdir(parents=True)
    (target / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")


def _environment(work: Path) -> dict[str, str]:
    home = work / "home"
    tmp = work / "tmp"
    for folder in (home, tmp):
        folder.mkdir(exist_ok=True)
    keep = ("PATH", "PYTHONPATH", "LANG", "LC_ALL", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        IPYTHONDIR=str(home / ".ipython"),
        MPLCONFIGDIR=str(home / ".matplotlib"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    env.setdefault("LANG", "C.UTF-8")
    return env


def _watch_memory(pid: int, limit: int, stop: threading.Event, killed: threading.Event) -> None:
    """Kill the kernel if its resident memory passes ``limit`` bytes (a backstop)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        return
    try:
        process = psutil.Process(pid)
        while not stop.wait(0.2):
            rss = process.memory_info().rss
            if rss > limit:
                killed.set()
                process.kill()
                return
    except psutil.Error:
        return


def _prepare(nb: NotebookNode, job: _Job) -> tuple[NotebookNode, list[int | None]]:
    """The notebook to run, and for each of its cells the student's cell number (or None)."""
    cells = list(nb.cells)
    origin: list[int | None] = list(range(1, len(cells) + 1))
    if job.parameters_source is not None:
        tagged = [
            i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
        ]
        if tagged:
            at = tagged[0] + 1
        else:
            code = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"]
            at = code[0] if code else 0
        injected = nbformat.v4.new_code_cell(
            job.parameters_source, metadata={"tags": [_INJECTED_TAG]}
        )
        cells.insert(at, injected)
        origin.insert(at, None)
    trailer = nbformat.v4.new_code_cell(
        f"import casekit.sandbox\ncasekit.sandbox.collect({job.expressions!r})",
        metadata={"tags": [_TRAILER_TAG]},
    )
    cells.append(trailer)
    origin.append(None)
    run = nbformat.v4.new_notebook(cells=cells, metadata=nb.get("metadata", {}))
    return run, origin


def _run_job(job: _Job) -> _Run:
    """Run one notebook in the sandbox and collect what it recorded. Never raises."""
    result = _Run(job.student)
    try:
        _run_job_inner(job, result)
    except Exception as exc:  # the run of one notebook must never stop the others
        result.notes.append(f"grading failed: {type(exc).__name__}: {_sanitize(str(exc))}")
    return result


def _read_submission(path: Path) -> NotebookNode:
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise ValueError(
            f"the file is {size / 1e6:.0f} MB, more than {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB"
        )
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError("JSON, but not a notebook (no list of cells)")
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str) or cell.get("cell_type") not in (
            "code",
            "markdown",
            "raw",
        ):
            raise ValueError("a notebook with malformed cells")
        cell.setdefault("metadata", {})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def _run_job_inner(job: _Job, result: _Run) -> None:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        nb = _read_submission(Path(job.path))
    except Exception as exc:
        result.notes.append(f"not a readable notebook: {_sanitize(str(exc))}")
        result.skipped = True
        return
    started = _started_notebooks(nb)
    others = sorted({s for s in started if s != job.assignment})
    if others and job.assignment not in started:
        result.notes.append(f"the notebook of another assignment ({', '.join(others)}), not run")
        result.skipped = True
        return
    run, origin = _prepare(nb, job)
    work = Path(tempfile.mkdtemp(prefix="casekit-grade-")).resolve()
    copy_dir = work / "copy"
    copy_dir.mkdir()
    notebooks.write(run, copy_dir / "submission.ipynb")
    _kernelspec(work / "kernels", job, work)
    km = AsyncKernelManager(
        kernel_name=_KERNEL_NAME,
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(work / "kernels")]),
    )
    client = _client_class()(
        run,
        km=km,
        shutdown_kernel="immediate",
        timeout=job.limits.timeout,
        allow_errors=True,
        record_timing=False,
        startup_timeout=60,
        # Outputs (and the answers they carry) may trail the end of a cell on a busy
        # machine; wait for them rather than lose an answer.
        iopub_timeout=60,
        raise_on_iopub_timeout=False,
        kernel_name=_KERNEL_NAME,
    )
    stop, killed = threading.Event(), threading.Event()
    stopped: str | None = None
    stopped_at: int | None = None
    try:
        with client.setup_kernel(
            env=_environment(work),
            cwd=str(copy_dir),
            cleanup_kc=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ):
            deadline = monotonic() + job.limits.timeout
            pid = km.provisioner.process.pid  # type: ignore[union-attr]
            limit = int(1.25 * (job.limits.memory_mb << 20)) + (256 << 20)
            threading.Thread(
                target=_watch_memory, args=(pid, limit, stop, killed), daemon=True
            ).start()
            count = 0
            last = len(run.cells) - 1
            for index, cell in enumerate(run.cells):
                if cell.cell_type != "code" or index == last:
                    continue
                remaining = deadline - monotonic()
                if remaining <= 0:
                    stopped, stopped_at = "time", index
                    break
                client.timeout = max(1, math.ceil(remaining))
                count += 1
                try:
                    client.execute_cell(cell, index, execution_count=count)
                except CellTimeoutError:
                    stopped, stopped_at = "time", index
                    break
                except DeadKernelError:
                    stopped, stopped_at = "died", index
                    break
            if stopped != "died":
                if stopped == "time":
                    run_sync(km.interrupt_kernel)()
                client.timeout = 30
                try:
                    client.execute_cell(run.cells[last], last, execution_count=count + 1)
                except (CellTimeoutError, DeadKernelError):
                    result.notes.append("the answers could not be read after the last cell")
    finally:
        stop.set()
        shutil.rmtree(work, ignore_errors=True)

    def number(index: int | None) -> str:
        if index is None:
            return "the grader's cells"
        n = origin[index]
        return f"cell {n}" if n is not None else "the injected parameters cell"

    if stopped == "time":
        result.notes.append(
            f"time limit of {job.limits.timeout} s reached in {number(stopped_at)}; "
            "later cells not run"
        )
    elif stopped == "died":
        why = (
            f"memory limit of {job.limits.memory_mb} MB exceeded"
            if killed.is_set()
            else "the kernel stopped (it exited, crashed or ran out of memory)"
        )
        result.notes.append(f"{why} in {number(stopped_at)}; later cells not run")
    truncated = sorted(client.truncated or ())
    if truncated:
        result.notes.append(f"output limit reached from {number(truncated[0])}; output dropped")
    work_text = str(work)
    for index, cell in enumerate(run.cells):
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if sandbox.ANSWER_MIMETYPE in data:
                record = data[sandbox.ANSWER_MIMETYPE]
                if isinstance(record, dict):
                    result.records.append({**record, "cell": origin[index]})
                continue
            if (
                output.get("output_type") == "stream"
                and f"{sandbox.BLOCKED} output limit" in str(output.get("text", ""))
                and not any("output limit" in n for n in result.notes)
            ):
                result.notes.append(
                    f"output limit of {job.limits.output_kb} kB reached in {number(index)}; "
                    "further output dropped"
                )
            if output.get("output_type") == "error" and origin[index] is not None:
                ename, evalue = str(output.get("ename", "")), str(output.get("evalue", ""))
                if ename == "KeyboardInterrupt" and stopped == "time" and index == stopped_at:
                    continue  # the grader's own interrupt at the time limit
                if ename == "MemoryError":
                    what = f"memory limit of {job.limits.memory_mb} MB reached"
                elif sandbox.BLOCKED in evalue:
                    detail = evalue[evalue.index(sandbox.BLOCKED) + len(sandbox.BLOCKED) :]
                    what = "blocked: " + detail.strip()
                else:
                    what = f"{ename}: {evalue}"
                result.notes.append(f"error in {number(index)}: {_sanitize(what, work_text)}")
            kept.append(output)
        if cell.get("cell_type") == "code":
            cell.outputs = kept
    for record in result.records:
        if record.get("event") == "blocked":
            for item in record.get("items", [])[:5]:
                note = _sanitize(str(item).replace(sandbox.BLOCKED, "blocked:"), work_text)
                if not any(note.removeprefix("blocked: ") in n for n in result.notes):
                    result.notes.append(note)
    if job.executed:
        run.cells = [c for c in run.cells if _TRAILER_TAG not in c.metadata.get("tags", [])]
        notebooks.write(notebooks.clean(run), job.executed)


# --- scoring (in the grader's process) ----------------------------------------------------


def _format_points(value: float) -> str:
    return f"{value:g}"


def _answers(
    records: Iterable[Mapping[str, Any]], questions: Mapping[str, Any]
) -> dict[str, tuple[Any, str]]:
    """{question: (encoded answer, where it came from)} from a run's records."""
    checked: dict[str, tuple[Any, str]] = {}
    variables: dict[str, tuple[Any, str]] = {}
    for record in records:
        question = record.get("question")
        if question not in questions or "answer" not in record:
            continue
        if record.get("event") == "check":
            checked[question] = (record["answer"], "check")
        elif record.get("event") == "variable":
            expression = str(record.get("expression", ""))[:60]
            variables[question] = (record["answer"], f"variable {expression}")
    return {**variables, **checked}


def _build_key(
    assignment: Assignment, run: _Run
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(parameters, expected answers, solution values), checked against each other."""
    where = f"the solution {assignment.solution.name}"
    starts = [r for r in run.records if r.get("event") == "start"]
    if run.notes:
        raise GradingError(f"{where} does not run cleanly in the sandbox: {'; '.join(run.notes)}")
    if not starts:
        raise GradingError(f"{where} never reached its ck.start(...) cell")
    params = sandbox.decode(starts[-1].get("params"))
    if not isinstance(params, dict):
        raise GradingError(f"{where}: could not read the parameters of its ck.start(...)")
    answers = _answers(run.records, assignment.questions)
    expected: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for qid, question in assignment.questions.items():
        if qid not in answers or answers[qid][1] != "check":
            raise GradingError(f"{where} never checks question {qid}")
        values[qid] = sandbox.decode(answers[qid][0])
        if question.kind != "free":
            try:
                expected[qid] = question.expected(params)
            except Exception as exc:
                raise GradingError(f"question {qid}: expected(params) failed: {exc!r}") from None
        else:
            expected[qid] = None
        verdict = checks.evaluate(question, values[qid], expected[qid])
        if verdict.status not in checks.DONE:
            raise GradingError(
                f"{where}: its own answer to {qid} fails the check ({verdict.status}: "
                f"{verdict.message}); fix the solution or the question before grading"
            )
    return params, expected, values


def _score(
    assignment: Assignment, run: _Run, expected: Mapping[str, Any], values: Mapping[str, Any]
) -> Submission:
    submission = Submission(run.student, "", notes=list(run.notes))
    answers = {} if run.skipped else _answers(run.records, assignment.questions)
    started = {str(r.get("notebook")) for r in run.records if r.get("event") == "start"}
    if started and assignment.name not in started:
        submission.notes.append(
            f"runs the checks of another notebook ({', '.join(sorted(started))})"
        )
    for qid, question in assignment.questions.items():
        worth = assignment.points[qid]
        if qid not in answers:
            variable = assignment.expressions.get(qid, qid)
            message = f"no answer found: no check of {qid} ran and {variable} is not defined"
            if run.skipped:
                message = "not graded: " + (
                    run.notes[0] if run.notes else "the notebook was not run"
                )
            submission.verdicts.append(Verdict(qid, "not attempted", 0.0, worth, message))
            continue
        encoded, source = answers[qid]
        answer = sandbox.decode(encoded)
        first = checks.evaluate(question, answer, expected[qid])
        verdict = first
        if first.status == "correct":
            second = checks.evaluate(question, answer, values[qid])
            if second.status != "correct":
                verdict = second
        points = worth if verdict.status in checks.DONE else 0.0
        submission.verdicts.append(
            Verdict(qid, verdict.status, points, worth, _sanitize(verdict.message), source)
        )
        if source != "check":
            submission.notes.append(
                f"{qid}: no check cell ran for it (deleted or renamed?); "
                f"answer read from the {source}"
            )
    return submission


# --- submissions, output files --------------------------------------------------------------


def _student_id(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name).strip("._") or "student"


def discover(submissions: Path, assignment: str) -> list[tuple[str, Path, str | None]]:
    """[(student, notebook, problem)] for ``submissions``, sorted by student.

    A submission is either ``<student>.ipynb`` or a folder ``<student>/`` holding the
    notebook (the one whose name starts like the assignment's, if there are several).
    ``problem`` says why a folder cannot be graded, else it is None.
    """
    found: list[tuple[str, Path, str | None]] = []
    prefix = assignment.split("_")[0]
    for entry in sorted(Path(submissions).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".ipynb":
            found.append((_student_id(entry.stem), entry, None))
        elif entry.is_dir():
            candidates = sorted(
                p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
            )
            named = [p for p in candidates if p.stem.startswith(prefix)]
            if len(candidates) == 1:
                found.append((_student_id(entry.name), candidates[0], None))
            elif len(named) == 1:
                found.append((_student_id(entry.name), named[0], None))
            else:
                problem = (
                    "the folder holds no notebook"
                    if not candidates
                    else f"the folder holds {len(candidates)} notebooks and none is named "
                    f"after the assignment"
                )
                found.append((_student_id(entry.name), entry, problem))
    seen: dict[str, int] = {}
    unique = []
    for student, path, problem in found:
        seen[student] = seen.get(student, 0) + 1
        name = student if seen[student] == 1 else f"{student}-{seen[student]}"
        unique.append((name, path, problem))
    return sorted(unique)


def _cell(text: str) -> str:
    """A CSV field that a spreadsheet will not run as a formula (file names are the
    students' own text)."""
    if text[:1] in ("=", "+", "@", "\t", "\r") or re.match(r"-[^\d]", text):
        return "'" + text
    return text


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(field) for field in row] for row in rows)


_ICONS = {"correct": "✅", "answered": "📝", "not yet": "🔁", "not attempted": "⬜", "error": "⚠️"}


#: Verdicts that need no hint: the answer is right, or a written answer is complete.
_DONE = ("correct", "answered")


def _message_and_hint(assignment: Assignment, verdict: Verdict) -> tuple[str, str]:
    """What the feedback page shows for a verdict: the check's message and, unless the
    verdict is :data:`_DONE`, the question's hint (taken out of the message, which for
    "not yet" already ends with it, so that it is not shown twice)."""
    if verdict.status in _DONE:
        return verdict.message, ""
    question = assignment.questions.get(verdict.question)
    hint = question.hint.strip() if question is not None else ""
    message = verdict.message
    if hint and message.endswith(hint):
        message = message[: -len(hint)].rstrip()
    return message, hint


def _feedback_html(assignment: Assignment, submission: Submission) -> str:
    esc = html.escape
    lines = []
    for v in submission.verdicts:
        message, hint = _message_and_hint(assignment, v)
        lines.append(
            f"<tr><td>{esc(v.question)}</td><td>{_ICONS.get(v.status, '')} {esc(v.status)}</td>"
            f"<td class='n'>{_format_points(v.points)} / {_format_points(v.max_points)}</td>"
            f"<td>{esc(message)}</td><td class='hint'>{esc(hint)}</td></tr>"
        )
    rows = "\n".join(lines)
    notes = "".join(f"<li>{esc(n)}</li>" for n in submission.notes)
    notes_html = f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""
    total = _format_points(submission.total)
    most = _format_points(assignment.max_points)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Feedback: {esc(assignment.name)} · {esc(submission.student)}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; max-width: 860px; margin: 2em auto; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left; }}
td.n {{ white-space: nowrap; }}
td.hint {{ color: #444; font-style: italic; }}
.total {{ font-size: 1.3em; }}
</style></head>
<body>
<h1>Feedback on {esc(assignment.name)}</h1>
<p>Student: <b>{esc(submission.student)}</b></p>
<p class="total">Total: <b>{total}</b> of {most} points</p>
<table><thead>
<tr><th>question</th><th>verdict</th><th>points</th><th>what we saw</th><th>hint</th></tr>
</thead>
<tbody>
{rows}
</tbody></table>
{notes_html}
<p>Every question not yet done comes with a hint on the method; written answers
("answered") are compared with the model answer by your instructor.</p>
</body></html>
"""


def _write_outputs(out: Path, assignment: Assignment, graded: list[Submission]) -> None:
    ids = list(assignment.questions)
    graded = sorted(graded, key=lambda s: s.student)
    _write_csv(
        out / "gradebook.csv",
        ["student", "file", *ids, "total", "max", "notes"],
        (
            [
                s.student,
                s.file,
                *(_format_points(v.points) for v in s.verdicts),
                _format_points(s.total),
                _format_points(assignment.max_points),
                "; ".join(s.notes),
            ]
            for s in graded
        ),
    )
    _write_csv(
        out / "verdicts.csv",
        ["student", "question", "status", "points", "max", "answer_from", "message"],
        (
            [
                s.student,
                v.question,
                v.status,
                _format_points(v.points),
                _format_points(v.max_points),
                v.source,
                v.message,
            ]
            for s in graded
            for v in s.verdicts
        ),
    )
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for s in graded:
        (feedback / f"{s.student}.html").write_text(_feedback_html(assignment, s), encoding="utf-8")


def _run_all(jobs: list[_Job], workers: int, progress: bool, desc: str) -> list[_Run]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    if not jobs:
        return []
    if workers == 1 or len(jobs) == 1:
        return [_run_job(job) for job in tqdm(jobs, desc=desc, unit="nb", disable=not progress)]
    context = multiprocessing.get_context("spawn")
    results: dict[int, _Run] = {}
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
        futures = {pool.submit(_run_job, job): i for i, job in enumerate(jobs)}
        for future in tqdm(
            as_completed(futures), total=len(futures), desc=desc, unit="nb", disable=not progress
        ):
            i = futures[future]
            try:
                results[i] = future.result()
            except Exception as exc:  # a worker that died (killed, out of memory)
                results[i] = _Run(jobs[i].student, notes=[f"grading failed: {exc!r}"], skipped=True)
    return [results[i] for i in range(len(jobs))]


def grade(
    submissions: str | os.PathLike[str],
    assignment: str,
    out: str | os.PathLike[str],
    *,
    jobs: int = 2,
    limits: Limits | None = None,
    solutions: str | os.PathLike[str] | None = None,
    questions_dirs: Sequence[str | os.PathLike[str]] = (),
    progress: bool = True,
) -> list[Submission]:
    """Grade every submission in ``submissions`` and write the gradebook to ``out``.

    Parameters
    ----------
    submissions : path-like
        Folder of submitted notebooks (``<student>.ipynb`` or ``<student>/*.ipynb``).
    assignment : str
        ``"01"`` or the solution notebook's name.
    out : path-like
        Folder for ``gradebook.csv``, ``verdicts.csv``, ``feedback/`` and ``executed/``.
        Must be outside ``submissions``.
    jobs : int
        Notebooks run at a time (each in its own kernel).
    limits : Limits, optional
        Time, memory, output and file-size limits per notebook.
    solutions, questions_dirs :
        See :func:`load_assignment`.
    progress : bool
        Show progress bars.

    Returns
    -------
    list of Submission
        One per student, sorted by student.

    Raises
    ------
    GradingError
        If the assignment cannot be found or its answer key is inconsistent; nothing
        is graded then.

    Notes
    -----
    With ``jobs > 1`` the notebooks run in worker processes started with ``spawn``: call
    ``grade`` from the ``casekit grade`` command, a notebook, or a script whose code sits
    under ``if __name__ == "__main__":``.
    """
    limits = limits or Limits()
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    submissions = Path(submissions).resolve()
    out = Path(out).resolve()
    if not submissions.is_dir():
        raise GradingError(f"submissions must be a folder, got {submissions}")
    if out == submissions or submissions in out.parents:
        raise GradingError(f"out must be outside the submissions folder, got {out}")
    spec = load_assignment(assignment, solutions=solutions, questions_dirs=questions_dirs)
    out.mkdir(parents=True, exist_ok=True)
    (out / "executed").mkdir(exist_ok=True)
    private = (str(submissions), str(out), str(spec.solution.parent.resolve()))
    common = {
        "assignment": spec.name,
        "expressions": spec.expressions,
        "limits": limits,
        "questions_dirs": tuple(str(d) for d in spec.questions_dirs),
    }
    key_job = _Job(
        student="(solution)",
        path=str(spec.solution),
        parameters_source=None,
        private=(str(submissions), str(out)),
        executed=None,
        **common,
    )
    key_run = _run_all([key_job], 1, progress, "answer key")[0]
    _, expected, values = _build_key(spec, key_run)
    found = discover(submissions, spec.name)
    student_jobs = [
        _Job(
            student=student,
            path=str(path),
            parameters_source=spec.parameters_source,
            private=private,
            executed=str(out / "executed" / f"{student}.ipynb"),
            **common,
        )
        for student, path, problem in found
        if problem is None
    ]
    runs = iter(_run_all(student_jobs, jobs, progress, f"grading {spec.name}"))
    graded = []
    for student, path, problem in found:
        run = next(runs) if problem is None else _Run(student, [problem], skipped=True)
        submission = _score(spec, run, expected, values)
        submission.file = path.relative_to(submissions).as_posix()
        graded.append(submission)
    _write_outputs(out, spec, graded)
    return sorted(graded, key=lambda s: s.student)


# --- command line --------------------------------------------------------------------------


def _cmd_grade(args: Any) -> int:
    try:
        limits = Limits(timeout=args.timeout, memory_mb=args.memory_mb, output_kb=args.output_kb)
        graded = grade(
            args.submissions,
            args.assignment,
            args.out,
            jobs=args.jobs,
            limits=limits,
            solutions=args.solutions,
            questions_dirs=args.questions,
        )
    except (GradingError, ValueError) as exc:
        print(f"casekit grade: {exc}", file=sys.stderr)
        return 2
    with_notes = sum(1 for s in graded if s.notes)
    print(
        f"graded {len(graded)} submission(s); {with_notes} with notes. "
        f"Wrote {Path(args.out) / 'gradebook.csv'}, verdicts.csv, feedback/ and executed/."
    )
    return 0


def register(commands: Any) -> None:
    """Add ``casekit grade`` to the ``casekit`` command's sub-commands."""
    root = notebooks.root()
    parser = commands.add_parser(
        "grade",
        help="grade submitted notebooks into a gradebook, each in a sandboxed kernel",
        description=(
            "Run every submitted notebook of an assignment in its own fresh, sandboxed "
            "kernel (time, memory and output limits; no network; no writes outside its "
            "temporary copy), score each question with the checks the students saw and the "
            "solution's values, and write gradebook.csv, verdicts.csv, a feedback page per "
            "student and the executed notebooks. Broken or hostile notebooks get a row "
            "and a reason; they never stop the run."
        ),
    )
    parser.add_argument(
        "submissions",
        type=Path,
        metavar="SUBMISSIONS_DIR",
        help="folder of <student>.ipynb files or <student>/ folders",
    )
    parser.add_argument(
        "--assignment",
        required=True,
        metavar="NN",
        help="the exercise notebook to grade: its number (01) or its name",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    parser.add_argument(
        "--jobs", type=int, default=2, help="notebooks run at a time (default: %(default)s)"
    )
    for flag, default, metavar, text in (
        ("--timeout", Limits.timeout, "SECONDS", "time limit per notebook"),
        ("--memory-mb", Limits.memory_mb, "MB", "memory limit per kernel"),
        ("--output-kb", Limits.output_kb, "KB", "output a notebook may produce"),
    ):
        parser.add_argument(
            flag, type=int, default=default, metavar=metavar, help=f"{text} (default: %(default)s)"
        )
    parser.add_argument(
        "--solutions",
        type=Path,
        default=root / "solutions",
        help="folder of solution notebooks (default: %(default)s)",
    )
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="extra folder of question modules nb_<name>.py (may be repeated)",
    )
    parser.set_defaults(func=_cmd_grade)

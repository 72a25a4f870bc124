"""casekit.grading: submitted notebooks graded safely into a gradebook.

The fixtures in ``tests/fixtures/grading/`` are a small assignment (its questions module
and solution notebook) and one submission per case (``make_fixtures.py`` writes them):
the solution itself, the blank exercise, wrong answers, and every kind of broken or
hostile notebook the grader must survive.
"""

from __future__ import annotations

import csv
import fcntl
import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit import checks, grading, notebooks, sandbox
from casekit.cli import main
from tests.fixtures.grading import make_fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "grading"
SUBMISSIONS = FIXTURES / "submissions"
OPTIONS = ["--solutions", str(FIXTURES / "solutions"), "--questions", str(FIXTURES / "questions")]
TIMEOUT = 20
MEMORY_MB = 768


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _grade_fixtures(out: Path) -> None:
    for escape in make_fixtures.ESCAPES:
        Path(escape).unlink(missing_ok=True)
    argv = ["grade", str(SUBMISSIONS), "--assignment", "90", "--out", str(out), "--jobs", "2"]
    argv += ["--timeout", str(TIMEOUT), "--memory-mb", str(MEMORY_MB), *OPTIONS]
    assert main(argv) == 0


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """Grade every fixture submission once, through the command line.

    Under pytest-xdist the workers share one grading run (the first to get the lock
    grades, the others read its output), so the kernels do not run twice. Without
    xdist (``-p no:xdist``, or not installed) the module grades on its own.
    """
    worker = getattr(request.config, "workerinput", {}).get("workerid", "master")
    if worker == "master":
        out = tmp_path_factory.mktemp("graded")
        _grade_fixtures(out)
        return out
    shared = tmp_path_factory.getbasetemp().parent  # one folder per test run
    out = shared / "casekit-graded-fixtures"
    with (shared / "casekit-graded-fixtures.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "gradebook.csv").exists():
            _grade_fixtures(out)
    return out


@pytest.fixture(scope="module")
def gradebook(graded: Path) -> dict[str, dict[str, str]]:
    return {row["student"]: row for row in _read_csv(graded / "gradebook.csv")}


# student: (points of q1..q4, a piece of the notes or "" for none)
EXPECTED = {
    "perfect": ((2, 1, 2, 1), ""),
    "blank": ((0, 0, 0, 0), ""),
    "wrong_answers": ((0, 0, 0, 0), ""),
    "changed_parameters": ((2, 1, 2, 1), ""),
    "syntax_error": ((0, 1, 2, 1), "error in cell 6: SyntaxError: invalid syntax (line 1)"),
    "exception_in_cell": ((2, 1, 2, 1), "error in cell 9: KeyError: 'b'"),
    "infinite_loop": ((2, 1, 0, 0), f"time limit of {TIMEOUT} s reached in cell 9"),
    "memory_bomb": ((2, 1, 2, 1), f"error in cell 9: memory limit of {MEMORY_MB} MB reached"),
    "huge_output": ((2, 1, 2, 1), "output limit of 2000 kB reached in cell 9"),
    "not_json": ((0, 0, 0, 0), "not a readable notebook: not JSON"),
    "other_assignment": (
        (0, 0, 0, 0),
        "the notebook of another assignment (01_value_of_relationships), not run",
    ),
    "deleted_checks": ((2, 1, 2, 1), "q1: no check cell ran for it"),
    "writes_outside": (
        (2, 1, 2, 1),
        "error in cell 7: blocked: writing outside the working copy "
        "(/tmp/casekit-grading-escape-2)",
    ),
    "network": ((2, 1, 2, 1), "error in cell 7: blocked: network access (urllib.Request)"),
    "spawns_via_internals": (
        (2, 1, 2, 1),
        "error in cell 7: blocked: starting a process (_posixsubprocess.fork_exec)",
    ),
}


def test_every_fixture_is_graded(gradebook: dict[str, dict[str, str]]) -> None:
    assert sorted(gradebook) == sorted(EXPECTED)
    assert sorted(gradebook) == sorted(p.stem for p in SUBMISSIONS.glob("*.ipynb"))


@pytest.mark.notebook
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_gets_its_points_and_reason(
    gradebook: dict[str, dict[str, str]], student: str
) -> None:
    points, note = EXPECTED[student]
    row = gradebook[student]
    assert tuple(int(row[q]) for q in ("q1", "q2", "q3", "q4")) == points
    assert float(row["total"]) == sum(points) and row["max"] == "6"
    if note:
        assert note in row["notes"]
    else:
        assert row["notes"] == ""


@pytest.mark.notebook
def test_verdicts_explain_each_question(graded: Path) -> None:
    rows = {(r["student"], r["question"]): r for r in _read_csv(graded / "verdicts.csv")}
    assert rows["blank", "q1"]["status"] == "not attempted"
    wrong = rows["wrong_answers", "q1"]
    assert wrong["status"] == "not yet" and "factor of 12" in wrong["message"]
    assert "Multiply value, frequency and lifespan." in wrong["message"]
    assert rows["wrong_answers", "q4"]["message"].startswith("a little short")
    assert rows["perfect", "q4"]["status"] == "answered"
    assert rows["deleted_checks", "q3"]["answer_from"] == "variable q3"
    assert rows["deleted_checks", "q2"]["answer_from"] == "check"
    assert rows["syntax_error", "q1"]["message"] == (
        "no answer found: no check of q1 ran and q1 is not defined"
    )


@pytest.mark.notebook
def test_hostile_code_did_not_escape(graded: Path, gradebook: dict[str, dict[str, str]]) -> None:
    for escape in make_fixtures.ESCAPES:
        assert not Path(escape).exists()
    assert "blocked: starting a process (os.system)" in gradebook["writes_outside"]["notes"]
    assert "network access (socket.getaddrinfo)" in gradebook["network"]["notes"]
    notes = gradebook["spawns_via_internals"]["notes"]
    assert "blocked: starting a process (os.posix_spawn)" in notes
    assert "blocked: starting a process (import _posixsubprocess)" in notes


# The hints of the fixture's questions module, written out here as the students see them.
HINTS = {
    "q1": "Multiply value, frequency and lifespan.",
    "q2": "Ask when the service happens relative to the sale.",
    "q3": "Grow the first month's revenue by the growth rate each month.",
    "q4": "Say what the value means for keeping customers.",
}


@pytest.mark.notebook
def test_feedback_and_executed_notebooks(graded: Path) -> None:
    for student, (points, _) in EXPECTED.items():
        page = (graded / "feedback" / f"{student}.html").read_text(encoding="utf-8")
        assert f"Total: <b>{sum(points)}</b> of 6 points" in page
    hints = {q: html.escape(text) for q, text in HINTS.items()}
    blank = (graded / "feedback" / "blank.html").read_text(encoding="utf-8")
    wrong = (graded / "feedback" / "wrong_answers.html").read_text(encoding="utf-8")
    broken = (graded / "feedback" / "syntax_error.html").read_text(encoding="utf-8")
    perfect = (graded / "feedback" / "perfect.html").read_text(encoding="utf-8")
    for hint in hints.values():
        assert hint in blank and wrong.count(hint) == 1  # not attempted, not yet
        assert hint not in perfect
    assert hints["q1"] in broken and hints["q2"] not in broken  # only the missing answer
    executed = sorted(p.stem for p in (graded / "executed").glob("*.ipynb"))
    assert executed == sorted(set(EXPECTED) - {"not_json", "other_assignment"})
    nb = notebooks.read(graded / "executed" / "perfect.ipynb")
    text = nbformat.writes(nb)
    assert sandbox.ANSWER_MIMETYPE not in text and "casekit.sandbox.collect" not in text
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    huge = notebooks.read(graded / "executed" / "huge_output.ipynb")
    text = sum(len(o.get("text", "")) for c in huge.cells for o in c.get("outputs", []))
    assert 1_900_000 < text < 2_100_000, "the kernel's 2000 kB output budget"


@pytest.mark.notebook
def test_grading_twice_gives_the_same_gradebook(tmp_path: Path) -> None:
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("perfect", "wrong_answers", "syntax_error", "huge_output", "not_json"):
        shutil.copy(SUBMISSIONS / f"{name}.ipynb", folder)
    (folder / "zoe").mkdir()
    shutil.copy(SUBMISSIONS / "deleted_checks.ipynb", folder / "zoe" / "90_mine.ipynb")
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        grading.grade(
            folder,
            "90_grading_demo",
            out,
            jobs=2,
            limits=grading.Limits(timeout=60),
            solutions=FIXTURES / "solutions",
            questions_dirs=[FIXTURES / "questions"],
            progress=False,
        )
        outputs.append([(out / f).read_bytes() for f in ("gradebook.csv", "verdicts.csv")])
    assert outputs[0] == outputs[1]
    rows = _read_csv(tmp_path / "a" / "gradebook.csv")
    assert [r["student"] for r in rows] == sorted(r["student"] for r in rows)
    assert {r["student"]: r["file"] for r in rows}["zoe"] == "zoe/90_mine.ipynb"


@pytest.mark.notebook
def test_a_solution_that_fails_its_own_checks_stops_grading(tmp_path: Path) -> None:
    solution = make_fixtures.solution()
    solution.cells[make_fixtures.Q1].source = 'q1 = 1.0\nck.check("q1", q1)'
    notebooks.write(solution, tmp_path / "solutions" / "90_grading_demo.ipynb")
    (tmp_path / "subs").mkdir()
    with pytest.raises(grading.GradingError, match="its own answer to q1 fails the check"):
        grading.grade(
            tmp_path / "subs",
            "90",
            tmp_path / "out",
            solutions=tmp_path / "solutions",
            questions_dirs=[FIXTURES / "questions"],
            progress=False,
        )
    assert not (tmp_path / "out" / "gradebook.csv").exists()


@pytest.mark.notebook
def test_a_solution_the_sandbox_blocks_stops_grading(tmp_path: Path) -> None:
    solution = make_fixtures._insert(
        make_fixtures.solution(),
        make_fixtures.Q1,
        f'with open("{make_fixtures.ESCAPES[0]}", "w") as handle:\n    handle.write("key")',
    )
    notebooks.write(solution, tmp_path / "solutions" / "90_grading_demo.ipynb")
    (tmp_path / "subs").mkdir()
    with pytest.raises(grading.GradingError, match=r"does not run cleanly in the sandbox.*blocked"):
        grading.grade(
            tmp_path / "subs",
            "90",
            tmp_path / "out",
            solutions=tmp_path / "solutions",
            questions_dirs=[FIXTURES / "questions"],
            progress=False,
        )
    assert not Path(make_fixtures.ESCAPES[0]).exists()


@pytest.mark.notebook
@pytest.mark.parametrize("solution", notebooks.course_notebooks("solutions"), ids=lambda p: p.stem)
def test_every_course_assignment_can_be_graded(solution: Path, tmp_path: Path) -> None:
    """The solution runs in the grader's sandbox (guard and limits) and passes its own
    checks there, so its answer key builds: a solution that writes outside its folder,
    starts a process or reaches the network fails here, not in front of a class."""
    (tmp_path / "subs").mkdir()
    graded = grading.grade(
        tmp_path / "subs",
        solution.stem,
        tmp_path / "out",
        solutions=solution.parent,
        progress=False,
    )
    assert graded == []
    assert _read_csv(tmp_path / "out" / "gradebook.csv") == []


@pytest.mark.notebook
def test_kernels_that_die_are_graded_as_far_as_they_got(tmp_path: Path) -> None:
    solution = make_fixtures.solution()
    folder = tmp_path / "subs"
    # Shared memory maps escape the heap limit; the grader's watchdog kills the kernel.
    shared = "import mmap\nmaps = [mmap.mmap(-1, 100 << 20) for _ in range(12)]\n"
    shared += "chunk = b'x' * (10 << 20)\nfor m in maps:\n    for _ in range(10):\n"
    shared += "        m.write(chunk)"
    for name, source in (("shared_memory", shared), ("exits", "import os\nos._exit(3)")):
        nb = make_fixtures._insert(solution, make_fixtures.Q2 + 1, source)
        notebooks.write(nb, folder / f"{name}.ipynb")
    graded = grading.grade(
        folder,
        "90",
        tmp_path / "out",
        limits=grading.Limits(memory_mb=300),
        solutions=FIXTURES / "solutions",
        questions_dirs=[FIXTURES / "questions"],
        progress=False,
    )
    rows = {s.student: s for s in graded}
    for name in rows:
        assert [v.points for v in rows[name].verdicts] == [2, 1, 0, 0]
    assert "memory limit of 300 MB exceeded in cell 9" in rows["shared_memory"].notes[0]
    assert rows["exits"].notes[0].startswith("the kernel stopped")


# --- without a kernel ---------------------------------------------------------------------


def test_assignment_points_and_expressions() -> None:
    spec = grading.load_assignment(
        "90", solutions=FIXTURES / "solutions", questions_dirs=[FIXTURES / "questions"]
    )
    assert spec.name == "90_grading_demo"
    assert spec.points == {"q1": 2.0, "q2": 1.0, "q3": 2.0, "q4": 1.0}
    assert spec.max_points == 6
    assert spec.expressions == {"q1": "q1", "q2": "q2", "q3": "q3", "q4": "q4"}
    assert spec.parameters_source.startswith("spend = 2_300")


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"q9": 1}, r"names unknown question\(s\) \['q9'\]"),
        ({"q1": -1}, r"casekit.points\['q1'\] must be a number >= 0, got -1"),
        ({"q1": "two"}, "must be a number"),
        ([1, 2], "must be a mapping"),
    ],
)
def test_bad_points_are_refused(tmp_path: Path, points: object, message: str) -> None:
    solution = make_fixtures.solution()
    solution.metadata["casekit"] = {"points": points}
    notebooks.write(solution, tmp_path / "90_grading_demo.ipynb")
    with pytest.raises(grading.GradingError, match=message):
        grading.load_assignment("90", solutions=tmp_path, questions_dirs=[FIXTURES / "questions"])


def test_unknown_or_ambiguous_assignment(tmp_path: Path) -> None:
    for name in ("01_a", "01_b"):
        notebooks.write(make_fixtures.solution(), tmp_path / f"{name}.ipynb")
    with pytest.raises(grading.GradingError, match="2 solution notebooks"):
        grading.find_solution("01", tmp_path)
    with pytest.raises(grading.GradingError, match=r"no solution notebook.*known: \['01_a'"):
        grading.find_solution("07", tmp_path)
    assert grading.find_solution("01_b", tmp_path).name == "01_b.ipynb"


def test_course_assignment_is_found(root: Path) -> None:
    spec = grading.load_assignment("01")
    assert spec.solution == root / "solutions" / "01_value_of_relationships.ipynb"
    assert set(spec.points) == set(checks.load_questions(spec.name))


def test_discover_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "ann.ipynb").write_text("{}")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "whatever.ipynb").write_text("{}")
    (tmp_path / "cy").mkdir()
    (tmp_path / "cy" / "90_demo.ipynb").write_text("{}")
    (tmp_path / "cy" / "scratch.ipynb").write_text("{}")
    (tmp_path / "dee").mkdir()
    (tmp_path / "notes.txt").write_text("")
    found = grading.discover(tmp_path, "90_grading_demo")
    assert [(s, p.relative_to(tmp_path).as_posix(), bool(why)) for s, p, why in found] == [
        ("ann", "ann.ipynb", False),
        ("bob", "bob/whatever.ipynb", False),
        ("cy", "cy/90_demo.ipynb", False),
        ("dee", "dee", True),
    ]


def test_feedback_shows_the_hint_of_every_question_not_done() -> None:
    spec = grading.load_assignment(
        "90", solutions=FIXTURES / "solutions", questions_dirs=[FIXTURES / "questions"]
    )
    statuses = {"q1": "error", "q2": "not attempted", "q3": "not yet", "q4": "answered"}
    messages = {"q3": f"off by a factor. {HINTS['q3']}"}
    submission = grading.Submission(
        "ann",
        "ann.ipynb",
        [
            grading.Verdict(q, status, 0.0, 1.0, messages.get(q, "something"))
            for q, status in statuses.items()
        ],
    )
    page = grading._feedback_html(spec, submission)
    for q in ("q1", "q2", "q3"):
        assert f"<td class='hint'>{html.escape(HINTS[q])}</td>" in page
    assert html.escape(HINTS["q3"]) in page and page.count(html.escape(HINTS["q3"])) == 1
    assert "<td>off by a factor.</td>" in page
    assert HINTS["q4"] not in page


def test_csv_fields_are_not_formulas() -> None:
    assert grading._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert grading._cell("-cmd") == "'-cmd" and grading._cell("-1") == "-1"
    assert grading._cell("alice") == "alice"


def test_out_inside_submissions_is_refused(tmp_path: Path) -> None:
    with pytest.raises(grading.GradingError, match="outside the submissions"):
        grading.grade(tmp_path, "90", tmp_path / "out", progress=False)


@pytest.mark.parametrize(
    ("field", "value"), [("timeout", 0), ("memory_mb", 100), ("output_kb", -1), ("file_mb", 1.5)]
)
def test_limits_are_validated(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        grading.Limits(**{field: value})


def test_grade_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["grade", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "--assignment NN" in text and "--jobs" in text and "--memory-mb" in text


# --- the guard, called directly (never installed in the test process) ----------------------


@pytest.fixture
def guard(tmp_path: Path):
    inside = tmp_path / "copy"
    inside.mkdir()
    private = tmp_path / "private"
    private.mkdir()
    return sandbox._make_guard((str(inside),), (str(private),), 1 << 30), inside, private


def _refused(hook, event: str, *args: object) -> str:
    with pytest.raises(PermissionError) as info:
        hook(event, args)
    assert str(info.value).startswith(sandbox.BLOCKED)
    return str(info.value)


def test_guard_allows_work_inside_the_copy(guard) -> None:
    hook, inside, _ = guard
    target = str(inside / "out.csv")
    hook("open", (target, "w", os.O_WRONLY | os.O_CREAT))
    hook("open", ("/etc/hostname", "r", os.O_RDONLY))
    hook("open", (3, "w", 0))
    hook("open", ("/dev/null", "w", os.O_WRONLY))
    hook("os.remove", (target, -1))
    hook("os.rename", (target, str(inside / "b.csv"), -1, -1))
    hook("os.listdir", ("/",))
    hook("os.kill", (os.getpid(), 2))
    hook("mmap.__new__", (-1, 4096, 0, 0))
    hook("import", ("json", None, [], [], []))


def test_guard_refuses_escapes(guard, tmp_path: Path) -> None:
    hook, inside, private = guard
    outside = str(tmp_path / "outside.txt")
    assert "writing outside" in _refused(hook, "open", outside, "w", 0)
    assert "writing outside" in _refused(hook, "open", outside, None, os.O_RDWR)
    assert "writing outside" in _refused(hook, "open", str(inside / ".." / "x"), "a", 0)
    (inside / "link").symlink_to(tmp_path)
    assert "writing outside" in _refused(hook, "open", str(inside / "link" / "x"), "w", 0)
    assert "changing files" in _refused(hook, "os.remove", outside, -1)
    assert "changing files" in _refused(hook, "os.rename", str(inside / "a"), outside, -1, -1)
    assert "changing files" in _refused(hook, "shutil.rmtree", str(tmp_path), None)
    assert "private" in _refused(hook, "open", str(private / "alice.ipynb"), "r", 0)
    assert "private" in _refused(hook, "os.listdir", str(private))
    assert "network" in _refused(hook, "socket.connect", None, ("127.0.0.1", 9))
    assert "network" in _refused(hook, "socket.getaddrinfo", "localhost", 80, 0, 0, 0)
    assert "process" in _refused(hook, "subprocess.Popen", "ls", ["ls"], None, None)
    assert "process" in _refused(hook, "os.system", b"ls")
    assert "another process" in _refused(hook, "os.kill", 1, 9)
    assert "resource.setrlimit" in _refused(hook, "resource.setrlimit", 9, (1, 1))
    assert "ctypes.dlopen" in _refused(hook, "ctypes.dlopen", "libc.so.6")
    assert "gc.get_referrers" in _refused(hook, "gc.get_referrers", ())
    assert "memory map" in _refused(hook, "mmap.__new__", -1, 2 << 30, 0, 0)
    assert "os.posix_spawn" in _refused(hook, "os.posix_spawn", "/bin/sh", ["sh"], {})
    assert "os.fork" in _refused(hook, "os.fork")
    assert "_posixsubprocess" in _refused(hook, "_posixsubprocess.fork_exec")
    spawner = "/usr/lib/python3/lib-dynload/_posixsubprocess.cpython-311-x86_64-linux-gnu.so"
    assert "import _posixsubprocess" in _refused(hook, "import", "_posixsubprocess", None)
    assert "import _posixsubprocess" in _refused(hook, "import", "x._posixsubprocess", spawner)
    assert "import x" in _refused(hook, "import", "x", spawner)


_RAW_SPAWN = """
import os, subprocess, sys
import _posixsubprocess
from casekit import sandbox

target = sys.argv[1]
replaced = sandbox._disarm_spawners()
sys.addaudithook(sandbox._make_guard((os.getcwd(),), (), 1 << 30))
read, write = os.pipe()
tail = (True, (), None, None, -1, -1, -1, -1, -1, -1, read, write)
tail += (True, False, 0, None, None, None, -1, None, False)  # Python 3.11's fork_exec
argv = [b"/usr/bin/touch", target.encode()]
for spawner in (_posixsubprocess.fork_exec, subprocess._fork_exec):
    try:
        spawner(argv, [argv[0]], *tail)
    except PermissionError as exc:
        print(exc)
print("replaced", replaced)
"""


def test_raw_spawners_are_disarmed_before_user_code(tmp_path: Path) -> None:
    # In a child process: disarming would also disarm this test process.
    target = tmp_path / "escaped"
    result = subprocess.run(
        [sys.executable, "-c", _RAW_SPAWN, str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    refusal = f"{sandbox.BLOCKED} starting a process (_posixsubprocess.fork_exec)"
    assert result.stdout.count(refusal) == 2, result.stdout + result.stderr
    assert "replaced 2" in result.stdout
    assert not target.exists()


# --- answers out of the kernel ------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=5),
    ),
    max_leaves=20,
)


@given(_values)
def test_plain_answers_survive_the_trip(value: object) -> None:
    assert sandbox.decode(sandbox.encode(value)) == value


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=8))
def test_series_survive_the_trip(values: list[float]) -> None:
    series = pd.Series(values, index=[f"r{i}" for i in range(len(values))], name="v")
    back = sandbox.decode(sandbox.encode(series))
    pd.testing.assert_series_equal(back, series)


def test_frames_arrays_and_sets_survive_the_trip() -> None:
    frame = pd.DataFrame(
        {
            "n": [1, 2],
            "x": [0.5, np.nan],
            "s": ["a", "b"],
            "d": pd.to_datetime(["2024-01-01", "2024-03-31"]),
            "c": pd.Categorical(["lo", "hi"]),
        },
        index=pd.Index(["u", "v"], name="id"),
    )
    back = sandbox.decode(sandbox.encode(frame))
    pd.testing.assert_frame_equal(back, frame, check_categorical=False)
    array = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(sandbox.decode(sandbox.encode(array)), array)
    assert sandbox.decode(sandbox.encode({"a", 1})) == {"a", 1}
    assert sandbox.decode(sandbox.encode(...)) is Ellipsis


def test_ordered_categories_survive_the_trip() -> None:
    # Response bands in their own order, as complaints.response_bands gives them.
    bands = pd.CategoricalIndex(
        ["up to 1 h", "1-4 h", "4-24 h"],
        categories=["up to 1 h", "1-4 h", "4-24 h", "over 24 h"],
        ordered=True,
        name="band",
    )
    series = pd.Series([0.71, 0.66, 0.59], index=bands, name="repurchase_rate")
    back = sandbox.decode(sandbox.encode(series))
    pd.testing.assert_series_equal(back, series)
    assert list(back.index.categories) == list(bands.categories) and back.index.ordered
    frame = pd.DataFrame({"band": pd.Categorical(["b", "a"], categories=["b", "a"])})
    pd.testing.assert_frame_equal(sandbox.decode(sandbox.encode(frame)), frame)


def test_odd_answers_become_descriptions_that_checks_can_judge() -> None:
    question = checks.Question("q1", expected=lambda p: 1.0)
    odd = sandbox.decode(sandbox.encode(object()))
    assert repr(odd) == "<an object>"
    verdict = checks.evaluate(question, odd, 1.0)
    assert verdict.status == "not yet" and "got a object" in verdict.message
    huge = sandbox.decode(sandbox.encode(list(range(sandbox.MAX_ITEMS + 1))))
    assert "too large" in repr(huge)
    assert isinstance(sandbox.decode({"t": "bogus"}), sandbox.Opaque)
    assert isinstance(sandbox.decode("junk"), sandbox.Opaque)

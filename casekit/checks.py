"""Instant, friendly feedback on exercise answers.

An exercise notebook starts with ``ck.start("<notebook name>")``. Each question then ends
in a check cell::

    q1 = ...            # the student replaces the ... with an answer
    ck.check("q1", q1)

``check`` prints one line: **correct**, **answered** (for a written answer, to compare with
the model answer), **not yet** with a hint that helps without giving the answer away, or
**not attempted** while the ``...`` placeholder is still there. It never raises, whatever
it is given: a wrong type, a wrong shape, NaN or a huge object all get a message.

Where the expected answers come from
------------------------------------
Each notebook has a module ``casekit.questions.nb_<notebook name>`` with a list
``QUESTIONS`` of :class:`Question`. A question's ``expected`` is a function of the
notebook's parameters (seed, company, ...) that computes the answer from the course data
with casekit's own functions, so the answer key cannot drift away from the data.
"""

from __future__ import annotations

import html
import importlib
import importlib.resources
import itertools
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "KINDS",
    "STATUSES",
    "CheckResult",
    "Question",
    "check",
    "evaluate",
    "load_questions",
    "progress",
    "results",
    "start",
]

#: The kinds of answer a question can take.
KINDS = ("number", "text", "choice", "bool", "set", "sequence", "series", "frame", "free")

#: Every verdict a check can give. "correct" and "answered" count as done.
STATUSES = ("correct", "answered", "not yet", "not attempted", "error")

DONE = ("correct", "answered")

#: The most items a list or set answer may have; longer answers are refused, not read.
MAX_ITEMS = 100_000

_ICONS = {
    "correct": "✅",
    "answered": "📝",
    "not yet": "🔁",
    "not attempted": "⬜",
    "error": "⚠️",
}
_COLOURS = {
    "correct": "#1b7837",
    "answered": "#2166ac",
    "not yet": "#b35806",
    "not attempted": "#555555",
    "error": "#b2182b",
}


@dataclass(frozen=True)
class Question:
    """One exercise question and how its answer is judged.

    Parameters
    ----------
    id : str
        Short identifier used in the notebook, e.g. ``"q3"``.
    kind : str
        One of :data:`KINDS`. ``"free"`` is a written answer judged for completeness
        (length and the topics it must touch), then compared by the learner with the
        model answer in the solution notebook.
    expected : callable, optional
        ``expected(params) -> value`` computes the right answer from the notebook's
        parameters. Not used for ``"free"`` questions.
    hint : str
        Shown with a "not yet" verdict. It should point at the method, not the answer.
    rtol, atol : float
        Relative and absolute tolerance for numbers, series and frames.
    options : tuple of str
        For ``"choice"``: the allowed answers, shown when the answer is not one of them.
    min_words : int
        For ``"free"``: the least number of words for a complete answer.
    topics : mapping of str to tuple of str
        For ``"free"``: each topic the answer must touch, with words that count as
        touching it, e.g. ``{"cost": ("cost", "expens", "spend")}``.
    ignore_index : bool
        For ``"frame"`` and ``"series"``: compare values in order and ignore the labels.
    """

    id: str
    kind: str = "number"
    expected: Callable[[Mapping[str, Any]], Any] | None = None
    hint: str = ""
    rtol: float = 1e-4
    atol: float = 0.0
    options: tuple[str, ...] = ()
    min_words: int = 0
    topics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ignore_index: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z]\w*", self.id):
            raise ValueError(f"id must be a short identifier such as 'q3', got {self.id!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.kind != "free" and self.expected is None:
            raise ValueError(f"question {self.id!r}: expected is required for kind {self.kind!r}")
        if self.rtol < 0 or self.atol < 0:
            raise ValueError(f"question {self.id!r}: rtol and atol must be >= 0")
        if self.kind == "choice" and not self.options:
            raise ValueError(f"question {self.id!r}: a 'choice' question needs options")


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer; shows itself as one line of text or HTML."""

    question: str
    status: str
    message: str = ""

    @property
    def done(self) -> bool:
        """True for "correct" and "answered"."""
        return self.status in DONE

    def __str__(self) -> str:
        text = f"{_ICONS[self.status]} {self.question} — {self.status}"
        return f"{text}: {self.message}" if self.message else text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        message = f": {html.escape(self.message)}" if self.message else ""
        return (
            f'<div style="font-family:sans-serif;font-size:14px">{_ICONS[self.status]} '
            f"<b>{html.escape(self.question)}</b> — "
            f'<span style="color:{colour};font-weight:bold">{self.status}</span>{message}</div>'
        )


@dataclass
class _Session:
    notebook: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    expected: dict[str, Any] = field(default_factory=dict)
    results: dict[str, CheckResult] = field(default_factory=dict)


_SESSION = _Session()


def _module_name(notebook: str) -> str:
    stem = notebook.rsplit("/", 1)[-1].removesuffix(".ipynb")
    return "casekit.questions.nb_" + re.sub(r"\W", "_", stem)


def load_questions(notebook: str) -> dict[str, Question]:
    """Return the questions of a notebook, keyed by id.

    Parameters
    ----------
    notebook : str
        The notebook's file name without ``.ipynb``, e.g. ``"01_value_of_relationships"``.

    Raises
    ------
    ValueError
        If casekit has no questions for that notebook.
    """
    if not isinstance(notebook, str) or not notebook.strip():
        raise TypeError(f"notebook must be a notebook name (str), got {notebook!r}")
    name = _module_name(notebook)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        import casekit.questions as package

        known = sorted(
            p.stem.removeprefix("nb_")
            for p in importlib.resources.files(package).iterdir()
            if p.name.startswith("nb_") and p.name.endswith(".py")
        )
        raise ValueError(
            f"notebook {notebook!r} has no questions in casekit; known notebooks: {known}"
        ) from None
    questions = {q.id: q for q in module.QUESTIONS}
    if len(questions) != len(module.QUESTIONS):
        raise ValueError(f"{name}: two questions share an id")
    return questions


def start(notebook: str, **params: Any) -> None:
    """Load the checks of an exercise notebook.

    Parameters
    ----------
    notebook : str
        The notebook's name without ``.ipynb``, e.g. ``"01_value_of_relationships"``.
    **params
        The notebook's parameters (seed, company, ...) that the expected answers depend
        on; pass the same values as the notebook's ``parameters`` cell.
    """
    questions = load_questions(notebook)
    _SESSION.notebook = notebook
    _SESSION.params = dict(params)
    _SESSION.questions = questions
    _SESSION.expected = {}
    _SESSION.results = {}
    print(
        f"Checks loaded for {notebook}: {len(questions)} questions "
        f"({', '.join(questions)}). Run each check cell after your answer."
    )


def results() -> dict[str, CheckResult]:
    """Return the latest verdict for each question checked in this session."""
    return dict(_SESSION.results)


def progress() -> None:
    """Show how many of this notebook's questions are done."""
    if _SESSION.notebook is None:
        print("No exercise notebook started yet: run the ck.start(...) cell at the top.")
        return
    ids = list(_SESSION.questions)
    done = [i for i in ids if i in _SESSION.results and _SESSION.results[i].done]
    marks = " ".join(
        f"{i} {_ICONS[_SESSION.results[i].status] if i in _SESSION.results else '·'}" for i in ids
    )
    print(f"{len(done)} of {len(ids)} questions done in {_SESSION.notebook}.  {marks}")


def check(question_id: str, answer: Any) -> None:
    """Check one answer and show the verdict. Never raises.

    Parameters
    ----------
    question_id : str
        The question's id, e.g. ``"q3"``.
    answer : any
        The learner's answer. ``...`` (the placeholder) means not attempted.
    """
    try:
        result = _check(question_id, answer)
    except Exception as exc:  # a check must never interrupt the learner
        result = CheckResult(
            _label(question_id), "error", f"the check itself failed ({type(exc).__name__})"
        )
    if result.question in _SESSION.questions:
        _SESSION.results[result.question] = result
    _show(result)


def _label(question_id: Any) -> str:
    """The question id as a short label; never raises, whatever ``question_id`` is."""
    if isinstance(question_id, str):
        return question_id[:40]
    try:
        return str(question_id)[:40]
    except Exception:
        return f"<a {type(question_id).__name__}>"


def _check(question_id: Any, answer: Any) -> CheckResult:
    if _SESSION.notebook is None:
        return CheckResult(
            _label(question_id),
            "error",
            "no questions loaded: run the ck.start(...) cell at the top of the notebook first",
        )
    if not isinstance(question_id, str) or question_id not in _SESSION.questions:
        return CheckResult(
            _label(question_id),
            "error",
            f"unknown question; this notebook has {', '.join(_SESSION.questions)}",
        )
    question = _SESSION.questions[question_id]
    if question.kind != "free" and question_id not in _SESSION.expected:
        try:
            _SESSION.expected[question_id] = question.expected(_SESSION.params)
        except Exception as exc:
            return CheckResult(
                question_id,
                "error",
                f"could not compute the expected answer ({exc!r}); please tell your instructor",
            )
    return evaluate(question, answer, _SESSION.expected.get(question_id))


def evaluate(question: Question, answer: Any, expected: Any) -> CheckResult:
    """Judge ``answer`` against ``expected`` for ``question``. Never raises."""
    if answer is Ellipsis:
        return CheckResult(question.id, "not attempted", "replace the ... with your answer")
    try:
        ok, message = _COMPARERS[question.kind](answer, expected, question)
    except OverflowError:
        ok, message = (
            False,
            "a number in your answer is too large to compare: check the calculation",
        )
    except Exception as exc:
        ok, message = (
            False,
            f"could not compare your answer with the expected one ({type(exc).__name__}): "
            "check its type and shape",
        )
    if ok:
        if question.kind == "free":
            return CheckResult(question.id, "answered", message)
        return CheckResult(question.id, "correct", message)
    hint = " ".join(part for part in (message, question.hint) if part)
    return CheckResult(question.id, "not yet", hint)


# --- comparers: each returns (ok, message) ------------------------------------------------


def _describe(value: Any) -> str:
    """A short, safe description of a value's type (never the whole value)."""
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame of shape {value.shape}"
    if isinstance(value, pd.Series):
        return f"a Series of {len(value)} values"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple, set, dict)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def _is_missing(value: Any) -> bool:
    """True for None, ``pd.NA`` and ``pd.NaT`` (a missing value that is not a float NaN)."""
    return value is None or value is pd.NA or value is pd.NaT


def _as_number(value: Any) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (numbers.Real, Decimal)):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and np.issubdtype(value.dtype, np.number):
        return float(value.reshape(-1)[0])
    if isinstance(value, (pd.Series, pd.DataFrame)) and value.size == 1:
        item = value.to_numpy().reshape(-1)[0]
        return _as_number(item)
    return None


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * abs(b)


def _compare_number(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    if _is_missing(answer):
        return False, "your answer is a missing value (None or NA), not a number"
    value = _as_number(answer)
    if value is None:
        if isinstance(answer, str):
            return False, "give a number, not text (no quotes, no currency sign or commas)"
        return False, f"expected a single number, got {_describe(answer)}"
    target = float(expected)
    if math.isnan(value):
        return False, "your answer is NaN: a missing value crept into the calculation"
    if math.isinf(value):
        return False, "your answer is infinite: look for a division by zero"
    if _close(value, target, q.rtol, q.atol):
        return True, ""
    for factor, slip in ((100, "a percentage vs a fraction"), (12, "months vs years")):
        if target != 0 and (
            _close(value, target * factor, q.rtol, q.atol)
            or _close(value, target / factor, q.rtol, q.atol)
        ):
            return False, f"close, but off by a factor of {factor}: check {slip}."
    if target != 0 and _close(value, -target, q.rtol, q.atol):
        return False, "right size, wrong sign."
    direction = "too high" if value > target else "too low"
    return False, f"your answer is {direction}."


def _normalise(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _compare_text(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    if not isinstance(answer, str):
        return False, f"expected text (a str), got {_describe(answer)}"
    accepted = (expected,) if isinstance(expected, str) else tuple(expected)
    return _normalise(answer) in {_normalise(e) for e in accepted}, ""


def _compare_choice(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    if not isinstance(answer, str):
        return False, f"expected one of {list(q.options)}, got {_describe(answer)}"
    if _normalise(answer) not in {_normalise(o) for o in q.options}:
        return False, f"choose one of {list(q.options)}"
    return _normalise(answer) == _normalise(expected), ""


def _compare_bool(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    if not isinstance(answer, (bool, np.bool_)):
        return False, f"expected True or False, got {_describe(answer)}"
    return bool(answer) == bool(expected), ""


def _items(value: Any) -> list[Any] | None:
    """The items of a list-like answer, or None if it is not one or has too many.

    At most ``MAX_ITEMS + 1`` items are read, so an endless iterator (``itertools.count()``)
    or a huge ``range`` is refused without being built in memory.
    """
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        return None
    if isinstance(value, pd.DataFrame):
        return None
    items = list(itertools.islice(value, MAX_ITEMS + 1))
    if len(items) > MAX_ITEMS:
        return None
    return [_normalise(v) if isinstance(v, str) else v for v in items]


def _not_a_list(answer: Any, wanted: str) -> str:
    if isinstance(answer, Iterable) and not isinstance(answer, (str, bytes, dict, pd.DataFrame)):
        return f"your answer has more than {MAX_ITEMS:,} items; {wanted} is much shorter"
    return f"expected {wanted}, got {_describe(answer)}"


def _compare_set(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    items = _items(answer)
    if items is None:
        return False, _not_a_list(answer, "a list or set of items")
    given = set(items)
    wanted = set(_items(expected) or [])
    if given == wanted:
        return True, ""
    right = len(given & wanted)
    extra = len(given - wanted)
    return False, f"{right} of {len(wanted)} expected items found; {extra} that do not belong."


def _compare_sequence(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    items = _items(answer)
    if items is None:
        return False, _not_a_list(answer, "a list in order")
    wanted = _items(expected) or []
    if len(items) != len(wanted):
        return False, f"expected {len(wanted)} items, got {len(items)}."
    for position, (a, e) in enumerate(zip(items, wanted, strict=True), start=1):
        same = (
            _close(float(a), float(e), q.rtol, q.atol)
            if _as_number(a) is not None and _as_number(e) is not None
            else a == e
        )
        if not same:
            return False, f"the items match up to position {position - 1}, not after."
    return True, ""


def _compare_series(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if not isinstance(answer, pd.Series):
        return False, f"expected a pandas Series, got {_describe(answer)}"
    if len(answer) != len(expected):
        return False, f"expected {len(expected)} values, got {len(answer)}."
    if q.ignore_index:
        answer = answer.reset_index(drop=True)
        expected = expected.reset_index(drop=True)
    else:
        if set(map(str, answer.index)) != set(map(str, expected.index)):
            return False, "the labels (index) are not the expected ones."
        answer = answer.set_axis(answer.index.map(str)).sort_index()
        expected = expected.set_axis(expected.index.map(str)).sort_index()
    return _same_values(answer.to_frame("v"), expected.to_frame("v"), q)


def _compare_frame(answer: Any, expected: pd.DataFrame, q: Question) -> tuple[bool, str]:
    if not isinstance(answer, pd.DataFrame):
        return False, f"expected a pandas DataFrame, got {_describe(answer)}"
    if answer.shape != expected.shape:
        return False, f"expected shape {expected.shape}, got {answer.shape}."
    missing = [c for c in expected.columns if c not in answer.columns]
    if missing:
        return False, f"missing column(s): {[str(c) for c in missing]}."
    answer = answer[list(expected.columns)]
    if q.ignore_index:
        answer = answer.reset_index(drop=True)
        expected = expected.reset_index(drop=True)
    else:
        if set(map(str, answer.index)) != set(map(str, expected.index)):
            return False, "the row labels (index) are not the expected ones."
        answer = answer.set_axis(answer.index.map(str)).sort_index()
        expected = expected.set_axis(expected.index.map(str)).sort_index()
    return _same_values(answer, expected, q)


def _same_values(answer: pd.DataFrame, expected: pd.DataFrame, q: Question) -> tuple[bool, str]:
    for column in expected.columns:
        a, e = answer[column], expected[column]
        if pd.api.types.is_numeric_dtype(e) and not pd.api.types.is_bool_dtype(e):
            a_num = pd.to_numeric(a, errors="coerce").to_numpy(dtype=float)
            e_num = e.to_numpy(dtype=float)
            ok = np.allclose(a_num, e_num, rtol=q.rtol, atol=q.atol, equal_nan=True)
        else:
            ok = [_normalise(x) for x in a.astype(str)] == [_normalise(x) for x in e.astype(str)]
        if not ok:
            where = "" if column == "v" else f" in column {column!r}"
            return False, f"some values differ{where}."
    return True, ""


def _compare_free(answer: Any, expected: Any, q: Question) -> tuple[bool, str]:
    if not isinstance(answer, str):
        return False, f"write your answer as text in quotes, got {_describe(answer)}"
    words = len(answer.split())
    if words < q.min_words:
        return False, f"a little short: aim for at least {q.min_words} words (you have {words})."
    text = answer.casefold()
    missing = [topic for topic, cues in q.topics.items() if not any(c in text for c in cues)]
    if missing:
        return False, f"your answer does not yet say anything about: {', '.join(missing)}."
    return True, "compare it with the model answer in the solutions."


_COMPARERS: dict[str, Callable[[Any, Any, Question], tuple[bool, str]]] = {
    "number": _compare_number,
    "text": _compare_text,
    "choice": _compare_choice,
    "bool": _compare_bool,
    "set": _compare_set,
    "sequence": _compare_sequence,
    "series": _compare_series,
    "frame": _compare_frame,
    "free": _compare_free,
}


def _show(result: CheckResult) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(result)
        return
    if get_ipython() is None:
        print(result)
    else:
        display(result)

"""casekit.checks: verdicts for every kind of answer, and it never raises."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casekit import checks
from casekit.checks import Question, evaluate


def status(question: Question, answer, expected) -> str:
    return evaluate(question, answer, expected).status


NUMBER = Question("q1", expected=lambda p: 220_800, rtol=1e-6, hint="price x visits x months")


class TestNumber:
    def test_correct_int_float_numpy(self) -> None:
        for answer in (220_800, 220_800.0, np.float64(220_800), np.int64(220_800)):
            assert status(NUMBER, answer, 220_800) == "correct"

    def test_within_tolerance(self) -> None:
        q = Question("q1", expected=lambda p: 1.0, rtol=0.01)
        assert status(q, 1.009, 1.0) == "correct"
        assert status(q, 1.011, 1.0) == "not yet"

    def test_placeholder_is_not_attempted(self) -> None:
        assert status(NUMBER, ..., 220_800) == "not attempted"

    def test_wrong_is_not_yet_with_direction_and_hint(self) -> None:
        result = evaluate(NUMBER, 100, 220_800)
        assert result.status == "not yet"
        assert "too low" in result.message and "price x visits" in result.message
        assert "220" not in result.message, "the hint must not give the answer away"

    def test_common_slips(self) -> None:
        assert "factor of 12" in evaluate(NUMBER, 220_800 / 12, 220_800).message
        assert "factor of 100" in evaluate(NUMBER, 2_208, 220_800).message
        assert "sign" in evaluate(NUMBER, -220_800, 220_800).message

    def test_text_nan_bool_and_shapes(self) -> None:
        assert "not text" in evaluate(NUMBER, "220,800", 220_800).message
        assert "NaN" in evaluate(NUMBER, math.nan, 220_800).message
        assert evaluate(NUMBER, True, 220_800).status == "not yet"
        assert "Series of 3" in evaluate(NUMBER, pd.Series([1, 2, 3]), 220_800).message
        assert status(NUMBER, pd.Series([220_800]), 220_800) == "correct"
        assert status(NUMBER, np.array([220_800.0]), 220_800) == "correct"


class TestText:
    def test_case_and_space_insensitive(self) -> None:
        q = Question("q2", kind="text", expected=lambda p: "Post-transaction")
        assert status(q, "  post-TRANSACTION ", "Post-transaction") == "correct"
        assert status(q, "post  transaction", "Post-transaction") == "not yet"

    def test_several_accepted(self) -> None:
        q = Question("q2", kind="text", expected=lambda p: ("pre", "pre-transaction"))
        assert status(q, "PRE", ("pre", "pre-transaction")) == "correct"

    def test_choice_outside_options(self) -> None:
        q = Question("q2", kind="choice", expected=lambda p: "b", options=("a", "b"))
        result = evaluate(q, "c", "b")
        assert result.status == "not yet" and "choose one of" in result.message
        assert status(q, "B", "b") == "correct"


class TestCollections:
    def test_set_ignores_order_and_case(self) -> None:
        q = Question("q3", kind="set", expected=lambda p: {"a", "b"})
        assert status(q, ["B", "a"], {"a", "b"}) == "correct"
        result = evaluate(q, ["a", "c"], {"a", "b"})
        assert result.status == "not yet" and "1 of 2" in result.message

    def test_sequence_keeps_order(self) -> None:
        q = Question("q3", kind="sequence", expected=lambda p: [1, 2, 3])
        assert status(q, (1.0, 2.0, 3.0), [1, 2, 3]) == "correct"
        assert status(q, [1, 3, 2], [1, 2, 3]) == "not yet"

    def test_series_compares_values_not_dtypes(self) -> None:
        expected = pd.Series([1, 2], index=["x", "y"], dtype="int64")
        q = Question("q4", kind="series", expected=lambda p: expected)
        assert status(q, pd.Series([2.0, 1.0], index=["y", "x"], name="n"), expected) == "correct"
        assert status(q, pd.Series([1, 3], index=["x", "y"]), expected) == "not yet"
        assert "labels" in evaluate(q, pd.Series([1, 2], index=["a", "b"]), expected).message

    def test_frame(self) -> None:
        expected = pd.DataFrame({"a": [1, 2], "b": ["u", "v"]})
        q = Question("q5", kind="frame", expected=lambda p: expected)
        answer = pd.DataFrame({"b": ["u", "v"], "a": [1.0, 2.0]})
        assert status(q, answer, expected) == "correct"
        assert "missing column" in evaluate(q, answer[["b"]].assign(c=1), expected).message
        assert "shape" in evaluate(q, answer.iloc[:1], expected).message


class TestFree:
    def test_needs_length_and_topics(self) -> None:
        q = Question("q6", kind="free", min_words=5, topics={"cost": ("cost", "spend")})
        assert status(q, "too short", None) == "not yet"
        long_enough = "we should keep the customers we have"
        result = evaluate(q, long_enough, None)
        assert result.status == "not yet" and "cost" in result.message
        assert status(q, long_enough + " because it costs less", None) == "answered"


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(),
        st.lists(st.integers()),
        st.dictionaries(st.text(), st.integers()),
        st.binary(),
    )
)
def test_never_raises_on_any_answer(answer) -> None:
    for kind, expected in (
        ("number", 3.0),
        ("text", "x"),
        ("bool", True),
        ("set", {"a"}),
        ("sequence", [1, 2]),
        ("series", pd.Series([1.0])),
        ("frame", pd.DataFrame({"a": [1]})),
        ("free", None),
    ):
        compute = None if kind == "free" else (lambda p, e=expected: e)
        q = Question("q1", kind=kind, expected=compute)
        assert evaluate(q, answer, expected).status in checks.STATUSES


def test_huge_object_is_described_not_printed() -> None:
    big = pd.DataFrame(np.zeros((100_000, 5)))
    result = evaluate(NUMBER, big, 1.0)
    assert result.status == "not yet" and len(str(result)) < 300


def test_question_validation() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        Question("q1", kind="essay", expected=lambda p: 1)
    with pytest.raises(ValueError, match="expected is required"):
        Question("q1", kind="number")
    with pytest.raises(ValueError, match="short identifier"):
        Question("1 q", expected=lambda p: 1)


class TestSession:
    def test_check_before_start_explains(self, capsys, monkeypatch) -> None:
        monkeypatch.setattr(checks, "_SESSION", checks._Session())
        checks.check("q1", 3)
        assert "ck.start" in capsys.readouterr().out

    def test_unknown_notebook(self) -> None:
        with pytest.raises(ValueError, match="known notebooks"):
            checks.load_questions("99_nothing_here")

    def test_flow_with_a_real_question_module(self, capsys, monkeypatch) -> None:
        monkeypatch.setattr(checks, "_SESSION", checks._Session())
        names = checks.load_questions("01_value_of_relationships")
        checks.start("01_value_of_relationships")
        first = next(iter(names))
        checks.check(first, ...)
        checks.check("nope", 1)
        checks.progress()
        out = capsys.readouterr().out
        assert "not attempted" in out and "unknown question" in out
        assert f"0 of {len(names)} questions done" in out
        assert checks.results()[first].status == "not attempted"


class TestNeverHangs:
    """Answers that are endless, huge or odd get a verdict quickly, never an exception."""

    SET = Question("q1", kind="set", expected=lambda p: {"a", "b"})
    SEQ = Question("q1", kind="sequence", expected=lambda p: [1, 2])

    def test_endless_iterator_is_refused_without_reading_it_all(self) -> None:
        import itertools

        for q, expected in ((self.SET, {"a", "b"}), (self.SEQ, [1, 2])):
            result = evaluate(q, itertools.count(), expected)
            assert result.status == "not yet"
            assert "more than 100,000 items" in result.message

    def test_huge_range_is_not_materialised(self) -> None:
        # list(range(10**12)) would need terabytes; reading stops after MAX_ITEMS + 1.
        result = evaluate(self.SET, range(10**12), {"a", "b"})
        assert result.status == "not yet" and "more than" in result.message

    def test_reads_at_most_one_item_past_the_limit(self) -> None:
        taken = []

        def counting():
            for i in range(10 * checks.MAX_ITEMS):
                taken.append(i)
                yield i

        evaluate(self.SEQ, counting(), [1, 2])
        assert len(taken) == checks.MAX_ITEMS + 1

    def test_exactly_at_the_limit_is_still_compared(self) -> None:
        result = evaluate(self.SEQ, range(checks.MAX_ITEMS), [1, 2])
        assert result.message == f"expected 2 items, got {checks.MAX_ITEMS}."

    def test_question_id_whose_str_raises(self, capsys, monkeypatch) -> None:
        class Nasty:
            def __str__(self) -> str:
                raise RuntimeError("no")

            __repr__ = __str__

        for session in (checks._Session(), checks._Session(notebook="x", questions={})):
            monkeypatch.setattr(checks, "_SESSION", session)
            checks.check(Nasty(), 3)
            assert "<a Nasty>" in capsys.readouterr().out

    def test_missing_decimal_and_overflow(self) -> None:
        from decimal import Decimal

        assert "missing value" in evaluate(NUMBER, pd.NA, 220_800).message
        assert "missing value" in evaluate(NUMBER, None, 220_800).message
        assert status(NUMBER, Decimal("220800"), 220_800) == "correct"
        assert "too low" in evaluate(NUMBER, Decimal("3"), 220_800).message
        assert "too large" in evaluate(NUMBER, 10**400, 220_800).message
        assert "infinite" in evaluate(NUMBER, math.inf, 220_800).message
        assert "too large" in evaluate(self.SEQ, [10**400, 2], [1, 2]).message

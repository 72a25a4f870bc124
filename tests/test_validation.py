"""casekit.validation: messages name the parameter, the value and what is allowed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from casekit import validation as v


def test_check_number_ranges() -> None:
    assert v.check_number("x", np.int64(3), minimum=0) == 3.0
    with pytest.raises(ValueError, match=r"x must be in \(0, 1\], got 0"):
        v.check_number("x", 0, minimum=0, maximum=1, min_inclusive=False)
    with pytest.raises(ValueError, match="x must be <= 5"):
        v.check_number("x", 6, maximum=5)
    with pytest.raises(TypeError, match="x must be a number, got bool"):
        v.check_number("x", True)


def test_check_fraction_hints_at_percentages() -> None:
    with pytest.raises(ValueError, match=r"write 0\.9 for 90 %"):
        v.check_fraction("retention", 90)
    assert v.check_fraction("share", 1.0, allow_one=True) == 1.0


def test_check_integer() -> None:
    assert v.check_integer("n", 4.0) == 4
    with pytest.raises(TypeError, match="whole number"):
        v.check_integer("n", 4.5)


def test_check_one_of() -> None:
    with pytest.raises(ValueError, match=r"policy must be one of \['a', 'b'\], got 'c'"):
        v.check_one_of("policy", "c", ["a", "b"])


def test_columns_empty_and_dates() -> None:
    frame = pd.DataFrame({"when": ["2024-01-31", "2024-02-29"], "amount": [1, 2]})
    with pytest.raises(ValueError, match=r"missing column\(s\) \['customer'\]"):
        v.check_columns("transactions", frame, ["customer", "amount"])
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        v.check_columns("transactions", [1, 2], ["a"])
    with pytest.raises(ValueError, match="is empty"):
        v.check_nonempty("transactions", frame.iloc[:0])
    assert v.as_datetime_column("transactions", frame, "when").dt.month.tolist() == [1, 2]
    with pytest.raises(TypeError, match="must hold dates"):
        v.as_datetime_column("transactions", frame, "amount")


def test_check_array_keeps_shape_and_names_the_problem() -> None:
    assert v.check_array("load", 3).shape == ()
    assert v.check_array("load", [[1, 2], [3, 4]]).shape == (2, 2)
    with pytest.raises(TypeError, match="load must be a number or an array of numbers"):
        v.check_array("load", "ten")
    with pytest.raises(TypeError, match="got dict"):
        v.check_array("load", {"a": 1})
    with pytest.raises(ValueError, match="load must not be empty"):
        v.check_array("load", [])
    with pytest.raises(ValueError, match=r"finite numbers .* found nan"):
        v.check_array("load", [1.0, np.nan])
    with pytest.raises(ValueError, match="agents must be >= 1, got 0"):
        v.check_array("agents", [2, 0], minimum=1)
    with pytest.raises(ValueError, match=r"agents must hold whole numbers, got 2\.5"):
        v.check_array("agents", [2.5], integer=True)


def test_column_checks() -> None:
    frame = pd.DataFrame({"ok": [1, 0, 1], "score": [1, 5, 3], "wait": [2.0, np.nan, 1.0]})
    assert v.flag_column("log", frame, "ok").tolist() == [True, False, True]
    with pytest.raises(TypeError, match=r"log\['score'\] must hold yes/no values"):
        v.flag_column("log", frame, "score")
    with pytest.raises(ValueError, match=r"log\['wait'\] has 1 missing value"):
        v.numeric_column("log", frame, "wait")
    with pytest.raises(ValueError, match=r"whole scores from 1 to 4, found 5"):
        v.score_column("log", frame, "score", 1, 4)
    assert v.score_column("log", frame, "score", 1, 5).sum() == 9

"""Input checks shared by casekit's functions.

Every public function validates its inputs with these helpers, so that a learner's
mistake gets one clear message that names the parameter, the value received and what is
allowed, instead of a silent NaN or a traceback from deep inside pandas.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "as_datetime_column",
    "check_array",
    "check_columns",
    "check_day",
    "check_fraction",
    "check_integer",
    "check_no_missing",
    "check_nonempty",
    "check_number",
    "check_one_of",
    "flag_column",
    "numeric_column",
    "score_column",
]


def check_number(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float after checking that it is a finite number in range.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (bools are refused too).
    ValueError
        If ``value`` is NaN, infinite or outside the allowed range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    low_ok = minimum is None or (number >= minimum if min_inclusive else number > minimum)
    high_ok = maximum is None or (number <= maximum if max_inclusive else number < maximum)
    if not (low_ok and high_ok):
        left = "" if minimum is None else f"{'[' if min_inclusive else '('}{minimum:g}"
        right = "" if maximum is None else f"{maximum:g}{']' if max_inclusive else ')'}"
        if minimum is None:
            allowed = f"{'<=' if max_inclusive else '<'} {maximum:g}"
        elif maximum is None:
            allowed = f"{'>=' if min_inclusive else '>'} {minimum:g}"
        else:
            allowed = f"in {left}, {right}"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return number


def check_array(
    name: str, value: Any, *, minimum: float | None = None, integer: bool = False
) -> np.ndarray:
    """Return a number or an array-like of numbers as a float array of the same shape.

    A single number becomes a 0-d array, so callers can broadcast it with others.

    Raises
    ------
    TypeError
        If ``value`` is text, None, or anything that is not numbers.
    ValueError
        If it is empty, holds NaN or infinity, a value below ``minimum``, or (with
        ``integer``) a value that is not a whole number.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {type(value).__name__}"
        ) from None
    if array.size == 0:
        raise ValueError(f"{name} must not be empty: give at least one number")
    finite = np.isfinite(array)
    if not finite.all():
        bad = array[~finite].flat[0]
        raise ValueError(
            f"{name} must hold finite numbers (no NaN or infinity), found {float(bad)!r}"
        )
    if minimum is not None and (array < minimum).any():
        raise ValueError(f"{name} must be >= {minimum:g}, got {array[array < minimum].flat[0]:g}")
    if integer and (array != np.round(array)).any():
        bad = array[array != np.round(array)].flat[0]
        raise ValueError(f"{name} must hold whole numbers, got {bad:g}")
    return array


def check_fraction(name: str, value: Any, *, allow_one: bool = False) -> float:
    """Return ``value`` checked to be a fraction in [0, 1) (or [0, 1] with ``allow_one``).

    Rates such as retention are fractions: 0.8 means 80 %. A value from 2 to 100 gets a
    hint that it may have been given as a percentage; a value between 1 and 2 (such as
    1.2) is more likely a slip than a rate of 1.2 %, so it gets no such guess.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and 1 < value <= 100:
        interval = f"[0, {'1]' if allow_one else '1)'}"
        if value < 2:
            raise ValueError(
                f"{name} must be a fraction in {interval}, got {value!r}; "
                "0.8 means 80 %, and a rate cannot be above 1 (100 %)"
            )
        raise ValueError(
            f"{name} must be a fraction in {interval}, got {value!r}; "
            f"write {value / 100:g} for {value:g} %"
        )
    return check_number(name, value, minimum=0.0, maximum=1.0, max_inclusive=allow_one)


def check_integer(name: str, value: Any, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int after checking it is a whole number >= ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_one_of(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` after checking that it is one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def check_day(name: str, value: Any) -> pd.Timestamp:
    """Return ``value`` as a calendar day (midnight), or raise a clear error.

    Dates, datetimes and ISO text such as ``"2024-12-31"`` are accepted. Numbers are
    refused rather than read as nanoseconds since 1970 (``2024`` is not a year here), and
    so are dates with a time zone, since casekit's tables hold local dates without one.

    Raises
    ------
    TypeError
        If ``value`` is a number or cannot be read as a date.
    ValueError
        If ``value`` is missing (NaT) or carries a time zone.
    """
    if isinstance(value, (bool, np.bool_, numbers.Number)):
        raise TypeError(f"{name} must be a date such as '2024-12-31', got {value!r}")
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a date such as '2024-12-31', got {value!r}") from None
    if pd.isna(day):
        raise ValueError(f"{name} must be a date, got {value!r}")
    if day.tzinfo is not None:
        raise ValueError(
            f"{name} must be a date without a time zone (the data's dates are local), got "
            f"{value!r}; drop it with .tz_localize(None)"
        )
    return day.normalize()


def check_columns(name: str, frame: Any, columns: Iterable[str]) -> pd.DataFrame:
    """Return ``frame`` after checking it is a DataFrame holding ``columns``.

    Raises
    ------
    TypeError
        If ``frame`` is not a pandas DataFrame.
    ValueError
        If columns are missing; the message names them and the columns present.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing column(s) {missing}; it has {[str(c) for c in frame.columns]}"
        )
    return frame


def check_nonempty(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` after checking that it has at least one row."""
    if len(frame) == 0:
        raise ValueError(f"{name} is empty: it needs at least one row")
    return frame


def as_datetime_column(name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """Return ``frame[column]`` as datetimes, or raise a clear error if it is not dates.

    Strings in ISO format (``"2024-03-31"``) are converted; anything else that is not
    already a datetime column is refused rather than guessed.
    """
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
        try:
            return pd.to_datetime(values, format="ISO8601")
        except (ValueError, TypeError):
            pass
    raise TypeError(
        f"{name}[{column!r}] must hold dates (datetime64 or ISO strings such as "
        f"'2024-03-31'), got dtype {values.dtype}"
    )


def check_no_missing(name: str, frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise a clear error if any of ``columns`` of ``frame`` has missing values."""
    for column in columns:
        missing = int(frame[column].isna().sum())
        if missing:
            raise ValueError(
                f"{name}[{column!r}] has {missing} missing value(s); filter those rows out "
                f"first (for example orders not yet delivered) or fill them explicitly"
            )


def flag_column(name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """A yes/no column as booleans (accepts bool, 0/1)."""
    values = frame[column]
    check_no_missing(name, frame, [column])
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    if pd.api.types.is_numeric_dtype(values) and values.isin([0, 1]).all():
        return values.astype(bool)
    raise TypeError(
        f"{name}[{column!r}] must hold yes/no values (True/False or 1/0), got dtype "
        f"{values.dtype} with values such as {values.iloc[:3].tolist()}"
    )


def numeric_column(
    name: str, frame: pd.DataFrame, column: str, minimum: float | None = None
) -> pd.Series:
    """``frame[column]`` as floats, checked numeric, complete and >= ``minimum``."""
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(f"{name}[{column!r}] must be numeric, got dtype {values.dtype}")
    check_no_missing(name, frame, [column])
    if minimum is not None and (values < minimum).any():
        low = values[values < minimum].iloc[0]
        raise ValueError(f"{name}[{column!r}] must be >= {minimum:g}, found {float(low):g}")
    return values.astype(float)


def score_column(name: str, frame: pd.DataFrame, column: str, low: int, high: int) -> pd.Series:
    """``frame[column]`` checked to hold whole scores from ``low`` to ``high``."""
    values = numeric_column(name, frame, column)
    bad = (values < low) | (values > high) | (values != np.round(values))
    if bad.any():
        raise ValueError(
            f"{name}[{column!r}] must hold whole scores from {low} to {high}, found "
            f"{float(values[bad].iloc[0]):g}"
        )
    return values

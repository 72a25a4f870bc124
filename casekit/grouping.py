"""Grouping helpers shared by the measures of service quality and complaint handling.

A measure is computed over all rows (one number) or per group of one or more columns
(a Series indexed by the groups); these two helpers give every measure the same ``by``
argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["group_keys", "summarise"]


def group_keys(by: str | Sequence[str] | None) -> list[str]:
    """The ``by`` argument as a list of column names (empty for "all rows")."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    keys = list(by)
    if not all(isinstance(k, str) for k in keys):
        raise TypeError(f"by must be a column name or a list of column names, got {by!r}")
    return keys


def summarise(
    values: pd.Series, frame: pd.DataFrame, by: str | Sequence[str] | None, how: Any, label: str
) -> float | pd.Series:
    """Aggregate ``values`` over all rows (a float) or per group of ``by`` (a Series)."""
    keys = group_keys(by)
    if not keys:
        return float(values.agg(how))
    grouped = values.groupby([frame[k] for k in keys], observed=True, sort=True).agg(how)
    return grouped.astype(float).rename(label)

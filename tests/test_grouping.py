"""casekit.grouping: one ``by`` argument for every measure."""

from __future__ import annotations

import pandas as pd
import pytest

from casekit.grouping import group_keys, summarise


def test_group_keys() -> None:
    assert group_keys(None) == []
    assert group_keys("channel") == ["channel"]
    assert group_keys(("a", "b")) == ["a", "b"]
    with pytest.raises(TypeError, match="by must be a column name"):
        group_keys(["a", 3])


def test_summarise_all_rows_and_by_group() -> None:
    frame = pd.DataFrame({"g": ["x", "y", "x"], "v": [1.0, 4.0, 3.0]})
    assert summarise(frame["v"], frame, None, "mean", "m") == pytest.approx(8 / 3)
    by_group = summarise(frame["v"], frame, "g", "mean", "m")
    assert by_group.name == "m" and by_group.to_dict() == {"x": 2.0, "y": 4.0}

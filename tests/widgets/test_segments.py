"""The RFM explorer, driven from Python as a learner would drive it."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from casekit import charts, datasets, segments
from casekit.widgets import chart_bundle
from casekit.widgets.segments import SegmentExplorer

KEY = "course-demo-key-not-secret"


@cache
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    return segments.analysis_tables(
        datasets.load("cedar_customers"),
        datasets.load("cedar_transactions"),
        key=KEY,
        as_of="2024-12-31",
    )


@pytest.fixture
def explorer() -> SegmentExplorer:
    people, purchases = _tables()
    return SegmentExplorer(purchases, people)


def test_initial_state_matches_the_pure_functions(explorer: SegmentExplorer) -> None:
    _, purchases = _tables()
    table = segments.rfm(purchases, "2024-12-31", date_col="timestamp", amount_col="spend")
    scored = segments.rfm_scores(table)
    summary = segments.segment_summary(scored.assign(segment=segments.assign_segments(scored)))
    pd.testing.assert_frame_equal(explorer.table, summary)
    assert f"{summary.loc['champions', 'customers']:,}" in explorer.summary.value
    assert "31 December 2024" in explorer.summary.value
    assert chart_bundle(explorer.chart)["$schema"].endswith("vega/v5.json")


def test_moving_the_date_back_shrinks_the_base_and_redraws(explorer: SegmentExplorer) -> None:
    before_text, before_chart = explorer.summary.value, chart_bundle(explorer.chart)
    day = pd.Timestamp("2022-12-31")
    explorer.as_of.value = day
    assert explorer.summary.value != before_text
    assert "31 December 2022" in explorer.summary.value
    assert chart_bundle(explorer.chart) != before_chart
    _, purchases = _tables()
    known = purchases.loc[purchases["timestamp"] < "2023-01-01", "customer_id"].nunique()
    assert explorer.table["customers"].sum() == known
    assert len(explorer.scored) == known


def test_switching_the_scheme_rescores(explorer: SegmentExplorer) -> None:
    quantile = explorer.scored[["R", "F", "M"]].copy()
    explorer.scheme.value = "fixed"
    expected = segments.rfm_scores(explorer.scored[["recency", "frequency", "monetary"]], "fixed")
    assert (explorer.scored[["R", "F", "M"]] == expected[["R", "F", "M"]]).all().all()
    assert not (explorer.scored[["R", "F", "M"]] == quantile).all().all()
    assert "fixed thresholds" in explorer.summary.value


def test_the_chart_carries_the_click_selection_and_every_profile(explorer: SegmentExplorer) -> None:
    vega = json.dumps(chart_bundle(explorer.chart))
    assert "pick_store" in vega and "vlSelectionTest" in vega
    assert set(explorer.profile["segment"]) == set(explorer.table.index)
    assert "image/svg+xml" not in explorer.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in explorer.chart.outputs[0]["data"]


def test_people_must_cover_every_customer() -> None:
    people, purchases = _tables()
    with pytest.raises(ValueError, match="people has no row for 1 customer"):
        SegmentExplorer(purchases, people.iloc[1:])


def test_an_unknown_scheme_is_refused() -> None:
    people, purchases = _tables()
    with pytest.raises(ValueError, match="scheme must be one of"):
        SegmentExplorer(purchases, people, scheme="deciles")

"""The RFM explorer, driven from Python as a learner would drive it."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from casekit import charts, datasets, privacy, segments
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


@cache
def _dated() -> tuple[pd.Series, pd.Series]:
    """Club join dates and birth dates, indexed by the same pseudonyms as people."""
    customers = datasets.load("cedar_customers")
    index = pd.Index(privacy.pseudonym(customers["customer_id"], KEY, prefix="P"))
    return (
        pd.Series(customers["club_member_since"].to_numpy(), index=index),
        pd.Series(customers["birth_date"].to_numpy(), index=index),
    )


@pytest.fixture
def explorer() -> SegmentExplorer:
    people, purchases = _tables()
    club_since, birth_dates = _dated()
    return SegmentExplorer(purchases, people, club_since=club_since, birth_dates=birth_dates)


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


def test_the_profile_is_as_of_the_chosen_day(explorer: SegmentExplorer) -> None:
    # people built independently as of the end of 2022: club members, habits and age
    # bands as they were then, not as they are at the end of 2024
    day = "2022-12-31"
    then, purchases = segments.analysis_tables(
        datasets.load("cedar_customers"), datasets.load("cedar_transactions"), key=KEY, as_of=day
    )
    table = segments.rfm(purchases, day, date_col="timestamp", amount_col="spend")
    scored = segments.rfm_scores(table)
    then = then.loc[scored.index].assign(segment=segments.assign_segments(scored))
    expected = segments.segment_profile(then)
    explorer.as_of.value = pd.Timestamp(day)
    pd.testing.assert_frame_equal(explorer.profile, expected)
    # the leak this guards against: at the end of 2024 far more "new" customers are members
    members = explorer.profile.query("attribute == 'club_member' and value == 'member'")
    assert members.set_index("segment").loc["new", "share"] < 0.2


def test_dated_columns_without_a_source_are_left_out() -> None:
    people, purchases = _tables()
    explorer = SegmentExplorer(purchases, people)
    assert explorer.left_out == ["club_member", "age_band"]
    assert not explorer.profile["attribute"].isin(["club_member", "age_band"]).any()
    assert "preferred_channel" in set(explorer.profile["attribute"])
    assert "left out, not known for earlier days: club_member, age_band" in explorer.summary.value


def test_redraws_swap_data_into_the_chart_compiled_before(explorer: SegmentExplorer) -> None:
    # a redraw with the same layout reuses the compiled chart; it must show what a chart
    # compiled afresh from the same table and profile shows
    for day in ["2023-12-31", "2024-06-30", "2022-12-31"]:
        explorer.as_of.value = pd.Timestamp(day)
        fresh = charts.render(segments.explorer_spec(explorer.table, explorer.profile), svg=False)
        assert chart_bundle(explorer.chart) == fresh[charts.VEGA_MIMETYPE]
    explorer.scheme.value = "fixed"
    fresh = charts.render(segments.explorer_spec(explorer.table, explorer.profile), svg=False)
    assert chart_bundle(explorer.chart) == fresh[charts.VEGA_MIMETYPE]
    assert len(explorer._compiled) < 5  # at least one redraw reused a compiled layout


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

"""The selection explorer, driven from Python as a learner would drive it."""

from __future__ import annotations

import pandas as pd
import pytest

from casekit import charts, strategy
from casekit.widgets import chart_bundle
from casekit.widgets.strategy import SelectionExplorer

# The hand-worked two-option example of tests/test_strategy.py: A (4, 2), B (2, 5),
# weights X 0.7 and Y 0.3 -> A 3.4, B 2.9; B draws level when X's share falls to 0.6.
TWO = pd.DataFrame({"X": [4, 2], "Y": [2, 5]}, index=["A", "B"])


@pytest.fixture
def explorer() -> SelectionExplorer:
    return SelectionExplorer()


def test_initial_state_matches_the_pure_functions(explorer: SelectionExplorer) -> None:
    scores, weights = strategy.kestrel_vendor_scores(), strategy.kestrel_weights()
    expected = strategy.weighted_scores(scores, weights)
    assert explorer.result["total"].to_dict() == pytest.approx(expected["total"].to_dict())
    flips = strategy.flip_points(scores, weights)
    flip = flips.loc["ease_of_use", "flip_up"]
    assert f"{flip:.1%}" in explorer.summary.value
    assert flips.loc["ease_of_use", "rival_up"] in explorer.summary.value
    assert "add up to" not in explorer.summary.value  # Kestrel's weights sum to one
    assert chart_bundle(explorer.chart)["$schema"].endswith("vega/v5.json")


def test_moving_a_slider_updates_ranking_note_and_chart(explorer: SelectionExplorer) -> None:
    before_text, before_chart = explorer.summary.value, chart_bundle(explorer.chart)
    explorer.sliders["ease_of_use"].value = 0.40
    assert explorer.summary.value != before_text
    assert chart_bundle(explorer.chart) != before_chart
    # the sliders now add up to 125 %: the summary says so and the ranking uses shares
    assert "add up to 125%" in explorer.summary.value
    raw = explorer.weights
    shares = {k: v / sum(raw.values()) for k, v in raw.items()}
    expected = strategy.weighted_scores(strategy.kestrel_vendor_scores(), shares)
    assert explorer.result.index.tolist() == expected.index.tolist()
    assert explorer.result.index[0] == "Banyan Desk"  # ease of use now decides


def test_flip_point_reported_for_the_hand_worked_example() -> None:
    widget = SelectionExplorer(TWO, {"X": 0.7, "Y": 0.3}, criterion="X")
    assert "<b>A</b> wins" in widget.summary.value
    assert "60.0%" in widget.summary.value and "<b>B</b> draws level" in widget.summary.value
    widget.criterion.value = "Y"
    assert "40.0%" in widget.summary.value
    # the slider value that gives a share of 0.6 when the sliders do not sum to one:
    # with Y's slider at 0.5, X's share x / (x + 0.5) = 0.6 at x = 0.75
    widget.sliders["Y"].value = 0.5
    widget.criterion.value = "X"
    assert "slider at 75.0%" in widget.summary.value
    widget.sliders["X"].value = 0.76  # share 0.76 / 1.26 = 0.603: A still leads
    assert widget.result.index[0] == "A"
    widget.sliders["X"].value = 0.74  # share 0.74 / 1.24 = 0.597: B leads
    assert widget.result.index[0] == "B"


def test_all_zero_weights_are_handled(explorer: SelectionExplorer) -> None:
    for slider in explorer.sliders.values():
        slider.value = 0.0
    assert "Every weight is zero" in explorer.summary.value
    assert explorer.result is None and chart_bundle(explorer.chart) is None
    explorer.sliders["help_support"].value = 0.2
    assert explorer.result.index[0] == "Dunlin Connect"  # best on help and support


def test_bad_inputs_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="criterion must be one of"):
        SelectionExplorer(criterion="price")
    with pytest.raises(ValueError, match="unknown criteria"):
        SelectionExplorer(TWO, {"X": 0.5, "Y": 0.3, "Z": 0.2}, criterion="X")


def test_chart_output_has_no_svg_copy(explorer: SelectionExplorer) -> None:
    data = explorer.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in data and "image/svg+xml" not in data


def test_swapped_chart_data_give_the_chart_compiled_afresh(explorer: SelectionExplorer) -> None:
    before = chart_bundle(explorer.chart)
    explorer.sliders["ease_of_use"].value = 0.40
    explorer.criterion.value = "help_support"
    explorer.criterion.value = "ease_of_use"  # compiled before: only the data are swapped
    after = chart_bundle(explorer.chart)
    assert after != before
    shares = {k: v / sum(explorer.weights.values()) for k, v in explorer.weights.items()}
    scores = strategy.kestrel_vendor_scores()
    fresh = strategy.sweep_chart(
        strategy.weight_sweep(scores, shares, "ease_of_use", points=11),
        strategy.flip_points(scores, shares),
        "ease_of_use",
    )
    assert after == charts.render(fresh.to_dict(), svg=False)[charts.VEGA_MIMETYPE]
    # only the criterion on show has its flip points computed
    assert explorer.flips.index.tolist() == ["ease_of_use"]

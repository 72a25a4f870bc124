"""The triage simulator, driven from Python as a learner would drive it."""

from __future__ import annotations

import pytest

from casekit import charts
from casekit import complaints as cx
from casekit.widgets import chart_bundle
from casekit.widgets.complaints import DESK_HOURS, TriageSimulator


@pytest.fixture(scope="module")
def arrivals():
    return cx.simulate_arrivals(1500, days=120, seed=3)


@pytest.fixture
def simulator(arrivals) -> TriageSimulator:
    return TriageSimulator(arrivals, handlers=1)


def _overall(simulator: TriageSimulator):
    table = simulator.comparison
    return table[table["severity"] == "all"].set_index("policy")


def test_initial_state_matches_the_pure_function(simulator, arrivals) -> None:
    expected = cx.compare_policies(
        arrivals,
        handlers=1,
        standard_hours={"low": 24, "medium": 24, "high": 4},
        open_hours=(8, 18),
        workdays=(0, 1, 2, 3, 4, 5),
    )
    assert simulator.comparison.equals(expected)
    row = expected[(expected["policy"] == "fcfs") & (expected["severity"] == "all")].iloc[0]
    assert f"{row['median_hours']:.1f} h" in simulator.summary.value
    assert f"{int(row['breaches']):,}" in simulator.summary.value
    assert chart_bundle(simulator.chart)["$schema"].endswith("vega/v5.json")


def test_choosing_a_policy_changes_the_text_and_the_highlight(simulator) -> None:
    before = simulator.summary.value
    simulator.policy.value = "severity"
    assert simulator.summary.value != before
    assert "most severe first</b>" in simulator.summary.value
    data = chart_bundle(simulator.chart)["data"]
    overall = next(d for d in data if d["name"] == "overall")["values"]
    assert {row["policy"] for row in overall if row["chosen"]} == {"severity"}


def test_more_handlers_shorten_the_waits(simulator) -> None:
    one = _overall(simulator)["mean_hours"].copy()
    simulator.handlers.value = 2
    two = _overall(simulator)["mean_hours"]
    assert (two < one).all()
    assert "2 handler(s)" in simulator.summary.value


def test_standards_and_desk_hours_reach_the_simulation(simulator) -> None:
    simulator.standard_high.value = 24
    assert simulator.standards() == {"low": 24.0, "medium": 24.0, "high": 24.0}
    high = simulator.comparison[simulator.comparison["severity"] == "high"]
    assert (high["breach_share"] < 0.9).all()
    night_breaches = _overall(simulator)["breaches"].copy()
    simulator.hours.value = "every day, 24 hours"
    assert (_overall(simulator)["breaches"] < night_breaches).all()
    assert set(DESK_HOURS) >= {"every day, 24 hours"}


def test_runs_are_cached_and_the_chart_has_no_svg_copy(simulator) -> None:
    first = simulator.comparison
    simulator.handlers.value = 3
    simulator.handlers.value = 1
    assert simulator.comparison is first
    data = simulator.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in data and "image/svg+xml" not in data


def test_the_widget_refuses_arrivals_without_the_columns(arrivals) -> None:
    with pytest.raises(ValueError, match="value"):
        TriageSimulator(arrivals.drop(columns="value"))

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
    opening, closing, days = DESK_HOURS["every day, 24 hours"]
    expected = cx.compare_policies(
        simulator.arrivals,
        handlers=1,
        standard_hours={"low": 24, "medium": 24, "high": 24},
        open_hours=(opening, closing),
        workdays=days,
    )
    assert simulator.comparison.equals(expected)


def test_a_new_standard_reruns_only_the_deadline_policy(simulator, monkeypatch) -> None:
    calls = []
    real = cx.simulate_triage

    def counting(*args, **kwargs):
        calls.append(kwargs["policy"])
        return real(*args, **kwargs)

    monkeypatch.setattr(cx, "simulate_triage", counting)
    before_text, before_chart = simulator.summary.value, chart_bundle(simulator.chart)
    simulator.policy.value = "deadline"
    simulator.standard_high.value = 2
    simulator.standard_other.value = 48
    simulator.standard_other.value = 24
    assert calls == ["deadline", "deadline"]  # back to 24 h: the run is cached
    monkeypatch.undo()
    standards = {"low": 24, "medium": 24, "high": 2}
    expected = cx.compare_policies(
        simulator.arrivals, handlers=1, standard_hours=standards, open_hours=(8, 18)
    )
    # the re-judged runs give exactly what full runs give
    assert simulator.comparison.equals(expected)
    assert simulator.summary.value != before_text
    # the chart with swapped data is the chart compiled afresh
    fresh = charts.render(
        cx.triage_chart(expected, standard_hours=standards, selected="deadline").to_dict(),
        svg=False,
    )
    assert chart_bundle(simulator.chart) == fresh[charts.VEGA_MIMETYPE]
    assert chart_bundle(simulator.chart) != before_chart


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

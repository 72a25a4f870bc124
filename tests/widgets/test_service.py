"""The staffing calculator, driven from Python as a learner would drive it."""

from __future__ import annotations

import json
import re

import pytest

from casekit import charts, service
from casekit.widgets import chart_bundle
from casekit.widgets.service import StaffingCalculator


@pytest.fixture
def calculator() -> StaffingCalculator:
    # The Call Centre Helper worked example: 100 calls per half hour, 180 s, 80 % in 20 s.
    return StaffingCalculator(
        calls_per_hour=200, handle_time=180, target=0.80, answer_time=20, shrinkage=0.30
    )


def test_initial_state_matches_the_published_example(calculator: StaffingCalculator) -> None:
    assert calculator.result["agents"] == 14
    assert calculator.result["scheduled"] == 20
    assert calculator.result["service_level"] == pytest.approx(0.88835, abs=1e-5)
    assert calculator.result["cost_per_hour"] == 20 * 250
    text = calculator.summary.value
    assert "<b>14 agents</b>" in text and "88.8%" in text and "Php 5,000" in text
    assert chart_bundle(calculator.chart)["$schema"].endswith("vega/v5.json")


def test_sliders_update_result_text_and_chart(calculator: StaffingCalculator) -> None:
    before_text, before_chart = calculator.summary.value, chart_bundle(calculator.chart)
    calculator.calls.value = 400
    expected = service.agents_needed(400, 180, target=0.8, answer_time=20)
    assert calculator.result["agents"] == expected
    assert calculator.summary.value != before_text
    assert chart_bundle(calculator.chart) != before_chart
    calculator.target.value = 0.95
    assert calculator.result["agents"] == service.agents_needed(400, 180, target=0.95)
    assert calculator.result["service_level"] >= 0.95
    calculator.cost.value = 500
    assert calculator.result["cost_per_hour"] == calculator.result["scheduled"] * 500


def test_answer_time_changes_the_need(calculator: StaffingCalculator) -> None:
    calculator.answer_time.value = 60
    assert calculator.result["agents"] == service.agents_needed(
        200, 180, target=0.8, answer_time=60
    )
    assert "within 60 s" in calculator.summary.value


def test_swapped_chart_data_equals_a_fresh_chart(calculator: StaffingCalculator) -> None:
    # The widget reuses its chart and swaps the data; the result must be the chart
    # that service.service_level_chart draws for the same numbers.
    calculator.calls.value = 300
    calculator.target.value = 0.9
    calculator.answer_time.value = 45
    fresh = service.service_level_chart(calculator.curve, target=0.9, answer_time=45)
    expected = charts.render(fresh.to_dict(validate=False), svg=False)[charts.VEGA_MIMETYPE]

    def canonical(spec: dict) -> str:
        # Altair names each dataset after a hash of its first content; the names differ.
        return re.sub(r"data-[0-9a-f]{32}", "data", json.dumps(spec, sort_keys=True))

    assert canonical(chart_bundle(calculator.chart)) == canonical(expected)


def test_chart_output_has_no_svg_copy(calculator: StaffingCalculator) -> None:
    data = calculator.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in data and "image/svg+xml" not in data

"""The programme designer, driven from Python as a learner would drive it."""

from __future__ import annotations

import pytest

from casekit import charts, programs
from casekit.widgets import chart_bundle
from casekit.widgets.programs import ProgramDesigner

FIXED = {
    "members": 1_000,
    "spend_per_member": 20_000,
    "gross_margin": 0.20,
    "admin_cost_fixed": 500_000,
    "admin_cost_per_member": 50,
}


@pytest.fixture
def designer() -> ProgramDesigner:
    return ProgramDesigner(
        reward_rate=0.01, redemption_rate=0.70, spend_lift=0.05, retention_lift=0.02, **FIXED
    )


def test_initial_state_matches_the_pure_functions(designer: ProgramDesigner) -> None:
    # The hand-worked example of tests/test_programs.py: a loss of Php 416,940 a year and a
    # break-even spend lift of 15.6 %.
    assert designer.economics["annual_profit"] == pytest.approx(-416_940)
    assert "loses Php 416,940" in designer.summary.value
    assert "15.6%" in designer.summary.value
    assert designer.break_even["spend"] == pytest.approx(
        programs.break_even_lift(lever="spend", **designer.design())
    )
    assert chart_bundle(designer.chart)["$schema"].endswith("vega/v5.json")


def test_moving_the_spend_lift_updates_text_and_chart(designer: ProgramDesigner) -> None:
    before_text, before_chart = designer.summary.value, chart_bundle(designer.chart)
    designer.spend_lift.value = 0.20
    assert designer.economics["annual_profit"] > 0
    assert "earns" in designer.summary.value and designer.summary.value != before_text
    assert chart_bundle(designer.chart) != before_chart


def test_lower_redemption_makes_the_programme_cheaper(designer: ProgramDesigner) -> None:
    profit = designer.economics["annual_profit"]
    needed = designer.break_even["spend"]
    designer.redemption_rate.value = 0.40
    assert designer.economics["annual_profit"] > profit
    assert designer.break_even["spend"] < needed


def test_retention_lift_counts_more_over_a_lifetime(designer: ProgramDesigner) -> None:
    assert designer.break_even["retention_lifetime"] < designer.break_even["retention"]
    designer.retention_lift.value = 0.0
    assert designer.economics["margin_from_members_kept"] == 0


def test_chart_output_has_no_svg_copy(designer: ProgramDesigner) -> None:
    data = designer.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in data and "image/svg+xml" not in data


def test_bad_fixed_values_are_refused() -> None:
    with pytest.raises(ValueError, match="gross_margin"):
        ProgramDesigner(**{**FIXED, "gross_margin": 20})

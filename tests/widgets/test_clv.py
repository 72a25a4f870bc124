"""The CLV calculator, driven from Python as a learner would drive it."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from casekit import charts, clv
from casekit.widgets import chart_bundle
from casekit.widgets.clv import TIMING_CHOICES, CLVCalculator


@pytest.fixture
def calc() -> CLVCalculator:
    return CLVCalculator()


def _row(calc: CLVCalculator, side: str):
    name = getattr(calc, side).name
    return calc.results.set_index("customer").loc[name]


def test_initial_results_match_the_pure_function(calc: CLVCalculator) -> None:
    # Walk-in shopper: Php 150 x 10 purchases = Php 1,500 a year, retention 50 %,
    # 10 % discount rate, 10 years, margin at year end with the first year certain.
    expected = clv.clv(1_500, 0.50, 0.10, horizon=10, first_period_retained=False)
    row = _row(calc, "a")
    assert row["yearly_margin"] == 1_500
    assert row["clv"] == pytest.approx(expected)
    assert row["clv_cac_ratio"] == pytest.approx(expected / 2_000)
    assert row["net_clv"] == pytest.approx(expected - 2_000)
    assert f"{expected:,.0f}" in calc.summary.value
    assert chart_bundle(calc.chart)["$schema"].endswith("vega/v5.json")


def test_payback_year_by_hand(calc: CLVCalculator) -> None:
    # Walk-in: 1,500/1.1 = 1,364 after year 1; + 750/1.21 = 1,983 after year 2 (< 2,000);
    # + 375/1.331 = 2,265 after year 3: pays back in year 3.
    assert _row(calc, "a")["payback_year"] == 3
    # Club member: 4,000/1.1 = 3,636; + 3,200/1.21 = 6,281 >= 6,000: year 2.
    assert _row(calc, "b")["payback_year"] == 2
    calc.a.acquisition_cost.value = 20_000
    assert pd.isna(_row(calc, "a")["payback_year"])
    assert "not in 10 years" in calc.summary.value


def test_moving_retention_changes_only_that_type(calc: CLVCalculator) -> None:
    before_a, before_b = _row(calc, "a")["clv"], _row(calc, "b")["clv"]
    before_chart = chart_bundle(calc.chart)
    calc.a.retention.value = 0.70
    assert _row(calc, "a")["clv"] > before_a
    assert _row(calc, "b")["clv"] == before_b
    assert chart_bundle(calc.chart) != before_chart


def test_shared_controls_move_both_types(calc: CLVCalculator) -> None:
    before = calc.results["clv"].to_numpy().copy()
    calc.discount_rate.value = 0.20
    assert (calc.results["clv"].to_numpy() < before).all()
    calc.horizon.value = 3
    assert calc.table["period"].max() == 3
    assert "CLV, 3 years" in calc.summary.value


@pytest.mark.parametrize("label", list(TIMING_CHOICES))
def test_every_timing_choice_is_the_pure_function(calc: CLVCalculator, label: str) -> None:
    calc.timing.value = label
    timing, retained = TIMING_CHOICES[label]
    expected = clv.clv(4_000, 0.80, 0.10, horizon=10, timing=timing, first_period_retained=retained)
    assert _row(calc, "b")["clv"] == pytest.approx(expected)


def test_purchases_and_margin_multiply(calc: CLVCalculator) -> None:
    calc.b.purchases.value = 10
    calc.b.margin.value = 400
    assert _row(calc, "b")["yearly_margin"] == 4_000


def test_a_free_customer_has_no_ratio(calc: CLVCalculator) -> None:
    calc.a.acquisition_cost.value = 0
    assert pd.isna(_row(calc, "a")["clv_cac_ratio"])
    assert "n/a (free)" in calc.summary.value


def test_summary_names_the_type_that_adds_more(calc: CLVCalculator) -> None:
    assert "one <b>Shopper&#x27;s Club member</b> adds the more value" in calc.summary.value
    calc.b.retention.value = 0.0
    assert "one <b>Walk-in shopper</b> adds the more value" in calc.summary.value


def test_custom_types_and_bad_settings() -> None:
    calc = CLVCalculator(
        type_a={"name": "Retail", "retention": 0.6}, type_b={"name": "Wholesale"}, horizon=5
    )
    assert list(calc.results["customer"]) == ["Retail", "Wholesale"]
    with pytest.raises(ValueError, match="need different names"):
        CLVCalculator(type_a={"name": "X"}, type_b={"name": "X"})
    with pytest.raises(ValueError, match="timing must be one of"):
        CLVCalculator(timing="whenever")


def test_chart_output_has_no_svg_copy(calc: CLVCalculator) -> None:
    data = calc.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in data and "image/svg+xml" not in data


def _without_dataset_names(vega: dict) -> dict:
    # Altair names a dataset by a hash of its values; number the names in order instead
    text = json.dumps(vega, sort_keys=True)
    names = list(dict.fromkeys(re.findall(r"data-[0-9a-f]{32}", text)))
    for i, name in enumerate(names):
        text = text.replace(name, f"dataset-{i}")
    return json.loads(text)  # compared as values: 2000 == 2000.0


def test_a_redraw_is_the_chart_compiled_afresh(calc: CLVCalculator) -> None:
    # the calculator swaps the data inside the chart compiled on its first draw; the result
    # must be what building and compiling clv_chart from scratch gives
    calc.a.retention.value = 0.65
    calc.horizon.value = 4
    calc.b.acquisition_cost.value = 3_000
    costs = dict(zip(calc.results["customer"], calc.results["acquisition_cost"], strict=True))
    spec = clv.clv_chart(calc.table, acquisition_costs=costs).to_dict(validate=False)
    fresh = charts.render(spec, svg=False)[charts.VEGA_MIMETYPE]
    shown = chart_bundle(calc.chart)
    assert _without_dataset_names(shown) == _without_dataset_names(fresh)
    periods = [row["period"] for row in shown["data"][0]["values"]]
    assert periods == [1, 2, 3, 4, 1, 2, 3, 4]


def test_a_change_that_leaves_the_chart_alone_does_not_redraw(calc: CLVCalculator) -> None:
    calc.a.retention.value = 0.55
    shown = calc.chart.outputs
    # a recomputation with the same inputs gives the same data: the output is not replaced
    calc._update()
    assert calc.chart.outputs is shown

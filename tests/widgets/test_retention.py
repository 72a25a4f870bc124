"""The retention explorer, driven from Python as a learner would drive it."""

from __future__ import annotations

import json

import pytest

from casekit import charts, retention
from casekit.widgets import chart_bundle
from casekit.widgets.retention import RetentionExplorer


@pytest.fixture
def explorer() -> RetentionExplorer:
    return RetentionExplorer(retention_rate=0.80, margin=1_200, acquisition_cost=1_500)


def test_initial_state_matches_the_pure_function(explorer: RetentionExplorer) -> None:
    expected = retention.simulate_customer_base(
        retention=0.80,
        new_customers_per_year=1_000,
        margin_per_customer=1_200,
        acquisition_cost=1_500,
        discount_rate=0.10,
        years=10,
    )
    assert f"{expected['active'].iloc[-1]:,.0f}" in explorer.summary.value
    assert "80%" in explorer.summary.value and "75%" in explorer.summary.value
    assert chart_bundle(explorer.chart)["$schema"].endswith("vega/v5.json")


def test_moving_a_slider_updates_text_and_chart(explorer: RetentionExplorer) -> None:
    before_text, before_chart = explorer.summary.value, chart_bundle(explorer.chart)
    explorer.retention.value = 0.90
    assert explorer.summary.value != before_text
    assert "90%" in explorer.summary.value
    assert chart_bundle(explorer.chart) != before_chart
    assert set(explorer.table["retention"]) == {0.90, 0.85}


def test_margin_slider_changes_profit_not_customers(explorer: RetentionExplorer) -> None:
    customers = explorer.table["active"].copy()
    profit = explorer.table["cumulative_discounted_profit"].copy()
    explorer.margin.value = 600
    assert (explorer.table["active"] == customers).all()
    assert (explorer.table["cumulative_discounted_profit"] < profit).all()


def test_chart_output_has_no_svg_copy(explorer: RetentionExplorer) -> None:
    data = explorer.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in data and "image/svg+xml" not in data


def test_acquisition_cost_slider_lowers_profit_by_the_discounted_extra_spend(
    explorer: RetentionExplorer,
) -> None:
    customers = explorer.table["active"].copy()
    last = explorer.table["year"] == 10
    profit = explorer.table.loc[last, "cumulative_discounted_profit"].to_numpy()
    before_chart = chart_bundle(explorer.chart)
    explorer.acquisition_cost.value = 2_500
    # By hand: 1,000 new customers a year each cost Php 1,000 more, paid at the start of
    # years 1..10 and discounted at 10 %: 1e6 * (1 + 1/1.1 + ... + 1/1.1**9) = 6,759,024.
    extra = 1_000 * 1_000 * sum(1.1**-t for t in range(10))
    assert round(extra) == 6_759_024
    after = explorer.table.loc[last, "cumulative_discounted_profit"].to_numpy()
    assert after == pytest.approx(profit - extra, rel=1e-9)
    assert (explorer.table["active"] == customers).all()
    assert f"{after[0]:,.0f}" in explorer.summary.value
    assert chart_bundle(explorer.chart) != before_chart


def test_a_redraw_shows_the_same_chart_as_a_fresh_compile(explorer: RetentionExplorer) -> None:
    explorer.retention.value = 0.90
    explorer.margin.value = 900
    shown = chart_bundle(explorer.chart)
    chart = retention.customer_base_chart(explorer.table)
    (name,) = chart.to_dict()["datasets"]
    fresh = charts.render(chart.to_dict(validate=False), svg=False)[charts.VEGA_MIMETYPE]
    # the dataset keeps the name it had at the first draw; otherwise the specs are equal
    (old_name,) = (d["name"] for d in shown["data"] if d["name"].startswith("data-"))
    renamed = json.loads(json.dumps(shown).replace(old_name, name))
    assert renamed == fresh
    rows = next(d["values"] for d in renamed["data"] if d["name"] == name)
    assert {row["scenario"] for row in rows} == {"90.0 % retained", "85.0 % retained"}

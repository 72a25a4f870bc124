"""The P(alive) explorer, driven from Python as a learner would drive it."""

from __future__ import annotations

import json
import re

import pytest

from casekit import charts, clv_models
from casekit.clv_models import BGNBD
from casekit.widgets import chart_bundle
from casekit.widgets.clv_models import PROFILES, AliveExplorer

PAPER = BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture
def explorer() -> AliveExplorer:
    return AliveExplorer()


def test_starts_on_the_papers_worked_example(explorer: AliveExplorer) -> None:
    # Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 -> 1.226 in 39 weeks
    assert explorer.result["expected_purchases"] == pytest.approx(1.226, abs=5e-4)
    assert "1.23" in explorer.summary.value
    alive = PAPER.probability_alive(2, 30.43, 38.86)
    assert f"{alive:.0%}" in explorer.summary.value
    assert chart_bundle(explorer.chart)["$schema"].endswith("vega/v5.json")
    assert "image/svg+xml" not in explorer.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in explorer.chart.outputs[0]["data"]


def test_moving_recency_updates_the_result(explorer: AliveExplorer) -> None:
    before, chart = explorer.result["probability_alive"], chart_bundle(explorer.chart)
    explorer.recency.value = 10.0
    assert explorer.result["probability_alive"] < before
    assert explorer.result["probability_alive"] == pytest.approx(
        PAPER.probability_alive(2, 10.0, 38.86)
    )
    assert chart_bundle(explorer.chart) != chart
    assert explorer.profile.value == "(your own)"


def test_a_profile_sets_every_slider(explorer: AliveExplorer) -> None:
    name = "Frequent buyer who went quiet (10, last in week 12)"
    explorer.profile.value = name
    x, t_x, age = PROFILES[name]
    assert (explorer.frequency.value, explorer.recency.value, explorer.age.value) == (x, t_x, age)
    assert explorer.result["probability_alive"] == pytest.approx(
        PAPER.probability_alive(x, t_x, age)
    )
    assert explorer.result["probability_alive"] < 0.05  # the frequent buyer who stopped is gone


def test_no_repeat_purchase_means_alive(explorer: AliveExplorer) -> None:
    explorer.profile.value = "One-time buyer (no repeat purchase)"
    assert explorer.result["probability_alive"] == 1.0
    assert explorer.recency.disabled
    assert "only leave right after a purchase" in explorer.summary.value


def test_recency_cannot_exceed_age(explorer: AliveExplorer) -> None:
    explorer.age.value = 20.0
    assert explorer.recency.max == 20.0
    assert explorer.recency.value <= 20.0
    assert explorer.result["recency"] <= explorer.result["T"]


def test_horizon_changes_expected_purchases_only(explorer: AliveExplorer) -> None:
    alive = explorer.result["probability_alive"]
    expected = explorer.result["expected_purchases"]
    explorer.horizon.value = 78
    assert explorer.result["probability_alive"] == alive
    assert explorer.result["expected_purchases"] > expected
    assert explorer.profile.value != "(your own)"


def test_model_type_is_checked() -> None:
    with pytest.raises(TypeError, match="BGNBD"):
        AliveExplorer(model="paper")


def _without_dataset_names(vega: dict) -> dict:
    # Altair names a dataset by a hash of its values; number the names in order instead
    text = json.dumps(vega, sort_keys=True)
    for i, name in enumerate(dict.fromkeys(re.findall(r"data-[0-9a-f]{32}", text))):
        text = text.replace(name, f"dataset-{i}")
    return json.loads(text)


@pytest.mark.parametrize(
    "moves",
    [
        {"recency": 12.0},
        {"frequency": 0},
        {"age": 60.0, "frequency": 7, "recency": 50.0},
    ],
)
def test_a_redraw_is_the_chart_compiled_afresh(explorer: AliveExplorer, moves: dict) -> None:
    # the explorer swaps data and title inside the chart compiled on its first draw; the
    # result must be what building and compiling the chart from scratch gives
    for name, value in moves.items():
        getattr(explorer, name).value = value
    r = explorer.result
    chart = clv_models.probability_alive_chart(PAPER, r["frequency"], r["T"], recency=r["recency"])
    fresh = charts.render(chart.to_dict(validate=False), svg=False)
    shown = explorer.chart.outputs[0]["data"]
    assert shown["text/plain"] == fresh["text/plain"]
    assert _without_dataset_names(shown[charts.VEGA_MIMETYPE]) == _without_dataset_names(
        fresh[charts.VEGA_MIMETYPE]
    )

"""The audit designer, driven from Python as a learner would drive it."""

from __future__ import annotations

import re

import pytest

from casekit import audit, charts
from casekit.widgets import chart_bundle
from casekit.widgets.audit import AuditDesigner, parse_segments

SEGMENTS = {"families": 6_000, "professionals": 3_000, "retirees": 1_000}
VALUES = {"families": 3_000, "professionals": 2_000, "retirees": 8_000}


@pytest.fixture
def designer() -> AuditDesigner:
    return AuditDesigner(
        segments=SEGMENTS,
        values=VALUES,
        stores=["Cubao", "Pasig"],
        response_rate=0.25,
        cost_per_invitation=4,
        cost_per_complete=60,
        cost_per_visit=1_500,
        fixed_cost=25_000,
        visits_per_scenario=1,
    )


def test_initial_state_matches_the_pure_function(designer: AuditDesigner) -> None:
    # N = 10,000 at ±5 %, 95 %: 370 completes (Krejcie & Morgan's table value).
    assert designer.design.completes == 370
    expected = audit.design_audit(
        segments=SEGMENTS,
        values=VALUES,
        response_rate=0.25,
        cost_per_invitation=4,
        cost_per_complete=60,
        stores=["Cubao", "Pasig"],
        visits_per_scenario=1,
        cost_per_visit=1_500,
        fixed_cost=25_000,
    )
    assert designer.design.total_cost == pytest.approx(expected.total_cost)
    assert f"{expected.total_cost:,.0f}" in designer.summary.value
    assert "<b>370</b>" in designer.summary.value
    assert chart_bundle(designer.chart)["$schema"].endswith("vega/v5.json")


def test_tighter_margin_raises_sample_and_cost(designer: AuditDesigner) -> None:
    before = designer.design
    chart_before = chart_bundle(designer.chart)
    designer.margin.value = 0.03
    # N = 10,000 at ±3 %: n0 = 1067.1; 1067.1 / (1 + 1066.1 / 10000) = 964.3 -> 965.
    assert designer.design.completes == 965
    assert designer.design.total_cost > before.total_cost
    assert "±3.0 points" in designer.summary.value
    assert chart_bundle(designer.chart) != chart_before


def test_each_segment_and_value_allocation(designer: AuditDesigner) -> None:
    designer.precision_for.value = "each segment"
    per_segment = audit.sample_size_proportion(0.05, population=list(SEGMENTS.values()))
    assert designer.design.completes == per_segment.sum()
    assert "in every segment" in designer.summary.value
    designer.precision_for.value = "overall"
    designer.allocation.value = "value"
    table = designer.design.allocation.set_index("segment")
    # Retirees are 10 % of customers but 8,000 / 28,000 of the value: over-sampled.
    assert table.loc["retirees", "share_of_sample"] > table.loc["retirees", "share_of_population"]


def test_visits_and_costs_move_the_total(designer: AuditDesigner) -> None:
    visits_before = designer.design.mystery_plan["visits"].sum()
    designer.visits.value = 3
    assert designer.design.mystery_plan["visits"].sum() == 3 * visits_before
    cost = designer.design.total_cost
    designer.cost_per_complete.value = 200
    extra = (200 - 60) * designer.design.completes
    assert designer.design.total_cost == pytest.approx(cost + extra)


def test_typed_segments_and_a_typing_error(designer: AuditDesigner) -> None:
    designer.segments.value = "north: 2_000\nsouth: 500, 900"
    assert list(designer.design.allocation["segment"]) == ["north", "south"]
    designer.segments.value = "north 2000"
    assert designer.design is None
    assert "line 1" in designer.summary.value and "⚠️" in designer.summary.value
    assert designer.chart.outputs == ()
    designer.segments.value = "north: 2000"
    assert designer.design is not None


def test_parse_segments() -> None:
    sizes, values = parse_segments("a: 1 000, 50\n\nb: 20")
    assert sizes == {"a": 1000.0, "b": 20.0} and values == {"a": 50.0, "b": 1.0}
    with pytest.raises(ValueError, match="listed twice"):
        parse_segments("a: 1\na: 2")
    with pytest.raises(ValueError, match="must be numbers"):
        parse_segments("a: many")
    with pytest.raises(ValueError, match="at least one segment"):
        parse_segments("  \n")


def test_chart_output_has_no_svg_copy(designer: AuditDesigner) -> None:
    data = designer.chart.outputs[0]["data"]
    assert charts.VEGA_MIMETYPE in data and "image/svg+xml" not in data


def _segment_rows(summary: str) -> dict[str, list[str]]:
    """The per-segment table of the summary: segment -> [customers, interviews, ...]."""
    table = summary[summary.index("<th style='text-align:left'>Segment</th>") :]
    rows = re.findall(r"<tr[^>]*><td>([^<]*)</td>(.*?)</tr>", table)
    return {name: re.findall(r">([^<]*)</td>", cells) for name, cells in rows}


def test_segment_table_follows_the_confidence(designer: AuditDesigner) -> None:
    # 95 %: 370 completes split 60/30/10 -> 222, 111, 37; invitations at 25 %: x 4;
    # weight 6,000 / 222 = 27.0 for every segment.
    rows = _segment_rows(designer.summary.value)
    assert rows["families"] == ["6,000", "222", "888", "27.0"]
    assert rows["retirees"] == ["1,000", "37", "148", "27.0"]
    assert rows["all segments"][:3] == ["10,000", "370", "1,480"]
    designer.confidence.value = 0.99
    # 99 %, z = 2.5758: n0 = 2.5758^2 x 0.25 / 0.05^2 = 663.49; with N = 10,000,
    # 663.49 / (1 + 662.49 / 10,000) = 622.3 -> 623. Shares 373.8, 186.9, 62.3: floors
    # 373, 186, 62 and the two spare interviews go to the largest remainders (0.9, 0.8).
    rows = _segment_rows(designer.summary.value)
    assert rows["families"] == ["6,000", "374", "1,496", "16.0"]
    assert rows["professionals"] == ["3,000", "187", "748", "16.0"]
    assert rows["retirees"] == ["1,000", "62", "248", "16.1"]
    assert rows["all segments"][:3] == ["10,000", "623", "2,492"]
    assert "<b>99%</b>" in designer.summary.value

"""Interactive front ends (ipywidgets) for the course's what-if demonstrations.

One module per topic (``casekit.widgets.retention``, ...). Each widget is a small
``ipywidgets.VBox`` subclass that owns its controls, calls one pure casekit function on
every change, and shows the result as text and an Altair chart. The computation never
lives in the widget, so it is tested on its own; the widget is tested by setting a
control's ``value`` in Python and reading the widget's outputs.

Charts are placed into an ``Output`` widget by setting its ``outputs`` directly with the
course's offline Vega bundle (see :mod:`casekit.charts`). That works the same inside and
outside a running notebook, so a widget can be driven from a test or a benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import ipywidgets as widgets

from casekit import charts

__all__ = [
    "LAYOUT",
    "STYLE",
    "chart_bundle",
    "int_slider",
    "money_slider",
    "percent_slider",
    "show_bundle",
    "show_chart",
    "with_data",
]


def show_chart(output: widgets.Output, chart: alt.TopLevelMixin | Mapping[str, Any]) -> None:
    """Replace what ``output`` shows with ``chart`` (interactive Vega, no SVG copy).

    ``chart`` is an Altair chart or a ready Vega-Lite spec (a dict): widgets that redraw
    often may build the spec once and swap only its data, which is much faster than
    building Altair objects on every move of a slider. An Altair chart's spec is not
    re-validated against the schema on every redraw; the chart functions' unit tests
    validate the same specs.
    """
    spec = chart if isinstance(chart, Mapping) else chart.to_dict(validate=False)
    show_bundle(output, charts.render(spec, svg=False))


def show_bundle(output: widgets.Output, bundle: Mapping[str, Any]) -> None:
    """Replace what ``output`` shows with a rendered chart bundle (see :func:`show_chart`)."""
    output.outputs = ({"output_type": "display_data", "data": dict(bundle), "metadata": {}},)


def with_data(bundle: Mapping[str, Any], datasets: Mapping[str, list]) -> dict[str, Any]:
    """A copy of a rendered chart bundle whose named datasets hold new rows.

    The Vega specification compiled from a Vega-Lite chart keeps each named dataset as a
    data entry ``{"name": ..., "values": [...]}``; everything else in it (scales, marks,
    derived data) reads those entries when the chart is drawn, so swapping the rows gives
    the same chart as compiling again, without the compiler. Widgets that redraw on every
    move of a slider compile their chart once and then call this.

    Parameters
    ----------
    bundle : mapping
        A bundle from :func:`casekit.charts.render` (or an output's ``data``).
    datasets : mapping of str to list of dict
        New rows for some of the chart's named datasets.

    Raises
    ------
    ValueError
        When the chart has no dataset of one of the given names.
    """
    vega = bundle[charts.VEGA_MIMETYPE]
    unknown = set(datasets) - {d["name"] for d in vega["data"]}
    if unknown:
        raise ValueError(f"the chart has no datasets named {sorted(unknown)}")
    data = [
        {**entry, "values": datasets[entry["name"]]} if entry["name"] in datasets else entry
        for entry in vega["data"]
    ]
    return {**bundle, charts.VEGA_MIMETYPE: {**vega, "data": data}}


def chart_bundle(output: widgets.Output) -> dict[str, Any] | None:
    """The Vega spec ``output`` currently shows, or None (for tests and benchmarks)."""
    if not output.outputs:
        return None
    return output.outputs[0]["data"].get(charts.VEGA_MIMETYPE)


#: Style and layout shared by the course's controls: labels in one column, same width.
STYLE = {"description_width": "190px"}
LAYOUT = widgets.Layout(width="520px")


def int_slider(description: str, value: int, low: int, high: int, step: int = 1):
    """A slider for a whole number (agents, visits, weeks)."""
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=False,
        style=STYLE,
        layout=LAYOUT,
    )


def percent_slider(description: str, value: float, low: float, high: float, step: float = 0.01):
    """A slider for a rate held as a fraction but read as a percentage (0.85 -> 85.0%)."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".0%",
        continuous_update=False,
        style=STYLE,
        layout=LAYOUT,
    )


def money_slider(description: str, value: float, low: float, high: float, step: float):
    """A slider for an amount of money."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=",.0f",
        continuous_update=False,
        style=STYLE,
        layout=LAYOUT,
    )

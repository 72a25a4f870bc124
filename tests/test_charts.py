"""casekit.charts: the house theme and the offline renderer."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from casekit import charts


@pytest.fixture
def chart() -> alt.Chart:
    data = pd.DataFrame({"year": [1, 2, 3], "customers": [100, 90, 81]})
    return (
        alt.Chart(data, title="Customers")
        .mark_line()
        .encode(x=alt.X("year:O", title="Year"), y=alt.Y("customers:Q", title="Customers"))
    )


def test_theme_and_renderer_are_enabled_on_import(chart: alt.Chart) -> None:
    assert alt.theme.active == "casekit"
    assert alt.renderers.active == "casekit"
    config = chart.to_dict()["config"]
    assert config["range"]["category"] == list(charts.PALETTE)
    assert config["axis"]["labelFontSize"] >= 12


def test_bundle_has_vega_and_svg(chart: alt.Chart) -> None:
    bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    vega = bundle[charts.VEGA_MIMETYPE]
    assert vega["$schema"].endswith("/vega/v5.json")
    assert any(m["type"] == "line" for m in vega["marks"][0].get("marks", vega["marks"]))
    assert bundle["image/svg+xml"].lstrip().startswith("<svg")
    assert "Customers" in bundle["image/svg+xml"]
    assert bundle["text/plain"] == "<Chart: Customers>"


def test_render_without_svg(chart: alt.Chart) -> None:
    bundle = charts.render(chart.to_dict(), svg=False)
    assert "image/svg+xml" not in bundle and charts.VEGA_MIMETYPE in bundle


def test_vegalite_version_choice() -> None:
    assert (
        charts.vegalite_version({"$schema": alt.SCHEMA_URL}).split(".")[0] == alt.SCHEMA_VERSION[1]
    )
    with pytest.raises(ValueError, match=r"spec\['\$schema'\]"):
        charts.vegalite_version({})
    with pytest.raises(ValueError, match="cannot compile"):
        charts.vegalite_version({"$schema": "https://vega.github.io/schema/vega-lite/v1.0.json"})


def test_palette_is_colour_blind_safe_okabe_ito() -> None:
    assert charts.PALETTE[:3] == ("#0072B2", "#E69F00", "#009E73")

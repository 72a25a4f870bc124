"""The course's house style for Altair charts, and the renderer that makes them draw offline.

Importing this module registers and enables two things:

* the ``casekit`` **theme**: the Okabe–Ito colour-blind-safe palette, large fonts that
  read on a projector, a calm grid, and a default size that fits a notebook column;
* the ``casekit`` **renderer**.

Why a renderer of our own
-------------------------
A classroom often has no internet, and learners reopen yesterday's notebooks. Altair's
default renderer loads Vega from a CDN (no chart offline); its ``jupyter`` renderer
draws offline but stores close to a megabyte per chart and shows nothing after the
notebook is reopened; the ``html`` renderer breaks after the first chart of a page; and
Altair 6's ``mimetype`` output (Vega-Lite 6) is newer than the Vega-Lite 5 that
JupyterLab bundles. So each chart is compiled here, in Python, to a plain Vega
specification with ``vl-convert-python`` and emitted as

* ``application/vnd.vega.v5+json``, which JupyterLab draws with the Vega it ships
  (interactive: tooltips and selections work), also after reopening a saved notebook, and
* ``image/svg+xml``, a static picture that static HTML exports (nbconvert, the course's
  HTML export) and other viewers show instead.

What is compiled, and for which Vega
------------------------------------
vl-convert-python 1.9 compiles Altair 6's Vega-Lite 6.4 with its own Vega 6.2, so the
spec it returns says ``"$schema": ".../vega/v6.json"``. JupyterLab 4.6 draws the
``vnd.vega.v5`` mimetype with the Vega 5 it bundles (5.33). :func:`render` relabels the
spec as ``v5.json``. The label does not change how Lab draws it: Lab picks its renderer
by the mimetype, and vega-embed only compares the ``$schema`` version with its own Vega to
print a console warning when they differ. What makes the charts draw is that the Vega
language of the specs vl-convert emits for the course's charts (marks, scales, signals of
tooltips and selections) is one Vega 5 reads. That is a fact about these charts, not a
guarantee for every Vega 6 feature: the browser tests (``make test-browser``), which open
every lesson in JupyterLab offline and check that every chart draws, are what prove it.

Size
----
Measured on the stored lessons and solutions (56 charts): a chart costs 16 to 119 KB in
the saved notebook, 44 KB on average (median 38 KB), of which the Vega spec is about
17 KB and the SVG picture about 28 KB. ``render(spec, svg=False)`` drops the picture.
Build charts from aggregated data: a few hundred rows, never tens of thousands (Altair
refuses more than 5,000 rows by default, and that limit stays on).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import altair as alt
import vl_convert

__all__ = [
    "FONT",
    "PALETTE",
    "VEGA_MIMETYPE",
    "render",
    "theme",
    "vegalite_version",
]

#: Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
FONT = "Helvetica, Arial, sans-serif"
VEGA_MIMETYPE = "application/vnd.vega.v5+json"
_SVG_MIMETYPE = "image/svg+xml"


def theme() -> dict[str, Any]:
    """Return the house theme's Vega-Lite configuration."""
    return {
        "config": {
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "font": FONT,
            "range": {"category": list(PALETTE)},
            "title": {"fontSize": 18, "fontWeight": "bold", "anchor": "start", "offset": 12},
            "axis": {
                "labelFontSize": 13,
                "titleFontSize": 14,
                "titleFontWeight": "normal",
                "gridColor": "#e6e6e6",
                "domainColor": "#888888",
                "tickColor": "#888888",
            },
            "header": {"labelFontSize": 14, "titleFontSize": 14},
            "legend": {"labelFontSize": 13, "titleFontSize": 14, "symbolSize": 120},
            "line": {"strokeWidth": 3},
            "point": {"size": 70, "filled": True},
            "bar": {"color": PALETTE[0]},
            "area": {"color": PALETTE[0]},
            "mark": {"color": PALETTE[0]},
        }
    }


def vegalite_version(spec: Mapping[str, Any]) -> str:
    """Return the vl-convert Vega-Lite version that compiles ``spec``.

    Picks the newest version vl-convert offers that is not newer than the spec's
    ``$schema`` and has the same major version.

    Raises
    ------
    ValueError
        If the spec has no recognisable ``$schema`` or vl-convert has no matching version.
    """
    schema = spec.get("$schema", "")
    match = re.search(r"/v(\d+)\.(\d+)", schema)
    if match is None:
        raise ValueError(f"spec['$schema'] must name a Vega-Lite version, got {schema!r}")
    wanted = (int(match.group(1)), int(match.group(2)))
    offered = sorted(
        tuple(int(part) for part in v.split(".")[:2]) for v in vl_convert.get_vegalite_versions()
    )
    usable = [v for v in offered if v[0] == wanted[0] and v <= wanted]
    if not usable:
        raise ValueError(
            f"vl-convert-python {getattr(vl_convert, '__version__', '?')} cannot compile "
            f"Vega-Lite {wanted[0]}.{wanted[1]}; it offers {vl_convert.get_vegalite_versions()}"
        )
    major, minor = usable[-1]
    return f"{major}.{minor}"


def render(spec: Mapping[str, Any], *, svg: bool = True) -> dict[str, Any]:
    """Compile a Vega-Lite spec to the course's offline mimebundle.

    Parameters
    ----------
    spec : mapping
        A Vega-Lite specification, as from ``chart.to_dict()``.
    svg : bool
        Also include a static SVG picture for exports (about 10 ms more per chart).

    Returns
    -------
    dict
        ``{"application/vnd.vega.v5+json": vega_spec, "image/svg+xml": svg_text,
        "text/plain": ...}``
    """
    vega = vl_convert.vegalite_to_vega(dict(spec), vl_version=vegalite_version(spec))
    # vl-convert emits a Vega 6 spec; Lab's Vega 5 draws the course's charts from it (see
    # the module docstring). The label only keeps vega-embed from warning about a version.
    vega["$schema"] = "https://vega.github.io/schema/vega/v5.json"
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    label = f"<Chart: {title}>" if title else "<Chart>"
    bundle: dict[str, Any] = {VEGA_MIMETYPE: vega, "text/plain": label}
    if svg:
        bundle[_SVG_MIMETYPE] = vl_convert.vega_to_svg(vega)
    return bundle


def _renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return render(spec)


alt.renderers.register("casekit", _renderer)
alt.renderers.enable("casekit")
alt.theme.register("casekit", enable=True)(theme)

"""Is this machine ready for the course? Versions and front-end checks.

Used by ``casekit doctor`` and by the start page, so that a learner sees at once whether
widgets and charts will work.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import sys

import pandas as pd

from casekit import notebooks

__all__ = ["PACKAGES", "report"]

#: Packages whose versions matter for the course.
PACKAGES = (
    "casekit",
    "jupyterlab",
    "ipykernel",
    "ipywidgets",
    "jupyterlab_widgets",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "altair",
    "vl-convert-python",
    "papermill",
    "nbformat",
)


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _chart_check() -> tuple[bool, str]:
    try:
        import altair as alt

        from casekit import charts

        spec = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q").to_dict()
        bundle = charts.render(spec)
    except Exception as exc:  # report any failure as a finding, not a crash
        return False, f"cannot draw charts: {exc!r}"
    if charts.VEGA_MIMETYPE not in bundle or "image/svg+xml" not in bundle:
        return False, "the renderer produced no Vega or SVG output"
    return True, f"offline renderer '{alt.renderers.active}' works"


def report() -> pd.DataFrame:
    """Return one row per check: ``item``, ``found`` and ``ok``.

    Checks the Python version (3.11 or newer), each package of :data:`PACKAGES`, the
    widget front end (``jupyterlab_widgets``), the offline chart renderer, and the
    ``datasets`` folder.
    """
    rows = [
        (
            "Python",
            platform.python_version(),
            sys.version_info >= (3, 11),
        )
    ]
    for package in PACKAGES:
        version = _version(package)
        rows.append((package, version or "not installed", version is not None))
    widgets_found = importlib.util.find_spec("jupyterlab_widgets") is not None
    rows.append(
        (
            "widgets front end",
            "available" if widgets_found else "missing: pip install jupyterlab_widgets",
            widgets_found,
        )
    )
    ok, message = _chart_check()
    rows.append(("charts", message, ok))
    data = notebooks.root() / "datasets"
    rows.append(("datasets folder", "found" if data.is_dir() else "missing", data.is_dir()))
    return pd.DataFrame(rows, columns=["item", "found", "ok"])

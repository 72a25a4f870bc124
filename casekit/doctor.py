"""Is this machine ready for the course? Versions and front-end checks.

Used by ``casekit doctor`` and by the start page, so that a learner sees at once whether
widgets and charts will work.

Widgets and charts need two halves: a Python package in the kernel and an extension in
JupyterLab that draws its output in the browser. The report checks both. The JupyterLab
half is read from the JupyterLab installed in the same environment as casekit (the one
``make lab`` starts): the widget manager (``@jupyter-widgets/jupyterlab-manager``) and
the built-in Vega renderer (``@jupyterlab/vega5-extension``) must be installed and not
disabled, the same facts ``jupyter labextension list`` prints.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import platform
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from casekit import notebooks

__all__ = ["LAB_EXTENSIONS", "PACKAGES", "report"]

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


#: JupyterLab extensions the course needs: report label, extension name, how to fix.
LAB_EXTENSIONS = (
    ("widgets in JupyterLab", "@jupyter-widgets/jupyterlab-manager", "jupyterlab_widgets"),
    ("charts in JupyterLab", "@jupyterlab/vega5-extension", "jupyterlab"),
)


def _lab_extensions() -> tuple[dict[str, str], list[str]]:
    """Return the JupyterLab extensions of this environment: ``({name: version}, disabled)``.

    Prebuilt (pip-installed) extensions are found in the ``labextensions`` folders of
    :func:`jupyter_core.paths.jupyter_path`; extensions built into JupyterLab (such as the
    Vega renderer) in the application's ``static/package.json``. ``disabled`` lists the
    names and plugin ids that JupyterLab's page config turns off.
    """
    from jupyter_core.paths import jupyter_path
    from jupyterlab.commands import get_app_dir
    from jupyterlab_server.config import get_federated_extensions, get_page_config

    labextensions = jupyter_path("labextensions")
    installed = {
        name: str(data.get("version", "?"))
        for name, data in get_federated_extensions(labextensions).items()
    }
    app_dir = Path(get_app_dir())
    built = app_dir / "static" / "package.json"
    if built.is_file():
        package = json.loads(built.read_text(encoding="utf-8"))
        metadata = package.get("jupyterlab", {})
        versions = package.get("dependencies", {})
        for kind in ("extensions", "mimeExtensions"):
            for name in metadata.get(kind, {}):
                installed.setdefault(name, str(versions.get(name, "?")).lstrip("~^"))
    config = get_page_config(labextensions, app_settings_dir=str(app_dir / "settings"))
    return installed, list(config.get("disabledExtensions", []))


def _extension_row(
    label: str, name: str, fix: str, installed: Mapping[str, str], disabled: Iterable[str]
) -> tuple[str, str, bool]:
    """One report row for a JupyterLab extension: installed and enabled, or what to do."""
    if name not in installed:
        return label, f"{name} not installed: pip install --force-reinstall {fix}", False
    off = [d for d in disabled if d == name or d.startswith(name + ":")]
    if off:
        return label, f"{name} disabled: jupyter labextension enable {name}", False
    return label, f"{name} {installed[name]} enabled", True


def _lab_rows() -> list[tuple[str, str, bool]]:
    try:
        installed, disabled = _lab_extensions()
    except Exception as exc:  # no JupyterLab, or an unreadable config: a finding, not a crash
        return [
            (label, f"cannot read JupyterLab's extensions ({type(exc).__name__}: {exc})", False)
            for label, _, _ in LAB_EXTENSIONS
        ]
    return [_extension_row(*extension, installed, disabled) for extension in LAB_EXTENSIONS]


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
    widget front end (``jupyterlab_widgets``), the offline chart renderer, that
    JupyterLab's widget and Vega extensions (:data:`LAB_EXTENSIONS`) are installed and
    enabled, and the ``datasets`` folder.
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
    rows.extend(_lab_rows())
    data = notebooks.root() / "datasets"
    rows.append(("datasets folder", "found" if data.is_dir() else "missing", data.is_dir()))
    return pd.DataFrame(rows, columns=["item", "found", "ok"])

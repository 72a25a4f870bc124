"""casekit.doctor and the ``casekit doctor`` command."""

from __future__ import annotations

import json

import pytest

from casekit import doctor
from casekit.cli import main


def test_report_lists_every_package_and_front_end() -> None:
    table = doctor.report()
    assert list(table.columns) == ["item", "found", "ok"]
    assert set(doctor.PACKAGES) <= set(table["item"])
    assert {"Python", "widgets front end", "charts", "datasets folder"} <= set(table["item"])
    assert table["ok"].all(), table[~table["ok"]]


def test_missing_package_is_reported(monkeypatch) -> None:
    original = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda p: None if p == "altair" else original(p))
    table = doctor.report().set_index("item")
    assert table.loc["altair", "found"] == "not installed"
    assert not table.loc["altair", "ok"]


def test_cli_doctor_exit_status(capsys, monkeypatch) -> None:
    assert main(["doctor"]) == 0
    assert "All good." in capsys.readouterr().out
    monkeypatch.setattr(doctor, "_chart_check", lambda: (False, "cannot draw charts: boom"))
    assert main(["doctor"]) == 1
    assert "1 problem(s) found." in capsys.readouterr().out


WIDGETS = "@jupyter-widgets/jupyterlab-manager"
VEGA = "@jupyterlab/vega5-extension"


def test_lab_extensions_of_this_environment_are_reported() -> None:
    table = doctor.report().set_index("item")
    assert table.loc["widgets in JupyterLab", "found"].startswith(WIDGETS)
    assert table.loc["charts in JupyterLab", "found"].startswith(VEGA)
    assert table.loc[["widgets in JupyterLab", "charts in JupyterLab"], "ok"].all()


@pytest.mark.parametrize(
    ("installed", "disabled", "ok", "says"),
    [
        ({WIDGETS: "5.0.16", VEGA: "4.6.6"}, [], True, "enabled"),
        ({VEGA: "4.6.6"}, [], False, "not installed: pip install --force-reinstall"),
        ({WIDGETS: "5.0.16", VEGA: "4.6.6"}, [WIDGETS], False, "disabled"),
        ({WIDGETS: "5.0.16", VEGA: "4.6.6"}, [WIDGETS + ":plugin"], False, "disabled"),
        ({WIDGETS: "5.0.16", VEGA: "4.6.6"}, [WIDGETS + "-other"], True, "enabled"),
    ],
)
def test_widget_extension_states(monkeypatch, installed, disabled, ok, says) -> None:
    monkeypatch.setattr(doctor, "_lab_extensions", lambda: (installed, disabled))
    row = doctor.report().set_index("item").loc["widgets in JupyterLab"]
    assert bool(row["ok"]) is ok and says in row["found"]


def test_disabled_vega_renderer_fails_the_cli(monkeypatch, capsys) -> None:
    monkeypatch.setattr(doctor, "_lab_extensions", lambda: ({WIDGETS: "5", VEGA: "4"}, [VEGA]))
    assert main(["doctor"]) == 1
    assert f"jupyter labextension enable {VEGA}" in capsys.readouterr().out


def test_unreadable_lab_is_a_finding_not_a_crash(monkeypatch) -> None:
    def broken():
        raise ModuleNotFoundError("No module named 'jupyterlab'")

    monkeypatch.setattr(doctor, "_lab_extensions", broken)
    table = doctor.report().set_index("item")
    for label in ("widgets in JupyterLab", "charts in JupyterLab"):
        assert not table.loc[label, "ok"] and "jupyterlab" in table.loc[label, "found"]


def test_reads_installed_and_disabled_from_jupyter_folders(tmp_path, monkeypatch) -> None:
    """The real jupyter path and page-config machinery, pointed at a made-up environment."""
    extension = tmp_path / "data" / "labextensions" / "@course" / "demo"
    extension.mkdir(parents=True)
    (extension / "package.json").write_text(
        json.dumps(
            {
                "name": "@course/demo",
                "version": "1.2.3",
                "jupyterlab": {"_build": {"load": "static/remoteEntry.js"}},
            }
        )
    )
    labconfig = tmp_path / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": {VEGA: True}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "data"))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    installed, disabled = doctor._lab_extensions()
    assert installed["@course/demo"] == "1.2.3"
    assert VEGA in installed, "the built-in Vega renderer is part of JupyterLab's build"
    assert VEGA in disabled and WIDGETS not in disabled

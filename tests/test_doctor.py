"""casekit.doctor and the ``casekit doctor`` command."""

from __future__ import annotations

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

"""tests/browser: old screenshots are cleared only for the notebooks a run really tests."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browser import conftest as browser


def _pictures(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"png")


def test_clears_only_the_named_notebooks(tmp_path: Path) -> None:
    _pictures(
        tmp_path,
        [
            "notebooks_01_value.png",
            "notebooks_01_value-widget.png",
            "notebooks_01_value-reopened.png",
            "notebooks_01_value_more.png",
            "notebooks_02.png",
            "timings.json",
        ],
    )
    removed = browser.clear_artifacts(["notebooks/01_value.ipynb"], folder=tmp_path)
    assert len(removed) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notebooks_01_value_more.png",
        "notebooks_02.png",
        "timings.json",
    ]


def _session(tmp_path: Path, *, browser_on: bool, collect_only: bool, notebooks: list[str]):
    options = {"--browser": browser_on}
    config = SimpleNamespace(
        getoption=lambda name, default=None: options.get(name, default),
        option=SimpleNamespace(collectonly=collect_only),
    )
    items = [SimpleNamespace(callspec=SimpleNamespace(params={"notebook": n})) for n in notebooks]
    items.append(SimpleNamespace())  # a test that is not per notebook
    return SimpleNamespace(config=config, items=items)


@pytest.mark.parametrize(
    ("browser_on", "collect_only", "selected", "left"),
    [
        (True, True, ["notebooks/a.ipynb"], {"notebooks_a.png", "notebooks_b.png"}),
        (False, False, ["notebooks/a.ipynb"], {"notebooks_a.png", "notebooks_b.png"}),
        (True, False, [], {"notebooks_a.png", "notebooks_b.png"}),
        (True, False, ["notebooks/a.ipynb"], {"notebooks_b.png"}),
    ],
)
def test_collect_only_and_subsets_keep_pictures(
    tmp_path: Path, monkeypatch, browser_on, collect_only, selected, left
) -> None:
    monkeypatch.setattr(browser, "ARTIFACTS", tmp_path)
    _pictures(tmp_path, ["notebooks_a.png", "notebooks_b.png"])
    session = _session(
        tmp_path, browser_on=browser_on, collect_only=collect_only, notebooks=selected
    )
    browser.pytest_collection_finish(session)
    assert {p.name for p in tmp_path.iterdir()} == left

"""Browser tests: the course in JupyterLab, in headless Chromium, with the internet cut off.

They run only with ``--browser`` (``make test-browser``): plain ``make test`` stays
browser-free, so these files are not even collected there. They need Debian's Chromium
(``apt-get install -y chromium``) and the ``browser`` extra (Playwright for Python).

Screenshots, and a JSON file with the measured times, go to ``test-artifacts/browser/``.
A run replaces the pictures of the notebooks it tests and keeps the others; collecting
only (``--co``) or selecting nothing deletes nothing.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from casekit import notebooks

ARTIFACTS = notebooks.root() / "test-artifacts" / "browser"
#: Measurements gathered while the tests run: {notebook: {...}}, printed at the end.
RESULTS: dict[str, dict[str, Any]] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("casekit browser tests")
    group.addoption(
        "--browser",
        action="store_true",
        default=False,
        help="run the JupyterLab browser tests (needs chromium and the 'browser' extra)",
    )
    group.addoption(
        "--course",
        default=None,
        help="course folder whose notebooks/ to test (default: this repository)",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave the browser tests out unless ``--browser`` was given."""
    if config.getoption("--browser", default=False):
        return None
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        return True
    return None


def pytest_configure(config: pytest.Config) -> None:
    """With ``--browser``, say at once what is missing instead of failing every test."""
    if not config.getoption("--browser", default=False):
        return
    from tests.browser.lab import CHROMIUM, chromium_available

    if importlib.util.find_spec("playwright") is None:
        raise pytest.UsageError(
            "the browser tests need Playwright: pip install -e '.[browser]' "
            "(make test-browser does it)"
        )
    if not chromium_available():
        raise pytest.UsageError(
            f"the browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium "
            "(or set CASEKIT_CHROMIUM to another Chromium)"
        )


def artifact(notebook: str, suffix: str = "", folder: Path | None = None) -> Path:
    """The screenshot file of ``notebook`` (``suffix`` such as ``"-widget"``)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(notebook).with_suffix("").as_posix())
    return (ARTIFACTS if folder is None else folder) / f"{stem}{suffix}.png"


def clear_artifacts(notebooks_run: Iterable[str], folder: Path | None = None) -> list[Path]:
    """Delete the old screenshots of the notebooks about to be tested; return them."""
    folder = ARTIFACTS if folder is None else folder
    removed = []
    for notebook in notebooks_run:
        plain = artifact(notebook, folder=folder)
        for old in [plain, *folder.glob(f"{plain.stem}-*.png")]:
            if old.is_file():
                old.unlink()
                removed.append(old)
    return removed


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests to run are known, clear the old pictures of their notebooks only.

    Nothing is deleted on ``--co`` or when no test is selected, and a ``-k`` subset keeps
    the pictures of the notebooks it leaves out.
    """
    config = session.config
    if not config.getoption("--browser", default=False) or config.option.collectonly:
        return
    selected = {
        item.callspec.params["notebook"]
        for item in session.items
        if "notebook" in getattr(getattr(item, "callspec", None), "params", {})
    }
    clear_artifacts(selected)


def _course(config: pytest.Config) -> Path:
    option = config.getoption("--course", default=None)
    return Path(option).resolve() if option else notebooks.root()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One set of tests per lesson and case notebook (found, never listed by hand)."""
    if "notebook" in metafunc.fixturenames:
        course = _course(metafunc.config)
        found = [
            p.relative_to(course).as_posix()
            for p in notebooks.course_notebooks("notebooks", base=course)
        ]
        metafunc.parametrize("notebook", found, scope="module")


@pytest.fixture(scope="session")
def lab(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """JupyterLab on two copies of the course: ``run/`` to execute, ``stored/`` to reopen."""
    from tests.browser.lab import LabServer, copy_course

    course = _course(pytestconfig)
    work = tmp_path_factory.mktemp("lab")
    copy_course(course, work / "site" / "run")
    copy_course(course, work / "site" / "stored")
    with LabServer(work / "site", work / "state") as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from tests.browser.lab import launch_browser

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


def record(notebook: str, **values: Any) -> None:
    """Keep measurements of ``notebook`` for the summary at the end of the run."""
    entry = RESULTS.setdefault(notebook, {})
    for key, value in values.items():
        entry[key] = asdict(value) if hasattr(value, "__dataclass_fields__") else value


def _fmt(seconds: float | None, unit: float = 1.0, digits: int = 2) -> str:
    return "-" if seconds is None else f"{seconds * unit:.{digits}f}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not RESULTS:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    timings = ARTIFACTS / "timings.json"
    try:  # keep the figures of notebooks this run left out
        kept = json.loads(timings.read_text()) if timings.is_file() else {}
    except ValueError:
        kept = {}
    timings.write_text(json.dumps(kept | RESULTS, indent=2) + "\n")
    write = terminalreporter.write_line
    terminalreporter.section("casekit in JupyterLab (headless Chromium, offline)")
    write(
        f"{'notebook':<44} {'run all s':>9} {'last chart s':>12} {'charts':>6} "
        f"{'widgets':>7} {'slider ms (median)':>18}  reopened charts"
    )
    for name, entry in sorted(RESULTS.items()):
        run = entry.get("run", {})
        slider = entry.get("slider")
        moved = "-"
        if slider:
            shown = slider["chart_ms"] if slider["has_chart"] else slider["update_ms"]
            moved = f"{sorted(shown)[len(shown) // 2]:.0f}" if shown else "-"
        elif run:
            moved = "no slider"
        reopened = entry.get("reopened", "-")
        write(
            f"{name:<44} {_fmt(run.get('run_seconds')):>9} "
            f"{_fmt(run.get('last_chart_seconds')):>12} {run.get('charts', '-'):>6} "
            f"{run.get('widgets', '-'):>7} {moved:>18}  {reopened}"
        )
    write(f"screenshots and timings.json: {ARTIFACTS}")

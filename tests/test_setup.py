"""The set-up files agree with each other: pyproject, environment.yml, constraints, CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def pyproject(root: Path) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text())


def environment_packages(root: Path) -> set[str]:
    names = set()
    text = (root / "environment.yml").read_text()
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        match = re.match(r"^  - ([A-Za-z0-9_.\-]+)", line)
        if match and match.group(1) not in {"python", "pip"}:
            names.add(match.group(1).lower())
    return names


def test_environment_yml_matches_pyproject(root: Path) -> None:
    project = pyproject(root)["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    assert environment_packages(root) == wanted


def test_environment_installs_casekit_editable(root: Path) -> None:
    text = (root / "environment.yml").read_text()
    assert "- conda-forge" in text and re.search(r"pip:\n\s+- -e \.", text)


def test_constraints_pin_every_dependency(root: Path) -> None:
    pins = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version
    project = pyproject(root)["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    missing = {n for n in wanted if n.replace("_", "-") not in pins}
    assert missing == set(), "run 'make lock' after changing dependencies"


def test_ci_runs_the_readme_test_command(root: Path) -> None:
    readme = (root / "README.md").read_text()
    ci = (root / ".ci" / "run").read_text()
    assert "make test" in readme and re.search(r"^make test$", ci, re.MULTILINE)

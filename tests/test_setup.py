"""The set-up files agree with each other: pyproject, environment.yml, constraints, CI."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest


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
    extras = project["optional-dependencies"]
    wanted = _names(project["dependencies"]) | _names(extras["test"]) | _names(extras["browser"])
    missing = {n for n in wanted if n.replace("_", "-") not in pins}
    assert missing == set(), "run 'make lock' after changing dependencies"


def test_ci_runs_the_readme_test_command(root: Path) -> None:
    readme = (root / "README.md").read_text()
    ci = (root / ".ci" / "run").read_text()
    assert "make test" in readme and re.search(r"^make test$", ci, re.MULTILINE)


def test_make_explains_a_failed_venv(root: Path, tmp_path: Path) -> None:
    """Without Python's venv module, make says what to install and leaves no broken venv."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    # A python that fails the way Debian's does without python3-venv: it creates part of
    # the venv, then exits non-zero.
    fake = tmp_path / "python3"
    fake.write_text('#!/bin/sh\nmkdir -p "$3/bin" && touch "$3/bin/python"\nexit 1\n')
    fake.chmod(0o755)
    venv = tmp_path / "venv"
    run = subprocess.run(
        [make, "-C", str(root), f"PYTHON={fake}", f"VENV={venv}", f"{venv}/bin/python"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "sudo apt-get install python3-venv" in run.stdout
    assert not venv.exists(), "a half-made venv would make the next run skip this step"


def test_readme_names_every_prerequisite(root: Path) -> None:
    setup = (root / "README.md").read_text().split("## Set-up", 1)[1].split("\n## ", 1)[0]
    for needed in ("Python 3.11", "`make`", "python3-venv"):
        assert needed in setup

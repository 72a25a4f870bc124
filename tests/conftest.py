"""Shared fixtures for the casekit test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit import notebooks

ROOT = notebooks.root()


@pytest.fixture
def root() -> Path:
    """The course's top folder."""
    return ROOT

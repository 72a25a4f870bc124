"""casekit: the helper library of an open Jupyter course on customer relationships
and customer service.

Import it as ``ck`` in a notebook::

    import casekit as ck

    ck.start("01_value_of_relationships")   # load this notebook's exercise checks
    ck.check("q1", answer)                  # friendly feedback on one answer
    ck.progress()                           # how many questions are done

Topic modules (``ck.clv``, ``ck.datasets``, ``ck.charts`` ...) are imported on first
use, so ``import casekit`` stays quick and does not pull in Altair or SciPy until a
notebook needs them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from casekit.checks import check, progress, start

__version__ = "0.1.0"

__all__ = ["__version__", "check", "progress", "start"]


def __getattr__(name: str) -> ModuleType:
    """Import the submodule ``casekit.<name>`` on first attribute access."""
    if name.startswith("_"):
        raise AttributeError(f"module 'casekit' has no attribute {name!r}")
    try:
        return importlib.import_module(f"casekit.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"casekit.{name}":
            raise AttributeError(f"module 'casekit' has no attribute {name!r}") from None
        raise

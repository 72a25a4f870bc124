"""The synthetic world of the course: three companies and an audit, generated from a seed.

:func:`build` returns every synthetic table as a DataFrame; :func:`casekit.datasets.generate`
writes them to ``datasets/``. Each company has its own module and its own random stream
(spawned from the one seed), so changing one company's generator leaves the others'
tables unchanged:

* :mod:`casekit.world.cedar_lane` - Cedar Lane Market, a retailer with a loyalty club;
* :mod:`casekit.world.kestrel` - Kestrel Supply, a B2B distributor;
* :mod:`casekit.world.harbor_spa` - Harbor Spa, a membership business;
* :mod:`casekit.world.audit` - the internal service audit checklist.

:mod:`casekit.world.effects` measures the planted effects for the instructor notes.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from casekit.world import audit, cedar_lane, harbor_spa, kestrel

__all__ = ["COMPANY_MODULES", "build"]

#: Each company's generator, in the order their random streams are spawned.
COMPANY_MODULES = (cedar_lane, kestrel, harbor_spa, audit)


def build(seed: int) -> dict[str, pd.DataFrame]:
    """Generate every table of the synthetic world.

    Parameters
    ----------
    seed : int
        Non-negative seed; the same seed gives the same tables on any machine.

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name -> table, with the columns listed in :mod:`casekit.catalog`.

    Raises
    ------
    TypeError, ValueError
        If ``seed`` is not a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    streams = np.random.SeedSequence(int(seed)).spawn(len(COMPANY_MODULES))
    tables: dict[str, pd.DataFrame] = {}
    for module, stream in zip(COMPANY_MODULES, streams, strict=True):
        tables.update(module.build(np.random.default_rng(stream)))
    return tables

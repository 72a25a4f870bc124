"""Case studies: three management situations that use the whole toolkit, in variants.

Each case is a notebook in ``notebooks/cases/`` (the situation, the exhibits, the
decision and, in cells tagged ``instructor``, the instructor note) with a worksheet
that is single-sourced like the lessons' exercises: ``solutions/cases/<case>.ipynb``
(answers between solution markers) builds ``exercises/cases/<case>.ipynb``, and the
checks live in ``casekit.questions.nb_<case>``.

=================  =====================================================
case               situation
=================  =====================================================
``kestrel_supply`` Kestrel Supply: the key account is unhappy
``harbor_spa``     Harbor Spa: is the membership worth fighting for?
``cedar_lane``     Cedar Lane Market: complaints are rising
=================  =====================================================

Variants: same story, different numbers
---------------------------------------
Every case notebook has a ``seed`` parameter and reads its data through :func:`load`.

* ``seed = 2024`` (:data:`casekit.datasets.DEFAULT_SEED`) reads the committed tables.
* Any other seed reads a **variant**: the company's tables exactly as
  ``casekit datasets generate --seed SEED`` would write them, but generated in memory
  for that one company. This is cheap because each company of the synthetic world
  draws from its own random stream, spawned from the world seed
  (:func:`casekit.world.build`), so one company can be generated without the others:
  about 0.1 s for Kestrel Supply and Harbor Spa and 1-3 s for Cedar Lane Market,
  against several seconds for the whole world plus writing and re-reading its files.
* The story survives because the planted effects (Calamba's slow warehouse, each
  Harbor Spa plan's retention, the courier change and the recovery effects at Cedar
  Lane, see ``datasets/README.md``) are parameters of the generators, not accidents of
  one draw: every seed has them, each with its own noise, customers, accounts and
  members. The solutions and the checks compute every answer from the data of the
  seed they are given, so they are right for any variant.

``casekit cases variants CASE --students roster.csv --out DIR`` gives each student a
seed of their own (:func:`variant_seed`) and writes their notebook and the
instructor's answer sheet (:mod:`casekit.cases.variants`).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import numbers
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pandas as pd

from casekit import catalog, datasets

__all__ = [
    "CASES",
    "Case",
    "case",
    "company_tables",
    "load",
    "story",
    "variant_seed",
]


@dataclass(frozen=True)
class Case:
    """One case study.

    Parameters
    ----------
    name : str
        The case's key: the notebooks are ``notebooks/cases/<name>.ipynb``,
        ``solutions/cases/<name>.ipynb`` and ``exercises/cases/<name>.ipynb``.
    title : str
        The situation in a few words.
    company : str
        Key of the company in :data:`casekit.catalog.COMPANIES`.
    """

    name: str
    title: str
    company: str

    @property
    def module(self) -> ModuleType:
        """The case's module, ``casekit.cases.<name>`` (story, facts, case data)."""
        return importlib.import_module(f"casekit.cases.{self.name}")


#: The course's cases, by key.
CASES: dict[str, Case] = {
    c.name: c
    for c in (
        Case("kestrel_supply", "Kestrel Supply: the key account is unhappy", "kestrel"),
        Case("harbor_spa", "Harbor Spa: is the membership worth fighting for?", "harbor"),
        Case("cedar_lane", "Cedar Lane Market: complaints are rising", "cedar"),
    )
}

_COMPANY_MODULES = {"cedar": "cedar_lane", "kestrel": "kestrel", "harbor": "harbor_spa"}


def case(name: str) -> Case:
    """Return the case called ``name``; the error lists the cases."""
    if not isinstance(name, str) or name not in CASES:
        raise ValueError(f"case must be one of {sorted(CASES)}, got {name!r}")
    return CASES[name]


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _typed(frame: pd.DataFrame, spec: catalog.Table) -> pd.DataFrame:
    """Give a generated table the column types :func:`casekit.datasets.load` gives it.

    Dates keep the day and times the whole second, as in the files.
    """
    out = {}
    for c in spec.columns:
        values = frame[c.name]
        if c.dtype == "date":
            values = pd.to_datetime(values).dt.floor("D").astype("datetime64[us]")
        elif c.dtype == "datetime":
            values = pd.to_datetime(values).dt.floor("s").astype("datetime64[us]")
        elif c.dtype == "category":
            # As read from a file: categories first in sorted order, then the catalogue's
            # (pandas keeps the first order when the two hold the same values unordered).
            values = values.astype("str").astype("category")
            values = values.astype(pd.CategoricalDtype(list(c.values), ordered=c.ordered))
        elif c.dtype == "string":
            values = values.astype("str")
        else:
            values = values.astype(
                {"int": "int64", "float": "float64", "bool": "bool", "boolean": "boolean"}[c.dtype]
            )
        out[c.name] = values.reset_index(drop=True)
    return pd.DataFrame(out)


@functools.lru_cache(maxsize=2)
def _generated(company: str, seed: int) -> dict[str, pd.DataFrame]:
    from casekit import world

    module = importlib.import_module(f"casekit.world.{_COMPANY_MODULES[company]}")
    streams = np.random.SeedSequence(seed).spawn(len(world.COMPANY_MODULES))
    stream = streams[world.COMPANY_MODULES.index(module)]
    frames = module.build(np.random.default_rng(stream))
    return {name: _typed(frame, catalog.TABLES[name]) for name, frame in frames.items()}


def company_tables(company: str, seed: int) -> dict[str, pd.DataFrame]:
    """Every table of one company of the synthetic world generated with ``seed``.

    The same tables, with the same types, that ``casekit datasets generate --seed
    seed`` followed by :func:`casekit.datasets.load` would give, generated in memory
    for this company alone (see the module's notes). Kept in memory for the last two
    (company, seed) pairs; each call returns fresh copies.

    Parameters
    ----------
    company : str
        ``"cedar"``, ``"kestrel"`` or ``"harbor"``.
    seed : int
        Non-negative seed of the world.

    Raises
    ------
    ValueError, TypeError
        If ``company`` is not a company of the synthetic world or ``seed`` is not a
        non-negative integer.
    """
    if company not in _COMPANY_MODULES:
        raise ValueError(f"company must be one of {sorted(_COMPANY_MODULES)}, got {company!r}")
    frames = _generated(company, _check_seed(seed))
    return {name: frame.copy(deep=True) for name, frame in frames.items()}


def load(name: str, seed: int = datasets.DEFAULT_SEED) -> pd.DataFrame:
    """Load table ``name`` of the world with ``seed``: the course data or a variant.

    Parameters
    ----------
    name : str
        A synthetic table of :func:`casekit.datasets.names` (``"kestrel_orders"``, ...).
    seed : int
        :data:`casekit.datasets.DEFAULT_SEED` (the default) reads the committed file
        with :func:`casekit.datasets.load`; any other seed generates the table's
        company in memory (:func:`company_tables`).

    Returns
    -------
    pandas.DataFrame
        A fresh copy, with the documented column types.

    Raises
    ------
    ValueError, TypeError
        If ``name`` is not a table of the course, is real data (which has no variants)
        or ``seed`` is not a non-negative integer.

    Examples
    --------
    >>> orders = load("kestrel_orders", seed=7)
    >>> orders.columns[:3].tolist()
    ['order_id', 'account_id', 'ordered']
    """
    spec = datasets.table(name)
    seed = _check_seed(seed)
    if seed == datasets.DEFAULT_SEED:
        return datasets.load(name)
    if spec.company not in _COMPANY_MODULES:
        raise ValueError(
            f"name must be a table of Cedar Lane, Kestrel or Harbor Spa to have variants, "
            f"got {name!r} ({spec.source} data of {catalog.COMPANIES[spec.company].name})"
        )
    return company_tables(spec.company, seed)[name]


def variant_seed(case_name: str, student: str, salt: str = "") -> int:
    """The seed of one student's variant of a case: stable, and never the course's own.

    ``seed = 1 + (first 8 bytes of SHA-256 of "case|salt|student") mod 999,983``, moved
    on by one if it would be :data:`casekit.datasets.DEFAULT_SEED`. The same student
    gets the same variant every time; another ``salt`` (a term, a section) deals new
    variants to everyone.

    Parameters
    ----------
    case_name : str
        The case's key (different cases give a student different seeds).
    student : str
        The student's identifier from the roster.
    salt : str
        Any text; the default is none.
    """
    case(case_name)
    for label, value in (("student", student), ("salt", salt)):
        if not isinstance(value, str):
            raise TypeError(f"{label} must be text, got {type(value).__name__} {value!r}")
    if not student.strip():
        raise ValueError(f"student must be a non-empty identifier, got {student!r}")
    digest = hashlib.sha256(f"{case_name}|{salt}|{student.strip()}".encode()).digest()
    seed = 1 + int.from_bytes(digest[:8], "big") % 999_983
    return seed + 1 if seed == datasets.DEFAULT_SEED else seed


def story(case_name: str, seed: int = datasets.DEFAULT_SEED, **params: object) -> str:
    """The case's opening story, as Markdown, with the numbers of the ``seed`` variant.

    Parameters
    ----------
    case_name : str
        The case's key.
    seed : int
        The variant.
    **params
        Other parameters of the notebook that the story quotes.
    """
    return case(case_name).module.story(seed=_check_seed(seed), **params)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``casekit cases`` command (``list``, ``variants``) to the CLI."""
    from casekit.cases import variants

    variants.register(commands)

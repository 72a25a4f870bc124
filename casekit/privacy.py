"""Personal data, handled with care: pseudonymise before you analyse.

A CRM database holds names, birth dates, phone numbers and addresses (the course notes,
source 001, list what a retailer should collect). Segmentation needs none of them as they
are: it needs a stable customer key to join tables, an age band rather than a birthday,
a distance band rather than a street. This module turns a table of personal data into
an analysis table that keeps what the analysis needs and nothing more:

* **keyed hashing** of identifiers (:func:`pseudonym`): each id is replaced by the
  HMAC-SHA256 of the id under a secret key, so the same customer gets the same pseudonym
  in every table (joins still work) while nobody without the key can go back from the
  pseudonym to the id. A *plain* hash is not enough: customer numbers and phone numbers
  come from small sets, and hashing every possible value undoes the hash in seconds.
* **dropping** direct identifiers (:data:`DIRECT_IDENTIFIERS`: name, e-mail, phone);
* **coarsening** quasi-identifiers: exact birth dates into age bands
  (:func:`age_band`), exact distances into bands (:func:`to_bands`);
* a check of what is left: :func:`k_anonymity`, the size of the smallest group of
  customers who share the same values of the chosen columns.

The principles behind it are **purpose limitation** (collect and use personal data only
for stated purposes) and **data minimisation** (no more data than the purpose needs):
EU General Data Protection Regulation (GDPR), Regulation (EU) 2016/679, Art. 5(1)(b) and
(c); the Philippine Data Privacy Act of 2012 (Republic Act No. 10173), section 11
(transparency, legitimate purpose, proportionality). Pseudonymised data are still
personal data (GDPR Art. 4(5) and recital 26): whoever holds the key can re-identify
them, so the key is kept apart from the data, and the analysis table still deserves care.

References
----------
Krawczyk, H., Bellare, M. & Canetti, R. (1997). HMAC: keyed-hashing for message
authentication. RFC 2104. https://doi.org/10.17487/RFC2104

Sweeney, L. (2002). k-anonymity: a model for protecting privacy. *International Journal of
Uncertainty, Fuzziness and Knowledge-Based Systems* 10(5), 557-570.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from casekit.validation import (
    as_datetime_column,
    check_columns,
    check_day,
    check_integer,
    check_nonempty,
)

__all__ = [
    "AGE_EDGES",
    "DIRECT_IDENTIFIERS",
    "MIN_KEY_BYTES",
    "age_band",
    "age_in_years",
    "k_anonymity",
    "new_key",
    "pseudonym",
    "pseudonymise",
    "to_bands",
]

#: Columns of the course's customer tables that identify a person directly.
DIRECT_IDENTIFIERS: tuple[str, ...] = ("name", "email", "phone")

#: Lower edges of the age bands (years): 18-24, 25-34, ..., 65+, as in ``cedar_customers``.
AGE_EDGES: tuple[int, ...] = (18, 25, 35, 45, 55, 65)

#: The shortest secret key accepted (bytes): 128 bits.
MIN_KEY_BYTES = 16


def new_key() -> str:
    """A fresh random secret key for :func:`pseudonym` (64 hex digits, 256 bits).

    Keep it apart from the data (a password manager, a secrets store), never in a
    notebook or next to the pseudonymised tables: with the key and a list of candidate
    ids, anyone can recompute the pseudonyms.
    """
    return secrets.token_hex(32)


def _key_bytes(key: Any) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be a str or bytes secret, got {type(key).__name__}")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"key must be at least {MIN_KEY_BYTES} bytes long, got {len(key)}; "
            "make one with privacy.new_key()"
        )
    return bytes(key)


def pseudonym(values: Any, key: str | bytes, *, prefix: str = "", length: int = 16) -> pd.Series:
    """Replace identifiers by keyed hashes (HMAC-SHA256), the same id giving the same code.

    Formula: ``prefix + hex(HMAC-SHA256(key, str(id)))[:length]`` (RFC 2104). With the same
    key the same id always gives the same pseudonym, in any table, so tables still join;
    without the key the pseudonym cannot be traced back, not even by hashing every
    possible id. ``length`` hex digits hold ``4 x length`` bits: 16 digits make a clash
    between two of a million customers about as likely as 1 in 37 million.

    Parameters
    ----------
    values : sequence or pandas.Series
        Identifiers (text or whole numbers). Missing values stay missing.
    key : str or bytes
        The secret key, at least :data:`MIN_KEY_BYTES` bytes (see :func:`new_key`).
    prefix : str
        Text put before every pseudonym (e.g. ``"P"``).
    length : int
        Hex digits kept, 8 to 64.

    Returns
    -------
    pandas.Series
        The pseudonyms (pandas string dtype), with the index of ``values`` if it had one.

    Examples
    --------
    >>> pseudonym(["CL00001", "CL00002", "CL00001"], "course-demo-key-1234", length=8).tolist()
    ['dd38cc06', '5cf69a93', 'dd38cc06']
    """
    secret = _key_bytes(key)
    digits = check_integer("length", length, minimum=8)
    if digits > 64:
        raise ValueError(f"length must be between 8 and 64 hex digits, got {length!r}")
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be text, got {type(prefix).__name__}")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    # hash each distinct id once (HMAC has no vectorised form), then map back by position
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    hashed = np.array(
        [
            prefix + hmac.new(secret, str(u).encode("utf-8"), hashlib.sha256).hexdigest()[:digits]
            for u in uniques
        ]
        + [None],
        dtype=object,
    )
    return pd.Series(hashed[codes], index=series.index, name=series.name, dtype="string")


def age_in_years(birth_dates: Any, as_of: Any) -> pd.Series:
    """Age in whole years (completed birthdays) on the day ``as_of``.

    Formula: ``year(as_of) - year(birth) - 1`` if the birthday has not yet come round in
    ``as_of``'s year, else ``year(as_of) - year(birth)``. Someone born on 29 February
    turns a year older on 1 March in other years.

    Parameters
    ----------
    birth_dates : pandas.Series
        Dates of birth (datetime64 or ISO strings); none may be missing or after ``as_of``.
    as_of : date
        The day on which ages are taken.

    Returns
    -------
    pandas.Series
        Ages (int64), same index.
    """
    born = _birth_dates(birth_dates)
    day = _as_day("as_of", as_of)
    if born.isna().any():
        raise ValueError(f"birth_dates has {int(born.isna().sum())} missing date(s)")
    if (born > day).any():
        first = born[born > day].iloc[0]
        raise ValueError(
            f"dates out of order: a birth date ({first.date()}) is after as_of ({day.date()})"
        )
    before_birthday = (born.dt.month * 100 + born.dt.day) > (day.month * 100 + day.day)
    return (day.year - born.dt.year - before_birthday.astype(np.int64)).astype(np.int64)


def _birth_dates(values: Any) -> pd.Series:
    frame = pd.DataFrame({"birth_date": values})
    return as_datetime_column("birth_dates", frame, "birth_date")


def _as_day(name: str, value: Any) -> pd.Timestamp:
    """A calendar day (midnight) from a date or ISO text; numbers and time zones are refused."""
    return check_day(name, value)


def _band_labels(edges: Sequence[float], unit: str, whole: bool) -> list[str]:
    def fmt(x: float) -> str:
        return f"{x:g}"

    suffix = f" {unit}" if unit else ""
    labels = [f"under {fmt(edges[0])}{suffix}"] if edges[0] > 0 else []
    for low, high in itertools.pairwise(edges):
        upper = fmt(high - 1) if whole else fmt(high)
        labels.append(f"{fmt(low)}-{upper}{suffix}")
    labels.append(f"{fmt(edges[-1])}+{suffix}")
    return labels


def _check_edges(edges: Any) -> list[float]:
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Iterable):
        raise TypeError(f"edges must be a list of increasing numbers, got {edges!r}")
    values = list(edges)
    if not values or not all(
        isinstance(e, (int, float, np.integer, np.floating)) and np.isfinite(e) for e in values
    ):
        raise ValueError(f"edges must be a non-empty list of finite numbers, got {edges!r}")
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"edges must be strictly increasing, got {edges!r}")
    return [float(v) for v in values]


def age_band(birth_dates: Any, as_of: Any, edges: Sequence[int] = AGE_EDGES) -> pd.Series:
    """Coarsen birth dates into age bands on the day ``as_of`` (data minimisation).

    An age ``a`` falls in the band ``[edges[i], edges[i+1])``, labelled
    ``"edges[i]-(edges[i+1]-1)"``; ages from the last edge up are ``"<last>+"`` and
    ages under the first edge ``"under <first>"``. With the default edges the bands are
    those of ``cedar_customers.age_band``.

    Parameters
    ----------
    birth_dates : pandas.Series
        Dates of birth.
    as_of : date
        The day ages are taken (see :func:`age_in_years`).
    edges : sequence of int
        Increasing lower edges of the bands, in whole years.

    Returns
    -------
    pandas.Series
        Ordered categorical of band labels, same index.
    """
    cuts = _check_edges(edges)
    if any(not float(e).is_integer() for e in cuts):
        raise ValueError(f"edges must be whole years, got {edges!r}")
    ages = age_in_years(birth_dates, as_of)
    return _cut("birth_dates", ages, cuts, _band_labels(cuts, "", whole=True))


def to_bands(
    values: Any, edges: Sequence[float], *, unit: str = "", whole: bool = False
) -> pd.Series:
    """Coarsen a number (a distance, an income, an age) into labelled bands.

    A value ``x`` falls in ``[edges[i], edges[i+1])``; values from the last edge up are
    ``"<last>+"``, values below the first edge ``"under <first>"``. Labels read
    ``"2-5 km"`` (``whole=False``: the band includes 2 and stops short of 5) or
    ``"25-34"`` (``whole=True``, for whole numbers such as years).

    Parameters
    ----------
    values : pandas.Series or sequence of float
        The numbers; none may be missing.
    edges : sequence of float
        Strictly increasing band edges.
    unit : str
        Unit written after each label (``"km"``).
    whole : bool
        Label bands of whole numbers by their last value (``25-34``), not the next edge.

    Returns
    -------
    pandas.Series
        Ordered categorical of band labels.

    Examples
    --------
    >>> to_bands([0.4, 2.0, 7.5, 30.0], [2, 5, 10, 20], unit="km").tolist()
    ['under 2 km', '2-5 km', '5-10 km', '20+ km']
    """
    cuts = _check_edges(edges)
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise TypeError(f"values must be numbers, got dtype {series.dtype}")
    if series.isna().any():
        raise ValueError(f"values has {int(series.isna().sum())} missing value(s); fill them first")
    return _cut("values", series, cuts, _band_labels(cuts, unit, whole))


def _cut(name: str, values: pd.Series, cuts: list[float], labels: list[str]) -> pd.Series:
    """Band codes by ``searchsorted``; with edges starting at 0 there is no "under" band."""
    position = np.searchsorted(np.asarray(cuts), values.to_numpy(dtype=float), side="right")
    if len(labels) == len(cuts):
        position = position - 1
        if (position < 0).any():
            raise ValueError(
                f"{name} has value(s) below the first edge {cuts[0]:g}, "
                f"e.g. {values[position < 0].iloc[0]!r}; add a lower edge"
            )
    return pd.Series(
        pd.Categorical.from_codes(position.astype(np.int64), categories=labels, ordered=True),
        index=values.index,
        name=values.name,
    )


def pseudonymise(
    frame: pd.DataFrame,
    key: str | bytes,
    *,
    ids: Sequence[str] = ("customer_id",),
    drop: Sequence[str] = DIRECT_IDENTIFIERS,
    birth_date: str | None = None,
    as_of: Any = None,
    bands: Mapping[str, tuple[Sequence[float], str]] | None = None,
    prefix: str = "P",
    length: int = 16,
) -> pd.DataFrame:
    """An analysis copy of a table of personal data: ids hashed, identifiers dropped or coarsened.

    Steps, in order: every column of ``ids`` is replaced by its :func:`pseudonym` under
    ``key`` (same column name, so joins with other tables pseudonymised with the same
    key still work); the columns of ``drop`` that are present are removed; the
    ``birth_date`` column is replaced by ``age_band`` (:func:`age_band` on ``as_of``);
    each column of ``bands`` is replaced by ``<column>_band`` (:func:`to_bands`). The
    input is not changed.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table with personal data.
    key : str or bytes
        The secret key (see :func:`new_key`); use the same key for every table of one
        analysis, and keep it away from the result.
    ids : sequence of str
        Identifier columns to pseudonymise (each must be present).
    drop : sequence of str
        Direct identifiers to remove where present (default :data:`DIRECT_IDENTIFIERS`).
    birth_date : str, optional
        Column of birth dates to turn into ``age_band`` (needs ``as_of``). If the table
        already has an ``age_band`` column it is replaced.
    as_of : date, optional
        The day ages are taken.
    bands : mapping, optional
        ``{column: (edges, unit)}`` of numeric columns to coarsen, e.g.
        ``{"distance_km": ([2, 5, 10, 20], "km")}``.
    prefix, length : str, int
        Passed to :func:`pseudonym`.

    Returns
    -------
    pandas.DataFrame
        The analysis table.
    """
    check_columns("frame", frame, list(ids))
    out = frame.copy()
    for column in ids:
        out[column] = pseudonym(out[column], key, prefix=prefix, length=length)
    out = out.drop(columns=[c for c in drop if c in out.columns])
    if birth_date is not None:
        check_columns("frame", frame, [birth_date])
        if as_of is None:
            raise ValueError("as_of is needed to turn birth dates into age bands, got None")
        bands_of_age = age_band(frame[birth_date], as_of)
        position = out.columns.get_loc(birth_date)
        out = out.drop(columns=[birth_date, *(["age_band"] if "age_band" in out else [])])
        out.insert(min(position, len(out.columns)), "age_band", bands_of_age)
    for column, spec in (bands or {}).items():
        check_columns("frame", frame, [column])
        if not isinstance(spec, tuple) or len(spec) != 2:
            raise TypeError(f"bands[{column!r}] must be a pair (edges, unit), got {spec!r}")
        edges, unit = spec
        position = out.columns.get_loc(column)
        banded = to_bands(frame[column], edges, unit=unit)
        out = out.drop(columns=[column])
        out.insert(position, f"{column}_band", banded)
    return out


def k_anonymity(frame: pd.DataFrame, columns: Sequence[str]) -> int:
    """The size of the smallest group of rows sharing the same values of ``columns``.

    A table is *k-anonymous* on its quasi-identifiers (age band, city, occupation ...)
    when every combination that occurs is shared by at least ``k`` rows (Sweeney 2002):
    nobody can be singled out by those columns alone. ``k = 1`` means that someone is
    unique, and whoever knows their age band, city and job can find their row.

    Parameters
    ----------
    frame : pandas.DataFrame
        The (pseudonymised) table.
    columns : sequence of str
        The quasi-identifiers to check together.

    Returns
    -------
    int
        ``k``. Missing values count as a value of their own.
    """
    names = list(columns)
    if not names:
        raise ValueError("columns must name at least one column")
    check_columns("frame", frame, names)
    check_nonempty("frame", frame)
    sizes = frame.groupby(names, observed=True, dropna=False).size()
    return int(sizes.min())

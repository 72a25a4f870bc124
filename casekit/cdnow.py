"""Convert the original CDNOW text files into the course's tidy tables.

The CDNOW files (Fader, Hardie & Lee, 2005) are whitespace-separated text:

* ``CDNOW_master.txt``: a header line, then ``customer_id date number_of_cds dollar_value``
  per record, e.g. ``00002 19970112  5   77.00``;
* ``CDNOW_sample.txt``: no header, ``master_id sample_id date number_of_cds dollar_value``,
  e.g. ``00004 0001 19970101  2   29.33``.

The course ships the converted tables (``datasets/cdnow_master.csv.gz`` and
``datasets/cdnow_sample.csv.gz``), so nothing here runs when a notebook loads them. This
module documents, and can repeat, the conversion: ids stay text with their leading zeros,
dates become ISO dates, the rows keep their original order and nothing is dropped.

Example
-------
The files come with the ``lifetimes`` 0.11.3 wheel (``pip download lifetimes==0.11.3
--no-deps``; unzip it, then)::

    from casekit import cdnow
    cdnow.convert("lifetimes/datasets", "datasets")
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from casekit import datasets

__all__ = ["FILES", "convert", "read_master", "read_sample"]

#: Original file name of each table.
FILES = {"cdnow_master": "CDNOW_master.txt", "cdnow_sample": "CDNOW_sample.txt"}


def _read(file: Path, names: list[str], header: int | None) -> pd.DataFrame:
    if not file.is_file():
        raise FileNotFoundError(f"file must be an existing CDNOW text file, got {str(file)!r}")
    return pd.read_csv(file, sep=r"\s+", header=header, names=names, dtype=str)


def _tidy(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"].astype(str),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "quantity": raw["quantity"].astype("int64"),
            "amount": raw["amount"].astype("float64"),
        }
    )


def read_master(file: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``CDNOW_master.txt`` into the ``cdnow_master`` table.

    Parameters
    ----------
    file : path-like
        The original text file.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` (text), ``date``, ``quantity`` (CDs), ``amount`` (US dollars).
    """
    raw = _read(Path(file), ["customer_id", "date", "quantity", "amount"], header=0)
    return _tidy(raw)


def read_sample(file: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``CDNOW_sample.txt`` into the ``cdnow_sample`` table.

    The first field of the file is the customer's id in the master file; it becomes
    ``customer_id`` (so the sample joins the master table). The second, the numbering
    within the published sample, becomes ``sample_id``.

    Parameters
    ----------
    file : path-like
        The original text file.

    Returns
    -------
    pandas.DataFrame
        The ``cdnow_master`` columns plus ``sample_id`` (text).
    """
    raw = _read(Path(file), ["customer_id", "sample_id", "date", "quantity", "amount"], header=None)
    tidy = _tidy(raw)
    tidy["sample_id"] = raw["sample_id"].astype(str)
    return tidy


def convert(
    source: str | os.PathLike[str], out: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Convert the two CDNOW text files in ``source`` into the course's data files.

    Parameters
    ----------
    source : path-like
        Folder holding ``CDNOW_master.txt`` and ``CDNOW_sample.txt``.
    out : path-like, optional
        Folder to write ``cdnow_master.csv.gz`` and ``cdnow_sample.csv.gz`` into; by
        default the course's ``datasets/`` folder.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    source = Path(source)
    master = read_master(source / FILES["cdnow_master"])
    sample = read_sample(source / FILES["cdnow_sample"])
    return [
        datasets.write_table(master, "cdnow_master", out),
        datasets.write_table(sample, "cdnow_sample", out),
    ]

"""The course's data catalogue: what every table holds, one column at a time.

This module is the single source of the data dictionary. :func:`casekit.datasets.describe`
reads it, :func:`casekit.datasets.load` uses it to give each column its proper type, the
tests check the files against it, and ``datasets/README.md`` is written from it.

A table is described by a :class:`Table` (what one row is, its key, its provenance, the
tables it refers to) holding :class:`Column` entries (name, type, unit, meaning, and the
allowed values or range). The column types are a small vocabulary, see :data:`DTYPES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "COMPANIES",
    "CURRENCY",
    "DTYPES",
    "TABLES",
    "Column",
    "Company",
    "Table",
]

#: Column types and what :func:`casekit.datasets.load` turns them into.
DTYPES: dict[str, str] = {
    "string": "text (pandas string); identifiers are text, never numbers",
    "category": "pandas categorical with the allowed values as categories",
    "int": "64-bit integer",
    "float": "64-bit float",
    "bool": "boolean, no missing values",
    "boolean": "nullable boolean (pandas 'boolean'); missing where stated",
    "date": "calendar date (datetime64, time 00:00)",
    "datetime": "date and time of day (datetime64, local time)",
}

#: The currency of every synthetic money column.
CURRENCY = "Php (Philippine pesos)"


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
        Column name (snake_case).
    dtype : str
        One of :data:`DTYPES`.
    unit : str
        Unit of measurement ("Php", "days", "1-7 rating", ...); "" where none applies.
    meaning : str
        What the value means, in a sentence.
    values : tuple of str
        For ``category`` columns, the allowed values (in order, if ``ordered``).
    ordered : bool
        Whether the categories have a natural order (age bands, severity ...).
    nullable : bool
        Whether missing values are allowed (the meaning says when they occur).
    minimum, maximum : float, optional
        Inclusive range of numeric columns.
    """

    name: str
    dtype: str
    unit: str
    meaning: str
    values: tuple[str, ...] = ()
    ordered: bool = False
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Company:
    """A company (or source) of the course's data."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True)
class Table:
    """One table of the course's data.

    Parameters
    ----------
    name : str
        The name passed to :func:`casekit.datasets.load`.
    company : str
        Key of the owning :class:`Company`.
    title : str
        Short title.
    grain : str
        What one row is.
    description : str
        A paragraph on what the table is for.
    key : tuple of str
        Columns that identify a row (unique together).
    columns : tuple of Column
        The columns, in file order.
    references : tuple of (column, table, column)
        Foreign keys: each value of ``column`` appears in ``table.column``.
    source : str
        ``"synthetic"`` (written by :func:`casekit.datasets.generate`) or ``"real"``.
    provenance : str
        Where the data comes from and how to cite it.
    """

    name: str
    company: str
    title: str
    grain: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    references: tuple[tuple[str, str, str], ...] = ()
    source: str = "synthetic"
    provenance: str = ""
    _index: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        """The column names, in file order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        try:
            return self._index[name]
        except KeyError:
            raise ValueError(
                f"column must be one of {self.column_names} of table {self.name!r}, got {name!r}"
            ) from None

    @property
    def filename(self) -> str:
        """The table's file name inside ``datasets/``."""
        return f"{self.name}.csv.gz"


COMPANIES: dict[str, Company] = {
    "cdnow": Company(
        "cdnow",
        "CDNOW (real data)",
        "An online music retailer of the late 1990s. The purchase histories of the "
        "customers who first bought in the first quarter of 1997, up to the end of June "
        "1998: the data set of the classic customer-base analysis papers.",
    ),
}

_CDNOW_PROVENANCE = (
    "Real transaction data of the former online retailer CDNOW, made public by Peter S. "
    "Fader and Bruce G. S. Hardie and used in Fader, P. S., Hardie, B. G. S. & Lee, K. L. "
    '(2005), "Counting Your Customers" the Easy Way: An Alternative to the Pareto/NBD '
    "Model, *Marketing Science* 24(2), 275-284, https://doi.org/10.1287/mksc.1040.0098. "
    "Copied from the files `CDNOW_master.txt` (SHA-256 eff6889e...a072ef) and "
    "`CDNOW_sample.txt` (SHA-256 6fae1015...420d94a) shipped in the `lifetimes` 0.11.3 "
    "package on PyPI (`lifetimes/datasets/`), converted unchanged to tidy CSV by "
    "`casekit.cdnow.convert` (named columns, ISO dates; rows in the original order). "
    "Amounts are US dollars (1997-98 prices). Cite the paper above when you use the data."
)

_CDNOW_COLUMNS = (
    Column(
        "customer_id",
        "string",
        "",
        "The customer's id in the master file (five digits with leading zeros, e.g. '00004').",
    ),
    Column("date", "date", "", "Day of the purchase.", minimum=None),
    Column(
        "quantity",
        "int",
        "CDs",
        "Number of CDs bought in this record.",
        minimum=1,
        maximum=99,
    ),
    Column(
        "amount",
        "float",
        "US dollars",
        "Dollar value of the record (0 for a few records in the original data).",
        minimum=0,
        maximum=1300,
    ),
)

TABLES: dict[str, Table] = {}


def _add(table: Table) -> None:
    if table.name in TABLES:
        raise RuntimeError(f"table {table.name!r} is catalogued twice")
    for col in table.columns:
        if col.dtype not in DTYPES:
            raise RuntimeError(f"{table.name}.{col.name}: unknown dtype {col.dtype!r}")
    TABLES[table.name] = table


_add(
    Table(
        name="cdnow_master",
        company="cdnow",
        title="CDNOW purchases, all 23,570 customers",
        grain="one purchase record (a customer may have several records on one day)",
        description=(
            "Every purchase, to 30 June 1998, of the 23,570 customers who made their first "
            "purchase at CDNOW in the first quarter of 1997 (69,659 records). The first "
            "record of each customer is the first purchase (the acquisition)."
        ),
        key=(),
        columns=_CDNOW_COLUMNS,
        source="real",
        provenance=_CDNOW_PROVENANCE,
    )
)

_add(
    Table(
        name="cdnow_sample",
        company="cdnow",
        title="CDNOW purchases, the 1/10 sample of 2,357 customers",
        grain="one purchase record (a customer may have several records on one day)",
        description=(
            "The 1/10 systematic sample of the CDNOW cohort (2,357 customers, 6,919 records) "
            "used in the papers and in Hardie's spreadsheet notes. The rows are the same "
            "records as in `cdnow_master`: `customer_id` is the original master-file id (so "
            "the two tables join), and `sample_id` is the 1-2,357 numbering of the "
            "published sample."
        ),
        key=(),
        columns=(
            *_CDNOW_COLUMNS,
            Column(
                "sample_id",
                "string",
                "",
                "The customer's number within the sample file (four digits, '0001' to "
                "'2357'), as in the published sample.",
            ),
        ),
        references=(("customer_id", "cdnow_master", "customer_id"),),
        source="real",
        provenance=_CDNOW_PROVENANCE,
    )
)

"""The course's data: load any table with one call, offline.

::

    import casekit as ck

    ck.datasets.names()                      # every table
    ck.datasets.describe("cdnow_sample")     # its data dictionary
    df = ck.datasets.load("cdnow_sample")    # a DataFrame with proper types

Two kinds of table live in ``datasets/`` (one gzip-compressed CSV file each):

* **real data** - the CDNOW purchase histories (Fader, Hardie & Lee, 2005);
* **a synthetic world** of three companies (Cedar Lane Market, a retailer; Kestrel Supply,
  a B2B distributor; Harbor Spa, a membership business) and an internal-audit checklist,
  written by :func:`generate` from a seed, so it can be rebuilt byte for byte.

What each column means lives in one place, :mod:`casekit.catalog`; ``describe`` and
``datasets/README.md`` are both written from it.
"""

from __future__ import annotations

import argparse
import io
import os
import struct
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from casekit import catalog

__all__ = [
    "DEFAULT_SEED",
    "DatasetFileError",
    "data_dir",
    "describe",
    "generate",
    "load",
    "names",
    "path",
    "readme",
    "register",
    "table",
    "write_readme",
    "write_table",
]

#: Seed of the committed synthetic world.
DEFAULT_SEED = 2024

#: Environment variable that points :func:`load` at another data folder.
FOLDER_VARIABLE = "CASEKIT_DATASETS"

_DATE_FORMAT = "%Y-%m-%d"
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_GZIP_LEVEL = 6

_cache: dict[tuple[str, str, int, int], pd.DataFrame] = {}


class DatasetFileError(OSError):
    """A data file is missing or cannot be read; the message says how to rebuild it."""


def data_dir() -> Path:
    """Return the folder the data files are read from.

    That is ``datasets/`` next to the ``casekit`` package, unless the environment
    variable ``CASEKIT_DATASETS`` names another folder.
    """
    configured = os.environ.get(FOLDER_VARIABLE)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "datasets"


def names(company: str | None = None) -> list[str]:
    """Return the names of the tables that :func:`load` accepts, sorted.

    Parameters
    ----------
    company : str, optional
        Only the tables of one company: one of the keys of
        :data:`casekit.catalog.COMPANIES` (``"cedar"``, ``"kestrel"``, ``"harbor"``,
        ``"audit"``, ``"cdnow"``).

    Raises
    ------
    ValueError
        If ``company`` is not a known company key.
    """
    if company is not None and company not in catalog.COMPANIES:
        raise ValueError(
            f"company must be one of {sorted(catalog.COMPANIES)} or None, got {company!r}"
        )
    return sorted(
        name for name, t in catalog.TABLES.items() if company is None or t.company == company
    )


def table(name: str) -> catalog.Table:
    """Return the catalogue entry (schema and provenance) of table ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not a table of the course; the message lists the tables.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a table name (str), got {type(name).__name__}")
    try:
        return catalog.TABLES[name]
    except KeyError:
        raise ValueError(
            f"name must be one of the course's tables, got {name!r}. "
            f"Available: {', '.join(names())}"
        ) from None


def path(name: str, *, directory: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of table ``name``'s file (which may not exist)."""
    spec = table(name)
    base = data_dir() if directory is None else Path(directory)
    return base / spec.filename


def describe(name: str) -> pd.DataFrame:
    """Return the data dictionary of table ``name``.

    Returns
    -------
    pandas.DataFrame
        One row per column of the table, in file order, with ``column``, ``type``
        (see :data:`casekit.catalog.DTYPES`), ``unit``, ``meaning``, ``allowed`` (the
        categories or the range) and ``missing`` (whether missing values occur).

    Examples
    --------
    >>> describe("cdnow_sample")["column"].tolist()
    ['customer_id', 'date', 'quantity', 'amount', 'sample_id']
    """
    spec = table(name)
    rows = [
        {
            "column": c.name,
            "type": c.dtype,
            "unit": c.unit,
            "meaning": c.meaning,
            "allowed": _allowed(c),
            "missing": "allowed" if c.nullable else "none",
        }
        for c in spec.columns
    ]
    return pd.DataFrame(rows, columns=["column", "type", "unit", "meaning", "allowed", "missing"])


def _allowed(col: catalog.Column) -> str:
    if col.values:
        joiner = " < " if col.ordered else ", "
        return joiner.join(col.values)
    if col.minimum is not None and col.maximum is not None:
        return f"{col.minimum:g} to {col.maximum:g}"
    if col.minimum is not None:
        return f"≥ {col.minimum:g}"
    if col.maximum is not None:
        return f"≤ {col.maximum:g}"
    return ""


def _how_to_rebuild(spec: catalog.Table, file: Path) -> str:
    folder = file.parent.resolve()
    if spec.source == "synthetic":
        if folder == data_dir().resolve():  # where generate() writes by default
            return (
                "Rebuild the synthetic data with the command 'casekit datasets generate' "
                "(in Python: casekit.datasets.generate())."
            )
        return (
            f"Rebuild the synthetic data in that folder with the command 'casekit datasets "
            f"generate --out {folder}' (in Python: casekit.datasets.generate(out=...))."
        )
    if folder == Path(__file__).resolve().parent.parent / "datasets":  # the repository's
        return (
            f"It is real data that cannot be regenerated: restore it from the course "
            f"repository (git checkout -- datasets/{spec.filename}), or rebuild it from the "
            f"lifetimes 0.11.3 wheel with casekit.cdnow.convert."
        )
    return (
        f"It is real data that cannot be regenerated: restore it by copying {spec.filename} "
        f"from the course's datasets folder into {folder}, or rebuild it from the lifetimes 0.11.3 "
        f"wheel with casekit.cdnow.convert(source, out=...)."
    )


def load(name: str, *, directory: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load table ``name`` as a DataFrame with its documented column types.

    Identifiers are strings, categories are pandas categoricals, dates and times are
    ``datetime64``, counts are integers. Each call returns a fresh copy, so changing it
    does not change what the next call returns.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    directory : path-like, optional
        Read from this folder instead of :func:`data_dir`.

    Raises
    ------
    ValueError
        If ``name`` is not a table of the course (the message lists them).
    DatasetFileError
        If the file is missing or damaged (the message says how to rebuild it).

    Examples
    --------
    >>> load("cdnow_sample").columns.tolist()
    ['customer_id', 'date', 'quantity', 'amount', 'sample_id']
    """
    spec = table(name)
    file = path(name, directory=directory)
    try:
        stat = file.stat()
    except FileNotFoundError:
        raise DatasetFileError(
            f"The data file of table {name!r} is missing: {file}. {_how_to_rebuild(spec, file)}"
        ) from None
    key = (name, str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        frame = _read(spec, file)
        for old in [k for k in _cache if k[0] == name]:
            del _cache[old]
        _cache[key] = frame
    return _cache[key].copy(deep=True)


def _read(spec: catalog.Table, file: Path) -> pd.DataFrame:
    def damaged(reason: str) -> DatasetFileError:
        return DatasetFileError(
            f"The data file of table {spec.name!r} is damaged ({reason}): {file}. "
            f"{_how_to_rebuild(spec, file)}"
        )

    read_as = {
        "int": "int64",
        "float": "float64",
        "bool": "bool",
        "boolean": "boolean",
        "category": "category",
    }
    dtypes = {c.name: read_as.get(c.dtype, "str") for c in spec.columns}
    try:
        frame = pd.read_csv(
            file, compression="gzip", dtype=dtypes, keep_default_na=False, na_values=[""]
        )
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise damaged(f"{type(exc).__name__}: {exc}") from None
    except pd.errors.ParserError as exc:  # pragma: no cover - a subclass of ValueError
        raise damaged(str(exc)) from None
    if frame.columns.tolist() != spec.column_names:
        raise damaged(f"columns {frame.columns.tolist()} instead of {spec.column_names}")
    for c in spec.columns:
        values = frame[c.name]
        if c.dtype in ("date", "datetime"):
            fmt = _DATE_FORMAT if c.dtype == "date" else _DATETIME_FORMAT
            try:
                values = pd.to_datetime(values, format=fmt)
            except (ValueError, TypeError) as exc:
                raise damaged(f"column {c.name!r}: {exc}") from None
        elif c.dtype == "category":
            unknown = set(values.cat.categories) - set(c.values)
            if unknown:
                raise damaged(f"column {c.name!r} has the unknown value {sorted(unknown)[0]!r}")
            values = values.astype(pd.CategoricalDtype(list(c.values), ordered=c.ordered))
        if not c.nullable and values.isna().any():
            raise damaged(f"column {c.name!r} has missing values")
        frame[c.name] = values
    return frame


def _format(frame: pd.DataFrame, spec: catalog.Table) -> pd.DataFrame:
    out = {}
    for c in spec.columns:
        values = frame[c.name]
        if c.dtype in ("date", "datetime"):
            fmt = _DATE_FORMAT if c.dtype == "date" else _DATETIME_FORMAT
            values = pd.to_datetime(values).dt.strftime(fmt)
        out[c.name] = values
    return pd.DataFrame(out)


def _gzip(data: bytes) -> bytes:
    """Gzip ``data`` reproducibly: no file name, time stamp 0, OS byte 'unknown'."""
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + body + trailer


def write_table(
    frame: pd.DataFrame, name: str, directory: str | os.PathLike[str] | None = None
) -> Path:
    """Write ``frame`` as table ``name``'s file, reproducibly (same frame, same bytes).

    Parameters
    ----------
    frame : pandas.DataFrame
        Must have exactly the catalogued columns of ``name``, in order.
    name : str
        One of :func:`names`.
    directory : path-like, optional
        Target folder (created if needed); default :func:`data_dir`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If the columns differ from the catalogue.
    """
    spec = table(name)
    if frame.columns.tolist() != spec.column_names:
        raise ValueError(
            f"frame must have the columns {spec.column_names} of table {name!r}, "
            f"got {frame.columns.tolist()}"
        )
    text = _format(frame, spec).to_csv(index=False, lineterminator="\n")
    target = path(name, directory=directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(_gzip(text.encode("utf-8")))
    os.replace(tmp, target)
    return target


def generate(
    seed: int = DEFAULT_SEED, out: str | os.PathLike[str] | None = None, *, progress: bool = False
) -> list[Path]:
    """Write the synthetic world's tables and ``README.md`` into ``out``.

    With the default seed this reproduces the committed files byte for byte. The real
    CDNOW files are not touched (they are data, not generated).

    Parameters
    ----------
    seed : int
        Non-negative integer seed of the world (default :data:`DEFAULT_SEED`).
    out : path-like, optional
        Folder to write into (created if needed); default :func:`data_dir`.
    progress : bool
        Show a progress bar (building the world, each table, the README).

    Returns
    -------
    list of pathlib.Path
        The files written, tables first, then ``README.md``.

    Raises
    ------
    TypeError, ValueError
        If ``seed`` is not a non-negative integer.
    """
    from tqdm import tqdm

    from casekit import world
    from casekit.world import effects

    synthetic = [n for n in catalog.TABLES if catalog.TABLES[n].source == "synthetic"]
    with tqdm(total=len(synthetic) + 2, desc="generate", unit="step", disable=not progress) as bar:
        bar.set_postfix_str("building the world")
        frames = world.build(seed)
        bar.update()
        written = []
        for name in sorted(frames, key=_order):
            bar.set_postfix_str(name)
            written.append(write_table(frames[name], name, out))
            bar.update()
        bar.set_postfix_str("README.md")
        written.append(write_readme(out, effects.notes(frames, seed=seed)))
        bar.update(bar.total - bar.n)
    _cache.clear()
    return written


def readme(effects: Mapping[str, str] | None = None) -> str:
    """Return the text of ``datasets/README.md``, written from the catalogue.

    Parameters
    ----------
    effects : mapping, optional
        Instructor notes on the planted effects of the synthetic world (title ->
        Markdown paragraph), added in a section students can skip.
    """
    out = io.StringIO()
    w = out.write
    w("# The course's data\n\n")
    w(
        "<!-- Written by casekit.datasets (from casekit/catalog.py); do not edit by hand. "
        "Regenerate with: casekit datasets generate -->\n\n"
    )
    w(
        "Every table loads offline with one call, with its documented types:\n\n"
        "```python\nimport casekit as ck\n\n"
        'df = ck.datasets.load("cedar_transactions")\n'
        'ck.datasets.describe("cedar_transactions")  # this dictionary, as a table\n```\n\n'
        "Each table is one gzip-compressed CSV file (`<table>.csv.gz`, UTF-8, comma "
        "separated, header row, dates as `YYYY-MM-DD`, times as `YYYY-MM-DD HH:MM:SS`, "
        "missing values as empty fields), so it also opens in a spreadsheet or any other "
        f"tool. Synthetic money columns are in {catalog.CURRENCY}.\n\n"
    )
    w("## Tables\n\n| table | company | rows are | source |\n|---|---|---|---|\n")
    for name in sorted(catalog.TABLES, key=_order):
        t = catalog.TABLES[name]
        w(f"| `{name}` | {catalog.COMPANIES[t.company].name} | {t.grain} | {t.source} |\n")
    w("\n")
    for key, company in catalog.COMPANIES.items():
        tables = [catalog.TABLES[n] for n in sorted(names(key), key=_order)]
        if not tables:
            continue
        w(f"## {company.name}\n\n{company.summary}\n\n")
        for t in tables:
            w(f"### `{t.name}`: {t.title}\n\n{t.description}\n\n")
            facts = [f"*One row:* {t.grain}."]
            if t.key:
                facts.append(f"*Key:* {', '.join(f'`{k}`' for k in t.key)}.")
            if t.references:
                refs = ", ".join(f"`{c}` → `{rt}.{rc}`" for c, rt, rc in t.references)
                facts.append(f"*Refers to:* {refs}.")
            w(" ".join(facts) + "\n\n")
            if t.provenance:
                w(f"*Provenance:* {t.provenance}\n\n")
            w("| column | type | unit | meaning | allowed |\n|---|---|---|---|---|\n")
            for row in describe(t.name).itertuples(index=False):
                allowed = row.allowed + (" (may be missing)" if row.missing == "allowed" else "")
                w(f"| `{row.column}` | {row.type} | {row.unit} | {row.meaning} | {allowed} |\n")
            w("\n")
    w("## Column types\n\n| type | loads as |\n|---|---|\n")
    for dtype, text in catalog.DTYPES.items():
        w(f"| {dtype} | {text} |\n")
    w("\n")
    if effects:
        w(
            "## Instructor notes: planted effects\n\n"
            "*Students can skip this section: it gives away what the lessons discover.* "
            "The synthetic world was generated with these effects built in, with noise. "
            "Each note states the true size used by the generator and, where it helps, "
            "what the committed data shows when measured the simple way.\n\n"
        )
        for title, text in effects.items():
            w(f"### {title}\n\n{text.strip()}\n\n")
    return out.getvalue()


def _order(name: str) -> tuple[int, str]:
    companies = list(catalog.COMPANIES)
    return companies.index(catalog.TABLES[name].company), name


def write_readme(
    directory: str | os.PathLike[str] | None = None, effects: Mapping[str, str] | None = None
) -> Path:
    """Write ``README.md`` (see :func:`readme`) into the data folder; return its path."""
    target = (data_dir() if directory is None else Path(directory)) / "README.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(readme(effects), encoding="utf-8")
    return target


def _cmd_generate(args: argparse.Namespace) -> int:
    try:
        written = generate(seed=args.seed, out=args.out, progress=True)
    except (TypeError, ValueError) as exc:
        print(f"casekit datasets generate: {exc}", file=sys.stderr)
        return 2
    for file in written:
        print(f"wrote {file}")
    print(f"{len(written)} file(s) written with seed {args.seed}.")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    for name in names():
        spec = table(name)
        print(f"{name:<26} {spec.source:<9} {spec.title}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``casekit datasets`` command (``generate``, ``list``) to the CLI."""
    parser = commands.add_parser(
        "datasets",
        help="list the course's tables, or regenerate the synthetic ones",
        description="The course's data: list the tables, or rewrite the synthetic world.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    gen = actions.add_parser(
        "generate",
        help="rewrite the synthetic tables and datasets/README.md",
        description=(
            "Rewrite the synthetic world's tables and datasets/README.md. With the default "
            "seed the files are identical, byte for byte, to the committed ones."
        ),
    )
    gen.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the world (default: %(default)s)"
    )
    gen.add_argument(
        "--out", type=Path, default=None, help="folder to write to (default: the datasets folder)"
    )
    gen.set_defaults(func=_cmd_generate)
    listing = actions.add_parser("list", help="list the tables", description="List the tables.")
    listing.set_defaults(func=_cmd_list)

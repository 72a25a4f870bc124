"""casekit.datasets: names, load, describe, the files' integrity, and the real CDNOW data."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from casekit import catalog, datasets

ALL = datasets.names()

PANDAS_KIND = {
    "string": pd.api.types.is_string_dtype,
    "category": lambda s: isinstance(s.dtype, pd.CategoricalDtype),
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "bool": pd.api.types.is_bool_dtype,
    "boolean": lambda s: s.dtype == "boolean",
    "date": pd.api.types.is_datetime64_dtype,
    "datetime": pd.api.types.is_datetime64_dtype,
}


# --- names, describe, load ---------------------------------------------------------------


def test_names_lists_the_real_data() -> None:
    assert {"cdnow_master", "cdnow_sample"} <= set(ALL)
    assert datasets.names("cdnow") == ["cdnow_master", "cdnow_sample"]
    assert ALL == sorted(ALL)


def test_names_rejects_an_unknown_company() -> None:
    with pytest.raises(ValueError, match=r"company must be one of .*'nope'"):
        datasets.names("nope")


def test_load_unknown_name_lists_the_tables() -> None:
    with pytest.raises(ValueError, match="nope") as info:
        datasets.load("nope")
    for name in ALL:
        assert name in str(info.value)


def test_load_rejects_a_non_string_name() -> None:
    with pytest.raises(TypeError, match="name must be a table name"):
        datasets.load(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ALL)
def test_describe_matches_the_loaded_columns(name: str) -> None:
    frame = datasets.load(name)
    info = datasets.describe(name)
    assert info["column"].tolist() == frame.columns.tolist()
    assert list(info.columns) == ["column", "type", "unit", "meaning", "allowed", "missing"]
    assert info["meaning"].str.len().min() > 10, "every column is explained"
    for row in info.itertuples(index=False):
        assert PANDAS_KIND[row.type](frame[row.column]), f"{name}.{row.column}: {row.type}"


def test_describe_writes_open_ranges_as_bounds() -> None:
    from casekit import catalog

    def allowed(**bounds: float) -> str:
        return datasets._allowed(catalog.Column("x", "float", "", "A value.", **bounds))

    assert allowed(minimum=0) == "≥ 0"
    assert allowed(maximum=10) == "≤ 10"
    assert allowed(minimum=1, maximum=5) == "1 to 5"
    assert allowed() == ""
    info = datasets.describe("cedar_transactions").set_index("column")["allowed"]
    assert info["discount"] == "≥ 0" and info["items"] == "≥ 1", "no upper limit in the catalogue"


@pytest.mark.parametrize("name", ALL)
def test_ids_are_never_numbers(name: str) -> None:
    frame = datasets.load(name)
    for col in frame.columns:
        if col.endswith("_id"):
            assert not pd.api.types.is_numeric_dtype(frame[col]), col


@pytest.mark.parametrize("name", ALL)
def test_the_file_is_a_reproducible_gzip(name: str) -> None:
    raw = datasets.path(name).read_bytes()
    assert raw[:4] == b"\x1f\x8b\x08\x00", "gzip without a file name"
    assert raw[4:8] == b"\x00\x00\x00\x00", "gzip time stamp 0"
    header = gzip.decompress(raw).split(b"\n", 1)[0].decode()
    assert header == ",".join(datasets.table(name).column_names)


def test_load_returns_a_fresh_copy() -> None:
    first = datasets.load("cdnow_sample")
    first.loc[0, "amount"] = -1.0
    assert datasets.load("cdnow_sample").loc[0, "amount"] != -1.0


def test_load_reads_another_folder_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cdnow_sample.csv.gz").write_bytes(datasets.path("cdnow_sample").read_bytes())
    monkeypatch.setenv(datasets.FOLDER_VARIABLE, str(tmp_path))
    assert datasets.data_dir() == tmp_path
    assert len(datasets.load("cdnow_sample")) == 6919


# --- missing and damaged files -----------------------------------------------------------


def test_a_missing_real_file_says_how_to_restore_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(datasets.DatasetFileError, match="missing") as info:
        datasets.load("cdnow_master", directory=tmp_path)
    assert f"copying cdnow_master.csv.gz from the course's datasets folder into {tmp_path}" in (
        str(info.value)
    )
    # In the repository's own folder, git restores it.
    course = Path(datasets.__file__).resolve().parent.parent / "datasets"
    monkeypatch.setattr(datasets, "path", lambda name, directory=None: course / "gone.csv.gz")
    with pytest.raises(datasets.DatasetFileError) as info:
        datasets.load("cdnow_master")
    assert "git checkout -- datasets/cdnow_master.csv.gz" in str(info.value)


def test_a_missing_synthetic_file_names_the_folder_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(datasets.DatasetFileError, match="missing") as info:
        datasets.load("harbor_members", directory=tmp_path)
    assert f"casekit datasets generate --out {tmp_path}" in str(info.value)


def test_a_damaged_synthetic_file_is_a_clear_error(tmp_path: Path) -> None:
    text = gzip.decompress(datasets.path("harbor_members").read_bytes()).decode()
    header, first, *_ = text.split("\n")
    (tmp_path / "harbor_members.csv.gz").write_bytes(
        gzip.compress(f"{header}\n{first}\n{first.split(',')[0]},oops\n".encode(), mtime=0)
    )
    with pytest.raises(datasets.DatasetFileError, match="damaged") as info:
        datasets.load("harbor_members", directory=tmp_path)
    assert "harbor_members" in str(info.value) and "generate --out" in str(info.value)


@pytest.mark.parametrize(
    "content",
    [
        b"not a gzip file at all",
        "truncated",
        gzip.compress(b"customer_id,date\n00001,19970101\n", mtime=0),
        gzip.compress(b"customer_id,date,quantity,amount\n00001,1997-13-45,1,2.0\n", mtime=0),
        gzip.compress(b"customer_id,date,quantity,amount\n00001,1997-01-01,one,2.0\n", mtime=0),
        gzip.compress(b"customer_id,date,quantity,amount\n,1997-01-01,1,2.0\n", mtime=0),
    ],
    ids=["not-gzip", "truncated", "wrong-columns", "bad-date", "bad-integer", "missing-id"],
)
def test_a_damaged_file_is_a_clear_error(tmp_path: Path, content: bytes | str) -> None:
    if content == "truncated":
        content = datasets.path("cdnow_master").read_bytes()[:5000]
    (tmp_path / "cdnow_master.csv.gz").write_bytes(content)
    with pytest.raises(datasets.DatasetFileError, match="damaged") as info:
        datasets.load("cdnow_master", directory=tmp_path)
    assert "cdnow_master" in str(info.value) and "restore" in str(info.value)


def test_write_table_checks_the_columns(tmp_path: Path) -> None:
    frame = datasets.load("cdnow_sample").drop(columns="sample_id")
    with pytest.raises(ValueError, match="frame must have the columns"):
        datasets.write_table(frame, "cdnow_sample", tmp_path)


@pytest.mark.parametrize("name", ["cdnow_master", "cdnow_sample"])
def test_writing_a_loaded_table_gives_the_same_bytes(tmp_path: Path, name: str) -> None:
    written = datasets.write_table(datasets.load(name), name, tmp_path)
    assert written.read_bytes() == datasets.path(name).read_bytes()


# --- the catalogue and the README ---------------------------------------------------------


def test_every_table_belongs_to_a_company_and_refers_to_real_columns() -> None:
    for spec in catalog.TABLES.values():
        assert spec.company in catalog.COMPANIES
        for col, other, other_col in spec.references:
            assert col in spec.column_names
            assert other_col in catalog.TABLES[other].column_names
        assert set(spec.key) <= set(spec.column_names)
        for col in spec.columns:
            assert (col.dtype == "category") == bool(col.values), f"{spec.name}.{col.name}"


def test_readme_documents_every_table_and_column() -> None:
    text = (datasets.data_dir() / "README.md").read_text(encoding="utf-8")
    for name in ALL:
        assert f"### `{name}`" in text
        for col in datasets.table(name).column_names:
            assert f"| `{col}` |" in text
    assert "Fader" in text and "10.1287/mksc.1040.0098" in text


# --- CDNOW --------------------------------------------------------------------------------


def test_cdnow_master_is_the_published_cohort() -> None:
    master = datasets.load("cdnow_master")
    assert master.columns.tolist() == ["customer_id", "date", "quantity", "amount"]
    assert len(master) == 69_659
    assert master["customer_id"].nunique() == 23_570
    assert master["customer_id"].str.fullmatch(r"\d{5}").all()
    assert master["date"].min() == pd.Timestamp("1997-01-01")
    assert master["date"].max() == pd.Timestamp("1998-06-30")
    first = master.groupby("customer_id")["date"].min()
    assert (first < pd.Timestamp("1997-04-01")).all(), "every customer first bought in Q1 1997"
    assert master["quantity"].between(1, 99).all()
    assert master["amount"].between(0, 1300).all()
    assert round(master["amount"].sum(), 2) == pytest.approx(2_500_315.63, abs=0.01)


def test_cdnow_sample_is_a_subset_of_the_master_with_its_own_numbering() -> None:
    master = datasets.load("cdnow_master")
    sample = datasets.load("cdnow_sample")
    assert sample.columns.tolist()[:4] == ["customer_id", "date", "quantity", "amount"]
    assert len(sample) == 6_919
    assert sample["customer_id"].nunique() == sample["sample_id"].nunique() == 2_357
    pairs = sample[["customer_id", "sample_id"]].drop_duplicates()
    assert len(pairs) == 2_357, "one sample number per customer"
    assert sorted(pairs["sample_id"].astype(int)) == list(range(1, 2_358))
    # Every customer of the sample has exactly their master-file records.
    cols = ["customer_id", "date", "quantity", "amount"]
    in_master = master[master["customer_id"].isin(sample["customer_id"])][cols]
    left = sample[cols].sort_values(cols).reset_index(drop=True)
    right = in_master.sort_values(cols).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


# --- the casekit datasets command ---------------------------------------------------------------


def test_cli_lists_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    from casekit import cli

    assert cli.main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    for name in ALL:
        assert name in out


def test_cli_generate_passes_seed_and_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from casekit import cli

    calls = []

    def fake(seed: int, out: Path, *, progress: bool = False) -> list[Path]:
        calls.append((seed, out, progress))
        return [out / "README.md"]

    monkeypatch.setattr(datasets, "generate", fake)
    assert cli.main(["datasets", "generate", "--seed", "7", "--out", str(tmp_path)]) == 0
    assert calls == [(7, tmp_path, True)], "the command shows a progress bar"
    assert "seed 7" in capsys.readouterr().out


def test_cli_generate_reports_a_bad_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from casekit import cli

    assert cli.main(["datasets", "generate", "--seed", "-1", "--out", str(tmp_path)]) == 2
    assert "seed must be a non-negative integer" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []

"""casekit.cdnow: the original CDNOW text files become the course's tidy tables.

The lines below are written in the files' own format (a leading space, fields padded with
spaces, Windows line ends, ids with leading zeros). The first ones are the opening
records of the published files; the expected values are read off those lines by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from casekit import catalog, cdnow, datasets

# The opening lines of CDNOW_master.txt (header, then customer, date, CDs, dollars).
MASTER = (
    " customer_id  date number_of_cds  dollar_value\r\n"
    " 00001 19970101  1   11.77\r\n"
    " 00002 19970112  1   12.00\r\n"
    " 00002 19970112  5   77.00\r\n"
    " 00003 19970102  2   20.76\r\n"
)
# The opening lines of CDNOW_sample.txt (no header; master id, sample id, then the same).
SAMPLE = (
    " 00004 0001 19970101  2   29.33\r\n"
    " 00004 0001 19970118  2   29.73\r\n"
    " 00004 0001 19970802  1   14.96\r\n"
    " 00004 0001 19971212  2   26.48\r\n"
)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "lifetimes" / "datasets"
    folder.mkdir(parents=True)
    (folder / "CDNOW_master.txt").write_bytes(MASTER.encode("ascii"))
    (folder / "CDNOW_sample.txt").write_bytes(SAMPLE.encode("ascii"))
    return folder


def test_read_master_keeps_ids_text_and_reads_dates(source: Path) -> None:
    table = cdnow.read_master(source / "CDNOW_master.txt")
    assert list(table.columns) == ["customer_id", "date", "quantity", "amount"]
    assert table["customer_id"].tolist() == ["00001", "00002", "00002", "00003"]
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "1997-01-01",
        "1997-01-12",
        "1997-01-12",
        "1997-01-02",
    ]
    assert table["quantity"].tolist() == [1, 1, 5, 2]
    assert table["quantity"].dtype == "int64"
    assert table["amount"].tolist() == [11.77, 12.0, 77.0, 20.76]
    assert round(table["amount"].sum(), 2) == 121.53  # 11.77 + 12 + 77 + 20.76


def test_read_sample_has_no_header_and_keeps_both_ids(source: Path) -> None:
    table = cdnow.read_sample(source / "CDNOW_sample.txt")
    assert len(table) == 4, "the first line is a record, not a header"
    assert set(table["customer_id"]) == {"00004"} and set(table["sample_id"]) == {"0001"}
    assert table["date"].max() == pd.Timestamp("1997-12-12")
    assert table["quantity"].sum() == 7 and round(table["amount"].sum(), 2) == 100.50


def test_plain_line_ends_read_the_same(source: Path, tmp_path: Path) -> None:
    unix = tmp_path / "CDNOW_master.txt"
    unix.write_text(MASTER.replace("\r\n", "\n").replace("\n 0", "\n0"), encoding="ascii")
    pd.testing.assert_frame_equal(
        cdnow.read_master(unix), cdnow.read_master(source / "CDNOW_master.txt")
    )


def test_the_opening_records_match_the_shipped_tables(source: Path) -> None:
    master = cdnow.read_master(source / "CDNOW_master.txt")
    sample = cdnow.read_sample(source / "CDNOW_sample.txt")
    for name, converted in (("cdnow_master", master), ("cdnow_sample", sample)):
        shipped = datasets.load(name).head(len(converted))[list(converted.columns)]
        pd.testing.assert_frame_equal(
            converted.astype({"customer_id": object}),
            shipped.astype({c: object for c in shipped.columns if c.endswith("_id")}),
            check_dtype=False,
        )


def test_convert_writes_tables_that_load(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    written = cdnow.convert(source, out)
    assert [p.name for p in written] == ["cdnow_master.csv.gz", "cdnow_sample.csv.gz"]
    master = datasets.load("cdnow_master", directory=out)
    assert master["customer_id"].tolist() == ["00001", "00002", "00002", "00003"]
    assert master["amount"].tolist() == [11.77, 12.0, 77.0, 20.76]
    sample = datasets.load("cdnow_sample", directory=out)
    assert sample["sample_id"].tolist() == ["0001"] * 4


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="existing CDNOW text file"):
        cdnow.read_master(tmp_path / "CDNOW_master.txt")
    with pytest.raises(FileNotFoundError, match=r"nowhere/CDNOW_master\.txt"):
        cdnow.convert(tmp_path / "nowhere", tmp_path / "out")


def test_provenance_gives_full_hashes_of_the_original_files() -> None:
    for name in cdnow.FILES:
        text = catalog.TABLES[name].provenance
        hashes = re.findall(r"`(CDNOW_\w+\.txt)` \(SHA-256 ([0-9a-f]+)\)", text)
        assert [file for file, _ in hashes] == ["CDNOW_master.txt", "CDNOW_sample.txt"]
        assert all(len(digest) == 64 for _, digest in hashes), "full SHA-256, not shortened"
        assert "lifetimes` 0.11.3" in text

"""casekit.privacy: keyed pseudonyms, coarsening, and the k of k-anonymity."""

from __future__ import annotations

import doctest
import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit import datasets, privacy

KEY = "course-demo-key-1234"


def test_docstring_examples_hold() -> None:
    failures, tried = doctest.testmod(privacy, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 2
    assert failures == 0


# --- keyed pseudonyms ------------------------------------------------------------------


def test_pseudonym_is_the_hmac_sha256_of_the_id() -> None:
    # Second method: the standard library's HMAC (RFC 2104) called directly.
    expected = hmac.new(KEY.encode(), b"CL00001", hashlib.sha256).hexdigest()
    assert privacy.pseudonym(["CL00001"], KEY, length=64).iloc[0] == expected
    assert privacy.pseudonym(["CL00001"], KEY, prefix="P").iloc[0] == "P" + expected[:16]


def test_same_key_same_pseudonym_in_any_table_other_key_other_pseudonym() -> None:
    ids = pd.Series(["CL00002", "CL00001", "CL00002"], index=[10, 11, 12])
    first = privacy.pseudonym(ids, KEY)
    assert first.index.tolist() == [10, 11, 12]
    assert first.iloc[0] == first.iloc[2] != first.iloc[1]
    assert privacy.pseudonym(["CL00001"], KEY).iloc[0] == first.iloc[1]
    other = privacy.pseudonym(ids, KEY + "-other")
    assert not (other == first).any()


def test_a_plain_hash_is_undone_by_trying_every_id_a_keyed_one_is_not() -> None:
    # Why the key: with ids 'CL' + five digits, hashing all 100,000 candidates
    # reverses an unkeyed SHA-256 at once.
    target = hashlib.sha256(b"CL04242").hexdigest()
    guesses = {hashlib.sha256(f"CL{i:05d}".encode()).hexdigest(): i for i in range(100_000)}
    assert guesses[target] == 4242
    keyed = privacy.pseudonym(["CL04242"], KEY, length=64).iloc[0]
    # The same search finds the keyed pseudonym only with the key. Without it (no key, or
    # a wrong one) no candidate matches; this fails if the key were ignored.
    candidates = [f"CL{i:05d}" for i in range(100_000)]
    with_key = privacy.pseudonym(candidates, KEY, length=64)
    wrong_key = privacy.pseudonym(candidates, "another-key-not-secret-either", length=64)
    assert with_key.tolist().index(keyed) == 4242
    assert keyed not in set(wrong_key)
    assert keyed not in guesses


def test_missing_ids_stay_missing() -> None:
    out = privacy.pseudonym(pd.Series(["a", None, "a"]), KEY)
    assert out.isna().tolist() == [False, True, False]
    assert str(out.dtype) == "string"


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        ("short", ValueError, "at least 16 bytes"),
        (12345, TypeError, "key must be a str or bytes"),
    ],
)
def test_weak_or_wrong_keys_are_refused(key: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        privacy.pseudonym(["a"], key)


def test_length_is_checked() -> None:
    with pytest.raises(ValueError, match="length must be between 8 and 64"):
        privacy.pseudonym(["a"], KEY, length=65)
    with pytest.raises(ValueError, match="length must be >= 8"):
        privacy.pseudonym(["a"], KEY, length=4)


def test_new_keys_are_long_and_different() -> None:
    a, b = privacy.new_key(), privacy.new_key()
    assert len(a) == 64 and a != b


# --- coarsening ------------------------------------------------------------------------


def test_age_in_years_by_hand() -> None:
    born = pd.Series(pd.to_datetime(["1990-06-15", "1990-06-16", "2000-02-29", "2000-02-29"]))
    # On 15 June 2024 the first has turned 34, the second turns 34 tomorrow.
    assert privacy.age_in_years(born[:2], "2024-06-15").tolist() == [34, 33]
    # Born on 29 February: 23 on 28 February 2024, 24 on the 29th; in 2023 on 1 March.
    assert privacy.age_in_years(born[2:3], "2024-02-28").tolist() == [23]
    assert privacy.age_in_years(born[3:], "2024-02-29").tolist() == [24]
    assert privacy.age_in_years(born[3:], "2023-03-01").tolist() == [23]


def test_age_bands_by_hand() -> None:
    born = pd.Series(pd.to_datetime(["2008-01-01", "2006-12-31", "2000-01-01", "1959-12-31"]))
    bands = privacy.age_band(born, "2024-12-31")
    # ages 16, 18, 24 and 65
    assert bands.astype(str).tolist() == ["under 18", "18-24", "18-24", "65+"]
    assert bands.cat.ordered


def test_age_bands_match_the_data_dictionary() -> None:
    # Second method: the generator's own age bands of cedar_customers (on 31 Dec 2024).
    customers = datasets.load("cedar_customers")
    bands = privacy.age_band(customers["birth_date"], "2024-12-31").astype(str)
    differ = bands != customers["age_band"].astype(str)
    # The generator bands a continuous age; a birthday on 1 January sits on the edge.
    assert differ.sum() <= 1
    next_day = privacy.age_band(customers.loc[differ, "birth_date"], "2025-01-01").astype(str)
    assert (next_day == customers.loc[differ, "age_band"].astype(str)).all()


def test_to_bands_labels_and_edges() -> None:
    bands = privacy.to_bands([0.0, 1.99, 2.0, 4.9, 5.0, 20.0, 80.0], [2, 5, 10, 20], unit="km")
    assert bands.astype(str).tolist() == [
        "under 2 km",
        "under 2 km",
        "2-5 km",
        "2-5 km",
        "5-10 km",
        "20+ km",
        "20+ km",
    ]
    assert list(bands.cat.categories) == ["under 2 km", "2-5 km", "5-10 km", "10-20 km", "20+ km"]
    whole = privacy.to_bands([0, 17, 18, 99], [0, 18, 65], whole=True)
    assert whole.astype(str).tolist() == ["0-17", "0-17", "18-64", "65+"]


@pytest.mark.parametrize(
    ("values", "edges", "error", "message"),
    [
        ([1.0], [5, 2], ValueError, "strictly increasing"),
        ([1.0], [], ValueError, "non-empty list"),
        (["a"], [1, 2], TypeError, "must be numbers"),
        ([1.0, np.nan], [1, 2], ValueError, "missing value"),
        ([-1.0], [0, 2], ValueError, "below the first edge"),
    ],
)
def test_bad_bands_are_refused(values: list, edges: list, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        privacy.to_bands(values, edges)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=40))
def test_bands_are_monotone(values: list[float]) -> None:
    bands = privacy.to_bands(values, [2, 5, 10, 20])
    codes = bands.cat.codes.to_numpy()
    order = np.argsort(values, kind="stable")
    assert (np.diff(codes[order]) >= 0).all()


def test_birth_dates_after_as_of_are_refused() -> None:
    with pytest.raises(ValueError, match="dates out of order"):
        privacy.age_in_years(pd.Series(pd.to_datetime(["2030-01-01"])), "2024-12-31")
    with pytest.raises(TypeError, match="must hold dates"):
        privacy.age_in_years(pd.Series([1990, 1991]), "2024-12-31")


# --- the whole table -------------------------------------------------------------------


def _people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "name": ["Ana Cruz", "Ben Reyes", "Cora Lim"],
            "email": ["ana@example.com", "ben@example.com", "cora@example.com"],
            "phone": ["+63 917 000 0001", "+63 917 000 0002", "+63 917 000 0003"],
            "birth_date": pd.to_datetime(["1990-05-01", "1985-12-31", "2001-01-01"]),
            "distance_km": [1.2, 7.5, 25.0],
            "city": ["Pasig", "Pasig", "Imus"],
        }
    )


def test_pseudonymise_keeps_what_the_analysis_needs_and_nothing_more() -> None:
    people = _people()
    before = people.copy()
    out = privacy.pseudonymise(
        people,
        KEY,
        birth_date="birth_date",
        as_of="2024-12-31",
        bands={"distance_km": ([2, 5, 10, 20], "km")},
    )
    pd.testing.assert_frame_equal(people, before)  # the input is untouched
    assert list(out.columns) == ["customer_id", "age_band", "distance_km_band", "city"]
    assert out["age_band"].astype(str).tolist() == ["25-34", "35-44", "18-24"]
    assert out["distance_km_band"].astype(str).tolist() == ["under 2 km", "5-10 km", "20+ km"]
    assert (
        out["customer_id"].tolist()
        == privacy.pseudonym(people["customer_id"], KEY, prefix="P").tolist()
    )
    # joins still work: a purchase table pseudonymised with the same key
    purchases = pd.DataFrame({"customer_id": ["C3", "C1"], "amount": [10.0, 20.0]})
    hashed = privacy.pseudonymise(purchases, KEY, drop=())
    joined = hashed.merge(out, on="customer_id")
    assert joined["city"].tolist() == ["Imus", "Pasig"]


def test_pseudonymise_needs_as_of_for_birth_dates_and_names_missing_columns() -> None:
    with pytest.raises(ValueError, match="as_of is needed"):
        privacy.pseudonymise(_people(), KEY, birth_date="birth_date")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['member_id'\]"):
        privacy.pseudonymise(_people(), KEY, ids=("member_id",))


def test_k_anonymity_by_hand() -> None:
    table = pd.DataFrame(
        {
            "age_band": ["25-34", "25-34", "35-44", "35-44", "35-44"],
            "city": ["A", "A", "B", "B", "C"],
        }
    )
    assert privacy.k_anonymity(table, ["age_band"]) == 2
    assert privacy.k_anonymity(table, ["age_band", "city"]) == 1
    with pytest.raises(ValueError, match="at least one column"):
        privacy.k_anonymity(table, [])

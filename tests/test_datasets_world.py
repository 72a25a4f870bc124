"""The synthetic world's files: schemas, keys, references, time order, reproducibility."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casekit import catalog, datasets, world
from casekit.world import _common, cedar_lane, harbor_spa, kestrel

SYNTHETIC = [n for n in datasets.names() if datasets.table(n).source == "synthetic"]
START = pd.Timestamp("2021-01-01")
END = pd.Timestamp("2024-12-31 23:59:59")


@functools.cache
def _load(name: str) -> pd.DataFrame:
    return datasets.load(name)


def load(name: str) -> pd.DataFrame:
    return _load(name).copy()


# --- every table against its catalogue entry ------------------------------------------------


def test_every_catalogued_table_has_a_file() -> None:
    assert set(SYNTHETIC) == {
        "cedar_customers",
        "cedar_transactions",
        "cedar_loyalty_events",
        "cedar_complaints",
        "cedar_service_contacts",
        "cedar_survey_respondents",
        "cedar_surveys",
        "kestrel_accounts",
        "kestrel_orders",
        "kestrel_returns",
        "harbor_members",
        "harbor_visits",
        "audit_checklist",
    }
    for name in datasets.names():
        assert datasets.path(name).is_file(), name


@pytest.mark.parametrize("name", datasets.names())
def test_values_respect_the_catalogue(name: str) -> None:
    frame = load(name)
    spec = datasets.table(name)
    assert len(frame) > 0
    for col in spec.columns:
        values = frame[col.name]
        if not col.nullable:
            assert values.notna().all(), f"{name}.{col.name} has missing values"
        present = values.dropna()
        if col.values:
            assert set(present.astype(str)) <= set(col.values), col.name
        if col.minimum is not None:
            assert (present >= col.minimum).all(), f"{name}.{col.name} below {col.minimum}"
        if col.maximum is not None:
            assert (present <= col.maximum).all(), f"{name}.{col.name} above {col.maximum}"


@pytest.mark.parametrize("name", [n for n in datasets.names() if datasets.table(n).key])
def test_keys_are_unique(name: str) -> None:
    frame = load(name)
    key = list(datasets.table(name).key)
    assert not frame.duplicated(key).any(), f"duplicate {key} in {name}"


REFERENCES = [
    (name, col, other, other_col)
    for name, spec in catalog.TABLES.items()
    for col, other, other_col in spec.references
]


@pytest.mark.parametrize(
    ("name", "col", "other", "other_col"), REFERENCES, ids=[f"{r[0]}.{r[1]}" for r in REFERENCES]
)
def test_references_point_at_existing_rows(name: str, col: str, other: str, other_col: str) -> None:
    values = load(name)[col].dropna().astype(str)
    targets = set(load(other)[other_col].astype(str))
    missing = set(values) - targets
    assert not missing, f"{len(missing)} values of {name}.{col} not in {other}.{other_col}"


@pytest.mark.parametrize("name", SYNTHETIC)
def test_events_lie_inside_the_records(name: str) -> None:
    frame = load(name)
    for col in datasets.table(name).columns:
        not_events = {"birth_date", "contract_start", "contract_end", "promised"}
        if col.dtype in ("date", "datetime") and col.name not in not_events:
            present = frame[col.name].dropna()
            assert present.min() >= START, col.name
            assert present.max() <= END, col.name


def test_sizes_are_laptop_sized() -> None:
    total = sum(p.stat().st_size for p in datasets.data_dir().glob("*.csv.gz"))
    assert total < 25e6
    assert len(load("cedar_customers")) == 20_000
    assert 200_000 <= len(load("cedar_transactions")) <= 500_000


# --- Cedar Lane ---------------------------------------------------------------------------------


def test_customers_contact_fields_are_well_formed() -> None:
    cu = load("cedar_customers")
    assert cu["email"].str.fullmatch(r"[a-z]+(\.[a-z]+)+\d+@example\.com").all()
    assert cu["email"].is_unique
    assert cu["phone"].str.fullmatch(r"\+63 9\d{2} \d{3} \d{4}").all()
    assert cu["customer_id"].str.fullmatch(r"CL\d{5}").all()


def test_age_band_follows_the_birth_date() -> None:
    cu = load("cedar_customers")
    age = (pd.Timestamp("2024-12-31") - cu["birth_date"]).dt.days / 365.25
    bands = pd.cut(age, [0, 25, 35, 45, 55, 65, 200], right=False, labels=cedar_lane.AGE_BANDS)
    agree = (bands.astype(str) == cu["age_band"].astype(str)).mean()
    assert agree > 0.995  # leap-day rounding may move a birthday by a day
    assert (age >= 18).all()


def test_first_purchase_is_the_acquisition() -> None:
    cu = load("cedar_customers").set_index("customer_id")
    tx = load("cedar_transactions")
    first = tx.groupby("customer_id")["timestamp"].min().dt.normalize()
    assert first.index.size == cu.index.size, "every customer bought at least once"
    assert (first == cu["acquisition_date"].reindex(first.index)).all()


def test_club_membership_starts_after_launch_and_acquisition() -> None:
    cu = load("cedar_customers")
    since = cu["club_member_since"]
    members = since.notna()
    assert 0.15 < members.mean() < 0.5
    assert (since[members] >= cedar_lane.CLUB_LAUNCH).all()
    assert (since[members] >= cu.loc[members, "acquisition_date"]).all()


def test_transactions_are_consistent() -> None:
    tx = load("cedar_transactions")
    online = tx["channel"] == "online"
    assert ((tx["store"] == cedar_lane.ONLINE_STORE) == online).all()
    assert ((tx["delivery_cost"] > 0) == online).all()
    assert (tx["discount"] <= tx["gross"]).all()
    assert (tx["margin"] <= tx["gross"] - tx["discount"]).all()
    assert tx["transaction_id"].is_monotonic_increasing
    assert tx["timestamp"].is_monotonic_increasing


def test_loyalty_events_belong_to_members_after_joining() -> None:
    cu = load("cedar_customers").set_index("customer_id")
    ev = load("cedar_loyalty_events")
    since = cu["club_member_since"].reindex(ev["customer_id"]).to_numpy()
    assert (ev["timestamp"].dt.normalize().to_numpy() >= since).all()
    enrol = ev[ev["event"] == "enrolment"]
    assert enrol["customer_id"].is_unique
    assert set(enrol["customer_id"]) == set(cu.index[cu["club_member_since"].notna()])
    first = ev.groupby("customer_id")["event"].first()
    assert (first == "enrolment").all()
    # Earned points refer to the member's own purchases; balances never go negative.
    tx = load("cedar_transactions").set_index("transaction_id")
    linked = ev.dropna(subset=["transaction_id"])
    owner = tx["customer_id"].reindex(linked["transaction_id"]).to_numpy()
    assert (owner == linked["customer_id"].to_numpy()).all()
    balance = ev.groupby("customer_id")["points"].cumsum()
    assert balance.min() >= 0
    redeemed = ev["event"] == "reward redeemed"
    assert (ev["reward"].notna() == redeemed).all()
    assert ((ev["reward_cost"] > 0) == redeemed).all()


def test_complaints_follow_their_purchase() -> None:
    cp = load("cedar_complaints")
    tx = load("cedar_transactions").set_index("transaction_id")
    about = tx.reindex(cp["transaction_id"])
    assert (about["customer_id"].to_numpy() == cp["customer_id"].to_numpy()).all()
    assert (about["timestamp"].to_numpy() <= cp["received"].to_numpy()).all()
    assert (cp["resolution_days"] * 24 >= cp["first_response_hours"]).all()
    censored = cp["received"] + pd.Timedelta(days=90) > END
    assert (cp["purchased_within_90d"].isna() == censored).all()
    assert (cp.loc[cp["outcome"] == "not resolved", "compensation"] == 0).all()


def test_purchased_within_90d_matches_the_transactions() -> None:
    cp = load("cedar_complaints").dropna(subset=["purchased_within_90d"])
    tx = load("cedar_transactions")
    x = tx[["customer_id", "timestamp"]].merge(cp[["customer_id", "received"]], on="customer_id")
    delta = x["timestamp"] - x["received"]
    after = x[(delta > pd.Timedelta(0)) & (delta <= pd.Timedelta(days=90))]
    bought = cp["customer_id"].isin(after["customer_id"])
    assert (bought.to_numpy() == cp["purchased_within_90d"].to_numpy(dtype=bool)).all()


def test_service_contacts_are_consistent() -> None:
    sc = load("cedar_service_contacts")
    assert sc["timestamp"].min() >= cedar_lane.CRM_START
    phases = sc["reason"].astype(str).map(cedar_lane.CONTACT_REASONS)
    assert (phases == sc["phase"].astype(str)).all()
    queued = sc[sc["channel"].isin(["phone", "chat"])]
    assert queued["timestamp"].dt.hour.between(8, 19).all(), "hotline open 08:00-20:00"
    desk = sc["channel"] == "store"
    assert (sc.loc[desk, "agent_id"].astype(str).str.startswith("SD")).all()
    answered = ~desk & ~sc["abandoned"]
    assert (sc.loc[answered, "agent_id"].astype(str).str.startswith("CC")).all()
    assert sc.loc[sc["abandoned"], "agent_id"].isna().all(), "nobody answered a hang-up"
    cu = load("cedar_customers").set_index("customer_id")
    known = sc.dropna(subset=["customer_id"])
    acquired = cu["acquisition_date"].reindex(known["customer_id"]).to_numpy()
    assert (known["timestamp"].dt.normalize().to_numpy() >= acquired).all()
    assert 0.2 < sc["customer_id"].isna().mean() < 0.6, "some callers are not customers"


def test_survey_tables_fit_together() -> None:
    resp = load("cedar_survey_respondents").set_index("respondent_id")
    sv = load("cedar_surveys")
    assert (resp["wave"].value_counts() == cedar_lane.RESPONDENTS_PER_WAVE).all()
    assert (sv.groupby("respondent_id").size() == len(cedar_lane.SURVEY_ITEMS)).all()
    assert (resp["wave"].reindex(sv["respondent_id"]).to_numpy() == sv["wave"].to_numpy()).all()
    points = sv.drop_duplicates(["respondent_id", "dimension"])
    assert (points.groupby("respondent_id")["importance"].sum() == 100).all()
    items = dict((i, d) for i, d, _ in cedar_lane.SURVEY_ITEMS)
    assert (sv["item_id"].astype(str).map(items) == sv["dimension"].astype(str)).all()
    for wave, (first, last) in cedar_lane.WAVES.items():
        done = resp.loc[resp["wave"] == wave, "completed"]
        assert done.between(first, last).all()
        assert not resp.loc[resp["wave"] == wave, "customer_id"].duplicated().any()
    cu = load("cedar_customers").set_index("customer_id")
    acquired = cu["acquisition_date"].reindex(resp["customer_id"]).to_numpy()
    assert (acquired < resp["completed"].to_numpy()).all()


# --- Kestrel Supply -----------------------------------------------------------------------------


def test_orders_move_forward_in_time() -> None:
    o = load("kestrel_orders")
    assert (o["ordered"] <= o["shipped"]).all()
    assert (o["shipped"] < o["delivered"]).all()
    assert (o["promised"] == o["ordered"] + pd.Timedelta(days=kestrel.PROMISED_DAYS)).all()
    assert (o["lines_filled"] <= o["lines_ordered"]).all()
    assert ((o["value"] == 0) == (o["lines_filled"] == 0)).all()


def test_orders_fall_within_the_contract_and_the_accounts_warehouse() -> None:
    o = load("kestrel_orders")
    a = load("kestrel_accounts").set_index("account_id")
    acct = a.reindex(o["account_id"])
    assert (o["ordered"].to_numpy() >= acct["contract_start"].to_numpy()).all()
    ended = acct["contract_end"].to_numpy()
    before_end = (o["ordered"].to_numpy() <= ended) | pd.isna(ended)
    assert before_end.all()
    assert (acct["warehouse"].astype(str).to_numpy() == o["warehouse"].astype(str)).all()
    assert (a["contract_end"].dropna() >= a.loc[a["contract_end"].notna(), "contract_start"]).all()


def test_returns_follow_their_delivery() -> None:
    r = load("kestrel_returns")
    o = load("kestrel_orders").set_index("order_id").reindex(r["order_id"])
    assert (o["account_id"].to_numpy() == r["account_id"].to_numpy()).all()
    assert (r["requested"].to_numpy() >= o["delivered"].to_numpy()).all()
    got = r["received"].notna()
    assert (r.loc[got, "received"] > r.loc[got, "requested"]).all()
    assert (r["lines_returned"].to_numpy() <= o["lines_filled"].to_numpy()).all()
    assert (r["credit_value"].to_numpy() <= o["value"].to_numpy()).all()


# --- Harbor Spa ---------------------------------------------------------------------------------


def test_members_plans_and_cancellations_agree() -> None:
    m = load("harbor_members")
    fee = dict(zip(harbor_spa.PLANS, harbor_spa.MONTHLY_FEE, strict=True))
    assert (m["plan"].astype(str).map(fee) == m["monthly_fee"]).all()
    assert (m["cancelled"].isna() == m["cancel_reason"].isna()).all()
    left = m.dropna(subset=["cancelled"])
    months = (left["cancelled"].dt.year - left["joined"].dt.year) * 12 + (
        left["cancelled"].dt.month - left["joined"].dt.month
    )
    assert (months >= 1).all(), "at least one paid month"
    same_day = left["cancelled"].dt.day == left["joined"].dt.day
    month_end = left["cancelled"].dt.is_month_end & (left["joined"].dt.day > 28)
    assert (same_day | month_end).all(), "memberships end after whole months"


def test_visits_happen_during_the_membership() -> None:
    m = load("harbor_members").set_index("member_id")
    v = load("harbor_visits")
    own = m.reindex(v["member_id"])
    day = v["timestamp"].dt.normalize().to_numpy()
    assert (day >= own["joined"].to_numpy()).all()
    ended = own["cancelled"].to_numpy()
    assert ((day < ended) | pd.isna(ended)).all()
    assert v["timestamp"].dt.hour.between(10, 21).all()


# --- audit --------------------------------------------------------------------------------------


def test_audit_covers_every_phase_for_both_companies() -> None:
    au = load("audit_checklist")
    covered = au.groupby(["company", "phase"], observed=True).size()
    assert len(covered) == 6 and covered.min() >= 3
    assert au["evidence"].str.len().min() > 10


# --- loaders and generation ---------------------------------------------------------------------


def test_a_missing_synthetic_file_says_how_to_regenerate(tmp_path: Path) -> None:
    with pytest.raises(datasets.DatasetFileError, match="casekit datasets generate"):
        datasets.load("cedar_customers", directory=tmp_path)


def test_an_unknown_category_value_is_reported(tmp_path: Path) -> None:
    text = gzip.decompress(datasets.path("kestrel_accounts").read_bytes()).decode()
    (tmp_path / "kestrel_accounts.csv.gz").write_bytes(
        gzip.compress(text.replace(",Calamba,", ",Atlantis,", 1).encode(), mtime=0)
    )
    with pytest.raises(datasets.DatasetFileError, match="'Atlantis'"):
        datasets.load("kestrel_accounts", directory=tmp_path)


@pytest.mark.parametrize("seed", [-1, 2.5, "1", True])
def test_generate_rejects_a_bad_seed(seed: object, tmp_path: Path) -> None:
    with pytest.raises((TypeError, ValueError), match="seed must be a non-negative integer"):
        datasets.generate(seed=seed, out=tmp_path)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_generate_reproduces_the_committed_files(tmp_path: Path) -> None:
    written = datasets.generate(out=tmp_path)
    names = sorted(p.name for p in written)
    expected = sorted([f"{n}.csv.gz" for n in SYNTHETIC] + ["README.md"])
    assert names == expected, "generate writes the synthetic tables and the README, nothing else"
    for path in written:
        committed = datasets.data_dir() / path.name
        if path.suffix == ".gz":
            fresh, kept = (
                gzip.decompress(path.read_bytes()),
                gzip.decompress(committed.read_bytes()),
            )
            assert fresh == kept, f"{path.name}: content differs; run 'casekit datasets generate'"
        assert path.read_bytes() == committed.read_bytes(), f"{path.name} differs byte for byte"


def test_the_seed_changes_the_world() -> None:
    a = world.harbor_spa.build(np.random.default_rng(1))["harbor_members"]
    b = world.harbor_spa.build(np.random.default_rng(2))["harbor_members"]
    again = world.harbor_spa.build(np.random.default_rng(1))["harbor_members"]
    assert not a["joined"].equals(b["joined"])
    pd.testing.assert_frame_equal(a, again)


def test_a_time_drawn_in_opening_hours_is_never_stamped_at_closing_time() -> None:
    # Open 08:00-20:00. Stamps are rounded to the second, so without care about one draw
    # in 7,200 of the last hour would read 20:00:00, an hour in which nothing happens.
    weights = [0.0] * 8 + [1.0] * 12 + [0.0] * 4
    hours = _common.time_of_day(np.random.default_rng(1), weights, 1_000_000)
    stamped = pd.DatetimeIndex(_common.to_times(hours / 24)).hour
    assert stamped.min() == 8
    assert stamped.max() == 19

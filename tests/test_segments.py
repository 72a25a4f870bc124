"""casekit.segments: RFM, scores, named segments, profiles, customer profitability."""

from __future__ import annotations

import doctest
import json
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from casekit import catalog, charts, datasets, segments
from casekit.world import effects

KEY = "course-demo-key-not-secret"


def test_docstring_examples_hold() -> None:
    failures, tried = doctest.testmod(segments, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 6
    assert failures == 0


# --- a hand-worked example -------------------------------------------------------------


def _three_customers() -> pd.DataFrame:
    """Four customers' purchases; the RFM as of 31 March 2024 is worked out by hand below."""
    return pd.DataFrame(
        {
            "customer_id": ["A", "B", "A", "C", "A", "C", "D"],
            "date": pd.to_datetime(
                [
                    "2024-01-05 09:00",
                    "2023-12-10 18:30",
                    "2024-02-20 12:00",
                    "2024-03-31 23:59",
                    "2024-03-28 08:15",
                    "2024-04-02 10:00",
                    "2024-04-05 10:00",
                ]
            ),
            "amount": [200.0, 1_000.0, 150.0, 80.0, 50.0, 500.0, 75.0],
        }
    )


def test_rfm_by_hand() -> None:
    # As of 31 March 2024 (the whole day counts):
    # A bought 5 Jan, 20 Feb, 28 Mar: recency 3 days, 3 purchases, Php 400; tenure from
    #   5 Jan: 26 + 29 + 31 = 86 days.
    # B bought once, 10 Dec 2023: 21 + 31 + 29 + 31 = 112 days ago, Php 1,000.
    # C bought at 23:59 on 31 Mar (recency 0) and on 2 Apr (after as_of: left out).
    # D's first purchase is on 5 Apr: not yet a customer.
    table = segments.rfm(_three_customers(), "2024-03-31")
    assert table.index.tolist() == ["A", "B", "C"]
    assert table["recency"].tolist() == [3, 112, 0]
    assert table["frequency"].tolist() == [3, 1, 1]
    assert table["monetary"].tolist() == [400.0, 1_000.0, 80.0]
    assert table["tenure"].tolist() == [86, 112, 0]


def test_rfm_with_a_window_counts_only_the_last_days() -> None:
    # The last 30 days up to 31 March are 2 to 31 March: A's purchase of 28 March only.
    table = segments.rfm(_three_customers(), "2024-03-31", window_days=30)
    assert table["frequency"].tolist() == [1, 0, 1]
    assert table["monetary"].tolist() == [50.0, 0.0, 80.0]
    assert table["recency"].tolist() == [3, 112, 0]  # recency still sees the whole history


def test_default_as_of_is_the_last_purchase_day() -> None:
    table = segments.rfm(_three_customers())
    assert table.loc["D", "recency"] == 0
    assert table.loc["C", "recency"] == 3  # 2 April to 5 April


def test_scores_and_segments_by_hand() -> None:
    # Mid-rank percentiles of the three customers, p = (less + equal / 2) / n:
    # recency (small is good) 3, 112, 0 -> p = 1.5/3, 0.5/3, 2.5/3 -> R = 3, 1, 5;
    # frequency 3, 1, 1 -> p = 2.5/3, 1/3, 1/3 -> F = 5, 2, 2 (B and C tie);
    # monetary 400, 1000, 80 -> p = 1.5/3, 2.5/3, 0.5/3 -> M = 3, 5, 1.
    scored = segments.rfm_scores(segments.rfm(_three_customers(), "2024-03-31"))
    assert scored["R"].tolist() == [3, 1, 5]
    assert scored["F"].tolist() == [5, 2, 2]
    assert scored["M"].tolist() == [3, 5, 1]
    assert scored["rfm_code"].tolist() == [353, 125, 521]
    # R3 F5: loyal; R1 F2: hibernating; R5 F2: new (SEGMENT_RULES).
    assert segments.assign_segments(scored).astype(str).tolist() == ["loyal", "hibernating", "new"]


def test_fixed_thresholds_by_hand() -> None:
    # FIXED_THRESHOLDS: recency <= 30 days -> 5; 112 days -> 3 (<= 180); 0 -> 5.
    # frequency 3 -> 2 (2-4); 1 -> 1.  monetary 400 -> 1 (< 1,500); 1,000 -> 1; 80 -> 1.
    scored = segments.rfm_scores(segments.rfm(_three_customers(), "2024-03-31"), "fixed")
    assert scored["R"].tolist() == [5, 3, 5]
    assert scored["F"].tolist() == [2, 1, 1]
    assert scored["M"].tolist() == [1, 1, 1]


# --- quantile scores -------------------------------------------------------------------


def test_small_groups_spread_symmetrically() -> None:
    assert segments.quantile_scores([7.0]).tolist() == [3]
    assert segments.quantile_scores([1.0, 2.0]).tolist() == [2, 4]
    assert segments.quantile_scores([1.0, 2.0, 3.0]).tolist() == [1, 3, 5]
    assert segments.quantile_scores([4.0, 4.0, 4.0]).tolist() == [3, 3, 3]


def test_a_big_block_of_ties_takes_the_score_of_its_middle() -> None:
    # 43 of 100 customers bought nothing: mid-rank 21.5 % -> score 2, score 1 stays empty.
    values = np.r_[np.zeros(43), np.arange(1.0, 58.0)]
    scores = segments.quantile_scores(values)
    assert set(scores[:43]) == {2}
    assert 1 not in set(scores)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=200),
    st.integers(2, 9),
    st.booleans(),
)
def test_quantile_scores_are_in_range_and_monotone(values: list[int], bins: int, rev: bool) -> None:
    x = np.asarray(values, dtype=float)
    s = segments.quantile_scores(x, bins, reverse=rev)
    assert s.min() >= 1 and s.max() <= bins
    key = -x if rev else x
    order = np.argsort(key, kind="stable")
    assert (np.diff(s[order]) >= 0).all(), "a better value never scores lower"
    for value in np.unique(x):
        assert len(set(s[x == value])) == 1, "ties share a score"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=200))
def test_reverse_scores_are_the_scores_of_the_negated_values(values: list[int]) -> None:
    x = np.asarray(values, dtype=float)
    assert (segments.quantile_scores(x, reverse=True) == segments.quantile_scores(-x)).all()


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(-(10**6), 10**6), min_size=5, max_size=300))
def test_distinct_values_give_equal_groups_like_pandas_qcut(values: set[int]) -> None:
    # Second method: with n distinct values and n a multiple of 5, quintile scores are
    # pandas.qcut's five equal groups. (Whole numbers, in cents say: qcut's interpolated
    # edges lose precision among subnormal floats such as 5e-324.)
    x = np.asarray(sorted(values), dtype=float)[: 5 * (len(values) // 5)]
    np.random.default_rng(0).shuffle(x)
    expected = pd.qcut(x, 5, labels=False) + 1
    assert (segments.quantile_scores(x) == expected).all()


def test_quantile_scores_agree_with_scipy_mid_ranks_on_cedar_lane() -> None:
    # Second method: scipy's average ranks r give p = (r - 1/2) / n, so
    # score = floor(5 p) + 1 = (5 (2 r - 1)) // (2 n) + 1 in whole numbers.
    table = _cedar_rfm()
    n = len(table)
    for column, reverse in (("recency", True), ("frequency", False), ("monetary", False)):
        values = -table[column].to_numpy() if reverse else table[column].to_numpy()
        twice = (2 * rankdata(values, method="average")).astype(np.int64)
        expected = (5 * (twice - 1)) // (2 * n) + 1
        got = segments.quantile_scores(table[column], reverse=reverse)
        assert (got == expected).all(), column


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=100))
def test_threshold_scores_are_in_range_and_monotone(values: list[float]) -> None:
    x = np.asarray(values)
    for reverse in (False, True):
        s = segments.threshold_scores(x, [30, 90, 180, 365], reverse=reverse)
        assert s.min() >= 1 and s.max() <= 5
        order = np.argsort(-x if reverse else x, kind="stable")
        assert (np.diff(s[order]) >= 0).all()


# --- Cedar Lane ------------------------------------------------------------------------


@cache
def _cedar() -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = datasets.load("cedar_customers")
    transactions = datasets.load("cedar_transactions")
    return segments.analysis_tables(customers, transactions, key=KEY, as_of="2024-12-31")


@cache
def _cedar_rfm() -> pd.DataFrame:
    _, purchases = _cedar()
    return segments.rfm(purchases, "2024-12-31", date_col="timestamp", amount_col="spend")


def test_rfm_agrees_with_a_plain_group_by_on_cedar_lane() -> None:
    # Second method: pandas group-by on calendar days, as a spreadsheet would do it.
    _, purchases = _cedar()
    day = purchases["timestamp"].dt.normalize()
    grouped = purchases.assign(day=day).groupby("customer_id")
    expected = pd.DataFrame(
        {
            "recency": (pd.Timestamp("2024-12-31") - grouped["day"].max()).dt.days,
            "frequency": grouped.size(),
            "monetary": grouped["spend"].sum(),
        }
    )
    table = _cedar_rfm()
    assert len(table) == 20_000
    pd.testing.assert_frame_equal(
        table[["recency", "frequency", "monetary"]],
        expected.loc[table.index],
        check_dtype=False,
        check_names=False,
    )


def test_rfm_as_of_an_earlier_day_leaves_out_later_customers_and_purchases() -> None:
    _, purchases = _cedar()
    table = segments.rfm(purchases, "2022-06-30", date_col="timestamp", amount_col="spend")
    early = purchases[purchases["timestamp"] < "2022-07-01"]
    assert len(table) == early["customer_id"].nunique()
    assert table["frequency"].sum() == len(early)
    assert table["monetary"].sum() == pytest.approx(early["spend"].sum())


def test_every_customer_gets_exactly_one_segment_and_sizes_add_up() -> None:
    scored = segments.rfm_scores(_cedar_rfm())
    scored["segment"] = segments.assign_segments(scored)
    summary = segments.segment_summary(scored)
    assert summary["customers"].sum() == len(scored)
    assert summary["share_of_customers"].sum() == pytest.approx(1.0)
    assert summary["share_of_monetary"].sum() == pytest.approx(1.0)
    assert list(summary.index) == [r.name for r in segments.SEGMENT_RULES]
    # champions buy most recently and most often; hibernating customers least
    assert summary["recency_median"].idxmin() == "champions"
    assert summary["monetary_mean"].idxmax() == "champions"
    assert (
        summary.loc["champions", "share_of_monetary"]
        > 2 * summary.loc["champions", "share_of_customers"]
    )


def test_rules_cover_every_cell_exactly_once_in_order() -> None:
    grid = segments._rule_grid(segments.SEGMENT_RULES, 5)
    names = [r.name for r in segments.SEGMENT_RULES]
    assert names[grid[4, 4]] == "champions"
    assert names[grid[0, 0]] == "hibernating"
    assert names[grid[2, 2]] == "loyal"  # R3 F3: loyal, not champions
    assert names[grid[0, 4]] == "at risk"
    rules = segments.segment_rules()
    assert rules.loc[rules["segment"] == "loyal", ["R", "F"]].values.tolist() == [["3-5", "3-5"]]


def test_rules_that_leave_a_cell_empty_are_refused() -> None:
    partial = segments.SEGMENT_RULES[:-1]  # no hibernating
    scored = pd.DataFrame({"R": [1], "F": [1]})
    with pytest.raises(ValueError, match=r"without a segment: \['R1F1', 'R1F2', 'R2F1', 'R2F2'\]"):
        segments.assign_segments(scored, partial)


def test_segment_outcomes_by_hand() -> None:
    seg = pd.Series(["a", "a", "b"], index=["x", "y", "z"], name="segment")
    tx = pd.DataFrame(
        {
            "customer_id": ["x", "x", "z", "y", "q"],
            "date": pd.to_datetime(
                ["2024-01-03", "2024-05-01", "2023-12-31", "2025-01-01", "2024-02-02"]
            ),
            "margin": [10.0, 20.0, 99.0, 5.0, 7.0],
        }
    )
    # In 2024: x bought twice (30), y not (its purchase is in 2025), z not (2023); q has
    # no segment and is ignored.
    out = segments.segment_outcomes(seg, tx, start="2024-01-01", end="2024-12-31")
    assert out.loc["a", ["customers", "active", "value"]].tolist() == [2, 1, 30.0]
    assert out.loc["a", "active_share"] == 0.5
    assert out.loc["a", "value_per_active"] == 30.0
    assert out.loc["b", ["active", "value_per_active"]].tolist() == [0, 0.0]
    ordered = seg.astype(pd.CategoricalDtype(["b", "a"]))
    assert segments.segment_outcomes(
        ordered, tx, start="2024-01-01", end="2024-12-31"
    ).index.tolist() == ["b", "a"]


def test_shopping_habits_by_hand() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b"],
            # Sat 6 Jan, Sun 7 Jan, Mon 8 Jan 2024; b: Tue 9, Wed 10
            "date": pd.to_datetime(
                ["2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10"]
            ),
            "channel": ["store", "online", "online", "online", "store"],
            "category": ["pantry", "snacks", "snacks", "pantry", "pantry"],
        }
    )
    habits = segments.shopping_habits(tx)
    # a: 2 of 3 online, 2 of 3 on a weekend; b: 1 of 2 online (a tie counts as in store)
    assert habits.loc["a"].astype(str).tolist() == ["mostly online", "snacks", "mostly weekends"]
    assert habits.loc["b"].astype(str).tolist() == ["mostly in store", "pantry", "mostly weekdays"]
    early = segments.shopping_habits(tx, "2024-01-06")
    assert early.index.tolist() == ["a"]
    assert early.loc["a", "preferred_channel"] == "mostly in store"


def test_profile_index_by_hand() -> None:
    table = pd.DataFrame(
        {
            "segment": ["s1", "s1", "s2", "s2"],
            "region": ["NCR", "NCR", "NCR", "CALABARZON"],
        }
    )
    profile = segments.segment_profile(table, {"geographic": ["region"]}).set_index(
        ["segment", "value"]
    )
    # NCR: 3 of 4 customers (75 %); in s1 2 of 2 -> index 100 x 1.0 / 0.75 = 133.3.
    assert profile.loc[("s1", "NCR"), "index"] == pytest.approx(400 / 3)
    assert profile.loc[("s2", "CALABARZON"), "index"] == pytest.approx(200.0)
    assert profile.loc[("s1", "CALABARZON"), "customers"] == 0
    assert set(profile["basis"]) == {"geographic"}


def test_profile_refuses_unbanded_numbers_and_missing_values() -> None:
    table = pd.DataFrame({"segment": ["a"] * 40, "distance": np.arange(40.0)})
    with pytest.raises(ValueError, match="band a number first"):
        segments.segment_profile(table, ["distance"])
    table = pd.DataFrame({"segment": ["a", "b"], "city": ["x", None]})
    with pytest.raises(ValueError, match="missing value"):
        segments.segment_profile(table, ["city"])


def test_cedar_profile_shares_add_up_in_every_segment_and_attribute() -> None:
    people, _ = _cedar()
    scored = segments.rfm_scores(_cedar_rfm())
    table = people.join(segments.assign_segments(scored))
    profile = segments.segment_profile(table)
    sums = profile.groupby(["segment", "attribute"])["share"].sum()
    assert np.allclose(sums, 1.0)
    overall = profile.groupby(["segment", "attribute"])["overall_share"].sum()
    assert np.allclose(overall, 1.0)


def test_analysis_tables_hold_no_direct_identifiers() -> None:
    people, purchases = _cedar()
    assert not {"name", "email", "phone", "birth_date", "distance_km"} & set(people.columns)
    assert people.index.str.fullmatch(r"P[0-9a-f]{16}").all()
    assert set(purchases["customer_id"]) == set(people.index)
    assert (purchases["spend"] >= 0).all()
    assert purchases.loc[purchases["returned"], "spend"].eq(0).all()


# --- validation ------------------------------------------------------------------------


def test_missing_columns_are_named() -> None:
    tx = _three_customers().drop(columns="amount")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['amount'\]"):
        segments.rfm(tx)


def test_an_as_of_date_before_the_data_is_refused() -> None:
    with pytest.raises(ValueError, match=r"as_of \(2023-01-01\) is before the first purchase"):
        segments.rfm(_three_customers(), "2023-01-01")


def test_a_time_zone_aware_as_of_is_refused_clearly() -> None:
    # the purchase dates are local and carry no time zone; comparing would fail in pandas
    aware = pd.Timestamp("2024-06-30", tz="Asia/Manila")
    with pytest.raises(ValueError, match="as_of must be a date without a time zone"):
        segments.rfm(_three_customers(), aware)
    with pytest.raises(ValueError, match="as_of must be a date without a time zone"):
        segments.purchase_history(_three_customers()).rfm(aware)


def test_empty_tables_are_refused_clearly() -> None:
    empty = _three_customers().iloc[:0]
    with pytest.raises(ValueError, match="transactions is empty"):
        segments.rfm(empty)
    scored = segments.rfm_scores(segments.rfm(_three_customers()))
    with pytest.raises(ValueError, match="scored is empty"):
        segments.assign_segments(scored.iloc[:0])
    with pytest.raises(ValueError, match="table is empty"):
        segments.rfm_scores(scored.iloc[:0])


def test_negative_amounts_are_refused() -> None:
    tx = _three_customers()
    tx.loc[2, "amount"] = -5.0
    with pytest.raises(ValueError, match=r"transactions\['amount'\] must be >= 0"):
        segments.rfm(tx)


def test_dates_that_are_not_dates_are_refused() -> None:
    tx = _three_customers().assign(date=[20240105, 1, 2, 3, 4, 5, 6])
    with pytest.raises(TypeError, match=r"transactions\['date'\] must hold dates"):
        segments.rfm(tx)
    with pytest.raises(TypeError, match="as_of must be a date"):
        segments.rfm(_three_customers(), as_of=2024)


def test_bad_scores_are_refused() -> None:
    table = segments.rfm(_three_customers())
    with pytest.raises(ValueError, match="scheme must be one of"):
        segments.rfm_scores(table, "deciles")
    with pytest.raises(ValueError, match="bins must be between 2 and 9"):
        segments.rfm_scores(table, bins=10)
    with pytest.raises(ValueError, match="strictly increasing"):
        segments.threshold_scores([1.0], [5, 2])
    with pytest.raises(ValueError, match="only used with scheme='fixed'"):
        segments.rfm_scores(table, thresholds=segments.FIXED_THRESHOLDS)


# --- profitability and the whale curve ------------------------------------------------


def test_profitability_by_hand() -> None:
    # One customer: two store baskets (margin 100 and 50), one online order (margin 200,
    # courier Php 80), one returned store basket (margin 60, lost); 3 minutes of service;
    # Php 20 goodwill and a Php 15 reward. With Cedar Lane's rates (catalog.COST_TO_SERVE:
    # 25 a transaction, 110 an online order, 180 a return, 10 a minute):
    # margin kept 350; cost 4 x 25 + 110 + 80 + 180 + 30 + 20 + 15 = 535; profit -185.
    # A call the customer abandoned in the queue (0 s of an agent's time) costs nothing.
    tx = pd.DataFrame(
        {
            "customer_id": ["X"] * 4,
            "gross": [500.0, 300.0, 900.0, 250.0],
            "discount": [0.0, 20.0, 50.0, 0.0],
            "margin": [100.0, 50.0, 200.0, 60.0],
            "delivery_cost": [0.0, 0.0, 80.0, 0.0],
            "returned": [False, False, False, True],
            "channel": ["store", "store", "online", "store"],
        }
    )
    out = segments.customer_profitability(
        tx,
        contacts=pd.DataFrame({"customer_id": ["X", None, "X"], "handle_seconds": [180, 600, 0]}),
        complaints=pd.DataFrame({"customer_id": ["X"], "compensation": [20.0]}),
        loyalty_events=pd.DataFrame({"customer_id": ["X"], "reward_cost": [15.0]}),
    ).loc["X"]
    assert out["revenue"] == 500 + 280 + 850
    assert out["gross_margin"] == 350
    assert out["cost_to_serve"] == pytest.approx(535)
    assert out["profit"] == pytest.approx(-185)
    assert out["service_cost"] == pytest.approx(30)
    assert out[["transactions", "online_orders", "returns", "service_minutes"]].tolist() == [
        4,
        1,
        1,
        3,
    ]
    assert catalog.COST_TO_SERVE["transaction"][0] == 25.0


def test_profitability_rates_are_checked() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["X"],
            "gross": [1.0],
            "discount": [0.0],
            "margin": [1.0],
            "delivery_cost": [0.0],
            "returned": [False],
            "channel": ["store"],
        }
    )
    with pytest.raises(ValueError, match=r"missing \['return', 'contact_minute'\]"):
        segments.customer_profitability(tx, rates={"transaction": 1, "online_order": 1})
    with pytest.raises(ValueError, match=r"rates\['return'\] must be >= 0"):
        segments.customer_profitability(
            tx, rates={"transaction": 1, "online_order": 1, "return": -1, "contact_minute": 0}
        )


def test_whale_curve_by_hand() -> None:
    # Profits 50, -10, 30, -20 (total 50). Ranked: 50, 30, -10, -20; cumulative 50, 80,
    # 70, 50 = 100 %, 160 %, 140 %, 100 % of the total. Peak 160 % with half the customers.
    profit = pd.Series([50.0, -10.0, 30.0, -20.0])
    curve = segments.whale_curve(profit)
    assert curve["cumulative_share"].tolist() == pytest.approx([0, 1.0, 1.6, 1.4, 1.0])
    assert curve["customer_share"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    summary = segments.whale_summary(profit, top=0.25)
    assert summary["peak_share"] == pytest.approx(1.6)
    assert summary["customers_at_peak"] == 0.5
    assert summary["top_share"] == pytest.approx(1.0)
    assert summary["unprofitable_share"] == 0.5
    assert summary["loss_of_unprofitable"] == -30


def test_the_top_share_must_hold_customers() -> None:
    # top=0 would silently report the single most profitable customer
    with pytest.raises(ValueError, match=r"top must be a share of the customers in \(0, 1\]"):
        segments.whale_summary([50.0, -10.0, 30.0], top=0)
    with pytest.raises(ValueError, match=r"write 0\.2 for 20 %"):
        segments.whale_summary([50.0, -10.0, 30.0], top=20)


def test_a_whale_curve_needs_a_positive_total() -> None:
    with pytest.raises(ValueError, match="total profit must be positive"):
        segments.whale_curve([10.0, -20.0])


@cache
def _cedar_profit() -> pd.DataFrame:
    frames = {
        name: datasets.load(name)
        for name in (
            "cedar_customers",
            "cedar_transactions",
            "cedar_service_contacts",
            "cedar_complaints",
            "cedar_loyalty_events",
        )
    }
    return segments.customer_profitability(
        frames["cedar_transactions"],
        customers=frames["cedar_customers"],
        contacts=frames["cedar_service_contacts"],
        complaints=frames["cedar_complaints"],
        loyalty_events=frames["cedar_loyalty_events"],
    ), frames


def test_cedar_lane_profit_agrees_with_the_generators_measurement() -> None:
    # Second method: casekit.world.effects.customer_profit, written with the generator.
    profit, frames = _cedar_profit()
    expected = effects.customer_profit(frames)
    assert np.allclose(profit["profit"].loc[expected.index], expected, atol=1e-6)


def test_cedar_lane_whale_curve_is_the_planted_one() -> None:
    # datasets/README.md, instructor notes: total profit Php 35.4 million; cumulative
    # profit peaks at 127 % of the total with the top 75 % of customers; the top 20 %
    # earn 104 %; 25 % of customers lose money. (Abandoned calls and chats take no
    # agent time, so they add nothing to the cost to serve.)
    profit, _ = _cedar_profit()
    summary = segments.whale_summary(profit)
    assert summary["total_profit"] / 1e6 == pytest.approx(35.4, abs=0.05)
    assert summary["peak_share"] == pytest.approx(1.27, abs=0.005)
    assert summary["customers_at_peak"] == pytest.approx(0.75, abs=0.005)
    assert summary["top_share"] == pytest.approx(1.04, abs=0.005)
    assert summary["unprofitable_share"] == pytest.approx(0.25, abs=0.005)
    curve = segments.whale_curve(profit, points=201)
    assert len(curve) <= 202
    assert curve["cumulative_share"].max() == pytest.approx(summary["peak_share"])


# --- charts ----------------------------------------------------------------------------


def _scored_cedar() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    people, _ = _cedar()
    scored = segments.rfm_scores(_cedar_rfm())
    scored["segment"] = segments.assign_segments(scored)
    summary = segments.segment_summary(scored)
    profile = segments.segment_profile(people.join(scored["segment"]))
    return scored, summary, profile


def test_explorer_spec_is_valid_and_filters_the_profile_by_the_click() -> None:
    _, summary, profile = _scored_cedar()
    chart = segments.explorer_chart(summary, profile, selected="at risk")  # validates
    spec = chart.to_dict()
    assert spec["params"][0]["value"] == [{"segment": "at risk"}]
    vega = charts.render(spec, svg=False)[charts.VEGA_MIMETYPE]
    text = json.dumps(vega)
    assert "pick_store" in text and "vlSelectionTest" in text
    # the raw spec (what the widget draws) compiles to the same Vega
    direct = charts.render(segments.explorer_spec(summary, profile, selected="at risk"), svg=False)
    assert len(json.dumps(direct[charts.VEGA_MIMETYPE])) == pytest.approx(len(text), rel=0.02)


@pytest.mark.parametrize("which", ["segment", "grid", "profile", "whale"])
def test_charts_validate_and_stay_small(which: str) -> None:
    scored, summary, profile = _scored_cedar()
    profit, _ = _cedar_profit()
    chart = {
        "segment": lambda: segments.segment_chart(summary),
        "grid": lambda: segments.rfm_grid_chart(scored),
        "profile": lambda: segments.profile_chart(profile, "champions"),
        "whale": lambda: segments.whale_chart(
            segments.whale_curve(profit, points=201), segments.whale_summary(profit)
        ),
    }[which]()
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert len(json.dumps(spec)) < 120_000
    assert spec["config"]["range"]["category"][0] == charts.PALETTE[0]

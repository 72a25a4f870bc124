"""casekit.complaints against hand-counted logs, hand-solved queues and second methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from casekit import complaints as cx
from casekit import datasets, service

# -----------------------------------------------------------------------------------------
# A small log, counted by hand
# -----------------------------------------------------------------------------------------
#
#  id  received          channel  hours  days  outcome          sat  reopened  bought
#  1   2024-01-03 10:00  phone     0.5    1.0  resolved          5   no        yes
#  2   2024-01-10 12:00  e-mail   30.0    4.0  partly resolved   3   yes       no
#  3   2024-01-20 09:00  phone     2.0    2.0  resolved          4   no        yes
#  4   2024-02-02 15:00  e-mail   10.0    9.0  not resolved      1   yes       unknown
#  5   2024-02-14 11:00  chat      1.0    0.5  resolved          4   no        yes
#  6   2024-02-28 16:00  phone    48.0   12.0  partly resolved   2   no        no


@pytest.fixture
def log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "received": pd.to_datetime(
                [
                    "2024-01-03 10:00",
                    "2024-01-10 12:00",
                    "2024-01-20 09:00",
                    "2024-02-02 15:00",
                    "2024-02-14 11:00",
                    "2024-02-28 16:00",
                ]
            ),
            "channel": ["phone", "e-mail", "phone", "e-mail", "chat", "phone"],
            "first_response_hours": [0.5, 30.0, 2.0, 10.0, 1.0, 48.0],
            "resolution_days": [1.0, 4.0, 2.0, 9.0, 0.5, 12.0],
            "outcome": [
                "resolved",
                "partly resolved",
                "resolved",
                "not resolved",
                "resolved",
                "partly resolved",
            ],
            "satisfaction_after": [5, 3, 4, 1, 4, 2],
            "reopened": [False, True, False, True, False, False],
            "purchased_within_90d": pd.array([True, False, True, None, True, False], "boolean"),
        }
    )


def test_volume_and_rate_per_thousand_by_month(log) -> None:
    purchases = pd.DataFrame(
        {"timestamp": pd.to_datetime(["2024-01-15"] * 1000 + ["2024-02-15"] * 1500)}
    )
    table = cx.complaint_volume(log, freq="M", purchases=purchases)
    assert table["complaints"].tolist() == [3, 3]
    assert table["purchases"].tolist() == [1000, 1500]
    assert table["per_1000"].tolist() == pytest.approx([3.0, 2.0])


def test_volume_by_channel_counts_zero_where_a_channel_is_quiet(log) -> None:
    purchases = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-15", "2024-02-15"])})
    table = cx.complaint_volume(log, freq="M", purchases=purchases, by="channel")
    jan = table[table["period"] == "2024-01-01"].set_index("channel")["complaints"]
    assert jan.to_dict() == {"chat": 0, "e-mail": 1, "phone": 2}
    # The groups' rates add up to the period's rate.
    assert table.groupby("period")["per_1000"].sum().tolist() == pytest.approx([3000.0, 3000.0])


def test_time_summary_by_hand(log) -> None:
    # Sorted hours 0.5, 1, 2, 10, 30, 48: median (2 + 10) / 2 = 6; 90th percentile by
    # linear interpolation at position 0.9 x 5 = 4.5: 30 + 0.5 x 18 = 39; 4 of 6 within 24 h.
    row = cx.time_summary(log, time="first_response_hours", standard=24).loc["all"]
    assert row["cases"] == 6
    assert row["mean"] == pytest.approx(91.5 / 6)
    assert row["median"] == pytest.approx(6.0)
    assert row["p90"] == pytest.approx(39.0)
    assert row["within_standard"] == pytest.approx(4 / 6)


def test_time_summary_by_channel(log) -> None:
    table = cx.time_summary(log, time="first_response_hours", standard=24, by="channel")
    assert table.loc["phone", "cases"] == 3
    assert table.loc["phone", "median"] == pytest.approx(2.0)
    assert table.loc["e-mail", "within_standard"] == pytest.approx(0.5)
    assert table.loc["chat", "mean"] == pytest.approx(1.0)


def test_reopen_rate_and_scorecard_by_hand(log) -> None:
    assert cx.flag_rate(log, flag="reopened") == pytest.approx(2 / 6)
    card = cx.handling_scorecard(
        log, response_standard=24, resolution_standard=7, purchases=3000, reopened="reopened"
    ).set_index("measure")
    assert card.loc["complaints", "value"] == 6
    assert card.loc["complaints per 1,000 purchases", "value"] == pytest.approx(2.0)
    assert card.loc["median time to resolution", "value"] == pytest.approx(3.0)
    assert card.loc["share closed within the standard", "value"] == pytest.approx(4 / 6)
    assert card.loc["share fully resolved", "value"] == pytest.approx(3 / 6)
    assert card.loc["reopen rate", "value"] == pytest.approx(2 / 6)
    assert card.loc["mean satisfaction with the handling", "value"] == pytest.approx(19 / 6)
    assert card.loc["satisfied (4 or 5)", "value"] == pytest.approx(3 / 6)


def test_scorecard_says_what_the_log_does_not_record(log) -> None:
    card = cx.handling_scorecard(
        log.drop(columns="reopened"), response_standard=24, resolution_standard=7
    ).set_index("measure")
    for measure in ("reopen rate", "first-contact resolution", "complaints per 1,000 purchases"):
        assert np.isnan(card.loc[measure, "value"])
        assert card.loc[measure, "note"]


def test_consistency_by_hand(log) -> None:
    table = cx.consistency(log, value="first_response_hours", by="channel", min_cases=1)
    means = table.set_index("channel")["mean"]
    assert means.to_dict() == pytest.approx({"chat": 1.0, "phone": 50.5 / 3, "e-mail": 20.0})
    assert list(table["channel"]) == ["chat", "phone", "e-mail"]  # lowest mean first
    test = table.attrs["test"]
    assert test["test"] == "Kruskal-Wallis test"
    assert test["spread"] == pytest.approx(19.0)
    assert test["ratio"] == pytest.approx(20.0)
    # second method: scipy's Kruskal-Wallis test on the hand-sorted groups
    phone, email, chat = [0.5, 2.0, 48.0], [30.0, 10.0], [1.0]
    expected = stats.kruskal(phone, email, chat)
    assert test["statistic"] == pytest.approx(expected.statistic)
    assert test["p_value"] == pytest.approx(expected.pvalue)
    # and by hand: ranks of 0.5, 1, 2, 10, 30, 48 are 1..6 (no ties); rank sums phone
    # 1 + 3 + 6 = 10, e-mail 4 + 5 = 9, chat 2; H = 12 / (6 x 7) x (100/3 + 81/2 + 4) - 3 x 7
    assert test["statistic"] == pytest.approx(12 / 42 * (100 / 3 + 81 / 2 + 4) - 21)


def test_consistency_leaves_out_small_groups_and_refuses_one_group(log) -> None:
    table = cx.consistency(log, value="reopened", by="channel", min_cases=2)
    assert set(table["channel"]) == {"phone", "e-mail"}
    assert table.attrs["left_out"] == ["chat"]
    assert table.attrs["test"]["test"].startswith("chi-square")
    with pytest.raises(ValueError, match="at least two groups"):
        cx.consistency(log, value="reopened", by="channel", min_cases=3)


def test_consistency_refuses_rows_without_a_group() -> None:
    # A contact log's abandoned calls have no agent: comparing agents must leave them out
    # explicitly rather than let them vanish from the groups (or form a group "nan").
    contacts = pd.DataFrame(
        {
            "agent_id": pd.Categorical(["CC01", "CC02", None] * 4),
            "abandoned": [False, False, True] * 4,
            "resolved_first_contact": [True, False, False] * 4,
        }
    )
    with pytest.raises(ValueError, match=r"frame\['agent_id'\] has 4 missing value"):
        cx.consistency(contacts, value="resolved_first_contact", by="agent_id", min_cases=1)
    answered = contacts[~contacts["abandoned"]]
    table = cx.consistency(answered, value="resolved_first_contact", by="agent_id", min_cases=1)
    assert table.set_index("agent_id")["cases"].to_dict() == {"CC02": 4, "CC01": 4}
    assert table.attrs["test"]["spread"] == 1.0


def test_repurchase_table_by_hand_with_the_wilson_interval(log) -> None:
    table = cx.repurchase_table(log, by="channel").set_index("channel")
    assert table.loc["phone", ["complaints", "unknown", "repurchased"]].tolist() == [3, 0, 2]
    assert table.loc["e-mail", ["complaints", "unknown", "repurchased"]].tolist() == [2, 1, 0]
    assert table.loc["phone", "repurchase_rate"] == pytest.approx(2 / 3)
    # Second method: statsmodels' Wilson interval (2 of 3: 0.2077 to 0.9385).
    low, high = proportion_confint(2, 3, alpha=0.05, method="wilson")
    assert table.loc["phone", ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high])
    assert low == pytest.approx(0.2077, abs=1e-4) and high == pytest.approx(0.9385, abs=1e-4)


def test_satisfaction_table_by_outcome_and_speed_by_hand(log) -> None:
    # resolved: ratings 5, 4, 4 -> mean 13/3, all satisfied; partly: 3, 2 -> 2.5, none;
    # not resolved: 1 -> 1, none.
    table = cx.satisfaction_table(log, by="outcome").set_index("outcome")
    assert table["complaints"].to_dict() == {"not resolved": 1, "partly resolved": 2, "resolved": 3}
    assert table["mean_satisfaction"].to_dict() == pytest.approx(
        {"not resolved": 1.0, "partly resolved": 2.5, "resolved": 13 / 3}
    )
    assert table["share_satisfied"].to_dict() == {
        "not resolved": 0.0,
        "partly resolved": 0.0,
        "resolved": 1.0,
    }
    # bands x outcome: 0.5 h and 1 h resolved (5, 4); 2 h resolved (4); 10 h not (1);
    # 30 h and 48 h partly (3, 2).
    bands = cx.response_bands(log["first_response_hours"])
    cross = cx.satisfaction_table(log, by=[bands, "outcome"], satisfied=5)
    rows = [tuple(r) for r in cross[["band", "outcome", "complaints", "mean_satisfaction"]].values]
    assert rows == [
        ("up to 1 h", "resolved", 2, 4.5),
        ("1-4 h", "resolved", 1, 4.0),
        ("4-24 h", "not resolved", 1, 1.0),
        ("over 24 h", "partly resolved", 2, 2.5),
    ]
    assert cross["share_satisfied"].tolist() == [0.5, 0.0, 0.0, 0.0]  # only a 5 counts
    # an unrated complaint is counted but left out of the mean and the share
    unrated = log.assign(satisfaction_after=[np.nan, 3, 4, 1, 4, 2])
    row = cx.satisfaction_table(unrated, by="outcome").set_index("outcome").loc["resolved"]
    assert (row["complaints"], row["rated"], row["mean_satisfaction"]) == (3, 2, 4.0)
    with pytest.raises(ValueError, match="one label per complaint"):
        cx.satisfaction_table(log, by=[bands.iloc[:3]])
    with pytest.raises(TypeError, match="numeric ratings"):
        cx.satisfaction_table(log, by="channel", satisfaction="outcome")


def test_response_bands_are_closed_on_the_right_and_ordered() -> None:
    bands = cx.response_bands([0.0, 1.0, 1.01, 4.0, 24.0, 24.5])
    assert bands.astype(str).tolist() == [
        "up to 1 h",
        "up to 1 h",
        "1-4 h",
        "1-4 h",
        "4-24 h",
        "over 24 h",
    ]
    assert list(bands.cat.categories) == ["up to 1 h", "1-4 h", "4-24 h", "over 24 h"]
    with pytest.raises(ValueError, match="edges"):
        cx.response_bands([1.0], edges=[1, 4])
    with pytest.raises(ValueError, match="hours"):
        cx.response_bands([-1.0])


# -----------------------------------------------------------------------------------------
# The iceberg and the economics of compensation
# -----------------------------------------------------------------------------------------


def test_iceberg_by_hand_and_the_tarp_ratio() -> None:
    table = cx.iceberg(120, complaint_rate=[0.04, 0.25], lost_if_silent=0.5)
    assert table["customers_with_problem"].tolist() == pytest.approx([3000, 480])
    assert table["silent"].tolist() == pytest.approx([2880, 360])
    assert table["silent_per_complaint"].tolist() == pytest.approx([24, 3])
    assert table["silent_lost"].tolist() == pytest.approx([1440, 180])
    # TARP's often quoted "for every customer who complains, 26 do not": 1 in 27 complain.
    assert cx.iceberg(1, complaint_rate=1 / 27)["silent_per_complaint"].iloc[0] == pytest.approx(26)


@pytest.mark.parametrize("rate", [0, 1.5, -0.1, float("nan")])
def test_iceberg_refuses_impossible_rates(rate) -> None:
    with pytest.raises(ValueError, match="complaint_rate"):
        cx.iceberg(10, complaint_rate=rate)


def test_compensation_economics_by_hand() -> None:
    # CLV of a customer kept, first year certain: 1000 / (1 + 0.1 - 0.8) = 3,333.33.
    row = cx.compensation_economics(
        200, 0.05, cases=1000, margin=1000, retention=0.8, discount_rate=0.1
    ).iloc[0]
    assert row["clv"] == pytest.approx(1000 / 0.3)
    assert row["cost"] == pytest.approx(200_000)
    assert row["customers_kept"] == pytest.approx(50)
    assert row["value_kept"] == pytest.approx(50 * 1000 / 0.3)
    assert row["net"] == pytest.approx(50 * 1000 / 0.3 - 200_000)
    assert row["break_even_uplift"] == pytest.approx(0.06)


def test_compensation_economics_breaks_even_at_the_break_even_uplift() -> None:
    table = cx.compensation_economics(
        [100, 300], [0.0, 0.0], cases=500, margin=1500, retention=0.6, discount_rate=0.1
    )
    at_break_even = cx.compensation_economics(
        table["cost_per_case"],
        table["break_even_uplift"],
        cases=500,
        margin=1500,
        retention=0.6,
        discount_rate=0.1,
    )
    assert at_break_even["net"].tolist() == pytest.approx([0.0, 0.0], abs=1e-6)


def test_compensation_effect_weights_strata_by_hand() -> None:
    # Stratum A: without 1 of 2 bought, with 2 of 2: +0.5, weight 2 x 2 / 4 = 1.
    # Stratum B: without 0 of 1, with 1 of 3: +1/3, weight 3 x 1 / 4 = 0.75.
    # Weighted: (0.5 x 1 + 1/3 x 0.75) / 1.75 = 0.428571...
    frame = pd.DataFrame(
        {
            "outcome": ["A"] * 4 + ["B"] * 4,
            "compensation": [0, 0, 100, 200, 0, 100, 100, 100],
            "purchased_within_90d": [True, False, True, True, False, True, False, False],
        }
    )
    table = cx.compensation_effect(frame, strata=["outcome"])
    assert table["difference"].tolist() == pytest.approx([0.5, 1 / 3, 0.75 / 1.75])
    assert table["outcome"].iloc[-1] == "weighted"


# -----------------------------------------------------------------------------------------
# Purchases around an event, and the recovery effect planted in the data
# -----------------------------------------------------------------------------------------


def test_purchases_around_by_hand() -> None:
    day = pd.Timestamp("2024-01-01")
    purchases = pd.DataFrame(
        {
            "customer_id": ["A"] * 5 + ["B"] * 3,
            "timestamp": [day + pd.Timedelta(days=d) for d in (0, 10, 20, 30, 40, 20, 24, 26)],
        }
    )
    customers = pd.DataFrame(
        {"customer_id": ["A", "B"], "acquisition_date": [day, day + pd.Timedelta(days=20)]}
    )
    events = pd.DataFrame(
        {"customer_id": ["A", "B"], "received": [day + pd.Timedelta(days=25)] * 2}
    )
    out = cx.purchases_around(
        purchases,
        events,
        event_time="received",
        window_days=12,
        gap_days=3,
        customers=customers,
    )
    # A: before = [13, 22) -> day 20; after = (25, 37] -> day 30. Acquired on day 0 <= 13.
    # B: before [13, 22) -> day 20; day 24 falls in the gap; after -> day 26. Acquired on
    # day 20, later than 25 - 12 = 13: not eligible.
    assert out["before"].tolist() == [1, 1]
    assert out["after"].tolist() == [1, 1]
    assert out["eligible"].tolist() == [True, False]
    # Data that end on day 30 do not cover A's window after the event (to day 37).
    cut = cx.purchases_around(
        purchases, events, event_time="received", window_days=12, end=day + pd.Timedelta(days=30)
    )
    assert cut["eligible"].tolist() == [False, False]
    with pytest.raises(ValueError, match="comparison group"):
        cx.recovery_table(purchases, events.assign(satisfaction_after=5))


@pytest.fixture(scope="module")
def cedar() -> dict[str, pd.DataFrame]:
    return {
        name: datasets.load(name)
        for name in ("cedar_complaints", "cedar_transactions", "cedar_customers")
    }


def test_the_planted_speed_effect_is_found(cedar) -> None:
    # datasets/README.md (instructor notes, measured by casekit.world.effects): repurchase
    # within 90 days 71 % with a first response within an hour, 66 % within 1-4 h, 59 %
    # within 4-24 h and 43 % after more than a day.
    log = cedar["cedar_complaints"]
    table = cx.repurchase_table(log, by=cx.response_bands(log["first_response_hours"]))
    rates = table.set_index("band")["repurchase_rate"]
    assert rates.tolist() == pytest.approx([0.71, 0.66, 0.59, 0.43], abs=0.006)
    assert rates.is_monotonic_decreasing


def test_the_planted_recovery_paradox_is_found(cedar) -> None:
    # README: satisfaction 5 -> 1.20 times the purchases after as before; satisfaction 1
    # and 2 -> 0.22 and 0.48; customers who never complained ~0.88 (natural drop-out; the
    # exact value depends on the random purchase picked for each of them).
    table = cx.recovery_table(
        cedar["cedar_transactions"], cedar["cedar_complaints"], customers=cedar["cedar_customers"]
    ).set_index("group")
    assert table.loc["5", "ratio"] == pytest.approx(1.20, abs=0.01)
    assert table.loc["1", "ratio"] == pytest.approx(0.22, abs=0.01)
    assert table.loc["2", "ratio"] == pytest.approx(0.48, abs=0.01)
    assert table.loc["no complaint", "ratio"] == pytest.approx(0.88, abs=0.03)
    assert table.loc["5", "ratio_vs_no_problem"] > 1.2  # better than never having a problem
    assert table["ratio"].iloc[:5].is_monotonic_increasing
    # The limit: compared directly, even badly handled complainants look better than
    # customers with no problem, because complainants are the more frequent buyers.
    assert table.loc["1", "repurchase_rate"] < table.loc["5", "repurchase_rate"]
    assert table.loc["3", "repurchase_rate"] > table.loc["no complaint", "repurchase_rate"]


def test_cedar_loss_model_is_the_fit_to_the_log(cedar) -> None:
    fitted = cx.fit_loss_model(cedar["cedar_complaints"])
    assert fitted.intercept == pytest.approx(cx.CEDAR_LOSS.intercept, abs=0.005)
    assert fitted.per_log_hour == pytest.approx(cx.CEDAR_LOSS.per_log_hour, abs=0.005)
    assert fitted.severity == pytest.approx(cx.CEDAR_LOSS.severity, abs=0.005)


def test_fit_loss_model_recovers_known_coefficients() -> None:
    truth = cx.LossModel(intercept=-0.5, per_log_hour=0.4, severity=(0.0, 0.3, 0.8))
    rng = np.random.default_rng(3)
    n = 40_000
    hours = rng.lognormal(1.0, 1.2, n)
    severity = rng.integers(0, 3, n)
    lost = rng.random(n) < truth.probability(hours, severity)
    frame = pd.DataFrame(
        {
            "first_response_hours": hours,
            "severity": np.array(cx.SEVERITIES)[severity],
            "purchased_within_90d": ~lost,
        }
    )
    fit = cx.fit_loss_model(frame)
    assert fit.intercept == pytest.approx(-0.5, abs=0.06)
    assert fit.per_log_hour == pytest.approx(0.4, abs=0.03)
    assert fit.severity == pytest.approx((0.0, 0.3, 0.8), abs=0.06)


# -----------------------------------------------------------------------------------------
# The triage simulator
# -----------------------------------------------------------------------------------------

ALWAYS_OPEN = {"open_hours": (0, 24), "workdays": range(7)}
MONDAY = pd.Timestamp("2025-01-06")


def _arrivals(minutes_after, handle, severity=None, value=None) -> pd.DataFrame:
    n = len(minutes_after)
    return pd.DataFrame(
        {
            "arrival": MONDAY + pd.to_timedelta(minutes_after, unit="min"),
            "severity": severity or ["low"] * n,
            "value": value or [1000.0] * n,
            "handle_minutes": handle,
        }
    )


def test_one_handler_fixed_arrivals_solved_by_hand() -> None:
    # Arrivals at 0:00, 0:30, 1:00, 5:00, each taking an hour: starts at 0, 1, 2 and 5;
    # responses at 1, 2, 3 and 6; so waits 0, 0.5, 1, 0 and response times 1, 1.5, 2, 1.
    arrivals = _arrivals([0, 30, 60, 300], [60, 60, 60, 60])
    out = cx.simulate_triage(
        arrivals, policy="fcfs", handlers=1, standard_hours=1.5, loss=None, **ALWAYS_OPEN
    )
    assert out["wait_hours"].tolist() == pytest.approx([0, 0.5, 1, 0])
    assert out["response_hours"].tolist() == pytest.approx([1, 1.5, 2, 1])
    assert out["breach"].tolist() == [False, False, True, False]
    assert out["responded"].iloc[2] == MONDAY + pd.Timedelta(hours=3)


def test_priority_policies_solved_by_hand() -> None:
    # 0:00 low (value 100), 0:10 low (value 900), 0:20 high (value 500); an hour each.
    arrivals = _arrivals([0, 10, 20], [60, 60, 60], ["low", "low", "high"], [100.0, 900.0, 500.0])
    run = {"handlers": 1, "standard_hours": 24, "loss": None, **ALWAYS_OPEN}
    fcfs = cx.simulate_triage(arrivals, policy="fcfs", **run)["response_hours"]
    assert fcfs.tolist() == pytest.approx([1, 2 - 1 / 6, 3 - 1 / 3])
    severity = cx.simulate_triage(arrivals, policy="severity", **run)["response_hours"]
    assert severity.tolist() == pytest.approx([1, 3 - 1 / 6, 2 - 1 / 3])
    value = cx.simulate_triage(arrivals, policy="value", **run)["response_hours"]
    assert value.tolist() == pytest.approx([1, 2 - 1 / 6, 3 - 1 / 3])  # 900 before 500
    # Deadlines: high due at 0:20 + 1 h = 1:20, the second low at 0:10 + 24 h.
    deadline = cx.simulate_triage(
        arrivals,
        policy="deadline",
        handlers=1,
        standard_hours={"low": 24, "medium": 8, "high": 1},
        loss=None,
        **ALWAYS_OPEN,
    )
    assert deadline["response_hours"].tolist() == pytest.approx([1, 3 - 1 / 6, 2 - 1 / 3])
    assert deadline["breach"].tolist() == [False, False, True]


def test_rescore_judges_a_run_against_new_standards_by_hand() -> None:
    # The hand-solved fcfs run above: responses 1, 1.5, 2 and 1 hours. Against a
    # standard of 1.5 h only the third breaches; against 1 h the second and third do.
    arrivals = _arrivals([0, 30, 60, 300], [60, 60, 60, 60], ["low", "high", "high", "low"])
    run = {"policy": "fcfs", "handlers": 1, "loss": None, **ALWAYS_OPEN}
    out = cx.simulate_triage(arrivals, standard_hours=1.5, **run)
    strict = cx.rescore(out, 1.0)
    assert strict["breach"].tolist() == [False, True, True, False]
    per_severity = cx.rescore(out, {"low": 0.5, "medium": 8, "high": 2})
    assert per_severity["standard_hours"].tolist() == [0.5, 2, 2, 0.5]
    assert per_severity["breach"].tolist() == [True, False, False, True]
    assert out["breach"].tolist() == [False, False, True, False]  # the input is untouched
    # the same as a fresh run under the new standards, for every policy but "deadline"
    for policy in ("fcfs", "severity", "value"):
        fresh = cx.simulate_triage(arrivals, standard_hours=1.0, **{**run, "policy": policy})
        again = cx.rescore(
            cx.simulate_triage(arrivals, standard_hours=9, **{**run, "policy": policy}), 1.0
        )
        assert again.equals(fresh)


def test_working_hours_solved_by_hand() -> None:
    # Desk open Monday to Friday 08:00-18:00. A: Friday 17:30, one hour of work: half an
    # hour on Friday, half an hour on Monday from 08:00 -> responded Monday 08:30 (63 h).
    # B: Saturday 10:00, half an hour: waits for A, starts Monday 08:30 (a wait of 46.5 h)
    # and is answered at 09:00 (47 h).
    friday = pd.Timestamp("2025-01-03 17:30")
    arrivals = pd.DataFrame(
        {
            "arrival": [friday, pd.Timestamp("2025-01-04 10:00")],
            "severity": ["low", "low"],
            "handle_minutes": [60.0, 30.0],
        }
    )
    out = cx.simulate_triage(
        arrivals,
        policy="fcfs",
        handlers=1,
        standard_hours=48,
        open_hours=(8, 18),
        workdays=(0, 1, 2, 3, 4),
        loss=None,
    )
    assert out["responded"].tolist() == [
        pd.Timestamp("2025-01-06 08:30"),
        pd.Timestamp("2025-01-06 09:00"),
    ]
    assert out["response_hours"].tolist() == pytest.approx([63.0, 47.0])
    assert out["wait_hours"].tolist() == pytest.approx([0.0, 46.5])
    assert out["breach"].tolist() == [True, False]


def _reference(arrive, handle, key, handlers) -> list[float]:
    """A slow, plain implementation: the earliest free handler takes the first in line."""
    free = [0.0] * handlers
    start = [0.0] * len(arrive)
    left = set(range(len(arrive)))
    while left:
        k = min(range(handlers), key=lambda s: free[s])
        t = max(free[k], min(arrive[j] for j in left))
        j = min((j for j in left if arrive[j] <= t), key=lambda j: (key[j], j))
        start[j] = t
        free[k] = t + handle[j]
        left.remove(j)
    return start


cases = st.lists(
    st.tuples(
        st.integers(0, 600),  # minutes after the start
        st.integers(1, 120),  # handling minutes
        st.sampled_from(cx.SEVERITIES),
        st.integers(0, 5000),  # customer value
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=80, deadline=None)
@given(cases=cases, handlers=st.integers(1, 3), policy=st.sampled_from(list(cx.POLICIES)))
def test_simulator_matches_a_plain_reference(cases, handlers, policy) -> None:
    cases = sorted(cases)
    minutes, handle, severity, value = (list(x) for x in zip(*cases, strict=True))
    arrivals = _arrivals(minutes, handle, severity, [float(v) for v in value])
    standards = {"low": 48, "medium": 24, "high": 4}
    out = cx.simulate_triage(
        arrivals,
        policy=policy,
        handlers=handlers,
        standard_hours=standards,
        loss=None,
        **ALWAYS_OPEN,
    )
    arrive = [m / 60 for m in minutes]
    level = [cx.SEVERITIES.index(s) for s in severity]
    key = {
        "fcfs": [0] * len(arrive),
        "severity": [-lv for lv in level],
        "value": [-v for v in value],
        "deadline": [a + standards[s] for a, s in zip(arrive, severity, strict=True)],
    }[policy]
    expected = _reference(arrive, [h / 60 for h in handle], key, handlers)
    assert (out["wait_hours"] + arrive).tolist() == pytest.approx(expected, abs=1e-6)


def test_fcfs_matches_the_service_modules_queue() -> None:
    # service.simulate_queue draws its M/M/c arrivals and handle times from the seed; the
    # same numbers through the triage simulator (desk always open) give the same waits.
    queue = service.simulate_queue(calls_per_hour=30, handle_time=240, agents=2, calls=3000)
    arrivals = pd.DataFrame(
        {
            "arrival": MONDAY + pd.to_timedelta(queue["arrival"], unit="s"),
            "severity": "low",
            "handle_minutes": queue["handle"] / 60,
        }
    )
    out = cx.simulate_triage(
        arrivals, policy="fcfs", handlers=2, standard_hours=1, loss=None, **ALWAYS_OPEN
    )
    assert (out["wait_hours"] * 3600).to_numpy() == pytest.approx(queue["wait"], abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(cases=cases, handlers=st.integers(1, 4))
def test_fcfs_more_handlers_never_make_anyone_wait_longer(cases, handlers) -> None:
    cases = sorted(cases)
    minutes, handle, severity, _ = (list(x) for x in zip(*cases, strict=True))
    arrivals = _arrivals(minutes, handle, severity)
    run = {"policy": "fcfs", "standard_hours": 24, "loss": None, **ALWAYS_OPEN}
    fewer = cx.simulate_triage(arrivals, handlers=handlers, **run)["wait_hours"]
    more = cx.simulate_triage(arrivals, handlers=handlers + 1, **run)["wait_hours"]
    assert (more.to_numpy() <= fewer.to_numpy() + 1e-9).all()


#: A desk open on weekdays from 08:00 to 18:00: arrivals at night or at the weekend wait
#: for the opening, and work left at closing time goes on the next working day.
OFFICE_HOURS = {"open_hours": (8, 18), "workdays": (0, 1, 2, 3, 4)}


@settings(max_examples=80, deadline=None)
@given(
    minutes=st.lists(st.integers(0, 600), min_size=1, max_size=25),
    handle=st.integers(1, 120),
    handlers=st.integers(1, 3),
    policy=st.sampled_from(list(cx.POLICIES)),
    seed=st.integers(0, 2**16),
    desk=st.sampled_from([ALWAYS_OPEN, OFFICE_HOURS]),
    spread=st.sampled_from([1, 12]),
)
def test_equal_handling_times_more_handlers_never_raise_the_mean_wait(
    minutes, handle, handlers, policy, seed, desk, spread
) -> None:
    # spread 12 stretches the arrivals over up to five days, across nights and a weekend
    minutes = [m * spread for m in minutes]
    rng = np.random.default_rng(seed)
    n = len(minutes)
    arrivals = _arrivals(
        sorted(minutes),
        [handle] * n,
        list(rng.choice(cx.SEVERITIES, n)),
        list(rng.uniform(0, 5000, n)),
    )
    run = {"policy": policy, "standard_hours": 24, "loss": None, **desk}
    fewer = cx.simulate_triage(arrivals, handlers=handlers, **run)["wait_hours"].mean()
    more = cx.simulate_triage(arrivals, handlers=handlers + 1, **run)["wait_hours"].mean()
    assert more <= fewer + 1e-9
    # With equal handling times the policy changes who waits, not the mean wait.
    fcfs = cx.simulate_triage(arrivals, handlers=handlers, **{**run, "policy": "fcfs"})
    assert fcfs["wait_hours"].mean() == pytest.approx(fewer, abs=1e-9)


def test_enough_handlers_means_no_waiting_in_opening_hours() -> None:
    arrivals = cx.simulate_arrivals(200, days=30, seed=5)
    out = cx.simulate_triage(
        arrivals, policy="value", handlers=len(arrivals), standard_hours=24, **ALWAYS_OPEN
    )
    assert (out["wait_hours"] == 0).all()
    assert out["response_hours"].to_numpy() == pytest.approx(out["handle_minutes"] / 60)


def test_arrivals_are_reproducible_and_shaped_as_asked() -> None:
    one = cx.simulate_arrivals(3000, seed=11)
    assert one.equals(cx.simulate_arrivals(3000, seed=11))
    assert not one.equals(cx.simulate_arrivals(3000, seed=12))
    assert one["arrival"].is_monotonic_increasing
    assert len(one) == pytest.approx(3000, rel=0.06)  # Poisson: sd about 55
    shares = one["severity"].value_counts(normalize=True)
    assert shares[["low", "medium", "high"]].tolist() == pytest.approx([0.43, 0.40, 0.17], abs=0.03)
    means = one.groupby("severity", observed=True)["handle_minutes"].mean()
    assert means.tolist() == pytest.approx([30, 45, 60], rel=0.06)
    assert one["value"].median() == pytest.approx(2500, rel=0.08)
    night = cx.simulate_arrivals(500, seed=1, hour_weights=[1] * 8 + [0] * 16)
    assert (night["arrival"].dt.hour < 8).all()


def test_arrival_pattern_shares() -> None:
    log = pd.DataFrame(
        {"received": pd.to_datetime(["2025-01-06 09:10", "2025-01-06 09:50", "2025-01-07 14:00"])}
    )
    pattern = cx.arrival_pattern(log)
    assert pattern["hour"][9] == pytest.approx(2 / 3)
    assert pattern["weekday"][:2].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_compare_policies_uses_the_same_complaints_and_summarises() -> None:
    arrivals = cx.simulate_arrivals(3000, days=120, seed=2)
    table = cx.compare_policies(
        arrivals, handlers=1, standard_hours={"low": 48, "medium": 24, "high": 4}
    )
    overall = table[table["severity"] == "all"].set_index("policy")
    assert (overall["complaints"] == len(arrivals)).all()
    high = table[table["severity"] == "high"].set_index("policy")
    # Putting the most severe first shortens their wait, at the expense of the others.
    assert high.loc["severity", "p90_hours"] < high.loc["fcfs", "p90_hours"]
    low = table[table["severity"] == "low"].set_index("policy")
    assert low.loc["severity", "mean_hours"] > low.loc["fcfs", "mean_hours"]
    # Expected losses add up over severities.
    parts = table[table["severity"] != "all"].groupby("policy")["expected_lost"].sum()
    assert parts.to_dict() == pytest.approx(overall["expected_lost"].to_dict())
    # The loss model is applied to each response time.
    run = cx.simulate_triage(arrivals, policy="fcfs", handlers=1, standard_hours=24)
    codes = run["severity"].cat.codes
    assert run["p_lost"].to_numpy() == pytest.approx(
        cx.CEDAR_LOSS.probability(run["response_hours"], codes)
    )
    assert (run["p_lost_to_delay"] >= 0).all()
    assert 0 < run.attrs["triage"]["utilisation"] < 2


def test_triage_chart_builds_a_valid_spec() -> None:
    arrivals = cx.simulate_arrivals(500, days=60, seed=4)
    standards = {"low": 48, "medium": 24, "high": 4}
    table = cx.compare_policies(arrivals, handlers=1, standard_hours=standards)
    spec = cx.triage_chart(table, standard_hours=standards, selected="value").to_dict()
    assert set(spec["datasets"]) == {"by_severity", "overall", "standards"}
    chosen = {row["policy"]: row["chosen"] for row in spec["datasets"]["overall"]}
    assert chosen == {"fcfs": False, "severity": False, "value": True, "deadline": False}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"policy": "random"}, "policy must be one of"),
        ({"handlers": 0}, "handlers must be >= 1"),
        ({"standard_hours": {"high": 4}}, "missing"),
        ({"standard_hours": -1}, "standard_hours must be > 0"),
        ({"open_hours": (18, 8)}, "open_hours"),
        ({"workdays": (7,)}, "workdays"),
    ],
)
def test_simulator_validates_its_inputs(kwargs, message) -> None:
    arrivals = _arrivals([0, 10], [30, 30])
    run = {"policy": "fcfs", "handlers": 1, "standard_hours": 24, **kwargs}
    with pytest.raises((ValueError, TypeError), match=message):
        cx.simulate_triage(arrivals, **run)


_ECONOMICS = {"cases": 10, "margin": 1000, "retention": 0.8, "discount_rate": 0.1}


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: cx.iceberg(10, complaint_rate="a"), TypeError, "complaint_rate must be"),
        (lambda: cx.iceberg(10, complaint_rate=[0.1, None]), ValueError, "complaint_rate"),
        (lambda: cx.iceberg(10, complaint_rate=True), TypeError, "complaint_rate"),
        (
            lambda: cx.compensation_economics("abc", 0.1, **_ECONOMICS),
            TypeError,
            "cost_per_case must be one or more amounts",
        ),
        (
            lambda: cx.compensation_economics(100, ["x"], **_ECONOMICS),
            TypeError,
            "uplift must be",
        ),
        (
            lambda: cx.compensation_economics([100, 200, 300], [0.1, 0.2], **_ECONOMICS),
            ValueError,
            "same length",
        ),
        (lambda: cx.response_bands(["a"]), TypeError, "hours must be numbers of hours"),
        (lambda: cx.response_bands(pd.Series(["a"])), TypeError, "hours must hold numbers"),
        (lambda: cx.response_bands([1.0], edges=[0, "x"]), TypeError, "edges must be"),
    ],
    ids=[
        "iceberg-text",
        "iceberg-none",
        "iceberg-bool",
        "economics-cost-text",
        "economics-uplift-text",
        "economics-lengths",
        "bands-text",
        "bands-text-series",
        "bands-edges-text",
    ],
)
def test_text_where_numbers_belong_gets_an_error_naming_the_parameter(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


def test_bad_severities_and_missing_columns_are_named() -> None:
    arrivals = _arrivals([0], [30], ["urgent"])
    with pytest.raises(ValueError, match="severities"):
        cx.simulate_triage(arrivals, policy="fcfs", handlers=1, standard_hours=24)
    with pytest.raises(ValueError, match="handle_minutes"):
        cx.simulate_triage(
            arrivals.drop(columns="handle_minutes"), policy="fcfs", handlers=1, standard_hours=24
        )


def test_handling_process_follows_the_guideline_steps() -> None:
    steps = cx.handling_process()["step"].str.split(". ", n=1).str[1].tolist()
    assert steps == [
        "Receipt",
        "Tracking",
        "Acknowledgement",
        "Initial assessment",
        "Investigation",
        "Response",
        "Communicating the decision",
        "Closing",
        "Analysis and improvement",
    ]

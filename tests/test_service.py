"""casekit.service against published examples, hand-counted tables and second methods."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, stats

from casekit import datasets, phases, service
from casekit.world import kestrel

# -----------------------------------------------------------------------------------------
# Erlang C
# -----------------------------------------------------------------------------------------

# The widely reproduced worked example of Call Centre Helper, "Erlang C formula - made
# simple with an easy worked example": 100 calls in 30 minutes, average handling time
# 180 s, target 80 % of calls answered within 20 s. Traffic intensity 10 Erlangs; the
# search starts at 11 agents and stops at 14. The same figures appear as the documented
# results of two independent implementations: the PyPI package pyworkforce (README and
# tests: 14 raw positions, service level 0.8883500191794669, waiting probability
# 0.1741319335950498, occupancy 0.7142857; with 15 positions 0.941, 0.102, 0.667) and the
# CRAN package ErlangC 0.1.0 (erlang_c(): wait probability 0.1741319, service level
# 0.88835, average speed of answer 7.83593701177724 s; first row of the agent search,
# 11 agents: wait probability 0.6821182).
CCH_CALLS_PER_HOUR = 200  # 100 per half hour
CCH_HANDLE_TIME = 180


def test_offered_load_of_the_worked_example() -> None:
    assert service.offered_load(CCH_CALLS_PER_HOUR, CCH_HANDLE_TIME) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("agents", "prob_wait", "level", "asa"),
    [
        (11, 0.6821182, None, None),
        (14, 0.1741319335950498, 0.8883500191794669, 7.83593701177724),
        (15, 0.102, 0.941, None),
    ],
)
def test_erlang_c_reproduces_the_published_example(agents, prob_wait, level, asa) -> None:
    load = 10.0
    tol = 5e-4 if agents == 15 else 1e-7  # the 15-agent figures are published to 3 d.p.
    assert service.erlang_c(agents, load) == pytest.approx(prob_wait, abs=tol)
    if level is not None:
        assert service.service_level(agents, load, 180, 20) == pytest.approx(level, abs=tol)
    if asa is not None:
        assert service.average_speed_of_answer(agents, load, 180) == pytest.approx(asa, rel=1e-9)
    assert service.occupancy(agents, load) == pytest.approx(10 / agents)


def test_agents_needed_in_the_worked_example() -> None:
    assert service.agents_needed(CCH_CALLS_PER_HOUR, CCH_HANDLE_TIME, target=0.8) == 14
    # pyworkforce's over-occupancy case: at most 70 % occupancy needs 15 agents.
    assert service.agents_needed(200, 180, target=0.8, max_occupancy=0.7) == 15
    # With 30 % shrinkage, 14 on the phones means 20 scheduled (the example's last step).
    plan = service.staffing_plan([200], 180, target=0.8, shrinkage=0.3)
    assert plan.loc[0, "agents"] == 14 and plan.loc[0, "scheduled"] == 20


def _erlang_b_direct(c: int, a: float) -> float:
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


def _erlang_c_direct(c: int, a: float) -> float:
    # The textbook form: (A^c/c!)(c/(c-A)) / (sum_{k<c} A^k/k! + (A^c/c!)(c/(c-A))).
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_erlang_b_table_value() -> None:
    # Standard Erlang B tables: 10 circuits offered 10 Erlangs block 21.46 % of calls.
    assert service.erlang_b(10, 10.0) == pytest.approx(0.2146, abs=5e-5)


@given(c=st.integers(1, 60), ratio=st.floats(0.05, 0.99))
def test_recursion_matches_the_factorial_formulas(c: int, ratio: float) -> None:
    a = c * ratio
    assert service.erlang_b(c, a) == pytest.approx(_erlang_b_direct(c, a), rel=1e-9)
    assert service.erlang_c(c, a) == pytest.approx(_erlang_c_direct(c, a), rel=1e-9)


def test_erlang_c_stays_finite_for_large_centres() -> None:
    # 1,000 agents: factorials overflow floats, the recursion does not.
    p = service.erlang_c(1000, 950.0)
    assert 0 < p < 1
    assert service.agents_needed(19_000, 180, target=0.8) > 950


def test_unstable_and_empty_queues() -> None:
    assert service.erlang_c(10, 10.0) == 1.0
    assert service.service_level(9, 10.0, 180, 20) == 0.0
    assert service.average_speed_of_answer(10, 10.0, 180) == math.inf
    assert service.erlang_c(3, 0.0) == 0.0
    assert service.service_level(0, 0.0, 180, 20) == 1.0
    assert service.agents_needed([0, 200], 180).tolist() == [0, 14]


def test_simulation_agrees_with_the_formulas() -> None:
    # Second method: a call-by-call M/M/c simulation (200,000 calls, the first 1,000 left
    # out as warm-up). Over 8 seeds the estimates varied with standard deviations of
    # 0.003 (service level, share waiting) and 0.31 s (ASA); the tolerances are 4 of those.
    calls = service.simulate_queue(calls_per_hour=200, handle_time=180, agents=14, calls=200_000)
    calls = calls.iloc[1000:]
    assert (calls["wait"] <= 20).mean() == pytest.approx(0.88835, abs=0.012)
    assert (calls["wait"] > 0).mean() == pytest.approx(0.17413, abs=0.013)
    assert calls["wait"].mean() == pytest.approx(7.836, abs=1.3)
    assert calls["handle"].mean() == pytest.approx(180, rel=0.02)


@settings(max_examples=60)
@given(
    calls=st.floats(1, 2000),
    aht=st.floats(30, 900),
    target=st.floats(0.5, 0.98),
    t=st.floats(0, 60),
)
def test_agents_needed_is_the_fewest_that_meet_the_target(calls, aht, target, t) -> None:
    c = service.agents_needed(calls, aht, target=target, answer_time=t)
    load = service.offered_load(calls, aht)
    assert service.service_level(c, load, aht, t) >= target
    assert c == 1 or service.service_level(c - 1, load, aht, t) < target


@given(a=st.floats(0.5, 80), t=st.floats(0, 60))
def test_more_agents_never_hurt(a: float, t: float) -> None:
    c = np.arange(math.floor(a) + 1, math.floor(a) + 15)
    sl = service.service_level(c, a, 240, t)
    asa = service.average_speed_of_answer(c, a, 240)
    assert np.all(np.diff(sl) >= -1e-12)
    assert np.all(np.diff(asa) <= 1e-12)


def test_cost_of_service_levels_hand_check() -> None:
    # Flat day: 200 calls an hour for 3 hours, 180 s. 80 % needs 14 agents an hour,
    # 90 % needs 15 (SL 0.941; 14 gives only 0.888). At Php 100 an agent-hour:
    # 80 % -> 42 agent-hours, Php 4,200; 90 % -> 45, Php 4,500; 300 / 10 points = 30.
    table = service.cost_of_service_levels(
        [200, 200, 200], 180, targets=[0.8, 0.9], cost_per_agent_hour=100
    )
    assert table["agent_hours"].tolist() == [42, 45]
    assert table["cost"].tolist() == [4200, 4500]
    assert table["cost_per_point"].iloc[1] == pytest.approx(30.0)
    assert table["achieved"].tolist() == pytest.approx([0.8883500, 0.9414528], abs=1e-6)


def test_service_level_curve_spans_the_target() -> None:
    curve = service.service_level_curve(200, 180, answer_time=20)
    assert curve["agents"].iloc[0] == 11  # the first stable staffing for 10 Erlangs
    assert curve["service_level"].iloc[-1] >= 0.99
    assert curve.set_index("agents").loc[14, "service_level"] == pytest.approx(0.88835, abs=1e-5)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: service.erlang_c(2.5, 1.0), ValueError, "whole numbers"),
        (lambda: service.erlang_c(-1, 1.0), ValueError, "agents must be >= 0"),
        (lambda: service.erlang_c(3, float("nan")), ValueError, "load must hold finite"),
        (lambda: service.offered_load(100, 0), ValueError, "handle_time must be > 0"),
        (lambda: service.agents_needed(100, 180, target=1.0), ValueError, "target"),
        (lambda: service.agents_needed(100, 180, target=80), ValueError, "target"),
        (lambda: service.agents_needed("many", 180), TypeError, "calls_per_hour"),
        (lambda: service.staffing_plan([1, 2], 180, intervals=[1]), ValueError, "intervals"),
    ],
)
def test_staffing_input_errors(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


# -----------------------------------------------------------------------------------------
# Control charts
# -----------------------------------------------------------------------------------------


def test_d2_and_d4_from_first_principles() -> None:
    # d2 = E|X1 - X2| for independent standard normals = 2 / sqrt(pi) = 1.1284;
    # d3 = sd|X1 - X2| = sqrt(2 - 4/pi); D4 = 1 + 3 d3 / d2 = 3.2665 (tables: 3.267).
    density = stats.norm(scale=math.sqrt(2)).pdf
    mean_abs, _ = integrate.quad(lambda x: 2 * x * density(x), 0, np.inf)
    assert mean_abs == pytest.approx(2 / math.sqrt(math.pi))
    assert service.D2 == pytest.approx(mean_abs, abs=5e-4)
    d3 = math.sqrt(2 - 4 / math.pi)
    assert service.D4 == pytest.approx(1 + 3 * d3 / mean_abs, abs=5e-4)


# NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2 (individuals control
# chart example), ten flow-rate readings. By hand: the nine moving ranges are 2.0, 2.3,
# 1.4, 3.5, 3.4, 1.4, 0.2, 1.2, 1.5 (sum 16.9), so MR-bar = 1.87778; the mean is 50.81;
# UCL = 50.81 + 3 x 1.87778 / 1.128 = 55.8041, LCL = 45.8159; MR chart UCL = 3.267 x
# 1.87778 = 6.1347 (the handbook's 6.1349 rounds D4 differently).
FLOWRATE = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]


def test_individuals_limits_reproduce_the_handbook_example() -> None:
    limits = service.individuals_limits(FLOWRATE)
    assert limits.centre == pytest.approx(50.81)
    assert limits.mr_bar == pytest.approx(16.9 / 9)
    assert limits.ucl == pytest.approx(55.8041, abs=1e-4)
    assert limits.lcl == pytest.approx(45.8159, abs=1e-4)
    assert limits.mr_ucl == pytest.approx(6.1349, abs=5e-4)
    assert limits.n == 10


def test_baseline_sets_the_limits_and_later_points_are_judged() -> None:
    values = [*FLOWRATE, 60.0]
    limits = service.individuals_limits(values, baseline=10)
    assert limits.ucl == pytest.approx(55.8041, abs=1e-4)
    frame = pd.DataFrame({"week": range(11), "flow": values})
    table = service.individuals_chart(frame, value="flow", period="week", baseline=10)
    assert table["signal"].tolist() == [False] * 10 + [True]
    assert table.loc[10, "rule"] == "beyond 3 sigma"
    assert table["baseline"].sum() == 10
    assert table["moving_range"].iloc[1] == pytest.approx(2.0)


def test_moving_range_chart_reproduces_the_handbook_example() -> None:
    frame = pd.DataFrame({"week": range(10), "flow": FLOWRATE})
    table = service.moving_range_chart(frame, value="flow", period="week")
    # The nine hand-computed moving ranges of the comment above, one per week from the second.
    assert table["period"].tolist() == list(range(1, 10))
    assert table["value"].tolist() == pytest.approx([2.0, 2.3, 1.4, 3.5, 3.4, 1.4, 0.2, 1.2, 1.5])
    assert table["centre"].iloc[0] == pytest.approx(16.9 / 9)
    assert table["ucl"].iloc[0] == pytest.approx(6.1347, abs=1e-4)
    assert (table["lcl"] == 0).all()
    assert not table["signal"].any()
    assert (table["rule"] == "").all()


def test_moving_range_chart_flags_a_jump_the_individuals_chart_misses() -> None:
    # Baseline: the ten handbook readings. Then 46.5 (a drop of 5.6, below the MR limit
    # 6.1347) and 53.0 (a jump of 6.5, above it). Both readings lie inside the individuals
    # limits 45.8159 to 55.8041, and only 46.5 is beyond 2 sigma (1.6647), so the
    # individuals chart stays quiet while the MR chart flags the last week.
    values = [*FLOWRATE, 46.5, 53.0]
    frame = pd.DataFrame({"week": range(12), "flow": values})
    individuals = service.individuals_chart(frame, value="flow", period="week", baseline=10)
    assert not individuals["signal"].any()
    table = service.moving_range_chart(frame, value="flow", period="week", baseline=10)
    assert table["ucl"].iloc[0] == pytest.approx(6.1347, abs=1e-4)
    assert table["signal"].tolist() == [False] * 10 + [True]
    assert table["rule"].iloc[-1] == service.MR_RULE
    assert table["baseline"].tolist() == [True] * 9 + [False, False]
    assert table["value"].iloc[-2:].tolist() == pytest.approx([5.6, 6.5])
    service.control_chart(table, title="Moving range", y_title="Moving range")


def test_floor_keeps_the_lower_limit_possible() -> None:
    limits = service.individuals_limits([1, 9, 2, 8, 1], floor=0)
    assert limits.lcl == 0.0


# Montgomery, D. C., Introduction to Statistical Quality Control (8th ed., Table 7.4):
# orange-juice cans, 30 samples of 50 with 347 nonconforming in all. p-bar = 347 / 1500
# = 0.2313, UCL = 0.2313 + 3 sqrt(0.2313 x 0.7687 / 50) = 0.4102, LCL = 0.0524; samples 15
# (22/50 = 0.44) and 23 (24/50 = 0.48) plot above the upper limit.
JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11]
JUICE += [20, 18, 24, 15, 9, 12, 7, 13, 9, 6]


def test_p_chart_reproduces_montgomery() -> None:
    limits = service.p_chart_limits(JUICE, [50] * 30)
    assert limits["centre"].iloc[0] == pytest.approx(0.231333, abs=1e-6)
    assert limits["ucl"].iloc[0] == pytest.approx(0.4102, abs=1e-4)
    assert limits["lcl"].iloc[0] == pytest.approx(0.0524, abs=1e-4)
    frame = pd.DataFrame({"sample": range(1, 31), "bad": JUICE, "n": 50})
    table = service.p_chart(frame, defectives="bad", size="n", period="sample")
    beyond = table.loc[table["rule"].str.contains("beyond 3 sigma"), "period"]
    assert beyond.tolist() == [15, 23]


def test_p_chart_limits_vary_with_the_sample_size() -> None:
    # Hand-worked: 10 of 100 and 30 of 300 -> p-bar 0.1; sigma = sqrt(0.09 / n).
    limits = service.p_chart_limits([10, 30], [100, 300])
    assert limits["sigma"].tolist() == pytest.approx([0.03, math.sqrt(0.09 / 300)])
    assert limits["ucl"].tolist() == pytest.approx([0.19, 0.1 + 3 * math.sqrt(0.0003)])
    assert limits["lcl"].iloc[0] == pytest.approx(0.01)


def test_each_rule_on_a_hand_made_sequence() -> None:
    # Centre 0, sigma 1, so values are z-scores.
    rules = service.control_rules([0.5, -3.5, 0.1], 0, 1)
    assert rules["beyond 3 sigma"].tolist() == [False, True, False]
    rules = service.control_rules([2.5, 0.1, 2.2, -2.5, 0.0], 0, 1)
    assert rules["2 of 3 beyond 2 sigma"].tolist() == [False, False, True, False, False]
    rules = service.control_rules([0.2] * 7 + [-0.1] + [0.3] * 8, 0, 1)
    assert rules["run of 8"].tolist() == [False] * 15 + [True]
    rules = service.control_rules([-1.0, -0.8, -0.5, 0.0, 0.3, 0.9, 0.2], 0, 1)
    assert rules["trend of 6"].tolist() == [False] * 5 + [True, False]
    assert rules.loc[5, "rule"] == "trend of 6" and rules.loc[6, "rule"] == ""


@given(st.lists(st.floats(-2.9, 2.9), min_size=1, max_size=7))
def test_short_calm_series_never_signal(values) -> None:
    # At most 7 points, all within 2 sigma: no point beyond the limits, no 2-of-3, no run
    # of 8 is possible (a trend of 6 is, so that rule is left out here).
    calm = [v if abs(v) < 2 else 0.0 for v in values]
    rules = service.control_rules(calm, 0, 1)
    assert not rules[["beyond 3 sigma", "2 of 3 beyond 2 sigma", "run of 8"]].any().any()


def test_control_chart_layers() -> None:
    frame = pd.DataFrame({"week": pd.date_range("2024-01-01", periods=10, freq="W-MON")})
    frame["flow"] = FLOWRATE
    table = service.individuals_chart(frame, value="flow", period="week")
    spec = service.control_chart(table, title="Flow", y_title="Flow (l/min)", standard=52).to_dict()
    assert len(spec["layer"]) == 6
    assert spec["layer"][4]["encoding"]["tooltip"]


# -----------------------------------------------------------------------------------------
# Measures, hand-counted
# -----------------------------------------------------------------------------------------


@pytest.fixture
def contacts() -> pd.DataFrame:
    # 6 calls: waits 5, 15, 25, 40 (answered), 30 and 60 (hung up).
    return pd.DataFrame(
        {
            "wait": [5, 15, 25, 40, 30, 60],
            "abandoned": [False, False, False, False, True, True],
            "fcr": [1, 1, 0, 1, 0, 0],
            "hour": [9, 9, 9, 10, 10, 10],
        }
    )


def test_contact_measures_hand_counted(contacts: pd.DataFrame) -> None:
    # ASA of the answered: (5 + 15 + 25 + 40) / 4 = 21.25 s
    assert service.time_to_answer(contacts, wait="wait", abandoned="abandoned") == 21.25
    assert (
        service.time_to_answer(contacts, wait="wait", abandoned="abandoned", statistic="median")
        == 20
    )
    # Without the flag every wait counts, the hang-ups' too: 175 / 6 s.
    assert service.time_to_answer(contacts, wait="wait") == pytest.approx(175 / 6)
    by_hour_asa = service.time_to_answer(contacts, wait="wait", abandoned="abandoned", by="hour")
    assert by_hour_asa.to_dict() == {9: 15.0, 10: 40.0}
    # Answered within 20 s: 2 of 6 offered.
    assert service.share_answered_within(
        contacts, wait="wait", seconds=20, abandoned="abandoned"
    ) == pytest.approx(2 / 6)
    # Within 40 s: the four answered calls; the call abandoned after 30 s does not count.
    assert service.share_answered_within(
        contacts, wait="wait", seconds=40, abandoned="abandoned"
    ) == pytest.approx(4 / 6)
    assert service.abandonment_rate(contacts, abandoned="abandoned") == pytest.approx(2 / 6)
    assert service.first_contact_resolution(contacts, resolved="fcr") == pytest.approx(0.5)
    by_hour = service.abandonment_rate(contacts, abandoned="abandoned", by="hour")
    assert by_hour.to_dict() == {9: 0.0, 10: pytest.approx(2 / 3)}


def test_time_to_answer_needs_an_answered_contact(contacts: pd.DataFrame) -> None:
    every_one_hung_up = contacts.assign(abandoned=True)
    with pytest.raises(ValueError, match="no answered contact: every row is marked 'abandoned'"):
        service.time_to_answer(every_one_hung_up, wait="wait", abandoned="abandoned")


def test_mean_patience_hand_worked(contacts: pd.DataFrame) -> None:
    # Every wait counts as time at risk of hanging up: 5 + 15 + 25 + 40 + 30 + 60 = 175 s,
    # over 2 hang-ups.
    assert service.mean_patience(contacts, wait="wait", abandoned="abandoned") == 87.5
    # Averaging the hang-ups' waits alone would say 45 s: the patient callers got through.
    assert contacts.loc[contacts["abandoned"], "wait"].mean() == 45


def test_mean_patience_is_the_censored_maximum_likelihood_and_recovers_the_truth() -> None:
    rng = np.random.default_rng(7)
    n, true_mean = 20_000, 150.0
    would_wait = rng.exponential(60.0, n) * (rng.random(n) < 0.4)  # 60 % answered at once
    patience = rng.exponential(true_mean, n)
    log = pd.DataFrame(
        {"wait": np.minimum(would_wait, patience), "abandoned": patience < would_wait}
    )
    estimate = service.mean_patience(log, wait="wait", abandoned="abandoned")

    # Second method: maximise the censored exponential log-likelihood numerically.
    def negative_log_likelihood(theta: float) -> float:
        gone = log["abandoned"].to_numpy()
        w = log["wait"].to_numpy()
        return -(-gone.sum() * np.log(theta) - w.sum() / theta)

    best = optimize.minimize_scalar(negative_log_likelihood, bounds=(1, 2_000), method="bounded")
    assert estimate == pytest.approx(best.x, rel=1e-4)
    # Standard error about true_mean / sqrt(hang-ups) (about 2.4 s here): within 4 of them.
    hang_ups = int(log["abandoned"].sum())
    assert abs(estimate - true_mean) < 4 * true_mean / np.sqrt(hang_ups)


def test_mean_patience_needs_a_hang_up(contacts: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="no row marked 'abandoned'"):
        service.mean_patience(contacts.assign(abandoned=False), wait="wait", abandoned="abandoned")
    with pytest.raises(ValueError, match="wait"):
        service.mean_patience(contacts.assign(wait=-1), wait="wait", abandoned="abandoned")


@pytest.fixture
def orders() -> pd.DataFrame:
    # Hand-made: 5 orders.
    return pd.DataFrame(
        {
            "ordered": pd.to_datetime(
                ["2024-03-01", "2024-03-01", "2024-03-02", "2024-03-04", "2024-03-05"]
            ),
            "promised": pd.to_datetime(
                ["2024-03-04", "2024-03-04", "2024-03-05", "2024-03-07", "2024-03-08"]
            ),
            "delivered": pd.to_datetime(
                ["2024-03-03", "2024-03-05", "2024-03-05", "2024-03-06", "2024-03-11"]
            ),
            "lines": [4, 10, 2, 5, 1],
            "filled": [4, 9, 2, 5, 1],
            "accurate": [True, True, False, True, True],
            "warehouse": ["North", "North", "South", "South", "South"],
        }
    )


def test_order_measures_hand_counted(orders: pd.DataFrame) -> None:
    # Cycle times 2, 4, 3, 2, 6 days -> mean 3.4, median 3.
    assert service.order_cycle_time(orders, start="ordered", end="delivered") == pytest.approx(3.4)
    assert (
        service.order_cycle_time(orders, start="ordered", end="delivered", statistic="median") == 3
    )
    # On time: orders 1, 3, 4 (order 3 on the promised day) -> 3 / 5.
    assert service.on_time_rate(orders, promised="promised", delivered="delivered") == 0.6
    # Lines: 21 filled of 22 ordered.
    assert service.line_fill_rate(
        orders, lines_ordered="lines", lines_filled="filled"
    ) == pytest.approx(21 / 22)
    assert service.order_accuracy(orders, accurate="accurate") == 0.8
    kw = {
        "promised": "promised",
        "delivered": "delivered",
        "lines_ordered": "lines",
        "lines_filled": "filled",
        "accurate": "accurate",
    }
    # Perfect: order 1 (on time, complete, accurate) and order 4 -> 2 / 5.
    flags = service.perfect_orders(orders, **kw)
    assert flags["perfect"].tolist() == [True, False, False, True, False]
    assert flags.loc[1, ["on_time", "complete"]].tolist() == [False, False]
    assert service.perfect_order_rate(orders, **kw) == 0.4
    # The product of the component rates (0.6 x 0.8 x 0.8 = 0.384) is not the same thing.
    by = service.perfect_order_rate(orders, **kw, by="warehouse")
    assert by.to_dict() == {"North": 0.5, "South": pytest.approx(1 / 3)}
    fill = service.line_fill_rate(
        orders, lines_ordered="lines", lines_filled="filled", by="warehouse"
    )
    assert fill.to_dict() == {"North": pytest.approx(13 / 14), "South": 1.0}


def test_order_measures_refuse_missing_and_impossible_rows(orders: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="missing value"):
        service.on_time_rate(
            orders.assign(delivered=orders["delivered"].where(orders.index != 2)),
            promised="promised",
            delivered="delivered",
        )
    with pytest.raises(ValueError, match="before"):
        service.order_cycle_time(orders, start="delivered", end="ordered")
    with pytest.raises(ValueError, match="cannot exceed"):
        service.line_fill_rate(orders, lines_ordered="filled", lines_filled="lines")
    with pytest.raises(ValueError, match="missing column"):
        service.on_time_rate(orders, promised="due", delivered="delivered")
    with pytest.raises(TypeError, match="yes/no"):
        service.order_accuracy(orders, accurate="warehouse")


def test_per_thousand() -> None:
    assert service.per_thousand(3, 1500) == 2.0
    months = pd.Index(["Jan", "Feb"])
    complaints = pd.Series([4], index=["Jan"])
    orders = pd.Series([800, 500], index=months)
    rate = service.per_thousand(complaints, orders)
    assert rate.to_dict() == {"Feb": 0.0, "Jan": 5.0}
    with pytest.raises(ValueError, match="base must be > 0"):
        service.per_thousand(1, 0)
    with pytest.raises(TypeError, match="events must"):
        service.per_thousand("a", 3)
    with pytest.raises(TypeError, match="base must"):
        service.per_thousand(3, ["1500", "x"])
    with pytest.raises(TypeError, match="events must"):
        service.per_thousand(pd.Series(["a"], index=["Jan"]), orders)


def test_perfect_orders_refuse_more_filled_than_ordered(orders: pd.DataFrame) -> None:
    kw = {
        "promised": "promised",
        "delivered": "delivered",
        "lines_ordered": "filled",
        "lines_filled": "lines",
        "accurate": "accurate",
    }
    with pytest.raises(ValueError, match="cannot exceed"):
        service.perfect_orders(orders, **kw)
    with pytest.raises(ValueError, match="cannot exceed"):
        service.perfect_order_rate(orders, **kw)


@pytest.mark.parametrize(
    ("targets", "error", "message"),
    [
        ([0.8, 0.8, 0.9], ValueError, r"targets must not repeat.*\[0\.8\]"),
        ([0.8, 1.0], ValueError, "targets must be"),
        ([0.0, 0.8], ValueError, "targets must be"),
        ([], ValueError, "at least one"),
        ("0.8", TypeError, "targets must be a list"),
    ],
)
def test_cost_of_service_levels_checks_targets(targets, error, message) -> None:
    with pytest.raises(error, match=message):
        service.cost_of_service_levels([200], 180, targets=targets, cost_per_agent_hour=10)


def test_a_baseline_without_variation_is_refused() -> None:
    # Five equal weekly values: mean moving range 0, so sigma 0 and zero-width limits.
    with pytest.raises(ValueError, match=r"all equal.*sigma are 0"):
        service.individuals_limits([5, 5, 5, 5, 5, 6, 4], baseline=5)
    frame = pd.DataFrame({"week": range(4), "wait": [0.0, 0.0, 0.0, 3.0]})
    with pytest.raises(ValueError, match="all equal"):
        service.moving_range_chart(frame, value="wait", period="week", baseline=3)


def test_survey_scores_hand_counted() -> None:
    # 10 answers: promoters 9, 10, 10 (3); passives 7, 8 (2); detractors 0, 3, 5, 6, 6 (5).
    answers = pd.DataFrame({"ltr": [9, 10, 10, 7, 8, 0, 3, 5, 6, 6]})
    assert service.net_promoter_score(answers, score="ltr") == pytest.approx(-20.0)
    sat = pd.DataFrame({"csat": [5, 4, 4, 3, 1], "ces": [7, 6, 5, 2, 5]})
    assert service.customer_satisfaction(sat, score="csat") == pytest.approx(0.6)
    assert service.customer_satisfaction(sat, score="csat", top_boxes=1) == pytest.approx(0.2)
    assert service.customer_effort_score(sat, score="ces") == pytest.approx(5.0)
    with pytest.raises(ValueError, match="whole scores from 0 to 10"):
        service.net_promoter_score(pd.DataFrame({"ltr": [11]}), score="ltr")


def test_add_period_weeks_start_on_monday() -> None:
    frame = pd.DataFrame({"day": pd.to_datetime(["2024-03-03", "2024-03-04", "2024-03-10"])})
    weeks = service.add_period(frame, date="day", freq="W")["period"]
    assert weeks.dt.strftime("%Y-%m-%d").tolist() == ["2024-02-26", "2024-03-04", "2024-03-04"]
    months = service.add_period(frame, date="day", freq="M")["period"]
    assert months.dt.day.unique().tolist() == [1]


def test_period_counts_hand_counted(orders: pd.DataFrame) -> None:
    # Weeks starting 26 Feb (orders 1-3, on 1 and 2 March) and 4 Mar (orders 4-5).
    late = orders.assign(late=orders["delivered"] > orders["promised"])
    table = service.period_counts(late, date="ordered", flag="late")
    assert table["period"].dt.strftime("%m-%d").tolist() == ["02-26", "03-04"]
    assert table["flagged"].tolist() == [1, 1]
    assert table["units"].tolist() == [3, 2]
    split = service.period_counts(late, date="ordered", flag="late", by="warehouse")
    assert split[["warehouse", "flagged", "units"]].values.tolist() == [
        ["North", 1, 2],
        ["South", 0, 1],
        ["South", 1, 2],
    ]


def test_hourly_arrivals_count_quiet_days() -> None:
    # Two Mondays in the range (4 and 11 March); three calls at 9:xx on the first only.
    stamps = pd.to_datetime(
        ["2024-03-04 09:05", "2024-03-04 09:30", "2024-03-04 09:59", "2024-03-11 14:00"]
    )
    table = service.hourly_arrivals(pd.DataFrame({"t": stamps}), timestamp="t")
    assert table.loc["Monday", 9] == 1.5
    assert table.loc["Monday", 14] == 0.5
    assert table.index.tolist() == ["Monday"]


# -----------------------------------------------------------------------------------------
# Catalogue and standards
# -----------------------------------------------------------------------------------------


def test_catalogue_covers_every_phase_with_working_functions() -> None:
    table = service.measures()
    assert list(table["phase"].cat.categories) == list(phases.PHASES)
    assert set(table["phase"]) == set(phases.PHASES)
    assert table["measure"].is_unique
    assert set(table["better"]) <= set(service.BETTER)
    for name in table["function"]:
        assert callable(getattr(service, name))
    # The three examples of LO 5-3 sit in the phases the chapter names.
    assert service.measure_phase("time to answer") == "pre-transaction"
    assert service.measure_phase("Order cycle time") == "transaction"
    assert service.measure_phase("Complaints per 1,000 orders") == "post-transaction"
    with pytest.raises(ValueError, match="known measures"):
        service.measure_phase("Happiness")


def test_percentile_standard_and_attainment() -> None:
    times = [2.0, 3.0, 4.0, 5.0, 6.0]  # lower is better
    assert service.percentile_standard(times, share=0.75, better="lower") == 5.0
    assert service.share_meeting(times, 5.0, better="lower") == 0.8
    rates = [0.90, 0.92, 0.94, 0.96, 0.98]  # higher is better
    assert service.percentile_standard(rates, share=0.75, better="higher") == pytest.approx(0.92)
    assert service.share_meeting(rates, 0.92, better="higher") == 0.8


def test_compare_standards_verdicts() -> None:
    weekly = np.linspace(0.80, 0.99, 20)  # on-time rate, 20 weeks
    table = service.compare_standards(
        weekly, {"floor": 0.75, "stretch": 0.90, "benchmark": 0.985}, better="higher"
    )
    assert table["verdict"].tolist() == ["too easy", "realistic stretch", "out of reach"]
    assert table["share_of_periods_meeting"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="better"):
        service.compare_standards(weekly, {"x": 1}, better="up")


@given(st.lists(st.floats(0, 100), min_size=3, max_size=50), st.floats(0.05, 0.95))
def test_percentile_standard_is_met_about_as_often_as_asked(values, share) -> None:
    level = service.percentile_standard(values, share=share, better="lower")
    assert service.share_meeting(values, level, better="lower") >= share - 1 / len(values) - 1e-9


def test_monitoring_table_and_scorecard() -> None:
    weekly = pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=3, freq="W-MON"),
            "On-time delivery": [0.96, 0.93, 0.97],
            "Time to answer": [25.0, 35.0, 28.0],
        }
    )
    table = service.monitoring_table(
        weekly, {"On-time delivery": (0.95, "higher"), "Time to answer": (30.0, "lower")}
    )
    assert table["met"].tolist() == [True, False, True, True, False, True]
    assert table["gap"].iloc[1] == pytest.approx(-0.02)
    assert table["gap"].iloc[4] == pytest.approx(-5.0)
    card = service.scorecard(table)
    assert card["measure"].tolist() == ["Time to answer", "On-time delivery"]  # phase order
    assert card["phase"].tolist() == ["pre-transaction", "transaction"]
    assert card["misses"].tolist() == [1, 1]
    assert card["latest_met"].tolist() == [True, True]
    with pytest.raises(TypeError, match="standard, better"):
        service.monitoring_table(weekly, {"Time to answer": 30})


# -----------------------------------------------------------------------------------------
# Improvement
# -----------------------------------------------------------------------------------------


def test_stage_durations_and_the_slowest_stage(orders: pd.DataFrame) -> None:
    orders = orders.assign(shipped=orders["ordered"] + pd.to_timedelta([1, 3, 1, 0, 4], unit="D"))
    stages = service.stage_durations(orders, stamps=["ordered", "shipped", "delivered"])
    assert stages.columns.tolist() == ["ordered to shipped", "shipped to delivered"]
    assert stages["ordered to shipped"].tolist() == [1, 3, 1, 0, 4]
    summary = service.stage_summary(stages, groups=orders["warehouse"])
    north = summary[summary["group"] == "North"].set_index("stage")
    # North: picking 1 and 3 days (mean 2), transport 1 and 1 day (mean 1).
    assert north["time"].tolist() == [2.0, 1.0]
    assert north["slowest"].tolist() == [True, False]
    assert north["share"].sum() == pytest.approx(1.0)


def test_change_point_hand_made() -> None:
    # 1, 1, 1, 5, 5, 5: the split after the third point leaves no deviation at all.
    found = service.change_point([1, 1, 1, 5, 5, 5], periods=list("abcdef"), min_size=2)
    assert found["index"] == 3 and found["period"] == "d"
    assert (found["mean_before"], found["mean_after"]) == (1.0, 5.0)
    assert found["share_of_variation"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least 6 points"):
        service.change_point([1, 2, 3], min_size=3)


@given(
    st.integers(5, 40),
    st.integers(5, 40),
    st.floats(-5, 5),
    st.floats(0.5, 5),
)
def test_change_point_matches_a_brute_force_search(n1, n2, level, jump) -> None:
    rng = np.random.default_rng(n1 * 100 + n2)
    x = np.r_[rng.normal(level, 1, n1), rng.normal(level + jump, 1, n2)]
    sse = [
        ((x[:k] - x[:k].mean()) ** 2).sum() + ((x[k:] - x[k:].mean()) ** 2).sum()
        for k in range(3, len(x) - 2)
    ]
    assert service.change_point(x)["index"] == 3 + int(np.argmin(sse))


def test_delay_causes_hand_made() -> None:
    stages = pd.DataFrame({"pick": [1, 3, 1, 4], "ship": [1, 1, 3, 3]})
    causes = service.delay_causes(stages, {"pick": 2, "ship": 2})
    assert causes.tolist() == ["no stage over budget", "pick", "ship", "pick + ship"]
    with pytest.raises(ValueError, match="missing"):
        service.delay_causes(stages, {"pick": 2})


def test_before_after_against_scipy_and_statsmodels() -> None:
    from statsmodels.stats.proportion import proportions_ztest

    rng = np.random.default_rng(5)
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    frame = pd.DataFrame(
        {
            "day": days,
            "cycle": np.r_[rng.normal(5, 1, 100), rng.normal(4, 1, 100)],
            "late": np.r_[rng.random(100) < 0.3, rng.random(100) < 0.15],
        }
    )
    means = service.before_after(frame, value="cycle", date="day", change="2024-04-10")
    welch = stats.ttest_ind(frame["cycle"][100:], frame["cycle"][:100], equal_var=False)
    assert means.loc[0, "p_value"] == pytest.approx(welch.pvalue)
    assert means.loc[0, "difference"] == pytest.approx(
        frame["cycle"][100:].mean() - frame["cycle"][:100].mean()
    )
    ci = welch.confidence_interval(0.95)
    assert (means.loc[0, "ci_low"], means.loc[0, "ci_high"]) == pytest.approx((ci.low, ci.high))
    props = service.before_after(
        frame, value="late", date="day", change="2024-04-10", kind="proportion"
    )
    late = frame["late"].astype(int)
    z, p = proportions_ztest([late[100:].sum(), late[:100].sum()], [100, 100])
    assert props.loc[0, "statistic"] == pytest.approx(z)
    assert props.loc[0, "p_value"] == pytest.approx(p)
    gap = service.before_after(frame, value="cycle", date="day", change="2024-04-10", gap_days=10)
    assert gap.loc[0, "n_after"] == 90


def test_pareto_table_hand_counted() -> None:
    causes = pd.DataFrame({"why": ["stock"] * 6 + ["picking"] * 3 + ["carrier"] * 1})
    table = service.pareto_table(causes, cause="why")
    assert table["cause"].tolist() == ["stock", "picking", "carrier"]
    assert table["cumulative_share"].tolist() == pytest.approx([0.6, 0.9, 1.0])
    # 80 % is crossed by the second cause, so the vital few are stock and picking.
    assert table["vital_few"].tolist() == [True, True, False]
    weighted = service.pareto_table(
        causes.assign(cost=[1] * 6 + [1] * 3 + [20]), cause="why", weight="cost"
    )
    assert weighted["cause"].iloc[0] == "carrier"
    chart = service.pareto_chart(table).to_dict()
    assert chart["layer"][0]["encoding"]["tooltip"]


def test_planted_calamba_bottleneck_is_found() -> None:
    # The generator delays picking at kestrel.BOTTLENECK (Calamba) by PICK_DELAY = 1.9 days
    # against 0.5-0.6 at the other warehouses until kestrel.FIX_DATE, then by
    # PICK_DELAY_FIXED = 0.6 like the rest (casekit.world.kestrel; datasets/README.md). The
    # service tools must find that stage, that site and that date in the stored orders.
    orders = datasets.load("kestrel_orders")
    slow = kestrel.BOTTLENECK
    others = [w for w in kestrel.WAREHOUSES if w != slow]
    early = orders[orders["ordered"] < kestrel.FIX_DATE]
    stages = service.stage_durations(early, stamps=["ordered", "shipped", "delivered"])
    summary = service.stage_summary(stages, groups=early["warehouse"].astype(str))
    warehouse_stage = summary[summary["stage"] == "ordered to shipped"].set_index("group")
    assert summary.loc[summary["slowest"]].set_index("group").loc[slow, "stage"] == (
        "ordered to shipped"
    )
    assert warehouse_stage["time"].idxmax() == slow
    gap = warehouse_stage.loc[slow, "time"] - warehouse_stage.loc[others, "time"].max()
    assert gap > 0.5 * (kestrel.PICK_DELAY[1] - kestrel.PICK_DELAY_FIXED)

    late = orders.assign(late=orders["delivered"] > orders["promised"])
    weekly = service.period_counts(late, date="ordered", flag="late", freq="W", by="warehouse")
    weeks = weekly[weekly["warehouse"] == slow]
    shift = service.change_point(weeks["share"], periods=weeks["period"])
    assert abs(pd.Timestamp(shift["period"]) - kestrel.FIX_DATE) <= pd.Timedelta(days=7)

    on_time = orders.assign(on_time=orders["delivered"] <= orders["promised"])
    test = service.before_after(
        on_time,
        value="on_time",
        date="ordered",
        change=kestrel.FIX_DATE,
        kind="proportion",
        by="warehouse",
        gap_days=14,
    ).set_index("warehouse")
    significant = test.index[test["p_value"] < 0.01].astype(str).tolist()
    assert significant == [slow]
    assert test.loc[slow, "difference"] > 0.2

    budget = {"ordered to shipped": 2, "shipped to delivered": 2}
    late_early = early[early["delivered"] > early["promised"]]
    causes = service.delay_causes(stages.loc[late_early.index], budget)
    labelled = pd.DataFrame({"cause": late_early["warehouse"].astype(str) + ": " + causes})
    pareto = service.pareto_table(labelled, cause="cause")
    assert pareto["cause"].iloc[0] == f"{slow}: ordered to shipped"
    assert pareto["share"].iloc[0] > 0.5

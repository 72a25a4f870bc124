"""casekit.strategy: scorecard, weighted selection and its sensitivity, TCO/ROI, roadmaps.

Reference values are hand-worked (the working is written out next to each test) or come
from a second method (closed-form CLV, an analytic probability, a published CPM example).
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from casekit import clv, strategy

# ---------------------------------------------------------------------------------------
# hand-worked selection examples
# ---------------------------------------------------------------------------------------

# Two options, two criteria. Weights X 0.7, Y 0.3.
#   A: 0.7 x 4 + 0.3 x 2 = 3.4        B: 0.7 x 2 + 0.3 x 5 = 2.9      -> A wins.
# Weight of X moved to t (Y gets 1 - t): A = 4t + 2(1 - t) = 2 + 2t, B = 2t + 5(1 - t)
# = 5 - 3t; level at 2 + 2t = 5 - 3t, t = 0.6. Weight of Y moved to u: A = 4 - 2u,
# B = 2 + 3u; level at u = 0.4.
TWO = pd.DataFrame({"X": [4, 2], "Y": [2, 5]}, index=["A", "B"])
TWO_WEIGHTS = {"X": 0.7, "Y": 0.3}

# Three options, three criteria, weights P 0.5, Q 0.3, R 0.2.
#   A (5, 3, 1): 2.5 + 0.9 + 0.2 = 3.6
#   B (3, 4, 4): 1.5 + 1.2 + 0.8 = 3.5
#   C (2, 3, 5): 1.0 + 0.9 + 1.0 = 2.9
# R's weight to t, P and Q keep their 5:3 proportion (shares 0.625, 0.375 of 1 - t):
#   A = t + 4.25(1 - t), B = 4t + 3.375(1 - t), C = 5t + 2.375(1 - t)
#   A = B at 0.875 = 3.875 t -> t = 7/31 = 0.2258;  A = C at 1.875 = 5.875 t -> t = 15/47
#   so B catches A first, at 7/31; lowering R never hurts A (A is worst on R).
# P's weight to t, Q and R in 3:2 (shares 0.6, 0.4):
#   A = 2.2 + 2.8t, B = 4 - t, C = 3.8 - 1.8t
#   A = B at t = 1.8/3.8 = 9/19 = 0.4737;  A = C at t = 1.6/4.6 = 8/23 = 0.3478
#   lowering P from 0.5, B draws level first, at 9/19; raising P only helps A.
# Q's weight to t, P and R in 5:2: A = 3t + (27/7)(1 - t), B = 4t + (23/7)(1 - t),
#   C = 3t + (20/7)(1 - t). A = B at t (1 + 4/7) = 4/7 -> t = 4/11 = 0.3636; C only
#   draws level at t = 1. Lowering Q never lets anyone catch A.
THREE = pd.DataFrame({"P": [5, 3, 2], "Q": [3, 4, 3], "R": [1, 4, 5]}, index=["A", "B", "C"])
THREE_WEIGHTS = {"P": 0.5, "Q": 0.3, "R": 0.2}


def test_weighted_totals_and_ranking_two_options() -> None:
    result = strategy.weighted_scores(TWO, TWO_WEIGHTS)
    assert result.index.tolist() == ["A", "B"]
    assert result["total"].tolist() == pytest.approx([3.4, 2.9])
    assert result["rank"].tolist() == [1, 2]
    assert result.loc["A", "X"] == pytest.approx(2.8)  # contribution 0.7 x 4


def test_weighted_totals_and_ranking_three_options() -> None:
    result = strategy.weighted_scores(THREE, THREE_WEIGHTS)
    assert result.index.tolist() == ["A", "B", "C"]
    assert result["total"].to_dict() == pytest.approx({"A": 3.6, "B": 3.5, "C": 2.9})
    contributions = result[["P", "Q", "R"]].sum(axis=1)
    assert contributions.to_numpy() == pytest.approx(result["total"].to_numpy())


def test_ties_share_the_better_rank() -> None:
    # A: 0.5 x 4 + 0.5 x 2 = 3; B: 0.5 x 2 + 0.5 x 4 = 3; C: 2.
    scores = pd.DataFrame({"X": [4, 2, 2], "Y": [2, 4, 2]}, index=["A", "B", "C"])
    result = strategy.weighted_scores(scores, {"X": 0.5, "Y": 0.5}, scale=None)
    assert result["rank"].to_dict() == {"A": 1, "B": 1, "C": 3}


def test_flip_points_two_options() -> None:
    flips = strategy.flip_points(TWO, TWO_WEIGHTS)
    assert flips.loc["X", "winner"] == "A"
    assert flips.loc["X", "flip_down"] == pytest.approx(0.6)
    assert flips.loc["X", "rival_down"] == "B"
    assert np.isnan(flips.loc["X", "flip_up"])  # raising X only helps A
    assert flips.loc["Y", "flip_up"] == pytest.approx(0.4)
    assert flips.loc["Y", "rival_up"] == "B"
    assert np.isnan(flips.loc["Y", "flip_down"])
    assert flips["distance"].tolist() == pytest.approx([0.1, 0.1])


def test_flip_points_three_options() -> None:
    flips = strategy.flip_points(THREE, THREE_WEIGHTS)
    assert (flips["winner"] == "A").all()
    assert flips.loc["R", "flip_up"] == pytest.approx(float(Fraction(7, 31)))
    assert flips.loc["R", "rival_up"] == "B"  # B, not the higher-R option C
    assert np.isnan(flips.loc["R", "flip_down"])
    assert flips.loc["P", "flip_down"] == pytest.approx(float(Fraction(9, 19)))
    assert flips.loc["P", "rival_down"] == "B"
    assert np.isnan(flips.loc["P", "flip_up"])
    assert flips.loc["Q", "flip_up"] == pytest.approx(float(Fraction(4, 11)))
    assert flips.loc["Q", "rival_up"] == "B"
    assert np.isnan(flips.loc["Q", "flip_down"])
    assert flips.loc["R", "distance"] == pytest.approx(float(Fraction(7, 31)) - 0.2)
    assert flips.loc["P", "distance"] == pytest.approx(0.5 - float(Fraction(9, 19)))


def test_two_rivals_level_at_the_same_weight() -> None:
    # Weights X 1/3, Y 2/3. A (3, 4) = 11/3, B (4, 3) = 10/3, C (2, 5) = 4: C wins.
    # X's weight to t: C = 5 - 3t, A = 4 - t, B = 3 + t. Both A and B draw level with C
    # at t = 0.5 (all three equal 3.5); past it B (slope +1) leads A (slope -1).
    scores = pd.DataFrame({"X": [3, 4, 2], "Y": [4, 3, 5]}, index=["A", "B", "C"])
    flips = strategy.flip_points(scores, {"X": 1 / 3, "Y": 2 / 3})
    assert flips.loc["X", "winner"] == "C"
    assert flips.loc["X", "flip_up"] == pytest.approx(0.5)
    assert flips.loc["X", "rival_up"] == "B"


def test_flip_point_checked_by_recomputing_the_ranking() -> None:
    # Second method: set R's weight just past the flip point (others in proportion) and
    # rank again with weighted_scores.
    t = float(Fraction(7, 31))
    for weight, leader in ((t - 1e-6, "A"), (t + 1e-6, "B")):
        rest = 1 - weight
        w = {"P": 0.625 * rest, "Q": 0.375 * rest, "R": weight}
        assert strategy.weighted_scores(THREE, w).index[0] == leader


def test_weight_sweep_is_the_straight_line_of_the_hand_working() -> None:
    sweep = strategy.weight_sweep(TWO, TWO_WEIGHTS, "X", points=11)
    a = sweep[sweep["option"] == "A"].set_index("weight")["total"]
    b = sweep[sweep["option"] == "B"].set_index("weight")["total"]
    t = a.index.to_numpy()
    assert a.to_numpy() == pytest.approx(2 + 2 * t)
    assert b.to_numpy() == pytest.approx(5 - 3 * t)
    # at the current weight the sweep equals the weighted total
    sweep = strategy.weight_sweep(THREE, THREE_WEIGHTS, "R", points=6)  # 0, 0.2, ...
    at = sweep[np.isclose(sweep["weight"], 0.2)].set_index("option")["total"]
    assert at.to_dict() == pytest.approx({"A": 3.6, "B": 3.5, "C": 2.9})


def test_sweep_shares_freed_weight_equally_when_the_others_are_zero() -> None:
    # All weight on X: moving X down has no proportions to keep, so Y gets 1 - t.
    sweep = strategy.weight_sweep(TWO, {"X": 1, "Y": 0}, "X", points=3)
    zero = sweep[sweep["weight"] == 0].set_index("option")["total"]
    assert zero.to_dict() == {"A": 2.0, "B": 5.0}
    flips = strategy.flip_points(TWO, {"X": 1, "Y": 0})
    assert flips.loc["X", "flip_down"] == pytest.approx(0.6)


# ---------------------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------------------


def test_weights_not_summing_to_one_are_normalised_with_a_note() -> None:
    with pytest.warns(strategy.WeightsNormalisedWarning, match="summed to 10"):
        result = strategy.weighted_scores(TWO, {"X": 7, "Y": 3})
    assert result["total"].tolist() == pytest.approx([3.4, 2.9])
    assert "divided by 10" in result.attrs["note"]
    assert result.attrs["weights"] == pytest.approx({"X": 0.7, "Y": 0.3})
    quiet = strategy.normalise_weights({"X": 30, "Y": 10}, warn=False)
    assert quiet.tolist() == [0.75, 0.25] and "note" in quiet.attrs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = strategy.weighted_scores(TWO, TWO_WEIGHTS)
    assert "note" not in exact.attrs


def test_negative_weights_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"must not be negative.*'Y': -0.3"):
        strategy.weighted_scores(TWO, {"X": 1.3, "Y": -0.3})


def test_all_zero_weights_are_rejected() -> None:
    with pytest.raises(ValueError, match="all zero"):
        strategy.normalise_weights({"X": 0, "Y": 0})


def test_unknown_and_missing_criteria_are_named() -> None:
    with pytest.raises(ValueError, match=r"unknown criteria \['price'\]"):
        strategy.weighted_scores(TWO, {"X": 0.5, "Y": 0.3, "price": 0.2})
    with pytest.raises(ValueError, match=r"missing for criteria \['Y'\]"):
        strategy.flip_points(TWO, {"X": 1.0})
    with pytest.raises(ValueError, match="criterion must be one of"):
        strategy.weight_sweep(TWO, TWO_WEIGHTS, "Z")


def test_bad_weights_and_scores_get_clear_errors() -> None:
    with pytest.raises(TypeError, match="weights must be a dict"):
        strategy.weighted_scores(TWO, [0.7, 0.3])
    with pytest.raises(TypeError, match=r"weights\['X'\] must be a number"):
        strategy.weighted_scores(TWO, {"X": "high", "Y": 0.3})
    with pytest.raises(ValueError, match="finite"):
        strategy.weighted_scores(TWO, {"X": float("nan"), "Y": 0.3})
    with pytest.raises(ValueError, match=r"scores\['X'\] must hold finite numbers"):
        strategy.weighted_scores(TWO.assign(X=[4, np.nan]), TWO_WEIGHTS)
    with pytest.raises(ValueError, match="scale 1-5"):
        strategy.weighted_scores(TWO.assign(X=[4, 7]), TWO_WEIGHTS)
    # without a scale the 7 is taken as it is: A 4 x 0.7 + 2 x 0.3 = 3.4, B 7 x 0.7 + 5 x 0.3 = 6.4
    unscaled = strategy.weighted_scores(TWO.assign(X=[4, 7]), TWO_WEIGHTS, scale=None)
    assert unscaled["total"].to_dict() == pytest.approx({"A": 3.4, "B": 6.4})
    assert unscaled.index[0] == "B"
    with pytest.raises(TypeError, match="DataFrame"):
        strategy.weighted_scores({"X": [1]}, TWO_WEIGHTS)


# ---------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------

score_tables = st.integers(min_value=2, max_value=5).flatmap(
    lambda n: st.integers(min_value=2, max_value=5).flatmap(
        lambda k: st.tuples(
            arrays(float, (n, k), elements=st.integers(1, 5).map(float)),
            arrays(float, k, elements=st.floats(0.05, 1.0)),
        )
    )
)


def _frame(values: np.ndarray) -> pd.DataFrame:
    n, k = values.shape
    return pd.DataFrame(
        values, index=[f"o{i}" for i in range(n)], columns=[f"c{j}" for j in range(k)]
    )


@settings(max_examples=60, deadline=None)
@given(score_tables, st.floats(0.1, 100))
def test_rescaling_the_weights_changes_nothing(table, factor) -> None:
    values, w = table
    scores = _frame(values)
    weights = dict(zip(scores.columns, w, strict=True))
    scaled = {k: v * factor for k, v in weights.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", strategy.WeightsNormalisedWarning)
        a = strategy.weighted_scores(scores, weights)
        b = strategy.weighted_scores(scores, scaled)
    assert a["total"].to_numpy() == pytest.approx(b["total"].to_numpy())
    # a weighted mean lies between the option's lowest and highest score
    low = scores.min(axis=1).reindex(a.index)
    high = scores.max(axis=1).reindex(a.index)
    assert (a["total"] >= low - 1e-9).all() and (a["total"] <= high + 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(score_tables)
def test_the_winner_changes_exactly_at_the_flip_point(table) -> None:
    values, w = table
    scores = _frame(values)
    weights = pd.Series(w / w.sum(), index=scores.columns)
    totals = scores.to_numpy() @ weights.to_numpy()
    top = np.sort(totals)[::-1]
    assume(top[0] - top[1] > 1e-6)  # a unique winner to start from
    flips = strategy.flip_points(scores, weights)
    for criterion, row in flips.iterrows():
        rest = weights.drop(criterion)
        for side, step in (("up", 1e-7), ("down", -1e-7)):
            flip = row[f"flip_{side}"]
            if np.isnan(flip) or not 1e-6 < flip < 1 - 1e-6:
                continue
            for t, leader_is_winner in ((flip - step, True), (flip + step, False)):
                moved = (
                    rest / rest.sum() * (1 - t) if rest.sum() > 0 else rest + (1 - t) / len(rest)
                )
                moved[criterion] = t
                total = strategy.weighted_scores(scores, moved[scores.columns])["total"]
                best = total.max()  # rivals with identical lines tie up to rounding
                if leader_is_winner:
                    assert total[row["winner"]] >= best - 1e-12
                else:
                    assert total[row[f"rival_{side}"]] >= best - 1e-12
                    assert total[row["winner"]] < total[row[f"rival_{side}"]]


# ---------------------------------------------------------------------------------------
# rank stability
# ---------------------------------------------------------------------------------------


def test_rank_stability_matches_the_analytic_probability() -> None:
    # Second method. With the two-option example, weights (0.7 U1, 0.3 U2) normalised,
    # U ~ Uniform(0.5, 1.5) (spread 0.5). B wins when the share of X falls below 0.6:
    #   0.7 U1 / (0.7 U1 + 0.3 U2) < 0.6  <=>  U1 < (9/14) U2.
    # P = integral over u in [7/9, 3/2] of (9u/14 - 1/2) du
    #   = 9/28 (9/4 - 49/81) - (1/2)(3/2 - 7/9) = 4797/9072 - 3276/9072 = 1521/9072.
    p_flip = 1521 / 9072  # 0.16766
    result = strategy.rank_stability(TWO, TWO_WEIGHTS, spread=0.5, draws=200_000, seed=1)
    se = np.sqrt(p_flip * (1 - p_flip) / 200_000)  # 0.0008
    assert result.same_winner == pytest.approx(1 - p_flip, abs=5 * se)
    assert result.table.loc["B", "first"] == pytest.approx(p_flip, abs=5 * se)
    assert result.same_ranking == pytest.approx(result.same_winner)  # two options


def test_rank_stability_shape_and_limits() -> None:
    result = strategy.rank_stability(THREE, THREE_WEIGHTS, spread=0.3, draws=2_000, seed=3)
    shares = result.table[["rank_1", "rank_2", "rank_3"]]
    assert shares.sum(axis=1).to_numpy() == pytest.approx(1.0)  # each option has a rank
    assert shares.sum(axis=0).to_numpy() == pytest.approx(1.0)  # each rank has an option
    assert result.table["current_rank"].tolist() == [1, 2, 3]
    assert 0 <= result.same_ranking <= result.same_winner <= 1
    # no perturbation: nothing moves
    still = strategy.rank_stability(THREE, THREE_WEIGHTS, spread=0.0, draws=50)
    assert still.same_winner == 1.0 and still.same_ranking == 1.0
    # same seed, same answer
    again = strategy.rank_stability(THREE, THREE_WEIGHTS, spread=0.3, draws=2_000, seed=3)
    assert again.same_winner == result.same_winner
    with pytest.raises(ValueError, match="spread"):
        strategy.rank_stability(THREE, THREE_WEIGHTS, spread=1.5)


# ---------------------------------------------------------------------------------------
# scorecard
# ---------------------------------------------------------------------------------------


def test_cedar_lane_scorecard_by_hand() -> None:
    # Two ratings per strategy in the evidence sheet; the score is their mean:
    # mindset (3+2)/2 = 2.5, software (3+2)/2 = 2.5, costs (2+1)/2 = 1.5,
    # training (1+1)/2 = 1.0, empowerment (2+1)/2 = 1.5, communication (2+1)/2 = 1.5,
    # competition (3+2)/2 = 2.5, innovation (3+1)/2 = 2.0, genuine (3+3)/2 = 3.0.
    # Overall 18/9 = 2.0 ("defined"); weakest: training.
    card = strategy.scorecard(strategy.cedar_lane_evidence())
    assert card.index.tolist() == list(strategy.STRATEGIES)
    assert card["score"].tolist() == [2.5, 2.5, 1.5, 1.0, 1.5, 1.5, 2.5, 2.0, 3.0]
    assert card["evidence_items"].tolist() == [2] * 9
    assert card.loc["acquisition_retention_costs", "level"] == "ad hoc"
    assert card.loc["genuine_service", "gap"] == 0.0
    assert card.loc["service_training", "gap"] == 2.0
    profile = strategy.maturity_profile(card)
    assert profile["overall"] == pytest.approx(2.0)
    assert profile["overall_level"] == "defined"
    assert profile["weakest_score"] == 1.0 and profile["at_target"] == 1
    assert card.index[card["weakest"]].tolist() == ["service_training"]
    # the three lowest, with the ties at 1.5 kept together
    assert strategy.weakest_links(card, 3) == [
        "service_training",
        "acquisition_retention_costs",
        "empowered_sales",
        "communication_lines",
    ]
    assert strategy.weakest_links(card, 1) == ["service_training"]


def test_scorecard_weights_and_missing_evidence() -> None:
    sheet = pd.DataFrame(
        {"strategy": ["crm_software", "crm_software"], "rating": [1, 4], "weight": [2, 1]}
    )
    card = strategy.scorecard(sheet, target=2)
    # weighted mean (2 x 1 + 1 x 4) / 3 = 2
    assert card.loc["crm_software", "score"] == pytest.approx(2.0)
    assert card.loc["crm_software", "gap"] == 0.0
    # no evidence, no credit
    assert card.loc["right_mindset", "score"] == 0.0
    assert card.loc["right_mindset", "evidence_items"] == 0
    assert card.loc["right_mindset", "level"] == "absent"


def test_scorecard_rejects_bad_evidence() -> None:
    with pytest.raises(ValueError, match=r"unknown strategies \['crm_sofware'\]"):
        strategy.scorecard(pd.DataFrame({"strategy": ["crm_sofware"], "rating": [2]}))
    with pytest.raises(ValueError, match="from 0 to 4"):
        strategy.scorecard(pd.DataFrame({"strategy": ["crm_software"], "rating": [5]}))
    with pytest.raises(ValueError, match="missing column"):
        strategy.scorecard(pd.DataFrame({"strategy": ["crm_software"]}))
    with pytest.raises(ValueError, match="positive"):
        strategy.scorecard(
            pd.DataFrame({"strategy": ["crm_software"], "rating": [2], "weight": [0]})
        )


def test_maturity_level_boundaries() -> None:
    assert strategy.maturity_level(0) == "absent"
    assert strategy.maturity_level(2.999) == "defined"
    assert strategy.maturity_level(3) == "managed"
    assert strategy.maturity_level(4) == "leading"
    with pytest.raises(ValueError, match="score"):
        strategy.maturity_level(4.5)


# ---------------------------------------------------------------------------------------
# TCO, value and ROI
# ---------------------------------------------------------------------------------------


def test_tco_of_the_kestrel_price_sheet_by_hand() -> None:
    # Alder Relate, 40 users, 3 years:
    #   one-off 1,200,000 + 300,000 + 250,000 = 1,750,000
    #   yearly  4,500 x 12 x 40 + 200,000 = 2,160,000 + 200,000 = 2,360,000
    #   TCO     1,750,000 + 3 x 2,360,000 = 8,830,000
    # discounted at 10 % (yearly costs at the start of each year):
    #   1,750,000 + 2,360,000 x (1 + 1/1.1 + 1/1.21) = 1,750,000 + 6,455,867.77
    tco = strategy.total_cost_of_ownership(strategy.kestrel_prices(), users=40, years=3)
    assert tco.loc["Alder Relate"].tolist() == [1_750_000, 2_360_000, 8_830_000]
    assert tco.loc["Banyan Desk", "tco"] == 580_000 + 3 * (1_800 * 12 * 40 + 60_000)
    discounted = strategy.total_cost_of_ownership(
        strategy.kestrel_prices(), users=40, years=3, discount_rate=0.10
    )
    assert discounted.loc["Alder Relate", "tco"] == pytest.approx(8_205_867.77, abs=0.01)


def _value_of_the_hand_worked_case() -> pd.DataFrame:
    return strategy.crm_value(
        accounts=400,
        margin_per_account=120_000,
        retention_before=0.80,
        retention_after=0.84,
        discount_rate=0.10,
        years=3,
        margin_uplift=0.02,
    )


def test_crm_value_by_hand_and_by_closed_form() -> None:
    # m = 120,000 Php a year, 400 accounts, retention 0.80 -> 0.84, uplift 2 %, d = 10 %,
    # 3 years, margin at year end, first year certain:
    #   before: 120,000 x (1/1.1 + 0.8/1.21 + 0.64/1.331)    = 246,130.71
    #   after:  122,400 x (1/1.1 + 0.84/1.21 + 0.7056/1.331) = 261,132.25
    #   added value = 400 x 15,001.53 = 6,000,613
    value = _value_of_the_hand_worked_case()
    assert value["year"].tolist() == [1, 2, 3]
    total = value["cumulative_added_value"].iloc[-1]
    assert total == pytest.approx(6_000_613, abs=1)
    closed = 400 * (
        clv.clv(122_400, 0.84, 0.10, horizon=3, first_period_retained=False)
        - clv.clv(120_000, 0.80, 0.10, horizon=3, first_period_retained=False)
    )
    assert total == pytest.approx(closed)
    # year 1: only the uplift counts (everyone is still there): 400 x 2,400 / 1.1
    assert value["added_value"].iloc[0] == pytest.approx(400 * 2_400 / 1.1)


def test_investment_case_payback_by_hand() -> None:
    # One option: one-off 1,000, yearly 100 (1 user x 0 licence + 100 support), d = 0.
    # Value per year 300, 600, 900 (cumulative 300, 900, 1,800); costs cumulative
    # 1,100, 1,200, 1,300 -> pays back in year 3; ROI = (1,800 - 1,300) / 1,300.
    prices = pd.DataFrame(
        {
            "licence_per_user_month": [0],
            "implementation": [1_000],
            "data_migration": [0],
            "training": [0],
            "support_per_year": [100],
        },
        index=["X"],
    )
    value = pd.DataFrame({"year": [1, 2, 3], "added_value": [300.0, 600.0, 900.0]})
    case = strategy.investment_case(prices, value, users=1, discount_rate=0.0)
    assert case.loc["X", "tco"] == 1_300
    assert case.loc["X", "value"] == 1_800
    assert case.loc["X", "roi"] == pytest.approx(500 / 1_300)
    assert case.loc["X", "payback_year"] == 3
    # a quarter of the value (cumulative 450 at most) never pays back within the horizon
    smaller = value.assign(added_value=value["added_value"] / 4)
    case = strategy.investment_case(prices, smaller, users=1, discount_rate=0.0)
    assert pd.isna(case.loc["X", "payback_year"])


_ONE_OPTION = pd.DataFrame(
    {
        "licence_per_user_month": [0],
        "implementation": [1_000],
        "data_migration": [0],
        "training": [0],
        "support_per_year": [100],
    },
    index=["X"],
)
_VALUE = pd.DataFrame({"year": [1, 2, 3], "added_value": [300.0, 600.0, 900.0]})


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: strategy.schedule(strategy.kestrel_roadmap(), start="someday"),
            ValueError,
            r"start must be a date such as '2025-01-06', got 'someday'",
        ),
        (
            lambda: strategy.schedule(strategy.kestrel_roadmap(), start=None),
            ValueError,
            "start must be a date",
        ),
        (
            lambda: strategy.investment_case(
                pd.concat([_ONE_OPTION, _ONE_OPTION.rename(index={"X": "free"}) * 0]),
                _VALUE,
                users=1,
                discount_rate=0.0,
            ),
            ValueError,
            r"ROI is net value / TCO.*TCO is 0 for \['free'\]",
        ),
    ],
    ids=["schedule-start-text", "schedule-start-none", "investment-case-free-option"],
)
def test_bad_inputs_get_errors_that_name_the_parameter(call, error, message) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning on the way to the error
        with pytest.raises(error, match=message):
            call()


def test_benefit_share_scales_the_value() -> None:
    value = _value_of_the_hand_worked_case()
    case = strategy.investment_case(strategy.kestrel_prices(), value, users=40, discount_rate=0.1)
    full = value["cumulative_added_value"].iloc[-1]
    assert case.loc["In-house build", "value"] == pytest.approx(0.8 * full)
    assert case.loc["Alder Relate", "value"] == pytest.approx(full)
    assert case["roi"].is_monotonic_decreasing


def test_price_sheet_validation() -> None:
    bad = strategy.kestrel_prices().assign(training=-1)
    with pytest.raises(ValueError, match=r"prices\['training'\]"):
        strategy.total_cost_of_ownership(bad, users=40)
    with pytest.raises(ValueError, match="missing column"):
        strategy.total_cost_of_ownership(
            strategy.kestrel_prices().drop(columns="training"), users=4
        )
    with pytest.raises(ValueError, match="users"):
        strategy.total_cost_of_ownership(strategy.kestrel_prices(), users=0)


# ---------------------------------------------------------------------------------------
# roadmap: CPM
# ---------------------------------------------------------------------------------------

# Hillier, F. S. & Lieberman, G. J., *Introduction to Operations Research* (chapter
# "Project management with PERT/CPM"), the Reliable Construction Co. project: 14
# activities, durations in weeks. The book's answer: the project takes 44 weeks, the
# critical path is START -> A -> B -> C -> E -> F -> J -> L -> N -> FINISH, and the
# slacks of the other activities are D 4, G 4, H 4, I 2, K 1, M 4.
RELIABLE = pd.DataFrame(
    [
        ("A", "Excavate", 2, ""),
        ("B", "Lay the foundation", 4, "A"),
        ("C", "Put up the rough wall", 10, "B"),
        ("D", "Put up the roof", 6, "C"),
        ("E", "Install the exterior plumbing", 4, "C"),
        ("F", "Install the interior plumbing", 5, "E"),
        ("G", "Put up the exterior siding", 7, "D"),
        ("H", "Do the exterior painting", 9, "E, G"),
        ("I", "Do the electrical work", 7, "C"),
        ("J", "Put up the wallboard", 8, "F, I"),
        ("K", "Install the flooring", 4, "J"),
        ("L", "Do the interior painting", 5, "J"),
        ("M", "Install the exterior fixtures", 2, "H"),
        ("N", "Install the interior fixtures", 6, "K, L"),
    ],
    columns=["task", "name", "weeks", "depends_on"],
)


def test_critical_path_of_the_reliable_construction_project() -> None:
    plan = strategy.schedule(RELIABLE, start="2025-01-06")
    assert plan.attrs["length"] == 44
    assert strategy.critical_path(plan) == ["A", "B", "C", "E", "F", "J", "L", "N"]
    slack = plan.set_index("task")["slack"]
    assert slack[["D", "G", "H", "I", "K", "M"]].tolist() == [4, 4, 4, 2, 1, 4]
    assert (slack[list("ABCEFJLN")] == 0).all()
    # forward pass by hand: H starts when both E (16-20) and G (22-29) are done, at 29
    row = plan.set_index("task").loc["H"]
    assert (row["earliest_start"], row["earliest_finish"]) == (29, 38)
    assert plan.set_index("task").loc["N", "finish_date"] == pd.Timestamp(
        "2025-01-06"
    ) + pd.Timedelta(weeks=44)


def test_kestrel_roadmap_by_hand() -> None:
    # Forward pass: T1 0-2; T2 2-3; T3 2-4; T4 3-6; T5 max(3, 4) = 4-8; T6 8-13; T7 8-12;
    # T8 max(13, 12) = 13-15; T9 max(6, 15) = 15-16; T10 16-20; T11 20-22; T12 22-23;
    # T13 16-21; T14 21-23; T15 23-24; T16 max(23, 24) = 24-26. Length 26 weeks.
    # Backward pass gives slack 1 for T2, T7, T10, T11, T12 and 9 for T4 (it must end by
    # week 15, when T9 starts); every other task is critical.
    plan = strategy.schedule(strategy.kestrel_roadmap())
    assert plan.attrs["length"] == 26
    assert strategy.critical_path(plan) == [
        "T1", "T3", "T5", "T6", "T8", "T9", "T13", "T14", "T15", "T16",
    ]  # fmt: skip
    slack = plan.set_index("task")["slack"]
    assert slack[["T2", "T7", "T10", "T11", "T12"]].tolist() == [1, 1, 1, 1, 1]
    assert slack["T4"] == 9
    assert plan.set_index("task").loc["T16", "earliest_start"] == 24


def test_schedule_errors_name_the_tasks() -> None:
    tasks = pd.DataFrame(
        {"task": ["a", "b", "c"], "weeks": [1, 2, 3], "depends_on": ["", "a", "x"]}
    )
    with pytest.raises(ValueError, match=r"unknown task ids: \{'c': \['x'\]\}"):
        strategy.schedule(tasks)
    cyclic = tasks.assign(depends_on=["c", "a", "b"])
    with pytest.raises(ValueError, match=r"cycle among tasks \['a', 'b', 'c'\]"):
        strategy.schedule(cyclic)
    with pytest.raises(ValueError, match=r"repeated: \['a'\]"):
        strategy.schedule(tasks.assign(task=["a", "a", "c"], depends_on=""))
    with pytest.raises(ValueError, match=r"bad for tasks \['b'\]"):
        strategy.schedule(tasks.assign(weeks=[1, -2, 3], depends_on=""))
    with pytest.raises(ValueError, match="depends on itself"):
        strategy.schedule(tasks.assign(depends_on=["a", "", ""]))


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_schedule_properties_on_random_networks(data) -> None:
    n = data.draw(st.integers(1, 9))
    weeks = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    deps = [
        sorted(data.draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set())
        for i in range(n)
    ]
    tasks = pd.DataFrame(
        {
            "task": [f"t{i}" for i in range(n)],
            "weeks": weeks,
            "depends_on": [[f"t{j}" for j in d] for d in deps],
        }
    ).sample(frac=1, random_state=data.draw(st.integers(0, 100)))  # any input order
    plan = strategy.schedule(tasks).set_index("task")
    assume(plan.attrs["length"] > 0)
    assert (plan["earliest_finish"] - plan["earliest_start"] == plan["weeks"]).all()
    assert (plan["slack"] >= 0).all()
    for _task, row in plan.iterrows():
        for p in row["depends_on"]:
            assert row["earliest_start"] >= plan.loc[p, "earliest_finish"]
    path = strategy.critical_path(plan.reset_index())
    assert plan.loc[path, "weeks"].sum() == plan.attrs["length"]
    assert plan.loc[path, "critical"].all()


def test_phase_kpis() -> None:
    kpis = strategy.phase_kpis()
    assert set(kpis["phase"]) == set(strategy.kestrel_roadmap()["phase"])
    assert len(strategy.phase_kpis("2 Sales pipeline")) == 2
    with pytest.raises(ValueError, match="phase must be one of"):
        strategy.phase_kpis("9 Never")


# ---------------------------------------------------------------------------------------
# charts and case data
# ---------------------------------------------------------------------------------------


def test_charts_build() -> None:
    card = strategy.scorecard(strategy.cedar_lane_evidence())
    scores, weights = strategy.kestrel_vendor_scores(), strategy.kestrel_weights()
    result = strategy.weighted_scores(scores, weights)
    flips = strategy.flip_points(scores, weights)
    sweep = strategy.weight_sweep(scores, weights, "ease_of_use")
    stability = strategy.rank_stability(scores, weights, draws=200)
    plan = strategy.schedule(strategy.kestrel_roadmap())
    for chart in (
        strategy.scorecard_chart(card, company="Cedar Lane"),
        strategy.selection_chart(result),
        strategy.sweep_chart(sweep, flips, "ease_of_use"),
        strategy.rank_stability_chart(stability),
        strategy.gantt_chart(plan),
    ):
        spec = chart.to_dict()
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    # the sweep chart marks the flip point of the hand-worked example
    spec = strategy.sweep_chart(
        strategy.weight_sweep(TWO, TWO_WEIGHTS, "X"), strategy.flip_points(TWO, TWO_WEIGHTS), "X"
    ).to_dict()
    marked = [v for d in spec["datasets"].values() for v in d if "what" in v]
    assert {round(m["weight"], 6) for m in marked} == {0.7, 0.6}


def test_flip_points_for_chosen_criteria_are_those_rows_of_the_full_table() -> None:
    scores, weights = strategy.kestrel_vendor_scores(), strategy.kestrel_weights()
    full = strategy.flip_points(scores, weights)
    some = strategy.flip_points(scores, weights, criteria=["help_support", "ease_of_use"])
    expected = full.loc[["help_support", "ease_of_use"]]
    pd.testing.assert_frame_equal(
        some.astype(object).where(some.notna(), None),
        expected.astype(object).where(expected.notna(), None),
    )
    with pytest.raises(ValueError, match="criterion must be one of"):
        strategy.flip_points(scores, weights, criteria=["price"])
    with pytest.raises(TypeError, match="criteria must be a list"):
        strategy.flip_points(scores, weights, criteria="ease_of_use")


def test_attach_kpis_to_a_plan_of_ones_own_by_hand() -> None:
    tasks = pd.DataFrame(
        {
            "task": ["A", "B", "C"],
            "phase": ["pilot", "pilot", "roll-out"],
            "weeks": [2, 1, 3],
            "depends_on": ["", "A", "B"],
        }
    )
    kpis = pd.DataFrame(
        {
            "phase": ["roll-out", "pilot", "roll-out"],
            "kpi": ["cases logged", "users active weekly", "duplicates"],
            "target": [">= 90 %", ">= 80 %", None],
        }
    )
    plan = strategy.schedule(strategy.attach_kpis(tasks, kpis))
    by_task = plan.set_index("task")
    assert by_task["kpi_count"].to_dict() == {"A": 1, "B": 1, "C": 2}
    assert by_task.loc["A", "kpis"] == "users active weekly (>= 80 %)"
    assert by_task.loc["C", "kpis"] == "cases logged (>= 90 %); duplicates"
    # the Gantt tooltip carries them
    spec = strategy.gantt_chart(plan).to_dict()
    assert {"field": "kpis", "type": "nominal", "title": "Phase KPIs"} in spec["encoding"][
        "tooltip"
    ]
    rows = next(iter(spec["datasets"].values()))
    assert {r["task"]: r["kpis"] for r in rows}["C"] == "cases logged (>= 90 %); duplicates"
    # without KPIs the tooltip has no KPI line
    plain = strategy.gantt_chart(strategy.schedule(tasks)).to_dict()
    assert all(t["field"] != "kpis" for t in plain["encoding"]["tooltip"])


def test_attach_kpis_names_phases_without_a_kpi_and_kpis_of_unknown_phases() -> None:
    tasks = pd.DataFrame(
        {"task": ["A", "B"], "phase": ["pilot", "roll-out"], "weeks": [1, 1], "depends_on": ""}
    )
    only_pilot = pd.DataFrame({"phase": ["pilot"], "kpi": ["users active"]})
    with pytest.raises(ValueError, match=r"phases without a KPI: \['roll-out'\]"):
        strategy.attach_kpis(tasks, only_pilot)
    stray = pd.DataFrame(
        {"phase": ["pilot", "roll-out", "Review"], "kpi": ["users", "cases", "retention"]}
    )
    with pytest.raises(ValueError, match=r"phases the plan does not have: \['Review'\].*retention"):
        strategy.attach_kpis(tasks, stray)
    with pytest.raises(ValueError, match="phase"):
        strategy.attach_kpis(tasks.drop(columns="phase"), only_pilot)
    with pytest.raises(ValueError, match="kpi"):
        strategy.attach_kpis(tasks, only_pilot.drop(columns="kpi"))
    # Kestrel's own table fits Kestrel's roadmap exactly
    plan = strategy.attach_kpis(strategy.kestrel_roadmap(), strategy.phase_kpis())
    assert (plan["kpi_count"] >= 1).all()
    assert plan["kpi_count"].sum() == sum(
        (strategy.phase_kpis()["phase"] == p).sum() for p in plan["phase"]
    )


def test_kestrel_data_is_consistent() -> None:
    scores = strategy.kestrel_vendor_scores()
    assert list(scores.columns) == list(strategy.SELECTION_CRITERIA)
    assert sum(strategy.kestrel_weights().values()) == pytest.approx(1.0)
    prices = strategy.kestrel_prices()
    assert set(scores.index) <= set(prices.index)
    # fresh copies: changing one does not change the next
    scores.iloc[0, 0] = 1
    assert strategy.kestrel_vendor_scores().iloc[0, 0] == 5


def test_harbor_spa_sheet_covers_every_level_and_strategy() -> None:
    # One observation per strategy, written to the rubric; together they use all five
    # levels, so the exercise that asks for them exercises the whole scale.
    sheet = strategy.harbor_spa_evidence()
    assert sorted(sheet["strategy"]) == sorted(strategy.STRATEGIES)
    assert set(sheet["rating"]) == set(strategy.MATURITY_LEVELS)
    card = strategy.scorecard(sheet)
    # (3 + 1 + 0 + 2 + 1 + 2 + 4 + 3 + 3) / 9 = 19 / 9
    assert strategy.maturity_profile(card)["overall"] == pytest.approx(19 / 9)

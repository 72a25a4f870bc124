"""CRM strategy: a maturity scorecard, software selection with sensitivity, TCO and ROI, roadmaps.

Lesson 08 asks three questions of a company that wants to manage its customer
relationships better, and this module answers each with a small, explicit model.

1. **How mature is its CRM today?** The course notes list nine strategies of successful
   customer relationship management (source 001). :func:`scorecard` rates each from an
   evidence sheet (every piece of evidence rated on a 0-4 maturity scale, in the spirit of
   the Capability Maturity Model), gives the overall profile and the weakest links, and
   :func:`scorecard_chart` draws it.
2. **Which CRM software should it buy (or should it build)?** A weighted-sum model over
   the selection criteria of the source notes (source 002): :func:`weighted_scores` ranks
   the options; :func:`flip_points` finds how far each weight can move before the winner
   changes; :func:`rank_stability` perturbs all weights at random and counts how often
   the ranking survives; :func:`total_cost_of_ownership`, :func:`crm_value` (through
   :mod:`casekit.clv`) and :func:`investment_case` put the choice in money.
3. **How will it be rolled out?** A phased implementation plan (the steps of source 002:
   strategic decision, project manager, executive sponsorship, team commitment and
   training, KPIs, a phased approach): :func:`schedule` computes dates, slack and the
   critical path (CPM), :func:`gantt_chart` draws it, and :func:`phase_kpis` attaches the
   measures that say whether each phase worked.

The case inputs (the evidence sheets of Cedar Lane and Harbor Spa, the fictional vendors
that Kestrel Supply compares, their prices, the roadmap tasks) are small hand-authored
tables, returned as fresh copies by :func:`cedar_lane_evidence`,
:func:`harbor_spa_evidence`, :func:`kestrel_vendor_scores`, :func:`kestrel_weights`,
:func:`kestrel_prices` and :func:`kestrel_roadmap`. **The vendors
are fictional**: their names, scores and prices describe no real product, and any
likeness to a real product name is a coincidence.

Money is in Philippine pesos (Php), as everywhere in the course world.

References
----------
Paulk, M. C., Curtis, B., Chrissis, M. B. & Weber, C. V. (1993). Capability Maturity
Model, version 1.1. *IEEE Software* 10(4), 18-27 (the idea of maturity levels).

Triantaphyllou, E. (2000). *Multi-Criteria Decision Making Methods: A Comparative Study*,
chapter 2 (the weighted sum model). Kluwer.

Triantaphyllou, E. & Sánchez, A. (1997). A sensitivity analysis approach for some
deterministic multi-criteria decision-making methods. *Decision Sciences* 28(1), 151-194.

Butler, J., Jia, J. & Dyer, J. (1997). Simulation techniques for the sensitivity analysis
of multi-criteria decision models. *European Journal of Operational Research* 103(3),
531-546.

Ellram, L. M. (1995). Total cost of ownership: an analysis approach for purchasing.
*International Journal of Physical Distribution & Logistics Management* 25(8), 4-23.

Kelley, J. E. & Walker, M. R. (1959). Critical-path planning and scheduling. *Proceedings
of the Eastern Joint Computer Conference*, 160-173.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

import casekit.charts  # noqa: F401  (house theme and offline renderer)
from casekit import clv
from casekit.validation import (
    check_columns,
    check_fraction,
    check_integer,
    check_nonempty,
    check_number,
)

__all__ = [
    "MATURITY_LEVELS",
    "SCORE_SCALE",
    "SELECTION_CRITERIA",
    "STRATEGIES",
    "RankStability",
    "WeightsNormalisedWarning",
    "attach_kpis",
    "cedar_lane_evidence",
    "critical_path",
    "crm_value",
    "flip_points",
    "gantt_chart",
    "harbor_spa_evidence",
    "investment_case",
    "kestrel_prices",
    "kestrel_roadmap",
    "kestrel_vendor_scores",
    "kestrel_weights",
    "maturity_level",
    "maturity_profile",
    "nine_strategies",
    "normalise_weights",
    "phase_kpis",
    "rank_stability",
    "rank_stability_chart",
    "schedule",
    "scorecard",
    "scorecard_chart",
    "selection_chart",
    "sweep_chart",
    "sweep_datasets",
    "total_cost_of_ownership",
    "weakest_links",
    "weight_sweep",
    "weighted_scores",
]

# =======================================================================================
# 1. The nine strategies as a maturity scorecard
# =======================================================================================

#: The nine successful CRM strategies of the course notes (source 001), in their order:
#: key -> short name.
STRATEGIES: dict[str, str] = {
    "right_mindset": "Adopt the right mindset towards customer service",
    "crm_software": "Purchase or develop CRM software",
    "acquisition_retention_costs": "Quantify customer acquisition and retention costs",
    "service_training": "Develop a customer service training program",
    "empowered_sales": "Empower salespeople to make decisions",
    "communication_lines": "Open communication lines between customers and contact staff",
    "shop_competition": "Shop your competition",
    "keep_innovating": "Keep innovating customer service",
    "genuine_service": "Promote genuine customer service with a passion",
}

_STRATEGY_LOOKS_FOR: dict[str, str] = {
    "right_mindset": "service goals before, during and after the sale; service seen as an "
    "investment that pays back over time",
    "crm_software": "one customer database with contacts, history and interactions, used by "
    "sales, marketing and service",
    "acquisition_retention_costs": "known cost to win and to keep a customer, compared with "
    "customer lifetime value",
    "service_training": "regular training in listening, conflict resolution, anticipating "
    "needs and empathy, for all staff",
    "empowered_sales": "front-line staff informed of goals and customer history and allowed "
    "to decide for the customer",
    "communication_lines": "easy channels from customers to contact staff and back, with "
    "answers that reach the people who can act",
    "shop_competition": "regular, systematic comparison with competitors' service, and good "
    "practices adopted",
    "keep_innovating": "a steady stream of service improvements, tested and kept or dropped",
    "genuine_service": "sincere, consistent courtesy and care that customers notice",
}

#: The maturity scale used to rate evidence (0-4), after the Capability Maturity Model.
MATURITY_LEVELS: dict[int, str] = {
    0: "absent",  # no evidence that the practice exists
    1: "ad hoc",  # happens now and then, depends on individuals
    2: "defined",  # written down and done regularly
    3: "managed",  # measured with a number and reviewed
    4: "leading",  # measured, improved continuously, compared with competitors
}

_MATURITY_MEANING = {
    0: "no evidence that the practice exists",
    1: "happens now and then, depends on individuals",
    2: "written down and done regularly",
    3: "measured with a number and reviewed",
    4: "measured, improved continuously and compared with competitors",
}


def nine_strategies() -> pd.DataFrame:
    """The nine CRM strategies of the course notes, with what evidence of each looks like.

    Returns
    -------
    pandas.DataFrame
        Index ``strategy`` (the keys of :data:`STRATEGIES`, in the notes' order), columns
        ``number`` (1-9), ``name`` and ``looks_for`` (what a strong practice shows).

    Notes
    -----
    The strategies are those of the course notes on customer-driven marketing (source 001);
    the ``looks_for`` descriptions are this course's reading of them.
    """
    keys = list(STRATEGIES)
    return pd.DataFrame(
        {
            "number": np.arange(1, len(keys) + 1),
            "name": [STRATEGIES[k] for k in keys],
            "looks_for": [_STRATEGY_LOOKS_FOR[k] for k in keys],
        },
        index=pd.Index(keys, name="strategy"),
    )


def maturity_level(score: float) -> str:
    """The name of the maturity level a score has reached (0-4 scale).

    A score has reached level ``k`` when it is at least ``k``: 2.5 is "defined", not yet
    "managed".

    Parameters
    ----------
    score : float
        A maturity score in [0, 4].

    Examples
    --------
    >>> maturity_level(2.5)
    'defined'
    """
    value = check_number("score", score, minimum=0, maximum=max(MATURITY_LEVELS))
    return MATURITY_LEVELS[int(np.floor(value + 1e-9))]


def _strategy_keys(name: str, values: pd.Series) -> None:
    unknown = sorted(set(values.astype(str)) - set(STRATEGIES))
    if unknown:
        raise ValueError(
            f"{name} names unknown strategies {unknown}; the nine strategies are {list(STRATEGIES)}"
        )


def scorecard(evidence: pd.DataFrame, *, target: float = 3.0) -> pd.DataFrame:
    """Rate a company on the nine CRM strategies from an evidence sheet.

    Each row of ``evidence`` is one observation about one strategy (a policy seen, a
    number tracked, a practice missing) with a rating on the 0-4 maturity scale of
    :data:`MATURITY_LEVELS`. A strategy's score is the weighted mean rating of its
    evidence::

        score_s = sum_i w_i x_i / sum_i w_i      over the evidence i about strategy s

    with ``w_i`` the optional ``weight`` column (1 when absent). **No evidence, no
    credit**: a strategy without any evidence scores 0 and is flagged in
    ``evidence_items`` = 0, as an auditor would treat an undocumented practice.

    Parameters
    ----------
    evidence : pandas.DataFrame
        Columns ``strategy`` (keys of :data:`STRATEGIES`) and ``rating`` (0-4); optional
        ``weight`` (> 0, how much this observation counts) and ``evidence`` (the note).
    target : float
        The level the company aims for (default 3, "managed"), in [0, 4].

    Returns
    -------
    pandas.DataFrame
        Index ``strategy`` in the notes' order; columns ``number``, ``name``,
        ``evidence_items``, ``score`` (0-4), ``level`` (its name), ``gap`` (target minus
        score, 0 when the target is met) and ``weakest`` (True for the lowest score(s)).

    Raises
    ------
    ValueError
        For unknown strategy keys (named in the message), ratings outside 0-4 or missing,
        or weights that are not positive.

    Examples
    --------
    >>> sheet = pd.DataFrame({"strategy": ["crm_software", "crm_software"], "rating": [1, 3]})
    >>> card = scorecard(sheet)
    >>> float(card.loc["crm_software", "score"]), card.loc["crm_software", "level"]
    (2.0, 'defined')
    >>> float(card.loc["shop_competition", "score"])   # no evidence, no credit
    0.0
    """
    check_columns("evidence", evidence, ["strategy", "rating"])
    check_nonempty("evidence", evidence)
    goal = check_number("target", target, minimum=0, maximum=max(MATURITY_LEVELS))
    _strategy_keys("evidence['strategy']", evidence["strategy"])
    rating = pd.to_numeric(evidence["rating"], errors="coerce")
    bad = evidence.loc[rating.isna() | (rating < 0) | (rating > max(MATURITY_LEVELS)), "rating"]
    if not bad.empty:
        raise ValueError(
            f"evidence['rating'] must be numbers from 0 to {max(MATURITY_LEVELS)} "
            f"({MATURITY_LEVELS}); got {bad.tolist()[:5]}"
        )
    if "weight" in evidence.columns:
        weight = pd.to_numeric(evidence["weight"], errors="coerce")
        if weight.isna().any() or (weight <= 0).any() or not np.isfinite(weight).all():
            raise ValueError(
                "evidence['weight'] must hold positive numbers, got "
                f"{evidence['weight'][weight.isna() | ~(weight > 0)].tolist()[:5]}"
            )
    else:
        weight = pd.Series(1.0, index=evidence.index)
    frame = pd.DataFrame(
        {"strategy": evidence["strategy"].astype(str), "w": weight, "wx": weight * rating}
    )
    sums = frame.groupby("strategy")[["w", "wx"]].sum().reindex(list(STRATEGIES), fill_value=0)
    counts = frame.groupby("strategy").size().reindex(list(STRATEGIES), fill_value=0)
    score = (sums["wx"] / sums["w"].where(sums["w"] > 0, 1.0)).astype(float)
    card = nine_strategies()[["number", "name"]].copy()
    card["evidence_items"] = counts.astype(int)
    card["score"] = score
    card["level"] = [maturity_level(s) for s in score]
    card["gap"] = np.clip(goal - score, 0.0, None)
    card["weakest"] = np.isclose(score, score.min())
    card.attrs["target"] = goal
    return card


def maturity_profile(card: pd.DataFrame) -> pd.Series:
    """The overall profile of a :func:`scorecard`.

    Returns
    -------
    pandas.Series
        ``overall`` (mean score of the nine strategies, 0-4), ``overall_level``,
        ``weakest_score`` (the minimum: a chain is as strong as its weakest link),
        ``strongest_score``, ``spread`` (strongest minus weakest), ``at_target`` (number of
        strategies with no gap) and ``target``.
    """
    check_columns("card", card, ["score", "gap"])
    check_nonempty("card", card)
    score = card["score"].astype(float)
    overall = float(score.mean())
    return pd.Series(
        {
            "overall": overall,
            "overall_level": maturity_level(overall),
            "weakest_score": float(score.min()),
            "strongest_score": float(score.max()),
            "spread": float(score.max() - score.min()),
            "at_target": int((card["gap"] <= 1e-9).sum()),
            "target": float(card.attrs.get("target", np.nan)),
        },
        name="profile",
    )


def weakest_links(card: pd.DataFrame, n: int = 3) -> list[str]:
    """The strategies with the lowest scores: the ``n`` lowest, and any tied with the last.

    Parameters
    ----------
    card : pandas.DataFrame
        A :func:`scorecard`.
    n : int
        How many to return at least (>= 1); ties with the ``n``-th lowest score are kept,
        so the list may be longer.

    Returns
    -------
    list of str
        Strategy keys, lowest score first (ties in the notes' order).
    """
    check_columns("card", card, ["score"])
    k = check_integer("n", n, minimum=1)
    ordered = card["score"].astype(float).sort_values(kind="stable")
    cut = ordered.iloc[min(k, len(ordered)) - 1]
    return ordered.index[ordered <= cut + 1e-9].tolist()


def scorecard_chart(card: pd.DataFrame, *, company: str = "") -> alt.LayerChart:
    """Horizontal bars of the nine strategy scores, with the target as a dashed line.

    The weakest links are drawn in vermillion, the others in blue.
    """
    check_columns("card", card, ["number", "name", "score", "level", "evidence_items", "weakest"])
    target = float(card.attrs.get("target", 3.0))
    data = card.reset_index().assign(
        label=lambda f: f["number"].astype(str) + ". " + f["name"],
        status=lambda f: np.where(f["weakest"], "weakest link", "other"),
        target=target,
    )
    order = data.sort_values("number")["label"].tolist()
    title = f"CRM maturity on the nine strategies{': ' + company if company else ''}"
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "score:Q",
                title="Maturity score (0 absent - 4 leading)",
                scale=alt.Scale(domain=[0, max(MATURITY_LEVELS)]),
            ),
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=420)),
            color=alt.Color(
                "status:N",
                title="",
                scale=alt.Scale(domain=["weakest link", "other"], range=["#D55E00", "#0072B2"]),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Strategy"),
                alt.Tooltip("score:Q", title="Score (0-4)", format=".2f"),
                alt.Tooltip("level:N", title="Level reached"),
                alt.Tooltip("evidence_items:Q", title="Evidence items"),
            ],
        )
    )
    rule = (
        alt.Chart(data.head(1))
        .mark_rule(strokeDash=[6, 4], color="#000000", size=2)
        .encode(x="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target level")])
    )
    return (bars + rule).properties(title=title, width=420, height=300)


# --- the Cedar Lane evidence sheet ----------------------------------------------------

_CEDAR_LANE_EVIDENCE: tuple[tuple[str, str, int], ...] = (
    # strategy, evidence (what the review found), rating 0-4
    (
        "right_mindset",
        "Service targets (queue time, returns handled) are part of every store manager's "
        "quarterly review",
        3,
    ),
    (
        "right_mindset",
        "Service is planned before, during and after the sale: returns policy, feedback "
        "cards, delivery follow-up",
        2,
    ),
    (
        "crm_software",
        "The Shopper's Club (since March 2022) records members' names, birthdays, contacts "
        "and purchases",
        3,
    ),
    (
        "crm_software",
        "Contact-centre contacts are logged in a CRM since January 2023, but stores cannot "
        "see them and they are not linked to club records",
        2,
    ),
    (
        "acquisition_retention_costs",
        "The cost of signing up a club member is known from the launch campaign",
        2,
    ),
    (
        "acquisition_retention_costs",
        "Spending on keeping customers (points, member offers, recovery vouchers) is not "
        "tracked per customer; no customer lifetime value estimate exists",
        1,
    ),
    (
        "service_training",
        "New cashiers get a one-day induction on tills and procedures, with nothing on "
        "listening or handling conflict",
        1,
    ),
    (
        "service_training",
        "Contact-centre agents get no refresher training after their first month",
        1,
    ),
    (
        "empowered_sales",
        "Store supervisors may approve refunds up to Php 1,000 without asking a manager",
        2,
    ),
    (
        "empowered_sales",
        "Counter staff cannot see a member's purchase history or open complaints",
        1,
    ),
    (
        "communication_lines",
        "Customers can reach a contact centre by phone, e-mail and chat; its staffing plan "
        "does not follow the Monday-morning and evening peaks",
        2,
    ),
    (
        "communication_lines",
        "Complaints are answered by the contact centre, but store teams never hear about "
        "the ones that concern them",
        1,
    ),
    (
        "shop_competition",
        "Prices of 200 staple items are checked at Pinewood Mart every month and reviewed "
        "by the buying team",
        3,
    ),
    (
        "shop_competition",
        "Service (queues, delivery, returns) is compared with Pinewood Mart only in the "
        "yearly customer survey",
        2,
    ),
    (
        "keep_innovating",
        "An online shop with home delivery was added, and club offers are tested in two "
        "stores before a roll-out",
        3,
    ),
    (
        "keep_innovating",
        "A courier change in April 2024 made deliveries less reliable, which was noticed "
        "only in the next survey",
        1,
    ),
    (
        "genuine_service",
        "Mystery-shopper visits find a greeting, help and thanks in four of the five stores",
        3,
    ),
    (
        "genuine_service",
        "Staff courtesy is reported in the survey each year and discussed in store meetings",
        3,
    ),
)


def cedar_lane_evidence() -> pd.DataFrame:
    """Cedar Lane Market's CRM evidence sheet: what a one-day review found (hand-authored).

    Cedar Lane is the course's grocery retailer (B2C) with five stores, an online shop and
    a loyalty programme, the Shopper's Club. The sheet holds two observations per
    strategy, each rated on the 0-4 maturity scale. It is teaching material written for
    the course, consistent with the facts of the synthetic Cedar Lane world.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``evidence`` and ``rating``.
    """
    return pd.DataFrame(_CEDAR_LANE_EVIDENCE, columns=["strategy", "evidence", "rating"])


_HARBOR_SPA_EVIDENCE: tuple[tuple[str, str, int], ...] = (
    # one observation per strategy, each written to match one level of MATURITY_LEVELS
    (
        "right_mindset",
        "Service goals (rebooking rate, complaints per 100 visits) are set for each "
        "therapist and reviewed at the monthly staff meeting",
        3,
    ),
    (
        "crm_software",
        "Member details live in an appointment book and a spreadsheet that the front desk "
        "updates when it has time",
        1,
    ),
    (
        "acquisition_retention_costs",
        "Nobody knows what it costs to win a new member or to keep one",
        0,
    ),
    (
        "service_training",
        "Every new therapist follows a written two-week programme on greeting, listening "
        "and handling complaints; whether it works is never checked",
        2,
    ),
    (
        "empowered_sales",
        "Whether a front-desk clerk may offer a free session to an unhappy member depends "
        "on which manager is on duty",
        1,
    ),
    (
        "communication_lines",
        "Members can reach the spa by phone, e-mail and a suggestion box, and the written "
        "policy that every message is answered within two days is followed",
        2,
    ),
    (
        "shop_competition",
        "Each quarter the manager books treatments at three rival spas, scores them on a "
        "checklist against Harbor's own scores, and adopts what works",
        4,
    ),
    (
        "keep_innovating",
        "New services (couples' packages, online booking) are tried every year, and their "
        "take-up is counted and reviewed",
        3,
    ),
    (
        "genuine_service",
        "A monthly member survey rates courtesy and warmth, and the results are discussed "
        "with the staff",
        3,
    ),
)


def harbor_spa_evidence() -> pd.DataFrame:
    """Harbor Spa's CRM evidence sheet: one observation per strategy (hand-authored).

    Harbor Spa is the course's membership business (a day spa). Each observation is
    written so that it matches one level of :data:`MATURITY_LEVELS`; the ``rating``
    column is the model rating used by the exercises of lesson 08.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``evidence`` and ``rating``.
    """
    return pd.DataFrame(_HARBOR_SPA_EVIDENCE, columns=["strategy", "evidence", "rating"])


# =======================================================================================
# 2. Weighted selection of CRM software
# =======================================================================================

#: The software selection criteria of the course notes (source 002): key -> label.
SELECTION_CRITERIA: dict[str, str] = {
    "features_integration": "Features and integration",
    "contact_information": "Contact information",
    "sales_marketing_tools": "Sales and marketing tools",
    "ease_of_use": "Ease of use",
    "help_support": "Help and support",
}

#: The scale of the vendor scores in the course data: 1 (poor) to 5 (excellent).
SCORE_SCALE = (1.0, 5.0)


class WeightsNormalisedWarning(UserWarning):
    """Weights that did not sum to one were divided by their sum."""


def _as_weights(weights: Any) -> pd.Series:
    if isinstance(weights, pd.Series):
        series = weights.copy()
    elif isinstance(weights, Mapping):
        series = pd.Series(dict(weights), dtype=object)
    else:
        raise TypeError(
            "weights must be a dict or pandas Series of criterion -> weight, got "
            f"{type(weights).__name__} {weights!r}"
        )
    if series.empty:
        raise ValueError("weights is empty: give at least one criterion and its weight")
    series.index = series.index.map(str)
    if series.index.has_duplicates:
        raise ValueError(
            f"weights names a criterion twice: {series.index[series.index.duplicated()].tolist()}"
        )
    values = {}
    for criterion, value in series.items():
        values[criterion] = check_number(f"weights[{criterion!r}]", value)
    out = pd.Series(values, dtype=float, name="weight")
    negative = out[out < 0]
    if not negative.empty:
        raise ValueError(
            f"weights must not be negative; got {negative.to_dict()}. A criterion that "
            "should not count gets weight 0"
        )
    if out.sum() <= 0:
        raise ValueError(f"weights are all zero ({out.to_dict()}): at least one must be > 0")
    return out


def normalise_weights(
    weights: Mapping[str, float] | pd.Series,
    criteria: Iterable[str] | None = None,
    *,
    warn: bool = True,
) -> pd.Series:
    """Check weights and scale them to sum to one.

    Formula: ``w'_j = w_j / sum_k w_k``. Weights may be given as shares (0.30), as
    percentages (30) or as importance points (3 of 10); only their ratios matter. When
    they do not already sum to one, the result carries a note in ``.attrs["note"]`` and,
    with ``warn=True``, a :class:`WeightsNormalisedWarning` says what was done.

    Parameters
    ----------
    weights : dict or pandas.Series
        Criterion -> weight, each >= 0 and at least one > 0.
    criteria : iterable of str, optional
        The criteria the weights must cover (e.g. the columns of a vendor score table).
        Weights for criteria not in this list, and criteria without a weight, are errors
        that name them.
    warn : bool
        Issue a warning when the weights are rescaled (default True).

    Returns
    -------
    pandas.Series
        Weights summing to one, named ``weight``, in the order of ``criteria`` when given.

    Raises
    ------
    ValueError
        For negative weights, all-zero weights, or criteria that do not match.

    Examples
    --------
    >>> normalise_weights({"price": 30, "support": 10}, warn=False).tolist()
    [0.75, 0.25]
    """
    w = _as_weights(weights)
    if criteria is not None:
        wanted = [str(c) for c in criteria]
        unknown = [c for c in w.index if c not in wanted]
        if unknown:
            raise ValueError(f"weights name unknown criteria {unknown}; the criteria are {wanted}")
        missing = [c for c in wanted if c not in w.index]
        if missing:
            raise ValueError(
                f"weights are missing for criteria {missing}; give them a weight "
                "(0 to leave a criterion out)"
            )
        w = w[wanted]
    total = float(w.sum())
    out = (w / total).rename("weight")
    if abs(total - 1.0) > 1e-9:
        note = (
            f"the weights summed to {total:g}, not 1; each was divided by {total:g} "
            f"(now {', '.join(f'{k} {v:.3f}' for k, v in out.items())})"
        )
        out.attrs["note"] = note
        if warn:
            warnings.warn(note, WeightsNormalisedWarning, stacklevel=2)
    return out


def _as_scores(scores: Any, scale: tuple[float, float] | None) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(
            "scores must be a pandas DataFrame (one row per option, one column per "
            f"criterion), got {type(scores).__name__}"
        )
    check_nonempty("scores", scores)
    if scores.shape[1] == 0:
        raise ValueError("scores has no criteria columns")
    if scores.index.has_duplicates:
        raise ValueError(f"scores has duplicate options: {scores.index[scores.index.duplicated()]}")
    columns = [str(c) for c in scores.columns]
    numeric = all(
        pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
        for t in scores.dtypes
    )
    values = scores.to_numpy(dtype=float) if numeric else None
    if values is None or not np.isfinite(values).all():
        for original, column in zip(scores.columns, columns, strict=True):
            col = pd.to_numeric(scores[original], errors="coerce")
            if col.isna().any() or not np.isfinite(col.to_numpy(dtype=float)).all():
                raise ValueError(
                    f"scores[{column!r}] must hold finite numbers for every option; "
                    f"got {scores[original].tolist()}"
                )
        values = scores.apply(pd.to_numeric).to_numpy(dtype=float)
    frame = pd.DataFrame(values, index=scores.index.map(str), columns=columns)
    if scale is not None:
        low, high = scale
        outside = (values < low) | (values > high)
        if outside.any():
            where = frame[outside].stack().to_dict()
            raise ValueError(
                f"scores must lie on the scale {low:g}-{high:g}; outside it: {where} "
                "(pass scale=None to skip this check)"
            )
    return frame


def weighted_scores(
    scores: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series,
    *,
    scale: tuple[float, float] | None = SCORE_SCALE,
) -> pd.DataFrame:
    """Weighted-sum scores and ranking of the options (the weighted sum model).

    Formula: ``S_a = sum_j w_j s_aj`` with the weights normalised to sum to one
    (:func:`normalise_weights`), so ``S_a`` is on the same scale as the scores.
    Rank 1 is the best total; equal totals share the better rank.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per option (vendor), one column per criterion; finite numbers on
        ``scale``.
    weights : dict or pandas.Series
        Criterion -> weight (>= 0). Every column of ``scores`` needs a weight and every
        weight a column. Weights not summing to one are normalised with a note.
    scale : (float, float) or None
        Allowed range of the scores (default 1-5); None skips the check.

    Returns
    -------
    pandas.DataFrame
        Index ``option``, sorted best first. One column per criterion holding its
        contribution ``w_j s_aj``, then ``total`` and ``rank``. ``.attrs["weights"]`` holds
        the normalised weights and ``.attrs["note"]`` the normalisation note, if any.

    Examples
    --------
    A hand-worked case: A scores (4, 2), B scores (2, 5) on criteria X and Y, weights
    0.7 and 0.3. A: 0.7 x 4 + 0.3 x 2 = 3.4; B: 0.7 x 2 + 0.3 x 5 = 2.9.

    >>> s = pd.DataFrame({"X": [4, 2], "Y": [2, 5]}, index=["A", "B"])
    >>> weighted_scores(s, {"X": 0.7, "Y": 0.3})["total"].round(6).to_dict()
    {'A': 3.4, 'B': 2.9}
    """
    frame = _as_scores(scores, scale)
    w = normalise_weights(weights, frame.columns, warn=False)
    if "note" in w.attrs:
        warnings.warn(w.attrs["note"], WeightsNormalisedWarning, stacklevel=2)
    contributions = frame * w.to_numpy()[None, :]
    total = contributions.sum(axis=1)
    out = contributions.assign(
        total=total, rank=total.rank(ascending=False, method="min").astype(int)
    )
    out.index.name = "option"
    out = out.sort_values(["rank"], kind="stable")
    out.attrs["weights"] = w.to_dict()
    if "note" in w.attrs:
        out.attrs["note"] = w.attrs["note"]
    return out


def _lines(frame: pd.DataFrame, w: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Slope and intercept of every option's total as the weight of criterion j moves.

    With the other weights rescaled in proportion, ``S_a(t) = t s_aj + (1 - t) R_a``,
    where ``R_a`` is the option's weighted mean on the other criteria.
    """
    s = frame.to_numpy(dtype=float)
    others = np.delete(np.arange(s.shape[1]), j)
    rest = w[others]
    if rest.sum() <= 1e-12:  # nothing to rescale in proportion: share the weight equally
        rest = np.ones_like(rest)
    rest = rest / rest.sum()
    r = s[:, others] @ rest
    return s[:, j], r


def weight_sweep(
    scores: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series,
    criterion: str,
    *,
    points: int = 21,
    scale: tuple[float, float] | None = SCORE_SCALE,
) -> pd.DataFrame:
    """Every option's total as one criterion's weight runs from 0 to 1.

    The other weights keep their proportions: ``w_k(t) = w_k (1 - t) / (1 - w_j)``, so
    each option's total is the straight line ``S_a(t) = t s_aj + (1 - t) R_a`` with
    ``R_a`` its weighted mean score on the other criteria (Triantaphyllou & Sánchez,
    1997). If every other weight is 0, the freed weight is shared equally among them.

    Parameters
    ----------
    scores, weights, scale
        As in :func:`weighted_scores`.
    criterion : str
        The criterion whose weight moves.
    points : int
        Number of weights from 0 to 1 (>= 2).

    Returns
    -------
    pandas.DataFrame
        Tidy columns ``weight``, ``option`` and ``total``.
    """
    frame = _as_scores(scores, scale)
    w = normalise_weights(weights, frame.columns, warn=False).to_numpy()
    j = _criterion_index(frame, criterion)
    n = check_integer("points", points, minimum=2)
    slope_s, rest = _lines(frame, w, j)
    t = np.linspace(0.0, 1.0, n)
    totals = t[:, None] * slope_s[None, :] + (1.0 - t[:, None]) * rest[None, :]
    return pd.DataFrame(
        {
            "weight": np.repeat(t, len(frame)),
            "option": np.tile(frame.index.to_numpy(), n),
            "total": totals.reshape(-1),
        }
    )


def _criterion_index(frame: pd.DataFrame, criterion: Any) -> int:
    if not isinstance(criterion, str) or criterion not in frame.columns:
        raise ValueError(
            f"criterion must be one of the score columns {list(frame.columns)}, got {criterion!r}"
        )
    return int(frame.columns.get_loc(criterion))


def flip_points(
    scores: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series,
    *,
    scale: tuple[float, float] | None = SCORE_SCALE,
    criteria: Sequence[str] | None = None,
) -> pd.DataFrame:
    """How far each criterion's weight can move before another option catches the winner.

    For criterion ``j`` the weight ``t`` runs from 0 to 1 with the other weights rescaled
    in proportion (see :func:`weight_sweep`), so totals are straight lines in ``t``. The
    current winner ``a`` and a rival ``b`` are level where

    ``t* = (R_b - R_a) / ((R_b - R_a) - (s_bj - s_aj))``

    (``R`` the weighted mean score on the other criteria, ``s_j`` the score on ``j``).
    The flip point above the current weight is the smallest such ``t*`` above it among
    the rivals gaining on the winner as ``t`` grows; below, the largest ``t*`` below it
    among those gaining as ``t`` falls. At the flip point the rival draws level; past it,
    the rival leads.

    Parameters
    ----------
    scores, weights, scale
        As in :func:`weighted_scores`.
    criteria : sequence of str, optional
        Only these criteria (score columns), in this order; all of them by default. A
        widget that shows one criterion needs only its row.

    Returns
    -------
    pandas.DataFrame
        Index ``criterion``; columns ``weight`` (current, normalised), ``winner``,
        ``flip_down`` and ``rival_down`` (the weight below the current one at which the
        winner is caught, and by whom), ``flip_up`` and ``rival_up`` (the same above) and
        ``distance`` (the smallest change of this weight that changes the winner). A flip
        that does not happen anywhere in [0, 1] is NaN with a missing rival; ``distance`` is
        NaN when the winner holds for every weight of that criterion.

    Examples
    --------
    The hand-worked case of :func:`weighted_scores`: A wins with X weighted 0.7. Lower
    X's weight to t: A = 4t + 2(1 - t), B = 2t + 5(1 - t), level at t = 0.6.

    >>> s = pd.DataFrame({"X": [4, 2], "Y": [2, 5]}, index=["A", "B"])
    >>> flips = flip_points(s, {"X": 0.7, "Y": 0.3})
    >>> float(round(flips.loc["X", "flip_down"], 6)), flips.loc["X", "rival_down"]
    (0.6, 'B')
    """
    frame = _as_scores(scores, scale)
    w = normalise_weights(weights, frame.columns, warn=False).to_numpy()
    options = frame.index.to_numpy()
    totals = frame.to_numpy() @ w
    a = int(np.argmax(totals))
    if criteria is None:
        wanted = list(range(len(frame.columns)))
    elif isinstance(criteria, str):
        raise TypeError(f"criteria must be a list of score columns, got the string {criteria!r}")
    else:
        wanted = [_criterion_index(frame, c) for c in criteria]
    rows = []
    for j in wanted:
        criterion = frame.columns[j]
        s_j, rest = _lines(frame, w, j)
        d_rest = rest - rest[a]  # rival minus winner at t = 0
        d_s = s_j - s_j[a]  # rival minus winner at t = 1
        slope = d_s - d_rest  # g(t) = d_rest + slope * t
        with np.errstate(divide="ignore", invalid="ignore"):
            root = np.where(np.abs(slope) > 1e-12, -d_rest / slope, np.nan)
        eps = 1e-12
        rivals = np.arange(len(options)) != a
        up = rivals & (slope > eps) & (root >= w[j] - eps) & (root <= 1.0 + eps)
        down = rivals & (slope < -eps) & (root <= w[j] + eps) & (root >= -eps)
        flip_up = float(root[up].min()) if up.any() else np.nan
        flip_down = float(root[down].max()) if down.any() else np.nan
        # several rivals may draw level at the same weight: the one that leads just past
        # it is the one gaining fastest (steepest slope in that direction)
        at_up = up & (np.abs(root - flip_up) <= 1e-9)
        at_down = down & (np.abs(root - flip_down) <= 1e-9)
        rival_up = options[at_up][np.argmax(slope[at_up])] if up.any() else None
        rival_down = options[at_down][np.argmin(slope[at_down])] if down.any() else None
        gaps = [abs(x - w[j]) for x in (flip_up, flip_down) if not np.isnan(x)]
        rows.append(
            {
                "criterion": criterion,
                "weight": float(w[j]),
                "winner": options[a],
                "flip_down": float(np.clip(flip_down, 0.0, 1.0)),
                "rival_down": rival_down,
                "flip_up": float(np.clip(flip_up, 0.0, 1.0)),
                "rival_up": rival_up,
                "distance": min(gaps) if gaps else np.nan,
            }
        )
    return pd.DataFrame(rows).set_index("criterion")


@dataclass(frozen=True)
class RankStability:
    """How a ranking holds up when every weight is perturbed at random.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per option: ``current_rank``, ``mean_rank``, ``first`` (share of draws in
        which it ranks first) and ``rank_1`` ... ``rank_n`` (share of draws at each rank).
    same_winner : float
        Share of draws in which the current winner still ranks first.
    same_ranking : float
        Share of draws in which the whole ranking is unchanged.
    draws : int
        Number of random weight vectors.
    spread : float
        Each weight was multiplied by a random factor in [1 - spread, 1 + spread].
    """

    table: pd.DataFrame
    same_winner: float
    same_ranking: float
    draws: int
    spread: float


def rank_stability(
    scores: pd.DataFrame,
    weights: Mapping[str, float] | pd.Series,
    *,
    spread: float = 0.25,
    draws: int = 5_000,
    seed: int = 0,
    scale: tuple[float, float] | None = SCORE_SCALE,
) -> RankStability:
    """Rank stability under random weight perturbations (a Monte Carlo sensitivity test).

    Each draw multiplies every weight by an independent factor ``U ~ Uniform(1 - spread,
    1 + spread)`` and rescales the weights to sum to one; the options are ranked by their
    weighted totals under those weights (Butler, Jia & Dyer, 1997). Criteria with weight 0
    stay at 0. All draws are computed at once: a ``draws x criteria`` weight matrix times
    the ``criteria x options`` score matrix.

    Parameters
    ----------
    scores, weights, scale
        As in :func:`weighted_scores`.
    spread : float
        Relative size of the perturbation, in [0, 1): 0.25 lets each weight move up to
        25 % of its value either way.
    draws : int
        Number of random weight vectors (>= 1).
    seed : int
        Seed of the random generator (the same seed gives the same answer).

    Returns
    -------
    RankStability
        The rank shares per option and the overall stability figures.
    """
    frame = _as_scores(scores, scale)
    w = normalise_weights(weights, frame.columns, warn=False).to_numpy()
    s = check_fraction("spread", spread)
    n = check_integer("draws", draws, minimum=1)
    rng = np.random.default_rng(check_integer("seed", seed, minimum=0))
    factors = rng.uniform(1.0 - s, 1.0 + s, size=(n, len(w)))
    perturbed = w[None, :] * factors
    perturbed /= perturbed.sum(axis=1, keepdims=True)
    totals = perturbed @ frame.to_numpy(dtype=float).T  # draws x options
    # rank 1 = highest total; exact ties (probability 0 unless options are identical)
    # are broken by the order of the options.
    order = np.argsort(-totals, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(n)[:, None]
    ranks[rows, order] = np.arange(1, len(frame) + 1)[None, :]
    current_totals = frame.to_numpy() @ w
    current = np.argsort(np.argsort(-current_totals, kind="stable"), kind="stable") + 1
    k = len(frame)
    shares = (ranks[:, :, None] == np.arange(1, k + 1)[None, None, :]).mean(axis=0)
    table = pd.DataFrame(
        shares,
        index=pd.Index(frame.index, name="option"),
        columns=[f"rank_{i + 1}" for i in range(k)],
    )
    table.insert(0, "first", shares[:, 0])
    table.insert(0, "mean_rank", ranks.mean(axis=0))
    table.insert(0, "current_rank", current)
    table = table.sort_values("current_rank", kind="stable")
    winner = int(np.argmin(current))
    return RankStability(
        table=table,
        same_winner=float((ranks[:, winner] == 1).mean()),
        same_ranking=float((ranks == current[None, :]).all(axis=1).mean()),
        draws=n,
        spread=s,
    )


# --- charts of the selection model ----------------------------------------------------


def _criterion_label(key: str) -> str:
    return SELECTION_CRITERIA.get(key, key.replace("_", " "))


def selection_chart(result: pd.DataFrame, *, title: str = "Weighted scores") -> alt.Chart:
    """Stacked bars: each option's weighted total, split into criterion contributions.

    Parameters
    ----------
    result : pandas.DataFrame
        The output of :func:`weighted_scores`.
    """
    check_columns("result", result, ["total", "rank"])
    criteria = [c for c in result.columns if c not in ("total", "rank")]
    long = (
        result[criteria]
        .rename_axis("option")
        .reset_index()
        .melt(id_vars="option", var_name="criterion", value_name="contribution")
    )
    long["position"] = long["criterion"].map({c: i for i, c in enumerate(criteria)})
    long["criterion"] = long["criterion"].map(_criterion_label)
    long = long.merge(result[["total", "rank"]].reset_index(), on="option")
    return (
        alt.Chart(long, title=title)
        .mark_bar()
        .encode(
            x=alt.X("contribution:Q", title="Weighted score (scale of the scores)", stack=True),
            y=alt.Y("option:N", title=None, sort=result.index.tolist()),
            color=alt.Color(
                "criterion:N", title="Criterion", sort=[_criterion_label(c) for c in criteria]
            ),
            order=alt.Order("position:Q"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("criterion:N", title="Criterion"),
                alt.Tooltip("contribution:Q", title="Contribution", format=".2f"),
                alt.Tooltip("total:Q", title="Total", format=".2f"),
                alt.Tooltip("rank:Q", title="Rank"),
            ],
        )
        .properties(width=420, height=40 * len(result) + 20)
    )


def sweep_datasets(
    sweep: pd.DataFrame, flips: pd.DataFrame, criterion: str
) -> dict[str, list[dict[str, Any]]]:
    """The two named datasets behind :func:`sweep_chart` (records, ready for Vega-Lite).

    ``"sweep"``: the lines (``weight``, ``option``, ``total``). ``"marks"``: the current
    weight and the flip points of ``criterion``, each with ``kind`` ("current weight" or
    "flip point") and ``what`` (who draws level with whom). A widget can rebuild these
    and leave the chart's specification alone.
    """
    check_columns("sweep", sweep, ["weight", "option", "total"])
    check_columns("flips", flips, ["weight", "winner", "flip_down", "flip_up"])
    if criterion not in flips.index:
        raise ValueError(f"criterion must be one of {list(flips.index)}, got {criterion!r}")
    row = flips.loc[criterion]
    marks = [{"weight": float(row["weight"]), "kind": "current weight", "what": "current weight"}]
    for side in ("down", "up"):
        if not np.isnan(row[f"flip_{side}"]):
            marks.append(
                {
                    "weight": float(row[f"flip_{side}"]),
                    "kind": "flip point",
                    "what": f"flip: {row[f'rival_{side}']} draws level with {row['winner']}",
                }
            )
    lines = sweep[["weight", "option", "total"]].astype({"option": str})
    return {"sweep": lines.to_dict(orient="records"), "marks": marks}


def sweep_chart(
    sweep: pd.DataFrame,
    flips: pd.DataFrame,
    criterion: str,
) -> alt.LayerChart:
    """Lines of every option's total against one criterion's weight, flip points marked.

    A solid rule marks the current weight; dashed rules mark the weights at which another
    option catches the winner (from :func:`flip_points`; who catches whom is in the
    tooltip). The data are named datasets (:func:`sweep_datasets`).

    Parameters
    ----------
    sweep : pandas.DataFrame
        :func:`weight_sweep` for ``criterion``.
    flips : pandas.DataFrame
        :func:`flip_points` of the same scores and weights (at least ``criterion``'s row).
    criterion : str
        The criterion of the sweep.
    """
    datasets = sweep_datasets(sweep, flips, criterion)
    label = _criterion_label(criterion)
    lines = (
        alt.Chart(alt.NamedData("sweep"))
        .mark_line()
        .encode(
            x=alt.X("weight:Q", title=f"Weight of {label.lower()}", axis=alt.Axis(format="%")),
            y=alt.Y("total:Q", title="Weighted total score", scale=alt.Scale(zero=False)),
            color=alt.Color("option:N", title="Option"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("weight:Q", title="Weight", format=".0%"),
                alt.Tooltip("total:Q", title="Total", format=".2f"),
            ],
        )
    )
    rules = (
        alt.Chart(alt.NamedData("marks"))
        .mark_rule(size=2)
        .encode(
            x="weight:Q",
            strokeDash=alt.StrokeDash(
                "kind:N",
                title="Marked",
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=480),
                scale=alt.Scale(domain=["current weight", "flip point"], range=[[1, 0], [6, 4]]),
            ),
            tooltip=[
                alt.Tooltip("what:N", title="Marker"),
                alt.Tooltip("weight:Q", title="Weight", format=".1%"),
            ],
        )
    )
    # one LayerChart built directly: `+` and `.properties` would each deep-copy the layers
    return alt.LayerChart(
        layer=[lines, rules],
        datasets=datasets,
        title=f"Who wins as the weight of {label.lower()} changes?",
        width=420,
        height=260,
    )


def rank_stability_chart(stability: RankStability) -> alt.Chart:
    """Stacked bars: the share of random weight draws in which each option takes each rank."""
    table = stability.table
    ranks = [c for c in table.columns if c.startswith("rank_")]
    long = (
        table[ranks]
        .reset_index()
        .melt(id_vars="option", var_name="rank", value_name="share")
        .assign(rank=lambda f: f["rank"].str.removeprefix("rank_").astype(int))
    )
    return (
        alt.Chart(
            long,
            title=f"Rank under {stability.draws:,} random weight sets (±{stability.spread:.0%})",
        )
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="Share of draws", axis=alt.Axis(format="%"), stack=True),
            y=alt.Y("option:N", title=None, sort=table.index.tolist()),
            color=alt.Color("rank:O", title="Rank", scale=alt.Scale(scheme="blues", reverse=True)),
            order=alt.Order("rank:O"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("rank:O", title="Rank"),
                alt.Tooltip("share:Q", title="Share of draws", format=".1%"),
            ],
        )
        .properties(width=420, height=40 * len(table) + 20)
    )


# --- Kestrel Supply's selection data (fictional vendors) ---------------------------------

_KESTREL_SCORES: dict[str, tuple[int, int, int, int, int]] = {
    # features_integration, contact_information, sales_marketing_tools, ease_of_use,
    # help_support (1 poor - 5 excellent)
    "Alder Relate": (5, 4, 5, 2, 2),
    "Banyan Desk": (3, 4, 4, 5, 4),
    "Coral Suite": (4, 5, 4, 3, 3),
    "Dunlin Connect": (2, 3, 3, 4, 5),
}

_KESTREL_WEIGHTS = {
    "features_integration": 0.30,
    "contact_information": 0.20,
    "sales_marketing_tools": 0.25,
    "ease_of_use": 0.15,
    "help_support": 0.10,
}


def kestrel_vendor_scores() -> pd.DataFrame:
    """Kestrel Supply's scores of four fictional CRM vendors on the five criteria (1-5).

    Kestrel Supply is the course's B2B distributor. Its selection team scored each
    shortlisted product from demonstrations, a trial and reference calls. The vendors are
    **fictional**: Alder Relate (powerful, hard to learn), Banyan Desk (simple and
    friendly), Coral Suite (strong on accounts and contacts) and Dunlin Connect (a small
    local vendor with excellent support).

    Returns
    -------
    pandas.DataFrame
        Index ``option`` (vendor), one column per key of :data:`SELECTION_CRITERIA`.
    """
    return pd.DataFrame.from_dict(
        _KESTREL_SCORES, orient="index", columns=list(SELECTION_CRITERIA)
    ).rename_axis("option")


def kestrel_weights() -> dict[str, float]:
    """The weights Kestrel's selection team agreed on (they sum to one)."""
    return dict(_KESTREL_WEIGHTS)


# =======================================================================================
# 3. Total cost of ownership, the value of a CRM, and the investment case
# =======================================================================================

_PRICE_COLUMNS = (
    "licence_per_user_month",
    "implementation",
    "data_migration",
    "training",
    "support_per_year",
)

_KESTREL_PRICES: dict[str, tuple[float, float, float, float, float, float]] = {
    # licence Php per user per month, implementation, data migration, training (one-off
    # Php), support and administration Php per year, share of the benefit delivered
    "Alder Relate": (4_500, 1_200_000, 300_000, 250_000, 200_000, 1.00),
    "Banyan Desk": (1_800, 350_000, 150_000, 80_000, 60_000, 0.90),
    "Coral Suite": (3_200, 800_000, 250_000, 150_000, 150_000, 1.00),
    "Dunlin Connect": (1_500, 500_000, 200_000, 100_000, 0, 0.85),
    "In-house build": (0, 4_500_000, 300_000, 200_000, 900_000, 0.80),
}


def kestrel_prices() -> pd.DataFrame:
    """Price sheet of the four fictional vendors and of building a CRM in-house (Php).

    Columns: ``licence_per_user_month`` (subscription, Php per named user per month),
    ``implementation``, ``data_migration`` and ``training`` (one-off, Php),
    ``support_per_year`` (support, administration or, for the in-house build,
    maintenance and hosting, Php per year) and ``benefit_share`` (the share of the full
    expected benefit the team thinks the option will deliver, for fit and adoption: the
    in-house build goes live later, the simpler products do less).

    The figures are fictional, written for the course.
    """
    return pd.DataFrame.from_dict(
        _KESTREL_PRICES, orient="index", columns=[*_PRICE_COLUMNS, "benefit_share"]
    ).rename_axis("option")


def total_cost_of_ownership(
    prices: pd.DataFrame,
    *,
    users: int,
    years: int = 3,
    discount_rate: float = 0.0,
) -> pd.DataFrame:
    """Total cost of ownership (TCO) of each option over a horizon.

    Formula, per option, with one-off costs ``C0`` paid at the start and yearly costs
    ``Y = 12 x users x licence + support`` paid at the start of each year::

        TCO = C0 + sum_{t=1..T} Y / (1 + d)**(t - 1)

    With ``d = 0`` (the default) this is the plain sum ``C0 + T x Y``; a TCO counts every
    cost of owning the system, not only its price (Ellram, 1995).

    Parameters
    ----------
    prices : pandas.DataFrame
        One row per option with columns ``licence_per_user_month``, ``implementation``,
        ``data_migration``, ``training`` and ``support_per_year`` (Php, >= 0).
    users : int
        Named users who need a licence (>= 1).
    years : int
        Horizon ``T`` in years (>= 1).
    discount_rate : float
        Yearly discount rate ``d`` in [0, 1); 0 gives the undiscounted TCO.

    Returns
    -------
    pandas.DataFrame
        Index ``option``; columns ``one_off``, ``yearly`` and ``tco`` (Php).

    Examples
    --------
    >>> p = pd.DataFrame({"licence_per_user_month": [1_000], "implementation": [50_000],
    ...     "data_migration": [0], "training": [10_000], "support_per_year": [8_000]},
    ...     index=["X"])
    >>> total_cost_of_ownership(p, users=10, years=3).loc["X"].tolist()
    [60000.0, 128000.0, 444000.0]
    """
    frame = _prices(prices)
    n_users = check_integer("users", users, minimum=1)
    horizon = check_integer("years", years, minimum=1)
    d = check_fraction("discount_rate", discount_rate)
    one_off = frame[["implementation", "data_migration", "training"]].sum(axis=1)
    yearly = 12 * n_users * frame["licence_per_user_month"] + frame["support_per_year"]
    annuity = float(np.sum(1.0 / (1.0 + d) ** np.arange(horizon)))
    out = pd.DataFrame({"one_off": one_off, "yearly": yearly, "tco": one_off + annuity * yearly})
    out.index.name = "option"
    return out.astype(float)


def _prices(prices: Any) -> pd.DataFrame:
    frame = check_columns("prices", prices, _PRICE_COLUMNS)
    check_nonempty("prices", frame)
    out = frame.copy()
    for column in [*_PRICE_COLUMNS, *(["benefit_share"] if "benefit_share" in out else [])]:
        values = pd.to_numeric(out[column], errors="coerce")
        if values.isna().any() or (values < 0).any() or not np.isfinite(values).all():
            raise ValueError(
                f"prices[{column!r}] must hold finite numbers >= 0, got {out[column].tolist()}"
            )
        out[column] = values.astype(float)
    if "benefit_share" in out and (out["benefit_share"] > 1).any():
        raise ValueError(
            f"prices['benefit_share'] must be in [0, 1], got {out['benefit_share'].tolist()}"
        )
    return out


def crm_value(
    *,
    accounts: float,
    margin_per_account: float,
    retention_before: float,
    retention_after: float,
    discount_rate: float,
    years: int,
    margin_uplift: float = 0.0,
) -> pd.DataFrame:
    """The discounted margin a CRM adds to today's customers, year by year.

    The value is the change in the customers' lifetime value over the horizon, computed
    with :func:`casekit.clv.clv_by_period` (margin at the end of each year, the first
    year certain: a customer of today is active this year)::

        added value = N x [CLV_T(m (1 + u), r1) - CLV_T(m, r0)]

    with ``N`` accounts, margin ``m`` per account per year, margin uplift ``u`` (more
    cross-selling, less cost to serve), retention ``r0`` before and ``r1`` after. Only
    today's customers are counted (new customers won with the CRM are left out), so the
    figure is on the cautious side.

    Parameters
    ----------
    accounts : float
        Number of customers (accounts) today, >= 0.
    margin_per_account : float
        Yearly margin of one account (Php per account per year).
    retention_before, retention_after : float
        Yearly retention without and with the CRM, each in [0, 1).
    discount_rate : float
        Yearly discount rate, in [0, 1).
    years : int
        Horizon ``T`` in years (>= 1).
    margin_uplift : float
        Relative rise of the margin per account with the CRM, in [0, 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``margin_before`` and ``margin_after`` (expected discounted
        margin of all accounts in that year, Php), ``added_value`` (their difference) and
        ``cumulative_added_value``. The last cumulative value equals
        ``N x [clv.clv(m (1+u), r1, d, horizon=T, first_period_retained=False) -
        clv.clv(m, r0, d, horizon=T, first_period_retained=False)]``.
    """
    n = check_number("accounts", accounts, minimum=0)
    m = check_number("margin_per_account", margin_per_account)
    r0 = check_fraction("retention_before", retention_before)
    r1 = check_fraction("retention_after", retention_after)
    d = check_fraction("discount_rate", discount_rate)
    horizon = check_integer("years", years, minimum=1)
    u = check_fraction("margin_uplift", margin_uplift)
    convention = {"horizon": horizon, "timing": "end", "first_period_retained": False}
    before = clv.clv_by_period(m, r0, d, **convention)
    after = clv.clv_by_period(m * (1.0 + u), r1, d, **convention)
    added = n * (after["discounted_margin"] - before["discounted_margin"])
    return pd.DataFrame(
        {
            "year": before["period"],
            "margin_before": n * before["discounted_margin"],
            "margin_after": n * after["discounted_margin"],
            "added_value": added,
            "cumulative_added_value": added.cumsum(),
        }
    )


def investment_case(
    prices: pd.DataFrame,
    value: pd.DataFrame,
    *,
    users: int,
    discount_rate: float,
) -> pd.DataFrame:
    """Discounted TCO, value, net value, ROI and payback year of each option.

    Per option, over the horizon of ``value`` (``T`` years)::

        TCO_d    = one-off + sum_t yearly / (1 + d)**(t - 1)
        value    = benefit share x cumulative added value (from :func:`crm_value`)
        net      = value - TCO_d
        ROI      = net / TCO_d

    The payback year is the first year ``t`` whose cumulative discounted value covers the
    one-off costs plus the discounted yearly costs of years 1 to ``t``.

    Parameters
    ----------
    prices : pandas.DataFrame
        As in :func:`total_cost_of_ownership`, optionally with ``benefit_share`` (0-1;
        1 when absent).
    value : pandas.DataFrame
        The output of :func:`crm_value` (its ``year`` and ``added_value`` columns); its
        discount rate should equal ``discount_rate``.
    users : int
        Named users (>= 1).
    discount_rate : float
        Yearly discount rate for the costs, in [0, 1).

    Returns
    -------
    pandas.DataFrame
        Index ``option``, sorted by ROI (best first); columns ``tco``, ``value``,
        ``net_value``, ``roi`` (a fraction: 0.25 is 25 %) and ``payback_year`` (nullable
        integer, missing when the option does not pay back within the horizon).

    Raises
    ------
    ValueError
        If an option's TCO over the horizon is 0 (its ROI would be undefined).
    """
    frame = _prices(prices)
    check_columns("value", value, ["year", "added_value"])
    check_nonempty("value", value)
    d = check_fraction("discount_rate", discount_rate)
    horizon = len(value)
    costs = total_cost_of_ownership(frame, users=users, years=horizon, discount_rate=d)
    share = frame["benefit_share"] if "benefit_share" in frame else pd.Series(1.0, frame.index)
    yearly_value = value["added_value"].to_numpy(dtype=float)
    t = np.arange(horizon)
    # cumulative value (options x years) and cumulative cost at the end of each year
    cum_value = share.to_numpy()[:, None] * np.cumsum(yearly_value)[None, :]
    cum_cost = (
        costs["one_off"].to_numpy()[:, None]
        + costs["yearly"].to_numpy()[:, None] * np.cumsum(1.0 / (1.0 + d) ** t)[None, :]
    )
    covered = cum_value >= cum_cost
    payback = np.where(covered.any(axis=1), covered.argmax(axis=1) + 1, -1)
    total_value = cum_value[:, -1]
    tco = costs["tco"].to_numpy()
    free = [str(o) for o, c in zip(frame.index, tco, strict=True) if c <= 0]
    if free:
        raise ValueError(
            f"prices: every option needs a cost over the horizon, since ROI is net value / "
            f"TCO and is undefined for an option that costs nothing; TCO is 0 for {free}. "
            "Compare such an option by its net value instead"
        )
    out = pd.DataFrame(
        {
            "tco": tco,
            "value": total_value,
            "net_value": total_value - tco,
            "roi": (total_value - tco) / tco,
            "payback_year": pd.array(np.where(payback > 0, payback, 0), dtype="Int64"),
        },
        index=pd.Index(frame.index, name="option"),
    )
    out.loc[payback <= 0, "payback_year"] = pd.NA
    return out.sort_values("roi", ascending=False, kind="stable")


# =======================================================================================
# 4. The implementation roadmap: CPM schedule, critical path, Gantt chart, KPIs
# =======================================================================================

_ROADMAP: tuple[tuple[str, str, str, str, float, str], ...] = (
    # task, name, phase, owner, weeks, depends on
    ("T1", "Decide the CRM goal: improve or change the sales process", "0 Prepare", "CEO", 2, ""),
    ("T2", "Appoint a business-side project manager", "0 Prepare", "CEO", 1, "T1"),
    ("T3", "Secure an executive sponsor and the budget", "0 Prepare", "CEO", 2, "T1"),
    ("T4", "Define KPIs and measure their baselines", "0 Prepare", "Project manager", 3, "T2"),
    ("T5", "Select the software (weighted model)", "0 Prepare", "Project manager", 4, "T2, T3"),
    (
        "T6",
        "Clean and migrate account and contact data",
        "1 Accounts and contacts",
        "IT lead",
        5,
        "T5",
    ),
    (
        "T7",
        "Configure accounts, contacts, e-mail and ERP links",
        "1 Accounts and contacts",
        "Vendor consultant",
        4,
        "T5",
    ),
    (
        "T8",
        "Train account managers on accounts and contacts",
        "1 Accounts and contacts",
        "Sales manager",
        2,
        "T6, T7",
    ),
    (
        "T9",
        "Go live: accounts and contacts",
        "1 Accounts and contacts",
        "Project manager",
        1,
        "T4, T8",
    ),
    (
        "T10",
        "Configure the opportunity pipeline and forecasts",
        "2 Sales pipeline",
        "Vendor consultant",
        4,
        "T9",
    ),
    ("T11", "Train the sales team on the pipeline", "2 Sales pipeline", "Sales manager", 2, "T10"),
    ("T12", "Go live: sales pipeline", "2 Sales pipeline", "Project manager", 1, "T11"),
    (
        "T13",
        "Set up service cases, queues and service levels",
        "3 Service and support",
        "Service manager",
        5,
        "T9",
    ),
    (
        "T14",
        "Train customer service staff",
        "3 Service and support",
        "Service manager",
        2,
        "T13",
    ),
    ("T15", "Go live: service desk", "3 Service and support", "Project manager", 1, "T14"),
    (
        "T16",
        "Review the KPIs and plan the next phase",
        "4 Review",
        "Executive sponsor",
        2,
        "T12, T15",
    ),
)


def kestrel_roadmap() -> pd.DataFrame:
    """Kestrel Supply's phased CRM implementation plan (hand-authored task list).

    The tasks follow the implementation steps of the course notes (source 002): a strategic
    decision on the goal, a project manager with a business focus, executive sponsorship,
    team commitment and training, KPIs, and a phased approach (accounts and contacts
    first, then the sales pipeline and the service desk).

    Returns
    -------
    pandas.DataFrame
        Columns ``task`` (id), ``name``, ``phase``, ``owner``, ``weeks`` (duration) and
        ``depends_on`` (comma-separated task ids, empty for none).
    """
    return pd.DataFrame(_ROADMAP, columns=["task", "name", "phase", "owner", "weeks", "depends_on"])


def _dependencies(value: Any, task: str) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if isinstance(value, Iterable):
        return [str(p).strip() for p in value]
    raise TypeError(
        f"depends_on of task {task!r} must be a comma-separated string or a list of task ids, "
        f"got {value!r}"
    )


def schedule(
    tasks: pd.DataFrame,
    *,
    start: str | pd.Timestamp = "2025-01-06",
) -> pd.DataFrame:
    """Critical-path schedule of a project (CPM: forward and backward pass).

    Forward pass, in an order where every task follows its predecessors::

        ES_i = max(EF_p for p in pred(i)), 0 without predecessors;   EF_i = ES_i + D_i

    Backward pass, with ``L`` = the project length = max EF::

        LF_i = min(LS_s for s in succ(i)), L without successors;    LS_i = LF_i - D_i

    Slack (total float) is ``LS_i - ES_i``; the critical tasks have zero slack: delaying
    any of them delays the whole project (Kelley & Walker, 1959).

    Parameters
    ----------
    tasks : pandas.DataFrame
        Columns ``task`` (unique ids), ``weeks`` (duration, >= 0) and ``depends_on``
        (comma-separated ids or a list; empty for none); any other columns (``name``,
        ``phase``, ``owner``) are kept.
    start : str or pandas.Timestamp
        The project's first day; task dates are ``start + 7 x weeks``.

    Returns
    -------
    pandas.DataFrame
        The tasks in a valid order (by earliest start), with ``earliest_start``,
        ``earliest_finish``, ``latest_start``, ``latest_finish``, ``slack`` (weeks),
        ``critical`` (bool), ``start_date`` and ``finish_date`` (the day after the task's
        last week). ``.attrs["length"]`` is the project length in weeks.

    Raises
    ------
    ValueError
        For duplicate ids, unknown dependencies (named), negative or missing durations,
        or a cycle (its tasks named).
    """
    frame = check_columns("tasks", tasks, ["task", "weeks", "depends_on"])
    check_nonempty("tasks", frame)
    ids = frame["task"].astype(str).str.strip().tolist()
    duplicated = sorted({t for t in ids if ids.count(t) > 1})
    if duplicated:
        raise ValueError(f"tasks['task'] must be unique; repeated: {duplicated}")
    duration = pd.to_numeric(frame["weeks"], errors="coerce")
    bad = [ids[i] for i in np.flatnonzero(duration.isna().to_numpy() | (duration < 0).to_numpy())]
    if bad:
        raise ValueError(f"tasks['weeks'] must be numbers >= 0; bad for tasks {bad}")
    try:
        first_day = pd.Timestamp(start)
    except (TypeError, ValueError):
        first_day = pd.NaT
    if pd.isna(first_day):
        raise ValueError(f"start must be a date such as '2025-01-06', got {start!r}")
    preds = {t: _dependencies(d, t) for t, d in zip(ids, frame["depends_on"], strict=True)}
    unknown = {t: [p for p in ps if p not in preds] for t, ps in preds.items()}
    unknown = {t: ps for t, ps in unknown.items() if ps}
    if unknown:
        raise ValueError(f"tasks depend on unknown task ids: {unknown}; known ids are {ids}")
    for t, ps in preds.items():
        if t in ps:
            raise ValueError(f"task {t!r} depends on itself")
    order = _topological_order(ids, preds)
    weeks = dict(zip(ids, duration.astype(float), strict=True))
    es: dict[str, float] = {}
    ef: dict[str, float] = {}
    for t in order:
        es[t] = max((ef[p] for p in preds[t]), default=0.0)
        ef[t] = es[t] + weeks[t]
    length = max(ef.values())
    succs: dict[str, list[str]] = {t: [] for t in ids}
    for t, ps in preds.items():
        for p in ps:
            succs[p].append(t)
    ls: dict[str, float] = {}
    lf: dict[str, float] = {}
    for t in reversed(order):
        lf[t] = min((ls[s] for s in succs[t]), default=length)
        ls[t] = lf[t] - weeks[t]
    out = frame.copy()
    out["task"] = ids
    out["weeks"] = duration.astype(float)
    out["earliest_start"] = out["task"].map(es)
    out["earliest_finish"] = out["task"].map(ef)
    out["latest_start"] = out["task"].map(ls)
    out["latest_finish"] = out["task"].map(lf)
    out["slack"] = (out["latest_start"] - out["earliest_start"]).round(9)
    out["critical"] = out["slack"].abs() <= 1e-9
    out["start_date"] = first_day + pd.to_timedelta(7 * out["earliest_start"], unit="D")
    out["finish_date"] = first_day + pd.to_timedelta(7 * out["earliest_finish"], unit="D")
    position = {t: i for i, t in enumerate(order)}
    out = out.assign(_pos=out["task"].map(position))
    out = out.sort_values(["earliest_start", "_pos"], kind="stable").drop(columns="_pos")
    out = out.reset_index(drop=True)
    out.attrs["length"] = float(length)
    out.attrs["start"] = first_day
    return out


def _topological_order(ids: list[str], preds: Mapping[str, list[str]]) -> list[str]:
    """Kahn's algorithm; ties keep the order of the task list."""
    remaining = {t: set(ps) for t, ps in preds.items()}
    order: list[str] = []
    ready = [t for t in ids if not remaining[t]]
    while ready:
        t = ready.pop(0)
        order.append(t)
        for other in ids:
            if t in remaining[other]:
                remaining[other].discard(t)
                if not remaining[other] and other not in order and other not in ready:
                    ready.append(other)
    if len(order) < len(ids):
        stuck = [t for t in ids if t not in order]
        raise ValueError(f"the dependencies contain a cycle among tasks {stuck}")
    return order


def critical_path(plan: pd.DataFrame) -> list[str]:
    """The critical path of a :func:`schedule`: a chain of zero-slack tasks, start to end.

    Starting from a critical task with no predecessors, it follows a critical successor
    that starts exactly when the current task finishes, until the project's end. When
    several critical paths exist, the first in task-list order is returned (all critical
    tasks are flagged in ``plan["critical"]``).

    Parameters
    ----------
    plan : pandas.DataFrame
        The output of :func:`schedule`.

    Returns
    -------
    list of str
        Task ids in order along the path; their durations add up to the project length.
    """
    check_columns(
        "plan", plan, ["task", "depends_on", "earliest_start", "earliest_finish", "critical"]
    )
    crit = plan[plan["critical"]]
    if crit.empty:
        raise ValueError("plan has no critical task: is it the output of schedule()?")
    preds = {t: _dependencies(d, t) for t, d in zip(plan["task"], plan["depends_on"], strict=True)}
    start_of = dict(zip(plan["task"], plan["earliest_start"], strict=True))
    finish_of = dict(zip(plan["task"], plan["earliest_finish"], strict=True))
    critical = set(crit["task"])
    ordered = [t for t in plan["task"] if t in critical]
    current = next(t for t in ordered if start_of[t] <= 1e-9)
    path = [current]
    length = float(plan["earliest_finish"].max())
    while finish_of[current] < length - 1e-9:
        nxt = [
            t
            for t in ordered
            if current in preds[t] and abs(start_of[t] - finish_of[current]) <= 1e-9
        ]
        if not nxt:  # pragma: no cover - cannot happen for a schedule() output
            raise ValueError(f"the critical path breaks after task {current!r}")
        current = nxt[0]
        path.append(current)
    return path


def gantt_chart(plan: pd.DataFrame, *, title: str = "CRM implementation roadmap") -> alt.Chart:
    """A Gantt chart of a :func:`schedule`: one bar per task, critical tasks in vermillion.

    When the plan carries its phases' KPIs (:func:`attach_kpis`), each bar's tooltip
    lists the KPIs of its phase.
    """
    check_columns("plan", plan, ["task", "start_date", "finish_date", "slack", "critical", "weeks"])
    data = plan.copy()
    if "name" not in data:
        data["name"] = data["task"]
    for column in ("phase", "owner"):
        if column not in data:
            data[column] = ""
    data["label"] = data["task"] + "  " + data["name"]
    data["path"] = np.where(data["critical"], "critical path", "has slack")
    data["finish_shown"] = data["finish_date"] - pd.Timedelta(days=1)
    with_kpis = "kpis" in data
    kpi_tooltip = [alt.Tooltip("kpis:N", title="Phase KPIs")] if with_kpis else []
    columns = [
        "label",
        "task",
        "name",
        "phase",
        "owner",
        "weeks",
        "slack",
        "path",
        "start_date",
        "finish_date",
        "finish_shown",
        *(["kpis"] if with_kpis else []),
    ]
    return (
        alt.Chart(data[columns], title=title)
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("start_date:T", title="Date", axis=alt.Axis(format="%d %b %Y")),
            x2="finish_date:T",
            y=alt.Y(
                "label:N", title=None, sort=data["label"].tolist(), axis=alt.Axis(labelLimit=380)
            ),
            color=alt.Color(
                "path:N",
                title="",
                scale=alt.Scale(
                    domain=["critical path", "has slack"], range=["#D55E00", "#0072B2"]
                ),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Task"),
                alt.Tooltip("phase:N", title="Phase"),
                alt.Tooltip("owner:N", title="Owner"),
                alt.Tooltip("weeks:Q", title="Weeks"),
                alt.Tooltip("start_date:T", title="Starts", format="%d %b %Y"),
                alt.Tooltip("finish_shown:T", title="Ends", format="%d %b %Y"),
                alt.Tooltip("slack:Q", title="Slack (weeks)"),
                *kpi_tooltip,
            ],
        )
        .properties(width=460, height=18 * len(data) + 20)
    )


_PHASE_KPIS: tuple[tuple[str, str, str], ...] = (
    # phase, KPI, target
    ("0 Prepare", "Decisions signed off by the executive sponsor on time", "all"),
    ("0 Prepare", "KPI baselines measured before go-live", "all KPIs of phases 1-3"),
    ("1 Accounts and contacts", "Accounts with a complete, current contact record", ">= 95 %"),
    ("1 Accounts and contacts", "Account managers logging in at least weekly", ">= 90 %"),
    ("1 Accounts and contacts", "Duplicate account records", "< 1 %"),
    ("2 Sales pipeline", "Open opportunities with a next step and a date", ">= 90 %"),
    ("2 Sales pipeline", "Forecast error of the monthly sales forecast", "< 10 %"),
    ("3 Service and support", "Service cases answered within the service level", ">= 85 %"),
    ("3 Service and support", "Cases resolved at first contact", ">= 70 %"),
    ("4 Review", "Account retention, yearly (the CRM's main business goal)", "90 % -> 92 %"),
    ("4 Review", "Margin per account, yearly", "+2 %"),
)


def phase_kpis(phase: str | None = None) -> pd.DataFrame:
    """The key performance indicators attached to each phase of the roadmap.

    Each phase gets measures that show whether it worked (the "define KPI metrics" step
    of the implementation steps, source 002): data quality and adoption first, then the
    process measures of each module, then the business results the CRM was bought for.

    Parameters
    ----------
    phase : str, optional
        One phase (e.g. ``"1 Accounts and contacts"``); all phases when None.

    Returns
    -------
    pandas.DataFrame
        Columns ``phase``, ``kpi`` and ``target``.
    """
    table = pd.DataFrame(_PHASE_KPIS, columns=["phase", "kpi", "target"])
    if phase is None:
        return table
    phases = table["phase"].unique().tolist()
    if phase not in phases:
        raise ValueError(f"phase must be one of {phases}, got {phase!r}")
    return table[table["phase"] == phase].reset_index(drop=True)


def attach_kpis(plan: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """Attach key performance indicators to the phases of any plan, checking the match.

    The implementation steps of the notes (source 002) ask for KPI metrics, and the
    phased approach asks for each phase to show whether it worked, so every phase of a
    plan should have at least one KPI, and every KPI should belong to a phase of the
    plan. Both are checked; a mismatch is an error that names the phases and KPIs.

    Parameters
    ----------
    plan : pandas.DataFrame
        Tasks with a ``phase`` column: a task list for :func:`schedule`, or its result.
    kpis : pandas.DataFrame
        Columns ``phase`` and ``kpi``, and optionally ``target``: one row per KPI (as
        :func:`phase_kpis`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``plan`` with ``kpi_count`` (KPIs of the task's phase) and ``kpis``
        (the phase's KPIs as one text, "KPI (target); ..."), which
        :func:`gantt_chart` shows in its tooltip. ``attrs["kpis"]`` holds the KPI table.

    Raises
    ------
    ValueError
        If a phase of the plan has no KPI, or a KPI names a phase the plan does not
        have (both named), or a column is missing or empty.

    Examples
    --------
    >>> tasks = pd.DataFrame(
    ...     {"task": ["A", "B"], "phase": ["pilot", "roll-out"], "weeks": [2, 3],
    ...      "depends_on": ["", "A"]}
    ... )
    >>> kpis = pd.DataFrame(
    ...     {"phase": ["pilot", "roll-out"], "kpi": ["users active", "cases logged"]}
    ... )
    >>> attach_kpis(tasks, kpis)[["task", "kpi_count", "kpis"]].to_dict("list")
    {'task': ['A', 'B'], 'kpi_count': [1, 1], 'kpis': ['users active', 'cases logged']}
    """
    frame = check_columns("plan", plan, ["phase"])
    check_nonempty("plan", frame)
    table = check_columns("kpis", kpis, ["phase", "kpi"])
    check_nonempty("kpis", table)
    for name, data in (("plan", frame), ("kpis", table)):
        blank = data["phase"].isna() | (data["phase"].astype(str).str.strip() == "")
        if blank.any():
            raise ValueError(
                f"{name}['phase'] must name a phase in every row; "
                f"rows {np.flatnonzero(blank).tolist()} do not"
            )
    if (table["kpi"].isna() | (table["kpi"].astype(str).str.strip() == "")).any():
        raise ValueError("kpis['kpi'] must describe a KPI in every row")
    phases = list(dict.fromkeys(frame["phase"].astype(str)))
    kpi_phases = table["phase"].astype(str)
    without = [p for p in phases if p not in set(kpi_phases)]
    unknown = sorted(set(kpi_phases) - set(phases))
    problems = []
    if without:
        problems.append(f"phases without a KPI: {without}")
    if unknown:
        stray = table.loc[kpi_phases.isin(unknown), "kpi"].astype(str).tolist()
        problems.append(f"KPIs for phases the plan does not have: {unknown} (KPIs {stray})")
    if problems:
        raise ValueError("; ".join(problems) + f". The plan's phases are {phases}")
    has_target = "target" in table
    texts = [
        f"{k} ({t})" if has_target and pd.notna(t) and str(t).strip() else str(k)
        for k, t in zip(
            table["kpi"], table["target"] if has_target else [None] * len(table), strict=True
        )
    ]
    listed = pd.Series(texts, index=table.index).groupby(kpi_phases).agg("; ".join)
    counted = kpi_phases.value_counts()
    out = frame.copy()
    key = out["phase"].astype(str)
    out["kpi_count"] = key.map(counted).astype(int)
    out["kpis"] = key.map(listed)
    out.attrs["kpis"] = table.reset_index(drop=True)
    return out

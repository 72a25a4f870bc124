"""Customer relationship programmes: what they cost, what they bring, and whether they work.

A relationship programme uses one or more initiatives to build relationships with
customers (source 000, LO 5-2): a **loyalty programme** that rewards repeat customers,
**customisation** of the product, a **customer community**, and **engagement on social
media**. This module puts numbers on each, in the order of lesson 04:

1. **Initiatives** (:func:`compare_menus`, :func:`community_economics`,
   :func:`engagement`): a menu of service bundles against one fixed package (the cable
   operator of source 002), the service contacts a peer community saves, and engagement
   rates of social-media posts.
2. **Loyalty economics** (:func:`reward_cost`, :func:`points_summary`,
   :func:`program_economics`, :func:`break_even_lift`, :func:`member_value`,
   :func:`break_even_retention`, :func:`profit_curve`): the yearly profit of a points
   programme from its reward rate, redemption rate, administration cost and the extra
   spending and retention it causes, and the lift it needs to break even; the change in
   a member's lifetime value goes through :func:`casekit.clv.clv`.
3. **Evaluation** (:func:`naive_comparison`, :func:`evaluation_panel`,
   :func:`did_table`, :func:`naive_estimate`, :func:`matched_estimate`,
   :func:`did_estimate`, :func:`compare_estimates`): members against non-members the
   naive way, and fairer estimates from behaviour before and after joining.
4. **Monitoring** (:func:`club_kpis`, :func:`kpi_scorecard`): the programme's KPIs
   against objectives set by its managers, with what is off target.

Money is in Philippine pesos (Php), per year unless a name says otherwise.

The model of a points programme
-------------------------------
``N`` members would each spend ``S`` a year without the programme, at a gross margin
``g`` (a share of spending). The programme gives rewards worth ``k`` per peso spent if
every point were redeemed (the **reward rate**: points per peso x cost of a point); a
share ``rho`` of points is redeemed (the **redemption rate**; ``1 - rho`` is the
**breakage**). It costs ``F`` a year to run plus ``a`` per member. It raises spending by
a share ``l`` (the spend lift) and keeps ``N x delta`` more members for another year
(``delta`` = the retention lift, in points of yearly retention). With ``M = N (1 + delta)``
member-years and ``V = S (1 + l)`` spending per member-year, the yearly profit of the
programme against not having it is::

    profit = g (M V - N S) - k rho M V - a M - F

Rewards are paid on **all** members' purchases, including the ones they would have made
anyway (``k rho N S``); that line is why most programmes need a real lift to pay.

References
----------
Dowling, G. R. & Uncles, M. (1997). Do customer loyalty programs really work? *Sloan
Management Review* 38(4), 71-82.

Liu, Y. (2007). The long-term impact of loyalty programs on consumer purchase behavior
and loyalty. *Journal of Marketing* 71(4), 19-35 (heavy buyers collected rewards without
changing their behaviour; light and moderate buyers bought more).

Angrist, J. D. & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*, chapter 5
(difference-in-differences). Princeton University Press.

Stuart, E. A. (2010). Matching methods for causal inference: a review and a look
forward. *Statistical Science* 25(1), 1-21.

Nielsen, J. (2006). The 90-9-1 rule for participation inequality in social media and
online communities. Nielsen Norman Group.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize

import casekit.charts  # noqa: F401  (house theme and offline renderer)
from casekit import clv, service
from casekit.validation import (
    as_datetime_column,
    check_array,
    check_columns,
    check_day,
    check_fraction,
    check_integer,
    check_nonempty,
    check_number,
    check_one_of,
)

__all__ = [
    "DESIGN_KEYS",
    "LiftEstimate",
    "a_la_carte",
    "break_even_lift",
    "break_even_retention",
    "breakage",
    "club_design",
    "club_kpis",
    "community_economics",
    "compare_designs",
    "compare_estimates",
    "compare_menus",
    "did_estimate",
    "did_table",
    "engagement",
    "estimates_chart",
    "evaluation_panel",
    "kpi_chart",
    "kpi_scorecard",
    "matched_estimate",
    "member_value",
    "menu_choices",
    "naive_comparison",
    "naive_estimate",
    "points_summary",
    "profit_chart",
    "profit_curve",
    "program_economics",
    "reward_cost",
    "reward_rate",
]


# =========================================================================================
# 1. Initiatives: customisation, communities, social media
# =========================================================================================


def _menu(name: str, menu: Any, components: Sequence[str]) -> dict[str, tuple[list[str], float]]:
    if not isinstance(menu, Mapping) or not menu:
        raise ValueError(
            f"{name} must map each option to (components, monthly price), e.g. "
            f"{{'TV + internet': (['basic TV', 'broadband'], 1499)}}; got {menu!r}"
        )
    out = {}
    for option, spec in menu.items():
        if not (isinstance(spec, (tuple, list)) and len(spec) == 2):
            raise TypeError(f"{name}[{option!r}] must be (components, price), got {spec!r}")
        parts, price = spec
        parts = [parts] if isinstance(parts, str) else list(parts)
        unknown = [p for p in parts if p not in components]
        if not parts or unknown:
            raise ValueError(
                f"{name}[{option!r}] names component(s) {unknown or parts} that are not "
                f"columns of valuations; the components are {list(components)}"
            )
        out[str(option)] = (parts, check_number(f"{name}[{option!r}] price", price, minimum=0))
    return out


def menu_choices(
    valuations: pd.DataFrame,
    menu: Mapping[str, tuple[Sequence[str], float]],
    *,
    costs: Mapping[str, float] | None = None,
    customers: str = "customers",
) -> pd.DataFrame:
    """What each segment of customers buys from a menu of service bundles.

    Each segment values each component of the service at a monthly amount (what it would
    pay for it at most). Offered a menu, a customer takes the option with the largest
    **surplus** ``value - price`` (value = sum of the option's components' values), and
    nothing when every surplus is negative; on a tie, the cheaper option. This is the
    textbook model of bundling (Adams & Yellen, 1976, "Commodity bundling and the burden
    of monopoly", *Quarterly Journal of Economics* 90(3), 475-498) and the logic of mass
    customisation: a menu lets each segment pick what fits it (source 002's cable operator).

    Parameters
    ----------
    valuations : pandas.DataFrame
        One row per segment (the index names it): a ``customers`` column (how many) and
        one column per component with the monthly value (Php, >= 0).
    menu : mapping of str to (list of str, float)
        Option name -> (the components it contains, its monthly price).
    costs : mapping of str to float, optional
        Monthly cost of providing each component to one customer (0 when left out).
    customers : str
        The column holding the number of customers in each segment.

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``customers``, ``choice`` ("none" when nothing is bought),
        ``price``, ``value``, ``surplus``, ``cost`` and ``margin`` (price - cost), all per
        customer per month (0 for "none").
    """
    check_columns("valuations", valuations, [customers])
    check_nonempty("valuations", valuations)
    components = [c for c in valuations.columns if c != customers]
    if not components:
        raise ValueError("valuations needs at least one component column besides customers")
    values = valuations[components].apply(pd.to_numeric, errors="coerce")
    if values.isna().any().any() or (values < 0).any().any():
        raise ValueError("valuations must hold numbers >= 0 for every component")
    counts = pd.to_numeric(valuations[customers], errors="coerce")
    if counts.isna().any() or (counts < 0).any():
        raise ValueError(f"valuations[{customers!r}] must hold counts >= 0")
    options = _menu("menu", menu, components)
    unit_cost = {c: 0.0 for c in components}
    for comp, cost in (costs or {}).items():
        if comp not in unit_cost:
            raise ValueError(f"costs names {comp!r}, which is not a component {components}")
        unit_cost[comp] = check_number(f"costs[{comp!r}]", cost, minimum=0)
    names = list(options)
    contains = np.array([[c in options[o][0] for c in components] for o in names], dtype=float)
    price = np.array([options[o][1] for o in names])
    cost = contains @ np.array([unit_cost[c] for c in components])
    value = values.to_numpy(dtype=float) @ contains.T  # segments x options
    surplus = value - price[None, :]
    # best surplus first, then the cheaper option: sort options by price, take argmax
    order = np.argsort(price, kind="stable")
    best = order[np.argmax(surplus[:, order], axis=1)]
    rows = np.arange(len(valuations))
    buys = surplus[rows, best] >= 0
    return pd.DataFrame(
        {
            "customers": counts.to_numpy(dtype=float),
            "choice": np.where(buys, np.array(names, dtype=object)[best], "none"),
            "price": np.where(buys, price[best], 0.0),
            "value": np.where(buys, value[rows, best], 0.0),
            "surplus": np.where(buys, surplus[rows, best], 0.0),
            "cost": np.where(buys, cost[best], 0.0),
            "margin": np.where(buys, price[best] - cost[best], 0.0),
        },
        index=valuations.index,
    )


def a_la_carte(prices: Mapping[str, float]) -> dict[str, tuple[list[str], float]]:
    """A menu in which every service is sold on its own: every combination, prices added.

    With ``n`` services that is ``2**n - 1`` options, named by their services joined with
    " + " (for :func:`menu_choices`; up to 10 services).

    Examples
    --------
    >>> a_la_carte({"TV": 500, "internet": 1000})["TV + internet"]
    (['TV', 'internet'], 1500.0)
    """
    if not isinstance(prices, Mapping) or not prices:
        raise ValueError(f"prices must map each service to its price, got {prices!r}")
    if len(prices) > 10:
        raise ValueError(f"prices may name at most 10 services, got {len(prices)}")
    price = {str(k): check_number(f"prices[{k!r}]", v, minimum=0) for k, v in prices.items()}
    names = list(price)
    menu = {}
    for size in range(1, len(names) + 1):
        for combo in itertools.combinations(names, size):
            menu[" + ".join(combo)] = (list(combo), float(sum(price[c] for c in combo)))
    return menu


def compare_menus(
    valuations: pd.DataFrame,
    menus: Mapping[str, Mapping[str, tuple[Sequence[str], float]]],
    *,
    costs: Mapping[str, float] | None = None,
    customers: str = "customers",
) -> pd.DataFrame:
    """Compare menu designs (one package, separate services, a menu of bundles).

    Runs :func:`menu_choices` for each design and adds up over segments, per month:
    subscribers, revenue (price x customers), margin (revenue - cost of the components
    sold) and customer surplus (what customers get above what they pay).

    Parameters
    ----------
    valuations, costs, customers
        As in :func:`menu_choices`.
    menus : mapping of str to menu
        Design name -> menu (option -> (components, price)).

    Returns
    -------
    pandas.DataFrame
        Index ``design``; columns ``subscribers``, ``revenue``, ``margin``,
        ``margin_per_subscriber`` and ``customer_surplus`` (Php per month).
    """
    if not isinstance(menus, Mapping) or not menus:
        raise ValueError(f"menus must map each design name to a menu, got {menus!r}")
    rows = []
    for design, menu in menus.items():
        chosen = menu_choices(valuations, menu, costs=costs, customers=customers)
        n = chosen["customers"] * (chosen["choice"] != "none")
        subscribers = float(n.sum())
        margin = float((n * chosen["margin"]).sum())
        rows.append(
            {
                "design": str(design),
                "subscribers": subscribers,
                "revenue": float((n * chosen["price"]).sum()),
                "margin": margin,
                "margin_per_subscriber": margin / subscribers if subscribers else 0.0,
                "customer_surplus": float((n * chosen["surplus"]).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("design")


def community_economics(
    *,
    members: float,
    participation_rate: float,
    questions_per_participant: float,
    peer_answer_rate: float,
    cost_per_contact: float,
    running_cost: float,
    deflection_rate: float = 1.0,
) -> pd.Series:
    """The service contacts a customer community answers, and what that saves a year.

    Formula::

        participants      = members x participation_rate
        questions         = participants x questions_per_participant
        answered by peers = questions x peer_answer_rate
        contacts avoided  = answered by peers x deflection_rate
        savings           = contacts avoided x cost_per_contact
        net               = savings - running_cost

    Participation is usually small: in Nielsen's (2006) "90-9-1 rule" about 90 % of an
    online community only read, 9 % contribute now and then and 1 % write most of it.
    Savings are only one benefit of a community (ideas, loyalty and word of mouth are
    others, and harder to count); this is the part that shows up in the service budget.

    Parameters
    ----------
    members : float
        Customers who can use the community (>= 0).
    participation_rate : float
        Share of them who post or ask at least once a year, in [0, 1].
    questions_per_participant : float
        Questions a participant asks a year (>= 0).
    peer_answer_rate : float
        Share of questions answered by other customers, in [0, 1].
    cost_per_contact : float
        What one contact with the contact centre costs (Php, >= 0).
    running_cost : float
        Yearly cost of the community: platform, moderators (Php, >= 0).
    deflection_rate : float
        Share of peer-answered questions that would otherwise have reached the contact
        centre, in [0, 1] (1: every one).

    Returns
    -------
    pandas.Series
        ``participants``, ``questions``, ``answered_by_peers``, ``contacts_avoided``,
        ``savings``, ``running_cost`` and ``net`` (Php a year).

    Examples
    --------
    >>> community_economics(members=10_000, participation_rate=0.1,
    ...     questions_per_participant=2, peer_answer_rate=0.5, cost_per_contact=50,
    ...     running_cost=20_000)["net"]
    np.float64(30000.0)
    """
    n = check_number("members", members, minimum=0)
    p = check_fraction("participation_rate", participation_rate, allow_one=True)
    q = check_number("questions_per_participant", questions_per_participant, minimum=0)
    peer = check_fraction("peer_answer_rate", peer_answer_rate, allow_one=True)
    cost = check_number("cost_per_contact", cost_per_contact, minimum=0)
    running = check_number("running_cost", running_cost, minimum=0)
    deflect = check_fraction("deflection_rate", deflection_rate, allow_one=True)
    participants = n * p
    questions = participants * q
    answered = questions * peer
    avoided = answered * deflect
    savings = avoided * cost
    return pd.Series(
        {
            "participants": participants,
            "questions": questions,
            "answered_by_peers": answered,
            "contacts_avoided": avoided,
            "savings": savings,
            "running_cost": running,
            "net": savings - running,
        }
    )


def engagement(
    posts: pd.DataFrame,
    *,
    interactions: Sequence[str],
    base: str,
    by: str | None = None,
) -> pd.DataFrame:
    """Engagement rate of social-media posts: interactions per person reached.

    Formula: ``engagement rate = sum of interactions / sum of base`` over the posts of a
    group (a **ratio of sums**, so a post seen by many counts for more than a post seen
    by few), with interactions the reactions, comments, shares and saves, and base the
    reach (people who saw the post) or the followers. ``mean_post_rate`` is the plain
    mean of the posts' own rates, for comparison: it gives every post the same weight.

    Parameters
    ----------
    posts : pandas.DataFrame
        One row per post.
    interactions : list of str
        Columns counted as interactions (numbers >= 0).
    base : str
        Column of the denominator (reach or followers; numbers > 0).
    by : str, optional
        Column to group by (content type, channel, month); one row "all" when None.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``posts``, ``interactions``, ``base``, ``engagement_rate``
        and ``mean_post_rate``.
    """
    if isinstance(interactions, str) or not list(interactions):
        raise ValueError(f"interactions must be a list of column names, got {interactions!r}")
    cols = list(interactions)
    check_columns("posts", posts, [*cols, base, *([by] if by else [])])
    check_nonempty("posts", posts)
    counts = posts[cols].apply(pd.to_numeric, errors="coerce")
    if counts.isna().any().any() or (counts < 0).any().any():
        raise ValueError(f"posts columns {cols} must hold counts >= 0 (no missing values)")
    denominator = pd.to_numeric(posts[base], errors="coerce")
    if denominator.isna().any() or (denominator <= 0).any():
        raise ValueError(f"posts[{base!r}] must hold numbers > 0, got {posts[base].tolist()[:5]}")
    frame = pd.DataFrame(
        {
            "group": posts[by].astype(str) if by else "all",
            "interactions": counts.sum(axis=1),
            "base": denominator,
        }
    )
    frame["rate"] = frame["interactions"] / frame["base"]
    grouped = frame.groupby("group", sort=False)
    out = pd.DataFrame(
        {
            "posts": grouped.size(),
            "interactions": grouped["interactions"].sum(),
            "base": grouped["base"].sum(),
            "mean_post_rate": grouped["rate"].mean(),
        }
    )
    out.insert(3, "engagement_rate", out["interactions"] / out["base"])
    return out.rename_axis(by or "group")


# =========================================================================================
# 2. Loyalty economics
# =========================================================================================


def _array_or_float(value: np.ndarray) -> Any:
    return float(value) if np.ndim(value) == 0 else value


def reward_rate(points_per_peso: float, cost_per_point: float) -> float:
    """The value of rewards per peso spent, if every point were redeemed.

    Formula: ``reward rate = points earned per peso x cost of one point to the firm``.
    Cedar Lane's Shopper's Club gives 1 point per Php 50 and a reward that costs about
    Php 100 for 200 points (Php 0.50 a point): ``1/50 x 0.50 = 1 %`` of spending.

    Examples
    --------
    >>> reward_rate(1 / 50, 0.50)
    0.01
    """
    earn = check_number("points_per_peso", points_per_peso, minimum=0)
    cost = check_number("cost_per_point", cost_per_point, minimum=0)
    return earn * cost


def reward_cost(points: Any, *, redemption_rate: float, cost_per_point: float) -> Any:
    """Cost of the rewards for points issued: points x redemption rate x cost per point.

    Points that are never redeemed (the **breakage**, ``1 - redemption rate``) cost
    nothing, which is why breakage is part of every programme's budget (and why a
    programme whose members stop redeeming is cheaper but probably no longer working).

    Parameters
    ----------
    points : float or array-like
        Points issued (>= 0).
    redemption_rate : float
        Share of the points that will be redeemed, in [0, 1].
    cost_per_point : float
        Cost to the firm of the reward bought with one point (Php, >= 0).

    Returns
    -------
    float or numpy.ndarray
        Php, the shape of ``points``.

    Examples
    --------
    >>> reward_cost(1_000_000, redemption_rate=0.7, cost_per_point=0.5)
    350000.0
    """
    issued = check_array("points", points, minimum=0)
    rho = check_fraction("redemption_rate", redemption_rate, allow_one=True)
    cost = check_number("cost_per_point", cost_per_point, minimum=0)
    return _array_or_float(issued * rho * cost)


def breakage(points_issued: Any, points_redeemed: Any) -> Any:
    """Share of issued points never redeemed: ``1 - redeemed / issued``.

    Examples
    --------
    >>> round(breakage(1_000, 650), 2)
    0.35
    """
    issued = check_array("points_issued", points_issued, minimum=0)
    redeemed = check_array("points_redeemed", points_redeemed, minimum=0)
    if np.any(issued <= 0):
        raise ValueError(f"points_issued must be > 0, got {points_issued!r}")
    return _array_or_float(1.0 - redeemed / issued)


def _between(name: str, frame: pd.DataFrame, column: str, start: Any, end: Any) -> pd.Series:
    """Rows of ``frame`` whose ``column`` falls on the days ``start`` to ``end`` (both in)."""
    when = as_datetime_column(name, frame, column)
    mask = pd.Series(True, index=frame.index)
    if start is not None:
        mask &= when >= _day("start", start)
    if end is not None:
        mask &= when < _day("end", end) + pd.Timedelta(days=1)
    return mask


def _day(name: str, value: Any) -> pd.Timestamp:
    """A calendar day; numbers (``start=2024``) and time-zone-aware dates are refused."""
    return check_day(name, value)


_EVENTS = ("enrolment", "points earned", "reward redeemed")


def points_summary(
    loyalty_events: pd.DataFrame, *, start: Any = None, end: Any = None
) -> pd.Series:
    """Points issued and redeemed, redemption rate, breakage and reward cost of a period.

    Reads an event log with one row per enrolment, points earned and reward redeemed
    (columns ``timestamp``, ``event``, ``points`` and ``reward_cost``, as Cedar Lane's
    ``cedar_loyalty_events``). The redemption rate of a period is points redeemed over
    points issued in it: a flow measure that runs a little low while a young programme's
    members are still saving up, and a little high when old points are being used up.

    Parameters
    ----------
    loyalty_events : pandas.DataFrame
        The event log.
    start, end : date-like, optional
        First and last day counted (both included); all events when left out.

    Returns
    -------
    pandas.Series
        ``enrolments``, ``points_issued`` (welcome and earned points), ``points_redeemed``,
        ``redemption_rate``, ``breakage``, ``reward_cost`` (Php) and ``cost_per_point``
        (Php per point redeemed).
    """
    check_columns("loyalty_events", loyalty_events, ["timestamp", "event", "points", "reward_cost"])
    unknown = set(loyalty_events["event"].dropna().astype(str)) - set(_EVENTS)
    if unknown:
        raise ValueError(
            f"loyalty_events['event'] holds {sorted(unknown)}; allowed are {list(_EVENTS)}"
        )
    events = loyalty_events[_between("loyalty_events", loyalty_events, "timestamp", start, end)]
    if events.empty:
        raise ValueError(f"loyalty_events has no events between {start} and {end}")
    kind = events["event"].astype(str)
    points = pd.to_numeric(events["points"], errors="coerce")
    issued = float(points[kind != "reward redeemed"].sum())
    redeemed = float(-points[kind == "reward redeemed"].sum())
    cost = float(pd.to_numeric(events["reward_cost"], errors="coerce").sum())
    if issued <= 0:
        raise ValueError("no points were issued in the period; the rates are undefined")
    return pd.Series(
        {
            "enrolments": float((kind == "enrolment").sum()),
            "points_issued": issued,
            "points_redeemed": redeemed,
            "redemption_rate": redeemed / issued,
            "breakage": 1.0 - redeemed / issued,
            "reward_cost": cost,
            "cost_per_point": cost / redeemed if redeemed else 0.0,
        }
    )


#: The keyword arguments that describe a programme (see :func:`program_economics`).
DESIGN_KEYS = (
    "members",
    "spend_per_member",
    "gross_margin",
    "reward_rate",
    "redemption_rate",
    "spend_lift",
    "retention_lift",
    "admin_cost_fixed",
    "admin_cost_per_member",
)


@dataclass(frozen=True)
class _Design:
    members: float
    spend_per_member: float
    gross_margin: float
    reward_rate: float
    redemption_rate: float
    spend_lift: float
    retention_lift: float
    admin_cost_fixed: float
    admin_cost_per_member: float


#: Defaults of the optional parts of a design.
_DESIGN_DEFAULTS = {
    "spend_lift": 0.0,
    "retention_lift": 0.0,
    "admin_cost_fixed": 0.0,
    "admin_cost_per_member": 0.0,
}


def _design(**design: Any) -> _Design:
    """Validate the keyword arguments of :func:`program_economics` (see :data:`DESIGN_KEYS`)."""
    unknown = sorted(set(design) - set(DESIGN_KEYS))
    if unknown:
        raise TypeError(f"unknown programme argument(s) {unknown}; allowed are {list(DESIGN_KEYS)}")
    missing = [k for k in DESIGN_KEYS if k not in design and k not in _DESIGN_DEFAULTS]
    if missing:
        raise TypeError(f"the programme needs {missing} as well")
    v = {**_DESIGN_DEFAULTS, **design}
    return _Design(
        members=check_number("members", v["members"], minimum=0, min_inclusive=False),
        spend_per_member=check_number(
            "spend_per_member", v["spend_per_member"], minimum=0, min_inclusive=False
        ),
        gross_margin=check_fraction("gross_margin", v["gross_margin"], allow_one=True),
        reward_rate=check_fraction("reward_rate", v["reward_rate"]),
        redemption_rate=check_fraction("redemption_rate", v["redemption_rate"], allow_one=True),
        spend_lift=check_number("spend_lift", v["spend_lift"], minimum=-1, min_inclusive=False),
        retention_lift=check_number("retention_lift", v["retention_lift"], minimum=-1, maximum=1),
        admin_cost_fixed=check_number("admin_cost_fixed", v["admin_cost_fixed"], minimum=0),
        admin_cost_per_member=check_number(
            "admin_cost_per_member", v["admin_cost_per_member"], minimum=0
        ),
    )


def _profit(d: _Design, spend_lift: Any, retention_lift: Any) -> Any:
    """The yearly profit formula of the module docstring (broadcasts over the lifts)."""
    n, s, g = d.members, d.spend_per_member, d.gross_margin
    m = n * (1.0 + np.asarray(retention_lift, dtype=float))
    v = s * (1.0 + np.asarray(spend_lift, dtype=float))
    return (
        g * (m * v - n * s)
        - d.reward_rate * d.redemption_rate * m * v
        - d.admin_cost_per_member * m
        - d.admin_cost_fixed
    )


def program_economics(
    *,
    members: float,
    spend_per_member: float,
    gross_margin: float,
    reward_rate: float,
    redemption_rate: float,
    spend_lift: float = 0.0,
    retention_lift: float = 0.0,
    admin_cost_fixed: float = 0.0,
    admin_cost_per_member: float = 0.0,
) -> pd.Series:
    """A loyalty programme's yearly profit, line by line, against having no programme.

    With ``N`` members, spending ``S`` each without the programme, ``M = N (1 + delta)``
    member-years and ``V = S (1 + l)`` spending per member-year (module docstring)::

        margin from extra spend          =  g N S l
        margin from members kept         =  g N delta V
        rewards on sales made anyway     = -k rho N S
        rewards on extra sales           = -k rho (M V - N S)
        fixed administration             = -F
        administration per member        = -a M
        annual profit                    =  the sum of the lines above
                                         =  g (M V - N S) - k rho M V - a M - F

    A kept member counts for one more year of margin here (a one-year view); the value
    over the member's lifetime is :func:`member_value`.

    Parameters
    ----------
    members : float
        Members ``N`` (> 0).
    spend_per_member : float
        What a member would spend a year without the programme ``S`` (Php, > 0).
    gross_margin : float
        Gross margin as a share of spending ``g``, in [0, 1].
    reward_rate : float
        Value of rewards per peso spent if every point were redeemed ``k``, in [0, 1)
        (:func:`reward_rate`; 0.01 = 1 %).
    redemption_rate : float
        Share of points redeemed ``rho``, in [0, 1] (breakage = 1 - rho).
    spend_lift : float
        Extra spending the programme causes ``l``, a share of ``S`` (0.05 = +5 %), > -1.
    retention_lift : float
        Extra yearly retention the programme causes ``delta`` (0.02 = two points: 2 % of
        members kept another year who would have left), in [-1, 1].
    admin_cost_fixed : float
        Yearly cost of running the programme ``F`` (Php, >= 0): platform, staff, marketing.
    admin_cost_per_member : float
        Yearly cost per member-year ``a`` (Php, >= 0): cards, statements, messages.

    Returns
    -------
    pandas.Series
        The seven lines above (Php a year; costs negative), named as in the formula with
        underscores: ``margin_from_extra_spend``, ``margin_from_members_kept``,
        ``rewards_on_sales_made_anyway``, ``rewards_on_extra_sales``,
        ``fixed_administration``, ``administration_per_member`` and ``annual_profit``.

    Examples
    --------
    1,000 members spending Php 20,000 at a 20 % margin; rewards worth 1 % of spending,
    70 % redeemed; Php 500,000 a year plus Php 50 a member to run; a 5 % spend lift and
    two points of retention (worked by hand in the tests):

    >>> econ = program_economics(members=1_000, spend_per_member=20_000, gross_margin=0.2,
    ...     reward_rate=0.01, redemption_rate=0.7, spend_lift=0.05, retention_lift=0.02,
    ...     admin_cost_fixed=500_000, admin_cost_per_member=50)
    >>> round(float(econ["annual_profit"]))
    -416940
    """
    d = _design(**locals())
    n, s, g = d.members, d.spend_per_member, d.gross_margin
    m = n * (1.0 + d.retention_lift)
    v = s * (1.0 + d.spend_lift)
    k_rho = d.reward_rate * d.redemption_rate
    lines = {
        "margin_from_extra_spend": g * n * s * d.spend_lift,
        "margin_from_members_kept": g * n * d.retention_lift * v,
        "rewards_on_sales_made_anyway": -k_rho * n * s,
        "rewards_on_extra_sales": -k_rho * (m * v - n * s),
        "fixed_administration": -d.admin_cost_fixed,
        "administration_per_member": -d.admin_cost_per_member * m,
    }
    lines["annual_profit"] = float(_profit(d, d.spend_lift, d.retention_lift))
    return pd.Series(lines, dtype=float)


def break_even_lift(*, lever: str = "spend", **design: float) -> float:
    """The spend lift (or retention lift) at which the programme's yearly profit is zero.

    Solves ``g (M V - N S) - k rho M V - a M - F = 0`` (:func:`program_economics`) for
    one lever, holding the other at the value given:

    * ``lever="spend"``: ``V* = (N S g + F + a M) / (M (g - k rho))``, ``l* = V*/S - 1``;
    * ``lever="retention"``: ``M* = (N S g + F) / (V (g - k rho) - a)``,
      ``delta* = M*/N - 1``.

    Parameters
    ----------
    lever : {"spend", "retention"}
        Which lift to solve for.
    **design
        The arguments of :func:`program_economics`; the lift being solved for is
        ignored.

    Returns
    -------
    float
        The break-even lift (a share: 0.12 = +12 % spending, or 12 points of retention).
        Negative when the programme pays even without that lever; ``inf`` when no lift
        of that lever can pay for it (rewards and administration eat the whole margin of
        each extra peso or member).

    Examples
    --------
    >>> round(break_even_lift(lever="spend", members=1_000, spend_per_member=20_000,
    ...     gross_margin=0.2, reward_rate=0.01, redemption_rate=0.7, retention_lift=0.02,
    ...     admin_cost_fixed=500_000, admin_cost_per_member=50), 4)
    0.1559
    """
    check_one_of("lever", lever, ("spend", "retention"))
    d = _design(**design)
    n, s, g = d.members, d.spend_per_member, d.gross_margin
    net_rate = g - d.reward_rate * d.redemption_rate
    if lever == "spend":
        m = n * (1.0 + d.retention_lift)
        if net_rate <= 0 or m <= 0:
            return math.inf
        v = (n * s * g + d.admin_cost_fixed + d.admin_cost_per_member * m) / (m * net_rate)
        return v / s - 1.0
    v = s * (1.0 + d.spend_lift)
    per_member = v * net_rate - d.admin_cost_per_member
    if per_member <= 0:
        return math.inf
    return (n * s * g + d.admin_cost_fixed) / (per_member * n) - 1.0


def compare_designs(
    designs: Mapping[str, Mapping[str, float]],
    *,
    retention: float,
    discount_rate: float,
    horizon: int | None = None,
) -> pd.DataFrame:
    """Several programme designs side by side: profit, break-even lifts, cost, member value.

    Parameters
    ----------
    designs : mapping of str to mapping
        Design name -> the keyword arguments of :func:`program_economics`.
    retention, discount_rate, horizon
        As in :func:`member_value`.

    Returns
    -------
    pandas.DataFrame
        Index ``design``; columns ``annual_profit``, ``break_even_spend_lift`` (at the
        design's retention lift), ``break_even_retention_lift`` (one-year view, at its
        spend lift), ``lifetime_break_even_retention_lift`` (:func:`break_even_retention`),
        ``cost_per_member`` (rewards and administration per member-year, Php) and
        ``value_change_per_member`` (:func:`member_value`, Php).
    """
    if not isinstance(designs, Mapping) or not designs:
        raise ValueError(f"designs must map each design name to its arguments, got {designs!r}")
    rows = []
    for name, arguments in designs.items():
        if not isinstance(arguments, Mapping):
            raise TypeError(f"designs[{name!r}] must be a mapping of arguments, got {arguments!r}")
        args = dict(arguments)
        unknown = sorted(set(args) - set(DESIGN_KEYS))
        if unknown:
            raise ValueError(f"designs[{name!r}] has unknown argument(s) {unknown}")
        econ = program_economics(**args)
        d = _design(**args)
        member_years = d.members * (1.0 + d.retention_lift)
        cost = -(
            econ["rewards_on_sales_made_anyway"]
            + econ["rewards_on_extra_sales"]
            + econ["fixed_administration"]
            + econ["administration_per_member"]
        )
        value = member_value(
            retention=retention, discount_rate=discount_rate, horizon=horizon, **args
        )
        rows.append(
            {
                "design": str(name),
                "annual_profit": float(econ["annual_profit"]),
                "break_even_spend_lift": break_even_lift(lever="spend", **args),
                "break_even_retention_lift": break_even_lift(lever="retention", **args),
                "lifetime_break_even_retention_lift": break_even_retention(
                    retention=retention, discount_rate=discount_rate, horizon=horizon, **args
                ),
                "cost_per_member": float(cost / member_years) if member_years else math.nan,
                "value_change_per_member": float(value["change_per_member"]),
            }
        )
    return pd.DataFrame(rows).set_index("design")


def profit_curve(
    spend_lifts: Iterable[float], *, retention_lifts: Iterable[float] = (0.0,), **design: float
) -> pd.DataFrame:
    """Yearly profit for a grid of spend lifts and retention lifts (for charts).

    Parameters
    ----------
    spend_lifts : iterable of float
        Spend lifts (shares, each > -1).
    retention_lifts : iterable of float
        Retention lifts (points as shares), one line each in :func:`profit_chart`.
    **design
        The other arguments of :func:`program_economics` (the lifts are taken from the
        grid).

    Returns
    -------
    pandas.DataFrame
        Tidy columns ``retention_lift``, ``spend_lift`` and ``annual_profit``.
    """
    lifts = [check_number("spend_lifts", x, minimum=-1, min_inclusive=False) for x in spend_lifts]
    kept = [check_number("retention_lifts", x, minimum=-1, maximum=1) for x in retention_lifts]
    if not lifts or not kept:
        raise ValueError("spend_lifts and retention_lifts must each hold at least one value")
    d = _design(**{k: v for k, v in design.items() if k not in ("spend_lift", "retention_lift")})
    grid_l = np.array(lifts)[None, :]
    grid_r = np.array(kept)[:, None]
    profit = _profit(d, grid_l, grid_r)
    return pd.DataFrame(
        {
            "retention_lift": np.repeat(kept, len(lifts)),
            "spend_lift": np.tile(lifts, len(kept)),
            "annual_profit": profit.ravel(),
        }
    )


def _reference_rule(axis: str, value: float, *, colour: str = "#555555") -> alt.Chart:
    """A dashed rule across the chart at ``value`` on the ``axis`` ("x" or "y")."""
    return (
        alt.Chart(pd.DataFrame({"at": [value]}))
        .mark_rule(color=colour, strokeDash=[4, 4])
        .encode(**{axis: "at:Q"})
    )


def profit_chart(
    curve: pd.DataFrame,
    *,
    chosen: tuple[float, float] | None = None,
    currency: str = "Php",
    title: str = "Yearly profit of the programme against the lift in spending",
) -> alt.LayerChart:
    """Yearly profit against the spend lift, one line per retention lift, zero marked.

    Where a line crosses zero is the break-even spend lift at that retention lift.

    Parameters
    ----------
    curve : pandas.DataFrame
        The output of :func:`profit_curve`.
    chosen : (float, float), optional
        ``(spend_lift, annual_profit)`` of the design being looked at: drawn as a point.
    currency : str
        Currency label.
    title : str
        Chart title.
    """
    check_columns("curve", curve, ["retention_lift", "spend_lift", "annual_profit"])
    check_nonempty("curve", curve)
    data = curve.assign(
        retention=(curve["retention_lift"] * 100).round(1).map("+{:g} pts retention".format)
    )
    order = list(dict.fromkeys(data.sort_values("retention_lift")["retention"]))
    tooltip = [
        alt.Tooltip("retention:N", title="Retention lift"),
        alt.Tooltip("spend_lift:Q", title="Spend lift", format=".1%"),
        alt.Tooltip("annual_profit:Q", title=f"Yearly profit ({currency})", format=",.0f"),
    ]
    lines = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("spend_lift:Q", title="Lift in members' spending", axis=alt.Axis(format="%")),
            y=alt.Y("annual_profit:Q", title=f"Yearly profit of the programme ({currency})"),
            color=alt.Color("retention:N", title="Retention lift", sort=order),
            tooltip=tooltip,
        )
    )
    zero = _reference_rule("y", 0.0)
    layers: list[alt.Chart] = [zero, lines]
    if chosen is not None:
        lift = check_number("chosen spend lift", chosen[0], minimum=-1)
        profit = check_number("chosen profit", chosen[1])
        layers.append(
            alt.Chart(pd.DataFrame({"spend_lift": [lift], "annual_profit": [profit]}))
            .mark_point(size=160, filled=True, color="#000000", shape="diamond")
            .encode(
                x="spend_lift:Q",
                y="annual_profit:Q",
                tooltip=[
                    alt.Tooltip("spend_lift:Q", title="Chosen spend lift", format=".1%"),
                    alt.Tooltip("annual_profit:Q", title=f"Profit ({currency})", format=",.0f"),
                ],
            )
        )
    return alt.LayerChart(layer=layers, title=title, width=520, height=280)


def _margins(
    d: _Design, retention: float, discount_rate: float, horizon: int | None
) -> tuple[float, float, float]:
    r0 = check_fraction("retention", retention)
    check_number("discount_rate", discount_rate, minimum=-1, maximum=1, min_inclusive=False)
    if horizon is not None:
        check_integer("horizon", horizon, minimum=1)
    m0 = d.spend_per_member * d.gross_margin
    v = d.spend_per_member * (1.0 + d.spend_lift)
    m1 = (
        v * (d.gross_margin - d.reward_rate * d.redemption_rate)
        - d.admin_cost_per_member
        - d.admin_cost_fixed / d.members
    )
    return r0, m0, m1


def member_value(
    *,
    retention: float,
    discount_rate: float,
    horizon: int | None = None,
    **design: float,
) -> pd.Series:
    """A member's lifetime value with and without the programme (through ``clv.clv``).

    Without the programme a member brings ``m0 = S g`` a year and stays with yearly
    retention ``r``. With it, ``m1 = S (1 + l)(g - k rho) - a - F / N`` (rewards and
    administration, the fixed cost shared over the members) and retention ``r + delta``.
    Each is valued with :func:`casekit.clv.clv` with the first year certain and margins
    at the end of each year (``first_period_retained=False``, the convention of a
    customer being valued now: ``m / (1 + d - r)`` for an infinite horizon)::

        change per member = clv(m1, r + delta, d) - clv(m0, r, d)

    Unlike the one-year :func:`program_economics`, this counts every later year a kept
    member stays, so the same retention lift is worth more here.

    Parameters
    ----------
    retention : float
        Members' yearly retention without the programme ``r``, in [0, 1); with the
        retention lift it must stay below 1.
    discount_rate : float
        Yearly discount rate ``d``.
    horizon : int, optional
        Years counted (None: all future years).
    **design
        The arguments of :func:`program_economics`.

    Returns
    -------
    pandas.Series
        ``margin_without``, ``margin_with`` (Php a year), ``retention_without``,
        ``retention_with``, ``clv_without``, ``clv_with``, ``change_per_member`` and
        ``change_all_members`` (Php).
    """
    d = _design(**design)
    r0, m0, m1 = _margins(d, retention, discount_rate, horizon)
    r1 = r0 + d.retention_lift
    if not 0 <= r1 < 1:
        raise ValueError(
            f"retention + retention_lift must be in [0, 1), got {r0:g} + "
            f"{d.retention_lift:g} = {r1:g}"
        )
    kw = {"horizon": horizon, "first_period_retained": False}
    without = clv.clv(m0, r0, discount_rate, **kw)
    with_program = clv.clv(m1, r1, discount_rate, **kw)
    return pd.Series(
        {
            "margin_without": m0,
            "margin_with": m1,
            "retention_without": r0,
            "retention_with": r1,
            "clv_without": without,
            "clv_with": with_program,
            "change_per_member": with_program - without,
            "change_all_members": (with_program - without) * d.members,
        }
    )


def break_even_retention(
    *,
    retention: float,
    discount_rate: float,
    horizon: int | None = None,
    **design: float,
) -> float:
    """The retention lift at which a member's lifetime value is the same with the programme.

    Solves ``clv(m1, r + delta, d) = clv(m0, r, d)`` for ``delta`` (see
    :func:`member_value`) with Brent's method (:func:`scipy.optimize.brentq`), holding the
    spend lift at the value given. Compare :func:`break_even_lift` with
    ``lever="retention"``, the one-year view: a kept member is worth more than one year's
    margin, so the lifetime break-even lift is smaller.

    Returns
    -------
    float
        The break-even retention lift (a share: 0.03 = three points); 0 or less when the
        programme pays without keeping anyone; ``inf`` when even keeping every member
        (retention just below 1) cannot pay for it.
    """
    d = _design(**design)
    r0, m0, m1 = _margins(d, retention, discount_rate, horizon)
    kw = {"horizon": horizon, "first_period_retained": False}
    target = clv.clv(m0, r0, discount_rate, **kw)

    def gap(delta: float) -> float:
        return clv.clv(m1, r0 + delta, discount_rate, **kw) - target

    if gap(0.0) >= 0:  # pays without keeping anyone: the root, if any, is at or below 0
        return -r0 if gap(-r0) >= 0 else float(optimize.brentq(gap, -r0, 0.0, xtol=1e-12))
    top = (1.0 - r0) * (1.0 - 1e-9)
    if gap(top) < 0:
        return math.inf
    return float(optimize.brentq(gap, 0.0, top, xtol=1e-12))


# =========================================================================================
# 3. Evaluation: naive, matched, difference-in-differences
# =========================================================================================


def _customers(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    amount: str | None,
    joined: str,
    acquired: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    check_columns("customers", customers, ["customer_id", joined, acquired])
    check_columns(
        "transactions", transactions, ["customer_id", "timestamp", *([amount] if amount else [])]
    )
    check_nonempty("customers", customers)
    check_nonempty("transactions", transactions)
    cu = pd.DataFrame(
        {
            "joined": as_datetime_column("customers", customers, joined).to_numpy(),
            "acquired": as_datetime_column("customers", customers, acquired).to_numpy(),
        },
        index=pd.Index(customers["customer_id"].astype(str), name="customer_id"),
    )
    if cu.index.has_duplicates:
        raise ValueError("customers['customer_id'] must be unique")
    tx = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"].astype(str).to_numpy(),
            "timestamp": as_datetime_column("transactions", transactions, "timestamp").to_numpy(),
        }
    )
    if amount:
        values = pd.to_numeric(transactions[amount], errors="coerce")
        if values.isna().any():
            raise ValueError(f"transactions[{amount!r}] must hold numbers (no missing values)")
        tx["amount"] = values.to_numpy()
    return cu, tx


def naive_comparison(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    amount: str = "spend",
    acquired_before: Any = None,
    joined: str = "club_member_since",
    acquired: str = "acquisition_date",
) -> pd.DataFrame:
    """Members against non-members in one period: the comparison a report would make.

    Members are customers who joined **before** ``start`` (members all period);
    non-members never joined; customers who joined during or after the period are left
    out. Only customers acquired before ``acquired_before`` count (default ``start``), so
    both groups had the whole period to buy; customers who bought nothing in it count
    with zero. The ratio of the two groups' spending is what a naive report calls the
    programme's effect; it mixes the effect with **self-selection** (better customers
    join).

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer: ``customer_id``, the join date (missing for non-members)
        and the acquisition date.
    transactions : pandas.DataFrame
        One row per purchase: ``customer_id``, ``timestamp`` and the ``amount`` column.
    start, end : date-like
        First and last day of the period (both included).
    amount : str
        Column of the money spent on each purchase.
    acquired_before : date-like, optional
        Only customers acquired before this day.
    joined, acquired : str
        Columns of ``customers`` with the join date and the acquisition date.

    Returns
    -------
    pandas.DataFrame
        Index ``group`` ("members", "non-members"); columns ``customers``,
        ``purchases_per_customer``, ``spend_per_customer`` and ``active_share`` (share
        who bought at least once in the period).
    """
    cu, tx = _customers(customers, transactions, amount, joined, acquired)
    first = _day("start", start)
    last = _day("end", end)
    if last < first:
        raise ValueError(f"end ({end}) must not be before start ({start})")
    cutoff = first if acquired_before is None else _day("acquired_before", acquired_before)
    inside = tx[(tx["timestamp"] >= first) & (tx["timestamp"] < last + pd.Timedelta(days=1))]
    per = inside.groupby("customer_id")["amount"].agg(["size", "sum"])
    scope = cu[cu["acquired"] < cutoff]
    group = pd.Series(
        np.where(
            scope["joined"] < first, "members", np.where(scope["joined"].isna(), "non-members", "")
        ),
        index=scope.index,
    )
    group = group[group != ""]
    stats = per.reindex(group.index, fill_value=0)
    table = pd.DataFrame(
        {
            "customers": group.groupby(group).size(),
            "purchases_per_customer": stats["size"].groupby(group).mean(),
            "spend_per_customer": stats["sum"].groupby(group).mean(),
            "active_share": (stats["size"] > 0).groupby(group).mean(),
        }
    ).reindex(["members", "non-members"])
    if table["customers"].isna().any():
        missing = table.index[table["customers"].isna()].tolist()
        raise ValueError(f"no {missing} in scope: check start, end and acquired_before")
    table["customers"] = table["customers"].astype(int)
    return table.rename_axis("group")


def evaluation_panel(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    window: int = 180,
    amount: str | None = "spend",
    seed: int = 0,
    end: Any = None,
    active_after: bool = True,
    joined: str = "club_member_since",
    acquired: str = "acquisition_date",
) -> pd.DataFrame:
    """Purchases before and after joining, for members and for a comparison group.

    Each member's **reference date** is the day they joined. Non-members get a
    **placebo date**, drawn at random from the members' join dates, so both groups are
    looked at over the same calendar (seasons, paydays, price changes). For every
    customer the panel counts purchases (and spending) in the ``window`` days before the
    reference date and in the ``window`` days after it.

    A customer is kept when they were acquired at least ``window`` days before the
    reference date (a full "before" window) and the "after" window ends by ``end``.
    With ``active_after`` (the default) they must also still buy on or after the end of
    the "after" window: the panel then compares **how often** customers buy while they
    are customers, and leaves the question of **who stays** (retention) aside. Without
    it, the members' lower drop-out, partly their own and partly the programme's, enters
    the "after" counts.

    Parameters
    ----------
    customers, transactions, joined, acquired
        As in :func:`naive_comparison`.
    window : int
        Days in each window (>= 1).
    amount : str or None
        Column of the money spent per purchase; None to count purchases only.
    seed : int
        Seed of the placebo dates (the panel is deterministic for a given seed).
    end : date-like, optional
        Last day of the data; by default the day of the last transaction.
    active_after : bool
        Keep only customers who still buy after the "after" window (see above).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id``; columns ``member`` (bool), ``reference`` (date),
        ``pre_purchases``, ``post_purchases`` and, with ``amount``, ``pre_spend`` and
        ``post_spend``. Members first, then controls.
    """
    days = check_integer("window", window, minimum=1)
    rng_seed = check_integer("seed", seed, minimum=0)
    if not isinstance(active_after, (bool, np.bool_)):
        raise TypeError(f"active_after must be True or False, got {active_after!r}")
    cu, tx = _customers(customers, transactions, amount, joined, acquired)
    last_day = tx["timestamp"].max().normalize() if end is None else _day("end", end)
    joined_at = cu["joined"].dropna()
    if joined_at.empty:
        raise ValueError(f"customers[{joined!r}] has no join dates: there are no members")
    controls = cu.index[cu["joined"].isna()]
    if len(controls) == 0:
        raise ValueError("every customer is a member: there is no comparison group")
    rng = np.random.default_rng(rng_seed)
    placebo = pd.Series(rng.choice(joined_at.to_numpy(), len(controls)), index=controls)
    reference = pd.concat([joined_at, placebo])
    member = pd.Series(
        np.r_[np.ones(len(joined_at), bool), np.zeros(len(controls), bool)], index=reference.index
    )
    span = pd.Timedelta(days=days)
    keep = (cu["acquired"].reindex(reference.index) <= reference - span) & (
        reference + span <= last_day + pd.Timedelta(days=1)
    )
    if active_after:
        last_purchase = tx.groupby("customer_id")["timestamp"].max()
        keep &= last_purchase.reindex(reference.index) >= reference + span
    reference = reference[keep]
    member = member[keep]
    x = tx.merge(reference.rename("reference"), left_on="customer_id", right_index=True)
    delta = x["timestamp"] - x["reference"]
    x["pre"] = (delta >= -span) & (delta < pd.Timedelta(0))
    x["post"] = (delta > pd.Timedelta(0)) & (delta <= span)
    panel = pd.DataFrame({"member": member, "reference": reference})
    grouped = x.groupby("customer_id")
    panel["pre_purchases"] = grouped["pre"].sum().reindex(panel.index, fill_value=0).astype(int)
    panel["post_purchases"] = grouped["post"].sum().reindex(panel.index, fill_value=0).astype(int)
    if amount:
        for side in ("pre", "post"):
            spent = x["amount"].where(x[side], 0.0).groupby(x["customer_id"]).sum()
            panel[f"{side}_spend"] = spent.reindex(panel.index, fill_value=0.0)
    if not panel["member"].any() or panel["member"].all():
        raise ValueError(
            "the panel needs both members and controls; a shorter window or "
            "active_after=False keeps more customers"
        )
    return panel.rename_axis("customer_id")


_OUTCOMES = ("purchases", "spend")


def _outcome(panel: pd.DataFrame, outcome: str) -> tuple[str, str]:
    check_one_of("outcome", outcome, _OUTCOMES)
    pre, post = f"pre_{outcome}", f"post_{outcome}"
    check_columns("panel", panel, ["member", pre, post])
    check_nonempty("panel", panel)
    member = panel["member"]
    if member.dtype != bool or member.all() or not member.any():
        raise ValueError("panel['member'] must be True/False with both members and controls")
    return pre, post


def _refuse_all_zero(
    panel: pd.DataFrame, outcome: str, columns: Sequence[str], keep: np.ndarray | None = None
) -> None:
    """Refuse a group whose outcome is zero for every customer in a window the estimate uses.

    The lift is a ratio to that group's mean, so it is undefined (and the Poisson fit
    would not converge).
    """
    member = panel["member"].to_numpy()
    rows = np.ones(len(panel), dtype=bool) if keep is None else keep
    for column in columns:
        values = panel[column].to_numpy(float)
        when = "before" if column.startswith("pre_") else "after"
        for name, in_group in (("members", member), ("controls", ~member)):
            if not (values[rows & in_group] != 0).any():
                raise ValueError(
                    f"panel[{column!r}] is 0 for every one of the {name}: they have no "
                    f"{outcome} {when} the reference date, so a lift relative to them is "
                    "undefined; use a longer window or more customers"
                )


def did_table(panel: pd.DataFrame, *, outcome: str = "purchases") -> pd.DataFrame:
    """The two-by-two table of difference-in-differences: means before and after.

    Formula (on the ratio scale, as the outcome is a count or an amount)::

        lift = (members after / members before) / (controls after / controls before) - 1

    The controls' after/before ratio is what would have happened to the members without
    the programme (seasons, prices, customers slowing down with time); the members' own
    ratio beyond it is the programme's effect. The difference between the two groups
    *before* (``members before / controls before``) is the self-selection that a naive
    comparison mistakes for an effect.

    Parameters
    ----------
    panel : pandas.DataFrame
        The output of :func:`evaluation_panel`.
    outcome : {"purchases", "spend"}
        What to compare.

    Returns
    -------
    pandas.DataFrame
        Index ``group`` ("members", "controls"); columns ``customers``, ``before``,
        ``after`` (means per customer) and ``after_over_before``.
    """
    pre, post = _outcome(panel, outcome)
    group = np.where(panel["member"], "members", "controls")
    table = pd.DataFrame(
        {
            "customers": panel.groupby(group).size(),
            "before": panel[pre].groupby(group).mean(),
            "after": panel[post].groupby(group).mean(),
        }
    ).reindex(["members", "controls"])
    if (table["before"] <= 0).any():
        raise ValueError(
            f"a group has no {outcome} before the reference date; the ratio is undefined"
        )
    table["after_over_before"] = table["after"] / table["before"]
    return table.rename_axis("group")


@dataclass(frozen=True)
class LiftEstimate:
    """An estimate of a programme's effect as a relative lift, with its interval.

    ``lift`` is a share (0.10 = members buy 10 % more because of the programme);
    ``ci_low`` and ``ci_high`` bound the confidence interval at ``level``; ``p_value``
    tests "no effect". ``members`` and ``controls`` count the customers used.
    """

    method: str
    lift: float
    ci_low: float
    ci_high: float
    p_value: float
    level: float
    members: int
    controls: int

    def as_dict(self) -> dict[str, Any]:
        """The fields as a dictionary (a row of :func:`compare_estimates`)."""
        return asdict(self)


def _poisson_lift(
    y: np.ndarray,
    x: np.ndarray,
    groups: np.ndarray | None,
    column: int,
    level: float,
) -> tuple[float, float, float, float]:
    """exp(coefficient) - 1 of a Poisson (quasi-)likelihood fit with robust errors.

    statsmodels' GLM with the Poisson family fits log E[y] = x b; with cluster-robust
    (sandwich) standard errors the estimate is valid for any non-negative outcome whose
    mean follows the model (Santos Silva & Tenreyro, 2006, "The log of gravity",
    *Review of Economics and Statistics* 88(4), 641-658), counts or amounts.
    """
    model = sm.GLM(y, x, family=sm.families.Poisson())
    if groups is None:
        fit = model.fit(cov_type="HC1")
    else:
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    low, high = fit.conf_int(alpha=1 - level)[column]
    return (
        float(np.expm1(fit.params[column])),
        float(np.expm1(low)),
        float(np.expm1(high)),
        float(fit.pvalues[column]),
    )


def _level(level: float) -> float:
    return check_number(
        "level", level, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False
    )


def naive_estimate(
    panel: pd.DataFrame, *, outcome: str = "purchases", level: float = 0.95
) -> LiftEstimate:
    """Members against controls **after** the reference date only: the naive lift.

    Formula: ``lift = mean after (members) / mean after (controls) - 1``, with a
    confidence interval from a Poisson regression on a member dummy with robust
    standard errors. It ignores that members were different before they joined.
    """
    _, post = _outcome(panel, outcome)
    conf = _level(level)
    _refuse_all_zero(panel, outcome, [post])
    member = panel["member"].to_numpy()
    x = np.column_stack([np.ones(len(panel)), member.astype(float)])
    lift, low, high, p = _poisson_lift(panel[post].to_numpy(float), x, None, 1, conf)
    return LiftEstimate(
        "naive: members vs controls after",
        lift,
        low,
        high,
        p,
        conf,
        int(member.sum()),
        int((~member).sum()),
    )


def matched_estimate(
    panel: pd.DataFrame, *, outcome: str = "purchases", cap: int = 20, level: float = 0.95
) -> LiftEstimate:
    """Members against controls who bought as often **before** the reference date.

    Exact matching on the number of purchases in the "before" window (counts of ``cap``
    or more form one stratum; Stuart, 2010): members and controls are compared only
    within a stratum. The lift is the member coefficient of a Poisson regression of the
    "after" outcome on a member dummy and one intercept per stratum, with robust
    standard errors. Strata without both members and controls are dropped (reported in
    ``members``/``controls``).

    Matching removes the part of self-selection that the matched behaviour shows. One
    window of purchases is a noisy picture of a customer's usual rate, so members still
    tend to be better customers than controls with the same count (and controls who had
    an unusually busy window fall back afterwards): some bias remains.
    """
    _, post = _outcome(panel, outcome)
    check_columns("panel", panel, ["pre_purchases"])
    conf = _level(level)
    top = check_integer("cap", cap, minimum=1)
    stratum = np.minimum(panel["pre_purchases"].to_numpy(), top)
    member = panel["member"].to_numpy()
    both = pd.crosstab(stratum, member)
    usable = both.index[(both > 0).all(axis=1)] if both.shape[1] == 2 else []
    keep = np.isin(stratum, np.asarray(usable))
    if not keep.any() or member[keep].all() or not member[keep].any():
        raise ValueError("no stratum of 'before' purchases holds both members and controls")
    _refuse_all_zero(panel, outcome, [post], keep)
    codes = pd.factorize(stratum[keep], sort=True)[0]
    dummies = np.eye(codes.max() + 1)[codes]
    x = np.column_stack([member[keep].astype(float), dummies])
    lift, low, high, p = _poisson_lift(panel[post].to_numpy(float)[keep], x, None, 0, conf)
    return LiftEstimate(
        "matched on purchases before",
        lift,
        low,
        high,
        p,
        conf,
        int(member[keep].sum()),
        int((~member[keep]).sum()),
    )


def did_estimate(
    panel: pd.DataFrame, *, outcome: str = "purchases", level: float = 0.95
) -> LiftEstimate:
    """Difference-in-differences: the members' change beyond the controls' change.

    The point estimate is the ratio of ratios of :func:`did_table`. It is computed as
    the interaction of a Poisson regression with the two rows of each customer
    (``log E[y] = b0 + b1 member + b2 after + b3 member x after``; ``lift = exp(b3) -
    1``), whose standard errors are clustered by customer because a customer's two
    windows are not independent (Angrist & Pischke, 2009, ch. 5).

    The estimate is fair if, without the programme, members' buying would have changed
    like the controls' (**parallel trends**): the fixed difference between the groups,
    the self-selection, cancels out. It does not cancel a difference in trends, such as
    members who were about to buy more anyway when they joined.
    """
    pre, post = _outcome(panel, outcome)
    conf = _level(level)
    _refuse_all_zero(panel, outcome, [pre, post])
    n = len(panel)
    member = panel["member"].to_numpy().astype(float)
    y = np.r_[panel[pre].to_numpy(float), panel[post].to_numpy(float)]
    after = np.r_[np.zeros(n), np.ones(n)]
    m2 = np.r_[member, member]
    x = np.column_stack([np.ones(2 * n), m2, after, m2 * after])
    groups = np.r_[np.arange(n), np.arange(n)]
    lift, low, high, p = _poisson_lift(y, x, groups, 3, conf)
    return LiftEstimate(
        "difference-in-differences",
        lift,
        low,
        high,
        p,
        conf,
        int(member.sum()),
        int(n - member.sum()),
    )


def compare_estimates(
    panel: pd.DataFrame, *, outcome: str = "purchases", level: float = 0.95, cap: int = 20
) -> pd.DataFrame:
    """The naive, matched and difference-in-differences estimates side by side.

    Returns
    -------
    pandas.DataFrame
        One row per method (index ``method``) with the fields of :class:`LiftEstimate`.
    """
    rows = [
        naive_estimate(panel, outcome=outcome, level=level),
        matched_estimate(panel, outcome=outcome, level=level, cap=cap),
        did_estimate(panel, outcome=outcome, level=level),
    ]
    return pd.DataFrame([r.as_dict() for r in rows]).set_index("method")


def estimates_chart(
    estimates: pd.DataFrame,
    *,
    title: str = "How much more do members buy because of the programme?",
) -> alt.LayerChart:
    """Each estimate of the lift as a point with its confidence interval.

    Parameters
    ----------
    estimates : pandas.DataFrame
        The output of :func:`compare_estimates` (index ``method``; ``lift``,
        ``ci_low``, ``ci_high``).
    title : str
        Chart title.
    """
    check_columns("estimates", estimates.reset_index(), ["method", "lift", "ci_low", "ci_high"])
    check_nonempty("estimates", estimates)
    data = estimates.reset_index()[["method", "lift", "ci_low", "ci_high"]]
    order = list(data["method"])
    y = alt.Y("method:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    tooltip = [
        alt.Tooltip("method:N", title="Method"),
        alt.Tooltip("lift:Q", title="Lift", format=".1%"),
        alt.Tooltip("ci_low:Q", title="Interval from", format=".1%"),
        alt.Tooltip("ci_high:Q", title="Interval to", format=".1%"),
    ]
    bars = (
        alt.Chart(data)
        .mark_rule(strokeWidth=3)
        .encode(
            x=alt.X(
                "ci_low:Q",
                title="Estimated lift in purchases (with 95 % interval)",
                axis=alt.Axis(format="%"),
            ),
            x2="ci_high:Q",
            y=y,
            color=alt.Color("method:N", legend=None, sort=order),
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(size=140, filled=True)
        .encode(
            x="lift:Q", y=y, color=alt.Color("method:N", legend=None, sort=order), tooltip=tooltip
        )
    )
    zero = _reference_rule("x", 0.0)
    return alt.LayerChart(
        layer=[zero, bars, points], title=title, width=520, height=40 * len(data) + 40
    )


# =========================================================================================
# 4. Monitoring: KPIs against objectives
# =========================================================================================


def club_kpis(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    loyalty_events: pd.DataFrame,
    *,
    year: int,
    amount: str = "spend",
    admin_cost: float = 0.0,
    joined: str = "club_member_since",
    acquired: str = "acquisition_date",
) -> pd.Series:
    """The standard KPIs of a loyalty programme for one calendar year, from the data.

    * ``enrolment``: members (joined by the end of the year) among the customers who
      bought in the year;
    * ``new_members``: customers who joined in the year;
    * ``buying_members``: members who bought in the year (the base of the per-member
      KPIs);
    * ``active_members``: members who joined before the year and bought in it, as a
      share of all members who joined before the year;
    * ``member_retention``: of the members (joined before the year) who bought in the
      year before, the share who bought again in the year;
    * ``non_member_retention``: the same for customers who never joined (a naive
      benchmark: self-selection makes it look worse than it is);
    * ``redemption_rate`` and ``breakage``: points redeemed over points issued in the
      year (:func:`points_summary`);
    * ``spend_per_member``: spending per member who bought in the year (Php);
    * ``reward_cost_per_member`` and ``cost_per_member``: reward cost, and reward cost
      plus ``admin_cost``, per member who bought in the year (Php).

    Parameters
    ----------
    customers, transactions, amount, joined, acquired
        As in :func:`naive_comparison`.
    loyalty_events : pandas.DataFrame
        The programme's event log (as in :func:`points_summary`).
    year : int
        The calendar year.
    admin_cost : float
        The programme's administration cost in the year (Php, >= 0).

    Returns
    -------
    pandas.Series
        The KPIs above, in that order.
    """
    y = check_integer("year", year, minimum=1900)
    admin = check_number("admin_cost", admin_cost, minimum=0)
    cu, tx = _customers(customers, transactions, amount, joined, acquired)
    start, stop = pd.Timestamp(y, 1, 1), pd.Timestamp(y + 1, 1, 1)
    this = tx[(tx["timestamp"] >= start) & (tx["timestamp"] < stop)]
    if this.empty:
        raise ValueError(f"transactions has no purchases in {y}")
    before = tx[(tx["timestamp"] >= pd.Timestamp(y - 1, 1, 1)) & (tx["timestamp"] < start)]
    active = pd.Index(this["customer_id"].unique())
    joined_at = cu["joined"]
    old_members = cu.index[joined_at < start]
    members_by_end = joined_at.reindex(active) < stop
    active_members = active[members_by_end.to_numpy()]
    prior = pd.Index(before["customer_id"].unique())
    never = cu.index[joined_at.isna()]

    def kept(group: pd.Index) -> float:
        base = prior.intersection(group)
        return float(base.isin(active).mean()) if len(base) else math.nan

    points = points_summary(loyalty_events, start=start, end=stop - pd.Timedelta(days=1))
    spend = this[this["customer_id"].isin(active_members)]["amount"].sum()
    n_active = len(active_members)
    if n_active == 0:
        raise ValueError(f"no member bought in {y}")
    return pd.Series(
        {
            "enrolment": float(members_by_end.mean()),
            "new_members": float(((joined_at >= start) & (joined_at < stop)).sum()),
            "buying_members": float(n_active),
            "active_members": float(old_members.isin(active).mean())
            if len(old_members)
            else math.nan,
            "member_retention": kept(old_members),
            "non_member_retention": kept(never),
            "redemption_rate": points["redemption_rate"],
            "breakage": points["breakage"],
            "spend_per_member": float(spend / n_active),
            "reward_cost_per_member": points["reward_cost"] / n_active,
            "cost_per_member": (points["reward_cost"] + admin) / n_active,
        }
    )


def club_design(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    loyalty_events: pd.DataFrame,
    *,
    year: int,
    points_per_peso: float,
    admin_cost_fixed: float = 0.0,
    admin_cost_per_member: float = 0.0,
    amount: str = "spend",
    margin: str = "margin",
    joined: str = "club_member_since",
    acquired: str = "acquisition_date",
) -> dict[str, float]:
    """A running programme's design read from its data, for :func:`program_economics`.

    * ``members``: members who bought in ``year`` (:func:`club_kpis`);
    * ``spend_per_member``: their spending in the year (today's spending, lift included);
    * ``gross_margin``: margin over spending of the purchases of customers who were
      members by the end of the year;
    * ``reward_rate``: ``points_per_peso`` x the cost per point redeemed in the year
      (:func:`reward_rate`, :func:`points_summary`);
    * ``redemption_rate``: points redeemed over points issued in the year;
    * the two administration costs as given (they are not in the data).

    The lifts are left out: they are what an evaluation has to estimate.

    Parameters
    ----------
    customers, transactions, loyalty_events, year, amount, joined, acquired
        As in :func:`club_kpis`.
    points_per_peso : float
        Points a member earns per peso spent (Cedar Lane: 1 / 50).
    admin_cost_fixed, admin_cost_per_member : float
        As in :func:`program_economics`.
    margin : str
        Column of ``transactions`` with the margin of each purchase.

    Returns
    -------
    dict
        Keyword arguments for :func:`program_economics` and its relatives.
    """
    y = check_integer("year", year, minimum=1900)
    check_columns("transactions", transactions, [margin, amount])
    kpis = club_kpis(
        customers,
        transactions,
        loyalty_events,
        year=y,
        amount=amount,
        joined=joined,
        acquired=acquired,
    )
    points = points_summary(loyalty_events, start=f"{y}-01-01", end=f"{y}-12-31")
    cu, _ = _customers(customers, transactions, amount, joined, acquired)
    when = as_datetime_column("transactions", transactions, "timestamp")
    stop = pd.Timestamp(y + 1, 1, 1)
    in_year = ((when >= pd.Timestamp(y, 1, 1)) & (when < stop)).to_numpy()
    joined_at = cu["joined"].reindex(transactions["customer_id"].astype(str)).to_numpy()
    members = in_year & (joined_at < stop)
    spent = pd.to_numeric(transactions[amount], errors="coerce").to_numpy()[members].sum()
    earned = pd.to_numeric(transactions[margin], errors="coerce").to_numpy()[members].sum()
    if not spent > 0:
        raise ValueError(f"members spent nothing in {year}: the margin rate is undefined")
    return {
        "members": float(kpis["buying_members"]),
        "spend_per_member": float(kpis["spend_per_member"]),
        "gross_margin": float(earned / spent),
        "reward_rate": reward_rate(points_per_peso, points["cost_per_point"]),
        "redemption_rate": float(points["redemption_rate"]),
        "admin_cost_fixed": check_number("admin_cost_fixed", admin_cost_fixed, minimum=0),
        "admin_cost_per_member": check_number(
            "admin_cost_per_member", admin_cost_per_member, minimum=0
        ),
    }


def kpi_scorecard(
    values: Mapping[str, float], objectives: Mapping[str, tuple[float, str]]
) -> pd.DataFrame:
    """Each KPI against the objective its managers set, with what is off target.

    The comparison is :func:`casekit.service.monitoring_table` for one period (the same
    rules as lesson 06's service scorecard): a KPI is met when it is at least its target
    ("higher" is better) or at most its target ("lower" is better).

    Parameters
    ----------
    values : mapping of str to float
        KPI name -> its value (from :func:`club_kpis`, an estimate, a survey ...).
    objectives : mapping of str to (float, str)
        KPI name -> ``(target, better)`` with better "higher" or "lower". Every KPI named
        here needs a value; values without an objective are left out.

    Returns
    -------
    pandas.DataFrame
        One row per objective, in its order: ``kpi``, ``value``, ``target``, ``better``,
        ``met`` (bool), ``gap`` (signed so that negative is short of the target) and
        ``attainment`` (value / target for "higher", target / value for "lower"; 1 or
        more is met; for a target of 0 the ratio is undefined, so it is 1 when met and 0
        when missed).
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must map KPI names to numbers, got {type(values).__name__}")
    if not isinstance(objectives, Mapping) or not objectives:
        raise ValueError(
            "objectives must map each KPI to (target, better), e.g. "
            "{'redemption_rate': (0.6, 'higher')}"
        )
    missing = [k for k in objectives if k not in values]
    if missing:
        raise ValueError(
            f"objectives name KPI(s) {missing} that have no value; values has {list(values)}"
        )
    for kpi, objective in objectives.items():
        if (
            not isinstance(objective, (tuple, list))
            or len(objective) != 2
            or isinstance(objective[0], (bool, np.bool_))
            or not isinstance(objective[0], numbers.Real)
            or not math.isfinite(float(objective[0]))
            or objective[1] not in ("higher", "lower")
        ):
            raise ValueError(
                f"objectives[{kpi!r}] must be (target, better) with a finite number as the "
                f"target and better 'higher' or 'lower', got {objective!r}"
            )
    row = {"period": "current"}
    for kpi in objectives:
        value = values[kpi]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"values[{kpi!r}] must be a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise ValueError(f"values[{kpi!r}] must be a finite number, got {value!r}")
        row[kpi] = float(value)
    table = service.monitoring_table(pd.DataFrame([row]), dict(objectives))
    table = table.drop(columns="period").rename(columns={"measure": "kpi", "standard": "target"})
    value, target = table["value"], table["target"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(table["better"] == "higher", value / target, target / value)
    table["attainment"] = np.where(np.isfinite(ratio), ratio, np.where(table["met"], 1.0, 0.0))
    return table


def kpi_chart(card: pd.DataFrame, *, title: str = "KPIs against objectives") -> alt.LayerChart:
    """Attainment of each KPI (100 % = on target), coloured by met or missed.

    Parameters
    ----------
    card : pandas.DataFrame
        The output of :func:`kpi_scorecard`.
    title : str
        Chart title.
    """
    check_columns("card", card, ["kpi", "value", "target", "met", "attainment"])
    check_nonempty("card", card)
    data = card.assign(
        status=np.where(card["met"], "met", "missed"),
        kpi=card["kpi"].astype(str).str.replace("_", " "),
    )
    order = list(data["kpi"])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "attainment:Q", title="Attainment (100 % = on target)", axis=alt.Axis(format="%")
            ),
            y=alt.Y("kpi:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "status:N",
                title="Objective",
                scale=alt.Scale(domain=["met", "missed"], range=["#009E73", "#D55E00"]),
            ),
            tooltip=[
                alt.Tooltip("kpi:N", title="KPI"),
                alt.Tooltip("value:Q", title="Value", format=",.3~f"),
                alt.Tooltip("target:Q", title="Target", format=",.3~f"),
                alt.Tooltip("attainment:Q", title="Attainment", format=".0%"),
            ],
        )
    )
    target = _reference_rule("x", 1.0, colour="#000000")
    return alt.LayerChart(layer=[bars, target], title=title, width=480, height=28 * len(data) + 20)

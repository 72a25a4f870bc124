"""Case: Harbor Spa, is the membership worth fighting for?

September 2024. Cancellations worry Harbor Spa's owner. The membership manager wants
to give a free month to every member whose visits have fallen off; the marketing lead
wants a points programme on treatments. Which members are worth fighting for, with
what offer, and how would the programme be judged?

The case uses the course's Harbor Spa tables (:func:`casekit.cases.load`, any seed), as
known on the case date (:func:`known_tables`), and one helper that turns the visit log
into each member's recent and usual visit rates (:func:`visit_rates`), so that a warning
sign can be defined and back-tested. The analysis is done in the worksheet with the
lesson functions (:mod:`casekit.clv`, :mod:`casekit.clv_models`, :mod:`casekit.programs`).
"""

from __future__ import annotations

import functools

import pandas as pd

from casekit import cases

__all__ = [
    "BACKTEST_DAYS",
    "CASE_DATE",
    "COMPETITOR",
    "MIN_TENURE_DAYS",
    "MONTH_DAYS",
    "OUTCOME_DAYS",
    "WINDOW_DAYS",
    "facts",
    "known_tables",
    "story",
    "visit_rates",
]

#: The day of the case: what happened before it is known.
CASE_DATE = pd.Timestamp("2024-09-01")
#: The days of the back-test: flag members on each, then see who cancelled soon after.
BACKTEST_DAYS = tuple(pd.date_range("2024-02-01", "2024-07-01", freq="MS"))
#: A member's recent visits are those of the last WINDOW_DAYS days before a day.
WINDOW_DAYS = 61
#: Days after a back-test day in which a cancellation counts.
OUTCOME_DAYS = 31
#: Members are judged on their visits only after this many days of membership.
MIN_TENURE_DAYS = 120
#: Days in an average month.
MONTH_DAYS = 365.25 / 12
#: The new rival of the story (fictional).
COMPETITOR = "Tidewater Wellness Club"


@functools.lru_cache(maxsize=4)
def _known(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    members = cases.load("harbor_members", seed)
    visits = cases.load("harbor_visits", seed)
    members = members[members["joined"] < CASE_DATE].copy()
    later = members["cancelled"] >= CASE_DATE
    members.loc[later, "cancelled"] = pd.NaT
    members.loc[later, "cancel_reason"] = pd.NA
    visits = visits[
        (visits["timestamp"] < CASE_DATE) & visits["member_id"].isin(members["member_id"])
    ]
    return members.reset_index(drop=True), visits.reset_index(drop=True)


def known_tables(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Harbor Spa's members and visits as known on :data:`CASE_DATE`.

    Members who joined before the case date, with cancellations after it erased (they
    had not happened yet), and the visits before it.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``members`` and ``visits``, with the columns of ``harbor_members`` and
        ``harbor_visits``.
    """
    members, visits = _known(cases._check_seed(seed))
    return members.copy(), visits.copy()


def visit_rates(members: pd.DataFrame, visits: pd.DataFrame, on: object) -> pd.DataFrame:
    """Each member's recent and usual visits per month, as seen on day ``on``.

    Only members still paying on ``on`` (not cancelled on or before it) who joined at
    least :data:`MIN_TENURE_DAYS` days before it are listed.

    * ``recent_rate``: visits in the :data:`WINDOW_DAYS` days before ``on``, per month;
    * ``usual_rate``: visits from joining to the start of that window, per month;

    with months of :data:`MONTH_DAYS` days.

    Parameters
    ----------
    members, visits : pandas.DataFrame
        Harbor Spa's members (``member_id``, ``plan``, ``monthly_fee``, ``joined``,
        ``cancelled``) and visits (``member_id``, ``timestamp``).
    on : date-like
        The day of the look.

    Returns
    -------
    pandas.DataFrame
        ``member_id``, ``plan``, ``monthly_fee``, ``joined``, ``cancelled``,
        ``recent_visits``, ``usual_visits``, ``recent_rate``, ``usual_rate``.
    """
    day = pd.Timestamp(on)
    window_start = day - pd.Timedelta(days=WINDOW_DAYS)
    paying = members["cancelled"].isna() | (members["cancelled"] > day)
    long_enough = members["joined"] <= day - pd.Timedelta(days=MIN_TENURE_DAYS)
    table = members.loc[
        paying & long_enough, ["member_id", "plan", "monthly_fee", "joined", "cancelled"]
    ].copy()
    seen = visits[visits["timestamp"] < day]
    recent = seen[seen["timestamp"] >= window_start].groupby("member_id").size()
    usual = seen[seen["timestamp"] < window_start].groupby("member_id").size()
    table["recent_visits"] = table["member_id"].map(recent).fillna(0).astype(int)
    table["usual_visits"] = table["member_id"].map(usual).fillna(0).astype(int)
    table["recent_rate"] = table["recent_visits"] / (WINDOW_DAYS / MONTH_DAYS)
    usual_months = (window_start - table["joined"]).dt.days / MONTH_DAYS
    table["usual_rate"] = table["usual_visits"] / usual_months
    return table.reset_index(drop=True)


@functools.lru_cache(maxsize=4)
def _facts(seed: int) -> dict[str, object]:
    members, _ = _known(seed)
    active = members[members["cancelled"].isna()]
    year_ago = CASE_DATE - pd.DateOffset(years=1)
    left = members[members["cancelled"] >= year_ago]
    joined = members[members["joined"] >= year_ago]
    return {
        "active": len(active),
        "premium": int((active["plan"] == "Premium").sum()),
        "left": len(left),
        "joined": len(joined),
        "to_competitor": int((left["cancel_reason"] == "joined a competitor").sum()),
        "not_using": int((left["cancel_reason"] == "not using it enough").sum()),
        "fees": float(active["monthly_fee"].sum()),
    }


def facts(seed: int) -> dict[str, object]:
    """The numbers the story quotes, for the ``seed`` variant.

    Returns
    -------
    dict
        ``active`` members on the case date (``premium`` of them on the Premium plan)
        and their monthly ``fees`` (Php); members who ``left`` and who ``joined`` in
        the twelve months before it, and how many of those who left gave "joined a
        competitor" (``to_competitor``) or "not using it enough" (``not_using``).
    """
    return dict(_facts(cases._check_seed(seed)))


def story(seed: int, *, offer_cost: float = 600, **_: object) -> str:
    """The opening of the case, as Markdown, with the numbers of the ``seed`` variant."""
    f = facts(seed)
    return f"""\
**Monday, 2 September 2024, Harbor Spa, Pasig.** Liza Manalo opened Harbor Spa as a
sports-recovery centre and day spa, sold by monthly membership on three plans: Basic
(Php 1,800 a month), Plus (Php 3,200) and Premium (Php 5,500). This morning **{f["active"]}
members** pay her **Php {f["fees"]:,.0f} a month** in fees, {f["premium"]} of them on
Premium; on top, members pay for treatments at each visit. Paolo, a triathlete and one of
her first Premium members, spends about Php 2,300 a visit, twice a month: the spa example
of the course notes.

But the list of cancellations is long. In the last twelve months **{f["left"]} members
left** while {f["joined"]} joined. {f["not_using"]} of those who left said they were "not
using it enough", and {f["to_competitor"]} said they had joined a competitor: since
March, {COMPETITOR} has been selling cheaper memberships two streets away.

Two proposals are on Liza's desk. Carlo Bautista, the membership manager, has noticed
that members often stop coming before they cancel. He wants to give **a free month** to
every member whose visits have fallen to less than half their usual pace. Joanna Yap,
who runs marketing, thinks a free month teaches members to threaten to leave; she would
rather offer a complimentary treatment (it costs the spa about **Php {offer_cost:,.0f}**)
and launch **Harbor Points**, a points programme on treatments, to give every member a
reason to come back. Liza's accountant reminds everyone that every peso of discount comes
out of margin.

**Your brief:** tell Liza what a member of each plan is worth, whether the warning sign
is real and how well it predicts, which members an offer should go to and which offer
pays, and how she should judge Harbor Points if she launches it.
"""

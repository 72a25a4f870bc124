"""Case: Cedar Lane Market, complaints are rising.

January 2025. Complaints at Cedar Lane rose through 2024 and the board wants to know
why, what they cost, and what to do: switch the courier back, answer complaints
faster, staff the phones to a standard, look after the customers most at risk.

The case uses the course's Cedar Lane tables (:func:`casekit.cases.load`, any seed) and
the phone rota of the contact centre (:data:`PHONE_ROTA`), the staffing plan the
generator used for the waiting times (callers who wait longer than they are willing to
hang up: the log marks them ``abandoned``). The analysis is done in the worksheet with the
lesson functions (:mod:`casekit.complaints`, :mod:`casekit.service` and
:mod:`casekit.segments`).
"""

from __future__ import annotations

import functools

import pandas as pd

from casekit import cases, complaints, service
from casekit.world import cedar_lane as world

__all__ = [
    "CASE_DATE",
    "COURIER_CHANGE",
    "PHONE_ROTA",
    "QUARTER_START",
    "WEEKDAYS",
    "YEAR",
    "facts",
    "story",
]

#: The day of the case (the board meets a week later); the data end on 31 December 2024.
CASE_DATE = pd.Timestamp("2025-01-13")
#: The year under review, and the first day of its last quarter.
YEAR = 2024
QUARTER_START = pd.Timestamp("2024-10-01")
#: The day the online shop moved to a cheaper courier.
COURIER_CHANGE = world.SERVICE_CHANGE
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_HOURS = list(range(8, 20))

#: Phone agents on duty in each opening hour (columns 8-19: 08:00-20:00) of each
#: weekday, as the contact centre's rota stands: the same every week of the year.
PHONE_ROTA = pd.DataFrame(
    [world.PHONE_STAFF_WEEKDAY[_HOURS]] * 5 + [world.PHONE_STAFF_WEEKEND[_HOURS]] * 2,
    index=pd.Index(WEEKDAYS, name="weekday"),
    columns=pd.Index(_HOURS, name="hour"),
)


@functools.lru_cache(maxsize=2)
def _facts(seed: int) -> dict[str, object]:
    log = cases.load("cedar_complaints", seed)
    purchases = cases.load("cedar_transactions", seed)
    calls = cases.load("cedar_service_contacts", seed)
    yearly = complaints.complaint_volume(log, freq="Y", purchases=purchases).set_index("period")
    by_year = yearly.set_axis(yearly.index.year)
    late = log[log["category"] == "late or missing delivery"]
    late_by_year = late.groupby(late["received"].dt.year).size()
    this_year = log[log["received"].dt.year == YEAR]
    phone = calls[(calls["channel"] == "phone") & (calls["timestamp"] >= QUARTER_START)]
    monday = phone["timestamp"].dt.day_of_week == 0
    answer = functools.partial(service.time_to_answer, wait="wait_seconds", abandoned="abandoned")
    gave_up = functools.partial(service.abandonment_rate, abandoned="abandoned")
    return {
        "complaints_before": int(by_year.loc[YEAR - 1, "complaints"]),
        "complaints": int(by_year.loc[YEAR, "complaints"]),
        "rate_before": float(by_year.loc[YEAR - 1, "per_1000"]),
        "rate": float(by_year.loc[YEAR, "per_1000"]),
        "late_before": int(late_by_year.get(YEAR - 1, 0)),
        "late": int(late_by_year.get(YEAR, 0)),
        "slow_share": float((this_year["first_response_hours"] > 24).mean()),
        "social": int((this_year["channel"] == "social media").sum()),
        "monday_abandoned": float(gave_up(phone[monday])),
        "other_abandoned": float(gave_up(phone[~monday])),
        "monday_wait": float(answer(phone[monday])),
        "other_wait": float(answer(phone[~monday])),
    }


def facts(seed: int) -> dict[str, object]:
    """The numbers the story quotes, for the ``seed`` variant.

    Returns
    -------
    dict
        Complaints in the year before and in :data:`YEAR` (``complaints_before``,
        ``complaints``), per 1,000 purchases (``rate_before``, ``rate``), the late or
        missing delivery complaints of each (``late_before``, ``late``), the share of
        :data:`YEAR`'s complaints first answered after more than a day
        (``slow_share``), those that came by social media (``social``), and for the phone
        calls of the last quarter, on Mondays and on other days: the share abandoned
        before anyone answered (``monday_abandoned``, ``other_abandoned``) and the mean
        wait of the calls answered, in seconds (the average speed of answer;
        ``monday_wait``, ``other_wait``).
    """
    return dict(_facts(cases._check_seed(seed)))


def story(
    seed: int,
    *,
    courier_saving: float = 650_000,
    target: float = 0.80,
    answer_time: float = 20,
    **_: object,
) -> str:
    """The opening of the case, as Markdown, with the numbers of the ``seed`` variant."""
    f = facts(seed)
    rota = int(PHONE_ROTA.to_numpy().sum())
    return f"""\
**Monday, 13 January 2025, Cedar Lane Market's head office in Cubao.** The board meets
next Monday, and its chair, Victor Tan, has asked one question in advance: *why are
complaints rising, and what are we doing about it?*

Mara Santos, head of customer service, has the numbers. Cedar Lane received **{f["complaints"]:,}
complaints in {YEAR}** against {f["complaints_before"]:,} in {YEAR - 1}: {f["rate"]:.1f} per
1,000 purchases, up from {f["rate_before"]:.1f}. Complaints about late or missing
deliveries went from {f["late_before"]} to **{f["late"]}**. {f["social"]} complaints came in
through social media, where everyone can read them, and {f["slow_share"]:.0%} of the year's
complainants waited more than a day for a first answer. On the phone, in the last quarter,
{f["monday_abandoned"]:.0%} of Monday callers hung up before anyone answered, against
{f["other_abandoned"]:.0%} on other days, and those who got through waited {f["monday_wait"]:.0f}
seconds on average against {f["other_wait"]:.0f}; the rota puts {rota} agent-hours a week on the
phones, the same every week.

Ernesto Reyes, the chief operating officer, moved the online shop to a cheaper courier on
{COURIER_CHANGE:%-d %B %Y}: it saves **Php {courier_saving:,.0f} a year**, and he says
complaints were rising anyway as the business grew. Bianca Soriano, the CFO, wants to know
what the complaints cost before anyone spends money on them. Jomar Cruz, who runs the
contact centre, says he cannot answer faster without more people. Mara thinks the real
damage is quieter: customers who complain and are handled badly stop buying, and most
unhappy customers never complain at all.

**Your brief:** prepare Mara's memo to the board: what is driving the complaints and since
when, what slow handling costs and what faster handling is worth, what it takes to staff
the phones to the standard of {target:.0%} of calls answered within {answer_time:g} seconds, which
customers are at risk and what they are worth, and what Cedar Lane should do.
"""

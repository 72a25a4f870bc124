"""Measure the planted effects of the synthetic world, for the instructor notes.

Each function takes the world's tables (as loaded or as generated) and measures one
effect the simple way a lesson would; :func:`notes` turns the measurements and the true
sizes (the generators' constants) into the Markdown of ``datasets/README.md``. The tests
use the same functions to check that the committed data carry each effect.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from casekit import catalog
from casekit.world import cedar_lane as cl
from casekit.world import harbor_spa as hs
from casekit.world import kestrel as ks

__all__ = [
    "bottleneck",
    "club_effect",
    "complaint_effects",
    "contact_peaks",
    "membership_retention",
    "notes",
    "survey_shift",
    "whale_curve",
]

Frames = Mapping[str, pd.DataFrame]
_END = pd.Timestamp("2024-12-31 23:59:59")


def _window_counts(
    tx: pd.DataFrame, ref: pd.Series, before: float, after: float, gap: float = 0.0
) -> tuple[float, float]:
    """Purchases in ``[ref - before, ref - gap)`` and ``(ref, ref + after]`` (days)."""
    x = tx[["customer_id", "timestamp"]].merge(
        ref.rename("ref"), left_on="customer_id", right_index=True
    )
    delta = (x["timestamp"] - x["ref"]).dt.total_seconds() / 86_400
    pre = ((delta >= -before) & (delta < -gap)).sum()
    post = ((delta > 0) & (delta <= after)).sum()
    return float(pre), float(post)


def club_effect(frames: Frames, *, window: int = 180, seed: int = 0) -> dict[str, float]:
    """The Shopper's Club: naive gap, self-selection, and a before/after estimate.

    * ``naive_ratio``: mean 2024 spend (gross - discount) of members who joined before
      2024 over that of customers who never joined (customers acquired before 2023);
    * ``pre_ratio``: purchases in the ``window`` days before joining, members over
      non-members at placebo dates drawn from the members' join dates (selection);
    * ``did_lift``: purchases in the ``window`` days after / before the date, members
      relative to non-members, minus 1, among customers acquired ``window`` days before
      the date who still bought ``window`` days after it (an estimate of the causal lift).
    """
    cu, tx = frames["cedar_customers"], frames["cedar_transactions"]
    spend = tx["gross"] - tx["discount"]
    in_2024 = tx["timestamp"].dt.year == 2024
    spend24 = spend[in_2024].groupby(tx.loc[in_2024, "customer_id"]).sum()
    old = cu[cu["acquisition_date"] < "2023-01-01"].set_index("customer_id")
    s24 = spend24.reindex(old.index, fill_value=0.0)
    member = old["club_member_since"] < "2024-01-01"
    never = old["club_member_since"].isna()
    naive = s24[member].mean() / s24[never].mean()

    rng = np.random.default_rng(seed)
    c = cu.set_index("customer_id")
    joined = c["club_member_since"].dropna()
    non = c.index[c["club_member_since"].isna()]
    placebo = pd.Series(rng.choice(joined.to_numpy(), len(non)), index=non)
    last = tx.groupby("customer_id")["timestamp"].max()
    span = pd.Timedelta(days=window)
    out = {}
    for label, ref in (("members", joined), ("controls", placebo)):
        ok = (c["acquisition_date"].reindex(ref.index) <= ref - span) & (
            last.reindex(ref.index) >= ref + span
        )
        pre, post = _window_counts(tx, ref[ok], window, window)
        out[label] = (pre, post, int(ok.sum()))
    pre_m = out["members"][0] / out["members"][2]
    pre_c = out["controls"][0] / out["controls"][2]
    lift = (out["members"][1] / out["members"][0]) / (out["controls"][1] / out["controls"][0])
    return {
        "naive_ratio": float(naive),
        "pre_ratio": float(pre_m / pre_c),
        "did_lift": float(lift - 1),
        "members": out["members"][2],
        "controls": out["controls"][2],
    }


def customer_profit(frames: Frames) -> pd.Series:
    """Profit of each Cedar Lane customer over 2021-2024 (Php), after cost to serve.

    Margin of the baskets kept, minus the rates of :data:`casekit.catalog.COST_TO_SERVE`
    (per transaction, per online order plus its delivery cost, per return, per minute of
    service contacts), goodwill compensation and the cost of loyalty rewards.
    """
    rate = {k: v[0] for k, v in catalog.COST_TO_SERVE.items()}
    cu, tx = frames["cedar_customers"], frames["cedar_transactions"]
    online = tx["channel"] == "online"
    per_tx = (
        tx["margin"].where(~tx["returned"], 0.0)
        - rate["transaction"]
        - online * rate["online_order"]
        - tx["delivery_cost"]
        - tx["returned"] * rate["return"]
    )
    profit = per_tx.groupby(tx["customer_id"]).sum().reindex(cu["customer_id"], fill_value=0.0)
    sc = frames["cedar_service_contacts"].dropna(subset=["customer_id"])
    minutes = sc.groupby("customer_id")["handle_seconds"].sum() / 60
    extra = (
        minutes.reindex(profit.index, fill_value=0.0) * rate["contact_minute"]
        + frames["cedar_complaints"]
        .groupby("customer_id")["compensation"]
        .sum()
        .reindex(profit.index, fill_value=0.0)
        + frames["cedar_loyalty_events"]
        .groupby("customer_id")["reward_cost"]
        .sum()
        .reindex(profit.index, fill_value=0.0)
    )
    return profit - extra


def whale_curve(frames: Frames) -> dict[str, float]:
    """Shape of the whale curve of customer profitability (see :func:`customer_profit`)."""
    profit = customer_profit(frames).sort_values(ascending=False)
    cum = profit.cumsum() / profit.sum()
    n = len(profit)
    return {
        "total_profit": float(profit.sum()),
        "peak": float(cum.max()),
        "customers_at_peak": float((int(np.argmax(cum.to_numpy())) + 1) / n),
        "top20_share": float(cum.iloc[int(0.2 * n) - 1]),
        "unprofitable_share": float((profit < 0).mean()),
    }


def complaint_effects(frames: Frames, *, window: int = 180) -> dict[str, dict]:
    """Repurchase after complaints by response speed and by satisfaction with the handling.

    ``before_after`` is, for complainants acquired at least ``window`` days before their
    complaint and with ``window`` days of records after it, purchases in the ``window``
    days after the complaint over those in the ``window`` days before it (the three days
    before the complaint left out); ``baseline`` is the same ratio for customers who
    never complained, around one random purchase of theirs.
    """
    cu, tx, cp = (frames[k] for k in ("cedar_customers", "cedar_transactions", "cedar_complaints"))
    hours = pd.cut(
        cp["first_response_hours"],
        [0, 1, 4, 24, np.inf],
        labels=["up to 1 h", "1-4 h", "4-24 h", "over 24 h"],
    )
    by_speed = cp.groupby(hours, observed=True)["purchased_within_90d"].mean()
    by_sat = cp.groupby("satisfaction_after")["purchased_within_90d"].mean()
    acq = cu.set_index("customer_id")["acquisition_date"]
    span = pd.Timedelta(days=window)
    c = cp.set_index("customer_id")
    ok = (acq.reindex(c.index) <= c["received"] - span) & (c["received"] + span <= _END)
    ratios = {}
    for level, group in c[ok].groupby("satisfaction_after"):
        pre, post = _window_counts(tx, group["received"], window, window, gap=3)
        ratios[int(level)] = post / pre
    quiet = tx[~tx["customer_id"].isin(cp["customer_id"])]
    one = quiet.groupby("customer_id").sample(1, random_state=0).set_index("customer_id")
    ref = one["timestamp"] + pd.Timedelta(days=1)
    keep = (acq.reindex(ref.index) <= ref - span) & (ref + span <= _END)
    pre, post = _window_counts(tx, ref[keep], window, window, gap=3)
    return {
        "repurchase_by_speed": {str(k): float(v) for k, v in by_speed.items()},
        "repurchase_by_satisfaction": {int(k): float(v) for k, v in by_sat.items()},
        "before_after": ratios,
        "baseline": {"ratio": post / pre},
    }


def bottleneck(frames: Frames) -> pd.DataFrame:
    """On-time, complete-order and line-fill rates by warehouse, before and after the fix."""
    o = frames["kestrel_orders"]
    period = np.where(o["ordered"] < ks.FIX_DATE, "before fix", "after fix")
    table = pd.DataFrame(
        {
            "warehouse": o["warehouse"].astype(str),
            "period": period,
            "on_time": o["delivered"] <= o["promised"],
            "complete": o["lines_filled"] == o["lines_ordered"],
            "lines_ordered": o["lines_ordered"],
            "lines_filled": o["lines_filled"],
        }
    )
    g = table.groupby(["warehouse", "period"])
    out = g[["on_time", "complete"]].mean()
    out["line_fill"] = g["lines_filled"].sum() / g["lines_ordered"].sum()
    return out


def account_losses(frames: Frames) -> pd.Series:
    """Share of each warehouse's accounts that ended their contract in 2021-2024."""
    a = frames["kestrel_accounts"]
    return a["contract_end"].notna().groupby(a["warehouse"].astype(str)).mean()


def survey_shift(frames: Frames) -> pd.DataFrame:
    """Mean expectation, perception and competitor rating by dimension and wave."""
    sv = frames["cedar_surveys"]
    return sv.groupby(["dimension", "wave"], observed=True)[
        ["expectation", "perception", "competitor"]
    ].mean()


def contact_peaks(frames: Frames) -> dict[str, object]:
    """Phone calls by weekday and hour: abandonment, waits of the answered, worst cell.

    Waits are those of answered calls (the average speed of answer); an abandoned call's
    wait is the caller's patience, not a time to answer. The patience estimate is the
    exponential maximum-likelihood one for censored times: every caller's time in the
    queue (answered callers' patience is only known to be longer) over the number who
    hung up.
    """
    sc = frames["cedar_service_contacts"]
    phone = sc[sc["channel"] == "phone"]
    gone = phone["abandoned"]
    answered = phone[~gone]
    day = phone["timestamp"].dt.day_name()
    hour = phone["timestamp"].dt.hour
    cells = gone.groupby([day, hour]).mean()
    return {
        "abandoned": float(gone.mean()),
        "abandoned_by_weekday": gone.groupby(day).mean(),
        "abandoned_by_hour": gone.groupby(hour).mean(),
        "worst_cell": cells.idxmax(),
        "worst_abandoned": float(cells.max()),
        "wait_by_weekday": answered.groupby(day[~gone])["wait_seconds"].mean(),
        "mean_wait": float(answered["wait_seconds"].mean()),
        "longest_answered_wait": float(answered["wait_seconds"].max()),
        "patience": float(phone["wait_seconds"].sum() / gone.sum()),
        "calls_per_open_hour": float(len(phone) / (phone["timestamp"].dt.floor("h").nunique())),
        "mean_handle": float(answered["handle_seconds"].mean()),
    }


def membership_retention(frames: Frames) -> dict[str, pd.Series]:
    """Harbor Spa: cancellations, visit rates before cancelling, and spend per visit."""
    m, v = frames["harbor_members"], frames["harbor_visits"]
    ended = m["cancelled"].fillna(_END.normalize() + pd.Timedelta(days=1))
    months = (ended - m["joined"]).dt.days / 30.4375
    x = v.merge(m[["member_id", "plan", "cancelled"]], on="member_id")
    late = (x["cancelled"] - x["timestamp"]).dt.days <= 30.4375 * hs.PRE_CANCEL_MONTHS
    leavers = m.dropna(subset=["cancelled"])
    leaver_months = months[m["cancelled"].notna()]
    last_months = np.minimum(leaver_months, hs.PRE_CANCEL_MONTHS)
    visits_late = late[x["cancelled"].notna()].sum()
    visits_early = (~late[x["cancelled"].notna()]).sum()
    return {
        "cancelled_share": m["cancelled"].notna().groupby(m["plan"], observed=True).mean(),
        "visits_per_month": x.groupby("plan", observed=True).size()
        / months.groupby(m["plan"], observed=True).sum(),
        "spend_per_visit": x.groupby("plan", observed=True)["spend"].mean(),
        "pre_cancel_ratio": pd.Series(
            {
                "last months": visits_late / last_months.sum(),
                "earlier": visits_early / (leaver_months - last_months).sum(),
                "members": len(leavers),
            }
        ),
    }


def _pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}%"


def notes(frames: Frames, *, seed: int) -> dict[str, str]:
    """Return the instructor notes (title -> Markdown) on the planted effects."""
    club = club_effect(frames)
    whale = whale_curve(frames)
    comp = complaint_effects(frames)
    bott = bottleneck(frames)
    losses = account_losses(frames)
    shift = survey_shift(frames)
    peaks = contact_peaks(frames)
    spa = membership_retention(frames)
    rec = cl.RECOVERY
    rel = shift.loc["reliability"]
    others = shift.drop(index="reliability")
    other_change = (
        others.xs(2, level="wave")["perception"] - others.xs(1, level="wave")["perception"]
    )
    sc = frames["cedar_service_contacts"]
    late = sc[sc["reason"] == "late or missing delivery"]
    late_before = (late["timestamp"] < cl.SERVICE_CHANGE).sum() / (
        (cl.SERVICE_CHANGE - cl.CRM_START).days
    )
    late_after = (late["timestamp"] >= cl.SERVICE_CHANGE).sum() / (
        (pd.Timestamp("2025-01-01") - cl.SERVICE_CHANGE).days
    )
    fcr = sc[sc["agent_id"].astype(str).str.startswith("CC")]
    fcr_by_agent = fcr.groupby(fcr["agent_id"].astype(str))["resolved_first_contact"].mean()
    b = bott["on_time"]
    f = bott["line_fill"]
    cal, others_wh = ks.BOTTLENECK, [w for w in ks.WAREHOUSES if w != ks.BOTTLENECK]
    calm_on_time = b.xs("before fix", level="period").drop(cal)
    plans = "; ".join(
        f"{p}: alpha = {a}, beta = {b_} (mean monthly churn {a / (a + b_):.3f})"
        for p, (a, b_) in hs.PLAN_CHURN.items()
    )
    gone_days = peaks["abandoned_by_weekday"]
    gone_hours = peaks["abandoned_by_hour"]
    waits = peaks["wait_by_weekday"]
    day_name, hour = peaks["worst_cell"]
    speed = comp["repurchase_by_speed"]
    sat = comp["repurchase_by_satisfaction"]
    ba = comp["before_after"]
    texts = {
        "Loyalty club: self-selection versus the club's own effect": f"""
True effect (`casekit.world.cedar_lane`): joining the Shopper's Club raises a member's
purchase rate by **{_pct(cl.CLUB_RATE_LIFT)}** (spend per purchase unchanged) and multiplies
the drop-out hazard by **{cl.CLUB_HAZARD_MULT}**. Who joins is not random: the chance of
joining rises steeply with a customer's purchase rate and loyalty before the club existed.

In the data: members who joined before 2024 spent **{club["naive_ratio"]:.1f} times** as much
in 2024 as customers who never joined (a naive comparison). Already in the {180} days
*before* joining, members bought {club["pre_ratio"]:.1f} times as often as non-members at
comparable dates: they were better customers before the club. A before/after comparison
with non-members at placebo dates ({club["members"]} members, {club["controls"]} controls;
both still buying 180 days later) estimates the lift at **{_pct(club["did_lift"], 1)}**,
close to the true {_pct(cl.CLUB_RATE_LIFT)}.""",
        "Customer profitability: the whale curve": f"""
Profit per customer over 2021-2024 = margin of the baskets kept - Php
{catalog.COST_TO_SERVE["transaction"][0]:.0f} per transaction - Php
{catalog.COST_TO_SERVE["online_order"][0]:.0f} per online order - its delivery cost - Php
{catalog.COST_TO_SERVE["return"][0]:.0f} per return - Php
{catalog.COST_TO_SERVE["contact_minute"][0]:.0f} per minute of service contacts -
compensation - reward costs (`casekit.catalog.COST_TO_SERVE`). A hidden minority of
"high-maintenance" customers (about 15%) return goods ten times as often, place small
online orders with free delivery, and contact the service centre six times as often.

In the data: total profit Php {whale["total_profit"] / 1e6:.1f} million. Sorted from most to
least profitable, the cumulative profit peaks at **{_pct(whale["peak"])}** of the total
with the top {_pct(whale["customers_at_peak"])} of customers; the top 20% earn
{_pct(whale["top20_share"])} of it; **{_pct(whale["unprofitable_share"])}** of customers
lose money.""",
        "Complaints: speed, recovery and the recovery paradox": f"""
True effect: satisfaction with the handling (1-5) falls with the hours to the first
response and with a poor outcome; after the complaint the customer's purchase rate and
drop-out hazard are multiplied by (rate, hazard) = {rec[5]} for satisfaction 5, {rec[4]}
for 4, {rec[3]} for 3, {rec[2]} for 2 and {rec[1]} for 1.

In the data: repurchase within 90 days is {_pct(speed["up to 1 h"])} when the first
response came within an hour, {_pct(speed["1-4 h"])} within 1-4 hours,
{_pct(speed["4-24 h"])} within 4-24 hours and **{_pct(speed["over 24 h"])}** after more
than a day; by satisfaction it runs from {_pct(sat[1])} (1) to {_pct(sat[5])} (5).
Recovery paradox: complainants with satisfaction 5 bought **{ba[5]:.2f} times** as often in
the 180 days after the complaint as in the 180 days before, while customers who never
complained bought {comp["baseline"]["ratio"]:.2f} times as often after a random purchase as
before it (natural drop-out); badly handled complaints (1-2) end in
{ba[1]:.2f} and {ba[2]:.2f}. Comparing complainants with non-complainers directly overstates
the paradox: customers who buy often have more occasions to complain.""",
        "Kestrel Supply: the bottleneck warehouse": f"""
True effect (`casekit.world.kestrel`): until {ks.FIX_DATE.day} {ks.FIX_DATE:%B %Y},
{cal} took on average
{ks.PICK_DELAY[ks.WAREHOUSES.index(cal)]} extra days to pick (others about
{ks.PICK_DELAY[0]}), filled each line with probability
{ks.LINE_FILL[ks.WAREHOUSES.index(cal)]} (others about {ks.LINE_FILL[0]}) and shipped the
right goods {_pct(ks.ACCURACY[ks.WAREHOUSES.index(cal)])} of the time; from then on it
performs like the others. An account's monthly chance of leaving is
{ks.CHURN_BASE} + {ks.CHURN_PER_LATE_SHARE} x (its share of late orders in the last three
months).

In the data: {cal} delivered **{_pct(b[(cal, "before fix")])}** of orders on time before
the fix and {_pct(b[(cal, "after fix")])} after, against
{_pct(calm_on_time.min())}-{_pct(calm_on_time.max())} at {", ".join(others_wh)}; its line
fill rate went from {_pct(f[(cal, "before fix")], 1)} to {_pct(f[(cal, "after fix")], 1)}.
{_pct(losses[cal])} of {cal}'s accounts ended their contract in 2021-2024, against
{_pct(losses.drop(cal).mean())} on average elsewhere.""",
        "Survey wave 2: reliability falls after the courier change": f"""
True effect: on {cl.SERVICE_CHANGE.day} {cl.SERVICE_CHANGE:%B %Y} the online shop
switched to a cheaper, less reliable courier. Late-or-missing-delivery contacts went
from {late_before:.1f} to
{late_after:.1f} a day. In wave 2 the latent perception of each reliability item falls by
{", ".join(f"{k} {v}" for k, v in cl._RELIABILITY_ITEM_DROP.items())} scale points (mean
**{cl.RELIABILITY_DROP}**); expectations, the other dimensions and the competitor ratings
do not change.

In the data: mean reliability perception {rel.loc[1, "perception"]:.2f} in wave 1 and
**{rel.loc[2, "perception"]:.2f}** in wave 2 (expectation {rel.loc[1, "expectation"]:.2f} and
{rel.loc[2, "expectation"]:.2f}); the other dimensions' perceptions moved by
{other_change.abs().max():.2f} at most. Reliability is also the most important dimension
(about {cl._IMPORTANCE[1]:.0f} of 100 points) and responsiveness has the largest gap in
wave 1.""",
        "Contact centre: predictable peaks in waiting": f"""
True effect: calls arrive more on Mondays ({cl._CONTACT_WEEKDAY[0]} x an average day), at
10:00-12:00 and 18:00-19:00, and in December; the staffing plan is flat (2-3 phone agents,
fewer at lunch and in the evening). Each call's wait is drawn from the Erlang C (M/M/c)
queue of its hour, given that hour's arrivals, the mean handle time and the agents on
duty, so the lessons' staffing calculations match the data. Callers will wait only so
long: their patience is exponential with a mean of {cl.MEAN_PATIENCE["phone"]:.0f} s
({cl.MEAN_PATIENCE["chat"]:.0f} s in the chat), and a caller whose wait would be longer
hangs up (the queue is not thinned by those who leave, so the hang-ups are a little
pessimistic). Agent {cl.WEAK_AGENT} resolves fewer contacts at the first attempt.

In the data: {peaks["calls_per_open_hour"]:.1f} calls in an average open hour, mean handle
time {peaks["mean_handle"]:.0f} s; {_pct(peaks["abandoned"], 1)} of calls abandoned, on
Mondays {_pct(gone_days["Monday"], 1)} against {_pct(gone_days.drop("Monday").mean(), 1)} on
other days; {gone_hours.idxmax()}:00-{gone_hours.idxmax() + 1}:00 is the worst hour
({_pct(gone_hours.max())}) and {day_name} {hour}:00 the worst cell
({_pct(peaks["worst_abandoned"])}). Answered calls wait {peaks["mean_wait"]:.0f} s on average
(Mondays {waits["Monday"]:.0f} s, other days {waits.drop("Monday").mean():.0f} s), the
longest {peaks["longest_answered_wait"] / 60:.0f} minutes. The log gives back the patience:
all time spent queueing over the calls abandoned is {peaks["patience"]:.0f} s. First-contact
resolution of {cl.WEAK_AGENT}: {_pct(fcr_by_agent[cl.WEAK_AGENT])}, other agents
{_pct(fcr_by_agent.drop(cl.WEAK_AGENT).min())}-{_pct(fcr_by_agent.drop(cl.WEAK_AGENT).max())}.""",
        "Harbor Spa: plan-specific retention and the warning before cancelling": f"""
True effect (`casekit.world.harbor_spa`): tenures follow a shifted-beta-geometric model
per plan, {plans}. Visits per month are {", ".join(str(v) for v in hs.VISITS_PER_MONTH)} on
average for Basic, Plus and Premium, and fall to {hs.PRE_CANCEL_VISIT_FACTOR} x the usual
rate in the last {hs.PRE_CANCEL_MONTHS} months before a cancellation. Mean spend per visit
is Php {", ".join(f"{v:,.0f}" for v in hs.SPEND_PER_VISIT)}.

In the data: {", ".join(f"{p} {_pct(v)}" for p, v in spa["cancelled_share"].items())} of
members had cancelled by the end of 2024; spend per visit
{", ".join(f"{p} Php {v:,.0f}" for p, v in spa["spend_per_visit"].items())}. Members who
cancelled visited {spa["pre_cancel_ratio"]["last months"]:.2f} times a month in their last
two months against {spa["pre_cancel_ratio"]["earlier"]:.2f} before.""",
        "Other patterns": f"""
Cedar Lane shopping is {cl._MONTH[11] / cl._MONTH.mean():.2f} times the average month in
December, {cl._WEEKDAY[5] / cl._WEEKDAY.mean():.2f} times the average day on Saturdays, and
1.25 times higher on paydays (the 15th-16th and the last day of a month). Referral customers
buy 1.2 times as often and drop out at 0.7 times the hazard of store walk-ins; search-ad
customers buy 0.85 times as often and drop out at 1.35 times the hazard. Customers who
live farther from a store shop less often and more online. Data generated with seed {seed}.""",
    }
    return {title: _reflow(text) for title, text in texts.items()}


def _reflow(text: str) -> str:
    """Join the lines of each paragraph (paragraphs are separated by blank lines)."""
    return "\n\n".join(" ".join(par.split()) for par in text.strip().split("\n\n"))

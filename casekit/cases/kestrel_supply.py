"""Case: Kestrel Supply, the key account is unhappy.

June 2023. The largest long-standing account served from Kestrel's Calamba warehouse
complains about late and short deliveries, and a competitor is courting it. Kestrel
must decide whether to pay for a service-improvement plan at Calamba (a warehouse
management system and a second picking shift, live on 1 July 2023), and what to tell
the account.

The case uses the course's Kestrel tables (:func:`casekit.cases.load`, any seed) and
one table of its own: the account's buyers' ratings of Kestrel and of its competitor
on the customer service elements of La Londe and Zinszer (:func:`account_survey`),
drawn for the seed with the account's own delivery record behind the ratings of
delivery time, stock-outs and accuracy. Everything else is measured by the worksheet
with the lesson functions (:mod:`casekit.clv`, :mod:`casekit.service`,
:mod:`casekit.audit`, :mod:`casekit.strategy`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from casekit import cases, phases, service
from casekit.world import kestrel as world

__all__ = [
    "BOTTLENECK",
    "CASE_DATE",
    "COMPETITOR",
    "ELEMENTS",
    "FIX_DATE",
    "RESPONDENTS",
    "STANDARDS",
    "YEAR_START",
    "account_survey",
    "facts",
    "key_account",
    "story",
]

#: The day of the case: the analysis may use what happened before it.
CASE_DATE = pd.Timestamp("2023-06-01")
#: Start of "the last twelve months" before the case.
YEAR_START = CASE_DATE - pd.DateOffset(years=1)
#: The warehouse the account complains about, and the day the plan would go live.
BOTTLENECK = world.BOTTLENECK
FIX_DATE = world.FIX_DATE
#: The competitor courting the account (fictional).
COMPETITOR = "Molave Industrial Supply"

#: Kestrel's service standards for every account (the contract's service schedule):
#: measure name as in :func:`casekit.service.measures` -> (standard, better).
STANDARDS: dict[str, tuple[float, str]] = {
    "On-time delivery": (0.95, "higher"),
    "Line fill rate": (0.98, "higher"),
    "Order accuracy": (0.97, "higher"),
    "Perfect-order rate": (0.90, "higher"),
    "Order cycle time": (3.5, "lower"),
    "Returns per 1,000 orders": (50.0, "lower"),
}

#: The service elements the account's buyers rated (La Londe & Zinszer, via
#: :func:`casekit.phases.service_elements`): element -> (mean importance, mean
#: rating of the competitor, mean rating of Kestrel), all on 1-7 scales. Kestrel's
#: rating is None where it follows the account's own record (:func:`account_survey`).
ELEMENTS: dict[str, tuple[float, float, float | None]] = {
    "Written customer service policy": (3.6, 4.4, 5.0),
    "System flexibility": (4.6, 4.5, 5.2),
    "Management services (advice, training for customers)": (4.2, 4.3, 5.4),
    "Order information": (5.6, 5.0, 5.3),
    "Stock-out level": (6.6, 5.6, None),
    "Order cycle time": (6.5, 5.7, None),
    "System accuracy": (5.9, 5.5, None),
    "Expedited shipments": (4.4, 5.0, 4.6),
    "Customer claims, complaints and returns": (5.4, 4.8, 5.5),
    "Product tracing": (3.8, 4.7, 4.5),
}

#: The account's people who answered (one questionnaire each).
RESPONDENTS = (
    "head of purchasing",
    "purchasing officer",
    "project manager",
    "site engineer",
    "site engineer",
    "site engineer",
    "receiving clerk",
    "receiving clerk",
    "accounts payable",
)


def _orders(seed: int) -> pd.DataFrame:
    return cases.load("kestrel_orders", seed)


def _active(accounts: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Accounts with a contract in force on ``day``."""
    return (accounts["contract_start"] <= day) & (
        accounts["contract_end"].isna() | (accounts["contract_end"] >= day)
    )


@functools.lru_cache(maxsize=8)
def key_account(seed: int) -> str:
    """The unhappy key account of the ``seed`` variant: its ``account_id``.

    The account served from :data:`BOTTLENECK` with a contract in force on
    :data:`CASE_DATE` and for at least two years before it that bought the most
    (invoiced value) in the twelve months before the case.
    """
    accounts = cases.load("kestrel_accounts", seed)
    orders = _orders(seed)
    long_standing = (
        (accounts["warehouse"] == BOTTLENECK)
        & _active(accounts, CASE_DATE)
        & (accounts["contract_start"] <= CASE_DATE - pd.DateOffset(years=2))
    )
    year = orders[(orders["ordered"] >= YEAR_START) & (orders["ordered"] < CASE_DATE)]
    value = year.groupby("account_id")["value"].sum()
    candidates = value[value.index.isin(accounts.loc[long_standing, "account_id"])]
    if candidates.empty:  # pragma: no cover - every seed tried has a dozen or more
        raise ValueError(f"seed {seed} has no long-standing {BOTTLENECK} account")
    return str(candidates.sort_values(ascending=False, kind="stable").index[0])


def _rating(rng: np.random.Generator, mean: np.ndarray, shift: np.ndarray, sd: float):
    """Integer ratings on 1-7 around ``mean`` plus a respondent ``shift``."""
    return np.clip(np.rint(mean + shift + rng.normal(0.0, sd, mean.shape)), 1, 7).astype(int)


@functools.lru_cache(maxsize=8)
def _survey(seed: int) -> pd.DataFrame:
    key = key_account(seed)
    orders = _orders(seed)
    mine = orders[
        (orders["account_id"] == key)
        & (orders["ordered"] >= YEAR_START)
        & (orders["ordered"] < CASE_DATE)
    ]
    on_time = service.on_time_rate(mine, promised="promised", delivered="delivered")
    fill = service.line_fill_rate(mine, lines_ordered="lines_ordered", lines_filled="lines_filled")
    accuracy = service.order_accuracy(mine, accurate="order_accurate")
    # What the buyers experienced shows in their ratings (1-7): delivery time from the
    # on-time share, stock-outs from the line fill rate, accuracy from accurate orders.
    lived = {
        "Order cycle time": 1 + 6 * np.clip((on_time - 0.4) / 0.6, 0, 1),
        "Stock-out level": 1 + 6 * np.clip((fill - 0.88) / 0.12, 0, 1),
        "System accuracy": 1 + 6 * np.clip((accuracy - 0.88) / 0.12, 0, 1),
    }
    names = list(ELEMENTS)
    importance = np.array([ELEMENTS[e][0] for e in names])
    rival = np.array([ELEMENTS[e][1] for e in names])
    own = np.array([lived.get(e, ELEMENTS[e][2]) for e in names], dtype=float)
    rng = np.random.default_rng([seed, 20230601])
    n, k = len(RESPONDENTS), len(names)
    generous = rng.normal(0.0, 0.4, (n, 1))  # some people rate everyone higher
    table = pd.DataFrame(
        {
            "respondent_id": np.repeat([f"B{i:02d}" for i in range(1, n + 1)], k),
            "role": np.repeat(RESPONDENTS, k),
            "phase": np.tile([phases.phase_of(e) for e in names], n),
            "element": np.tile(names, n),
            "importance": _rating(rng, np.tile(importance, (n, 1)), generous, 0.6).ravel(),
            "kestrel": _rating(rng, np.tile(own, (n, 1)), generous, 0.7).ravel(),
            "competitor": _rating(rng, np.tile(rival, (n, 1)), generous, 0.7).ravel(),
        }
    )
    return table


def account_survey(seed: int) -> pd.DataFrame:
    """The key account's external audit: its buyers rate needs, Kestrel and the rival.

    Nine people of the account (:data:`RESPONDENTS`) each rated ten customer service
    elements (:data:`ELEMENTS`) three times on a 1-7 scale: how important the element
    is to them, how Kestrel performs and how :data:`COMPETITOR` performs. The ratings
    are drawn for ``seed``; Kestrel's ratings of delivery time, stock-outs and accuracy
    follow the account's own on-time share, line fill rate and order accuracy in the
    twelve months before the case, so they tell the same story as the orders.

    Returns
    -------
    pandas.DataFrame
        One row per respondent and element: ``respondent_id``, ``role``, ``phase``
        (of the sale), ``element``, ``importance``, ``kestrel``, ``competitor``
        (integers 1-7).
    """
    return _survey(cases._check_seed(seed)).copy()


@functools.lru_cache(maxsize=8)
def _facts(seed: int) -> dict[str, object]:
    accounts = cases.load("kestrel_accounts", seed)
    orders = _orders(seed)
    key = key_account(seed)
    row = accounts.set_index("account_id").loc[key]
    year = orders[(orders["ordered"] >= YEAR_START) & (orders["ordered"] < CASE_DATE)]
    mine = year[year["account_id"] == key]
    start_2022 = _active(accounts, pd.Timestamp("2022-01-01"))
    at_calamba = start_2022 & (accounts["warehouse"] == BOTTLENECK)
    left = at_calamba & (accounts["contract_end"] < pd.Timestamp("2023-01-01"))
    return {
        "name": str(row["account_name"]),
        "industry": str(row["industry"]),
        "size": str(row["size"]),
        "since": int(row["contract_start"].year),
        "value": float(mine["value"].sum()),
        "orders": len(mine),
        "late": 1 - service.on_time_rate(mine, promised="promised", delivered="delivered"),
        "short": float((mine["lines_filled"] < mine["lines_ordered"]).mean()),
        "calamba_accounts": int(at_calamba.sum()),
        "calamba_left": int(left.sum()),
    }


def facts(seed: int) -> dict[str, object]:
    """The numbers the story quotes, for the ``seed`` variant.

    Returns
    -------
    dict
        ``name``, ``industry``, ``size``, ``since`` (first contract year) of the key
        account; ``value`` (Php) and ``orders`` in the twelve months before the case;
        ``late`` and ``short`` (shares of those orders delivered after the promised
        day, and with a line not filled); ``calamba_accounts`` (Calamba's accounts at
        the start of 2022) and ``calamba_left`` (how many of them left during 2022).
    """
    return dict(_facts(cases._check_seed(seed)))


def story(
    seed: int,
    *,
    horizon: int = 5,
    system_cost: float = 1_500_000,
    shift_cost: float = 450_000,
    freight_per_order: float = 1_500,
    **_: object,
) -> str:
    """The opening of the case, as Markdown, with the numbers of the ``seed`` variant."""
    f = facts(seed)
    monthly = f["value"] / 12
    return f"""\
**Monday, 5 June 2023, Kestrel Supply's office in Pasig.** Teresa Villanueva, who
manages Kestrel's largest accounts, has just put the phone down. Engr. Ramon Castillo,
head of purchasing at **{f["name"]}**, a {f["size"]} {f["industry"]} business and a
customer since {f["since"]}, did not raise his voice. In the last twelve months his
company placed **{f["orders"]} orders worth Php {f["value"]:,.0f}** with Kestrel, about
Php {monthly:,.0f} a month, {monthly / 50_000:.1f} times the "Company X" of the course
notes that buys Php 50,000 a month. **{f["late"]:.0%} of those orders arrived after the
promised four days, and {f["short"]:.0%} came with at least one line missing.** His
site engineers now keep a spare day in every schedule "for Kestrel". {COMPETITOR} has
offered a three-month trial with next-day delivery. "Fix it by the end of the quarter,
or we split our business," he said.

Teresa is not surprised. All of {f["name"]}'s orders ship from the {BOTTLENECK}
warehouse, and of the {f["calamba_accounts"]} accounts {BOTTLENECK} served at the start
of 2022, **{f["calamba_left"]} had ended their contracts by the end of the year**.
Dennis Ocampo, director of operations, has a plan ready for {BOTTLENECK}: a warehouse
management system (**Php {system_cost:,.0f}** one-off) and a second picking shift
(**Php {shift_cost:,.0f} a year**), running from {FIX_DATE:%-d %B %Y}. Grace Lim, the
CFO, will sign only if the plan keeps more value than it costs over **{horizon}
years**. She also asks a sharper question: would it not be cheaper to ship
{f["name"]}'s orders from Valenzuela, at Php {freight_per_order:,.0f} more freight per
order, and leave {BOTTLENECK} as it is?

**Your brief:** by Friday, give Grace and Teresa the numbers (what the account and
{BOTTLENECK}'s accounts are worth, how Kestrel's service measures up by phase, where
the delay comes from, what the account's people say about Kestrel against
{COMPETITOR}) and a recommendation they can act on.
"""

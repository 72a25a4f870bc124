"""Checks for the case worksheet Kestrel Supply, the key account is unhappy.

Every expected answer is computed from the data of the notebook's ``seed`` (the course's
data or a variant, :func:`casekit.cases.load`) and its other parameters, so the checks
are right for every student's variant.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pandas as pd

from casekit import audit, cases, clv, service, strategy
from casekit.cases import kestrel_supply as case
from casekit.checks import Question

#: The column names of Kestrel's orders, as the perfect-order functions want them.
ORDER_COLUMNS = {
    "promised": "promised",
    "delivered": "delivered",
    "lines_ordered": "lines_ordered",
    "lines_filled": "lines_filled",
    "accurate": "order_accurate",
}


@functools.lru_cache(maxsize=4)
def _year(seed: int) -> pd.DataFrame:
    """Orders placed in the twelve months before the case."""
    orders = cases.load("kestrel_orders", seed)
    return orders[(orders["ordered"] >= case.YEAR_START) & (orders["ordered"] < case.CASE_DATE)]


def _mine(seed: int) -> pd.DataFrame:
    year = _year(seed)
    return year[year["account_id"] == case.key_account(seed)]


def _monthly_purchases(p: Mapping[str, Any]) -> float:
    return float(_mine(p["seed"])["value"].sum() / 12)


@functools.lru_cache(maxsize=4)
def _kept_2022(seed: int) -> pd.DataFrame:
    """Accounts in force on 1 January 2022, and whether they still were a year later."""
    accounts = cases.load("kestrel_accounts", seed)
    end = accounts["contract_end"]
    start = pd.Timestamp("2022-01-01")
    in_force = (accounts["contract_start"] <= start) & (end.isna() | (end >= start))
    frame = accounts.loc[in_force, ["account_id", "warehouse"]].copy()
    frame["kept"] = (end.isna() | (end >= pd.Timestamp("2023-01-01")))[in_force]
    return frame


def _retention_by_warehouse(p: Mapping[str, Any]) -> pd.Series:
    frame = _kept_2022(p["seed"])
    return frame.groupby("warehouse", observed=True)["kept"].mean().rename("retention")


def _retention_pair(seed: int) -> tuple[float, float]:
    """(Calamba's retention, the other warehouses' pooled retention) in 2022."""
    frame = _kept_2022(seed)
    calamba = frame["warehouse"] == case.BOTTLENECK
    return float(frame.loc[calamba, "kept"].mean()), float(frame.loc[~calamba, "kept"].mean())


def _clv_at_risk(p: Mapping[str, Any]) -> float:
    margin = float(_mine(p["seed"])["margin"].sum())
    now, fixed = _retention_pair(p["seed"])
    values = [
        clv.clv(margin, r, p["discount_rate"], horizon=p["horizon"], first_period_retained=False)
        for r in (fixed, now)
    ]
    return values[0] - values[1]


@functools.lru_cache(maxsize=4)
def _monthly(seed: int) -> pd.DataFrame:
    """The key account's service measures, month by month, as the scorecard wants them."""
    mine = service.add_period(_mine(seed), date="ordered", freq="M")
    returns = cases.load("kestrel_returns", seed)
    counts = mine["order_id"].map(returns["order_id"].value_counts()).fillna(0)
    per_month = counts.groupby(mine["period"]).sum()
    table = pd.DataFrame(
        {
            "On-time delivery": service.on_time_rate(
                mine, promised="promised", delivered="delivered", by="period"
            ),
            "Line fill rate": service.line_fill_rate(
                mine, lines_ordered="lines_ordered", lines_filled="lines_filled", by="period"
            ),
            "Order accuracy": service.order_accuracy(mine, accurate="order_accurate", by="period"),
            "Perfect-order rate": service.perfect_order_rate(mine, **ORDER_COLUMNS, by="period"),
            "Order cycle time": service.order_cycle_time(
                mine, start="ordered", end="delivered", by="period"
            ),
            "Returns per 1,000 orders": service.per_thousand(
                per_month, mine.groupby("period").size()
            ),
        }
    )
    return table.rename_axis("period").reset_index()


def _missed_measures(p: Mapping[str, Any]) -> set[str]:
    card = service.scorecard(service.monitoring_table(_monthly(p["seed"]), case.STANDARDS))
    return set(card.loc[card["share_met"] < 0.5, "measure"].astype(str))


def _slowest_warehouse(p: Mapping[str, Any]) -> str:
    rates = service.on_time_rate(
        _year(p["seed"]), promised="promised", delivered="delivered", by="warehouse"
    )
    return str(rates.idxmin())


def _extra_picking_days(p: Mapping[str, Any]) -> float:
    year = _year(p["seed"])
    stages = service.stage_durations(year, stamps=["ordered", "shipped", "delivered"])
    group = (year["warehouse"] == case.BOTTLENECK).map({True: "Calamba", False: "others"})
    summary = service.stage_summary(stages, groups=group).set_index(["group", "stage"])["time"]
    stage = "ordered to shipped"
    return float(summary[("Calamba", stage)] - summary[("others", stage)])


def _behind(p: Mapping[str, Any]) -> set[str]:
    table = audit.competitor_comparison(
        case.account_survey(p["seed"]), firm="kestrel", competitor="competitor", dimension="phase"
    )
    return set(table.loc[table["direction"] == "behind", "dimension"].astype(str))


def _concentrate(p: Mapping[str, Any]) -> set[str]:
    means = (
        case.account_survey(p["seed"])
        .groupby("element")[["importance", "kestrel"]]
        .mean()
        .reset_index()
    )
    ipa = audit.importance_performance(
        means, importance="importance", performance="kestrel", label="element"
    )
    return set(ipa.loc[ipa["quadrant"] == "Concentrate here", "element"].astype(str))


def _plan_value(p: Mapping[str, Any]) -> pd.DataFrame:
    seed = p["seed"]
    accounts = cases.load("kestrel_accounts", seed)
    end = accounts["contract_end"]
    calamba = accounts[
        (accounts["warehouse"] == case.BOTTLENECK)
        & (accounts["contract_start"] <= case.CASE_DATE)
        & (end.isna() | (end >= case.CASE_DATE))
    ]
    year = _year(seed)
    margin = year.loc[year["account_id"].isin(calamba["account_id"]), "margin"].sum()
    fill = service.line_fill_rate(
        year.assign(site=(year["warehouse"] == case.BOTTLENECK).map({True: "c", False: "o"})),
        lines_ordered="lines_ordered",
        lines_filled="lines_filled",
        by="site",
    )
    now, fixed = _retention_pair(seed)
    return strategy.crm_value(
        accounts=len(calamba),
        margin_per_account=margin / len(calamba),
        retention_before=now,
        retention_after=fixed,
        discount_rate=p["discount_rate"],
        years=p["horizon"],
        margin_uplift=fill["o"] / fill["c"] - 1,
    )


def _value_kept(p: Mapping[str, Any]) -> float:
    return float(_plan_value(p)["cumulative_added_value"].iloc[-1])


def _net_value(p: Mapping[str, Any]) -> float:
    prices = pd.DataFrame(
        {
            "licence_per_user_month": [0.0],
            "implementation": [p["system_cost"]],
            "data_migration": [0.0],
            "training": [0.0],
            "support_per_year": [p["shift_cost"]],
        },
        index=pd.Index(["Calamba plan"], name="option"),
    )
    result = strategy.investment_case(
        prices, _plan_value(p), users=1, discount_rate=p["discount_rate"]
    )
    return float(result.loc["Calamba plan", "net_value"])


def _freight(p: Mapping[str, Any]) -> float:
    return float(len(_mine(p["seed"])) * p["freight_per_order"])


def _fix_effect(p: Mapping[str, Any]) -> float:
    orders = cases.load("kestrel_orders", p["seed"])
    calamba = orders[orders["warehouse"] == case.BOTTLENECK].assign(
        on_time=lambda f: f["delivered"] <= f["promised"]
    )
    test = service.before_after(
        calamba,
        value="on_time",
        date="ordered",
        change=case.FIX_DATE,
        kind="proportion",
        gap_days=14,
    )
    return float(test.loc[0, "difference"])


QUESTIONS = [
    Question(
        "q1",
        expected=_monthly_purchases,
        rtol=1e-3,
        hint="Sum the invoiced value of the key account's orders placed in the twelve months "
        "before the case, then spread it over the months.",
    ),
    Question(
        "q2",
        kind="series",
        expected=_retention_by_warehouse,
        rtol=1e-3,
        hint="Take the accounts whose contract was in force on 1 January 2022; an account is "
        "kept if its contract had not ended before 1 January 2023. Average that by warehouse.",
    ),
    Question(
        "q3",
        expected=_clv_at_risk,
        rtol=1e-3,
        hint="clv.clv with the account's yearly margin, horizon and first_period_retained=False, "
        "once with the other warehouses' retention (pooled, not averaged) and once with "
        "Calamba's; take the difference.",
    ),
    Question(
        "q4",
        kind="set",
        expected=_missed_measures,
        hint="Build one row per month with the six measures as columns, then "
        "service.monitoring_table and service.scorecard; keep the measures met in fewer than "
        "half of the months.",
    ),
    Question(
        "q5",
        expected=lambda p: service.perfect_order_rate(_mine(p["seed"]), **ORDER_COLUMNS),
        rtol=1e-3,
        hint="An order is perfect only if it is on time, complete and accurate at once.",
    ),
    Question(
        "q6",
        kind="choice",
        options=("Valenzuela", "Calamba", "Mandaue", "Davao"),
        expected=_slowest_warehouse,
        hint="service.on_time_rate with by='warehouse' on all orders of the twelve months.",
    ),
    Question(
        "q7",
        expected=_extra_picking_days,
        rtol=1e-3,
        hint="service.stage_durations with the stamps ordered, shipped, delivered, then "
        "service.stage_summary with Calamba against all other warehouses together.",
    ),
    Question(
        "q8",
        kind="set",
        expected=_behind,
        hint="audit.competitor_comparison with the phase as the dimension; keep the phases "
        "whose direction is 'behind'.",
    ),
    Question(
        "q9",
        kind="set",
        expected=_concentrate,
        hint="Average importance and Kestrel's rating per element, then "
        "audit.importance_performance with the lines at the means.",
    ),
    Question(
        "q10",
        expected=_value_kept,
        rtol=1e-3,
        hint="strategy.crm_value with Calamba's accounts in force on the case date, their mean "
        "yearly margin, the two retention rates, and the margin uplift from the fill rates.",
    ),
    Question(
        "q11",
        expected=_net_value,
        rtol=1e-3,
        hint="A one-row price sheet (the system as implementation, the shift as yearly "
        "support, everything else 0) and strategy.investment_case with users=1.",
    ),
    Question(
        "q12",
        expected=_freight,
        rtol=1e-6,
        hint="The key account's orders of the last twelve months times the extra freight per "
        "order.",
    ),
    Question(
        "q13",
        kind="free",
        min_words=80,
        topics={
            "a decision": ("recommend", "approve", "propose", "should", "decision"),
            "the value at stake": ("value", "clv", "php", "margin"),
            "the cost of the plan": ("cost", "net", "roi", "payback"),
            "the account": ("account", "ramon", "castillo", "customer"),
            "how to monitor it": ("monitor", "standard", "measure", "track", "review", "chart"),
        },
        hint="A memo: your decision, the numbers behind it, what you tell the account, the "
        "risks, and how Kestrel will know it worked.",
    ),
    Question(
        "q14",
        expected=_fix_effect,
        rtol=1e-3,
        hint="service.before_after on Calamba's orders with a yes/no on-time column, "
        "kind='proportion' and gap_days=14.",
    ),
]

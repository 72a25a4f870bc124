"""Customer service audits: internal checklists, survey gap scores, IPA and audit design.

A customer service audit asks two questions (source 000, LO 5-3):

* the **internal audit** reviews the firm's own service measures, policies and practices
  to find where they are out of line with what customers expect;
* the **external audit** asks customers: have their requirements changed, and how does
  the firm perform against its competitors?

This module holds the arithmetic of both, and of planning them:

* internal audit - :func:`checklist_compliance` scores a checklist of policies and
  practices by transaction phase and area; :func:`map_checklist` places each area in a
  survey dimension and :func:`disconnects` lines compliance up against what customers
  say matters;
* external audit - :func:`gap_scores` (SERVQUAL gaps, perception minus expectation, per
  item and dimension), :func:`stated_importance` and :func:`weighted_gap` (weighted by
  importance), :func:`compare_groups` with its wrappers :func:`wave_change` and
  :func:`competitor_comparison` (differences with a significance test from SciPy and a
  Holm correction from statsmodels);
* :func:`importance_performance` - Martilla & James's (1977) four quadrants, fed by
  :func:`survey_ipa_table`;
* audit design - :func:`sampling_frame` (who can be invited), :func:`sample_size_proportion`,
  :func:`sample_size_mean` (Cochran 1977, with the finite-population correction),
  :func:`allocate_sample`, :func:`mystery_shopping_plan`, :func:`visits_for_budget`,
  :func:`audit_cost` and :func:`design_audit`, which puts them together;
* choosing a method - :func:`investigation_methods`, a decision table;
* reporting - :class:`Finding`, :func:`audit_findings` and :func:`audit_report` turn
  results into findings written as evidence → action;
* charts - :func:`allocation_chart`, :func:`compliance_chart`, :func:`gap_chart`,
  :func:`difference_chart` and :func:`ipa_chart`.

Scales. Survey answers are Likert ratings on a closed scale, 1 to 7 by default as in
SERVQUAL (Parasuraman, Zeithaml & Berry, 1988); every function that reads ratings takes
the scale's ends (``scale=(1, 7)``) and refuses values outside them.

References
----------
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley. (Chapter 4: sample size for
proportions and means; the finite-population correction.)

Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
Journal of Statistics* 6(2), 65-70.

Krejcie, R. V. & Morgan, D. W. (1970). Determining sample size for research activities.
*Educational and Psychological Measurement* 30, 607-610.

Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
Marketing* 41(1), 77-79.

Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: a multiple-item scale
for measuring consumer perceptions of service quality. *Journal of Retailing* 64(1),
12-40.

Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. *Biometrika* 34(1-2), 28-35.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

import casekit.charts  # noqa: F401  (house theme and offline renderer)
from casekit.phases import PHASES
from casekit.validation import (
    check_array,
    check_columns,
    check_fraction,
    check_integer,
    check_nonempty,
    check_number,
    check_one_of,
)

__all__ = [
    "CEDAR_AREA_DIMENSIONS",
    "DIMENSIONS",
    "DIMENSION_ACTIONS",
    "IPA_QUADRANTS",
    "MYSTERY_SCENARIOS",
    "TEST_NAMES",
    "AuditDesign",
    "Finding",
    "allocate_sample",
    "allocation_chart",
    "audit_cost",
    "audit_findings",
    "audit_report",
    "checklist_compliance",
    "compare_groups",
    "competitor_comparison",
    "compliance_chart",
    "design_audit",
    "difference_chart",
    "dimension_scores",
    "disconnects",
    "gap_chart",
    "gap_scores",
    "importance_performance",
    "importance_weights",
    "investigation_methods",
    "ipa_chart",
    "map_checklist",
    "mystery_shopping_plan",
    "sample_size_mean",
    "sample_size_proportion",
    "sampling_frame",
    "stated_importance",
    "survey_ipa_table",
    "visits_for_budget",
    "wave_change",
    "weighted_gap",
    "z_value",
]

#: The five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry, 1988).
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")

#: Martilla & James's (1977) quadrants, keyed by (importance high?, performance high?).
IPA_QUADRANTS = {
    (True, False): "Concentrate here",
    (True, True): "Keep up the good work",
    (False, False): "Low priority",
    (False, True): "Possible overkill",
}
_QUADRANT_ORDER = tuple(IPA_QUADRANTS.values())


# --- small helpers ------------------------------------------------------------------------


def _check_scale(scale: Any) -> tuple[float, float]:
    if not isinstance(scale, Sequence) or len(scale) != 2:
        raise ValueError(f"scale must be a pair (lowest, highest) such as (1, 7), got {scale!r}")
    low = check_number("scale[0]", scale[0])
    high = check_number("scale[1]", scale[1])
    if low >= high:
        raise ValueError(f"scale must be (lowest, highest) with lowest < highest, got {scale!r}")
    return low, high


def _check_ratings(name: str, frame: pd.DataFrame, columns: Iterable[str], scale: Any) -> None:
    """Refuse non-numeric ratings, missing ratings and ratings off the Likert scale."""
    low, high = _check_scale(scale)
    for column in columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise TypeError(
                f"{name}[{column!r}] must hold numeric ratings, got dtype {values.dtype}"
            )
        if values.isna().any():
            raise ValueError(
                f"{name}[{column!r}] has {int(values.isna().sum())} missing rating(s); "
                "drop or fill them first"
            )
        outside = values[(values < low) | (values > high)]
        if len(outside):
            raise ValueError(
                f"{name}[{column!r}] must hold ratings on the scale {low:g} to {high:g}, "
                f"got {float(outside.iloc[0]):g} (and {len(outside) - 1} more outside it)"
            )


def _as_array(name: str, value: Any, *, minimum: float | None = None) -> np.ndarray:
    """A number or a sequence of numbers as a float array, each checked to be finite."""
    return check_array(name, value, minimum=minimum)


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level.

    Formula: ``z = Φ⁻¹(1 - (1 - confidence) / 2)``; 1.959964 for 95 %, 2.575829 for 99 %.

    Parameters
    ----------
    confidence : float
        Confidence level, strictly between 0 and 1 (0.95 for 95 %).
    """
    if isinstance(confidence, numbers.Real) and not isinstance(confidence, bool):
        if 1 < confidence <= 100:
            raise ValueError(
                f"confidence must be in (0, 1), got {confidence!r}; "
                f"write {confidence / 100:g} for {confidence:g} %"
            )
    level = check_number(
        "confidence", confidence, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False
    )
    return float(stats.norm.ppf(1 - (1 - level) / 2))


# --- audit design: how many, where, at what cost -----------------------------------------


def _finite_population(n0: np.ndarray, population: Any) -> np.ndarray:
    if population is None:
        return n0
    big_n = _as_array("population", population, minimum=1)
    return n0 / (1 + (n0 - 1) / big_n)


def _rounded(n: np.ndarray, round_up: bool) -> Any:
    if round_up:
        # A hair of tolerance so that 384.0000000001 from floating point is not 385.
        whole = np.ceil(n - 1e-9).astype(int)
        return int(whole) if whole.ndim == 0 else whole
    return float(n) if n.ndim == 0 else n


def sample_size_proportion(
    margin: float,
    *,
    confidence: float = 0.95,
    p: float = 0.5,
    population: float | Sequence[float] | None = None,
    round_up: bool = True,
) -> Any:
    """Respondents needed to estimate a proportion to within ± ``margin``.

    Formula (Cochran 1977, section 4.4): ``n0 = z² p (1 - p) / e²`` for a very large
    population; with the finite-population correction for a population of ``N``,
    ``n = n0 / (1 + (n0 - 1) / N)``. The result is rounded **up** to whole respondents.

    Parameters
    ----------
    margin : float
        Half-width ``e`` of the confidence interval, as a fraction (0.05 for ±5
        percentage points), in (0, 1).
    confidence : float
        Confidence level in (0, 1); ``z`` comes from :func:`z_value`.
    p : float
        Expected proportion, in (0, 1). 0.5 gives the largest, safest sample.
    population : float or sequence of float, optional
        Size ``N`` of the population sampled (>= 1); several sizes give one sample size
        each (one per segment). None means a population so large that the correction
        does not matter.
    round_up : bool
        Round up to whole respondents (True) or return the exact value (False).

    Returns
    -------
    int or numpy.ndarray
        Completed responses needed (floats when ``round_up`` is False).

    Examples
    --------
    >>> sample_size_proportion(0.05)           # ±5 points at 95 %, p = 0.5
    385
    >>> sample_size_proportion(0.05, population=1_000)
    278
    """
    e = _check_margin(margin)
    if e >= 1:
        raise ValueError(f"margin must be a fraction in (0, 1), got {margin!r}")
    z = z_value(confidence)
    share = check_number("p", p, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False)
    n0 = np.array(z**2 * share * (1 - share) / e**2)
    return _rounded(_finite_population(n0, population), round_up)


def _check_margin(margin: Any) -> float:
    if isinstance(margin, numbers.Real) and not isinstance(margin, bool) and margin <= 0:
        raise ValueError(f"margin must be > 0 (the ± half-width you accept), got {margin!r}")
    return check_number("margin", margin, minimum=0, min_inclusive=False)


def sample_size_mean(
    margin: float,
    *,
    sd: float,
    confidence: float = 0.95,
    population: float | Sequence[float] | None = None,
    round_up: bool = True,
) -> Any:
    """Respondents needed to estimate a mean (e.g. a Likert score) to within ± ``margin``.

    Formula (Cochran 1977, section 4.6): ``n0 = (z σ / e)²``; with the
    finite-population correction ``n = n0 / (1 + (n0 - 1) / N)``, rounded up.

    Parameters
    ----------
    margin : float
        Half-width ``e`` of the confidence interval, in the units of the measure
        (0.1 scale points, Php 50, ...), > 0.
    sd : float
        Standard deviation ``σ`` of the measure in the population (from a pilot or an
        earlier wave), > 0, same units as ``margin``.
    confidence : float
        Confidence level in (0, 1).
    population : float or sequence of float, optional
        Population size(s) ``N`` for the finite-population correction.
    round_up : bool
        Round up to whole respondents (True) or return the exact value.

    Returns
    -------
    int or numpy.ndarray

    Examples
    --------
    >>> sample_size_mean(0.1, sd=1.2)   # (1.96 × 1.2 / 0.1)² = 553.2
    554
    """
    e = _check_margin(margin)
    sigma = check_number("sd", sd, minimum=0, min_inclusive=False)
    z = z_value(confidence)
    n0 = np.array((z * sigma / e) ** 2)
    return _rounded(_finite_population(n0, population), round_up)


def sampling_frame(
    transactions: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    opens: str | pd.Timestamp,
    by: str,
    active_days: int = 90,
    value: str = "margin",
    value_days: int = 365,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
) -> pd.DataFrame:
    """Who can be sampled for a survey that opens on ``opens``, counted by segment.

    The frame is the customers who bought in the ``active_days`` before the survey
    opens (the course's survey invites exactly those). For allocation by value, each
    segment's value per customer is the mean of ``value`` (e.g. margin, Php) per active
    customer over the ``value_days`` before the survey opens.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase, with ``customer``, ``timestamp`` and ``value``.
    customers : pandas.DataFrame
        One row per customer, with ``customer`` and ``by``.
    opens : str or Timestamp
        First day of the survey.
    by : str
        Column of ``customers`` to count by (e.g. ``"lifestyle_segment"``).
    active_days, value_days : int
        Look-back windows, in days (>= 1).
    value, customer, timestamp : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``segment``, ``customers`` and ``value_per_customer``.
    """
    check_columns("transactions", transactions, [customer, timestamp, value])
    check_columns("customers", customers, [customer, by])
    try:
        start = pd.Timestamp(opens)
    except (ValueError, TypeError):
        raise ValueError(f"opens must be a date such as '2024-10-01', got {opens!r}") from None
    recent = check_integer("active_days", active_days, minimum=1)
    window = check_integer("value_days", value_days, minimum=1)
    when = transactions[timestamp]
    before = when < start
    active = transactions.loc[before & (when >= start - pd.Timedelta(days=recent)), customer]
    worth = (
        transactions.loc[before & (when >= start - pd.Timedelta(days=window))]
        .groupby(customer)[value]
        .sum()
    )
    frame = customers.loc[customers[customer].isin(active.unique()), [customer, by]]
    if frame.empty:
        raise ValueError(f"no customer bought in the {recent} days before {start.date()}")
    frame = frame.assign(_value=frame[customer].map(worth).fillna(0.0).to_numpy())
    out = (
        frame.groupby(by, observed=True, sort=True)
        .agg(customers=(customer, "size"), value_per_customer=("_value", "mean"))
        .reset_index()
        .rename(columns={by: "segment"})
    )
    out["segment"] = out["segment"].astype(str)
    return out


def _largest_remainder(quota: np.ndarray, total: int) -> np.ndarray:
    """Round non-negative quotas to integers that sum to ``total`` (Hamilton's method)."""
    whole = np.floor(quota + 1e-9).astype(int)
    short = total - int(whole.sum())
    if short > 0:
        order = np.argsort(-(quota - whole), kind="stable")
        whole[order[:short]] += 1
    return whole


def allocate_sample(
    total: int,
    sizes: Mapping[str, float] | pd.Series,
    *,
    method: str = "proportional",
    values: Mapping[str, float] | pd.Series | None = None,
    minimum: int = 0,
) -> pd.DataFrame:
    """Split a sample of ``total`` respondents across segments.

    Methods

    * ``"proportional"``: ``n_h ∝ N_h`` - each segment in proportion to its size, so the
      sample is a miniature of the population (Cochran 1977, section 5.3);
    * ``"value"``: ``n_h ∝ N_h v_h`` - in proportion to the segment's share of value
      (``v_h`` = value per customer, e.g. yearly spend), so the customers who matter
      most to the business are heard most precisely;
    * ``"equal"``: the same number in each segment, for comparing segments.

    Quotas are rounded with the largest-remainder method so that they add up to
    ``total``; no segment gets more than its size, nor fewer than ``minimum`` (if it has
    that many customers). Because the shares differ from the population's under
    ``"value"`` and ``"equal"``, each row carries the design weight ``N_h / n_h`` to use
    when estimating for the whole population.

    Parameters
    ----------
    total : int
        Respondents to allocate, >= 1 and at most the population.
    sizes : mapping or Series
        Segment name -> number of customers ``N_h`` (>= 0).
    method : str
        ``"proportional"``, ``"value"`` or ``"equal"``.
    values : mapping or Series, optional
        Segment name -> value per customer (>= 0), required for ``"value"``.
    minimum : int
        Fewest respondents in any segment (capped at the segment's size).

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``segment``, ``population``, ``share_of_population``,
        ``sample``, ``share_of_sample``, ``sampling_fraction`` (n_h / N_h) and
        ``design_weight`` (N_h / n_h; NaN-free: 0 where no one is sampled).
    """
    n = check_integer("total", total, minimum=1)
    check_one_of("method", method, ("proportional", "value", "equal"))
    floor_n = check_integer("minimum", minimum, minimum=0)
    population = _segment_series("sizes", sizes)
    if population.sum() < n:
        raise ValueError(
            f"total must not exceed the population ({population.sum():,.0f}), got {n:,}"
        )
    if method == "value":
        if values is None:
            raise ValueError("values is required for method='value': value per customer")
        worth = _segment_series("values", values).reindex(population.index)
        if worth.isna().any():
            missing = list(worth.index[worth.isna()])
            raise ValueError(f"values is missing segment(s) {missing} that sizes has")
        weight = population * worth
    elif method == "equal":
        weight = (population > 0).astype(float)
    else:
        weight = population.astype(float)
    if weight.sum() <= 0:
        raise ValueError(f"no segment has a positive weight for method={method!r}")

    cap = population.to_numpy(dtype=float)
    low = np.minimum(floor_n, np.floor(cap))
    if low.sum() > n:
        raise ValueError(
            f"minimum={floor_n} in each segment needs {int(low.sum())} respondents, "
            f"more than total={n}"
        )
    # Water-filling: give each segment its share of what is left; segments that hit their
    # size or their minimum are fixed and the rest is shared again (at most one round per
    # segment - a loop over segments, never over customers).
    quota = np.zeros(len(cap))
    fixed = np.zeros(len(cap), dtype=bool)
    w = weight.to_numpy(dtype=float)
    for _ in range(len(cap) + 1):
        free = ~fixed
        left = n - quota[fixed].sum()
        if not free.any() or w[free].sum() <= 0:
            break
        quota[free] = left * w[free] / w[free].sum()
        over = free & (quota > cap)
        under = free & (quota < low)
        if not over.any() and not under.any():
            break
        quota[over] = cap[over]
        quota[under] = low[under]
        fixed |= over | under
    sample = _largest_remainder(quota, n)
    sample = np.minimum(sample, cap.astype(int))
    shortfall = n - sample.sum()
    if shortfall > 0:  # rounding pushed a capped segment down; give the rest elsewhere
        room = cap - sample
        order = np.argsort(-room, kind="stable")
        for i in order[:shortfall]:
            sample[i] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        weight_h = np.where(sample > 0, cap / np.maximum(sample, 1), 0.0)
        fraction = np.where(cap > 0, sample / np.maximum(cap, 1), 0.0)
    return pd.DataFrame(
        {
            "segment": population.index.astype(str),
            "population": cap,
            "share_of_population": cap / cap.sum(),
            "sample": sample.astype(int),
            "share_of_sample": sample / n,
            "sampling_fraction": fraction,
            "design_weight": weight_h,
        }
    )


def _segment_series(name: str, mapping: Any) -> pd.Series:
    if isinstance(mapping, pd.Series):
        series = mapping
    elif isinstance(mapping, Mapping):
        series = pd.Series(dict(mapping), dtype=object)
    else:
        raise TypeError(
            f"{name} must be a mapping or Series of segment -> number, got {type(mapping).__name__}"
        )
    if series.empty:
        raise ValueError(f"{name} must name at least one segment")
    checked = [check_number(f"{name}[{k!r}]", v, minimum=0) for k, v in series.items()]
    return pd.Series(checked, index=series.index.astype(str), dtype=float)


#: Mystery-shopping scenarios for a grocery retailer: what a shopper does, the phase of
#: service it tests and what is scored on the visit form (each item met / not met).
MYSTERY_SCENARIOS: dict[str, dict[str, Any]] = {
    "product question": {
        "phase": "pre-transaction",
        "channel": "store",
        "scored": (
            "greeted within 30 seconds",
            "staff member found within 2 minutes",
            "correct product information",
            "offered to check stock or order",
        ),
    },
    "phone enquiry": {
        "phase": "pre-transaction",
        "channel": "phone",
        "scored": (
            "answered within 20 seconds",
            "correct opening hours and services",
            "name given and courteous",
            "question answered without transfer",
        ),
    },
    "basket purchase": {
        "phase": "transaction",
        "channel": "store",
        "scored": (
            "queue at the till under 5 minutes",
            "till price matches shelf price",
            "advertised promotion honoured",
            "receipt and bag offered",
            "store clean and tidy",
        ),
    },
    "online order": {
        "phase": "transaction",
        "channel": "online",
        "scored": (
            "delivered in the promised slot",
            "all items as ordered",
            "substitutions agreed",
            "cold items still cold",
        ),
    },
    "return or complaint": {
        "phase": "post-transaction",
        "channel": "store",
        "scored": (
            "listened to without interruption",
            "apology offered",
            "refund or exchange on the spot",
            "follow-up promised and kept",
        ),
    },
}


def mystery_shopping_plan(
    stores: Sequence[str],
    *,
    visits_per_scenario: int | Mapping[str, int] = 2,
    scenarios: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None,
    cost_per_visit: float = 0.0,
) -> pd.DataFrame:
    """Plan a mystery-shopping programme: visits per store and scenario, what is scored.

    Every store gets the same scenarios, so stores can be compared; each visit fills in
    the scenario's scoring form (its items, each met or not met). Online and phone
    scenarios are planned once per store too: they are assigned to the store that fulfils
    the order or takes the call.

    Parameters
    ----------
    stores : sequence of str
        The stores (or branches, channels) to visit; at least one, no duplicates.
    visits_per_scenario : int or mapping
        Visits to each store for each scenario (>= 1), or scenario -> visits.
    scenarios : mapping or sequence of str, optional
        Scenario name -> ``{"phase": ..., "channel": ..., "scored": (items, ...)}``, or
        names from :data:`MYSTERY_SCENARIOS`. Default: all of :data:`MYSTERY_SCENARIOS`.
    cost_per_visit : float
        Fee per visit (Php, >= 0): shopper's fee, travel and purchases.

    Returns
    -------
    pandas.DataFrame
        One row per store and scenario: ``store``, ``scenario``, ``phase``, ``channel``,
        ``visits``, ``items_scored`` (count), ``scored`` (the items, joined with "; "),
        ``observations`` (visits × items) and ``cost``.
    """
    names = _unique_strings("stores", stores)
    chosen = _scenario_table(scenarios)
    if isinstance(visits_per_scenario, Mapping):
        unknown = sorted(set(visits_per_scenario) - set(chosen))
        if unknown:
            raise ValueError(
                f"visits_per_scenario names unknown scenario(s) {unknown}; "
                f"the plan has {sorted(chosen)}"
            )
        visits = {
            s: check_integer(
                f"visits_per_scenario[{s!r}]", visits_per_scenario.get(s, 0), minimum=0
            )
            for s in chosen
        }
    else:
        each = check_integer("visits_per_scenario", visits_per_scenario, minimum=1)
        visits = dict.fromkeys(chosen, each)
    fee = check_number("cost_per_visit", cost_per_visit, minimum=0)
    keys = list(chosen)
    n_stores, n_scen = len(names), len(keys)
    visit_counts = np.tile([visits[s] for s in keys], n_stores)
    plan = pd.DataFrame(
        {
            "store": np.repeat(names, n_scen),
            "scenario": np.tile(keys, n_stores),
            "phase": pd.Categorical(
                np.tile([chosen[s]["phase"] for s in keys], n_stores),
                categories=PHASES,
                ordered=True,
            ),
            "channel": np.tile([chosen[s].get("channel", "") for s in keys], n_stores),
            "visits": visit_counts,
            "items_scored": np.tile([len(chosen[s]["scored"]) for s in keys], n_stores),
            "scored": np.tile(["; ".join(chosen[s]["scored"]) for s in keys], n_stores),
        }
    )
    plan["observations"] = plan["visits"] * plan["items_scored"]
    plan["cost"] = plan["visits"] * fee
    return plan


def _unique_strings(name: str, values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a list of names, got {type(values).__name__} {values!r}")
    items = [str(v) for v in values]
    if not items:
        raise ValueError(f"{name} must name at least one, got an empty list")
    dupes = sorted({v for v in items if items.count(v) > 1})
    if dupes:
        raise ValueError(f"{name} must not repeat names, got {dupes} more than once")
    return items


def _scenario_table(scenarios: Any) -> dict[str, Mapping[str, Any]]:
    if scenarios is None:
        return dict(MYSTERY_SCENARIOS)
    if isinstance(scenarios, Mapping):
        table = dict(scenarios)
        for key, spec in table.items():
            if not isinstance(spec, Mapping) or "scored" not in spec or "phase" not in spec:
                raise ValueError(
                    f"scenarios[{key!r}] must be a mapping with 'phase' and 'scored', got {spec!r}"
                )
            check_one_of(f"scenarios[{key!r}]['phase']", spec["phase"], PHASES)
            if not spec["scored"]:
                raise ValueError(f"scenarios[{key!r}]['scored'] must list at least one item")
        if not table:
            raise ValueError("scenarios must hold at least one scenario")
        return table
    names = _unique_strings("scenarios", scenarios)
    unknown = [s for s in names if s not in MYSTERY_SCENARIOS]
    if unknown:
        raise ValueError(
            f"scenarios has unknown name(s) {unknown}; known: {list(MYSTERY_SCENARIOS)}"
        )
    return {s: MYSTERY_SCENARIOS[s] for s in names}


def visits_for_budget(
    budget: float,
    *,
    stores: int,
    scenarios: int,
    cost_per_visit: float,
    fixed_cost: float = 0.0,
) -> int:
    """Most visits per store and scenario that a mystery-shopping budget pays for.

    Formula: ``floor((budget - fixed) / (stores × scenarios × cost per visit))``; every
    store gets the same number of visits for every scenario, so the plan stays balanced.

    Parameters
    ----------
    budget : float
        Money available (Php), >= 0.
    stores, scenarios : int
        Number of stores and of scenarios, each >= 1.
    cost_per_visit : float
        Cost of one visit (Php), > 0.
    fixed_cost : float
        Set-up cost paid once (briefing, forms, analysis), >= 0.

    Returns
    -------
    int
        Visits per store and scenario (0 if the budget does not cover one round).
    """
    money = check_number("budget", budget, minimum=0)
    n_stores = check_integer("stores", stores, minimum=1)
    n_scen = check_integer("scenarios", scenarios, minimum=1)
    fee = check_number("cost_per_visit", cost_per_visit, minimum=0, min_inclusive=False)
    fixed = check_number("fixed_cost", fixed_cost, minimum=0)
    per_round = n_stores * n_scen * fee
    return max(0, math.floor((money - fixed) / per_round + 1e-9))


def audit_cost(
    *,
    completes: int = 0,
    response_rate: float = 1.0,
    cost_per_invitation: float = 0.0,
    cost_per_complete: float = 0.0,
    mystery_visits: int = 0,
    cost_per_visit: float = 0.0,
    fixed_cost: float = 0.0,
) -> pd.DataFrame:
    """Cost of an audit from the per-unit costs the user gives.

    ``invitations = ceil(completes / response_rate)``; cost lines are invitations ×
    cost per invitation (printing, SMS, the panel's fee), completes × cost per complete
    (incentive, interviewer time), visits × cost per visit, and the fixed cost.

    Parameters
    ----------
    completes : int
        Completed survey responses needed (>= 0).
    response_rate : float
        Share of those invited who complete, in (0, 1].
    cost_per_invitation, cost_per_complete, cost_per_visit, fixed_cost : float
        Unit costs in Php (>= 0).
    mystery_visits : int
        Mystery-shopping visits (>= 0).

    Returns
    -------
    pandas.DataFrame
        Lines ``item``, ``units``, ``unit_cost``, ``cost`` and a last ``total`` line.
    """
    n = check_integer("completes", completes, minimum=0)
    rate = check_fraction("response_rate", response_rate, allow_one=True)
    if rate <= 0:
        raise ValueError(f"response_rate must be in (0, 1], got {response_rate!r}")
    visits = check_integer("mystery_visits", mystery_visits, minimum=0)
    invite = check_number("cost_per_invitation", cost_per_invitation, minimum=0)
    per_complete = check_number("cost_per_complete", cost_per_complete, minimum=0)
    per_visit = check_number("cost_per_visit", cost_per_visit, minimum=0)
    fixed = check_number("fixed_cost", fixed_cost, minimum=0)
    invitations = math.ceil(n / rate - 1e-9)
    lines = pd.DataFrame(
        {
            "item": [
                "survey invitations",
                "completed surveys",
                "mystery-shopping visits",
                "fixed (set-up, analysis)",
            ],
            "units": [invitations, n, visits, 1],
            "unit_cost": [invite, per_complete, per_visit, fixed],
        }
    )
    lines["cost"] = lines["units"] * lines["unit_cost"]
    total = pd.DataFrame(
        {"item": ["total"], "units": [pd.NA], "unit_cost": [np.nan], "cost": [lines["cost"].sum()]}
    )
    out = pd.concat([lines, total], ignore_index=True)
    out["units"] = out["units"].astype("Int64")
    return out


@dataclass(frozen=True)
class AuditDesign:
    """The result of :func:`design_audit`: sample sizes, allocation, visits and cost."""

    completes: int
    invitations: int
    allocation: pd.DataFrame
    mystery_plan: pd.DataFrame
    cost: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def total_cost(self) -> float:
        """Total cost of the plan (Php)."""
        return float(self.cost["cost"].iloc[-1])


def design_audit(
    *,
    segments: Mapping[str, float] | pd.Series,
    margin: float = 0.05,
    confidence: float = 0.95,
    p: float = 0.5,
    precision_for: str = "overall",
    allocation: str = "proportional",
    values: Mapping[str, float] | pd.Series | None = None,
    response_rate: float = 0.2,
    cost_per_invitation: float = 0.0,
    cost_per_complete: float = 0.0,
    stores: Sequence[str] = (),
    visits_per_scenario: int = 0,
    scenarios: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None,
    cost_per_visit: float = 0.0,
    fixed_cost: float = 0.0,
) -> AuditDesign:
    """Design an external audit: survey sample, its allocation, mystery shopping and cost.

    Two ways to set the survey size:

    * ``precision_for="overall"``: one sample with ± ``margin`` for the whole customer
      base (:func:`sample_size_proportion` with the total population), then split
      across segments with :func:`allocate_sample`;
    * ``precision_for="each segment"``: every segment is reported with ± ``margin`` on its
      own, so each gets its own sample size (with its own finite-population correction).
      This costs far more; it is what a firm needs if it acts segment by segment.

    Parameters
    ----------
    segments : mapping or Series
        Segment -> number of customers.
    margin, confidence, p : float
        Precision wanted (see :func:`sample_size_proportion`).
    precision_for : str
        ``"overall"`` or ``"each segment"``.
    allocation : str
        Allocation method for ``"overall"``: see :func:`allocate_sample`.
    values : mapping or Series, optional
        Value per customer by segment, for ``allocation="value"``.
    response_rate : float
        Expected share of invitations completed, in (0, 1].
    cost_per_invitation, cost_per_complete, cost_per_visit, fixed_cost : float
        Unit costs (Php).
    stores : sequence of str
        Stores for mystery shopping (empty: no mystery shopping).
    visits_per_scenario : int
        Visits per store and scenario (0: no mystery shopping).
    scenarios : optional
        Scenarios, see :func:`mystery_shopping_plan`.

    Returns
    -------
    AuditDesign
    """
    check_one_of("precision_for", precision_for, ("overall", "each segment"))
    sizes = _segment_series("segments", segments)
    if precision_for == "overall":
        n = sample_size_proportion(
            margin, confidence=confidence, p=p, population=float(sizes.sum())
        )
        n = min(n, int(sizes.sum()))
        table = allocate_sample(n, sizes, method=allocation, values=values)
    else:
        need = np.atleast_1d(
            sample_size_proportion(
                margin, confidence=confidence, p=p, population=np.maximum(sizes.to_numpy(), 1)
            )
        )
        need = np.minimum(need, sizes.to_numpy().astype(int))
        n = int(need.sum())
        cap = sizes.to_numpy()
        table = pd.DataFrame(
            {
                "segment": sizes.index,
                "population": cap,
                "share_of_population": cap / cap.sum(),
                "sample": need.astype(int),
                "share_of_sample": need / max(n, 1),
                "sampling_fraction": np.where(cap > 0, need / np.maximum(cap, 1), 0.0),
                "design_weight": np.where(need > 0, cap / np.maximum(need, 1), 0.0),
            }
        )
    rate = check_fraction("response_rate", response_rate, allow_one=True)
    if rate <= 0:
        raise ValueError(f"response_rate must be in (0, 1], got {response_rate!r}")
    table["invitations"] = np.ceil(table["sample"] / rate - 1e-9).astype(int)
    visits = check_integer("visits_per_scenario", visits_per_scenario, minimum=0)
    if len(stores) and visits:
        plan = mystery_shopping_plan(
            stores,
            visits_per_scenario=visits,
            scenarios=scenarios,
            cost_per_visit=cost_per_visit,
        )
    else:
        # No mystery shopping: an empty plan with the usual columns (and checked scenarios).
        plan = mystery_shopping_plan(["none"], scenarios=scenarios).iloc[:0].reset_index(drop=True)
    cost = audit_cost(
        completes=n,
        response_rate=rate,
        cost_per_invitation=cost_per_invitation,
        cost_per_complete=cost_per_complete,
        mystery_visits=int(plan["visits"].sum()),
        cost_per_visit=cost_per_visit,
        fixed_cost=fixed_cost,
    )
    return AuditDesign(
        completes=n,
        invitations=int(cost.loc[0, "units"]),
        allocation=table,
        mystery_plan=plan,
        cost=cost,
        settings={
            "margin": margin,
            "confidence": confidence,
            "p": p,
            "precision_for": precision_for,
            "allocation": allocation,
            "response_rate": rate,
        },
    )


# --- internal audit ----------------------------------------------------------------------


def checklist_compliance(
    checklist: pd.DataFrame,
    *,
    score: str = "score",
    by: str | Sequence[str] = "phase",
    weight: str | None = None,
    max_score: float | str = 1.0,
) -> pd.DataFrame:
    """Compliance of a checklist of policies and practices, summarised by group.

    Each checklist row is one practice checked by the auditor and given a score from 0
    (not in place) to ``max_score`` (fully in place). Compliance of a group is the
    (weighted) share of the points available that were earned:
    ``Σ w_i s_i / Σ w_i m_i``.

    Parameters
    ----------
    checklist : pandas.DataFrame
        One row per checklist item.
    score : str
        Column with each item's score (numeric, 0 to ``max_score``).
    by : str or sequence of str
        Column(s) to group by, e.g. ``"phase"`` or ``["phase", "area"]``. A ``phase``
        column is ordered before, during and after the sale (:data:`PHASES`).
    weight : str, optional
        Column with each item's weight (>= 0), e.g. its criticality. None: equal weights.
    max_score : float or str
        Highest score an item can get, or the name of a column that holds it per item.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``items``, ``points``, ``possible``,
        ``compliance`` (0-1) and ``items_below_full`` (items not fully in place).
    """
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("by must name at least one column")
    needed = [score, *keys] + ([weight] if weight else [])
    if isinstance(max_score, str):
        needed.append(max_score)
    frame = check_nonempty("checklist", check_columns("checklist", checklist, needed))
    points = _numeric_column("checklist", frame, score)
    if isinstance(max_score, str):
        top = _numeric_column("checklist", frame, max_score)
        if (top <= 0).any():
            raise ValueError(f"checklist[{max_score!r}] must be > 0 for every item")
    else:
        top = pd.Series(
            check_number("max_score", max_score, minimum=0, min_inclusive=False), index=frame.index
        )
    if (points < 0).any() or (points > top).any():
        bad = points[(points < 0) | (points > top)].iloc[0]
        raise ValueError(
            f"checklist[{score!r}] must be between 0 and the item's maximum, got {bad!r}"
        )
    w = _numeric_column("checklist", frame, weight) if weight else pd.Series(1.0, frame.index)
    if (w < 0).any():
        raise ValueError(f"checklist[{weight!r}] must be >= 0, got {w[w < 0].iloc[0]!r}")
    work = frame[keys].copy()
    if "phase" in keys:
        odd = frame.loc[~frame["phase"].astype(str).isin(PHASES), "phase"]
        if len(odd):
            raise ValueError(
                f"checklist['phase'] must be one of {list(PHASES)}, got {odd.iloc[0]!r}"
            )
        work["phase"] = pd.Categorical(frame["phase"].astype(str), categories=PHASES, ordered=True)
    work = work.assign(
        _points=w * points, _possible=w * top, _short=(points < top).astype(int), _n=1
    )
    out = (
        work.groupby(keys, observed=True, sort=True)[["_n", "_points", "_possible", "_short"]]
        .sum()
        .reset_index()
        .rename(
            columns={
                "_n": "items",
                "_points": "points",
                "_possible": "possible",
                "_short": "items_below_full",
            }
        )
    )
    out["compliance"] = np.where(out["possible"] > 0, out["points"] / out["possible"], 0.0)
    return out[[*keys, "items", "points", "possible", "compliance", "items_below_full"]]


def _numeric_column(name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(f"{name}[{column!r}] must be numeric, got dtype {values.dtype}")
    if values.isna().any():
        raise ValueError(f"{name}[{column!r}] has {int(values.isna().sum())} missing value(s)")
    return values.astype(float)


#: Which SERVQUAL dimension each area of Cedar Lane's audit checklist serves, used by
#: lesson 05 to line the internal audit up with the survey. A judgement, made with the
#: definitions of Parasuraman, Zeithaml & Berry (1988): reliability is keeping the
#: service promise, responsiveness is prompt help and telling customers when things will
#: happen, assurance is competence and trust, empathy is individual attention and
#: convenient access. Areas that measure service rather than deliver it are
#: ``"measurement"``: customers do not see them.
CEDAR_AREA_DIMENSIONS: dict[str, str] = {
    "service policy": "assurance",
    "service standards": "reliability",
    "accessibility": "empathy",
    "customer data": "empathy",
    "loyalty programme": "empathy",
    "staff training": "assurance",
    "stock availability": "reliability",
    "pricing accuracy": "reliability",
    "phone answer speed": "responsiveness",
    "order status information": "responsiveness",
    "delivery reliability": "reliability",
    "free delivery": "empathy",
    "payment": "assurance",
    "complaint handling": "responsiveness",
    "complaint resolution": "reliability",
    "complaint analysis": "measurement",
    "returns and refunds": "responsiveness",
    "first-contact resolution": "reliability",
    "customer feedback": "measurement",
    "mystery shopping": "measurement",
    "benchmarking": "measurement",
}


def map_checklist(
    checklist: pd.DataFrame,
    mapping: Mapping[str, str],
    *,
    column: str = "area",
    into: str = "dimension",
) -> pd.DataFrame:
    """Add a column that places each checklist item in a survey dimension.

    Parameters
    ----------
    checklist : pandas.DataFrame
        The checklist, with ``column``.
    mapping : mapping
        Value of ``column`` -> dimension (e.g. :data:`CEDAR_AREA_DIMENSIONS`).
    column, into : str
        The column to read and the column to write.

    Returns
    -------
    pandas.DataFrame
        A copy with ``into`` added.

    Raises
    ------
    ValueError
        If some values of ``column`` are not in ``mapping``; the message names them, so
        no item silently falls out of the audit.
    """
    frame = check_columns("checklist", checklist, [column])
    if not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a mapping of {column} -> {into}")
    values = frame[column].astype(str)
    unknown = sorted(set(values) - set(mapping))
    if unknown:
        raise ValueError(f"mapping has no {into} for {column} value(s) {unknown}")
    return frame.assign(**{into: values.map(dict(mapping))})


def disconnects(
    compliance: pd.DataFrame,
    importance: pd.DataFrame | pd.Series,
    *,
    on: str,
    compliance_col: str = "compliance",
    importance_col: str = "importance",
    compliance_target: float = 0.8,
    importance_line: float | str = "mean",
    unaudited: str = "raise",
) -> pd.DataFrame:
    """Line internal compliance up against what customers say matters.

    A **disconnect** (source 000: the internal audit's purpose) is an area that customers
    rate as important (importance at or above ``importance_line``) where the firm's own
    practices fall short (compliance below ``compliance_target``). The ``priority``
    score ``importance share × (1 - compliance)`` ranks the rows: an important area
    that is far from compliant first.

    Parameters
    ----------
    compliance : pandas.DataFrame
        From :func:`checklist_compliance`, with column ``on``.
    importance : pandas.DataFrame or Series
        Importance by the same key (a DataFrame with ``on`` and ``importance_col``, or a
        Series indexed by the key).
    on : str
        The key both tables share (e.g. ``"dimension"``).
    compliance_target : float
        Compliance below this counts as falling short, in [0, 1].
    importance_line : float or "mean" or "median"
        Importance at or above this counts as important.
    unaudited : str
        What to do with an area customers rate that has no checklist item:
        ``"raise"`` (the default) or ``"flag"`` - keep it with ``audited`` False,
        ``compliance`` NaN and ``blind_spot`` True if it is important. Its priority is
        computed as if nothing were in place: until it is checked, assume the worst.

    Returns
    -------
    pandas.DataFrame
        ``on``, ``compliance``, ``importance``, ``audited``, ``important``, ``short``,
        ``disconnect``, ``blind_spot`` and ``priority``, sorted by ``priority`` (largest
        first). Areas in the checklist that customers do not rate are refused.
    """
    check_columns("compliance", compliance, [on, compliance_col])
    target = check_number("compliance_target", compliance_target, minimum=0, maximum=1)
    check_one_of("unaudited", unaudited, ("raise", "flag"))
    if isinstance(importance, pd.Series):
        imp = importance.rename(importance_col).rename_axis(on).reset_index()
    else:
        imp = check_columns("importance", importance, [on, importance_col])[[on, importance_col]]
    left = compliance[[on, compliance_col]].rename(columns={compliance_col: "compliance"})
    right = imp.rename(columns={importance_col: "importance"})
    left = left.assign(**{on: left[on].astype(str)})
    right = right.assign(**{on: right[on].astype(str)})
    only_left = sorted(set(left[on]) - set(right[on]))
    only_right = sorted(set(right[on]) - set(left[on]))
    if only_left or (only_right and unaudited == "raise"):
        raise ValueError(
            f"compliance and importance must cover the same {on} values; only in "
            f"compliance: {only_left}, only in importance: {only_right}"
            + ("" if only_left else "; pass unaudited='flag' to keep unaudited areas")
        )
    table = right.merge(left, on=on, how="left")[[on, "compliance", "importance"]]
    line = _line(importance_line, table["importance"], "importance_line")
    share = table["importance"] / table["importance"].sum()
    table["audited"] = table["compliance"].notna()
    table["important"] = table["importance"] >= line
    table["short"] = table["audited"] & (table["compliance"] < target)
    table["disconnect"] = table["important"] & table["short"]
    table["blind_spot"] = table["important"] & ~table["audited"]
    table["priority"] = share * (1 - table["compliance"].fillna(0.0))
    return table.sort_values("priority", ascending=False, kind="stable").reset_index(drop=True)


def _line(where: float | str, values: pd.Series, name: str) -> float:
    if isinstance(where, str):
        check_one_of(name, where, ("mean", "median"))
        return float(values.mean() if where == "mean" else values.median())
    return check_number(name, where)


# --- external audit: SERVQUAL gaps, waves, competitors ----------------------------------


def gap_scores(
    survey: pd.DataFrame,
    *,
    expectation: str = "expectation",
    perception: str = "perception",
    item: str = "item_id",
    dimension: str = "dimension",
    by: str | Sequence[str] = (),
    scale: tuple[float, float] = (1, 7),
    dimensions: Sequence[str] | None = DIMENSIONS,
) -> dict[str, pd.DataFrame]:
    """SERVQUAL gap scores: perception minus expectation, per item and per dimension.

    For respondent ``r`` and item ``i`` the gap is ``G_ri = P_ri - E_ri``; negative means
    service falls short of what the customer expects. An item's score is the mean gap
    over respondents; a dimension's score is the mean of its items' scores
    (Parasuraman, Zeithaml & Berry, 1988).

    Parameters
    ----------
    survey : pandas.DataFrame
        Long format: one row per respondent and item, with the expectation and the
        perception rating of that item, the item id and its dimension.
    expectation, perception, item, dimension : str
        Column names.
    by : str or sequence of str
        Extra grouping columns (e.g. ``"wave"``) kept in both results.
    scale : (float, float)
        Lowest and highest rating; ratings outside are refused.
    dimensions : sequence of str, optional
        Dimensions that must all be present (default: the five SERVQUAL dimensions). None
        accepts whatever dimensions the data hold.

    Returns
    -------
    dict of pandas.DataFrame
        ``"items"``: one row per (by, dimension, item) with ``n``, ``expectation``,
        ``perception``, ``gap`` and ``gap_se`` (standard error of the mean gap);
        ``"dimensions"``: one row per (by, dimension) with ``items``, ``expectation``,
        ``perception`` and ``gap`` (means of the item means).
    """
    keys = [by] if isinstance(by, str) else list(by)
    needed = [expectation, perception, item, dimension, *keys]
    frame = check_nonempty("survey", check_columns("survey", survey, needed))
    _check_ratings("survey", frame, [expectation, perception], scale)
    _check_dimensions("survey", frame[dimension], dimensions)
    work = pd.DataFrame(
        {
            **{k: frame[k] for k in keys},
            "dimension": frame[dimension].astype(str),
            "item": frame[item].astype(str),
            "expectation": frame[expectation].astype(float),
            "perception": frame[perception].astype(float),
        }
    )
    work["gap"] = work["perception"] - work["expectation"]
    items = (
        work.groupby([*keys, "dimension", "item"], observed=True, sort=True)
        .agg(
            n=("gap", "size"),
            expectation=("expectation", "mean"),
            perception=("perception", "mean"),
            gap=("gap", "mean"),
            gap_sd=("gap", "std"),
        )
        .reset_index()
    )
    items["gap_se"] = (items["gap_sd"] / np.sqrt(items["n"])).fillna(0.0)
    items = items.drop(columns="gap_sd")
    dims = (
        items.groupby([*keys, "dimension"], observed=True, sort=True)
        .agg(
            items=("item", "size"),
            expectation=("expectation", "mean"),
            perception=("perception", "mean"),
            gap=("gap", "mean"),
        )
        .reset_index()
    )
    order = _dimension_order(dims["dimension"], dimensions)
    dims["dimension"] = pd.Categorical(dims["dimension"], categories=order, ordered=True)
    items["dimension"] = pd.Categorical(items["dimension"], categories=order, ordered=True)
    dims = dims.sort_values([*keys, "dimension"], kind="stable").reset_index(drop=True)
    items = items.sort_values([*keys, "dimension", "item"], kind="stable").reset_index(drop=True)
    return {"items": items, "dimensions": dims}


def _check_dimensions(name: str, values: pd.Series, dimensions: Sequence[str] | None) -> None:
    if dimensions is None:
        return
    present = set(values.astype(str))
    missing = [d for d in dimensions if d not in present]
    if missing:
        raise ValueError(
            f"{name} is missing dimension(s) {missing}; it has {sorted(present)}. "
            "Pass dimensions=None to accept other dimensions."
        )


def _dimension_order(values: pd.Series, dimensions: Sequence[str] | None) -> list[str]:
    """Required dimensions first (or SERVQUAL's order), then any others as they appear."""
    seen = list(dict.fromkeys(values.astype(str)))
    first = list(dimensions) if dimensions is not None else [d for d in DIMENSIONS if d in seen]
    return [*first, *[d for d in seen if d not in first]]


def dimension_scores(
    survey: pd.DataFrame,
    *,
    value: str,
    respondent: str = "respondent_id",
    dimension: str = "dimension",
    by: str | Sequence[str] = (),
    scale: tuple[float, float] | None = (1, 7),
) -> pd.DataFrame:
    """Each respondent's score on each dimension: the mean of their item ratings.

    Respondents, not item answers, are the independent units of a survey, so tests of
    differences between waves or firms compare these per-respondent scores
    (:func:`compare_groups`).

    Parameters
    ----------
    survey : pandas.DataFrame
        Long format, one row per respondent and item.
    value : str
        Column to average: a rating (``"perception"``) or a gap column.
    respondent, dimension : str
        Column names.
    by : str or sequence of str
        Grouping columns kept (``"wave"``, ``"firm"``); a respondent is identified by
        ``by`` together with ``respondent``.
    scale : (float, float) or None
        Rating scale to enforce on ``value``; None for a derived value such as a gap.

    Returns
    -------
    pandas.DataFrame
        Columns ``by``..., ``respondent``, ``dimension``, ``score``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    frame = check_nonempty(
        "survey", check_columns("survey", survey, [value, respondent, dimension, *keys])
    )
    if scale is None:
        _numeric_column("survey", frame, value)
    else:
        _check_ratings("survey", frame, [value], scale)
    out = (
        frame.groupby([*keys, respondent, dimension], observed=True, sort=True)[value]
        .mean()
        .rename("score")
        .reset_index()
        .rename(columns={respondent: "respondent", dimension: "dimension"})
    )
    # SERVQUAL's order (tangibles ... empathy) rather than the alphabet, in every result.
    order = _dimension_order(out["dimension"], DIMENSIONS)
    present = [d for d in order if d in set(out["dimension"].astype(str))]
    out["dimension"] = pd.Categorical(
        out["dimension"].astype(str), categories=present, ordered=True
    )
    return out


#: How :func:`compare_groups` names each test in its ``test`` column and in findings.
TEST_NAMES = {
    "welch": "Welch t-test",
    "mann-whitney": "Mann-Whitney U test",
    "paired": "paired t-test",
}


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds (messages print 1, not np.int64(1))."""
    return value.item() if isinstance(value, np.generic) else value


def compare_groups(
    scores: pd.DataFrame,
    *,
    group: str,
    first: Any,
    second: Any,
    value: str = "score",
    by: str | Sequence[str] = "dimension",
    test: str = "welch",
    paired_on: str | None = None,
    alpha: float = 0.05,
    adjust: str = "holm",
) -> pd.DataFrame:
    """Compare two groups (waves, firms) on a score, one test per row of ``by``.

    ``difference = mean(second) - mean(first)``. Tests come from SciPy:

    * ``"welch"``: Welch's two-sample t-test (``scipy.stats.ttest_ind`` with
      ``equal_var=False``), for independent samples such as two survey waves;
    * ``"mann-whitney"``: the Mann-Whitney U test (``scipy.stats.mannwhitneyu``), which
      only uses the order of the scores;
    * with ``paired_on`` (a respondent column) the paired t-test
      (``scipy.stats.ttest_rel``), when the same respondents rated both, e.g. the firm
      and a competitor.

    With several rows (five dimensions) some difference will look "significant" by
    chance, so the p-values are adjusted with statsmodels' ``multipletests`` (Holm's
    method by default) and ``significant`` uses the adjusted value.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores, e.g. from :func:`dimension_scores`.
    group : str
        Column that tells the groups apart.
    first, second : object
        The two values of ``group`` to compare (``first`` is the baseline).
    value : str
        Score column.
    by : str or sequence of str
        Columns that define the separate comparisons (``()``: one overall comparison).
    test : str
        ``"welch"`` or ``"mann-whitney"`` (ignored when ``paired_on`` is given).
    paired_on : str, optional
        Column that pairs rows of the two groups.
    alpha : float
        Significance level, in (0, 1).
    adjust : str
        A statsmodels ``multipletests`` method (``"holm"``, ``"bonferroni"``,
        ``"fdr_bh"``) or ``"none"``.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` value: ``n_first``, ``n_second``, ``mean_first``,
        ``mean_second``, ``difference``, ``ci_low``, ``ci_high`` (confidence interval of
        the difference at level 1 - alpha, from the t-test), ``statistic``, ``p_value``,
        ``p_adjusted``, ``significant``, ``direction`` ("up", "down", "no change"),
        ``test`` (the test used, as named in :data:`TEST_NAMES`) and ``adjustment`` (the
        multiple-testing method, or "none").
    """
    keys = [by] if isinstance(by, str) else list(by)
    needed = [group, value, *keys] + ([paired_on] if paired_on else [])
    frame = check_nonempty("scores", check_columns("scores", scores, needed))
    _numeric_column("scores", frame, value)
    check_one_of("test", test, ("welch", "mann-whitney"))
    level = check_number(
        "alpha", alpha, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False
    )
    methods = ("none", "holm", "bonferroni", "fdr_bh", "hommel", "sidak", "holm-sidak")
    check_one_of("adjust", adjust, methods)
    present = {_plain(v) for v in frame[group].unique()}
    for label, wanted in (("first", first), ("second", second)):
        if _plain(wanted) not in present:
            raise ValueError(
                f"{label}={_plain(wanted)!r} is not a value of scores[{group!r}]; "
                f"it has {sorted(present, key=str)}"
            )
    if first == second:
        raise ValueError(f"first and second must differ, both are {_plain(first)!r}")
    parts = frame[frame[group].isin([first, second])]
    grouped = parts.groupby(keys, observed=True, sort=True) if keys else [((), parts)]
    rows = []
    for key, part in grouped:
        a = part.loc[part[group] == first]
        b = part.loc[part[group] == second]
        if paired_on:
            pair = a[[paired_on, value]].merge(b[[paired_on, value]], on=paired_on)
            x, y = pair[f"{value}_x"].to_numpy(), pair[f"{value}_y"].to_numpy()
            if len(x) < 2:
                raise ValueError(f"fewer than two paired rows for {_key_text(key)}")
            result = stats.ttest_rel(y, x)
            ci = result.confidence_interval(1 - level)
        else:
            x, y = a[value].to_numpy(), b[value].to_numpy()
            if len(x) < 2 or len(y) < 2:
                raise ValueError(
                    f"each group needs at least two scores for {_key_text(key)}; "
                    f"got {len(x)} and {len(y)}"
                )
            t_result = stats.ttest_ind(y, x, equal_var=False)
            ci = t_result.confidence_interval(1 - level)
            result = (
                t_result if test == "welch" else stats.mannwhitneyu(y, x, alternative="two-sided")
            )
        key_values = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(keys, key_values, strict=True)),
                "n_first": len(x),
                "n_second": len(y),
                "mean_first": float(np.mean(x)),
                "mean_second": float(np.mean(y)),
                "difference": float(np.mean(y) - np.mean(x)),
                "ci_low": float(ci.low),
                "ci_high": float(ci.high),
                "statistic": float(result.statistic),
                "p_value": float(result.pvalue),
            }
        )
    out = pd.DataFrame(rows)
    p = out["p_value"].to_numpy()
    if adjust == "none" or len(p) == 1:
        out["p_adjusted"] = p
    else:
        out["p_adjusted"] = multipletests(p, alpha=level, method=adjust)[1]
    out["significant"] = out["p_adjusted"] < level
    out["direction"] = np.where(
        ~out["significant"], "no change", np.where(out["difference"] > 0, "up", "down")
    )
    out["test"] = TEST_NAMES["paired" if paired_on else test]
    out["adjustment"] = "none" if len(p) == 1 else adjust
    return out


def _key_text(key: Any) -> str:
    """A group key for a message: ``'reliability'`` or ``('reliability', 2)``, plain numbers."""
    if isinstance(key, tuple):
        parts = [_plain(k) for k in key]
        return repr(parts[0]) if len(parts) == 1 else repr(tuple(parts))
    return repr(_plain(key))


def wave_change(
    survey: pd.DataFrame,
    *,
    value: str = "perception",
    wave: str = "wave",
    first: Any = 1,
    second: Any = 2,
    respondent: str = "respondent_id",
    dimension: str = "dimension",
    scale: tuple[float, float] | None = (1, 7),
    test: str = "welch",
    alpha: float = 0.05,
    adjust: str = "holm",
) -> pd.DataFrame:
    """Change of each dimension between two survey waves, with a significance test.

    Averages each respondent's items within a dimension (:func:`dimension_scores`),
    then compares the two waves' respondents with :func:`compare_groups` (Welch's
    t-test, Holm-adjusted over the dimensions). The waves are independent samples:
    different customers answer each wave.

    Parameters
    ----------
    survey : pandas.DataFrame
        Long format survey with a wave column.
    value : str
        What to compare: ``"perception"`` (the default), ``"expectation"`` or a gap
        column (then pass ``scale=None``).
    wave, respondent, dimension : str
        Column names.
    first, second : object
        The baseline wave and the later wave.
    scale, test, alpha, adjust
        See :func:`dimension_scores` and :func:`compare_groups`.

    Returns
    -------
    pandas.DataFrame
        As :func:`compare_groups`, one row per dimension.
    """
    scores = dimension_scores(
        survey, value=value, respondent=respondent, dimension=dimension, by=wave, scale=scale
    )
    return compare_groups(
        scores,
        group=wave,
        first=first,
        second=second,
        by="dimension",
        test=test,
        alpha=alpha,
        adjust=adjust,
    )


def competitor_comparison(
    survey: pd.DataFrame,
    *,
    firm: str = "perception",
    competitor: str = "competitor",
    respondent: str = "respondent_id",
    dimension: str = "dimension",
    by: str | Sequence[str] = (),
    scale: tuple[float, float] = (1, 7),
    alpha: float = 0.05,
    adjust: str = "holm",
) -> pd.DataFrame:
    """The firm against a competitor on each dimension: who is ahead, and is it real?

    Each survey row holds one respondent's rating of one item for the firm (``firm``)
    and for the competitor (``competitor``), so the two ratings are paired. Each
    respondent's ratings are averaged within a dimension (:func:`dimension_scores`) and
    the firm is compared with the competitor by the paired t-test
    (``scipy.stats.ttest_rel``), Holm-adjusted over the comparisons
    (:func:`compare_groups`). ``difference = firm - competitor``: positive means the firm
    is ahead.

    Parameters
    ----------
    survey : pandas.DataFrame
        Long format, one row per respondent and item.
    firm, competitor : str
        Columns with the ratings of the firm and of the competitor.
    respondent, dimension : str
        Column names.
    by : str or sequence of str
        Extra grouping (e.g. ``"wave"``): one comparison per group and dimension.
    scale, alpha, adjust
        See :func:`dimension_scores` and :func:`compare_groups`.

    Returns
    -------
    pandas.DataFrame
        One row per (by, dimension): ``n``, ``mean_firm``, ``mean_competitor``,
        ``difference``, ``ci_low``, ``ci_high``, ``statistic``, ``p_value``,
        ``p_adjusted``, ``significant`` and ``direction`` ("ahead", "behind",
        "no difference").
    """
    keys = [by] if isinstance(by, str) else list(by)
    common = {"respondent": respondent, "dimension": dimension, "by": keys, "scale": scale}
    ours = dimension_scores(survey, value=firm, **common)
    theirs = dimension_scores(survey, value=competitor, **common)
    stacked = pd.concat(
        [ours.assign(_rated="firm"), theirs.assign(_rated="competitor")], ignore_index=True
    )
    table = compare_groups(
        stacked,
        group="_rated",
        first="competitor",
        second="firm",
        by=[*keys, "dimension"],
        paired_on="respondent",
        alpha=alpha,
        adjust=adjust,
    )
    table = table.rename(
        columns={"mean_first": "mean_competitor", "mean_second": "mean_firm", "n_second": "n"}
    ).drop(columns="n_first")
    table["direction"] = table["direction"].map(
        {"up": "ahead", "down": "behind", "no change": "no difference"}
    )
    front = [*keys, "dimension", "n", "mean_firm", "mean_competitor"]
    return table[[*front, *[c for c in table.columns if c not in front]]]


def stated_importance(
    survey: pd.DataFrame,
    *,
    importance: str = "importance",
    respondent: str = "respondent_id",
    dimension: str = "dimension",
    by: str | Sequence[str] = (),
) -> pd.DataFrame:
    """Mean importance each dimension gets from the respondents who stated it.

    In the 100-point allocation of Parasuraman, Zeithaml & Berry (1991) each respondent
    shares 100 points among the five dimensions; in a long survey table the points of a
    dimension repeat on each of its items, so they are first reduced to one value per
    respondent and dimension (:func:`dimension_scores`), then averaged.

    Parameters
    ----------
    survey : pandas.DataFrame
        Long format, one row per respondent and item.
    importance, respondent, dimension : str
        Column names.
    by : str or sequence of str
        Extra grouping, e.g. ``"wave"``.

    Returns
    -------
    pandas.DataFrame
        ``by``..., ``dimension``, ``respondents`` and ``importance`` (mean points).
    """
    keys = [by] if isinstance(by, str) else list(by)
    per_person = dimension_scores(
        survey, value=importance, respondent=respondent, dimension=dimension, by=keys, scale=None
    )
    if (per_person["score"] < 0).any():
        raise ValueError(f"survey[{importance!r}] must be >= 0")
    out = (
        per_person.groupby([*keys, "dimension"], observed=True, sort=True)["score"]
        .agg(respondents="size", importance="mean")
        .reset_index()
    )
    order = _dimension_order(out["dimension"], DIMENSIONS)
    out["dimension"] = pd.Categorical(out["dimension"].astype(str), categories=order, ordered=True)
    return out.sort_values([*keys, "dimension"], kind="stable").reset_index(drop=True)


def survey_ipa_table(
    survey: pd.DataFrame,
    *,
    level: str = "item",
    performance: str = "perception",
    expectation: str = "expectation",
    importance: str = "importance",
    respondent: str = "respondent_id",
    item: str = "item_id",
    dimension: str = "dimension",
    scale: tuple[float, float] = (1, 7),
) -> pd.DataFrame:
    """The input of :func:`importance_performance` from one wave of the survey.

    Performance is the mean perception (of an item, or of a dimension: the mean of its
    items); importance is the stated importance of the dimension
    (:func:`stated_importance`), so the items of one dimension share it.

    Parameters
    ----------
    survey : pandas.DataFrame
        One wave of the long survey table.
    level : str
        ``"item"`` or ``"dimension"``.
    performance, expectation, importance, respondent, item, dimension : str
        Column names.
    scale : (float, float)
        Rating scale of ``performance`` and ``expectation``.

    Returns
    -------
    pandas.DataFrame
        ``item`` (item level only), ``dimension``, ``importance``, ``performance``,
        ``expectation`` and ``gap``.
    """
    check_one_of("level", level, ("item", "dimension"))
    gaps = gap_scores(
        survey,
        expectation=expectation,
        perception=performance,
        item=item,
        dimension=dimension,
        scale=scale,
        dimensions=None,
    )
    weights = stated_importance(
        survey, importance=importance, respondent=respondent, dimension=dimension
    )
    weights = weights.assign(dimension=weights["dimension"].astype(str))[
        ["dimension", "importance"]
    ]
    table = gaps["items" if level == "item" else "dimensions"]
    table = table.assign(dimension=table["dimension"].astype(str)).merge(
        weights, on="dimension", how="left"
    )
    front = (["item"] if level == "item" else []) + ["dimension", "importance"]
    return table.rename(columns={"perception": "performance"})[
        [*front, "performance", "expectation", "gap"]
    ]


def importance_weights(importance: Mapping[str, float] | pd.Series) -> pd.Series:
    """Importance turned into weights that add up to 1: ``w_d = I_d / Σ I``.

    Works for a 100-point allocation across dimensions (as in Parasuraman, Zeithaml &
    Berry's 1991 revision of SERVQUAL) and for mean importance ratings alike.
    """
    series = _segment_series("importance", importance)
    if series.sum() <= 0:
        raise ValueError("importance must have at least one positive value")
    return (series / series.sum()).rename("weight")


def weighted_gap(
    dimension_gaps: pd.DataFrame | pd.Series,
    importance: Mapping[str, float] | pd.Series,
    *,
    dimension: str = "dimension",
    gap: str = "gap",
) -> pd.DataFrame:
    """Gap scores weighted by importance; the last row is the overall weighted gap.

    Formula: ``weighted gap_d = w_d × G_d`` with ``w`` from :func:`importance_weights`;
    overall SERVQUAL score ``Σ_d w_d G_d``. A small gap on what matters most can weigh
    more than a large gap on what hardly matters.

    Parameters
    ----------
    dimension_gaps : pandas.DataFrame or Series
        ``gap_scores(...)["dimensions"]`` (one row per dimension) or a Series of gaps
        indexed by dimension.
    importance : mapping or Series
        Dimension -> importance (any positive scale).

    Returns
    -------
    pandas.DataFrame
        ``dimension``, ``gap``, ``weight``, ``weighted_gap``; last row ``"overall"``.
    """
    if isinstance(dimension_gaps, pd.Series):
        gaps = dimension_gaps.astype(float)
        gaps.index = gaps.index.astype(str)
    else:
        table = check_columns("dimension_gaps", dimension_gaps, [dimension, gap])
        if table[dimension].duplicated().any():
            raise ValueError(
                "dimension_gaps must have one row per dimension; filter it first (e.g. one wave)"
            )
        gaps = pd.Series(table[gap].to_numpy(dtype=float), index=table[dimension].astype(str))
    weights = importance_weights(importance)
    missing = sorted(set(gaps.index) - set(weights.index))
    extra = sorted(set(weights.index) - set(gaps.index))
    if missing or extra:
        raise ValueError(
            f"importance must cover exactly the dimensions of the gaps; missing: {missing}, "
            f"not in the gaps: {extra}"
        )
    out = pd.DataFrame({"dimension": gaps.index, "gap": gaps.to_numpy()})
    out["weight"] = weights.reindex(out["dimension"]).to_numpy()
    out["weighted_gap"] = out["gap"] * out["weight"]
    total = pd.DataFrame(
        {
            "dimension": ["overall"],
            "gap": [out["gap"].mean()],
            "weight": [1.0],
            "weighted_gap": [out["weighted_gap"].sum()],
        }
    )
    return pd.concat([out, total], ignore_index=True)


# --- importance-performance analysis -----------------------------------------------------


def importance_performance(
    table: pd.DataFrame,
    *,
    importance: str = "importance",
    performance: str = "performance",
    label: str | None = None,
    importance_line: float | str = "mean",
    performance_line: float | str = "mean",
) -> pd.DataFrame:
    """Importance-performance analysis: place each attribute in one of four quadrants.

    Martilla & James (1977) plot each service attribute by its mean importance and its
    mean performance and split the plot with a vertical and a horizontal line:

    ====================  ==============  ==================================
    quadrant              importance      performance
    ====================  ==============  ==================================
    Concentrate here      high            low   -> put resources here
    Keep up the good work high            high
    Low priority          low             low
    Possible overkill     low             high  -> resources may be overspent
    ====================  ==============  ==================================

    A value exactly on a line counts as high. Where to draw the lines is a judgement
    (Martilla & James: it is the relative position that matters); the means of the
    attributes are the usual choice, the medians or fixed values (a scale's midpoint)
    are alternatives.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per attribute (item or dimension) with mean importance and performance.
    importance, performance : str
        Column names.
    label : str, optional
        Column naming the attribute (kept in front).
    importance_line, performance_line : float or "mean" or "median"
        Where to draw each line.

    Returns
    -------
    pandas.DataFrame
        The table with ``importance_line``, ``performance_line`` and ``quadrant``
        (ordered categorical) added. Importance and performance may be on different
        scales (points of 100 and a 1-7 rating): only their positions against the lines
        are compared, never the numbers with each other.
    """
    needed = [importance, performance] + ([label] if label else [])
    frame = check_nonempty("table", check_columns("table", table, needed))
    imp = _numeric_column("table", frame, importance)
    perf = _numeric_column("table", frame, performance)
    i_line = _line(importance_line, imp, "importance_line")
    p_line = _line(performance_line, perf, "performance_line")
    high_i = imp >= i_line
    high_p = perf >= p_line
    names = np.select(
        [high_i & ~high_p, high_i & high_p, ~high_i & ~high_p],
        [_QUADRANT_ORDER[0], _QUADRANT_ORDER[1], _QUADRANT_ORDER[2]],
        default=_QUADRANT_ORDER[3],
    )
    out = frame.copy()
    out["importance_line"] = i_line
    out["performance_line"] = p_line
    out["quadrant"] = pd.Categorical(names, categories=_QUADRANT_ORDER, ordered=True)
    return out


def ipa_chart(
    ipa: pd.DataFrame,
    *,
    importance: str = "importance",
    performance: str = "performance",
    label: str = "item",
    group: str | None = None,
    labels: bool = True,
    title: str = "Importance-performance analysis",
    importance_title: str = "Importance (mean rating, 1-7)",
    performance_title: str = "Performance (mean rating, 1-7)",
) -> alt.LayerChart:
    """The IPA grid: attributes as points, the two lines, the quadrants named.

    Parameters
    ----------
    ipa : pandas.DataFrame
        The output of :func:`importance_performance` (a few dozen rows at most).
    importance, performance, label : str
        Column names.
    group : str, optional
        Column shown as the points' shape (e.g. ``"dimension"``).
    labels : bool
        Write each point's label next to it. Turn off when many points share a row (they
        would overlap); the tooltip still names each point.
    title, importance_title, performance_title : str
        Chart and axis titles (axis titles with their units).
    """
    cols = [label, importance, performance, "quadrant", "importance_line", "performance_line"]
    check_columns("ipa", ipa, cols + ([group] if group else []))
    keep = [label, importance, performance, "quadrant"] + ([group] if group else [])
    data = ipa[keep].astype({"quadrant": str})
    data = data.rename(columns={label: "label", importance: "imp", performance: "perf"})
    i_line = float(ipa["importance_line"].iloc[0])
    p_line = float(ipa["performance_line"].iloc[0])
    low_x, high_x = min(data["perf"].min(), p_line), max(data["perf"].max(), p_line)
    low_y, high_y = min(data["imp"].min(), i_line), max(data["imp"].max(), i_line)
    pad_x = 0.12 * max(high_x - low_x, 0.2)
    pad_y = 0.12 * max(high_y - low_y, 0.2)
    x_dom = [float(low_x - pad_x), float(high_x + pad_x)]
    y_dom = [float(low_y - pad_y), float(high_y + pad_y)]
    x_scale = alt.Scale(domain=x_dom, zero=False, nice=False)
    y_scale = alt.Scale(domain=y_dom, zero=False, nice=False)
    x = alt.X("perf:Q", title=performance_title, scale=x_scale)
    y = alt.Y("imp:Q", title=importance_title, scale=y_scale)
    colour = alt.Color(
        "quadrant:N", title="Quadrant", scale=alt.Scale(domain=list(_QUADRANT_ORDER))
    )
    tooltip = [
        alt.Tooltip("label:N", title="Attribute"),
        alt.Tooltip("imp:Q", title="Importance", format=".2f"),
        alt.Tooltip("perf:Q", title="Performance", format=".2f"),
        alt.Tooltip("quadrant:N", title="Quadrant"),
    ]
    encoding: dict[str, Any] = {"x": x, "y": y, "color": colour, "tooltip": tooltip}
    if group:
        data[group] = data[group].astype(str)
        encoding["shape"] = alt.Shape(f"{group}:N", title=group.capitalize())
        tooltip.insert(1, alt.Tooltip(f"{group}:N", title=group.capitalize()))
    points = alt.Chart(data).mark_point(size=110, filled=True, opacity=0.85).encode(**encoding)
    layers: list[alt.Chart] = []
    rules = pd.DataFrame({"x": [p_line], "y": [i_line]})
    layers.append(
        alt.Chart(rules)
        .mark_rule(strokeDash=[4, 4], color="#666")
        .encode(x=alt.X("x:Q", scale=x_scale))
    )
    layers.append(
        alt.Chart(rules)
        .mark_rule(strokeDash=[4, 4], color="#666")
        .encode(y=alt.Y("y:Q", scale=y_scale))
    )
    corners = pd.DataFrame(
        {
            "x": [x_dom[0], x_dom[1], x_dom[0], x_dom[1]],
            "y": [y_dom[1], y_dom[1], y_dom[0], y_dom[0]],
            "name": list(_QUADRANT_ORDER),
            "side": ["left", "right", "left", "right"],
            "base": ["top", "top", "bottom", "bottom"],
        }
    )
    for side in ("left", "right"):
        for base in ("top", "bottom"):
            layers.append(
                alt.Chart(corners[(corners["side"] == side) & (corners["base"] == base)])
                .mark_text(
                    align=side,
                    baseline=base,
                    dx=5 if side == "left" else -5,
                    dy=4 if base == "top" else -4,
                    color="#555",
                    fontStyle="italic",
                    fontSize=12,
                )
                .encode(x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="name:N")
            )
    layers.append(points)
    if labels:
        layers.append(
            alt.Chart(data)
            .mark_text(align="left", dx=8, fontSize=11)
            .encode(x=x, y=y, text="label:N")
        )
    return alt.layer(*layers).properties(title=title, width=520, height=380)


# --- charts of gaps and compliance -------------------------------------------------------


def gap_chart(
    dimension_gaps: pd.DataFrame,
    *,
    by: str | None = None,
    title: str = "SERVQUAL gap by dimension (perception − expectation)",
) -> alt.Chart:
    """Bar chart of dimension gaps, one bar per dimension (and per ``by`` value).

    Parameters
    ----------
    dimension_gaps : pandas.DataFrame
        ``gap_scores(...)["dimensions"]``: columns ``dimension``, ``gap`` (and ``by``).
    by : str, optional
        Column to show side by side (e.g. ``"wave"``), as colour.
    """
    cols = ["dimension", "gap", "expectation", "perception"] + ([by] if by else [])
    check_columns("dimension_gaps", dimension_gaps, cols)
    data = dimension_gaps[cols].copy()
    data["dimension"] = data["dimension"].astype(str)
    order = list(dict.fromkeys(dimension_gaps["dimension"].astype(str)))
    tooltip = [
        alt.Tooltip("dimension:N", title="Dimension"),
        alt.Tooltip("expectation:Q", title="Expectation", format=".2f"),
        alt.Tooltip("perception:Q", title="Perception", format=".2f"),
        alt.Tooltip("gap:Q", title="Gap (P − E)", format="+.2f"),
    ]
    encoding: dict[str, Any] = {
        "y": alt.Y("dimension:N", title=None, sort=order),
        "x": alt.X("gap:Q", title="Gap, perception − expectation (scale points)"),
        "tooltip": tooltip,
    }
    if by:
        data[by] = data[by].astype(str)
        encoding["color"] = alt.Color(f"{by}:N", title=by.capitalize())
        encoding["yOffset"] = alt.YOffset(f"{by}:N")
        tooltip.insert(0, alt.Tooltip(f"{by}:N", title=by.capitalize()))
    bars = alt.Chart(data).mark_bar().encode(**encoding)
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#333").encode(x="x:Q")
    return alt.layer(bars, zero).properties(title=title, width=480, height=260)


def difference_chart(
    table: pd.DataFrame,
    *,
    title: str,
    axis_title: str = "Difference (scale points)",
    by: str = "dimension",
) -> alt.LayerChart:
    """Differences with their confidence intervals, one bar per row, significant ones dark.

    Draws the output of :func:`compare_groups`, :func:`wave_change` or
    :func:`competitor_comparison`: a bar for ``difference`` and a line from ``ci_low``
    to ``ci_high``. A bar whose interval does not cross zero is usually also significant;
    the colour follows the (adjusted) test.

    Parameters
    ----------
    table : pandas.DataFrame
        With ``by``, ``difference``, ``ci_low``, ``ci_high``, ``p_adjusted`` and
        ``significant``.
    title, axis_title : str
        Chart title and the title of the difference axis (with its unit).
    by : str
        Column with the row labels.
    """
    cols = [by, "difference", "ci_low", "ci_high", "p_adjusted", "significant"]
    check_columns("table", table, cols)
    data = table[cols].copy()
    data[by] = data[by].astype(str)
    data["result"] = np.where(data["significant"], "significant", "not significant")
    order = list(data[by])
    y = alt.Y(f"{by}:N", title=None, sort=order)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("difference:Q", title=axis_title),
            color=alt.Color(
                "result:N",
                title="Adjusted test",
                scale=alt.Scale(
                    domain=["significant", "not significant"], range=["#0072B2", "#BBBBBB"]
                ),
            ),
            tooltip=[
                alt.Tooltip(f"{by}:N", title=by.capitalize()),
                alt.Tooltip("difference:Q", title="Difference", format="+.2f"),
                alt.Tooltip("ci_low:Q", title="CI low", format="+.2f"),
                alt.Tooltip("ci_high:Q", title="CI high", format="+.2f"),
                alt.Tooltip("p_adjusted:Q", title="Adjusted p", format=".3g"),
            ],
        )
    )
    whiskers = alt.Chart(data).mark_rule(color="#333").encode(y=y, x="ci_low:Q", x2="ci_high:Q")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#333").encode(x="x:Q")
    return alt.layer(bars, whiskers, zero).properties(title=title, width=460, height=alt.Step(30))


def compliance_chart(
    compliance: pd.DataFrame,
    *,
    group: str = "area",
    target: float | None = 0.8,
    title: str = "Internal audit: compliance by phase and area",
) -> alt.LayerChart:
    """Bar chart of checklist compliance (:func:`checklist_compliance` by phase and area).

    Parameters
    ----------
    compliance : pandas.DataFrame
        Columns ``phase``, ``group`` and ``compliance``.
    group : str
        The second grouping column (bars within a phase).
    target : float, optional
        Draw the compliance target as a rule.
    """
    check_columns("compliance", compliance, ["phase", group, "compliance", "items"])
    data = compliance[["phase", group, "compliance", "items"]].astype({"phase": str, group: str})
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{group}:N", title=None, sort=None),
            x=alt.X(
                "compliance:Q",
                title="Compliance (share of points)",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("phase:N", title="Phase", sort=list(PHASES)),
            tooltip=[
                alt.Tooltip("phase:N", title="Phase"),
                alt.Tooltip(f"{group}:N", title=group.capitalize()),
                alt.Tooltip("items:Q", title="Items checked"),
                alt.Tooltip("compliance:Q", title="Compliance", format=".0%"),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    if target is not None:
        line = check_number("target", target, minimum=0, maximum=1)
        layers.append(
            alt.Chart(pd.DataFrame({"x": [line]}))
            .mark_rule(color="#D55E00", strokeDash=[4, 4])
            .encode(x="x:Q")
        )
    return alt.layer(*layers).properties(title=title, width=480, height=alt.Step(22))


def allocation_chart(
    allocation: pd.DataFrame,
    *,
    title: str = "Who is in the sample? Share of customers and of interviews",
) -> alt.Chart:
    """Grouped bars: each segment's share of the population and of the sample.

    Under proportional allocation the two bars match; allocation by value or equal
    allocation shows which segments are over- or under-represented (and so need the
    design weights of :func:`allocate_sample` when results are added up).

    Parameters
    ----------
    allocation : pandas.DataFrame
        From :func:`allocate_sample` or ``design_audit(...).allocation``.
    """
    cols = ["segment", "population", "sample", "share_of_population", "share_of_sample"]
    check_columns("allocation", allocation, cols)
    # Plain records (not a DataFrame): the widget redraws this chart on every change.
    segment = allocation["segment"].astype(str).tolist()
    population = allocation["population"].tolist()
    sample = allocation["sample"].tolist()
    records = [
        {"segment": seg, "population": pop, "sample": n, "measure": measure, "share": share}
        for measure, column in (
            ("customers", "share_of_population"),
            ("interviews", "share_of_sample"),
        )
        for seg, pop, n, share in zip(
            segment, population, sample, allocation[column].tolist(), strict=True
        )
    ]
    order = segment
    return (
        alt.Chart(alt.Data(values=records))
        .mark_bar()
        .encode(
            y=alt.Y("segment:N", title=None, sort=order),
            yOffset=alt.YOffset("measure:N", sort=["customers", "interviews"]),
            x=alt.X("share:Q", title="Share (%)", axis=alt.Axis(format="%")),
            color=alt.Color("measure:N", title="Share of", sort=["customers", "interviews"]),
            tooltip=[
                alt.Tooltip("segment:N", title="Segment"),
                alt.Tooltip("measure:N", title="Share of"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("population:Q", title="Customers", format=",.0f"),
                alt.Tooltip("sample:Q", title="Interviews", format=",.0f"),
            ],
        )
        .properties(title=title, width=460, height=alt.Step(16))
    )


# --- choosing a method; writing the report -----------------------------------------------

_METHODS = (
    # method, audit, answers, phases, evidence, cost, speed, limits
    (
        "Checklist review of policies and practices",
        "internal",
        "Are our own standards, policies and practices in place?",
        "all three",
        "documents, records, observation by the auditor",
        "low",
        "days",
        "says what the firm does, not whether customers value it",
    ),
    (
        "Mystery shopper",
        "internal",
        "What does a customer actually experience at the counter, on the phone, online?",
        "pre-transaction, transaction",
        "scored visit forms, comparable across stores",
        "medium",
        "weeks",
        "few visits per store; one shopper's view, not customers' feelings",
    ),
    (
        "Complaint monitoring",
        "internal",
        "What goes wrong, how often, and how well do we recover?",
        "post-transaction",
        "complaint log: counts, causes, response and resolution times",
        "low",
        "continuous",
        "most unhappy customers never complain: it undercounts problems",
    ),
    (
        "Online feedback",
        "external",
        "What do customers say in public and unprompted?",
        "all three",
        "review ratings and comments, social media mentions",
        "low",
        "continuous",
        "self-selected: the very happy and the very unhappy write",
    ),
    (
        "Customer survey (SERVQUAL-style)",
        "external",
        "How do perceptions compare with expectations, and what matters most?",
        "all three",
        "gap and importance scores from a random sample, wave after wave",
        "medium",
        "weeks",
        "needs a sound sample and a stable questionnaire to compare waves",
    ),
    (
        "Focus groups",
        "external",
        "Why do customers feel as they do; what do they expect next?",
        "all three",
        "discussion notes and quotes from 6-10 customers per group",
        "medium",
        "weeks",
        "small and not representative: explains, does not measure",
    ),
    (
        "Benchmarking against other organisations",
        "external",
        "How do we compare with competitors and with the best in other industries?",
        "all three",
        "competitor ratings, published standards, best-practice visits",
        "medium to high",
        "months",
        "others' figures may be defined differently; copying is not leading",
    ),
)


def investigation_methods() -> pd.DataFrame:
    """Ways to investigate current service, as a decision table.

    Source 004 lists the ways to investigate current levels of customer service: mystery
    shopper, complaints monitoring, online feedback, focus groups and benchmarking
    against other organisations; the checklist review (internal audit) and the customer
    survey (external audit) come from LO 5-3 (source 000).

    Returns
    -------
    pandas.DataFrame
        Columns ``method``, ``audit`` (internal/external), ``answers`` (the question it
        answers), ``phases``, ``evidence``, ``cost``, ``speed`` and ``limits``.
    """
    return pd.DataFrame(
        _METHODS,
        columns=["method", "audit", "answers", "phases", "evidence", "cost", "speed", "limits"],
    )


@dataclass(frozen=True)
class Finding:
    """One audit finding, written as evidence → action.

    Parameters
    ----------
    title : str
        The finding in a few words.
    evidence : str
        The numbers that support it, with their source.
    action : str
        What to do about it, who should do it and how to check that it worked.
    priority : int
        1 (act now) to 3 (watch).
    source : str
        Which part of the audit produced it.
    """

    title: str
    evidence: str
    action: str
    priority: int = 2
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("title", "evidence", "action"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty text, got {value!r}")
        if self.priority not in (1, 2, 3):
            raise ValueError(f"priority must be 1, 2 or 3, got {self.priority!r}")


#: Default actions by SERVQUAL dimension, used by :func:`audit_findings`.
DIMENSION_ACTIONS = {
    "tangibles": "Walk the stores with the checklist; fix signage, cleanliness and packaging "
    "standards and re-audit in a month.",
    "reliability": "Trace the failing promises (delivery slots, order accuracy, prices) to "
    "the process or partner behind them; set a standard for each and monitor it weekly; "
    "mystery-shop the affected channel.",
    "responsiveness": "Review staffing against demand peaks and set response-time "
    "standards for tills, phone and chat.",
    "assurance": "Refresh product and courtesy training; check it with mystery shoppers.",
    "empathy": "Use customer data to personalise offers and review opening and delivery "
    "hours with the customers who complain about them.",
}


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


_ADJUSTMENT_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "fdr_bh": "Benjamini-Hochberg"}


def _test_text(row: Mapping[str, Any]) -> str:
    """How a row of :func:`compare_groups` was tested: "Welch t-test, Holm-adjusted p = ...".

    Tables without the ``test`` column (made by hand) are described as "a two-sample test".
    """
    test = row.get("test")
    name = test if isinstance(test, str) and test else "a two-sample test"
    adjustment = row.get("adjustment")
    if isinstance(adjustment, str) and adjustment != "none":
        label = _ADJUSTMENT_NAMES.get(adjustment, adjustment)
        return f"{name}, {label}-adjusted {_p_text(row['p_adjusted'])}"
    return f"{name}, {_p_text(row['p_adjusted'])}"


def audit_findings(
    *,
    changes: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
    ipa: pd.DataFrame | None = None,
    competitor: pd.DataFrame | None = None,
    internal: pd.DataFrame | None = None,
    checklist: pd.DataFrame | None = None,
    label: str = "item",
    competitor_name: str = "the competitor",
    actions: Mapping[str, str] | None = None,
    weak_score: float = 1,
    max_findings: int = 5,
) -> list[Finding]:
    """Turn audit results into a few findings, one per dimension, most urgent first.

    A good finding rests on more than one source. For each dimension this collects the
    evidence against it from every result given:

    * ``changes`` (:func:`wave_change`): a significant fall since the last wave;
    * ``gaps`` (one row per dimension, from :func:`gap_scores`): a negative gap;
    * ``ipa`` (:func:`importance_performance`, with a ``dimension`` column): attributes
      in the "Concentrate here" quadrant;
    * ``competitor`` (:func:`competitor_comparison`): significantly behind;
    * ``internal`` (:func:`disconnects`): a disconnect or a blind spot;
    * ``checklist`` (mapped with :func:`map_checklist`): practices scored at or below
      ``weak_score``, with the auditor's evidence and the owner.

    Priority 1 (act now) goes to a significant fall, or to an attribute that is both in
    "Concentrate here" and a disconnect; priority 2 to any other of "Concentrate here",
    behind the competitor or a disconnect; priority 3 (watch) to a negative gap or weak
    practices alone. Checklist items in the ``"measurement"`` group that score at or
    below ``weak_score`` give one more finding: the firm cannot see what it does not
    measure.

    Parameters
    ----------
    changes, gaps, ipa, competitor, internal, checklist : pandas.DataFrame, optional
        Results of the functions named above (any may be left out).
    label : str
        Column of ``ipa`` naming the attribute.
    competitor_name : str
        Name used in the text.
    actions : mapping, optional
        Dimension -> recommended action; default :data:`DIMENSION_ACTIONS`.
    weak_score : float
        Checklist scores at or below this count as weak.
    max_findings : int
        Keep at most this many (a report with twenty findings is not read).

    Returns
    -------
    list of Finding
        Sorted by priority, then by the number of sources behind each.
    """
    todo = dict(DIMENSION_ACTIONS if actions is None else actions)
    keep = check_integer("max_findings", max_findings, minimum=1)
    weak = check_number("weak_score", weak_score, minimum=0)
    evidence: dict[str, list[str]] = {}
    flags: dict[str, set[str]] = {}

    def note(dim: Any, flag: str, text: str) -> None:
        key = str(dim)
        evidence.setdefault(key, []).append(text)
        flags.setdefault(key, set()).add(flag)

    if changes is not None:
        check_columns(
            "changes",
            changes,
            ["dimension", "mean_first", "mean_second", "difference", "p_adjusted", "direction"],
        )
        for row in changes[changes["direction"] == "down"].to_dict("records"):
            note(
                row["dimension"],
                "fell",
                f"the mean score fell from {row['mean_first']:.2f} to {row['mean_second']:.2f} "
                f"between the survey waves ({row['difference']:+.2f} points; "
                f"{_test_text(row)})",
            )
    if gaps is not None:
        check_columns("gaps", gaps, ["dimension", "gap", "expectation", "perception"])
        for row in gaps[gaps["gap"] < 0].itertuples(index=False):
            note(
                row.dimension,
                "gap",
                f"perception {row.perception:.2f} against expectation {row.expectation:.2f}, "
                f"a gap of {row.gap:+.2f} points",
            )
    if ipa is not None:
        check_columns("ipa", ipa, [label, "dimension", "quadrant"])
        focus = ipa[ipa["quadrant"] == _QUADRANT_ORDER[0]]
        for dim, part in focus.groupby(focus["dimension"].astype(str), sort=False):
            names = ", ".join(part[label].astype(str))
            note(dim, "concentrate", f"{names} in IPA's 'Concentrate here' quadrant")
    if competitor is not None:
        check_columns("competitor", competitor, ["dimension", "difference", "direction"])
        for row in competitor[competitor["direction"] == "behind"].itertuples(index=False):
            note(
                row.dimension,
                "behind",
                f"{abs(row.difference):.2f} points behind {competitor_name} "
                f"(paired t-test, Holm-adjusted {_p_text(row.p_adjusted)})",
            )
    if internal is not None:
        check_columns(
            "internal", internal, ["compliance", "importance", "disconnect", "blind_spot"]
        )
        key = internal.columns[0]
        for row in internal.itertuples(index=False):
            dim = getattr(row, key)
            if row.disconnect:
                note(
                    dim,
                    "disconnect",
                    f"internal checklist compliance only {row.compliance:.0%} on a dimension "
                    f"customers rank high (importance {row.importance:.1f})",
                )
            elif row.blind_spot:
                note(dim, "blind", "no checklist item covers it although customers rank it high")
    measurement: list[str] = []
    if checklist is not None:
        check_columns("checklist", checklist, ["dimension", "area", "score", "evidence"])
        low = checklist[_numeric_column("checklist", checklist, "score") <= weak]
        for row in low.itertuples(index=False):
            owner = f" (owner: {row.owner})" if hasattr(row, "owner") else ""
            text = f"'{row.area}' scored {row.score:g} in the checklist{owner}: {row.evidence}"
            if row.dimension == "measurement":
                measurement.append(text)
            else:
                note(row.dimension, "weak", text.rstrip("."))

    found: list[tuple[int, int, Finding]] = []
    for dim, texts in evidence.items():
        f = flags[dim]
        if "fell" in f or ("concentrate" in f and "disconnect" in f):
            priority = 1
        elif f & {"concentrate", "behind", "disconnect", "blind"}:
            priority = 2
        else:
            priority = 3
        if "fell" in f:
            headline = "has fallen since the last survey"
        elif "concentrate" in f:
            headline = "matters most and is under-delivered"
        elif "behind" in f:
            headline = f"lags {competitor_name}"
        elif "disconnect" in f or "blind" in f:
            headline = "internal practice does not match what customers value"
        else:
            headline = "falls short of expectations"
        found.append(
            (
                priority,
                -len(f),
                Finding(
                    title=f"{dim.capitalize()} {headline}",
                    evidence="; ".join(texts) + ".",
                    action=todo.get(dim, "Find the cause with the owner of the process."),
                    priority=priority,
                    source=", ".join(sorted(f)),
                ),
            )
        )
    if measurement:
        found.append(
            (
                3,
                0,
                Finding(
                    title="Parts of the service are not being measured",
                    evidence="; ".join(t.rstrip(".") for t in measurement) + ".",
                    action=(
                        "Restart the missing measurements (see the decision table of "
                        "investigation methods) so that the next audit can see these areas."
                    ),
                    priority=3,
                    source="internal audit: measurement practices",
                ),
            )
        )
    found.sort(key=lambda t: (t[0], t[1]))
    return [f for *_, f in found][:keep]


def audit_report(findings: Sequence[Finding], *, title: str = "Service audit: findings") -> str:
    """Write findings as a short Markdown report: one numbered block per finding.

    Each block says what was found, the evidence and the action, in that order, so a
    reader can check the claim before acting on it.
    """
    if not isinstance(findings, Sequence) or isinstance(findings, str):
        raise TypeError(f"findings must be a list of Finding, got {type(findings).__name__}")
    bad = [f for f in findings if not isinstance(f, Finding)]
    if bad:
        raise TypeError(f"findings must hold Finding objects only, got {bad[0]!r}")
    urgency = {1: "act now", 2: "act this quarter", 3: "watch"}
    lines = [f"### {title}", ""]
    if not findings:
        lines.append("No finding needs action: all measures are within their standards.")
    for i, f in enumerate(findings, start=1):
        lines += [
            f"**{i}. {f.title}** ({urgency[f.priority]})",
            "",
            f"- *Evidence:* {f.evidence}",
            f"- *Action:* {f.action}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"

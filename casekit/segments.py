"""Customer segmentation: RFM scores, named segments, segment profiles and customer profitability.

The course notes (source 002) name four bases for dividing a customer base into smaller,
more alike groups: **geographic**, **demographic**, **lifestyle** and **behavioural**.
This module covers the behavioural basis from the purchase history, profiles the
resulting segments on the other three, and asks what each customer is worth after the
cost of serving them (source 002, *customer selectivity*: some customers cost more to
serve than others).

1. **RFM** (:func:`rfm`, :func:`purchase_history`): for each customer, as of a chosen day,
   *recency* (days since the last purchase), *frequency* (number of purchases) and
   *monetary value* (total spend), the three behavioural measures of direct marketing
   (Hughes 1994).
2. **Scores** 1-5 (:func:`rfm_scores`): by quantiles of the customer base
   (:func:`quantile_scores`, ties and small groups handled by mid-ranks) or by fixed
   business thresholds (:func:`threshold_scores`, :data:`FIXED_THRESHOLDS`).
3. **Named segments** (:func:`assign_segments`) from documented rules on the R and F
   scores (:data:`SEGMENT_RULES`, shown by :func:`segment_rules`), their sizes and values
   (:func:`segment_summary`) and what a segment goes on to do (:func:`segment_outcomes`).
4. **Profiles** (:func:`segment_profile`): each segment's mix of regions, age bands,
   occupations, lifestyles and shopping habits (:func:`shopping_habits`) against the
   whole base, as an index (100 = as common as among all customers).
5. **Customer profitability** (:func:`customer_profitability`): margin minus the cost to
   serve, per customer, and the **whale curve** (:func:`whale_curve`,
   :func:`whale_summary`) of cumulative profit against customers ranked from most to least
   profitable.

Two RFMs in the course
----------------------
The RFM of this module is the direct-marketing one: recency counts **days since the
last purchase** (small is good), frequency counts **every purchase** (each row of the
transaction table, the first one included) and monetary value is the **total** spend.
The "RFM summary" of :func:`casekit.clv_models.rfm_summary` feeds the BG/NBD and
Gamma-Gamma models and follows their papers instead: frequency counts *repeat* purchase
days (same-day purchases merged, the first left out), recency is the time from the
first to the last purchase (large is good) and monetary value is the *mean* repeat
spend. Use that one for probabilistic CLV (lesson 02b), this one for segmentation.

References
----------
Hughes, A. M. (1994). *Strategic Database Marketing*. Probus (RFM quintile scores).

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415-430.

Cooper, R. & Kaplan, R. S. (1991). Profit priorities from activity-based costing.
*Harvard Business Review* 69(3), 130-135 (the whale curve).

Kaplan, R. S. & Narayanan, V. G. (2001). Measuring and managing customer profitability.
*Journal of Cost Management* 15(5), 5-15.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

import casekit.charts  # the house theme and offline renderer; PALETTE
from casekit import catalog, privacy
from casekit.privacy import _as_day
from casekit.validation import (
    as_datetime_column,
    check_array,
    check_columns,
    check_fraction,
    check_integer,
    check_nonempty,
    check_number,
    check_one_of,
)

__all__ = [
    "AGE_EDGES",
    "DISTANCE_EDGES",
    "FIXED_THRESHOLDS",
    "PROFILE_BASES",
    "SCHEMES",
    "SEGMENT_RULES",
    "PurchaseHistory",
    "SegmentRule",
    "analysis_tables",
    "assign_segments",
    "customer_profitability",
    "explorer_chart",
    "explorer_spec",
    "profile_chart",
    "purchase_history",
    "quantile_scores",
    "rfm",
    "rfm_grid_chart",
    "rfm_scores",
    "segment_chart",
    "segment_outcomes",
    "segment_profile",
    "segment_rules",
    "segment_summary",
    "shopping_habits",
    "threshold_scores",
    "whale_chart",
    "whale_curve",
    "whale_summary",
]

#: The two ways of turning R, F and M into scores 1-5.
SCHEMES = ("quantile", "fixed")

#: Fixed score thresholds for Cedar Lane (whole purchase history): a value at or beyond
#: the i-th threshold earns score i + 2. Recency in days (at most 30 days: 5, ..., more
#: than 365: 1), frequency in purchases (1: 1, 2-4: 2, 5-14: 3, 15-39: 4, 40+: 5),
#: monetary value in Php of spend.
FIXED_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "recency": (30, 90, 180, 365),
    "frequency": (2, 5, 15, 40),
    "monetary": (1_500, 5_000, 15_000, 50_000),
}

#: Age bands of the analysis table (as in ``cedar_customers``), lower edges in years.
AGE_EDGES = privacy.AGE_EDGES

#: Distance bands of the analysis table (km from home to the nearest store).
DISTANCE_EDGES: tuple[float, ...] = (2, 5, 10, 20)

#: Profile columns of the lesson's analysis table (:func:`analysis_tables`), by basis.
PROFILE_BASES: dict[str, tuple[str, ...]] = {
    "geographic": ("region", "distance_km_band"),
    "demographic": ("age_band", "occupation"),
    "lifestyle": ("lifestyle_segment",),
    "behavioural": ("preferred_channel", "preferred_days", "club_member"),
}


# ---------------------------------------------------------------------------------------
# 1. RFM from a transaction table
# ---------------------------------------------------------------------------------------

_EPOCH_DAY = np.datetime64("1970-01-01", "D")


def _day_number(value: pd.Timestamp) -> int:
    return int((np.datetime64(value.date(), "D") - _EPOCH_DAY).astype(np.int64))


def _dates(name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    values = as_datetime_column(name, frame, column)
    missing = int(values.isna().sum())
    if missing:
        raise ValueError(f"{name}[{column!r}] has {missing} missing date(s); every row needs one")
    return values


def _ids(name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    if values.isna().any():
        raise ValueError(
            f"{name}[{column!r}] has {int(values.isna().sum())} missing customer id(s)"
        )
    return values


def _money(name: str, frame: pd.DataFrame, column: str, *, negative: bool = False) -> np.ndarray:
    """A money column as floats: numeric, finite, and (unless ``negative``) >= 0."""
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(f"{name}[{column!r}] must hold numbers (Php), got dtype {values.dtype}")
    array = values.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            f"{name}[{column!r}] has {int(bad.sum())} missing or infinite value(s); "
            "fill or drop them first"
        )
    if not negative and (array < 0).any():
        raise ValueError(
            f"{name}[{column!r}] must be >= 0, got {int((array < 0).sum())} negative value(s), "
            f"e.g. {array[array < 0][0]:g}"
        )
    return array


@dataclass(frozen=True, eq=False, repr=False)
class PurchaseHistory:
    """A transaction table prepared once, for RFM as of any day in a few milliseconds.

    Built by :func:`purchase_history`. The purchases are held as arrays sorted by
    customer and day, so that RFM as of a day is a handful of vectorised sums over the
    customers' blocks (no group-by): what an interactive widget needs.

    Attributes
    ----------
    ids : pandas.Index
        Customer ids, sorted; customer ``i`` owns rows ``starts[i]`` to ``starts[i+1]-1``.
    starts : numpy.ndarray
        First row of each customer's block.
    days : numpy.ndarray
        Purchase days (days since 1970-01-01), ascending within each block.
    amounts : numpy.ndarray
        Spend of each purchase (>= 0).
    customer_col : str
        Name of the customer column (the index name of the RFM table).
    """

    ids: pd.Index
    starts: np.ndarray
    days: np.ndarray
    amounts: np.ndarray
    customer_col: str = "customer_id"

    @property
    def first_date(self) -> pd.Timestamp:
        """Day of the first purchase in the data."""
        return pd.Timestamp(_EPOCH_DAY + int(self.days.min()))

    @property
    def last_date(self) -> pd.Timestamp:
        """Day of the last purchase in the data."""
        return pd.Timestamp(_EPOCH_DAY + int(self.days.max()))

    def __repr__(self) -> str:
        return (
            f"PurchaseHistory({len(self.days):,} purchases of {len(self.ids):,} customers, "
            f"{self.first_date.date()} to {self.last_date.date()})"
        )

    def customers_as_of(self, as_of: Any = None) -> np.ndarray:
        """Mask over :attr:`ids`: customers whose first purchase is on or before ``as_of``."""
        end = self._end(as_of)
        return self.days[self.starts] <= end

    def _end(self, as_of: Any) -> int:
        if as_of is None:
            return int(self.days.max())
        day = _as_day("as_of", as_of)
        if day < self.first_date:
            raise ValueError(
                f"dates out of order: as_of ({day.date()}) is before the first purchase in the "
                f"data ({self.first_date.date()}); choose a later day"
            )
        return _day_number(day)

    def rfm(self, as_of: Any = None, *, window_days: int | None = None) -> pd.DataFrame:
        """Recency, frequency and monetary value of every customer as of ``as_of``.

        See :func:`rfm` for the definitions.
        """
        end = self._end(as_of)
        window = (
            None if window_days is None else check_integer("window_days", window_days, minimum=1)
        )
        inside = self.days <= end
        bought = np.add.reduceat(inside.astype(np.int64), self.starts)
        counted = inside if window is None else inside & (self.days > end - window)
        frequency = np.add.reduceat(counted.astype(np.int64), self.starts)
        monetary = np.add.reduceat(np.where(counted, self.amounts, 0.0), self.starts)
        keep = bought > 0
        # within a block the days ascend, so the purchases up to as_of come first
        last = self.days[self.starts[keep] + bought[keep] - 1]
        first = self.days[self.starts[keep]]
        table = pd.DataFrame(
            {
                "recency": (end - last).astype(np.int64),
                "frequency": frequency[keep],
                "monetary": monetary[keep],
                "tenure": (end - first).astype(np.int64),
            },
            index=self.ids[keep],
        )
        table.index.name = self.customer_col
        return table


def purchase_history(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> PurchaseHistory:
    """Validate a transaction table and prepare it for :func:`rfm` as of any day.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase, with a customer id, a date (or date and time) and an
        amount spent (>= 0, no missing values).
    customer_col, date_col, amount_col : str
        Column names. For Cedar Lane: ``date_col="timestamp"`` and a spend column such
        as ``gross - discount`` (0 for returned baskets).

    Returns
    -------
    PurchaseHistory
        Use ``.rfm(as_of)``; build it once when RFM is wanted on many days.
    """
    check_columns("transactions", transactions, [customer_col, date_col, amount_col])
    check_nonempty("transactions", transactions)
    customers = _ids("transactions", transactions, customer_col)
    when = _dates("transactions", transactions, date_col)
    amounts = _money("transactions", transactions, amount_col)
    codes, ids = pd.factorize(customers, sort=True)
    days = (when.to_numpy().astype("datetime64[D]") - _EPOCH_DAY).astype(np.int64)
    order = np.lexsort((days, codes))
    codes = codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    index = pd.Index(ids, name=customer_col)
    return PurchaseHistory(index, starts, days[order], amounts[order], customer_col)


def rfm(
    transactions: pd.DataFrame,
    as_of: Any = None,
    *,
    window_days: int | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """Recency, frequency and monetary value of each customer as of a chosen day.

    Only purchases on or before ``as_of`` (the whole day) count, so the table is what the
    firm knew at the end of that day; customers whose first purchase came later are left
    out. With ``d`` the day numbers:

    * ``recency = d(as_of) - d(last purchase)``, in days (0: bought on the day itself);
    * ``frequency`` = number of purchases (rows) in the window, the first one included;
    * ``monetary`` = total amount of those purchases (Php for Cedar Lane);
    * ``tenure = d(as_of) - d(first purchase)``, in days, for reference.

    The window is the whole history up to ``as_of`` by default; with ``window_days`` it
    is the last ``window_days`` days up to and including ``as_of`` (recency still looks
    at the whole history, so a customer with no purchase in the window has frequency 0).
    These are the direct-marketing definitions; :func:`casekit.clv_models.rfm_summary`
    uses the different ones of the BG/NBD model (see the module notes).

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase (see :func:`purchase_history`).
    as_of : date, optional
        The day the RFM is taken; default the last purchase day in the data. It may not
        be before the first purchase.
    window_days : int, optional
        Count frequency and monetary value over the last ``window_days`` days only.
    customer_col, date_col, amount_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer (sorted), columns ``recency``, ``frequency``, ``monetary``
        and ``tenure``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "a"],
    ...     "date": pd.to_datetime(["2024-01-02", "2024-02-10", "2024-02-20", "2024-03-01"]),
    ...     "amount": [100.0, 50.0, 80.0, 20.0]})
    >>> rfm(tx, "2024-03-31")
                 recency  frequency  monetary  tenure
    customer_id
    a                 30          3     170.0      89
    b                 40          1      80.0      40
    """
    history = purchase_history(
        transactions, customer_col=customer_col, date_col=date_col, amount_col=amount_col
    )
    return history.rfm(as_of, window_days=window_days)


# ---------------------------------------------------------------------------------------
# 2. Scores
# ---------------------------------------------------------------------------------------


def _values(name: str, values: Any) -> np.ndarray:
    """A non-empty 1-D array of finite numbers (booleans refused)."""
    raw = values.to_numpy() if isinstance(values, pd.Series) else values
    if np.asarray(raw).dtype == bool:
        raise TypeError(f"{name} must hold numbers, got True/False values")
    array = check_array(name, raw)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D list of numbers, got shape {array.shape}")
    return array


def _bins(bins: Any) -> int:
    count = check_integer("bins", bins, minimum=2)
    if count > 9:
        raise ValueError(f"bins must be between 2 and 9 (one digit per score), got {bins!r}")
    return count


def quantile_scores(values: Any, bins: int = 5, *, reverse: bool = False) -> np.ndarray:
    """Quantile scores 1..``bins`` by mid-rank percentiles: ties share a score.

    Each value gets the percentile of the middle of its block of ties,
    ``p = (less + equal / 2) / n`` (``less``: values strictly below it, ``equal``: values
    equal to it, itself included), and the score ``floor(bins x p) + 1``, computed in
    whole numbers as ``(bins (2 less + equal)) // (2 n) + 1``. So:

    * equal values always get equal scores, and a larger value never a lower score;
    * with distinct values the scores split the customers into ``bins`` groups as equal
      as possible (quintiles for 5);
    * a block of ties takes the score of its middle: when 43 % of the customers have the
      same value, they all get the score of the 21.5th percentile, and a score level can
      stay empty rather than split equal customers;
    * small groups spread symmetrically: one customer scores 3, two score 2 and 4, three
      score 1, 3 and 5 (with ``bins=5``).

    With ``reverse=True`` small values score high (recency: few days since the last
    purchase is good): ``p`` is replaced by ``(greater + equal / 2) / n``.

    Parameters
    ----------
    values : array-like of float
        The raw values (finite numbers).
    bins : int
        Number of score levels, 2 to 9.
    reverse : bool
        Score small values high.

    Returns
    -------
    numpy.ndarray
        Scores (int64) in 1..``bins``, in the order of ``values``.

    Examples
    --------
    >>> quantile_scores([10, 20, 30, 40, 50]).tolist()
    [1, 2, 3, 4, 5]
    >>> quantile_scores([1, 1, 1, 1, 9]).tolist()
    [3, 3, 3, 3, 5]
    >>> quantile_scores([5, 12, 40], reverse=True).tolist()
    [5, 3, 1]
    """
    x = _values("values", values)
    levels = _bins(bins)
    n = x.size
    order = np.argsort(-x if reverse else x, kind="stable")
    ranked = x[order]
    new_block = np.r_[True, ranked[1:] != ranked[:-1]]
    block = np.cumsum(new_block) - 1
    block_start = np.flatnonzero(new_block)
    block_size = np.diff(np.r_[block_start, n])
    below = block_start[block].astype(np.int64)
    ties = block_size[block].astype(np.int64)
    scores = np.empty(n, dtype=np.int64)
    scores[order] = (levels * (2 * below + ties)) // (2 * n) + 1
    return scores


def threshold_scores(
    values: Any, thresholds: Sequence[float], *, reverse: bool = False
) -> np.ndarray:
    """Scores 1..``len(thresholds) + 1`` from fixed business thresholds.

    With thresholds ``t_1 < ... < t_k``: a value ``x >= t_i`` earns at least score
    ``i + 1`` (``score = 1 + #{i : x >= t_i}``). With ``reverse=True`` (recency) a value
    ``x <= t_i`` earns at least score ``k + 2 - i`` (``score = k + 1 - #{i : x > t_i}``):
    with recency thresholds 30, 90, 180 and 365 days, a purchase 30 days ago scores 5 and
    one 400 days ago scores 1.

    Unlike quantile scores, fixed scores mean the same thing whatever the rest of the
    customer base does: a score of 5 in recency is "bought in the last month", in 2022 as
    in 2024, so segment sizes can grow or shrink over time.

    Parameters
    ----------
    values : array-like of float
        The raw values.
    thresholds : sequence of float
        Strictly increasing thresholds (1 to 8 of them).
    reverse : bool
        Score small values high.

    Returns
    -------
    numpy.ndarray
        Scores (int64).

    Examples
    --------
    >>> threshold_scores([1, 2, 4, 5, 39, 40], [2, 5, 15, 40]).tolist()
    [1, 2, 2, 3, 4, 5]
    >>> threshold_scores([0, 30, 31, 365, 366], [30, 90, 180, 365], reverse=True).tolist()
    [5, 5, 4, 2, 1]
    """
    x = _values("values", values)
    edges = _values("thresholds", thresholds)
    _bins(edges.size + 1)
    if (np.diff(edges) <= 0).any():
        raise ValueError(f"thresholds must be strictly increasing, got {list(thresholds)!r}")
    if reverse:
        return (edges.size + 1 - np.searchsorted(edges, x, side="left")).astype(np.int64)
    return (1 + np.searchsorted(edges, x, side="right")).astype(np.int64)


def rfm_scores(
    table: pd.DataFrame,
    scheme: str = "quantile",
    *,
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float]] | None = None,
) -> pd.DataFrame:
    """Add the R, F and M scores (and the three-digit RFM code) to an RFM table.

    * ``scheme="quantile"``: :func:`quantile_scores` over the customers of ``table``
      (recency reversed: the most recent buyers score highest);
    * ``scheme="fixed"``: :func:`threshold_scores` with ``thresholds`` (default
      :data:`FIXED_THRESHOLDS`, made for Cedar Lane's whole purchase history).

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`rfm` (columns ``recency``, ``frequency``, ``monetary``).
    scheme : {"quantile", "fixed"}
        How the scores are made.
    bins : int
        Score levels of the quantile scheme (the fixed scheme has one more level than it
        has thresholds).
    thresholds : mapping, optional
        ``{"recency": (...), "frequency": (...), "monetary": (...)}`` for ``"fixed"``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with columns ``R``, ``F``, ``M`` and ``rfm_code`` (int64; the
        code 545 reads R = 5, F = 4, M = 5).
    """
    check_one_of("scheme", scheme, SCHEMES)
    check_columns("table", table, ["recency", "frequency", "monetary"])
    check_nonempty("table", table)
    out = table.copy()
    if scheme == "quantile":
        if thresholds is not None:
            raise ValueError("thresholds are only used with scheme='fixed'; leave them out")
        levels = _bins(bins)
        out["R"] = quantile_scores(table["recency"], levels, reverse=True)
        out["F"] = quantile_scores(table["frequency"], levels)
        out["M"] = quantile_scores(table["monetary"], levels)
    else:
        edges = FIXED_THRESHOLDS if thresholds is None else thresholds
        missing = [k for k in ("recency", "frequency", "monetary") if k not in edges]
        if missing:
            raise ValueError(
                f"thresholds must give recency, frequency and monetary; missing {missing}"
            )
        sizes = {len(edges[k]) for k in ("recency", "frequency", "monetary")}
        if len(sizes) != 1:
            raise ValueError(
                "thresholds must give the same number of thresholds for R, F and M, got "
                f"{ {k: len(edges[k]) for k in ('recency', 'frequency', 'monetary')} }"
            )
        out["R"] = threshold_scores(table["recency"], edges["recency"], reverse=True)
        out["F"] = threshold_scores(table["frequency"], edges["frequency"])
        out["M"] = threshold_scores(table["monetary"], edges["monetary"])
    out["rfm_code"] = out["R"] * 100 + out["F"] * 10 + out["M"]
    return out


# ---------------------------------------------------------------------------------------
# 3. Named segments
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentRule:
    """A named segment: ranges of the R and F scores (inclusive), who they are, what to do.

    Rules are applied in order and the first that matches names the customer, so a later
    rule only gets the cells of the R x F grid that earlier rules left.
    """

    name: str
    recency: tuple[int, int]
    frequency: tuple[int, int]
    who: str
    action: str


#: The course's named segments on the 5 x 5 grid of R and F scores, in order of
#: application. M does not name a segment (it follows F closely: customers who buy
#: often spend much); it measures what each segment is worth.
SEGMENT_RULES: tuple[SegmentRule, ...] = (
    SegmentRule(
        "champions",
        (4, 5),
        (4, 5),
        "bought recently and buy often: the best customers",
        "recognise and reward them (early access, service extras rather than discounts); "
        "ask for referrals and reviews; protect the service they get",
    ),
    SegmentRule(
        "loyal",
        (3, 5),
        (3, 5),
        "regular buyers, not quite the most recent or most frequent",
        "cross-sell and upsell from their purchase history; invite them to the Shopper's "
        "Club; keep service reliable so they stay",
    ),
    SegmentRule(
        "new",
        (4, 5),
        (1, 2),
        "one or two purchases, recently: new or occasional customers",
        "onboarding: a welcome and a reason to come back within weeks; the first weeks "
        "decide whether they stay",
    ),
    SegmentRule(
        "need attention",
        (3, 3),
        (1, 2),
        "one or two purchases, some time ago",
        "a reminder with an offer that fits what they bought; ask how the first visit went",
    ),
    SegmentRule(
        "at risk",
        (1, 2),
        (3, 5),
        "used to buy often, not lately",
        "win them back personally: find out what went wrong (a complaint, a move, a "
        "competitor), fix it, and make an offer worth a fraction of their past value",
    ),
    SegmentRule(
        "hibernating",
        (1, 2),
        (1, 2),
        "one or two purchases, long ago",
        "low-cost reminders only; leave them out of costly campaigns",
    ),
)


def segment_rules(rules: Sequence[SegmentRule] = SEGMENT_RULES) -> pd.DataFrame:
    """The segment rules as a table: segment, R and F score ranges, who they are, what to do."""

    def span(low_high: tuple[int, int]) -> str:
        low, high = low_high
        return str(low) if low == high else f"{low}-{high}"

    return pd.DataFrame(
        {
            "segment": [r.name for r in rules],
            "R": [span(r.recency) for r in rules],
            "F": [span(r.frequency) for r in rules],
            "who they are": [r.who for r in rules],
            "what to do": [r.action for r in rules],
        }
    )


def _rule_grid(rules: Sequence[SegmentRule], levels: int) -> np.ndarray:
    """``grid[r - 1, f - 1]`` = position of the first rule matching (r, f); checked complete."""
    if not rules or not all(isinstance(r, SegmentRule) for r in rules):
        raise TypeError("rules must be a non-empty sequence of SegmentRule")
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ValueError(f"rules must have distinct names, got {names}")
    grid = np.full((levels, levels), -1, dtype=np.int64)
    for position, rule in reversed(list(enumerate(rules))):
        (r0, r1), (f0, f1) = rule.recency, rule.frequency
        if not (1 <= r0 <= r1 <= levels and 1 <= f0 <= f1 <= levels):
            raise ValueError(
                f"rule {rule.name!r} has score ranges R {rule.recency}, F {rule.frequency}; "
                f"each must be (low, high) with 1 <= low <= high <= {levels}"
            )
        grid[r0 - 1 : r1, f0 - 1 : f1] = position
    if (grid < 0).any():
        cells = [f"R{r + 1}F{f + 1}" for r, f in zip(*np.nonzero(grid < 0), strict=True)]
        raise ValueError(f"rules leave cells of the R x F grid without a segment: {cells}")
    return grid


def assign_segments(
    scored: pd.DataFrame, rules: Sequence[SegmentRule] = SEGMENT_RULES, *, bins: int = 5
) -> pd.Series:
    """Name each customer's segment from their R and F scores (first matching rule).

    Parameters
    ----------
    scored : pandas.DataFrame
        The output of :func:`rfm_scores` (columns ``R`` and ``F``).
    rules : sequence of SegmentRule
        Default :data:`SEGMENT_RULES`; together they must cover every (R, F) cell.
    bins : int
        Score levels (5).

    Returns
    -------
    pandas.Series
        Categorical ``segment`` (categories in the order of ``rules``), same index.
    """
    check_columns("scored", scored, ["R", "F"])
    check_nonempty("scored", scored)
    levels = _bins(bins)
    grid = _rule_grid(rules, levels)
    r = scored["R"].to_numpy()
    f = scored["F"].to_numpy()
    for name, score in (("R", r), ("F", f)):
        if not np.issubdtype(score.dtype, np.integer) or score.min() < 1 or score.max() > levels:
            raise ValueError(f"scored[{name!r}] must hold whole scores 1 to {levels}")
    codes = grid[r - 1, f - 1]
    categories = [rule.name for rule in rules]
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=categories),
        index=scored.index,
        name="segment",
    )


def _segment_codes(table: pd.DataFrame, segment_col: str) -> tuple[np.ndarray, list[str]]:
    values = table[segment_col]
    if values.isna().any():
        raise ValueError(f"table[{segment_col!r}] has missing segments; label every customer")
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(np.int64), [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def segment_summary(table: pd.DataFrame, *, segment_col: str = "segment") -> pd.DataFrame:
    """Size and value of each segment: how many customers, how much of the spend.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer with ``recency``, ``frequency``, ``monetary`` and the segment.
    segment_col : str
        The segment column (categorical keeps its order; segments without customers are
        left out).

    Returns
    -------
    pandas.DataFrame
        Indexed by segment: ``customers``, ``share_of_customers``, ``recency_median``
        (days), ``frequency_mean`` (purchases), ``monetary_mean`` and ``monetary_total``
        (Php), ``share_of_monetary``.
    """
    check_columns("table", table, ["recency", "frequency", "monetary", segment_col])
    check_nonempty("table", table)
    codes, names = _segment_codes(table, segment_col)
    k = len(names)
    customers = np.bincount(codes, minlength=k)
    frequency = np.bincount(codes, weights=table["frequency"].to_numpy(float), minlength=k)
    monetary = np.bincount(codes, weights=table["monetary"].to_numpy(float), minlength=k)
    recency = table.groupby(codes, sort=True)["recency"].median()
    present = customers > 0
    total = monetary.sum()
    out = pd.DataFrame(
        {
            "customers": customers[present],
            "share_of_customers": customers[present] / customers.sum(),
            "recency_median": recency.to_numpy(float),
            "frequency_mean": frequency[present] / customers[present],
            "monetary_mean": monetary[present] / customers[present],
            "monetary_total": monetary[present],
            "share_of_monetary": monetary[present] / total if total > 0 else 0.0,
        },
        index=pd.Index(np.asarray(names, dtype=object)[present], name=segment_col),
    )
    return out


def segment_outcomes(
    segments: pd.Series,
    transactions: pd.DataFrame,
    *,
    start: Any,
    end: Any,
    customer_col: str = "customer_id",
    date_col: str = "date",
    value_col: str = "margin",
) -> pd.DataFrame:
    """What each segment's customers went on to do in a later period (a back-test).

    Segment the customers as of a day, then look at the period that follows: the share
    who bought at least once (a one-period retention rate ``r``) and the value they
    brought. With the value per active customer as the margin ``m`` of lesson 02, a rough
    CLV of a segment's customer is ``clv.clv(m, r, d)`` (assuming the segment keeps its
    retention, which is the simplification: customers move between segments).

    Parameters
    ----------
    segments : pandas.Series
        Segment of each customer, indexed by customer id (from :func:`assign_segments`).
    transactions : pandas.DataFrame
        Transactions with a customer, a date and a value column.
    start, end : date
        First and last day (inclusive) of the later period.
    customer_col, date_col, value_col : str
        Column names of ``transactions``.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment: ``customers``, ``active`` (bought in the period),
        ``active_share``, ``value`` (total), ``value_per_customer`` and
        ``value_per_active``.
    """
    if not isinstance(segments, pd.Series):
        raise TypeError(f"segments must be a pandas Series, got {type(segments).__name__}")
    if segments.empty:
        raise ValueError("segments is empty: it needs at least one customer")
    check_columns("transactions", transactions, [customer_col, date_col, value_col])
    first, last = _as_day("start", start), _as_day("end", end)
    if last < first:
        raise ValueError(
            f"dates out of order: end ({last.date()}) is before start ({first.date()})"
        )
    when = _dates("transactions", transactions, date_col)
    value = _money("transactions", transactions, value_col, negative=True)
    inside = ((when >= first) & (when < last + pd.Timedelta(days=1))).to_numpy()
    position = segments.index.get_indexer(transactions[customer_col].to_numpy()[inside])
    known = position >= 0
    n = len(segments)
    spent = np.bincount(position[known], weights=value[inside][known], minlength=n)
    bought = np.bincount(position[known], minlength=n) > 0
    frame = pd.DataFrame(
        {"segment": segments.array, "active": bought, "value": spent}, index=segments.index
    )
    grouped = frame.groupby("segment", observed=True, sort=True)
    out = grouped.agg(
        customers=("active", "size"), active=("active", "sum"), value=("value", "sum")
    )
    out["active_share"] = out["active"] / out["customers"]
    out["value_per_customer"] = out["value"] / out["customers"]
    out["value_per_active"] = (out["value"] / out["active"]).where(out["active"] > 0, 0.0)
    out.index.name = "segment"
    return out[
        ["customers", "active", "active_share", "value", "value_per_customer", "value_per_active"]
    ]


# ---------------------------------------------------------------------------------------
# 4. Profiles
# ---------------------------------------------------------------------------------------


def shopping_habits(
    transactions: pd.DataFrame,
    as_of: Any = None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    channel_col: str = "channel",
    category_col: str = "category",
    online: str = "online",
) -> pd.DataFrame:
    """What, where and when each customer shops: behavioural profile columns.

    The course notes (source 001) use the shopping history "to identify the type of
    merchandise frequently purchased, the amount spent, the preferred days for
    shopping". From the purchases up to ``as_of``:

    * ``preferred_channel``: ``"mostly online"`` if more than half of the purchases were
      online orders, else ``"mostly in store"`` (half and half counts as in store);
    * ``favourite_category``: the category of most of the customer's baskets (ties go to
      the category listed first);
    * ``preferred_days``: ``"mostly weekends"`` if more than half of the purchases fell on
      a Saturday or Sunday, else ``"mostly weekdays"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer (sorted), the three columns as categoricals.
    """
    check_columns("transactions", transactions, [customer_col, date_col, channel_col, category_col])
    check_nonempty("transactions", transactions)
    when = _dates("transactions", transactions, date_col)
    keep = np.ones(len(transactions), dtype=bool)
    if as_of is not None:
        keep = (when < _as_day("as_of", as_of) + pd.Timedelta(days=1)).to_numpy()
        if not keep.any():
            raise ValueError(f"no purchase on or before as_of ({_as_day('as_of', as_of).date()})")
    customers = _ids("transactions", transactions, customer_col).to_numpy()[keep]
    codes, ids = pd.factorize(customers, sort=True)
    n = len(ids)
    baskets = np.bincount(codes, minlength=n)
    is_online = (transactions[channel_col].astype(str).to_numpy()[keep] == online).astype(np.int64)
    online_baskets = np.bincount(codes, weights=is_online, minlength=n)
    channel = np.where(online_baskets * 2 > baskets, "mostly online", "mostly in store")
    weekend = (when.dt.day_of_week.to_numpy()[keep] >= 5).astype(np.int64)
    days = np.where(
        np.bincount(codes, weights=weekend, minlength=n) * 2 > baskets,
        "mostly weekends",
        "mostly weekdays",
    )
    category = transactions[category_col]
    if isinstance(category.dtype, pd.CategoricalDtype):
        cat_codes = category.cat.codes.to_numpy(np.int64)[keep]
        cat_names = [str(c) for c in category.cat.categories]
        if (cat_codes < 0).any():
            raise ValueError(f"transactions[{category_col!r}] has missing categories")
    else:
        if category.isna().any():
            raise ValueError(f"transactions[{category_col!r}] has missing categories")
        cat_codes, uniques = pd.factorize(category.to_numpy()[keep], sort=True)
        cat_names = [str(u) for u in uniques]
    k = len(cat_names)
    counts = np.bincount(codes * k + cat_codes, minlength=n * k).reshape(n, k)
    favourite = np.asarray(cat_names, dtype=object)[counts.argmax(axis=1)]
    return pd.DataFrame(
        {
            "preferred_channel": pd.Categorical(
                channel, categories=["mostly in store", "mostly online"]
            ),
            "favourite_category": pd.Categorical(favourite, categories=cat_names),
            "preferred_days": pd.Categorical(
                days, categories=["mostly weekdays", "mostly weekends"]
            ),
        },
        index=pd.Index(ids, name=customer_col),
    )


def analysis_tables(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    key: str | bytes,
    as_of: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lesson's two analysis tables from Cedar Lane's CRM, pseudonymised first.

    * **people**: one row per customer acquired by ``as_of``, indexed by pseudonym
      (:func:`casekit.privacy.pseudonym` of ``customer_id`` under ``key``), without name,
      e-mail or phone; birth date coarsened to ``age_band`` on ``as_of``, distance to
      ``distance_km_band`` (:data:`DISTANCE_EDGES`); with the shopping habits up to
      ``as_of`` (:func:`shopping_habits`) and ``club_member`` ("member" if the customer
      had joined the Shopper's Club by ``as_of``, else "not a member").
    * **purchases**: the transactions with ``customer_id`` replaced by the same
      pseudonyms and a ``spend`` column, what the customer paid and kept: ``gross -
      discount``, 0 for a returned basket (refunded in full).

    Parameters
    ----------
    customers, transactions : pandas.DataFrame
        ``cedar_customers`` and ``cedar_transactions`` (see ``datasets/README.md``).
    key : str or bytes
        The secret key of the pseudonyms.
    as_of : date
        The day of the analysis.

    Returns
    -------
    (people, purchases) : tuple of pandas.DataFrame
    """
    check_columns(
        "customers",
        customers,
        ["customer_id", "birth_date", "distance_km", "acquisition_date", "club_member_since"],
    )
    check_columns(
        "transactions",
        transactions,
        ["customer_id", "timestamp", "gross", "discount", "returned", "channel", "category"],
    )
    day = _as_day("as_of", as_of)
    acquired = _dates("customers", customers, "acquisition_date")
    known = customers[(acquired <= day).to_numpy()]
    if known.empty:
        raise ValueError(f"no customer was acquired by as_of ({day.date()})")
    people = privacy.pseudonymise(
        known,
        key,
        birth_date="birth_date",
        as_of=day,
        bands={"distance_km": (DISTANCE_EDGES, "km")},
    )
    joined = as_datetime_column("customers", known, "club_member_since")
    people["club_member"] = pd.Categorical(
        np.where((joined <= day).to_numpy(), "member", "not a member"),
        categories=["member", "not a member"],
    )
    people = people.drop(columns=["club_member_since"]).set_index("customer_id")
    gross = _money("transactions", transactions, "gross")
    discount = _money("transactions", transactions, "discount")
    returned = transactions["returned"].to_numpy(dtype=bool)
    purchases = transactions.assign(
        customer_id=privacy.pseudonym(transactions["customer_id"], key, prefix="P"),
        spend=np.where(returned, 0.0, gross - discount),
    )
    habits = shopping_habits(purchases, day, date_col="timestamp")
    people = people.join(habits, how="left")
    if people[habits.columns].isna().any().any():
        raise ValueError("some customers acquired by as_of have no purchase by then")
    return people, purchases


def _profile_columns(columns: Any) -> list[tuple[str, str]]:
    if isinstance(columns, Mapping):
        pairs = [(str(basis), c) for basis, cols in columns.items() for c in cols]
    elif isinstance(columns, (str, bytes)):
        raise TypeError(f"columns must be a list of column names or a mapping, got {columns!r}")
    else:
        pairs = [("", c) for c in columns]
    if not pairs:
        raise ValueError("columns must name at least one profile column")
    return pairs


def segment_profile(
    table: pd.DataFrame,
    columns: Mapping[str, Sequence[str]] | Sequence[str] = PROFILE_BASES,
    *,
    segment_col: str = "segment",
    max_values: int = 30,
) -> pd.DataFrame:
    """The mix of each segment on profile columns, against all customers, as an index.

    For every profile column and value: the share of the segment's customers with that
    value, the share among all customers, and the **index**
    ``100 x segment share / overall share`` (120: a fifth more common in the segment
    than in the whole base; 100: as common). Marketers read the index to see what sets a
    segment apart; the shares say how big that group really is.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer, with the segment and the profile columns (categories,
        text or booleans; no missing values; band numbers first with
        :func:`casekit.privacy.to_bands`).
    columns : mapping or sequence of str
        ``{basis: [columns]}`` (default :data:`PROFILE_BASES`) or a list of columns.
    segment_col : str
        The segment column.
    max_values : int
        Refuse a column with more distinct values than this (an unbanded number).

    Returns
    -------
    pandas.DataFrame
        Long table: ``basis``, ``attribute``, ``value``, ``segment``, ``customers``,
        ``share``, ``overall_share``, ``index``; one row per segment with customers and
        value that occurs, segments and values in their category order.
    """
    pairs = _profile_columns(columns)
    check_columns("table", table, [segment_col, *(c for _, c in pairs)])
    check_nonempty("table", table)
    limit = check_integer("max_values", max_values, minimum=2)
    seg_codes, seg_names = _segment_codes(table, segment_col)
    used = np.unique(seg_codes)
    remap = np.full(len(seg_names), -1, dtype=np.int64)
    remap[used] = np.arange(used.size)
    seg = remap[seg_codes]
    s = used.size
    n = len(table)
    seg_sizes = np.bincount(seg, minlength=s)
    names = np.asarray(seg_names, dtype=object)[used]
    parts = []
    for basis, column in pairs:
        values = table[column]
        if values.isna().any():
            raise ValueError(
                f"table[{column!r}] has {int(values.isna().sum())} missing value(s); "
                "label them (e.g. 'unknown') first"
            )
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy(np.int64)
            labels = [str(c) for c in values.cat.categories]
        else:
            codes, uniques = pd.factorize(values, sort=True)
            labels = [str(u) for u in uniques]
        if len(labels) > limit:
            raise ValueError(
                f"table[{column!r}] has {len(labels)} distinct values (more than {limit}); "
                "band a number first with privacy.to_bands"
            )
        k = len(labels)
        counts = np.bincount(seg * k + codes, minlength=s * k).reshape(s, k)
        overall = counts.sum(axis=0)
        seen = np.flatnonzero(overall > 0)
        counts = counts[:, seen]
        share = counts / seg_sizes[:, None]
        overall_share = overall[seen] / n
        parts.append(
            pd.DataFrame(
                {
                    "basis": basis,
                    "attribute": column,
                    "value": np.tile(np.asarray(labels, dtype=object)[seen], s),
                    "segment": np.repeat(names, seen.size),
                    "customers": counts.reshape(-1),
                    "share": share.reshape(-1),
                    "overall_share": np.tile(overall_share, s),
                    "index": (100 * share / overall_share).reshape(-1),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------
# 5. Customer profitability and the whale curve
# ---------------------------------------------------------------------------------------

_RATE_NAMES = tuple(catalog.COST_TO_SERVE)


def _rates(rates: Mapping[str, float] | None) -> dict[str, float]:
    if rates is None:
        return {name: rate for name, (rate, _) in catalog.COST_TO_SERVE.items()}
    if not isinstance(rates, Mapping):
        raise TypeError(f"rates must be a mapping of {list(_RATE_NAMES)} to Php, got {rates!r}")
    missing = [k for k in _RATE_NAMES if k not in rates]
    extra = [k for k in rates if k not in _RATE_NAMES]
    if missing or extra:
        raise ValueError(
            f"rates must give exactly {list(_RATE_NAMES)}; missing {missing}, unknown {extra}"
        )
    return {k: check_number(f"rates[{k!r}]", rates[k], minimum=0) for k in _RATE_NAMES}


def _per_customer(
    name: str,
    frame: pd.DataFrame | None,
    column: str,
    index: pd.Index,
    customer_col: str,
    *,
    scale: float = 1.0,
) -> np.ndarray:
    """Sum of ``frame[column]`` per customer of ``index`` (rows without a customer skipped)."""
    if frame is None:
        return np.zeros(len(index))
    check_columns(name, frame, [customer_col, column])
    values = _money(name, frame, column)
    who = frame[customer_col]
    has = who.notna().to_numpy()
    position = index.get_indexer(who.to_numpy()[has])
    if (position < 0).any():
        unknown = who.to_numpy()[has][position < 0]
        raise ValueError(
            f"{len(unknown)} row(s) of {name} belong to customers not in the customer list, "
            f"e.g. {unknown[0]!r}"
        )
    return np.bincount(position, weights=values[has], minlength=len(index)) * scale


def customer_profitability(
    transactions: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    loyalty_events: pd.DataFrame | None = None,
    rates: Mapping[str, float] | None = None,
    customer_col: str = "customer_id",
) -> pd.DataFrame:
    """Each customer's profit: the margin they bring minus what it costs to serve them.

    Per customer, over the transactions given (Php)::

        revenue       = sum of (gross - discount) of the baskets kept
        gross_margin  = sum of margin of the baskets kept   (a return loses its margin)
        cost_to_serve = transaction_cost + online_order_cost + delivery_cost
                        + return_cost + service_cost + compensation + reward_cost
        profit        = gross_margin - cost_to_serve

    with ``transaction_cost`` = rate x transactions, ``online_order_cost`` = rate x online
    orders, ``delivery_cost`` the courier cost of the online orders, ``return_cost`` =
    rate x returned baskets, ``service_cost`` = rate x minutes of service contacts,
    ``compensation`` the goodwill given on complaints and ``reward_cost`` the cost of
    loyalty rewards taken. The rates are activity-based costs (Cooper & Kaplan 1991),
    Cedar Lane's by default (:data:`casekit.catalog.COST_TO_SERVE`).

    Parameters
    ----------
    transactions : pandas.DataFrame
        Columns ``customer_col``, ``gross``, ``discount``, ``margin`` (may be negative),
        ``delivery_cost``, ``returned`` (bool) and ``channel`` ("online" or other), as in
        ``cedar_transactions``.
    customers : pandas.DataFrame, optional
        The customer list (``customer_col``): customers without transactions get a row of
        zeros. Default: the customers of ``transactions``.
    contacts : pandas.DataFrame, optional
        Service contacts with ``customer_col`` and ``handle_seconds``; rows without a
        customer (callers who are not customers) are skipped.
    complaints : pandas.DataFrame, optional
        Complaints with ``customer_col`` and ``compensation`` (Php).
    loyalty_events : pandas.DataFrame, optional
        Loyalty events with ``customer_col`` and ``reward_cost`` (Php).
    rates : mapping, optional
        ``{"transaction", "online_order", "return", "contact_minute"}`` -> Php.
    customer_col : str
        The customer id column of every table.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: the activity counts ``transactions``, ``online_orders``,
        ``returns`` and ``service_minutes``; ``revenue``, ``gross_margin``, the cost columns
        above, ``cost_to_serve`` and ``profit``.
    """
    rate = _rates(rates)
    needed = ["gross", "discount", "margin", "delivery_cost", "returned", "channel"]
    check_columns("transactions", transactions, [customer_col, *needed])
    check_nonempty("transactions", transactions)
    who = _ids("transactions", transactions, customer_col)
    gross = _money("transactions", transactions, "gross")
    discount = _money("transactions", transactions, "discount")
    margin = _money("transactions", transactions, "margin", negative=True)
    delivery = _money("transactions", transactions, "delivery_cost")
    if not pd.api.types.is_bool_dtype(transactions["returned"]):
        raise TypeError(
            "transactions['returned'] must be True/False, "
            f"got dtype {transactions['returned'].dtype}"
        )
    returned = transactions["returned"].to_numpy(dtype=bool)
    online = (transactions["channel"].astype(str) == "online").to_numpy()
    if customers is None:
        index = pd.Index(pd.unique(who.to_numpy()), name=customer_col).sort_values()
    else:
        check_columns("customers", customers, [customer_col])
        ids = _ids("customers", customers, customer_col)
        if ids.duplicated().any():
            raise ValueError(
                f"customers[{customer_col!r}] must list each customer once; "
                f"{ids[ids.duplicated()].iloc[0]!r} appears more than once"
            )
        index = pd.Index(ids.to_numpy(), name=customer_col)
    position = index.get_indexer(who.to_numpy())
    if (position < 0).any():
        raise ValueError(
            f"{int((position < 0).sum())} transaction(s) belong to customers missing from "
            f"customers[{customer_col!r}], e.g. {who.to_numpy()[position < 0][0]!r}"
        )
    n = len(index)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(position, weights=weights, minlength=n)

    kept = ~returned
    out = pd.DataFrame(index=index)
    out["transactions"] = np.bincount(position, minlength=n)
    out["online_orders"] = np.bincount(position, weights=online, minlength=n).astype(np.int64)
    out["returns"] = np.bincount(position, weights=returned, minlength=n).astype(np.int64)
    out["service_minutes"] = _per_customer(
        "contacts", contacts, "handle_seconds", index, customer_col, scale=1 / 60
    )
    out["revenue"] = total(np.where(kept, gross - discount, 0.0))
    out["gross_margin"] = total(np.where(kept, margin, 0.0))
    out["transaction_cost"] = out["transactions"] * rate["transaction"]
    out["online_order_cost"] = out["online_orders"] * rate["online_order"]
    out["delivery_cost"] = total(delivery)
    out["return_cost"] = out["returns"] * rate["return"]
    out["service_cost"] = out["service_minutes"] * rate["contact_minute"]
    out["compensation"] = _per_customer(
        "complaints", complaints, "compensation", index, customer_col
    )
    out["reward_cost"] = _per_customer(
        "loyalty_events", loyalty_events, "reward_cost", index, customer_col
    )
    costs = [
        "transaction_cost",
        "online_order_cost",
        "delivery_cost",
        "return_cost",
        "service_cost",
        "compensation",
        "reward_cost",
    ]
    out["cost_to_serve"] = out[costs].sum(axis=1)
    out["profit"] = out["gross_margin"] - out["cost_to_serve"]
    return out


def _profit_values(profit: Any) -> np.ndarray:
    if isinstance(profit, pd.DataFrame):
        check_columns("profit", profit, ["profit"])
        profit = profit["profit"]
    values = _values("profit", profit)
    if values.sum() <= 0:
        raise ValueError(
            "the customers' total profit must be positive for a whale curve, "
            f"got {values.sum():,.2f}"
        )
    return values


def whale_curve(profit: Any, *, points: int | None = None) -> pd.DataFrame:
    """Cumulative profit against customers ranked from most to least profitable.

    Formula: with the profits sorted in decreasing order ``p_(1) >= ... >= p_(n)`` and
    ``P = sum p``, the curve passes through ``(k / n, sum_{i<=k} p_(i) / P)`` for
    ``k = 0..n``. It rises while customers make money, peaks where the profitable ones
    end (above 100 % when some customers lose money) and falls back to 100 % at the end:
    the "whale" of Cooper & Kaplan (1991) and Kaplan & Narayanan (2001), who report that
    the most profitable 20 % of customers often earn 150-300 % of total profit.

    Parameters
    ----------
    profit : pandas.Series, array-like or DataFrame
        Profit per customer (a DataFrame from :func:`customer_profitability` works too);
        the total must be positive.
    points : int, optional
        Keep about this many evenly spaced points (and the peak), for charts; default all.

    Returns
    -------
    pandas.DataFrame
        Columns ``customers`` (``k``), ``customer_share``, ``cumulative_profit`` and
        ``cumulative_share``, starting at ``(0, 0)``.
    """
    values = _profit_values(profit)
    n = values.size
    cumulative = np.r_[0.0, np.cumsum(np.sort(values)[::-1])]
    k = np.arange(n + 1)
    if points is not None:
        count = check_integer("points", points, minimum=2)
        grid = np.unique(np.round(np.linspace(0, n, min(count, n + 1))).astype(np.int64))
        k = np.union1d(grid, [int(np.argmax(cumulative))])
    return pd.DataFrame(
        {
            "customers": k,
            "customer_share": k / n,
            "cumulative_profit": cumulative[k],
            "cumulative_share": cumulative[k] / cumulative[-1],
        }
    )


def whale_summary(profit: Any, *, top: float = 0.2) -> pd.Series:
    """The numbers to read off a whale curve.

    Returns
    -------
    pandas.Series
        ``customers``; ``total_profit`` (Php); ``peak_share`` (the curve's top: profit of
        the profitable customers over the total); ``customers_at_peak`` (share of
        customers up to the peak); ``top_share`` (cumulative share of the most profitable
        ``top`` fraction of customers, 20 % by default); ``unprofitable_customers`` and
        ``unprofitable_share`` (profit below zero); ``profit_of_profitable`` and
        ``loss_of_unprofitable`` (Php, the second negative).
    """
    values = _profit_values(profit)
    fraction = check_fraction("top", top, allow_one=True)
    if fraction == 0:
        raise ValueError("top must be a share of the customers in (0, 1], such as 0.2, got 0")
    n = values.size
    cumulative = np.cumsum(np.sort(values)[::-1])
    total = cumulative[-1]
    peak = int(np.argmax(cumulative))
    k_top = max(1, round(fraction * n))
    losing = values < 0
    return pd.Series(
        {
            "customers": float(n),
            "total_profit": float(total),
            "peak_share": float(cumulative[peak] / total),
            "customers_at_peak": (peak + 1) / n,
            "top_share": float(cumulative[k_top - 1] / total),
            "unprofitable_customers": float(losing.sum()),
            "unprofitable_share": float(losing.mean()),
            "profit_of_profitable": float(values[values > 0].sum()),
            "loss_of_unprofitable": float(values[losing].sum()),
        },
        name="whale curve",
    )


# ---------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------


def _segment_colour(names: Sequence[str], title: str = "Segment") -> alt.Color:
    palette = list(casekit.charts.PALETTE)
    return alt.Color(
        "segment:N",
        title=title,
        sort=list(names),
        scale=alt.Scale(domain=list(names), range=palette[: len(names)]),
    )


def segment_chart(summary: pd.DataFrame, *, currency: str = "Php") -> alt.Chart:
    """Each segment's share of the customers next to its share of the spend.

    Parameters
    ----------
    summary : pandas.DataFrame
        The output of :func:`segment_summary`.
    currency : str
        Currency label of the tooltip.
    """
    check_columns(
        "summary",
        summary,
        ["customers", "share_of_customers", "share_of_monetary", "monetary_mean"],
    )
    check_nonempty("summary", summary)
    order = [str(s) for s in summary.index]
    data = pd.DataFrame(
        {
            "segment": order,
            "Customers": summary["share_of_customers"].to_numpy(),
            "Spend": summary["share_of_monetary"].to_numpy(),
            "customers": summary["customers"].to_numpy(),
            "monetary_mean": summary["monetary_mean"].to_numpy(),
        }
    )
    long = data.melt(
        id_vars=["segment", "customers", "monetary_mean"], var_name="measure", value_name="share"
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("segment:N", title="Segment", sort=order, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("measure:N", sort=["Customers", "Spend"]),
            y=alt.Y(
                "share:Q", title="Share of all customers / of all spend", axis=alt.Axis(format="%")
            ),
            color=alt.Color("measure:N", title="Share of", sort=["Customers", "Spend"]),
            tooltip=[
                alt.Tooltip("segment:N", title="Segment"),
                alt.Tooltip("measure:N", title="Share of"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("customers:Q", title="Customers", format=","),
                alt.Tooltip(
                    "monetary_mean:Q", title=f"Spend per customer ({currency})", format=",.0f"
                ),
            ],
        )
        .properties(title="Customers and spend by segment", width=560, height=280)
    )


def rfm_grid_chart(scored: pd.DataFrame, *, segment_col: str = "segment") -> alt.LayerChart:
    """The R x F grid: one cell per pair of scores, coloured by segment, with customer counts.

    Parameters
    ----------
    scored : pandas.DataFrame
        Scored customers with ``R``, ``F``, ``monetary`` and the segment column.
    """
    check_columns("scored", scored, ["R", "F", "monetary", segment_col])
    check_nonempty("scored", scored)
    codes, names = _segment_codes(scored, segment_col)
    cells = (
        pd.DataFrame(
            {
                "R": scored["R"].to_numpy(),
                "F": scored["F"].to_numpy(),
                "segment": np.asarray(names, dtype=object)[codes],
                "monetary": scored["monetary"].to_numpy(float),
            }
        )
        .groupby(["R", "F", "segment"], as_index=False)
        .agg(customers=("monetary", "size"), monetary_mean=("monetary", "mean"))
    )
    used = [s for s in names if s in set(cells["segment"])]
    base = alt.Chart(cells).encode(
        x=alt.X("F:O", title="F score (5 = buys most often)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("R:O", title="R score (5 = bought most recently)", sort="descending"),
    )
    tiles = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=_segment_colour(used),
        tooltip=[
            alt.Tooltip("segment:N", title="Segment"),
            alt.Tooltip("R:O", title="R score"),
            alt.Tooltip("F:O", title="F score"),
            alt.Tooltip("customers:Q", title="Customers", format=","),
            alt.Tooltip("monetary_mean:Q", title="Mean spend (Php)", format=",.0f"),
        ],
    )
    labels = base.mark_text(fontSize=13, color="white", fontWeight="bold").encode(
        text=alt.Text("customers:Q", format=",")
    )
    return (tiles + labels).properties(
        title="Customers in each cell of the R x F grid", width=360, height=300
    )


def _profile_items(profile: pd.DataFrame) -> pd.DataFrame:
    check_columns(
        "profile",
        profile,
        ["basis", "attribute", "value", "segment", "share", "overall_share", "index", "customers"],
    )
    check_nonempty("profile", profile)
    attribute = profile["attribute"].astype(str).str.replace("_band", "").str.replace("_", " ")
    item = attribute + ": " + profile["value"].astype(str)
    columns = ["basis", "item", "segment", "share", "overall_share", "index", "customers"]
    return profile.assign(item=item, segment=profile["segment"].astype(str))[columns]


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, **extra}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (the summaries and profiles hold no missing values)."""
    return frame.to_dict("records")


def _profile_layers(data: pd.DataFrame, pick: str | None) -> list[dict[str, Any]]:
    """Vega-Lite layers of a profile panel: index bars (filtered by ``pick``) and the 100 rule."""
    bars: dict[str, Any] = {
        "data": {"values": _records(data)},
        "mark": {"type": "bar"},
        "encoding": {
            "y": _field(
                "item",
                "nominal",
                title=None,
                sort=list(dict.fromkeys(data["item"])),
                axis={"labelLimit": 260},
            ),
            "x": _field("index", "quantitative", title="Index (100 = as common as among all)"),
            "color": _field(
                "basis", "nominal", title="Basis", legend={"orient": "bottom", "columns": 2}
            ),
            "tooltip": [
                _field("segment", "nominal", title="Segment"),
                _field("item", "nominal", title="Profile"),
                _field("share", "quantitative", title="Share of the segment", format=".1%"),
                _field("overall_share", "quantitative", title="Share of all", format=".1%"),
                _field("index", "quantitative", title="Index", format=".0f"),
                _field("customers", "quantitative", title="Customers", format=","),
            ],
        },
    }
    if pick is not None:
        bars["transform"] = [{"filter": {"param": pick, "empty": False}}]
    rule = {
        "data": {"values": [{"index": 100.0}]},
        "mark": {"type": "rule", "color": "#555555"},
        "encoding": {"x": _field("index", "quantitative")},
    }
    return [bars, rule]


def _spec(body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": alt.SCHEMA_URL, "config": casekit.charts.theme()["config"], **body}


def profile_chart(profile: pd.DataFrame, segment: str) -> alt.LayerChart:
    """One segment's profile: the index of every profile value against all customers.

    Parameters
    ----------
    profile : pandas.DataFrame
        The output of :func:`segment_profile`.
    segment : str
        The segment to show.
    """
    data = _profile_items(profile)
    check_one_of("segment", segment, list(dict.fromkeys(data["segment"])))
    body = {
        "layer": _profile_layers(data[data["segment"] == segment], None),
        "title": f"Who the {segment} are, against all customers",
        "width": 420,
        "height": {"step": 16},
    }
    return alt.LayerChart.from_dict(_spec(body))


#: The columns of a segment summary that the explorer chart shows.
_SIZE_COLUMNS = (
    "customers",
    "share_of_customers",
    "share_of_monetary",
    "monetary_mean",
    "recency_median",
    "frequency_mean",
)


def explorer_spec(
    summary: pd.DataFrame, profile: pd.DataFrame, *, selected: str | None = None
) -> dict[str, Any]:
    """The Vega-Lite specification of :func:`explorer_chart`, as a plain dict.

    Built directly rather than through Altair's objects, so that a widget can redraw it
    in about a millisecond; :func:`explorer_chart` wraps it (and validates it) for
    notebooks.
    """
    check_columns("summary", summary, _SIZE_COLUMNS)
    check_nonempty("summary", summary)
    order = [str(s) for s in summary.index]
    first = order[0] if selected is None else check_one_of("selected", selected, order)
    sizes = summary[list(_SIZE_COLUMNS)].assign(segment=order)
    palette = list(casekit.charts.PALETTE)
    bars = {
        "data": {"values": _records(sizes)},
        "name": "segments",
        "mark": {"type": "bar", "cursor": "pointer"},
        "encoding": {
            "y": _field("segment", "nominal", title=None, sort=order),
            "x": _field("customers", "quantitative", title="Customers"),
            "color": _field(
                "segment",
                "nominal",
                title="Segment",
                sort=order,
                scale={"domain": order, "range": palette[: len(order)]},
                legend=None,
            ),
            "opacity": {
                "condition": {"param": "pick", "value": 1.0, "empty": False},
                "value": 0.35,
            },
            "tooltip": [
                _field("segment", "nominal", title="Segment"),
                _field("customers", "quantitative", title="Customers", format=","),
                _field(
                    "share_of_customers", "quantitative", title="Share of customers", format=".1%"
                ),
                _field("share_of_monetary", "quantitative", title="Share of spend", format=".1%"),
                _field(
                    "monetary_mean", "quantitative", title="Spend per customer (Php)", format=",.0f"
                ),
                _field(
                    "recency_median",
                    "quantitative",
                    title="Median days since last purchase",
                    format=",.0f",
                ),
                _field("frequency_mean", "quantitative", title="Mean purchases", format=",.1f"),
            ],
        },
        "title": "Segments: click one",
        "width": 200,
        "height": {"step": 28},
    }
    panel = {
        "layer": _profile_layers(_profile_items(profile), "pick"),
        "title": "Profile of the segment clicked",
        "width": 300,
        "height": {"step": 14},
    }
    pick = {
        "name": "pick",
        "select": {"type": "point", "fields": ["segment"]},
        "value": [{"segment": first}],
        "views": ["segments"],
    }
    return _spec(
        {
            "hconcat": [bars, panel],
            "params": [pick],
            "resolve": {"scale": {"color": "independent"}},
        }
    )


def explorer_chart(
    summary: pd.DataFrame, profile: pd.DataFrame, *, selected: str | None = None
) -> alt.HConcatChart:
    """Segment sizes and values; click a segment's bar to see its profile beside it.

    The left panel shows each segment's customers (bars), with its shares of customers
    and of spend, its spend per customer, recency and frequency in the tooltip; the right
    panel is the profile (:func:`segment_profile`) of the segment clicked, filtered in
    the chart itself by a Vega-Lite point selection. So the click works wherever the
    chart is drawn (a live notebook, a saved one, an HTML page with Vega), without a
    round trip to Python. Shift-click adds segments; a click beside the bars or a
    double-click clears the panel.

    Parameters
    ----------
    summary : pandas.DataFrame
        The output of :func:`segment_summary`.
    profile : pandas.DataFrame
        The output of :func:`segment_profile` for the same customers.
    selected : str, optional
        The segment shown before any click (default: the first).
    """
    return alt.HConcatChart.from_dict(explorer_spec(summary, profile, selected=selected))


def whale_chart(curve: pd.DataFrame, summary: pd.Series | None = None) -> alt.LayerChart:
    """The whale curve, with the 100 % line and its peak marked.

    Parameters
    ----------
    curve : pandas.DataFrame
        The output of :func:`whale_curve` (use ``points=`` of a few hundred).
    summary : pandas.Series, optional
        The output of :func:`whale_summary`, for the peak's label.
    """
    check_columns("curve", curve, ["customer_share", "cumulative_share", "cumulative_profit"])
    check_nonempty("curve", curve)
    if len(curve) > 5_000:
        raise ValueError(
            f"curve has {len(curve):,} points; pass whale_curve(..., points=500) for a chart"
        )
    line = (
        alt.Chart(curve)
        .mark_line()
        .encode(
            x=alt.X(
                "customer_share:Q",
                title="Customers, most profitable first (share)",
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y(
                "cumulative_share:Q",
                title="Cumulative profit (share of total)",
                axis=alt.Axis(format="%"),
            ),
            tooltip=[
                alt.Tooltip("customer_share:Q", title="Customers", format=".1%"),
                alt.Tooltip("cumulative_share:Q", title="Cumulative profit", format=".1%"),
                alt.Tooltip("cumulative_profit:Q", title="Cumulative profit (Php)", format=",.0f"),
            ],
        )
    )
    hundred = (
        alt.Chart(pd.DataFrame({"y": [1.0]}))
        .mark_rule(strokeDash=[6, 4], color="#555555")
        .encode(y="y:Q")
    )
    top = curve.loc[[curve["cumulative_share"].idxmax()]]
    label = "peak" if summary is None else f"peak: {summary['peak_share']:.0%}"
    peak = (
        alt.Chart(top.assign(label=label))
        .mark_point(size=120, color=casekit.charts.PALETTE[5])
        .encode(x="customer_share:Q", y="cumulative_share:Q")
    )
    text = (
        alt.Chart(top.assign(label=label))
        .mark_text(dy=-14, fontSize=13)
        .encode(x="customer_share:Q", y="cumulative_share:Q", text="label:N")
    )
    return (line + hundred + peak + text).properties(
        title="The whale curve of customer profitability", width=520, height=300
    )

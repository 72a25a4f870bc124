"""Probabilistic customer lifetime value: BG/NBD, Gamma-Gamma and shifted-beta-geometric.

The deterministic CLV of lesson 02 (:mod:`casekit.clv`) assumes that we *know* each
customer's retention rate and spend. With real transaction data we do not: in a
non-contractual business (a shop, a music store) nobody tells us when they leave, so
whether a customer is still "alive" has to be inferred from when they last bought. This
module fits the three standard models of that inference by maximum likelihood, in plain
NumPy/SciPy:

* **BG/NBD** (Fader, Hardie & Lee 2005a): while alive, a customer buys at a Poisson rate
  ``λ``; after every purchase they leave for good with probability ``p``. Across customers
  ``λ ~ Gamma(r, α)`` and ``p ~ Beta(a, b)``. It gives the expected number of purchases,
  the conditional expectation for a customer with history ``(x, t_x, T)`` and the
  probability that the customer is still alive.
* **Gamma-Gamma** (Fader, Hardie & Lee 2005b; Fader & Hardie 2013): a customer's spend per
  transaction is ``Gamma(p, ν)`` around their own mean, with ``ν ~ Gamma(q, γ)`` across
  customers; the customer's expected spend shrinks their observed mean towards the
  population mean.
* **shifted-beta-geometric (sBG)** (Fader & Hardie 2007): in a contractual business
  (memberships, subscriptions) each customer renews every period with their own
  probability ``1 - θ``, ``θ ~ Beta(γ, δ)``; it projects survival and retention curves and
  values a contract customer (Fader & Hardie 2010).

Conventions (the papers')
-------------------------
* ``frequency`` ``x``: the number of **repeat** purchases (the first purchase is excluded).
* ``recency`` ``t_x``: the time from the first purchase to the last one (0 when ``x = 0``).
* ``T``: the time from the first purchase to the end of the calibration period.
* Purchases of one customer on the same day are merged into one purchase (amounts
  added). With this rule the CDNOW 1/10 sample gives exactly the summary of Fader,
  Hardie & Lee (2005a): 2,357 customers, 946 with repeat purchases, 2,457 repeat
  purchases in the 39-week calibration period.
* Time is in a unit you choose (weeks in the papers); parameters with a time dimension
  (``α``) are in that unit, the others are unit-free.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005a). "Counting your customers" the easy way:
an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005b). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. *Journal of
Interactive Marketing* 21(1), 76–90.

Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting:
the perils of ignoring heterogeneity. *Marketing Science* 29(1), 85–93.

Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note,
http://brucehardie.com/notes/025/.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, gammaln, hyp2f1

import casekit.charts  # noqa: F401  (house theme and offline renderer)
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
    "BGNBD",
    "TIME_UNITS",
    "FitError",
    "FitInfo",
    "GammaGamma",
    "ShiftedBetaGeometric",
    "cohort_survivors",
    "compress",
    "customer_lifetime_value",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_sbg",
    "holdout_chart",
    "holdout_table",
    "merge_same_day",
    "probability_alive_chart",
    "rfm_summary",
    "simulate_bgnbd",
    "spend_frequency_correlation",
    "survival_chart",
    "tracking_chart",
    "tracking_table",
]

#: Length of each time unit in days.
TIME_UNITS = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}

# Log-parameters are kept inside [-_LOG_BOUND, _LOG_BOUND] during a fit. An estimate
# beyond [1e-6, 1e6] means the likelihood keeps rising towards a limit of the model (no
# heterogeneity, no churn ...): the data cannot pin the parameter down, and the fit says so.
_LOG_BOUND = 20.0
_LOG_EDGE = float(np.log(1e6))

ArrayLike = Any


class FitError(RuntimeError):
    """A maximum-likelihood fit did not converge, or converged to the edge of the space."""


@dataclass(frozen=True)
class FitInfo:
    """How a model was fitted: the maximised log-likelihood and the optimiser's report.

    Attributes
    ----------
    log_likelihood : float
        The maximised log-likelihood (natural log), summed over customers.
    n_customers : int
        Customers (or cohort members) the fit used, counting weights.
    iterations : int
        Optimiser iterations.
    converged : bool
        Always True for a returned fit: a fit that does not converge raises
        :class:`FitError` instead.
    message : str
        The optimiser's closing message.
    """

    log_likelihood: float
    n_customers: int
    iterations: int
    converged: bool
    message: str


# --------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------


def _as_array(name: str, value: ArrayLike) -> np.ndarray:
    """``value`` as a 1-D float array of finite numbers, or a clear error."""
    array = check_array(name, value)
    if array.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-D array, got shape {array.shape}")
    return np.atleast_1d(array)


def _rfm_arrays(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check a customer history (x, t_x, T) and broadcast it to three equal arrays."""
    x = _as_array("frequency", frequency)
    t_x = _as_array("recency", recency)
    big_t = _as_array("T", T)
    try:
        x, t_x, big_t = np.broadcast_arrays(x, t_x, big_t)
    except ValueError:
        raise ValueError(
            f"frequency, recency and T must have the same length, got {x.size}, "
            f"{t_x.size} and {big_t.size}"
        ) from None
    checks = [
        (x < 0, "frequency", "must be >= 0 (repeat purchases)"),
        (x != np.round(x), "frequency", "must be whole numbers of repeat purchases"),
        (t_x < 0, "recency", "must be >= 0"),
        (big_t <= 0, "T", "must be > 0 (time since the first purchase)"),
        (t_x > big_t, "recency", "must not exceed T (the last purchase is before the end)"),
        ((x == 0) & (t_x != 0), "recency", "must be 0 for a customer with frequency 0"),
        (
            (x > 0) & (t_x == 0),
            "recency",
            "must be > 0 for a customer with repeat purchases (merge same-day purchases)",
        ),
    ]
    for bad, name, rule in checks:
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{name} {rule}; customer at position {i} has frequency={x.flat[i]:g}, "
                f"recency={t_x.flat[i]:g}, T={big_t.flat[i]:g}"
            )
    return x.astype(float), t_x.astype(float), big_t.astype(float)


def _weights(weights: ArrayLike | None, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = _as_array("weights", weights)
    if w.shape != (n,):
        raise ValueError(f"weights must have one value per customer ({n}), got shape {w.shape}")
    if np.any(w < 0):
        raise ValueError(f"weights must be >= 0 (numbers of customers), found {w.min():g}")
    if w.sum() <= 0:
        raise ValueError("weights must not all be 0")
    return w


def _summary_columns(
    summary: pd.DataFrame, columns: Sequence[str], name: str = "summary"
) -> list[np.ndarray]:
    check_columns(name, summary, columns)
    check_nonempty(name, summary)
    out = []
    for column in columns:
        values = summary[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise TypeError(f"{name}[{column!r}] must be numeric, got dtype {values.dtype}")
        out.append(values.to_numpy(dtype=float))
    return out


def _scalar_or_array(values: np.ndarray, *inputs: ArrayLike) -> float | np.ndarray:
    """Return a float when every input was a scalar, else the array."""
    if all(np.ndim(v) == 0 for v in inputs):
        return float(values.reshape(-1)[0])
    return values


def _finite(name: str, values: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        raise FloatingPointError(
            f"{name} could not be computed accurately for these inputs (non-finite result)"
        )
    return values


# --------------------------------------------------------------------------------------
# from transactions to the customer summary
# --------------------------------------------------------------------------------------


def merge_same_day(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "date",
    amount: str | None = "amount",
) -> pd.DataFrame:
    """One row per customer and day: purchases of the same customer on one day merged.

    The papers treat several records of one customer on one day as one purchase (a
    customer who orders twice in an afternoon has not "come back"). Amounts are added.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase record, with a customer column and a date column (and an
        amount column unless ``amount=None``).
    customer, date, amount : str
        Column names. Times of day are dropped: only the calendar day counts.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer``, ``date`` (and ``amount``), sorted by customer and date.
    """
    columns = [customer, date] + ([amount] if amount is not None else [])
    check_columns("transactions", transactions, columns)
    check_nonempty("transactions", transactions)
    days = as_datetime_column("transactions", transactions, date).dt.normalize()
    frame = pd.DataFrame({customer: transactions[customer].to_numpy(), date: days.to_numpy()})
    if transactions[customer].isna().any():
        raise ValueError(f"transactions[{customer!r}] must not have missing customer ids")
    if frame[date].isna().any():
        raise ValueError(f"transactions[{date!r}] must not have missing dates")
    if amount is None:
        return frame.drop_duplicates().sort_values([customer, date], ignore_index=True)
    values = transactions[amount]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(f"transactions[{amount!r}] must be numeric, got dtype {values.dtype}")
    if values.isna().any() or (values < 0).any():
        raise ValueError(f"transactions[{amount!r}] must be amounts >= 0 with no missing values")
    frame[amount] = values.to_numpy(dtype=float)
    return frame.groupby([customer, date], as_index=False, sort=True)[amount].sum()


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    calibration_end: str | pd.Timestamp | None = None,
    observation_end: str | pd.Timestamp | None = None,
    time_unit: str = "weeks",
    customer: str = "customer_id",
    date: str = "date",
    amount: str | None = "amount",
) -> pd.DataFrame:
    """Frequency, recency, age and mean repeat spend of each customer (the RFM summary).

    Same-day purchases are merged first (:func:`merge_same_day`). Purchases on or before
    ``calibration_end`` form the calibration period; those after it, up to and including
    ``observation_end``, form the holdout period. Customers whose first purchase falls
    after ``calibration_end`` are left out (the model has not seen them).

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase record.
    calibration_end : date, optional
        Last day of the calibration period (inclusive). Default: the last date in the data.
    observation_end : date, optional
        Last day of the holdout period (inclusive). Given and later than
        ``calibration_end``, the holdout columns are added.
    time_unit : {"days", "weeks", "months", "years"}
        Unit of ``recency``, ``T`` and ``holdout_length``. A month is 365.25 / 12 days.
    customer, date, amount : str
        Column names; ``amount=None`` leaves out the spend columns.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer, sorted. Columns:

        * ``frequency``: repeat purchases in the calibration period (``x``);
        * ``recency``: time from the first to the last calibration purchase (``t_x``);
        * ``T``: time from the first purchase to the end of the calibration period;
        * ``monetary_value``: mean amount of the repeat purchases (0 when ``x = 0``; the
          first purchase is left out, as in Fader, Hardie & Lee 2005b);
        * with a holdout: ``holdout_frequency`` (purchases in the holdout period),
          ``holdout_length`` and ``holdout_monetary_value`` (their mean amount, 0 if none).

    Notes
    -----
    ``recency = (last day - first day) / unit`` and ``T = (calibration_end - first day) /
    unit``. On the CDNOW 1/10 sample with ``calibration_end="1997-09-30"`` and weeks this
    gives ``x = 2, t_x = 30.43, T = 38.86`` for the first customer, as in the paper.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"]),
    ...     "amount": [10.0, 5.0, 20.0, 7.0]})
    >>> rfm_summary(tx, calibration_end="2024-01-29")
                 frequency  recency    T  monetary_value
    customer_id
    a                    1      2.0  4.0            20.0
    b                    0      0.0  3.0             0.0
    """
    unit = TIME_UNITS[check_one_of("time_unit", time_unit, TIME_UNITS)]
    merged = merge_same_day(transactions, customer=customer, date=date, amount=amount)
    last_day = merged[date].max()
    cal_end = last_day if calibration_end is None else _as_day("calibration_end", calibration_end)
    obs_end = cal_end if observation_end is None else _as_day("observation_end", observation_end)
    if obs_end < cal_end:
        raise ValueError(
            f"observation_end ({obs_end.date()}) must not be before calibration_end "
            f"({cal_end.date()})"
        )
    first = merged.groupby(customer, sort=True)[date].min()
    first = first[first <= cal_end]
    if first.empty:
        raise ValueError(
            f"no customer made a first purchase on or before calibration_end ({cal_end.date()})"
        )
    merged = merged[merged[customer].isin(first.index) & (merged[date] <= obs_end)]
    calibration = merged[merged[date] <= cal_end]
    grouped = calibration.groupby(customer, sort=True)
    count = grouped.size()
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype("int64"),
            "recency": (grouped[date].max() - first).dt.days / unit,
            "T": (cal_end - first).dt.days / unit,
        }
    )
    out.index.name = customer
    if amount is not None:
        total = grouped[amount].sum()
        first_amount = grouped[amount].first()
        repeats = out["frequency"].to_numpy()
        spend = np.divide(
            (total - first_amount).to_numpy(),
            repeats,
            out=np.zeros(len(out)),
            where=repeats > 0,
        )
        out["monetary_value"] = spend
    if obs_end > cal_end:
        holdout = merged[merged[date] > cal_end].groupby(customer)
        out["holdout_frequency"] = holdout.size().reindex(out.index, fill_value=0).astype("int64")
        out["holdout_length"] = (obs_end - cal_end).days / unit
        if amount is not None:
            mean = holdout[amount].mean().reindex(out.index, fill_value=0.0)
            out["holdout_monetary_value"] = mean
    return out


def _as_day(name: str, value: Any) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a date such as '1997-09-30', got {type(value).__name__} {value!r}"
        ) from None
    if pd.isna(day):
        raise ValueError(f"{name} must be a date, got {value!r}")
    return day.normalize()


def compress(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
) -> pd.DataFrame:
    """Collapse customers with the same history ``(x, t_x, T)`` into one weighted row.

    The likelihood of the BG/NBD depends on a customer only through ``(x, t_x, T)``, so
    customers with the same history can be fitted once, with their count as a weight.
    Real data on a daily grid have far fewer distinct histories than customers.

    Returns
    -------
    pandas.DataFrame
        Columns ``frequency``, ``recency``, ``T`` and ``weight`` (customers per history).
    """
    x, t_x, big_t = _rfm_arrays(frequency, recency, T)
    w = _weights(weights, x.size)
    x, t_x, big_t, w = _compress_arrays(x, t_x, big_t, w)
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": big_t, "weight": w})


# Below this many customers, collapsing histories costs more than it saves.
_COMPRESS_FROM = 20_000


def _compress_arrays(
    x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    frame = pd.DataFrame({"x": x, "t_x": t_x, "T": big_t, "w": w})
    rows = frame.groupby(["x", "t_x", "T"], as_index=False, sort=False)["w"].sum()
    return tuple(rows[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "w"))  # type: ignore[return-value]


# --------------------------------------------------------------------------------------
# maximum likelihood
# --------------------------------------------------------------------------------------


def _maximise(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: Sequence[float],
    names: Sequence[str],
    model: str,
    total_weight: float,
) -> tuple[np.ndarray, FitInfo]:
    """Minimise a mean negative log-likelihood over log-parameters; raise if it fails.

    ``objective(log_params)`` returns the mean negative log-likelihood and its gradient
    with respect to the log-parameters, so the parameters stay positive and the scale of
    the problem does not depend on the number of customers.
    """
    x0 = np.log(np.asarray(start, dtype=float))
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(x0)
    result = minimize(
        objective,
        x0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-9},
    )
    values = np.exp(result.x)
    _, grad = objective(result.x)
    # L-BFGS-B may stop on "no further progress" at the optimum itself; accept that only
    # when the gradient is flat there.
    flat = bool(np.all(np.isfinite(grad))) and float(np.max(np.abs(grad))) < 1e-4
    if not (np.isfinite(result.fun) and (result.success or flat)):
        raise FitError(
            f"the {model} fit did not converge after {result.nit} iterations "
            f"({result.message}); last values "
            + ", ".join(f"{n}={v:.4g}" for n, v in zip(names, values, strict=True))
            + ". Check the data (enough customers with repeat purchases?)"
        )
    at_edge = np.abs(result.x) > _LOG_EDGE
    if np.any(at_edge):
        edge = [f"{n}={v:.3g}" for n, v, e in zip(names, values, at_edge, strict=True) if e]
        raise FitError(
            f"the {model} fit ran off towards 0 or infinity ({', '.join(edge)}): the data "
            "cannot pin these parameters down (too few customers or no variation?); if "
            "times or amounts are in tiny or huge units, rescale them"
        )
    info = FitInfo(
        log_likelihood=float(-result.fun * total_weight),
        n_customers=round(total_weight),
        iterations=int(result.nit),
        converged=True,
        message=str(result.message),
    )
    return values, info


# --------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------


def _bgnbd_terms(
    params: Sequence[float], x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ln A1, ln A2 and ln A3 of the BG/NBD likelihood (ln A3 = -inf when x = 0)."""
    r, alpha, a, b = params
    repeat = x > 0
    ln_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    ln_a2 = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + big_t)
    ln_a3 = np.full_like(x, -np.inf)
    ln_a3[repeat] = (
        betaln(a + 1, b + x[repeat] - 1)
        - betaln(a, b)
        - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return ln_a1, ln_a2, ln_a3


class _Histories:
    """Customer histories prepared for repeated likelihood evaluations.

    The costly special functions depend on one of ``x``, ``t_x`` or ``T`` only, and each
    takes few distinct values in real data (whole days, small counts). They are computed
    on the distinct values and gathered, so one evaluation costs a few array operations
    per history.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, w: np.ndarray):
        self.w = w
        self.total = float(w.sum())
        self.repeat = x > 0
        self.ux, self.ix = np.unique(x, return_inverse=True)
        self.ut, self.it = np.unique(big_t, return_inverse=True)
        self.utx, self.itx = np.unique(np.where(self.repeat, t_x, 1.0), return_inverse=True)
        self.x = x

    def objective(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean negative log-likelihood of the BG/NBD and its gradient in log-parameters."""
        r, alpha, a, b = np.exp(log_params)
        ux, ix, it, itx, x, repeat = self.ux, self.ix, self.it, self.itx, self.x, self.repeat
        uxm1 = np.maximum(ux - 1.0, 0.0)
        # terms that depend on x only
        base = betaln(a, b)
        ln_a1 = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha))[ix]
        beta2 = (betaln(a, b + ux) - base)[ix]
        beta3 = (betaln(a + 1, b + uxm1) - base)[ix]
        shared_u = digamma(a + b) - digamma(a + b + ux)
        d_r1 = (digamma(r + ux) - digamma(r) + np.log(alpha))[ix]
        d_a2 = shared_u[ix]
        d_a3 = (shared_u + digamma(a + 1) - digamma(a))[ix]
        d_b2 = (digamma(b + ux) - digamma(b) + shared_u)[ix]
        d_b3 = (digamma(b + np.where(ux > 0, uxm1, 1.0)) - digamma(b) + shared_u)[ix]
        # terms that depend on T or t_x only
        log_t = np.log(alpha + self.ut)[it]
        log_tx = np.log(alpha + self.utx)[itx]
        inv_t = (1.0 / (alpha + self.ut))[it]
        inv_tx = (1.0 / (alpha + self.utx))[itx]
        ln_a2 = beta2 - (r + x) * log_t
        ln_a3 = np.where(repeat, beta3 - (r + x) * log_tx, -np.inf)
        top = np.maximum(ln_a2, ln_a3)
        e2 = np.exp(ln_a2 - top)
        e3 = np.exp(ln_a3 - top)
        total = e2 + e3
        ll = ln_a1 + top + np.log(total)
        w2 = e2 / total
        w3 = e3 / total
        d_r = d_r1 - w2 * log_t - w3 * np.where(repeat, log_tx, 0.0)
        d_alpha = r / alpha - (r + x) * (w2 * inv_t + w3 * inv_tx)
        d_a = w2 * d_a2 + w3 * d_a3
        d_b = w2 * d_b2 + w3 * np.where(repeat, d_b3, 0.0)
        w = self.w
        grad = np.array([w @ d_r * r, w @ d_alpha * alpha, w @ d_a * a, w @ d_b * b])
        return float(-(w @ ll) / self.total), -grad / self.total


def _positive(name: str, value: Any) -> float:
    return check_number(name, value, minimum=0.0, min_inclusive=False)


def _horizon(name: str, t: ArrayLike) -> np.ndarray:
    times = _as_array(name, t)
    if np.any(times < 0):
        raise ValueError(f"{name} must be >= 0 (a length of time), found {times.min():g}")
    return times


@dataclass(frozen=True)
class BGNBD:
    """The BG/NBD model with its four parameters (Fader, Hardie & Lee 2005a).

    Build one from published values (``BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)``)
    or fit one to data with :func:`fit_bgnbd`.

    Parameters
    ----------
    r, alpha : float
        Shape and rate of the gamma distribution of purchase rates ``λ`` (``alpha`` in the
        summary's time unit): the mean rate is ``r / alpha`` purchases per unit.
    a, b : float
        Shapes of the beta distribution of the dropout probability ``p`` after each
        purchase: the mean is ``a / (a + b)``.
    fit : FitInfo, optional
        Set by :func:`fit_bgnbd`.
    """

    r: float
    alpha: float
    a: float
    b: float
    fit: FitInfo | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("r", "alpha", "a", "b"):
            object.__setattr__(self, name, _positive(name, getattr(self, name)))

    @property
    def params(self) -> dict[str, float]:
        """The parameters as a dict."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}

    def log_likelihood(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Log-likelihood of each customer history (Fader, Hardie & Lee 2005a).

        ``L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))``.
        """
        x, t_x, big_t = _rfm_arrays(frequency, recency, T)
        ln_a1, ln_a2, ln_a3 = _bgnbd_terms(tuple(self.params.values()), x, t_x, big_t)
        return _scalar_or_array(ln_a1 + np.logaddexp(ln_a2, ln_a3), frequency, recency, T)

    def expected_purchases(self, t: ArrayLike) -> Any:
        """Expected repeat purchases of a new customer in ``(0, t]`` (Fader, Hardie & Lee 2005a).

        ``E[X(t)] = (a+b-1)/(a-1) · [1 - (α/(α+t))^r ₂F₁(r, b; a+b-1; t/(α+t))]``.
        """
        times = _horizon("t", t)
        zero = np.zeros_like(times)
        values = self._conditional(times, zero, zero, zero)
        return _scalar_or_array(values, t)

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Any:
        """Probability that a customer with history ``(x, t_x, T)`` is still active.

        ``P(alive) = 1 / (1 + [x > 0] · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))``
        (Fader, Hardie & Lee 2008, "Computing P(alive) using the BG/NBD model", note).
        A customer without repeat purchases is alive for sure under this model: their
        dropout can only happen right after a purchase.
        """
        x, t_x, big_t = _rfm_arrays(frequency, recency, T)
        values = 1.0 / (1.0 + self._odds_dead(x, t_x, big_t))
        return _scalar_or_array(values, frequency, recency, T)

    def conditional_expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> Any:
        """Expected purchases in the next ``t`` of a customer with history ``(x, t_x, T)``.

        Fader, Hardie & Lee (2005a):
        ``E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x)
        ₂F₁(r+x, b+x; a+b+x-1; t/(α+T+t))] / (1 + [x > 0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x))``.

        Notes
        -----
        Computed with Euler's transformation ``₂F₁(A, B; C; z) = (1-z)^(C-A-B)
        ₂F₁(C-A, C-B; C; z)``, which turns the bracket into ``1 - (1-z)^(a-1)
        ₂F₁(a+b-1-r, a-1; a+b+x-1; z)``: its first two arguments no longer grow with
        ``x``, so the series stays small for frequent buyers.
        """
        times = _horizon("t", t)
        x, t_x, big_t = _rfm_arrays(frequency, recency, T)
        try:
            times, x, t_x, big_t = np.broadcast_arrays(times, x, t_x, big_t)
        except ValueError:
            raise ValueError(
                f"t must be one number or one per customer, got {times.size} values for "
                f"{x.size} customers"
            ) from None
        values = self._conditional(times, x, t_x, big_t)
        return _scalar_or_array(values, t, frequency, recency, T)

    def probability_of_purchases(self, n: int, t: ArrayLike) -> Any:
        """Probability that a new customer makes exactly ``n`` repeat purchases in ``(0, t]``.

        Fader, Hardie & Lee (2005a): ``P(X(t)=n) = B(a, b+n)/B(a, b) · NB(n; r, α, t) + [n > 0]
        B(a+1, b+n-1)/B(a, b) · [1 - Σ_{j<n} NB(j; r, α, t)]`` with ``NB(j) = Γ(r+j)/(Γ(r)
        j!) (α/(α+t))^r (t/(α+t))^j``.
        """
        count = check_integer("n", n, minimum=0)
        times = _horizon("t", t)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        with np.errstate(divide="ignore"):
            log_q = np.log(alpha / (alpha + times))
            log_p = np.log(times / (alpha + times))

        def nb(j: int) -> np.ndarray:
            tail = np.where(times > 0, j * log_p, 0.0 if j == 0 else -np.inf)
            return np.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * log_q + tail)

        values = np.exp(betaln(a, b + count) - betaln(a, b)) * nb(count)
        if count > 0:
            below = sum(nb(j) for j in range(count))
            values = values + np.exp(betaln(a + 1, b + count - 1) - betaln(a, b)) * (1 - below)
        return _scalar_or_array(np.clip(values, 0.0, 1.0), t)

    def predict(self, summary: pd.DataFrame, t: float) -> pd.DataFrame:
        """``P(alive)`` and the expected purchases in the next ``t`` for every customer.

        Parameters
        ----------
        summary : pandas.DataFrame
            Columns ``frequency``, ``recency`` and ``T`` (as from :func:`rfm_summary`).
        t : float
            Length of the future period, in the summary's time unit.

        Returns
        -------
        pandas.DataFrame
            Same index; columns ``probability_alive`` and ``expected_purchases``.
        """
        x, t_x, big_t = _summary_columns(summary, ["frequency", "recency", "T"])
        horizon = check_number("t", t, minimum=0)
        return pd.DataFrame(
            {
                "probability_alive": self.probability_alive(x, t_x, big_t),
                "expected_purchases": self.conditional_expected_purchases(horizon, x, t_x, big_t),
            },
            index=summary.index,
        )

    def _odds_dead(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        repeat = x > 0
        log_odds = np.full_like(x, -np.inf)
        log_odds[repeat] = (
            np.log(self.a)
            - np.log(self.b + x[repeat] - 1)
            + (self.r + x[repeat])
            * (np.log(self.alpha + big_t[repeat]) - np.log(self.alpha + t_x[repeat]))
        )
        return np.exp(np.minimum(log_odds, 700.0))

    def _conditional(
        self, t: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
    ) -> np.ndarray:
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + big_t + t)
        bracket = 1.0 - (1.0 - z) ** (a - 1.0) * hyp2f1(
            a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z
        )
        values = (a + b + x - 1.0) / (a - 1.0) * bracket / (1.0 + self._odds_dead(x, t_x, big_t))
        return _finite("the expected number of purchases", values)

    def __str__(self) -> str:
        text = f"BG/NBD: r = {self.r:.3f}, α = {self.alpha:.3f}, a = {self.a:.3f}, b = {self.b:.3f}"
        if self.fit is not None:
            text += (
                f" (log-likelihood {self.fit.log_likelihood:,.1f}, "
                f"{self.fit.n_customers:,} customers)"
            )
        return text


def fit_bgnbd(
    summary: pd.DataFrame,
    *,
    weights: str | ArrayLike | None = None,
    start: Sequence[float] | None = None,
) -> BGNBD:
    """Fit the BG/NBD model by maximum likelihood.

    Customers with the same history are collapsed first (:func:`compress`), so the cost
    grows with the number of distinct histories, not of customers. The log-likelihood
    (Fader, Hardie & Lee 2005a) and its analytic gradient are vectorised with ``scipy.special``;
    the optimiser (L-BFGS-B) works on the log of the parameters, which keeps them positive.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``frequency``, ``recency`` and ``T`` (see :func:`rfm_summary`).
    weights : str or array, optional
        Customers per row (a column name or one number per row), for summaries that are
        already aggregated.
    start : sequence of 4 floats, optional
        Starting values ``(r, alpha, a, b)``. Default: ``r = 1``, ``alpha`` = the total
        age of the customers over their total repeat purchases (so the starting mean rate
        matches the data), ``a = 1``, ``b = 1``.

    Returns
    -------
    BGNBD
        The fitted model; ``model.fit`` holds the log-likelihood and the optimiser's report.

    Raises
    ------
    FitError
        If the optimiser does not converge, or a parameter runs off to 0 or infinity.

    Examples
    --------
    On the CDNOW 1/10 sample with a 39-week calibration period this returns ``r = 0.243,
    α = 4.414, a = 0.793, b = 2.426`` with log-likelihood −9,582.4 (Fader, Hardie & Lee 2005a).
    """
    x, t_x, big_t = _rfm_arrays(*_summary_columns(summary, ["frequency", "recency", "T"]))
    w = _weights(summary[weights] if isinstance(weights, str) else weights, x.size)
    if x.size >= _COMPRESS_FROM:
        x, t_x, big_t, w = _compress_arrays(x, t_x, big_t, w)
    keep = w > 0
    x, t_x, big_t, w = x[keep], t_x[keep], big_t[keep], w[keep]
    if not np.any(x > 0):
        raise FitError("the BG/NBD needs customers with repeat purchases; every frequency is 0")
    if start is None:
        start = (1.0, float(w @ big_t) / float(w @ x), 1.0, 1.0)
    if len(start) != 4:
        raise ValueError(f"start must be 4 values (r, alpha, a, b), got {start!r}")
    start = [_positive(f"start[{i}]", s) for i, s in enumerate(start)]
    values, info = _maximise(
        _Histories(x, t_x, big_t, w).objective,
        start,
        ("r", "alpha", "a", "b"),
        "BG/NBD",
        float(w.sum()),
    )
    return BGNBD(*values, fit=info)


def simulate_bgnbd(
    model: BGNBD, T: ArrayLike, *, seed: int = 0, days_per_unit: float | None = None
) -> pd.DataFrame:
    """Simulate customer histories ``(x, t_x, T)`` from a BG/NBD model.

    Each customer draws ``λ ~ Gamma(r, α)`` and ``p ~ Beta(a, b)``; the number of
    purchases they make before leaving is geometric, ``K ~ Geom(p)`` on 1, 2, ...; the
    Poisson process gives ``N ~ Poisson(λ T)`` arrivals in ``(0, T]``; then ``x =
    min(N, K)`` and, given ``N``, the ``x``-th arrival time is ``T`` times a
    ``Beta(x, N - x + 1)`` order statistic.

    Parameters
    ----------
    model : BGNBD
        The parameters to simulate from.
    T : array of float
        Each simulated customer's age (one number per customer), > 0.
    seed : int
        Seed of the random generator (same seed, same data).
    days_per_unit : float, optional
        Round the last purchase up to a whole day, as transaction data are recorded
        (e.g. 7 for weeks). ``T`` should then be a whole number of days too.

    Returns
    -------
    pandas.DataFrame
        Columns ``frequency``, ``recency`` and ``T``.
    """
    if not isinstance(model, BGNBD):
        raise TypeError(f"model must be a BGNBD, got {type(model).__name__}")
    ages = _as_array("T", T)
    if ages.size == 0 or np.any(ages <= 0):
        raise ValueError("T must be a non-empty array of ages > 0, one per customer")
    rng = np.random.default_rng(check_integer("seed", seed, minimum=0))
    n = ages.size
    rate = rng.gamma(model.r, 1.0 / model.alpha, n)
    dropout = rng.beta(model.a, model.b, n)
    purchases_before_leaving = rng.geometric(np.clip(dropout, 1e-12, 1.0))
    arrivals = rng.poisson(rate * ages)
    x = np.minimum(arrivals, purchases_before_leaving)
    t_x = np.zeros(n)
    some = x > 0
    t_x[some] = ages[some] * rng.beta(x[some], arrivals[some] - x[some] + 1)
    if days_per_unit is not None:
        per = check_number("days_per_unit", days_per_unit, minimum=0, min_inclusive=False)
        t_x = np.minimum(np.ceil(t_x * per - 1e-9) / per, ages)
    return pd.DataFrame({"frequency": x.astype("int64"), "recency": t_x, "T": ages})


# --------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------


def _gamma_gamma_ll(p: float, q: float, g: float, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Log-density of each mean repeat spend ``m`` over ``x`` transactions."""
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(g)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(g + m * x)
    )


def _gamma_gamma_objective(
    log_params: np.ndarray, x: np.ndarray, m: np.ndarray, w: np.ndarray
) -> tuple[float, np.ndarray]:
    p, q, g = np.exp(log_params)
    px = p * x
    ll = _gamma_gamma_ll(p, q, g, x, m)
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - np.log(g + m * x))
    d_q = digamma(px + q) - digamma(q) + np.log(g) - np.log(g + m * x)
    d_g = q / g - (px + q) / (g + m * x)
    total = w.sum()
    grad = np.array([w @ d_p * p, w @ d_q * q, w @ d_g * g])
    return float(-(w @ ll) / total), -grad / total


@dataclass(frozen=True)
class GammaGamma:
    """The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005b).

    Parameters
    ----------
    p : float
        Shape of a customer's spend per transaction around their own mean.
    q, gamma : float
        Shape and rate of the gamma distribution of the customers' scale ``ν``; the
        population mean spend per transaction is ``p γ / (q - 1)`` (for ``q > 1``).
    fit : FitInfo, optional
        Set by :func:`fit_gamma_gamma`.
    """

    p: float
    q: float
    gamma: float
    fit: FitInfo | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("p", "q", "gamma"):
            object.__setattr__(self, name, _positive(name, getattr(self, name)))

    @property
    def params(self) -> dict[str, float]:
        """The parameters as a dict."""
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def mean_spend(self) -> float:
        """Population mean spend per transaction, ``p γ / (q - 1)``."""
        if self.q <= 1:
            raise ValueError(f"the mean spend exists only for q > 1, got q = {self.q:g}")
        return self.p * self.gamma / (self.q - 1)

    def log_likelihood(self, frequency: ArrayLike, monetary_value: ArrayLike) -> Any:
        """Log-likelihood of each customer's mean repeat spend ``m_x`` over ``x`` purchases.

        ``f(m_x | x) = Γ(px+q)/(Γ(px)Γ(q)) · γ^q m_x^(px-1) x^(px) / (γ + m_x x)^(px+q)``
        (Fader & Hardie 2013).
        """
        x, m = self._checked(frequency, monetary_value, fitting=True)
        ll = _gamma_gamma_ll(self.p, self.q, self.gamma, x, m)
        return _scalar_or_array(ll, frequency, monetary_value)

    def conditional_expected_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> Any:
        """Expected spend per transaction of a customer with ``x`` repeat purchases of mean ``m_x``.

        ``E[M | x, m_x] = (γ + m_x x) p / (p x + q - 1)``, a weighted average of the
        population mean ``p γ / (q - 1)`` (weight ``(q-1)/(px+q-1)``) and the customer's
        own mean ``m_x`` (weight ``px/(px+q-1)``). With ``x = 0`` it is the population mean.
        Needs ``q > 1``.
        """
        if self.q <= 1:
            raise ValueError(f"the expected spend exists only for q > 1, got q = {self.q:g}")
        x, m = self._checked(frequency, monetary_value, fitting=False)
        values = (self.gamma + m * x) * self.p / (self.p * x + self.q - 1)
        return _scalar_or_array(values, frequency, monetary_value)

    @staticmethod
    def _checked(
        frequency: ArrayLike, monetary_value: ArrayLike, *, fitting: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        x = _as_array("frequency", frequency)
        m = _as_array("monetary_value", monetary_value)
        try:
            x, m = np.broadcast_arrays(x, m)
        except ValueError:
            raise ValueError(
                f"frequency and monetary_value must have the same length, got {x.size} and {m.size}"
            ) from None
        if np.any(x < 0) or np.any(x != np.round(x)):
            raise ValueError("frequency must be whole numbers of repeat purchases >= 0")
        if np.any(m < 0):
            raise ValueError(f"monetary_value must be >= 0, found {m.min():g}")
        if fitting and (np.any(x <= 0) or np.any(m <= 0)):
            raise ValueError(
                "the Gamma-Gamma likelihood needs customers with frequency > 0 and "
                "monetary_value > 0 (repeat buyers with a positive mean spend)"
            )
        return x.astype(float), m.astype(float)

    def __str__(self) -> str:
        text = f"Gamma-Gamma: p = {self.p:.2f}, q = {self.q:.2f}, γ = {self.gamma:.2f}"
        if self.fit is not None:
            text += (
                f" (log-likelihood {self.fit.log_likelihood:,.1f}, "
                f"{self.fit.n_customers:,} customers)"
            )
        return text


def fit_gamma_gamma(summary: pd.DataFrame, *, start: Sequence[float] | None = None) -> GammaGamma:
    """Fit the Gamma-Gamma spend model on the customers with repeat purchases.

    Uses the rows with ``frequency > 0`` (the mean repeat spend is undefined for the
    others), as in Fader & Hardie (2013).

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``frequency`` and ``monetary_value`` (see :func:`rfm_summary`).
    start : sequence of 3 floats, optional
        Starting values ``(p, q, gamma)``; default ``(2, 3, mean spend)``.

    Raises
    ------
    ValueError
        If a repeat buyer has a negative mean spend or a mean spend of 0 (the model needs
        positive spend).
    FitError
        If the optimiser does not converge.

    Examples
    --------
    On the CDNOW 1/10 sample (946 repeat buyers in the 39-week calibration period, mean
    repeat spend with same-day purchases merged) this returns ``p = 6.25, q = 3.74,
    γ = 15.44``, the estimates of Fader, Hardie & Lee (2005b) and Fader & Hardie (2013).
    """
    x, m = _summary_columns(summary, ["frequency", "monetary_value"])
    repeat = x > 0
    if not np.any(repeat):
        raise FitError("the Gamma-Gamma model needs customers with repeat purchases")
    x, m = x[repeat], m[repeat]
    # negative or non-whole values first, so that a negative spend is reported as such
    GammaGamma._checked(x, m, fitting=False)
    if np.any(m == 0):
        raise ValueError(
            f"monetary_value must be > 0 for every repeat buyer; {int(np.sum(m == 0))} have "
            "a mean spend of 0 (leave them out, e.g. summary[summary.monetary_value > 0])"
        )
    GammaGamma._checked(x, m, fitting=True)
    if start is None:
        start = (2.0, 3.0, float(np.mean(m)))
    if len(start) != 3:
        raise ValueError(f"start must be 3 values (p, q, gamma), got {start!r}")
    start = [_positive(f"start[{i}]", s) for i, s in enumerate(start)]
    w = np.ones_like(x)
    values, info = _maximise(
        lambda p: _gamma_gamma_objective(p, x, m, w),
        start,
        ("p", "q", "gamma"),
        "Gamma-Gamma",
        float(x.size),
    )
    return GammaGamma(*values, fit=info)


def spend_frequency_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of frequency and mean repeat spend among repeat buyers.

    The Gamma-Gamma model assumes that how much a customer spends per transaction does
    not depend on how often they buy. A correlation near 0 supports that (Fader, Hardie &
    Lee 2005b report 0.11 for CDNOW).
    """
    x, m = _summary_columns(summary, ["frequency", "monetary_value"])
    repeat = x > 0
    if repeat.sum() < 3:
        raise ValueError("the correlation needs at least 3 customers with repeat purchases")
    x, m = x[repeat], m[repeat]
    if np.std(x) == 0 or np.std(m) == 0:
        raise ValueError("the correlation needs variation in both frequency and spend")
    return float(np.corrcoef(x, m)[0, 1])


# --------------------------------------------------------------------------------------
# shifted-beta-geometric
# --------------------------------------------------------------------------------------


def _cohorts(survivors: Any) -> list[np.ndarray]:
    """One survivor curve, or a list of curves, as checked float arrays."""
    if isinstance(survivors, pd.Series | pd.DataFrame):
        raise TypeError("survivors must be a list of counts (or a list of such lists)")
    first = (
        survivors[0] if isinstance(survivors, Sequence | np.ndarray) and len(survivors) else None
    )
    if first is None:
        raise ValueError("survivors must not be empty")
    many = isinstance(first, Sequence | np.ndarray) and not isinstance(first, str)
    curves = list(survivors) if many else [survivors]
    out = []
    for i, curve in enumerate(curves):
        name = f"survivors[{i}]" if many else "survivors"
        counts = _as_array(name, curve)
        if counts.ndim != 1 or counts.size < 2:
            raise ValueError(f"{name} must list at least 2 counts (start and one period later)")
        if counts[0] <= 0:
            raise ValueError(f"{name} must start with a positive cohort size, got {counts[0]:g}")
        if np.any(counts < 0) or np.any(np.diff(counts) > 0):
            raise ValueError(
                f"{name} must be counts >= 0 that never increase (customers still active "
                f"at the start of each period), got {counts.tolist()}"
            )
        out.append(counts)
    return out


def _sbg_objective(log_params: np.ndarray, curves: list[np.ndarray]) -> tuple[float, np.ndarray]:
    g, d = np.exp(log_params)
    ll = 0.0
    grad = np.zeros(2)
    total = 0.0
    base_g = digamma(g) - digamma(g + d)
    base_d = digamma(d) - digamma(g + d)
    for counts in curves:
        n = counts.size - 1
        t = np.arange(1, n + 1)
        lost = counts[:-1] - counts[1:]
        # P(T = t) = B(g+1, d+t-1) / B(g, d);  S(n) = B(g, d+n) / B(g, d)
        log_p = betaln(g + 1, d + t - 1) - betaln(g, d)
        log_s = betaln(g, d + n) - betaln(g, d)
        ll += lost @ log_p + counts[-1] * log_s
        dp_g = digamma(g + 1) - digamma(g + d + t) - base_g
        dp_d = digamma(d + t - 1) - digamma(g + d + t) - base_d
        ds_g = digamma(g) - digamma(g + d + n) - base_g
        ds_d = digamma(d + n) - digamma(g + d + n) - base_d
        grad += [lost @ dp_g + counts[-1] * ds_g, lost @ dp_d + counts[-1] * ds_d]
        total += counts[0]
    grad *= [g, d]
    return float(-ll / total), -grad / total


def _whole_months(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Whole months from ``start`` to ``end``: the anniversaries (same day of the month,
    clipped to the month's end) that fall on or before ``end``."""
    raw = (end.dt.year - start.dt.year) * 12 + (end.dt.month - start.dt.month)
    days_in_month = end.dt.days_in_month
    anniversary_day = np.minimum(start.dt.day, days_in_month)
    return (raw - (end.dt.day < anniversary_day).astype(int)).to_numpy()


def cohort_survivors(
    members: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    joined: str = "joined",
    cancelled: str = "cancelled",
    period_months: int = 1,
    cohort: str = "month",
) -> pd.DataFrame:
    """Survivor counts of each joining cohort of contract members, period by period.

    A member who joined on day ``j`` is active at the start of period ``k`` (``k = 0`` on
    joining) if they had not cancelled by the ``k``-th anniversary ``j + k ×
    period_months`` months. A cohort (members who joined in the same calendar month or
    year) is followed for as many whole periods as its latest member can be observed by
    ``as_of``, so every count covers the whole cohort.

    Parameters
    ----------
    members : pandas.DataFrame
        One row per membership, with a joining date and a cancellation date (missing
        while still a member).
    as_of : date
        End of the records.
    joined, cancelled : str
        Column names.
    period_months : int
        Length of one period (1: monthly renewals, 12: yearly).
    cohort : {"month", "year"}
        How members are grouped into cohorts by joining date.

    Returns
    -------
    pandas.DataFrame
        Columns ``cohort`` (e.g. ``"2021-01"``), ``period`` (0, 1, ...) and ``active``;
        ready for :func:`fit_sbg`. Cohorts observed for less than one period are left out.
    """
    check_columns("members", members, [joined, cancelled])
    check_nonempty("members", members)
    step = check_integer("period_months", period_months, minimum=1)
    kind = check_one_of("cohort", cohort, ("month", "year"))
    end = _as_day("as_of", as_of)
    start = as_datetime_column("members", members, joined).dt.normalize()
    stop = members[cancelled]
    if not pd.api.types.is_datetime64_any_dtype(stop):
        if stop.notna().any():
            stop = as_datetime_column("members", members.assign(**{cancelled: stop}), cancelled)
        else:
            stop = pd.to_datetime(stop)
    stop = stop.dt.normalize()
    if start.isna().any():
        raise ValueError(f"members[{joined!r}] must not have missing dates")
    if (start > end).any():
        raise ValueError(f"members[{joined!r}] has dates after as_of ({end.date()})")
    if (stop < start).any():
        raise ValueError(f"members[{cancelled!r}] has dates before the joining date")
    observed = _whole_months(start, pd.Series(end, index=start.index)) // step
    ended = stop.notna() & (stop <= end)
    tenure = np.where(ended, _whole_months(start, stop.fillna(end)), np.iinfo(np.int64).max)
    label = start.dt.strftime("%Y-%m" if kind == "month" else "%Y")
    frame = pd.DataFrame({"cohort": label.to_numpy(), "observed": observed, "tenure": tenure})
    rows = []
    for name, group in frame.groupby("cohort", sort=True):
        periods = int(group["observed"].min())
        if periods < 1:
            continue
        k = np.arange(periods + 1)
        active = (group["tenure"].to_numpy()[:, None] > k[None, :] * step).sum(axis=0)
        rows.append(pd.DataFrame({"cohort": name, "period": k, "active": active}))
    if not rows:
        raise ValueError("no cohort has been observed for a whole period by as_of")
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class ShiftedBetaGeometric:
    """The shifted-beta-geometric (sBG) model of contract renewals (Fader & Hardie 2007).

    Each customer has a constant churn probability ``θ`` per period; across customers
    ``θ ~ Beta(γ, δ)``. A customer acquired at time 0 is active in period 1 and, at the
    end of each period, leaves with probability ``θ``.

    Parameters
    ----------
    gamma, delta : float
        Beta shapes; the mean churn probability of a new cohort is ``γ / (γ + δ)``.
    fit : FitInfo, optional
        Set by :func:`fit_sbg`.
    """

    gamma: float
    delta: float
    fit: FitInfo | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("gamma", "delta"):
            object.__setattr__(self, name, _positive(name, getattr(self, name)))

    @property
    def params(self) -> dict[str, float]:
        """The parameters as a dict."""
        return {"gamma": self.gamma, "delta": self.delta}

    def churn_probability(self, t: ArrayLike) -> Any:
        """Share of a new cohort that leaves at the end of period ``t`` (>= 1).

        ``P(T = t) = B(γ+1, δ+t-1) / B(γ, δ)``.
        """
        times = self._periods(t, minimum=1)
        values = np.exp(
            betaln(self.gamma + 1, self.delta + times - 1) - betaln(self.gamma, self.delta)
        )
        return _scalar_or_array(values, t)

    def survival(self, t: ArrayLike) -> Any:
        """Share of a new cohort still active after ``t`` periods (``S(0) = 1``).

        ``S(t) = B(γ, δ+t) / B(γ, δ)``.
        """
        times = self._periods(t, minimum=0)
        values = np.exp(betaln(self.gamma, self.delta + times) - betaln(self.gamma, self.delta))
        return _scalar_or_array(values, t)

    def retention(self, t: ArrayLike) -> Any:
        """Retention rate in period ``t`` (>= 1): ``r_t = S(t)/S(t-1) = (δ+t-1)/(γ+δ+t-1)``.

        It rises with ``t``: the customers most likely to leave leave first (the
        cohort is sorted, no customer's own probability changes).
        """
        times = self._periods(t, minimum=1)
        values = (self.delta + times - 1) / (self.gamma + self.delta + times - 1)
        return _scalar_or_array(values, t)

    def discounted_expected_lifetime(self, discount_rate: float) -> float:
        """Expected discounted number of payments of a new customer (DEL).

        ``DEL = Σ_{t>=0} S(t) / (1+d)^t = ₂F₁(1, δ; γ+δ; 1/(1+d))``: one payment at
        acquisition (t = 0, undiscounted), then one at each renewal the customer makes
        (Fader & Hardie 2010).

        Parameters
        ----------
        discount_rate : float
            Discount rate per period ``d``, in (0, 1).
        """
        z = self._discount_factor(discount_rate)
        value = hyp2f1(1.0, self.delta, self.gamma + self.delta, z)
        return float(_finite("the discounted expected lifetime", np.asarray(value)))

    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals: int) -> float:
        """Expected discounted payments still to come from an existing customer (DERL).

        For a customer who has made ``n - 1 = renewals`` renewals and is about to decide
        on the next one (Fader & Hardie 2010):
        ``DERL = Σ_{t>=n} S(t)/S(n-1) / (1+d)^(t-n)
        = (δ+n-1)/(γ+δ+n-1) · ₂F₁(1, δ+n; γ+δ+n; 1/(1+d))``; the payment of the renewal
        being decided counts undiscounted. A customer who has renewed more often is
        worth more: the renewals sort out the customers with a low churn probability.

        Parameters
        ----------
        discount_rate : float
            Discount rate per period ``d``, in (0, 1).
        renewals : int
            Renewals made so far (>= 0).
        """
        z = self._discount_factor(discount_rate)
        n = check_integer("renewals", renewals, minimum=0) + 1
        g, dl = self.gamma, self.delta
        value = hyp2f1(1.0, dl + n, g + dl + n, z) * (dl + n - 1) / (g + dl + n - 1)
        return float(_finite("the discounted expected residual lifetime", np.asarray(value)))

    def customer_value(
        self, margin: float, discount_rate: float, *, renewals: int | None = None
    ) -> float:
        """Value of a contract customer: margin per period times the discounted lifetime.

        ``renewals=None`` values a **new** customer at acquisition (``margin × DEL``, the
        first payment included); a number values an existing customer who has made that
        many renewals and is about to renew again (``margin × DERL``).
        """
        m = check_number("margin", margin)
        if renewals is None:
            return m * self.discounted_expected_lifetime(discount_rate)
        return m * self.discounted_expected_residual_lifetime(discount_rate, renewals)

    @staticmethod
    def _discount_factor(discount_rate: float) -> float:
        d = check_fraction("discount_rate", discount_rate)
        if d <= 0:
            raise ValueError(
                "discount_rate must be > 0: without discounting the expected lifetime can "
                "be infinite (it is for γ <= 1)"
            )
        return 1.0 / (1.0 + d)

    def project(self, periods: int) -> pd.DataFrame:
        """Survival and retention for periods ``0 .. periods``.

        Returns
        -------
        pandas.DataFrame
            Columns ``period``, ``survival`` (share of the cohort still active) and
            ``retention`` (share of last period's customers who stayed; NaN-free: 1 for
            period 0 by convention, as nobody could leave yet).
        """
        n = check_integer("periods", periods, minimum=1)
        t = np.arange(n + 1)
        retention = np.ones(n + 1)
        retention[1:] = self.retention(t[1:])
        return pd.DataFrame({"period": t, "survival": self.survival(t), "retention": retention})

    @staticmethod
    def _periods(t: ArrayLike, minimum: int) -> np.ndarray:
        times = _as_array("t", t)
        if np.any(times < minimum) or np.any(times != np.round(times)):
            raise ValueError(f"t must be whole periods >= {minimum}, got {np.asarray(t).tolist()}")
        return times

    def __str__(self) -> str:
        text = f"sBG: γ = {self.gamma:.3f}, δ = {self.delta:.3f}"
        if self.fit is not None:
            text += f" (log-likelihood {self.fit.log_likelihood:,.1f})"
        return text


def fit_sbg(survivors: Sequence[float] | Sequence[Sequence[float]]) -> ShiftedBetaGeometric:
    """Fit the sBG model to cohort survivor counts by maximum likelihood.

    Parameters
    ----------
    survivors : list of counts, list of such lists, or DataFrame
        Customers of a cohort still active at the start of period 0, 1, ..., n (the
        first number is the cohort size), e.g. ``[1000, 631, 468, 382]``. Several cohorts
        (of different lengths) share one set of parameters when given as a list of lists,
        or as the table of :func:`cohort_survivors` (columns ``cohort``, ``period``,
        ``active``).

    Returns
    -------
    ShiftedBetaGeometric
        The fitted model; ``model.fit`` holds the log-likelihood.

    Notes
    -----
    ``LL = Σ_t (n_{t-1} - n_t) ln P(T = t) + n_n ln S(n)`` (Fader & Hardie 2007):
    the customers lost in each period, plus the survivors, whose lifetimes are censored.

    Examples
    --------
    >>> model = fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(model.gamma, 3), round(model.delta, 3)
    (0.704, 1.182)
    """
    if isinstance(survivors, pd.DataFrame):
        check_columns("survivors", survivors, ["cohort", "period", "active"])
        check_nonempty("survivors", survivors)
        ordered = survivors.sort_values(["cohort", "period"])
        survivors = [g["active"].tolist() for _, g in ordered.groupby("cohort", sort=True)]
    curves = _cohorts(survivors)
    total = float(sum(c[0] for c in curves))
    if all(c[-1] == c[0] for c in curves):
        raise FitError("the sBG cannot be fitted: no customer left, so churn cannot be estimated")
    if all(c[1] == 0 for c in curves):
        raise FitError("the sBG cannot be fitted: every customer left after the first period")
    values, info = _maximise(
        lambda p: _sbg_objective(p, curves), (1.0, 1.0), ("gamma", "delta"), "sBG", total
    )
    return ShiftedBetaGeometric(*values, fit=info)


# --------------------------------------------------------------------------------------
# combined CLV
# --------------------------------------------------------------------------------------


def customer_lifetime_value(
    transactions_model: BGNBD,
    spend_model: GammaGamma,
    summary: pd.DataFrame,
    *,
    margin: float,
    discount_rate: float,
    periods: int,
    period_length: float,
) -> pd.Series:
    """Discounted margin each customer is expected to bring over the next ``periods``.

    ``CLV_i = Σ_{k=1..K} m · E[M_i] · (E[Y_i(kL)] - E[Y_i((k-1)L)]) / (1+d)^k``: the
    BG/NBD's expected purchases in each future period (length ``L``) times the
    Gamma-Gamma expected spend, times the margin ``m``, discounted at ``d`` per period
    and received at the end of each period (as in Fader, Hardie & Lee 2005b).

    Parameters
    ----------
    transactions_model : BGNBD
        Fitted on the summary's time unit.
    spend_model : GammaGamma
        The spend model.
    summary : pandas.DataFrame
        Columns ``frequency``, ``recency``, ``T`` and ``monetary_value``.
    margin : float
        Margin as a fraction of spend, in (0, 1].
    discount_rate : float
        Discount rate per period, in [0, 1).
    periods : int
        Number of future periods ``K`` (>= 1).
    period_length : float
        Length of one period in the summary's time unit (e.g. 52/12 weeks for months).

    Returns
    -------
    pandas.Series
        CLV per customer, in the currency of ``monetary_value``, named ``clv``.

    See Also
    --------
    casekit.clv : the deterministic CLV of lesson 02, with known retention and spend.
    """
    if not isinstance(transactions_model, BGNBD):
        raise TypeError(
            f"transactions_model must be a BGNBD, got {type(transactions_model).__name__}"
        )
    if not isinstance(spend_model, GammaGamma):
        raise TypeError(f"spend_model must be a GammaGamma, got {type(spend_model).__name__}")
    x, t_x, big_t, m = _summary_columns(summary, ["frequency", "recency", "T", "monetary_value"])
    rate = check_number("margin", margin, minimum=0.0, maximum=1.0, min_inclusive=False)
    d = check_fraction("discount_rate", discount_rate)
    k = check_integer("periods", periods, minimum=1)
    length = check_number("period_length", period_length, minimum=0.0, min_inclusive=False)
    spend = spend_model.conditional_expected_spend(x, m)
    ends = np.arange(k + 1) * length
    cumulative = np.stack(
        [np.zeros_like(x)]
        + [transactions_model.conditional_expected_purchases(e, x, t_x, big_t) for e in ends[1:]]
    )
    per_period = np.diff(cumulative, axis=0)
    discount = (1.0 + d) ** -np.arange(1, k + 1)
    value = rate * spend * (discount @ per_period)
    return pd.Series(value, index=summary.index, name="clv")


# --------------------------------------------------------------------------------------
# checking a model against the holdout period
# --------------------------------------------------------------------------------------


def holdout_table(summary: pd.DataFrame, model: BGNBD, *, max_frequency: int = 7) -> pd.DataFrame:
    """Mean holdout purchases, actual and predicted, by calibration frequency.

    The BG/NBD paper's check of the conditional expectations (Fader, Hardie & Lee 2005a):
    customers are grouped by their repeat purchases in the calibration period (the last
    group is ``max_frequency`` or more), and in each group the mean of the purchases
    actually made in the holdout period is set beside the model's mean prediction.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`rfm_summary` with a holdout period (``holdout_frequency`` and
        ``holdout_length`` columns).
    model : BGNBD
        Fitted on the calibration period.
    max_frequency : int
        The last, open group.

    Returns
    -------
    pandas.DataFrame
        Columns ``frequency`` (label), ``customers``, ``actual`` and ``predicted``.
    """
    x, t_x, big_t, actual, length = _summary_columns(
        summary, ["frequency", "recency", "T", "holdout_frequency", "holdout_length"]
    )
    top = check_integer("max_frequency", max_frequency, minimum=1)
    predicted = model.conditional_expected_purchases(length, x, t_x, big_t)
    group = np.minimum(x, top).astype(int)
    frame = pd.DataFrame({"group": group, "actual": actual, "predicted": predicted})
    table = frame.groupby("group").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    table = table.reindex(range(top + 1), fill_value=0).reset_index()
    labels = [str(g) for g in range(top)] + [f"{top}+"]
    table.insert(0, "frequency", labels)
    return table.drop(columns="group")


def holdout_chart(table: pd.DataFrame, *, holdout_label: str = "holdout period") -> alt.Chart:
    """Actual and predicted mean holdout purchases by calibration frequency (two lines)."""
    check_columns("table", table, ["frequency", "customers", "actual", "predicted"])
    long = table.melt(
        id_vars=["frequency", "customers"],
        value_vars=["actual", "predicted"],
        var_name="series",
        value_name="purchases",
    )
    long["series"] = long["series"].map({"actual": "Actual", "predicted": "BG/NBD"})
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "frequency:O",
                sort=list(table["frequency"]),
                title="Repeat purchases in the calibration period",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("purchases:Q", title=f"Mean purchases in the {holdout_label}"),
            color=alt.Color("series:N", title=None),
            strokeDash=alt.StrokeDash("series:N", title=None),
            tooltip=[
                alt.Tooltip("frequency:O", title="Calibration repeat purchases"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("purchases:Q", title="Mean purchases", format=".2f"),
                alt.Tooltip("customers:Q", title="Customers", format=","),
            ],
        )
        .properties(title="Conditional expectations: model against the holdout", width=560)
    )


def tracking_table(
    transactions: pd.DataFrame,
    model: BGNBD,
    *,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp | None = None,
    time_unit: str = "weeks",
    customer: str = "customer_id",
    date: str = "date",
) -> pd.DataFrame:
    """Cumulative repeat purchases of a cohort, actual and expected, period by period.

    The paper's tracking chart (Fader, Hardie & Lee 2005a): for each customer acquired on day
    ``s``, the model expects ``E[X(τ - s)]`` repeat purchases by calendar time ``τ``;
    summed over customers this is set beside the repeat purchases actually made
    (same-day purchases merged).

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase record.
    model : BGNBD
        Fitted on the calibration period in ``time_unit``.
    calibration_end, observation_end : date
        End of the calibration period, and of the data to track (default: last date).
    time_unit : str
        The model's time unit; the table has one row per whole unit since the first
        purchase in the data.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (1, 2, ...), ``end`` (its last day), ``actual``, ``expected`` (both
        cumulative repeat purchases) and ``calibration`` (True up to ``calibration_end``).
    """
    unit = TIME_UNITS[check_one_of("time_unit", time_unit, TIME_UNITS)]
    merged = merge_same_day(transactions, customer=customer, date=date, amount=None)
    cal_end = _as_day("calibration_end", calibration_end)
    obs_end = (
        merged[date].max()
        if observation_end is None
        else _as_day("observation_end", observation_end)
    )
    first = merged.groupby(customer)[date].transform("min")
    cohort = first.groupby(merged[customer]).first()
    cohort = cohort[cohort <= cal_end]
    merged = merged[merged[customer].isin(cohort.index) & (merged[date] <= obs_end)]
    start = cohort.min()
    repeat_days = merged.loc[merged[date] > first.loc[merged.index], date]
    # whole units from the first day to the end of the last day (both inclusive)
    n_periods = int(np.floor(((obs_end - start).days + 1) / unit + 1e-9))
    if n_periods < 1:
        raise ValueError("the data cover less than one time unit: nothing to track")
    ends = start + pd.to_timedelta(np.arange(1, n_periods + 1) * unit, unit="D")
    repeat_offsets = np.sort((repeat_days - start).dt.days.to_numpy())
    # a purchase on day k counts for every period whose end lies after day k
    end_offsets = np.arange(1, n_periods + 1) * unit
    actual = np.searchsorted(repeat_offsets, end_offsets, side="left")
    starts = (cohort - start).dt.days.value_counts()
    offsets = starts.index.to_numpy(dtype=float)
    sizes = starts.to_numpy(dtype=float)
    age = (end_offsets[:, None] - offsets[None, :]) / unit
    expected = np.zeros(age.shape)
    alive = age > 0
    expected[alive] = model.expected_purchases(age[alive])
    return pd.DataFrame(
        {
            "period": np.arange(1, n_periods + 1),
            "end": (ends - pd.Timedelta(days=1)).normalize(),
            "actual": actual.astype(float),
            "expected": expected @ sizes,
            "calibration": ends - pd.Timedelta(days=1) <= cal_end,
        }
    )


def tracking_chart(table: pd.DataFrame, *, time_unit: str = "weeks") -> alt.LayerChart:
    """Cumulative repeat purchases, actual and BG/NBD, with the end of calibration marked."""
    check_columns("table", table, ["period", "actual", "expected", "calibration"])
    long = table.melt(
        id_vars=["period"],
        value_vars=["actual", "expected"],
        var_name="series",
        value_name="purchases",
    )
    long["series"] = long["series"].map({"actual": "Actual", "expected": "BG/NBD"})
    unit = time_unit.rstrip("s")
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=alt.X("period:Q", title=f"{unit.capitalize()}s since the cohort's first purchase"),
            y=alt.Y("purchases:Q", title="Cumulative repeat purchases"),
            color=alt.Color("series:N", title=None),
            strokeDash=alt.StrokeDash("series:N", title=None),
            tooltip=[
                alt.Tooltip("period:Q", title=unit.capitalize()),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("purchases:Q", title="Repeat purchases", format=",.0f"),
            ],
        )
    )
    cut = (
        float(table.loc[table["calibration"], "period"].max())
        if table["calibration"].any()
        else 0.0
    )
    rule = (
        alt.Chart(pd.DataFrame({"period": [cut], "label": ["end of calibration"]}))
        .mark_rule(strokeDash=[4, 4], color="#555555")
        .encode(x="period:Q", tooltip=[alt.Tooltip("label:N", title="")])
    )
    return (lines + rule).properties(title="Tracking cumulative repeat purchases")


def _alive_curve(model: BGNBD, x: int, age: float, points: int = 60) -> pd.DataFrame:
    """The line of :func:`probability_alive_chart`: P(alive) on a grid of recencies.

    With no repeat purchase the BG/NBD counts the customer as alive, whatever the age.
    """
    n = check_integer("points", points, minimum=2)
    if x == 0:
        return pd.DataFrame({"recency": [0.0, age], "probability_alive": [1.0, 1.0]})
    grid = np.linspace(0.0, age, n)
    grid[0] = min(age / (10 * n), grid[1] / 2)
    return pd.DataFrame(
        {"recency": grid, "probability_alive": model.probability_alive(x, grid, age)}
    )


def _alive_title(x: int, age: float, unit: str = "week") -> str:
    return f"P(alive) for {x} repeat purchases, customer age {age:.0f} {unit}s"


def probability_alive_chart(
    model: BGNBD,
    frequency: int,
    T: float,
    *,
    recency: float | None = None,
    time_unit: str = "weeks",
    points: int = 60,
) -> alt.LayerChart:
    """P(alive) against recency for a given frequency and age, optionally marking one customer.

    The line shows how the probability of still being active falls as the last purchase
    recedes into the past; a frequent buyer who has gone quiet falls fastest.
    """
    x = check_integer("frequency", frequency, minimum=0)
    age = check_number("T", T, minimum=0, min_inclusive=False)
    data = _alive_curve(model, x, age, points)
    unit = time_unit.rstrip("s")
    line = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("recency:Q", title=f"Recency: {unit}s from first to last purchase"),
            y=alt.Y(
                "probability_alive:Q",
                title="P(alive)",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            tooltip=[
                alt.Tooltip("recency:Q", title="Recency", format=".1f"),
                alt.Tooltip("probability_alive:Q", title="P(alive)", format=".1%"),
            ],
        )
    )
    title = _alive_title(x, age, unit)
    if recency is None:
        return alt.layer(line).properties(title=title)
    r = check_number("recency", recency, minimum=0, maximum=age)
    point = pd.DataFrame(
        {"recency": [r], "probability_alive": [model.probability_alive(x, r, age)]}
    )
    dot = (
        alt.Chart(point)
        .mark_point(size=140, filled=True, color="#D55E00")
        .encode(
            x="recency:Q",
            y="probability_alive:Q",
            tooltip=[
                alt.Tooltip("recency:Q", title="This customer's recency", format=".1f"),
                alt.Tooltip("probability_alive:Q", title="P(alive)", format=".1%"),
            ],
        )
    )
    return (line + dot).properties(title=title)


def survival_chart(
    observed: pd.DataFrame | None,
    projected: pd.DataFrame,
    *,
    period_label: str = "Year",
    fitted_periods: int | None = None,
) -> alt.LayerChart:
    """Survival curves: observed shares (points) and the sBG projection (lines), per cohort.

    Parameters
    ----------
    observed : pandas.DataFrame or None
        Columns ``cohort``, ``period`` and ``survival`` (share still active).
    projected : pandas.DataFrame
        The same columns, from :meth:`ShiftedBetaGeometric.project` with a ``cohort`` column.
    period_label : str
        Name of the period for the axis.
    fitted_periods : int, optional
        Draw a rule after the last period used for fitting.
    """
    check_columns("projected", projected, ["cohort", "period", "survival"])
    lines = (
        alt.Chart(projected)
        .mark_line()
        .encode(
            x=alt.X("period:Q", title=f"{period_label}s since joining"),
            y=alt.Y("survival:Q", title="Share still active", axis=alt.Axis(format="%")),
            color=alt.Color("cohort:N", title="Cohort"),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("period:Q", title=period_label),
                alt.Tooltip("survival:Q", title="sBG survival", format=".1%"),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if observed is not None:
        check_columns("observed", observed, ["cohort", "period", "survival"])
        layers.append(
            alt.Chart(observed)
            .mark_point(filled=True, size=60)
            .encode(
                x="period:Q",
                y="survival:Q",
                color=alt.Color("cohort:N", title="Cohort"),
                tooltip=[
                    alt.Tooltip("cohort:N", title="Cohort"),
                    alt.Tooltip("period:Q", title=period_label),
                    alt.Tooltip("survival:Q", title="Observed survival", format=".1%"),
                ],
            )
        )
    if fitted_periods is not None:
        cut = check_integer("fitted_periods", fitted_periods, minimum=1)
        layers.append(
            alt.Chart(pd.DataFrame({"period": [cut], "label": ["last period used to fit"]}))
            .mark_rule(strokeDash=[4, 4], color="#555555")
            .encode(x="period:Q", tooltip=[alt.Tooltip("label:N", title="")])
        )
    return alt.layer(*layers).properties(title="Survival: observed and projected")

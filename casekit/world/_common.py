"""Building blocks shared by the company generators: calendar, names, point processes.

Everything here is vectorised over customers (or accounts, or members): no function
loops over rows, only over a handful of segments or categories.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: First and last day of the synthetic world's records.
START = pd.Timestamp("2021-01-01")
END = pd.Timestamp("2024-12-31")
#: Number of days from START to END, both included.
N_DAYS = (END - START).days + 1
DAY = np.timedelta64(1, "D")

FIRST_NAMES = (
    "Adrian Aileen Alma Andrea Angelo Anton Bea Benjie Bianca Carlo Carmela Cecilia Clarisse "
    "Dante Daphne Dennis Diana Dino Edgar Elena Emil Erika Ernesto Faith Felix Fely Gabriel "
    "Gemma Gilbert Grace Hazel Hector Imelda Isabel Ivan Jasmine Jerome Joanna Jomar Josefa "
    "Julius Karen Kevin Kristine Lani Leo Liza Lorna Luis Mara Marco Maricel Mark Mila "
    "Nestor Nico Nina Noel Olivia Oscar Patricia Paolo Perla Ramon Regina Rey Rina Rodel "
    "Rosa Ruben Sheila Simon Sofia Teresa Tomas Trina Ulysses Vanessa Victor Wilma Xavier "
    "Yolanda Zaldy"
).split()

SURNAMES = (
    "Abad", "Agustin", "Alvarez", "Andrada", "Aquino", "Arceo", "Bautista", "Bernardo",
    "Buenaventura", "Cabrera", "Castillo", "Castro", "Cruz", "Cuevas", "David", "Dela Cruz",
    "De los Santos", "Diaz", "Domingo", "Enriquez", "Espiritu", "Estrada", "Fernandez",
    "Flores", "Francisco", "Garcia", "Gatchalian", "Gonzales", "Guevarra", "Hernandez",
    "Ignacio", "Jimenez", "Lacson", "Lim", "Lopez", "Lualhati", "Macaraeg", "Manalo",
    "Marquez", "Mendoza", "Mercado", "Miranda", "Morales", "Navarro", "Ocampo", "Padilla",
    "Panganiban", "Pascual", "Perez", "Quiambao", "Ramos", "Reyes", "Rivera", "Robles",
    "Rosales", "Salazar", "Samonte", "Santiago", "Santos", "Soriano", "Tan", "Tolentino",
    "Torres", "Valdez", "Vergara", "Villanueva", "Yap", "Zamora",
)  # fmt: skip


def person_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` pseudonymous (first, surname) pairs from short lists."""
    first = rng.choice(np.array(FIRST_NAMES), size=n)
    last = rng.choice(np.array(SURNAMES), size=n)
    return first, last


def emails(first: np.ndarray, last: np.ndarray, ids: np.ndarray, domain: str) -> np.ndarray:
    """Well-formed fake e-mail addresses on a reserved example domain (RFC 2606).

    ``ids`` (distinct integers) end the local part, so the addresses are unique.
    """
    local = np.char.add(np.char.add(np.char.lower(first), "."), np.char.lower(last))
    local = np.char.replace(np.char.replace(local, " ", ""), "ñ", "n")
    suffix = np.char.mod("%d", ids)
    return np.char.add(np.char.add(np.char.add(local, suffix), "@"), domain)


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Well-formed Philippine mobile numbers (+63 9XX XXX XXXX), randomly generated."""
    parts = [
        np.char.mod("%02d", rng.integers(0, 100, n)),
        np.char.mod("%03d", rng.integers(0, 1000, n)),
        np.char.mod("%04d", rng.integers(0, 10000, n)),
    ]
    return np.char.add(
        np.char.add(np.char.add("+63 9", parts[0]), np.char.add(" ", parts[1])),
        np.char.add(" ", parts[2]),
    )


def ids(prefix: str, n: int, width: int) -> np.ndarray:
    """Identifiers ``prefix`` + zero-padded 1..n, e.g. ``CL00001``."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def to_dates(days: np.ndarray, origin: pd.Timestamp = START) -> np.ndarray:
    """Whole days after ``origin`` -> datetime64[s] dates."""
    base = np.datetime64(origin, "s")
    return base + np.floor(days).astype("int64") * np.timedelta64(1, "D")


def to_times(days: np.ndarray, origin: pd.Timestamp = START) -> np.ndarray:
    """Fractional days after ``origin`` -> datetime64[s] times (rounded to the second)."""
    base = np.datetime64(origin, "s")
    return base + np.round(np.asarray(days) * 86_400).astype("int64") * np.timedelta64(1, "s")


def day_of(times: np.ndarray, origin: pd.Timestamp = START) -> np.ndarray:
    """datetime64 values -> fractional days after ``origin``."""
    return (np.asarray(times, dtype="datetime64[s]") - np.datetime64(origin, "s")).astype(
        "int64"
    ) / 86_400


def calendar(start: pd.Timestamp = START, end: pd.Timestamp = END) -> pd.DataFrame:
    """One row per day with its weekday (0 = Monday), month, and day of month."""
    days = pd.date_range(start, end, freq="D")
    return pd.DataFrame(
        {
            "date": days,
            "weekday": days.day_of_week,
            "month": days.month,
            "day": days.day,
            "days_in_month": days.days_in_month,
        }
    )


def cumulative(weights: np.ndarray) -> np.ndarray:
    """Cumulative weight at the day boundaries 0, 1, ..., len(weights)."""
    return np.concatenate([[0.0], np.cumsum(weights)])


def weighted_span(cum: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Total weight between fractional days ``start`` and ``stop`` (piecewise linear)."""
    grid = np.arange(len(cum), dtype=float)
    return np.interp(stop, grid, cum) - np.interp(start, grid, cum)


def sample_times(
    rng: np.random.Generator,
    cum: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    counts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``counts[i]`` times in ``[start[i], stop[i])`` with density given by ``cum``.

    Returns the owner index of each draw and its fractional day, so a Poisson process
    with a seasonal, weekday-varying intensity is ``counts ~ Poisson(rate * span)`` then
    this function.
    """
    owner = np.repeat(np.arange(len(counts)), counts)
    grid = np.arange(len(cum), dtype=float)
    low = np.interp(start[owner], grid, cum)
    high = np.interp(stop[owner], grid, cum)
    u = low + rng.random(len(owner)) * (high - low)
    return owner, np.interp(u, cum, grid)


def piecewise_process(
    rng: np.random.Generator,
    cum: np.ndarray,
    start: np.ndarray,
    horizon: np.ndarray,
    rate: np.ndarray,
    hazard: np.ndarray,
    change: Sequence[np.ndarray],
    rate_mult: Sequence[np.ndarray],
    hazard_mult: Sequence[np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate purchases of a population whose rates change at known times.

    Each unit ``i`` is alive from ``start[i]`` until an exponential dropout (hazard
    ``hazard[i]`` per day) and, while alive, buys as a Poisson process with intensity
    ``rate[i]`` times the calendar weight. At ``change[k][i]`` (``inf`` for never) both
    rates are multiplied by ``rate_mult[k][i]`` and ``hazard_mult[k][i]`` from then on.
    The change times of a unit must be sorted.

    Parameters
    ----------
    cum : numpy.ndarray
        Cumulative calendar weight (see :func:`cumulative`), in days.
    start, horizon : numpy.ndarray
        Fractional days: when each unit starts, and the end of observation.

    Returns
    -------
    death : numpy.ndarray
        Day of dropout (may lie beyond ``horizon``).
    owner, times : numpy.ndarray
        Index of the unit and fractional day of each purchase.
    """
    n = len(start)
    budget = rng.exponential(1.0, n)
    bounds = [start, *[np.maximum(c, start) for c in change], np.full(n, np.inf)]
    r_mult = np.ones(n)
    h_mult = np.ones(n)
    death = np.full(n, np.inf)
    seg_start, seg_stop, seg_rate = [], [], []
    with np.errstate(invalid="ignore"):
        for k in range(len(bounds) - 1):
            if k > 0:
                r_mult = r_mult * rate_mult[k - 1]
                h_mult = h_mult * hazard_mult[k - 1]
            lo, hi = bounds[k], bounds[k + 1]
            h = hazard * h_mult
            finite = np.isfinite(hi)
            need = np.where(finite, h * (hi - lo), np.inf)
            dies = np.isinf(death) & (budget < need)
            death = np.where(dies, lo + budget / h, death)
            budget = np.where(finite, budget - need, budget)
            stop = np.maximum(np.minimum(np.minimum(hi, death), horizon), lo)
            seg_start.append(lo)
            seg_stop.append(stop)
            seg_rate.append(rate * r_mult)
    s0 = np.concatenate(seg_start)
    s1 = np.concatenate(seg_stop)
    rates = np.concatenate(seg_rate)
    counts = rng.poisson(rates * weighted_span(cum, s0, s1))
    owner, times = sample_times(rng, cum, s0, s1, counts)
    return death, owner % n, times


def time_of_day(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    """Draw ``n`` fractional hours (0-24) from 24 hourly weights.

    Times are stamped to the nearest second (:func:`to_times`), so a draw in the last
    half-second of the last hour with weight would be stamped at closing time, in an
    hour with none: such draws are kept at the hour's last whole second instead.
    """
    p = np.asarray(weights, dtype=float)
    hour = rng.choice(24, size=n, p=p / p.sum())
    last_second = np.flatnonzero(p)[-1] + 3599 / 3600
    return np.minimum(hour + rng.random(n), last_second)


def largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """Round each row of non-negative ``shares`` to integers summing to ``total``."""
    scaled = shares / shares.sum(axis=1, keepdims=True) * total
    base = np.floor(scaled).astype(int)
    short = total - base.sum(axis=1)
    order = np.argsort(-(scaled - base), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return base + (rank < short[:, None]).astype(int)


def ordinal(latent: np.ndarray, low: int, high: int) -> np.ndarray:
    """Round a latent score to the integer scale ``low..high``."""
    return np.clip(np.rint(latent), low, high).astype(int)


def money(values: np.ndarray) -> np.ndarray:
    """Round pesos to centavos."""
    return np.round(np.asarray(values, dtype=float), 2)

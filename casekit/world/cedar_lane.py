"""Cedar Lane Market: a grocery retailer with five stores, an online shop and a loyalty club.

The generator works outward from each customer's hidden traits (how often they buy, how
soon they would drift away, how much they spend, how costly they are to serve), so that
every table agrees with the others: the transactions follow the traits, the loyalty
points follow the transactions, the complaints refer to transactions and change what
the customer does next, the contact centre's queues follow the contacts.

Planted effects (their sizes are the module constants below; see ``datasets/README.md``):

* **club self-selection** - frequent, loyal customers are more likely to join the
  Shopper's Club; joining itself raises the purchase rate by :data:`CLUB_RATE_LIFT` and
  multiplies the drop-out hazard by :data:`CLUB_HAZARD_MULT`;
* **service recovery** - after a complaint the purchase rate and drop-out hazard are
  multiplied by :data:`RECOVERY` according to the satisfaction with its handling, which
  depends on the speed of the first response and on the outcome;
* **cost to serve** - a minority of "high-maintenance" customers return goods, call the
  contact centre and place small online orders, so some customers lose money;
* **courier change** - from :data:`SERVICE_CHANGE` a new courier makes online deliveries
  less reliable: more delivery contacts, and lower reliability perceptions in survey
  wave 2 (:data:`RELIABILITY_DROP`);
* **queueing** - waits in the phone queue follow the Erlang C model with a staffing plan
  that does not follow Monday-morning and evening peaks;
* **abandonment** - each caller and chat user will wait only so long (exponential
  patience with the means in :data:`MEAN_PATIENCE`); one whose wait would be longer
  hangs up unanswered, so the peaks show up as abandoned contacts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit import service
from casekit.world import _common as cm

# --- the world's facts -------------------------------------------------------------------

N_CUSTOMERS = 20_000
#: The Shopper's Club opened on this day.
CLUB_LAUNCH = pd.Timestamp("2022-03-01")
#: Causal effect of joining the club: purchase rate x (1 + lift), drop-out hazard x mult.
CLUB_RATE_LIFT = 0.08
CLUB_HAZARD_MULT = 0.85
#: Contacts are logged in the CRM from this day.
CRM_START = pd.Timestamp("2023-01-01")
#: The online shop switched to a new, less reliable courier on this day.
SERVICE_CHANGE = pd.Timestamp("2024-04-01")
#: Fall of the reliability perceptions in survey wave 2 (latent scale points, 1-7 scale).
RELIABILITY_DROP = 0.7
#: Satisfaction after a complaint (1-5) -> (purchase-rate multiplier, hazard multiplier).
RECOVERY = {5: (1.30, 0.60), 4: (1.00, 1.00), 3: (0.80, 1.50), 2: (0.55, 2.50), 1: (0.35, 4.00)}
#: Survey waves: (first day, last day).
WAVES = {
    1: (pd.Timestamp("2023-10-02"), pd.Timestamp("2023-10-31")),
    2: (pd.Timestamp("2024-10-01"), pd.Timestamp("2024-10-31")),
}
RESPONDENTS_PER_WAVE = 700
COMPETITOR = "Pinewood Mart"

STORES = ("Cubao", "Marikina", "Pasig", "Antipolo", "Bacoor")
ONLINE_STORE = "Online shop"
REGIONS = ("NCR", "CALABARZON", "Central Luzon")
#: city, region, nearest store, typical distance to it (km), share of customers
CITIES = (
    ("Quezon City", "NCR", "Cubao", 2.5, 0.15),
    ("San Juan", "NCR", "Cubao", 3.5, 0.04),
    ("Marikina", "NCR", "Marikina", 2.0, 0.08),
    ("Pasig", "NCR", "Pasig", 2.5, 0.10),
    ("Mandaluyong", "NCR", "Pasig", 3.5, 0.06),
    ("Taguig", "NCR", "Pasig", 6.0, 0.06),
    ("Antipolo", "CALABARZON", "Antipolo", 3.0, 0.08),
    ("Cainta", "CALABARZON", "Antipolo", 3.0, 0.05),
    ("Taytay", "CALABARZON", "Antipolo", 4.0, 0.04),
    ("Bacoor", "CALABARZON", "Bacoor", 2.5, 0.08),
    ("Imus", "CALABARZON", "Bacoor", 5.0, 0.06),
    ("Las Piñas", "NCR", "Bacoor", 6.0, 0.05),
    ("Dasmariñas", "CALABARZON", "Bacoor", 10.0, 0.04),
    ("Santa Rosa", "CALABARZON", "Bacoor", 24.0, 0.03),
    ("Meycauayan", "Central Luzon", "Cubao", 18.0, 0.05),
    ("Malolos", "Central Luzon", "Cubao", 35.0, 0.03),
)
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
OCCUPATIONS = (
    "professional",
    "office worker",
    "business owner",
    "government employee",
    "health worker",
    "skilled trade",
    "student",
    "homemaker",
    "retiree",
)
SEGMENTS = (
    "busy family",
    "young professional",
    "health-conscious",
    "bargain hunter",
    "traditional shopper",
)
ACQUISITION_CHANNELS = (
    "store walk-in",
    "referral",
    "social media ad",
    "search ad",
    "flyer promotion",
)
#: Mean acquisition cost of each channel (Php).
ACQUISITION_COST = (60.0, 250.0, 380.0, 460.0, 140.0)
CHANNELS = ("store", "online")
CATEGORIES = (
    "fresh produce",
    "meat and seafood",
    "pantry",
    "beverages",
    "household",
    "personal care",
    "baby and kids",
    "snacks",
)
#: Gross margin rate of each category, before discounts.
MARGIN_RATE = np.array([0.24, 0.18, 0.14, 0.20, 0.26, 0.30, 0.16, 0.28])
#: Basket size factor of each category's baskets.
BASKET_FACTOR = np.array([0.9, 1.3, 1.0, 0.7, 1.0, 0.8, 1.4, 0.55])
#: Category mix of each lifestyle segment (rows follow SEGMENTS).
CATEGORY_MIX = np.array(
    [
        [0.16, 0.18, 0.20, 0.08, 0.12, 0.08, 0.12, 0.06],
        [0.10, 0.10, 0.16, 0.18, 0.10, 0.14, 0.02, 0.20],
        [0.32, 0.12, 0.16, 0.10, 0.08, 0.14, 0.03, 0.05],
        [0.14, 0.12, 0.28, 0.10, 0.16, 0.08, 0.06, 0.06],
        [0.20, 0.22, 0.24, 0.06, 0.12, 0.08, 0.03, 0.05],
    ]
)

CONTACT_CHANNELS = ("phone", "e-mail", "chat", "store")
PHASES = ("pre-transaction", "transaction", "post-transaction")
#: contact reason -> phase
CONTACT_REASONS = {
    "product availability": "pre-transaction",
    "store hours and services": "pre-transaction",
    "promotion question": "pre-transaction",
    "online account help": "pre-transaction",
    "order status": "transaction",
    "billing or price query": "transaction",
    "payment problem": "transaction",
    "late or missing delivery": "post-transaction",
    "return or refund": "post-transaction",
    "product problem": "post-transaction",
    "loyalty points": "post-transaction",
}
PHONE_AGENTS = tuple(f"CC{i:02d}" for i in range(1, 13))
STORE_AGENTS = tuple(f"SD{i:02d}" for i in range(1, 11))

COMPLAINT_CHANNELS = ("phone", "e-mail", "chat", "store", "social media")
#: complaint category -> (root causes, severity weights low/medium/high)
COMPLAINT_CATEGORIES = {
    "late or missing delivery": (("courier delay", "wrong address data", "picking error"), 0.8),
    "product quality": (("cold chain lapse", "supplier defect", "poor shelf rotation"), 1.0),
    "wrong price at checkout": (("shelf label not updated", "promotion set-up error"), 0.4),
    "out of stock": (("forecasting error", "late replenishment"), 0.3),
    "staff behaviour": (("insufficient training", "understaffing"), 0.9),
    "refund delay": (("manual refund approval", "payment provider delay"), 0.7),
    "loyalty points missing": (("card not scanned", "system sync error"), 0.3),
    "store cleanliness": (("cleaning schedule gaps",), 0.4),
}
SEVERITIES = ("low", "medium", "high")
OUTCOMES = ("resolved", "partly resolved", "not resolved")
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
#: SERVQUAL-style items, written for a grocery retailer: (item id, dimension, statement)
SURVEY_ITEMS = (
    ("TAN1", "tangibles", "The stores and the online shop look modern and tidy."),
    ("TAN2", "tangibles", "Shelves, signs and price labels are clear and easy to read."),
    ("TAN3", "tangibles", "Staff are neat and easy to recognise."),
    ("TAN4", "tangibles", "Bags, receipts and delivery packaging are of good quality."),
    ("REL1", "reliability", "Deliveries arrive in the promised time slot."),
    ("REL2", "reliability", "What I ordered is what I receive."),
    ("REL3", "reliability", "Advertised items and promotions are available as stated."),
    ("REL4", "reliability", "The price at the till matches the shelf price."),
    ("REL5", "reliability", "Problems are fixed right the first time."),
    ("RES1", "responsiveness", "Staff tell me exactly when things will be done."),
    ("RES2", "responsiveness", "I am served promptly at the till and on the phone."),
    ("RES3", "responsiveness", "Staff are always willing to help."),
    ("RES4", "responsiveness", "Staff are never too busy to answer my questions."),
    ("ASS1", "assurance", "Staff know their products well."),
    ("ASS2", "assurance", "I feel safe paying here, in store and online."),
    ("ASS3", "assurance", "Staff are consistently courteous."),
    ("ASS4", "assurance", "I trust the freshness and quality of what I buy here."),
    ("EMP1", "empathy", "Staff give me individual attention."),
    ("EMP2", "empathy", "Opening and delivery hours suit me."),
    ("EMP3", "empathy", "The store has my best interests at heart."),
    ("EMP4", "empathy", "Staff understand what I need."),
    ("EMP5", "empathy", "Offers I receive fit what I actually buy."),
)
REWARDS = ("Php 100 voucher", "free delivery", "partner cinema ticket")
#: Cost to Cedar Lane of each reward (Php).
REWARD_COST = np.array([100.0, 120.0, 85.0])
POINTS_PER_PESO = 1 / 50
POINTS_PER_REWARD = 200
WELCOME_POINTS = 50
LOYALTY_EVENTS = ("enrolment", "points earned", "reward redeemed")

# Calendar shape of shopping: month, weekday, and the twice-monthly paydays.
_MONTH = np.array([0.92, 0.88, 0.95, 0.97, 1.0, 1.05, 0.95, 0.95, 1.0, 1.03, 1.08, 1.35])
_WEEKDAY = np.array([0.85, 0.85, 0.9, 0.95, 1.1, 1.3, 1.2])
_STORE_HOURS = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0.3, 1, 2, 3, 4, 4, 3.5, 3.5, 4, 5, 6.5, 6.5, 5, 3.5, 1.5, 0, 0]
)
_ONLINE_HOURS = np.array(
    [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.2, 2, 2.5, 2.5, 2.5, 3, 2.5, 2.2, 2.2, 2.5, 3, 3.5,
     4.5, 5.5, 5.5, 4, 1.5]
)  # fmt: skip
_PHONE_HOURS = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0, 3, 5, 6.5, 6.5, 4.5, 4, 4, 4, 4, 4.5, 6, 5, 0, 0, 0, 0]
)
_EMAIL_HOURS = np.array(
    [0.5, 0.3, 0.2, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 3.5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2.5, 2, 1]
)
_CONTACT_WEEKDAY = np.array([1.45, 1.1, 1.0, 1.0, 0.95, 0.8, 0.7])
#: Phone agents on duty by hour (08:00-20:00), weekdays and weekends.
PHONE_STAFF_WEEKDAY = np.array([0] * 8 + [2, 3, 3, 3, 2, 2, 3, 3, 3, 3, 2, 2] + [0] * 4)
PHONE_STAFF_WEEKEND = np.array([0] * 8 + [2] * 12 + [0] * 4)
_CHAT_STAFF = np.array([0] * 8 + [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1] + [0] * 4)
#: Mean patience (seconds) of callers and chat users in the queue, by channel.
MEAN_PATIENCE = {"phone": 180.0, "chat": 300.0}


def _day_weights() -> np.ndarray:
    cal = cm.calendar()
    payday = cal["day"].isin([15, 16]) | (cal["day"] >= cal["days_in_month"] - 0)
    weights = (
        _MONTH[cal["month"].to_numpy() - 1]
        * _WEEKDAY[cal["weekday"].to_numpy()]
        * np.where(payday, 1.25, 1.0)
        * np.where((cal["month"] == 12) & (cal["day"].between(20, 24)), 1.4, 1.0)
    )
    return weights / weights.mean()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _zscore(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std()


def _choice_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a probability matrix."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (u[:, None] > cum).sum(axis=1)


def _tod(rng: np.random.Generator, online: np.ndarray) -> np.ndarray:
    """Hour of day (fractional) of purchases in store or online."""
    store = cm.time_of_day(rng, _STORE_HOURS, len(online))
    web = cm.time_of_day(rng, _ONLINE_HOURS, len(online))
    return np.where(online, web, store)


def _days(ts: pd.Timestamp) -> float:
    return float((ts - cm.START).days)


# --- customers ---------------------------------------------------------------------------


def _customers(rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = N_CUSTOMERS
    seg = rng.choice(len(SEGMENTS), size=n, p=[0.27, 0.22, 0.15, 0.21, 0.15])
    age_mean = np.array([39, 29, 40, 42, 58])[seg]
    age_sd = np.array([7, 4, 11, 14, 9])[seg]
    age = np.clip(rng.normal(age_mean, age_sd), 18.2, 88)
    birth = cm.to_dates(-np.round(age * 365.25) + cm.N_DAYS - 1)

    city_p = np.array([c[4] for c in CITIES])
    city = rng.choice(len(CITIES), size=n, p=city_p / city_p.sum())
    typical = np.array([c[3] for c in CITIES])[city]
    distance = np.round(np.clip(typical * rng.lognormal(0, 0.45, n), 0.2, 80), 1)
    store = np.array([STORES.index(c[2]) for c in CITIES])[city]

    occupation = rng.choice(6, size=n, p=[0.3, 0.25, 0.12, 0.13, 0.1, 0.1])
    occupation = np.where((age < 24) & (rng.random(n) < 0.6), 6, occupation)
    occupation = np.where(np.isin(seg, [0, 4]) & (age >= 24) & (rng.random(n) < 0.3), 7, occupation)
    occupation = np.where((age >= 62) & (rng.random(n) < 0.7), 8, occupation)

    # Hidden traits. Purchase rate per day while active, drop-out hazard per day.
    channel = rng.choice(len(ACQUISITION_CHANNELS), size=n, p=[0.38, 0.12, 0.2, 0.14, 0.16])
    rate_mean = 0.031 * np.array([1.3, 0.9, 1.0, 0.85, 1.15])[seg]
    rate_mean = rate_mean * np.clip((distance / 3.0) ** -0.3, 0.4, 1.6)
    rate_mean = rate_mean * np.array([1.0, 1.2, 0.95, 0.85, 1.0])[channel]
    costly = rng.random(n) < np.where(seg == 1, 0.24, 0.13)
    rate_mean = np.where(costly, 1.6 * rate_mean, rate_mean)
    rate = rng.gamma(0.75, rate_mean / 0.75)
    hazard_mean = 1 / 520 * np.array([1.0, 0.7, 1.1, 1.35, 1.0])[channel]
    hazard = rng.gamma(1.2, hazard_mean / 1.2)
    online_share = _sigmoid(
        -1.7
        + 0.9 * np.log(distance / 3.0)
        + np.array([0.3, 1.0, 0.2, -0.4, -1.2])[seg]
        + 2.5 * costly
    )
    basket = rng.lognormal(np.log(1050) + np.array([0.3, -0.15, 0.0, -0.2, 0.1])[seg], 0.35)
    basket = np.where(costly, basket * 0.5, basket)
    promo = np.where(seg == 3, 0.55, 0.16)

    acq_weights = _day_weights()[: cm.N_DAYS - 30]
    acq_day = rng.choice(cm.N_DAYS - 30, size=n, p=acq_weights / acq_weights.sum())
    acq_cost = np.array(ACQUISITION_COST)[channel] * rng.lognormal(0, 0.2, n)
    acq_cost = np.round(acq_cost, 2)
    consent = rng.random(n) < np.where(channel == 0, 0.5, 0.72)

    first_online = rng.random(n) < online_share
    acq_time = acq_day + _tod(rng, first_online) / 24

    first, last = cm.person_names(rng, n)
    id_num = np.arange(1, n + 1)
    return {
        "id": cm.ids("CL", n, 5),
        "first": first,
        "last": last,
        "phone": cm.phones(rng, n),
        "id_num": id_num,
        "seg": seg,
        "age": age,
        "birth": birth,
        "city": city,
        "distance": distance,
        "store": store,
        "occupation": occupation,
        "channel": channel,
        "rate": rate,
        "hazard": hazard,
        "costly": costly,
        "online_share": online_share,
        "basket": basket,
        "promo": promo,
        "acq_day": acq_day.astype(float),
        "acq_time": acq_time,
        "first_online": first_online,
        "acq_cost": acq_cost,
        "consent": consent,
    }


# --- purchases, the club and complaints ---------------------------------------------------


def _club_candidates(rng: np.random.Generator, c: dict[str, np.ndarray]) -> np.ndarray:
    """Day each customer would join the club (inf: never); better customers join more."""
    n = len(c["rate"])
    score = (
        -1.1
        + 1.0 * _zscore(np.log(c["rate"]))
        + 0.6 * _zscore(-np.log(c["hazard"]))
        + 0.3 * c["consent"]
        + np.array([0.3, 0.0, 0.1, 0.4, -0.2])[c["seg"]]
    )
    joins = rng.random(n) < _sigmoid(score)
    launch = _days(CLUB_LAUNCH)
    opens = np.maximum(c["acq_day"], launch)
    at_first_purchase = (c["acq_day"] >= launch) & (rng.random(n) < 0.3)
    delay = np.where(at_first_purchase, 0.0, rng.exponential(200.0, n))
    day = np.floor(opens + delay) + cm.time_of_day(rng, _STORE_HOURS, n) / 24
    day = np.where(at_first_purchase, c["acq_time"], day)
    return np.where(joins & (day < cm.N_DAYS), day, np.inf)


def _complaint_handling(
    rng: np.random.Generator, online: np.ndarray, day: np.ndarray, member: np.ndarray
) -> dict[str, np.ndarray]:
    """Channel, category, speed, outcome and satisfaction of each complaint."""
    n = len(day)
    after = day >= _days(SERVICE_CHANGE)
    ch_online = np.array([0.3, 0.3, 0.25, 0.0, 0.15])
    ch_store = np.array([0.3, 0.1, 0.1, 0.4, 0.1])
    channel = _choice_rows(rng, np.where(online[:, None], ch_online, ch_store))
    cats = list(COMPLAINT_CATEGORIES)
    cat_online = np.array([0.35, 0.25, 0.05, 0.10, 0.07, 0.12, 0.06, 0.0])
    cat_store = np.array([0.0, 0.28, 0.20, 0.16, 0.14, 0.06, 0.06, 0.10])
    probs = np.where(online[:, None], cat_online, cat_store)
    probs[:, 0] = np.where(after & online, probs[:, 0] * 2.5, probs[:, 0])
    probs[:, 6] = np.where(member, probs[:, 6], 0.0)
    category = _choice_rows(rng, probs)
    n_causes = np.array([len(COMPLAINT_CATEGORIES[k][0]) for k in cats])
    cause_u = rng.random(n) ** 1.6  # the first cause of each category is the commonest
    cause = np.minimum((cause_u * n_causes[category]).astype(int), n_causes[category] - 1)
    causes = np.full((len(cats), 3), "", dtype=object)
    for k, name in enumerate(cats):
        for i, text in enumerate(COMPLAINT_CATEGORIES[name][0]):
            causes[k, i] = text
    root_cause = causes[category, cause]
    sev_weight = np.array([COMPLAINT_CATEGORIES[k][1] for k in cats])[category]
    severity = np.digitize(sev_weight + rng.normal(0, 0.6, n), [0.55, 1.35])

    median_hours = np.array([0.3, 14.0, 0.5, 0.2, 5.0])[channel] * np.where(after, 1.3, 1.0)
    first_response = np.clip(median_hours * rng.lognormal(0, 1.0, n), 0.02, 240.0)
    resolution = np.clip(
        2.0 * np.array([1.0, 1.8, 3.0])[severity] * rng.lognormal(0, 0.8, n), 0.05, 90.0
    )
    resolution = np.maximum(resolution, first_response / 24 + 0.01)
    outcome_latent = 1.1 - 0.5 * severity - 0.25 * np.log1p(resolution) + rng.normal(0, 1, n)
    outcome = np.digitize(-outcome_latent, [0.0, 1.0])  # 0 resolved, 1 partly, 2 not
    gets = (outcome < 2) & (rng.random(n) < 0.3 + 0.15 * severity)
    compensation = np.where(
        gets, rng.choice([100.0, 200.0, 300.0, 500.0, 1000.0], n, p=[0.3, 0.3, 0.15, 0.15, 0.1]), 0
    )
    satisfaction_latent = (
        3.9
        + np.array([1.1, -0.2, -1.4])[outcome]
        - 0.7 * np.log1p(first_response)
        - 0.15 * np.log1p(resolution)
        + 0.0008 * compensation
        - 0.15 * severity
        + rng.normal(0, 0.7, n)
    )
    satisfaction = cm.ordinal(satisfaction_latent, 1, 5)
    return {
        "channel": channel,
        "category": category,
        "root_cause": root_cause,
        "severity": severity,
        "first_response": np.round(first_response, 2),
        "resolution": np.round(resolution, 2),
        "outcome": outcome,
        "compensation": compensation,
        "satisfaction": satisfaction,
    }


def _simulate(rng: np.random.Generator, c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Purchase times of every customer, with the club and complaints changing them."""
    n = N_CUSTOMERS
    cum = cm.cumulative(_day_weights())
    horizon = np.full(n, float(cm.N_DAYS))
    join = _club_candidates(rng, c)
    lift = np.full(n, 1 + CLUB_RATE_LIFT)
    calm = np.full(n, CLUB_HAZARD_MULT)
    death, owner, times = cm.piecewise_process(
        rng, cum, c["acq_day"] + 1, horizon, c["rate"], c["hazard"], [join], [lift], [calm]
    )
    online = rng.random(len(owner)) < c["online_share"][owner]
    times = np.floor(times) + _tod(rng, online) / 24
    owner = np.concatenate([np.arange(n), owner])
    times = np.concatenate([c["acq_time"], times])
    online = np.concatenate([c["first_online"], online])
    order = np.lexsort((times, owner))
    owner, times, online = owner[order], times[order], online[order]
    serial = np.arange(len(owner))

    # Complaints: one per complaining customer, about one of their purchases.
    counts = np.bincount(owner, minlength=n)
    eligible = np.bincount(owner[times < cm.N_DAYS - 5], minlength=n)
    p = 0.16 * np.where(c["costly"], 2.3, 1.0) * (0.4 + 0.6 * (1 - np.exp(-counts / 5)))
    who = np.flatnonzero((rng.random(n) < p) & (eligible > 0))
    pick = np.searchsorted(owner, who) + np.floor(rng.random(len(who)) * eligible[who]).astype(int)
    about = times[pick]
    received = about + np.minimum(rng.exponential(1.2, len(who)) + 0.02, cm.N_DAYS - 0.001 - about)
    handling = _complaint_handling(rng, online[pick], received, join[who] <= received)
    rate_mult = np.array([RECOVERY[k][0] for k in range(1, 6)])[handling["satisfaction"] - 1]
    hazard_mult = np.array([RECOVERY[k][1] for k in range(1, 6)])[handling["satisfaction"] - 1]

    # After the complaint the customer's future is drawn again with the new rates.
    restart = np.floor(received) + 1
    cut = np.full(n, np.inf)
    cut[who] = restart
    keep = times < cut[owner]
    joined = join[who] < restart
    death2, owner2, times2 = cm.piecewise_process(
        rng,
        cum,
        restart,
        horizon[who],
        c["rate"][who] * np.where(joined, 1 + CLUB_RATE_LIFT, 1.0) * rate_mult,
        c["hazard"][who] * np.where(joined, CLUB_HAZARD_MULT, 1.0) * hazard_mult,
        [np.where(joined, np.inf, join[who])],
        [lift[who]],
        [calm[who]],
    )
    death[who] = death2
    owner2 = who[owner2]
    online2 = rng.random(len(owner2)) < c["online_share"][owner2]
    times2 = np.floor(times2) + _tod(rng, online2) / 24
    owner = np.concatenate([owner[keep], owner2])
    times = np.concatenate([times[keep], times2])
    online = np.concatenate([online[keep], online2])
    serial = np.concatenate([serial[keep], np.full(len(owner2), -1)])
    order = np.lexsort((times, owner))
    owner, times, online, serial = owner[order], times[order], online[order], serial[order]
    first = np.r_[True, owner[1:] != owner[:-1]]
    position = np.full(serial.max() + 1 if len(serial) else 0, -1)
    position[serial[serial >= 0]] = np.flatnonzero(serial >= 0)
    member = np.isfinite(join) & (join < death)
    return {
        "owner": owner,
        "times": times,
        "online": online,
        "first": first,
        "death": death,
        "join": np.where(member, join, np.inf),
        "complainer": who,
        "complaint_row": position[pick],
        "received": received,
        **{f"c_{k}": v for k, v in handling.items()},
    }


# --- the tables ---------------------------------------------------------------------------


def _transactions(
    rng: np.random.Generator, c: dict[str, np.ndarray], s: dict[str, np.ndarray]
) -> pd.DataFrame:
    owner, online = s["owner"], s["online"]
    m = len(owner)
    elsewhere = rng.integers(0, len(STORES), m)
    at_home = rng.random(m) < 0.88
    store = np.where(online, len(STORES), np.where(at_home, c["store"][owner], elsewhere))
    category = _choice_rows(rng, CATEGORY_MIX[c["seg"][owner]])
    day = np.floor(s["times"]).astype(int)
    december = cm.calendar()["month"].to_numpy()[day] == 12
    gross = (
        c["basket"][owner]
        * BASKET_FACTOR[category]
        * np.where(online & ~c["costly"][owner], 1.3, 1.0)
        * np.where(december, 1.15, 1.0)
        * rng.lognormal(0, 0.55, m)
    )
    gross = cm.money(np.maximum(gross, 35.0))
    items = 1 + rng.poisson(gross / 170)
    promo = rng.random(m) < c["promo"][owner]
    discount = cm.money(np.where(promo, gross * rng.uniform(0.05, 0.2, m), 0.0))
    margin = cm.money(gross * MARGIN_RATE[category] * rng.uniform(0.85, 1.15, m) - discount)
    delivery = np.minimum(70 + 5.5 * c["distance"][owner], 260) * rng.uniform(0.9, 1.1, m)
    delivery = cm.money(np.where(online, delivery, 0.0))
    p_return = np.where(online, 0.015, 0.006) * np.where(c["costly"][owner], 10.0, 1.0)
    returned = rng.random(m) < p_return
    order = np.argsort(s["times"], kind="stable")
    tx_id = np.empty(m, dtype=object)
    tx_id[order] = cm.ids("T", m, 7)
    frame = pd.DataFrame(
        {
            "transaction_id": tx_id,
            "customer_id": c["id"][owner],
            "timestamp": cm.to_times(s["times"]),
            "channel": np.array(CHANNELS)[online.astype(int)],
            "store": np.array([*STORES, ONLINE_STORE])[store],
            "category": np.array(CATEGORIES)[category],
            "items": items,
            "gross": gross,
            "discount": discount,
            "margin": margin,
            "delivery_cost": delivery,
            "returned": returned,
        }
    )
    return frame


def _loyalty(
    rng: np.random.Generator,
    c: dict[str, np.ndarray],
    s: dict[str, np.ndarray],
    tx: pd.DataFrame,
) -> pd.DataFrame:
    """Enrolments, points earned on each purchase after joining, and rewards redeemed."""
    join = s["join"]
    members = np.flatnonzero(np.isfinite(join))
    owner = s["owner"]
    earns = np.isfinite(join[owner]) & (s["times"] >= join[owner])
    spend = (tx["gross"] - tx["discount"]).to_numpy()
    points = np.floor(spend * POINTS_PER_PESO).astype(int)
    earns &= points > 0
    e_owner, e_points, e_time = owner[earns], points[earns], s["times"][earns]
    e_tx = tx["transaction_id"].to_numpy()[earns]

    # Cumulative points per member (welcome points included); a reward at each 200.
    start = np.r_[True, e_owner[1:] != e_owner[:-1]] if len(e_owner) else np.array([], bool)
    total = np.cumsum(e_points)
    offset = np.maximum.accumulate(np.where(start, total - e_points, 0))
    cum = total - offset + WELCOME_POINTS
    before = cum - e_points
    rewards = cum // POINTS_PER_REWARD - before // POINTS_PER_REWARD
    redeemer = rng.random(len(c["rate"])) < 0.75
    redeems = (rewards > 0) & redeemer[e_owner]
    kind = rng.choice(len(REWARDS), size=int(redeems.sum()), p=[0.7, 0.18, 0.12])
    r_owner = e_owner[redeems]
    kind = np.where((kind == 1) & (c["online_share"][r_owner] < 0.2), 0, kind)
    n_rew = rewards[redeems]

    frames = [
        pd.DataFrame(
            {
                "customer_id": c["id"][members],
                "time": join[members],
                "order": 0,
                "event": LOYALTY_EVENTS[0],
                "points": WELCOME_POINTS,
                "transaction_id": None,
                "reward": None,
                "reward_cost": 0.0,
            }
        ),
        pd.DataFrame(
            {
                "customer_id": c["id"][e_owner],
                "time": e_time,
                "order": 1,
                "event": LOYALTY_EVENTS[1],
                "points": e_points,
                "transaction_id": e_tx,
                "reward": None,
                "reward_cost": 0.0,
            }
        ),
        pd.DataFrame(
            {
                "customer_id": c["id"][r_owner],
                "time": e_time[redeems],
                "order": 2,
                "event": LOYALTY_EVENTS[2],
                "points": -POINTS_PER_REWARD * n_rew,
                "transaction_id": e_tx[redeems],
                "reward": np.array(REWARDS)[kind],
                "reward_cost": cm.money(REWARD_COST[kind] * n_rew),
            }
        ),
    ]
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values(["time", "order"], kind="stable").reset_index(drop=True)
    events.insert(0, "event_id", cm.ids("L", len(events), 7))
    events["timestamp"] = cm.to_times(events["time"].to_numpy())
    return events[
        [
            "event_id",
            "customer_id",
            "timestamp",
            "event",
            "points",
            "transaction_id",
            "reward",
            "reward_cost",
        ]
    ]


def _complaints(
    c: dict[str, np.ndarray], s: dict[str, np.ndarray], tx: pd.DataFrame
) -> pd.DataFrame:
    who, received = s["complainer"], s["received"]
    # Purchases within 90 days after the complaint, from the final transactions.
    key = s["owner"] * 10_000.0 + s["times"]
    low = np.searchsorted(key, who * 10_000.0 + received, side="right")
    high = np.searchsorted(key, who * 10_000.0 + received + 90, side="right")
    bought = pd.array(high > low, dtype="boolean")
    bought[received + 90 > cm.N_DAYS] = pd.NA
    frame = pd.DataFrame(
        {
            "customer_id": c["id"][who],
            "transaction_id": tx["transaction_id"].to_numpy()[s["complaint_row"]],
            "received": cm.to_times(received),
            "channel": np.array(COMPLAINT_CHANNELS)[s["c_channel"]],
            "category": np.array(list(COMPLAINT_CATEGORIES))[s["c_category"]],
            "root_cause": s["c_root_cause"].astype(str),
            "severity": np.array(SEVERITIES)[s["c_severity"]],
            "first_response_hours": s["c_first_response"],
            "resolution_days": s["c_resolution"],
            "outcome": np.array(OUTCOMES)[s["c_outcome"]],
            "compensation": s["c_compensation"],
            "satisfaction_after": s["c_satisfaction"],
            "purchased_within_90d": bought,
        }
    )
    frame = frame.sort_values("received", kind="stable").reset_index(drop=True)
    frame.insert(0, "complaint_id", cm.ids("CP", len(frame), 5))
    return frame


#: Contact channel mix of each reason (phone, e-mail, chat, store), rows follow CONTACT_REASONS.
_REASON_CHANNELS = np.array(
    [
        [0.50, 0.10, 0.20, 0.20],
        [0.60, 0.05, 0.20, 0.15],
        [0.45, 0.15, 0.20, 0.20],
        [0.40, 0.30, 0.30, 0.00],
        [0.45, 0.20, 0.35, 0.00],
        [0.40, 0.10, 0.10, 0.40],
        [0.50, 0.25, 0.25, 0.00],
        [0.50, 0.20, 0.30, 0.00],
        [0.35, 0.15, 0.10, 0.40],
        [0.40, 0.20, 0.15, 0.25],
        [0.40, 0.10, 0.20, 0.30],
    ]
)
#: Handle-time factor and first-contact-resolution log-odds of each reason.
_REASON_HANDLE = np.array([0.8, 0.6, 0.8, 1.1, 0.9, 1.0, 1.2, 1.25, 1.35, 1.2, 1.0])
_REASON_FCR = np.array([2.2, 2.8, 2.4, 1.2, 1.6, 1.0, 0.5, 0.2, 0.6, 0.4, 1.2])
#: Median handle time (s) and mean handle time used for staffing, by contact channel.
_MEDIAN_HANDLE = np.array([330.0, 240.0, 420.0, 180.0])
_HANDLE_SPREAD = 0.45
#: The weak agent planted for the agent-performance analysis.
WEAK_AGENT = "CC07"


def _queue_waits(
    rng: np.random.Generator,
    time: np.ndarray,
    weekday: np.ndarray,
    staff_weekday: np.ndarray,
    staff_weekend: np.ndarray,
    mean_handle: float,
) -> np.ndarray:
    """Seconds in queue of calls arriving at ``time`` (days), by Erlang C per hour."""
    slot = np.floor(time * 24).astype(int)
    counts = np.bincount(slot, minlength=slot.max() + 1 if len(slot) else 0)[slot]
    hour = slot % 24
    agents = np.where(weekday >= 5, staff_weekend[hour], staff_weekday[hour])
    load = np.minimum(counts * mean_handle / 3600, 0.95 * agents)
    waits_prob = service.erlang_c(agents, load)
    waits = rng.random(len(time)) < waits_prob
    return np.where(waits, rng.exponential(mean_handle / (agents - load)), 0.0).round()


def _contacts(
    rng: np.random.Generator,
    c: dict[str, np.ndarray],
    s: dict[str, np.ndarray],
    tx: pd.DataFrame,
) -> pd.DataFrame:
    reasons = list(CONTACT_REASONS)
    crm, change = _days(CRM_START), _days(SERVICE_CHANGE)
    owner, times, online = s["owner"], s["times"], s["online"]
    recent = times >= crm - 5
    u = rng.random(len(owner))
    v = rng.random(len(owner))
    p_late = np.where(times >= change, 0.09, 0.025)
    triggers = (
        ("order status", online & (u < 0.04), 0.3),
        ("late or missing delivery", online & (u >= 0.04) & (u < 0.04 + p_late), 1.0),
        ("return or refund", tx["returned"].to_numpy() & (v < 0.65), 2.0),
        ("billing or price query", ~online & (v < 0.004), 0.5),
        ("payment problem", online & (v < 0.006), 0.2),
    )
    who, when, why = [], [], []
    for reason, mask, delay in triggers:
        mask = mask & recent
        who.append(owner[mask])
        when.append(times[mask] + rng.exponential(delay, int(mask.sum())))
        why.append(np.full(int(mask.sum()), reasons.index(reason)))
    cal = cm.calendar()
    weekday_all = cal["weekday"].to_numpy()
    day_weight = _CONTACT_WEEKDAY[weekday_all] * _MONTH[cal["month"].to_numpy() - 1]
    cum = cm.cumulative(day_weight / day_weight.mean())

    # Spontaneous questions and problems from customers while they are active.
    lo = np.maximum(c["acq_day"], crm)
    hi = np.minimum(s["death"], cm.N_DAYS)
    hi = np.maximum(hi, lo)
    kappa = 0.0032 * np.where(c["costly"], 6.0, 1.0)
    counts = rng.poisson(kappa * cm.weighted_span(cum, lo, hi))
    o, t = cm.sample_times(rng, cum, lo, hi, counts)
    base = np.array([0.30, 0.18, 0.20, 0.10, 0.0, 0.0, 0.0, 0.0, 0.0, 0.12, 0.10])
    probs = np.tile(base, (len(o), 1))
    probs[:, 3] *= 0.5 + 2 * c["online_share"][o]
    probs[:, 10] = np.where(t >= s["join"][o], probs[:, 10], 0.0)
    who.append(o)
    when.append(t)
    why.append(_choice_rows(rng, probs))

    # Callers who are not (yet) customers ask before they buy.
    total = rng.poisson(45.0 * (cm.N_DAYS - crm))
    o, t = cm.sample_times(
        rng, cum, np.array([crm]), np.array([float(cm.N_DAYS)]), np.array([total])
    )
    who.append(np.full(total, -1))
    when.append(t)
    why.append(rng.choice(3, size=total, p=[0.45, 0.35, 0.2]))

    who_a = np.concatenate(who)
    when_a = np.concatenate(when)
    why_a = np.concatenate(why)
    day = np.floor(when_a).astype(int)
    # A problem noticed on Sunday is often reported on Monday.
    sunday = (day < cm.N_DAYS) & (weekday_all[np.minimum(day, cm.N_DAYS - 1)] == 6)
    day = np.where(sunday & (rng.random(len(day)) < 0.5), day + 1, day)
    keep = (day >= crm) & (day < cm.N_DAYS)
    who_a, why_a, day = who_a[keep], why_a[keep], day[keep]
    k = len(day)
    channel = _choice_rows(rng, _REASON_CHANNELS[why_a])
    hours = np.select(
        [channel == 1, channel == 3],
        [cm.time_of_day(rng, _EMAIL_HOURS, k), cm.time_of_day(rng, _STORE_HOURS, k)],
        cm.time_of_day(rng, _PHONE_HOURS, k),
    )
    time = day + hours / 24
    weekday = weekday_all[day]

    skill = rng.normal(0, 0.3, len(PHONE_AGENTS) + len(STORE_AGENTS))
    skill[PHONE_AGENTS.index(WEAK_AGENT)] = -1.1
    desk_store = np.where(who_a >= 0, c["store"][np.maximum(who_a, 0)], rng.integers(0, 5, k))
    agent = np.where(
        channel == 3,
        len(PHONE_AGENTS) + 2 * desk_store + rng.integers(0, 2, k),
        rng.integers(0, len(PHONE_AGENTS), k),
    )
    slow = np.where(agent == PHONE_AGENTS.index(WEAK_AGENT), 1.25, 1.0)
    handle = (
        _MEDIAN_HANDLE[channel] * _REASON_HANDLE[why_a] * slow * rng.lognormal(0, _HANDLE_SPREAD, k)
    ).round()
    mean_handle = _MEDIAN_HANDLE * np.exp(_HANDLE_SPREAD**2 / 2)
    wait = np.zeros(k)
    phone, chat = channel == 0, channel == 2
    wait[phone] = _queue_waits(
        rng, time[phone], weekday[phone], PHONE_STAFF_WEEKDAY, PHONE_STAFF_WEEKEND, mean_handle[0]
    )
    wait[chat] = _queue_waits(
        rng, time[chat], weekday[chat], _CHAT_STAFF, _CHAT_STAFF, mean_handle[2]
    )
    email = channel == 1
    wait[email] = np.minimum(4 * 3600 * rng.lognormal(0, 0.9, int(email.sum())), 72 * 3600).round()
    desk = channel == 3
    wait[desk] = (150 * rng.lognormal(0, 0.7, int(desk.sum()))).round()
    costly = np.where(who_a >= 0, c["costly"][np.maximum(who_a, 0)], False)
    fcr = rng.random(k) < _sigmoid(_REASON_FCR[why_a] + skill[agent] - 0.6 * costly)

    phases = np.array([CONTACT_REASONS[r] for r in reasons])
    frame = pd.DataFrame(
        {
            "customer_id": np.where(who_a >= 0, c["id"][np.maximum(who_a, 0)], None),
            "timestamp": cm.to_times(time),
            "channel": np.array(CONTACT_CHANNELS)[channel],
            "phase": phases[why_a],
            "reason": np.array(reasons)[why_a],
            "wait_seconds": wait.astype(int),
            "handle_seconds": handle.astype(int),
            "resolved_first_contact": fcr,
            "agent_id": np.array(PHONE_AGENTS + STORE_AGENTS)[agent],
        }
    )
    frame = frame.sort_values("timestamp", kind="stable").reset_index(drop=True)
    frame.insert(0, "contact_id", cm.ids("SC", len(frame), 6))
    return frame


def _abandon(rng: np.random.Generator, contacts: pd.DataFrame) -> pd.DataFrame:
    """Mark queued calls and chats whose wait outlasts the customer's patience.

    ``wait_seconds`` holds the wait each contact would have had (the Erlang C queue of
    :func:`_queue_waits`, which does not thin out as customers hang up). A customer whose
    patience is shorter hangs up when it runs out: the wait becomes the patience (at least
    one second), nobody handles the contact and it is not resolved. The draws come after
    every other table's, so abandonment changes no other table.
    """
    out = contacts.copy()
    abandoned = np.zeros(len(out), dtype=bool)
    for channel, mean in MEAN_PATIENCE.items():
        rows = np.flatnonzero(out["channel"].to_numpy() == channel)
        patience = np.maximum(np.ceil(rng.exponential(mean, len(rows))), 1.0)
        wait = out["wait_seconds"].to_numpy()[rows]
        gone = wait > patience
        abandoned[rows[gone]] = True
        out.loc[rows[gone], "wait_seconds"] = patience[gone].astype(int)
    out.loc[abandoned, "handle_seconds"] = 0
    out.loc[abandoned, "resolved_first_contact"] = False
    out["agent_id"] = out["agent_id"].where(~abandoned, None)
    out.insert(out.columns.get_loc("wait_seconds") + 1, "abandoned", abandoned)
    return out


#: Mean expectation, Cedar Lane perception and competitor perception by dimension (1-7).
_EXPECTATION = np.array([5.5, 6.4, 6.0, 6.1, 5.6])
_PERCEPTION = np.array([5.6, 5.7, 5.0, 5.6, 4.9])
_COMPETITOR = np.array([5.3, 5.5, 5.3, 5.4, 5.0])
#: Importance points (out of 100) a typical respondent gives each dimension.
_IMPORTANCE = np.array([11.0, 32.0, 22.0, 19.0, 16.0])
#: Wave-2 fall of each reliability item's perception (mean: RELIABILITY_DROP).
_RELIABILITY_ITEM_DROP = {"REL1": 1.1, "REL2": 0.8, "REL3": 0.5, "REL4": 0.5, "REL5": 0.6}


def _surveys(
    rng: np.random.Generator,
    c: dict[str, np.ndarray],
    s: dict[str, np.ndarray],
    complaints: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    respondents, answers = [], []
    owner, times = s["owner"], s["times"]
    unhappy = np.zeros(len(c["rate"]), dtype=bool)
    poorly = complaints["satisfaction_after"].to_numpy() <= 2
    unhappy[np.searchsorted(c["id"], complaints["customer_id"].to_numpy()[poorly])] = True
    item_ids = np.array([i[0] for i in SURVEY_ITEMS])
    item_dim = np.array([DIMENSIONS.index(i[1]) for i in SURVEY_ITEMS])
    item_text = np.array([i[2] for i in SURVEY_ITEMS])
    item_shift = rng.normal(0, 0.15, len(SURVEY_ITEMS))
    for wave, (first, last) in WAVES.items():
        opens = _days(first)
        recent = owner[(times >= opens - 90) & (times < opens)]
        pool = np.unique(recent)
        pool = pool[s["death"][pool] > opens]
        who = np.sort(rng.choice(pool, size=RESPONDENTS_PER_WAVE, replace=False))
        n = len(who)
        completed = cm.to_dates(opens + rng.integers(0, (last - first).days + 1, n))
        lenient = rng.normal(0, 0.55, n)
        experience = (
            0.25 * np.isfinite(s["join"][who]) - 0.5 * unhappy[who] - 0.4 * c["costly"][who]
        )
        share = rng.dirichlet(_IMPORTANCE * 0.6, size=n)
        importance = cm.largest_remainder(share, 100)

        rows = np.repeat(np.arange(n), len(SURVEY_ITEMS))
        item = np.tile(np.arange(len(SURVEY_ITEMS)), n)
        dim = item_dim[item]
        drop = np.array([_RELIABILITY_ITEM_DROP.get(i, 0.0) for i in item_ids])[item]
        drop = drop * (wave == 2)
        m = len(rows)
        expectation = cm.ordinal(
            _EXPECTATION[dim] + item_shift[item] + 0.4 * lenient[rows] + rng.normal(0, 0.6, m), 1, 7
        )
        perception_latent = (
            _PERCEPTION[dim]
            + item_shift[item]
            + 0.6 * lenient[rows]
            + experience[rows]
            - drop
            + rng.normal(0, 0.75, m)
        )
        perception = cm.ordinal(perception_latent, 1, 7)
        competitor = cm.ordinal(
            _COMPETITOR[dim] + item_shift[item] + 0.5 * lenient[rows] + rng.normal(0, 0.8, m), 1, 7
        )
        ids = np.char.add(f"R{wave}-", np.char.zfill(np.arange(1, n + 1).astype(str), 4))
        answers.append(
            pd.DataFrame(
                {
                    "respondent_id": ids[rows],
                    "wave": wave,
                    "item_id": item_ids[item],
                    "dimension": np.array(DIMENSIONS)[dim],
                    "statement": item_text[item],
                    "importance": importance[rows, dim],
                    "expectation": expectation,
                    "perception": perception,
                    "competitor": competitor,
                }
            )
        )
        # Overall measures follow the respondent's (unrounded) perceptions.
        mean_p = np.bincount(rows, weights=perception_latent) / len(SURVEY_ITEMS)
        resp_dim = np.bincount(
            rows[dim == 2], weights=perception_latent[dim == 2], minlength=n
        ) / np.sum(item_dim == 2)
        csat = cm.ordinal(1 + (mean_p - 1) * 4 / 6 + 0.35 + rng.normal(0, 0.55, n), 1, 5)
        recommend = cm.ordinal(7.6 + 1.7 * (mean_p - 5.3) + rng.normal(0, 1.3, n), 0, 10)
        effort = cm.ordinal(5.0 + 0.8 * (resp_dim - 5.0) + rng.normal(0, 1.0, n), 1, 7)
        respondents.append(
            pd.DataFrame(
                {
                    "respondent_id": ids,
                    "wave": wave,
                    "customer_id": c["id"][who],
                    "completed": completed,
                    "csat": csat,
                    "likelihood_to_recommend": recommend,
                    "effort": effort,
                    "competitor_name": COMPETITOR,
                }
            )
        )
    return pd.concat(respondents, ignore_index=True), pd.concat(answers, ignore_index=True)


def _customer_table(c: dict[str, np.ndarray], s: dict[str, np.ndarray]) -> pd.DataFrame:
    age_end = c["age"]
    band = np.digitize(age_end, [25, 35, 45, 55, 65])
    join = s["join"]
    since = pd.Series(cm.to_dates(np.where(np.isfinite(join), join, 0)))
    since[~np.isfinite(join)] = pd.NaT
    name = np.char.add(np.char.add(c["first"], " "), c["last"])
    return pd.DataFrame(
        {
            "customer_id": c["id"],
            "name": name,
            "birth_date": c["birth"],
            "email": cm.emails(c["first"], c["last"], c["id_num"], "example.com"),
            "phone": c["phone"],
            "city": np.array([x[0] for x in CITIES])[c["city"]],
            "region": np.array([x[1] for x in CITIES])[c["city"]],
            "distance_km": c["distance"],
            "age_band": np.array(AGE_BANDS)[band],
            "occupation": np.array(OCCUPATIONS)[c["occupation"]],
            "lifestyle_segment": np.array(SEGMENTS)[c["seg"]],
            "home_store": np.array(STORES)[c["store"]],
            "acquisition_date": cm.to_dates(c["acq_day"]),
            "acquisition_channel": np.array(ACQUISITION_CHANNELS)[c["channel"]],
            "acquisition_cost": c["acq_cost"],
            "marketing_consent": c["consent"],
            "club_member_since": since.to_numpy(),
        }
    )


def build(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Generate Cedar Lane Market's tables.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness (the same state gives the same tables).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``cedar_customers``, ``cedar_transactions``, ``cedar_loyalty_events``,
        ``cedar_complaints``, ``cedar_service_contacts``, ``cedar_survey_respondents`` and
        ``cedar_surveys``, with the columns of :mod:`casekit.catalog`.
    """
    c = _customers(rng)
    s = _simulate(rng, c)
    tx = _transactions(rng, c, s)
    loyalty = _loyalty(rng, c, s, tx)
    complaints = _complaints(c, s, tx)
    contacts = _contacts(rng, c, s, tx)
    respondents, answers = _surveys(rng, c, s, complaints)
    contacts = _abandon(rng, contacts)
    return {
        "cedar_customers": _customer_table(c, s),
        "cedar_transactions": tx.sort_values("transaction_id").reset_index(drop=True),
        "cedar_loyalty_events": loyalty,
        "cedar_complaints": complaints,
        "cedar_service_contacts": contacts,
        "cedar_survey_respondents": respondents,
        "cedar_surveys": answers,
    }

"""The three phases of customer service and the practices that belong to each.

Customer service happens before, during and after the sale. La Londe and Zinszer's
framework (1976, *Customer Service: Meaning and Measurement*, National Council of Physical
Distribution Management) groups its elements into three phases:

* **pre-transaction** — policy and set-up that shape the sale before it happens:
  information, access, written service policies, how reachable the firm is;
* **transaction** — what happens while the customer buys and receives: ordering,
  availability, payment, delivery, the service encounter itself;
* **post-transaction** — support after the sale: repairs and alterations, help lines,
  complaints, returns, warranties, follow-up.

The practices listed here are the retail service practices and everyday service examples
of the course's source notes on customer-driven marketing (source 001), each placed in the
phase where it mainly acts, with the reason. Some practices touch two phases; the
``why`` column says which aspect decides.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["PHASES", "phase_of", "service_elements", "service_practices"]

#: The three phases, in the order a customer meets them.
PHASES = ("pre-transaction", "transaction", "post-transaction")

_PRACTICES: tuple[tuple[str, str, str, str], ...] = (
    # practice, phase, source list, why
    (
        "General information",
        "pre-transaction",
        "service examples",
        "answers questions before the customer decides to buy",
    ),
    (
        "Reservations",
        "pre-transaction",
        "retail practices",
        "secures the customer's slot or item before the purchase takes place",
    ),
    (
        "Free parking and valet parking",
        "pre-transaction",
        "retail practices",
        "makes the store easy to reach; it shapes the visit before any buying",
    ),
    (
        "Automated in-home ordering system",
        "transaction",
        "retail practices",
        "the order itself is placed through it",
    ),
    (
        "Drive-through",
        "transaction",
        "retail practices",
        "a faster way to order, pay and receive",
    ),
    (
        "Free gift wrapping / plastic book jacket",
        "transaction",
        "retail practices",
        "added to the goods as they are handed over",
    ),
    (
        "Complimentary refreshments / waiting lounge",
        "transaction",
        "retail practices",
        "comfort while the customer is being served",
    ),
    (
        "Complimentary massage",
        "transaction",
        "retail practices",
        "part of the service encounter itself",
    ),
    (
        "Installment plans",
        "transaction",
        "retail practices",
        "a payment option agreed at the moment of sale",
    ),
    (
        "Free delivery",
        "transaction",
        "retail practices",
        "completes the order: the goods reach the customer",
    ),
    (
        "Paying bills",
        "post-transaction",
        "service examples",
        "settling an account for goods or services already received",
    ),
    (
        "Merchandise or document pick-up",
        "post-transaction",
        "retail practices",
        "collecting items from the customer for repair, return or processing after the sale",
    ),
    (
        "Free alteration",
        "post-transaction",
        "retail practices",
        "adjusts the product after it has been bought",
    ),
    (
        "Help desks / 24-hour customer hotline",
        "post-transaction",
        "retail practices",
        "support for customers who already own the product",
    ),
    (
        "Ask for maintenance",
        "post-transaction",
        "service examples",
        "keeps the product working after the sale",
    ),
    (
        "Inquiries and complaints",
        "post-transaction",
        "service examples",
        "handles problems with what was bought",
    ),
    (
        "Help resolve problems",
        "post-transaction",
        "service examples",
        "after-sales support when something goes wrong",
    ),
)


#: The classic customer service elements of La Londe and Zinszer (1976), by phase.
_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("Written customer service policy", "pre-transaction"),
    ("Policy statement given to customers", "pre-transaction"),
    ("Organisation structure for service", "pre-transaction"),
    ("System flexibility", "pre-transaction"),
    ("Management services (advice, training for customers)", "pre-transaction"),
    ("Stock-out level", "transaction"),
    ("Ability to back-order", "transaction"),
    ("Order information", "transaction"),
    ("Order cycle time", "transaction"),
    ("Expedited shipments", "transaction"),
    ("Transshipment between locations", "transaction"),
    ("System accuracy", "transaction"),
    ("Order convenience", "transaction"),
    ("Product substitution", "transaction"),
    ("Installation, warranty, alterations, repairs and parts", "post-transaction"),
    ("Product tracing", "post-transaction"),
    ("Customer claims, complaints and returns", "post-transaction"),
    ("Temporary replacement of products", "post-transaction"),
)


def service_elements() -> pd.DataFrame:
    """Return La Londe and Zinszer's customer service elements with their phase.

    Returns
    -------
    pandas.DataFrame
        Columns ``element`` and ``phase`` (ordered categorical over :data:`PHASES`).
    """
    frame = pd.DataFrame(_ELEMENTS, columns=["element", "phase"])
    frame["phase"] = pd.Categorical(frame["phase"], categories=PHASES, ordered=True)
    return frame


def service_practices() -> pd.DataFrame:
    """Return the service practices with their phase and the reason for it.

    Returns
    -------
    pandas.DataFrame
        Columns ``practice``, ``phase`` (ordered categorical over :data:`PHASES`),
        ``source`` (which list of source 001 it comes from) and ``why``.
    """
    frame = pd.DataFrame(_PRACTICES, columns=["practice", "phase", "source", "why"])
    frame["phase"] = pd.Categorical(frame["phase"], categories=PHASES, ordered=True)
    return frame


def phase_of(practice: str) -> str:
    """Return the phase of a practice or element listed in this module (case-insensitive).

    Parameters
    ----------
    practice : str
        A name from :func:`service_practices` or :func:`service_elements`.

    Raises
    ------
    ValueError
        If ``practice`` is in neither list; the message lists the known names.
    """
    if not isinstance(practice, str):
        raise TypeError(f"practice must be a str, got {type(practice).__name__}")
    wanted = " ".join(practice.split()).casefold()
    known = [(name, phase) for name, phase, *_ in _PRACTICES + _ELEMENTS]
    for name, phase in known:
        if name.casefold() == wanted:
            return phase
    names = ", ".join(name for name, _ in known)
    raise ValueError(f"practice {practice!r} is not in the lists; known names: {names}")

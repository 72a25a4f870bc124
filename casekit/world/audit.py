"""The internal service audit of November 2024: policies and practices as scored items.

An internal audit lists what a company promises and does before, during and after a
sale, scores how well each practice is in place, and notes the evidence. The items here
follow the three phases of customer service (pre-transaction, transaction and
post-transaction elements; source 002) and the practices the course's notes list, such as
free delivery, help desks and hotlines, complaint handling and feedback forms (seeds 001
and 004). The evidence notes point at what the other tables show, so a student can
check an auditor's score against the data.

Scores: 0 = not in place, 1 = ad hoc, 2 = partly in place, 3 = mostly in place,
4 = fully in place and monitored. Weights: 1 = useful, 2 = important, 3 = critical.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COMPANIES = ("Cedar Lane Market", "Kestrel Supply")
PHASES = ("pre-transaction", "transaction", "post-transaction")
AUDIT_DATE = pd.Timestamp("2024-11-29")

# (company, phase, area, practice, standard, score, weight, evidence, owner)
_ITEMS = (
    ("C", 0, "service policy",
     "A written customer service policy is published in stores and online.",
     "Policy reviewed yearly and visible at every store and on the website.", 3, 2,
     "Policy on the website and at service desks; last revision March 2023.",
     "customer service manager"),
    ("C", 0, "service standards", "Service standards are measurable and known to staff.",
     "Each standard has a target, a measure and an owner.", 2, 3,
     "Targets exist for phone answering and complaint response; none for delivery slots.",
     "operations director"),
    ("C", 0, "accessibility", "Customers can reach the company easily before they buy.",
     "Hotline and chat open 08:00-20:00 every day; store hours posted.", 3, 2,
     "Hours met; but see the phone answer-speed item.", "contact centre lead"),
    ("C", 0, "customer data", "Customer data are collected with consent and kept accurate.",
     "Consent recorded for every marketing contact; address errors under 1%.", 2, 2,
     "Consent field complete; some delivery complaints trace to wrong address data.",
     "CRM analyst"),
    ("C", 0, "loyalty programme", "Shopper's Club terms and rewards are clear.",
     "Terms on one page; points balance visible on every receipt.", 3, 1,
     "Terms clear; a few complaints about points missing when the card is not scanned.",
     "marketing manager"),
    ("C", 0, "staff training", "Front-line staff are trained in products and complaint handling.",
     "Every new hire trained within 30 days; refresher yearly.", 2, 3,
     "Store staff trained; two contact-centre agents hired in 2024 not yet trained.",
     "HR manager"),
    ("C", 1, "stock availability", "Advertised items are in stock.",
     "Out-of-stock rate on promoted items under 3%.", 2, 3,
     "Out-of-stock complaints are the second most common store complaint.", "category manager"),
    ("C", 1, "pricing accuracy", "Shelf price equals till price.",
     "Weekly label audit; price errors under 0.5% of checks.", 2, 2,
     "Wrong-price complaints concentrated after promotion set-up changes.", "store managers"),
    ("C", 1, "phone answer speed", "Calls to the hotline are answered quickly.",
     "80% of calls answered within 60 seconds in every hour.", 1, 3,
     "Staffing is flat through the day; waits are long on Monday mornings and 18:00-20:00.",
     "contact centre lead"),
    ("C", 1, "order status information", "Online customers can see where their order is.",
     "Tracking link sent with every dispatch.", 3, 2,
     "Tracking link sent; order-status calls remain steady.", "e-commerce manager"),
    ("C", 1, "delivery reliability", "Online orders arrive in the promised slot.",
     "95% of deliveries in the promised two-hour slot.", 1, 3,
     "Late or missing delivery contacts rose about fourfold after the courier change of "
     "April 2024; survey wave 2 reliability scores fell.", "e-commerce manager"),
    ("C", 1, "free delivery", "Free delivery is offered on online orders.",
     "Delivery cost covered by the basket margin.", 2, 2,
     "Small online baskets do not cover picking and courier costs.", "finance manager"),
    ("C", 1, "payment", "Payment options work in store and online.",
     "Payment failures under 0.5% of online orders.", 3, 2,
     "Few payment-problem contacts.", "IT manager"),
    ("C", 2, "complaint handling", "Complaints get a quick first response.",
     "First response within 4 hours (phone, store, chat) and 24 hours (e-mail, social media).",
     2, 3, "Phone and store complaints answered fast; e-mail complaints often wait a day.",
     "customer service manager"),
    ("C", 2, "complaint resolution", "Complaints are resolved consistently and fairly.",
     "80% resolved; compensation follows a written guideline.", 2, 3,
     "About six in ten resolved; compensation decided case by case.",
     "customer service manager"),
    ("C", 2, "complaint analysis", "Complaints are analysed for root causes every month.",
     "Monthly Pareto of categories and causes reviewed by management.", 1, 2,
     "Complaints are logged but root causes are not reviewed.", "quality manager"),
    ("C", 2, "returns and refunds", "Returns are easy and refunds quick.",
     "Refund within 5 working days.", 2, 2,
     "Refund-delay complaints cite manual approval.", "finance manager"),
    ("C", 2, "first-contact resolution", "Questions are solved in the first contact.",
     "First-contact resolution of 80% or more, reviewed by agent.", 2, 2,
     "Overall rate acceptable; one agent well below the others.", "contact centre lead"),
    ("C", 2, "customer feedback", "Customers are asked for feedback regularly.",
     "Yearly service-quality survey; feedback forms at every desk.", 4, 2,
     "SERVQUAL survey in October 2023 and October 2024; forms at all desks.",
     "CRM analyst"),
    ("C", 2, "mystery shopping", "Service is checked by mystery shoppers.",
     "Each store visited quarterly.", 0, 1, "No mystery shopping since 2022.",
     "operations director"),
    ("C", 2, "benchmarking", "Service is compared with competitors.",
     "Competitor ratings collected in the yearly survey.", 3, 1,
     "Survey asks for ratings of Pinewood Mart.", "marketing manager"),
    ("K", 0, "account management", "Each account has a named account manager.",
     "Every active account assigned; quarterly review meeting.", 4, 2,
     "All accounts assigned to one of eight managers.", "sales director"),
    ("K", 0, "contracts", "Contract terms state lead times and fill-rate promises.",
     "Promised delivery within 4 days of order in every contract.", 3, 2,
     "Four-day promise in the standard contract.", "sales director"),
    ("K", 0, "demand forecasting", "Demand is forecast to keep stock available.",
     "Monthly forecast per product group and warehouse.", 2, 3,
     "Forecasts exist, but not per warehouse before 2023.", "supply planner"),
    ("K", 1, "order fill rate", "Orders are shipped complete.",
     "Line fill rate of 98% at every warehouse.", 3, 3,
     "Calamba ran well below target until the warehouse system and second shift of July "
     "2023; now near target.", "logistics manager"),
    ("K", 1, "on-time delivery", "Orders arrive by the promised date.",
     "90% delivered by the promised date.", 3, 3,
     "On target since mid-2023; Calamba was late on more than four orders in ten before.",
     "logistics manager"),
    ("K", 1, "order accuracy", "The right items and documents are delivered.",
     "Order accuracy of 97% or more.", 3, 2,
     "Near target; wrong items are the main reason for returns.", "warehouse supervisors"),
    ("K", 1, "order cycle time", "Orders are picked and shipped quickly.",
     "Shipped within 2 days of order.", 3, 2, "Met at all warehouses since July 2023.",
     "logistics manager"),
    ("K", 2, "returns", "Returns are collected and credited promptly.",
     "Credit issued within 7 days of the goods coming back.", 2, 2,
     "Credits issued, but received dates are not always recorded.", "finance manager"),
    ("K", 2, "account retention", "Lost accounts are reviewed for causes.",
     "Exit call to every account that ends its contract.", 1, 3,
     "No exit calls; more accounts served from Calamba ended their contracts.",
     "sales director"),
    ("K", 2, "technical support", "Customers get product and technical advice after sale.",
     "Advice line answered the same working day.", 3, 1, "Advice line staffed in office hours.",
     "product specialist"),
)  # fmt: skip


def build(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Return the ``audit_checklist`` table (``rng`` sets the review dates).

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness (only the dates each item was last reviewed vary).
    """
    n = len(_ITEMS)
    company = np.array([COMPANIES[0] if i[0] == "C" else COMPANIES[1] for i in _ITEMS])
    reviewed = AUDIT_DATE - pd.to_timedelta(rng.integers(0, 20, n), unit="D")
    frame = pd.DataFrame(
        {
            "item_id": [f"AU{i:02d}" for i in range(1, n + 1)],
            "company": company,
            "phase": [PHASES[i[1]] for i in _ITEMS],
            "area": [i[2] for i in _ITEMS],
            "practice": [i[3] for i in _ITEMS],
            "standard": [i[4] for i in _ITEMS],
            "score": [i[5] for i in _ITEMS],
            "weight": [i[6] for i in _ITEMS],
            "evidence": [i[7] for i in _ITEMS],
            "owner": [i[8] for i in _ITEMS],
            "last_reviewed": reviewed.to_numpy(),
        }
    )
    return {"audit_checklist": frame}

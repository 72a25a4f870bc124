"""The course's data catalogue: what every table holds, one column at a time.

This module is the single source of the data dictionary. :func:`casekit.datasets.describe`
reads it, :func:`casekit.datasets.load` uses it to give each column its proper type, the
tests check the files against it, and ``datasets/README.md`` is written from it.

A table is described by a :class:`Table` (what one row is, its key, its provenance, the
tables it refers to) holding :class:`Column` entries (name, type, unit, meaning, and the
allowed values or range). The column types are a small vocabulary, see :data:`DTYPES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casekit.world import audit, cedar_lane, harbor_spa, kestrel

__all__ = [
    "COMPANIES",
    "COST_TO_SERVE",
    "CURRENCY",
    "DTYPES",
    "TABLES",
    "Column",
    "Company",
    "Table",
]

#: Column types and what :func:`casekit.datasets.load` turns them into.
DTYPES: dict[str, str] = {
    "string": "text (pandas string); identifiers are text, never numbers",
    "category": "pandas categorical with the allowed values as categories",
    "int": "64-bit integer",
    "float": "64-bit float",
    "bool": "boolean, no missing values",
    "boolean": "nullable boolean (pandas 'boolean'); missing where stated",
    "date": "calendar date (datetime64, time 00:00)",
    "datetime": "date and time of day (datetime64, local time)",
}

#: The currency of every synthetic money column.
CURRENCY = "Php (Philippine pesos)"

#: Cedar Lane Market's cost to serve, for customer profitability (Php): name -> (rate, what).
COST_TO_SERVE: dict[str, tuple[float, str]] = {
    "transaction": (25.0, "handling and payment cost of every transaction"),
    "online_order": (110.0, "picking and packing of every online order (plus its delivery_cost)"),
    "return": (180.0, "handling of every returned transaction (whose margin is also lost)"),
    "contact_minute": (10.0, "agent cost per minute of handle time of a service contact"),
}


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
        Column name (snake_case).
    dtype : str
        One of :data:`DTYPES`.
    unit : str
        Unit of measurement ("Php", "days", "1-7 rating", ...); "" where none applies.
    meaning : str
        What the value means, in a sentence.
    values : tuple of str
        For ``category`` columns, the allowed values (in order, if ``ordered``).
    ordered : bool
        Whether the categories have a natural order (age bands, severity ...).
    nullable : bool
        Whether missing values are allowed (the meaning says when they occur).
    minimum, maximum : float, optional
        Inclusive range of numeric columns.
    """

    name: str
    dtype: str
    unit: str
    meaning: str
    values: tuple[str, ...] = ()
    ordered: bool = False
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Company:
    """A company (or source) of the course's data."""

    key: str
    name: str
    summary: str


@dataclass(frozen=True)
class Table:
    """One table of the course's data.

    Parameters
    ----------
    name : str
        The name passed to :func:`casekit.datasets.load`.
    company : str
        Key of the owning :class:`Company`.
    title : str
        Short title.
    grain : str
        What one row is.
    description : str
        A paragraph on what the table is for.
    key : tuple of str
        Columns that identify a row (unique together).
    columns : tuple of Column
        The columns, in file order.
    references : tuple of (column, table, column)
        Foreign keys: each value of ``column`` appears in ``table.column``.
    source : str
        ``"synthetic"`` (written by :func:`casekit.datasets.generate`) or ``"real"``.
    provenance : str
        Where the data comes from and how to cite it.
    """

    name: str
    company: str
    title: str
    grain: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    references: tuple[tuple[str, str, str], ...] = ()
    source: str = "synthetic"
    provenance: str = ""
    _index: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        """The column names, in file order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        try:
            return self._index[name]
        except KeyError:
            raise ValueError(
                f"column must be one of {self.column_names} of table {self.name!r}, got {name!r}"
            ) from None

    @property
    def filename(self) -> str:
        """The table's file name inside ``datasets/``."""
        return f"{self.name}.csv.gz"


COMPANIES: dict[str, Company] = {
    "cedar": Company(
        "cedar",
        "Cedar Lane Market",
        "A grocery retailer (synthetic) that opened in January 2021 with five stores around "
        "Metro Manila and an online shop with free delivery, and has a contact centre and a "
        "loyalty programme, the Shopper's Club, opened on 1 March 2022. Its CRM holds what "
        "the course's notes say a retailer should collect (source 001): names, birth dates, "
        "contact details, where customers live and how far they travel, age, occupation, "
        "and the shopping history.",
    ),
    "kestrel": Company(
        "kestrel",
        "Kestrel Supply",
        "A business-to-business distributor (synthetic) of hardware, cleaning and "
        "food-service supplies. About 420 accounts order from four warehouses; the account "
        "of the course's notes that buys Php 50,000 a month (source 001) is a typical "
        "medium account. Its story is the logistics side of service (source 002): order fill, "
        "on-time delivery, and a warehouse configuration that matters.",
    ),
    "harbor": Company(
        "harbor",
        "Harbor Spa",
        "A day spa and sports-recovery centre (synthetic) sold by monthly membership on "
        "three plans: a contractual, subscription-style business. The athlete of the "
        "course's notes who spends Php 2,300 a visit twice a month (source 001) is a typical "
        "Premium member.",
    ),
    "audit": Company(
        "audit",
        "Internal service audit",
        "The scored checklist of an internal service audit (synthetic) of Cedar Lane Market "
        "and Kestrel Supply in November 2024, grouped by the phases of a sale.",
    ),
    "cdnow": Company(
        "cdnow",
        "CDNOW (real data)",
        "An online music retailer of the late 1990s. The purchase histories of the "
        "customers who first bought in the first quarter of 1997, up to the end of June "
        "1998: the data set of the classic customer-base analysis papers.",
    ),
}

_CDNOW_PROVENANCE = (
    "Real transaction data of the former online retailer CDNOW, made public by Peter S. "
    "Fader and Bruce G. S. Hardie and used in Fader, P. S., Hardie, B. G. S. & Lee, K. L. "
    '(2005), "Counting Your Customers" the Easy Way: An Alternative to the Pareto/NBD '
    "Model, *Marketing Science* 24(2), 275-284, https://doi.org/10.1287/mksc.1040.0098. "
    "Copied from the files `CDNOW_master.txt` (SHA-256 "
    "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef) and "
    "`CDNOW_sample.txt` (SHA-256 "
    "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a) as shipped in "
    "the `lifetimes` 0.11.3 wheel on PyPI (`lifetimes/datasets/`; the hashes are of those "
    "text files, not of the converted CSV), converted unchanged to tidy CSV by "
    "`casekit.cdnow.convert` (named columns, ISO dates; rows in the original order). "
    "Amounts are US dollars (1997-98 prices). Cite the paper above when you use the data."
)

_CDNOW_COLUMNS = (
    Column(
        "customer_id",
        "string",
        "",
        "The customer's id in the master file (five digits with leading zeros, e.g. '00004').",
    ),
    Column("date", "date", "", "Day of the purchase.", minimum=None),
    Column(
        "quantity",
        "int",
        "CDs",
        "Number of CDs bought in this record.",
        minimum=1,
        maximum=99,
    ),
    Column(
        "amount",
        "float",
        "US dollars",
        "Dollar value of the record (0 for a few records in the original data).",
        minimum=0,
        maximum=1300,
    ),
)

TABLES: dict[str, Table] = {}


def _add(table: Table) -> None:
    if table.name in TABLES:
        raise RuntimeError(f"table {table.name!r} is catalogued twice")
    for col in table.columns:
        if col.dtype not in DTYPES:
            raise RuntimeError(f"{table.name}.{col.name}: unknown dtype {col.dtype!r}")
    TABLES[table.name] = table


_add(
    Table(
        name="cdnow_master",
        company="cdnow",
        title="CDNOW purchases, all 23,570 customers",
        grain="one purchase record (a customer may have several records on one day)",
        description=(
            "Every purchase, to 30 June 1998, of the 23,570 customers who made their first "
            "purchase at CDNOW in the first quarter of 1997 (69,659 records). The first "
            "record of each customer is the first purchase (the acquisition)."
        ),
        key=(),
        columns=_CDNOW_COLUMNS,
        source="real",
        provenance=_CDNOW_PROVENANCE,
    )
)

_add(
    Table(
        name="cdnow_sample",
        company="cdnow",
        title="CDNOW purchases, the 1/10 sample of 2,357 customers",
        grain="one purchase record (a customer may have several records on one day)",
        description=(
            "The 1/10 systematic sample of the CDNOW cohort (2,357 customers, 6,919 records) "
            "used in the papers and in Hardie's spreadsheet notes. The rows are the same "
            "records as in `cdnow_master`: `customer_id` is the original master-file id (so "
            "the two tables join), and `sample_id` is the 1-2,357 numbering of the "
            "published sample."
        ),
        key=(),
        columns=(
            *_CDNOW_COLUMNS,
            Column(
                "sample_id",
                "string",
                "",
                "The customer's number within the sample file (four digits, '0001' to "
                "'2357'), as in the published sample.",
            ),
        ),
        references=(("customer_id", "cdnow_master", "customer_id"),),
        source="real",
        provenance=_CDNOW_PROVENANCE,
    )
)


# --- Cedar Lane Market -------------------------------------------------------------------

_CL = cedar_lane
_SYNTHETIC = (
    "Synthetic: written by `casekit.datasets.generate()` (module `casekit.world.{module}`) "
    "from seed 2024. Names, e-mail addresses and phone numbers are invented; e-mail "
    "addresses use the reserved domain example.com."
)


def _money(name: str, meaning: str, minimum: float | None = 0.0, **kw: object) -> Column:
    return Column(name, "float", "Php", meaning, minimum=minimum, **kw)  # type: ignore[arg-type]


_add(
    Table(
        name="cedar_customers",
        company="cedar",
        title="Customers and what the CRM knows about them",
        grain="one customer",
        description=(
            "Every customer acquired from January 2021 to November 2024, with the profile "
            "data of the CRM. A customer is acquired by their first purchase, which is in "
            "`cedar_transactions` on `acquisition_date`."
        ),
        key=("customer_id",),
        columns=(
            Column("customer_id", "string", "", "Customer id, 'CL' and five digits."),
            Column("name", "string", "", "Pseudonymous full name (invented)."),
            Column("birth_date", "date", "", "Date of birth."),
            Column("email", "string", "", "E-mail address (well-formed, invented)."),
            Column("phone", "string", "", "Mobile number, +63 9XX XXX XXXX (invented)."),
            Column(
                "city", "category", "", "City of residence.", values=tuple(c[0] for c in _CL.CITIES)
            ),
            Column("region", "category", "", "Region of residence.", values=_CL.REGIONS),
            Column(
                "distance_km",
                "float",
                "km",
                "Road distance from home to the nearest store.",
                minimum=0.2,
                maximum=80,
            ),
            Column(
                "age_band",
                "category",
                "years",
                "Age band on 31 December 2024.",
                values=_CL.AGE_BANDS,
                ordered=True,
            ),
            Column(
                "occupation",
                "category",
                "",
                "Occupation as stated at sign-up.",
                values=_CL.OCCUPATIONS,
            ),
            Column(
                "lifestyle_segment",
                "category",
                "",
                "Lifestyle segment assigned by the marketing team.",
                values=_CL.SEGMENTS,
            ),
            Column("home_store", "category", "", "The store nearest to home.", values=_CL.STORES),
            Column("acquisition_date", "date", "", "Day of the first purchase."),
            Column(
                "acquisition_channel",
                "category",
                "",
                "What brought the customer in.",
                values=_CL.ACQUISITION_CHANNELS,
            ),
            _money("acquisition_cost", "Marketing cost of acquiring this customer.", maximum=3000),
            Column("marketing_consent", "bool", "", "Agreed to receive marketing messages."),
            Column(
                "club_member_since",
                "date",
                "",
                "Day the customer joined the Shopper's Club; missing if never a member.",
                nullable=True,
            ),
        ),
        provenance=_SYNTHETIC.format(module="cedar_lane"),
    )
)

_add(
    Table(
        name="cedar_transactions",
        company="cedar",
        title="Purchases in the stores and the online shop",
        grain="one purchase (a basket)",
        description=(
            "Every purchase from January 2021 to December 2024. Shopping peaks in December, "
            "on Saturdays and Sundays, and on the paydays around the 15th and the end of each "
            "month. Most customers buy a few times; a few buy every week."
        ),
        key=("transaction_id",),
        columns=(
            Column(
                "transaction_id",
                "string",
                "",
                "Transaction id, 'T' and seven digits, in time order.",
            ),
            Column("customer_id", "string", "", "The buying customer."),
            Column("timestamp", "datetime", "", "Date and time of the purchase."),
            Column("channel", "category", "", "Where the purchase was made.", values=_CL.CHANNELS),
            Column(
                "store",
                "category",
                "",
                "Store of a store purchase, 'Online shop' for online orders.",
                values=(*_CL.STORES, _CL.ONLINE_STORE),
            ),
            Column(
                "category",
                "category",
                "",
                "Main product category of the basket.",
                values=_CL.CATEGORIES,
            ),
            Column("items", "int", "items", "Number of items in the basket.", minimum=1),
            _money("gross", "Value of the basket at shelf prices.", minimum=35),
            _money("discount", "Promotional discount given."),
            _money(
                "margin",
                "Gross margin: net sales minus the cost of the goods (can be negative "
                "on heavily discounted baskets); before any cost to serve.",
                minimum=None,
            ),
            _money(
                "delivery_cost",
                "Courier cost paid by Cedar Lane (delivery is free to the customer); 0 in store.",
            ),
            Column("returned", "bool", "", "The basket was returned and refunded in full."),
        ),
        references=(("customer_id", "cedar_customers", "customer_id"),),
        provenance=_SYNTHETIC.format(module="cedar_lane"),
    )
)

_add(
    Table(
        name="cedar_loyalty_events",
        company="cedar",
        title="Shopper's Club: enrolments, points and rewards",
        grain="one loyalty event",
        description=(
            f"Members get {_CL.WELCOME_POINTS} points on joining and earn one point per Php "
            f"{round(1 / _CL.POINTS_PER_PESO)} spent (after discounts) on each purchase after "
            f"joining; every {_CL.POINTS_PER_REWARD} points are exchanged for a reward at "
            "checkout, by the members who redeem (some never do)."
        ),
        key=("event_id",),
        columns=(
            Column("event_id", "string", "", "Event id, 'L' and seven digits, in time order."),
            Column("customer_id", "string", "", "The member."),
            Column("timestamp", "datetime", "", "When the event happened."),
            Column("event", "category", "", "Kind of event.", values=_CL.LOYALTY_EVENTS),
            Column("points", "int", "points", "Points added (positive) or spent (negative)."),
            Column(
                "transaction_id",
                "string",
                "",
                "The purchase that earned or redeemed the points; missing for enrolments.",
                nullable=True,
            ),
            Column(
                "reward",
                "category",
                "",
                "Reward taken; missing unless a redemption.",
                values=_CL.REWARDS,
                nullable=True,
            ),
            _money("reward_cost", "Cost of the reward(s) to Cedar Lane; 0 unless a redemption."),
        ),
        references=(
            ("customer_id", "cedar_customers", "customer_id"),
            ("transaction_id", "cedar_transactions", "transaction_id"),
        ),
        provenance=_SYNTHETIC.format(module="cedar_lane"),
    )
)

_add(
    Table(
        name="cedar_complaints",
        company="cedar",
        title="Complaints and how they were handled",
        grain="one complaint",
        description=(
            "Complaints from January 2021 to December 2024, each about one purchase, with the "
            "speed and outcome of the handling, the customer's satisfaction with it, and "
            "whether the customer bought again within 90 days."
        ),
        key=("complaint_id",),
        columns=(
            Column(
                "complaint_id", "string", "", "Complaint id, 'CP' and five digits, in time order."
            ),
            Column("customer_id", "string", "", "The complaining customer."),
            Column("transaction_id", "string", "", "The purchase the complaint is about."),
            Column("received", "datetime", "", "When the complaint was received."),
            Column(
                "channel",
                "category",
                "",
                "How the complaint came in.",
                values=_CL.COMPLAINT_CHANNELS,
            ),
            Column(
                "category",
                "category",
                "",
                "What went wrong.",
                values=tuple(_CL.COMPLAINT_CATEGORIES),
            ),
            Column(
                "root_cause",
                "category",
                "",
                "Root cause found by the investigation.",
                values=tuple(c for v in _CL.COMPLAINT_CATEGORIES.values() for c in v[0]),
            ),
            Column(
                "severity", "category", "", "Severity rating.", values=_CL.SEVERITIES, ordered=True
            ),
            Column(
                "first_response_hours",
                "float",
                "hours",
                "Time from receipt to the first response to the customer.",
                minimum=0,
                maximum=240,
            ),
            Column(
                "resolution_days",
                "float",
                "days",
                "Time from receipt to closing the case.",
                minimum=0,
                maximum=90,
            ),
            Column("outcome", "category", "", "How the case was closed.", values=_CL.OUTCOMES),
            _money("compensation", "Goodwill voucher given."),
            Column(
                "satisfaction_after",
                "int",
                "1-5 rating",
                "Satisfaction with the handling (1 very dissatisfied, 5 very satisfied).",
                minimum=1,
                maximum=5,
            ),
            Column(
                "purchased_within_90d",
                "boolean",
                "",
                "Bought again within 90 days after the complaint; missing where the 90 days "
                "reach past 31 December 2024.",
                nullable=True,
            ),
        ),
        references=(
            ("customer_id", "cedar_customers", "customer_id"),
            ("transaction_id", "cedar_transactions", "transaction_id"),
        ),
        provenance=_SYNTHETIC.format(module="cedar_lane"),
    )
)

_add(
    Table(
        name="cedar_service_contacts",
        company="cedar",
        title="Contact-centre and service-desk contacts",
        grain="one contact (a call, e-mail, chat or visit to a service desk)",
        description=(
            "Every contact logged since the CRM went live on 1 January 2023, by phase of the "
            "sale (source 002). The hotline and chat are open 08:00-20:00 every day with a fixed "
            "staffing plan; `wait_seconds` of phone calls and chats follow from how many "
            "contacts arrive in each hour (an Erlang C queue). Callers and chat users wait "
            "only so long: one whose wait outlasts their patience hangs up unanswered "
            "(`abandoned`). Some callers are not (yet) customers."
        ),
        key=("contact_id",),
        columns=(
            Column("contact_id", "string", "", "Contact id, 'SC' and six digits, in time order."),
            Column(
                "customer_id",
                "string",
                "",
                "The customer; missing for callers who are not customers.",
                nullable=True,
            ),
            Column("timestamp", "datetime", "", "When the contact arrived."),
            Column("channel", "category", "", "Contact channel.", values=_CL.CONTACT_CHANNELS),
            Column(
                "phase",
                "category",
                "",
                "Phase of the sale the contact belongs to.",
                values=_CL.PHASES,
                ordered=True,
            ),
            Column(
                "reason",
                "category",
                "",
                "Reason for the contact.",
                values=tuple(_CL.CONTACT_REASONS),
            ),
            Column(
                "wait_seconds",
                "int",
                "seconds",
                "Phone and chat: time in the queue before an agent answered, or before the "
                "customer hung up if abandoned. E-mail: time to the first reply. Store: time "
                "waited at the service desk.",
                minimum=0,
            ),
            Column(
                "abandoned",
                "bool",
                "",
                "The caller or chat user hung up before anyone answered (phone and chat only; "
                "always false for e-mail and store).",
            ),
            Column(
                "handle_seconds",
                "int",
                "seconds",
                "Time the agent spent on the contact; 0 for abandoned contacts.",
                minimum=0,
            ),
            Column(
                "resolved_first_contact",
                "bool",
                "",
                "Solved in this contact, without a follow-up; false for abandoned contacts.",
            ),
            Column(
                "agent_id",
                "category",
                "",
                "Agent: 'CC' contact-centre agents, 'SD' service-desk staff; missing for "
                "abandoned contacts.",
                values=_CL.PHONE_AGENTS + _CL.STORE_AGENTS,
                nullable=True,
            ),
        ),
        references=(("customer_id", "cedar_customers", "customer_id"),),
        provenance=_SYNTHETIC.format(module="cedar_lane"),
    )
)

_add(
    Table(
        name="cedar_survey_respondents",
        company="cedar",
        title="Service-quality survey: respondents and overall measures",
        grain="one completed questionnaire",
        description=(
            f"Two waves of {_CL.RESPONDENTS_PER_WAVE} questionnaires each (October 2023 and "
            "October 2024), sent to customers who had bought in the previous 90 days. The "
            "overall measures: satisfaction (CSAT), likelihood to recommend (for the Net "
            "Promoter Score: promoters 9-10, detractors 0-6) and customer effort. The item "
            "ratings are in `cedar_surveys`."
        ),
        key=("respondent_id",),
        columns=(
            Column(
                "respondent_id", "string", "", "Questionnaire id, 'R', the wave and four digits."
            ),
            Column(
                "wave",
                "int",
                "",
                "Survey wave: 1 (October 2023) or 2 (October 2024).",
                minimum=1,
                maximum=2,
            ),
            Column("customer_id", "string", "", "The responding customer."),
            Column("completed", "date", "", "Day the questionnaire was completed."),
            Column(
                "csat",
                "int",
                "1-5 rating",
                "Overall satisfaction (5 very satisfied).",
                minimum=1,
                maximum=5,
            ),
            Column(
                "likelihood_to_recommend",
                "int",
                "0-10 rating",
                "How likely to recommend Cedar Lane to a friend (10 extremely likely).",
                minimum=0,
                maximum=10,
            ),
            Column(
                "effort",
                "int",
                "1-7 rating",
                "Customer effort: 'Cedar Lane makes it easy to get what I need' "
                "(7 strongly agree).",
                minimum=1,
                maximum=7,
            ),
            Column(
                "competitor_name",
                "category",
                "",
                "The competitor rated in `cedar_surveys.competitor`.",
                values=(_CL.COMPETITOR,),
            ),
        ),
        references=(("customer_id", "cedar_customers", "customer_id"),),
        provenance=_SYNTHETIC.format(module="cedar_lane"),
    )
)

_add(
    Table(
        name="cedar_surveys",
        company="cedar",
        title="Service-quality survey: item ratings (SERVQUAL style)",
        grain="one respondent's ratings of one item",
        description=(
            "A long table, one row per respondent and item, so gap scores are one subtraction "
            "and one group-by away. Twenty-two items cover the five SERVQUAL dimensions "
            "(Parasuraman, Zeithaml & Berry, 1988). Each is rated three times on a 1-7 scale: "
            "the service an excellent grocer would give (expectation), Cedar Lane's service "
            "(perception), and the competitor's service. Each respondent also shares 100 "
            "points among the five dimensions by importance. Gap = perception - expectation."
        ),
        key=("respondent_id", "item_id"),
        columns=(
            Column(
                "respondent_id", "string", "", "The questionnaire (see `cedar_survey_respondents`)."
            ),
            Column("wave", "int", "", "Survey wave, 1 or 2.", minimum=1, maximum=2),
            Column(
                "item_id",
                "category",
                "",
                "Item code: dimension prefix and number.",
                values=tuple(i[0] for i in _CL.SURVEY_ITEMS),
            ),
            Column(
                "dimension",
                "category",
                "",
                "SERVQUAL dimension of the item.",
                values=_CL.DIMENSIONS,
            ),
            Column(
                "statement",
                "category",
                "",
                "The item as worded in the questionnaire.",
                values=tuple(i[2] for i in _CL.SURVEY_ITEMS),
            ),
            Column(
                "importance",
                "int",
                "points of 100",
                "Points this respondent gave the item's dimension "
                "(the five dimensions sum to 100).",
                minimum=0,
                maximum=100,
            ),
            Column(
                "expectation",
                "int",
                "1-7 rating",
                "What an excellent grocer would do (7 strongly agree).",
                minimum=1,
                maximum=7,
            ),
            Column(
                "perception",
                "int",
                "1-7 rating",
                "What Cedar Lane does (7 strongly agree).",
                minimum=1,
                maximum=7,
            ),
            Column(
                "competitor",
                "int",
                "1-7 rating",
                f"What {_CL.COMPETITOR} does (7 strongly agree).",
                minimum=1,
                maximum=7,
            ),
        ),
        references=(("respondent_id", "cedar_survey_respondents", "respondent_id"),),
        provenance=_SYNTHETIC.format(module="cedar_lane"),
    )
)

# --- Kestrel Supply ----------------------------------------------------------------------

_K = kestrel

_add(
    Table(
        name="kestrel_accounts",
        company="kestrel",
        title="Business accounts",
        grain="one account (a business customer under contract)",
        description=(
            "Every account with a contract in force at some time from 2021 to 2024. Each "
            "region is served by one warehouse."
        ),
        key=("account_id",),
        columns=(
            Column("account_id", "string", "", "Account id, 'K' and three digits."),
            Column("account_name", "string", "", "Company name (invented)."),
            Column("industry", "category", "", "The account's industry.", values=_K.INDUSTRIES),
            Column(
                "size",
                "category",
                "",
                "Size of the account's business.",
                values=_K.SIZES,
                ordered=True,
            ),
            Column("region", "category", "", "Region of the delivery address.", values=_K.REGIONS),
            Column(
                "warehouse",
                "category",
                "",
                "Warehouse that serves the account.",
                values=_K.WAREHOUSES,
            ),
            Column(
                "account_manager",
                "category",
                "",
                "Kestrel's account manager.",
                values=_K.ACCOUNT_MANAGERS,
            ),
            Column(
                "contract_start", "date", "", "Start of the supply contract (may be before 2021)."
            ),
            Column(
                "contract_end",
                "date",
                "",
                "Day the account ended its contract; missing if still a customer "
                "at the end of 2024.",
                nullable=True,
            ),
        ),
        provenance=_SYNTHETIC.format(module="kestrel"),
    )
)

_add(
    Table(
        name="kestrel_orders",
        company="kestrel",
        title="Orders and their delivery",
        grain="one order",
        description=(
            "Every order placed from January 2021 and delivered by 31 December 2024 (orders "
            f"still open then are not included). The promised date is {_K.PROMISED_DAYS} days "
            "after the order; an order is on time if delivered by then, complete if every "
            "line was filled, and perfect if on time, complete and accurate."
        ),
        key=("order_id",),
        columns=(
            Column("order_id", "string", "", "Order id, 'KO' and six digits, in order-date order."),
            Column("account_id", "string", "", "The ordering account."),
            Column("ordered", "date", "", "Day the order was placed."),
            Column("promised", "date", "", "Delivery date promised to the account."),
            Column("shipped", "date", "", "Day the order left the warehouse."),
            Column("delivered", "date", "", "Day the order reached the account."),
            Column("lines_ordered", "int", "lines", "Order lines (products) ordered.", minimum=1),
            Column("lines_filled", "int", "lines", "Order lines shipped in full.", minimum=0),
            Column("order_accurate", "bool", "", "Right products, quantities and documents."),
            Column(
                "warehouse",
                "category",
                "",
                "Warehouse that shipped the order.",
                values=_K.WAREHOUSES,
            ),
            _money("value", "Invoiced value of the lines shipped."),
            _money("margin", "Gross margin of the lines shipped."),
        ),
        references=(("account_id", "kestrel_accounts", "account_id"),),
        provenance=_SYNTHETIC.format(module="kestrel"),
    )
)

_add(
    Table(
        name="kestrel_returns",
        company="kestrel",
        title="Returned goods",
        grain="one return (part of one order)",
        description="Goods sent back by accounts, requested up to 31 December 2024.",
        key=("return_id",),
        columns=(
            Column("return_id", "string", "", "Return id, 'KR' and five digits, in time order."),
            Column("order_id", "string", "", "The order the goods came from."),
            Column("account_id", "string", "", "The returning account (the order's account)."),
            Column("requested", "date", "", "Day the account asked to return goods."),
            Column(
                "received",
                "date",
                "",
                "Day the goods arrived back; missing if not yet received.",
                nullable=True,
            ),
            Column(
                "reason", "category", "", "Reason given for the return.", values=_K.RETURN_REASONS
            ),
            Column("lines_returned", "int", "lines", "Order lines returned.", minimum=1),
            _money("credit_value", "Credit note issued to the account."),
        ),
        references=(
            ("order_id", "kestrel_orders", "order_id"),
            ("account_id", "kestrel_accounts", "account_id"),
        ),
        provenance=_SYNTHETIC.format(module="kestrel"),
    )
)

# --- Harbor Spa --------------------------------------------------------------------------

_H = harbor_spa

_add(
    Table(
        name="harbor_members",
        company="harbor",
        title="Members and their plans",
        grain="one membership",
        description=(
            "Every member who joined from January 2021 to December 2024. Members pay the "
            "monthly fee of their plan from the day they join until they cancel; "
            "`cancelled` is missing for members still paying at the end of 2024 (censored "
            "tenures)."
        ),
        key=("member_id",),
        columns=(
            Column(
                "member_id", "string", "", "Member id, 'H' and four digits, in order of joining."
            ),
            Column("name", "string", "", "Pseudonymous full name (invented)."),
            Column("birth_date", "date", "", "Date of birth."),
            Column(
                "segment",
                "category",
                "",
                "Why the member comes: sport recovery, wellness, or a company deal.",
                values=_H.SEGMENTS,
            ),
            Column("plan", "category", "", "Membership plan.", values=_H.PLANS, ordered=True),
            _money("monthly_fee", "Monthly fee of the plan."),
            Column(
                "acquisition_channel",
                "category",
                "",
                "How the member found the spa.",
                values=_H.CHANNELS,
            ),
            Column("joined", "date", "", "First day of membership."),
            Column(
                "cancelled",
                "date",
                "",
                "Day the membership ended (a whole number of months after joining); "
                "missing if active.",
                nullable=True,
            ),
            Column(
                "cancel_reason",
                "category",
                "",
                "Reason given when cancelling; missing if active.",
                values=_H.CANCEL_REASONS,
                nullable=True,
            ),
        ),
        provenance=_SYNTHETIC.format(module="harbor_spa"),
    )
)

_add(
    Table(
        name="harbor_visits",
        company="harbor",
        title="Visits and spending",
        grain="one visit",
        description=(
            "Every visit by a member, with the main treatment and the amount spent at the visit "
            "(treatments and extras, on top of the monthly fee)."
        ),
        key=("visit_id",),
        columns=(
            Column("visit_id", "string", "", "Visit id, 'HV' and six digits, in time order."),
            Column("member_id", "string", "", "The visiting member."),
            Column("timestamp", "datetime", "", "Arrival time."),
            Column("service", "category", "", "Main treatment.", values=_H.SERVICES),
            Column("therapist_id", "category", "", "The therapist.", values=_H.THERAPISTS),
            Column(
                "duration_minutes",
                "int",
                "minutes",
                "Booked length of the treatment.",
                minimum=15,
                maximum=180,
            ),
            _money("spend", "Amount spent at the visit."),
        ),
        references=(("member_id", "harbor_members", "member_id"),),
        provenance=_SYNTHETIC.format(module="harbor_spa"),
    )
)

# --- Internal audit ----------------------------------------------------------------------

_add(
    Table(
        name="audit_checklist",
        company="audit",
        title="Internal service audit checklist, November 2024",
        grain="one audited policy or practice",
        description=(
            "Service policies and practices of Cedar Lane Market and Kestrel Supply, grouped "
            "by the phase of the sale (source 002), each scored by the internal auditor with "
            "the evidence seen. The evidence notes can be checked against the other tables."
        ),
        key=("item_id",),
        columns=(
            Column("item_id", "string", "", "Item id, 'AU' and two digits."),
            Column("company", "category", "", "The audited company.", values=audit.COMPANIES),
            Column(
                "phase", "category", "", "Phase of the sale.", values=audit.PHASES, ordered=True
            ),
            Column("area", "string", "", "Area of service the item belongs to."),
            Column("practice", "string", "", "The policy or practice that should be in place."),
            Column("standard", "string", "", "The measurable standard it is held to."),
            Column(
                "score",
                "int",
                "0-4 score",
                "0 not in place, 1 ad hoc, 2 partly, 3 mostly, 4 fully in place and monitored.",
                minimum=0,
                maximum=4,
            ),
            Column(
                "weight",
                "int",
                "1-3",
                "Importance: 1 useful, 2 important, 3 critical.",
                minimum=1,
                maximum=3,
            ),
            Column("evidence", "string", "", "What the auditor saw."),
            Column("owner", "string", "", "Role responsible for the practice."),
            Column("last_reviewed", "date", "", "Day the auditor last checked the item."),
        ),
        provenance=_SYNTHETIC.format(module="audit"),
    )
)

"""Lesson 05: the audit designer's callbacks (aim: p95 under 50 ms) and the survey analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit import audit
from casekit.widgets.audit import AuditDesigner, _format_segments
from tests.bench.timing import Result, best_of, widget_callback

SEGMENTS = {
    "busy family": 5_400,
    "young professional": 4_400,
    "health-conscious": 3_000,
    "bargain hunter": 4_200,
    "traditional shopper": 3_000,
}
VALUES = {
    "busy family": 4_000,
    "young professional": 2_500,
    "health-conscious": 3_000,
    "bargain hunter": 1_800,
    "traditional shopper": 3_500,
}
STORES = ["Cubao", "Marikina", "Pasig", "Antipolo", "Bacoor"]


def _survey(respondents: int = 700, items: int = 22, seed: int = 1) -> pd.DataFrame:
    """Two waves of a 22-item survey, long format (about 31,000 rows)."""
    rng = np.random.default_rng(seed)
    n = 2 * respondents * items
    dims = np.array(audit.DIMENSIONS)[np.arange(items) % 5]
    return pd.DataFrame(
        {
            "wave": np.repeat([1, 2], respondents * items),
            "respondent_id": np.tile(np.repeat(np.arange(respondents), items), 2),
            "item_id": np.tile([f"I{i:02d}" for i in range(items)], 2 * respondents),
            "dimension": np.tile(dims, 2 * respondents),
            "expectation": rng.integers(4, 8, n),
            "perception": rng.integers(2, 8, n),
        }
    )


def run() -> list[Result]:
    designer = AuditDesigner(segments=SEGMENTS, values=VALUES, stores=STORES)
    survey = _survey()
    return [
        *widget_callback("AuditDesigner.margin", designer.margin, [0.03, 0.05, 0.04]),
        *widget_callback(
            "AuditDesigner.allocation", designer.allocation, ["value", "equal", "proportional"]
        ),
        *widget_callback(
            "AuditDesigner.precision_for", designer.precision_for, ["each segment", "overall"]
        ),
        *widget_callback("AuditDesigner.visits", designer.visits, [2, 4, 1]),
        *widget_callback("AuditDesigner.confidence", designer.confidence, [0.99, 0.90, 0.95]),
        *widget_callback(
            "AuditDesigner.segments",
            designer.segments,
            ["north: 4000, 900\nsouth: 2500, 1200", _format_segments(SEGMENTS, VALUES)],
        ),
        *widget_callback(
            "AuditDesigner.cost_per_complete", designer.cost_per_complete, [200, 60, 100]
        ),
        Result(
            "audit.gap_scores, 2 waves x 700 x 22 items",
            best_of(lambda: audit.gap_scores(survey, by="wave")),
            None,
            f"{len(survey):,} rows",
        ),
        Result(
            "audit.wave_change, 5 dimensions",
            best_of(lambda: audit.wave_change(survey)),
            None,
            f"{len(survey):,} rows",
        ),
    ]

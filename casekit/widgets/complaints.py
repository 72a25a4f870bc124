"""Triage simulator: who is answered first, by how many handlers, in which hours."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from casekit import complaints
from casekit.validation import check_columns
from casekit.widgets import LAYOUT, STYLE, int_slider, show_bundle, show_chart, with_data

__all__ = ["DESK_HOURS", "TriageSimulator", "with_data"]

#: Opening hours the simulator offers: label -> (open hour, close hour, workdays).
DESK_HOURS: dict[str, tuple[float, float, tuple[int, ...]]] = {
    "Mon-Sat 08:00-18:00": (8.0, 18.0, (0, 1, 2, 3, 4, 5)),
    "every day 08:00-20:00": (8.0, 20.0, (0, 1, 2, 3, 4, 5, 6)),
    "every day, 24 hours": (0.0, 24.0, (0, 1, 2, 3, 4, 5, 6)),
}


class TriageSimulator(widgets.VBox):
    """Policy, handlers, standards and desk hours; response times and customers lost, live.

    The computation is :func:`casekit.complaints.compare_policies` on one fixed stream of
    complaints (every setting meets the same complaints), drawn with
    :func:`casekit.complaints.triage_chart`. Runs are cached per handlers, desk hours and
    policy; a new standard re-runs only the earliest-deadline policy (the one whose order
    depends on it) and re-judges the others' response times against it. Going back to a
    setting already seen is instant.

    Parameters
    ----------
    arrivals : pandas.DataFrame
        The complaints (:func:`casekit.complaints.simulate_arrivals`).
    policy : str
        Starting policy, a key of :data:`casekit.complaints.POLICIES`.
    handlers : int
        Starting number of handlers.
    standard_high, standard_other : int
        Starting standards for the first response, in hours: high severity, and medium
        and low.
    hours : str
        Starting desk hours, a key of :data:`DESK_HOURS`.
    loss : casekit.complaints.LossModel
        Turns response times into chances of losing the customer.
    """

    def __init__(
        self,
        arrivals: pd.DataFrame,
        *,
        policy: str = "fcfs",
        handlers: int = 1,
        standard_high: int = 4,
        standard_other: int = 24,
        hours: str = "Mon-Sat 08:00-18:00",
        loss: complaints.LossModel = complaints.CEDAR_LOSS,
    ) -> None:
        check_columns("arrivals", arrivals, ["arrival", "severity", "value", "handle_minutes"])
        self.arrivals = arrivals
        self.loss = loss
        self.policy = widgets.Dropdown(
            options=[(label, key) for key, label in complaints.POLICIES.items()],
            value=policy,
            description="Policy",
            style=STYLE,
            layout=LAYOUT,
        )
        self.handlers = int_slider("Handlers on duty", handlers, 1, 6)
        self.standard_high = int_slider("Standard, high severity (h)", standard_high, 1, 48)
        self.standard_other = int_slider("Standard, the others (h)", standard_other, 4, 96, 4)
        self.hours = widgets.Dropdown(
            options=list(DESK_HOURS),
            value=hours,
            description="Desk hours",
            style=STYLE,
            layout=LAYOUT,
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.comparison: pd.DataFrame | None = None
        self._runs: dict[tuple, pd.DataFrame] = {}
        self._sims: dict[tuple, pd.DataFrame] = {}
        self._template: dict[str, Any] | None = None
        controls = (self.policy, self.handlers, self.standard_high, self.standard_other, self.hours)
        for control in controls:
            control.observe(self._update, names="value")
        super().__init__([*controls, self.summary, self.chart])
        self._update()

    def standards(self) -> dict[str, float]:
        """The current standards, per severity, in hours."""
        other = float(self.standard_other.value)
        return {"low": other, "medium": other, "high": float(self.standard_high.value)}

    def _simulate(self, policy: str, standards: dict[str, float]) -> pd.DataFrame:
        """One policy's run, cached by handlers, desk hours and policy.

        Only the earliest-deadline order depends on the standards, so only its runs are
        also keyed by them; the other runs are re-judged against new standards
        (:func:`casekit.complaints.rescore`) without simulating again.
        """
        depends = policy == "deadline"
        key = (
            self.handlers.value,
            self.hours.value,
            policy,
            *(standards.values() if depends else ()),
        )
        if key not in self._sims:
            opening, closing, days = DESK_HOURS[self.hours.value]
            self._sims[key] = complaints.simulate_triage(
                self.arrivals,
                policy=policy,
                handlers=self.handlers.value,
                standard_hours=standards,
                open_hours=(opening, closing),
                workdays=days,
                loss=self.loss,
            )
        result = self._sims[key]
        return result if depends else complaints.rescore(result, standards)

    def _run_policies(self) -> pd.DataFrame:
        standards = self.standards()
        key = (self.handlers.value, self.hours.value, *standards.values())
        if key not in self._runs:
            tables = []
            for policy in complaints.POLICIES:
                table = complaints.triage_summary(
                    self._simulate(policy, standards), by_severity=True
                )
                table.insert(0, "policy", policy)
                tables.append(table)
            self._runs[key] = pd.concat(tables, ignore_index=True)
        return self._runs[key]

    def _update(self, change: object = None) -> None:
        self.comparison = self._run_policies()
        overall = self.comparison[self.comparison["severity"] == "all"].set_index("policy")
        high = self.comparison[self.comparison["severity"] == "high"].set_index("policy")
        row, top = overall.loc[self.policy.value], high.loc[self.policy.value]
        fewest_breaches = complaints.POLICIES[overall["breaches"].idxmin()]
        fewest_lost = complaints.POLICIES[overall["lost_to_delay"].idxmin()]
        label = html.escape(complaints.POLICIES[self.policy.value])
        self.summary.value = (
            f"<p style='font-size:15px'><b>{label}</b>, {self.handlers.value} handler(s), "
            f"{html.escape(self.hours.value)}: {int(row['complaints']):,} complaints get a first "
            f"response in <b>{row['median_hours']:.1f} h</b> (median); one in ten waits more "
            f"than <b>{row['p90_hours']:.1f} h</b>. High-severity complaints: 90th percentile "
            f"{top['p90_hours']:.1f} h against a standard of {self.standard_high.value} h."
            f"<br><b>{int(row['breaches']):,}</b> breaches of the standard "
            f"({row['breach_share']:.0%}); expected customers lost to the waiting: "
            f"<b>{row['lost_to_delay']:,.0f}</b>.<br>Fewest breaches: {fewest_breaches}. "
            f"Fewest customers lost: {fewest_lost}.</p>"
        )
        self._draw()

    def _draw(self) -> None:
        """Show the chart: compiled to Vega once; later only its named datasets change."""
        standards = self.standards()
        datasets = complaints.triage_datasets(
            self.comparison, standard_hours=standards, selected=self.policy.value
        )
        if self._template is None:
            chart = complaints.triage_chart(
                self.comparison, standard_hours=standards, selected=self.policy.value
            )
            show_chart(self.chart, chart)
            self._template = self.chart.outputs[0]["data"]
            return
        show_bundle(self.chart, with_data(self._template, datasets))

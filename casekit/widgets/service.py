"""Staffing calculator: how many agents answer enough calls fast enough, and at what cost."""

from __future__ import annotations

import html
import math

import ipywidgets as widgets

from casekit import service
from casekit.validation import check_fraction
from casekit.widgets import int_slider, money_slider, percent_slider, show_chart

__all__ = ["StaffingCalculator"]


class StaffingCalculator(widgets.VBox):
    """Sliders for calls, handle time and the service standard; agents needed and a chart.

    The computation is :func:`casekit.service.agents_needed` and
    :func:`casekit.service.service_level_curve` (the Erlang C model). The summary gives
    the agents needed on the phones, the service level and average speed of answer they
    achieve, their occupancy and the cost of one hour of staffing; the chart shows the
    service level for each number of agents around the answer, with the target.

    Parameters
    ----------
    calls_per_hour : int
        Calls offered in the hour.
    handle_time : int
        Mean handle time in seconds (talk, hold and after-call work).
    target : float
        Share of calls to answer within ``answer_time`` (0.8 for 80 %).
    answer_time : int
        Seconds.
    cost_per_agent_hour : float
        Loaded cost of an agent for one hour.
    shrinkage : float
        Share of paid time agents are not on the phones (breaks, training, absence).
    currency : str
        Currency label.
    """

    def __init__(
        self,
        *,
        calls_per_hour: int = 60,
        handle_time: int = 240,
        target: float = 0.80,
        answer_time: int = 20,
        cost_per_agent_hour: float = 250.0,
        shrinkage: float = 0.30,
        currency: str = "Php",
    ) -> None:
        self.currency = currency
        self.shrinkage = check_fraction("shrinkage", shrinkage)
        self.calls = int_slider("Calls per hour", calls_per_hour, 1, 600)
        self.handle_time = int_slider("Handle time (seconds)", handle_time, 30, 900, 10)
        self.target = percent_slider("Target: share answered in time", target, 0.50, 0.99)
        self.answer_time = int_slider("... within (seconds)", answer_time, 5, 120, 5)
        self.cost = money_slider(
            f"Cost per agent-hour ({currency})", cost_per_agent_hour, 50, 1_000, 10
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.result: dict[str, float] = {}
        self.curve = None
        self._template: tuple[int, dict] | None = None
        controls = (self.calls, self.handle_time, self.target, self.answer_time, self.cost)
        for control in controls:
            control.observe(self._update, names="value")
        super().__init__([*controls, self.summary, self.chart])
        self._update()

    def _update(self, change: object = None) -> None:
        calls, aht = self.calls.value, self.handle_time.value
        target, seconds = round(self.target.value, 4), self.answer_time.value
        agents = service.agents_needed(calls, aht, target=target, answer_time=seconds)
        load = service.offered_load(calls, aht)
        scheduled = math.ceil(agents / (1 - self.shrinkage) - 1e-9)
        low = max(int(load) + 1, agents - 4, 1)
        self.curve = service.service_level_curve(
            calls, aht, answer_time=seconds, agents=range(low, agents + 5)
        )
        row = self.curve.set_index("agents").loc[agents]
        self.result = {
            "agents": agents,
            "scheduled": scheduled,
            "load": load,
            "service_level": float(row["service_level"]),
            "asa": float(row["asa"]),
            "occupancy": float(row["occupancy"]),
            "cost_per_hour": scheduled * self.cost.value,
        }
        one_less = self.curve.set_index("agents")["service_level"].get(agents - 1)
        less = (
            f" With one agent fewer, only {one_less:.0%} would be answered in time."
            if one_less is not None
            else ""
        )
        money = html.escape(self.currency)
        r = self.result
        self.summary.value = (
            f"<p style='font-size:15px'>{calls} calls an hour at {aht} s each is "
            f"<b>{load:.1f} Erlangs</b> of work. To answer {target:.0%} within {seconds} s you "
            f"need <b>{agents} agents</b> on the phones: they answer <b>{r['service_level']:.1%}"
            f"</b> in time, with an average speed of answer of <b>{r['asa']:.0f} s</b> and "
            f"{r['occupancy']:.0%} occupancy.{less}<br>Allowing {self.shrinkage:.0%} shrinkage, "
            f"schedule {scheduled} agents: <b>{money} {r['cost_per_hour']:,.0f}</b> an hour.</p>"
        )
        self._draw(target, seconds)

    def _draw(self, target: float, seconds: int) -> None:
        """Show the chart of the current curve.

        Building an Altair chart costs more than the rest of the update together, so the
        chart is built once; later updates swap its data and the answer time in its axis
        title.
        """
        if self._template is None:
            chart = service.service_level_chart(self.curve, target=target, answer_time=seconds)
            self._template = (seconds, chart.to_dict(validate=False))
        built_for, template = self._template
        spec = dict(template)
        records = self.curve.to_dict(orient="records")
        spec["datasets"] = {
            name: [{"target": target}] if rows and "target" in rows[0] else records
            for name, rows in template["datasets"].items()
        }
        if seconds != built_for:
            bars, *rest = template["layer"]
            y = bars["encoding"]["y"]
            title = y["title"].replace(f"within {built_for:g} s", f"within {seconds:g} s")
            encoding = {**bars["encoding"], "y": {**y, "title": title}}
            spec["layer"] = [{**bars, "encoding": encoding}, *rest]
        show_chart(self.chart, spec)

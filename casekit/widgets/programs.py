"""Programme designer: reward rate, redemption and expected lifts -> yearly profit."""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from casekit import programs
from casekit.widgets import percent_slider, show_chart

__all__ = ["ProgramDesigner"]


def _rate_slider(description: str, value: float, high: float, step: float) -> widgets.FloatSlider:
    """A percent slider that shows one decimal (rates of a few percent)."""
    slider = percent_slider(description, value, 0.0, high, step)
    slider.readout_format = ".1%"
    return slider


def _lift(value: float, *, points: bool = False) -> str:
    """A break-even lift as text: a share (spend) or points (retention)."""
    if math.isinf(value):
        return "out of reach"
    if value <= 0:
        return "none needed"
    return f"{100 * value:.1f} points" if points else f"{value:.1%}"


class ProgramDesigner(widgets.VBox):
    """Sliders for a loyalty programme's design and expected effects; profit and break-even.

    The reward rate (value of rewards per peso spent if every point is redeemed), the
    redemption rate and the lifts in spending and retention the programme is expected to
    cause give its yearly profit (:func:`casekit.programs.program_economics`), the lift it
    needs to break even (:func:`casekit.programs.break_even_lift`,
    :func:`casekit.programs.break_even_retention`) and a chart of profit against the
    spend lift (:func:`casekit.programs.profit_chart`), with and without the retention
    lift.

    Parameters
    ----------
    reward_rate, redemption_rate, spend_lift, retention_lift : float
        Starting values of the four sliders (shares: 0.01 = 1 %).
    members, spend_per_member, gross_margin, admin_cost_fixed, admin_cost_per_member : float
        The fixed part of the programme (see :func:`casekit.programs.program_economics`).
    retention, discount_rate : float
        Members' yearly retention without the programme and the discount rate, for the
        lifetime view (:func:`casekit.programs.member_value`).
    currency : str
        Currency label.
    """

    def __init__(
        self,
        *,
        reward_rate: float = 0.01,
        redemption_rate: float = 0.70,
        spend_lift: float = 0.05,
        retention_lift: float = 0.02,
        members: float = 4_000,
        spend_per_member: float = 18_000,
        gross_margin: float = 0.18,
        admin_cost_fixed: float = 600_000,
        admin_cost_per_member: float = 40,
        retention: float = 0.75,
        discount_rate: float = 0.10,
        currency: str = "Php",
    ) -> None:
        self.fixed = {
            "members": members,
            "spend_per_member": spend_per_member,
            "gross_margin": gross_margin,
            "admin_cost_fixed": admin_cost_fixed,
            "admin_cost_per_member": admin_cost_per_member,
        }
        self.retention = retention
        self.discount_rate = discount_rate
        self.currency = currency
        # validate the fixed part once, with the starting values of the sliders
        programs.member_value(
            retention=retention,
            discount_rate=discount_rate,
            reward_rate=reward_rate,
            redemption_rate=redemption_rate,
            spend_lift=spend_lift,
            retention_lift=retention_lift,
            **self.fixed,
        )
        self.reward_rate = _rate_slider("Reward rate (of spending)", reward_rate, 0.05, 0.001)
        self.redemption_rate = percent_slider("Redemption rate", redemption_rate, 0.0, 1.0)
        self.spend_lift = _rate_slider("Lift in spending", spend_lift, 0.30, 0.005)
        high = min(0.15, round(0.99 - retention, 3))
        self.retention_lift = _rate_slider(
            "Lift in retention (points)", retention_lift, high, 0.005
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.economics = None
        self.break_even: dict[str, float] = {}
        self.value = None
        controls = (self.reward_rate, self.redemption_rate, self.spend_lift, self.retention_lift)
        for control in controls:
            control.observe(self._update, names="value")
        super().__init__([*controls, self.summary, self.chart])
        self._update()

    def design(self) -> dict[str, float]:
        """The programme as the sliders set it (the arguments of ``program_economics``)."""
        return {
            **self.fixed,
            "reward_rate": round(self.reward_rate.value, 4),
            "redemption_rate": round(self.redemption_rate.value, 4),
            "spend_lift": round(self.spend_lift.value, 4),
            "retention_lift": round(self.retention_lift.value, 4),
        }

    def _update(self, change: object = None) -> None:
        design = self.design()
        life = {"retention": self.retention, "discount_rate": self.discount_rate}
        self.economics = programs.program_economics(**design)
        self.break_even = {
            "spend": programs.break_even_lift(lever="spend", **design),
            "retention": programs.break_even_lift(lever="retention", **design),
            "retention_lifetime": programs.break_even_retention(**life, **design),
        }
        self.value = programs.member_value(**life, **design)
        econ = self.economics
        profit = float(econ["annual_profit"])
        rewards = -(econ["rewards_on_sales_made_anyway"] + econ["rewards_on_extra_sales"])
        admin = -(econ["fixed_administration"] + econ["administration_per_member"])
        money = html.escape(self.currency)
        verdict = "earns" if profit >= 0 else "loses"
        colour = "#1b7837" if profit >= 0 else "#b2182b"
        needed = self.break_even
        spend_needed = _lift(needed["spend"])
        kept_needed = _lift(needed["retention"], points=True)
        kept_needed_life = _lift(needed["retention_lifetime"], points=True)
        self.summary.value = (
            f"<p style='font-size:15px'>The programme <b style='color:{colour}'>{verdict} "
            f"{money} {abs(profit):,.0f}</b> a year against having no programme "
            f"(rewards {money} {rewards:,.0f}, administration {money} {admin:,.0f}).<br>"
            f"To break even it needs a spend lift of <b>{spend_needed}</b> at this retention "
            f"lift, or a retention lift of <b>{kept_needed}</b> in one year's margin "
            f"({kept_needed_life} counting the kept members' later years) at this spend lift."
            f"<br>A member's lifetime value changes by "
            f"<b>{money} {self.value['change_per_member']:,.0f}</b>.</p>"
        )
        spend = design["spend_lift"]
        top = max(0.30, spend, min(self.break_even["spend"], 0.6) * 1.1)
        lifts = np.linspace(0.0, top, 31)
        kept = sorted({0.0, design["retention_lift"]})
        curve = programs.profit_curve(lifts, retention_lifts=kept, **design)
        chart = programs.profit_chart(curve, chosen=(spend, profit), currency=self.currency)
        show_chart(self.chart, chart)

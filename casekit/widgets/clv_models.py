"""Customer explorer: a purchase history in, P(alive) and expected purchases out (BG/NBD)."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from casekit import charts, clv_models
from casekit.widgets import LAYOUT, STYLE, int_slider, show_bundle, with_data

__all__ = ["PROFILES", "AliveExplorer"]

#: Ready-made customer profiles: (repeat purchases, recency, age), in weeks.
PROFILES: dict[str, tuple[int, float, float]] = {
    "The paper's example (2 repeat purchases, last in week 30)": (2, 30.43, 38.86),
    "Steady regular (10 repeat purchases, last this week)": (10, 38.0, 38.86),
    "Frequent buyer who went quiet (10, last in week 12)": (10, 12.0, 38.86),
    "Occasional buyer who went quiet (2, last in week 12)": (2, 12.0, 38.86),
    "One-time buyer (no repeat purchase)": (0, 0.0, 38.86),
    "New customer, one quick repeat (1, week 2 of 4)": (1, 2.0, 4.0),
}


class AliveExplorer(widgets.VBox):
    """Pick a customer profile, or set frequency, recency and age: P(alive), live.

    Shows the probability that the customer is still active and the purchases expected
    in the next ``horizon`` weeks, with a chart of P(alive) against recency for the
    chosen frequency and age. The computations are
    :meth:`casekit.clv_models.BGNBD.probability_alive` and
    :meth:`~casekit.clv_models.BGNBD.conditional_expected_purchases`.

    Parameters
    ----------
    model : BGNBD, optional
        The fitted model, in weeks. Default: the published CDNOW estimates (Fader,
        Hardie & Lee 2005: r = 0.243, α = 4.414, a = 0.793, b = 2.426).
    horizon : int
        Starting length of the future period, in weeks.
    max_age : float
        Largest customer age on the age slider, in weeks.
    """

    def __init__(
        self, model: clv_models.BGNBD | None = None, *, horizon: int = 39, max_age: float = 78.0
    ) -> None:
        if model is None:
            model = clv_models.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
        if not isinstance(model, clv_models.BGNBD):
            raise TypeError(f"model must be a BGNBD, got {type(model).__name__}")
        self.model = model
        self.result: dict[str, float] = {}
        first = next(iter(PROFILES))
        x, t_x, age = PROFILES[first]
        self.profile = widgets.Dropdown(
            options=[*PROFILES, "(your own)"],
            value=first,
            description="Customer profile",
            style=STYLE,
            layout=widgets.Layout(width="620px"),
        )
        self.frequency = int_slider("Repeat purchases (x)", x, 0, 40)
        self.age = _weeks_slider("Age in weeks (T)", age, 1.0, max_age)
        self.recency = _weeks_slider("Last purchase in week (tₓ)", t_x, 0.0, age)
        self.horizon = int_slider("Weeks ahead", horizon, 1, 104)
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self._applying = False
        # the compiled chart of the first draw; later draws swap its data and title
        self._template: dict[str, Any] | None = None
        self._sources: tuple[str, str] = ("", "")
        self.profile.observe(self._apply_profile, names="value")
        for control in (self.frequency, self.age, self.recency, self.horizon):
            control.observe(self._update, names="value")
        super().__init__(
            [
                self.profile,
                self.frequency,
                self.age,
                self.recency,
                self.horizon,
                self.summary,
                self.chart,
            ]
        )
        self._update()

    def _apply_profile(self, change: object = None) -> None:
        if self.profile.value not in PROFILES:
            return
        x, t_x, age = PROFILES[self.profile.value]
        self._applying = True
        try:
            self.age.value = age
            self.recency.max = age
            self.frequency.value = x
            self.recency.value = t_x
        finally:
            self._applying = False
        self._update()

    def _update(self, change: object = None) -> None:
        if self._applying:
            return
        if change is not None and change["owner"] in (self.frequency, self.age, self.recency):
            self._set_own_profile()  # a slider moved by hand: the learner's own profile
        age = float(self.age.value)
        self.recency.max = age
        x = int(self.frequency.value)
        self.recency.disabled = x == 0
        t_x = 0.0 if x == 0 else min(max(float(self.recency.value), 0.5), age)
        if x == 0 and self.recency.value != 0:
            self._applying = True
            self.recency.value = 0.0
            self._applying = False
        weeks = int(self.horizon.value)
        alive = self.model.probability_alive(x, t_x, age)
        expected = self.model.conditional_expected_purchases(weeks, x, t_x, age)
        self.result = {
            "frequency": x,
            "recency": t_x,
            "T": age,
            "probability_alive": alive,
            "expected_purchases": expected,
        }
        silence = age - t_x
        self.summary.value = (
            f"<p style='font-size:15px'>A customer with <b>{x}</b> repeat purchase"
            f"{'' if x == 1 else 's'}, the last one <b>{silence:.1f}</b> weeks ago "
            f"(first purchase {age:.1f} weeks ago), is still active with probability "
            f"<b>{alive:.0%}</b> and is expected to buy <b>{expected:.2f}</b> times in the "
            f"next {weeks} weeks.</p>"
            + (
                "<p style='font-size:13px;color:#555'>With no repeat purchase the BG/NBD "
                "counts the customer as active: in this model people can only leave right "
                "after a purchase.</p>"
                if x == 0
                else ""
            )
        )
        self._draw(x, t_x, age, alive)

    def _draw(self, x: int, t_x: float, age: float, alive: float) -> None:
        """Show :func:`casekit.clv_models.probability_alive_chart` for this customer.

        The chart's layout never changes, only its curve, its dot and its title: it is
        built and compiled to Vega once, and later draws replace those three in the
        compiled spec (building and compiling took most of a slider move's time).
        """
        if self._template is None:
            spec = clv_models.probability_alive_chart(self.model, x, age, recency=t_x).to_dict(
                validate=False
            )
            self._sources = tuple(layer["data"]["name"] for layer in spec["layer"])
            self._template = charts.render(spec, svg=False)
            show_bundle(self.chart, self._template)
            return
        curve = clv_models._alive_curve(self.model, x, age)
        values = {
            self._sources[0]: [
                {"recency": float(r), "probability_alive": float(p)}
                for r, p in zip(curve["recency"], curve["probability_alive"], strict=True)
            ],
            self._sources[1]: [{"recency": float(t_x), "probability_alive": float(alive)}],
        }
        bundle = with_data(self._template, values)
        vega = bundle[charts.VEGA_MIMETYPE]
        title = clv_models._alive_title(x, age)
        show_bundle(
            self.chart,
            {
                **bundle,
                charts.VEGA_MIMETYPE: {**vega, "title": {**vega["title"], "text": title}},
                "text/plain": f"<Chart: {title}>",
            },
        )

    def _set_own_profile(self) -> None:
        if self.profile.value != "(your own)":
            self.profile.unobserve(self._apply_profile, names="value")
            self.profile.value = "(your own)"
            self.profile.observe(self._apply_profile, names="value")


def _weeks_slider(description: str, value: float, low: float, high: float) -> widgets.FloatSlider:
    """A slider for a time in weeks, in half-week steps."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=0.5,
        description=description,
        readout_format=".1f",
        continuous_update=False,
        style=STYLE,
        layout=LAYOUT,
    )

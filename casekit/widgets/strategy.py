"""Selection explorer: weight sliders for the CRM selection criteria, a live ranking and
the weight at which the winner changes."""

from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd

from casekit import strategy
from casekit.widgets import percent_slider, show_bundle, show_chart, with_data

__all__ = ["SelectionExplorer"]


class SelectionExplorer(widgets.VBox):
    """One slider per criterion weight; the ranking, and where it flips, update live.

    The weights need not sum to one: they are normalised (the summary says so) exactly as
    :func:`casekit.strategy.weighted_scores` does. The summary holds the live ranking and
    says how far the chosen criterion's share can move before the winner changes; the
    chart shows every option's total as that share runs from 0 to 100 %, with the
    current share and the flip points marked. Moving one slider with the others fixed
    moves that criterion's share with the others keeping their proportions, which is
    exactly the path the flip points are computed along. The computations are
    :func:`casekit.strategy.weighted_scores`, :func:`casekit.strategy.flip_points` and
    :func:`casekit.strategy.weight_sweep`; flip points are computed for the chosen
    criterion only, and the chart is compiled once per criterion, after which a move of a
    slider only swaps its data.

    Parameters
    ----------
    scores : pandas.DataFrame, optional
        Options x criteria scores; Kestrel Supply's fictional vendors by default.
    weights : mapping, optional
        Starting weights (criterion -> weight); Kestrel's agreed weights by default.
    criterion : str
        The criterion whose sweep is drawn first.
    """

    def __init__(
        self,
        scores: pd.DataFrame | None = None,
        weights: Mapping[str, float] | None = None,
        *,
        criterion: str = "ease_of_use",
    ) -> None:
        self.scores = strategy.kestrel_vendor_scores() if scores is None else scores
        start = strategy.kestrel_weights() if weights is None else dict(weights)
        # validate once, up front, so a bad table fails here with a clear message
        strategy.normalise_weights(start, self.scores.columns, warn=False)
        self.sliders = {
            name: percent_slider(
                f"Weight: {strategy.SELECTION_CRITERIA.get(name, name).lower()}",
                float(start[name]),
                0.0,
                1.0,
                0.01,
            )
            for name in self.scores.columns
        }
        if criterion not in self.sliders:
            raise ValueError(f"criterion must be one of {list(self.sliders)}, got {criterion!r}")
        self.criterion = widgets.Dropdown(
            options=[(strategy.SELECTION_CRITERIA.get(c, c), c) for c in self.sliders],
            value=criterion,
            description="Sweep the weight of",
            style={"description_width": "190px"},
            layout=widgets.Layout(width="520px"),
        )
        self.summary = widgets.HTML()
        self.chart = widgets.Output()
        self.result: pd.DataFrame | None = None
        self.flips: pd.DataFrame | None = None
        self._templates: dict[str, dict] = {}
        for control in (*self.sliders.values(), self.criterion):
            control.observe(self._update, names="value")
        super().__init__([*self.sliders.values(), self.criterion, self.summary, self.chart])
        self._update()

    @property
    def weights(self) -> dict[str, float]:
        """The slider values, as set (not normalised)."""
        return {name: float(slider.value) for name, slider in self.sliders.items()}

    def _update(self, change: object = None) -> None:
        raw = self.weights
        if sum(raw.values()) <= 0:
            self.result = self.flips = None
            self.summary.value = (
                "<p style='font-size:15px'>Every weight is zero: give at least one "
                "criterion some weight.</p>"
            )
            self.chart.outputs = ()
            return
        weights = strategy.normalise_weights(raw, self.scores.columns, warn=False)
        chosen = self.criterion.value
        self.result = strategy.weighted_scores(self.scores, weights)
        # only the row the summary and the chart show
        self.flips = strategy.flip_points(self.scores, weights, criteria=[chosen])
        sweep = strategy.weight_sweep(self.scores, weights, chosen, points=11)
        self.summary.value = self._summary(raw, weights, chosen)
        self._draw(sweep, chosen)

    def _draw(self, sweep: pd.DataFrame, chosen: str) -> None:
        """Show the sweep chart: compiled once per criterion; later only its data change."""
        if chosen not in self._templates:
            show_chart(self.chart, strategy.sweep_chart(sweep, self.flips, chosen))
            self._templates[chosen] = self.chart.outputs[0]["data"]
            return
        datasets = strategy.sweep_datasets(sweep, self.flips, chosen)
        show_bundle(self.chart, with_data(self._templates[chosen], datasets))

    def _summary(self, raw: dict[str, float], weights: pd.Series, chosen: str) -> str:
        esc = html.escape
        total = sum(raw.values())
        label = esc(strategy.SELECTION_CRITERIA.get(chosen, chosen).lower())
        note = ""
        if abs(total - 1.0) > 1e-9:
            note = (
                f"<p><i>The weights add up to {total:.0%}, so each is divided by {total:.2f}: "
                + ", ".join(
                    f"{esc(strategy.SELECTION_CRITERIA.get(k, k).lower())} {v:.1%}"
                    for k, v in weights.items()
                )
                + ".</i></p>"
            )
        rows = "".join(
            f"<tr><td>{int(row['rank'])}</td><td>{esc(str(option))}</td>"
            f"<td style='text-align:right'>{row['total']:.2f}</td></tr>"
            for option, row in self.result.iterrows()
        )
        table = (
            "<table style='font-size:14px'><tr><th>Rank</th><th>Option</th>"
            f"<th>Weighted score</th></tr>{rows}</table>"
        )
        row = self.flips.loc[chosen]
        winner = esc(str(row["winner"]))
        rest = total - raw[chosen]
        moves = []
        for side, word in (("up", "Raise"), ("down", "Lower")):
            flip = row[f"flip_{side}"]
            if np.isnan(flip):
                moves.append(f"{word} it as far as you like: {winner} stays first.")
                continue
            slider = ""
            if abs(total - 1.0) > 1e-9 and rest > 0 and flip < 1:
                # the slider value whose share, the other sliders unchanged, is the flip
                slider = f" (slider at {flip * rest / (1 - flip):.1%})"
            moves.append(
                f"{word} its share to <b>{flip:.1%}</b>{slider} and "
                f"<b>{esc(str(row[f'rival_{side}']))}</b> draws level "
                f"({abs(flip - row['weight']) * 100:.1f} points away)."
            )
        return (
            f"<div style='font-size:15px'>{table}{note}<p><b>{winner}</b> wins. The share of "
            f"{label} is {row['weight']:.1%}. " + " ".join(moves) + "</p></div>"
        )

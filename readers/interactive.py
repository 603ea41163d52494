"""Interactive figures (plotly) for the dashboard: the funnel plots, with the same data as the static ones
(readers/figures.py: the units' own limits from the marts, nothing recomputed). Hovering a dot shows the unit, its
observed and expected counts, the ratio and its rank; the dashboard opens a unit's page when its dot is clicked
(each dot carries the unit code as `customdata[0]`). Labels of the listed units are placed so that they do not
overlap: they stand in a column right of the labelled dots, each with a line to its dot."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from readers import formatting as fmt
from readers.figures import LABELLED_UNITS_MAX, SYNTHETIC_STAMP, funnel_data
from readers.queries import Statistic

LIMIT_STYLES = {"95": ("95 % limits", "dash"), "998": ("99.8 % limits", "solid")}
LABEL_GAP = 0.045  # the smallest vertical distance between two labels, as a share of the plot's height
LABEL_COLUMN_OFFSET = 0.6  # the label column's distance right of the rightmost labelled dot, in decades of the x axis


def spread_labels(positions: list[float], gap: float) -> list[float]:
    """Label heights (in the plot's 0..1 scale) as close as possible to `positions`, at least `gap` apart: sorted,
    pushed up where they crowd, then the whole stack moved down if it left the top."""
    order = sorted(range(len(positions)), key=lambda index: positions[index])
    placed = [0.0] * len(positions)
    floor = -math.inf
    for index in order:
        floor = max(positions[index], floor + gap)
        placed[index] = floor
    overshoot = max(placed, default=0.0) - 0.98
    if overshoot > 0:
        placed = [max(0.02, value - overshoot) for value in placed]
    return placed


def hover_text(units: pd.DataFrame, statistic: Statistic) -> list[str]:
    observed_word = "less-serious matches" if statistic.number == 3 else "matches"
    return [
        f"<b>{unit.unit_name}</b> ({unit.county_fips})<br>{fmt.count(unit.observed)} {observed_word}, about "
        f"{fmt.amount(unit.expected)} expected<br>ratio {fmt.ratio(unit.ratio)}<br>"
        + (f"rank {int(unit.anomaly_rank)}" if pd.notna(unit.anomaly_rank) else "not ranked")
        + (f", place {int(unit.review_rank)} on the review list" if unit.on_list else "")
        for unit in units.itertuples()
    ]


def funnel_figure(statistic: Statistic, scores: pd.DataFrame, synthetic: bool = False) -> go.Figure:
    """Interactive funnel plot of one statistic in one period (queries.statistic_scores)."""
    units = funnel_data(statistic, scores)
    figure = go.Figure()
    x_title = "known-level matches n" if statistic.number == 3 else "expected count E"
    if not units.empty:
        for level, (label, dash) in LIMIT_STYLES.items():
            for bound in ("upper", "lower"):
                figure.add_trace(
                    go.Scatter(
                        x=units["size"],
                        y=units[f"ratio_{bound}_{level}"],
                        mode="lines",
                        name=label,
                        line={"color": "#1f77b4", "width": 1, "dash": dash},
                        hoverinfo="skip",
                        showlegend=bound == "upper",
                    )
                )
        ceiling = max(2.0, min(float(units["ratio_upper_95"].iloc[0]), 12.0), float(units["ratio"].quantile(0.995)))
        ceiling *= 1.1
        for on_list, group in units.groupby("on_list"):
            figure.add_trace(
                go.Scatter(
                    x=group["size"],
                    y=group["ratio"].clip(upper=ceiling * 0.98),
                    mode="markers",
                    name="on the review list" if on_list else "other units",
                    marker={
                        "size": 9 if on_list else 5,
                        "color": "#d62728" if on_list else "#888888",
                        "opacity": 1.0 if on_list else 0.55,
                        "symbol": ["triangle-up" if r > ceiling * 0.98 else "circle" for r in group["ratio"]],
                    },
                    customdata=group[["county_fips"]].to_numpy(),
                    hovertext=hover_text(group, statistic),
                    hoverinfo="text",
                )
            )
        labelled = units[units["on_list"]].sort_values("review_rank").head(LABELLED_UNITS_MAX)
        if not labelled.empty:
            # The labels stand in one column right of the labelled dots, spread so that they do not overlap, each
            # with a line to its own dot (the arrow's tail at the label, in data coordinates).
            column = min(
                math.log10(float(labelled["size"].max())) + LABEL_COLUMN_OFFSET,
                math.log10(float(units["size"].max())) - LABEL_COLUMN_OFFSET,
            )
            shown = [min(float(r), ceiling * 0.98) for r in labelled["ratio"]]
            heights = spread_labels([value / ceiling for value in shown], LABEL_GAP)
            for unit, y, height in zip(labelled.itertuples(), shown, heights, strict=True):
                above = f" ({fmt.ratio(unit.ratio)}, above the plot)" if unit.ratio > ceiling * 0.98 else ""
                figure.add_annotation(
                    x=math.log10(unit.size),
                    y=y,
                    xref="x",
                    yref="y",
                    ax=column,
                    ay=height * ceiling,
                    axref="x",
                    ayref="y",
                    text=f"{int(unit.review_rank)} {unit.unit_name}{above}",
                    showarrow=True,
                    arrowhead=0,
                    arrowwidth=0.6,
                    arrowcolor="#666666",
                    font={"size": 10},
                    xanchor="left",
                    bgcolor="rgba(255,255,255,0.8)",
                )
        figure.update_yaxes(range=[0, ceiling])
    if synthetic:
        figure.add_annotation(
            text=SYNTHETIC_STAMP,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            textangle=-20,
            font={"size": 26, "color": "rgba(230,120,0,0.35)"},
        )
    figure.add_hline(y=1.0, line={"color": "black", "width": 1})
    figure.update_layout(
        title=statistic.label,
        xaxis_title=f"{x_title} (log scale)",
        yaxis_title="observed / expected",
        xaxis_type="log",
        height=560,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h"},
        clickmode="event+select",
        dragmode="zoom",  # Streamlit turns a click into a selection only when dragmode is not select or lasso
    )
    return figure

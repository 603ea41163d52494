"""Funnel plots of the three statistics (METHODS.md "Scores" step 5), shared by the dashboard and the report.

Statistics 1 and 2 are variance-stabilised by y = sqrt(O/E) with s = 1/(2 sqrt(E)), so their overdispersed limits
on the ratio scale are (1 ± z sqrt(1/(4E) + τ²))², floored at 0, as functions of E. Statistic 3 is stabilised on the
share scale, y = asin(sqrt(O/n)) - asin(sqrt(π)) with s = 1/(2 sqrt(n)); its limits need π, so the plot draws them
for the period's mean expected share π̄ as functions of n: sin²(asin(sqrt(π̄)) ± z sqrt(1/(4n) + τ²)) / π̄.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dashboard.queries import Statistic

FUNNEL_LEVELS: tuple[tuple[str, float, str], ...] = (
    ("95 %", 1.959963984540054, "--"),
    ("99.8 %", 3.090232306167813, "-"),
)
LABELLED_UNITS_MAX = 12


def ratio_limits(expected: np.ndarray, tau2: float, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Statistics 1-2: overdispersed limits of O/E at expected count E, (1 ± z sqrt(1/(4E) + τ²))², floor 0."""
    half_width = z * np.sqrt(1.0 / (4.0 * expected) + tau2)
    return np.clip(1.0 - half_width, 0.0, None) ** 2, (1.0 + half_width) ** 2


def share_ratio_limits(
    known_level: np.ndarray, mean_share: float, tau2: float, z: float
) -> tuple[np.ndarray, np.ndarray]:
    """Statistic 3: limits of the ratio (O/n)/π̄ at n known-level matches, for the mean expected share π̄."""
    centre = np.arcsin(np.sqrt(mean_share))
    half_width = z * np.sqrt(1.0 / (4.0 * known_level) + tau2)
    lower = np.sin(np.clip(centre - half_width, 0.0, np.pi / 2)) ** 2
    upper = np.sin(np.clip(centre + half_width, 0.0, np.pi / 2)) ** 2
    return lower / mean_share, upper / mean_share


def funnel_caption(statistic: Statistic, scores: pd.DataFrame) -> str:
    """What the funnel plot of `statistic` shows, in words, with τ² and (statistic 3) π̄."""
    eligible = scores[scores["is_eligible"]]
    tau2 = float(eligible["tau2"].max()) if len(eligible) else float("nan")
    method = eligible["tau2_method"].iloc[0] if len(eligible) else "n/a"
    common = (
        f"{len(eligible)} eligible units; limits 95 % and 99.8 %, overdispersed (τ² = {tau2:.4g}, {method}); "
        f"review-list units in red, the top {LABELLED_UNITS_MAX} labelled; ratios above the plot are drawn at its "
        "top edge as triangles."
    )
    if statistic.number == 3:
        mean_share = float(eligible["expected_share"].mean()) if len(eligible) else float("nan")
        return (
            f"x: known-level matches n; y: observed / expected less-serious matches. The limits are drawn for the "
            f"period's mean expected share π̄ = {mean_share:.3f} (each unit's own limits use its own π). {common}"
        )
    return f"x: expected count E (log scale); y: observed / expected. {common}"


def funnel_figure(statistic: Statistic, scores: pd.DataFrame) -> Figure:
    """Funnel plot of one statistic in one period: eligible units, limits as functions of E (or n), the units on
    the review list marked and labelled. `scores` is queries.statistic_scores()."""
    figure = Figure(figsize=(9, 5.5), layout="constrained")
    axes = figure.add_subplot()
    eligible = scores[scores["is_eligible"]].copy()
    x_column = "matches_known_level" if statistic.number == 3 else "expected"
    axes.set_xscale("log")
    axes.set_xlabel("known-level matches n (log scale)" if statistic.number == 3 else "expected count E (log scale)")
    axes.set_ylabel("ratio O / E")
    axes.set_title(statistic.label)
    axes.axhline(1.0, color="black", linewidth=0.8)
    if eligible.empty:
        axes.text(0.5, 0.5, "no eligible unit in this period", transform=axes.transAxes, ha="center")
        return figure

    x = eligible[x_column].astype(float).to_numpy()
    grid = np.geomspace(max(x.min() * 0.8, 1.0), x.max() * 1.25, 300)
    tau2 = float(eligible["tau2"].max())
    mean_share = float(eligible["expected_share"].mean()) if statistic.number == 3 else 0.0
    widest = 0.0
    for name, z, style in FUNNEL_LEVELS:
        if statistic.number == 3:
            lower, upper = share_ratio_limits(grid, mean_share, tau2, z)
        else:
            lower, upper = ratio_limits(grid, tau2, z)
        widest = max(widest, float(upper[0]))
        axes.plot(grid, upper, style, color="tab:blue", linewidth=1, label=f"{name} limits")
        axes.plot(grid, lower, style, color="tab:blue", linewidth=1)

    ceiling = max(2.0, widest, float(np.nanquantile(eligible["ratio"], 0.995))) * 1.1
    eligible["shown_ratio"] = eligible["ratio"].clip(upper=ceiling * 0.98)
    eligible["off_scale"] = eligible["ratio"] > ceiling * 0.98
    eligible["on_list"] = eligible["is_flagged"].fillna(False).astype(bool)
    for (on_list, off_scale), units in eligible.groupby(["on_list", "off_scale"]):
        axes.scatter(
            units[x_column],
            units["shown_ratio"],
            s=28 if on_list else 8,
            color="tab:red" if on_list else "grey",
            alpha=1.0 if on_list else 0.5,
            marker="^" if off_scale else "o",
            zorder=3 if on_list else 2,
            label=None if off_scale else ("on the review list" if on_list else "eligible units"),
        )
    labelled = eligible[eligible["on_list"]].sort_values("anomaly_rank").head(LABELLED_UNITS_MAX)
    for _, unit in labelled[~labelled["off_scale"]].iterrows():
        axes.annotate(
            f"{int(unit['anomaly_rank'])} {unit['unit_name']}",
            (float(unit[x_column]), float(unit["ratio"])),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
        )
    above = labelled[labelled["off_scale"]]
    if len(above):
        axes.text(
            0.99,
            0.62,
            "above the plot (ratio):\n"
            + "\n".join(f"{int(u.anomaly_rank)} {u.unit_name} ({u.ratio:.1f})" for u in above.itertuples()),
            transform=axes.transAxes,
            ha="right",
            va="top",
            fontsize=7,
            bbox={"facecolor": "white", "edgecolor": "tab:red", "alpha": 0.9},
        )
    axes.set_ylim(0, ceiling)
    axes.legend(loc="upper right", fontsize=8)
    return figure

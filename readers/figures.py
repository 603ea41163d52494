"""Static figures (matplotlib) for the quarterly report and the review packets: funnel plots and trend charts.

Funnel limits are never recomputed here: every eligible unit carries its own 95 % and 99.8 % limits in the marts
(`ratio_lower_95` ... `ratio_upper_998`, computed by the macro funnel_limit), and the curves are drawn through
them in order of the unit's size (statistics 1-2: the expected count E, on which alone their limits depend;
statistic 3: the known-level matches n, whose limits also depend on each unit's expected share, so the curve is
the units' own limits, not a smooth line). The dashboard draws the same data interactively (readers/interactive.py).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import pandas as pd
from matplotlib.figure import Figure

from readers.queries import Statistic

LABELLED_UNITS_MAX = 12
LIMITS: tuple[tuple[str, str, str], ...] = (("95", "95 % limits", "--"), ("998", "99.8 % limits", "-"))
SYNTHETIC_STAMP = "SYNTHETIC INPUTS: demonstration, not findings"


def funnel_size_column(statistic: Statistic) -> str:
    """The x of a funnel plot: E for statistics 1-2, the known-level matches n for statistic 3."""
    return "matches_known_level" if statistic.number == 3 else "expected"


def funnel_data(statistic: Statistic, scores: pd.DataFrame) -> pd.DataFrame:
    """The eligible units of `scores` (queries.statistic_scores) sorted by size, with `size` (the x) and `on_list`."""
    eligible = scores[scores["is_eligible"].fillna(False).astype(bool)].copy()
    eligible["size"] = eligible[funnel_size_column(statistic)].astype(float)
    eligible["on_list"] = eligible["is_flagged"].fillna(False).astype(bool)
    return eligible.sort_values("size")


def funnel_caption(statistic: Statistic, scores: pd.DataFrame) -> str:
    """What the funnel plot of `statistic` shows, in words."""
    eligible = funnel_data(statistic, scores)
    tau2 = float(eligible["tau2"].max()) if len(eligible) else float("nan")
    method = eligible["tau2_method"].iloc[0] if len(eligible) else "n/a"
    x = "known-level matches n" if statistic.number == 3 else "expected count E"
    return (
        f"Each dot is a unit ({len(eligible)} scored); x: its {x} (log scale); y: observed / expected. The lines are "
        f"the units' own 95 % and 99.8 % limits, widened for the real spread between counties (τ² = {tau2:.4g}, "
        f"{method}): a unit above the solid line is further from expectation than 998 in 1,000 innocent units of its"
        f" size would be. Units on the review list are red, the first {LABELLED_UNITS_MAX} labelled; a triangle at "
        "the top edge is above the plot."
    )


def funnel_figure(statistic: Statistic, scores: pd.DataFrame, synthetic: bool = False) -> Figure:
    """Funnel plot of one statistic in one period, the review-list units marked and labelled."""
    figure = Figure(figsize=(9, 5.5), layout="constrained")
    axes = figure.add_subplot()
    units = funnel_data(statistic, scores)
    axes.set_xscale("log")
    axes.set_xlabel("known-level matches n (log scale)" if statistic.number == 3 else "expected count E (log scale)")
    axes.set_ylabel("observed / expected")
    axes.set_title(statistic.label)
    axes.axhline(1.0, color="black", linewidth=0.8)
    if synthetic:
        axes.text(
            0.5,
            0.5,
            SYNTHETIC_STAMP,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=16,
            color="tab:orange",
            alpha=0.35,
            rotation=20,
            zorder=0,
        )
    if units.empty:
        axes.text(0.5, 0.5, "no eligible unit in this period", transform=axes.transAxes, ha="center")
        return figure
    widest = 0.0
    for level, label, style in LIMITS:
        axes.plot(units["size"], units[f"ratio_upper_{level}"], style, color="tab:blue", linewidth=0.9, label=label)
        axes.plot(units["size"], units[f"ratio_lower_{level}"], style, color="tab:blue", linewidth=0.9)
        widest = max(widest, float(units[f"ratio_upper_{level}"].iloc[0]))
    ceiling = max(2.0, min(widest, 12.0), float(units["ratio"].quantile(0.995))) * 1.1
    units["shown_ratio"] = units["ratio"].clip(upper=ceiling * 0.98)
    units["off_scale"] = units["ratio"] > ceiling * 0.98
    for (on_list, off_scale), group in units.groupby(["on_list", "off_scale"]):
        axes.scatter(
            group["size"],
            group["shown_ratio"],
            s=28 if on_list else 8,
            color="tab:red" if on_list else "grey",
            alpha=1.0 if on_list else 0.5,
            marker="^" if off_scale else "o",
            zorder=3 if on_list else 2,
            label=None if off_scale else ("on the review list" if on_list else "other units"),
        )
    labelled = units[units["on_list"]].sort_values("review_rank").head(LABELLED_UNITS_MAX)
    for unit in labelled[~labelled["off_scale"]].itertuples():
        axes.annotate(
            f"{int(unit.review_rank)} {unit.unit_name}",
            (unit.size, unit.ratio),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
        )
    above = labelled[labelled["off_scale"]]
    if len(above):
        axes.text(
            0.99,
            0.62,
            "above the plot:\n"
            + "\n".join(f"{int(u.review_rank)} {u.unit_name} ({u.ratio:.1f}×)" for u in above.itertuples()),
            transform=axes.transAxes,
            ha="right",
            va="top",
            fontsize=7,
            bbox={"facecolor": "white", "edgecolor": "tab:red", "alpha": 0.9},
        )
    axes.set_ylim(0, ceiling)
    axes.legend(loc="upper right", fontsize=8)
    return figure


def png(figure: Figure, dpi: int = 90) -> bytes:
    """A figure as PNG bytes, for embedding."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()

"""The quarterly report: one self-contained HTML file (figures embedded as PNG, no external CSS or JS) from the
published warehouse, for analysts and for the record.

    .venv/bin/python scripts/report.py --period 2012Q3 --database build/published/sc_monitoring.duckdb --out report.html

Default period: the one the build reported on; default database: the published copy (env SCM_PUBLISHED_DATABASE).
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import queries
from dashboard.figures import funnel_caption, funnel_figure

STYLE = """
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
.synthetic { border: 3px solid #c60; background: #fff3e0; padding: 0.8em 1em; font-weight: bold; }
figure { margin: 1em 0; } figcaption { font-size: 0.85em; color: #444; }
"""


def table_html(frame: pd.DataFrame) -> str:
    """A DataFrame as a plain HTML table, values escaped."""
    if frame.empty:
        return "<p><em>none</em></p>"
    return frame.to_html(index=False, escape=True, na_rep="", float_format=lambda value: f"{value:.3g}")


def figure_html(png: bytes, alt: str, caption: str) -> str:
    """An embedded PNG with its caption."""
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def funnel_sections(database: Path, period: str) -> list[str]:
    """The three funnel plots, rendered by the dashboard's figure code."""
    sections = []
    for statistic in queries.STATISTICS:
        scores = queries.statistic_scores(database, statistic, period)
        buffer = io.BytesIO()
        funnel_figure(statistic, scores).savefig(buffer, format="png", dpi=90)
        sections.append(figure_html(buffer.getvalue(), statistic.label, funnel_caption(statistic, scores)))
    return sections


def run_section(database: Path, period: str) -> str:
    """What was run on which data: the release, the period's settings per statistic, the review-list size."""
    manifest = queries.release_manifest(database)
    settings = queries.run_settings(database, period)
    review = queries.review_list(database, period)
    release = (
        f"Release published {html.escape(str(manifest.get('released_at')))} from build database "
        f"<code>{html.escape(str(manifest.get('source_database')))}</code>."
        if manifest
        else "No release.json beside the database (not a published release)."
    )
    window = settings.iloc[0]
    return (
        f"<p>{release} Database read: <code>{html.escape(str(database))}</code>.</p>"
        f"<p>Reporting period {html.escape(period)}: window {window['window_start_date']:%Y-%m-%d} to "
        f"{window['window_end_date']:%Y-%m-%d}; review list of {len(review)} units; between-county variance "
        f"τ² by <code>{html.escape(str(window['tau2_method']))}</code>.</p>"
        + table_html(settings.drop(columns=["statistic", "window_start_date", "window_end_date"]))
    )


def review_list_section(review: pd.DataFrame) -> str:
    """The review list with the reasons in words."""
    return table_html(
        pd.DataFrame(
            {
                "rank": review["anomaly_rank"],
                "unit": review["county_fips"],
                "name": review["unit_name"],
                "combined score": review["combined_score"],
                "z 1": review["match_rate_z_score"],
                "z 2": review["crime_adjusted_z_score"],
                "z 3": review["minor_share_z_score"],
                "significant": review["is_significant"],
                "reasons": review["flag_reasons"],
                "analyst notes": review["analyst_notes"],
            }
        )
    )


def changes_section(database: Path, period: str, review: pd.DataFrame) -> str:
    """What changed since the previous quarter: new on the list, dropped off, rank changes."""
    previous = review["previous_reporting_period"].dropna()
    if review.empty or review["is_new_on_list"].isna().all():
        label = previous.iloc[0] if len(previous) else "the previous quarter"
        return f"<p>{html.escape(str(label))} is not in the data: no comparison.</p>"
    new = review[review["is_new_on_list"].fillna(False).astype(bool)]
    stayed = review[~review["is_new_on_list"].fillna(False).astype(bool)]
    return (
        f"<h3>New on the list ({len(new)})</h3>"
        + table_html(new[["anomaly_rank", "county_fips", "unit_name", "previous_anomaly_rank"]])
        + "<h3>Dropped off the list</h3>"
        + table_html(queries.dropped_off_list(database, period))
        + "<h3>Rank changes of units on both lists (positive = moved up)</h3>"
        + table_html(stayed[["anomaly_rank", "county_fips", "unit_name", "previous_anomaly_rank", "rank_change"]])
    )


def data_quality_section(database: Path, period: str) -> str:
    """Units not scored and why, UCR coverage, the unknown-level share of matches."""
    unknown = queries.unknown_level_share(database, period).iloc[0]
    share = unknown["unknown_level_share"]
    return (
        "<h3>Units not scored, per statistic and reason</h3>"
        + table_html(queries.units_not_scored(database, period).drop(columns=["statistic"]))
        + "<h3>UCR coverage indicator of units with submissions</h3>"
        + "<p>Statistics 2 and 3 need coverage of at least <code>min_ucr_coverage</code> (default 80).</p>"
        + table_html(queries.ucr_coverage_distribution(database, period))
        + "<h3>Matches of unknown ICE level</h3>"
        + f"<p>{unknown['matches_unknown_level']:,.0f} of {unknown['matches_total']:,.0f} matches "
        + (f"({share:.1%})" if pd.notna(share) else "")
        + f" have no level; less-serious means <code>{html.escape(str(unknown['minor_definition']))}</code>.</p>"
    )


def render_report(database: Path, period: str) -> str:
    """The whole report as one HTML document."""
    review = queries.review_list(database, period)
    synthetic = queries.uses_synthetic_inputs(database, period)
    note = (
        '<p class="synthetic">Synthetic inputs: the UCR arrests in this warehouse are a labelled placeholder, not FBI '
        "data. Statistics 2 and 3, and every combined score that uses them, are a demonstration, not findings.</p>"
        if synthetic
        else "<p>All inputs are real data (no synthetic placeholder in play).</p>"
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<h1>Secure Communities statistical monitoring: {html.escape(period)}</h1>",
        note,
        f"<p>Generated {generated}. A high rank selects a unit for review; it proves nothing.</p>",
        "<h2>What was run, on which data</h2>",
        run_section(database, period),
        "<h2>Review list</h2>",
        review_list_section(review),
        "<h2>Funnel plots</h2>",
        *funnel_sections(database, period),
        "<h2>What changed since last quarter</h2>",
        changes_section(database, period, review),
        "<h2>Data quality</h2>",
        data_quality_section(database, period),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>SC monitoring report {html.escape(period)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Write the report of --period from --database to --out."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--period", help="reporting period YYYYQn (default: the build's selected period)")
    parser.add_argument("--database", type=Path, default=queries.published_database(), help="published copy")
    parser.add_argument("--out", type=Path, required=True, help="HTML file to write")
    arguments = parser.parse_args(argv)
    periods = queries.reporting_periods(arguments.database)["reporting_period"].tolist()
    period = arguments.period or queries.selected_period(arguments.database)
    if period not in periods:
        parser.error(f"--period {period} is not in the data (periods: {', '.join(periods)})")
    temporary = arguments.out.with_name(f".{arguments.out.name}.tmp")
    temporary.write_text(render_report(arguments.database, period), encoding="utf-8")
    temporary.replace(arguments.out)
    print(f"wrote {arguments.out} ({period})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The quarterly report: one self-contained HTML file (figures embedded as PNG, no external CSS, script or font)
from the published warehouse, for reviewers and for the record: what was run on which data and which version of
the record it is, the review list with its reasons, the high scores a custody site explains, the funnel plots, what
changed since the previous quarter and the data-quality figures.

Written by `python3 scripts/scm.py report [--period YYYYQn]` into the current release.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from readers import formatting as fmt
from readers import queries
from readers.figures import funnel_caption, funnel_figure, png
from readers.packet import context_table, load_unit_packet, place_text, statistics_table, ucr_data_quality_warnings

STYLE = """
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; color: #222; line-height: 1.35; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.reasons { max-width: 60em; }
.synthetic { border: 3px solid #c60; background: #fff3e0; padding: 0.8em 1em; font-weight: bold; }
.custody { border-left: 4px solid #669; padding-left: 0.8em; }
.summary { page-break-before: always; } .note { color: #555; font-size: 0.9em; }
figure { margin: 1em 0; } figcaption { font-size: 0.85em; color: #444; max-width: 60em; }
@media print { figure, tr { page-break-inside: avoid; } }
"""

RecordVersions = Callable[[str], list[dict[str, object]]]


def table_html(rows: list[dict[str, str]], wide_columns: tuple[str, ...] = ("reasons",)) -> str:
    """Rows of already formatted text as an HTML table (escaped); a wide column gets the `reasons` class."""
    if not rows:
        return "<p><em>none</em></p>"
    header = "".join(f"<th>{html.escape(column)}</th>" for column in rows[0])
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="reasons">{html.escape(value)}</td>'
            if column in wide_columns
            else f"<td>{html.escape(value)}</td>"
            for column, value in row.items()
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def figure_html(image: bytes, alt: str, caption: str) -> str:
    encoded = base64.b64encode(image).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def record_text(versions: list[dict[str, object]]) -> str:
    """Which version of the operator's record this release is, and whether it was sent to reviewers."""
    if not versions:
        return "This period's list is not in the operator's record (not published by `scm.py run`)."
    latest = versions[-1]
    sent = latest["sent"]
    sending = (
        "; ".join(
            f"sent {fmt.day(item['sent_at'])} by {item['sent_by']}" + (f" ({item['note']})" if item["note"] else "")
            for item in sent  # type: ignore[union-attr]
        )
        if sent
        else "not yet sent to reviewers (`scm.py send` records it)"
    )
    return f"Version {latest['version']} of {len(versions)} in the operator's record: {sending}."


def run_section(database: Path, period: str, versions: list[dict[str, object]]) -> str:
    """What was run on which data: the release, the data, the settings, the record's version."""
    manifest = queries.release_manifest(database) or {}
    settings = queries.run_settings(database, period)
    window = settings.iloc[0]
    run_vars = manifest.get("vars") or {}
    rows = [
        {"": "release published", "value": fmt.text(manifest.get("released_at", "not a published release"))[:16]},
        {"": "data", "value": fmt.text(manifest.get("data", "unknown"))},
        {"": "reporting period", "value": period},
        {"": "window", "value": f"{fmt.day(window['window_start_date'])} to {fmt.day(window['window_end_date'])}"},
        {"": "statistics ranked", "value": queries.ranked_statistics(database, period)},
        {"": "review list size", "value": fmt.text(run_vars.get("review_list_size"))},
        {"": "custody sites", "value": fmt.text(run_vars.get("custody_sites"))},
        {"": "between-county variance", "value": fmt.text(window["tau2_method"])},
        {"": "record", "value": record_text(versions)},
    ]
    statistics = [
        {
            "statistic": str(row.label),
            "units scored": fmt.count(row.n_eligible),
            "units in all": fmt.count(row.n_units),
            "τ²": fmt.decimal(row.tau2, 4),
            "calibration k": f"{row.calibration_constant:.4g}",
        }
        for row in settings.itertuples()
    ]
    return table_html(rows) + table_html(statistics)


def review_rows(units: pd.DataFrame, place_column: str) -> list[dict[str, str]]:
    return [
        {
            "place": fmt.text(int(unit[place_column])) if pd.notna(unit[place_column]) else fmt.MISSING,
            "rank": fmt.text(int(unit["anomaly_rank"])),
            "unit": str(unit["county_fips"]),
            "name": str(unit["unit_name"]),
            "score": fmt.decimal(unit["combined_score"], 1),
            "beyond chance": fmt.yes_no(unit["is_significant"]),
            "reasons": str(unit["flag_reasons"]),
            "analyst notes": fmt.text(unit["analyst_notes"]),
        }
        for _, unit in units.iterrows()
    ]


def packet_summaries(database: Path, period: str) -> str:
    """A one-page summary of each listed unit's review packet (the full packets: `scm.py packet`)."""
    pages = []
    for _, row in queries.packet(database, period).iterrows():
        if not bool(row["is_flagged"]):
            continue
        packet = load_unit_packet(database, row)
        context = context_table(row)
        context = context[
            context["figure"].str.startswith(
                ("Population", "Foreign-born", "Submissions per", "ICE", "State prison intake")
            )
        ]
        firmness = (
            f"rank interval {int(row['rank_lower_90'])} to {int(row['rank_upper_90'])} (90 % of redraws), on the "
            f"list in {fmt.share(row['share_of_replicates_on_list'], 0)} of them; "
            f"{fmt.text(row['sensitivity_summary'])}"
            if not fmt.is_missing(row["rank_lower_90"])
            else fmt.text(row["sensitivity_summary"])
        )
        pages.append(
            '<div class="summary">'
            f"<h3>{int(row['review_rank'])}. {html.escape(packet.title)}</h3>"
            f"<p>{html.escape(fmt.sentence(place_text(row)))}. {html.escape(fmt.sentence(firmness))}.</p>"
            f"<p>{html.escape(str(row['flag_reasons']))}</p>"
            + table_html([{str(k): fmt.text(v) for k, v in r.items()} for r in context.to_dict("records")], ())
            + table_html(
                [{str(k): fmt.text(v) for k, v in r.items()} for r in statistics_table(row).to_dict("records")], ()
            )
            + f"<p class='note'>What the data cannot say: {html.escape(fmt.text(row['data_limitations']))}.</p>"
            + "".join(
                f"<p class='note'>UCR data-quality warning: {html.escape(warning)}.</p>"
                for warning in ucr_data_quality_warnings(row)
            )
            + "</div>"
        )
    return "".join(pages) or "<p><em>no listed unit</em></p>"


def changes_section(database: Path, period: str, review: pd.DataFrame) -> str:
    """What changed since the previous quarter: new on the list, dropped off, places changed."""
    previous = review["previous_reporting_period"].dropna()
    if review.empty or review["is_new_on_list"].isna().all():
        label = previous.iloc[0] if len(previous) else "the previous quarter"
        return f"<p>{html.escape(str(label))} is not in the data: no comparison.</p>"
    new = review[review["is_new_on_list"].fillna(False).astype(bool)]
    dropped = queries.dropped_off_list(database, period)
    return (
        f"<h3>New on the list ({len(new)})</h3>"
        + table_html(
            [
                {"place": fmt.text(int(u.review_rank)), "unit": u.county_fips, "name": u.unit_name}
                for u in new.itertuples()
            ]
        )
        + f"<h3>Dropped off the list ({len(dropped)})</h3>"
        + table_html(
            [
                {
                    "unit": u.county_fips,
                    "name": u.unit_name,
                    "rank then": fmt.text(u.previous_anomaly_rank),
                    "rank now": fmt.text(u.anomaly_rank),
                }
                for u in dropped.itertuples()
            ]
        )
    )


def data_quality_section(database: Path, period: str) -> str:
    """Units not scored and why, UCR coverage, the unknown-level share of matches."""
    unknown = queries.unknown_level_share(database, period).iloc[0]
    not_scored = queries.units_not_scored(database, period)
    coverage = queries.ucr_coverage_distribution(database, period)
    return (
        "<h3>Units not scored, per statistic and reason</h3>"
        + table_html(
            [
                {"statistic": r.label, "reason": r.ineligible_reason, "units": fmt.count(r.units)}
                for r in not_scored.itertuples()
            ]
        )
        + "<h3>UCR coverage indicator of units with submissions</h3>"
        + "<p>Statistics 2 and 3 need a coverage of at least 80 (var <code>min_ucr_coverage</code>).</p>"
        + table_html([{"coverage": r.coverage_band, "units": fmt.count(r.units)} for r in coverage.itertuples()])
        + "<h3>Matches of unknown ICE level</h3>"
        + f"<p>{fmt.count(unknown['matches_unknown_level'])} of {fmt.count(unknown['matches_total'])} matches "
        + f"({fmt.share(unknown['unknown_level_share'])}) have no ICE level.</p>"
    )


def render_report(database: Path, period: str, versions: list[dict[str, object]]) -> str:
    """The whole report as one HTML document."""
    review = queries.review_list(database, period)
    custody = queries.custody_explained_high(database, period)
    synthetic = queries.synthetic_inputs(database, period)
    if synthetic["ranked"]:
        note = (
            '<p class="synthetic">Synthetic inputs are ranked in this run (var rank_synthetic_inputs): statistics 2'
            " and 3 rest on a labelled placeholder, not FBI data. This list is a demonstration, not findings.</p>"
        )
    elif synthetic["shown"]:
        note = (
            '<p class="synthetic">Statistics 2 and 3 of this run rest on a synthetic UCR placeholder (county UCR '
            "files may not be redistributed): they are shown in the tables, stamped in the plots, and never "
            f"decide the list, which is ranked on {queries.ranked_statistics(database, period)}.</p>"
        )
    else:
        note = "<p>All inputs of the ranked statistics are real data.</p>"
    figures = []
    for statistic in queries.STATISTICS:
        scores = queries.statistic_scores(database, statistic, period)
        stamped = statistic.number != 1 and synthetic["shown"]
        figures.append(
            figure_html(
                png(funnel_figure(statistic, scores, stamped)), statistic.label, funnel_caption(statistic, scores)
            )
        )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<h1>Secure Communities statistical monitoring: {html.escape(period)}</h1>",
        note,
        f"<p>Generated {generated}. A high rank selects a county for closer review; it proves nothing.</p>",
        "<h2>What was run, on which data</h2>",
        run_section(database, period, versions),
        f"<h2>Review list ({len(review)} units)</h2>",
        table_html(review_rows(review, "review_rank")),
        '<div class="custody">',
        f"<h2>High scores with a known custody explanation ({len(custody)} units, not on the list)</h2>",
        (
            "<p>A jail that holds ICE detainees, or a state prison's intake centre, fingerprints people whom the "
            "immigration database already knows; these units rank above the list's last unit for that reason and "
            "are listed here, never hidden.</p>"
        ),
        table_html(review_rows(custody, "review_rank")),
        "</div>",
        "<h2>Funnel plots</h2>",
        *figures,
        "<h2>One page per listed unit (the review packets in brief)</h2>",
        packet_summaries(database, period),
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


def write_report(
    database: Path, period: str | None, out: Path | None, record_versions: RecordVersions | None = None
) -> Path:
    """Write the report of `period` (default: the build's selected period) from the published `database` to
    `out` (default: report-<period>.html in the database's release folder), atomically. Raises ValueError for a
    period the data does not have."""
    periods = queries.reporting_periods(database)["reporting_period"].tolist()
    chosen = period or queries.selected_period(database)
    if chosen not in periods:
        raise ValueError(f"period {chosen} is not in the published data (periods: {', '.join(periods)})")
    target = out or database.resolve().parent / f"report-{chosen}.html"
    versions = record_versions(chosen) if record_versions else []
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(render_report(database, chosen, versions), encoding="utf-8")
    temporary.replace(target)
    return target

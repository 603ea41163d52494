"""The review packet on paper (METHODS.md "Step 2: the review packet"): for each unit of marts.rpt_review_packet,
the figures of the seven parts as tables people read, the charts, and one self-contained HTML file per unit and one
for the whole list (figures embedded as PNG, no external URL, script or font; printable from a browser), with
every table exported as CSV and XLSX. The dashboard's unit page shows the same tables (`unit_tables`).

Written by `python3 scripts/scm.py packet --period P [--unit FIPS ...]` into the published release:

    <release>/packets/<period>/index.html              the whole list: the list, then every unit's packet
    <release>/packets/<period>/<unit>.html             one unit
    <release>/packets/<period>/<unit>.xlsx             its tables, one sheet each
    <release>/packets/<period>/tables/<unit>/<table>.csv
    <release>/packets/<period>/review-list.csv|.xlsx   the list with the custody section
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from readers import formatting as fmt
from readers import queries
from readers.figures import png
from readers.maps import unit_map_png
from readers.queries import STATISTICS, Statistic

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; line-height: 1.35; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.0em; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
.reasons { background: #f6f6ff; border-left: 4px solid #669; padding: 0.6em 1em; }
.note { color: #555; font-size: 0.9em; }
.synthetic { border: 3px solid #c60; background: #fff3e0; padding: 0.6em 1em; font-weight: bold; }
.packet { page-break-before: always; }
figure { margin: 0.6em 0; } figcaption { font-size: 0.85em; color: #444; }
@media print { body { margin: 0; max-width: none; } figure, tr, table { page-break-inside: avoid; } }
"""
PACKET_FOLDER = "packets"


@dataclass(frozen=True)
class UnitPacket:
    """Everything the packet of one unit shows: its row of rpt_review_packet, its single quarters, its
    neighbours with their statistics, its sensitivity ranks and the counties of the unit and its neighbours."""

    row: pd.Series
    quarters: pd.DataFrame
    neighbours: pd.DataFrame
    sensitivity: pd.DataFrame
    unit_counties: list[str]
    neighbour_counties: pd.DataFrame

    @property
    def fips(self) -> str:
        return str(self.row["county_fips"])

    @property
    def title(self) -> str:
        return f"{self.row['unit_name']} ({self.fips})"


def load_unit_packet(database: Path, row: pd.Series) -> UnitPacket:
    fips, period = str(row["county_fips"]), str(row["reporting_period"])
    return UnitPacket(
        row=row,
        quarters=queries.unit_quarters(database, fips, period),
        neighbours=queries.neighbours(database, fips, period),
        sensitivity=queries.sensitivity(database, fips, period),
        unit_counties=queries.unit_counties(database, fips),
        neighbour_counties=queries.neighbour_counties(database, fips),
    )


# ---------------------------------------------------------------------------------------------------- tables


def period_text(row: pd.Series) -> str:
    """The window and the days the counts really cover, truthfully: the embedded ICE table is cumulative from each
    county's activation, so its counts can start long before the window."""
    window = f"{fmt.day(row['window_start_date'])} to {fmt.day(row['window_end_date'])}"
    if fmt.is_missing(row["counts_start_date"]):
        return f"Window {window}; no counts fall in it."
    counts = f"{fmt.day(row['counts_start_date'])} to {fmt.day(row['counts_end_date'])}"
    if counts == window:
        return f"Window {window}; the counts cover exactly the window."
    cumulative = (
        " (the source table counts cumulatively from the county's activation)"
        if row["counts_start_date"] < row["window_start_date"]
        else ""
    )
    return f"Window {window}; the counts cover {counts}{cumulative}, not the window."


def place_text(row: pd.Series) -> str:
    if bool(row["is_flagged"]):
        return f"place {int(row['review_rank'])} on the review list (rank {int(row['anomaly_rank'])} of all units)"
    if bool(row["is_custody_explained_high"]):
        return f"rank {int(row['anomaly_rank'])}: a high score with a known custody explanation, listed apart"
    rank = "not ranked" if fmt.is_missing(row["anomaly_rank"]) else f"rank {int(row['anomaly_rank'])}"
    return f"{rank}; added to the packets on request"


def context_table(row: pd.Series) -> pd.DataFrame:
    """Part 4: demographics and context, in words and formatted figures."""
    adp = row["ice_detainee_adp"]
    rows = [
        ("Population (2010 Census)", fmt.count(row["population_2010"])),
        (
            "Foreign-born share (ACS " + fmt.text(row["acs_vintage"]) + ")",
            fmt.share(row["foreign_born_share"])
            + (
                ""
                if fmt.is_missing(row["foreign_born_share_moe"])
                else f" ± {fmt.share(row['foreign_born_share_moe'])}"
            ),
        ),
        ("Hispanic share (2010)", fmt.share(row["hispanic_share_2010"])),
        ("Black share, non-Hispanic (2010)", fmt.share(row["black_share_2010"])),
        ("White share, non-Hispanic (2010)", fmt.share(row["white_share_2010"])),
        ("Residents per square mile (2010)", fmt.amount(row["population_density_2010"])),
        ("Fingerprint submissions counted", fmt.count(row["submissions"])),
        ("IDENT matches counted", fmt.count(row["matches_total"])),
        ("Submissions per 1,000 residents a year", fmt.amount(row["submissions_per_1000_residents"])),
        ("Matches with a known ICE level", fmt.share(row["known_level_share"], 0)),
        (
            "UCR coverage indicator",
            fmt.decimal(row["ucr_coverage_indicator"], 0)
            + (" (synthetic placeholder)" if row["ucr_is_synthetic"] else ""),
        ),
        (
            "ICE detainees a day (fiscal year of the period)",
            fmt.amount(adp)
            + (
                ""
                if fmt.is_missing(adp)
                else f" ({fmt.decimal(row['ice_detainee_adp_per_10k'], 1)} per 10,000 residents)"
            ),
        ),
        ("State prison intake centre", fmt.yes_no(row["has_state_intake_centre"])),
        ("State prison capacity per 10,000 residents", fmt.amount(row["state_prison_capacity_per_10k"])),
        ("Secure Communities active since", fmt.day(row["activation_date"])),
        (
            "State's Secure Communities agreement (ICE signed)",
            fmt.day(row["state_agreement_ice_signature_date"])
            if not fmt.is_missing(row["state_agreement_ice_signature_date"])
            else "no state agreement in the data",
        ),
    ]
    return pd.DataFrame(rows, columns=["figure", "value"])


def statistics_table(row: pd.Series) -> pd.DataFrame:
    """Parts 1 and 3 per statistic: the ratio, whether it was ranked, the trend and the neighbours."""
    rows = []
    for statistic in STATISTICS:
        p = statistic.prefix
        shift = row[f"{p}_level_shift_rate_ratio"]
        rows.append(
            {
                "statistic": statistic.label,
                "ratio in the window": fmt.ratio(row[f"{p}_ratio"]),
                "ranked": fmt.yes_no(row[f"{p}_is_ranked"]),
                "quarters scored": fmt.count(row[f"{p}_n_quarters_scored"]),
                "first quarter above its 99.8 % limit": fmt.text(row[f"{p}_first_quarter_above_limit"]),
                "level shift (window against earlier quarters)": fmt.MISSING
                if fmt.is_missing(shift)
                else f"{fmt.ratio(shift)} "
                f"({fmt.ratio(row[f'{p}_level_shift_lower_95'])} to {fmt.ratio(row[f'{p}_level_shift_upper_95'])})",
                "neighbours scored": fmt.count(row[f"{p}_n_neighbours_scored"]),
                "neighbours' pooled ratio": fmt.ratio(row[f"{p}_neighbour_ratio"]),
                "local z (against the neighbours)": fmt.decimal(row[f"{p}_local_z"], 1),
            }
        )
    return pd.DataFrame(rows)


def seasonality_table(row: pd.Series) -> pd.DataFrame:
    """Part 2: with 8 or more quarters, the ratio in each quarter of the year against the unit's overall ratio."""
    rows = []
    for statistic in STATISTICS:
        values = [row[f"{statistic.prefix}_seasonal_ratio_q{quarter}"] for quarter in range(1, 5)]
        if all(fmt.is_missing(value) for value in values):
            continue
        rows.append({"statistic": statistic.label, **{f"Q{q}": fmt.ratio(v) for q, v in enumerate(values, 1)}})
    return pd.DataFrame(rows)


def trend_table(quarters: pd.DataFrame) -> pd.DataFrame:
    """Part 1: every single quarter of every statistic, as scored on its own."""
    return pd.DataFrame(
        {
            "quarter": quarters["quarter"],
            "statistic": quarters["statistic_name"],
            "observed": quarters["observed"].map(fmt.count),
            "expected": quarters["expected"].map(fmt.amount),
            "ratio": quarters["ratio"].map(fmt.ratio),
            "95 % limits": [
                f"{fmt.ratio(low)} to {fmt.ratio(high)}" if not fmt.is_missing(low) else fmt.MISSING
                for low, high in zip(quarters["ratio_lower_95"], quarters["ratio_upper_95"], strict=True)
            ],
            "99.8 % limits": [
                f"{fmt.ratio(low)} to {fmt.ratio(high)}" if not fmt.is_missing(low) else fmt.MISSING
                for low, high in zip(quarters["ratio_lower_998"], quarters["ratio_upper_998"], strict=True)
            ],
            "above the 99.8 % limit": quarters["is_above_limit"].map(fmt.yes_no),
            "not scored because": quarters["ineligible_reason"].map(fmt.not_scored_words),
        }
    )


def submissions_table(quarters: pd.DataFrame) -> pd.DataFrame:
    """Part 5: submissions per resident by quarter, and the changes of more than half."""
    first = quarters[quarters["statistic"] == 1]
    return pd.DataFrame(
        {
            "quarter": first["quarter"],
            "submissions": first["submissions"].map(fmt.count),
            "per 1,000 residents a year": first["submissions_per_1000_residents"].map(fmt.amount),
            "change against the previous quarter": first["submissions_change"].map(
                lambda value: fmt.MISSING if fmt.is_missing(value) else f"{100 * value:+.0f} %"
            ),
            "changed by more than half": first["is_data_system_change"].map(fmt.yes_no),
        }
    )


def neighbour_table(neighbours: pd.DataFrame) -> pd.DataFrame:
    """Part 3: the adjacent units in the same period."""
    return pd.DataFrame(
        {
            "unit": neighbours["county_fips"],
            "name": neighbours["unit_name"],
            "rank": neighbours["anomaly_rank"].map(
                lambda rank: fmt.MISSING if fmt.is_missing(rank) else str(int(rank))
            ),
            "on the list": neighbours["is_flagged"].map(fmt.yes_no),
            **{
                f"ratio, statistic {statistic.number}": neighbours[f"{statistic.prefix}_ratio"].map(fmt.ratio)
                for statistic in STATISTICS
            },
        }
    )


def firmness_table(packet: UnitPacket) -> pd.DataFrame:
    """Parts 6 and 7: how firm the rank is under sampling noise, and the rank under each alternative."""
    row = packet.row
    rows = [
        {
            "how": f"sampling noise, {fmt.count(row['rank_replicates'])} redraws"
            if not fmt.is_missing(row["rank_replicates"])
            else "sampling noise (not computed for this period)",
            "rank": fmt.decimal(row["rank_median"], 0) + " (median)",
            "range": fmt.MISSING
            if fmt.is_missing(row["rank_lower_90"])
            else f"{int(row['rank_lower_90'])} to {int(row['rank_upper_90'])} (90 % of redraws)",
            "on the list": fmt.share(row["share_of_replicates_on_list"], 0) + " of redraws",
        }
    ]
    for alternative in packet.sensitivity.itertuples():
        rows.append(
            {
                "how": alternative.alternative_label,
                "rank": fmt.MISSING if fmt.is_missing(alternative.anomaly_rank) else str(int(alternative.anomaly_rank)),
                "range": "",
                "on the list": "not available in this period"
                if not alternative.is_available
                else fmt.yes_no(alternative.is_flagged),
            }
        )
    return pd.DataFrame(rows)


def ucr_data_quality_warnings(row: pd.Series) -> list[str]:
    """Part 5: the UCR file's data-quality warnings of the unit in the data years the period uses, one sentence
    each (rpt_review_packet.ucr_data_quality_warnings joins them with "; " and starts each with "UCR <year>");
    none when there are none, or in a release built before the column existed."""
    warnings = row.get("ucr_data_quality_warnings")
    if fmt.is_missing(warnings):
        return []
    return re.split(r"; (?=UCR \d{4})", str(warnings))


def ucr_data_quality_table(row: pd.Series) -> pd.DataFrame:
    """Part 5: the UCR data-quality warnings as a table, one row each (empty when none)."""
    return pd.DataFrame({"UCR data-quality warning": ucr_data_quality_warnings(row)})


def unit_tables(packet: UnitPacket) -> dict[str, pd.DataFrame]:
    """Every table of a unit's packet, by name (also the CSV and XLSX exports); tables without rows left out."""
    tables = {
        "context": context_table(packet.row),
        "statistics": statistics_table(packet.row),
        "seasonality": seasonality_table(packet.row),
        "quarters": trend_table(packet.quarters),
        "submissions": submissions_table(packet.quarters),
        "ucr_data_quality": ucr_data_quality_table(packet.row),
        "neighbours": neighbour_table(packet.neighbours),
        "rank_firmness": firmness_table(packet),
    }
    return {name: table for name, table in tables.items() if not table.empty}


def review_list_table(packets: pd.DataFrame) -> pd.DataFrame:
    """The list and its custody section, as exported (CSV/XLSX) and printed on the list's first page."""
    return pd.DataFrame(
        {
            "section": packets["packet_reason"],
            "place": packets["review_rank"].map(lambda rank: "" if fmt.is_missing(rank) else str(int(rank))),
            "rank": packets["anomaly_rank"].map(lambda rank: "" if fmt.is_missing(rank) else str(int(rank))),
            "unit": packets["county_fips"],
            "name": packets["unit_name"],
            "score": packets["combined_score"].map(lambda value: fmt.decimal(value, 1)),
            "sensitivity": packets["sensitivity_summary"].map(fmt.text),
            "reasons": packets["flag_reasons"],
            "custody": packets["custody_explanation"].map(fmt.text),
            "analyst notes": packets["analyst_notes"].map(fmt.text),
        }
    )


# ---------------------------------------------------------------------------------------------------- figures


def trend_figure(quarters: pd.DataFrame, statistic: Statistic) -> Figure | None:
    """A statistic's ratio by quarter with its 95 % and 99.8 % limits; None with fewer than two scored quarters."""
    scored = quarters[(quarters["statistic"] == statistic.number) & quarters["is_eligible"].astype(bool)]
    if len(scored) < 2:
        return None
    figure = Figure(figsize=(7.5, 2.6), layout="constrained")
    axes = figure.add_subplot()
    x = range(len(scored))
    axes.fill_between(
        x, scored["ratio_lower_998"], scored["ratio_upper_998"], color="tab:blue", alpha=0.12, label="99.8 % limits"
    )
    axes.fill_between(
        x, scored["ratio_lower_95"], scored["ratio_upper_95"], color="tab:blue", alpha=0.22, label="95 % limits"
    )
    axes.plot(x, scored["ratio"], marker="o", color="black", linewidth=1.2, label="ratio")
    above = scored["is_above_limit"].astype(bool).to_numpy()
    axes.scatter(
        [i for i, flag in zip(x, above, strict=True) if flag],
        scored["ratio"][above],
        color="tab:red",
        zorder=3,
        label="above the 99.8 % limit",
    )
    axes.axhline(1.0, color="grey", linewidth=0.8)
    axes.set_xticks(list(x), scored["quarter"].tolist(), rotation=45, fontsize=7)
    axes.set_ylabel("observed / expected")
    axes.set_title(statistic.label, fontsize=9)
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)  # beside the points
    return figure


def submissions_figure(quarters: pd.DataFrame) -> Figure | None:
    """Submissions per 1,000 residents a year by quarter, the changes of more than half marked."""
    first = quarters[quarters["statistic"] == 1].dropna(subset=["submissions_per_1000_residents"])
    if len(first) < 2:
        return None
    figure = Figure(figsize=(7.5, 2.3), layout="constrained")
    axes = figure.add_subplot()
    x = list(range(len(first)))
    axes.plot(x, first["submissions_per_1000_residents"], marker="o", color="black", linewidth=1.2)
    changed = first["is_data_system_change"].astype(bool).to_numpy()
    axes.scatter(
        [i for i, flag in zip(x, changed, strict=True) if flag],
        first["submissions_per_1000_residents"][changed],
        s=80,
        facecolors="none",
        edgecolors="tab:red",
        linewidths=2,
        zorder=3,
        label="changed by more than half",
    )
    axes.set_xticks(x, first["quarter"].tolist(), rotation=45, fontsize=7)
    axes.set_ylabel("per 1,000 residents a year", fontsize=8)
    axes.set_title("Fingerprint submissions per resident", fontsize=9)
    if changed.any():
        axes.legend(fontsize=7)
    return figure


def neighbour_map(packet: UnitPacket) -> bytes:
    """The unit and its neighbours' counties coloured by their unit's statistic-1 ratio (PNG)."""
    ratio_of_unit = dict(zip(packet.neighbours["county_fips"], packet.neighbours["match_rate_ratio"], strict=True))
    values = {
        county: ratio_of_unit.get(unit)
        for county, unit in zip(
            packet.neighbour_counties["county_fips"], packet.neighbour_counties["unit_fips"], strict=True
        )
    }
    unit_value = packet.row["match_rate_ratio"]
    known = [float(value) for value in values.values() if not fmt.is_missing(value)]
    # The colour scale spans the neighbours (and 2, at least), so that their differences show; a unit far above
    # them takes the top colour.
    top = max([2.0, *(1.2 * value for value in known)])
    return unit_map_png(
        packet.unit_counties,
        {county: (float("nan") if fmt.is_missing(value) else float(value)) for county, value in values.items()},
        unit_value=None if fmt.is_missing(unit_value) else float(unit_value),
        value_label="statistic 1: observed / expected",
        title=f"{packet.row['unit_name']} and its neighbours",
        colour_range=(0.0, top),
    )


# ---------------------------------------------------------------------------------------------------- HTML


def table_html(table: pd.DataFrame) -> str:
    if table.empty:
        return "<p class='note'>none</p>"
    header = "".join(f"<th>{html.escape(str(column))}</th>" for column in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt.text(value))}</td>" for value in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def image_html(image: bytes, alt: str, caption: str = "") -> str:
    encoded = base64.b64encode(image).decode("ascii")
    caption_html = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">{caption_html}</figure>'


def unit_section(packet: UnitPacket, database: Path) -> str:
    """One unit's packet as an HTML fragment."""
    row = packet.row
    tables = unit_tables(packet)
    parts = [
        f"<h1>Review packet: {html.escape(packet.title)}, {html.escape(str(row['reporting_period']))}</h1>",
        (
            f"<p>{html.escape(fmt.sentence(place_text(row)))}. Score {fmt.decimal(row['combined_score'], 1)}; "
            f"{html.escape(fmt.text(row['sensitivity_summary']))}.</p>"
        ),
        f"<p class='note'>{html.escape(period_text(row))}</p>",
        "<h2>Why the unit is here</h2>",
        f"<div class='reasons'>{html.escape(str(row['flag_reasons']))}</div>",
    ]
    if not fmt.is_missing(row["analyst_notes"]):
        parts.append(f"<p><strong>Analyst notes:</strong> {html.escape(str(row['analyst_notes']))}</p>")
    parts += ["<h2>Custody sites and context</h2>"]
    if not fmt.is_missing(row["custody_explanation"]):
        parts.append(f"<p><strong>Known custody site:</strong> {html.escape(str(row['custody_explanation']))}.</p>")
    parts += [table_html(tables["context"]), "<h2>The statistics over time</h2>"]
    if not fmt.is_missing(row["trend_note"]):
        parts.append(f"<p class='note'>{html.escape(str(row['trend_note']))}.</p>")
    parts.append(table_html(tables["statistics"]))
    for statistic in STATISTICS:
        figure = trend_figure(packet.quarters, statistic)
        if figure is not None:
            parts.append(image_html(png(figure), f"trend of {statistic.label}"))
    if "seasonality" in tables:
        parts += [
            "<h3>Seasonality: each quarter of the year against the unit's overall ratio</h3>",
            table_html(tables["seasonality"]),
        ]
    parts += ["<h3>Every quarter, scored on its own</h3>", table_html(tables["quarters"])]
    parts += [
        "<h2>The unit against its neighbours</h2>",
        image_html(
            neighbour_map(packet),
            "map of the unit and its neighbours",
            "The unit (outlined) and its adjacent counties, coloured by statistic 1's ratio (hatched: not scored).",
        ),
        table_html(tables.get("neighbours", pd.DataFrame())),
    ]
    parts += ["<h2>Submissions per resident over time</h2>"]
    figure = submissions_figure(packet.quarters)
    if figure is not None:
        parts.append(image_html(png(figure), "submissions per resident by quarter"))
    parts += [table_html(tables["submissions"])]
    parts += [
        "<h2>How firm the rank is</h2>",
        f"<p>{html.escape(fmt.sentence(row['sensitivity_summary']))}.</p>",
        table_html(tables["rank_firmness"]),
    ]
    parts += [
        "<h2>What the data cannot say</h2>",
        f"<p class='note'>{html.escape(fmt.sentence(row['data_limitations']))}.</p>",
    ]
    parts += ucr_data_quality_html(row)
    return "".join(parts)


def ucr_data_quality_html(row: pd.Series) -> list[str]:
    """The UCR data-quality warnings as HTML, a list item each; nothing when there are none."""
    warnings = ucr_data_quality_warnings(row)
    if not warnings:
        return []
    several = len(warnings) > 1
    return [
        "<h3>UCR data-quality warnings</h3>",
        (
            f"<p class='note'>In the UCR arrest file behind statistics 2 and 3, {len(warnings)} "
            f"{'sub-totals miss' if several else 'sub-total misses'} the sum of {'their' if several else 'its'} "
            "parts by more than ICPSR's rounding, in the data year this period uses (the loader's warnings, "
            "raw_ucr_data_quality):</p>"
        ),
        "<ul>" + "".join(f"<li>{html.escape(fmt.sentence(warning))}.</li>" for warning in warnings) + "</ul>",
    ]


def document(title: str, body: str, demonstration: bool) -> str:
    banner = (
        "<p class='synthetic'>Synthetic demonstration: these figures come from a generated national scenario, "
        "not from real data.</p>"
        if demonstration
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>{banner}{body}</body></html>\n"
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def write_packets(database: Path, period: str | None = None, units: list[str] | None = None) -> Path:
    """Write the packets of `period` (default: the selected period) for every unit of rpt_review_packet (or only
    `units`) into the database's release folder. Returns the folder. Raises ValueError for a period or unit the
    packet mart does not have."""
    chosen = period or queries.selected_period(database)
    periods = queries.reporting_periods(database)["reporting_period"].tolist()
    if chosen not in periods:
        raise ValueError(f"period {chosen} is not in the published data (periods: {', '.join(periods)})")
    rows = queries.packet(database, chosen, units)
    if units:
        missing = sorted(set(units) - set(rows["county_fips"]))
        if missing:
            raise ValueError(f"no packet for {', '.join(missing)} in {chosen}: not listed; add them with packet_units")
    manifest = queries.release_manifest(database) or {}
    demonstration = bool(manifest.get("demonstration"))
    folder = database.resolve().parent / PACKET_FOLDER / chosen
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    sections = []
    for _, row in rows.iterrows():
        packet = load_unit_packet(database, row)
        section = unit_section(packet, database)
        sections.append(f"<div class='packet'>{section}</div>")
        (folder / f"{packet.fips}.html").write_text(document(packet.title, section, demonstration), encoding="utf-8")
        export_tables(unit_tables(packet), folder / "tables" / packet.fips, folder / f"{packet.fips}.xlsx")
    listing = review_list_table(rows)
    export_tables({"review_list": listing}, folder, folder / "review-list.xlsx", csv_name="review-list.csv")
    index = (
        f"<h1>Review packets, {html.escape(chosen)}</h1><p>{len(rows)} units: the review list, the high scores with "
        "a known custody explanation and any added on request. Each unit's packet follows, one per page when printed"
        ".</p>" + table_html(listing.drop(columns=["reasons"])) + "".join(sections)
    )
    (folder / "index.html").write_text(document(f"Review packets {chosen}", index, demonstration), encoding="utf-8")
    return folder


def export_tables(
    tables: dict[str, pd.DataFrame], csv_folder: Path, workbook: Path, csv_name: str | None = None
) -> None:
    """Each table as CSV in `csv_folder` and all of them as sheets of the XLSX `workbook`."""
    csv_folder.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, table in tables.items():
            table.to_csv(csv_folder / (csv_name or f"{name}.csv"), index=False)
            table.to_excel(writer, sheet_name=name[:31], index=False)

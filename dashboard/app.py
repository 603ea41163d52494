"""Streamlit dashboard of the published warehouse, for reviewers: the review list (with its custody section and
CSV/XLSX downloads), the interactive funnel plots (a click opens the unit), the county map, one unit's page (its
review packet, or what the marts have for a unit without one) and the glossary.

    python3 scripts/scm.py dashboard       # from anywhere: runs streamlit from the project root

Run it from the project root so that .streamlit/config.toml applies (127.0.0.1 only, no usage statistics, no
Deploy button); dashboard/README.md gives the equivalent command line. It reads the published read-only copy (env
SCM_PUBLISHED_DATABASE, default build/published/sc_monitoring.duckdb) through readers.queries, one fresh connection
per query. Every cache is keyed by the release's own file (the published link resolved), so a release published
by a later build shows on the next rerun.

Deep links: ?page=review|funnel|map|unit|glossary&period=2012Q3&unit=17049 (the URL follows the page shown).
"""

from __future__ import annotations

import functools
import html
import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from readers import formatting as fmt
from readers import packet as packets
from readers import queries
from readers.figures import funnel_caption, png
from readers.glossary import glossary_markdown
from readers.interactive import funnel_figure
from readers.maps import choropleth_figure, county_map
from readers.queries import STATISTICS

PAGES: dict[str, str] = {
    "review": "Review list",
    "funnel": "Funnel plots",
    "map": "County map",
    "unit": "Unit",
    "glossary": "Glossary",
}
DEFAULT_PAGE = "review"
SYNTHETIC_WARNING = (
    "Statistics 2 and 3 rest on a synthetic UCR placeholder (county UCR files may not be redistributed): they are "
    "shown and plotted as a demonstration and never decide the list."
)
SYNTHETIC_RANKED_WARNING = (
    "Synthetic inputs are ranked in this run (var rank_synthetic_inputs): the list is a demonstration, not findings."
)
DEMONSTRATION_WARNING = (
    "Synthetic demonstration: these figures come from a generated national scenario, not from real data."
)
LIST_MARKER = re.compile(r"^(\d+)\. ")
NO_BREAK = "\u00a0"
LONG_TABLE_ROWS = 20
TABLE_ROW_HEIGHT = 35  # st.dataframe's row height in pixels
UNITS_CACHED = 256  # units whose packet and charts stay in memory
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# ineligible_reason codes of the marts, in words (the packet's quarterly table and the statistics in the window).
MINOR_DEFINITION_WORDS = {"level3": "ICE level 3", "level2_3": "ICE levels 2 and 3"}
MAP_LAYERS: dict[str, str] = {
    "combined_score": "Combined score (higher: further from expectation)",
    **{f"{statistic.prefix}_ratio": f"{statistic.label}: observed / expected" for statistic in STATISTICS},
}
SYNTHETIC_LAYERS = {f"{statistic.prefix}_ratio" for statistic in STATISTICS if statistic.number != 1}
CUSTODY_OUTLINE_COLOUR = "#000000"
REVIEW_STYLE = """
<style>
.scm-list table { border-collapse: collapse; width: 100%; font-size: 0.9rem; line-height: 1.4; }
.scm-list th, .scm-list td { border-bottom: 1px solid #d6d6d6; padding: 6px 8px; text-align: left;
  vertical-align: top; }
.scm-list th { background: #f0f2f6; font-weight: 600; }
.scm-list td.number { text-align: right; white-space: nowrap; }
.scm-list td.unit { min-width: 11em; }
.scm-list td.reasons { min-width: 28em; }
.scm-list .code { color: #666; font-size: 0.8rem; }
.scm-list .notes { color: #444; font-style: italic; }
</style>
"""

# ---------------------------------------------------------------------------------------------------- data
# Cached per release: `database` is always the release's own file (see `release_database`).

reporting_periods = st.cache_data(queries.reporting_periods, show_spinner=False)
selected_period = st.cache_data(queries.selected_period, show_spinner=False)
ranking = st.cache_data(queries.ranking, show_spinner=False)
packet_rows = st.cache_data(queries.packet, show_spinner=False)
synthetic_inputs = st.cache_data(queries.synthetic_inputs, show_spinner=False)
ranked_statistics = st.cache_data(queries.ranked_statistics, show_spinner=False)
statistic_scores = st.cache_data(queries.statistic_scores, show_spinner=False)
county_values = st.cache_data(queries.county_values, show_spinner=False)
unit_inputs = st.cache_data(queries.unit_inputs, show_spinner=False)
unit_statistics = st.cache_data(queries.unit_statistics, show_spinner=False)
unit_neighbours = st.cache_data(queries.neighbours, show_spinner=False)
rank_history = st.cache_data(queries.rank_history, show_spinner=False)


def release_database() -> Path:
    """The published copy resolved to its release's own file: a new release is a new path, so a new cache key."""
    return queries.published_database().resolve()


def workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """Tables as the sheets of one XLSX file."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in tables.items():
            table.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def review_list_exports(database: Path, period: str) -> dict[str, bytes]:
    """The review list and its custody section as exported by the packets (readers.packet.review_list_table):
    `csv` and `xlsx` bytes."""
    table = packets.review_list_table(queries.packet(database, period))
    return {"csv": table.to_csv(index=False).encode("utf-8"), "xlsx": workbook({"review_list": table})}


cached_review_list_exports = st.cache_data(review_list_exports, show_spinner=False)


@st.cache_data(show_spinner=False, max_entries=UNITS_CACHED)
def unit_packet(database: Path, period: str, unit: str) -> packets.UnitPacket | None:
    """The unit's review packet (readers.packet), or None when rpt_review_packet has no row for it."""
    rows = queries.packet(database, period, [unit])
    return None if rows.empty else packets.load_unit_packet(database, rows.iloc[0])


@st.cache_data(show_spinner="Drawing the packet's charts and map…", max_entries=UNITS_CACHED)
def packet_images(database: Path, period: str, unit: str) -> dict[str, bytes]:
    """The packet's charts as PNG: `trend <n>` per statistic with two scored quarters or more, `submissions`,
    `neighbours` (the small map)."""
    unit_data = unit_packet(database, period, unit)
    if unit_data is None:
        return {}
    images = {}
    for statistic in STATISTICS:
        figure = packets.trend_figure(unit_data.quarters, statistic)
        if figure is not None:
            images[f"trend {statistic.number}"] = png(figure)
    figure = packets.submissions_figure(unit_data.quarters)
    if figure is not None:
        images["submissions"] = png(figure)
    images["neighbours"] = packets.neighbour_map(unit_data)
    return images


# ---------------------------------------------------------------------------------------------------- words


def rank_text(rank: object) -> str:
    return fmt.MISSING if fmt.is_missing(rank) else str(int(rank))  # type: ignore[call-overload]


def unit_labels(ranked: pd.DataFrame) -> dict[str, str]:
    """Select-box labels of the units: code, name and place or rank."""
    labels = {}
    for unit in ranked.itertuples():
        if unit.is_flagged:
            where = f"place {int(unit.review_rank)} on the list"
        elif unit.is_custody_explained_high:
            where = f"rank {int(unit.anomaly_rank)}, custody explained"
        else:
            where = "not ranked" if fmt.is_missing(unit.anomaly_rank) else f"rank {int(unit.anomaly_rank)}"
        labels[str(unit.county_fips)] = f"{unit.county_fips} {unit.unit_name} ({where})"
    return labels


def unit_link(unit: str, name: str, period: str) -> str:
    """An HTML link to the unit's page: its deep link, opened in the same tab (a new session on that page)."""
    href = html.escape(f"?page=unit&unit={unit}&period={period}")
    return f'<a href="{href}">{html.escape(name)}</a> <span class="code">{html.escape(unit)}</span>'


# ---------------------------------------------------------------------------------------------------- navigation


def selected_points(selection: Mapping[str, object] | None) -> list[Mapping[str, object]]:
    """The clicked points of a chart's selection state (st.plotly_chart with on_select)."""
    return (selection or {}).get("selection", {}).get("points", [])  # type: ignore[union-attr]


def unit_from_selection(selection: Mapping[str, object] | None) -> str | None:
    """The unit code of the first clicked point of a funnel plot's selection state, from the point's
    `customdata[0]`; None when no point carries one."""
    for point in selected_points(selection):
        customdata = point.get("customdata")
        if isinstance(customdata, list | tuple) and customdata:
            return str(customdata[0])
        if isinstance(customdata, str) and customdata:
            return customdata
    return None


def unit_from_map_selection(selection: Mapping[str, object] | None, county_units: Mapping[str, str]) -> str | None:
    """The unit of the first clicked county of the map's selection state: a choropleth's point carries its county
    code as `location`, which `county_units` maps to its unit; None when no clicked point is a county of the map
    (an outline or a border)."""
    for point in selected_points(selection):
        unit = county_units.get(str(point.get("location")))
        if unit is not None:
            return unit
    return None


def open_unit(unit: str) -> None:
    """Switch to the unit's page (from a callback, before the widgets are drawn)."""
    st.session_state["page"] = "unit"
    st.session_state["unit_choice"] = unit
    st.session_state["unit"] = unit


def open_clicked_unit(
    chart_key: str, read_unit: Callable[[Mapping[str, object] | None], str | None] = unit_from_selection
) -> None:
    """on_select callback of a funnel plot or the map: the unit `read_unit` finds in the selection opens its page."""
    unit = read_unit(st.session_state.get(chart_key))
    if unit is not None:
        open_unit(unit)


def remember_unit() -> None:
    """on_change of the unit select box: keep the choice when the page changes (widget state is dropped then)."""
    st.session_state["unit_choice"] = st.session_state["unit"]


def start_from_query_params(periods: list[str], default_period: str) -> list[str]:
    """On a session's first run, take the page, period and unit from the URL; returns what could not be used."""
    params = st.query_params
    problems = []
    page = params.get("page", DEFAULT_PAGE)
    if page not in PAGES:
        problems.append(f"There is no page '{page}' (pages: {', '.join(PAGES)}).")
        page = DEFAULT_PAGE
    period = params.get("period", default_period)
    if period not in periods:
        problems.append(f"Period {period} is not in the published data; showing {default_period}.")
        period = default_period
    st.session_state["page"] = page
    st.session_state["period"] = period
    if "unit" in params:
        st.session_state["unit_choice"] = params["unit"]
    return problems


def resolve_unit(
    requested: str | None, labels: Mapping[str, str], counties: pd.DataFrame, default: str
) -> tuple[str, str | None]:
    """The unit to show for a requested code: itself, the unit a member county belongs to, or `default` (the
    list's first unit); with a note when it is not the code asked for."""
    if requested is None or requested in labels:
        return (requested or default), None
    member = counties.loc[counties["county_fips"] == requested, "unit_fips"]
    if len(member) and member.iloc[0] in labels:
        unit = str(member.iloc[0])
        return unit, f"County {requested} is reported as part of unit {labels[unit]}."
    return default, f"No reporting unit {requested} in this period; showing {labels[default]}."


# ---------------------------------------------------------------------------------------------------- review list


def review_rows_html(rows: pd.DataFrame, period: str, custody: bool) -> str:
    """The list (or its custody section) as an HTML table whose reasons wrap, each unit linked to its page."""
    if custody:
        header = ["rank", "unit", "score", "known custody site", "why it ranks high"]
    else:
        header = ["place", "unit", "rank", "score", "beyond chance", "sensitivity", "why it is listed"]
    body = []
    for row in rows.itertuples():
        reasons = html.escape(str(row.flag_reasons))
        if not fmt.is_missing(row.analyst_notes):
            reasons += f'<br><span class="notes">Analyst notes: {html.escape(str(row.analyst_notes))}</span>'
        unit = unit_link(str(row.county_fips), str(row.unit_name), period)
        score = fmt.decimal(row.combined_score, 1)
        if custody:
            cells = [
                ("number", rank_text(row.anomaly_rank)),
                ("unit", unit),
                ("number", score),
                ("custody", html.escape(fmt.sentence(row.custody_explanation))),
                ("reasons", reasons),
            ]
        else:
            cells = [
                ("number place", rank_text(row.review_rank)),
                ("unit", unit),
                ("number", rank_text(row.anomaly_rank)),
                ("number", score),
                ("", fmt.yes_no(row.is_significant)),
                ("", html.escape(fmt.text(row.sensitivity_summary))),
                ("reasons", reasons),
            ]
        body.append(
            f'<tr data-unit="{html.escape(str(row.county_fips))}">'
            + "".join(f'<td class="{css}">{content}</td>' for css, content in cells)
            + "</tr>"
        )
    head = "".join(f"<th>{html.escape(column)}</th>" for column in header)
    return f'<div class="scm-list"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def with_sensitivity(units: pd.DataFrame, database: Path, period: str) -> pd.DataFrame:
    """Ranking rows with the packet's `sensitivity_summary` ('on the list under 4 of 5 alternatives')."""
    summary = packet_rows(database, period)[["county_fips", "sensitivity_summary"]]
    return units.merge(summary, on="county_fips", how="left")


def list_period_text(listed: pd.DataFrame) -> str:
    """The window of the list and, when the counts of listed units start before it, the days they cover."""
    first = listed.iloc[0]
    window = f"{fmt.day(first['window_start_date'])} to {fmt.day(first['window_end_date'])}"
    early = listed[listed["counts_start_date"] < listed["window_start_date"]]
    if early.empty:
        return f"Window {window}."
    return (
        f"Window {window}. The counts of {len(early)} of these units start before it: the source table is "
        f"cumulative from each county's activation (the earliest {fmt.day(early['counts_start_date'].min())}) to "
        f"{fmt.day(listed['counts_end_date'].max())}; each unit's page gives its own dates."
    )


def review_list_page(database: Path, period: str) -> None:
    """The review list, full width with its reasons, the custody section directly below, and the downloads."""
    ranked = ranking(database, period)
    listed = ranked[ranked["is_flagged"]].sort_values("review_rank")
    custody = ranked[ranked["is_custody_explained_high"] & ~ranked["is_flagged"]]
    st.header(f"Review list, {period}")
    if listed.empty:
        st.info("No unit could be ranked in this period.")
        return
    st.caption(
        f"{len(listed)} units, ranked on {ranked_statistics(database, period)}, and {len(custody)} high "
        f"{'score' if len(custody) == 1 else 'scores'} with a known custody explanation (listed below, not "
        "hidden). A place on the list selects a unit for a closer look; it proves nothing."
        f" {list_period_text(listed)} Place: on the list; rank: among all "
        "units, custody sites included. Click a unit for its page."
    )
    exports = cached_review_list_exports(database, period)
    with st.container(horizontal=True):
        st.download_button("Download the list (CSV)", exports["csv"], f"review-list-{period}.csv", "text/csv")
        st.download_button("Download the list (XLSX)", exports["xlsx"], f"review-list-{period}.xlsx", XLSX_MIME)
    st.html(REVIEW_STYLE + review_rows_html(with_sensitivity(listed, database, period), period, custody=False))
    st.subheader(f"High scores with a known custody explanation ({len(custody)}, not on the list)")
    st.caption(
        "A jail holding ICE detainees or a state prison intake centre fingerprints people the immigration database "
        "already knows: these units rank above the list's last unit for that reason. The list holds the next units "
        "instead; these stay here for the reviewer to see."
    )
    if custody.empty:
        st.write("Nothing in this period.")
    else:
        st.html(REVIEW_STYLE + review_rows_html(custody, period, custody=True))


# ---------------------------------------------------------------------------------------------------- funnels


def funnel_page(database: Path, period: str) -> None:
    """One interactive funnel plot per statistic; clicking a unit's dot opens its page."""
    st.header(f"Funnel plots, {period}")
    st.caption(
        "Hover a dot for the unit, its observed and expected counts, the ratio and its rank; click it to open the "
        "unit's page."
    )
    shown = synthetic_inputs(database, period)["shown"]
    for statistic in STATISTICS:
        scores = statistic_scores(database, statistic, period)
        stamped = statistic.number != 1 and shown and bool(scores["uses_synthetic_inputs"].fillna(False).any())
        key = f"funnel_{statistic.number}"
        st.plotly_chart(
            funnel_figure(statistic, scores, stamped),
            key=key,
            on_select=functools.partial(open_clicked_unit, key),
            selection_mode="points",
            config={"displaylogo": False},
        )
        st.caption(funnel_caption(statistic, scores))


# ---------------------------------------------------------------------------------------------------- map


def outline_lines(counties: list[set[str]]) -> tuple[list[float | None], list[float | None]]:
    """The outlines of groups of counties as one lon and one lat list, separated by None (plotly's gaps)."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for members in counties:
        for line in county_map().outline(members):
            lon.extend([*line[:, 0].tolist(), None])
            lat.extend([*line[:, 1].tolist(), None])
    return lon, lat


@st.cache_resource(show_spinner="Drawing the national map (the first time takes a few seconds)…", max_entries=16)
def map_figure(database: Path, period: str, layer: str) -> go.Figure:
    """The county choropleth of one layer, listed units outlined in red, custody-explained high scores in black."""
    counties = queries.county_values(database, period)
    shown = pd.DataFrame(
        {
            "county_fips": counties["county_fips"],
            "unit_fips": counties["unit_fips"],
            layer: counties[layer],
            "unit": counties["unit_name"] + " (" + counties["unit_fips"] + ")",
            "rank": counties["anomaly_rank"].map(rank_text),
            "on the list": [
                f"place {int(place)}" if flagged else "no"
                for place, flagged in zip(counties["review_rank"], counties["is_flagged"], strict=True)
            ],
        }
    )
    values = pd.to_numeric(shown[layer], errors="coerce")
    is_score = layer == "combined_score"
    top = float(np.nanquantile(values, 0.99)) if values.notna().any() else 1.0
    figure = choropleth_figure(
        shown,
        layer,
        title=f"{MAP_LAYERS[layer]}, {period}",
        outlined=set(counties.loc[counties["is_flagged"], "unit_fips"]),
        hover_columns=["unit", "rank", "on the list"],
        colour_scale="Blues" if is_score else "BrBG",
        value_label="score" if is_score else "observed / expected",
        value_format=".1f" if is_score else ".2f",
        colour_range=(0.0, max(2.0, top)) if is_score else (0.0, 2.0),
        height=640,
    )
    explained = counties[counties["is_custody_explained_high"] & ~counties["is_flagged"]]
    if not explained.empty:
        lon, lat = outline_lines([set(group) for _, group in explained.groupby("unit_fips")["county_fips"]])
        figure.add_trace(
            go.Scattergeo(
                lon=lon,
                lat=lat,
                mode="lines",
                line={"color": CUSTODY_OUTLINE_COLOUR, "width": 2.0},
                hoverinfo="skip",
                name="High scores with a known custody explanation",
            )
        )
    return figure


def map_page(database: Path, period: str) -> None:
    """The county map of the combined score or of one statistic's ratio."""
    st.header(f"County map, {period}")
    layer = st.selectbox("Colour by", list(MAP_LAYERS), format_func=MAP_LAYERS.get, key="map_layer")
    if layer in SYNTHETIC_LAYERS and synthetic_inputs(database, period)["shown"]:
        st.warning("This statistic rests on synthetic inputs here: the map is a demonstration, not findings.")
    counties = county_values(database, period)
    county_units = dict(zip(counties["county_fips"], counties["unit_fips"], strict=True))
    st.plotly_chart(
        map_figure(database, period, layer),
        key="county_map",
        on_select=functools.partial(
            open_clicked_unit, "county_map", functools.partial(unit_from_map_selection, county_units=county_units)
        ),
        selection_mode="points",
        config={"displaylogo": False},
    )
    st.caption(
        "Hover a county for its unit, rank and place on the list; click it to open the unit's page. "
        "Counties drawn from the 2010 Census boundaries shipped with plotly-geo (no map tiles, no network). A unit "
        "of several counties (New York City) colours all of them. Red outline: on the review list; black outline: "
        "a high score with a known custody explanation; grey: not scored. Ratios are coloured from 0 to 2 (1: as "
        "expected; above 2 the darkest colour)."
    )


# ---------------------------------------------------------------------------------------------------- unit


def window_statistics_table(statistics: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """The three statistics in the window (queries.unit_statistics) for people: O, E, ratio, limits, z, p, q."""

    def limits(low: object, high: object) -> str:
        return fmt.MISSING if fmt.is_missing(low) else f"{fmt.ratio(low)} to {fmt.ratio(high)}"

    return pd.DataFrame(
        {
            "statistic": statistics["label"],
            "observed": statistics["observed"].map(fmt.count),
            "expected": statistics["expected"].map(fmt.amount),
            "ratio": statistics["ratio"].map(fmt.ratio),
            "95 % limits": [
                limits(low, high)
                for low, high in zip(statistics["ratio_lower_95"], statistics["ratio_upper_95"], strict=True)
            ],
            "99.8 % limits": [
                limits(low, high)
                for low, high in zip(statistics["ratio_lower_998"], statistics["ratio_upper_998"], strict=True)
            ],
            "z": statistics["z_score"].map(lambda value: fmt.decimal(value, 2)),
            "p": statistics["p_value"].map(lambda value: fmt.probability(value).replace(" ", NO_BREAK)),
            "q": statistics["q_value"].map(lambda value: fmt.probability(value).replace(" ", NO_BREAK)),
            "ranked": [fmt.yes_no(row[f"{statistic.prefix}_is_ranked"]) for statistic in STATISTICS],
            "not scored because": statistics["ineligible_reason"].map(fmt.not_scored_words),
        }
    )


def inputs_table(inputs: pd.Series) -> pd.DataFrame:
    """A unit's inputs in the period (a row of queries.unit_inputs) for people."""
    moe = inputs["foreign_born_share_moe"]
    ucr_year = "" if fmt.is_missing(inputs["ucr_data_year"]) else f" ({inputs['ucr_data_year']})"
    rows = [
        ("Member counties", fmt.text(inputs["member_counties"])),
        ("Population (2010 Census)", fmt.count(inputs["population_2010"])),
        ("Secure Communities active since", fmt.day(inputs["activation_date"])),
        ("Window", f"{fmt.day(inputs['window_start_date'])} to {fmt.day(inputs['window_end_date'])}"),
        ("Days the counts cover", f"{fmt.day(inputs['counts_start_date'])} to {fmt.day(inputs['counts_end_date'])}"),
        ("Fingerprint submissions S", fmt.count(inputs["submissions"])),
        ("IDENT matches M", fmt.count(inputs["matches_total"])),
        ("Matches without an ICE level", fmt.count(inputs["matches_unknown_level"])),
        (
            f"Foreign-born share F (ACS {fmt.text(inputs['acs_vintage'])})",
            fmt.share(inputs["foreign_born_share"]) + ("" if fmt.is_missing(moe) else f" ± {fmt.share(moe)}"),
        ),
        (f"UCR arrests A{ucr_year}", fmt.count(inputs["ucr_arrests_total"])),
        (
            "UCR coverage indicator C",
            fmt.decimal(inputs["ucr_coverage_indicator"], 0)
            + (" (synthetic placeholder)" if inputs["ucr_is_synthetic"] else ""),
        ),
        ("UCR less-serious share of arrests", fmt.share(inputs["ucr_minor_share"])),
        (
            "Less-serious offenses are",
            MINOR_DEFINITION_WORDS.get(str(inputs["minor_definition"]), fmt.text(inputs["minor_definition"])),
        ),
    ]
    for column, label in (("unit_invalid_reason", "Unit not scored"), ("ucr_invalid_reason", "UCR not used")):
        if not fmt.is_missing(inputs[column]):
            rows.append((label, fmt.not_scored_words(inputs[column])))
    return pd.DataFrame(rows, columns=["figure", "value"])


def rank_history_table(history: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": history["reporting_period"],
            "rank": history["anomaly_rank"].map(rank_text),
            "score": history["combined_score"].map(lambda value: fmt.decimal(value, 1)),
            "on the list": history["is_flagged"].map(fmt.yes_no),
        }
    )


def table(frame: pd.DataFrame, wide: bool = False) -> None:
    """A table of formatted text, every row shown and long text wrapped; as wide as the page when `wide`, else
    as its content. A long one (the quarters of a national scenario) scrolls instead. st.table reads cells as
    Markdown: a leading "1. " (the statistics' labels) would become a list, so its space is made non-breaking."""
    width = "stretch" if wide else "content"
    if frame.empty:
        st.write("Nothing to show.")
        return
    if len(frame) > LONG_TABLE_ROWS:
        st.dataframe(frame, hide_index=True, width=width, height=TABLE_ROW_HEIGHT * (LONG_TABLE_ROWS + 1) + 3)
        return
    shown = frame.map(lambda cell: LIST_MARKER.sub(r"\1." + NO_BREAK, cell) if isinstance(cell, str) else cell)
    st.table(shown, hide_index=True, width=width)


def packet_sections(database: Path, period: str, unit_data: packets.UnitPacket) -> None:
    """The unit's review packet, part by part as in the HTML packet (readers.packet.unit_section)."""
    row = unit_data.row
    tables = packets.unit_tables(unit_data)
    images = packet_images(database, period, unit_data.fips)
    st.markdown(
        f"**{fmt.sentence(packets.place_text(row))}.** Score {fmt.decimal(row['combined_score'], 1)}; "
        f"{fmt.text(row['sensitivity_summary'])}."
    )
    st.caption(packets.period_text(row))
    st.subheader("Why the unit is here")
    st.info(str(row["flag_reasons"]))
    if not fmt.is_missing(row["analyst_notes"]):
        st.info(f"Analyst notes: {row['analyst_notes']}")
    st.subheader("Custody sites and context")
    if not fmt.is_missing(row["custody_explanation"]):
        st.markdown(f"**Known custody site:** {row['custody_explanation']}.")
    table(tables["context"])
    st.subheader("The statistics in the window")
    table(window_statistics_table(unit_statistics(database, unit_data.fips, period), row), wide=True)
    st.subheader("The statistics over time")
    if not fmt.is_missing(row["trend_note"]):
        st.caption(fmt.sentence(row["trend_note"]) + ".")
    table(tables["statistics"], wide=True)
    for statistic in STATISTICS:
        if f"trend {statistic.number}" in images:
            st.image(images[f"trend {statistic.number}"], caption=f"Trend of {statistic.label}")
    if "seasonality" in tables:
        st.markdown("**Seasonality: each quarter of the year against the unit's overall ratio**")
        table(tables["seasonality"])
    st.markdown("**Every quarter, scored on its own**")
    quarters = tables["quarters"].assign(
        **{"not scored because": unit_data.quarters["ineligible_reason"].map(fmt.not_scored_words).to_numpy()}
    )
    table(quarters, wide=True)
    st.subheader("The unit against its neighbours")
    map_column, table_column = st.columns([2, 3])
    map_column.image(
        images["neighbours"],
        caption="The unit (outlined) and its adjacent counties, coloured by statistic 1's ratio (hatched: not scored).",
    )
    with table_column:
        table(tables.get("neighbours", pd.DataFrame()), wide=True)
    st.subheader("Submissions per resident over time")
    if "submissions" in images:
        st.image(images["submissions"])
    table(tables["submissions"])
    st.subheader("How firm the rank is")
    st.markdown(f"{fmt.sentence(row['sensitivity_summary'])}.")
    table(tables["rank_firmness"])
    st.subheader("Rank in every period")
    table(rank_history_table(rank_history(database, unit_data.fips)))
    st.subheader("What the data cannot say")
    st.caption(fmt.sentence(row["data_limitations"]) + ".")
    warnings = packets.ucr_data_quality_warnings(row)
    if warnings:
        st.markdown("**UCR data-quality warnings** (the UCR file behind statistics 2 and 3, in the year used)")
        st.markdown("\n".join(f"- {fmt.sentence(warning)}." for warning in warnings))
    st.download_button(
        "Download this unit's tables (XLSX)",
        workbook(tables),
        f"{unit_data.fips}-{period}.xlsx",
        XLSX_MIME,
        key="download_unit",
    )


def marts_sections(database: Path, period: str, unit: str, ranked_row: pd.Series) -> None:
    """What the marts have for a unit without a packet row: inputs, statistics, neighbours, rank history."""
    rank = ranked_row["anomaly_rank"]
    st.markdown(
        f"**{'Not ranked' if fmt.is_missing(rank) else f'Rank {int(rank)}'}; not on the review list.** Score "
        f"{fmt.decimal(ranked_row['combined_score'], 1)}."
    )
    st.info(
        "This unit is not on the review list, so it has no review packet: the packet's figures (the statistics "
        "over time, the neighbours' pooled ratio, how firm the rank is, sensitivity) are computed for the listed "
        "and custody-explained units. To add it, run `python3 scripts/scm.py packet --unit "
        f"{unit}` (a rebuild with the dbt var packet_units). Below: what the marts have for it."
    )
    if not fmt.is_missing(ranked_row["analyst_notes"]):
        st.info(f"Analyst notes: {ranked_row['analyst_notes']}")
    inputs = unit_inputs(database, unit, period)
    if inputs.empty:
        st.write("No inputs for this unit in this period.")
        return
    st.caption(packets.period_text(inputs.iloc[0]))
    st.subheader("Why it ranks where it does")
    st.info(str(ranked_row["flag_reasons"]))
    st.subheader("Inputs")
    table(inputs_table(inputs.iloc[0]))
    st.subheader("The statistics in the window")
    table(window_statistics_table(unit_statistics(database, unit, period), ranked_row), wide=True)
    st.subheader("Neighbouring units, same period")
    table(packets.neighbour_table(unit_neighbours(database, unit, period)), wide=True)
    st.subheader("Rank in every period")
    table(rank_history_table(rank_history(database, unit)))


def unit_page(database: Path, period: str) -> None:
    """One unit: its review packet when it has one, else what the marts have; the unit chosen in a select box."""
    ranked = ranking(database, period)
    labels = unit_labels(ranked)
    listed = ranked[ranked["is_flagged"]].sort_values("review_rank")
    default = str((listed if len(listed) else ranked).iloc[0]["county_fips"])
    unit, note = resolve_unit(st.session_state.get("unit_choice"), labels, county_values(database, period), default)
    st.session_state["unit_choice"] = unit
    st.session_state["unit"] = unit
    st.selectbox("Unit", list(labels), format_func=labels.get, key="unit", on_change=remember_unit, width=520)
    if note:
        st.warning(note)
    ranked_row = ranked[ranked["county_fips"] == unit].iloc[0]
    st.header(f"{ranked_row['unit_name']} ({unit}), {period}")
    if ranked_row["shows_synthetic_statistics"]:
        st.caption("Statistics 2 and 3 of this unit rest on synthetic UCR inputs: a demonstration, not findings.")
    unit_data = unit_packet(database, period, unit)
    if unit_data is None:
        marts_sections(database, period, unit, ranked_row)
    else:
        packet_sections(database, period, unit_data)


# ---------------------------------------------------------------------------------------------------- glossary


def glossary_page(database: Path, period: str) -> None:
    """The words of the list, the packets and the dashboard, in plain language."""
    st.header("Glossary")
    st.markdown(glossary_markdown())


# ---------------------------------------------------------------------------------------------------- main

PAGE_FUNCTIONS = {
    "review": review_list_page,
    "funnel": funnel_page,
    "map": map_page,
    "unit": unit_page,
    "glossary": glossary_page,
}


def main() -> None:
    """Sidebar (page, period), the banners, the chosen page; the URL follows what is shown."""
    st.set_page_config(page_title="Secure Communities monitoring", layout="wide", initial_sidebar_state="expanded")
    if not queries.published_database().exists():
        st.error(f"No published warehouse at {queries.published_database()}: run `python3 scripts/scm.py run` first.")
        st.stop()
    database = release_database()
    periods = reporting_periods(database)["reporting_period"].tolist()
    problems = start_from_query_params(periods, selected_period(database)) if "page" not in st.session_state else []
    page = st.sidebar.radio("Page", list(PAGES), format_func=PAGES.get, key="page")
    period = st.sidebar.selectbox("Reporting period", periods, key="period")
    manifest = queries.release_manifest(database) or {}
    st.sidebar.caption(
        f"Release published {fmt.text(manifest.get('released_at'))[:16].replace('T', ' ')} UTC; data: "
        f"{fmt.text(manifest.get('data'))}."
    )
    st.title("Secure Communities statistical monitoring")
    if manifest.get("demonstration"):
        st.error(DEMONSTRATION_WARNING)
    synthetic = synthetic_inputs(database, period)
    if synthetic["ranked"]:
        st.warning(SYNTHETIC_RANKED_WARNING)
    elif synthetic["shown"]:
        st.warning(SYNTHETIC_WARNING)
    for problem in problems:
        st.warning(problem)
    PAGE_FUNCTIONS[page](database, period)
    link = {"page": page, "period": period}
    if page == "unit":
        link["unit"] = st.session_state["unit_choice"]
    st.query_params.from_dict(link)


if __name__ == "__main__":
    main()

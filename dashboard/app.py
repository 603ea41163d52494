"""Streamlit dashboard of the published warehouse: the review list, the funnel plots, one unit's page.

    .venv/bin/streamlit run dashboard/app.py --server.address 127.0.0.1 --server.headless true

Reads the published read-only copy (env SCM_PUBLISHED_DATABASE, default build/published/sc_monitoring.duckdb), one
fresh connection per query, so a release published by a later build shows on the next rerun.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from readers import queries
from readers.figures import funnel_caption, funnel_figure

PAGES = ("Review list", "Funnel plots", "County")
SYNTHETIC_WARNING = (
    "Statistics 2 and 3 rest on a synthetic UCR placeholder (county UCR files may not be redistributed): they are "
    "shown and plotted as a demonstration and never decide the list."
)
SYNTHETIC_RANKED_WARNING = (
    "Synthetic inputs are ranked in this run (var rank_synthetic_inputs): the list is a demonstration, not findings."
)
NYC_UNIT = "36085"
TABLE_ROW_HEIGHT = 35


def review_list_table(review: pd.DataFrame) -> pd.DataFrame:
    """The review list as reviewers read it: place, rank, unit, score, family, reasons, notes."""
    return pd.DataFrame(
        {
            "place": review["review_rank"],
            "rank": review["anomaly_rank"],
            "unit": review["county_fips"],
            "name": review["unit_name"],
            "score": review["combined_score"].round(1),
            "driven by": review["driving_family"].map({"match": "matches", "minor": "less-serious share"}),
            "beyond chance": review["is_significant"],
            "reasons": review["flag_reasons"],
            "analyst notes": review["analyst_notes"],
        }
    )


def review_list_page(database: Path, period: str) -> None:
    """The review list of the chosen period, and the high scores a custody site explains."""
    review = queries.review_list(database, period)
    st.header(f"Review list, {period}")
    st.caption(
        f"Ranked on {queries.ranked_statistics(database, period)}. The top-ranked units go on for closer analysis. "
        "A high rank selects a unit for review; it proves nothing."
    )
    if review.empty:
        st.info("No unit could be ranked in this period.")
        return
    st.dataframe(
        review_list_table(review),
        hide_index=True,
        width="stretch",
        height=TABLE_ROW_HEIGHT * (len(review) + 1) + 3,
        column_config={"reasons": st.column_config.TextColumn(width="large")},
        placeholder="-",
        key="review_list",
    )
    custody = queries.custody_explained_high(database, period)
    st.subheader(f"High scores with a known custody explanation ({len(custody)}, not on the list)")
    st.caption(
        "A jail holding ICE detainees or a state prison intake centre fingerprints people the immigration database "
        "already knows: these units rank above the list's last unit for that reason, and are shown here, not hidden."
    )
    st.dataframe(review_list_table(custody), hide_index=True, width="stretch", placeholder="-", key="custody")


def funnel_page(database: Path, period: str) -> None:
    """One funnel plot per statistic in the chosen period."""
    st.header(f"Funnel plots, {period}")
    for statistic in queries.STATISTICS:
        scores = queries.statistic_scores(database, statistic, period)
        st.subheader(statistic.label)
        stamped = statistic.number != 1 and queries.synthetic_inputs(database, period)["shown"]
        st.pyplot(funnel_figure(statistic, scores, stamped), clear_figure=False)
        st.caption(funnel_caption(statistic, scores))


def unit_label(units: pd.DataFrame) -> dict[str, str]:
    """Selectbox labels of the units: code, name and rank."""
    return {
        row.county_fips: f"{row.county_fips} {row.unit_name}"
        + (f" (rank {int(row.anomaly_rank)})" if pd.notna(row.anomaly_rank) else " (not ranked)")
        for row in units.itertuples()
    }


def unit_inputs_table(unit: pd.Series) -> pd.DataFrame:
    """A unit's inputs in one period (a row of queries.unit_inputs) as an input / value table."""

    def formatted(column: str, spec: str) -> str:
        return "missing" if pd.isna(unit[column]) else format(unit[column], spec)

    rows = {
        "member counties": str(unit["member_counties"]),
        "window": f"{unit['window_start_date']:%Y-%m-%d} to {unit['window_end_date']:%Y-%m-%d}",
        "submissions S": formatted("submissions", ","),
        "matches M": formatted("matches_total", ","),
        "matches of unknown level": formatted("matches_unknown_level", ","),
        "foreign-born share F": formatted("foreign_born_share", ".4f"),
        "ACS vintage": formatted("acs_vintage", ""),
        "UCR arrests A": formatted("ucr_arrests_total", ","),
        "UCR coverage C": formatted("ucr_coverage_indicator", ".1f"),
        "UCR data year": formatted("ucr_data_year", ""),
        "UCR less-serious share p0": formatted("ucr_minor_share", ".3f"),
        "less-serious definition": str(unit["minor_definition"]),
    }
    return pd.DataFrame({"input": list(rows), "value": list(rows.values())})


def county_page(database: Path, period: str) -> None:
    """One unit: inputs, the three statistics, rank history and neighbours."""
    labels = unit_label(queries.units(database, period))
    options = list(labels)
    unit_fips = st.selectbox(
        "Unit", options, index=options.index(NYC_UNIT) if NYC_UNIT in labels else 0, format_func=labels.get, key="unit"
    )
    inputs = queries.unit_inputs(database, unit_fips, period)
    st.header(labels[unit_fips])
    if inputs.empty:
        st.info("No inputs for this unit in this period.")
        return
    unit = inputs.iloc[0]
    if bool(unit["ucr_is_synthetic"]):
        st.warning("This unit's UCR inputs are synthetic: statistics 2 and 3 are a demonstration, not findings.")
    notes = queries.analyst_notes(database, unit_fips)
    if notes:
        st.info(f"Analyst notes: {notes}")
    st.subheader("Inputs")
    table = unit_inputs_table(unit)
    st.dataframe(table, hide_index=True, height=TABLE_ROW_HEIGHT * (len(table) + 1) + 3, key="inputs")
    st.subheader("Statistics")
    statistics = queries.unit_statistics(database, unit_fips, period)
    st.dataframe(statistics.drop(columns=["statistic"]).round(4), hide_index=True, width="stretch", key="statistics")
    st.subheader("Rank across quarters")
    history = queries.rank_history(database, unit_fips)
    st.altair_chart(
        alt.Chart(history.dropna(subset=["anomaly_rank"]))
        .mark_line(point=True)
        .encode(
            x=alt.X("reporting_period:O", title="reporting period"),
            y=alt.Y("anomaly_rank:Q", title="rank (1 = most anomalous)", scale=alt.Scale(reverse=True)),
            tooltip=["reporting_period", "anomaly_rank", "combined_score", "is_flagged"],
        ),
        width="stretch",
    )
    st.subheader("Neighbouring units, same period")
    st.dataframe(queries.neighbours(database, unit_fips, period).round(3), hide_index=True, key="neighbours")


def main() -> None:
    """Sidebar (page, period), the synthetic-inputs banner, then the chosen page."""
    st.set_page_config(page_title="Secure Communities monitoring", layout="wide")
    database = queries.published_database()
    if not database.exists():
        st.error(f"No published warehouse at {database}: run `python3 scripts/scm.py run` first.")
        st.stop()
    periods = queries.reporting_periods(database)
    selected = queries.selected_period(database)
    page = st.sidebar.radio("Page", PAGES, key="page")
    options = periods["reporting_period"].tolist()
    period = st.sidebar.selectbox("Reporting period", options, index=options.index(selected), key="period")
    st.sidebar.caption(f"Published copy: {database}")
    st.title("Secure Communities statistical monitoring")
    synthetic = queries.synthetic_inputs(database, period)
    if synthetic["ranked"]:
        st.warning(SYNTHETIC_RANKED_WARNING)
    elif synthetic["shown"]:
        st.warning(SYNTHETIC_WARNING)
    {"Review list": review_list_page, "Funnel plots": funnel_page, "County": county_page}[page](database, period)


main()

"""Queries of the published warehouse, one function per question, each returning a DataFrame.

Every query on a published release (a database with its release.json beside it) runs on a cursor of one
read-only connection per release, kept for the process: a fresh connection costs some 20 ms of CPU, a cursor under
1 ms, and a release is never written once published. The `sc_monitoring.duckdb` link is resolved at every query,
so a release swapped in by a build is read from the next query on. Any other file (a build's, which dbt may write
again) gets a fresh connection per query, closed before it returns, so that no lock is held on it between queries.
Only the schemas `marts` (contracted) and `reference` are read: the published copy has nothing else
(tests/python/test_readers.py checks both).
"""

from __future__ import annotations

import functools
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PUBLISHED_DATABASE = PROJECT_ROOT / "build" / "published" / "sc_monitoring.duckdb"


@dataclass(frozen=True)
class Statistic:
    """One of the three monitoring statistics: its mart, its column prefix in rpt_anomaly_ranking, its label."""

    number: int
    mart: str
    prefix: str
    label: str


STATISTICS: tuple[Statistic, ...] = (
    Statistic(1, "fct_match_rate", "match_rate", "1. Match rate vs foreign-born share"),
    Statistic(2, "fct_crime_adjusted_matches", "crime_adjusted", "2. Matches vs UCR arrests x foreign-born share"),
    Statistic(3, "fct_minor_offense_share", "minor_share", "3. Less-serious share of matches vs UCR"),
)


def published_database() -> Path:
    """The published read-only copy: env SCM_PUBLISHED_DATABASE, else build/published/sc_monitoring.duckdb."""
    return Path(os.environ.get("SCM_PUBLISHED_DATABASE", DEFAULT_PUBLISHED_DATABASE))


@functools.lru_cache(maxsize=8)
def release_connection(path: str) -> duckdb.DuckDBPyConnection:
    """The process's read-only connection to the published release's database at `path`."""
    return duckdb.connect(path, read_only=True)


_cursor_lock = threading.Lock()  # the dashboard's sessions are threads: one takes a cursor at a time


def query(database: Path, sql: str, parameters: list[object] | dict[str, object] | None = None) -> pd.DataFrame:
    """Run one query on the file `database` resolves to: on a cursor of the release's kept connection (its own
    connection for the query's thread), or on a fresh read-only connection to a file that is not a release;
    either closed before returning."""
    if not database.exists():
        raise FileNotFoundError(f"no published warehouse at {database}: run `scripts/scm.py run` first")
    resolved = database.resolve()
    if not (resolved.parent / "release.json").exists():
        with duckdb.connect(str(resolved), read_only=True) as connection:
            return connection.execute(sql, parameters or []).df()
    with _cursor_lock:
        cursor = release_connection(str(resolved)).cursor()
    with cursor:
        return cursor.execute(sql, parameters or []).df()


def release_manifest(database: Path) -> dict[str, object] | None:
    """release.json of the release the database belongs to (beside the resolved file), or None."""
    for manifest in (database.resolve().parent / "release.json", database.parent / "current" / "release.json"):
        if manifest.exists():
            return json.loads(manifest.read_text())
    return None


def reporting_periods(database: Path) -> pd.DataFrame:
    """Every reporting period in the data, latest first, with `is_selected_period`."""
    return query(
        database,
        "select reporting_period, bool_or(is_selected_period) as is_selected_period"
        " from marts.rpt_anomaly_ranking group by reporting_period order by reporting_period desc",
    )


def selected_period(database: Path) -> str:
    """The period the build reported on (var reporting_period)."""
    periods = reporting_periods(database)
    return str(periods.loc[periods["is_selected_period"], "reporting_period"].iloc[0])


def ranking(database: Path, period: str) -> pd.DataFrame:
    """rpt_anomaly_ranking of one period, every unit, ranked units first."""
    return query(
        database,
        "select * from marts.rpt_anomaly_ranking where reporting_period = ? order by anomaly_rank nulls last,"
        " county_fips",
        [period],
    )


def review_list(database: Path, period: str) -> pd.DataFrame:
    """The review list of one period: the flagged units in the order of the list (review_rank)."""
    ranked = ranking(database, period)
    return ranked[ranked["is_flagged"]].sort_values("review_rank").reset_index(drop=True)


def custody_explained_high(database: Path, period: str) -> pd.DataFrame:
    """The units with a known custody explanation that rank above the list's last unit and are not on it (policy
    `separate`), in rank order: listed beside the review list, never hidden."""
    ranked = ranking(database, period)
    return ranked[ranked["is_custody_explained_high"] & ~ranked["is_flagged"]].reset_index(drop=True)


def dropped_off_list(database: Path, period: str) -> pd.DataFrame:
    """Units on the previous quarter's review list (recomputed in this build) that are not on this one."""
    return query(
        database,
        """
        select now.county_fips, now.unit_name, before.anomaly_rank as previous_anomaly_rank, now.anomaly_rank
        from marts.rpt_anomaly_ranking as now
        join marts.rpt_anomaly_ranking as before
            on before.county_fips = now.county_fips and before.reporting_period = now.previous_reporting_period
        where now.reporting_period = ? and before.is_flagged and not now.is_flagged
        order by before.anomaly_rank
        """,
        [period],
    )


def statistic_scores(database: Path, statistic: Statistic, period: str) -> pd.DataFrame:
    """One statistic's mart for one period, with `is_flagged` (on the review list) and `unit_name`."""
    return query(
        database,
        f"""
        select s.*, r.unit_name, r.is_flagged, r.anomaly_rank, r.review_rank
        from marts.{statistic.mart} as s
        join marts.rpt_anomaly_ranking as r using (county_fips, reporting_period)
        where s.reporting_period = ?
        """,
        [period],
    )


def units(database: Path, period: str) -> pd.DataFrame:
    """The reporting units of one period (`county_fips`, `unit_name`, `anomaly_rank`), ranked first."""
    return query(
        database,
        "select county_fips, unit_name, anomaly_rank from marts.rpt_anomaly_ranking where reporting_period = ?"
        " order by anomaly_rank nulls last, county_fips",
        [period],
    )


def unit_inputs(database: Path, unit_fips: str, period: str) -> pd.DataFrame:
    """The unit's inputs in one period (marts.fct_unit_inputs): S, M, F, A, C, vintages, the days counted."""
    return query(
        database,
        "select * from marts.fct_unit_inputs where county_fips = ? and reporting_period = ?",
        [unit_fips, period],
    )


def unit_statistics(database: Path, unit_fips: str, period: str) -> pd.DataFrame:
    """One row per statistic for the unit and period: O, E, ratio, limits, z, q, eligibility and reason."""
    columns = (
        "observed, expected, ratio, ratio_shrunk, ratio_lower_95, ratio_upper_95, ratio_lower_998, ratio_upper_998,"
        " z_score, p_value, q_value, is_eligible, ineligible_reason, tau2"
    )
    union = " union all ".join(
        f"select {s.number} as statistic, '{s.label}' as label, {columns} from marts.{s.mart}"
        " where county_fips = ? and reporting_period = ?"
        for s in STATISTICS
    )
    return query(database, union + " order by statistic", [unit_fips, period] * len(STATISTICS))


def rank_history(database: Path, unit_fips: str) -> pd.DataFrame:
    """The unit's rank, score and flag in every period of the data."""
    return query(
        database,
        "select reporting_period, anomaly_rank, combined_score, is_flagged from marts.rpt_anomaly_ranking"
        " where county_fips = ? order by reporting_period",
        [unit_fips],
    )


def analyst_notes(database: Path, unit_fips: str) -> str | None:
    """What analysts already know about the unit (ref_analyst_notes, as the ranking carries it), or None."""
    notes = query(
        database,
        "select any_value(analyst_notes) as analyst_notes from marts.rpt_anomaly_ranking where county_fips = ?",
        [unit_fips],
    )
    return None if notes.empty or pd.isna(notes.iloc[0, 0]) else str(notes.iloc[0, 0])


def neighbours(database: Path, unit_fips: str, period: str) -> pd.DataFrame:
    """The units adjacent to the unit (marts.dim_unit_neighbours), with their statistics in the same period."""
    return query(
        database,
        """
        select r.county_fips, r.unit_name, r.anomaly_rank, r.is_flagged, r.combined_score,
            r.match_rate_ratio, r.match_rate_z_score, r.crime_adjusted_ratio, r.crime_adjusted_z_score,
            r.minor_share_ratio, r.minor_share_z_score
        from marts.dim_unit_neighbours as n
        join marts.rpt_anomaly_ranking as r on r.county_fips = n.neighbor_fips
        where n.county_fips = $unit and r.reporting_period = $period
        order by r.anomaly_rank nulls last, r.county_fips
        """,
        {"unit": unit_fips, "period": period},
    )


def synthetic_inputs(database: Path, period: str) -> dict[str, bool]:
    """Whether statistics resting on synthetic inputs are shown in the period (`shown`) and whether any entered
    the rank (`ranked`, only with var rank_synthetic_inputs)."""
    flags = query(
        database,
        "select coalesce(bool_or(shows_synthetic_statistics), false) as shown,"
        " coalesce(bool_or(uses_synthetic_inputs), false) as ranked"
        " from marts.rpt_anomaly_ranking where reporting_period = ?",
        [period],
    )
    return {"shown": bool(flags["shown"].iloc[0]), "ranked": bool(flags["ranked"].iloc[0])}


def ranked_statistics(database: Path, period: str) -> str:
    """Which statistics entered the rank in the period, in words ("statistic 1 only", "statistics 1,2,3")."""
    ranked = query(
        database,
        "select string_agg(distinct ranked_statistics, ',' order by ranked_statistics) as ranked"
        " from marts.rpt_anomaly_ranking where reporting_period = ?",
        [period],
    )["ranked"].iloc[0]
    numbers = sorted({number for text in str(ranked or "").split(",") for number in [text.strip()] if number})
    if not numbers:
        return "no statistic"
    return f"statistic {numbers[0]} only" if len(numbers) == 1 else f"statistics {', '.join(numbers)}"


def run_settings(database: Path, period: str) -> pd.DataFrame:
    """Per statistic, what the period was scored with: window, τ² method and value, calibration, units scored."""
    union = " union all ".join(
        f"select {s.number} as statistic, '{s.label}' as label, min(window_start_date) as window_start_date,"
        " max(window_end_date) as window_end_date, any_value(tau2_method) as tau2_method, max(tau2) as tau2,"
        " max(phi) as phi, max(calibration_constant) as calibration_constant, max(n_eligible) as n_eligible,"
        f" count(*) as n_units from marts.{s.mart} where reporting_period = ?"
        for s in STATISTICS
    )
    return query(database, union + " order by statistic", [period] * len(STATISTICS))


def units_not_scored(database: Path, period: str) -> pd.DataFrame:
    """Per statistic, how many units were not scored and why (`ineligible_reason`)."""
    union = " union all ".join(
        f"select {s.number} as statistic, '{s.label}' as label, ineligible_reason, count(*) as units"
        f" from marts.{s.mart} where reporting_period = ? and not is_eligible group by ineligible_reason"
        for s in STATISTICS
    )
    return query(database, union + " order by statistic, units desc", [period] * len(STATISTICS))


def ucr_coverage_distribution(database: Path, period: str) -> pd.DataFrame:
    """Units with submissions by band of the UCR coverage indicator (statistics 2-3 need >= min_ucr_coverage)."""
    return query(
        database,
        """
        select case
                when ucr_coverage_indicator is null then 'no UCR data'
                when ucr_coverage_indicator < 50 then '0-49'
                when ucr_coverage_indicator < 80 then '50-79'
                when ucr_coverage_indicator < 95 then '80-94'
                else '95-100'
            end as coverage_band,
            count(*) as units
        from marts.fct_unit_inputs
        where reporting_period = ? and submissions > 0
        group by coverage_band order by coverage_band
        """,
        [period],
    )


def unknown_level_share(database: Path, period: str) -> pd.DataFrame:
    """Nationally, matches with and without an ICE level, and the unknown-level share."""
    return query(
        database,
        """
        select sum(matches_total) as matches_total, sum(matches_unknown_level) as matches_unknown_level,
            sum(matches_unknown_level) / nullif(sum(matches_total), 0) as unknown_level_share,
            any_value(minor_definition) as minor_definition
        from marts.fct_minor_offense_share where reporting_period = ?
        """,
        [period],
    )


def packet(database: Path, period: str, units: list[str] | None = None) -> pd.DataFrame:
    """rpt_review_packet of one period: the listed units in list order, then the custody-explained and the
    requested ones; only `units` when given."""
    frame = query(
        database,
        "select * from marts.rpt_review_packet where reporting_period = ?"
        " order by is_flagged desc, review_rank, anomaly_rank nulls last, county_fips",
        [period],
    )
    return frame if units is None else frame[frame["county_fips"].isin(units)].reset_index(drop=True)


def unit_quarters(database: Path, unit_fips: str, period: str) -> pd.DataFrame:
    """The unit's single quarters up to the period, every statistic (marts.fct_unit_quarter_statistics)."""
    return query(
        database,
        "select * from marts.fct_unit_quarter_statistics where county_fips = ? and quarter <= ?"
        " order by statistic, quarter",
        [unit_fips, period],
    )


def unit_counties(database: Path, unit_fips: str) -> list[str]:
    """The member counties of a unit (marts.dim_counties)."""
    frame = query(database, "select county_fips from marts.dim_counties where unit_fips = ? order by 1", [unit_fips])
    return frame["county_fips"].tolist()


def neighbour_counties(database: Path, unit_fips: str) -> pd.DataFrame:
    """The member counties of the units adjacent to a unit, with their unit (for the packet's small map)."""
    return query(
        database,
        """
        select counties.county_fips, counties.unit_fips
        from marts.dim_unit_neighbours as n
        join marts.dim_counties as counties on counties.unit_fips = n.neighbor_fips
        where n.county_fips = ?
        order by 1
        """,
        [unit_fips],
    )


def sensitivity(database: Path, unit_fips: str, period: str) -> pd.DataFrame:
    """The unit's rank and list membership under each sensitivity alternative (marts.fct_sensitivity_ranks)."""
    return query(
        database,
        "select * from marts.fct_sensitivity_ranks where county_fips = ? and reporting_period = ? order by alternative",
        [unit_fips, period],
    )


def county_values(database: Path, period: str) -> pd.DataFrame:
    """Every county with its unit's combined score, each statistic's ratio and the list flags, for the map."""
    return query(
        database,
        """
        select counties.county_fips, counties.unit_fips, counties.county_name, r.unit_name, r.combined_score,
            r.match_rate_ratio, r.crime_adjusted_ratio, r.minor_share_ratio, r.anomaly_rank, r.review_rank,
            r.is_flagged, r.is_custody_explained_high
        from marts.dim_counties as counties
        join marts.rpt_anomaly_ranking as r on r.county_fips = counties.unit_fips
        where r.reporting_period = ?
        """,
        [period],
    )

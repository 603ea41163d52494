"""The record of what the warehouse told reviewers: an append-only DuckDB file (``SCM_HISTORY_PATH``, default
history/sc_history.duckdb), kept by the operator's commands, never by dbt.

- ``append_version`` runs after a release is published (docs and publish succeeded): the selected period's ranking
  of every unit, as published, becomes a new version of that period, unless it is identical to the latest version
  (then nothing is added, and the caller says so). A plain ``dbt build`` never writes here.
- ``mark_sent`` records that a published version was sent to reviewers: when, by whom, with a note. Sending again
  adds another row; nothing is ever changed or deleted.
- dbt only reads the record (attached read-only at the start of a build, macros/history/), so the review list can
  say what was published and what was sent before; ``--full-refresh`` or a deleted build/ cannot touch it.

Tables (schema ``review_lists``): ``published_scores`` (one row per period, version and unit) and ``sent_versions``
(one row per sending).
"""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

SCHEMA = "review_lists"
# What is recorded of each unit of the published list (columns of marts.rpt_anomaly_ranking), in order.
RANKING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("county_fips", "varchar"),
    ("unit_name", "varchar"),
    ("member_counties", "varchar"),
    ("anomaly_rank", "bigint"),
    ("review_rank", "bigint"),
    ("is_flagged", "boolean"),
    ("is_custody_explained_high", "boolean"),
    ("custody_explanation", "varchar"),
    ("is_significant", "boolean"),
    ("combined_p", "double"),
    ("combined_score", "double"),
    ("driving_family", "varchar"),
    ("ranked_statistics", "varchar"),
    ("n_statistics_scored", "integer"),
    ("match_rate_z_score", "double"),
    ("match_rate_ratio", "double"),
    ("match_rate_q_value", "double"),
    ("crime_adjusted_z_score", "double"),
    ("crime_adjusted_ratio", "double"),
    ("crime_adjusted_q_value", "double"),
    ("minor_share_z_score", "double"),
    ("minor_share_ratio", "double"),
    ("minor_share_q_value", "double"),
    ("uses_synthetic_inputs", "boolean"),
    ("flag_reasons", "varchar"),
)
# The run's settings recorded with every version (the dbt vars, and where the raw data came from).
SETTING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("window_quarters", "integer"),
    ("review_list_size", "integer"),
    ("min_expected", "double"),
    ("min_ucr_coverage", "double"),
    ("tau2_method", "varchar"),
    ("custody_sites", "varchar"),
    ("custody_adp_per_10k", "double"),
    ("rank_synthetic_inputs", "boolean"),
    ("raw_source", "varchar"),
    ("release", "varchar"),
)
VERSION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "varchar"),
    ("run_started_at", "timestamp"),
    ("reporting_period", "varchar"),
    ("version", "integer"),
)
SENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reporting_period", "varchar"),
    ("version", "integer"),
    ("sent_at", "timestamp"),
    ("sent_by", "varchar"),
    ("note", "varchar"),
)
# A rerun whose ranking equals the latest version's on these columns adds no version (scores may differ in their
# last bits between runs; the words of the reasons round them).
IDENTITY_COLUMNS = (
    "county_fips",
    "anomaly_rank",
    "review_rank",
    "is_flagged",
    "is_custody_explained_high",
    "custody_explanation",
    "flag_reasons",
)


class RecordError(Exception):
    """The record cannot be read or written as asked (locked, nothing published, no such version)."""


@dataclass(frozen=True)
class Appended:
    """What append_version did: the period, the version that now describes the published list, and whether it
    was added by this call (False: identical to the latest version, nothing added)."""

    reporting_period: str
    version: int
    added: bool


@dataclass(frozen=True)
class Sent:
    reporting_period: str
    version: int
    sent_at: datetime
    sent_by: str
    note: str | None


def _connect(history: Path) -> duckdb.DuckDBPyConnection:
    history.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(history))
    except duckdb.IOException as error:
        raise RecordError(
            f"the record {history} is in use (a build or another command holds it): try again when it has finished"
            f" ({error})"
        ) from error


def ensure_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the record's tables if missing and add any column a newer release records (null in old rows)."""
    published = VERSION_COLUMNS + RANKING_COLUMNS + SETTING_COLUMNS
    connection.execute(f"create schema if not exists {SCHEMA}")
    for table, columns in (("published_scores", published), ("sent_versions", SENT_COLUMNS)):
        ddl = ", ".join(f"{name} {kind}" for name, kind in columns)
        connection.execute(f"create table if not exists {SCHEMA}.{table} ({ddl})")
        for name, kind in columns:
            connection.execute(f"alter table {SCHEMA}.{table} add column if not exists {name} {kind}")


def latest_version(connection: duckdb.DuckDBPyConnection, period: str) -> int | None:
    row = connection.execute(
        f"select max(version) from {SCHEMA}.published_scores where reporting_period = ?", [period]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def append_version(published_database: Path, history: Path, settings: dict[str, object]) -> Appended:
    """Record the selected period's ranking of ``published_database`` (the release readers now see) as a new
    version, unless it equals the latest version of that period. ``settings`` holds SETTING_COLUMNS' values."""
    names = [name for name, _ in RANKING_COLUMNS]
    with duckdb.connect(str(published_database), read_only=True) as published:
        period_row = published.execute(
            "select any_value(reporting_period) from marts.rpt_anomaly_ranking where is_selected_period"
        ).fetchone()
        ranking = published.execute(
            f"select {', '.join(names)} from marts.rpt_anomaly_ranking where is_selected_period order by county_fips"
        ).fetchall()
    if period_row is None or period_row[0] is None:
        raise RecordError(f"{published_database} has no selected reporting period: nothing to record")
    period = str(period_row[0])
    connection = _connect(history)
    try:
        ensure_tables(connection)
        latest = latest_version(connection, period)
        if latest is not None and _identity(connection, period, latest) == _identity_of(ranking, names):
            return Appended(period, latest, added=False)
        version = (latest or 0) + 1
        run_id, started = str(uuid.uuid4()), datetime.now(UTC).replace(tzinfo=None)
        setting_values = [settings.get(name) for name, _ in SETTING_COLUMNS]
        columns = [name for name, _ in VERSION_COLUMNS + RANKING_COLUMNS + SETTING_COLUMNS]
        placeholders = ", ".join("?" for _ in columns)
        connection.executemany(
            f"insert into {SCHEMA}.published_scores ({', '.join(columns)}) values ({placeholders})",
            [[run_id, started, period, version, *row, *setting_values] for row in ranking],
        )
        return Appended(period, version, added=True)
    finally:
        connection.close()


def _identity(connection: duckdb.DuckDBPyConnection, period: str, version: int) -> list[tuple[object, ...]]:
    return connection.execute(
        f"select {', '.join(IDENTITY_COLUMNS)} from {SCHEMA}.published_scores"
        " where reporting_period = ? and version = ? order by county_fips",
        [period, version],
    ).fetchall()


def _identity_of(ranking: list[tuple[object, ...]], names: list[str]) -> list[tuple[object, ...]]:
    positions = [names.index(column) for column in IDENTITY_COLUMNS]
    return [tuple(row[position] for position in positions) for row in ranking]


def mark_sent(
    history: Path, period: str, version: int | None = None, sent_by: str | None = None, note: str | None = None
) -> Sent:
    """Record that ``version`` (default: the latest published) of ``period`` was sent to reviewers."""
    if not history.exists():
        raise RecordError(f"nothing has been published yet: the record {history} does not exist")
    connection = _connect(history)
    try:
        ensure_tables(connection)
        latest = latest_version(connection, period)
        if latest is None:
            periods = [
                row[0]
                for row in connection.execute(
                    f"select distinct reporting_period from {SCHEMA}.published_scores order by 1"
                ).fetchall()
            ]
            raise RecordError(f"no published version of {period}; published periods: {', '.join(periods) or 'none'}")
        chosen = latest if version is None else version
        exists = connection.execute(
            f"select count(*) from {SCHEMA}.published_scores where reporting_period = ? and version = ?",
            [period, chosen],
        ).fetchone()
        if not exists or not exists[0]:
            raise RecordError(f"{period} has no version {chosen}: its versions are 1 to {latest}")
        sent = Sent(period, chosen, datetime.now(UTC).replace(tzinfo=None), sent_by or getpass.getuser(), note)
        connection.execute(
            f"insert into {SCHEMA}.sent_versions values (?, ?, ?, ?, ?)",
            [sent.reporting_period, sent.version, sent.sent_at, sent.sent_by, sent.note],
        )
        return sent
    finally:
        connection.close()


def versions(history: Path, period: str) -> list[dict[str, object]]:
    """The published versions of ``period``, oldest first, each with when it was published and every sending."""
    if not history.exists():
        return []
    with duckdb.connect(str(history), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("select table_name from duckdb_tables()").fetchall()}
        if "published_scores" not in tables:
            return []
        rows = connection.execute(
            f"""
            select published.version, min(published.run_started_at), any_value(published.release),
                   count(case when published.is_flagged then 1 end)
            from {SCHEMA}.published_scores as published
            where published.reporting_period = ?
            group by published.version order by published.version
            """,
            [period],
        ).fetchall()
        sendings = (
            connection.execute(
                f"select version, sent_at, sent_by, note from {SCHEMA}.sent_versions"
                " where reporting_period = ? order by sent_at",
                [period],
            ).fetchall()
            if "sent_versions" in tables
            else []
        )
    return [
        {
            "version": version,
            "published_at": published_at,
            "release": release,
            "n_flagged": n_flagged,
            "sent": [
                {"sent_at": at, "sent_by": by, "note": note}
                for sent_version, at, by, note in sendings
                if sent_version == version
            ],
        }
        for version, published_at, release, n_flagged in rows
    ]

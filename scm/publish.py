"""Publish a successful build for readers, atomically: a read-only database of what readers may use, and Parquet
exports of every mart, swapped in together, so that readers never see a half-written file and a failed build leaves
what they have untouched.

The published database holds the schemas `marts` (the contracted marts), `reference` (the reference seeds and the
analyst notes) and `validation_failures` (only the checks that returned rows, e.g. warnings), with the tables' and
columns' descriptions; nothing of staging or intermediate, no raw tables and no test fixtures.

Layout under the published folder (default build/published):

    releases/<UTC timestamp>/sc_monitoring.duckdb    the readers' database (read-only)
    releases/<UTC timestamp>/exports/<mart>.parquet  one file per table of schema `marts`
    releases/<UTC timestamp>/docs/index.html         the dbt documentation (catalog) as one self-contained page
    releases/<UTC timestamp>/release.json            when, from which database, row counts
    current -> releases/<UTC timestamp>              replaced in one atomic rename
    sc_monitoring.duckdb -> current/sc_monitoring.duckdb
    exports -> current/exports
    docs -> current/docs

A reader holding the previous copy open keeps reading it (its release stays on disk; the two newest are kept).

Used by `python3 scripts/scm.py run` after a passing build; the record of the published list is appended after
this succeeds (scm/record.py).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from scm.paths import DATABASE_NAME

RELEASES_KEPT = 2
READER_SCHEMAS = ("marts", "reference")
FAILED_CHECKS_SCHEMA = "validation_failures"


def current_release(published_dir: Path) -> dict[str, object] | None:
    """The manifest of the release readers see now, or None when nothing was published yet."""
    manifest = published_dir / "current" / "release.json"
    return json.loads(manifest.read_text()) if manifest.exists() else None


def _point(link: Path, target: str) -> None:
    """Make `link` a symlink to `target`, replacing any existing link in one atomic rename."""
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, link)


def sql_text(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def copy_reader_tables(database: Path, target: Path) -> list[tuple[str, str]]:
    """Write into the new file `target` the tables of `database` that readers may use (READER_SCHEMAS, and the
    failed checks that kept rows), with their descriptions. Returns (schema, table) of what was copied."""
    copied: list[tuple[str, str]] = []
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{database}' as build (read_only)")
        candidates = connection.execute(
            """
            select schema_name, table_name, comment from duckdb_tables()
            where database_name = 'build' and schema_name in ({})
            order by schema_name, table_name
            """.format(", ".join(f"'{schema}'" for schema in (*READER_SCHEMAS, FAILED_CHECKS_SCHEMA)))
        ).fetchall()
        for schema, table, comment in candidates:
            source = f'build."{schema}"."{table}"'
            if (
                schema == FAILED_CHECKS_SCHEMA
                and not connection.execute(f"select count(*) from {source}").fetchone()[0]
            ):
                continue
            connection.execute(f'create schema if not exists "{schema}"')
            connection.execute(f'create table "{schema}"."{table}" as select * from {source}')
            if comment:
                connection.execute(f'comment on table "{schema}"."{table}" is {sql_text(comment)}')
            columns = connection.execute(
                "select column_name, comment from duckdb_columns()"
                " where database_name = 'build' and schema_name = ? and table_name = ? and comment is not null",
                [schema, table],
            ).fetchall()
            for column, column_comment in columns:
                connection.execute(f'comment on column "{schema}"."{table}"."{column}" is {sql_text(column_comment)}')
            copied.append((schema, table))
        connection.execute("detach build")
        connection.execute("checkpoint")
    return copied


def publish(
    database: Path, published_dir: Path, docs_page: Path | None = None, about: dict[str, object] | None = None
) -> Path:
    """Write the readers' tables of `database`, the exports of its marts and the static docs page `docs_page` (if
    given) into a new release beside the published one, then switch readers to it. `about` is added to the
    release's manifest (release.json: the data it ran on, the vars). Returns the new release folder. Raises on any
    failure before the switch, leaving readers' release as it was (the half-made release is removed)."""
    published_dir.mkdir(parents=True, exist_ok=True)
    releases = published_dir / "releases"
    releases.mkdir(exist_ok=True)
    for stale in published_dir.glob(".staging-*"):  # left by an interrupted run
        shutil.rmtree(stale, ignore_errors=True)

    released_at = datetime.now(UTC)
    name = released_at.strftime("%Y%m%dT%H%M%S%fZ")
    staging = published_dir / f".staging-{name}"
    (staging / "exports").mkdir(parents=True)
    try:
        with duckdb.connect(str(database)) as connection:  # the build's own file: no reader holds it
            connection.execute("checkpoint")
        tables = copy_reader_tables(database, staging / DATABASE_NAME)
        if not any(schema == "marts" for schema, _ in tables):
            raise RuntimeError(f"{database} has no tables in schema marts: nothing to publish")
        row_counts: dict[str, int] = {}
        with duckdb.connect(str(staging / DATABASE_NAME), read_only=True) as connection:
            for schema, table in tables:
                if schema != "marts":
                    continue
                target = staging / "exports" / f"{table}.parquet"
                connection.execute(f"copy marts.\"{table}\" to '{target}' (format parquet)")
                row_counts[table] = connection.execute(f'select count(*) from marts."{table}"').fetchone()[0]
            selected = (
                connection.execute(
                    "select any_value(reporting_period) from marts.rpt_anomaly_ranking where is_selected_period"
                ).fetchone()
                if ("marts", "rpt_anomaly_ranking") in tables
                else None
            )
        if docs_page is not None:
            (staging / "docs").mkdir()
            shutil.copyfile(docs_page, staging / "docs" / "index.html")
        (staging / DATABASE_NAME).chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        manifest = {
            "released_at": released_at.isoformat(),
            "release": name,
            "reporting_period": selected[0] if selected else None,
            "marts": row_counts,
            "tables": [f"{schema}.{table}" for schema, table in tables],
            **(about or {}),
        }
        (staging / "release.json").write_text(json.dumps(manifest, indent=2) + "\n")
        release = releases / name
        os.replace(staging, release)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    _point(published_dir / "current", f"releases/{name}")
    for link, target in [
        (DATABASE_NAME, f"current/{DATABASE_NAME}"),
        ("exports", "current/exports"),
        ("docs", "current/docs"),
    ]:
        if not (published_dir / link).is_symlink():
            _point(published_dir / link, target)
    for old in sorted(releases.iterdir())[:-RELEASES_KEPT]:
        shutil.rmtree(old, ignore_errors=True)
    return release

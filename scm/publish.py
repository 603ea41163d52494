"""Publish a successful build for readers, atomically: a read-only copy of the warehouse and Parquet exports of
every mart, swapped in together, so that readers never see a half-written file and a failed build leaves what
they have untouched.

Layout under the published folder (default build/published):

    releases/<UTC timestamp>/sc_monitoring.duckdb    read-only copy of the build database
    releases/<UTC timestamp>/exports/<mart>.parquet  one file per table of schema `marts`
    releases/<UTC timestamp>/docs/index.html         the dbt documentation (catalog) as one self-contained page
    releases/<UTC timestamp>/release.json            when, from which database, row counts
    current -> releases/<UTC timestamp>              replaced in one atomic rename
    sc_monitoring.duckdb -> current/sc_monitoring.duckdb
    exports -> current/exports
    docs -> current/docs

A reader holding the previous copy open keeps reading it (its release stays on disk; the two newest are kept).

    python scripts/publish.py --database build/sc_monitoring.duckdb --published-dir build/published
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

DATABASE_NAME = "sc_monitoring.duckdb"
RELEASES_KEPT = 2


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


def publish(database: Path, published_dir: Path, docs_page: Path | None = None) -> Path:
    """Copy `database`, export its marts and copy the static docs page `docs_page` (if given) into a new release
    beside the published one, then switch readers to it. Returns the new release folder. Raises on any failure
    before the switch, leaving readers' release as it was (the half-made release is removed)."""
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
        shutil.copyfile(database, staging / DATABASE_NAME)
        row_counts: dict[str, int] = {}
        with duckdb.connect(str(staging / DATABASE_NAME), read_only=True) as connection:
            marts = [
                table
                for (table,) in connection.execute(
                    "select table_name from information_schema.tables"
                    " where table_schema = 'marts' and table_type = 'BASE TABLE' order by table_name"
                ).fetchall()
            ]
            if not marts:
                raise RuntimeError(f"{database} has no tables in schema marts: nothing to publish")
            for table in marts:
                target = staging / "exports" / f"{table}.parquet"
                connection.execute(f"copy marts.{table} to '{target}' (format parquet)")
                row_counts[table] = connection.execute(f"select count(*) from marts.{table}").fetchone()[0]
        if docs_page is not None:
            (staging / "docs").mkdir()
            shutil.copyfile(docs_page, staging / "docs" / "index.html")
        (staging / DATABASE_NAME).chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        manifest = {
            "released_at": released_at.isoformat(),
            "source_database": str(database.resolve()),
            "marts": row_counts,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, type=Path, help="the build database to publish")
    parser.add_argument("--docs-page", type=Path, help="the static dbt docs page to publish with it")
    parser.add_argument(
        "--published-dir", type=Path, default=Path("build/published"), help="where readers find the published copy"
    )
    arguments = parser.parse_args()
    if not arguments.database.exists():
        sys.exit(f"error: {arguments.database} does not exist")
    release = publish(arguments.database, arguments.published_dir, arguments.docs_page)
    print(f"published {release}")


if __name__ == "__main__":
    main()

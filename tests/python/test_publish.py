"""The main command publishes only what passed every test, atomically: a read-only copy and Parquet exports for
readers, swapped in together. A failed build names the broken rows and leaves the published copy as it was; a reader
holding the published copy open never makes a build fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dbt_helpers import REPO_ROOT

pytestmark = pytest.mark.e2e
SCM = REPO_ROOT / "scripts" / "scm.py"
sys.path.insert(0, str(REPO_ROOT / "scripts"))
from publish import current_release, publish  # noqa: E402


def scm_run(work: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCM_INSIDE_VENV": "1",  # this interpreter is the project's environment already
        "SCM_DUCKDB_PATH": str(work / "sc_monitoring.duckdb"),
        "SCM_HISTORY_PATH": str(work / "sc_history.duckdb"),
        "SCM_PUBLISHED_DIR": str(work / "published"),
    }
    return subprocess.run(
        [sys.executable, str(SCM), "run", *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def broken_raw_dir(path: Path) -> Path:
    """The embedded raw tables with three damaged rows of raw_sc_identifications: data rows 4, 7 and 21 (lines 5,
    8 and 22 of the file): more matches than submissions, text in a count, negative submissions."""
    path.mkdir()
    identifications = pd.read_csv(REPO_ROOT / "seeds/raw/raw_sc_identifications.csv", dtype=str, keep_default_na=False)
    identifications.loc[3, "matches_total"] = str(int(identifications.loc[3, "submissions"]) + 5)
    identifications.loc[6, "submissions"] = "1,234"
    identifications.loc[20, "submissions"] = "-4"
    identifications.to_csv(path / "raw_sc_identifications.csv", index=False)
    for table in ["raw_census_foreign_born", "raw_ucr_arrests"]:
        (path / f"{table}.csv").write_bytes((REPO_ROOT / f"seeds/raw/{table}.csv").read_bytes())
    return path


def test_publish_builds_read_only_copy_and_exports_and_a_failed_build_keeps_them(tmp_path: Path) -> None:
    published = tmp_path / "published"

    first = scm_run(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    release = current_release(published)
    assert release is not None
    assert set(release["marts"]) == {
        "dim_counties",
        "fct_crime_adjusted_matches",
        "fct_match_rate",
        "fct_minor_offense_share",
        "rpt_anomaly_ranking",
    }
    for mart, rows in release["marts"].items():
        assert duckdb.sql(f"select count(*) from '{published / 'exports' / f'{mart}.parquet'}'").fetchone()[0] == rows
    assert "Review list for 2012Q3 (24 units" in first.stdout
    current_target = os.readlink(published / "current")

    # An analyst holds the published copy open, read-only, while the next quarter's build runs and fails.
    reader = duckdb.connect(str(published / "sc_monitoring.duckdb"), read_only=True)
    try:
        before = reader.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone()
        failed = scm_run(tmp_path, "--raw-dir", str(broken_raw_dir(tmp_path / "broken")))
        assert failed.returncode != 0
        report = failed.stderr
        assert "table stg_ice__identifications, column submissions" in report, report
        assert "rule: accepted_range (min_value=0)" in report, report
        assert "rule: expression_is_true (expression=matches_total <= submissions)" in report, report
        assert "raw_sc_identifications.csv line 5: county_fips=01015" in report, report
        assert "raw_sc_identifications.csv line 22: county_fips=01073" in report, report
        assert "raw_sc_identifications.csv line 8: does not parse: submissions=1,234 | county_fips=01023" in report
        assert "nothing new was published (the published copy of" in report, report
        assert os.readlink(published / "current") == current_target
        assert current_release(published) == release
        assert reader.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone() == before

        # The reader still holds the old copy when a good build publishes a new one beside it.
        second = scm_run(tmp_path)
        assert second.returncode == 0, second.stdout + second.stderr
        assert os.readlink(published / "current") != current_target
        assert reader.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone() == before
    finally:
        reader.close()
    with duckdb.connect(str(published / "sc_monitoring.duckdb"), read_only=True) as fresh:
        assert fresh.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone() == before


def test_publish_is_all_or_nothing_and_keeps_two_releases(tmp_path: Path) -> None:
    database = tmp_path / "sc_monitoring.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_example as select 1 as county_count")
    published = tmp_path / "published"
    published.mkdir()
    (published / ".staging-interrupted").mkdir()  # left by a run that was killed mid-publish

    releases = [publish(database, published) for _ in range(3)]
    assert not list(published.glob(".staging-*"))
    assert sorted(path.name for path in (published / "releases").iterdir()) == [r.name for r in releases[1:]]
    assert json.loads((published / "current" / "release.json").read_text())["marts"] == {"fct_example": 1}

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(RuntimeError, match="no tables in schema marts"):
        publish(empty, published)
    assert os.readlink(published / "current") == f"releases/{releases[-1].name}"
    assert not list(published.glob(".staging-*"))

"""The operator's commands as an operator uses them (`python -m scm`, what scripts/scm.py runs inside .venv):

- `run` publishes only what passed every test, atomically, a release holding the marts, the reference seeds and
  nothing else, and records it; a rerun with the same ranking adds no version; a failed run names this run's broken
  rows, publishes and records nothing, and leaves readers' copy as it was;
- a plain `dbt build` (even `--full-refresh`) never writes the record; `send` records a sending;
- a misspelt var and a period the data does not have are rejected before anything is built.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import background
import duckdb
import pandas as pd
import pytest
from dbt_helpers import REPO_ROOT, DbtResult, run_dbt, run_scm

from scm.publish import current_release, publish

pytestmark = pytest.mark.e2e
MARTS = {
    "dim_counties",
    "dim_unit_neighbours",
    "fct_crime_adjusted_matches",
    "fct_match_rate",
    "fct_minor_offense_share",
    "fct_rank_stability",
    "fct_sensitivity_ranks",
    "fct_unit_inputs",
    "fct_unit_quarter_statistics",
    "rpt_anomaly_ranking",
    "rpt_review_packet",
}


def record(work: Path, table: str = "published_scores") -> pd.DataFrame:
    with duckdb.connect(str(work / "sc_history.duckdb"), read_only=True) as connection:
        return connection.sql(f"select * from review_lists.{table} order by all").df()


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


def test_a_run_publishes_marts_and_reference_and_records_version_1(dbt_build_result: DbtResult) -> None:
    """1. The session's embedded build is the operator's `scm run` (conftest.py): a release for readers (marts and
    reference only) and version 1 of the record."""
    first, folder = dbt_build_result, dbt_build_result.database.parent
    published = folder / "published"
    assert first.returncode == 0, first.output[-3000:]
    assert "recorded version 1 of 2012Q3's review list" in first.output
    assert "Review list for 2012Q3: 24 units, ranked on statistic 1 only" in first.output
    assert "High scores with a known custody explanation" in first.output
    release = current_release(published)
    assert release is not None and release["reporting_period"] == "2012Q3"
    assert set(release["marts"]) == MARTS
    assert {table.split(".")[0] for table in release["tables"]} == {"marts", "reference"}
    for mart, rows in release["marts"].items():
        assert duckdb.sql(f"select count(*) from '{published / 'exports' / f'{mart}.parquet'}'").fetchone()[0] == rows
    with duckdb.connect(str(published / "sc_monitoring.duckdb"), read_only=True) as copy:
        schemas = {row[0] for row in copy.sql("select distinct schema_name from duckdb_tables()").fetchall()}
        assert schemas == {"marts", "reference"}
        comment = copy.sql("select comment from duckdb_tables() where table_name = 'rpt_anomaly_ranking'").fetchone()
        assert comment[0].startswith("The review list")
    after_first = record(folder)
    assert set(after_first["version"]) == {1}
    assert after_first["is_flagged"].sum() == 24


def after_the_first_run(work: Path) -> tuple[dict[str, object], pd.DataFrame, str]:
    """The operator's folder after the session's `scm run`, copied into `work`: its release, record and
    `current` link."""
    first: DbtResult = background.result("dbt_build_result")
    assert first.returncode == 0, "the session's `scm run` failed (see test_a_run_publishes_...)"
    shutil.copytree(first.database.parent, work, symlinks=True, dirs_exist_ok=True)
    release = current_release(work / "published")
    assert release is not None
    return release, record(work), os.readlink(work / "published" / "current")


@pytest.mark.background("failed_runs")
def test_a_failed_run_names_this_runs_broken_rows_and_changes_nothing() -> None:
    """The operator's failed runs, in the background from the start of the tests; the first failed assertion
    fails this test."""
    background.result("failed_runs")


@background.job("failed_runs", priority=0, last=True)
def failed_runs(tmp_path: Path) -> None:
    release, after_first, current_target = after_the_first_run(tmp_path)
    published = tmp_path / "published"

    # 2. An analyst holds the published copy open while a run on damaged data fails: this run's failures are
    # printed with the file and line of each broken row; nothing is published or recorded.
    with duckdb.connect(str(published / "sc_monitoring.duckdb"), read_only=True) as reader:
        before = reader.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone()
        failed = run_scm(tmp_path, "run", "--raw-dir", str(broken_raw_dir(tmp_path / "broken")))
        assert failed.returncode != 0
        report = failed.stderr
        assert "table stg_ice__identifications" in report, report
        assert "raw_sc_identifications.csv line 5: county_fips=01015" in report, report
        assert "raw_sc_identifications.csv line 22: county_fips=01073" in report, report
        assert "line 8: does not parse: submissions=1,234" in report, report
        assert "nothing new was published (the published copy of" in report, report
        assert os.readlink(published / "current") == current_target
        assert current_release(published) == release
        assert reader.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone() == before
    pd.testing.assert_frame_equal(record(tmp_path), after_first)

    # 3. A run that fails before dbt runs anything shows its own failure, not the previous run's.
    early = run_scm(tmp_path, "run", "--vars", "{window_quarters: 0}")
    assert early.returncode != 0
    assert "window_quarters must be a whole number >= 1" in early.stdout + early.stderr
    assert "dbt stopped before it ran any model or check" in early.stderr
    assert "line 5: county_fips=01015" not in early.stderr
    pd.testing.assert_frame_equal(record(tmp_path), after_first)


@pytest.mark.background("rerun_and_send")
def test_a_rerun_adds_no_version_dbt_never_writes_the_record_and_send_records_a_sending() -> None:
    """The operator's rerun and sending, in the background from the start of the tests (beside the failed runs,
    from another copy of the first run's folder); the first failed assertion fails this test."""
    background.result("rerun_and_send")


@background.job("rerun_and_send", priority=0, last=True)
def rerun_and_send(tmp_path: Path) -> None:
    _, after_first, current_target = after_the_first_run(tmp_path)
    published = tmp_path / "published"

    # 4. The same data again, while an analyst holds the published copy open: a new release, but the ranking
    # equals version 1, so no new version.
    with duckdb.connect(str(published / "sc_monitoring.duckdb"), read_only=True) as reader:
        before = reader.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone()
        second = run_scm(tmp_path, "run")
        assert second.returncode == 0, second.stdout[-3000:] + second.stderr
        assert "the ranking equals version 1 of 2012Q3 in the record: no new version was added" in second.stdout
        assert os.readlink(published / "current") != current_target
        assert reader.sql("select count(*) from marts.rpt_anomaly_ranking where is_flagged").fetchone() == before
    pd.testing.assert_frame_equal(record(tmp_path), after_first)

    # 5. dbt run by hand, even with --full-refresh, reads the record and never writes it (the models that read
    # it, with every run-start hook; no model or hook of the project writes it, so the rest need not be rebuilt).
    readers_of_the_record = ["stg_history__published_scores", "stg_history__sent_versions", "int_recorded_review_lists"]
    by_hand = run_dbt(
        tmp_path / "by_hand",
        ["build", "--full-refresh", "--select", *readers_of_the_record],
        history=tmp_path / "sc_history.duckdb",
    )
    assert by_hand.ok, by_hand.failure_message()
    with duckdb.connect(str(by_hand.database), read_only=True) as built:
        assert built.sql("select count(*) from intermediate.int_recorded_review_lists").fetchone()[0] > 0
    pd.testing.assert_frame_equal(record(tmp_path), after_first)

    # 6. send records who sent which version when, append-only.
    sent = run_scm(tmp_path, "send", "--note", "sent to step-2 reviewers", "--by", "operator")
    assert sent.returncode == 0, sent.stderr
    assert "version 1 of 2012Q3's review list sent to reviewers by operator" in sent.stdout
    sendings = record(tmp_path, "sent_versions")
    assert sendings[["reporting_period", "version", "sent_by", "note"]].values.tolist() == [
        ["2012Q3", 1, "operator", "sent to step-2 reviewers"]
    ]
    unknown = run_scm(tmp_path, "send", "--period", "2011Q1")
    assert unknown.returncode == 2 and "no published version of 2011Q1; published periods: 2012Q3" in unknown.stderr


def test_a_misspelt_var_is_rejected_naming_the_nearest(tmp_path: Path) -> None:
    result = run_scm(tmp_path, "run", "--vars", "{review_list_sise: 30}")
    assert result.returncode == 2
    assert "unknown var 'review_list_sise'; did you mean review_list_size?" in result.stderr
    assert not (tmp_path / "sc_monitoring.duckdb").exists()
    assert not (tmp_path / "sc_history.duckdb").exists()


def test_a_period_the_data_does_not_have_is_rejected_before_the_build(tmp_path: Path) -> None:
    result = run_scm(tmp_path, "run", "--vars", "{reporting_period: 2011Q1}")
    assert result.returncode == 2
    assert "reporting_period 2011Q1 is not in the embedded data" in result.stderr
    assert "period(s): 2012Q3" in result.stderr
    assert not (tmp_path / "sc_monitoring.duckdb").exists()


def test_publish_is_all_or_nothing_and_keeps_two_releases(tmp_path: Path) -> None:
    database = tmp_path / "sc_monitoring.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.rpt_anomaly_ranking as select '2012Q3' as reporting_period, true as is_selected_period"
        )
        connection.execute("create schema staging")
        connection.execute("create table staging.not_for_readers as select 1 as x")
    published = tmp_path / "published"
    published.mkdir()
    (published / ".staging-interrupted").mkdir()  # left by a run that was killed mid-publish

    releases = [publish(database, published) for _ in range(3)]
    assert not list(published.glob(".staging-*"))
    assert sorted(path.name for path in (published / "releases").iterdir()) == [r.name for r in releases[1:]]
    manifest = json.loads((published / "current" / "release.json").read_text())
    assert manifest["marts"] == {"rpt_anomaly_ranking": 1}
    assert manifest["tables"] == ["marts.rpt_anomaly_ranking"]

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(RuntimeError, match="no tables in schema marts"):
        publish(empty, published)
    assert os.readlink(published / "current") == f"releases/{releases[-1].name}"
    assert not list(published.glob(".staging-*"))

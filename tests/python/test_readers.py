"""Readers read the contracted marts and the reference seeds only: the dashboard, the readers' package and the
analyses name no other schema, and the published copy they read has no other (so a reader that reached below the
marts would fail on it at once). The exposures list what the readers read."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import Published
from dbt_helpers import REPO_ROOT

from readers.queries import query, release_connection

READER_CODE = [*sorted((REPO_ROOT / "readers").glob("*.py")), REPO_ROOT / "dashboard" / "app.py"]
SCHEMA_REFERENCE = re.compile(r"\b(staging|intermediate|raw|test_reference|validation_failures|history)\.[a-z_]+")
MART_REFERENCE = re.compile(r"\bmarts\.(\{?[a-z_.]+\}?)")


@pytest.mark.parametrize("path", READER_CODE, ids=lambda path: path.name)
def test_reader_code_names_no_schema_below_the_marts(path: Path) -> None:
    found = SCHEMA_REFERENCE.findall(path.read_text())
    assert not found, f"{path.relative_to(REPO_ROOT)} reads {sorted(set(found))}: readers read marts and reference only"


def test_analyses_read_marts_only() -> None:
    for path in (REPO_ROOT / "analyses").glob("*.sql"):
        refs = re.findall(r"ref\('([a-z_]+)'\)", path.read_text())
        assert all(ref.startswith(("fct_", "dim_", "rpt_")) for ref in refs), (path.name, refs)


@pytest.mark.e2e
def test_the_published_copy_holds_marts_and_reference_only(published: Published) -> None:
    with duckdb.connect(str(published.database), read_only=True) as connection:
        schemas = {row[0] for row in connection.sql("select distinct schema_name from duckdb_tables()").fetchall()}
        fixtures = connection.sql(
            "select count(*) from duckdb_tables() where table_name like 'ref_sr%' or table_name like 'bh_ref%'"
        ).fetchone()
    assert schemas <= {"marts", "reference", "validation_failures"}
    assert "marts" in schemas and "reference" in schemas
    assert fixtures == (0,)


def test_exposures_name_every_mart_the_readers_query() -> None:
    exposures = yaml.safe_load((REPO_ROOT / "models/marts/monitoring/_monitoring__exposures.yml").read_text())
    declared = {
        re.sub(r"ref\('([a-z_]+)'\)", r"\1", dependency)
        for exposure in exposures["exposures"]
        for dependency in exposure["depends_on"]
    }
    queried = {name for path in READER_CODE for name in re.findall(r"\bmarts\.([a-z_]+)", path.read_text())}
    assert queried, "no mart found in the readers' code"
    assert queried <= declared, f"queried but not in the exposures: {sorted(queried - declared)}"


def database_file(path: Path, flagged: int, release: bool) -> Path:
    """A DuckDB file whose rpt_anomaly_ranking has `flagged` flagged rows; with `release`, a release.json beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.rpt_anomaly_ranking as select true as is_flagged from range({flagged})")
    if release:
        (path.parent / "release.json").write_text("{}")
    return path


FLAGGED = "select count(*) as n from marts.rpt_anomaly_ranking where is_flagged"


def test_queries_follow_the_link_to_the_release_swapped_in(tmp_path: Path) -> None:
    """The readers keep one connection per release; the next query after a swap reads the new release."""
    link = tmp_path / "published" / "sc_monitoring.duckdb"
    link.parent.mkdir()
    link.symlink_to(database_file(tmp_path / "releases" / "first" / "sc_monitoring.duckdb", 3, release=True))
    assert query(link, FLAGGED)["n"].item() == 3
    link.unlink()
    link.symlink_to(database_file(tmp_path / "releases" / "second" / "sc_monitoring.duckdb", 5, release=True))
    assert query(link, FLAGGED)["n"].item() == 5
    assert release_connection.cache_info().currsize >= 2


def test_queries_hold_no_connection_to_a_file_that_is_not_a_release(tmp_path: Path) -> None:
    """A build's file (no release.json) may be written again between two queries, here even replaced."""
    build = database_file(tmp_path / "sc_monitoring.duckdb", 3, release=False)
    assert query(build, FLAGGED)["n"].item() == 3
    with duckdb.connect(str(build)) as writer:  # refused while this process held a read-only connection to it
        writer.execute("insert into marts.rpt_anomaly_ranking select true from range(2)")
    assert query(build, FLAGGED)["n"].item() == 5

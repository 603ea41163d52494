"""Shared fixtures of the Python tests: the real ``dbt build`` into a temporary DuckDB file.

The end-to-end tests (marked ``e2e``; select them with ``pytest -m e2e``, skip them with ``-m "not e2e"``)
need the warehouse built from the embedded seeds. ``dbt_build_result`` runs ``dbt build`` once per session,
with the ``dbt`` executable beside the running Python, from the repo root, writing to a DuckDB file, a target
path and a log path of its own (so that it neither reads nor clobbers other builds); ``warehouse`` yields the
database path, or fails with the tail of dbt's output; ``dbt_target_path`` gives the build's target directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt_helpers import DbtResult, run_dbt


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end tests that run the real dbt build into a temporary DuckDB file")


def dbt_target_path(database: Path) -> Path:
    """dbt's target directory (``run_results.json``, ...) of the build that wrote ``database``."""
    return database.parent / "target"


@pytest.fixture(scope="session")
def dbt_build_result(tmp_path_factory: pytest.TempPathFactory) -> DbtResult:
    """Run ``dbt build`` once per session into a temporary DuckDB file (never raises; see ``warehouse``)."""
    return run_dbt(tmp_path_factory.mktemp("dbt_build"), ["build"])


@pytest.fixture(scope="session")
def warehouse(dbt_build_result: DbtResult) -> Iterator[Path]:
    """Path of the DuckDB file the session's ``dbt build`` wrote; fails with the tail of dbt's output if the
    build failed (test_end_to_end.py's ``test_build_succeeds`` reports the same as a test failure)."""
    if not dbt_build_result.ok:
        pytest.fail(dbt_build_result.failure_message(), pytrace=False)
    yield dbt_build_result.database

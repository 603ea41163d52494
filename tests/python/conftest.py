"""Shared fixtures of the Python tests: the real ``dbt build`` into a temporary DuckDB file.

The end-to-end tests (marked ``e2e``; select them with ``pytest -m e2e``, skip them with ``-m "not e2e"``)
need the warehouse built from the embedded seeds. ``dbt_build_result`` runs ``dbt build`` once per session,
with the ``dbt`` executable beside the running Python, from the repo root, writing to a DuckDB file, a target
path and a log path of its own (so that it neither reads nor clobbers other builds); ``warehouse`` yields the
database path, or fails with the tail of dbt's output; ``dbt_target_path`` gives the build's target directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
OUTPUT_TAIL_LINES = 80


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end tests that run the real dbt build into a temporary DuckDB file")


def _tail(text: str, lines: int = OUTPUT_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def dbt_target_path(database: Path) -> Path:
    """dbt's target directory (``run_results.json``, ...) of the build that wrote ``database``."""
    return database.parent / "target"


@dataclass(frozen=True)
class DbtBuildResult:
    """Outcome of the session's ``dbt build``: exit code, console output and the database it wrote."""

    returncode: int
    output: str
    database: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.database.exists()

    def failure_message(self) -> str:
        return f"dbt build failed (exit {self.returncode}); last lines of its output:\n{_tail(self.output)}"


@pytest.fixture(scope="session")
def dbt_build_result(tmp_path_factory: pytest.TempPathFactory) -> DbtBuildResult:
    """Run ``dbt build`` once per session into a temporary DuckDB file (never raises; see ``warehouse``)."""
    work = tmp_path_factory.mktemp("dbt_build")
    database = work / "sc_monitoring.duckdb"
    env = {
        **os.environ,
        "SCM_DUCKDB_PATH": str(database),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_PROJECT_DIR": str(REPO_ROOT),
    }
    if not DBT_EXECUTABLE.exists():
        return DbtBuildResult(127, f"dbt executable not found beside {sys.executable}", database)
    command = [
        str(DBT_EXECUTABLE),
        "build",
        "--target-path",
        str(dbt_target_path(database)),
        "--log-path",
        str(work / "logs"),
    ]
    try:
        proc = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return DbtBuildResult(-1, f"timed out after {exc.timeout} s\n{out}", database)
    return DbtBuildResult(proc.returncode, proc.stdout + proc.stderr, database)


@pytest.fixture(scope="session")
def warehouse(dbt_build_result: DbtBuildResult) -> Iterator[Path]:
    """Path of the DuckDB file the session's ``dbt build`` wrote; fails with the tail of dbt's output if the
    build failed (test_end_to_end.py's ``test_build_succeeds`` reports the same as a test failure)."""
    if not dbt_build_result.ok:
        pytest.fail(dbt_build_result.failure_message(), pytrace=False)
    yield dbt_build_result.database

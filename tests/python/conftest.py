"""Shared fixtures of the Python tests, and a progress line per test file.

The end-to-end tests (marked ``e2e``; ``pytest -m "not e2e"`` skips them) share one real ``dbt build`` of the
embedded seeds (``dbt_build_result``, ``warehouse``) and one published release of it with its record
(``published``): every test that only reads them uses these instead of building again. Tests that change inputs,
vars or the record build their own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from dbt_helpers import REPO_ROOT, DbtResult, run_dbt

from scm import record
from scm.paths import DATABASE_NAME
from scm.publish import publish

_progress: dict[str, object] = {"started": time.monotonic(), "files": Counter(), "seen": []}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end tests that run the real dbt build into a temporary DuckDB file")


def pytest_collection_finish(session: pytest.Session) -> None:
    _progress["files"] = Counter(item.nodeid.split("::")[0] for item in session.items)


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """One line when a test file starts: which file of how many, its tests, the time so far."""
    path = nodeid.split("::")[0]
    seen: list[str] = _progress["seen"]  # type: ignore[assignment]
    if path in seen:
        return
    seen.append(path)
    files: Counter[str] = _progress["files"]  # type: ignore[assignment]
    elapsed = time.monotonic() - float(_progress["started"])  # type: ignore[arg-type]
    print(
        f"\n[progress] file {len(seen)}/{len(files)}: {path} ({files[path]} tests), {elapsed:.0f} s so far",
        flush=True,
    )


def dbt_target_path(database: Path) -> Path:
    """dbt's target directory (``run_results.json``, ...) of the build that wrote ``database``."""
    return database.parent / "target"


@pytest.fixture(scope="session")
def dbt_build_result(tmp_path_factory: pytest.TempPathFactory) -> DbtResult:
    """Run ``dbt build`` once per session into a temporary DuckDB file (never raises; see ``warehouse``)."""
    return run_dbt(tmp_path_factory.mktemp("dbt_build"), ["build"])


@pytest.fixture(scope="session")
def warehouse(dbt_build_result: DbtResult) -> Path:
    """Path of the DuckDB file the session's ``dbt build`` wrote; fails with the tail of dbt's output if the
    build failed (test_end_to_end.py's ``test_build_succeeds_with_every_test`` reports the same as a test failure)."""
    if not dbt_build_result.ok:
        pytest.fail(dbt_build_result.failure_message(), pytrace=False)
    return dbt_build_result.database


@dataclass(frozen=True)
class Published:
    """The session's release: the published folder, its database, the record it was recorded in."""

    directory: Path
    database: Path
    history: Path


@pytest.fixture(scope="session")
def published(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Published:
    """The session's build published as a release (as `scm.py run` does after a passing build), and recorded."""
    directory = tmp_path_factory.mktemp("published")
    history = directory.parent / f"{directory.name}-history.duckdb"
    publish(warehouse, directory, None, {"data": "embedded seeds (seeds/raw)", "vars": {"review_list_size": 24}})
    record.append_version(directory / DATABASE_NAME, history, {"review_list_size": 24})
    return Published(directory, directory / DATABASE_NAME, history)


# The national synthetic scenario of the scenario and packet tests: every county, 12 quarters from 2012Q2 with the
# real activation dates, 30 planted anomalies of strength 4 to 6, 20 decoys (test_scenarios.py says why).
GENERATOR = REPO_ROOT / "devtools" / "generate_scenarios.py"
SCENARIO_ARGUMENTS = [
    *("--seed", "7", "--quarters", "12", "--first-quarter", "2012Q2", "--activations", "reference"),
    *("--anomalies", "30", "--strength-min", "4", "--strength-max", "6", "--decoys", "20"),
]


def generate(out: Path, arguments: list[str]) -> None:
    """Write a scenario with the generator (devtools/generate_scenarios.py) into `out`."""
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test scenario's raw folder, written once per session."""
    out = tmp_path_factory.mktemp("scenario") / "raw"
    generate(out, SCENARIO_ARGUMENTS)
    return out


@pytest.fixture(scope="session")
def scenario_warehouse(scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt build --vars '{raw_dir: <scenario>}'` once per session, into a temporary DuckDB file."""
    result = run_dbt(tmp_path_factory.mktemp("scenario_build"), ["build", "--vars", f"{{raw_dir: '{scenario}'}}"])
    if not result.ok:
        pytest.fail(f"dbt build on the scenario: {result.failure_message()}", pytrace=False)
    return result.database
